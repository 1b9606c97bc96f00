//! The `asl!` and `include_asl!` macros of sfn. Use them through
//! `sfn-runtime`, which re-exports them.
//!
//! Both compile an Amazon States Language definition into a module (see
//! `sfn_codegen::generate`) at build time. An invalid definition is a
//! compile error for each problem found, pointing at the offending token
//! (JSON written as tokens) or naming the line and column (JSON in a string
//! or a file). A stub module with the same names is emitted next to the
//! errors, so that code using it reports no further "cannot find" errors.
//!
//! This crate only parses the macro arguments and maps diagnostics to spans;
//! everything else is in `sfn-codegen`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod input;

use input::{Input, Source, TokenJson};
use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{ToTokens, quote};
use sfn_codegen::diag::snippet;
use sfn_codegen::json::{LineIndex, Span as JsonSpan};
use sfn_codegen::{Failure, ModuleSpec, Options, Severity};

/// Compiles an Amazon States Language definition into a module.
///
/// ```
/// sfn_runtime::asl!(pub mod hello, r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"hello","End":true}}}"#);
/// // or the JSON written as tokens; each error then points at its token:
/// sfn_runtime::asl!(pub mod hi, { "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true } } });
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let output = hello::StateMachine::new(()).run(serde_json::json!({})).await.unwrap();
/// assert_eq!(output, serde_json::json!("hello"));
/// let output = hi::StateMachine::new(()).run(serde_json::json!({"n": 1})).await.unwrap();
/// assert_eq!(output, serde_json::json!({"n": 1}));
/// # });
/// ```
///
/// The module holds `State`, `Tasks`, `StateMachine` and `DEFINITION`.
/// Add `, crate = path::to::sfn_runtime` when the runtime is re-exported.
#[proc_macro]
pub fn asl(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as Input);
    expand_asl(&input).into()
}

/// `asl!` after parsing its arguments.
fn expand_asl(input: &Input) -> proc_macro2::TokenStream {
    match &input.source {
        Source::Tokens(group) => match TokenJson::new(group) {
            Ok(json) => compile(input, &json.text, None, |offset| json.span_at(offset)),
            Err(e) => failed(input, e, None),
        },
        Source::Literal(lit) => {
            let text = lit.value();
            compile(input, &text, Some(("<asl!>", &text)), |_| lit.span())
        }
    }
}

/// Compiles the Amazon States Language definition in a file into a module.
///
/// ```
/// use serde_json::{Value, json};
/// use sfn_runtime::{TaskContext, TaskError};
///
/// // One Task state, `Greet` (this crate's `doc/greeting.asl.json`).
/// sfn_runtime::include_asl!(pub mod greeting, "doc/greeting.asl.json");
///
/// struct Handlers;
///
/// impl greeting::Tasks for Handlers {
///     async fn greet(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
///         Ok(json!(format!("hello, {}", input["name"].as_str().unwrap_or("you"))))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let machine = greeting::StateMachine::new(Handlers);
/// let output = machine.run(json!({"name": "Ada"})).await.unwrap();
/// assert_eq!(output, json!("hello, Ada"));
/// # });
/// ```
///
/// The path is relative to the package (`CARGO_MANIFEST_DIR`); editing the
/// file rebuilds the crate. Errors name `FILE:LINE:COL` and are reported on
/// the path.
#[proc_macro]
pub fn include_asl(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as Input);
    expand_include(&input).into()
}

/// `include_asl!` after parsing its arguments.
fn expand_include(input: &Input) -> proc_macro2::TokenStream {
    let lit = match &input.source {
        Source::Literal(lit) => lit.clone(),
        Source::Tokens(group) => {
            let e = syn::Error::new(
                group.span(),
                "include_asl! takes a file path; for JSON written inline use asl!",
            );
            return failed(input, e, None);
        }
    };
    let file = lit.value();
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        let e = syn::Error::new(lit.span(), "CARGO_MANIFEST_DIR is not set");
        return failed(input, e, None);
    };
    let path = std::path::Path::new(&dir).join(&file);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            let e = syn::Error::new(lit.span(), format!("cannot read {}: {e}", path.display()));
            return failed(input, e, None);
        }
    };
    let Some(path_str) = path.to_str() else {
        let e = syn::Error::new(lit.span(), "the path is not UTF-8");
        return failed(input, e, None);
    };
    let out = compile(input, &text, Some((&file, &text)), |_| lit.span());
    quote! {
        #out
        // Rebuild when the workflow file changes.
        const _: &str = ::core::include_str!(#path_str);
    }
}

/// Generates the module for `text`, or the errors (each spanned by
/// `span_of` a byte offset; with `file`, messages say `FILE:LINE:COL` and
/// show the line) followed by a stub module.
fn compile(
    input: &Input,
    text: &str,
    file: Option<(&str, &str)>,
    span_of: impl Fn(usize) -> Span,
) -> proc_macro2::TokenStream {
    let mut module =
        ModuleSpec::new(input.name.to_string()).with_visibility(input.vis.to_token_stream());
    if let Some(runtime) = &input.runtime {
        module = module.with_runtime(runtime.to_token_stream());
    }
    let failure = match sfn_codegen::generate(text, &module, &Options::default()) {
        Ok(tokens) => {
            let attrs = &input.attrs;
            return quote!(#(#attrs)* #tokens);
        }
        Err(failure) => failure,
    };
    let index = LineIndex::new(text);
    let located = |span: JsonSpan, message: String| -> syn::Error {
        let message = match file {
            Some((name, source)) => {
                let (line, col) = index.line_col(source, span.start);
                let snippet = snippet(source, &index, span);
                format!("{name}:{line}:{col}: {message}\n{snippet}")
            }
            None => message,
        };
        syn::Error::new(span_of(span.start), message)
    };
    let errors = match &failure {
        Failure::NotJson(e) => vec![located(
            JsonSpan::new(e.offset, e.offset + 1),
            format!("not JSON: {}", e.message),
        )],
        Failure::Invalid(diags) => diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message = format!("{message}; {help}");
                }
                if !d.path.is_empty() {
                    message = format!("{message} (at {})", d.path);
                }
                located(d.span, message)
            })
            .collect(),
    };
    let error = errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    });
    let json = sfn_codegen::json::parse(text).ok();
    match error {
        Some(error) => failed(input, error, json.as_ref()),
        // A failure always has an error; keep the stub in any case.
        None => failed(
            input,
            syn::Error::new(Span::call_site(), "the definition is not valid"),
            json.as_ref(),
        ),
    }
}

/// The errors, and a stub module so that uses of it do not cascade.
fn failed(
    input: &Input,
    error: syn::Error,
    json: Option<&sfn_codegen::json::Json>,
) -> proc_macro2::TokenStream {
    let mut module =
        ModuleSpec::new(input.name.to_string()).with_visibility(input.vis.to_token_stream());
    if let Some(runtime) = &input.runtime {
        module = module.with_runtime(runtime.to_token_stream());
    }
    let stub = sfn_codegen::generate_stub(json, &module);
    let error = error.to_compile_error();
    let attrs = &input.attrs;
    quote! {
        #error
        #(#attrs)*
        #stub
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(f: fn(&Input) -> proc_macro2::TokenStream, args: &str) -> String {
        let input: Input = syn::parse_str(args).unwrap();
        f(&input).to_string()
    }

    #[test]
    fn include_asl_reports_file_line_and_column() {
        let out = expand(
            expand_include,
            r#"pub mod order, "tests/fixtures/invalid.asl.json""#,
        );
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains(
                "tests/fixtures/invalid.asl.json:4:31: unknown field `Secnds` in a Wait state; did you mean `Seconds`? (at States.Wait.Secnds)"
            ),
            "{out}"
        );
        // The stub module comes along, and the file is tracked.
        assert!(out.contains("pub mod order"), "{out}");
        assert!(out.contains("include_str"), "{out}");
    }

    #[test]
    fn include_asl_of_a_missing_file() {
        let out = expand(
            expand_include,
            r#"pub mod order, "tests/fixtures/nope.json""#,
        );
        assert!(out.contains("cannot read"), "{out}");
        assert!(out.contains("pub mod order"), "{out}");
    }

    #[test]
    fn include_asl_of_a_valid_file() {
        let out = expand(
            expand_include,
            r#"pub(crate) mod ok, "tests/fixtures/valid.asl.json""#,
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("pub (crate) mod ok"), "{out}");
        // Cargo rebuilds the crate when the workflow file changes: the
        // expansion includes the file by its absolute path, which rustc
        // records as a dependency of the crate.
        let file =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid.asl.json");
        let tracked = format!("include_str ! ({:?})", file.to_str().unwrap());
        assert!(out.contains(&tracked), "{tracked} in {out}");
    }

    #[test]
    fn tokens_are_json() {
        let out = expand(
            expand_asl,
            r#"pub mod hi, { "StartAt": "A", "States": { "A": { "Type": "Pass", "Result": [-1, 2.5, null, true, "x\ny"], "End": true } } }"#,
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(
            out.contains(r#""Result":[-1,2.5,null,true,"x\ny"]"#),
            "{out}"
        );
    }

    #[test]
    fn tokens_that_are_not_json() {
        for (tokens, message) in [
            (r#"{ "StartAt": 'A' }"#, "not a JSON value"),
            (r#"{ "n": 5u8 }"#, "no type suffix"),
            (r#"{ "n": (1) }"#, "parentheses are not JSON"),
        ] {
            let out = expand(expand_asl, &format!("pub mod m, {tokens}"));
            assert!(out.contains(message), "{tokens}: {out}");
            assert!(out.contains("pub mod m"), "stub: {out}");
        }
    }

    #[test]
    fn crate_path_is_used() {
        let out = expand(
            expand_asl,
            r##"pub mod m, r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#, crate = ::my::rt"##,
        );
        assert!(
            out.contains("use :: my :: rt :: __private as __sfn"),
            "{out}"
        );
    }

    #[test]
    fn bad_arguments() {
        for args in [
            "pub order, \"x\"",
            "pub mod m",
            "pub mod m, 5",
            "pub mod m, \"x\", extra",
        ] {
            assert!(syn::parse_str::<Input>(args).is_err(), "{args}");
        }
    }
}
