//! `TaskContext::idempotency_key`: unique across the items of a Map and
//! the attempts of a Retry, the branches of a Parallel and the visits of a
//! loop; equal for the same calls of two executions with the same name
//! (fixed entropy, manual clock).

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::intrinsics::{Entropy, SharedEntropy};
use sfn_runtime::{Clock, Resources, Settings, TaskContext, TaskError};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

sfn_macros::asl!(pub mod orders, r#"{
  "StartAt": "Items",
  "States": {
    "Items": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "MaxConcurrency": 10,
      "ItemProcessor": {
        "StartAt": "Charge",
        "States": {
          "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 3}],
            "End": true
          }
        }
      },
      "ResultPath": null,
      "Next": "PrepareShipment"
    },
    "PrepareShipment": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Pack", "States": {"Pack": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge", "End": true}}},
        {"StartAt": "GenerateInvoice", "States": {"GenerateInvoice": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge", "End": true}}}
      ],
      "ResultPath": null,
      "Next": "Poll"
    },
    "Poll": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge",
      "ResultPath": "$.polled",
      "Next": "Again?"
    },
    "Again?": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.polled.again", "BooleanEquals": true, "Next": "Poll"}],
      "Default": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#);

/// Always the same name, UUIDs and numbers.
struct Fixed;

impl Entropy for Fixed {
    fn random_u64(&self) -> u64 {
        7
    }

    fn uuid_v4(&self) -> sfn_runtime::uuid::Uuid {
        sfn_runtime::uuid::Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef)
    }
}

/// Runs `orders` over 100 items with fixed entropy on a manual clock; each
/// item's Charge fails `item % 3` times before it succeeds, and Poll runs
/// three times. Returns every key, by state and retry count, in no order.
async fn run() -> Vec<(String, u32, String)> {
    let keys: Arc<Mutex<Vec<(String, u32, String)>>> = Arc::default();
    let polls = Arc::new(Mutex::new(0));
    let resources =
        Resources::new().handler("arn:aws:lambda:us-east-1:123456789012:function:Charge", {
            let keys = Arc::clone(&keys);
            move |input: Value, ctx: TaskContext| {
                let key = ctx.idempotency_key().to_owned();
                let state = ctx.state_name().to_owned();
                let retry = ctx.retry_count();
                keys.lock().unwrap().push((state.clone(), retry, key));
                let outcome = match state.as_str() {
                    "Charge" if u64::from(retry) < input["n"].as_u64().unwrap() % 3 => {
                        Err(TaskError::new("Busy", "again"))
                    }
                    "Poll" => {
                        let mut polls = polls.lock().unwrap();
                        *polls += 1;
                        Ok(json!({"again": *polls < 3}))
                    }
                    _ => Ok(json!({})),
                };
                async move { outcome }
            }
        });
    let clock = Clock::manual(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let settings = Settings {
        clock: clock.clone(),
        entropy: SharedEntropy::new(Fixed),
        ..Settings::default()
    };
    let machine = Arc::new(orders::StateMachine::from_resources(resources).with_settings(settings));
    let items: Vec<Value> = (0..100).map(|n| json!({"n": n})).collect();
    let handle = machine.start(json!({"items": items}));
    // Move the clock through the retry delays until the execution ends.
    let mut result = Box::pin(handle.result());
    loop {
        tokio::select! {
            biased;
            out = &mut result => {
                out.unwrap();
                break;
            }
            () = clock.sleeping() => {
                let due = clock.next_due().unwrap();
                if due > clock.now() {
                    clock.set(due);
                }
                // Let the woken sleeps run.
                tokio::task::yield_now().await;
            }
        }
    }
    keys.lock().unwrap().clone()
}

#[tokio::test]
async fn keys_are_unique_per_call_and_stable_across_runs() {
    let keys = run().await;
    // 100 items, 0 + 1 + 2 retries by thirds: 100 + 33 + 33 * 2 (items
    // 1, 4, ... retry once; 2, 5, ... twice), then two branches and three
    // polls.
    let charges = keys.iter().filter(|(s, _, _)| s == "Charge").count();
    assert_eq!(charges, 100 + 33 + 2 * 33);
    assert_eq!(keys.len(), charges + 2 + 3);
    let distinct: HashSet<&str> = keys.iter().map(|(_, _, k)| k.as_str()).collect();
    assert_eq!(distinct.len(), keys.len(), "duplicate keys");

    let arn = "arn:aws:states:us-east-1:123456789012:execution:orders:01234567-89ab-4def-8123-456789abcdef";
    let has = |key: &str| keys.iter().any(|(_, _, k)| k == key);
    assert!(has(&format!("{arn}/Items@1#0/item 0/Charge@1#0")));
    assert!(has(&format!("{arn}/Items@1#0/item 99/Charge@1#0")));
    assert!(has(&format!("{arn}/Items@1#0/item 5/Charge@1#2")));
    assert!(has(&format!("{arn}/PrepareShipment@2#0/branch 0/Pack@1#0")));
    assert!(has(&format!(
        "{arn}/PrepareShipment@2#0/branch 1/GenerateInvoice@1#0"
    )));
    // The loop: Poll is the third, fifth and seventh state entered.
    assert!(has(&format!("{arn}/Poll@3#0")));
    assert!(has(&format!("{arn}/Poll@5#0")));
    assert!(has(&format!("{arn}/Poll@7#0")));
    for (state, retry, key) in &keys {
        assert!(key.starts_with(arn), "{key}");
        assert!(key.ends_with(&format!("#{retry}")), "{state}: {key}");
    }

    // The same execution again (same name): the same keys.
    let mut again: Vec<String> = run().await.into_iter().map(|(_, _, k)| k).collect();
    let mut first: Vec<String> = keys.into_iter().map(|(_, _, k)| k).collect();
    first.sort();
    again.sort();
    assert_eq!(first, again);
}
