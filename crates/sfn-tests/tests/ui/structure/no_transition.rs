// A Pass state with neither `Next` nor `End`.
sfn_runtime::asl!(pub mod m, { "StartAt": "A", "States": { "A": { "Type": "Pass" } } });

fn main() {}
