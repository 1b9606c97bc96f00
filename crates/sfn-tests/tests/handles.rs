//! `StateMachine::start`: execution handles with their name and id, status,
//! result and stop, many executions at once on one runtime.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{ExecutionStatus, TaskContext, TaskError};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

sfn_runtime::asl!(
    /// Waits a minute, then asks the slow service, then succeeds.
    pub mod slow,
    {
        "StartAt": "Pause",
        "TimeoutSeconds": 3600,
        "States": {
            "Pause": { "Type": "Wait", "Seconds": 60, "Next": "Ask" },
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Ask",
                "ResultPath": "$.answer",
                "End": true
            }
        }
    }
);

/// Answers after `delay` seconds; counts the calls that began and the ones
/// that were cancelled before answering.
struct Service {
    delay: u64,
    began: AtomicUsize,
    cancelled: Arc<AtomicUsize>,
}

/// Counts a cancellation when dropped before `done` is set.
struct Guard {
    cancelled: Arc<AtomicUsize>,
    done: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.done {
            self.cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl slow::Tasks for Service {
    async fn ask(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        self.began.fetch_add(1, Ordering::SeqCst);
        let mut guard = Guard {
            cancelled: Arc::clone(&self.cancelled),
            done: false,
        };
        tokio::time::sleep(Duration::from_secs(self.delay)).await;
        guard.done = true;
        let execution = ctx.context_member("Execution").cloned().unwrap_or_default();
        Ok(json!({"n": input["n"], "name": execution["Name"]}))
    }
}

fn machine(delay: u64) -> (Arc<slow::StateMachine<Service>>, Arc<AtomicUsize>) {
    let cancelled = Arc::new(AtomicUsize::new(0));
    let service = Service {
        delay,
        began: AtomicUsize::new(0),
        cancelled: Arc::clone(&cancelled),
    };
    (Arc::new(slow::StateMachine::new(service)), cancelled)
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_executions_at_once() {
    let (machine, cancelled) = machine(30);
    let started = tokio::time::Instant::now();
    let handles: Vec<_> = (0..10_000)
        .map(|n| machine.start(json!({"n": n})))
        .collect();
    let names: std::collections::HashSet<&str> = handles.iter().map(|h| h.name()).collect();
    assert_eq!(names.len(), 10_000, "every execution has its own name");
    for (n, handle) in handles.iter().enumerate() {
        let out = handle.result().await.unwrap();
        assert_eq!(out["answer"]["n"], json!(n));
        // `$$.Execution.Name` is the handle's name.
        assert_eq!(out["answer"]["name"], json!(handle.name()));
        assert!(handle.id().ends_with(&format!(":slow:{}", handle.name())));
        assert_eq!(handle.status(), ExecutionStatus::Succeeded);
    }
    // All waited and asked at the same time: 60 s + 30 s.
    assert_eq!(started.elapsed().as_secs(), 90);
    assert_eq!(machine.tasks().began.load(Ordering::SeqCst), 10_000);
    assert_eq!(cancelled.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn stop_cancels_the_running_handler() {
    let (machine, cancelled) = machine(600);
    let handle = machine.start(json!({"n": 1}));
    // Into the Task: the handler is running.
    tokio::time::sleep(Duration::from_secs(61)).await;
    assert_eq!(machine.tasks().began.load(Ordering::SeqCst), 1);
    assert_eq!(handle.status(), ExecutionStatus::Running);
    assert!(handle.stop("Ops.Stopped", "stopped by an operator"));
    let err = handle.result().await.unwrap_err();
    assert_eq!(err.error, "Ops.Stopped");
    assert_eq!(err.cause.as_deref(), Some("stopped by an operator"));
    assert_eq!(handle.status(), ExecutionStatus::Aborted);
    tokio::task::yield_now().await;
    assert_eq!(
        cancelled.load(Ordering::SeqCst),
        1,
        "the handler was dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn the_machine_timeout_ends_timed_out() {
    // TimeoutSeconds 3600: the handler would answer after two hours.
    let (machine, _) = machine(7200);
    let handle = machine.start(json!({"n": 1}));
    let err = handle.result().await.unwrap_err();
    assert_eq!(err.error, "States.Timeout");
    assert_eq!(handle.status(), ExecutionStatus::TimedOut);
}
