//! Wait states.
//!
//! `Seconds` / `SecondsPath` wait that many seconds ([`wait_seconds`]);
//! `Timestamp` / `TimestampPath` wait until that instant
//! ([`wait_until`]), and a timestamp in the past (or now) does not wait at
//! all, as on AWS. Both sleep on the execution's [`Clock`]: with the
//! default system clock that is `tokio::time`, so under
//! `tokio::time::pause()` a `"Seconds": 172800` Wait finishes at once.
//!
//! "Now", for a timestamp, is the clock's time (the system clock's by
//! default); the remaining time is then slept on the clock.

use std::time::Duration;

use sfn_lang::timestamp::Timestamp;

use super::clock::Clock;

/// Nanoseconds in a second.
const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Waits `seconds` seconds on `clock` (a Wait state's `Seconds`).
pub async fn wait_seconds(clock: &Clock, seconds: u64) {
    clock.sleep(Duration::from_secs(seconds)).await;
}

/// Waits until the instant `ts` on `clock` (a Wait state's `Timestamp`);
/// returns at once when it is not in the future.
pub async fn wait_until(clock: &Clock, ts: &Timestamp) {
    if let Some(remaining) = until(ts.unix_nanos(), unix_nanos(clock)) {
        clock.sleep(remaining).await;
    }
}

/// The time from `now` to `target` (both nanoseconds since the Unix epoch),
/// or `None` when `target` is not after `now`.
impl super::Execution {
    /// A Wait state's `Seconds`: [`wait_seconds`] on the execution's clock,
    /// durable in a durable execution (see
    /// [`Execution::sleep`](super::Execution::sleep)).
    ///
    /// # Errors
    ///
    /// The execution's end (stopped, timed out, parked).
    pub async fn wait_seconds(&self, seconds: u64) -> Result<(), crate::StatesError> {
        self.sleep("wait", Duration::from_secs(seconds)).await
    }

    /// A Wait state's `Timestamp`: [`wait_until`] on the execution's clock,
    /// durable in a durable execution.
    ///
    /// # Errors
    ///
    /// The execution's end (stopped, timed out, parked).
    pub async fn wait_until(&self, ts: &Timestamp) -> Result<(), crate::StatesError> {
        match until(ts.unix_nanos(), unix_nanos(self.clock())) {
            Some(remaining) => self.sleep("wait", remaining).await,
            None => self.control().check(),
        }
    }
}

fn until(target: i128, now: i128) -> Option<Duration> {
    let nanos = target.checked_sub(now).filter(|n| *n > 0)?;
    let seconds = u64::try_from(nanos / NANOS_PER_SECOND).unwrap_or(u64::MAX);
    let subsec = u32::try_from(nanos % NANOS_PER_SECOND).unwrap_or(0);
    Some(Duration::new(seconds, subsec))
}

/// `clock`'s time, as nanoseconds since the Unix epoch.
fn unix_nanos(clock: &Clock) -> i128 {
    let now = clock.now_utc();
    i128::from(now.timestamp()) * NANOS_PER_SECOND + i128::from(now.timestamp_subsec_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfn_lang::timestamp::parse_timestamp;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn wait_seconds_sleeps_on_tokio_time() {
        let start = Instant::now();
        wait_seconds(&Clock::system(), 172_800).await;
        assert_eq!(start.elapsed(), Duration::from_secs(172_800));
        let start = Instant::now();
        wait_seconds(&Clock::system(), 0).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_until_a_past_timestamp_returns_at_once() {
        let start = Instant::now();
        // scenarios/test_wait_timestamp_path_*: 2016 timestamps succeed at once.
        wait_until(
            &Clock::system(),
            &parse_timestamp("2016-03-14T01:59:00Z").unwrap(),
        )
        .await;
        wait_until(
            &Clock::system(),
            &parse_timestamp("1970-01-01T00:00:00Z").unwrap(),
        )
        .await;
        wait_until(
            &Clock::system(),
            &parse_timestamp("0000-01-01T00:00:00+23:59").unwrap(),
        )
        .await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_until_a_future_timestamp_sleeps_until_it() {
        let target =
            Timestamp::from_unix_nanos(unix_nanos(&Clock::system()) + 10 * NANOS_PER_SECOND);
        let start = Instant::now();
        wait_until(&Clock::system(), &target).await;
        let elapsed = start.elapsed();
        // Ten seconds, less the (real) time between computing the target and
        // sleeping; tokio rounds sleeps up to the millisecond.
        assert!(elapsed > Duration::from_millis(9_900), "{elapsed:?}");
        assert!(elapsed <= Duration::from_millis(10_001), "{elapsed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn wait_until_far_future_does_not_overflow() {
        // Year 9999: tokio caps the sleep; check the duration only.
        let far = parse_timestamp("9999-12-31T23:59:59.999999999Z").unwrap();
        let d = until(far.unix_nanos(), unix_nanos(&Clock::system())).unwrap();
        assert!(d > Duration::from_secs(200_000_000_000), "{d:?}");
        let clock = Clock::system();
        let sleeper = wait_until(&clock, &far);
        let timed = tokio::time::timeout(Duration::from_secs(3600), sleeper).await;
        assert!(timed.is_err(), "still waiting after an hour");
    }

    #[test]
    fn until_arithmetic() {
        assert_eq!(until(5, 10), None);
        assert_eq!(until(10, 10), None);
        assert_eq!(until(2_500_000_001, 0), Some(Duration::new(2, 500_000_001)));
        assert_eq!(until(i128::MAX, i128::MIN), None);
    }
}
