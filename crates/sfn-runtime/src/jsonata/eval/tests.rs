//! Evaluator tests. Expected values are jsonata-js 2.0.6's results for the
//! same expression and input (recorded by running it).

use std::collections::HashMap;

use serde_json::{Value as Json, json};

use crate::jsonata::{Program, Value};

/// Evaluates `expr` over `input`: `Ok(None)` for undefined.
fn run(expr: &str, input: Json) -> Result<Option<Json>, String> {
    let parsed = sfn_lang::jsonata::parse(expr).map_err(|e| format!("parse: {e}"))?;
    let program = Program::new(parsed);
    let input = if input.is_null() {
        Value::Undefined
    } else {
        Value::from_json(&input)
    };
    let out = program
        .evaluate(&input, &HashMap::new())
        .map_err(|e| e.code.to_owned())?;
    out.to_json().map_err(|_| "unsupported".to_owned())
}

#[track_caller]
fn ok(expr: &str, input: Json, expected: Json) {
    assert_eq!(run(expr, input), Ok(Some(expected)), "{expr}");
}

#[track_caller]
fn undefined(expr: &str, input: Json) {
    assert_eq!(run(expr, input), Ok(None), "{expr}");
}

#[track_caller]
fn err(expr: &str, input: Json, code: &str) {
    assert_eq!(run(expr, input), Err(code.to_owned()), "{expr}");
}

#[test]
fn literals_and_arithmetic() {
    undefined("nothing", json!({"a": 1}));
    ok("1 + 2 * 3", Json::Null, json!(7));
    ok("7 % 3", Json::Null, json!(1));
    ok("\"a\" & 1 & true", Json::Null, json!("a1true"));
    err("1 + \"a\"", Json::Null, "T2002");
    err("\"a\" + 1", Json::Null, "T2001");
    err("-\"a\"", Json::Null, "D1002");
    err("\"a\" < 1", Json::Null, "T2009");
    err("{\"a\":1} < 1", Json::Null, "T2010");
    ok("[1..3]", Json::Null, json!([1, 2, 3]));
    err("[1..10000001]", Json::Null, "D2014");
    err("[1.5..3]", Json::Null, "T2003");
}

/// Same JSON, numbers compared as `f64`.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// (expression, input JSON or "" for none, jsonata-js 2.0.6's outcome: JSON,
/// "undefined", "function" or "!" and the error code).
const CASES: &[(&str, &str, &str)] = &[
    ("a.b.c", "{\"a\":{\"b\":{\"c\":5}}}", "5"),
    (
        "a.b",
        "{\"a\":[{\"b\":1},{\"b\":[2,3]},{\"c\":4}]}",
        "[1,2,3]",
    ),
    ("a.b[0]", "{\"a\":[{\"b\":[1,2]},{\"b\":[3,4]}]}", "[1,3]"),
    ("a.b[-1]", "{\"a\":[{\"b\":[1,2]},{\"b\":[3,4]}]}", "[2,4]"),
    ("(a.b)[0]", "{\"a\":[{\"b\":[1,2]},{\"b\":[3,4]}]}", "1"),
    ("a.b[1.7]", "{\"a\":[{\"b\":[1,2]},{\"b\":[3,4]}]}", "[2,4]"),
    (
        "a[b>1].c",
        "{\"a\":[{\"b\":1,\"c\":\"x\"},{\"b\":2,\"c\":\"y\"},{\"b\":3,\"c\":\"z\"}]}",
        "[\"y\",\"z\"]",
    ),
    (
        "a[[0,2]].c",
        "{\"a\":[{\"b\":1,\"c\":\"x\"},{\"b\":2,\"c\":\"y\"},{\"b\":3,\"c\":\"z\"}]}",
        "[\"x\",\"z\"]",
    ),
    ("a.b[]", "{\"a\":{\"b\":1}}", "[1]"),
    ("a[].b", "{\"a\":{\"b\":1}}", "[1]"),
    ("$[0]", "[1,2,3]", "1"),
    ("$[-1]", "[1,2,3]", "3"),
    ("$", "[1,2]", "[1,2]"),
    ("$$", "[[1]]", "[[1]]"),
    (
        "*",
        "{\"a\":1,\"b\":[2,3],\"c\":{\"d\":4}}",
        "[1,2,3,{\"d\":4}]",
    ),
    ("*.d", "{\"a\":1,\"b\":[2,3],\"c\":{\"d\":4}}", "4"),
    (
        "**.d",
        "{\"a\":{\"d\":1,\"e\":{\"d\":2}},\"d\":[3]}",
        "[3,1,2]",
    ),
    ("$count(**)", "{\"a\":{\"b\":1},\"c\":[2,3]}", "5"),
    ("[1,2,3][$ > 1]", "", "[2,3]"),
    ("[[1,2],[3]].$", "", "[1,2,3]"),
    (
        "a.[b,c]",
        "{\"a\":[{\"b\":1,\"c\":2},{\"b\":3,\"c\":4}]}",
        "[[1,2],[3,4]]",
    ),
    (
        "a.{\"x\": b}",
        "{\"a\":[{\"b\":1},{\"b\":2}]}",
        "[{\"x\":1},{\"x\":2}]",
    ),
    (
        "a{b: c}",
        "{\"a\":[{\"b\":\"p\",\"c\":1},{\"b\":\"q\",\"c\":2},{\"b\":\"p\",\"c\":3}]}",
        "{\"p\":[1,3],\"q\":2}",
    ),
    (
        "a{b: $sum(c)}",
        "{\"a\":[{\"b\":\"p\",\"c\":1},{\"b\":\"q\",\"c\":2},{\"b\":\"p\",\"c\":3}]}",
        "{\"p\":4,\"q\":2}",
    ),
    ("{\"k\": 1, \"k\": 2}", "", "!D1009"),
    (
        "{\"2\": 1, \"1\": 2, \"a\": 3}",
        "",
        "{\"1\":2,\"2\":1,\"a\":3}",
    ),
    ("{1: 2}", "", "!T1003"),
    (
        "a^(b).c",
        "{\"a\":[{\"b\":3,\"c\":\"x\"},{\"b\":1,\"c\":\"y\"},{\"b\":2,\"c\":\"z\"}]}",
        "[\"y\",\"z\",\"x\"]",
    ),
    (
        "a^(>b).c",
        "{\"a\":[{\"b\":3,\"c\":\"x\"},{\"b\":1,\"c\":\"y\"},{\"b\":2,\"c\":\"z\"}]}",
        "[\"x\",\"z\",\"y\"]",
    ),
    (
        "a^(b, >c).c",
        "{\"a\":[{\"b\":1,\"c\":\"x\"},{\"b\":1,\"c\":\"y\"},{\"b\":0,\"c\":\"z\"}]}",
        "[\"z\",\"y\",\"x\"]",
    ),
    ("a^(b)", "{\"a\":[{\"b\":3},{\"b\":\"x\"}]}", "!T2007"),
    ("a^(b)", "{\"a\":[{\"b\":3},{\"b\":{}}]}", "!T2008"),
    (
        "a^(b).b",
        "{\"a\":[{\"b\":3},{\"c\":1},{\"b\":1}]}",
        "[1,3]",
    ),
    (
        "a^(>b).b",
        "{\"a\":[{\"b\":3},{\"c\":1},{\"b\":1}]}",
        "[3,1]",
    ),
    (
        "Account.Order@$o.Product.{\"o\": $o.OrderID, \"p\": ProductID}",
        "{\"Account\":{\"Order\":[{\"OrderID\":\"o1\",\"Product\":[{\"ProductID\":1},{\"ProductID\":2}]},{\"OrderID\":\"o2\",\"Product\":{\"ProductID\":3}}]}}",
        "undefined",
    ),
    (
        "Account.Order#$i.Product.{\"i\": $i, \"p\": ProductID}",
        "{\"Account\":{\"Order\":[{\"OrderID\":\"o1\",\"Product\":[{\"ProductID\":1},{\"ProductID\":2}]},{\"OrderID\":\"o2\",\"Product\":{\"ProductID\":3}}]}}",
        "[{\"i\":0,\"p\":1},{\"i\":0,\"p\":2},{\"i\":1,\"p\":3}]",
    ),
    (
        "Account.Order.Product.{\"o\": %.OrderID, \"p\": ProductID}",
        "{\"Account\":{\"Order\":[{\"OrderID\":\"o1\",\"Product\":[{\"ProductID\":1},{\"ProductID\":2}]},{\"OrderID\":\"o2\",\"Product\":{\"ProductID\":3}}]}}",
        "[{\"o\":\"o1\",\"p\":1},{\"o\":\"o1\",\"p\":2},{\"o\":\"o2\",\"p\":3}]",
    ),
    (
        "Account.Order.Product[%.OrderID=\"o2\"].ProductID",
        "{\"Account\":{\"Order\":[{\"OrderID\":\"o1\",\"Product\":[{\"ProductID\":1},{\"ProductID\":2}]},{\"OrderID\":\"o2\",\"Product\":{\"ProductID\":3}}]}}",
        "3",
    ),
    (
        "a.b#$i[$i>0].c",
        "{\"a\":{\"b\":[{\"c\":1},{\"c\":2},{\"c\":3}]}}",
        "[2,3]",
    ),
    (
        "a.b[c>1]#$i.{\"i\":$i,\"c\":c}",
        "{\"a\":{\"b\":[{\"c\":1},{\"c\":2},{\"c\":3}]}}",
        "[{\"i\":0,\"c\":2},{\"i\":1,\"c\":3}]",
    ),
    (
        "library.loans@$l.books@$b[$l.isbn=$b.isbn].{\"title\": $b.title, \"who\": $l.customer}",
        "{\"library\":{\"books\":[{\"title\":\"A\",\"isbn\":\"1\"},{\"title\":\"B\",\"isbn\":\"2\"}],\"loans\":[{\"customer\":\"x\",\"isbn\":\"2\"},{\"customer\":\"y\",\"isbn\":\"1\"}]}}",
        "[{\"title\":\"B\",\"who\":\"x\"},{\"title\":\"A\",\"who\":\"y\"}]",
    ),
    ("true and false or true", "", "true"),
    ("1 = 1.0", "", "true"),
    ("[1,{\"a\":[2]}] = [1,{\"a\":[2]}]", "", "true"),
    ("\"b\" > \"a\"", "", "true"),
    ("1 in [1,2]", "", "true"),
    ("\"x\" in \"x\"", "", "true"),
    ("$x := 5", "", "5"),
    ("($x := 2; $y := $x * 3; $x + $y)", "", "8"),
    (
        "($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10))",
        "",
        "3628800",
    ),
    (
        "($f := function($n, $acc){ $n <= 0 ? $acc : $f($n - 1, $acc + 1) }; $f(20000, 0))",
        "",
        "20000",
    ),
    (
        "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(60))",
        "",
        "60",
    ),
    (
        "($add := function($a, $b){ $a + $b }; $inc := $add(?, 1); $inc(41))",
        "",
        "42",
    ),
    (
        "($mk := function($k){ function($x){ $x * $k } }; $mk(3)(5))",
        "",
        "15",
    ),
    ("[1,2,3] ~> $sum()", "", "6"),
    ("\"abc\" ~> $uppercase", "", "\"ABC\""),
    (
        "($f := $uppercase ~> $substring(?, 1); $f(\"abc\"))",
        "",
        "\"BC\"",
    ),
    ("(function($x)<n:n>{ $x * 2 })(\"a\")", "", "!T0410"),
    ("(function($x, $y)<nn:n>{ $x + $y })(1)", "", "!T0410"),
    ("(function($x)<n-:n>{ $x * 2 })()", "5", "10"),
    ("$sum([1,2,\"3\"])", "", "!T0412"),
    ("$sum(a)", "{\"a\":[1,2,3]}", "6"),
    ("$sum(5)", "", "5"),
    ("$sum([])", "", "0"),
    ("$count([])", "", "0"),
    ("$count(x)", "", "0"),
    ("$max([1,5,3])", "", "5"),
    ("$min([])", "", "undefined"),
    ("$average([1,2,3,4])", "", "2.5"),
    ("$exists(x)", "", "false"),
    ("$type([])", "", "\"array\""),
    ("$type(null)", "", "\"null\""),
    ("$type(function(){1})", "", "\"function\""),
    ("$keys({\"b\":1,\"a\":2})", "", "[\"b\",\"a\"]"),
    ("$keys([{\"a\":1},{\"b\":2,\"a\":3}])", "", "[\"a\",\"b\"]"),
    ("$keys({\"a\":1})", "", "\"a\""),
    ("$lookup({\"a\":1}, \"a\")", "", "1"),
    ("$spread({\"a\":1,\"b\":2})", "", "[{\"a\":1},{\"b\":2}]"),
    (
        "$merge([{\"a\":1},{\"b\":2,\"a\":3}])",
        "",
        "{\"a\":3,\"b\":2}",
    ),
    (
        "$each({\"a\":1,\"b\":2}, function($v, $k){ $k & $v })",
        "",
        "[\"a1\",\"b2\"]",
    ),
    (
        "$sift({\"a\":1,\"b\":2}, function($v){ $v > 1 })",
        "",
        "{\"b\":2}",
    ),
    ("$error(\"boom\")", "", "!D3137"),
    ("$assert(false, \"no\")", "", "!D3141"),
    ("$assert(1=1, \"no\")", "", "undefined"),
    ("$append([1,2], 3)", "", "[1,2,3]"),
    ("$append(1, [2])", "", "[1,2]"),
    ("$append(1, x)", "", "1"),
    ("$reverse([1,2,3])", "", "[3,2,1]"),
    ("$count($shuffle([1,2,3]))", "", "3"),
    (
        "$distinct([1,2,1,\"a\",\"a\",[1],[1]])",
        "",
        "[1,2,\"a\",[1]]",
    ),
    ("$zip([1,2,3],[4,5])", "", "[[1,4],[2,5]]"),
    ("$sort([3,1,2])", "", "[1,2,3]"),
    ("$sort([\"b\",\"a\"])", "", "[\"a\",\"b\"]"),
    ("$sort([1,\"a\"])", "", "!D3070"),
    (
        "$sort([{\"v\":2},{\"v\":1}], function($a,$b){ $a.v > $b.v }).v",
        "",
        "[1,2]",
    ),
    ("$map([1,2,3], function($v, $i){ $v * $i })", "", "[0,2,6]"),
    ("$map([1,2], $string)", "", "[\"1\",\"2\"]"),
    (
        "$filter([1,2,3,4], function($v){ $v % 2 = 0 })",
        "",
        "[2,4]",
    ),
    ("$single([1,2,3], function($v){ $v = 2 })", "", "2"),
    ("$single([1,2,3], function($v){ $v > 1 })", "", "!D3138"),
    ("$single([1,2,3], function($v){ $v > 5 })", "", "!D3139"),
    ("$reduce([1,2,3,4], function($a, $b){ $a + $b })", "", "10"),
    (
        "$reduce([1,2,3], function($a, $b){ $a + $b }, 10)",
        "",
        "16",
    ),
    ("$reduce([1,2], function($a){ $a })", "", "!D3050"),
    ("$eval(\"1 + 2\")", "", "3"),
    ("$eval(\"a\", {\"a\": 5})", "", "5"),
    ("$eval(\"$x\", 1)", "", "undefined"),
    ("$eval(\"1 +\")", "", "!D3120"),
    ("$clone({\"a\":[1]})", "", "{\"a\":[1]}"),
    (
        "$ ~> |a|{\"c\": 3}|",
        "{\"a\":{\"b\":1}}",
        "{\"a\":{\"b\":1,\"c\":3}}",
    ),
    (
        "$ ~> |a|{\"c\": 3}, \"b\"|",
        "{\"a\":{\"b\":1}}",
        "{\"a\":{\"c\":3}}",
    ),
    (
        "$ ~> |**[b]|{\"b\": b + 1}|",
        "{\"a\":{\"b\":1,\"x\":{\"b\":5}}}",
        "{\"a\":{\"b\":2,\"x\":{\"b\":5}}}",
    ),
    ("$ ~> |a|5|", "{\"a\":{\"b\":1}}", "!T2011"),
    ("$ ~> |a|{}, 5|", "{\"a\":{\"b\":1}}", "!T2012"),
    ("$boolean(\"\")", "", "false"),
    ("$not(0)", "", "true"),
    ("$x()", "", "!T1006"),
    ("foo()", "{\"foo\":1}", "!T1006"),
    ("uppercase(\"a\")", "", "!T1005"),
    ("5 ~> 6", "", "!T2006"),
    ("{\"a\": [1,2]}.a[]", "", "[1,2]"),
    ("[1][]", "", "[1]"),
    ("$string(1/3)", "", "\"0.333333333333333\""),
    ("\"x\" & null", "", "\"xnull\""),
    ("$ = $", "{\"a\":1}", "true"),
    ("a = a", "{}", "false"),
    ("(1; 2; 3)", "", "3"),
    ("()", "", "undefined"),
    ("true ? 1", "", "1"),
    ("false ? 1", "", "undefined"),
    ("false ? 1 : 2", "", "2"),
    ("[1,2,3].($ * 2)", "", "[2,4,6]"),
    ("[1, [2, 3], [[4]]]", "", "[1,[2,3],[[4]]]"),
    ("[1, 2][$ = 5]", "", "undefined"),
    (
        "a.b.c",
        "{\"a\":[{\"b\":[{\"c\":1},{\"c\":[2,3]}]},{\"b\":{\"c\":4}}]}",
        "[1,2,3,4]",
    ),
    ("$.a", "{\"a\":[1,2]}", "[1,2]"),
    ("a[0]", "{\"a\":[[1,2],[3]]}", "[1,2]"),
    ("a.*", "{\"a\":[{\"x\":1},{\"y\":[2,3]}]}", "[1,2,3]"),
    ("$x.y", "", "undefined"),
    ("$$.a", "{\"a\":3}", "3"),
];

#[test]
fn recorded_cases() {
    let mut failures = Vec::new();
    for &(expr, input, expected) in CASES {
        let input: Json = if input.is_empty() {
            Json::Null
        } else {
            serde_json::from_str(input).expect("case input")
        };
        let got = run(expr, input);
        let pass = match (expected, &got) {
            ("undefined", Ok(None)) => true,
            ("function", Err(e)) => e == "unsupported",
            (e, Err(code)) if e.starts_with('!') => &e[1..] == code,
            (e, Ok(Some(v))) => serde_json::from_str::<Json>(e).is_ok_and(|e| same(&e, v)),
            _ => false,
        };
        if !pass {
            failures.push(format!("{expr}  expected {expected}  got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs `expr` on a thread with a 2 MiB stack (the size of tokio's worker
/// threads).
fn run_small_stack(expr: &'static str) -> Result<Option<Json>, String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || run(expr, Json::Null))
        .expect("thread")
        .join()
        .expect("no stack overflow")
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    // jsonata-js reports U1001 for runaway recursion.
    for expr in [
        "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))",
        "($f := function($n){ [$f($n + 1)] }; $f(0))",
        "($f := function($n){ $sum($map([1], function($x){ $f($n) })) }; $f(0))",
        "($f := function($n){ {'a': $f($n)}.a }; $f(0))",
        "($f := function($n){ $n.$f($n) }; $f(1))",
        "($f := function($n){ ($n ~> $f) + 1 }; $f(1))",
        "($f := function(){ $f()[0] }; $f())",
        "($f := function($n){ $eval('$f($n)') }; $f(1))",
    ] {
        assert_eq!(run_small_stack(expr), Err("U1001".to_owned()), "{expr}");
    }
    // Tail calls do not nest: jsonata-js evaluates this without error.
    assert_eq!(
        run_small_stack(
            "($f := function($n, $acc){ $n <= 0 ? $acc : $f($n - 1, $acc + 1) }; $f(100000, 0))"
        ),
        Ok(Some(json!(100000)))
    );
    // Moderate non-tail recursion works (jsonata-js: 3628800).
    assert_eq!(
        run_small_stack("($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10))"),
        Ok(Some(json!(3628800)))
    );
}
