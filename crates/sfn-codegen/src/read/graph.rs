//! Rules about the graph of one scope, checked once its states are read:
//! every state is reachable from `StartAt`, some state ends the scope, and
//! (a warning beyond what AWS checks) no reachable state is stuck in a loop
//! with no way out.

use super::{MISSING, Reader};
use crate::ir::{Scope, StateKind, Transition};
use crate::json::Span;

/// The states a state can go to: Next, Choice rules and Default, Catch.
pub(crate) fn successors(state: &crate::ir::State) -> Vec<usize> {
    let mut out = Vec::new();
    if let Transition::Next(n) = state.transition {
        out.push(n);
    }
    match &state.kind {
        StateKind::Choice { choices, default } => {
            out.extend(choices.iter().map(|c| c.next));
            out.extend(default.iter().copied());
        }
        _ => out.extend(catch_targets(state)),
    }
    out.retain(|&n| n != MISSING);
    out
}

fn catch_targets(state: &crate::ir::State) -> Vec<usize> {
    let errors = match &state.kind {
        StateKind::Task(t) => &t.errors,
        StateKind::Parallel { errors, .. } => errors,
        StateKind::Map(m) => &m.errors,
        _ => return Vec::new(),
    };
    errors.catch.iter().map(|c| c.next).collect()
}

pub(crate) fn check_scope(reader: &mut Reader<'_>, scope: &Scope, states_path: &str, span: Span) {
    let n = scope.states.len();
    let succ: Vec<Vec<usize>> = scope.states.iter().map(successors).collect();
    // A transition to a missing state was reported already; reachability
    // would only repeat it as "unreachable" for the state meant.
    let broken = scope.states.iter().any(|s| {
        matches!(s.transition, Transition::Next(MISSING))
            || matches!(&s.kind, StateKind::Choice { choices, default } if choices.iter().any(|c| c.next == MISSING) || *default == Some(MISSING))
            || catch_targets(s).contains(&MISSING)
    });

    // Reachability from StartAt.
    let mut reached = vec![false; n];
    let mut stack = vec![scope.start_at];
    while let Some(s) = stack.pop() {
        if s >= n || reached[s] {
            continue;
        }
        reached[s] = true;
        stack.extend(succ[s].iter().copied());
    }
    for (i, state) in scope.states.iter().enumerate() {
        if !reached[i] && !broken {
            reader.diags.error(
                state.span,
                &format!("{states_path}.{}", state.name),
                format!(
                    "state `{}` is unreachable: no `Next`, `Default` or Catch `Next` leads to it from `StartAt` (\"{}\")",
                    state.name, scope.states[scope.start_at].name
                ),
            );
        }
    }

    // At least one terminal state.
    let terminal: Vec<bool> = scope
        .states
        .iter()
        .map(|s| s.transition == Transition::End)
        .collect();
    if !terminal.iter().any(|&t| t) {
        reader.diags.error(
            span,
            states_path,
            "no state ends this scope: add a Succeed or Fail state, or `\"End\": true` on the last state",
        );
        return;
    }

    // Reachable states that can never reach a terminal state loop forever:
    // walk the transitions backwards from the terminal states (linear; a
    // fixpoint over all states would be quadratic on a long chain).
    let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, targets) in succ.iter().enumerate() {
        for &t in targets {
            if t < n {
                pred[t].push(i);
            }
        }
    }
    let mut can_end = terminal;
    let mut stack: Vec<usize> = (0..n).filter(|&i| can_end[i]).collect();
    while let Some(s) = stack.pop() {
        for &p in &pred[s] {
            if !can_end[p] {
                can_end[p] = true;
                stack.push(p);
            }
        }
    }
    for (i, state) in scope.states.iter().enumerate() {
        if reached[i] && !can_end[i] && !broken {
            reader.diags.warning(
                state.span,
                &format!("{states_path}.{}", state.name),
                format!("state `{}` can never reach the end of its scope: every path from it loops forever", state.name),
            );
        }
    }
}
