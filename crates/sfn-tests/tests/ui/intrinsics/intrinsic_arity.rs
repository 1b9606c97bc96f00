// An intrinsic function called with the wrong number of arguments.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "Parameters": { "r.$": "States.ArrayRange(1, 9)" }, "End": true } }
});

fn main() {}
