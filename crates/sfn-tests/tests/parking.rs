//! Parking at any depth: a durable execution whose every running scope
//! waits on a timer (Waits in Parallel branches and Map iterations) is
//! committed with its earliest due time and unloaded; one where a scope
//! still runs (a Task handler) stays loaded; the execution's own timeout
//! bounds the parking. On a real SQLite file, with a worker and a manual
//! clock.

#![deny(warnings)]

#[path = "common/ended.rs"]
mod ended;
#[path = "common/serving.rs"]
#[macro_use]
mod serving;

use ended::ended;
use serde_json::{Value, json};
use sfn_runtime::{Clock, ExecutionStatus, Resources, Store, TaskContext, TaskError};
use sqlx::Connection as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

sfn_runtime::asl!(mod fan, r#"{
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Hour", "States": {
          "Hour": {"Type": "Wait", "Seconds": 3600, "Next": "A"},
          "A": {"Type": "Pass", "Result": "a", "End": true}
        }},
        {"StartAt": "Items", "States": {
          "Items": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
              "StartAt": "Nap",
              "States": {
                "Nap": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Work"},
                "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work", "End": true}
              }
            },
            "End": true
          }
        }}
      ],
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#);

sfn_runtime::asl!(mod busy, r#"{
  "StartAt": "Both",
  "TimeoutSeconds": 86400,
  "States": {
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Hour", "States": {"Hour": {"Type": "Wait", "Seconds": 3600, "End": true}}},
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Slow", "End": true}}}
      ],
      "End": true
    }
  }
}"#);

sfn_runtime::asl!(mod bounded, r#"{
  "StartAt": "Both",
  "TimeoutSeconds": 60,
  "States": {
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Hour", "States": {"Hour": {"Type": "Wait", "Seconds": 3600, "End": true}}},
        {"StartAt": "Two", "States": {"Two": {"Type": "Wait", "Seconds": 7200, "End": true}}}
      ],
      "End": true
    }
  }
}"#);

sfn_runtime::asl!(mod asking, r#"{
  "StartAt": "Both",
  "States": {
    "Both": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Hour", "States": {"Hour": {"Type": "Wait", "Seconds": 3600, "End": true}}},
        {"StartAt": "Ask", "States": {"Ask": {
          "Type": "Task",
          "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"token.$": "$$.Task.Token"},
          "End": true
        }}}
      ],
      "End": true
    }
  }
}"#);

sfn_runtime::asl!(mod asking_bounded, r#"{
  "StartAt": "Ask",
  "TimeoutSeconds": 60,
  "States": {
    "Ask": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"token.$": "$$.Task.Token"},
      "End": true
    }
  }
}"#);

const START_SECS: u64 = 1_800_000_000;

fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(START_SECS)
}

/// A store on a new SQLite file, and a manual clock at [`start`]: the
/// temporary directory (removed when dropped), the file, the store and the
/// clock.
async fn sqlite_store() -> (tempfile::TempDir, PathBuf, Store, Clock) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("parking.db");
    let store = Store::sqlite(&path).await.unwrap();
    (dir, path, store, Clock::manual(start()))
}

/// The store row's `(owner, wake_at)` of `name`, read with a connection of
/// its own.
async fn row(path: &Path, name: &str) -> (Option<String>, Option<i64>) {
    let url = format!("sqlite:{}", path.display());
    let mut sql = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let row = sqlx::query_as("SELECT owner, wake_at FROM executions WHERE name = $1")
        .bind(name)
        .fetch_one(&mut sql)
        .await
        .unwrap();
    let _ = sql.close().await;
    row
}

/// Waits until `name` is parked (no owner) with the wake-up time `wake_at`
/// (ms since the epoch).
async fn parked_until(path: &Path, name: &str, wake_at: i64) {
    let mut last = (None, None);
    for _ in 0..1000 {
        last = row(path, name).await;
        if last.0.is_none() && last.1 == Some(wake_at) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{name} is not parked until {wake_at}: (owner, wake_at) = {last:?}");
}

fn ms(seconds_after_start: u64) -> i64 {
    i64::try_from((START_SECS + seconds_after_start) * 1000).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_in_branches_and_iterations_park_the_execution_until_the_earliest() {
    let (_dir, path, store, clock) = sqlite_store().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let resources = Resources::new().handler(
        "arn:aws:lambda:us-east-1:123456789012:function:Work",
        move |input: Value, _ctx: TaskContext| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, TaskError>(json!({"done": input["id"]})) }
        },
    );
    let (machine, worker) = serving!(fan, resources, clock, store);
    let input = json!({"items": [{"id": 1, "wait": 7200}, {"id": 2, "wait": 0}]});
    machine.start_named("fan-1", input).await.unwrap();

    // The first branch waits an hour, the Map's first item two: parked
    // until the hour.
    parked_until(&path, "fan-1", ms(3600)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // The hour passes: the first branch ends, the item still waits: parked
    // again, until its own time.
    clock.advance(Duration::from_secs(3601));
    parked_until(&path, "fan-1", ms(7200)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0, "the item's Task waits");

    clock.advance(Duration::from_secs(3600));
    let d = ended(&store, "fan-1").await;
    assert_eq!(d.status, ExecutionStatus::Succeeded, "{d:?}");
    assert_eq!(
        d.output,
        Some(json!(["a", [{"done": 1}, {"done": 2}]])),
        "the Parallel's output: the branch's Pass result, the Map's items in order"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let history = store.history("fan-1").await.unwrap();
    let events = history["events"].as_array().unwrap();
    let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    let count = |t: &str| events.iter().filter(|e| e["type"] == t).count();
    assert_eq!(count("WaitStateEntered"), 3, "each Wait entered once");
    assert_eq!(count("WaitStateExited"), 3);
    assert_eq!(count("MapIterationStarted"), 2);
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_task_keeps_the_execution_loaded_until_it_returns() {
    let (_dir, path, store, clock) = sqlite_store().await;
    let release = Arc::new(tokio::sync::Notify::new());
    let started = Arc::new(AtomicUsize::new(0));
    let (gate, seen) = (Arc::clone(&release), Arc::clone(&started));
    let resources = Resources::new().handler(
        "arn:aws:lambda:us-east-1:123456789012:function:Slow",
        move |_input: Value, _ctx: TaskContext| {
            let (gate, seen) = (Arc::clone(&gate), Arc::clone(&seen));
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                gate.notified().await;
                Ok::<_, TaskError>(json!("slow done"))
            }
        },
    );
    let (machine, worker) = serving!(busy, resources, clock, store);
    machine.start_named("busy-1", json!({})).await.unwrap();
    for _ in 0..1000 {
        if started.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(started.load(Ordering::SeqCst), 1);
    // The Wait's due time is committed before it sleeps; give the run time
    // to park if it (wrongly) would.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (owner, _) = row(&path, "busy-1").await;
    assert!(
        owner.is_some(),
        "a branch runs a Task: the execution stays with its worker"
    );

    release.notify_one();
    // The Task has returned: only the Wait is left, and it parks.
    parked_until(&path, "busy-1", ms(3600)).await;
    clock.advance(Duration::from_secs(3600));
    let d = ended(&store, "busy-1").await;
    assert_eq!(d.status, ExecutionStatus::Succeeded, "{d:?}");
    assert_eq!(d.output, Some(json!([{}, "slow done"])));
    assert_eq!(
        started.load(Ordering::SeqCst),
        1,
        "the committed Task result is not asked for again"
    );
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_execution_timeout_bounds_the_parking() {
    let (_dir, path, store, clock) = sqlite_store().await;
    let (machine, worker) = serving!(bounded, Resources::new(), clock, store);
    machine.start_named("bounded-1", json!({})).await.unwrap();
    // TimeoutSeconds 60: it wakes at 60 s, not at the branches' hour.
    parked_until(&path, "bounded-1", ms(60)).await;
    clock.advance(Duration::from_secs(61));
    let d = ended(&store, "bounded-1").await;
    assert_eq!(d.status, ExecutionStatus::TimedOut, "{d:?}");
    let history = store.history("bounded-1").await.unwrap();
    let last = history["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["type"], "ExecutionTimedOut");
    worker.abort();
}

/// Resources whose token handler keeps the token it was given and counts
/// its calls.
fn token_keeper() -> (
    Resources,
    Arc<std::sync::Mutex<Option<String>>>,
    Arc<AtomicUsize>,
) {
    let token: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let (kept, counted) = (Arc::clone(&token), Arc::clone(&calls));
    let resources = Resources::new().handler(
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        move |input: Value, _ctx: TaskContext| {
            counted.fetch_add(1, Ordering::SeqCst);
            *kept.lock().unwrap() = input["token"].as_str().map(str::to_owned);
            async { Ok::<_, TaskError>(json!({"MessageId": "m-1"})) }
        },
    );
    (resources, token, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_wait_in_a_branch_parks_with_a_wait_and_its_answer_wakes_it() {
    let (_dir, path, store, clock) = sqlite_store().await;
    let (resources, token, calls) = token_keeper();
    let (machine, worker) = serving!(asking, resources, clock, store);
    machine.start_named("ask-1", json!({})).await.unwrap();
    // One branch waits an hour, the other on its token: parked until the
    // hour (the token has no deadline).
    parked_until(&path, "ask-1", ms(3600)).await;
    let token = token
        .lock()
        .unwrap()
        .clone()
        .expect("the handler got a token");

    // The answer comes from another handle on the store: the execution
    // wakes, the branch ends, and it parks again for the rest of the hour.
    let other = Store::sqlite(&path).await.unwrap();
    other
        .send_task_success(&token, json!({"approved": true}))
        .await
        .unwrap();
    let mut answered = false;
    for _ in 0..1000 {
        let history = store.history("ask-1").await.unwrap();
        if history["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "TaskSucceeded")
        {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(answered, "the answer wakes the parked execution");
    parked_until(&path, "ask-1", ms(3600)).await;
    clock.advance(Duration::from_secs(3600));
    let d = ended(&store, "ask-1").await;
    assert_eq!(d.status, ExecutionStatus::Succeeded, "{d:?}");
    assert_eq!(d.output, Some(json!([{}, {"approved": true}])));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the handler is called once"
    );
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_token_wait_ends_at_the_execution_timeout() {
    let (_dir, path, store, clock) = sqlite_store().await;
    let (resources, _token, _calls) = token_keeper();
    let (machine, worker) = serving!(asking_bounded, resources, clock, store);
    machine.start_named("ask-2", json!({})).await.unwrap();
    // No task timeout, no heartbeat: the execution's TimeoutSeconds bounds
    // the parking.
    parked_until(&path, "ask-2", ms(60)).await;
    clock.advance(Duration::from_secs(61));
    let d = ended(&store, "ask-2").await;
    assert_eq!(d.status, ExecutionStatus::TimedOut, "{d:?}");
    worker.abort();
}
