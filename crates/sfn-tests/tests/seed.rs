//! The ASL examples of the seed document (`../shared/seed/`), compiled by
//! `build.rs` through `sfn_codegen::Builder` and run: its two complete
//! machines and every single-state snippet (placed in a small machine whose
//! other states are the Succeed states it names). Handlers are registered
//! by Resource string; time is paused, so Waits and retries take no real
//! time. Without the seed folder the tests print one line and pass.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{Resources, Settings, StateObserver, TaskContext, TaskError, TaskTokens};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The generated modules and their list (`$OUT_DIR/seed.rs`, from `build.rs`).
mod seed {
    include!(concat!(env!("OUT_DIR"), "/seed.rs"));
}

/// Settings that record the name of every state entered, in every scope.
fn recorder() -> (Settings, Arc<Mutex<Vec<String>>>) {
    let entered = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&entered);
    let settings = Settings {
        on_state_entered: Some(StateObserver::new(move |name| {
            log.lock().unwrap().push(name.to_owned());
        })),
        ..Settings::default()
    };
    (settings, entered)
}

/// `input` with `name` appended to its `handled` list (a non-object input
/// is wrapped as `{"value": input}` first).
fn handled(input: Value, name: &str) -> Value {
    let mut out = match input {
        Value::Object(map) => Value::Object(map),
        other => json!({"value": other}),
    };
    match out.get_mut("handled") {
        Some(Value::Array(list)) => list.push(json!(name)),
        _ => out["handled"] = json!([name]),
    }
    out
}

/// A plausible result for a Task with this Resource: Lambda functions add
/// their name to the input's `handled` list (those a Choice or selector
/// reads also answer what it reads), SNS returns a message id, Batch a
/// finished job, and the callback task checks its token and answers for it
/// through `tokens` (the approver), so that the execution goes on.
fn respond(
    resource: &str,
    input: Value,
    ctx: &TaskContext,
    tokens: &TaskTokens,
) -> Result<Value, TaskError> {
    let action = resource.rsplit(':').next().unwrap_or(resource);
    Ok(match action {
        "publish" => json!({"MessageId": format!("msg-{}", ctx.state_name())}),
        "submitJob.sync" => {
            json!({"JobName": input["JobName"], "JobId": "job-1", "Status": "SUCCEEDED"})
        }
        "invoke.waitForTaskToken" => {
            let token = ctx
                .task_token()
                .ok_or_else(|| TaskError::new("Test.NoToken", "no $$.Task.Token"))?;
            if input["Payload"]["taskToken"] != json!(token) {
                return Err(TaskError::new("Test.WrongToken", input.to_string()));
            }
            let answer = json!({"approved": true, "details": input["Payload"]["approvalDetails"]});
            tokens
                .send_task_success(token, answer)
                .map_err(|e| TaskError::new("Test.TokenRefused", e.to_string()))?;
            // The call's own response is not the task's result.
            json!({"StatusCode": 202})
        }
        "FormatData" => {
            json!({"result": {"data": input["data"], "metadata": {"processingTime": 12}}})
        }
        "CheckInventory" => {
            let mut out = handled(input, action);
            out["inventoryStatus"] = json!("IN_STOCK");
            out
        }
        "ProcessPayment" => {
            let mut out = handled(input, action);
            out["paymentStatus"] = json!("SUCCEEDED");
            out
        }
        // After the Parallel state: [UpdateInventory's, GenerateInvoice's].
        "ShipOrder" => json!({"orderId": input[0]["orderId"], "trackingNumber": "1Z999"}),
        function => handled(input, function),
    })
}

/// The input every machine gets: what the snippets' paths read.
fn input(scheduled_time: &str) -> Value {
    json!({
        "orderId": "42",
        "itemId": "book-7",
        "order": {"total": 150},
        "items": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}],
        "scheduledTime": scheduled_time,
        "s3Details": {"bucket": "orders", "key": "42.csv"},
        "rawData": {"rows": 3},
        "orderDetails": {"amount": 31.5}
    })
}

/// Tomorrow at 08:00 UTC as RFC 3339 (for the Wait on `$.scheduledTime`),
/// and the seconds from now until then.
fn tomorrow_morning() -> (String, u64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let day = now / 86_400 + 1;
    let target = day * 86_400 + 8 * 3600;
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = day + 719_468;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (format!("{y:04}-{m:02}-{d:02}T08:00:00Z"), target - now)
}

/// How a seed machine ends with [`respond`] and [`input`].
#[derive(Debug, PartialEq)]
enum End {
    /// With an output (not pinned down).
    Ok,
    /// With this output.
    Output(Value),
    /// With this error.
    Error(&'static str),
}

/// The top-level states each machine goes through with [`respond`] and
/// [`input`], and how it ends.
fn expected(module: &str, input: &Value) -> (&'static [&'static str], End) {
    let with = |names: &[&str]| {
        let mut out = input.clone();
        out["handled"] = json!(names);
        out
    };
    match module {
        "simple_sequential" => (
            &["FirstState", "FinalState"],
            End::Output(with(&["MyFunction", "MyOtherFunction"])),
        ),
        "order_processing" => (
            &[
                "ValidateOrder",
                "CheckInventory",
                "StockCheck",
                "ProcessPayment",
                "PaymentCheck",
                "PrepareShipment",
                "ShipOrder",
                "NotifyCustomer",
            ],
            End::Output(json!({"MessageId": "msg-NotifyCustomer"})),
        ),
        "snippet_01_process_payment" => (&["ProcessPayment", "SendConfirmation"], End::Ok),
        "snippet_02_check_order_value" => (&["CheckOrderValue", "ApplyDiscount"], End::Ok),
        "snippet_03_perform_checks" => (
            &["PerformChecks", "ShipOrder"],
            End::Output({
                let mut inventory = with(&["CheckInventory"]);
                inventory["inventoryStatus"] = json!("IN_STOCK");
                json!([inventory, with(&["VerifyPayment"])])
            }),
        ),
        "snippet_04_process_items" => (
            &["ProcessItems", "CompleteOrder"],
            End::Output(json!([
                {"sku": "a", "handled": ["ProcessItem"]},
                {"sku": "b", "handled": ["ProcessItem"]},
                {"sku": "c", "handled": ["ProcessItem"]}
            ])),
        ),
        "snippet_05_wait_for_processing" => (
            &["WaitForProcessing", "CheckStatus"],
            End::Output(input.clone()),
        ),
        "snippet_06_wait_until_morning" => (
            &["WaitUntilMorning", "SendMorningReminder"],
            End::Output(input.clone()),
        ),
        "snippet_07_order_succeeded" => (&["OrderSucceeded"], End::Output(input.clone())),
        "snippet_08_order_failed" => (&["OrderFailed"], End::Error("OrderProcessingFailed")),
        "snippet_09_prepare_data" => (&["PrepareData", "NotifyUser"], {
            let mut out = input.clone();
            out["orderMetadata"] = json!({"orderProcessed": true, "processedDate": "2023-04-25"});
            End::Output(out)
        }),
        "snippet_10_extract_data_from_s3" => (&["ExtractDataFromS3", "ProcessData"], {
            let mut out = input.clone();
            out["extractedData"] =
                json!({"bucket": "orders", "key": "42.csv", "handled": ["ExtractData"]});
            End::Output(out)
        }),
        "snippet_11_format_data" => (
            &["FormatData", "StoreData"],
            End::Output(json!({"formattedData": {"rows": 3}, "conversionTime": 12})),
        ),
        "snippet_12_process_payment" => (&["ProcessPayment", "CompleteCheckout"], End::Ok),
        "snippet_13_validate_order" => (
            &["ValidateOrder", "ProcessOrder"],
            End::Output(with(&["ValidateOrder"])),
        ),
        "snippet_14_send_email" => (
            &["SendEmail", "CompleteOrder"],
            End::Output(json!({"MessageId": "msg-SendEmail"})),
        ),
        "snippet_15_start_batch_job" => (
            &["StartBatchJob", "ProcessResults"],
            End::Output(
                json!({"JobName": "ProcessDataJob", "JobId": "job-1", "Status": "SUCCEEDED"}),
            ),
        ),
        // The handler answers for its token: the answer is the output.
        "snippet_16_wait_for_human_approval" => (
            &["WaitForHumanApproval", "ProcessApprovalResult"],
            End::Output(json!({"approved": true, "details": {"amount": 31.5}})),
        ),
        other => panic!("no expectation for the seed machine {other}"),
    }
}

#[tokio::test(start_paused = true)]
async fn every_seed_machine_runs_to_its_end() {
    if !seed::FOUND {
        println!("seed folder not found at {}; skipped", seed::SEED_DIR);
        return;
    }
    let machines = seed::machines();
    assert_eq!(machines.len(), 18, "2 complete machines and 16 snippets");

    let calls = Arc::new(Mutex::new(BTreeMap::<String, u32>::new()));
    let tokens = TaskTokens::new();
    let mut resources = Resources::new();
    for resource in seed::RESOURCES {
        let calls = Arc::clone(&calls);
        let tokens = tokens.clone();
        resources = resources.handler(*resource, move |input: Value, ctx: TaskContext| {
            *calls
                .lock()
                .unwrap()
                .entry(resource.to_string())
                .or_default() += 1;
            let result = respond(resource, input, &ctx, &tokens);
            async move { result }
        });
    }

    let (morning, until_morning) = tomorrow_morning();
    let input = input(&morning);
    for m in &machines {
        let (mut settings, entered) = recorder();
        settings.task_tokens = tokens.clone();
        let before = calls.lock().unwrap().clone();
        let started = tokio::time::Instant::now();
        let outcome = (m.run)(resources.clone(), settings, input.clone()).await;
        let elapsed = started.elapsed().as_secs();
        let entered = entered.lock().unwrap().clone();
        let what = format!(
            "{} ({}): {outcome:?}, entered {entered:?}",
            m.module, m.file
        );

        let (path, end) = expected(m.module, &input);
        let top: Vec<&str> = entered
            .iter()
            .map(String::as_str)
            .filter(|s| m.top_level.contains(s))
            .collect();
        assert_eq!(
            entered.first().map(String::as_str),
            Some(m.start_at),
            "{what}"
        );
        assert_eq!(top, path, "{what}");
        match (&outcome, end) {
            (Ok(_), End::Ok) => {}
            (Ok(output), End::Output(expected)) => assert_eq!(*output, expected, "{what}"),
            (Err(e), End::Error(expected)) if e.error == expected => {}
            (_, end) => panic!("{what}: expected {end:?}"),
        }
        // It ends in a terminal state, with an output or the error of one
        // of its Fail states.
        let ended = match &outcome {
            Ok(_) => true,
            Err(e) => m.fail_errors.contains(&e.error.as_str()),
        };
        assert!(ended, "{what}");
        assert!(m.terminal.contains(top.last().unwrap()), "{what}");
        let waited = match m.module {
            "snippet_05_wait_for_processing" => 30,
            "snippet_06_wait_until_morning" => until_morning,
            _ => 0,
        };
        assert!(elapsed.abs_diff(waited) <= 1, "{what}: waited {elapsed} s");

        // Every Task state of the machine ran (each Resource was called).
        let after = calls.lock().unwrap();
        for resource in m.resources.iter().filter(|_| ended) {
            assert!(
                after.get(*resource) > before.get(*resource),
                "{what}: {resource} was not called"
            );
        }
    }
    let failed = machines
        .iter()
        .find(|m| m.module == "snippet_08_order_failed");
    let run = failed.expect("the Fail snippet").run;
    let error = run(resources.clone(), Settings::default(), json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.error, "OrderProcessingFailed");
    assert_eq!(error.cause.as_deref(), Some("Payment verification failed"));
}

/// The complete machines, and the Retry and Catch snippets, on chosen paths.
#[cfg(sfn_seed)]
mod complete {
    use super::*;
    use seed::{order_processing, snippet_01_process_payment, snippet_13_validate_order};
    use std::sync::atomic::{AtomicU32, Ordering};

    const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:";
    const SNS: &str = "arn:aws:states:::sns:publish";

    #[tokio::test]
    async fn simple_sequential_calls_both_functions_in_order() {
        let resources = Resources::new()
            .handler(
                format!("{LAMBDA}MyFunction"),
                |input: Value, _ctx| async move { Ok(json!({"first": input})) },
            )
            .handler(
                format!("{LAMBDA}MyOtherFunction"),
                |input: Value, ctx: TaskContext| async move {
                    Ok(json!({"second": input, "state": ctx.state_name()}))
                },
            );
        let (settings, entered) = recorder();
        let machine = seed::simple_sequential::StateMachine::from_resources(resources)
            .with_settings(settings);
        let output = machine.run(json!({"n": 1})).await.unwrap();
        assert_eq!(
            output,
            json!({"second": {"first": {"n": 1}}, "state": "FinalState"})
        );
        assert_eq!(*entered.lock().unwrap(), ["FirstState", "FinalState"]);
    }

    /// The order as the services know it.
    fn order() -> Value {
        json!({"orderId": "42", "itemId": "book-7", "quantity": 2, "amount": 31.5})
    }

    /// Handlers for the order workflow: `ValidateOrder` answers `validate`
    /// (by call number), `CheckInventory` is out of stock on its first call,
    /// `ProcessPayment` answers `payment`; SNS publishes echo the message.
    fn order_services(
        validate: fn(u32) -> Result<Value, TaskError>,
        payment: &'static str,
    ) -> Resources {
        let validations = Arc::new(AtomicU32::new(0));
        let checks = Arc::new(AtomicU32::new(0));
        Resources::new()
            .handler(format!("{LAMBDA}ValidateOrder"), move |_input: Value, _ctx| {
                let result = validate(validations.fetch_add(1, Ordering::SeqCst));
                async move { result }
            })
            .handler(format!("{LAMBDA}CheckInventory"), move |_input: Value, _ctx| {
                let first = checks.fetch_add(1, Ordering::SeqCst) == 0;
                let mut out = order();
                out["inventoryStatus"] = json!(if first { "OUT_OF_STOCK" } else { "IN_STOCK" });
                async move { Ok(out) }
            })
            .handler(format!("{LAMBDA}ProcessPayment"), move |mut input: Value, _ctx| async move {
                input["paymentStatus"] = json!(payment);
                Ok(input)
            })
            .handler(format!("{LAMBDA}UpdateInventory"), |input: Value, _ctx| async move {
                Ok(json!({"itemId": input["itemId"], "reserved": input["quantity"]}))
            })
            .handler(format!("{LAMBDA}GenerateInvoice"), |input: Value, _ctx| async move {
                Ok(json!({"invoiceId": "INV-42", "amount": input["amount"]}))
            })
            .handler(format!("{LAMBDA}ShipOrder"), |input: Value, _ctx| async move {
                Ok(json!({"orderId": "42", "invoice": input[1]["invoiceId"], "reserved": input[0]["reserved"]}))
            })
            .handler(SNS, |input: Value, _ctx: TaskContext| async move {
                Ok(json!({"MessageId": "m-1", "Topic": input["TopicArn"], "Message": input["Message"]}))
            })
    }

    fn validated(call: u32) -> Result<Value, TaskError> {
        if call == 0 {
            return Err(TaskError::new("ServiceException", "warming up"));
        }
        let mut out = order();
        out["validated"] = json!(true);
        Ok(out)
    }

    #[tokio::test(start_paused = true)]
    async fn the_order_is_retried_waits_for_restock_and_ships() {
        let (settings, entered) = recorder();
        let machine =
            order_processing::StateMachine::from_resources(order_services(validated, "SUCCEEDED"))
                .with_settings(settings);
        let started = tokio::time::Instant::now();
        let output = machine.run(order()).await.unwrap();
        assert_eq!(
            output,
            json!({
                "MessageId": "m-1",
                "Topic": "arn:aws:sns:us-east-1:123456789012:OrderShippedNotification",
                "Message": "Your order 42 has been shipped!"
            })
        );
        let mut entered = entered.lock().unwrap().clone();
        // The two branches of PrepareShipment start in either order.
        entered.get_mut(10..12).unwrap().sort();
        assert_eq!(
            entered,
            [
                "ValidateOrder",
                "CheckInventory",
                "StockCheck",
                "NotifyOutOfStock",
                "WaitForRestock",
                "CheckInventory",
                "StockCheck",
                "ProcessPayment",
                "PaymentCheck",
                "PrepareShipment",
                "GenerateInvoice",
                "UpdateInventory",
                "ShipOrder",
                "NotifyCustomer",
            ]
        );
        // The 2 s retry interval and the two-day Wait, in virtual time.
        assert_eq!(started.elapsed().as_secs(), 2 + 172_800);
    }

    #[tokio::test(start_paused = true)]
    async fn a_validation_error_is_caught_and_notified() {
        let (settings, entered) = recorder();
        let machine = order_processing::StateMachine::from_resources(order_services(
            |_| Err(TaskError::new("ValidationError", "no such item")),
            "SUCCEEDED",
        ))
        .with_settings(settings);
        let output = machine.run(order()).await.unwrap();
        assert_eq!(
            output["Message"],
            json!("Your order could not be processed: no such item")
        );
        assert_eq!(*entered.lock().unwrap(), ["ValidateOrder", "NotifyFailure"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_declined_payment_is_notified() {
        let (settings, entered) = recorder();
        let machine = order_processing::StateMachine::from_resources(order_services(
            |_| Ok(order()),
            "DECLINED",
        ))
        .with_settings(settings);
        let output = machine.run(order()).await.unwrap();
        assert_eq!(
            output["Message"],
            json!("Your payment could not be processed.")
        );
        let entered = entered.lock().unwrap();
        assert_eq!(
            entered[entered.len() - 3..],
            ["ProcessPayment", "PaymentCheck", "NotifyPaymentFailure"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_no_retrier_handles_fails_the_execution() {
        let machine = order_processing::StateMachine::from_resources(order_services(
            |_| Err(TaskError::new("Unexpected", "boom")),
            "SUCCEEDED",
        ));
        let error = machine.run(order()).await.unwrap_err();
        assert_eq!(error.error, "Unexpected");
        assert_eq!(error.cause.as_deref(), Some("boom"));
    }

    #[tokio::test(start_paused = true)]
    async fn process_payment_retries_task_failures_with_backoff() {
        let calls = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&calls);
        let resources = Resources::new().handler(
            format!("{LAMBDA}ProcessPayment"),
            move |input: Value, ctx: TaskContext| {
                let call = counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    if call < 3 {
                        Err(TaskError::new(
                            "States.TaskFailed",
                            format!("attempt {call}"),
                        ))
                    } else {
                        Ok(json!({"paid": input["amount"], "retries": ctx.retry_count()}))
                    }
                }
            },
        );
        let machine = snippet_01_process_payment::StateMachine::from_resources(resources);
        let started = tokio::time::Instant::now();
        let output = machine.run(json!({"amount": 10})).await.unwrap();
        assert_eq!(output, json!({"paid": 10, "retries": 3}));
        // IntervalSeconds 1, BackoffRate 2: 1 + 2 + 4 seconds.
        assert_eq!(started.elapsed().as_secs(), 7);

        assert_eq!(calls.load(Ordering::SeqCst), 4);

        // A fourth failure exhausts MaxAttempts 3.
        let failing = Resources::new().handler(
            format!("{LAMBDA}ProcessPayment"),
            |_input: Value, _ctx| async move { Err(TaskError::new("States.TaskFailed", "down")) },
        );
        let error = snippet_01_process_payment::StateMachine::from_resources(failing)
            .run(json!({}))
            .await
            .unwrap_err();
        assert_eq!(error.error, "States.TaskFailed");
    }

    #[tokio::test]
    async fn validate_order_catches_by_error_name() {
        for (error, next) in [
            ("InvalidOrderError", "NotifyCustomerOfInvalidOrder"),
            ("SomethingElse", "HandleGenericError"),
        ] {
            let resources = Resources::new().handler(
                format!("{LAMBDA}ValidateOrder"),
                move |_input: Value, _ctx| async move { Err(TaskError::new(error, "bad order")) },
            );
            let (settings, entered) = recorder();
            let machine = snippet_13_validate_order::StateMachine::from_resources(resources)
                .with_settings(settings);
            let output = machine.run(json!({"orderId": "42"})).await.unwrap();
            assert_eq!(
                output,
                json!({"orderId": "42", "error": {"Error": error, "Cause": "bad order"}})
            );
            assert_eq!(*entered.lock().unwrap(), ["ValidateOrder", next]);
        }
    }
}
