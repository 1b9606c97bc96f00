// A definition without `StartAt`: a required field is missing.
sfn_runtime::asl!(pub mod m, { "States": { "A": { "Type": "Succeed" } } });

fn main() {}
