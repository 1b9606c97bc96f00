//! Benchmark: checking (parse, validate, lower) a 1,000-state definition
//! that mixes Task states with Retry/Catch and templates, Choice rules and
//! Pass states. Goal from the front-end issue: under 20 ms.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use serde_json::{Map, Value, json};

/// 1,000 states: every tenth a Choice, every tenth a Pass, the rest Tasks.
fn definition(n: usize) -> String {
    let mut states = Map::new();
    for i in 0..n {
        let name = format!("State{i:04}");
        let next = if i + 1 < n {
            json!(format!("State{:04}", i + 1))
        } else {
            Value::Null
        };
        let state = match i % 10 {
            0 if i + 2 < n => json!({
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.count", "NumericGreaterThan": 10, "Next": next},
                    {"And": [{"Variable": "$.name", "StringMatches": "item-*"}, {"Variable": "$.flag", "BooleanEquals": true}],
                     "Next": format!("State{:04}", i + 2)}
                ],
                "Default": next
            }),
            5 => json!({"Type": "Pass", "Result": {"i": i}, "ResultPath": "$.pass", "Next": next}),
            _ => json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f", "Payload": {"id.$": "$.id", "msg.$": "States.Format('item {}', $.id)", "ctx.$": "$$.Execution.Id"}},
                "ResultSelector": {"body.$": "$.Payload"},
                "ResultPath": "$.result",
                "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 1.5}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": format!("State{:04}", n - 1)}],
                "Next": next
            }),
        };
        let mut state = state;
        if i + 1 == n {
            state = json!({"Type": "Succeed"});
        }
        states.insert(name, state);
    }
    serde_json::to_string_pretty(&json!({"StartAt": "State0000", "States": states})).unwrap()
}

fn bench(c: &mut Criterion) {
    let text = definition(1000);
    let options = sfn_codegen::Options::default();
    assert!(
        sfn_codegen::check(&text, &options).is_ok(),
        "the benchmark definition must be valid"
    );
    c.bench_function("check 1000 states", |b| {
        b.iter(|| sfn_codegen::check(black_box(&text), &options).is_ok())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
