//! The writer task of a store: group commit.
//!
//! Commits are sent over a channel; the task takes every commit waiting at
//! that moment (up to [`MAX_BATCH`]) and hands them to the backend as one
//! batch, which writes them in one transaction. Each sender gets its own
//! commit's result.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::StoreError;
use super::backend::{Backend, Commit, Committed};

/// The most commits written in one transaction.
const MAX_BATCH: usize = 512;

type Request = (Commit, oneshot::Sender<Result<Committed, StoreError>>);

/// The sending side of a store's writer task (`Clone` shares it).
#[derive(Clone)]
pub(crate) struct Committer {
    sender: mpsc::UnboundedSender<Request>,
}

impl Committer {
    /// Starts the writer task on the current tokio runtime.
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(backend, receiver));
        Committer { sender }
    }

    /// Writes `commit` (with whatever other commits are waiting) and
    /// returns what happened to it.
    pub(crate) async fn commit(&self, commit: Commit) -> Result<Committed, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((commit, reply))
            .map_err(|_| StoreError::Database("the store's writer task has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Database("the store's writer task has stopped".into()))?
    }
}

async fn write_batches(backend: Arc<dyn Backend>, mut receiver: mpsc::UnboundedReceiver<Request>) {
    let mut batch: Vec<Request> = Vec::new();
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (commits, replies): (Vec<Commit>, Vec<_>) = batch.drain(..).unzip();
        match backend.commit(commits).await {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            Err(error) => {
                let message = error.to_string();
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Database(message.clone())));
                }
            }
        }
    }
}
