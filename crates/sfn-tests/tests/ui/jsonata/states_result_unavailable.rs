// `$states.result` read before the task has run: only a Task, Parallel or
// Map state's own `Output` and `Assign` can read it.
sfn_runtime::asl!(pub mod m, {
    "QueryLanguage": "JSONata",
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Call",
            "Arguments": {"id": "{% $states.result.id %}"},
            "End": true
        }
    }
});

fn main() {}
