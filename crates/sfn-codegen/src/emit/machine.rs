//! The public items of a generated module: `DEFINITION`, `NAME`, the state
//! enums, the `Tasks` trait (and its implementation for `Resources`),
//! `Workflow` (the task handlers and the method of each scope) and
//! `StateMachine`, the runtime's generic `sfn_runtime::machine::StateMachine`
//! of that workflow, which has `new`, `run`, `start` and the rest.

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

/// `StateMachine`, the runtime's generic state machine of this workflow,
/// and `Workflow`, which binds the workflow to it: its name, its
/// `TimeoutSeconds`, its task handlers and the method of each scope.
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
    let machine_timeout = match machine.timeout_seconds {
        Some(seconds) => {
            let seconds = super::values::u64_lit(seconds);
            quote!(::core::option::Option::Some(#seconds))
        }
        None => quote!(::core::option::Option::None),
    };
    let mut alias_doc = String::from(
        "The workflow, ready to run: its Task states call `T` (see [`Tasks`]).\n\n\
         Make one with `StateMachine::new(tasks)` or `StateMachine::from_resources(resources)`, \
         then `run` or `start` executions (the methods of the runtime's generic state machine).",
    );
    if let Some(comment) = &machine.comment {
        alias_doc.push_str("\n\n");
        alias_doc.push_str(&comment_text(comment));
    }
    if let Some(seconds) = machine.timeout_seconds {
        alias_doc.push_str(&format!(
            "\n\nAn execution times out after {seconds} seconds (`TimeoutSeconds`) \
             with `States.Timeout`."
        ));
    }
    let alias_doc = doc_attrs(&alias_doc);
    quote! {
        #(#alias_doc)*
        #allow
        pub type StateMachine<T = #rt::Resources> = #rt::machine::StateMachine<Workflow<T>>;

        /// The code of the workflow around its task handlers `T`: what
        /// [`StateMachine`] runs.
        #[derive(Debug)]
        #allow
        pub struct Workflow<T> {
            tasks: T,
        }

        #allow
        impl<T: Tasks> #rt::machine::CompiledWorkflow for Workflow<T> {
            type Tasks = T;
            const NAME: &'static str = NAME;
            const TIMEOUT_SECONDS: ::core::option::Option<u64> = #machine_timeout;

            fn new(tasks: T) -> Self {
                Workflow { tasks }
            }

            fn tasks(&self) -> &T {
                &self.tasks
            }

            fn top_level<'a>(
                &'a self,
                exec: &'a mut __sfn::Execution,
                input: __sfn::Value,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<__sfn::Value, __sfn::StatesError>,
            > + ::core::marker::Send + 'a {
                self.#top(exec, input)
            }
        }

        #allow
        impl<T: Tasks> Workflow<T> {
            #(#scope_fns)*
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
