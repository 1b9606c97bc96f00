//! Regular expressions: JavaScript regular expression literals run on
//! `fancy-regex` (the `regex` crate's engine, plus backtracking for
//! look-around and back-references).
//!
//! jsonata-js hands a literal `/pattern/flags` to the JavaScript engine as
//! `new RegExp(pattern, flags + "g")` without the `u` flag, so the pattern
//! follows ECMAScript's non-Unicode grammar with the web-compatibility rules
//! of Annex B. [`JsRegex::new`] translates that grammar into `fancy-regex`
//! syntax so that the common subset behaves exactly as in JavaScript:
//!
//! * `\d`, `\w`, `\s` (and their negations) are JavaScript's sets: ASCII
//!   digits, ASCII word characters, and JavaScript's white space (which
//!   includes U+FEFF and excludes U+0085);
//! * `\b` and `\B` are ASCII word boundaries (`é` is not a word character);
//! * `.` matches anything but the line terminators `\n`, `\r`, U+2028 and
//!   U+2029;
//! * escapes `\xHH`, `\uHHHH` (a surrogate pair written as two escapes is one
//!   character), `\cX`, `\0`, legacy octal escapes, and identity escapes such
//!   as `\a` (which means `a`);
//! * a `{` that does not start a quantifier is a literal, as are `}` and `]`;
//! * named groups `(?<name>...)` are numbered groups (jsonata reports groups
//!   by position), and `\k<name>` refers to them by number;
//! * look-ahead, look-behind and back-references are supported; a
//!   quantified look-ahead (allowed by Annex B) repeats nothing, so `X*` on a
//!   look-ahead `X` becomes "`X` or nothing";
//! * flags: `i` (case-insensitive) and `m` (`^` and `$` also at line breaks).
//!
//! Known differences from JavaScript, all on unusual input: JavaScript
//! matches UTF-16 code units, so a pattern that matches half of a surrogate
//! pair (`\uD83D` alone, or `.` against one half of an emoji) cannot match
//! here; case-insensitive matching uses Unicode simple case folding where
//! JavaScript's non-Unicode mode uses `toUpperCase` (they differ for a few
//! characters such as `ſ` and the Kelvin sign); a back-reference to a group
//! that has not matched fails here where JavaScript matches the empty
//! string; and with the `m` flag `^` does not match between `\r` and `\n`.
//!
//! Offsets reported to JSONata (`index` in `$match`, `start`/`end` of a
//! match object) are JavaScript string indexes: UTF-16 code units.

use std::rc::Rc;

use crate::jsonata::builtins::EvalError;
use crate::jsonata::value::{Array, Object, Value};

/// How many backtracking steps one search may take before it is abandoned
/// with an error (only patterns with look-around or back-references
/// backtrack).
const BACKTRACK_LIMIT: usize = 1_000_000;

/// Error code for a regular expression that cannot be run to its end
/// (backtracking limit). jsonata-js has no code for this: a JavaScript engine
/// would keep going.
pub(crate) const REGEX_LIMIT_CODE: &str = "RegexLimit";

/// A compiled JavaScript regular expression.
#[derive(Debug)]
pub(crate) struct JsRegex {
    regex: fancy_regex::Regex,
    groups: usize,
    source: String,
}

/// One match: byte offsets into the searched string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JsMatch {
    /// Byte offset of the first character of the match.
    pub(crate) start: usize,
    /// Byte offset just past the match.
    pub(crate) end: usize,
    /// Each capture group's byte range, `None` where the group did not take
    /// part in the match.
    pub(crate) groups: Vec<Option<(usize, usize)>>,
}

impl JsMatch {
    /// Whether the match is the empty string.
    pub(crate) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The capture groups as JSONata reports them: the captured strings,
    /// undefined for a group that did not take part.
    pub(crate) fn group_values(&self, s: &str) -> Vec<Value> {
        self.groups
            .iter()
            .map(|g| match g.and_then(|(a, b)| s.get(a..b)) {
                Some(text) => Value::string(text),
                None => Value::Undefined,
            })
            .collect()
    }
}

impl JsRegex {
    /// Compiles a JavaScript regular expression (the text between the
    /// slashes of a literal) with the `i` and `m` flags.
    pub(crate) fn new(
        pattern: &str,
        ignore_case: bool,
        multiline: bool,
    ) -> Result<JsRegex, String> {
        let (translated, groups) = translate(pattern, ignore_case, multiline)?;
        let regex = fancy_regex::RegexBuilder::new(&translated)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| format!("regular expression /{pattern}/ is not supported: {e}"))?;
        Ok(JsRegex {
            regex,
            groups,
            source: pattern.to_owned(),
        })
    }

    /// The number of capture groups.
    #[cfg(test)]
    pub(crate) fn group_count(&self) -> usize {
        self.groups
    }

    /// The first match that starts at byte offset `from` or later (as
    /// JavaScript's `exec` with `lastIndex = from`: anchors see the whole
    /// string).
    pub(crate) fn find_at(&self, s: &str, from: usize) -> Result<Option<JsMatch>, EvalError> {
        if from > s.len() || !s.is_char_boundary(from) {
            return Ok(None);
        }
        let captures = self.regex.captures_from_pos(s, from).map_err(|e| {
            EvalError::new(
                REGEX_LIMIT_CODE,
                format!(
                    "Regular expression /{}/ could not be evaluated: {e}",
                    self.source
                ),
            )
        })?;
        let Some(captures) = captures else {
            return Ok(None);
        };
        let Some(whole) = captures.get(0) else {
            return Ok(None);
        };
        let groups = (1..=self.groups)
            .map(|i| captures.get(i).map(|m| (m.start(), m.end())))
            .collect();
        Ok(Some(JsMatch {
            start: whole.start(),
            end: whole.end(),
            groups,
        }))
    }

    /// Whether the regular expression matches anywhere in `s`.
    pub(crate) fn is_match(&self, s: &str) -> Result<bool, EvalError> {
        Ok(self.find_at(s, 0)?.is_some())
    }

    /// What calling the regular expression as a function returns (`/a/(str)`
    /// or `/a/(str, from)`, with `from` a UTF-16 index): the object
    /// `{match, start, end, groups}` (UTF-16 indexes), or undefined when
    /// there is no match. The evaluator adds the `next` function, which
    /// calls [`JsRegex::next_object`] with the previous `end`.
    pub(crate) fn match_object(&self, s: &str, from_utf16: usize) -> Result<Value, EvalError> {
        let from = byte_offset(s, from_utf16);
        match self.find_at(s, from)? {
            Some(m) => Ok(self.object_for(s, &m)),
            None => Ok(Value::Undefined),
        }
    }

    /// What a match object's `next()` returns: the next match from UTF-16
    /// index `from_utf16` (the previous match's `end`), undefined when there
    /// is none or when `from_utf16` is at or past the end of the string,
    /// and error D1004 when the next match is the empty string.
    pub(crate) fn next_object(&self, s: &str, from_utf16: usize) -> Result<Value, EvalError> {
        if from_utf16 >= utf16_len(s) {
            return Ok(Value::Undefined);
        }
        let from = byte_offset(s, from_utf16);
        match self.find_at(s, from)? {
            Some(m) if m.is_empty() => Err(zero_length()),
            Some(m) => Ok(self.object_for(s, &m)),
            None => Ok(Value::Undefined),
        }
    }

    /// The match object `{match, start, end, groups}` of a match in `s`.
    pub(crate) fn object_for(&self, s: &str, m: &JsMatch) -> Value {
        let mut object = Object::new();
        object.insert(
            "match".to_owned(),
            Value::string(s.get(m.start..m.end).unwrap_or("")),
        );
        let start = utf16_offset(s, m.start);
        let end = start + s.get(m.start..m.end).map_or(0, utf16_len);
        object.insert("start".to_owned(), Value::Number(start as f64));
        object.insert("end".to_owned(), Value::Number(end as f64));
        object.insert(
            "groups".to_owned(),
            Value::Array(Rc::new(Array {
                items: m.group_values(s),
                ..Array::default()
            })),
        );
        Value::Object(Rc::new(object))
    }
}

/// jsonata-js's D1004 error for a regular expression that matches the empty
/// string where a non-empty match is needed.
pub(crate) fn zero_length() -> EvalError {
    EvalError::new("D1004", "Regular expression matches zero length string")
}

/// The length of `s` in UTF-16 code units (JavaScript's `length`).
pub(crate) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The UTF-16 index of byte offset `byte` in `s`.
pub(crate) fn utf16_offset(s: &str, byte: usize) -> usize {
    s.get(..byte).map_or_else(|| utf16_len(s), utf16_len)
}

/// The byte offset of UTF-16 index `index` in `s` (an index inside a
/// surrogate pair moves to the end of that character; past the end, the
/// string's length).
pub(crate) fn byte_offset(s: &str, index: usize) -> usize {
    let mut units = 0;
    for (byte, c) in s.char_indices() {
        if units >= index {
            return byte;
        }
        units += c.len_utf16();
    }
    s.len()
}

// ---------------------------------------------------------------------------
// Translation from ECMAScript syntax
// ---------------------------------------------------------------------------

/// JavaScript's `\s`: white space and line terminators.
const SPACE: &[(u32, u32)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];
/// JavaScript's `\d`.
const DIGIT: &[(u32, u32)] = &[(0x30, 0x39)];
/// JavaScript's `\w`.
const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
/// What `.` does not match.
const LINE_TERMINATORS: &[(u32, u32)] = &[(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)];
/// A class that matches nothing.
const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";
/// ASCII word character, for word boundaries.
const W: &str = "[0-9A-Za-z_]";

/// Translates a JavaScript pattern; returns the `fancy-regex` pattern and the
/// number of capture groups.
fn translate(pattern: &str, ignore_case: bool, multiline: bool) -> Result<(String, usize), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let names = scan_groups(&chars);
    let mut t = Translator {
        chars,
        i: 0,
        out: String::with_capacity(pattern.len() * 2 + 8),
        groups: names.len(),
        names,
        open: Vec::new(),
        last_atom: None,
    };
    if ignore_case {
        t.out.push_str("(?i)");
    }
    if multiline {
        t.out.push_str("(?mR)");
    }
    t.run()?;
    Ok((t.out, t.groups))
}

/// The capture groups in order: `Some(name)` for a named group.
fn scan_groups(chars: &[char]) -> Vec<Option<String>> {
    let at = |i: usize| chars.get(i).copied();
    let mut groups = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while let Some(c) = at(i) {
        match c {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                if at(i + 1) != Some('?') {
                    groups.push(None);
                } else if at(i + 2) == Some('<') && !matches!(at(i + 3), Some('=' | '!')) {
                    let name: String = chars
                        .get(i + 3..)
                        .unwrap_or(&[])
                        .iter()
                        .take_while(|&&c| c != '>')
                        .collect();
                    groups.push(Some(name));
                }
            }
            _ => {}
        }
        i += 1;
    }
    groups
}

/// What kind of group is open.
#[derive(Clone, Copy, PartialEq, Eq)]
enum GroupKind {
    Other,
    Lookahead,
}

/// The translation state.
struct Translator {
    chars: Vec<char>,
    i: usize,
    out: String,
    groups: usize,
    names: Vec<Option<String>>,
    /// Open groups: their kind and where their text starts in `out`.
    open: Vec<(GroupKind, usize)>,
    /// The last complete atom: where it starts in `out`, and whether it is a
    /// look-ahead (which JavaScript lets be quantified).
    last_atom: Option<(usize, GroupKind)>,
}

/// An item of a character class.
enum ClassItem {
    Char(u32),
    /// A set (`\d`, `\W`, ...) as sorted ranges.
    Set(Vec<(u32, u32)>),
}

impl Translator {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.at(self.i) {
            let atom_start = self.out.len();
            match c {
                '\\' => {
                    self.i += 1;
                    self.escape();
                    self.last_atom = Some((atom_start, GroupKind::Other));
                }
                '[' => {
                    self.i += 1;
                    self.class();
                    self.last_atom = Some((atom_start, GroupKind::Other));
                }
                '(' => {
                    let kind = if self.at(self.i + 1) == Some('?') {
                        match (self.at(self.i + 2), self.at(self.i + 3)) {
                            (Some(':'), _) => {
                                self.out.push_str("(?:");
                                self.i += 3;
                                GroupKind::Other
                            }
                            (Some(e @ ('=' | '!')), _) => {
                                self.out.push_str("(?");
                                self.out.push(e);
                                self.i += 3;
                                GroupKind::Lookahead
                            }
                            (Some('<'), Some(e @ ('=' | '!'))) => {
                                self.out.push_str("(?<");
                                self.out.push(e);
                                self.i += 4;
                                GroupKind::Other
                            }
                            (Some('<'), _) => {
                                // A named group: numbered like any other.
                                let mut j = self.i + 3;
                                while self.at(j).is_some_and(|c| c != '>') {
                                    j += 1;
                                }
                                self.out.push('(');
                                self.i = j + 1;
                                GroupKind::Other
                            }
                            _ => return Err("invalid group".to_owned()),
                        }
                    } else {
                        self.out.push('(');
                        self.i += 1;
                        GroupKind::Other
                    };
                    self.open.push((kind, atom_start));
                    self.last_atom = None;
                }
                ')' => {
                    let (kind, start) = self.open.pop().ok_or("unmatched `)`")?;
                    self.out.push(')');
                    self.i += 1;
                    self.last_atom = Some((start, kind));
                }
                '.' => {
                    self.out.push_str(&class_of(LINE_TERMINATORS, true));
                    self.i += 1;
                    self.last_atom = Some((atom_start, GroupKind::Other));
                }
                '*' | '+' | '?' => {
                    let min = if c == '+' { 1 } else { 0 };
                    let len = 1;
                    self.quantifier(min, len)?;
                }
                '{' => match self.braced_quantifier() {
                    Some((min, len)) => self.quantifier(min, len)?,
                    None => {
                        self.literal('{');
                        self.i += 1;
                        self.last_atom = Some((atom_start, GroupKind::Other));
                    }
                },
                '^' | '$' | '|' => {
                    self.out.push(c);
                    self.i += 1;
                    self.last_atom = None;
                }
                _ => {
                    self.literal(c);
                    self.i += 1;
                    self.last_atom = Some((atom_start, GroupKind::Other));
                }
            }
        }
        if self.open.is_empty() {
            Ok(())
        } else {
            Err("unterminated group".to_owned())
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `self.i`: the minimum and the length in
    /// characters, or `None` if the brace is a literal.
    fn braced_quantifier(&self) -> Option<(u64, usize)> {
        let mut j = self.i + 1;
        let digits = |j: &mut usize| -> Option<u64> {
            let start = *j;
            let mut value: u64 = 0;
            while let Some(d) = self.at(*j).and_then(|c| c.to_digit(10)) {
                value = value.saturating_mul(10).saturating_add(u64::from(d));
                *j += 1;
            }
            (*j > start).then_some(value)
        };
        let min = digits(&mut j)?;
        if self.at(j) == Some(',') {
            j += 1;
            let _ = digits(&mut j);
        }
        (self.at(j) == Some('}')).then_some((min, j + 1 - self.i))
    }

    /// A quantifier of `len` characters (plus a lazy `?`) at `self.i`.
    fn quantifier(&mut self, min: u64, len: usize) -> Result<(), String> {
        let mut end = self.i + len;
        if self.at(end) == Some('?') {
            end += 1;
        }
        let text: String = self.chars.get(self.i..end).unwrap_or(&[]).iter().collect();
        self.i = end;
        match self.last_atom.take() {
            Some((start, GroupKind::Lookahead)) => {
                // Repeating a zero-width assertion: once, or optionally.
                if min == 0 {
                    let atom = self.out.split_off(start);
                    self.out.push_str("(?:");
                    self.out.push_str(&atom);
                    self.out.push_str("|)");
                }
                Ok(())
            }
            Some(_) => {
                self.out.push_str(&text);
                Ok(())
            }
            None => Err("nothing to repeat".to_owned()),
        }
    }

    /// Appends a literal character.
    fn literal(&mut self, c: char) {
        push_literal(&mut self.out, c);
    }

    /// An escape outside a class; `self.i` is just after the backslash.
    fn escape(&mut self) {
        let Some(e) = self.at(self.i) else {
            self.literal('\\');
            return;
        };
        self.i += 1;
        match e {
            'd' => self.out.push_str(&class_of(DIGIT, false)),
            'D' => self.out.push_str(&class_of(DIGIT, true)),
            'w' => self.out.push_str(&class_of(WORD, false)),
            'W' => self.out.push_str(&class_of(WORD, true)),
            's' => self.out.push_str(&class_of(SPACE, false)),
            'S' => self.out.push_str(&class_of(SPACE, true)),
            'b' => self
                .out
                .push_str(&format!("(?:(?<={W})(?!{W})|(?<!{W})(?={W}))")),
            'B' => self
                .out
                .push_str(&format!("(?:(?<={W})(?={W})|(?<!{W})(?!{W}))")),
            '1'..='9' => {
                let start = self.i - 1;
                let mut j = start;
                let mut n: usize = 0;
                while let Some(d) = self.at(j).and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    j += 1;
                }
                if n <= self.groups {
                    self.out.push_str(&format!("(?:\\{n})"));
                    self.i = j;
                } else if matches!(e, '8' | '9') {
                    self.literal(e);
                } else {
                    self.i = start;
                    let c = self.octal();
                    self.push_unit(c);
                }
            }
            'k' => {
                let has_names = self.names.iter().any(Option::is_some);
                let name_end = (self.at(self.i) == Some('<'))
                    .then(|| (self.i + 1..self.chars.len()).find(|&j| self.at(j) == Some('>')))
                    .flatten();
                match (has_names, name_end) {
                    (true, Some(end)) => {
                        let name: String = self
                            .chars
                            .get(self.i + 1..end)
                            .unwrap_or(&[])
                            .iter()
                            .collect();
                        let index = self
                            .names
                            .iter()
                            .position(|n| n.as_deref() == Some(name.as_str()));
                        match index {
                            Some(k) => self.out.push_str(&format!("(?:\\{})", k + 1)),
                            None => self.out.push_str(NOTHING),
                        }
                        self.i = end + 1;
                    }
                    _ => self.literal('k'),
                }
            }
            _ => {
                self.i -= 1;
                match self.character_escape(false) {
                    Some(unit) => self.push_unit(unit),
                    None => self.literal('\\'),
                }
            }
        }
    }

    /// Pushes a UTF-16 code unit or code point (a lone surrogate matches
    /// nothing in a Rust string).
    fn push_unit(&mut self, unit: u32) {
        match char::from_u32(unit) {
            Some(c) => self.literal(c),
            None => self.out.push_str(NOTHING),
        }
    }

    /// A legacy octal escape at `self.i` (up to three octal digits, at most
    /// `\377`).
    fn octal(&mut self) -> u32 {
        let mut value = 0;
        let mut count = 0;
        while count < 3 {
            let Some(d) = self.at(self.i).and_then(|c| c.to_digit(8)) else {
                break;
            };
            if value * 8 + d > 0o377 {
                break;
            }
            value = value * 8 + d;
            self.i += 1;
            count += 1;
        }
        value
    }

    /// A character escape at `self.i` (the character after the backslash):
    /// its code unit or code point, or `None` for `\c` not followed by a
    /// control letter (Annex B: the backslash is then a literal and `c` is
    /// read again). Consumes the escape.
    fn character_escape(&mut self, in_class: bool) -> Option<u32> {
        let e = self.at(self.i)?;
        self.i += 1;
        let hex = |t: &Translator, from: usize, n: usize| -> Option<u32> {
            let mut v = 0;
            for k in 0..n {
                v = v * 16 + t.at(from + k)?.to_digit(16)?;
            }
            Some(v)
        };
        Some(match e {
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            'c' => match self.at(self.i) {
                Some(l)
                    if l.is_ascii_alphabetic()
                        || (in_class && (l.is_ascii_digit() || l == '_')) =>
                {
                    self.i += 1;
                    u32::from(l) % 32
                }
                _ => {
                    self.i -= 1;
                    return None;
                }
            },
            'x' => match hex(self, self.i, 2) {
                Some(v) => {
                    self.i += 2;
                    v
                }
                None => u32::from('x'),
            },
            'u' => match hex(self, self.i, 4) {
                Some(high) => {
                    self.i += 4;
                    if (0xD800..0xDC00).contains(&high)
                        && self.at(self.i) == Some('\\')
                        && self.at(self.i + 1) == Some('u')
                        && let Some(low) =
                            hex(self, self.i + 2, 4).filter(|l| (0xDC00..0xE000).contains(l))
                    {
                        self.i += 6;
                        return Some(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                    }
                    high
                }
                None => u32::from('u'),
            },
            '0'..='7' => {
                self.i -= 1;
                if e == '0' && !self.at(self.i + 1).is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                    0
                } else {
                    self.octal()
                }
            }
            other => u32::from(other),
        })
    }

    /// A character class; `self.i` is just after `[`.
    fn class(&mut self) {
        let negated = self.at(self.i) == Some('^');
        if negated {
            self.i += 1;
        }
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        loop {
            match self.at(self.i) {
                None => break,
                Some(']') => {
                    self.i += 1;
                    break;
                }
                Some(_) => {}
            }
            let low = self.class_atom();
            if self.at(self.i) == Some('-') && self.at(self.i + 1).is_some_and(|c| c != ']') {
                self.i += 1;
                let high = self.class_atom();
                match (low, high) {
                    (ClassItem::Char(a), ClassItem::Char(b)) => ranges.push((a.min(b), a.max(b))),
                    (a, b) => {
                        add_item(&mut ranges, a);
                        ranges.push((u32::from('-'), u32::from('-')));
                        add_item(&mut ranges, b);
                    }
                }
            } else {
                add_item(&mut ranges, low);
            }
        }
        let ranges = normalize(ranges);
        self.out.push_str(&class_of(&ranges, negated));
    }

    /// One atom of a class.
    fn class_atom(&mut self) -> ClassItem {
        let Some(c) = self.at(self.i) else {
            return ClassItem::Set(Vec::new());
        };
        if c != '\\' {
            self.i += 1;
            return ClassItem::Char(u32::from(c));
        }
        self.i += 1;
        let Some(e) = self.at(self.i) else {
            return ClassItem::Char(u32::from('\\'));
        };
        let set = |r: &[(u32, u32)], negate: bool| {
            if negate {
                ClassItem::Set(complement(r))
            } else {
                ClassItem::Set(r.to_vec())
            }
        };
        let item = match e {
            'd' => set(DIGIT, false),
            'D' => set(DIGIT, true),
            'w' => set(WORD, false),
            'W' => set(WORD, true),
            's' => set(SPACE, false),
            'S' => set(SPACE, true),
            'b' => ClassItem::Char(0x08),
            '8' | '9' => ClassItem::Char(u32::from(e)),
            _ => {
                return match self.character_escape(true) {
                    Some(unit) => ClassItem::Char(unit),
                    None => ClassItem::Char(u32::from('\\')),
                };
            }
        };
        self.i += 1;
        item
    }
}

/// Adds a class item to a range list.
fn add_item(ranges: &mut Vec<(u32, u32)>, item: ClassItem) {
    match item {
        ClassItem::Char(c) => ranges.push((c, c)),
        ClassItem::Set(set) => ranges.extend(set),
    }
}

/// Sorts and merges ranges, dropping surrogate code points (which never
/// occur in a Rust string).
fn normalize(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut split = Vec::with_capacity(ranges.len());
    for (a, b) in ranges.drain(..) {
        if a < 0xD800 {
            split.push((a, b.min(0xD7FF)));
        }
        if b > 0xDFFF {
            split.push((a.max(0xE000), b.min(0x10FFFF)));
        }
    }
    split.retain(|(a, b)| a <= b);
    split.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(split.len());
    for (a, b) in split {
        match merged.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The complement of sorted, merged ranges within all code points.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let ranges = normalize(ranges.to_vec());
    let mut out = Vec::new();
    let mut next = 0;
    for &(a, b) in &ranges {
        if a > next {
            out.push((next, a - 1));
        }
        next = b + 1;
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    normalize(out)
}

/// A `fancy-regex` class for ranges (negated if asked).
fn class_of(ranges: &[(u32, u32)], negated: bool) -> String {
    if ranges.is_empty() {
        return if negated {
            r"[\x{0}-\x{10FFFF}]".to_owned()
        } else {
            NOTHING.to_owned()
        };
    }
    let mut out = String::from(if negated { "[^" } else { "[" });
    for &(a, b) in ranges {
        push_class_char(&mut out, a);
        if b != a {
            out.push('-');
            push_class_char(&mut out, b);
        }
    }
    out.push(']');
    out
}

/// A code point inside a class, escaped unless alphanumeric.
fn push_class_char(out: &mut String, c: u32) {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => out.push(ch),
        _ => out.push_str(&format!("\\x{{{c:X}}}")),
    }
}

/// A literal character outside a class: ASCII letters and digits and
/// non-ASCII characters as they are, anything else as a hex escape.
fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", u32::from(c)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All matches as (UTF-16 index, text), like `$match`.
    fn all(pattern: &str, flags: &str, s: &str) -> Vec<(usize, String)> {
        let re = JsRegex::new(pattern, flags.contains('i'), flags.contains('m')).expect("compiles");
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(m) = re.find_at(s, from).expect("runs") {
            out.push((utf16_offset(s, m.start), s[m.start..m.end].to_owned()));
            if m.end == m.start {
                break;
            }
            from = m.end;
        }
        out
    }

    fn first(pattern: &str, s: &str) -> Option<String> {
        all(pattern, "", s).into_iter().next().map(|(_, m)| m)
    }

    fn v(items: &[(usize, &str)]) -> Vec<(usize, String)> {
        items.iter().map(|&(i, s)| (i, s.to_owned())).collect()
    }

    // Expected values from jsonata-js 2.0.6 ($match / regex calls in node).

    #[test]
    fn basic_matches_and_utf16_indexes() {
        assert_eq!(
            all("a(b+)", "", "ababbabbcc"),
            v(&[(0, "ab"), (2, "abb"), (5, "abb")])
        );
        assert_eq!(all("a(b)", "", "héllo😀ab"), v(&[(7, "ab")]));
        assert_eq!(all("b", "", "héllo😀ab😀b"), v(&[(8, "b"), (11, "b")]));
        assert_eq!(all("a", "i", "AbA"), v(&[(0, "A"), (2, "A")]));
    }

    #[test]
    fn anchors_and_multiline() {
        assert_eq!(all("^a$", "m", "a\nb\na"), v(&[(0, "a"), (4, "a")]));
        assert_eq!(all("^a$", "", "a\nb\na"), v(&[]));
        assert_eq!(all("a$", "m", "a\r\nb"), v(&[(0, "a")]));
    }

    #[test]
    fn javascript_classes() {
        // \d and \w are ASCII only; \s is JavaScript's set.
        assert_eq!(first(r"\d+", "x٣12"), Some("12".to_owned()));
        assert_eq!(first(r"\w+", "éab"), Some("ab".to_owned()));
        assert_eq!(
            first(r"\s", "a\u{85}b\u{feff}"),
            Some("\u{feff}".to_owned())
        );
        assert_eq!(first(r"[\d-z]+", "a-z9"), Some("-z9".to_owned()));
        assert_eq!(first(r"[^\D]+", "ab12"), Some("12".to_owned()));
        assert_eq!(first(r"[\b]", "a\u{8}"), Some("\u{8}".to_owned()));
        assert_eq!(first("[^]", "\n"), Some("\n".to_owned()));
        assert_eq!(first("[]", "abc"), None);
        assert_eq!(first("[-a]+", "b-a"), Some("-a".to_owned()));
        assert_eq!(first("[a-]+", "b-a"), Some("-a".to_owned()));
        assert_eq!(first(r"[[\]]+", "x[]"), Some("[]".to_owned()));
        assert_eq!(first(r"[&&~~\-]+", "x&~-"), Some("&~-".to_owned()));
    }

    #[test]
    fn dot_excludes_line_terminators() {
        assert_eq!(first(".+", "ab\rc"), Some("ab".to_owned()));
        assert_eq!(first(".+", "ab\u{2028}c"), Some("ab".to_owned()));
        assert_eq!(first(".+", "a\u{85}b"), Some("a\u{85}b".to_owned()));
    }

    #[test]
    fn word_boundaries_are_ascii() {
        // /\bcaf\b/ finds "caf" in "café" in JavaScript: é is not a word
        // character.
        assert_eq!(first(r"\bcaf\b", "café"), Some("caf".to_owned()));
        assert_eq!(all(r"\bx", "", "x ax x"), v(&[(0, "x"), (5, "x")]));
        assert_eq!(all(r"\Bx", "", "x ax x"), v(&[(3, "x")]));
    }

    #[test]
    fn escapes() {
        assert_eq!(first(r"\x41\u0042", "xAB"), Some("AB".to_owned()));
        assert_eq!(first(r"\uD83D\uDE00", "a😀"), Some("😀".to_owned()));
        assert_eq!(first(r"\cJ", "a\nb"), Some("\n".to_owned()));
        assert_eq!(first(r"\c1", "\\c1"), Some("\\c1".to_owned()));
        assert_eq!(first(r"\0", "a\0"), Some("\0".to_owned()));
        assert_eq!(first(r"\101", "xA"), Some("A".to_owned()));
        assert_eq!(first(r"\a\e\/", "ae/"), Some("ae/".to_owned()));
        assert_eq!(first(r"\xZ", "xZ"), Some("xZ".to_owned()));
        assert_eq!(first(r"\8", "8"), Some("8".to_owned()));
        assert_eq!(first(r"a.b\.c", "a.b.c"), Some("a.b.c".to_owned()));
        assert_eq!(
            first(r"\$\^\*\+\?\(\)\|\{\}\[\]", "$^*+?()|{}[]"),
            Some("$^*+?()|{}[]".to_owned())
        );
    }

    #[test]
    fn braces_and_quantifiers() {
        assert_eq!(first("a{2}", "aaa"), Some("aa".to_owned()));
        assert_eq!(first("a{2,}", "aaaa"), Some("aaaa".to_owned()));
        assert_eq!(first("a{1,2}?", "aaa"), Some("a".to_owned()));
        assert_eq!(first("a{,3}", "a{,3}"), Some("a{,3}".to_owned()));
        assert_eq!(first("a{b}", "a{b}"), Some("a{b}".to_owned()));
        assert_eq!(first("a.*?a", "abracadabra"), Some("abra".to_owned()));
        assert_eq!(first("x}", "x}"), Some("x}".to_owned()));
    }

    #[test]
    fn groups_lookaround_and_backreferences() {
        let re = JsRegex::new("(a)|(b)", false, false).expect("compiles");
        assert_eq!(re.group_count(), 2);
        let m = re.find_at("abc", 1).expect("runs").expect("matches");
        assert_eq!(m.groups, vec![None, Some((1, 2))]);
        assert_eq!(
            first("(?<year>[0-9]{4})-(?:x)", "in 2024-x"),
            Some("2024-x".to_owned())
        );
        assert_eq!(first(r"(?<q>['])a\k<q>", "'a'"), Some("'a'".to_owned()));
        assert_eq!(first(r"(a)\1", "aa"), Some("aa".to_owned()));
        assert_eq!(first(r"(?<=\$)\d+", "cost $42"), Some("42".to_owned()));
        assert_eq!(first(r"\d+(?!px)\b", "12px 34em"), None);
        assert_eq!(first(r"\d+(?!px)\b", "12px 34 em"), Some("34".to_owned()));
        assert_eq!(first("(?=a)*b", "b"), Some("b".to_owned()));
        assert_eq!(first("(?=a)+a", "ba"), Some("a".to_owned()));
        // \k without named groups is the letter k (Annex B).
        assert_eq!(first(r"\k<x>", "k<x>"), Some("k<x>".to_owned()));
    }

    #[test]
    fn match_objects() {
        let re = JsRegex::new("(a)(b)?", false, false).expect("compiles");
        // /(a)(b)?/("xa") => {"match":"a","start":1,"end":2,"groups":["a",undefined]}
        let Value::Object(o) = re.match_object("xa", 0).expect("runs") else {
            panic!("no match object");
        };
        assert!(matches!(o.get("match"), Some(Value::String(s)) if &**s == "a"));
        assert!(matches!(o.get("start"), Some(Value::Number(n)) if *n == 1.0));
        assert!(matches!(o.get("end"), Some(Value::Number(n)) if *n == 2.0));
        let Some(Value::Array(groups)) = o.get("groups") else {
            panic!("no groups");
        };
        assert!(
            matches!(groups.items.as_slice(), [Value::String(a), Value::Undefined] if &**a == "a")
        );
        // /a/("😀a") => start 2, end 3
        let re = JsRegex::new("a", false, false).expect("compiles");
        let Value::Object(o) = re.match_object("😀a", 0).expect("runs") else {
            panic!("no match object");
        };
        assert!(matches!(o.get("start"), Some(Value::Number(n)) if *n == 2.0));
        assert!(matches!(o.get("end"), Some(Value::Number(n)) if *n == 3.0));
        // /a/("bab", 2) => undefined
        assert!(re.match_object("bab", 2).expect("runs").is_undefined());
        // /a/("xaya").next() => start 3; .next().next() => undefined
        let Value::Object(o) = re.next_object("xaya", 2).expect("runs") else {
            panic!("no next");
        };
        assert!(matches!(o.get("start"), Some(Value::Number(n)) if *n == 3.0));
        assert!(re.next_object("xaya", 4).expect("runs").is_undefined());
        // /x*/("abc") is an empty match; /b*/("bbc").next() is D1004.
        let re = JsRegex::new("x*", false, false).expect("compiles");
        assert!(matches!(re.match_object("abc", 0), Ok(Value::Object(_))));
        let re = JsRegex::new("b*", false, false).expect("compiles");
        assert_eq!(
            re.next_object("bbc", 2).err().map(|e| e.code),
            Some("D1004")
        );
    }

    #[test]
    fn utf16_helpers() {
        assert_eq!(utf16_len("a😀é"), 4);
        assert_eq!(utf16_offset("a😀é", 5), 3);
        assert_eq!(byte_offset("a😀é", 3), 5);
        assert_eq!(byte_offset("a😀é", 2), 5);
        assert_eq!(byte_offset("a😀é", 99), 7);
    }
}
