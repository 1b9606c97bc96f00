//! Pass and Succeed states: data flow only.

use super::{Arm, assign, effective_input, output_path, parameters, result_path, transition};
use crate::ir::PathField;
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// The body of a Pass state's arm: its result is `Result`, else the
/// effective input (after InputPath and Parameters); then ResultPath and
/// OutputPath. Assign sees the result (ASL reference 2.6).
pub(super) fn pass(arm: &mut Arm<'_, '_, '_>, result: Option<&Value>) -> TokenStream {
    if arm.jsonata() {
        // JSONata: `Output` (default: the input) and `Assign`, both on
        // `$states.input`.
        let next = transition(arm);
        let data = arm.cx.data();
        let (assign, output) = (arm.state.assign.as_ref(), arm.state.io.output.as_ref());
        return super::jsonata_leave(
            arm,
            "",
            "",
            assign,
            output,
            super::StatesExtra::None,
            quote!(#data),
            next,
        );
    }
    let keep_raw = arm.state.io.result_path != PathField::Default;
    let produce = match result {
        // With `Result`, the input matters only to ResultPath.
        Some(value) => {
            let init = super::values::value(value);
            let doc = format!(
                "`\"Result\": {}`",
                super::values::template_text(
                    &crate::ir::Template::Literal(value.clone()),
                    super::DOC_TEXT_MAX
                )
            );
            let stat = arm.add_lazy("RESULT", &doc, quote!(__sfn::Value), init);
            quote!(let result = __sfn::Value::clone(&#stat);)
        }
        None => {
            // Parameters only read the effective input: borrow the raw
            // input that ResultPath needs afterwards instead of copying it.
            let borrow = keep_raw
                && arm.state.io.parameters.is_some()
                && arm.state.io.input_path == PathField::Default;
            let effective = if borrow {
                let data = arm.cx.data();
                quote!(let effective = &#data;)
            } else {
                effective_input(arm, keep_raw)
            };
            let parameters = parameters(arm);
            quote! {
                #effective
                #parameters
                let result = effective;
            }
        }
    };
    let (compute, write) = assign(arm, "ASSIGN", arm.state.assign.as_ref(), &quote!(result));
    let place = result_path(
        arm,
        "RESULT_PATH",
        &arm.state.io.result_path,
        &quote!(result),
    );
    let output = output_path(arm);
    let next = transition(arm);
    quote! {
        #produce
        #compute
        #place
        #output
        #write
        #next
    }
}

/// The body of a Succeed state's arm: InputPath, OutputPath, end.
pub(super) fn succeed(arm: &mut Arm<'_, '_, '_>) -> TokenStream {
    if arm.jsonata() {
        let data = arm.cx.data();
        let output = arm.state.io.output.as_ref();
        return super::jsonata_leave(
            arm,
            "",
            "",
            None,
            output,
            super::StatesExtra::None,
            quote!(#data),
            quote!(return ::core::result::Result::Ok(output);),
        );
    }
    let effective = effective_input(arm, false);
    let output = output_path(arm);
    quote! {
        #effective
        let output = effective;
        #output
        return ::core::result::Result::Ok(output);
    }
}
