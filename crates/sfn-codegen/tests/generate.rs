//! Code generation for every definition of the conformance corpus that is
//! accepted (`valid/` and `cases/`): it succeeds, and the output parses as
//! a Rust file and as a module. JSONata definitions generate too (their
//! states fail at run time until JSONata is supported).
//!
//! The folder is found through `SFN_CONFORMANCE_DIR` (default
//! `../shared/conformance` from the workspace root); where it is absent the
//! tests print one line and pass.

use sfn_codegen::json::{self, Json};
use sfn_codegen::{ModuleSpec, Options, WorkflowType};
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = match std::env::var_os("SFN_CONFORMANCE_DIR") {
        Some(d) => root.join(d),
        None => root.join("../shared/conformance"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("conformance corpus not found at {}; skipped", dir.display());
        None
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// The definition of a corpus file as JSON text, and its options.
fn definition(path: &Path) -> Option<(String, Options)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = json::parse(&text).expect("corpus file is JSON");
    let mut options = Options::default();
    if doc
        .get("validate_kwargs")
        .and_then(|k| k.get("type"))
        .and_then(Json::as_str)
        == Some("EXPRESS")
    {
        options.workflow_type = WorkflowType::Express;
    }
    let def = doc.get("definition").filter(|d| !d.is_null())?;
    Some((def.to_value().to_string(), options))
}

#[test]
fn every_accepted_definition_generates_parsable_code() {
    let Some(dir) = corpus_dir() else { return };
    let mut files = Vec::new();
    json_files(&dir.join("valid"), &mut files);
    json_files(&dir.join("cases"), &mut files);
    let mut failures = Vec::new();
    let mut count = 0;
    for f in &files {
        let Some((source, options)) = definition(f) else {
            continue;
        };
        count += 1;
        let module = ModuleSpec::new("workflow");
        match sfn_codegen::generate_string(&source, &module, &options) {
            Ok(text) => {
                if let Err(e) = syn::parse_file(&text) {
                    failures.push(format!("{}: output does not parse: {e}", f.display()));
                }
            }
            Err(e) => failures.push(format!("{}: {e:?}", f.display())),
        }
        match sfn_codegen::generate(&source, &module, &options) {
            Ok(tokens) => {
                if let Err(e) = syn::parse2::<syn::ItemMod>(tokens) {
                    failures.push(format!("{}: module does not parse: {e}", f.display()));
                }
            }
            Err(e) => failures.push(format!("{}: {e:?}", f.display())),
        }
    }
    println!("{count} definitions generated");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let source = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Parallel", "Next": "B", "Branches": [
            {"StartAt": "X", "States": {"X": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:X", "End": true}}}]},
        "B": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Y", "States": {
            "Y": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Y", "End": true}}}}}}"#;
    let module = ModuleSpec::new("m");
    let a = sfn_codegen::generate_string(source, &module, &Options::default()).unwrap();
    let b = sfn_codegen::generate_string(source, &module, &Options::default()).unwrap();
    assert_eq!(a, b);
}
