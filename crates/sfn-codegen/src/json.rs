//! JSON with positions.
//!
//! ASL diagnostics must point at the line and column of the offending key or
//! value, and must see duplicate keys (AWS rejects them; `serde_json::Value`
//! silently keeps the last one). No maintained crate gives both a span for
//! every node and the full list of members with duplicates, so this small
//! recursive-descent parser (RFC 8259, nothing more) is written by hand.
//!
//! The parser never panics: depth is bounded, every error is a [`JsonError`]
//! with the byte offset where reading stopped.

use std::fmt;

/// A byte range in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A JSON value with the span it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Where it is in the source, quotes and brackets included.
    pub span: Span,
}

/// The kinds of JSON values.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number; `raw` keeps the text as written (`1.0` stays `1.0`).
    Number {
        /// The parsed number.
        number: serde_json::Number,
        /// The source text.
        raw: String,
    },
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in source order, duplicates kept.
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// The span of the key, quotes included.
    pub key_span: Span,
    /// The value.
    pub value: Json,
}

impl Json {
    /// The members if this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            JsonValue::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match &self.value {
            JsonValue::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The string if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean if this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            JsonValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number if this is a number.
    pub fn as_number(&self) -> Option<&serde_json::Number> {
        match &self.value {
            JsonValue::Number { number, .. } => Some(number),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, JsonValue::Null)
    }

    /// The first member named `key`, if this is an object that has one.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.member(key).map(|m| &m.value)
    }

    /// The first member named `key`, with its key span.
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The JSON type name used in messages: `object`, `array`, `string`, ...
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "boolean",
            JsonValue::Number { .. } => "number",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
        }
    }

    /// Converts to a `serde_json::Value` (for duplicate keys the last wins, as
    /// most JSON readers do; duplicates are reported by validation first).
    pub fn to_value(&self) -> serde_json::Value {
        match &self.value {
            JsonValue::Null => serde_json::Value::Null,
            JsonValue::Bool(b) => serde_json::Value::Bool(*b),
            JsonValue::Number { number, .. } => serde_json::Value::Number(number.clone()),
            JsonValue::String(s) => serde_json::Value::String(s.clone()),
            JsonValue::Array(a) => serde_json::Value::Array(a.iter().map(Json::to_value).collect()),
            JsonValue::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|m| (m.key.clone(), m.value.to_value()))
                    .collect(),
            ),
        }
    }
}

static NULL: Json = Json {
    value: JsonValue::Null,
    span: Span { start: 0, end: 0 },
};

impl std::ops::Index<&str> for Json {
    type Output = Json;

    /// The member named `key`, or a `null` with an empty span when there is none.
    fn index(&self, key: &str) -> &Json {
        self.get(key).unwrap_or(&NULL)
    }
}

/// Why the text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong, in lower case.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

/// Nesting deeper than this is refused rather than risking the stack.
pub const MAX_DEPTH: usize = 512;

/// Parses one JSON document (leading and trailing whitespace allowed).
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        src: text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    // A UTF-8 byte order mark is tolerated, as AWS's reader does.
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.skip_ws();
    if p.pos >= p.bytes.len() {
        return Err(p.error("expected a JSON value, found the end of the text"));
    }
    let value = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError {
            offset: self.pos.min(self.bytes.len()),
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn found(&self) -> String {
        match self.src[self.pos..].chars().next() {
            None => "the end of the text".to_string(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => JsonValue::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.literal("true", JsonValue::Bool(true))?,
            Some(b'f') => self.literal("false", JsonValue::Bool(false))?,
            Some(b'n') => self.literal("null", JsonValue::Null)?,
            _ => return Err(self.error(format!("expected a JSON value, found {}", self.found()))),
        };
        Ok(Json {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn literal(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, JsonError> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(format!("expected a JSON value, found {}", self.found())))
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("JSON nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<JsonValue, JsonError> {
        self.enter()?;
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error(format!(
                    "expected a string key in double quotes, found {}",
                    self.found()
                )));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error(format!(
                    "expected `:` after the key, found {}",
                    self.found()
                )));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return Err(self.error(format!(
                        "expected `,` or `}}` in the object, found {}",
                        self.found()
                    )));
                }
            }
        }
        self.depth -= 1;
        Ok(JsonValue::Object(members))
    }

    fn array(&mut self) -> Result<JsonValue, JsonError> {
        self.enter()?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return Err(self.error(format!(
                        "expected `,` or `]` in the array, found {}",
                        self.found()
                    )));
                }
            }
        }
        self.depth -= 1;
        Ok(JsonValue::Array(items))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.src[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => {
                    return Err(self.error(
                        "control character in a string (write it as an escape such as \\n)",
                    ));
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(b) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.src[self.pos..].starts_with("\\u") {
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if (0xDC00..0xE000).contains(&lo) {
                            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            return char::from_u32(c)
                                .ok_or_else(|| self.error("invalid unicode escape"));
                        }
                    }
                    return Err(self.error("unpaired surrogate in a unicode escape"));
                }
                char::from_u32(hi)
                    .ok_or_else(|| self.error("unpaired surrogate in a unicode escape"))?
            }
            _ => {
                self.pos -= 1;
                return Err(self.error(format!(
                    "invalid escape `\\{}` in a string",
                    self.found().trim_matches('`')
                )));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits after \\u"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16)
            .map_err(|_| self.error("expected four hex digits after \\u"))
    }

    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit in the number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("expected a digit in the exponent"));
            }
            self.digits();
        }
        let raw = &self.src[start..self.pos];
        let number = serde_json::from_str::<serde_json::Number>(raw).map_err(|_| JsonError {
            offset: start,
            message: format!("number `{}` is out of range", crate::diag::clip(raw)),
        })?;
        Ok(JsonValue::Number {
            number,
            raw: raw.to_string(),
        })
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }
}

/// Turns byte offsets into 1-based lines and columns (columns count
/// characters, as editors and rustc do).
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The 1-based line and column of `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The byte range of the 1-based `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Span {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .line_starts
            .get(line)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_of_keys_and_values() {
        let text = "{\n  \"a\": [1, \"x\"],\n  \"b\": null\n}";
        let json = parse(text).unwrap();
        let members = json.as_object().unwrap();
        assert_eq!(members[0].key, "a");
        assert_eq!(
            &text[members[0].key_span.start..members[0].key_span.end],
            "\"a\""
        );
        let arr = members[0].value.as_array().unwrap();
        assert_eq!(&text[arr[1].span.start..arr[1].span.end], "\"x\"");
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, members[1].key_span.start), (3, 3));
        assert!(members[1].value.is_null());
    }

    #[test]
    fn duplicates_are_kept_in_order() {
        let json = parse(r#"{"k": 1, "k": 2}"#).unwrap();
        let m = json.as_object().unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(json.to_value(), serde_json::json!({"k": 2}));
        assert_eq!(
            json.get("k").unwrap().as_number().unwrap().as_i64(),
            Some(1)
        );
    }

    #[test]
    fn escapes_and_unicode() {
        let json = parse(r#""a\"b\\c\n\u00e9\ud83d\ude00/""#).unwrap();
        assert_eq!(json.as_str(), Some("a\"b\\c\né😀/"));
        assert!(parse(r#""\ud83d""#).is_err());
        assert!(parse(r#""\q""#).is_err());
    }

    #[test]
    fn numbers_keep_their_text() {
        let json = parse("[1.0, -0, 2e3, 12345678901234567890]").unwrap();
        let a = json.as_array().unwrap();
        match &a[0].value {
            JsonValue::Number { raw, number } => {
                assert_eq!(raw, "1.0");
                assert_eq!(number.as_f64(), Some(1.0));
            }
            other => panic!("not a number: {other:?}"),
        }
        assert!(a[3].as_number().unwrap().as_u64().is_some());
        assert!(parse("01").is_err());
        assert!(parse("1.").is_err());
        assert!(parse("-").is_err());
    }

    #[test]
    fn errors_point_where_reading_stopped() {
        let e = parse("{\"a\": 1,}").unwrap_err();
        assert_eq!(e.offset, 8);
        assert!(e.message.contains("string key"), "{}", e.message);
        let e = parse("not a definition").unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(parse("").is_err());
        assert!(parse("{} {}").is_err());
        assert!(parse("\"abc").is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(100_000);
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("deeper"));
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "é\n  x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, text.len() - 1), (2, 3));
        assert_eq!(idx.line_col(text, 2), (1, 2));
        let r = idx.line_range(text, 2);
        assert_eq!(&text[r.start..r.end], "  x");
    }
}
