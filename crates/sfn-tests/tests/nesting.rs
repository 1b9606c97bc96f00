//! Map and Parallel states nested deep compile without a
//! `#![recursion_limit]` and run: 8 Map states one inside the other (six
//! overflowed rustc's recursion limit, E0275, before the deep levels were
//! boxed), and 32 levels of Map and Parallel alternating, with a Task at
//! the bottom that is retried once.
//!
//! The workflows (`workflows/nesting/`) are generated: each level `N` is a
//! `LevelN` state and a `LevelNOut` Pass that returns its results. A Map
//! iterates over `$.items` and gives each item `{"items": [0], "path":
//! "PATH/mITEM"}`; a Parallel runs the next level as its first branch and,
//! as its second, a Pass returning `{"path": "PATH/side"}`. The Task `Leaf`
//! at the bottom returns its path.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{TaskContext, TaskError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

sfn_runtime::include_asl!(mod maps_8, "workflows/nesting/maps_8.asl.json");

/// The `sfn-codegen` snapshot of a Map nested two deep, which shows the
/// boxed code.
#[allow(missing_docs, dead_code)]
mod nesting {
    include!("../../sfn-codegen/tests/snapshots/nesting.rs");
}
sfn_runtime::include_asl!(mod alternating_32, "workflows/nesting/alternating_32.asl.json");

/// The Task at the bottom: fails once with `Flaky` (retried) when `flaky`.
struct Leaves {
    flaky: bool,
}

async fn leaf(flaky: bool, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
    if flaky && ctx.retry_count() == 0 {
        return Err(TaskError::new("Flaky", "first attempt"));
    }
    Ok(json!({"leaf": input["path"], "attempt": ctx.retry_count()}))
}

impl maps_8::Tasks for Leaves {
    async fn leaf(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        leaf(self.flaky, input, ctx).await
    }
}

impl alternating_32::Tasks for Leaves {
    async fn leaf(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        leaf(self.flaky, input, ctx).await
    }
}

/// The output of the levels `kinds` (`M` Map, `P` Parallel, outermost
/// first) on the input `{"items": items, "path": path}`.
fn expected(kinds: &[u8], path: &str, items: &[u64], attempt: u64) -> Value {
    match kinds {
        [] => json!({"leaf": path, "attempt": attempt}),
        [b'M', rest @ ..] => items
            .iter()
            .map(|item| expected(rest, &format!("{path}/m{item}"), &[0], attempt))
            .collect(),
        [_, rest @ ..] => json!([
            expected(rest, path, items, attempt),
            {"path": format!("{path}/side")}
        ]),
    }
}

fn input() -> Value {
    json!({"items": [1, 2], "path": ""})
}

#[tokio::test(start_paused = true)]
async fn eight_maps_one_inside_the_other() {
    let machine = maps_8::StateMachine::new(Leaves { flaky: true });
    let out = machine.run(input()).await.unwrap();
    assert_eq!(out, expected(b"MMMMMMMM", "", &[1, 2], 1));
}

#[tokio::test(start_paused = true)]
async fn thirty_two_levels_of_map_and_parallel() {
    let kinds = "MP".repeat(16);
    let machine = alternating_32::StateMachine::new(Leaves { flaky: true });
    let out = machine.run(input()).await.unwrap();
    assert_eq!(out, expected(kinds.as_bytes(), "", &[1, 2], 1));
    // The first leaf: the first item of each Map, the first branch of
    // each Parallel; its path names every Map.
    let first = (0..32).fold(&out, |level, _| &level[0]);
    let path = format!("/m1{}", "/m0".repeat(15));
    assert_eq!(*first, json!({"leaf": path, "attempt": 1}));
}

/// `start` runs the execution as a tokio task on a worker thread (its
/// future must be `Send`, which is what overflowed), with its default
/// stack.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn started_on_a_worker_thread() {
    let machine = Arc::new(alternating_32::StateMachine::new(Leaves { flaky: false }));
    let handle = machine.start(input());
    let out = handle.result().await.unwrap();
    assert_eq!(out, expected("MP".repeat(16).as_bytes(), "", &[1, 2], 0));

    let machine = Arc::new(maps_8::StateMachine::new(Leaves { flaky: false }));
    let out = machine.start(input()).result().await.unwrap();
    assert_eq!(out, expected(b"MMMMMMMM", "", &[1, 2], 0));
}

/// Prices a line: ten times `n`. The first call for `n` = 2 fails, so the
/// Map two deep retries all its items.
struct Prices {
    calls: AtomicUsize,
    failed: AtomicBool,
}

impl nesting::Tasks for Prices {
    async fn price(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if input["n"] == 2 && !self.failed.swap(true, Ordering::SeqCst) {
            return Err(TaskError::new("Busy", "try again"));
        }
        Ok(json!(input["n"].as_u64().unwrap() * 10))
    }
}

#[tokio::test(start_paused = true)]
async fn the_nesting_snapshot_runs() {
    let prices = Prices {
        calls: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
    };
    let machine = Arc::new(nesting::StateMachine::new(prices));
    let input = json!({"orders": [
        {"id": "a", "lines": [{"n": 1}, {"n": 2}]},
        {"id": "b", "lines": [{"n": 3}]}
    ]});
    let out = machine.start(input).result().await.unwrap();
    assert_eq!(out, json!([[[10, 20], ["a"]], [[30], ["b"]]]));
    // Order a's two lines twice (the retry), order b's once.
    assert_eq!(machine.tasks().calls.load(Ordering::SeqCst), 5);
}
