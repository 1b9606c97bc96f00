//! [`Builder`]: compiling workflows from a build script.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     sfn_codegen::Builder::new().compile("workflows/order.asl.json", "order")?;
//!     Ok(())
//! }
//! // src/lib.rs:
//! // pub mod order { include!(concat!(env!("OUT_DIR"), "/order.rs")); }
//! ```

use crate::diag::{Diagnostic, snippet};
use crate::json::LineIndex;
use crate::{Failure, ModuleSpec, Options};
use std::fmt;
use std::path::{Path, PathBuf};

/// Compiles workflow definitions into `$OUT_DIR/<module>.rs` from a build
/// script.
///
/// Paths are relative to the package (`CARGO_MANIFEST_DIR`); each file is
/// registered with `cargo::rerun-if-changed`, so editing it rebuilds the
/// crate. Warnings are passed on as `cargo::warning` lines.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    options: Options,
    out_dir: Option<PathBuf>,
    manifest_dir: Option<PathBuf>,
    runtime: Option<String>,
}

impl Builder {
    /// A builder with the default [`Options`], writing to `$OUT_DIR`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks definitions with these options (e.g. as Express workflows).
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Writes to `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Resolves definition paths against `dir` instead of `$CARGO_MANIFEST_DIR`.
    pub fn manifest_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.manifest_dir = Some(dir.into());
        self
    }

    /// Generated code calls the runtime through this path instead of
    /// `::sfn_runtime` (for crates that re-export it), e.g. `"::my_crate::sfn_runtime"`.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Self {
        self.runtime = Some(path.into());
        self
    }

    /// Compiles the definition at `path` (relative to the package) into the
    /// items of module `module`, written to `<out dir>/<module>.rs`, and
    /// returns the path written.
    ///
    /// # Errors
    ///
    /// When an environment variable is missing, a file cannot be read or
    /// written, or the definition is invalid; the error's `Display` lists
    /// every diagnostic as `FILE:LINE:COL: error: MESSAGE (at PATH)` with the
    /// source line.
    pub fn compile(&self, path: impl AsRef<Path>, module: &str) -> Result<PathBuf, BuildError> {
        let path = path.as_ref();
        let display = path.display().to_string();
        let manifest_dir = match &self.manifest_dir {
            Some(dir) => dir.clone(),
            None => env_dir("CARGO_MANIFEST_DIR", &display)?,
        };
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => env_dir("OUT_DIR", &display)?,
        };
        let source_path = manifest_dir.join(path);
        println!("cargo::rerun-if-changed={}", source_path.display());
        let source = std::fs::read_to_string(&source_path).map_err(|e| BuildError {
            file: display.clone(),
            kind: Kind::Io(format!("cannot read {}: {e}", source_path.display())),
        })?;
        let mut spec = ModuleSpec::new(module);
        if let Some(runtime) = &self.runtime {
            match runtime.parse::<proc_macro2::TokenStream>() {
                Ok(tokens) => spec = spec.with_runtime(tokens),
                Err(e) => {
                    return Err(BuildError {
                        file: display,
                        kind: Kind::Io(format!("invalid runtime path `{runtime}`: {e}")),
                    });
                }
            }
        }
        let checked = match crate::check(&source, &self.options) {
            Ok(checked) => checked,
            Err(failure) => {
                return Err(BuildError {
                    file: display,
                    kind: Kind::Invalid { source, failure },
                });
            }
        };
        let index = LineIndex::new(&source);
        for warning in &checked.warnings {
            println!(
                "cargo::warning={}",
                warning.display(&display, &source, &index)
            );
        }
        let text = crate::format_items(crate::emit::emit_items(&checked.machine, &spec, &source));
        let file_name = crate::emit::module_ident(module).to_string();
        let file_name = file_name.trim_start_matches("r#");
        let out_path = out_dir.join(format!("{file_name}.rs"));
        std::fs::write(&out_path, text).map_err(|e| BuildError {
            file: display,
            kind: Kind::Io(format!("cannot write {}: {e}", out_path.display())),
        })?;
        Ok(out_path)
    }
}

/// A directory named by an environment variable that Cargo sets for build scripts.
fn env_dir(name: &str, file: &str) -> Result<PathBuf, BuildError> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| BuildError {
            file: file.to_owned(),
            kind: Kind::Io(format!(
                "the environment variable {name} is not set (is this running in a build script?)"
            )),
        })
}

/// Why [`Builder::compile`] failed. Its `Display` (and `Debug`, so that a
/// build script's `main` returning it prints the same) lists every problem.
pub struct BuildError {
    file: String,
    kind: Kind,
}

enum Kind {
    Io(String),
    Invalid { source: String, failure: Failure },
}

impl BuildError {
    /// The diagnostics, when the definition was read but is not valid.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.kind {
            Kind::Invalid {
                failure: Failure::Invalid(diags),
                ..
            } => diags,
            _ => &[],
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Io(message) => write!(f, "{}: error: {message}", self.file),
            Kind::Invalid { source, failure } => {
                let index = LineIndex::new(source);
                match failure {
                    Failure::NotJson(e) => {
                        let (line, col) = index.line_col(source, e.offset);
                        let at = crate::json::Span::new(e.offset, e.offset + 1);
                        write!(
                            f,
                            "{}:{line}:{col}: error: not JSON: {}\n{}",
                            self.file,
                            e.message,
                            snippet(source, &index, at)
                        )
                    }
                    Failure::Invalid(diags) => {
                        for (i, d) in diags.iter().enumerate() {
                            if i > 0 {
                                writeln!(f)?;
                            }
                            writeln!(f, "{}", d.display(&self.file, source, &index))?;
                            write!(f, "{}", snippet(source, &index, d.span))?;
                        }
                        Ok(())
                    }
                }
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}
