// A Retry `BackoffRate` below 1.0.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "T",
    "States": {
        "T": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [{ "ErrorEquals": ["States.ALL"], "BackoffRate": 0.5 }],
            "End": true
        }
    }
});

fn main() {}
