//! `StringMatches` wildcard patterns.
//!
//! A Choice rule such as `{"Variable": "$.file", "StringMatches": "log-*.txt"}`
//! tests a string against a pattern in which `*` stands for any run of
//! characters. The AWS documentation describes the syntax as: "The value must be
//! a String which MAY contain one or more `*` characters. The `*` character can be
//! used to match zero or more characters … To match a literal `*`, escape it with
//! a backslash (`\*`); to match a literal backslash, escape it (`\\`). Any other
//! character that is not a star is matched literally."
//!
//! # Grammar
//!
//! ```text
//! pattern = { "*" | "\*" | "\\" | any character other than "*" and "\" }
//! ```
//!
//! * `*` matches zero or more characters (Unicode scalar values, not bytes);
//!   consecutive stars are the same as one;
//! * `\*` matches a literal `*` and `\\` a literal `\`;
//! * **a backslash before anything else is an error** ("only `\*` and `\\` are
//!   escapes in StringMatches"), and so is a trailing lone backslash. The AWS
//!   text leaves `\a` unspecified; nothing in the conformance corpus uses it, and
//!   rejecting it at build time is safer than guessing whether AWS matches `\a`
//!   or `a`. (In JSON source a pattern backslash is itself escaped, so a literal
//!   star is written `"log\\*.txt"`.)
//! * every other character matches itself, case-sensitively; `?`, `[` and the
//!   like have no special meaning;
//! * the empty pattern matches only the empty string.
//!
//! # Matching
//!
//! [`Pattern::matches`] anchors the pattern at both ends. It strips the literal
//! prefix and suffix, then finds each literal between stars at its leftmost
//! position. Because a star can absorb anything, the leftmost match of each
//! literal is always the best choice, so there is no backtracking: the cost is
//! linear in the subject for each literal, with no exponential blow-up on
//! patterns such as `*a*a*a*a*b`.
//!
//! The parser is hand-written because the syntax is three rules; the
//! `wildcard`-style crates either treat `?` and `[` as special or disagree on
//! backslashes.

use std::borrow::Cow;
use std::fmt;

use crate::SyntaxError;

/// A parsed `StringMatches` pattern: literal runs and stars, in order.
///
/// Parsing produces a normalised sequence (no two literals or two stars in a
/// row, no empty literals), but [`Pattern::matches`] is correct for any
/// sequence, so hand-written values are fine too. The `Cow`s let generated code
/// write patterns as `static` items.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The pieces of the pattern, in order.
    pub pieces: Cow<'static, [PatternPiece]>,
}

/// One piece of a [`Pattern`].
#[derive(Clone, Debug, PartialEq)]
pub enum PatternPiece {
    /// Characters that must appear exactly (escapes already resolved).
    Literal(Cow<'static, str>),
    /// `*`: zero or more characters.
    Star,
}

/// Parses a `StringMatches` pattern; see the [module documentation](self).
///
/// The error offset is the byte offset of the offending backslash.
pub fn parse_pattern(text: &str) -> Result<Pattern, SyntaxError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '*' => {
                if !literal.is_empty() {
                    pieces.push(PatternPiece::Literal(Cow::Owned(std::mem::take(
                        &mut literal,
                    ))));
                }
                if pieces.last() != Some(&PatternPiece::Star) {
                    pieces.push(PatternPiece::Star);
                }
            }
            '\\' => match chars.next() {
                Some((_, escaped @ ('*' | '\\'))) => literal.push(escaped),
                Some((_, other)) => {
                    return Err(SyntaxError::new(
                        at,
                        format!(
                            "`\\{other}` is not an escape: only `\\*` and `\\\\` are escapes in \
                             StringMatches (write `\\\\` for a literal backslash)"
                        ),
                    ));
                }
                None => {
                    return Err(SyntaxError::new(
                        at,
                        "StringMatches pattern ends with a lone `\\`: only `\\*` and `\\\\` are \
                         escapes (write `\\\\` for a literal backslash)",
                    ));
                }
            },
            other => literal.push(other),
        }
    }
    if !literal.is_empty() {
        pieces.push(PatternPiece::Literal(Cow::Owned(literal)));
    }
    Ok(Pattern {
        pieces: Cow::Owned(pieces),
    })
}

impl Pattern {
    /// Whether `s` matches the whole pattern.
    pub fn matches(&self, s: &str) -> bool {
        if self.is_normalised() {
            match_normalised(&self.pieces, s)
        } else {
            match_normalised(&self.normalised(), s)
        }
    }

    /// True when no two literals or stars are adjacent and no literal is empty.
    fn is_normalised(&self) -> bool {
        let empty = self
            .pieces
            .iter()
            .any(|p| matches!(p, PatternPiece::Literal(l) if l.is_empty()));
        let adjacent = self.pieces.windows(2).any(|w| {
            matches!(
                w,
                [PatternPiece::Star, PatternPiece::Star]
                    | [PatternPiece::Literal(_), PatternPiece::Literal(_)]
            )
        });
        !empty && !adjacent
    }

    /// The same pattern with adjacent literals joined and star runs collapsed.
    fn normalised(&self) -> Vec<PatternPiece> {
        let mut out: Vec<PatternPiece> = Vec::with_capacity(self.pieces.len());
        for piece in self.pieces.iter() {
            match (piece, out.last_mut()) {
                (PatternPiece::Literal(l), _) if l.is_empty() => {}
                (PatternPiece::Star, Some(PatternPiece::Star)) => {}
                (PatternPiece::Literal(l), Some(PatternPiece::Literal(prev))) => {
                    prev.to_mut().push_str(l);
                }
                (piece, _) => out.push(piece.clone()),
            }
        }
        out
    }
}

/// Matches a normalised piece sequence (literals and stars alternate, no empty
/// literal) against the whole of `s`.
fn match_normalised(pieces: &[PatternPiece], s: &str) -> bool {
    let mut rest = s;
    let mut middle = pieces;
    // A leading literal must be a prefix.
    if let [PatternPiece::Literal(first), tail @ ..] = middle {
        if tail.is_empty() {
            return s == first.as_ref();
        }
        match rest.strip_prefix(first.as_ref()) {
            Some(r) => rest = r,
            None => return false,
        }
        middle = tail;
    }
    // A trailing literal must be a suffix of what the prefix left over, so that
    // prefix and suffix cannot overlap.
    if let [head @ .., PatternPiece::Literal(last)] = middle {
        match rest.strip_suffix(last.as_ref()) {
            Some(r) => rest = r,
            None => return false,
        }
        middle = head;
    }
    if middle.is_empty() {
        // No star at all: the pattern was empty (the one-literal case returned
        // above).
        return rest.is_empty();
    }
    // `middle` now starts and ends with a star: each literal between them can
    // be taken at its leftmost occurrence.
    for piece in middle {
        if let PatternPiece::Literal(literal) = piece {
            match rest.find(literal.as_ref()) {
                Some(at) => rest = &rest[at + literal.len()..],
                None => return false,
            }
        }
    }
    true
}

impl fmt::Display for Pattern {
    /// The pattern in source form, with `*` and `\` in literals escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in self.pieces.iter() {
            match piece {
                PatternPiece::Star => f.write_str("*")?,
                PatternPiece::Literal(literal) => {
                    for c in literal.chars() {
                        if matches!(c, '*' | '\\') {
                            f.write_str("\\")?;
                        }
                        write!(f, "{c}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pat(text: &str) -> Pattern {
        match parse_pattern(text) {
            Ok(p) => p,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn lit(s: &'static str) -> PatternPiece {
        PatternPiece::Literal(Cow::Borrowed(s))
    }

    #[test]
    fn aws_examples() {
        let p = pat("log-*.txt");
        assert_eq!(
            p.pieces.as_ref(),
            &[lit("log-"), PatternPiece::Star, lit(".txt")]
        );
        assert!(p.matches("log-2024.txt"));
        assert!(p.matches("log-.txt"));
        assert!(!p.matches("log-2024.txt.bak"));
        assert!(!p.matches("xlog-2024.txt"));

        let p = pat("*.log");
        assert!(p.matches("error.log"));
        assert!(p.matches(".log"));
        assert!(!p.matches("error.log2"));

        let p = pat("foo*bar*baz");
        assert!(p.matches("foobarbaz"));
        assert!(p.matches("foo-bar-baz"));
        assert!(p.matches("foobazbarbaz"));
        assert!(!p.matches("foobaz"));
        assert!(!p.matches("foobarbazx"));
    }

    #[test]
    fn escapes() {
        let p = pat(r"log\*.txt");
        assert_eq!(p.pieces.as_ref(), &[lit("log*.txt")]);
        assert!(p.matches("log*.txt"));
        assert!(!p.matches("log-2024.txt"));

        let p = pat(r"a\\b");
        assert_eq!(p.pieces.as_ref(), &[lit(r"a\b")]);
        assert!(p.matches(r"a\b"));

        let p = pat(r"\\*");
        assert_eq!(p.pieces.as_ref(), &[lit("\\"), PatternPiece::Star]);
        assert!(p.matches(r"\anything"));

        let p = pat(r"*\**");
        assert!(p.matches("a*b"));
        assert!(!p.matches("ab"));
    }

    #[test]
    fn bad_escapes_are_errors() {
        let e = parse_pattern(r"ab\cd").unwrap_err();
        assert_eq!(e.offset, 2);
        assert!(
            e.message.contains("only `\\*` and `\\\\` are escapes"),
            "{e}"
        );
        let e = parse_pattern("abc\\").unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.message.contains("lone `\\`"), "{e}");
        let e = parse_pattern("é\\é").unwrap_err();
        assert_eq!(e.offset, 2);
    }

    #[test]
    fn stars_collapse() {
        let p = pat("a***b**");
        assert_eq!(
            p.pieces.as_ref(),
            &[lit("a"), PatternPiece::Star, lit("b"), PatternPiece::Star]
        );
        assert_eq!(pat("***").pieces.as_ref(), &[PatternPiece::Star]);
        assert!(pat("***").matches(""));
        assert!(pat("***").matches("anything"));
    }

    #[test]
    fn empty_pattern_matches_only_empty() {
        let p = pat("");
        assert!(p.pieces.is_empty());
        assert!(p.matches(""));
        assert!(!p.matches("a"));
    }

    #[test]
    fn prefix_and_suffix_do_not_overlap() {
        let p = pat("a*a");
        assert!(!p.matches("a"));
        assert!(p.matches("aa"));
        assert!(p.matches("aba"));
        let p = pat("ab*ba");
        assert!(!p.matches("aba"));
        assert!(p.matches("abba"));
    }

    #[test]
    fn unicode() {
        let p = pat("日本*語");
        assert!(p.matches("日本語"));
        assert!(p.matches("日本の言語"));
        assert!(!p.matches("日本"));
        assert!(pat("*🎉*").matches("party 🎉 time"));
        assert!(!pat("é*").matches("ecole"));
        assert!(pat("é*").matches("été"));
        // A star consumes whole characters: the subject is never split inside
        // a multi-byte character.
        assert!(pat("*é").matches("ééé"));
        assert!(pat("é*é").matches("éé"));
    }

    #[test]
    fn other_characters_are_literal() {
        assert!(pat("a?c").matches("a?c"));
        assert!(!pat("a?c").matches("abc"));
        assert!(pat("[ab]").matches("[ab]"));
        assert!(!pat("[ab]").matches("a"));
        assert!(!pat("ABC").matches("abc"));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let subject = "a".repeat(20_000);
        let p = pat(&format!("{}b", "*a".repeat(50)));
        let start = std::time::Instant::now();
        assert!(!p.matches(&subject));
        assert!(start.elapsed().as_secs() < 2);
    }

    #[test]
    fn hand_written_patterns() {
        let p = Pattern {
            pieces: Cow::Borrowed(&[
                PatternPiece::Literal(Cow::Borrowed("lo")),
                PatternPiece::Literal(Cow::Borrowed("g-")),
                PatternPiece::Star,
                PatternPiece::Star,
                PatternPiece::Literal(Cow::Borrowed("")),
                PatternPiece::Literal(Cow::Borrowed(".txt")),
            ]),
        };
        assert!(p.matches("log-1.txt"));
        assert!(!p.matches("log-1.txt!"));
        static EMPTY_LITERAL: Pattern = Pattern {
            pieces: Cow::Borrowed(&[PatternPiece::Literal(Cow::Borrowed(""))]),
        };
        assert!(EMPTY_LITERAL.matches(""));
        assert!(!EMPTY_LITERAL.matches("x"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["log-*.txt", r"a\*b\\c*", "", "*", "日本*"] {
            assert_eq!(pat(text).to_string(), text);
        }
    }

    /// Reference matcher: dynamic programming over characters.
    fn reference(pattern: &[Option<char>], s: &[char]) -> bool {
        // dp[j]: pattern prefix matches s[..j]
        let mut dp = vec![false; s.len() + 1];
        dp[0] = true;
        for p in pattern {
            let mut next = vec![false; s.len() + 1];
            match p {
                None => {
                    let mut any = false;
                    for j in 0..=s.len() {
                        any |= dp[j];
                        next[j] = any;
                    }
                }
                Some(c) => {
                    for j in 1..=s.len() {
                        next[j] = dp[j - 1] && s[j - 1] == *c;
                    }
                }
            }
            dp = next;
        }
        dp[s.len()]
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC*", subject in "\\PC*") {
            if let Ok(p) = parse_pattern(&text) {
                let _ = p.matches(&subject);
                prop_assert_eq!(parse_pattern(&p.to_string()), Ok(p));
            }
        }

        #[test]
        fn agrees_with_reference(pattern in "[ab*é]{0,8}", subject in "[abé]{0,10}") {
            let p = pat(&pattern);
            let reference_pattern: Vec<Option<char>> =
                pattern.chars().map(|c| if c == '*' { None } else { Some(c) }).collect();
            let chars: Vec<char> = subject.chars().collect();
            prop_assert_eq!(p.matches(&subject), reference(&reference_pattern, &chars));
        }
    }
}
