//! The data-test operators of Choice rules (JSONPath mode).
//!
//! Generated code evaluates a rule such as
//! `{"Variable": "$.n", "NumericLessThan": 10, "Next": "Small"}` in two steps:
//! it selects the `Variable` value itself (an `Option<&Value>`, `None` when the
//! path selects nothing), then calls one function of this module per operator.
//! Literal operands were parsed at build time (a [`Timestamp`], a [`Pattern`],
//! a [`Number`]); the `…Path` operators get both values selected at run time.
//! `And`, `Or` and `Not` are plain Rust `&&`, `||` and `!` in generated code.
//!
//! # Semantics, as recorded on AWS
//!
//! The conformance corpus (`cases/choice_operators`, 472 executions recorded on
//! AWS) fixes the following, and the unit test `conformance_choice_corpus`
//! replays every one of them:
//!
//! * **A comparison against a value of the wrong type is false, not an
//!   error.** `NumericEquals 0` against `null`, `"0"`, `false`, `[]` or `{}`,
//!   `BooleanEquals false` against `0`, `TimestampEquals` against a number or
//!   against `"2023-02-24 12:15:56.832957"`: each falls through to `Default`.
//!   There is no coercion: `0` and `1` are not booleans, `"1"` is not a number.
//! * Integers and floats compare by value: `0` equals `0.0`, `1` equals `1.0`.
//! * `IsPresent` is true for a present `null`; `IsNull` is true only for
//!   `null`; `IsString` is true for every string, timestamps included;
//!   `IsNumeric` is true for `0`, `0.0` and `1.1`; `IsBoolean` is true for
//!   `false` as well as `true`.
//! * `StringEquals` is exact: no trimming, no normalisation (`" "` is not
//!   `"     "`, `"\t\n"` is not `"\t\r\n"`).
//!
//! # Semantics chosen where the corpus is silent
//!
//! * **Strings are ordered by UTF-16 code units**, as Java's
//!   `String.compareTo` orders them (Step Functions runs on the JVM), not by
//!   Unicode code points or UTF-8 bytes. The two orders differ only between a
//!   character above U+FFFF (a surrogate pair, `0xD800..=0xDFFF` first) and a
//!   BMP character in U+E000..=U+FFFF: `"\u{FFFF}" > "\u{10000}"` here. The
//!   corpus only has ASCII comparisons, so this is unverified on AWS.
//! * **Numbers compare exactly.** `9007199254740993` is greater than
//!   `9007199254740992.0`, although both are the same `f64`. The
//!   specification warns that integers beyond ±(2^53 − 1) "might fail to
//!   compare in the expected way"; exact comparison is the expected way.
//! * **Timestamps compare as instants**: `2016-03-14T01:59:00Z` equals
//!   `2016-03-14T02:59:00+01:00`, and fractional seconds count (to the
//!   nanosecond). A value is a timestamp when
//!   [`sfn_lang::timestamp::parse_timestamp`] accepts it (an
//!   uppercase `T`, a required offset, `Z` for UTC), the profile AWS's Wait
//!   state enforces in the corpus ("does not reference a valid ISO-8601 extended
//!   offset date-time format string" for a missing offset, a space separator or
//!   hour 25). `IsTimestamp` has no recorded case.
//! * A `…Path` operand of the wrong type (`NumericEqualsPath` to a string) is
//!   false, like a wrong-typed `Variable`.
//! * The type tests other than `IsPresent` treat a missing value as "not of
//!   that type": `IsNull: true` is false and `IsNull: false` is true on a
//!   missing field. Whether AWS instead fails these with the missing-path error
//!   below is not recorded; generated code that wants that behaviour can call
//!   [`missing_variable_error`] itself.
//!
//! # Failures (AWS versus the specification)
//!
//! * A `Variable` path that selects nothing, for any operator but the type
//!   tests, fails the execution with `States.Runtime` and the cause
//!   `Invalid path '$.x': The choice state's condition path references an
//!   invalid value.` ([`missing_variable_error`]). The same happens, as far as
//!   public reports of AWS behaviour go, when a `…Path` operand selects
//!   nothing; the error then names the operand's path.
//! * When no rule matches and there is no `Default`, the specification says
//!   the state fails with `States.NoChoiceMatched`. **AWS fails with
//!   `States.Runtime`** and the cause `Failed to transition out of the state.
//!   The state does not point to a next state.` ([`no_choice_matched`]); the
//!   AWS guide only says the state machine "will throw an error due to a
//!   failure to transition out of the state". Neither failure has a recorded
//!   execution in the corpus; the texts come from AWS executions quoted in
//!   public reports and emulators checked against AWS.
//! * AWS writes every `States.Runtime` cause raised inside a state behind the
//!   prefix `An error occurred while executing the state '<name>' (entered at
//!   the event id #<n>). ` (see the corpus causes of `States.Runtime`). Both
//!   functions here return the text after that prefix; whoever knows the state
//!   name and the event id adds it, as for every other `States.Runtime` cause.
//!   `States.Runtime` is never retried or caught ([`crate::error::is_catchable`]).

use std::cmp::Ordering;

use serde_json::{Number, Value};
use sfn_lang::pattern::Pattern;
use sfn_lang::timestamp::{Timestamp, parse_timestamp};

use crate::error::StatesError;

/// The comparison of a `String…`, `Numeric…` or `Timestamp…` operator:
/// `StringLessThan` is `Comparison::LessThan` on strings, and so on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `…Equals`
    Equals,
    /// `…LessThan`
    LessThan,
    /// `…GreaterThan`
    GreaterThan,
    /// `…LessThanEquals`
    LessThanEquals,
    /// `…GreaterThanEquals`
    GreaterThanEquals,
}

impl Comparison {
    /// Whether this comparison holds when the value compares to the operand
    /// as `ordering` (`Less` means the value is less than the operand).
    pub fn holds(self, ordering: Ordering) -> bool {
        match self {
            Comparison::Equals => ordering == Ordering::Equal,
            Comparison::LessThan => ordering == Ordering::Less,
            Comparison::GreaterThan => ordering == Ordering::Greater,
            Comparison::LessThanEquals => ordering != Ordering::Greater,
            Comparison::GreaterThanEquals => ordering != Ordering::Less,
        }
    }
}

/// The type tests `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`
/// and `IsTimestamp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeTest {
    /// `IsNull`: the value is present and `null`.
    Null,
    /// `IsPresent`: the path selected a value (`null` included).
    Present,
    /// `IsNumeric`: the value is a JSON number.
    Numeric,
    /// `IsString`: the value is a JSON string.
    String,
    /// `IsBoolean`: the value is `true` or `false`.
    Boolean,
    /// `IsTimestamp`: the value is a string holding an RFC 3339 timestamp.
    Timestamp,
}

/// `StringEquals`, `StringLessThan`, …: false when `value` is not a string.
///
/// Order is by UTF-16 code units, as in Java (see the module documentation).
pub fn string(value: &Value, cmp: Comparison, operand: &str) -> bool {
    match value {
        Value::String(s) => compare_strings(s, cmp, operand),
        _ => false,
    }
}

/// `NumericEquals`, `NumericLessThan`, …: false when `value` is not a number.
///
/// Integers and floats compare by their exact values.
pub fn numeric(value: &Value, cmp: Comparison, operand: &Number) -> bool {
    match value {
        Value::Number(n) => compare_numbers(n, operand).is_some_and(|o| cmp.holds(o)),
        _ => false,
    }
}

/// `BooleanEquals`: false when `value` is not a boolean.
pub fn boolean(value: &Value, operand: bool) -> bool {
    value.as_bool() == Some(operand)
}

/// `TimestampEquals`, `TimestampLessThan`, …: false unless `value` is a
/// string holding an RFC 3339 timestamp. Instants are compared, so the UTC
/// offset a timestamp was written with does not matter.
pub fn timestamp(value: &Value, cmp: Comparison, operand: &Timestamp) -> bool {
    as_timestamp(value).is_some_and(|t| cmp.holds(t.cmp(operand)))
}

/// `StringEqualsPath`, `StringLessThanPath`, …: false unless both values are
/// strings.
pub fn string_path(value: &Value, cmp: Comparison, other: &Value) -> bool {
    match (value, other) {
        (Value::String(a), Value::String(b)) => compare_strings(a, cmp, b),
        _ => false,
    }
}

/// `NumericEqualsPath`, `NumericLessThanPath`, …: false unless both values are
/// numbers.
pub fn numeric_path(value: &Value, cmp: Comparison, other: &Value) -> bool {
    match other {
        Value::Number(b) => numeric(value, cmp, b),
        _ => false,
    }
}

/// `BooleanEqualsPath`: false unless both values are booleans.
pub fn boolean_path(value: &Value, other: &Value) -> bool {
    other.as_bool().is_some_and(|b| boolean(value, b))
}

/// `TimestampEqualsPath`, `TimestampLessThanPath`, …: false unless both values
/// are strings holding RFC 3339 timestamps.
pub fn timestamp_path(value: &Value, cmp: Comparison, other: &Value) -> bool {
    as_timestamp(other).is_some_and(|b| timestamp(value, cmp, &b))
}

/// `StringMatches`: false when `value` is not a string.
pub fn matches(value: &Value, pattern: &Pattern) -> bool {
    match value {
        Value::String(s) => pattern.matches(s),
        _ => false,
    }
}

/// The type tests: whether "`value` passes `test`" equals `expected`.
///
/// `value` is `None` when the `Variable` path selected nothing. A missing
/// value passes no test, so `IsPresent: false` is true for it, and so are
/// `IsNull: false`, `IsString: false` and the rest.
pub fn is(value: Option<&Value>, test: TypeTest, expected: bool) -> bool {
    let passes = match (test, value) {
        (TypeTest::Present, v) => v.is_some(),
        (_, None) => false,
        (TypeTest::Null, Some(v)) => v.is_null(),
        (TypeTest::Numeric, Some(v)) => v.is_number(),
        (TypeTest::String, Some(v)) => v.is_string(),
        (TypeTest::Boolean, Some(v)) => v.is_boolean(),
        (TypeTest::Timestamp, Some(v)) => as_timestamp(v).is_some(),
    };
    passes == expected
}

/// The `States.Runtime` error of a Choice rule whose path selected nothing:
/// `path_text` is the path as written in the definition (`$.x`, `$$.Map.Item`,
/// `$var.field`), for the `Variable` or for a `…Path` operand.
///
/// The cause is AWS's text after its per-state prefix (see the module
/// documentation): `Invalid path '$.x': The choice state's condition path
/// references an invalid value.`
pub fn missing_variable_error(path_text: &str) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{path_text}': The choice state's condition path references an invalid value."
    ))
}

/// The error of a Choice state in which no rule matched and that has no
/// `Default`.
///
/// This is `States.Runtime` on AWS, not the `States.NoChoiceMatched` of the
/// specification, with the cause (after AWS's per-state prefix) `Failed to
/// transition out of the state. The state does not point to a next state.`
/// It names no state: AWS mentions the state only in the prefix.
pub fn no_choice_matched() -> StatesError {
    StatesError::runtime(
        "Failed to transition out of the state. The state does not point to a next state.",
    )
}

/// The value as a timestamp, when it is a string that parses as one.
fn as_timestamp(value: &Value) -> Option<Timestamp> {
    match value {
        Value::String(s) => parse_timestamp(s).ok(),
        _ => None,
    }
}

/// Compares two strings as Java does: by UTF-16 code units.
fn compare_strings(a: &str, cmp: Comparison, b: &str) -> bool {
    match cmp {
        // Equal strings have equal UTF-16 encodings and vice versa.
        Comparison::Equals => a == b,
        _ => cmp.holds(utf16_order(a, b)),
    }
}

/// The order of two strings by UTF-16 code units (Java's `String.compareTo`).
fn utf16_order(a: &str, b: &str) -> Ordering {
    // UTF-8 byte order is code point order, which agrees with UTF-16 order
    // except where one string has a supplementary character and the other a
    // character in U+E000..=U+FFFF at the first difference. Both orders agree
    // on common prefixes, so compare bytes and only look closer at the first
    // differing characters.
    let prefix = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    // Back up to the start of the character containing the first difference.
    let mut start = prefix;
    while !a.is_char_boundary(start) {
        start -= 1;
    }
    let first = |s: &str| s.get(start..).and_then(|rest| rest.chars().next());
    match (first(a), first(b)) {
        (Some(x), Some(y)) => {
            let mut xu = [0u16; 2];
            let mut yu = [0u16; 2];
            let xs: &[u16] = x.encode_utf16(&mut xu);
            let ys: &[u16] = y.encode_utf16(&mut yu);
            xs.cmp(ys)
        }
        (x, y) => x.is_some().cmp(&y.is_some()),
    }
}

/// A JSON number as an exact integer or a float.
enum Num {
    Int(i128),
    Float(f64),
}

fn num(n: &Number) -> Option<Num> {
    if let Some(i) = n.as_i64() {
        Some(Num::Int(i128::from(i)))
    } else if let Some(u) = n.as_u64() {
        Some(Num::Int(i128::from(u)))
    } else {
        n.as_f64().map(Num::Float)
    }
}

/// Compares two numbers by their exact values; `None` only for NaN, which a
/// JSON number cannot hold.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    match (num(a)?, num(b)?) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
        (Num::Int(x), Num::Float(y)) => int_float_order(x, y),
        (Num::Float(x), Num::Int(y)) => int_float_order(y, x).map(Ordering::reverse),
    }
}

/// The exact order of an integer (|x| ≤ 2^64) and a float, without rounding
/// the integer to a float.
fn int_float_order(x: i128, y: f64) -> Option<Ordering> {
    /// 2^65: beyond every integer a JSON number parses to (i64 or u64).
    const LIMIT: f64 = 36_893_488_147_419_103_232.0;
    if y.is_nan() {
        return None;
    }
    if y >= LIMIT {
        return Some(Ordering::Less);
    }
    if y <= -LIMIT {
        return Some(Ordering::Greater);
    }
    let whole = y.trunc();
    // Exact: `whole` is an integer of magnitude below 2^65.
    let whole_int = whole as i128;
    // Exact as well: the fractional part of a float is a float.
    let fraction = y - whole;
    Some(x.cmp(&whole_int).then_with(|| {
        if fraction > 0.0 {
            Ordering::Less
        } else if fraction < 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sfn_lang::pattern::parse_pattern;
    use std::path::{Path, PathBuf};

    use Comparison::*;

    const ALL_CMPS: [Comparison; 5] = [
        Equals,
        LessThan,
        GreaterThan,
        LessThanEquals,
        GreaterThanEquals,
    ];

    fn ts(text: &str) -> Timestamp {
        parse_timestamp(text).expect("test timestamp parses")
    }

    fn n(v: Value) -> Number {
        match v {
            Value::Number(n) => n,
            other => panic!("not a number: {other}"),
        }
    }

    /// The comparisons holding for each ordering, in ALL_CMPS order.
    fn expected_for(o: Ordering) -> [bool; 5] {
        match o {
            Ordering::Less => [false, true, false, true, false],
            Ordering::Equal => [true, false, false, true, true],
            Ordering::Greater => [false, false, true, false, true],
        }
    }

    #[test]
    fn choice_comparison_holds() {
        for o in [Ordering::Less, Ordering::Equal, Ordering::Greater] {
            let got: Vec<bool> = ALL_CMPS.iter().map(|c| c.holds(o)).collect();
            assert_eq!(got, expected_for(o), "{o:?}");
        }
    }

    /// Values of every JSON type but the one named.
    fn others(keep: &str) -> Vec<Value> {
        let all = [
            ("null", json!(null)),
            ("bool", json!(true)),
            ("bool", json!(false)),
            ("number", json!(0)),
            ("number", json!(1.5)),
            ("string", json!("")),
            ("string", json!("2012-10-09T19:00:55Z")),
            ("array", json!([])),
            ("array", json!(["a"])),
            ("object", json!({})),
            ("object", json!({"A": 0})),
        ];
        all.into_iter()
            .filter(|(k, _)| *k != keep)
            .map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn choice_string_comparisons() {
        let cases = [
            ("", "", Ordering::Equal),
            ("A", "AB", Ordering::Less),
            ("AB", "A", Ordering::Greater),
            ("A", "A ", Ordering::Less),
            ("A", "A\t\n\r", Ordering::Less),
            ("B", "A", Ordering::Greater),
            ("a", "B", Ordering::Greater),
            ("Hello", "Hello", Ordering::Equal),
            ("é", "e", Ordering::Greater),
        ];
        for (v, op, o) in cases {
            for (c, want) in ALL_CMPS.iter().zip(expected_for(o)) {
                assert_eq!(string(&json!(v), *c, op), want, "{v:?} {c:?} {op:?}");
                assert_eq!(
                    string_path(&json!(v), *c, &json!(op)),
                    want,
                    "path {v:?} {c:?} {op:?}"
                );
            }
        }
        // No trimming or normalisation.
        assert!(!string(&json!(" "), Equals, "     "));
        assert!(!string(&json!("\t\n"), Equals, "\t\r\n"));
        assert!(!string(&json!("e\u{301}"), Equals, "é"));
    }

    #[test]
    fn choice_string_utf16_order() {
        // U+FFFF vs U+10000: code points say FFFF < 10000; UTF-16 compares
        // 0xFFFF with the high surrogate 0xD800, so FFFF is greater (Java).
        let bmp_high = "\u{FFFF}";
        let astral = "\u{10000}";
        assert!(string(&json!(bmp_high), GreaterThan, astral));
        assert!(string(&json!(astral), LessThan, bmp_high));
        assert!(!string(&json!(bmp_high), LessThan, astral));
        // A private-use BMP character sorts after an emoji.
        assert!(string(&json!("\u{E000}"), GreaterThan, "😀"));
        assert!(string(&json!("x\u{E000}"), GreaterThan, "x😀"));
        // Below the surrogate range the orders agree.
        assert!(string(&json!("\u{D7FF}"), LessThan, "😀"));
        // Common prefix including a multi-byte character.
        assert!(string(&json!("é😀"), LessThan, "é\u{E000}"));
        assert!(string(&json!("éa"), LessThan, "éb"));
        // Prefix relation.
        assert!(string(&json!("😀"), LessThan, "😀a"));
        assert!(string(&json!("😀a"), GreaterThanEquals, "😀"));
        // Two supplementary characters whose UTF-8 differs in a later byte.
        assert!(string(&json!("😀"), LessThan, "😁"));
        // Exhaustive-ish agreement with a straightforward UTF-16 comparison.
        let samples = [
            "",
            "a",
            "ab",
            "é",
            "\u{7FF}",
            "\u{800}",
            "\u{D7FF}",
            "\u{E000}",
            "\u{FFFF}",
            "\u{10000}",
            "😀",
            "😁",
            "a😀",
            "a\u{FFFF}",
            "\u{10FFFF}",
        ];
        for a in samples {
            for b in samples {
                let want = a.encode_utf16().cmp(b.encode_utf16());
                assert_eq!(utf16_order(a, b), want, "{a:?} vs {b:?}");
            }
        }
    }

    proptest::proptest! {
        /// The byte-wise shortcut agrees with comparing whole UTF-16 encodings.
        #[test]
        fn choice_utf16_order_matches_reference(
            a in "[a\u{E000}-\u{E002}\u{FFFD}\u{10000}-\u{10002}é]{0,6}",
            b in "[a\u{E000}-\u{E002}\u{FFFD}\u{10000}-\u{10002}é]{0,6}",
        ) {
            proptest::prop_assert_eq!(utf16_order(&a, &b), a.encode_utf16().cmp(b.encode_utf16()));
        }

        /// Integer-float comparison agrees with exact integer comparison when
        /// the float is an integer that converts exactly.
        #[test]
        fn choice_int_float_order_integral(x in proptest::num::i64::ANY, y in -(1i64 << 53)..(1i64 << 53)) {
            let got = compare_numbers(&Number::from(x), &n(json!(y as f64)));
            proptest::prop_assert_eq!(got, Some(x.cmp(&y)));
        }
    }

    #[test]
    fn choice_string_wrong_types() {
        for v in others("string") {
            for c in ALL_CMPS {
                assert!(!string(&v, c, ""), "{v} {c:?}");
                assert!(!string_path(&v, c, &json!("")), "{v} {c:?}");
                assert!(!string_path(&json!(""), c, &v), "operand {v} {c:?}");
            }
        }
    }

    #[test]
    fn choice_numeric_comparisons() {
        let cases = [
            (json!(0), json!(0), Ordering::Equal),
            (json!(0), json!(0.0), Ordering::Equal),
            (json!(0.0), json!(0), Ordering::Equal),
            (json!(-0.0), json!(0), Ordering::Equal),
            (json!(1), json!(1.0), Ordering::Equal),
            (json!(1.1), json!(1), Ordering::Greater),
            (json!(1), json!(1.1), Ordering::Less),
            (json!(0), json!(1), Ordering::Less),
            (json!(2.22), json!(2.22), Ordering::Equal),
            (json!(-1), json!(-0.5), Ordering::Less),
            (json!(-1), json!(-1.5), Ordering::Greater),
            (json!(-3), json!(-3.0), Ordering::Equal),
            (json!(u64::MAX), json!(i64::MIN), Ordering::Greater),
            (json!(u64::MAX), json!(u64::MAX), Ordering::Equal),
            (json!(i64::MAX), json!(u64::MAX), Ordering::Less),
            // Past 2^53: exact, not via f64.
            (
                json!(9_007_199_254_740_993_i64),
                json!(9_007_199_254_740_992.0),
                Ordering::Greater,
            ),
            (
                json!(9_007_199_254_740_992.0),
                json!(9_007_199_254_740_993_i64),
                Ordering::Less,
            ),
            (
                json!(9_007_199_254_740_992_i64),
                json!(9_007_199_254_740_992.0),
                Ordering::Equal,
            ),
            (
                json!(-9_007_199_254_740_993_i64),
                json!(-9_007_199_254_740_992.0),
                Ordering::Less,
            ),
            // u64::MAX vs 2^64 as f64 (u64::MAX rounds up to it as f64).
            (
                json!(u64::MAX),
                json!(18_446_744_073_709_551_616.0),
                Ordering::Less,
            ),
            (
                json!(i64::MIN),
                json!(-9_223_372_036_854_775_808.0),
                Ordering::Equal,
            ),
            (
                json!(i64::MIN),
                json!(-9_223_372_036_854_777_856.0),
                Ordering::Greater,
            ),
            // Floats beyond every integer.
            (json!(u64::MAX), json!(1e30), Ordering::Less),
            (json!(i64::MIN), json!(-1e30), Ordering::Greater),
            (json!(1e300), json!(1e299), Ordering::Greater),
            (json!(5e-324), json!(0), Ordering::Greater),
            (json!(-5e-324), json!(0), Ordering::Less),
        ];
        for (v, op, o) in cases {
            let opn = n(op.clone());
            for (c, want) in ALL_CMPS.iter().zip(expected_for(o)) {
                assert_eq!(numeric(&v, *c, &opn), want, "{v} {c:?} {op}");
                assert_eq!(numeric_path(&v, *c, &op), want, "path {v} {c:?} {op}");
            }
        }
    }

    #[test]
    fn choice_numeric_huge_from_json_text() {
        // Integers beyond u64 parse as f64 and compare as such.
        let big: Value = serde_json::from_str("100000000000000000000000").expect("json");
        assert!(numeric(&big, GreaterThan, &n(json!(u64::MAX))));
        let v: Value = serde_json::from_str("9007199254740993").expect("json");
        let f: Value = serde_json::from_str("9007199254740992.0").expect("json");
        assert!(numeric_path(&v, GreaterThan, &f));
        assert!(!numeric_path(&v, Equals, &f));
        assert!(numeric_path(&f, LessThan, &v));
    }

    #[test]
    fn choice_numeric_wrong_types() {
        for v in others("number") {
            for c in ALL_CMPS {
                assert!(!numeric(&v, c, &n(json!(0))), "{v} {c:?}");
                assert!(!numeric_path(&v, c, &json!(0)), "{v} {c:?}");
                assert!(!numeric_path(&json!(0), c, &v), "operand {v} {c:?}");
            }
        }
        // Numeric strings are not numbers.
        assert!(!numeric(&json!("1"), Equals, &n(json!(1))));
    }

    #[test]
    fn choice_boolean() {
        assert!(boolean(&json!(true), true));
        assert!(boolean(&json!(false), false));
        assert!(!boolean(&json!(true), false));
        assert!(!boolean(&json!(false), true));
        assert!(boolean_path(&json!(true), &json!(true)));
        assert!(boolean_path(&json!(false), &json!(false)));
        assert!(!boolean_path(&json!(false), &json!(true)));
        for v in others("bool") {
            for b in [true, false] {
                assert!(!boolean(&v, b), "{v} {b}");
                assert!(!boolean_path(&v, &json!(b)), "{v} {b}");
                assert!(!boolean_path(&json!(b), &v), "operand {v} {b}");
            }
        }
    }

    #[test]
    fn choice_timestamp_comparisons() {
        let cases = [
            (
                "2012-10-09T19:00:55Z",
                "2012-10-09T19:00:55Z",
                Ordering::Equal,
            ),
            (
                "2012-10-09T19:00:55Z",
                "2012-10-09T19:00:56Z",
                Ordering::Less,
            ),
            (
                "2012-10-09T19:00:56Z",
                "2012-10-09T19:00:55Z",
                Ordering::Greater,
            ),
            // Offsets: instants are compared.
            (
                "2016-03-14T01:59:00Z",
                "2016-03-14T02:59:00+01:00",
                Ordering::Equal,
            ),
            (
                "2016-03-14T01:59:00Z",
                "2016-03-13T20:59:00-05:00",
                Ordering::Equal,
            ),
            (
                "2016-03-14T02:59:00+01:00",
                "2016-03-14T02:00:00Z",
                Ordering::Less,
            ),
            (
                "2016-03-14T00:00:00-00:00",
                "2016-03-14T00:00:00Z",
                Ordering::Equal,
            ),
            (
                "2016-03-14T23:30:00-01:00",
                "2016-03-15T00:00:00Z",
                Ordering::Greater,
            ),
            // Fractional seconds.
            (
                "2012-10-09T19:00:55.5Z",
                "2012-10-09T19:00:55Z",
                Ordering::Greater,
            ),
            (
                "2012-10-09T19:00:55.5Z",
                "2012-10-09T19:00:55.500Z",
                Ordering::Equal,
            ),
            (
                "2012-10-09T19:00:55.000000001Z",
                "2012-10-09T19:00:55Z",
                Ordering::Greater,
            ),
            (
                "2012-10-09T19:00:55.999999999Z",
                "2012-10-09T19:00:56Z",
                Ordering::Less,
            ),
            (
                "2012-10-09T19:00:55.25+00:30",
                "2012-10-09T18:30:55.25Z",
                Ordering::Equal,
            ),
        ];
        for (v, op, o) in cases {
            let opt = ts(op);
            for (c, want) in ALL_CMPS.iter().zip(expected_for(o)) {
                assert_eq!(timestamp(&json!(v), *c, &opt), want, "{v} {c:?} {op}");
                assert_eq!(
                    timestamp_path(&json!(v), *c, &json!(op)),
                    want,
                    "path {v} {c:?} {op}"
                );
            }
        }
    }

    #[test]
    fn choice_timestamp_non_timestamps() {
        let op = ts("2012-10-09T19:00:55Z");
        let bad = [
            json!(null),
            json!(0),
            json!(1.1),
            json!(true),
            json!(""),
            json!(" "),
            json!("HelloWorld"),
            json!("2012-10-09T19:00:55"),
            json!("2012-10-09 19:00:55Z"),
            json!("2012-10-09t19:00:55Z"),
            json!("2023-02-24"),
            json!("2023-02-24 12:15:56.832957"),
            json!("2016-12-05T25:29:29Z"),
            json!([]),
            json!(["2012-10-09T19:00:55Z"]),
            json!({}),
        ];
        for v in &bad {
            for c in ALL_CMPS {
                assert!(!timestamp(v, c, &op), "{v} {c:?}");
                assert!(!timestamp_path(v, c, &json!("2012-10-09T19:00:55Z")), "{v}");
                assert!(!timestamp_path(&json!("2012-10-09T19:00:55Z"), c, v), "{v}");
            }
        }
    }

    #[test]
    fn choice_string_matches() {
        let cases = [
            ("log-*.txt", "log-2024.txt", true),
            ("log-*.txt", "log-.txt", true),
            ("log-*.txt", "log-2024.txt.bak", false),
            ("*", "", true),
            ("*", "anything", true),
            ("", "", true),
            ("", "x", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("*@example.com", "me@example.com", true),
            ("*@example.com", "me@example.org", false),
            ("Hello", "hello", false),
            ("a?c", "abc", false),
            ("a?c", "a?c", true),
            ("\\*", "*", true),
            ("\\*", "x", false),
            ("a\\\\b", "a\\b", true),
            ("é*😀", "éxyz😀", true),
            (
                "*a*a*a*a*b",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                false,
            ),
        ];
        for (p, s, want) in cases {
            let pattern = parse_pattern(p).expect("pattern parses");
            assert_eq!(matches(&json!(s), &pattern), want, "{p:?} ~ {s:?}");
        }
        let any = parse_pattern("*").expect("pattern parses");
        for v in others("string") {
            assert!(!matches(&v, &any), "{v}");
        }
    }

    #[test]
    fn choice_is_type_tests() {
        use TypeTest as T;
        let values = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(0.0),
            json!(1.1),
            json!(""),
            json!("HelloWorld"),
            json!("2012-10-09T19:00:55Z"),
            json!("2012-10-09T19:00:55+01:00"),
            json!("2012-10-09T19:00:55.123456789Z"),
            json!("2012-10-09T19:00:55"),
            json!("2023-02-24"),
            json!([]),
            json!({}),
        ];
        for v in &values {
            let is_ts = matches!(v.as_str(), Some(s) if parse_timestamp(s).is_ok());
            let table = [
                (T::Present, true),
                (T::Null, v.is_null()),
                (T::Numeric, v.is_number()),
                (T::String, v.is_string()),
                (T::Boolean, v.is_boolean()),
                (T::Timestamp, is_ts),
            ];
            for (t, passes) in table {
                assert_eq!(is(Some(v), t, true), passes, "{v} {t:?} true");
                assert_eq!(is(Some(v), t, false), !passes, "{v} {t:?} false");
            }
        }
        // Which strings are timestamps.
        assert!(is(Some(&json!("2012-10-09T19:00:55Z")), T::Timestamp, true));
        assert!(is(
            Some(&json!("2012-10-09T19:00:55-05:30")),
            T::Timestamp,
            true
        ));
        assert!(is(Some(&json!("2012-10-09T19:00:55")), T::Timestamp, false));
        assert!(is(Some(&json!("2012-10-09")), T::Timestamp, false));
        assert!(is(Some(&json!(1_349_809_255)), T::Timestamp, false));
        // Missing values: present is false; no type test passes.
        for t in [
            T::Present,
            T::Null,
            T::Numeric,
            T::String,
            T::Boolean,
            T::Timestamp,
        ] {
            assert!(!is(None, t, true), "{t:?} true on missing");
            assert!(is(None, t, false), "{t:?} false on missing");
        }
        // Null is present, and only null is null.
        assert!(is(Some(&json!(null)), T::Present, true));
        assert!(is(Some(&json!(null)), T::Null, true));
        assert!(is(Some(&json!("null")), T::Null, false));
    }

    #[test]
    fn choice_errors() {
        let e = missing_variable_error("$.x");
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause.as_deref(),
            Some(
                "Invalid path '$.x': The choice state's condition path references an invalid value."
            )
        );
        let e = no_choice_matched();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause.as_deref(),
            Some(
                "Failed to transition out of the state. The state does not point to a next state."
            )
        );
        assert!(!crate::error::is_catchable(&e.error));
    }

    // ---- the conformance corpus -------------------------------------------

    fn corpus_dir() -> Option<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dir = match std::env::var_os("SFN_CONFORMANCE_DIR") {
            Some(d) => root.join(d),
            None => root.join("../shared/conformance"),
        };
        if dir.is_dir() {
            Some(dir)
        } else {
            println!("conformance corpus not found at {}; skipped", dir.display());
            None
        }
    }

    /// What a simple Choice state did, as this module computes it.
    #[derive(Debug, PartialEq)]
    enum Outcome {
        Next(String),
        Failed(StatesError),
    }

    /// Selects a path of the form `$.Name` (a single plain field of the
    /// input); `Err` for any other path, which this module alone cannot
    /// evaluate.
    fn select<'a>(input: &'a Value, path: &str) -> Result<Option<&'a Value>, String> {
        let name = path
            .strip_prefix("$.")
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .ok_or_else(|| format!("path {path:?} is not a plain `$.Field`"))?;
        Ok(input.get(name))
    }

    fn cmp_of(suffix: &str) -> Option<Comparison> {
        Some(match suffix {
            "Equals" => Equals,
            "LessThan" => LessThan,
            "GreaterThan" => GreaterThan,
            "LessThanEquals" => LessThanEquals,
            "GreaterThanEquals" => GreaterThanEquals,
            _ => return None,
        })
    }

    /// Evaluates one data-test rule (`Variable` plus one operator) on `input`
    /// with this module's functions. `Err` names why the rule is out of scope.
    fn eval_rule(
        rule: &serde_json::Map<String, Value>,
        input: &Value,
    ) -> Result<Result<bool, StatesError>, String> {
        let var_path = rule
            .get("Variable")
            .and_then(Value::as_str)
            .ok_or("rule has no Variable (And/Or/Not or JSONata)")?;
        let ops: Vec<(&String, &Value)> = rule
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "Variable" | "Next" | "Comment" | "Assign"))
            .collect();
        let [(op, operand)] = ops.as_slice() else {
            return Err(format!("rule has {} operators", ops.len()));
        };
        let op = op.as_str();
        let value = select(input, var_path)?;
        let type_test = match op {
            "IsNull" => Some(TypeTest::Null),
            "IsPresent" => Some(TypeTest::Present),
            "IsNumeric" => Some(TypeTest::Numeric),
            "IsString" => Some(TypeTest::String),
            "IsBoolean" => Some(TypeTest::Boolean),
            "IsTimestamp" => Some(TypeTest::Timestamp),
            _ => None,
        };
        if let Some(t) = type_test {
            let expected = operand
                .as_bool()
                .ok_or("type test operand is not a boolean")?;
            return Ok(Ok(is(value, t, expected)));
        }
        let Some(value) = value else {
            return Ok(Err(missing_variable_error(var_path)));
        };
        if let Some(base) = op.strip_suffix("Path") {
            let other_path = operand.as_str().ok_or("Path operand is not a string")?;
            let Some(other) = select(input, other_path)? else {
                return Ok(Err(missing_variable_error(other_path)));
            };
            let result = if base == "BooleanEquals" {
                boolean_path(value, other)
            } else if let Some(c) = base.strip_prefix("String").and_then(cmp_of) {
                string_path(value, c, other)
            } else if let Some(c) = base.strip_prefix("Numeric").and_then(cmp_of) {
                numeric_path(value, c, other)
            } else if let Some(c) = base.strip_prefix("Timestamp").and_then(cmp_of) {
                timestamp_path(value, c, other)
            } else {
                return Err(format!("unknown operator {op}"));
            };
            return Ok(Ok(result));
        }
        let result = if op == "BooleanEquals" {
            boolean(value, operand.as_bool().ok_or("BooleanEquals operand")?)
        } else if op == "StringMatches" {
            let p = parse_pattern(operand.as_str().ok_or("StringMatches operand")?)
                .map_err(|e| format!("pattern does not parse: {e}"))?;
            matches(value, &p)
        } else if let Some(c) = op.strip_prefix("String").and_then(cmp_of) {
            string(value, c, operand.as_str().ok_or("String operand")?)
        } else if let Some(c) = op.strip_prefix("Numeric").and_then(cmp_of) {
            let Value::Number(num) = operand else {
                return Err("Numeric operand is not a number".into());
            };
            numeric(value, c, num)
        } else if let Some(c) = op.strip_prefix("Timestamp").and_then(cmp_of) {
            let t = parse_timestamp(operand.as_str().ok_or("Timestamp operand")?)
                .map_err(|e| format!("timestamp operand does not parse: {e}"))?;
            timestamp(value, c, &t)
        } else {
            return Err(format!("unknown operator {op}"));
        };
        Ok(Ok(result))
    }

    /// Runs the StartAt state of a case when it is a JSONPath Choice state
    /// without InputPath whose rules are all simple data tests.
    fn eval_case(case: &Value) -> Result<(Outcome, Value), String> {
        let def = &case["definition"];
        if def.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata") {
            return Err("JSONata workflow".into());
        }
        let start = def["StartAt"].as_str().ok_or("no StartAt")?;
        let state = def["States"][start]
            .as_object()
            .ok_or("StartAt state missing")?;
        if state.get("Type").and_then(Value::as_str) != Some("Choice") {
            return Err("StartAt state is not a Choice".into());
        }
        if state.contains_key("InputPath") || state.contains_key("QueryLanguage") {
            return Err("Choice state has InputPath or QueryLanguage".into());
        }
        let input = &case["input"];
        let rules = state["Choices"].as_array().ok_or("no Choices")?;
        for rule in rules {
            let rule = rule.as_object().ok_or("rule is not an object")?;
            match eval_rule(rule, input)? {
                Ok(true) => {
                    let next = rule["Next"].as_str().ok_or("rule has no Next")?;
                    return Ok((Outcome::Next(next.to_string()), def.clone()));
                }
                Ok(false) => {}
                Err(e) => return Ok((Outcome::Failed(e), def.clone())),
            }
        }
        let outcome = match state.get("Default").and_then(Value::as_str) {
            Some(d) => Outcome::Next(d.to_string()),
            None => Outcome::Failed(no_choice_matched()),
        };
        Ok((outcome, def.clone()))
    }

    /// Compares an outcome with the recorded expectation. The state taken
    /// must be a Pass state that ends the execution with a literal `Result`
    /// and no other processing, so that its `Result` is the execution output.
    fn check(outcome: &Outcome, def: &Value, expect: &Value) -> Result<(), String> {
        match outcome {
            Outcome::Next(next) => {
                let target = def["States"][next]
                    .as_object()
                    .ok_or("Next state missing")?;
                let plain = target.get("Type").and_then(Value::as_str) == Some("Pass")
                    && target.get("End") == Some(&json!(true))
                    && target.contains_key("Result")
                    && target
                        .keys()
                        .all(|k| matches!(k.as_str(), "Type" | "End" | "Result" | "Comment"));
                if !plain {
                    return Err(format!(
                        "SKIP: next state {next} is not a plain ending Pass"
                    ));
                }
                if expect["status"] != "SUCCEEDED" {
                    return Err(format!("took {next}, but AWS recorded {expect}"));
                }
                if target["Result"] != expect["output"] {
                    return Err(format!(
                        "took {next} (output {}), AWS output {}",
                        target["Result"], expect["output"]
                    ));
                }
                Ok(())
            }
            Outcome::Failed(e) => {
                if expect["status"] != "FAILED" || expect["error"] != *e.error {
                    return Err(format!("failed with {e}, but AWS recorded {expect}"));
                }
                // AWS's cause carries the per-state prefix; ours is the rest.
                let cause = expect["cause"].as_str().unwrap_or("");
                match &e.cause {
                    Some(c) if cause.ends_with(c.as_str()) => Ok(()),
                    _ => Err(format!("cause {:?}, AWS cause {cause:?}", e.cause)),
                }
            }
        }
    }

    /// Replays every recorded case of `cases/choice_operators` whose StartAt
    /// state is a JSONPath Choice over plain `$.Field` paths and whose taken
    /// branch is a Pass state ending with a literal Result (every case of the
    /// folder today). Cases outside that shape are skipped, counted and
    /// listed, never ignored silently.
    #[test]
    fn conformance_choice_corpus() {
        let Some(dir) = corpus_dir() else { return };
        let dir = dir.join("cases/choice_operators");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let (mut passed, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
        for file in &files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{name}: {e}"));
            let case: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            match eval_case(&case) {
                Err(why) => skipped.push(format!("{name}: {why}")),
                Ok((outcome, def)) => match check(&outcome, &def, &case["expect"]) {
                    Ok(()) => passed += 1,
                    Err(why) if why.starts_with("SKIP: ") => skipped.push(format!("{name}: {why}")),
                    Err(why) => failures.push(format!("{name}: {why}")),
                },
            }
        }
        let evaluated = files.len() - skipped.len();
        println!("choice corpus: {passed}/{evaluated} passed");
        println!(
            "choice corpus: {} of {} files skipped",
            skipped.len(),
            files.len()
        );
        for s in &skipped {
            println!("  skipped {s}");
        }
        assert!(
            failures.is_empty(),
            "choice corpus failures:\n{}",
            failures.join("\n")
        );
        assert!(passed > 0, "no choice corpus case was evaluated");
    }
}
