//! Issue 11, "wrong answers without an error": JSONata chains of more than
//! 100 flat terms (`a or b or …`, `1 + 1 + …`, `"a" & "b" & …`, `a.b.c…`),
//! which jsonata-js accepts, were rejected as "nested too deeply", because
//! every operator counted as a level of nesting.
//!
//! A left-associative chain now counts as one level: it is parsed,
//! processed, cloned, compared, printed and dropped in loops, so 10,000 and
//! 100,000 terms are fine on a 2 MiB stack (a tokio worker's) in an
//! unoptimised build. Truly nested expressions (`((((…))))`,
//! `1 + (1 + (…))`) are still refused past 100 levels, with the nesting
//! error rather than a stack overflow.

use sfn_lang::jsonata::{BinaryOp, Expr, ExprKind, MAX_DEPTH, parse};

/// Runs `f` on a thread with a 2 MiB stack, like a tokio worker.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the test thread panicked")
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

/// The number of links along the left of `e`, and the operator of each.
fn links(e: &Expr) -> Vec<BinaryOp> {
    let mut ops = Vec::new();
    let mut node = e;
    while let ExprKind::Binary { op, lhs, .. } = &node.kind {
        ops.push(*op);
        node = lhs;
    }
    ops
}

#[test]
fn flat_chains_of_150_terms_parse() {
    // Each was "expression is nested too deeply (more than 100 levels)".
    for (src, op) in [
        (chain("a", " or ", "b", 150), Some(BinaryOp::Or)),
        (chain("a", " and ", "b", 150), Some(BinaryOp::And)),
        (chain("1", "+", "1", 150), Some(BinaryOp::Add)),
        (chain("1", "-", "1", 150), Some(BinaryOp::Subtract)),
        (chain("2", "*", "2", 150), Some(BinaryOp::Multiply)),
        (chain("\"a\"", "&", "\"b\"", 150), Some(BinaryOp::Concat)),
        (chain("$x", " ~> ", "$f", 150), None),
    ] {
        let e = parse(&src).unwrap_or_else(|e| panic!("{}: {e}", &src[..20]));
        if let Some(op) = op {
            assert_eq!(links(&e), vec![op; 149], "{}", &src[..20]);
        }
    }
}

#[test]
fn long_paths_are_one_path() {
    for steps in [99, 150, 1_000, 10_000] {
        let src = chain("a", ".", "b", steps);
        let e = parse(&src).unwrap();
        let ExprKind::Path(path) = &e.kind else {
            panic!("not a path");
        };
        assert_eq!(path.steps.len(), steps);
        assert!(
            path.steps[1..]
                .iter()
                .all(|s| s.kind == ExprKind::Name("b".into()))
        );
    }
    // Literal steps are still refused, wherever they are.
    let e = parse(&format!("{}.1", chain("a", ".", "b", 500))).unwrap_err();
    assert!(e.message.contains("S0213"), "{e}");
    let e = parse(&format!("1^(a).{}", chain("a", ".", "b", 10))).unwrap_err();
    assert!(e.message.contains("S0213"), "{e}");
    // `[]` anywhere keeps singleton arrays, also on a step an `@` flagged
    // after an earlier `.`.
    for src in ["a.b[].c.d", "a.b.c.d[]", "a.b@$x[].c"] {
        let ExprKind::Path(path) = parse(src).unwrap().kind.clone() else {
            panic!("not a path: {src}");
        };
        assert!(path.keep_singleton_array, "{src}");
    }
}

#[test]
fn chains_of_ten_thousand_and_more_fit_a_small_stack() {
    on_small_stack(|| {
        for n in [1_000, 10_000, 100_000] {
            for src in [
                chain("1", "+", "1", n),
                chain("a", " or ", "b", n),
                chain("'a'", " & ", "'b'", n),
                chain("$x", " ~> ", "$f", n),
                chain("a", ".", "b", n),
                chain("1", "+", "2*3", n),
                // Parent operators make the processing relabel the tree.
                format!("a.b[%.c][{}]", chain("1", "+", "1", n)),
            ] {
                let e = parse(&src).unwrap_or_else(|e| panic!("{n}: {e}"));
                let copy = e.clone();
                assert!(copy == e);
                let mut visited = 0;
                e.walk(|_| visited += 1);
                assert!(visited >= n, "{n}: visited {visited}");
                // Long chains print flat.
                let text = format!("{e:?}");
                assert!(!text.is_empty());
                drop(copy);
                drop(e);
            }
        }
    });
}

#[test]
fn different_chains_are_not_equal() {
    let a = parse(&chain("1", "+", "1", 5_000)).unwrap();
    let b = parse(&format!("{}+2", chain("1", "+", "1", 4_999))).unwrap();
    let c = parse(&chain("1", "-", "1", 5_000)).unwrap();
    assert!(a != b);
    assert!(a != c);
    assert!(a == a.clone());
}

#[test]
fn true_nesting_is_still_refused() {
    on_small_stack(|| {
        let nested_too_deeply =
            format!("expression is nested too deeply (more than {MAX_DEPTH} levels)");
        for src in [
            format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("{}1{}", "1+(".repeat(10_000), ")".repeat(10_000)),
            format!("{}1{}", "$f(".repeat(10_000), ")".repeat(10_000)),
            format!("{}1", "-".repeat(10_000)),
        ] {
            let e = parse(&src).unwrap_err();
            assert_eq!(e.message, nested_too_deeply, "{}", &src[..10]);
        }
        // 100 levels of parentheses inside a long chain are fine.
        let deep = format!("{}1{}", "(".repeat(48), ")".repeat(48));
        assert!(parse(&format!("{}+{deep}", chain("1", "+", "1", 5_000))).is_ok());
    });
}

#[test]
fn errors_after_long_chains_are_errors() {
    on_small_stack(|| {
        for n in [10_000, 100_000] {
            for src in [
                format!("{})", chain("1", "+", "1", n)),
                format!("{}+", chain("1", "+", "1", n)),
                format!("{}.", chain("a", ".", "b", n)),
                format!("{} ~>", chain("$x", " ~> ", "$f", n)),
            ] {
                assert!(parse(&src).is_err(), "{n}");
            }
        }
    });
}
