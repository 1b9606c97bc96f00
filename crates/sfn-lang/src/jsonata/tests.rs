use super::*;
use proptest::prelude::*;

/// A compact rendering of the tree for shape assertions.
///
/// Paths are `(path step…)`, operators `(op lhs rhs)`, calls `(call f args…)`.
/// Annotations follow their node: `?[p]` predicate, `[p]` stage filter, `[#$i]`
/// stage index, `@$v` focus, `#$i` index, `{(k v)…}` group, `~t` tuple, `[]`
/// keep array, `~c` cons array, `^n` ancestor label.
fn sx(e: &Expr) -> String {
    let list = |items: &[Expr]| {
        items
            .iter()
            .map(|i| format!(" {}", sx(i)))
            .collect::<String>()
    };
    let mut s = match &e.kind {
        ExprKind::String(s) => format!("{s:?}"),
        ExprKind::Number(n) => format!("{n}"),
        ExprKind::Bool(b) => format!("{b}"),
        ExprKind::Null => "null".into(),
        ExprKind::Regex(r) => format!(
            "/{}/{}{}",
            r.pattern,
            if r.ignore_case { "i" } else { "" },
            if r.multiline { "m" } else { "" }
        ),
        ExprKind::Name(n) if n.contains([' ', '(', ')']) || n.is_empty() => format!("`{n}`"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Context => "$".into(),
        ExprKind::Root => "$$".into(),
        ExprKind::Variable(v) => format!("${v}"),
        ExprKind::Wildcard => "*".into(),
        ExprKind::Descendant => "**".into(),
        ExprKind::Parent { label } => format!("%{label}"),
        ExprKind::Path(p) => format!(
            "(path{}{})",
            if p.keep_singleton_array { "[]" } else { "" },
            list(&p.steps)
        ),
        ExprKind::Negate(e) => format!("(neg {})", sx(e)),
        ExprKind::Binary { op, lhs, rhs } => format!("({op} {} {})", sx(lhs), sx(rhs)),
        ExprKind::Array(items) => format!("(array{})", list(items)),
        ExprKind::Object(pairs) => format!("(object{})", pairs_sx(pairs)),
        ExprKind::Block(items) => format!("(block{})", list(items)),
        ExprKind::Condition {
            condition,
            then,
            otherwise,
        } => match otherwise {
            Some(o) => format!("(? {} {} {})", sx(condition), sx(then), sx(o)),
            None => format!("(? {} {})", sx(condition), sx(then)),
        },
        ExprKind::Bind { name, value } => format!("(:= ${} {})", name.name, sx(value)),
        ExprKind::Call { procedure, args } => format!("(call {}{})", sx(procedure), list(args)),
        ExprKind::Partial { procedure, args } => {
            format!("(partial {}{})", sx(procedure), list(args))
        }
        ExprKind::Placeholder => "?".into(),
        ExprKind::Lambda(l) => {
            let params: Vec<String> = l.params.iter().map(|p| format!("${}", p.name)).collect();
            let sig = l
                .signature
                .as_ref()
                .map(|s| format!(" {}", s.text))
                .unwrap_or_default();
            format!("(lambda ({}){sig} {})", params.join(" "), sx(&l.body))
        }
        ExprKind::Apply { lhs, rhs } => format!("(~> {} {})", sx(lhs), sx(rhs)),
        ExprKind::Transform {
            pattern,
            update,
            delete,
        } => match delete {
            Some(d) => format!("(transform {} {} {})", sx(pattern), sx(update), sx(d)),
            None => format!("(transform {} {})", sx(pattern), sx(update)),
        },
        ExprKind::Sort(terms) => {
            let terms: String = terms
                .iter()
                .map(|t| {
                    format!(
                        " ({} {})",
                        if t.descending { ">" } else { "<" },
                        sx(&t.expr)
                    )
                })
                .collect();
            format!("(sort{terms})")
        }
    };
    let a = &e.ann;
    for p in &a.predicates {
        s += &format!("?[{}]", sx(p));
    }
    for stage in &a.stages {
        match stage {
            Stage::Filter(p) => s += &format!("[{}]", sx(p)),
            Stage::Index(v) => s += &format!("[#${}]", v.name),
        }
    }
    if let Some(v) = &a.focus {
        s += &format!("@${}", v.name);
    }
    if let Some(v) = &a.index {
        s += &format!("#${}", v.name);
    }
    if let Some(g) = &a.group {
        s += &format!("{{{}}}", pairs_sx(&g.pairs).trim_start());
    }
    if a.tuple {
        s += "~t";
    }
    if a.keep_array {
        s += "[]";
    }
    if a.cons_array {
        s += "~c";
    }
    if let Some(n) = a.ancestor {
        s += &format!("^{n}");
    }
    s
}

fn pairs_sx(pairs: &[(Expr, Expr)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!(" ({} {})", sx(k), sx(v)))
        .collect()
}

#[track_caller]
fn shape(src: &str) -> String {
    match parse(src) {
        Ok(e) => sx(&e),
        Err(e) => panic!("{src:?} failed at {}: {e}", e.offset),
    }
}

#[track_caller]
fn check(src: &str, expected: &str) {
    assert_eq!(shape(src), expected, "{src}");
}

#[track_caller]
fn error(src: &str) -> SyntaxError {
    match parse(src) {
        Ok(e) => panic!("{src:?} parsed as {}", sx(&e)),
        Err(e) => e,
    }
}

#[track_caller]
fn error_contains(src: &str, needle: &str) -> usize {
    let e = error(src);
    assert!(e.message.contains(needle), "{src:?}: {e}");
    e.offset
}

// ---------------------------------------------------------------- literals

#[test]
fn literals() {
    check(r#""a\"b""#, r#""a\"b""#);
    check("'single'", r#""single""#);
    check("1.5", "1.5");
    check("1e3", "1000");
    check("true", "true");
    check("false", "false");
    check("null", "null");
    check("/ab+c/i", "/ab+c/i");
    check("/x/mi", "/x/im");
}

#[test]
fn unary_minus_folds_numbers() {
    check("-1", "-1");
    check("- 2.5", "-2.5");
    check("-$x", "(neg $x)");
    check("--1", "1");
    check("-a.b", "(neg (path a b))");
    check("1 - -1", "(- 1 -1)");
}

// ------------------------------------------------------------------- paths

#[test]
fn names_and_paths() {
    check("a", "(path a)");
    check("a.b.c", "(path a b c)");
    check("`a b`.c", "(path `a b` c)");
    check(r#"a."b c""#, "(path a `b c`)");
    check(r#""a".b"#, "(path a b)");
    check("and.or.in", "(path and or in)");
    check("function", "(path function)");
    check("a.(b.c)", "(path a (block (path b c)))");
}

#[test]
fn variables_context_and_root() {
    check("$", "$");
    check("$$", "$$");
    check("$x", "$x");
    check("$.store", "(path $ store)");
    check("$$.a", "(path $$ a)");
    check("$states.input.items", "(path $states input items)");
    assert_eq!(ExprKind::Context.variable_name(), Some(""));
    assert_eq!(ExprKind::Root.variable_name(), Some("$"));
}

#[test]
fn wildcards() {
    check("*", "*");
    check("a.*", "(path a *)");
    check("**.a", "(path ** a)");
    check("a.**", "(path a **)");
    check("a.*.b", "(path a * b)");
}

#[test]
fn literal_steps_are_rejected() {
    error_contains("a.1", "S0213");
    error_contains("a.true", "S0213");
    error_contains("null.a", "S0213");
    let offset = error_contains("a.b.2", "S0213");
    assert_eq!(offset, 4);
}

// --------------------------------------------------------------- operators

#[test]
fn arithmetic_precedence_and_associativity() {
    check("1 + 2 * 3", "(+ 1 (* 2 3))");
    check("(1 + 2) * 3", "(* (block (+ 1 2)) 3)");
    check("a - b - c", "(- (- (path a) (path b)) (path c))");
    check("a / b % c", "(% (/ (path a) (path b)) (path c))");
    check("a & b + c", "(+ (& (path a) (path b)) (path c))");
    check("$sum(x) + $v", "(+ (call $sum (path x)) $v)");
}

#[test]
fn comparison_and_boolean_operators() {
    check("a = 1", "(= (path a) 1)");
    check("a != 1", "(!= (path a) 1)");
    check("a < 1", "(< (path a) 1)");
    check("a <= 1", "(<= (path a) 1)");
    check("a > 1", "(> (path a) 1)");
    check("a >= 1", "(>= (path a) 1)");
    check("a in [1, 2]", "(in (path a) (array 1 2))");
    check("a and b or c", "(or (and (path a) (path b)) (path c))");
    check("a or b and c", "(or (path a) (and (path b) (path c)))");
    check("a > 1 and a < 2", "(and (> (path a) 1) (< (path a) 2))");
    check("1 < 2 = true", "(= (< 1 2) true)");
    check("null in $x", "(in null $x)");
}

#[test]
fn conditions() {
    check("a ? b : c", "(? (path a) (path b) (path c))");
    check("a ? b", "(? (path a) (path b))");
    check(
        "a ? b : c ? d : e",
        "(? (path a) (path b) (? (path c) (path d) (path e)))",
    );
    check("x > 0 ? 'pos' : 'neg'", r#"(? (> (path x) 0) "pos" "neg")"#);
}

#[test]
fn elvis_and_coalescing_are_not_2_0_6() {
    let offset = error_contains("a ?? b", "`??` is not JSONata 2.0.6");
    assert_eq!(offset, 2);
    error_contains("a ?: b", "`?:` is not JSONata 2.0.6");
    // Spaced apart they are just misplaced symbols.
    error_contains("a ? : b", "S0211");
}

#[test]
fn bindings_and_blocks() {
    check("$x := 1", "(:= $x 1)");
    check("$a := $b := 2", "(:= $a (:= $b 2))");
    check("($x := 1; $x + 1)", "(block (:= $x 1) (+ $x 1))");
    check("()", "(block)");
    check("(1;)", "(block 1)");
    error_contains("a := 1", "S0212");
    error_contains("1 := 1", "S0212");
}

#[test]
fn constructors() {
    check("[]", "(array)");
    check("[1, 'two', 3]", r#"(array 1 "two" 3)"#);
    check("[1..3, 5]", "(array (.. 1 3) 5)");
    check("[$a..$b]", "(array (.. $a $b))");
    check("{}", "(object)");
    check(
        r#"{"a": 1, b: c}"#,
        r#"(object ("a" 1) ((path b) (path c)))"#,
    );
    error_contains("1..3", "S0201");
    error_contains("[1..]", "S0211");
}

#[test]
fn calls_and_partials() {
    check("$f()", "(call $f)");
    check("$f(1, 2)", "(call $f 1 2)");
    check("$f(?, 2)", "(partial $f ? 2)");
    check("$f(?)(3)", "(call (partial $f ?) 3)");
    check("a.$uppercase()", "(path a (call $uppercase))");
    check("a.b()", "(path a (call (path b)))");
    error_contains("?", "S0211");
}

#[test]
fn lambdas() {
    check("function($x){ $x * 2 }", "(lambda ($x) (* $x 2))");
    check("λ($x, $y){$x + $y}", "(lambda ($x $y) (+ $x $y))");
    check("function(){1}", "(lambda () 1)");
    check("function($x)<n:n>{$x}", "(lambda ($x) <n:n> $x)");
    check("function($a)<a<n>:n>{$a}", "(lambda ($a) <a<n>:n> $a)");
    check(
        "$map([1,2], function($v, $i) { $v + $i })",
        "(call $map (array 1 2) (lambda ($v $i) (+ $v $i)))",
    );
    let e = parse("function($x)<n-s?:n>{$x}").unwrap();
    let ExprKind::Lambda(l) = &e.kind else {
        panic!("{e:?}")
    };
    let sig = l.signature.as_ref().unwrap();
    assert_eq!(sig.params.len(), 2);
    assert!(sig.params[0].use_context);
    assert!(sig.params[1].optional);
    assert_eq!(l.params[0].span, Span::new(9, 11));
    let offset = error_contains("function($x, 1){$x}", "parameter 2");
    assert_eq!(offset, 13);
    error_contains("function($x)<n<s>>{$x}", "S0401");
    error_contains("function($x) $x", "expected `{`");
}

#[test]
fn chain_and_transform() {
    check("a ~> $f()", "(~> (path a) (call $f))");
    check("a ~> $f ~> $g(1)", "(~> (~> (path a) $f) (call $g 1))");
    check(
        r#"| a | {"x": 1} |"#,
        r#"(transform (path a) (object ("x" 1)))"#,
    );
    check(
        r#"$ ~> | a | {"x": 1}, "y" |"#,
        r#"(~> $ (transform (path a) (object ("x" 1)) "y"))"#,
    );
}

#[test]
fn regex_literals_in_operand_position_only() {
    check("$match(s, /a+/)", "(call $match (path s) /a+/)");
    check("a / b", "(/ (path a) (path b))");
    check(
        "$contains('hello$world', /^hello\\$/)",
        r#"(call $contains "hello$world" /^hello\$/)"#,
    );
    // jsonata-js reads the token after `[` in operator position, so a regex
    // cannot open an array constructor.
    error_contains("[/a/]", "S0211");
    error_contains("$match(s, /a)", "S0302");
}

#[test]
fn comments() {
    check("/* hi */ a /* there */ + 1", "(+ (path a) 1)");
    check("a /* ** */.b", "(path a b)");
    error_contains("a /* open", "S0106");
}

// -------------------------------------------------------- predicates etc.

#[test]
fn predicates() {
    check("a[0]", "(path a[0])");
    check("a.b[0]", "(path a b[0])");
    check("a[0].b", "(path a[0] b)");
    check("a[x > 1][0]", "(path a[(> (path x) 1)][0])");
    check("$x[0]", "$x?[0]");
    check("$x[0].a", "(path $x?[0] a)");
    check("a.$x[0]", "(path a $x[0])");
    check("(a)[0]", "(block (path a))?[0]");
    check(
        "$states.input.interests[category = 'home']",
        r#"(path $states input interests[(= (path category) "home")])"#,
    );
}

#[test]
fn keep_array() {
    check("a[]", "(path[] a[])[]");
    check("a.b[]", "(path[] a b[])");
    check("a[0][]", "(path[] a[0][])[]");
    check("$x[]", "$x[]");
}

#[test]
fn group_by() {
    check("a{b: c}", "(path a){((path b) (path c))}");
    check(
        "a.b{'k': $sum(v)}",
        r#"(path a b){("k" (call $sum (path v)))}"#,
    );
    check("$x{'k': 1}", r#"$x{("k" 1)}"#);
    error_contains("a{b: c}{d: e}", "S0210");
    error_contains("$x{b: c}[0]", "S0209");
}

#[test]
fn order_by() {
    check("a^(b)", "(path a (sort (< (path b))))");
    check(
        "a.b^(<c, >d)",
        "(path a b (sort (< (path c)) (> (path d))))",
    );
    check("$x^($)", "(path $x (sort (< $)))");
    check("a^(b)[0]", "(path a (sort (< (path b)))[0])");
    check("a^(b)#$i", "(path a (sort (< (path b)))#$i~t)");
}

#[test]
fn focus_and_index_bindings() {
    check("a@$x.b", "(path a@$x~t b)");
    check("a#$i.b", "(path a#$i~t b)");
    check("a[0]#$i", "(path a[0][#$i]~t)");
    check("a#$i[0]", "(path a[0]#$i~t)");
    check("$x#$i", "(path $x#$i~t)");
    check("a@$x[]", "(path a@$x~t[])[]");
    check(
        "Account.Order@$o.Product",
        "(path Account Order@$o~t Product)",
    );
    error_contains("a[0]@$x", "S0215");
    error_contains("a^(b)@$x", "S0216");
    error_contains("a@b", "S0214");
    error_contains("a#1", "S0214");
}

#[test]
fn parent_operator() {
    check("a.b.%", "(path a b~t^0 %0)");
    check(
        "Account.Order.Product.{'p': Price, 'o': %.OrderID}",
        r#"(path Account Order Product~t^0 (object ("p" (path Price)) ("o" (path %0 OrderID))))"#,
    );
    check("a.b.%.%", "(path a~t^1 b~t^0 %0 %1)");
    check("a.b[%.c]", "(path a b[(path %0 c)]~t^0)");
    error_contains("%", "S0217");
    error_contains("%.a", "S0217");
    error_contains("$x[%.a]", "S0217");
}

#[test]
fn cons_array_flags() {
    check("[1,2].a", "(path (array 1 2)~c a)");
    check("a.[b]", "(path a (array (path b))~c)");
    check("([1,2].a)", "(block (path (array 1 2)~c a))~c");
}

// ------------------------------------------------------------------ errors

#[test]
fn asl_validator_invalid_fixtures() {
    // invalid-jsonata-syntax-arithmetic.json
    let e = error("10 + * 2");
    assert!(e.message.contains("S0201"), "{e}");
    assert_eq!(e.offset, 7);
    // invalid-jsonata-syntax-mismatched-parens.json: reported at the end.
    let src = "$sum($states.input.items.numbers";
    let e = error(src);
    assert!(e.message.contains("expected `)`"), "{e}");
    assert_eq!(e.offset, src.len());
    // invalid-jsonata-syntax-jsonpath-in-jsonata-surround.json
    let e = error("$.store.book[?(@.price < 10)].title");
    assert!(e.message.contains("`?` cannot start an expression"), "{e}");
    assert_eq!(e.offset, 13);
    // ... although `$.store` itself is a JSONata path.
    check("$.store.book", "(path $ store book)");
}

#[test]
fn error_positions_and_messages() {
    assert_eq!(error_contains("", "unexpected end"), 0);
    assert_eq!(error_contains("1 +", "unexpected end"), 3);
    assert_eq!(error_contains("a b", "S0201"), 2);
    assert_eq!(error_contains("(a", "expected `)` before the end"), 2);
    assert_eq!(error_contains("[1, 2", "expected `]`"), 5);
    assert_eq!(error_contains("{'a' 1}", "expected `:`, got `1`"), 5);
    assert_eq!(error_contains("'abc", "S0101"), 0);
    assert_eq!(error_contains("a ! b", "`!` is not a JSONata operator"), 2);
    error_contains("1e500", "S0102");
    error_contains("'\\q'", "S0103");
    error_contains("`abc", "S0105");
    error_contains("a.)", "S0211");
    error_contains("^(a)", "S0211");
    error_contains("a ^ b", "expected `(`");
    error_contains("| a | b", "expected `|`");
}

#[test]
fn spans() {
    let e = parse("  a.b + $f(1)").unwrap();
    assert_eq!(e.span, Span::new(2, 13));
    let ExprKind::Binary { lhs, rhs, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(lhs.span, Span::new(2, 5));
    let ExprKind::Path(p) = &lhs.kind else {
        panic!()
    };
    assert_eq!(p.steps[0].span, Span::new(2, 3));
    assert_eq!(p.steps[1].span, Span::new(4, 5));
    assert_eq!(rhs.span, Span::new(8, 13));
    // Multi-byte characters: spans are byte offsets.
    let e = parse("'é' & x").unwrap();
    let ExprKind::Binary { rhs, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(rhs.span, Span::new(7, 8));
}

#[test]
fn for_each_child_visits_annotations() {
    let e = parse("a[b]{c: d}").unwrap();
    fn count(e: &Expr) -> usize {
        let mut n = 1;
        e.for_each_child(|c| n += count(c));
        n
    }
    // path(a[stage b]){(c d)}: path, a, b-path, b, c-path, c, d-path, d
    assert_eq!(count(&e), 8);
}

// -------------------------------------------------------------- surround

#[test]
fn split_expression_rules() {
    assert_eq!(split_expression("hello"), None);
    assert_eq!(split_expression(""), None);
    assert_eq!(split_expression("{% $x %}"), Some(Ok(("$x", 3))));
    assert_eq!(split_expression("{%  $x  %}"), Some(Ok(("$x", 4))));
    assert_eq!(split_expression("{% a & ' '  %}"), Some(Ok(("a & ' '", 3))));
    let err = |s: &str| match split_expression(s) {
        Some(Err(e)) => e,
        other => panic!("{s:?}: {other:?}"),
    };
    // invalid-jsonata-surround-syntax-no-close.json
    let e = err("{% 10 %");
    assert!(e.message.contains("must end with ` %}`"), "{e}");
    assert_eq!(e.offset, 7);
    // invalid-jsonata-surround-syntax-no-open.json
    let e = err("10 %}");
    assert!(e.message.contains("must start with `{% `"), "{e}");
    // invalid-jsonata-surround-syntax-no-spaces.json
    let e = err("{%10%}");
    assert!(
        e.message.contains("with one space inside each delimiter"),
        "{e}"
    );
    assert!(err("{% 10%}").message.contains("one space"));
    // invalid-json-surround-syntax-extra-spaces.json
    let e = err("{% \n10         %}");
    assert!(e.message.contains("on one line"), "{e}");
    assert_eq!(e.offset, 3);
    assert!(err("{% a\r\nb %}").message.contains("on one line"));
    assert!(err("{% a\u{2028}b %}").message.contains("on one line"));
    // Empty.
    for empty in ["{%  %}", "{% %}", "{%   %}", "{%%}", "{%}", "{% \t %}"] {
        let e = err(empty);
        assert!(
            e.message.contains("no JSONata expression") || e.message.contains("one space"),
            "{empty:?}: {e}"
        );
    }
}

#[test]
fn parse_asl_offsets_are_relative_to_the_string() {
    assert!(parse_asl("plain").is_none());
    let e = parse_asl("{% a + b %}").unwrap().unwrap();
    assert_eq!(e.span, Span::new(3, 8));
    let err = parse_asl("{% 10 + * 2 %}").unwrap().unwrap_err();
    assert_eq!(err.offset, 10);
    let err = parse_asl("{% /x %}").unwrap().unwrap_err();
    assert_eq!(err.offset, 3);
}

// ---------------------------------------------------------- conformance

/// JSON string values in `text` that start with `{%`, unescaped.
fn embedded_expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("\"{%") {
        let body = &rest[at + 1..];
        let mut value = String::new();
        let mut chars = body.char_indices();
        let mut end = body.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = i + 1;
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, 'b')) => value.push('\u{8}'),
                    Some((_, 'f')) => value.push('\u{c}'),
                    Some((_, 'u')) => {
                        let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                        let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                        value.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                    }
                    Some((_, other)) => value.push(other),
                    None => {}
                },
                c => value.push(c),
            }
        }
        out.push(value);
        rest = &body[end.min(body.len())..];
    }
    out
}

fn json_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn conformance_corpus_expressions_parse() {
    let dir = std::env::var("SFN_CONFORMANCE_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance").to_owned()
    });
    let dir = std::path::PathBuf::from(dir);
    if !dir.is_dir() {
        println!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&dir).unwrap_or(file);
        let must_parse = relative.starts_with("valid") || relative.starts_with("cases");
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for expr in embedded_expressions(&text) {
            // Never panics, whatever the file.
            let result = parse_asl(&expr);
            if !must_parse || !expr.ends_with("%}") {
                continue;
            }
            checked += 1;
            match result {
                Some(Ok(_)) => {}
                Some(Err(e)) => failures.push(format!(
                    "{}: {expr:?}: at {}: {e}",
                    relative.display(),
                    e.offset
                )),
                None => failures.push(format!("{}: {expr:?}: not split", relative.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 100, "only {checked} expressions found");
}

#[test]
fn invalid_fixtures_are_rejected() {
    let dir = std::env::var("SFN_CONFORMANCE_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance").to_owned()
    });
    let dir = std::path::PathBuf::from(dir).join("invalid");
    if !dir.is_dir() {
        println!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    for name in [
        "asl-validator__invalid-jsonata-surround-syntax-no-close.json",
        "asl-validator__invalid-jsonata-surround-syntax-no-open.json",
        "asl-validator__invalid-jsonata-surround-syntax-no-spaces.json",
        "asl-validator__invalid-jsonata-syntax-arithmetic.json",
        "asl-validator__invalid-jsonata-syntax-jsonpath-in-jsonata-surround.json",
        "asl-validator__invalid-jsonata-syntax-mismatched-parens.json",
        "asl-validator__invalid-json-surround-syntax-extra-spaces.json",
    ] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            println!("{name} not found; skipping");
            continue;
        };
        // The definition's own strings (not the `Comment`, which quotes the
        // surround syntax) must include one that is rejected.
        let definition = text.split("\"definition\"").nth(1).unwrap_or(&text);
        let candidates: Vec<String> = definition
            .split('"')
            .filter(|s| s.starts_with("{%") || s.ends_with("%}"))
            .map(|s| s.replace("\\n", "\n"))
            .filter(|s| !s.contains("<JSONata expression>"))
            .collect();
        assert!(!candidates.is_empty(), "{name}");
        assert!(
            candidates
                .iter()
                .any(|c| matches!(parse_asl(c), Some(Err(_)))),
            "{name}: {candidates:?}"
        );
    }
}

// ---------------------------------------------------------------- limits

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    for src in [
        "(".repeat(n),
        format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}1", "-".repeat(n)),
        format!("{}1", "[".repeat(n)),
        format!("{}1", "1+".repeat(n)),
        format!("a{}", ".a".repeat(n)),
        format!("{}1", "$x:=".repeat(n)),
        format!("a{}", "[0]".repeat(n)),
        format!("{}1", "$f(".repeat(n)),
        format!("{}a", "{a:".repeat(n)),
        format!("1{}", "?1:1".repeat(n)),
        format!("{}1", "function($x){".repeat(n)),
        format!("a{}", "^(b)".repeat(n)),
        format!("a{}", "#$i".repeat(n)),
        "/*".repeat(n),
        format!("{}1", "/**/".repeat(n)),
    ] {
        let _ = parse(&src);
    }
    let e = error(&format!("{}1{}", "(".repeat(n), ")".repeat(n)));
    assert!(e.message.contains("nested too deeply"), "{e}");
}

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    let depth = MAX_DEPTH / 2 - 2;
    let parens = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
    assert!(parse(&parens).is_ok());
    let sum = format!("1{}", "+1".repeat(MAX_DEPTH - 2));
    assert!(parse(&sum).is_ok());
    let steps = format!("a{}", ".a".repeat(MAX_DEPTH - 2));
    assert!(parse(&steps).is_ok());
    let filters = format!("a{}", "[0]".repeat(MAX_DEPTH - 2));
    assert!(parse(&filters).is_ok());
    let negs = format!("{}1", "-".repeat(MAX_DEPTH - 2));
    assert!(parse(&negs).is_ok());
    let calls = format!("{}1{}", "$f(".repeat(depth), ")".repeat(depth));
    assert!(parse(&calls).is_ok());
    let parents = format!("a{}", ".b[%.c]".repeat(MAX_DEPTH / 4));
    let _ = parse(&parents);
}

#[test]
fn deep_trees_fit_a_small_stack() {
    // The parser and the processing pass recurse once per nesting level.
    // The most stack-hungry shapes, at the limit and past it, must fit a
    // 1 MiB thread stack even in unoptimised builds (about 1/8 of a main
    // thread, half of a test thread).
    let at_limit = MAX_DEPTH - 2;
    let inputs = vec![
        format!("{}1{}", "(".repeat(at_limit), ")".repeat(at_limit)),
        format!("{}$x", "-".repeat(at_limit)),
        format!("{}1{}", "a[".repeat(at_limit), "]".repeat(at_limit)),
        format!("{}1{}", "{a:".repeat(at_limit), "}".repeat(at_limit)),
        format!("{}1{}", "$f(".repeat(at_limit), ")".repeat(at_limit)),
        format!("{}1{}", "[1..".repeat(at_limit), "]".repeat(at_limit)),
        format!(
            "{}1{}",
            "function($x){".repeat(at_limit / 2),
            "}".repeat(at_limit / 2)
        ),
        format!(
            "a{}{}",
            ".b[%.c".repeat(at_limit / 2),
            "]".repeat(at_limit / 2)
        ),
        format!("1{}", "+1".repeat(at_limit)),
        format!("{}1", "(".repeat(100_000)),
        format!("{}1", "function($x){".repeat(10_000)),
        format!("{}1", "{a:".repeat(100_000)),
        format!("{}1", "a{b:".repeat(100_000)),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            inputs
                .iter()
                .map(|src| match parse(src) {
                    Ok(e) => e.clone() == e,
                    Err(e) => e.message.contains("nested too deeply"),
                })
                .collect::<Vec<bool>>()
        });
    let results = handle.unwrap().join().unwrap();
    assert!(results.iter().all(|&ok| ok), "{results:?}");
}

// --------------------------------------------------------------- proptest

const TOKENS: &[&str] = &[
    "a", "b", "$", "$$", "$x", "%", "*", "**", ".", "[", "]", "{", "}", "(", ")", ",", ";", ":",
    "?", "+", "-", "/", "&", "=", "!=", "<", ">", "<=", ">=", "^", "@", "#", ":=", "~>", "..", "|",
    "and", "or", "in", "1", "2.5", "'s'", "\"t\"", "`n m`", "/re/", "function", "λ", "true",
    "null", " ", "/*c*/", "\\", "é", "$f(", "?",
];

proptest! {
    #[test]
    fn parse_never_panics(src in "\\PC*") {
        let _ = parse(&src);
        let _ = parse_asl(&src);
    }

    #[test]
    fn parse_never_panics_on_token_soup(
        tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..40)
    ) {
        let src = tokens.concat();
        if let Ok(e) = parse(&src) {
            // Spans lie within the source, on character boundaries.
            fn check_spans(e: &Expr, src: &str) -> bool {
                let mut ok = e.span.start <= e.span.end
                    && src.get(e.span.start..e.span.end).is_some();
                e.for_each_child(|c| ok &= check_spans(c, src));
                ok
            }
            prop_assert!(check_spans(&e, &src), "{src}");
        }
        let spaced = tokens.join(" ");
        let _ = parse(&spaced);
        let _ = parse_asl(&format!("{{% {spaced} %}}"));
    }

    #[test]
    fn error_offsets_are_in_range(src in "[a-z$.\\[\\](){}'\"/*+%?:,;@#^|-]{0,30}") {
        if let Err(e) = parse(&src) {
            prop_assert!(e.offset <= src.len());
        }
    }

    #[test]
    fn split_never_panics(src in "\\PC*") {
        if let Some(Ok((text, offset))) = split_expression(&src) {
            prop_assert_eq!(src.get(offset..offset + text.len()), Some(text));
        }
    }
}

#[test]
fn accepts_documentation_style_expressions() {
    for src in [
        "Account.Order.Product.(Price * Quantity)",
        "$sum(Account.Order.Product.(Price * Quantity))",
        "Account.Order[0].Product[0].Description.Colour",
        "Phone[type='mobile'].number",
        "Address.(Street & ', ' & City)",
        "$count(Phone[type='mobile'])",
        "Account.Order.Product{`Product Name`: Price}",
        "Account.Order.Product^(>Price, <Quantity)",
        "library.loans@$l.books@$b[$l.isbn=$b.isbn].{ 'title': $b.title, 'customer': $l.customer }",
        "[1..5].($ * 2)",
        "$reduce([1..5], function($i, $j){$i * $j})",
        "( $f := function($x)<n:n>{ $x * 2 }; $f(3) )",
        "$ ~> | Account.Order.Product | {'Total': Price * Quantity}, ['Price', 'Quantity'] |",
        "Employee.{ 'name': FirstName & ' ' & Surname, 'mobile': Contact.Phone[type = 'mobile'].number }",
        "Account.Order#$o.Product.{ 'order': $o }",
        "**.Postcode",
        "$.**",
        "Account.Order.Product.SKU ~> $join(',')",
        "$formatNumber(1234.5, '#,##0.00')",
        "$match('abc', /[a-c]+/i)",
        "Account.Order.Product[%.OrderID='order104'].SKU",
        "$sift($, function($v, $k){$k ~> /^a/})",
        "$map(Email.address, $lowercase)",
        "Account.Order.Product.Price[$ > 30]",
        "Account.Order[[0..1]]",
        "$.\"field name\"",
        "-5 + 3",
        "\"a\" in [\"a\", \"b\"]",
        "Account.Order.Product.{ 'Product': `Product Name`, 'Order': %.OrderID, 'Account': %.%.`Account Name` }",
        "$states.input.items[price > 10].{ 'name': name, 'cost': price * qty }",
        "$partition($states.input.list, 2)",
        "$hash($states.input.s, 'SHA-256')",
        "$random(42)",
        "$parse('{\"a\": 1}').a",
        "function($l, $w){ $l * $w }(3, 4)",
        "$string(5) & 'x'",
        "$x.y[0][1].z",
        "[[1,2],[3]][0][1]",
        "{'a': 1}.a",
        "$keys($)[0]",
        "Product.$lookup($, 'Price')",
        "Account.(Order.Product)[0]",
        "$each($, function($v, $k) { $k & '=' & $v })",
        "$filter([1,2,3], function($v){ $v > 1 })",
        "$sort(items, function($a, $b){ $a.price > $b.price })",
        "$zip([1,2],[3,4])",
        "$single(items, function($v){ $v.id = 1 })",
        "$eval('1 + 1')",
        "$now('[Y0001]-[M01]-[D01]')",
        "true and not",
        "a.`b.c`.d",
        "λ($x){$x}(1)",
        "$f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }",
        "items#$i[$i < 2]",
        "items[price > 1]#$i.{'i': $i}",
        "a@$x#$i.b",
        "$ = null",
        "$$.a = $.a",
        "1 != 2 or 2 >= 3 and 4 <= 5",
        "10 % 3 / 2 * 4 - 1",
        "/* leading */ $x /* trailing */",
        "'line1\\nline2'",
        "\"\\u00e9\"",
        "items.{'a': a}[]",
        "$count(items[])",
    ] {
        if let Err(e) = parse(src) {
            panic!("{src:?} failed at {}: {e}", e.offset);
        }
    }
}
