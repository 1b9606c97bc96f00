// A dangling `Next` in JSON written as tokens: the error points at the
// token, and the stub module keeps `main` free of further errors.
sfn_runtime::asl!(pub mod order, {
    "StartAt": "Validate",
    "States": {
        "Validate": { "Type": "Pass", "Next": "Shipp" },
        "Ship": { "Type": "Succeed" }
    }
});

fn main() {
    let _machine = order::StateMachine::from_resources(sfn_runtime::Resources::new());
}
