//! Choice states: the first rule whose condition holds on the effective
//! input decides the next state; else `Default`; else the state fails.

use super::{Arm, assign, ctx_vars, effective_input, output_path};
use crate::ir::{ChoiceRule, Condition, StateId, Test, TypeFamily};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The body of a Choice state's arm.
///
/// Conditions read `roots` (the effective input, `$$`, the variables). A
/// `Variable` (or `...Path` operand) that selects nothing fails with
/// `States.Runtime`, except in the `Is*` tests, which are about presence.
/// The matched rule's `Assign` (or the state's own, when `Default` is
/// taken) sees the effective input.
pub(super) fn choice(
    arm: &mut Arm<'_, '_, '_>,
    choices: &[ChoiceRule],
    default: Option<StateId>,
) -> TokenStream {
    if arm.jsonata() {
        return jsonata_choice(arm, choices, default);
    }
    let effective = effective_input(arm, false);
    let mut paths = 0;
    let conditions: Vec<TokenStream> = choices
        .iter()
        .map(|rule| condition(arm, &rule.condition, &mut paths))
        .collect();
    let cv = ctx_vars();
    let pick = pick_rule(
        quote!(let roots = __sfn::jsonpath::Roots::new(&effective, #cv);),
        &conditions,
        default,
    );
    let output = output_path(arm);
    let mut arms = Vec::new();
    let mut targets: Vec<(Option<&crate::ir::Template>, StateId)> = choices
        .iter()
        .map(|rule| (rule.assign.as_ref(), rule.next))
        .collect();
    if let Some(default) = default {
        targets.push((arm.state.assign.as_ref(), default));
    }
    for (i, (template, next)) in targets.into_iter().enumerate() {
        let name = if i == choices.len() {
            "DEFAULT_ASSIGN".to_owned()
        } else {
            format!("CHOICE_{i}_ASSIGN")
        };
        let (compute, write) = assign(arm, &name, template, &quote!(effective));
        let goto = arm.cx.goto(next);
        let pattern = if i == choices.len() {
            quote!(_)
        } else {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#i)
        };
        arms.push(quote! {
            #pattern => {
                #compute
                let output = effective;
                #output
                #write
                #goto
            }
        });
    }
    if default.is_none() {
        arms.push(
            quote!(_ => return ::core::result::Result::Err(__sfn::choice::no_choice_matched()),),
        );
    }
    quote! {
        #effective
        #pick
        match rule {
            #(#arms)*
        }
    }
}

/// `let rule: usize = ...;`: after `prelude`, the index of the first of
/// `conditions` that holds, else `conditions.len()` for `Default`, else the
/// state fails with `States.NoChoiceMatched`.
fn pick_rule(
    prelude: TokenStream,
    conditions: &[TokenStream],
    default: Option<StateId>,
) -> TokenStream {
    let branches = conditions.iter().enumerate().map(|(i, c)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(if #c { #i })
    });
    let fallback = match default {
        Some(_) => {
            let n = proc_macro2::Literal::usize_unsuffixed(conditions.len());
            quote!({ #n })
        }
        None => quote!({
            return ::core::result::Result::Err(__sfn::choice::no_choice_matched());
        }),
    };
    quote! {
        let rule: usize = {
            #prelude
            #(#branches else)* #fallback
        };
    }
}

/// The body of a JSONata Choice state's arm: the first rule whose
/// `Condition` is true decides; its `Assign` and `Output` (or the state's
/// own, for `Default`) are evaluated on `$states.input`, which is also the
/// default output.
fn jsonata_choice(
    arm: &mut Arm<'_, '_, '_>,
    choices: &[ChoiceRule],
    default: Option<StateId>,
) -> TokenStream {
    let states = arm.states(super::StatesExtra::None);
    let tests: Vec<TokenStream> = choices
        .iter()
        .enumerate()
        .map(|(i, rule)| match &rule.condition {
            Condition::Jsonata(j) => {
                let e = arm.jsonata_expression(&format!("CHOICE_{i}_CONDITION"), "Condition", j);
                let field = format!("Choices[{i}]/Condition");
                quote!(__sfn::jsonata_flow::condition(&#e, #field, states)?)
            }
            Condition::Literal(b) => quote!(#b),
            // The reader gives JSONata rules a `Condition` only.
            _ => quote!(false),
        })
        .collect();
    // Literal `true`/`false` conditions read nothing.
    let declare = choices
        .iter()
        .any(|rule| matches!(rule.condition, Condition::Jsonata(_)))
        .then(|| quote!(let states = #states;));
    let pick = pick_rule(quote!(#declare), &tests, default);
    let mut arms = Vec::new();
    let data = arm.cx.data();
    for (i, rule) in choices.iter().enumerate() {
        let goto = arm.cx.goto(rule.next);
        let leave = super::jsonata_leave(
            arm,
            &format!("CHOICE_{i}"),
            &format!("Choices[{i}]/"),
            rule.assign.as_ref(),
            rule.output.as_ref(),
            super::StatesExtra::None,
            quote!(#data),
            goto,
        );
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        arms.push(quote!(#i => { #leave }));
    }
    match default {
        Some(default) => {
            let goto = arm.cx.goto(default);
            let (assign, output) = (arm.state.assign.as_ref(), arm.state.io.output.as_ref());
            let leave = super::jsonata_leave(
                arm,
                "DEFAULT",
                "",
                assign,
                output,
                super::StatesExtra::None,
                quote!(#data),
                goto,
            );
            arms.push(quote!(_ => { #leave }));
        }
        None => arms.push(
            quote!(_ => return ::core::result::Result::Err(__sfn::choice::no_choice_matched()),),
        ),
    }
    quote! {
        #pick
        match rule {
            #(#arms)*
        }
    }
}

/// How tightly a condition's expression binds, to write only the
/// parentheses that are needed (`unused_parens` warns about the others in
/// an `if` condition).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prec {
    /// A call, a `match`, a literal, a negation.
    Atom,
    /// `a && b`.
    And,
    /// `a || b`.
    Or,
}

/// A `bool` expression for a condition, failing with `return`.
fn condition(arm: &mut Arm<'_, '_, '_>, c: &Condition, paths: &mut usize) -> TokenStream {
    condition_prec(arm, c, paths).0
}

fn condition_prec(
    arm: &mut Arm<'_, '_, '_>,
    c: &Condition,
    paths: &mut usize,
) -> (TokenStream, Prec) {
    match c {
        Condition::And(items) if items.is_empty() => (quote!(true), Prec::Atom),
        Condition::Or(items) if items.is_empty() => (quote!(false), Prec::Atom),
        Condition::And(items) | Condition::Or(items) if items.len() == 1 => {
            condition_prec(arm, &items[0], paths)
        }
        Condition::And(items) => {
            let items = items.iter().map(|c| match condition_prec(arm, c, paths) {
                (t, Prec::Or) => quote!((#t)),
                (t, _) => t,
            });
            (quote!(#(#items)&&*), Prec::And)
        }
        Condition::Or(items) => {
            let items = items.iter().map(|c| match condition_prec(arm, c, paths) {
                (t, Prec::Atom) => t,
                (t, _) => quote!((#t)),
            });
            (quote!(#(#items)||*), Prec::Or)
        }
        Condition::Not(inner) => match condition_prec(arm, inner, paths) {
            (t, Prec::Atom) => (quote!(!#t), Prec::Atom),
            (t, _) => (quote!(!(#t)), Prec::Atom),
        },
        Condition::Literal(b) => (quote!(#b), Prec::Atom),
        // JSONata states are not written here.
        Condition::Jsonata(_) => (quote!(false), Prec::Atom),
        Condition::Test { variable, test } => (data_test(arm, variable, test, paths), Prec::Atom),
    }
}

/// A path as a static of the arm, `VARIABLE_n`.
fn path_static(
    arm: &mut Arm<'_, '_, '_>,
    path: &sfn_lang::path::Path,
    paths: &mut usize,
) -> proc_macro2::Ident {
    let name = format!("VARIABLE_{}", *paths);
    *paths += 1;
    arm.add_static(
        &name,
        &format!("`\"{path}\"`"),
        quote!(__sfn::sfn_lang::path::Path),
        super::values::path(path),
    )
}

/// One data test: select the Variable, then apply the operator.
fn data_test(
    arm: &mut Arm<'_, '_, '_>,
    variable: &sfn_lang::path::Path,
    test: &Test,
    paths: &mut usize,
) -> TokenStream {
    let var = path_static(arm, variable, paths);
    let var_text = variable.to_string();
    let missing = quote! {
        return ::core::result::Result::Err(__sfn::choice::missing_variable_error(#var_text))
    };
    let select = |p: &proc_macro2::Ident| quote!(__sfn::jsonpath::select(&#p, &roots));
    if let Test::Is(test, expected) = test {
        let test = super::values::type_test(*test);
        let sel = select(&var);
        return quote!(__sfn::choice::is(#sel.ok().flatten().as_deref(), #test, #expected));
    }
    if let Test::ComparePath(family, cmp, other) = test {
        let other_stat = path_static(arm, other, paths);
        let other_text = other.to_string();
        let apply = match family {
            TypeFamily::String => {
                let cmp = super::values::comparison(*cmp);
                quote!(__sfn::choice::string_path(&value, #cmp, &other))
            }
            TypeFamily::Numeric => {
                let cmp = super::values::comparison(*cmp);
                quote!(__sfn::choice::numeric_path(&value, #cmp, &other))
            }
            TypeFamily::Boolean => quote!(__sfn::choice::boolean_path(&value, &other)),
            TypeFamily::Timestamp => {
                let cmp = super::values::comparison(*cmp);
                quote!(__sfn::choice::timestamp_path(&value, #cmp, &other))
            }
        };
        let (sel, sel_other) = (select(&var), select(&other_stat));
        return quote! {
            match (#sel, #sel_other) {
                (
                    ::core::result::Result::Ok(::core::option::Option::Some(value)),
                    ::core::result::Result::Ok(::core::option::Option::Some(other)),
                ) => #apply,
                (::core::result::Result::Ok(::core::option::Option::Some(_)), _) => {
                    return ::core::result::Result::Err(__sfn::choice::missing_variable_error(#other_text))
                }
                _ => #missing,
            }
        };
    }
    let apply = match test {
        Test::String(cmp, operand) => {
            let cmp = super::values::comparison(*cmp);
            quote!(__sfn::choice::string(&value, #cmp, #operand))
        }
        Test::Numeric(cmp, n) => {
            let cmp = super::values::comparison(*cmp);
            let n = super::values::number(n);
            quote!(__sfn::choice::numeric(&value, #cmp, &#n))
        }
        Test::Boolean(b) => quote!(__sfn::choice::boolean(&value, #b)),
        Test::Timestamp(cmp, ts) => {
            let cmp = super::values::comparison(*cmp);
            let ts = super::values::timestamp(ts);
            quote!(__sfn::choice::timestamp(&value, #cmp, &#ts))
        }
        Test::Matches(pattern) => {
            let name = format_ident!("PATTERN_{}", *paths);
            *paths += 1;
            let init = super::values::pattern(pattern);
            let stat = arm.add_static(
                &name.to_string(),
                "A `StringMatches` pattern.",
                quote!(__sfn::sfn_lang::pattern::Pattern),
                init,
            );
            quote!(__sfn::choice::matches(&value, &#stat))
        }
        Test::Is(..) | Test::ComparePath(..) => quote!(false),
    };
    let sel = select(&var);
    quote! {
        match #sel {
            ::core::result::Result::Ok(::core::option::Option::Some(value)) => #apply,
            _ => #missing,
        }
    }
}
