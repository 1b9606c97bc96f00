//! `.waitForTaskToken` through generated code: a heartbeat timeout is
//! retried with a new token, then caught; an answer from another task
//! completes the state.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{Settings, TaskContext, TaskError, TaskTokens};
use std::sync::{Arc, Mutex};
use std::time::Duration;

sfn_runtime::asl!(
    /// Waits for an answer with a heartbeat every minute; one retry.
    pub mod approval,
    {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "MessageBody": { "token.$": "$$.Task.Token", "order.$": "$.order" } },
                "HeartbeatSeconds": 60,
                "Retry": [{ "ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 5, "MaxAttempts": 1 }],
                "Catch": [{ "ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.error", "Next": "GaveUp" }],
                "ResultPath": "$.answer",
                "End": true
            },
            "GaveUp": { "Type": "Pass", "End": true }
        }
    }
);

/// Sends the token to `approver` when it is `Some`; records every token.
struct Queue {
    tokens: TaskTokens,
    seen: Arc<Mutex<Vec<String>>>,
    answer_attempt: Option<usize>,
}

impl approval::Tasks for Queue {
    async fn ask(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        let token = input["MessageBody"]["token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(ctx.task_token(), Some(token.as_str()));
        let attempt = {
            let mut seen = self.seen.lock().unwrap();
            seen.push(token.clone());
            seen.len()
        };
        if self.answer_attempt == Some(attempt) {
            let tokens = self.tokens.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(30)).await;
                tokens
                    .send_task_success(&token, json!({"approved": true}))
                    .unwrap();
            });
        }
        Ok(json!({"MessageId": "m-1"}))
    }
}

fn machine(
    answer_attempt: Option<usize>,
) -> (approval::StateMachine<Queue>, Arc<Mutex<Vec<String>>>) {
    let tokens = TaskTokens::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let queue = Queue {
        tokens: tokens.clone(),
        seen: Arc::clone(&seen),
        answer_attempt,
    };
    let settings = Settings {
        task_tokens: tokens,
        ..Settings::default()
    };
    (
        approval::StateMachine::new(queue).with_settings(settings),
        seen,
    )
}

#[tokio::test(start_paused = true)]
async fn the_retry_gets_a_new_token_and_its_answer() {
    let (machine, seen) = machine(Some(2));
    let start = tokio::time::Instant::now();
    let out = machine.run(json!({"order": 7})).await.unwrap();
    assert_eq!(out["answer"], json!({"approved": true}));
    // 60 s of silence, a 5 s retry interval, 30 s to the answer.
    assert_eq!(start.elapsed().as_secs(), 95);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_ne!(seen[0], seen[1], "each attempt has its own token");
}

#[tokio::test(start_paused = true)]
async fn silence_after_the_retry_is_caught() {
    let (machine, seen) = machine(None);
    let out = machine.run(json!({"order": 7})).await.unwrap();
    assert_eq!(
        out["error"],
        json!({"Error": "States.HeartbeatTimeout", "Cause": ""})
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
}
