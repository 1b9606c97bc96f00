//! The JSONata expression parser: a Pratt (top-down operator precedence)
//! parser producing a raw syntax tree, which [`process`](super::process) then
//! turns into the public [`Expr`](super::Expr) tree.
//!
//! Binding powers, and which tokens are read in operand position (where `/`
//! starts a regular expression), are those of jsonata-js 2.0.6, so the same
//! strings are accepted and rejected:
//!
//! | power | operators |
//! |---|---|
//! | 80 | `(` call, `[` filter, `@`, `#` |
//! | 75 | `.` |
//! | 70 | `{` group-by; operand of unary `-` |
//! | 60 | `*` `/` `%` |
//! | 50 | `+` `-` `&` |
//! | 40 | `=` `!=` `<` `<=` `>` `>=` `in` `^` `~>` |
//! | 30 | `and` |
//! | 25 | `or` |
//! | 20 | `?` |
//! | 10 | `:=` (right-associative) |

// Operands are passed boxed on purpose: a boxed operand is one pointer on
// the stack, and these functions recurse once per nesting level.
#![allow(clippy::boxed_local)]

use super::MAX_DEPTH;
use super::ast::{BinaryOp, RegexLiteral, Signature, Span, VarName};
use super::lexer::{Lexer, Op, Tok, Token};
use super::signature::parse_signature;
use crate::SyntaxError;

/// A raw syntax-tree node: the parse before path flattening.
#[derive(Debug)]
pub(super) struct Syn {
    pub(super) kind: SynKind,
    pub(super) span: Span,
    /// `[]` followed this node.
    pub(super) keep_array: bool,
    /// Height of the tree below and including this node.
    depth: usize,
}

impl Syn {
    /// The kind, span and `[]` flag, taken out of the node (which has a
    /// `Drop` implementation, so its fields cannot simply be moved out).
    pub(super) fn into_parts(mut self) -> (SynKind, Span, bool) {
        let kind = std::mem::replace(&mut self.kind, SynKind::Null);
        (kind, self.span, self.keep_array)
    }
}

impl Drop for Syn {
    /// Frees a left-associative chain (which may be 100,000 links long when
    /// the parse fails after it) one link at a time rather than recursively.
    fn drop(&mut self) {
        fn take_left(kind: SynKind) -> Option<Box<Syn>> {
            match kind {
                SynKind::Binary(_, left, _)
                | SynKind::Dot(left, _)
                | SynKind::Apply(left, _)
                | SynKind::Filter(left, _, _)
                | SynKind::Group(left, _, _)
                | SynKind::Sort(left, _, _)
                | SynKind::Focus(left, _, _)
                | SynKind::Index(left, _) => Some(left),
                _ => None,
            }
        }
        fn left(kind: &SynKind) -> Option<&Syn> {
            match kind {
                SynKind::Binary(_, left, _)
                | SynKind::Dot(left, _)
                | SynKind::Apply(left, _)
                | SynKind::Filter(left, _, _)
                | SynKind::Group(left, _, _)
                | SynKind::Sort(left, _, _)
                | SynKind::Focus(left, _, _)
                | SynKind::Index(left, _) => Some(left),
                _ => None,
            }
        }
        // Only a link whose left operand is a link starts a chain.
        if left(&self.kind).and_then(|l| left(&l.kind)).is_none() {
            return;
        }
        let mut kind = std::mem::replace(&mut self.kind, SynKind::Null);
        while let Some(mut left) = take_left(kind) {
            kind = std::mem::replace(&mut left.kind, SynKind::Null);
        }
    }
}

#[derive(Debug)]
pub(super) enum SynKind {
    String(String),
    Number(f64),
    Bool(bool),
    Null,
    Regex(RegexLiteral),
    Name(String),
    Variable(String),
    Wildcard,
    Descendant,
    Parent,
    Placeholder,
    Negate(Box<Syn>),
    Array(Vec<Syn>),
    Range(Box<Syn>, Box<Syn>),
    Object(Vec<(Syn, Syn)>),
    Block(Vec<Syn>),
    Transform {
        pattern: Box<Syn>,
        update: Box<Syn>,
        delete: Option<Box<Syn>>,
    },
    Binary(BinaryOp, Box<Syn>, Box<Syn>),
    Dot(Box<Syn>, Box<Syn>),
    /// `lhs[rhs]`; the span is that of the `[`.
    Filter(Box<Syn>, Box<Syn>, Span),
    /// `lhs{pairs}`; the span is that of the braces.
    Group(Box<Syn>, Vec<(Syn, Syn)>, Span),
    /// `lhs^(terms)`; the span is that of `^(…)`.
    Sort(Box<Syn>, Vec<(bool, Syn)>, Span),
    /// `lhs@$var`; the span is that of the `@`.
    Focus(Box<Syn>, VarName, Span),
    /// `lhs#$var`.
    Index(Box<Syn>, VarName),
    Bind(VarName, Box<Syn>),
    Apply(Box<Syn>, Box<Syn>),
    Call {
        procedure: Box<Syn>,
        args: Vec<Syn>,
        partial: bool,
    },
    Lambda {
        params: Vec<VarName>,
        signature: Option<Box<Signature>>,
        body: Box<Syn>,
    },
    Condition {
        condition: Box<Syn>,
        then: Box<Syn>,
        otherwise: Option<Box<Syn>>,
    },
}

impl SynKind {
    /// The nesting depth of a node of this kind: one more than its deepest
    /// child, except that the left operand of a left-associative chain
    /// (`a + b + c`, `a.b.c`, `x ~> f ~> g`, `a[0][1]`, `a{…}`, `a^(…)`,
    /// `a@$v`, `a#$i`) adds no level: such chains are processed and
    /// evaluated in loops, so `1 + 1 + … + 1` with 10,000 terms is two
    /// levels deep, while `1 + (1 + (…))` is as deep as its parentheses.
    fn depth(&self) -> usize {
        fn pairs(p: &[(Syn, Syn)]) -> usize {
            p.iter()
                .map(|(k, v)| k.depth.max(v.depth))
                .max()
                .unwrap_or(0)
        }
        match self {
            SynKind::Binary(_, left, right)
            | SynKind::Dot(left, right)
            | SynKind::Apply(left, right)
            | SynKind::Filter(left, right, _) => left.depth.max(right.depth + 1),
            SynKind::Group(left, p, _) => left.depth.max(pairs(p) + 1),
            SynKind::Sort(left, terms, _) => terms
                .iter()
                .map(|(_, t)| t.depth + 1)
                .fold(left.depth, usize::max),
            SynKind::Focus(left, _, _) | SynKind::Index(left, _) => left.depth,
            other => other.child_depth() + 1,
        }
    }

    /// The greatest depth among the children.
    fn child_depth(&self) -> usize {
        fn d(s: &Syn) -> usize {
            s.depth
        }
        fn pairs(p: &[(Syn, Syn)]) -> usize {
            p.iter().map(|(k, v)| d(k).max(d(v))).max().unwrap_or(0)
        }
        fn list(l: &[Syn]) -> usize {
            l.iter().map(d).max().unwrap_or(0)
        }
        match self {
            SynKind::String(_)
            | SynKind::Number(_)
            | SynKind::Bool(_)
            | SynKind::Null
            | SynKind::Regex(_)
            | SynKind::Name(_)
            | SynKind::Variable(_)
            | SynKind::Wildcard
            | SynKind::Descendant
            | SynKind::Parent
            | SynKind::Placeholder => 0,
            SynKind::Negate(e)
            | SynKind::Bind(_, e)
            | SynKind::Focus(e, _, _)
            | SynKind::Index(e, _) => d(e),
            SynKind::Array(l) | SynKind::Block(l) => list(l),
            SynKind::Range(a, b)
            | SynKind::Binary(_, a, b)
            | SynKind::Dot(a, b)
            | SynKind::Filter(a, b, _)
            | SynKind::Apply(a, b) => d(a).max(d(b)),
            SynKind::Object(p) => pairs(p),
            SynKind::Group(e, p, _) => d(e).max(pairs(p)),
            SynKind::Sort(e, terms, _) => terms.iter().map(|(_, t)| d(t)).fold(d(e), usize::max),
            SynKind::Transform {
                pattern,
                update,
                delete,
            } => d(pattern)
                .max(d(update))
                .max(delete.as_deref().map_or(0, d)),
            SynKind::Call {
                procedure, args, ..
            } => d(procedure).max(list(args)),
            SynKind::Lambda { body, .. } => d(body),
            SynKind::Condition {
                condition,
                then,
                otherwise,
            } => d(condition)
                .max(d(then))
                .max(otherwise.as_deref().map_or(0, d)),
        }
    }
}

/// Left binding power of a token: how strongly it binds to the expression on
/// its left. Zero ends an expression.
fn left_binding_power(tok: &Tok) -> u8 {
    match tok {
        Tok::Op(op) => match op {
            Op::LBracket | Op::LParen | Op::At | Op::Hash => 80,
            Op::Dot => 75,
            Op::LBrace => 70,
            Op::Star | Op::Slash | Op::Percent => 60,
            Op::Plus | Op::Minus | Op::Amp => 50,
            Op::Equal
            | Op::NotEqual
            | Op::Less
            | Op::LessEqual
            | Op::Greater
            | Op::GreaterEqual
            | Op::In
            | Op::Caret
            | Op::Chain => 40,
            Op::And => 30,
            Op::Or => 25,
            Op::Question => 20,
            Op::Assign => 10,
            Op::RBracket
            | Op::RBrace
            | Op::RParen
            | Op::Comma
            | Op::Semicolon
            | Op::Colon
            | Op::Pipe
            | Op::StarStar
            | Op::DotDot => 0,
        },
        _ => 0,
    }
}

pub(super) struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The current (not yet consumed) token.
    tok: Token,
    /// Nesting of `expression` calls.
    depth: usize,
}

/// Parses a whole expression into a raw tree. `base` is added to every offset.
pub(super) fn parse_raw(src: &str, base: usize) -> Result<Syn, SyntaxError> {
    let mut lexer = Lexer::new(src, base);
    let tok = lexer.next(false)?;
    let mut parser = Parser {
        lexer,
        tok,
        depth: 0,
    };
    let expr = parser.expression(0)?;
    if parser.tok.tok != Tok::End {
        return Err(SyntaxError::new(
            parser.tok.span.start,
            format!(
                "syntax error: unexpected {} (JSONata S0201)",
                parser.describe(&parser.tok)
            ),
        ));
    }
    Ok(expr)
}

impl Parser<'_> {
    /// Consumes the current token and reads the next one; `infix` tells the
    /// lexer the next token is in operator position.
    fn advance(&mut self, infix: bool) -> Result<Token, SyntaxError> {
        let next = self.lexer.next(infix)?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn at(&self, op: Op) -> bool {
        self.tok.tok == Tok::Op(op)
    }

    /// Consumes the current token, which must be `op`.
    fn expect(&mut self, op: Op, infix: bool) -> Result<Token, SyntaxError> {
        if !self.at(op) {
            let message = if self.tok.tok == Tok::End {
                format!(
                    "expected `{}` before the end of the expression (JSONata S0203)",
                    op.as_str()
                )
            } else {
                format!(
                    "expected `{}`, got {} (JSONata S0202)",
                    op.as_str(),
                    self.describe(&self.tok)
                )
            };
            return Err(SyntaxError::new(self.tok.span.start, message));
        }
        self.advance(infix)
    }

    /// A token as quoted in messages.
    fn describe(&self, token: &Token) -> String {
        if token.tok == Tok::End {
            return "end of expression".to_owned();
        }
        let text = self.lexer.text(token.span);
        if text.chars().count() > 40 {
            let short: String = text.chars().take(40).collect();
            format!("`{short}…`")
        } else {
            format!("`{text}`")
        }
    }

    /// A node, checking that the tree does not grow deeper than [`MAX_DEPTH`]
    /// (left-associative chains count as one level; see [`SynKind::depth`]).
    fn node(&self, kind: SynKind, span: Span) -> Result<Syn, SyntaxError> {
        let depth = kind.depth();
        if depth > MAX_DEPTH {
            return Err(too_deep(span.start));
        }
        Ok(Syn {
            kind,
            span,
            keep_array: false,
            depth,
        })
    }

    /// Parses an expression whose operators bind more tightly than `rbp`.
    ///
    /// This and the functions it calls recurse once per nesting level, so
    /// each construct has its own small function: in unoptimised builds a
    /// function's frame holds every local of every branch.
    fn expression(&mut self, rbp: u8) -> Result<Syn, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(too_deep(self.tok.span.start));
        }
        let token = self.advance(true)?;
        let mut left = self.prefix(token)?;
        while rbp < left_binding_power(&self.tok.tok) {
            let token = self.advance(false)?;
            left = self.infix(token, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    /// Parses the expression that starts with `token` (already consumed).
    fn prefix(&mut self, token: Token) -> Result<Syn, SyntaxError> {
        let span = token.span;
        let kind = match token.tok {
            Tok::End => {
                return Err(SyntaxError::new(
                    span.start,
                    "unexpected end of expression (JSONata S0207)",
                ));
            }
            Tok::Name(name) => SynKind::Name(name),
            Tok::Variable(name) => SynKind::Variable(name),
            Tok::String(s) => SynKind::String(s),
            Tok::Number(n) => SynKind::Number(n),
            Tok::Bool(b) => SynKind::Bool(b),
            Tok::Null => SynKind::Null,
            Tok::Regex(r) => SynKind::Regex(r),
            // The keyword operators double as field names.
            Tok::Op(op @ (Op::And | Op::Or | Op::In)) => SynKind::Name(op.as_str().to_owned()),
            Tok::Op(Op::Star) => SynKind::Wildcard,
            Tok::Op(Op::StarStar) => SynKind::Descendant,
            Tok::Op(Op::Percent) => SynKind::Parent,
            Tok::Op(Op::Minus) => return self.negate(span),
            Tok::Op(Op::LParen) => return self.block(span),
            Tok::Op(Op::LBracket) => return self.array(span),
            Tok::Op(Op::LBrace) => return self.object(span),
            Tok::Op(Op::Pipe) => return self.transform(span),
            Tok::Op(op) => return Err(cannot_start(op, span)),
        };
        self.node(kind, span)
    }

    /// `-operand`; `minus` is the span of the `-`.
    fn negate(&mut self, minus: Span) -> Result<Syn, SyntaxError> {
        let operand = Box::new(self.expression(70)?);
        let span = minus.to(operand.span);
        self.node(SynKind::Negate(operand), span)
    }

    /// `( a; b; … )` after the `(`.
    fn block(&mut self, open: Span) -> Result<Syn, SyntaxError> {
        let mut exprs = Vec::new();
        while !self.at(Op::RParen) {
            exprs.push(self.expression(0)?);
            if !self.at(Op::Semicolon) {
                break;
            }
            self.expect(Op::Semicolon, false)?;
        }
        let close = self.expect(Op::RParen, true)?;
        self.node(SynKind::Block(exprs), open.to(close.span))
    }

    /// `[ item, … ]` after the `[`, where an item may be a range `a..b`.
    fn array(&mut self, open: Span) -> Result<Syn, SyntaxError> {
        let mut items = Vec::new();
        if !self.at(Op::RBracket) {
            loop {
                let item = self.expression(0)?;
                let item = if self.at(Op::DotDot) {
                    self.range(item)?
                } else {
                    item
                };
                items.push(item);
                if !self.at(Op::Comma) {
                    break;
                }
                self.expect(Op::Comma, false)?;
            }
        }
        let close = self.expect(Op::RBracket, true)?;
        self.node(SynKind::Array(items), open.to(close.span))
    }

    /// `from .. to` in an array constructor; the current token is `..`.
    fn range(&mut self, from: Syn) -> Result<Syn, SyntaxError> {
        self.expect(Op::DotDot, false)?;
        let to = self.expression(0)?;
        let span = from.span.to(to.span);
        self.node(SynKind::Range(Box::new(from), Box::new(to)), span)
    }

    /// `{ key: value, … }` after the `{`.
    fn object(&mut self, open: Span) -> Result<Syn, SyntaxError> {
        let (pairs, close) = self.object_body()?;
        self.node(SynKind::Object(pairs), open.to(close))
    }

    /// `| pattern | update [, delete] |` after the first `|`.
    fn transform(&mut self, open: Span) -> Result<Syn, SyntaxError> {
        let pattern = Box::new(self.expression(0)?);
        self.expect(Op::Pipe, false)?;
        let update = Box::new(self.expression(0)?);
        let delete = if self.at(Op::Comma) {
            self.expect(Op::Comma, false)?;
            Some(Box::new(self.expression(0)?))
        } else {
            None
        };
        let close = self.expect(Op::Pipe, false)?;
        let kind = SynKind::Transform {
            pattern,
            update,
            delete,
        };
        self.node(kind, open.to(close.span))
    }

    /// Parses `key: value, …}` after a `{`; returns the pairs and the span of
    /// the closing brace.
    #[allow(clippy::type_complexity)]
    fn object_body(&mut self) -> Result<(Vec<(Syn, Syn)>, Span), SyntaxError> {
        let mut pairs = Vec::new();
        if !self.at(Op::RBrace) {
            loop {
                pairs.push(self.pair()?);
                if !self.at(Op::Comma) {
                    break;
                }
                self.expect(Op::Comma, false)?;
            }
        }
        let close = self.expect(Op::RBrace, true)?;
        Ok((pairs, close.span))
    }

    /// `key: value`.
    fn pair(&mut self) -> Result<(Syn, Syn), SyntaxError> {
        let key = self.expression(0)?;
        self.expect(Op::Colon, false)?;
        let value = self.expression(0)?;
        Ok((key, value))
    }

    /// Parses what follows the operator `token` (already consumed) with `left`
    /// as its left operand.
    fn infix(&mut self, token: Token, left: Syn) -> Result<Syn, SyntaxError> {
        let Tok::Op(op) = token.tok else {
            // Only operators have a left binding power.
            return Err(SyntaxError::new(
                token.span.start,
                "syntax error (JSONata S0201)",
            ));
        };
        // Box the left operand once: passing it by value to each branch would
        // give every branch its own copy in unoptimised builds.
        let left = Box::new(left);
        match op {
            Op::Plus => self.binary(BinaryOp::Add, 50, left),
            Op::Minus => self.binary(BinaryOp::Subtract, 50, left),
            Op::Amp => self.binary(BinaryOp::Concat, 50, left),
            Op::Star => self.binary(BinaryOp::Multiply, 60, left),
            Op::Slash => self.binary(BinaryOp::Divide, 60, left),
            Op::Percent => self.binary(BinaryOp::Modulo, 60, left),
            Op::Equal => self.binary(BinaryOp::Equal, 40, left),
            Op::NotEqual => self.binary(BinaryOp::NotEqual, 40, left),
            Op::Less => self.binary(BinaryOp::Less, 40, left),
            Op::LessEqual => self.binary(BinaryOp::LessEqual, 40, left),
            Op::Greater => self.binary(BinaryOp::Greater, 40, left),
            Op::GreaterEqual => self.binary(BinaryOp::GreaterEqual, 40, left),
            Op::In => self.binary(BinaryOp::In, 40, left),
            Op::And => self.binary(BinaryOp::And, 30, left),
            Op::Or => self.binary(BinaryOp::Or, 25, left),
            Op::Dot => self.dot(left),
            Op::Chain => self.chain(left),
            Op::LParen => self.call(left),
            Op::LBracket => self.filter(left, token.span),
            Op::LBrace => self.group(left, token.span),
            Op::Caret => self.sort(left, token.span),
            Op::Assign => self.bind(left),
            Op::At | Op::Hash => self.binding(op, left, token.span),
            Op::Question => self.condition(left, token.span),
            _ => Err(SyntaxError::new(
                token.span.start,
                format!("syntax error: unexpected `{}` (JSONata S0201)", op.as_str()),
            )),
        }
    }

    /// `left op rhs` for the arithmetic, comparison and boolean operators.
    fn binary(&mut self, op: BinaryOp, power: u8, left: Box<Syn>) -> Result<Syn, SyntaxError> {
        let rhs = self.expression(power)?;
        let span = left.span.to(rhs.span);
        self.node(SynKind::Binary(op, left, Box::new(rhs)), span)
    }

    /// `left.rhs`.
    fn dot(&mut self, left: Box<Syn>) -> Result<Syn, SyntaxError> {
        let rhs = self.expression(75)?;
        let span = left.span.to(rhs.span);
        self.node(SynKind::Dot(left, Box::new(rhs)), span)
    }

    /// `left ~> rhs`.
    fn chain(&mut self, left: Box<Syn>) -> Result<Syn, SyntaxError> {
        let rhs = self.expression(40)?;
        let span = left.span.to(rhs.span);
        self.node(SynKind::Apply(left, Box::new(rhs)), span)
    }

    /// `left[predicate]` or `left[]`; `open` is the span of the `[`.
    fn filter(&mut self, mut left: Box<Syn>, open: Span) -> Result<Syn, SyntaxError> {
        if self.at(Op::RBracket) {
            // `[]`: keep singleton arrays, flagged on the innermost node that
            // is not itself a filter.
            set_keep_array(&mut left);
            let close = self.advance(false)?;
            left.span = left.span.to(close.span);
            return Ok(*left);
        }
        let predicate = self.expression(0)?;
        let close = self.expect(Op::RBracket, true)?;
        let span = left.span.to(close.span);
        self.node(SynKind::Filter(left, Box::new(predicate), open), span)
    }

    /// `left{key: value, …}`; `open` is the span of the `{`.
    fn group(&mut self, left: Box<Syn>, open: Span) -> Result<Syn, SyntaxError> {
        let (pairs, close) = self.object_body()?;
        let span = left.span.to(close);
        self.node(SynKind::Group(left, pairs, open.to(close)), span)
    }

    /// `left^(<a, >b)`; `caret` is the span of the `^`.
    fn sort(&mut self, left: Box<Syn>, caret: Span) -> Result<Syn, SyntaxError> {
        self.expect(Op::LParen, false)?;
        let mut terms = Vec::new();
        loop {
            terms.push(self.sort_term()?);
            if !self.at(Op::Comma) {
                break;
            }
            self.expect(Op::Comma, false)?;
        }
        let close = self.expect(Op::RParen, false)?;
        let span = left.span.to(close.span);
        self.node(SynKind::Sort(left, terms, caret.to(close.span)), span)
    }

    /// `[<|>] expr` in a sort.
    fn sort_term(&mut self) -> Result<(bool, Syn), SyntaxError> {
        let mut descending = false;
        if self.at(Op::Less) {
            self.advance(false)?;
        } else if self.at(Op::Greater) {
            descending = true;
            self.advance(false)?;
        }
        Ok((descending, self.expression(0)?))
    }

    /// `$name := value`.
    fn bind(&mut self, left: Box<Syn>) -> Result<Syn, SyntaxError> {
        let SynKind::Variable(name) = &left.kind else {
            return Err(SyntaxError::new(
                left.span.start,
                "the left side of `:=` must be a variable name (start with `$`) \
                 (JSONata S0212)",
            ));
        };
        let name = VarName {
            name: name.clone(),
            span: left.span,
        };
        let value = self.expression(9)?;
        let span = left.span.to(value.span);
        self.node(SynKind::Bind(name, Box::new(value)), span)
    }

    /// `left@$var` or `left#$var`; `at` is the span of the operator.
    fn binding(&mut self, op: Op, left: Box<Syn>, at: Span) -> Result<Syn, SyntaxError> {
        let (rhs_kind, rhs_span, _) = self.expression(80)?.into_parts();
        let SynKind::Variable(name) = rhs_kind else {
            return Err(SyntaxError::new(
                rhs_span.start,
                format!(
                    "the right side of `{}` must be a variable name (start with `$`) \
                     (JSONata S0214)",
                    op.as_str()
                ),
            ));
        };
        let var = VarName {
            name,
            span: rhs_span,
        };
        let span = left.span.to(rhs_span);
        let kind = if op == Op::At {
            SynKind::Focus(left, var, at)
        } else {
            SynKind::Index(left, var)
        };
        self.node(kind, span)
    }

    /// `left ? then [: otherwise]`; `question` is the span of the `?`.
    fn condition(&mut self, left: Box<Syn>, question: Span) -> Result<Syn, SyntaxError> {
        // `??` and `?:` arrived in JSONata 2.1; say so rather than reporting
        // a stray symbol.
        let adjacent = self.tok.span.start == question.end;
        if adjacent && self.at(Op::Question) {
            return Err(SyntaxError::new(
                question.start,
                "`??` is not JSONata 2.0.6 syntax (it arrived in JSONata 2.1, and AWS Step \
                 Functions uses 2.0.6): write `$exists(a) ? a : b`",
            ));
        }
        if adjacent && self.at(Op::Colon) {
            return Err(SyntaxError::new(
                question.start,
                "`?:` is not JSONata 2.0.6 syntax (it arrived in JSONata 2.1, and AWS Step \
                 Functions uses 2.0.6): write `a ? a : b`",
            ));
        }
        let then = Box::new(self.expression(0)?);
        let otherwise = if self.at(Op::Colon) {
            self.expect(Op::Colon, false)?;
            Some(Box::new(self.expression(0)?))
        } else {
            None
        };
        let end = otherwise.as_ref().map_or(then.span, |e| e.span);
        let span = left.span.to(end);
        self.node(
            SynKind::Condition {
                condition: left,
                then,
                otherwise,
            },
            span,
        )
    }

    /// A call `left(args)`, a partial application, or a function definition
    /// when `left` is the name `function` or `λ`.
    fn call(&mut self, left: Box<Syn>) -> Result<Syn, SyntaxError> {
        let mut args = Vec::new();
        let mut partial = false;
        if !self.at(Op::RParen) {
            loop {
                if self.at(Op::Question) {
                    let q = self.advance(false)?;
                    args.push(self.node(SynKind::Placeholder, q.span)?);
                    partial = true;
                } else {
                    args.push(self.expression(0)?);
                }
                if !self.at(Op::Comma) {
                    break;
                }
                self.expect(Op::Comma, false)?;
            }
        }
        let close = self.expect(Op::RParen, true)?;
        let is_lambda = matches!(&left.kind, SynKind::Name(n) if n == "function" || n == "λ");
        if is_lambda {
            return self.lambda(left, args);
        }
        let span = left.span.to(close.span);
        self.node(
            SynKind::Call {
                procedure: left,
                args,
                partial,
            },
            span,
        )
    }

    /// The rest of a function definition `function(args)<sig>{body}`, after
    /// the `)`.
    fn lambda(&mut self, left: Box<Syn>, args: Vec<Syn>) -> Result<Syn, SyntaxError> {
        let mut params = Vec::with_capacity(args.len());
        for (index, arg) in args.into_iter().enumerate() {
            match arg.into_parts() {
                (SynKind::Variable(name), span, _) => params.push(VarName { name, span }),
                (_, span, _) => {
                    return Err(SyntaxError::new(
                        span.start,
                        format!(
                            "parameter {} of a function definition must be a variable name \
                             (start with `$`) (JSONata S0208)",
                            index + 1
                        ),
                    ));
                }
            }
        }
        let signature = if self.at(Op::Less) {
            Some(Box::new(self.signature()?))
        } else {
            None
        };
        self.expect(Op::LBrace, false)?;
        let body = self.expression(0)?;
        let close = self.expect(Op::RBrace, false)?;
        let span = left.span.to(close.span);
        self.node(
            SynKind::Lambda {
                params,
                signature,
                body: Box::new(body),
            },
            span,
        )
    }

    /// A `<…>` signature; the current token is the `<`. As in jsonata-js, the
    /// signature is read as tokens up to the matching `>`, then their text is
    /// parsed as a signature.
    fn signature(&mut self) -> Result<Signature, SyntaxError> {
        let mut text = String::from("<");
        // Source offset of each byte of `text`, for error positions.
        let mut offsets = vec![self.tok.span.start];
        let mut depth = 1usize;
        while depth > 0 && !self.at(Op::LBrace) && self.tok.tok != Tok::End {
            self.advance(false)?;
            if self.at(Op::Greater) {
                depth -= 1;
            } else if self.at(Op::Less) {
                depth += 1;
            }
            let piece = self.lexer.text(self.tok.span);
            text.push_str(piece);
            offsets.extend((0..piece.len()).map(|i| self.tok.span.start + i));
        }
        self.expect(Op::Greater, false)?;
        parse_signature(&text).map_err(|(at, message)| {
            let offset = offsets.get(at).copied().unwrap_or(self.tok.span.start);
            SyntaxError::new(offset, message)
        })
    }
}

fn cannot_start(op: Op, span: Span) -> SyntaxError {
    SyntaxError::new(
        span.start,
        format!(
            "`{}` cannot start an expression (JSONata S0211: the symbol cannot be used as a \
             unary operator)",
            op.as_str()
        ),
    )
}

fn too_deep(offset: usize) -> SyntaxError {
    SyntaxError::new(
        offset,
        format!("expression is nested too deeply (more than {MAX_DEPTH} levels)"),
    )
}

/// Flags `[]` on the innermost node of a chain of filters (jsonata-js walks
/// down `a[x][y]` to `a`).
fn set_keep_array(node: &mut Syn) {
    match &mut node.kind {
        SynKind::Filter(inner, _, _) => set_keep_array(inner),
        _ => node.keep_array = true,
    }
}
