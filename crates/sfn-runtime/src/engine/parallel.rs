//! The branches of a Parallel state.
//!
//! All branches start together and run concurrently on the current task
//! (their futures are polled together, not spawned, so they may borrow the
//! state machine). The state's result is the array of the branches' outputs
//! in branch order, whatever order they finish in.
//!
//! When a branch fails, the others are cancelled (their futures are
//! dropped) and the state fails with that branch's error as it is: AWS
//! reports the branch's own error name and cause (e.g. a Fail state's
//! `Error` inside a branch), not `States.BranchFailed`, which the
//! specification suggests.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::error::StatesError;

/// A boxed branch (or Map item) future, for when the branches are
/// different `async fn`s and so of different types:
/// `vec![Box::pin(self.branch_0(&mut c0, input.clone())) as BranchFuture<'_>, ...]`.
pub type BranchFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, StatesError>> + Send + 'a>>;

/// Runs the branches concurrently and returns their outputs in branch
/// order, or the first failure (cancelling the other branches).
pub async fn run_parallel<Fut>(branches: Vec<Fut>) -> Result<Vec<Value>, StatesError>
where
    Fut: Future<Output = Result<Value, StatesError>>,
{
    futures::future::try_join_all(branches).await
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;
    use serde_json::json;
    use tokio::time::{Instant, sleep};

    /// Sets its flag when dropped.
    struct DropFlag(Arc<AtomicBool>);

    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn outputs_in_branch_order_run_concurrently() {
        let start = Instant::now();
        let branches: Vec<BranchFuture<'_>> = vec![
            Box::pin(async {
                sleep(Duration::from_secs(3)).await;
                Ok(json!("slow"))
            }),
            Box::pin(async { Ok(json!("instant")) }),
            Box::pin(async {
                sleep(Duration::from_secs(1)).await;
                Ok(json!({"b": 2}))
            }),
        ];
        let out = run_parallel(branches).await.unwrap();
        assert_eq!(out, [json!("slow"), json!("instant"), json!({"b": 2})]);
        // Concurrent: the longest branch, not the sum.
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn first_failure_cancels_the_other_branches() {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(Arc::clone(&dropped));
        let branches: Vec<BranchFuture<'_>> = vec![
            // Would never finish.
            Box::pin(async move {
                let _flag = flag;
                std::future::pending::<()>().await;
                Ok(json!("never"))
            }),
            Box::pin(async {
                sleep(Duration::from_secs(2)).await;
                Err(StatesError::new("BranchError", "branch 1 failed"))
            }),
            Box::pin(async {
                sleep(Duration::from_secs(5)).await;
                Err(StatesError::new("LaterError", "too late"))
            }),
        ];
        let start = Instant::now();
        let out = run_parallel(branches).await;
        // The failing branch's own error, as AWS reports it.
        assert_eq!(out, Err(StatesError::new("BranchError", "branch 1 failed")));
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert!(
            dropped.load(Ordering::SeqCst),
            "the hanging branch was dropped"
        );
    }

    #[tokio::test]
    async fn no_branches_give_an_empty_array() {
        let branches: Vec<BranchFuture<'_>> = Vec::new();
        assert_eq!(run_parallel(branches).await, Ok(Vec::new()));
    }

    #[tokio::test]
    async fn branches_may_borrow_local_state() {
        let input = json!({"x": 1, "y": 2});
        let shared = &input;
        let branch = |key: &'static str| async move { Ok(shared[key].clone()) };
        let out = run_parallel(vec![branch("y"), branch("x")]).await.unwrap();
        assert_eq!(out, [json!(2), json!(1)]);
    }
}
