//! The JSONata evaluator against the recorded behaviour of JSONata 2.0.6.
//!
//! Every `*.json` file of `tests/jsonata/` holds cases (an expression, its
//! input and bindings) together with the outcome jsonata-js 2.0.6, the
//! reference implementation AWS Step Functions runs, gave for them. The
//! outcomes were recorded by `tools/jsonata-oracle/record.js`, never by this
//! crate; see that tool's README to add cases or re-record.
//!
//! A case file is `{"datasets": {name: json}, "cases": [...]}` (`datasets`
//! optional). A case has `expr`, its input as `data` (absent: undefined) or
//! as `dataset` (a name in `datasets`), optional `bindings` (variable name
//! without `$` → JSON) and an optional `note`, and one recorded outcome:
//! `result` (the JSON of the result), `undefined: true`, `function: true`
//! (the result is or holds a function), `error` (the jsonata error code, with
//! its `message` for information) or `nonfinite: true` (a number JSON cannot
//! carry; skipped).
//!
//! A case passes when ours agrees: same JSON (numbers compared as `f64`,
//! objects regardless of key order), undefined for undefined, a value that
//! [`Value::to_json`] reports as unsupported for a function, the same error
//! code for an error. A parse error from [`sfn_lang::jsonata::parse`] passes
//! only where jsonata-js reported a syntax error (a code starting `S0`); the
//! parser reports those when the workflow is compiled.
//!
//! The test prints every failure (`FAIL file #i`, `i` counting the file's
//! cases from 0) and a `N/M passed` line per file, and asserts that the
//! number of passing cases is at least the floor written in
//! `tests/jsonata/floor.txt` (raise it as the evaluator improves). A panic in
//! the evaluator is caught and counted as a failure. The cases run on a
//! thread with a large stack, so that an evaluator recursing too deeply on
//! one case does not abort the whole run.
//!
//! Environment variables, to work on a part of the suite:
//! * `JSONATA_REFERENCE_FILTER=text`: run only the cases whose file name or
//!   expression contains `text` (the floor is not checked then);
//! * `JSONATA_REFERENCE_TRACE=1`: print each expression before evaluating it
//!   (to find the case that aborts the process, should one ever do so).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use sfn_runtime::jsonata::{Program, Value};

/// Longest rendering of a value in a failure report.
const SHOW_MAX: usize = 400;

/// Stack of the thread that runs the cases.
const RUNNER_STACK: usize = 256 * 1024 * 1024;

/// What jsonata-js 2.0.6 did with a case.
#[derive(Debug)]
enum Expected {
    Result(Json),
    Undefined,
    Function,
    Error(String),
    NonFinite,
}

/// What our implementation did with a case.
#[derive(Debug)]
enum Got {
    ParseError(String),
    Json(Json),
    Undefined,
    Unsupported,
    Error { code: String, message: String },
    Panic(String),
}

/// One case, ready to run.
#[derive(Debug)]
struct Case {
    file: String,
    index: usize,
    expr: String,
    data: Option<Json>,
    bindings: Vec<(String, Json)>,
    expected: Expected,
}

/// One file's tally.
#[derive(Debug, Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("jsonata")
}

/// Reads every case file, sorted by name. A malformed file is a test failure
/// (a panic here is the test's own assertion, not the evaluator's).
fn load_cases() -> Vec<Case> {
    let dir = cases_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", dir.display());

    let mut cases = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let doc: Json =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not valid JSON: {e}"));
        let datasets = doc.get("datasets").and_then(Json::as_object);
        let list = doc
            .get("cases")
            .and_then(Json::as_array)
            .unwrap_or_else(|| panic!("{name}: no \"cases\" array"));
        for (index, c) in list.iter().enumerate() {
            let expr = c
                .get("expr")
                .and_then(Json::as_str)
                .unwrap_or_else(|| panic!("{name} case {index}: no \"expr\" string"))
                .to_owned();
            let data = match (c.get("data"), c.get("dataset")) {
                (Some(d), None) => Some(d.clone()),
                (None, Some(ds)) => {
                    let ds = ds
                        .as_str()
                        .unwrap_or_else(|| panic!("{name} case {index}: \"dataset\" not a string"));
                    let value = datasets
                        .and_then(|m| m.get(ds))
                        .unwrap_or_else(|| panic!("{name} case {index}: no dataset {ds}"));
                    Some(value.clone())
                }
                (None, None) => None,
                (Some(_), Some(_)) => panic!("{name} case {index}: both data and dataset"),
            };
            let bindings = match c.get("bindings") {
                None => Vec::new(),
                Some(Json::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Some(_) => panic!("{name} case {index}: \"bindings\" must be an object"),
            };
            let expected = if let Some(r) = c.get("result") {
                Expected::Result(r.clone())
            } else if c.get("undefined") == Some(&Json::Bool(true)) {
                Expected::Undefined
            } else if c.get("function") == Some(&Json::Bool(true)) {
                Expected::Function
            } else if let Some(code) = c.get("error").and_then(Json::as_str) {
                Expected::Error(code.to_owned())
            } else if c.get("nonfinite") == Some(&Json::Bool(true)) {
                Expected::NonFinite
            } else {
                panic!("{name} case {index} ({expr}): no recorded outcome; run record.js")
            };
            cases.push(Case {
                file: name.clone(),
                index,
                expr,
                data,
                bindings,
                expected,
            });
        }
    }
    cases
}

/// Parses and evaluates one case, catching a panic in either.
fn run(case: &Case) -> Got {
    let input = case
        .data
        .as_ref()
        .map_or(Value::Undefined, Value::from_json);
    let bindings: HashMap<String, Value> = case
        .bindings
        .iter()
        .map(|(k, v)| (k.clone(), Value::from_json(v)))
        .collect();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let expr = match sfn_lang::jsonata::parse(&case.expr) {
            Ok(expr) => expr,
            Err(e) => return Got::ParseError(e.to_string()),
        };
        let program = Program::new(expr);
        match program.evaluate(&input, &bindings) {
            Ok(v) => match v.to_json() {
                Ok(Some(j)) => Got::Json(j),
                Ok(None) => Got::Undefined,
                Err(_) => Got::Unsupported,
            },
            Err(e) => Got::Error {
                code: e.code.to_owned(),
                message: e.message,
            },
        }
    }));
    outcome.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string panic payload)".to_owned());
        Got::Panic(message)
    })
}

/// JSON equality with numbers compared as `f64` and objects regardless of
/// key order.
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Does our outcome agree with the recorded one?
fn agrees(expected: &Expected, got: &Got) -> bool {
    match (expected, got) {
        (Expected::Result(want), Got::Json(have)) => json_eq(want, have),
        (Expected::Undefined, Got::Undefined) => true,
        (Expected::Function, Got::Unsupported) => true,
        (Expected::Error(want), Got::Error { code, .. }) => want == code,
        (Expected::Error(want), Got::ParseError(_)) => want.starts_with("S0"),
        _ => false,
    }
}

fn clip(s: String) -> String {
    if s.chars().count() <= SHOW_MAX {
        return s;
    }
    let mut out: String = s.chars().take(SHOW_MAX).collect();
    out.push_str(" …");
    out
}

fn show_expected(e: &Expected) -> String {
    clip(match e {
        Expected::Result(j) => j.to_string(),
        Expected::Undefined => "undefined".to_owned(),
        Expected::Function => "a function".to_owned(),
        Expected::Error(code) => format!("error {code}"),
        Expected::NonFinite => "a non-finite number".to_owned(),
    })
}

fn show_got(g: &Got) -> String {
    clip(match g {
        Got::ParseError(m) => format!("parse error: {m}"),
        Got::Json(j) => j.to_string(),
        Got::Undefined => "undefined".to_owned(),
        Got::Unsupported => "a value with no JSON form (function or non-finite)".to_owned(),
        Got::Error { code, message } => format!("error {code}: {message}"),
        Got::Panic(m) => format!("PANIC: {m}"),
    })
}

fn read_floor() -> usize {
    let path = cases_dir().join("floor.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{}: not a count: {e}", path.display()))
}

/// Runs every case and returns the report and the number of passing cases.
fn run_all(cases: &[Case], filter: Option<&str>, trace: bool) -> (String, usize, usize) {
    let mut tallies: Vec<(String, Tally)> = Vec::new();
    let mut failures = String::new();
    let (mut passed, mut total) = (0, 0);
    for case in cases {
        if let Some(f) = filter
            && !case.file.contains(f)
            && !case.expr.contains(f)
        {
            continue;
        }
        if tallies.last().is_none_or(|(name, _)| *name != case.file) {
            tallies.push((case.file.clone(), Tally::default()));
        }
        let Some((_, tally)) = tallies.last_mut() else {
            continue;
        };
        if matches!(case.expected, Expected::NonFinite) {
            tally.skipped += 1;
            continue;
        }
        if trace {
            eprintln!("{} #{}: {}", case.file, case.index, case.expr);
        }
        total += 1;
        let got = run(case);
        if agrees(&case.expected, &got) {
            tally.passed += 1;
            passed += 1;
        } else {
            tally.failed += 1;
            let data = case
                .data
                .as_ref()
                .map_or_else(|| "undefined".to_owned(), |d| clip(d.to_string()));
            let _ = writeln!(
                failures,
                "FAIL {} #{}: {}\n     input:    {}{}\n     expected: {}\n     got:      {}",
                case.file,
                case.index,
                case.expr,
                data,
                if case.bindings.is_empty() {
                    String::new()
                } else {
                    let b: serde_json::Map<String, Json> = case.bindings.iter().cloned().collect();
                    format!("\n     bindings: {}", clip(Json::Object(b).to_string()))
                },
                show_expected(&case.expected),
                show_got(&got),
            );
        }
    }

    let mut report = String::new();
    if !failures.is_empty() {
        report.push_str(&failures);
        report.push('\n');
    }
    let _ = writeln!(report, "JSONata 2.0.6 reference cases");
    for (name, t) in &tallies {
        let ran = t.passed + t.failed;
        let skipped = if t.skipped > 0 {
            format!(" ({} skipped)", t.skipped)
        } else {
            String::new()
        };
        let _ = writeln!(
            report,
            "  {name:<28} {:>5}/{ran:<5} passed{skipped}",
            t.passed
        );
    }
    let _ = writeln!(report, "  {:<28} {passed:>5}/{total:<5} passed", "total");
    (report, passed, total)
}

#[test]
fn jsonata_reference_cases() {
    let filter = std::env::var("JSONATA_REFERENCE_FILTER")
        .ok()
        .filter(|f| !f.is_empty());
    let trace = std::env::var_os("JSONATA_REFERENCE_TRACE").is_some();
    let cases = load_cases();
    let floor = read_floor();

    // Silence the default panic message while the cases run: a panic is
    // reported as the case's failure instead.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let filter_for_runner = filter.clone();
    let runner = std::thread::Builder::new()
        .name("jsonata-reference".to_owned())
        .stack_size(RUNNER_STACK)
        .spawn(move || run_all(&cases, filter_for_runner.as_deref(), trace));
    let joined = runner.map(std::thread::JoinHandle::join);
    std::panic::set_hook(previous_hook);
    let (report, passed, total) = match joined {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => panic!("the case runner panicked outside a case"),
        Err(e) => panic!("cannot start the case runner: {e}"),
    };

    println!("{report}");
    if filter.is_none() {
        assert!(
            passed >= floor,
            "{passed}/{total} reference cases passed, fewer than the floor {floor} \
             (tests/jsonata/floor.txt)"
        );
    }
}

/// Inputs unlike the ones the cases were written for.
fn odd_inputs() -> Vec<Value> {
    [
        serde_json::json!(null),
        serde_json::json!(0),
        serde_json::json!(""),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!([[1, [2, [3]]], {"a": {"b": [null, true]}}, "x", -0.5]),
        serde_json::json!({"Account": "x", "items": {"price": "1"}, "a": [{"b": []}]}),
    ]
    .iter()
    .map(Value::from_json)
    .chain([Value::Undefined])
    .collect()
}

#[test]
fn no_expression_panics_on_other_inputs() {
    let cases = load_cases();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let runner = std::thread::Builder::new()
        .name("jsonata-odd-inputs".to_owned())
        .stack_size(8 << 20)
        .spawn(move || {
            let inputs = odd_inputs();
            let mut panics = Vec::new();
            let mut runs = 0;
            for case in &cases {
                let Ok(expr) = sfn_lang::jsonata::parse(&case.expr) else {
                    continue;
                };
                let program = Program::new(expr);
                let bindings: HashMap<String, Value> = case
                    .bindings
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect();
                for input in &inputs {
                    runs += 1;
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        let _ = program.evaluate(input, &bindings).map(|v| v.to_json());
                    }));
                    if outcome.is_err() {
                        panics.push(format!("{} #{}: {}", case.file, case.index, case.expr));
                    }
                }
            }
            (runs, panics)
        });
    let joined = runner.map(std::thread::JoinHandle::join);
    std::panic::set_hook(previous_hook);
    let (runs, panics) = match joined {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => panic!("the runner panicked outside an evaluation"),
        Err(e) => panic!("cannot start the runner: {e}"),
    };
    println!("{runs} evaluations on odd inputs, {} panics", panics.len());
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
}
