//! The evaluator: walks a processed JSONata syntax tree with JSONata 2.0.6's
//! semantics.
//!
//! * this module: the dispatch over expression kinds, post-processing of
//!   every result (predicates, group-by, collapsing sequences), function
//!   calls, partial application, `~>`, and tail calls;
//! * [`env`]: variable scopes;
//! * [`path`]: location paths, steps, tuple streams (`@`, `#`, `%`),
//!   predicates, group-by;
//! * [`operators`]: unary and binary operators, truthiness, equality;
//! * [`signature`]: checking arguments against a function signature;
//! * [`sort`]: the merge sort shared by `^(…)` and `$sort`;
//! * [`transform`]: `| pattern | update, delete |`.
//!
//! Lambdas and transforms are values that outlive the evaluation step that
//! made them, so they cannot borrow the tree. [`Program`](super::Program)
//! keeps an owned copy of each lambda and transform node (in an `Arc`, so the
//! program can be shared between threads) in a registry keyed by the node's
//! address; a closure holds that copy. Trees parsed at run time by `$eval`
//! are not in the registry: their lambdas are copied when evaluated.
//!
//! Recursion is bounded: every nested evaluation counts towards
//! [`MAX_DEPTH`], and exceeding it is jsonata-js's U1001 "Stack overflow"
//! error. Calls in tail position of a lambda body (through conditions and the
//! last expression of blocks) do not nest: they are returned to the caller's
//! loop, as jsonata-js's thunks are.

pub(crate) mod env;
pub(crate) mod operators;
pub(crate) mod path;
pub(crate) mod signature;
pub(crate) mod sort;
pub(crate) mod transform;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use sfn_lang::jsonata::{Expr, ExprKind, RegexLiteral};

pub(crate) use env::Env;
use path::Tuple;
use signature::Sig;

use super::Bindings;
use super::builtins::{Builtin, Call, EvalError};
use super::stdlib;
use super::value::{Closure, Compose, Function, Partial, Transform, Value};

/// How many evaluations may be nested (each expression node evaluated inside
/// another).
pub(crate) const MAX_DEPTH: usize = 10_000;

/// How much stack an evaluation may use, measured from where it started: half
/// of the 2 MiB that tokio gives its worker threads. The stack a level of
/// evaluation takes varies with the expression and the build (an unoptimised
/// build uses about 5 KiB per nested node, a non-tail recursive lambda call
/// 10 to 20 KiB), so the bound is on the stack itself, checked at every
/// nested evaluation. In an unoptimised build this allows about a hundred
/// nested non-tail calls of a recursive lambda, in an optimised one several
/// hundred; tail calls do not nest.
pub(crate) const STACK_BUDGET: usize = 1 << 20;

/// The address of a local variable of the caller: where the stack is.
#[inline(always)]
fn stack_position() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// A lambda definition, owned so that closures can outlive the tree walk.
pub(crate) struct LambdaDef {
    /// The lambda node (kind [`ExprKind::Lambda`]).
    node: Expr,
    /// The parameter names.
    params: Vec<String>,
    /// The parsed signature, or why it does not parse.
    sig: Option<Result<Sig, EvalError>>,
}

impl std::fmt::Debug for LambdaDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LambdaDef")
    }
}

impl LambdaDef {
    fn new(expr: &Expr) -> LambdaDef {
        let (params, sig) = match &expr.kind {
            ExprKind::Lambda(l) => (
                l.params.iter().map(|p| p.name.clone()).collect(),
                l.signature.as_ref().map(|s| Sig::parse(&s.text)),
            ),
            _ => (Vec::new(), None),
        };
        LambdaDef {
            node: expr.clone(),
            params,
            sig,
        }
    }

    fn body(&self) -> Option<&Expr> {
        match &self.node.kind {
            ExprKind::Lambda(l) => Some(&l.body),
            _ => None,
        }
    }
}

/// An object transform definition: the transform node, owned (see
/// [`LambdaDef`]).
pub(crate) type TransformDef = Expr;

/// A registry entry.
pub(crate) enum Def {
    Lambda(Arc<LambdaDef>),
    Transform(Arc<TransformDef>),
}

impl std::fmt::Debug for Def {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Def")
    }
}

/// Copies each lambda and transform of `expr` into `registry`, keyed by the
/// node's address, and likewise the nodes inside the copies (keyed by their
/// addresses in the copies). Iterative: a tree of any depth or chain length
/// is safe.
pub(crate) fn register(expr: &Expr, registry: &mut HashMap<usize, Def>) {
    // The copies made and not yet searched for lambdas and transforms.
    let mut copies: Vec<Def> = Vec::new();
    register_tree(expr, registry, &mut copies);
    while let Some(copy) = copies.pop() {
        match &copy {
            Def::Lambda(l) => l
                .node
                .for_each_child(|c| register_tree(c, registry, &mut copies)),
            Def::Transform(t) => t.for_each_child(|c| register_tree(c, registry, &mut copies)),
        }
    }
}

/// Registers the lambdas and transforms of `expr` outside any lambda or
/// transform, noting each copy in `copies` to be searched in turn.
fn register_tree(expr: &Expr, registry: &mut HashMap<usize, Def>, copies: &mut Vec<Def>) {
    let mut pending = vec![expr];
    while let Some(e) = pending.pop() {
        let addr = e as *const Expr as usize;
        match &e.kind {
            ExprKind::Lambda(_) => {
                let shared = Arc::new(LambdaDef::new(e));
                copies.push(Def::Lambda(Arc::clone(&shared)));
                registry.insert(addr, Def::Lambda(shared));
            }
            ExprKind::Transform { .. } => {
                let shared = Arc::new(e.clone());
                copies.push(Def::Transform(Arc::clone(&shared)));
                registry.insert(addr, Def::Transform(shared));
            }
            _ => e.for_each_child(|c| pending.push(c)),
        }
    }
}

/// What evaluating a node gives: a value, or (for tuple-stream paths) the
/// tuples.
pub(crate) enum Stream {
    Value(Value),
    Tuples(Vec<Tuple>),
}

/// The result of a function body evaluated in tail position: a value, or a
/// call still to be made by the caller's loop.
enum Tail {
    Value(Value),
    Call {
        proc: Value,
        args: Vec<Value>,
        input: Value,
        env: Rc<Env>,
        position: usize,
    },
}

/// The state of one evaluation.
pub(crate) struct Evaluator<'p> {
    pub(super) registry: &'p HashMap<usize, Def>,
    pub(super) bindings: &'p dyn Bindings,
    pub(super) root: Value,
    pub(crate) now_millis: i64,
    depth: Cell<usize>,
    /// Steps until the next question to [`Bindings::interrupted`].
    fuel: Cell<u32>,
    /// The stack position where the evaluation started.
    stack_base: usize,
    /// Frames given a function, array or object; emptied at the end.
    frames: RefCell<Vec<Weak<Env>>>,
    /// Built-in signatures, parsed on first use.
    signatures: RefCell<HashMap<usize, Rc<Result<Sig, EvalError>>>>,
    /// The regular expressions of the program, compiled when it was built.
    precompiled: &'p HashMap<RegexLiteral, Arc<stdlib::regex::JsRegex>>,
    /// Regular expressions compiled during this evaluation (those of
    /// `$eval`'s text, or ones that failed to compile).
    compiled: RefCell<HashMap<RegexLiteral, Arc<stdlib::regex::JsRegex>>>,
}

/// Decrements the depth counter when an evaluation level ends.
struct DepthGuard<'a>(&'a Cell<usize>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// jsonata-js's message for a deep recursion.
fn stack_overflow() -> EvalError {
    EvalError::new(
        "U1001",
        "Stack overflow error: Check for non-terminating recursive function.  Consider \
         rewriting as tail-recursive.",
    )
}

/// A value written into an error message as jsonata-js does
/// (`JSON.stringify`).
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Undefined => "undefined".to_owned(),
        Value::Function(_) => "undefined".to_owned(),
        Value::Number(n) if !n.is_finite() => "null".to_owned(),
        Value::Number(n) => js_number(*n),
        _ => match stdlib::strings::stringify(v, false) {
            Ok(s) if matches!(v, Value::String(_)) => serde_json::to_string(&s).unwrap_or_default(),
            Ok(s) => s,
            Err(_) => "null".to_owned(),
        },
    }
}

/// JavaScript's `String(n)` of a number.
pub(crate) fn js_number(n: f64) -> String {
    stdlib::strings::js_number_string(n)
}

/// The arity jsonata-js sees for a function value.
pub(crate) fn arity(f: &Value) -> usize {
    let Value::Function(f) = f else { return 0 };
    match &**f {
        Function::Lambda(c) => match &c.params {
            Some(p) => p.len(),
            None => c.def.params.len(),
        },
        // jsonata-js counts the parameters of the JavaScript function;
        // `$string(arg, prettify = false)` is the one with a default, which
        // JavaScript leaves out of the count.
        Function::Native(b) if b.name == "string" => 1,
        Function::Native(b) => Sig::parse(b.signature)
            .map(|s| s.param_count())
            .unwrap_or(0),
        Function::Partial(p) => p.args.iter().filter(|a| a.is_none()).count(),
        Function::Compose(_) | Function::Transform(_) | Function::Regex(_) => 1,
    }
}

impl<'p> Evaluator<'p> {
    pub(super) fn new(
        registry: &'p HashMap<usize, Def>,
        precompiled: &'p HashMap<RegexLiteral, Arc<stdlib::regex::JsRegex>>,
        bindings: &'p dyn Bindings,
        root: Value,
    ) -> Evaluator<'p> {
        Evaluator {
            registry,
            precompiled,
            bindings,
            root,
            now_millis: bindings
                .now_millis()
                .unwrap_or_else(|| chrono::Utc::now().timestamp_millis()),
            depth: Cell::new(0),
            fuel: Cell::new(super::INTERRUPT_INTERVAL),
            stack_base: stack_position(),
            frames: RefCell::default(),
            signatures: RefCell::default(),
            compiled: RefCell::default(),
        }
    }

    /// Counts one more level of nesting, or fails with U1001 when the
    /// evaluation nests too deeply.
    /// Every [`INTERRUPT_INTERVAL`](super::INTERRUPT_INTERVAL) levels
    /// entered, asks the bindings whether to give up (a stopped or
    /// timed-out execution; see [`Bindings::interrupted`]).
    fn enter(&self, expr: &Expr) -> Result<DepthGuard<'_>, EvalError> {
        let fuel = self.fuel.get();
        if fuel == 0 {
            self.fuel.set(super::INTERRUPT_INTERVAL);
            if let Some(error) = self.bindings.interrupted() {
                return Err(error.at(expr.span.start));
            }
        } else {
            self.fuel.set(fuel - 1);
        }
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH || self.stack_base.abs_diff(stack_position()) > STACK_BUDGET {
            return Err(stack_overflow().at(expr.span.start));
        }
        self.depth.set(depth);
        Ok(DepthGuard(&self.depth))
    }

    /// Empties the frames that may be part of reference cycles.
    pub(super) fn finish(&self) {
        for weak in self.frames.borrow_mut().drain(..) {
            if let Some(env) = weak.upgrade() {
                env.clear();
            }
        }
    }

    /// Binds `name` to `value` in `env`.
    pub(crate) fn bind(&self, env: &Rc<Env>, name: &str, value: Value) {
        if matches!(
            value,
            Value::Function(_) | Value::Array(_) | Value::Object(_)
        ) && !env.registered.get()
        {
            env.registered.set(true);
            self.frames.borrow_mut().push(Rc::downgrade(env));
        }
        env.set(name, value);
    }

    /// The value of `$name`: the innermost binding, then the host's
    /// bindings, then the function library.
    pub(crate) fn lookup(&self, env: &Env, name: &str) -> Value {
        if let Some(v) = env.get(name) {
            return v;
        }
        if let Some(v) = self.bindings.variable(name) {
            return v;
        }
        match stdlib::lookup(name) {
            Some(b) => Value::Function(Rc::new(Function::Native(b))),
            None => Value::Undefined,
        }
    }

    /// Evaluates `expr` with context `input` in scope `env`.
    pub(crate) fn eval(
        &self,
        expr: &Expr,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        if !expr.ann.is_empty() || matches!(expr.kind, ExprKind::Path(_)) {
            return match self.eval_stream(expr, input, env)? {
                Stream::Value(v) => Ok(v),
                Stream::Tuples(t) => Ok(Value::sequence(t.into_iter().map(|t| t.at).collect())),
            };
        }
        // The common case, with one frame less per level.
        let _guard = self.enter(expr)?;
        match self.eval_kind(expr, input, env)? {
            Value::Array(a) if a.sequence && a.items.len() <= 1 && !a.keep_singleton => {
                Ok(a.items.first().cloned().unwrap_or_default())
            }
            v => Ok(v),
        }
    }

    /// Evaluates `expr`, keeping a tuple stream as tuples.
    pub(crate) fn eval_stream(
        &self,
        expr: &Expr,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Stream, EvalError> {
        let _guard = self.enter(expr)?;
        let result = match &expr.kind {
            ExprKind::Path(p) => self.eval_path(expr, p, input, env)?,
            ExprKind::Block(items) if expr.ann.tuple => {
                self.eval_block_stream(items, input, env)?
            }
            _ => Stream::Value(self.eval_kind(expr, input, env)?),
        };
        if expr.ann.is_empty() {
            // Most nodes: only the collapse of sequences.
            return Ok(match result {
                Stream::Value(Value::Array(a))
                    if a.sequence && a.items.len() <= 1 && !a.keep_singleton =>
                {
                    Stream::Value(a.items.first().cloned().unwrap_or_default())
                }
                r => r,
            });
        }
        self.post_process(expr, result, env)
    }

    /// Predicates, group-by, `[]` and the collapse of sequences, applied to
    /// the result of any node.
    fn post_process(
        &self,
        expr: &Expr,
        result: Stream,
        env: &Rc<Env>,
    ) -> Result<Stream, EvalError> {
        let mut result = match result {
            Stream::Tuples(mut t) => {
                for p in &expr.ann.predicates {
                    t = self.filter_tuples(p, t, env)?;
                }
                return Ok(Stream::Tuples(t));
            }
            Stream::Value(v) => v,
        };
        for p in &expr.ann.predicates {
            result = self.filter(p, result, env)?;
        }
        if !matches!(expr.kind, ExprKind::Path(_))
            && let Some(group) = &expr.ann.group
        {
            result = self.group(
                &group.pairs,
                group.span.start,
                path::GroupInput::Value(result),
                env,
            )?;
        }
        if let Value::Array(a) = &mut result
            && a.sequence
        {
            if expr.ann.keep_array && !a.keep_singleton {
                Rc::make_mut(a).keep_singleton = true;
            }
            match a.items.len() {
                0 => result = Value::Undefined,
                1 if !a.keep_singleton => result = a.items[0].clone(),
                _ => {}
            }
        }
        Ok(Stream::Value(result))
    }

    fn eval_block_stream(
        &self,
        items: &[Expr],
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Stream, EvalError> {
        let frame = Env::child(env);
        let mut out = Stream::Value(Value::Undefined);
        for item in items {
            out = self.eval_stream(item, input, &frame)?;
        }
        Ok(out)
    }

    /// The value of a node, before post-processing. Each non-trivial kind is
    /// a separate function, which keeps this frame (on the recursion path of
    /// every evaluation) small.
    fn eval_kind(&self, expr: &Expr, input: &Value, env: &Rc<Env>) -> Result<Value, EvalError> {
        let pos = expr.span.start;
        match &expr.kind {
            ExprKind::String(s) => Ok(Value::string(s.as_str())),
            ExprKind::Number(n) => Ok(Value::Number(*n)),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Regex(lit) => self.eval_regex(lit, pos),
            ExprKind::Name(name) => Ok(path::lookup_name(input, name)),
            ExprKind::Context => Ok(match input {
                Value::Array(a) if a.outer_wrapper => a.items.first().cloned().unwrap_or_default(),
                v => v.clone(),
            }),
            ExprKind::Root => Ok(self.root.clone()),
            ExprKind::Variable(name) => Ok(self.lookup(env, name)),
            ExprKind::Wildcard => Ok(path::wildcard(input)),
            ExprKind::Descendant => Ok(path::descendants(input)),
            ExprKind::Parent { label } => Ok(env.get(&path::label_key(*label)).unwrap_or_default()),
            ExprKind::Path(p) => match self.eval_path(expr, p, input, env)? {
                Stream::Value(v) => Ok(v),
                Stream::Tuples(t) => Ok(Value::sequence(t.into_iter().map(|t| t.at).collect())),
            },
            ExprKind::Negate(e) => self.eval_negate(e, input, env, pos),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, input, env, pos),
            ExprKind::Array(items) => self.eval_array(expr, items, input, env),
            ExprKind::Object(pairs) => {
                self.group(pairs, pos, path::GroupInput::Value(input.clone()), env)
            }
            ExprKind::Block(items) => self.eval_block(items, input, env),
            ExprKind::Condition {
                condition,
                then,
                otherwise,
            } => self.eval_condition(condition, then, otherwise.as_deref(), input, env),
            ExprKind::Bind { name, value } => self.eval_bind(&name.name, value, input, env),
            ExprKind::Call { procedure, args } => {
                self.eval_call(procedure, args, input, env, pos, None)
            }
            ExprKind::Partial { procedure, args } => {
                self.eval_partial(procedure, args, input, env, pos)
            }
            ExprKind::Placeholder => Ok(Value::Undefined),
            ExprKind::Lambda(_) => Ok(self.eval_lambda(expr, input, env)),
            ExprKind::Apply { lhs, rhs } => self.eval_apply(lhs, rhs, input, env, pos),
            ExprKind::Transform { .. } => Ok(self.eval_transform(expr, env)),
            ExprKind::Sort(terms) => self.eval_sort(terms, input, env, pos),
        }
    }

    fn eval_regex(&self, lit: &RegexLiteral, pos: usize) -> Result<Value, EvalError> {
        Ok(Value::Function(Rc::new(Function::Regex(
            self.regex(lit, pos)?,
        ))))
    }

    fn eval_negate(
        &self,
        e: &Expr,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        operators::negate(self.eval(e, input, env)?).map_err(|e| e.at(pos))
    }

    fn eval_array(
        &self,
        expr: &Expr,
        items: &[Expr],
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        let mut out = Vec::new();
        for item in items {
            let v = self.eval(item, input, env)?;
            match v {
                Value::Undefined => {}
                Value::Array(a) if !matches!(item.kind, ExprKind::Array(_)) => {
                    out.extend(a.items.iter().cloned());
                }
                v => out.push(v),
            }
        }
        Ok(Value::Array(Rc::new(super::value::Array {
            items: out,
            cons: expr.ann.cons_array,
            ..Default::default()
        })))
    }

    fn eval_block(&self, items: &[Expr], input: &Value, env: &Rc<Env>) -> Result<Value, EvalError> {
        let frame = Env::child(env);
        let mut out = Value::Undefined;
        for item in items {
            out = self.eval(item, input, &frame)?;
        }
        Ok(out)
    }

    fn eval_condition(
        &self,
        condition: &Expr,
        then: &Expr,
        otherwise: Option<&Expr>,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        if operators::truthy(&self.eval(condition, input, env)?) {
            self.eval(then, input, env)
        } else if let Some(o) = otherwise {
            self.eval(o, input, env)
        } else {
            Ok(Value::Undefined)
        }
    }

    fn eval_bind(
        &self,
        name: &str,
        value: &Expr,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        let v = self.eval(value, input, env)?;
        self.bind(env, name, v.clone());
        Ok(v)
    }

    fn eval_lambda(&self, expr: &Expr, input: &Value, env: &Rc<Env>) -> Value {
        let def = self.lambda_def(expr);
        Value::Function(Rc::new(Function::Lambda(Closure {
            def,
            env: env.clone(),
            input: input.clone(),
            params: None,
        })))
    }

    fn eval_transform(&self, expr: &Expr, env: &Rc<Env>) -> Value {
        let def = match self.registry.get(&(expr as *const Expr as usize)) {
            Some(Def::Transform(t)) => t.clone(),
            _ => Arc::new(expr.clone()),
        };
        Value::Function(Rc::new(Function::Transform(Transform {
            def,
            env: env.clone(),
        })))
    }

    fn eval_sort(
        &self,
        terms: &[sfn_lang::jsonata::SortTerm],
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        let items = match input {
            Value::Array(a) => a.items.clone(),
            Value::Undefined => return Ok(Value::Undefined),
            v => vec![v.clone()],
        };
        self.sort_values(terms, items, env, pos)
    }

    /// The owned definition of a lambda node.
    fn lambda_def(&self, expr: &Expr) -> Arc<LambdaDef> {
        match self.registry.get(&(expr as *const Expr as usize)) {
            Some(Def::Lambda(def)) => def.clone(),
            // A tree parsed at run time by `$eval`.
            _ => Arc::new(LambdaDef::new(expr)),
        }
    }

    /// The compiled form of a regular expression literal.
    fn regex(
        &self,
        lit: &RegexLiteral,
        pos: usize,
    ) -> Result<Arc<stdlib::regex::JsRegex>, EvalError> {
        if let Some(r) = self.precompiled.get(lit) {
            return Ok(r.clone());
        }
        if let Some(r) = self.compiled.borrow().get(lit) {
            return Ok(r.clone());
        }
        let r = Arc::new(super::compile_regex(lit).map_err(|e| e.at(pos))?);
        self.compiled.borrow_mut().insert(lit.clone(), r.clone());
        Ok(r)
    }

    /// `procedure(args)`, with `apply_to` as an extra first argument for
    /// `lhs ~> f(args)`.
    fn eval_call(
        &self,
        procedure: &Expr,
        args: &[Expr],
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
        apply_to: Option<Value>,
    ) -> Result<Value, EvalError> {
        let proc = self.eval(procedure, input, env)?;
        if proc.is_undefined() {
            self.check_forgotten_dollar(procedure, env, pos, "T1005")?;
        }
        let values = self.eval_args(args, input, env, apply_to)?;
        let token = proc_name(procedure);
        self.apply_named(&proc, values, input, env, pos, token)
    }

    /// `name(…)` where `$name` is a function: jsonata-js's hint.
    fn check_forgotten_dollar(
        &self,
        procedure: &Expr,
        env: &Rc<Env>,
        pos: usize,
        code: &'static str,
    ) -> Result<(), EvalError> {
        let Some(name) = forgotten_dollar(procedure) else {
            return Ok(());
        };
        if self.lookup(env, name).is_undefined() {
            return Ok(());
        }
        let message = if code == "T1005" {
            format!("Attempted to invoke a non-function. Did you mean ${name}?")
        } else {
            format!("Attempted to partially apply a non-function. Did you mean ${name}?")
        };
        Err(EvalError::new(code, message).at(pos))
    }

    /// Evaluates call arguments.
    fn eval_args(
        &self,
        args: &[Expr],
        input: &Value,
        env: &Rc<Env>,
        first: Option<Value>,
    ) -> Result<Vec<Value>, EvalError> {
        let mut values = Vec::with_capacity(args.len() + 1);
        values.extend(first);
        for a in args {
            values.push(self.eval(a, input, env)?);
        }
        Ok(values)
    }

    /// Calls a function value, running tail calls in a loop.
    pub(crate) fn apply(
        &self,
        proc: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        pos: Option<usize>,
    ) -> Result<Value, EvalError> {
        self.apply_named(proc, args, input, env, pos.unwrap_or(0), None)
    }

    fn apply_named(
        &self,
        proc: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
        token: Option<&str>,
    ) -> Result<Value, EvalError> {
        let mut tail = self
            .apply_inner(proc, args, input, env, pos, token)
            .map_err(|e| e.at(pos))?;
        loop {
            match tail {
                Tail::Value(v) => return Ok(v),
                Tail::Call {
                    proc,
                    args,
                    input,
                    env,
                    position,
                } => {
                    tail = self
                        .apply_inner(&proc, args, &input, &env, position, None)
                        .map_err(|e| e.at(position))?;
                }
            }
        }
    }

    /// One call; a lambda's tail call is returned, not made.
    fn apply_inner(
        &self,
        proc: &Value,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
        token: Option<&str>,
    ) -> Result<Tail, EvalError> {
        let Value::Function(f) = proc else {
            return Err(EvalError::new("T1006", "Attempted to invoke a non-function").at(pos));
        };
        match &**f {
            Function::Native(b) => self
                .call_native(b, args, input, env, pos, token)
                .map(Tail::Value),
            Function::Lambda(c) => self.call_lambda(c, args, input, token),
            Function::Partial(p) => {
                let full = fill_holes(p, args);
                self.apply_inner(&p.target, full, input, env, pos, token)
            }
            Function::Compose(c) => {
                let first = self.apply(&c.first, args, input, env, Some(pos))?;
                self.apply_inner(&c.second, vec![first], input, env, pos, token)
            }
            Function::Transform(t) => self.call_transform(t, args, input, token).map(Tail::Value),
            Function::Regex(r) => call_regex(r, f, args).map(Tail::Value),
        }
    }

    fn call_native(
        &self,
        b: &'static Builtin,
        args: Vec<Value>,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
        token: Option<&str>,
    ) -> Result<Value, EvalError> {
        let sig = self.builtin_signature(b);
        let args = match &*sig {
            Ok(sig) => sig.validate(args, input, token.unwrap_or(b.name))?,
            Err(e) => return Err(e.clone()),
        };
        let mut call = Call {
            ev: self,
            env: env.clone(),
            input: input.clone(),
            position: Some(pos),
        };
        (b.call)(&mut call, args)
    }

    fn call_lambda(
        &self,
        c: &Closure,
        args: Vec<Value>,
        input: &Value,
        token: Option<&str>,
    ) -> Result<Tail, EvalError> {
        let args = match (&c.params, &c.def.sig) {
            (None, Some(Ok(sig))) => sig.validate(args, input, token.unwrap_or(""))?,
            (None, Some(Err(e))) => return Err(e.clone()),
            _ => args,
        };
        let frame = Env::child(&c.env);
        let params: &[String] = match &c.params {
            Some(p) => p,
            None => &c.def.params,
        };
        let mut args = args.into_iter();
        for p in params {
            let v = args.next().unwrap_or_default();
            self.bind(&frame, p, v);
        }
        let Some(body) = c.def.body() else {
            return Ok(Tail::Value(Value::Undefined));
        };
        self.eval_tail(body, &c.input, &frame)
    }

    fn call_transform(
        &self,
        t: &Transform,
        args: Vec<Value>,
        input: &Value,
        token: Option<&str>,
    ) -> Result<Value, EvalError> {
        let sig = Sig::parse("<(oa):o>")?;
        let args = sig.validate(args, input, token.unwrap_or(""))?;
        let obj = args.into_iter().next().unwrap_or_default();
        self.transform(t, obj)
    }

    /// The parsed signature of a built-in.
    fn builtin_signature(&self, b: &'static Builtin) -> Rc<Result<Sig, EvalError>> {
        let key = b as *const Builtin as usize;
        if let Some(s) = self.signatures.borrow().get(&key) {
            return s.clone();
        }
        let sig = Rc::new(Sig::parse(b.signature));
        self.signatures.borrow_mut().insert(key, sig.clone());
        sig
    }

    /// Evaluates a lambda body in tail position.
    fn eval_tail(&self, expr: &Expr, input: &Value, env: &Rc<Env>) -> Result<Tail, EvalError> {
        let plain = expr.ann.predicates.is_empty()
            && expr.ann.group.is_none()
            && !expr.ann.keep_array
            && !expr.ann.tuple;
        if !plain {
            return self.eval(expr, input, env).map(Tail::Value);
        }
        match &expr.kind {
            ExprKind::Call { procedure, args } => self.tail_call(expr, procedure, args, input, env),
            ExprKind::Condition {
                condition,
                then,
                otherwise,
            } => {
                if operators::truthy(&self.eval(condition, input, env)?) {
                    self.eval_tail(then, input, env)
                } else if let Some(o) = otherwise {
                    self.eval_tail(o, input, env)
                } else {
                    Ok(Tail::Value(Value::Undefined))
                }
            }
            ExprKind::Block(items) => self.tail_block(items, input, env),
            _ => self.eval(expr, input, env).map(Tail::Value),
        }
    }

    fn tail_call(
        &self,
        expr: &Expr,
        procedure: &Expr,
        args: &[Expr],
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Tail, EvalError> {
        let proc = self.eval(procedure, input, env)?;
        let values = self.eval_args(args, input, env, None)?;
        Ok(Tail::Call {
            proc,
            args: values,
            input: input.clone(),
            env: env.clone(),
            position: expr.span.start,
        })
    }

    fn tail_block(&self, items: &[Expr], input: &Value, env: &Rc<Env>) -> Result<Tail, EvalError> {
        let frame = Env::child(env);
        let Some((last, rest)) = items.split_last() else {
            return Ok(Tail::Value(Value::Undefined));
        };
        for item in rest {
            self.eval(item, input, &frame)?;
        }
        self.eval_tail(last, input, &frame)
    }

    /// `procedure(args)` with `?` placeholders.
    fn eval_partial(
        &self,
        procedure: &Expr,
        args: &[Expr],
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            if matches!(a.kind, ExprKind::Placeholder) {
                values.push(None);
            } else {
                values.push(Some(self.eval(a, input, env)?));
            }
        }
        let proc = self.eval(procedure, input, env)?;
        if proc.is_undefined() {
            self.check_forgotten_dollar(procedure, env, pos, "T1007")?;
        }
        let Value::Function(f) = &proc else {
            return Err(
                EvalError::new("T1008", "Attempted to partially apply a non-function").at(pos),
            );
        };
        let result = match &**f {
            Function::Lambda(c) => {
                let frame = Env::child(&c.env);
                let params: &[String] = match &c.params {
                    Some(p) => p,
                    None => &c.def.params,
                };
                let mut unbound = Vec::new();
                for (i, p) in params.iter().enumerate() {
                    match values.get(i) {
                        Some(Some(v)) if !v.is_undefined() => self.bind(&frame, p, v.clone()),
                        _ => unbound.push(p.clone()),
                    }
                }
                Function::Lambda(Closure {
                    def: c.def.clone(),
                    env: frame,
                    input: c.input.clone(),
                    params: Some(unbound.into()),
                })
            }
            _ => Function::Partial(Partial {
                target: proc.clone(),
                args: values
                    .into_iter()
                    .map(|v| v.filter(|v| !v.is_undefined()))
                    .collect(),
            }),
        };
        Ok(Value::Function(Rc::new(result)))
    }

    /// `lhs ~> rhs`.
    fn eval_apply(
        &self,
        lhs: &Expr,
        rhs: &Expr,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        let l = self.eval_operand(lhs, input, env)?;
        self.apply_with(l, rhs, input, env, pos)
    }

    /// `l ~> rhs`, with the value of the left side.
    pub(super) fn apply_with(
        &self,
        l: Value,
        rhs: &Expr,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        if let ExprKind::Call { procedure, args } = &rhs.kind {
            return self.eval_call(procedure, args, input, env, rhs.span.start, Some(l));
        }
        let f = self.eval(rhs, input, env)?;
        if !f.is_function() {
            return Err(EvalError::new(
                "T2006",
                "The right side of the function application operator ~> must be a function",
            )
            .at(pos));
        }
        if l.is_function() {
            return Ok(Value::Function(Rc::new(Function::Compose(Compose {
                first: l,
                second: f,
            }))));
        }
        self.apply(&f, vec![l], input, env, Some(pos))
    }
}

/// Fills the holes of a partial application with the call's arguments.
fn fill_holes(p: &Partial, args: Vec<Value>) -> Vec<Value> {
    let mut supplied = args.into_iter();
    p.args
        .iter()
        .map(|a| match a {
            Some(v) => v.clone(),
            None => supplied.next().unwrap_or_default(),
        })
        .collect()
}

/// A regular expression called as a function: `/re/(str, from?)`.
fn call_regex(
    r: &stdlib::regex::JsRegex,
    f: &Rc<Function>,
    args: Vec<Value>,
) -> Result<Value, EvalError> {
    let mut args = args.into_iter();
    let Some(Value::String(s)) = args.next() else {
        return Ok(Value::Undefined);
    };
    let from = match args.next() {
        Some(Value::Number(n)) if n > 0.0 => n as usize,
        _ => 0,
    };
    let obj = r.match_object(&s, from)?;
    Ok(with_next(obj, f, &s))
}

/// The hidden function behind a match object's `next()`: the regex, the
/// string and where the previous match ended are bound by partial
/// application.
static REGEX_NEXT: Builtin = Builtin {
    name: "next",
    signature: "<fsn:o>",
    call: regex_next,
};

fn regex_next(_call: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let [Value::Function(f), Value::String(s), Value::Number(from)] = args.as_slice() else {
        return Ok(Value::Undefined);
    };
    let Function::Regex(r) = &**f else {
        return Ok(Value::Undefined);
    };
    let obj = r.next_object(s, *from as usize)?;
    Ok(with_next(obj, f, s))
}

/// Adds `next` to a regex match object.
fn with_next(obj: Value, regex: &Rc<Function>, s: &Rc<str>) -> Value {
    let Value::Object(mut o) = obj else {
        return obj;
    };
    let end = match o.get("end") {
        Some(Value::Number(n)) => *n,
        _ => return Value::Object(o),
    };
    let next = Function::Partial(Partial {
        target: Value::Function(Rc::new(Function::Native(&REGEX_NEXT))),
        args: vec![
            Some(Value::Function(regex.clone())),
            Some(Value::String(s.clone())),
            Some(Value::Number(end)),
        ],
    });
    Rc::make_mut(&mut o).insert("next".to_owned(), Value::Function(Rc::new(next)));
    Value::Object(o)
}

/// For a call whose procedure is a bare name (`uppercase(x)`), the name, in
/// case `$` was forgotten.
fn forgotten_dollar(procedure: &Expr) -> Option<&str> {
    match &procedure.kind {
        ExprKind::Path(p) => match p.steps.first().map(|s| &s.kind) {
            Some(ExprKind::Name(n)) => Some(n),
            Some(ExprKind::Variable(n)) => Some(n),
            _ => None,
        },
        _ => None,
    }
}

/// The name a call reports in errors.
fn proc_name(procedure: &Expr) -> Option<&str> {
    match &procedure.kind {
        ExprKind::Variable(n) => Some(n),
        ExprKind::Path(p) => match p.steps.first().map(|s| &s.kind) {
            Some(ExprKind::Name(n)) | Some(ExprKind::Variable(n)) => Some(n),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests;
