//! The errors of the States language: a name (`States.Runtime`,
//! `States.TaskFailed`, or any name a task reports) and an optional cause.

use std::borrow::Cow;
use std::fmt;

/// The predefined error names of the States language.
pub mod names {
    /// Matches any error name in `ErrorEquals` (on AWS, all but `States.Runtime` and `States.DataLimitExceeded`).
    pub const ALL: &str = "States.ALL";
    /// A Task ran longer than its timeout, or the execution did.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A Task sent no heartbeat within HeartbeatSeconds.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// A Task failed; as a matcher, any error but `States.Timeout`.
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// Insufficient privileges.
    pub const PERMISSIONS: &str = "States.Permissions";
    /// ResultPath could not be applied to the state's input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A path in a payload template selected nothing.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    /// A JSONata expression failed or returned nothing.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    /// A Parallel branch failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    /// No Choice rule matched and there is no Default.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// An intrinsic function failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A Map had more failed items than it tolerates.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// An ItemReader could not read its items.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A ResultWriter could not write its results.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// A payload exceeded the size limit.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// An unprocessable situation, e.g. InputPath on a missing field. Never retried or caught.
    pub const RUNTIME: &str = "States.Runtime";
}

/// An error as the States language sees it: a name and a cause.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StatesError {
    /// The error name, e.g. `States.Runtime` or a task's own `MyError`.
    pub error: Cow<'static, str>,
    /// The human-readable cause, if any.
    pub cause: Option<String>,
}

impl StatesError {
    /// An error with a name and a cause.
    pub fn new(error: impl Into<Cow<'static, str>>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    /// An error with a name and no cause.
    pub fn without_cause(error: impl Into<Cow<'static, str>>) -> Self {
        StatesError { error: error.into(), cause: None }
    }

    /// `States.Runtime` with a cause.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure` with a cause.
    pub fn intrinsic_failure(cause: impl Into<String>) -> Self {
        Self::new(names::INTRINSIC_FAILURE, cause)
    }

    /// `States.ParameterPathFailure` with a cause.
    pub fn parameter_path_failure(cause: impl Into<String>) -> Self {
        Self::new(names::PARAMETER_PATH_FAILURE, cause)
    }

    /// `States.ResultPathMatchFailure` with a cause.
    pub fn result_path_match_failure(cause: impl Into<String>) -> Self {
        Self::new(names::RESULT_PATH_MATCH_FAILURE, cause)
    }

    /// The error output a Catch passes on: `{"Error": ..., "Cause": ...}`
    /// (no `Cause` member when there is no cause).
    pub fn to_error_output(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("Error".into(), serde_json::Value::String(self.error.to_string()));
        if let Some(c) = &self.cause {
            m.insert("Cause".into(), serde_json::Value::String(c.clone()));
        }
        serde_json::Value::Object(m)
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {c}", self.error),
            None => f.write_str(&self.error),
        }
    }
}

impl std::error::Error for StatesError {}
