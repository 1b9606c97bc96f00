//! The crash test: a worker process (`src/bin/crash_worker.rs`) runs 20
//! executions of a workflow with Task, Retry, Wait, Map (MaxConcurrency 3),
//! Choice and Parallel on a SQLite store; this test kills it with SIGKILL
//! at random moments (at least [`KILLS`] times, the seed printed; set
//! `SFN_CRASH_SEED` to replay one) and starts it again until every
//! execution has ended. Then every output equals that of an uninterrupted
//! run, every history has the same events (no transition twice, none
//! missing, ids 1..n), every side effect was applied under the same
//! idempotency keys as in the uninterrupted run, and no process called a
//! handler twice with one key.

#![cfg(unix)]
#![deny(warnings)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sfn_runtime::Store;

#[path = "common/store.rs"]
mod store;

use store::history::{Events, assert_same_events, event_multiset};

/// Executions per run.
const COUNT: usize = 20;
/// Kills at least.
const KILLS: usize = 50;

fn worker(db: &Path, effects: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_crash_worker"))
        .arg(format!("sqlite:{}", db.display()))
        .arg(effects)
        .arg(COUNT.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the worker starts")
}

/// A small seeded generator (xorshift64*), to draw the kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Waits for `child` to end by itself, at most `limit`.
fn wait_for(child: &mut Child, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        match child.try_wait() {
            Ok(Some(status)) => {
                assert!(status.success(), "the worker failed: {status}");
                return true;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("{e}"),
        }
    }
    false
}

/// Outputs and the (type, state) multisets of the histories, by execution.
struct Outcome {
    outputs: BTreeMap<String, Value>,
    events: BTreeMap<String, Events>,
    effects: BTreeSet<String>,
}

async fn read(db: &Path, effects: &Path) -> Outcome {
    let store = Store::sqlite(db).await.unwrap();
    let mut outputs = BTreeMap::new();
    let mut events = BTreeMap::new();
    for i in 0..COUNT {
        let name = format!("exec-{i}");
        let (output, history) = store::succeeded(&store, &name).await;
        outputs.insert(name.clone(), output);
        events.insert(name, event_multiset(&history));
    }
    let effects = std::fs::read_dir(effects)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "calls.log")
        .collect();
    Outcome {
        outputs,
        events,
        effects,
    }
}

#[test]
fn executions_survive_sigkill_at_random_moments() {
    let seed: u64 = std::env::var("SFN_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026_1207);
    let dir = tempfile::tempdir().unwrap();

    // The uninterrupted run.
    let (reference_db, reference_effects) = (
        dir.path().join("reference.db"),
        dir.path().join("reference"),
    );
    std::fs::create_dir(&reference_effects).unwrap();
    let mut child = worker(&reference_db, &reference_effects);
    assert!(
        wait_for(&mut child, Duration::from_secs(120)),
        "the uninterrupted run ends"
    );

    // The run that is killed again and again.
    let (db, effects) = (dir.path().join("crash.db"), dir.path().join("effects"));
    std::fs::create_dir(&effects).unwrap();
    let mut rng = Rng(seed | 1);
    let (mut kills, mut starts) = (0, 0);
    let start = Instant::now();
    loop {
        let mut child = worker(&db, &effects);
        starts += 1;
        if kills >= KILLS {
            assert!(
                wait_for(&mut child, Duration::from_secs(120)),
                "the last run ends"
            );
            break;
        }
        let moment = Duration::from_millis(15 + rng.next() % 150);
        if wait_for(&mut child, moment) {
            // Everything ended before the kill: more work is needed for
            // the test to mean anything.
            panic!("all executions ended after {kills} kills; the test needs {KILLS}");
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        kills += 1;
    }
    println!(
        "crash test: seed {seed}, {kills} kills (SIGKILL), {starts} starts, {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reference = runtime.block_on(read(&reference_db, &reference_effects));
    let crashed = runtime.block_on(read(&db, &effects));
    assert_eq!(
        crashed.outputs, reference.outputs,
        "outputs equal the uninterrupted run's"
    );
    for (name, events) in &reference.events {
        assert_same_events(name, &crashed.events[name], events);
    }
    assert_eq!(
        crashed.effects, reference.effects,
        "the same side effects, by idempotency key"
    );
    // Calls: no process called a handler twice with one key; calls made
    // again after a kill are counted.
    let log = std::fs::read_to_string(effects.join("calls.log")).unwrap();
    let mut seen = BTreeSet::new();
    let mut repeats = 0;
    for line in log.lines() {
        let mut parts = line.split(' ');
        let (pid, key, kind) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(
            seen.insert((pid.to_owned(), key.to_owned())),
            "{key} called twice by process {pid}"
        );
        if kind == "repeat" {
            repeats += 1;
        }
    }
    println!(
        "crash test: {} handler calls, {repeats} made again after a kill",
        seen.len()
    );
}
