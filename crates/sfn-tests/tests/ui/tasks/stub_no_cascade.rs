// An invalid definition still declares its module (a stub), so code using
// `Tasks`, `StateMachine` and `State` reports only the definition's error.
use serde_json::Value;
use sfn_runtime::{TaskContext, TaskError};

sfn_runtime::asl!(pub mod m, {
    "StartAt": "Charge",
    "States": {
        "Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Shipp" },
        "Ship": { "Type": "Succeed" }
    }
});

struct Handlers;

impl m::Tasks for Handlers {
    async fn charge(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(input)
    }
}

fn main() {
    let _machine = m::StateMachine::new(Handlers);
    let _first = m::State::Charge;
}
