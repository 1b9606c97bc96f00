//! Wait states: a duration or an instant, constant or read from the input,
//! slept through `sfn-runtime` on the execution's clock (by default tokio
//! time, so paused time skips it).

use super::{Arm, assign, ctx_vars, effective_input, output_path, transition};
use crate::ir::{Dynamic, Wait};
use proc_macro2::TokenStream;
use quote::quote;

/// The body of a Wait state's arm: InputPath, the wait, Assign (on the
/// effective input), OutputPath.
pub(super) fn wait(arm: &mut Arm<'_, '_, '_>, wait: &Wait) -> TokenStream {
    if arm.jsonata() {
        return jsonata_wait(arm, wait);
    }
    let effective = effective_input(arm, false);
    let sleep = match wait {
        Wait::Seconds(Dynamic::Static(seconds)) => {
            let seconds = super::values::u64_lit(*seconds);
            quote!(exec.wait_seconds(#seconds).await?;)
        }
        Wait::Seconds(Dynamic::Path(path)) => {
            let read = selected(arm, "SECONDS_PATH", "SecondsPath", path);
            let text = path.to_string();
            quote! {
                let seconds = {
                    #read
                    __sfn::expect_seconds_at("SecondsPath", #text, selected.as_deref())?
                };
                exec.wait_seconds(seconds).await?;
            }
        }
        Wait::Timestamp(Dynamic::Static(ts)) => {
            let ts = super::values::timestamp(ts);
            quote!(exec.wait_until(&#ts).await?;)
        }
        Wait::Timestamp(Dynamic::Path(path)) => {
            let read = selected(arm, "TIMESTAMP_PATH", "TimestampPath", path);
            let text = path.to_string();
            quote! {
                let until = {
                    #read
                    __sfn::expect_timestamp_at("TimestampPath", #text, selected.as_deref())?
                };
                exec.wait_until(&until).await?;
            }
        }
        // JSONata states are written by `jsonata_wait`.
        Wait::Seconds(Dynamic::Jsonata(_)) | Wait::Timestamp(Dynamic::Jsonata(_)) => quote!(),
    };
    let (compute, write) = assign(arm, "ASSIGN", arm.state.assign.as_ref(), &quote!(effective));
    let output = output_path(arm);
    let next = transition(arm);
    quote! {
        #effective
        #sleep
        #compute
        let output = effective;
        #output
        #write
        #next
    }
}

/// `let selected = ...;`: what a reference path selects on `effective`
/// (`None` when nothing), with the path as a static.
fn selected(
    arm: &mut Arm<'_, '_, '_>,
    name: &str,
    field: &str,
    path: &sfn_lang::path::Path,
) -> TokenStream {
    let stat = arm.add_static(
        name,
        &format!("`\"{field}\": \"{path}\"`"),
        quote!(__sfn::sfn_lang::path::Path),
        super::values::path(path),
    );
    let cv = ctx_vars();
    quote! {
        let roots = __sfn::jsonpath::Roots::new(&effective, #cv);
        let selected = __sfn::jsonpath::select(&#stat, &roots).ok().flatten();
    }
}

/// The body of a JSONata Wait state's arm: `Seconds` or `Timestamp`
/// (constant or `{% %}`), then `Assign` and `Output` (default: the input).
fn jsonata_wait(arm: &mut Arm<'_, '_, '_>, wait: &Wait) -> TokenStream {
    let states = arm.states(super::StatesExtra::None);
    let sleep = match wait {
        Wait::Seconds(Dynamic::Static(seconds)) => {
            let seconds = super::values::u64_lit(*seconds);
            quote!(exec.wait_seconds(#seconds).await?;)
        }
        Wait::Timestamp(Dynamic::Static(ts)) => {
            let ts = super::values::timestamp(ts);
            quote!(exec.wait_until(&#ts).await?;)
        }
        Wait::Seconds(Dynamic::Jsonata(j)) => {
            let e = arm.jsonata_expression("SECONDS", "Seconds", j);
            quote! {
                let seconds = __sfn::jsonata_flow::count(&#e, "Seconds", #states)?;
                exec.wait_seconds(seconds).await?;
            }
        }
        Wait::Timestamp(Dynamic::Jsonata(j)) => {
            let e = arm.jsonata_expression("TIMESTAMP", "Timestamp", j);
            quote! {
                let until = __sfn::jsonata_flow::timestamp(&#e, "Timestamp", #states)?;
                exec.wait_until(&until).await?;
            }
        }
        // The reader gives JSONata states no `...Path` fields.
        Wait::Seconds(Dynamic::Path(_)) | Wait::Timestamp(Dynamic::Path(_)) => quote!(),
    };
    let next = transition(arm);
    let data = arm.cx.data();
    let (assign, output) = (arm.state.assign.as_ref(), arm.state.io.output.as_ref());
    let leave = super::jsonata_leave(
        arm,
        "",
        "",
        assign,
        output,
        super::StatesExtra::None,
        quote!(#data),
        next,
    );
    quote! {
        #sleep
        #leave
    }
}
