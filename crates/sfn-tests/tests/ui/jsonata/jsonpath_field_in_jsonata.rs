// A JSONPath-only field (`OutputPath`) in a JSONata workflow.
sfn_runtime::asl!(pub mod m, {
    "QueryLanguage": "JSONata",
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "OutputPath": "$.result", "End": true } }
});

fn main() {}
