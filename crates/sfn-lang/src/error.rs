//! The one error type of every parser in this crate.

use std::fmt;

/// A syntax error in an embedded-language string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the parsed string where the problem is.
    pub offset: usize,
    /// What is wrong, in lower case, naming the fix where it can.
    pub message: String,
}

impl SyntaxError {
    /// A new error at `offset`.
    pub fn new(offset: usize, message: impl Into<String>) -> Self {
        SyntaxError {
            offset,
            message: message.into(),
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}
