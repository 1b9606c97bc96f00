//! The method that runs one scope: `loop { match state { .. } }` over the
//! scope's state enum; each arm enters its state, then runs it.

use super::Plan;
use super::states::{self, ScopeCx};
use proc_macro2::TokenStream;
use quote::quote;

/// The `async fn` of `StateMachine` that runs scope `id` of the plan.
pub(crate) fn method(plan: &Plan<'_>, id: usize) -> TokenStream {
    let sp = &plan.scopes[id];
    let cx = ScopeCx::new(plan, id);
    let enum_ident = &sp.enum_ident;
    let arms: Vec<TokenStream> = (0..sp.scope.states.len())
        .map(|i| {
            let variant = &sp.variants[i];
            let body = states::arm(&cx, i);
            let state = &sp.scope.states[i];
            // `$$.State.EnteredTime` can be read only by the state itself:
            // through a `$$` path among its fields, by a Task's handler
            // (which gets the context), or by a JSONata expression. Other
            // states do not read the clock (the last argument of
            // `enter_state`).
            let reads_context = matches!(state.kind, crate::ir::StateKind::Task(_))
                || state.query_language == crate::ir::QueryLanguage::Jsonata
                || body.to_string().contains("Root :: Context");
            let kind = match state.kind {
                crate::ir::StateKind::Pass { .. } => "Pass",
                crate::ir::StateKind::Succeed => "Succeed",
                crate::ir::StateKind::Task(_) => "Task",
                crate::ir::StateKind::Choice { .. } => "Choice",
                crate::ir::StateKind::Wait(_) => "Wait",
                crate::ir::StateKind::Fail { .. } => "Fail",
                crate::ir::StateKind::Parallel { .. } => "Parallel",
                crate::ir::StateKind::Map(_) => "Map",
            };
            let input = if cx.uses_data() {
                quote!(&data)
            } else {
                quote!(&__sfn::Value::Null)
            };
            let enter = quote!(exec.enter_state(state.name(), #kind, #reads_context, #input););
            quote!(#enum_ident::#variant => { #enter #body })
        })
        .collect();
    let start = &sp.variants[sp.scope.start_at];
    let start_name = &sp.scope.states[sp.scope.start_at].name;
    let doc = super::doc_attrs(&format!(
        "Runs {} from its start, `{start_name}`, on `input`; returns the output \
         of the state that ends it.",
        sp.description
    ));
    let fn_ident = &sp.fn_ident;
    // `data` is the raw input of the current state. Only what is used is
    // declared, and `mut` only when a state moves on to another, so that the
    // code is warning-free in every case.
    let (input, data) = match (cx.uses_data(), cx.has_transitions()) {
        (false, _) => (quote!(_input), quote!()),
        (true, true) => (quote!(input), quote!(let mut data = input;)),
        (true, false) => (quote!(input), quote!(let data = input;)),
    };
    let snapshot_data = if cx.uses_data() {
        quote!(&data)
    } else {
        quote!(&__sfn::Value::Null)
    };
    // A durable execution continued after a restart starts each scope at
    // the state of its last snapshot.
    let resume = match (cx.uses_data(), cx.has_transitions()) {
        (_, false) => quote!(let _ = exec.resume_at();),
        (true, true) => quote! {
            if let ::core::option::Option::Some((name, saved)) = exec.resume_at() {
                if let ::core::option::Option::Some(resumed) = #enum_ident::from_name(&name) {
                    state = resumed;
                    data = saved;
                }
            }
        },
        (false, true) => quote! {
            if let ::core::option::Option::Some((name, _)) = exec.resume_at() {
                if let ::core::option::Option::Some(resumed) = #enum_ident::from_name(&name) {
                    state = resumed;
                }
            }
        },
    };
    let body = if cx.has_transitions() {
        quote! {
            let mut state = #enum_ident::#start;
            #data
            #resume
            loop {
                // Ends here once the execution is stopped, timed out or out
                // of history events; yields to the scheduler now and then,
                // and commits the transition when the execution is durable.
                if exec.checkpoint()? {
                    exec.transition(state.name(), #snapshot_data).await?;
                }
                match state {
                    #(#arms)*
                }
            }
        }
    } else {
        // Every state ends the scope: no loop.
        quote! {
            let state = #enum_ident::#start;
            #data
            #resume
            if exec.checkpoint()? {
                exec.transition(state.name(), #snapshot_data).await?;
            }
            match state {
                #(#arms)*
            }
        }
    };
    // The scope's end: the last state's `Exited` event, or an error that a
    // state raised itself named after the state (`Execution::leave`).
    let body = quote! {
        let outcome: ::core::result::Result<__sfn::Value, __sfn::StatesError> = async {
            #body
        }
        .await;
        exec.leave(outcome)
    };
    quote! {
        #(#doc)*
        async fn #fn_ident(
            &self,
            exec: &mut __sfn::Execution,
            #input: __sfn::Value,
        ) -> ::core::result::Result<__sfn::Value, __sfn::StatesError> {
            #body
        }
    }
}
