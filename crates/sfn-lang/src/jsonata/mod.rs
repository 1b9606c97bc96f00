//! JSONata expressions: the `{% … %}` strings of JSONata-mode workflows.
//!
//! With `"QueryLanguage": "JSONata"`, any field value (or object field value, or
//! array element) that is a string of the form `"{% <expression> %}"` is a
//! JSONata expression. AWS Step Functions runs JSONata **2.0.6** and checks
//! expression syntax when the state machine is created; this module does the
//! same at build time. It parses, it does not evaluate: an evaluator walks the
//! [`Expr`] tree produced here.
//!
//! * [`split_expression`] recognises the `{% … %}` surround and returns the
//!   expression text with its offset;
//! * [`parse`] parses expression text into an [`Expr`];
//! * [`parse_asl`] does both, with spans relative to the whole ASL string.
//!
//! # The surround
//!
//! A string is an expression when it starts with `{%` or ends with `%}`; one that
//! does only one of the two is malformed. The accepted form is asl-validator's
//! regular expression `^\{% .+ %\}$`: `{%` and a space, at least one character
//! other than a line break (JavaScript's `.`: not LF, CR, U+2028 or U+2029), a
//! space and `%}`. So `{%10%}` and a multi-line `{% \n10 %}` are rejected, while
//! extra spaces inside are allowed (the asl-validator corpus has a valid
//! definition ending `lastname  %}`). This is what the asl-validator fixtures
//! require; it is stricter than AWS may be (the AWS console is believed to
//! accept line breaks).
//!
//! # Grammar (JSONata 2.0.6)
//!
//! ```text
//! expr     = literal | path-step | "$" | "$$" | "$" name | "%" | "*" | "**"
//!          | "-" expr                           (binds at 70)
//!          | "(" [ expr { ";" expr } [";"] ] ")"   block
//!          | "[" [ item { "," item } ] "]"      array; item = expr [ ".." expr ]
//!          | "{" [ expr ":" expr { "," expr ":" expr } ] "}"   object
//!          | "|" expr "|" expr [ "," expr ] "|"  transform
//!          | ( "function" | "λ" ) "(" [ "$" name { "," "$" name } ] ")" [ "<" signature ">" ] "{" expr "}"
//!          | expr binop expr
//!          | expr "." expr                       path step          (75)
//!          | expr "(" [ arg { "," arg } ] ")"    call; arg = expr | "?"   (80)
//!          | expr "[" expr "]"  |  expr "[" "]"  filter / keep array (80)
//!          | expr "{" pairs "}"                  group-by           (70)
//!          | expr "^" "(" [ "<" | ">" ] expr { "," … } ")"   order-by (40)
//!          | expr "@" "$" name  |  expr "#" "$" name   focus / index binding (80)
//!          | expr "?" expr [ ":" expr ]          condition          (20)
//!          | "$" name ":=" expr                  binding, right-assoc (10)
//!          | expr "~>" expr                      chain              (40)
//! binop    = "*" "/" "%" (60) | "+" "-" "&" (50)
//!          | "=" "!=" "<" "<=" ">" ">=" "in" (40) | "and" (30) | "or" (25)
//! literal  = string | number | "true" | "false" | "null" | "/" regex "/" [ "i" | "m" ]…
//! ```
//!
//! Tokens (strings, numbers, names, comments) are described in the lexer; in
//! short: `'…'` or `"…"` strings with JSON escapes, JSON-style unsigned numbers,
//! bare names running up to whitespace or an operator character, `` `any name` ``,
//! and `/* comments */`.
//!
//! Not in 2.0.6, and therefore rejected with a message that says so: the
//! coalescing `??` and default `?:` operators (added in JSONata 2.1). JSONPath
//! written inside `{% %}` fails as in JSONata: `$.store.book[?(@.price < 10)]` is
//! a syntax error at the `?` (`?` cannot start an expression), although
//! `$.store` alone is a valid JSONata path.
//!
//! # Semantics of the tree
//!
//! The tree is jsonata-js's *processed* tree (see [`Expr`] and [`Annotations`]): paths
//! flattened into steps, predicates, group-by and `@`/`#` bindings attached as
//! [`Annotations`], sorts as path steps, `%` resolved to ancestor labels, `-` on
//! number literals folded. It carries everything the reference evaluator reads,
//! and every node has a byte [`Span`]. The processing errors of jsonata-js
//! (S0208-S0217: literal path steps, misplaced predicates and bindings, parent
//! operator with no parent) are reported as syntax errors, as AWS reports them
//! when the state machine is created. jsonata-js's tail-call rewrite of lambda
//! bodies is an evaluation strategy and is left to the evaluator.
//!
//! Regular-expression literals keep their ECMAScript pattern text; the lexer
//! checks it for the errors `new RegExp` would raise, but translating it to a
//! Rust regex engine is the evaluator's job.
//!
//! Nesting is bounded: expressions nested more than [`MAX_DEPTH`] levels (by
//! parentheses, right operands, arguments, blocks and every other construct
//! that contains an expression) are rejected rather than overflowing the
//! stack. Parsing recurses once per level, at about 6 KiB per level in
//! unoptimised builds, so the deepest accepted expression parses within
//! 1 MiB of stack. A chain of left-associative operators or steps
//! (`a & b & c`, `1 + 1 + … + 1`, `a.b.c`, `x ~> f ~> g`, `a[0][1]`) is one
//! level however long, as jsonata-js accepts it: it is parsed and processed
//! in loops, paths become one [`Path`] with a list of steps, and the other
//! chains stay a tree leaning left, as deep as the chain is long, which
//! [`Expr`] clones, compares, prints and drops in loops. A recursive walk of
//! the tree must follow such a chain in a loop too ([`Expr::walk`] and
//! [`Expr::chain_left`]).
//!
//! # Why a hand-written parser
//!
//! No maintained Rust crate gives a JSONata 2.0.6 syntax tree with byte spans.
//! `jsonata-rs` 0.3.4 (Stedi, the most complete) was judged: it describes itself
//! as an incomplete implementation; its parser module is private, so the tree
//! is only reachable through an evaluator object tied to a `bumpalo` arena; its
//! positions are character indices; it panics on the parent operator `%`
//! (`unimplemented!("Parent not yet implemented")`) and does not resolve
//! ancestry; and it pulls in `clap`, `rand`, `chrono` and more. Parsing JSONata
//! is a small Pratt parser plus jsonata-js's post-processing pass, so it is
//! written here, from the JSONata documentation and the observable behaviour of
//! jsonata-js 2.0.6, with errors that name the fix.

mod ast;
mod lexer;
mod parser;
mod process;
mod signature;

#[cfg(test)]
mod tests;

pub use ast::{
    Annotations, BinaryOp, Expr, ExprKind, Group, Lambda, ParamType, Path, RegexLiteral, Signature,
    SignatureParam, SortTerm, Span, Stage, VarName,
};

use crate::SyntaxError;

/// The deepest nesting [`parse`] accepts, counting parentheses, right
/// operands and every other construct that contains an expression; a chain
/// of left-associative operators or steps counts once, however long.
pub const MAX_DEPTH: usize = 100;

/// Splits an ASL JSONata string `{% <expr> %}`.
///
/// * `None`: the string is not an expression at all (it neither starts with
///   `{%` nor ends with `%}`);
/// * `Some(Ok((text, offset)))`: the expression text, without the delimiters
///   and surrounding spaces, and its byte offset in `s`;
/// * `Some(Err(_))`: the surround is malformed (see the
///   [module documentation](self) for the exact rule).
pub fn split_expression(s: &str) -> Option<Result<(&str, usize), SyntaxError>> {
    let opens = s.starts_with("{%");
    let closes = s.ends_with("%}");
    if !opens && !closes {
        return None;
    }
    Some(split_surrounded(s, opens, closes))
}

/// Checks the surround with asl-validator's rule `^\{% .+ %\}$` (JavaScript
/// `.`: any character but a line break). This is what the asl-validator
/// fixtures require and is stricter than AWS may be: AWS is believed to accept
/// line breaks and to trim any whitespace.
fn split_surrounded(s: &str, opens: bool, closes: bool) -> Result<(&str, usize), SyntaxError> {
    const SPACES: &str = "write JSONata as `{% expression %}` with one space inside each delimiter";
    if !closes {
        return Err(SyntaxError::new(
            s.len(),
            "a JSONata expression must end with ` %}`: it starts with `{%`",
        ));
    }
    if !opens {
        return Err(SyntaxError::new(
            0,
            "a JSONata expression must start with `{% `: it ends with `%}`",
        ));
    }
    if !s.starts_with("{% ") {
        return Err(SyntaxError::new(2, SPACES));
    }
    if !s.ends_with(" %}") {
        return Err(SyntaxError::new(s.len().saturating_sub(3), SPACES));
    }
    // asl-validator's `^\{% .+ %\}$` needs at least one character between the
    // two spaces.
    let Some(inner) = s
        .get(3..s.len().saturating_sub(3))
        .filter(|i| !i.is_empty())
    else {
        return Err(SyntaxError::new(2, "`{% %}` holds no JSONata expression"));
    };
    if let Some(at) = inner.find(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return Err(SyntaxError::new(
            3 + at,
            "write JSONata as `{% expression %}` on one line: line breaks inside `{% %}` are \
             rejected (asl-validator's rule `^\\{% .+ %\\}$`)",
        ));
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\u{b}');
    let trimmed = inner.trim_matches(is_space);
    if trimmed.is_empty() {
        return Err(SyntaxError::new(3, "`{% %}` holds no JSONata expression"));
    }
    let leading = inner.len() - inner.trim_start_matches(is_space).len();
    Ok((trimmed, 3 + leading))
}

/// Parses JSONata expression text (without the `{% %}` delimiters).
///
/// Spans and error offsets are byte offsets in `expr`.
pub fn parse(expr: &str) -> Result<Expr, SyntaxError> {
    parse_at(expr, 0)
}

/// Splits and parses an ASL string: `None` if it is not a `{% … %}`
/// expression, otherwise the parse (or the first error).
///
/// Spans and error offsets are byte offsets in `s`, delimiters included.
pub fn parse_asl(s: &str) -> Option<Result<Expr, SyntaxError>> {
    split_expression(s).map(|split| split.and_then(|(text, offset)| parse_at(text, offset)))
}

fn parse_at(text: &str, base: usize) -> Result<Expr, SyntaxError> {
    let raw = parser::parse_raw(text, base)?;
    process::process_root(raw)
}
