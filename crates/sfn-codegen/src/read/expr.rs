//! Embedded expressions: path fields, payload templates (`.$` keys),
//! intrinsic calls and JSONata strings, parsed here once so that code
//! generation and the runtime never see text.

use super::{Reader, describe, index, join};
use crate::ir::{Jsonata, PathField, Template};
use crate::json::{Json, JsonValue, Span};
use sfn_lang::SyntaxError;
use sfn_lang::intrinsic;
use sfn_lang::path::{self, Path, Root};

/// What a path field accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// InputPath, OutputPath: any Path (`$`, `$$`, `$var`), or null.
    Selection,
    /// ResultPath: a Reference Path into the state's input, or null.
    Result,
    /// ItemsPath: any Path, not null.
    Items,
}

impl Reader<'_> {
    /// Reports a syntax error inside the string value `v`, pointing at the
    /// character where it is when the string has no escapes to shift it.
    pub(crate) fn syntax_error(&mut self, v: &Json, path: &str, what: &str, err: &SyntaxError) {
        let span = inner_span(v, err.offset);
        self.diags
            .error(span, path, format!("{what}: {}", err.message));
    }

    /// A path field such as InputPath, ResultPath or ItemsPath.
    pub(crate) fn path_field(&mut self, v: &Json, path: &str, kind: PathKind) -> PathField {
        let field = super::last_segment(path).to_string();
        if v.is_null() {
            if kind == PathKind::Items {
                self.diags.error(v.span, path, "`ItemsPath` cannot be null; leave it out to iterate over the whole input (`$`)");
            }
            return PathField::Null;
        }
        let Some(text) = v.as_str() else {
            self.type_error(v, path, "a JSONPath string or null");
            return PathField::Default;
        };
        if kind == PathKind::Result {
            return match self.reference_path(v, path) {
                Some(p) => match &p.root {
                    Root::Context => {
                        self.diags.error(v.span, path, "`ResultPath` cannot write into the context object (`$$`); use a path starting with `$.`");
                        PathField::Default
                    }
                    Root::Variable(name) => {
                        self.diags.error_help(
                            v.span,
                            path,
                            format!("`ResultPath` cannot contain a variable (`${name}`)"),
                            "assign variables with `Assign`; ResultPath places the result in the state's input, e.g. `$.result`",
                        );
                        PathField::Default
                    }
                    Root::Input => PathField::Path(p),
                },
                None => PathField::Default,
            };
        }
        if intrinsic::looks_like_call(text) {
            self.diags.error(
                v.span,
                path,
                format!("`{field}` must be a path, not an intrinsic function call; intrinsic functions are allowed in payload templates (keys ending in `.$`)"),
            );
            return PathField::Default;
        }
        match path::parse_path(text) {
            Ok(p) => PathField::Path(p),
            Err(e) => {
                self.syntax_error(v, path, &format!("`{field}` is not a valid JSONPath"), &e);
                PathField::Default
            }
        }
    }

    /// A Reference Path (SecondsPath, TimeoutSecondsPath, `*Path` operands, ResultPath, Variable...).
    pub(crate) fn reference_path(&mut self, v: &Json, path: &str) -> Option<Path> {
        let field = super::last_segment(path).to_string();
        let Some(text) = v.as_str() else {
            self.type_error(v, path, "a reference path string");
            return None;
        };
        if intrinsic::looks_like_call(text) {
            self.diags.error(v.span, path, format!("`{field}` must be a reference path such as `$.a.b`, not an intrinsic function call"));
            return None;
        }
        match path::parse_reference_path(text) {
            Ok(p) => Some(p),
            Err(e) => {
                self.syntax_error(
                    v,
                    path,
                    &format!("`{field}` is not a valid reference path"),
                    &e,
                );
                None
            }
        }
    }

    /// The value of a `.$` member: a path or an intrinsic call.
    pub(crate) fn dynamic_value(&mut self, v: &Json, path: &str, key: &str) -> Option<Template> {
        let Some(text) = v.as_str() else {
            self.diags.error(
                v.span,
                path,
                format!("the value of `{key}` must be a string holding a path or an intrinsic function call (keys ending in `.$` are evaluated), found {}", describe(v)),
            );
            return None;
        };
        if text.starts_with('$') {
            return match path::parse_path(text) {
                Ok(p) => Some(Template::Path(p)),
                Err(e) => {
                    self.syntax_error(
                        v,
                        path,
                        &format!("the value of `{key}` is not a valid JSONPath"),
                        &e,
                    );
                    None
                }
            };
        }
        if intrinsic::looks_like_call(text) {
            return match intrinsic::parse_intrinsic(text) {
                Ok(call) => Some(Template::Intrinsic(call)),
                Err(e) => {
                    self.syntax_error(
                        v,
                        path,
                        &format!("invalid intrinsic function call in `{key}`"),
                        &e,
                    );
                    None
                }
            };
        }
        self.diags.error_help(
            v.span,
            path,
            format!("the value of `{key}` is not a JSONPath or an intrinsic function call: \"{text}\""),
            "a key ending in `.$` takes a path such as `$.field`, `$$.Execution.Id`, `$variable` or a call such as `States.Format(...)`; for a literal string drop the `.$` from the key",
        );
        None
    }

    /// An intrinsic call or path for `ErrorPath`/`CausePath`.
    pub(crate) fn path_or_call(&mut self, v: &Json, path: &str) -> Option<Template> {
        let field = super::last_segment(path).to_string();
        match v.as_str() {
            Some(_) => self.dynamic_value(v, path, &field),
            None => {
                self.type_error(v, path, "a path or an intrinsic function call");
                None
            }
        }
    }

    /// A JSONPath payload template (Parameters, ResultSelector, ItemSelector,
    /// Credentials, Assign's values).
    pub(crate) fn template(&mut self, v: &Json, path: &str) -> Template {
        match &v.value {
            JsonValue::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                let mut all_literal = true;
                for (i, m) in members.iter().enumerate() {
                    let member_path = join(path, &m.key);
                    let (name, dynamic) = match m.key.strip_suffix(".$") {
                        Some(stripped) => (stripped, true),
                        None => (m.key.as_str(), false),
                    };
                    if let Some(previous) = members[..i]
                        .iter()
                        .find(|p| p.key.strip_suffix(".$").unwrap_or(&p.key) == name)
                    {
                        let msg = if previous.key == m.key {
                            format!("field `{}` appears twice in the same object", m.key)
                        } else {
                            format!(
                                "`{}` and `{}` both produce the field `{name}` (the `.$` suffix is removed when the template is evaluated)",
                                previous.key, m.key
                            )
                        };
                        self.diags.error(m.key_span, &member_path, msg);
                    }
                    let value = if dynamic {
                        all_literal = false;
                        self.dynamic_value(&m.value, &member_path, &m.key)
                            .unwrap_or(Template::Literal(serde_json::Value::Null))
                    } else {
                        let t = self.template(&m.value, &member_path);
                        all_literal &= matches!(t, Template::Literal(_));
                        t
                    };
                    out.push((name.to_string(), value));
                }
                if all_literal {
                    Template::Literal(v.to_value())
                } else {
                    Template::Object(out)
                }
            }
            JsonValue::Array(items) => {
                let out: Vec<Template> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.template(item, &index(path, i)))
                    .collect();
                if out.iter().all(|t| matches!(t, Template::Literal(_))) {
                    Template::Literal(v.to_value())
                } else {
                    Template::Array(out)
                }
            }
            _ => Template::Literal(v.to_value()),
        }
    }

    /// A JSONata template (Arguments, Output, Assign values, Items...):
    /// any JSON, where each `{% ... %}` string is an expression.
    pub(crate) fn jsonata_template(&mut self, v: &Json, path: &str) -> Template {
        match &v.value {
            JsonValue::Object(members) => {
                self.no_duplicate_keys(members, path);
                let mut out = Vec::with_capacity(members.len());
                for m in members {
                    let member_path = join(path, &m.key);
                    // A `.$` key is an ordinary literal key in JSONata (AWS keeps it as written).
                    out.push((m.key.clone(), self.jsonata_template(&m.value, &member_path)));
                }
                if out.iter().all(|(_, t)| matches!(t, Template::Literal(_))) {
                    Template::Literal(v.to_value())
                } else {
                    Template::Object(out)
                }
            }
            JsonValue::Array(items) => {
                let out: Vec<Template> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.jsonata_template(item, &index(path, i)))
                    .collect();
                if out.iter().all(|t| matches!(t, Template::Literal(_))) {
                    Template::Literal(v.to_value())
                } else {
                    Template::Array(out)
                }
            }
            JsonValue::String(_) => match self.jsonata(v, path) {
                Some(Ok(j)) => Template::Jsonata(j),
                _ => Template::Literal(v.to_value()),
            },
            _ => Template::Literal(v.to_value()),
        }
    }

    /// Reads a JSONata string: `None` when `v` is not an expression string at
    /// all, `Some(Err(()))` when it is malformed (already reported).
    pub(crate) fn jsonata(&mut self, v: &Json, path: &str) -> Option<Result<Jsonata, ()>> {
        let text = v.as_str()?;
        let (expr_text, offset) = match sfn_lang::jsonata::split_expression(text)? {
            Ok(split) => split,
            Err(e) => {
                self.syntax_error(v, path, "malformed JSONata expression", &e);
                return Some(Err(()));
            }
        };
        match sfn_lang::jsonata::parse(expr_text) {
            Ok(expr) => Some(Ok(Jsonata {
                text: expr_text.to_string(),
                expr,
                span: v.span,
            })),
            Err(e) => {
                let shifted = SyntaxError::new(e.offset + offset, e.message);
                self.syntax_error(v, path, "JSONata syntax error", &shifted);
                Some(Err(()))
            }
        }
    }

    /// A JSONata expression where one is required or a literal of another
    /// kind is read by the caller: `Some(Ok)` for an expression.
    pub(crate) fn is_jsonata_string(v: &Json) -> bool {
        v.as_str()
            .is_some_and(|s| s.starts_with("{%") || s.ends_with("%}"))
    }
}

/// The span of the character at `offset` within the string value `v`, when
/// the JSON text of the string has no escapes (else the whole string).
fn inner_span(v: &Json, offset: usize) -> Span {
    if let JsonValue::String(s) = &v.value {
        // Raw length equals decoded length plus the quotes only without escapes.
        if v.span.end - v.span.start == s.len() + 2 {
            let start = (v.span.start + 1 + offset).min(v.span.end.saturating_sub(1));
            let len = s
                .get(offset..)
                .and_then(|t| t.chars().next())
                .map_or(1, char::len_utf8);
            return Span::new(start, (start + len).min(v.span.end));
        }
    }
    v.span
}
