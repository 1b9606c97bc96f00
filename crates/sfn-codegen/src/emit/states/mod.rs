//! The match arm of each state, one file per state type, and what they
//! share: the arm's `static` items, input and output processing, Assign,
//! Retry and Catch, and transitions.
//!
//! An arm starts with `static` items holding the state's parsed paths,
//! templates and policies (each documented with the text it came from),
//! followed by the code. Inside a scope method, `exec` is the execution,
//! `data` the raw input of the state, and `state` the position; an arm
//! either moves on (`state = ..; data = ..;`) or returns.
//!
//! Data flow follows AWS's order (see `sfn_runtime::dataflow`): InputPath,
//! Parameters, the state's work, ResultSelector, ResultPath, OutputPath;
//! Assign is evaluated against the variables from before the state and
//! written last.

mod choice;
mod fail;
mod map;
mod parallel;
mod pass;
mod task;
mod wait;

use super::{Plan, ScopePlan};
use super::{paths, values};
use crate::ir::{Catcher, PathField, QueryLanguage, Retrier, State, StateId, StateKind, Template};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::cell::Cell;

/// What the arms of one scope share.
///
/// The facts about the scope (whether a state reads `data`, moves on) come
/// from [`super::facts`], computed on the IR before any arm is written. In
/// debug builds the context notes what each arm actually reads and writes
/// (`data()`, `goto()`) and [`ScopeCx::arm`] checks it against the facts,
/// so that the two cannot drift apart.
pub(crate) struct ScopeCx<'p, 'a> {
    plan: &'p Plan<'a>,
    id: usize,
    /// Whether the arm being written has read `data` so far.
    read_data: Cell<bool>,
    /// Whether the arm being written has moved on to another state so far.
    moved_on: Cell<bool>,
}

impl<'p, 'a> ScopeCx<'p, 'a> {
    /// The context for the arms of scope `id`.
    pub(crate) fn new(plan: &'p Plan<'a>, id: usize) -> Self {
        ScopeCx {
            plan,
            id,
            read_data: Cell::new(false),
            moved_on: Cell::new(false),
        }
    }

    fn scope(&self) -> &'p ScopePlan<'a> {
        &self.plan.scopes[self.id]
    }

    /// The arm of state `index`, checked (in debug builds) against the
    /// scope's facts.
    pub(crate) fn arm(&self, index: usize) -> TokenStream {
        self.read_data.set(false);
        self.moved_on.set(false);
        let body = arm(self, index);
        let facts = &self.scope().facts.states[index];
        let (data, moves_on) = (self.read_data.get(), self.moved_on.get());
        debug_assert!(
            data == facts.uses_data && moves_on == facts.moves_on,
            "state `{}`: its arm reads `data`: {data}, moves on: {moves_on}; \
             `emit::facts` says {}, {}",
            self.scope().scope.states[index].name,
            facts.uses_data,
            facts.moves_on,
        );
        body
    }

    /// `data`, the raw input of the state, noting that it is used.
    fn data(&self) -> TokenStream {
        self.read_data.set(true);
        quote!(data)
    }

    /// The statements that move on to state `next` with `output` as its input.
    fn goto(&self, next: StateId) -> TokenStream {
        self.moved_on.set(true);
        let sp = self.scope();
        let (e, v) = (&sp.enum_ident, &sp.variants[next]);
        quote! {
            state = #e::#v;
            data = output;
        }
    }

    /// The method running nested scope `child`.
    fn scope_fn(&self, child: usize) -> &'p Ident {
        &self.plan.scopes[child].fn_ident
    }
}

/// One arm being written: its statics and the state.
pub(crate) struct Arm<'c, 'p, 'a> {
    cx: &'c ScopeCx<'p, 'a>,
    index: usize,
    state: &'a State,
    statics: Vec<TokenStream>,
}

impl<'c, 'p, 'a> Arm<'c, 'p, 'a> {
    /// Declares `static NAME: TY = INIT;` in the arm, documented with `doc`.
    fn add_static(&mut self, name: &str, doc: &str, ty: TokenStream, init: TokenStream) -> Ident {
        let ident = format_ident!("{name}");
        let docs = super::doc_attrs(doc);
        self.statics.push(quote! {
            #(#docs)*
            static #ident: #ty = #init;
        });
        ident
    }

    /// Declares a `static` built on first use (for values that own heap data).
    fn add_lazy(&mut self, name: &str, doc: &str, ty: TokenStream, init: TokenStream) -> Ident {
        self.add_static(
            name,
            doc,
            quote!(__sfn::LazyLock<#ty>),
            quote!(__sfn::LazyLock::new(|| #init)),
        )
    }

    /// A path field as a `PathSpec` static; `None` for an absent field.
    fn path_spec(&mut self, name: &str, field_name: &str, field: &PathField) -> Option<Ident> {
        let doc = match field {
            PathField::Default => return None,
            PathField::Null => format!("`\"{field_name}\": null`"),
            PathField::Path(p) => format!("`\"{field_name}\": \"{p}\"`"),
        };
        let init = values::path_spec(field);
        Some(self.add_static(name, &doc, quote!(__sfn::dataflow::PathSpec), init))
    }

    /// A reference path of names and indexes as a direct lookup, its keys in
    /// a `static` named `name` documented with `doc`; `None` when the path
    /// needs the evaluator.
    fn lookup(
        &mut self,
        name: &str,
        doc: &str,
        p: &sfn_lang::path::Path,
    ) -> Option<paths::Lookup<Ident>> {
        let mut keys = |k: paths::Keys| self.add_static(name, doc, k.ty, k.init);
        Some(match paths::lookup(p)? {
            paths::Lookup::Whole => paths::Lookup::Whole,
            paths::Lookup::Input(k) => paths::Lookup::Input(keys(k)),
            paths::Lookup::Context(k) => paths::Lookup::Context(keys(k)),
        })
    }

    /// A path field (`InputPath`, `OutputPath`, `ResultPath`, ...) holding a
    /// path that is looked up directly (see [`Arm::lookup`]).
    fn field_lookup(
        &mut self,
        name: &str,
        field_name: &str,
        field: &PathField,
    ) -> Option<paths::Lookup<Ident>> {
        let PathField::Path(p) = field else {
            return None;
        };
        self.lookup(name, &format!("`\"{field_name}\": \"{p}\"`"), p)
    }

    /// A payload template as a lazily built static (`Parameters`,
    /// `ResultSelector`, `Assign`, ...).
    fn template(&mut self, name: &str, field_name: &str, t: &Template) -> TokenStream {
        let init = values::template(t).unwrap_or_else(|| {
            // Only JSONata states hold JSONata templates, and their arms are
            // not written here; an empty object keeps the code well-formed.
            quote!(__sfn::template::Template::Literal(__sfn::Value::Object(
                __sfn::serde_json::Map::new()
            )))
        });
        let ident = self.add_lazy(
            name,
            &format!(
                "`\"{field_name}\": {}`",
                values::template_text(t, DOC_TEXT_MAX)
            ),
            quote!(__sfn::template::Template),
            init,
        );
        quote!(#ident)
    }

    /// Whether the state is in JSONata mode.
    fn jsonata(&self) -> bool {
        self.state.query_language == QueryLanguage::Jsonata
    }

    /// A JSONata-mode template as a lazily built static (`Arguments`,
    /// `Output`, `Assign`, `Items`, `ItemSelector`).
    fn jsonata_template(&mut self, name: &str, field_name: &str, t: &Template) -> TokenStream {
        let init = values::jsonata_template(t);
        let ident = self.add_lazy(
            name,
            &format!(
                "`\"{field_name}\": {}`",
                values::template_text(t, DOC_TEXT_MAX)
            ),
            quote!(__sfn::jsonata_flow::Template),
            init,
        );
        quote!(#ident)
    }

    /// One `{% %}` expression as a lazily built static.
    fn jsonata_expression(
        &mut self,
        name: &str,
        field_name: &str,
        j: &crate::ir::Jsonata,
    ) -> TokenStream {
        let init = values::jsonata_expression(j);
        let ident = self.add_lazy(
            name,
            &format!("`\"{field_name}\": \"{{% {} %}}\"`", j.text),
            quote!(__sfn::jsonata_flow::Expression),
            init,
        );
        quote!(#ident)
    }

    /// `__sfn::jsonata_flow::States` over the raw input `data`, with
    /// `$states.result` or `$states.errorOutput` when given.
    fn states(&self, extra: StatesExtra) -> TokenStream {
        let data = self.cx.data();
        let base = quote!(__sfn::jsonata_flow::States::new(&#data, &exec.context, &exec.variables).with_control(exec.control()));
        match extra {
            StatesExtra::None => base,
            StatesExtra::Result => quote!(#base.with_result(&result)),
            StatesExtra::ErrorOutput => quote!(#base.with_error_output(&error_output)),
        }
    }

    /// The `Retry` policies as a static slice (`&[]` when there are none).
    fn retry(&mut self, retriers: &[Retrier]) -> TokenStream {
        if retriers.is_empty() {
            return quote!(&[]);
        }
        let policies = retriers.iter().map(|r| {
            let errors = &r.error_equals;
            let interval = values::u64_lit(r.interval_seconds);
            let attempts = values::u64_lit(r.max_attempts);
            let backoff = values::f64_lit(r.backoff_rate);
            let max_delay = match r.max_delay_seconds {
                Some(d) => {
                    let d = values::u64_lit(d);
                    quote!(::core::option::Option::Some(#d))
                }
                None => quote!(::core::option::Option::None),
            };
            let jitter = r.jitter_full;
            quote! {
                __sfn::RetryPolicy {
                    error_equals: &[#(#errors),*],
                    interval_seconds: #interval,
                    max_attempts: #attempts,
                    backoff_rate: #backoff,
                    max_delay_seconds: #max_delay,
                    jitter_full: #jitter,
                }
            }
        });
        let ident = self.add_static(
            "RETRY",
            "`Retry`: the first retrier whose `ErrorEquals` matches decides.",
            quote!(&[__sfn::RetryPolicy]),
            quote!(&[#(#policies),*]),
        );
        quote!(#ident)
    }

    /// The arm: its statics, then `body`.
    fn finish(self, body: TokenStream) -> TokenStream {
        let statics = self.statics;
        quote!({
            #(#statics)*
            #body
        })
    }
}

/// What a JSONata state's `$states` holds besides `input` and `context`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StatesExtra {
    /// Nothing else.
    None,
    /// `$states.result` (the `result` variable).
    Result,
    /// `$states.errorOutput` (the `error_output` variable).
    ErrorOutput,
}

/// The end of a JSONata state (or of its matched Choice rule or Catch):
/// `Assign` and `Output` are both evaluated with the variables from before
/// the state, then the variables are written and the state moves on with
/// `next`. Without `Output` the output is `default_output`. `prefix` names
/// the rule or catcher in causes (`Choices[0]/`, `Catch[1]/`); `name` the
/// statics.
#[allow(clippy::too_many_arguments)]
fn jsonata_leave(
    arm: &mut Arm<'_, '_, '_>,
    name: &str,
    prefix: &str,
    assign: Option<&Template>,
    output: Option<&Template>,
    extra: StatesExtra,
    default_output: TokenStream,
    next: TokenStream,
) -> TokenStream {
    let states = arm.states(extra);
    let sep = if name.is_empty() { "" } else { "_" };
    let (compute, write) = match assign {
        Some(t) => {
            let t = arm.jsonata_template(&format!("{name}{sep}ASSIGN"), "Assign", t);
            let field = format!("{prefix}Assign");
            (
                quote!(let assigned = __sfn::jsonata_flow::assign(&#t, #field, states)?;),
                quote!(exec.variables.assign(assigned)?;),
            )
        }
        None => (quote!(), quote!()),
    };
    let produce = match output {
        Some(t) => {
            let t = arm.jsonata_template(&format!("{name}{sep}OUTPUT"), "Output", t);
            let field = format!("{prefix}Output");
            quote!(let output = __sfn::jsonata_flow::evaluate(&#t, #field, states)?;)
        }
        None => quote!(let output = #default_output;),
    };
    let declare = (assign.is_some() || output.is_some()).then(|| quote!(let states = #states;));
    quote! {
        #declare
        #compute
        #produce
        #write
        #next
    }
}

/// How much of a template or value the documentation of a static shows.
const DOC_TEXT_MAX: usize = 160;

/// `&exec.context, &exec.variables`: the roots besides `$`.
fn ctx_vars() -> TokenStream {
    quote!(&exec.context, &exec.variables)
}

/// `ctx_vars()` plus the source of randomness, for templates.
fn ctx_vars_entropy() -> TokenStream {
    quote!(&exec.context, &exec.variables, &*exec.entropy)
}

/// Whether the arm of `state` runs its nested scopes (Parallel branches,
/// Map processor); it does not when it fails on entry instead.
pub(crate) fn runs_nested_scopes(state: &State) -> bool {
    match &state.kind {
        StateKind::Parallel { .. } => true,
        StateKind::Map(map) => map::runs_processor(map),
        _ => false,
    }
}

/// The arm of state `index` of the scope.
pub(crate) fn arm(cx: &ScopeCx<'_, '_>, index: usize) -> TokenStream {
    let state = &cx.scope().scope.states[index];
    let mut arm = Arm {
        cx,
        index,
        state,
        statics: Vec::new(),
    };
    let body = match &state.kind {
        StateKind::Pass { result } => pass::pass(&mut arm, result.as_ref()),
        StateKind::Succeed => pass::succeed(&mut arm),
        StateKind::Task(task) => task::task(&mut arm, task),
        StateKind::Choice { choices, default } => choice::choice(&mut arm, choices, *default),
        StateKind::Wait(wait) => wait::wait(&mut arm, wait),
        StateKind::Fail { error, cause } => fail::fail(&mut arm, error.as_ref(), cause.as_ref()),
        StateKind::Parallel { branches, errors } => parallel::parallel(&mut arm, branches, errors),
        StateKind::Map(map) => map::map(&mut arm, map),
    };
    arm.finish(body)
}

/// A state whose feature is not supported yet: it fails when entered.
fn unsupported(error: &str, cause: &str) -> TokenStream {
    quote! {
        return ::core::result::Result::Err(__sfn::StatesError::new(#error, #cause));
    }
}

/// `let effective = ...;`: the state's input after `InputPath`. The raw
/// input `data` is moved unless `keep_raw` (ResultPath needs it later).
fn effective_input(arm: &mut Arm<'_, '_, '_>, keep_raw: bool) -> TokenStream {
    let data = arm.cx.data();
    match arm.field_lookup("INPUT_PATH", "InputPath", &arm.state.io.input_path) {
        Some(paths::Lookup::Input(keys)) if keep_raw => {
            return quote!(let effective = __sfn::lookup::select(&#data, #keys)?.clone(););
        }
        Some(paths::Lookup::Input(keys)) => {
            return quote!(let effective = __sfn::lookup::take(#data, #keys)?;);
        }
        Some(paths::Lookup::Context(keys)) => {
            return quote! {
                let effective = __sfn::lookup::select_context(&exec.context, #keys)?.clone();
            };
        }
        Some(paths::Lookup::Whole) if keep_raw => return quote!(let effective = #data.clone();),
        Some(paths::Lookup::Whole) => return quote!(let effective = #data;),
        None => {}
    }
    match arm.path_spec("INPUT_PATH", "InputPath", &arm.state.io.input_path) {
        None if keep_raw => quote!(let effective = #data.clone();),
        None => quote!(let effective = #data;),
        Some(spec) => {
            let cv = ctx_vars();
            quote!(let effective = __sfn::dataflow::input_path(&#spec, &#data, #cv)?;)
        }
    }
}

/// `let effective = ...;` with `Parameters` applied (nothing without it).
fn parameters(arm: &mut Arm<'_, '_, '_>) -> TokenStream {
    let Some(t) = &arm.state.io.parameters else {
        return quote!();
    };
    if arm.jsonata() {
        let t = arm.jsonata_template("ARGUMENTS", "Arguments", t);
        let states = arm.states(StatesExtra::None);
        return quote!(let effective = __sfn::jsonata_flow::evaluate(&#t, "Arguments", #states)?;);
    }
    let t = arm.template("PARAMETERS", "Parameters", t);
    let cve = ctx_vars_entropy();
    quote!(let effective = __sfn::dataflow::parameters(&#t, &effective, #cve)?;)
}

/// Whether the raw input is needed after the state's work: by ResultPath
/// (of the state or of a catcher), or as `$states.input` in JSONata.
fn needs_raw(arm: &Arm<'_, '_, '_>, result_path: &PathField, catchers: &[Catcher]) -> bool {
    arm.jsonata()
        || *result_path != PathField::Default
        || catchers.iter().any(|c| c.result_path != PathField::Default)
}

/// An `Assign` template: the statement computing the values against `basis`
/// (with the variables from before the state), and the statement writing
/// them. Both empty without `Assign`.
fn assign(
    arm: &mut Arm<'_, '_, '_>,
    name: &str,
    template: Option<&Template>,
    basis: &TokenStream,
) -> (TokenStream, TokenStream) {
    let Some(t) = template else {
        return (quote!(), quote!());
    };
    let t = arm.template(name, "Assign", t);
    let cve = ctx_vars_entropy();
    let var = format_ident!("{}", name.to_ascii_lowercase());
    (
        quote!(let #var = __sfn::dataflow::assign(&#t, &#basis, #cve)?;),
        quote!(exec.variables.assign(#var)?;),
    )
}

/// From `result` (a Task's, Parallel's or Map's raw result) to the next
/// state: ResultSelector, Assign (on the selected result), ResultPath into
/// `data`, OutputPath, then the transition.
fn process_result(arm: &mut Arm<'_, '_, '_>) -> TokenStream {
    if arm.jsonata() {
        let next = transition(arm);
        let (assign, output) = (arm.state.assign.as_ref(), arm.state.io.output.as_ref());
        return jsonata_leave(
            arm,
            "",
            "",
            assign,
            output,
            StatesExtra::Result,
            quote!(result),
            next,
        );
    }
    let io = &arm.state.io;
    let select = match &io.result_selector {
        Some(t) => {
            let t = arm.template("RESULT_SELECTOR", "ResultSelector", t);
            let cve = ctx_vars_entropy();
            quote!(let result = __sfn::dataflow::result_selector(&#t, &result, #cve)?;)
        }
        None => quote!(),
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
        #select
        #compute
        #place
        #output
        #write
        #next
    }
}

/// `let output = ...;`: `value` placed in `data` by a ResultPath.
fn result_path(
    arm: &mut Arm<'_, '_, '_>,
    name: &str,
    field: &PathField,
    value: &TokenStream,
) -> TokenStream {
    // `$$` is not a valid ResultPath; the evaluator reports it.
    let on_input = matches!(field, PathField::Path(p) if p.root == sfn_lang::path::Root::Input);
    let lookup = if on_input {
        arm.field_lookup(name, "ResultPath", field)
    } else {
        None
    };
    match lookup {
        Some(paths::Lookup::Whole) => {
            // The raw input is dropped, as a ResultPath `$` does: it is
            // read in the sense of `emit::facts` (which sees a path).
            let _ = arm.cx.data();
            return quote!(let output = #value;);
        }
        Some(paths::Lookup::Input(keys)) => {
            let data = arm.cx.data();
            return quote! {
                let mut output = #data;
                __sfn::lookup::write(&mut output, #keys, #value)?;
            };
        }
        Some(paths::Lookup::Context(_)) | None => {}
    }
    match arm.path_spec(name, "ResultPath", field) {
        None => quote!(let output = #value;),
        Some(spec) => {
            let data = arm.cx.data();
            quote!(let output = __sfn::dataflow::result_path(&#spec, #data, #value)?;)
        }
    }
}

/// `let output = ...;` with the state's OutputPath applied (nothing without it).
fn output_path(arm: &mut Arm<'_, '_, '_>) -> TokenStream {
    match arm.field_lookup("OUTPUT_PATH", "OutputPath", &arm.state.io.output_path) {
        Some(paths::Lookup::Whole) => return quote!(),
        Some(paths::Lookup::Input(keys)) => {
            return quote!(let output = __sfn::lookup::take(output, #keys)?;);
        }
        Some(paths::Lookup::Context(keys)) => {
            // The document is dropped: the output comes from `$$`.
            return quote! {
                ::core::mem::drop(output);
                let output = __sfn::lookup::select_context(&exec.context, #keys)?.clone();
            };
        }
        None => {}
    }
    match arm.path_spec("OUTPUT_PATH", "OutputPath", &arm.state.io.output_path) {
        None => quote!(),
        Some(spec) => {
            let cv = ctx_vars();
            quote!(let output = __sfn::dataflow::output_path(&#spec, output, #cv)?;)
        }
    }
}

/// Moves on from the state with `output`: to `Next`, or out of the scope.
fn transition(arm: &Arm<'_, '_, '_>) -> TokenStream {
    match arm.state.transition {
        crate::ir::Transition::Next(next) => arm.cx.goto(next),
        crate::ir::Transition::End | crate::ir::Transition::Choice => {
            quote!(return ::core::result::Result::Ok(output);)
        }
    }
}

/// The statements after `let outcome = ...;` (the state's work under
/// Retry): on success [`process_result`]; on an error, the first catcher
/// that matches places the error output with its ResultPath, runs its
/// Assign and goes to its `Next`; an error no catcher takes fails the scope.
fn handle_outcome(arm: &mut Arm<'_, '_, '_>, catchers: &[Catcher]) -> TokenStream {
    let success = process_result(arm);
    if catchers.is_empty() {
        return quote! {
            let result = outcome?;
            #success
        };
    }
    let lists = catchers.iter().map(|c| {
        let errors = &c.error_equals;
        quote!(&[#(#errors),*])
    });
    let catch = arm.add_static(
        "CATCH",
        "The `ErrorEquals` of each `Catch`, in order.",
        quote!(&[&[&str]]),
        quote!(&[#(#lists),*]),
    );
    let handlers: Vec<TokenStream> = catchers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let index = proc_macro2::Literal::usize_unsuffixed(i);
            if arm.jsonata() {
                let next = arm.cx.goto(c.next);
                let leave = jsonata_leave(
                    arm,
                    &format!("CATCH_{i}"),
                    &format!("Catch[{i}]/"),
                    c.assign.as_ref(),
                    c.output.as_ref(),
                    StatesExtra::ErrorOutput,
                    quote!(error_output),
                    next,
                );
                return quote! {
                    ::core::option::Option::Some(#index) => {
                        let error_output = exec.at_state(error).to_error_output();
                        #leave
                    }
                };
            }
            let (compute, write) = assign(
                arm,
                &format!("CATCH_{i}_ASSIGN"),
                c.assign.as_ref(),
                &quote!(error_output),
            );
            let place = result_path(
                arm,
                &format!("CATCH_{i}_RESULT_PATH"),
                &c.result_path,
                &quote!(error_output),
            );
            let next = arm.cx.goto(c.next);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote! {
                ::core::option::Option::Some(#i) => {
                    let error_output = exec.at_state(error).to_error_output();
                    #compute
                    #place
                    #write
                    #next
                }
            }
        })
        .collect();
    quote! {
        match outcome {
            ::core::result::Result::Ok(result) => {
                #success
            }
            ::core::result::Result::Err(error) => match exec.find_catcher(#catch, &error) {
                #(#handlers)*
                _ => return ::core::result::Result::Err(error),
            },
        }
    }
}

/// `let NAME = ...;`: a non-negative integer from a `...Path` field
/// (`TimeoutSecondsPath`, `MaxConcurrencyPath`, ...) selected on `effective`.
fn integer_from_path(
    arm: &mut Arm<'_, '_, '_>,
    var: &str,
    field: &str,
    path: &sfn_lang::path::Path,
) -> TokenStream {
    let stat = arm.add_static(
        &crate::emit::names::upper_snake_case(field),
        &format!("`\"{field}\": \"{path}\"`"),
        quote!(__sfn::sfn_lang::path::Path),
        values::path(path),
    );
    let var = format_ident!("{var}");
    let text = path.to_string();
    let cv = ctx_vars();
    let read = if field == "TimeoutSecondsPath" {
        // AWS reports a TimeoutSecondsPath that selects nothing as a JSONPath
        // error (conformance case
        // `scenarios/test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_TIMEOUTSECONDSPATH`).
        quote! {
            let selected = match __sfn::jsonpath::select(&#stat, &roots) {
                ::core::result::Result::Ok(::core::option::Option::Some(selected)) => selected,
                _ => return ::core::result::Result::Err(__sfn::dataflow::invalid_path(&#stat, &roots)),
            };
            __sfn::expect_seconds_at(#field, #text, ::core::option::Option::Some(&*selected))?
        }
    } else {
        quote! {
            let selected = __sfn::jsonpath::select(&#stat, &roots).ok().flatten();
            __sfn::expect_seconds_at(#field, #text, selected.as_deref())?
        }
    };
    quote! {
        let #var = {
            let roots = __sfn::jsonpath::Roots::new(&effective, #cv);
            #read
        };
    }
}
