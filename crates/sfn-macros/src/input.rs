//! The argument grammar of the macros, and the JSON written as Rust tokens.
//!
//! ```text
//! asl!(         ATTRS VIS mod NAME, "JSON text" [, crate = PATH] [,])
//! asl!(         ATTRS VIS mod NAME, { JSON as tokens } [, crate = PATH] [,])
//! include_asl!( ATTRS VIS mod NAME, "path/relative/to/CARGO_MANIFEST_DIR" [, crate = PATH] [,])
//! ```

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Token, Visibility};

/// Where the definition comes from.
pub(crate) enum Source {
    /// A string literal: the JSON text (`asl!`) or a file path (`include_asl!`).
    Literal(LitStr),
    /// `{ ... }`: the JSON written as tokens (`asl!` only).
    Tokens(Group),
}

/// The parsed arguments of a macro.
pub(crate) struct Input {
    /// Attributes for the module (`#[doc = ...]`, `#[cfg(...)]`).
    pub(crate) attrs: Vec<Attribute>,
    /// The module's visibility.
    pub(crate) vis: Visibility,
    /// The module's name.
    pub(crate) name: Ident,
    /// The definition.
    pub(crate) source: Source,
    /// `crate = PATH`: the runtime's path, for crates that re-export it.
    pub(crate) runtime: Option<syn::Path>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![mod]>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![,]>()?;
        let source = if input.peek(syn::token::Brace) {
            match input.parse::<TokenTree>()? {
                TokenTree::Group(g) => Source::Tokens(g),
                other => return Err(syn::Error::new(other.span(), "expected `{ ... }`")),
            }
        } else if input.peek(LitStr) {
            Source::Literal(input.parse()?)
        } else {
            return Err(input.error(
                "expected the definition: a string literal, or the JSON itself in `{ ... }`",
            ));
        };
        let mut runtime = None;
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            input.parse::<Token![crate]>()?;
            input.parse::<Token![=]>()?;
            runtime = Some(input.parse()?);
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the definition"));
        }
        Ok(Input {
            attrs,
            vis,
            name,
            source,
            runtime,
        })
    }
}

/// JSON text made from tokens, and where each token went in it.
pub(crate) struct TokenJson {
    /// The JSON text (compact: no whitespace between tokens).
    pub(crate) text: String,
    /// For each token, in order: its byte range in `text` and its span.
    spans: Vec<(usize, usize, Span)>,
    /// The span of the whole `{ ... }`, for errors at the end of the text.
    whole: Span,
}

impl TokenJson {
    /// Converts `{ ... }` to JSON text. Every token becomes its JSON
    /// spelling; one that has none (a char literal, a suffixed number, a
    /// parenthesis) is an error at that token.
    pub(crate) fn new(group: &Group) -> syn::Result<Self> {
        let mut out = TokenJson {
            text: String::new(),
            spans: Vec::new(),
            whole: group.span(),
        };
        out.group(group)?;
        Ok(out)
    }

    /// The span of the token at byte `offset` of the text (or the nearest
    /// token before it; the whole group past the end).
    pub(crate) fn span_at(&self, offset: usize) -> Span {
        let i = self.spans.partition_point(|&(start, _, _)| start <= offset);
        match i.checked_sub(1).map(|i| self.spans[i]) {
            Some((_, end, span)) if offset < end => span,
            Some((_, _, span)) if i < self.spans.len() => span,
            _ => self.whole,
        }
    }

    fn push(&mut self, text: &str, span: Span) {
        let start = self.text.len();
        self.text.push_str(text);
        self.spans.push((start, self.text.len(), span));
    }

    fn group(&mut self, group: &Group) -> syn::Result<()> {
        let (open, close) = match group.delimiter() {
            Delimiter::Brace => ("{", "}"),
            Delimiter::Bracket => ("[", "]"),
            // An invisible group is what `macro_rules!` fragments become.
            Delimiter::None => return self.stream(group.stream()),
            Delimiter::Parenthesis => {
                return Err(syn::Error::new(
                    group.span(),
                    "parentheses are not JSON; write an object `{...}` or an array `[...]`",
                ));
            }
        };
        // The opening bracket stands for the whole value, so that an error
        // about the value underlines all of it.
        self.push(open, group.span());
        self.stream(group.stream())?;
        self.push(close, group.span_close());
        Ok(())
    }

    fn stream(&mut self, tokens: TokenStream) -> syn::Result<()> {
        for token in tokens {
            match &token {
                TokenTree::Group(g) => self.group(g)?,
                TokenTree::Ident(ident) => self.push(&ident.to_string(), ident.span()),
                TokenTree::Punct(p) => self.push(&p.as_char().to_string(), p.span()),
                TokenTree::Literal(lit) => {
                    let text = literal_json(lit)?;
                    self.push(&text, lit.span());
                }
            }
        }
        Ok(())
    }
}

/// The JSON spelling of a literal token: a string or an unsuffixed number.
fn literal_json(lit: &proc_macro2::Literal) -> syn::Result<String> {
    match syn::Lit::new(lit.clone()) {
        syn::Lit::Str(s) => Ok(json_string(&s.value())),
        syn::Lit::Int(i) if i.suffix().is_empty() => Ok(lit.to_string().replace('_', "")),
        syn::Lit::Float(f) if f.suffix().is_empty() => Ok(lit.to_string().replace('_', "")),
        syn::Lit::Int(_) | syn::Lit::Float(_) => Err(syn::Error::new(
            lit.span(),
            "a JSON number has no type suffix; remove it",
        )),
        _ => Err(syn::Error::new(
            lit.span(),
            "not a JSON value; JSON strings are in double quotes",
        )),
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
