//! Generates one module per benchmark workload of `SFN_BENCH_DIR/workloads`
//! (relative to the workspace root; default `../shared/bench`) through
//! `sfn_codegen::Builder`, and `$OUT_DIR/workloads.rs`, which declares them.
//! When the folder is absent, nothing is generated and `BENCH_DIR` is `None`;
//! otherwise the cfg `sfn_bench_workloads` is set. Inputs, expected outputs
//! and `manifest.json` are read at run time, from `BENCH_DIR`.
//!
//! The hand-written baseline, `BENCH/baseline/src/main.rs`, is compiled into
//! this crate from where it lies (not copied into the repository): its
//! leading `//!` lines, which `include!` cannot take, are dropped and the rest
//! is written to `$OUT_DIR/baseline_main.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

include!("src/workload_names.rs");

fn main() {
    println!("cargo::rerun-if-env-changed=SFN_BENCH_DIR");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/workload_names.rs");
    println!("cargo::rustc-check-cfg=cfg(sfn_bench_workloads)");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = match std::env::var_os("SFN_BENCH_DIR") {
        Some(d) => root.join(d),
        None => root.join("../shared/bench"),
    };
    let workloads = dir.join("workloads");
    let mut text = String::new();
    if !workloads.is_dir() {
        text.push_str("/// The bench folder the workloads were generated from (absent).\n");
        text.push_str("pub const BENCH_DIR: Option<&str> = None;\n");
        std::fs::write(out.join("workloads.rs"), text).expect("write workloads.rs");
        return;
    }
    println!("cargo::rustc-cfg=sfn_bench_workloads");
    let dir = dir.canonicalize().unwrap_or(dir);
    let workloads = dir.join("workloads");
    writeln!(
        text,
        "/// The bench folder the workloads were generated from.\n\
         pub const BENCH_DIR: Option<&str> = Some({:?});",
        dir.display().to_string()
    )
    .unwrap();
    let main_rs = dir.join("baseline/src/main.rs");
    println!("cargo::rerun-if-changed={}", main_rs.display());
    let baseline = std::fs::read_to_string(&main_rs)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", main_rs.display()));
    let body: String = baseline
        .lines()
        .skip_while(|l| l.starts_with("//!"))
        .flat_map(|l| [l, "\n"])
        .collect();
    std::fs::write(out.join("baseline_main.rs"), body).expect("write baseline_main.rs");
    for name in WORKLOADS {
        let file = workloads.join(format!("{name}.asl.json"));
        if let Err(e) = sfn_codegen::Builder::new().compile(&file, name) {
            panic!("workload {name} did not compile:\n{e}");
        }
        writeln!(
            text,
            "/// The workflow generated from `{name}.asl.json`.\n\
             #[allow(missing_docs, missing_debug_implementations, dead_code, clippy::all)]\n\
             pub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{name}.rs\")); }}"
        )
        .unwrap();
    }
    std::fs::write(out.join("workloads.rs"), text).expect("write workloads.rs");
}
