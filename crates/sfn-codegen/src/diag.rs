//! Diagnostics: every problem found in a workflow, with where it is.
//!
//! Stages never stop at the first problem: they push into a [`Diagnostics`]
//! and carry on, so a user sees all of them in one build.

use crate::json::{LineIndex, Span};
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The workflow is rejected.
    Error,
    /// The workflow is accepted, but something looks wrong.
    Warning,
}

/// One problem in a workflow definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The key or value the problem is about, as a byte range of the source.
    pub span: Span,
    /// Where in the definition, as a dotted path: `States.Fetch.Retry[0].ErrorEquals`.
    pub path: String,
    /// What is wrong, in lower case, saying the fix where it can.
    pub message: String,
    /// An optional suggestion (`did you mean `Seconds`?`).
    pub help: Option<String>,
}

impl Diagnostic {
    /// Renders as `FILE:LINE:COL: error: MESSAGE (at PATH)`, the form of `sfn check`.
    pub fn display<'a>(
        &'a self,
        file: &'a str,
        source: &'a str,
        index: &'a LineIndex,
    ) -> impl fmt::Display + 'a {
        DisplayDiagnostic {
            diag: self,
            file,
            source,
            index,
        }
    }
}

struct DisplayDiagnostic<'a> {
    diag: &'a Diagnostic,
    file: &'a str,
    source: &'a str,
    index: &'a LineIndex,
}

impl fmt::Display for DisplayDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.index.line_col(self.source, self.diag.span.start);
        let level = match self.diag.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{line}:{col}: {level}: {}",
            self.file, self.diag.message
        )?;
        if let Some(help) = &self.diag.help {
            write!(f, "; {help}")?;
        }
        if !self.diag.path.is_empty() {
            write!(f, " (at {})", self.diag.path)?;
        }
        Ok(())
    }
}

/// The source lines of `span` with a caret underline, as rustc prints them:
///
/// ```text
///    |
/// 12 |     "Next": "Sucess"
///    |             ^^^^^^^^
/// ```
///
/// Written here rather than taken from a reporting crate because the same
/// text goes into `sfn check` output, build.rs errors and `compile_error!`
/// messages, each after a header line in sfn's own `FILE:LINE:COL` form.
pub fn snippet(source: &str, index: &LineIndex, span: Span) -> String {
    let (line, col) = index.line_col(source, span.start);
    let range = index.line_range(source, line);
    let text = &source[range.start..range.end];
    let width = line.to_string().len();
    let end = span.end.clamp(span.start, range.end.max(span.start));
    let len = source
        .get(span.start..end)
        .map_or(1, |s| s.chars().count())
        .max(1);
    let pad = " ".repeat(width);
    let lead: String = text
        .chars()
        .take(col - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(
        "{pad} |\n{line} | {text}\n{pad} | {lead}{}",
        "^".repeat(len)
    )
}

/// Collects diagnostics from every stage.
#[derive(Debug, Default)]
#[must_use]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error at `span`, for the definition path `path`.
    pub fn error(&mut self, span: Span, path: &str, message: impl Into<String>) {
        self.push(Severity::Error, span, path, message.into(), None);
    }

    /// Records an error with a suggestion.
    pub fn error_help(
        &mut self,
        span: Span,
        path: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(
            Severity::Error,
            span,
            path,
            message.into(),
            Some(help.into()),
        );
    }

    /// Records a warning.
    pub fn warning(&mut self, span: Span, path: &str, message: impl Into<String>) {
        self.push(Severity::Warning, span, path, message.into(), None);
    }

    fn push(
        &mut self,
        severity: Severity,
        span: Span,
        path: &str,
        message: String,
        help: Option<String>,
    ) {
        self.list.push(Diagnostic {
            severity,
            span,
            path: path.to_string(),
            message,
            help,
        });
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    /// The diagnostics so far.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.list
    }

    /// All diagnostics, in source order (then in the order found).
    pub fn into_vec(mut self) -> Vec<Diagnostic> {
        self.list.sort_by_key(|d| (d.span.start, d.severity));
        self.list.dedup();
        self.list
    }
}

/// The closest candidate to `name` among `candidates`, if one is close enough
/// to be a likely misspelling (used for "did you mean" hints).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let score = strsim::jaro_winkler(&lower, &c.to_ascii_lowercase());
            (c, score)
        })
        .filter(|(_, s)| *s >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
        assert_eq!(suggest("Second", names), Some("Seconds"));
        assert_eq!(suggest("timestamppath", names), Some("TimestampPath"));
        assert_eq!(suggest("Days", names), None);
    }

    #[test]
    fn snippet_underlines_the_span() {
        let src = "{\n  \"Next\": \"Sucess\"\n}";
        let idx = LineIndex::new(src);
        let start = src.find("\"Sucess\"").unwrap();
        let s = snippet(src, &idx, Span::new(start, start + 8));
        assert_eq!(s, "  |\n2 |   \"Next\": \"Sucess\"\n  |           ^^^^^^^^");
    }

    #[test]
    fn renders_file_line_col_and_path() {
        let src = "{\n  \"StartAt\": 1\n}";
        let idx = LineIndex::new(src);
        let mut d = Diagnostics::new();
        d.error(Span::new(15, 16), "StartAt", "`StartAt` must be a string");
        let v = d.into_vec();
        assert_eq!(
            v[0].display("w.asl.json", src, &idx).to_string(),
            "w.asl.json:2:14: error: `StartAt` must be a string (at StartAt)"
        );
    }
}
