// A numeric comparison with a string operand.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "C",
    "States": {
        "C": {
            "Type": "Choice",
            "Choices": [{ "Variable": "$.count", "NumericEquals": "3", "Next": "D" }],
            "Default": "D"
        },
        "D": { "Type": "Succeed" }
    }
});

fn main() {}
