//! Where a JSONata state may read `$states.result` and `$states.errorOutput`.
//!
//! `$states.input` and `$states.context` exist in every field. The result of
//! a Task, Parallel or Map exists only once it has run: in that state's
//! `Output` and `Assign`. The error output exists only in a Catch: in the
//! catcher's `Output` and `Assign` (AWS transforming-data page, "Reserved
//! variable: $states"). Anywhere else the member is absent and the
//! expression reads nothing, which fails at run time with "returned nothing
//! (undefined)" or silently changes a condition; a direct reference
//! (`$states.result...`) is reported here instead, at build time. Indirect
//! reads (`$lookup($states, 'result')`) are left to run time.

use super::Reader;
use crate::ir::{
    Condition, Dynamic, DynamicString, Items, Jsonata, State, StateKind, Template, Wait,
};
use sfn_lang::jsonata::{Expr, ExprKind};

/// What a field may read besides `input` and `context`.
#[derive(Clone, Copy)]
struct Allowed {
    result: bool,
    error_output: bool,
}

const NEITHER: Allowed = Allowed {
    result: false,
    error_output: false,
};

impl Reader<'_> {
    /// Reports the `$states.result` and `$states.errorOutput` references of
    /// a JSONata state that are made where the member does not exist.
    pub(crate) fn check_states_access<'s>(&mut self, state: &'s State, path: &str) {
        let mut found: Vec<(String, &'s Jsonata, &'static str)> = Vec::new();
        let produces_result = matches!(
            state.kind,
            StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)
        );
        let own = Allowed {
            result: produces_result,
            error_output: false,
        };
        let mut visit = |field: String, t: Option<&'s Template>, allowed: Allowed| {
            if let Some(t) = t {
                template(t, &field, allowed, &mut found);
            }
        };
        visit(
            format!("{path}.Arguments"),
            state.io.parameters.as_ref(),
            NEITHER,
        );
        visit(format!("{path}.Output"), state.io.output.as_ref(), own);
        visit(format!("{path}.Assign"), state.assign.as_ref(), own);
        let catch = match &state.kind {
            StateKind::Task(t) => Some(&t.errors.catch),
            StateKind::Parallel { errors, .. } => Some(&errors.catch),
            StateKind::Map(m) => Some(&m.errors.catch),
            _ => None,
        };
        let in_catch = Allowed {
            result: false,
            error_output: true,
        };
        for (i, c) in catch.into_iter().flatten().enumerate() {
            visit(
                format!("{path}.Catch[{i}].Output"),
                c.output.as_ref(),
                in_catch,
            );
            visit(
                format!("{path}.Catch[{i}].Assign"),
                c.assign.as_ref(),
                in_catch,
            );
        }
        let mut exprs: Vec<(String, &'s Jsonata)> = Vec::new();
        let mut dynamic = |field: &str, d: Option<&'s Jsonata>| {
            if let Some(j) = d {
                exprs.push((format!("{path}.{field}"), j));
            }
        };
        match &state.kind {
            StateKind::Task(t) => {
                dynamic("TimeoutSeconds", jsonata_of(t.timeout.as_ref()));
                dynamic("HeartbeatSeconds", jsonata_of(t.heartbeat.as_ref()));
            }
            StateKind::Wait(Wait::Seconds(Dynamic::Jsonata(j))) => dynamic("Seconds", Some(j)),
            StateKind::Wait(Wait::Timestamp(Dynamic::Jsonata(j))) => dynamic("Timestamp", Some(j)),
            StateKind::Fail { error, cause } => {
                if let Some(DynamicString::Jsonata(j)) = error {
                    dynamic("Error", Some(j));
                }
                if let Some(DynamicString::Jsonata(j)) = cause {
                    dynamic("Cause", Some(j));
                }
            }
            StateKind::Map(m) => {
                dynamic("MaxConcurrency", jsonata_of(m.max_concurrency.as_ref()));
                dynamic(
                    "ToleratedFailureCount",
                    jsonata_of(m.tolerated_failure_count.as_ref()),
                );
                dynamic(
                    "ToleratedFailurePercentage",
                    jsonata_of(m.tolerated_failure_percentage.as_ref()),
                );
            }
            _ => {}
        }
        for (field, j) in exprs {
            expression(j, &field, NEITHER, &mut found);
        }
        match &state.kind {
            StateKind::Map(m) => {
                if let Items::Template(t) = &m.items {
                    template(t, &format!("{path}.Items"), NEITHER, &mut found);
                }
                if let Some(t) = &m.item_selector {
                    template(t, &format!("{path}.ItemSelector"), NEITHER, &mut found);
                }
            }
            StateKind::Choice { choices, .. } => {
                for (i, rule) in choices.iter().enumerate() {
                    let rule_path = format!("{path}.Choices[{i}]");
                    if let Condition::Jsonata(j) = &rule.condition {
                        expression(j, &format!("{rule_path}.Condition"), NEITHER, &mut found);
                    }
                    for (name, t) in [("Output", &rule.output), ("Assign", &rule.assign)] {
                        if let Some(t) = t {
                            template(t, &format!("{rule_path}.{name}"), NEITHER, &mut found);
                        }
                    }
                }
            }
            _ => {}
        }
        for (field, j, member) in found {
            let message = match member {
                "result" => format!(
                    "`$states.result` does not exist here: it holds the result of a Task, \
                     Parallel or Map state, readable only in that state's own `Output` and \
                     `Assign` (found in `{}`)",
                    j.text
                ),
                _ => format!(
                    "`$states.errorOutput` does not exist here: it is readable only in a \
                     Catch's `Output` and `Assign` (found in `{}`)",
                    j.text
                ),
            };
            self.diags.error(j.span, &field, message);
        }
    }
}

fn jsonata_of<T>(d: Option<&Dynamic<T>>) -> Option<&Jsonata> {
    match d {
        Some(Dynamic::Jsonata(j)) => Some(j),
        _ => None,
    }
}

fn template<'t>(
    t: &'t Template,
    field: &str,
    allowed: Allowed,
    found: &mut Vec<(String, &'t Jsonata, &'static str)>,
) {
    match t {
        Template::Jsonata(j) => expression(j, field, allowed, found),
        Template::Object(members) => {
            for (key, t) in members {
                template(t, &format!("{field}.{key}"), allowed, found);
            }
        }
        Template::Array(items) => {
            for (i, t) in items.iter().enumerate() {
                template(t, &format!("{field}[{i}]"), allowed, found);
            }
        }
        Template::Literal(_) | Template::Path(_) | Template::Intrinsic(_) => {}
    }
}

fn expression<'t>(
    j: &'t Jsonata,
    field: &str,
    allowed: Allowed,
    found: &mut Vec<(String, &'t Jsonata, &'static str)>,
) {
    let mut members = Vec::new();
    references(&j.expr, &mut members);
    for member in members {
        let ok = match member {
            "result" => allowed.result,
            _ => allowed.error_output,
        };
        if !ok && !found.iter().any(|(f, _, m)| f == field && *m == member) {
            found.push((field.to_owned(), j, member));
        }
    }
}

/// The members `result` / `errorOutput` read directly as `$states.<member>`
/// anywhere in `e`, in the order written. Every node is visited by
/// [`Expr::walk`], without recursion, so a chain of any length (`a + b + …`,
/// one tree level per link) is safe on a small stack.
fn references(e: &Expr, out: &mut Vec<&'static str>) {
    e.walk(|e| {
        if let ExprKind::Path(p) = &e.kind
            && let [first, second, ..] = p.steps.as_slice()
            && matches!(&first.kind, ExprKind::Variable(v) if v == "states")
        {
            match &second.kind {
                ExprKind::Name(n) if n == "result" => out.push("result"),
                ExprKind::Name(n) if n == "errorOutput" => out.push("errorOutput"),
                _ => {}
            }
        }
    });
}
