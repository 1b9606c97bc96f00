//! Parallel states: each branch is a nested scope with its own method, run
//! on a child execution (same `$$`, variables in an inner scope); the
//! branches run concurrently and the result is their outputs in order.

use super::{Arm, effective_input, handle_outcome, needs_raw, parameters};
use crate::ir::{ErrorHandling, Scope};
use proc_macro2::TokenStream;
use quote::quote;

/// The body of a Parallel state's arm. `Retry` re-runs all branches.
pub(super) fn parallel(
    arm: &mut Arm<'_, '_, '_>,
    branches: &[Scope],
    errors: &ErrorHandling,
) -> TokenStream {
    let keep_raw = needs_raw(arm, &arm.state.io.result_path, &errors.catch);
    let effective = effective_input(arm, keep_raw);
    let parameters = parameters(arm);
    let retry = arm.retry(&errors.retry);
    let children = &arm.cx.scope().children[arm.index];
    debug_assert_eq!(children.len(), branches.len());
    let starts = children.iter().enumerate().map(|(index, &child)| {
        let run = arm.cx.scope_fn(child);
        quote! {
            {
                let mut branch = exec.branch(#index);
                let input = effective.clone();
                ::std::boxed::Box::pin(async move { self.#run(&mut branch, input).await })
                    as __sfn::BranchFuture<'_>
            }
        }
    });
    // History: ParallelStateStarted, the branches' events, then the
    // Parallel's outcome. (Deep in a workflow the attempt is a `dyn`
    // closure: see `map::erased`.)
    let attempt = super::map::attempt(
        arm,
        quote! {
            exec.record("ParallelStateStarted", || __sfn::Value::Null);
            let branches = ::std::vec::Vec::from([#(#starts),*]);
            let recorder = exec.recorder.clone();
        },
        quote! {
            let outputs = __sfn::run_parallel(branches).await;
            recorder.record_outcome("ParallelState", &outputs);
            outputs.map(__sfn::Value::Array)
        },
    );
    let outcome = handle_outcome(arm, &errors.catch);
    quote! {
        #effective
        #parameters
        let outcome = __sfn::with_retry(exec, #retry, #attempt).await;
        #outcome
    }
}
