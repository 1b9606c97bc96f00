//! `Retry`: running a state's work again after an error, as AWS does.
//!
//! When an attempt fails, the retriers are scanned in order and the
//! **first** whose `ErrorEquals` matches the error name
//! ([`error_matches`]) decides alone:
//!
//! * each retrier counts its own retries; once it has retried
//!   `MaxAttempts` times, the error is returned (to `Catch`) and no later
//!   retrier is consulted. `MaxAttempts: 0` means the error is never
//!   retried;
//! * before its `n`-th retry (n = 1, 2, ...) the state waits
//!   `IntervalSeconds × BackoffRate^(n-1)` seconds, at most
//!   `MaxDelaySeconds`; with `"JitterStrategy": "FULL"` the wait is a
//!   uniform random duration in `[0, delay]` (drawn from the execution's
//!   [`Entropy`]);
//! * `States.Runtime` is never retried, whatever the retriers say.
//!
//! `$$.State.RetryCount` is 0 during the first attempt and then the number of
//! retries made so far, across all retriers (AWS's recordings show 0, 1, 2,
//! 3 for one retrier, conformance case
//! `scenarios/test_lambda_invoke_with_retry_extended_input`; with several
//! retriers the total is our reading). After the last attempt it keeps its
//! final value, which is what AWS shows to `ResultSelector`
//! (`scenarios/test_lambda_service_invoke_with_retry_extended_input`).
//!
//! Waiting sleeps on the execution's [`Clock`](super::Clock): by default
//! `tokio::time::sleep`, so under `tokio::time::pause()` the delays take
//! no real time.

use std::future::Future;
use std::time::Duration;

use serde_json::Value;

use super::execution::Execution;
use crate::error::{StatesError, error_matches, is_catchable};
use crate::intrinsics::Entropy;

/// One retrier of a state's `Retry`, with its defaults already applied.
/// All fields are public so that generated code can build policies in
/// `static`s: `static RETRY_VALIDATE: &[RetryPolicy] = &[RetryPolicy { .. }];`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// `ErrorEquals`: the error names this retrier handles.
    pub error_equals: &'static [&'static str],
    /// `IntervalSeconds` (default 1): the wait before the first retry.
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 3): how many retries this retrier allows; 0
    /// means none.
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0): the factor by which the wait grows with
    /// each retry.
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: the longest wait, if any.
    pub max_delay_seconds: Option<u64>,
    /// `"JitterStrategy": "FULL"`: wait a uniform random fraction of the
    /// delay.
    pub jitter_full: bool,
}

/// Runs `attempt` with AWS's retry semantics (see the [module](self) docs)
/// and returns its first success, or the error that no retrier handles (any
/// more).
///
/// `attempt` receives the execution, whose `$$.State.RetryCount` is already
/// set for this attempt; the future it returns must not borrow it (take what
/// it needs, e.g. a `TaskContext`, before returning).
pub async fn with_retry<F, Fut>(
    exec: &mut Execution,
    retry: &[RetryPolicy],
    mut attempt: F,
) -> Result<Value, StatesError>
where
    F: FnMut(&mut Execution) -> Fut,
    Fut: Future<Output = Result<Value, StatesError>>,
{
    let mut retries_by_retrier = vec![0_u64; retry.len()];
    let mut retries: u32 = 0;
    exec.context.set_retry_count(retries);
    loop {
        let error = match attempt(exec).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        // Nothing retries the end of the execution (stopped, timed out,
        // out of history events).
        if !is_catchable(&error.error) || exec.control().is_ending() {
            return Err(error);
        }
        let Some(index) = retry
            .iter()
            .position(|policy| error_matches(policy.error_equals, &error.error))
        else {
            return Err(error);
        };
        let policy = &retry[index];
        let done = retries_by_retrier[index];
        if done >= policy.max_attempts {
            return Err(error);
        }
        let delay = retry_delay(policy, done, exec.entropy.as_ref());
        super::observe::retrying(
            &exec.settings.logging,
            &exec.state_span,
            &error,
            delay.as_secs_f64(),
        );
        if exec.is_durable() {
            // The interval's due time is kept in the store (see
            // `Execution::sleep`).
            exec.sleep("retry", delay).await?;
        } else {
            exec.clock().sleep(delay).await;
        }
        retries_by_retrier[index] = done + 1;
        retries = retries.saturating_add(1);
        exec.context.set_retry_count(retries);
    }
}

/// The wait before a retry by `policy` that has already retried `done`
/// times: `interval × backoff^done`, capped, then jittered.
fn retry_delay(policy: &RetryPolicy, done: u64, entropy: &dyn Entropy) -> Duration {
    let exponent = i32::try_from(done).unwrap_or(i32::MAX);
    let mut seconds = policy.interval_seconds as f64 * policy.backoff_rate.powi(exponent);
    if let Some(max) = policy.max_delay_seconds {
        let max = max as f64;
        seconds = seconds.min(max);
    }
    if policy.jitter_full {
        seconds *= unit_fraction(entropy.random_u64());
    }
    if seconds.is_nan() || seconds <= 0.0 {
        return Duration::ZERO;
    }
    // Too long to represent: wait "forever" (tokio caps sleeps at ~30 years).
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

/// A random `u64` as a fraction in `[0, 1]`: its top 53 bits over `2^53 - 1`,
/// so that 0 and `u64::MAX` give exactly 0 and 1.
fn unit_fraction(random: u64) -> f64 {
    const MAX_53: u64 = (1 << 53) - 1;
    (random >> 11) as f64 / MAX_53 as f64
}

#[cfg(test)]
mod tests {
    use super::super::execution::Settings;
    use super::super::test_support::{FixedEntropy, execution, execution_with, retry_count};
    use super::*;
    use serde_json::json;
    use tokio::time::Instant;

    const ALL: &[&str] = &["States.ALL"];

    fn policy(error_equals: &'static [&'static str]) -> RetryPolicy {
        RetryPolicy {
            error_equals,
            interval_seconds: 1,
            max_attempts: 3,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter_full: false,
        }
    }

    /// Runs `with_retry` with an attempt that returns the given results in
    /// order (then succeeds with "done"); returns the result, the number of
    /// attempts, the RetryCount each attempt saw, and the virtual time
    /// taken.
    async fn run(
        exec: &mut Execution,
        retry: &[RetryPolicy],
        results: Vec<Result<Value, StatesError>>,
    ) -> (Result<Value, StatesError>, Vec<Value>, Duration) {
        let start = Instant::now();
        let mut results = results.into_iter();
        let mut seen = Vec::new();
        let out = with_retry(exec, retry, |exec| {
            seen.push(retry_count(exec).cloned().unwrap_or(Value::Null));
            let next = results.next().unwrap_or(Ok(json!("done")));
            async move { next }
        })
        .await;
        (out, seen, start.elapsed())
    }

    fn err(name: &'static str) -> Result<Value, StatesError> {
        Err(StatesError::new(name, "cause"))
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_delays_and_retry_counts() {
        let mut exec = execution();
        let retry = [RetryPolicy {
            interval_seconds: 2,
            backoff_rate: 3.0,
            ..policy(ALL)
        }];
        let (out, seen, elapsed) = run(
            &mut exec,
            &retry,
            vec![err("MyError"), err("MyError"), err("MyError")],
        )
        .await;
        assert_eq!(out, Ok(json!("done")));
        assert_eq!(seen, [json!(0), json!(1), json!(2), json!(3)]);
        // 2 + 6 + 18 seconds.
        assert_eq!(elapsed, Duration::from_secs(26));
        assert_eq!(retry_count(&exec), Some(&json!(3)));
    }

    #[tokio::test(start_paused = true)]
    async fn exhausted_retrier_returns_the_error() {
        let mut exec = execution();
        let retry = [policy(ALL)];
        let (out, seen, elapsed) = run(&mut exec, &retry, vec![err("E"); 10]).await;
        assert_eq!(out, err("E"));
        // The first attempt and 3 retries, after 1 + 2 + 4 seconds.
        assert_eq!(seen.len(), 4);
        assert_eq!(elapsed, Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn max_attempts_zero_never_retries() {
        let mut exec = execution();
        let retry = [RetryPolicy {
            max_attempts: 0,
            interval_seconds: 3,
            max_delay_seconds: Some(5),
            jitter_full: true,
            ..policy(ALL)
        }];
        let (out, seen, elapsed) = run(&mut exec, &retry, vec![err("Exception")]).await;
        assert_eq!(out, err("Exception"));
        assert_eq!(seen, [json!(0)]);
        assert_eq!(elapsed, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn only_the_first_matching_retrier_applies() {
        // The first retrier matches and allows no retries; the second would
        // allow them, but is never consulted.
        let mut exec = execution();
        let retry = [
            RetryPolicy {
                max_attempts: 0,
                ..policy(&["MyError"])
            },
            policy(ALL),
        ];
        let (out, seen, _) = run(&mut exec, &retry, vec![err("MyError")]).await;
        assert_eq!(out, err("MyError"));
        assert_eq!(seen.len(), 1);
        // An error the first does not match goes to the second.
        let (out, seen, _) = run(&mut exec, &retry, vec![err("Other")]).await;
        assert_eq!(out, Ok(json!("done")));
        assert_eq!(seen.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn each_retrier_counts_its_own_attempts() {
        let mut exec = execution();
        let retry = [
            RetryPolicy {
                max_attempts: 2,
                ..policy(&["A"])
            },
            RetryPolicy {
                max_attempts: 1,
                interval_seconds: 10,
                ..policy(&["B"])
            },
        ];
        let (out, seen, elapsed) = run(
            &mut exec,
            &retry,
            vec![err("A"), err("B"), err("A"), err("B")],
        )
        .await;
        // A retried twice (1 s, then 2 s: its own backoff), B once (10 s);
        // B's second error exhausts it.
        assert_eq!(out, err("B"));
        assert_eq!(seen, [json!(0), json!(1), json!(2), json!(3)]);
        assert_eq!(elapsed, Duration::from_secs(13));
    }

    #[tokio::test(start_paused = true)]
    async fn max_delay_caps_the_backoff() {
        let mut exec = execution();
        let retry = [RetryPolicy {
            interval_seconds: 1,
            backoff_rate: 10.0,
            max_delay_seconds: Some(5),
            max_attempts: 4,
            ..policy(ALL)
        }];
        let (out, _, elapsed) = run(&mut exec, &retry, vec![err("E"); 4]).await;
        assert_eq!(out, Ok(json!("done")));
        // 1, then 10, 100, 1000 capped to 5.
        assert_eq!(elapsed, Duration::from_secs(16));
    }

    #[tokio::test(start_paused = true)]
    async fn full_jitter_waits_a_fraction_of_the_delay() {
        let retry = [RetryPolicy {
            interval_seconds: 4,
            backoff_rate: 2.0,
            max_attempts: 2,
            jitter_full: true,
            ..policy(ALL)
        }];
        // Half of 4 s and of 8 s.
        let half = FixedEntropy::new(1 << 63);
        let mut exec = execution_with(half, Settings::default());
        let (out, _, elapsed) = run(&mut exec, &retry, vec![err("E"); 2]).await;
        assert_eq!(out, Ok(json!("done")));
        let expected = Duration::from_secs(6);
        assert!(
            elapsed.abs_diff(expected) < Duration::from_millis(5),
            "{elapsed:?}"
        );
        // The bounds: nothing, and the whole delay.
        let mut exec = execution_with(FixedEntropy::new(0), Settings::default());
        let (_, _, elapsed) = run(&mut exec, &retry, vec![err("E"); 2]).await;
        assert_eq!(elapsed, Duration::ZERO);
        let mut exec = execution_with(FixedEntropy::new(u64::MAX), Settings::default());
        let (_, _, elapsed) = run(&mut exec, &retry, vec![err("E"); 2]).await;
        assert_eq!(elapsed, Duration::from_secs(12));
    }

    #[test]
    fn jitter_stays_within_the_delay() {
        let p = RetryPolicy {
            interval_seconds: 3,
            backoff_rate: 2.0,
            max_delay_seconds: Some(20),
            jitter_full: true,
            ..policy(ALL)
        };
        for random in [0, 1, 12_345, 1 << 40, 1 << 63, u64::MAX - 1, u64::MAX] {
            let entropy = FixedEntropy::new(random);
            for done in 0..6 {
                let full = Duration::from_secs((3 << done).min(20));
                let d = retry_delay(&p, done, &entropy);
                assert!(d <= full, "{random} {done}: {d:?} > {full:?}");
            }
        }
        assert_eq!(unit_fraction(0), 0.0);
        assert_eq!(unit_fraction(u64::MAX), 1.0);
    }

    #[test]
    fn extreme_backoff_does_not_panic() {
        let entropy = FixedEntropy::new(0);
        let p = RetryPolicy {
            interval_seconds: 99_999_999,
            backoff_rate: 1e300,
            max_attempts: 99_999_999,
            ..policy(ALL)
        };
        assert_eq!(retry_delay(&p, 50, &entropy), Duration::MAX);
        let zero = RetryPolicy {
            backoff_rate: 0.0,
            ..p
        };
        assert_eq!(retry_delay(&zero, 3, &entropy), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn states_runtime_is_never_retried() {
        let mut exec = execution();
        let retry = [policy(&["States.Runtime"]), policy(ALL)];
        let (out, seen, _) = run(
            &mut exec,
            &retry,
            vec![Err(StatesError::runtime("bad path"))],
        )
        .await;
        assert_eq!(out, Err(StatesError::runtime("bad path")));
        assert_eq!(seen.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn task_failed_retries_everything_but_timeouts() {
        let mut exec = execution();
        let retry = [policy(&["States.TaskFailed"])];
        let (out, seen, _) = run(&mut exec, &retry, vec![err("Lambda.Unknown")]).await;
        assert_eq!(out, Ok(json!("done")));
        assert_eq!(seen.len(), 2);
        let (out, seen, _) = run(&mut exec, &retry, vec![err("States.Timeout")]).await;
        assert_eq!(out, err("States.Timeout"));
        assert_eq!(seen.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn no_retriers_sets_retry_count_zero_and_returns_the_error() {
        let mut exec = execution();
        exec.enter("Task");
        let (out, seen, _) = run(&mut exec, &[], vec![err("E")]).await;
        assert_eq!(out, err("E"));
        assert_eq!(seen, [json!(0)]);
        assert_eq!(
            exec.context.to_value()["State"]["Name"],
            json!("Task"),
            "entering is kept"
        );
    }
}
