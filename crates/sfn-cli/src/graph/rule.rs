//! The short text of a Choice rule shown on its edge: `$.total > 100`,
//! `$.status == "OK"`, `IsPresent $.x`, `And(…, …)`, or a JSONata
//! `Condition` as written.
//!
//! Written by hand: it is a small printer over the IR's already parsed
//! rules (paths, patterns and timestamps print themselves in their
//! canonical source form).

use super::clean_label;
use sfn_codegen::ir::{Comparison, Condition, Test, TypeTest};

/// The label of a Choice rule's edge (cut to the label length limit).
pub fn condition(condition: &Condition) -> String {
    clean_label(&text(condition))
}

/// The full text of a condition.
fn text(condition: &Condition) -> String {
    match condition {
        Condition::And(all) => format!("And({})", join(all)),
        Condition::Or(any) => format!("Or({})", join(any)),
        Condition::Not(inner) => format!("Not({})", text(inner)),
        Condition::Jsonata(expr) => expr.text.trim().to_owned(),
        Condition::Literal(value) => value.to_string(),
        Condition::Test { variable, test } => match test {
            Test::String(op, value) => format!("{variable} {} {}", symbol(*op), quoted(value)),
            Test::Numeric(op, value) => format!("{variable} {} {value}", symbol(*op)),
            Test::Boolean(value) => format!("{variable} == {value}"),
            Test::Timestamp(op, value) => format!("{variable} {} {value}", symbol(*op)),
            Test::ComparePath(_, op, other) => format!("{variable} {} {other}", symbol(*op)),
            Test::Matches(pattern) => {
                format!("{variable} matches {}", quoted(&pattern.to_string()))
            }
            Test::Is(kind, true) => format!("{} {variable}", is_name(*kind)),
            Test::Is(kind, false) => format!("Not({} {variable})", is_name(*kind)),
        },
    }
}

/// The texts of `conditions`, separated by `, `.
fn join(conditions: &[Condition]) -> String {
    conditions.iter().map(text).collect::<Vec<_>>().join(", ")
}

/// `text` as a JSON string literal.
fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// The operator of a comparison.
fn symbol(op: Comparison) -> &'static str {
    match op {
        Comparison::Equals => "==",
        Comparison::LessThan => "<",
        Comparison::GreaterThan => ">",
        Comparison::LessThanEquals => "<=",
        Comparison::GreaterThanEquals => ">=",
    }
}

/// The ASL name of a type test.
fn is_name(kind: TypeTest) -> &'static str {
    match kind {
        TypeTest::Null => "IsNull",
        TypeTest::Present => "IsPresent",
        TypeTest::Numeric => "IsNumeric",
        TypeTest::String => "IsString",
        TypeTest::Boolean => "IsBoolean",
        TypeTest::Timestamp => "IsTimestamp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfn_codegen::ir::StateKind;

    /// The labels of the rules of the Choice state `Pick` in a definition
    /// whose `Choices` are `choices`.
    fn labels(choices: &str) -> Vec<String> {
        let source = format!(
            r#"{{"StartAt": "Pick", "States": {{
                "Pick": {{"Type": "Choice", "Choices": {choices}, "Default": "Done"}},
                "Done": {{"Type": "Succeed"}}
            }}}}"#
        );
        let checked = sfn_codegen::check(&source, &Default::default()).expect("valid");
        let StateKind::Choice { choices, .. } = &checked.machine.scope.states[0].kind else {
            panic!("not a Choice");
        };
        choices.iter().map(|c| condition(&c.condition)).collect()
    }

    #[test]
    fn data_tests() {
        assert_eq!(
            labels(
                r#"[
                {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Done"},
                {"Variable": "$.status", "StringEquals": "OK \"go\"", "Next": "Done"},
                {"Variable": "$.a", "NumericLessThanEqualsPath": "$.b", "Next": "Done"},
                {"Variable": "$.x", "IsPresent": true, "Next": "Done"},
                {"Variable": "$.x", "IsNull": false, "Next": "Done"},
                {"Variable": "$.flag", "BooleanEquals": false, "Next": "Done"},
                {"Variable": "$.name", "StringMatches": "log-*.txt", "Next": "Done"},
                {"Variable": "$.when", "TimestampLessThan": "2016-03-14T01:59:00Z", "Next": "Done"}
            ]"#
            ),
            [
                "$.total > 100",
                r#"$.status == "OK \"go\"""#,
                "$.a <= $.b",
                "IsPresent $.x",
                "Not(IsNull $.x)",
                "$.flag == false",
                r#"$.name matches "log-*.txt""#,
                "$.when < 2016-03-14T01:59:00Z",
            ]
        );
    }

    #[test]
    fn boolean_combinations() {
        assert_eq!(
            labels(
                r#"[{"And": [
                    {"Variable": "$.n", "NumericGreaterThanEquals": 1.5},
                    {"Or": [
                        {"Not": {"Variable": "$.s", "StringLessThan": "m"}},
                        {"Variable": "$.s", "IsString": true}
                    ]}
                ], "Next": "Done"}]"#
            ),
            [r#"And($.n >= 1.5, Or(Not($.s < "m"), IsString $.s))"#]
        );
    }

    #[test]
    fn jsonata_conditions_are_shown_as_written() {
        let source = r#"{"QueryLanguage": "JSONata", "StartAt": "Pick", "States": {
            "Pick": {"Type": "Choice", "Choices": [
                {"Condition": "{% $states.input.total > 100 %}", "Next": "Done"},
                {"Condition": true, "Next": "Done"}
            ], "Default": "Done"},
            "Done": {"Type": "Succeed"}
        }}"#;
        let checked = sfn_codegen::check(source, &Default::default()).expect("valid");
        let StateKind::Choice { choices, .. } = &checked.machine.scope.states[0].kind else {
            panic!("not a Choice");
        };
        let texts: Vec<String> = choices.iter().map(|c| condition(&c.condition)).collect();
        assert_eq!(texts, ["$states.input.total > 100", "true"]);
    }
}
