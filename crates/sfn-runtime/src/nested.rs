//! Nested state machines: a Task whose Resource is
//! `arn:aws:states:::states:startExecution` (or its `.sync` and `.sync:2`
//! forms) starts another compiled workflow, registered by name in the
//! [`StateMachines`] of the parent's settings (`Settings::state_machines`).
//!
//! The Task's effective input is the `StartExecution` request:
//! `StateMachineArn` (or just the name), `Input` (JSON, or JSON text) and an
//! optional `Name`. The result has AWS's shape for each form:
//!
//! * request-response: `{"ExecutionArn", "StartDate"}`, as soon as the child
//!   started (it goes on running);
//! * `.sync`: the child's `DescribeExecution` once it ended: `ExecutionArn`,
//!   `Input` and `Output` as JSON text (with `InputDetails` and
//!   `OutputDetails`), `Name`, `StartDate`, `StopDate`, `StateMachineArn`,
//!   `Status`;
//! * `.sync:2`: the same with `Input` and `Output` as JSON.
//!
//! A child that fails makes the `.sync` Task fail with `States.TaskFailed`
//! and the `DescribeExecution` (with the child's `Error` and `Cause`) as
//! cause, as on AWS. A name that is not registered fails with
//! `StepFunctions.StateMachineDoesNotExistException`.
//!
//! This is the default of the generated `Tasks` method of such a state (and
//! of `Resources` without a handler for it); an application may still
//! implement the method itself.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, RwLock};

use serde_json::{Map, Value, json};

use crate::context::format_timestamp;
use crate::handle::{ExecutionHandle, ExecutionStatus};
use crate::task::{TaskContext, TaskError};

/// The prefix of the Resources this module serves.
const START_EXECUTION: &str = "arn:aws:states:::states:startExecution";

/// A compiled workflow that can be started by name (the generated
/// `StateMachine` implements it).
pub trait Workflow: Send + Sync + 'static {
    /// Starts an execution on `input` (see `StateMachine::start`).
    fn start_execution(self: Arc<Self>, input: Value) -> ExecutionHandle;
}

/// The workflows that `startExecution` Tasks may start, by state machine
/// name (a cheap handle: `Clone` shares the registry).
///
/// ```
/// use serde_json::json;
/// use sfn_runtime::{Resources, Settings, StateMachines};
/// use std::sync::Arc;
///
/// sfn_runtime::asl!(mod child, r#"{
///   "StartAt": "Double",
///   "States": {"Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, $.n)"}, "End": true}}
/// }"#);
/// sfn_runtime::asl!(mod parent, r#"{
///   "StartAt": "RunChild",
///   "States": {
///     "RunChild": {
///       "Type": "Task",
///       "Resource": "arn:aws:states:::states:startExecution.sync:2",
///       "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input.$": "$"},
///       "OutputPath": "$.Output",
///       "End": true
///     }
///   }
/// }"#);
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let machines = StateMachines::new();
/// machines.register("child", Arc::new(child::StateMachine::from_resources(Resources::new())));
/// let settings = Settings { state_machines: machines, ..Settings::default() };
/// let machine = parent::StateMachine::from_resources(Resources::new()).with_settings(settings);
/// assert_eq!(machine.run(json!({"n": 21})).await.unwrap(), json!({"n": 42}));
/// # }
/// ```
#[derive(Clone, Default)]
pub struct StateMachines {
    by_name: Arc<RwLock<HashMap<String, Arc<dyn Workflow>>>>,
}

impl StateMachines {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `workflow` under `name`, the last part of its state
    /// machine ARN (`arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`).
    pub fn register(&self, name: impl Into<String>, workflow: Arc<dyn Workflow>) {
        self.by_name
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.into(), workflow);
    }

    /// The workflow an ARN or name refers to.
    fn find(&self, arn_or_name: &str) -> Option<Arc<dyn Workflow>> {
        let name = arn_or_name
            .rsplit_once(":stateMachine:")
            .map_or(arn_or_name, |(_, name)| name);
        let name = name.split(':').next().unwrap_or(name);
        self.by_name
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }
}

impl fmt::Debug for StateMachines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let by_name = self.by_name.read().unwrap_or_else(|p| p.into_inner());
        let mut names: Vec<&String> = by_name.keys().collect();
        names.sort();
        f.debug_struct("StateMachines")
            .field("names", &names)
            .finish()
    }
}

impl PartialEq for StateMachines {
    /// Two handles are equal when they share one registry.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.by_name, &other.by_name)
    }
}

/// Whether `resource` is a `states:startExecution` integration.
pub fn is_start_execution(resource: &str) -> bool {
    resource == START_EXECUTION
        || resource == format!("{START_EXECUTION}.sync")
        || resource == format!("{START_EXECUTION}.sync:2")
}

/// Runs a `startExecution` Task (see the [module](self) docs).
pub fn start_execution(
    resource: &str,
    request: Value,
    ctx: TaskContext,
) -> impl Future<Output = Result<Value, TaskError>> + Send + 'static {
    let form = resource
        .strip_prefix(START_EXECUTION)
        .unwrap_or("")
        .to_owned();
    async move {
        let arn = request["StateMachineArn"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(workflow) = ctx.state_machines().find(&arn) else {
            return Err(TaskError::new(
                "StepFunctions.StateMachineDoesNotExistException",
                format!("State Machine Does Not Exist: '{arn}'"),
            ));
        };
        let input = match &request["Input"] {
            Value::String(text) => serde_json::from_str(text).map_err(|e| {
                TaskError::new(
                    "StepFunctions.InvalidExecutionInputException",
                    format!("Invalid State Machine Execution Input: '{e}'"),
                )
            })?,
            Value::Null => json!({}),
            other => other.clone(),
        };
        let start = format_timestamp(ctx.clock().now_utc());
        let handle = workflow.start_execution(input.clone());
        if form.is_empty() {
            return Ok(json!({"ExecutionArn": handle.id(), "StartDate": start}));
        }
        let outcome = handle.result().await;
        let as_json = form == ".sync:2";
        let data = |v: &Value| {
            if as_json {
                v.clone()
            } else {
                Value::String(v.to_string())
            }
        };
        let mut describe = Map::new();
        describe.insert("ExecutionArn".into(), json!(handle.id()));
        describe.insert("Input".into(), data(&input));
        describe.insert("InputDetails".into(), json!({"Included": true}));
        describe.insert("Name".into(), json!(handle.name()));
        let arn_of_machine = handle
            .id()
            .rsplit_once(':')
            .map(|(machine, _)| machine.replacen(":execution:", ":stateMachine:", 1))
            .unwrap_or_default();
        describe.insert("StartDate".into(), json!(start));
        describe.insert("StateMachineArn".into(), json!(arn_of_machine));
        describe.insert("Status".into(), json!(handle.status().as_str()));
        describe.insert(
            "StopDate".into(),
            json!(format_timestamp(ctx.clock().now_utc())),
        );
        match outcome {
            Ok(output) => {
                describe.insert("Output".into(), data(&output));
                describe.insert("OutputDetails".into(), json!({"Included": true}));
                Ok(Value::Object(describe))
            }
            Err(error) => {
                describe.insert("Error".into(), json!(error.error));
                if let Some(cause) = &error.cause {
                    describe.insert("Cause".into(), json!(cause));
                }
                debug_assert_ne!(handle.status(), ExecutionStatus::Running);
                Err(TaskError::new(
                    crate::error::names::TASK_FAILED,
                    Value::Object(describe).to_string(),
                ))
            }
        }
    }
}
