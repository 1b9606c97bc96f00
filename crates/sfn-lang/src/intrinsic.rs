//! Intrinsic function calls: `States.Format('Hello {}', $.name)` and friends.
//!
//! In JSONPath mode a payload-template key ending in `.$` whose value does not
//! start with `$` must hold an intrinsic call. This module parses such a call
//! once, at build time, into a [`Call`] tree and rejects calls that can never
//! succeed, so that the generated code only has to evaluate the tree.
//!
//! # Grammar
//!
//! ```text
//! call     = name "(" [ ws arg ws { "," ws arg ws } ] ")"      (nothing may follow)
//! name     = [A-Za-z0-9._]+                                    (one of the 18 States.* names)
//! arg      = string | number | "true" | "false" | "null" | path | call
//! string   = "'" { char | "\'" | "\{" | "\}" | "\\" } "'"
//! number   = [ "-" ] ( "0" | [1-9][0-9]* ) [ "." [0-9]+ ] [ ( "e" | "E" ) [ "+" | "-" ] [0-9]+ ]
//! path     = "$" ...                                           (see below)
//! ws       = { " " | "\t" | "\n" | "\r" }
//! ```
//!
//! * The call must start at the first byte: `" States.Array()"` is rejected, as
//!   statelint does. Nothing, not even whitespace, may follow the closing `)`.
//! * Only the 18 functions of [`Function`] exist. An unknown `States.Foo` is an
//!   error naming the closest known function; any other name is rejected because
//!   custom functions are not supported.
//! * A number without `.` or exponent is an [`Arg::Int`] (or an [`Arg::Float`]
//!   when it does not fit in an `i64`); otherwise it is an [`Arg::Float`].
//! * A path argument starts with `$` (`$.a`, `$$.Execution.Id`, `$var.x`). Its
//!   extent runs to the next `,` or `)` that is outside brackets, parentheses
//!   and quotes (so `$.a[?(@.k == 'x,y')].b` is one argument); trailing
//!   whitespace is dropped and the text is handed to
//!   [`crate::path::parse_path`].
//! * Calls nest at most [`MAX_NESTING`] (10) levels deep, the outermost call
//!   counting as level 1.
//!
//! # Escapes
//!
//! You receive the string after JSON unescaping, so the JSON source
//! `"States.Format('it\\'s {}', $.x)"` arrives here as `States.Format('it\'s {}', $.x)`.
//! Inside a string literal `\'`, `\{`, `\}` and `\\` stand for the character
//! after the backslash. Any other backslash sequence, or a backslash right
//! before the end of the text, is an error (AWS reports the "open escape" at run
//! time; here it is caught at build time).
//!
//! The first argument of `States.Format`, when it is a string literal, is split
//! at build time into [`FormatPiece`]s: an unescaped `{}` is a
//! [`FormatPiece::Hole`], while `\{\}` stays the literal text `{}`. A lone
//! unescaped `{` or `}` is kept as literal text (AWS accepts unescaped braces,
//! for example in `States.StringToJson('{"a": 1}')`).
//!
//! # Static checks
//!
//! After a call's arguments are parsed, [`parse_intrinsic`] checks:
//!
//! * arity (`States.ArrayRange takes 3 arguments (start, end, step), found 2`);
//! * the type of every argument whose type is known at build time: literals,
//!   and nested calls whose result type is fixed (`States.Array` returns an
//!   array, `States.Format` a string, `States.MathAdd` a number,
//!   `States.ArrayContains` a boolean, `States.JsonMerge` an object, ...).
//!   Paths, `States.StringToJson` and `States.ArrayGetItem` can be anything, so
//!   they are always accepted;
//! * `States.Format`: the template is a string or a path, and a literal
//!   template has exactly as many `{}` holes as there are value arguments;
//! * `States.JsonToString`: the argument is a path, as the spec requires;
//! * `States.ArrayPartition`: a literal chunk size is a number greater than 0
//!   after rounding;
//! * `States.ArrayRange`: a literal step is not 0 after rounding, and three
//!   literal bounds produce at most 1000 items;
//! * `States.ArrayGetItem`: a literal index is a whole number, not negative;
//! * `States.Hash`: a literal algorithm is one of `MD5`, `SHA-1`, `SHA-256`,
//!   `SHA-384`, `SHA-512`;
//! * `States.Base64Encode`, `States.Base64Decode`, `States.Hash`: a literal
//!   input has at most 10,000 characters;
//! * `States.JsonMerge`: the first two arguments can be objects (so they are
//!   not literals), the third is a boolean and is not `true`;
//! * `States.MathAdd`: literal operands are numbers within the `i32` range after
//!   rounding; `States.MathRandom`: literal bounds and seed are numbers.
//!
//! Non-integer numbers are accepted where AWS rounds them (chunk size, range
//! bounds, `MathAdd`, `MathRandom`); the checks round half up, like Java's
//! `Math.round`.
//!
//! # Where AWS and the specification differ
//!
//! * `States.JsonMerge(a, b, true)`: the specification allows a deep
//!   (recursive) merge, but AWS only supports shallow merges and rejects
//!   `true`. This parser follows AWS and rejects a literal `true`.
//! * `States.MathRandom(start, end)`: AWS documents `end` as exclusive; that is
//!   a run-time matter for the evaluator, not checked here.
//! * `States.Format` value arguments: the specification forbids arrays and
//!   objects, but AWS renders them (LocalStack, snapshot-tested against AWS,
//!   prints them Java-style), so they are not rejected here.

use std::borrow::Cow;
use std::fmt;

use crate::SyntaxError;
use crate::path::{Path, parse_path};

/// Maximum nesting depth AWS allows (10).
///
/// The outermost call is level 1, so `States.Array(States.Array(...))` with ten
/// `States.Array` calls in a chain is accepted and eleven are rejected.
pub const MAX_NESTING: usize = 10;

/// Longest literal string AWS accepts as input to the Base64 and hash
/// functions, in characters.
const MAX_ENCODE_CHARS: usize = 10_000;

/// Most items `States.ArrayRange` may produce.
const MAX_RANGE_ITEMS: i128 = 1000;

/// The algorithms `States.Hash` supports.
const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// A parsed call such as `States.Format('{} {}', $.a, States.UUID())`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The function called.
    pub function: Function,
    /// The arguments, in source order.
    pub args: Cow<'static, [Arg]>,
}

/// One of the intrinsic functions of the Amazon States Language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    /// `States.Format(template, values...)`: fills the `{}` holes of a template.
    Format,
    /// `States.StringToJson(string)`: parses a string as JSON.
    StringToJson,
    /// `States.JsonToString(path)`: serialises a value as compact JSON.
    JsonToString,
    /// `States.Array(values...)`: an array of its arguments.
    Array,
    /// `States.ArrayPartition(array, chunk size)`: splits an array into chunks.
    ArrayPartition,
    /// `States.ArrayContains(array, value)`: deep-equality membership test.
    ArrayContains,
    /// `States.ArrayRange(start, end, step)`: integers from start to end inclusive.
    ArrayRange,
    /// `States.ArrayGetItem(array, index)`: the item at an index.
    ArrayGetItem,
    /// `States.ArrayLength(array)`: the number of items.
    ArrayLength,
    /// `States.ArrayUnique(array)`: removes duplicates, keeping first occurrences.
    ArrayUnique,
    /// `States.Base64Encode(string)`: Base64-encodes a string.
    Base64Encode,
    /// `States.Base64Decode(string)`: decodes a Base64 string.
    Base64Decode,
    /// `States.Hash(data, algorithm)`: lowercase hex digest of the data.
    Hash,
    /// `States.JsonMerge(object, object, deep)`: shallow merge of two objects.
    JsonMerge,
    /// `States.MathRandom(start, end[, seed])`: a random integer.
    MathRandom,
    /// `States.MathAdd(a, b)`: the sum of two integers.
    MathAdd,
    /// `States.StringSplit(string, delimiters)`: splits at any delimiter character.
    StringSplit,
    /// `States.UUID()`: a random version 4 UUID.
    Uuid,
}

impl Function {
    /// Every intrinsic function, in the order of the AWS documentation.
    pub const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The name as written in ASL, for example `"States.Format"` or `"States.UUID"`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// The function with this exact (case-sensitive) name, such as `"States.Format"`.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Parameter names, for messages. Functions taking any number of values
    /// list only their fixed leading parameters.
    fn params(self) -> &'static [&'static str] {
        match self {
            Function::Format => &["template"],
            Function::StringToJson => &["string"],
            Function::JsonToString => &["path"],
            Function::Array => &[],
            Function::ArrayPartition => &["array", "chunk size"],
            Function::ArrayContains => &["array", "value"],
            Function::ArrayRange => &["start", "end", "step"],
            Function::ArrayGetItem => &["array", "index"],
            Function::ArrayLength | Function::ArrayUnique => &["array"],
            Function::Base64Encode => &["string"],
            Function::Base64Decode => &["base64 string"],
            Function::Hash => &["data", "algorithm"],
            Function::JsonMerge => &["object", "object", "deep"],
            Function::MathRandom => &["start", "end", "seed"],
            Function::MathAdd => &["a", "b"],
            Function::StringSplit => &["string", "delimiters"],
            Function::Uuid => &[],
        }
    }

    /// Smallest and largest argument count (`None`: unbounded).
    fn arity(self) -> (usize, Option<usize>) {
        match self {
            Function::Format => (1, None),
            Function::Array => (0, None),
            Function::MathRandom => (2, Some(3)),
            other => {
                let n = other.params().len();
                (n, Some(n))
            }
        }
    }

    /// The JSON type every successful call returns, when there is one.
    fn result_type(self) -> Option<Ty> {
        match self {
            Function::StringToJson | Function::ArrayGetItem => None,
            Function::Format
            | Function::JsonToString
            | Function::Base64Encode
            | Function::Base64Decode
            | Function::Hash
            | Function::Uuid => Some(Ty::String),
            Function::Array
            | Function::ArrayPartition
            | Function::ArrayRange
            | Function::ArrayUnique
            | Function::StringSplit => Some(Ty::Array),
            Function::ArrayLength | Function::MathRandom | Function::MathAdd => Some(Ty::Number),
            Function::ArrayContains => Some(Ty::Bool),
            Function::JsonMerge => Some(Ty::Object),
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One argument of a [`Call`].
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// The literal `null`.
    Null,
    /// The literal `true` or `false`.
    Bool(bool),
    /// An integer literal such as `-1`.
    Int(i64),
    /// A number literal with a fraction or exponent (`2.5`, `1e3`), or an
    /// integer too large for an `i64`.
    Float(f64),
    /// A single-quoted string literal, with its escapes resolved.
    Str(Cow<'static, str>),
    /// The first argument of `States.Format` when it is a string literal,
    /// split at build time: escaped `\{` `\}` are literal text and each
    /// unescaped `{}` is a hole.
    Format(Cow<'static, [FormatPiece]>),
    /// A path: `$.x`, `$$.Execution.Id` or `$var.x`.
    Path(Path),
    /// A nested intrinsic call.
    Call(Call),
}

/// A piece of a literal `States.Format` template.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatPiece {
    /// Literal text, with escapes resolved.
    Text(Cow<'static, str>),
    /// A `{}` hole, filled by the next value argument.
    Hole,
}

/// Parses a complete intrinsic call and applies the static checks described in
/// the [module documentation](self).
///
/// Error offsets are byte offsets into `text`.
pub fn parse_intrinsic(text: &str) -> Result<Call, SyntaxError> {
    let mut parser = Parser { src: text, pos: 0 };
    if text.is_empty() {
        return Err(SyntaxError::new(
            0,
            "empty intrinsic function call; expected a call such as States.Format('{}', $.x)",
        ));
    }
    if parser.peek().is_some_and(is_ws) {
        return Err(SyntaxError::new(
            0,
            "an intrinsic function call must start with the function name; remove the leading whitespace",
        ));
    }
    let call = parser.call(1)?;
    if parser.pos < text.len() {
        return Err(SyntaxError::new(
            parser.pos,
            format!(
                "unexpected text after the closing `)` of {}; an intrinsic field holds exactly one call",
                call.function
            ),
        ));
    }
    Ok(call)
}

/// True when `text` looks like a function call (`Name(`...), used to choose
/// between "bad path" and "bad intrinsic" messages.
///
/// Leading whitespace and whitespace between the name and `(` are tolerated
/// here, so that such strings get the more helpful intrinsic error message.
pub fn looks_like_call(text: &str) -> bool {
    let text = text.trim_start();
    let name_len = text.bytes().take_while(|&b| is_name_byte(b)).count();
    name_len > 0 && text[name_len..].trim_start().starts_with('(')
}

/// The JSON type of a value, as far as it is known at build time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Ty {
    fn describe(self) -> &'static str {
        match self {
            Ty::Null => "null",
            Ty::Bool => "a boolean",
            Ty::Number => "a number",
            Ty::String => "a string",
            Ty::Array => "an array",
            Ty::Object => "an object",
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A recursive-descent parser over the bytes of the call text.
struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    /// Reads `[A-Za-z0-9._]*`.
    fn name(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_name_byte) {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    /// The character at `pos`, for messages.
    fn char_at(&self, pos: usize) -> char {
        self.src
            .get(pos..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or(' ')
    }

    /// True when whitespace then `(` follows `pos`.
    fn paren_after_ws(&self) -> bool {
        self.src
            .get(self.pos..)
            .is_some_and(|rest| rest.trim_start().starts_with('('))
    }

    /// Parses `Name(args)` at nesting level `depth` (1 for the outermost call).
    fn call(&mut self, depth: usize) -> Result<Call, SyntaxError> {
        let start = self.pos;
        if depth > MAX_NESTING {
            return Err(SyntaxError::new(
                start,
                format!(
                    "intrinsic calls nest at most {MAX_NESTING} levels deep; this call is level {depth}"
                ),
            ));
        }
        let name = self.name();
        if name.is_empty() {
            return Err(SyntaxError::new(
                start,
                "expected an intrinsic function name such as States.Format",
            ));
        }
        if self.peek() != Some(b'(') {
            let message = if self.paren_after_ws() {
                format!("remove the whitespace between `{name}` and `(`")
            } else {
                format!("expected `(` after the function name `{name}`")
            };
            return Err(SyntaxError::new(self.pos, message));
        }
        let function = resolve(name, start)?;
        self.pos += 1;

        let mut args: Vec<(usize, Arg)> = Vec::new();
        self.skip_ws();
        let close;
        if self.peek() == Some(b')') {
            close = self.pos;
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let at = self.pos;
                let template = function == Function::Format && args.is_empty();
                let arg = self.arg(depth, template)?;
                args.push((at, arg));
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b')') {
                            return Err(SyntaxError::new(
                                self.pos,
                                "expected an argument after `,`; remove the trailing comma",
                            ));
                        }
                    }
                    Some(b')') => {
                        close = self.pos;
                        self.pos += 1;
                        break;
                    }
                    None => {
                        return Err(SyntaxError::new(
                            self.pos,
                            format!("missing `)` to close the call to {function}"),
                        ));
                    }
                    Some(_) => {
                        return Err(SyntaxError::new(
                            self.pos,
                            format!(
                                "unexpected `{}` after argument {} of {function}; expected `,` or `)`",
                                self.char_at(self.pos),
                                args.len()
                            ),
                        ));
                    }
                }
            }
        }
        check(function, &args, close)?;
        let args: Vec<Arg> = args.into_iter().map(|(_, arg)| arg).collect();
        Ok(Call {
            function,
            args: Cow::Owned(args),
        })
    }

    /// Parses one argument of a call at level `depth`.
    fn arg(&mut self, depth: usize, template: bool) -> Result<Arg, SyntaxError> {
        let start = self.pos;
        match self.peek() {
            None => Err(SyntaxError::new(
                start,
                "unexpected end of text; expected an argument or `)`",
            )),
            Some(b'\'') => self.string(template),
            Some(b'$') => self.path(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => Err(SyntaxError::new(
                start,
                "intrinsic string literals use single quotes: 'text'",
            )),
            Some(b',' | b')') => Err(SyntaxError::new(start, "expected an argument")),
            Some(b) if is_name_byte(b) => {
                let word = self.name();
                if self.peek() == Some(b'(') {
                    self.pos = start;
                    return Ok(Arg::Call(self.call(depth + 1)?));
                }
                match word {
                    "true" => Ok(Arg::Bool(true)),
                    "false" => Ok(Arg::Bool(false)),
                    "null" => Ok(Arg::Null),
                    _ if self.paren_after_ws() => Err(SyntaxError::new(
                        self.pos,
                        format!("remove the whitespace between `{word}` and `(`"),
                    )),
                    _ => Err(SyntaxError::new(
                        start,
                        format!(
                            "unexpected `{word}`; an argument is a 'string', a number, true, false, \
                             null, a path starting with `$`, or a States.* call"
                        ),
                    )),
                }
            }
            Some(_) => Err(SyntaxError::new(
                start,
                format!(
                    "unexpected `{}`; an argument is a 'string', a number, true, false, null, \
                     a path starting with `$`, or a States.* call",
                    self.char_at(start)
                ),
            )),
        }
    }

    /// Parses a single-quoted string; a Format template is split into pieces.
    fn string(&mut self, template: bool) -> Result<Arg, SyntaxError> {
        let open = self.pos;
        let body = self.pos + 1;
        let rest = self.src.get(body..).unwrap_or("");
        let mut text = String::new();
        let mut pieces: Vec<FormatPiece> = Vec::new();
        let mut chars = rest.char_indices().peekable();
        loop {
            let Some((i, c)) = chars.next() else {
                return Err(SyntaxError::new(
                    open,
                    "unterminated string literal; add the closing `'` (write \\' for a quote inside the string)",
                ));
            };
            match c {
                '\'' => {
                    self.pos = body + i + 1;
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('\'' | '{' | '}' | '\\'))) => text.push(escaped),
                    Some((_, other)) => {
                        return Err(SyntaxError::new(
                            body + i,
                            format!(
                                "invalid escape `\\{other}`; in intrinsic strings only \\', \\{{, \\}} and \\\\ \
                                 are escapes (write \\\\ for a backslash)"
                            ),
                        ));
                    }
                    None => {
                        return Err(SyntaxError::new(
                            body + i,
                            "lone backslash at the end of the text; write \\\\ for a literal backslash",
                        ));
                    }
                },
                '{' if template && matches!(chars.peek(), Some((_, '}'))) => {
                    chars.next();
                    if !text.is_empty() {
                        pieces.push(FormatPiece::Text(Cow::Owned(std::mem::take(&mut text))));
                    }
                    pieces.push(FormatPiece::Hole);
                }
                other => text.push(other),
            }
        }
        if template {
            if !text.is_empty() {
                pieces.push(FormatPiece::Text(Cow::Owned(text)));
            }
            Ok(Arg::Format(Cow::Owned(pieces)))
        } else {
            Ok(Arg::Str(Cow::Owned(text)))
        }
    }

    /// Parses a number literal.
    fn number(&mut self) -> Result<Arg, SyntaxError> {
        let start = self.pos;
        let mut float = false;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(SyntaxError::new(
                        start,
                        "numbers must not have leading zeros",
                    ));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => {
                return Err(SyntaxError::new(
                    start,
                    "expected digits after `-` in a number",
                ));
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(SyntaxError::new(
                    self.pos,
                    "expected digits after the decimal point",
                ));
            }
            self.digits();
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
                return Err(SyntaxError::new(
                    self.pos,
                    "expected digits in the exponent of a number",
                ));
            }
            self.digits();
            float = true;
        }
        if self
            .peek()
            .is_some_and(|b| is_name_byte(b) || b == b'$' || b == b'\'')
        {
            return Err(SyntaxError::new(
                start,
                format!(
                    "invalid number `{}{}`",
                    &self.src[start..self.pos],
                    self.char_at(self.pos)
                ),
            ));
        }
        let literal = &self.src[start..self.pos];
        if !float && let Ok(value) = literal.parse::<i64>() {
            return Ok(Arg::Int(value));
        }
        match literal.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Arg::Float(value)),
            _ => Err(SyntaxError::new(
                start,
                format!("number `{literal}` is out of range"),
            )),
        }
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// Finds the extent of a path argument and parses it with
    /// [`crate::path::parse_path`].
    fn path(&mut self) -> Result<Arg, SyntaxError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = quote {
                if b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            match b {
                b'[' | b'(' => depth += 1,
                b']' | b')' if depth > 0 => depth -= 1,
                b'\'' | b'"' if depth > 0 => quote = Some(b),
                b',' | b')' => break,
                _ => {}
            }
            i += 1;
        }
        let end = i.min(bytes.len());
        // `end` is at an ASCII delimiter or the end of the text, so it is a
        // character boundary.
        let slice = self.src.get(start..end).unwrap_or("").trim_end();
        let path = parse_path(slice)
            .map_err(|e| SyntaxError::new(start.saturating_add(e.offset), e.message))?;
        self.pos = start + slice.len();
        Ok(Arg::Path(path))
    }
}

/// Maps a name to a function, explaining why an unknown name is wrong.
fn resolve(name: &str, start: usize) -> Result<Function, SyntaxError> {
    if let Some(function) = Function::from_name(name) {
        return Ok(function);
    }
    if let Some(function) = Function::ALL
        .into_iter()
        .find(|f| f.name().eq_ignore_ascii_case(name))
    {
        return Err(SyntaxError::new(
            start,
            format!("intrinsic function names are case-sensitive; write `{function}`"),
        ));
    }
    if !name.starts_with("States.") {
        return Err(SyntaxError::new(
            start,
            format!(
                "`{name}` is not an intrinsic function: custom functions are not supported; \
                 intrinsic names start with States."
            ),
        ));
    }
    let (closest, distance) = closest_function(name);
    let suffix_len = name.len().saturating_sub("States.".len());
    let message = if distance <= (suffix_len / 2).max(2) {
        format!("unknown intrinsic function `{name}`; did you mean `{closest}`?")
    } else {
        let known: Vec<&str> = Function::ALL.into_iter().map(Function::name).collect();
        format!(
            "unknown intrinsic function `{name}`; the nearest is `{closest}`, and the known functions are {}",
            known.join(", ")
        )
    };
    Err(SyntaxError::new(start, message))
}

/// The known function whose name is nearest to `name`, with its distance: the
/// first one that `name` abbreviates (`States.ArrayLen`, distance 0),
/// otherwise the one at the smallest case-insensitive Levenshtein distance,
/// ties going to the earlier function in [`Function::ALL`].
fn closest_function(name: &str) -> (Function, usize) {
    let lower = name.to_ascii_lowercase();
    if let Some(function) = Function::ALL
        .into_iter()
        .find(|f| f.name().to_ascii_lowercase().starts_with(&lower))
    {
        return (function, 0);
    }
    let wanted: Vec<char> = lower.chars().collect();
    let mut best = Function::Format;
    let mut best_distance = usize::MAX;
    for function in Function::ALL {
        let candidate: Vec<char> = function.name().to_ascii_lowercase().chars().collect();
        let distance = levenshtein(&wanted, &candidate);
        if distance < best_distance {
            best = function;
            best_distance = distance;
        }
    }
    (best, best_distance)
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The build-time type of an argument, `None` when only run time knows.
fn type_of(arg: &Arg) -> Option<Ty> {
    match arg {
        Arg::Null => Some(Ty::Null),
        Arg::Bool(_) => Some(Ty::Bool),
        Arg::Int(_) | Arg::Float(_) => Some(Ty::Number),
        Arg::Str(_) | Arg::Format(_) => Some(Ty::String),
        Arg::Path(_) => None,
        Arg::Call(call) => call.function.result_type(),
    }
}

/// Describes an argument for a "found ..." message.
fn describe(arg: &Arg) -> String {
    match arg {
        Arg::Null => "null".to_owned(),
        Arg::Bool(b) => format!("`{b}`"),
        Arg::Int(i) => format!("the number {i}"),
        Arg::Float(f) => format!("the number {}", show_float(*f)),
        Arg::Str(s) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push_str("...");
            }
            format!("the string '{shown}'")
        }
        Arg::Format(_) => "a string".to_owned(),
        Arg::Path(_) => "a path".to_owned(),
        Arg::Call(call) => match call.function.result_type() {
            Some(ty) => format!(
                "a call to {}, which returns {}",
                call.function,
                ty.describe()
            ),
            None => format!("a call to {}", call.function),
        },
    }
}

/// The literal value of a number argument.
fn literal_number(arg: &Arg) -> Option<f64> {
    match arg {
        Arg::Int(i) => Some(*i as f64),
        Arg::Float(f) => Some(*f),
        _ => None,
    }
}

/// A float as a message shows it: `2.5`, `100`, and `1e308` rather than its
/// 309 digits.
fn show_float(f: f64) -> String {
    if f != 0.0 && !(1e-5..1e16).contains(&f.abs()) {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
}

/// Rounds like Java's `Math.round` (half up), saturating to `i64`.
fn round_like_java(value: f64) -> i64 {
    // Not `(value + 0.5).floor()`: that rounds 0.49999999999999994 up.
    let floor = value.floor();
    let rounded = if value - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    };
    rounded as i64
}

/// The literal value of a number argument rounded as AWS rounds it, when
/// that is a 64-bit integer: `Some(Err(()))` for a literal such as `1e308`,
/// which rounding to an `i64` could only clamp.
fn literal_rounded_exact(arg: &Arg) -> Option<Result<i64, ()>> {
    // -2^63 and 2^63, exactly representable.
    const LOW: f64 = -9_223_372_036_854_775_808.0;
    const HIGH: f64 = 9_223_372_036_854_775_808.0;
    match arg {
        Arg::Int(i) => Some(Ok(*i)),
        Arg::Float(f) => {
            let floor = f.floor();
            let rounded = if f - floor >= 0.5 { floor + 1.0 } else { floor };
            // A float at -2^63 may be a rounded -2^63 - 1: refused too.
            Some(if LOW < rounded && rounded < HIGH {
                Ok(rounded as i64)
            } else {
                Err(())
            })
        }
        _ => None,
    }
}

/// The literal value of a number argument, rounded as AWS rounds it.
fn literal_rounded(arg: &Arg) -> Option<i64> {
    match arg {
        Arg::Int(i) => Some(*i),
        Arg::Float(f) => Some(round_like_java(*f)),
        _ => None,
    }
}

/// One call being checked.
struct Site<'a> {
    function: Function,
    args: &'a [(usize, Arg)],
}

impl Site<'_> {
    /// "States.X argument 2 (name)".
    fn label(&self, index: usize) -> String {
        match self.function.params().get(index) {
            Some(param) => format!("{} argument {} ({param})", self.function, index + 1),
            None => format!("{} argument {}", self.function, index + 1),
        }
    }

    fn error(&self, index: usize, message: String) -> SyntaxError {
        let offset = self.args.get(index).map_or(0, |(offset, _)| *offset);
        SyntaxError::new(offset, message)
    }

    /// Fails when argument `index` is known not to have type `want`.
    fn expect(&self, index: usize, want: Ty) -> Result<(), SyntaxError> {
        let Some((_, arg)) = self.args.get(index) else {
            return Ok(());
        };
        match type_of(arg) {
            Some(ty) if ty != want => Err(self.error(
                index,
                format!(
                    "{} must be {}, found {}",
                    self.label(index),
                    want.describe(),
                    describe(arg)
                ),
            )),
            _ => Ok(()),
        }
    }

    fn arg(&self, index: usize) -> Option<&Arg> {
        self.args.get(index).map(|(_, arg)| arg)
    }

    /// Fails when literal argument `index` does not round to a 64-bit
    /// integer (`1e308`); the runtime fails on such a value too, rather than
    /// clamping it.
    fn in_i64_range(&self, index: usize) -> Result<(), SyntaxError> {
        match self.arg(index).and_then(literal_rounded_exact) {
            Some(Err(())) => Err(self.error(
                index,
                format!(
                    "{} must be within the 64-bit integer range [{}, {}] (after rounding), found {}",
                    self.label(index),
                    i64::MIN,
                    i64::MAX,
                    self.arg(index).map(describe).unwrap_or_default()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Fails when a literal string argument is longer than AWS accepts.
    fn max_chars(&self, index: usize) -> Result<(), SyntaxError> {
        if let Some(Arg::Str(s)) = self.arg(index) {
            let count = s.chars().count();
            if count > MAX_ENCODE_CHARS {
                return Err(self.error(
                    index,
                    format!(
                        "{} has {count} characters; AWS accepts at most {MAX_ENCODE_CHARS}",
                        self.label(index)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Arity and argument checks for one call; `close` is the offset of its `)`.
fn check(function: Function, args: &[(usize, Arg)], close: usize) -> Result<(), SyntaxError> {
    check_arity(function, args, close)?;
    let site = Site { function, args };
    match function {
        Function::Format => check_format(&site),
        Function::StringToJson | Function::StringSplit => {
            site.expect(0, Ty::String)?;
            site.expect(1, Ty::String)
        }
        Function::JsonToString => match site.arg(0) {
            Some(Arg::Path(_)) | None => Ok(()),
            Some(other) => Err(site.error(
                0,
                format!(
                    "{} must be a path (the specification requires one), found {}",
                    site.label(0),
                    describe(other)
                ),
            )),
        },
        Function::Array | Function::Uuid => Ok(()),
        Function::ArrayPartition => {
            site.expect(0, Ty::Array)?;
            site.expect(1, Ty::Number)?;
            if let Some(size) = site.arg(1).and_then(literal_rounded)
                && size <= 0
            {
                return Err(site.error(
                    1,
                    format!(
                        "{} must be greater than 0 (after rounding), found {}",
                        site.label(1),
                        site.arg(1).map(describe).unwrap_or_default()
                    ),
                ));
            }
            Ok(())
        }
        Function::ArrayContains | Function::ArrayLength | Function::ArrayUnique => {
            site.expect(0, Ty::Array)
        }
        Function::ArrayRange => check_range(&site),
        Function::ArrayGetItem => {
            site.expect(0, Ty::Array)?;
            site.expect(1, Ty::Number)?;
            if let Some(index) = site.arg(1).and_then(literal_number) {
                if index.fract() != 0.0 {
                    return Err(site.error(
                        1,
                        format!(
                            "{} must be a whole number, found {}",
                            site.label(1),
                            show_float(index)
                        ),
                    ));
                }
                if index < 0.0 {
                    return Err(site.error(
                        1,
                        format!(
                            "{} must not be negative, found {}",
                            site.label(1),
                            show_float(index)
                        ),
                    ));
                }
            }
            Ok(())
        }
        Function::Base64Encode | Function::Base64Decode => {
            site.expect(0, Ty::String)?;
            site.max_chars(0)
        }
        Function::Hash => {
            site.max_chars(0)?;
            site.expect(1, Ty::String)?;
            if let Some(Arg::Str(algorithm)) = site.arg(1)
                && !HASH_ALGORITHMS.contains(&algorithm.as_ref())
            {
                return Err(site.error(
                    1,
                    format!(
                        "{} must be one of {}, found '{algorithm}'",
                        site.label(1),
                        HASH_ALGORITHMS.join(", ")
                    ),
                ));
            }
            Ok(())
        }
        Function::JsonMerge => check_json_merge(&site),
        Function::MathRandom => {
            for index in 0..args.len() {
                site.expect(index, Ty::Number)?;
                // The seed (argument 3) is clamped like `Math.round`.
                if index < 2 {
                    site.in_i64_range(index)?;
                }
            }
            Ok(())
        }
        Function::MathAdd => {
            for index in 0..args.len() {
                site.expect(index, Ty::Number)?;
                if let Some(value) = site.arg(index).and_then(literal_rounded)
                    && i32::try_from(value).is_err()
                {
                    return Err(site.error(
                        index,
                        format!(
                            "{} must be within the 32-bit integer range [{}, {}], found {}",
                            site.label(index),
                            i32::MIN,
                            i32::MAX,
                            site.arg(index).map(describe).unwrap_or_default()
                        ),
                    ));
                }
            }
            Ok(())
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn check_arity(function: Function, args: &[(usize, Arg)], close: usize) -> Result<(), SyntaxError> {
    let (min, max) = function.arity();
    let found = args.len();
    let too_many = max.is_some_and(|max| found > max);
    if found >= min && !too_many {
        return Ok(());
    }
    let params = function.params().join(", ");
    let expected = match (function, max) {
        (Function::Uuid, _) => "no arguments".to_owned(),
        (Function::MathRandom, _) => "2 or 3 arguments (start, end[, seed])".to_owned(),
        (_, None) => format!(
            "at least {} ({params})",
            plural(min, "argument", "arguments")
        ),
        (_, Some(_)) => format!("{} ({params})", plural(min, "argument", "arguments")),
    };
    let offset = match max {
        Some(max) if too_many => args.get(max).map_or(close, |(offset, _)| *offset),
        _ => close,
    };
    Err(SyntaxError::new(
        offset,
        format!("{function} takes {expected}, found {found}"),
    ))
}

fn check_format(site: &Site<'_>) -> Result<(), SyntaxError> {
    match site.arg(0) {
        Some(Arg::Format(pieces)) => {
            let holes = pieces
                .iter()
                .filter(|p| matches!(p, FormatPiece::Hole))
                .count();
            let values = site.args.len().saturating_sub(1);
            if holes != values {
                return Err(site.error(
                    0,
                    format!(
                        "States.Format template has {} but {} {}",
                        plural(holes, "`{}` placeholder", "`{}` placeholders"),
                        plural(values, "value argument", "value arguments"),
                        if values == 1 { "follows" } else { "follow" }
                    ),
                ));
            }
            Ok(())
        }
        _ => site.expect(0, Ty::String),
    }
}

fn check_range(site: &Site<'_>) -> Result<(), SyntaxError> {
    for index in 0..3 {
        site.expect(index, Ty::Number)?;
        site.in_i64_range(index)?;
    }
    let step = site.arg(2).and_then(literal_rounded);
    if step == Some(0) {
        return Err(site.error(
            2,
            format!(
                "{} must not be 0 (after rounding), found {}",
                site.label(2),
                site.arg(2).map(describe).unwrap_or_default()
            ),
        ));
    }
    let start = site.arg(0).and_then(literal_rounded);
    let end = site.arg(1).and_then(literal_rounded);
    if let (Some(start), Some(end), Some(step)) = (start, end, step) {
        let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
        let items = if step > 0 {
            if end < start {
                0
            } else {
                (end - start) / step + 1
            }
        } else if end > start {
            0
        } else {
            (start - end) / -step + 1
        };
        if items > MAX_RANGE_ITEMS {
            return Err(site.error(
                1,
                format!(
                    "States.ArrayRange({start}, {end}, {step}) would produce {items} items; \
                     AWS allows at most {MAX_RANGE_ITEMS}"
                ),
            ));
        }
    }
    Ok(())
}

fn check_json_merge(site: &Site<'_>) -> Result<(), SyntaxError> {
    for index in 0..2 {
        let Some(arg) = site.arg(index) else {
            continue;
        };
        let ok = match arg {
            Arg::Path(_) => true,
            Arg::Call(call) => call
                .function
                .result_type()
                .is_none_or(|ty| ty == Ty::Object),
            _ => false,
        };
        if !ok {
            return Err(site.error(
                index,
                format!(
                    "{} must be a JSON object (a path or a call that returns one), found {}",
                    site.label(index),
                    describe(arg)
                ),
            ));
        }
    }
    site.expect(2, Ty::Bool)?;
    // The specification allows `true` (a recursive merge), but AWS Step
    // Functions rejects it: only shallow merges are supported.
    if let Some(Arg::Bool(true)) = site.arg(2) {
        return Err(site.error(
            2,
            "States.JsonMerge deep merge (`true`) is not supported: AWS Step Functions only does \
             shallow merges; pass `false`"
                .to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(text: &str) -> Call {
        parse_intrinsic(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e:?}"))
    }

    fn err(text: &str) -> SyntaxError {
        match parse_intrinsic(text) {
            Ok(call) => panic!("{text:?} should fail, parsed as {call:?}"),
            Err(e) => e,
        }
    }

    /// Asserts an error at `offset` whose message contains `needle`.
    fn fails(text: &str, offset: usize, needle: &str) {
        let e = err(text);
        assert_eq!(e.offset, offset, "offset for {text:?}: {e:?}");
        assert!(
            e.message.contains(needle),
            "message for {text:?} should contain {needle:?}: {:?}",
            e.message
        );
    }

    fn call(function: Function, args: Vec<Arg>) -> Call {
        Call {
            function,
            args: Cow::Owned(args),
        }
    }

    fn string(text: &str) -> Arg {
        Arg::Str(Cow::Owned(text.to_owned()))
    }

    fn text(text: &str) -> FormatPiece {
        FormatPiece::Text(Cow::Owned(text.to_owned()))
    }

    fn path(text: &str) -> Arg {
        Arg::Path(parse_path(text).unwrap())
    }

    #[test]
    fn names_round_trip() {
        for function in Function::ALL {
            assert_eq!(Function::from_name(function.name()), Some(function));
            assert_eq!(function.to_string(), function.name());
        }
        assert_eq!(Function::Uuid.name(), "States.UUID");
        assert_eq!(Function::from_name("States.Uuid"), None);
        assert_eq!(Function::from_name("Format"), None);
    }

    #[test]
    fn literal_kinds() {
        assert_eq!(
            ok("States.Array(null, true, false, 0, -5, 2.5, -1e3, 1E+2, 'x', '')"),
            call(
                Function::Array,
                vec![
                    Arg::Null,
                    Arg::Bool(true),
                    Arg::Bool(false),
                    Arg::Int(0),
                    Arg::Int(-5),
                    Arg::Float(2.5),
                    Arg::Float(-1000.0),
                    Arg::Float(100.0),
                    string("x"),
                    string(""),
                ]
            )
        );
        assert_eq!(ok("States.Array()"), call(Function::Array, vec![]));
        assert_eq!(ok("States.UUID()"), call(Function::Uuid, vec![]));
        assert_eq!(
            ok("States.Array(9223372036854775807, -9223372036854775808, 99999999999999999999)"),
            call(
                Function::Array,
                vec![
                    Arg::Int(i64::MAX),
                    Arg::Int(i64::MIN),
                    Arg::Float(99_999_999_999_999_999_999.0)
                ]
            )
        );
        assert_eq!(
            ok("States.Array('héllo, wörld 🆗')"),
            call(Function::Array, vec![string("héllo, wörld 🆗")])
        );
        // Real newlines (already JSON-unescaped) are ordinary characters.
        assert_eq!(
            ok("States.StringSplit('Hello\nWorld', '\n')"),
            call(
                Function::StringSplit,
                vec![string("Hello\nWorld"), string("\n")]
            )
        );
    }

    #[test]
    fn paths() {
        assert_eq!(
            ok("States.Array($, $.a.b, $$.Execution.Id, $var, $var.x[0])"),
            call(
                Function::Array,
                vec![
                    path("$"),
                    path("$.a.b"),
                    path("$$.Execution.Id"),
                    path("$var"),
                    path("$var.x[0]"),
                ]
            )
        );
        // Commas and parentheses inside brackets and quotes belong to the path.
        assert_eq!(
            ok("States.ArrayGetItem($.r[?(@.k == 'a,b)')].v, 0)"),
            call(
                Function::ArrayGetItem,
                vec![path("$.r[?(@.k == 'a,b)')].v"), Arg::Int(0)]
            )
        );
        // Trailing whitespace is not part of the path.
        assert_eq!(
            ok("States.Array( $.a ,\t$.b\n)"),
            call(Function::Array, vec![path("$.a"), path("$.b")])
        );
    }

    #[test]
    fn path_errors_are_shifted() {
        for (text, start, inner) in [
            ("States.Array($.)", 13, "$."),
            ("States.Array(1, $.a $.b)", 16, "$.a $.b"),
        ] {
            let expected = parse_path(inner).unwrap_err();
            let e = err(text);
            assert_eq!(e.offset, start + expected.offset, "{text}");
            assert_eq!(e.message, expected.message);
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            ok(r"States.Array('\{', '\}', '\\', '\'', 'it\'s \\ {x}')"),
            call(
                Function::Array,
                vec![
                    string("{"),
                    string("}"),
                    string("\\"),
                    string("'"),
                    string("it's \\ {x}")
                ]
            )
        );
        // Unescaped braces are literal outside Format templates.
        assert_eq!(
            ok(r#"States.StringToJson('{"a": [1, 2]}')"#),
            call(Function::StringToJson, vec![string(r#"{"a": [1, 2]}"#)])
        );
        fails(r"States.Array('a\nb')", 15, "invalid escape `\\n`");
        fails(r#"States.Array('\"')"#, 14, "invalid escape");
        fails("States.Array('abc\\", 17, "lone backslash");
        fails(r"States.Array('abc\')", 13, "unterminated string");
        fails("States.Array('abc", 13, "unterminated string");
        fails(r#"States.Array("abc")"#, 13, "single quotes");
    }

    #[test]
    fn format_pre_splitting() {
        assert_eq!(
            ok(r"States.Format('a {} b \{\}', $.x)"),
            call(
                Function::Format,
                vec![
                    Arg::Format(Cow::Owned(vec![
                        text("a "),
                        FormatPiece::Hole,
                        text(" b {}")
                    ])),
                    path("$.x"),
                ]
            )
        );
        assert_eq!(
            ok("States.Format('{}{}', 1, 'x')"),
            call(
                Function::Format,
                vec![
                    Arg::Format(Cow::Owned(vec![FormatPiece::Hole, FormatPiece::Hole])),
                    Arg::Int(1),
                    string("x"),
                ]
            )
        );
        assert_eq!(
            ok("States.Format('')"),
            call(Function::Format, vec![Arg::Format(Cow::Owned(vec![]))])
        );
        // `\{}` is an escaped `{` followed by a lone `}`: literal text, no hole.
        assert_eq!(
            ok(r"States.Format('x\{}')"),
            call(
                Function::Format,
                vec![Arg::Format(Cow::Owned(vec![text("x{}")]))]
            )
        );
        // `{\}` likewise, and lone braces stay literal.
        assert_eq!(
            ok(r"States.Format('{\} { } {')"),
            call(
                Function::Format,
                vec![Arg::Format(Cow::Owned(vec![text("{} { } {")]))]
            )
        );
        assert_eq!(
            ok(r"States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)"),
            call(
                Function::Format,
                vec![
                    Arg::Format(Cow::Owned(vec![
                        text("Welcome to "),
                        FormatPiece::Hole,
                        text(" "),
                        FormatPiece::Hole,
                        text("'s playlist."),
                    ])),
                    path("$.firstName"),
                    path("$.lastName"),
                ]
            )
        );
        // Only the first Format argument is split.
        assert_eq!(
            ok("States.Format($.t, '{}')"),
            call(Function::Format, vec![path("$.t"), string("{}")])
        );
    }

    #[test]
    fn nesting() {
        assert_eq!(
            ok("States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)"),
            call(
                Function::MathAdd,
                vec![
                    Arg::Call(call(
                        Function::ArrayLength,
                        vec![path("$$.Execution.Input.machines")]
                    )),
                    Arg::Int(-1),
                ]
            )
        );
        assert_eq!(
            ok("States.Format('{}', States.UUID())"),
            call(
                Function::Format,
                vec![
                    Arg::Format(Cow::Owned(vec![FormatPiece::Hole])),
                    Arg::Call(call(Function::Uuid, vec![])),
                ]
            )
        );
        let nested = |levels: usize| {
            let mut text = "States.Array(".repeat(levels);
            text.push_str(&")".repeat(levels));
            text
        };
        let deepest = ok(&nested(MAX_NESTING));
        let mut depth = 1;
        let mut current = &deepest;
        while let [Arg::Call(inner)] = current.args.as_ref() {
            depth += 1;
            current = inner;
        }
        assert_eq!(depth, MAX_NESTING);
        fails(
            &nested(MAX_NESTING + 1),
            "States.Array(".len() * MAX_NESTING,
            "at most 10 levels",
        );
        // Very deep input fails fast instead of overflowing the stack.
        fails(&nested(100_000), 130, "at most 10 levels");
    }

    #[test]
    fn syntax_errors() {
        fails("", 0, "empty");
        fails(
            " States.Array('Foo', $.xyz, 'Bar', 2.3)",
            0,
            "leading whitespace",
        );
        fails("States.Array() ", 14, "after the closing `)`");
        fails("States.Array()x", 14, "after the closing `)`");
        fails("States.Array(1", 14, "missing `)`");
        fails("States.Array(1,", 15, "end of text");
        fails("States.Array(1,)", 15, "trailing comma");
        fails("States.Array(,1)", 13, "expected an argument");
        fails("States.Array(1 2)", 15, "expected `,` or `)`");
        fails("States.Array", 12, "expected `(`");
        fails("States.Array ()", 12, "remove the whitespace");
        fails("States.Array(States.UUID ())", 24, "remove the whitespace");
        fails("(1)", 0, "function name");
        fails("States.Array(True)", 13, "unexpected `True`");
        fails("States.Array(#)", 13, "unexpected `#`");
        fails("States.Array(é)", 13, "unexpected `é`");
        fails("States.Array(007)", 13, "leading zeros");
        fails("States.Array(-)", 13, "digits after `-`");
        fails("States.Array(1.)", 15, "decimal point");
        fails("States.Array(1e)", 15, "exponent");
        fails("States.Array(12abc)", 13, "invalid number");
        fails("States.Array(1e999)", 13, "out of range");
    }

    #[test]
    fn function_names() {
        fails(
            "States.Xyz($.result)",
            0,
            "unknown intrinsic function `States.Xyz`; the nearest is `States.Hash`, and the known \
             functions are States.Format, States.StringToJson,",
        );
        fails("States.MathSubtract(1, 2)", 0, "the known functions are");
        fails("States.StringToJSON($.a)", 0, "write `States.StringToJson`");
        fails("States.Base64encode($.a)", 0, "write `States.Base64Encode`");
        fails(
            "States.ArrayGetItems($.a, 1)",
            0,
            "did you mean `States.ArrayGetItem`?",
        );
        fails(
            "States.Fromat('{}', $.x)",
            0,
            "unknown intrinsic function `States.Fromat`; did you mean `States.Format`?",
        );
        fails("States.ArrayLen($.a)", 0, "`States.ArrayLength`");
        fails(
            "MyFunction($.a)",
            0,
            "custom functions are not supported; intrinsic names start with States.",
        );
        fails("States.Array(Foo.Bar(1))", 13, "custom functions");
        fails(
            "states.format('x')",
            0,
            "case-sensitive; write `States.Format`",
        );
        fails("States.Uuid()", 0, "write `States.UUID`");
    }

    #[test]
    fn arity() {
        fails(
            "States.ArrayRange(1, 2)",
            22,
            "States.ArrayRange takes 3 arguments (start, end, step), found 2",
        );
        fails(
            "States.ArrayLength($.a, $.b)",
            24,
            "States.ArrayLength takes 1 argument (array), found 2",
        );
        fails(
            "States.Format()",
            14,
            "States.Format takes at least 1 argument (template), found 0",
        );
        fails(
            "States.UUID(1)",
            12,
            "States.UUID takes no arguments, found 1",
        );
        fails(
            "States.MathRandom(1)",
            19,
            "States.MathRandom takes 2 or 3 arguments (start, end[, seed]), found 1",
        );
        fails(
            "States.MathRandom(1, 2, 3, 4)",
            27,
            "takes 2 or 3 arguments",
        );
        fails("States.JsonMerge($.a, $.b)", 25, "takes 3 arguments");
        fails(
            "States.Hash($.a)",
            15,
            "takes 2 arguments (data, algorithm)",
        );
        ok("States.MathRandom(1, 10)");
        ok("States.MathRandom(1, 10, 42)");
        ok(&format!("States.Array({})", vec!["1"; 200].join(",")));
        // Every function with its maximal arity.
        for (function, min, max) in [
            (Function::StringToJson, 1, 1),
            (Function::JsonToString, 1, 1),
            (Function::ArrayPartition, 2, 2),
            (Function::ArrayContains, 2, 2),
            (Function::ArrayRange, 3, 3),
            (Function::ArrayGetItem, 2, 2),
            (Function::ArrayLength, 1, 1),
            (Function::ArrayUnique, 1, 1),
            (Function::Base64Encode, 1, 1),
            (Function::Base64Decode, 1, 1),
            (Function::Hash, 2, 2),
            (Function::JsonMerge, 3, 3),
            (Function::MathRandom, 2, 3),
            (Function::MathAdd, 2, 2),
            (Function::StringSplit, 2, 2),
            (Function::Uuid, 0, 0),
        ] {
            assert_eq!(function.arity(), (min, Some(max)), "{function}");
        }
        assert_eq!(Function::Format.arity(), (1, None));
        assert_eq!(Function::Array.arity(), (0, None));
    }

    #[test]
    fn format_checks() {
        fails(
            "States.Format('{} and {}', $.a)",
            14,
            "States.Format template has 2 `{}` placeholders but 1 value argument follows",
        );
        fails(
            "States.Format('none', $.a, $.b)",
            14,
            "has 0 `{}` placeholders but 2 value arguments follow",
        );
        fails(r"States.Format('\{\}', 1)", 14, "0 `{}` placeholders");
        fails(
            "States.Format(42, $.a)",
            14,
            "States.Format argument 1 (template) must be a string, found the number 42",
        );
        fails(
            "States.Format(States.Array(), $.a)",
            14,
            "found a call to States.Array, which returns an array",
        );
        // Path and string-returning templates cannot be counted at build time.
        ok("States.Format($.template, 1, 2, 3)");
        ok("States.Format(States.Base64Decode($.t), 1)");
        // Values may be any literal.
        ok("States.Format('{}{}{}{}{}', null, true, 1.5, 'x', States.Array())");
    }

    #[test]
    fn type_checks() {
        // asl-validator invalid-math-add.
        fails(
            "States.MathAdd(1,'-1')",
            17,
            "States.MathAdd argument 2 (b) must be a number, found the string '-1'",
        );
        fails(
            "States.MathAdd(true, 1)",
            15,
            "must be a number, found `true`",
        );
        fails(
            "States.MathAdd(States.UUID(), 1)",
            15,
            "found a call to States.UUID, which returns a string",
        );
        fails(
            "States.MathRandom(1, 'x')",
            21,
            "States.MathRandom argument 2 (end) must be a number",
        );
        fails(
            "States.MathRandom(1, 5, null)",
            24,
            "argument 3 (seed) must be a number, found null",
        );
        fails("States.StringToJson(1)", 20, "must be a string");
        fails(
            "States.StringSplit('a,b', 0)",
            26,
            "argument 2 (delimiters)",
        );
        fails("States.StringSplit(true, ',')", 19, "argument 1 (string)");
        fails(
            "States.Base64Encode(null)",
            20,
            "must be a string, found null",
        );
        fails(
            "States.Base64Decode(States.ArrayLength($.a))",
            20,
            "which returns a number",
        );
        fails("States.ArrayLength('abc')", 19, "must be an array");
        fails("States.ArrayUnique(7)", 19, "must be an array");
        fails("States.ArrayContains('abc', 'a')", 21, "must be an array");
        fails(
            "States.ArrayLength(States.Format('x'))",
            19,
            "States.Format, which returns a string",
        );
        fails("States.Hash($.a, 256)", 17, "must be a string");
        ok("States.MathAdd(1.5, -2.5)");
        ok("States.MathAdd(States.ArrayLength($.a), States.MathRandom(1, 2))");
        ok("States.MathAdd(States.ArrayGetItem($.a, 0), States.StringToJson($.n))");
        ok("States.ArrayLength(States.StringSplit($.s, ','))");
        ok("States.ArrayContains(States.Array(1, 2), 2)");
        ok("States.Base64Encode(States.JsonToString($.x))");
    }

    #[test]
    fn json_to_string_needs_a_path() {
        ok("States.JsonToString($.x)");
        ok("States.JsonToString($$.Execution.Input)");
        ok("States.JsonToString($var)");
        fails(
            "States.JsonToString('{}')",
            20,
            "must be a path (the specification requires one), found the string '{}'",
        );
        fails("States.JsonToString(States.Array(1))", 20, "must be a path");
    }

    #[test]
    fn array_partition_checks() {
        ok("States.ArrayPartition($.a, 4)");
        ok("States.ArrayPartition(States.ArrayRange(1, 9, 1), 2.5)");
        fails(
            "States.ArrayPartition($.a, 0)",
            27,
            "argument 2 (chunk size) must be greater than 0",
        );
        fails("States.ArrayPartition($.a, -3)", 27, "greater than 0");
        fails("States.ArrayPartition($.a, 0.4)", 27, "greater than 0");
        fails("States.ArrayPartition($.a, '2')", 27, "must be a number");
        fails(
            "States.ArrayPartition('abc', 2)",
            22,
            "argument 1 (array) must be an array",
        );
        fails("States.ArrayPartition(12, 2)", 22, "must be an array");
        fails("States.ArrayPartition(true, 2)", 22, "must be an array");
    }

    #[test]
    fn array_range_checks() {
        ok("States.ArrayRange(1, 9, 2)");
        ok("States.ArrayRange(10, 1, -3)");
        ok("States.ArrayRange(1, 1000, 1)");
        ok("States.ArrayRange(0, 1998, 2)");
        ok("States.ArrayRange(5, 1, 1)");
        ok("States.ArrayRange($.a, 100000, 1)");
        fails(
            "States.ArrayRange(1, 5, 0)",
            24,
            "argument 3 (step) must not be 0",
        );
        fails("States.ArrayRange(1, 5, 0.3)", 24, "must not be 0");
        fails("States.ArrayRange($.a, $.b, 0)", 28, "must not be 0");
        fails(
            "States.ArrayRange(0, 1000, 1)",
            21,
            "States.ArrayRange(0, 1000, 1) would produce 1001 items; AWS allows at most 1000",
        );
        fails("States.ArrayRange(1000, -1000, -1)", 24, "2001 items");
        fails(
            "States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)",
            40,
            "would produce",
        );
        fails(
            "States.ArrayRange('1', 5, 1)",
            18,
            "argument 1 (start) must be a number",
        );
        fails("States.ArrayRange(1, null, 1)", 21, "argument 2 (end)");
    }

    /// Issue 11: `States.ArrayRange(1, 1e308, 1e307)` was accepted and
    /// returned `[1]` (its arguments clamped to the `i64` bounds).
    #[test]
    fn array_range_and_math_random_huge_literals_are_refused() {
        let e = parse_intrinsic("States.ArrayRange(1, 1e308, 1e307)").unwrap_err();
        assert_eq!(e.offset, 21);
        assert_eq!(
            e.message,
            "States.ArrayRange argument 2 (end) must be within the 64-bit integer range \
             [-9223372036854775808, 9223372036854775807] (after rounding), found the number 1e308"
        );
        fails(
            "States.ArrayRange(1, 5, 1e19)",
            24,
            "argument 3 (step) must be within the 64-bit integer range",
        );
        fails(
            "States.ArrayRange(-9223372036854775809, 0, 1)",
            18,
            "found the number -9.223372036854776e18",
        );
        fails(
            "States.MathRandom(0, 1e300)",
            21,
            "States.MathRandom argument 2 (end) must be within the 64-bit integer range",
        );
        ok("States.MathRandom(0, 10, 1e300)");
        ok("States.ArrayRange(1, 9.2e18, 9.2e18)");
    }

    #[test]
    fn rounding_is_java_math_round() {
        assert_eq!(round_like_java(0.49999999999999994), 0);
        assert_eq!(round_like_java(-0.5), 0);
        assert_eq!(round_like_java(2.5), 3);
        assert_eq!(round_like_java(-2.5), -2);
        assert_eq!(
            literal_rounded_exact(&Arg::Float(9.2e18)),
            Some(Ok(9_200_000_000_000_000_000))
        );
        assert_eq!(literal_rounded_exact(&Arg::Float(9.3e18)), Some(Err(())));
        assert_eq!(literal_rounded_exact(&Arg::Null), None);
    }

    #[test]
    fn array_get_item_checks() {
        ok("States.ArrayGetItem($.a, 0)");
        ok("States.ArrayGetItem($.a, 2.0)");
        ok("States.ArrayGetItem($.a, $.i)");
        fails(
            "States.ArrayGetItem($.a, 1.5)",
            25,
            "argument 2 (index) must be a whole number",
        );
        fails("States.ArrayGetItem($.a, -1)", 25, "must not be negative");
        fails("States.ArrayGetItem($.a, '0')", 25, "must be a number");
        fails("States.ArrayGetItem('abc', 0)", 20, "must be an array");
    }

    #[test]
    fn hash_checks() {
        for algorithm in HASH_ALGORITHMS {
            ok(&format!("States.Hash($.a, '{algorithm}')"));
        }
        ok("States.Hash(42, $.alg)");
        ok("States.Hash(States.Array(1), States.Format('SHA-{}', 256))");
        fails(
            "States.Hash($.a, 'sha256')",
            17,
            "States.Hash argument 2 (algorithm) must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, found 'sha256'",
        );
        fails("States.Hash($.a, 'SHA-224')", 17, "must be one of");
    }

    #[test]
    fn length_limits() {
        let long = "x".repeat(MAX_ENCODE_CHARS);
        ok(&format!("States.Base64Encode('{long}')"));
        ok(&format!("States.Hash('{long}', 'MD5')"));
        let longer = "é".repeat(MAX_ENCODE_CHARS + 1);
        fails(
            &format!("States.Base64Encode('{longer}')"),
            20,
            "has 10001 characters; AWS accepts at most 10000",
        );
        fails(
            &format!("States.Base64Decode('{longer}')"),
            20,
            "at most 10000",
        );
        fails(
            &format!("States.Hash('{longer}', 'MD5')"),
            12,
            "at most 10000",
        );
    }

    #[test]
    fn json_merge_checks() {
        ok("States.JsonMerge($.a, $.b, false)");
        ok("States.JsonMerge($.a, States.JsonMerge($.b, $.c, false), false)");
        ok("States.JsonMerge(States.StringToJson($.s), $$.Execution.Input, false)");
        ok("States.JsonMerge($.a, $.b, $.deep)");
        ok("States.JsonMerge($.a, $.b, States.ArrayContains($.x, 1))");
        fails(
            "States.JsonMerge($.a, $.b, true)",
            27,
            "deep merge (`true`) is not supported",
        );
        fails(
            "States.JsonMerge($.a, $.b, 'false')",
            27,
            "argument 3 (deep) must be a boolean",
        );
        fails("States.JsonMerge($.a, $.b, 0)", 27, "must be a boolean");
        fails(
            "States.JsonMerge('{}', $.b, false)",
            17,
            "argument 1 (object) must be a JSON object (a path or a call that returns one)",
        );
        fails(
            "States.JsonMerge($.a, null, false)",
            22,
            "must be a JSON object",
        );
        fails(
            "States.JsonMerge($.a, States.Array(), false)",
            22,
            "States.Array, which returns an array",
        );
    }

    #[test]
    fn math_add_range() {
        ok("States.MathAdd(2147483647, -2147483648)");
        ok("States.MathAdd(2147483646.7, 0)");
        fails(
            "States.MathAdd(2147483648, 1)",
            15,
            "argument 1 (a) must be within the 32-bit integer range [-2147483648, 2147483647]",
        );
        fails("States.MathAdd(1, -2147483649)", 18, "32-bit integer range");
        fails(
            "States.MathAdd(1, 2147483647.5)",
            18,
            "32-bit integer range",
        );
        fails("States.MathAdd(1, 1e300)", 18, "32-bit integer range");
    }

    #[test]
    fn errors_in_nested_calls_point_into_them() {
        fails(
            "States.Format('{}', States.MathAdd(1, 'x'))",
            38,
            "States.MathAdd argument 2",
        );
        fails(
            "States.Array(States.Array(States.Nope()))",
            26,
            "unknown intrinsic function",
        );
    }

    #[test]
    fn looks_like_call_cases() {
        for yes in [
            "States.Format('x')",
            "States.Xyz($.result)",
            " States.Array('Foo')",
            "Foo (1)",
            "States.UUID(",
        ] {
            assert!(looks_like_call(yes), "{yes:?}");
        }
        for no in [
            "",
            "$",
            "$.a(1)",
            "$$.Execution.Id",
            "States.Format",
            "(1)",
            "hello world",
            "'x'(",
        ] {
            assert!(!looks_like_call(no), "{no:?}");
        }
    }

    /// Real intrinsic calls from the conformance corpus (valid definitions and
    /// runnable cases recorded against AWS), JSON-unescaped.
    #[test]
    fn conformance_calls_parse() {
        let calls = [
            "States.Array($.FunctionInput.fst, $.FunctionInput.snd)",
            "States.Array('Foo', $.xyz, 'Bar', 2.3)",
            "States.Array('Foo', 2020, $.someJson, null)",
            "States.Array('a', 'b', 'c')",
            "States.Array()",
            "States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)",
            "States.ArrayContains($.clients.unique, 'null')",
            "States.ArrayContains($.inputArray, $.lookingFor)",
            "States.ArrayContains($.inputArray, 5)",
            "States.ArrayGetItem($.DescribeRecord.RecordOutputs[?(@.OutputKey == FizzBuzz)].OutputValue, 0)",
            "States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)",
            "States.ArrayGetItem($.inputArray, $.index)",
            "States.ArrayGetItem($.inputArray, 2)",
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
            "States.ArrayLength($.FunctionInput)",
            "States.ArrayLength($.inputArray)",
            "States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)",
            "States.ArrayPartition($.inputArray, 2)",
            "States.ArrayPartition($.inputArray,4)",
            "States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)",
            "States.ArrayRange(0, 3, 1)",
            "States.ArrayRange(1, 10, 2)",
            "States.ArrayRange(1, 9, 2)",
            "States.ArrayUnique($.duplicateArray)",
            "States.ArrayUnique($.inputArray)",
            "States.Base64Decode($.base64)",
            "States.Base64Decode($encodedString)",
            "States.Base64Encode($.input)",
            "States.Base64Encode($rawString)",
            "States.Format($.AnswerTemplate, $$.Map.Item.Value)",
            "States.Format($AnswerTemplate, $$.Map.Item.Value)",
            "States.Format('Format Func {}', $varname)",
            "States.Format('Format:{}', 101)",
            "States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)",
            "States.Format('Hello {}, welcome to {}!', $name, $place)",
            "States.Format('Hello {}, your application has been approved.', $inputPayload.data.firstname)",
            "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
            r"States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)",
            "States.Format('{} xyz {}', 1, 'def')",
            "States.Format('{}', $.Error)",
            "States.Format('{}{}', $.field1, $field2)",
            "States.Hash($.Data, $.Algorithm)",
            "States.Hash($.inputString, 'SHA-256')",
            "States.Hash($inputString, 'SHA-256')",
            "States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)",
            "States.JsonMerge($json1, $json2, false)",
            r#"States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input.input_field, false)"#,
            "States.JsonToString($.FunctionInput)",
            "States.JsonToString($jsonObject)",
            "States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)",
            "States.MathAdd($.Iterations, -1)",
            "States.MathAdd($value1, $value2)",
            "States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)",
            "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)",
            "States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd)",
            "States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)",
            "States.StringSplit($$.Execution.Input.FunctionInput, ',')",
            "States.StringSplit($.csvString, ',')",
            "States.StringSplit($csvString, ',')",
            "States.StringSplit('Hello\nWorld', '\n')",
            "States.StringToJson($.escapedJsonString)",
            "States.StringToJson($jsonString)",
            "States.UUID()",
        ];
        assert!(calls.len() >= 30);
        for text in calls {
            let call = ok(text);
            assert!(text.starts_with(call.function.name()));
        }
    }

    /// Examples from the AWS intrinsic-function documentation (as quoted in
    /// ASL-REFERENCE.md section 3).
    #[test]
    fn aws_documentation_examples() {
        for text in [
            "States.Format('Hello, my name is {}.', $.name)",
            "States.StringToJson($.escapedJsonString)",
            "States.JsonToString($.unescapedJson)",
            "States.Array('Foo', 2020, $.someJson, null)",
            "States.ArrayPartition($.inputArray,4)",
            "States.ArrayContains($.inputArray, $.lookingFor)",
            "States.ArrayRange(1, 9, 2)",
            "States.ArrayGetItem($.inputArray, $.index)",
            "States.ArrayLength($.inputArray)",
            "States.ArrayUnique($.inputArray)",
            "States.Base64Encode($.input)",
            "States.Base64Decode($.base64)",
            "States.Hash($.Data, $.Algorithm)",
            "States.JsonMerge($.json1, $.json2, false)",
            "States.MathRandom($.start, $.end)",
            "States.MathAdd($.value1, $.step)",
            "States.StringSplit($.inputString, $.splitter)",
            "States.StringSplit('This.is+a,test=string', '.+,=')",
            "States.UUID()",
        ] {
            ok(text);
        }
        assert_eq!(
            ok("States.ArrayRange(1, 9, 2)"),
            call(
                Function::ArrayRange,
                vec![Arg::Int(1), Arg::Int(9), Arg::Int(2)]
            )
        );
    }

    /// Rejected calls from the conformance corpus.
    #[test]
    fn conformance_rejections() {
        // statelint invalid-function-invocation.
        fails("States.Xyz($.result)", 0, "unknown intrinsic function");
        // statelint states-array-invocation-leftpad.
        fails(" States.Array('Foo', $.xyz, 'Bar', 2.3)", 0, "whitespace");
        // asl-validator invalid-math-add.
        fails("States.MathAdd(1,'-1')", 17, "must be a number");
    }

    fn fragments() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("States.Format("),
            Just("States.Array("),
            Just("States.ArrayRange("),
            Just("States.JsonMerge("),
            Just("States.MathAdd("),
            Just("States.Hash("),
            Just("States.UUID("),
            Just("("),
            Just(")"),
            Just(","),
            Just(" "),
            Just("'"),
            Just("\\"),
            Just("{}"),
            Just("{"),
            Just("}"),
            Just("$"),
            Just("$$"),
            Just("$.a"),
            Just("["),
            Just("]"),
            Just("\""),
            Just("-"),
            Just("0"),
            Just("1.5e"),
            Just("9999999999999999999999"),
            Just("true"),
            Just("null"),
            Just("é"),
            Just("🆗"),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in ".*") {
            let _ = parse_intrinsic(&text);
            let _ = looks_like_call(&text);
        }

        #[test]
        fn never_panics_on_token_soup(text in fragments()) {
            if let Err(e) = parse_intrinsic(&text) {
                prop_assert!(e.offset <= text.len());
            }
            let _ = looks_like_call(&text);
        }

        #[test]
        fn prefixed_token_soup_never_panics(text in fragments()) {
            let text = format!("States.Array({text}");
            if let Err(e) = parse_intrinsic(&text) {
                prop_assert!(e.offset <= text.len());
                prop_assert!(text.is_char_boundary(e.offset));
            }
        }
    }
}
