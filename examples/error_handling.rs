//! A tour of `Retry` and `Catch`: one Task, `FetchQuote`, calls a flaky
//! quote service, and five scenarios make it fail in different ways.
//!
//! | scenario | the service | what the workflow does |
//! | --- | --- | --- |
//! | `unavailable` | `Quote.Unavailable` four times | retries after 1, 2, 4 and 5 s (`BackoffRate` 2, capped by `MaxDelaySeconds` 5), then succeeds |
//! | `throttled` | `Quote.Throttled` three times | retries after a random wait of at most 2, 4 and 8 s (`JitterStrategy: FULL`), then succeeds |
//! | `broken` | `Quote.Broken` every time | `States.ALL` (the last retrier) retries twice, then the `States.TaskFailed` Catch goes to `UseCachedQuote`, with the input kept and the error at `$.error` |
//! | `invalid` | `Quote.Invalid` | never retried (`MaxAttempts: 0`); caught into the Fail state `Rejected` |
//! | `slow` | answers after a minute | `TimeoutSeconds: 10` gives `States.Timeout`, retried once; `States.TaskFailed` does not match a timeout, so the execution fails with `States.Timeout` |
//!
//! Each attempt is printed with its virtual time: time is paused, so the
//! waits take no real time.
//!
//! ```text
//! cargo run --example error_handling
//! ```

use serde_json::{Value, json};
use sfn_runtime::{ExecutionError, TaskContext, TaskError};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

sfn_runtime::include_asl!(mod quotes, "workflows/error_handling.asl.json");

/// The scenarios, in the order `main` runs them.
const SCENARIOS: [&str; 5] = ["unavailable", "throttled", "broken", "invalid", "slow"];

/// The quote service of the `FetchQuote` state. It fails as the input's
/// `scenario` says and notes the virtual time of each attempt.
struct QuoteService {
    /// When the execution started.
    started: Instant,
    /// Whether to print each attempt.
    verbose: bool,
    /// The seconds since `started` at which each attempt began.
    attempts: Mutex<Vec<f64>>,
}

impl QuoteService {
    /// A service whose clock starts now.
    fn new(verbose: bool) -> Self {
        QuoteService {
            started: Instant::now(),
            verbose,
            attempts: Mutex::new(Vec::new()),
        }
    }

    /// The seconds since the execution started at which each attempt began.
    fn attempts(&self) -> Vec<f64> {
        self.attempts.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

impl quotes::Tasks for QuoteService {
    async fn fetch_quote(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        let at = self.started.elapsed().as_secs_f64();
        if let Ok(mut attempts) = self.attempts.lock() {
            attempts.push(at);
        }
        // `$$.State.RetryCount`: 0 on the first attempt.
        let retries = ctx.retry_count();
        let outcome = match input["scenario"].as_str().unwrap_or_default() {
            "unavailable" if retries < 4 => Err(TaskError::new(
                "Quote.Unavailable",
                "the pricing service is restarting",
            )),
            "throttled" if retries < 3 => Err(TaskError::new("Quote.Throttled", "rate exceeded")),
            "broken" => Err(TaskError::new(
                "Quote.Broken",
                "the pricing service returned garbage",
            )),
            "invalid" => Err(TaskError::new(
                "Quote.Invalid",
                format!("no such item: {}", input["item"]),
            )),
            "slow" => {
                if self.verbose {
                    println!(
                        "    t = {at:>6.2} s  attempt {}: computing (takes 60 s)",
                        retries + 1
                    );
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(json!({"price": 120.0, "source": "service"}))
            }
            _ => Ok(json!({"price": 120.0, "source": "service"})),
        };
        if self.verbose {
            match &outcome {
                Ok(quote) => println!("    t = {at:>6.2} s  attempt {}: {quote}", retries + 1),
                Err(e) => println!("    t = {at:>6.2} s  attempt {}: {}", retries + 1, e.error),
            }
        }
        outcome
    }
}

/// Runs the workflow for one scenario and returns its outcome and the
/// times of the attempts.
async fn run(scenario: &str, verbose: bool) -> (Result<Value, ExecutionError>, Vec<f64>) {
    let machine = quotes::StateMachine::new(QuoteService::new(verbose));
    let outcome = machine
        .run(json!({"scenario": scenario, "item": "book-7"}))
        .await;
    (outcome, machine.tasks().attempts())
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    for scenario in SCENARIOS {
        println!("scenario {scenario}:");
        let started = Instant::now();
        let (outcome, _) = run(scenario, true).await;
        let ended = started.elapsed().as_secs_f64();
        match outcome {
            Ok(output) => println!("    t = {ended:>6.2} s  succeeded: {output}"),
            Err(e) => println!("    t = {ended:>6.2} s  failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_up_to_the_max_delay() {
        let (outcome, attempts) = run("unavailable", false).await;
        let output = outcome.unwrap();
        assert_eq!(output["quote"]["source"], "service");
        // Waits of 1, 2, 4, then 5 (8 capped by MaxDelaySeconds).
        let whole: Vec<u64> = attempts.iter().map(|t| t.round() as u64).collect();
        assert_eq!(whole, [0, 1, 3, 7, 12]);
    }

    #[tokio::test(start_paused = true)]
    async fn full_jitter_waits_at_most_the_delay() {
        let (outcome, attempts) = run("throttled", false).await;
        assert_eq!(outcome.unwrap()["quote"]["price"], 120.0);
        assert_eq!(attempts.len(), 4);
        for (i, pair) in attempts.windows(2).enumerate() {
            let wait = pair[1] - pair[0];
            // 2 × 2^i seconds at most, plus a millisecond of rounding.
            let max = 2.0 * f64::powi(2.0, i as i32);
            assert!((0.0..=max + 0.001).contains(&wait), "wait {i}: {wait}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn task_failed_catches_into_the_fallback_keeping_the_input() {
        let (outcome, attempts) = run("broken", false).await;
        let output = outcome.unwrap();
        assert_eq!(
            output,
            json!({
                "scenario": "broken",
                "item": "book-7",
                "error": {"Error": "Quote.Broken", "Cause": "the pricing service returned garbage"},
                "quote": {"price": 99.0, "source": "cache"}
            })
        );
        // States.ALL: two retries, after 1 and 1.5 seconds.
        assert_eq!(attempts.len(), 3);
        assert!((attempts[2] - 2.5).abs() < 0.01, "{attempts:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn max_attempts_zero_goes_straight_to_the_fail_state() {
        let (outcome, attempts) = run("invalid", false).await;
        let error = outcome.unwrap_err();
        assert_eq!(error.error, "Quote.Rejected");
        assert_eq!(
            error.cause.as_deref(),
            Some("the quote service rejected the request as invalid")
        );
        assert_eq!(attempts.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_is_retried_but_not_caught_by_task_failed() {
        let (outcome, attempts) = run("slow", false).await;
        let error = outcome.unwrap_err();
        assert_eq!(error.error, "States.Timeout");
        // Timed out at 10 s, retried 3 s later, timed out again.
        let whole: Vec<u64> = attempts.iter().map(|t| t.round() as u64).collect();
        assert_eq!(whole, [0, 13]);
    }
}
