//! The generated code checked in as snapshots by `sfn-codegen`
//! (`crates/sfn-codegen/tests/snapshots/*.rs`) compiles against the runtime
//! and runs: each file is included as a module and executed.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{ExecutionError, TaskContext, TaskError};

#[allow(missing_docs, dead_code)]
mod data_flow {
    include!("../../sfn-codegen/tests/snapshots/data_flow.rs");
}

#[allow(missing_docs, dead_code)]
mod fan_out {
    include!("../../sfn-codegen/tests/snapshots/fan_out.rs");
}

#[allow(missing_docs, dead_code)]
mod jsonata {
    include!("../../sfn-codegen/tests/snapshots/jsonata.rs");
}

#[allow(missing_docs, dead_code)]
mod order_processing {
    include!("../../sfn-codegen/tests/snapshots/order_processing.rs");
}

fn order(subtotal: Value, shipping: Value) -> Value {
    json!({"order": {"id": "o-1", "subtotal": subtotal, "shipping": shipping, "customer": {"name": "Ada"}}})
}

#[tokio::test(start_paused = true)]
async fn data_flow_large_order_waits_then_succeeds() {
    let machine = data_flow::StateMachine::new(());
    let started = tokio::time::Instant::now();
    let out = machine.run(order(json!(90), json!(15))).await.unwrap();
    assert_eq!(
        out,
        json!({"id": "o-1", "total": 105, "label": "order o-1 for Ada", "source": "web"})
    );
    assert_eq!(
        started.elapsed().as_secs(),
        60,
        "the Wait state's 60 seconds"
    );
}

#[tokio::test(start_paused = true)]
async fn data_flow_small_order_matches_the_pattern() {
    let machine = data_flow::StateMachine::new(());
    let input = order(json!(10), json!(5));
    let out = machine.run(input.clone()).await.unwrap();
    assert_eq!(out["prepared"]["total"], json!(15));
    assert_eq!(out["order"], input["order"]);
}

#[tokio::test(start_paused = true)]
async fn data_flow_fail_state_takes_its_cause_from_the_input() {
    let machine = data_flow::StateMachine::new(());
    let mut input = order(json!(10), json!(5));
    input["order"]["customer"]["name"] = json!("Bob");
    let err: ExecutionError = machine.run(input).await.unwrap_err();
    assert_eq!(err.error, "Order.Rejected");
    assert_eq!(err.cause.as_deref(), Some("order o-1 for Bob"));
}

#[tokio::test(start_paused = true)]
async fn data_flow_intrinsic_failure_fails_the_execution() {
    let machine = data_flow::StateMachine::new(());
    let err = machine
        .run(order(json!("ten"), json!(5)))
        .await
        .unwrap_err();
    assert_eq!(err.error, "States.IntrinsicFailure", "{err:?}");
}

struct Shop;

impl fan_out::Tasks for Shop {
    async fn fetch(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        assert_eq!(input["FunctionName"], json!("fetch"));
        Ok(json!({"Payload": {"items": input["Payload"]["want"].clone()}}))
    }
    async fn price(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let item = input["item"].as_i64().unwrap();
        let index = input["index"].as_i64().unwrap();
        Ok(json!(item * 10 + index))
    }
}

#[tokio::test(start_paused = true)]
async fn fan_out_runs_map_and_parallel() {
    let machine = fan_out::StateMachine::new(Shop);
    let out = machine.run(json!({"want": [1, 2, 3]})).await.unwrap();
    assert_eq!(out, json!([[10, 21, 32], {"n": 3}]));
}

struct FailingShop;

impl fan_out::Tasks for FailingShop {
    async fn fetch(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Err(TaskError::new("Backend.Down", "no backend"))
    }
    async fn price(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        unreachable!("Fetch fails first")
    }
}

#[tokio::test(start_paused = true)]
async fn fan_out_catches_into_the_fail_state() {
    let err = fan_out::StateMachine::new(FailingShop)
        .run(json!({"want": []}))
        .await
        .unwrap_err();
    assert_eq!(err.error, "Fetch.Failed");
    assert_eq!(err.cause.as_deref(), Some("fetch failed after retries"));
}

#[test]
fn order_processing_names_its_states() {
    assert_eq!(order_processing::NAME, "order_processing");
    assert!(order_processing::State::ALL.len() >= 5);
    for state in order_processing::State::ALL {
        assert_eq!(
            order_processing::State::from_name(state.name()),
            Some(state)
        );
    }
}

/// Quotes at a fixed unit price, or fails.
struct Quotes(Result<i64, (&'static str, &'static str)>);

impl jsonata::Tasks for Quotes {
    async fn quote(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        assert_eq!(input["qty"], json!(2));
        match self.0 {
            Ok(price) => Ok(json!({"price": price, "sku": input["sku"]})),
            Err((error, cause)) => Err(TaskError::new(error, cause)),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn jsonata_quote_accepted_rejected_and_caught() {
    let input = json!({"sku": "a-1", "qty": 2});
    let accepted = jsonata::StateMachine::new(Quotes(Ok(40)))
        .run(input.clone())
        .await
        .unwrap();
    assert_eq!(accepted, json!({"accepted": {"sku": "a-1", "total": 80}}));
    let rejected = jsonata::StateMachine::new(Quotes(Ok(150)))
        .run(input.clone())
        .await
        .unwrap_err();
    assert_eq!(
        rejected,
        ExecutionError {
            error: "Rejected".into(),
            cause: Some(r#"{"sku":"a-1","total":300}"#.into()),
        }
    );
    let caught = jsonata::StateMachine::new(Quotes(Err(("NoPrice", "unknown sku"))))
        .run(input)
        .await
        .unwrap_err();
    assert_eq!(caught.error, "Rejected");
    assert_eq!(
        caught.cause.as_deref(),
        Some(r#"{"Error":"NoPrice","Cause":"unknown sku"}"#)
    );
}
