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

    /// Adds what `e` reads, visiting its nodes from a list of those still
    /// to visit rather than by recursion: a chain of any length (`a + b +
    /// …`, one tree level per link) is safe on a small stack.
    fn collect(&mut self, e: &sfn_lang::jsonata::Expr) {
        use sfn_lang::jsonata::ExprKind;
        let mut pending = vec![e];
        while let Some(e) = pending.pop() {
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
                    // The first step may carry predicates; later steps and
                    // the path's own predicates, stages and group-by are
                    // walked for `$states` used inside them: every child
                    // but the first step (`$states` itself, which would
                    // mean everything).
                    if !p.steps.first().is_some_and(|s| s.ann.is_empty()) {
                        self.union(Needs::ALL);
                    }
                    let mut first = true;
                    e.for_each_child(|c| {
                        if !std::mem::take(&mut first) {
                            pending.push(c);
                        }
                    });
                }
                ExprKind::Variable(v) if v == "states" => self.union(Needs::ALL),
                _ => e.for_each_child(|c| pending.push(c)),
            }
        }
    }
}

fn is_states(step: Option<&sfn_lang::jsonata::Expr>) -> bool {
    matches!(step.map(|s| &s.kind), Some(sfn_lang::jsonata::ExprKind::Variable(v)) if v == "states")
}

/// Whether evaluating `e` (at the top of an expression) may read the
/// context value `$` or the root `$$`, which are the state's input. Errs on
/// the side of yes.
///
/// The nodes still to check are kept in a list rather than on the call
/// stack, so a chain of any length is safe on a small stack.
fn reads_context(e: &sfn_lang::jsonata::Expr) -> bool {
    use sfn_lang::jsonata::ExprKind;
    let mut pending = vec![e];
    while let Some(e) = pending.pop() {
        match &e.kind {
            ExprKind::Context
            | ExprKind::Root
            | ExprKind::Name(_)
            | ExprKind::Wildcard
            | ExprKind::Descendant
            | ExprKind::Parent { .. } => return true,
            // Later steps read what the earlier ones produced, not `$`;
            // only `$$` inside them reads the input.
            ExprKind::Path(p) => {
                let Some(first) = p.steps.first() else {
                    continue;
                };
                if p.steps.iter().any(mentions_root) {
                    return true;
                }
                if !matches!(first.kind, ExprKind::Variable(_)) {
                    pending.push(first);
                }
            }
            // A function may take the context for a missing first argument.
            ExprKind::Call { args, .. } | ExprKind::Partial { args, .. } if args.is_empty() => {
                return true;
            }
            _ => e.for_each_child(|c| pending.push(c)),
        }
    }
    false
}

/// Whether `$$` appears anywhere in `e` (found without recursion).
fn mentions_root(e: &sfn_lang::jsonata::Expr) -> bool {
    let mut found = false;
    e.walk(|c| found |= matches!(c.kind, sfn_lang::jsonata::ExprKind::Root));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use sfn_lang::jsonata::{Expr, ExprKind, Stage, parse};

    /// The recursive walk `Needs::collect` was before it iterated, kept as
    /// the reference its results must equal.
    fn collect_recursive(needs: &mut Needs, e: &Expr) {
        match &e.kind {
            ExprKind::Path(p) if is_states(p.steps.first()) => {
                let member = p.steps.get(1).map(|s| &s.kind);
                match member {
                    Some(ExprKind::Name(n)) if n == "input" => needs.input = true,
                    Some(ExprKind::Name(n)) if n == "result" => needs.result = true,
                    Some(ExprKind::Name(n)) if n == "errorOutput" => needs.error_output = true,
                    Some(ExprKind::Name(n)) if n == "context" => {
                        match p.steps.get(2).map(|s| &s.kind) {
                            Some(ExprKind::Name(m)) => {
                                if let Some(i) = CONTEXT_MEMBERS.iter().position(|c| c == m) {
                                    needs.context |= 1 << i;
                                }
                            }
                            _ => needs.context = Needs::ALL.context,
                        }
                    }
                    Some(ExprKind::Name(_)) => {}
                    _ => needs.union(Needs::ALL),
                }
                if !p.steps.first().is_some_and(|s| s.ann.is_empty()) {
                    needs.union(Needs::ALL);
                }
                for step in &p.steps[1..] {
                    collect_recursive(needs, step);
                }
                for c in &e.ann.predicates {
                    collect_recursive(needs, c);
                }
                for stage in &e.ann.stages {
                    if let Stage::Filter(c) = stage {
                        collect_recursive(needs, c);
                    }
                }
                for (k, v) in e.ann.group.iter().flat_map(|g| &g.pairs) {
                    collect_recursive(needs, k);
                    collect_recursive(needs, v);
                }
            }
            ExprKind::Variable(v) if v == "states" => needs.union(Needs::ALL),
            _ => e.for_each_child(|c| collect_recursive(needs, c)),
        }
    }

    /// The recursive `reads_context`, kept as the reference.
    fn reads_context_recursive(e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Context
            | ExprKind::Root
            | ExprKind::Name(_)
            | ExprKind::Wildcard
            | ExprKind::Descendant
            | ExprKind::Parent { .. } => true,
            ExprKind::Path(p) => {
                let Some((first, rest)) = p.steps.split_first() else {
                    return false;
                };
                let first_reads = match &first.kind {
                    ExprKind::Variable(_) => false,
                    _ => reads_context_recursive(first),
                };
                first_reads
                    || mentions_root_recursive(first)
                    || rest.iter().any(mentions_root_recursive)
            }
            ExprKind::Call { args, .. } | ExprKind::Partial { args, .. } if args.is_empty() => true,
            _ => {
                let mut reads = false;
                e.for_each_child(|c| reads |= reads_context_recursive(c));
                reads
            }
        }
    }

    /// The recursive `mentions_root`, kept as the reference.
    fn mentions_root_recursive(e: &Expr) -> bool {
        if matches!(e.kind, ExprKind::Root) {
            return true;
        }
        let mut found = false;
        e.for_each_child(|c| found |= mentions_root_recursive(c));
        found
    }

    fn fields(n: Needs) -> (bool, bool, bool, u8) {
        (n.input, n.result, n.error_output, n.context)
    }

    /// What the recursive walks found for `e`.
    fn reference(e: &Expr) -> Needs {
        let mut needs = Needs {
            input: reads_context_recursive(e),
            ..Needs::default()
        };
        collect_recursive(&mut needs, e);
        needs
    }

    /// Expressions reading `$states` in the ways the walk distinguishes.
    const STATES_CASES: &[&str] = &[
        "$states.input.order.id",
        "$states.result.x + $states.errorOutput.Cause",
        "$states.context.Map.Item.Value.sku & $states.context.Execution.Id",
        "$states.context",
        "$states.context.Nope",
        "$states.context[0]",
        "$states.other",
        "$states[0].input",
        "$states.*",
        "$keys($states)",
        "$states.input.items[price > $states.context.Task.Token].x",
        "$states.input.items#$i[$i > 0]{sku: $states.result.n}",
        "$states.input.a{$states.errorOutput.k: 1}",
        "$x.items[price > $$.min]",
        "$items[price > 3].price",
        "$total + 1",
        "$string()",
        "$string(1)",
        "$f(?, 1)",
        "function($v) { $v + $states.result.y }",
        "a.b.c",
        "$.a",
        "$$",
        "(1; 2; $states.input)",
        "[1..3, $states.context.State.Name]",
        "$states.input ~> $string ~> $uppercase",
        "x ? $states.result : $states.errorOutput",
        "$x := $states.input.y",
        "| $states.input | {'a': $states.result} |",
        "$v^(<$states.input.k)",
        "-$states.input.n",
        "%.a",
        "**.a",
    ];

    /// Every expression of the JSONata reference cases, and the `$states`
    /// cases above: the walks give what the recursive ones gave.
    #[test]
    fn the_walks_find_what_the_recursive_walks_found() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jsonata");
        let mut texts: Vec<String> = STATES_CASES.iter().map(|s| s.to_string()).collect();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "json") {
                let file: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                for case in file["cases"].as_array().unwrap() {
                    if let Some(expr) = case["expr"].as_str() {
                        texts.push(expr.to_owned());
                    }
                }
            }
        }
        let mut compared = 0;
        for text in &texts {
            // Cases of syntax errors, and those nested too deeply for the
            // recursive walks, are left out.
            let Ok(e) = parse(text) else { continue };
            if text.len() > 2_000 {
                continue;
            }
            assert_eq!(fields(Needs::of(&e)), fields(reference(&e)), "{text}");
            compared += 1;
        }
        assert!(compared > 1_000, "only {compared} expressions compared");
    }

    /// Runs `f` on a thread with a 2 MiB stack, like a tokio worker.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    /// `first sep item sep item …` with `n` items in all.
    fn chain(first: &str, sep: &str, item: &str, n: usize) -> String {
        let mut s = String::from(first);
        for _ in 1..n {
            s.push_str(sep);
            s.push_str(item);
        }
        s
    }

    /// Chains of 100,000 terms are walked on a 2 MiB stack, with the needs
    /// of their far left and far right terms found.
    #[test]
    fn long_chains_are_walked_on_a_small_stack() {
        on_small_stack(|| {
            let n = 100_000;
            let needs = |text: &str| fields(Needs::of(&parse(text).unwrap()));
            // Nothing read: every node visited.
            assert_eq!(needs(&chain("1", " + ", "1", n)), (false, false, false, 0));
            // `$` at the far left, `$states` members at the far right.
            assert_eq!(
                needs(&format!("{} + $states.result.x", chain("a", " + ", "1", n))),
                (true, true, false, 0)
            );
            assert_eq!(
                needs(&format!(
                    "{} or $states.context.Map.Item.Value",
                    chain("$states.errorOutput.e", " or ", "$x", n)
                )),
                (false, false, true, 1 << 4)
            );
            // `$$` deep in the chain reads the input.
            assert_eq!(
                needs(&format!("$x & {}", chain("$$.a", " & ", "'b'", n))),
                (true, false, false, 0)
            );
            assert_eq!(
                needs(&chain("$states.input", " ~> ", "$string", n)),
                (true, false, false, 0)
            );
        });
    }
}
