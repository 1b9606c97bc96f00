//! Construction code for the values a workflow carries: JSON values, the
//! parsed expressions of `sfn-lang` (paths, intrinsic calls, patterns,
//! timestamps) and the runtime's payload templates.
//!
//! Everything is built by construction code, never by parsing text at run
//! time. Paths, calls and patterns hold `Cow<'static, _>` slices, so they are
//! constant expressions and go in plain `static` items; JSON values and
//! templates own heap data and go in a `LazyLock`.
//!
//! All generated paths go through the `__sfn` alias of
//! `::sfn_runtime::__private` (declared once at the top of the module).

use crate::ir::{Comparison, PathField, Template, TypeTest};
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Number, Value};
use sfn_lang::intrinsic::{Arg, Call, FormatPiece};
use sfn_lang::path::{Filter, Operand, Path, Root, Segment, Selector, UnionItem};
use sfn_lang::pattern::{Pattern, PatternPiece};
use sfn_lang::timestamp::Timestamp;

/// `Cow::Borrowed(&[items...])`.
fn borrowed_slice(items: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let items = items.into_iter();
    quote!(::std::borrow::Cow::Borrowed(&[#(#items),*]))
}

/// `Cow::Borrowed("text")`.
fn borrowed_str(text: &str) -> TokenStream {
    quote!(::std::borrow::Cow::Borrowed(#text))
}

/// An `f64` literal; non-finite values (which no parser produces) as the
/// named constants.
pub(crate) fn f64_lit(x: f64) -> TokenStream {
    if x.is_finite() {
        let lit = Literal::f64_suffixed(x);
        quote!(#lit)
    } else if x.is_nan() {
        quote!(::core::primitive::f64::NAN)
    } else if x > 0.0 {
        quote!(::core::primitive::f64::INFINITY)
    } else {
        quote!(::core::primitive::f64::NEG_INFINITY)
    }
}

/// An `i64` literal (`i64::MIN` by name, as its literal does not negate).
pub(crate) fn i64_lit(x: i64) -> TokenStream {
    if x == i64::MIN {
        quote!(::core::primitive::i64::MIN)
    } else {
        let lit = Literal::i64_suffixed(x);
        quote!(#lit)
    }
}

/// A `u64` literal.
pub(crate) fn u64_lit(x: u64) -> TokenStream {
    let lit = Literal::u64_suffixed(x);
    quote!(#lit)
}

/// An expression building the JSON value `v` (a `__sfn::serde_json::Value`).
pub(crate) fn value(v: &Value) -> TokenStream {
    match v {
        Value::Null => quote!(__sfn::serde_json::Value::Null),
        Value::Bool(b) => quote!(__sfn::serde_json::Value::Bool(#b)),
        Value::Number(n) => {
            let n = number_lit(n);
            quote!(__sfn::serde_json::Value::from(#n))
        }
        Value::String(s) => {
            quote!(__sfn::serde_json::Value::String(::std::string::String::from(#s)))
        }
        Value::Array(items) if items.is_empty() => {
            quote!(__sfn::serde_json::Value::Array(::std::vec::Vec::new()))
        }
        Value::Array(items) => {
            let items = items.iter().map(value);
            quote!(__sfn::serde_json::Value::Array(::std::vec::Vec::from([#(#items),*])))
        }
        Value::Object(members) if members.is_empty() => {
            quote!(__sfn::serde_json::Value::Object(
                __sfn::serde_json::Map::new()
            ))
        }
        Value::Object(members) => {
            let members = members.iter().map(|(k, v)| {
                let v = value(v);
                quote!((::std::string::String::from(#k), #v))
            });
            quote!(__sfn::serde_json::Value::Object(__sfn::serde_json::Map::from_iter([#(#members),*])))
        }
    }
}

/// The number as a suffixed literal (`5u64`, `-5i64`, `1.5f64`).
fn number_lit(n: &Number) -> TokenStream {
    if let Some(u) = n.as_u64() {
        u64_lit(u)
    } else if let Some(i) = n.as_i64() {
        i64_lit(i)
    } else {
        f64_lit(n.as_f64().unwrap_or(0.0))
    }
}

/// An expression building the `serde_json::Number` `n`.
pub(crate) fn number(n: &Number) -> TokenStream {
    if n.as_u64().is_some() || n.as_i64().is_some() {
        let lit = number_lit(n);
        quote!(__sfn::serde_json::Number::from(#lit))
    } else {
        // `from_f64` is `None` only for NaN and infinities, which JSON has not.
        let lit = f64_lit(n.as_f64().unwrap_or(0.0));
        quote! {
            match __sfn::serde_json::Number::from_f64(#lit) {
                ::core::option::Option::Some(n) => n,
                ::core::option::Option::None => __sfn::serde_json::Number::from(0u8),
            }
        }
    }
}

/// A constant expression building the path `p` (a `sfn_lang::path::Path`).
pub(crate) fn path(p: &Path) -> TokenStream {
    let root = match &p.root {
        Root::Input => quote!(__sfn::sfn_lang::path::Root::Input),
        Root::Context => quote!(__sfn::sfn_lang::path::Root::Context),
        Root::Variable(name) => {
            let name = borrowed_str(name);
            quote!(__sfn::sfn_lang::path::Root::Variable(#name))
        }
    };
    let segments = segments(&p.segments);
    quote!(__sfn::sfn_lang::path::Path { root: #root, segments: #segments })
}

fn segments(segments: &[Segment]) -> TokenStream {
    borrowed_slice(segments.iter().map(segment))
}

fn segment(s: &Segment) -> TokenStream {
    match s {
        Segment::Child(sel) => {
            let sel = selector(sel);
            quote!(__sfn::sfn_lang::path::Segment::Child(#sel))
        }
        Segment::Descendant(sel) => {
            let sel = selector(sel);
            quote!(__sfn::sfn_lang::path::Segment::Descendant(#sel))
        }
        Segment::Function(f) => {
            let f = debug_ident(f);
            quote!(__sfn::sfn_lang::path::Segment::Function(__sfn::sfn_lang::path::PathFunction::#f))
        }
    }
}

fn opt_i64(x: Option<i64>) -> TokenStream {
    match x {
        Some(x) => {
            let x = i64_lit(x);
            quote!(::core::option::Option::Some(#x))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn selector(s: &Selector) -> TokenStream {
    match s {
        Selector::Name(name) => {
            let name = borrowed_str(name);
            quote!(__sfn::sfn_lang::path::Selector::Name(#name))
        }
        Selector::Index(i) => {
            let i = i64_lit(*i);
            quote!(__sfn::sfn_lang::path::Selector::Index(#i))
        }
        Selector::Wildcard => quote!(__sfn::sfn_lang::path::Selector::Wildcard),
        Selector::Slice { start, end, step } => {
            let (start, end, step) = (opt_i64(*start), opt_i64(*end), opt_i64(*step));
            quote!(__sfn::sfn_lang::path::Selector::Slice { start: #start, end: #end, step: #step })
        }
        Selector::Union(items) => {
            let items = borrowed_slice(items.iter().map(|item| match item {
                UnionItem::Name(name) => {
                    let name = borrowed_str(name);
                    quote!(__sfn::sfn_lang::path::UnionItem::Name(#name))
                }
                UnionItem::Index(i) => {
                    let i = i64_lit(*i);
                    quote!(__sfn::sfn_lang::path::UnionItem::Index(#i))
                }
            }));
            quote!(__sfn::sfn_lang::path::Selector::Union(#items))
        }
        Selector::Filter(f) => {
            let f = filter(f);
            quote!(__sfn::sfn_lang::path::Selector::Filter(#f))
        }
    }
}

fn filter(f: &Filter) -> TokenStream {
    match f {
        Filter::Exists(op) => {
            let op = operand(op);
            quote!(__sfn::sfn_lang::path::Filter::Exists(#op))
        }
        Filter::Compare { left, op, right } => {
            let (left, right) = (operand(left), operand(right));
            let op = debug_ident(op);
            quote!(__sfn::sfn_lang::path::Filter::Compare {
                left: #left,
                op: __sfn::sfn_lang::path::CompareOp::#op,
                right: #right,
            })
        }
        Filter::And(items) => {
            let items = borrowed_slice(items.iter().map(filter));
            quote!(__sfn::sfn_lang::path::Filter::And(#items))
        }
        Filter::Or(items) => {
            let items = borrowed_slice(items.iter().map(filter));
            quote!(__sfn::sfn_lang::path::Filter::Or(#items))
        }
        Filter::Not(items) => {
            let items = borrowed_slice(items.iter().map(filter));
            quote!(__sfn::sfn_lang::path::Filter::Not(#items))
        }
    }
}

fn operand(op: &Operand) -> TokenStream {
    match op {
        Operand::Current(s) => {
            let s = segments(s);
            quote!(__sfn::sfn_lang::path::Operand::Current(#s))
        }
        Operand::Root(s) => {
            let s = segments(s);
            quote!(__sfn::sfn_lang::path::Operand::Root(#s))
        }
        Operand::Literal(l) => {
            let l = literal(l);
            quote!(__sfn::sfn_lang::path::Operand::Literal(#l))
        }
    }
}

fn literal(l: &sfn_lang::path::Literal) -> TokenStream {
    use sfn_lang::path::Literal as L;
    match l {
        L::Null => quote!(__sfn::sfn_lang::path::Literal::Null),
        L::Bool(b) => quote!(__sfn::sfn_lang::path::Literal::Bool(#b)),
        L::Int(i) => {
            let i = i64_lit(*i);
            quote!(__sfn::sfn_lang::path::Literal::Int(#i))
        }
        L::Float(x) => {
            let x = f64_lit(*x);
            quote!(__sfn::sfn_lang::path::Literal::Float(#x))
        }
        L::Str(s) => {
            let s = borrowed_str(s);
            quote!(__sfn::sfn_lang::path::Literal::Str(#s))
        }
        L::List(items) => {
            let items = borrowed_slice(items.iter().map(literal));
            quote!(__sfn::sfn_lang::path::Literal::List(#items))
        }
        L::Regex { pattern, flags } => {
            let (pattern, flags) = (borrowed_str(pattern), borrowed_str(flags));
            quote!(__sfn::sfn_lang::path::Literal::Regex { pattern: #pattern, flags: #flags })
        }
    }
}

/// A constant expression building the intrinsic call `c`.
pub(crate) fn call(c: &Call) -> TokenStream {
    let function = debug_ident(&c.function);
    let args = borrowed_slice(c.args.iter().map(arg));
    quote!(__sfn::sfn_lang::intrinsic::Call {
        function: __sfn::sfn_lang::intrinsic::Function::#function,
        args: #args,
    })
}

fn arg(a: &Arg) -> TokenStream {
    match a {
        Arg::Null => quote!(__sfn::sfn_lang::intrinsic::Arg::Null),
        Arg::Bool(b) => quote!(__sfn::sfn_lang::intrinsic::Arg::Bool(#b)),
        Arg::Int(i) => {
            let i = i64_lit(*i);
            quote!(__sfn::sfn_lang::intrinsic::Arg::Int(#i))
        }
        Arg::Float(x) => {
            let x = f64_lit(*x);
            quote!(__sfn::sfn_lang::intrinsic::Arg::Float(#x))
        }
        Arg::Str(s) => {
            let s = borrowed_str(s);
            quote!(__sfn::sfn_lang::intrinsic::Arg::Str(#s))
        }
        Arg::Format(pieces) => {
            let pieces = borrowed_slice(pieces.iter().map(|p| match p {
                FormatPiece::Text(t) => {
                    let t = borrowed_str(t);
                    quote!(__sfn::sfn_lang::intrinsic::FormatPiece::Text(#t))
                }
                FormatPiece::Hole => quote!(__sfn::sfn_lang::intrinsic::FormatPiece::Hole),
            }));
            quote!(__sfn::sfn_lang::intrinsic::Arg::Format(#pieces))
        }
        Arg::Path(p) => {
            let p = path(p);
            quote!(__sfn::sfn_lang::intrinsic::Arg::Path(#p))
        }
        Arg::Call(c) => {
            let c = call(c);
            quote!(__sfn::sfn_lang::intrinsic::Arg::Call(#c))
        }
    }
}

/// A constant expression building the `StringMatches` pattern `p`.
pub(crate) fn pattern(p: &Pattern) -> TokenStream {
    let pieces = borrowed_slice(p.pieces.iter().map(|piece| match piece {
        PatternPiece::Literal(s) => {
            let s = borrowed_str(s);
            quote!(__sfn::sfn_lang::pattern::PatternPiece::Literal(#s))
        }
        PatternPiece::Star => quote!(__sfn::sfn_lang::pattern::PatternPiece::Star),
    }));
    quote!(__sfn::sfn_lang::pattern::Pattern { pieces: #pieces })
}

/// An expression building the timestamp `t` (the instant; the offset it was
/// written with does not matter to comparisons or waits).
pub(crate) fn timestamp(t: &Timestamp) -> TokenStream {
    let nanos = Literal::i128_suffixed(t.unix_nanos());
    quote!(__sfn::sfn_lang::timestamp::Timestamp::from_unix_nanos(#nanos))
}

/// A constant expression building the runtime `PathSpec` of a path field.
pub(crate) fn path_spec(f: &PathField) -> TokenStream {
    match f {
        PathField::Default => quote!(__sfn::dataflow::PathSpec::Default),
        PathField::Null => quote!(__sfn::dataflow::PathSpec::Null),
        PathField::Path(p) => {
            let p = path(p);
            quote!(__sfn::dataflow::PathSpec::Path(#p))
        }
    }
}

/// An expression building the runtime template for `t`, or `None` when it
/// holds a JSONata expression (which the runtime does not evaluate yet).
pub(crate) fn template(t: &Template) -> Option<TokenStream> {
    Some(match t {
        Template::Literal(v) => {
            let v = value(v);
            quote!(__sfn::template::Template::Literal(#v))
        }
        Template::Object(members) => {
            let members = members
                .iter()
                .map(|(k, t)| {
                    let t = template(t)?;
                    Some(quote!((::std::string::String::from(#k), #t)))
                })
                .collect::<Option<Vec<_>>>()?;
            quote!(__sfn::template::Template::Object(::std::vec::Vec::from([#(#members),*])))
        }
        Template::Array(items) => {
            let items = items.iter().map(template).collect::<Option<Vec<_>>>()?;
            quote!(__sfn::template::Template::Array(::std::vec::Vec::from([#(#items),*])))
        }
        Template::Path(p) => {
            let p = path(p);
            quote!(__sfn::template::Template::Path(#p))
        }
        Template::Intrinsic(c) => {
            let c = call(c);
            quote!(__sfn::template::Template::Intrinsic(#c))
        }
        Template::Jsonata(_) => return None,
    })
}

/// Construction code for a JSONata-mode template
/// (`sfn_runtime::jsonata_flow::Template`): JSON whose strings may be
/// `{% %}` expressions, each rebuilt from its parsed tree.
pub(crate) fn jsonata_template(t: &Template) -> TokenStream {
    match t {
        Template::Literal(v) => {
            let v = value(v);
            quote!(__sfn::jsonata_flow::Template::Literal(#v))
        }
        Template::Object(members) => {
            let members = members.iter().map(|(k, t)| {
                let t = jsonata_template(t);
                quote!((::std::string::String::from(#k), #t))
            });
            quote!(__sfn::jsonata_flow::Template::Object(
                ::std::vec![#(#members),*]
            ))
        }
        Template::Array(items) => {
            let items = items.iter().map(jsonata_template);
            quote!(__sfn::jsonata_flow::Template::Array(
                ::std::vec![#(#items),*]
            ))
        }
        Template::Jsonata(j) => {
            let e = jsonata_expression(j);
            quote!(__sfn::jsonata_flow::Template::Expression(#e))
        }
        // JSONata states hold no `.$` members: the reader keeps such keys
        // as literal text.
        Template::Path(_) | Template::Intrinsic(_) => {
            quote!(__sfn::jsonata_flow::Template::Literal(__sfn::Value::Null))
        }
    }
}

/// Construction code for one `{% %}` expression
/// (`sfn_runtime::jsonata_flow::Expression`).
pub(crate) fn jsonata_expression(j: &crate::ir::Jsonata) -> TokenStream {
    let text = &j.text;
    let tree = super::jsonata::tree(&j.expr);
    quote!(__sfn::jsonata_flow::Expression::new(#text, #tree))
}

/// The JSON text of a template as written in the definition (`.$` keys
/// restored), for documentation; cut at `max` characters.
pub(crate) fn template_text(t: &Template, max: usize) -> String {
    let mut out = String::new();
    write_template(t, &mut out);
    if out.chars().count() > max {
        let cut: String = out.chars().take(max).collect();
        format!("{cut}…")
    } else {
        out
    }
}

fn write_template(t: &Template, out: &mut String) {
    match t {
        Template::Literal(v) => out.push_str(&v.to_string()),
        Template::Object(members) => {
            out.push('{');
            for (i, (k, t)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let key = match t {
                    Template::Path(_) | Template::Intrinsic(_) => format!("{k}.$"),
                    _ => k.clone(),
                };
                out.push_str(&Value::String(key).to_string());
                out.push_str(": ");
                write_template(t, out);
            }
            out.push('}');
        }
        Template::Array(items) => {
            out.push('[');
            for (i, t) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_template(t, out);
            }
            out.push(']');
        }
        Template::Path(p) => out.push_str(&Value::String(p.to_string()).to_string()),
        Template::Intrinsic(c) => out.push_str(&Value::String(call_text(c)).to_string()),
        Template::Jsonata(j) => {
            out.push_str(&Value::String(format!("{{% {} %}}", j.text)).to_string())
        }
    }
}

/// An intrinsic call as ASL text: `States.Format('n={}', $.n)`.
pub(crate) fn call_text(c: &Call) -> String {
    let args: Vec<String> = c
        .args
        .iter()
        .map(|a| match a {
            Arg::Null => "null".to_owned(),
            Arg::Bool(b) => b.to_string(),
            Arg::Int(i) => i.to_string(),
            Arg::Float(x) => x.to_string(),
            Arg::Str(s) => quote_single(s, false),
            Arg::Format(pieces) => {
                let text: String = pieces
                    .iter()
                    .map(|p| match p {
                        FormatPiece::Text(t) => {
                            let quoted = quote_single(t, true);
                            quoted[1..quoted.len() - 1].to_owned()
                        }
                        FormatPiece::Hole => "{}".to_owned(),
                    })
                    .collect();
                format!("'{text}'")
            }
            Arg::Path(p) => p.to_string(),
            Arg::Call(c) => call_text(c),
        })
        .collect();
    format!("{}({})", c.function.name(), args.join(", "))
}

/// A single-quoted intrinsic string literal (with `{` and `}` escaped in a
/// Format template).
fn quote_single(s: &str, format: bool) -> String {
    let mut out = String::from("'");
    for ch in s.chars() {
        match ch {
            '\\' | '\'' => {
                out.push('\\');
                out.push(ch);
            }
            '{' | '}' if format => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out.push('\'');
    out
}

/// The runtime's `choice::Comparison` for an IR comparison.
pub(crate) fn comparison(c: Comparison) -> TokenStream {
    let variant = match c {
        Comparison::Equals => quote!(Equals),
        Comparison::LessThan => quote!(LessThan),
        Comparison::GreaterThan => quote!(GreaterThan),
        Comparison::LessThanEquals => quote!(LessThanEquals),
        Comparison::GreaterThanEquals => quote!(GreaterThanEquals),
    };
    quote!(__sfn::choice::Comparison::#variant)
}

/// The runtime's `choice::TypeTest` for an IR type test.
pub(crate) fn type_test(t: TypeTest) -> TokenStream {
    let variant = match t {
        TypeTest::Null => quote!(Null),
        TypeTest::Present => quote!(Present),
        TypeTest::Numeric => quote!(Numeric),
        TypeTest::String => quote!(String),
        TypeTest::Boolean => quote!(Boolean),
        TypeTest::Timestamp => quote!(Timestamp),
    };
    quote!(__sfn::choice::TypeTest::#variant)
}

/// The variant name of a field-less enum value, from its `Debug` form
/// (`Function::Format` is `Format`): the same name in `sfn-lang`, which
/// both sides share.
fn debug_ident(v: &impl std::fmt::Debug) -> proc_macro2::Ident {
    let text = format!("{v:?}");
    let text: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    super::names::ident(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(t: TokenStream) -> String {
        t.to_string().replace(' ', "")
    }

    #[test]
    fn json_values_are_built_in_order() {
        let v = json!({"b": [1, -2, 2.5, "x"], "a": null, "t": true});
        let code = render(value(&v));
        let b = code.find("\"b\"").unwrap();
        let a = code.find("\"a\"").unwrap();
        assert!(b < a, "members keep their order: {code}");
        assert!(code.contains("1u64"), "{code}");
        assert!(code.contains("-2i64"), "{code}");
        assert!(code.contains("2.5f64"), "{code}");
        assert!(code.contains("Value::Bool(true)"), "{code}");
    }

    #[test]
    fn paths_are_constant_expressions() {
        let p = sfn_lang::path::parse_path("$.a[0]..b[?(@.x > 1.5)]").unwrap();
        let code = render(path(&p));
        assert!(code.contains("Root::Input"), "{code}");
        assert!(code.contains("Selector::Name(::std::borrow::Cow::Borrowed(\"a\"))"));
        assert!(code.contains("Selector::Index(0i64)"), "{code}");
        assert!(code.contains("CompareOp::Gt"), "{code}");
        assert!(!code.contains("parse"), "{code}");
    }

    #[test]
    fn calls_name_their_function() {
        let c = sfn_lang::intrinsic::parse_intrinsic("States.Format('Hi {}', $.name)").unwrap();
        let code = render(call(&c));
        assert!(code.contains("Function::Format"), "{code}");
        assert!(code.contains("FormatPiece::Hole"), "{code}");
        let u = sfn_lang::intrinsic::parse_intrinsic("States.UUID()").unwrap();
        assert!(render(call(&u)).contains("Function::Uuid"));
    }

    #[test]
    fn jsonata_templates_are_refused() {
        let t = Template::Object(vec![("a".into(), Template::Literal(json!(1)))]);
        assert!(template(&t).is_some());
        let jsonata = Template::Jsonata(crate::ir::Jsonata {
            text: "1".into(),
            expr: sfn_lang::jsonata::parse("1").unwrap(),
            span: crate::json::Span::new(0, 0),
        });
        let t = Template::Object(vec![("a".into(), jsonata)]);
        assert!(template(&t).is_none());
    }

    #[test]
    fn templates_render_as_written() {
        let call =
            sfn_lang::intrinsic::parse_intrinsic(r"States.Format('n=\{{}\} it\'s', $.n)").unwrap();
        let t = Template::Object(vec![
            ("a".into(), Template::Literal(json!([1, "x"]))),
            (
                "p".into(),
                Template::Path(sfn_lang::path::parse_path("$.x[0]").unwrap()),
            ),
            ("f".into(), Template::Intrinsic(call)),
        ]);
        assert_eq!(
            template_text(&t, 200),
            r#"{"a": [1,"x"], "p.$": "$.x[0]", "f.$": "States.Format('n=\\{{}\\} it\\'s', $.n)"}"#
        );
        assert_eq!(template_text(&t, 5), "{\"a\":…");
    }

    #[test]
    fn numbers_of_each_kind() {
        let code = render(number(&Number::from_f64(0.5).unwrap()));
        assert!(code.contains("from_f64(0.5f64)"), "{code}");
        assert!(render(number(&Number::from(7u8))).contains("7u64"));
        assert_eq!(render(i64_lit(i64::MIN)), "::core::primitive::i64::MIN");
        assert_eq!(
            render(f64_lit(f64::INFINITY)),
            "::core::primitive::f64::INFINITY"
        );
    }
}
