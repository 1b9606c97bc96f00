//! Randomness through `Settings::entropy`: with a fixed (seeded) entropy,
//! two runs give the same execution name, the same `States.UUID`,
//! `States.MathRandom`, JSONata `$uuid()`, `$random()` and `$shuffle`,
//! and the same retry jitter; another seed gives other values.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::intrinsics::{Entropy, SharedEntropy};
use sfn_runtime::{Clock, Resources, Settings, TaskContext, TaskError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

sfn_macros::asl!(pub mod draws, r#"{
  "StartAt": "Intrinsics",
  "States": {
    "Intrinsics": {
      "Type": "Pass",
      "Parameters": {
        "name.$": "$$.Execution.Name",
        "uuid.$": "States.UUID()",
        "n.$": "States.MathRandom(1, 1000000000)"
      },
      "Next": "Jittery"
    },
    "Jittery": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Jittery",
      "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1000, "MaxAttempts": 1, "JitterStrategy": "FULL"}],
      "ResultPath": "$.jitter",
      "Next": "Jsonata"
    },
    "Jsonata": {
      "Type": "Pass",
      "QueryLanguage": "JSONata",
      "Output": {
        "before": "{% $states.input %}",
        "uuid": "{% $uuid() %}",
        "random": "{% $random() %}",
        "shuffled": "{% $shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) %}"
      },
      "End": true
    }
  }
}"#);

/// SplitMix64 from a seed: the same draws on every run.
struct Seeded(AtomicU64);

impl Entropy for Seeded {
    fn random_u64(&self) -> u64 {
        let mut z = self
            .0
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uuid_v4(&self) -> sfn_runtime::uuid::Uuid {
        let bytes =
            (u128::from(self.random_u64()) << 64 | u128::from(self.random_u64())).to_be_bytes();
        sfn_runtime::uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

/// One run with entropy seeded by `seed`: the execution's name, its output
/// and the retry delay it chose (on a manual clock).
async fn run(seed: u64) -> (String, Value, Duration) {
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let clock = Clock::manual(t0);
    let calls = Arc::new(AtomicU32::new(0));
    let resources =
        Resources::new().handler("arn:aws:lambda:us-east-1:123456789012:function:Jittery", {
            let calls = Arc::clone(&calls);
            move |_input: Value, _ctx: TaskContext| {
                let first = calls.fetch_add(1, Ordering::SeqCst) == 0;
                async move {
                    if first {
                        Err(TaskError::new("Busy", "later"))
                    } else {
                        Ok(json!("ok"))
                    }
                }
            }
        });
    let settings = Settings {
        clock: clock.clone(),
        entropy: SharedEntropy::new(Seeded(AtomicU64::new(seed))),
        ..Settings::default()
    };
    let machine = Arc::new(draws::StateMachine::from_resources(resources).with_settings(settings));
    let handle = machine.start(json!({}));
    clock.sleeping().await;
    let delay = clock.next_due().unwrap().duration_since(t0).unwrap();
    clock.advance(delay);
    let out = handle.result().await.unwrap();
    (handle.name().to_owned(), out, delay)
}

#[tokio::test]
async fn a_fixed_entropy_repeats_every_random_draw() {
    let (name, out, delay) = run(42).await;
    let again = run(42).await;
    assert_eq!(
        (name.as_str(), &out, delay),
        (again.0.as_str(), &again.1, again.2)
    );

    // The draws are there and look random.
    assert_eq!(out["before"]["name"], json!(name));
    assert_eq!(name.len(), 36, "{name}");
    assert_eq!(out["before"]["uuid"].as_str().unwrap().len(), 36);
    assert_ne!(out["before"]["uuid"], json!(name));
    assert_ne!(out["uuid"], out["before"]["uuid"]);
    let random = out["random"].as_f64().unwrap();
    assert!((0.0..1.0).contains(&random), "{random}");
    let mut shuffled: Vec<u64> = serde_json::from_value(out["shuffled"].clone()).unwrap();
    shuffled.sort_unstable();
    assert_eq!(shuffled, (1..=10).collect::<Vec<_>>());
    assert!(delay <= Duration::from_secs(1000), "{delay:?}");
    assert_eq!(out["before"]["jitter"], json!("ok"));

    // Another seed, other draws.
    let (other_name, other, other_delay) = run(7).await;
    assert_ne!(other_name, name);
    assert_ne!(other["before"]["uuid"], out["before"]["uuid"]);
    assert_ne!(other["before"]["n"], out["before"]["n"]);
    assert_ne!(other["uuid"], out["uuid"]);
    assert_ne!(other["random"], out["random"]);
    assert_ne!(other_delay, delay);
}
