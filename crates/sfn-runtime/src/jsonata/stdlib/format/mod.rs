//! Number formatting: `$formatNumber`, `$formatBase`, `$formatInteger` and
//! `$parseInteger`, as jsonata-js 2.0.6 runs them.
//!
//! `$formatNumber(number, picture, options?)` follows XPath F&O 3.1
//! `format-number`: a picture of one or two sub-pictures (positive;negative),
//! each with a passive prefix and suffix around an active part made of
//! mandatory digits (the decimal digit family of `zero-digit`), optional
//! digits (`#`), a decimal separator, grouping separators and an optional
//! exponent; `%` and `‰` scale by 100 and 1000. The options object can
//! rename every special character (`decimal-separator`, `grouping-separator`,
//! `exponent-separator`, `infinity`, `NaN`, `minus-sign`, `percent`,
//! `per-mille`, `zero-digit`, `digit`, `pattern-separator`). Rounding is half
//! to even on the number's shortest decimal form (so `2.675` rounds to
//! `2.68`, as in jsonata-js), and exponent notation scales the mantissa by
//! repeated multiplication by ten, reproducing jsonata-js's digits.
//!
//! Deviations from jsonata-js, where it loops forever or crashes: a zero or
//! negative number with an exponent picture is formatted (exponent 0 for
//! zero); a sub-picture without any digit character is error D3085 (jsonata-js
//! throws a JavaScript `TypeError`); numbers from 1e21 are written with all
//! their digits (jsonata-js mangles JavaScript's exponent form); several
//! grouping separators in the fractional part are all inserted.
//!
//! The integer pictures live in [`integer`], shared with the date/time
//! functions.

pub(crate) mod integer;

use crate::jsonata::builtins::{Builtin, Call, EvalError};
use crate::jsonata::value::{Object, Value};

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "formatNumber",
        signature: "<n-so?:s>",
        call: format_number_fn,
    },
    Builtin {
        name: "formatBase",
        signature: "<n-n?:s>",
        call: format_base_fn,
    },
    Builtin {
        name: "formatInteger",
        signature: "<n-s:s>",
        call: format_integer_fn,
    },
    Builtin {
        name: "parseInteger",
        signature: "<s-s:n>",
        call: parse_integer_fn,
    },
];

/// Places an error raised by a pure function at the call.
fn at_call(c: &Call<'_>, e: EvalError) -> EvalError {
    c.error(e.code, e.message)
}

/// Argument `i` as a number, `None` when undefined or not a number.
fn number_arg(args: &[Value], i: usize) -> Option<f64> {
    match args.get(i) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// Argument `i` as a string, `None` when undefined or not a string.
fn string_arg(args: &[Value], i: usize) -> Option<&str> {
    match args.get(i) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn format_number_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(value) = number_arg(&args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = string_arg(&args, 1).unwrap_or("");
    let options = match args.get(2) {
        Some(Value::Object(o)) => Some(&**o),
        _ => None,
    };
    format_number(value, picture, options)
        .map(Value::string)
        .map_err(|e| at_call(c, e))
}

fn format_base_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(value) = number_arg(&args, 0) else {
        return Ok(Value::Undefined);
    };
    format_base(value, number_arg(&args, 1))
        .map(Value::string)
        .map_err(|e| at_call(c, e))
}

fn format_integer_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(value) = number_arg(&args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = string_arg(&args, 1).unwrap_or("");
    integer::analyse(picture)
        .and_then(|p| integer::format(value, &p))
        .map(Value::string)
        .map_err(|e| at_call(c, e))
}

fn parse_integer_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(text) = string_arg(&args, 0) else {
        return Ok(Value::Undefined);
    };
    let picture = string_arg(&args, 1).unwrap_or("");
    integer::analyse(picture)
        .map(|p| Value::Number(integer::parse(text, &p)))
        .map_err(|e| at_call(c, e))
}

// ---------------------------------------------------------------------------
// $formatBase
// ---------------------------------------------------------------------------

/// `$formatBase(number, radix?)`: the number rounded half to even, written
/// in base `radix` (2 to 36, default 10) with lower-case digits.
pub(crate) fn format_base(value: f64, radix: Option<f64>) -> Result<String, EvalError> {
    let radix = radix.unwrap_or(10.0);
    let r = round_half_even(radix, 0);
    if !(2.0..=36.0).contains(&r) {
        return Err(EvalError::new(
            "D3100",
            format!(
                "The radix of the formatBase function must be between 2 and 36.  It was given {}",
                js_number(radix)
            ),
        ));
    }
    let n = round_half_even(value, 0);
    if !n.is_finite() {
        return Ok(js_number(n));
    }
    let radix = r as u32;
    if radix == 10 {
        return Ok(js_number(n));
    }
    let negative = n < 0.0;
    let mut m = n.abs();
    let mut digits = Vec::new();
    let base = f64::from(radix);
    while m >= 1.0 && digits.len() < 1100 {
        let d = (m % base) as u32;
        digits.push(char::from_digit(d, radix).unwrap_or('0'));
        m = ((m - f64::from(d)) / base).floor();
    }
    if digits.is_empty() {
        digits.push('0');
    }
    if negative {
        digits.push('-');
    }
    Ok(digits.iter().rev().collect())
}

/// JavaScript's `String(n)`.
fn js_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if n == n.trunc() && n.abs() < 1e21 {
        return format!("{n:.0}");
    }
    let abs = n.abs();
    let sign = if n < 0.0 { "-" } else { "" };
    if (1e-6..1e21).contains(&abs) {
        return format!("{sign}{abs}");
    }
    let text = format!("{abs:e}");
    match text.split_once('e') {
        Some((m, e)) if e.starts_with('-') => format!("{sign}{m}e{e}"),
        Some((m, e)) => format!("{sign}{m}e+{e}"),
        None => format!("{sign}{text}"),
    }
}

// ---------------------------------------------------------------------------
// Rounding
// ---------------------------------------------------------------------------

/// Rounds half to even at `precision` decimal places, deciding on the
/// number's shortest decimal form as jsonata-js's `$round` does.
pub(crate) fn round_half_even(value: f64, precision: i32) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    let text = format!("{:e}", value.abs());
    let Some((mantissa, exp)) = text.split_once('e') else {
        return value;
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return value;
    };
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // value = 0.d1 d2 d3 ... × 10^(exp + 1); keep `keep` digits.
    let keep = i64::from(exp) + 1 + i64::from(precision);
    if keep < 0 {
        return 0.0_f64.copysign(0.0);
    }
    let keep = keep as usize;
    if keep >= digits.len() {
        return value;
    }
    let mut kept: Vec<u8> = digits.get(..keep).unwrap_or(&[]).to_vec();
    let rest = digits.get(keep..).unwrap_or(&[]);
    let first = rest.first().copied().unwrap_or(0);
    let beyond = rest.iter().skip(1).any(|&d| d != 0);
    let last_odd = kept.last().is_some_and(|d| d % 2 == 1);
    let up = first > 5 || (first == 5 && (beyond || last_odd));
    let mut point = exp + 1;
    if up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                point += 1;
                break;
            }
            i -= 1;
            if let Some(d) = kept.get_mut(i) {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    break;
                }
            }
        }
    }
    if kept.is_empty() {
        return 0.0;
    }
    let mut s: String = kept.iter().map(|d| char::from(b'0' + d)).collect();
    s.push('e');
    s.push_str(&(point - kept.len() as i32).to_string());
    let r: f64 = s.parse().unwrap_or(value.abs());
    if value < 0.0 { -r } else { r }
}

// ---------------------------------------------------------------------------
// $formatNumber
// ---------------------------------------------------------------------------

/// The decimal-format properties.
#[derive(Debug)]
struct Props {
    decimal: char,
    grouping: char,
    exponent: char,
    infinity: String,
    nan: String,
    minus: String,
    percent: String,
    per_mille: String,
    zero: u32,
    digit: char,
    pattern: char,
}

impl Props {
    fn new(options: Option<&Object>) -> Props {
        let mut p = Props {
            decimal: '.',
            grouping: ',',
            exponent: 'e',
            infinity: "Infinity".to_owned(),
            nan: "NaN".to_owned(),
            minus: "-".to_owned(),
            percent: "%".to_owned(),
            per_mille: "\u{2030}".to_owned(),
            zero: u32::from('0'),
            digit: '#',
            pattern: ';',
        };
        let Some(options) = options else {
            return p;
        };
        for (key, value) in options {
            let Value::String(s) = value else {
                continue;
            };
            let first = s.chars().next();
            match (key.as_str(), first) {
                ("decimal-separator", Some(c)) => p.decimal = c,
                ("grouping-separator", Some(c)) => p.grouping = c,
                ("exponent-separator", Some(c)) => p.exponent = c,
                ("zero-digit", Some(c)) => p.zero = u32::from(c),
                ("digit", Some(c)) => p.digit = c,
                ("pattern-separator", Some(c)) => p.pattern = c,
                ("infinity", _) => p.infinity = s.to_string(),
                ("NaN", _) => p.nan = s.to_string(),
                ("minus-sign", _) => p.minus = s.to_string(),
                ("percent", _) => p.percent = s.to_string(),
                ("per-mille", _) => p.per_mille = s.to_string(),
                _ => {}
            }
        }
        p
    }

    /// Is `c` one of the ten digits of the family?
    fn is_family(&self, c: char) -> bool {
        let code = u32::from(c);
        code >= self.zero && code < self.zero + 10
    }

    /// Is `c` a character of the mantissa (digit, optional digit,
    /// separator)?
    fn is_mantissa_char(&self, c: char) -> bool {
        self.is_family(c) || c == self.digit || c == self.decimal || c == self.grouping
    }

    /// The digit `d` of the family.
    fn family_digit(&self, d: u32) -> char {
        char::from_u32(self.zero + d).unwrap_or('0')
    }
}

/// An analysed sub-picture.
#[derive(Debug)]
struct SubPicture {
    prefix: String,
    suffix: String,
    int_grouping: integer::Grouping,
    frac_grouping: Vec<(usize, char)>,
    min_int: usize,
    /// The integer digits shown at least (differs from `min_int`, the
    /// scaling factor, for exponent pictures).
    shown_int: usize,
    min_frac: usize,
    max_frac: usize,
    /// `Some(minimum exponent digits)` for exponent notation.
    exponent: Option<usize>,
    percent: bool,
    per_mille: bool,
}

fn picture_error(code: &'static str) -> EvalError {
    let message = match code {
        "D3080" => "The picture string must only contain a maximum of two sub-pictures",
        "D3081" => {
            "The sub-picture must not contain more than one instance of the 'decimal-separator' character"
        }
        "D3082" => {
            "The sub-picture must not contain more than one instance of the 'percent' character"
        }
        "D3083" => {
            "The sub-picture must not contain more than one instance of the 'per-mille' character"
        }
        "D3084" => "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
        "D3085" => {
            "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"
        }
        "D3086" => {
            "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"
        }
        "D3087" => {
            "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"
        }
        "D3088" => {
            "The sub-picture must not contain a 'grouping-separator' at the end of the integer part"
        }
        "D3089" => {
            "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character"
        }
        "D3090" => {
            "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"
        }
        "D3091" => {
            "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"
        }
        "D3092" => {
            "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"
        }
        _ => {
            "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"
        }
    };
    EvalError::new(code, message)
}

/// How many times `needle` occurs in `haystack` (0 for an empty needle).
fn count_occurrences(haystack: &str, needle: &str) -> usize {
    if needle.is_empty() {
        0
    } else {
        haystack.matches(needle).count()
    }
}

fn analyse_sub_picture(text: &str, p: &Props) -> Result<SubPicture, EvalError> {
    let chars: Vec<char> = text.chars().collect();
    let first_active = chars.iter().position(|&c| p.is_mantissa_char(c));
    let last_active = chars.iter().rposition(|&c| p.is_mantissa_char(c));
    let (Some(start), Some(last)) = (first_active, last_active) else {
        return Err(picture_error("D3085"));
    };
    // The exponent separator: the first one inside the active span or
    // directly after it (`#0e` has an empty exponent; `#0 e` a suffix).
    let exp_at = (start + 1..=last + 1).find(|&i| chars.get(i) == Some(&p.exponent));
    // Where the suffix starts: after the last mantissa or exponent digit.
    let suffix_start = match exp_at {
        Some(e) => (last + 1).max(e + 1),
        None => last + 1,
    };
    let prefix: String = chars.get(..start).unwrap_or(&[]).iter().collect();
    let suffix: String = chars.get(suffix_start..).unwrap_or(&[]).iter().collect();
    let active: &[char] = chars.get(start..suffix_start).unwrap_or(&[]);
    // jsonata-js splits the active part at the exponent separator's index
    // in the whole sub-picture, so a prefix shifts the split to the right
    // (`$$0.0e000` reads mantissa `0.0e0` and exponent `0`); this is
    // reproduced.
    let (mantissa, exponent_part): (&[char], &[char]) = match exp_at {
        Some(e) => (
            active.get(..e.min(active.len())).unwrap_or(active),
            active.get(e + 1..).unwrap_or(&[]),
        ),
        None => (active, &[]),
    };

    // Every rule is checked; as in jsonata-js, the highest-numbered error
    // found is reported.
    let mut error: Option<&'static str> = None;
    let percents = count_occurrences(text, &p.percent);
    let per_milles = count_occurrences(text, &p.per_mille);
    if chars.iter().filter(|&&c| c == p.decimal).count() > 1 {
        error = Some("D3081");
    }
    if percents > 1 {
        error = Some("D3082");
    }
    if per_milles > 1 {
        error = Some("D3083");
    }
    if percents > 0 && per_milles > 0 {
        error = Some("D3084");
    }
    if !mantissa.iter().any(|&c| p.is_family(c) || c == p.digit) {
        error = Some("D3085");
    }
    // A passive character between active ones (the exponent separator is
    // active).
    if chars
        .iter()
        .enumerate()
        .take(suffix_start)
        .skip(start)
        .any(|(i, &c)| Some(i) != exp_at && !p.is_mantissa_char(c))
    {
        error = Some("D3086");
    }
    let pairs = || chars.windows(2).filter_map(|w| w.first().zip(w.get(1)));
    // A grouping separator next to the (first) decimal separator.
    if let Some(d) = chars.iter().position(|&c| c == p.decimal) {
        let before = d.checked_sub(1).and_then(|i| chars.get(i));
        if before == Some(&p.grouping) || chars.get(d + 1) == Some(&p.grouping) {
            error = Some("D3087");
        }
    }
    let dec_at = mantissa.iter().position(|&c| c == p.decimal);
    let int_part: &[char] = match dec_at {
        Some(d) => mantissa.get(..d).unwrap_or(&[]),
        None => mantissa,
    };
    let frac_part: &[char] = match dec_at {
        Some(d) => mantissa.get(d + 1..).unwrap_or(&[]),
        None => &[],
    };
    // (A separator just before the decimal separator is D3087 only.)
    if dec_at.is_none() && int_part.last() == Some(&p.grouping) {
        error = Some("D3088");
    }
    if pairs().any(|(&a, &b)| a == p.grouping && b == p.grouping) {
        error = Some("D3089");
    }
    // A mandatory digit before an optional one in the integer part
    // (jsonata-js compares the first of each).
    if let (Some(first_digit), Some(first_optional)) = (
        int_part.iter().position(|&c| p.is_family(c)),
        int_part.iter().position(|&c| c == p.digit),
    ) && first_optional > first_digit
    {
        error = Some("D3090");
    }
    // An optional digit before a mandatory one in the fraction (jsonata-js
    // compares the last of each).
    if let (Some(last_optional), Some(last_digit)) = (
        frac_part.iter().rposition(|&c| c == p.digit),
        frac_part.iter().rposition(|&c| p.is_family(c)),
    ) && last_optional < last_digit
    {
        error = Some("D3091");
    }
    if exp_at.is_some() {
        if percents > 0 || per_milles > 0 {
            error = Some("D3092");
        }
        if exponent_part.is_empty() || exponent_part.iter().any(|&c| !p.is_family(c)) {
            error = Some("D3093");
        }
    }
    if let Some(code) = error {
        return Err(picture_error(code));
    }

    // Grouping positions in the integer part, from the right.
    let mut int_positions = Vec::new();
    let mut digits_right = 0;
    for &c in int_part.iter().rev() {
        if c == p.grouping {
            if digits_right > 0 {
                int_positions.push((digits_right, c));
            }
        } else if p.is_family(c) || c == p.digit {
            digits_right += 1;
        }
    }
    let mut frac_grouping = Vec::new();
    let mut digits_left = 0;
    for &c in frac_part {
        if c == p.grouping {
            frac_grouping.push((digits_left, c));
        } else if p.is_family(c) || c == p.digit {
            digits_left += 1;
        }
    }
    let mut min_int = int_part.iter().filter(|&&c| p.is_family(c)).count();
    let mut min_frac = frac_part.iter().filter(|&&c| p.is_family(c)).count();
    let mut max_frac = frac_part
        .iter()
        .filter(|&&c| p.is_family(c) || c == p.digit)
        .count();
    let exponent = exp_at.map(|_| exponent_part.len());
    let scaling = min_int;
    let mut shown_int = min_int;
    if min_int == 0 && max_frac == 0 {
        if exponent.is_some() {
            min_frac = 1;
            if dec_at.is_some() {
                max_frac = 1;
            }
        } else {
            min_int = 1;
            shown_int = 1;
        }
    } else if min_int == 0 && min_frac == 0 {
        min_frac = 1;
    }
    if exponent.is_some() && shown_int == 0 && int_part.contains(&p.digit) {
        shown_int = 1;
    }
    Ok(SubPicture {
        prefix,
        suffix,
        int_grouping: integer::grouping_of(&int_positions),
        frac_grouping,
        min_int: if exponent.is_some() { scaling } else { min_int },
        shown_int,
        min_frac,
        max_frac,
        exponent,
        percent: percents > 0,
        per_mille: per_milles > 0,
    })
}

/// Splits a picture on the pattern separator.
fn split_picture(picture: &str, sep: char) -> Vec<&str> {
    picture.split(sep).collect()
}

/// `$formatNumber(value, picture, options?)`.
pub(crate) fn format_number(
    value: f64,
    picture: &str,
    options: Option<&Object>,
) -> Result<String, EvalError> {
    let props = Props::new(options);
    let parts = split_picture(picture, props.pattern);
    if parts.len() > 2 {
        return Err(picture_error("D3080"));
    }
    let mut subs = Vec::with_capacity(2);
    for part in &parts {
        subs.push(analyse_sub_picture(part, &props)?);
    }
    if value.is_nan() {
        return Ok(props.nan);
    }
    if value.is_infinite() {
        return Ok(if value < 0.0 {
            format!("{}{}", props.minus, props.infinity)
        } else {
            props.infinity
        });
    }
    let negative = value < 0.0;
    let (sub, minus) = match (negative, subs.get(1), subs.first()) {
        (true, Some(second), _) => (second, ""),
        (_, _, Some(first)) => (first, if negative { props.minus.as_str() } else { "" }),
        _ => return Err(picture_error("D3085")),
    };
    let mut abs = value.abs();
    if sub.percent {
        abs *= 100.0;
    } else if sub.per_mille {
        abs *= 1000.0;
    }
    let mut exponent_value = 0i32;
    if sub.exponent.is_some() && abs != 0.0 {
        let scale = i32::try_from(sub.min_int).unwrap_or(i32::MAX).min(400);
        let low = 10f64.powi(scale - 1);
        let high = 10f64.powi(scale);
        let mut guard = 0;
        while abs < low && guard < 2000 {
            abs *= 10.0;
            exponent_value -= 1;
            guard += 1;
        }
        while abs > high && guard < 2000 {
            abs /= 10.0;
            exponent_value += 1;
            guard += 1;
        }
    }
    let max_frac = sub.max_frac.min(400);
    let rounded = round_half_even(abs, i32::try_from(max_frac).unwrap_or(400));
    let fixed = format!("{:.*}", max_frac, rounded.abs());
    let (int_digits, frac_digits) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    let mut int_text: String = int_digits.trim_start_matches('0').to_owned();
    while int_text.len() < sub.shown_int {
        int_text.insert(0, '0');
    }
    let mut frac_text = frac_digits.to_owned();
    let keep = sub.min_frac.min(max_frac);
    while frac_text.len() > keep && frac_text.ends_with('0') {
        frac_text.pop();
    }
    let int_mapped: String = int_text
        .chars()
        .map(|c| props.family_digit(c.to_digit(10).unwrap_or(0)))
        .collect();
    let mut frac_mapped: Vec<char> = frac_text
        .chars()
        .map(|c| props.family_digit(c.to_digit(10).unwrap_or(0)))
        .collect();
    let grouped_int = integer::apply_grouping(&int_mapped, &sub.int_grouping);
    for &(pos, sep) in sub.frac_grouping.iter().rev() {
        let at = pos.min(frac_mapped.len());
        frac_mapped.insert(at, sep);
    }
    let mut out = String::new();
    out.push_str(minus);
    out.push_str(&sub.prefix);
    out.push_str(&grouped_int);
    if !frac_mapped.is_empty() || sub.min_frac > 0 {
        out.push(props.decimal);
        out.extend(frac_mapped);
    }
    if let Some(min_exp) = sub.exponent {
        out.push(props.exponent);
        if exponent_value < 0 {
            out.push_str(&props.minus);
        }
        let digits = exponent_value.unsigned_abs().to_string();
        for _ in digits.len()..min_exp {
            out.push(props.family_digit(0));
        }
        out.extend(
            digits
                .chars()
                .map(|c| props.family_digit(c.to_digit(10).unwrap_or(0))),
        );
    }
    out.push_str(&sub.suffix);
    Ok(out)
}

#[cfg(test)]
mod tests;
