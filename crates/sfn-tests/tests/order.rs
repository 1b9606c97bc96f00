//! The same workflow file compiled three ways (`include_asl!`, build.rs
//! with `sfn_codegen::Builder`, `asl!` with the text) behaves the same.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{ExecutionError, TaskContext, TaskError};

sfn_macros::include_asl!(pub mod order, "workflows/order.asl.json");

/// The build.rs output.
pub mod built {
    include!(concat!(env!("OUT_DIR"), "/order.rs"));
}

/// Handlers shared by both versions: `Validate` decides from the input.
struct Handlers;

impl Handlers {
    fn validate(input: &Value) -> Result<Value, TaskError> {
        match input["orderId"].as_str() {
            Some("bad") => Err(TaskError::new("InvalidOrder", "no such order")),
            Some("none") => Ok(json!({"inventoryStatus": "OUT_OF_STOCK"})),
            _ => Ok(json!({"inventoryStatus": "IN_STOCK"})),
        }
    }
}

impl order::Tasks for Handlers {
    async fn validate_order(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Self::validate(&input)
    }
    async fn ship(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"shipped": input["orderId"]}))
    }
    async fn notify_failure(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"notified": ctx.state_name(), "error": input.get("error")}))
    }
}

impl built::Tasks for Handlers {
    async fn validate_order(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Self::validate(&input)
    }
    async fn ship(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"shipped": input["orderId"]}))
    }
    async fn notify_failure(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"notified": ctx.state_name(), "error": input.get("error")}))
    }
}

async fn both(input: Value) -> Result<Value, ExecutionError> {
    let a = order::StateMachine::new(Handlers).run(input.clone()).await;
    let b = built::StateMachine::new(Handlers).run(input).await;
    assert_eq!(a, b, "include_asl! and build.rs agree");
    a
}

#[tokio::test]
async fn in_stock_ships() {
    let out = both(json!({"orderId": "42"})).await.unwrap();
    assert_eq!(
        out,
        json!({
            "orderId": "42",
            "validation": {"inventoryStatus": "IN_STOCK"},
            "shipment": {"shipped": "42"}
        })
    );
}

#[tokio::test]
async fn out_of_stock_notifies() {
    let out = both(json!({"orderId": "none"})).await.unwrap();
    assert_eq!(out, json!({"notified": "Notify Failure", "error": null}));
}

#[tokio::test]
async fn invalid_order_is_caught() {
    let out = both(json!({"orderId": "bad"})).await.unwrap();
    assert_eq!(
        out,
        json!({
            "notified": "Notify Failure",
            "error": {"Error": "InvalidOrder", "Cause": "no such order"}
        })
    );
}

#[test]
fn the_definition_is_the_file() {
    let file = include_str!("../workflows/order.asl.json");
    assert_eq!(order::DEFINITION, file);
    assert_eq!(built::DEFINITION, file);
    assert_eq!(order::State::ALL.len(), 4);
    assert_eq!(order::State::ValidateOrder.name(), "Validate Order");
}
