// A JSONPath that does not parse (an unclosed `[`).
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "InputPath": "$.items[", "End": true } }
});

fn main() {}
