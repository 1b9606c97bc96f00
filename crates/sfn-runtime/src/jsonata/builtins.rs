//! The contract between the evaluator and the function library: a built-in
//! function is a name, a JSONata signature, and a Rust function that gets its
//! arguments already checked against the signature.

use std::fmt;

use super::value::Value;

/// A JSONata evaluation error: jsonata-js's error code (`T2001`, `D3030`, ...),
/// a message, and where in the expression it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    /// The jsonata-js error code.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// Byte offset in the expression text, when known.
    pub position: Option<usize>,
}

impl EvalError {
    /// An error with a code and a message, at no particular position.
    pub fn new(code: &'static str, message: impl Into<String>) -> EvalError {
        EvalError {
            code,
            message: message.into(),
            position: None,
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for EvalError {}

/// A built-in function.
pub(crate) struct Builtin {
    /// The name, without `$`.
    pub name: &'static str,
    /// The JSONata signature, e.g. `<s-nn?:s>`; the evaluator validates
    /// arguments against it (and supplies the context for `-`) before calling.
    pub signature: &'static str,
    /// The implementation.
    pub call: fn(&mut Call<'_>, Vec<Value>) -> Result<Value, EvalError>,
}

impl fmt::Debug for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}", self.name)
    }
}

/// What a built-in can ask of the evaluator while it runs. The evaluator
/// fills in the body.
pub(crate) struct Call<'a> {
    /// Evaluator state (defined by the evaluator).
    pub(crate) _eval: std::marker::PhantomData<&'a ()>,
}
