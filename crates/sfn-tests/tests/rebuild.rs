//! `include_asl!` tracks its workflow file: a crate of its own, built by a
//! real `cargo check`, compiles with a valid file, fails with our message
//! naming `flow.asl.json:LINE:COL` once the file is broken, and compiles
//! again once it is restored, without any other change to the crate.
//!
//! The crate lives in `<target>/rebuild-tracking/` and builds into
//! `<target>/rebuild-tracking/target` (the outer cargo holds the main target
//! directory's lock), offline, with the workspace's `Cargo.lock`: nothing is
//! downloaded. The first run compiles sfn-runtime and its dependencies there
//! once; later runs only recheck the small crate.

#![deny(warnings)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

mod common;
use common::target_dir;

const VALID: &str = r#"{
  "Comment": "A workflow file that include_asl! reads.",
  "StartAt": "Hello",
  "States": {
    "Hello": {
      "Type": "Pass",
      "Result": "hi",
      "Next": "Done"
    },
    "Done": { "Type": "Succeed" }
  }
}
"#;

/// Writes the crate: a manifest depending on sfn-runtime by absolute path,
/// the workspace's lock file, `src/lib.rs` with the macro, and `flow.asl.json`.
fn write_crate(dir: &Path) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let workspace = workspace.canonicalize().expect("the workspace folder");
    let runtime = workspace.join("crates/sfn-runtime");
    std::fs::create_dir_all(dir.join("src")).expect("mkdir src");
    let manifest = format!(
        r#"[package]
name = "rebuild-tracking"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sfn-runtime = {{ path = {runtime:?} }}
serde_json = "1"

# Not a member of the sfn workspace, whose target folder holds it.
[workspace]
"#,
        runtime = runtime.display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    std::fs::write(
        dir.join("src/lib.rs"),
        "//! Compiles `flow.asl.json`.\n\
         sfn_runtime::include_asl!(pub mod flow, \"flow.asl.json\");\n",
    )
    .expect("write src/lib.rs");
    std::fs::write(dir.join("flow.asl.json"), VALID).expect("write flow.asl.json");
}

/// `cargo check --offline --verbose` of the crate in `dir`, timed.
fn check(dir: &Path) -> Output {
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--verbose"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("run cargo");
    println!(
        "cargo check: {} in {:.1?}",
        output.status,
        started.elapsed()
    );
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn editing_the_workflow_file_rebuilds_the_crate() {
    let started = Instant::now();
    let dir = target_dir().join("rebuild-tracking");
    write_crate(&dir);

    let first = check(&dir);
    assert!(
        first.status.success(),
        "the valid workflow compiles:\n{}",
        stderr(&first)
    );

    // Only the workflow file changes: the transition goes nowhere.
    let broken = VALID.replace(r#""Next": "Done""#, r#""Next": "Nowhere""#);
    let at = broken.find(r#""Nowhere""#).expect("the broken Next");
    let line = broken[..at].lines().count();
    let col = at - broken[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    std::fs::write(dir.join("flow.asl.json"), &broken).expect("break flow.asl.json");
    let second = check(&dir);
    let message = stderr(&second);
    assert!(
        !second.status.success(),
        "the broken workflow must not compile:\n{message}"
    );
    let expected = format!("flow.asl.json:{line}:{col}: no state named `Nowhere`");
    assert!(
        message.contains(&expected),
        "expected `{expected}` in:\n{message}"
    );

    std::fs::write(dir.join("flow.asl.json"), VALID).expect("restore flow.asl.json");
    let third = check(&dir);
    assert!(
        third.status.success(),
        "the restored workflow compiles again:\n{}",
        stderr(&third)
    );

    // Nothing changed since: the crate is not rebuilt.
    let fourth = check(&dir);
    let message = stderr(&fourth);
    assert!(fourth.status.success(), "{message}");
    assert!(
        message.contains("Fresh rebuild-tracking"),
        "an unchanged crate is fresh:\n{message}"
    );
    println!("rebuild tracking: {:.1?} in all", started.elapsed());
}
