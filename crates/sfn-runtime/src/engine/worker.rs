//! Starting durable executions and serving a store: the generic code
//! behind a generated state machine's `start_named` and `serve`.
//!
//! The runtime's [`StateMachine`](crate::machine::StateMachine), which a
//! generated module's `StateMachine` is, implements [`DurableMachine`] (its
//! name, settings, `TimeoutSeconds` and top-level scope); everything else
//! is here, once, for every workflow:
//!
//! * [`start_named`]: AWS's `StartExecution` with a name. The execution
//!   and its `ExecutionStarted` event are committed before it returns; a
//!   name that runs with the same input gives that execution, another
//!   input or an ended execution `ExecutionAlreadyExists`.
//! * [`serve`]: a worker. It claims the `RUNNING` executions of the state
//!   machine that no live worker holds and that are due (at start: those a
//!   dead process left; then: parked executions whose timer came due, or
//!   whose task token was answered), continues each from its last commit,
//!   and renews the leases of what runs in the process.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::control::Ending;
use super::durable::DurableRun;
use super::execution::{Execution, Settings};
use crate::error::StatesError;
use crate::handle::{ExecutionHandle, ExecutionStatus};
use crate::store::backend::{Claim, Created, NewExecution, StoredEvent};
use crate::store::{Store, StoreError, millis};

/// How often a worker looks for due executions at most, when nothing in
/// the process tells it earlier (another process may have parked or
/// answered one).
const POLL: Duration = Duration::from_millis(500);

/// How many executions a worker claims at a time.
const CLAIM_BATCH: usize = 256;

/// The future of a top-level scope.
pub type ScopeFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, StatesError>> + Send + 'a>>;

/// What [`start_named`] and [`serve`] need of a state machine
/// (implemented by [`crate::machine::StateMachine`]).
pub trait DurableMachine: Send + Sync + 'static {
    /// The state machine's name (`NAME`).
    fn machine_name(&self) -> &'static str;
    /// Its settings, with the store.
    fn settings(&self) -> &Arc<Settings>;
    /// Its `TimeoutSeconds`.
    fn timeout_seconds(&self) -> Option<u64>;
    /// Runs its top-level scope in `exec` (resuming where `exec` says).
    fn run_execution<'a>(&'a self, exec: &'a mut Execution, input: Value) -> ScopeFuture<'a>;
}

/// AWS's `StartExecution` with a name, on the machine's store (see the
/// [module](self) docs).
///
/// # Errors
///
/// [`StoreError::NoStore`], [`StoreError::ExecutionAlreadyExists`], an
/// invalid name, or the store's error.
pub async fn start_named<M: DurableMachine>(
    machine: &Arc<M>,
    name: &str,
    input: Value,
) -> Result<ExecutionHandle, StoreError> {
    let settings = machine.settings();
    let store = settings.store.clone().ok_or(StoreError::NoStore)?;
    check_name(name)?;
    let machine_name = machine.machine_name();
    let now = settings.clock.now();
    let mut details = crate::engine::history::data("input", &input);
    details.insert(
        "roleArn".into(),
        Value::String(Execution::role_arn(settings)),
    );
    let new = NewExecution {
        name: name.to_owned(),
        arn: Execution::arn(machine_name, name),
        machine: machine_name.to_owned(),
        input: input.to_string(),
        start_date: millis(now),
        started: StoredEvent {
            id: 1,
            timestamp: millis(now),
            event_type: "ExecutionStarted".into(),
            details: Value::Object(details).to_string(),
        },
        owner: Some((
            store.worker().to_owned(),
            millis(now).saturating_add(store.lease_ms()),
        )),
    };
    match store.committer().create(new).await? {
        Created::New { fence } => {
            let run = DurableRun::new(
                store.clone(),
                name.to_owned(),
                fence,
                1,
                Vec::new(),
                Vec::new(),
                store.is_serving(machine_name),
            )?;
            let exec = Execution::named(
                machine_name,
                name,
                &input,
                Arc::clone(settings),
                chrono::DateTime::<chrono::Utc>::from(crate::store::from_millis(millis(now))),
                0,
            );
            let (exec, local) = launch(machine, exec, input, (&run, fence), 1, now);
            Ok(handle(&exec, store, Some(run), Some(local)))
        }
        Created::Exists(existing) => {
            if existing.status == ExecutionStatus::Running && existing.input == input {
                let exec = Execution::named(
                    machine_name,
                    name,
                    &input,
                    Arc::clone(settings),
                    chrono::DateTime::<chrono::Utc>::from(existing.start_date),
                    existing.redrive_count,
                );
                Ok(handle(&exec, store, None, None::<std::future::Ready<()>>))
            } else {
                Err(StoreError::ExecutionAlreadyExists(name.to_owned()))
            }
        }
    }
}

/// A handle on the durable execution of `exec`.
fn handle<F>(
    exec: &Execution,
    store: Store,
    run: Option<Arc<DurableRun>>,
    local: Option<F>,
) -> ExecutionHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    ExecutionHandle::spawn_durable(
        exec.name().to_owned(),
        exec.id().to_owned(),
        exec.recorder.clone(),
        (exec.settings.logging, exec.span.clone()),
        (store, run),
        local,
    )
}

/// AWS's rules for execution names: 1 to 80 characters, none of them
/// whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters.
fn check_name(name: &str) -> Result<(), StoreError> {
    let bad =
        |c: char| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c);
    let length = name.chars().count();
    if length == 0 || length > 80 || name.chars().any(bad) {
        return Err(StoreError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// The run of `exec` in this process under the claim `fence`, as a
/// future: its top-level scope under the control's timeout, then its end
/// committed (unless it parked or lost the store). Returns the execution as
/// the handle needs it.
///
/// Once the future is over, nothing of the execution runs here any more:
/// its lease is no longer renewed, even while a handle keeps the run. A run
/// unloaded by a failed commit (a full disk, a lost connection) must let
/// its lease run out, or no worker would ever claim it again.
fn launch<M: DurableMachine>(
    machine: &Arc<M>,
    exec: Execution,
    input: Value,
    (run, fence): (&Arc<DurableRun>, i64),
    last_event_id: u64,
    start: SystemTime,
) -> (
    Execution,
    impl Future<Output = ()> + Send + 'static + use<M>,
) {
    let mut exec = exec.into_durable(run, last_event_id);
    let view = exec.clone();
    let machine = Arc::clone(machine);
    let run = Arc::clone(run);
    let local = async move {
        let control = exec.control().clone();
        let clock = exec.clock().clone();
        let timeout = machine.timeout_seconds().map(|seconds| {
            let elapsed = clock.now().duration_since(start).unwrap_or_default();
            Duration::from_secs(seconds).saturating_sub(elapsed)
        });
        let deadline = machine
            .timeout_seconds()
            .and_then(|seconds| start.checked_add(Duration::from_secs(seconds)));
        let span = exec.span.clone();
        let top = tracing::Instrument::instrument(machine.run_execution(&mut exec, input), span);
        let top = super::parking::drive(&run, &control, deadline, top);
        let outcome = control.drive_for(timeout, top).await;
        let outcome = exec.end(outcome);
        if !matches!(control.ending(), Some(Ending::Unloaded)) {
            let _ = run.finish(&control, clock.now(), &outcome).await;
        }
        run.store().remove_live(run.name(), fence);
        run.store().notify_parked();
    };
    (view, local)
}

/// A worker for `machine`'s executions in its store (see the [module](self)
/// docs). Runs until the future is dropped.
///
/// # Errors
///
/// [`StoreError::NoStore`]; with SQLite, another process serving the same
/// file. Errors of the store while serving are retried, not returned.
pub async fn serve<M: DurableMachine>(machine: Arc<M>) -> Result<(), StoreError> {
    let settings = Arc::clone(machine.settings());
    let store = settings.store.clone().ok_or(StoreError::NoStore)?;
    let machine_name = machine.machine_name();
    let _exclusive = store.lock_for_worker(machine_name).await?;
    let _serving = store.serving(machine_name);
    let mut changes = store.changes();
    let renew_every = store.lease() / 3;
    let mut last_renewal = tokio::time::Instant::now();
    let mut running: HashMap<String, tokio::task::JoinHandle<()>> = HashMap::new();
    loop {
        running.retain(|_, task| !task.is_finished());
        let now = settings.clock.now();
        let claims = store
            .backend()
            .claim(
                store.worker().to_owned(),
                machine_name.to_owned(),
                millis(now),
                store.lease_ms(),
                CLAIM_BATCH,
            )
            .await
            .unwrap_or_default();
        let claimed_all = claims.len() == CLAIM_BATCH;
        for claim in claims {
            let name = claim.name.clone();
            if let Some(local) = resume(&machine, &store, claim).await {
                running.insert(name, tokio::spawn(local));
            }
        }
        if last_renewal.elapsed() >= renew_every {
            let _ = store
                .backend()
                .renew(
                    store.worker().to_owned(),
                    store.live_claims(),
                    millis(settings.clock.now()).saturating_add(store.lease_ms()),
                )
                .await;
            last_renewal = tokio::time::Instant::now();
        }
        if claimed_all {
            tokio::task::yield_now().await;
            continue;
        }
        let next = store
            .backend()
            .next_wake(machine_name.to_owned())
            .await
            .ok()
            .flatten();
        // Due times are on the executions' clock; what other processes
        // write (answers, stops, new executions) and the lease renewal are
        // looked for in real time, also when that clock is a manual one.
        let now = settings.clock.now();
        let until_due = next.map(|next| {
            crate::store::from_millis(next)
                .duration_since(now)
                .unwrap_or_default()
        });
        if until_due.is_some_and(|d| d.is_zero()) {
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            _ = changes.changed() => {}
            () = tokio::time::sleep(POLL.min(renew_every)) => {}
            () = settings.clock.sleep(until_due.unwrap_or_default()), if until_due.is_some() => {}
        }
    }
}

/// Loads a claimed execution and returns its run, to be spawned (`None`
/// when there is nothing to run: it ended meanwhile, or its rows are
/// damaged).
async fn resume<M: DurableMachine>(
    machine: &Arc<M>,
    store: &Store,
    claim: Claim,
) -> Option<impl Future<Output = ()> + Send + 'static + use<M>> {
    let loaded = match store.backend().load(claim.name.clone()).await {
        Ok(Some(loaded)) => loaded,
        _ => {
            let _ = store.backend().release(claim).await;
            return None;
        }
    };
    let description = &loaded.description;
    if description.status != ExecutionStatus::Running {
        return None;
    }
    let settings = machine.settings();
    let last_event_id = u64::try_from(loaded.last_event_id).unwrap_or(0);
    let run = match DurableRun::new(
        store.clone(),
        claim.name.clone(),
        claim.fence,
        last_event_id,
        loaded.scopes,
        loaded.journal,
        true,
    ) {
        Ok(run) => run,
        Err(_) => {
            let _ = store.backend().release(claim).await;
            return None;
        }
    };
    for (token, outcome) in loaded.answers {
        run.answered(token, &outcome);
    }
    let exec = Execution::named(
        machine.machine_name(),
        &description.name,
        &description.input,
        Arc::clone(settings),
        chrono::DateTime::<chrono::Utc>::from(description.start_date),
        description.redrive_count,
    );
    if let Some((error, cause)) = loaded.stop {
        exec.control().end(Ending::Aborted(StatesError {
            error: error.into(),
            cause,
        }));
    }
    let (_, local) = launch(
        machine,
        exec,
        description.input.clone(),
        (&run, claim.fence),
        last_event_id,
        description.start_date,
    );
    Some(local)
}
