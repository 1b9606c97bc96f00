//! Reading: spanned JSON to the IR, checking every rule that concerns one
//! state or one field on the way (types, allowed fields, field combinations,
//! embedded expressions), then every rule about the graph of a scope
//! (targets, reachability, terminal states) in [`graph`].
//!
//! The reader never stops at the first problem. Where a field is wrong it
//! records a diagnostic and goes on with a placeholder, so one run reports
//! everything; the IR is handed out only when there were no errors.

mod choice;
mod errors;
mod expr;
mod fields;
mod graph;
mod map;
mod names;
mod resource;
mod state;
mod states_access;
mod vars;

use crate::Options;
use crate::diag::{Diagnostics, suggest};
use crate::ir::{QueryLanguage, Scope, StateMachine};
use crate::json::{Json, JsonValue, Member, Span};
use std::collections::HashMap;

/// Reads a whole definition.
pub(crate) fn read_machine(
    root: &Json,
    options: &Options,
    diags: &mut Diagnostics,
) -> Option<StateMachine> {
    let mut reader = Reader {
        diags,
        options,
        top_language: QueryLanguage::JsonPath,
        all_names: HashMap::new(),
    };
    reader.machine(root)
}

/// Which scope a state name belongs to (for "transition out of a branch" messages).
type ScopeKey = usize;

pub(crate) struct Reader<'a> {
    pub(crate) diags: &'a mut Diagnostics,
    pub(crate) options: &'a Options,
    /// The top-level query language, inherited by every state without its own.
    pub(crate) top_language: QueryLanguage,
    /// Every state name in the machine and the scope it is in.
    pub(crate) all_names: HashMap<String, ScopeKey>,
}

/// A placeholder for a transition whose target does not exist; only seen
/// when there are errors, so never in a returned IR.
pub(crate) const MISSING: usize = usize::MAX;

impl Reader<'_> {
    fn machine(&mut self, root: &Json) -> Option<StateMachine> {
        let Some(members) = root.as_object() else {
            self.diags.error(
                root.span,
                "",
                format!(
                    "a state machine definition must be a JSON object, found {}",
                    describe(root)
                ),
            );
            return None;
        };
        self.no_duplicate_keys(members, "");
        self.only_fields(members, "", "the state machine", fields::TOP_LEVEL, None);

        if let Some(ql) = root.get("QueryLanguage") {
            self.top_language = self
                .query_language(ql, "QueryLanguage")
                .unwrap_or(QueryLanguage::JsonPath);
        }
        let comment = self.opt_string(root, "Comment", "");
        let version = self.opt_string(root, "Version", "");
        let timeout_seconds = root
            .get("TimeoutSeconds")
            .and_then(|v| self.integer(v, "TimeoutSeconds", 1, MAX_SECONDS));

        names::collect(self, root);
        let scope = self.scope(root, "", 0, &mut 0)?;
        vars::check(self, &scope, "States");
        if self.diags.has_errors() {
            return None;
        }
        Some(StateMachine {
            comment,
            query_language: self.top_language,
            timeout_seconds,
            version,
            scope,
        })
    }

    /// Reads `{StartAt, States, Comment}` (the top level, a branch, a processor).
    /// `prefix` is the definition path of the object (`""` at the top level).
    /// `key` identifies the scope; `next_key` hands out keys to nested scopes in
    /// the same order as [`names::collect`].
    pub(crate) fn scope(
        &mut self,
        obj: &Json,
        prefix: &str,
        key: ScopeKey,
        next_key: &mut ScopeKey,
    ) -> Option<Scope> {
        let comment = self.opt_string(obj, "Comment", prefix);
        let states_path = join(prefix, "States");
        let Some(states_json) = self.required(obj, "States", prefix) else {
            // Still flag a missing StartAt.
            self.required(obj, "StartAt", prefix);
            return None;
        };
        let Some(members) = states_json.as_object() else {
            self.diags.error(
                states_json.span,
                &states_path,
                format!(
                    "`States` must be an object of named states, found {}",
                    describe(states_json)
                ),
            );
            return None;
        };
        if members.is_empty() {
            self.diags.error(
                states_json.span,
                &states_path,
                "`States` must contain at least one state",
            );
        }
        let index: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .rev()
            .map(|(i, m)| (m.key.as_str(), i))
            .collect();

        let start_at = match self.required(obj, "StartAt", prefix) {
            Some(v) => match v.as_str() {
                Some(name) => self.resolve(name, v.span, &join(prefix, "StartAt"), &index, key),
                None => {
                    self.type_error(v, &join(prefix, "StartAt"), "a string naming a state");
                    MISSING
                }
            },
            None => MISSING,
        };

        let mut states = Vec::with_capacity(members.len());
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for member in members {
            let path = join(&states_path, &member.key);
            if seen.insert(member.key.as_str(), member.key_span).is_some() {
                self.diags.error(
                    member.key_span,
                    &path,
                    format!(
                        "state `{}` is defined twice in the same `States`",
                        member.key
                    ),
                );
            }
            states.push(self.state(member, &path, &index, key, next_key));
        }
        if members.is_empty() || start_at == MISSING {
            return None;
        }
        let scope = Scope {
            start_at,
            states,
            comment,
        };
        graph::check_scope(self, &scope, &states_path, obj.span);
        Some(scope)
    }

    /// Resolves a transition target in the current scope, reporting a
    /// missing name with the nearest existing one, or the branch it lives in.
    pub(crate) fn resolve(
        &mut self,
        name: &str,
        span: Span,
        path: &str,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> usize {
        if let Some(&i) = index.get(name) {
            return i;
        }
        match self.all_names.get(name) {
            Some(&other) if other != key => {
                self.diags.error(
                    span,
                    path,
                    format!("`{name}` is a state of another scope; a transition cannot leave or enter a Parallel branch or a Map processor"),
                );
            }
            _ => match suggest(name, index.keys().copied()) {
                Some(near) => self.diags.error_help(
                    span,
                    path,
                    format!("no state named `{name}` in this scope"),
                    format!("did you mean `{near}`?"),
                ),
                None => {
                    let mut known: Vec<&str> = index.keys().copied().collect();
                    known.sort_unstable();
                    let list = known
                        .iter()
                        .take(8)
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.diags.error(
                        span,
                        path,
                        format!("no state named `{name}` in this scope; states here: {list}"),
                    );
                }
            },
        }
        MISSING
    }

    // ----- generic field helpers -----

    /// A required member; reports its absence on the object.
    pub(crate) fn required<'j>(
        &mut self,
        obj: &'j Json,
        key: &str,
        path: &str,
    ) -> Option<&'j Json> {
        let v = obj.get(key);
        if v.is_none() {
            let what = if path.is_empty() {
                "the state machine".to_string()
            } else {
                format!("`{path}`")
            };
            self.diags.error(
                object_head(obj),
                path,
                format!("{what} is missing the required field `{key}`"),
            );
        }
        v
    }

    /// An optional string member.
    pub(crate) fn opt_string(&mut self, obj: &Json, key: &str, path: &str) -> Option<String> {
        let v = obj.get(key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.type_error(v, &join(path, key), "a string");
                None
            }
        }
    }

    /// Reports a value of the wrong JSON type.
    pub(crate) fn type_error(&mut self, v: &Json, path: &str, expected: &str) {
        let field = last_segment(path);
        self.diags.error(
            v.span,
            path,
            format!("`{field}` must be {expected}, found {}", describe(v)),
        );
    }

    /// An integer in `min..=max`.
    ///
    /// Whether the number is an integer is decided on its text, exactly:
    /// `3.0` and `3e2` are integers, `1.5` is not, and an integer too large
    /// for any machine type (`18446744073709551616`) is out of range, not
    /// "not an integer".
    pub(crate) fn integer(&mut self, v: &Json, path: &str, min: i64, max: i64) -> Option<u64> {
        let field = last_segment(path);
        let JsonValue::Number { raw, .. } = &v.value else {
            self.type_error(v, path, "an integer");
            return None;
        };
        let message = match exact_integer(raw) {
            None => format!("`{field}` must be an integer, found {raw}"),
            Some(Ok(i)) if i >= min && i <= max => return u64::try_from(i).ok(),
            Some(Ok(i)) if i < min => format!("`{field}` must be at least {min}, found {raw}"),
            Some(Err(std::cmp::Ordering::Less)) => {
                format!("`{field}` must be at least {min}, found {raw}")
            }
            Some(_) => format!("`{field}` must be at most {max}, found {raw}"),
        };
        self.diags.error(v.span, path, message);
        None
    }

    /// `"JSONPath"` or `"JSONata"`.
    pub(crate) fn query_language(&mut self, v: &Json, path: &str) -> Option<QueryLanguage> {
        match v.as_str() {
            Some("JSONPath") => Some(QueryLanguage::JsonPath),
            Some("JSONata") => Some(QueryLanguage::Jsonata),
            Some(other) => {
                let help =
                    suggest(other, ["JSONPath", "JSONata"]).map(|s| format!("did you mean `{s}`?"));
                let msg = format!(
                    "`QueryLanguage` must be \"JSONPath\" or \"JSONata\", found \"{other}\""
                );
                match help {
                    Some(h) => self.diags.error_help(v.span, path, msg, h),
                    None => self.diags.error(v.span, path, msg),
                }
                None
            }
            None => {
                self.type_error(v, path, "\"JSONPath\" or \"JSONata\"");
                None
            }
        }
    }

    /// Reports a key that appears twice in one object.
    pub(crate) fn no_duplicate_keys(&mut self, members: &[Member], path: &str) {
        for (i, m) in members.iter().enumerate() {
            if members[..i].iter().any(|earlier| earlier.key == m.key) {
                self.diags.error(
                    m.key_span,
                    &join(path, &m.key),
                    format!("field `{}` appears twice in the same object", m.key),
                );
            }
        }
    }

    /// Checks that every member is one of `allowed`; `what` names the object
    /// in messages ("a Pass state"). `language` is the state's query language
    /// when the object is a state.
    pub(crate) fn only_fields(
        &mut self,
        members: &[Member],
        path: &str,
        what: &str,
        allowed: &[&str],
        language: Option<QueryLanguage>,
    ) {
        for m in members {
            if allowed.contains(&m.key.as_str()) {
                continue;
            }
            let field_path = join(path, &m.key);
            let value = m.value.as_number().and_then(serde_json::Number::as_u64);
            let message = fields::explain_unknown(&m.key, value, what, allowed, language);
            match message.help {
                Some(help) => self
                    .diags
                    .error_help(m.key_span, &field_path, message.text, help),
                None => self.diags.error(m.key_span, &field_path, message.text),
            }
        }
    }
}

/// The largest number of seconds ASL accepts in timeouts and intervals.
pub(crate) const MAX_SECONDS: i64 = 99_999_999;

/// The exact value of a JSON number's text if it is an integer: `None` when
/// it has a fractional part (`1.5`, `1e-1`), `Some(Ok(i))` when it fits an
/// `i64`, and `Some(Err(Greater))` / `Some(Err(Less))` for an integer above
/// or below every `i64` (`18446744073709551616`, `1e30`, `-1e30`).
fn exact_integer(raw: &str) -> Option<Result<i64, std::cmp::Ordering>> {
    use std::cmp::Ordering;
    let (negative, rest) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, "0"),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The exponent, saturated: anything beyond ±10⁶ is out of every range.
    let exp_digits = exponent.trim_start_matches(['+', '-']);
    let exp_value: i64 = if exp_digits.len() > 7 {
        10_000_000
    } else {
        exp_digits.parse().ok()?
    };
    let exp = if exponent.starts_with('-') {
        -exp_value
    } else {
        exp_value
    };
    // All the digits, and the power of ten of the last one.
    let digits: String = format!("{int_part}{frac_part}");
    let mut scale = exp - frac_part.len() as i64;
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(Ok(0));
    }
    let significant = digits.trim_end_matches('0');
    scale += (digits.len() - significant.len()) as i64;
    if scale < 0 {
        // Nonzero digits after the decimal point.
        return None;
    }
    let out_of_range = if negative {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    if significant.len() as i64 + scale > 19 {
        return Some(Err(out_of_range));
    }
    let mut value: i128 = significant.parse().ok()?;
    for _ in 0..scale {
        value *= 10;
    }
    if negative {
        value = -value;
    }
    Some(i64::try_from(value).map_err(|_| out_of_range))
}

/// `a.b` style path join (empty prefix gives just the key).
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// `a[3]` style index join.
pub(crate) fn index(prefix: &str, i: usize) -> String {
    format!("{prefix}[{i}]")
}

fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A short description of a value for messages: `number 5`, `null`, `an array`.
pub(crate) fn describe(v: &Json) -> String {
    match &v.value {
        JsonValue::Null => "null".into(),
        JsonValue::Bool(b) => format!("`{b}`"),
        JsonValue::Number { raw, .. } => format!("the number {raw}"),
        JsonValue::String(s) if s.chars().count() > 40 => {
            format!("a string \"{}...\"", s.chars().take(40).collect::<String>())
        }
        JsonValue::String(s) => format!("the string \"{s}\""),
        JsonValue::Array(_) => "an array".into(),
        JsonValue::Object(_) => "an object".into(),
    }
}

/// The span of an object's opening brace, where "missing field" errors point.
fn object_head(obj: &Json) -> Span {
    Span::new(obj.span.start, (obj.span.start + 1).min(obj.span.end))
}
