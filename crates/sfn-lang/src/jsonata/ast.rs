//! The JSONata syntax tree produced by [`parse`](super::parse).
//!
//! The tree is the *processed* tree of the reference implementation (jsonata-js
//! `parser.js` after its `processAST` pass), in Rust types: location paths are
//! flattened into [`Path`]s of steps, predicates are attached to the step or
//! expression they filter, `@`/`#` bindings, group-by and sort are recorded on
//! steps, and the parent operator `%` has been resolved to an ancestor label. An
//! evaluator walks it directly; no `.` or `[` binary nodes remain.
//!
//! The tree is owned (`Box`, `Vec`, `String`): it is built when a workflow is
//! compiled or loaded, not written as `static` items.

use std::fmt;

/// A byte range `start..end` in the text that was parsed.
///
/// Offsets are relative to the string given to [`parse`](super::parse), or to
/// the whole ASL string for [`parse_asl`](super::parse_asl).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// An expression node: what it is, where it is, and what postfix operators
/// apply to it.
///
/// A chain of left-associative operators (`1 + 2 + … + n`, `$x ~> $f ~> $g`)
/// is a tree as deep as the chain is long, leaning left: its [`Clone`],
/// [`PartialEq`], [`Debug`](fmt::Debug) and [`Drop`] follow such a chain in
/// a loop, so a chain of any length is safe on a small stack.
pub struct Expr {
    /// The kind of expression and its operands.
    pub kind: ExprKind,
    /// Where the expression is in the source.
    pub span: Span,
    /// Predicates, bindings and flags attached to this node; all empty for most
    /// nodes. Boxed to keep nodes small.
    pub ann: Box<Annotations>,
}

impl Expr {
    /// A node without annotations.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr {
            kind,
            span,
            ann: Box::default(),
        }
    }

    /// Calls `f` on each direct child expression: operands, path steps,
    /// arguments, and the expressions inside this node's [`Annotations`]
    /// (predicates, stages, group-by pairs).
    pub fn for_each_child<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        self.kind.for_each_child(&mut f);
        self.ann.for_each_child(&mut f);
    }

    /// Calls `f` on each direct child expression, mutably; the same children as
    /// [`Expr::for_each_child`].
    pub fn for_each_child_mut<'a>(&'a mut self, mut f: impl FnMut(&'a mut Expr)) {
        self.kind.for_each_child_mut(&mut f);
        self.ann.for_each_child_mut(&mut f);
    }

    /// Calls `f` on this expression and every expression inside it, each
    /// before its children, with a list of the nodes still to visit instead
    /// of recursion: any depth or chain length is safe.
    pub fn walk<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        let mut pending = vec![self];
        while let Some(e) = pending.pop() {
            f(e);
            let at = pending.len();
            e.for_each_child(|c| pending.push(c));
            // Visit the children in order.
            pending[at..].reverse();
        }
    }

    /// The left operand when this node is a link of a left-associative
    /// chain (`lhs + rhs`, `lhs ~> rhs`).
    pub fn chain_left(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Binary { lhs, .. } | ExprKind::Apply { lhs, .. } => Some(lhs),
            _ => None,
        }
    }

    /// This node and the links below it along [`Expr::chain_left`], outermost
    /// first, and the expression at the far left (not a link).
    fn chain(&self) -> (Vec<&Expr>, &Expr) {
        let mut links = Vec::new();
        let mut node = self;
        while let Some(left) = node.chain_left() {
            links.push(node);
            node = left;
        }
        (links, node)
    }
}

impl Clone for Expr {
    fn clone(&self) -> Expr {
        let (links, first) = self.chain();
        let mut out = Expr {
            kind: first.kind.clone(),
            span: first.span,
            ann: first.ann.clone(),
        };
        // Rebuild the chain from its far left, each link around the last.
        for link in links.into_iter().rev() {
            let kind = match &link.kind {
                ExprKind::Binary { op, rhs, .. } => ExprKind::Binary {
                    op: *op,
                    lhs: Box::new(out),
                    rhs: rhs.clone(),
                },
                ExprKind::Apply { rhs, .. } => ExprKind::Apply {
                    lhs: Box::new(out),
                    rhs: rhs.clone(),
                },
                other => other.clone(),
            };
            out = Expr {
                kind,
                span: link.span,
                ann: link.ann.clone(),
            };
        }
        out
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        let (mut a, mut b) = (self, other);
        loop {
            if a.span != b.span || a.ann != b.ann {
                return false;
            }
            match (&a.kind, &b.kind) {
                (
                    ExprKind::Binary { op, lhs, rhs },
                    ExprKind::Binary {
                        op: op_b,
                        lhs: lhs_b,
                        rhs: rhs_b,
                    },
                ) => {
                    if op != op_b || rhs != rhs_b {
                        return false;
                    }
                    (a, b) = (lhs, lhs_b);
                }
                (
                    ExprKind::Apply { lhs, rhs },
                    ExprKind::Apply {
                        lhs: lhs_b,
                        rhs: rhs_b,
                    },
                ) => {
                    if rhs != rhs_b {
                        return false;
                    }
                    (a, b) = (lhs, lhs_b);
                }
                (x, y) => return x == y,
            }
        }
    }
}

/// Chains longer than this are shown flat by `Debug`.
const DEBUG_NESTED_LINKS: usize = 32;

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (links, first) = self.chain();
        if links.len() <= DEBUG_NESTED_LINKS {
            return f
                .debug_struct("Expr")
                .field("kind", &self.kind)
                .field("span", &self.span)
                .field("ann", &self.ann)
                .finish();
        }
        /// One link of a long chain: the operator, right operand and node.
        struct Link<'a>(&'a Expr);
        impl fmt::Debug for Link<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut s = f.debug_struct("Link");
                match &self.0.kind {
                    ExprKind::Binary { op, rhs, .. } => s.field("op", op).field("rhs", rhs),
                    ExprKind::Apply { rhs, .. } => s.field("op", &"~>").field("rhs", rhs),
                    other => s.field("kind", other),
                };
                s.field("span", &self.0.span)
                    .field("ann", &self.0.ann)
                    .finish()
            }
        }
        f.debug_struct("Chain")
            .field("first", first)
            .field(
                "links",
                &links.iter().rev().map(|l| Link(l)).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Drop for Expr {
    fn drop(&mut self) {
        // Only a link whose left operand is a link starts a chain worth
        // unlinking; anything else drops as usual.
        if self.chain_left().and_then(Expr::chain_left).is_none() {
            return;
        }
        // Take each left operand out of its link before the link goes, so
        // the chain is freed one link at a time.
        let mut kind = std::mem::replace(&mut self.kind, ExprKind::Null);
        loop {
            let mut left = match kind {
                ExprKind::Binary { lhs, rhs, .. } | ExprKind::Apply { lhs, rhs } => {
                    drop(rhs);
                    lhs
                }
                _ => return,
            };
            kind = std::mem::replace(&mut left.kind, ExprKind::Null);
        }
    }
}

/// The kinds of JSONata expression.
///
/// `$`, `$$` and `$name` are three variants here but one kind (`variable`) in
/// jsonata-js: a path whose first step is any of them is evaluated against that
/// value rather than mapped over the context sequence. [`ExprKind::variable_name`]
/// gives the jsonata-js name of each.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A string literal `"…"` or `'…'`, escapes resolved. A string literal used
    /// as a path step becomes a [`ExprKind::Name`] instead.
    String(String),
    /// A number literal (always finite). `-` directly applied to a number
    /// literal is folded in, so `-1` is `Number(-1.0)`.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A regular expression literal `/pattern/flags`.
    Regex(RegexLiteral),
    /// A field name, bare (`name`) or backquoted (`` `a name` ``): selects that
    /// field of the context value. Appears only as a step of a [`Path`]; a lone
    /// name is a one-step path. `and`, `or` and `in` in operand position are
    /// names too.
    Name(String),
    /// `$`: the context value.
    Context,
    /// `$$`: the root input.
    Root,
    /// `$name`: a variable or function reference (name without the `$`).
    Variable(String),
    /// `*`: the values of all fields of the context object.
    Wildcard,
    /// `**`: the context value and all its descendants.
    Descendant,
    /// `%`: the parent of the context value. `label` identifies the ancestor:
    /// it is the [`Annotations::ancestor`] label of the step whose input is the
    /// wanted parent; an evaluator binds that step's input under the label.
    Parent {
        /// Ancestor label, shared with the step that records the parent.
        label: usize,
    },
    /// A location path `step.step.…` (at least one step).
    Path(Path),
    /// Unary minus `-x` (on anything but a number literal).
    Negate(Box<Expr>),
    /// A binary operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// An array constructor `[a, b, 1..3]`; ranges appear as
    /// [`BinaryOp::Range`] items.
    Array(Vec<Expr>),
    /// An object constructor `{key: value, …}` (keys are expressions).
    Object(Vec<(Expr, Expr)>),
    /// A block `(a; b; c)`: evaluates each in a new variable scope, yields the
    /// last. `()` is an empty block.
    Block(Vec<Expr>),
    /// `condition ? then : otherwise` (the `: otherwise` part is optional).
    Condition {
        /// The test.
        condition: Box<Expr>,
        /// Value when the test is truthy.
        then: Box<Expr>,
        /// Value when it is not; `None` yields nothing (undefined).
        otherwise: Option<Box<Expr>>,
    },
    /// Variable binding `$name := value`; yields the value.
    Bind {
        /// The variable bound.
        name: VarName,
        /// Its value.
        value: Box<Expr>,
    },
    /// A function call `f(a, b)`.
    Call {
        /// The function: usually a [`ExprKind::Variable`], but any expression.
        procedure: Box<Expr>,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// A partial application `f(a, ?)`: yields a function of the
    /// [`ExprKind::Placeholder`] arguments.
    Partial {
        /// The function being partially applied.
        procedure: Box<Expr>,
        /// The arguments, at least one of them a placeholder.
        args: Vec<Expr>,
    },
    /// `?` as an argument of a [`ExprKind::Partial`]; appears nowhere else.
    Placeholder,
    /// A function definition `function($x, $y)<sig>{ body }` (or `λ(…){…}`).
    Lambda(Box<Lambda>),
    /// Function application `lhs ~> rhs`: calls `rhs` with `lhs` as its first
    /// argument (or composes two functions).
    Apply {
        /// The value (or function) on the left.
        lhs: Box<Expr>,
        /// The function on the right.
        rhs: Box<Expr>,
    },
    /// Object transform `| pattern | update [, delete] |`.
    Transform {
        /// Selects the objects to change.
        pattern: Box<Expr>,
        /// An object to merge into each selected object.
        update: Box<Expr>,
        /// Field name(s) to remove from each selected object.
        delete: Option<Box<Expr>>,
    },
    /// Order-by `^(< a, > b)`: appears only as a step of a [`Path`], sorting the
    /// sequence produced by the steps before it.
    Sort(Vec<SortTerm>),
}

impl ExprKind {
    /// The name jsonata-js gives a variable node: `""` for `$`, `"$"` for `$$`,
    /// the name for `$name`; `None` for other kinds.
    pub fn variable_name(&self) -> Option<&str> {
        match self {
            ExprKind::Context => Some(""),
            ExprKind::Root => Some("$"),
            ExprKind::Variable(name) => Some(name),
            _ => None,
        }
    }

    fn for_each_child<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        match self {
            ExprKind::String(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Regex(_)
            | ExprKind::Name(_)
            | ExprKind::Context
            | ExprKind::Root
            | ExprKind::Variable(_)
            | ExprKind::Wildcard
            | ExprKind::Descendant
            | ExprKind::Parent { .. }
            | ExprKind::Placeholder => {}
            ExprKind::Path(path) => path.steps.iter().for_each(f),
            ExprKind::Negate(e) => f(e),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Apply { lhs, rhs } => {
                f(lhs);
                f(rhs);
            }
            ExprKind::Array(items) | ExprKind::Block(items) => items.iter().for_each(f),
            ExprKind::Object(pairs) => {
                for (k, v) in pairs {
                    f(k);
                    f(v);
                }
            }
            ExprKind::Condition {
                condition,
                then,
                otherwise,
            } => {
                f(condition);
                f(then);
                if let Some(e) = otherwise {
                    f(e);
                }
            }
            ExprKind::Bind { value, .. } => f(value),
            ExprKind::Call { procedure, args } | ExprKind::Partial { procedure, args } => {
                f(procedure);
                args.iter().for_each(f);
            }
            ExprKind::Lambda(lambda) => f(&lambda.body),
            ExprKind::Transform {
                pattern,
                update,
                delete,
            } => {
                f(pattern);
                f(update);
                if let Some(e) = delete {
                    f(e);
                }
            }
            ExprKind::Sort(terms) => terms.iter().for_each(|t| f(&t.expr)),
        }
    }

    fn for_each_child_mut<'a>(&'a mut self, f: &mut impl FnMut(&'a mut Expr)) {
        match self {
            ExprKind::String(_)
            | ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Regex(_)
            | ExprKind::Name(_)
            | ExprKind::Context
            | ExprKind::Root
            | ExprKind::Variable(_)
            | ExprKind::Wildcard
            | ExprKind::Descendant
            | ExprKind::Parent { .. }
            | ExprKind::Placeholder => {}
            ExprKind::Path(path) => path.steps.iter_mut().for_each(f),
            ExprKind::Negate(e) => f(e),
            ExprKind::Binary { lhs, rhs, .. } | ExprKind::Apply { lhs, rhs } => {
                f(lhs);
                f(rhs);
            }
            ExprKind::Array(items) | ExprKind::Block(items) => items.iter_mut().for_each(f),
            ExprKind::Object(pairs) => {
                for (k, v) in pairs {
                    f(k);
                    f(v);
                }
            }
            ExprKind::Condition {
                condition,
                then,
                otherwise,
            } => {
                f(condition);
                f(then);
                if let Some(e) = otherwise {
                    f(e);
                }
            }
            ExprKind::Bind { value, .. } => f(value),
            ExprKind::Call { procedure, args } | ExprKind::Partial { procedure, args } => {
                f(procedure);
                args.iter_mut().for_each(f);
            }
            ExprKind::Lambda(lambda) => f(&mut lambda.body),
            ExprKind::Transform {
                pattern,
                update,
                delete,
            } => {
                f(pattern);
                f(update);
                if let Some(e) = delete {
                    f(e);
                }
            }
            ExprKind::Sort(terms) => terms.iter_mut().for_each(|t| f(&mut t.expr)),
        }
    }
}

/// What postfix syntax attaches to an expression or path step.
///
/// Each field corresponds to a property of a jsonata-js processed node and is
/// evaluated as jsonata-js does. Most nodes have none of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Annotations {
    /// Filters `expr[...]` on an expression that is *not* a path step (a
    /// variable, block, literal, call …), in order. Each is applied to the
    /// expression's own result: a number selects by index (negative from the
    /// end), anything else keeps the items for which it is truthy (jsonata-js
    /// `predicate`).
    pub predicates: Vec<Expr>,
    /// On a path step: the filters and index bindings written after the step,
    /// in order (jsonata-js `stages`). Filters apply to each input item's
    /// results; in a tuple stream they apply to the whole stream.
    pub stages: Vec<Stage>,
    /// Group-by `expr{key: value}`: turns the result into one object, grouping
    /// items by key (jsonata-js `group`). On a [`Path`] it applies to the
    /// path's final result.
    pub group: Option<Group>,
    /// `step@$v`: binds each result of this step to `$v` while the context
    /// stays the step's input (jsonata-js `focus`). Makes the path a tuple
    /// stream.
    pub focus: Option<VarName>,
    /// `step#$i` written directly after the step: binds the position of each
    /// result within the step's output for one input item (jsonata-js
    /// `index`). An index binding after a filter is a [`Stage::Index`] instead.
    pub index: Option<VarName>,
    /// Evaluate this step (or path, or block) as a tuple stream carrying
    /// variable bindings (jsonata-js `tuple`); set by `@`, `#` and the
    /// resolution of `%`.
    pub tuple: bool,
    /// `expr[]`: keep a singleton array result as an array (jsonata-js
    /// `keepArray`).
    pub keep_array: bool,
    /// On an array constructor that is the first or last step of a path, or a
    /// block containing such a path: its array is not flattened into the
    /// result sequence (jsonata-js `consarray`).
    pub cons_array: bool,
    /// On a step that a `%` refers to: the label of the [`ExprKind::Parent`]
    /// that reads this step's input (jsonata-js `ancestor`).
    pub ancestor: Option<usize>,
}

impl Annotations {
    /// True when nothing is attached.
    pub fn is_empty(&self) -> bool {
        *self == Annotations::default()
    }

    fn for_each_child<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        self.predicates.iter().for_each(&mut *f);
        for stage in &self.stages {
            if let Stage::Filter(e) = stage {
                f(e);
            }
        }
        if let Some(group) = &self.group {
            for (k, v) in &group.pairs {
                f(k);
                f(v);
            }
        }
    }

    fn for_each_child_mut<'a>(&'a mut self, f: &mut impl FnMut(&'a mut Expr)) {
        self.predicates.iter_mut().for_each(&mut *f);
        for stage in &mut self.stages {
            if let Stage::Filter(e) = stage {
                f(e);
            }
        }
        if let Some(group) = &mut self.group {
            for (k, v) in &mut group.pairs {
                f(k);
                f(v);
            }
        }
    }
}

/// A location path: steps evaluated left to right, each over every item the
/// previous step produced (or over tuples, if a step is a tuple step).
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The steps (never empty). A step is any expression; names, `*`, `**`,
    /// `%`, sorts and constructors are the common ones.
    pub steps: Vec<Expr>,
    /// Some step carries `[]`: keep a singleton result as an array
    /// (jsonata-js `keepSingletonArray`).
    pub keep_singleton_array: bool,
}

/// A stage on a path step (see [`Annotations::stages`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// A filter `[expr]`.
    Filter(Expr),
    /// A position binding `#$i` written after a filter.
    Index(VarName),
}

/// A group-by clause `{key: value, …}` written after an expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The key and value expressions.
    pub pairs: Vec<(Expr, Expr)>,
    /// Where the `{…}` is.
    pub span: Span,
}

/// One term of a sort `^(…)`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortTerm {
    /// `>` (descending) rather than `<` or nothing (ascending).
    pub descending: bool,
    /// The sort key, evaluated with each item as context.
    pub expr: Expr,
}

/// A variable name in a binding position (`$x := …`, `@$x`, `#$i`, lambda
/// parameters).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VarName {
    /// The name without the `$` (`""` for `$`, `"$"` for `$$`).
    pub name: String,
    /// Where `$name` is.
    pub span: Span,
}

/// A function definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// The parameters, in order.
    pub params: Vec<VarName>,
    /// The `<…>` type signature, if written.
    pub signature: Option<Signature>,
    /// The body.
    pub body: Expr,
}

/// A regular expression literal `/pattern/flags`.
///
/// The pattern is ECMAScript regular-expression syntax, kept verbatim; the
/// parser has checked it for the errors a JavaScript engine reports when the
/// expression is compiled (unbalanced groups, nothing to repeat, ranges out of
/// order …). Matching is always global (jsonata-js adds the `g` flag).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegexLiteral {
    /// The text between the slashes.
    pub pattern: String,
    /// The `i` flag.
    pub ignore_case: bool,
    /// The `m` flag.
    pub multiline: bool,
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `%`
    Modulo,
    /// `&` (string concatenation)
    Concat,
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterEqual,
    /// `and`
    And,
    /// `or`
    Or,
    /// `in` (membership)
    In,
    /// `..` (integer range; only as an item of an array constructor)
    Range,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Concat => "&",
            BinaryOp::Equal => "=",
            BinaryOp::NotEqual => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEqual => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::In => "in",
            BinaryOp::Range => "..",
        }
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A function signature `<…>` on a lambda, e.g. `<n-n?:n>`.
///
/// Parsed as jsonata-js does: parameter types and their modifiers are
/// recorded; the return type after `:` is kept only in [`Signature::text`];
/// characters that are not type symbols are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    /// The signature as written (whitespace removed), including `<` and `>`.
    pub text: String,
    /// The parameter types, in order.
    pub params: Vec<SignatureParam>,
}

/// One parameter of a [`Signature`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignatureParam {
    /// The accepted type(s).
    pub ty: ParamType,
    /// The type parameter of `a<…>` or `f<…>`, as written.
    pub subtype: Option<String>,
    /// `?`: the argument may be omitted.
    pub optional: bool,
    /// `+`: one or more arguments of this type.
    pub one_or_more: bool,
    /// `-`: if the argument is omitted, the context value is used.
    pub use_context: bool,
}

/// Parameter types in a [`Signature`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `b`
    Boolean,
    /// `n`
    Number,
    /// `s`
    String,
    /// `l`
    Null,
    /// `a`
    Array,
    /// `o`
    Object,
    /// `f`
    Function,
    /// `j`: any JSON value.
    Json,
    /// `x`: any value.
    Any,
    /// `(…)`: any of the type symbols listed, as written.
    Choice(String),
}
