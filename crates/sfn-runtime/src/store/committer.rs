//! The writer task of a store: group commit.
//!
//! Commits, and the creation of new executions (`start_named`), are sent
//! over a channel; the task takes every request waiting at that moment (up
//! to [`MAX_BATCH`]) and hands them to the backend as one batch
//! ([`Backend::commit`], [`Backend::create_batch`], or
//! [`Backend::write_batch`] for both kinds), which writes them in one
//! transaction: one disk flush for all of them. Each sender gets its own request's result.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::StoreError;
use super::backend::{Backend, Commit, Committed, Created, NewExecution};

/// The most requests (commits and creates) written in one transaction.
const MAX_BATCH: usize = 512;

/// Where a request's result goes.
type Reply<T> = oneshot::Sender<Result<T, StoreError>>;

/// One request to the writer task.
enum Request {
    /// A transition of a running execution.
    Commit(Commit, Reply<Committed>),
    /// A new execution.
    Create(NewExecution, Reply<Created>),
}

/// The sending side of a store's writer task (`Clone` shares it).
#[derive(Clone)]
pub(crate) struct Committer {
    sender: mpsc::UnboundedSender<Request>,
}

/// The error of a writer task that is gone.
fn stopped() -> StoreError {
    StoreError::Database("the store's writer task has stopped".into())
}

impl Committer {
    /// Starts the writer task on the current tokio runtime.
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(backend, receiver));
        Committer { sender }
    }

    /// Writes `commit` (with whatever other requests are waiting) and
    /// returns what happened to it.
    pub(crate) async fn commit(&self, commit: Commit) -> Result<Committed, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Request::Commit(commit, reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Creates `new` (with whatever other requests are waiting), as
    /// [`Backend::create`] does.
    pub(crate) async fn create(&self, new: NewExecution) -> Result<Created, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Request::Create(new, reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn write_batches(backend: Arc<dyn Backend>, mut receiver: mpsc::UnboundedReceiver<Request>) {
    let mut batch: Vec<Request> = Vec::new();
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut news = Vec::new();
        let mut created = Vec::new();
        let mut commits = Vec::new();
        let mut committed = Vec::new();
        for request in batch.drain(..) {
            match request {
                Request::Commit(commit, reply) => {
                    commits.push(commit);
                    committed.push(reply);
                }
                Request::Create(new, reply) => {
                    news.push(new);
                    created.push(reply);
                }
            }
        }
        let written = if news.is_empty() {
            backend.commit(commits).await.map(|c| (Vec::new(), c))
        } else if commits.is_empty() {
            backend.create_batch(news).await.map(|n| (n, Vec::new()))
        } else {
            backend.write_batch(news, commits).await
        };
        match written {
            Ok((news, commits)) => {
                answer(created, news);
                answer(committed, commits);
            }
            Err(error) => {
                // Each request of the batch fails with the batch's error,
                // as the backend gave it (not wrapped in another message).
                for reply in created {
                    let _ = reply.send(Err(same_error(&error)));
                }
                for reply in committed {
                    let _ = reply.send(Err(same_error(&error)));
                }
            }
        }
    }
}

/// A copy of `error` for one request of a failed batch: the same variant
/// and message (`StoreError` is not `Clone`).
fn same_error(error: &StoreError) -> StoreError {
    match error {
        StoreError::Database(message) => StoreError::Database(message.clone()),
        StoreError::Corrupt(message) => StoreError::Corrupt(message.clone()),
        StoreError::LeaseLost(name) => StoreError::LeaseLost(name.clone()),
        other => StoreError::Database(other.to_string()),
    }
}

/// Sends each result to its request (a backend that gave too few results
/// leaves the rest with an error).
fn answer<T>(replies: Vec<Reply<T>>, results: Vec<T>) {
    let mut results = results.into_iter();
    for reply in replies {
        let result = results
            .next()
            .ok_or_else(|| StoreError::Database("the store gave no result".into()));
        let _ = reply.send(result);
    }
}
