// Tokens that are not JSON: the error points at the offending token.
sfn_macros::asl!(pub mod order, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "End": true, } }
});

fn main() {}
