//! Workflows of 100,000 states, generated here: accepted when valid, and
//! every problem reported when not, with hints for the first misspelt names
//! and none for the rest (the check stays linear; `sfn check` on such a
//! file takes a fraction of a second in a release build). No timing is
//! asserted; a quadratic pass shows as a test that takes minutes.

use serde_json::{Map, Value, json};
use sfn_codegen::{Diagnostic, Failure, Options, Severity, check};

const STATES: usize = 100_000;

/// A chain of `n` Pass states `State0` → `State1` → ...; `next(i)` is the
/// `Next` of state `i` (the last one ends).
fn chain(n: usize, prefix: &str, next: impl Fn(usize) -> String) -> Value {
    let mut states = Map::new();
    for i in 0..n {
        let state = if i + 1 == n {
            json!({"Type": "Pass", "End": true})
        } else {
            json!({"Type": "Pass", "Next": next(i)})
        };
        states.insert(format!("{prefix}{i}"), state);
    }
    json!({"StartAt": format!("{prefix}0"), "States": states})
}

fn errors(definition: &Value) -> Vec<Diagnostic> {
    let text = serde_json::to_string_pretty(definition).unwrap();
    match check(&text, &Options::default()) {
        Ok(_) => panic!("accepted"),
        Err(Failure::NotJson(e)) => panic!("not JSON: {e}"),
        Err(Failure::Invalid(d)) => d,
    }
}

#[test]
fn a_chain_of_100000_states_is_accepted() {
    let definition = chain(STATES, "State", |i| format!("State{}", i + 1));
    let text = serde_json::to_string_pretty(&definition).unwrap();
    let checked = check(&text, &Options::default()).unwrap_or_else(|_| panic!("rejected"));
    assert!(checked.warnings.is_empty(), "{:?}", &checked.warnings[..1]);
    assert_eq!(checked.machine.scope.states.len(), STATES);
}

#[test]
fn misspelt_names_in_100000_states_are_all_reported() {
    // Every other `Next` names `Stat{i}x` instead of `State{i}`.
    let definition = chain(STATES, "State", |i| {
        if i % 2 == 0 {
            format!("Stat{}x", i + 1)
        } else {
            format!("State{}", i + 1)
        }
    });
    let diags = errors(&definition);
    assert_eq!(diags.len(), STATES / 2);
    for (k, d) in diags.iter().enumerate() {
        let i = 2 * k;
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.path, format!("States.State{i}.Next"));
        assert_eq!(
            d.message,
            format!("no state named `Stat{}x` in this scope", i + 1),
        );
    }
    // The first ones get a hint; once the hint budget is spent, the others
    // are reported without one (and no longer cost the size of the scope).
    let hinted = diags.iter().take_while(|d| d.help.is_some()).count();
    assert!(hinted >= 1, "{:?}", diags[0]);
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `State1`?"));
    assert!(diags[hinted..].iter().all(|d| d.help.is_none()));
}

/// A Parallel state of 1,000 branches of 100 states each; `name(b, i)`
/// names state `i` of branch `b`.
fn branches(name: impl Fn(usize, usize) -> String) -> Value {
    let branches: Vec<Value> = (0..STATES / 100)
        .map(|b| {
            let mut states = Map::new();
            for i in 0..100 {
                let state = if i == 99 {
                    json!({"Type": "Pass", "End": true})
                } else {
                    json!({"Type": "Pass", "Next": name(b, i + 1)})
                };
                states.insert(name(b, i), state);
            }
            json!({"StartAt": name(b, 0), "States": states})
        })
        .collect();
    json!({"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "Branches": branches, "End": true}}})
}

#[test]
fn names_across_1000_branches_are_checked_once_each() {
    let definition = branches(|b, i| format!("B{b}S{i}"));
    let text = serde_json::to_string(&definition).unwrap();
    assert!(check(&text, &Options::default()).is_ok());

    // Every branch reuses the first branch's names: each later one is
    // reported once, with the place it was first used.
    let diags = errors(&branches(|_, i| format!("S{i}")));
    assert_eq!(diags.len(), STATES - 100);
    assert_eq!(
        diags[0].message,
        "state name `S0` is already used at `States.Fan.Branches[0].States.S0`; state names must be unique across the whole state machine, nested branches and processors included"
    );
    assert!(
        diags
            .iter()
            .all(|d| d.message.contains("is already used at"))
    );
}
