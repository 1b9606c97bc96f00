// An intrinsic function that does not exist (names are case-sensitive:
// the real one is `States.UUID`).
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "Parameters": { "id.$": "States.Uuid()" }, "End": true } }
});

fn main() {}
