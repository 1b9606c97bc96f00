//! Regular expressions: JavaScript regular expression literals run on the
//! `regex` crate.

/// A compiled JavaScript regular expression.
#[derive(Debug)]
pub(crate) struct JsRegex {}
