//! State names across the whole machine: unique (nested branches and
//! processors included, as AWS requires), 1 to 80 characters, and the scope
//! each belongs to, so that a transition into another branch can be named as
//! such instead of as a missing state.

use super::{Reader, join};
use crate::json::Json;
use std::collections::HashMap;

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
    for (i, member) in states.iter().enumerate() {
        let path = join(&states_path, &member.key);
        let name = &member.key;
        let same_scope_dup = states[..i].iter().any(|m| m.key == *name);
        if !same_scope_dup {
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
