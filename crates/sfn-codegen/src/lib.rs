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
//! 4. emission of Rust code: [`generate`] (tokens, for the `asl!` macros),
//!    [`generate_string`] (formatted source) and [`Builder`] (for build.rs).
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

mod builder;
pub mod diag;
mod emit;
pub mod ir;
pub mod json;
mod read;

pub use builder::{BuildError, Builder};

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

/// Where generated code goes: the module's name and visibility, and the
/// path of the runtime crate that generated code calls.
#[derive(Clone, Debug)]
pub struct ModuleSpec {
    /// The module's name (`order` for `pub mod order`). Also the state
    /// machine's name, `$$.StateMachine.Name`. A name that is not a Rust
    /// identifier is made snake_case.
    pub name: String,
    /// The module's visibility, as Rust tokens: `pub`, `pub(crate)`, or
    /// nothing for a private module.
    pub visibility: proc_macro2::TokenStream,
    /// The path of the runtime crate, `::sfn_runtime` unless a crate
    /// re-exports it under another name.
    pub runtime: proc_macro2::TokenStream,
}

impl ModuleSpec {
    /// A `pub` module called `name`, using `::sfn_runtime`.
    pub fn new(name: impl Into<String>) -> Self {
        ModuleSpec {
            name: name.into(),
            visibility: quote::quote!(pub),
            runtime: quote::quote!(::sfn_runtime),
        }
    }

    /// The same module with another visibility (`pub(crate)`, or empty tokens for private).
    pub fn with_visibility(mut self, visibility: proc_macro2::TokenStream) -> Self {
        self.visibility = visibility;
        self
    }

    /// The same module calling the runtime through `runtime` (a path such as
    /// `::my_crate::sfn_runtime`).
    pub fn with_runtime(mut self, runtime: proc_macro2::TokenStream) -> Self {
        self.runtime = runtime;
        self
    }
}

/// Compiles a definition to the tokens of its module, `VIS mod NAME { ... }`
/// (what the `asl!` macros expand to). The definition text becomes the
/// module's `DEFINITION`.
///
/// ```
/// let source = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
/// let module = sfn_codegen::ModuleSpec::new("hello");
/// let tokens = sfn_codegen::generate(source, &module, &Default::default()).unwrap();
/// assert!(tokens.to_string().contains("pub mod hello {"));
/// ```
pub fn generate(
    source: &str,
    module: &ModuleSpec,
    options: &Options,
) -> Result<proc_macro2::TokenStream, Failure> {
    let checked = check(source, options)?;
    Ok(emit::emit(&checked.machine, module, source))
}

/// Code for a definition that did not compile: the module with the names
/// user code refers to (`State`, `Tasks` with a method per Task state that
/// can be found, `StateMachine`, `DEFINITION`) and bodies that are never
/// run, so that a compile error in the definition does not cascade into
/// "cannot find" errors. `json` is the definition when it parsed.
pub fn generate_stub(json: Option<&json::Json>, module: &ModuleSpec) -> proc_macro2::TokenStream {
    emit::stub(json, module)
}

/// The header of every generated file.
pub const GENERATED_HEADER: &str = "// @generated by sfn-codegen. Do not edit.\n";

/// Compiles a definition to formatted Rust source: the *items* of its
/// module, for a file that is `include!`d inside `mod NAME { ... }` (what
/// [`Builder`] writes), after a `// @generated by sfn-codegen` line.
///
/// ```
/// let source = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
/// let module = sfn_codegen::ModuleSpec::new("hello");
/// let text = sfn_codegen::generate_string(source, &module, &Default::default()).unwrap();
/// assert!(text.starts_with("// @generated by sfn-codegen"));
/// assert!(text.contains("pub enum State {"));
/// ```
pub fn generate_string(
    source: &str,
    module: &ModuleSpec,
    options: &Options,
) -> Result<String, Failure> {
    let checked = check(source, options)?;
    Ok(format_items(emit::emit_items(
        &checked.machine,
        module,
        source,
    )))
}

/// Formats module items with prettyplease, after the header. Tokens that
/// do not parse as items (never produced by the emitter) are written as
/// they are, for the compiler to report.
pub(crate) fn format_items(tokens: proc_macro2::TokenStream) -> String {
    let body = match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    };
    format!("{GENERATED_HEADER}{body}")
}
