//! One test per validation rule: the definition breaks exactly that rule,
//! and the diagnostic names it, at the right place (definition path and the
//! source text under its span).

use sfn_codegen::{Diagnostic, Failure, Options, Severity, WorkflowType, check};

/// The diagnostics of a definition that must be rejected.
fn errors(text: &str) -> Vec<Diagnostic> {
    errors_with(text, &Options::default())
}

fn errors_with(text: &str, options: &Options) -> Vec<Diagnostic> {
    match check(text, options) {
        Ok(c) => panic!("accepted, with warnings {:?}:\n{text}", c.warnings),
        Err(Failure::NotJson(e)) => panic!("not JSON: {e}"),
        Err(Failure::Invalid(d)) => d,
    }
}

/// Asserts one error has `path`, a message containing `message`, and the
/// source text `under` its span.
#[track_caller]
fn expect(text: &str, path: &str, message: &str, under: &str) {
    let diags = errors(text);
    let found = diags
        .iter()
        .find(|d| d.path == path && d.message.contains(message));
    let Some(d) = found else {
        panic!("no error at `{path}` containing `{message}`; got:\n{diags:#?}");
    };
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(&text[d.span.start..d.span.end], under, "span of {d:?}");
}

/// A one-state machine around `state`.
fn one(state: &str) -> String {
    format!(r#"{{"StartAt": "S", "States": {{"S": {state}}}}}"#)
}

/// A machine with `state` as S and a Succeed state T to go to.
fn two(state: &str) -> String {
    format!(r#"{{"StartAt": "S", "States": {{"S": {state}, "T": {{"Type": "Succeed"}}}}}}"#)
}

#[test]
fn top_level_needs_start_at_and_states() {
    expect(
        r#"{"States": {"A": {"Type": "Succeed"}}}"#,
        "",
        "missing the required field `StartAt`",
        "{",
    );
    expect(
        r#"{"StartAt": "A"}"#,
        "",
        "missing the required field `States`",
        "{",
    );
    expect(r#"[1]"#, "", "must be a JSON object", "[1]");
}

#[test]
fn start_at_names_a_state() {
    expect(
        r#"{"StartAt": "Strat", "States": {"Start": {"Type": "Succeed"}}}"#,
        "StartAt",
        "no state named `Strat`",
        "\"Strat\"",
    );
}

#[test]
fn unknown_top_level_field_is_suggested() {
    let d = errors(r#"{"StartAt": "A", "TimeoutSecond": 5, "States": {"A": {"Type": "Succeed"}}}"#);
    assert_eq!(d[0].path, "TimeoutSecond");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `TimeoutSeconds`?"));
}

#[test]
fn state_types() {
    let d = errors(&one(r#"{"Type": "Passs", "End": true}"#));
    assert_eq!(d[0].path, "States.S.Type");
    assert_eq!(d[0].help.as_deref(), Some("did you mean \"Pass\"?"));
    expect(
        &one(r#"{"End": true}"#),
        "States.S",
        "missing the required field `Type`",
        "{",
    );
}

#[test]
fn next_or_end() {
    expect(
        &one(r#"{"Type": "Pass"}"#),
        "States.S",
        "either `Next`",
        "{",
    );
    expect(
        &two(r#"{"Type": "Pass", "Next": "T", "End": true}"#),
        "States.S.Next",
        "both `Next` and",
        "\"T\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "End": false}"#),
        "States.S.End",
        "does not say where to go",
        "false",
    );
    expect(
        &two(r#"{"Type": "Succeed", "Next": "T"}"#),
        "States.S.Next",
        "cannot have the field `Next`",
        "\"Next\"",
    );
}

#[test]
fn next_targets_exist_with_suggestion() {
    let text = two(r#"{"Type": "Pass", "Next": "t"}"#);
    let d = errors(&text);
    let e = d.iter().find(|d| d.path == "States.S.Next").unwrap();
    assert!(e.message.contains("no state named `t`"), "{e:?}");
    assert_eq!(e.help.as_deref(), Some("did you mean `T`?"));
}

#[test]
fn unreachable_and_terminal_states() {
    expect(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}"#,
        "States.B",
        "state `B` is unreachable",
        "\"B\"",
    );
    expect(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#,
        "States",
        "no state ends this scope",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}}"#,
    );
}

#[test]
fn loops_without_exit_are_warned() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}], "Default": "C"},
        "B": {"Type": "Pass", "Next": "B"}, "C": {"Type": "Succeed"}}}"#;
    let checked = check(text, &Options::default()).expect("a loop is valid ASL");
    assert!(
        checked
            .warnings
            .iter()
            .any(|w| w.path == "States.B" && w.message.contains("loops forever")),
        "{:?}",
        checked.warnings
    );
}

#[test]
fn state_names() {
    let long = "N".repeat(81);
    let text = format!(r#"{{"StartAt": "{long}", "States": {{"{long}": {{"Type": "Succeed"}}}}}}"#);
    let d = errors(&text);
    assert!(d.iter().any(|d| {
        d.message
            .contains("81 characters long; AWS allows at most 80")
    }));
    // Unique across scopes.
    let text = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}]}}}"#;
    expect(
        text,
        "States.P.Branches[0].States.P",
        "already used at `States.P`",
        "\"P\"",
    );
}

#[test]
fn duplicate_keys() {
    expect(
        &one(r#"{"Type": "Pass", "End": true, "End": true}"#),
        "States.S.End",
        "appears twice",
        "\"End\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.b"}, "End": true}"#),
        "States.S.Parameters.a.$",
        "both produce the field `a`",
        "\"a.$\"",
    );
}

#[test]
fn fields_by_state_type() {
    expect(
        &one(r#"{"Type": "Pass", "ResultSelector": {}, "End": true}"#),
        "States.S.ResultSelector",
        "belongs to Task, Parallel and Map",
        "\"ResultSelector\"",
    );
    expect(
        &one(r#"{"Type": "Fail", "InputPath": "$"}"#),
        "States.S.InputPath",
        "cannot have the field `InputPath`",
        "\"InputPath\"",
    );
    expect(
        &one(r#"{"Type": "Succeed", "Assign": {"a": 1}}"#),
        "States.S.Assign",
        "cannot have the field `Assign`",
        "\"Assign\"",
    );
    let d = errors(&one(r#"{"Type": "Wait", "Days": 2, "End": true}"#));
    let days = d.iter().find(|d| d.path == "States.S.Days").unwrap();
    assert!(
        days.help
            .as_deref()
            .unwrap()
            .contains("\"Seconds\": 172800")
    );
}

#[test]
fn query_language_fields() {
    let jsonata = |s: &str| {
        format!(r#"{{"QueryLanguage": "JSONata", "StartAt": "S", "States": {{"S": {s}}}}}"#)
    };
    expect(
        &jsonata(r#"{"Type": "Pass", "OutputPath": "$.a", "End": true}"#),
        "States.S.OutputPath",
        "JSONPath field",
        "\"OutputPath\"",
    );
    expect(
        &jsonata(r#"{"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}"#),
        "States.S.QueryLanguage",
        "cannot use JSONPath",
        "\"JSONPath\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "Output": {}, "End": true}"#),
        "States.S.Output",
        "JSONata field",
        "\"Output\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "QueryLanguage": "JSONPAth", "End": true}"#),
        "States.S.QueryLanguage",
        "must be \"JSONPath\" or \"JSONata\"",
        "\"JSONPAth\"",
    );
}

#[test]
fn paths() {
    expect(
        &one(r#"{"Type": "Pass", "InputPath": "$.a[", "End": true}"#),
        "States.S.InputPath",
        "not a valid JSONPath",
        "[",
    );
    expect(
        &one(r#"{"Type": "Pass", "ResultPath": "$.a[*]", "End": true}"#),
        "States.S.ResultPath",
        "not a valid reference path",
        "[",
    );
    expect(
        &one(r#"{"Type": "Pass", "ResultPath": "$$.Execution", "End": true}"#),
        "States.S.ResultPath",
        "context object",
        "\"$$.Execution\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "ResultPath": "$x", "End": true}"#),
        "States.S.ResultPath",
        "cannot contain a variable",
        "\"$x\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "OutputPath": "States.Format('x')", "End": true}"#),
        "States.S.OutputPath",
        "not an intrinsic function call",
        "\"States.Format('x')\"",
    );
}

#[test]
fn payload_templates() {
    expect(
        &one(r#"{"Type": "Pass", "Parameters": {"a.$": 5}, "End": true}"#),
        "States.S.Parameters.a.$",
        "must be a string",
        "5",
    );
    expect(
        &one(r#"{"Type": "Pass", "Parameters": {"a.$": "hello"}, "End": true}"#),
        "States.S.Parameters.a.$",
        "not a JSONPath or an intrinsic",
        "\"hello\"",
    );
    expect(
        &one(r#"{"Type": "Pass", "Parameters": {"a.$": "States.ArrayRange(1, 9)"}, "End": true}"#),
        "States.S.Parameters.a.$",
        "States.ArrayRange takes 3 arguments",
        ")",
    );
}

#[test]
fn task_fields() {
    expect(
        &one(r#"{"Type": "Task", "End": true}"#),
        "States.S",
        "missing the required field `Resource`",
        "{",
    );
    expect(
        &one(r#"{"Type": "Task", "Resource": "not a uri", "End": true}"#),
        "States.S.Resource",
        "not a URI",
        "\"not a uri\"",
    );
    expect(
        &one(
            r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 10, "HeartbeatSeconds": 10, "End": true}"#,
        ),
        "States.S.HeartbeatSeconds",
        "must be smaller than `TimeoutSeconds`",
        "10",
    );
    expect(
        &one(
            r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 1.5, "End": true}"#,
        ),
        "States.S.TimeoutSeconds",
        "must be an integer",
        "1.5",
    );
    expect(
        &one(
            r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 100000000, "End": true}"#,
        ),
        "States.S.TimeoutSeconds",
        "at most 99999999",
        "100000000",
    );
    expect(
        &one(
            r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Credentials": "role", "End": true}"#,
        ),
        "States.S.Credentials",
        "must be an object",
        "\"role\"",
    );
    let express = Options {
        workflow_type: WorkflowType::Express,
    };
    let d = errors_with(
        &one(
            r#"{"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", "End": true}"#,
        ),
        &express,
    );
    assert!(d[0].message.contains("`.sync`"), "{d:?}");
}

#[test]
fn retry_and_catch() {
    let task = |extra: &str| {
        two(&format!(
            r#"{{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "T", {extra}}}"#
        ))
    };
    expect(
        &task(r#""Retry": [{"ErrorEquals": []}]"#),
        "States.S.Retry[0].ErrorEquals",
        "at least one error",
        "[]",
    );
    expect(
        &task(r#""Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]"#),
        "States.S.Retry[0].ErrorEquals[0]",
        "only in the last retrier",
        "\"States.ALL\"",
    );
    expect(
        &task(r#""Catch": [{"ErrorEquals": ["States.Timeout", "States.ALL"], "Next": "T"}]"#),
        "States.S.Catch[0].ErrorEquals[1]",
        "must appear alone",
        "\"States.ALL\"",
    );
    expect(
        &task(r#""Retry": [{"ErrorEquals": ["States.Timout"]}]"#),
        "States.S.Retry[0].ErrorEquals[0]",
        "not a predefined error",
        "\"States.Timout\"",
    );
    expect(
        &task(r#""Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}]"#),
        "States.S.Retry[0].BackoffRate",
        "at least 1.0",
        "0.5",
    );
    expect(
        &task(r#""Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}]"#),
        "States.S.Retry[0].MaxAttempts",
        "at least 0",
        "-1",
    );
    expect(
        &task(r#""Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0}]"#),
        "States.S.Retry[0].IntervalSeconds",
        "at least 1",
        "0",
    );
    expect(
        &task(r#""Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "HALF"}]"#),
        "States.S.Retry[0].JitterStrategy",
        "\"FULL\" or \"NONE\"",
        "\"HALF\"",
    );
    expect(
        &task(r#""Catch": [{"ErrorEquals": ["X"]}]"#),
        "States.S.Catch[0]",
        "missing the required field `Next`",
        "{",
    );
    expect(
        &task(r#""Catch": [{"ErrorEquals": ["X"], "Next": "T", "ResultPath": "$$"}]"#),
        "States.S.Catch[0].ResultPath",
        "context object",
        "\"$$\"",
    );
    expect(
        &two(r#"{"Type": "Pass", "Retry": [], "Next": "T"}"#),
        "States.S.Retry",
        "cannot have the field `Retry`",
        "\"Retry\"",
    );
}

#[test]
fn choice_rules() {
    let choice = |rules: &str| {
        two(&format!(
            r#"{{"Type": "Choice", "Choices": {rules}, "Default": "T"}}"#
        ))
    };
    expect(&choice("[]"), "States.S.Choices", "at least one rule", "[]");
    expect(
        &choice(r#"[{"Variable": "$.a", "StringEquals": "x"}]"#),
        "States.S.Choices[0]",
        "must have `Next`",
        "{",
    );
    expect(
        &choice(r#"[{"And": [{"Variable": "$.a", "IsPresent": true, "Next": "T"}], "Next": "T"}]"#),
        "States.S.Choices[0].And[0].Next",
        "nested Choice rule cannot have `Next`",
        "\"Next\"",
    );
    expect(
        &choice(r#"[{"Variable": "$.a", "NumericEquals": "1", "Next": "T"}]"#),
        "States.S.Choices[0].NumericEquals",
        "compares with a number",
        "\"1\"",
    );
    expect(
        &choice(
            r#"[{"Variable": "$.a", "StringEquals": "x", "StringMatches": "y*", "Next": "T"}]"#,
        ),
        "States.S.Choices[0].StringMatches",
        "only one comparison operator",
        "\"StringMatches\"",
    );
    expect(
        &choice(r#"[{"Variable": "$.a", "StringEqual": "x", "Next": "T"}]"#),
        "States.S.Choices[0].StringEqual",
        "unknown field",
        "\"StringEqual\"",
    );
    expect(
        &choice(r#"[{"Variable": "$.a", "TimestampEquals": "2016-03-14 01:59:00Z", "Next": "T"}]"#),
        "States.S.Choices[0].TimestampEquals",
        "RFC 3339",
        " ",
    );
    expect(
        &choice(r#"[{"Variable": "$.a", "NumericEqualsPath": "$.b[*]", "Next": "T"}]"#),
        "States.S.Choices[0].NumericEqualsPath",
        "reference path",
        "[",
    );
    expect(
        &choice(r#"[{"Variable": "$.a", "Next": "T"}]"#),
        "States.S.Choices[0].Variable",
        "needs one comparison operator",
        "\"Variable\"",
    );
    expect(
        &choice(r#"[{"Not": [], "Next": "T"}]"#),
        "States.S.Choices[0].Not",
        "single rule object",
        "[]",
    );
    expect(
        &two(
            r#"{"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "T"}], "Default": "X"}"#,
        ),
        "States.S.Default",
        "no state named `X`",
        "\"X\"",
    );
}

#[test]
fn wait_fields() {
    expect(
        &one(r#"{"Type": "Wait", "End": true}"#),
        "States.S",
        "needs one of `Seconds`",
        "{",
    );
    expect(
        &one(r#"{"Type": "Wait", "Seconds": 1, "Timestamp": "2016-03-14T01:59:00Z", "End": true}"#),
        "States.S.Timestamp",
        "only one of",
        "\"Timestamp\"",
    );
    expect(
        &one(r#"{"Type": "Wait", "Seconds": -1, "End": true}"#),
        "States.S.Seconds",
        "at least 0",
        "-1",
    );
    expect(
        &one(r#"{"Type": "Wait", "Timestamp": "2016-13-14T01:59:00Z", "End": true}"#),
        "States.S.Timestamp",
        "invalid `Timestamp`",
        "1",
    );
    expect(
        &one(r#"{"Type": "Wait", "SecondsPath": "$.a[1:2]", "End": true}"#),
        "States.S.SecondsPath",
        "reference path",
        "[",
    );
}

#[test]
fn fail_fields() {
    expect(
        &one(r#"{"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}"#),
        "States.S.ErrorPath",
        "only one of `Error` and `ErrorPath`",
        "\"ErrorPath\"",
    );
    expect(
        &one(r#"{"Type": "Fail", "Cause": 5}"#),
        "States.S.Cause",
        "must be a string",
        "5",
    );
    expect(
        &one(r#"{"Type": "Fail", "CausePath": "States.Foo($.a)"}"#),
        "States.S.CausePath",
        "unknown intrinsic function `States.Foo`",
        "S",
    );
}

#[test]
fn parallel_and_map() {
    expect(
        &one(r#"{"Type": "Parallel", "End": true}"#),
        "States.S",
        "missing the required field `Branches`",
        "{",
    );
    expect(
        &one(r#"{"Type": "Parallel", "Branches": [], "End": true}"#),
        "States.S.Branches",
        "at least one branch",
        "[]",
    );
    expect(
        &two(
            r#"{"Type": "Parallel", "Next": "T", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "T"}}}]}"#,
        ),
        "States.S.Branches[0].States.B.Next",
        "another scope",
        "\"T\"",
    );
    let map = |extra: &str| {
        one(&format!(
            r#"{{"Type": "Map", "End": true, "ItemProcessor": {{"StartAt": "I", "States": {{"I": {{"Type": "Succeed"}}}}}}{extra}}}"#
        ))
    };
    expect(
        &map(r#", "ItemsPath": null"#),
        "States.S.ItemsPath",
        "cannot be null",
        "null",
    );
    expect(
        &map(r#", "MaxConcurrency": 1, "MaxConcurrencyPath": "$.m""#),
        "States.S.MaxConcurrencyPath",
        "only one of",
        "\"MaxConcurrencyPath\"",
    );
    expect(
        &map(r#", "ToleratedFailurePercentage": 101"#),
        "States.S.ToleratedFailurePercentage",
        "between 0 and 100",
        "101",
    );
    expect(
        &map(r#", "ItemSelector": {}, "Parameters": {}"#),
        "States.S.Parameters",
        "only one of `ItemSelector` and `Parameters`",
        "\"Parameters\"",
    );
    expect(
        &one(
            r#"{"Type": "Map", "End": true, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}"#,
        ),
        "States.S.ItemProcessor.ProcessorConfig",
        "needs `ExecutionType`",
        "{",
    );
    expect(
        &map(r#", "ItemBatcher": {"MaxInputBytesPerBatch": 300000}"#),
        "States.S.ItemBatcher.MaxInputBytesPerBatch",
        "at most 262144",
        "300000",
    );
}

#[test]
fn variables() {
    expect(
        &two(r#"{"Type": "Pass", "Assign": {"states": 1}, "Next": "T"}"#),
        "States.S.Assign.states",
        "reserved",
        "\"states\"",
    );
    expect(
        &two(r#"{"Type": "Pass", "Assign": {"9lives": 1}, "Next": "T"}"#),
        "States.S.Assign.9lives",
        "not a valid variable name",
        "\"9lives\"",
    );
    // Reading a variable nothing assigns is a warning, not an error.
    let text = two(
        r#"{"Type": "Pass", "Parameters": {"x.$": "$totl"}, "Assign": {"total": 1}, "Next": "T"}"#,
    );
    let checked = check(&text, &Options::default()).unwrap();
    let w = &checked.warnings[0];
    assert!(
        w.message.contains("`$totl`") && w.message.contains("did you mean `$total`?"),
        "{w:?}"
    );
}

#[test]
fn all_problems_in_one_pass() {
    let text = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Nope"},
        "B": {"Type": "Wait", "Seconds": -3, "End": true},
        "C": {"Type": "Task", "End": true}
    }}"#;
    let d = errors(text);
    let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
    assert!(
        paths.contains(&"States.A.Next")
            && paths.contains(&"States.B.Seconds")
            && paths.contains(&"States.C"),
        "{paths:?}"
    );
}

#[test]
fn states_result_and_error_output_only_where_they_exist() {
    // `$states.result` in a Task's Arguments: the task has not run yet.
    expect(
        &two(
            r#"{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"x": "{% $states.result.x %}"}, "Next": "T"}"#,
        ),
        "States.S.Arguments.x",
        "`$states.result` does not exist here",
        r#""{% $states.result.x %}""#,
    );
    // A Pass state has no result.
    expect(
        &one(
            r#"{"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.result %}", "End": true}"#,
        ),
        "States.S.Output",
        "`$states.result` does not exist here",
        r#""{% $states.result %}""#,
    );
    // The error output is only in a Catch, not in the state's own Output.
    expect(
        &two(
            r#"{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
                "Output": {"e": "{% $states.errorOutput.Error %}"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.result %}", "Next": "T"}],
                "Next": "T"}"#,
        ),
        "States.S.Output.e",
        "`$states.errorOutput` does not exist here",
        r#""{% $states.errorOutput.Error %}""#,
    );
    expect(
        &two(
            r#"{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.result %}", "Next": "T"}],
                "Next": "T"}"#,
        ),
        "States.S.Catch[0].Output",
        "`$states.result` does not exist here",
        r#""{% $states.result %}""#,
    );
    // Where they exist, they are accepted.
    let ok = two(
        r#"{"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke",
            "Output": "{% $states.result %}", "Assign": {"r": "{% $states.result.x %}"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}",
                       "Assign": {"e": "{% $states.errorOutput.Error %}"}, "Next": "T"}],
            "Next": "T"}"#,
    );
    assert!(check(&ok, &Options::default()).is_ok());
}
