//! A hand-written state machine in the shape the code generator emits
//! (through `crate::__private` only), to check that the engine's API
//! composes: Retry around a task call, Catch, a Parallel of two different
//! scopes, a Map whose iterations run a scope with a child execution, and a
//! top-level future that is `Send` (so an application can `tokio::spawn` a
//! run).

use std::future::Future;
use std::sync::{Arc, LazyLock};

use crate::__private as sfn;
use crate::{ExecutionError, Resources, TaskContext, TaskError};
use sfn::{Execution, RetryPolicy, StatesError, Tolerance, Value};

const FLAKY: &str = "arn:aws:lambda:us-east-1:123456789012:function:Flaky";
const DOUBLE: &str = "arn:aws:lambda:us-east-1:123456789012:function:Double";

trait Tasks: Send + Sync + 'static {
    fn flaky(
        &self,
        input: Value,
        ctx: TaskContext,
    ) -> impl Future<Output = Result<Value, TaskError>> + Send;
    fn double(
        &self,
        input: Value,
        ctx: TaskContext,
    ) -> impl Future<Output = Result<Value, TaskError>> + Send;
}

impl Tasks for Resources {
    fn flaky(
        &self,
        input: Value,
        ctx: TaskContext,
    ) -> impl Future<Output = Result<Value, TaskError>> + Send {
        self.call(FLAKY, input, ctx)
    }
    fn double(
        &self,
        input: Value,
        ctx: TaskContext,
    ) -> impl Future<Output = Result<Value, TaskError>> + Send {
        self.call(DOUBLE, input, ctx)
    }
}

static RETRY_FLAKY: &[RetryPolicy] = &[RetryPolicy {
    error_equals: &["States.TaskFailed"],
    interval_seconds: 1,
    max_attempts: 2,
    backoff_rate: 2.0,
    max_delay_seconds: None,
    jitter_full: false,
}];
static CATCH_FLAKY: &[&[&str]] = &[&["States.ALL"]];
static SETTINGS: LazyLock<Arc<sfn::Settings>> = LazyLock::new(Arc::default);

struct StateMachine<T: Tasks> {
    tasks: T,
}

impl<T: Tasks> StateMachine<T> {
    async fn run(&self, input: Value) -> Result<Value, ExecutionError> {
        let mut exec = Execution::new("Shape", &input, Arc::clone(&SETTINGS));
        self.scope_0(&mut exec, input).await.map_err(Into::into)
    }

    /// Top level: Flaky (Retry, Catch) -> Par (two branches) -> end.
    async fn scope_0(&self, exec: &mut Execution, input: Value) -> Result<Value, StatesError> {
        exec.enter("Flaky");
        let effective = input.clone();
        let flaky = sfn::with_retry(exec, RETRY_FLAKY, |exec| {
            sfn::call_task(exec, "Flaky", FLAKY, Some(30), |ctx| {
                self.tasks.flaky(effective.clone(), ctx)
            })
        })
        .await;
        let data = match flaky {
            Ok(result) => result,
            Err(error) => match sfn::find_catcher(CATCH_FLAKY, &error) {
                Some(0) => error.to_error_output(),
                _ => return Err(error),
            },
        };
        exec.enter("Par");
        let mut b0 = exec.child();
        let mut b1 = exec.child();
        let branches: Vec<sfn::BranchFuture<'_>> = vec![
            Box::pin(self.scope_1(&mut b0, data.clone())),
            Box::pin(self.scope_2(&mut b1, data.clone())),
        ];
        let outputs = sfn::run_parallel(branches).await?;
        Ok(Value::Array(outputs))
    }

    /// Branch 0: a Map over `items` running Double per item.
    async fn scope_1(&self, exec: &mut Execution, input: Value) -> Result<Value, StatesError> {
        exec.enter("Each");
        let items = input["items"].as_array().cloned().unwrap_or_default();
        let parent = &*exec;
        let outputs = sfn::run_map(
            &parent.settings,
            items,
            2,
            Tolerance::default(),
            |index, item| {
                let mut child = parent.child_for_item(index, item.clone());
                async move { self.scope_3(&mut child, item).await }
            },
        )
        .await?;
        Ok(Value::Array(outputs))
    }

    /// Branch 1: a Wait, then the input.
    async fn scope_2(&self, exec: &mut Execution, input: Value) -> Result<Value, StatesError> {
        exec.enter("Pause");
        let seconds = sfn::expect_seconds_at("SecondsPath", "$.pause", input.get("pause"))?;
        sfn::wait_seconds(exec.clock(), seconds).await;
        Ok(input["label"].clone())
    }

    /// The Map's item processor: Double.
    async fn scope_3(&self, exec: &mut Execution, input: Value) -> Result<Value, StatesError> {
        exec.enter("Double");
        sfn::with_retry(exec, &[], |exec| {
            sfn::call_task(exec, "Double", DOUBLE, None, |ctx| {
                self.tasks.double(input.clone(), ctx)
            })
        })
        .await
    }
}

fn assert_send<F: Future + Send>(f: F) -> F {
    f
}

fn machine(flaky_failures: u32) -> StateMachine<Resources> {
    let attempts = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let tasks = Resources::new()
        .handler(FLAKY, move |input: Value, ctx: TaskContext| {
            let attempts = Arc::clone(&attempts);
            async move {
                let n = attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert_eq!(ctx.retry_count(), n);
                if n < flaky_failures {
                    Err(TaskError::new("Lambda.Unknown", format!("attempt {n}")))
                } else {
                    Ok(input)
                }
            }
        })
        .handler(DOUBLE, |input: Value, ctx: TaskContext| async move {
            let index = &ctx.context()["Map"]["Item"]["Index"];
            Ok(serde_json::json!({
                "index": index,
                "double": input.as_i64().unwrap_or(0) * 2,
            }))
        });
    StateMachine { tasks }
}

#[tokio::test(start_paused = true)]
async fn generated_shape_runs_and_is_send() {
    let input = serde_json::json!({"items": [1, 2, 3], "pause": 5, "label": "done"});
    let sm = machine(2);
    let out = assert_send(sm.run(input.clone())).await.unwrap();
    assert_eq!(
        out,
        serde_json::json!([
            [
                {"index": 0, "double": 2},
                {"index": 1, "double": 4},
                {"index": 2, "double": 6}
            ],
            "done"
        ])
    );
    // Three failures exceed MaxAttempts 2; Catch passes the error output on,
    // which has no items and no pause: the Wait's path check fails the run.
    let err = machine(3).run(input).await.unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(
        err.cause.as_deref(),
        Some("The SecondsPath parameter does not reference an input value: $.pause")
    );
}

#[tokio::test]
async fn run_can_be_spawned() {
    let sm = Arc::new(machine(0));
    let handle = tokio::spawn({
        let sm = Arc::clone(&sm);
        async move {
            sm.run(serde_json::json!({"items": [], "pause": 0, "label": 1}))
                .await
        }
    });
    assert_eq!(handle.await.unwrap(), Ok(serde_json::json!([[], 1])));
}
