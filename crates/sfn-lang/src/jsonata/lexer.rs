//! The JSONata tokenizer.
//!
//! Like jsonata-js, the tokenizer is pulled one token at a time by the parser,
//! which says whether the next token is in operand ("prefix") position: only
//! there does `/` start a regular expression rather than being division.
//! Token rules follow jsonata-js 2.0.6 `parser.js`:
//!
//! * whitespace is space, tab, CR, LF and vertical tab only; `/* … */` comments
//!   are skipped (they do not nest);
//! * operators are `. [ ] { } ( ) , @ # ; : ? + - * / % | = < > ^ & .. := != <=
//!   >= ** ~>`; a lone `!` or `~` is an error;
//! * strings are `"…"` or `'…'` with the JSON escapes (`\" \\ \/ \b \f \n \r \t
//!   \uXXXX`); any other escape, including `\'`, is an error;
//! * numbers match `(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and must be
//!   finite (there is no negative literal: `-` is an operator);
//! * `` `…` `` is a name that may contain anything but a backquote;
//! * otherwise a token runs to the next whitespace or operator character: `$…`
//!   is a variable, `and`/`or`/`in` are operators, `true`/`false`/`null` are
//!   values, anything else is a name (so `a"b` or `naïve` are names).

use super::ast::{RegexLiteral, Span};
use crate::SyntaxError;

/// Operators and punctuation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Dot,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    At,
    Hash,
    Semicolon,
    Colon,
    Question,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Pipe,
    Equal,
    Less,
    Greater,
    Caret,
    StarStar,
    DotDot,
    Assign,
    NotEqual,
    LessEqual,
    GreaterEqual,
    Chain,
    Amp,
    And,
    Or,
    In,
}

impl Op {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Op::Dot => ".",
            Op::LBracket => "[",
            Op::RBracket => "]",
            Op::LBrace => "{",
            Op::RBrace => "}",
            Op::LParen => "(",
            Op::RParen => ")",
            Op::Comma => ",",
            Op::At => "@",
            Op::Hash => "#",
            Op::Semicolon => ";",
            Op::Colon => ":",
            Op::Question => "?",
            Op::Plus => "+",
            Op::Minus => "-",
            Op::Star => "*",
            Op::Slash => "/",
            Op::Percent => "%",
            Op::Pipe => "|",
            Op::Equal => "=",
            Op::Less => "<",
            Op::Greater => ">",
            Op::Caret => "^",
            Op::StarStar => "**",
            Op::DotDot => "..",
            Op::Assign => ":=",
            Op::NotEqual => "!=",
            Op::LessEqual => "<=",
            Op::GreaterEqual => ">=",
            Op::Chain => "~>",
            Op::Amp => "&",
            Op::And => "and",
            Op::Or => "or",
            Op::In => "in",
        }
    }
}

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    End,
    Name(String),
    Variable(String),
    String(String),
    Number(f64),
    Bool(bool),
    Null,
    Regex(RegexLiteral),
    Op(Op),
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) span: Span,
}

pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// Added to every offset reported, so that spans can be relative to an
    /// enclosing string.
    base: usize,
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b)
}

/// Characters that end a name: the operator characters of jsonata-js.
fn is_operator_char(b: u8) -> bool {
    matches!(
        b,
        b'.' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'('
            | b')'
            | b','
            | b'@'
            | b'#'
            | b';'
            | b':'
            | b'?'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'|'
            | b'='
            | b'<'
            | b'>'
            | b'^'
            | b'&'
            | b'!'
            | b'~'
    )
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str, base: usize) -> Self {
        Lexer { src, pos: 0, base }
    }

    /// The source text of `span` (an absolute span from this lexer).
    pub(super) fn text(&self, span: Span) -> &'a str {
        let start = span.start.saturating_sub(self.base);
        let end = span.end.saturating_sub(self.base);
        self.src.get(start..end).unwrap_or("")
    }

    fn error(&self, local: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError::new(self.base + local, message)
    }

    fn token(&self, tok: Tok, start: usize, end: usize) -> Token {
        Token {
            tok,
            span: Span::new(self.base + start, self.base + end),
        }
    }

    /// The next token. `infix` is true when the parser expects an operator;
    /// when it is false a `/` starts a regular expression.
    pub(super) fn next(&mut self, infix: bool) -> Result<Token, SyntaxError> {
        let bytes = self.src.as_bytes();
        loop {
            while self.pos < bytes.len() && is_whitespace(bytes[self.pos]) {
                self.pos += 1;
            }
            if self.src[self.pos..].starts_with("/*") {
                let start = self.pos;
                match self.src[start + 2..].find("*/") {
                    Some(at) => self.pos = start + 2 + at + 2,
                    None => {
                        return Err(
                            self.error(start, "comment has no closing `*/` (JSONata S0106)")
                        );
                    }
                }
                continue;
            }
            break;
        }
        let start = self.pos;
        let Some(&c) = bytes.get(start) else {
            return Ok(self.token(Tok::End, start, start));
        };
        if !infix && c == b'/' {
            return self.regex(start);
        }
        let rest = &self.src[start..];
        for (text, op) in [
            ("..", Op::DotDot),
            (":=", Op::Assign),
            ("!=", Op::NotEqual),
            (">=", Op::GreaterEqual),
            ("<=", Op::LessEqual),
            ("**", Op::StarStar),
            ("~>", Op::Chain),
        ] {
            if rest.starts_with(text) {
                self.pos += 2;
                return Ok(self.token(Tok::Op(op), start, start + 2));
            }
        }
        let single = match c {
            b'.' => Some(Op::Dot),
            b'[' => Some(Op::LBracket),
            b']' => Some(Op::RBracket),
            b'{' => Some(Op::LBrace),
            b'}' => Some(Op::RBrace),
            b'(' => Some(Op::LParen),
            b')' => Some(Op::RParen),
            b',' => Some(Op::Comma),
            b'@' => Some(Op::At),
            b'#' => Some(Op::Hash),
            b';' => Some(Op::Semicolon),
            b':' => Some(Op::Colon),
            b'?' => Some(Op::Question),
            b'+' => Some(Op::Plus),
            b'-' => Some(Op::Minus),
            b'*' => Some(Op::Star),
            b'/' => Some(Op::Slash),
            b'%' => Some(Op::Percent),
            b'|' => Some(Op::Pipe),
            b'=' => Some(Op::Equal),
            b'<' => Some(Op::Less),
            b'>' => Some(Op::Greater),
            b'^' => Some(Op::Caret),
            b'&' => Some(Op::Amp),
            b'!' => {
                return Err(self.error(
                    start,
                    "`!` is not a JSONata operator: write `!=` for inequality or `$not(…)` \
                     for negation (JSONata S0204)",
                ));
            }
            b'~' => {
                return Err(self.error(
                    start,
                    "`~` is not a JSONata operator: write `~>` to chain functions (JSONata S0204)",
                ));
            }
            _ => None,
        };
        if let Some(op) = single {
            self.pos += 1;
            return Ok(self.token(Tok::Op(op), start, start + 1));
        }
        match c {
            b'"' | b'\'' => self.string(start, c),
            b'0'..=b'9' => self.number(start),
            b'`' => match self.src[start + 1..].find('`') {
                Some(len) => {
                    let name = self.src[start + 1..start + 1 + len].to_owned();
                    self.pos = start + 1 + len + 1;
                    Ok(self.token(Tok::Name(name), start, self.pos))
                }
                None => Err(self.error(
                    start,
                    "backquoted name has no closing backquote (JSONata S0105)",
                )),
            },
            _ => {
                let mut end = start;
                while end < bytes.len()
                    && !is_whitespace(bytes[end])
                    && !is_operator_char(bytes[end])
                {
                    end += 1;
                }
                self.pos = end;
                let word = &self.src[start..end];
                let tok = if let Some(name) = word.strip_prefix('$') {
                    Tok::Variable(name.to_owned())
                } else {
                    match word {
                        "and" => Tok::Op(Op::And),
                        "or" => Tok::Op(Op::Or),
                        "in" => Tok::Op(Op::In),
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "null" => Tok::Null,
                        _ => Tok::Name(word.to_owned()),
                    }
                };
                Ok(self.token(tok, start, end))
            }
        }
    }

    fn string(&mut self, start: usize, quote: u8) -> Result<Token, SyntaxError> {
        let mut out = String::new();
        let mut i = start + 1;
        loop {
            let Some(c) = self.src[i..].chars().next() else {
                return Err(self.error(
                    start,
                    format!(
                        "string has no closing `{}` (JSONata S0101)",
                        char::from(quote)
                    ),
                ));
            };
            if c == char::from(quote) {
                self.pos = i + 1;
                return Ok(self.token(Tok::String(out), start, self.pos));
            }
            if c != '\\' {
                out.push(c);
                i += c.len_utf8();
                continue;
            }
            let escape_at = i;
            let Some(e) = self.src[i + 1..].chars().next() else {
                return Err(self.error(
                    start,
                    format!(
                        "string has no closing `{}` (JSONata S0101)",
                        char::from(quote)
                    ),
                ));
            };
            i += 1 + e.len_utf8();
            match e {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let unit = self.hex4(i).ok_or_else(|| {
                        self.error(
                            escape_at,
                            "`\\u` must be followed by four hexadecimal digits (JSONata S0104)",
                        )
                    })?;
                    i += 4;
                    // JavaScript strings are UTF-16: a surrogate pair written as
                    // two escapes is one character. A lone surrogate cannot be
                    // held in a Rust string and becomes U+FFFD.
                    if (0xD800..0xDC00).contains(&unit) {
                        let low = if self.src[i..].starts_with("\\u") {
                            self.hex4(i + 2).filter(|u| (0xDC00..0xE000).contains(u))
                        } else {
                            None
                        };
                        match low {
                            Some(low) => {
                                i += 6;
                                let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                            }
                            None => out.push('\u{FFFD}'),
                        }
                    } else {
                        out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                    }
                }
                other => {
                    return Err(self.error(
                        escape_at,
                        format!(
                            "unsupported escape sequence `\\{other}` in a string: the escapes are \
                             \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX (JSONata S0103)"
                        ),
                    ));
                }
            }
        }
    }

    /// Four hexadecimal digits at `at`, as a number.
    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.src.get(at..at + 4)?;
        if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            u32::from_str_radix(digits, 16).ok()
        } else {
            None
        }
    }

    fn number(&mut self, start: usize) -> Result<Token, SyntaxError> {
        let bytes = self.src.as_bytes();
        let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        let mut end = start + 1;
        if bytes[start] != b'0' {
            while digit(end) {
                end += 1;
            }
        }
        if bytes.get(end) == Some(&b'.') && digit(end + 1) {
            end += 2;
            while digit(end) {
                end += 1;
            }
        }
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let mut exp = end + 1;
            if matches!(bytes.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            if digit(exp) {
                while digit(exp) {
                    exp += 1;
                }
                end = exp;
            }
        }
        let text = &self.src[start..end];
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => {
                self.pos = end;
                Ok(self.token(Tok::Number(n), start, end))
            }
            _ => Err(self.error(
                start,
                format!("number `{text}` is out of range (JSONata S0102)"),
            )),
        }
    }

    /// A regular expression; `slash` is the offset of the opening `/`.
    ///
    /// Like jsonata-js, the closing `/` is the first one preceded by an even
    /// number of backslashes while the count of unescaped `( [ {` minus
    /// `) ] }` is zero.
    fn regex(&mut self, slash: usize) -> Result<Token, SyntaxError> {
        let bytes = self.src.as_bytes();
        let start = slash + 1;
        let mut depth: i64 = 0;
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'/' && depth == 0 {
                let backslashes = bytes[start..i]
                    .iter()
                    .rev()
                    .take_while(|&&c| c == b'\\')
                    .count();
                if backslashes % 2 == 0 {
                    break;
                }
            }
            let escaped = bytes[i - 1] == b'\\';
            if matches!(b, b'(' | b'[' | b'{') && !escaped {
                depth += 1;
            }
            if matches!(b, b')' | b']' | b'}') && !escaped {
                depth -= 1;
            }
            i += 1;
        }
        if i >= bytes.len() {
            return Err(self.error(
                slash,
                "regular expression has no closing `/` (JSONata S0302)",
            ));
        }
        let pattern = &self.src[start..i];
        if pattern.is_empty() {
            return Err(self.error(
                slash,
                "empty regular expressions are not allowed (JSONata S0301)",
            ));
        }
        if let Err((at, message)) = check_regex(pattern) {
            return Err(self.error(
                start + at,
                format!("invalid regular expression /{pattern}/: {message}"),
            ));
        }
        let mut end = i + 1;
        let (mut ignore_case, mut multiline) = (false, false);
        loop {
            match bytes.get(end) {
                Some(b'i') => ignore_case = true,
                Some(b'm') => multiline = true,
                _ => break,
            }
            end += 1;
        }
        self.pos = end;
        let literal = RegexLiteral {
            pattern: pattern.to_owned(),
            ignore_case,
            multiline,
        };
        Ok(self.token(Tok::Regex(literal), slash, end))
    }
}

/// Group kinds, for the regular-expression check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Plain,
    Lookahead,
    Lookbehind,
}

/// An atom inside a character class.
enum ClassAtom {
    Char(char),
    /// `\d`, `\w`, … or an escape whose value is not worked out.
    Other,
}

/// Checks an ECMAScript regular expression (non-Unicode mode, with the web
/// compatibility grammar of Annex B, which is what `new RegExp` accepts) for the
/// errors a JavaScript engine reports: unbalanced parentheses, invalid `(?`
/// groups, quantifiers with nothing to repeat, `{n,m}` out of order, character
/// ranges out of order and unterminated classes. Anything it is unsure of is
/// accepted. Returns the byte offset within `pattern` and a message.
fn check_regex(pattern: &str) -> Result<(), (usize, &'static str)> {
    let chars: Vec<(usize, char)> = pattern.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut groups: Vec<(usize, Group)> = Vec::new();
    let mut quantifiable = false;
    let mut i = 0;
    while let Some(&(offset, c)) = chars.get(i) {
        match c {
            '\\' => {
                let Some(e) = at(i + 1) else {
                    return Err((offset, "`\\` at end of pattern"));
                };
                quantifiable = !matches!(e, 'b' | 'B');
                i += 2;
                continue;
            }
            '[' => {
                i = class_end(&chars, i).ok_or((offset, "unterminated character class"))??;
                quantifiable = true;
                continue;
            }
            '(' => {
                let kind = if at(i + 1) == Some('?') {
                    match (at(i + 2), at(i + 3)) {
                        (Some(':'), _) => {
                            i += 3;
                            Group::Plain
                        }
                        (Some('=' | '!'), _) => {
                            i += 3;
                            Group::Lookahead
                        }
                        (Some('<'), Some('=' | '!')) => {
                            i += 4;
                            Group::Lookbehind
                        }
                        (Some('<'), _) => {
                            let name_start = i + 3;
                            let mut j = name_start;
                            while at(j).is_some_and(|c| c != '>') {
                                j += 1;
                            }
                            let name_ok = at(j) == Some('>')
                                && j > name_start
                                && chars[name_start..j].iter().enumerate().all(|(k, &(_, c))| {
                                    !c.is_ascii()
                                        || c == '$'
                                        || c == '_'
                                        || c == '\\'
                                        || (c.is_ascii_alphanumeric()
                                            && !(k == 0 && c.is_ascii_digit()))
                                });
                            if !name_ok {
                                return Err((offset, "invalid capture group name"));
                            }
                            i = j + 1;
                            Group::Plain
                        }
                        _ => {
                            return Err((
                                offset,
                                "invalid group: `(?` must be followed by `:`, `=`, `!`, `<=`, `<!` or `<name>`",
                            ));
                        }
                    }
                } else {
                    i += 1;
                    Group::Plain
                };
                groups.push((offset, kind));
                quantifiable = false;
                continue;
            }
            ')' => {
                let Some((_, kind)) = groups.pop() else {
                    return Err((offset, "unmatched `)`"));
                };
                quantifiable = kind != Group::Lookbehind;
            }
            '|' | '^' | '$' => quantifiable = false,
            '*' | '+' | '?' => {
                if !quantifiable {
                    return Err((offset, "nothing to repeat"));
                }
                i += 1;
                if at(i) == Some('?') {
                    i += 1;
                }
                quantifiable = false;
                continue;
            }
            '{' => {
                if let Some((min, max, len)) = braced_quantifier(&chars, i) {
                    if !quantifiable {
                        return Err((offset, "nothing to repeat"));
                    }
                    if max < min {
                        return Err((offset, "numbers out of order in `{}` quantifier"));
                    }
                    i += len;
                    if at(i) == Some('?') {
                        i += 1;
                    }
                    quantifiable = false;
                    continue;
                }
                // Not a quantifier: a literal `{` (Annex B).
                quantifiable = true;
            }
            _ => quantifiable = true,
        }
        i += 1;
    }
    match groups.last() {
        Some(&(offset, _)) => Err((offset, "unterminated group")),
        None => Ok(()),
    }
}

/// The index just past the `]` closing the class that opens at `open`; `None`
/// if it is not closed, `Some(Err)` for a range out of order.
#[allow(clippy::type_complexity)]
fn class_end(chars: &[(usize, char)], open: usize) -> Option<Result<usize, (usize, &'static str)>> {
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let atom = |i: usize| -> (ClassAtom, usize) {
        match at(i) {
            Some('\\') => match at(i + 1) {
                Some('b') => (ClassAtom::Char('\u{8}'), i + 2),
                Some(_) => (ClassAtom::Other, i + 2),
                None => (ClassAtom::Other, i + 1),
            },
            Some(c) => (ClassAtom::Char(c), i + 1),
            None => (ClassAtom::Other, i),
        }
    };
    let mut j = open + 1;
    if at(j) == Some('^') {
        j += 1;
    }
    loop {
        match at(j) {
            None => return None,
            Some(']') => return Some(Ok(j + 1)),
            Some(_) => {}
        }
        let range_start = j;
        let (low, next) = atom(j);
        j = next;
        if at(j) == Some('-') && at(j + 1).is_some_and(|c| c != ']') {
            let (high, next) = atom(j + 1);
            j = next;
            if let (ClassAtom::Char(lo), ClassAtom::Char(hi)) = (low, high)
                && lo > hi
            {
                let offset = chars.get(range_start).map_or(0, |&(o, _)| o);
                return Some(Err((offset, "range out of order in character class")));
            }
        }
    }
}

/// A `{n}`, `{n,}` or `{n,m}` quantifier starting at `open`: (min, max, length
/// in characters).
fn braced_quantifier(chars: &[(usize, char)], open: usize) -> Option<(u64, u64, usize)> {
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let number = |mut i: usize| -> (Option<u64>, usize) {
        let mut value: Option<u64> = None;
        while let Some(d) = at(i).and_then(|c| c.to_digit(10)) {
            value = Some(
                value
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(u64::from(d)),
            );
            i += 1;
        }
        (value, i)
    };
    let (min, mut i) = number(open + 1);
    let min = min?;
    let max = if at(i) == Some(',') {
        let (max, next) = number(i + 1);
        i = next;
        max.unwrap_or(u64::MAX)
    } else {
        min
    };
    (at(i) == Some('}')).then_some((min, max, i + 1 - open))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<Tok> {
        let mut lexer = Lexer::new(src, 0);
        let mut out = Vec::new();
        loop {
            let t = lexer.next(false).unwrap_or_else(|e| panic!("{src}: {e}"));
            if t.tok == Tok::End {
                return out;
            }
            out.push(t.tok);
        }
    }

    fn lex_error(src: &str) -> SyntaxError {
        let mut lexer = Lexer::new(src, 0);
        loop {
            match lexer.next(false) {
                Ok(t) if t.tok == Tok::End => panic!("{src} lexed"),
                Ok(_) => {}
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn names_values_and_keywords() {
        assert_eq!(
            tokens("foo `a b` $x $ $$ true null and naïve a\"b"),
            vec![
                Tok::Name("foo".into()),
                Tok::Name("a b".into()),
                Tok::Variable("x".into()),
                Tok::Variable(String::new()),
                Tok::Variable("$".into()),
                Tok::Bool(true),
                Tok::Null,
                Tok::Op(Op::And),
                Tok::Name("naïve".into()),
                Tok::Name("a\"b".into()),
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(
            tokens("0 12 1.5 2e3 1E-2 01 1."),
            vec![
                Tok::Number(0.0),
                Tok::Number(12.0),
                Tok::Number(1.5),
                Tok::Number(2000.0),
                Tok::Number(0.01),
                Tok::Number(0.0),
                Tok::Number(1.0),
                Tok::Number(1.0),
                Tok::Op(Op::Dot),
            ]
        );
        assert!(lex_error("1e999").message.contains("S0102"));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            tokens(r#""a\"b" 'it''s' "\u00e9\ud83d\ude00\ud800" "\/\t""#),
            vec![
                Tok::String("a\"b".into()),
                Tok::String("it".into()),
                Tok::String("s".into()),
                Tok::String("é😀\u{FFFD}".into()),
                Tok::String("/\t".into()),
            ]
        );
        assert!(lex_error(r"'\''").message.contains("S0103"));
        assert!(lex_error(r#""\u12""#).message.contains("S0104"));
        assert!(lex_error(r#""abc"#).message.contains("S0101"));
        assert!(lex_error("`abc").message.contains("S0105"));
    }

    #[test]
    fn comments_and_operators() {
        assert_eq!(
            tokens("/* c */ a /**/..b:=c ~> d != e ** f"),
            vec![
                Tok::Name("a".into()),
                Tok::Op(Op::DotDot),
                Tok::Name("b".into()),
                Tok::Op(Op::Assign),
                Tok::Name("c".into()),
                Tok::Op(Op::Chain),
                Tok::Name("d".into()),
                Tok::Op(Op::NotEqual),
                Tok::Name("e".into()),
                Tok::Op(Op::StarStar),
                Tok::Name("f".into()),
            ]
        );
        assert!(lex_error("a /* b").message.contains("S0106"));
        assert!(lex_error("!a").message.contains("`!=`"));
        assert!(lex_error("~a").message.contains("`~>`"));
    }

    #[test]
    fn regexes() {
        let re = |s: &str| match tokens(s).into_iter().next() {
            Some(Tok::Regex(r)) => r,
            other => panic!("{s}: {other:?}"),
        };
        let r = re(r"/ab\/c/im");
        assert_eq!(r.pattern, r"ab\/c");
        assert!(r.ignore_case && r.multiline);
        assert_eq!(re("/[/]/").pattern, "[/]");
        assert_eq!(re("/a{2,}/").pattern, "a{2,}");
        assert_eq!(re(r"/^hello\ /").pattern, r"^hello\ ");
        assert!(lex_error("/abc").message.contains("S0302"));
        assert!(lex_error("//").message.contains("S0301"));
        for bad in [
            "/+a/",
            "/a|*/",
            "/a**/",
            "/(?x)/",
            "/a{3,2}/",
            "/[z-a]/",
            "/^*/",
            "/(?<=a)*/",
        ] {
            let e = lex_error(bad);
            assert!(
                e.message.contains("invalid regular expression"),
                "{bad}: {e}"
            );
        }
        // jsonata-js counts brackets to find the closing slash, so an
        // unbalanced one runs on to the end.
        assert!(lex_error("/]/").message.contains("S0302"));
        assert!(lex_error("/a{/").message.contains("S0302"));
        for good in [
            "/a{b}/",
            "/a{,5}/",
            "/(?=a)*/",
            r"/[\d-z]/",
            "/[-a]/",
            "/[a-]/",
            "/(?<year>[0-9]{4})/",
            r"/\bx\b/",
            r"/\]/",
            "/a|/",
        ] {
            assert!(
                matches!(tokens(good).first(), Some(Tok::Regex(_))),
                "{good}"
            );
        }
    }

    #[test]
    fn slash_is_division_in_infix_position() {
        let mut lexer = Lexer::new("/ 2", 0);
        assert_eq!(lexer.next(true).map(|t| t.tok), Ok(Tok::Op(Op::Slash)));
    }

    #[test]
    fn spans_are_offset_by_base() {
        let mut lexer = Lexer::new("  ab", 10);
        let t = lexer.next(false).map(|t| t.span);
        assert_eq!(t, Ok(Span::new(12, 14)));
    }
}
