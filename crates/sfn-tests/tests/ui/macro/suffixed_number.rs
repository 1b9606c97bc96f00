// A Rust number with a type suffix in JSON written as tokens.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "W",
    "States": { "W": { "Type": "Wait", "Seconds": 10u32, "End": true } }
});

fn main() {}
