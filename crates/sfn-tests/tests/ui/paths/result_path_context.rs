// `ResultPath` cannot write into the context object (`$$`).
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "ResultPath": "$$.Execution", "End": true } }
});

fn main() {}
