//! The order-processing workflow of the seed document, run with in-process
//! handlers standing in for the Lambda functions and the SNS topics.
//!
//! It validates the order (the first call fails with `ServiceException` and
//! is retried), checks the inventory (out of stock the first time: a
//! notification, a two-day Wait and a second check), takes the payment,
//! updates the inventory and writes the invoice in parallel, ships and
//! notifies the customer. Time is paused, so the two-day Wait and the retry
//! backoff pass instantly.
//!
//! ```text
//! cargo run --example order_processing
//! ```

use serde_json::{Value, json};
use sfn_runtime::{Settings, StateObserver, TaskContext, TaskError};
use std::sync::atomic::{AtomicU32, Ordering};

sfn_runtime::include_asl!(mod order, "workflows/order_processing.asl.json");

/// The in-process services: each Task state of the workflow is a method.
#[derive(Default)]
struct Services {
    validate_calls: AtomicU32,
    inventory_checks: AtomicU32,
}

/// The order being processed (the SNS steps replace the state's data with
/// their publish result, as on AWS, so the services keep the order here).
fn order() -> Value {
    json!({"orderId": "42", "itemId": "book-7", "quantity": 2, "amount": 31.5})
}

impl order::Tasks for Services {
    async fn validate_order(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        if self.validate_calls.fetch_add(1, Ordering::SeqCst) == 0 {
            println!("    ValidateOrder: service unavailable, will be retried");
            return Err(TaskError::new(
                "ServiceException",
                "the validation service is warming up",
            ));
        }
        let mut order = input;
        order["validated"] = json!(true);
        Ok(order)
    }

    async fn check_inventory(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let status = if self.inventory_checks.fetch_add(1, Ordering::SeqCst) == 0 {
            "OUT_OF_STOCK"
        } else {
            "IN_STOCK"
        };
        println!("    CheckInventory: {status}");
        let mut order = order();
        order["inventoryStatus"] = json!(status);
        Ok(order)
    }

    async fn notify_out_of_stock(
        &self,
        input: Value,
        _ctx: TaskContext,
    ) -> Result<Value, TaskError> {
        println!("    SNS OutOfStockNotification: {}", input["Message"]);
        Ok(json!({"MessageId": "msg-out-of-stock"}))
    }

    async fn process_payment(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let mut order = input;
        order["paymentStatus"] = json!("SUCCEEDED");
        Ok(order)
    }

    async fn notify_payment_failure(
        &self,
        input: Value,
        _ctx: TaskContext,
    ) -> Result<Value, TaskError> {
        println!("    SNS PaymentFailureNotification: {}", input["Message"]);
        Ok(json!({"MessageId": "msg-payment-failure"}))
    }

    async fn update_inventory(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"itemId": input["itemId"], "reserved": input["quantity"]}))
    }

    async fn generate_invoice(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(
            json!({"invoiceId": format!("INV-{}", input["orderId"].as_str().unwrap_or("?")), "amount": input["amount"]}),
        )
    }

    async fn ship_order(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        // The Parallel state's output: [inventory update, invoice].
        let invoice = input[1]["invoiceId"].clone();
        Ok(json!({"orderId": order()["orderId"], "trackingNumber": "1Z999", "invoiceId": invoice}))
    }

    async fn notify_customer(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        println!("    SNS OrderShippedNotification: {}", input["Message"]);
        Ok(json!({"MessageId": "msg-shipped", "Message": input["Message"]}))
    }

    async fn notify_failure(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        println!("    SNS OrderFailureNotification: {}", input["Message"]);
        Ok(json!({"MessageId": "msg-failure"}))
    }
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let started = tokio::time::Instant::now();
    let settings = Settings {
        on_state_entered: Some(StateObserver::new(|name| println!("entered {name}"))),
        ..Settings::default()
    };
    let machine = order::StateMachine::new(Services::default()).with_settings(settings);
    match machine.run(order()).await {
        Ok(output) => println!("output: {output}"),
        Err(e) => println!("failed: {e}"),
    }
    println!("virtual time elapsed: {:?}", started.elapsed());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[tokio::test(start_paused = true)]
    async fn the_order_goes_through_the_restock_loop_and_ships() {
        let entered = Arc::new(Mutex::new(Vec::new()));
        let log = entered.clone();
        let settings = Settings {
            on_state_entered: Some(StateObserver::new(move |name| {
                log.lock().unwrap().push(name.to_string())
            })),
            ..Settings::default()
        };
        let started = tokio::time::Instant::now();
        let machine = order::StateMachine::new(Services::default()).with_settings(settings);
        let output = machine.run(order()).await.expect("the order ships");
        assert_eq!(output["Message"], "Your order 42 has been shipped!");
        let entered = entered.lock().unwrap();
        // CheckInventory runs twice: out of stock, then in stock after the Wait.
        assert_eq!(entered.iter().filter(|s| *s == "CheckInventory").count(), 2);
        assert!(
            entered.contains(&"WaitForRestock".to_string())
                && entered.contains(&"GenerateInvoice".to_string())
        );
        // Two days of waiting plus the 2-second retry, in virtual time.
        assert!(started.elapsed() >= std::time::Duration::from_secs(172_802));
    }
}
