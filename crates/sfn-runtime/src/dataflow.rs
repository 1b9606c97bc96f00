//! The input and output processing of a JSONPath-mode state, step by step,
//! as free functions that generated code calls in AWS's order:
//!
//! ```text
//! raw input ─ input_path ─ parameters ═ effective input ─▶ the state's work ─▶ result
//! result ─ result_selector ─ result_path (into the raw input) ─ output_path ═ output
//! then: assign (from the variables as they were before the state)
//! ```
//!
//! * [`input_path`]: absent is `$`; `null` gives `{}`; a path selecting
//!   nothing fails.
//! * [`parameters`] / [`result_selector`]: payload templates
//!   ([`crate::template`]) on the effective input / on the result.
//! * [`result_path`]: absent replaces the raw input by the result; `null`
//!   keeps the raw input and discards the result; a reference path writes
//!   the result into the raw input, creating missing objects on the way,
//!   and fails with [`REFERENCE_PATH_CONFLICT`] when it cannot.
//! * [`output_path`]: like `input_path`, on the document `result_path` made.
//! * [`assign`]: evaluates an `Assign` template. What `$` is depends on where
//!   the `Assign` is (ASL reference 2.6): the result (after ResultSelector)
//!   for Task, Map and Parallel; the error output for a Catcher; the
//!   effective input (after InputPath) for Choice and Wait; the result for
//!   Pass (its `Result`, or the effective input after Parameters). Every
//!   expression sees the variables from *before* the state; the caller then
//!   writes the values with [`VariableStore::assign`], so the assignment is
//!   parallel.
//!
//! # Errors
//!
//! Each error is the one AWS reports, with the cause AWS writes after its
//! `An error occurred while executing the state '<name>' (entered at the
//! event id #<n>). ` prefix. The caller adds that prefix: only it knows the
//! state and the event id. The recorded forms are:
//!
//! * InputPath or OutputPath selecting nothing: `States.Runtime`,
//!   `Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']`
//!   (conformance `scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH`,
//!   `..._IN_OUTPUTPATH`), or, when a property before the last one is
//!   missing, `Invalid path '$.no.such.result.path' : Missing property in path $['no']`
//!   (`scenarios/test_catch_states_runtime`). These are the messages of
//!   Jayway JsonPath, which AWS uses; see [`invalid_path`].
//! * A template path selecting nothing: `States.Runtime`,
//!   `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{...}'`;
//!   see [`field_path_not_found`].
//! * ResultPath that cannot be applied: `States.ReferencePathConflict`
//!   ([`REFERENCE_PATH_CONFLICT`]) with the cause of [`jsonpath::write`],
//!   e.g. `Unable to apply step "aggregatedResult" to input [...]`. The ASL
//!   specification names this error `States.ResultPathMatchFailure`, but
//!   public reports of failed AWS executions show
//!   `States.ReferencePathConflict` (no conformance case records it).

use std::borrow::Cow;

use serde_json::{Map, Value};
use sfn_lang::path::{Path, Root, Segment, Selector};

use crate::error::StatesError;
use crate::intrinsics::Entropy;
use crate::jsonpath::{self, ContextObject, PathError, Roots, Variables};
use crate::template::{self, Template};
use crate::variables::VariableStore;

/// The error of a `ResultPath` that cannot be applied to the raw input, as
/// AWS reports it: `States.ReferencePathConflict`. (The ASL specification
/// calls it `States.ResultPathMatchFailure`,
/// [`crate::error::names::RESULT_PATH_MATCH_FAILURE`]; public reports of
/// failed AWS executions show this name, with causes such as
/// `Unable to apply step "aggregatedResult" to input [...]`.)
pub const REFERENCE_PATH_CONFLICT: &str = "States.ReferencePathConflict";

/// A path field that may be absent, `null`, or a path: `InputPath`,
/// `ResultPath`, `OutputPath`.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PathSpec {
    /// The field is absent: the default, `$`.
    #[default]
    Default,
    /// The field is `null`.
    Null,
    /// The field holds a path (a reference path for `ResultPath`).
    Path(Path),
}

/// Applies `InputPath` to the raw input of a state.
///
/// Absent: the input itself; `null`: `{}`; a path: what it selects on
/// `input` (or on `context` for `$$`, on a variable for `$name`), failing
/// with `States.Runtime` (see [`invalid_path`]) when it selects nothing.
pub fn input_path(
    path: &PathSpec,
    input: &Value,
    context: &dyn ContextObject,
    vars: &dyn Variables,
) -> Result<Value, StatesError> {
    match path {
        PathSpec::Default => Ok(input.clone()),
        PathSpec::Null => Ok(Value::Object(Map::new())),
        PathSpec::Path(path) => {
            let roots = Roots {
                input,
                context,
                variables: vars,
            };
            select_or_fail(path, &roots).map(Cow::into_owned)
        }
    }
}

/// Evaluates `Parameters` (or a Map's `ItemSelector`) on the effective
/// input (the input after `InputPath`).
pub fn parameters(
    t: &Template,
    effective_input: &Value,
    context: &dyn ContextObject,
    vars: &dyn Variables,
    entropy: &dyn Entropy,
) -> Result<Value, StatesError> {
    let roots = Roots {
        input: effective_input,
        context,
        variables: vars,
    };
    template::evaluate(t, &roots, entropy)
}

/// Evaluates `ResultSelector` on a state's result.
pub fn result_selector(
    t: &Template,
    result: &Value,
    context: &dyn ContextObject,
    vars: &dyn Variables,
    entropy: &dyn Entropy,
) -> Result<Value, StatesError> {
    let roots = Roots {
        input: result,
        context,
        variables: vars,
    };
    template::evaluate(t, &roots, entropy)
}

/// Applies `ResultPath`: combines the raw input of a state with its result
/// (after `ResultSelector`), giving the document `OutputPath` selects from.
///
/// Absent (or `$`): the result; `null`: the raw input, the result
/// discarded; a reference path: the raw input with the result written at
/// that path, or [`REFERENCE_PATH_CONFLICT`] when it cannot be written
/// (e.g. the raw input is the string `"foo"` and the path is `$.x`).
pub fn result_path(path: &PathSpec, raw_input: Value, result: Value) -> Result<Value, StatesError> {
    match path {
        PathSpec::Default => Ok(result),
        PathSpec::Null => Ok(raw_input),
        PathSpec::Path(path) if path.root == Root::Input && path.segments.is_empty() => Ok(result),
        PathSpec::Path(path) => {
            let mut doc = raw_input;
            jsonpath::write(&mut doc, path, result)
                .map_err(|cause| StatesError::new(REFERENCE_PATH_CONFLICT, cause))?;
            Ok(doc)
        }
    }
}

/// Applies `OutputPath` to the document `ResultPath` produced.
///
/// Absent: the document; `null`: `{}`; a path: what it selects, failing
/// with `States.Runtime` (see [`invalid_path`]) when it selects nothing. A
/// plain path (names and non-negative indices on `$`) moves the selected
/// value out of `doc` instead of copying it.
pub fn output_path(
    path: &PathSpec,
    doc: Value,
    context: &dyn ContextObject,
    vars: &dyn Variables,
) -> Result<Value, StatesError> {
    match path {
        PathSpec::Default => Ok(doc),
        PathSpec::Null => Ok(Value::Object(Map::new())),
        PathSpec::Path(path) => {
            let found = {
                let roots = Roots {
                    input: &doc,
                    context,
                    variables: vars,
                };
                match select_or_fail(path, &roots)? {
                    Cow::Borrowed(_) if is_plain(path) => None,
                    found => Some(found.into_owned()),
                }
            };
            match found {
                Some(value) => Ok(value),
                None => {
                    let mut doc = doc;
                    match take_plain(&mut doc, &path.segments) {
                        Some(value) => Ok(value),
                        // `select` found it, so this is not expected; copy as a fallback.
                        None => {
                            let roots = Roots {
                                input: &doc,
                                context,
                                variables: vars,
                            };
                            select_or_fail(path, &roots).map(Cow::into_owned)
                        }
                    }
                }
            }
        }
    }
}

/// Evaluates an `Assign` template in JSONPath mode and returns the values
/// to assign, for [`VariableStore::assign`].
///
/// `basis` is what `$` means for this `Assign` (see the [module
/// documentation](self)); `vars` are the variables from before the state, so
/// that every value is computed before any is written. The template must
/// produce an object (an `Assign` field is one); anything else fails with
/// `States.Runtime`.
pub fn assign(
    t: &Template,
    basis: &Value,
    context: &dyn ContextObject,
    vars: &VariableStore,
    entropy: &dyn Entropy,
) -> Result<Map<String, Value>, StatesError> {
    let roots = Roots {
        input: basis,
        context,
        variables: vars,
    };
    match template::evaluate(t, &roots, entropy)? {
        Value::Object(values) => Ok(values),
        other => Err(StatesError::runtime(format!(
            "The Assign field must be a JSON object, but was: {}",
            compact_json(&other)
        ))),
    }
}

/// The `States.Runtime` error of a path field (`InputPath`, `OutputPath`,
/// `ItemsPath`, `TimeoutSecondsPath`, ...) whose path selects nothing on
/// `roots`: `Invalid path '<path as written>' : <why>`, where `<why>` is
/// Jayway's explanation ([`jsonpath::no_result_cause`]), e.g.
///
/// * `Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']`
///   (the last member is missing);
/// * `Invalid path '$.no.such.result.path' : Missing property in path $['no']`
///   (a member before the last is missing).
pub fn invalid_path(path: &Path, roots: &Roots<'_>) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{path}' : {}",
        jsonpath::no_result_cause(path, roots)
    ))
}

/// The `States.Runtime` error of a template member (`"<field>": "<path>"`,
/// field with its `.$`) or of a `...Path` field of a Fail state (`ErrorPath`,
/// `CausePath`) whose path selects nothing on `input`:
/// `The JSONPath '$.x' specified for the field 'x.$' could not be found in the input '{"a":1}'`
/// (the input as compact JSON). Without a field name, the `specified for the
/// field` part is left out.
pub fn field_path_not_found(path: &Path, field: Option<&str>, input: &Value) -> StatesError {
    let input = compact_json(input);
    StatesError::runtime(match field {
        Some(field) => format!(
            "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{input}'"
        ),
        None => format!("The JSONPath '{path}' could not be found in the input '{input}'"),
    })
}

/// What `path` selects, or the [`invalid_path`] error.
fn select_or_fail<'v>(path: &Path, roots: &Roots<'v>) -> Result<Cow<'v, Value>, StatesError> {
    match jsonpath::select(path, roots) {
        Ok(Some(value)) => Ok(value),
        Ok(None) | Err(PathError::NoSuchVariable(_)) => Err(invalid_path(path, roots)),
    }
}

/// Whether `path` is `$` followed only by member names and non-negative
/// indices, so that [`take_plain`] finds what `select` finds.
fn is_plain(path: &Path) -> bool {
    path.root == Root::Input
        && path.segments.iter().all(|s| {
            matches!(
                s,
                Segment::Child(Selector::Name(_)) | Segment::Child(Selector::Index(0..))
            )
        })
}

/// Moves the value at the plain path `segments` out of `doc`.
fn take_plain(doc: &mut Value, segments: &[Segment]) -> Option<Value> {
    let mut current = doc;
    for segment in segments {
        current = match segment {
            Segment::Child(Selector::Name(name)) => {
                current.as_object_mut()?.get_mut(name.as_ref())?
            }
            Segment::Child(Selector::Index(index)) => current
                .as_array_mut()?
                .get_mut(usize::try_from(*index).ok()?)?,
            _ => return None,
        };
    }
    Some(current.take())
}

/// `value` as compact JSON, as AWS prints values in causes.
fn compact_json(value: &Value) -> String {
    // Serialising a `Value` cannot fail (its keys are strings).
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use crate::intrinsics::SystemEntropy;
    use serde_json::json;
    use sfn_lang::path::{parse_path, parse_reference_path};

    fn p(text: &str) -> PathSpec {
        PathSpec::Path(parse_path(text).unwrap())
    }

    fn rp(text: &str) -> PathSpec {
        PathSpec::Path(parse_reference_path(text).unwrap())
    }

    fn tmpl(v: Value) -> Template {
        Template::from_json(&v).unwrap()
    }

    fn no_vars() -> VariableStore {
        VariableStore::new()
    }

    fn vars(v: Value) -> VariableStore {
        let Value::Object(m) = v else {
            panic!("not an object")
        };
        let mut store = VariableStore::new();
        store.assign(m).unwrap();
        store
    }

    // ---- InputPath ------------------------------------------------------

    // base/test_state_pass_result_null_input_output_paths.json, State1:
    // InputPath null, Parameters {"Arg2": "argument2", "FromInput.$": "$"}
    // sees {}.
    #[test]
    fn input_path_null_is_empty_object() {
        let input = json!({"Arg1": "argument1", "FromInput": {"InputValue": 0}});
        let effective = input_path(&PathSpec::Null, &input, &json!({}), &no_vars()).unwrap();
        assert_eq!(effective, json!({}));
        let params = parameters(
            &tmpl(json!({"Arg2": "argument2", "FromInput.$": "$"})),
            &effective,
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(params, json!({"Arg2": "argument2", "FromInput": {}}));
    }

    #[test]
    fn input_path_default_and_root() {
        let input = json!({"a": [1, 2]});
        for spec in [PathSpec::Default, p("$")] {
            assert_eq!(
                input_path(&spec, &input, &json!({}), &no_vars()).unwrap(),
                input
            );
        }
        assert_eq!(
            input_path(&p("$.a[1]"), &input, &json!({}), &no_vars()).unwrap(),
            json!(2)
        );
    }

    // context_object/test_input_path_.Execution.Input.json: InputPath
    // "$$.Execution.Input" on input {"input-value": 0} outputs {"input-value": 0}.
    #[test]
    fn input_path_on_context() {
        let context =
            json!({"Execution": {"Input": {"input-value": 0}}, "State": {"Name": "TestState"}});
        assert_eq!(
            input_path(
                &p("$$.Execution.Input"),
                &json!({"input-value": 0}),
                &context,
                &no_vars()
            )
            .unwrap(),
            json!({"input-value": 0})
        );
        // context_object/test_input_path.json: "$$" is the whole context.
        assert_eq!(
            input_path(&p("$$"), &json!({"input-value": 0}), &context, &no_vars()).unwrap(),
            context
        );
    }

    // assign/test_reference_assign_BASE_REFERENCE_IN_INPUTPATH.json:
    // theAnswer = 42, InputPath "$theAnswer" outputs 42.
    #[test]
    fn input_path_on_variable() {
        assert_eq!(
            input_path(
                &p("$theAnswer"),
                &json!({}),
                &json!({}),
                &vars(json!({"theAnswer": 42}))
            )
            .unwrap(),
            json!(42)
        );
    }

    // scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH.json
    #[test]
    fn input_path_missing_fails_with_awss_cause() {
        let err = input_path(
            &p("$.NoSuchInputPath"),
            &json!({"int-literal": 0}),
            &json!({}),
            &no_vars(),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']")
        );
    }

    // Not recorded: a `$$` path is printed as written, and in Jayway's form
    // relative to the context object.
    #[test]
    fn input_path_missing_context_member() {
        let context = json!({"Execution": {"Input": {}}});
        let err = input_path(&p("$$.Execution.Foo"), &json!({}), &context, &no_vars()).unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$$.Execution.Foo' : No results for path: $['Execution']['Foo']")
        );
    }

    #[test]
    fn input_path_unknown_variable() {
        let err = input_path(&p("$nope.x"), &json!({}), &json!({}), &no_vars()).unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$nope.x' : The variable '$nope' is not defined")
        );
    }

    // ---- Parameters / ResultSelector -----------------------------------

    // base/test_state_pass_result_null_input_output_paths.json, State0.
    #[test]
    fn parameters_with_paths() {
        let out = parameters(
            &tmpl(json!({"Arg1": "argument1", "FromInput.$": "$"})),
            &json!({"InputValue": 0}),
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"Arg1": "argument1", "FromInput": {"InputValue": 0}})
        );
    }

    // scenarios/test_map_state_parameters_legacy.json: the legacy Map
    // Parameters on the effective input (InputPath "$.detail"), with the
    // context's Map.Item; recorded first element of shipped_output.
    #[test]
    fn parameters_with_map_item_context() {
        let detail = json!({"delivery-partner": "UQS", "shipped": [
            {"prod": "R31", "dest-code": 9511, "quantity": 1344},
            {"prod": "S39", "dest-code": 9511, "quantity": 40}]});
        let raw = json!({ "detail": detail });
        let effective = input_path(&p("$.detail"), &raw, &json!({}), &no_vars()).unwrap();
        let context = json!({"Map": {"Item": {"Index": 0, "Value": {"prod": "R31", "dest-code": 9511, "quantity": 1344}}}});
        let out = parameters(
            &tmpl(json!({
                "original_input.$": "$",
                "iteration_input_value.$": "$$.Map.Item.Value",
                "iteration_index.$": "$$.Map.Item.Index",
                "from_input_constant.$": "$.delivery-partner",
                "constant_value": "HelloWorld"
            })),
            &effective,
            &context,
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            out,
            json!({
                "constant_value": "HelloWorld",
                "iteration_input_value": {"prod": "R31", "dest-code": 9511, "quantity": 1344},
                "from_input_constant": "UQS",
                "iteration_index": 0,
                "original_input": detail
            })
        );
    }

    // context_object/test_result_selector.json: ResultSelector
    // {"LambdaOutput.$": "$", "ContextObjectValue.$": "$$.Execution.Input"}.
    #[test]
    fn result_selector_with_context() {
        let exec_input =
            json!({"FunctionName": "<lambda_function_name>", "Payload": {"input-value": 0}});
        let context = json!({"Execution": {"Input": exec_input}});
        let result = json!({"ExecutedVersion": "$LATEST", "Payload": {"Input": exec_input}, "StatusCode": 200});
        let out = result_selector(
            &tmpl(json!({"LambdaOutput.$": "$", "ContextObjectValue.$": "$$.Execution.Input"})),
            &result,
            &context,
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"LambdaOutput": result, "ContextObjectValue": exec_input})
        );
    }

    // scenarios/test_lambda_invoke_with_retry_extended_input.json:
    // ResultSelector {"FinalRetryCount.$": "$$.State.RetryCount"}.
    #[test]
    fn result_selector_reads_retry_count() {
        let context = json!({"State": {"Name": "InvokeLambdaWithRetry", "EnteredTime": "t", "RetryCount": 2}});
        let out = result_selector(
            &tmpl(json!({"FinalRetryCount.$": "$$.State.RetryCount"})),
            &json!({}),
            &context,
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(out, json!({"FinalRetryCount": 2}));
    }

    // ---- ResultPath -----------------------------------------------------

    #[test]
    fn result_path_default_and_root_replace() {
        let raw = json!({"a": 1});
        assert_eq!(
            result_path(&PathSpec::Default, raw.clone(), json!({"r": 2})).unwrap(),
            json!({"r": 2})
        );
        assert_eq!(result_path(&rp("$"), raw, json!([1])).unwrap(), json!([1]));
    }

    // scenarios/test_map_state_item_selector_parameters.json: ResultPath null
    // on the Map; the recorded output is the raw input
    // {"content": {"bucket": "test-bucket", "values": ["1", "2", "3"]}}.
    #[test]
    fn result_path_null_keeps_raw_input() {
        let raw = json!({"content": {"bucket": "test-bucket", "values": ["1", "2", "3"]}});
        let result = Value::Array(vec![json!({"message": "Processing item completed"}); 3]);
        assert_eq!(
            result_path(&PathSpec::Null, raw.clone(), result).unwrap(),
            raw
        );
    }

    // base/test_query_context_object_values.json: ResultPath
    // "$.query_values_1" on {"message": "TestMessage"} keeps the message and
    // adds the result; the Start state of
    // scenarios/test_map_state_item_selector_parameters.json: ResultPath
    // "$.content" on {} gives {"content": {...}}.
    #[test]
    fn result_path_merges_into_raw_input() {
        assert_eq!(
            result_path(
                &rp("$.query_values_1"),
                json!({"message": "TestMessage"}),
                json!({"x": 1})
            )
            .unwrap(),
            json!({"message": "TestMessage", "query_values_1": {"x": 1}})
        );
        assert_eq!(
            result_path(
                &rp("$.content"),
                json!({}),
                json!({"bucket": "test-bucket", "values": ["1", "2", "3"]})
            )
            .unwrap(),
            json!({"content": {"bucket": "test-bucket", "values": ["1", "2", "3"]}})
        );
    }

    // scenarios/test_map_state_parameters_legacy.json: ResultPath
    // "$.detail.shipped_output" writes inside the existing "detail" object.
    #[test]
    fn result_path_nested_existing_and_created() {
        let raw = json!({"detail": {"delivery-partner": "UQS"}});
        assert_eq!(
            result_path(&rp("$.detail.shipped_output"), raw, json!([1])).unwrap(),
            json!({"detail": {"delivery-partner": "UQS", "shipped_output": [1]}})
        );
        // Missing intermediate objects are created (ASL spec, ResultPath).
        assert_eq!(
            result_path(&rp("$.a.b.c"), json!({"x": 0}), json!(true)).unwrap(),
            json!({"x": 0, "a": {"b": {"c": true}}})
        );
    }

    // ASL spec: raw input "foo" with ResultPath "$.x" fails with
    // an error (the spec: States.ResultPathMatchFailure; AWS reports:
    // States.ReferencePathConflict). No AWS recording in the corpus; the
    // cause comes from jsonpath::write).
    #[test]
    fn result_path_on_string_input_fails() {
        let err = result_path(&rp("$.x"), json!("foo"), json!(1)).unwrap_err();
        assert_eq!(err.error, REFERENCE_PATH_CONFLICT);
        assert_eq!(
            err.cause.as_deref(),
            Some("Unable to apply ReferencePath $.x to input \"foo\"")
        );
        // A later step on a non-object.
        let err = result_path(&rp("$.a.b"), json!({"a": 1}), json!(1)).unwrap_err();
        assert_eq!(err.error, REFERENCE_PATH_CONFLICT);
        assert_eq!(
            err.cause.as_deref(),
            Some("Unable to apply step \"b\" to input {\"a\":1}")
        );
    }

    // ---- OutputPath -----------------------------------------------------

    // base/test_state_pass_result_null_input_output_paths.json, State2:
    // OutputPath null gives {} (the recorded execution output).
    #[test]
    fn output_path_null_is_empty_object() {
        let doc = json!({"Arg2": "argument2", "FromInput": {}});
        assert_eq!(
            output_path(&PathSpec::Null, doc, &json!({}), &no_vars()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn output_path_default_and_paths() {
        let doc = json!({"a": {"b": [10, 20, {"c": "x"}]}, "d": null});
        let ctx = json!({});
        assert_eq!(
            output_path(&PathSpec::Default, doc.clone(), &ctx, &no_vars()).unwrap(),
            doc
        );
        assert_eq!(
            output_path(&p("$"), doc.clone(), &ctx, &no_vars()).unwrap(),
            doc
        );
        assert_eq!(
            output_path(&p("$.a.b[2].c"), doc.clone(), &ctx, &no_vars()).unwrap(),
            json!("x")
        );
        assert_eq!(
            output_path(&p("$.a.b[-1]"), doc.clone(), &ctx, &no_vars()).unwrap(),
            json!({"c": "x"})
        );
        assert_eq!(
            output_path(&p("$.d"), doc.clone(), &ctx, &no_vars()).unwrap(),
            Value::Null
        );
        assert_eq!(
            output_path(&p("$.a.b[*]"), doc, &ctx, &no_vars()).unwrap(),
            json!([10, 20, {"c": "x"}])
        );
    }

    // context_object/test_output_path_.Execution.Input.json and
    // assign/test_reference_assign_BASE_REFERENCE_IN_OUTPUTPATH.json
    // (theAnswer = 42, OutputPath "$theAnswer" outputs 42).
    #[test]
    fn output_path_on_context_and_variable() {
        let context = json!({"Execution": {"Input": {"input-value": 0}}});
        assert_eq!(
            output_path(
                &p("$$.Execution.Input"),
                json!({"input-value": 0}),
                &context,
                &no_vars()
            )
            .unwrap(),
            json!({"input-value": 0})
        );
        assert_eq!(
            output_path(
                &p("$theAnswer"),
                json!({"answer": 42}),
                &json!({}),
                &vars(json!({"theAnswer": 42}))
            )
            .unwrap(),
            json!(42)
        );
    }

    // scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_OUTPUTPATH.json
    #[test]
    fn output_path_missing_fails_with_awss_cause() {
        let err = output_path(
            &p("$.NoSuchOutputPath"),
            json!({"int-literal": 0}),
            &json!({}),
            &no_vars(),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']")
        );
    }

    // scenarios/test_catch_states_runtime.json: the task returns {} and
    // OutputPath "$.no.such.result.path" fails with States.Runtime,
    // "Invalid path '$.no.such.result.path' : Missing property in path $['no']".
    #[test]
    fn output_path_missing_intermediate_property() {
        let err = output_path(
            &p("$.no.such.result.path"),
            json!({}),
            &json!({}),
            &no_vars(),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.no.such.result.path' : Missing property in path $['no']")
        );
        let err = output_path(&p("$.a.b.c"), json!({"a": {}}), &json!({}), &no_vars()).unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.a.b.c' : Missing property in path $['a']['b']")
        );
    }

    #[test]
    fn output_path_other_misses() {
        // An index out of range: Jayway finds nothing (not recorded).
        for (path, doc, why) in [
            (
                "$.a[5]",
                json!({"a": [1]}),
                "No results for path: $['a'][5]",
            ),
            (
                "$.a[0].b",
                json!({"a": []}),
                "No results for path: $['a'][0]['b']",
            ),
        ] {
            let err = output_path(&p(path), doc, &json!({}), &no_vars()).unwrap_err();
            assert_eq!(err.error, names::RUNTIME);
            assert_eq!(err.cause.unwrap(), format!("Invalid path '{path}' : {why}"));
        }
        // A member of a non-object: Jayway's own message, from jsonpath.
        let err =
            output_path(&p("$.a.b"), json!({"a": "str"}), &json!({}), &no_vars()).unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert!(err.cause.unwrap().starts_with("Invalid path '$.a.b' : "));
    }

    // ---- Assign ---------------------------------------------------------

    // assign/test_assign_from_value_BASE_ASSIGN_FROM_RESULT.json: a Pass
    // state with Result {"answer": 42} and Assign {"theAnswer.$": "$.answer"};
    // the next state's OutputPath "$theAnswer" gives 42
    // (BASE_REFERENCE_IN_OUTPUTPATH), so theAnswer = 42.
    #[test]
    fn assign_from_result() {
        let values = assign(
            &tmpl(json!({"theAnswer.$": "$.answer"})),
            &json!({"answer": 42}),
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(Value::Object(values), json!({"theAnswer": 42}));
    }

    // assign/test_assign_from_value_BASE_ASSIGN_FROM_PARAMETERS.json: State0
    // Parameters {"input": "PENDING"}, Assign {"result.$": "$.input"}; State1
    // Assign {"result": "SUCCESS", "originalResult.$": "$.input"} on its
    // input {"input": "PENDING"} (the recorded output).
    #[test]
    fn assign_literals_and_paths() {
        let mut store = no_vars();
        let v0 = assign(
            &tmpl(json!({"result.$": "$.input"})),
            &json!({"input": "PENDING"}),
            &json!({}),
            &store,
            &SystemEntropy,
        )
        .unwrap();
        store.assign(v0).unwrap();
        let v1 = assign(
            &tmpl(json!({"result": "SUCCESS", "originalResult.$": "$.input"})),
            &json!({"input": "PENDING"}),
            &json!({}),
            &store,
            &SystemEntropy,
        )
        .unwrap();
        store.assign(v1).unwrap();
        assert_eq!(store.get("result"), Some(&json!("SUCCESS")));
        assert_eq!(store.get("originalResult"), Some(&json!("PENDING")));
    }

    // assign/test_base_cases_BASE_VAR.json: State1 reads variables assigned
    // by State0; literal strings that look like paths or JSONata stay strings.
    #[test]
    fn assign_reads_variables_and_keeps_literal_strings() {
        let state0 = json!({"varname.$": "$.input_value", "constant_null": null, "constant_str_path": "$.no.such.path",
            "constant_str_jsonata_expr": "{% $varname.varfield %}", "constant_obj": {"in_obj_constant_int": 0, "in_obj_constant_lst": [null, "$varname"]}});
        let mut store = no_vars();
        let values = assign(
            &tmpl(state0),
            &json!({"input_value": "input_value_literal"}),
            &json!({}),
            &store,
            &SystemEntropy,
        )
        .unwrap();
        store.assign(values).unwrap();
        assert_eq!(store.get("varname"), Some(&json!("input_value_literal")));
        assert_eq!(
            store.get("constant_str_path"),
            Some(&json!("$.no.such.path"))
        );
        let state1 = json!({"varname2": "varname2", "varnameconstant_null.$": "$constant_null",
            "varnameconstant_str_path.$": "$constant_str_path", "varnameconstant_obj_access.$": "$constant_obj.in_obj_constant_lst"});
        let values = assign(
            &tmpl(state1),
            &json!({"input_value": "input_value_literal"}),
            &json!({}),
            &store,
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"varname2": "varname2", "varnameconstant_null": null, "varnameconstant_str_path": "$.no.such.path",
                "varnameconstant_obj_access": [null, "$varname"]})
        );
    }

    // Parallel assignment: both values come from the variables before the
    // state (the ASL reference, 2.6).
    #[test]
    fn assign_is_parallel() {
        let mut store = vars(json!({"a": 1, "b": 2}));
        let values = assign(
            &tmpl(json!({"a.$": "$b", "b.$": "$a"})),
            &json!({}),
            &json!({}),
            &store,
            &SystemEntropy,
        )
        .unwrap();
        store.assign(values).unwrap();
        assert_eq!(store.get("a"), Some(&json!(2)));
        assert_eq!(store.get("b"), Some(&json!(1)));
    }

    // assign/test_base_parallel_cases_BASE_SCOPE_PARALLEL.json: in a branch,
    // {"innerX.$": "$x", "value.$": "$"} reads the outer x = 42 and the
    // branch input {}.
    #[test]
    fn assign_in_inner_scope() {
        let outer = vars(json!({"x": 42}));
        let mut branch = outer.inner_scope();
        let values = assign(
            &tmpl(json!({"innerX.$": "$x", "value.$": "$"})),
            &json!({}),
            &json!({}),
            &branch,
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            Value::Object(values.clone()),
            json!({"innerX": 42, "value": {}})
        );
        branch.assign(values).unwrap();
        // Assigning x itself in the branch is an outer-scope write.
        let x = assign(
            &tmpl(json!({"x": 1})),
            &json!({}),
            &json!({}),
            &branch,
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(branch.assign(x).unwrap_err().error, names::RUNTIME);
    }

    // assign/test_assign_from_value_BASE_ASSIGN_FROM_INTRINSIC_FUNCTION.json
    // (subset): intrinsic calls on `$`, nested in an object member.
    #[test]
    fn assign_with_intrinsics() {
        let result = json!({"name": "John", "place": "LocalStack", "value1": 5, "value2": 3});
        let values = assign(
            &tmpl(json!({
                "mathOps": {"sum.$": "States.MathAdd($.value1, $.value2)"},
                "stringOps": {"formattedString.$": "States.Format('Hello {}, welcome to {}!', $.name, $.place)"}
            })),
            &result,
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"mathOps": {"sum": 8}, "stringOps": {"formattedString": "Hello John, welcome to LocalStack!"}})
        );
    }

    // A Catcher's Assign sees the error output as `$`.
    #[test]
    fn assign_in_catcher_reads_error_output() {
        let error = StatesError::new("Exception", "boom").to_error_output();
        let values = assign(
            &tmpl(json!({"err.$": "$.Error", "all.$": "$"})),
            &error,
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(
            Value::Object(values),
            json!({"err": "Exception", "all": {"Error": "Exception", "Cause": "boom"}})
        );
    }

    #[test]
    fn assign_must_be_an_object() {
        let err = assign(
            &Template::Literal(json!([1])),
            &json!({}),
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        let ok = assign(
            &Template::Literal(json!({"a": 1})),
            &json!({}),
            &json!({}),
            &no_vars(),
            &SystemEntropy,
        )
        .unwrap();
        assert_eq!(Value::Object(ok), json!({"a": 1}));
    }

    // ---- The whole pipeline --------------------------------------------

    // base/test_state_pass_result_null_input_output_paths.json, all three
    // Pass states: the recorded execution output is {}.
    #[test]
    fn pipeline_null_input_and_output_paths() {
        let ctx = json!({});
        let v = no_vars();
        let pass = |raw: Value, ip: PathSpec, params: Value, op: PathSpec| -> Value {
            let effective = input_path(&ip, &raw, &ctx, &v).unwrap();
            let result = parameters(&tmpl(params), &effective, &ctx, &v, &SystemEntropy).unwrap();
            let doc = result_path(&PathSpec::Default, raw, result).unwrap();
            output_path(&op, doc, &ctx, &v).unwrap()
        };
        let s0 = pass(
            json!({"InputValue": 0}),
            PathSpec::Default,
            json!({"Arg1": "argument1", "FromInput.$": "$"}),
            PathSpec::Default,
        );
        let s1 = pass(
            s0,
            PathSpec::Null,
            json!({"Arg2": "argument2", "FromInput.$": "$"}),
            PathSpec::Default,
        );
        assert_eq!(s1, json!({"Arg2": "argument2", "FromInput": {}}));
        let s2 = output_path(&PathSpec::Null, s1, &ctx, &v).unwrap();
        assert_eq!(s2, json!({}));
    }

    #[test]
    fn field_path_not_found_formats() {
        // scenarios/test_invalid_jsonpath_INVALID_JSONPATH_IN_ERRORPATH.json
        // (Fail state ErrorPath "$.ErrorX"), the input masked in the recording.
        let err = field_path_not_found(
            &parse_path("$.ErrorX").unwrap(),
            Some("ErrorPath"),
            &json!({"a": [1, "x"]}),
        );
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"a\":[1,\"x\"]}'"
            )
        );
    }
}
