//! Diagnostics: every problem found in a workflow, with where it is.
//!
//! Stages never stop at the first problem: they push into a [`Diagnostics`]
//! and carry on, so a user sees all of them in one build.

use crate::json::{LineIndex, Span};
use std::borrow::Cow;
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

/// Source lines longer than this many characters are shown as a window of
/// about this many characters around the span, as rustc does, so that a
/// minified (one-line) workflow does not print its whole text for each
/// problem.
pub const MAX_LINE_CHARS: usize = 120;

/// How many characters before the span a cut source line keeps.
const CONTEXT_BEFORE: usize = 40;

/// The longest name or value that messages quote whole, in characters.
pub const MAX_QUOTED_CHARS: usize = 64;

/// The longest stretch of a message's own text kept whole, in characters
/// (the parts outside backquotes, which are sfn's words, are shorter).
const MAX_TEXT_CHARS: usize = 400;

/// The longest message, help or path kept whole, in characters, whatever
/// it is made of (a name full of backquotes or dots is many short parts).
const MAX_MESSAGE_CHARS: usize = 1000;

/// The source line of `span` with a caret underline, as rustc prints it:
///
/// ```text
///    |
/// 12 |     "Next": "Sucess"
///    |             ^^^^^^^^
/// ```
///
/// A line longer than [`MAX_LINE_CHARS`] is cut to a window around the
/// start of the span, with `...` where it was cut, and the carets stay
/// under the span:
///
/// ```text
///   |
/// 1 | ...t":"Prepare","States":{"Prepare":{"Type":"Pass","Next":"Sucess"},"Succ...
///   |                                                          ^^^^^^^^
/// ```
///
/// Written here rather than taken from a reporting crate because the same
/// text goes into `sfn check` output, build.rs errors and `compile_error!`
/// messages, each after a header line in sfn's own `FILE:LINE:COL` form.
pub fn snippet(source: &str, index: &LineIndex, span: Span) -> String {
    let (line, _) = index.line_col(source, span.start);
    let range = index.line_range(source, line);
    let text = &source[range.start..range.end];
    // Byte offsets in `text`, on character boundaries.
    let start = floor_char_boundary(text, span.start.clamp(range.start, range.end) - range.start);
    let end =
        floor_char_boundary(text, span.end.clamp(range.start, range.end) - range.start).max(start);
    let width = line.to_string().len();
    let pad = " ".repeat(width);

    // The shown part of the line: all of it, or a window around `start`.
    let long = text.chars().nth(MAX_LINE_CHARS).is_some();
    let (from, to) = if long {
        let from = text[..start]
            .char_indices()
            .rev()
            .nth(CONTEXT_BEFORE - 1)
            .map_or(0, |(i, _)| i);
        let before = text[from..start].chars().count();
        let to = text[start..]
            .char_indices()
            .nth(MAX_LINE_CHARS - before)
            .map_or(text.len(), |(i, _)| start + i);
        (from, to)
    } else {
        (0, text.len())
    };
    let (open, close) = (
        if from > 0 { "..." } else { "" },
        if to < text.len() { "..." } else { "" },
    );
    let lead: String = open
        .chars()
        .chain(text[from..start].chars())
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let carets = text[start..end.min(to)].chars().count().max(1);
    format!(
        "{pad} |\n{line} | {open}{}{close}\n{pad} | {lead}{}",
        &text[from..to],
        "^".repeat(carets)
    )
}

/// The largest character boundary of `text` at or before `i`.
fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `text` (a name or value quoted in a message) whole when it has at most
/// [`MAX_QUOTED_CHARS`] characters; otherwise its first ones, `…` and its
/// length: `VeryLong…(1048576 characters)`.
pub fn clip(text: &str) -> Cow<'_, str> {
    clip_to(text, MAX_QUOTED_CHARS)
}

/// `text` whole when it has at most `max` characters, or its first `max`,
/// `…` and its length.
fn clip_to(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}…({} characters)",
            &text[..cut],
            text.chars().count()
        )),
    }
}

/// A message or help with every backquoted name or value cut by [`clip`],
/// and no longer than [`MAX_MESSAGE_CHARS`] in all. Messages quote what
/// the definition holds (state names, field names, values, paths), and a
/// definition can hold a name of a megabyte.
fn clip_message(message: &str) -> Cow<'_, str> {
    clip_parts(message, '`', |i| {
        if i % 2 == 1 {
            MAX_QUOTED_CHARS
        } else {
            MAX_TEXT_CHARS
        }
    })
}

/// A definition path (`States.Name.Next`) with every dotted part cut by
/// [`clip`], and no longer than [`MAX_MESSAGE_CHARS`] in all.
fn clip_path(path: &str) -> Cow<'_, str> {
    clip_parts(path, '.', |_| MAX_QUOTED_CHARS)
}

/// `text` as [`clip_message`] cuts it, without a copy when it is not cut.
fn clipped(text: String) -> String {
    let cut = match clip_message(&text) {
        Cow::Owned(cut) => Some(cut),
        Cow::Borrowed(_) => None,
    };
    cut.unwrap_or(text)
}

/// `text` split at `separator`, each part cut to `max(part index)`
/// characters, the whole cut to [`MAX_MESSAGE_CHARS`].
fn clip_parts(text: &str, separator: char, max: impl Fn(usize) -> usize) -> Cow<'_, str> {
    let quick = MAX_QUOTED_CHARS.min(MAX_TEXT_CHARS);
    if text.len() <= quick {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut changed = false;
    for (i, part) in text.split(separator).enumerate() {
        if i > 0 {
            out.push(separator);
        }
        let part = clip_to(part, max(i));
        changed |= matches!(part, Cow::Owned(_));
        out.push_str(&part);
        if out.len() > 4 * MAX_MESSAGE_CHARS {
            // Enough to cut below; do not copy the rest of a huge text.
            changed = true;
            break;
        }
    }
    if let Some((cut, _)) = out.char_indices().nth(MAX_MESSAGE_CHARS) {
        out.truncate(cut);
        out.push('…');
        changed = true;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// How many names, in all, one check may compare with misspelt ones for
/// "did you mean" hints (see [`Diagnostics::afford_hint`]).
pub const HINT_BUDGET: usize = 250_000;

/// Collects diagnostics from every stage.
#[derive(Debug)]
#[must_use]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    /// What is left of [`HINT_BUDGET`].
    hint_budget: usize,
}

impl Default for Diagnostics {
    fn default() -> Self {
        Diagnostics {
            list: Vec::new(),
            hint_budget: HINT_BUDGET,
        }
    }
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a hint that looks through `candidates` names (a "did you
    /// mean" against every state of a scope, the list of a scope's states)
    /// fits in what is left of [`HINT_BUDGET`]; if so, it is spent.
    ///
    /// A hint costs the size of the scope, so a workflow of 100,000 states
    /// that misspells 50,000 `Next` names would spend 5·10⁹ comparisons on
    /// them. The budget keeps a check linear: the first problems get their
    /// hints, and once it is spent the others are reported without one. It
    /// is spent in source order, so the output is the same on every run.
    pub fn afford_hint(&mut self, candidates: usize) -> bool {
        match self.hint_budget.checked_sub(candidates) {
            Some(left) => {
                self.hint_budget = left;
                true
            }
            None => false,
        }
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
        // Cut here, once, so that every way of showing a diagnostic (sfn
        // check, build.rs errors, compile_error!) is bounded.
        self.list.push(Diagnostic {
            severity,
            span,
            path: clip_path(path).into_owned(),
            message: clipped(message),
            help: help.map(clipped),
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

/// The longest name, in bytes, that [`suggest`] compares: 80 characters
/// (the longest state name) of up to four bytes each.
pub const MAX_HINT_BYTES: usize = 320;

/// The closest candidate to `name` among `candidates`, if one is close enough
/// to be a likely misspelling (used for "did you mean" hints). Its cost is
/// linear in the number of candidates: where they can be many (every state
/// of a scope), ask [`Diagnostics::afford_hint`] first.
///
/// Names longer than [`MAX_HINT_BYTES`] are neither given a hint nor
/// suggested: Jaro-Winkler is quadratic in the length of two long strings,
/// and no state name or field name is that long.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if name.len() > MAX_HINT_BYTES {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let mut buffer = String::new();
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        if c == name || c.len() > MAX_HINT_BYTES {
            continue;
        }
        buffer.clear();
        buffer.push_str(c);
        buffer.make_ascii_lowercase();
        let score = strsim::jaro_winkler(&lower, &buffer);
        // A tie goes to the smaller name: the same hint on every run,
        // whatever order a hash map hands the candidates out in.
        if score >= 0.8 && best.is_none_or(|(b, s)| score > s || (score == s && c < b)) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
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

    /// The shown line and the caret line of a snippet.
    fn shown(snippet: &str) -> (String, String) {
        let lines: Vec<&str> = snippet.lines().collect();
        let text = lines[1].split_once(" | ").unwrap().1.to_string();
        let carets = lines[2].split_once(" | ").unwrap().1.to_string();
        (text, carets)
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let src = format!(
            "{{{}\"Next\": \"Sucess\"{}}}",
            "x".repeat(5000),
            "y".repeat(5000)
        );
        let idx = LineIndex::new(&src);
        let start = src.find("\"Sucess\"").unwrap();
        let s = snippet(&src, &idx, Span::new(start, start + 8));
        let (text, carets) = shown(&s);
        assert!(text.starts_with("...") && text.ends_with("..."), "{s}");
        assert!(text.chars().count() <= MAX_LINE_CHARS + 6, "{s}");
        let at = carets.find('^').unwrap();
        assert_eq!(&text[at..at + 8], "\"Sucess\"", "{s}");
        assert_eq!(carets.trim_start(), "^^^^^^^^");
        // Near the start of the line, nothing is cut on the left.
        let s = snippet(&src, &idx, Span::new(0, 1));
        let (text, carets) = shown(&s);
        assert!(text.starts_with("{xxx") && text.ends_with("..."), "{s}");
        assert_eq!(carets, "^");
        // At the end, nothing is cut on the right.
        let s = snippet(&src, &idx, Span::new(src.len() - 1, src.len()));
        let (text, carets) = shown(&s);
        assert!(text.starts_with("...") && text.ends_with("y}"), "{s}");
        assert_eq!(carets.len(), text.len());
    }

    #[test]
    fn cut_lines_keep_whole_characters() {
        // Multi-byte characters on both sides; the caret counts characters.
        let src = format!("{}\"Ölçü\"{}", "é😀".repeat(3000), "ß".repeat(3000));
        let idx = LineIndex::new(&src);
        let start = src.find("\"Ölçü\"").unwrap();
        for span in [
            Span::new(start, start + "\"Ölçü\"".len()),
            Span::new(start + 1, start + 2),
            Span::new(start - 1, start + 1), // inside a character: its start
        ] {
            let s = snippet(&src, &idx, span);
            let (text, carets) = shown(&s);
            assert!(text.chars().count() <= MAX_LINE_CHARS + 6, "{s}");
            let at = carets.chars().take_while(|&c| c == ' ').count();
            let under: String = text.chars().skip(at).take(2).collect();
            let expected: String = src[floor_char_boundary(&src, span.start)..]
                .chars()
                .take(2)
                .collect();
            assert_eq!(under, expected, "{s}");
        }
        // A span that runs past the window is underlined to the cut.
        let s = snippet(&src, &idx, Span::new(0, src.len()));
        let (text, carets) = shown(&s);
        assert_eq!(carets.chars().count(), text.chars().count() - 3, "{s}");
    }

    #[test]
    fn long_names_in_messages_are_clipped() {
        let name = "N".repeat(1 << 20);
        let mut d = Diagnostics::new();
        d.error_help(
            Span::new(0, 1),
            &format!("States.{name}.Next"),
            format!("no state named `{name}` in this scope"),
            format!("did you mean `{name}x`?"),
        );
        let v = d.into_vec();
        let text = v[0]
            .display("w.asl.json", "{}", &LineIndex::new("{}"))
            .to_string();
        assert!(text.len() < 600, "{text}");
        assert!(
            text.contains(&format!(
                "`{}…(1048576 characters)` in this scope",
                "N".repeat(64)
            )),
            "{text}"
        );
        assert!(text.contains("(at States.NNNN"), "{text}");
        assert!(text.ends_with("…(1048576 characters).Next)"), "{text}");
        // Short ones are untouched, and so is the wording around them.
        assert_eq!(clip("Fetch"), "Fetch");
        // A name made of many short parts is still bounded.
        let dotted = "a.".repeat(1 << 19);
        let mut d = Diagnostics::new();
        d.error(
            Span::new(0, 1),
            &dotted,
            format!("`{}`", "`x".repeat(1 << 19)),
        );
        let v = d.into_vec();
        assert!(v[0].path.chars().count() <= MAX_MESSAGE_CHARS + 1);
        assert!(v[0].message.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn suggestions_are_the_same_in_any_order() {
        let names = ["Stat1", "Stat2", "Stat3"];
        let mut reversed = names;
        reversed.reverse();
        assert_eq!(suggest("Stat", names), suggest("Stat", reversed));
        assert_eq!(suggest("Stat", names), Some("Stat1"));
    }

    #[test]
    fn the_hint_budget_runs_out() {
        let mut d = Diagnostics::new();
        assert!(d.afford_hint(HINT_BUDGET - 10));
        assert!(!d.afford_hint(11));
        assert!(d.afford_hint(10));
        assert!(!d.afford_hint(1));
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
