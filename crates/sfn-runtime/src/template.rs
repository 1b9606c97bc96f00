//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector` and
//! `Assign` in JSONPath mode), evaluated at run time.
//!
//! A [`Template`] is the JSON of the field with its dynamic parts already
//! parsed: each member whose key ends in `.$` became, with the suffix
//! stripped, a [`Template::Path`] (a value starting with `$`: a path on the
//! template's input, `$$...` on the context object, `$name...` on a
//! variable) or a [`Template::Intrinsic`] (anything else: an intrinsic
//! function call). Generated code builds each template once (a `static` or a
//! `LazyLock`); [`evaluate`] only walks it.
//!
//! # Results
//!
//! * Members keep the template's order.
//! * A path yields what it selects: the node for a definite path, an array
//!   of every match (possibly empty) for an indefinite one.
//! * A path that selects nothing (or names a variable that does not exist)
//!   fails with `States.Runtime`, as AWS does, although the ASL specification
//!   names `States.ParameterPathFailure`: conformance cases
//!   `scenarios/test_invalid_jsonpath_INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH`
//!   and `..._CONTEXTPATH` record, for `"value.$": "$.no_such_jsonpath"` on
//!   the input `{"int-literal": 0}`, the cause
//!   `The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'`
//!   (after AWS's `An error occurred while executing the state ...` prefix,
//!   which the caller adds, as it alone knows the state and event id). The
//!   input is the template's input as compact JSON, also for `$$` paths.
//! * An intrinsic call's error (`States.IntrinsicFailure`, or the failure of
//!   a path among its arguments, reported as above) is returned as it is.

use serde_json::{Map, Value};
use sfn_lang::intrinsic::{Call, parse_intrinsic};
use sfn_lang::path::{Path, parse_path};

use crate::dataflow::field_path_not_found;
use crate::error::StatesError;
use crate::intrinsics::{self, Entropy, PathResolver};
use crate::jsonpath::{self, PathError, Roots};

/// A payload template with its dynamic parts parsed (built by generated code
/// once, e.g. in a `LazyLock`, never parsed at run time).
#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    /// A value with nothing to evaluate, returned as it is.
    Literal(Value),
    /// An object whose members are templates, in order; keys of `.$`
    /// members are stored without the suffix.
    Object(Vec<(String, Template)>),
    /// An array of templates.
    Array(Vec<Template>),
    /// The value of a `.$` member that is a path: `$...`, `$$...` or `$name...`.
    Path(Path),
    /// The value of a `.$` member that is an intrinsic function call.
    Intrinsic(Call),
}

impl Template {
    /// Builds a template from the JSON of a payload template field, parsing
    /// its `.$` members; parts without any are kept as one
    /// [`Template::Literal`].
    ///
    /// This is the build-time step (`sfn-codegen` does the same and reports
    /// errors with their position); it is here for tests and for tools that
    /// load definitions at run time. The error names the key of the member
    /// that does not parse, and says why.
    pub fn from_json(value: &Value) -> Result<Template, String> {
        match value {
            Value::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                let mut dynamic = false;
                for (key, value) in members {
                    match key.strip_suffix(".$").filter(|name| !name.is_empty()) {
                        Some(name) => {
                            dynamic = true;
                            out.push((name.to_owned(), dynamic_member(key, value)?));
                        }
                        None => {
                            let template = Template::from_json(value)?;
                            dynamic |= !matches!(template, Template::Literal(_));
                            out.push((key.clone(), template));
                        }
                    }
                }
                Ok(if dynamic {
                    Template::Object(out)
                } else {
                    Template::Literal(value.clone())
                })
            }
            Value::Array(items) => {
                let items = items
                    .iter()
                    .map(Template::from_json)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if items.iter().all(|t| matches!(t, Template::Literal(_))) {
                    Template::Literal(value.clone())
                } else {
                    Template::Array(items)
                })
            }
            other => Ok(Template::Literal(other.clone())),
        }
    }

    /// Whether evaluating the template can only give its literal value.
    pub fn is_literal(&self) -> bool {
        matches!(self, Template::Literal(_))
    }
}

/// Parses the value of the `.$` member `key`.
fn dynamic_member(key: &str, value: &Value) -> Result<Template, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "the value of '{key}' must be a string holding a path or an intrinsic function call"
        ));
    };
    if text.starts_with('$') {
        parse_path(text)
            .map(Template::Path)
            .map_err(|e| format!("'{key}': invalid path '{text}': {e}"))
    } else {
        parse_intrinsic(text)
            .map(Template::Intrinsic)
            .map_err(|e| format!("'{key}': invalid intrinsic function call '{text}': {e}"))
    }
}

/// Evaluates a template against `roots` (`$` is `roots.input`).
///
/// `entropy` supplies `States.UUID` and `States.MathRandom`.
pub fn evaluate(
    t: &Template,
    roots: &Roots<'_>,
    entropy: &dyn Entropy,
) -> Result<Value, StatesError> {
    eval(t, roots, entropy, None)
}

/// Evaluates `t`; `field` is the key of the nearest enclosing member (without
/// `.$`), for error causes.
fn eval(
    t: &Template,
    roots: &Roots<'_>,
    entropy: &dyn Entropy,
    field: Option<&str>,
) -> Result<Value, StatesError> {
    match t {
        Template::Literal(value) => Ok(value.clone()),
        Template::Object(members) => {
            let mut out = Map::with_capacity(members.len());
            for (key, member) in members {
                let value = eval(member, roots, entropy, Some(key))?;
                out.insert(key.clone(), value);
            }
            Ok(Value::Object(out))
        }
        Template::Array(items) => items
            .iter()
            .map(|item| eval(item, roots, entropy, field))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Template::Path(path) => select(path, roots, field),
        Template::Intrinsic(call) => {
            intrinsics::evaluate(call, &Resolver { roots, field }, entropy)
        }
    }
}

/// The value `path` selects, or AWS's failure for the member `field`.
fn select(path: &Path, roots: &Roots<'_>, field: Option<&str>) -> Result<Value, StatesError> {
    match jsonpath::select(path, roots) {
        Ok(Some(value)) => Ok(value.into_owned()),
        Ok(None) | Err(PathError::NoSuchVariable(_)) => Err(field_path_not_found(
            path,
            field.map(|f| format!("{f}.$")).as_deref(),
            roots.input,
        )),
    }
}

/// Resolves the path arguments of an intrinsic call against the template's roots.
struct Resolver<'r, 'v> {
    roots: &'r Roots<'v>,
    field: Option<&'r str>,
}

impl PathResolver for Resolver<'_, '_> {
    fn resolve(&self, path: &Path) -> Result<Value, StatesError> {
        select(path, self.roots, self.field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use crate::intrinsics::SystemEntropy;
    use crate::jsonpath::Variables;
    use serde_json::json;
    use std::collections::HashMap;

    /// Variables for tests.
    #[derive(Default)]
    struct Vars(HashMap<String, Value>);

    impl Variables for Vars {
        fn get(&self, name: &str) -> Option<&Value> {
            self.0.get(name)
        }
    }

    fn vars(v: Value) -> Vars {
        let Value::Object(m) = v else {
            panic!("vars must be an object")
        };
        Vars(m.into_iter().collect())
    }

    fn tmpl(v: Value) -> Template {
        Template::from_json(&v).unwrap()
    }

    /// Evaluates the template JSON `t` against `input`, `context` and `vars`.
    fn run(t: Value, input: &Value, context: &Value, vars: &Vars) -> Result<Value, StatesError> {
        let roots = Roots {
            input,
            context,
            variables: vars,
        };
        evaluate(&tmpl(t), &roots, &SystemEntropy)
    }

    fn run_simple(t: Value, input: Value) -> Result<Value, StatesError> {
        run(t, &input, &json!({}), &Vars::default())
    }

    #[test]
    fn from_json_keeps_literals_whole() {
        let v = json!({"a": 1, "b": [1, {"c": "$.not_a_path"}]});
        assert_eq!(
            Template::from_json(&v).unwrap(),
            Template::Literal(v.clone())
        );
        assert!(Template::from_json(&v).unwrap().is_literal());
        let t = tmpl(json!({"a": 1, "b.$": "$.x"}));
        assert_eq!(
            t,
            Template::Object(vec![
                ("a".into(), Template::Literal(json!(1))),
                ("b".into(), Template::Path(parse_path("$.x").unwrap())),
            ])
        );
        assert!(matches!(
            tmpl(json!({"f.$": "States.Array(1)"})),
            Template::Object(ref m) if matches!(m[0].1, Template::Intrinsic(_))
        ));
    }

    #[test]
    fn from_json_errors() {
        assert!(
            Template::from_json(&json!({"a.$": 1}))
                .unwrap_err()
                .contains("'a.$'")
        );
        assert!(
            Template::from_json(&json!({"a.$": "$.a b"}))
                .unwrap_err()
                .contains("'a.$'")
        );
        assert!(Template::from_json(&json!({"a.$": "NotAFunction()"})).is_err());
        // A key that is just `.$` is not a dynamic member.
        assert_eq!(
            Template::from_json(&json!({".$": "$"})).unwrap(),
            Template::Literal(json!({".$": "$"}))
        );
    }

    // The ASL specification's Parameters example, and
    // base/test_state_pass_result_null_input_output_paths.json (State0:
    // {"Arg1": "argument1", "FromInput.$": "$"} on {"InputValue": 0}).
    #[test]
    fn paths_on_the_input() {
        assert_eq!(
            run_simple(
                json!({"Arg1": "argument1", "FromInput.$": "$"}),
                json!({"InputValue": 0})
            )
            .unwrap(),
            json!({"Arg1": "argument1", "FromInput": {"InputValue": 0}})
        );
        // base/test_json_path_array_access_.items_10.json
        let items: Vec<Value> = (0..=10).map(|i| json!({"item_key": i})).collect();
        assert_eq!(
            run_simple(json!({"item.$": "$.items[10]"}), json!({ "items": items })).unwrap(),
            json!({"item": {"item_key": 10}})
        );
        assert_eq!(
            run_simple(json!({"item.$": "$.items[0]"}), json!({ "items": items })).unwrap(),
            json!({"item": {"item_key": 0}})
        );
    }

    // base/test_json_path_array_wildcard_or_slice_with_no_input*.json: an
    // indefinite path selecting nothing gives [] (recorded {"item": []}).
    #[test]
    fn indefinite_path_selecting_nothing_is_empty_array() {
        for path in [
            "$[*]",
            "$.items[*]",
            "$.item.items[*]",
            "$.items[1:]",
            "$.item.items[1:5]",
            "$.items[:1].itemValue",
            "$.items[*].itemValue",
        ] {
            assert_eq!(
                run_simple(json!({ "item.$": path }), json!({})).unwrap(),
                json!({"item": []}),
                "{path}"
            );
        }
    }

    // scenarios/test_map_state_item_selector_parameters.json: nested object,
    // member order kept, the `$$.Map.Item.Value` context path.
    #[test]
    fn context_paths_and_member_order() {
        let input = json!({"content": {"bucket": "test-bucket", "values": ["1", "2", "3"]}});
        let context = json!({"Map": {"Item": {"Index": 1, "Value": "2"}}});
        let out = run(
            json!({"z": 0, "bucketName.$": "$.content.bucket", "value.$": "$$.Map.Item.Value", "a": {"i.$": "$$.Map.Item.Index"}}),
            &input,
            &context,
            &Vars::default(),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"z": 0, "bucketName": "test-bucket", "value": "2", "a": {"i": 1}})
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "bucketName", "value", "a"]);
    }

    // assign/test_reference_assign_BASE_REFERENCE_IN_PARAMETERS.json: State1's
    // {"result.$": "$result"} with result = "foobar" gives {"result": "foobar"};
    // State0's {"result": "$result"} (no `.$`) is the literal string.
    #[test]
    fn variable_paths() {
        let v = vars(json!({"result": "foobar"}));
        assert_eq!(
            run(json!({"result.$": "$result"}), &json!({}), &json!({}), &v).unwrap(),
            json!({"result": "foobar"})
        );
        assert_eq!(
            run(json!({"result": "$result"}), &json!({}), &json!({}), &v).unwrap(),
            json!({"result": "$result"})
        );
    }

    // scenarios/test_invalid_jsonpath_INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH.json
    #[test]
    fn missing_path_fails_with_awss_cause() {
        let err = run_simple(
            json!({"value.$": "$.no_such_jsonpath"}),
            json!({"int-literal": 0}),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
            )
        );
    }

    // scenarios/test_invalid_jsonpath_INVALID_JSONPATH_IN_STRING_EXPR_CONTEXTPATH.json:
    // the input printed is the state's input, not the context object.
    #[test]
    fn missing_context_path_fails_with_awss_cause() {
        let input = json!({"int-literal": 0});
        let context = json!({"Execution": {"Input": {"int-literal": 0}}});
        let err = run(
            json!({"value.$": "$$.Execution.Input.no_such_jsonpath"}),
            &input,
            &context,
            &Vars::default(),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
            )
        );
    }

    #[test]
    fn missing_nested_field_names_the_innermost_key() {
        let err = run_simple(
            json!({"outer": {"inner.$": "$.nope.deep"}}),
            json!({"other": 1}),
        )
        .unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.nope.deep' specified for the field 'inner.$' could not be found in the input '{\"other\":1}'"
            )
        );
    }

    #[test]
    fn unknown_variable_fails() {
        let err = run(
            json!({"x.$": "$nope"}),
            &json!({}),
            &json!({}),
            &Vars::default(),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$nope' specified for the field 'x.$' could not be found in the input '{}'"
            )
        );
    }

    // assign/test_reference_in_map_state_MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION.json:
    // {"AnnouncePokemon.$": "States.Format($AnswerTemplate, $$.Map.Item.Value)"}
    // with AnswerTemplate = "It's {}!" gives "It's Charizard!" for item 0.
    #[test]
    fn intrinsic_with_variable_and_context_arguments() {
        let v = vars(json!({"AnswerTemplate": "It's {}!", "Question": "Who's that Pokemon?"}));
        let context = json!({"Map": {"Item": {"Index": 0, "Value": "Charizard"}}});
        assert_eq!(
            run(
                json!({"AnnouncePokemon.$": "States.Format($AnswerTemplate, $$.Map.Item.Value)"}),
                &json!({}),
                &context,
                &v
            )
            .unwrap(),
            json!({"AnnouncePokemon": "It's Charizard!"})
        );
    }

    // assign/test_reference_assign_BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE.json
    // (the Summate state) and assign/test_assign_from_value_BASE_ASSIGN_FROM_INTRINSIC_FUNCTION.json
    // (formattedString): nested intrinsic calls.
    #[test]
    fn nested_intrinsics() {
        let input = json!({"name": "John", "place": "LocalStack"});
        assert_eq!(
            run_simple(
                json!({"formattedString.$": "States.Format('Hello {}, welcome to {}!', $.name, $.place)"}),
                input
            )
            .unwrap(),
            json!({"formattedString": "Hello John, welcome to LocalStack!"})
        );
        let v = vars(json!({"xCurrent": 9, "yCurrent": 44, "zCurrent": 6}));
        assert_eq!(
            run(
                json!({"Sum.$": "States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent)"}),
                &json!({}),
                &json!({}),
                &v
            )
            .unwrap(),
            json!({"Sum": 59})
        );
    }

    #[test]
    fn intrinsic_path_argument_selecting_nothing_fails() {
        let err = run_simple(
            json!({"f.$": "States.Format('{}', $.missing)"}),
            json!({"a": 1}),
        )
        .unwrap_err();
        assert_eq!(err.error, names::RUNTIME);
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.missing' specified for the field 'f.$' could not be found in the input '{\"a\":1}'"
            )
        );
    }

    #[test]
    fn arrays_and_top_level_values() {
        let t = Template::Array(vec![
            Template::Literal(json!(1)),
            Template::Path(parse_path("$.a").unwrap()),
        ]);
        let input = json!({"a": "x"});
        let roots = Roots {
            input: &input,
            context: &Value::Null,
            variables: &Vars::default(),
        };
        assert_eq!(
            evaluate(&t, &roots, &SystemEntropy).unwrap(),
            json!([1, "x"])
        );
        let err = evaluate(
            &Template::Path(parse_path("$.b").unwrap()),
            &roots,
            &SystemEntropy,
        )
        .unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some("The JSONPath '$.b' could not be found in the input '{\"a\":\"x\"}'")
        );
        assert_eq!(
            evaluate(&Template::Literal(json!("lit")), &roots, &SystemEntropy).unwrap(),
            json!("lit")
        );
    }

    // A null found by a path is a value, not a failure.
    #[test]
    fn null_is_found() {
        assert_eq!(
            run_simple(
                json!({"v.$": "$.Value2"}),
                json!({"Value1": "HelloWorld!", "Value2": null})
            )
            .unwrap(),
            json!({"v": null})
        );
    }
}
