//! The data flow of JSONata states: `Arguments`, `Output`, `Assign`, Choice
//! `Condition`, Map `Items` and every field written as `{% … %}`.
//!
//! A JSONata state sees its raw input as `$states.input`, the task (or
//! branch, or Map) result as `$states.result`, the error output in a Catch as
//! `$states.errorOutput`, and the context object as `$states.context`; the
//! workflow variables are `$name`. There is no InputPath, ResultSelector,
//! ResultPath or OutputPath: `Arguments` is what the state works on and
//! `Output` what it passes on (by default its result, or its input for
//! states without one).
//!
//! Every failure is `States.QueryEvaluationError`, with AWS's cause naming
//! the expression and the field it sits in (`Arguments/FunctionName`,
//! `Choices[0]/Condition`, `Catch[1]/Output`, ...): an expression that
//! returns nothing (undefined), a result of the wrong type for its field, a
//! function as a result, or a JSONata error. The state's name is added when
//! the error leaves the state ([`Execution::at_state`](crate::engine::Execution::at_state)).
//!
//! Where AWS departs from JSONata 2.0.6 (its documentation, transforming-data
//! page): `$eval` is not available (calling it fails as calling any
//! undefined function does, T1006); `$partition`, `$range`, `$hash`,
//! `$random`, `$uuid` and `$parse` are added.

use serde_json::{Map, Value};

use crate::context::Context;
use crate::error::{StatesError, names};
use crate::jsonata::{self as ata, Program};
use crate::variables::VariableStore;

/// One `{% … %}` expression of the workflow, with its text for causes.
#[derive(Debug)]
pub struct Expression {
    text: &'static str,
    program: Program,
}

impl Expression {
    /// The expression `text` (between `{% ` and ` %}`), already parsed into
    /// `expr` at build time.
    pub fn new(text: &'static str, expr: sfn_lang::jsonata::Expr) -> Expression {
        Expression {
            text,
            program: Program::new(expr),
        }
    }

    /// The expression text.
    pub fn text(&self) -> &'static str {
        self.text
    }
}

/// A JSONata-mode template: JSON whose strings may be expressions.
#[derive(Debug)]
pub enum Template {
    /// A value with nothing to evaluate.
    Literal(Value),
    /// An object whose member values are templates.
    Object(Vec<(String, Template)>),
    /// An array of templates.
    Array(Vec<Template>),
    /// A `{% … %}` expression.
    Expression(Expression),
}

/// What a JSONata state's expressions can read: `$states` and the
/// variables.
#[derive(Clone, Copy)]
pub struct States<'a> {
    /// `$states.input`: the state's raw input.
    pub input: &'a Value,
    /// `$states.result`, where the field may read it.
    pub result: Option<&'a Value>,
    /// `$states.errorOutput`, in a Catch.
    pub error_output: Option<&'a Value>,
    /// `$states.context`.
    pub context: &'a Context,
    /// The workflow variables, `$name`.
    pub variables: &'a VariableStore,
}

impl std::fmt::Debug for States<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("States")
            .field("input", self.input)
            .field("result", &self.result)
            .field("error_output", &self.error_output)
            .finish_non_exhaustive()
    }
}

impl<'a> States<'a> {
    /// The bindings of a state whose input is `input`.
    pub fn new(input: &'a Value, context: &'a Context, variables: &'a VariableStore) -> Self {
        States {
            input,
            result: None,
            error_output: None,
            context,
            variables,
        }
    }

    /// The same, with `$states.result`.
    pub fn with_result(self, result: &'a Value) -> Self {
        States {
            result: Some(result),
            ..self
        }
    }

    /// The same, with `$states.errorOutput`.
    pub fn with_error_output(self, error_output: &'a Value) -> Self {
        States {
            error_output: Some(error_output),
            ..self
        }
    }
}

/// The variable lookups of one evaluation: `$states` is built once, on
/// first use.
struct Bindings<'a> {
    states: States<'a>,
    built: std::cell::OnceCell<ata::Value>,
}

impl<'a> Bindings<'a> {
    fn new(states: States<'a>) -> Self {
        Bindings {
            states,
            built: std::cell::OnceCell::new(),
        }
    }

    fn states_value(&self) -> ata::Value {
        self.built
            .get_or_init(|| {
                let s = &self.states;
                let mut object = ata::Object::new();
                object.insert("input".to_owned(), ata::Value::from_json(s.input));
                object.insert(
                    "context".to_owned(),
                    ata::Value::from_json(&s.context.to_value()),
                );
                if let Some(result) = s.result {
                    object.insert("result".to_owned(), ata::Value::from_json(result));
                }
                if let Some(error_output) = s.error_output {
                    object.insert(
                        "errorOutput".to_owned(),
                        ata::Value::from_json(error_output),
                    );
                }
                ata::Value::Object(std::rc::Rc::new(object))
            })
            .clone()
    }
}

impl ata::Bindings for Bindings<'_> {
    fn variable(&self, name: &str) -> Option<ata::Value> {
        match name {
            "states" => Some(self.states_value()),
            // AWS: "$eval is not available; use $parse instead".
            "eval" => Some(ata::Value::Undefined),
            _ => self
                .states
                .variables
                .get(name)
                .map(ata::Value::from_json),
        }
    }
}

/// A `States.QueryEvaluationError` about `expr` in `field`.
fn failure(expr: &Expression, field: &str, what: &str) -> StatesError {
    StatesError::new(
        names::QUERY_EVALUATION_ERROR,
        format!(
            "The JSONata expression '{}' specified for the field '{field}' {what}",
            expr.text
        ),
    )
}

/// Evaluates one expression to JSON: undefined, a function and JSONata
/// errors fail.
pub fn expression(expr: &Expression, field: &str, states: States<'_>) -> Result<Value, StatesError> {
    eval_expression(expr, field, &Bindings::new(states))
}

fn eval_expression(expr: &Expression, field: &str, bindings: &Bindings<'_>) -> Result<Value, StatesError> {
    // `$` is the state's input, as `$states.input`.
    let input = match bindings.states_value() {
        ata::Value::Object(o) => o.get("input").cloned().unwrap_or_default(),
        _ => ata::Value::Undefined,
    };
    match expr.program.evaluate(&input, bindings) {
        Ok(value) => match value.to_json() {
            Ok(Some(json)) => Ok(json),
            Ok(None) => Err(failure(expr, field, "returned nothing (undefined).")),
            Err(_) => Err(failure(expr, field, "returned an unsupported result type.")),
        },
        Err(error) => Err(failure(
            expr,
            field,
            &format!(
                "threw an error during evaluation. {}: {}",
                error.code, error.message
            ),
        )),
    }
}

/// Evaluates a template: literals as they are, expressions in place (the
/// field of each is `field/key` for object members, `field[i]` for array
/// items).
pub fn evaluate(template: &Template, field: &str, states: States<'_>) -> Result<Value, StatesError> {
    eval_template(template, field, &Bindings::new(states))
}

fn eval_template(template: &Template, field: &str, bindings: &Bindings<'_>) -> Result<Value, StatesError> {
    match template {
        Template::Literal(v) => Ok(v.clone()),
        Template::Expression(e) => eval_expression(e, field, bindings),
        Template::Object(members) => {
            let mut out = Map::with_capacity(members.len());
            for (key, t) in members {
                out.insert(key.clone(), eval_template(t, &format!("{field}/{key}"), bindings)?);
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, t)| eval_template(t, &format!("{field}[{i}]"), bindings))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

/// Evaluates an `Assign` object: the values of the variables to write.
pub fn assign(
    template: &Template,
    field: &str,
    states: States<'_>,
) -> Result<Map<String, Value>, StatesError> {
    match evaluate(template, field, states)? {
        Value::Object(values) => Ok(values),
        // The reader only accepts an object for Assign.
        other => Err(StatesError::new(
            names::QUERY_EVALUATION_ERROR,
            format!("The field '{field}' must be an object, but was: {other}"),
        )),
    }
}

/// The JSON type name AWS uses in "unexpected result type" causes.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// "returned an unexpected result type" for `value`, wanted `expected`.
fn unexpected(expr: &Expression, field: &str, expected: &str, value: &Value) -> StatesError {
    failure(
        expr,
        field,
        &format!(
            "returned an unexpected result type. Expected '{expected}', but was '{}' for value: {value}",
            type_name(value)
        ),
    )
}

/// A Choice `Condition`: must be a boolean.
pub fn condition(expr: &Expression, field: &str, states: States<'_>) -> Result<bool, StatesError> {
    match expression(expr, field, states)? {
        Value::Bool(b) => Ok(b),
        other => Err(unexpected(expr, field, "boolean", &other)),
    }
}

/// A Map's `Items`: must be an array.
pub fn items(template: &Template, states: States<'_>) -> Result<Vec<Value>, StatesError> {
    const FIELD: &str = "Items";
    match template {
        Template::Expression(e) => match expression(e, FIELD, states)? {
            Value::Array(items) => Ok(items),
            other => Err(unexpected(e, FIELD, "array", &other)),
        },
        other => match evaluate(other, FIELD, states)? {
            Value::Array(items) => Ok(items),
            // Only an array literal (or an expression) passes the reader.
            other => Err(StatesError::new(
                names::QUERY_EVALUATION_ERROR,
                format!("The field 'Items' must be an array, but was: {other}"),
            )),
        },
    }
}

/// A whole, non-negative number (`Seconds`, `TimeoutSeconds`,
/// `HeartbeatSeconds`, `MaxConcurrency`, `ToleratedFailureCount`).
pub fn count(expr: &Expression, field: &str, states: States<'_>) -> Result<u64, StatesError> {
    let value = expression(expr, field, states)?;
    let n = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
            .map(|f| f as u64)
    });
    n.ok_or_else(|| unexpected(expr, field, "integer", &value))
}

/// `ToleratedFailurePercentage`: a number from 0 to 100.
pub fn percentage(expr: &Expression, field: &str, states: States<'_>) -> Result<f64, StatesError> {
    let value = expression(expr, field, states)?;
    match value.as_f64() {
        Some(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(unexpected(expr, field, "number", &value)),
    }
}

/// A string (a Fail state's `Error` and `Cause`).
pub fn string(expr: &Expression, field: &str, states: States<'_>) -> Result<String, StatesError> {
    match expression(expr, field, states)? {
        Value::String(s) => Ok(s),
        other => Err(unexpected(expr, field, "string", &other)),
    }
}

/// A Wait state's `Timestamp`: an RFC 3339 string.
pub fn timestamp(
    expr: &Expression,
    field: &str,
    states: States<'_>,
) -> Result<sfn_lang::timestamp::Timestamp, StatesError> {
    let value = expression(expr, field, states)?;
    match &value {
        // AWS's cause names the field and the text, not the expression
        // (conformance cases `scenarios/test_wait_timestamp_jsonata_*`).
        Value::String(s) => sfn_lang::timestamp::parse_timestamp(s).map_err(|_| {
            StatesError::new(
                names::QUERY_EVALUATION_ERROR,
                format!(
                    "The {field} field cannot be parsed as an ISO-8601 extended offset date-time \
                     format string: {s}"
                ),
            )
        }),
        other => Err(unexpected(expr, field, "string", other)),
    }
}
