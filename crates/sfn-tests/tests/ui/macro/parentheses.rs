// Parentheses in JSON written as tokens: JSON has only `{}` and `[]`.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "Result": (1, 2), "End": true } }
});

fn main() {}
