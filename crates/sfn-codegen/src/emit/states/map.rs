//! Map states: the items (ItemsPath on the effective input) each go through
//! ItemSelector (with `$$.Map.Item`) and the item processor, a nested scope
//! run on a child execution; the result is the outputs in item order.
//!
//! A DISTRIBUTED Map runs the same way, inline (its processor's enum says
//! so), except that its iterations' events stay out of the execution's
//! history, as a child execution's do on AWS
//! (`Execution::distributed_iteration`). Reading items with an `ItemReader` and batching them with an
//! `ItemBatcher` are not supported yet: such a state fails when entered.
//! A `ResultWriter` is ignored (the results are the state's result).

use super::{Arm, ctx_vars, ctx_vars_entropy, effective_input, handle_outcome, needs_raw};
use crate::ir::{Dynamic, Items, Map, PathField};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether the arm runs the processor (rather than failing on entry).
pub(super) fn runs_processor(map: &Map) -> bool {
    map.item_reader.is_none() && map.item_batcher.is_none()
}

/// The body of a Map state's arm. `Retry` re-runs every item.
pub(super) fn map(arm: &mut Arm<'_, '_, '_>, map: &Map) -> TokenStream {
    if map.item_reader.is_some() {
        return super::unsupported(
            "States.ItemReaderFailed",
            "reading Map items with an ItemReader is not supported yet",
        );
    }
    if map.item_batcher.is_some() {
        return super::unsupported(
            "States.Runtime",
            "batching Map items with an ItemBatcher is not supported yet",
        );
    }
    let keep_raw = needs_raw(arm, &arm.state.io.result_path, &map.errors.catch);
    // The items are read from the effective input, never moved out of it:
    // borrow the raw input that ResultPath needs afterwards.
    let borrow = keep_raw && arm.state.io.input_path == PathField::Default;
    let effective = if arm.jsonata() && matches!(map.items, Items::Template(_)) {
        // JSONata `Items` and `ItemSelector` read `$states.input`, the raw
        // input, directly.
        quote!()
    } else if borrow {
        let data = arm.cx.data();
        quote!(let effective = &#data;)
    } else {
        effective_input(arm, keep_raw)
    };
    let items = items(arm, &map.items, map.item_selector.is_some() || borrow);
    let max_concurrency = count(
        arm,
        map.max_concurrency.as_ref(),
        "max_concurrency",
        "MaxConcurrencyPath",
    );
    let (tolerance_stmt, tolerance) = tolerance(arm, map);
    let retry = arm.retry(&map.errors.retry);
    let (select, take) = match &map.item_selector {
        Some(t) => {
            // ItemSelector sees the item as `$$.Map.Item.Value`
            // (`$states.context.Map.Item.Value`), and the effective input as
            // `$` (JSONPath) or the raw input as `$states.input` (JSONata).
            let select = if arm.jsonata() {
                let t = arm.jsonata_template("ITEM_SELECTOR", "ItemSelector", t);
                let data = arm.cx.data();
                quote! {
                    __sfn::jsonata_flow::evaluate(
                        &#t,
                        "ItemSelector",
                        __sfn::jsonata_flow::States::new(&#data, &context, &exec.variables).with_control(exec.control()),
                    )
                }
            } else {
                let t = arm.template("ITEM_SELECTOR", "ItemSelector", t);
                quote! {
                    __sfn::dataflow::parameters(
                        &#t,
                        &effective,
                        &context,
                        &exec.variables,
                        &*exec.entropy,
                    )
                }
            };
            (
                quote! {
                    let inputs: ::core::result::Result<::std::vec::Vec<__sfn::Value>, __sfn::StatesError> = items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let context = exec.context.with_map_item(index, item.clone());
                            #select
                        })
                        .collect();
                },
                quote!(let inputs = inputs?;),
            )
        }
        // Without Retry there is one attempt: it takes the items.
        None if map.errors.retry.is_empty() => (
            quote!(let inputs = items.take().unwrap_or_default();),
            quote!(),
        ),
        None => (quote!(let inputs = items.clone();), quote!()),
    };
    let once = (map.item_selector.is_none() && map.errors.retry.is_empty())
        .then(|| quote!(let mut items = ::core::option::Option::Some(items);));
    let processor = arm.cx.scope_fn(arm.cx.scope().children[arm.index][0]);
    let (max_stmt, max) = max_concurrency;
    // A DISTRIBUTED Map's iterations are child executions on AWS, each
    // with a history of its own.
    let iteration_of = if map.mode == crate::ir::MapMode::Distributed {
        quote!(distributed_iteration)
    } else {
        quote!(iteration)
    };
    let iteration = quote! {
        let mut iteration = parent.#iteration_of(index);
        iteration.record("MapIterationStarted", || __sfn::Value::Null);
    };
    let body = quote! {
        let output = self.#processor(&mut iteration, input).await;
        iteration.record_outcome("MapIteration", &output);
        output
    };
    // Deep in a workflow, each iteration is a boxed future made by a `dyn`
    // closure: see `erased`.
    let iterate = if erased(arm) {
        dyn_closure(
            quote!(usize, __sfn::Value),
            quote! {
                |index: usize, input: __sfn::Value| {
                    #iteration
                    ::std::boxed::Box::pin(async move { #body }) as __sfn::BranchFuture<'_>
                }
            },
        )
    } else {
        quote! {
            |index, input| {
                #iteration
                async move { #body }
            }
        }
    };
    let attempt = attempt(
        arm,
        quote! {
            #select
            let parent = exec.child();
        },
        quote! {
            #take
            // History: MapStateStarted, then each iteration's Started
            // and outcome, then the Map's outcome.
            parent.map_started(inputs.len());
            let outputs = __sfn::run_map(
                &parent.settings,
                inputs,
                #max,
                #tolerance,
                #iterate,
            )
            .await;
            parent.record_outcome("MapState", &outputs);
            ::core::result::Result::Ok(__sfn::Value::Array(outputs?))
        },
    );
    let outcome = handle_outcome(arm, &map.errors.catch);
    quote! {
        #effective
        #max_stmt
        #tolerance_stmt
        #items
        #once
        let outcome = __sfn::with_retry(exec, #retry, #attempt)
        .await;
        #outcome
    }
}

/// Whether the arm of a Map or Parallel state erases the types of its
/// nested scopes: when the state is nested in [`UNBOXED_DEPTH`] or more
/// Parallel or Map states.
///
/// Unerased, a scope's future holds the futures of the scopes nested in
/// it, so the type of a workflow's future nests as deep as its Map states;
/// from six Map states one inside the other, proving that type `Send` (as
/// `StateMachine::start` must) overflows rustc's recursion limit (E0275).
/// A boxed `dyn Future + Send` stops the nesting: rustc proves each boxed
/// level `Send` on its own. Parallel branches are always boxed (they are a
/// list of futures).
///
/// Generic functions instantiated once per level (`with_retry`, `run_map`
/// and the streams inside it) reach the recursion limit too, at about 64
/// nested Map states: an erased arm also passes them its closures as `dyn
/// FnMut`, so that every deep level uses the same instance. Then any
/// nesting that the JSON reader accepts compiles.
///
/// The shallow Map states of most workflows stay as they were, without an
/// allocation per item.
pub(super) fn erased(arm: &Arm<'_, '_, '_>) -> bool {
    arm.cx.scope().depth >= UNBOXED_DEPTH
}

/// The Map and Parallel states nested in fewer Parallel or Map states than
/// this are not [`erased`]: at most this many unboxed Map futures are
/// nested in one another (rustc overflows from six).
const UNBOXED_DEPTH: usize = 2;

/// `closure` (whose result is a `BranchFuture`) boxed as a `dyn FnMut` of
/// `args`: a block with a function item that names the lifetime the type
/// needs (a closure's `dyn` type cannot elide it). The closure must
/// annotate its parameters' types: nothing else gives them.
fn dyn_closure(args: TokenStream, closure: TokenStream) -> TokenStream {
    let dyn_fn = quote! {
        dyn ::core::ops::FnMut(#args) -> __sfn::BranchFuture<'a> + ::core::marker::Send + 'f
    };
    quote! {
        {
            fn erase<'a, 'f>(f: ::std::boxed::Box<#dyn_fn>) -> ::std::boxed::Box<#dyn_fn> {
                f
            }
            erase(::std::boxed::Box::new(#closure))
        }
    }
}

/// The attempt closure given to `with_retry`: `|exec| { #before async move
/// { #body } }`, or in an [`erased`] arm the same as a `dyn FnMut`
/// returning a boxed future.
pub(super) fn attempt(
    arm: &Arm<'_, '_, '_>,
    before: TokenStream,
    body: TokenStream,
) -> TokenStream {
    if erased(arm) {
        dyn_closure(
            quote!(&mut __sfn::Execution),
            quote! {
                |exec: &mut __sfn::Execution| {
                    #before
                    ::std::boxed::Box::pin(async move { #body }) as __sfn::BranchFuture<'_>
                }
            },
        )
    } else {
        quote! {
            |exec| {
                #before
                async move { #body }
            }
        }
    }
}

/// `let items = ...;`: the array to iterate over (a Map state input that is
/// not an array fails with AWS's cause).
fn items(arm: &mut Arm<'_, '_, '_>, items: &Items, keep_effective: bool) -> TokenStream {
    let select = match items {
        Items::Path(PathField::Default) if keep_effective => quote!(effective.clone()),
        Items::Path(PathField::Default) => quote!(effective),
        Items::Path(field) => {
            let spec = arm.path_spec("ITEMS_PATH", "ItemsPath", field).map_or_else(
                || quote!(__sfn::dataflow::PathSpec::Default),
                |i| quote!(#i),
            );
            let cv = ctx_vars();
            quote!(__sfn::dataflow::input_path(&#spec, &effective, #cv)?)
        }
        Items::Template(t) if arm.jsonata() => {
            let t = arm.jsonata_template("ITEMS", "Items", t);
            let states = arm.states(super::StatesExtra::None);
            return quote!(let items = __sfn::jsonata_flow::items(&#t, #states)?;);
        }
        Items::Template(t) => {
            let t = arm.template("ITEMS", "Items", t);
            let cve = ctx_vars_entropy();
            quote!(__sfn::dataflow::parameters(&#t, &effective, #cve)?)
        }
    };
    // The same failure is States.Runtime in JSONPath and
    // States.QueryEvaluationError in JSONata (conformance cases
    // `scenarios/test_map_state_items_input_types_*`).
    let error = if arm.jsonata() {
        quote!(__sfn::error::names::QUERY_EVALUATION_ERROR)
    } else {
        quote!(__sfn::error::names::RUNTIME)
    };
    quote! {
        let items = match #select {
            __sfn::Value::Array(items) => items,
            other => {
                return ::core::result::Result::Err(__sfn::StatesError::new(#error, ::std::format!(
                    "Map state input must be an array but was: {other}"
                )));
            }
        };
    }
}

/// A count field (`MaxConcurrency`): the statement computing it from its
/// `...Path` (if any) and the expression for it.
fn count(
    arm: &mut Arm<'_, '_, '_>,
    field: Option<&Dynamic<u64>>,
    var: &str,
    path_field: &str,
) -> (TokenStream, TokenStream) {
    match field {
        Some(Dynamic::Static(n)) => (quote!(), super::super::values::u64_lit(*n)),
        Some(Dynamic::Path(path)) => {
            let stmt = super::integer_from_path(arm, var, path_field, path);
            let var = quote::format_ident!("{var}");
            (stmt, quote!(#var))
        }
        Some(Dynamic::Jsonata(j)) => {
            let field = path_field.strip_suffix("Path").unwrap_or(path_field);
            let e = arm.jsonata_expression(&crate::emit::names::upper_snake_case(field), field, j);
            let states = arm.states(super::StatesExtra::None);
            let var = quote::format_ident!("{var}");
            (
                quote!(let #var = __sfn::jsonata_flow::count(&#e, #field, #states)?;),
                quote!(#var),
            )
        }
        None => (quote!(), quote!(0u64)),
    }
}

/// `ToleratedFailureCount` and `ToleratedFailurePercentage` (or their
/// `...Path`s): the statements reading paths, and the `Tolerance`.
fn tolerance(arm: &mut Arm<'_, '_, '_>, map: &Map) -> (TokenStream, TokenStream) {
    if map.tolerated_failure_count.is_none() && map.tolerated_failure_percentage.is_none() {
        return (quote!(), quote!(__sfn::Tolerance::default()));
    }
    let (count_stmt, count) = match &map.tolerated_failure_count {
        None => (quote!(), quote!(::core::option::Option::None)),
        Some(field) => {
            let (stmt, n) = count(
                arm,
                Some(field),
                "tolerated_failure_count",
                "ToleratedFailureCountPath",
            );
            (stmt, quote!(::core::option::Option::Some(#n)))
        }
    };
    let (percentage_stmt, percentage) = match &map.tolerated_failure_percentage {
        None => (quote!(), quote!(::core::option::Option::None)),
        Some(Dynamic::Jsonata(j)) => {
            const FIELD: &str = "ToleratedFailurePercentage";
            let e = arm.jsonata_expression("TOLERATED_FAILURE_PERCENTAGE", FIELD, j);
            let states = arm.states(super::StatesExtra::None);
            (
                quote!(let tolerated_failure_percentage = __sfn::jsonata_flow::percentage(&#e, #FIELD, #states)?;),
                quote!(::core::option::Option::Some(tolerated_failure_percentage)),
            )
        }
        Some(Dynamic::Static(p)) => {
            let p = super::super::values::f64_lit(*p);
            (quote!(), quote!(::core::option::Option::Some(#p)))
        }
        Some(Dynamic::Path(path)) => {
            let stat = arm.add_static(
                "TOLERATED_FAILURE_PERCENTAGE_PATH",
                &format!("`\"ToleratedFailurePercentagePath\": \"{path}\"`"),
                quote!(__sfn::sfn_lang::path::Path),
                super::super::values::path(path),
            );
            let text = path.to_string();
            let cv = ctx_vars();
            (
                quote! {
                    let tolerated_failure_percentage = {
                        let roots = __sfn::jsonpath::Roots::new(&effective, #cv);
                        let selected = __sfn::jsonpath::select(&#stat, &roots).ok().flatten();
                        __sfn::expect_tolerated_failure_percentage_at(#text, selected.as_deref())?
                    };
                },
                quote!(::core::option::Option::Some(tolerated_failure_percentage)),
            )
        }
    };
    (
        quote! {
            #count_stmt
            #percentage_stmt
        },
        quote!(__sfn::Tolerance { count: #count, percentage: #percentage }),
    )
}
