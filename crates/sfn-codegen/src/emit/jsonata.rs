//! JSONata expressions as Rust code: the syntax tree parsed at build time,
//! written out as the expression that rebuilds it, so that nothing is parsed
//! while a workflow runs.
//!
//! The tree is written node by node as constructor calls in a block that
//! imports the syntax types (`{ use __sfn::sfn_lang::jsonata::*;
//! Expr::new(ExprKind::Path(..), Span::new(0, 17)) }`), so that it reads as
//! the tree it builds; the static holding it is documented with the
//! expression's text, which is what a reader wants to see first.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use sfn_lang::jsonata::{
    Annotations, BinaryOp, Expr, ExprKind, Group, Lambda, ParamType, Path, RegexLiteral, Signature,
    SignatureParam, SortTerm, Span, Stage, VarName,
};

/// A block rebuilding `e`, with the syntax module's items imported so that
/// the constructors read as the tree they build.
pub(crate) fn tree(e: &Expr) -> TokenStream {
    let e = expr(e);
    quote!({
        use __sfn::sfn_lang::jsonata::*;
        #e
    })
}

/// Chains of left-associative operators longer than this many links are
/// written as a loop over their links rather than as nested constructors.
const NESTED_LINKS: usize = 16;

/// An expression rebuilding `expr`.
pub(crate) fn expr(e: &Expr) -> TokenStream {
    // The links of the chain of left-associative operators `e` heads, if
    // any, outermost first: (operator, or `None` for `~>`; right operand;
    // the link's node).
    let mut links = Vec::new();
    let mut first = e;
    loop {
        match &first.kind {
            ExprKind::Binary { op, lhs, rhs } => {
                links.push((Some(*op), &**rhs, first));
                first = lhs;
            }
            ExprKind::Apply { lhs, rhs } => {
                links.push((None, &**rhs, first));
                first = lhs;
            }
            _ => break,
        }
    }
    if links.len() > NESTED_LINKS {
        return chain(first, &links);
    }
    node(e)
}

/// A long chain `first op rhs op rhs …` (`links` outermost first), written
/// flat: the far left operand, then a loop wrapping it in each link. The
/// tree it builds is as deep as the chain is long, but neither this
/// function nor the Rust it writes nests once per link (a 10,000-term
/// `1 + 1 + …` would otherwise be 10,000 nested constructor calls), and the
/// links are listed a few at a time ([`vec_of`]), so that the code takes
/// little stack whatever the chain's length.
fn chain(first: &Expr, links: &[(Option<BinaryOp>, &Expr, &Expr)]) -> TokenStream {
    let first = expr(first);
    let links: Vec<TokenStream> = links
        .iter()
        .rev()
        .map(|(op, rhs, link)| {
            let op = option(op.as_ref(), |op| binary_op(*op));
            let rhs = expr(rhs);
            let span = span(link.span);
            let ann = if link.ann.is_empty() {
                quote!(Box::default())
            } else {
                let ann = annotations(&link.ann);
                quote!(Box::new(#ann))
            };
            quote!((#op, #rhs, #span, #ann))
        })
        .collect();
    let links = vec_of(
        quote!((Option<BinaryOp>, Expr, Span, Box<Annotations>)),
        links,
    );
    quote!({
        let mut e = #first;
        let links: Vec<(Option<BinaryOp>, Expr, Span, Box<Annotations>)> = #links;
        for (op, rhs, span, ann) in links {
            let (lhs, rhs) = (Box::new(e), Box::new(rhs));
            let kind = match op {
                Some(op) => ExprKind::Binary { op, lhs, rhs },
                None => ExprKind::Apply { lhs, rhs },
            };
            e = Expr { kind, span, ann };
        }
        e
    })
}

/// Lists longer than this many items are written [`CHUNK`] items at a time.
const CHUNK: usize = 16;

/// A `Vec<ty>` of `items`, in order. A short list is `Vec::from([…])`; a
/// longer one is pushed [`CHUNK`] items at a time, each chunk by a function
/// of its own. An unoptimised build gives every temporary of a function a
/// stack slot of its own, so a single function building 3,000 chain links
/// or path steps needs a frame of megabytes, more than a tokio worker's
/// 2 MiB stack; a function per chunk needs one chunk's worth.
fn vec_of(ty: TokenStream, items: Vec<TokenStream>) -> TokenStream {
    if items.len() <= CHUNK {
        return quote!(Vec::from([#(#items),*]));
    }
    let len = Literal::usize_unsuffixed(items.len());
    let chunks = items.chunks(CHUNK).map(|chunk| {
        quote!({
            fn push(items: &mut Vec<#ty>) {
                #(items.push(#chunk);)*
            }
            push(&mut items);
        })
    });
    quote!({
        let mut items: Vec<#ty> = Vec::with_capacity(#len);
        #(#chunks)*
        items
    })
}

/// An expression rebuilding `e` as one constructor call.
fn node(e: &Expr) -> TokenStream {
    let kind = kind(&e.kind);
    let span = span(e.span);
    if e.ann.is_empty() {
        quote!(Expr::new(#kind, #span))
    } else {
        let ann = annotations(&e.ann);
        quote!(Expr { kind: #kind, span: #span, ann: Box::new(#ann) })
    }
}

fn boxed(e: &Expr) -> TokenStream {
    let e = expr(e);
    quote!(Box::new(#e))
}

fn exprs(es: &[Expr]) -> TokenStream {
    vec_of(quote!(Expr), es.iter().map(expr).collect())
}

fn string(s: &str) -> TokenStream {
    quote!(String::from(#s))
}

fn span(s: Span) -> TokenStream {
    let (a, b) = (
        Literal::usize_unsuffixed(s.start),
        Literal::usize_unsuffixed(s.end),
    );
    quote!(Span::new(#a, #b))
}

fn f64_lit(n: f64) -> TokenStream {
    // Parsed numbers are finite.
    let lit = Literal::f64_suffixed(if n.is_finite() { n } else { 0.0 });
    quote!(#lit)
}

fn var_name(v: &VarName) -> TokenStream {
    let name = string(&v.name);
    let span = span(v.span);
    quote!(VarName { name: #name, span: #span })
}

fn option<T>(o: Option<&T>, f: impl FnOnce(&T) -> TokenStream) -> TokenStream {
    match o {
        Some(v) => {
            let v = f(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn kind(k: &ExprKind) -> TokenStream {
    match k {
        ExprKind::String(s) => {
            let s = string(s);
            quote!(ExprKind::String(#s))
        }
        ExprKind::Number(n) => {
            let n = f64_lit(*n);
            quote!(ExprKind::Number(#n))
        }
        ExprKind::Bool(b) => quote!(ExprKind::Bool(#b)),
        ExprKind::Null => quote!(ExprKind::Null),
        ExprKind::Regex(r) => {
            let r = regex(r);
            quote!(ExprKind::Regex(#r))
        }
        ExprKind::Name(s) => {
            let s = string(s);
            quote!(ExprKind::Name(#s))
        }
        ExprKind::Context => quote!(ExprKind::Context),
        ExprKind::Root => quote!(ExprKind::Root),
        ExprKind::Variable(s) => {
            let s = string(s);
            quote!(ExprKind::Variable(#s))
        }
        ExprKind::Wildcard => quote!(ExprKind::Wildcard),
        ExprKind::Descendant => quote!(ExprKind::Descendant),
        ExprKind::Parent { label } => {
            let label = Literal::usize_unsuffixed(*label);
            quote!(ExprKind::Parent { label: #label })
        }
        ExprKind::Path(p) => {
            let p = path(p);
            quote!(ExprKind::Path(#p))
        }
        ExprKind::Negate(e) => {
            let e = boxed(e);
            quote!(ExprKind::Negate(#e))
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let op = binary_op(*op);
            let (lhs, rhs) = (boxed(lhs), boxed(rhs));
            quote!(ExprKind::Binary { op: #op, lhs: #lhs, rhs: #rhs })
        }
        ExprKind::Array(items) => {
            let items = exprs(items);
            quote!(ExprKind::Array(#items))
        }
        ExprKind::Object(pairs) => {
            let pairs = pairs_tokens(pairs);
            quote!(ExprKind::Object(#pairs))
        }
        ExprKind::Block(items) => {
            let items = exprs(items);
            quote!(ExprKind::Block(#items))
        }
        ExprKind::Condition {
            condition,
            then,
            otherwise,
        } => {
            let (c, t) = (boxed(condition), boxed(then));
            let o = option(otherwise.as_ref(), |e| boxed(e));
            quote!(ExprKind::Condition { condition: #c, then: #t, otherwise: #o })
        }
        ExprKind::Bind { name, value } => {
            let (n, v) = (var_name(name), boxed(value));
            quote!(ExprKind::Bind { name: #n, value: #v })
        }
        ExprKind::Call { procedure, args } => {
            let (p, a) = (boxed(procedure), exprs(args));
            quote!(ExprKind::Call { procedure: #p, args: #a })
        }
        ExprKind::Partial { procedure, args } => {
            let (p, a) = (boxed(procedure), exprs(args));
            quote!(ExprKind::Partial { procedure: #p, args: #a })
        }
        ExprKind::Placeholder => quote!(ExprKind::Placeholder),
        ExprKind::Lambda(l) => {
            let l = lambda(l);
            quote!(ExprKind::Lambda(Box::new(#l)))
        }
        ExprKind::Apply { lhs, rhs } => {
            let (lhs, rhs) = (boxed(lhs), boxed(rhs));
            quote!(ExprKind::Apply { lhs: #lhs, rhs: #rhs })
        }
        ExprKind::Transform {
            pattern,
            update,
            delete,
        } => {
            let (p, u) = (boxed(pattern), boxed(update));
            let d = option(delete.as_ref(), |e| boxed(e));
            quote!(ExprKind::Transform { pattern: #p, update: #u, delete: #d })
        }
        ExprKind::Sort(terms) => {
            let terms = terms.iter().map(sort_term);
            quote!(ExprKind::Sort(Vec::from([#(#terms),*])))
        }
    }
}

fn pairs_tokens(pairs: &[(Expr, Expr)]) -> TokenStream {
    let pairs = pairs
        .iter()
        .map(|(k, v)| {
            let (k, v) = (expr(k), expr(v));
            quote!((#k, #v))
        })
        .collect();
    vec_of(quote!((Expr, Expr)), pairs)
}

fn regex(r: &RegexLiteral) -> TokenStream {
    let pattern = string(&r.pattern);
    let (i, ml) = (r.ignore_case, r.multiline);
    quote!(RegexLiteral { pattern: #pattern, ignore_case: #i, multiline: #ml })
}

fn path(p: &Path) -> TokenStream {
    let steps = exprs(&p.steps);
    let keep = p.keep_singleton_array;
    quote!(Path { steps: #steps, keep_singleton_array: #keep })
}

fn binary_op(op: BinaryOp) -> TokenStream {
    let name = match op {
        BinaryOp::Add => quote!(Add),
        BinaryOp::Subtract => quote!(Subtract),
        BinaryOp::Multiply => quote!(Multiply),
        BinaryOp::Divide => quote!(Divide),
        BinaryOp::Modulo => quote!(Modulo),
        BinaryOp::Concat => quote!(Concat),
        BinaryOp::Equal => quote!(Equal),
        BinaryOp::NotEqual => quote!(NotEqual),
        BinaryOp::Less => quote!(Less),
        BinaryOp::LessEqual => quote!(LessEqual),
        BinaryOp::Greater => quote!(Greater),
        BinaryOp::GreaterEqual => quote!(GreaterEqual),
        BinaryOp::And => quote!(And),
        BinaryOp::Or => quote!(Or),
        BinaryOp::In => quote!(In),
        BinaryOp::Range => quote!(Range),
    };
    quote!(BinaryOp::#name)
}

fn annotations(a: &Annotations) -> TokenStream {
    let predicates = exprs(&a.predicates);
    let stages = a.stages.iter().map(|s| match s {
        Stage::Filter(e) => {
            let e = expr(e);
            quote!(Stage::Filter(#e))
        }
        Stage::Index(v) => {
            let v = var_name(v);
            quote!(Stage::Index(#v))
        }
    });
    let group = option(a.group.as_ref(), group);
    let focus = option(a.focus.as_ref(), var_name);
    let index = option(a.index.as_ref(), var_name);
    let ancestor = option(a.ancestor.as_ref(), |n| {
        let n = Literal::usize_unsuffixed(*n);
        quote!(#n)
    });
    let (tuple, keep_array, cons_array) = (a.tuple, a.keep_array, a.cons_array);
    quote!(Annotations {
        predicates: #predicates,
        stages: Vec::from([#(#stages),*]),
        group: #group,
        focus: #focus,
        index: #index,
        tuple: #tuple,
        keep_array: #keep_array,
        cons_array: #cons_array,
        ancestor: #ancestor,
    })
}

fn group(g: &Group) -> TokenStream {
    let pairs = pairs_tokens(&g.pairs);
    let span = span(g.span);
    quote!(Group { pairs: #pairs, span: #span })
}

fn sort_term(t: &SortTerm) -> TokenStream {
    let d = t.descending;
    let e = expr(&t.expr);
    quote!(SortTerm { descending: #d, expr: #e })
}

fn lambda(l: &Lambda) -> TokenStream {
    let params = l.params.iter().map(var_name);
    let signature = option(l.signature.as_ref(), signature);
    let body = expr(&l.body);
    quote!(Lambda { params: Vec::from([#(#params),*]), signature: #signature, body: #body })
}

fn signature(s: &Signature) -> TokenStream {
    let text = string(&s.text);
    let params = s.params.iter().map(signature_param);
    quote!(Signature { text: #text, params: Vec::from([#(#params),*]) })
}

fn signature_param(p: &SignatureParam) -> TokenStream {
    let ty = param_type(&p.ty);
    let subtype = option(p.subtype.as_ref(), |s| string(s));
    let (optional, one_or_more, use_context) = (p.optional, p.one_or_more, p.use_context);
    quote!(SignatureParam {
        ty: #ty,
        subtype: #subtype,
        optional: #optional,
        one_or_more: #one_or_more,
        use_context: #use_context,
    })
}

fn param_type(t: &ParamType) -> TokenStream {
    match t {
        ParamType::Boolean => quote!(ParamType::Boolean),
        ParamType::Number => quote!(ParamType::Number),
        ParamType::String => quote!(ParamType::String),
        ParamType::Null => quote!(ParamType::Null),
        ParamType::Array => quote!(ParamType::Array),
        ParamType::Object => quote!(ParamType::Object),
        ParamType::Function => quote!(ParamType::Function),
        ParamType::Json => quote!(ParamType::Json),
        ParamType::Any => quote!(ParamType::Any),
        ParamType::Choice(s) => {
            let s = string(s);
            quote!(ParamType::Choice(#s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generated constructor is valid Rust that names every field of
    /// every node it writes (a field added to the tree and not written here
    /// fails to compile in the generated code; this test checks the text
    /// covers the constructs of a rich expression).
    #[test]
    fn writes_every_construct_of_an_expression() {
        let text = "$sum(a.b@$x#$i[c > 1].%.g^(>d){e: f}) ~> function($n)<n:n>{-$n * 2} \
                    & /ab+c/i & |$|{'k': 1}, ['z']| & $f(?, 1) & [1..3] & ($x := 1; $x ? 2 : 3)";
        let parsed = sfn_lang::jsonata::parse(text).unwrap();
        let code = tree(&parsed).to_string();
        for needle in [
            "Path",
            "predicates",
            "Sort",
            "Group",
            "focus",
            "index",
            "Parent",
            "Lambda",
            "Signature",
            "Regex",
            "Transform",
            "Partial",
            "Placeholder",
            "Range",
            "Block",
            "Condition",
            "Bind",
            "Negate",
        ] {
            assert!(code.contains(needle), "{needle} missing from {code}");
        }
        // It parses as a Rust expression.
        syn::parse_str::<syn::Expr>(&code).unwrap();
    }
}
