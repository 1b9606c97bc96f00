//! `Catch`: which catcher handles a state's error.
//!
//! Catchers are tried in order, after `Retry` is exhausted, and the first
//! whose `ErrorEquals` matches the error name (as
//! [`error_matches`] defines it: exact names, `States.ALL`,
//! `States.TaskFailed` for everything but timeouts) handles it. Nothing
//! catches `States.Runtime`: AWS fails the execution even when a catcher
//! names it. The generated code then applies the catcher's `ResultPath` to
//! the error output (`StatesError::to_error_output`) and moves to its
//! `Next`.

use crate::error::{StatesError, error_matches};

/// The index of the first catcher whose `ErrorEquals` matches `error`
/// (never one for `States.Runtime`).
pub fn find_catcher(catchers: &[&[&str]], error: &StatesError) -> Option<usize> {
    catchers
        .iter()
        .position(|error_equals| error_matches(error_equals, &error.error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_catcher_wins() {
        let catchers: &[&[&str]] = &[&["A", "B"], &["MyError"], &["States.ALL"]];
        assert_eq!(
            find_catcher(catchers, &StatesError::without_cause("B")),
            Some(0)
        );
        assert_eq!(
            find_catcher(catchers, &StatesError::new("MyError", "c")),
            Some(1)
        );
        assert_eq!(
            find_catcher(catchers, &StatesError::without_cause("Other")),
            Some(2)
        );
        assert_eq!(
            find_catcher(catchers, &StatesError::without_cause("States.Timeout")),
            Some(2)
        );
    }

    #[test]
    fn order_decides_between_overlapping_catchers() {
        let catchers: &[&[&str]] = &[&["States.TaskFailed"], &["MyError"]];
        assert_eq!(
            find_catcher(catchers, &StatesError::without_cause("MyError")),
            Some(0)
        );
        // States.TaskFailed does not match a timeout.
        assert_eq!(
            find_catcher(catchers, &StatesError::without_cause("States.Timeout")),
            None
        );
    }

    #[test]
    fn nothing_catches_states_runtime() {
        let catchers: &[&[&str]] = &[&["States.Runtime"], &["States.ALL"]];
        assert_eq!(find_catcher(catchers, &StatesError::runtime("bad")), None);
        assert_eq!(find_catcher(&[], &StatesError::without_cause("X")), None);
    }
}
