//! Issue 11, "wrong answers without an error": JSONata values nested more
//! than 1,000 levels deep were silently cut to `null` (`$string` of a
//! 5,000-deep array gave 2,004 characters instead of 10,000), and the other
//! walks over values (equality, name lookup, `*`, `**`, `$spread`,
//! transforms) stopped at 1,000 levels with a wrong result.
//!
//! Every walk is now iterative, so each case runs on a 2 MiB stack (what
//! tokio gives its worker threads) in an unoptimised build, at 5,000 and at
//! 100,000 levels, and gives the right answer; dropping such a value does
//! not recurse either. The one bound left is on the JSON result of an
//! expression ([`Value::to_json`]): more than 1,000 levels is an error
//! (`Unsupported`, which a workflow reports as `States.QueryEvaluationError`),
//! never a truncated value.

use std::collections::HashMap;

use serde_json::json;
use sfn_runtime::jsonata::{Program, Unsupported, Value};

mod common;
use common::on_small_stack;

/// `depth` arrays around `inner`: `[[[inner]]]`.
fn nested_arrays(depth: usize, inner: serde_json::Value) -> serde_json::Value {
    let mut v = inner;
    for _ in 0..depth {
        v = serde_json::Value::Array(vec![v]);
    }
    v
}

/// `depth` objects around `inner`: `{"a": {"a": inner}}`.
fn nested_objects(depth: usize, inner: serde_json::Value) -> serde_json::Value {
    let mut v = inner;
    for _ in 0..depth {
        v = member("a", v);
    }
    v
}

/// `{key: v}`, without `json!` (which would copy `v` recursively).
fn member(key: &str, v: serde_json::Value) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(key.to_owned(), v);
    serde_json::Value::Object(map)
}

/// Drops a JSON value without recursion (`serde_json` itself recurses, and
/// 100,000 levels would overflow this small stack).
fn drop_json(v: serde_json::Value) {
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        match v {
            serde_json::Value::Array(items) => pending.extend(items),
            serde_json::Value::Object(map) => pending.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Evaluates `expr` against `input` with the variables `vars`.
fn eval(expr: &str, input: &Value, vars: &[(&str, Value)]) -> Value {
    let program = Program::new(sfn_lang::jsonata::parse(expr).expect("parses"));
    let bindings: HashMap<String, Value> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    program
        .evaluate(input, &bindings)
        .unwrap_or_else(|e| panic!("{expr}: {e:?}"))
}

fn string(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => panic!("not a string: {other:?}"),
    }
}

const DEPTHS: [usize; 2] = [5_000, 100_000];

#[test]
fn string_of_deep_arrays_is_the_whole_text() {
    on_small_stack(|| {
        for depth in DEPTHS {
            let doc = nested_arrays(depth, json!([]));
            let input = Value::from_json(&doc);
            drop_json(doc);
            let text = string(&eval("$string($)", &input, &[]));
            // depth + 1 arrays, the innermost empty.
            assert_eq!(text.len(), 2 * (depth + 1), "depth {depth}");
            assert_eq!(text, "[".repeat(depth + 1) + &"]".repeat(depth + 1));
        }
    });
}

#[test]
fn string_of_deep_objects_is_the_whole_text() {
    on_small_stack(|| {
        for depth in DEPTHS {
            let doc = nested_objects(depth, json!(1));
            let input = Value::from_json(&doc);
            drop_json(doc);
            let text = string(&eval("$string($)", &input, &[]));
            assert_eq!(text, "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth));
        }
        // Pretty printing indents each level by two more spaces.
        let input = Value::from_json(&nested_objects(3, json!([1])));
        assert_eq!(
            string(&eval("$string($, true)", &input, &[])),
            "{\n  \"a\": {\n    \"a\": {\n      \"a\": [\n        1\n      ]\n    }\n  }\n}"
        );
    });
}

#[test]
fn deep_results_are_an_error_not_a_truncated_value() {
    on_small_stack(|| {
        for depth in DEPTHS {
            let doc = nested_arrays(depth, json!(1));
            let input = Value::from_json(&doc);
            drop_json(doc);
            assert_eq!(eval("$", &input, &[]).to_json(), Err(Unsupported));
        }
        // 1,000 levels is the most a result may have.
        let doc = nested_arrays(1_000, json!(1));
        let out = eval("$", &Value::from_json(&doc), &[]).to_json();
        assert_eq!(out, Ok(Some(doc)));
        let doc = nested_arrays(1_001, json!(1));
        let out = eval("$", &Value::from_json(&doc), &[]).to_json();
        assert_eq!(out, Err(Unsupported));
    });
}

#[test]
fn deep_equality_looks_at_every_level() {
    on_small_stack(|| {
        for depth in DEPTHS {
            let one = nested_objects(depth, json!([1, 2]));
            let same = Value::from_json(&one);
            let again = Value::from_json(&one);
            drop_json(one);
            let other = nested_objects(depth, json!([1, 3]));
            let different = Value::from_json(&other);
            drop_json(other);
            let vars = [("x", same), ("y", again), ("z", different)];
            assert!(matches!(
                eval("$x = $y", &Value::Null, &vars),
                Value::Bool(true)
            ));
            assert!(matches!(
                eval("$x = $z", &Value::Null, &vars),
                Value::Bool(false)
            ));
            assert!(matches!(
                eval("$x != $z", &Value::Null, &vars),
                Value::Bool(true)
            ));
        }
    });
}

#[test]
fn names_wildcards_and_spread_reach_into_deep_arrays() {
    on_small_stack(|| {
        for depth in DEPTHS {
            // A field of an object inside nested arrays.
            let doc = nested_arrays(depth, json!({"a": 7, "b": 8}));
            let input = Value::from_json(&doc);
            drop_json(doc);
            assert!(matches!(eval("a", &input, &[]), Value::Number(n) if n == 7.0));
            assert!(matches!(eval("$lookup($, 'b')", &input, &[]), Value::Number(n) if n == 8.0));
            assert_eq!(
                eval("$spread($)", &input, &[]).to_json(),
                Ok(Some(json!([{"a": 7}, {"b": 8}])))
            );
            // `*` flattens array values at any depth (as for
            // `{"x": [[5]]}.*`, the result is a plain array).
            let doc = member("x", nested_arrays(depth, json!(5)));
            let input = Value::from_json(&doc);
            drop_json(doc);
            assert_eq!(eval("*", &input, &[]).to_json(), Ok(Some(json!([5]))));
        }
    });
}

#[test]
fn descendants_reach_every_level() {
    on_small_stack(|| {
        // Each object, then the innermost value: depth + 1 values.
        let small = Value::from_json(&nested_objects(3, json!(1)));
        assert_eq!(
            eval("$count(**)", &small, &[]).to_json(),
            Ok(Some(json!(4)))
        );
        for depth in DEPTHS {
            let doc = nested_objects(depth, json!(1));
            let input = Value::from_json(&doc);
            drop_json(doc);
            assert_eq!(
                eval("$count(**)", &input, &[]).to_json(),
                Ok(Some(json!(depth + 1)))
            );
            assert_eq!(
                eval("**[$type($) = 'number']", &input, &[]).to_json(),
                Ok(Some(json!(1)))
            );
        }
    });
}

#[test]
fn transforms_copy_every_level() {
    on_small_stack(|| {
        for depth in DEPTHS {
            let doc = member("a", nested_arrays(depth, json!([])));
            let input = Value::from_json(&doc);
            drop_json(doc);
            let text = string(&eval("$string($ ~> | $ | {'b': 1} |)", &input, &[]));
            let inner = "[".repeat(depth + 1) + &"]".repeat(depth + 1);
            assert_eq!(text, format!("{{\"a\":{inner},\"b\":1}}"));
        }
    });
}

#[test]
fn deep_values_built_by_an_expression_are_dropped_safely() {
    on_small_stack(|| {
        for depth in DEPTHS {
            // Nests an object `depth` times, then measures it by its text.
            let expr = format!(
                "$length($string($reduce([1..{depth}], function($acc, $i) {{ {{'a': $acc}} }}, 0)))"
            );
            let length = eval(&expr, &Value::Null, &[]);
            // `{"a":` per level, the 0, and a `}` per level.
            assert_eq!(length.to_json(), Ok(Some(json!(6 * depth + 1))));
        }
    });
}

#[test]
fn truth_of_deep_arrays_looks_at_every_level() {
    on_small_stack(|| {
        for depth in DEPTHS {
            for (inner, truth) in [(json!([0, "x"]), true), (json!([0, ""]), false)] {
                let doc = nested_arrays(depth, inner);
                let input = Value::from_json(&doc);
                drop_json(doc);
                assert_eq!(
                    eval("$boolean($)", &input, &[]).to_json(),
                    Ok(Some(json!(truth)))
                );
                assert_eq!(
                    eval("$ ? 'yes' : 'no'", &input, &[]).to_json(),
                    Ok(Some(json!(if truth { "yes" } else { "no" })))
                );
            }
        }
    });
}
