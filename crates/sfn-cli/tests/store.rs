//! `sfn executions` and `sfn history` on a SQLite store filled by real
//! durable executions of the runtime: the table (names newest first, their
//! statuses, the error of the failed one), `--status`, `--max`,
//! `--state-machine`, `--json`, a history that `sfn graph --history`
//! draws, and the exit codes (1 no such execution, 2 no store).

mod support;

use serde_json::{Value, json};
use sfn_runtime::{Resources, Store, TaskContext, TaskError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::{read_mermaid, sfn};

sfn_runtime::asl!(mod wf, r#"{
  "Comment": "A Pass, then a Task that declines amounts over 100",
  "StartAt": "Prepare",
  "States": {
    "Prepare": {
      "Type": "Pass",
      "Result": "prepared",
      "ResultPath": "$.step",
      "Next": "Charge"
    },
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Charge",
      "End": true
    }
  }
}"#);

/// The executions the store holds, oldest first: name, amount, whether
/// it fails.
const RUNS: [(&str, u64, bool); 3] = [("n1", 10, false), ("n2", 500, true), ("n3", 20, false)];

/// A temporary folder with `store.db`, holding the executions of [`RUNS`]
/// (run to their end), and `wf.asl.json`, the workflow's definition.
struct Fixture {
    /// Removed when the fixture is dropped.
    dir: tempfile::TempDir,
}

impl Fixture {
    /// Runs the executions of [`RUNS`] on a new store.
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let store_path = dir.path().join("store.db");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(fill(&store_path));
        drop(runtime);
        std::fs::write(dir.path().join("wf.asl.json"), wf::DEFINITION).expect("write workflow");
        Fixture { dir }
    }

    /// The store's path, as a string.
    fn store(&self) -> String {
        self.path("store.db")
    }

    /// A file of the folder, as a string.
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// `sfn graph --history` of the workflow on `history`, written to the
    /// folder's file `name` first; it must exit 0.
    fn graph_history(&self, name: &str, history: &str) -> support::Run {
        let history_file = self.path(name);
        std::fs::write(&history_file, history).expect("write the history");
        let graph = sfn(&[
            "graph",
            &self.path("wf.asl.json"),
            "--history",
            &history_file,
        ]);
        assert_eq!(graph.code, 0, "{}", graph.stderr);
        graph
    }
}

/// Runs the executions of [`RUNS`] one after another on the store at
/// `path`, and waits until each one is recorded as ended.
async fn fill(path: &Path) {
    let store = Store::sqlite(path).await.expect("open the store");
    let resources = Resources::new().handler(
        "arn:aws:lambda:us-east-1:123456789012:function:Charge",
        |input: Value, _ctx: TaskContext| async move {
            let amount = input["amount"].as_u64().unwrap_or_default();
            if amount > 100 {
                Err(TaskError::new(
                    "CardDeclined",
                    format!("{amount} is over 100"),
                ))
            } else {
                Ok(json!({ "charged": amount }))
            }
        },
    );
    let machine = Arc::new(wf::StateMachine::from_resources(resources).with_store(store.clone()));
    for (name, amount, fails) in RUNS {
        let result = machine
            .start_named(name, json!({ "amount": amount }))
            .await
            .expect("start the execution")
            .result()
            .await;
        assert_eq!(result.is_err(), fails, "{name}: {result:?}");
        // Distinct start times, so that newest first is not a tie.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for (name, _, _) in RUNS {
        let description = store.describe(name).await.expect("describe");
        assert_ne!(
            description.status,
            sfn_runtime::ExecutionStatus::Running,
            "{name}"
        );
    }
}

/// The data lines of a table, split into cells at runs of two or more
/// spaces (no cell of these tables holds two spaces in a row).
fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// The names and statuses of a table's executions, in order.
fn names_and_statuses(table: &str) -> Vec<(String, String)> {
    rows(table)
        .into_iter()
        .skip(1)
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect()
}

/// `(name, status)` pairs as owned strings.
fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn the_table_lists_every_execution_newest_first() {
    let fixture = Fixture::new();
    let run = sfn(&["executions", "--store", &fixture.store()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        rows(lines[0]),
        [vec![
            "NAME",
            "STATUS",
            "STATE MACHINE",
            "STARTED",
            "STOPPED",
            "ERROR"
        ]],
        "{}",
        run.stdout
    );
    assert_eq!(
        names_and_statuses(&run.stdout),
        pairs(&[("n3", "SUCCEEDED"), ("n2", "FAILED"), ("n1", "SUCCEEDED")]),
        "{}",
        run.stdout
    );
    let rows = rows(&run.stdout);
    for row in &rows[1..] {
        assert_eq!(row[2], "wf");
        // RFC 3339 in UTC with milliseconds: 2025-01-02T03:04:05.678Z.
        for date in &row[3..5] {
            assert_eq!(date.len(), 24, "{date}");
            assert!(date.ends_with('Z') && date.as_bytes()[19] == b'.', "{date}");
        }
    }
    assert_eq!(rows[2].get(5).map(String::as_str), Some("CardDeclined"));
    assert_eq!(rows[1].len(), 5, "a succeeded execution has no error");
    // Every column starts where its header does.
    for (header, cell) in [
        ("STATUS", 1),
        ("STATE MACHINE", 2),
        ("STARTED", 3),
        ("STOPPED", 4),
    ] {
        let at = lines[0].find(header).expect("a header");
        for (line, row) in lines[1..].iter().zip(&rows[1..]) {
            assert!(line[at..].starts_with(&row[cell]), "{header}: {line}");
        }
    }
}

#[test]
fn status_state_machine_and_max_filter_the_list() {
    let fixture = Fixture::new();
    let store = fixture.store();
    let failed = sfn(&["executions", "--store", &store, "--status", "failed"]);
    assert_eq!(failed.code, 0, "{}", failed.stderr);
    assert_eq!(
        names_and_statuses(&failed.stdout),
        pairs(&[("n2", "FAILED")])
    );
    // AWS's spelling works too.
    let succeeded = sfn(&["executions", "--store", &store, "--status", "SUCCEEDED"]);
    assert_eq!(
        names_and_statuses(&succeeded.stdout),
        pairs(&[("n3", "SUCCEEDED"), ("n1", "SUCCEEDED")])
    );
    let none = sfn(&["executions", "--store", &store, "--status", "timed_out"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert!(
        names_and_statuses(&none.stdout).is_empty(),
        "{}",
        none.stdout
    );

    let newest = sfn(&["executions", "--store", &store, "--max", "2"]);
    assert_eq!(
        names_and_statuses(&newest.stdout),
        pairs(&[("n3", "SUCCEEDED"), ("n2", "FAILED")])
    );
    let machine = sfn(&["executions", "--store", &store, "--state-machine", "wf"]);
    assert_eq!(names_and_statuses(&machine.stdout).len(), 3);
    let other = sfn(&["executions", "--store", &store, "--state-machine", "other"]);
    assert_eq!(other.code, 0, "{}", other.stderr);
    assert!(names_and_statuses(&other.stdout).is_empty());
}

#[test]
fn an_unknown_status_or_max_zero_is_a_usage_error() {
    let fixture = Fixture::new();
    let store = fixture.store();
    let run = sfn(&["executions", "--store", &store, "--status", "done"]);
    assert_eq!(run.code, 2, "clap's usage error");
    assert!(run.stderr.contains("timed_out"), "{}", run.stderr);
    let run = sfn(&["executions", "--store", &store, "--max", "0"]);
    assert_eq!(run.code, 2);
}

#[test]
fn json_has_the_list_executions_fields() {
    let fixture = Fixture::new();
    let run = sfn(&["executions", "--store", &fixture.store(), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let executions = json["executions"].as_array().expect("an executions array");
    let names: Vec<&str> = executions
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, ["n3", "n2", "n1"]);
    for execution in executions {
        let name = execution["name"].as_str().unwrap_or_default();
        let arn = execution["executionArn"].as_str().expect("executionArn");
        assert!(
            arn.starts_with("arn:aws:states:") && arn.ends_with(&format!(":wf:{name}")),
            "{arn}"
        );
        assert_eq!(execution["stateMachineName"], "wf");
        assert!(execution["startDate"].is_string());
        assert!(execution["stopDate"].is_string());
        assert!(execution["startDate"].as_str() <= execution["stopDate"].as_str());
        assert_eq!(execution["redriveCount"], 0);
    }
    let statuses: Vec<&Value> = executions.iter().map(|e| &e["status"]).collect();
    assert_eq!(
        statuses,
        [&json!("SUCCEEDED"), &json!("FAILED"), &json!("SUCCEEDED")]
    );

    let failed = sfn(&[
        "executions",
        "--store",
        &fixture.store(),
        "--json",
        "--status",
        "FAILED",
    ]);
    let json: Value = serde_json::from_str(&failed.stdout).expect("JSON");
    assert_eq!(json["executions"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["executions"][0]["name"], "n2");
}

#[test]
fn history_prints_json_that_graph_draws() {
    let fixture = Fixture::new();
    let run = sfn(&["history", "--store", &fixture.store(), "n1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("{\n  \"events\": ["),
        "pretty, indented by two spaces: {}",
        run.stdout
    );
    let history: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let events = history["events"].as_array().expect("events");
    assert_eq!(events[0]["type"], "ExecutionStarted");
    assert_eq!(events[0]["id"], 1);
    assert_eq!(
        events.last().map(|e| &e["type"]),
        Some(&json!("ExecutionSucceeded"))
    );
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default())
        .collect();
    assert!(
        types.contains(&"PassStateEntered") && types.contains(&"LambdaFunctionSucceeded"),
        "{types:?}"
    );
    let ids: Vec<u64> = events.iter().filter_map(|e| e["id"].as_u64()).collect();
    assert_eq!(ids, (1..=events.len() as u64).collect::<Vec<_>>());

    let graph = fixture.graph_history("h.json", &run.stdout);
    assert!(graph.stderr.is_empty(), "{}", graph.stderr);
    let drawn = read_mermaid(&graph.stdout).expect("Mermaid");
    let colour = |state: &str| drawn.colours.get(&drawn.id(state)).cloned();
    assert_eq!(colour("Prepare").as_deref(), Some("succeeded"));
    assert_eq!(colour("Charge").as_deref(), Some("succeeded"));
}

#[test]
fn a_failed_execution_history_ends_failed_and_draws_red() {
    let fixture = Fixture::new();
    let run = sfn(&[
        "history",
        "--store",
        &format!("sqlite:{}", fixture.store()),
        "n2",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let history: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let events = history["events"].as_array().expect("events");
    let last = events.last().expect("an event");
    assert_eq!(last["type"], "ExecutionFailed");
    assert_eq!(last["executionFailedEventDetails"]["error"], "CardDeclined");

    let graph = fixture.graph_history("failed.json", &run.stdout);
    let drawn = read_mermaid(&graph.stdout).expect("Mermaid");
    assert_eq!(
        drawn.colours.get(&drawn.id("Charge")).map(String::as_str),
        Some("failed")
    );
}

#[test]
fn a_missing_execution_exits_1() {
    let fixture = Fixture::new();
    let run = sfn(&["history", "--store", &fixture.store(), "nope"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("nope"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_store_that_cannot_be_opened_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text_file = dir.path().join("notes.txt");
    std::fs::write(&text_file, "not a database\n").expect("write");
    let missing: PathBuf = dir.path().join("missing.db");
    let text = text_file.to_string_lossy().into_owned();
    let missing = missing.to_string_lossy().into_owned();
    for (args, shown) in [
        (vec!["executions", "--store", "ftp://x"], "ftp://x"),
        (vec!["history", "--store", "ftp://x", "n1"], "ftp://x"),
        (vec!["executions", "--store", &text], "notes.txt"),
        (vec!["history", "--store", &text, "n1"], "notes.txt"),
        (vec!["executions", "--store", &missing], "missing.db"),
        (vec!["history", "--store", &missing, "n1"], "missing.db"),
    ] {
        let run = sfn(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains(shown),
            "{args:?}: {}",
            run.stderr
        );
    }
    // Neither the text file nor the missing one was touched.
    assert_eq!(
        std::fs::read_to_string(&text_file).expect("read"),
        "not a database\n"
    );
    assert!(!Path::new(&missing).exists(), "no store was created");
}
