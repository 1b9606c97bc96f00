//! No input makes the front end panic: arbitrary text, arbitrary JSON, and
//! definitions that are almost right (the kind a person writes).

use proptest::prelude::*;
use serde_json::{Value, json};
use sfn_codegen::{Options, check};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        prop_oneof![
            "[a-zA-Z$.@*\\[\\]()'{}%, 0-9:_-]{0,24}",
            Just("$".to_string()),
            Just("$$.Execution.Id".to_string()),
            Just("States.Format('{}', $.a)".to_string()),
            Just("{% $states.input %}".to_string()),
            Just("2016-03-14T01:59:00Z".to_string()),
        ]
        .prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("StartAt".to_string()),
        Just("States".to_string()),
        Just("Type".to_string()),
        Just("Next".to_string()),
        Just("End".to_string()),
        Just("Choices".to_string()),
        Just("Variable".to_string()),
        Just("Branches".to_string()),
        Just("ItemProcessor".to_string()),
        Just("Parameters".to_string()),
        Just("Retry".to_string()),
        Just("Catch".to_string()),
        Just("ErrorEquals".to_string()),
        Just("QueryLanguage".to_string()),
        Just("Seconds".to_string()),
        Just("x.$".to_string()),
        "[A-Za-z]{1,8}",
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A small valid machine whose pieces the mutations below replace.
fn base() -> Value {
    json!({
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "B",
                  "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
            "B": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "C"}], "Default": "M"},
            "C": {"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "Next": "M"},
            "M": {"Type": "Map", "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}, "Next": "S"},
            "S": {"Type": "Succeed"},
            "F": {"Type": "Fail", "Error": "E"}
        }
    })
}

/// Every value position in `v`, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            pointers(
                x,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = check(&text, &Options::default());
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = check(&v.to_string(), &Options::default());
    }

    #[test]
    fn mutated_machines_never_panic(pick in any::<prop::sample::Index>(), replacement in arb_json()) {
        let mut machine = base();
        let mut all = Vec::new();
        pointers(&machine, String::new(), &mut all);
        let target = pick.get(&all).clone();
        if let Some(slot) = machine.pointer_mut(&target) {
            *slot = replacement;
        }
        let _ = check(&serde_json::to_string_pretty(&machine).unwrap(), &Options::default());
    }
}

#[test]
fn the_base_machine_is_valid() {
    // Guards the mutation test: it must start from a definition that passes.
    let r = check(&base().to_string(), &Options::default());
    assert!(r.is_ok(), "{r:?}");
}
