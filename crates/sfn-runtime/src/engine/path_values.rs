//! The checks AWS applies to a value that a `*Path` field selected at run
//! time, with AWS's `States.Runtime` causes.
//!
//! Generated code evaluates the path (`SecondsPath`, `TimestampPath`,
//! `TimeoutSecondsPath`, `HeartbeatSecondsPath`, `MaxConcurrencyPath`,
//! `ToleratedFailureCountPath`, `ToleratedFailurePercentagePath`) and hands
//! the selected value, or `None` when the path selected nothing, to these
//! functions. Each cause is what AWS writes after its
//! `An error occurred while executing the state '<name>' (entered at the
//! event id #<n>). ` prefix, which the caller adds (as for
//! [`crate::dataflow`]'s errors).
//!
//! AWS's causes name the path, so the `*_at` functions take it; the
//! functions without `_at` leave the path out of the cause.
//!
//! # Recorded causes
//!
//! AWS words the causes in two ways, by field.
//!
//! `SecondsPath` and `TimestampPath` (conformance cases
//! `base/test_base_wait_seconds_path_*`,
//! `logs/test_base_wait_seconds_path.json5_ALL_False`,
//! `scenarios/test_wait_timestamp_path_*`):
//!
//! * nothing selected: `The SecondsPath parameter does not reference an input value: $.input.waitSeconds`
//! * not an integer: `The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5`
//! * negative: `The SecondsPath parameter references a negative value: $.input.waitSeconds == -1`
//! * not a timestamp: `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 2016-12-05 21:29:29Z`
//!
//! `MaxConcurrencyPath`, `ToleratedFailureCountPath` and
//! `ToleratedFailurePercentagePath` (`scenarios/test_max_concurrency_path_*`,
//! `scenarios/test_map_state_tolerated_failure_*_path_*`):
//!
//! * not an integer: `The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: $.MaxConcurrencyValue`
//!   (an object prints as `"{}"`);
//! * not a number: `The ToleratedFailurePercentagePath field refers to value "NoNumber" which is not a valid float: $.ToleratedFailurePercentage`
//! * negative count: `ToleratedFailureCount cannot be negative.`
//! * percentage out of range: `ToleratedFailurePercentage must be between 0 and 100.`
//!
//! # Our readings where nothing is recorded
//!
//! * `TimeoutSecondsPath` and `HeartbeatSecondsPath` use the `SecondsPath`
//!   wording (`parameter`). A `TimeoutSecondsPath` that selects nothing is
//!   recorded, but as the JSONPath error
//!   `Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']`
//!   (`scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_TIMEOUTSECONDSPATH`):
//!   for it, generated code should use [`crate::dataflow`]'s path error.
//! * A negative `MaxConcurrencyPath` value: `MaxConcurrency cannot be
//!   negative.`, by analogy with the count.
//! * A `MaxConcurrencyPath` or `ToleratedFailure*Path` that selects
//!   nothing: `The <field> field does not reference an input value: <path>`.
//! * A `TimestampPath` that selects nothing: the `SecondsPath` wording.
//! * For `SecondsPath`, `TimestampPath` and the Task `*SecondsPath` fields
//!   only JSON numbers are accepted: an integer-valued float (`5.0`) or a
//!   numeric string (`"5"`) "cannot be parsed as a long value". Integers
//!   above `i64::MAX` (Java's `long`) too.
//!
//! # Map fields parse the value's text
//!
//! AWS reads the Map fields from the value's text, as its causes suggest
//! ("refers to value "NoNumber""): a string holding a number is accepted.
//! Recorded: `MaxConcurrencyPath`, `ToleratedFailureCountPath` and
//! `ToleratedFailurePercentagePath` selecting the string `"1"` run the Map
//! (`assign/test_reference_in_map_state_MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH`,
//! `assign/test_reference_in_map_state_MAP_STATE_REFERENCE_IN_TOLERATED_FAILURE_PATH`).
//! The text of a JSON number is its JSON text, so `1.5` is still "not a
//! valid integer"; a string integer must be ASCII digits with an optional
//! sign (our reading; nothing else is recorded).

use serde_json::Value;
use sfn_lang::timestamp::{Timestamp, parse_timestamp};

use crate::error::StatesError;

/// Reads a non-negative integer (seconds, a concurrency, a count) from the
/// value selected for `field` (e.g. `"SecondsPath"`), or fails with
/// `States.Runtime`. The cause leaves out the path; prefer
/// [`expect_seconds_at`].
pub fn expect_seconds(field: &str, value: Option<&Value>) -> Result<u64, StatesError> {
    integer(field, None, value)
}

/// Reads a non-negative integer from the value that `path` selected for
/// `field` (`SecondsPath`, `TimeoutSecondsPath`, `HeartbeatSecondsPath`,
/// `MaxConcurrencyPath`, `ToleratedFailureCountPath`), or fails with
/// `States.Runtime` and AWS's cause (see the [module](self) docs).
pub fn expect_seconds_at(
    field: &str,
    path: &str,
    value: Option<&Value>,
) -> Result<u64, StatesError> {
    integer(field, Some(path), value)
}

/// Reads a timestamp from the value selected for `field` (e.g.
/// `"TimestampPath"`), or fails with `States.Runtime`. The cause leaves out
/// the path; prefer [`expect_timestamp_at`].
pub fn expect_timestamp(field: &str, value: Option<&Value>) -> Result<Timestamp, StatesError> {
    timestamp(field, None, value)
}

/// Reads a timestamp from the value that `path` selected for `field`
/// (`TimestampPath`), or fails with `States.Runtime` and AWS's cause.
pub fn expect_timestamp_at(
    field: &str,
    path: &str,
    value: Option<&Value>,
) -> Result<Timestamp, StatesError> {
    timestamp(field, Some(path), value)
}

/// Reads `ToleratedFailurePercentage` (a number from 0 to 100) from the
/// value that `path` selected for `ToleratedFailurePercentagePath`, or fails
/// with `States.Runtime` and AWS's cause.
pub fn expect_tolerated_failure_percentage_at(
    path: &str,
    value: Option<&Value>,
) -> Result<f64, StatesError> {
    const FIELD: &str = "ToleratedFailurePercentagePath";
    let Some(value) = value else {
        return Err(not_referenced(FIELD, Some(path)));
    };
    let number = match value {
        // Map fields parse the value's text (see the module docs).
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|p| p.is_finite()),
        other => other.as_f64(),
    };
    match number {
        Some(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Some(_) => Err(StatesError::runtime(
            "ToleratedFailurePercentage must be between 0 and 100.",
        )),
        None => Err(StatesError::runtime(refers_to(
            FIELD,
            Some(path),
            value,
            "float",
        ))),
    }
}

/// Whether AWS words this field's errors as a "parameter" (Wait and Task
/// fields) rather than a "field" (Map fields).
fn is_parameter(field: &str) -> bool {
    field.ends_with("SecondsPath") || field == "TimestampPath"
}

/// A value as AWS prints it in a cause: a string as it is, anything else as
/// JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `: <path>`, or nothing.
fn at(path: Option<&str>) -> String {
    path.map(|p| format!(": {p}")).unwrap_or_default()
}

/// `: <path> == <value>`, or `: <value>`.
fn at_equals(path: Option<&str>, value: &Value) -> String {
    match path {
        Some(p) => format!(": {p} == {}", text(value)),
        None => format!(": {}", text(value)),
    }
}

/// The error when the path selected nothing.
fn not_referenced(field: &str, path: Option<&str>) -> StatesError {
    let kind = if is_parameter(field) {
        "parameter"
    } else {
        "field"
    };
    StatesError::runtime(format!(
        "The {field} {kind} does not reference an input value{}",
        at(path)
    ))
}

/// `The <field> field refers to value "<value>" which is not a valid <what>: <path>`.
fn refers_to(field: &str, path: Option<&str>, value: &Value, what: &str) -> String {
    format!(
        "The {field} field refers to value \"{}\" which is not a valid {what}{}",
        text(value),
        at(path)
    )
}

/// A JSON number that is an integer Java's `long` can hold.
enum Integer {
    NonNegative(u64),
    Negative,
    Not,
}

/// `parameter` fields (Wait and Task) take JSON numbers only; Map fields
/// also take a string holding an integer (see the module docs).
fn classify(value: &Value, parameter: bool) -> Integer {
    let n = match value {
        Value::Number(n) => n,
        Value::String(s) if !parameter => {
            let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Integer::Not;
            }
            return match s.parse::<i64>() {
                Ok(i) if i >= 0 => Integer::NonNegative(i.unsigned_abs()),
                Ok(_) => Integer::Negative,
                Err(_) => Integer::Not,
            };
        }
        _ => return Integer::Not,
    };
    if let Some(u) = n.as_u64() {
        if i64::try_from(u).is_ok() {
            Integer::NonNegative(u)
        } else {
            Integer::Not
        }
    } else if n.is_i64() {
        Integer::Negative
    } else {
        Integer::Not
    }
}

fn integer(field: &str, path: Option<&str>, value: Option<&Value>) -> Result<u64, StatesError> {
    let Some(value) = value else {
        return Err(not_referenced(field, path));
    };
    let parameter = is_parameter(field);
    match classify(value, parameter) {
        Integer::NonNegative(n) => Ok(n),
        Integer::Negative if parameter => Err(StatesError::runtime(format!(
            "The {field} parameter references a negative value{}",
            at_equals(path, value)
        ))),
        Integer::Negative => Err(StatesError::runtime(format!(
            "{} cannot be negative.",
            field.strip_suffix("Path").unwrap_or(field)
        ))),
        Integer::Not if parameter => Err(StatesError::runtime(format!(
            "The {field} parameter cannot be parsed as a long value{}",
            at_equals(path, value)
        ))),
        Integer::Not => Err(StatesError::runtime(refers_to(
            field, path, value, "integer",
        ))),
    }
}

fn timestamp(
    field: &str,
    path: Option<&str>,
    value: Option<&Value>,
) -> Result<Timestamp, StatesError> {
    let Some(value) = value else {
        return Err(not_referenced(field, path));
    };
    value
        .as_str()
        .and_then(|s| parse_timestamp(s).ok())
        .ok_or_else(|| {
            StatesError::runtime(format!(
                "The {field} parameter does not reference a valid ISO-8601 extended offset date-time format string{}",
                at_equals(path, value)
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The cause of a `States.Runtime` error.
    fn cause<T: std::fmt::Debug>(r: Result<T, StatesError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        e.cause.unwrap()
    }

    const WAIT: &str = "$.input.waitSeconds";

    #[test]
    fn seconds_path_values_as_aws_reports_them() {
        assert_eq!(
            expect_seconds_at("SecondsPath", WAIT, Some(&json!(1))),
            Ok(1)
        );
        assert_eq!(
            expect_seconds_at("SecondsPath", WAIT, Some(&json!(0))),
            Ok(0)
        );
        assert_eq!(
            cause(expect_seconds_at("SecondsPath", WAIT, None)),
            "The SecondsPath parameter does not reference an input value: $.input.waitSeconds"
        );
        assert_eq!(
            cause(expect_seconds_at("SecondsPath", WAIT, Some(&json!(1.5)))),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5"
        );
        assert_eq!(
            cause(expect_seconds_at("SecondsPath", WAIT, Some(&json!(-1.5)))),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == -1.5"
        );
        assert_eq!(
            cause(expect_seconds_at("SecondsPath", WAIT, Some(&json!(-1)))),
            "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"
        );
        assert_eq!(
            cause(expect_seconds_at("SecondsPath", WAIT, Some(&json!("5")))),
            "The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 5"
        );
        // Beyond Java's long.
        assert!(expect_seconds_at("SecondsPath", WAIT, Some(&json!(u64::MAX))).is_err());
        assert_eq!(
            expect_seconds_at("SecondsPath", WAIT, Some(&json!(i64::MAX))),
            Ok(i64::MAX as u64)
        );
        // Task timeouts are worded the same way.
        assert_eq!(
            cause(expect_seconds_at(
                "TimeoutSecondsPath",
                "$.t",
                Some(&json!(true))
            )),
            "The TimeoutSecondsPath parameter cannot be parsed as a long value: $.t == true"
        );
    }

    #[test]
    fn map_path_values_as_aws_reports_them() {
        assert_eq!(
            expect_seconds_at(
                "MaxConcurrencyPath",
                "$.MaxConcurrencyValue",
                Some(&json!(0))
            ),
            Ok(0)
        );
        assert_eq!(
            cause(expect_seconds_at(
                "MaxConcurrencyPath",
                "$.MaxConcurrencyValue",
                Some(&json!("NoNumber"))
            )),
            "The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.MaxConcurrencyValue"
        );
        assert_eq!(
            cause(expect_seconds_at(
                "MaxConcurrencyPath",
                "$.MaxConcurrencyValue",
                Some(&json!({}))
            )),
            "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: $.MaxConcurrencyValue"
        );
        assert_eq!(
            cause(expect_seconds_at(
                "ToleratedFailureCountPath",
                "$.ToleratedFailureCount",
                Some(&json!({}))
            )),
            "The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: $.ToleratedFailureCount"
        );
        assert_eq!(
            cause(expect_seconds_at(
                "ToleratedFailureCountPath",
                "$.ToleratedFailureCount",
                Some(&json!(-1))
            )),
            "ToleratedFailureCount cannot be negative."
        );
        assert_eq!(
            cause(expect_seconds_at("MaxConcurrencyPath", "$.m", None)),
            "The MaxConcurrencyPath field does not reference an input value: $.m"
        );
    }

    /// AWS accepts the string `"1"` for the Map fields
    /// (`assign/test_reference_in_map_state_MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH`,
    /// `..._IN_TOLERATED_FAILURE_PATH`); Wait's `SecondsPath` does not take strings.
    #[test]
    fn map_fields_accept_numeric_strings() {
        assert_eq!(
            expect_seconds_at("MaxConcurrencyPath", "$m", Some(&json!("1"))),
            Ok(1)
        );
        assert_eq!(
            expect_seconds_at("ToleratedFailureCountPath", "$c", Some(&json!("+12"))),
            Ok(12)
        );
        assert_eq!(
            cause(expect_seconds_at(
                "ToleratedFailureCountPath",
                "$c",
                Some(&json!("-1"))
            )),
            "ToleratedFailureCount cannot be negative."
        );
        for bad in ["1.0", "", "-", " 1", "1e2"] {
            assert_eq!(
                cause(expect_seconds_at(
                    "MaxConcurrencyPath",
                    "$m",
                    Some(&json!(bad))
                )),
                format!(
                    "The MaxConcurrencyPath field refers to value \"{bad}\" which is not a valid integer: $m"
                )
            );
        }
        assert_eq!(
            expect_tolerated_failure_percentage_at("$p", Some(&json!("1"))),
            Ok(1.0)
        );
        assert_eq!(
            expect_tolerated_failure_percentage_at("$p", Some(&json!("2.5"))),
            Ok(2.5)
        );
        assert_eq!(
            cause(expect_tolerated_failure_percentage_at(
                "$p",
                Some(&json!("101"))
            )),
            "ToleratedFailurePercentage must be between 0 and 100."
        );
        assert!(expect_seconds_at("SecondsPath", "$s", Some(&json!("1"))).is_err());
    }

    #[test]
    fn tolerated_failure_percentage_values() {
        const P: &str = "$.ToleratedFailurePercentage";
        for (v, want) in [
            (json!(0), 0.0),
            (json!(1), 1.0),
            (json!(1.1), 1.1),
            (json!(100), 100.0),
        ] {
            assert_eq!(
                expect_tolerated_failure_percentage_at(P, Some(&v)),
                Ok(want)
            );
        }
        for v in [json!(-1), json!(-1.1), json!(100.1)] {
            assert_eq!(
                cause(expect_tolerated_failure_percentage_at(P, Some(&v))),
                "ToleratedFailurePercentage must be between 0 and 100."
            );
        }
        assert_eq!(
            cause(expect_tolerated_failure_percentage_at(
                P,
                Some(&json!("NoNumber"))
            )),
            "The ToleratedFailurePercentagePath field refers to value \"NoNumber\" which is not a valid float: $.ToleratedFailurePercentage"
        );
        assert_eq!(
            cause(expect_tolerated_failure_percentage_at(P, Some(&json!({})))),
            "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: $.ToleratedFailurePercentage"
        );
        assert!(expect_tolerated_failure_percentage_at(P, None).is_err());
    }

    #[test]
    fn timestamp_path_values_as_aws_reports_them() {
        const T: &str = "$.TimestampValue";
        let ok =
            expect_timestamp_at("TimestampPath", T, Some(&json!("2016-03-14T01:59:00Z"))).unwrap();
        assert_eq!(ok, parse_timestamp("2016-03-14T01:59:00Z").unwrap());
        assert!(
            expect_timestamp_at(
                "TimestampPath",
                T,
                Some(&json!("2016-03-05T21:29:29.243167252Z"))
            )
            .is_ok()
        );
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "05-12-2016T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2016-13-05T21:29:29Z",
        ] {
            assert_eq!(
                cause(expect_timestamp_at("TimestampPath", T, Some(&json!(bad)))),
                format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == {bad}"
                )
            );
        }
        assert_eq!(
            cause(expect_timestamp_at("TimestampPath", T, Some(&json!(5)))),
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 5"
        );
        assert_eq!(
            cause(expect_timestamp_at("TimestampPath", T, None)),
            "The TimestampPath parameter does not reference an input value: $.TimestampValue"
        );
    }

    #[test]
    fn without_path() {
        assert_eq!(expect_seconds("SecondsPath", Some(&json!(3))), Ok(3));
        assert_eq!(
            cause(expect_seconds("SecondsPath", Some(&json!(-1)))),
            "The SecondsPath parameter references a negative value: -1"
        );
        assert_eq!(
            cause(expect_seconds("MaxConcurrencyPath", Some(&json!("x")))),
            "The MaxConcurrencyPath field refers to value \"x\" which is not a valid integer"
        );
        assert_eq!(
            cause(expect_seconds("SecondsPath", None)),
            "The SecondsPath parameter does not reference an input value"
        );
        assert!(expect_timestamp("TimestampPath", Some(&json!("2016-03-14T01:59:00Z"))).is_ok());
        assert_eq!(
            cause(expect_timestamp("TimestampPath", Some(&json!("nope")))),
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: nope"
        );
    }
}
