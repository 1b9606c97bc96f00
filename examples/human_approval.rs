//! A human approval: the workflow's `.waitForTaskToken` Task sends an
//! "approval email" carrying its task token, then waits. An approver,
//! running as another task, reads the email, sends two heartbeats while it
//! thinks (the state has `HeartbeatSeconds: 3600`), and answers for the
//! token with `TaskTokens::send_task_success`; the execution goes on with
//! that answer. Time is paused, so the approver's three hours pass
//! instantly.
//!
//! ```text
//! cargo run --example human_approval
//! ```

use serde_json::{Value, json};
use sfn_runtime::{Settings, StateObserver, TaskContext, TaskError, TaskTokens};
use std::time::Duration;
use tokio::sync::mpsc;

sfn_runtime::include_asl!(mod approval, "workflows/human_approval.asl.json");

/// An email to the approver: the task token and what to approve.
#[derive(Debug)]
struct Email {
    token: String,
    details: Value,
}

/// The mail service of the `WaitForHumanApproval` state.
struct Mail {
    outbox: mpsc::UnboundedSender<Email>,
}

impl approval::Tasks for Mail {
    async fn wait_for_human_approval(
        &self,
        input: Value,
        _ctx: TaskContext,
    ) -> Result<Value, TaskError> {
        let payload = &input["Payload"];
        let email = Email {
            token: payload["taskToken"].as_str().unwrap_or_default().to_owned(),
            details: payload["approvalDetails"].clone(),
        };
        println!("    email sent: approve {}?", email.details);
        self.outbox
            .send(email)
            .map_err(|_| TaskError::new("Mail.Closed", "nobody reads the mail"))?;
        // Lambda's response to the invocation; the task's result is the answer.
        Ok(json!({"StatusCode": 202}))
    }
}

/// The approver: reads each email, thinks for three hours (a heartbeat
/// every 50 minutes), and approves orders up to 1,000.
async fn approver(mut inbox: mpsc::UnboundedReceiver<Email>, tokens: TaskTokens) {
    while let Some(email) = inbox.recv().await {
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_secs(50 * 60)).await;
            println!("    approver: still reading (heartbeat)");
            if let Err(e) = tokens.send_task_heartbeat(&email.token) {
                println!("    approver: {e}");
            }
        }
        tokio::time::sleep(Duration::from_secs(30 * 60)).await;
        let amount = email.details["amount"].as_f64().unwrap_or(f64::INFINITY);
        let answer = if amount <= 1000.0 {
            json!({"approved": true, "by": "dana"})
        } else {
            json!({"approved": false, "reason": "above dana's limit"})
        };
        println!("    approver: {answer}");
        if let Err(e) = tokens.send_task_success(&email.token, answer) {
            println!("    approver: {e}");
        }
    }
}

/// Runs one approval of `order` and returns its outcome.
async fn run(order: Value) -> Result<Value, sfn_runtime::ExecutionError> {
    let tokens = TaskTokens::new();
    let (outbox, inbox) = mpsc::unbounded_channel();
    tokio::spawn(approver(inbox, tokens.clone()));
    let settings = Settings {
        task_tokens: tokens,
        on_state_entered: Some(StateObserver::new(|state| println!("entered {state}"))),
        ..Settings::default()
    };
    let machine = approval::StateMachine::new(Mail { outbox }).with_settings(settings);
    machine.run(json!({"orderDetails": order})).await
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let started = tokio::time::Instant::now();
    match run(json!({"orderId": "42", "amount": 310.0})).await {
        Ok(output) => println!("output: {output}"),
        Err(e) => println!("failed: {e}"),
    }
    println!("virtual time: {}s", started.elapsed().as_secs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn approved_after_three_and_a_half_hours_with_heartbeats() {
        let started = tokio::time::Instant::now();
        let out = run(json!({"orderId": "42", "amount": 310.0}))
            .await
            .unwrap();
        assert_eq!(out["approval"], json!({"approved": true, "by": "dana"}));
        // 3 x 50 min + 30 min, each under the hour of HeartbeatSeconds.
        assert_eq!(started.elapsed().as_secs(), 3 * 3000 + 1800);
    }

    #[tokio::test(start_paused = true)]
    async fn rejected_with_the_approvers_reason() {
        let err = run(json!({"orderId": "43", "amount": 5000.0}))
            .await
            .unwrap_err();
        assert_eq!(err.error, "Approval.Rejected");
        assert_eq!(err.cause.as_deref(), Some("above dana's limit"));
    }
}
