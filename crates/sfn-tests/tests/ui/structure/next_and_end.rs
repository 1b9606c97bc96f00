// A state with both `Next` and `End`: the two are exclusive.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": {
        "A": { "Type": "Pass", "Next": "B", "End": true },
        "B": { "Type": "Succeed" }
    }
});

fn main() {}
