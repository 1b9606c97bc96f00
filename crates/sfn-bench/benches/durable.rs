//! `cargo bench -p sfn-bench --bench durable`: durable executions on a
//! store, measured on a tokio runtime of 2 worker threads. Prints a report;
//! writes nothing but temporary files (a SQLite store in a temporary
//! directory, a PostgreSQL database created for the run and dropped after).
//!
//! * **latency**: one execution of a loop of ~1,000 state transitions
//!   (`Inc`, a Pass that adds 1 with `States.MathAdd`, and `Check`, a Choice
//!   that loops back until the limit); each transition is committed before
//!   the state runs, so this is the time of one commit per transition.
//! * **throughput**: 100 executions of the same loop (~200 transitions
//!   each) at once; their commits are written together (group commit).
//! * **parked executions** (SQLite): 100,000 executions of `Pass -> Wait
//!   3600 s -> Pass` with a worker (`serve`) running and a manual clock:
//!   the time to start them and have all parked in their Wait, the
//!   process's memory then, and, once the clock has moved past the hour,
//!   the time until all have succeeded. `SFN_BENCH_PARKED=N` changes the
//!   count.
//!
//! SQLite always; PostgreSQL too when `SFN_BENCH_POSTGRES_URL` (or else
//! `SFN_TEST_POSTGRES_URL`) names a server: a fresh database is created on
//! it for the run, and dropped after.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};
use sfn_runtime::store::redact;
use sfn_runtime::{Clock, ExecutionStatus, Resources, Settings, Store};
use sqlx::Connection as _;

sfn_runtime::asl!(mod counter, r#"{
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Parameters": {"i": 0, "limit.$": "$.limit"}, "Next": "Inc"},
    "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)", "limit.$": "$.limit"}, "Next": "Check"},
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.limit", "Next": "Inc"}],
      "Default": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#);

sfn_runtime::asl!(mod napper, r#"{
  "StartAt": "Before",
  "States": {
    "Before": {"Type": "Pass", "Result": 1, "ResultPath": "$.before", "Next": "Nap"},
    "Nap": {"Type": "Wait", "Seconds": 3600, "Next": "After"},
    "After": {"Type": "Pass", "Result": 2, "ResultPath": "$.after", "End": true}
  }
}"#);

/// Loop iterations of the latency run: 1 + 2 × 500 + 1 = 1,002 transitions.
const LATENCY_LIMIT: u64 = 500;
/// Measured latency runs (the median is reported).
const LATENCY_RUNS: usize = 3;
/// Executions of the throughput run.
const CONCURRENT: usize = 100;
/// Loop iterations of each: 1 + 2 × 100 + 1 = 202 transitions.
const THROUGHPUT_LIMIT: u64 = 100;
/// Parked executions by default.
const PARKED: usize = 100_000;
/// Tasks that call `start_named` at once in the parked run.
const STARTERS: usize = 256;

/// The transitions (states entered) of one execution of `counter`.
fn transitions(limit: u64) -> u64 {
    2 * limit + 2
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    println!("sfn durable benchmarks: tokio multi-thread runtime, 2 workers");
    println!(
        "machine: {} CPUs, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    // `cargo bench ... -- loops` or `-- parked` runs one part.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wanted = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    let dir = tempfile::tempdir().expect("a temporary directory");
    runtime.block_on(async {
        if wanted("loops") {
            sqlite_and_postgres(dir.path()).await;
        }
        if wanted("parked") {
            let count = std::env::var("SFN_BENCH_PARKED")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(PARKED);
            parked(&dir.path().join("parked.db"), count).await;
        }
    });
}

/// The latency and throughput runs on SQLite, and on PostgreSQL when a
/// server is named.
async fn sqlite_and_postgres(dir: &Path) {
    let store = Store::sqlite(dir.join("loops.db"))
        .await
        .expect("a SQLite store");
    println!(
        "\nSQLite (WAL, synchronous=FULL; file in {})",
        dir.display()
    );
    loops(&store, "sqlite").await;

    match postgres_server() {
        Some(server) => {
            let database = format!("sfn_bench_{}", std::process::id());
            let url = create_database(&server, &database).await;
            println!("\nPostgreSQL ({})", redact(&url));
            // In a task of its own: the database is dropped even when
            // the run fails.
            let run = tokio::spawn(async move {
                let store = Store::postgres(&url).await.expect("a PostgreSQL store");
                loops(&store, "postgres").await;
            })
            .await;
            drop_database(&server, &database).await;
            if let Err(panicked) = run {
                std::panic::resume_unwind(panicked.into_panic());
            }
        }
        None => println!(
            "\nPostgreSQL: SFN_BENCH_POSTGRES_URL and SFN_TEST_POSTGRES_URL are not set; skipped"
        ),
    }
}

/// The latency and throughput runs on `store`.
async fn loops(store: &Store, tag: &str) {
    let machine =
        Arc::new(counter::StateMachine::from_resources(Resources::new()).with_store(store.clone()));
    // Warm-up: the connections, the prepared statements.
    run_counter(&machine, &format!("{tag}-warm"), 50).await;

    let mut times = Vec::new();
    for run in 0..LATENCY_RUNS {
        let name = format!("{tag}-latency-{run}");
        let started = Instant::now();
        run_counter(&machine, &name, LATENCY_LIMIT).await;
        times.push(started.elapsed());
        check_transitions(store, &name, transitions(LATENCY_LIMIT)).await;
    }
    times.sort();
    let per = |d: Duration| d.as_secs_f64() * 1e6 / transitions(LATENCY_LIMIT) as f64;
    println!(
        "  latency:    1 execution of {} transitions: {:.3} s (median of {LATENCY_RUNS}) -> \
         {:.0} us per committed transition (min {:.0}, max {:.0})",
        transitions(LATENCY_LIMIT),
        times[LATENCY_RUNS / 2].as_secs_f64(),
        per(times[LATENCY_RUNS / 2]),
        per(times[0]),
        per(times[LATENCY_RUNS - 1]),
    );

    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENT)
        .map(|i| {
            let machine = Arc::clone(&machine);
            let name = format!("{tag}-throughput-{i}");
            tokio::spawn(async move { run_counter(&machine, &name, THROUGHPUT_LIMIT).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("an execution's task");
    }
    let elapsed = started.elapsed();
    check_transitions(
        store,
        &format!("{tag}-throughput-0"),
        transitions(THROUGHPUT_LIMIT),
    )
    .await;
    let total = transitions(THROUGHPUT_LIMIT) * CONCURRENT as u64;
    println!(
        "  throughput: {CONCURRENT} executions x {} transitions = {total} in {:.3} s (starts \
         included) -> {:.0} committed transitions/s",
        transitions(THROUGHPUT_LIMIT),
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
}

/// Starts `counter` as `name` counting to `limit` and waits for its end.
async fn run_counter(machine: &Arc<counter::StateMachine>, name: &str, limit: u64) -> Value {
    let handle = machine
        .start_named(name, json!({ "limit": limit }))
        .await
        .expect("the execution starts");
    let output = handle.result().await.expect("the execution succeeds");
    assert_eq!(output["i"], json!(limit), "{name}: {output}");
    output
}

/// Checks that the history of `name` has `expected` states entered.
async fn check_transitions(store: &Store, name: &str, expected: u64) {
    let history = store.history(name).await.expect("its history");
    let entered = history["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| {
            e["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("StateEntered"))
        })
        .count() as u64;
    assert_eq!(entered, expected, "{name}: states entered");
}

/// The parked-executions run, on its own SQLite file.
async fn parked(path: &Path, count: usize) {
    println!("\nParked executions (SQLite, {count} x Pass -> Wait 3600 s -> Pass, manual clock)");
    let clock = Clock::manual(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    let store = Store::sqlite(path).await.expect("a SQLite store");
    let machine = Arc::new(
        napper::StateMachine::from_resources(Resources::new())
            .with_settings(Settings {
                clock: clock.clone(),
                ..Settings::default()
            })
            .with_store(store.clone()),
    );
    let counts = Counter::open(path).await;
    let worker = tokio::spawn({
        let machine = Arc::clone(&machine);
        async move { machine.serve().await }
    });
    // Executions park only once the worker has registered.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let rss_before = memory("VmRSS");

    let started = Instant::now();
    let starters_count = std::env::var("SFN_BENCH_STARTERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(STARTERS);
    let starters: Vec<_> = (0..starters_count)
        .map(|k| {
            let machine = Arc::clone(&machine);
            tokio::spawn(async move {
                for i in (k..count).step_by(starters_count) {
                    // The handle holds nothing once the execution parks.
                    drop(
                        machine
                            .start_named(&format!("nap-{i:06}"), json!({ "i": i }))
                            .await
                            .expect("the execution starts"),
                    );
                }
            })
        })
        .collect();
    for starter in starters {
        starter.await.expect("a starter");
    }
    let starts_returned = started.elapsed();
    counts
        .wait_for(
            "parked",
            "SELECT count(*) FROM executions WHERE status = 'RUNNING' \
             AND owner IS NULL AND wake_at IS NOT NULL",
            count,
        )
        .await;
    let all_parked = started.elapsed();
    // Let the tasks of the last executions finish.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_parked = memory("VmRSS");
    println!(
        "  start_named x {count}: all returned after {:.2} s ({:.0} starts/s)",
        starts_returned.as_secs_f64(),
        count as f64 / starts_returned.as_secs_f64()
    );
    println!(
        "  all {count} parked after {:.2} s ({:.0} executions/s started and parked)",
        all_parked.as_secs_f64(),
        count as f64 / all_parked.as_secs_f64()
    );
    println!(
        "  RSS once all parked: {:.1} MB (before starting: {:.1} MB)",
        rss_parked / 1024.0,
        rss_before / 1024.0
    );

    clock.advance(Duration::from_secs(3601));
    let woken = Instant::now();
    counts
        .wait_for(
            "succeeded",
            "SELECT count(*) FROM executions WHERE status = 'SUCCEEDED'",
            count,
        )
        .await;
    let done = woken.elapsed();
    println!(
        "  clock advanced 3601 s: all {count} SUCCEEDED after {:.2} s ({:.0} executions/s)",
        done.as_secs_f64(),
        count as f64 / done.as_secs_f64()
    );
    println!(
        "  RSS at the end: {:.1} MB; peak RSS of the process: {:.1} MB",
        memory("VmRSS") / 1024.0,
        memory("VmHWM") / 1024.0
    );
    let one = store.describe("nap-000000").await.expect("an execution");
    assert_eq!(one.status, ExecutionStatus::Succeeded);
    assert_eq!(one.output, Some(json!({"i": 0, "before": 1, "after": 2})));
    worker.abort();
    counts.pool.close().await;
}

/// Counts rows of a SQLite store with its own read-only connection.
struct Counter {
    pool: sqlx::SqlitePool,
}

impl Counter {
    async fn open(path: &Path) -> Counter {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .read_only(true);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("the store file opens");
        Counter { pool }
    }

    /// Polls `sql` (a count) until it gives `target`; gives up when it has
    /// not moved for two minutes.
    async fn wait_for(&self, what: &str, sql: &str, target: usize) {
        let target = i64::try_from(target).expect("a count");
        let mut last = -1;
        let mut moved = Instant::now();
        let mut shown = Instant::now();
        loop {
            let n: i64 = sqlx::query_scalar(sql)
                .fetch_one(&self.pool)
                .await
                .expect("the count");
            if n >= target {
                return;
            }
            if n != last {
                last = n;
                moved = Instant::now();
            }
            assert!(
                moved.elapsed() < Duration::from_secs(120),
                "stuck at {n} of {target} {what}"
            );
            if shown.elapsed() >= Duration::from_secs(10) {
                eprintln!("    ... {n} of {target} {what}");
                shown = Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A field of `/proc/self/status`, in kB (0 where there is none).
fn memory(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let rest = line.strip_prefix(field)?.strip_prefix(':')?;
                rest.split_whitespace().next()?.parse().ok()
            })
        })
        .unwrap_or(0.0)
}

/// The CPU's model name from `/proc/cpuinfo`.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == "model name").then(|| value.trim().to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

/// The PostgreSQL server to measure on, if any.
fn postgres_server() -> Option<String> {
    ["SFN_BENCH_POSTGRES_URL", "SFN_TEST_POSTGRES_URL"]
        .into_iter()
        .find_map(|variable| std::env::var(variable).ok().filter(|url| !url.is_empty()))
}

/// Creates the database `name` on the server of `url`; returns its URL.
async fn create_database(url: &str, name: &str) -> String {
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .expect("the PostgreSQL server answers");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .expect("an old bench database dropped");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("a bench database");
    let _ = admin.close().await;
    let authority = url.find("://").map_or(0, |i| i + 3);
    let query = url[authority..].find('?').map(|i| authority + i);
    let path = url[authority..].find('/').map(|i| authority + i);
    let (head, tail) = match (path, query) {
        (Some(path), Some(query)) if path < query => (&url[..path], &url[query..]),
        (Some(path), None) => (&url[..path], ""),
        (_, Some(query)) => (&url[..query], &url[query..]),
        (None, None) => (url, ""),
    };
    format!("{head}/{name}{tail}")
}

/// Drops the database `name` on the server of `url`.
async fn drop_database(url: &str, name: &str) {
    if let Ok(mut admin) = sqlx::PgConnection::connect(url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await;
        let _ = admin.close().await;
    }
}
