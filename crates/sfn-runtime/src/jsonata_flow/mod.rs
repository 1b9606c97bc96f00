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
use crate::engine::{Control, Interrupt};
use crate::error::{StatesError, names};
use crate::jsonata::{self as ata, Program};
use crate::variables::VariableStore;

mod reads;

use reads::{CONTEXT_MEMBERS, Lookup, Needs};

/// One `{% … %}` expression of the workflow, with its text for causes.
#[derive(Debug)]
pub struct Expression {
    text: &'static str,
    program: Program,
    needs: Needs,
    /// The expression as a plain lookup, when it is one.
    lookup: Option<Lookup>,
}

impl Expression {
    /// The expression `text` (between `{% ` and ` %}`), already parsed into
    /// `expr` at build time.
    pub fn new(text: &'static str, expr: sfn_lang::jsonata::Expr) -> Expression {
        let needs = Needs::of(&expr);
        let lookup = Lookup::of(&expr);
        Expression {
            text,
            program: Program::new(expr),
            needs,
            lookup,
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
    /// The execution's control: a long evaluation gives up once the
    /// execution is stopped or out of time (see
    /// [`crate::engine::control`]), `$now()` and `$millis()` read its
    /// clock, and `$random()`, `$uuid()` and `$shuffle` draw from its
    /// entropy. `None` evaluates to the end, on the system clock and
    /// randomness.
    pub control: Option<&'a Control>,
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
            control: None,
        }
    }

    /// The same, interrupted when the execution that `control` belongs to
    /// is stopped or runs out of time.
    pub fn with_control(self, control: &'a Control) -> Self {
        States {
            control: Some(control),
            ..self
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

/// The variable lookups of the expressions of one template: each part of
/// `$states` is converted once, when an expression first needs it.
struct Bindings<'a> {
    states: States<'a>,
    input: std::cell::OnceCell<ata::Value>,
    result: std::cell::OnceCell<ata::Value>,
    error_output: std::cell::OnceCell<ata::Value>,
    context: [std::cell::OnceCell<ata::Value>; 5],
    whole_context: std::cell::OnceCell<ata::Value>,
    /// Workflow variables converted so far, by name.
    variables: std::cell::RefCell<std::collections::HashMap<String, ata::Value>>,
    /// What the expression being evaluated reads.
    needs: std::cell::Cell<Needs>,
    /// When to give up (a stopped or timed-out execution).
    interrupt: Option<Interrupt>,
}

impl<'a> Bindings<'a> {
    fn new(states: States<'a>) -> Self {
        Bindings {
            states,
            input: Default::default(),
            result: Default::default(),
            error_output: Default::default(),
            context: Default::default(),
            whole_context: Default::default(),
            variables: Default::default(),
            needs: Default::default(),
            interrupt: states.control.map(Control::interrupt),
        }
    }

    /// The workflow variable `name`, converted once per template.
    fn workflow_variable(&self, name: &str) -> Option<ata::Value> {
        if let Some(v) = self.variables.borrow().get(name) {
            return Some(v.clone());
        }
        let v = ata::Value::from_json(self.states.variables.get(name)?);
        self.variables
            .borrow_mut()
            .insert(name.to_owned(), v.clone());
        Some(v)
    }

    fn input(&self) -> ata::Value {
        self.input
            .get_or_init(|| ata::Value::from_json(self.states.input))
            .clone()
    }

    fn states_value(&self) -> ata::Value {
        let needs = self.needs.get();
        let s = &self.states;
        let mut object = ata::Object::new();
        if needs.input {
            object.insert("input".to_owned(), self.input());
        }
        if needs.context == Needs::ALL.context {
            let whole = self
                .whole_context
                .get_or_init(|| ata::Value::from_json(&s.context.to_value()));
            object.insert("context".to_owned(), whole.clone());
        } else if needs.context != 0 {
            let mut context = ata::Object::new();
            for (i, name) in CONTEXT_MEMBERS.iter().enumerate() {
                if needs.context & (1 << i) == 0 {
                    continue;
                }
                if let Some(member) = s.context.member(name) {
                    let v = self.context[i].get_or_init(|| ata::Value::from_json(member));
                    context.insert((*name).to_owned(), v.clone());
                }
            }
            object.insert(
                "context".to_owned(),
                ata::Value::Object(std::rc::Rc::new(context)),
            );
        }
        if let (true, Some(result)) = (needs.result, s.result) {
            let v = self.result.get_or_init(|| ata::Value::from_json(result));
            object.insert("result".to_owned(), v.clone());
        }
        if let (true, Some(error_output)) = (needs.error_output, s.error_output) {
            let v = self
                .error_output
                .get_or_init(|| ata::Value::from_json(error_output));
            object.insert("errorOutput".to_owned(), v.clone());
        }
        ata::Value::Object(std::rc::Rc::new(object))
    }
}

impl ata::Bindings for Bindings<'_> {
    fn variable(&self, name: &str) -> Option<ata::Value> {
        match name {
            "states" => Some(self.states_value()),
            // AWS: "$eval is not available; use $parse instead".
            "eval" => Some(ata::Value::Undefined),
            _ => self.workflow_variable(name),
        }
    }

    fn now_millis(&self) -> Option<i64> {
        // The execution's clock, when there is one.
        let clock = self.states.control?.clock();
        Some(clock.now_utc().timestamp_millis())
    }

    fn entropy(&self) -> Option<&dyn crate::intrinsics::Entropy> {
        let entropy = self.states.control?.entropy()?;
        Some(entropy)
    }

    fn interrupted(&self) -> Option<ata::EvalError> {
        // The execution's own error (`States.Timeout`, the stop's) replaces
        // this one as the execution's outcome.
        let error = self.interrupt.as_ref()?.check()?;
        Some(ata::EvalError::new("SFN.INTERRUPTED", error.to_string()))
    }
}

/// Where an expression sits in its field, as AWS names it in causes
/// (`Arguments/order/id`, `Output/items[0]`); written out only when an
/// error needs it.
#[derive(Clone, Copy)]
enum Field<'a> {
    /// The field itself (`Arguments`, `Choices[0]/Condition`, ...).
    Root(&'a str),
    /// A member of an object template.
    Key(&'a Field<'a>, &'a str),
    /// An item of an array template.
    Index(&'a Field<'a>, usize),
}

impl std::fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Root(name) => f.write_str(name),
            Field::Key(parent, key) => write!(f, "{parent}/{key}"),
            Field::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A `States.QueryEvaluationError` about `expr` in `field`.
fn failure(expr: &Expression, field: impl std::fmt::Display, what: &str) -> StatesError {
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
pub fn expression(
    expr: &Expression,
    field: &str,
    states: States<'_>,
) -> Result<Value, StatesError> {
    eval_expression(expr, Field::Root(field), &Bindings::new(states))
}

fn eval_expression(
    expr: &Expression,
    field: Field<'_>,
    bindings: &Bindings<'_>,
) -> Result<Value, StatesError> {
    if let Some(lookup) = &expr.lookup {
        match lookup.read(&bindings.states) {
            Some(Ok(value)) => return Ok(value),
            Some(Err(())) => return Err(failure(expr, field, "returned nothing (undefined).")),
            None => {}
        }
    }
    bindings.needs.set(expr.needs);
    // `$` is the state's input, as `$states.input`.
    let input = if expr.needs.input {
        bindings.input()
    } else {
        ata::Value::Undefined
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
pub fn evaluate(
    template: &Template,
    field: &str,
    states: States<'_>,
) -> Result<Value, StatesError> {
    eval_template(template, Field::Root(field), &Bindings::new(states))
}

fn eval_template(
    template: &Template,
    field: Field<'_>,
    bindings: &Bindings<'_>,
) -> Result<Value, StatesError> {
    match template {
        Template::Literal(v) => Ok(v.clone()),
        Template::Expression(e) => eval_expression(e, field, bindings),
        Template::Object(members) => {
            let mut out = Map::with_capacity(members.len());
            for (key, t) in members {
                out.insert(
                    key.clone(),
                    eval_template(t, Field::Key(&field, key), bindings)?,
                );
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, t)| eval_template(t, Field::Index(&field, i), bindings))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn needs(text: &str) -> Needs {
        Needs::of(&sfn_lang::jsonata::parse(text).unwrap())
    }

    #[test]
    fn only_the_parts_of_states_an_expression_reads_are_converted() {
        let n = needs("$states.input.order.id");
        assert!(n.input && !n.result && !n.error_output && n.context == 0);
        let n = needs("$states.context.Map.Item.Value.sku");
        assert!(!n.input && n.context == 1 << 4);
        let n = needs("$count($states.result.items) + $states.context.Execution.Input.n");
        assert!(!n.input && n.result && n.context == 1);
        // `$states` itself, or `$states.context` as a whole: everything.
        assert_eq!(needs("$keys($states)").context, Needs::ALL.context);
        assert!(needs("$keys($states)").error_output);
        assert_eq!(needs("$states.context").context, Needs::ALL.context);
        // `$` and relative paths read the input; variables do not.
        assert!(needs("order.id").input);
        assert!(needs("$.order").input);
        assert!(needs("$$.order").input);
        assert!(!needs("$total + 1").input);
        assert!(!needs("$items[price > 3].price").input);
        assert!(needs("$items[price > $$.min]").input);
        // A call without arguments may take `$`.
        assert!(needs("$string()").input);
    }

    #[test]
    fn states_members_are_there_when_needed() {
        let context = Context::new(&crate::context::ExecutionInfo {
            id: "arn:x".into(),
            name: "n".into(),
            input: json!({"big": [1, 2, 3]}),
            role_arn: "r".into(),
            start_time: chrono::Utc::now(),
            redrive_count: 0,
            state_machine_id: "arn:m".into(),
            state_machine_name: "m".into(),
        });
        let variables = VariableStore::new();
        let input = json!({"a": 1});
        let result = json!({"r": 2});
        let states = States::new(&input, &context, &variables).with_result(&result);
        let e = |text: &'static str| Expression::new(text, sfn_lang::jsonata::parse(text).unwrap());
        assert_eq!(
            expression(&e("$states.input.a + $states.result.r"), "Output", states).unwrap(),
            json!(3)
        );
        assert_eq!(
            expression(
                &e("$states.context.Execution.Input.big[1]"),
                "Output",
                states
            )
            .unwrap(),
            json!(2)
        );
        assert_eq!(
            expression(&e("$keys($states)"), "Output", states).unwrap(),
            json!(["input", "context", "result"])
        );
        assert_eq!(expression(&e("a"), "Output", states).unwrap(), json!(1));
    }

    #[test]
    fn plain_lookups_read_the_json_and_arrays_fall_back_to_jsonata() {
        let e = |text: &'static str| Expression::new(text, sfn_lang::jsonata::parse(text).unwrap());
        assert!(e("$states.input.a.b").lookup.is_some());
        assert!(e("$total").lookup.is_some());
        assert!(e("$states.context.Map.Item.Value").lookup.is_some());
        assert!(e("$states.input.a[0]").lookup.is_none());
        assert!(e("$states.input.a[]").lookup.is_none());
        assert!(e("$states").lookup.is_none());
        assert!(e("$states.input.a + 1").lookup.is_none());

        let context = Context::new(&crate::context::ExecutionInfo {
            id: "arn:x".into(),
            name: "n".into(),
            input: json!({}),
            role_arn: "r".into(),
            start_time: chrono::Utc::now(),
            redrive_count: 0,
            state_machine_id: "arn:m".into(),
            state_machine_name: "m".into(),
        });
        let mut variables = VariableStore::new();
        let mut assigned = Map::new();
        assigned.insert("total".into(), json!([7]));
        variables.assign(assigned).unwrap();
        let input = json!({"a": {"b": [1]}, "items": [{"sku": "x"}, {"sku": "y"}], "n": null});
        let states = States::new(&input, &context, &variables);
        // Values are returned as they are, arrays included (as JSONata does).
        assert_eq!(
            expression(&e("$states.input.a.b"), "Output", states).unwrap(),
            json!([1])
        );
        assert_eq!(
            expression(&e("$total"), "Output", states).unwrap(),
            json!([7])
        );
        assert_eq!(
            expression(&e("$states.input.n"), "Output", states).unwrap(),
            json!(null)
        );
        // Through an array, JSONata maps over the items.
        assert_eq!(
            expression(&e("$states.input.items.sku"), "Output", states).unwrap(),
            json!(["x", "y"])
        );
        // Missing: nothing, with AWS's cause.
        let missing = expression(&e("$states.input.a.c"), "Output/x", states).unwrap_err();
        assert_eq!(
            missing.cause.as_deref(),
            Some(
                "The JSONata expression '$states.input.a.c' specified for the field 'Output/x' returned nothing (undefined)."
            )
        );
        // An unassigned name is a library function: an unsupported result.
        let function = expression(&e("$sum"), "Output", states).unwrap_err();
        assert!(
            function
                .cause
                .unwrap_or_default()
                .ends_with("returned an unsupported result type.")
        );
    }
}
