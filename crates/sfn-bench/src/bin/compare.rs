//! `cargo run --release -p sfn-bench --bin compare [RUNS [WORKLOAD]]`: the median wall
//! time of one execution of each workload, sfn against the hand-written
//! baseline, measured as `BENCH/PEERS.md` measures the peers (inside the
//! process, after one warm-up execution, every output checked), printed as
//! a table with the ratio and transitions per second, then the process's
//! peak resident memory (`VmHWM`; run one workload, e.g. `compare 5
//! map_10k`, to see that workload's peak).

#[cfg(sfn_bench_workloads)]
use sfn_bench::{Machine, WORKLOADS, Workload, baseline, sfn_runtime, workloads_dir};
#[cfg(sfn_bench_workloads)]
use std::time::{Duration, Instant};

#[cfg(not(sfn_bench_workloads))]
fn main() {
    eprintln!(
        "the bench folder was not found at build time (SFN_BENCH_DIR, default ../shared/bench)"
    );
    std::process::exit(2);
}

#[cfg(sfn_bench_workloads)]
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[cfg(sfn_bench_workloads)]
fn main() {
    let runs: usize = match std::env::args().nth(1) {
        Some(n) => n.parse().expect("RUNS is a number"),
        None => 5,
    };
    let only = std::env::args().nth(2);
    let dir = workloads_dir().expect("the bench folder was found at build time");
    println!("| workload (transitions) | sfn | baseline | sfn / baseline |");
    println!("|---|---|---|---|");
    for name in WORKLOADS {
        if only.as_deref().is_some_and(|w| w != name) {
            continue;
        }
        let workload = Workload::load(&dir, name);
        let machine = Machine::new(&workload);
        let rt = sfn_runtime();
        let mut sfn = Vec::new();
        for run in 0..=runs {
            let input = workload.input.clone();
            let start = Instant::now();
            let out = rt.block_on(machine.run(input));
            let took = start.elapsed();
            let out = out.unwrap_or_else(|e| panic!("sfn: {name} failed: {e}"));
            workload.check("sfn", &out);
            if run > 0 {
                sfn.push(took);
            }
        }
        let rt = baseline::runtime();
        let mut base = Vec::new();
        for run in 0..=runs {
            let input = workload.input.clone();
            let start = Instant::now();
            let out = rt.block_on(baseline::run(name, input));
            let took = start.elapsed();
            workload.check("baseline", &out);
            if run > 0 {
                base.push(took);
            }
        }
        let (s, b) = (median(sfn), median(base));
        let per_s = |d: Duration| workload.transitions as f64 / d.as_secs_f64() / 1e6;
        println!(
            "| {name} ({}) | {:.3} ms · {:.2} M t/s | {:.3} ms · {:.2} M t/s | {:.2}× |",
            workload.transitions,
            s.as_secs_f64() * 1e3,
            per_s(s),
            b.as_secs_f64() * 1e3,
            per_s(b),
            s.as_secs_f64() / b.as_secs_f64()
        );
    }
    if let Some(peak) = peak_rss() {
        println!("\npeak RSS of this process (VmHWM): {peak}");
    }
}

#[cfg(sfn_bench_workloads)]
/// `VmHWM` of `/proc/self/status` (Linux), as written there (`12345 kB`).
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.trim_start_matches("VmHWM:").trim().to_owned())
}
