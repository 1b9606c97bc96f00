//! State names to Rust identifiers, in one place.
//!
//! ASL state names are any string of 1 to 80 characters (`"Validate order"`,
//! `"HTTP-Call v2"`, `"检查"`). Generated code needs identifiers from them: a
//! PascalCase enum variant per state and a snake_case `Tasks` method per Task
//! state. The rules:
//!
//! * words are split at every character that is not an ASCII letter or digit
//!   and at case changes (`HTTPRequest` is `HTTP` + `Request`), as `heck`
//!   does; digits stay with the word before them (`Step1Done` is `step1_done`);
//! * only ASCII survives: rustc warns about some non-ASCII identifiers
//!   (`uncommon_codepoints`, `confusable_idents`), which would break a user's
//!   `#![deny(warnings)]`; a name with no ASCII letter or digit at all gets a
//!   positional fallback (`State3`, `state_3`);
//! * a name starting with a digit gets a leading `_` (`_1st_step`);
//! * keywords are written raw (`r#match`), except those that cannot be raw
//!   (`self`, `Self`, `super`, `crate`), which get a `_` suffix;
//! * within one namespace, a name already taken gets `_2`, `_3`, ... in file
//!   order ([`Allocator`]).

use proc_macro2::{Ident, Span};
use std::collections::HashSet;

/// Keywords of Rust 2015 to 2024 (strict and reserved): an identifier equal
/// to one of these must be written raw or renamed.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// Splits a name into words: ASCII letters and digits only, separated at
/// other characters and at case changes.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = current.chars().last().as_ref() {
            let next = chars.get(i + 1).copied();
            // `aB`: a new word starts at the upper-case letter. `1B` too:
            // digits end a word when a capital follows (`Step1Done`).
            let lower_to_upper =
                (prev.is_ascii_lowercase() || prev.is_ascii_digit()) && c.is_ascii_uppercase();
            // `HTTPRequest`: the `R` starts a word because a lower-case letter follows it.
            let acronym_end = prev.is_ascii_uppercase()
                && c.is_ascii_uppercase()
                && next.is_some_and(|n| n.is_ascii_lowercase());
            if lower_to_upper || acronym_end {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case` of a name, without keyword handling (empty when the name
/// has no ASCII letter or digit).
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `PascalCase` of a name, without keyword handling (empty when the name
/// has no ASCII letter or digit).
pub(crate) fn pascal_case(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `SCREAMING_SNAKE_CASE` of a name.
pub(crate) fn upper_snake_case(name: &str) -> String {
    snake_case(name).to_ascii_uppercase()
}

/// Makes an identifier from a name that is made of ASCII letters, digits
/// and `_` and does not start with a digit: raw for a keyword, with a `_`
/// suffix for a keyword that cannot be raw.
pub(crate) fn ident(text: &str) -> Ident {
    if NOT_RAW.contains(&text) {
        return Ident::new(&format!("{text}_"), Span::call_site());
    }
    if text.is_empty() || text == "_" {
        return Ident::new("_unnamed", Span::call_site());
    }
    if KEYWORDS.contains(&text) {
        return Ident::new_raw(text, Span::call_site());
    }
    Ident::new(text, Span::call_site())
}

/// Hands out unique identifiers within one namespace (the variants of one
/// enum, the methods of `Tasks`, the items of the generated module).
///
/// snake_case names get `_2`, `_3`; PascalCase names get `2`, `3` (an
/// underscore would trip the `non_camel_case_types` lint).
#[derive(Debug)]
pub(crate) struct Allocator {
    taken: HashSet<String>,
    separator: &'static str,
}

impl Allocator {
    /// An allocator for snake_case names.
    pub(crate) fn snake() -> Self {
        Allocator {
            taken: HashSet::new(),
            separator: "_",
        }
    }

    /// An allocator for PascalCase names, in which `reserved` are already taken.
    pub(crate) fn pascal(reserved: &[&str]) -> Self {
        Allocator {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            separator: "",
        }
    }

    /// `base` if free, else `base_2`, `base_3`, ... (`Base2` for PascalCase);
    /// `fallback` when `base` is empty. Returns the identifier text (see
    /// [`ident`] for keywords).
    pub(crate) fn take(&mut self, base: &str, fallback: &str) -> String {
        let base = if base.is_empty() { fallback } else { base };
        let mut candidate = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}{}{n}", self.separator);
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_splits_words_and_acronyms() {
        assert_eq!(snake_case("ValidateOrder"), "validate_order");
        assert_eq!(snake_case("Validate Order"), "validate_order");
        assert_eq!(snake_case("validate-order.v2"), "validate_order_v2");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("getHTTP"), "get_http");
        assert_eq!(snake_case("Step1Done"), "step1_done");
        assert_eq!(snake_case("step_1"), "step_1");
        assert_eq!(snake_case("  Lots   of   space  "), "lots_of_space");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert_eq!(snake_case("ABC"), "abc");
    }

    #[test]
    fn pascal_case_of_names() {
        assert_eq!(pascal_case("validate order"), "ValidateOrder");
        assert_eq!(pascal_case("ValidateOrder"), "ValidateOrder");
        assert_eq!(pascal_case("HTTPRequest"), "HttpRequest");
        assert_eq!(pascal_case("fail-state"), "FailState");
        assert_eq!(pascal_case("Step1Done"), "Step1Done");
    }

    #[test]
    fn leading_digits_and_non_ascii() {
        assert_eq!(snake_case("1st step"), "_1st_step");
        assert_eq!(pascal_case("1st step"), "_1stStep");
        assert_eq!(snake_case("检查"), "");
        assert_eq!(pascal_case("Überprüfung"), "BerprFung");
        assert_eq!(snake_case("!!!"), "");
        assert_eq!(upper_snake_case("Validate Order"), "VALIDATE_ORDER");
    }

    #[test]
    fn keywords_are_raw_or_suffixed() {
        assert_eq!(ident("match").to_string(), "r#match");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("Self").to_string(), "Self_");
        assert_eq!(ident("crate").to_string(), "crate_");
        assert_eq!(ident("super").to_string(), "super_");
        assert_eq!(ident("_").to_string(), "_unnamed");
        assert_eq!(ident("union").to_string(), "union");
        assert_eq!(ident("validate").to_string(), "validate");
    }

    #[test]
    fn collisions_get_numbered_suffixes_in_order() {
        let mut names = Allocator::snake();
        assert_eq!(names.take(&snake_case("Get Item"), "state_1"), "get_item");
        assert_eq!(names.take(&snake_case("GetItem"), "state_2"), "get_item_2");
        assert_eq!(names.take(&snake_case("get-item"), "state_3"), "get_item_3");
        assert_eq!(names.take(&snake_case("检查"), "state_4"), "state_4");
        assert_eq!(
            names.take(&snake_case("get_item_2"), "state_5"),
            "get_item_2_2"
        );
    }

    #[test]
    fn reserved_names_are_avoided() {
        let mut names = Allocator::pascal(&["State", "Tasks"]);
        assert_eq!(names.take("State", "X"), "State2");
        assert_eq!(names.take("Other", "X"), "Other");
        assert_eq!(names.take("Other", "X"), "Other2");
    }
}
