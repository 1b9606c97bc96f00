//! Facts about each scope, computed from the IR before any code is written:
//! which states read their raw input `data`, which move on to another
//! state, and which read the context object (and so the clock).
//!
//! The scope method ([`super::scope`]) declares `data` and `mut` from these
//! facts, so they must say exactly what the arms read and write: more, and
//! the generated code warns (unused `mut`); less, and it does not compile.
//! In debug builds `ScopeCx` checks every arm against them as it is
//! written (issue 13, item 4: a Cell read while arms were still being
//! written made the states before, in file order, the first one reading
//! `data` record `null` as their input).

use super::states::runs_nested_scopes;
use crate::ir::{
    Condition, Dynamic, DynamicString, ErrorHandling, Items, PathField, QueryLanguage, Scope,
    State, StateKind, Template, Test, Transition, Wait,
};
use sfn_lang::intrinsic::{Arg, Call};
use sfn_lang::path::{Path, Root};

/// What the states of one scope read and do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScopeFacts {
    /// Each state's facts, by index.
    pub(crate) states: Vec<StateFacts>,
}

/// What the arm of one state reads and does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StateFacts {
    /// The arm reads `data`, the state's raw input.
    pub(crate) uses_data: bool,
    /// The arm moves on to another state of the scope (`Next`, a Choice
    /// rule or `Default`, a catcher's `Next`), writing `state` and `data`.
    pub(crate) moves_on: bool,
    /// The state reads the context object `$$` (`$$.State.EnteredTime`
    /// among it), so its entry reads the clock.
    pub(crate) reads_context: bool,
}

impl ScopeFacts {
    /// The facts of `scope`'s states.
    pub(crate) fn of(scope: &Scope) -> Self {
        ScopeFacts {
            states: scope.states.iter().map(StateFacts::of).collect(),
        }
    }

    /// Whether some state reads `data`.
    pub(crate) fn uses_data(&self) -> bool {
        self.states.iter().any(|s| s.uses_data)
    }

    /// Whether some state moves on to another (the scope loops).
    pub(crate) fn has_transitions(&self) -> bool {
        self.states.iter().any(|s| s.moves_on)
    }
}

impl StateFacts {
    /// The facts of `state`, from what its arm (`emit/states/`) writes.
    pub(crate) fn of(state: &State) -> Self {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let next = matches!(state.transition, Transition::Next(_));
        let caught = |errors: &ErrorHandling| next || !errors.catch.is_empty();
        let (uses_data, moves_on) = match &state.kind {
            // With `Result`, a JSONPath Pass reads its input only to place
            // the result with a ResultPath.
            StateKind::Pass { result } => (
                jsonata || result.is_none() || state.io.result_path != PathField::Default,
                next,
            ),
            StateKind::Succeed => (true, false),
            StateKind::Wait(_) => (true, next),
            StateKind::Choice { choices, default } => {
                (true, !choices.is_empty() || default.is_some())
            }
            StateKind::Task(task) => (true, caught(&task.errors)),
            StateKind::Parallel { errors, .. } => (true, caught(errors)),
            StateKind::Map(map) => {
                // A Map that cannot run its processor fails on entry.
                let runs = runs_nested_scopes(state);
                (runs, runs && caught(&map.errors))
            }
            // Constant (or absent) `Error` and `Cause` read nothing.
            StateKind::Fail { error, cause } => (
                [error, cause]
                    .iter()
                    .any(|f| matches!(f, Some(f) if !matches!(f, DynamicString::Static(_)))),
                false,
            ),
        };
        StateFacts {
            uses_data,
            moves_on,
            reads_context: reads_context(state),
        }
    }
}

/// Whether the arm of `state` reads the context object. A Task's handler
/// gets the context, and a JSONata expression may read
/// `$states.context`: both always count. Other states read it through a
/// `$$` path in one of the fields their arm evaluates.
fn reads_context(state: &State) -> bool {
    if matches!(state.kind, StateKind::Task(_)) || state.query_language == QueryLanguage::Jsonata {
        return true;
    }
    let io = &state.io;
    let assign = state.assign.as_ref().is_some_and(template);
    let input = path_field(&io.input_path);
    let output = path_field(&io.output_path);
    // Result processing of the states with a result and Retry/Catch.
    let result = |errors: &ErrorHandling| {
        io.result_selector.as_ref().is_some_and(template)
            || path_field(&io.result_path)
            || errors
                .catch
                .iter()
                .any(|c| path_field(&c.result_path) || c.assign.as_ref().is_some_and(template))
    };
    match &state.kind {
        // Task states returned above.
        StateKind::Task(_) => true,
        // With `Result`, neither InputPath nor Parameters is evaluated.
        StateKind::Pass { result } => {
            (result.is_none() && (input || io.parameters.as_ref().is_some_and(template)))
                || assign
                || path_field(&io.result_path)
                || output
        }
        StateKind::Succeed => input || output,
        StateKind::Wait(wait) => {
            let duration = match wait {
                Wait::Seconds(Dynamic::Path(p)) | Wait::Timestamp(Dynamic::Path(p)) => path(p),
                _ => false,
            };
            input || duration || assign || output
        }
        StateKind::Fail { error, cause } => [error, cause].iter().any(|f| match f {
            Some(DynamicString::Path(p)) => path(p),
            Some(DynamicString::Intrinsic(c)) => call(c),
            _ => false,
        }),
        // The state's own Assign applies to `Default` only.
        StateKind::Choice { choices, default } => {
            input
                || output
                || (default.is_some() && assign)
                || choices.iter().any(|rule| {
                    condition(&rule.condition) || rule.assign.as_ref().is_some_and(template)
                })
        }
        StateKind::Parallel { errors, .. } => {
            input
                || io.parameters.as_ref().is_some_and(template)
                || result(errors)
                || assign
                || output
        }
        StateKind::Map(map) => {
            if !runs_nested_scopes(state) {
                return false;
            }
            let items = match &map.items {
                Items::Path(field) => path_field(field),
                Items::Template(t) => template(t),
            };
            let dynamic = |d: Option<&Dynamic<u64>>| matches!(d, Some(Dynamic::Path(p)) if path(p));
            let percentage = matches!(
                &map.tolerated_failure_percentage,
                Some(Dynamic::Path(p)) if path(p)
            );
            input
                || items
                || map.item_selector.as_ref().is_some_and(template)
                || dynamic(map.max_concurrency.as_ref())
                || dynamic(map.tolerated_failure_count.as_ref())
                || percentage
                || result(&map.errors)
                || assign
                || output
        }
    }
}

/// A path from the context object.
fn path(p: &Path) -> bool {
    p.root == Root::Context
}

fn path_field(field: &PathField) -> bool {
    matches!(field, PathField::Path(p) if path(p))
}

fn call(c: &Call) -> bool {
    c.args.iter().any(|arg| match arg {
        Arg::Path(p) => path(p),
        Arg::Call(c) => call(c),
        _ => false,
    })
}

/// A JSONPath template reading `$$`. One holding a JSONata expression is
/// written as an empty object (only JSONata states hold those).
fn template(t: &Template) -> bool {
    fn jsonata(t: &Template) -> bool {
        match t {
            Template::Jsonata(_) => true,
            Template::Object(members) => members.iter().any(|(_, t)| jsonata(t)),
            Template::Array(items) => items.iter().any(jsonata),
            _ => false,
        }
    }
    fn reads(t: &Template) -> bool {
        match t {
            Template::Path(p) => path(p),
            Template::Intrinsic(c) => call(c),
            Template::Object(members) => members.iter().any(|(_, t)| reads(t)),
            Template::Array(items) => items.iter().any(reads),
            Template::Literal(_) | Template::Jsonata(_) => false,
        }
    }
    !jsonata(t) && reads(t)
}

/// A Choice condition of a JSONPath state reading `$$`.
fn condition(c: &Condition) -> bool {
    match c {
        Condition::And(items) | Condition::Or(items) => items.iter().any(condition),
        Condition::Not(inner) => condition(inner),
        Condition::Test { variable, test } => {
            path(variable) || matches!(test, Test::ComparePath(_, _, other) if path(other))
        }
        Condition::Jsonata(_) | Condition::Literal(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(source: &str) -> ScopeFacts {
        let checked = crate::check(source, &crate::Options::default()).unwrap();
        ScopeFacts::of(&checked.machine.scope)
    }

    fn state(uses_data: bool, moves_on: bool, reads_context: bool) -> StateFacts {
        StateFacts {
            uses_data,
            moves_on,
            reads_context,
        }
    }

    #[test]
    fn order_of_states_does_not_matter() {
        let f = facts(
            r#"{"StartAt":"B","States":{"A":{"Type":"Fail","Error":"X"},"B":{"Type":"Pass","Next":"A"}}}"#,
        );
        assert_eq!(
            f.states,
            [state(false, false, false), state(true, true, false)]
        );
        assert!(f.uses_data() && f.has_transitions());
    }

    #[test]
    fn context_paths_anywhere() {
        let f = facts(
            r#"{"StartAt":"P","States":{
              "P":{"Type":"Pass","Parameters":{"t.$":"States.Format('{}', $$.State.EnteredTime)"},"Next":"C"},
              "C":{"Type":"Choice","Choices":[{"Variable":"$.a","StringEqualsPath":"$$.Execution.Id","Next":"R"}],"Default":"W"},
              "W":{"Type":"Wait","Seconds":1,"Next":"R"},
              "R":{"Type":"Pass","Result":1,"InputPath":"$$.Execution","Next":"F"},
              "F":{"Type":"Fail","ErrorPath":"$$.State.Name"}}}"#,
        );
        let context: Vec<bool> = f.states.iter().map(|s| s.reads_context).collect();
        // `R` has a Result: its InputPath is not evaluated.
        assert_eq!(context, [true, true, false, false, true]);
        let data: Vec<bool> = f.states.iter().map(|s| s.uses_data).collect();
        assert_eq!(data, [true, true, true, false, true]);
    }
}
