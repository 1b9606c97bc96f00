// `Next` inside a nested Choice rule (in `And`): only a top-level rule has one.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "C",
    "States": {
        "C": {
            "Type": "Choice",
            "Choices": [{
                "And": [{ "Variable": "$.a", "IsPresent": true, "Next": "D" }],
                "Next": "D"
            }],
            "Default": "D"
        },
        "D": { "Type": "Succeed" }
    }
});

fn main() {}
