//! The order-processing workflow as a durable execution on a SQLite file:
//! started by one process, continued by the next one after the first was
//! killed.
//!
//! The program runs the workflow twice, as two processes would:
//!
//! 1. It starts a copy of itself (`--first-run`), which opens the store,
//!    starts the execution `order-42` and runs it. The item is out of stock,
//!    so the execution reaches the two-day `WaitForRestock`, where it parks:
//!    its due time is in the store, and the process holds nothing for it.
//!    The program then kills that process with SIGKILL.
//! 2. It opens the store itself, two days later (the clock is a manual one
//!    set two days ahead, so nothing waits for real), starts `order-42`
//!    again (the same name and input: AWS gives back the running execution)
//!    and serves the store. The Wait is due: the execution continues from
//!    its last commit, checks the inventory again, pays, ships, and ends.
//!
//! It prints the states each process enters, then the history from the
//! store and the output.
//!
//! ```text
//! cargo run --example durable_orders
//! ```

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use sfn_runtime::{Clock, ExecutionStatus, Settings, StateObserver, Store, TaskContext, TaskError};

sfn_runtime::include_asl!(mod order, "workflows/order_processing.asl.json");

/// The in-process services. They keep nothing in memory: what a service
/// answers depends on the call (its idempotency key), so that a second
/// process answers as the first would have.
struct Services;

fn order() -> Value {
    json!({"orderId": "42", "itemId": "book-7", "quantity": 2, "amount": 31.5})
}

impl order::Tasks for Services {
    async fn validate_order(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let mut order = input;
        order["validated"] = json!(true);
        Ok(order)
    }

    async fn check_inventory(&self, _input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        // The first check is the execution's second state; the item is
        // back in stock for any later one.
        let first = ctx.idempotency_key().ends_with("/CheckInventory@2#0");
        let status = if first { "OUT_OF_STOCK" } else { "IN_STOCK" };
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
        _input: Value,
        _ctx: TaskContext,
    ) -> Result<Value, TaskError> {
        Ok(json!({"MessageId": "msg-payment-failure"}))
    }

    async fn update_inventory(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"itemId": input["itemId"], "reserved": input["quantity"]}))
    }

    async fn generate_invoice(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let id = input["orderId"].as_str().unwrap_or("?");
        Ok(json!({"invoiceId": format!("INV-{id}"), "amount": input["amount"]}))
    }

    async fn ship_order(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let invoice = input[1]["invoiceId"].clone();
        Ok(json!({"orderId": order()["orderId"], "trackingNumber": "1Z999", "invoiceId": invoice}))
    }

    async fn notify_customer(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        println!("    SNS OrderShippedNotification: {}", input["Message"]);
        Ok(json!({"MessageId": "msg-shipped", "Message": input["Message"]}))
    }

    async fn notify_failure(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(json!({"MessageId": "msg-failure"}))
    }
}

/// The state machine on `store`, on `clock`, printing each state entered.
fn machine(store: Store, clock: Clock) -> Arc<order::StateMachine<Services>> {
    let settings = Settings {
        on_state_entered: Some(StateObserver::new(|name| println!("entered {name}"))),
        clock,
        ..Settings::default()
    };
    Arc::new(
        order::StateMachine::new(Services)
            .with_settings(settings)
            .with_store(store),
    )
}

/// Whether the store's history of `name` has an event of type `kind`.
async fn has_event(store: &Store, name: &str, kind: &str) -> bool {
    store.history(name).await.is_ok_and(|history| {
        history["events"]
            .as_array()
            .is_some_and(|events| events.iter().any(|e| e["type"] == kind))
    })
}

/// The first process: starts `order-42` and runs it until it parks in the
/// two-day Wait; prints `PARKED` then, and waits to be killed.
async fn first_run(db: &Path) {
    let store = Store::sqlite(db).await.expect("the store opens");
    let machine = machine(store.clone(), Clock::system());
    tokio::spawn({
        let machine = Arc::clone(&machine);
        async move { machine.serve().await }
    });
    // Let the worker start, so that the Wait parks the execution.
    tokio::time::sleep(Duration::from_millis(100)).await;
    machine
        .start_named("order-42", order())
        .await
        .expect("order-42 starts");
    while !has_event(&store, "order-42", "WaitStateEntered").await {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("PARKED");
    std::future::pending::<()>().await;
}

/// The second process, two days later: continues `order-42` to its end.
/// Returns its output and the types of its history events.
async fn second_run(db: &Path) -> (Value, Vec<String>) {
    let store = Store::sqlite(db).await.expect("the store opens");
    let two_days_later = SystemTime::now() + Duration::from_secs(2 * 86_400);
    let machine = machine(store.clone(), Clock::manual(two_days_later));
    let worker = tokio::spawn({
        let machine = Arc::clone(&machine);
        async move { machine.serve().await }
    });
    // The same name and input: the execution that is running.
    let handle = machine
        .start_named("order-42", order())
        .await
        .expect("order-42 is found");
    let output = handle.result().await.expect("the order ships");
    worker.abort();
    let description = store.describe("order-42").await.expect("described");
    assert_eq!(description.status, ExecutionStatus::Succeeded);
    let history = store.history("order-42").await.expect("its history");
    let types = history["events"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .map(|e| {
                    let name = e["stateEnteredEventDetails"]["name"]
                        .as_str()
                        .unwrap_or_default();
                    format!(
                        "{:>3} {} {name}",
                        e["id"],
                        e["type"].as_str().unwrap_or_default()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (output, types)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

#[cfg_attr(test, allow(dead_code))]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, db] = args.as_slice()
        && flag == "--first-run"
    {
        runtime().block_on(first_run(Path::new(db)));
        return;
    }
    let dir = std::env::temp_dir().join(format!("sfn-durable-orders-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder for the store");
    let db: PathBuf = dir.join("orders.db");
    println!("store: {}", db.display());

    println!("-- run 1: a process starts order-42");
    let mut child = Command::new(std::env::current_exe().expect("this program"))
        .arg("--first-run")
        .arg(&db)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the first process starts");
    let stdout = child.stdout.take().expect("its output");
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if line == "PARKED" {
            break;
        }
        println!("[run 1] {line}");
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    println!("-- run 1 killed (SIGKILL) while order-42 waits for the restock");

    println!("-- run 2: another process, two days later");
    let (output, history) = runtime().block_on(second_run(&db));
    println!("-- history (from the store):");
    for event in history {
        println!("{event}");
    }
    println!("output: {output}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_continued_by_a_second_process() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("orders.db");
        // The first "process": a runtime dropped once the execution parks.
        let first = runtime();
        first.block_on(async {
            tokio::select! {
                () = first_run(&db) => {}
                () = async {
                    let store = Store::sqlite(&db).await.unwrap();
                    while !has_event(&store, "order-42", "WaitStateEntered").await {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                } => {}
            }
        });
        first.shutdown_timeout(Duration::ZERO);
        let (output, history) = runtime().block_on(second_run(&db));
        assert_eq!(output["Message"], "Your order 42 has been shipped!");
        let count = |kind: &str, name: &str| {
            history
                .iter()
                .filter(|e| e.contains(kind) && e.ends_with(&format!(" {name}")))
                .count()
        };
        assert_eq!(count("TaskStateEntered", "CheckInventory"), 2);
        assert_eq!(count("WaitStateEntered", "WaitForRestock"), 1);
        assert_eq!(count("TaskStateEntered", "ShipOrder"), 1);
        assert!(history.last().unwrap().contains("ExecutionSucceeded"));
    }
}
