//! JSONata's numeric functions: `$number`, `$abs`, `$floor`, `$ceil`,
//! `$round`, `$power` and `$sqrt` (`$random` is AWS's, in `aws.rs`).
//!
//! Behaviour follows jsonata-js 2.0.6 (checked in Node):
//!
//! * `$number` of a string accepts JSON-like decimal numbers (leading zeros
//!   allowed: `"012"` is 12; no `+`, no `.5`, no `5.`, no white space) that
//!   are finite, and also hexadecimal, octal and binary literals `0x1F`,
//!   `0o17`, `0b101`. jsonata-js tests the latter with the pattern
//!   `^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][01]+)$`, whose alternatives
//!   are anchored only at the start, not at all, and only at the end, and
//!   then converts with JavaScript's `Number`; so `"0x1g"` and `"a0o7"` give
//!   NaN rather than an error, and `"0x10 "` gives 16. This module
//!   reproduces that. Anything else is error D3030. Booleans give 1 and 0.
//! * `$round(n, precision)` rounds half to even after shifting the decimal
//!   point in the number's text (`"1.005e2"` is exactly 100.5, so
//!   `$round(1.005, 2)` is 1), which is how jsonata-js avoids binary
//!   rounding errors; a precision that is not a whole number gives NaN.
//! * `$power` fails with D3061 when the result is not finite (including
//!   NaN, such as a negative base with a fractional exponent), `$sqrt` with
//!   D3060 on a negative number.
//!
//! Negative zero results are returned as zero (JSON has no negative zero and
//! jsonata-js prints it as `0`).

use crate::jsonata::builtins::{Builtin, EvalError};
use crate::jsonata::stdlib::strings::{arg, at_call, js_number_string, write_json_string};
use crate::jsonata::value::Value;

/// The numeric functions.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "number",
        signature: "<(nsb)-:n>",
        call: |c, a| number(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "abs",
        signature: "<n-:n>",
        call: |c, a| unary(&a, f64::abs).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "floor",
        signature: "<n-:n>",
        call: |c, a| unary(&a, f64::floor).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "ceil",
        signature: "<n-:n>",
        call: |c, a| unary(&a, f64::ceil).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "round",
        signature: "<n-n?:n>",
        call: |c, a| round(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "power",
        signature: "<n-n:n>",
        call: |c, a| power(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "sqrt",
        signature: "<n-:n>",
        call: |c, a| sqrt(&a).map_err(|e| at_call(c, e)),
    },
];

/// A number result, with negative zero turned into zero.
fn num(n: f64) -> Value {
    Value::Number(if n == 0.0 { 0.0 } else { n })
}

/// Argument `i` as a number; NaN when it is not one (JavaScript would turn
/// undefined into NaN the same way).
fn number_arg(args: &[Value], i: usize) -> Option<f64> {
    match arg(args, i) {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// A one-argument function of a number; undefined in, undefined out.
fn unary(args: &[Value], f: fn(f64) -> f64) -> Result<Value, EvalError> {
    Ok(match number_arg(args, 0) {
        Some(n) => num(f(n)),
        None => Value::Undefined,
    })
}

/// Whether `s` is a decimal number as `$number` accepts it:
/// `-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?`.
fn is_decimal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    if !digits(&mut i) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// Whether `s[at..]` starts with `0`, one of `letters`, and at least one
/// digit of `radix`; returns the end of those digits.
fn radix_literal_at(s: &[u8], at: usize, letters: [u8; 2], radix: u32) -> Option<usize> {
    if s.get(at) != Some(&b'0') || !s.get(at + 1).is_some_and(|l| letters.contains(l)) {
        return None;
    }
    let mut end = at + 2;
    while s.get(end).is_some_and(|&d| char::from(d).is_digit(radix)) {
        end += 1;
    }
    (end > at + 2).then_some(end)
}

/// jsonata-js's test for a hexadecimal, octal or binary literal (see the
/// module docs for its odd anchoring).
fn looks_like_radix_literal(s: &str) -> bool {
    let b = s.as_bytes();
    radix_literal_at(b, 0, [b'x', b'X'], 16).is_some()
        || (0..b.len()).any(|at| radix_literal_at(b, at, [b'o', b'O'], 8).is_some())
        || (0..b.len()).any(|at| radix_literal_at(b, at, [b'b', b'B'], 2) == Some(b.len()))
}

/// JavaScript's white space and line terminators, which `Number` trims.
fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// JavaScript's `Number(s)` for the strings that reach it here: a
/// hexadecimal, octal or binary literal with optional surrounding white
/// space, NaN for anything else.
fn js_number_of_radix_literal(s: &str) -> f64 {
    let t = s.trim_matches(is_js_space);
    let b = t.as_bytes();
    for (letters, radix) in [([b'x', b'X'], 16), ([b'o', b'O'], 8), ([b'b', b'B'], 2)] {
        if radix_literal_at(b, 0, letters, radix) == Some(b.len()) {
            // Exact for values below 2^128; beyond that each digit is
            // folded in with one rounding (JavaScript rounds once).
            let digits = t.get(2..).unwrap_or("");
            return match u128::from_str_radix(digits, radix) {
                Ok(v) => v as f64,
                Err(_) => digits
                    .chars()
                    .filter_map(|d| d.to_digit(radix))
                    .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d)),
            };
        }
    }
    f64::NAN
}

/// The D3030 error for a value `$number` cannot convert.
fn cannot_cast(s: &str) -> EvalError {
    let mut quoted = String::new();
    write_json_string(&mut quoted, s);
    EvalError::new(
        "D3030",
        format!("Unable to cast value to a number: {quoted}"),
    )
}

/// `$number(arg)`.
fn number(args: &[Value]) -> Result<Value, EvalError> {
    match arg(args, 0) {
        Value::Undefined => Ok(Value::Undefined),
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::Bool(b) => Ok(Value::Number(if *b { 1.0 } else { 0.0 })),
        Value::String(s) => {
            if is_decimal(s) {
                match s.parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(num(n)),
                    _ => Err(cannot_cast(s)),
                }
            } else if looks_like_radix_literal(s) {
                Ok(Value::Number(js_number_of_radix_literal(s)))
            } else {
                Err(cannot_cast(s))
            }
        }
        _ => Err(EvalError::new(
            "T0410",
            "Argument 1 of function \"number\" does not match function signature",
        )),
    }
}

/// JavaScript's `Number(text)` for the texts `$round` builds
/// (`<mantissa>e<exponent>`): NaN for anything that is not a plain decimal.
fn js_parse(text: &str) -> f64 {
    let valid = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'-' | b'+'))
        && text.bytes().filter(|&b| b == b'e').count() <= 1;
    if !valid {
        return f64::NAN;
    }
    text.parse().unwrap_or(f64::NAN)
}

/// Moves the decimal point of `value` by `places` through its text, as
/// jsonata-js does: `"1.005" + "e2"` → 100.5; `"1e-7"` becomes `"1e-5"`.
fn shift(value: f64, places: f64) -> f64 {
    let text = js_number_string(value);
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => (m, js_parse(e)),
        None => (text.as_str(), 0.0),
    };
    js_parse(&format!(
        "{mantissa}e{}",
        js_number_string(exponent + places)
    ))
}

/// JavaScript's `Math.round`: to the nearest integer, halves up.
fn js_math_round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let floor = x.floor();
    if x - floor >= 0.5 { floor + 1.0 } else { floor }
}

/// `$round(number, precision?)`: half to even.
fn round(args: &[Value]) -> Result<Value, EvalError> {
    let Some(value) = number_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let precision = number_arg(args, 1).filter(|p| *p != 0.0 && !p.is_nan());
    let shifted = match precision {
        Some(p) => shift(value, p),
        None => value,
    };
    let mut result = js_math_round(shifted);
    let diff = result - shifted;
    if diff.abs() == 0.5 && (result % 2.0).abs() == 1.0 {
        result -= 1.0;
    }
    if let Some(p) = precision {
        result = shift(result, -p);
    }
    Ok(num(result))
}

/// `$power(base, exponent)`.
fn power(args: &[Value]) -> Result<Value, EvalError> {
    let Some(base) = number_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    let exponent = number_arg(args, 1);
    let result = js_pow(base, exponent.unwrap_or(f64::NAN));
    if !result.is_finite() {
        let exponent = exponent.map_or_else(|| "undefined".to_owned(), js_number_string);
        return Err(EvalError::new(
            "D3061",
            format!(
                "The power function has resulted in a value that cannot be represented as a JSON number: base={}, exponent={exponent}",
                js_number_string(base)
            ),
        ));
    }
    Ok(num(result))
}

/// JavaScript's `Math.pow` (which differs from `powf` for a base of ±1 with
/// an infinite or NaN exponent: NaN rather than 1).
fn js_pow(base: f64, exponent: f64) -> f64 {
    if exponent.is_nan() || (base.abs() == 1.0 && exponent.is_infinite()) {
        return f64::NAN;
    }
    base.powf(exponent)
}

/// `$sqrt(number)`.
fn sqrt(args: &[Value]) -> Result<Value, EvalError> {
    let Some(n) = number_arg(args, 0) else {
        return Ok(Value::Undefined);
    };
    if n < 0.0 {
        return Err(EvalError::new(
            "D3060",
            format!(
                "The sqrt function cannot be applied to a negative number: {}",
                js_number_string(n)
            ),
        ));
    }
    Ok(num(n.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from jsonata-js 2.0.6 in Node.

    /// The result as jsonata-js's JSON.stringify would show it.
    fn show(v: Result<Value, EvalError>) -> String {
        match v {
            Ok(Value::Undefined) => "undefined".to_owned(),
            Ok(Value::Number(n)) if !n.is_finite() => "null".to_owned(),
            Ok(Value::Number(n)) => js_number_string(n),
            Ok(other) => format!("{other:?}"),
            Err(e) => format!("ERR {} {}", e.code, e.message),
        }
    }
    fn s(v: &str) -> Vec<Value> {
        vec![Value::string(v)]
    }
    fn n(v: &[f64]) -> Vec<Value> {
        v.iter().map(|&x| Value::Number(x)).collect()
    }

    #[test]
    fn number_of_strings() {
        let ok: &[(&str, &str)] = &[
            ("12", "12"),
            ("1e3", "1000"),
            ("-1.5E-2", "-0.015"),
            ("0x1F", "31"),
            ("0X1F", "31"),
            ("0o17", "15"),
            ("0b101", "5"),
            ("0B101", "5"),
            ("0O17", "15"),
            ("012", "12"),
            ("-012", "-12"),
            ("-0", "0"),
            ("00", "0"),
            ("1E+2", "100"),
            ("1.0", "1"),
            ("0x1.5", "null"),
            ("0x1g", "null"),
            ("0o78", "null"),
            ("0xFFFFFFFFFFFFFFFFFF", "4.722366482869645e+21"),
            ("1e-400", "0"),
            ("123456789012345678901234567890", "1.2345678901234568e+29"),
            ("0x10 ", "16"),
        ];
        for &(text, want) in ok {
            assert_eq!(show(number(&s(text))), want, "{text}");
        }
        for bad in [
            "  12 ", "+5", ".5", "5.", "-0x10", "0x", "0xg", "", " ", "abc", "1,000", "Infinity",
            "NaN", "1e400", "0b2", "0o8", "1_000", "\n5\t", "-", "1e", "-.5", "-5.", "0b12",
            "0x 1", "0b", "5e",
        ] {
            let mut quoted = String::new();
            write_json_string(&mut quoted, bad);
            assert_eq!(
                show(number(&s(bad))),
                format!("ERR D3030 Unable to cast value to a number: {quoted}"),
                "{bad:?}"
            );
        }
        assert_eq!(show(number(&[Value::Bool(true)])), "1");
        assert_eq!(show(number(&[Value::Bool(false)])), "0");
        assert_eq!(show(number(&[Value::Undefined])), "undefined");
        assert_eq!(show(number(&n(&[5.0]))), "5");
    }

    #[test]
    fn abs_floor_ceil() {
        assert_eq!(show(unary(&n(&[-5.5]), f64::abs)), "5.5");
        assert_eq!(show(unary(&[], f64::abs)), "undefined");
        assert_eq!(show(unary(&n(&[-5.5]), f64::floor)), "-6");
        assert_eq!(show(unary(&n(&[5.5]), f64::floor)), "5");
        assert_eq!(show(unary(&n(&[-5.5]), f64::ceil)), "-5");
        assert_eq!(show(unary(&n(&[5.2]), f64::ceil)), "6");
        assert!(
            matches!(unary(&n(&[-0.5]), f64::ceil), Ok(Value::Number(z)) if z == 0.0 && z.is_sign_positive())
        );
    }

    #[test]
    fn rounding() {
        let cases: &[(&[f64], &str)] = &[
            (&[123.456], "123"),
            (&[123.456, 2.0], "123.46"),
            (&[123.456, -1.0], "120"),
            (&[123.456, -2.0], "100"),
            (&[125.0, -1.0], "120"),
            (&[135.0, -1.0], "140"),
            (&[11.5], "12"),
            (&[12.5], "12"),
            (&[-12.5], "-12"),
            (&[-11.5], "-12"),
            (&[0.5], "0"),
            (&[1.5], "2"),
            (&[2.5], "2"),
            (&[1.005, 2.0], "1"),
            (&[1.015, 2.0], "1.02"),
            (&[2.675, 2.0], "2.68"),
            (&[1.45, 1.0], "1.4"),
            (&[1.23456, 1.7], "null"),
            (&[1e300, 2.0], "1e+300"),
            (&[5e-324], "0"),
            (&[-0.4], "0"),
            (&[0.000001234567, 10.0], "0.0000012346"),
            (&[123_456_789.123_456_79, 5.0], "123456789.12346"),
            (&[1.5, 400.0], "null"),
            (&[12345.0, -400.0], "0"),
            (&[0.0000001, 2.0], "0"),
            (&[1e21], "1e+21"),
            (&[1e21, 1.0], "1e+21"),
            (&[1e-7], "0"),
            (&[2.5, 0.0], "2"),
            (&[-2.5, 0.0], "-2"),
            (&[3.14149, 3.0], "3.141"),
            (&[1234.5678, -2.5], "null"),
            (&[-0.5], "0"),
            (&[9007199254740993.0], "9007199254740992"),
            (&[4.5e15 + 0.5], "4500000000000000"),
            (&[0.49999999999999994], "0"),
            (&[-0.49999999999999994], "0"),
        ];
        for &(input, want) in cases {
            assert_eq!(show(round(&n(input))), want, "{input:?}");
        }
        assert_eq!(
            show(round(&[Value::Undefined, Value::Number(2.0)])),
            "undefined"
        );
        assert_eq!(show(round(&[Value::Number(1.5), Value::Undefined])), "2");
    }

    #[test]
    fn power_and_sqrt() {
        assert_eq!(show(power(&n(&[2.0, 3.0]))), "8");
        assert_eq!(show(power(&n(&[2.0, -1.0]))), "0.5");
        assert_eq!(show(power(&n(&[2.0, 0.5]))), "1.4142135623730951");
        assert_eq!(
            show(power(&n(&[-8.0, 1.0 / 3.0]))),
            "ERR D3061 The power function has resulted in a value that cannot be represented as a JSON number: base=-8, exponent=0.3333333333333333"
        );
        assert_eq!(
            show(power(&n(&[10.0, 400.0]))),
            "ERR D3061 The power function has resulted in a value that cannot be represented as a JSON number: base=10, exponent=400"
        );
        assert_eq!(
            show(power(&n(&[0.0, -1.0]))),
            "ERR D3061 The power function has resulted in a value that cannot be represented as a JSON number: base=0, exponent=-1"
        );
        assert_eq!(
            show(power(&[Value::Number(2.0), Value::Undefined])),
            "ERR D3061 The power function has resulted in a value that cannot be represented as a JSON number: base=2, exponent=undefined"
        );
        assert_eq!(
            show(power(&[Value::Undefined, Value::Number(2.0)])),
            "undefined"
        );
        assert_eq!(show(sqrt(&n(&[4.0]))), "2");
        assert_eq!(show(sqrt(&n(&[2.0]))), "1.4142135623730951");
        assert_eq!(
            show(sqrt(&n(&[-1.0]))),
            "ERR D3060 The sqrt function cannot be applied to a negative number: -1"
        );
        assert_eq!(show(sqrt(&[])), "undefined");
        assert_eq!(show(sqrt(&n(&[-0.0]))), "0");
    }
}
