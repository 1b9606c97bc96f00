//! The embedded languages of the Amazon States Language, parsed once at build time.
//!
//! An ASL definition is JSON, but many of its strings are small programs of their
//! own: JSONPath paths (`$.order.items[0]`), context paths (`$$.Execution.Id`),
//! variable references (`$total`), intrinsic function calls
//! (`States.Format('Hello {}', $.name)`), RFC 3339 timestamps, `StringMatches`
//! wildcard patterns and JSONata expressions (`{% $states.input.x %}`).
//!
//! This crate holds their syntax trees and parsers. `sfn-codegen` parses every
//! such string while compiling a workflow and reports syntax errors as compile
//! errors; the generated code then builds the same trees as constants, and
//! `sfn-runtime` evaluates them. Nothing here runs during an execution except
//! the small evaluation helpers on already-parsed values (pattern matching,
//! timestamp comparison), so no path or call is ever parsed twice.
//!
//! Trees use `Cow<'static, _>` for their strings and lists, so that generated
//! code can write them as `static` items borrowing literals, while the parsers
//! produce owned values.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
pub mod intrinsic;
pub mod jsonata;
pub mod path;
pub mod pattern;
pub mod timestamp;

pub use error::SyntaxError;
