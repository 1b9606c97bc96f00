//! Several worker processes on one PostgreSQL store: three processes of
//! `src/bin/crash_worker.rs` share 20 executions (the crash test's
//! workflow); one of them is killed with SIGKILL now and then and started
//! again. Leases are short (1.5 s), so a dead worker's executions are taken
//! over by the others. Every execution ends exactly once, with the output
//! of an uninterrupted run, and its history has the same events (no
//! transition twice, none missing, ids 1..n).
//!
//! Needs a PostgreSQL server: its URL in `SFN_TEST_POSTGRES_URL` (`.ci/run`
//! starts one). Without it the test prints one line and passes.

#![cfg(unix)]
#![deny(warnings)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sfn_runtime::{Resources, Store, TaskContext, TaskError};
use sqlx::Connection;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "common/store.rs"]
mod store;

use store::history::{Events, assert_same_events, event_multiset};

sfn_runtime::asl!(mod hold, r#"{
  "StartAt": "Hold",
  "States": {
    "Hold": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Hold", "ResultPath": "$.held", "Next": "After"},
    "After": {"Type": "Pass", "Result": "done", "ResultPath": "$.after", "End": true}
  }
}"#);

const COUNT: usize = 20;
const WORKERS: usize = 3;

fn worker(url: &str, effects: &Path, lease_ms: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_crash_worker"))
        .arg(url)
        .arg(effects)
        .arg(COUNT.to_string())
        .arg("--lease-ms")
        .arg(lease_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("a worker starts")
}

/// A fresh database on the server of `url`; returns its URL.
async fn fresh_database(url: &str, name: &str) -> String {
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .expect("the server answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a test database");
    let base = match url.rfind('/') {
        Some(slash) if slash > url.find("://").map_or(0, |i| i + 2) => &url[..slash],
        _ => url,
    };
    let query = url.find('?').map_or("", |q| &url[q..]);
    format!("{base}/{name}{query}")
}

async fn drop_database(url: &str, name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await;
    }
}

async fn outcomes(store: &Store) -> BTreeMap<String, (Value, Events)> {
    let mut out = BTreeMap::new();
    for i in 0..COUNT {
        let name = format!("exec-{i}");
        let (output, history) = store::succeeded(store, &name).await;
        let ends = history["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["type"].as_str().unwrap().starts_with("Execution")
                    && e["type"] != "ExecutionStarted"
            })
            .count();
        assert_eq!(ends, 1, "{name} ends once");
        out.insert(name, (output, event_multiset(&history)));
    }
    out
}

#[test]
fn three_workers_share_the_executions_and_survive_kills() {
    let Ok(url) = std::env::var("SFN_TEST_POSTGRES_URL") else {
        println!("SFN_TEST_POSTGRES_URL is not set: the PostgreSQL worker test is skipped");
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();

    // The uninterrupted run, on SQLite, one worker.
    let reference_effects = dir.path().join("reference");
    std::fs::create_dir(&reference_effects).unwrap();
    let reference_db = dir.path().join("reference.db");
    let mut reference = worker(
        &format!("sqlite:{}", reference_db.display()),
        &reference_effects,
        30_000,
    );
    assert!(reference.wait().unwrap().success());

    let database = format!("sfn_workers_{}", std::process::id());
    let store_url = runtime.block_on(fresh_database(&url, &database));
    let effects = dir.path().join("effects");
    std::fs::create_dir(&effects).unwrap();
    let mut workers: Vec<Child> = (0..WORKERS)
        .map(|_| worker(&store_url, &effects, 1500))
        .collect();
    let start = Instant::now();
    let mut kills = 0;
    let mut next_kill = Instant::now() + Duration::from_millis(700);
    let mut finished = 0;
    while finished < WORKERS {
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "the workers end"
        );
        finished = 0;
        for child in &mut workers {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "a worker failed: {status}");
                finished += 1;
            }
        }
        if finished == 0 && Instant::now() >= next_kill && kills < 8 {
            let victim = kills % WORKERS;
            workers[victim].kill().expect("SIGKILL");
            workers[victim].wait().unwrap();
            workers[victim] = worker(&store_url, &effects, 1500);
            kills += 1;
            next_kill = Instant::now() + Duration::from_millis(900);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    println!(
        "workers test: {WORKERS} workers on PostgreSQL, {kills} kills (SIGKILL), {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert!(kills >= 3, "the test killed workers ({kills})");

    let expected =
        runtime.block_on(async { outcomes(&Store::sqlite(&reference_db).await.unwrap()).await });
    let got =
        runtime.block_on(async { outcomes(&Store::postgres(&store_url).await.unwrap()).await });
    for (name, (output, events)) in &expected {
        assert_eq!(
            &got[name].0, output,
            "{name}: the output of the uninterrupted run"
        );
        assert_same_events(name, &got[name].1, events);
    }
    runtime.block_on(drop_database(&url, &database));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_unloads_the_run_and_the_execution_continues() {
    let Ok(url) = std::env::var("SFN_TEST_POSTGRES_URL") else {
        println!("SFN_TEST_POSTGRES_URL is not set: the lost-connection test is skipped");
        return;
    };
    let database = format!("sfn_lost_{}", std::process::id());
    let store_url = fresh_database(&url, &database).await;
    let store = Store::postgres(&store_url)
        .await
        .unwrap()
        .with_lease(Duration::from_millis(800));
    let calls = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(tokio::sync::Notify::new());
    let resources =
        Resources::new().handler("arn:aws:lambda:us-east-1:123456789012:function:Hold", {
            let (calls, release) = (Arc::clone(&calls), Arc::clone(&release));
            move |_input: Value, _ctx: TaskContext| {
                let (calls, release) = (Arc::clone(&calls), Arc::clone(&release));
                async move {
                    if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                        release.notified().await;
                    }
                    Ok::<_, TaskError>(json!("held"))
                }
            }
        });
    let machine = Arc::new(hold::StateMachine::from_resources(resources).with_store(store.clone()));
    let worker = tokio::spawn({
        let machine = Arc::clone(&machine);
        async move { machine.serve().await }
    });
    let handle = machine.start_named("lost-1", json!({})).await.unwrap();
    while calls.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The store's database goes away: the server refuses new connections
    // to it and drops every open one. The handler returns meanwhile: its
    // result cannot be committed, and the run is unloaded.
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    let allow = |on: bool| format!("ALTER DATABASE {database} ALLOW_CONNECTIONS {on}");
    sqlx::query(&allow(false))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
        .bind(&database)
        .execute(&mut admin)
        .await
        .unwrap();
    release.notify_one();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // While it is away, reading the store is a clear error.
    let down = store.describe("lost-1").await;
    assert!(
        matches!(&down, Err(sfn_runtime::StoreError::Database(_))),
        "{down:?}"
    );
    // The database is back: the worker claims the execution again once
    // its lease has run out, and calls Hold again (its result was never
    // committed: at least once).
    sqlx::query(&allow(true)).execute(&mut admin).await.unwrap();
    let output = tokio::time::timeout(Duration::from_secs(60), handle.result())
        .await
        .expect("the execution ends")
        .unwrap();
    assert_eq!(output, json!({"held": "held", "after": "done"}));
    let history = store.history("lost-1").await.unwrap();
    store::history::assert_ids_contiguous("lost-1", &history);
    let events = history["events"].as_array().unwrap();
    let entered = |name: &str| {
        events
            .iter()
            .filter(|e| e["stateEnteredEventDetails"]["name"] == name)
            .count()
    };
    assert_eq!((entered("Hold"), entered("After")), (1, 1));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "Hold's first result was lost with the database, so it is asked again"
    );
    let succeeded = events
        .iter()
        .filter(|e| e["type"] == "LambdaFunctionSucceeded")
        .count();
    assert_eq!(succeeded, 1, "one result committed, not two");
    assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");
    println!(
        "lost-connection test: Hold called {} times",
        calls.load(Ordering::SeqCst)
    );
    worker.abort();
    drop_database(&url, &database).await;
}
