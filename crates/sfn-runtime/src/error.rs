//! The errors of the States language: a name (`States.Runtime`,
//! `States.TaskFailed`, or any name a task reports) and an optional cause.

use std::borrow::Cow;
use std::fmt;

/// The predefined error names of the States language.
pub mod names {
    /// Matches any error name in `ErrorEquals` (on AWS, all but `States.Runtime`; see [`is_catchable`](super::is_catchable)).
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
    /// Empty for a Fail state without `Error`, which AWS reports as no
    /// error (see [`ExecutionError::error`](crate::ExecutionError::error)).
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
        StatesError {
            error: error.into(),
            cause: None,
        }
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
        m.insert(
            "Error".into(),
            serde_json::Value::String(self.error.to_string()),
        );
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

/// Whether a retrier or catcher with this `ErrorEquals` list applies to
/// `error`, as AWS matches names.
///
/// * A name matches itself exactly (case-sensitive), custom names included.
/// * `States.ALL` matches every error that [`is_catchable`].
/// * `States.TaskFailed` matches every catchable error except the timeouts,
///   `States.Timeout` and `States.HeartbeatTimeout`. AWS: "When used in a
///   retry or catch, States.TaskFailed acts as a wildcard that matches any
///   known error name except for States.Timeout." A heartbeat timeout is a
///   kind of `States.Timeout` (the specification defines `States.Timeout` as
///   a task running too long *or* failing to heartbeat), so it is excluded
///   too; AWS's text does not say either way. `States.Runtime` is excluded
///   because nothing catches it.
/// * `States.Timeout` also matches `States.HeartbeatTimeout`, by the same
///   definition; `States.HeartbeatTimeout` matches only itself.
/// * An error that is not [`is_catchable`] matches nothing, not even its own
///   name: AWS failed an execution whose Task had
///   `"Catch": [{"ErrorEquals": ["States.Runtime"], ...}]` with that very
///   `States.Runtime` (corpus case `scenarios/test_catch_states_runtime`).
pub fn error_matches(error_equals: &[&str], error: &str) -> bool {
    if !is_catchable(error) {
        return false;
    }
    let is_timeout = error == names::TIMEOUT || error == names::HEARTBEAT_TIMEOUT;
    error_equals.iter().any(|&name| {
        name == error
            || name == names::ALL
            || (name == names::TASK_FAILED && !is_timeout)
            || (name == names::TIMEOUT && error == names::HEARTBEAT_TIMEOUT)
    })
}

/// Whether the error may be retried or caught at all: every error but
/// `States.Runtime`.
///
/// The specification says `States.ALL` "matches any Error Name". AWS
/// differs: `States.Runtime` is never retried or caught, even by its own name
/// (recorded in the corpus, see [`error_matches`]).
///
/// The AWS guide says the same of `States.DataLimitExceeded` ("a terminal
/// error that can't be caught by the States.ALL error type"), but AWS's
/// recorded executions disagree for the case they cover: a Lambda Task whose
/// result exceeded the payload quota failed with `States.DataLimitExceeded`
/// and `"ErrorEquals": ["States.ALL"]` caught it (corpus cases
/// `error_handling/test_*_catch_state_all_data_limit_exceeded_on_large_utf8_response`).
/// So it is catchable here. The guide's terminal case (a state's own input or
/// output over the quota after its data processing) cannot be told apart by
/// name; an engine that wants it fails the execution without consulting the
/// state's Catch.
pub fn is_catchable(error: &str) -> bool {
    error != names::RUNTIME
}

#[cfg(test)]
mod matching_tests {
    use super::names::*;
    use super::*;
    use serde_json::Value;
    use std::path::{Path, PathBuf};

    const CUSTOM: [&str; 5] = [
        "MyError",
        "Lambda.Unknown",
        "Lambda.TooManyRequestsException",
        "SecretsManager.SecretsManagerException",
        "Internal Error",
    ];

    /// Every predefined name but `States.ALL`.
    const PREDEFINED: [&str; 15] = [
        TIMEOUT,
        HEARTBEAT_TIMEOUT,
        TASK_FAILED,
        PERMISSIONS,
        RESULT_PATH_MATCH_FAILURE,
        PARAMETER_PATH_FAILURE,
        QUERY_EVALUATION_ERROR,
        BRANCH_FAILED,
        NO_CHOICE_MATCHED,
        INTRINSIC_FAILURE,
        EXCEED_TOLERATED_FAILURE_THRESHOLD,
        ITEM_READER_FAILED,
        RESULT_WRITER_FAILED,
        DATA_LIMIT_EXCEEDED,
        RUNTIME,
    ];

    #[test]
    fn error_matching_exact_names() {
        for e in CUSTOM.iter().chain(PREDEFINED.iter()) {
            assert_eq!(error_matches(&[e], e), *e != RUNTIME, "{e}");
            assert!(!error_matches(&[], e), "empty list vs {e}");
            assert!(!error_matches(&["SomethingElse"], e), "{e}");
        }
        // Case-sensitive, no prefix or partial matching.
        assert!(!error_matches(&["myerror"], "MyError"));
        assert!(!error_matches(&["Lambda"], "Lambda.Unknown"));
        assert!(!error_matches(&["Lambda.*"], "Lambda.Unknown"));
        assert!(!error_matches(&["States.all"], "MyError"));
        assert!(!error_matches(&["State.ALL"], "MyError"));
        assert!(error_matches(&["State.ALL"], "State.ALL"));
        // Any element of the list may match.
        assert!(error_matches(&["A", "B", "MyError"], "MyError"));
        assert!(!error_matches(&["A", "B"], "MyError"));
    }

    #[test]
    fn error_matching_states_all() {
        for e in CUSTOM.iter().chain(PREDEFINED.iter()) {
            assert_eq!(error_matches(&[ALL], e), *e != RUNTIME, "{e}");
        }
        assert!(error_matches(&[ALL], DATA_LIMIT_EXCEEDED));
        assert!(error_matches(&[ALL], TIMEOUT));
        assert!(!error_matches(&[ALL], RUNTIME));
        assert!(!error_matches(&[ALL, RUNTIME], RUNTIME));
    }

    #[test]
    fn error_matching_task_failed() {
        for e in CUSTOM.iter().chain(PREDEFINED.iter()) {
            let want = !matches!(*e, TIMEOUT | HEARTBEAT_TIMEOUT | RUNTIME);
            assert_eq!(error_matches(&[TASK_FAILED], e), want, "{e}");
        }
        assert!(!error_matches(&[TASK_FAILED], TIMEOUT));
        assert!(error_matches(&[TASK_FAILED, TIMEOUT], TIMEOUT));
        assert!(error_matches(&[TASK_FAILED], "Lambda.Unknown"));
    }

    #[test]
    fn error_matching_timeouts() {
        assert!(error_matches(&[TIMEOUT], TIMEOUT));
        assert!(error_matches(&[TIMEOUT], HEARTBEAT_TIMEOUT));
        assert!(error_matches(&[HEARTBEAT_TIMEOUT], HEARTBEAT_TIMEOUT));
        assert!(!error_matches(&[HEARTBEAT_TIMEOUT], TIMEOUT));
        assert!(!error_matches(&[TIMEOUT], "MyError"));
        assert!(!error_matches(&[TIMEOUT], TASK_FAILED));
    }

    #[test]
    fn error_catchable() {
        assert!(!is_catchable(RUNTIME));
        assert!(is_catchable(DATA_LIMIT_EXCEEDED));
        for e in CUSTOM.iter().chain(PREDEFINED.iter()) {
            assert_eq!(is_catchable(e), *e != RUNTIME, "{e}");
        }
        assert!(is_catchable("States.runtime"));
    }

    fn corpus_dir() -> Option<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = match std::env::var_os("SFN_CONFORMANCE_DIR") {
            Some(d) => root.join(d),
            None => root.join("../shared/conformance"),
        };
        if dir.is_dir() {
            Some(dir)
        } else {
            println!("conformance corpus not found at {}; skipped", dir.display());
            None
        }
    }

    /// For each recorded case under `cases/error_handling` and
    /// `cases/scenarios` whose StartAt state is a Task with Catch, no Retry,
    /// and exactly one recorded invocation that failed: the first catcher
    /// that [`error_matches`] must exist exactly when AWS caught the error
    /// (the execution succeeded, or failed with another error) and be absent
    /// when the execution failed with the task's own error. Other cases need
    /// the whole engine; they are counted as skipped.
    #[test]
    fn conformance_error_matching_corpus() {
        let Some(dir) = corpus_dir() else { return };
        let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
        for group in ["error_handling", "scenarios"] {
            let sub = dir.join("cases").join(group);
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for file in files {
                let text = std::fs::read_to_string(&file).expect("readable corpus file");
                let case: Value = serde_json::from_str(&text).expect("corpus file is JSON");
                let def = &case["definition"];
                let start = def["StartAt"].as_str().unwrap_or("");
                let state = &def["States"][start];
                let results = case["task_results"][start].as_array();
                let (Some(catchers), None, Some([only])) = (
                    state["Catch"].as_array(),
                    state.get("Retry"),
                    results.map(Vec::as_slice),
                ) else {
                    skipped += 1;
                    continue;
                };
                let Some(error) = only["error"].as_str() else {
                    skipped += 1;
                    continue;
                };
                let caught = catchers.iter().find(|c| {
                    let names: Vec<&str> = c["ErrorEquals"]
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    error_matches(&names, error)
                });
                let expect = &case["expect"];
                let aws_caught = expect["status"] == "SUCCEEDED" || expect["error"] != error;
                if caught.is_some() == aws_caught {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{}: task error {error}: matched {caught:?}, AWS {expect}",
                        file.display()
                    ));
                }
            }
        }
        println!(
            "error-matching corpus: {passed}/{} passed, {skipped} skipped (not a single-failure Task with Catch and no Retry)",
            passed + failures.len()
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
