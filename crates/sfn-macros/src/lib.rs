//! The `asl!` and `include_asl!` macros of sfn. Use them through
//! `sfn-runtime`, which re-exports them.
//!
//! Code generation arrives with the code-generation issue; until then the
//! macro crate only exists so that the workspace has its final shape.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
