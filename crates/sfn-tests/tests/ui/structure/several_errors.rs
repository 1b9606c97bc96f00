// Every problem is reported at once, each at its own token, not just the
// first: a dangling `Next`, an unknown field and a bad path.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": {
        "A": { "Type": "Pass", "Next": "Nowhere" },
        "B": { "Type": "Pass", "Reslt": 1, "End": true },
        "C": { "Type": "Pass", "InputPath": "items", "End": true }
    }
});

fn main() {}
