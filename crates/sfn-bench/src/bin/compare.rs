//! `cargo run --release -p sfn-bench --bin compare [RUNS [WORKLOAD]] [OPTIONS]`:
//! the median wall time of one execution of each workload, sfn against the
//! hand-written baseline, measured as `BENCH/PEERS.md` measures the peers
//! (inside the process, after warm-up executions, every output checked).
//!
//! By default it prints a Markdown table with the ratio and transitions per
//! second, then the process's peak resident memory (`VmHWM`; run one
//! workload, e.g. `compare 5 map_10k`, to see that workload's peak).
//! `--json` prints instead one JSON line per engine and workload, in the
//! shape of the peer runners of `BENCH/peers` (`ok`, `runs_ms`,
//! `median_ms`, `transitions_per_s`); `bench/compare.sh` reads those lines.
//!
//! Options (each also as `--name=value`):
//! * `--runs N`: measured executions per workload and engine (default 5);
//! * `--warmup N`: executions before them, not measured (default 1);
//! * `--engine sfn|baseline|both`: which engines to run (default both); one
//!   engine and one workload per process gives that pair's own peak RSS;
//! * `--workload W`: only workload `W`;
//! * `--json`: JSON lines instead of the table.
//!
//! Exit status: 0 when every execution gave the expected output, 1 when one
//! failed or gave another output (the others are still measured), 2 for bad
//! arguments or a missing bench folder.

// Without the bench folder only `main`'s `--help` reads the options.
#![cfg_attr(not(sfn_bench_workloads), allow(dead_code))]

#[cfg(sfn_bench_workloads)]
use sfn_bench::{Machine, WORKLOADS, Workload, baseline, sfn_runtime, workloads_dir};
#[cfg(sfn_bench_workloads)]
use std::time::{Duration, Instant};

/// How to call the binary, printed with `--help` and after a bad argument.
const USAGE: &str = "usage: compare [RUNS [WORKLOAD]] [--runs N] [--warmup N] \
[--engine sfn|baseline|both] [--workload W] [--json]";

#[cfg(not(sfn_bench_workloads))]
fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    eprintln!(
        "the bench folder was not found at build time (SFN_BENCH_DIR, default ../shared/bench)"
    );
    std::process::exit(2);
}

/// The engines one run of the binary measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engines {
    /// The generated workflow only.
    Sfn,
    /// The hand-written baseline only.
    Baseline,
    /// Both, sfn first.
    Both,
}

/// The parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    /// Measured executions per workload and engine.
    runs: usize,
    /// Unmeasured executions before them.
    warmup: usize,
    /// Which engines to run.
    engines: Engines,
    /// Only this workload, when given.
    workload: Option<String>,
    /// JSON lines instead of the Markdown table.
    json: bool,
    /// `--help` was given.
    help: bool,
}

/// Parses the arguments after the program name.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        runs: 5,
        warmup: 1,
        engines: Engines::Both,
        workload: None,
        json: false,
        help: false,
    };
    let number = |flag: &str, value: &str| -> Result<usize, String> {
        value
            .parse()
            .map_err(|_| format!("{flag} takes a number, not {value:?}"))
    };
    let mut positional = 0;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if arg.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args.next().ok_or_else(|| format!("{flag} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => options.help = true,
            "--json" => options.json = true,
            "--runs" => options.runs = number("--runs", &value()?)?,
            "--warmup" => options.warmup = number("--warmup", &value()?)?,
            "--workload" => options.workload = Some(value()?),
            "--engine" => {
                options.engines = match value()?.as_str() {
                    "sfn" => Engines::Sfn,
                    "baseline" => Engines::Baseline,
                    "both" => Engines::Both,
                    other => {
                        return Err(format!("--engine is sfn, baseline or both, not {other:?}"));
                    }
                }
            }
            f if f.starts_with('-') => return Err(format!("unknown option {f}")),
            _ => {
                match positional {
                    0 => options.runs = number("RUNS", &arg)?,
                    1 => options.workload = Some(arg),
                    _ => return Err(format!("unexpected argument {arg:?}")),
                }
                positional += 1;
            }
        }
    }
    if options.runs == 0 {
        return Err("at least one measured run is needed (RUNS / --runs)".to_owned());
    }
    Ok(options)
}

/// What one engine did on one workload.
#[cfg(sfn_bench_workloads)]
struct Measured {
    /// Wall time of each measured execution, in order.
    runs: Vec<Duration>,
    /// The first failure or wrong output, if any (measuring stops there).
    error: Option<String>,
}

#[cfg(sfn_bench_workloads)]
impl Measured {
    /// The median of the measured runs (the upper one of an even count, as
    /// the peer runners take it), if any run was measured.
    fn median(&self) -> Option<Duration> {
        let mut times = self.runs.clone();
        times.sort();
        times.get(times.len() / 2).copied()
    }
}

/// Times `warmup + runs` executions of `execute`, checking every output.
#[cfg(sfn_bench_workloads)]
fn measure(
    workload: &Workload,
    engine: &str,
    options: &Options,
    mut execute: impl FnMut(serde_json::Value) -> Result<serde_json::Value, String>,
) -> Measured {
    let mut measured = Measured {
        runs: Vec::with_capacity(options.runs),
        error: None,
    };
    for run in 0..options.warmup + options.runs {
        let input = workload.input.clone();
        let start = Instant::now();
        let out = execute(input);
        let took = start.elapsed();
        let problem = match out {
            Ok(out) => workload.mismatch(engine, &out),
            Err(e) => Some(format!("{engine}: {} failed: {e}", workload.name)),
        };
        if problem.is_some() {
            measured.error = problem;
            break;
        }
        if run >= options.warmup {
            measured.runs.push(took);
        }
    }
    measured
}

/// Runs the generated workflow of `workload`.
#[cfg(sfn_bench_workloads)]
fn measure_sfn(workload: &Workload, options: &Options) -> Measured {
    let machine = Machine::new(workload);
    let rt = sfn_runtime();
    measure(workload, "sfn", options, |input| {
        rt.block_on(machine.run(input)).map_err(|e| e.to_string())
    })
}

/// Runs the baseline's code for `workload`.
#[cfg(sfn_bench_workloads)]
fn measure_baseline(workload: &Workload, options: &Options) -> Measured {
    let rt = baseline::runtime();
    measure(workload, "baseline", options, |input| {
        Ok(rt.block_on(baseline::run(workload.name, input)))
    })
}

/// One JSON line for `engine` on `workload`, like the peer runners print.
#[cfg(sfn_bench_workloads)]
fn json_line(engine: &str, workload: &Workload, measured: &Measured) -> serde_json::Value {
    let ms = |d: Duration| (d.as_secs_f64() * 1e3 * 1e4).round() / 1e4;
    let median = measured.median();
    serde_json::json!({
        "engine": engine,
        "workload": workload.name,
        "ok": measured.error.is_none(),
        "err": measured.error,
        "runs_ms": measured.runs.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
        "median_ms": median.map(ms),
        "transitions": workload.transitions,
        "transitions_per_s": median
            .map(|d| (workload.transitions as f64 / d.as_secs_f64()).round() as u64),
        "process_peak_rss_kb": peak_rss_kb(),
    })
}

/// One table cell: median time and transitions per second, or the failure.
#[cfg(sfn_bench_workloads)]
fn cell(workload: &Workload, measured: &Measured) -> String {
    match (measured.median(), &measured.error) {
        (Some(d), None) => format!(
            "{:.3} ms · {:.2} M t/s",
            d.as_secs_f64() * 1e3,
            workload.transitions as f64 / d.as_secs_f64() / 1e6
        ),
        _ => "failed".to_owned(),
    }
}

#[cfg(sfn_bench_workloads)]
fn main() {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("compare: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if options.help {
        println!("{USAGE}");
        return;
    }
    let names: Vec<&'static str> = match &options.workload {
        None => WORKLOADS.to_vec(),
        Some(w) => match WORKLOADS.iter().find(|n| *n == w) {
            Some(n) => vec![*n],
            None => {
                eprintln!(
                    "compare: unknown workload {w:?}; the workloads are {}",
                    WORKLOADS.join(", ")
                );
                std::process::exit(2);
            }
        },
    };
    let Some(dir) = workloads_dir() else {
        eprintln!("compare: the bench folder was not found at build time");
        std::process::exit(2);
    };
    let (sfn, base) = match options.engines {
        Engines::Sfn => (true, false),
        Engines::Baseline => (false, true),
        Engines::Both => (true, true),
    };
    if !options.json {
        match options.engines {
            Engines::Both => {
                println!("| workload (transitions) | sfn | baseline | sfn / baseline |");
                println!("|---|---|---|---|");
            }
            Engines::Sfn => println!("| workload (transitions) | sfn |\n|---|---|"),
            Engines::Baseline => println!("| workload (transitions) | baseline |\n|---|---|"),
        }
    }
    let mut failures = Vec::new();
    for name in names {
        let workload = match Workload::try_load(&dir, name) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("compare: {e}");
                std::process::exit(2);
            }
        };
        let mut row = Vec::new();
        for (engine, wanted) in [("sfn", sfn), ("baseline", base)] {
            if !wanted {
                continue;
            }
            let measured = match engine {
                "sfn" => measure_sfn(&workload, &options),
                _ => measure_baseline(&workload, &options),
            };
            if options.json {
                println!("{}", json_line(engine, &workload, &measured));
            }
            if let Some(e) = &measured.error {
                failures.push(e.clone());
            }
            row.push(measured);
        }
        if options.json {
            continue;
        }
        let cells: Vec<String> = row.iter().map(|m| cell(&workload, m)).collect();
        let ratio = match (row.first(), row.get(1)) {
            (Some(s), Some(b)) => match (s.median(), b.median(), &s.error, &b.error) {
                (Some(s), Some(b), None, None) => {
                    format!(" {:.2}× |", s.as_secs_f64() / b.as_secs_f64())
                }
                _ => " – |".to_owned(),
            },
            _ => String::new(),
        };
        println!(
            "| {name} ({}) | {} |{ratio}",
            workload.transitions,
            cells.join(" | ")
        );
    }
    if !options.json
        && let Some(peak) = peak_rss_kb()
    {
        println!("\npeak RSS of this process (VmHWM): {peak} kB");
    }
    for e in &failures {
        eprintln!("{e}");
    }
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

/// `VmHWM` of `/proc/self/status` in kB (Linux only).
#[cfg(sfn_bench_workloads)]
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        parse_args(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn positional_arguments_still_work() {
        let o = parse(&["3", "map_10k"]).unwrap();
        assert_eq!((o.runs, o.warmup), (3, 1));
        assert_eq!(o.workload.as_deref(), Some("map_10k"));
        assert_eq!(o.engines, Engines::Both);
        assert!(!o.json);
    }

    #[test]
    fn options_in_both_spellings() {
        let o = parse(&[
            "--json",
            "--engine=sfn",
            "--runs",
            "7",
            "--warmup=0",
            "--workload",
            "retry_catch",
        ])
        .unwrap();
        assert_eq!((o.runs, o.warmup, o.engines), (7, 0, Engines::Sfn));
        assert_eq!(o.workload.as_deref(), Some("retry_catch"));
        assert!(o.json);
    }

    #[test]
    fn bad_arguments_are_errors_not_panics() {
        assert!(parse(&["five"]).unwrap_err().contains("RUNS"));
        assert!(parse(&["--runs"]).unwrap_err().contains("needs a value"));
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--engine", "node"]).unwrap_err().contains("sfn"));
        assert!(parse(&["--fast"]).unwrap_err().contains("unknown option"));
        assert!(parse(&["1", "map_10k", "extra"]).is_err());
    }
}
