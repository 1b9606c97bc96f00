//! Emission: the lowered workflow ([`crate::ir`]) to Rust tokens.
//!
//! The generated module holds only what depends on the workflow: the state
//! enums, the `Tasks` trait, the `Workflow` type that binds them to the
//! runtime's generic `StateMachine`, and one `async fn` per scope (the top
//! level, each Parallel branch, each Map processor) running a
//! `loop { match state { .. } }`. Each match arm declares the state's parsed
//! paths, templates and policies as `static` items next to the code that
//! uses them, and calls `sfn-runtime` for the data flow and every effect.
//!
//! Layout: [`names`] makes identifiers, [`values`] writes construction code
//! for values and expressions, [`machine`] the module's public items,
//! [`scope`] the match loop of a scope, and [`states`] one file per state type.
//! [`facts`] says, before any code is written, what each scope's states read.
//! Output order is the file order of the definition, so it is deterministic.

mod facts;
mod jsonata;
mod machine;
pub(crate) mod names;
mod paths;
mod scope;
mod states;
mod values;

use crate::ModuleSpec;
use crate::ir::{self, StateKind, StateMachine};
use names::Allocator;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::HashMap;

/// The whole module, `VIS mod NAME { ... }`, with the machine's `Comment`
/// as its documentation.
pub(crate) fn emit(machine: &StateMachine, module: &ModuleSpec, definition: &str) -> TokenStream {
    let plan = Plan::new(machine);
    let items = machine::items(machine, &plan, module, definition, &quote!());
    let vis = &module.visibility;
    let name = module_ident(&module.name);
    let mut doc = format!(
        "The state machine `{}`, compiled from its Amazon States Language definition.",
        module.name
    );
    if let Some(comment) = &machine.comment {
        doc.push_str("\n\n");
        doc.push_str(&machine::comment_text(comment));
    }
    let docs = machine::doc_attrs(&doc);
    let allow = machine::allow_lints();
    quote! {
        #(#docs)*
        #allow
        #vis mod #name {
            #items
        }
    }
}

/// The items of the module, for a file that a user `include!`s inside
/// `pub mod NAME { ... }` (the build.rs path).
pub(crate) fn emit_items(
    machine: &StateMachine,
    module: &ModuleSpec,
    definition: &str,
) -> TokenStream {
    let plan = Plan::new(machine);
    machine::items(machine, &plan, module, definition, &machine::allow_lints())
}

/// The module name as an identifier: used as it is when it is one, else
/// made snake_case.
pub(crate) fn module_ident(name: &str) -> Ident {
    if let Ok(ident) = syn::parse_str::<Ident>(name) {
        return ident;
    }
    let snake = names::snake_case(name);
    names::ident(if snake.is_empty() { "workflow" } else { &snake })
}

/// The names of everything generated, decided before any code is written.
pub(crate) struct Plan<'a> {
    /// Every scope: the top level first, then nested scopes in file order
    /// (depth first, each right after its parent state's earlier siblings'
    /// scopes).
    pub(crate) scopes: Vec<ScopePlan<'a>>,
    /// Every Task state in file order (depth first): its `Tasks` method.
    pub(crate) tasks: Vec<TaskPlan<'a>>,
    /// `(scope, state)` of a Task state to its index in `tasks`.
    pub(crate) task_index: HashMap<(usize, usize), usize>,
}

/// One scope: its state enum and the method that runs it.
pub(crate) struct ScopePlan<'a> {
    /// The scope.
    pub(crate) scope: &'a ir::Scope,
    /// The enum of its states (`State` for the top level).
    pub(crate) enum_ident: Ident,
    /// The method of `Workflow` that runs it.
    pub(crate) fn_ident: Ident,
    /// The enum variant of each state, by index.
    pub(crate) variants: Vec<Ident>,
    /// For each state, the nested scopes it owns (Parallel branches, Map
    /// processor), as indices into `Plan::scopes`.
    pub(crate) children: Vec<Vec<usize>>,
    /// What the scope is, for documentation: "the top level", "branch 0 of
    /// the Parallel state `X`", ...
    pub(crate) description: String,
    /// The Map state owning this scope runs in DISTRIBUTED mode on AWS.
    pub(crate) distributed: bool,
    /// Whether the scope can run: its parent state's code runs it (a
    /// JSONata state, or a Map reading an ItemReader, fails instead), and
    /// the parent's scope can run. Only scopes that can run get a method.
    pub(crate) live: bool,
    /// How many Parallel or Map states enclose the scope (0 for the top
    /// level).
    pub(crate) depth: usize,
    /// What its states read and do, computed from the IR.
    pub(crate) facts: facts::ScopeFacts,
}

/// One Task state.
pub(crate) struct TaskPlan<'a> {
    /// The state.
    pub(crate) state: &'a ir::State,
    /// Its Task fields.
    pub(crate) task: &'a ir::Task,
    /// Its method in `Tasks`.
    pub(crate) method: Ident,
}

/// Type names of the module that a nested scope's enum must not take.
const RESERVED_TYPES: &[&str] = &["State", "Tasks", "StateMachine", "Workflow", "Resources"];

impl<'a> Plan<'a> {
    fn new(machine: &'a StateMachine) -> Self {
        let mut plan = Plan {
            scopes: Vec::new(),
            tasks: Vec::new(),
            task_index: HashMap::new(),
        };
        let mut types = Allocator::pascal(RESERVED_TYPES);
        let mut methods = Allocator::snake();
        let mut scope_fns = Allocator::snake();
        plan.add_scope(
            &machine.scope,
            "State".to_owned(),
            "the top level".to_owned(),
            (false, true, 0),
            &mut types,
            &mut methods,
            &mut scope_fns,
        );
        plan
    }

    /// Adds `scope` and (depth first) its nested scopes; returns its index.
    #[allow(clippy::too_many_arguments)]
    fn add_scope(
        &mut self,
        scope: &'a ir::Scope,
        enum_name: String,
        description: String,
        (distributed, live, depth): (bool, bool, usize),
        types: &mut Allocator,
        methods: &mut Allocator,
        scope_fns: &mut Allocator,
    ) -> usize {
        let id = self.scopes.len();
        let mut variant_names = Allocator::pascal(&[]);
        let variants = scope
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let text =
                    variant_names.take(&names::pascal_case(&s.name), &format!("State{}", i + 1));
                names::ident(&text)
            })
            .collect();
        let fn_base = if id == 0 {
            "run_top_level".to_owned()
        } else {
            format!("run_{}", names::snake_case(&enum_name))
        };
        let fn_ident = names::ident(&scope_fns.take(&fn_base, &format!("run_scope_{id}")));
        self.scopes.push(ScopePlan {
            scope,
            enum_ident: names::ident(&enum_name),
            fn_ident,
            variants,
            children: vec![Vec::new(); scope.states.len()],
            description,
            distributed,
            live,
            depth,
            facts: facts::ScopeFacts::of(scope),
        });
        for (i, state) in scope.states.iter().enumerate() {
            let live = live && states::runs_nested_scopes(state);
            let parent = names::pascal_case(&state.name);
            let parent = if parent.is_empty() {
                format!("State{}", i + 1)
            } else {
                parent
            };
            match &state.kind {
                StateKind::Task(task) => {
                    let text = methods.take(
                        &names::snake_case(&state.name),
                        &format!("task_{}", self.tasks.len() + 1),
                    );
                    self.task_index.insert((id, i), self.tasks.len());
                    self.tasks.push(TaskPlan {
                        state,
                        task,
                        method: names::ident(&text),
                    });
                }
                StateKind::Parallel { branches, .. } => {
                    for (b, branch) in branches.iter().enumerate() {
                        let name = types.take(&format!("{parent}Branch{b}"), "Branch");
                        let description =
                            format!("branch {b} of the Parallel state `{}`", state.name);
                        let child = self.add_scope(
                            branch,
                            name,
                            description,
                            (false, live, depth + 1),
                            types,
                            methods,
                            scope_fns,
                        );
                        self.scopes[id].children[i].push(child);
                    }
                }
                StateKind::Map(map) => {
                    let name = types.take(&format!("{parent}Processor"), "Processor");
                    let description =
                        format!("the item processor of the Map state `{}`", state.name);
                    let distributed = map.mode == ir::MapMode::Distributed;
                    let child = self.add_scope(
                        &map.processor,
                        name,
                        description,
                        (distributed, live, depth + 1),
                        types,
                        methods,
                        scope_fns,
                    );
                    self.scopes[id].children[i].push(child);
                }
                _ => {}
            }
        }
        id
    }
}

/// Code for a state machine that failed to compile: the module with the
/// items user code names (`State`, `Tasks` with a method per Task state
/// found in the JSON, `StateMachine`, `DEFINITION`), so that the only errors
/// a user sees are the definition's own, not "cannot find type" cascades.
/// Every function body is `unimplemented!()`; it never runs, as the crate
/// does not compile.
pub(crate) fn stub(json: Option<&crate::json::Json>, module: &ModuleSpec) -> TokenStream {
    machine::stub(json, module)
}

/// `#[doc = ...]` attributes (re-exported for the stub's use).
pub(crate) use machine::doc_attrs;

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(source: &str) -> Vec<String> {
        let checked = crate::check(source, &crate::Options::default()).unwrap();
        let plan = Plan::new(&checked.machine);
        let mut out: Vec<String> = plan
            .scopes
            .iter()
            .map(|s| format!("{} {}", s.enum_ident, s.fn_ident))
            .collect();
        out.extend(plan.tasks.iter().map(|t| t.method.to_string()));
        out
    }

    #[test]
    fn comments_are_safe_documentation() {
        assert_eq!(
            machine::comment_text("See https://x.io/a#b. Items [1..n] <tag>"),
            "See <https://x.io/a#b>. Items \\[1..n\\] \\<tag\\>"
        );
    }

    #[test]
    fn module_names() {
        assert_eq!(module_ident("order").to_string(), "order");
        assert_eq!(module_ident("MyFlow").to_string(), "MyFlow");
        assert_eq!(module_ident("r#type").to_string(), "r#type");
        assert_eq!(module_ident("type").to_string(), "r#type");
        assert_eq!(module_ident("order-v2.asl").to_string(), "order_v2_asl");
        assert_eq!(module_ident("").to_string(), "workflow");
    }

    #[test]
    fn nested_scopes_and_tasks_are_named_in_file_order() {
        let source = r#"{
          "StartAt": "Fan out",
          "States": {
            "Fan out": {"Type": "Parallel", "Next": "Get item", "Branches": [
              {"StartAt": "get-item", "States": {"get-item": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
              {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}
            ]},
            "Get item": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Each"},
            "Each": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "match", "States": {
              "match": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}}
          }
        }"#;
        assert_eq!(
            plan_of(source),
            [
                "State run_top_level",
                "FanOutBranch0 run_fan_out_branch0",
                "FanOutBranch1 run_fan_out_branch1",
                "EachProcessor run_each_processor",
                "get_item",
                "get_item_2",
                "r#match",
            ]
        );
    }
}
