// JSON in a string that does not parse: the error names the line and column
// of the first bad character and shows the line.
sfn_runtime::asl!(pub mod m, r#"{ "StartAt": "A", "States": }"#);

fn main() {}
