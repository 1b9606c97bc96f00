//! The runtime of workflows compiled by sfn from the Amazon States Language.
//!
//! Generated code calls into this crate for everything that is the same in
//! every workflow: JSONPath evaluation, payload templates, the input and
//! output processing of states (InputPath, Parameters, ResultSelector,
//! ResultPath, OutputPath), intrinsic functions, Choice operators, the
//! context object, workflow variables and the errors of the States language.
//! Every expression arrives already parsed (by `sfn-codegen`, into the types
//! of `sfn-lang`); nothing here parses a path or call while a workflow runs.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod choice;
pub mod context;
pub mod dataflow;
pub mod error;
pub mod intrinsics;
pub mod jsonpath;
pub mod template;
pub mod variables;

pub use error::StatesError;
pub use sfn_lang;
