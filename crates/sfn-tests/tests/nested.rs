//! Nested state machines: `states:startExecution` in its three forms starts
//! a compiled workflow registered in `Settings::state_machines`.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{Settings, StateMachines};
use std::sync::Arc;

sfn_runtime::asl!(
    /// The child: doubles `n`, or fails when `n` is negative.
    pub mod child,
    {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{ "Variable": "$.n", "NumericLessThan": 0, "Next": "Negative" }],
                "Default": "Double"
            },
            "Double": { "Type": "Pass", "Parameters": { "doubled.$": "States.MathAdd($.n, $.n)" }, "End": true },
            "Negative": { "Type": "Fail", "Error": "Child.Negative", "Cause": "n < 0" }
        }
    }
);

sfn_runtime::asl!(
    /// The parent: starts the child in each form.
    pub mod parent,
    {
        "StartAt": "Fire",
        "States": {
            "Fire": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input": { "n": 1 } },
                "ResultPath": "$.fired",
                "Next": "Wait"
            },
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync",
                "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input": { "n.$": "$.n" } },
                "ResultPath": "$.sync",
                "Catch": [{ "ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failed", "Next": "Missing" }],
                "Next": "Wait2"
            },
            "Wait2": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": { "StateMachineArn": "child", "Input": "{\"n\": 21}" },
                "ResultSelector": { "output.$": "$.Output", "status.$": "$.Status" },
                "ResultPath": "$.sync2",
                "Next": "Missing"
            },
            "Missing": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:nope" },
                "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.missing", "Next": "Done" }],
                "End": true
            },
            "Done": { "Type": "Succeed" }
        }
    }
);

fn parent() -> parent::StateMachine {
    let machines = StateMachines::new();
    machines.register("child", Arc::new(child::StateMachine::new(())));
    parent::StateMachine::from_resources(sfn_runtime::Resources::new()).with_settings(Settings {
        state_machines: machines,
        ..Settings::default()
    })
}

#[tokio::test(start_paused = true)]
async fn the_three_forms_and_a_missing_machine() {
    let out = parent().run(json!({"n": 5})).await.unwrap();
    // Request-response: the execution's ARN, at once.
    let arn = out["fired"]["ExecutionArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:execution:child:"),
        "{arn}"
    );
    // .sync: DescribeExecution with Input and Output as JSON text.
    let sync = &out["sync"];
    assert_eq!(sync["Status"], json!("SUCCEEDED"));
    assert_eq!(
        serde_json::from_str::<Value>(sync["Output"].as_str().unwrap()).unwrap(),
        json!({"doubled": 10})
    );
    assert_eq!(
        serde_json::from_str::<Value>(sync["Input"].as_str().unwrap()).unwrap(),
        json!({"n": 5})
    );
    assert_eq!(
        sync["StateMachineArn"],
        json!("arn:aws:states:us-east-1:123456789012:stateMachine:child")
    );
    // .sync:2: the same with JSON.
    assert_eq!(
        out["sync2"],
        json!({"output": {"doubled": 42}, "status": "SUCCEEDED"})
    );
    // An unknown machine: AWS's error.
    assert_eq!(
        out["missing"]["Error"],
        json!("StepFunctions.StateMachineDoesNotExistException")
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_child_fails_the_sync_task() {
    let out = parent().run(json!({"n": -1})).await.unwrap();
    assert_eq!(out["failed"]["Error"], json!("States.TaskFailed"));
    let describe: Value = serde_json::from_str(out["failed"]["Cause"].as_str().unwrap()).unwrap();
    assert_eq!(describe["Status"], json!("FAILED"));
    assert_eq!(describe["Error"], json!("Child.Negative"));
    assert_eq!(describe["Cause"], json!("n < 0"));
}
