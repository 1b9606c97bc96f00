//! Runnable examples of sfn. Each is an `[[example]]` of this package:
//!
//! ```text
//! cargo run --example order_processing
//! ```
//!
//! The library itself is empty; it exists because a package needs a target.

#![forbid(unsafe_code)]
