//! JSONPath as Amazon States Language uses it: the syntax tree and its
//! build-time parser.
//!
//! # What this module covers
//!
//! Every JSONPath-mode field that holds a path goes through [`parse_path`] or
//! [`parse_reference_path`]: `InputPath`, `OutputPath`, `ItemsPath`, the values
//! of `.$` keys in payload templates and `Assign`, `ResultPath`, Choice
//! `Variable` and the `…Path` comparison operands, `SecondsPath`,
//! `TimestampPath`, `ErrorPath` and the other `*Path` fields. Intrinsic function
//! arguments embed paths too; their parser uses [`parse_path_prefix`], which
//! stops at the first `,`, `)` or whitespace outside brackets.
//!
//! A path is a [`Root`] and a list of [`Segment`]s:
//!
//! * `$` is the input of the field, `$$` the context object (ASL strips one
//!   `$` and applies the rest to the context), and `$name` a workflow variable
//!   (`name` is `[A-Za-z_][A-Za-z0-9_]*`).
//! * Each segment selects children ([`Segment::Child`]) or descendants at any
//!   depth ([`Segment::Descendant`], the `..` deep scan) through a
//!   [`Selector`], or applies a [`PathFunction`] to the result (it must come
//!   last).
//!
//! # Grammar
//!
//! ```text
//! path       = root segment*
//! root       = "$$" | "$" ident | "$"
//! segment    = "." name            child by name (dot notation)
//!            | "." "*"             all children
//!            | "." function "()"   path function, last segment only
//!            | ".."  name | ".." "*" | ".." bracket      descendants
//!            | "."? bracket        `$.a.['b']` is the same as `$.a['b']`
//! bracket    = "[" ws inner ws "]"
//! inner      = quoted (ws "," ws quoted)*          name or union of names
//!            | int (ws "," ws int)*                index or union of indices
//!            | int? ws ":" ws int? (ws ":" ws int?)?   slice start:end:step
//!            | "*"
//!            | "?" ws "(" filter ")"
//!            | "(" ws "@.length" ws "-" ws digits ws ")"   the same as [-N]
//! name       = one or more characters other than . [ ] ( ) and whitespace;
//!              `\.` stands for a literal dot (ASL spec: `$.store\.book`)
//! quoted     = '…' | "…"; a backslash escapes the enclosing quote or a
//!              backslash; any other backslash is kept as it is
//! int        = "-"? digits        (an i64)
//! filter     = or
//! or         = and (ws "||" and)*
//! and        = unary (ws "&&" unary)*
//! unary      = ws "!" unary | ws "(" or ws ")" | relation
//! relation   = operand (ws op ws operand)?     an operand alone tests existence
//! operand    = "@" segment* | "$" segment* | literal
//! literal    = quoted | number | true | false | null | list | "/" regex "/" flags
//! op         = == | != | < | <= | > | >= | === | !== | =~
//!            | in | nin | subsetof | anyof | noneof | contains | size | empty
//! ```
//!
//! Whitespace (space, tab, CR, LF) is allowed inside brackets and filters and
//! nowhere else: `$.a b` and ` $.a` are errors, as in the AWS console. Inside
//! a filter, dot-notation names also stop at the operator characters
//! `= ! < > & | ,`.
//!
//! # Jayway, AWS and the ASL spec
//!
//! The ASL spec only says that paths are JSONPath; AWS Step Functions
//! evaluates them with Jayway JsonPath (Java), and this parser follows Jayway
//! where the spec is silent:
//!
//! * Filters (`[?(@.price < 10)]`), deep scan (`..`), unions and slices are
//!   Jayway features AWS accepts (conformance case
//!   `test_state_pass_regex_json_path_base` filters on real AWS).
//! * Jayway's path functions can end a path: `length()`, `size()` (the same as
//!   `length()`), `min()`, `max()`, `avg()`, `stddev()`, `sum()`, `keys()`,
//!   `first()`, `last()`, `distinct()`. Functions that take arguments
//!   (`concat`, `append`, `index`) are rejected.
//! * Filter operators are Jayway's, including the word operators and `=~`
//!   with a `/regex/flags` literal; Jayway's `all`, `exists`, `type` and
//!   `matches` and JSON object literals are rejected.
//! * `$['Test\""Name"']` selects the key `Test\""Name"` on AWS (conformance
//!   case `test_escape_sequence_parsing_ESCAPE_SEQUENCES_JSONPATH`), so a
//!   backslash only escapes the enclosing quote character and a backslash,
//!   unlike recent Jayway releases, which unescape `\"`, `\n` and so on.
//! * The spec's `$.store\.book` escape is supported (Jayway has none).
//! * Two leniencies keep definitions that linters accept compiling:
//!   `[(@.length-N)]` (a script expression, asl-validator
//!   `valid-path-array-context`) is read as the index `[-N]`, and a bare word
//!   in a filter comparison (`[?(@.key == FizzBuzz)]`, asl-validator
//!   `valid-current-value-predicate`) is read as the string `'FizzBuzz'`.
//!   Other script expressions are rejected.
//! * A union lists either names or indices, never both, as in Jayway.
//!
//! # Why hand-written
//!
//! No crate parses Jayway's dialect (functions, word operators, its quoting
//! rules) into a tree that generated code can rebuild as `static` data, with
//! byte offsets for error messages, and this crate has no dependencies. The
//! parser is a small recursive-descent one over the `&str`; it never panics,
//! and nesting (filters, parentheses, `!`, list literals) is limited to
//! [`MAX_NESTING`] levels so that no input can overflow the stack.

use std::borrow::Cow;
use std::fmt;

use crate::SyntaxError;

/// How deeply filters, parentheses, `!` and list literals may nest.
pub const MAX_NESTING: usize = 32;

/// A parsed path: root plus segments.
///
/// Build one with [`parse_path`] (or `str::parse`); generated code writes it as
/// a constant with `Cow::Borrowed` segments.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// What the path starts from.
    pub root: Root,
    /// The steps from the root, in order.
    pub segments: Cow<'static, [Segment]>,
}

/// The start of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the input of the field (or the current value, depending on the field).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable; the name is `[A-Za-z_][A-Za-z0-9_]*`.
    Variable(Cow<'static, str>),
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// Selects among the children of the current nodes: `.x`, `['x']`, `[0]`,
    /// `[*]`, `.*`, `[a,b]`, `[1:3]`, `[?(...)]`.
    Child(Selector),
    /// Selects among the current nodes and all their descendants: `..x`,
    /// `..*`, `..[0]`, `..[?(...)]`.
    Descendant(Selector),
    /// A trailing Jayway function such as `.length()`; always the last segment.
    Function(PathFunction),
}

/// What a [`Segment::Child`] or [`Segment::Descendant`] selects.
#[derive(Clone, Debug, PartialEq)]
pub enum Selector {
    /// The member with this name: `.name`, `['name']`, `["name"]`.
    Name(Cow<'static, str>),
    /// The array element at this index; negative counts from the end: `[0]`, `[-1]`.
    Index(i64),
    /// Every member or element: `*`, `[*]`.
    Wildcard,
    /// Array elements from `start` (inclusive) to `end` (exclusive) every
    /// `step`: `[1:3]`, `[-3:]`, `[:2]`, `[::2]`. `step` is never `Some(0)`.
    Slice {
        /// First index; `None` is the start of the array.
        start: Option<i64>,
        /// Index after the last; `None` is the end of the array.
        end: Option<i64>,
        /// Stride; `None` is 1.
        step: Option<i64>,
    },
    /// Several names or several indices: `['a','b']`, `[0,2]` (at least two).
    Union(Cow<'static, [UnionItem]>),
    /// The elements or members for which the filter holds: `[?(@.x > 1)]`.
    Filter(Filter),
}

/// One member of a [`Selector::Union`].
#[derive(Clone, Debug, PartialEq)]
pub enum UnionItem {
    /// A member name.
    Name(Cow<'static, str>),
    /// An array index.
    Index(i64),
}

/// Jayway path functions, which may end a path (`$.items.length()`).
///
/// These are Jayway's functions without arguments; `size()` is parsed as
/// [`PathFunction::Length`], as Jayway defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathFunction {
    /// `length()` or `size()`: the length of an array (or string, or object).
    Length,
    /// `min()`: the smallest number of an array.
    Min,
    /// `max()`: the largest number of an array.
    Max,
    /// `avg()`: the mean of an array of numbers.
    Avg,
    /// `stddev()`: the standard deviation of an array of numbers.
    Stddev,
    /// `sum()`: the sum of an array of numbers.
    Sum,
    /// `keys()`: the member names of an object.
    Keys,
    /// `first()`: the first element of an array.
    First,
    /// `last()`: the last element of an array.
    Last,
    /// `distinct()`: the array without repeated elements.
    Distinct,
}

impl PathFunction {
    /// Every function, in documentation order.
    pub const ALL: [PathFunction; 10] = [
        PathFunction::Length,
        PathFunction::Min,
        PathFunction::Max,
        PathFunction::Avg,
        PathFunction::Stddev,
        PathFunction::Sum,
        PathFunction::Keys,
        PathFunction::First,
        PathFunction::Last,
        PathFunction::Distinct,
    ];

    /// The canonical name, without parentheses.
    pub const fn name(self) -> &'static str {
        match self {
            PathFunction::Length => "length",
            PathFunction::Min => "min",
            PathFunction::Max => "max",
            PathFunction::Avg => "avg",
            PathFunction::Stddev => "stddev",
            PathFunction::Sum => "sum",
            PathFunction::Keys => "keys",
            PathFunction::First => "first",
            PathFunction::Last => "last",
            PathFunction::Distinct => "distinct",
        }
    }

    /// The function called `name` (case-sensitive, as in Jayway; `size` is
    /// [`PathFunction::Length`]).
    pub fn from_name(name: &str) -> Option<PathFunction> {
        if name == "size" {
            return Some(PathFunction::Length);
        }
        PathFunction::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A filter expression, the inside of `[?( ... )]`.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// The path selects something: `[?(@.isbn)]`.
    Exists(Operand),
    /// A comparison: `[?(@.price < 10)]`.
    Compare {
        /// Left-hand side.
        left: Operand,
        /// The operator.
        op: CompareOp,
        /// Right-hand side.
        right: Operand,
    },
    /// All hold (`&&`); at least two elements.
    And(Cow<'static, [Filter]>),
    /// At least one holds (`||`); at least two elements.
    Or(Cow<'static, [Filter]>),
    /// The one element does not hold (`!`). A slice so that it can be a constant.
    Not(Cow<'static, [Filter]>),
}

/// A comparison operator of a filter (Jayway's set, minus `all`, `exists`,
/// `type` and `matches`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `===`: equal and of the same JSON type.
    StrictEq,
    /// `!==`: not [`CompareOp::StrictEq`].
    StrictNe,
    /// `=~`: the string on the left matches the regular expression on the right
    /// (always a [`Literal::Regex`]).
    Regex,
    /// `in`: the left value is an element of the right list.
    In,
    /// `nin`: the left value is not an element of the right list.
    Nin,
    /// `subsetof`: every element of the left array is in the right list.
    SubsetOf,
    /// `anyof`: some element of the left array is in the right list.
    AnyOf,
    /// `noneof`: no element of the left array is in the right list.
    NoneOf,
    /// `contains`: the left array has the right value as an element, or the
    /// left string has it as a substring.
    Contains,
    /// `size`: the left array or string has the right length (an integer).
    Size,
    /// `empty`: whether the left array or string is empty (the right side is
    /// `true` or `false`).
    Empty,
}

impl CompareOp {
    /// The operator as written in a filter (word operators in lower case).
    pub const fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::StrictEq => "===",
            CompareOp::StrictNe => "!==",
            CompareOp::Regex => "=~",
            CompareOp::In => "in",
            CompareOp::Nin => "nin",
            CompareOp::SubsetOf => "subsetof",
            CompareOp::AnyOf => "anyof",
            CompareOp::NoneOf => "noneof",
            CompareOp::Contains => "contains",
            CompareOp::Size => "size",
            CompareOp::Empty => "empty",
        }
    }
}

/// One side of a filter comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A path from the node being filtered: `@`, `@.price`, `@['a b'][0]`.
    Current(Cow<'static, [Segment]>),
    /// A path from the root of the document: `$.limit` inside a filter.
    Root(Cow<'static, [Segment]>),
    /// A constant.
    Literal(Literal),
}

/// A constant in a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number without fraction or exponent that fits an `i64`.
    Int(i64),
    /// Any other number (always finite).
    Float(f64),
    /// A string, `'…'` or `"…"`, already unescaped.
    Str(Cow<'static, str>),
    /// A list `[1, 'a', true]` (for `in`, `nin`, `subsetof`, `anyof`, `noneof`, `==`).
    List(Cow<'static, [Literal]>),
    /// A regular expression `/pattern/flags`, the right side of `=~`.
    Regex {
        /// The text between the slashes, as written (Java regex syntax).
        pattern: Cow<'static, str>,
        /// Jayway/Java pattern flags, letters among `d i m s u x U`.
        flags: Cow<'static, str>,
    },
}

/// Parses any ASL Path: `$...`, `$$...` (context object), `$var...` (variable).
///
/// The whole string must be a path; errors carry the byte offset of the
/// problem.
pub fn parse_path(text: &str) -> Result<Path, SyntaxError> {
    let mut parser = Parser::new(text);
    let root = parser.parse_root(Mode::Top)?;
    let (segments, _) = parser.parse_segments(Mode::Top)?;
    Ok(Path {
        root,
        segments: segments.into(),
    })
}

/// Parses a Reference Path (ASL spec "Reference Paths"): a path that
/// identifies exactly one node, so only names and integer indices, with no
/// wildcard, slice, union, filter, descendant search or function.
///
/// The error message names the construct that is not allowed and says that a
/// reference path must select a single node. Whether `$$` or variables are
/// allowed depends on the field (`ResultPath` must not start with `$$`); that
/// is left to the caller.
pub fn parse_reference_path(text: &str) -> Result<Path, SyntaxError> {
    let mut parser = Parser::new(text);
    let root = parser.parse_root(Mode::Top)?;
    let (segments, offsets) = parser.parse_segments(Mode::Top)?;
    for (segment, offset) in segments.iter().zip(offsets) {
        if let Some(what) = non_reference_construct(segment) {
            return Err(SyntaxError::new(
                offset,
                format!(
                    "{what} is not allowed in a reference path: a reference path must select \
                     a single node, using only names and indices (as in $.a.b[0])"
                ),
            ));
        }
    }
    Ok(Path {
        root,
        segments: segments.into(),
    })
}

/// Parses a path at the start of `text` and returns it with the number of
/// bytes it spans.
///
/// For languages that embed paths, such as intrinsic function arguments
/// (`States.Format('{}', $.a.b, $.c)`): the path ends before the first `,`,
/// `)` or whitespace that is not inside brackets; dot-notation names cannot
/// contain those characters here. What follows the path is not checked.
pub fn parse_path_prefix(text: &str) -> Result<(Path, usize), SyntaxError> {
    let mut parser = Parser::new(text);
    let root = parser.parse_root(Mode::Embedded)?;
    let (segments, _) = parser.parse_segments(Mode::Embedded)?;
    Ok((
        Path {
            root,
            segments: segments.into(),
        },
        parser.pos,
    ))
}

impl Path {
    /// Whether this path is a Reference Path: every segment is a child name
    /// or a child index, so it selects at most one node.
    pub fn is_reference(&self) -> bool {
        self.segments
            .iter()
            .all(|s| non_reference_construct(s).is_none())
    }

    /// Whether the path yields at most one value (Jayway's "definite" path).
    ///
    /// A wildcard, slice, union, filter or descendant search makes a path
    /// indefinite, and Jayway then returns a list of the matches. A path that
    /// ends in a [`PathFunction`] is definite: the function turns whatever
    /// precedes it into one value.
    pub fn is_definite(&self) -> bool {
        if matches!(self.segments.last(), Some(Segment::Function(_))) {
            return true;
        }
        self.segments.iter().all(|s| match s {
            Segment::Child(Selector::Name(_) | Selector::Index(_)) => true,
            Segment::Child(_) | Segment::Descendant(_) => false,
            Segment::Function(_) => true,
        })
    }
}

impl std::str::FromStr for Path {
    type Err = SyntaxError;

    fn from_str(text: &str) -> Result<Path, SyntaxError> {
        parse_path(text)
    }
}

/// What makes `segment` unfit for a reference path, if anything.
fn non_reference_construct(segment: &Segment) -> Option<&'static str> {
    match segment {
        Segment::Child(Selector::Name(_) | Selector::Index(_)) => None,
        Segment::Child(Selector::Wildcard) => Some("a wildcard '*'"),
        Segment::Child(Selector::Slice { .. }) => Some("a slice [start:end]"),
        Segment::Child(Selector::Union(_)) => Some("a union [a,b]"),
        Segment::Child(Selector::Filter(_)) => Some("a filter [?(...)]"),
        Segment::Descendant(_) => Some("a descendant search '..'"),
        Segment::Function(_) => Some("a path function"),
    }
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// Where a path is being parsed, which decides what ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A whole field value: only the end of the string ends the path.
    Top,
    /// Inside another language: `,`, `)` and whitespace end the path.
    Embedded,
    /// A filter operand: whitespace, `)`, `]` and operator characters end it.
    Filter,
}

impl Mode {
    /// Whether `c` ends a path in this mode (never in [`Mode::Top`]).
    fn ends_path(self, c: char) -> bool {
        match self {
            Mode::Top => false,
            Mode::Embedded => c == ',' || c == ')' || c.is_whitespace(),
            Mode::Filter => {
                c.is_whitespace()
                    || matches!(c, ')' | ']' | '=' | '!' | '<' | '>' | '&' | '|' | ',' | '~')
            }
        }
    }

    /// Whether `c` ends a dot-notation name in this mode.
    fn ends_name(self, c: char) -> bool {
        c.is_whitespace() || matches!(c, '.' | '[' | ']' | '(' | ')') || self.ends_path(c)
    }
}

/// Whether `c` counts as whitespace inside brackets and filters.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Describes a character for an error message.
fn describe(c: char) -> String {
    if c.is_whitespace() {
        "whitespace".to_owned()
    } else {
        format!("'{c}'")
    }
}

/// The error for a string that does not start with `$`.
fn not_a_path(text: &str) -> SyntaxError {
    let message = if text.is_empty() {
        "empty string is not a path: a path starts with '$'"
    } else if text.starts_with("States.") {
        "not a JSONPath: this looks like an intrinsic function call (States.…), \
         which is only allowed as the value of a key ending in '.$'; a path starts with '$'"
    } else if text.starts_with("{%") {
        "not a JSONPath: this is a JSONata expression, only allowed in JSONata mode; \
         a path starts with '$'"
    } else if text.starts_with('@') {
        "not a JSONPath: '@' (the current node) is only allowed inside a filter [?(...)]; \
         a path starts with '$'"
    } else if text.starts_with(char::is_whitespace) {
        "not a JSONPath: whitespace before the '$' is not allowed"
    } else {
        "not a JSONPath: a path must start with '$'"
    };
    SyntaxError::new(0, message)
}

struct Parser<'a> {
    src: &'a str,
    /// Byte offset of the next character; always on a char boundary.
    pos: usize,
    /// Current nesting of filters, parentheses, `!` and lists.
    depth: usize,
}

type Res<T> = Result<T, SyntaxError>;

fn fail<T>(offset: usize, message: impl Into<String>) -> Res<T> {
    Err(SyntaxError::new(offset, message))
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            pos: 0,
            depth: 0,
        }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// The byte `ahead` bytes after the current position.
    fn byte(&self, ahead: usize) -> Option<u8> {
        self.src
            .as_bytes()
            .get(self.pos.saturating_add(ahead))
            .copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }

    fn bump(&mut self, c: char) {
        self.pos += c.len_utf8();
    }

    fn skip_blanks(&mut self) {
        while self.byte(0).is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return fail(
                self.pos,
                format!("expression nested too deeply (more than {MAX_NESTING} levels)"),
            );
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // --- roots and segments ------------------------------------------------

    fn parse_root(&mut self, mode: Mode) -> Res<Root> {
        if !self.src.starts_with('$') {
            return Err(not_a_path(self.src));
        }
        self.pos = 1;
        match self.peek() {
            None | Some('.' | '[') => Ok(Root::Input),
            Some('$') => {
                self.pos = 2;
                match self.peek() {
                    None | Some('.' | '[') => Ok(Root::Context),
                    Some(c) if mode.ends_path(c) => Ok(Root::Context),
                    Some('$') => fail(
                        2,
                        "unexpected '$': the context object is '$$', followed by '.' or '['",
                    ),
                    Some(c) => fail(
                        2,
                        format!(
                            "expected '.' or '[' after '$$' (the context object), found {}",
                            describe(c)
                        ),
                    ),
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                while self
                    .byte(0)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    self.pos += 1;
                }
                let name = self.src.get(1..self.pos).unwrap_or("").to_owned();
                match self.peek() {
                    None | Some('.' | '[') => {}
                    Some(c) if mode.ends_path(c) => {}
                    Some(c) if c.is_whitespace() => {
                        return fail(
                            self.pos,
                            "whitespace is only allowed inside brackets and filters",
                        );
                    }
                    Some(c) => {
                        return fail(
                            self.pos,
                            format!(
                                "unexpected {} in the variable name: variable names contain \
                                 only ASCII letters, digits and '_', and are followed by '.' or '['",
                                describe(c)
                            ),
                        );
                    }
                }
                Ok(Root::Variable(name.into()))
            }
            Some(c) if c.is_ascii_digit() => fail(
                1,
                "variable names must start with a letter or '_' (after '$' comes '.', '[', \
                 '$' or a variable name)",
            ),
            Some(c) if mode.ends_path(c) => Ok(Root::Input),
            Some(c) => fail(
                1,
                format!(
                    "expected '.', '[', '$' or a variable name after '$', found {}",
                    describe(c)
                ),
            ),
        }
    }

    /// Parses segments until the end of the path; returns them with the byte
    /// offset where each starts.
    fn parse_segments(&mut self, mode: Mode) -> Res<(Vec<Segment>, Vec<usize>)> {
        let mut segments = Vec::new();
        let mut offsets = Vec::new();
        while let Some(c) = self.peek() {
            let start = self.pos;
            let segment = match c {
                '.' if self.byte(1) == Some(b'.') => {
                    self.pos += 2;
                    self.parse_descendant(mode, start)?
                }
                '.' => {
                    self.pos += 1;
                    self.parse_dot_child(mode, start)?
                }
                '[' => Segment::Child(self.parse_bracket()?),
                c if mode.ends_path(c) => break,
                c if c.is_whitespace() => {
                    return fail(
                        start,
                        "whitespace is only allowed inside brackets and filters; \
                         write a name containing spaces as ['a b']",
                    );
                }
                c => {
                    return fail(
                        start,
                        format!(
                            "unexpected {}: expected '.', '[' or the end of the path",
                            describe(c)
                        ),
                    );
                }
            };
            let is_function = matches!(segment, Segment::Function(_));
            segments.push(segment);
            offsets.push(start);
            if is_function {
                match self.peek() {
                    None => break,
                    Some(c) if mode.ends_path(c) => break,
                    Some(_) => {
                        return fail(
                            self.pos,
                            "a path function such as length() must be the last part of a path",
                        );
                    }
                }
            }
        }
        Ok((segments, offsets))
    }

    /// After `..`.
    fn parse_descendant(&mut self, mode: Mode, start: usize) -> Res<Segment> {
        match self.peek() {
            None => fail(
                start,
                "a path must not end with '..': name what to search for, as in $..name or $..*",
            ),
            Some('.') => fail(
                self.pos,
                "'...' is not valid: use '..' for a search at any depth",
            ),
            Some('[') => Ok(Segment::Descendant(self.parse_bracket()?)),
            Some('*') => {
                self.pos += 1;
                Ok(Segment::Descendant(Selector::Wildcard))
            }
            Some(_) => {
                let name = self.parse_dot_name(mode, start)?;
                if self.peek() == Some('(') {
                    return fail(self.pos, "a path function cannot follow '..'");
                }
                Ok(Segment::Descendant(Selector::Name(name.into())))
            }
        }
    }

    /// After a single `.`.
    fn parse_dot_child(&mut self, mode: Mode, start: usize) -> Res<Segment> {
        match self.peek() {
            None => fail(start, "a path must not end with '.'"),
            Some('[') => Ok(Segment::Child(self.parse_bracket()?)),
            Some('*') => {
                self.pos += 1;
                Ok(Segment::Child(Selector::Wildcard))
            }
            Some(_) => {
                let name_start = self.pos;
                let name = self.parse_dot_name(mode, start)?;
                if self.peek() == Some('(') {
                    return self
                        .parse_function(&name, name_start)
                        .map(Segment::Function);
                }
                Ok(Segment::Child(Selector::Name(name.into())))
            }
        }
    }

    /// A dot-notation name; `dot` is where the `.` or `..` before it starts.
    fn parse_dot_name(&mut self, mode: Mode, dot: usize) -> Res<String> {
        let start = self.pos;
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' && self.byte(1) == Some(b'.') {
                name.push('.');
                self.pos += 2;
            } else if mode.ends_name(c) {
                break;
            } else {
                name.push(c);
                self.bump(c);
            }
        }
        if self.pos == start {
            return match self.peek() {
                Some(c) if c.is_whitespace() => fail(
                    start,
                    "whitespace is only allowed inside brackets and filters; \
                     write a name containing spaces as ['a b']",
                ),
                Some(c) => fail(
                    start,
                    format!(
                        "expected a name after '.', found {}; write names with special \
                         characters in brackets, as in ['a(b)']",
                        describe(c)
                    ),
                ),
                None => fail(dot, "a path must not end with '.'"),
            };
        }
        Ok(name)
    }

    /// At the `(` after a dot-notation name.
    fn parse_function(&mut self, name: &str, name_start: usize) -> Res<PathFunction> {
        let Some(function) = PathFunction::from_name(name) else {
            let supported = PathFunction::ALL
                .iter()
                .map(|f| format!("{}()", f.name()))
                .collect::<Vec<_>>()
                .join(", ");
            if matches!(name, "concat" | "append" | "index") {
                return fail(
                    name_start,
                    format!(
                        "the path function '{name}' takes arguments, which are not supported; \
                         supported functions: {supported}"
                    ),
                );
            }
            return fail(
                name_start,
                format!(
                    "unknown path function '{name}()'; supported functions: {supported}; \
                     write a name containing '(' in brackets, as in ['{name}(…)']"
                ),
            );
        };
        if self.byte(1) != Some(b')') {
            return fail(
                self.pos + 1,
                format!("the path function {name}() takes no arguments: write {name}()"),
            );
        }
        self.pos += 2;
        Ok(function)
    }

    // --- brackets ------------------------------------------------------------

    /// At `[`; consumes through the matching `]`.
    fn parse_bracket(&mut self) -> Res<Selector> {
        let open = self.pos;
        self.pos += 1;
        self.skip_blanks();
        let selector = match self.peek() {
            None => return fail(open, "unclosed '[': expected ']'"),
            Some('\'' | '"') => self.parse_names(open)?,
            Some('*') => {
                self.pos += 1;
                Selector::Wildcard
            }
            Some('?') => Selector::Filter(self.parse_filter_body()?),
            Some('(') => Selector::Index(self.parse_script()?),
            Some(c) if c.is_ascii_digit() || c == '-' || c == ':' => self.parse_numeric(open)?,
            Some(']') => {
                return fail(
                    self.pos,
                    "empty brackets: write a quoted name ['name'], an index [0], [*], \
                     a slice [1:3] or a filter [?(...)]",
                );
            }
            Some(c) => {
                return fail(
                    self.pos,
                    format!(
                        "expected a quoted name, an index, '*', a slice or a filter inside \
                         '[...]', found {}; quote names, as in ['name']",
                        describe(c)
                    ),
                );
            }
        };
        self.skip_blanks();
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(selector)
            }
            None => fail(open, "unclosed '[': expected ']'"),
            Some(c) => fail(self.pos, format!("expected ']', found {}", describe(c))),
        }
    }

    /// `'a'` or `'a', "b"`; at the first quote.
    fn parse_names(&mut self, open: usize) -> Res<Selector> {
        let mut names = vec![self.parse_quoted()?];
        loop {
            self.skip_blanks();
            if self.peek() != Some(',') {
                break;
            }
            self.pos += 1;
            self.skip_blanks();
            match self.peek() {
                Some('\'' | '"') => names.push(self.parse_quoted()?),
                None => return fail(open, "unclosed '[': expected ']'"),
                Some(c) if c.is_ascii_digit() || c == '-' => {
                    return fail(
                        self.pos,
                        "a union lists either quoted names or indices, not both",
                    );
                }
                Some(c) => {
                    return fail(
                        self.pos,
                        format!("expected a quoted name after ',', found {}", describe(c)),
                    );
                }
            }
        }
        if names.len() == 1 {
            Ok(Selector::Name(names.pop().unwrap_or_default().into()))
        } else {
            Ok(Selector::Union(
                names
                    .into_iter()
                    .map(|n| UnionItem::Name(n.into()))
                    .collect::<Vec<_>>()
                    .into(),
            ))
        }
    }

    /// An index, a union of indices or a slice; at its first character.
    fn parse_numeric(&mut self, open: usize) -> Res<Selector> {
        let first = self.parse_optional_int()?;
        self.skip_blanks();
        match self.peek() {
            Some(':') => {
                self.pos += 1;
                self.skip_blanks();
                let end = self.parse_optional_int()?;
                self.skip_blanks();
                let mut step = None;
                if self.peek() == Some(':') {
                    self.pos += 1;
                    self.skip_blanks();
                    let step_at = self.pos;
                    step = self.parse_optional_int()?;
                    if step == Some(0) {
                        return fail(step_at, "a slice step must not be 0");
                    }
                }
                Ok(Selector::Slice {
                    start: first,
                    end,
                    step,
                })
            }
            Some(',') => {
                let mut items = vec![UnionItem::Index(first.unwrap_or_default())];
                while self.peek() == Some(',') {
                    self.pos += 1;
                    self.skip_blanks();
                    match self.peek() {
                        Some('\'' | '"') => {
                            return fail(
                                self.pos,
                                "a union lists either quoted names or indices, not both",
                            );
                        }
                        None => return fail(open, "unclosed '[': expected ']'"),
                        _ => {}
                    }
                    items.push(UnionItem::Index(self.parse_int()?));
                    self.skip_blanks();
                }
                Ok(Selector::Union(items.into()))
            }
            _ => match first {
                Some(index) => Ok(Selector::Index(index)),
                None => fail(self.pos, "expected an index"),
            },
        }
    }

    fn parse_optional_int(&mut self) -> Res<Option<i64>> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() || c == '-' => self.parse_int().map(Some),
            _ => Ok(None),
        }
    }

    /// `-?[0-9]+` as an `i64`.
    fn parse_int(&mut self) -> Res<i64> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits = self.pos;
        while self.byte(0).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits {
            return match self.peek() {
                Some(c) => fail(
                    self.pos,
                    format!("expected an integer index, found {}", describe(c)),
                ),
                None => fail(self.pos, "expected an integer index"),
            };
        }
        match self.src.get(start..self.pos).map(str::parse::<i64>) {
            Some(Ok(value)) => Ok(value),
            _ => fail(start, "index out of range"),
        }
    }

    /// `(@.length-N)`, at `(`; returns `-N`.
    fn parse_script(&mut self) -> Res<i64> {
        let open = self.pos;
        let unsupported = || {
            fail(
                open,
                "script expressions [(...)] are not supported; the one exception is \
                 [(@.length-N)], which means [-N]",
            )
        };
        self.pos += 1;
        self.skip_blanks();
        if !self.starts_with("@.length") {
            return unsupported();
        }
        self.pos += "@.length".len();
        self.skip_blanks();
        if self.peek() != Some('-') {
            return unsupported();
        }
        self.pos += 1;
        self.skip_blanks();
        if !self.byte(0).is_some_and(|b| b.is_ascii_digit()) {
            return unsupported();
        }
        let n = self.parse_int()?;
        self.skip_blanks();
        if self.peek() != Some(')') || n < 1 {
            return unsupported();
        }
        self.pos += 1;
        Ok(-n)
    }

    /// A quoted string at `'` or `"`: a backslash escapes the enclosing quote
    /// or a backslash; other backslashes are kept.
    fn parse_quoted(&mut self) -> Res<String> {
        let open = self.pos;
        let Some(quote) = self.peek() else {
            return fail(open, "expected a quoted string");
        };
        self.bump(quote);
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return fail(open, format!("unclosed string: expected a closing {quote}"));
                }
                Some(c) if c == quote => {
                    self.bump(c);
                    return Ok(out);
                }
                Some('\\') => match self.src.get(self.pos + 1..).and_then(|r| r.chars().next()) {
                    Some(next) if next == quote || next == '\\' => {
                        out.push(next);
                        self.pos += 2;
                    }
                    _ => {
                        out.push('\\');
                        self.pos += 1;
                    }
                },
                Some(c) => {
                    out.push(c);
                    self.bump(c);
                }
            }
        }
    }

    // --- filters -------------------------------------------------------------

    /// At `?` in `[?(...)]`; consumes through the `)`.
    fn parse_filter_body(&mut self) -> Res<Filter> {
        self.pos += 1;
        self.skip_blanks();
        if self.peek() != Some('(') {
            return fail(
                self.pos,
                "a filter is written with parentheses: [?(@.price < 10)]",
            );
        }
        let paren = self.pos;
        self.pos += 1;
        self.enter()?;
        let filter = self.parse_or()?;
        self.skip_blanks();
        match self.peek() {
            Some(')') => self.pos += 1,
            None => return fail(paren, "unclosed '(' in the filter: expected ')'"),
            Some(c) => {
                return fail(
                    self.pos,
                    format!(
                        "expected ')', '&&' or '||' in the filter, found {}",
                        describe(c)
                    ),
                );
            }
        }
        self.leave();
        Ok(filter)
    }

    fn parse_or(&mut self) -> Res<Filter> {
        let mut items = vec![self.parse_and()?];
        loop {
            self.skip_blanks();
            if !self.starts_with("||") {
                break;
            }
            self.pos += 2;
            items.push(self.parse_and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Filter::Or(Cow::Borrowed(&[])))
        } else {
            Filter::Or(items.into())
        })
    }

    fn parse_and(&mut self) -> Res<Filter> {
        let mut items = vec![self.parse_unary()?];
        loop {
            self.skip_blanks();
            if !self.starts_with("&&") {
                break;
            }
            self.pos += 2;
            items.push(self.parse_unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Filter::And(Cow::Borrowed(&[])))
        } else {
            Filter::And(items.into())
        })
    }

    fn parse_unary(&mut self) -> Res<Filter> {
        self.skip_blanks();
        match self.peek() {
            Some('!') if self.byte(1) != Some(b'=') => {
                self.pos += 1;
                self.enter()?;
                let inner = self.parse_unary()?;
                self.leave();
                Ok(Filter::Not(vec![inner].into()))
            }
            Some('(') => {
                let open = self.pos;
                self.pos += 1;
                self.enter()?;
                let inner = self.parse_or()?;
                self.skip_blanks();
                match self.peek() {
                    Some(')') => self.pos += 1,
                    None => return fail(open, "unclosed '(' in the filter: expected ')'"),
                    Some(c) => {
                        return fail(
                            self.pos,
                            format!(
                                "expected ')', '&&' or '||' in the filter, found {}",
                                describe(c)
                            ),
                        );
                    }
                }
                self.leave();
                Ok(inner)
            }
            _ => self.parse_relation(),
        }
    }

    fn at_condition_end(&self) -> bool {
        matches!(self.peek(), None | Some(')' | ']'))
            || self.starts_with("&&")
            || self.starts_with("||")
    }

    fn parse_relation(&mut self) -> Res<Filter> {
        self.skip_blanks();
        let left_at = self.pos;
        if self.at_condition_end() {
            return fail(
                left_at,
                "expected a condition, as in @.price < 10 or @.isbn",
            );
        }
        let left = self.parse_operand(true)?;
        self.skip_blanks();
        if self.at_condition_end() {
            return match left {
                Operand::Literal(_) => fail(
                    left_at,
                    "a constant alone is not a condition: compare it, as in @.x == 1, \
                     or test a path, as in @.x",
                ),
                path => Ok(Filter::Exists(path)),
            };
        }
        let op = self.parse_compare_op()?;
        self.skip_blanks();
        let right_at = self.pos;
        if self.at_condition_end() {
            return fail(
                right_at,
                format!("expected a value after '{}'", op.as_str()),
            );
        }
        let right = self.parse_operand(true)?;
        check_comparison(&left, op, &right, left_at, right_at)?;
        Ok(Filter::Compare { left, op, right })
    }

    fn parse_compare_op(&mut self) -> Res<CompareOp> {
        const SYMBOLS: [(&str, CompareOp); 9] = [
            ("===", CompareOp::StrictEq),
            ("!==", CompareOp::StrictNe),
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("=~", CompareOp::Regex),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ];
        for (symbol, op) in SYMBOLS {
            if self.starts_with(symbol) {
                self.pos += symbol.len();
                return Ok(op);
            }
        }
        let start = self.pos;
        if self.starts_with("=") {
            return fail(start, "use '==' to compare, not '='");
        }
        if self.byte(0).is_some_and(|b| b.is_ascii_alphabetic()) {
            while self.byte(0).is_some_and(|b| b.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            let word = self.src.get(start..self.pos).unwrap_or("");
            let op = match word.to_ascii_lowercase().as_str() {
                "in" => CompareOp::In,
                "nin" => CompareOp::Nin,
                "subsetof" => CompareOp::SubsetOf,
                "anyof" => CompareOp::AnyOf,
                "noneof" => CompareOp::NoneOf,
                "contains" => CompareOp::Contains,
                "size" => CompareOp::Size,
                "empty" => CompareOp::Empty,
                _ => {
                    return fail(
                        start,
                        format!(
                            "unknown filter operator '{word}'; supported: ==, !=, <, <=, >, >=, \
                             ===, !==, =~, in, nin, subsetof, anyof, noneof, contains, size, empty"
                        ),
                    );
                }
            };
            return Ok(op);
        }
        match self.peek() {
            Some(c) => fail(
                start,
                format!(
                    "expected a comparison operator (==, !=, <, <=, >, >=, =~, in, ...), '&&', \
                     '||' or ')', found {}",
                    describe(c)
                ),
            ),
            None => fail(start, "expected a comparison operator"),
        }
    }

    /// A path from `@` or `$`, or a literal. `bare_words` reads an unquoted
    /// word other than true/false/null as a string.
    fn parse_operand(&mut self, bare_words: bool) -> Res<Operand> {
        self.skip_blanks();
        let start = self.pos;
        match self.peek() {
            Some('@') => {
                self.pos += 1;
                let (segments, _) = self.parse_segments(Mode::Filter)?;
                Ok(Operand::Current(segments.into()))
            }
            Some('$') => {
                self.pos += 1;
                match self.peek() {
                    Some('$') => fail(
                        start,
                        "the context object '$$' cannot be used inside a filter",
                    ),
                    Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                        fail(start, "variables cannot be used inside a filter")
                    }
                    _ => {
                        let (segments, _) = self.parse_segments(Mode::Filter)?;
                        Ok(Operand::Root(segments.into()))
                    }
                }
            }
            _ => self.parse_literal(bare_words).map(Operand::Literal),
        }
    }

    fn parse_literal(&mut self, bare_words: bool) -> Res<Literal> {
        let start = self.pos;
        match self.peek() {
            None => fail(start, "expected a value"),
            Some('\'' | '"') => Ok(Literal::Str(self.parse_quoted()?.into())),
            Some('/') => self.parse_regex(),
            Some('[') => self.parse_list(),
            Some('{') => fail(start, "JSON object literals are not supported in filters"),
            Some(c) if c.is_ascii_digit() || c == '-' => self.parse_number(),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                while self
                    .byte(0)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    self.pos += 1;
                }
                let word = self.src.get(start..self.pos).unwrap_or("");
                match word {
                    "true" => Ok(Literal::Bool(true)),
                    "false" => Ok(Literal::Bool(false)),
                    "null" => Ok(Literal::Null),
                    _ if bare_words => Ok(Literal::Str(word.to_owned().into())),
                    _ => fail(
                        start,
                        format!("unquoted word '{word}': quote strings, as in '{word}'"),
                    ),
                }
            }
            Some(c) => fail(
                start,
                format!(
                    "expected a value (a path starting with '@' or '$', a quoted string, a \
                     number, true, false, null, a list or a /regex/), found {}",
                    describe(c)
                ),
            ),
        }
    }

    fn parse_number(&mut self) -> Res<Literal> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.byte(0).is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > from
        };
        if !digits(self) {
            return fail(self.pos, "expected a digit");
        }
        let mut float = false;
        if self.peek() == Some('.') {
            self.pos += 1;
            if !digits(self) {
                return fail(self.pos, "expected a digit after '.'");
            }
            float = true;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return fail(self.pos, "expected a digit in the exponent");
            }
            float = true;
        }
        let text = self.src.get(start..self.pos).unwrap_or("");
        if !float && let Ok(int) = text.parse::<i64>() {
            return Ok(Literal::Int(int));
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Literal::Float(value)),
            _ => fail(start, "number out of range"),
        }
    }

    /// `/pattern/flags`, at the first `/`.
    fn parse_regex(&mut self) -> Res<Literal> {
        let open = self.pos;
        self.pos += 1;
        let pattern_start = self.pos;
        loop {
            match self.peek() {
                None => {
                    return fail(open, "unclosed regular expression: expected a closing '/'");
                }
                Some('/') => break,
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        self.bump(c);
                    }
                }
                Some(c) => self.bump(c),
            }
        }
        let pattern = self.src.get(pattern_start..self.pos).unwrap_or("");
        self.pos += 1;
        let flags_start = self.pos;
        while let Some(b) = self.byte(0).filter(u8::is_ascii_alphabetic) {
            if !b"dimsuxU".contains(&b) {
                return fail(
                    self.pos,
                    format!(
                        "unknown regular expression flag '{}'; supported: d, i, m, s, u, x, U",
                        char::from(b)
                    ),
                );
            }
            self.pos += 1;
        }
        let flags = self.src.get(flags_start..self.pos).unwrap_or("");
        Ok(Literal::Regex {
            pattern: pattern.to_owned().into(),
            flags: flags.to_owned().into(),
        })
    }

    /// `[v, ...]`, at `[`.
    fn parse_list(&mut self) -> Res<Literal> {
        let open = self.pos;
        self.pos += 1;
        self.enter()?;
        let mut items = Vec::new();
        self.skip_blanks();
        if self.peek() == Some(']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_blanks();
                let item_at = self.pos;
                let item = self.parse_literal(false)?;
                if matches!(item, Literal::Regex { .. }) {
                    return fail(item_at, "a /regex/ cannot be a list element");
                }
                items.push(item);
                self.skip_blanks();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(']') => {
                        self.pos += 1;
                        break;
                    }
                    None => return fail(open, "unclosed list: expected ']'"),
                    Some(c) => {
                        return fail(
                            self.pos,
                            format!("expected ',' or ']' in the list, found {}", describe(c)),
                        );
                    }
                }
            }
        }
        self.leave();
        Ok(Literal::List(items.into()))
    }
}

/// Checks that the operands suit the operator.
fn check_comparison(
    left: &Operand,
    op: CompareOp,
    right: &Operand,
    left_at: usize,
    right_at: usize,
) -> Res<()> {
    let is_path = |o: &Operand| matches!(o, Operand::Current(_) | Operand::Root(_));
    let literal = |o: &Operand| match o {
        Operand::Literal(l) => Some(l.clone()),
        _ => None,
    };
    if matches!(literal(left), Some(Literal::Regex { .. })) {
        return fail(left_at, "a /regex/ must be on the right of '=~'");
    }
    let right_literal = literal(right);
    let right_is_regex = matches!(right_literal, Some(Literal::Regex { .. }));
    let problem = match op {
        CompareOp::Regex if !right_is_regex => {
            Some("'=~' needs a regular expression on the right, as in @.name =~ /^a.*/i".to_owned())
        }
        CompareOp::Regex => None,
        _ if right_is_regex => Some("a /regex/ can only be used with '=~'".to_owned()),
        CompareOp::Size
            if !(is_path(right) || matches!(right_literal, Some(Literal::Int(n)) if n >= 0)) =>
        {
            Some("'size' needs a non-negative integer or a path on the right".to_owned())
        }
        CompareOp::Empty
            if !(is_path(right) || matches!(right_literal, Some(Literal::Bool(_)))) =>
        {
            Some("'empty' needs true or false on the right".to_owned())
        }
        CompareOp::In
        | CompareOp::Nin
        | CompareOp::SubsetOf
        | CompareOp::AnyOf
        | CompareOp::NoneOf
            if !(is_path(right) || matches!(right_literal, Some(Literal::List(_)))) =>
        {
            Some(format!(
                "'{op}' needs a list or a path on the right, as in {op} ['a', 'b']"
            ))
        }
        _ => None,
    };
    if let Some(message) = problem {
        return fail(right_at, message);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Display
// ---------------------------------------------------------------------------

/// Whether `name` can be written in dot notation and read back unchanged in
/// every mode.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '$')
}

/// Writes `s` in single quotes, escaping `'` and `\`.
fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("'")?;
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    f.write_str("'")
}

/// Writes the inside of `[...]` for `selector`.
fn write_bracket_inner(f: &mut fmt::Formatter<'_>, selector: &Selector) -> fmt::Result {
    match selector {
        Selector::Name(name) => write_quoted(f, name),
        Selector::Index(index) => write!(f, "{index}"),
        Selector::Wildcard => f.write_str("*"),
        Selector::Slice { start, end, step } => {
            if let Some(start) = start {
                write!(f, "{start}")?;
            }
            f.write_str(":")?;
            if let Some(end) = end {
                write!(f, "{end}")?;
            }
            if let Some(step) = step {
                write!(f, ":{step}")?;
            }
            Ok(())
        }
        Selector::Union(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                match item {
                    UnionItem::Name(name) => write_quoted(f, name)?,
                    UnionItem::Index(index) => write!(f, "{index}")?,
                }
            }
            Ok(())
        }
        Selector::Filter(filter) => write!(f, "?({filter})"),
    }
}

impl fmt::Display for Segment {
    /// The segment as path text: `.name`, `['a b']`, `[0]`, `..name`, `.length()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Child(Selector::Name(name)) if is_plain_name(name) => write!(f, ".{name}"),
            Segment::Child(selector) => {
                f.write_str("[")?;
                write_bracket_inner(f, selector)?;
                f.write_str("]")
            }
            Segment::Descendant(Selector::Name(name)) if is_plain_name(name) => {
                write!(f, "..{name}")
            }
            Segment::Descendant(Selector::Wildcard) => f.write_str("..*"),
            Segment::Descendant(selector) => {
                f.write_str("..[")?;
                write_bracket_inner(f, selector)?;
                f.write_str("]")
            }
            Segment::Function(function) => write!(f, ".{function}"),
        }
    }
}

impl fmt::Display for PathFunction {
    /// The call as written in a path: `length()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}()", self.name())
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Root {
    /// `$`, `$$` or `$name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Root::Input => f.write_str("$"),
            Root::Context => f.write_str("$$"),
            Root::Variable(name) => write!(f, "${name}"),
        }
    }
}

impl fmt::Display for Path {
    /// The canonical text of the path, which [`parse_path`] reads back as an
    /// equal `Path`: dot notation for names made of letters, digits, `_`, `-`
    /// and `$`, `['…']` for the others, `[*]` for a child wildcard.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.root)?;
        self.segments.iter().try_for_each(|s| write!(f, "{s}"))
    }
}

impl fmt::Display for Filter {
    /// The inside of `[?( … )]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let write_joined = |f: &mut fmt::Formatter<'_>, items: &[Filter], sep: &str| {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                if matches!(item, Filter::And(_) | Filter::Or(_)) {
                    write!(f, "({item})")?;
                } else {
                    write!(f, "{item}")?;
                }
            }
            Ok(())
        };
        match self {
            Filter::Exists(operand) => write!(f, "{operand}"),
            Filter::Compare { left, op, right } => write!(f, "{left} {op} {right}"),
            Filter::And(items) => write_joined(f, items, " && "),
            Filter::Or(items) => write_joined(f, items, " || "),
            Filter::Not(items) => {
                f.write_str("!(")?;
                if let [single] = &items[..] {
                    write!(f, "{single}")?;
                } else {
                    write_joined(f, items, " && ")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Operand {
    /// `@…`, `$…` or the literal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Current(segments) => {
                f.write_str("@")?;
                segments.iter().try_for_each(|s| write!(f, "{s}"))
            }
            Operand::Root(segments) => {
                f.write_str("$")?;
                segments.iter().try_for_each(|s| write!(f, "{s}"))
            }
            Operand::Literal(literal) => write!(f, "{literal}"),
        }
    }
}

impl fmt::Display for Literal {
    /// The literal as written in a filter; strings in single quotes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Int(i) => write!(f, "{i}"),
            // Debug always shows a '.' or an exponent, so the value reads back as a float.
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Str(s) => write_quoted(f, s),
            Literal::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Literal::Regex { pattern, flags } => {
                f.write_str("/")?;
                let mut escaped = false;
                for c in pattern.chars() {
                    if c == '/' && !escaped {
                        f.write_str("\\")?;
                    }
                    escaped = c == '\\' && !escaped;
                    write!(f, "{c}")?;
                }
                write!(f, "/{flags}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Segment {
        Segment::Child(Selector::Name(s.to_owned().into()))
    }

    fn index(i: i64) -> Segment {
        Segment::Child(Selector::Index(i))
    }

    fn path(root: Root, segments: Vec<Segment>) -> Path {
        Path {
            root,
            segments: segments.into(),
        }
    }

    fn input(segments: Vec<Segment>) -> Path {
        path(Root::Input, segments)
    }

    fn ok(text: &str) -> Path {
        match parse_path(text) {
            Ok(p) => p,
            Err(e) => panic!("{text:?} should parse, got {e:?}"),
        }
    }

    fn err(text: &str) -> SyntaxError {
        match parse_path(text) {
            Ok(p) => panic!("{text:?} should not parse, got {p:?}"),
            Err(e) => e,
        }
    }

    fn filter_of(text: &str) -> Filter {
        let p = ok(text);
        match p.segments.last() {
            Some(Segment::Child(Selector::Filter(f))) => f.clone(),
            other => panic!("no trailing filter in {text:?}: {other:?}"),
        }
    }

    fn cur(segments: Vec<Segment>) -> Operand {
        Operand::Current(segments.into())
    }

    fn lit(l: Literal) -> Operand {
        Operand::Literal(l)
    }

    fn s(text: &str) -> Literal {
        Literal::Str(text.to_owned().into())
    }

    fn roundtrip(text: &str) {
        let p = ok(text);
        let shown = p.to_string();
        assert_eq!(parse_path(&shown), Ok(p), "{text:?} displayed as {shown:?}");
    }

    // --- roots ---------------------------------------------------------------

    #[test]
    fn roots() {
        assert_eq!(ok("$"), input(vec![]));
        assert_eq!(ok("$$"), path(Root::Context, vec![]));
        assert_eq!(
            ok("$$.Execution.Id"),
            path(Root::Context, vec![name("Execution"), name("Id")])
        );
        assert_eq!(
            ok("$theAnswer"),
            path(Root::Variable("theAnswer".into()), vec![])
        );
        assert_eq!(
            ok("$constant_obj.in_obj_constant_lst"),
            path(
                Root::Variable("constant_obj".into()),
                vec![name("in_obj_constant_lst")]
            )
        );
        assert_eq!(
            ok("$_x1[0]"),
            path(Root::Variable("_x1".into()), vec![index(0)])
        );
        assert_eq!(ok("$[0]"), input(vec![index(0)]));
        assert_eq!(ok("$$['a']"), path(Root::Context, vec![name("a")]));
    }

    // --- names ---------------------------------------------------------------

    #[test]
    fn dot_names() {
        assert_eq!(ok("$.store.book"), input(vec![name("store"), name("book")]));
        assert_eq!(ok("$.input-foo-bar"), input(vec![name("input-foo-bar")]));
        assert_eq!(ok("$.store\\.book"), input(vec![name("store.book")]));
        assert_eq!(ok("$.a\\b"), input(vec![name("a\\b")]));
        assert_eq!(ok("$.0"), input(vec![name("0")]));
        assert_eq!(ok("$.naïve.日本"), input(vec![name("naïve"), name("日本")]));
        assert_eq!(ok("$.a*b"), input(vec![name("a*b")]));
        assert_eq!(ok("$.a'b"), input(vec![name("a'b")]));
        assert_eq!(ok("$.length"), input(vec![name("length")]));
    }

    #[test]
    fn bracket_names() {
        assert_eq!(ok("$['store']"), input(vec![name("store")]));
        assert_eq!(ok("$[\"store\"]"), input(vec![name("store")]));
        assert_eq!(ok("$[ 'a b' ]"), input(vec![name("a b")]));
        assert_eq!(
            ok("$.abc.['def ghi']"),
            input(vec![name("abc"), name("def ghi")])
        );
        assert_eq!(
            ok("$['store'][0]['book']"),
            input(vec![name("store"), index(0), name("book")])
        );
        assert_eq!(ok("$['it\\'s']"), input(vec![name("it's")]));
        assert_eq!(ok("$[\"say \\\"hi\\\"\"]"), input(vec![name("say \"hi\"")]));
        assert_eq!(ok("$['a\\\\b']"), input(vec![name("a\\b")]));
        assert_eq!(ok("$['a\\nb']"), input(vec![name("a\\nb")]));
        assert_eq!(ok("$['']"), input(vec![name("")]));
        assert_eq!(ok("$['*']"), input(vec![name("*")]));
        assert_eq!(ok("$['a.b']"), input(vec![name("a.b")]));
        // AWS-recorded: $['Test\""Name"'] selects the key Test\""Name".
        assert_eq!(
            ok("$['Test\\\"\"Name\"']"),
            input(vec![name("Test\\\"\"Name\"")])
        );
    }

    // --- indices, wildcards, slices, unions -----------------------------------

    #[test]
    fn indices_and_wildcards() {
        assert_eq!(
            ok("$.ledgers[0][22][315].foo"),
            input(vec![
                name("ledgers"),
                index(0),
                index(22),
                index(315),
                name("foo")
            ])
        );
        assert_eq!(ok("$.books[-2]"), input(vec![name("books"), index(-2)]));
        assert_eq!(ok("$[ 3 ]"), input(vec![index(3)]));
        let wild = Segment::Child(Selector::Wildcard);
        assert_eq!(ok("$[*]"), input(vec![wild.clone()]));
        assert_eq!(ok("$.*"), input(vec![wild.clone()]));
        assert_eq!(ok("$[ * ]"), input(vec![wild.clone()]));
        assert_eq!(
            ok("$.items[*].itemValue"),
            input(vec![name("items"), wild.clone(), name("itemValue")])
        );
        assert_eq!(ok("$.*.a"), input(vec![wild, name("a")]));
        assert_eq!(
            ok("$[(@.length-1)].bar"),
            input(vec![index(-1), name("bar")])
        );
        assert_eq!(ok("$[( @.length - 3 )]"), input(vec![index(-3)]));
        assert_eq!(ok("$[9223372036854775807]"), input(vec![index(i64::MAX)]));
        assert_eq!(ok("$[-9223372036854775808]"), input(vec![index(i64::MIN)]));
    }

    #[test]
    fn slices() {
        let slice = |start, end, step| Segment::Child(Selector::Slice { start, end, step });
        assert_eq!(
            ok("$.vals[-3:]"),
            input(vec![name("vals"), slice(Some(-3), None, None)])
        );
        assert_eq!(ok("$[1:3]"), input(vec![slice(Some(1), Some(3), None)]));
        assert_eq!(ok("$[:1]"), input(vec![slice(None, Some(1), None)]));
        assert_eq!(ok("$[1:]"), input(vec![slice(Some(1), None, None)]));
        assert_eq!(ok("$[::2]"), input(vec![slice(None, None, Some(2))]));
        assert_eq!(ok("$[:]"), input(vec![slice(None, None, None)]));
        assert_eq!(
            ok("$[ 1 : 5 : -1 ]"),
            input(vec![slice(Some(1), Some(5), Some(-1))])
        );
        assert_eq!(
            ok("$.item.items[1:5].itemValue"),
            input(vec![
                name("item"),
                name("items"),
                slice(Some(1), Some(5), None),
                name("itemValue")
            ])
        );
    }

    #[test]
    fn unions() {
        assert_eq!(
            ok("$[0,1]"),
            input(vec![Segment::Child(Selector::Union(
                vec![UnionItem::Index(0), UnionItem::Index(1)].into()
            ))])
        );
        assert_eq!(
            ok("$[ -1 , 2 ,3]"),
            input(vec![Segment::Child(Selector::Union(
                vec![
                    UnionItem::Index(-1),
                    UnionItem::Index(2),
                    UnionItem::Index(3)
                ]
                .into()
            ))])
        );
        assert_eq!(
            ok("$['a', \"b c\"]"),
            input(vec![Segment::Child(Selector::Union(
                vec![UnionItem::Name("a".into()), UnionItem::Name("b c".into())].into()
            ))])
        );
    }

    #[test]
    fn descendants() {
        let desc = |sel| Segment::Descendant(sel);
        assert_eq!(
            ok("$..author"),
            input(vec![desc(Selector::Name("author".into()))])
        );
        assert_eq!(ok("$..*"), input(vec![desc(Selector::Wildcard)]));
        assert_eq!(ok("$..[*]"), input(vec![desc(Selector::Wildcard)]));
        assert_eq!(
            ok("$.store..price"),
            input(vec![name("store"), desc(Selector::Name("price".into()))])
        );
        assert_eq!(
            ok("$..book[2]"),
            input(vec![desc(Selector::Name("book".into())), index(2)])
        );
        assert_eq!(ok("$..[0]"), input(vec![desc(Selector::Index(0))]));
        assert_eq!(
            ok("$..['a b']"),
            input(vec![desc(Selector::Name("a b".into()))])
        );
        assert_eq!(
            ok("$..book[?(@.isbn)]"),
            input(vec![
                desc(Selector::Name("book".into())),
                Segment::Child(Selector::Filter(Filter::Exists(cur(vec![name("isbn")]))))
            ])
        );
    }

    #[test]
    fn functions() {
        for (text, function) in [
            ("length", PathFunction::Length),
            ("size", PathFunction::Length),
            ("min", PathFunction::Min),
            ("max", PathFunction::Max),
            ("avg", PathFunction::Avg),
            ("stddev", PathFunction::Stddev),
            ("sum", PathFunction::Sum),
            ("keys", PathFunction::Keys),
            ("first", PathFunction::First),
            ("last", PathFunction::Last),
            ("distinct", PathFunction::Distinct),
        ] {
            assert_eq!(
                ok(&format!("$.items.{text}()")),
                input(vec![name("items"), Segment::Function(function)]),
                "{text}"
            );
        }
        assert_eq!(
            ok("$.length()"),
            input(vec![Segment::Function(PathFunction::Length)])
        );
        assert_eq!(
            ok("$..price.sum()"),
            input(vec![
                Segment::Descendant(Selector::Name("price".into())),
                Segment::Function(PathFunction::Sum)
            ])
        );
        assert_eq!(PathFunction::from_name("nope"), None);
    }

    // --- filters -------------------------------------------------------------

    #[test]
    fn filter_comparisons() {
        assert_eq!(
            filter_of("$.users[?(@.status == 0)]"),
            Filter::Compare {
                left: cur(vec![name("status")]),
                op: CompareOp::Eq,
                right: lit(Literal::Int(0)),
            }
        );
        assert_eq!(
            filter_of("$[?(@.price<10.5)]"),
            Filter::Compare {
                left: cur(vec![name("price")]),
                op: CompareOp::Lt,
                right: lit(Literal::Float(10.5)),
            }
        );
        for (symbol, op) in [
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<", CompareOp::Lt),
            ("<=", CompareOp::Le),
            (">", CompareOp::Gt),
            (">=", CompareOp::Ge),
            ("===", CompareOp::StrictEq),
            ("!==", CompareOp::StrictNe),
        ] {
            assert_eq!(
                filter_of(&format!("$[?(@.a {symbol} 'x')]")),
                Filter::Compare {
                    left: cur(vec![name("a")]),
                    op,
                    right: lit(s("x")),
                },
                "{symbol}"
            );
            assert_eq!(
                filter_of(&format!("$[?(@.a{symbol}\"x\")]")),
                Filter::Compare {
                    left: cur(vec![name("a")]),
                    op,
                    right: lit(s("x")),
                },
                "{symbol} without blanks"
            );
        }
        assert_eq!(
            filter_of("$[?(@.a == $.limit)]"),
            Filter::Compare {
                left: cur(vec![name("a")]),
                op: CompareOp::Eq,
                right: Operand::Root(vec![name("limit")].into()),
            }
        );
        assert_eq!(
            filter_of("$[?(@ > -1e3)]"),
            Filter::Compare {
                left: cur(vec![]),
                op: CompareOp::Gt,
                right: lit(Literal::Float(-1000.0)),
            }
        );
        assert_eq!(
            filter_of("$[?(@.a == null || @.b == true && @.c != false)]"),
            Filter::Or(
                vec![
                    Filter::Compare {
                        left: cur(vec![name("a")]),
                        op: CompareOp::Eq,
                        right: lit(Literal::Null),
                    },
                    Filter::And(
                        vec![
                            Filter::Compare {
                                left: cur(vec![name("b")]),
                                op: CompareOp::Eq,
                                right: lit(Literal::Bool(true)),
                            },
                            Filter::Compare {
                                left: cur(vec![name("c")]),
                                op: CompareOp::Ne,
                                right: lit(Literal::Bool(false)),
                            },
                        ]
                        .into()
                    ),
                ]
                .into()
            )
        );
        // A bare word is read as a string (asl-validator valid-current-value-predicate).
        assert_eq!(
            filter_of("$.RecordOutputs[?(@.OutputKey == FizzBuzz)]"),
            Filter::Compare {
                left: cur(vec![name("OutputKey")]),
                op: CompareOp::Eq,
                right: lit(s("FizzBuzz")),
            }
        );
        // Numbers too large for i64 become floats.
        assert_eq!(
            filter_of("$[?(@ == 99999999999999999999)]"),
            Filter::Compare {
                left: cur(vec![]),
                op: CompareOp::Eq,
                right: lit(Literal::Float(1e20)),
            }
        );
    }

    #[test]
    fn filter_logic() {
        let isbn = Filter::Exists(cur(vec![name("isbn")]));
        assert_eq!(filter_of("$.book[?(@.isbn)]"), isbn);
        assert_eq!(filter_of("$[? ( @.isbn ) ]"), isbn);
        assert_eq!(
            filter_of("$[?(!(@.isbn))]"),
            Filter::Not(vec![isbn.clone()].into())
        );
        assert_eq!(
            filter_of("$[?(!@.isbn)]"),
            Filter::Not(vec![isbn.clone()].into())
        );
        assert_eq!(
            filter_of("$[?(@.price < 10 && @.category == 'fiction')]"),
            Filter::And(
                vec![
                    Filter::Compare {
                        left: cur(vec![name("price")]),
                        op: CompareOp::Lt,
                        right: lit(Literal::Int(10)),
                    },
                    Filter::Compare {
                        left: cur(vec![name("category")]),
                        op: CompareOp::Eq,
                        right: lit(s("fiction")),
                    },
                ]
                .into()
            )
        );
        assert_eq!(
            filter_of("$[?((@.a || @.b) && @.c)]"),
            Filter::And(
                vec![
                    Filter::Or(
                        vec![
                            Filter::Exists(cur(vec![name("a")])),
                            Filter::Exists(cur(vec![name("b")]))
                        ]
                        .into()
                    ),
                    Filter::Exists(cur(vec![name("c")])),
                ]
                .into()
            )
        );
        assert_eq!(
            filter_of("$[?(@['a b'][0] && @..x && @.list.length() > 2)]"),
            Filter::And(
                vec![
                    Filter::Exists(cur(vec![name("a b"), index(0)])),
                    Filter::Exists(cur(vec![Segment::Descendant(Selector::Name("x".into()))])),
                    Filter::Compare {
                        left: cur(vec![name("list"), Segment::Function(PathFunction::Length)]),
                        op: CompareOp::Gt,
                        right: lit(Literal::Int(2)),
                    },
                ]
                .into()
            )
        );
        // Nested filter inside an operand.
        assert_eq!(
            filter_of("$[?(@.items[?(@.ok)])]"),
            Filter::Exists(cur(vec![
                name("items"),
                Segment::Child(Selector::Filter(Filter::Exists(cur(vec![name("ok")]))))
            ]))
        );
    }

    #[test]
    fn filter_word_operators_and_regex() {
        assert_eq!(
            filter_of("$[?(@.name =~ /^J.*n$/i)]"),
            Filter::Compare {
                left: cur(vec![name("name")]),
                op: CompareOp::Regex,
                right: lit(Literal::Regex {
                    pattern: "^J.*n$".into(),
                    flags: "i".into()
                }),
            }
        );
        assert_eq!(
            filter_of("$[?(@.p =~ /a\\/b/)]"),
            Filter::Compare {
                left: cur(vec![name("p")]),
                op: CompareOp::Regex,
                right: lit(Literal::Regex {
                    pattern: "a\\/b".into(),
                    flags: "".into()
                }),
            }
        );
        let list = Literal::List(vec![s("a"), Literal::Int(1), Literal::Null].into());
        for (word, op) in [
            ("in", CompareOp::In),
            ("NIN", CompareOp::Nin),
            ("subsetof", CompareOp::SubsetOf),
            ("anyof", CompareOp::AnyOf),
            ("noneof", CompareOp::NoneOf),
        ] {
            assert_eq!(
                filter_of(&format!("$[?(@.x {word} ['a', 1, null])]")),
                Filter::Compare {
                    left: cur(vec![name("x")]),
                    op,
                    right: lit(list.clone()),
                },
                "{word}"
            );
        }
        assert_eq!(
            filter_of("$[?(@.tags contains 'red')]"),
            Filter::Compare {
                left: cur(vec![name("tags")]),
                op: CompareOp::Contains,
                right: lit(s("red")),
            }
        );
        assert_eq!(
            filter_of("$[?(@.tags size 2)]"),
            Filter::Compare {
                left: cur(vec![name("tags")]),
                op: CompareOp::Size,
                right: lit(Literal::Int(2)),
            }
        );
        assert_eq!(
            filter_of("$[?(@.tags empty false)]"),
            Filter::Compare {
                left: cur(vec![name("tags")]),
                op: CompareOp::Empty,
                right: lit(Literal::Bool(false)),
            }
        );
        assert_eq!(
            filter_of("$[?(@.x in [[1, 2], []])]"),
            Filter::Compare {
                left: cur(vec![name("x")]),
                op: CompareOp::In,
                right: lit(Literal::List(
                    vec![
                        Literal::List(vec![Literal::Int(1), Literal::Int(2)].into()),
                        Literal::List(vec![].into())
                    ]
                    .into()
                )),
            }
        );
    }

    // --- predicates ------------------------------------------------------------

    #[test]
    fn reference_and_definite() {
        for text in [
            "$",
            "$$",
            "$x",
            "$.a.b",
            "$.store\\.book",
            "$.ledgers[0][22][315].foo",
            "$['store'][0]['book']",
            "$.books[-1]",
            "$$.Execution.Input",
            "$var.a[0]",
        ] {
            let p = ok(text);
            assert!(p.is_reference(), "{text} is a reference path");
            assert!(p.is_definite(), "{text} is definite");
            assert_eq!(parse_reference_path(text), Ok(p), "{text}");
        }
        for text in [
            "$.a[*]",
            "$.*",
            "$..a",
            "$.a[1:2]",
            "$.a[0,1]",
            "$['a','b']",
            "$.a[?(@.b)]",
            "$..[0]",
        ] {
            let p = ok(text);
            assert!(!p.is_reference(), "{text} is not a reference path");
            assert!(!p.is_definite(), "{text} is indefinite");
            assert!(parse_reference_path(text).is_err(), "{text}");
        }
        let f = ok("$.a.length()");
        assert!(!f.is_reference());
        assert!(f.is_definite());
        assert!(ok("$..price.sum()").is_definite());
    }

    #[test]
    fn reference_errors() {
        let cases = [
            ("$.a[*]", 3, "a wildcard '*'"),
            ("$.a.*", 3, "a wildcard '*'"),
            ("$.a[1:2]", 3, "a slice"),
            ("$.a[0,1]", 3, "a union"),
            ("$.a[?(@.b)]", 3, "a filter"),
            ("$.a..b", 3, "a descendant search"),
            ("$.a.length()", 3, "a path function"),
        ];
        for (text, offset, what) in cases {
            let e = parse_reference_path(text).unwrap_err();
            assert_eq!(e.offset, offset, "{text}: {e:?}");
            assert!(e.message.starts_with(what), "{text}: {}", e.message);
            assert!(
                e.message.contains("must select a single node"),
                "{text}: {}",
                e.message
            );
        }
        // Syntax errors come first.
        assert_eq!(parse_reference_path("$.").unwrap_err().offset, 1);
    }

    // --- errors ------------------------------------------------------------------

    #[test]
    fn errors_with_offsets() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "empty string"),
            ("bug$.library.movies", 0, "must start with '$'"),
            (".guid", 0, "must start with '$'"),
            ("..guid", 0, "must start with '$'"),
            ("()", 0, "must start with '$'"),
            ("States.Format('x')", 0, "intrinsic function"),
            ("@.a", 0, "'@'"),
            (" $.a", 0, "whitespace"),
            ("{% $x %}", 0, "JSONata"),
            ("$.", 1, "must not end with '.'"),
            ("$.a.", 3, "must not end with '.'"),
            ("$..", 1, "must not end with '..'"),
            ("$...", 3, "'...'"),
            ("$...a", 3, "'...'"),
            ("$[", 1, "unclosed '['"),
            ("$[0", 1, "unclosed '['"),
            ("$['a", 2, "unclosed string"),
            ("$['a'", 1, "unclosed '['"),
            ("$[]", 2, "empty brackets"),
            ("$[a]", 2, "quote names"),
            ("$[0 1]", 4, "expected ']'"),
            ("$['a' 'b']", 6, "expected ']'"),
            ("$['a',0]", 6, "not both"),
            ("$[0,'a']", 4, "not both"),
            ("$[-]", 3, "integer"),
            ("$[99999999999999999999]", 2, "out of range"),
            ("$[::0]", 4, "step must not be 0"),
            ("$[(@.foo)]", 2, "script expressions"),
            ("$[(@.length-0)]", 2, "script expressions"),
            ("$.a b", 3, "whitespace"),
            ("$.a ", 3, "whitespace"),
            ("$. a", 2, "whitespace"),
            ("$.a]", 3, "unexpected ']'"),
            ("$.a)", 3, "unexpected ')'"),
            ("$$$.x", 2, "unexpected '$'"),
            ("$$23", 2, "after '$$'"),
            ("$1abc", 1, "letter or '_'"),
            ("$foo-bar", 4, "variable name"),
            ("$-", 1, "after '$'"),
            ("$ ", 1, "after '$'"),
            ("$.a.foo()", 4, "unknown path function 'foo()'"),
            ("$.a.concat('x')", 4, "takes arguments"),
            ("$.a.length(1)", 11, "takes no arguments"),
            ("$.a.length", 0, ""), // valid: a plain name
            ("$.a.length().b", 12, "must be the last"),
            ("$.a.length()[0]", 12, "must be the last"),
            ("$..length()", 9, "cannot follow '..'"),
            ("$.*a", 3, "unexpected 'a'"),
            ("$.a[?(@.x ==)]", 12, "expected a value after '=='"),
            ("$.a[?(@.x == )]", 13, "expected a value after '=='"),
            ("$[?(@.x = 1)]", 8, "'=='"),
            ("$[?@.x]", 3, "parentheses"),
            ("$[?()]", 4, "expected a condition"),
            ("$[?(@.x]", 7, "expected ')'"),
            ("$[?(@.x", 3, "unclosed '('"),
            ("$[?(@.x) && (@.y)]", 9, "expected ']'"),
            ("$[?((@.x)]", 9, "expected ')'"),
            ("$[?(1)]", 4, "constant alone"),
            ("$[?(@.x like 1)]", 8, "unknown filter operator 'like'"),
            ("$[?(@.x == 'a)]", 11, "unclosed string"),
            ("$[?(@.x =~ 'a')]", 11, "regular expression on the right"),
            ("$[?(@.x == /a/)]", 11, "only be used with '=~'"),
            ("$[?(@.x =~ /a/q)]", 14, "flag 'q'"),
            ("$[?(@.x =~ /a)]", 11, "unclosed regular expression"),
            ("$[?(@.x in 'a')]", 11, "list or a path"),
            ("$[?(@.x size -1)]", 13, "non-negative integer"),
            ("$[?(@.x empty 1)]", 14, "true or false"),
            ("$[?(@.x == {\"a\":1})]", 11, "object literals"),
            ("$[?(@.x in [a])]", 12, "unquoted word 'a'"),
            ("$[?(@.x in [1 2])]", 14, "expected ',' or ']'"),
            ("$[?(@.x == 1.)]", 13, "digit after '.'"),
            ("$[?(@.x == 1e)]", 13, "exponent"),
            ("$[?(@.x == 1e999)]", 11, "out of range"),
            ("$[?(@.x == $$.a)]", 11, "'$$'"),
            ("$[?(@.x == $v)]", 11, "variables"),
            ("$[?(@.x == #)]", 11, "expected a value"),
            ("$[?(@.)]", 6, "expected a name"),
        ];
        for &(text, offset, message) in cases {
            if message.is_empty() {
                ok(text);
                continue;
            }
            let e = err(text);
            assert_eq!(e.offset, offset, "{text:?}: {e:?}");
            assert!(e.message.contains(message), "{text:?}: {:?}", e.message);
            assert!(e.offset <= text.len(), "{text:?}");
        }
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("$[?({}@.a{})]", "(".repeat(200), ")".repeat(200));
        assert!(err(&deep).message.contains("nested too deeply"));
        let bangs = format!("$[?({}@.a)]", "!".repeat(200));
        assert!(err(&bangs).message.contains("nested too deeply"));
        let lists = format!("$[?(@.a in {}{})]", "[".repeat(200), "]".repeat(200));
        assert!(err(&lists).message.contains("nested too deeply"));
        let mut filters = "@.x".to_owned();
        for _ in 0..200 {
            filters = format!("@[?({filters})]");
        }
        assert!(
            err(&format!("${}", &filters[1..]))
                .message
                .contains("nested too deeply")
        );
        // Just below the limit is fine.
        let ok_depth = format!(
            "$[?({}@.a{})]",
            "(".repeat(MAX_NESTING - 1),
            ")".repeat(MAX_NESTING - 1)
        );
        ok(&ok_depth);
    }

    #[test]
    fn unicode_offsets_are_bytes() {
        let e = err("$.é b");
        assert_eq!(e.offset, 4);
        let e = err("$['日本'");
        assert_eq!(e.offset, 1);
        let e = err("$.日本.");
        assert_eq!(e.offset, 8);
        assert_eq!(ok("$['日本']"), input(vec![name("日本")]));
    }

    // --- prefix parsing --------------------------------------------------------

    #[test]
    fn prefixes() {
        let (p, n) = parse_path_prefix("$.a.b, 'x')").unwrap();
        assert_eq!((p, n), (input(vec![name("a"), name("b")]), 5));
        let (p, n) = parse_path_prefix("$)").unwrap();
        assert_eq!((p, n), (input(vec![]), 1));
        let (p, n) = parse_path_prefix("$$.Map.Item.Value )").unwrap();
        assert_eq!(n, 17);
        assert_eq!(p.root, Root::Context);
        let (p, n) = parse_path_prefix("$var, 1").unwrap();
        assert_eq!((p.root, n), (Root::Variable("var".into()), 4));
        let text = "$.DescribeRecord.RecordOutputs[?(@.OutputKey == FooBar)].OutputValue, 0)";
        let (p, n) = parse_path_prefix(text).unwrap();
        assert_eq!(&text[n..], ", 0)");
        assert_eq!(p.segments.len(), 4);
        let (p, n) = parse_path_prefix("$['a, b'][0],").unwrap();
        assert_eq!((p, n), (input(vec![name("a, b"), index(0)]), 12));
        let (p, n) = parse_path_prefix("$.a.length())").unwrap();
        assert_eq!(n, 12);
        assert!(p.is_definite());
        assert!(parse_path_prefix("States.Array($.a)").is_err());
        assert_eq!(parse_path_prefix("$.a.]").unwrap_err().offset, 4);
    }

    // --- display -----------------------------------------------------------------

    #[test]
    fn display_is_canonical() {
        let cases = [
            ("$", "$"),
            ("$$", "$$"),
            ("$x.y", "$x.y"),
            ("$.a.b", "$.a.b"),
            ("$['a']", "$.a"),
            ("$.a.['def ghi']", "$.a['def ghi']"),
            ("$.store\\.book", "$['store.book']"),
            ("$['it\\'s']", "$['it\\'s']"),
            ("$.a\\b", "$['a\\\\b']"),
            ("$.*", "$[*]"),
            ("$..*", "$..*"),
            ("$..[*]", "$..*"),
            ("$..['a b']", "$..['a b']"),
            ("$[ 1 : 3 ]", "$[1:3]"),
            ("$[::2]", "$[::2]"),
            ("$[-3:]", "$[-3:]"),
            ("$[ 0 , 1 ]", "$[0,1]"),
            ("$[\"a\",'b']", "$['a','b']"),
            ("$[(@.length-1)]", "$[-1]"),
            ("$.a.size()", "$.a.length()"),
            ("$[?(@.a<1&&@.b=='x')]", "$[?(@.a < 1 && @.b == 'x')]"),
            ("$[?(!@.a)]", "$[?(!(@.a))]"),
            ("$[?((@.a||@.b)&&@.c)]", "$[?((@.a || @.b) && @.c)]"),
            ("$[?(@.a =~ /x/i)]", "$[?(@.a =~ /x/i)]"),
            ("$[?(@.a IN [1,'b'])]", "$[?(@.a in [1, 'b'])]"),
            ("$[?(@.a == 1.0)]", "$[?(@.a == 1.0)]"),
            ("$[?(@.a == FizzBuzz)]", "$[?(@.a == 'FizzBuzz')]"),
            ("$['Test\\\"\"Name\"']", "$['Test\\\\\"\"Name\"']"),
        ];
        for (text, shown) in cases {
            assert_eq!(ok(text).to_string(), shown, "{text}");
            roundtrip(text);
        }
    }

    #[test]
    fn display_of_constructed_values() {
        let p = Path {
            root: Root::Input,
            segments: Cow::Borrowed(&[
                Segment::Child(Selector::Name(Cow::Borrowed("a b"))),
                Segment::Child(Selector::Index(-1)),
                Segment::Descendant(Selector::Name(Cow::Borrowed("x"))),
            ]),
        };
        assert_eq!(p.to_string(), "$['a b'][-1]..x");
        assert_eq!(parse_path(&p.to_string()), Ok(p));
        let regex = Literal::Regex {
            pattern: "a/b".into(),
            flags: "".into(),
        };
        assert_eq!(regex.to_string(), "/a\\/b/");
        assert_eq!(Literal::Float(1e300).to_string(), "1e300");
        assert_eq!(CompareOp::SubsetOf.to_string(), "subsetof");
        assert_eq!(PathFunction::Stddev.to_string(), "stddev()");
        let parsed: Path = "$.a".parse().unwrap();
        assert_eq!(parsed, input(vec![name("a")]));
    }

    #[test]
    fn constant_construction() {
        static SEGMENTS: [Segment; 2] = [
            Segment::Child(Selector::Name(Cow::Borrowed("items"))),
            Segment::Child(Selector::Filter(Filter::Compare {
                left: Operand::Current(Cow::Borrowed(&[Segment::Child(Selector::Name(
                    Cow::Borrowed("n"),
                ))])),
                op: CompareOp::Gt,
                right: Operand::Literal(Literal::Int(1)),
            })),
        ];
        static PATH: Path = Path {
            root: Root::Input,
            segments: Cow::Borrowed(&SEGMENTS),
        };
        assert_eq!(PATH, ok("$.items[?(@.n > 1)]"));
    }

    // --- real-world paths ------------------------------------------------------

    /// Paths from the conformance corpus (cases/ and valid/), kept here so the
    /// test runs without /work/shared.
    const CORPUS_PATHS: &[&str] = &[
        "$",
        "$$",
        "$$.Execution",
        "$$.Execution.Id",
        "$$.Execution.Input.TaskToken",
        "$$.Execution.Input.input-value",
        "$$.Map.Item.Index",
        "$$.Map.Item.Value.innerJobs",
        "$$.State.EnteredTime",
        "$$.State.RetryCount",
        "$$.StateMachine.Name",
        "$$.Task.Token",
        "$.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID",
        "$.Item.id",
        "$.b[23]",
        "$.batchjob.parameters",
        "$.books[-2]",
        "$.delivery-partner",
        "$.fooList[0]",
        "$.fooList[1:]",
        "$.input-foo-bar",
        "$.item.items[*]",
        "$.item.items[1:5]",
        "$.item.items[1:5].itemValue",
        "$.item.items[:1]",
        "$.items[*].itemValue",
        "$.items[10]",
        "$.items[1:].itemValue",
        "$.no.such.result.path",
        "$.result_path.merged",
        "$.slackMessage.errorMessage",
        "$.sub-values",
        "$.users[?(@.status == 0)]",
        "$.vals[3:]",
        "$.x.y.z[2]",
        "$PokemonList",
        "$constant_obj.in_obj_constant_lst",
        "$['Test\\\"\"Name\"']",
        "$[(@.length-1)].bar",
        "$[*]",
        "$[2]",
        "$.DescribeRecord.RecordOutputs[?(@.OutputKey == FizzBuzz)].OutputValue",
    ];

    #[test]
    fn corpus_paths_parse_and_roundtrip() {
        for text in CORPUS_PATHS {
            roundtrip(text);
        }
    }

    #[test]
    fn corpus_invalid_paths_are_rejected() {
        // invalid/asl-validator__invalid-json-path.json and statelint__parameter-path-problems.json
        for text in [".guid", "..guid", "()", "$...", "$$23", "23"] {
            err(text);
        }
    }

    /// Every `$…` string under a path-valued key in conformance/cases and
    /// conformance/valid parses (reference paths where ASL requires them).
    #[test]
    fn conformance_corpus_paths() {
        let dir = std::env::var_os("SFN_CONFORMANCE_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
            });
        if !dir.is_dir() {
            println!(
                "skipping conformance_corpus_paths: {} not found",
                dir.display()
            );
            return;
        }
        let mut files = Vec::new();
        for sub in ["cases", "valid"] {
            collect_json_files(&dir.join(sub), &mut files);
        }
        let mut checked = 0;
        let mut failures = Vec::new();
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let mut pairs = Vec::new();
            if mini_json::scan(&text, &mut pairs).is_none() {
                failures.push(format!("{}: could not scan JSON", file.display()));
                continue;
            }
            for (key, value) in pairs {
                if !value.starts_with('$') || !is_path_key(&key) {
                    continue;
                }
                checked += 1;
                let result = if is_reference_key(&key) {
                    parse_reference_path(&value)
                } else {
                    parse_path(&value)
                };
                match result {
                    Ok(p) => {
                        let shown = p.to_string();
                        if parse_path(&shown).as_ref() != Ok(&p) {
                            failures.push(format!("{value:?} does not round-trip via {shown:?}"));
                        }
                    }
                    Err(e) => failures.push(format!(
                        "{}: {key}: {value:?}: {} at {}",
                        file.display(),
                        e.message,
                        e.offset
                    )),
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(
            checked > 100,
            "only {checked} paths found under {}",
            dir.display()
        );
    }

    fn collect_json_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                collect_json_files(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }

    fn is_path_key(key: &str) -> bool {
        key.ends_with(".$") || key.ends_with("Path") || key == "Variable"
    }

    fn is_reference_key(key: &str) -> bool {
        matches!(
            key,
            "ResultPath"
                | "Variable"
                | "SecondsPath"
                | "TimestampPath"
                | "TimeoutSecondsPath"
                | "HeartbeatSecondsPath"
        ) || (["String", "Numeric", "Boolean", "Timestamp"]
            .iter()
            .any(|p| key.starts_with(p))
            && key.ends_with("Path")
            && key != "TimestampPath")
    }

    /// Just enough JSON to list `(key, string value)` pairs.
    mod mini_json {
        pub fn scan(text: &str, out: &mut Vec<(String, String)>) -> Option<()> {
            let chars: Vec<char> = text.chars().collect();
            let mut i = 0;
            value(&chars, &mut i, None, out)?;
            blank(&chars, &mut i);
            (i == chars.len()).then_some(())
        }

        fn blank(c: &[char], i: &mut usize) {
            while c.get(*i).is_some_and(|c| c.is_whitespace()) {
                *i += 1;
            }
        }

        fn hex4(c: &[char], i: &mut usize) -> Option<u32> {
            let digits: String = c.get(*i..*i + 4)?.iter().collect();
            *i += 4;
            u32::from_str_radix(&digits, 16).ok()
        }

        fn string(c: &[char], i: &mut usize) -> Option<String> {
            if c.get(*i) != Some(&'"') {
                return None;
            }
            *i += 1;
            let mut out = String::new();
            loop {
                let ch = *c.get(*i)?;
                *i += 1;
                match ch {
                    '"' => return Some(out),
                    '\\' => {
                        let e = *c.get(*i)?;
                        *i += 1;
                        match e {
                            'n' => out.push('\n'),
                            't' => out.push('\t'),
                            'r' => out.push('\r'),
                            'b' => out.push('\u{8}'),
                            'f' => out.push('\u{c}'),
                            'u' => {
                                let hi = hex4(c, i)?;
                                let code = if (0xD800..0xDC00).contains(&hi)
                                    && c.get(*i) == Some(&'\\')
                                    && c.get(*i + 1) == Some(&'u')
                                {
                                    *i += 2;
                                    let lo = hex4(c, i)?;
                                    0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00))
                                } else {
                                    hi
                                };
                                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            }
                            other => out.push(other),
                        }
                    }
                    other => out.push(other),
                }
            }
        }

        fn value(
            c: &[char],
            i: &mut usize,
            key: Option<&str>,
            out: &mut Vec<(String, String)>,
        ) -> Option<()> {
            blank(c, i);
            match *c.get(*i)? {
                '{' => {
                    *i += 1;
                    blank(c, i);
                    if c.get(*i) == Some(&'}') {
                        *i += 1;
                        return Some(());
                    }
                    loop {
                        blank(c, i);
                        let k = string(c, i)?;
                        blank(c, i);
                        if c.get(*i) != Some(&':') {
                            return None;
                        }
                        *i += 1;
                        value(c, i, Some(&k), out)?;
                        blank(c, i);
                        match c.get(*i)? {
                            ',' => *i += 1,
                            '}' => {
                                *i += 1;
                                return Some(());
                            }
                            _ => return None,
                        }
                    }
                }
                '[' => {
                    *i += 1;
                    blank(c, i);
                    if c.get(*i) == Some(&']') {
                        *i += 1;
                        return Some(());
                    }
                    loop {
                        value(c, i, None, out)?;
                        blank(c, i);
                        match c.get(*i)? {
                            ',' => *i += 1,
                            ']' => {
                                *i += 1;
                                return Some(());
                            }
                            _ => return None,
                        }
                    }
                }
                '"' => {
                    let s = string(c, i)?;
                    if let Some(k) = key {
                        out.push((k.to_owned(), s));
                    }
                    Some(())
                }
                _ => {
                    let start = *i;
                    while c
                        .get(*i)
                        .is_some_and(|ch| !matches!(ch, ',' | ']' | '}') && !ch.is_whitespace())
                    {
                        *i += 1;
                    }
                    (*i > start).then_some(())
                }
            }
        }
    }

    // --- properties --------------------------------------------------------------

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn plain_name() -> impl Strategy<Value = String> {
            "[A-Za-z_][A-Za-z0-9_-]{0,8}"
        }

        fn any_name() -> impl Strategy<Value = String> {
            prop_oneof![plain_name(), "[ -~]{0,8}", "\\PC{0,6}"]
        }

        fn selector() -> impl Strategy<Value = Selector> {
            prop_oneof![
                any_name().prop_map(|n| Selector::Name(n.into())),
                any::<i64>().prop_map(Selector::Index),
                Just(Selector::Wildcard),
                (
                    proptest::option::of(-50i64..50),
                    proptest::option::of(-50i64..50),
                    proptest::option::of(prop_oneof![-5i64..0, 1i64..5])
                )
                    .prop_map(|(start, end, step)| Selector::Slice {
                        start,
                        end,
                        step
                    }),
                proptest::collection::vec(any_name(), 2..4).prop_map(|v| Selector::Union(
                    v.into_iter()
                        .map(|n| UnionItem::Name(n.into()))
                        .collect::<Vec<_>>()
                        .into()
                )),
                proptest::collection::vec(any::<i64>(), 2..4).prop_map(|v| Selector::Union(
                    v.into_iter()
                        .map(UnionItem::Index)
                        .collect::<Vec<_>>()
                        .into()
                )),
                (any_name(), -100i64..100, any::<bool>()).prop_map(|(n, v, strict)| {
                    Selector::Filter(Filter::Compare {
                        left: Operand::Current(
                            vec![Segment::Child(Selector::Name(n.into()))].into(),
                        ),
                        op: if strict {
                            CompareOp::StrictEq
                        } else {
                            CompareOp::Ge
                        },
                        right: Operand::Literal(Literal::Int(v)),
                    })
                }),
            ]
        }

        fn generated_path() -> impl Strategy<Value = Path> {
            let root = prop_oneof![
                Just(Root::Input),
                Just(Root::Context),
                "[A-Za-z_][A-Za-z0-9_]{0,6}".prop_map(|n| Root::Variable(n.into())),
            ];
            let segment = prop_oneof![
                selector().prop_map(Segment::Child),
                selector().prop_map(Segment::Descendant),
            ];
            (
                root,
                proptest::collection::vec(segment, 0..6),
                proptest::option::of(prop_oneof![
                    Just(PathFunction::Length),
                    Just(PathFunction::Sum),
                    Just(PathFunction::Keys)
                ]),
            )
                .prop_map(|(root, mut segments, function)| {
                    if let Some(f) = function {
                        segments.push(Segment::Function(f));
                    }
                    Path {
                        root,
                        segments: segments.into(),
                    }
                })
        }

        proptest! {
            #[test]
            fn never_panics_on_any_string(text in "\\PC{0,40}") {
                let _ = parse_path(&text);
                let _ = parse_reference_path(&text);
                let _ = parse_path_prefix(&text);
            }

            #[test]
            fn never_panics_on_path_like_strings(
                text in "\\$[$@.\\[\\]'\"*?()!=<>&|,:~/{}a-c0-2 \\\\é-]{0,40}"
            ) {
                for result in [parse_path(&text), parse_reference_path(&text)] {
                    if let Err(e) = result {
                        prop_assert!(e.offset <= text.len());
                        prop_assert!(text.is_char_boundary(e.offset));
                    }
                }
                if let Ok((_, n)) = parse_path_prefix(&text) {
                    prop_assert!(n <= text.len());
                }
            }

            #[test]
            fn whatever_parses_round_trips(
                text in "\\$[$@.\\[\\]'\"*?()!=<>&|,:~/a-c0-2 \\\\é-]{0,40}"
            ) {
                if let Ok(p) = parse_path(&text) {
                    let shown = p.to_string();
                    prop_assert_eq!(parse_path(&shown), Ok(p), "{:?} -> {:?}", text, shown);
                }
            }

            #[test]
            fn token_soup_round_trips(
                tokens in proptest::collection::vec(
                    proptest::sample::select(&[
                        ".", "..", "[", "]", "'a b'", "\"c\"", "*", "?(", "(", ")", "@", "$",
                        "0", "-1", ":", ",", "x", "y-z", "==", "<", " ", "&&", "||", "!",
                        "length()", "in", "['u']", "/r/i", "=~", "true", "null", "2.5",
                        "\\.", "é",
                    ][..]),
                    0..16,
                )
            ) {
                let text = format!("${}", tokens.concat());
                match parse_path(&text) {
                    Ok(p) => {
                        let shown = p.to_string();
                        prop_assert_eq!(parse_path(&shown), Ok(p), "{:?} -> {:?}", text, shown);
                    }
                    Err(e) => {
                        prop_assert!(e.offset <= text.len());
                        prop_assert!(text.is_char_boundary(e.offset));
                    }
                }
            }

            #[test]
            fn generated_paths_round_trip(p in generated_path()) {
                let shown = p.to_string();
                prop_assert_eq!(parse_path(&shown), Ok(p.clone()), "{}", shown);
                let (prefix, n) = parse_path_prefix(&shown).unwrap();
                if n == shown.len() {
                    prop_assert_eq!(prefix, p);
                }
            }
        }
    }
}
