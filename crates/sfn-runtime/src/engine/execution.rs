//! What an execution carries from state to state, and how it starts.
//!
//! An [`Execution`] is the context object (`$$`), the workflow variables,
//! the source of randomness and the runtime [`Settings`]. It is plain data
//! where it can be, so that a durable backend can later record and restore
//! it.
//!
//! # Starting an execution
//!
//! [`Execution::new`] fills `$$.Execution` and `$$.StateMachine` as AWS
//! does for a `StartExecution` without a name:
//!
//! * `Execution.Name` is a random version 4 UUID (AWS's default name), drawn
//!   from the execution's [`Entropy`];
//! * `Execution.Id` is the execution ARN,
//!   `arn:aws:states:us-east-1:123456789012:execution:<machine>:<name>`, and
//!   `StateMachine.Id` the state machine ARN,
//!   `arn:aws:states:us-east-1:123456789012:stateMachine:<machine>`. There
//!   is no AWS account here, so the region and account are fixed
//!   placeholders (the account is the one AWS uses in its documentation);
//! * `Execution.RoleArn` is a placeholder role ARN in the same account;
//! * `Execution.StartTime` is the current time, ISO 8601 with milliseconds
//!   and `Z`; `Execution.Input` is the input; `RedriveCount` is 0.
//!
//! # Branches and items
//!
//! A Parallel branch ([`Execution::child`]) and a Map iteration
//! ([`Execution::child_for_item`]) run with a copy of the context object and
//! the variables in an inner scope: they read the enclosing variables and
//! what they assign disappears when they end (see [`VariableStore`]). A Map
//! iteration's context also has `$$.Map.Item.Index` and `$$.Map.Item.Value`.
//!
//! # Entering a state
//!
//! [`Execution::enter`] sets `$$.State` to `{"Name", "EnteredTime"}`. It does
//! not add `RetryCount`: AWS shows `State.RetryCount` in Task states but not
//! in Pass states (conformance case `context_object/test_input_path`), so
//! [`with_retry`](super::with_retry) sets it, and only around the attempts
//! it runs.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::callback::TaskTokens;
use super::clock::Clock;
use super::control::{Control, Ending, HISTORY_EVENT_LIMIT};
use super::history::{self, History, Recorder};
use super::observe::{self, Logging};
use crate::context::{Context, ExecutionInfo};
use crate::error::StatesError;
use crate::intrinsics::{Entropy, SharedEntropy};
use crate::nested::StateMachines;
use crate::variables::VariableStore;
use tracing::Span;

/// The region in the ARNs of `$$` (a placeholder: there is no AWS region).
const REGION: &str = "us-east-1";
/// The account in the ARNs of `$$` (a placeholder, AWS's documentation account).
const ACCOUNT: &str = "123456789012";

/// Settings of a runtime. The defaults are AWS's.
///
/// ```
/// use serde_json::json;
/// use sfn_runtime::{Settings, StateObserver};
/// use std::sync::{Arc, Mutex};
///
/// sfn_runtime::asl!(mod two, r#"{
///   "StartAt": "A",
///   "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}
/// }"#);
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let entered = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&entered);
/// let settings = Settings {
///     on_state_entered: Some(StateObserver::new(move |name| log.lock().unwrap().push(name.to_owned()))),
///     record_history: true,
///     ..Settings::default()
/// };
/// assert_eq!(settings.inline_map_concurrency_cap, 40);
/// let machine = two::StateMachine::from_resources(sfn_runtime::Resources::new()).with_settings(settings);
/// machine.run(json!({})).await.unwrap();
/// assert_eq!(*entered.lock().unwrap(), ["A", "B"]);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// How many Map items run at once when `MaxConcurrency` is 0 or absent.
    /// AWS runs at most 40 iterations of an inline Map concurrently.
    pub inline_map_concurrency_cap: usize,
    /// Called with the name of each state as an execution enters it, in
    /// every scope (branches and Map iterations included).
    pub on_state_entered: Option<StateObserver>,
    /// Where the answers for `.waitForTaskToken` tasks are sent (see
    /// [`TaskTokens`]): keep a clone to call `send_task_success` and the
    /// like. Every execution with these settings shares it.
    pub task_tokens: TaskTokens,
    /// Which events executions log through `tracing`, as AWS's logging
    /// configuration (see [`super::observe`]); off by default, as on AWS.
    pub logging: Logging,
    /// Whether executions keep their history events (see
    /// [`super::history`]); off by default: ids are counted either way.
    pub record_history: bool,
    /// How many events a kept history holds at most (25,000 by default).
    /// A Standard execution never has more: it fails at AWS's limit of
    /// 25,000 events (see [`super::control`]); the cap bounds the memory
    /// of an Express execution's history, which has no limit.
    pub history_cap: usize,
    /// The workflows that `states:startExecution` Tasks may start, by name
    /// (see [`crate::nested`]).
    pub state_machines: StateMachines,
    /// The role executions run as, `$$.Execution.RoleArn`; `None` gives a
    /// placeholder role in the documentation account.
    pub role_arn: Option<String>,
    /// Standard (the default) or Express: a Standard execution fails when
    /// its history would pass 25,000 events, as on AWS (see
    /// [`super::control`]); an Express one has no such limit.
    pub state_machine_type: StateMachineType,
    /// Where executions read the time and sleep (see [`super::clock`]):
    /// the system clock and `tokio::time` by default, a
    /// [`Clock::manual`] in tests.
    pub clock: Clock,
    /// Where executions draw their randomness: execution names,
    /// `States.UUID`, `States.MathRandom`, JSONata's `$uuid()`,
    /// `$random()` without a seed and `$shuffle`, retry jitter. The system's
    /// by default; a fixed [`Entropy`] makes runs repeat exactly.
    pub entropy: SharedEntropy,
    /// Where durable executions are kept (see [`crate::store`]): executions
    /// started with `start_named` are written there and continue after a
    /// restart. `None` (the default) keeps executions in memory.
    pub store: Option<crate::store::Store>,
}

/// The type of a state machine, as AWS's `CreateStateMachine` takes it.
///
/// Here it decides one thing: whether executions are held to AWS's quota of
/// [`HISTORY_EVENT_LIMIT`](super::control::HISTORY_EVENT_LIMIT) history
/// events. A loop of 12,500 Pass states fails a Standard execution on AWS
/// and here; as an Express workflow it runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum StateMachineType {
    /// `STANDARD`: at most 25,000 history events per execution.
    #[default]
    Standard,
    /// `EXPRESS`: no limit on history events.
    Express,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            inline_map_concurrency_cap: 40,
            on_state_entered: None,
            task_tokens: TaskTokens::new(),
            logging: Logging::default(),
            record_history: false,
            history_cap: 25_000,
            state_machines: StateMachines::default(),
            role_arn: None,
            state_machine_type: StateMachineType::Standard,
            clock: Clock::system(),
            entropy: SharedEntropy::default(),
            store: None,
        }
    }
}

/// A callback for [`Settings::on_state_entered`]: a simple way to watch an
/// execution move (the full execution history is a later feature).
#[derive(Clone)]
pub struct StateObserver(pub Arc<dyn Fn(&str) + Send + Sync>);

impl StateObserver {
    /// Wraps a callback.
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        StateObserver(Arc::new(f))
    }
}

impl fmt::Debug for StateObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StateObserver(..)")
    }
}

impl PartialEq for StateObserver {
    /// Two observers are equal when they are the same callback.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Everything an execution carries from state to state.
#[derive(Clone)]
pub struct Execution {
    /// The context object, `$$`.
    pub context: Context,
    /// The workflow variables visible to the current scope.
    pub variables: VariableStore,
    /// Randomness and UUIDs (`States.UUID`, `States.MathRandom`, retry
    /// jitter, execution names).
    pub entropy: Arc<dyn Entropy + Send + Sync>,
    /// The runtime settings.
    pub settings: Arc<Settings>,
    /// Gives out the ids of the execution's history events and keeps them
    /// when asked; shared by the branches and iterations.
    pub recorder: Recorder,
    /// The id of the `...StateEntered` event of the state this scope is in
    /// (0 before its first state).
    entered_event: u64,
    /// The type of the state this scope is in (`"Pass"`, ...).
    entered_kind: &'static str,
    /// The span the states of this scope are in: the execution's, or the
    /// span of the Parallel or Map state of a branch or iteration.
    pub span: Span,
    /// The span of the state this scope is in.
    pub state_span: Span,
    /// Where this scope is in the workflow (see [`Execution::state_path`]).
    scope: ScopePath,
    /// How many states this scope has entered.
    steps: u32,
}

/// Where a scope is: the path of the Parallel or Map state it runs in and
/// its branch or item there (nothing for the top level).
#[derive(Clone, Debug, Default)]
struct ScopePath {
    /// The [`Execution::state_path`] of the enclosing Parallel or Map state.
    outer: Option<Arc<str>>,
    /// The branch or Map item this scope runs.
    slot: Option<Slot>,
}

impl ScopePath {
    /// The scope's key in a durable store: its path, `""` for the top
    /// level.
    fn key(&self) -> String {
        let mut key = String::new();
        if let Some(outer) = &self.outer {
            key.push_str(outer);
        }
        match self.slot {
            Some(Slot::Branch(i)) => key.push_str(&format!("/branch {i}")),
            Some(Slot::Item(i)) => key.push_str(&format!("/item {i}")),
            None => {}
        }
        key
    }
}

/// Where a state runs in the execution, with its step and retry count: an
/// [`Execution::state_path`] not yet written out.
#[derive(Clone, Debug)]
pub(crate) struct CallSite {
    scope: ScopePath,
    steps: u32,
    retry: u32,
}

impl CallSite {
    /// The state path of the state `name` here.
    pub(crate) fn path(&self, name: &str) -> String {
        let mut path = String::new();
        if let Some(outer) = &self.scope.outer {
            path.push_str(outer);
            path.push('/');
        }
        match self.scope.slot {
            Some(Slot::Branch(i)) => path.push_str(&format!("branch {i}/")),
            Some(Slot::Item(i)) => path.push_str(&format!("item {i}/")),
            None => {}
        }
        push_name(&mut path, name);
        path.push_str(&format!("@{}#{}", self.steps, self.retry));
        path
    }
}

#[derive(Clone, Copy, Debug)]
enum Slot {
    Branch(usize),
    Item(usize),
}

/// Writes a state name into a path, `%`, `/`, `@` and `#` percent-encoded.
fn push_name(out: &mut String, name: &str) {
    for c in name.chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            '@' => out.push_str("%40"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
}

impl Execution {
    /// A new top-level execution of the state machine `machine_name` for
    /// `input`, with the randomness of [`Settings::entropy`] (see the
    /// [module](self) docs for what `$$` holds).
    pub fn new(machine_name: &str, input: &Value, settings: Arc<Settings>) -> Self {
        let entropy = Arc::clone(&settings.entropy.0);
        Self::with_entropy(machine_name, input, settings, entropy)
    }

    /// Like [`Execution::new`], with the given source of randomness (which
    /// also names the execution).
    pub fn with_entropy(
        machine_name: &str,
        input: &Value,
        settings: Arc<Settings>,
        entropy: Arc<dyn Entropy + Send + Sync>,
    ) -> Self {
        let name = entropy.uuid_v4().to_string();
        let start_time = settings.clock.now_utc();
        Self::build(machine_name, name, input, settings, entropy, start_time, 0)
    }

    /// The execution `name` of the state machine `machine_name`, started at
    /// `start_time` and redriven `redrive_count` times: a durable execution
    /// being started or continued (see [`super::durable`]).
    pub(crate) fn named(
        machine_name: &str,
        name: &str,
        input: &Value,
        settings: Arc<Settings>,
        start_time: chrono::DateTime<chrono::Utc>,
        redrive_count: u32,
    ) -> Self {
        let entropy = Arc::clone(&settings.entropy.0);
        Self::build(
            machine_name,
            name.to_owned(),
            input,
            settings,
            entropy,
            start_time,
            redrive_count,
        )
    }

    /// The ARN of the execution `name` of the state machine `machine_name`.
    pub(crate) fn arn(machine_name: &str, name: &str) -> String {
        format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine_name}:{name}")
    }

    /// The role executions run as.
    pub(crate) fn role_arn(settings: &Settings) -> String {
        settings
            .role_arn
            .clone()
            .unwrap_or_else(|| format!("arn:aws:iam::{ACCOUNT}:role/StepFunctionsExecutionRole"))
    }

    fn build(
        machine_name: &str,
        name: String,
        input: &Value,
        settings: Arc<Settings>,
        entropy: Arc<dyn Entropy + Send + Sync>,
        start_time: chrono::DateTime<chrono::Utc>,
        redrive_count: u32,
    ) -> Self {
        let info = ExecutionInfo {
            id: Self::arn(machine_name, &name),
            name,
            input: input.clone(),
            role_arn: Self::role_arn(&settings),
            start_time,
            redrive_count,
            state_machine_id: format!(
                "arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{machine_name}"
            ),
            state_machine_name: machine_name.to_owned(),
        };
        let span = observe::execution_span(machine_name, &info.name);
        observe::started(&settings.logging, &span, input);
        let history = settings
            .record_history
            .then(|| History::with_cap(settings.history_cap));
        let control = Control::for_execution(settings.clock.clone(), Arc::clone(&entropy));
        let limit = match settings.state_machine_type {
            StateMachineType::Standard => Some(HISTORY_EVENT_LIMIT),
            StateMachineType::Express => None,
        };
        let recorder = Recorder::new(history, limit, control);
        recorder.record_as(1, "ExecutionStarted", || {
            let mut details = history::data("input", input);
            details.insert("roleArn".into(), Value::String(info.role_arn.clone()));
            Value::Object(details)
        });
        Execution {
            context: Context::new(&info),
            variables: VariableStore::new(),
            entropy,
            settings,
            recorder,
            entered_event: 0,
            entered_kind: "",
            span,
            state_span: Span::none(),
            scope: ScopePath::default(),
            steps: 0,
        }
    }

    /// Records the `Exited` event of the state this scope is in, if any,
    /// with its `output`.
    fn exit_state(&mut self, output: &Value) {
        if self.entered_event == 0 {
            return;
        }
        let name = self.context.state_name().unwrap_or_default();
        self.recorder.record(exited_type(self.entered_kind), || {
            let mut details = history::data("output", output);
            details.insert("name".into(), Value::String(name.to_owned()));
            Value::Object(details)
        });
        self.entered_event = 0;
    }

    /// Records an event of this execution (see [`super::history`]) with
    /// the details made by `details` (only when the history is kept).
    pub fn record(&self, event_type: &'static str, details: impl FnOnce() -> Value) -> u64 {
        self.recorder.record(event_type, details)
    }

    /// Records `MapStateStarted` for `length` items.
    pub fn map_started(&self, length: usize) {
        self.recorder.record(
            "MapStateStarted",
            || serde_json::json!({ "length": length }),
        );
    }

    /// Records `<prefix>Succeeded` or `<prefix>Failed` (with the error and
    /// cause) for `outcome`: `MapIteration`, `MapState`, `ParallelState`.
    pub fn record_outcome<T>(&self, prefix: &'static str, outcome: &Result<T, StatesError>) {
        self.recorder.record_outcome(prefix, outcome);
    }

    /// Ends the scope with `outcome`: a success records the `Exited` event
    /// of its last state; an error the state raised itself names the
    /// state ([`Execution::at_state`]).
    pub fn leave(&mut self, outcome: Result<Value, StatesError>) -> Result<Value, StatesError> {
        match outcome {
            Ok(output) => {
                self.exit_state(&output);
                if let Some(log) = self.recorder.scope_log() {
                    log.mark_done();
                }
                Ok(output)
            }
            Err(error) => Err(self.at_state(error)),
        }
    }

    /// The history event ids so far: the last one given out, and the id of
    /// the `...StateEntered` event of the state this scope is in (0 before
    /// its first state).
    ///
    /// Ids are counted as AWS numbers the events of a Standard execution's
    /// history: `ExecutionStarted` is 1; each state adds its `Entered` and
    /// `Exited` events, a Task attempt its `Scheduled`, `Started` and
    /// outcome, a Map or Parallel its `Started` and `Succeeded` and each
    /// iteration its `Started` and outcome. AWS cites the entered event's id
    /// in the causes of the errors a state raises itself
    /// ([`Execution::at_state`]). Concurrent branches and iterations
    /// interleave their events, as on AWS.
    pub fn event_ids(&self) -> (u64, u64) {
        (self.recorder.last_id(), self.entered_event)
    }

    /// `error` as AWS reports it when the state this scope is in raised it
    /// itself (`States.Runtime`, `States.QueryEvaluationError`): the cause
    /// starts with `An error occurred while executing the state 'NAME'
    /// (entered at the event id #ID). `. Other errors (a task's, a Fail
    /// state's, one already placed by an inner scope) are returned as they
    /// are.
    pub fn at_state(&self, mut error: StatesError) -> StatesError {
        const PREFIX: &str = "An error occurred while executing the state '";
        let own = error.error == crate::error::names::RUNTIME
            || error.error == crate::error::names::QUERY_EVALUATION_ERROR;
        let Some(state) = self.context.state_name() else {
            return error;
        };
        if !own
            || error
                .cause
                .as_deref()
                .is_some_and(|c| c.starts_with(PREFIX))
        {
            return error;
        }
        let cause = error.cause.take().unwrap_or_default();
        error.cause = Some(format!(
            "{PREFIX}{state}' (entered at the event id #{}). {cause}",
            self.entered_event
        ));
        error
    }

    /// The execution's name, `$$.Execution.Name`.
    pub fn name(&self) -> &str {
        self.execution_field("Name")
    }

    /// The execution's ARN, `$$.Execution.Id`.
    pub fn id(&self) -> &str {
        self.execution_field("Id")
    }

    fn execution_field(&self, key: &str) -> &str {
        self.context
            .member("Execution")
            .and_then(|e| e.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// A scope inside the current state (a Parallel or Map state): the
    /// same context, the variables in an inner scope, `scope` for its path.
    fn inner(&self, context: Context, scope: ScopePath) -> Self {
        let recorder = match self.recorder.scope_log() {
            None => self.recorder.clone(),
            Some(log) => self
                .recorder
                .with_scope(Some(log.run().scope(scope.key(), Some(log)))),
        };
        Execution {
            context,
            variables: self.variables.inner_scope(),
            entropy: Arc::clone(&self.entropy),
            settings: Arc::clone(&self.settings),
            recorder,
            entered_event: 0,
            entered_kind: "",
            span: self.inner_span(),
            state_span: Span::none(),
            scope,
            steps: 0,
        }
    }

    /// The execution inside the current state (a Parallel or Map state):
    /// the same context, the variables in an inner scope. A Map hands its
    /// iterations one ([`Execution::iteration`]); a Parallel branch is
    /// [`Execution::branch`].
    pub fn child(&self) -> Self {
        let scope = ScopePath {
            outer: Some(self.state_path().into()),
            slot: None,
        };
        self.inner(self.context.clone(), scope)
    }

    /// The execution of branch `index` (from 0) of the current Parallel
    /// state: [`Execution::child`], with the branch in its state paths.
    pub fn branch(&self, index: usize) -> Self {
        let scope = ScopePath {
            outer: Some(self.state_path().into()),
            slot: Some(Slot::Branch(index)),
        };
        self.inner(self.context.clone(), scope)
    }

    /// The execution of the iteration for Map item `index`, made from the
    /// execution that [`Execution::child`] gave the Map state: the same
    /// context, the variables in an inner scope, the item in its state
    /// paths.
    pub fn iteration(&self, index: usize) -> Self {
        let scope = ScopePath {
            outer: self.scope.outer.clone(),
            slot: Some(Slot::Item(index)),
        };
        self.inner(self.context.clone(), scope)
    }

    /// The execution of the Map iteration for the item at `index`, from
    /// the Map state's own execution: the context with `$$.Map.Item.Index`
    /// and `$$.Map.Item.Value` set, the variables in an inner scope, the
    /// item in its state paths.
    pub fn child_for_item(&self, index: usize, value: Value) -> Self {
        let scope = ScopePath {
            outer: Some(self.state_path().into()),
            slot: Some(Slot::Item(index)),
        };
        self.inner(self.context.with_map_item(index, value), scope)
    }

    /// Where the current state is in the execution, stable across runs of
    /// the same workflow on the same input (nothing random or timed):
    ///
    /// ```text
    /// path  = { state "/" ( "branch " N | "item " N ) "/" } state
    /// state = Name "@" step "#" retry
    /// ```
    ///
    /// Each Parallel or Map state around the current one comes first, with
    /// the branch (from 0) or Map item index the scope runs. `step` counts
    /// the states its scope has entered (1 for the scope's first state, so
    /// a state entered again in a loop has another step), `retry` is the
    /// state's `$$.State.RetryCount` (0 on the first attempt and outside
    /// Retry). In names, `%`, `/`, `@` and `#` are percent-encoded. For
    /// example `PrepareShipment@2#0/branch 1/GenerateInvoice@1#0`.
    pub fn state_path(&self) -> String {
        let name = self.context.state_name().unwrap_or_default();
        self.state_path_of(name, self.context.retry_count().unwrap_or(0))
    }

    /// [`Execution::state_path`] for the state `name` at retry `retry`.
    pub(crate) fn state_path_of(&self, name: &str, retry: u32) -> String {
        self.call_site(retry).path(name)
    }

    /// What [`Execution::state_path_of`] needs, kept without building the
    /// string (a Task call builds its idempotency key only when the
    /// handler asks for it).
    pub(crate) fn call_site(&self, retry: u32) -> CallSite {
        CallSite {
            scope: self.scope.clone(),
            steps: self.steps,
            retry,
        }
    }

    /// The span a branch or iteration started here runs in: the current
    /// state's (a Parallel or Map state), or, from an execution that has
    /// entered no state of its own (the one a Map hands its iterations),
    /// the one it runs in.
    fn inner_span(&self) -> Span {
        if self.state_span.is_none() {
            self.span.clone()
        } else {
            self.state_span.clone()
        }
    }

    /// Marks entry into the state `state_name`: `$$.State` becomes
    /// `{"Name": state_name, "EnteredTime": now}` and any task token is
    /// cleared. `RetryCount` is left to [`with_retry`](super::with_retry)
    /// (see the [module](self) docs).
    pub fn enter(&mut self, state_name: &str) {
        self.enter_state(state_name, "", true, &Value::Null);
    }

    /// [`Execution::enter`] for a state that never reads
    /// `$$.State.EnteredTime` (the code generator proves it: no `$$` path
    /// among its fields, not a Task, not JSONata): the clock is not read.
    /// Were the time read anyway, it would be the time of reading.
    pub fn enter_untimed(&mut self, state_name: &str) {
        self.enter_state(state_name, "", false, &Value::Null);
    }

    /// Enters the state `state_name` of type `kind` (`"Pass"`, `"Task"`,
    /// ...) with `input`: records the `Exited` event of the state before it
    /// in this scope and its own `Entered` event, opens its `tracing` span,
    /// updates `$$.State` (reading the clock only when `timed`, see
    /// [`Execution::enter_untimed`]) and tells the observer.
    pub fn enter_state(
        &mut self,
        state_name: &str,
        kind: &'static str,
        timed: bool,
        input: &Value,
    ) {
        self.exit_state(input);
        self.entered_event = self.recorder.record(entered_type(kind), || {
            let mut details = history::data("input", input);
            details.insert("name".into(), Value::String(state_name.to_owned()));
            Value::Object(details)
        });
        self.entered_kind = kind;
        self.steps = self.steps.wrapping_add(1);
        // A durable execution that entered this state before a restart:
        // the store has the event, its id and its time.
        let resumed = self.recorder.scope_log().is_some()
            && self.entered_event == 0
            && self.enter_stored(state_name);
        if !resumed {
            if timed || self.settings.clock.is_manual() {
                // A manual clock is always read: an untimed state's
                // EnteredTime, were it read later, would otherwise be the
                // system clock's.
                self.context
                    .enter_state(state_name, self.settings.clock.now());
            } else {
                self.context.enter_state_untimed(state_name);
            }
        }
        self.state_span = observe::state_span(&self.span, state_name, kind);
        observe::entered(&self.settings.logging, &self.state_span, state_name);
        if let Some(observer) = &self.settings.on_state_entered {
            // Not once the execution is stopped: its states are no longer
            // run (the checkpoint before the state fails); nor for a state
            // that a durable execution had entered before a restart.
            if !self.control().is_ending() && !resumed {
                (observer.0)(state_name);
            }
        }
    }

    /// Enters `state_name` as a durable execution had entered it before a
    /// restart, when its `Entered` event is in the store: that event's id
    /// and time. Out of line: the path of every state runs without it.
    #[cold]
    #[inline(never)]
    fn enter_stored(&mut self, state_name: &str) -> bool {
        let Some((id, time)) = self
            .recorder
            .scope_log()
            .and_then(|log| log.entered_in_store())
        else {
            return false;
        };
        self.entered_event = id;
        let time = time.map_or_else(|| self.settings.clock.now(), crate::store::from_millis);
        self.context.enter_state(state_name, time);
        true
    }

    /// The catcher of `catchers` (each one's `ErrorEquals`) that handles
    /// `error`, if any (see [`find_catcher`](super::find_catcher)); a
    /// catch is logged at [`LogLevel::Error`](super::observe::LogLevel).
    pub fn find_catcher(&self, catchers: &[&[&str]], error: &StatesError) -> Option<usize> {
        // Nothing catches the end of the execution (stop, timeout, history
        // limit).
        if self.control().is_ending() {
            return None;
        }
        let found = super::find_catcher(catchers, error);
        if let Some(index) = found {
            observe::caught(&self.settings.logging, &self.state_span, error, index);
        }
        found
    }

    /// The execution's clock ([`Settings::clock`]).
    #[inline]
    pub fn clock(&self) -> &Clock {
        &self.settings.clock
    }

    /// What ends the execution from outside its states (stop, timeout,
    /// history limit), shared by its branches and iterations (see
    /// [`super::control`]).
    #[inline]
    pub fn control(&self) -> &Control {
        self.recorder.control()
    }

    /// The check before each state: fails once the execution is stopped,
    /// timed out or out of history events, and says when to yield to the
    /// scheduler with [`Execution::pause`] (see [`Control::checkpoint`]).
    /// Generated code runs it before entering each state.
    ///
    /// # Errors
    ///
    /// The error of the execution's [`Ending`](super::Ending).
    #[inline]
    pub fn checkpoint(&self) -> Result<bool, StatesError> {
        let yield_now = self.control().checkpoint()?;
        Ok(yield_now || self.recorder.scope_log().is_some())
    }

    /// Whether this execution is durable (kept in a store).
    #[inline]
    pub(crate) fn is_durable(&self) -> bool {
        self.recorder.scope_log().is_some()
    }

    /// How many states this scope has entered.
    pub(crate) fn steps(&self) -> u32 {
        self.steps
    }

    /// The `Entered` event id and the type of the state this scope is in.
    pub(crate) fn entered(&self) -> (u64, &'static str) {
        (self.entered_event, self.entered_kind)
    }

    /// The prefix of the state paths (and durable keys) of everything
    /// inside the state `name` entered at this scope's current step.
    pub(crate) fn state_prefix(&self, name: &str) -> String {
        let mut path = self.call_site(0).path(name);
        // `...@step#0` -> `...@step#`
        path.pop();
        path
    }

    /// Puts this scope back where a snapshot found it (see
    /// [`super::durable`]): `steps` states entered, in the state `name`
    /// (type `kind`) entered at event `event`.
    pub(crate) fn restore_scope(&mut self, steps: u32, event: u64, kind: &str, name: Option<&str>) {
        self.steps = steps;
        self.entered_event = event;
        self.entered_kind = static_kind(kind);
        if let Some(name) = name {
            self.context.enter_state_untimed(name);
        }
    }

    /// This execution as a run of a durable store (see
    /// [`super::durable`]): its top-level scope logs to `run`, its event
    /// ids follow `last_event_id`.
    pub(crate) fn into_durable(
        mut self,
        run: &Arc<super::durable::DurableRun>,
        last_event_id: u64,
    ) -> Self {
        self.recorder.resume_ids(last_event_id);
        self.recorder = self
            .recorder
            .with_scope(Some(run.scope(String::new(), None)));
        self
    }

    /// Yields to the scheduler (see [`Control::pause`]).
    ///
    /// # Errors
    ///
    /// The error of the execution's [`Ending`](super::Ending).
    pub async fn pause(&self) -> Result<(), StatesError> {
        self.control().pause().await
    }

    /// Logs the end of the execution (see [`super::observe`]), records its
    /// last history event and returns its outcome. An execution that was
    /// ended from outside ([`Control::end`]) ends with that
    /// [`Ending`](super::Ending)'s error, whatever `outcome` says.
    pub fn end(&self, outcome: Result<Value, StatesError>) -> Result<Value, StatesError> {
        let ending = self.control().ending();
        // A durable run that stops in this process without ending the
        // execution records nothing.
        if let Some(Ending::Unloaded) = ending {
            return Err(Ending::Unloaded.error());
        }
        let outcome = match ending {
            Some(ending) => Err(ending.error()),
            None => outcome,
        };
        let event = match (&outcome, ending) {
            (Ok(_), _) => "ExecutionSucceeded",
            (Err(_), Some(Ending::TimedOut)) => "ExecutionTimedOut",
            (Err(_), Some(Ending::Aborted(_))) => "ExecutionAborted",
            (Err(_), _) => "ExecutionFailed",
        };
        match &outcome {
            Ok(output) => {
                observe::ended(&self.settings.logging, &self.span, &outcome);
                self.recorder
                    .record_end(event, || Value::Object(history::data("output", output)));
            }
            Err(error) => {
                if event == "ExecutionFailed" {
                    observe::ended(&self.settings.logging, &self.span, &outcome);
                } else {
                    let cause = error.cause.as_deref().unwrap_or_default();
                    observe::ended_by_handle(
                        &self.settings.logging,
                        &self.span,
                        event,
                        &error.error,
                        cause,
                    );
                }
                self.recorder.record_end(event, || error_details(error));
            }
        }
        outcome
    }
}

/// `{"error": ..., "cause": ...}` of a failure event.
pub(crate) fn error_details(error: &StatesError) -> Value {
    let mut details = serde_json::Map::new();
    details.insert("error".into(), Value::String(error.error.to_string()));
    if let Some(cause) = &error.cause {
        details.insert("cause".into(), Value::String(cause.clone()));
    }
    Value::Object(details)
}

/// A state type as the static string the scope keeps.
fn static_kind(kind: &str) -> &'static str {
    match kind {
        "Pass" => "Pass",
        "Task" => "Task",
        "Choice" => "Choice",
        "Wait" => "Wait",
        "Succeed" => "Succeed",
        "Fail" => "Fail",
        "Parallel" => "Parallel",
        "Map" => "Map",
        _ => "",
    }
}

/// `PassStateEntered`, ... (`StateEntered` for an unknown type).
fn entered_type(kind: &str) -> &'static str {
    match kind {
        "Pass" => "PassStateEntered",
        "Task" => "TaskStateEntered",
        "Choice" => "ChoiceStateEntered",
        "Wait" => "WaitStateEntered",
        "Succeed" => "SucceedStateEntered",
        "Fail" => "FailStateEntered",
        "Parallel" => "ParallelStateEntered",
        "Map" => "MapStateEntered",
        _ => "StateEntered",
    }
}

/// `PassStateExited`, ... (`StateExited` for an unknown type).
fn exited_type(kind: &str) -> &'static str {
    match kind {
        "Pass" => "PassStateExited",
        "Task" => "TaskStateExited",
        "Choice" => "ChoiceStateExited",
        "Wait" => "WaitStateExited",
        "Succeed" => "SucceedStateExited",
        "Fail" => "FailStateExited",
        "Parallel" => "ParallelStateExited",
        "Map" => "MapStateExited",
        _ => "StateExited",
    }
}

impl fmt::Debug for Execution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Execution")
            .field("context", &self.context)
            .field("variables", &self.variables)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{FixedEntropy, execution, execution_with};
    use super::*;
    use serde_json::{Map, json};

    fn vars(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn new_execution_fills_the_context_object() {
        let before = chrono::Utc::now();
        let exec = Execution::new("OrderMachine", &json!({"orderId": "42"}), Arc::default());
        let doc = exec.context.to_value();
        let name = doc["Execution"]["Name"].as_str().unwrap();
        let uuid = uuid::Uuid::parse_str(name).unwrap();
        assert_eq!(uuid.get_version_num(), 4);
        assert_eq!(
            doc["Execution"]["Id"],
            json!(format!(
                "arn:aws:states:us-east-1:123456789012:execution:OrderMachine:{name}"
            ))
        );
        assert_eq!(doc["Execution"]["Input"], json!({"orderId": "42"}));
        assert_eq!(doc["Execution"]["RedriveCount"], json!(0));
        assert!(
            doc["Execution"]["RoleArn"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:iam::123456789012:role/")
        );
        assert_eq!(
            doc["StateMachine"],
            json!({
                "Id": "arn:aws:states:us-east-1:123456789012:stateMachine:OrderMachine",
                "Name": "OrderMachine"
            })
        );
        // StartTime: now, ISO 8601 with milliseconds and Z.
        let start = doc["Execution"]["StartTime"].as_str().unwrap();
        assert_eq!(start.len(), "2019-03-26T20:14:13.192Z".len(), "{start}");
        assert!(start.ends_with('Z'), "{start}");
        let parsed = chrono::DateTime::parse_from_rfc3339(start).unwrap();
        let millis = before.timestamp_millis();
        assert!(parsed.timestamp_millis() >= millis, "{start}");
        assert!(parsed.timestamp_millis() < millis + 60_000, "{start}");
        assert_eq!(exec.settings.inline_map_concurrency_cap, 40);
    }

    #[test]
    fn execution_names_come_from_entropy() {
        let exec = execution();
        let doc = exec.context.to_value();
        assert_eq!(
            doc["Execution"]["Name"],
            json!("01234567-89ab-4def-8123-456789abcdef")
        );
        assert_eq!(
            doc["Execution"]["Id"],
            json!(
                "arn:aws:states:us-east-1:123456789012:execution:Machine:01234567-89ab-4def-8123-456789abcdef"
            )
        );
        // Two system executions get different names.
        let a = Execution::new("M", &json!(null), Arc::default());
        let b = Execution::new("M", &json!(null), Arc::default());
        assert_ne!(
            a.context.to_value()["Execution"]["Name"],
            b.context.to_value()["Execution"]["Name"]
        );
    }

    #[test]
    fn enter_sets_state_without_retry_count() {
        let mut exec = execution();
        exec.context.set_task_token(Some("tok"));
        exec.enter("Validate");
        let doc = exec.context.to_value();
        assert_eq!(doc["State"]["Name"], json!("Validate"));
        let keys: Vec<&String> = doc["State"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Name", "EnteredTime"]);
        assert!(doc.get("Task").is_none());
        assert_eq!(exec.context.state_name(), Some("Validate"));
    }

    #[test]
    fn child_reads_outer_variables_and_writes_its_own_scope() {
        let mut exec = execution();
        exec.variables.assign(vars(json!({"x": 1}))).unwrap();
        exec.enter("Par");
        let mut child = exec.child();
        assert_eq!(child.variables.get("x"), Some(&json!(1)));
        assert!(child.variables.assign(vars(json!({"x": 2}))).is_err());
        child.variables.assign(vars(json!({"y": 2}))).unwrap();
        assert_eq!(exec.variables.get("y"), None);
        assert_eq!(child.context, exec.context);
        assert!(Arc::ptr_eq(&child.settings, &exec.settings));
    }

    #[test]
    fn child_for_item_sets_map_item() {
        let mut exec = execution_with(
            FixedEntropy::new(0),
            Settings {
                inline_map_concurrency_cap: 3,
                ..Settings::default()
            },
        );
        exec.enter("MapState");
        let child = exec.child_for_item(4, json!({"sku": "a"}));
        assert_eq!(
            child.context.to_value()["Map"],
            json!({"Item": {"Index": 4, "Value": {"sku": "a"}}})
        );
        assert!(exec.context.to_value().get("Map").is_none());
        assert_eq!(child.variables.scopes().len(), 2);
        assert_eq!(child.settings.inline_map_concurrency_cap, 3);
        let debug = format!("{child:?}");
        assert!(debug.starts_with("Execution {"), "{debug}");
    }
}

#[cfg(test)]
mod observer_tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_observer_sees_each_state_entered() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let settings = Settings {
            on_state_entered: Some(StateObserver::new(move |name| {
                log.lock().unwrap().push(name.to_string())
            })),
            ..Settings::default()
        };
        let mut exec = Execution::new("M", &serde_json::json!({}), Arc::new(settings));
        exec.enter("A");
        let mut child = exec.child();
        child.enter("B");
        assert_eq!(*seen.lock().unwrap(), ["A", "B"]);
    }
}
