//! The state machine type of every generated module: the part of a
//! workflow's `StateMachine` that is the same whatever the workflow.
//!
//! A generated module holds what depends on its definition: the state
//! enums, the `Tasks` trait, the code of each scope and the constants. Its
//! `Workflow<T>` binds them, around the task handlers `T`, by implementing
//! [`CompiledWorkflow`], and its `StateMachine` is this module's
//! [`StateMachine`] of that workflow:
//!
//! ```text
//! pub type StateMachine<T = sfn_runtime::Resources> =
//!     sfn_runtime::machine::StateMachine<Workflow<T>>;
//! ```
//!
//! So `order::StateMachine::new(tasks)`, `from_resources`, `run`, `start`,
//! `with_settings`, `with_store`, `start_named` and `serve` are written
//! once, here.
//!
//! ```
//! use serde_json::json;
//!
//! sfn_runtime::asl!(mod hello, r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#);
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let machine = hello::StateMachine::from_resources(sfn_runtime::Resources::new());
//! assert_eq!(machine.run(json!({"a": 1})).await.unwrap(), json!({"a": 1}));
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use serde_json::Value;
use tracing::Instrument;

use crate::engine::worker::{self, DurableMachine, ScopeFuture};
use crate::engine::{Execution, Settings};
use crate::error::StatesError;
use crate::handle::ExecutionHandle;
use crate::nested::Workflow;
use crate::store::{Store, StoreError};
use crate::task::{ExecutionError, Resources};

/// What a generated module tells [`StateMachine`] about its workflow: its
/// name, its `TimeoutSeconds`, its task handlers and the code of its top
/// level. Implemented by the module's `Workflow<T>`; not meant to be
/// implemented by hand.
pub trait CompiledWorkflow: Send + Sync + Sized + 'static {
    /// The task handlers (the module's `Tasks` implementor).
    type Tasks: Send + Sync + 'static;

    /// The state machine's name (the module's `NAME`): `$$.StateMachine.Name`.
    const NAME: &'static str;

    /// The definition's `TimeoutSeconds`, if it has one.
    const TIMEOUT_SECONDS: Option<u64>;

    /// The workflow around its task handlers.
    fn new(tasks: Self::Tasks) -> Self;

    /// The task handlers.
    fn tasks(&self) -> &Self::Tasks;

    /// Runs the top-level scope in `exec` on `input` (from its start, or
    /// from where `exec` resumes) and returns the output of the state that
    /// ends it.
    fn top_level<'a>(
        &'a self,
        exec: &'a mut Execution,
        input: Value,
    ) -> impl Future<Output = Result<Value, StatesError>> + Send + 'a;
}

/// A workflow ready to run: its Task states call the handlers it was made
/// with. A generated module's `StateMachine<T>` is this type of the
/// module's workflow (see the [module](self) docs).
pub struct StateMachine<W> {
    workflow: W,
    settings: Arc<Settings>,
}

impl<W: CompiledWorkflow> fmt::Debug for StateMachine<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateMachine")
            .field("name", &W::NAME)
            .finish_non_exhaustive()
    }
}

impl<W: CompiledWorkflow> StateMachine<W> {
    /// A state machine whose Task states call `tasks`.
    pub fn new(tasks: W::Tasks) -> Self {
        StateMachine {
            workflow: W::new(tasks),
            settings: Arc::new(Settings::default()),
        }
    }

    /// The same state machine with other runtime settings.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = Arc::new(settings);
        self
    }

    /// The task handlers.
    pub fn tasks(&self) -> &W::Tasks {
        self.workflow.tasks()
    }

    /// The same state machine with its executions kept in `store`: those
    /// started with `start_named` survive a restart of the process, and
    /// `serve` continues them.
    pub fn with_store(mut self, store: Store) -> Self {
        let mut settings = (*self.settings).clone();
        settings.task_tokens.attach_store(store.clone());
        settings.store = Some(store);
        self.settings = Arc::new(settings);
        self
    }

    /// Starts a durable execution named `name` on `input` (AWS's
    /// `StartExecution`): returns once the execution and its
    /// `ExecutionStarted` event are committed to the store. A name that is
    /// running with the same input gives that execution.
    ///
    /// # Errors
    ///
    /// `ExecutionAlreadyExists` when the name is taken by an ended
    /// execution or one with another input; `NoStore` without a store; the
    /// store's errors.
    pub async fn start_named(
        self: &Arc<Self>,
        name: &str,
        input: Value,
    ) -> Result<ExecutionHandle, StoreError> {
        worker::start_named(self, name, input).await
    }

    /// Serves the store: continues this workflow's executions that no
    /// process runs (left by a process that stopped, parked in a Wait
    /// whose time came, waiting on an answered task token), and keeps the
    /// leases of those running here. Runs until the future is dropped.
    ///
    /// # Errors
    ///
    /// `NoStore` without a store; with SQLite, another process serving the
    /// same file.
    pub async fn serve(self: &Arc<Self>) -> Result<(), StoreError> {
        worker::serve(Arc::clone(self)).await
    }

    /// Runs one execution of the workflow on `input` and returns its
    /// output. A definition with `TimeoutSeconds` times out with
    /// `States.Timeout` after that many seconds.
    ///
    /// # Errors
    ///
    /// When the execution fails: the `Error` and `Cause` AWS would report
    /// (a Fail state's, a task's error that no `Catch` handled,
    /// `States.Runtime`, ...).
    pub async fn run(&self, input: Value) -> Result<Value, ExecutionError> {
        let mut exec = Execution::new(W::NAME, &input, Arc::clone(&self.settings));
        // Handlers' own `tracing` events are inside the execution's span.
        let span = exec.span.clone();
        let control = exec.control().clone();
        let top = self.workflow.top_level(&mut exec, input).instrument(span);
        let outcome = control.drive(W::TIMEOUT_SECONDS, top).await;
        exec.end(outcome).map_err(ExecutionError::from)
    }

    /// Starts an execution of the workflow on `input` as its own tokio
    /// task and returns its handle: its name and id, its status, its
    /// result, and `stop`. Many executions run at once on one runtime.
    /// (`run` is the one-call form.)
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    pub fn start(self: &Arc<Self>, input: Value) -> ExecutionHandle {
        let mut exec = Execution::new(W::NAME, &input, Arc::clone(&self.settings));
        let name = exec.name().to_owned();
        let id = exec.id().to_owned();
        let machine = Arc::clone(self);
        let span = exec.span.clone();
        let control = exec.control().clone();
        let recorder = exec.recorder.clone();
        let observe = (self.settings.logging, span.clone());
        ExecutionHandle::spawn(name, id, recorder, observe, async move {
            let top = machine
                .workflow
                .top_level(&mut exec, input)
                .instrument(span);
            let outcome = control.drive(W::TIMEOUT_SECONDS, top).await;
            exec.end(outcome)
        })
    }
}

impl<W: CompiledWorkflow<Tasks = Resources>> StateMachine<W> {
    /// A state machine whose Task states call the handlers registered in
    /// `resources` for their Resource strings.
    pub fn from_resources(resources: Resources) -> Self {
        Self::new(resources)
    }
}

/// What the runtime's durable worker needs to run and resume the
/// workflow's executions.
impl<W: CompiledWorkflow> DurableMachine for StateMachine<W> {
    fn machine_name(&self) -> &'static str {
        W::NAME
    }

    fn settings(&self) -> &Arc<Settings> {
        &self.settings
    }

    fn timeout_seconds(&self) -> Option<u64> {
        W::TIMEOUT_SECONDS
    }

    fn run_execution<'a>(&'a self, exec: &'a mut Execution, input: Value) -> ScopeFuture<'a> {
        Box::pin(self.workflow.top_level(exec, input))
    }
}

/// A state machine that a `states:startExecution` Task of another workflow
/// can start (see `Settings::state_machines`).
impl<W: CompiledWorkflow> Workflow for StateMachine<W> {
    fn start_execution(self: Arc<Self>, input: Value) -> ExecutionHandle {
        StateMachine::start(&self, input)
    }
}
