// A JSONata expression that does not parse.
sfn_runtime::asl!(pub mod m, {
    "QueryLanguage": "JSONata",
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "Output": "{% 10 + * 2 %}", "End": true } }
});

fn main() {}
