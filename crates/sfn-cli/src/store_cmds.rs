//! `sfn executions` and `sfn history`: read a durable store
//! ([`sfn_runtime::Store`]) from the command line, as AWS's
//! `ListExecutions` and `GetExecutionHistory` do for the service.
//!
//! Both open the store named by `--store` (`sqlite:PATH`, a plain file
//! path, or `postgres://...`) on a single-threaded tokio runtime built for
//! the command alone, so `sfn check/gen/graph` never start one.
//!
//! Exit codes: 0 done; 1 the execution does not exist (`history`); 2 the
//! store cannot be opened (a bad URL, a file that is not a store or does
//! not exist, an unreachable server) or read.

use crate::output;
use chrono::{DateTime, SecondsFormat, Utc};
use clap::ValueEnum;
use serde_json::{Map, Value};
use sfn_runtime::{ExecutionDescription, ExecutionStatus, ListQuery, Store, StoreError};
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

/// The exit code for an execution that the store does not hold.
pub const NOT_FOUND: u8 = 1;
/// The exit code for a store that cannot be opened or read.
pub const NO_STORE: u8 = 2;

/// The largest page [`Store::list`] gives (AWS's `maxResults` limit).
const PAGE: usize = 1000;

/// `--status`: AWS's execution statuses, accepted in any case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Status {
    /// `RUNNING`.
    Running,
    /// `SUCCEEDED`.
    Succeeded,
    /// `FAILED`.
    Failed,
    /// `TIMED_OUT`.
    #[value(name = "timed_out", alias = "timed-out")]
    TimedOut,
    /// `ABORTED`.
    Aborted,
}

impl From<Status> for ExecutionStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Running => ExecutionStatus::Running,
            Status::Succeeded => ExecutionStatus::Succeeded,
            Status::Failed => ExecutionStatus::Failed,
            Status::TimedOut => ExecutionStatus::TimedOut,
            Status::Aborted => ExecutionStatus::Aborted,
        }
    }
}

/// What `sfn executions` was asked for.
#[derive(Debug)]
pub struct ListRequest<'a> {
    /// The store's URL.
    pub store: &'a str,
    /// Only the executions with this status.
    pub status: Option<Status>,
    /// Only the executions of this state machine.
    pub state_machine: Option<&'a str>,
    /// At most this many (all when `None`).
    pub max: Option<usize>,
    /// ListExecutions-like JSON instead of a table.
    pub json: bool,
}

/// A failure of a command: its exit code and the message for standard
/// error (without the `error: ` prefix).
#[derive(Debug)]
struct Failure {
    /// The exit code.
    code: u8,
    /// What went wrong.
    message: String,
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        let code = match error {
            StoreError::ExecutionDoesNotExist(_) => NOT_FOUND,
            _ => NO_STORE,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

/// Runs `sfn executions`: lists the store's executions, newest first,
/// following `next_token` until all (or `max`) are listed, and prints them
/// as a table or as JSON. Returns the exit code.
pub fn executions(request: &ListRequest<'_>) -> u8 {
    let listed = block_on(async {
        let store = open(request.store).await?;
        let mut executions: Vec<ExecutionDescription> = Vec::new();
        let mut next_token = None;
        loop {
            let want = match request.max {
                Some(max) if executions.len() >= max => break,
                Some(max) => (max - executions.len()).min(PAGE),
                None => PAGE,
            };
            let page = store
                .list(ListQuery {
                    state_machine: request.state_machine.map(str::to_owned),
                    status: request.status.map(ExecutionStatus::from),
                    max_results: want,
                    next_token: next_token.take(),
                })
                .await?;
            let empty = page.executions.is_empty();
            executions.extend(page.executions);
            match page.next_token {
                // An empty page with a token would loop forever.
                Some(token) if !empty => next_token = Some(token),
                _ => break,
            }
        }
        if let Some(max) = request.max {
            executions.truncate(max);
        }
        Ok(executions)
    });
    let text = match listed {
        Ok(executions) if request.json => pretty(&list_json(&executions)),
        Ok(executions) => table(&executions),
        Err(failure) => return report(&failure),
    };
    output::write(None, text.as_bytes(), &mut std::io::stderr().lock())
}

/// Runs `sfn history`: prints the execution's `GetExecutionHistory` JSON
/// (`{"events": [...]}`, indented by two spaces), which `sfn graph
/// --history` reads. Returns the exit code.
pub fn history(store: &str, name: &str) -> u8 {
    let history = block_on(async { Ok(open(store).await?.history(name).await?) });
    match history {
        Ok(history) => output::write(
            None,
            pretty(&history).as_bytes(),
            &mut std::io::stderr().lock(),
        ),
        Err(failure) => report(&failure),
    }
}

/// Runs `future` to its end on a single-threaded tokio runtime (with its
/// I/O and timer drivers, which the PostgreSQL driver and the store's
/// timeouts need).
fn block_on<T>(future: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: NO_STORE,
            message: format!("cannot start the async runtime: {e}"),
        })?;
    runtime.block_on(future)
}

/// Opens the store at `url`. A SQLite file that does not exist is an
/// error here: [`Store::open`] would create an empty store, which a
/// command that only reads has no use for (and a mistyped path would
/// leave a stray file behind).
async fn open(url: &str) -> Result<Store, Failure> {
    if let Some(path) = sqlite_path(url)
        && !path.exists()
    {
        return Err(Failure {
            code: NO_STORE,
            message: format!("no store at {}: the file does not exist", path.display()),
        });
    }
    Ok(Store::open(url).await?)
}

/// The file a SQLite store URL names, read as [`Store::open`] reads it:
/// `sqlite://PATH`, `sqlite:PATH`, or a plain path; `None` for PostgreSQL
/// and for what is no store URL at all.
fn sqlite_path(url: &str) -> Option<&Path> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"));
    match path {
        Some(path) => Some(Path::new(path)),
        None if url.contains("://") || url.is_empty() => None,
        None => Some(Path::new(url)),
    }
}

/// Prints `error: ...` on standard error and returns the failure's code.
fn report(failure: &Failure) -> u8 {
    let _ = writeln!(std::io::stderr().lock(), "error: {}", failure.message);
    failure.code
}

/// `value` indented by two spaces, with a final newline.
fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.push('\n');
    text
}

/// A time as RFC 3339 in UTC with milliseconds (`2025-01-02T03:04:05.678Z`),
/// as execution histories give their timestamps.
fn timestamp(time: SystemTime) -> String {
    DateTime::<Utc>::from(time).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The `ListExecutions`-like JSON of `executions`: `{"executions": [...]}`
/// with `name`, `executionArn`, `stateMachineName`, `status`,
/// `startDate`, `stopDate` (once ended), `redriveCount` and `redriveDate`
/// (once redriven).
fn list_json(executions: &[ExecutionDescription]) -> Value {
    let items = executions
        .iter()
        .map(|execution| {
            let mut item = Map::new();
            item.insert("name".into(), execution.name.clone().into());
            item.insert(
                "executionArn".into(),
                execution.execution_arn.clone().into(),
            );
            item.insert(
                "stateMachineName".into(),
                execution.state_machine.clone().into(),
            );
            item.insert("status".into(), execution.status.as_str().into());
            item.insert("startDate".into(), timestamp(execution.start_date).into());
            if let Some(stop) = execution.stop_date {
                item.insert("stopDate".into(), timestamp(stop).into());
            }
            item.insert("redriveCount".into(), execution.redrive_count.into());
            if let Some(redrive) = execution.redrive_date {
                item.insert("redriveDate".into(), timestamp(redrive).into());
            }
            Value::Object(item)
        })
        .collect();
    let mut out = Map::new();
    out.insert("executions".into(), Value::Array(items));
    Value::Object(out)
}

/// The executions as a plain table, columns padded with spaces: NAME,
/// STATUS, STATE MACHINE, STARTED, STOPPED (`-` while running), and ERROR
/// when a listed execution has one (failed, timed out or aborted).
fn table(executions: &[ExecutionDescription]) -> String {
    let with_error = executions.iter().any(|e| e.error.is_some());
    let mut header = vec!["NAME", "STATUS", "STATE MACHINE", "STARTED", "STOPPED"];
    if with_error {
        header.push("ERROR");
    }
    let mut rows: Vec<Vec<String>> = vec![header.into_iter().map(str::to_owned).collect()];
    for execution in executions {
        let mut row = vec![
            cell(&execution.name),
            execution.status.as_str().to_owned(),
            cell(&execution.state_machine),
            timestamp(execution.start_date),
            execution
                .stop_date
                .map_or_else(|| "-".to_owned(), timestamp),
        ];
        if with_error {
            row.push(execution.error.as_deref().map(cell).unwrap_or_default());
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, value) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            line.push_str(value);
            if c + 1 < columns {
                let pad = widths[c] - value.chars().count();
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A table cell: `text` with its control characters (a newline in an
/// error name) escaped, so that each execution stays on one line.
fn cell(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    /// An execution of `wf` started at 2023-11-14T22:13:20.123Z and, unless
    /// running, stopped a second later.
    fn description(
        name: &str,
        status: ExecutionStatus,
        error: Option<&str>,
    ) -> ExecutionDescription {
        ExecutionDescription {
            name: name.to_owned(),
            execution_arn: format!("arn:aws:states:us-east-1:123456789012:execution:wf:{name}"),
            state_machine: "wf".to_owned(),
            status,
            input: Value::Null,
            output: None,
            error: error.map(str::to_owned),
            cause: None,
            start_date: UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            stop_date: (status != ExecutionStatus::Running)
                .then(|| UNIX_EPOCH + Duration::from_millis(1_700_000_001_000)),
            redrive_count: 0,
            redrive_date: None,
        }
    }

    #[test]
    fn timestamps_are_utc_with_milliseconds() {
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_millis(1_700_000_000_123)),
            "2023-11-14T22:13:20.123Z"
        );
    }

    #[test]
    fn sqlite_paths_are_read_as_the_store_reads_them() {
        assert_eq!(sqlite_path("sqlite:a.db"), Some(Path::new("a.db")));
        assert_eq!(
            sqlite_path("sqlite:///tmp/a.db"),
            Some(Path::new("/tmp/a.db"))
        );
        assert_eq!(sqlite_path("dir/a.db"), Some(Path::new("dir/a.db")));
        assert_eq!(sqlite_path("postgres://h/db"), None);
        assert_eq!(sqlite_path("ftp://x"), None);
        assert_eq!(sqlite_path(""), None);
    }

    #[test]
    fn the_table_is_aligned_and_shows_errors() {
        let text = table(&[
            description("long-name-1", ExecutionStatus::Running, None),
            description("n2", ExecutionStatus::Failed, Some("Bad\nThing")),
        ]);
        assert_eq!(
            text,
            "NAME         STATUS   STATE MACHINE  STARTED                   STOPPED                   ERROR\n\
             long-name-1  RUNNING  wf             2023-11-14T22:13:20.123Z  -\n\
             n2           FAILED   wf             2023-11-14T22:13:20.123Z  2023-11-14T22:13:21.000Z  Bad\\nThing\n"
        );
    }

    #[test]
    fn without_errors_there_is_no_error_column() {
        let text = table(&[description("n1", ExecutionStatus::Succeeded, None)]);
        assert!(!text.contains("ERROR"));
        assert_eq!(
            table(&[]),
            "NAME  STATUS  STATE MACHINE  STARTED  STOPPED\n"
        );
    }

    #[test]
    fn the_json_has_listexecutions_fields() {
        let json = list_json(&[description("n1", ExecutionStatus::Running, None)]);
        let item = &json["executions"][0];
        assert_eq!(item["name"], "n1");
        assert_eq!(item["status"], "RUNNING");
        assert_eq!(item["stateMachineName"], "wf");
        assert_eq!(item["startDate"], "2023-11-14T22:13:20.123Z");
        assert_eq!(item["redriveCount"], 0);
        assert!(item.get("stopDate").is_none());
    }
}
