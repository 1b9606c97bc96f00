//! Integer fields (`Seconds`, `TimeoutSeconds`, `HeartbeatSeconds`, Retry's
//! `IntervalSeconds`, `MaxAttempts`, `MaxDelaySeconds`, Map's
//! `MaxConcurrency` and `ToleratedFailureCount`): a number that is an integer
//! but out of range is reported against the limit, however large it is, and
//! only a number with a fractional part is "not an integer".

use sfn_codegen::{Diagnostic, Failure, Options, check};

fn errors(text: &str) -> Vec<Diagnostic> {
    match check(text, &Options::default()) {
        Ok(c) => panic!("accepted, with warnings {:?}:\n{text}", c.warnings),
        Err(Failure::NotJson(e)) => panic!("not JSON: {e}"),
        Err(Failure::Invalid(d)) => d,
    }
}

/// Asserts the only error of `text` is at `path`, with exactly `message`,
/// under the source text `under`.
#[track_caller]
fn expect_only(text: &str, path: &str, message: &str, under: &str) {
    let diags = errors(text);
    let [d] = diags.as_slice() else {
        panic!("expected one error, got:\n{diags:#?}");
    };
    assert_eq!(d.path, path);
    assert_eq!(d.message, message);
    assert_eq!(&text[d.span.start..d.span.end], under);
}

fn accepted(text: &str) {
    if let Err(e) = check(text, &Options::default()) {
        panic!("rejected: {e:?}\n{text}");
    }
}

fn one(state: &str) -> String {
    format!(r#"{{"StartAt": "S", "States": {{"S": {state}}}}}"#)
}

fn wait(seconds: &str) -> String {
    one(&format!(
        r#"{{"Type": "Wait", "Seconds": {seconds}, "End": true}}"#
    ))
}

fn task(fields: &str) -> String {
    one(&format!(
        r#"{{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", {fields}, "End": true}}"#
    ))
}

fn map(fields: &str) -> String {
    one(&format!(
        r#"{{"Type": "Map", {fields}, "ItemProcessor": {{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}, "End": true}}"#
    ))
}

#[test]
fn wait_seconds_of_two_to_the_64_is_over_the_limit_not_a_non_integer() {
    expect_only(
        &wait("18446744073709551616"),
        "States.S.Seconds",
        "`Seconds` must be at most 99999999, found 18446744073709551616",
        "18446744073709551616",
    );
    // Written with an exponent, or beyond i64 but below u64.
    expect_only(
        &wait("1e30"),
        "States.S.Seconds",
        "`Seconds` must be at most 99999999, found 1e30",
        "1e30",
    );
    expect_only(
        &wait("9223372036854775808"),
        "States.S.Seconds",
        "`Seconds` must be at most 99999999, found 9223372036854775808",
        "9223372036854775808",
    );
    expect_only(
        &wait("-18446744073709551616"),
        "States.S.Seconds",
        "`Seconds` must be at least 0, found -18446744073709551616",
        "-18446744073709551616",
    );
    expect_only(
        &wait("100000000"),
        "States.S.Seconds",
        "`Seconds` must be at most 99999999, found 100000000",
        "100000000",
    );
}

#[test]
fn only_a_fractional_part_makes_a_number_not_an_integer() {
    expect_only(
        &wait("1.5"),
        "States.S.Seconds",
        "`Seconds` must be an integer, found 1.5",
        "1.5",
    );
    expect_only(
        &wait("18446744073709551616.5"),
        "States.S.Seconds",
        "`Seconds` must be an integer, found 18446744073709551616.5",
        "18446744073709551616.5",
    );
    expect_only(
        &wait("25e-1"),
        "States.S.Seconds",
        "`Seconds` must be an integer, found 25e-1",
        "25e-1",
    );
    // Integers written with a fraction or an exponent are integers.
    accepted(&wait("3.0"));
    accepted(&wait("3e2"));
    accepted(&wait("30e-1"));
    accepted(&wait("99999999"));
    accepted(&wait("-0"));
}

#[test]
fn task_timeouts_of_two_to_the_64_are_over_the_limit() {
    expect_only(
        &task(r#""TimeoutSeconds": 18446744073709551616"#),
        "States.S.TimeoutSeconds",
        "`TimeoutSeconds` must be at most 99999999, found 18446744073709551616",
        "18446744073709551616",
    );
    expect_only(
        &task(r#""HeartbeatSeconds": 18446744073709551616"#),
        "States.S.HeartbeatSeconds",
        "`HeartbeatSeconds` must be at most 99999999, found 18446744073709551616",
        "18446744073709551616",
    );
    expect_only(
        &task(r#""TimeoutSeconds": -1e20"#),
        "States.S.TimeoutSeconds",
        "`TimeoutSeconds` must be at least 1, found -1e20",
        "-1e20",
    );
}

#[test]
fn retry_fields_of_two_to_the_64_are_over_the_limit() {
    for field in ["IntervalSeconds", "MaxAttempts", "MaxDelaySeconds"] {
        expect_only(
            &task(&format!(
                r#""Retry": [{{"ErrorEquals": ["X"], "{field}": 18446744073709551616}}]"#
            )),
            &format!("States.S.Retry[0].{field}"),
            &format!("`{field}` must be at most 99999999, found 18446744073709551616"),
            "18446744073709551616",
        );
    }
}

#[test]
fn map_counts_of_two_to_the_64_are_over_the_limit() {
    expect_only(
        &map(r#""MaxConcurrency": 18446744073709551616"#),
        "States.S.MaxConcurrency",
        "`MaxConcurrency` must be at most 4294967295, found 18446744073709551616",
        "18446744073709551616",
    );
    expect_only(
        &map(r#""MaxConcurrency": 2.5"#),
        "States.S.MaxConcurrency",
        "`MaxConcurrency` must be an integer, found 2.5",
        "2.5",
    );
}
