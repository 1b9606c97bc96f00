// `StartAt` names no state: the error suggests the nearest name.
sfn_runtime::asl!(pub mod m, { "StartAt": "Strat", "States": { "Start": { "Type": "Succeed" } } });

fn main() {}
