// A Wait in `Days`: ASL has no such field; the error says to use `Seconds`.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "W",
    "States": {
        "W": { "Type": "Wait", "Days": 2, "End": true }
    }
});

fn main() {}
