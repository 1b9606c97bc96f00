// A JSONPath Choice rule (`Variable` with a comparison operator) in a
// JSONata state, which takes a `Condition` instead.
sfn_runtime::asl!(pub mod m, {
    "QueryLanguage": "JSONata",
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Done"}],
            "Default": "Done"
        },
        "Done": {"Type": "Succeed"}
    }
});

fn main() {}
