//! JSONata evaluation: runs the expressions of JSONata-mode states.
//!
//! The syntax tree comes from [`sfn_lang::jsonata`], parsed and checked when
//! the workflow is compiled; generated code builds each tree once and wraps
//! it in a [`Program`], which prepares what evaluation needs (owned copies of
//! its lambdas and transforms). Nothing is parsed while an execution runs,
//! except what an expression hands to `$eval`.
//!
//! ```
//! use sfn_runtime::jsonata::{Program, Value};
//!
//! let expr = sfn_lang::jsonata::parse("$sum(items.price) * $rate").unwrap();
//! let program = Program::new(expr);
//! let input = Value::from_json(&serde_json::json!({"items": [{"price": 2}, {"price": 3}]}));
//! let mut vars = std::collections::HashMap::new();
//! vars.insert("rate".to_owned(), Value::Number(10.0));
//! let out = program.evaluate(&input, &vars).unwrap();
//! assert_eq!(out.to_json(), Ok(Some(serde_json::json!(50))));
//! ```
//!
//! # Why our own evaluator
//!
//! The crate `jsonata-rs` (0.3, the most complete Rust JSONata) was judged
//! and not used: it describes itself as an incomplete implementation, panics
//! on the parent operator `%` (`unimplemented!`), and keeps its syntax tree
//! private behind an evaluator tied to a `bumpalo` arena, so the tree
//! checked at build time could not be the one that runs (see also
//! [`sfn_lang::jsonata`]). Evaluating jsonata-js's processed tree is a few thousand lines
//! of Rust, written here from the JSONata documentation and the observable
//! behaviour of jsonata-js 2.0.6.
//!
//! It is judged the way the issue asked: `tests/jsonata_reference.rs` runs
//! 2,333 expressions whose outcomes were recorded by running jsonata-js
//! 2.0.6 itself (`tools/jsonata-oracle`), over every function AWS supports and
//! the whole language; 2,328 pass. Of the five that do not, four are
//! jsonata-js defects not copied (`$formatNumber(1e21, '#,##0')` giving
//! `"1e,+21"`, odd separators) and one a corner of signatures (`<n+:n>`),
//! all listed in the test output.
//!
//! Module map:
//! * [`value`]: the JSONata value model (undefined, sequences, functions);
//! * `builtins`: the contract between the evaluator and the function library
//!   ([`Builtin`], [`Call`], [`EvalError`]);
//! * `eval`: the evaluator;
//! * `stdlib`: the function library of JSONata 2.0.6 and the functions AWS
//!   Step Functions adds (`$partition`, `$range`, `$hash`, `$random`, `$uuid`,
//!   `$parse`).

pub mod value;

pub(crate) mod builtins;
pub(crate) mod eval;
pub(crate) mod stdlib;

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::rc::Rc;

use sfn_lang::jsonata::{Expr, RegexLiteral};

pub use builtins::{Builtin, Call, EvalError};
pub use value::{Array, Function, Object, Unsupported, Value};

/// Where `$name` comes from when the expression itself does not bind it
/// (AWS binds `$states` and the workflow's variables this way). A binding
/// shadows a library function of the same name, as in jsonata-js.
pub trait Bindings {
    /// The value of `$name` (`name` without the `$`), if bound.
    fn variable(&self, name: &str) -> Option<Value>;

    /// Asked every [`INTERRUPT_INTERVAL`] evaluation steps: an error to
    /// end the evaluation with now, if it must end (the execution was
    /// stopped or ran out of time). The default never interrupts.
    fn interrupted(&self) -> Option<EvalError> {
        None
    }

    /// "Now" for `$now()`, `$millis()` and the like, in milliseconds since
    /// the Unix epoch, read once per evaluation; `None` (the default) reads
    /// the system clock.
    fn now_millis(&self) -> Option<i64> {
        None
    }

    /// Where `$random()` (without a seed), `$uuid()` and `$shuffle` draw
    /// their randomness; `None` (the default) is the system's.
    fn entropy(&self) -> Option<&dyn crate::intrinsics::Entropy> {
        None
    }
}

/// How many evaluation steps (expression nodes evaluated) pass between two
/// questions to [`Bindings::interrupted`]: often enough that an endless
/// loop (`($f := function($x){$f($x)}; $f(1))`) is noticed within
/// microseconds, rarely enough to cost nothing measurable.
pub const INTERRUPT_INTERVAL: u32 = 1024;

impl Bindings for () {
    fn variable(&self, _name: &str) -> Option<Value> {
        None
    }
}

impl<S: BuildHasher> Bindings for HashMap<String, Value, S> {
    fn variable(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
    }
}

/// A JSONata expression ready to evaluate. `Send + Sync`: one program can
/// serve every execution.
pub struct Program {
    /// Boxed so that node addresses (the registry's keys) never move.
    root: Box<Expr>,
    registry: HashMap<usize, eval::Def>,
    /// The regular expression literals, compiled once (those that compile).
    regexes: HashMap<RegexLiteral, std::sync::Arc<stdlib::regex::JsRegex>>,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("expr", &self.root)
            .finish_non_exhaustive()
    }
}

impl Program {
    /// Prepares an expression. Never fails: a regular expression that cannot
    /// be compiled is an error when evaluation reaches it.
    pub fn new(expr: Expr) -> Program {
        let root = Box::new(expr);
        let mut registry = HashMap::new();
        eval::register(&root, &mut registry);
        let mut regexes = HashMap::new();
        collect_regexes(&root, &mut regexes);
        Program {
            root,
            registry,
            regexes,
        }
    }

    /// The expression.
    pub fn expr(&self) -> &Expr {
        &self.root
    }

    /// Evaluates with `input` as the context `$` and root `$$` (undefined
    /// for no input), and `bindings` consulted for any `$name` not bound
    /// inside the expression.
    pub fn evaluate(&self, input: &Value, bindings: &dyn Bindings) -> Result<Value, EvalError> {
        let ev = eval::Evaluator::new(&self.registry, &self.regexes, bindings, input.clone());
        // An array input is wrapped in a one-item sequence, so that a path
        // over it maps over the array as a whole.
        let context = match input {
            Value::Array(a) if !a.sequence => Value::Array(Rc::new(Array {
                items: vec![input.clone()],
                sequence: true,
                outer_wrapper: true,
                ..Array::default()
            })),
            v => v.clone(),
        };
        let env = Rc::new(eval::Env::default());
        let result = ev.eval(&self.root, &context, &env);
        ev.finish();
        result
    }
}

/// Compiles every regular expression literal of `expr` that compiles (the
/// others fail when evaluation reaches them).
fn collect_regexes(
    expr: &Expr,
    out: &mut HashMap<RegexLiteral, std::sync::Arc<stdlib::regex::JsRegex>>,
) {
    expr.walk(|e| {
        if let sfn_lang::jsonata::ExprKind::Regex(lit) = &e.kind
            && !out.contains_key(lit)
            && let Ok(r) = compile_regex(lit)
        {
            out.insert(lit.clone(), std::sync::Arc::new(r));
        }
    });
}

/// Compiles a regular expression literal.
pub(crate) fn compile_regex(lit: &RegexLiteral) -> Result<stdlib::regex::JsRegex, EvalError> {
    stdlib::regex::JsRegex::new(&lit.pattern, lit.ignore_case, lit.multiline)
        .map_err(|m| EvalError::new("S0302", m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_is_shareable() {
        fn check<T: Send + Sync>() {}
        check::<Program>();
    }
}
