//! The method that runs one scope: `loop { match state { .. } }` over the
//! scope's state enum; each arm enters its state, then runs it.

use super::Plan;
use super::states::ScopeCx;
use proc_macro2::TokenStream;
use quote::quote;

/// The `async fn` of `StateMachine` that runs scope `id` of the plan.
pub(crate) fn method(plan: &Plan<'_>, id: usize) -> TokenStream {
    let sp = &plan.scopes[id];
    let facts = &sp.facts;
    let cx = ScopeCx::new(plan, id);
    let enum_ident = &sp.enum_ident;
    // `data` is the raw input of the current state: declared when a state
    // reads it or moves on (writing the next state's input), `mut` only in
    // the latter case, so that the code is warning-free in every case.
    // Without it, the scope's only state runs on `input`.
    let (data, has_transitions) = (
        facts.uses_data() || facts.has_transitions(),
        facts.has_transitions(),
    );
    let current = if data { quote!(&data) } else { quote!(&input) };
    let arms: Vec<TokenStream> = (0..sp.scope.states.len())
        .map(|i| {
            let variant = &sp.variants[i];
            let body = cx.arm(i);
            let state = &sp.scope.states[i];
            // `$$.State.EnteredTime` can be read only by the state itself
            // (see `facts`); other states do not read the clock (the third
            // argument of `enter_state`).
            let reads_context = facts.states[i].reads_context;
            let kind = state.kind.type_name();
            // The state's input, as the history records it.
            let enter = quote!(exec.enter_state(state.name(), #kind, #reads_context, #current););
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
    let declare = match (data, has_transitions) {
        (false, _) => quote!(),
        (true, true) => quote!(let mut data = input;),
        (true, false) => quote!(let data = input;),
    };
    // A durable execution continued after a restart starts each scope at
    // the state of its last snapshot.
    let resume = if has_transitions {
        quote! {
            if let ::core::option::Option::Some((name, saved)) = exec.resume_at() {
                if let ::core::option::Option::Some(resumed) = #enum_ident::from_name(&name) {
                    state = resumed;
                    data = saved;
                }
            }
        }
    } else {
        quote!(let _ = exec.resume_at();)
    };
    let body = if has_transitions {
        quote! {
            let mut state = #enum_ident::#start;
            #declare
            #resume
            loop {
                // Ends here once the execution is stopped, timed out or out
                // of history events; yields to the scheduler now and then,
                // and commits the transition when the execution is durable.
                if exec.checkpoint()? {
                    exec.transition(state.name(), #current).await?;
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
            #declare
            #resume
            if exec.checkpoint()? {
                exec.transition(state.name(), #current).await?;
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
            input: __sfn::Value,
        ) -> ::core::result::Result<__sfn::Value, __sfn::StatesError> {
            #body
        }
    }
}
