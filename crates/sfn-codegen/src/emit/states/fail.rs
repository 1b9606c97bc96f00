//! Fail states: the execution (or branch, or iteration) fails with the
//! state's error and cause, constant or computed from the input.

use super::{Arm, ctx_vars, ctx_vars_entropy};
use crate::ir::DynamicString;
use proc_macro2::TokenStream;
use quote::quote;

/// The body of a Fail state's arm.
pub(super) fn fail(
    arm: &mut Arm<'_, '_, '_>,
    error: Option<&DynamicString>,
    cause: Option<&DynamicString>,
) -> TokenStream {
    let error = match error {
        // No `Error`: AWS reports none; the runtime's error name is then empty
        // (conformance cases `base/test_state_fail_empty`,
        // `scenarios/test_map_state_catch_empty_fail`).
        None => quote!(::std::borrow::Cow::Borrowed("")),
        Some(DynamicString::Static(s)) => quote!(::std::borrow::Cow::Borrowed(#s)),
        Some(dynamic) => {
            let text = string_from(arm, "ERROR_PATH", "ErrorPath", dynamic);
            quote!(::std::borrow::Cow::Owned(#text))
        }
    };
    let cause = match cause {
        None => quote!(::core::option::Option::None),
        Some(DynamicString::Static(s)) => {
            quote!(::core::option::Option::Some(::std::string::String::from(#s)))
        }
        Some(dynamic) => {
            let text = string_from(arm, "CAUSE_PATH", "CausePath", dynamic);
            quote!(::core::option::Option::Some(#text))
        }
    };
    quote! {
        return ::core::result::Result::Err(__sfn::StatesError {
            error: #error,
            cause: #cause,
        });
    }
}

/// An expression giving the `String` an `ErrorPath` or `CausePath` (a path
/// or an intrinsic call) evaluates to on the raw input: a string as it is,
/// any other value as JSON.
fn string_from(
    arm: &mut Arm<'_, '_, '_>,
    name: &str,
    field: &str,
    dynamic: &DynamicString,
) -> TokenStream {
    let data = arm.cx.data();
    let value = match dynamic {
        DynamicString::Path(p) => {
            let stat = arm.add_static(
                name,
                &format!("`\"{field}\": \"{p}\"`"),
                quote!(__sfn::sfn_lang::path::Path),
                super::values::path(p),
            );
            let cv = ctx_vars();
            quote! {
                match __sfn::jsonpath::select(
                    &#stat,
                    &__sfn::jsonpath::Roots::new(&#data, #cv),
                ) {
                    ::core::result::Result::Ok(::core::option::Option::Some(value)) => {
                        value.into_owned()
                    }
                    _ => {
                        return ::core::result::Result::Err(
                            __sfn::dataflow::field_path_not_found(&#stat, ::core::option::Option::Some(#field), &#data),
                        );
                    }
                }
            }
        }
        DynamicString::Intrinsic(c) => {
            let init = super::values::call(c);
            let stat = arm.add_static(
                name,
                &format!("`\"{field}\": \"{}\"`", super::values::call_text(c)),
                quote!(__sfn::template::Template),
                quote!(__sfn::template::Template::Intrinsic(#init)),
            );
            let cve = ctx_vars_entropy();
            quote!(__sfn::dataflow::parameters(&#stat, &#data, #cve)?)
        }
        DynamicString::Jsonata(j) => {
            let field = field.strip_suffix("Path").unwrap_or(field);
            let e = arm.jsonata_expression(&crate::emit::names::upper_snake_case(field), field, j);
            let states = arm.states(super::StatesExtra::None);
            return quote!(__sfn::jsonata_flow::string(&#e, #field, #states)?);
        }
        // Static strings are written inline.
        DynamicString::Static(_) => {
            return quote!(::std::string::String::new());
        }
    };
    quote! {
        match #value {
            __sfn::Value::String(text) => text,
            other => other.to_string(),
        }
    }
}
