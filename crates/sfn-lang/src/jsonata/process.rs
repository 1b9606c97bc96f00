//! Turns the raw parse into the public tree, as jsonata-js `processAST` does:
//!
//! * `a.b.c` becomes one [`Path`] with three steps; string literals used as
//!   steps become names; number, boolean and null steps are errors (S0213);
//! * `x[p]` attaches `p` to the step `x` (as a stage) or to the expression `x`
//!   (as a predicate); `x{…}` attaches a group-by, `x@$v` / `x#$i` bindings;
//! * `x^(…)` appends a sort step;
//! * `%` is resolved: each parent operator gets a slot, which climbs back
//!   through the enclosing path's steps until it reaches the step whose input it
//!   denotes; that step is marked with the slot's label (`ancestor`) and the
//!   path becomes a tuple stream. A `%` that cannot be resolved is S0217.
//!
//! Slot labels may be merged while resolving (two `%` landing on the same step
//! share a label), so nodes hold slot numbers during the pass and the final
//! labels are written in afterwards.

// Operands are passed boxed on purpose: a boxed operand is one pointer on
// the stack, and these functions recurse once per nesting level.
#![allow(clippy::boxed_local)]

use super::ast::{
    Annotations, BinaryOp, Expr, ExprKind, Group, Lambda, Path, Signature, SortTerm, Span, Stage,
    VarName,
};
use super::parser::{Syn, SynKind};
use crate::SyntaxError;

/// An ancestor slot: what a `%` is looking for while it is resolved.
struct Slot {
    label: usize,
    /// How many steps back the wanted parent still is.
    level: i64,
}

/// A processed node and the unresolved parent slots it carries.
struct Out {
    expr: Expr,
    /// Slots this expression is still seeking (jsonata-js `seekingParent` on
    /// the node).
    seeking: Vec<usize>,
    /// When `expr` is a path: the slots its last step is seeking.
    last_step_seeking: Vec<usize>,
    /// When `expr` is a path: how many of its first steps `dot` has already
    /// checked (no number, boolean or null step; strings made names).
    checked_steps: usize,
}

impl Out {
    fn new(expr: Expr) -> Out {
        Out {
            expr,
            seeking: Vec::new(),
            last_step_seeking: Vec::new(),
            checked_steps: 0,
        }
    }

    /// Slots a parent expression inherits from this operand (jsonata-js
    /// `pushAncestry`).
    fn ancestry(&self) -> impl Iterator<Item = usize> + '_ {
        let own = match self.expr.kind {
            ExprKind::Parent { label } => Some(label),
            _ => None,
        };
        self.seeking.iter().copied().chain(own)
    }
}

pub(super) fn process_root(syn: Syn) -> Result<Expr, SyntaxError> {
    let mut processor = Processor { slots: Vec::new() };
    let out = processor.process(syn)?;
    if matches!(out.expr.kind, ExprKind::Parent { .. }) || !out.seeking.is_empty() {
        return Err(parent_error(out.expr.span));
    }
    let mut expr = out.expr;
    if !processor.slots.is_empty() {
        processor.relabel(&mut expr);
    }
    Ok(expr)
}

fn parent_error(span: Span) -> SyntaxError {
    SyntaxError::new(
        span.start,
        "the parent operator `%` cannot be resolved here: the object that is the parent cannot \
         be derived from this expression (JSONata S0217)",
    )
}

/// An infix construct with its left operand taken out.
enum Infix {
    Binary(BinaryOp, Box<Syn>),
    Dot(Box<Syn>),
    Filter(Box<Syn>, Span),
    Group(Vec<(Syn, Syn)>, Span),
    Sort(Vec<(bool, Syn)>, Span),
    Focus(VarName, Span),
    Index(VarName),
    Apply(Box<Syn>),
    Call(Vec<Syn>, bool),
    Condition(Box<Syn>, Option<Box<Syn>>),
}

/// Splits an infix node into its left operand and the rest; gives back any
/// other node unchanged.
fn split_infix(kind: SynKind) -> Result<(Syn, Infix), SynKind> {
    let (left, infix) = match kind {
        SynKind::Binary(op, lhs, rhs) => (lhs, Infix::Binary(op, rhs)),
        SynKind::Range(lhs, rhs) => (lhs, Infix::Binary(BinaryOp::Range, rhs)),
        SynKind::Dot(lhs, rhs) => (lhs, Infix::Dot(rhs)),
        SynKind::Filter(lhs, rhs, bracket) => (lhs, Infix::Filter(rhs, bracket)),
        SynKind::Group(lhs, pairs, braces) => (lhs, Infix::Group(pairs, braces)),
        SynKind::Sort(lhs, terms, caret) => (lhs, Infix::Sort(terms, caret)),
        SynKind::Focus(lhs, var, at) => (lhs, Infix::Focus(var, at)),
        SynKind::Index(lhs, var) => (lhs, Infix::Index(var)),
        SynKind::Apply(lhs, rhs) => (lhs, Infix::Apply(rhs)),
        SynKind::Call {
            procedure,
            args,
            partial,
        } => (procedure, Infix::Call(args, partial)),
        SynKind::Condition {
            condition,
            then,
            otherwise,
        } => (condition, Infix::Condition(then, otherwise)),
        other => return Err(other),
    };
    Ok((*left, infix))
}

/// The tree node for a literal-like raw node (one with no operands).
fn literal(kind: SynKind) -> ExprKind {
    match kind {
        SynKind::String(s) => ExprKind::String(s),
        SynKind::Number(n) => ExprKind::Number(n),
        SynKind::Bool(b) => ExprKind::Bool(b),
        SynKind::Regex(r) => ExprKind::Regex(r),
        SynKind::Wildcard => ExprKind::Wildcard,
        SynKind::Descendant => ExprKind::Descendant,
        SynKind::Placeholder => ExprKind::Placeholder,
        SynKind::Null => ExprKind::Null,
        // Every other kind is handled by `dispatch` or `split_infix`.
        _ => ExprKind::Null,
    }
}

fn leaf(kind: ExprKind, span: Span) -> Out {
    Out::new(Expr::new(kind, span))
}

fn seeking_out(expr: Expr, seeking: Vec<usize>) -> Out {
    Out {
        expr,
        seeking,
        last_step_seeking: Vec::new(),
        checked_steps: 0,
    }
}

/// `$`, `$$` or `$name`.
fn variable(name: String) -> ExprKind {
    match name.as_str() {
        "" => ExprKind::Context,
        "$" => ExprKind::Root,
        _ => ExprKind::Variable(name),
    }
}

/// A name: a one-step path.
fn name_path(name: String, span: Span, keep_array: bool) -> Out {
    let mut step = Expr::new(ExprKind::Name(name), span);
    step.ann.keep_array = keep_array;
    let path = Path {
        steps: vec![step],
        keep_singleton_array: keep_array,
    };
    leaf(ExprKind::Path(path), span)
}

/// The kind, span and annotations of a node, taken out of it ([`Expr`] has a
/// `Drop` implementation, so its fields cannot simply be moved out).
fn into_parts(mut e: Expr) -> (ExprKind, Span, Box<Annotations>) {
    let kind = std::mem::replace(&mut e.kind, ExprKind::Null);
    let ann = std::mem::take(&mut e.ann);
    (kind, e.span, ann)
}

fn internal(span: Span) -> SyntaxError {
    SyntaxError::new(span.start, "internal error: malformed path")
}

/// The last step of a path, or the expression itself if it is not a path.
fn step_of(expr: &mut Expr) -> Result<&mut Expr, SyntaxError> {
    if matches!(expr.kind, ExprKind::Path(_)) {
        let span = expr.span;
        let ExprKind::Path(path) = &mut expr.kind else {
            return Err(internal(span));
        };
        path.steps.last_mut().ok_or_else(|| internal(span))
    } else {
        Ok(expr)
    }
}

struct Processor {
    slots: Vec<Slot>,
}

impl Processor {
    fn level(&self, slot: usize) -> i64 {
        self.slots.get(slot).map_or(0, |s| s.level)
    }

    fn add_level(&mut self, slot: usize, delta: i64) {
        if let Some(s) = self.slots.get_mut(slot) {
            s.level += delta;
        }
    }

    /// Processes one node.
    ///
    /// Infix constructs (`a.b`, `a + b`, `a[p]`, `f(x)`, …) are processed
    /// along their chain of left operands in a loop, so a long chain costs no
    /// stack; recursion happens only into right operands, arguments and
    /// brackets, which the parser has already bounded by [`MAX_DEPTH`]. Each
    /// construct has its own small function because in unoptimised builds a
    /// function's frame holds the locals of all its branches.
    ///
    /// [`MAX_DEPTH`]: super::MAX_DEPTH
    fn process(&mut self, syn: Syn) -> Result<Out, SyntaxError> {
        let mut pending: Vec<(Infix, Span, bool)> = Vec::new();
        let mut node = syn;
        let mut out = loop {
            let (kind, span, keep_array) = node.into_parts();
            match split_infix(kind) {
                Ok((left, infix)) => {
                    pending.push((infix, span, keep_array));
                    node = left;
                }
                Err(kind) => break self.dispatch(kind, span, keep_array)?,
            }
        };
        while let Some((infix, span, keep_array)) = pending.pop() {
            out = self.infix(out, infix, span, keep_array)?;
        }
        Ok(out)
    }

    /// Processes a node that is not infix.
    fn dispatch(
        &mut self,
        kind: SynKind,
        span: Span,
        keep_array: bool,
    ) -> Result<Out, SyntaxError> {
        // Each branch evaluates straight into `result` (no `?` per branch),
        // which keeps this frame small in unoptimised builds.
        let result = match kind {
            SynKind::Name(name) => Ok(name_path(name, span, keep_array)),
            SynKind::Variable(name) => Ok(leaf(variable(name), span)),
            SynKind::Parent => Ok(self.parent(span)),
            SynKind::Negate(operand) => self.negate(operand, span),
            SynKind::Array(items) => self.array(items, span),
            SynKind::Object(pairs) => self.object(pairs, span),
            SynKind::Block(items) => self.block(items, span),
            SynKind::Transform {
                pattern,
                update,
                delete,
            } => self.transform(pattern, update, delete, span),
            SynKind::Bind(name, value) => self.bind(name, value, span),
            SynKind::Lambda {
                params,
                signature,
                body,
            } => self.lambda(params, signature, body, span),
            other => Ok(leaf(literal(other), span)),
        };
        let mut out = result?;
        if keep_array {
            out.expr.ann.keep_array = true;
        }
        Ok(out)
    }

    /// Applies an infix construct to its processed left operand.
    fn infix(
        &mut self,
        left: Out,
        infix: Infix,
        span: Span,
        keep_array: bool,
    ) -> Result<Out, SyntaxError> {
        let result = match infix {
            Infix::Binary(op, rhs) => self.binary(op, left, rhs, span),
            Infix::Dot(rhs) => self.dot(left, rhs, span),
            Infix::Filter(rhs, bracket) => self.filter(left, rhs, span, bracket),
            Infix::Group(pairs, braces) => self.group(left, pairs, span, braces),
            Infix::Sort(terms, caret) => self.sort(left, terms, span, caret),
            Infix::Focus(var, at) => self.focus(left, var, span, at, keep_array),
            Infix::Index(var) => self.index(left, var, span),
            Infix::Apply(rhs) => self.apply(left, rhs, span),
            Infix::Call(args, partial) => self.call(left, args, partial, span),
            Infix::Condition(then, otherwise) => self.condition(left, then, otherwise, span),
        };
        let mut out = result?;
        if keep_array {
            out.expr.ann.keep_array = true;
        }
        Ok(out)
    }

    fn parent(&mut self, span: Span) -> Out {
        let label = self.slots.len();
        self.slots.push(Slot { label, level: 1 });
        leaf(ExprKind::Parent { label }, span)
    }

    fn negate(&mut self, operand: Box<Syn>, span: Span) -> Result<Out, SyntaxError> {
        let operand = self.process(*operand)?;
        if let ExprKind::Number(n) = operand.expr.kind {
            // Fold `-1` into a literal, keeping any annotations.
            let mut expr = operand.expr;
            expr.kind = ExprKind::Number(-n);
            expr.span = span;
            return Ok(Out::new(expr));
        }
        let seeking = operand.ancestry().collect();
        let expr = Expr::new(ExprKind::Negate(Box::new(operand.expr)), span);
        Ok(seeking_out(expr, seeking))
    }

    fn array(&mut self, items: Vec<Syn>, span: Span) -> Result<Out, SyntaxError> {
        let mut seeking = Vec::new();
        let mut exprs = Vec::with_capacity(items.len());
        for item in items {
            let item = self.process(item)?;
            seeking.extend(item.ancestry());
            exprs.push(item.expr);
        }
        Ok(seeking_out(
            Expr::new(ExprKind::Array(exprs), span),
            seeking,
        ))
    }

    fn object(&mut self, pairs: Vec<(Syn, Syn)>, span: Span) -> Result<Out, SyntaxError> {
        let mut seeking = Vec::new();
        let mut out_pairs = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let key = self.process(key)?;
            seeking.extend(key.ancestry());
            let value = self.process(value)?;
            seeking.extend(value.ancestry());
            out_pairs.push((key.expr, value.expr));
        }
        Ok(seeking_out(
            Expr::new(ExprKind::Object(out_pairs), span),
            seeking,
        ))
    }

    fn block(&mut self, items: Vec<Syn>, span: Span) -> Result<Out, SyntaxError> {
        let mut seeking = Vec::new();
        let mut cons_array = false;
        let mut exprs = Vec::with_capacity(items.len());
        for item in items {
            let item = self.process(item)?;
            seeking.extend(item.ancestry());
            let first_step_cons = match &item.expr.kind {
                ExprKind::Path(p) => p.steps.first().is_some_and(|s| s.ann.cons_array),
                _ => false,
            };
            cons_array |= item.expr.ann.cons_array || first_step_cons;
            exprs.push(item.expr);
        }
        let mut expr = Expr::new(ExprKind::Block(exprs), span);
        expr.ann.cons_array = cons_array;
        Ok(seeking_out(expr, seeking))
    }

    fn transform(
        &mut self,
        pattern: Box<Syn>,
        update: Box<Syn>,
        delete: Option<Box<Syn>>,
        span: Span,
    ) -> Result<Out, SyntaxError> {
        let pattern = Box::new(self.process(*pattern)?.expr);
        let update = Box::new(self.process(*update)?.expr);
        let delete = match delete {
            Some(d) => Some(Box::new(self.process(*d)?.expr)),
            None => None,
        };
        let kind = ExprKind::Transform {
            pattern,
            update,
            delete,
        };
        Ok(leaf(kind, span))
    }

    /// `lhs{pairs}`: a group-by on the path or expression.
    fn group(
        &mut self,
        mut out: Out,
        pairs: Vec<(Syn, Syn)>,
        span: Span,
        braces: Span,
    ) -> Result<Out, SyntaxError> {
        if out.expr.ann.group.is_some() {
            return Err(SyntaxError::new(
                braces.start,
                "each step can only have one grouping expression (JSONata S0210)",
            ));
        }
        let mut out_pairs = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let key = self.process(key)?.expr;
            let value = self.process(value)?.expr;
            out_pairs.push((key, value));
        }
        out.expr.ann.group = Some(Group {
            pairs: out_pairs,
            span: braces,
        });
        out.expr.span = span;
        Ok(out)
    }

    /// `lhs@$var`: a focus binding on the last step.
    fn focus(
        &mut self,
        mut out: Out,
        var: VarName,
        span: Span,
        at: Span,
        keep_array: bool,
    ) -> Result<Out, SyntaxError> {
        let step = step_of(&mut out.expr)?;
        if !step.ann.stages.is_empty() || !step.ann.predicates.is_empty() {
            return Err(SyntaxError::new(
                at.start,
                "a context variable binding `@` must come before any predicates on a step \
                 (JSONata S0215)",
            ));
        }
        if matches!(step.kind, ExprKind::Sort(_)) {
            return Err(SyntaxError::new(
                at.start,
                "a context variable binding `@` must come before the order-by clause `^(…)` \
                 on a step (JSONata S0216)",
            ));
        }
        if keep_array {
            step.ann.keep_array = true;
        }
        step.ann.focus = Some(var);
        step.ann.tuple = true;
        out.expr.span = span;
        Ok(out)
    }

    /// `lhs#$var`: a position binding on the last step (wrapping a
    /// non-path into a path).
    fn index(&mut self, lhs: Out, var: VarName, span: Span) -> Result<Out, SyntaxError> {
        let mut out = if matches!(lhs.expr.kind, ExprKind::Path(_)) {
            lhs
        } else {
            // The predicates of the wrapped expression become its stages.
            let mut step = lhs.expr;
            step.ann.stages = std::mem::take(&mut step.ann.predicates)
                .into_iter()
                .map(Stage::Filter)
                .collect();
            let path = Path {
                steps: vec![step],
                keep_singleton_array: false,
            };
            Out {
                expr: Expr::new(ExprKind::Path(path), span),
                seeking: Vec::new(),
                last_step_seeking: lhs.seeking,
                checked_steps: 0,
            }
        };
        let step = step_of(&mut out.expr)?;
        if step.ann.stages.is_empty() {
            step.ann.index = Some(var);
        } else {
            step.ann.stages.push(Stage::Index(var));
        }
        step.ann.tuple = true;
        out.expr.span = span;
        Ok(out)
    }

    fn bind(&mut self, name: VarName, value: Box<Syn>, span: Span) -> Result<Out, SyntaxError> {
        let value = self.process(*value)?;
        let seeking = value.ancestry().collect();
        let kind = ExprKind::Bind {
            name,
            value: Box::new(value.expr),
        };
        Ok(seeking_out(Expr::new(kind, span), seeking))
    }

    fn apply(&mut self, lhs: Out, rhs: Box<Syn>, span: Span) -> Result<Out, SyntaxError> {
        let lhs = Box::new(lhs.expr);
        let rhs = Box::new(self.process(*rhs)?.expr);
        Ok(leaf(ExprKind::Apply { lhs, rhs }, span))
    }

    fn call(
        &mut self,
        procedure: Out,
        args: Vec<Syn>,
        partial: bool,
        span: Span,
    ) -> Result<Out, SyntaxError> {
        let mut seeking = Vec::new();
        let mut out_args = Vec::with_capacity(args.len());
        for arg in args {
            let arg = self.process(arg)?;
            seeking.extend(arg.ancestry());
            out_args.push(arg.expr);
        }
        let procedure = Box::new(procedure.expr);
        let kind = if partial {
            ExprKind::Partial {
                procedure,
                args: out_args,
            }
        } else {
            ExprKind::Call {
                procedure,
                args: out_args,
            }
        };
        Ok(seeking_out(Expr::new(kind, span), seeking))
    }

    fn lambda(
        &mut self,
        params: Vec<VarName>,
        signature: Option<Box<Signature>>,
        body: Box<Syn>,
        span: Span,
    ) -> Result<Out, SyntaxError> {
        let body = self.process(*body)?.expr;
        let lambda = Lambda {
            params,
            signature: signature.map(|s| *s),
            body,
        };
        Ok(leaf(ExprKind::Lambda(Box::new(lambda)), span))
    }

    fn condition(
        &mut self,
        condition: Out,
        then: Box<Syn>,
        otherwise: Option<Box<Syn>>,
        span: Span,
    ) -> Result<Out, SyntaxError> {
        let mut seeking: Vec<usize> = condition.ancestry().collect();
        let then = self.process(*then)?;
        seeking.extend(then.ancestry());
        let otherwise = match otherwise {
            Some(e) => {
                let e = self.process(*e)?;
                seeking.extend(e.ancestry());
                Some(Box::new(e.expr))
            }
            None => None,
        };
        let kind = ExprKind::Condition {
            condition: Box::new(condition.expr),
            then: Box::new(then.expr),
            otherwise,
        };
        Ok(seeking_out(Expr::new(kind, span), seeking))
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        lhs: Out,
        rhs: Box<Syn>,
        span: Span,
    ) -> Result<Out, SyntaxError> {
        let rhs = self.process(*rhs)?;
        let seeking = lhs.ancestry().chain(rhs.ancestry()).collect();
        let mut out = Out::new(Expr::new(
            ExprKind::Binary {
                op,
                lhs: Box::new(lhs.expr),
                rhs: Box::new(rhs.expr),
            },
            span,
        ));
        out.seeking = seeking;
        Ok(out)
    }

    /// `lhs.rhs`: a path.
    ///
    /// The steps an earlier `.` of the same path checked are not checked
    /// again (but for its last, which `[]` or `@` may have changed since), so
    /// a path of n steps, processed one `.` at a time, costs O(n), not O(n²).
    fn dot(&mut self, lhs: Out, rhs: Box<Syn>, span: Span) -> Result<Out, SyntaxError> {
        let checked = lhs.checked_steps.saturating_sub(1);
        let (lhs_kind, lhs_span, lhs_ann) = into_parts(lhs.expr);
        let (mut path, ann, mut seeking) = match lhs_kind {
            ExprKind::Path(path) => (path, lhs_ann, lhs.seeking),
            kind => {
                let step = Expr {
                    kind,
                    span: lhs_span,
                    ann: lhs_ann,
                };
                let seeking = match step.kind {
                    ExprKind::Parent { label } => vec![label],
                    _ => Vec::new(),
                };
                let path = Path {
                    steps: vec![step],
                    keep_singleton_array: false,
                };
                (path, Box::default(), seeking)
            }
        };
        let rest = self.process(*rhs)?;
        let (rest_kind, rest_span, rest_ann) = into_parts(rest.expr);
        let last_step_seeking = match rest_kind {
            ExprKind::Path(rest_path) => {
                path.steps.extend(rest_path.steps);
                rest.last_step_seeking
            }
            kind => {
                let mut step = Expr {
                    kind,
                    span: rest_span,
                    ann: rest_ann,
                };
                if !step.ann.predicates.is_empty() {
                    step.ann.stages = std::mem::take(&mut step.ann.predicates)
                        .into_iter()
                        .map(Stage::Filter)
                        .collect();
                }
                path.steps.push(step);
                rest.seeking
            }
        };
        for step in &mut path.steps[checked..] {
            match &mut step.kind {
                ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {
                    return Err(SyntaxError::new(
                        step.span.start,
                        "a number, `true`, `false` or `null` cannot be a step of a path \
                         (JSONata S0213)",
                    ));
                }
                ExprKind::String(name) => {
                    step.kind = ExprKind::Name(std::mem::take(name));
                }
                _ => {}
            }
        }
        if path.steps[checked..].iter().any(|s| s.ann.keep_array) {
            path.keep_singleton_array = true;
        }
        if let Some(first) = path.steps.first_mut()
            && matches!(first.kind, ExprKind::Array(_))
        {
            first.ann.cons_array = true;
        }
        if let Some(last) = path.steps.last_mut()
            && matches!(last.kind, ExprKind::Array(_))
        {
            last.ann.cons_array = true;
        }
        self.resolve_ancestry(&mut path, &mut seeking, &last_step_seeking)?;
        let checked_steps = path.steps.len();
        Ok(Out {
            expr: Expr {
                kind: ExprKind::Path(path),
                span,
                ann,
            },
            seeking,
            last_step_seeking,
            checked_steps,
        })
    }

    /// `lhs[rhs]`: a filter on the last step of a path, or on the expression.
    fn filter(
        &mut self,
        mut out: Out,
        rhs: Box<Syn>,
        span: Span,
        bracket: Span,
    ) -> Result<Out, SyntaxError> {
        let is_path = matches!(out.expr.kind, ExprKind::Path(_));
        if step_of(&mut out.expr)?.ann.group.is_some() {
            return Err(SyntaxError::new(
                bracket.start,
                "a predicate `[…]` cannot follow a grouping expression `{…}` in a step \
                 (JSONata S0209)",
            ));
        }
        let predicate = self.process(*rhs)?;
        if !predicate.seeking.is_empty() {
            for &slot in &predicate.seeking {
                if self.level(slot) == 1 {
                    let step = step_of(&mut out.expr)?;
                    self.seek_parent(step, slot)?;
                } else {
                    self.add_level(slot, -1);
                }
            }
            let inherited: Vec<usize> = predicate.ancestry().collect();
            if is_path {
                out.last_step_seeking.extend(inherited);
            } else {
                out.seeking.extend(inherited);
            }
        }
        let step = step_of(&mut out.expr)?;
        if is_path {
            step.ann.stages.push(Stage::Filter(predicate.expr));
        } else {
            step.ann.predicates.push(predicate.expr);
        }
        out.expr.span = span;
        Ok(out)
    }

    /// `lhs^(terms)`: a sort step appended to a path.
    fn sort(
        &mut self,
        lhs: Out,
        terms: Vec<(bool, Syn)>,
        span: Span,
        caret: Span,
    ) -> Result<Out, SyntaxError> {
        let (lhs_kind, lhs_span, lhs_ann) = into_parts(lhs.expr);
        let (mut path, ann, mut seeking) = match lhs_kind {
            ExprKind::Path(path) => (path, lhs_ann, lhs.seeking),
            kind => {
                let step = Expr {
                    kind,
                    span: lhs_span,
                    ann: lhs_ann,
                };
                let path = Path {
                    steps: vec![step],
                    keep_singleton_array: false,
                };
                (path, Box::default(), Vec::new())
            }
        };
        let mut sort_seeking = Vec::new();
        let mut out_terms = Vec::with_capacity(terms.len());
        for (descending, term) in terms {
            let term = self.process(term)?;
            sort_seeking.extend(term.ancestry());
            out_terms.push(SortTerm {
                descending,
                expr: term.expr,
            });
        }
        path.steps.push(Expr::new(ExprKind::Sort(out_terms), caret));
        self.resolve_ancestry(&mut path, &mut seeking, &sort_seeking)?;
        Ok(Out {
            expr: Expr {
                kind: ExprKind::Path(path),
                span,
                ann,
            },
            seeking,
            last_step_seeking: sort_seeking,
            // The steps are checked by the next `.`, if any.
            checked_steps: 0,
        })
    }

    /// Moves the slots sought by the last step of `path` back through the
    /// earlier steps (jsonata-js `resolveAncestry`). Slots that climb past the
    /// first step are left for the enclosing expression, in `path_seeking`.
    fn resolve_ancestry(
        &mut self,
        path: &mut Path,
        path_seeking: &mut Vec<usize>,
        last_step_seeking: &[usize],
    ) -> Result<(), SyntaxError> {
        let mut slots = last_step_seeking.to_vec();
        if let Some(Expr {
            kind: ExprKind::Parent { label },
            ..
        }) = path.steps.last()
        {
            slots.push(*label);
        }
        for slot in slots {
            // Index of the next step to try, counting down from the one
            // before the last.
            let mut next = path.steps.len().checked_sub(1);
            while self.level(slot) > 0 {
                let Some(mut index) = next.and_then(|n| n.checked_sub(1)) else {
                    path_seeking.push(slot);
                    break;
                };
                // Several contiguous focus-binding steps count as one.
                while index > 0
                    && path.steps[index].ann.focus.is_some()
                    && path.steps[index - 1].ann.focus.is_some()
                {
                    index -= 1;
                }
                next = Some(index);
                self.seek_parent(&mut path.steps[index], slot)?;
            }
        }
        Ok(())
    }

    /// Moves `slot` one step further back through `node` (jsonata-js
    /// `seekParent`).
    fn seek_parent(&mut self, node: &mut Expr, slot: usize) -> Result<(), SyntaxError> {
        let Expr { kind, span, ann } = node;
        match kind {
            ExprKind::Name(_) | ExprKind::Wildcard => {
                self.add_level(slot, -1);
                if self.level(slot) == 0 {
                    if let Some(existing) = ann.ancestor {
                        // Reuse the label already on this step.
                        let label = self.slots.get(existing).map_or(existing, |s| s.label);
                        if let Some(s) = self.slots.get_mut(slot) {
                            s.label = label;
                        }
                    }
                    ann.ancestor = Some(slot);
                    ann.tuple = true;
                }
            }
            ExprKind::Parent { .. } => self.add_level(slot, 1),
            ExprKind::Block(exprs) => {
                if let Some(last) = exprs.last_mut() {
                    ann.tuple = true;
                    self.seek_parent(last, slot)?;
                }
            }
            ExprKind::Path(path) => {
                ann.tuple = true;
                let mut index = path.steps.len();
                while index > 0 {
                    index -= 1;
                    self.seek_parent(&mut path.steps[index], slot)?;
                    if self.level(slot) <= 0 {
                        break;
                    }
                }
            }
            _ => return Err(parent_error(*span)),
        }
        Ok(())
    }

    /// Replaces slot numbers by final labels throughout the tree (with a list
    /// of the nodes still to visit, so that long chains need no recursion).
    fn relabel(&self, expr: &mut Expr) {
        let label = |slot: usize| self.slots.get(slot).map_or(slot, |s| s.label);
        let mut pending = vec![expr];
        while let Some(expr) = pending.pop() {
            if let ExprKind::Parent { label: l } = &mut expr.kind {
                *l = label(*l);
            }
            if let Some(a) = &mut expr.ann.ancestor {
                *a = label(*a);
            }
            expr.for_each_child_mut(|child| pending.push(child));
        }
    }
}
