//! Lowering: the IR holds the state graph with resolved targets, nested
//! scopes, and every expression parsed.

use sfn_codegen::ir::{
    Comparison, Condition, Dynamic, IntegrationPattern, MapMode, PathField, QueryLanguage,
    StateKind, Template, Test, Transition, Wait,
};
use sfn_codegen::{Options, check};
use sfn_lang::intrinsic::{Arg, FormatPiece, Function};
use sfn_lang::path::{Root, Segment, Selector};

const ORDER: &str = r#"{
  "Comment": "orders",
  "StartAt": "Validate",
  "States": {
    "Validate": {
      "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Validate",
      "Retry": [{"ErrorEquals": ["ServiceException", "States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 1.5, "JitterStrategy": "FULL"}],
      "Catch": [{"ErrorEquals": ["ValidationError"], "ResultPath": "$.error", "Next": "Failed"}],
      "Next": "Stock"
    },
    "Stock": {
      "Type": "Choice",
      "Choices": [{"And": [{"Variable": "$.qty", "NumericGreaterThan": 0}, {"Variable": "$.sku", "StringMatches": "SKU-*"}], "Next": "Wait"}],
      "Default": "Failed"
    },
    "Wait": {"Type": "Wait", "Seconds": 172800, "Next": "Ship"},
    "Ship": {
      "Type": "Parallel",
      "Branches": [{"StartAt": "Invoice", "States": {"Invoice": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"MessageBody.$": "States.Format('order {}', $.id)", "TaskToken.$": "$$.Task.Token", "fixed": {"a": 1}}, "End": true}}}],
      "Next": "Items"
    },
    "Items": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 10,
      "ItemProcessor": {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": true}}}, "End": true},
    "Failed": {"Type": "Fail", "Error": "OrderFailed", "CausePath": "$.error.Cause"}
  }
}"#;

#[test]
fn order_workflow_lowers_to_a_resolved_graph() {
    let m = check(ORDER, &Options::default()).expect("valid").machine;
    assert_eq!(m.comment.as_deref(), Some("orders"));
    assert_eq!(m.query_language, QueryLanguage::JsonPath);
    let names: Vec<&str> = m.scope.states.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["Validate", "Stock", "Wait", "Ship", "Items", "Failed"]
    );
    assert_eq!(m.scope.start_at, 0);
    let s = &m.scope.states;

    // Task with Retry and Catch.
    assert_eq!(s[0].transition, Transition::Next(1));
    let StateKind::Task(task) = &s[0].kind else {
        panic!("task")
    };
    assert_eq!(task.pattern, IntegrationPattern::RequestResponse);
    let r = &task.errors.retry[0];
    assert_eq!(r.error_equals, ["ServiceException", "States.Timeout"]);
    assert_eq!(
        (
            r.interval_seconds,
            r.max_attempts,
            r.backoff_rate,
            r.jitter_full
        ),
        (2, 3, 1.5, true)
    );
    let c = &task.errors.catch[0];
    assert_eq!(c.next, 5);
    let PathField::Path(rp) = &c.result_path else {
        panic!("result path")
    };
    assert_eq!(rp.to_string(), "$.error");

    // Choice with And, a numeric test and a pattern.
    assert_eq!(s[1].transition, Transition::Choice);
    let StateKind::Choice { choices, default } = &s[1].kind else {
        panic!("choice")
    };
    assert_eq!(*default, Some(5));
    assert_eq!(choices[0].next, 2);
    let Condition::And(parts) = &choices[0].condition else {
        panic!("and")
    };
    let Condition::Test {
        variable,
        test: Test::Numeric(Comparison::GreaterThan, n),
    } = &parts[0]
    else {
        panic!("numeric")
    };
    assert_eq!(variable.to_string(), "$.qty");
    assert_eq!(n.as_i64(), Some(0));
    let Condition::Test {
        test: Test::Matches(p),
        ..
    } = &parts[1]
    else {
        panic!("matches")
    };
    assert!(p.matches("SKU-42") && !p.matches("sku-42"));

    // Wait.
    let StateKind::Wait(Wait::Seconds(Dynamic::Static(secs))) = &s[2].kind else {
        panic!("wait")
    };
    assert_eq!(*secs, 172_800);

    // Parallel: a nested scope, its Task template parsed.
    let StateKind::Parallel { branches, .. } = &s[3].kind else {
        panic!("parallel")
    };
    let inner = &branches[0].states[0];
    assert_eq!(inner.transition, Transition::End);
    let StateKind::Task(t) = &inner.kind else {
        panic!("inner task")
    };
    assert_eq!(t.pattern, IntegrationPattern::WaitForTaskToken);
    let Some(Template::Object(members)) = &inner.io.parameters else {
        panic!("template")
    };
    assert_eq!(members[0].0, "MessageBody");
    let Template::Intrinsic(call) = &members[0].1 else {
        panic!("intrinsic")
    };
    assert_eq!(call.function, Function::Format);
    let Arg::Format(pieces) = &call.args[0] else {
        panic!("format")
    };
    assert_eq!(
        pieces.as_ref(),
        [FormatPiece::Text("order ".into()), FormatPiece::Hole]
    );
    assert_eq!(members[1].0, "TaskToken");
    let Template::Path(token) = &members[1].1 else {
        panic!("context path")
    };
    assert_eq!(token.root, Root::Context);
    assert_eq!(
        token.segments.as_ref(),
        [
            Segment::Child(Selector::Name("Task".into())),
            Segment::Child(Selector::Name("Token".into()))
        ]
    );
    assert_eq!(
        members[2],
        (
            "fixed".to_string(),
            Template::Literal(serde_json::json!({"a": 1}))
        )
    );

    // Map.
    let StateKind::Map(map) = &s[4].kind else {
        panic!("map")
    };
    assert_eq!(map.mode, MapMode::Inline);
    assert_eq!(map.max_concurrency, Some(Dynamic::Static(10)));
    assert_eq!(map.processor.states[0].name, "One");

    // Fail with a CausePath.
    let StateKind::Fail { error, cause } = &s[5].kind else {
        panic!("fail")
    };
    assert!(matches!(error, Some(sfn_codegen::ir::DynamicString::Static(e)) if e == "OrderFailed"));
    assert!(
        matches!(cause, Some(sfn_codegen::ir::DynamicString::Path(p)) if p.to_string() == "$.error.Cause")
    );
}

#[test]
fn jsonata_fields_are_parsed_expressions() {
    let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"x": "{% $states.input.x + 1 %}", "y": 2},
              "TimeoutSeconds": "{% $t %}", "Output": "{% $states.result %}", "End": true}}}"#;
    let m = check(text, &Options::default()).expect("valid").machine;
    let a = &m.scope.states[0];
    assert_eq!(a.query_language, QueryLanguage::Jsonata);
    let Some(Template::Object(members)) = &a.io.parameters else {
        panic!("arguments")
    };
    let Template::Jsonata(j) = &members[0].1 else {
        panic!("expression")
    };
    assert_eq!(j.text, "$states.input.x + 1");
    assert_eq!(members[1].1, Template::Literal(serde_json::json!(2)));
    let StateKind::Task(t) = &a.kind else {
        panic!("task")
    };
    assert!(matches!(&t.timeout, Some(Dynamic::Jsonata(j)) if j.text == "$t"));
    assert!(matches!(&a.io.output, Some(Template::Jsonata(j)) if j.text == "$states.result"));
}
