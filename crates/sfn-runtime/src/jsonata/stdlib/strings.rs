//! JSONata's string functions: `$string`, `$length`, `$substring`,
//! `$substringBefore`, `$substringAfter`, `$uppercase`, `$lowercase`,
//! `$trim`, `$pad`, `$contains`, `$split`, `$join`, `$match` and `$replace`,
//! plus the number-to-text and value-to-JSON conversions the rest of the
//! evaluator shares ([`number_to_string`], [`stringify`]).
//!
//! Behaviour follows jsonata-js 2.0.6 as run in Node (each rule below was
//! checked there):
//!
//! * an undefined main argument gives undefined;
//! * `$length`, `$substring` and `$pad` count Unicode code points (jsonata-js
//!   uses `Array.from`); `$match` reports UTF-16 indexes (JavaScript string
//!   indexes);
//! * `$substring` truncates fractional positions the way JavaScript's
//!   `Array.prototype.slice` does, and a negative start counts from the end;
//! * `$pad` with a width that is not a whole number and needs padding fails
//!   (JavaScript's `RangeError: Invalid array length`, reported here with
//!   code [`RANGE_ERROR`]);
//! * limits of `$split` with a string separator are converted like
//!   JavaScript's `ToUint32` (`2.7` is 2); with a regular expression, and in
//!   `$match` and `$replace`, a limit `n` allows matches while the count is
//!   below `n` (so `1.5` allows 2);
//! * `$replace` with a regular expression expands `$0`, `$1`..`$99` and `$$`
//!   in the replacement (a two-digit reference falls back to one digit
//!   followed by a literal digit when there are not that many groups); with
//!   a string pattern the replacement is inserted literally;
//! * a regular expression that matches the empty string is error D1004 in
//!   `$split`, `$match` and `$replace` (not in `$contains`).
//!
//! Deliberate differences from jsonata-js: `$split(s, "")` splits into code
//! points where JavaScript splits into UTF-16 code units (so an emoji stays
//! whole instead of becoming two lone surrogates); `$replace` with a *string*
//! pattern and a *function* replacement calls the function with
//! `{match, index, groups}` (jsonata-js 2.0.6 inserts the JavaScript source
//! text of its internal wrapper, which is a bug); the match object passed to
//! a replacement function for a regular expression has no `next` member.

use std::rc::Rc;

use crate::jsonata::builtins::{Builtin, Call, EvalError};
use crate::jsonata::stdlib::regex::{self, JsMatch, JsRegex, utf16_len, utf16_offset};
use crate::jsonata::value::{Array, Function, Object, Value};

/// Error code used for JavaScript engine errors that jsonata-js lets through
/// without a code of its own (`RangeError: Invalid array length`).
pub(crate) const RANGE_ERROR: &str = "RangeError";

/// The longest string (in UTF-16 code units) JavaScript engines build; `$pad`
/// fails beyond it as V8 does.
const MAX_STRING_UNITS: f64 = 536_870_888.0;

/// The string functions.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "string",
        signature: "<x-b?:s>",
        call: |c, a| string_fn(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "length",
        signature: "<s-:n>",
        call: |c, a| length(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "substring",
        signature: "<s-nn?:s>",
        call: |c, a| substring(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "substringBefore",
        signature: "<s-s:s>",
        call: |c, a| substring_before(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "substringAfter",
        signature: "<s-s:s>",
        call: |c, a| substring_after(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "uppercase",
        signature: "<s-:s>",
        call: |c, a| uppercase(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "lowercase",
        signature: "<s-:s>",
        call: |c, a| lowercase(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "trim",
        signature: "<s-:s>",
        call: |c, a| trim(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "pad",
        signature: "<s-ns?:s>",
        call: |c, a| pad(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "contains",
        signature: "<s-(sf):b>",
        call: |c, a| contains(c, &a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "split",
        signature: "<s-(sf)n?:a<s>>",
        call: |c, a| split(c, &a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "join",
        signature: "<a<s>s?:s>",
        call: |c, a| join(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "match",
        signature: "<s-f<s:o>n?:a<o>>",
        call: |c, a| match_fn(c, &a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "replace",
        signature: "<s-(sf)(sf)n?:s>",
        call: |c, a| replace(c, &a).map_err(|e| at_call(c, e)),
    },
];

/// Places an error raised by a library function at the call, unless it
/// already has a position (an error from a callback keeps its own).
pub(crate) fn at_call(c: &Call<'_>, e: EvalError) -> EvalError {
    if e.position.is_some() {
        e
    } else {
        c.error(e.code, e.message)
    }
}

/// Calling a function value: what the string functions need of the
/// evaluator (a trait so that the functions can be tested without one).
pub(crate) trait Apply {
    /// Calls `f` with `args`.
    fn apply(&mut self, f: &Value, args: Vec<Value>) -> Result<Value, EvalError>;
}

impl Apply for Call<'_> {
    fn apply(&mut self, f: &Value, args: Vec<Value>) -> Result<Value, EvalError> {
        Call::apply(self, f, args)
    }
}

/// Argument `i`, undefined when absent.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Undefined)
}

/// A plain (non-sequence) array value.
pub(crate) fn array(items: Vec<Value>) -> Value {
    Value::Array(Rc::new(Array {
        items,
        ..Array::default()
    }))
}

/// A sequence: undefined when empty, the item itself when there is one, an
/// array otherwise (what jsonata-js returns from functions that build
/// sequences, such as `$match`).
pub(crate) fn sequence(mut items: Vec<Value>) -> Value {
    match items.len() {
        0 => Value::Undefined,
        1 => items.pop().unwrap_or_default(),
        _ => Value::Array(Rc::new(Array {
            items,
            sequence: true,
            ..Array::default()
        })),
    }
}

/// A number argument as `f64`, `None` when it is not a number.
fn number_arg(args: &[Value], i: usize) -> Option<f64> {
    match arg(args, i) {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// The error for an argument of the wrong type (normally caught by the
/// signature check before the call).
fn type_error(name: &str, i: usize) -> EvalError {
    EvalError::new(
        "T0410",
        format!(
            "Argument {} of function \"{name}\" does not match function signature",
            i + 1
        ),
    )
}

/// The string argument `i`: `Ok(None)` when undefined.
fn string_arg<'v>(args: &'v [Value], i: usize, name: &str) -> Result<Option<&'v str>, EvalError> {
    match arg(args, i) {
        Value::Undefined => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(type_error(name, i)),
    }
}

// ---------------------------------------------------------------------------
// Numbers as text, values as JSON
// ---------------------------------------------------------------------------

/// JavaScript's `String(n)` (`Number.prototype.toString()`): the shortest
/// decimal that reads back as `n`, in exponent form below 1e-6 and from 1e21.
pub(crate) fn js_number_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if n == 0.0 {
        return "0".to_owned();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    // `{:e}` gives the shortest round-trip digits: "1.2345e-7".
    let exp_form = format!("{:e}", n.abs());
    let (mantissa, exponent) = exp_form.split_once('e').unwrap_or((exp_form.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    layout(sign, &digits, exponent + 1)
}

/// Lays out significant `digits` with the decimal point after `point` digits
/// (`point` may be negative or past the digits), as JavaScript does.
fn layout(sign: &str, digits: &str, point: i32) -> String {
    let k = digits.len() as i32;
    let mut out = String::from(sign);
    if k <= point && point <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        let (int, frac) = digits.split_at(point as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = point - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&e.abs().to_string());
    }
    out
}

/// `Number(n.toPrecision(15))`: `n` rounded to 15 significant digits, ties
/// away from zero as JavaScript's `toPrecision` rounds them.
pub(crate) fn round_15(n: f64) -> f64 {
    if !n.is_finite() || n == 0.0 {
        return n;
    }
    // The exact decimal expansion decides ties: a tie needs the value to be
    // exactly representable in 16 significant digits ending in 5, which
    // 40 digits show.
    let long = format!("{:.40e}", n.abs());
    let (mantissa, exponent) = long.split_once('e').unwrap_or((long.as_str(), "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let tie = digits.get(15) == Some(&b'5') && digits.iter().skip(16).all(|&d| d == b'0');
    if tie {
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let head: String = digits.iter().take(15).map(|&d| char::from(d)).collect();
        let value: f64 = head.parse::<f64>().unwrap_or(0.0) + 1.0;
        let text = format!("{value}e{}", exponent - 14);
        let rounded: f64 = text.parse().unwrap_or(n.abs());
        return if n < 0.0 { -rounded } else { rounded };
    }
    format!("{n:.14e}").parse().unwrap_or(n)
}

/// A number as `$string` writes it: rounded to 15 significant digits, then
/// JavaScript's `String`. A number that rounds to infinity (only the very
/// largest doubles) is written `null`, as JSON.stringify does.
pub(crate) fn number_to_string(n: f64) -> String {
    let r = round_15(n);
    if r.is_finite() {
        js_number_string(r)
    } else {
        "null".to_owned()
    }
}

/// `$string` semantics: strings unchanged, functions become `""`, other
/// values as JSON (numbers per [`number_to_string`], two-space indentation
/// when `pretty`); error D3001 for a non-finite number. Undefined gives the
/// empty string (callers check for undefined first where it matters).
pub(crate) fn stringify(v: &Value, pretty: bool) -> Result<String, EvalError> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        Value::Function(_) => Ok(String::new()),
        Value::Undefined => Ok(String::new()),
        Value::Number(n) if !n.is_finite() => Err(EvalError::new(
            "D3001",
            "Attempting to invoke string function on Infinity or NaN",
        )),
        _ => {
            let mut out = String::new();
            write_json(&mut out, v, pretty);
            Ok(out)
        }
    }
}

/// Writes a JSON string literal as JSON.stringify does.
pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Newline and indentation for pretty output.
fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', depth * 2));
}

/// Writes `v` as JSON (JSON.stringify with jsonata's replacer), at any
/// depth: the open arrays and objects are kept in a list, not on the stack.
fn write_json(out: &mut String, v: &Value, pretty: bool) {
    /// An array or object being written, and whether a member has been.
    enum Open<'a> {
        Array(std::slice::Iter<'a, Value>, bool),
        Object(indexmap::map::Iter<'a, String, Value>, bool),
    }
    let mut open: Vec<Open<'_>> = Vec::new();
    let mut next = Some(v);
    loop {
        if let Some(v) = next.take() {
            match v {
                Value::Undefined | Value::Null => out.push_str("null"),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Number(n) => out.push_str(&number_to_string(*n)),
                Value::String(s) => write_json_string(out, s),
                Value::Function(_) => out.push_str("\"\""),
                Value::Array(a) if a.items.is_empty() => out.push_str("[]"),
                Value::Array(a) => {
                    out.push('[');
                    open.push(Open::Array(a.items.iter(), false));
                }
                Value::Object(o) => {
                    out.push('{');
                    open.push(Open::Object(o.iter(), false));
                }
            }
        }
        // The depth of the members of the innermost open container.
        let depth = open.len();
        match open.last_mut() {
            None => return,
            Some(Open::Array(items, any)) => match items.next() {
                Some(item) => {
                    if *any {
                        out.push(',');
                    }
                    *any = true;
                    if pretty {
                        newline(out, depth);
                    }
                    next = Some(item);
                }
                None => {
                    open.pop();
                    if pretty {
                        newline(out, depth - 1);
                    }
                    out.push(']');
                }
            },
            Some(Open::Object(members, any)) => {
                match members.find(|(_, item)| !item.is_undefined()) {
                    Some((k, item)) => {
                        if *any {
                            out.push(',');
                        }
                        *any = true;
                        if pretty {
                            newline(out, depth);
                        }
                        write_json_string(out, k);
                        out.push(':');
                        if pretty {
                            out.push(' ');
                        }
                        next = Some(item);
                    }
                    None => {
                        let any = *any;
                        open.pop();
                        if pretty && any {
                            newline(out, depth - 1);
                        }
                        out.push('}');
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The simple functions
// ---------------------------------------------------------------------------

/// `$string(arg, prettify?)`.
fn string_fn(args: &[Value]) -> Result<Value, EvalError> {
    let v = arg(args, 0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let pretty = matches!(arg(args, 1), Value::Bool(true));
    Ok(Value::string(stringify(v, pretty)?))
}

/// `$length(str)`: code points.
fn length(args: &[Value]) -> Result<Value, EvalError> {
    Ok(match string_arg(args, 0, "length")? {
        Some(s) => Value::Number(s.chars().count() as f64),
        None => Value::Undefined,
    })
}

/// JavaScript's relative index conversion for `slice`: truncate, count
/// negative values from `len`, clamp to `0..=len`.
fn slice_index(x: f64, len: usize) -> usize {
    let len_f = len as f64;
    let x = if x.is_nan() { 0.0 } else { x.trunc() };
    let x = if x < 0.0 {
        (len_f + x).max(0.0)
    } else {
        x.min(len_f)
    };
    x as usize
}

/// `$substring(str, start, length?)`.
fn substring(args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "substring")? else {
        return Ok(Value::Undefined);
    };
    let start = number_arg(args, 1).unwrap_or(f64::NAN);
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len();
    let len_f = len as f64;
    let start = if len_f + start < 0.0 { 0.0 } else { start };
    let (from, to) = match number_arg(args, 2) {
        Some(count) => {
            if count <= 0.0 || count.is_nan() {
                return Ok(Value::string(""));
            }
            let end = if start >= 0.0 {
                start + count
            } else {
                len_f + start + count
            };
            (slice_index(start, len), slice_index(end, len))
        }
        None => (slice_index(start, len), len),
    };
    let out: String = chars
        .get(from..to.max(from))
        .unwrap_or(&[])
        .iter()
        .collect();
    Ok(Value::string(out))
}

/// `$substringBefore(str, chars)`.
fn substring_before(args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "substringBefore")? else {
        return Ok(Value::Undefined);
    };
    let Some(pat) = string_arg(args, 1, "substringBefore")? else {
        return Ok(Value::string(s));
    };
    Ok(Value::string(match s.find(pat) {
        Some(i) => s.get(..i).unwrap_or(s),
        None => s,
    }))
}

/// `$substringAfter(str, chars)`.
fn substring_after(args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "substringAfter")? else {
        return Ok(Value::Undefined);
    };
    let Some(pat) = string_arg(args, 1, "substringAfter")? else {
        return Ok(Value::string(s));
    };
    Ok(Value::string(match s.find(pat) {
        Some(i) => s.get(i + pat.len()..).unwrap_or(""),
        None => s,
    }))
}

/// `$uppercase(str)`.
fn uppercase(args: &[Value]) -> Result<Value, EvalError> {
    Ok(match string_arg(args, 0, "uppercase")? {
        Some(s) => Value::string(s.to_uppercase()),
        None => Value::Undefined,
    })
}

/// `$lowercase(str)`.
fn lowercase(args: &[Value]) -> Result<Value, EvalError> {
    Ok(match string_arg(args, 0, "lowercase")? {
        Some(s) => Value::string(s.to_lowercase()),
        None => Value::Undefined,
    })
}

/// `$trim(str)`: runs of space, tab, CR and LF become one space; a leading
/// and a trailing space are removed.
fn trim(args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "trim")? else {
        return Ok(Value::Undefined);
    };
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    let out = out.strip_prefix(' ').unwrap_or(&out);
    let out = out.strip_suffix(' ').unwrap_or(out);
    Ok(Value::string(out))
}

/// `$pad(str, width, char?)`.
fn pad(args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "pad")? else {
        return Ok(Value::Undefined);
    };
    let width = number_arg(args, 1).unwrap_or(f64::NAN);
    let fill = match arg(args, 2) {
        Value::String(c) if !c.is_empty() => c.to_string(),
        _ => " ".to_owned(),
    };
    let count = width.abs() - s.chars().count() as f64;
    if count.is_nan() || count <= 0.0 {
        return Ok(Value::string(s));
    }
    if count.fract() != 0.0 || count + 1.0 > 4_294_967_295.0 {
        return Err(EvalError::new(RANGE_ERROR, "Invalid array length"));
    }
    if count * fill.chars().count() as f64 > MAX_STRING_UNITS {
        return Err(EvalError::new(RANGE_ERROR, "Invalid string length"));
    }
    let padding: String = fill.chars().cycle().take(count as usize).collect();
    Ok(Value::string(if width < 0.0 {
        padding + s
    } else {
        s.to_owned() + &padding
    }))
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/// One match found by a matcher: byte offsets and the groups.
struct Found {
    start: usize,
    end: usize,
    groups: Vec<Value>,
}

/// The regular expression inside a function value, if it is one.
fn as_regex(v: &Value) -> Option<&JsRegex> {
    match v {
        Value::Function(f) => match &**f {
            Function::Regex(re) => Some(re),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a match object `{match, start, end, groups, next}` returned by a
/// custom matcher function, with byte offsets into `s`.
fn read_match_object(s: &str, v: &Value) -> Option<(Found, Value)> {
    let Value::Object(o) = v else {
        return None;
    };
    let num = |k: &str| match o.get(k) {
        Some(Value::Number(n)) if *n >= 0.0 => Some(*n as usize),
        _ => None,
    };
    let start16 = num("start")?;
    let end16 = num("end").unwrap_or(start16).max(start16);
    let groups = match o.get("groups") {
        Some(Value::Array(a)) => a.items.clone(),
        _ => Vec::new(),
    };
    let found = Found {
        start: regex::byte_offset(s, start16),
        end: regex::byte_offset(s, end16),
        groups,
    };
    Some((found, o.get("next").cloned().unwrap_or_default()))
}

/// All matches of `matcher` (a regular expression or a custom matcher
/// function) in `s`, while `keep_going(count)` holds; D1004 for an empty
/// match (but for a first one at the end of the string).
fn find_all(
    c: &mut dyn Apply,
    matcher: &Value,
    s: &str,
    mut keep_going: impl FnMut(usize) -> bool,
) -> Result<Vec<Found>, EvalError> {
    let mut out = Vec::new();
    if let Some(re) = as_regex(matcher) {
        let mut from = 0;
        while keep_going(out.len()) {
            let Some(m) = re.find_at(s, from)? else {
                break;
            };
            // jsonata-js asks for the next match only while the last one
            // ended before the end of the string, and fails when it is
            // empty: so an empty match is an error unless it is the first
            // and at the very end (`$match('', /^/)`).
            if m.is_empty() && !(out.is_empty() && m.end >= s.len()) {
                return Err(regex::zero_length());
            }
            from = m.end;
            out.push(found(s, &m));
            if from >= s.len() {
                break;
            }
        }
        return Ok(out);
    }
    // A function that behaves like a regular expression: called with the
    // string, it returns a match object whose `next()` gives the next one.
    let mut current = c.apply(matcher, vec![Value::string(s)])?;
    while keep_going(out.len()) {
        let Some((f, next)) = read_match_object(s, &current) else {
            break;
        };
        if f.start >= f.end {
            return Err(regex::zero_length());
        }
        if out.len() > s.len() {
            // More non-empty matches than characters: the matcher loops.
            return Err(regex::zero_length());
        }
        out.push(f);
        if !matches!(next, Value::Function(_)) {
            break;
        }
        current = c.apply(&next, Vec::new())?;
    }
    Ok(out)
}

/// A regular expression match as a [`Found`].
fn found(s: &str, m: &JsMatch) -> Found {
    Found {
        start: m.start,
        end: m.end,
        groups: m.group_values(s),
    }
}

/// A limit argument: `Ok(None)` when absent, D-error `code` when negative.
fn limit_arg(
    args: &[Value],
    i: usize,
    code: &'static str,
    message: &str,
) -> Result<Option<f64>, EvalError> {
    match arg(args, i) {
        Value::Number(n) if *n < 0.0 => Err(EvalError::new(code, message)),
        Value::Number(n) => Ok(Some(*n)),
        _ => Ok(None),
    }
}

/// `$contains(str, pattern)`.
fn contains(c: &mut dyn Apply, args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "contains")? else {
        return Ok(Value::Undefined);
    };
    let found = match arg(args, 1) {
        Value::String(p) => s.contains(&**p),
        Value::Undefined => return Ok(Value::Undefined),
        f @ Value::Function(_) => match as_regex(f) {
            Some(re) => re.is_match(s)?,
            None => !c.apply(f, vec![Value::string(s)])?.is_undefined(),
        },
        _ => return Err(type_error("contains", 1)),
    };
    Ok(Value::Bool(found))
}

/// JavaScript's `ToUint32`.
fn to_uint32(n: f64) -> u64 {
    if !n.is_finite() {
        return 0;
    }
    n.trunc().rem_euclid(4_294_967_296.0) as u64
}

/// `$split(str, separator, limit?)`.
fn split(c: &mut dyn Apply, args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "split")? else {
        return Ok(Value::Undefined);
    };
    let limit = limit_arg(
        args,
        2,
        "D3020",
        "Third argument of split function must evaluate to a positive number",
    )?;
    let pieces: Vec<Value> = match arg(args, 1) {
        Value::String(sep) => {
            let max = limit.map_or(u64::from(u32::MAX), to_uint32) as usize;
            if sep.is_empty() {
                s.chars()
                    .take(max)
                    .map(|ch| Value::string(ch.to_string()))
                    .collect()
            } else {
                s.split(&**sep).take(max).map(Value::string).collect()
            }
        }
        f @ Value::Function(_) => {
            let below = |count: usize| limit.is_none_or(|l| (count as f64) < l);
            let matches = find_all(c, f, s, below)?;
            let mut pieces = Vec::with_capacity(matches.len() + 1);
            let mut start = 0;
            for m in &matches {
                pieces.push(Value::string(
                    s.get(start..m.start.max(start)).unwrap_or(""),
                ));
                start = m.end;
            }
            if below(matches.len()) {
                pieces.push(Value::string(s.get(start..).unwrap_or("")));
            }
            pieces
        }
        _ => return Err(type_error("split", 1)),
    };
    Ok(array(pieces))
}

/// `$join(array, separator?)`.
fn join(args: &[Value]) -> Result<Value, EvalError> {
    let sep = match arg(args, 1) {
        Value::String(s) => s.to_string(),
        _ => String::new(),
    };
    let items: Vec<&str> = match arg(args, 0) {
        Value::Undefined => return Ok(Value::Undefined),
        Value::String(s) => vec![&**s],
        Value::Array(a) => {
            let mut items = Vec::with_capacity(a.items.len());
            for item in &a.items {
                match item {
                    Value::String(s) => items.push(&**s),
                    Value::Undefined => {}
                    _ => {
                        return Err(EvalError::new(
                            "T0412",
                            "Argument 1 of function \"join\" must be an array of \"strings\"",
                        ));
                    }
                }
            }
            items
        }
        _ => return Err(type_error("join", 0)),
    };
    Ok(Value::string(items.join(&sep)))
}

/// `$match(str, pattern, limit?)`: a sequence of `{match, index, groups}`.
fn match_fn(c: &mut dyn Apply, args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "match")? else {
        return Ok(Value::Undefined);
    };
    let limit = limit_arg(
        args,
        2,
        "D3040",
        "Third argument of match function must evaluate to a positive number",
    )?;
    let matcher = arg(args, 1);
    if !matches!(matcher, Value::Function(_)) {
        return Err(type_error("match", 1));
    }
    let matches = find_all(c, matcher, s, |count| {
        limit.is_none_or(|l| (count as f64) < l)
    })?;
    let mut cursor = (0, 0);
    let results = matches
        .into_iter()
        .map(|m| {
            let index = advance(s, &mut cursor, m.start);
            let mut o = Object::new();
            o.insert(
                "match".to_owned(),
                Value::string(s.get(m.start..m.end).unwrap_or("")),
            );
            o.insert("index".to_owned(), Value::Number(index as f64));
            o.insert("groups".to_owned(), array(m.groups));
            Value::Object(Rc::new(o))
        })
        .collect();
    Ok(sequence(results))
}

/// The UTF-16 index of byte offset `byte`, counting on from `cursor`
/// (byte, UTF-16 index) for offsets that only grow.
fn advance(s: &str, cursor: &mut (usize, usize), byte: usize) -> usize {
    let (from_byte, from_units) = *cursor;
    let units = match s.get(from_byte..byte) {
        Some(part) if byte >= from_byte => from_units + utf16_len(part),
        _ => utf16_offset(s, byte),
    };
    *cursor = (byte, units);
    units
}

/// `$replace(str, pattern, replacement, limit?)`.
fn replace(c: &mut dyn Apply, args: &[Value]) -> Result<Value, EvalError> {
    let Some(s) = string_arg(args, 0, "replace")? else {
        return Ok(Value::Undefined);
    };
    let pattern = arg(args, 1);
    if matches!(pattern, Value::String(p) if p.is_empty()) {
        return Err(EvalError::new(
            "D3010",
            "Second argument of replace function cannot be an empty string",
        ));
    }
    let limit = limit_arg(
        args,
        3,
        "D3011",
        "Fourth argument of replace function must evaluate to a positive number",
    )?;
    let below = |count: usize| limit.is_none_or(|l| (count as f64) < l);
    let replacement = arg(args, 2);
    let regex = as_regex(pattern);
    let matches: Vec<Found> = match pattern {
        Value::String(p) => {
            let mut out = Vec::new();
            let mut from = 0;
            while below(out.len()) {
                let Some(i) = s.get(from..).and_then(|rest| rest.find(&**p)) else {
                    break;
                };
                let start = from + i;
                from = start + p.len();
                out.push(Found {
                    start,
                    end: from,
                    groups: Vec::new(),
                });
            }
            out
        }
        Value::Function(_) => find_all(c, pattern, s, below)?,
        _ => return Err(type_error("replace", 1)),
    };
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut cursor = (0, 0);
    for m in matches {
        out.push_str(s.get(last..m.start.max(last)).unwrap_or(""));
        let text = s.get(m.start..m.end).unwrap_or("");
        match replacement {
            Value::String(r) if matches!(pattern, Value::String(_)) => out.push_str(r),
            Value::String(r) => expand(&mut out, r, text, &m.groups),
            Value::Undefined => out.push_str("undefined"),
            f @ Value::Function(_) => {
                let index = advance(s, &mut cursor, m.start);
                let mut o = Object::new();
                o.insert("match".to_owned(), Value::string(text));
                if regex.is_some() {
                    o.insert("start".to_owned(), Value::Number(index as f64));
                    o.insert(
                        "end".to_owned(),
                        Value::Number((index + utf16_len(text)) as f64),
                    );
                } else {
                    o.insert("index".to_owned(), Value::Number(index as f64));
                }
                o.insert("groups".to_owned(), array(m.groups));
                match c.apply(f, vec![Value::Object(Rc::new(o))])? {
                    Value::String(r) => out.push_str(&r),
                    _ => {
                        return Err(EvalError::new(
                            "D3012",
                            "Attempted to replace a matched string with a non-string value",
                        ));
                    }
                }
            }
            _ => return Err(type_error("replace", 2)),
        }
        last = m.end;
    }
    out.push_str(s.get(last..).unwrap_or(""));
    Ok(Value::string(out))
}

/// Expands `$$`, `$0` and `$n` in a replacement string.
fn expand(out: &mut String, replacement: &str, text: &str, groups: &[Value]) {
    let mut rest = replacement;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        if let Some(tail) = after.strip_prefix('0') {
            out.push_str(text);
            rest = tail;
            continue;
        }
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push('$');
            rest = after;
            continue;
        }
        // The longest prefix of the digits naming a group; a single digit is
        // used up even when there is no such group.
        let mut len = digits;
        let value = |len: usize| {
            after
                .get(..len)
                .and_then(|d| d.parse::<usize>().ok())
                .unwrap_or(usize::MAX)
        };
        while len > 1 && value(len) > groups.len() {
            len -= 1;
        }
        let n = value(len);
        if let Some(Value::String(g)) = n.checked_sub(1).and_then(|k| groups.get(k)) {
            out.push_str(g);
        }
        rest = after.get(len..).unwrap_or("");
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every expected value below was produced by jsonata-js 2.0.6 in Node.

    fn s(v: &str) -> Value {
        Value::string(v)
    }
    fn n(v: f64) -> Value {
        Value::Number(v)
    }
    fn re(p: &str) -> Value {
        Value::Function(Rc::new(Function::Regex(std::sync::Arc::new(
            JsRegex::new(p, false, false).expect("compiles"),
        ))))
    }
    fn arr(items: &[Value]) -> Value {
        array(items.to_vec())
    }

    /// The JSON text of a result (`undefined` for undefined).
    fn json(v: Result<Value, EvalError>) -> String {
        match v {
            Ok(Value::Undefined) => "undefined".to_owned(),
            Ok(Value::String(text)) => {
                let mut out = String::new();
                write_json_string(&mut out, &text);
                out
            }
            Ok(v) => stringify(&v, false).expect("stringifies"),
            Err(e) => format!("ERR {} {}", e.code, e.message),
        }
    }

    /// Calls a function value as the tests' only callback.
    struct Callback(fn(Vec<Value>) -> Result<Value, EvalError>);
    impl Apply for Callback {
        fn apply(&mut self, _f: &Value, args: Vec<Value>) -> Result<Value, EvalError> {
            (self.0)(args)
        }
    }
    fn no_callback() -> Callback {
        Callback(|_| Err(EvalError::new("T1006", "unexpected call")))
    }
    /// A function value standing for the callback.
    fn callback_value() -> Value {
        Value::Function(Rc::new(Function::Native(&FUNCTIONS[0])))
    }

    #[test]
    fn numbers_as_text() {
        let cases: &[(f64, &str)] = &[
            (1.0 / 3.0, "0.333333333333333"),
            (1e21, "1e+21"),
            (123456789012345678.0, "123456789012346000"),
            (0.1 + 0.2, "0.3"),
            (1e-7, "1e-7"),
            (-0.0, "0"),
            (1234567890123455.0, "1234567890123460"),
            (0.000001234567890123455, "0.00000123456789012346"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "null"),
            (100.0, "100"),
            (1e15, "1000000000000000"),
            (123e-20, "1.23e-18"),
            (-1.5, "-1.5"),
        ];
        for &(value, text) in cases {
            assert_eq!(number_to_string(value), text, "{value}");
        }
        assert_eq!(js_number_string(0.3333333333333333), "0.3333333333333333");
        assert_eq!(
            js_number_string(4.722366482869645e21),
            "4.722366482869645e+21"
        );
        assert_eq!(
            js_number_string(1.2345678901234568e29),
            "1.2345678901234568e+29"
        );
        assert_eq!(js_number_string(123456789.12346), "123456789.12346");
        assert_eq!(js_number_string(0.0000012346), "0.0000012346");
    }

    #[test]
    fn string_function() {
        let object = Value::from_json(&serde_json::json!({"a": 1.5, "b": [1, 2, {"c": "x"}]}));
        assert_eq!(
            json(string_fn(&[object, Value::Bool(true)])),
            r#""{\n  \"a\": 1.5,\n  \"b\": [\n    1,\n    2,\n    {\n      \"c\": \"x\"\n    }\n  ]\n}""#
        );
        let object = Value::from_json(&serde_json::json!({
            "b": [1e21, 1e-7, 123456789012345678.0_f64],
            "c": "é\u{1}\"\\\n\u{2028}", "d": null, "e": true
        }));
        assert_eq!(
            string_fn(&[object]).map(|v| stringify(&v, false).unwrap_or_default()),
            Ok("{\"b\":[1e+21,1e-7,123456789012346000],\"c\":\"é\\u0001\\\"\\\\\\n\u{2028}\",\"d\":null,\"e\":true}".to_owned())
        );
        assert_eq!(json(string_fn(&[arr(&[]), Value::Bool(true)])), r#""[]""#);
        assert_eq!(
            json(string_fn(&[arr(&[arr(&[])]), Value::Bool(true)])),
            r#""[\n  []\n]""#
        );
        assert_eq!(json(string_fn(&[n(1.0 / 3.0)])), r#""0.333333333333333""#);
        assert_eq!(json(string_fn(&[Value::Null])), r#""null""#);
        assert_eq!(
            json(string_fn(&[Value::Bool(true), Value::Bool(true)])),
            r#""true""#
        );
        assert_eq!(json(string_fn(&[s("x")])), r#""x""#);
        assert_eq!(json(string_fn(&[Value::Undefined])), "undefined");
        assert_eq!(json(string_fn(&[callback_value()])), r#""""#);
        assert_eq!(
            json(string_fn(&[arr(&[callback_value(), n(1.0)])])),
            r#""[\"\",1]""#
        );
        let mut o = Object::new();
        o.insert("a".to_owned(), Value::Undefined);
        assert_eq!(
            json(string_fn(&[arr(&[Value::Object(Rc::new(o))])])),
            r#""[{}]""#
        );
        assert_eq!(
            string_fn(&[n(f64::INFINITY)]).map_err(|e| e.code).err(),
            Some("D3001")
        );
    }

    #[test]
    fn length_and_case() {
        assert_eq!(json(length(&[s("héllo😀")])), "6");
        assert_eq!(json(length(&[s("")])), "0");
        assert_eq!(json(length(&[Value::Undefined])), "undefined");
        assert_eq!(json(uppercase(&[s("straße ǆ")])), r#""STRASSE Ǆ""#);
        assert_eq!(json(lowercase(&[s("ΣΑΣ Σ İ")])), "\"σας σ i\u{307}\"");
        assert_eq!(json(uppercase(&[Value::Undefined])), "undefined");
    }

    #[test]
    fn substrings() {
        let cases: &[(f64, Option<f64>, &str)] = &[
            (3.0, None, "lo world"),
            (-4.0, None, "orld"),
            (3.0, Some(5.0), "lo wo"),
            (-4.0, Some(2.0), "or"),
            (3.0, Some(-1.0), ""),
            (3.0, Some(0.0), ""),
            (1.5, Some(2.5), "ell"),
            (1.4, Some(2.4), "el"),
            (2.5, None, "llo world"),
            (-1.5, None, "d"),
            (20.0, None, ""),
            (-20.0, None, "hello world"),
            (-20.0, Some(5.0), "hello"),
            (-2.0, Some(5.0), "ld"),
            (-1.5, Some(1.0), ""),
            (-1.5, Some(1.6), "d"),
            (0.0, Some(1.9), "h"),
            (0.9, Some(1.9), "he"),
            (-0.5, Some(2.0), "hello world"),
            (1.0, Some(1e10), "ello world"),
            (-1e10, Some(1e10), "hello world"),
            (1e10, None, ""),
        ];
        for &(start, len, want) in cases {
            let mut args = vec![s("hello world"), n(start)];
            if let Some(l) = len {
                args.push(n(l));
            }
            assert_eq!(
                json(substring(&args)),
                format!("\"{want}\""),
                "{start} {len:?}"
            );
        }
        assert_eq!(json(substring(&[s("😀a😀b"), n(1.0), n(2.0)])), "\"a😀\"");
        assert_eq!(json(substring(&[Value::Undefined, n(1.0)])), "undefined");
        assert_eq!(
            json(substring_before(&[s("hello world"), s("o")])),
            r#""hell""#
        );
        assert_eq!(
            json(substring_before(&[s("hello world"), s("z")])),
            r#""hello world""#
        );
        assert_eq!(json(substring_before(&[s("hello world"), s("")])), r#""""#);
        assert_eq!(
            json(substring_after(&[s("hello world"), s("o")])),
            r#"" world""#
        );
        assert_eq!(
            json(substring_after(&[s("hello world"), s("z")])),
            r#""hello world""#
        );
        assert_eq!(
            json(substring_after(&[s("hello world"), s("")])),
            r#""hello world""#
        );
        assert_eq!(
            json(substring_after(&[Value::Undefined, s("a")])),
            "undefined"
        );
        assert_eq!(
            json(substring_before(&[Value::Undefined, s("a")])),
            "undefined"
        );
    }

    #[test]
    fn trim_and_pad() {
        assert_eq!(json(trim(&[s("  a \t\n b  \r ")])), r#""a b""#);
        assert_eq!(json(trim(&[s("\u{a0} a ")])), "\"\u{a0} a\"");
        assert_eq!(json(trim(&[s("")])), r#""""#);
        assert_eq!(json(trim(&[Value::Undefined])), "undefined");
        let pads: &[(&str, f64, Option<&str>, &str)] = &[
            ("foo", 5.0, None, "foo  "),
            ("foo", -5.0, None, "  foo"),
            ("foo", 5.0, Some("#"), "foo##"),
            ("foo", -8.0, Some("ab"), "ababafoo"),
            ("foo", 8.0, Some("😀x"), "foo😀x😀x😀"),
            ("foo", 2.0, None, "foo"),
            ("😀", 3.0, None, "😀  "),
            ("foo", 5.0, Some(""), "foo  "),
            ("foo", 2.5, None, "foo"),
        ];
        for &(text, width, fill, want) in pads {
            let mut args = vec![s(text), n(width)];
            if let Some(f) = fill {
                args.push(s(f));
            }
            assert_eq!(json(pad(&args)), format!("\"{want}\""), "{text} {width}");
        }
        for width in [5.5, 3.5, -3.5, 1e10] {
            assert_eq!(
                json(pad(&[s("foo"), n(width)])),
                "ERR RangeError Invalid array length"
            );
        }
        assert_eq!(json(pad(&[Value::Undefined, n(5.0)])), "undefined");
    }

    #[test]
    fn contains_fn() {
        let c = &mut no_callback();
        assert_eq!(json(contains(c, &[s("abracadabra"), s("bra")])), "true");
        assert_eq!(json(contains(c, &[s("abracadabra"), re("a.*a")])), "true");
        assert_eq!(json(contains(c, &[s("abracadabra"), re("ar")])), "false");
        assert_eq!(json(contains(c, &[s("abracadabra"), s("")])), "true");
        assert_eq!(json(contains(c, &[Value::Undefined, s("a")])), "undefined");
        assert_eq!(json(contains(c, &[s("abc"), re("x*")])), "true");
    }

    #[test]
    fn split_fn() {
        let c = &mut no_callback();
        let sp = |c: &mut Callback, args: &[Value]| json(split(c, args));
        assert_eq!(sp(c, &[s("a,b,,c"), s(",")]), r#"["a","b","","c"]"#);
        assert_eq!(sp(c, &[s("a,b,,c"), s(","), n(2.0)]), r#"["a","b"]"#);
        assert_eq!(sp(c, &[s("a,b,,c"), s(","), n(2.7)]), r#"["a","b"]"#);
        assert_eq!(sp(c, &[s("a,b,,c"), s(","), n(0.0)]), "[]");
        assert_eq!(
            sp(c, &[s("a,b,,c"), s(","), n(-1.0)]),
            "ERR D3020 Third argument of split function must evaluate to a positive number"
        );
        assert_eq!(sp(c, &[s("abc"), s("")]), r#"["a","b","c"]"#);
        assert_eq!(sp(c, &[s(""), s(",")]), r#"[""]"#);
        assert_eq!(sp(c, &[s(""), s("")]), "[]");
        assert_eq!(sp(c, &[s("a1b22c"), re(r"\d+")]), r#"["a","b","c"]"#);
        assert_eq!(sp(c, &[s("a1b22c"), re(r"\d+"), n(2.0)]), r#"["a","b"]"#);
        assert_eq!(
            sp(c, &[s("a1b22c"), re("x*")]),
            "ERR D1004 Regular expression matches zero length string"
        );
        assert_eq!(
            sp(c, &[s("bbc"), re("b*")]),
            "ERR D1004 Regular expression matches zero length string"
        );
        assert_eq!(sp(c, &[s("abc"), re("(b)")]), r#"["a","c"]"#);
        assert_eq!(sp(c, &[Value::Undefined, s(",")]), "undefined");
        assert_eq!(sp(c, &[s("a"), s(",")]), r#"["a"]"#);
        assert_eq!(sp(c, &[s("a,b,c"), s(","), n(1.5)]), r#"["a"]"#);
        assert_eq!(sp(c, &[s("a,b,c"), s(","), n(0.5)]), "[]");
        assert_eq!(sp(c, &[s("a,b,c"), re(","), n(1.5)]), r#"["a","b"]"#);
        assert_eq!(sp(c, &[s("a,b,c"), re(","), n(0.5)]), r#"["a"]"#);
        assert_eq!(sp(c, &[s("a😀b"), re("😀")]), r#"["a","b"]"#);
        assert_eq!(sp(c, &[s("a,"), re(",")]), r#"["a",""]"#);
    }

    #[test]
    fn join_fn() {
        let abc = arr(&[s("a"), s("b"), s("c")]);
        assert_eq!(json(join(std::slice::from_ref(&abc))), r#""abc""#);
        assert_eq!(json(join(&[abc, s(", ")])), r#""a, b, c""#);
        assert_eq!(json(join(&[arr(&[])])), r#""""#);
        assert_eq!(json(join(&[s("a"), s(",")])), r#""a""#);
        assert_eq!(json(join(&[Value::Undefined, s(",")])), "undefined");
        assert_eq!(
            json(join(&[arr(&[s("a"), n(1.0)]), s(",")])),
            "ERR T0412 Argument 1 of function \"join\" must be an array of \"strings\""
        );
        assert_eq!(
            json(join(&[arr(&[s("a"), s("b")]), Value::Undefined])),
            r#""ab""#
        );
    }

    #[test]
    fn match_fn_results() {
        let c = &mut no_callback();
        let m = |c: &mut Callback, args: &[Value]| json(match_fn(c, args));
        assert_eq!(
            m(c, &[s("ababbabbcc"), re("a(b+)")]),
            r#"[{"match":"ab","index":0,"groups":["b"]},{"match":"abb","index":2,"groups":["bb"]},{"match":"abb","index":5,"groups":["bb"]}]"#
        );
        assert_eq!(
            m(c, &[s("ababbabbcc"), re("a(b+)"), n(1.0)]),
            r#"{"match":"ab","index":0,"groups":["b"]}"#
        );
        assert_eq!(m(c, &[s("ababbabbcc"), re("a(b+)"), n(0.0)]), "undefined");
        assert_eq!(
            m(c, &[s("ababbabbcc"), re("a(b+)"), n(-1.0)]),
            "ERR D3040 Third argument of match function must evaluate to a positive number"
        );
        assert_eq!(
            m(c, &[s("ababbabbcc"), re("a(b+)"), n(1.5)]),
            r#"[{"match":"ab","index":0,"groups":["b"]},{"match":"abb","index":2,"groups":["bb"]}]"#
        );
        assert_eq!(m(c, &[s("ababbabbcc"), re("x")]), "undefined");
        assert_eq!(
            m(c, &[s("abc"), re("(x)?b")]),
            r#"{"match":"b","index":1,"groups":[null]}"#
        );
        assert_eq!(
            m(c, &[s("héllo😀ab"), re("(?<first>a)b")]),
            r#"{"match":"ab","index":7,"groups":["a"]}"#
        );
        assert_eq!(
            m(c, &[s("héllo😀ab😀b"), re("b")]),
            r#"[{"match":"b","index":8,"groups":[]},{"match":"b","index":11,"groups":[]}]"#
        );
        assert_eq!(m(c, &[Value::Undefined, re("a")]), "undefined");
        assert_eq!(
            m(c, &[s("abc"), re("x*")]),
            "ERR D1004 Regular expression matches zero length string"
        );
        assert_eq!(
            m(c, &[s("abc"), re("(a)|(b)")]),
            r#"[{"match":"a","index":0,"groups":["a",null]},{"match":"b","index":1,"groups":[null,"b"]}]"#
        );
    }

    #[test]
    fn replace_fn() {
        let c = &mut no_callback();
        let r = |c: &mut Callback, args: &[Value]| json(replace(c, args));
        let john = s("John Smith and John Jones");
        assert_eq!(
            r(c, &[john.clone(), s("John"), s("Mr")]),
            r#""Mr Smith and Mr Jones""#
        );
        assert_eq!(
            r(c, &[john.clone(), s("John"), s("Mr"), n(1.0)]),
            r#""Mr Smith and John Jones""#
        );
        assert_eq!(
            r(c, &[john.clone(), s("John"), s("Mr"), n(0.0)]),
            r#""John Smith and John Jones""#
        );
        assert_eq!(
            r(c, &[john.clone(), s("John"), s("Mr"), n(1.5)]),
            r#""Mr Smith and Mr Jones""#
        );
        assert_eq!(
            r(c, &[john, s("John"), s("Mr"), n(-1.0)]),
            "ERR D3011 Fourth argument of replace function must evaluate to a positive number"
        );
        assert_eq!(
            r(c, &[s("abracadabra"), re("a.*?a"), s("*")]),
            r#""*c*bra""#
        );
        assert_eq!(
            r(c, &[s("John Smith"), re(r"(\w+)\s(\w+)"), s("$2, $1")]),
            r#""Smith, John""#
        );
        assert_eq!(
            r(c, &[s("265USD"), re("([0-9]+)USD"), s("$$$1")]),
            r#""$265""#
        );
        assert_eq!(
            r(c, &[s("abc"), re("(b)"), s("[$0|$1|$2|$12|$$|$x|$]")]),
            r#""a[b|b||b2|$|$x|$]c""#
        );
        assert_eq!(
            r(
                c,
                &[
                    s("abcdefghijkl"),
                    re("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)"),
                    s("$11|$10|$12|$1a|$01")
                ]
            ),
            r#""k|j|a2|aa|abcdefghijk1l""#
        );
        assert_eq!(r(c, &[s("abc"), re("(b)"), s("[$25]")]), r#""a[5]c""#);
        assert_eq!(r(c, &[s("abc"), re("(b)"), s("[$3]")]), r#""a[]c""#);
        assert_eq!(r(c, &[s("abc"), re("b"), s("[$10]")]), r#""a[0]c""#);
        assert_eq!(r(c, &[s("abc"), re("(b)"), s("[$$1]")]), r#""a[$1]c""#);
        assert_eq!(r(c, &[s("abc"), re("(b)"), s("[$$$]")]), r#""a[$$]c""#);
        assert_eq!(r(c, &[s("abc"), re("(x)?b"), s("[$1]")]), r#""a[]c""#);
        assert_eq!(
            r(c, &[s("abc"), s(""), s("x")]),
            "ERR D3010 Second argument of replace function cannot be an empty string"
        );
        assert_eq!(
            r(c, &[s("abc"), re("x*"), s("y")]),
            "ERR D1004 Regular expression matches zero length string"
        );
        assert_eq!(r(c, &[Value::Undefined, s("a"), s("b")]), "undefined");
        assert_eq!(
            r(c, &[s("abcb"), s("b"), Value::Undefined]),
            r#""aundefinedcundefined""#
        );
        assert_eq!(r(c, &[s("a.b.c"), s("."), s("$0$0")]), r#""a$0$0b$0$0c""#);
        assert_eq!(r(c, &[s("abcb"), s("b"), s("$$")]), r#""a$$c$$""#);
        assert_eq!(r(c, &[s("a,b,c"), re(","), s(";"), n(0.5)]), r#""a;b,c""#);
    }

    #[test]
    fn replace_with_function() {
        // function($m){$uppercase($m.match)} => "aBc"
        let c = &mut Callback(|args| match args.first() {
            Some(Value::Object(o)) => match o.get("match") {
                Some(Value::String(m)) => Ok(Value::string(m.to_uppercase())),
                _ => Ok(Value::Undefined),
            },
            _ => Ok(Value::Undefined),
        });
        assert_eq!(
            json(replace(c, &[s("abc"), re("b"), callback_value()])),
            r#""aBc""#
        );
        // function($m){$string($m.start) & "-" & $string($m.end)} over /l/ in "héllo"
        let c = &mut Callback(|args| match args.first() {
            Some(Value::Object(o)) => {
                let start = stringify(o.get("start").unwrap_or(&Value::Null), false)?;
                let end = stringify(o.get("end").unwrap_or(&Value::Null), false)?;
                Ok(Value::string(format!("{start}-{end}")))
            }
            _ => Ok(Value::Undefined),
        });
        assert_eq!(
            json(replace(c, &[s("héllo"), re("l"), callback_value()])),
            r#""hé2-33-4o""#
        );
        // function($m){42} => D3012
        let c = &mut Callback(|_| Ok(Value::Number(42.0)));
        assert_eq!(
            json(replace(c, &[s("abc"), re("b"), callback_value()])),
            "ERR D3012 Attempted to replace a matched string with a non-string value"
        );
    }
}
