//! The Amazon States Language front end and code generator of sfn.
//!
//! A workflow definition goes through four stages:
//!
//! 1. [`json::parse`]: JSON text to a tree that keeps the line and column of
//!    every key and value (and duplicate keys, which AWS rejects);
//! 2. reading and validation: every rule AWS applies when a state machine
//!    is created, plus those of the linters statelint and asl-validator,
//!    each problem a [`Diagnostic`] with its position and definition path;
//! 3. lowering to the [`ir`]: states as a graph of nested scopes with every
//!    path, template, intrinsic call, Choice rule and JSONata expression
//!    already parsed;
//! 4. emission of Rust code (in a later release).
//!
//! ```
//! let source = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Nxt": "B"}}}"#;
//! let err = sfn_codegen::check(source, &sfn_codegen::Options::default()).unwrap_err();
//! let sfn_codegen::Failure::Invalid(diags) = err else { panic!("not JSON?") };
//! let nxt = diags.iter().find(|d| d.message.contains("unknown field `Nxt`")).unwrap();
//! assert_eq!(nxt.help.as_deref(), Some("did you mean `Next`?"));
//! assert_eq!(nxt.path, "States.A.Nxt");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod diag;
pub mod ir;
pub mod json;
mod read;

pub use diag::{Diagnostic, Severity};
pub use json::{JsonError, LineIndex, Span};

/// The kind of state machine, which changes a few rules (Express machines
/// cannot wait for callbacks or run `.sync` jobs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WorkflowType {
    /// A Standard workflow (the default).
    #[default]
    Standard,
    /// An Express workflow.
    Express,
}

/// Settings for checking a definition.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Standard or Express.
    pub workflow_type: WorkflowType,
}

/// Why a definition was not accepted.
#[derive(Clone, Debug)]
pub enum Failure {
    /// The text is not JSON.
    NotJson(JsonError),
    /// The JSON is not a valid state machine: every error (and warning) found.
    Invalid(Vec<Diagnostic>),
}

/// A definition that passed: the IR, and any warnings.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The lowered state machine.
    pub machine: ir::StateMachine,
    /// Warnings (never errors).
    pub warnings: Vec<Diagnostic>,
}

/// Parses, validates and lowers a definition given as JSON text.
pub fn check(source: &str, options: &Options) -> Result<Checked, Failure> {
    let json = json::parse(source).map_err(Failure::NotJson)?;
    check_json(&json, options)
}

/// Validates and lowers a definition already parsed with [`json::parse`]
/// (for definitions embedded in a larger JSON document; spans stay those of
/// that document).
pub fn check_json(json: &json::Json, options: &Options) -> Result<Checked, Failure> {
    let mut diags = diag::Diagnostics::new();
    let machine = read::read_machine(json, options, &mut diags);
    let has_errors = diags.has_errors();
    let list = diags.into_vec();
    match machine {
        Some(machine) if !has_errors => Ok(Checked {
            machine,
            warnings: list,
        }),
        _ => Err(Failure::Invalid(list)),
    }
}
