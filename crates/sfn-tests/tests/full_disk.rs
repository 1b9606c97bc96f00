//! A full disk under a SQLite store (`Store::sqlite`), on a real
//! filesystem: a small tmpfs mounted for the test (it needs root, or the
//! right to mount; without it the test prints one line and passes).
//!
//! * With the disk full, `start_named` fails with a clear error (SQLite's
//!   "database or disk is full") and creates nothing.
//! * An execution whose states make large data runs out of space in the
//!   middle: its commit fails, its run is unloaded, and it stays `RUNNING`
//!   in the store with a history that is exactly a prefix of an
//!   uninterrupted run's (ids 1..n, no transition half written, none
//!   twice). `describe` and `history` answer while the disk is full.
//! * Once space is back, the worker claims it again (its lease runs out)
//!   and it ends `SUCCEEDED` with the output and the history of a run in
//!   memory.

#![cfg(target_os = "linux")]
#![deny(warnings)]

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use sfn_runtime::{
    ExecutionStatus, Resources, Settings, Store, StoreError, TaskContext, TaskError,
};

sfn_runtime::asl!(mod grow, r#"{
  "StartAt": "Begin",
  "States": {
    "Begin": {"Type": "Pass", "Parameters": {"round": 0, "digest.$": "$.seed"}, "Next": "Grow"},
    "Grow": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Grow", "Next": "More?"},
    "More?": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.round", "NumericLessThan": 8, "Next": "Grow"}],
      "Default": "Done"
    },
    "Done": {"Type": "Pass", "Parameters": {"rounds.$": "$.round", "digest.$": "$.digest", "last.$": "$.blob"}, "End": true}
  }
}"#);

/// The size of the tmpfs.
const DISK: &str = "48m";
/// The bytes of each round's blob: every state's input and output carry
/// one, several times per transition (its snapshot and events).
const BLOB: usize = 256 * 1024;
/// The free space the execution starts with: a few rounds' worth.
const ROOM: u64 = 4 * 1024 * 1024;
/// The lease of the store: a run unloaded by the full disk is claimed
/// again once it has run out.
const LEASE: Duration = Duration::from_millis(1000);

/// A tmpfs mounted on a temporary directory, unmounted when dropped (also
/// when the test panics).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` or says why it cannot.
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("`mount` does not run: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "`mount -t tmpfs` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            // Something still holds a file open: detach it now, the kernel
            // frees it when the last file closes.
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .status();
        }
    }
}

/// A file that takes all the free space of its filesystem.
struct Filler {
    path: PathBuf,
    file: File,
    len: u64,
}

impl Filler {
    /// Writes `path` until the filesystem is full.
    fn fill(path: PathBuf) -> Filler {
        let mut file = File::create(&path).unwrap();
        let mut len = 0u64;
        for chunk in [1 << 20, 4096] {
            let block = vec![0x5a_u8; chunk];
            loop {
                match file.write(&block) {
                    Ok(0) => break,
                    Ok(n) => len += n as u64,
                    Err(e) if e.kind() == ErrorKind::StorageFull => break,
                    Err(e) => panic!("filling {}: {e}", path.display()),
                }
            }
        }
        file.sync_all().ok();
        Filler { path, file, len }
    }

    /// Gives `bytes` back to the filesystem.
    fn free(&mut self, bytes: u64) {
        self.len = self.len.saturating_sub(bytes);
        self.file.set_len(self.len).unwrap();
    }

    /// Gives everything back.
    fn remove(self) {
        drop(self.file);
        std::fs::remove_file(&self.path).unwrap();
    }
}

/// Calls of the Grow handler, by round.
type Calls = Arc<Mutex<BTreeMap<u64, usize>>>;

fn resources(calls: &Calls) -> Resources {
    let calls = Arc::clone(calls);
    Resources::new().handler(
        "arn:aws:lambda:us-east-1:123456789012:function:Grow",
        move |input: Value, _ctx: TaskContext| {
            let calls = Arc::clone(&calls);
            async move {
                let round = input["round"].as_u64().unwrap();
                *calls.lock().unwrap().entry(round).or_default() += 1;
                let letter = char::from(b'a' + u8::try_from(round % 26).unwrap());
                let digest = format!("{}{letter}", input["digest"].as_str().unwrap());
                Ok::<_, TaskError>(json!({
                    "round": round + 1,
                    "digest": digest,
                    "blob": letter.to_string().repeat(BLOB),
                }))
            }
        },
    )
}

/// Each event without its time (which differs from run to run).
fn timeless(history: &Value) -> Vec<Value> {
    history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("timestamp");
            e
        })
        .collect()
}

/// Event ids 1..n, in order: none twice, none missing.
fn assert_contiguous(events: &[Value]) {
    let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>(), "ids 1..n");
}

/// The fence of `name`'s lease: raised by every claim.
async fn fence(db: &Path, name: &str) -> i64 {
    use sqlx::Connection;
    let mut sql = sqlx::SqliteConnection::connect(&format!("sqlite:{}", db.display()))
        .await
        .unwrap();
    let (fence,): (i64,) = sqlx::query_as("SELECT fence FROM executions WHERE name = $1")
        .bind(name)
        .fetch_one(&mut sql)
        .await
        .unwrap();
    sql.close().await.unwrap();
    fence
}

fn input() -> Value {
    json!({"seed": "#"})
}

#[test]
fn a_full_disk_unloads_the_run_and_the_execution_continues_when_space_is_back() {
    let disk = match Tmpfs::mount(DISK) {
        Ok(disk) => disk,
        Err(why) => {
            println!("full-disk test skipped: {why}");
            return;
        }
    };
    // Declared after the disk: dropped first, closing the store's files.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(scenario(disk.path()));
}

async fn scenario(dir: &Path) {
    // The uninterrupted run, in memory.
    let calls: Calls = Arc::default();
    let memory = Arc::new(
        grow::StateMachine::from_resources(resources(&calls)).with_settings(Settings {
            record_history: true,
            ..Settings::default()
        }),
    );
    let reference = memory.start(input());
    let expected = reference.result().await.unwrap();
    let expected_history = timeless(&reference.history().unwrap().to_json());
    assert_eq!(expected["rounds"], 8);

    let calls: Calls = Arc::default();
    let store = Store::sqlite(dir.join("store.db"))
        .await
        .unwrap()
        .with_lease(LEASE);
    let machine =
        Arc::new(grow::StateMachine::from_resources(resources(&calls)).with_store(store.clone()));
    let worker = tokio::spawn({
        let machine = Arc::clone(&machine);
        async move { machine.serve().await }
    });

    // The disk is full: a start fails with a clear error, and nothing of
    // it is in the store.
    let mut filler = Filler::fill(dir.join("filler"));
    let big = json!({"seed": "#".repeat(2 << 20)});
    let error = match machine.start_named("too-big", big).await {
        Err(error) => error,
        Ok(_) => panic!("started on a full disk"),
    };
    let message = error.to_string();
    assert!(
        matches!(error, StoreError::Database(_)) && message.contains("database or disk is full"),
        "{message}"
    );
    println!("full-disk test: start_named on a full disk: {message}");
    assert!(matches!(
        store.describe("too-big").await,
        Err(StoreError::ExecutionDoesNotExist(_))
    ));

    // Room for a few rounds: the execution runs out in the middle.
    filler.free(ROOM);
    let handle = machine.start_named("grow-1", input()).await.unwrap();
    // A run whose commit fails is unloaded and its lease runs out; the
    // worker claims the execution again (raising the fence), and fails
    // the same way while the disk is full. Twice: the retries are clean.
    let db = dir.join("store.db");
    let mut claims = 1;
    for _ in 0..1200 {
        claims = fence(&db, "grow-1").await;
        if claims >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = calls.lock().unwrap().clone();
    let d = store.describe("grow-1").await.unwrap();
    assert!(
        claims >= 3,
        "the execution is not claimed again: fence {claims}, calls by round {seen:?}, {d:?}"
    );
    println!("full-disk test: claimed {claims} times with the disk full, calls by round {seen:?}");

    // While the disk is full: readable, RUNNING, a prefix of the
    // uninterrupted run's history.
    let d = store.describe("grow-1").await.unwrap();
    assert_eq!(d.status, ExecutionStatus::Running, "{d:?}");
    assert_eq!((d.output, d.error), (None, None));
    let events = timeless(&store.history("grow-1").await.unwrap());
    assert_contiguous(&events);
    assert!(
        events.len() < expected_history.len(),
        "the execution cannot have ended"
    );
    assert_eq!(
        events[..],
        expected_history[..events.len()],
        "the stored history is a prefix of the uninterrupted run's"
    );
    let page = store.list(sfn_runtime::ListQuery::default()).await.unwrap();
    assert_eq!(page.executions.len(), 1);
    assert_eq!(handle.status(), ExecutionStatus::Running);

    // Space is back: the execution continues and ends as in memory.
    filler.remove();
    let output = tokio::time::timeout(Duration::from_secs(120), handle.result())
        .await
        .expect("the execution ends once space is back")
        .unwrap();
    assert_eq!(output, expected);
    let d = store.describe("grow-1").await.unwrap();
    assert_eq!(d.status, ExecutionStatus::Succeeded);
    assert_eq!(d.output, Some(expected));
    let events = timeless(&store.history("grow-1").await.unwrap());
    assert_contiguous(&events);
    assert_eq!(events, expected_history, "the uninterrupted run's history");
    let seen = calls.lock().unwrap().clone();
    println!("full-disk test: calls by round at the end: {seen:?}");
    assert_eq!(
        seen.keys().copied().collect::<Vec<_>>(),
        (0..8).collect::<Vec<_>>()
    );
    worker.abort();
    let _ = worker.await;
}
