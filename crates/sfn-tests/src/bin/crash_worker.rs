//! The worker process of the crash test (`tests/crash.rs`): runs the
//! executions `exec-0` .. `exec-{N-1}` of `workflows/crash.asl.json` on a
//! durable store until every one has ended, then prints `ALL ENDED` and
//! exits. The test kills it with SIGKILL at random moments and starts it
//! again; each start continues what the store holds.
//!
//! ```text
//! crash_worker STORE_URL EFFECTS_DIR COUNT [--lease-ms MS]
//! ```
//!
//! Handlers apply their side effect once per idempotency key: each creates
//! the file `EFFECTS_DIR/<key>` (failing if it exists) and appends
//! `<pid> <key> <new|repeat>` to `EFFECTS_DIR/calls.log`. The first attempt
//! of some calls fails with `Flaky` (which the workflow retries), chosen by
//! a hash of the call's state path, so that every run fails the same ones.

#![forbid(unsafe_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use sfn_runtime::{ExecutionStatus, Resources, Store, TaskContext, TaskError};

sfn_runtime::include_asl!(pub mod crash, "workflows/crash.asl.json");

/// The input of execution `i`: `3 + i % 4` items, every third one big.
pub fn input(i: usize) -> Value {
    let items: Vec<Value> = (0..3 + i % 4)
        .map(|j| json!({"id": format!("{i}-{j}"), "big": j % 3 == 0}))
        .collect();
    json!({"order": i, "items": items})
}

fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// The handler of `function`: applies the call's effect once by key.
fn handler(
    function: &'static str,
    effects: Arc<PathBuf>,
) -> impl Fn(
    Value,
    TaskContext,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Value, TaskError>> + Send>>
+ Send
+ Sync
+ 'static {
    move |input: Value, ctx: TaskContext| {
        let effects = Arc::clone(&effects);
        Box::pin(async move {
            let key = ctx.idempotency_key().to_owned();
            // Some work that takes time, so that kills land inside calls.
            tokio::time::sleep(Duration::from_millis(5 + hash(&key) % 20)).await;
            let new = apply(&effects, &key);
            let state_path = key.rsplit_once('#').map_or(key.as_str(), |(p, _)| p);
            let retried = matches!(function, "Prepare" | "Work");
            if retried && ctx.retry_count() == 0 && hash(state_path).is_multiple_of(4) {
                return Err(TaskError::new("Flaky", format!("{function} failed once")));
            }
            let _ = new;
            Ok(match function {
                "Prepare" => json!({"ready": input["order"]}),
                "Work" => json!({"id": input["id"], "big": input["big"], "done": true}),
                "Sum" => json!(input["items"].as_array().map_or(0, Vec::len)),
                _ => json!(input["items"].as_array().map_or(0, |items| {
                    items.iter().filter(|item| item["size"] == "big").count()
                })),
            })
        })
    }
}

/// Creates `effects/<key>` unless it exists; logs the call. Returns whether
/// the effect was new.
fn apply(effects: &Path, key: &str) -> bool {
    let file_name: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@#".contains(c) {
                c
            } else {
                '+'
            }
        })
        .collect();
    let new = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(effects.join(&file_name))
        .and_then(|mut f| f.sync_all().map(|()| f.flush()))
        .is_ok();
    let line = format!(
        "{} {} {}\n",
        std::process::id(),
        file_name,
        if new { "new" } else { "repeat" }
    );
    if let Ok(mut log) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(effects.join("calls.log"))
    {
        let _ = log.write_all(line.as_bytes());
        let _ = log.sync_data();
    }
    new
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: crash_worker STORE_URL EFFECTS_DIR COUNT [--lease-ms MS]");
        std::process::exit(2);
    }
    let effects = Arc::new(PathBuf::from(&args[2]));
    let count: usize = args[3].parse().expect("COUNT is a number");
    let lease = args
        .iter()
        .position(|a| a == "--lease-ms")
        .and_then(|i| args.get(i + 1))
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis);
    let mut store = Store::open(&args[1]).await.expect("the store opens");
    if let Some(lease) = lease {
        store = store.with_lease(lease);
    }
    let resources =
        ["Prepare", "Work", "Sum", "Count"]
            .into_iter()
            .fold(Resources::new(), |r, f| {
                r.handler(
                    format!("arn:aws:lambda:us-east-1:123456789012:function:{f}"),
                    handler(f, Arc::clone(&effects)),
                )
            });
    let machine =
        Arc::new(crash::StateMachine::from_resources(resources).with_store(store.clone()));
    let worker = tokio::spawn({
        let machine = Arc::clone(&machine);
        async move { machine.serve().await }
    });
    for i in 0..count {
        match machine.start_named(&format!("exec-{i}"), input(i)).await {
            Ok(_) | Err(sfn_runtime::StoreError::ExecutionAlreadyExists(_)) => {}
            Err(error) => panic!("exec-{i}: {error}"),
        }
    }
    loop {
        let mut ended = 0;
        for i in 0..count {
            if let Ok(d) = store.describe(&format!("exec-{i}")).await
                && d.status != ExecutionStatus::Running
            {
                ended += 1;
            }
        }
        if ended == count {
            break;
        }
        if worker.is_finished() {
            panic!("the worker stopped: {:?}", worker.await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("ALL ENDED");
}
