//! The lowered workflow: a graph of states in nested scopes, with every
//! embedded expression already parsed.
//!
//! This is what code generation reads. Names are resolved to indices
//! ([`StateId`]) within their [`Scope`]; a Parallel branch or a Map processor
//! is a nested scope of the same shape. Every value that AWS evaluates at run
//! time (paths, payload templates, intrinsic calls, Choice rules, JSONata
//! expressions) is held in its parsed form, with the span it came from.

use crate::json::Span;
use serde_json::Value;
use sfn_lang::intrinsic::Call;
use sfn_lang::path::Path;
use sfn_lang::pattern::Pattern;
use sfn_lang::timestamp::Timestamp;

/// A whole state machine.
#[derive(Clone, Debug)]
pub struct StateMachine {
    /// The top-level `Comment`.
    pub comment: Option<String>,
    /// The top-level `QueryLanguage` (JSONPath when absent).
    pub query_language: QueryLanguage,
    /// The execution timeout, `TimeoutSeconds`.
    pub timeout_seconds: Option<u64>,
    /// `Version`, as written.
    pub version: Option<String>,
    /// The top-level states.
    pub scope: Scope,
}

/// The two query languages of ASL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    /// The default: paths, `.$` templates and intrinsic functions.
    JsonPath,
    /// `{% ... %}` expressions, `Arguments` and `Output`.
    Jsonata,
}

/// The index of a state within its scope.
pub type StateId = usize;

/// A set of states with a start: the top level, a Parallel branch or a Map processor.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Index of the `StartAt` state.
    pub start_at: StateId,
    /// The states, in file order.
    pub states: Vec<State>,
    /// The scope's `Comment`.
    pub comment: Option<String>,
}

/// One state.
#[derive(Clone, Debug)]
pub struct State {
    /// The state's name (its key in `States`).
    pub name: String,
    /// The span of the name key.
    pub span: Span,
    /// The state's `Comment`.
    pub comment: Option<String>,
    /// The query language in force for this state.
    pub query_language: QueryLanguage,
    /// What the state does.
    pub kind: StateKind,
    /// Where it goes next.
    pub transition: Transition,
    /// How its input and output are processed.
    pub io: Io,
    /// `Assign`: variables written after the state's output is computed.
    pub assign: Option<Template>,
}

/// Where a state goes when it completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// `Next`.
    Next(StateId),
    /// `End: true`, or a terminal type (Succeed, Fail).
    End,
    /// Choice: decided by its rules.
    Choice,
}

/// The input and output processing fields of a state (absent ones take
/// their defaults: paths `$`, no templates).
#[derive(Clone, Debug, Default)]
pub struct Io {
    /// `InputPath` (JSONPath).
    pub input_path: PathField,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata) of Task, Pass and Parallel.
    pub parameters: Option<Template>,
    /// `ResultSelector` (JSONPath).
    pub result_selector: Option<Template>,
    /// `ResultPath` (JSONPath).
    pub result_path: PathField,
    /// `OutputPath` (JSONPath).
    pub output_path: PathField,
    /// `Output` (JSONata).
    pub output: Option<Template>,
}

/// A path field that may be absent (`$`), `null`, or a path.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PathField {
    /// Absent: the whole document (`$`).
    #[default]
    Default,
    /// `null`: for InputPath/OutputPath an empty object; for ResultPath, discard the result.
    Null,
    /// A path.
    Path(Path),
}

/// A payload template (Parameters, ResultSelector, ItemSelector, Assign,
/// Arguments, Output, Credentials), with its dynamic parts parsed.
#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    /// A value with nothing to evaluate.
    Literal(Value),
    /// An object whose members are templates (keys with `.$` already stripped).
    Object(Vec<(String, Template)>),
    /// An array of templates.
    Array(Vec<Template>),
    /// A `.$` member holding a path (`$`, `$$` or `$var`).
    Path(Path),
    /// A `.$` member holding an intrinsic function call.
    Intrinsic(Call),
    /// A `{% ... %}` JSONata expression.
    Jsonata(Jsonata),
}

/// A JSONata expression, kept as text and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Jsonata {
    /// The expression text between `{% ` and ` %}`.
    pub text: String,
    /// The parsed expression.
    pub expr: sfn_lang::jsonata::Expr,
    /// The span of the JSON string holding it.
    pub span: Span,
}

/// A number field that may be a constant, a JSONPath reference path or a
/// JSONata expression (TimeoutSeconds/TimeoutSecondsPath, MaxConcurrency, ...).
#[derive(Clone, Debug, PartialEq)]
pub enum Dynamic<T> {
    /// A constant.
    Static(T),
    /// The `...Path` form.
    Path(Path),
    /// A `{% ... %}` expression.
    Jsonata(Jsonata),
}

/// A string field of a Fail state: constant, `ErrorPath`/`CausePath`
/// (a path or an intrinsic call), or JSONata.
#[derive(Clone, Debug, PartialEq)]
pub enum DynamicString {
    /// A constant.
    Static(String),
    /// A reference path.
    Path(Path),
    /// An intrinsic function call.
    Intrinsic(Call),
    /// A `{% ... %}` expression.
    Jsonata(Jsonata),
}

/// What each state type does.
#[derive(Clone, Debug)]
pub enum StateKind {
    /// `Pass`.
    Pass {
        /// `Result`, literal JSON.
        result: Option<Value>,
    },
    /// `Task`.
    Task(Box<Task>),
    /// `Choice`.
    Choice {
        /// The rules, in order.
        choices: Vec<ChoiceRule>,
        /// `Default`.
        default: Option<StateId>,
    },
    /// `Wait`.
    Wait(Wait),
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail {
        /// `Error` or `ErrorPath`.
        error: Option<DynamicString>,
        /// `Cause` or `CausePath`.
        cause: Option<DynamicString>,
    },
    /// `Parallel`.
    Parallel {
        /// The branches.
        branches: Vec<Scope>,
        /// Retry and Catch.
        errors: ErrorHandling,
    },
    /// `Map`.
    Map(Box<Map>),
}

impl StateKind {
    /// The ASL `Type` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Pass { .. } => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice { .. } => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail { .. } => "Fail",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

/// A Task state.
#[derive(Clone, Debug)]
pub struct Task {
    /// `Resource`, as written.
    pub resource: String,
    /// The integration pattern named by the Resource's suffix.
    pub pattern: IntegrationPattern,
    /// `TimeoutSeconds` / `TimeoutSecondsPath`.
    pub timeout: Option<Dynamic<u64>>,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat: Option<Dynamic<u64>>,
    /// `Credentials`.
    pub credentials: Option<Template>,
    /// Retry and Catch.
    pub errors: ErrorHandling,
}

/// How a Task waits for its service, from the Resource suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntegrationPattern {
    /// No suffix: call and take the response.
    RequestResponse,
    /// `.sync`: run a job and wait for it.
    Sync,
    /// `.sync:2`: as `.sync`, with JSON output.
    Sync2,
    /// `.waitForTaskToken`: wait for a callback with the task token.
    WaitForTaskToken,
}

/// Retry and Catch of a Task, Parallel or Map.
#[derive(Clone, Debug, Default)]
pub struct ErrorHandling {
    /// Retriers, in order.
    pub retry: Vec<Retrier>,
    /// Catchers, in order.
    pub catch: Vec<Catcher>,
}

/// One element of `Retry`.
#[derive(Clone, Debug, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 3; 0 never retries).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy` FULL.
    pub jitter_full: bool,
}

/// One element of `Catch`.
#[derive(Clone, Debug)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `Next`.
    pub next: StateId,
    /// `ResultPath` (JSONPath).
    pub result_path: PathField,
    /// `Output` (JSONata).
    pub output: Option<Template>,
    /// `Assign`.
    pub assign: Option<Template>,
}

/// A Wait state's duration.
#[derive(Clone, Debug, PartialEq)]
pub enum Wait {
    /// `Seconds`.
    Seconds(Dynamic<u64>),
    /// `Timestamp` or `TimestampPath`.
    Timestamp(Dynamic<Timestamp>),
}

/// One top-level Choice rule.
#[derive(Clone, Debug)]
pub struct ChoiceRule {
    /// The condition.
    pub condition: Condition,
    /// `Next`.
    pub next: StateId,
    /// `Assign` (when this rule matches).
    pub assign: Option<Template>,
    /// `Output` (JSONata, when this rule matches).
    pub output: Option<Template>,
    /// Span of the rule object.
    pub span: Span,
}

/// A Choice condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `And`: all hold.
    And(Vec<Condition>),
    /// `Or`: one holds.
    Or(Vec<Condition>),
    /// `Not`.
    Not(Box<Condition>),
    /// A data test on `Variable`.
    Test {
        /// `Variable`.
        variable: Path,
        /// The operator and its operand.
        test: Test,
    },
    /// JSONata `Condition`.
    Jsonata(Jsonata),
    /// JSONata `Condition` given as a literal `true`/`false`.
    Literal(bool),
}

/// How values compare in a data test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `...Equals`
    Equals,
    /// `...LessThan`
    LessThan,
    /// `...GreaterThan`
    GreaterThan,
    /// `...LessThanEquals`
    LessThanEquals,
    /// `...GreaterThanEquals`
    GreaterThanEquals,
}

/// A data-test operator with its operand.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// `String*` against a constant.
    String(Comparison, String),
    /// `Numeric*` against a constant.
    Numeric(Comparison, serde_json::Number),
    /// `BooleanEquals`.
    Boolean(bool),
    /// `Timestamp*` against a constant.
    Timestamp(Comparison, Timestamp),
    /// `String*Path`, `Numeric*Path`, `BooleanEqualsPath`, `Timestamp*Path`.
    ComparePath(TypeFamily, Comparison, Path),
    /// `StringMatches`.
    Matches(Pattern),
    /// `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`.
    Is(TypeTest, bool),
}

/// The operand type of a `...Path` comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeFamily {
    /// `String...Path`.
    String,
    /// `Numeric...Path`.
    Numeric,
    /// `BooleanEqualsPath`.
    Boolean,
    /// `Timestamp...Path`.
    Timestamp,
}

/// The `Is*` type tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeTest {
    /// `IsNull`.
    Null,
    /// `IsPresent`.
    Present,
    /// `IsNumeric`.
    Numeric,
    /// `IsString`.
    String,
    /// `IsBoolean`.
    Boolean,
    /// `IsTimestamp`.
    Timestamp,
}

/// A Map state.
#[derive(Clone, Debug)]
pub struct Map {
    /// Where the items come from.
    pub items: Items,
    /// `ItemSelector` or the legacy `Parameters`.
    pub item_selector: Option<Template>,
    /// `ItemProcessor` or the legacy `Iterator`.
    pub processor: Scope,
    /// `ProcessorConfig.Mode`.
    pub mode: MapMode,
    /// `ProcessorConfig.ExecutionType` (DISTRIBUTED).
    pub execution_type: Option<String>,
    /// `ItemReader`, as written (DISTRIBUTED; read in a later release).
    pub item_reader: Option<Value>,
    /// `ItemBatcher`, as written.
    pub item_batcher: Option<Value>,
    /// `ResultWriter`, as written.
    pub result_writer: Option<Value>,
    /// `MaxConcurrency` / `MaxConcurrencyPath` (absent or 0: no limit).
    pub max_concurrency: Option<Dynamic<u64>>,
    /// `ToleratedFailureCount` / `...Path`.
    pub tolerated_failure_count: Option<Dynamic<u64>>,
    /// `ToleratedFailurePercentage` / `...Path`.
    pub tolerated_failure_percentage: Option<Dynamic<f64>>,
    /// `Label`.
    pub label: Option<String>,
    /// Retry and Catch.
    pub errors: ErrorHandling,
}

/// The items a Map iterates over.
#[derive(Clone, Debug, PartialEq)]
pub enum Items {
    /// `ItemsPath` (default `$`).
    Path(PathField),
    /// `Items` as a JSONata expression or a literal array (JSONata).
    Template(Template),
}

/// `ProcessorConfig.Mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MapMode {
    /// Iterations run in this execution (the default).
    Inline,
    /// Iterations run as child executions on AWS; here as inline.
    Distributed,
}
