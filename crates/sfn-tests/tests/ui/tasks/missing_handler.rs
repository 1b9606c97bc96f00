// A Task state without its handler method is a compile error in the impl.
sfn_runtime::asl!(pub mod order, {
    "StartAt": "Charge",
    "States": {
        "Charge": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge", "Next": "Ship" },
        "Ship": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Ship", "End": true }
    }
});

struct Handlers;

impl order::Tasks for Handlers {
    async fn charge(
        &self,
        input: serde_json::Value,
        _ctx: sfn_runtime::TaskContext,
    ) -> Result<serde_json::Value, sfn_runtime::TaskError> {
        Ok(input)
    }
}

fn main() {
    let _machine = order::StateMachine::new(Handlers);
}
