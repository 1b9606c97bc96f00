//! Executions that never end by themselves are ended all the same: by the
//! state machine's `TimeoutSeconds`, by `stop`, by an outer
//! `tokio::time::timeout`, and by AWS's limit of 25,000 history events, on
//! current-thread and multi-thread runtimes. Every test here ends by
//! itself: a regression hangs it only until the test's own watchdog.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{
    ExecutionStatus, HISTORY_EVENT_LIMIT, Resources, Settings, StateMachineType, StateObserver,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

// The loop of the issue, exactly: a Pass and a Choice that never ends.
sfn_macros::asl!(pub mod spin, r#"{"TimeoutSeconds":2,"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}],"Default":"C"},"C":{"Type":"Succeed"}}}"#);

// The same loop without a timeout.
sfn_macros::asl!(pub mod spin_forever, r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}],"Default":"C"},"C":{"Type":"Succeed"}}}"#);

// A JSONata expression that recurses for ever in tail position.
sfn_macros::asl!(pub mod jsonata_spin, r#"{"QueryLanguage":"JSONata","TimeoutSeconds":1,"StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% ($f := function($x){$f($x)}; $f(1)) %}","End":true}}}"#);

// The same without a timeout, in a Task whose Catch would catch anything
// the state raised.
sfn_macros::asl!(pub mod jsonata_spin_caught, r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Echo",
      "Arguments": "{% ($f := function($x){$f($x)}; $f(1)) %}",
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
      "End": true
    },
    "Caught": {"Type": "Pass", "End": true}
  }
}"#);

// Counts to `$.n`: 4 history events per round (Inc and Check, entered and
// exited), so `4 n + 4` events in all with ExecutionStarted, Done's two and
// ExecutionSucceeded.
sfn_macros::asl!(pub mod count, r#"{
  "StartAt": "Inc",
  "States": {
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)", "n.$": "$.n"}, "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.n", "Next": "Inc"}], "Default": "Done"},
    "Done": {"Type": "Succeed"}
  }
}"#);

// A Map over `$.items` with one Pass state per item, inline and
// distributed.
sfn_macros::asl!(pub mod inline_map, r#"{
  "StartAt": "Each",
  "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
    "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "ResultSelector": {"count.$": "States.ArrayLength($)"}, "End": true}}
}"#);
sfn_macros::asl!(pub mod distributed_map, r#"{
  "StartAt": "Each",
  "States": {"Each": {"Type": "Map", "ItemsPath": "$.items",
    "ItemProcessor": {
      "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "ResultSelector": {"count.$": "States.ArrayLength($)"}, "End": true}}
}"#);

/// Settings that count the states entered into `entered`.
fn counting(entered: &Arc<AtomicU64>, kind: StateMachineType) -> Settings {
    let seen = Arc::clone(entered);
    Settings {
        on_state_entered: Some(StateObserver::new(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        })),
        state_machine_type: kind,
        ..Settings::default()
    }
}

fn express() -> Settings {
    Settings {
        state_machine_type: StateMachineType::Express,
        ..Settings::default()
    }
}

/// Runs `test` on its own thread and fails if it has not ended within
/// `limit`: a hang is a failure, not a stuck test run.
fn within(limit: Duration, test: impl FnOnce() + Send + 'static) {
    let (done, wait) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        test();
        let _ = done.send(());
    });
    match wait.recv_timeout(limit) {
        Ok(()) => thread.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            // The test panicked: report its panic.
            if let Err(panic) = thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the test did not end within {limit:?}")
        }
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

// --- The Pass/Choice loop -------------------------------------------------

#[test]
fn a_standard_loop_fails_at_the_history_limit_as_on_aws() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(async {
            let machine = spin::StateMachine::from_resources(Resources::new());
            let err = machine.run(json!({"x": 1})).await.unwrap_err();
            assert_eq!(err.error, "States.Runtime");
            assert_eq!(
                err.cause.as_deref(),
                Some("The execution reached the maximum number of history events (25000).")
            );
        });
    });
}

#[test]
fn an_express_loop_times_out_on_a_current_thread_runtime() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(async {
            let entered = Arc::new(AtomicU64::new(0));
            let machine = Arc::new(
                spin::StateMachine::from_resources(Resources::new())
                    .with_settings(counting(&entered, StateMachineType::Express)),
            );
            let started = std::time::Instant::now();
            let handle = machine.start(json!({"x": 1}));
            let err = handle.result().await.unwrap_err();
            assert_eq!(err.error, "States.Timeout");
            assert_eq!(handle.status(), ExecutionStatus::TimedOut);
            let elapsed = started.elapsed();
            assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
            // It ran meanwhile, and it runs no more.
            let after = entered.load(Ordering::SeqCst);
            assert!(after > 1000, "{after}");
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert_eq!(entered.load(Ordering::SeqCst), after);
        });
    });
}

#[test]
fn an_express_loop_times_out_through_run_on_a_multi_thread_runtime() {
    within(Duration::from_secs(60), || {
        multi_thread().block_on(async {
            let machine =
                spin::StateMachine::from_resources(Resources::new()).with_settings(express());
            let err = machine.run(json!({"x": 1})).await.unwrap_err();
            assert_eq!(err.error, "States.Timeout");
        });
    });
}

#[test]
fn an_express_loop_times_out_on_paused_time_after_its_timeout_in_real_time() {
    within(Duration::from_secs(60), || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            // The loop never waits, so tokio's paused clock never moves:
            // the wall clock ends it.
            let machine =
                spin::StateMachine::from_resources(Resources::new()).with_settings(express());
            let started = std::time::Instant::now();
            let err = machine.run(json!({"x": 1})).await.unwrap_err();
            assert_eq!(err.error, "States.Timeout");
            assert!(started.elapsed() >= Duration::from_secs(2));
        });
    });
}

#[test]
fn an_outer_tokio_timeout_ends_the_loop() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(async {
            let machine = spin_forever::StateMachine::from_resources(Resources::new())
                .with_settings(express());
            let outcome =
                tokio::time::timeout(Duration::from_millis(200), machine.run(json!({"x": 1})))
                    .await;
            assert!(outcome.is_err(), "the outer timeout fired");
        });
    });
}

/// Starts the endless loop, lets it run, stops it, and checks that no
/// state is entered after `result` returned (nor, beyond the one being
/// entered at that instant, after `stop` returned).
async fn stop_ends_the_loop() {
    let entered = Arc::new(AtomicU64::new(0));
    let machine = Arc::new(
        spin_forever::StateMachine::from_resources(Resources::new())
            .with_settings(counting(&entered, StateMachineType::Express)),
    );
    let handle = machine.start(json!({"x": 1}));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(handle.status(), ExecutionStatus::Running);
    assert!(entered.load(Ordering::SeqCst) > 100, "it runs");
    assert!(handle.stop("Operator.Stop", "runaway"));
    let at_stop = entered.load(Ordering::SeqCst);
    let err = handle.result().await.unwrap_err();
    assert_eq!(err.error, "Operator.Stop");
    assert_eq!(handle.status(), ExecutionStatus::Aborted);
    let at_result = entered.load(Ordering::SeqCst);
    assert!(at_result <= at_stop + 1, "{at_stop} -> {at_result}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        entered.load(Ordering::SeqCst),
        at_result,
        "nothing runs after the stop"
    );
}

#[test]
fn stop_ends_the_loop_on_a_current_thread_runtime() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(stop_ends_the_loop())
    });
}

#[test]
fn stop_ends_the_loop_on_a_multi_thread_runtime() {
    within(Duration::from_secs(60), || {
        multi_thread().block_on(stop_ends_the_loop())
    });
}

#[test]
fn other_tasks_run_beside_the_loop_on_a_current_thread_runtime() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(async {
            let machine = Arc::new(
                spin_forever::StateMachine::from_resources(Resources::new())
                    .with_settings(express()),
            );
            let handle = machine.start(json!({"x": 1}));
            // A timer and a plain task get their turn.
            let ticks = tokio::spawn(async {
                for _ in 0..5 {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                "ticked"
            });
            assert_eq!(ticks.await.unwrap(), "ticked");
            assert!(handle.stop("Done", ""));
            assert_eq!(handle.result().await.unwrap_err().error, "Done");
        });
    });
}

// --- The history limit -----------------------------------------------------

fn count_history(
    n: u64,
    settings: Settings,
) -> (
    Result<Value, sfn_runtime::ExecutionError>,
    Vec<(u64, String)>,
) {
    current_thread().block_on(async {
        let machine =
            Arc::new(count::StateMachine::from_resources(Resources::new()).with_settings(settings));
        let handle = machine.start(json!({"i": 0, "n": n}));
        let outcome = handle.result().await;
        let events = handle
            .history()
            .map(|h| {
                h.events()
                    .into_iter()
                    .map(|e| (e.id, e.event_type.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        (outcome, events)
    })
}

fn recording(kind: StateMachineType) -> Settings {
    Settings {
        record_history: true,
        state_machine_type: kind,
        ..Settings::default()
    }
}

#[test]
fn the_counting_loop_has_4n_plus_4_events() {
    let (outcome, events) = count_history(10, recording(StateMachineType::Standard));
    assert_eq!(outcome.unwrap(), json!({"i": 10, "n": 10}));
    assert_eq!(events.len(), 44);
    assert_eq!(
        events.last().unwrap(),
        &(44, "ExecutionSucceeded".to_owned())
    );
}

#[test]
fn event_25000_may_be_execution_succeeded() {
    within(Duration::from_secs(120), || {
        // 4 × 6249 + 4 = 25,000 events.
        let (outcome, events) = count_history(6249, recording(StateMachineType::Standard));
        assert_eq!(outcome.unwrap(), json!({"i": 6249, "n": 6249}));
        assert_eq!(events.len() as u64, HISTORY_EVENT_LIMIT);
        assert_eq!(
            events.last().unwrap(),
            &(25_000, "ExecutionSucceeded".to_owned())
        );
    });
}

#[test]
fn any_other_event_25000_fails_the_execution() {
    within(Duration::from_secs(120), || {
        // 4 × 6250 + 4 = 25,004 events would be needed.
        let (outcome, events) = count_history(6250, recording(StateMachineType::Standard));
        let err = outcome.unwrap_err();
        assert_eq!(err.error, "States.Runtime");
        assert_eq!(
            err.cause.as_deref(),
            Some("The execution reached the maximum number of history events (25000).")
        );
        assert_eq!(events.len() as u64, HISTORY_EVENT_LIMIT);
        assert_eq!(
            events.last().unwrap(),
            &(25_000, "ExecutionFailed".to_owned())
        );
        assert_eq!(events[24_998].0, 24_999);
        // The same without a kept history.
        let (outcome, events) = count_history(6250, Settings::default());
        assert_eq!(outcome.unwrap_err().error, "States.Runtime");
        assert!(events.is_empty());
    });
}

#[test]
fn an_express_execution_has_no_history_limit() {
    within(Duration::from_secs(120), || {
        let (outcome, _) = count_history(7000, express());
        assert_eq!(outcome.unwrap(), json!({"i": 7000, "n": 7000}));
    });
}

#[test]
fn an_inline_map_counts_its_iterations_a_distributed_one_does_not() {
    within(Duration::from_secs(120), || {
        current_thread().block_on(async {
            // 4 events an item (iteration started and succeeded, the Pass
            // entered and exited): 13,000 items pass 25,000 events.
            let items: Vec<u32> = (0..13_000).collect();
            let input = json!({"items": items});
            let inline = inline_map::StateMachine::from_resources(Resources::new());
            let err = inline.run(input.clone()).await.unwrap_err();
            assert_eq!(err.error, "States.Runtime");
            // On AWS each iteration of a Distributed Map is a child
            // execution with a history of its own.
            let distributed = distributed_map::StateMachine::from_resources(Resources::new());
            assert_eq!(
                distributed.run(input).await.unwrap(),
                json!({"count": 13_000})
            );
        });
    });
}

// --- JSONata that never ends -----------------------------------------------

#[test]
fn an_endless_jsonata_expression_times_out() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(async {
            let machine = Arc::new(jsonata_spin::StateMachine::from_resources(Resources::new()));
            let started = std::time::Instant::now();
            let handle = machine.start(json!({}));
            let err = handle.result().await.unwrap_err();
            assert_eq!(err.error, "States.Timeout");
            assert_eq!(handle.status(), ExecutionStatus::TimedOut);
            assert!(started.elapsed() >= Duration::from_secs(1));
        });
    });
}

#[test]
fn an_endless_jsonata_expression_times_out_on_paused_time() {
    within(Duration::from_secs(60), || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let machine = jsonata_spin::StateMachine::from_resources(Resources::new());
            let err = machine.run(json!({})).await.unwrap_err();
            assert_eq!(err.error, "States.Timeout");
        });
    });
}

/// Stops the JSONata loop from another OS thread: on a current-thread
/// runtime the evaluation holds the only thread, so nothing inside the
/// runtime could.
async fn stop_ends_the_jsonata_loop() {
    let calls = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&calls);
    let resources = Resources::new().handler(
        "arn:aws:lambda:us-east-1:123456789012:function:Echo",
        move |input: Value, _ctx| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move { Ok(input) }
        },
    );
    let machine = Arc::new(jsonata_spin_caught::StateMachine::from_resources(resources));
    let handle = machine.start(json!({}));
    let stopper = handle.clone();
    let stopped = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        stopper.stop("Operator.Stop", "endless expression")
    });
    let err = handle.result().await.unwrap_err();
    assert!(stopped.join().unwrap());
    assert_eq!(err.error, "Operator.Stop");
    assert_eq!(handle.status(), ExecutionStatus::Aborted);
    // Neither the handler nor the catcher's state ran.
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn stop_ends_an_endless_jsonata_expression_on_a_current_thread_runtime() {
    within(Duration::from_secs(60), || {
        current_thread().block_on(stop_ends_the_jsonata_loop())
    });
}

#[test]
fn stop_ends_an_endless_jsonata_expression_on_a_multi_thread_runtime() {
    within(Duration::from_secs(60), || {
        multi_thread().block_on(stop_ends_the_jsonata_loop())
    });
}
