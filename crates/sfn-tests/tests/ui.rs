//! Compile-fail cases of the macros: each error points at its token (JSON
//! written as tokens) or names `FILE:LINE:COL` (JSON in a string or a file).
//! Bless with `TRYBUILD=overwrite`.

use std::path::Path;

/// Workflow files the `include/` cases read. `include_asl!` resolves paths
/// against `CARGO_MANIFEST_DIR`, which for a trybuild case is trybuild's own
/// project under `<target>/tests/trybuild/sfn-tests`; the files are copied
/// there so that the cases name them as a user's crate would.
const INCLUDED: [&str; 2] = [
    "tests/ui/include/invalid.asl.json",
    "tests/ui/include/order_processing_days.asl.json",
];

mod common;
use common::target_dir;

#[test]
fn ui() {
    let project = target_dir().join("tests/trybuild/sfn-tests");
    for file in INCLUDED {
        let to = project.join(file);
        std::fs::create_dir_all(to.parent().expect("a file has a folder")).expect("mkdir");
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(file), &to)
            .unwrap_or_else(|e| panic!("copy {file} to {}: {e}", to.display()));
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
