// `States.ALL` in a retrier that is not the last one.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "T",
    "States": {
        "T": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
                { "ErrorEquals": ["States.ALL"] },
                { "ErrorEquals": ["Lambda.ServiceException"] }
            ],
            "End": true
        }
    }
});

fn main() {}
