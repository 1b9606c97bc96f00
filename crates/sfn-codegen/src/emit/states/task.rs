//! Task states: the effective input goes to the state's `Tasks` method
//! through `call_task` (TimeoutSeconds, panics) under `with_retry` (Retry);
//! the result or the caught error goes on as in every state with Catch.
//! A `.waitForTaskToken` Task issues a token per attempt and goes through
//! `call_task_with_token` (the answer for the token is the result;
//! HeartbeatSeconds).

use super::{Arm, ctx_vars_entropy, effective_input, handle_outcome, integer_from_path, needs_raw};
use crate::ir::{Dynamic, IntegrationPattern, PathField, Task};
use proc_macro2::TokenStream;
use quote::quote;

/// The body of a Task state's arm.
pub(super) fn task(arm: &mut Arm<'_, '_, '_>, task: &Task) -> TokenStream {
    let keep_raw = needs_raw(arm, &arm.state.io.result_path, &task.errors.catch);
    // The attempts only read the effective input: borrow the raw input
    // that ResultPath or a Catch needs afterwards instead of copying it.
    let effective = if keep_raw && arm.state.io.input_path == PathField::Default {
        let data = arm.cx.data();
        quote!(let effective = &#data;)
    } else {
        effective_input(arm, keep_raw)
    };
    // TimeoutSecondsPath reads the input after InputPath, before Parameters.
    let (timeout_stmt, timeout) = match &task.timeout {
        Some(Dynamic::Static(seconds)) => {
            let seconds = super::values::u64_lit(*seconds);
            (quote!(), quote!(::core::option::Option::Some(#seconds)))
        }
        Some(Dynamic::Path(path)) => (
            integer_from_path(arm, "timeout_seconds", "TimeoutSecondsPath", path),
            quote!(::core::option::Option::Some(timeout_seconds)),
        ),
        Some(Dynamic::Jsonata(j)) => {
            let e = arm.jsonata_expression("TIMEOUT_SECONDS", "TimeoutSeconds", j);
            let states = arm.states(super::StatesExtra::None);
            (
                quote!(let timeout_seconds = __sfn::jsonata_flow::count(&#e, "TimeoutSeconds", #states)?;),
                quote!(::core::option::Option::Some(timeout_seconds)),
            )
        }
        None => (quote!(), quote!(::core::option::Option::None)),
    };
    // HeartbeatSeconds applies to the tasks that receive a token (see
    // `sfn_runtime::engine::callback`).
    let callback = task.pattern == IntegrationPattern::WaitForTaskToken;
    let (heartbeat_stmt, heartbeat) = match &task.heartbeat {
        Some(Dynamic::Static(seconds)) if callback => {
            let seconds = super::values::u64_lit(*seconds);
            (quote!(), quote!(::core::option::Option::Some(#seconds)))
        }
        Some(Dynamic::Path(path)) if callback => (
            integer_from_path(arm, "heartbeat_seconds", "HeartbeatSecondsPath", path),
            quote!(::core::option::Option::Some(heartbeat_seconds)),
        ),
        Some(Dynamic::Jsonata(j)) if callback => {
            let e = arm.jsonata_expression("HEARTBEAT_SECONDS", "HeartbeatSeconds", j);
            let states = arm.states(super::StatesExtra::None);
            (
                quote!(let heartbeat_seconds = __sfn::jsonata_flow::count(&#e, "HeartbeatSeconds", #states)?;),
                quote!(::core::option::Option::Some(heartbeat_seconds)),
            )
        }
        _ => (quote!(), quote!(::core::option::Option::None)),
    };
    let jsonata = arm.jsonata();
    let parameters = arm.state.io.parameters.as_ref().map(|t| {
        if jsonata {
            arm.jsonata_template("ARGUMENTS", "Arguments", t)
        } else {
            arm.template("PARAMETERS", "Parameters", t)
        }
    });
    let retry = arm.retry(&task.errors.retry);
    let plan = arm.cx.plan;
    let method = &plan.tasks[plan.task_index[&(arm.cx.id, arm.index)]].method;
    let name = &arm.state.name;
    let resource = &task.resource;
    let outcome = handle_outcome(arm, &task.errors.catch);
    let call = if callback {
        quote! {
            __sfn::call_task_with_token(exec, #name, #resource, #timeout, #heartbeat, callback, |ctx| {
                Tasks::#method(&self.tasks, input, ctx)
            })
        }
    } else {
        quote! {
            __sfn::call_task(exec, #name, #resource, #timeout, |ctx| {
                Tasks::#method(&self.tasks, input, ctx)
            })
        }
    };
    // A callback attempt first issues its token (`$$.Task.Token`, which
    // Parameters may pass on).
    let begin = callback.then(|| quote!(let callback = __sfn::TaskCallback::begin(exec);));
    let attempt = match parameters {
        None => quote! {
            #begin
            let input = effective.clone();
            #call
        },
        // Parameters are evaluated for each attempt, as `$$.State.RetryCount`
        // changes from one to the next.
        Some(parameters) => {
            // Arguments read `$states.input`, the raw input that `effective`
            // is in JSONata states.
            let evaluate = if jsonata {
                quote! {
                    __sfn::jsonata_flow::evaluate(
                        &#parameters,
                        "Arguments",
                        __sfn::jsonata_flow::States::new(&effective, &exec.context, &exec.variables).with_control(exec.control()),
                    )
                }
            } else {
                let cve = ctx_vars_entropy();
                quote!(__sfn::dataflow::parameters(&#parameters, &effective, #cve))
            };
            quote! {
                #begin
                let call = #evaluate.map(|input| #call);
                async move {
                    match call {
                        ::core::result::Result::Ok(call) => call.await,
                        ::core::result::Result::Err(error) => ::core::result::Result::Err(error),
                    }
                }
            }
        }
    };
    quote! {
        #effective
        #timeout_stmt
        #heartbeat_stmt
        let outcome = __sfn::with_retry(exec, #retry, |exec| {
            #attempt
        })
        .await;
        #outcome
    }
}
