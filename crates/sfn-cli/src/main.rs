//! The `sfn` command: check Amazon States Language workflows, print the
//! Rust code generated for them, draw them, and read the executions of a
//! durable store.
//!
//! Each subcommand lives in its own module: [`check`] (`sfn check`, and
//! the loading that the others share), `gen` (`sfn gen`), [`graph`]
//! (`sfn graph`, with one module per output format) and [`store_cmds`]
//! (`sfn executions` and `sfn history`).

#![forbid(unsafe_code)]

mod check;
mod r#gen;
mod graph;
mod output;
mod store_cmds;

use clap::{Parser, Subcommand, ValueEnum};
use sfn_codegen::{Options, WorkflowType};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile-time tools for Amazon States Language workflows.
#[derive(Debug, Parser)]
#[command(name = "sfn", version, about)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
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
    /// Print the Rust code generated for a workflow, formatted (what
    /// `sfn_codegen::Builder` writes to OUT_DIR). Exit codes as for
    /// `check`; problems are printed on standard error.
    Gen {
        /// The `.asl.json` file.
        file: PathBuf,
        /// The module name (default: the file name up to its first dot).
        #[arg(long)]
        module: Option<String>,
        /// The state machine type, which changes a few rules.
        #[arg(long = "type", value_enum, default_value_t = Kind::Standard)]
        kind: Kind,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Draw a workflow as the AWS console does: each state a node shaped by
    /// its type, Choice rules and Catch errors on the edges, Parallel
    /// branches and Map processors as nested boxes.
    #[command(after_help = GRAPH_HELP)]
    Graph {
        /// The `.asl.json` file.
        file: PathBuf,
        /// The output format.
        #[arg(long, value_enum, default_value_t = graph::Format::Mermaid)]
        format: graph::Format,
        /// An execution history (GetExecutionHistory JSON) whose visited
        /// states are coloured: green entered and left, red where it
        /// failed, orange failed and caught, blue still running, grey cut
        /// short; states not visited keep the default colour.
        #[arg(long, value_name = "HISTORY.json")]
        history: Option<PathBuf>,
        /// The state machine type, which changes a few rules.
        #[arg(long = "type", value_enum, default_value_t = Kind::Standard)]
        kind: Kind,
        /// Write to this file instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
    },
    /// List the executions of a durable store, newest first (AWS's
    /// ListExecutions): a table of NAME, STATUS, STATE MACHINE, STARTED,
    /// STOPPED (and ERROR when one has failed), or JSON with `--json`.
    /// Exit 0 listed, 2 the store cannot be opened or read.
    Executions {
        /// The store: `sqlite:PATH`, a SQLite file path, or
        /// `postgres://...`.
        #[arg(long, value_name = "URL")]
        store: String,
        /// Only the executions with this status.
        #[arg(long, value_enum, ignore_case = true)]
        status: Option<store_cmds::Status>,
        /// Only the executions of this state machine.
        #[arg(long = "state-machine", value_name = "NAME")]
        state_machine: Option<String>,
        /// At most N executions, the newest (default: all).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        max: Option<u64>,
        /// Print ListExecutions-like JSON (`{"executions": [...]}`) instead
        /// of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the history of an execution of a durable store (AWS's
    /// GetExecutionHistory JSON, what `sfn graph --history` reads). Exit 0
    /// printed, 1 no such execution, 2 the store cannot be opened or read.
    History {
        /// The store: `sqlite:PATH`, a SQLite file path, or
        /// `postgres://...`.
        #[arg(long, value_name = "URL")]
        store: String,
        /// The execution's name.
        name: String,
    },
}

/// The notes printed after `sfn graph --help`.
const GRAPH_HELP: &str = "\
Formats:
  mermaid  a `flowchart TD` with a `subgraph` per Parallel branch and Map
           processor (paste into Markdown, or the Mermaid live editor)
  dot      a Graphviz `digraph` with a `subgraph cluster_*` for each
  svg      drawn by sfn itself, with no other tool (layout-rs); nested
           states are drawn flattened, each labelled with its enclosing
           states (`Parallel / Branch 1 / State`). For nested boxes, use
           Graphviz:  sfn graph F --format dot | dot -Tsvg > f.svg

Exit status: 0 drawn, 1 the definition is invalid (problems on standard
error, as `sfn check` prints them), 2 a file cannot be read or written, is
not JSON, or is not an execution history.";

/// `--type`.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Kind {
    /// A Standard workflow.
    Standard,
    /// An Express workflow.
    Express,
}

impl Kind {
    /// The checking options for this type.
    fn options(self) -> Options {
        Options {
            workflow_type: match self {
                Kind::Standard => WorkflowType::Standard,
                Kind::Express => WorkflowType::Express,
            },
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check { files, kind, short } => check::check_files(&files, &kind.options(), short),
        Command::Gen {
            file,
            module,
            kind,
            output,
        } => r#gen::run(&file, module.as_deref(), &kind.options(), output.as_deref()),
        Command::Graph {
            file,
            format,
            history,
            kind,
            output,
        } => graph::run(&graph::Request {
            file: &file,
            format,
            history: history.as_deref(),
            options: kind.options(),
            output: output.as_deref(),
        }),
        Command::Executions {
            store,
            status,
            state_machine,
            max,
            json,
        } => store_cmds::executions(&store_cmds::ListRequest {
            store: &store,
            status,
            state_machine: state_machine.as_deref(),
            max: max.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            json,
        }),
        Command::History { store, name } => store_cmds::history(&store, &name),
    };
    ExitCode::from(code)
}
