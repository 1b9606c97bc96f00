//! `sfn check`: exit codes, the one-line diagnostic form of DESIGN.md, and
//! the source line underneath.

use std::path::{Path, PathBuf};
use std::process::Command;

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sfn-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn sfn(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn valid_file_exits_zero_silently() {
    let f = temp_file(
        "ok.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    );
    let (code, out) = sfn(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "");
}

#[test]
fn invalid_file_exits_one_with_position_and_path() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"},\n    \"B\": {\"Type\": \"Succeed\"}\n  }\n}\n";
    let f = temp_file("bad.asl.json", text);
    let name = f.to_str().unwrap();
    let (code, out) = sfn(&["check", name]);
    assert_eq!(code, 1, "{out}");
    // Next "Bee" is on line 4; its value starts at column 35.
    let expected = format!(
        "{name}:4:35: error: no state named `Bee` in this scope; states here: `A`, `B` (at States.A.Next)"
    );
    assert!(
        out.lines().any(|l| l == expected),
        "expected line:\n{expected}\nin:\n{out}"
    );
    // The source line is printed underneath with a caret under the value.
    assert!(
        out.contains("4 |     \"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"},"),
        "{out}"
    );
    assert!(
        out.contains(&format!("  | {}^^^^^\n", " ".repeat(34))),
        "{out}"
    );
    // B is unreachable only because Next is wrong: not reported twice.
    assert!(
        !out.contains("unreachable") && !out.contains("warning"),
        "{out}"
    );
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let text = r#"{"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 0, "Next": "B",
              "Retry": [{"ErrorEquals": ["States.ALL", "Oops"], "BackoffRate": 0.5}]},
        "B": {"Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "End": true},
        "C": {"Type": "Pass", "End": true}
    }}"#;
    let f = temp_file("many.asl.json", text);
    let (code, out) = sfn(&["check", "--short", f.to_str().unwrap()]);
    assert_eq!(code, 1);
    for needle in [
        "`TimeoutSeconds` must be at least 1, found 0 (at States.A.TimeoutSeconds)",
        "`States.ALL` must appear alone in `ErrorEquals`",
        "`BackoffRate` must be at least 1.0, found 0.5",
        "a Wait state may have only one of",
        "state `C` is unreachable",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in:\n{out}");
    }
    assert_eq!(out.lines().count(), 5, "{out}");
}

#[test]
fn not_json_and_unreadable_exit_two() {
    let f = temp_file("broken.asl.json", "{\"StartAt\": \"A\",\n  \"States\": }");
    let (code, out) = sfn(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(":2:13: error: not JSON: expected a JSON value"),
        "{out}"
    );
    let (code, out) = sfn(&["check", "/no/such/file.asl.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cannot read"), "{out}");
}

#[test]
fn express_type_rejects_callbacks() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}}"#;
    let f = temp_file("wftt.asl.json", text);
    assert_eq!(sfn(&["check", f.to_str().unwrap()]).0, 0);
    let (code, out) = sfn(&["check", "--type", "express", f.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Express state machines do not support the `.waitForTaskToken`"),
        "{out}"
    );
}

fn seed_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("seed folder not found at {}; skipped", dir.display());
        None
    }
}

#[test]
fn seed_order_processing_is_rejected_with_the_seconds_fix() {
    let Some(dir) = seed_dir() else { return };
    let (code, out) = sfn(&[
        "check",
        dir.join("order_processing.asl.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("a Wait state has no `Days` field"), "{out}");
    assert!(out.contains("\"Seconds\": 172800"), "{out}");
    let (code, out) = sfn(&[
        "check",
        dir.join("order_processing.fixed.asl.json")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = sfn(&[
        "check",
        dir.join("simple_sequential.asl.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
}
