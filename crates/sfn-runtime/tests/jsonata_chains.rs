//! Issue 11: long flat JSONata chains (`1 + 1 + …`, `a or b or …`,
//! `"a" & "b" & …`, `$x ~> $f ~> …`, `a.b.c…`), which jsonata-js accepts,
//! are evaluated to the right value, at 1,000 and 10,000 terms, on a 2 MiB
//! stack (a tokio worker's) in an unoptimised build: the evaluator follows a
//! chain's left operands in a loop, so its nesting limit (U1001, "Stack
//! overflow") applies to true nesting only.

use std::collections::HashMap;

use serde_json::json;
use sfn_runtime::jsonata::{Program, Value};

mod common;
use common::{chain, on_small_stack};

/// The JSON result of `expr` on `input`.
fn eval(expr: &str, input: serde_json::Value) -> serde_json::Value {
    let program = Program::new(sfn_lang::jsonata::parse(expr).expect("parses"));
    let out = program
        .evaluate(&Value::from_json(&input), &HashMap::<String, Value>::new())
        .unwrap_or_else(|e| panic!("{}…: {e:?}", &expr[..expr.len().min(40)]));
    out.to_json()
        .expect("a JSON result")
        .expect("a defined result")
}

const LENGTHS: [usize; 2] = [1_000, 10_000];

#[test]
fn arithmetic_chains() {
    on_small_stack(|| {
        for n in LENGTHS {
            assert_eq!(eval(&chain("1", "+", "1", n), json!(null)), json!(n));
            assert_eq!(
                eval(&chain("0", "-", "1", n), json!(null)),
                json!(-(n as i64 - 1))
            );
            // Precedence inside the chain: 1 + 2*3 + 2*3 + …
            assert_eq!(
                eval(&chain("1", "+", "2*3", n), json!(null)),
                json!(1 + 6 * (n - 1))
            );
            // Operands from the input.
            assert_eq!(
                eval(&chain("x", "+", "x", n), json!({"x": 2})),
                json!(2 * n)
            );
        }
    });
}

#[test]
fn boolean_chains() {
    on_small_stack(|| {
        for n in LENGTHS {
            let falses = chain("false", " or ", "false", n);
            assert_eq!(eval(&falses, json!(null)), json!(false));
            assert_eq!(eval(&format!("{falses} or true"), json!(null)), json!(true));
            let trues = chain("true", " and ", "true", n);
            assert_eq!(eval(&trues, json!(null)), json!(true));
            assert_eq!(
                eval(&format!("{trues} and false"), json!(null)),
                json!(false)
            );
            // Short-circuit: the right of a decided `or` is not evaluated.
            let decided = format!(
                "true or {}",
                chain("$error('no')", " or ", "$error('no')", n)
            );
            assert_eq!(eval(&decided, json!(null)), json!(true));
            // `a or b or …` over fields of the input.
            assert_eq!(
                eval(&chain("a", " or ", "b", n), json!({"a": false, "b": true})),
                json!(true)
            );
        }
    });
}

#[test]
fn concatenation_chains() {
    on_small_stack(|| {
        for n in LENGTHS {
            assert_eq!(
                eval(&chain("'a'", " & ", "'b'", n), json!(null)),
                json!(format!("a{}", "b".repeat(n - 1)))
            );
        }
    });
}

#[test]
fn function_application_chains() {
    on_small_stack(|| {
        for n in LENGTHS {
            let expr = format!(
                "($inc := function($v) {{ $v + 1 }}; {})",
                chain("0", " ~> ", "$inc", n + 1)
            );
            assert_eq!(eval(&expr, json!(null)), json!(n));
            // Mixed with other operators of the same precedence.
            let expr = format!(
                "($inc := function($v) {{ $v + 1 }}; {} = {n})",
                chain("0", " ~> ", "$inc", n + 1)
            );
            assert_eq!(eval(&expr, json!(null)), json!(true));
        }
    });
}

#[test]
fn long_paths() {
    on_small_stack(|| {
        for n in [99, 150, 1_000, 10_000] {
            // {"a": {"a": … 1}} n levels deep, read by an n-step path.
            let mut doc = json!(1);
            for _ in 0..n {
                let mut map = serde_json::Map::new();
                map.insert("a".to_owned(), doc);
                doc = serde_json::Value::Object(map);
            }
            let input = Value::from_json(&doc);
            // Dropped without recursion (serde_json's own drop recurses).
            let mut pending = vec![doc];
            while let Some(v) = pending.pop() {
                if let serde_json::Value::Object(map) = v {
                    pending.extend(map.into_iter().map(|(_, v)| v));
                }
            }
            let program = Program::new(sfn_lang::jsonata::parse(&chain("a", ".", "a", n)).unwrap());
            let out = program
                .evaluate(&input, &HashMap::<String, Value>::new())
                .unwrap();
            assert_eq!(out.to_json(), Ok(Some(json!(1))), "{n} steps");
        }
    });
}

#[test]
fn an_error_in_a_chain_is_the_error_of_its_link() {
    on_small_stack(|| {
        // The 5,000th `+` has a string on its right: the error of that link.
        let src = format!(
            "{}+'x'+{}",
            chain("1", "+", "1", 4_999),
            chain("1", "+", "1", 10)
        );
        let program = Program::new(sfn_lang::jsonata::parse(&src).unwrap());
        let e = program
            .evaluate(&Value::Null, &HashMap::<String, Value>::new())
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                "T2002",
                "The right side of the \"+\" operator must evaluate to a number"
            )
        );
    });
}
