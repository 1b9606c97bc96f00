//! Durable executions on a real SQLite file (`Store::sqlite`): they run to
//! the same output as in memory, are described, listed and have their
//! history in the store; names follow AWS's rules; a process that stops
//! (its tokio runtime dropped mid-execution, the nearest thing to a crash
//! inside one test process: `tests/crash.rs` kills real processes) leaves
//! executions that the next worker continues from their last commit, with
//! committed task results never asked for again; timers that came due
//! while no process ran fire at once, others at their time; stops and task
//! tokens reach executions from another store handle.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{
    Clock, ExecutionStatus, ListQuery, Resources, Settings, Store, StoreError, TaskContext,
    TaskError,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

#[path = "common/ended.rs"]
mod ended;
#[path = "common/history.rs"]
mod history;

use ended::ended;
use history::{assert_ids_contiguous, assert_same_events, event_multiset};

sfn_runtime::asl!(pub mod shop, r#"{
  "StartAt": "Start",
  "States": {
    "Start": {"Type": "Pass", "Result": {"step": "started"}, "ResultPath": "$.start", "Next": "Reserve"},
    "Reserve": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Reserve",
      "ResultPath": "$.reserved",
      "Next": "Pay"
    },
    "Pay": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Pay",
      "ResultPath": "$.paid",
      "Next": "Lines"
    },
    "Lines": {
      "Type": "Map",
      "ItemsPath": "$.lines",
      "MaxConcurrency": 2,
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Pick",
        "States": {"Pick": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Pick", "End": true}}
      },
      "ResultPath": "$.picked",
      "Next": "Finish"
    },
    "Finish": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Ship", "States": {"Ship": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Ship", "End": true}}},
        {"StartAt": "Mail", "States": {"Mail": {"Type": "Pass", "Result": "mailed", "End": true}}}
      ],
      "ResultPath": "$.finish",
      "End": true
    }
  }
}"#);

sfn_runtime::asl!(pub mod sleepy, r#"{
  "StartAt": "Before",
  "States": {
    "Before": {"Type": "Pass", "Result": 1, "ResultPath": "$.before", "Next": "Nap"},
    "Nap": {"Type": "Wait", "Seconds": 3600, "Next": "After"},
    "After": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:After", "ResultPath": "$.after", "End": true}
  }
}"#);

sfn_runtime::asl!(pub mod approval, r#"{
  "StartAt": "Ask",
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.example/approvals", "MessageBody": {"token.$": "$$.Task.Token"}},
      "ResultPath": "$.answer",
      "End": true
    }
  }
}"#);

/// Calls per function, and a gate: while `block` names a function, its
/// calls never return.
#[derive(Clone, Default)]
struct Log {
    calls: Arc<Mutex<HashMap<String, usize>>>,
    keys: Arc<Mutex<Vec<String>>>,
    block: Arc<Mutex<Option<&'static str>>>,
    /// Pick fails for this sku.
    fail_sku: Arc<Mutex<Option<&'static str>>>,
    /// Pick's calls by sku.
    picks: Arc<Mutex<Vec<String>>>,
}

impl Log {
    fn calls(&self, function: &str) -> usize {
        self.calls
            .lock()
            .unwrap()
            .get(function)
            .copied()
            .unwrap_or(0)
    }
}

fn shop_resources(log: &Log) -> Resources {
    ["Reserve", "Pay", "Pick", "Ship", "After"]
        .into_iter()
        .fold(Resources::new(), |resources, function| {
            let log = log.clone();
            resources.handler(
                format!("arn:aws:lambda:us-east-1:123456789012:function:{function}"),
                move |input: Value, ctx: TaskContext| {
                    let log = log.clone();
                    async move {
                        *log.calls
                            .lock()
                            .unwrap()
                            .entry(function.to_owned())
                            .or_default() += 1;
                        log.keys
                            .lock()
                            .unwrap()
                            .push(ctx.idempotency_key().to_owned());
                        let blocked = *log.block.lock().unwrap() == Some(function);
                        if blocked {
                            std::future::pending::<()>().await;
                        }
                        if function == "Pick" {
                            let sku = input["sku"].as_str().unwrap_or_default().to_owned();
                            log.picks.lock().unwrap().push(sku.clone());
                            let failing = *log.fail_sku.lock().unwrap();
                            if failing == Some(sku.as_str()) {
                                return Err(TaskError::new(
                                    "OutOfPaper",
                                    format!("cannot print the label of {sku}"),
                                ));
                            }
                        }
                        Ok::<_, TaskError>(
                            json!({"by": function, "saw": input.get("sku").cloned()}),
                        )
                    }
                },
            )
        })
}

/// The shop workflow with `log`'s handlers, on `store`.
fn shop_on(store: &Store, log: &Log) -> Arc<shop::StateMachine> {
    Arc::new(shop::StateMachine::from_resources(shop_resources(log)).with_store(store.clone()))
}

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("orders.db")
}

fn order() -> Value {
    json!({"sku": "A-1", "lines": [{"sku": "A-1"}, {"sku": "B-2"}, {"sku": "C-3"}]})
}

/// How many events of `event_type` the history has.
fn count(history: &Value, event_type: &str) -> usize {
    history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == event_type)
        .count()
}

/// Waits (a while, not forever) until `name` has entered its Wait state.
async fn until_waiting(store: &Store, name: &str) {
    for _ in 0..400 {
        if count(&store.history(name).await.unwrap(), "WaitStateEntered") > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Spawns `machine`'s worker (`serve`) on the runtime.
macro_rules! spawn_worker {
    ($machine:expr) => {
        tokio::spawn({
            let machine = Arc::clone(&$machine);
            async move { machine.serve().await }
        })
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_durable_execution_ends_like_one_in_memory_and_the_store_describes_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(db(&dir)).await.unwrap();
    let log = Log::default();
    // The same workflow in memory, with its history kept, is the reference.
    let memory = Arc::new(
        shop::StateMachine::from_resources(shop_resources(&log)).with_settings(Settings {
            record_history: true,
            ..Settings::default()
        }),
    );
    let reference = memory.start(order());
    let expected = reference.result().await.unwrap();
    let expected_history = reference.history().unwrap().to_json();

    let machine = shop_on(&store, &log);
    let handle = machine.start_named("order-1", order()).await.unwrap();
    assert_eq!(handle.name(), "order-1");
    assert_eq!(
        handle.id(),
        "arn:aws:states:us-east-1:123456789012:execution:shop:order-1"
    );
    let output = handle.result().await.unwrap();
    assert_eq!(output, expected);
    assert_eq!(handle.status(), ExecutionStatus::Succeeded);

    let d = store.describe("order-1").await.unwrap();
    assert_eq!(d.name, "order-1");
    assert_eq!(d.status, ExecutionStatus::Succeeded);
    assert_eq!(d.input, order());
    assert_eq!(d.output, Some(expected));
    assert_eq!((d.error, d.cause), (None, None));
    assert_eq!(d.redrive_count, 0);
    let stop = d.stop_date.expect("an ended execution has a stop date");
    assert!(stop >= d.start_date);

    let history = store.history("order-1").await.unwrap();
    assert_ids_contiguous("order-1", &history);
    assert_same_events(
        "order-1",
        &event_multiset(&history),
        &event_multiset(&expected_history),
    );
    let events = history["events"].as_array().unwrap();
    assert_eq!(events[0]["type"], "ExecutionStarted");
    assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");

    let page = store
        .list(ListQuery {
            status: Some(ExecutionStatus::Succeeded),
            ..ListQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.executions.len(), 1);
    assert_eq!(page.executions[0].name, "order-1");
    assert!(store.describe("order-2").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_follow_aws_rules() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(db(&dir)).await.unwrap();
    let log = Log::default();
    *log.block.lock().unwrap() = Some("Pay");
    let machine = shop_on(&store, &log);
    let first = machine.start_named("n-1", order()).await.unwrap();
    // Running, same input: the same execution.
    let again = machine.start_named("n-1", order()).await.unwrap();
    assert_eq!(again.id(), first.id());
    // Running, another input: taken.
    assert!(matches!(
        machine.start_named("n-1", json!({"other": true})).await,
        Err(StoreError::ExecutionAlreadyExists(name)) if name == "n-1"
    ));
    assert!(first.stop("Cancelled", "by the test"));
    let outcome = again.result().await.unwrap_err();
    assert_eq!(outcome.error, "Cancelled");
    assert_eq!(
        store.describe("n-1").await.unwrap().status,
        ExecutionStatus::Aborted
    );
    // Ended: taken, whatever the input.
    assert!(matches!(
        machine.start_named("n-1", order()).await,
        Err(StoreError::ExecutionAlreadyExists(_))
    ));
    for bad in ["", "has space", "a/b", &"x".repeat(81)] {
        assert!(
            matches!(
                machine.start_named(bad, order()).await,
                Err(StoreError::InvalidName(_))
            ),
            "{bad:?}"
        );
    }
    // No store: an error, not a panic.
    let memory = Arc::new(shop::StateMachine::from_resources(Resources::new()));
    assert!(matches!(
        memory.start_named("x", order()).await,
        Err(StoreError::NoStore)
    ));
}

/// Runs `phase` on a fresh multi-thread runtime, then drops the runtime
/// with everything still running on it: the process "stops".
fn in_process<F: std::future::Future<Output = ()>>(phase: impl FnOnce() -> F) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(phase());
    runtime.shutdown_timeout(Duration::from_millis(0));
}

async fn until(mut done: impl FnMut() -> bool) {
    for _ in 0..2000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("timed out waiting");
}

/// The handler of the approval workflow's callback task: it notes the task
/// token it is handed and counts its calls.
#[derive(Clone, Default)]
struct Approvals {
    token: Arc<Mutex<Option<String>>>,
    calls: Arc<Mutex<usize>>,
}

impl Approvals {
    /// The resources of the approval workflow; its task answers with
    /// `message_id`.
    fn resources(&self, message_id: &'static str) -> Resources {
        let approvals = self.clone();
        Resources::new().handler(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            move |input: Value, _ctx: TaskContext| {
                let approvals = approvals.clone();
                async move {
                    *approvals.calls.lock().unwrap() += 1;
                    *approvals.token.lock().unwrap() =
                        input["MessageBody"]["token"].as_str().map(str::to_owned);
                    Ok::<_, TaskError>(json!({"MessageId": message_id}))
                }
            },
        )
    }

    /// Waits until the handler was handed the task token; returns it.
    async fn token(&self) -> String {
        until(|| self.token.lock().unwrap().is_some()).await;
        self.token.lock().unwrap().clone().unwrap()
    }
}

/// Starts the approval execution `name` on the store in `dir` (no worker
/// runs); returns its handle once its task has been handed its token, and
/// the token.
async fn approval_waits(
    dir: &tempfile::TempDir,
    name: &str,
    input: Value,
    message_id: &'static str,
) -> (sfn_runtime::ExecutionHandle, String) {
    let store = Store::sqlite(db(dir)).await.unwrap();
    let approvals = Approvals::default();
    let machine = Arc::new(
        approval::StateMachine::from_resources(approvals.resources(message_id)).with_store(store),
    );
    let handle = machine.start_named(name, input).await.unwrap();
    (handle, approvals.token().await)
}

#[test]
fn a_restart_continues_from_the_last_commit_and_never_asks_a_committed_result_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let log = Log::default();
    // First process: Pay never returns; it stops while Pay runs.
    *log.block.lock().unwrap() = Some("Pay");
    in_process(|| {
        let (log, path) = (log.clone(), path.clone());
        async move {
            let store = Store::sqlite(&path).await.unwrap();
            let machine = Arc::new(
                shop::StateMachine::from_resources(shop_resources(&log)).with_store(store),
            );
            machine.start_named("order-7", order()).await.unwrap();
            until(|| log.calls("Pay") == 1).await;
            // Let the commits before Pay land.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert_eq!((log.calls("Reserve"), log.calls("Pay")), (1, 1));
    // Second process: a worker continues it.
    *log.block.lock().unwrap() = None;
    in_process(|| {
        let (log, path) = (log.clone(), path.clone());
        async move {
            let store = Store::sqlite(&path).await.unwrap();
            let machine = shop_on(&store, &log);
            let worker = spawn_worker!(machine);
            let d = ended(&store, "order-7").await;
            assert_eq!(d.status, ExecutionStatus::Succeeded, "{d:?}");
            let output = d.output.unwrap();
            assert_eq!(output["paid"], json!({"by": "Pay", "saw": "A-1"}));
            assert_eq!(output["picked"].as_array().unwrap().len(), 3);
            assert_eq!(output["finish"][1], "mailed");
            let history = store.history("order-7").await.unwrap();
            assert_ids_contiguous("order-7", &history);
            let entered = |name: &str| {
                history["events"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|e| {
                        e["type"].as_str().unwrap().ends_with("StateEntered")
                            && e["stateEnteredEventDetails"]["name"] == name
                    })
                    .count()
            };
            for state in ["Start", "Reserve", "Pay", "Lines", "Finish", "Ship", "Mail"] {
                assert_eq!(entered(state), 1, "{state} entered once");
            }
            assert_eq!(entered("Pick"), 3);
            worker.abort();
        }
    });
    // Reserve's result was committed: never asked again. Pay's was not:
    // asked again (at least once), with the same idempotency key.
    assert_eq!(log.calls("Reserve"), 1);
    assert_eq!(log.calls("Pay"), 2);
    let keys = log.keys.lock().unwrap().clone();
    let pay: Vec<&String> = keys.iter().filter(|k| k.contains("/Pay@")).collect();
    assert_eq!(pay.len(), 2);
    assert_eq!(pay[0], pay[1]);
    assert_eq!((log.calls("Pick"), log.calls("Ship")), (3, 1));
}

fn sleepy_resources(log: &Log) -> Resources {
    shop_resources(log)
}

#[test]
fn timers_across_a_restart_fire_when_due_and_not_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let clock = Clock::manual(start);
    let log = Log::default();
    let settings = || Settings {
        clock: clock.clone(),
        ..Settings::default()
    };
    // First process: both executions reach their one-hour Wait and park.
    in_process(|| {
        let (log, path, settings) = (log.clone(), path.clone(), settings());
        async move {
            let store = Store::sqlite(&path).await.unwrap();
            let machine = Arc::new(
                sleepy::StateMachine::from_resources(sleepy_resources(&log))
                    .with_settings(settings)
                    .with_store(store.clone()),
            );
            let worker = spawn_worker!(machine);
            // Give the worker a moment to register, so that Waits park.
            tokio::time::sleep(Duration::from_millis(50)).await;
            for name in ["early", "late"] {
                machine
                    .start_named(name, json!({"name": name}))
                    .await
                    .unwrap();
            }
            for name in ["early", "late"] {
                until_waiting(&store, name).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            worker.abort();
        }
    });
    assert_eq!(log.calls("After"), 0);
    // While no process runs, 90 minutes pass.
    clock.advance(Duration::from_secs(5400));
    in_process(|| {
        let (log, path, settings, clock) = (log.clone(), path.clone(), settings(), clock.clone());
        async move {
            let store = Store::sqlite(&path).await.unwrap();
            let machine = Arc::new(
                sleepy::StateMachine::from_resources(sleepy_resources(&log))
                    .with_settings(settings)
                    .with_store(store.clone()),
            );
            // A third execution starts its one-hour Wait now.
            let late = machine
                .start_named("late-2", json!({"name": "late-2"}))
                .await
                .unwrap();
            let worker = spawn_worker!(machine);
            // Came due while no process ran: fires at once.
            for name in ["early", "late"] {
                let d = ended(&store, name).await;
                assert_eq!(d.status, ExecutionStatus::Succeeded);
                assert_eq!(d.output.unwrap()["after"]["by"], "After");
            }
            // Not due yet: still waiting after a while...
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(
                store.describe("late-2").await.unwrap().status,
                ExecutionStatus::Running
            );
            // ...until its time comes.
            clock.advance(Duration::from_secs(3600));
            let output = tokio::time::timeout(Duration::from_secs(30), late.result())
                .await
                .expect("late-2 ends once its time comes");
            assert_eq!(output.unwrap()["after"]["by"], "After");
            worker.abort();
        }
    });
    assert_eq!(log.calls("After"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_execution_is_stopped_from_another_handle() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    let store = Store::sqlite(db(&dir)).await.unwrap();
    let log = Log::default();
    let machine = Arc::new(
        sleepy::StateMachine::from_resources(sleepy_resources(&log))
            .with_settings(Settings {
                clock: clock.clone(),
                ..Settings::default()
            })
            .with_store(store.clone()),
    );
    let worker = spawn_worker!(machine);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let handle = machine.start_named("parked", json!({})).await.unwrap();
    until_waiting(&store, "parked").await;
    // Another handle on the same file, as another process would have.
    let other = Store::sqlite(db(&dir)).await.unwrap();
    assert!(
        other
            .stop("parked", "Operator", "no longer needed")
            .await
            .unwrap()
    );
    let error = handle.result().await.unwrap_err();
    assert_eq!(
        (error.error.as_str(), error.cause.as_deref()),
        ("Operator", Some("no longer needed"))
    );
    let d = store.describe("parked").await.unwrap();
    assert_eq!(d.status, ExecutionStatus::Aborted);
    let history = store.history("parked").await.unwrap();
    assert_ids_contiguous("parked", &history);
    assert_eq!(
        history["events"].as_array().unwrap().last().unwrap()["type"],
        "ExecutionAborted"
    );
    // Stopping it again changes nothing.
    assert!(!other.stop("parked", "Operator", "").await.unwrap());
    assert!(matches!(
        other.stop("nobody", "E", "").await,
        Err(StoreError::ExecutionDoesNotExist(_))
    ));
    assert_eq!(log.calls("After"), 0);
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_token_is_answered_through_another_store_handle() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, token) = approval_waits(&dir, "approve-1", json!({"amount": 10}), "m-1").await;
    let other = Store::sqlite(db(&dir)).await.unwrap();
    assert!(matches!(
        other.send_task_success("not-a-token", json!(1)).await,
        Err(StoreError::TaskDoesNotExist(_))
    ));
    // The token was committed before the handler was called.
    other
        .send_task_success(&token, json!({"approved": true}))
        .await
        .unwrap();
    let output = handle.result().await.unwrap();
    assert_eq!(output, json!({"amount": 10, "answer": {"approved": true}}));
    assert!(matches!(
        other.send_task_success(&token, json!(2)).await,
        Err(StoreError::TaskDoesNotExist(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_tokens_of_another_machine_on_the_store_answer_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, token) = approval_waits(&dir, "approve-2", json!({"amount": 20}), "m-2").await;
    // Another machine, on its own handle of the store (as another process
    // would have), answers with its `TaskTokens`: the token is not one of
    // its own tasks, so the answer goes through the store.
    let other = Store::sqlite(db(&dir)).await.unwrap();
    let tokens = sfn_runtime::TaskTokens::new();
    let _approver = approval::StateMachine::from_resources(Resources::new())
        .with_settings(Settings {
            task_tokens: tokens.clone(),
            ..Settings::default()
        })
        .with_store(other);
    tokens
        .send_task_failure(&token, "Rejected", "too expensive")
        .unwrap();
    let error = handle.result().await.unwrap_err();
    assert_eq!(
        (error.error.as_str(), error.cause.as_deref()),
        ("Rejected", Some("too expensive"))
    );
    // Without a store, an unknown token is an error at once.
    assert!(
        sfn_runtime::TaskTokens::new()
            .send_task_success(&token, json!(1))
            .is_err()
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path: &Path = &dir.path().join("notes.txt");
    std::fs::write(
        path,
        "these are not the tables you are looking for\n".repeat(200),
    )
    .unwrap();
    let error = Store::sqlite(path).await.unwrap_err();
    assert!(
        matches!(error, StoreError::NotAStore(_) | StoreError::Database(_)),
        "{error}"
    );
    assert!(matches!(
        Store::open("ftp://nowhere").await,
        Err(StoreError::BadUrl(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrive_runs_the_failed_item_again_and_not_the_finished_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(db(&dir)).await.unwrap();
    let log = Log::default();
    *log.fail_sku.lock().unwrap() = Some("B-2");
    let machine = shop_on(&store, &log);
    let worker = spawn_worker!(machine);
    let handle = machine.start_named("r-1", order()).await.unwrap();
    let error = handle.result().await.unwrap_err();
    assert_eq!(error.error, "OutOfPaper");
    assert!(matches!(
        store.redrive("nobody").await,
        Err(StoreError::ExecutionDoesNotExist(_))
    ));
    let picked_before: Vec<String> = log.picks.lock().unwrap().clone();
    assert!(picked_before.contains(&"A-1".to_owned()) && picked_before.contains(&"B-2".to_owned()));

    // The label printer is fixed; the execution is redriven.
    *log.fail_sku.lock().unwrap() = None;
    store.redrive("r-1").await.unwrap();
    let d = ended(&store, "r-1").await;
    assert_eq!(d.status, ExecutionStatus::Succeeded, "{d:?}");
    assert_eq!(d.redrive_count, 1);
    let output = d.output.unwrap();
    assert_eq!(output["picked"].as_array().unwrap().len(), 3);
    // Reserve and Pay ran before the Map: not again. A-1's item had
    // finished: not again. B-2's failed: again.
    assert_eq!((log.calls("Reserve"), log.calls("Pay")), (1, 1));
    let picks = log.picks.lock().unwrap().clone();
    assert_eq!(picks.iter().filter(|s| *s == "A-1").count(), 1, "{picks:?}");
    assert_eq!(picks.iter().filter(|s| *s == "B-2").count(), 2, "{picks:?}");
    assert!(picks.iter().any(|s| s == "C-3"));
    let history = store.history("r-1").await.unwrap();
    assert_ids_contiguous("r-1", &history);
    assert_eq!(count(&history, "ExecutionFailed"), 1);
    assert_eq!(count(&history, "ExecutionRedriven"), 1);
    assert_eq!(
        history["events"].as_array().unwrap().last().unwrap()["type"],
        "ExecutionSucceeded"
    );
    // A succeeded execution cannot be redriven.
    assert!(matches!(
        store.redrive("r-1").await,
        Err(StoreError::ExecutionNotRedrivable(
            _,
            ExecutionStatus::Succeeded
        ))
    ));
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_top_level_task_token_wait_parks_and_resumes_without_calling_the_handler_again() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(db(&dir)).await.unwrap();
    let approvals = Approvals::default();
    let machine = Arc::new(
        approval::StateMachine::from_resources(approvals.resources("m-3"))
            .with_store(store.clone()),
    );
    let worker = spawn_worker!(machine);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let handle = machine
        .start_named("approve-3", json!({"amount": 30}))
        .await
        .unwrap();
    let token = approvals.token().await;
    // Parked: no worker owns it, and it waits for a wake-up in the store.
    let url = format!("sqlite:{}", db(&dir).display());
    let mut sql = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mut parked = false;
    for _ in 0..400 {
        let (owner, wake_at): (Option<String>, Option<i64>) =
            sqlx::query_as("SELECT owner, wake_at FROM executions WHERE name = 'approve-3'")
                .fetch_one(&mut sql)
                .await
                .unwrap();
        if owner.is_none() && wake_at.is_some() {
            parked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(parked, "the execution parks while it waits for its token");
    Store::sqlite(db(&dir))
        .await
        .unwrap()
        .send_task_success(&token, json!({"approved": "later"}))
        .await
        .unwrap();
    let output = tokio::time::timeout(Duration::from_secs(30), handle.result())
        .await
        .expect("the answer wakes it")
        .unwrap();
    assert_eq!(
        output,
        json!({"amount": 30, "answer": {"approved": "later"}})
    );
    assert_eq!(
        *approvals.calls.lock().unwrap(),
        1,
        "the handler is not called again"
    );
    let history = store.history("approve-3").await.unwrap();
    assert_ids_contiguous("approve-3", &history);
    assert_eq!(count(&history, "TaskSubmitted"), 1);
    assert_eq!(count(&history, "TaskSucceeded"), 1);
    worker.abort();
}
