//! `sfn check`, and the loading step that `sfn gen` and `sfn graph` share
//! with it: read a file, check it, print its diagnostics the same way.
//!
//! Exit codes (DESIGN.md): 0 when valid, 1 when a definition is invalid, 2
//! when a file cannot be read or is not JSON.

use sfn_codegen::{Checked, Failure, LineIndex, Options, Severity, diag};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The exit code for an invalid definition.
pub const INVALID: u8 = 1;
/// The exit code for a file that cannot be read (or written), or is not JSON.
pub const UNREADABLE: u8 = 2;

/// Checks each file, prints its problems, and returns the exit code: the
/// worst outcome over all files.
pub fn check_files(files: &[PathBuf], options: &Options, short: bool) -> u8 {
    let mut code = 0;
    for file in files {
        // Buffered: a file with thousands of problems is one write per
        // block of output, not one per line. Flushed after each file, so
        // that its problems come before the next file's messages on
        // standard error.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let outcome = load(file, options, short, &mut out);
        let _ = out.flush();
        code = match outcome {
            Ok(_) => code,
            Err(c) => code.max(c),
        };
    }
    code
}

/// Reads and checks one definition, printing its warnings (on success) or
/// its diagnostics (on failure) to `out` as `sfn check` does (`sfn check`
/// passes standard output; `sfn gen` and `sfn graph`, whose standard output
/// is their product, pass standard error). A file that cannot be read is
/// reported on standard error. Returns the source text and the checked
/// machine, or the exit code.
pub fn load(
    file: &Path,
    options: &Options,
    short: bool,
    out: &mut dyn Write,
) -> Result<(String, Checked), u8> {
    let name = file.display().to_string();
    let source = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{name}: error: cannot read the file: {e}");
            return Err(UNREADABLE);
        }
    };
    let index = LineIndex::new(&source);
    match sfn_codegen::check(&source, options) {
        Ok(checked) => {
            for w in &checked.warnings {
                print_diag(out, &name, &source, &index, w, short);
            }
            Ok((source, checked))
        }
        Err(failure) => Err(report_failure(out, &name, &source, &failure, short)),
    }
}

/// Prints to `out` why `source` (read from the file `name`) was rejected,
/// and returns the exit code for it.
pub fn report_failure(
    out: &mut dyn Write,
    name: &str,
    source: &str,
    failure: &Failure,
    short: bool,
) -> u8 {
    let index = LineIndex::new(source);
    match failure {
        Failure::NotJson(e) => {
            let (line, col) = index.line_col(source, e.offset);
            let _ = writeln!(out, "{name}:{line}:{col}: error: not JSON: {e}");
            if !short {
                let _ = writeln!(
                    out,
                    "{}",
                    diag::snippet(
                        source,
                        &index,
                        sfn_codegen::Span::new(e.offset, e.offset + 1)
                    )
                );
            }
            UNREADABLE
        }
        Failure::Invalid(diags) => {
            for d in diags {
                print_diag(out, name, source, &index, d, short);
            }
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            if !short {
                let _ = writeln!(
                    out,
                    "{name}: {errors} error{}",
                    if errors == 1 { "" } else { "s" }
                );
            }
            INVALID
        }
    }
}

/// Prints one diagnostic to `out`: the one-line form, then (unless `short`) the
/// source line with a caret underneath.
fn print_diag(
    out: &mut dyn Write,
    name: &str,
    source: &str,
    index: &LineIndex,
    d: &sfn_codegen::Diagnostic,
    short: bool,
) {
    let _ = writeln!(out, "{}", d.display(name, source, index));
    if !short {
        let _ = writeln!(out, "{}", diag::snippet(source, index, d.span));
    }
}
