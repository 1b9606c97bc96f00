//! What a durable run learns from the store about a task token it waits
//! on: its answer and its heartbeats, sent from any process
//! ([`Store::send_task_success`](crate::Store::send_task_success),
//! [`Store::send_task_heartbeat`](crate::Store::send_task_heartbeat)).
//!
//! A token wait with `HeartbeatSeconds` (see [`super::callback`]) needs
//! the time of the token's last heartbeat: while the execution runs in a
//! process it asks the store every [`TOKEN_POLL`] (and once more before it
//! would time out); a parked execution asks once when it wakes at its
//! heartbeat deadline. A heartbeat does not wake a parked execution (see
//! `crate::store::schema`).

use std::time::Duration;

use serde_json::Value;

use super::durable::DurableRun;
use crate::error::StatesError;

/// How often a task waiting on a token with `HeartbeatSeconds` asks the
/// store for an answer or a heartbeat (as `DurableRun::wait_for_answer`
/// does for an answer).
const TOKEN_POLL: Duration = Duration::from_millis(200);

/// What [`DurableRun::watch_token`] found.
#[derive(Debug)]
pub(crate) enum TokenNews {
    /// The token's answer: the task's outcome.
    Answer(Result<Value, StatesError>),
    /// A heartbeat newer than the one the caller knew: its time (ms on the
    /// clock of the store handle that sent it).
    Heartbeat(i64),
}

impl DurableRun {
    /// Reads the row of `token` once: notes its answer, if any (then
    /// [`DurableRun::answer`] gives it), and returns the time of its last
    /// heartbeat (ms). A store that cannot be read gives nothing: the wait
    /// goes on with what it knew.
    pub(crate) async fn look_at_token(&self, token: &str) -> Option<i64> {
        let state = self
            .store()
            .backend()
            .token(self.name().to_owned(), token.to_owned())
            .await
            .ok()
            .flatten()?;
        if let Some(outcome) = &state.outcome {
            self.answered(token.to_owned(), outcome);
        }
        state.heartbeat_at
    }

    /// Waits until `token` is answered, or has a heartbeat later than
    /// `seen` (ms): looks at the answers the run knows, then asks the store
    /// every [`TOKEN_POLL`].
    pub(crate) async fn watch_token(&self, token: &str, seen: Option<i64>) -> TokenNews {
        loop {
            if let Some(answer) = self.answer(token) {
                return TokenNews::Answer(answer);
            }
            tokio::time::sleep(TOKEN_POLL).await;
            let beat = self.look_at_token(token).await;
            if let Some(answer) = self.answer(token) {
                return TokenNews::Answer(answer);
            }
            if let Some(beat) = beat.filter(|beat| seen.is_none_or(|seen| *beat > seen)) {
                return TokenNews::Heartbeat(beat);
            }
        }
    }
}
