//! The hand-written Rust baseline of the benchmark workloads: the project's
//! shared reference code, `BENCH/baseline/src/main.rs` (crate
//! `asl-baseline`, described in `BENCH/PEERS.md`), compiled into this
//! module by the build script so that `cargo bench -p sfn-bench` measures
//! it in the same process, on the same machine, at the same time as the
//! generated workflows. Its `main` (loading files, timing, printing) is not
//! used: the bench harness does that part.
//!
//! The original runs each execution with `rt.block_on(run(name, input))` on
//! a multi-threaded tokio runtime (`Builder::new_multi_thread().enable_all()`,
//! one worker per CPU); [`runtime`] builds that same runtime.

/// The reference code, unchanged (see the module docs).
#[cfg(sfn_bench_workloads)]
#[allow(
    missing_docs,
    missing_debug_implementations,
    dead_code,
    unused_qualifications,
    unreachable_pub,
    clippy::all,
    clippy::pedantic,
    clippy::nursery
)]
mod reference {
    include!(concat!(env!("OUT_DIR"), "/baseline_main.rs"));

    /// The baseline's entry point for one execution.
    pub(super) async fn run_workload(name: &str, input: Value) -> Value {
        run(name, input).await
    }
}

/// The runtime the baseline's `main` runs executions on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Runs workload `name` once on `input` with the baseline's code.
#[cfg(sfn_bench_workloads)]
pub async fn run(name: &str, input: serde_json::Value) -> serde_json::Value {
    reference::run_workload(name, input).await
}
