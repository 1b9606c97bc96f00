//! Workflow variables in JSONPath states: every `$name` a path or intrinsic
//! call reads should be assigned by some `Assign` in its scope or an
//! enclosing one (a Parallel branch or Map iteration sees the outer
//! variables). A read of a variable nothing assigns fails at run time, so it
//! is reported here as a warning: the definition is still accepted, as the
//! linters accept it (asl-validator's `valid-fail-paths` reads `$field2`).
//!
//! References inside JSONata expressions are checked with the JSONata
//! support; this pass covers paths, templates, intrinsic calls and Choice
//! rules.

use super::Reader;
use crate::diag::suggest;
use crate::ir::{
    Condition, Dynamic, DynamicString, Items, PathField, Scope, State, StateKind, Template, Test,
    Wait,
};
use sfn_lang::intrinsic::{Arg, Call};
use sfn_lang::path::{Path, Root};
use std::collections::BTreeSet;

/// Checks every scope of the machine, top-down.
pub(crate) fn check(reader: &mut Reader<'_>, scope: &Scope, states_path: &str) {
    let mut visible = Vec::new();
    check_scope(reader, scope, states_path, &mut visible);
}

fn check_scope(
    reader: &mut Reader<'_>,
    scope: &Scope,
    states_path: &str,
    visible: &mut Vec<BTreeSet<String>>,
) {
    let mut here = BTreeSet::new();
    for state in &scope.states {
        assigned(state, &mut here);
    }
    visible.push(here);
    for state in &scope.states {
        let path = format!("{states_path}.{}", state.name);
        let mut reads = Vec::new();
        references(state, &mut reads);
        for name in reads {
            if !visible.iter().any(|set| set.contains(&name)) {
                let msg = format!(
                    "state `{}` reads the variable `${name}`, but no `Assign` in this scope or an enclosing one sets `{name}`",
                    state.name
                );
                let candidates = visible.iter().map(BTreeSet::len).sum();
                let near = reader
                    .diags
                    .afford_hint(candidates)
                    .then(|| suggest(&name, visible.iter().flatten().map(String::as_str)))
                    .flatten()
                    .map(|n| format!("; did you mean `${n}`?"));
                reader.diags.warning(
                    state.span,
                    &path,
                    format!("{msg}{}", near.unwrap_or_default()),
                );
            }
        }
        match &state.kind {
            StateKind::Parallel { branches, .. } => {
                for (i, b) in branches.iter().enumerate() {
                    check_scope(reader, b, &format!("{path}.Branches[{i}].States"), visible);
                }
            }
            StateKind::Map(m) => check_scope(
                reader,
                &m.processor,
                &format!("{path}.ItemProcessor.States"),
                visible,
            ),
            _ => {}
        }
    }
    visible.pop();
}

/// Names assigned by a state, its Choice rules and its catchers.
fn assigned(state: &State, out: &mut BTreeSet<String>) {
    let mut add = |t: &Option<Template>| {
        if let Some(t) = t {
            match t {
                Template::Object(members) => out.extend(members.iter().map(|(k, _)| k.clone())),
                Template::Literal(serde_json::Value::Object(m)) => out.extend(
                    m.keys()
                        .map(|k| k.strip_suffix(".$").unwrap_or(k).to_string()),
                ),
                _ => {}
            }
        }
    };
    add(&state.assign);
    match &state.kind {
        StateKind::Choice { choices, .. } => choices.iter().for_each(|c| add(&c.assign)),
        StateKind::Task(t) => t.errors.catch.iter().for_each(|c| add(&c.assign)),
        StateKind::Parallel { errors, .. } => errors.catch.iter().for_each(|c| add(&c.assign)),
        StateKind::Map(m) => m.errors.catch.iter().for_each(|c| add(&c.assign)),
        _ => {}
    }
}

/// Variable names a state reads through JSONPath paths and intrinsic calls.
fn references(state: &State, out: &mut Vec<String>) {
    let io = &state.io;
    for f in [&io.input_path, &io.output_path, &io.result_path] {
        path_field(f, out);
    }
    for t in [&io.parameters, &io.result_selector, &state.assign]
        .into_iter()
        .flatten()
    {
        template(t, out);
    }
    match &state.kind {
        StateKind::Task(t) => {
            for d in [&t.timeout, &t.heartbeat].into_iter().flatten() {
                dynamic(d, out);
            }
            if let Some(c) = &t.credentials {
                template(c, out);
            }
            for c in &t.errors.catch {
                c.assign.iter().for_each(|a| template(a, out));
            }
        }
        StateKind::Choice { choices, .. } => {
            for c in choices {
                condition(&c.condition, out);
                c.assign.iter().for_each(|a| template(a, out));
            }
        }
        StateKind::Wait(Wait::Seconds(d)) => dynamic(d, out),
        StateKind::Wait(Wait::Timestamp(Dynamic::Path(p))) => path(p, out),
        StateKind::Fail { error, cause } => {
            for d in [error, cause].into_iter().flatten() {
                match d {
                    DynamicString::Path(p) => path(p, out),
                    DynamicString::Intrinsic(c) => call(c, out),
                    _ => {}
                }
            }
        }
        StateKind::Map(m) => {
            if let Items::Path(p) = &m.items {
                path_field(p, out);
            }
            if let Some(s) = &m.item_selector {
                template(s, out);
            }
            for d in [&m.max_concurrency, &m.tolerated_failure_count]
                .into_iter()
                .flatten()
            {
                dynamic(d, out);
            }
        }
        _ => {}
    }
}

fn dynamic<T>(d: &Dynamic<T>, out: &mut Vec<String>) {
    if let Dynamic::Path(p) = d {
        path(p, out);
    }
}

fn path_field(f: &PathField, out: &mut Vec<String>) {
    if let PathField::Path(p) = f {
        path(p, out);
    }
}

fn path(p: &Path, out: &mut Vec<String>) {
    if let Root::Variable(name) = &p.root {
        out.push(name.to_string());
    }
}

fn call(c: &Call, out: &mut Vec<String>) {
    for a in c.args.iter() {
        match a {
            Arg::Path(p) => path(p, out),
            Arg::Call(inner) => call(inner, out),
            _ => {}
        }
    }
}

fn template(t: &Template, out: &mut Vec<String>) {
    match t {
        Template::Object(members) => members.iter().for_each(|(_, v)| template(v, out)),
        Template::Array(items) => items.iter().for_each(|v| template(v, out)),
        Template::Path(p) => path(p, out),
        Template::Intrinsic(c) => call(c, out),
        Template::Literal(_) | Template::Jsonata(_) => {}
    }
}

fn condition(c: &Condition, out: &mut Vec<String>) {
    match c {
        Condition::And(v) | Condition::Or(v) => v.iter().for_each(|c| condition(c, out)),
        Condition::Not(c) => condition(c, out),
        Condition::Test { variable, test } => {
            path(variable, out);
            if let Test::ComparePath(_, _, p) = test {
                path(p, out);
            }
        }
        Condition::Jsonata(_) | Condition::Literal(_) => {}
    }
}
