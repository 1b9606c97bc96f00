//! Comparing an execution's outcome with AWS's recording, as the corpus
//! README prescribes: JSON values, key order ignored, numbers by value
//! (`1.0` equals `1`), leaves under `ignore_paths` skipped.

use serde_json::Value;

/// Whether `expected` and `actual` are the same JSON value, skipping the
/// JSON Pointers in `ignore` (their keys must still exist).
pub fn same(expected: &Value, actual: &Value, ignore: &[String]) -> bool {
    diff(expected, actual, ignore, "").is_none()
}

/// The first difference, as a pointer and both values, or `None`.
pub fn diff(expected: &Value, actual: &Value, ignore: &[String], at: &str) -> Option<String> {
    if ignore.iter().any(|p| p == at) {
        return None;
    }
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            let equal = match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            (!equal).then(|| format!("{at}: expected {a}, got {b}"))
        }
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match b.get(k) {
                    Some(w) => {
                        if let Some(d) = diff(v, w, ignore, &p) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{p}: missing")),
                }
            }
            b.keys()
                .find(|k| !a.contains_key(*k))
                .map(|k| format!("{at}/{k}: unexpected member"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!(
                    "{at}: expected {} elements, got {}",
                    a.len(),
                    b.len()
                ));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| diff(x, y, ignore, &format!("{at}/{i}")))
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{at}: expected {a}, got {b}")),
    }
}

/// Compares a run's outcome with the case's `expect`; `Err` says how they differ.
pub fn outcome(
    case: &Value,
    result: &Result<Value, sfn_runtime::ExecutionError>,
) -> Result<(), String> {
    let expect = &case["expect"];
    let ignore: Vec<String> = case
        .get("ignore_paths")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    match (expect["status"].as_str(), result) {
        (Some("SUCCEEDED"), Ok(output)) => match diff(&expect["output"], output, &ignore, "") {
            None => Ok(()),
            Some(d) => Err(format!("output differs at {d}")),
        },
        (Some("SUCCEEDED"), Err(e)) => Err(format!(
            "expected success, failed with {}: {}",
            e.error,
            e.cause.as_deref().unwrap_or("")
        )),
        (Some("FAILED"), Ok(output)) => Err(format!(
            "expected {}, succeeded with {output}",
            expect["error"]
        )),
        (Some("FAILED"), Err(e)) => {
            // `expect.error` is null when AWS reported no error (a Fail
            // state without `Error`); the runtime's name is then empty
            // (see `sfn_runtime::ExecutionError::error`).
            let actual = Some(e.error.as_str()).filter(|n| !n.is_empty());
            if expect["error"].as_str() != actual {
                return Err(format!(
                    "expected error {}, got {}",
                    expect["error"], e.error
                ));
            }
            cause(expect, e.cause.as_deref(), &ignore)
        }
        (status, _) => Err(format!("unknown expected status {status:?}")),
    }
}

fn cause(expect: &Value, actual: Option<&str>, ignore: &[String]) -> Result<(), String> {
    if let Some(re) = expect.get("cause_regex").and_then(Value::as_str) {
        let anchored = format!("^(?s:{re})$");
        return match regex::Regex::new(&anchored) {
            Ok(r) if r.is_match(actual.unwrap_or("")) => Ok(()),
            Ok(_) => Err(format!("cause {actual:?} does not match /{re}/")),
            Err(e) => Err(format!("cause_regex does not compile: {e}")),
        };
    }
    if let Some(json) = expect.get("cause_json") {
        let parsed: Value = actual
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or(Value::Null);
        let ignore: Vec<String> = ignore
            .iter()
            .filter_map(|p| p.strip_prefix("/cause_json").map(str::to_string))
            .collect();
        return match diff(json, &parsed, &ignore, "") {
            None => Ok(()),
            Some(d) => Err(format!("cause JSON differs at {d}")),
        };
    }
    match (expect.get("cause").and_then(Value::as_str), actual) {
        (None, None) => Ok(()),
        (Some(e), Some(a)) if e == a => Ok(()),
        (e, a) => Err(format!("expected cause {e:?}, got {a:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failed(error: &str, cause: Option<&str>) -> Result<Value, sfn_runtime::ExecutionError> {
        Err(sfn_runtime::ExecutionError {
            error: error.into(),
            cause: cause.map(str::to_string),
        })
    }

    /// `expect.error: null` (`base/test_state_fail_empty`) is the runtime's
    /// empty error name, and only that.
    #[test]
    fn null_error_is_the_empty_name() {
        let case = json!({"expect": {"status": "FAILED", "error": null, "cause": null}});
        assert_eq!(outcome(&case, &failed("", None)), Ok(()));
        assert!(outcome(&case, &failed("States.Runtime", None)).is_err());
        let case = json!({"expect": {"status": "FAILED", "error": "E", "cause": null}});
        assert!(outcome(&case, &failed("", None)).is_err());
        assert_eq!(outcome(&case, &failed("E", None)), Ok(()));
    }

    #[test]
    fn numbers_by_value_and_ignored_leaves() {
        assert!(same(
            &json!({"a": 1.0, "b": [1, 2]}),
            &json!({"b": [1, 2], "a": 1}),
            &[]
        ));
        assert!(!same(&json!({"a": 1}), &json!({"a": 2}), &[]));
        assert!(same(
            &json!({"t": "date"}),
            &json!({"t": "2024-01-01"}),
            &["/t".to_string()]
        ));
        assert!(!same(
            &json!({"t": "date"}),
            &json!({}),
            &["/t".to_string()]
        ));
        assert!(!same(&json!([1]), &json!([1, 2]), &[]));
    }
}
