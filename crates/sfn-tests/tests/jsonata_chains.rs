//! Issue 11: JSONata chains longer than 100 flat terms were rejected as
//! "nested too deeply". A workflow with chains of 40 terms (more than the
//! 16 links the generator writes as nested constructors, so written as a
//! loop over the links) compiles with `asl!` and gives the right values.
//! Longer chains (1,000 and 10,000 terms) are tested where they are parsed
//! (`sfn-lang/tests/jsonata_chains.rs`), generated
//! (`sfn-codegen/tests/jsonata_chains.rs`) and evaluated
//! (`sfn-runtime/tests/jsonata_chains.rs`).

#![deny(warnings)]

use serde_json::json;

sfn_macros::asl!(
    /// Long chains of `+`, `or`, `&` and `~>`.
    pub mod chains,
    {
        "QueryLanguage": "JSONata",
        "StartAt": "Compute",
        "States": {
            "Compute": {
                "Type": "Pass",
                "Output": {
                    "sum": "{% 1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1 %}",
                    "any": "{% false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or false or $states.input.flag %}",
                    "text": "{% 'a' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' & 'b' %}",
                    "applied": "{% ($inc := function($v) { $v + 1 }; 0 ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc ~> $inc) %}"
                },
                "End": true
            }
        }
    }
);

/// The workflow has no Task states.
struct NoTasks;

impl chains::Tasks for NoTasks {}

#[tokio::test(start_paused = true)]
async fn long_chains_compile_and_evaluate() {
    let machine = chains::StateMachine::new(NoTasks);
    for flag in [true, false] {
        let out = machine.run(json!({"flag": flag})).await.unwrap();
        assert_eq!(
            out,
            json!({
                "sum": 40,
                "any": flag,
                "text": format!("a{}", "b".repeat(39)),
                "applied": 40
            })
        );
    }
}
