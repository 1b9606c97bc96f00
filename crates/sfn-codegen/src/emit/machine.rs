//! The public items of a generated module: `DEFINITION`, `NAME`, the state
//! enums, the `Tasks` trait (and its implementation for `Resources`) and
//! `StateMachine`, whose `run` starts the top-level scope.

use super::{Plan, ScopePlan, scope};
use crate::ModuleSpec;
use crate::ir::{IntegrationPattern, StateMachine};
use crate::json::{Json, JsonValue};
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`, one per line, each with the
/// leading space that `///` comments have.
pub(crate) fn doc_attrs(text: &str) -> Vec<TokenStream> {
    if text.is_empty() {
        return Vec::new();
    }
    text.lines()
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        })
        .collect()
}

/// An ASL `Comment` as documentation text: Markdown that rustdoc would
/// read as a link (`[x]`) or an HTML tag (`<x>`) is escaped and bare URLs
/// are made links, so that `cargo doc` on the user's crate has nothing to
/// warn about.
pub(crate) fn comment_text(comment: &str) -> String {
    let mut out = String::with_capacity(comment.len());
    let mut rest = comment;
    while !rest.is_empty() {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if matches!(c, '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The lints generated code opts out of. Clippy's advice is for hand-written
/// code (generated code may well have a long function or a needless
/// `return`), paths are fully qualified on purpose (user code around an
/// `include!` may shadow prelude names), the items are `pub` whatever
/// the visibility the user gives the module, and a program need not use all
/// of them (`DEFINITION`, `with_settings`, ...).
pub(crate) fn allow_lints() -> TokenStream {
    quote! {
        #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
        #[allow(unused_qualifications, unreachable_pub, dead_code)]
    }
}

/// A string literal for `text`: raw (`r#"..."#`), which keeps a JSON
/// definition readable, unless the text has a carriage return (not allowed
/// bare in a raw string).
fn string_literal(text: &str) -> proc_macro2::Literal {
    if !text.contains('\r') {
        let mut hashes = String::from("#");
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        if let Ok(lit) = format!("r{hashes}\"{text}\"{hashes}").parse::<proc_macro2::Literal>() {
            return lit;
        }
    }
    proc_macro2::Literal::string(text)
}

/// Every item of the module.
///
/// `allow` goes on every item: the lint opt-outs when the items are written
/// to a file (whose module the user declares), nothing when they go in a
/// module that carries the opt-outs itself.
pub(crate) fn items(
    machine: &StateMachine,
    plan: &Plan<'_>,
    module: &ModuleSpec,
    definition: &str,
    allow: &TokenStream,
) -> TokenStream {
    let rt = &module.runtime;
    let definition = string_literal(definition);
    let name = &module.name;
    let name_doc = format!(
        " The name of the state machine, `{name}`: `$$.StateMachine.Name` of its executions."
    );
    let enums = plan.scopes.iter().map(|s| state_enum(s, name, allow));
    let tasks = tasks_trait(plan, module, allow);
    let state_machine = state_machine(machine, plan, module, allow);
    quote! {
        use #rt::__private as __sfn;

        /// The Amazon States Language definition this module was generated from.
        #allow
        pub const DEFINITION: &str = #definition;

        #[doc = #name_doc]
        #allow
        pub const NAME: &str = #name;

        #(#enums)*
        #tasks
        #state_machine
    }
}

/// The enum of a scope's states, with `ALL`, `name()` and `from_name()`.
fn state_enum(scope: &ScopePlan<'_>, module: &str, allow: &TokenStream) -> TokenStream {
    let ident = &scope.enum_ident;
    let mut docs = doc_attrs(&format!(
        "The states of {} of `{module}`, in file order.\n\n\
         A value is the position of an execution in this scope: plain data \
         (`Copy`, named by [`{ident}::name`]).",
        scope.description
    ));
    if scope.distributed {
        docs.extend(doc_attrs(
            "\nThe Map state runs in DISTRIBUTED mode on AWS (each iteration a \
             child workflow execution); here its iterations run inline, in this \
             execution, like an INLINE Map.",
        ));
    }
    if let Some(comment) = &scope.scope.comment {
        docs.extend(doc_attrs(&format!("\n{}", comment_text(comment))));
    }
    let variants = &scope.variants;
    let variant_items = scope.scope.states.iter().zip(variants).map(|(s, v)| {
        let mut text = format!("`{}`: a {} state.", s.name, s.kind.type_name());
        if let Some(comment) = &s.comment {
            text.push_str("\n\n");
            text.push_str(&comment_text(comment));
        }
        let docs = doc_attrs(&text);
        quote!(#(#docs)* #v)
    });
    let names: Vec<&str> = scope.scope.states.iter().map(|s| s.name.as_str()).collect();
    let count = proc_macro2::Literal::usize_unsuffixed(names.len());
    quote! {
        #(#docs)*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #allow
        pub enum #ident {
            #(#variant_items,)*
        }

        #allow
        impl #ident {
            /// Every state, in file order.
            pub const ALL: [#ident; #count] = [#(#ident::#variants),*];

            /// The state's name in the definition.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    #(#ident::#variants => #names,)*
                }
            }

            /// The state with this name in this scope, if there is one.
            #[must_use]
            pub fn from_name(name: &str) -> ::core::option::Option<Self> {
                match name {
                    #(#names => ::core::option::Option::Some(#ident::#variants),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #allow
        impl ::core::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.name())
            }
        }
    }
}

/// The `Tasks` trait, its implementation for `Resources` and, for a machine
/// without Task states, for `()`.
fn tasks_trait(plan: &Plan<'_>, module: &ModuleSpec, allow: &TokenStream) -> TokenStream {
    let rt = &module.runtime;
    let signature = |method: &proc_macro2::Ident| {
        quote! {
            fn #method(
                &self,
                input: __sfn::Value,
                ctx: #rt::TaskContext,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<__sfn::Value, #rt::TaskError>,
            > + ::core::marker::Send
        }
    };
    let methods = plan.tasks.iter().map(|t| {
        let mut text = format!(
            "The Task state `{}` (Resource `{}`).\n\n\
             Receives the effective input (after `InputPath` and `Parameters`) and returns \
             the raw result (before `ResultSelector`, `ResultPath` and `OutputPath`); an \
             error goes through the state's `Retry` and `Catch`.",
            t.state.name, t.task.resource
        );
        match t.task.pattern {
            IntegrationPattern::RequestResponse => {}
            IntegrationPattern::Sync | IntegrationPattern::Sync2 => text.push_str(
                "\n\nThe Resource runs a job (`.sync`): return when the job is done, with its output.",
            ),
            IntegrationPattern::WaitForTaskToken => text.push_str(
                "\n\nThe Resource waits for a task token (`.waitForTaskToken`): return the \
                 result that the callback would send.",
            ),
        }
        if let Some(comment) = &t.state.comment {
            text.push_str("\n\n");
            text.push_str(&comment_text(comment));
        }
        let nested = t.task.resource.starts_with("arn:aws:states:::states:startExecution");
        if nested {
            text.push_str(
                "\n\nBy default the runtime starts the state machine named in `StateMachineArn` \
                 among `Settings::state_machines`.",
            );
        }
        let docs = doc_attrs(&text);
        let sig = signature(&t.method);
        if nested {
            let resource = &t.task.resource;
            quote!(#(#docs)* #sig { #rt::nested::start_execution(#resource, input, ctx) })
        } else {
            quote!(#(#docs)* #sig;)
        }
    });
    let forwards = plan.tasks.iter().map(|t| {
        let sig = signature(&t.method);
        let resource = &t.task.resource;
        quote! {
            #sig {
                #rt::Resources::call(self, #resource, input, ctx)
            }
        }
    });
    let unit_impl = plan.tasks.is_empty().then(|| {
        quote! {
            /// A state machine without Task states needs no handlers.
            #allow
            impl Tasks for () {}
        }
    });
    quote! {
        /// The Task states of the workflow: one method per Task state (nested
        /// ones included), named after the state in snake_case.
        ///
        /// Implement it to run the workflow with typed handlers
        /// ([`StateMachine::new`]), or use [`StateMachine::from_resources`] to
        /// call handlers registered by Resource string.
        ///
        /// A handler must await, never block its thread: a timeout, a stop or
        /// the rest of the runtime cannot interrupt `std::thread::sleep` or a
        /// blocking read. Run blocking work with `tokio::task::spawn_blocking`.
        #allow
        pub trait Tasks: ::core::marker::Send + ::core::marker::Sync + 'static {
            #(#methods)*
        }

        /// Calls the handler registered for each Task state's Resource.
        #allow
        impl Tasks for #rt::Resources {
            #(#forwards)*
        }

        #unit_impl
    }
}

/// `StateMachine`: construction, `run`, and the method of each scope.
fn state_machine(
    machine: &StateMachine,
    plan: &Plan<'_>,
    module: &ModuleSpec,
    allow: &TokenStream,
) -> TokenStream {
    let rt = &module.runtime;
    let top = &plan.scopes[0].fn_ident;
    let scope_fns = (0..plan.scopes.len())
        .filter(|&i| plan.scopes[i].live)
        .map(|i| scope::method(plan, i));
    let mut run_doc = String::from(
        "Runs one execution of the workflow on `input` and returns its output.\n\n\
         # Errors\n\n\
         When the execution fails: the `Error` and `Cause` AWS would report \
         (a Fail state's, a task's error that no `Catch` handled, `States.Runtime`, ...).",
    );
    if let Some(seconds) = machine.timeout_seconds {
        run_doc.push_str(&format!(
            "\n\nThe execution times out after {seconds} seconds (`TimeoutSeconds`) \
             with `States.Timeout`."
        ));
    }
    let run_doc = doc_attrs(&run_doc);
    let machine_timeout = match machine.timeout_seconds {
        Some(seconds) => {
            let seconds = super::values::u64_lit(seconds);
            quote!(::core::option::Option::Some(#seconds))
        }
        None => quote!(::core::option::Option::None),
    };
    let mut struct_doc =
        String::from("The workflow, ready to run: its Task states call `T` (see [`Tasks`]).");
    if let Some(comment) = &machine.comment {
        struct_doc.push_str("\n\n");
        struct_doc.push_str(&comment_text(comment));
    }
    let struct_doc = doc_attrs(&struct_doc);
    quote! {
        #(#struct_doc)*
        #allow
        pub struct StateMachine<T = #rt::Resources> {
            tasks: T,
            settings: ::std::sync::Arc<__sfn::Settings>,
        }

        #allow
        impl<T> ::core::fmt::Debug for StateMachine<T> {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct("StateMachine")
                    .field("name", &NAME)
                    .finish_non_exhaustive()
            }
        }

        #allow
        impl<T: Tasks> StateMachine<T> {
            /// A state machine whose Task states call `tasks`.
            pub fn new(tasks: T) -> Self {
                StateMachine {
                    tasks,
                    settings: ::std::sync::Arc::new(__sfn::Settings::default()),
                }
            }

            /// The same state machine with other runtime settings.
            pub fn with_settings(mut self, settings: #rt::Settings) -> Self {
                self.settings = ::std::sync::Arc::new(settings);
                self
            }

            /// The task handlers.
            pub fn tasks(&self) -> &T {
                &self.tasks
            }

            /// The same state machine with its executions kept in `store`:
            /// those started with `start_named` survive a restart of the
            /// process, and `serve` continues them.
            pub fn with_store(mut self, store: #rt::Store) -> Self {
                let mut settings = (*self.settings).clone();
                settings.task_tokens.attach_store(store.clone());
                settings.store = ::core::option::Option::Some(store);
                self.settings = ::std::sync::Arc::new(settings);
                self
            }

            /// Starts a durable execution named `name` on `input` (AWS's
            /// `StartExecution`): returns once the execution and its
            /// `ExecutionStarted` event are committed to the store. A name
            /// that is running with the same input gives that execution.
            ///
            /// # Errors
            ///
            /// `ExecutionAlreadyExists` when the name is taken by an ended
            /// execution or one with another input; `NoStore` without a
            /// store; the store's errors.
            pub async fn start_named(
                self: &::std::sync::Arc<Self>,
                name: &str,
                input: __sfn::Value,
            ) -> ::core::result::Result<#rt::ExecutionHandle, #rt::StoreError> {
                __sfn::durable::start_named(self, name, input).await
            }

            /// Serves the store: continues this workflow's executions that
            /// no process runs (left by a process that stopped, parked in a
            /// Wait whose time came, waiting on an answered task token),
            /// and keeps the leases of those running here. Runs until the
            /// future is dropped.
            ///
            /// # Errors
            ///
            /// `NoStore` without a store; with SQLite, another process
            /// serving the same file.
            pub async fn serve(
                self: &::std::sync::Arc<Self>,
            ) -> ::core::result::Result<(), #rt::StoreError> {
                __sfn::durable::serve(::std::sync::Arc::clone(self)).await
            }

            #(#run_doc)*
            pub async fn run(
                &self,
                input: __sfn::Value,
            ) -> ::core::result::Result<__sfn::Value, #rt::ExecutionError> {
                let mut exec = __sfn::Execution::new(
                    NAME,
                    &input,
                    ::std::sync::Arc::clone(&self.settings),
                );
                // Handlers' own `tracing` events are inside the execution's span.
                let span = exec.span.clone();
                let control = exec.control().clone();
                let top = __sfn::Instrument::instrument(self.#top(&mut exec, input), span);
                let outcome = control.drive(#machine_timeout, top).await;
                exec.end(outcome).map_err(#rt::ExecutionError::from)
            }

            /// Starts an execution of the workflow on `input` as its own
            /// tokio task and returns its handle: its name and id, its
            /// status, its result, and `stop`. Many executions run at once
            /// on one runtime. (`run` is the one-call form.)
            ///
            /// # Panics
            ///
            /// Outside a tokio runtime.
            pub fn start(
                self: &::std::sync::Arc<Self>,
                input: __sfn::Value,
            ) -> #rt::ExecutionHandle {
                let mut exec = __sfn::Execution::new(
                    NAME,
                    &input,
                    ::std::sync::Arc::clone(&self.settings),
                );
                let name = exec.name().to_owned();
                let id = exec.id().to_owned();
                let machine = ::std::sync::Arc::clone(self);
                let span = exec.span.clone();
                let control = exec.control().clone();
                let recorder = exec.recorder.clone();
                let observe = (self.settings.logging, span.clone());
                #rt::ExecutionHandle::spawn(name, id, recorder, observe, async move {
                    let top = __sfn::Instrument::instrument(machine.#top(&mut exec, input), span);
                    let outcome = control.drive(#machine_timeout, top).await;
                    exec.end(outcome)
                })
            }

            #(#scope_fns)*
        }

        /// What the runtime's durable worker needs to run and resume this
        /// workflow's executions.
        #allow
        impl<T: Tasks> __sfn::DurableMachine for StateMachine<T> {
            fn machine_name(&self) -> &'static str {
                NAME
            }
            fn settings(&self) -> &::std::sync::Arc<__sfn::Settings> {
                &self.settings
            }
            fn timeout_seconds(&self) -> ::core::option::Option<u64> {
                #machine_timeout
            }
            fn run_execution<'a>(
                &'a self,
                exec: &'a mut __sfn::Execution,
                input: __sfn::Value,
            ) -> __sfn::ScopeFuture<'a> {
                ::std::boxed::Box::pin(self.#top(exec, input))
            }
        }

        /// A state machine that a `states:startExecution` Task of another
        /// workflow can start (see `Settings::state_machines`).
        #allow
        impl<T: Tasks> #rt::Workflow for StateMachine<T> {
            fn start_execution(
                self: ::std::sync::Arc<Self>,
                input: __sfn::Value,
            ) -> #rt::ExecutionHandle {
                StateMachine::start(&self, input)
            }
        }

        #allow
        impl StateMachine<#rt::Resources> {
            /// A state machine whose Task states call the handlers registered
            /// in `resources` for their Resource strings.
            pub fn from_resources(resources: #rt::Resources) -> Self {
                Self::new(resources)
            }
        }
    }
}

/// The items of a module whose definition did not compile (see
/// [`super::stub`]).
pub(crate) fn stub(json: Option<&Json>, module: &ModuleSpec) -> TokenStream {
    let rt = &module.runtime;
    let vis = &module.visibility;
    let name = super::module_ident(&module.name);
    let allow = allow_lints();
    let mut task_names = Vec::new();
    if let Some(json) = json {
        collect_task_names(json, &mut task_names, 0);
    }
    let mut methods_alloc = super::names::Allocator::snake();
    // The top-level states, named as the real enum names them, so that code
    // naming a state reports only the definition's error.
    let mut variant_names = super::names::Allocator::pascal(&[]);
    let variants: Vec<_> = json
        .and_then(|j| j.get("States"))
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, member)| {
            let text = variant_names.take(
                &super::names::pascal_case(&member.key),
                &format!("State{}", i + 1),
            );
            super::names::ident(&text)
        })
        .collect();
    let methods = task_names.iter().enumerate().map(|(i, n)| {
        let text = methods_alloc.take(&super::names::snake_case(n), &format!("task_{}", i + 1));
        let method = super::names::ident(&text);
        quote! {
            /// A Task state (the definition does not compile).
            fn #method(
                &self,
                input: __sfn::Value,
                ctx: #rt::TaskContext,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<__sfn::Value, #rt::TaskError>,
            > + ::core::marker::Send;
        }
    });
    quote! {
        /// The definition of this workflow does not compile (see the errors).
        #allow
        #vis mod #name {
            use #rt::__private as __sfn;
            /// The definition (it does not compile).
            pub const DEFINITION: &str = "";
            /// The name of the state machine.
            pub const NAME: &str = "";
            /// The states (the definition does not compile).
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum State { #(#variants,)* }
            /// The Task states (the definition does not compile).
            pub trait Tasks: ::core::marker::Send + ::core::marker::Sync + 'static {
                #(#methods)*
            }
            /// The workflow (the definition does not compile).
            pub struct StateMachine<T = #rt::Resources> {
                tasks: T,
            }
            impl<T: Tasks> StateMachine<T> {
                /// Not available: the definition does not compile.
                pub fn new(tasks: T) -> Self {
                    StateMachine { tasks }
                }
                /// Not available: the definition does not compile.
                pub fn tasks(&self) -> &T {
                    &self.tasks
                }
                /// Not available: the definition does not compile.
                pub async fn run(
                    &self,
                    input: __sfn::Value,
                ) -> ::core::result::Result<__sfn::Value, #rt::ExecutionError> {
                    let _ = input;
                    ::core::unimplemented!("the workflow definition does not compile")
                }
            }
            impl StateMachine<#rt::Resources> {
                /// Not available: the definition does not compile.
                pub fn from_resources(resources: #rt::Resources) -> Self {
                    StateMachine { tasks: resources }
                }
            }
        }
    }
}

/// The names of the Task states in a definition that may be invalid, in
/// file order (depth first), looking only at well-formed parts.
fn collect_task_names(scope: &Json, out: &mut Vec<String>, depth: usize) {
    // Definitions nest at most a few dozen levels; this bounds malformed ones.
    if depth > 64 {
        return;
    }
    let Some(states) = scope.get("States").and_then(Json::as_object) else {
        return;
    };
    for member in states {
        let state = &member.value;
        if state.get("Type").and_then(Json::as_str) == Some("Task") {
            out.push(member.key.clone());
        }
        if let Some(JsonValue::Array(branches)) = state.get("Branches").map(|b| &b.value) {
            for branch in branches {
                collect_task_names(branch, out, depth + 1);
            }
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                collect_task_names(processor, out, depth + 1);
            }
        }
    }
}
