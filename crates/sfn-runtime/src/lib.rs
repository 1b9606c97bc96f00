//! The runtime of workflows compiled by sfn from the Amazon States Language.
//!
//! The data-flow operations, intrinsic functions, Choice evaluation, errors
//! and executors arrive with their issues; this crate is the one dependency
//! an application needs.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use sfn_lang;
