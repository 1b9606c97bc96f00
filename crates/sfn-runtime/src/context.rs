//! The context object, `$$` in JSONPath mode (`$states.context` in JSONata).
//!
//! A [`Context`] holds the `$$` document in two parts: `Execution` and
//! `StateMachine`, fixed for the whole execution and shared (behind an
//! `Arc`) by every branch, iteration and task call, and the small members
//! that change from state to state (`State`, `Task`, `Map`). Copying a
//! context for a Map iteration or a task call therefore never copies
//! `Execution.Input`. Paths evaluate against it through
//! [`ContextObject`]: `$$.Execution.Input.x`
//! reads the shared part in place; only a path over the whole object (`$$`)
//! builds the full document ([`Context::to_value`]). It is built once per
//! execution from an [`ExecutionInfo`] and then updated in place as the
//! execution moves: [`Context::enter_state`] when a state is entered,
//! [`Context::set_retry_count`] for each Retry attempt and
//! [`Context::set_task_token`] for a callback Task.
//!
//! # Shape
//!
//! Members and their order are those AWS shows (conformance cases
//! `base/test_query_context_object_values`, `context_object/test_input_path`
//! and `scenarios/test_lambda_invoke_with_retry_extended_input`):
//!
//! ```json
//! {
//!   "Execution": {
//!     "Id": "arn:aws:states:us-east-1:123456789012:execution:MyMachine:my-run",
//!     "Input": {"message": "TestMessage"},
//!     "StartTime": "2019-03-26T20:14:13.192Z",
//!     "Name": "my-run",
//!     "RoleArn": "arn:aws:iam::123456789012:role/MyRole",
//!     "RedriveCount": 0
//!   },
//!   "StateMachine": {
//!     "Id": "arn:aws:states:us-east-1:123456789012:stateMachine:MyMachine",
//!     "Name": "MyMachine"
//!   },
//!   "State": {"Name": "QueryValues1", "EnteredTime": "2019-03-26T20:14:13.193Z", "RetryCount": 0},
//!   "Task": {"Token": "..."},
//!   "Map": {"Item": {"Index": 0, "Value": "..."}}
//! }
//! ```
//!
//! * `State` appears once a state has been entered. `State.RetryCount`
//!   appears only where the caller sets it: AWS shows it in Task states (0 on
//!   the first attempt, then 1, 2, ...) and not in Pass states.
//! * `Task` appears only while a task token is set (`.waitForTaskToken`).
//! * `Map` appears only in a context made by [`Context::with_map_item`] (or
//!   [`Context::set_map_item`]): the context of a Map state's `ItemSelector`
//!   (or legacy `Parameters`).
//! * Timestamps are ISO 8601 in UTC with milliseconds and `Z`
//!   ([`format_timestamp`]).

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::jsonpath::ContextObject;

/// What the context object says about the execution and its state machine,
/// fixed for the whole execution.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionInfo {
    /// The execution ARN, `$$.Execution.Id`.
    pub id: String,
    /// The execution name, `$$.Execution.Name`.
    pub name: String,
    /// The execution input, `$$.Execution.Input`.
    pub input: Value,
    /// The role the execution runs as, `$$.Execution.RoleArn`.
    pub role_arn: String,
    /// When the execution started, `$$.Execution.StartTime`.
    pub start_time: DateTime<Utc>,
    /// How many times the execution was redriven, `$$.Execution.RedriveCount` (0 if never).
    pub redrive_count: u32,
    /// The state machine ARN, `$$.StateMachine.Id`.
    pub state_machine_id: String,
    /// The state machine name, `$$.StateMachine.Name`.
    pub state_machine_name: String,
}

/// The context object of one execution (or of one Parallel branch or Map
/// iteration of it), kept as the JSON document `$$` evaluates against.
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    /// `Execution` and `StateMachine`.
    shared: Arc<Map<String, Value>>,
    /// `State`, once a state was entered (or a retry count set).
    state: Option<StateEntry>,
    /// `Task` and `Map`, as they are set.
    local: Map<String, Value>,
}

/// `$$.State`, kept as its parts: entering a state, which every transition
/// does, only records a name and a time; the JSON object (with its
/// formatted timestamp) is built when a path or a task reads it.
#[derive(Clone, Debug)]
struct StateEntry {
    /// `Name` (empty with `entered` unset: a retry count set before any
    /// state was entered).
    name: String,
    /// `EnteredTime` (a `SystemTime`: reading the clock is all a
    /// transition pays; the calendar conversion is done on read).
    entered: Option<Entered>,
    /// `RetryCount`, where set.
    retry_count: Option<u32>,
    /// The `State` object, built on first read.
    doc: OnceLock<Value>,
}

/// When a state was entered.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Entered {
    /// At this time.
    At(SystemTime),
    /// Not recorded: the state never reads it (see
    /// [`Context::enter_state_untimed`]).
    Unrecorded,
}

impl StateEntry {
    fn to_value(&self) -> Value {
        let mut state = Map::new();
        if let Some(entered) = self.entered {
            let entered = match entered {
                Entered::At(t) => t,
                Entered::Unrecorded => SystemTime::now(),
            };
            state.insert("Name".into(), Value::String(self.name.clone()));
            state.insert(
                "EnteredTime".into(),
                Value::String(format_timestamp(DateTime::<Utc>::from(entered))),
            );
        }
        if let Some(n) = self.retry_count {
            state.insert("RetryCount".into(), Value::from(n));
        }
        Value::Object(state)
    }

    fn doc(&self) -> &Value {
        self.doc.get_or_init(|| self.to_value())
    }
}

impl PartialEq for StateEntry {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.entered == other.entered
            && self.retry_count == other.retry_count
    }
}

/// Formats a time as AWS does in the context object and in execution
/// history: ISO 8601, UTC, milliseconds, `Z` (`2019-03-26T20:14:13.192Z`).
pub fn format_timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Context {
    /// The context at the start of an execution: `Execution` and
    /// `StateMachine`, no state entered yet.
    pub fn new(info: &ExecutionInfo) -> Self {
        let mut execution = Map::new();
        execution.insert("Id".into(), Value::String(info.id.clone()));
        execution.insert("Input".into(), info.input.clone());
        execution.insert(
            "StartTime".into(),
            Value::String(format_timestamp(info.start_time)),
        );
        execution.insert("Name".into(), Value::String(info.name.clone()));
        execution.insert("RoleArn".into(), Value::String(info.role_arn.clone()));
        execution.insert("RedriveCount".into(), Value::from(info.redrive_count));

        let mut state_machine = Map::new();
        state_machine.insert("Id".into(), Value::String(info.state_machine_id.clone()));
        state_machine.insert(
            "Name".into(),
            Value::String(info.state_machine_name.clone()),
        );

        let mut shared = Map::new();
        shared.insert("Execution".into(), Value::Object(execution));
        shared.insert("StateMachine".into(), Value::Object(state_machine));
        Context {
            shared: Arc::new(shared),
            state: None,
            local: Map::new(),
        }
    }

    /// Records that the state `name` was entered at `entered_time`:
    /// `State` becomes `{"Name", "EnteredTime"}` (any `RetryCount` is
    /// dropped) and any task token is cleared. `Map` is left as it is.
    pub fn enter_state(&mut self, name: &str, entered_time: impl Into<SystemTime>) {
        self.enter(name, Entered::At(entered_time.into()));
    }

    /// [`Context::enter_state`] without reading the clock, for a state that
    /// never reads `$$.State.EnteredTime`; were it read anyway, it would be
    /// the time of reading.
    pub fn enter_state_untimed(&mut self, name: &str) {
        self.enter(name, Entered::Unrecorded);
    }

    fn enter(&mut self, name: &str, entered_time: Entered) {
        match &mut self.state {
            Some(state) => {
                // Reuse the name's buffer: no allocation per transition.
                state.name.clear();
                state.name.push_str(name);
                state.entered = Some(entered_time);
                state.retry_count = None;
                state.doc = OnceLock::new();
            }
            None => {
                self.state = Some(StateEntry {
                    name: name.to_owned(),
                    entered: Some(entered_time),
                    retry_count: None,
                    doc: OnceLock::new(),
                });
            }
        }
        if !self.local.is_empty() {
            self.local.shift_remove("Task");
        }
    }

    /// Sets `State.RetryCount`: 0 for the first attempt of a state with
    /// Retry (AWS shows it in Task states), then the number of retries so
    /// far. Creates an empty `State` if no state was entered.
    pub fn set_retry_count(&mut self, n: u32) {
        let state = self.state.get_or_insert_with(|| StateEntry {
            name: String::new(),
            entered: None,
            retry_count: None,
            doc: OnceLock::new(),
        });
        state.retry_count = Some(n);
        state.doc = OnceLock::new();
    }

    /// Sets `Task.Token` (a callback task's token), or removes `Task` with
    /// `None`.
    pub fn set_task_token(&mut self, token: Option<&str>) {
        self.update(|doc| match token {
            Some(token) => {
                let mut task = Map::new();
                task.insert("Token".into(), Value::String(token.to_owned()));
                doc.insert("Task".into(), Value::Object(task));
            }
            None => {
                doc.shift_remove("Task");
            }
        });
    }

    /// A copy of this context with `Map.Item.Index` and `Map.Item.Value` set,
    /// for evaluating a Map state's `ItemSelector` (or legacy `Parameters`)
    /// for the item at `index`.
    ///
    /// The copy shares `Execution` and `StateMachine` with this context.
    pub fn with_map_item(&self, index: usize, value: Value) -> Context {
        let mut context = self.clone();
        context.set_map_item(Some((index, value)));
        context
    }

    /// Sets `Map.Item` in place (`Some((index, value))`) or removes `Map`
    /// (`None`).
    pub fn set_map_item(&mut self, item: Option<(usize, Value)>) {
        self.update(|doc| match item {
            Some((index, value)) => {
                let mut item = Map::new();
                item.insert("Index".into(), Value::from(index));
                item.insert("Value".into(), value);
                let mut map = Map::new();
                map.insert("Item".into(), Value::Object(item));
                doc.insert("Map".into(), Value::Object(map));
            }
            None => {
                doc.shift_remove("Map");
            }
        });
    }

    /// The whole `$$` document, built from its parts (it copies
    /// `Execution.Input`: paths read the parts in place instead).
    pub fn to_value(&self) -> Value {
        let mut doc = (*self.shared).clone();
        if let Some(state) = &self.state {
            doc.insert("State".into(), state.doc().clone());
        }
        doc.extend(self.local.iter().map(|(k, v)| (k.clone(), v.clone())));
        Value::Object(doc)
    }

    /// The top-level member `key` of `$$` (`Execution`, `StateMachine`,
    /// `State`, `Task` or `Map`), if present.
    pub fn member(&self, key: &str) -> Option<&Value> {
        if key == "State" {
            return self.state.as_ref().map(StateEntry::doc);
        }
        self.local.get(key).or_else(|| self.shared.get(key))
    }

    /// `$$.State.RetryCount`, where set.
    pub fn retry_count(&self) -> Option<u32> {
        self.state.as_ref()?.retry_count
    }

    /// `$$.State.Name`, once a state has been entered.
    pub fn state_name(&self) -> Option<&str> {
        let state = self.state.as_ref()?;
        state.entered.map(|_| state.name.as_str())
    }

    /// `$$.Execution.Input`.
    pub fn execution_input(&self) -> &Value {
        self.shared
            .get("Execution")
            .and_then(|e| e.get("Input"))
            .unwrap_or(&Value::Null)
    }

    /// Applies `f` to the members `Task` and `Map`.
    fn update(&mut self, f: impl FnOnce(&mut Map<String, Value>)) {
        f(&mut self.local);
    }
}

impl ContextObject for Context {
    fn member(&self, key: &str) -> Option<&Value> {
        Context::member(self, key)
    }

    fn to_value(&self) -> Value {
        Context::to_value(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).single().unwrap()
    }

    fn info(input: Value) -> ExecutionInfo {
        ExecutionInfo {
            id: "arn:aws:states:us-east-1:111111111111:execution:Machine:run-1".into(),
            name: "run-1".into(),
            input,
            role_arn: "snf_role_arn".into(),
            start_time: at(1_553_631_253_192),
            redrive_count: 0,
            state_machine_id: "arn:aws:states:us-east-1:111111111111:stateMachine:Machine".into(),
            state_machine_name: "Machine".into(),
        }
    }

    /// The member names of an object, in order.
    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn timestamp_format() {
        // The format of the AWS context-object page's example.
        assert_eq!(
            format_timestamp(at(1_553_631_253_192)),
            "2019-03-26T20:14:13.192Z"
        );
        assert_eq!(
            format_timestamp(at(1_553_631_253_000)),
            "2019-03-26T20:14:13.000Z"
        );
    }

    // context_object/test_input_path.json: `"InputPath": "$$"` in a Pass
    // state outputs the whole context object. Recorded output (ARNs, names and
    // times masked by the snapshot, so only their presence counts):
    // {"Execution": {"Id", "Input": {"input-value": 0}, "StartTime", "Name",
    //  "RoleArn": "snf_role_arn", "RedriveCount": 0},
    //  "StateMachine": {"Id", "Name"}, "State": {"Name": "TestState", "EnteredTime"}}
    #[test]
    fn pass_state_context_matches_recording() {
        let mut context = Context::new(&info(json!({"input-value": 0})));
        context.enter_state("TestState", at(1_553_631_253_193));
        let doc = context.to_value();
        assert_eq!(keys(&doc), ["Execution", "StateMachine", "State"]);
        assert_eq!(
            keys(&doc["Execution"]),
            [
                "Id",
                "Input",
                "StartTime",
                "Name",
                "RoleArn",
                "RedriveCount"
            ]
        );
        assert_eq!(doc["Execution"]["Input"], json!({"input-value": 0}));
        assert_eq!(doc["Execution"]["RoleArn"], json!("snf_role_arn"));
        assert_eq!(doc["Execution"]["RedriveCount"], json!(0));
        assert_eq!(keys(&doc["StateMachine"]), ["Id", "Name"]);
        assert_eq!(keys(&doc["State"]), ["Name", "EnteredTime"]);
        assert_eq!(doc["State"]["Name"], json!("TestState"));
        // Values we control (masked in the recording).
        assert_eq!(
            doc["Execution"]["Id"],
            json!("arn:aws:states:us-east-1:111111111111:execution:Machine:run-1")
        );
        assert_eq!(doc["Execution"]["Name"], json!("run-1"));
        assert_eq!(
            doc["Execution"]["StartTime"],
            json!("2019-03-26T20:14:13.192Z")
        );
        assert_eq!(
            doc["State"]["EnteredTime"],
            json!("2019-03-26T20:14:13.193Z")
        );
        assert_eq!(doc["StateMachine"]["Name"], json!("Machine"));
        assert_eq!(context.state_name(), Some("TestState"));
        assert_eq!(context.execution_input(), &json!({"input-value": 0}));
    }

    // base/test_query_context_object_values.json: QueryValues2 sees
    // `"State": {"Name": "QueryValues2", ...}` after QueryValues1.
    #[test]
    fn entering_the_next_state_replaces_state() {
        let mut context = Context::new(&info(json!({"message": "TestMessage"})));
        context.enter_state("QueryValues1", at(1));
        context.enter_state("QueryValues2", at(2));
        let doc = context.to_value();
        assert_eq!(keys(&doc), ["Execution", "StateMachine", "State"]);
        assert_eq!(doc["State"]["Name"], json!("QueryValues2"));
        assert_eq!(
            doc["State"]["EnteredTime"],
            json!("1970-01-01T00:00:00.002Z")
        );
    }

    // scenarios/test_lambda_invoke_with_retry_extended_input.json: a Task
    // state's `$$` recorded by AWS on each attempt has
    // "State": {"Name": "InvokeLambdaWithRetry", "EnteredTime": ..., "RetryCount": 0}
    // then RetryCount 1, 2, 3, and no "Task" member.
    #[test]
    fn task_state_retry_count() {
        let mut context = Context::new(&info(json!({"Value1": "HelloWorld!", "Value2": null})));
        context.enter_state("InvokeLambdaWithRetry", at(5));
        for attempt in 0..4 {
            context.set_retry_count(attempt);
            let doc = context.to_value();
            assert_eq!(keys(&doc["State"]), ["Name", "EnteredTime", "RetryCount"]);
            assert_eq!(doc["State"]["RetryCount"], json!(attempt));
            assert_eq!(doc["State"]["Name"], json!("InvokeLambdaWithRetry"));
            assert!(doc.get("Task").is_none());
        }
        // The next state starts without a RetryCount.
        context.enter_state("HandleError", at(6));
        assert_eq!(keys(&context.to_value()["State"]), ["Name", "EnteredTime"]);
    }

    #[test]
    fn retry_count_before_any_state() {
        let mut context = Context::new(&info(json!({})));
        context.set_retry_count(2);
        assert_eq!(context.to_value()["State"], json!({"RetryCount": 2}));
    }

    #[test]
    fn task_token_set_and_cleared() {
        let mut context = Context::new(&info(json!({})));
        context.enter_state("Wait", at(1));
        context.set_task_token(Some("tok-1"));
        assert_eq!(context.to_value()["Task"], json!({"Token": "tok-1"}));
        context.set_task_token(None);
        assert!(context.to_value().get("Task").is_none());
        context.set_task_token(Some("tok-2"));
        context.enter_state("Next", at(2));
        assert!(context.to_value().get("Task").is_none());
        assert_eq!(
            keys(&context.to_value()),
            ["Execution", "StateMachine", "State"]
        );
    }

    // scenarios/test_map_state_parameters_legacy.json: the legacy Parameters
    // of the Map state read `$$.Map.Item.Value` (the item) and
    // `$$.Map.Item.Index` (0, 1, ...): recorded iteration_index 0..4 and
    // iteration_input_value {"prod": "R31", "dest-code": 9511, "quantity": 1344}, ...
    #[test]
    fn map_item() {
        let mut context = Context::new(&info(json!({})));
        context.enter_state("MapState", at(1));
        let item = json!({"prod": "R31", "dest-code": 9511, "quantity": 1344});
        let with_item = context.with_map_item(0, item.clone());
        assert_eq!(
            with_item.to_value()["Map"],
            json!({"Item": {"Index": 0, "Value": item}})
        );
        // The original is unchanged.
        assert!(context.to_value().get("Map").is_none());

        context.set_map_item(Some((4, json!("x"))));
        assert_eq!(context.to_value()["Map"]["Item"]["Index"], json!(4));
        context.set_map_item(None);
        assert!(context.to_value().get("Map").is_none());
    }

    #[test]
    fn redrive_count() {
        let mut i = info(json!(null));
        i.redrive_count = 3;
        let context = Context::new(&i);
        assert_eq!(context.to_value()["Execution"]["RedriveCount"], json!(3));
        assert_eq!(context.state_name(), None);
        assert_eq!(context.execution_input(), &Value::Null);
    }

    #[test]
    fn untimed_entry_keeps_the_name_and_reads_the_clock_only_if_asked() {
        let mut context = Context::new(&info(json!({})));
        context.enter_state_untimed("Fast");
        assert_eq!(context.state_name(), Some("Fast"));
        let before = Utc::now() - chrono::Duration::seconds(1);
        let state = context.member("State").unwrap();
        assert_eq!(state["Name"], json!("Fast"));
        let time = DateTime::parse_from_rfc3339(state["EnteredTime"].as_str().unwrap()).unwrap();
        assert!(time >= before, "{time} is the time of reading");
        // A timed entry after it replaces both.
        context.enter_state("Slow", at(7));
        assert_eq!(
            context.member("State").unwrap(),
            &json!({"Name": "Slow", "EnteredTime": "1970-01-01T00:00:00.007Z"})
        );
    }
}
