// A state that no transition reaches.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": {
        "A": { "Type": "Succeed" },
        "Orphan": { "Type": "Succeed" }
    }
});

fn main() {}
