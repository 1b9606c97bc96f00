//! `cargo bench -p sfn-bench`: each workload of `BENCH/workloads` run by the
//! workflow sfn generated from its `.asl.json`, and by the hand-written
//! baseline, in the same process. Every measured execution's output is
//! checked against `W.expected.json` once before timing starts.
//!
//! Filter with criterion's usual argument, e.g. `cargo bench -p sfn-bench -- map_10k/`.

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{Criterion, criterion_group, criterion_main};

#[cfg(sfn_bench_workloads)]
fn workloads(c: &mut Criterion) {
    use criterion::BatchSize;
    use sfn_bench::{
        Machine, WORKLOADS, Workload, baseline, check_both, sfn_runtime, workloads_dir,
    };
    let dir = workloads_dir().expect("the bench folder was found at build time");
    for name in WORKLOADS {
        let workload = Workload::load(&dir, name);
        check_both(&workload);
        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        let machine = Machine::new(&workload);
        let rt = sfn_runtime();
        group.bench_function("sfn", |b| {
            b.iter_batched(
                || workload.input.clone(),
                |input| rt.block_on(machine.run(input)),
                BatchSize::LargeInput,
            )
        });
        let rt = baseline::runtime();
        group.bench_function("baseline", |b| {
            b.iter_batched(
                || workload.input.clone(),
                |input| rt.block_on(baseline::run(name, input)),
                BatchSize::LargeInput,
            )
        });
        group.finish();
    }
}

#[cfg(not(sfn_bench_workloads))]
fn workloads(_: &mut Criterion) {
    println!(
        "bench folder not found at build time (SFN_BENCH_DIR, default ../shared/bench); nothing to measure"
    );
}

criterion_group!(benches, workloads);
criterion_main!(benches);
