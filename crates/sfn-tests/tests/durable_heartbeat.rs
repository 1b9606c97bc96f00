//! Task-token heartbeats of durable executions, sent from another process
//! (a second `Store` handle on the same database, as another process
//! would have): they keep a wait with `HeartbeatSeconds` alive, whether the
//! execution runs in memory (it polls the store) or is parked (it wakes at
//! its heartbeat deadline, finds the newer heartbeat and parks again);
//! silence fails it with `States.HeartbeatTimeout` at its deadline; an
//! unknown or answered token is `TaskDoesNotExist`.
//!
//! Every case runs on a SQLite file, and on PostgreSQL when
//! `SFN_TEST_POSTGRES_URL` names a server (a database of its own per case).
//! Time is a manual clock, shared by the executions and the store handles
//! (`Store::with_clock`): it moves only when a test moves it.

#![deny(warnings)]

#[path = "common/history.rs"]
#[allow(dead_code)] // only its id check serves here
mod history;
#[path = "common/serving.rs"]
#[macro_use]
mod serving;

use serde_json::{Value, json};
use sfn_runtime::{
    Clock, ExecutionHandle, ExecutionStatus, Resources, Settings, Store, StoreError, TaskContext,
    TaskError, TaskTokens,
};
use sqlx::Connection;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

sfn_runtime::asl!(pub mod beating, r#"{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.example/work", "MessageBody": {"token.$": "$$.Task.Token"}},
      "HeartbeatSeconds": 10,
      "TimeoutSeconds": 100,
      "ResultPath": "$.answer",
      "End": true
    }
  }
}"#);

sfn_runtime::asl!(pub mod short, r#"{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.example/work", "MessageBody": {"token.$": "$$.Task.Token"}},
      "HeartbeatSeconds": 10,
      "TimeoutSeconds": 15,
      "ResultPath": "$.answer",
      "End": true
    }
  }
}"#);

/// The manual clock's start: 2027-01-15T08:00:00Z.
const T0: u64 = 1_800_000_000;

/// The history timestamp of `T0 + secs` (secs < 60).
fn at(secs: u64) -> String {
    format!("2027-01-15T08:00:{secs:02}.000Z")
}

/// `T0 + secs` in milliseconds, as the store keeps times.
fn ms(secs: u64) -> i64 {
    i64::try_from((T0 + secs) * 1000).unwrap()
}

/// A database for one case: a SQLite file, or a PostgreSQL database.
enum Db {
    Sqlite(tempfile::TempDir),
    Postgres {
        server: String,
        name: String,
        url: String,
    },
}

impl Db {
    fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().unwrap())
    }

    /// A fresh database on the server of `SFN_TEST_POSTGRES_URL`, if set.
    async fn postgres(case: &str) -> Option<Db> {
        let Ok(server) = std::env::var("SFN_TEST_POSTGRES_URL") else {
            println!("SFN_TEST_POSTGRES_URL is not set: {case} on PostgreSQL is skipped");
            return None;
        };
        let name = format!("sfn_hb_{case}_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let base = match server.rfind('/') {
            Some(slash) if slash > server.find("://").map_or(0, |i| i + 2) => &server[..slash],
            _ => server.as_str(),
        };
        let query = server.find('?').map_or("", |q| &server[q..]);
        let url = format!("{base}/{name}{query}");
        Some(Db::Postgres { server, name, url })
    }

    fn url(&self) -> String {
        match self {
            Db::Sqlite(dir) => format!("sqlite:{}", dir.path().join("jobs.db").display()),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    /// A handle on the store, on `clock`: each call is another "process".
    async fn store(&self, clock: &Clock) -> Store {
        Store::open(&self.url())
            .await
            .unwrap()
            .with_clock(clock.clone())
    }

    /// The execution row's `owner` and `wake_at`.
    async fn row(&self, name: &str) -> (Option<String>, Option<i64>) {
        self.fetch(
            "SELECT owner, wake_at FROM executions WHERE name = $1",
            name,
        )
        .await
        .expect("the execution's row")
    }

    /// The `heartbeat_at` of a token's row.
    async fn heartbeat_at(&self, token: &str) -> Option<i64> {
        let sql = "SELECT heartbeat_at FROM tokens WHERE token = $1";
        let row: Option<(Option<i64>,)> = self.fetch(sql, token).await;
        row.and_then(|(at,)| at)
    }

    /// The row, if any, of `sql` with the one parameter `param`, read with
    /// a connection of its own.
    async fn fetch<T>(&self, sql: &str, param: &str) -> Option<T>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        match self {
            Db::Sqlite(_) => {
                let mut c = sqlx::SqliteConnection::connect(&self.url()).await.unwrap();
                sqlx::query_as(sql)
                    .bind(param)
                    .fetch_optional(&mut c)
                    .await
                    .unwrap()
            }
            Db::Postgres { url, .. } => {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query_as(sql)
                    .bind(param)
                    .fetch_optional(&mut c)
                    .await
                    .unwrap()
            }
        }
    }

    /// Waits until the execution's row is parked: no owner, due at `due`.
    async fn parked_until(&self, name: &str, due: i64) {
        let mut last = (None, None);
        for _ in 0..1000 {
            last = self.row(name).await;
            if last == (None, Some(due)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{name} did not park until {due}: (owner, wake_at) = {last:?}");
    }

    async fn drop_database(self) {
        if let Db::Postgres { server, name, .. } = self
            && let Ok(mut admin) = sqlx::PgConnection::connect(&server).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
}

/// What the callback handler saw: the token it handed out, and its calls.
#[derive(Clone, Default)]
struct Queue {
    token: Arc<Mutex<Option<String>>>,
    calls: Arc<Mutex<usize>>,
}

impl Queue {
    fn resources(&self) -> Resources {
        let queue = self.clone();
        Resources::new().handler(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            move |input: Value, _ctx: TaskContext| {
                let queue = queue.clone();
                async move {
                    *queue.calls.lock().unwrap() += 1;
                    *queue.token.lock().unwrap() =
                        input["MessageBody"]["token"].as_str().map(str::to_owned);
                    Ok::<_, TaskError>(json!({"MessageId": "m-1"}))
                }
            },
        )
    }

    /// The token, once the handler has handed it out.
    async fn token(&self) -> String {
        for _ in 0..2000 {
            if let Some(token) = self.token.lock().unwrap().clone() {
                return token;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the handler was not called");
    }

    fn calls(&self) -> usize {
        *self.calls.lock().unwrap()
    }
}

fn settings(clock: &Clock) -> Settings {
    Settings {
        clock: clock.clone(),
        ..Settings::default()
    }
}

fn manual() -> Clock {
    Clock::manual(SystemTime::UNIX_EPOCH + Duration::from_secs(T0))
}

/// The events of a history, by type.
fn events<'a>(history: &'a Value, kind: &str) -> Vec<&'a Value> {
    history["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

/// A manual clock, a store handle of `db` on it, and a new queue.
async fn fresh(db: &Db) -> (Clock, Store, Queue) {
    let clock = manual();
    let store = db.store(&clock).await;
    (clock, store, Queue::default())
}

/// A `beating` machine in memory (no worker: it polls the store), on a
/// manual clock and a store handle of `db` on that clock, with its queue.
async fn in_memory(db: &Db) -> (Clock, Store, Queue, Arc<beating::StateMachine>) {
    let (clock, store, queue) = fresh(db).await;
    let machine = Arc::new(
        beating::StateMachine::from_resources(queue.resources())
            .with_settings(settings(&clock))
            .with_store(store.clone()),
    );
    (clock, store, queue, machine)
}

/// The result of a durable execution's handle.
async fn result(handle: ExecutionHandle) -> Result<Value, sfn_runtime::ExecutionError> {
    tokio::time::timeout(Duration::from_secs(60), handle.result())
        .await
        .expect("the execution ends")
}

/// (a) Heartbeats through another handle every 8 s keep a wait with
/// `HeartbeatSeconds: 10` alive (in memory: no worker, it polls the store)
/// well past 10 s; the answer through that handle then ends the task.
async fn heartbeats_keep_a_running_wait_alive(db: &Db) {
    let (clock, store, queue, machine) = in_memory(db).await;
    let handle = machine
        .start_named("alive", json!({"job": 1}))
        .await
        .unwrap();
    let token = queue.token().await;
    let other = db.store(&clock).await;
    for beat in 1..=3 {
        clock.advance(Duration::from_secs(8));
        other.send_task_heartbeat(&token).await.unwrap();
        assert_eq!(db.heartbeat_at(&token).await, Some(ms(8 * beat)));
        assert_eq!(
            store.describe("alive").await.unwrap().status,
            ExecutionStatus::Running
        );
    }
    // 24 s: 14 s past the first heartbeat deadline.
    other
        .send_task_success(&token, json!({"done": true}))
        .await
        .unwrap();
    let output = result(handle).await.unwrap();
    assert_eq!(output, json!({"job": 1, "answer": {"done": true}}));
    let history = store.history("alive").await.unwrap();
    history::assert_ids_contiguous("alive", &history);
    assert!(events(&history, "TaskTimedOut").is_empty(), "{history:#}");
    let succeeded = events(&history, "TaskSucceeded");
    assert_eq!(succeeded.len(), 1);
    assert_eq!(succeeded[0]["timestamp"], at(24));
    assert_eq!(queue.calls(), 1);
    // Answered: no task waits on the token any more.
    assert!(matches!(
        other.send_task_heartbeat(&token).await,
        Err(StoreError::TaskDoesNotExist(_))
    ));
}

/// (b) No heartbeat: `States.HeartbeatTimeout` at 10 s, not before.
async fn silence_times_the_task_out(db: &Db) {
    let (clock, store, queue, machine) = in_memory(db).await;
    let handle = machine
        .start_named("silent", json!({"job": 2}))
        .await
        .unwrap();
    let token = queue.token().await;
    clock.advance(Duration::from_secs(6));
    clock.advance(Duration::from_secs(4));
    let error = result(handle).await.unwrap_err();
    assert_eq!(error.error, "States.HeartbeatTimeout");
    let d = store.describe("silent").await.unwrap();
    assert_eq!(d.status, ExecutionStatus::Failed);
    assert_eq!(d.error.as_deref(), Some("States.HeartbeatTimeout"));
    let history = store.history("silent").await.unwrap();
    history::assert_ids_contiguous("silent", &history);
    let timed_out = events(&history, "TaskTimedOut");
    assert_eq!(timed_out.len(), 1, "{history:#}");
    assert_eq!(timed_out[0]["timestamp"], at(10));
    assert_eq!(
        timed_out[0]["taskTimedOutEventDetails"]["error"],
        "States.HeartbeatTimeout"
    );
    let failed = events(&history, "ExecutionFailed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["timestamp"], at(10));
    // The execution ended: its token takes no heartbeat (AWS would say
    // TaskTimedOut; the store says TaskDoesNotExist).
    let other = db.store(&clock).await;
    assert!(matches!(
        other.send_task_heartbeat(&token).await,
        Err(StoreError::TaskDoesNotExist(_))
    ));
}

/// (c) A token that was never issued is `TaskDoesNotExist`, through the
/// store; through `TaskTokens`, as for an answer, an error without a
/// store and a background send with one.
async fn an_unknown_token_does_not_exist(db: &Db) {
    let clock = manual();
    let other = db.store(&clock).await;
    match other.send_task_heartbeat("no-such-token").await {
        Err(StoreError::TaskDoesNotExist(token)) => assert_eq!(token, "no-such-token"),
        other => panic!("{other:?}"),
    }
    assert!(
        TaskTokens::new()
            .send_task_heartbeat("no-such-token")
            .is_err()
    );
}

/// (d) With a worker in the process, the wait parks until its heartbeat
/// deadline; a heartbeat through another handle does not wake it, but when
/// it wakes at 10 s it finds that heartbeat and parks until 18 s; the
/// answer then ends it, without calling the handler again.
async fn a_parked_wait_takes_heartbeats_and_its_answer(db: &Db) {
    let (clock, store, queue) = fresh(db).await;
    let tokens = TaskTokens::new();
    let (machine, worker) = serving!(beating, queue.resources(), clock, store);
    let handle = machine
        .start_named("parked", json!({"job": 3}))
        .await
        .unwrap();
    let token = queue.token().await;
    // Parked until the heartbeat deadline (before the 100 s timeout).
    db.parked_until("parked", ms(10)).await;
    clock.advance(Duration::from_secs(8));
    // Another process's state machine answers through its `TaskTokens`:
    // not one of its tasks, so the heartbeat goes through the store.
    let other = db.store(&clock).await;
    let _another = beating::StateMachine::from_resources(Resources::new())
        .with_settings(Settings {
            task_tokens: tokens.clone(),
            ..settings(&clock)
        })
        .with_store(other.clone());
    tokens.send_task_heartbeat(&token).unwrap();
    for _ in 0..1000 {
        if db.heartbeat_at(&token).await.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(db.heartbeat_at(&token).await, Some(ms(8)));
    assert_eq!(
        db.row("parked").await,
        (None, Some(ms(10))),
        "a heartbeat does not wake it"
    );
    clock.advance(Duration::from_secs(2));
    db.parked_until("parked", ms(18)).await;
    assert_eq!(
        store.describe("parked").await.unwrap().status,
        ExecutionStatus::Running
    );
    other
        .send_task_success(&token, json!({"done": "later"}))
        .await
        .unwrap();
    // The worker's next look (on the manual clock) finds it due.
    clock.advance(Duration::from_secs(1));
    let output = result(handle).await.unwrap();
    assert_eq!(output, json!({"job": 3, "answer": {"done": "later"}}));
    assert_eq!(queue.calls(), 1, "the handler is not called again");
    let history = store.history("parked").await.unwrap();
    history::assert_ids_contiguous("parked", &history);
    assert_eq!(events(&history, "TaskSubmitted").len(), 1);
    assert!(events(&history, "TaskTimedOut").is_empty(), "{history:#}");
    assert_eq!(events(&history, "TaskSucceeded").len(), 1);
    worker.abort();
}

/// (d) Parked, silent: it wakes at its heartbeat deadline and fails with
/// `States.HeartbeatTimeout` then.
async fn a_parked_wait_times_out_without_heartbeats(db: &Db) {
    let (clock, store, queue) = fresh(db).await;
    let (machine, worker) = serving!(beating, queue.resources(), clock, store);
    let handle = machine
        .start_named("forgotten", json!({"job": 4}))
        .await
        .unwrap();
    queue.token().await;
    db.parked_until("forgotten", ms(10)).await;
    clock.advance(Duration::from_secs(10));
    let error = result(handle).await.unwrap_err();
    assert_eq!(error.error, "States.HeartbeatTimeout");
    let history = store.history("forgotten").await.unwrap();
    history::assert_ids_contiguous("forgotten", &history);
    let timed_out = events(&history, "TaskTimedOut");
    assert_eq!(timed_out.len(), 1, "{history:#}");
    assert_eq!(timed_out[0]["timestamp"], at(10));
    assert_eq!(
        store.describe("forgotten").await.unwrap().error.as_deref(),
        Some("States.HeartbeatTimeout")
    );
    assert_eq!(queue.calls(), 1);
    worker.abort();
}

/// (d) Parked with heartbeats, the earlier deadline wins: `TimeoutSeconds:
/// 15` comes before the deadline of the heartbeat at 8 s (18 s), so it
/// parks until 15 s and fails with `States.Timeout` then.
async fn a_parked_wait_with_heartbeats_still_times_out(db: &Db) {
    let (clock, store, queue) = fresh(db).await;
    let (machine, worker) = serving!(short, queue.resources(), clock, store);
    let handle = machine
        .start_named("bounded", json!({"job": 5}))
        .await
        .unwrap();
    let token = queue.token().await;
    db.parked_until("bounded", ms(10)).await;
    let other = db.store(&clock).await;
    clock.advance(Duration::from_secs(8));
    other.send_task_heartbeat(&token).await.unwrap();
    clock.advance(Duration::from_secs(2));
    db.parked_until("bounded", ms(15)).await;
    clock.advance(Duration::from_secs(5));
    let error = result(handle).await.unwrap_err();
    assert_eq!(error.error, "States.Timeout");
    let history = store.history("bounded").await.unwrap();
    let timed_out = events(&history, "TaskTimedOut");
    assert_eq!(timed_out.len(), 1, "{history:#}");
    assert_eq!(timed_out[0]["timestamp"], at(15));
    assert_eq!(
        timed_out[0]["taskTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
    worker.abort();
}

/// A test on SQLite and one on PostgreSQL for each case.
macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(&super::Db::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    if let Some(db) = super::Db::postgres(stringify!($case)).await {
                        super::$case(&db).await;
                        db.drop_database().await;
                    }
                }
            )*
        }
    };
}

on_both!(
    heartbeats_keep_a_running_wait_alive,
    silence_times_the_task_out,
    an_unknown_token_does_not_exist,
    a_parked_wait_takes_heartbeats_and_its_answer,
    a_parked_wait_times_out_without_heartbeats,
    a_parked_wait_with_heartbeats_still_times_out,
);
