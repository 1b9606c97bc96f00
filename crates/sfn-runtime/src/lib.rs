//! The runtime of workflows compiled by sfn from the Amazon States Language.
//!
//! Generated code calls into this crate for everything that is the same in
//! every workflow: JSONPath evaluation, payload templates, the input and
//! output processing of states (InputPath, Parameters, ResultSelector,
//! ResultPath, OutputPath), intrinsic functions, Choice operators, the
//! context object, workflow variables and the errors of the States language.
//! Every expression arrives already parsed (by `sfn-codegen`, into the types
//! of `sfn-lang`); nothing here parses a path or call while a workflow runs.
//!
//! The [`engine`] runs what has an effect or a policy: Retry and Catch, task
//! calls with timeouts, Parallel branches, Map items, Waits. Applications
//! see the task side ([`task`]): [`Resources`], [`TaskContext`],
//! [`TaskError`] and, when an execution fails, [`ExecutionError`].

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod choice;
pub mod context;
pub mod dataflow;
pub mod engine;
pub mod error;
pub mod handle;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonata_flow;
pub mod jsonpath;
pub mod lookup;
pub mod machine;
pub mod nested;
pub mod store;
pub mod task;
pub mod template;
pub mod variables;

#[cfg(feature = "macros")]
pub use sfn_macros::{asl, include_asl};

pub use engine::{
    Clock, Ending, HISTORY_EVENT_LIMIT, History, HistoryEvent, LogLevel, Logging, Settings,
    StateMachineType, StateObserver, TaskTokenError, TaskTokens,
};
pub use error::StatesError;
pub use handle::{ExecutionHandle, ExecutionStatus};
pub use nested::{StateMachines, Workflow};
pub use sfn_lang;
pub use store::{ExecutionDescription, ListPage, ListQuery, Store, StoreError};
pub use task::{ExecutionError, Resources, TaskContext, TaskError};
/// The `uuid` crate, whose `Uuid` an [`intrinsics::Entropy`] returns.
pub use uuid;

/// What generated code uses, under one path: `::sfn_runtime::__private`.
/// Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::engine::{
        BranchFuture, Control, Execution, RetryPolicy, Settings, TaskCallback, Tolerance,
        call_task, call_task_with_token, expect_seconds, expect_seconds_at, expect_timestamp,
        expect_timestamp_at, expect_tolerated_failure_percentage_at, find_catcher, run_map,
        run_parallel, wait_seconds, wait_until, with_retry,
    };
    pub use crate::error::StatesError;
    pub use crate::{
        choice, context, dataflow, error, intrinsics, jsonata_flow, jsonpath, lookup, template,
        variables,
    };
    pub use serde_json::{self, Value};
    pub use sfn_lang;
    pub use std::sync::LazyLock;
}

/// Guides: the Markdown files of the repository's `docs/` folder, included
/// here so that `cargo test -p sfn-runtime --doc` compiles and runs their
/// examples.
pub mod guide {
    #[doc = include_str!("../../../docs/retry-and-catch.md")]
    pub mod retry_and_catch {}
    #[doc = include_str!("../../../docs/map.md")]
    pub mod map {}
    #[doc = include_str!("../../../docs/task-tokens.md")]
    pub mod task_tokens {}
    #[doc = include_str!("../../../docs/testing.md")]
    pub mod testing {}
    #[doc = include_str!("../../../docs/jsonata.md")]
    pub mod jsonata {}
    #[doc = include_str!("../../../docs/stopping.md")]
    pub mod stopping {}
    #[doc = include_str!("../../../docs/durable.md")]
    pub mod durable {}
}
