//! `cargo run --release -p sfn-bench --bin load [EXECUTIONS]`: starts
//! EXECUTIONS (default 10,000) executions of a workflow with a one-second
//! Wait and a Task at once, on one multi-threaded tokio runtime, with real
//! time; waits for all of them, checks every output (none may be lost), and
//! prints executions per second and the growth of peak resident memory
//! (`VmHWM`) per execution.

use serde_json::{Value, json};
use sfn_runtime::{ExecutionStatus, TaskContext, TaskError};
use std::sync::Arc;
use std::time::Instant;

sfn_runtime::asl!(
    /// A Wait of one second, then a Task.
    pub mod waiting,
    {
        "StartAt": "Pause",
        "States": {
            "Pause": { "Type": "Wait", "Seconds": 1, "Next": "Work" },
            "Work": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work",
                "Parameters": { "n.$": "$.n", "execution.$": "$$.Execution.Name" },
                "ResultPath": "$.result",
                "End": true
            }
        }
    }
);

/// The Task: doubles `n`.
struct Work;

impl waiting::Tasks for Work {
    async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let n = input["n"].as_u64().unwrap_or_default();
        Ok(json!({"double": n * 2}))
    }
}

/// `VmHWM` of `/proc/self/status` in KiB (Linux).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let executions: u64 = match std::env::args().nth(1) {
        Some(n) => n.parse().expect("EXECUTIONS is a number"),
        None => 10_000,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let machine = Arc::new(waiting::StateMachine::new(Work));
    let before = peak_kib();
    let start = Instant::now();
    let lost = rt.block_on(async {
        let handles: Vec<_> = (0..executions)
            .map(|n| machine.start(json!({"n": n})))
            .collect();
        let mut lost = 0_u64;
        for (n, handle) in (0_u64..).zip(&handles) {
            match handle.result().await {
                Ok(out) if out["result"]["double"] == json!(n * 2) => {}
                _ => lost += 1,
            }
            if handle.status() != ExecutionStatus::Succeeded {
                lost += 1;
            }
        }
        lost
    });
    let elapsed = start.elapsed();
    let after = peak_kib();
    println!(
        "{executions} executions (Wait 1 s + Task) in {:.3} s: {:.0} executions/s, {lost} lost",
        elapsed.as_secs_f64(),
        executions as f64 / elapsed.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "peak RSS {before} KiB before, {after} KiB after: {:.2} KiB per execution",
            after.saturating_sub(before) as f64 / executions as f64
        );
    }
    assert_eq!(lost, 0, "every execution must succeed with its output");
}
