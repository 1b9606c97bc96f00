//! Waiting for a durable execution to end: included with
//! `#[path = "common/ended.rs"] mod ended;`.

use sfn_runtime::{ExecutionDescription, ExecutionStatus, Store};
use std::time::Duration;

/// Polls the store until `name` has ended (for 20 s at most; then panics
/// with its history).
pub async fn ended(store: &Store, name: &str) -> ExecutionDescription {
    for _ in 0..2000 {
        let d = store.describe(name).await.unwrap();
        if d.status != ExecutionStatus::Running {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let history = store.history(name).await.unwrap();
    panic!("{name} did not end: {history:#}");
}
