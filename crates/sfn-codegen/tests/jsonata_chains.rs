//! Issue 11: a JSONata chain of 1,000 or 10,000 flat terms (`1 + 1 + …`,
//! `a or b or …`, `$x ~> $f ~> …`) is checked and written as Rust in an
//! unoptimised build. A chain longer than a few links is written as a loop
//! over its links, so the Rust is not nested once per term (which rustc
//! would have to parse and type-check recursively).
//!
//! Both run on a 2 MiB stack (a quarter of the 8 MiB rustc gives a
//! procedural macro): the check of which `$states` members an expression
//! reads (`read/states_access.rs`) walks the tree without recursion; it
//! used to recurse once per link and overflowed 2 MiB at about 3,000.

use sfn_codegen::{ModuleSpec, Options, generate, generate_string};

/// Runs `f` on a thread with `stack` bytes of stack.
fn on_stack(stack: usize, f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the test thread panicked");
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

/// A JSONata workflow whose Pass state outputs `expr`.
fn workflow(expr: &str) -> String {
    format!(
        r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", "Output": {{"v": "{{% {expr} %}}"}}, "End": true}}}}}}"#
    )
}

/// Generates workflows with chains of `n` terms and checks the output.
fn generates_flat_code(n: usize) {
    for expr in [
        chain("1", " + ", "1", n),
        chain("$states.input.a", " or ", "$states.input.b", n),
        chain("'a'", " & ", "'b'", n),
        chain("$states.input", " ~> ", "$string", n),
    ] {
        let source = workflow(&expr);
        let tokens = generate(&source, &ModuleSpec::new("chains"), &Options::default())
            .unwrap_or_else(|e| panic!("{n}: {e:?}"));
        let text = tokens.to_string();
        // One loop over the links, not a constructor per link.
        assert!(text.contains("for (op , rhs , span , ann) in links"), "{n}");
        assert!(
            text.matches("ExprKind :: Binary").count() < 5,
            "{n}: nested constructors"
        );
        // The links are listed a few at a time, each chunk by a function
        // of its own, so that no function's frame grows with the chain.
        assert!(
            text.matches("fn push").count() >= n / 16,
            "{n}: links not chunked"
        );
        syn::parse2::<syn::File>(tokens).expect("the output parses as Rust");
    }
}

#[test]
fn chains_of_a_thousand_terms_generate_flat_code_on_a_small_stack() {
    on_stack(2 << 20, || generates_flat_code(1_000));
}

#[test]
fn chains_of_ten_thousand_terms_generate_flat_code_on_a_small_stack() {
    on_stack(2 << 20, || generates_flat_code(10_000));
}

#[test]
fn chains_of_ten_thousand_terms_format_on_a_small_stack() {
    on_stack(2 << 20, || {
        let n = 10_000;
        for expr in [
            chain("$states.input.a", " + ", "$states.input.a", n),
            chain("$states.input.a", " or ", "$states.context.Execution.Id", n),
        ] {
            let text = generate_string(
                &workflow(&expr),
                &ModuleSpec::new("chains"),
                &Options::default(),
            )
            .unwrap_or_else(|e| panic!("{n}: {e:?}"));
            assert!(text.starts_with(sfn_codegen::GENERATED_HEADER));
            // The code is inside a macro call, printed with lines wrapped
            // wherever they grow long.
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains("for (op, rhs, span, ann) in links"));
        }
    });
}

/// A `$states.result` far inside a long chain, where no result exists, is
/// still found and reported.
#[test]
fn a_misplaced_states_result_deep_in_a_long_chain_is_reported() {
    on_stack(2 << 20, || {
        // A Pass state has no result: its Output cannot read one. The
        // reference is the far left term, the deepest node of the tree.
        let expr = format!("$states.result.x + {}", chain("1", " + ", "1", 10_000));
        let err = generate(
            &workflow(&expr),
            &ModuleSpec::new("chains"),
            &Options::default(),
        )
        .expect_err("$states.result is not readable in a Pass state");
        let text = format!("{err:?}");
        assert!(
            text.contains("`$states.result` does not exist here"),
            "{}",
            &text[..text.len().min(500)]
        );
    });
}

#[test]
fn short_chains_stay_nested() {
    let source = workflow(&chain("1", " + ", "1", 5));
    let text = generate(&source, &ModuleSpec::new("short"), &Options::default())
        .unwrap()
        .to_string();
    assert!(!text.contains("in links"));
    assert_eq!(text.matches("ExprKind :: Binary").count(), 4);
}
