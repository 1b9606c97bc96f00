//! The contract between the evaluator and the function library: a built-in
//! function is a name, a JSONata signature, and a Rust function that gets its
//! arguments already checked against the signature.

use std::fmt;
use std::rc::Rc;

use super::eval::{Env, Evaluator};
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

    /// The same error, placed at `position` unless it already has one.
    pub(crate) fn at(mut self, position: usize) -> EvalError {
        if self.position.is_none() {
            self.position = Some(position);
        }
        self
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for EvalError {}

/// A built-in function.
pub struct Builtin {
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

/// What a built-in can ask of the evaluator while it runs: calling function
/// values, the evaluation's clock, errors placed at the call.
pub struct Call<'a> {
    pub(crate) ev: &'a Evaluator<'a>,
    /// The scope of the call (`$eval` evaluates in it).
    pub(crate) env: Rc<Env>,
    /// The context value at the call.
    pub(crate) input: Value,
    /// Where the call is in the expression.
    pub(crate) position: Option<usize>,
}

impl fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl Call<'_> {
    /// Calls a function value (lambda, built-in, partial application,
    /// composition, transform or regular expression) with `args`.
    pub fn apply(&mut self, f: &Value, args: Vec<Value>) -> Result<Value, EvalError> {
        self.ev
            .apply(f, args, &self.input, &self.env, self.position)
            .map_err(|e| match self.position {
                Some(p) => e.at(p),
                None => e,
            })
    }

    /// A uniformly random `u64` from the bindings' entropy (the system's
    /// when they have none).
    pub fn random_u64(&self) -> u64 {
        match self.ev.bindings.entropy() {
            Some(entropy) => entropy.random_u64(),
            None => rand::random(),
        }
    }

    /// A uniformly random number in `[0, 1)` (53 bits of
    /// [`Call::random_u64`]).
    pub fn random_fraction(&self) -> f64 {
        (self.random_u64() >> 11) as f64 * (1.0 / (1_u64 << 53) as f64)
    }

    /// A random version 4 UUID from the bindings' entropy (the system's
    /// when they have none).
    pub fn uuid_v4(&self) -> uuid::Uuid {
        match self.ev.bindings.entropy() {
            Some(entropy) => entropy.uuid_v4(),
            None => uuid::Uuid::new_v4(),
        }
    }

    /// The time of this evaluation in milliseconds since the Unix epoch; the
    /// same for every call in one evaluation.
    pub fn now_millis(&self) -> i64 {
        self.ev.now_millis
    }

    /// An error at the position of the current call.
    pub fn error(&self, code: &'static str, message: impl Into<String>) -> EvalError {
        EvalError {
            code,
            message: message.into(),
            position: self.position,
        }
    }

    /// How many arguments a function value declares (jsonata-js's arity:
    /// the parameters of a lambda; for a built-in, its required parameters).
    /// Higher-order functions pass a callback only as many of (value,
    /// index, array) as it declares.
    pub fn arity(&self, f: &Value) -> usize {
        super::eval::arity(f)
    }

    /// The context value at the call.
    pub fn input(&self) -> &Value {
        &self.input
    }
}
