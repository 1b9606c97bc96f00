// The module is declared as `VIS mod NAME`.
sfn_runtime::asl!(pub order, { "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true } } });

fn main() {}
