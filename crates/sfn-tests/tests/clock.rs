//! Executions on a manual clock (`Settings::clock`, `Clock::manual`): a
//! two-day Wait, a retry interval, a Task's `TimeoutSeconds`, a Wait until
//! a timestamp and the state machine's `TimeoutSeconds` end exactly when
//! the test moves the clock past them, never before; every time the
//! execution reads (`$$.Execution.StartTime`, `$$.State.EnteredTime`,
//! history timestamps, JSONata `$now()` and `$millis()`) is the manual
//! time. Nothing here sleeps on tokio's clock: the tests take no time.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::context::format_timestamp;
use sfn_runtime::{Clock, ExecutionStatus, Resources, Settings, TaskContext, TaskError};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

sfn_macros::asl!(pub mod timeline, r#"{
  "StartAt": "Start",
  "States": {
    "Start": {
      "Type": "Pass",
      "Parameters": {"start.$": "$$.Execution.StartTime", "entered.$": "$$.State.EnteredTime"},
      "ResultPath": "$.t0",
      "Next": "Nap"
    },
    "Nap": {"Type": "Wait", "Seconds": 172800, "Next": "AfterNap"},
    "AfterNap": {
      "Type": "Pass",
      "Parameters": {"entered.$": "$$.State.EnteredTime"},
      "ResultPath": "$.t1",
      "Next": "Flaky"
    },
    "Flaky": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Flaky",
      "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 30, "MaxAttempts": 2, "BackoffRate": 1}],
      "ResultPath": "$.flaky",
      "Next": "Slow"
    },
    "Slow": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Slow",
      "TimeoutSeconds": 60,
      "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "Done"}],
      "End": true
    },
    "Done": {"Type": "Pass", "End": true}
  }
}"#);

sfn_macros::asl!(pub mod jsonata_now, r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Output": {
        "now": "{% $now() %}",
        "millis": "{% $millis() %}",
        "entered": "{% $states.context.State.EnteredTime %}",
        "start": "{% $states.context.Execution.StartTime %}"
      },
      "End": true
    }
  }
}"#);

sfn_macros::asl!(pub mod until, r#"{
  "StartAt": "Until",
  "States": {"Until": {"Type": "Wait", "TimestampPath": "$.at", "End": true}}
}"#);

sfn_macros::asl!(pub mod machine_timeout, r#"{
  "TimeoutSeconds": 100,
  "StartAt": "Long",
  "States": {"Long": {"Type": "Wait", "Seconds": 1000, "End": true}}
}"#);

/// 2024-01-01T00:00:00Z.
fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200)
}

fn iso(clock: &Clock) -> String {
    format_timestamp(clock.now_utc())
}

/// Lets the spawned execution run until it is idle (current-thread
/// runtime: it runs only when the test yields).
async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

/// Yields until `cond` holds (a bounded number of times).
async fn until_true(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..10_000 {
        if cond() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("never: {what}");
}

#[tokio::test]
async fn a_manual_clock_moves_waits_retries_and_timeouts() {
    let clock = Clock::manual(t0());
    let calls = Arc::new(AtomicU32::new(0));
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let resources = Resources::new()
        .handler("arn:aws:lambda:us-east-1:123456789012:function:Flaky", {
            let calls = Arc::clone(&calls);
            let seen = Arc::clone(&seen);
            move |_input: Value, ctx: TaskContext| {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                seen.lock().unwrap().push(iso(ctx.clock()));
                async move {
                    if n == 0 {
                        Err(TaskError::new("Busy", "try later"))
                    } else {
                        Ok(json!("done"))
                    }
                }
            }
        })
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Slow",
            |_input: Value, _ctx: TaskContext| std::future::pending(),
        );
    let settings = Settings {
        clock: clock.clone(),
        record_history: true,
        ..Settings::default()
    };
    let machine =
        Arc::new(timeline::StateMachine::from_resources(resources).with_settings(settings));
    let handle = machine.start(json!({}));
    let day = Duration::from_secs(24 * 3600);

    // The two-day Wait.
    clock.sleeping().await;
    assert_eq!(clock.next_due(), Some(t0() + 2 * day));
    clock.advance(2 * day - Duration::from_secs(1));
    settle().await;
    assert_eq!(handle.status(), ExecutionStatus::Running);
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the Wait ended early");
    clock.advance(Duration::from_secs(1));

    // The first attempt fails: a retry 30 seconds later.
    until_true("first attempt", || calls.load(Ordering::SeqCst) == 1).await;
    until_true("retry delay", || clock.sleepers() == 1).await;
    assert_eq!(
        clock.next_due(),
        Some(t0() + 2 * day + Duration::from_secs(30))
    );
    clock.advance(Duration::from_secs(29));
    settle().await;
    assert_eq!(calls.load(Ordering::SeqCst), 1, "retried early");
    clock.advance(Duration::from_secs(1));
    until_true("second attempt", || calls.load(Ordering::SeqCst) == 2).await;

    // Slow never answers: its TimeoutSeconds (60) ends it.
    until_true("task timeout", || clock.sleepers() == 1).await;
    let due = t0() + 2 * day + Duration::from_secs(90);
    assert_eq!(clock.next_due(), Some(due));
    clock.advance(Duration::from_secs(59));
    settle().await;
    assert_eq!(handle.status(), ExecutionStatus::Running, "timed out early");
    clock.advance(Duration::from_secs(1));
    let out = handle.result().await.unwrap();

    let at = |secs: u64| format_timestamp((t0() + Duration::from_secs(secs)).into());
    assert_eq!(out["t0"], json!({"start": at(0), "entered": at(0)}));
    assert_eq!(out["t1"], json!({"entered": at(172_800)}));
    assert_eq!(out["flaky"], json!("done"));
    assert_eq!(out["timeout"]["Error"], json!("States.Timeout"));
    assert_eq!(*seen.lock().unwrap(), [at(172_800), at(172_830)]);

    // Every history event carries the manual time of its moment.
    let events = handle.history().unwrap().events();
    let stamp = |event_type: &str| -> Vec<SystemTime> {
        events
            .iter()
            .filter(|e| e.event_type == event_type)
            .map(|e| e.timestamp)
            .collect()
    };
    let secs = |s: u64| t0() + Duration::from_secs(s);
    assert_eq!(stamp("ExecutionStarted"), [secs(0)]);
    assert_eq!(stamp("WaitStateEntered"), [secs(0)]);
    assert_eq!(stamp("WaitStateExited"), [secs(172_800)]);
    assert_eq!(stamp("TaskStateEntered"), [secs(172_800), secs(172_830)]);
    assert_eq!(stamp("LambdaFunctionTimedOut"), [secs(172_890)]);
    assert_eq!(stamp("ExecutionSucceeded"), [secs(172_890)]);
    assert!(
        events
            .iter()
            .all(|e| e.timestamp >= t0() && e.timestamp <= due)
    );
}

#[tokio::test]
async fn jsonata_now_and_millis_read_the_manual_clock() {
    let clock = Clock::manual(t0() + Duration::from_millis(1_234));
    let settings = Settings {
        clock: clock.clone(),
        ..Settings::default()
    };
    let machine =
        jsonata_now::StateMachine::from_resources(Resources::new()).with_settings(settings);
    let out = machine.run(json!({})).await.unwrap();
    let now = iso(&clock);
    assert_eq!(now, "2024-01-01T00:00:01.234Z");
    assert_eq!(
        out,
        json!({"now": now, "millis": 1_704_067_201_234_u64, "entered": now, "start": now})
    );
}

#[tokio::test]
async fn a_wait_until_a_timestamp_ends_when_the_clock_reaches_it() {
    let clock = Clock::manual(t0());
    let settings = Settings {
        clock: clock.clone(),
        ..Settings::default()
    };
    let machine =
        Arc::new(until::StateMachine::from_resources(Resources::new()).with_settings(settings));
    let handle = machine.start(json!({"at": "2024-01-01T01:00:00Z"}));
    clock.sleeping().await;
    assert_eq!(clock.next_due(), Some(t0() + Duration::from_secs(3600)));
    clock.set(t0() + Duration::from_secs(3599));
    settle().await;
    assert_eq!(handle.status(), ExecutionStatus::Running);
    clock.set(t0() + Duration::from_secs(3600));
    handle.result().await.unwrap();

    // A timestamp already passed on the manual clock does not wait.
    let machine = Arc::clone(&machine);
    let out = machine
        .run(json!({"at": "2024-01-01T00:30:00Z"}))
        .await
        .unwrap();
    assert_eq!(out, json!({"at": "2024-01-01T00:30:00Z"}));
}

#[tokio::test]
async fn the_state_machine_timeout_runs_on_the_manual_clock() {
    let clock = Clock::manual(t0());
    let settings = Settings {
        clock: clock.clone(),
        ..Settings::default()
    };
    let machine = Arc::new(
        machine_timeout::StateMachine::from_resources(Resources::new()).with_settings(settings),
    );
    let handle = machine.start(json!({}));
    // The Wait and the execution's timeout.
    until_true("both sleeping", || clock.sleepers() == 2).await;
    clock.advance(Duration::from_secs(99));
    settle().await;
    assert_eq!(handle.status(), ExecutionStatus::Running);
    clock.advance(Duration::from_secs(1));
    let err = handle.result().await.unwrap_err();
    assert_eq!(err.error, "States.Timeout");
    assert_eq!(handle.status(), ExecutionStatus::TimedOut);
}
