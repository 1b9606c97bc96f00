// The same error with the JSON in a string: the message names the line and
// column and shows the line.
sfn_runtime::asl!(pub mod order, r#"{
  "StartAt": "Validate",
  "States": {
    "Validate": { "Type": "Pass", "Next": "Shipp" },
    "Ship": { "Type": "Succeed" }
  }
}"#);

fn main() {
    let _ = order::DEFINITION;
}
