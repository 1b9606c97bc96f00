//! State names across the whole machine: unique (nested branches and
//! processors included, as AWS requires), 1 to 80 characters, and the scope
//! each belongs to, so that a transition into another branch can be named as
//! such instead of as a missing state; and the resolution of transition
//! targets, with hints for the missing ones.
//!
//! Everything here is linear in the number of states: a check of a
//! workflow of 100,000 states takes a fraction of a second.

use super::{MISSING, Reader, ScopeKey, join};
use crate::diag::suggest;
use crate::json::{Json, Span};
use std::collections::{HashMap, HashSet};

/// The longest state name AWS accepts, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 80;

/// Walks every scope in the same order as [`Reader::scope`] hands out scope
/// keys, recording each name's scope and reporting duplicates and lengths.
pub(crate) fn collect(reader: &mut Reader<'_>, root: &Json) {
    let mut first_seen: HashMap<String, String> = HashMap::new();
    let mut next_key = 0;
    walk(reader, root, "", 0, &mut next_key, &mut first_seen);
}

fn walk(
    reader: &mut Reader<'_>,
    scope: &Json,
    prefix: &str,
    key: usize,
    next_key: &mut usize,
    first_seen: &mut HashMap<String, String>,
) {
    let Some(states) = scope.get("States").and_then(Json::as_object) else {
        return;
    };
    let states_path = join(prefix, "States");
    // A name twice in the same `States` is reported where the scope is read.
    let mut here: HashSet<&str> = HashSet::with_capacity(states.len());
    for member in states {
        let path = join(&states_path, &member.key);
        let name = &member.key;
        if here.insert(name) {
            if let Some(previous) = first_seen.get(name) {
                reader.diags.error(
                    member.key_span,
                    &path,
                    format!("state name `{name}` is already used at `{previous}`; state names must be unique across the whole state machine, nested branches and processors included"),
                );
            } else {
                first_seen.insert(name.clone(), path.clone());
            }
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            reader.diags.error(
                member.key_span,
                &path,
                format!(
                    "state name is {chars} characters long; AWS allows at most {MAX_NAME_CHARS}"
                ),
            );
        }
        if name.is_empty() {
            reader
                .diags
                .error(member.key_span, &path, "a state name cannot be empty");
        }
        reader.all_names.entry(name.clone()).or_insert(key);

        let state = &member.value;
        match state.get("Type").and_then(Json::as_str) {
            Some("Parallel") => {
                if let Some(branches) = state.get("Branches").and_then(Json::as_array) {
                    for (b, branch) in branches.iter().enumerate() {
                        *next_key += 1;
                        let k = *next_key;
                        walk(
                            reader,
                            branch,
                            &format!("{path}.Branches[{b}]"),
                            k,
                            next_key,
                            first_seen,
                        );
                    }
                }
            }
            Some("Map") => {
                let (field, processor) = match (state.get("ItemProcessor"), state.get("Iterator")) {
                    (Some(p), _) => ("ItemProcessor", p),
                    (None, Some(p)) => ("Iterator", p),
                    (None, None) => continue,
                };
                *next_key += 1;
                let k = *next_key;
                walk(
                    reader,
                    processor,
                    &join(&path, field),
                    k,
                    next_key,
                    first_seen,
                );
            }
            _ => {}
        }
    }
}

impl Reader<'_> {
    /// Resolves a transition target (`Next`, a Choice rule's `Next` or
    /// `Default`, a catcher's `Next`) in the scope whose states are `index`,
    /// reporting a missing name with the nearest existing one, or the list
    /// of the scope's states, or the branch it lives in.
    ///
    /// The hints cost the size of the scope; they are given while
    /// [`crate::diag::Diagnostics::afford_hint`] allows, so that thousands
    /// of misspelt names in a large workflow stay a linear check.
    pub(crate) fn target(
        &mut self,
        name: &str,
        span: Span,
        path: &str,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> usize {
        if let Some(&i) = index.get(name) {
            return i;
        }
        if let Some(&other) = self.all_names.get(name)
            && other != key
        {
            self.diags.error(
                    span,
                    path,
                    format!("`{name}` is a state of another scope; a transition cannot leave or enter a Parallel branch or a Map processor"),
                );
            return MISSING;
        }
        let message = format!("no state named `{name}` in this scope");
        if !self.diags.afford_hint(index.len()) {
            self.diags.error(span, path, message);
            return MISSING;
        }
        match suggest(name, index.keys().copied()) {
            Some(near) => {
                self.diags
                    .error_help(span, path, message, format!("did you mean `{near}`?"))
            }
            None => {
                // The first names in alphabetical order, without sorting
                // them all.
                let mut first: Vec<&str> = Vec::with_capacity(LISTED + 1);
                for &n in index.keys() {
                    if first.len() < LISTED || first.last().is_some_and(|&l| n < l) {
                        let at = first.partition_point(|&f| f < n);
                        first.insert(at, n);
                        first.truncate(LISTED);
                    }
                }
                let list = first
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.diags
                    .error(span, path, format!("{message}; states here: {list}"));
            }
        }
        MISSING
    }
}

/// How many of a scope's states a "no state named" message lists.
const LISTED: usize = 8;
