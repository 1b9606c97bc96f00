//! JSONata evaluation: runs the expressions of JSONata-mode states.
//!
//! The syntax tree comes from [`sfn_lang::jsonata`], parsed and checked when
//! the workflow is compiled; generated code builds each tree once (in a
//! `LazyLock`) and wraps it in a [`Program`], which compiles its regular
//! expressions. Nothing is parsed while an execution runs.
//!
//! Module map:
//! * [`value`]: the JSONata value model (undefined, sequences, functions);
//! * `builtins`: the contract between the evaluator and the function library;
//! * `stdlib`: the function library of JSONata 2.0.6 and the functions AWS
//!   Step Functions adds (`$partition`, `$range`, `$hash`, `$random`, `$uuid`,
//!   `$parse`).

pub mod value;

pub(crate) mod builtins;
pub(crate) mod stdlib;

pub use builtins::EvalError;
pub use value::{Array, Function, Object, Value};
