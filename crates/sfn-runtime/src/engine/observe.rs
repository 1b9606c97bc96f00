//! What an execution tells `tracing`: spans for the execution and its
//! states, and log events filtered like AWS's logging configuration.
//!
//! # Spans
//!
//! Every execution has an `execution` span (fields `machine`, `execution`:
//! the state machine's and the execution's names), and every state it
//! enters a `state` span (fields `name`, `type`) inside it; the states of a
//! Parallel branch or a Map iteration are inside the span of their Parallel
//! or Map state. A state's span lasts from its entry to the entry of the
//! next state of its scope. Spans cost nearly nothing when no subscriber
//! wants them.
//!
//! # Events
//!
//! [`Logging`] is AWS's logging configuration of a state machine: a
//! [`LogLevel`] and `include_execution_data`. As on AWS, the level decides
//! which events are logged:
//!
//! * [`LogLevel::All`]: every state entered and the execution's start and
//!   end, and what `Error` logs;
//! * [`LogLevel::Error`]: task failures that lead to a retry or a catch,
//!   and the execution's failure (what `Fatal` logs);
//! * [`LogLevel::Fatal`]: the execution's failure, abort or timeout;
//! * [`LogLevel::Off`] (AWS's default): nothing.
//!
//! With `include_execution_data`, events carry the data AWS would log with
//! them (a state's input, the execution's input and output); without it,
//! only names, errors and causes. Events go to `tracing` with target
//! `sfn_runtime::execution`, at `INFO` for progress and `WARN` or `ERROR`
//! for failures.

use serde_json::Value;
use tracing::Span;

use crate::error::StatesError;

/// The target of the log events (for filtering with `tracing` subscribers).
pub const TARGET: &str = "sfn_runtime::execution";

/// Which events an execution logs (AWS's `level` of a logging configuration).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Nothing (AWS's default).
    #[default]
    Off,
    /// Only the execution's failure, abort or timeout.
    Fatal,
    /// Failures: task errors that are retried or caught, and what `Fatal` logs.
    Error,
    /// Everything: states entered, the start and end of the execution.
    All,
}

/// AWS's logging configuration of a state machine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Logging {
    /// Which events are logged.
    pub level: LogLevel,
    /// Whether events carry the data (inputs and outputs).
    pub include_execution_data: bool,
}

impl Logging {
    /// Whether events of `level` are logged.
    pub fn logs(&self, level: LogLevel) -> bool {
        self.level != LogLevel::Off && self.level >= level
    }
}

/// The span of an execution.
pub(crate) fn execution_span(machine: &str, execution: &str) -> Span {
    tracing::info_span!(target: TARGET, "execution", machine, execution)
}

/// The span of a state, inside `parent`.
pub(crate) fn state_span(parent: &Span, name: &str, kind: &str) -> Span {
    // No subscriber records the execution's span (none is set, or its
    // filter drops it): the state's span would go nowhere either. Not
    // making it matters on the path of every state: with tracing's `log`
    // feature on (sqlx turns it on), a disabled span still asks `log`
    // whether to log it.
    if parent.is_disabled() {
        return Span::none();
    }
    tracing::info_span!(target: TARGET, parent: parent, "state", name, r#type = kind)
}

/// Compact JSON for an event's data field.
fn data(value: &Value) -> String {
    value.to_string()
}

/// `ExecutionStarted`.
pub(crate) fn started(logging: &Logging, span: &Span, input: &Value) {
    if !logging.logs(LogLevel::All) {
        return;
    }
    if logging.include_execution_data {
        tracing::info!(target: TARGET, parent: span, input = %data(input), "ExecutionStarted");
    } else {
        tracing::info!(target: TARGET, parent: span, "ExecutionStarted");
    }
}

/// `...StateEntered`.
pub(crate) fn entered(logging: &Logging, span: &Span, name: &str) {
    if logging.logs(LogLevel::All) {
        tracing::info!(target: TARGET, parent: span, state = name, "StateEntered");
    }
}

/// A task error that a retrier retries after `delay_seconds`.
pub(crate) fn retrying(logging: &Logging, span: &Span, error: &StatesError, delay_seconds: f64) {
    if logging.logs(LogLevel::Error) {
        tracing::warn!(
            target: TARGET,
            parent: span,
            error = %error.error,
            cause = error.cause.as_deref().unwrap_or_default(),
            delay_seconds,
            "retrying after error"
        );
    }
}

/// An error that a catcher handles.
pub(crate) fn caught(logging: &Logging, span: &Span, error: &StatesError, catcher: usize) {
    if logging.logs(LogLevel::Error) {
        tracing::warn!(
            target: TARGET,
            parent: span,
            error = %error.error,
            cause = error.cause.as_deref().unwrap_or_default(),
            catcher,
            "error caught"
        );
    }
}

/// `ExecutionSucceeded` or `ExecutionFailed`.
pub(crate) fn ended(logging: &Logging, span: &Span, outcome: &Result<Value, StatesError>) {
    match outcome {
        Ok(output) if logging.logs(LogLevel::All) => {
            if logging.include_execution_data {
                tracing::info!(target: TARGET, parent: span, output = %data(output), "ExecutionSucceeded");
            } else {
                tracing::info!(target: TARGET, parent: span, "ExecutionSucceeded");
            }
        }
        Err(error) if logging.logs(LogLevel::Fatal) => tracing::error!(
            target: TARGET,
            parent: span,
            error = %error.error,
            cause = error.cause.as_deref().unwrap_or_default(),
            "ExecutionFailed"
        ),
        _ => {}
    }
}

/// `ExecutionAborted` or `ExecutionTimedOut` (what the execution's handle
/// ends, not the execution itself).
pub(crate) fn ended_by_handle(
    logging: &Logging,
    span: &Span,
    event: &str,
    error: &str,
    cause: &str,
) {
    if logging.logs(LogLevel::Fatal) {
        tracing::error!(target: TARGET, parent: span, error, cause, "{event}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_include_the_ones_below() {
        let at = |level| Logging {
            level,
            include_execution_data: false,
        };
        assert!(!at(LogLevel::Off).logs(LogLevel::Fatal));
        assert!(at(LogLevel::Fatal).logs(LogLevel::Fatal));
        assert!(!at(LogLevel::Fatal).logs(LogLevel::Error));
        assert!(at(LogLevel::Error).logs(LogLevel::Fatal));
        assert!(!at(LogLevel::Error).logs(LogLevel::All));
        assert!(at(LogLevel::All).logs(LogLevel::Error));
        assert_eq!(Logging::default().level, LogLevel::Off);
    }
}
