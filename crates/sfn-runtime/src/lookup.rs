//! Direct lookups for the reference paths generated code reads most: `$`,
//! `$.a.b[0]`, `$$.Execution.Id`, `$.a['b c']`, paths of only member names
//! and array indexes on the input or the context object.
//!
//! `sfn-codegen` turns such a path into a call with its keys as constants
//! (`lookup::select(&data, &["order", "id"])`), which borrows what it finds
//! without building or walking a syntax tree. Any other path (variables,
//! wildcards, slices, unions, filters, deep scans, functions) stays on
//! [`crate::jsonpath`].
//!
//! The selection is the one [`jsonpath::select`] makes for these paths, as
//! Jayway does: a name selects a member of an object (a member holding
//! `null` included) and nothing on any other value; an index selects an
//! element of an array, negative ones counting from the end, and nothing on
//! any other value or out of range. `$$.Name...` reads the member `Name` of
//! the context object in place ([`ContextObject::member`]).
//!
//! When a lookup selects nothing, the error is the one the evaluator gives
//! for the same path and document, built by the same code: the path is
//! rebuilt from its keys (only then) and handed to
//! [`dataflow::invalid_path`], [`dataflow::field_path_not_found`] or
//! [`jsonpath::write`].

use std::borrow::Cow;

use serde_json::Value;
use sfn_lang::path::{Path, Root, Segment, Selector};

use crate::dataflow::{self, REFERENCE_PATH_CONFLICT};
use crate::error::StatesError;
use crate::jsonpath::{self, ContextObject, NoVariables, Roots};

/// One step of a path that mixes names and indexes (a path of names only
/// uses plain `&str` keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `.name` or `['name']`: a member of an object.
    Name(&'static str),
    /// `[i]`: an element of an array; negative counts from the end.
    Index(i64),
}

/// A key of a lookup: `&'static str` (a member name) or a [`Step`].
pub trait Key: Copy {
    /// The child this key selects in `value`, if any.
    fn child(self, value: &Value) -> Option<&Value>;
    /// The same, mutably.
    fn child_mut(self, value: &mut Value) -> Option<&mut Value>;
    /// The member name, for a name.
    fn name(self) -> Option<&'static str>;
    /// The key as a segment of a [`Path`].
    fn segment(self) -> Segment;
}

impl Key for &'static str {
    fn child(self, value: &Value) -> Option<&Value> {
        value.as_object()?.get(self)
    }

    fn child_mut(self, value: &mut Value) -> Option<&mut Value> {
        value.as_object_mut()?.get_mut(self)
    }

    fn name(self) -> Option<&'static str> {
        Some(self)
    }

    fn segment(self) -> Segment {
        Segment::Child(Selector::Name(Cow::Borrowed(self)))
    }
}

impl Key for Step {
    fn child(self, value: &Value) -> Option<&Value> {
        match self {
            Step::Name(name) => name.child(value),
            Step::Index(index) => {
                let items = value.as_array()?;
                items.get(position(items.len(), index)?)
            }
        }
    }

    fn child_mut(self, value: &mut Value) -> Option<&mut Value> {
        match self {
            Step::Name(name) => name.child_mut(value),
            Step::Index(index) => {
                let items = value.as_array_mut()?;
                let at = position(items.len(), index)?;
                items.get_mut(at)
            }
        }
    }

    fn name(self) -> Option<&'static str> {
        match self {
            Step::Name(name) => Some(name),
            Step::Index(_) => None,
        }
    }

    fn segment(self) -> Segment {
        match self {
            Step::Name(name) => name.segment(),
            Step::Index(index) => Segment::Child(Selector::Index(index)),
        }
    }
}

/// The position that `index` names in an array of `len` elements.
fn position(len: usize, index: i64) -> Option<usize> {
    let at = if index < 0 {
        i64::try_from(len).ok()?.checked_add(index)?
    } else {
        index
    };
    usize::try_from(at).ok().filter(|&at| at < len)
}

/// The path `root` followed by `keys`, for error causes.
#[must_use]
pub fn path_of<K: Key>(root: Root, keys: &[K]) -> Path {
    Path {
        root,
        segments: Cow::Owned(keys.iter().map(|k| k.segment()).collect()),
    }
}

/// What `$` followed by `keys` selects in `doc`.
#[must_use]
pub fn get<'v, K: Key>(doc: &'v Value, keys: &[K]) -> Option<&'v Value> {
    keys.iter().try_fold(doc, |node, key| key.child(node))
}

/// What `$$` followed by `keys` selects in the context object; `keys` start
/// with a name (`$$.Execution...`).
#[must_use]
pub fn get_context<'v, K: Key>(context: &'v dyn ContextObject, keys: &[K]) -> Option<&'v Value> {
    let (first, rest) = keys.split_first()?;
    get(context.member(first.name()?)?, rest)
}

/// [`get`], or the `States.Runtime` error of a path field (`InputPath`,
/// `OutputPath`, `ItemsPath`, ...) selecting nothing:
/// `Invalid path '$.x' : No results for path: $['x']` ([`dataflow::invalid_path`]).
///
/// # Errors
///
/// When the path selects nothing.
pub fn select<'v, K: Key>(doc: &'v Value, keys: &[K]) -> Result<&'v Value, StatesError> {
    get(doc, keys).ok_or_else(|| invalid_path(Root::Input, keys, doc, &Value::Null))
}

/// [`get_context`], or the error of [`select`] for a `$$` path.
///
/// # Errors
///
/// When the path selects nothing.
pub fn select_context<'v, K: Key>(
    context: &'v dyn ContextObject,
    keys: &[K],
) -> Result<&'v Value, StatesError> {
    get_context(context, keys)
        .ok_or_else(|| invalid_path(Root::Context, keys, &Value::Null, context))
}

/// The [`dataflow::invalid_path`] error of `root` + `keys`.
#[cold]
#[must_use]
pub fn invalid_path<K: Key>(
    root: Root,
    keys: &[K],
    input: &Value,
    context: &dyn ContextObject,
) -> StatesError {
    let roots = Roots::new(input, context, &NoVariables);
    dataflow::invalid_path(&path_of(root, keys), &roots)
}

/// Moves what `$` followed by `keys` selects out of `doc` (`OutputPath`),
/// or the error of [`select`].
///
/// # Errors
///
/// When the path selects nothing.
pub fn take<K: Key>(mut doc: Value, keys: &[K]) -> Result<Value, StatesError> {
    if get(&doc, keys).is_none() {
        return Err(invalid_path(Root::Input, keys, &doc, &Value::Null));
    }
    let mut node = &mut doc;
    for key in keys {
        match key.child_mut(node) {
            Some(next) => node = next,
            // `get` found it.
            None => return Err(invalid_path(Root::Input, keys, &Value::Null, &Value::Null)),
        }
    }
    Ok(node.take())
}

/// [`get`] for the `.$` member `field` of a payload template (its key with
/// the `.$`), or AWS's error for it: `The JSONPath '$.x' specified for the
/// field 'x.$' could not be found in the input '{...}'`
/// ([`dataflow::field_path_not_found`]).
///
/// # Errors
///
/// When the path selects nothing.
pub fn field<'v, K: Key>(
    input: &'v Value,
    keys: &[K],
    field: Option<&str>,
) -> Result<&'v Value, StatesError> {
    get(input, keys).ok_or_else(|| field_not_found(Root::Input, keys, field, input))
}

/// [`field`] for a `$$` path; `input` is the template's input, which the
/// error prints.
///
/// # Errors
///
/// When the path selects nothing.
pub fn field_context<'v, K: Key>(
    context: &'v dyn ContextObject,
    keys: &[K],
    field: Option<&str>,
    input: &Value,
) -> Result<&'v Value, StatesError> {
    get_context(context, keys).ok_or_else(|| field_not_found(Root::Context, keys, field, input))
}

/// The [`dataflow::field_path_not_found`] error of `root` + `keys`.
#[cold]
#[must_use]
pub fn field_not_found<K: Key>(
    root: Root,
    keys: &[K],
    field: Option<&str>,
    input: &Value,
) -> StatesError {
    dataflow::field_path_not_found(&path_of(root, keys), field, input)
}

/// Writes `value` at `$` followed by `keys` in `doc`, in place, as
/// `ResultPath` does ([`jsonpath::write`]): missing members on the way are
/// created as empty objects; the last name sets the member (keeping its
/// place); an index must name an existing element.
///
/// # Errors
///
/// [`REFERENCE_PATH_CONFLICT`] with [`jsonpath::write`]'s cause when the
/// path cannot be applied; `doc` is then unchanged.
pub fn write<K: Key>(doc: &mut Value, keys: &[K], value: Value) -> Result<(), StatesError> {
    let Some((last, init)) = keys.split_last() else {
        *doc = value;
        return Ok(());
    };
    if !writable(doc, keys) {
        // `jsonpath::write` fails too, leaving `doc` unchanged, with the cause.
        return jsonpath::write(doc, &path_of(Root::Input, keys), value)
            .map_err(|cause| StatesError::new(REFERENCE_PATH_CONFLICT, cause));
    }
    let mut node = doc;
    for key in init {
        node = match (key.name(), node) {
            (Some(name), Value::Object(map)) => {
                if !map.contains_key(name) {
                    map.insert(name.to_owned(), Value::Object(serde_json::Map::new()));
                }
                match map.get_mut(name) {
                    Some(next) => next,
                    None => return Ok(()),
                }
            }
            (_, node) => match key.child_mut(node) {
                Some(next) => next,
                None => return Ok(()),
            },
        };
    }
    match (last.name(), node) {
        (Some(name), Value::Object(map)) => match map.get_mut(name) {
            Some(slot) => *slot = value,
            None => {
                map.insert(name.to_owned(), value);
            }
        },
        (_, node) => {
            if let Some(slot) = last.child_mut(node) {
                *slot = value;
            }
        }
    }
    Ok(())
}

/// Whether [`write`] can apply `keys` to `doc` (what `jsonpath::write`
/// accepts): names on objects (or on members still to be created), indexes
/// on existing elements.
fn writable<K: Key>(doc: &Value, keys: &[K]) -> bool {
    // `None` once the path runs through members that will be created.
    let mut node = Some(doc);
    for key in keys {
        node = match (key.name(), node) {
            (Some(_), None) => None,
            (Some(name), Some(Value::Object(map))) => map.get(name),
            (Some(_), Some(_)) => return false,
            (None, Some(node)) => match key.child(node) {
                Some(next) => Some(next),
                None => return false,
            },
            (None, None) => return false,
        };
    }
    true
}

#[cfg(test)]
mod tests;
