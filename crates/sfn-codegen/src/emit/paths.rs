//! Reference paths of names and indexes (`$`, `$.a.b[0]`, `$$.Execution.Id`,
//! `$.a['b c']`) as direct lookups: their keys become a constant slice that
//! `sfn_runtime::lookup` follows on the document, borrowing, with the
//! evaluator's error when nothing is there. Other paths (variables,
//! wildcards, slices, unions, filters, deep scans, functions) keep their
//! syntax tree and go through `sfn_runtime::jsonpath`.

use super::values;
use proc_macro2::TokenStream;
use quote::quote;
use sfn_lang::path::{Path, Root, Segment, Selector};

/// A path that generated code looks up directly, with its keys (`K`: their
/// constant, or the name of the `static` holding them).
pub(crate) enum Lookup<K = Keys> {
    /// `$` itself: the document.
    Whole,
    /// `$` and keys (at least one).
    Input(K),
    /// `$$` and keys, the first a name.
    Context(K),
}

/// The keys of a lookup: the type and the value of their constant.
pub(crate) struct Keys {
    /// `&[&str]` or `&[__sfn::lookup::Step]`.
    pub(crate) ty: TokenStream,
    /// `&["a", "b"]` or `&[__sfn::lookup::Step::Name("a"), ...]`.
    pub(crate) init: TokenStream,
}

/// How `p` is looked up, or `None` when it needs the evaluator.
pub(crate) fn lookup(p: &Path) -> Option<Lookup> {
    let mut names = Vec::new();
    let mut steps = Vec::new();
    let mut all_names = true;
    for segment in p.segments.iter() {
        match segment {
            Segment::Child(Selector::Name(name)) => {
                let name: &str = name;
                names.push(quote!(#name));
                steps.push(quote!(__sfn::lookup::Step::Name(#name)));
            }
            Segment::Child(Selector::Index(index)) => {
                all_names = false;
                let index = values::i64_lit(*index);
                steps.push(quote!(__sfn::lookup::Step::Index(#index)));
            }
            _ => return None,
        }
    }
    let keys = if all_names {
        Keys {
            ty: quote!(&[&str]),
            init: quote!(&[#(#names),*]),
        }
    } else {
        Keys {
            ty: quote!(&[__sfn::lookup::Step]),
            init: quote!(&[#(#steps),*]),
        }
    };
    match (&p.root, p.segments.first()) {
        (Root::Input, None) => Some(Lookup::Whole),
        (Root::Input, Some(_)) => Some(Lookup::Input(keys)),
        // `$$` itself and `$$[0]` build the whole context object: evaluator.
        (Root::Context, Some(Segment::Child(Selector::Name(_)))) => Some(Lookup::Context(keys)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfn_lang::path::parse_path;

    fn kind(text: &str) -> Option<String> {
        let l = lookup(&parse_path(text).unwrap())?;
        Some(match l {
            Lookup::Whole => "whole".to_owned(),
            Lookup::Input(k) => format!("input {}", k.init).replace(' ', ""),
            Lookup::Context(k) => format!("context {}", k.init).replace(' ', ""),
        })
    }

    #[test]
    fn names_and_indexes_are_looked_up() {
        assert_eq!(kind("$").as_deref(), Some("whole"));
        assert_eq!(kind("$.a.b").as_deref(), Some("input&[\"a\",\"b\"]"));
        assert_eq!(kind("$['b c']").as_deref(), Some("input&[\"bc\"]"));
        let mixed = kind("$.a[-1]").unwrap();
        assert!(mixed.contains("Step::Index(-1i64)"), "{mixed}");
        assert_eq!(
            kind("$$.Execution.Id").as_deref(),
            Some("context&[\"Execution\",\"Id\"]")
        );
    }

    #[test]
    fn other_paths_use_the_evaluator() {
        for text in [
            "$$",
            "$$[0]",
            "$v.a",
            "$.a[*]",
            "$..a",
            "$.a[1:]",
            "$.a[0,1]",
            "$['a','b']",
            "$.a[?(@.x)]",
            "$.a.length()",
        ] {
            assert!(kind(text).is_none(), "{text}");
        }
    }
}
