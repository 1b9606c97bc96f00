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
use std::rc::Rc;

use crate::jsonata::builtins::Builtin;
use std::sync::Arc;

use crate::jsonata::eval::{Env, LambdaDef, TransformDef};

/// A JSON object as JSONata sees it: keys keep their insertion order.
pub type Object = indexmap::IndexMap<String, Value>;

/// How deep [`Value::to_json`] and the other recursive walks over values go
/// before giving up (values built by an expression can nest arbitrarily).
pub(crate) const MAX_VALUE_DEPTH: usize = 1000;

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

/// An array, with the flags jsonata-js keeps on its arrays.
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

    /// The value of a JSON document. Objects keep JavaScript's key order;
    /// integers too large for `f64` lose precision as in JavaScript.
    pub fn from_json(v: &serde_json::Value) -> Value {
        from_json_depth(v, 0)
    }

    /// The JSON form of a result: `Ok(None)` for undefined.
    ///
    /// Sequences collapse as jsonata-js's result does (a singleton sequence
    /// becomes its item unless it must stay an array; an empty one is
    /// undefined); undefined items inside arrays are dropped and undefined
    /// fields omitted, as `JSON.stringify` does. A function anywhere in the
    /// value, a number that is not finite, or nesting deeper than 1000
    /// levels is [`Unsupported`]. Integral numbers within ±2⁵³ become JSON
    /// integers.
    pub fn to_json(&self) -> Result<Option<serde_json::Value>, Unsupported> {
        let v = match self {
            Value::Array(a) if a.sequence && !a.keep_singleton => match a.items.as_slice() {
                [] => return Ok(None),
                [one] => one,
                _ => self,
            },
            v => v,
        };
        to_json_depth(v, 0)
    }
}

fn from_json_depth(v: &serde_json::Value, depth: usize) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::string(s.as_str()),
        // serde_json's parser limits nesting to 128 levels; a deeper value
        // built in code is cut off rather than overflowing the stack.
        serde_json::Value::Array(_) | serde_json::Value::Object(_) if depth > MAX_VALUE_DEPTH => {
            Value::Null
        }
        serde_json::Value::Array(items) => Value::array(
            items
                .iter()
                .map(|i| from_json_depth(i, depth + 1))
                .collect(),
        ),
        serde_json::Value::Object(map) => {
            let mut out = Object::with_capacity(map.len());
            for (k, v) in map {
                object_insert(&mut out, k.clone(), from_json_depth(v, depth + 1));
            }
            Value::object(out)
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

fn to_json_depth(v: &Value, depth: usize) -> Result<Option<serde_json::Value>, Unsupported> {
    if depth > MAX_VALUE_DEPTH {
        return Err(Unsupported);
    }
    Ok(Some(match v {
        Value::Undefined => return Ok(None),
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => return number_to_json(*n).map(Some).ok_or(Unsupported),
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Array(a) => {
            let mut out = Vec::with_capacity(a.items.len());
            for item in &a.items {
                // JSON.stringify writes undefined array items as null.
                out.push(to_json_depth(item, depth + 1)?.unwrap_or(serde_json::Value::Null));
            }
            serde_json::Value::Array(out)
        }
        Value::Object(o) => {
            let mut out = serde_json::Map::with_capacity(o.len());
            for (k, item) in o.iter() {
                if let Some(j) = to_json_depth(item, depth + 1)? {
                    out.insert(k.clone(), j);
                }
            }
            serde_json::Value::Object(out)
        }
        Value::Function(_) => return Err(Unsupported),
    }))
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
