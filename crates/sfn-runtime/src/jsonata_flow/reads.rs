//! What an expression reads, worked out once when it is built: which parts
//! of `$states` ([`Needs`]), and whether it is a plain key lookup that can
//! be read straight from the JSON ([`Lookup`]).

use serde_json::Value;

use super::States;

/// An expression that only follows object keys from one root
/// (`$states.input.order.id`, `$total`, `$states.context.Map.Item.Value`):
/// read straight from the JSON, without converting anything. When the walk
/// meets an array (where JSONata maps over the items) it gives up and the
/// expression is evaluated in full.
#[derive(Debug)]
pub(super) struct Lookup {
    root: LookupRoot,
    keys: Vec<String>,
}

#[derive(Debug)]
enum LookupRoot {
    Input,
    Result,
    ErrorOutput,
    /// A member of `$states.context`.
    Context(String),
    /// A workflow variable.
    Variable(String),
}

impl Lookup {
    pub(super) fn of(e: &sfn_lang::jsonata::Expr) -> Option<Lookup> {
        use sfn_lang::jsonata::ExprKind;
        if !e.ann.is_empty() {
            return None;
        }
        let steps = match &e.kind {
            ExprKind::Variable(v) if v != "states" => {
                return Some(Lookup {
                    root: LookupRoot::Variable(v.clone()),
                    keys: Vec::new(),
                });
            }
            ExprKind::Path(p) if !p.keep_singleton_array => &p.steps,
            _ => return None,
        };
        let mut names = Vec::with_capacity(steps.len());
        let (first, rest) = steps.split_first()?;
        if !first.ann.is_empty() {
            return None;
        }
        for step in rest {
            match &step.kind {
                ExprKind::Name(n) if step.ann.is_empty() => names.push(n.clone()),
                _ => return None,
            }
        }
        let ExprKind::Variable(v) = &first.kind else {
            return None;
        };
        if v != "states" {
            return Some(Lookup {
                root: LookupRoot::Variable(v.clone()),
                keys: names,
            });
        }
        let mut names = names.into_iter();
        let root = match names.next()?.as_str() {
            "input" => LookupRoot::Input,
            "result" => LookupRoot::Result,
            "errorOutput" => LookupRoot::ErrorOutput,
            "context" => LookupRoot::Context(names.next()?),
            _ => return None,
        };
        Some(Lookup {
            root,
            keys: names.collect(),
        })
    }

    /// `Some(Ok(value))`, `Some(Err(()))` for nothing (undefined), or `None`
    /// when the expression must be evaluated in full.
    pub(super) fn read(&self, states: &States<'_>) -> Option<Result<Value, ()>> {
        let start = match &self.root {
            LookupRoot::Input => Some(states.input),
            LookupRoot::Result => states.result,
            LookupRoot::ErrorOutput => states.error_output,
            LookupRoot::Context(member) => states.context.member(member),
            // An unassigned name may be a library function: evaluate.
            LookupRoot::Variable(name) => Some(states.variables.get(name)?),
        };
        let Some(mut at) = start else {
            return Some(Err(()));
        };
        for key in &self.keys {
            at = match at {
                Value::Object(members) => match members.get(key) {
                    Some(v) => v,
                    None => return Some(Err(())),
                },
                Value::Array(_) => return None,
                _ => return Some(Err(())),
            };
        }
        // A number JSONata could not hold exactly is left to it.
        if at.as_f64().is_some_and(|f| !f.is_finite()) {
            return None;
        }
        Some(Ok(at.clone()))
    }
}

/// Which parts of `$states` an expression reads, found once when it is
/// built, so that evaluating it converts only those parts of the state's
/// JSON (a Map's ItemSelector would otherwise convert the whole state input
/// and `$$.Execution.Input` once per item).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Needs {
    /// `$states.input`, or the context value `$` (the state's input).
    pub(super) input: bool,
    /// `$states.result`.
    pub(super) result: bool,
    /// `$states.errorOutput`.
    pub(super) error_output: bool,
    /// The members of `$states.context` read, as bits of [`CONTEXT_MEMBERS`].
    pub(super) context: u8,
}

/// The members of the context object, in the order `$$` lists them.
pub(super) const CONTEXT_MEMBERS: [&str; 5] = ["Execution", "StateMachine", "State", "Task", "Map"];

impl Needs {
    /// Everything: `$states` used other than as `$states.<member>...`.
    pub(super) const ALL: Needs = Needs {
        input: true,
        result: true,
        error_output: true,
        context: 0b1_1111,
    };

    pub(super) fn of(expr: &sfn_lang::jsonata::Expr) -> Needs {
        let mut needs = Needs {
            input: reads_context(expr),
            ..Needs::default()
        };
        needs.collect(expr);
        needs
    }

    fn union(&mut self, other: Needs) {
        self.input |= other.input;
        self.result |= other.result;
        self.error_output |= other.error_output;
        self.context |= other.context;
    }

    fn collect(&mut self, e: &sfn_lang::jsonata::Expr) {
        use sfn_lang::jsonata::ExprKind;
        match &e.kind {
            ExprKind::Path(p) if is_states(p.steps.first()) => {
                let member = p.steps.get(1).map(|s| &s.kind);
                match member {
                    Some(ExprKind::Name(n)) if n == "input" => self.input = true,
                    Some(ExprKind::Name(n)) if n == "result" => self.result = true,
                    Some(ExprKind::Name(n)) if n == "errorOutput" => self.error_output = true,
                    Some(ExprKind::Name(n)) if n == "context" => {
                        match p.steps.get(2).map(|s| &s.kind) {
                            Some(ExprKind::Name(m)) => {
                                if let Some(i) = CONTEXT_MEMBERS.iter().position(|c| c == m) {
                                    self.context |= 1 << i;
                                }
                            }
                            _ => self.context = Needs::ALL.context,
                        }
                    }
                    // Another member reads nothing; a predicate or other
                    // step may read anything.
                    Some(ExprKind::Name(_)) => {}
                    _ => self.union(Needs::ALL),
                }
                // The first step may carry predicates; later steps are
                // walked for `$states` used inside them.
                if !p.steps.first().is_some_and(|s| s.ann.is_empty()) {
                    self.union(Needs::ALL);
                }
                for step in &p.steps[1..] {
                    self.collect(step);
                }
                for c in &e.ann.predicates {
                    self.collect(c);
                }
                for stage in &e.ann.stages {
                    if let sfn_lang::jsonata::Stage::Filter(c) = stage {
                        self.collect(c);
                    }
                }
                for (k, v) in e.ann.group.iter().flat_map(|g| &g.pairs) {
                    self.collect(k);
                    self.collect(v);
                }
            }
            ExprKind::Variable(v) if v == "states" => self.union(Needs::ALL),
            _ => e.for_each_child(|c| self.collect(c)),
        }
    }
}

fn is_states(step: Option<&sfn_lang::jsonata::Expr>) -> bool {
    matches!(step.map(|s| &s.kind), Some(sfn_lang::jsonata::ExprKind::Variable(v)) if v == "states")
}

/// Whether evaluating `e` (at the top of an expression) may read the
/// context value `$` or the root `$$`, which are the state's input. Errs on
/// the side of yes.
fn reads_context(e: &sfn_lang::jsonata::Expr) -> bool {
    use sfn_lang::jsonata::ExprKind;
    match &e.kind {
        ExprKind::Context
        | ExprKind::Root
        | ExprKind::Name(_)
        | ExprKind::Wildcard
        | ExprKind::Descendant
        | ExprKind::Parent { .. } => true,
        // Later steps read what the earlier ones produced, not `$`; only
        // `$$` inside them reads the input.
        ExprKind::Path(p) => {
            let Some((first, rest)) = p.steps.split_first() else {
                return false;
            };
            let first_reads = match &first.kind {
                ExprKind::Variable(_) => false,
                _ => reads_context(first),
            };
            first_reads || mentions_root(first) || rest.iter().any(mentions_root)
        }
        // A function may take the context for a missing first argument.
        ExprKind::Call { args, .. } | ExprKind::Partial { args, .. } if args.is_empty() => true,
        _ => {
            let mut reads = false;
            e.for_each_child(|c| reads |= reads_context(c));
            reads
        }
    }
}

/// Whether `$$` appears anywhere in `e`.
fn mentions_root(e: &sfn_lang::jsonata::Expr) -> bool {
    if matches!(e.kind, sfn_lang::jsonata::ExprKind::Root) {
        return true;
    }
    let mut found = false;
    e.for_each_child(|c| found |= mentions_root(c));
    found
}
