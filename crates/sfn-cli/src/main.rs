//! The `sfn` command: check Amazon States Language workflows (and, in later
//! releases, generate their Rust code and draw them).

#![forbid(unsafe_code)]

use clap::{Parser, Subcommand, ValueEnum};
use sfn_codegen::{Failure, LineIndex, Options, Severity, WorkflowType, diag};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile-time tools for Amazon States Language workflows.
#[derive(Debug, Parser)]
#[command(name = "sfn", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate workflow definitions. Exit 0 when all are valid, 1 when one
    /// is not, 2 when one cannot be read or is not JSON.
    Check {
        /// The `.asl.json` files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The state machine type, which changes a few rules.
        #[arg(long = "type", value_enum, default_value_t = Kind::Standard)]
        kind: Kind,
        /// Print only the one-line form of each problem, without the source.
        #[arg(long)]
        short: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Kind {
    Standard,
    Express,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, kind, short } => {
            let options = Options {
                workflow_type: match kind {
                    Kind::Standard => WorkflowType::Standard,
                    Kind::Express => WorkflowType::Express,
                },
            };
            ExitCode::from(check_files(&files, &options, short))
        }
    }
}

/// Checks each file, prints its problems, and returns the exit code.
fn check_files(files: &[PathBuf], options: &Options, short: bool) -> u8 {
    let mut code = 0;
    for file in files {
        let name = file.display().to_string();
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{name}: error: cannot read the file: {e}");
                code = 2;
                continue;
            }
        };
        let index = LineIndex::new(&source);
        match sfn_codegen::check(&source, options) {
            Ok(checked) => {
                for w in &checked.warnings {
                    print_diag(&name, &source, &index, w, short);
                }
            }
            Err(Failure::NotJson(e)) => {
                let (line, col) = index.line_col(&source, e.offset);
                println!("{name}:{line}:{col}: error: not JSON: {e}");
                if !short {
                    println!(
                        "{}",
                        diag::snippet(
                            &source,
                            &index,
                            sfn_codegen::Span::new(e.offset, e.offset + 1)
                        )
                    );
                }
                code = 2;
            }
            Err(Failure::Invalid(diags)) => {
                for d in &diags {
                    print_diag(&name, &source, &index, d, short);
                }
                if code == 0 {
                    code = 1;
                }
                let errors = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                if !short {
                    println!(
                        "{name}: {errors} error{}",
                        if errors == 1 { "" } else { "s" }
                    );
                }
            }
        }
    }
    code
}

fn print_diag(
    name: &str,
    source: &str,
    index: &LineIndex,
    d: &sfn_codegen::Diagnostic,
    short: bool,
) {
    println!("{}", d.display(name, source, index));
    if !short {
        println!("{}", diag::snippet(source, index, d.span));
    }
}
