// A Parallel branch reuses the name of a top-level state: state names are
// unique across the whole definition.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "P",
    "States": {
        "P": {
            "Type": "Parallel",
            "Branches": [{ "StartAt": "P", "States": { "P": { "Type": "Succeed" } } }],
            "End": true
        }
    }
});

fn main() {}
