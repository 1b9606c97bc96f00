//! The ASL examples of the seed document (`../shared/seed/`): the complete
//! machines and every single-state snippet, placed in a small machine whose
//! other states are the Succeed states it names, are valid; the original
//! order workflow, with its `"Days": 2` Wait, is not.

use serde_json::{Map, Value, json};
use sfn_codegen::{Failure, Options, check};
use std::path::{Path, PathBuf};

fn seed_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("seed folder not found at {}; skipped", dir.display());
        None
    }
}

/// The state names a snippet's state transitions to.
fn targets(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(Value::String(s)) = v {
            out.push(s.clone());
        }
    };
    push(state.get("Next"));
    push(state.get("Default"));
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = state.get(list) {
            for item in items {
                push(item.get("Next"));
            }
        }
    }
    out
}

#[test]
fn every_snippet_runs_in_a_small_machine() {
    let Some(dir) = seed_dir() else { return };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("snippets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 16,
        "expected the 16 seed snippets, found {}",
        files.len()
    );
    for f in files {
        let snippet: Map<String, Value> =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let (name, state) = snippet.into_iter().next().unwrap();
        let mut states = Map::new();
        for t in targets(&state) {
            if t != name {
                states.insert(t, json!({"Type": "Succeed"}));
            }
        }
        states.insert(name.clone(), state);
        let machine = json!({"StartAt": name, "States": states});
        let result = check(
            &serde_json::to_string_pretty(&machine).unwrap(),
            &Options::default(),
        );
        assert!(result.is_ok(), "{}: {:?}", f.display(), result.err());
    }
}

#[test]
fn complete_machines() {
    let Some(dir) = seed_dir() else { return };
    for ok in [
        "simple_sequential.asl.json",
        "order_processing.fixed.asl.json",
    ] {
        let text = std::fs::read_to_string(dir.join(ok)).unwrap();
        assert!(check(&text, &Options::default()).is_ok(), "{ok}");
    }
    let text = std::fs::read_to_string(dir.join("order_processing.asl.json")).unwrap();
    let Err(Failure::Invalid(diags)) = check(&text, &Options::default()) else {
        panic!("order_processing.asl.json must be rejected");
    };
    let days = diags
        .iter()
        .find(|d| d.message.contains("`Days`"))
        .expect("a diagnostic about Days");
    assert!(
        days.help
            .as_deref()
            .unwrap_or("")
            .contains("\"Seconds\": 172800"),
        "{days:?}"
    );
    assert!(days.path.ends_with(".Days"), "{}", days.path);
    assert_eq!(&text[days.span.start..days.span.end], "\"Days\"");
}
