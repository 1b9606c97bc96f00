//! What executions tell `tracing`: a span per execution and per state, and
//! log events filtered by the AWS-style logging level.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{LogLevel, Logging, Settings, TaskContext, TaskError};
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

sfn_runtime::asl!(
    /// A flaky task retried once, then a failing one caught.
    pub mod traced,
    {
        "StartAt": "Flaky",
        "States": {
            "Flaky": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Flaky",
                "Retry": [{ "ErrorEquals": ["Transient"], "IntervalSeconds": 1, "MaxAttempts": 2 }],
                "Next": "Doomed"
            },
            "Doomed": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Doomed",
                "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Decide" }],
                "End": true
            },
            "Decide": {
                "Type": "Choice",
                "Choices": [{ "Variable": "$.fail", "BooleanEquals": true, "Next": "Boom" }],
                "Default": "Done"
            },
            "Boom": { "Type": "Fail", "Error": "Test.Boom", "Cause": "asked to fail" },
            "Done": { "Type": "Succeed" }
        }
    }
);

#[derive(Default)]
struct Tasks {
    flaky_calls: AtomicU32,
}

impl traced::Tasks for Tasks {
    async fn flaky(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        if self.flaky_calls.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(TaskError::new("Transient", "try again"));
        }
        tracing::info!("inside the handler");
        Ok(input)
    }
    async fn doomed(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Err(TaskError::new("Fatal", "never works"))
    }
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `body` on a current-thread runtime with paused time while a
/// subscriber captures every event, and returns what was logged.
fn capture(body: impl FnOnce(&tokio::runtime::Runtime)) -> String {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .with_max_level(tracing::Level::TRACE)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        body(&rt);
    });
    String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
}

/// Runs the workflow on `input` with `logging`, and returns what was logged.
fn logged(logging: Logging, input: Value) -> String {
    capture(|rt| {
        let settings = Settings {
            logging,
            ..Settings::default()
        };
        let machine = traced::StateMachine::new(Tasks::default()).with_settings(settings);
        let _ = rt.block_on(machine.run(input));
    })
}

fn at(level: LogLevel, data: bool) -> Logging {
    Logging {
        level,
        include_execution_data: data,
    }
}

#[test]
fn all_logs_every_step_inside_execution_and_state_spans() {
    let text = logged(at(LogLevel::All, true), json!({"fail": false}));
    let lines: Vec<&str> = text.lines().collect();
    let find = |needle: &str| {
        lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
    };
    assert!(find("ExecutionStarted").contains(r#"input={"fail":false}"#));
    let retry = find("retrying after error");
    assert!(
        retry.contains("error=Transient") && retry.contains("delay_seconds=1"),
        "{retry}"
    );
    assert!(
        retry.contains("state{name=\"Flaky\" type=\"Task\"}"),
        "{retry}"
    );
    // The handler's own event is inside the execution's and the state's spans.
    let handler = find("inside the handler");
    assert!(
        handler.contains("execution{machine=\"traced\""),
        "{handler}"
    );
    assert!(
        handler.contains("state{name=\"Flaky\" type=\"Task\"}"),
        "{handler}"
    );
    let caught = find("error caught");
    assert!(
        caught.contains("error=Fatal") && caught.contains("catcher=0"),
        "{caught}"
    );
    assert!(find("ExecutionSucceeded").contains("output="));
    let entered: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("StateEntered"))
        .collect();
    assert_eq!(entered.len(), 4, "Flaky, Doomed, Decide, Done:\n{text}");
}

#[test]
fn without_data_no_inputs_or_outputs() {
    let text = logged(
        at(LogLevel::All, false),
        json!({"fail": false, "secret": "s3cr3t"}),
    );
    assert!(
        text.contains("ExecutionStarted") && text.contains("ExecutionSucceeded"),
        "{text}"
    );
    assert!(!text.contains("s3cr3t"), "{text}");
}

#[test]
fn error_and_fatal_levels() {
    let error = logged(at(LogLevel::Error, false), json!({"fail": true}));
    assert!(
        error.contains("retrying after error") && error.contains("error caught"),
        "{error}"
    );
    assert!(
        error.contains("ExecutionFailed") && error.contains("error=Test.Boom"),
        "{error}"
    );
    assert!(
        !error.contains("StateEntered") && !error.contains("ExecutionStarted"),
        "{error}"
    );

    let fatal = logged(at(LogLevel::Fatal, false), json!({"fail": true}));
    assert!(fatal.contains("ExecutionFailed"), "{fatal}");
    assert!(
        !fatal.contains("retrying") && !fatal.contains("caught"),
        "{fatal}"
    );

    let fatal_ok = logged(at(LogLevel::Fatal, false), json!({"fail": false}));
    assert!(
        !fatal_ok.contains("Execution"),
        "a success is not fatal:\n{fatal_ok}"
    );
}

#[test]
fn off_logs_nothing_of_its_own() {
    let text = logged(Logging::default(), json!({"fail": true}));
    // Only the handler's own event, inside the spans.
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("inside the handler"), "{text}");
}

sfn_runtime::asl!(
    /// A Map whose iterations log from their Task.
    pub mod mapped,
    {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Work",
                    "States": { "Work": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work", "End": true } }
                },
                "End": true
            }
        }
    }
);

struct Work;

impl mapped::Tasks for Work {
    async fn work(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        tracing::info!(item = %input, "working");
        Ok(input)
    }
}

#[test]
fn iteration_states_are_inside_the_map_state_span() {
    let text = capture(|rt| {
        rt.block_on(mapped::StateMachine::new(Work).run(json!([1, 2])))
            .unwrap();
    });
    let working: Vec<&str> = text.lines().filter(|l| l.contains("working")).collect();
    assert_eq!(working.len(), 2, "{text}");
    for line in working {
        assert!(
            line.contains("state{name=\"Each\" type=\"Map\"}:state{name=\"Work\" type=\"Task\"}"),
            "{line}"
        );
    }
}

#[test]
fn a_stopped_execution_is_logged_at_fatal() {
    let text = capture(|rt| {
        rt.block_on(async {
            let settings = Settings {
                logging: at(LogLevel::Fatal, false),
                ..Settings::default()
            };
            let machine = std::sync::Arc::new(
                traced::StateMachine::new(Tasks::default()).with_settings(settings),
            );
            let handle = machine.start(json!({"fail": false}));
            // Stopped during Flaky's retry interval.
            tokio::task::yield_now().await;
            assert!(handle.stop("Ops.Stop", "maintenance"));
        });
    });
    let line = text
        .lines()
        .find(|l| l.contains("ExecutionAborted"))
        .unwrap_or_else(|| panic!("no ExecutionAborted in:\n{text}"));
    assert!(
        line.contains("ERROR") && line.contains("error=\"Ops.Stop\""),
        "{line}"
    );
    assert!(line.contains("execution{machine=\"traced\""), "{line}");
}
