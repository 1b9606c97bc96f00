//! Execution history: the events AWS records for a workflow, in order, with
//! ids, read from the execution's handle and as `GetExecutionHistory` JSON.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{ExecutionStatus, Settings, TaskContext, TaskError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

sfn_runtime::asl!(
    /// A Pass, a Task retried once, a Map of one state per item, a Choice.
    pub mod recorded,
    {
        "StartAt": "Prepare",
        "States": {
            "Prepare": { "Type": "Pass", "Result": [1, 2], "ResultPath": "$.items", "Next": "Charge" },
            "Charge": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "ResultPath": "$.charge",
                "Retry": [{ "ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 1 }],
                "Next": "Each"
            },
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "Double",
                    "States": { "Double": { "Type": "Pass", "Parameters": { "v.$": "States.MathAdd($, $)" }, "End": true } }
                },
                "ResultPath": "$.doubled",
                "Next": "Check"
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{ "Variable": "$.stop", "IsPresent": true, "Next": "Stopped" }],
                "Default": "Done"
            },
            "Stopped": { "Type": "Fail", "Error": "Test.Stopped", "Cause": "asked to stop" },
            "Done": { "Type": "Succeed" }
        }
    }
);

#[derive(Default)]
struct Tasks {
    calls: AtomicU32,
}

impl recorded::Tasks for Tasks {
    async fn charge(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(TaskError::new("Busy", "try again"));
        }
        Ok(json!({"paid": true}))
    }
}

fn machine(record: bool) -> Arc<recorded::StateMachine<Tasks>> {
    let settings = Settings {
        record_history: record,
        ..Settings::default()
    };
    Arc::new(recorded::StateMachine::new(Tasks::default()).with_settings(settings))
}

#[tokio::test(start_paused = true)]
async fn the_events_of_a_successful_execution() {
    let handle = machine(true).start(json!({}));
    let output = handle.result().await.unwrap();
    assert_eq!(output["doubled"], json!([{"v": 2}, {"v": 4}]));
    let events = handle.history().expect("kept").events();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_ref()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateExited",
            "MapIterationSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded",
        ]
    );
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.id, i as u64 + 1);
        assert_eq!(event.previous_event_id, i as u64);
    }
    let doc = handle.history().unwrap().to_json();
    let failed = &doc["events"][6];
    assert_eq!(
        failed["taskFailedEventDetails"],
        json!({"resourceType": "lambda", "resource": "invoke", "error": "Busy", "cause": "try again"})
    );
    assert_eq!(
        doc["events"][12]["mapStateStartedEventDetails"],
        json!({"length": 2})
    );
    let entered = &doc["events"][3]["stateEnteredEventDetails"];
    assert_eq!(entered["name"], json!("Charge"));
    let input: Value = serde_json::from_str(entered["input"].as_str().unwrap()).unwrap();
    assert_eq!(input, json!({"items": [1, 2]}));
    let last = &doc["events"][27]["executionSucceededEventDetails"]["output"];
    assert_eq!(
        serde_json::from_str::<Value>(last.as_str().unwrap()).unwrap(),
        output
    );
}

#[tokio::test(start_paused = true)]
async fn a_fail_state_ends_with_execution_failed() {
    let handle = machine(true).start(json!({"stop": true}));
    let err = handle.result().await.unwrap_err();
    assert_eq!(err.error, "Test.Stopped");
    let events = handle.history().unwrap().events();
    let tail: Vec<&str> = events[events.len() - 4..]
        .iter()
        .map(|e| e.event_type.as_ref())
        .collect();
    // No FailStateExited: the execution fails in the Fail state.
    assert_eq!(
        tail,
        [
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
    assert_eq!(
        events.last().unwrap().details,
        json!({"error": "Test.Stopped", "cause": "asked to stop"})
    );
}

#[tokio::test(start_paused = true)]
async fn a_stopped_execution_ends_with_execution_aborted() {
    let handle = machine(true).start(json!({}));
    // Stopped while the retry of Charge waits its second.
    tokio::task::yield_now().await;
    assert!(handle.stop("Ops.Stop", "maintenance"));
    assert_eq!(handle.status(), ExecutionStatus::Aborted);
    let events = handle.history().unwrap().events();
    let last = events.last().unwrap();
    assert_eq!(last.event_type, "ExecutionAborted");
    assert_eq!(last.id, events[events.len() - 2].id + 1);
}

#[tokio::test(start_paused = true)]
async fn no_history_unless_asked() {
    let handle = machine(false).start(json!({}));
    handle.result().await.unwrap();
    assert!(handle.history().is_none());
}

sfn_runtime::asl!(
    /// One Lambda function named by its own ARN.
    pub mod legacy,
    {
        "StartAt": "Call",
        "States": {
            "Call": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F", "End": true }
        }
    }
);

#[tokio::test(start_paused = true)]
async fn a_lambda_arn_is_recorded_as_lambda_function_events() {
    let resources = sfn_runtime::Resources::new().handler(
        "arn:aws:lambda:us-east-1:123456789012:function:F",
        |input: Value, _ctx: TaskContext| async move { Ok(input) },
    );
    let machine = Arc::new(
        legacy::StateMachine::from_resources(resources).with_settings(Settings {
            record_history: true,
            ..Settings::default()
        }),
    );
    let handle = machine.start(json!({"x": 1}));
    handle.result().await.unwrap();
    let types: Vec<String> = handle
        .history()
        .unwrap()
        .events()
        .iter()
        .map(|e| e.event_type.to_string())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}
