//! The values a JSONata expression works with.
//!
//! JSON values, plus what JSON lacks: *undefined* (no value, as in
//! JavaScript), *sequences* (the arrays that path steps produce, which
//! collapse to their single item), and functions (lambdas, built-ins, partial
//! applications, regular expressions). Values are reference counted so that
//! copying a large input between steps is cheap; evaluation is synchronous and
//! a `Value` never crosses an `.await` or a thread.
//!
//! Objects keep JavaScript's property order, because jsonata-js runs on
//! JavaScript objects and AWS returns what it produces: keys that are array
//! indexes (`"0"`, `"17"`, canonical decimal integers below 2³² − 1) come
//! first in ascending numeric order, then the other keys in insertion order.
//! [`object_insert`] keeps that order; [`Value::from_json`] uses it.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use crate::jsonata::builtins::Builtin;
use std::sync::Arc;

use crate::jsonata::eval::{Env, LambdaDef, TransformDef};

/// A JSON object as JSONata sees it: keys keep their insertion order.
///
/// An [`IndexMap`](indexmap::IndexMap) (which it dereferences to) in a
/// wrapper whose only purpose is to be dropped without recursion: a value
/// nested 100,000 levels deep is freed in a loop, not with one stack frame
/// per level.
#[derive(Clone, Debug, Default)]
pub struct Object(indexmap::IndexMap<String, Value>);

/// How deeply nested a value [`Value::to_json`] hands back as JSON.
///
/// Every walk over values here is iterative, so a value of any depth can be
/// built, compared, searched and written as text (`$string`); but the JSON
/// result of an expression goes on to code that walks `serde_json` values
/// recursively (dropping, serialising, JSONPath), so a deeper result is
/// refused, as Jackson (which AWS is believed to use) refuses documents
/// nested more than 1000 levels by default.
pub(crate) const MAX_JSON_DEPTH: usize = 1000;

/// A JSONata value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// No value (JavaScript's `undefined`): a missing field, an empty sequence.
    #[default]
    Undefined,
    /// JSON `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number; always finite in a value handed back to JSON.
    Number(f64),
    /// A string.
    String(Rc<str>),
    /// An array or a sequence.
    Array(Rc<Array>),
    /// An object.
    Object(Rc<Object>),
    /// A function value.
    Function(Rc<Function>),
}

/// An array, with the flags jsonata-js keeps on its arrays. Like
/// [`Object`], it is dropped without recursion, however deeply its items
/// nest.
#[derive(Clone, Debug, Default)]
pub struct Array {
    /// The items.
    pub items: Vec<Value>,
    /// A sequence produced by evaluation (collapses to its item when it has
    /// exactly one, and to undefined when it has none), not a JSON array.
    pub sequence: bool,
    /// A sequence that must stay an array even with one item (`[]` step
    /// suffix).
    pub keep_singleton: bool,
    /// An array built by an array constructor `[...]` (not flattened by the
    /// path that contains it).
    pub cons: bool,
    /// The outer wrapper of a path's result.
    pub outer_wrapper: bool,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// An empty object with room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Object {
        Object(indexmap::IndexMap::with_capacity(capacity))
    }

    /// The members, as a map.
    pub fn into_map(mut self) -> indexmap::IndexMap<String, Value> {
        std::mem::take(&mut self.0)
    }
}

impl Deref for Object {
    type Target = indexmap::IndexMap<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Object {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<indexmap::IndexMap<String, Value>> for Object {
    fn from(map: indexmap::IndexMap<String, Value>) -> Object {
        Object(map)
    }
}

impl FromIterator<(String, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Object {
        Object(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for Object {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = indexmap::map::IntoIter<String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Value);
    type IntoIter = indexmap::map::Iter<'a, String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a mut Object {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = indexmap::map::IterMut<'a, String, Value>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

/// Whether dropping `v` would free an array or object (one that nothing
/// else shares), and so go one level deeper.
fn frees_container(v: &Value) -> bool {
    match v {
        Value::Array(a) => Rc::strong_count(a) == 1,
        Value::Object(o) => Rc::strong_count(o) == 1,
        _ => false,
    }
}

/// Drops `values` without recursion: each array or object that would be
/// freed is emptied into the work list before it goes.
fn dismantle(mut values: Vec<Value>) {
    while let Some(v) = values.pop() {
        match v {
            Value::Array(a) => {
                if let Ok(mut a) = Rc::try_unwrap(a) {
                    values.append(&mut a.items);
                }
            }
            Value::Object(o) => {
                if let Ok(mut o) = Rc::try_unwrap(o) {
                    values.extend(o.0.drain(..).map(|(_, v)| v));
                }
            }
            _ => {}
        }
    }
}

impl Drop for Array {
    fn drop(&mut self) {
        if self.items.iter().any(frees_container) {
            dismantle(std::mem::take(&mut self.items));
        }
    }
}

impl Drop for Object {
    fn drop(&mut self) {
        if self.0.values().any(frees_container) {
            dismantle(self.0.drain(..).map(|(_, v)| v).collect());
        }
    }
}

/// A function value.
pub enum Function {
    /// A built-in function of the library.
    Native(&'static Builtin),
    /// A compiled regular expression literal, callable as a matcher.
    #[allow(private_interfaces)]
    Regex(std::sync::Arc<crate::jsonata::stdlib::regex::JsRegex>),
    /// A lambda `function($x){…}` with the scope it was defined in.
    Lambda(Closure),
    /// A partial application `f(?, 2)` of a function that is not a lambda.
    Partial(Partial),
    /// The composition `f ~> g` of two functions.
    Compose(Compose),
    /// The function an object transform `| pattern | update |` evaluates to.
    Transform(Transform),
}

/// A lambda closed over the scope and context value where it was defined.
pub struct Closure {
    pub(crate) def: Arc<LambdaDef>,
    pub(crate) env: Rc<Env>,
    pub(crate) input: Value,
    /// After a partial application: the parameters still unbound (the
    /// signature no longer applies).
    pub(crate) params: Option<Rc<[String]>>,
}

/// A partially applied function that is not a lambda: the fixed arguments,
/// with holes (`None`) filled in order by the arguments of a call.
pub struct Partial {
    pub(crate) target: Value,
    pub(crate) args: Vec<Option<Value>>,
}

/// `first ~> second` on two functions: calls `first`, then `second` with its
/// result.
pub struct Compose {
    pub(crate) first: Value,
    pub(crate) second: Value,
}

/// An object transform with the scope it was evaluated in.
pub struct Transform {
    pub(crate) def: Arc<TransformDef>,
    pub(crate) env: Rc<Env>,
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Function::Native(b) => write!(f, "native ${}", b.name),
            Function::Regex(_) => f.write_str("regex"),
            Function::Lambda(_) => f.write_str("lambda"),
            Function::Partial(_) => f.write_str("partial application"),
            Function::Compose(_) => f.write_str("function composition"),
            Function::Transform(_) => f.write_str("transform"),
        }
    }
}

macro_rules! opaque_debug {
    ($($t:ty => $s:literal),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($s)
            }
        }
    )*};
}
opaque_debug!(Closure => "Closure", Partial => "Partial", Compose => "Compose", Transform => "Transform");

/// A result that has no JSON form: a function, or a number that is infinite
/// or not a number (AWS reports "returned an unsupported result type").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the JSONata expression returned an unsupported result type")
    }
}

impl std::error::Error for Unsupported {}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    /// Is this the undefined value?
    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    /// A plain JSON array.
    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(Array {
            items,
            ..Array::default()
        }))
    }

    /// A sequence (the kind of array path steps produce).
    pub fn sequence(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(Array {
            items,
            sequence: true,
            ..Array::default()
        }))
    }

    /// An object value.
    pub fn object(map: Object) -> Value {
        Value::Object(Rc::new(map))
    }

    /// Is this an array (or sequence)?
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Is this a function?
    pub fn is_function(&self) -> bool {
        matches!(self, Value::Function(_))
    }

    /// Is this a sequence (an array produced by evaluation)?
    pub fn is_sequence(&self) -> bool {
        matches!(self, Value::Array(a) if a.sequence)
    }

    /// The value of a JSON document, however deeply nested. Objects keep
    /// JavaScript's key order; integers too large for `f64` lose precision
    /// as in JavaScript.
    pub fn from_json(v: &serde_json::Value) -> Value {
        from_json_iterative(v)
    }

    /// The JSON form of a result: `Ok(None)` for undefined.
    ///
    /// Sequences collapse as jsonata-js's result does (a singleton sequence
    /// becomes its item unless it must stay an array; an empty one is
    /// undefined); undefined items inside arrays are dropped and undefined
    /// fields omitted, as `JSON.stringify` does. A function anywhere in the
    /// value, a number that is not finite, or nesting deeper than
    /// 1000 levels (see `MAX_JSON_DEPTH`) is [`Unsupported`]. Integral
    /// numbers within ±2⁵³ become JSON integers.
    pub fn to_json(&self) -> Result<Option<serde_json::Value>, Unsupported> {
        let v = match self {
            Value::Array(a) if a.sequence && !a.keep_singleton => match a.items.as_slice() {
                [] => return Ok(None),
                [one] => one,
                _ => self,
            },
            v => v,
        };
        to_json_iterative(v)
    }
}

/// A container of [`from_json_iterative`] being filled.
enum FromFrame<'a> {
    Array(Vec<Value>, std::slice::Iter<'a, serde_json::Value>),
    Object(
        Object,
        serde_json::map::Iter<'a>,
        /// The key of the member being converted.
        Option<&'a String>,
    ),
}

impl<'a> FromFrame<'a> {
    fn new(v: &'a serde_json::Value) -> Option<FromFrame<'a>> {
        match v {
            serde_json::Value::Array(items) => Some(FromFrame::Array(
                Vec::with_capacity(items.len()),
                items.iter(),
            )),
            serde_json::Value::Object(map) => Some(FromFrame::Object(
                Object::with_capacity(map.len()),
                map.iter(),
                None,
            )),
            _ => None,
        }
    }

    /// The next member to convert, noting its key.
    fn next_child(&mut self) -> Option<&'a serde_json::Value> {
        match self {
            FromFrame::Array(_, rest) => rest.next(),
            FromFrame::Object(_, rest, key) => rest.next().map(|(k, v)| {
                *key = Some(k);
                v
            }),
        }
    }

    /// Stores a converted member.
    fn push(&mut self, v: Value) {
        match self {
            FromFrame::Array(items, _) => items.push(v),
            FromFrame::Object(out, _, key) => {
                if let Some(k) = key.take() {
                    object_insert(out, k.clone(), v);
                }
            }
        }
    }

    fn finish(self) -> Value {
        match self {
            FromFrame::Array(items, _) => Value::array(items),
            FromFrame::Object(out, _, _) => Value::object(out),
        }
    }
}

/// A scalar JSON value.
fn from_json_scalar(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::string(s.as_str()),
        _ => Value::Null,
    }
}

/// [`Value::from_json`], with a stack of open containers instead of
/// recursion.
fn from_json_iterative(v: &serde_json::Value) -> Value {
    let Some(root) = FromFrame::new(v) else {
        return from_json_scalar(v);
    };
    let mut stack = vec![root];
    loop {
        let Some(top) = stack.last_mut() else {
            return Value::Undefined;
        };
        match top.next_child() {
            Some(child) => match FromFrame::new(child) {
                Some(frame) => stack.push(frame),
                None => top.push(from_json_scalar(child)),
            },
            None => {
                let Some(done) = stack.pop().map(FromFrame::finish) else {
                    return Value::Undefined;
                };
                match stack.last_mut() {
                    Some(parent) => parent.push(done),
                    None => return done,
                }
            }
        }
    }
}

/// A number as JSON: an integer when it is integral and within ±2⁵³.
pub(crate) fn number_to_json(n: f64) -> Option<serde_json::Value> {
    if !n.is_finite() {
        return None;
    }
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() <= LIMIT {
        // -0 is written as 0, as JSON.stringify does.
        return Some(serde_json::Value::from(n as i64));
    }
    serde_json::Number::from_f64(n).map(serde_json::Value::Number)
}

/// A container of [`to_json_iterative`] being filled.
enum ToFrame<'a> {
    Array(Vec<serde_json::Value>, std::slice::Iter<'a, Value>),
    Object(
        serde_json::Map<String, serde_json::Value>,
        indexmap::map::Iter<'a, String, Value>,
        /// The key of the member being converted.
        Option<&'a String>,
    ),
}

impl<'a> ToFrame<'a> {
    fn new(v: &'a Value) -> Option<ToFrame<'a>> {
        match v {
            Value::Array(a) => Some(ToFrame::Array(
                Vec::with_capacity(a.items.len()),
                a.items.iter(),
            )),
            Value::Object(o) => Some(ToFrame::Object(
                serde_json::Map::with_capacity(o.len()),
                o.iter(),
                None,
            )),
            _ => None,
        }
    }

    fn next_child(&mut self) -> Option<&'a Value> {
        match self {
            ToFrame::Array(_, rest) => rest.next(),
            ToFrame::Object(_, rest, key) => rest.next().map(|(k, v)| {
                *key = Some(k);
                v
            }),
        }
    }

    /// Stores a converted member: undefined is `null` in an array and
    /// omitted from an object, as `JSON.stringify` does.
    fn push(&mut self, v: Option<serde_json::Value>) {
        match self {
            ToFrame::Array(items, _) => items.push(v.unwrap_or(serde_json::Value::Null)),
            ToFrame::Object(out, _, key) => {
                if let (Some(k), Some(v)) = (key.take(), v) {
                    out.insert(k.clone(), v);
                }
            }
        }
    }

    fn finish(self) -> serde_json::Value {
        match self {
            ToFrame::Array(items, _) => serde_json::Value::Array(items),
            ToFrame::Object(out, _, _) => serde_json::Value::Object(out),
        }
    }
}

/// A scalar value as JSON (`None` for undefined).
fn to_json_scalar(v: &Value) -> Result<Option<serde_json::Value>, Unsupported> {
    Ok(Some(match v {
        Value::Undefined => return Ok(None),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => return number_to_json(*n).map(Some).ok_or(Unsupported),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Function(_) => return Err(Unsupported),
        Value::Null | Value::Array(_) | Value::Object(_) => serde_json::Value::Null,
    }))
}

/// [`Value::to_json`] after sequences collapsed, with a stack of open
/// containers instead of recursion; at most [`MAX_JSON_DEPTH`] levels.
fn to_json_iterative(v: &Value) -> Result<Option<serde_json::Value>, Unsupported> {
    let Some(root) = ToFrame::new(v) else {
        return to_json_scalar(v);
    };
    let mut stack = vec![root];
    loop {
        let depth = stack.len();
        let Some(top) = stack.last_mut() else {
            return Ok(None);
        };
        match top.next_child() {
            Some(child) => match ToFrame::new(child) {
                Some(_) if depth >= MAX_JSON_DEPTH => return Err(Unsupported),
                Some(frame) => stack.push(frame),
                None => top.push(to_json_scalar(child)?),
            },
            None => {
                let Some(done) = stack.pop().map(ToFrame::finish) else {
                    return Ok(None);
                };
                match stack.last_mut() {
                    Some(parent) => parent.push(Some(done)),
                    None => return Ok(Some(done)),
                }
            }
        }
    }
}

/// What [`rebuild`] makes of each part of a value.
pub(crate) trait Rebuild {
    /// A value that is not an array or object.
    fn leaf(&mut self, v: &Value) -> Value;
    /// The array `source`, its items rebuilt.
    fn array(&mut self, source: &Rc<Array>, items: Vec<Value>) -> Value;
    /// The object `source`, its members rebuilt (in order).
    fn object(&mut self, source: &Rc<Object>, members: Vec<(String, Value)>) -> Value;
}

/// A container of [`rebuild`] being filled.
enum RebuildFrame<'a> {
    Array(&'a Rc<Array>, std::slice::Iter<'a, Value>, Vec<Value>),
    Object(
        &'a Rc<Object>,
        indexmap::map::Iter<'a, String, Value>,
        Vec<(String, Value)>,
        /// The key of the member being rebuilt.
        Option<&'a String>,
    ),
}

impl<'a> RebuildFrame<'a> {
    fn new(v: &'a Value) -> Option<RebuildFrame<'a>> {
        match v {
            Value::Array(a) => Some(RebuildFrame::Array(
                a,
                a.items.iter(),
                Vec::with_capacity(a.items.len()),
            )),
            Value::Object(o) => Some(RebuildFrame::Object(
                o,
                o.iter(),
                Vec::with_capacity(o.len()),
                None,
            )),
            _ => None,
        }
    }

    fn next_child(&mut self) -> Option<&'a Value> {
        match self {
            RebuildFrame::Array(_, rest, _) => rest.next(),
            RebuildFrame::Object(_, rest, _, key) => rest.next().map(|(k, v)| {
                *key = Some(k);
                v
            }),
        }
    }

    fn push(&mut self, v: Value) {
        match self {
            RebuildFrame::Array(_, _, items) => items.push(v),
            RebuildFrame::Object(_, _, members, key) => {
                if let Some(k) = key.take() {
                    members.push((k.clone(), v));
                }
            }
        }
    }

    fn finish(self, r: &mut impl Rebuild) -> Value {
        match self {
            RebuildFrame::Array(source, _, items) => r.array(source, items),
            RebuildFrame::Object(source, _, members, _) => r.object(source, members),
        }
    }
}

/// Rebuilds `v` bottom-up, children before their container, with a stack
/// of open containers instead of recursion: any depth is safe.
pub(crate) fn rebuild(v: &Value, r: &mut impl Rebuild) -> Value {
    let Some(root) = RebuildFrame::new(v) else {
        return r.leaf(v);
    };
    let mut stack = vec![root];
    loop {
        let Some(top) = stack.last_mut() else {
            return Value::Undefined;
        };
        match top.next_child() {
            Some(child) => match RebuildFrame::new(child) {
                Some(frame) => stack.push(frame),
                None => {
                    let leaf = r.leaf(child);
                    top.push(leaf);
                }
            },
            None => {
                let Some(done) = stack.pop().map(|f| f.finish(r)) else {
                    return Value::Undefined;
                };
                match stack.last_mut() {
                    Some(parent) => parent.push(done),
                    None => return done,
                }
            }
        }
    }
}

/// Calls `f` on every value in `v` that is not an array, in order, going
/// into nested arrays (not objects) at any depth without recursion.
pub(crate) fn for_each_in_arrays<'a>(v: &'a Value, mut f: impl FnMut(&'a Value)) {
    let Value::Array(a) = v else {
        f(v);
        return;
    };
    let mut stack = vec![a.items.iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(Value::Array(inner)) => stack.push(inner.items.iter()),
            Some(item) => f(item),
            None => {
                stack.pop();
            }
        }
    }
}

/// Is `key` an array index in JavaScript's sense (a canonical decimal
/// integer below 2³² − 1), which JavaScript orders before other keys?
pub(crate) fn array_index_key(key: &str) -> Option<u32> {
    let bytes = key.as_bytes();
    if bytes.is_empty() || bytes.len() > 10 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return None;
    }
    key.parse::<u64>()
        .ok()
        .filter(|&n| n < u64::from(u32::MAX))
        .map(|n| n as u32)
}

/// Sets `key` in `map` as assigning a property of a JavaScript object does:
/// an existing key keeps its place; a new array-index key goes among the
/// other index keys in numeric order, before all other keys; any other new
/// key goes last.
pub fn object_insert(map: &mut Object, key: String, value: Value) {
    if let Some(slot) = map.get_mut(&key) {
        *slot = value;
        return;
    }
    insert_new_key(map, key, value);
}

/// Adds `key`, absent from `map`, where JavaScript orders a new property:
/// an array-index key among the other index keys in numeric order, before
/// all other keys; any other key last.
pub(crate) fn insert_new_key<V>(map: &mut indexmap::IndexMap<String, V>, key: String, value: V) {
    match array_index_key(&key) {
        None => {
            map.insert(key, value);
        }
        Some(n) => {
            let at = map
                .keys()
                .position(|k| array_index_key(k).is_none_or(|m| m > n))
                .unwrap_or(map.len());
            map.shift_insert(at, key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trip_and_numbers() {
        let doc = json!({"a": [1, 2.5, null, true, "x"], "b": {"c": -0.0}});
        let v = Value::from_json(&doc);
        assert_eq!(
            v.to_json(),
            Ok(Some(json!({"a": [1, 2.5, null, true, "x"], "b": {"c": 0}})))
        );
        assert_eq!(
            Value::Number(1e300).to_json(),
            Ok(Some(serde_json::Value::from(1e300)))
        );
        assert_eq!(Value::Number(f64::INFINITY).to_json(), Err(Unsupported));
        assert_eq!(Value::Undefined.to_json(), Ok(None));
    }

    #[test]
    fn sequences_collapse() {
        assert_eq!(Value::sequence(vec![]).to_json(), Ok(None));
        assert_eq!(
            Value::sequence(vec![Value::Number(3.0)]).to_json(),
            Ok(Some(json!(3)))
        );
        assert_eq!(
            Value::array(vec![Value::Number(3.0)]).to_json(),
            Ok(Some(json!([3])))
        );
    }

    #[test]
    fn javascript_key_order() {
        // jsonata-js: {"b":1,"2":2,"1":3} ==> {"1":3,"2":2,"b":1}
        let v = Value::from_json(&json!({"b": 1, "2": 2, "1": 3, "01": 4}));
        let Value::Object(o) = v else { panic!() };
        let keys: Vec<&str> = o.keys().map(String::as_str).collect();
        assert_eq!(keys, ["1", "2", "b", "01"]);
    }
}
