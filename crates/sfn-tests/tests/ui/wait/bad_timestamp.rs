// A Wait `Timestamp` that is not a date (February 30th).
sfn_runtime::asl!(pub mod m, {
    "StartAt": "W",
    "States": { "W": { "Type": "Wait", "Timestamp": "2026-02-30T10:00:00Z", "End": true } }
});

fn main() {}
