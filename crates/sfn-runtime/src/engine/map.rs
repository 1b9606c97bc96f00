//! The items of a Map state.
//!
//! One iteration runs per item, at most `MaxConcurrency` at a time, all on
//! the current task (their futures are polled together, not spawned). An
//! iteration starts only when a slot is free, in item order. The result is
//! the array of the iterations' outputs in item order, whatever order they
//! finish in.
//!
//! # Concurrency
//!
//! `MaxConcurrency` 0 (or absent) means "no limit" in the specification; AWS
//! runs at most 40 iterations of an inline Map at once, so 0 becomes
//! [`Settings::inline_map_concurrency_cap`] (40 by default). A non-zero
//! value is used as given.
//!
//! # Failures
//!
//! Without a tolerance (the inline Map), the first failed iteration fails
//! the Map with that iteration's own error, and the other iterations are
//! cancelled (dropped).
//!
//! With `ToleratedFailureCount` and/or `ToleratedFailurePercentage`
//! (Distributed Map), failed iterations are counted. The Map fails with
//! `States.ExceedToleratedFailureThreshold` as soon as the failures
//! **exceed** a threshold: more than `count` failed items, or more than
//! `percentage` percent of all items ("If you specify both values, the
//! workflow fails when it exceeds either value", AWS's guide, "Tolerated
//! failure threshold for Distributed Map state"). Failing exactly at the
//! threshold is tolerated; a count of 0 tolerates no failure, a percentage
//! of 100 tolerates all. AWS counts every failed child execution, so here
//! every error counts, `States.Runtime` included.
//!
//! The cause of `States.ExceedToleratedFailureThreshold` is the one AWS's
//! TestState API reports, as LocalStack reproduces it: "The specified
//! tolerated failure threshold was exceeded". No execution in the
//! conformance corpus records it.
//!
//! A tolerated failure leaves its error output (`{"Error", "Cause"}`) at its
//! index in the result array. AWS's Distributed Map reports failed children
//! through the Map Run; what it puts in the state's output for them is not
//! recorded in the corpus, so this is our choice.

use std::future::Future;

use futures::StreamExt;
use serde_json::Value;

use super::execution::{Execution, Settings};
use super::history::Recorder;
use crate::error::{StatesError, names};

impl Execution {
    /// The execution of the iteration for item `index` of a DISTRIBUTED
    /// Map: [`Execution::iteration`], whose events do not go into this
    /// execution's history. On AWS each iteration of a Distributed Map is a
    /// child execution with a history of its own: the parent's history
    /// holds the Map Run's events, not the iterations' states, and the
    /// iterations do not count against the parent's 25,000-event limit. The
    /// iteration still stops with the parent (the same
    /// [`Control`](super::Control)). The child execution's own limit is not
    /// applied.
    pub fn distributed_iteration(&self, index: usize) -> Self {
        let mut iteration = self.iteration(index);
        iteration.recorder = Recorder::new(None, None, self.control().clone());
        iteration
    }
}

/// The cause of `States.ExceedToleratedFailureThreshold` (see the
/// [module](self) docs).
const EXCEEDED_CAUSE: &str = "The specified tolerated failure threshold was exceeded";

/// The failure tolerance of a Map: `ToleratedFailureCount` and
/// `ToleratedFailurePercentage` (already validated: a percentage in
/// `0..=100`). The default tolerates nothing and fails the Map with the
/// item's own error.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tolerance {
    /// `ToleratedFailureCount`: the Map fails when more items than this fail.
    pub count: Option<u64>,
    /// `ToleratedFailurePercentage`: the Map fails when more than this
    /// percentage of the items fail.
    pub percentage: Option<f64>,
}

impl Tolerance {
    /// Whether a tolerance is set at all.
    fn is_set(&self) -> bool {
        self.count.is_some() || self.percentage.is_some()
    }

    /// Whether `failed` failures among `total` items exceed the tolerance.
    fn exceeded(&self, failed: u64, total: usize) -> bool {
        let over_count = self.count.is_some_and(|count| failed > count);
        // Multiply before dividing, so that e.g. 1 of 10 is exactly 10.0.
        let percent = failed as f64 * 100.0 / total.max(1) as f64;
        let over_percentage = self.percentage.is_some_and(|max| percent > max);
        over_count || over_percentage
    }
}

/// Runs `f(index, item)` for each item, at most `max_concurrency` at a time
/// (0: [`Settings::inline_map_concurrency_cap`]), and returns the outputs in
/// item order; a failure fails the Map as the [module](self) docs describe.
pub async fn run_map<F, Fut>(
    settings: &Settings,
    items: Vec<Value>,
    max_concurrency: u64,
    tolerance: Tolerance,
    mut f: F,
) -> Result<Vec<Value>, StatesError>
where
    F: FnMut(usize, Value) -> Fut,
    Fut: Future<Output = Result<Value, StatesError>>,
{
    let total = items.len();
    let limit = match max_concurrency {
        0 => settings.inline_map_concurrency_cap,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    }
    // A limit of 0 would never start anything.
    .max(1);
    // `iter(..).map(..)` is lazy: an iteration's future is made only when
    // `buffer_unordered` has a free slot.
    let mut running = futures::stream::iter(items.into_iter().enumerate())
        .map(|(index, item)| {
            let iteration = f(index, item);
            async move { (index, iteration.await) }
        })
        .buffer_unordered(limit);
    let mut outputs: Vec<Value> = vec![Value::Null; total];
    let mut failed: u64 = 0;
    while let Some((index, outcome)) = running.next().await {
        match outcome {
            Ok(output) => outputs[index] = output,
            Err(error) if !tolerance.is_set() => return Err(error),
            Err(error) => {
                failed += 1;
                if tolerance.exceeded(failed, total) {
                    return Err(StatesError::new(
                        names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                        EXCEEDED_CAUSE,
                    ));
                }
                outputs[index] = error.to_error_output();
            }
        }
    }
    Ok(outputs)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use serde_json::json;
    use tokio::time::{Instant, sleep};

    fn items(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!(i)).collect()
    }

    /// Runs a Map whose iterations each take 1 s and record how many run at
    /// once; returns the outputs, the peak concurrency and the time taken.
    async fn measure(settings: &Settings, n: usize, max: u64) -> (Vec<Value>, usize, Duration) {
        let current = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let start = Instant::now();
        let out = run_map(
            settings,
            items(n),
            max,
            Tolerance::default(),
            |index, item| {
                let (current, peak) = (&current, &peak);
                async move {
                    let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    // Later items finish first, to test the ordering.
                    sleep(Duration::from_millis(1000 - index as u64 % 3)).await;
                    current.fetch_sub(1, Ordering::SeqCst);
                    Ok(json!({"index": index, "item": item}))
                }
            },
        )
        .await
        .unwrap();
        (out, peak.load(Ordering::SeqCst), start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn results_in_item_order_with_bounded_concurrency() {
        let (out, peak, elapsed) = measure(&Settings::default(), 10, 3).await;
        let expected: Vec<Value> = (0..10).map(|i| json!({"index": i, "item": i})).collect();
        assert_eq!(out, expected);
        assert_eq!(peak, 3);
        // 10 items, 3 at a time: 4 rounds of about a second.
        assert!(elapsed > Duration::from_millis(3900), "{elapsed:?}");
        assert!(elapsed <= Duration::from_secs(4), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn max_concurrency_one_runs_items_one_by_one() {
        let (out, peak, _) = measure(&Settings::default(), 5, 1).await;
        assert_eq!(out.len(), 5);
        assert_eq!(peak, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_means_the_inline_cap() {
        let (_, peak, _) = measure(&Settings::default(), 100, 0).await;
        assert_eq!(peak, 40);
        let small = Settings {
            inline_map_concurrency_cap: 5,
            ..Settings::default()
        };
        let (_, peak, _) = measure(&small, 12, 0).await;
        assert_eq!(peak, 5);
        // A broken cap of 0 still makes progress.
        let broken = Settings {
            inline_map_concurrency_cap: 0,
            ..Settings::default()
        };
        let (out, peak, _) = measure(&broken, 3, 0).await;
        assert_eq!((out.len(), peak), (3, 1));
        // An explicit limit above the item count.
        let (_, peak, _) = measure(&Settings::default(), 4, 1000).await;
        assert_eq!(peak, 4);
    }

    #[tokio::test]
    async fn no_items_give_an_empty_array() {
        let out = run_map(
            &Settings::default(),
            Vec::new(),
            0,
            Tolerance::default(),
            |_, v| async move { Ok(v) },
        )
        .await;
        assert_eq!(out, Ok(Vec::new()));
    }

    #[tokio::test(start_paused = true)]
    async fn first_failure_without_tolerance_is_the_items_error_and_cancels() {
        let started = AtomicUsize::new(0);
        let start = Instant::now();
        let out = run_map(
            &Settings::default(),
            items(10),
            2,
            Tolerance::default(),
            |index, _| {
                let started = &started;
                async move {
                    started.fetch_add(1, Ordering::SeqCst);
                    if index == 0 {
                        // Would hang for ever.
                        std::future::pending::<()>().await;
                    }
                    sleep(Duration::from_secs(1)).await;
                    Err(StatesError::new("ItemError", format!("item {index}")))
                }
            },
        )
        .await;
        assert_eq!(out, Err(StatesError::new("ItemError", "item 1")));
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        // Items 2.. were never started.
        assert_eq!(started.load(Ordering::SeqCst), 2);
    }

    /// A Map of `n` items where the items in `failing` fail.
    async fn with_failures(
        n: usize,
        failing: &[usize],
        tolerance: Tolerance,
    ) -> Result<Vec<Value>, StatesError> {
        run_map(
            &Settings::default(),
            items(n),
            0,
            tolerance,
            |index, item| {
                let fail = failing.contains(&index);
                async move {
                    if fail {
                        Err(StatesError::new("ItemError", format!("item {index}")))
                    } else {
                        Ok(item)
                    }
                }
            },
        )
        .await
    }

    fn exceeded() -> Result<Vec<Value>, StatesError> {
        Err(StatesError::new(
            "States.ExceedToleratedFailureThreshold",
            "The specified tolerated failure threshold was exceeded",
        ))
    }

    #[tokio::test]
    async fn tolerated_failure_count() {
        let count = |n| Tolerance {
            count: Some(n),
            percentage: None,
        };
        // Exactly at the threshold: tolerated, failures as error outputs.
        let out = with_failures(10, &[3, 7], count(2)).await.unwrap();
        assert_eq!(out[0], json!(0));
        assert_eq!(out[3], json!({"Error": "ItemError", "Cause": "item 3"}));
        assert_eq!(out[7], json!({"Error": "ItemError", "Cause": "item 7"}));
        assert_eq!(out[9], json!(9));
        // Over it.
        assert_eq!(with_failures(10, &[3, 7], count(1)).await, exceeded());
        // 0 tolerates nothing, but reports the threshold error.
        assert_eq!(with_failures(10, &[5], count(0)).await, exceeded());
        assert_eq!(with_failures(10, &[], count(0)).await, Ok(items(10)));
    }

    #[tokio::test]
    async fn tolerated_failure_percentage() {
        let percentage = |p| Tolerance {
            count: None,
            percentage: Some(p),
        };
        // 2 of 10 is exactly 20 %.
        assert!(with_failures(10, &[1, 2], percentage(20.0)).await.is_ok());
        assert_eq!(
            with_failures(10, &[1, 2], percentage(19.9)).await,
            exceeded()
        );
        // 1 of 10 is exactly 10 % (not 10.000000000000002).
        assert!(with_failures(10, &[4], percentage(10.0)).await.is_ok());
        // 100 tolerates everything, 0 nothing.
        let all: Vec<usize> = (0..4).collect();
        let out = with_failures(4, &all, percentage(100.0)).await.unwrap();
        assert_eq!(out[2], json!({"Error": "ItemError", "Cause": "item 2"}));
        assert_eq!(with_failures(4, &[0], percentage(0.0)).await, exceeded());
        // 1 of 3 is 33.33... %.
        assert!(with_failures(3, &[0], percentage(34.0)).await.is_ok());
        assert_eq!(with_failures(3, &[0], percentage(33.0)).await, exceeded());
    }

    #[tokio::test]
    async fn either_threshold_fails_the_map() {
        let both = Tolerance {
            count: Some(5),
            percentage: Some(10.0),
        };
        // 2 failures: within the count, over the percentage.
        assert_eq!(with_failures(10, &[0, 1], both).await, exceeded());
        let both = Tolerance {
            count: Some(1),
            percentage: Some(50.0),
        };
        // 2 failures: within the percentage, over the count.
        assert_eq!(with_failures(10, &[0, 1], both).await, exceeded());
        assert!(with_failures(10, &[0], both).await.is_ok());
    }

    #[tokio::test]
    async fn tolerance_counts_states_runtime_too() {
        let out = run_map(
            &Settings::default(),
            items(2),
            0,
            Tolerance {
                count: Some(1),
                percentage: None,
            },
            |index, item| async move {
                if index == 0 {
                    Err(StatesError::runtime("bad path"))
                } else {
                    Ok(item)
                }
            },
        )
        .await;
        assert_eq!(
            out,
            Ok(vec![
                json!({"Error": "States.Runtime", "Cause": "bad path"}),
                json!(1)
            ])
        );
    }
}
