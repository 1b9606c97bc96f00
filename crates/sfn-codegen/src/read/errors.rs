//! Retry and Catch: retrier fields and ranges, catcher targets, and the
//! rules on error names (`States.ALL` alone and last; only the predefined
//! `States.*` names).

use super::expr::PathKind;
use super::fields;
use super::{MAX_SECONDS, MISSING, Reader, ScopeKey, describe, index, join};
use crate::diag::suggest;
use crate::ir::{Catcher, PathField, QueryLanguage, Retrier};
use crate::json::Json;
use std::collections::HashMap;

/// The error names AWS predefines. A name starting with `States.` that is
/// not one of these is rejected, as AWS does.
pub(crate) const PREDEFINED_ERRORS: &[&str] = &[
    "States.ALL",
    "States.HeartbeatTimeout",
    "States.Timeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.DataLimitExceeded",
    "States.Runtime",
    "States.Http.Socket",
];

impl Reader<'_> {
    pub(crate) fn retriers(&mut self, v: &Json, path: &str) -> Vec<Retrier> {
        let Some(items) = v.as_array() else {
            self.type_error(v, path, "an array of retriers");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, r) in items.iter().enumerate() {
            let p = index(path, i);
            let Some(members) = r.as_object() else {
                self.type_error(r, &p, "an object with `ErrorEquals`");
                continue;
            };
            self.no_duplicate_keys(members, &p);
            self.only_fields(members, &p, "a retrier", fields::RETRIER, None);
            let error_equals = self.error_equals(r, &p, i + 1 == items.len(), "retrier");
            let interval_seconds = r
                .get("IntervalSeconds")
                .and_then(|x| self.integer(x, &join(&p, "IntervalSeconds"), 1, MAX_SECONDS))
                .unwrap_or(1);
            let max_attempts = r
                .get("MaxAttempts")
                .and_then(|x| self.integer(x, &join(&p, "MaxAttempts"), 0, MAX_SECONDS))
                .unwrap_or(3);
            let max_delay_seconds = r
                .get("MaxDelaySeconds")
                .and_then(|x| self.integer(x, &join(&p, "MaxDelaySeconds"), 0, MAX_SECONDS));
            let backoff_rate = match r.get("BackoffRate") {
                None => 2.0,
                Some(b) => match b.as_number().and_then(serde_json::Number::as_f64) {
                    Some(rate) if rate >= 1.0 => rate,
                    Some(rate) => {
                        self.diags.error(
                            b.span,
                            &join(&p, "BackoffRate"),
                            format!("`BackoffRate` must be at least 1.0, found {rate}"),
                        );
                        2.0
                    }
                    None => {
                        self.type_error(b, &join(&p, "BackoffRate"), "a number of at least 1.0");
                        2.0
                    }
                },
            };
            let jitter_full = match r.get("JitterStrategy") {
                None => false,
                Some(j) => match j.as_str() {
                    Some("FULL") => true,
                    Some("NONE") => false,
                    _ => {
                        self.diags.error(
                            j.span,
                            &join(&p, "JitterStrategy"),
                            format!(
                                "`JitterStrategy` must be \"FULL\" or \"NONE\", found {}",
                                describe(j)
                            ),
                        );
                        false
                    }
                },
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter_full,
            });
        }
        out
    }

    pub(crate) fn catchers(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        index_of: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> Vec<Catcher> {
        let Some(items) = v.as_array() else {
            self.type_error(v, path, "an array of catchers");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, c) in items.iter().enumerate() {
            let p = index(path, i);
            let Some(members) = c.as_object() else {
                self.type_error(c, &p, "an object with `ErrorEquals` and `Next`");
                continue;
            };
            self.no_duplicate_keys(members, &p);
            let allowed = fields::catcher(language);
            self.only_fields(members, &p, "a catcher", allowed, None);
            let error_equals = self.error_equals(c, &p, i + 1 == items.len(), "catcher");
            let next = match self.required(c, "Next", &p) {
                Some(n) => match n.as_str() {
                    Some(name) => self.target(name, n.span, &join(&p, "Next"), index_of, key),
                    None => {
                        self.type_error(n, &join(&p, "Next"), "a string naming a state");
                        MISSING
                    }
                },
                None => MISSING,
            };
            let result_path = match c.get("ResultPath") {
                Some(rp) if allowed.contains(&"ResultPath") => {
                    self.path_field(rp, &join(&p, "ResultPath"), PathKind::Result)
                }
                _ => PathField::Default,
            };
            let output = match c.get("Output") {
                Some(o) if allowed.contains(&"Output") => {
                    Some(self.jsonata_template(o, &join(&p, "Output")))
                }
                _ => None,
            };
            let assign = c
                .get("Assign")
                .map(|a| self.assign(a, &join(&p, "Assign"), language));
            out.push(Catcher {
                error_equals,
                next,
                result_path,
                output,
                assign,
            });
        }
        out
    }

    /// `ErrorEquals`: a non-empty array of error names; `States.ALL` only
    /// alone and in the last retrier or catcher.
    fn error_equals(&mut self, obj: &Json, path: &str, is_last: bool, what: &str) -> Vec<String> {
        let Some(v) = self.required(obj, "ErrorEquals", path) else {
            return Vec::new();
        };
        let p = join(path, "ErrorEquals");
        let Some(items) = v.as_array() else {
            self.type_error(v, &p, "a non-empty array of error names");
            return Vec::new();
        };
        if items.is_empty() {
            self.diags.error(
                v.span,
                &p,
                "`ErrorEquals` must name at least one error (use [\"States.ALL\"] for any error)",
            );
        }
        let mut names = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let ip = index(&p, i);
            let Some(name) = item.as_str() else {
                self.type_error(item, &ip, "an error name string");
                continue;
            };
            if name == "States.ALL" {
                if items.len() > 1 {
                    self.diags.error(item.span, &ip, format!("`States.ALL` must appear alone in `ErrorEquals`; it already matches every error the {what} can see"));
                }
                if !is_last {
                    self.diags.error(item.span, &ip, format!("`States.ALL` may appear only in the last {what}; the ones after it could never match"));
                }
            } else if name.starts_with("States.") && !PREDEFINED_ERRORS.contains(&name) {
                let msg = format!(
                    "`{name}` is not a predefined error; names starting with `States.` are reserved"
                );
                match suggest(name, PREDEFINED_ERRORS.iter().copied()) {
                    Some(s) => {
                        self.diags
                            .error_help(item.span, &ip, msg, format!("did you mean `{s}`?"))
                    }
                    None => self.diags.error(item.span, &ip, msg),
                }
            }
            names.push(name.to_string());
        }
        names
    }
}
