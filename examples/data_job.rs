//! A data job: a Distributed Map loads 10,000 records, 100 at a time.
//!
//! The `LoadRecord` handler rejects every record whose id is divisible by 97
//! (103 of the 10,000: 1.03%) with `Records.Invalid`. It throttles the
//! first call for each of the other records whose id ends in 3 (990 of
//! them) with `Records.Throttled`, which is retried after one second. The Map's `ResultSelector` counts the loaded
//! and the rejected records, and a Pass state writes the report.
//!
//! The tolerance comes from the input through
//! `ToleratedFailurePercentagePath` (the path form of
//! `ToleratedFailurePercentage`), so the same workflow runs twice: with 5%
//! the rejected records are tolerated and the job succeeds; with 1% the
//! job fails with `States.ExceedToleratedFailureThreshold`.
//!
//! Time is paused, so the one-second retry waits take no real time; the
//! wall-clock time printed is what the 10,000 iterations cost.
//!
//! ```text
//! cargo run --example data_job
//! ```

use serde_json::{Value, json};
use sfn_runtime::{ExecutionError, TaskContext, TaskError};
use std::sync::atomic::{AtomicU64, Ordering};

sfn_runtime::include_asl!(mod data_job, "workflows/data_job.asl.json");

/// How many records the job loads.
const RECORDS: u64 = 10_000;

/// The loader of the `LoadRecord` state, counting what it is asked to do.
#[derive(Default)]
struct Loader {
    /// Every call, retries included.
    calls: AtomicU64,
    /// Calls answered with `Records.Throttled`.
    throttled: AtomicU64,
    /// Calls answered with `Records.Invalid`.
    rejected: AtomicU64,
}

impl data_job::Tasks for Loader {
    async fn load_record(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let Some(id) = input["id"].as_u64() else {
            self.rejected.fetch_add(1, Ordering::Relaxed);
            return Err(TaskError::new("Records.Invalid", "a record without an id"));
        };
        if id % 97 == 0 {
            self.rejected.fetch_add(1, Ordering::Relaxed);
            return Err(TaskError::new(
                "Records.Invalid",
                format!("record {id}: checksum mismatch"),
            ));
        }
        // A transient error: the first attempt of every id ending in 3 is
        // throttled; the state's Retry calls again after one second.
        if id % 10 == 3 && ctx.retry_count() == 0 {
            self.throttled.fetch_add(1, Ordering::Relaxed);
            return Err(TaskError::new(
                "Records.Throttled",
                format!("record {id}: rate exceeded"),
            ));
        }
        Ok(json!({"id": id, "status": "loaded"}))
    }
}

/// The job's input: `count` records and the tolerated failure percentage.
fn job(count: u64, tolerated_failure_percentage: f64) -> Value {
    let records: Vec<Value> = (1..=count)
        .map(|id| json!({"id": id, "customer": format!("c-{}", id % 250), "amount": id % 1000}))
        .collect();
    json!({"records": records, "toleratedFailurePercentage": tolerated_failure_percentage})
}

/// What the loader was asked to do in one run.
#[derive(Debug)]
struct Counts {
    /// Every call, retries included.
    calls: u64,
    /// Calls answered with `Records.Throttled`.
    throttled: u64,
    /// Calls answered with `Records.Invalid`.
    rejected: u64,
}

/// Runs the job once and returns its outcome and the loader's counts.
async fn run(
    count: u64,
    tolerated_failure_percentage: f64,
) -> (Result<Value, ExecutionError>, Counts) {
    let machine = data_job::StateMachine::new(Loader::default());
    let outcome = machine.run(job(count, tolerated_failure_percentage)).await;
    let loader = machine.tasks();
    let counts = Counts {
        calls: loader.calls.load(Ordering::Relaxed),
        throttled: loader.throttled.load(Ordering::Relaxed),
        rejected: loader.rejected.load(Ordering::Relaxed),
    };
    (outcome, counts)
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    println!("loading {RECORDS} records, 100 at a time, tolerating 5% failures");
    let wall = std::time::Instant::now();
    let virtual_start = tokio::time::Instant::now();
    let (outcome, counts) = run(RECORDS, 5.0).await;
    match outcome {
        Ok(output) => {
            println!("  {}", output["message"].as_str().unwrap_or("?"));
            println!("  summary: {}", output["summary"]);
        }
        Err(e) => println!("  failed: {e}"),
    }
    println!(
        "  handler calls: {} ({} throttled and retried, {} rejected)",
        counts.calls, counts.throttled, counts.rejected
    );
    println!(
        "  elapsed: {:.2?} wall clock, {:?} virtual (the retry waits)",
        wall.elapsed(),
        virtual_start.elapsed()
    );

    println!("the same job tolerating 1% failures");
    let (outcome, counts) = run(RECORDS, 1.0).await;
    match outcome {
        Ok(output) => println!("  succeeded: {}", output["message"]),
        Err(e) => println!("  failed: {e}"),
    }
    println!(
        "  records rejected before the Map stopped: {}",
        counts.rejected
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tolerated_rejections_leave_a_summary() {
        let (outcome, counts) = run(RECORDS, 5.0).await;
        let output = outcome.expect("1.03% of the records fail, 5% are tolerated");
        // ids 97, 194, ..., 9991: 103 of them.
        assert_eq!(
            output["summary"],
            json!({"loaded": 9_897, "failed": 103, "total": 10_000})
        );
        assert_eq!(
            output["message"],
            "9897 of 10000 records loaded, 103 rejected"
        );
        // Ids ending in 3 (1,000 of them, 10 of which are also multiples of
        // 97 and rejected first) are throttled once, then retried.
        assert_eq!(counts.throttled, 990);
        assert_eq!(counts.calls, 10_000 + 990);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stricter_tolerance_fails_the_job() {
        let (outcome, _) = run(RECORDS, 1.0).await;
        let error = outcome.expect_err("1.03% is more than 1%");
        assert_eq!(error.error, "States.ExceedToleratedFailureThreshold");
    }

    #[tokio::test(start_paused = true)]
    async fn retries_wait_in_virtual_time() {
        let started = tokio::time::Instant::now();
        let (outcome, counts) = run(20, 100.0).await;
        // Records 3 and 13 are throttled once: one retry after a second.
        assert_eq!(outcome.unwrap()["summary"]["loaded"], 20);
        assert_eq!(counts.throttled, 2);
        assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    }
}
