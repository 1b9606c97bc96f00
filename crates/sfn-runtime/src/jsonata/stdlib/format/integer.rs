//! Integer pictures (XPath F&O 3.1 `format-integer`), shared by
//! `$formatInteger`, `$parseInteger` and the date/time picture components of
//! `$fromMillis` / `$toMillis`.
//!
//! A picture is a *primary format token* optionally followed by `;` and a
//! modifier (`o` for ordinals; `c`, `a`, `t` and parenthesised extras are
//! accepted and ignored). The primary token is one of:
//!
//! * a decimal digit pattern: mandatory digits from one Unicode decimal digit
//!   family (`0`-`9`, `٠`-`٩`, ...), optional digits `#`, and any other
//!   character as a grouping separator (`#,##0`, `0,00,000`, `00/00`);
//! * `a` / `A`: letters (`a`, ..., `z`, `aa`, ...);
//! * `i` / `I`: roman numerals;
//! * `w` / `W` / `Ww`: English words, lower, upper or title case.
//!
//! As in jsonata-js, a number is floored before it is formatted, and
//! parsing gives NaN (not an error) for text the picture cannot read.

use crate::jsonata::builtins::EvalError;

/// The zero of every Unicode decimal digit family in the Basic Multilingual
/// Plane (Unicode category Nd); a family is the ten code points from its zero.
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

/// The largest roman numeral written out (jsonata-js writes any number of
/// `M`s; beyond this the text would be unreasonably long).
const MAX_ROMAN: f64 = 10_000_000.0;

/// The decimal digit family of `c` (its zero) and its value, if `c` is a
/// decimal digit.
pub(crate) fn digit_value(c: char) -> Option<(u32, u32)> {
    let code = u32::from(c);
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| code >= zero && code < zero + 10)
        .map(|&zero| (zero, code - zero))
}

/// The digit `d` (0-9) of the family whose zero is `zero`.
pub(crate) fn family_digit(zero: u32, d: u32) -> char {
    char::from_u32(zero + d.min(9)).unwrap_or('0')
}

/// Letter case of words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordCase {
    /// `w`: `twenty-one`.
    Lower,
    /// `W`: `TWENTY-ONE`.
    Upper,
    /// `Ww`: `Twenty-One`.
    Title,
}

/// Grouping separators of a decimal digit pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Grouping {
    /// No separators.
    None,
    /// The same separator every `every` digits, counted from the right.
    Regular {
        /// The interval.
        every: usize,
        /// The separator.
        sep: char,
    },
    /// Separators at these positions only (digits to their right).
    Irregular(Vec<(usize, char)>),
}

/// A decimal digit pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    /// The zero of the digit family.
    pub zero: u32,
    /// Mandatory digits (minimum width).
    pub mandatory: usize,
    /// Optional digits `#`.
    pub optional: usize,
    /// Grouping separators.
    pub grouping: Grouping,
    /// Every separator character of the pattern.
    pub separators: Vec<char>,
}

/// The kind of a primary format token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Primary {
    /// A decimal digit pattern.
    Decimal(Decimal),
    /// Letters, upper case or not.
    Letters(bool),
    /// Roman numerals, upper case or not.
    Roman(bool),
    /// English words.
    Words(WordCase),
}

/// An analysed integer picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IntegerPicture {
    /// The primary format token.
    pub primary: Primary,
    /// The `o` modifier: ordinal numbers.
    pub ordinal: bool,
}

/// D3130: a primary token this implementation does not know.
pub(crate) fn unsupported(token: &str) -> EvalError {
    EvalError::new(
        "D3130",
        format!(
            "Formatting or parsing an integer as a sequence starting with {} is not supported by this implementation",
            json_string(token)
        ),
    )
}

/// A string as JSON text (how jsonata-js fills `{{value}}` in messages).
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Splits a picture into its primary token and whether the modifier asks
/// for ordinals.
pub(crate) fn split_modifier(picture: &str) -> (&str, bool) {
    match picture.rfind(';') {
        Some(i) => {
            let (primary, rest) = picture.split_at(i);
            (primary, rest.get(1..).unwrap_or("").starts_with('o'))
        }
        None => (picture, false),
    }
}

/// Analyses a full `$formatInteger` picture (`primary;modifier`).
pub(crate) fn analyse(picture: &str) -> Result<IntegerPicture, EvalError> {
    let (primary, ordinal) = split_modifier(picture);
    Ok(IntegerPicture {
        primary: analyse_primary(primary)?,
        ordinal,
    })
}

/// Analyses a primary format token.
pub(crate) fn analyse_primary(token: &str) -> Result<Primary, EvalError> {
    match token {
        "A" => return Ok(Primary::Letters(true)),
        "a" => return Ok(Primary::Letters(false)),
        "I" => return Ok(Primary::Roman(true)),
        "i" => return Ok(Primary::Roman(false)),
        "W" => return Ok(Primary::Words(WordCase::Upper)),
        "w" => return Ok(Primary::Words(WordCase::Lower)),
        "Ww" => return Ok(Primary::Words(WordCase::Title)),
        _ => {}
    }
    analyse_decimal(token).map(Primary::Decimal)
}

/// Analyses a decimal digit pattern.
fn analyse_decimal(token: &str) -> Result<Decimal, EvalError> {
    let mut zero = None;
    let mut mandatory = 0;
    let mut optional = 0;
    // Separators with the number of digit positions to their left.
    let mut seps: Vec<(usize, char)> = Vec::new();
    for c in token.chars() {
        if let Some((family, _)) = digit_value(c) {
            match zero {
                None => zero = Some(family),
                Some(z) if z != family => {
                    return Err(EvalError::new(
                        "D3131",
                        "In a decimal digit pattern, all digits must be from the same decimal group",
                    ));
                }
                Some(_) => {}
            }
            mandatory += 1;
        } else if c == '#' {
            optional += 1;
        } else {
            seps.push((mandatory + optional, c));
        }
    }
    let Some(zero) = zero else {
        return Err(unsupported(token));
    };
    let total = mandatory + optional;
    // Positions counted from the right (a separator at either end of the
    // pattern counts too, as in jsonata-js).
    let positions: Vec<(usize, char)> = seps.iter().map(|&(left, c)| (total - left, c)).collect();
    let separators = seps.iter().map(|&(_, c)| c).collect();
    Ok(Decimal {
        zero,
        mandatory,
        optional,
        grouping: grouping_of(&positions),
        separators,
    })
}

/// Regular grouping when every separator is the same character at every
/// multiple of the first position; otherwise separators only where written.
pub(crate) fn grouping_of(positions: &[(usize, char)]) -> Grouping {
    // Smallest position first; separators at the same position keep their
    // order in the picture.
    let mut positions = positions.to_vec();
    positions.sort_by_key(|&(p, _)| p);
    let Some(&(first, sep)) = positions.first() else {
        return Grouping::None;
    };
    let regular = first > 0
        && positions
            .iter()
            .enumerate()
            .all(|(i, &(p, c))| c == sep && p == first * (i + 1));
    if regular {
        Grouping::Regular { every: first, sep }
    } else {
        Grouping::Irregular(positions)
    }
}

/// Inserts grouping separators into a string of digits.
pub(crate) fn apply_grouping(digits: &str, grouping: &Grouping) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let len = chars.len();
    let mut out = String::with_capacity(len * 2);
    let push_at = |out: &mut String, from_right: usize, first: bool| match grouping {
        Grouping::None => {}
        Grouping::Regular { every, sep } => {
            if !first && *every > 0 && from_right.is_multiple_of(*every) {
                out.push(*sep);
            }
        }
        // Irregular separators go exactly where written, including before
        // the first digit and after the last (jsonata-js writes `,41,254`
        // for `#,##,##0`, `573/` for `598/`).
        Grouping::Irregular(list) => {
            for &(_, c) in list.iter().filter(|(p, _)| *p == from_right) {
                out.push(c);
            }
        }
    };
    for (i, c) in chars.iter().enumerate() {
        push_at(&mut out, len - i, i == 0);
        out.push(*c);
    }
    if let Grouping::Irregular(_) = grouping {
        push_at(&mut out, 0, true);
    }
    out
}

/// The English ordinal suffix for a formatted number, decided (as in
/// jsonata-js) by its last two characters: `th` after a `1` in the tens,
/// else by the last digit.
pub(crate) fn ordinal_suffix_of(formatted: &str) -> &'static str {
    let mut rev = formatted.chars().rev();
    let last = rev.next().and_then(digit_value).map(|(_, v)| v);
    let tens = rev.next().and_then(digit_value).map(|(_, v)| v);
    if tens == Some(1) {
        return "th";
    }
    match last {
        Some(1) => "st",
        Some(2) => "nd",
        Some(3) => "rd",
        _ => "th",
    }
}

/// The decimal digits of a non-negative whole number, or JavaScript's
/// exponent form from 1e21 (which jsonata-js then prints as is).
pub(crate) fn whole_digits(n: f64) -> (String, bool) {
    if n < 1e21 {
        (format!("{n:.0}"), false)
    } else {
        (js_exponent_form(n), true)
    }
}

/// JavaScript's `String(n)` for `n >= 1e21`: `1.5e+21`.
pub(crate) fn js_exponent_form(n: f64) -> String {
    let text = format!("{n:e}");
    match text.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => text,
    }
}

/// Formats `value` (floored) with a picture.
pub(crate) fn format(value: f64, picture: &IntegerPicture) -> Result<String, EvalError> {
    let n = value.floor();
    if n.is_nan() {
        return Ok("NaN".to_owned());
    }
    let negative = n < 0.0;
    let abs = n.abs();
    let body = match &picture.primary {
        Primary::Decimal(d) => {
            let mut s = format_decimal(abs, d);
            if picture.ordinal {
                s.push_str(ordinal_suffix_of(&s));
            }
            s
        }
        Primary::Letters(upper) => letters(abs, *upper),
        Primary::Roman(upper) => roman(abs, *upper)?,
        Primary::Words(case) => words_cased(abs, picture.ordinal, *case),
    };
    Ok(if negative { format!("-{body}") } else { body })
}

/// A non-negative whole number in a decimal digit pattern. From 1e21 the
/// digits are JavaScript's exponent form, padded and grouped as if it were
/// digits (`1e,+21` for `#,##0`), as jsonata-js does.
pub(crate) fn format_decimal(abs: f64, d: &Decimal) -> String {
    let (digits, _) = whole_digits(abs);
    let mut padded = String::new();
    for _ in digits.chars().count()..d.mandatory {
        padded.push('0');
    }
    padded.push_str(&digits);
    let mapped: String = padded
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(v) => family_digit(d.zero, v),
            None => c,
        })
        .collect();
    apply_grouping(&mapped, &d.grouping)
}

/// Letters: 1 is `a`, 26 `z`, 27 `aa`; 0 is empty.
pub(crate) fn letters(abs: f64, upper: bool) -> String {
    let base = if upper { b'A' } else { b'a' };
    let mut n = abs;
    let mut out = Vec::new();
    while n > 0.0 && out.len() < 400 {
        let rem = (n - 1.0) % 26.0;
        out.push(char::from(base + rem as u8));
        n = ((n - 1.0) / 26.0).floor();
    }
    out.iter().rev().collect()
}

/// Roman numerals; 0 is empty, thousands are repeated `M`s.
pub(crate) fn roman(abs: f64, upper: bool) -> Result<String, EvalError> {
    if abs > MAX_ROMAN {
        return Err(EvalError::new(
            "D1001",
            format!("Number out of range: {}", whole_digits(abs).0),
        ));
    }
    const TABLE: &[(u64, &str)] = &[
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut n = abs as u64;
    let mut out = String::new();
    for &(value, text) in TABLE {
        while n >= value {
            out.push_str(text);
            n -= value;
        }
    }
    Ok(if upper { out.to_uppercase() } else { out })
}

const SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const SMALL_ORDINAL: [&str; 20] = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
];
const TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const TENS_ORDINAL: [&str; 10] = [
    "",
    "tenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];
const SCALES: [(f64, &str, &str); 4] = [
    (1e12, "trillion", "trillionth"),
    (1e9, "billion", "billionth"),
    (1e6, "million", "millionth"),
    (1e3, "thousand", "thousandth"),
];

/// A non-negative whole number in English words, in a letter case.
pub(crate) fn words_cased(abs: f64, ordinal: bool, case: WordCase) -> String {
    let mut text = String::new();
    words(abs, ordinal, &mut text);
    match case {
        WordCase::Lower => text,
        WordCase::Upper => text.to_uppercase(),
        WordCase::Title => title_case(&text),
    }
}

/// Capitalises every word but `and` (words split at spaces and hyphens).
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word == "and" {
            out.push_str(word);
            continue;
        }
        for (j, part) in word.split('-').enumerate() {
            if j > 0 {
                out.push('-');
            }
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

/// Appends the words of `n` (a non-negative whole number) to `out`; the
/// last word is an ordinal when `ordinal`. Each level divides by at least a
/// thousand, so the recursion is shallow (under 30 levels for any double).
fn words(n: f64, ordinal: bool, out: &mut String) {
    if n < 20.0 {
        let i = (n as usize).min(19);
        out.push_str(if ordinal { SMALL_ORDINAL[i] } else { SMALL[i] });
    } else if n < 100.0 {
        let tens = ((n / 10.0) as usize).min(9);
        let units = (n % 10.0) as usize;
        if units == 0 {
            out.push_str(if ordinal {
                TENS_ORDINAL[tens]
            } else {
                TENS[tens]
            });
        } else {
            out.push_str(TENS[tens]);
            out.push('-');
            let u = units.min(19);
            out.push_str(if ordinal { SMALL_ORDINAL[u] } else { SMALL[u] });
        }
    } else if n < 1000.0 {
        let hundreds = ((n / 100.0) as usize).min(9);
        let rest = n % 100.0;
        out.push_str(SMALL[hundreds]);
        if rest == 0.0 {
            out.push_str(if ordinal { " hundredth" } else { " hundred" });
        } else {
            out.push_str(" hundred and ");
            words(rest, ordinal, out);
        }
    } else {
        let (scale, name, name_ordinal) = SCALES
            .iter()
            .copied()
            .find(|(s, _, _)| n >= *s)
            .unwrap_or(SCALES[3]);
        let high = (n / scale).floor();
        let rest = n - high * scale;
        words(high, false, out);
        out.push(' ');
        if rest <= 0.0 {
            out.push_str(if ordinal { name_ordinal } else { name });
        } else {
            out.push_str(name);
            out.push_str(if rest < 100.0 { " and " } else { ", " });
            words(rest, ordinal, out);
        }
    }
}

/// The value of one English number word (cardinal or ordinal).
fn word_value(word: &str) -> Option<f64> {
    if let Some(i) = SMALL.iter().position(|w| *w == word) {
        return Some(i as f64);
    }
    if let Some(i) = SMALL_ORDINAL.iter().position(|w| *w == word) {
        return Some(i as f64);
    }
    if let Some(i) = TENS.iter().skip(1).position(|w| *w == word) {
        return Some(((i + 1) * 10) as f64);
    }
    if let Some(i) = TENS_ORDINAL.iter().skip(1).position(|w| *w == word) {
        return Some(((i + 1) * 10) as f64);
    }
    if word == "hundred" || word == "hundredth" {
        return Some(100.0);
    }
    SCALES
        .iter()
        .find(|(_, name, ordinal)| *name == word || *ordinal == word)
        .map(|(scale, _, _)| *scale)
}

/// A regular expression alternation of every English number word (longest
/// first) and `and`.
pub(crate) fn words_pattern() -> String {
    let mut words: Vec<&str> = SMALL
        .iter()
        .chain(SMALL_ORDINAL.iter())
        .chain(TENS.iter().skip(1))
        .chain(TENS_ORDINAL.iter().skip(1))
        .copied()
        .chain(["hundred", "hundredth", "and"])
        .chain(SCALES.iter().flat_map(|(_, a, b)| [*a, *b]))
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    format!("(?:{})", words.join("|"))
}

/// Reads English words as a number (NaN when a word is unknown).
pub(crate) fn parse_words(text: &str) -> f64 {
    let lower = text.to_lowercase();
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = lower.as_str();
    // Words are separated by ", ", " and ", white space or a hyphen.
    loop {
        let next = rest.char_indices().find_map(|(i, c)| {
            let tail = rest.get(i..).unwrap_or("");
            if tail.starts_with(", ") {
                Some((i, 2))
            } else if c.is_whitespace() {
                let after = rest.get(i + c.len_utf8()..).unwrap_or("");
                if after.starts_with("and") && after.get(3..).is_some_and(starts_with_space) {
                    Some((i, c.len_utf8() + 4))
                } else {
                    Some((i, c.len_utf8()))
                }
            } else if c == '-' {
                Some((i, 1))
            } else {
                None
            }
        });
        match next {
            Some((i, len)) => {
                parts.push(rest.get(..i).unwrap_or(""));
                rest = rest.get(i + len..).unwrap_or("");
            }
            None => {
                parts.push(rest);
                break;
            }
        }
    }
    let mut segments: Vec<f64> = vec![0.0];
    for part in parts {
        let Some(value) = word_value(part) else {
            return f64::NAN;
        };
        let top = segments.pop().unwrap_or(0.0);
        if value < 100.0 {
            if top >= 1000.0 {
                segments.push(top);
                segments.push(value);
            } else {
                segments.push(top + value);
            }
        } else {
            segments.push(top * value);
        }
    }
    segments.iter().sum()
}

/// Does the text start with white space?
fn starts_with_space(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_whitespace)
}

/// Reads roman numerals (NaN for any other character).
pub(crate) fn parse_roman(text: &str, upper: bool) -> f64 {
    let text = if upper {
        text.to_owned()
    } else {
        text.to_uppercase()
    };
    let mut values = Vec::new();
    for c in text.chars() {
        let v = match c {
            'I' => 1.0,
            'V' => 5.0,
            'X' => 10.0,
            'L' => 50.0,
            'C' => 100.0,
            'D' => 500.0,
            'M' => 1000.0,
            _ => return f64::NAN,
        };
        values.push(v);
    }
    let mut total = 0.0;
    for (i, v) in values.iter().enumerate() {
        match values.get(i + 1) {
            Some(next) if v < next => total -= v,
            _ => total += v,
        }
    }
    total
}

/// Reads letters: `a` is 1, `aa` 27 (other characters count by their
/// distance from `a`/`A`, as jsonata-js does).
pub(crate) fn parse_letters(text: &str, upper: bool) -> f64 {
    let base = if upper { 'A' } else { 'a' };
    text.chars().fold(0.0, |acc, c| {
        acc * 26.0 + (f64::from(u32::from(c)) - f64::from(u32::from(base)) + 1.0)
    })
}

/// JavaScript's `parseInt(text)`: leading white space, a sign, then the
/// longest run of decimal digits (or hexadecimal after `0x`); NaN if none.
pub(crate) fn js_parse_int(text: &str) -> f64 {
    let t = text.trim_start_matches(is_js_space);
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (radix, t) = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(rest) => (16, rest),
        None => (10, t),
    };
    let digits: Vec<u32> = t.chars().map_while(|c| c.to_digit(radix)).collect();
    if digits.is_empty() {
        return f64::NAN;
    }
    let value = if radix == 10 {
        let s: String = t.chars().take(digits.len()).collect();
        s.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        digits
            .iter()
            .fold(0.0, |acc, &d| acc * f64::from(radix) + f64::from(d))
    };
    if negative { -value } else { value }
}

/// JavaScript's white space (`String.prototype.trim`).
pub(crate) fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Reads text in a decimal digit pattern (`$parseInteger` semantics).
pub(crate) fn parse_decimal(text: &str, d: &Decimal, ordinal: bool) -> f64 {
    let mut chars: Vec<char> = text.chars().collect();
    if ordinal {
        let keep = chars.len().saturating_sub(2);
        chars.truncate(keep);
    }
    // jsonata-js removes the separators of an irregular pattern, and commas
    // for a regular one (whatever its separator).
    let removed: Vec<char> = match &d.grouping {
        Grouping::None => Vec::new(),
        Grouping::Regular { .. } => vec![','],
        Grouping::Irregular(_) => d.separators.clone(),
    };
    let normalised: String = chars
        .iter()
        .filter(|c| !removed.contains(c))
        .map(|&c| match digit_value(c) {
            Some((zero, v)) if zero == d.zero => char::from_digit(v, 10).unwrap_or(c),
            _ => c,
        })
        .collect();
    js_parse_int(&normalised)
}

/// Reads text with a picture (`$parseInteger`); NaN when it cannot.
pub(crate) fn parse(text: &str, picture: &IntegerPicture) -> f64 {
    match &picture.primary {
        Primary::Decimal(d) => parse_decimal(text, d, picture.ordinal),
        Primary::Letters(upper) => parse_letters(text, *upper),
        Primary::Roman(upper) => parse_roman(text, *upper),
        Primary::Words(_) => parse_words(text),
    }
}

#[cfg(test)]
#[path = "integer_tests.rs"]
mod tests;
