//! The conformance runner: each recorded AWS case of `../shared/conformance/cases`
//! runs against the workflow sfn generated from its definition, with task
//! handlers that replay the case's recorded task results, and its outcome is
//! compared with what AWS recorded (values, not text).
//!
//! The build script generates one module per distinct definition through
//! `sfn_codegen::Builder`; [`run`] starts one by its [`canon::key`].

#![forbid(unsafe_code)]

pub mod canon;
pub mod compare;
pub mod replay;

use std::future::Future;
use std::pin::Pin;

/// A running generated workflow.
pub type Execution =
    Pin<Box<dyn Future<Output = Result<serde_json::Value, sfn_runtime::ExecutionError>>>>;

include!(concat!(env!("OUT_DIR"), "/registry.rs"));
