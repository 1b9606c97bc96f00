// Tokens that are not JSON: the error points at the offending token.
sfn_runtime::asl!(pub mod order, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "End": true, } }
});

fn main() {}
