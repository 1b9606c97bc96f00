//! The generated code of the workflows in `tests/snapshots/` (`NAME.asl.json`
//! gives `NAME.rs`), compared with the checked-in files: a change to the
//! emitter shows as a diff a reviewer reads. Bless with
//! `EXPECTORATE=overwrite cargo test -p sfn-codegen --test snapshots`.
//! `sfn-tests` compiles and runs the checked-in files (`tests/snapshots.rs`
//! there), so they are known to be valid Rust against the runtime.

use sfn_codegen::{ModuleSpec, Options};
use std::path::Path;

fn check(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let source = std::fs::read_to_string(dir.join(format!("{name}.asl.json"))).unwrap();
    let code = sfn_codegen::generate_string(&source, &ModuleSpec::new(name), &Options::default())
        .unwrap_or_else(|e| panic!("{name} does not compile: {e:?}"));
    expectorate::assert_contents(dir.join(format!("{name}.rs")), &code);
}

#[test]
fn order_processing() {
    check("order_processing");
}

#[test]
fn data_flow() {
    check("data_flow");
}

#[test]
fn fan_out() {
    check("fan_out");
}

#[test]
fn jsonata() {
    check("jsonata");
}

#[test]
fn nesting() {
    check("nesting");
}
