// A char literal in JSON written as tokens: JSON strings are in double quotes.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "Result": 'x', "End": true } }
});

fn main() {}
