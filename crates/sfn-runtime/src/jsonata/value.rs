//! The values a JSONata expression works with.
//!
//! JSON values, plus what JSON lacks: *undefined* (no value, as in
//! JavaScript), *sequences* (the arrays that path steps produce, which
//! collapse to their single item), and functions (lambdas, built-ins, partial
//! applications, regular expressions). Values are reference counted so that
//! copying a large input between steps is cheap; evaluation is synchronous and
//! a `Value` never crosses an `.await` or a thread.

use std::fmt;
use std::rc::Rc;

/// A JSON object as JSONata sees it: keys keep their insertion order.
pub type Object = indexmap::IndexMap<String, Value>;

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

/// A function value. The evaluator defines the variants it needs beyond
/// these.
pub enum Function {
    /// A built-in function of the library.
    Native(&'static crate::jsonata::builtins::Builtin),
    /// A compiled regular expression literal, callable as a matcher.
    Regex(Rc<crate::jsonata::stdlib::regex::JsRegex>),
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Function::Native(b) => write!(f, "native ${}", b.name),
            Function::Regex(_) => f.write_str("regex"),
        }
    }
}

impl Value {
    /// A string value.
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    /// Is this the undefined value?
    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }
}
