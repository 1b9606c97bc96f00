//! JSONPath evaluation as AWS Step Functions does it (Jayway JsonPath 2.x),
//! and writing a value at a reference path (`ResultPath`).
//!
//! Paths arrive parsed ([`sfn_lang::path::Path`]); nothing here parses text.
//! [`select`] reads, [`write()`] writes, [`normalized`] prints a path the way
//! Jayway does in error messages, and [`no_result_cause`] explains, in
//! Jayway's words, why a definite path selected nothing.
//!
//! # Roots
//!
//! `$` reads [`Roots::input`], `$$` reads [`Roots::context`] (ASL strips one
//! `$` and applies the rest to the context object) and `$name` reads the
//! workflow variable `name` from [`Roots::variables`]; an unknown variable is
//! [`PathError::NoSuchVariable`]. `$name.field` descends into the variable's
//! value. Inside a filter, `$` is the document the whole path started from.
//!
//! # Definite and indefinite paths
//!
//! Jayway calls a path *definite* when every step after `$` is a single name,
//! a single index, or, as the last step only, a union of names; a trailing
//! function keeps a path definite. A definite path selects one value or
//! nothing: [`select`] gives `Some` (borrowed from the document when the value
//! is in it) or `None`. Any other path (wildcard, slice, union of indices,
//! filter, deep scan) is *indefinite*: [`select`] always gives an owned array
//! of every match in document order, possibly empty, never `None`. That is
//! what AWS records: `$.items[*]` on `{}` gives `[]`
//! (`base/test_json_path_array_wildcard_or_slice_with_no_input*`), while
//! `$.NoSuchInputPath` fails the state.
//!
//! # Selectors (Jayway semantics)
//!
//! * **Names** select a member of an object and nothing on any other value. A
//!   member whose value is `null` is selected (`Some(null)`).
//! * **Indices** select an array element; negative ones count from the end;
//!   out of range (including `i64::MIN`) selects nothing.
//! * **Wildcards** `*`, `[*]` select the member values of an object (in member
//!   order) or the elements of an array; nothing on a scalar.
//! * **Unions of names** at the end of a path build *one object* holding the
//!   members that exist (`$['a','b']` on `{"a":1,"c":2}` is `{"a":1}`), as
//!   Jayway merges them; elsewhere they select each existing member in turn.
//!   Unions of indices select each element in the order written, repeats
//!   included.
//! * **Slices** without a step follow Jayway: `[s:]` and `[:e]` count negative
//!   bounds from the end and clamp; `[s:e]` clamps `e` to the length but does
//!   not convert it, and walks `s..e`, reading each index as an index (so a
//!   negative `s` starts from the end: `[-2:]` and `[-3:-1]` work as in
//!   Python, `[1:-1]` selects nothing and `[-2:3]` wraps around). Jayway has no
//!   step; with one (`[::2]`, `[::-1]`) the RFC 9535 rules apply.
//! * **Filters** `[?(...)]` test each element of an array and select those
//!   that pass. On an *object* Jayway tests the object itself and selects it
//!   when it passes (`$.obj[?(@.x)]` is `[obj]` or `[]`); scalars select
//!   nothing.
//! * **Deep scan** `..sel` looks at the node it starts from and at every
//!   descendant, parents before children, members and elements in order; at
//!   each node it applies the rest of the path at once, so results come in
//!   Jayway's order (`$.store..price` lists the book prices, then the
//!   bicycle's). `..name` applies to objects that have the member;
//!   `..[0]`, `..[1:]` to arrays; `..*` everywhere; `..[?(...)]` to nodes for
//!   which the filter holds *on the node itself*, so `$..[?(@.price < 10)]`
//!   lists every object with a low price. Two Jayway quirks are kept: when an
//!   index, slice or filter step under `..` is not the last step, an array
//!   that matches passes *all* its elements on to the next step; and a union
//!   of names under `..` that ends the path applies only to objects having
//!   every name.
//!
//! # Filters
//!
//! `@` is the element being tested, `$` the root document. A path operand
//! that selects nothing is *undefined*; it equals nothing, so `==` is false
//! and `!=` true for a missing member, as in Jayway. A path operand that is
//! indefinite evaluates to the array of its matches.
//!
//! * `[?(@.x)]` (existence) holds when a definite path selects something, even
//!   `null`. For an indefinite path it holds unless evaluation hits a missing
//!   member (Jayway evaluates existence with `REQUIRE_PROPERTIES`).
//! * `==`/`!=`: numbers by value across integers and floats (`1 == 1.0`);
//!   strings, booleans and `null` by value; arrays and objects structurally
//!   (numbers by value, member order ignored). A string and a number compare
//!   as Jayway does, which is not symmetric: `'1' == 1` and `1 == '1.0'` hold
//!   (the string is compared with the number's text, or parsed as a decimal
//!   when the number is on the left), `'1.0' == 1` does not.
//! * `===`/`!==` also require the same kind of value (string, number, ...).
//! * `<`, `<=`, `>`, `>=`: numbers by value; strings by UTF-16 code units, as
//!   Java's `compareTo`; a string and a number by comparing the string with
//!   the number's text; anything else (including a missing operand) is false.
//! * `in`/`nin` with a list (or a path selecting an array): element equality
//!   as for `==`. `nin` is the negation of `in` when the right side is an
//!   array or object, and false when it is anything else.
//! * `subsetof`, `anyof`, `noneof` need arrays on both sides (else false).
//!   `contains`: substring for two strings, membership for a left array.
//!   `size`: the length of a string (in UTF-16 units) or array. `empty`:
//!   whether a string, array or object is empty.
//! * `=~ /re/flags`: the **whole** string must match (Java's `matches()`).
//!   Numbers match as their text, booleans as `true`/`false`, anything else
//!   (a missing member too) as the empty string, so `/.*/` matches everything;
//!   an array matches when one of its elements does.
//!
//! Java regular expressions are translated to the `regex` crate: flags `i`
//! (case-insensitive), `m` (multi-line), `s` (dot matches line breaks) and
//! `x` (comments) map directly; without `U`, `\d \w \s` (and their negations)
//! are made ASCII-only as in Java; without `s` or `d`, `.` excludes Java's line
//! terminators (`\n \r \u{85} \u{2028} \u{2029}`); `\Q…\E`, `\Z`, `\e`, `\a`,
//! `\cX`, octal `\0nn`, `\h`, `\H`, `\v`, `\V` and `\R` are rewritten. Not
//! reproduced: `i` without `u` folds case for all Unicode letters (Java: ASCII
//! only); embedded `(?s)`, `(?d)`, `(?U)` flags; lookaround, back-references,
//! possessive quantifiers and `\G`, which the `regex` crate does not support.
//! A pattern that does not compile matches nothing (it never panics). Each
//! pattern is compiled once and cached for the life of the process.
//!
//! # Functions
//!
//! A trailing function applies to what the path before it selects:
//!
//! * `length()` (`size()`): the number of elements or members; `null` for
//!   any other value (Jayway returns null).
//! * `sum()`, `avg()`, `min()`, `max()`, `stddev()` (population): over the
//!   numbers of an array, always as a double, as Jayway computes them (`sum`
//!   of `[1, 2]` is `3.0`); an array without numbers, or a non-array, gives
//!   nothing.
//! * `keys()`: the member names of an object (`null` otherwise).
//! * `first()`, `last()`: the first or last element of a non-empty array.
//! * `distinct()`: the array without repeats (first occurrences kept; `1` and
//!   `1.0` differ, as Java objects do).
//!
//! If the path before the function is definite, the function applies to the
//! one value. If the path *starts* with a deep scan (`$..book.length()`,
//! `$..price.sum()`), Jayway turns it into a function of all matches:
//! `length()` counts the children of all matches (so `$..book.length()` is the
//! number of books), the numeric functions use every number matched, and
//! `first()`, `last()`, `distinct()` use the array of matches. Any other
//! indefinite path applies the function to each match and gives the array of
//! results, as Jayway does. When a function does not apply, the whole path
//! selects nothing (Jayway throws).
//!
//! # Where Jayway and AWS depart from the ASL spec
//!
//! The spec only says "JSONPath". AWS uses Jayway, so filters, deep scan,
//! unions, slices, negative indices and functions all work in `Path` fields;
//! an indefinite path yields an array even with a single match; a definite
//! path on a missing member fails the state where RFC 9535 would give an empty
//! result; and union of names merges into an object.
//!
//! # Departures of this module from Jayway
//!
//! * Jayway's `last()` throws on a one-element array and `keys()` after a
//!   leading deep scan reads the root document: here they act as documented
//!   above.
//! * Where Jayway throws part-way through an indefinite path (a wildcard
//!   applied to a scalar before further steps), the result is an empty array,
//!   which is what AWS records for the other failures of indefinite paths.
//! * Numbers print as `serde_json` prints them where Jayway uses Java's
//!   `BigDecimal` text (only visible in string/number comparisons).
//! * Slices with a step follow RFC 9535 (Jayway rejects steps).
//!
//! # Writing
//!
//! [`write()`] implements ResultPath: `$` replaces the document; otherwise each
//! name descends into an object member, creating missing members as empty
//! objects, and the last name sets (or replaces, keeping its position) the
//! member. Indices must name an existing element (negative ones count from the
//! end). When that is impossible the document is left unchanged and the error
//! text is AWS's cause, in one of the two forms public AWS reports show:
//!
//! * the input itself cannot take the first step (for instance it is the
//!   string `"input1"` and the path `$.someTaskResult`):
//!   `Unable to apply ReferencePath $.someTaskResult to input "input1"`;
//! * a later step cannot be applied (`$.a.b` where `a` is a number):
//!   `Unable to apply step "b" to input {"a":1}`.
//!
//! The input is printed as compact JSON. The conformance corpus holds no
//! recorded ResultPath failure, so these come from public reports of AWS
//! errors, which name the error `States.ReferencePathConflict`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::{Regex, RegexBuilder};
use serde_json::{Map, Number, Value};
use sfn_lang::path::{
    CompareOp, Filter, Literal, Operand, Path, PathFunction, Root, Segment, Selector, UnionItem,
};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Read access to workflow variables (`$name` paths).
pub trait Variables {
    /// The value of the variable `name` (written without the `$`), if defined.
    fn get(&self, name: &str) -> Option<&Value>;
}

impl<S: std::hash::BuildHasher> Variables for HashMap<String, Value, S> {
    fn get(&self, name: &str) -> Option<&Value> {
        HashMap::get(self, name)
    }
}

impl Variables for Map<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        Map::get(self, name)
    }
}

/// No variables at all: every `$name` path is [`PathError::NoSuchVariable`].
#[derive(Debug, Default, Clone, Copy)]
pub struct NoVariables;

impl Variables for NoVariables {
    fn get(&self, _name: &str) -> Option<&Value> {
        None
    }
}

/// What `$$` refers to: the context object, which may be kept in parts
/// ([`crate::context::Context`] shares `Execution` between branches and
/// iterations). A path `$$.Name…` reads the member `Name` in place; only a
/// path over the whole object builds it ([`ContextObject::to_value`]).
pub trait ContextObject: Send + Sync {
    /// The top-level member `key`, if present.
    fn member(&self, key: &str) -> Option<&Value>;
    /// The whole object.
    fn to_value(&self) -> Value;
}

/// A context object held as one JSON document.
impl ContextObject for Value {
    fn member(&self, key: &str) -> Option<&Value> {
        self.get(key)
    }

    fn to_value(&self) -> Value {
        self.clone()
    }
}

/// The three documents a path can start from.
#[derive(Clone, Copy)]
pub struct Roots<'a> {
    /// What `$` refers to: the input of the field being evaluated.
    pub input: &'a Value,
    /// What `$$` refers to: the context object.
    pub context: &'a dyn ContextObject,
    /// What `$name` refers to: the workflow variables in scope.
    pub variables: &'a dyn Variables,
}

/// The `null` that [`Roots::input_only`] uses as the context object.
static NULL: Value = Value::Null;

impl<'a> Roots<'a> {
    /// Roots from their three parts.
    #[must_use]
    pub fn new(
        input: &'a Value,
        context: &'a dyn ContextObject,
        variables: &'a dyn Variables,
    ) -> Self {
        Roots {
            input,
            context,
            variables,
        }
    }

    /// Roots with only an input: the context object is `null` and there are
    /// no variables.
    #[must_use]
    pub fn input_only(input: &'a Value) -> Self {
        Roots {
            input,
            context: &NULL,
            variables: &NoVariables,
        }
    }
}

impl fmt::Debug for Roots<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Roots")
            .field("input", self.input)
            .field("context", &self.context.to_value())
            .finish_non_exhaustive()
    }
}

/// Why a path could not be evaluated at all (selecting nothing is not an
/// error: that is `Ok(None)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// The path starts with `$name` and no variable `name` is in scope.
    NoSuchVariable(String),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::NoSuchVariable(name) => write!(f, "The variable '${name}' is not defined"),
        }
    }
}

impl std::error::Error for PathError {}

/// Evaluates `path` against `roots`.
///
/// A definite path (see the module documentation; [`Path::is_definite`] for
/// names and indices) yields `Some(value)`, borrowed from the document, or
/// `None` when nothing is there. A trailing union of names yields the merged
/// object (owned). An indefinite path (wildcard, slice, union of indices,
/// filter, deep scan) yields `Some` of an owned array of all matches, possibly
/// empty, as Jayway does. A trailing function (`length()` …) yields its
/// result (owned), or `None` when it does not apply.
///
/// # Errors
///
/// [`PathError::NoSuchVariable`] when the path starts with an unknown `$name`.
pub fn select<'v>(path: &Path, roots: &Roots<'v>) -> Result<Option<Cow<'v, Value>>, PathError> {
    if path.root == Root::Context {
        return Ok(select_context(roots.context, &path.segments));
    }
    let doc = root_document(path, roots)?;
    Ok(select_from(doc, &path.segments))
}

/// [`select`] for a `$$` path: `$$.Name…` starts from the member in place.
fn select_context<'v>(
    context: &'v dyn ContextObject,
    segments: &[Segment],
) -> Option<Cow<'v, Value>> {
    if let Some((Segment::Child(Selector::Name(name)), rest)) = segments.split_first() {
        // A filter may refer to the whole object (`$`): build it then.
        if !rest.iter().any(|s| {
            matches!(
                s,
                Segment::Child(Selector::Filter(_)) | Segment::Descendant(_)
            )
        }) {
            return match context.member(name) {
                Some(doc) => select_from(doc, rest),
                None if rest.is_empty() => None,
                None => select_from(&NULL, rest),
            };
        }
    }
    let whole = context.to_value();
    select_from(&whole, segments).map(|found| Cow::Owned(found.into_owned()))
}

/// Evaluates `path` against one explicit document, whatever its root: `$…`
/// and `$$…` both read `doc`, and `$name…` still reads the variable `name`.
///
/// For fields whose "input" is something else, such as the task result that
/// `ResultSelector` reads. Results are as for [`select`].
///
/// # Errors
///
/// [`PathError::NoSuchVariable`] when the path starts with an unknown `$name`.
pub fn select_in<'v>(
    path: &Path,
    doc: &'v Value,
    variables: &'v dyn Variables,
) -> Result<Option<Cow<'v, Value>>, PathError> {
    let doc = match &path.root {
        Root::Input | Root::Context => doc,
        Root::Variable(name) => variables
            .get(name)
            .ok_or_else(|| PathError::NoSuchVariable(name.to_string()))?,
    };
    Ok(select_from(doc, &path.segments))
}

/// Writes `value` at the reference path `path` inside `doc`, as ResultPath
/// does.
///
/// `$` replaces the whole document. Missing object members on the way are
/// created as empty objects; the last name sets or replaces a member; an index
/// must name an existing element (negative indices count from the end).
///
/// # Errors
///
/// When the path cannot be applied (a name on a non-object, an index on a
/// non-array or out of range, a path that is not a reference path or does not
/// start with `$`), `doc` is left unchanged and the error is AWS's cause text:
/// `Unable to apply ReferencePath $.x to input "foo"` when the document itself
/// cannot take the first step, `Unable to apply step "b" to input {"a":1}`
/// when a later step fails. AWS reports these as `States.ReferencePathConflict`.
pub fn write(doc: &mut Value, path: &Path, value: Value) -> Result<(), String> {
    let segments = &path.segments;
    let failed_step = if path.root == Root::Input {
        write_failure(doc, segments)
    } else {
        Some(0)
    };
    if let Some(step) = failed_step {
        return Err(write_cause(doc, path, step));
    }
    match apply_write(doc, segments, value) {
        Ok(()) => Ok(()),
        // Unreachable after `write_failure`; kept so that no input can panic.
        Err(step) => Err(write_cause(doc, path, step)),
    }
}

/// Jayway's normalized form of a path, as AWS prints it in error causes:
/// `$['a']['b'][0]`, `$..['author']`, `$['store'][*]`, `$['a','b']`,
/// `$[1:3]`, `$['items'][?]`, `$['a'].length()`.
///
/// Names are quoted with `'` (escaping `\` and `'` with a backslash). Every
/// root prints as `$`, because AWS strips `$$` to `$` before Jayway sees it.
#[must_use]
pub fn normalized(path: &Path) -> String {
    let mut out = String::from("$");
    push_normalized(&mut out, &path.segments);
    out
}

/// Why a definite path selected nothing, in Jayway's words, as AWS prints it
/// after `Invalid path '<path>' : ` (recorded in
/// `scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH` and
/// `scenarios/test_catch_states_runtime`):
///
/// * a missing last member: `No results for path: $['NoSuchInputPath']`;
/// * a missing member before the last: `Missing property in path $['no']`;
/// * an index out of range: `No results for path: $['a'][5]`;
/// * a name applied to a non-object, an index to a non-array, or a function
///   that does not apply: Jayway's own messages for these (not recorded from
///   AWS; class names are those of Jayway's default JSON provider).
///
/// For a path that does select something, or an indefinite one, this is the
/// first form. An unknown variable gives the [`PathError`] text.
#[must_use]
pub fn no_result_cause(path: &Path, roots: &Roots<'_>) -> String {
    let whole;
    let doc = match root_document(path, roots) {
        Ok(doc) => doc,
        Err(e) => return e.to_string(),
    };
    let doc = if path.root == Root::Context {
        whole = roots.context.to_value();
        &whole
    } else {
        doc
    };
    let full = || format!("No results for path: {}", normalized(path));
    let segments: &[Segment] = &path.segments;
    if shape(segments).0 != Shape::Single {
        return full();
    }
    let mut node = doc;
    // Jayway's evaluation path so far, with names unescaped as Jayway builds it.
    let mut walked = String::from("$");
    for (k, segment) in segments.iter().enumerate() {
        let leaf = k + 1 == segments.len();
        match segment {
            Segment::Child(Selector::Name(name)) => match node {
                Value::Object(map) => match map.get(&**name) {
                    Some(next) => {
                        node = next;
                        let _ = write!(walked, "['{name}']");
                    }
                    None if leaf => return full(),
                    None => return format!("Missing property in path {walked}['{name}']"),
                },
                other => {
                    let mut fragment = String::new();
                    push_selector(&mut fragment, &Selector::Name(name.clone()));
                    return not_an_object(&fragment, &walked, other);
                }
            },
            Segment::Child(Selector::Index(index)) => match node {
                Value::Array(items) => match element(items, *index) {
                    Some(next) => {
                        node = next;
                        let _ = write!(walked, "[{index}]");
                    }
                    None => return full(),
                },
                Value::Null => return format!("The path {walked} is null"),
                other => {
                    let mut rest = String::new();
                    push_normalized(&mut rest, segments.get(k..).unwrap_or_default());
                    return format!(
                        "Filter: {rest} can only be applied to arrays. Current context is: {}",
                        java_text(other)
                    );
                }
            },
            Segment::Child(selector @ Selector::Union(_)) => {
                if node.is_object() {
                    return full();
                }
                let mut fragment = String::new();
                push_selector(&mut fragment, selector);
                return not_an_object(&fragment, &walked, node);
            }
            Segment::Function(function) => {
                return match apply_function(*function, node) {
                    Ok(_) => full(),
                    Err(_) => function_failure(*function).to_owned(),
                };
            }
            _ => return full(),
        }
    }
    full()
}

// ---------------------------------------------------------------------------
// Evaluation core
// ---------------------------------------------------------------------------

/// The document a path starts from.
fn root_document<'v>(path: &Path, roots: &Roots<'v>) -> Result<&'v Value, PathError> {
    let variables: &'v dyn Variables = roots.variables;
    match &path.root {
        Root::Input => Ok(roots.input),
        // `select` and `no_result_cause` read `$$` through `ContextObject`.
        Root::Context => Ok(&NULL),
        Root::Variable(name) => variables
            .get(name)
            .ok_or_else(|| PathError::NoSuchVariable(name.to_string())),
    }
}

/// [`select`] once the root document is known.
fn select_from<'v>(doc: &'v Value, segments: &[Segment]) -> Option<Cow<'v, Value>> {
    match evaluate(doc, doc, segments, false, 0) {
        Ok(Found::Nothing) | Err(_) => None,
        Ok(Found::One(hit)) => Some(hit.into_cow()),
        Ok(Found::Many(hits)) => Some(Cow::Owned(Value::Array(
            hits.into_iter().map(Hit::into_value).collect(),
        ))),
    }
}

/// Why an evaluation stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Abort {
    /// Jayway's `PathNotFoundException` (or `InvalidPathException`): the path
    /// cannot be followed. Only raised where Jayway raises it and the
    /// difference with "selected nothing" matters.
    NotFound,
    /// A path function did not apply (Jayway's `JsonPathException`), which
    /// fails the whole evaluation.
    Function,
}

/// One selected value: in the document, or computed.
#[derive(Debug)]
enum Hit<'v> {
    Ref(&'v Value),
    Owned(Value),
}

impl<'v> Hit<'v> {
    fn into_cow(self) -> Cow<'v, Value> {
        match self {
            Hit::Ref(v) => Cow::Borrowed(v),
            Hit::Owned(v) => Cow::Owned(v),
        }
    }

    fn into_value(self) -> Value {
        match self {
            Hit::Ref(v) => deep_clone(v),
            Hit::Owned(v) => v,
        }
    }

    fn as_value(&self) -> &Value {
        match self {
            Hit::Ref(v) => v,
            Hit::Owned(v) => v,
        }
    }
}

/// What a path selected.
#[derive(Debug)]
enum Found<'v> {
    /// A definite path selected nothing.
    Nothing,
    /// A definite path's value.
    One(Hit<'v>),
    /// An indefinite path's matches, in order.
    Many(Vec<Hit<'v>>),
}

/// The kind of result a path has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Definite: one value or nothing.
    Single,
    /// Indefinite: a list of matches.
    List,
    /// `$..x.f()`: Jayway evaluates `f` over all matches of `$..x`.
    Inverted(PathFunction),
}

/// Whether Jayway considers `segment` a definite token.
fn token_is_definite(segment: &Segment, leaf: bool) -> bool {
    match segment {
        Segment::Child(Selector::Name(_) | Selector::Index(_)) | Segment::Function(_) => true,
        Segment::Child(Selector::Union(items)) => leaf && is_name_union(items),
        _ => false,
    }
}

fn is_name_union(items: &[UnionItem]) -> bool {
    items.iter().all(|item| matches!(item, UnionItem::Name(_)))
}

/// The shape of a path and the number of its leading definite tokens.
fn shape(segments: &[Segment]) -> (Shape, usize) {
    let n = segments.len();
    let definite = segments
        .iter()
        .enumerate()
        .take_while(|(k, s)| token_is_definite(s, k + 1 == n))
        .count();
    let shape = match (segments.first(), segments.last()) {
        (Some(Segment::Descendant(_)), Some(Segment::Function(f))) => Shape::Inverted(*f),
        _ if definite == n => Shape::Single,
        _ => Shape::List,
    };
    (shape, definite)
}

/// How deeply filters may nest (through operand paths) before evaluation
/// gives up; the parser allows far less.
const MAX_DEPTH: u32 = 64;

/// Evaluates `segments` from `doc`; `root` is what `$` means inside filters.
///
/// In `strict` mode (Jayway's `REQUIRE_PROPERTIES`, used for existence tests)
/// a missing member aborts. Otherwise an indefinite path that cannot be
/// followed gives an empty list, and only function failures abort.
fn evaluate<'v>(
    doc: &'v Value,
    root: &'v Value,
    segments: &[Segment],
    strict: bool,
    depth: u32,
) -> Result<Found<'v>, Abort> {
    if depth > MAX_DEPTH {
        return Err(Abort::NotFound);
    }
    // Fast path: leading names and indices, borrowed, without allocating.
    let mut node = doc;
    let mut k = 0;
    while let Some(segment) = segments.get(k) {
        let step = match (segment, node) {
            (Segment::Child(Selector::Name(name)), Value::Object(map)) => match map.get(&**name) {
                Some(next) => Step::To(next),
                None => Step::Fail,
            },
            (Segment::Child(Selector::Index(index)), Value::Array(items)) => {
                match element(items, *index) {
                    Some(next) => Step::To(next),
                    None => Step::Missing,
                }
            }
            (Segment::Child(Selector::Name(_) | Selector::Index(_)), _) => Step::Fail,
            _ => break,
        };
        match step {
            Step::To(next) => node = next,
            Step::Missing => return Ok(nothing(shape(segments).0)),
            Step::Fail if strict => return Err(Abort::NotFound),
            Step::Fail => return Ok(nothing(shape(segments).0)),
        }
        k += 1;
    }
    if k == segments.len() {
        return Ok(Found::One(Hit::Ref(node)));
    }

    let (shape, definite) = shape(segments);
    let mut hits = Vec::new();
    if let Shape::Inverted(function) = shape {
        let prefix = segments.split_last().map_or(&[][..], |(_, p)| p);
        let mut walker = Walker::new(root, prefix, strict, 0, depth);
        match walker.run(doc, 0, &mut hits) {
            Ok(()) => {}
            Err(Abort::NotFound) if !strict => hits.clear(),
            Err(e) => return Err(e),
        }
        return aggregate(function, &hits, doc).map(|v| Found::One(Hit::Owned(v)));
    }
    let mut walker = Walker::new(root, segments, strict, definite, depth);
    match walker.run(node, k, &mut hits) {
        Ok(()) => {}
        Err(Abort::NotFound) if !strict => return Ok(nothing(shape)),
        Err(e) => return Err(e),
    }
    Ok(match shape {
        Shape::Single => hits.pop().map_or(Found::Nothing, Found::One),
        _ => Found::Many(hits),
    })
}

/// One step of the fast path.
enum Step<'v> {
    /// The step selected this value.
    To(&'v Value),
    /// Nothing there, which Jayway does not treat as an error (an index out
    /// of range).
    Missing,
    /// Nothing there, which Jayway reports (a missing member, a wrong type).
    Fail,
}

/// The result of a path that selected nothing.
fn nothing<'v>(shape: Shape) -> Found<'v> {
    match shape {
        Shape::Single | Shape::Inverted(_) => Found::Nothing,
        Shape::List => Found::Many(Vec::new()),
    }
}

/// The element at `index` (negative counts from the end), if any.
fn element(items: &[Value], index: i64) -> Option<&Value> {
    position(items.len(), index).and_then(|p| items.get(p))
}

/// The position that `index` names in a sequence of `len` items.
fn position(len: usize, index: i64) -> Option<usize> {
    let effective = if index < 0 {
        i64::try_from(len).ok()?.checked_add(index)?
    } else {
        index
    };
    usize::try_from(effective).ok().filter(|&p| p < len)
}

fn is_container(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

/// Pending work of a [`Walker`].
enum Work<'v> {
    /// Apply the segments from this index to the node.
    At(&'v Value, usize),
    /// Deep-scan the node with the descendant segment at this index.
    Scan(&'v Value, usize),
}

/// Evaluates the general case with an explicit stack, so that neither deep
/// documents nor long paths can overflow the call stack. Work is processed
/// depth first and children are pushed in reverse, which yields Jayway's
/// result order.
struct Walker<'v, 'p> {
    root: &'v Value,
    segments: &'p [Segment],
    strict: bool,
    /// Segments before this index are definite tokens (Jayway's "upstream
    /// definite", which decides whether some failures are errors).
    definite: usize,
    depth: u32,
    stack: Vec<Work<'v>>,
    /// Reused buffer for the children one step selects.
    picked: Vec<&'v Value>,
}

impl<'v, 'p> Walker<'v, 'p> {
    fn new(
        root: &'v Value,
        segments: &'p [Segment],
        strict: bool,
        definite: usize,
        depth: u32,
    ) -> Self {
        Walker {
            root,
            segments,
            strict,
            definite,
            depth,
            stack: Vec::new(),
            picked: Vec::new(),
        }
    }

    fn run(&mut self, start: &'v Value, from: usize, out: &mut Vec<Hit<'v>>) -> Result<(), Abort> {
        self.stack.push(Work::At(start, from));
        while let Some(work) = self.stack.pop() {
            match work {
                Work::At(node, i) => self.step(node, i, out)?,
                Work::Scan(node, i) => self.scan(node, i, out)?,
            }
        }
        Ok(())
    }

    /// Applies segment `i` to `node`.
    fn step(&mut self, node: &'v Value, i: usize, out: &mut Vec<Hit<'v>>) -> Result<(), Abort> {
        let segments = self.segments;
        match segments.get(i) {
            None => {
                out.push(Hit::Ref(node));
                Ok(())
            }
            Some(Segment::Child(selector)) => self.child(node, selector, i, out),
            Some(Segment::Descendant(_)) => self.scan(node, i, out),
            Some(Segment::Function(function)) => {
                out.push(Hit::Owned(apply_function(*function, node)?));
                Ok(())
            }
        }
    }

    /// Applies the child selector of segment `i` to `node` and queues (or, at
    /// the end of the path, emits) what it selects.
    fn child(
        &mut self,
        node: &'v Value,
        selector: &Selector,
        i: usize,
        out: &mut Vec<Hit<'v>>,
    ) -> Result<(), Abort> {
        let next = i + 1;
        let cx = PickContext {
            root: self.root,
            leaf: next >= self.segments.len(),
            upstream_definite: i <= self.definite,
            strict: self.strict,
            depth: self.depth,
        };
        let mut picked = std::mem::take(&mut self.picked);
        picked.clear();
        let result = pick(node, selector, cx, &mut picked, out);
        if result.is_ok() {
            if cx.leaf {
                out.extend(picked.iter().copied().map(Hit::Ref));
            } else {
                self.stack
                    .extend(picked.iter().rev().map(|&v| Work::At(v, next)));
            }
        }
        picked.clear();
        self.picked = picked;
        result
    }

    /// Deep scan: the matches at `node` first, then its descendants.
    fn scan(&mut self, node: &'v Value, i: usize, out: &mut Vec<Hit<'v>>) -> Result<(), Abort> {
        let segments = self.segments;
        let Some(Segment::Descendant(selector)) = segments.get(i) else {
            return Ok(());
        };
        let next = i + 1;
        let leaf = next >= segments.len();
        // Children go below this node's own matches on the stack.
        match node {
            Value::Object(map) => self.stack.extend(
                map.values()
                    .rev()
                    .filter(|v| is_container(v))
                    .map(|v| Work::Scan(v, i)),
            ),
            Value::Array(items) => self.stack.extend(
                items
                    .iter()
                    .rev()
                    .filter(|v| is_container(v))
                    .map(|v| Work::Scan(v, i)),
            ),
            _ => return Ok(()),
        }
        let matches = match (selector, node) {
            (Selector::Name(name), Value::Object(map)) => map.contains_key(&**name),
            (Selector::Union(items), node) if is_name_union(items) => match node {
                Value::Object(map) if leaf => items.iter().all(|item| match item {
                    UnionItem::Name(name) => map.contains_key(&**name),
                    UnionItem::Index(_) => false,
                }),
                Value::Object(_) => true,
                _ => false,
            },
            (Selector::Index(_) | Selector::Slice { .. } | Selector::Union(_), node) => {
                node.is_array()
            }
            (Selector::Wildcard, _) => true,
            (Selector::Filter(filter), node) => holds(filter, node, self.root, self.depth + 1)?,
            (Selector::Name(_), _) => false,
        };
        if !matches {
            return Ok(());
        }
        match (selector, node) {
            // Jayway tests the filter on the object again; it holds.
            (Selector::Filter(_), Value::Object(_)) => {
                if leaf {
                    out.push(Hit::Ref(node));
                } else {
                    self.stack.push(Work::At(node, next));
                }
                Ok(())
            }
            // Jayway quirk: a matching array passes all its elements on.
            (_, Value::Array(items)) if !leaf => {
                self.stack
                    .extend(items.iter().rev().map(|v| Work::At(v, next)));
                Ok(())
            }
            _ => self.child(node, selector, i, out),
        }
    }
}

/// What a child selector needs to know about where it is.
#[derive(Clone, Copy)]
struct PickContext<'v> {
    root: &'v Value,
    /// The selector ends the path.
    leaf: bool,
    /// Every step before it is definite.
    upstream_definite: bool,
    strict: bool,
    depth: u32,
}

impl PickContext<'_> {
    /// A selector met a value of the wrong type: Jayway throws when every
    /// step before it is definite, which matters only in strict mode.
    fn wrong_type(self) -> Result<(), Abort> {
        if self.strict && self.upstream_definite {
            Err(Abort::NotFound)
        } else {
            Ok(())
        }
    }

    /// A member is missing: an error in strict mode.
    fn missing_member(self) -> Result<(), Abort> {
        if self.strict {
            Err(Abort::NotFound)
        } else {
            Ok(())
        }
    }
}

/// Applies `selector` to `node`: selected values go to `picked` in order; a
/// merged union (always the last step) goes straight to `out`.
fn pick<'v>(
    node: &'v Value,
    selector: &Selector,
    cx: PickContext<'v>,
    picked: &mut Vec<&'v Value>,
    out: &mut Vec<Hit<'v>>,
) -> Result<(), Abort> {
    match selector {
        Selector::Name(name) => match node {
            Value::Object(map) => match map.get(&**name) {
                Some(v) => picked.push(v),
                None => cx.missing_member()?,
            },
            _ => cx.wrong_type()?,
        },
        Selector::Index(index) => match node {
            Value::Array(items) => picked.extend(element(items, *index)),
            _ => cx.wrong_type()?,
        },
        Selector::Wildcard => match node {
            Value::Object(map) => picked.extend(map.values()),
            Value::Array(items) => picked.extend(items.iter()),
            // Jayway throws for a wildcard on a scalar that is not the last step.
            _ if !cx.leaf => return Err(Abort::NotFound),
            _ => {}
        },
        Selector::Slice { start, end, step } => match node {
            Value::Array(items) => slice(items, *start, *end, *step, picked),
            _ => cx.wrong_type()?,
        },
        Selector::Union(items) if cx.leaf && is_name_union(items) => match node {
            Value::Object(map) => {
                let mut merged = Map::new();
                for item in items.iter() {
                    if let UnionItem::Name(name) = item {
                        match map.get(&**name) {
                            Some(v) => {
                                merged.insert(name.to_string(), deep_clone(v));
                            }
                            None => cx.missing_member()?,
                        }
                    }
                }
                out.push(Hit::Owned(Value::Object(merged)));
            }
            _ => cx.wrong_type()?,
        },
        Selector::Union(items) => {
            for item in items.iter() {
                match (item, node) {
                    (UnionItem::Name(name), Value::Object(map)) => match map.get(&**name) {
                        Some(v) => picked.push(v),
                        None => cx.missing_member()?,
                    },
                    (UnionItem::Index(index), Value::Array(elements)) => {
                        picked.extend(element(elements, *index));
                    }
                    _ => cx.wrong_type()?,
                }
            }
        }
        Selector::Filter(filter) => match node {
            Value::Object(_) => {
                if holds(filter, node, cx.root, cx.depth + 1)? {
                    picked.push(node);
                }
            }
            Value::Array(items) => {
                for item in items {
                    if holds(filter, item, cx.root, cx.depth + 1)? {
                        picked.push(item);
                    }
                }
            }
            _ => cx.wrong_type()?,
        },
    }
    Ok(())
}

/// The elements a slice selects, in order.
fn slice<'v>(
    items: &'v [Value],
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    picked: &mut Vec<&'v Value>,
) {
    let Ok(len) = i64::try_from(items.len()) else {
        return;
    };
    if len == 0 {
        return;
    }
    if let Some(step) = step.filter(|&s| s != 1) {
        stepped_slice(items, start, end, step, picked);
        return;
    }
    // Jayway's three slice forms; every bound stays within ±len before use.
    let range = match (start, end) {
        (Some(from), None) => {
            let from = if from < 0 {
                len.saturating_add(from)
            } else {
                from
            };
            from.max(0)..len
        }
        (None, Some(to)) => {
            let to = if to < 0 { len.saturating_add(to) } else { to };
            0..to.min(len)
        }
        (Some(from), Some(to)) => {
            let to = to.min(len);
            if from >= to {
                return;
            }
            // Indices below -len select nothing; skipping them bounds the loop.
            from.max(-len)..to
        }
        (None, None) => 0..len,
    };
    picked.extend(range.filter_map(|i| element(items, i)));
}

/// An RFC 9535 slice with a step other than 1 (Jayway has no steps).
fn stepped_slice<'v>(
    items: &'v [Value],
    start: Option<i64>,
    end: Option<i64>,
    step: i64,
    picked: &mut Vec<&'v Value>,
) {
    if step == 0 {
        return;
    }
    let len = items.len() as i128;
    let step = i128::from(step);
    let normalize = |i: i64| {
        let i = i128::from(i);
        if i >= 0 { i } else { len + i }
    };
    let at = |i: i128| usize::try_from(i).ok().and_then(|i| items.get(i));
    if step > 0 {
        let lower = start.map_or(0, |s| normalize(s).clamp(0, len));
        let upper = end.map_or(len, |e| normalize(e).clamp(0, len));
        let mut i = lower;
        while i < upper {
            picked.extend(at(i));
            i += step;
        }
    } else {
        let upper = start.map_or(len - 1, |s| normalize(s).clamp(-1, len - 1));
        let lower = end.map_or(-1, |e| normalize(e).clamp(-1, len - 1));
        let mut i = upper;
        while lower < i {
            picked.extend(at(i));
            i += step;
        }
    }
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

/// Applies a path function to one value.
fn apply_function(function: PathFunction, value: &Value) -> Result<Value, Abort> {
    match function {
        PathFunction::Length => Ok(match value {
            Value::Array(items) => Value::from(items.len()),
            Value::Object(map) => Value::from(map.len()),
            _ => Value::Null,
        }),
        PathFunction::Min
        | PathFunction::Max
        | PathFunction::Avg
        | PathFunction::Stddev
        | PathFunction::Sum => match value {
            Value::Array(items) => numeric(function, items.iter()),
            _ => Err(Abort::Function),
        },
        PathFunction::Keys => Ok(match value {
            Value::Object(map) => Value::Array(map.keys().cloned().map(Value::String).collect()),
            _ => Value::Null,
        }),
        PathFunction::First => match value {
            Value::Array(items) => items.first().map(deep_clone).ok_or(Abort::Function),
            _ => Err(Abort::Function),
        },
        PathFunction::Last => match value {
            Value::Array(items) => items.last().map(deep_clone).ok_or(Abort::Function),
            _ => Err(Abort::Function),
        },
        PathFunction::Distinct => match value {
            Value::Array(items) => Ok(Value::Array(distinct(items))),
            _ => Err(Abort::Function),
        },
    }
}

/// A function of all the matches of a path that starts with a deep scan.
fn aggregate(function: PathFunction, hits: &[Hit<'_>], doc: &Value) -> Result<Value, Abort> {
    match function {
        // Jayway appends `[*]` to the scan and counts what it selects.
        PathFunction::Length => Ok(Value::from(
            hits.iter()
                .map(|hit| match hit.as_value() {
                    Value::Array(items) => items.len(),
                    Value::Object(map) => map.len(),
                    _ => 0,
                })
                .sum::<usize>(),
        )),
        // Jayway also counts the numbers of the root document when it is an array.
        PathFunction::Min
        | PathFunction::Max
        | PathFunction::Avg
        | PathFunction::Stddev
        | PathFunction::Sum => {
            let own: &[Value] = match doc {
                Value::Array(items) => items,
                _ => &[],
            };
            numeric(function, own.iter().chain(hits.iter().map(Hit::as_value)))
        }
        // Jayway applies keys() to the root document here.
        PathFunction::Keys => apply_function(function, doc),
        PathFunction::First | PathFunction::Last | PathFunction::Distinct => {
            let all = Value::Array(hits.iter().map(|h| deep_clone(h.as_value())).collect());
            apply_function(function, &all)
        }
    }
}

/// Jayway's numeric aggregations: doubles over the numbers among `values`.
fn numeric<'a>(
    function: PathFunction,
    values: impl Iterator<Item = &'a Value>,
) -> Result<Value, Abort> {
    let mut count = 0.0_f64;
    let mut sum = 0.0_f64;
    let mut sum_sq = 0.0_f64;
    let mut min = f64::MAX;
    let mut max = -f64::MAX;
    for x in values.filter_map(|v| v.as_number().and_then(Number::as_f64)) {
        count += 1.0;
        sum += x;
        sum_sq += x * x;
        min = min.min(x);
        max = max.max(x);
    }
    if count == 0.0 {
        return Err(Abort::Function);
    }
    let result = match function {
        PathFunction::Sum => sum,
        PathFunction::Avg => sum / count,
        PathFunction::Min => min,
        PathFunction::Max => max,
        // Rounding can make the variance slightly negative; Java would give NaN.
        _ => (sum_sq / count - sum * sum / count / count).max(0.0).sqrt(),
    };
    Number::from_f64(result)
        .map(Value::Number)
        .ok_or(Abort::Function)
}

/// `value.clone()` without recursion, so that no document is too deep to
/// copy (serde_json's `Clone` recurses).
fn deep_clone(value: &Value) -> Value {
    enum Frame<'a> {
        Array(std::slice::Iter<'a, Value>, Vec<Value>),
        Object(serde_json::map::Iter<'a>, Map<String, Value>, String),
    }
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut current = value;
    loop {
        // Start copying `current`: scalars are done at once.
        let mut done = match current {
            Value::Array(items) => {
                stack.push(Frame::Array(items.iter(), Vec::with_capacity(items.len())));
                None
            }
            Value::Object(map) => {
                stack.push(Frame::Object(map.iter(), Map::new(), String::new()));
                None
            }
            scalar => Some(scalar.clone()),
        };
        // Hand finished values to their parents until one has a next child.
        loop {
            if let Some(finished) = done.take() {
                match stack.last_mut() {
                    None => return finished,
                    Some(Frame::Array(_, out)) => out.push(finished),
                    Some(Frame::Object(_, out, key)) => {
                        out.insert(std::mem::take(key), finished);
                    }
                }
            }
            let next = match stack.last_mut() {
                None => return Value::Null,
                Some(Frame::Array(items, _)) => items.next(),
                Some(Frame::Object(members, _, key)) => members.next().map(|(k, v)| {
                    key.clone_from(k);
                    v
                }),
            };
            if let Some(next) = next {
                current = next;
                break;
            }
            done = match stack.pop() {
                Some(Frame::Array(_, out)) => Some(Value::Array(out)),
                Some(Frame::Object(_, out, _)) => Some(Value::Object(out)),
                None => return Value::Null,
            };
        }
    }
}

/// The items without repeats, first occurrences kept, `1` and `1.0` distinct.
fn distinct(items: &[Value]) -> Vec<Value> {
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        let bucket = buckets.entry(shallow_hash(item)).or_default();
        if bucket
            .iter()
            .any(|&i| out.get(i).is_some_and(|o| json_eq(o, item, false)))
        {
            continue;
        }
        bucket.push(out.len());
        out.push(deep_clone(item));
    }
    out
}

/// A hash that equal values share (containers hash by kind and size only).
fn shallow_hash(value: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match value {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Number(n) => (2u8, n.to_string()).hash(&mut h),
        Value::String(s) => (3u8, s).hash(&mut h),
        Value::Array(a) => (4u8, a.len()).hash(&mut h),
        Value::Object(m) => (5u8, m.len()).hash(&mut h),
    }
    h.finish()
}

/// The Jayway message for a function that does not apply.
fn function_failure(function: PathFunction) -> &'static str {
    match function {
        PathFunction::Distinct => "Aggregation function attempted unique values using non array",
        _ => "Aggregation function attempted to calculate value using empty array",
    }
}

// ---------------------------------------------------------------------------
// Values and equality
// ---------------------------------------------------------------------------

/// A number as filters compare it.
#[derive(Clone, Copy, Debug)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn of(n: &Number) -> Num {
        if let Some(i) = n.as_i64() {
            Num::Int(i128::from(i))
        } else if let Some(u) = n.as_u64() {
            Num::Int(i128::from(u))
        } else {
            Num::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    fn compare(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (Num::Int(a), Num::Float(b)) => {
                Num::Float(b).compare(Num::Int(a)).map(Ordering::reverse)
            }
            (Num::Float(a), Num::Int(b)) => {
                let approx = a.partial_cmp(&(b as f64))?;
                // Exact for integral floats, where the f64 image of b may round.
                if approx == Ordering::Equal && a.fract() == 0.0 && a.abs() < 1.0e38 {
                    Some((a as i128).cmp(&b))
                } else {
                    Some(approx)
                }
            }
            (Num::Float(a), Num::Float(b)) => a.partial_cmp(&b),
        }
    }

    /// The number's text, standing in for Java's `BigDecimal.toString()`.
    fn text(self) -> String {
        match self {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string()),
        }
    }

    /// Java's `intValue()`: truncated, then the low 32 bits.
    fn int_value(self) -> i64 {
        let whole = match self {
            Num::Int(i) => i,
            Num::Float(f) => f.trunc() as i128,
        };
        i64::from(whole as i32)
    }

    /// Parses a decimal as Java's `BigDecimal(String)` accepts it.
    fn parse(text: &str) -> Option<Num> {
        let bytes = text.as_bytes();
        let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
        let digits_start = i;
        let mut digits = 0;
        let mut integral = true;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'0'..=b'9' => digits += 1,
                b'.' if integral => integral = false,
                _ => break,
            }
            i += 1;
        }
        if digits == 0 {
            return None;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            integral = false;
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exponent_start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == exponent_start {
                return None;
            }
        }
        if i != bytes.len() || digits_start > bytes.len() {
            return None;
        }
        if integral && let Ok(n) = text.parse::<i128>() {
            return Some(Num::Int(n));
        }
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Num::Float)
    }
}

/// A filter operand, classified as Jayway's value nodes are.
#[derive(Debug)]
enum Val<'a> {
    /// A path that selected nothing.
    Undefined,
    Null,
    Bool(bool),
    Num(Num),
    Str(Cow<'a, str>),
    /// An array or an object (Jayway's JSON node), also a literal list.
    Json(Cow<'a, Value>),
    /// A `/regex/flags` literal.
    Regex,
}

impl<'a> Val<'a> {
    fn of(value: &'a Value) -> Val<'a> {
        match value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(Num::of(n)),
            Value::String(s) => Val::Str(Cow::Borrowed(s)),
            Value::Array(_) | Value::Object(_) => Val::Json(Cow::Borrowed(value)),
        }
    }

    fn owned(value: Value) -> Val<'a> {
        match value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(b),
            Value::Number(n) => Val::Num(Num::of(&n)),
            Value::String(s) => Val::Str(Cow::Owned(s)),
            other => Val::Json(Cow::Owned(other)),
        }
    }

    fn literal(literal: &'a Literal) -> Val<'a> {
        match literal {
            Literal::Null => Val::Null,
            Literal::Bool(b) => Val::Bool(*b),
            Literal::Int(i) => Val::Num(Num::Int(i128::from(*i))),
            Literal::Float(f) => Val::Num(Num::Float(*f)),
            Literal::Str(s) => Val::Str(Cow::Borrowed(s)),
            Literal::List(_) => Val::Json(Cow::Owned(literal_value(literal))),
            Literal::Regex { .. } => Val::Regex,
        }
    }

    /// Jayway's value-node class, for `===`.
    fn class(&self) -> u8 {
        match self {
            Val::Undefined => 0,
            Val::Null => 1,
            Val::Bool(_) => 2,
            Val::Num(_) => 3,
            Val::Str(_) => 4,
            Val::Json(_) => 5,
            Val::Regex => 6,
        }
    }

    /// The elements, when this is an array.
    fn elements(&self) -> Option<&[Value]> {
        match self {
            Val::Json(v) => v.as_array().map(Vec::as_slice),
            _ => None,
        }
    }
}

/// A literal as a JSON value, lists converted with a stack of the lists
/// being built rather than by recursion, so that a list nested at any depth
/// becomes the same array (the parser allows [`sfn_lang::path::MAX_NESTING`]
/// levels; a path built by hand may nest deeper).
fn literal_value(literal: &Literal) -> Value {
    fn scalar(literal: &Literal) -> Value {
        match literal {
            Literal::Null | Literal::Regex { .. } | Literal::List(_) => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::from(*i),
            Literal::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Literal::Str(s) => Value::String(s.to_string()),
        }
    }
    let Literal::List(items) = literal else {
        return scalar(literal);
    };
    // The list being converted (the items still to convert, the array
    // built so far), and the lists around it, innermost last.
    let mut pending = items.iter();
    let mut built = Vec::with_capacity(items.len());
    let mut outer = Vec::new();
    loop {
        match pending.next() {
            Some(Literal::List(inner)) => outer.push((
                std::mem::replace(&mut pending, inner.iter()),
                std::mem::replace(&mut built, Vec::with_capacity(inner.len())),
            )),
            Some(item) => built.push(scalar(item)),
            None => {
                let done = Value::Array(built);
                let Some((rest, mut parent)) = outer.pop() else {
                    return done;
                };
                parent.push(done);
                (pending, built) = (rest, parent);
            }
        }
    }
}

/// Jayway's `left.equals(right)` (not symmetric for strings and numbers).
fn val_eq(left: &Val<'_>, right: &Val<'_>) -> bool {
    match (left, right) {
        (Val::Json(a), Val::Json(b)) => json_eq(a, b, true),
        (Val::Str(a), Val::Str(b)) => a == b,
        (Val::Str(a), Val::Num(b)) => **a == b.text(),
        (Val::Num(a), Val::Str(b)) => {
            Num::parse(b).is_some_and(|b| a.compare(b) == Some(Ordering::Equal))
        }
        (Val::Num(a), Val::Num(b)) => a.compare(*b) == Some(Ordering::Equal),
        (Val::Bool(a), Val::Bool(b)) => a == b,
        (Val::Null, Val::Null) => true,
        _ => false,
    }
}

/// Jayway's ordering for `<`, `<=`, `>`, `>=`.
fn val_order(left: &Val<'_>, right: &Val<'_>) -> Option<Ordering> {
    match (left, right) {
        (Val::Num(a), Val::Num(b)) => a.compare(*b),
        (Val::Str(a), Val::Str(b)) => Some(utf16_cmp(a, b)),
        (Val::Str(a), Val::Num(b)) => Some(utf16_cmp(a, &b.text())),
        (Val::Num(a), Val::Str(b)) => Some(utf16_cmp(&a.text(), b)),
        _ => None,
    }
}

/// Java's `String.compareTo`: by UTF-16 code units.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Structural equality without recursion; `loose` compares numbers by value.
fn json_eq(a: &Value, b: &Value, loose: bool) -> bool {
    fn scalar_eq(a: &Value, b: &Value, loose: bool) -> Option<bool> {
        Some(match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Number(x), Value::Number(y)) => {
                if loose {
                    Num::of(x).compare(Num::of(y)) == Some(Ordering::Equal)
                } else {
                    x == y
                }
            }
            (Value::String(x), Value::String(y)) => x == y,
            (Value::Array(_), Value::Array(_)) | (Value::Object(_), Value::Object(_)) => {
                return None;
            }
            _ => false,
        })
    }
    if let Some(result) = scalar_eq(a, b, loose) {
        return result;
    }
    let mut pending = vec![(a, b)];
    while let Some((x, y)) = pending.pop() {
        match (x, y) {
            (Value::Array(p), Value::Array(q)) => {
                if p.len() != q.len() {
                    return false;
                }
                pending.extend(p.iter().zip(q));
            }
            (Value::Object(p), Value::Object(q)) => {
                if p.len() != q.len() {
                    return false;
                }
                for (key, v) in p {
                    match q.get(key) {
                        Some(w) => pending.push((v, w)),
                        None => return false,
                    }
                }
            }
            _ => {
                if scalar_eq(x, y, loose) != Some(true) {
                    return false;
                }
            }
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------

/// Whether `filter` holds for `item`.
fn holds(filter: &Filter, item: &Value, root: &Value, depth: u32) -> Result<bool, Abort> {
    if depth > MAX_DEPTH {
        return Ok(false);
    }
    match filter {
        Filter::Exists(operand) => exists(operand, item, root, depth),
        Filter::Compare { left, op, right } => compare(left, *op, right, item, root, depth),
        Filter::And(items) => {
            for f in items.iter() {
                if !holds(f, item, root, depth + 1)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Filter::Or(items) => {
            for f in items.iter() {
                if holds(f, item, root, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Filter::Not(items) => {
            for f in items.iter() {
                if !holds(f, item, root, depth + 1)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// `[?(@.x)]`: Jayway evaluates the path with `REQUIRE_PROPERTIES`.
fn exists(operand: &Operand, item: &Value, root: &Value, depth: u32) -> Result<bool, Abort> {
    let (doc, segments) = match operand {
        Operand::Current(segments) => (item, segments),
        Operand::Root(segments) => (root, segments),
        Operand::Literal(_) => return Ok(false),
    };
    match evaluate(doc, root, segments, true, depth) {
        Ok(Found::Nothing) | Err(Abort::NotFound) => Ok(false),
        Ok(_) => Ok(true),
        Err(Abort::Function) => Err(Abort::Function),
    }
}

/// The value of a comparison operand.
fn operand_value<'a>(
    operand: &'a Operand,
    item: &'a Value,
    root: &'a Value,
    depth: u32,
) -> Result<Val<'a>, Abort> {
    let (doc, segments) = match operand {
        Operand::Literal(literal) => return Ok(Val::literal(literal)),
        Operand::Current(segments) => (item, segments),
        Operand::Root(segments) => (root, segments),
    };
    match evaluate(doc, root, segments, false, depth) {
        Ok(Found::Nothing) | Err(Abort::NotFound) => Ok(Val::Undefined),
        Ok(Found::One(Hit::Ref(v))) => Ok(Val::of(v)),
        Ok(Found::One(Hit::Owned(v))) => Ok(Val::owned(v)),
        Ok(Found::Many(hits)) => Ok(Val::Json(Cow::Owned(Value::Array(
            hits.into_iter().map(Hit::into_value).collect(),
        )))),
        Err(Abort::Function) => Err(Abort::Function),
    }
}

/// Evaluates one comparison.
fn compare(
    left: &Operand,
    op: CompareOp,
    right: &Operand,
    item: &Value,
    root: &Value,
    depth: u32,
) -> Result<bool, Abort> {
    let l = operand_value(left, item, root, depth)?;
    if op == CompareOp::Regex {
        return Ok(match right {
            Operand::Literal(Literal::Regex { pattern, flags }) => regex_holds(&l, pattern, flags),
            _ => false,
        });
    }
    let r = operand_value(right, item, root, depth)?;
    let member = |x: &Val<'_>, list: &[Value]| list.iter().any(|e| val_eq(x, &Val::of(e)));
    Ok(match op {
        CompareOp::Eq => val_eq(&l, &r),
        CompareOp::Ne => !val_eq(&l, &r),
        CompareOp::StrictEq => l.class() == r.class() && val_eq(&l, &r),
        CompareOp::StrictNe => !(l.class() == r.class() && val_eq(&l, &r)),
        CompareOp::Lt => val_order(&l, &r) == Some(Ordering::Less),
        CompareOp::Le => matches!(val_order(&l, &r), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => val_order(&l, &r) == Some(Ordering::Greater),
        CompareOp::Ge => matches!(val_order(&l, &r), Some(Ordering::Greater | Ordering::Equal)),
        // An object on the right is "not a list" (false); a scalar is an error (false for both).
        CompareOp::In => r.elements().is_some_and(|list| member(&l, list)),
        CompareOp::Nin => match &r {
            Val::Json(_) => !r.elements().is_some_and(|list| member(&l, list)),
            _ => false,
        },
        CompareOp::SubsetOf => match (l.elements(), r.elements()) {
            (Some(ls), Some(rs)) => ls.iter().all(|x| member(&Val::of(x), rs)),
            _ => false,
        },
        CompareOp::AnyOf => match (l.elements(), r.elements()) {
            (Some(ls), Some(rs)) => ls.iter().any(|x| member(&Val::of(x), rs)),
            _ => false,
        },
        CompareOp::NoneOf => match (l.elements(), r.elements()) {
            (Some(ls), Some(rs)) => !ls.iter().any(|x| member(&Val::of(x), rs)),
            _ => false,
        },
        CompareOp::Contains => match (&l, &r) {
            (Val::Str(a), Val::Str(b)) => a.contains(&**b),
            (Val::Json(_), _) => l
                .elements()
                .is_some_and(|list| list.iter().any(|e| val_eq(&r, &Val::of(e)))),
            _ => false,
        },
        CompareOp::Size => match (&l, &r) {
            (Val::Str(s), Val::Num(n)) => {
                i64::try_from(s.encode_utf16().count()).ok() == Some(n.int_value())
            }
            (Val::Json(v), Val::Num(n)) => {
                let len = v
                    .as_array()
                    .map_or(-1, |a| i64::try_from(a.len()).unwrap_or(i64::MAX));
                len == n.int_value()
            }
            _ => false,
        },
        CompareOp::Empty => match (&l, &r) {
            (Val::Str(s), Val::Bool(b)) => s.is_empty() == *b,
            (Val::Json(v), Val::Bool(b)) => {
                let empty = match v.as_ref() {
                    Value::Array(a) => a.is_empty(),
                    Value::Object(m) => m.is_empty(),
                    _ => true,
                };
                empty == *b
            }
            _ => false,
        },
        CompareOp::Regex => false,
    })
}

// ---------------------------------------------------------------------------
// Regular expressions
// ---------------------------------------------------------------------------

/// `left =~ /pattern/flags`, with Java's whole-string `matches()`.
fn regex_holds(left: &Val<'_>, pattern: &str, flags: &str) -> bool {
    let Some(regex) = compiled_regex(pattern, flags) else {
        return false;
    };
    match left {
        Val::Json(v) if v.is_array() => left
            .elements()
            .unwrap_or_default()
            .iter()
            .any(|e| regex.is_match(&regex_input(&Val::of(e)))),
        other => regex.is_match(&regex_input(other)),
    }
}

/// The text Jayway matches a value against.
fn regex_input<'a>(value: &'a Val<'_>) -> Cow<'a, str> {
    match value {
        Val::Str(s) => Cow::Borrowed(s),
        Val::Num(n) => Cow::Owned(n.text()),
        Val::Bool(true) => Cow::Borrowed("true"),
        Val::Bool(false) => Cow::Borrowed("false"),
        _ => Cow::Borrowed(""),
    }
}

/// How many compiled patterns the cache keeps before starting over.
const REGEX_CACHE_LIMIT: usize = 4096;

/// The compiled form of a Java pattern with Jayway flags, compiled once per
/// process; `None` when it does not compile.
fn compiled_regex(pattern: &str, flags: &str) -> Option<Regex> {
    type Cache = HashMap<String, HashMap<String, Option<Regex>>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(found) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(flags)
        .and_then(|by_pattern| by_pattern.get(pattern))
    {
        return found.clone();
    }
    let compiled = compile_java_regex(pattern, flags);
    let mut guard = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if guard.values().map(HashMap::len).sum::<usize>() >= REGEX_CACHE_LIMIT {
        guard.clear();
    }
    guard
        .entry(flags.to_owned())
        .or_default()
        .insert(pattern.to_owned(), compiled.clone());
    compiled
}

/// Java pattern flags as Jayway reads them.
#[derive(Clone, Copy, Default)]
struct JavaFlags {
    unix_lines: bool,
    case_insensitive: bool,
    comments: bool,
    multiline: bool,
    dotall: bool,
    unicode_classes: bool,
}

fn compile_java_regex(pattern: &str, flags: &str) -> Option<Regex> {
    let mut f = JavaFlags::default();
    for c in flags.chars() {
        match c {
            'd' => f.unix_lines = true,
            'i' => f.case_insensitive = true,
            'x' => f.comments = true,
            'm' => f.multiline = true,
            's' => f.dotall = true,
            'U' => f.unicode_classes = true,
            _ => {}
        }
    }
    let body = translate_java_regex(pattern, f)?;
    // Anchored at both ends: Java's matches() needs the whole input. In
    // comments mode a trailing `#` comment must not swallow the suffix.
    let wrapped = if f.comments {
        format!("\\A(?:{body}\n)\\z")
    } else {
        format!("\\A(?:{body})\\z")
    };
    RegexBuilder::new(&wrapped)
        .case_insensitive(f.case_insensitive)
        .multi_line(f.multiline)
        .dot_matches_new_line(f.dotall)
        .ignore_whitespace(f.comments)
        .crlf(f.multiline && !f.unix_lines)
        .size_limit(1 << 22)
        .build()
        .ok()
}

/// Java line terminators, which `.` does not match without `s` or `d`.
const JAVA_DOT: &str = "[^\\n\\r\\x{85}\\x{2028}\\x{2029}]";
const VERTICAL_SPACE: &str = "[\\n\\x0B\\x0C\\r\\x{85}\\x{2028}\\x{2029}]";
const NOT_VERTICAL_SPACE: &str = "[^\\n\\x0B\\x0C\\r\\x{85}\\x{2028}\\x{2029}]";
const HORIZONTAL_SPACE: &str =
    "[\\t\\x20\\xA0\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]";
const NOT_HORIZONTAL_SPACE: &str =
    "[^\\t\\x20\\xA0\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}]";

/// Rewrites Java regex syntax that the `regex` crate reads differently or not
/// at all; `None` for a pattern Java would reject too (a trailing `\`).
fn translate_java_regex(pattern: &str, f: JavaFlags) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let e = chars.next()?;
                let ascii = !f.unicode_classes;
                match e {
                    'Q' => {
                        let mut previous = None;
                        for q in chars.by_ref() {
                            if previous == Some('\\') && q == 'E' {
                                previous = None;
                                break;
                            }
                            if let Some(p) = previous {
                                push_literal(&mut out, p);
                            }
                            previous = Some(q);
                        }
                        if let Some(p) = previous {
                            push_literal(&mut out, p);
                        }
                    }
                    'd' if ascii => out.push_str("[0-9]"),
                    'D' if ascii => out.push_str("[^0-9]"),
                    'w' if ascii => out.push_str("[0-9A-Za-z_]"),
                    'W' if ascii => out.push_str("[^0-9A-Za-z_]"),
                    's' if ascii => out.push_str("[\\t\\n\\x0B\\x0C\\r\\x20]"),
                    'S' if ascii => out.push_str("[^\\t\\n\\x0B\\x0C\\r\\x20]"),
                    'h' => out.push_str(HORIZONTAL_SPACE),
                    'H' => out.push_str(NOT_HORIZONTAL_SPACE),
                    'v' => out.push_str(VERTICAL_SPACE),
                    'V' => out.push_str(NOT_VERTICAL_SPACE),
                    'R' if class_depth == 0 => {
                        out.push_str("(?:\\r\\n|");
                        out.push_str(VERTICAL_SPACE);
                        out.push(')');
                    }
                    'Z' => out.push_str("\\z"),
                    'e' => out.push_str("\\x1B"),
                    'a' => out.push_str("\\x07"),
                    'c' => {
                        let control = chars.next()?;
                        let _ = write!(out, "\\x{{{:X}}}", u32::from(control) ^ 0x40);
                    }
                    '0' => {
                        // Java: \0n, \0nn, \0mnn (m <= 3).
                        let mut value = 0u32;
                        let mut count = 0;
                        while let Some(&d) = chars.peek() {
                            let Some(digit) = d.to_digit(8) else { break };
                            if count == 2 && value > 0o37 {
                                break;
                            }
                            value = value * 8 + digit;
                            count += 1;
                            chars.next();
                            if count == 3 {
                                break;
                            }
                        }
                        if count == 0 {
                            return None;
                        }
                        let _ = write!(out, "\\x{{{value:X}}}");
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '[' => {
                class_depth += 1;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                // A `]` right after the opening bracket is a literal.
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("\\]");
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
            }
            '.' if class_depth == 0 && !f.dotall && !f.unix_lines => out.push_str(JAVA_DOT),
            other => out.push(other),
        }
    }
    Some(out)
}

/// Appends `c` so that it matches itself, in any mode and inside classes.
fn push_literal(out: &mut String, c: char) {
    if c.is_whitespace() || c.is_control() {
        let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
    } else if regex_syntax_meta(c) {
        out.push('\\');
        out.push(c);
    } else {
        out.push(c);
    }
}

fn regex_syntax_meta(c: char) -> bool {
    matches!(
        c,
        '\\' | '.'
            | '+'
            | '*'
            | '?'
            | '('
            | ')'
            | '|'
            | '['
            | ']'
            | '{'
            | '}'
            | '^'
            | '$'
            | '#'
            | '&'
            | '-'
            | '~'
    )
}

// ---------------------------------------------------------------------------
// Normalized paths and messages
// ---------------------------------------------------------------------------

fn push_normalized(out: &mut String, segments: &[Segment]) {
    for segment in segments {
        match segment {
            Segment::Child(selector) => push_selector(out, selector),
            Segment::Descendant(selector) => {
                out.push_str("..");
                push_selector(out, selector);
            }
            Segment::Function(function) => {
                out.push('.');
                out.push_str(function.name());
                out.push_str("()");
            }
        }
    }
}

/// Jayway's fragment for one selector.
fn push_selector(out: &mut String, selector: &Selector) {
    match selector {
        Selector::Name(name) => {
            out.push('[');
            push_quoted(out, name);
            out.push(']');
        }
        Selector::Index(index) => {
            let _ = write!(out, "[{index}]");
        }
        Selector::Wildcard => out.push_str("[*]"),
        Selector::Slice { start, end, step } => {
            out.push('[');
            if let Some(start) = start {
                let _ = write!(out, "{start}");
            }
            out.push(':');
            if let Some(end) = end {
                let _ = write!(out, "{end}");
            }
            if let Some(step) = step {
                let _ = write!(out, ":{step}");
            }
            out.push(']');
        }
        Selector::Union(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                match item {
                    UnionItem::Name(name) => push_quoted(out, name),
                    UnionItem::Index(index) => {
                        let _ = write!(out, "{index}");
                    }
                }
            }
            out.push(']');
        }
        Selector::Filter(_) => out.push_str("[?]"),
    }
}

/// `'name'`, with `\` and `'` escaped as Jayway's `toString` does.
fn push_quoted(out: &mut String, name: &str) {
    out.push('\'');
    for c in name.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
}

/// Jayway's message for a name applied to a non-object.
fn not_an_object(fragment: &str, walked: &str, found: &Value) -> String {
    format!(
        "Expected to find an object with property {fragment} in path {walked} but found '{}'. \
         This is not a json object according to the JsonProvider: \
         'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
        java_class(found)
    )
}

/// The Java class Jayway's default provider uses for a value.
fn java_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => "java.lang.Integer",
            Some(_) => "java.lang.Long",
            None if n.is_u64() => "java.math.BigInteger",
            None => "java.lang.Double",
        },
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
    }
}

/// A value as Java's `toString()` shows it: strings bare, the rest as JSON.
fn java_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => compact_json(other),
    }
}

fn compact_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| String::from("null"))
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

/// The index of the first step of `segments` that cannot be written in `doc`.
fn write_failure(doc: &Value, segments: &[Segment]) -> Option<usize> {
    // `None` once the path runs through members that will be created.
    let mut node = Some(doc);
    for (k, segment) in segments.iter().enumerate() {
        match segment {
            Segment::Child(Selector::Name(name)) => match node {
                None => {}
                Some(Value::Object(map)) => node = map.get(&**name),
                Some(_) => return Some(k),
            },
            Segment::Child(Selector::Index(index)) => match node {
                Some(Value::Array(items)) => match element(items, *index) {
                    Some(next) => node = Some(next),
                    None => return Some(k),
                },
                _ => return Some(k),
            },
            _ => return Some(k),
        }
    }
    None
}

/// Writes `value`; returns the failing step (never, after `write_failure`).
fn apply_write(doc: &mut Value, segments: &[Segment], value: Value) -> Result<(), usize> {
    let Some((last, init)) = segments.split_last() else {
        *doc = value;
        return Ok(());
    };
    let mut node = doc;
    for (k, segment) in init.iter().enumerate() {
        node = match (segment, node) {
            (Segment::Child(Selector::Name(name)), Value::Object(map)) => {
                if !map.contains_key(&**name) {
                    map.insert(name.to_string(), Value::Object(Map::new()));
                }
                map.get_mut(&**name).ok_or(k)?
            }
            (Segment::Child(Selector::Index(index)), Value::Array(items)) => {
                position(items.len(), *index)
                    .and_then(|p| items.get_mut(p))
                    .ok_or(k)?
            }
            _ => return Err(k),
        };
    }
    let k = init.len();
    match (last, node) {
        (Segment::Child(Selector::Name(name)), Value::Object(map)) => {
            map.insert(name.to_string(), value);
            Ok(())
        }
        (Segment::Child(Selector::Index(index)), Value::Array(items)) => {
            let slot = position(items.len(), *index)
                .and_then(|p| items.get_mut(p))
                .ok_or(k)?;
            *slot = value;
            Ok(())
        }
        _ => Err(k),
    }
}

/// AWS's cause for a ResultPath that cannot be applied at `step`.
fn write_cause(doc: &Value, path: &Path, step: usize) -> String {
    let input = compact_json(doc);
    if step == 0 {
        return format!("Unable to apply ReferencePath {path} to input {input}");
    }
    let name = match path.segments.get(step) {
        Some(Segment::Child(Selector::Name(name))) => name.to_string(),
        Some(Segment::Child(Selector::Index(index))) => index.to_string(),
        Some(other) => {
            let mut text = String::new();
            push_normalized(&mut text, std::slice::from_ref(other));
            text
        }
        None => String::new(),
    };
    format!("Unable to apply step \"{name}\" to input {input}")
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sfn_lang::path::parse_path;

    fn path(text: &str) -> Path {
        parse_path(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    /// Evaluates `text` against `input` (no context, no variables).
    fn get(text: &str, input: &Value) -> Option<Value> {
        select(&path(text), &Roots::input_only(input))
            .unwrap()
            .map(Cow::into_owned)
    }

    fn store() -> Value {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees",
                     "title": "Sayings of the Century", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh",
                     "title": "Sword of Honour", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville",
                     "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien",
                     "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "expensive": 10
        })
    }

    fn book(i: usize) -> Value {
        store()["store"]["book"][i].clone()
    }

    // --- the Jayway README examples ---------------------------------------------

    #[test]
    fn jayway_store_examples() {
        let s = store();
        let authors = json!([
            "Nigel Rees",
            "Evelyn Waugh",
            "Herman Melville",
            "J. R. R. Tolkien"
        ]);
        assert_eq!(get("$.store.book[*].author", &s), Some(authors.clone()));
        assert_eq!(get("$..author", &s), Some(authors));
        assert_eq!(
            get("$.store.*", &s),
            Some(json!([s["store"]["book"], s["store"]["bicycle"]]))
        );
        assert_eq!(
            get("$.store..price", &s),
            Some(json!([8.95, 12.99, 8.99, 22.99, 19.95]))
        );
        assert_eq!(get("$..book[2]", &s), Some(json!([book(2)])));
        assert_eq!(get("$..book[-1]", &s), Some(json!([book(3)])));
        assert_eq!(get("$..book[-2]", &s), Some(json!([book(2)])));
        assert_eq!(get("$..book[0,1]", &s), Some(json!([book(0), book(1)])));
        assert_eq!(get("$..book[:2]", &s), Some(json!([book(0), book(1)])));
        assert_eq!(get("$..book[1:2]", &s), Some(json!([book(1)])));
        assert_eq!(get("$..book[-2:]", &s), Some(json!([book(2), book(3)])));
        assert_eq!(get("$..book[2:]", &s), Some(json!([book(2), book(3)])));
        assert_eq!(
            get("$..book[?(@.isbn)]", &s),
            Some(json!([book(2), book(3)]))
        );
        assert_eq!(
            get("$.store.book[?(@.price < 10)]", &s),
            Some(json!([book(0), book(2)]))
        );
        assert_eq!(
            get("$..book[?(@.price < 10)]", &s),
            Some(json!([book(0), book(2)]))
        );
        assert_eq!(
            get("$..book[?(@.price <= $['expensive'])]", &s),
            Some(json!([book(0), book(2)]))
        );
        assert_eq!(
            get("$..book[?(@.author =~ /.*REES/i)]", &s),
            Some(json!([book(0)]))
        );
        let all = get("$..*", &s).unwrap();
        // 2 root members + 2 in store + 4 books + 18 book fields + 2 bicycle fields.
        assert_eq!(all.as_array().map(Vec::len), Some(28));
        assert_eq!(all[0], s["store"]);
        assert_eq!(all[1], json!(10));
        assert_eq!(get("$..book.length()", &s), Some(json!(4)));
        assert_eq!(get("$.store.book.length()", &s), Some(json!(4)));
    }

    #[test]
    fn deep_scan_order_is_parents_first_then_document_order() {
        let doc = json!({"a": {"x": 1, "b": {"x": 2}}, "c": [{"x": 3}, {"d": {"x": 4}}], "x": 0});
        assert_eq!(get("$..x", &doc), Some(json!([0, 1, 2, 3, 4])));
        let doc = json!({"a": {"b": 1}, "c": 2});
        assert_eq!(get("$..*", &doc), Some(json!([{"b": 1}, 2, 1])));
        // The rest of the path runs at each match before the scan goes deeper.
        let doc = json!({"k": {"v": 1, "k": {"v": 2}}});
        assert_eq!(get("$..k.v", &doc), Some(json!([1, 2])));
        assert_eq!(
            get("$..[0]", &json!([[1, 2], [3]])),
            Some(json!([[1, 2], 1, 3]))
        );
        assert_eq!(
            get("$..[1:]", &json!({"a": [1, 2, 3]})),
            Some(json!([2, 3]))
        );
        assert_eq!(get("$..*", &json!(5)), Some(json!([])));
        assert_eq!(get("$..missing", &json!({"a": 1})), Some(json!([])));
    }

    #[test]
    fn deep_scan_filters_test_each_node_itself() {
        let s = store();
        assert_eq!(
            get("$..[?(@.price < 10)]", &s),
            Some(json!([book(0), book(2)]))
        );
        assert_eq!(get("$..[?(@.color)].price", &s), Some(json!([19.95])));
    }

    #[test]
    fn jayway_quirk_non_leaf_index_under_scan_passes_every_element() {
        let doc = json!({"a": [{"x": 1}, {"x": 2}]});
        assert_eq!(get("$..[0].x", &doc), Some(json!([1, 2])));
    }

    // --- selectors ------------------------------------------------------------

    #[test]
    fn names_and_indices() {
        let doc = json!({"a": {"b": [10, 20, 30]}, "n": null, "s": "text"});
        assert_eq!(get("$.a.b[0]", &doc), Some(json!(10)));
        assert_eq!(get("$.a.b[-1]", &doc), Some(json!(30)));
        assert_eq!(get("$.a.b[-3]", &doc), Some(json!(10)));
        assert_eq!(get("$.a.b[-4]", &doc), None);
        assert_eq!(get("$.a.b[3]", &doc), None);
        assert_eq!(get("$['a']['b'][1]", &doc), Some(json!(20)));
        assert_eq!(get("$.n", &doc), Some(Value::Null));
        assert_eq!(get("$.missing", &doc), None);
        assert_eq!(get("$.missing.deeper", &doc), None);
        assert_eq!(get("$.s.length", &doc), None);
        assert_eq!(get("$.a.b.x", &doc), None);
        assert_eq!(get("$.s[0]", &doc), None);
        assert_eq!(get("$[0]", &doc), None);
        assert_eq!(get("$", &doc), Some(doc.clone()));
        assert_eq!(get("$[0]", &json!(["x"])), Some(json!("x")));
    }

    #[test]
    fn extreme_indices_do_not_panic() {
        let doc = json!({"a": [1, 2, 3]});
        for text in [
            "$.a[-9223372036854775808]",
            "$.a[9223372036854775807]",
            "$.a[-9223372036854775808:]",
            "$.a[:-9223372036854775808]",
            "$.a[-9223372036854775808:9223372036854775807]",
            "$.a[9223372036854775807:-9223372036854775808]",
            "$.a[::9223372036854775807]",
            "$.a[::-9223372036854775808]",
            "$.a[-9223372036854775808:9223372036854775807:-1]",
            "$.a[-9223372036854775808,9223372036854775807]",
        ] {
            let _ = get(text, &doc);
        }
        assert_eq!(get("$.a[-9223372036854775808]", &doc), None);
        // Jayway reads the start as an index, so the range wraps once.
        assert_eq!(
            get("$.a[-9223372036854775808:9223372036854775807]", &doc),
            Some(json!([1, 2, 3, 1, 2, 3]))
        );
    }

    #[test]
    fn wildcards() {
        let doc = json!({"o": {"b": 2, "a": 1}, "l": [3, 4], "s": "x"});
        assert_eq!(get("$.o.*", &doc), Some(json!([2, 1])));
        assert_eq!(get("$.o[*]", &doc), Some(json!([2, 1])));
        assert_eq!(get("$.l[*]", &doc), Some(json!([3, 4])));
        assert_eq!(get("$.s[*]", &doc), Some(json!([])));
        assert_eq!(get("$[*]", &json!({})), Some(json!([])));
        assert_eq!(get("$.*.b", &doc), Some(json!([2])));
        // A wildcard on a scalar before further steps: Jayway throws.
        assert_eq!(get("$.s[*].x", &doc), Some(json!([])));
    }

    #[test]
    fn slices() {
        let doc = json!({"a": [0, 1, 2, 3, 4]});
        let cases = [
            ("$.a[1:]", json!([1, 2, 3, 4])),
            ("$.a[:2]", json!([0, 1])),
            ("$.a[1:3]", json!([1, 2])),
            ("$.a[-2:]", json!([3, 4])),
            ("$.a[-9:]", json!([0, 1, 2, 3, 4])),
            ("$.a[:-1]", json!([0, 1, 2, 3])),
            ("$.a[:-9]", json!([])),
            ("$.a[:9]", json!([0, 1, 2, 3, 4])),
            ("$.a[-3:-1]", json!([2, 3])),
            // Jayway: the end is not converted, the start is read as an index.
            ("$.a[1:-1]", json!([])),
            ("$.a[-2:2]", json!([3, 4, 0, 1])),
            ("$.a[3:1]", json!([])),
            ("$.a[9:]", json!([])),
            ("$.a[:]", json!([0, 1, 2, 3, 4])),
            // Steps follow RFC 9535.
            ("$.a[::2]", json!([0, 2, 4])),
            ("$.a[1::2]", json!([1, 3])),
            ("$.a[::-1]", json!([4, 3, 2, 1, 0])),
            ("$.a[3:0:-2]", json!([3, 1])),
            ("$.a[:1:1]", json!([0])),
        ];
        for (text, expected) in cases {
            assert_eq!(get(text, &doc), Some(expected), "{text}");
        }
        assert_eq!(get("$.o[1:]", &json!({"o": {"a": 1}})), Some(json!([])));
        assert_eq!(get("$.a[1:]", &json!({"a": []})), Some(json!([])));
    }

    #[test]
    fn unions() {
        let doc =
            json!({"a": 1, "b": 2, "c": 3, "l": [10, 20, 30], "o": {"x": {"v": 1}, "y": {"v": 2}}});
        // A union of names at the end merges into one object (definite in Jayway).
        assert_eq!(get("$['a','c']", &doc), Some(json!({"a": 1, "c": 3})));
        assert_eq!(get("$['a','zz']", &doc), Some(json!({"a": 1})));
        assert_eq!(get("$.l['a','b']", &doc), None);
        assert_eq!(get("$.o['x','y'].v", &doc), Some(json!([1, 2])));
        assert_eq!(get("$.o['y','q','x'].v", &doc), Some(json!([2, 1])));
        assert_eq!(get("$.l[2,0,0]", &doc), Some(json!([30, 10, 10])));
        assert_eq!(get("$.l[5,-1]", &doc), Some(json!([30])));
        assert_eq!(get("$..['v','zz']", &doc), Some(json!([])));
        assert_eq!(get("$..['v']", &doc), Some(json!([1, 2])));
    }

    #[test]
    fn filters_on_arrays_and_objects() {
        let doc = json!({
            "users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}],
            "obj": {"x": 1},
            "s": "text"
        });
        // base/test_state_pass_regex_json_path_base
        assert_eq!(
            get("$.users[?(@.status == 0)]", &doc),
            Some(json!([{"year": 1997, "status": 0}]))
        );
        assert_eq!(
            get("$.users[?(@.status == 0)].year", &doc),
            Some(json!([1997]))
        );
        // On an object Jayway tests the object itself.
        assert_eq!(get("$.obj[?(@.x)]", &doc), Some(json!([{"x": 1}])));
        assert_eq!(get("$.obj[?(@.y)]", &doc), Some(json!([])));
        assert_eq!(get("$.s[?(@.x)]", &doc), Some(json!([])));
        assert_eq!(get("$.missing[?(@.x)]", &doc), Some(json!([])));
        assert_eq!(
            get("$.users[?(@.year > 1997 && @.status == 1)].year", &doc),
            Some(json!([1998]))
        );
        assert_eq!(
            get("$.users[?(@.year > 1997 || @.status == 0)].year", &doc),
            Some(json!([1997, 1998]))
        );
        assert_eq!(
            get("$.users[?(!(@.status == 0))].year", &doc),
            Some(json!([1998]))
        );
        assert_eq!(get("$.users[?(@)].year", &doc), Some(json!([1997, 1998])));
    }

    fn filter_years(filter: &str, items: Value) -> Value {
        let doc = json!({ "items": items });
        get(&format!("$.items[?({filter})].id"), &doc).unwrap()
    }

    #[test]
    fn comparisons() {
        let items = json!([
            {"id": 1, "v": 1},
            {"id": 2, "v": 1.0},
            {"id": 3, "v": "1"},
            {"id": 4, "v": "1.0"},
            {"id": 5, "v": null},
            {"id": 6},
            {"id": 7, "v": true},
            {"id": 8, "v": [1, 2]},
            {"id": 9, "v": {"a": 1}},
            {"id": 10, "v": "abc"},
            {"id": 11, "v": 2.5}
        ]);
        assert_eq!(filter_years("@.v == 1", items.clone()), json!([1, 2, 3]));
        assert_eq!(filter_years("@.v == '1'", items.clone()), json!([1, 2, 3]));
        assert_eq!(
            filter_years("@.v == '1.0'", items.clone()),
            json!([1, 2, 4])
        );
        assert_eq!(filter_years("@.v === 1", items.clone()), json!([1, 2]));
        assert_eq!(
            filter_years("@.v !== 1", items.clone()),
            json!([3, 4, 5, 6, 7, 8, 9, 10, 11])
        );
        assert_eq!(
            filter_years("@.v != 1", items.clone()),
            json!([4, 5, 6, 7, 8, 9, 10, 11])
        );
        assert_eq!(filter_years("@.v == null", items.clone()), json!([5]));
        assert_eq!(filter_years("@.v == true", items.clone()), json!([7]));
        assert_eq!(filter_years("@.v == [1, 2.0]", items.clone()), json!([8]));
        assert_eq!(filter_years("@.v < 2", items.clone()), json!([1, 2, 3, 4]));
        assert_eq!(filter_years("@.v >= 2", items.clone()), json!([10, 11]));
        assert_eq!(filter_years("@.v > 'abb'", items.clone()), json!([10]));
        assert_eq!(
            filter_years("@.v", items.clone()),
            json!([1, 2, 3, 4, 5, 7, 8, 9, 10, 11])
        );
        assert_eq!(filter_years("!@.v", items.clone()), json!([6]));
        assert_eq!(
            filter_years("@.v in [1, 'abc']", items.clone()),
            json!([1, 2, 3, 10])
        );
        assert_eq!(
            filter_years("@.v nin [1, 'abc']", items.clone()),
            json!([4, 5, 6, 7, 8, 9, 11])
        );
        assert_eq!(filter_years("@.v contains 2", items.clone()), json!([8]));
        assert_eq!(filter_years("@.v contains 'b'", items.clone()), json!([10]));
        assert_eq!(filter_years("@.v size 2", items.clone()), json!([8]));
        assert_eq!(filter_years("@.v size 3", items.clone()), json!([4, 10]));
        assert_eq!(
            filter_years("@.v empty false", items.clone()),
            json!([3, 4, 8, 9, 10])
        );
        assert_eq!(
            filter_years("@.v subsetof [1, 2, 3]", items.clone()),
            json!([8])
        );
        assert_eq!(filter_years("@.v anyof [2, 7]", items.clone()), json!([8]));
        assert_eq!(filter_years("@.v noneof [7]", items.clone()), json!([8]));
        assert_eq!(filter_years("@.v noneof [1]", items.clone()), json!([]));
        assert_eq!(filter_years("@.v == $.missing", items.clone()), json!([]));
        assert_eq!(filter_years("@.v nin $.missing", items.clone()), json!([]));
        // A path operand that is indefinite is the array of its matches.
        assert_eq!(filter_years("@.v[*] size 2", items.clone()), json!([8]));
        assert_eq!(filter_years("@.v.length() == 2", items), json!([8]));
    }

    #[test]
    fn strings_compare_by_utf16_units() {
        let items = json!([{"id": 1, "v": "\u{FFFD}"}, {"id": 2, "v": "\u{1F600}"}]);
        // U+1F600 is a surrogate pair starting with 0xD83D < 0xFFFD.
        assert_eq!(filter_years("@.v < '\u{FFFD}'", items), json!([2]));
    }

    #[test]
    fn regexes() {
        let items = json!([
            {"id": 1, "v": "apple"},
            {"id": 2, "v": "Apple pie"},
            {"id": 3, "v": 42},
            {"id": 4, "v": true},
            {"id": 5},
            {"id": 6, "v": ["x", "apple"]},
            {"id": 7, "v": "line1\nline2"},
            {"id": 8, "v": "٣"}
        ]);
        // Whole-string match, as Java's matches().
        assert_eq!(filter_years("@.v =~ /apple/", items.clone()), json!([1, 6]));
        assert_eq!(filter_years("@.v =~ /app/", items.clone()), json!([]));
        assert_eq!(
            filter_years("@.v =~ /APPLE.*/i", items.clone()),
            json!([1, 2, 6])
        );
        assert_eq!(filter_years("@.v =~ /4\\d/", items.clone()), json!([3]));
        assert_eq!(filter_years("@.v =~ /tr.e/", items.clone()), json!([4]));
        // A missing member matches as the empty string.
        assert_eq!(filter_years("@.v =~ /^$/", items.clone()), json!([5]));
        assert_eq!(
            filter_years("@.v =~ /line1.line2/", items.clone()),
            json!([])
        );
        assert_eq!(
            filter_years("@.v =~ /line1.line2/s", items.clone()),
            json!([7])
        );
        assert_eq!(
            filter_years("@.v =~ /line1$\\n^line2/m", items.clone()),
            json!([7])
        );
        // \d is ASCII-only unless U.
        assert_eq!(filter_years("@.v =~ /\\d/", items.clone()), json!([]));
        assert_eq!(filter_years("@.v =~ /\\d/U", items.clone()), json!([8]));
        assert_eq!(
            filter_years("@.v =~ /\\Qapple\\E/", items.clone()),
            json!([1, 6])
        );
        assert_eq!(
            filter_years("@.v =~ / a p p l e # fruit/x", items.clone()),
            json!([1, 6])
        );
        // Patterns the regex crate cannot compile match nothing.
        assert_eq!(
            filter_years("@.v =~ /(?=a)apple/", items.clone()),
            json!([])
        );
        assert_eq!(filter_years("@.v =~ /(/", items.clone()), json!([]));
        // The second use of a pattern comes from the cache.
        assert_eq!(filter_years("@.v =~ /apple/", items), json!([1, 6]));
        assert!(compiled_regex("apple", "").is_some());
        assert!(compiled_regex("(", "").is_none());
    }

    #[test]
    fn java_regex_translation() {
        let f = JavaFlags::default();
        assert_eq!(
            translate_java_regex("a\\Q.*\\E", f).as_deref(),
            Some("a\\.\\*")
        );
        assert_eq!(
            translate_java_regex("\\0101", f).as_deref(),
            Some("\\x{41}")
        );
        assert_eq!(translate_java_regex("\\cA", f).as_deref(), Some("\\x{1}"));
        assert_eq!(translate_java_regex("[]a]", f).as_deref(), Some("[\\]a]"));
        assert_eq!(translate_java_regex("abc\\", f), None);
        let re = compile_java_regex("a\\Zb|x\\e", "").unwrap();
        assert!(re.is_match("x\u{1b}"));
    }

    // --- functions ------------------------------------------------------------

    #[test]
    fn functions() {
        let doc = json!({
            "n": [1, 2, 3, 4],
            "mixed": [1, "x", 2.5, null],
            "words": ["a", "b", "a", 1, 1.0, 1],
            "o": {"k1": 1, "k2": 2},
            "s": "hello",
            "empty": [],
            "one": ["only"]
        });
        assert_eq!(get("$.n.length()", &doc), Some(json!(4)));
        assert_eq!(get("$.n.size()", &doc), Some(json!(4)));
        assert_eq!(get("$.o.length()", &doc), Some(json!(2)));
        assert_eq!(get("$.s.length()", &doc), Some(Value::Null));
        assert_eq!(get("$.n.sum()", &doc), Some(json!(10.0)));
        assert_eq!(get("$.n.avg()", &doc), Some(json!(2.5)));
        assert_eq!(get("$.n.min()", &doc), Some(json!(1.0)));
        assert_eq!(get("$.n.max()", &doc), Some(json!(4.0)));
        assert_eq!(get("$.n.stddev()", &doc), Some(json!(1.25_f64.sqrt())));
        assert_eq!(get("$.mixed.sum()", &doc), Some(json!(3.5)));
        assert_eq!(get("$.empty.sum()", &doc), None);
        assert_eq!(get("$.s.sum()", &doc), None);
        assert_eq!(get("$.o.keys()", &doc), Some(json!(["k1", "k2"])));
        assert_eq!(get("$.s.keys()", &doc), Some(Value::Null));
        assert_eq!(get("$.n.first()", &doc), Some(json!(1)));
        assert_eq!(get("$.n.last()", &doc), Some(json!(4)));
        assert_eq!(get("$.one.last()", &doc), Some(json!("only")));
        assert_eq!(get("$.empty.first()", &doc), None);
        assert_eq!(
            get("$.words.distinct()", &doc),
            Some(json!(["a", "b", 1, 1.0]))
        );
        assert_eq!(get("$.missing.length()", &doc), None);
        assert_eq!(get("$.length()", &doc), Some(json!(7)));
        // After a leading deep scan the function takes every match.
        // Jayway sums the numbers among the matches: an array is not one.
        assert_eq!(get("$..n.sum()", &doc), None);
        assert_eq!(get("$..k1.sum()", &doc), Some(json!(1.0)));
        assert_eq!(
            get("$..price.sum()", &store())
                .and_then(|v| v.as_f64())
                .map(|v| (v * 100.0).round()),
            Some(7387.0)
        );
        assert_eq!(
            get("$..author.first()", &store()),
            Some(json!("Nigel Rees"))
        );
        assert_eq!(get("$..nothing.length()", &doc), Some(json!(0)));
        // After another indefinite path it applies to each match.
        assert_eq!(
            get("$.*.length()", &json!({"a": [1], "b": [1, 2]})),
            Some(json!([1, 2]))
        );
        assert_eq!(get("$.*.sum()", &json!({"a": [1], "b": "x"})), None);
    }

    // --- roots ----------------------------------------------------------------

    #[test]
    fn context_and_variables() {
        let input = json!({"a": 1});
        let context = json!({"Execution": {"Id": "arn:x"}, "Map": {"Item": {"Index": 2}}});
        let mut vars: HashMap<String, Value> = HashMap::new();
        vars.insert("v".into(), json!({"field": [5, 6]}));
        vars.insert("n".into(), json!(7));
        let roots = Roots::new(&input, &context, &vars);
        let one = |text: &str| select(&path(text), &roots).map(|o| o.map(Cow::into_owned));
        assert_eq!(one("$$.Execution.Id"), Ok(Some(json!("arn:x"))));
        assert_eq!(one("$$.Map.Item.Index"), Ok(Some(json!(2))));
        assert_eq!(one("$$"), Ok(Some(context.clone())));
        assert_eq!(one("$v.field[1]"), Ok(Some(json!(6))));
        assert_eq!(one("$v.field[*]"), Ok(Some(json!([5, 6]))));
        assert_eq!(one("$n"), Ok(Some(json!(7))));
        assert_eq!(one("$v.nothing"), Ok(None));
        assert_eq!(
            one("$nope.x"),
            Err(PathError::NoSuchVariable("nope".into()))
        );
        assert_eq!(
            PathError::NoSuchVariable("nope".into()).to_string(),
            "The variable '$nope' is not defined"
        );
        let none = Roots::input_only(&input);
        assert_eq!(
            select(&path("$v"), &none),
            Err(PathError::NoSuchVariable("v".into()))
        );
        assert!(format!("{roots:?}").starts_with("Roots { input: Object"));
        // select_in reads one document for `$` and `$$`.
        let result = json!({"Payload": {"x": 1}});
        assert_eq!(
            select_in(&path("$.Payload.x"), &result, &vars).unwrap(),
            Some(Cow::Borrowed(&json!(1)))
        );
        assert_eq!(
            select_in(&path("$$.Payload.x"), &result, &vars).unwrap(),
            Some(Cow::Borrowed(&json!(1)))
        );
        assert_eq!(
            select_in(&path("$n"), &result, &vars).unwrap(),
            Some(Cow::Borrowed(&json!(7)))
        );
        let map: Map<String, Value> = [("m".to_owned(), json!(1))].into_iter().collect();
        assert_eq!(Variables::get(&map, "m"), Some(&json!(1)));
        assert_eq!(NoVariables.get("m"), None);
    }

    #[test]
    fn definite_paths_borrow() {
        let s = store();
        let roots = Roots::input_only(&s);
        for text in [
            "$",
            "$.store.bicycle",
            "$.store.book[0].title",
            "$['expensive']",
            "$.store.book[-1]",
        ] {
            let result = select(&path(text), &roots).unwrap();
            assert!(matches!(result, Some(Cow::Borrowed(_))), "{text}");
        }
        for text in [
            "$.store.book[*]",
            "$['store','expensive']",
            "$.store.book.length()",
        ] {
            let result = select(&path(text), &roots).unwrap();
            assert!(matches!(result, Some(Cow::Owned(_))), "{text}");
        }
    }

    #[test]
    fn indefinite_paths_on_missing_input_give_empty_arrays() {
        // base/test_json_path_array_wildcard_or_slice_with_no_input*
        for text in [
            "$[*]",
            "$.items[*]",
            "$.items[*].itemValue",
            "$.items[1:]",
            "$.items[:1]",
            "$.items[1:].itemValue",
            "$.item.items[*]",
            "$.item.items[1:5]",
            "$.item.items[1:5].itemValue",
            "$.items[?(@.x)]",
            "$..x",
        ] {
            assert_eq!(get(text, &json!({})), Some(json!([])), "{text}");
        }
        assert_eq!(get("$.items[*]", &json!("str")), Some(json!([])));
    }

    #[test]
    fn deep_documents_do_not_overflow_the_stack() {
        let depth = 100_000;
        let mut doc = json!({"x": 1});
        for _ in 0..depth {
            // Not json!: it serializes its arguments recursively.
            let mut map = Map::new();
            map.insert("a".to_owned(), Value::Array(vec![doc]));
            doc = Value::Object(map);
        }
        let found = get("$..x", &doc).unwrap();
        assert_eq!(found, json!([1]));
        assert_eq!(get("$..[?(@.x == 1)].x", &doc), Some(json!([1])));
        let copy = deep_clone(&doc);
        assert!(json_eq(&doc, &copy, true));
        let mut item = Map::new();
        item.insert("v".to_owned(), deep_clone(&doc));
        let mut wrapped = Map::new();
        wrapped.insert("items".to_owned(), Value::Array(vec![Value::Object(item)]));
        wrapped.insert("want".to_owned(), copy);
        let wrapped = Value::Object(wrapped);
        assert_eq!(
            get("$.items[?(@.v == $.want)].v.a.length()", &wrapped),
            Some(json!([1]))
        );
        // Indefinite results copy what they select.
        let all = select(&path("$.*"), &Roots::input_only(&doc))
            .unwrap()
            .map(Cow::into_owned)
            .unwrap();
        assert!(all.is_array());
        let distinct = select(&path("$.a.distinct()"), &Roots::input_only(&doc))
            .unwrap()
            .map(Cow::into_owned)
            .unwrap();
        for v in [doc, wrapped, all, distinct] {
            dismantle(v);
        }
        // A long definite path.
        let long = format!("${}", ".a".repeat(50_000));
        assert_eq!(get(&long, &json!({"a": 1})), None);
        let long = format!("${}[*]", ".a".repeat(50_000));
        assert_eq!(get(&long, &json!({"a": 1})), Some(json!([])));
    }

    /// Drops a deep value without recursion (serde_json's drop recurses).
    fn dismantle(value: Value) {
        let mut pending = vec![value];
        while let Some(v) = pending.pop() {
            match v {
                Value::Array(items) => pending.extend(items),
                Value::Object(map) => pending.extend(map.into_iter().map(|(_, v)| v)),
                _ => {}
            }
        }
    }

    /// A list literal nested `depth` levels around `[1, 'x']`, and its
    /// JSON value.
    fn nested_list(depth: usize) -> (Literal, Value) {
        let mut literal = Literal::List(vec![Literal::Int(1), Literal::Str("x".into())].into());
        let mut value = json!([1, "x"]);
        for _ in 1..depth {
            literal = Literal::List(vec![Literal::Null, literal].into());
            value = Value::Array(vec![Value::Null, value]);
        }
        (literal, value)
    }

    /// Lists nested deeper than the evaluator's filter depth (64) were
    /// turned into `null` past it, silently. The parser refuses more than
    /// `MAX_NESTING` levels, but a path built by hand can hold any depth:
    /// its literal is now the array it spells.
    #[test]
    fn deeply_nested_list_literals_are_converted_whole() {
        for depth in [1, 2, 64, 65, 66, 100, 1_000] {
            let (literal, value) = nested_list(depth);
            let converted = literal_value(&literal);
            assert!(json_eq(&converted, &value, false), "{depth} levels");
            // Compared in a filter: `$[?(@.v == [null, [null, … [1, 'x']]])].id`.
            let (other, _) = nested_list(depth + 1);
            let doc = json!([{"id": "deep", "v": value.clone()}, {"id": "other", "v": [0]}]);
            let filtered = |literal: Literal| {
                let filter = Filter::Compare {
                    left: Operand::Current(vec![Segment::Child(Selector::Name("v".into()))].into()),
                    op: CompareOp::Eq,
                    right: Operand::Literal(literal),
                };
                let path = Path {
                    root: Root::Input,
                    segments: vec![
                        Segment::Child(Selector::Filter(filter)),
                        Segment::Child(Selector::Name("id".into())),
                    ]
                    .into(),
                };
                select(&path, &Roots::input_only(&doc))
                    .unwrap()
                    .map(Cow::into_owned)
            };
            assert_eq!(filtered(literal), Some(json!(["deep"])), "{depth} levels");
            assert_eq!(filtered(other), Some(json!([])), "{depth} levels");
            for v in [converted, value, doc] {
                dismantle(v);
            }
        }
    }

    // --- writing --------------------------------------------------------------

    fn put(doc: Value, text: &str, value: Value) -> Result<Value, String> {
        let mut doc = doc;
        write(&mut doc, &path(text), value).map(|()| doc)
    }

    #[test]
    fn write_creates_replaces_and_fails_like_aws() {
        assert_eq!(put(json!({"a": 1}), "$", json!("r")), Ok(json!("r")));
        assert_eq!(put(json!("s"), "$", json!({"x": 1})), Ok(json!({"x": 1})));
        assert_eq!(
            put(json!({"a": 1}), "$.b.c.d", json!(true)),
            Ok(json!({"a": 1, "b": {"c": {"d": true}}}))
        );
        assert_eq!(
            put(json!({"a": 1, "b": 2}), "$.a", json!(9)),
            Ok(json!({"a": 9, "b": 2}))
        );
        let written = put(json!({"a": 1, "b": 2}), "$.a", json!(9)).unwrap();
        assert_eq!(
            written
                .as_object()
                .unwrap()
                .keys()
                .next()
                .map(String::as_str),
            Some("a")
        );
        assert_eq!(
            put(json!({"a": {"x": 1}}), "$.a.y", json!(2)),
            Ok(json!({"a": {"x": 1, "y": 2}}))
        );
        assert_eq!(
            put(json!({"l": [1, {"k": 0}]}), "$.l[1].k", json!(5)),
            Ok(json!({"l": [1, {"k": 5}]}))
        );
        assert_eq!(
            put(json!({"l": [1, 2]}), "$.l[-1]", json!(5)),
            Ok(json!({"l": [1, 5]}))
        );
        assert_eq!(put(json!([1, 2]), "$[0]", json!(5)), Ok(json!([5, 2])));
        assert_eq!(
            put(json!({"a b": {}}), "$['a b']['c']", json!(1)),
            Ok(json!({"a b": {"c": 1}}))
        );

        // The input itself cannot take the first step.
        assert_eq!(
            put(json!("input1"), "$.someTaskResult", json!(1)),
            Err("Unable to apply ReferencePath $.someTaskResult to input \"input1\"".into())
        );
        assert_eq!(
            put(json!([1]), "$.x", json!(1)),
            Err("Unable to apply ReferencePath $.x to input [1]".into())
        );
        assert_eq!(
            put(json!({"a": 1}), "$[0]", json!(1)),
            Err("Unable to apply ReferencePath $[0] to input {\"a\":1}".into())
        );
        // A later step cannot be applied.
        assert_eq!(
            put(json!({"a": 1}), "$.a.b", json!(1)),
            Err("Unable to apply step \"b\" to input {\"a\":1}".into())
        );
        assert_eq!(
            put(json!({"a": null}), "$.a.b.c", json!(1)),
            Err("Unable to apply step \"b\" to input {\"a\":null}".into())
        );
        assert_eq!(
            put(json!({"l": [1]}), "$.l[3]", json!(1)),
            Err("Unable to apply step \"3\" to input {\"l\":[1]}".into())
        );
        assert_eq!(
            put(json!({"a": 1}), "$.new[0]", json!(1)),
            Err("Unable to apply step \"0\" to input {\"a\":1}".into())
        );
        // A failed write leaves the document as it was.
        let mut doc = json!({"a": {"b": 1}});
        assert!(write(&mut doc, &path("$.a.c.d.e[0]"), json!(1)).is_err());
        assert_eq!(doc, json!({"a": {"b": 1}}));
        // Not a reference path, or not on the input.
        assert!(put(json!({"a": []}), "$.a[*]", json!(1)).is_err());
        assert!(put(json!({}), "$$.a", json!(1)).is_err());
        assert!(put(json!({}), "$v.a", json!(1)).is_err());
    }

    // --- normalized paths and causes -----------------------------------------

    #[test]
    fn normalized_forms() {
        let cases = [
            ("$", "$"),
            ("$.a.b[0]", "$['a']['b'][0]"),
            ("$.NoSuchInputPath", "$['NoSuchInputPath']"),
            ("$..author", "$..['author']"),
            ("$.store.*", "$['store'][*]"),
            ("$..*", "$..[*]"),
            ("$['a','b']", "$['a','b']"),
            ("$.l[0,1]", "$['l'][0,1]"),
            ("$.l[1:3]", "$['l'][1:3]"),
            ("$.l[:3]", "$['l'][:3]"),
            ("$.l[-2:]", "$['l'][-2:]"),
            ("$.l[::2]", "$['l'][::2]"),
            ("$.l[?(@.x > 1)].y", "$['l'][?]['y']"),
            ("$.l.length()", "$['l'].length()"),
            ("$$.Execution.Input", "$['Execution']['Input']"),
            ("$v.x", "$['x']"),
            ("$['it\\'s']", "$['it\\'s']"),
            ("$['back\\\\slash']", "$['back\\\\slash']"),
        ];
        for (text, expected) in cases {
            assert_eq!(normalized(&path(text)), expected, "{text}");
        }
    }

    #[test]
    fn no_result_causes() {
        let input = json!({"a": {"b": 1}, "l": [1], "s": "str", "n": null, "e": []});
        let roots = Roots::input_only(&input);
        let cause = |text: &str| no_result_cause(&path(text), &roots);
        // scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH
        assert_eq!(
            cause("$.NoSuchInputPath"),
            "No results for path: $['NoSuchInputPath']"
        );
        // scenarios/test_catch_states_runtime
        assert_eq!(
            cause("$.no.such.result.path"),
            "Missing property in path $['no']"
        );
        assert_eq!(cause("$.a.x.y"), "Missing property in path $['a']['x']");
        assert_eq!(cause("$.a.x"), "No results for path: $['a']['x']");
        assert_eq!(cause("$.l[4]"), "No results for path: $['l'][4]");
        assert_eq!(cause("$.n[0]"), "The path $['n'] is null");
        assert_eq!(
            cause("$.s[0].x"),
            "Filter: [0]['x'] can only be applied to arrays. Current context is: str"
        );
        assert_eq!(
            cause("$.a.b.c"),
            "Expected to find an object with property ['c'] in path $['a']['b'] but found \
             'java.lang.Integer'. This is not a json object according to the JsonProvider: \
             'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'."
        );
        assert_eq!(
            cause("$.e.sum()"),
            "Aggregation function attempted to calculate value using empty array"
        );
        assert_eq!(cause("$.x[*]"), "No results for path: $['x'][*]");
        assert_eq!(cause("$v.x"), "The variable '$v' is not defined");
    }

    // --- robustness -----------------------------------------------------------

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                (-5i64..5).prop_map(Value::from),
                (-5.0f64..5.0).prop_map(Value::from),
                "[abx]{0,2}".prop_map(Value::String),
            ];
            leaf.prop_recursive(4, 32, 4, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    proptest::collection::btree_map("[abx]", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn select_and_write_never_panic(
                tokens in proptest::collection::vec(
                    proptest::sample::select(&[
                        ".a", ".b", ".x", "..a", "..*", "[*]", "[0]", "[-1]", "[1:]", "[:-1]",
                        "[-2:1]", "[::-1]", "['a','b']", "[0,2]", "[?(@.a)]", "[?(@.a > 1)]",
                        "[?(@ == 'b')]", "[?(@.b =~ /a.*/i)]", "[?(@.a in [1, 'a'])]",
                        "[?(@.x[*] size 2)]", "[?($.a)]", ".length()", ".sum()", ".keys()",
                        ".first()", ".distinct()",
                    ][..]),
                    0..6,
                ),
                doc in json_value(),
            ) {
                let text = format!("${}", tokens.concat());
                if let Ok(p) = parse_path(&text) {
                    let roots = Roots::input_only(&doc);
                    let result = select(&p, &roots).unwrap();
                    if !p.is_definite() && !matches!(p.segments.last(), Some(Segment::Function(_)))
                        && !matches!(p.segments.last(), Some(Segment::Child(Selector::Union(u))) if is_name_union(u))
                    {
                        prop_assert!(matches!(result, Some(Cow::Owned(Value::Array(_)))), "{}", text);
                    }
                    let _ = no_result_cause(&p, &roots);
                    let _ = normalized(&p);
                    let mut copy = doc.clone();
                    let _ = write(&mut copy, &p, json!(1));
                }
            }
        }
    }

    // --- conformance corpus ---------------------------------------------------

    fn conformance_dir() -> Option<std::path::PathBuf> {
        let dir = std::env::var_os("SFN_CONFORMANCE_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
            });
        dir.is_dir().then_some(dir)
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                collect(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }

    /// A payload template whose `.$` members are all input paths.
    fn apply_template(template: &Value, input: &Value) -> Option<Value> {
        match template {
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, value) in map {
                    if let Some(stripped) = key.strip_suffix(".$") {
                        let text = value.as_str()?;
                        let p = parse_path(text).ok()?;
                        if p.root != Root::Input {
                            return None;
                        }
                        let found = select(&p, &Roots::input_only(input)).ok()??;
                        out.insert(stripped.to_owned(), found.into_owned());
                    } else {
                        out.insert(key.clone(), apply_template(value, input)?);
                    }
                }
                Some(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .map(|i| apply_template(i, input))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array),
            other => Some(other.clone()),
        }
    }

    /// Runs the recorded single-Pass-state cases whose paths read only the
    /// input: InputPath, Parameters with input paths, OutputPath.
    #[test]
    fn conformance_pass_state_cases() {
        let Some(dir) = conformance_dir() else {
            println!("skipping: conformance corpus not found");
            return;
        };
        let mut files = Vec::new();
        collect(&dir.join("cases"), &mut files);
        let mut checked = 0;
        let mut failures = Vec::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let Ok(case) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            let definition = &case["definition"];
            if definition["QueryLanguage"] == "JSONata" {
                continue;
            }
            let Some(start) = definition["StartAt"].as_str() else {
                continue;
            };
            let state = &definition["States"][start];
            let Some(fields) = state.as_object() else {
                continue;
            };
            if state["Type"] != "Pass"
                || state["End"] != true
                || fields.keys().any(|k| {
                    !matches!(
                        k.as_str(),
                        "Type" | "End" | "InputPath" | "OutputPath" | "Parameters" | "Comment"
                    )
                })
            {
                continue;
            }
            let read = |field: &str| -> Option<Path> {
                state[field].as_str().and_then(|t| parse_path(t).ok())
            };
            let (input_path, output_path) = (read("InputPath"), read("OutputPath"));
            if [&input_path, &output_path]
                .iter()
                .any(|p| p.as_ref().is_some_and(|p| p.root != Root::Input))
            {
                continue;
            }
            let input = &case["input"];
            let expect = &case["expect"];
            let step = |p: &Option<Path>, field: &str, doc: &Value| -> Result<Value, String> {
                match p {
                    None => Ok(doc.clone()),
                    Some(p) => match select(p, &Roots::input_only(doc)).unwrap() {
                        Some(v) => Ok(v.into_owned()),
                        None => Err(format!(
                            "Invalid path '{}' : {}",
                            state[field].as_str().unwrap_or_default(),
                            no_result_cause(p, &Roots::input_only(doc))
                        )),
                    },
                }
            };
            let effective = match step(&input_path, "InputPath", input) {
                Ok(v) => v,
                Err(cause) => {
                    checked += 1;
                    if !expect["cause"]
                        .as_str()
                        .is_some_and(|c| c.ends_with(&cause))
                    {
                        failures.push(format!("{}: got {cause}", file.display()));
                    }
                    continue;
                }
            };
            let effective = match fields.get("Parameters") {
                None => effective,
                Some(template) => match apply_template(template, &effective) {
                    Some(v) => v,
                    None => continue,
                },
            };
            match step(&output_path, "OutputPath", &effective) {
                Ok(output) => {
                    if expect["status"] != "SUCCEEDED" {
                        continue;
                    }
                    checked += 1;
                    if !json_eq(&output, &expect["output"], true) {
                        failures.push(format!(
                            "{}: got {output}, want {}",
                            file.display(),
                            expect["output"]
                        ));
                    }
                }
                Err(cause) => {
                    checked += 1;
                    if !expect["cause"]
                        .as_str()
                        .is_some_and(|c| c.ends_with(&cause))
                    {
                        failures.push(format!("{}: got {cause}", file.display()));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(checked >= 15, "only {checked} cases checked");
    }
}
