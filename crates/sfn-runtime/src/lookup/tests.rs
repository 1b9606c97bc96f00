//! The lookups against the evaluator: every expected value and error comes
//! from `jsonpath`, `dataflow` and `template` run on the same path (parsed
//! from its text) and document.

use super::*;
use crate::dataflow::PathSpec;
use crate::intrinsics::SystemEntropy;
use crate::template::{self, Template};
use proptest::prelude::*;
use serde_json::json;
use sfn_lang::path::parse_path;

/// The names the tests use: plain, with a space, a quote, non-ASCII, empty.
const NAMES: &[&str] = &["a", "b", "b c", "x'y", "ü", ""];

/// The text of `$` (or `$$`) followed by `keys`, as a user writes it.
fn text(root: &str, keys: &[Step]) -> String {
    let mut out = root.to_owned();
    for key in keys {
        match key {
            Step::Name(name) if !name.is_empty() && name.chars().all(char::is_alphanumeric) => {
                out.push('.');
                out.push_str(name);
            }
            Step::Name(name) => {
                out.push_str("['");
                out.push_str(&name.replace('\\', "\\\\").replace('\'', "\\'"));
                out.push_str("']");
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn parsed(root: &str, keys: &[Step]) -> Path {
    let text = text(root, keys);
    parse_path(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Checks every lookup of `keys` against the evaluator on `doc` (as the
/// input) and `context`.
fn check(doc: &Value, context: &Value, keys: &[Step]) {
    let path = parsed("$", keys);
    let label = text("$", keys);
    let roots = Roots::new(doc, context, &NoVariables);
    // Selection.
    let expected = jsonpath::select(&path, &roots).unwrap();
    assert_eq!(get(doc, keys), expected.as_deref(), "{label} on {doc}");
    // InputPath: value or error.
    let spec = PathSpec::Path(path.clone());
    let expected = dataflow::input_path(&spec, doc, context, &NoVariables);
    assert_eq!(
        select(doc, keys).cloned(),
        expected,
        "InputPath {label} on {doc}"
    );
    // OutputPath (moving out).
    let expected = dataflow::output_path(&spec, doc.clone(), context, &NoVariables);
    assert_eq!(
        take(doc.clone(), keys),
        expected,
        "OutputPath {label} on {doc}"
    );
    // A template member.
    let t = Template::Object(vec![("f".into(), Template::Path(path.clone()))]);
    let expected = template::evaluate(&t, &roots, &SystemEntropy);
    let got = field(doc, keys, Some("f.$")).map(|v| json!({"f": v}));
    assert_eq!(got, expected, "template {label} on {doc}");
    // ResultPath (the result is a marker value).
    let result = json!({"result": true});
    let expected = dataflow::result_path(&spec, doc.clone(), result.clone());
    let mut written = doc.clone();
    let got = write(&mut written, keys, result).map(|()| written.clone());
    assert_eq!(got, expected, "ResultPath {label} on {doc}");
    if got.is_err() {
        assert_eq!(&written, doc, "a failed write leaves the document");
    }
    // The same keys on the context object.
    if !matches!(keys.first(), Some(Step::Name(_))) {
        return;
    }
    let path = parsed("$$", keys);
    let label = text("$$", keys);
    let expected = jsonpath::select(&path, &roots).unwrap();
    let got = get_context(context as &dyn ContextObject, keys);
    assert_eq!(got, expected.as_deref(), "{label} on {context}");
    let spec = PathSpec::Path(path.clone());
    let expected = dataflow::input_path(&spec, doc, context, &NoVariables);
    let got = select_context(context as &dyn ContextObject, keys).cloned();
    assert_eq!(got, expected, "InputPath {label} on {context}");
    let t = Template::Object(vec![("f".into(), Template::Path(path))]);
    let expected = template::evaluate(&t, &roots, &SystemEntropy);
    let got = field_context(context as &dyn ContextObject, keys, Some("f.$"), doc)
        .map(|v| json!({"f": v}));
    assert_eq!(got, expected, "template {label} on {context}");
}

fn names(keys: &[&'static str]) -> Vec<Step> {
    keys.iter().map(|&k| Step::Name(k)).collect()
}

#[test]
fn edge_cases_match_the_evaluator() {
    let doc = json!({
        "a": {"b": [10, {"c": null}, "s"], "b c": 1, "x'y": {"ü": 2}, "": 3},
        "n": null,
        "s": "foo",
        "arr": [[1, 2], {"a": 1}],
    });
    let context = json!({
        "Execution": {"Id": "arn:x", "Input": {"a": [1]}},
        "State": {"Name": "S", "RetryCount": 0},
        "Map": {"Item": {"Index": 2, "Value": {"k": "v"}}},
    });
    let cases: Vec<Vec<Step>> = vec![
        // `$` itself.
        vec![],
        // Present, nested, null member.
        names(&["a"]),
        names(&["a", "b"]),
        vec![
            Step::Name("a"),
            Step::Name("b"),
            Step::Index(1),
            Step::Name("c"),
        ],
        names(&["n"]),
        // Missing last member, missing member before the last.
        names(&["zz"]),
        names(&["zz", "a", "b"]),
        names(&["a", "zz"]),
        // Index out of range, negative, negative out of range, `i64::MIN`.
        vec![Step::Name("a"), Step::Name("b"), Step::Index(3)],
        vec![Step::Name("a"), Step::Name("b"), Step::Index(-1)],
        vec![Step::Name("a"), Step::Name("b"), Step::Index(-4)],
        vec![Step::Name("a"), Step::Name("b"), Step::Index(i64::MIN)],
        // A name on an array, on a string, on null; an index on an object,
        // on a string, on null; at the end and in the middle.
        names(&["arr", "a"]),
        names(&["s", "a"]),
        names(&["n", "a"]),
        names(&["n", "a", "b"]),
        vec![Step::Name("a"), Step::Index(0)],
        vec![Step::Name("s"), Step::Index(0)],
        vec![Step::Name("n"), Step::Index(0)],
        vec![Step::Name("n"), Step::Index(0), Step::Name("a")],
        vec![Step::Name("a"), Step::Index(0), Step::Name("b")],
        vec![Step::Index(0)],
        // Names with special characters.
        names(&["a", "b c"]),
        names(&["a", "x'y", "ü"]),
        names(&["a", ""]),
        // Context members.
        names(&["Execution", "Id"]),
        names(&["Execution", "Input", "a"]),
        vec![
            Step::Name("Execution"),
            Step::Name("Input"),
            Step::Name("a"),
            Step::Index(5),
        ],
        names(&["State", "Name"]),
        names(&["Map", "Item", "Value", "k"]),
        names(&["Task", "Token"]),
        names(&["Nope"]),
    ];
    for keys in &cases {
        check(&doc, &context, keys);
    }
    // ResultPath into a non-object input, and into a scalar member.
    for input in [
        json!("foo"),
        json!(1),
        json!(null),
        json!([1, 2]),
        json!({"a": 1}),
    ] {
        for keys in &cases {
            check(&input, &context, keys);
        }
    }
}

#[test]
fn write_creates_members_in_place() {
    let mut doc = json!({"a": {"k": 1}, "z": 0});
    write(&mut doc, &["a", "b", "c"], json!(5)).unwrap();
    assert_eq!(doc, json!({"a": {"k": 1, "b": {"c": 5}}, "z": 0}));
    write(&mut doc, &["a"], json!(0)).unwrap();
    assert_eq!(doc.as_object().unwrap().keys().next().unwrap(), "a");
    let e = write(&mut json!("foo"), &["x"], json!(1)).unwrap_err();
    assert_eq!(e.error, REFERENCE_PATH_CONFLICT);
    assert_eq!(
        e.cause.as_deref(),
        Some("Unable to apply ReferencePath $.x to input \"foo\"")
    );
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..3).prop_map(Value::from),
        "[ab]{0,2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(NAMES), inner), 0..4).prop_map(
                |members| Value::Object(
                    members
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect()
                )
            ),
        ]
    })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        proptest::sample::select(NAMES).prop_map(Step::Name),
        (-4i64..4).prop_map(Step::Index),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn lookups_agree_with_the_evaluator(
        doc in json_value(),
        context in json_value(),
        keys in proptest::collection::vec(step(), 0..5),
    ) {
        check(&doc, &context, &keys);
    }
}
