//! `cargo bench -p sfn-bench --bench jsonata`: the cost of JSONata states
//! against the same workflows written in JSONPath, on two shapes:
//!
//! * `loop_10k`: a Choice loop counting to 10,000 through variables (a
//!   condition and two assignments per turn);
//! * `map_1k`: a Map over 1,000 order lines whose ItemSelector computes an
//!   amount per line, and whose Output sums them.
//!
//! Each output is checked before timing starts.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

sfn_runtime::asl!(pub mod loop_jsonata, {
    "QueryLanguage": "JSONata",
    "StartAt": "Init",
    "States": {
        "Init": {"Type": "Pass", "Assign": {"i": 0, "total": 0}, "Next": "Loop"},
        "Loop": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $i < 10000 %}", "Next": "Step"}],
            "Default": "Done"
        },
        "Step": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}", "total": "{% $total + $i %}"}, "Next": "Loop"},
        "Done": {"Type": "Pass", "Output": {"total": "{% $total %}"}, "End": true}
    }
});

sfn_runtime::asl!(pub mod loop_jsonpath, {
    "StartAt": "Init",
    "States": {
        "Init": {"Type": "Pass", "Assign": {"i": 0, "total": 0}, "Next": "Loop"},
        "Loop": {
            "Type": "Choice",
            "Choices": [{"Variable": "$i", "NumericLessThan": 10000, "Next": "Step"}],
            "Default": "Done"
        },
        "Step": {
            "Type": "Pass",
            "Assign": {"i.$": "States.MathAdd($i, 1)", "total.$": "States.MathAdd($total, $i)"},
            "Next": "Loop"
        },
        "Done": {"Type": "Pass", "Parameters": {"total.$": "$total"}, "End": true}
    }
});

sfn_runtime::asl!(pub mod map_jsonata, {
    "QueryLanguage": "JSONata",
    "StartAt": "Lines",
    "States": {
        "Lines": {
            "Type": "Map",
            "Items": "{% $states.input.lines %}",
            "ItemSelector": {
                "sku": "{% $states.context.Map.Item.Value.sku %}",
                "amount": "{% $states.context.Map.Item.Value.price * $states.context.Map.Item.Value.qty %}"
            },
            "ItemProcessor": {"StartAt": "Line", "States": {"Line": {"Type": "Pass", "End": true}}},
            "Output": {"count": "{% $count($states.result) %}", "total": "{% $sum($states.result.amount) %}"},
            "End": true
        }
    }
});

sfn_runtime::asl!(pub mod map_jsonpath, {
    "StartAt": "Lines",
    "States": {
        "Lines": {
            "Type": "Map",
            "ItemsPath": "$.lines",
            "ItemSelector": {"sku.$": "$$.Map.Item.Value.sku", "price.$": "$$.Map.Item.Value.price", "qty.$": "$$.Map.Item.Value.qty"},
            "ItemProcessor": {"StartAt": "Line", "States": {"Line": {
                "Type": "Pass",
                "Parameters": {"sku.$": "$.sku", "amount.$": "States.MathAdd($.price, $.qty)"},
                "End": true
            }}},
            "ResultSelector": {"count.$": "States.ArrayLength($)"},
            "End": true
        }
    }
});

fn lines() -> Value {
    let lines: Vec<Value> = (0..1000)
        .map(|i| json!({"sku": format!("s{i}"), "price": i % 7 + 1, "qty": i % 3 + 1}))
        .collect();
    json!({"lines": lines})
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Express: 20,000 states pass the 25,000-event history limit of a
/// Standard execution.
fn express() -> sfn_runtime::Settings {
    sfn_runtime::Settings {
        state_machine_type: sfn_runtime::StateMachineType::Express,
        ..sfn_runtime::Settings::default()
    }
}

fn jsonata(c: &mut Criterion) {
    let rt = runtime();
    let expected_total: i64 = (0..10_000).sum();
    let (a, b) = (
        loop_jsonata::StateMachine::new(()).with_settings(express()),
        loop_jsonpath::StateMachine::new(()).with_settings(express()),
    );
    assert_eq!(
        rt.block_on(a.run(json!({}))).unwrap(),
        json!({"total": expected_total})
    );
    assert_eq!(
        rt.block_on(b.run(json!({}))).unwrap(),
        json!({"total": expected_total})
    );
    let mut group = c.benchmark_group("loop_10k");
    group.sample_size(10);
    group.bench_function("jsonata", |bench| {
        bench.iter(|| rt.block_on(a.run(json!({}))))
    });
    group.bench_function("jsonpath", |bench| {
        bench.iter(|| rt.block_on(b.run(json!({}))))
    });
    group.finish();

    let input = lines();
    let expected: i64 = (0..1000).map(|i| (i % 7 + 1) * (i % 3 + 1)).sum();
    let (a, b) = (
        map_jsonata::StateMachine::new(()),
        map_jsonpath::StateMachine::new(()),
    );
    assert_eq!(
        rt.block_on(a.run(input.clone())).unwrap(),
        json!({"count": 1000, "total": expected})
    );
    assert_eq!(
        rt.block_on(b.run(input.clone())).unwrap(),
        json!({"count": 1000})
    );
    let mut group = c.benchmark_group("map_1k");
    group.sample_size(10);
    group.bench_function("jsonata", |bench| {
        bench.iter(|| rt.block_on(a.run(input.clone())))
    });
    group.bench_function("jsonpath", |bench| {
        bench.iter(|| rt.block_on(b.run(input.clone())))
    });
    group.finish();
}

criterion_group!(benches, jsonata);
criterion_main!(benches);
