//! Property: every execution of a state machine with `TimeoutSeconds` ends
//! by itself within that timeout, whatever its states do: endless loops,
//! tasks that never answer, retries, Waits, Parallel branches and Map
//! iterations. Time is paused, so the bound is exact: an execution that
//! times out has run for exactly its timeout in tokio's clock.
//!
//! The workflows are random programs run by one interpreter workflow: the
//! input holds a list of operations (`pass`, `wait`, `task`, `hang`,
//! `parallel`, `map`, `jump`, `fail`), and the workflow dispatches on each
//! in turn with a Choice state. Jumps make loops (backwards) and skips
//! (forwards), so one compiled workflow runs any control flow.

#![deny(warnings)]

use proptest::prelude::*;
use serde_json::{Value, json};
use sfn_runtime::{ExecutionStatus, Settings, StateMachineType, TaskContext, TaskError};
use std::sync::Arc;
use std::time::Duration;

/// The interpreter, with a given `TimeoutSeconds`.
macro_rules! interpreter {
    ($module:ident, $timeout:literal) => {
        sfn_macros::asl!(pub mod $module, {
          "TimeoutSeconds": $timeout,
          "StartAt": "Check",
          "States": {
            "Check": {
              "Type": "Choice",
              "Choices": [{"Variable": "$.pc", "NumericGreaterThanEqualsPath": "$.len", "Next": "Done"}],
              "Default": "Fetch"
            },
            "Fetch": {
              "Type": "Pass",
              "Parameters": {
                "program.$": "$.program", "pc.$": "$.pc", "len.$": "$.len",
                "op.$": "States.ArrayGetItem($.program, $.pc)"
              },
              "Next": "Dispatch"
            },
            "Dispatch": {
              "Type": "Choice",
              "Choices": [
                {"Variable": "$.op.kind", "StringEquals": "wait", "Next": "Nap"},
                {"Variable": "$.op.kind", "StringEquals": "task", "Next": "Work"},
                {"Variable": "$.op.kind", "StringEquals": "hang", "Next": "Hang"},
                {"Variable": "$.op.kind", "StringEquals": "parallel", "Next": "Both"},
                {"Variable": "$.op.kind", "StringEquals": "map", "Next": "Each"},
                {"Variable": "$.op.kind", "StringEquals": "jump", "Next": "Jump"},
                {"Variable": "$.op.kind", "StringEquals": "fail", "Next": "Stop"}
              ],
              "Default": "Step"
            },
            "Nap": {"Type": "Wait", "SecondsPath": "$.op.seconds", "Next": "Step"},
            "Work": {
              "Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work",
              "Parameters": {"ms.$": "$.op.ms", "fail.$": "$.op.fail"},
              "ResultPath": null,
              "TimeoutSeconds": 20,
              "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": null, "Next": "Step"}],
              "Next": "Step"
            },
            "Hang": {
              "Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Hang",
              "ResultPath": null,
              "Next": "Step"
            },
            "Both": {
              "Type": "Parallel",
              "Branches": [
                {"StartAt": "Left", "States": {"Left": {
                  "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work",
                  "Parameters": {"ms.$": "$.op.ms", "fail": false}, "End": true}}},
                {"StartAt": "Right", "States": {"Right": {
                  "Type": "Wait", "SecondsPath": "$.op.seconds", "End": true}}}
              ],
              "ResultPath": null,
              "Next": "Step"
            },
            "Each": {
              "Type": "Map",
              "ItemsPath": "$.op.items",
              "MaxConcurrency": 2,
              "ItemProcessor": {
                "StartAt": "Item",
                "States": {"Item": {
                  "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work",
                  "Parameters": {"ms.$": "$", "fail": false}, "End": true}}
              },
              "ResultPath": null,
              "Next": "Step"
            },
            "Jump": {
              "Type": "Pass",
              "Parameters": {"program.$": "$.program", "pc.$": "$.op.to", "len.$": "$.len"},
              "Next": "Check"
            },
            "Stop": {"Type": "Fail", "Error": "Program.Failed", "Cause": "a fail operation"},
            "Step": {
              "Type": "Pass",
              "Parameters": {"program.$": "$.program", "pc.$": "States.MathAdd($.pc, 1)", "len.$": "$.len"},
              "Next": "Check"
            },
            "Done": {"Type": "Succeed"}
          }
        });
    };
}

interpreter!(short, 30);
interpreter!(long, 600);

/// `Work`: waits `ms` milliseconds, then fails with `Flaky` when asked to;
/// `Hang`: never answers.
fn resources() -> sfn_runtime::Resources {
    sfn_runtime::Resources::new()
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Work",
            |input: Value, _ctx: TaskContext| async move {
                let ms = input["ms"].as_u64().unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                if input["fail"] == json!(true) {
                    Err(TaskError::new("Flaky", "asked to fail"))
                } else {
                    Ok(json!({"slept": ms}))
                }
            },
        )
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Hang",
            |_input: Value, _ctx: TaskContext| async move {
                std::future::pending::<()>().await;
                Ok(Value::Null)
            },
        )
}

/// One operation of a program of `len` operations.
fn operation(len: usize) -> impl Strategy<Value = Value> {
    let to = 0..len as u64;
    prop_oneof![
        3 => Just(json!({"kind": "pass"})),
        2 => (0u64..40).prop_map(|s| json!({"kind": "wait", "seconds": s})),
        3 => (0u64..30_000, any::<bool>())
            .prop_map(|(ms, fail)| json!({"kind": "task", "ms": ms, "fail": fail})),
        1 => Just(json!({"kind": "hang"})),
        1 => (0u64..5_000, 0u64..10)
            .prop_map(|(ms, s)| json!({"kind": "parallel", "ms": ms, "seconds": s})),
        1 => prop::collection::vec(0u64..3_000, 0..6)
            .prop_map(|items| json!({"kind": "map", "items": items})),
        2 => to.prop_map(|to| json!({"kind": "jump", "to": to})),
        1 => Just(json!({"kind": "fail"})),
    ]
}

/// A program: 1 to 8 operations.
fn program() -> impl Strategy<Value = Vec<Value>> {
    (1usize..=8).prop_flat_map(|len| prop::collection::vec(operation(len), len))
}

/// Whether `op` lets tokio's clock move: it waits for some time, or never
/// ends (which ends the execution at its timeout).
fn lets_time_pass(op: &Value) -> bool {
    let positive = |v: &Value| v.as_u64().is_some_and(|n| n > 0);
    match op["kind"].as_str() {
        Some("wait") => positive(&op["seconds"]),
        Some("task") => positive(&op["ms"]) || op["fail"] == json!(true),
        Some("parallel") => positive(&op["ms"]) || positive(&op["seconds"]),
        Some("map") => op["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(positive)),
        Some("hang") => true,
        _ => false,
    }
}

/// Whether the program loops for ever without letting time pass. Programs
/// are deterministic: follow the operations from the first until the
/// program ends or an operation comes round again, then look at that
/// cycle.
fn has_busy_loop(program: &[Value]) -> bool {
    let mut seen = vec![None; program.len()];
    let mut path = Vec::new();
    let mut pc = 0;
    while pc < program.len() {
        if let Some(first) = seen[pc] {
            return !path[first..]
                .iter()
                .any(|&at: &usize| lets_time_pass(&program[at]));
        }
        seen[pc] = Some(path.len());
        path.push(pc);
        let op = &program[pc];
        pc = match op["kind"].as_str() {
            Some("fail") | Some("hang") => return false,
            Some("jump") => op["to"].as_u64().map_or(usize::MAX, |to| to as usize),
            _ => pc + 1,
        };
    }
    false
}

/// What one run gives: the status, the outcome and the time it took in
/// tokio's clock.
type Ran = (
    ExecutionStatus,
    Result<Value, sfn_runtime::ExecutionError>,
    Duration,
);

/// Runs `program` on paused time, on its own thread: a run that has not
/// ended after a minute of real time aborts the test instead of hanging it.
fn run(program: Vec<Value>, long_timeout: bool, express: bool) -> Ran {
    let (done, ran) = std::sync::mpsc::channel();
    let shown = format!("{program:?}");
    std::thread::spawn(move || {
        let _ = done.send(run_here(program, long_timeout, express));
    });
    match ran.recv_timeout(Duration::from_secs(60)) {
        Ok(ran) => ran,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{shown} panicked"),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            // The hung execution would keep its thread busy while proptest
            // shrinks: end the test binary instead.
            eprintln!("{shown} did not end within a minute");
            std::process::abort();
        }
    }
}

fn run_here(program: Vec<Value>, long_timeout: bool, express: bool) -> Ran {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    let settings = Settings {
        state_machine_type: if express {
            StateMachineType::Express
        } else {
            StateMachineType::Standard
        },
        ..Settings::default()
    };
    let input = json!({"program": program, "pc": 0, "len": program.len()});
    rt.block_on(async move {
        let started = tokio::time::Instant::now();
        let handle = if long_timeout {
            let machine =
                Arc::new(long::StateMachine::from_resources(resources()).with_settings(settings));
            machine.start(input)
        } else {
            let machine =
                Arc::new(short::StateMachine::from_resources(resources()).with_settings(settings));
            machine.start(input)
        };
        let outcome = handle.result().await;
        (handle.status(), outcome, started.elapsed())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_execution_ends_within_its_timeout(
        program in program(),
        long_timeout in any::<bool>(),
        express in any::<bool>(),
    ) {
        // An Express loop that never waits can only end by the wall clock
        // on paused time (tested in `runaway.rs`): too slow for here.
        let express = express && !has_busy_loop(&program);
        let timeout = Duration::from_secs(if long_timeout { 600 } else { 30 });
        let (status, outcome, elapsed) = run(program.clone(), long_timeout, express);
        prop_assert!(elapsed <= timeout, "{program:?}: ran {elapsed:?}");
        match status {
            ExecutionStatus::Succeeded => {
                let output = outcome.unwrap();
                prop_assert_eq!(&output["len"], &json!(program.len()));
            }
            ExecutionStatus::TimedOut => {
                prop_assert_eq!(elapsed, timeout, "{:?}", program);
                prop_assert_eq!(outcome.unwrap_err().error, "States.Timeout");
            }
            ExecutionStatus::Failed => {
                let error = outcome.unwrap_err();
                prop_assert!(
                    error.error == "Program.Failed"
                        || (!express && error.error == "States.Runtime"
                            && error.cause.as_deref().is_some_and(|c| c.contains("25000"))),
                    "{program:?}: {error:?}"
                );
            }
            other => prop_assert!(false, "{program:?}: {other}"),
        }
    }
}

#[test]
fn loops_that_skip_their_waits_are_busy() {
    let skipping = [
        json!({"kind": "jump", "to": 2}),
        json!({"kind": "wait", "seconds": 5}),
        json!({"kind": "jump", "to": 0}),
    ];
    assert!(has_busy_loop(&skipping));
    let waiting = [
        json!({"kind": "wait", "seconds": 5}),
        json!({"kind": "jump", "to": 0}),
    ];
    assert!(!has_busy_loop(&waiting));
    let ending = [json!({"kind": "pass"}), json!({"kind": "jump", "to": 3})];
    assert!(!has_busy_loop(&ending));
}

#[test]
fn a_program_that_hangs_times_out_exactly() {
    let (status, outcome, elapsed) = run(vec![json!({"kind": "hang"})], false, false);
    assert_eq!(status, ExecutionStatus::TimedOut);
    assert_eq!(outcome.unwrap_err().error, "States.Timeout");
    assert_eq!(elapsed, Duration::from_secs(30));
}

#[test]
fn a_program_that_loops_without_waiting_fails_at_the_history_limit() {
    let program = vec![json!({"kind": "pass"}), json!({"kind": "jump", "to": 0})];
    let (status, outcome, elapsed) = run(program, true, false);
    assert_eq!(status, ExecutionStatus::Failed);
    assert_eq!(outcome.unwrap_err().error, "States.Runtime");
    assert_eq!(elapsed, Duration::ZERO);
}

#[test]
fn a_program_that_loops_with_waits_times_out_exactly() {
    // 7 s a round: the 30 s timeout falls inside the fifth round's wait.
    let program = vec![
        json!({"kind": "wait", "seconds": 7}),
        json!({"kind": "jump", "to": 0}),
    ];
    let (status, _, elapsed) = run(program, false, true);
    assert_eq!(status, ExecutionStatus::TimedOut);
    assert_eq!(elapsed, Duration::from_secs(30));
}

#[test]
fn a_short_program_succeeds() {
    let program = vec![
        json!({"kind": "task", "ms": 1500, "fail": false}),
        json!({"kind": "jump", "to": 3}),
        json!({"kind": "fail"}),
        json!({"kind": "map", "items": [1000, 2000, 3000]}),
    ];
    let (status, outcome, elapsed) = run(program, false, false);
    assert_eq!(status, ExecutionStatus::Succeeded);
    assert_eq!(outcome.unwrap()["pc"], json!(4));
    // 1.5 s, then the items two at a time: the third starts when the first
    // ends, at 1 s, and ends at 4 s.
    assert_eq!(elapsed, Duration::from_millis(1500 + 4000));
}
