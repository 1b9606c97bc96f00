//! Reading the executions that the worker processes of `tests/crash.rs`
//! and `tests/workers.rs` (`src/bin/crash_worker.rs`) leave in a store:
//! included with `#[path = "common/store.rs"] mod store;`.

use serde_json::Value;
use sfn_runtime::{ExecutionStatus, Store};

#[path = "history.rs"]
pub mod history;

/// The execution `name`, which must have succeeded: its output and its
/// history, whose event ids are 1..n.
pub async fn succeeded(store: &Store, name: &str) -> (Value, Value) {
    let d = store.describe(name).await.unwrap();
    assert_eq!(d.status, ExecutionStatus::Succeeded, "{name}: {d:?}");
    let history = store.history(name).await.unwrap();
    history::assert_ids_contiguous(name, &history);
    (d.output.unwrap(), history)
}
