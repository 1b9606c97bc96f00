//! `sfn graph`: Mermaid and DOT that parse and hold every state and edge of
//! the definition, Choice rules and Catch errors on the edges, clusters
//! for Parallel branches and Map processors, names that survive quoting,
//! history colours, an SVG that is well-formed XML, and the exit codes.

mod support;

use support::{Drawn, fixture, read_dot, read_mermaid, read_svg, seed_dir, sfn, temp_file};

/// An expected edge: from label, to label, edge label, dashed.
type Expected = (&'static str, &'static str, Option<&'static str>, bool);

/// Every edge of the order-processing workflow (`<s8_join>` is where the
/// branches of PrepareShipment meet).
const ORDER_EDGES: [Expected; 20] = [
    ("Start", "ValidateOrder", None, false),
    ("ValidateOrder", "CheckInventory", None, false),
    (
        "ValidateOrder",
        "NotifyFailure",
        Some("ValidationError"),
        true,
    ),
    ("CheckInventory", "StockCheck", None, false),
    (
        "StockCheck",
        "ProcessPayment",
        Some("$.inventoryStatus == \"IN_STOCK\""),
        false,
    ),
    ("StockCheck", "NotifyOutOfStock", Some("Default"), false),
    ("NotifyOutOfStock", "WaitForRestock", None, false),
    ("WaitForRestock", "CheckInventory", None, false),
    ("ProcessPayment", "PaymentCheck", None, false),
    (
        "PaymentCheck",
        "PrepareShipment",
        Some("$.paymentStatus == \"SUCCEEDED\""),
        false,
    ),
    (
        "PaymentCheck",
        "NotifyPaymentFailure",
        Some("Default"),
        false,
    ),
    ("NotifyPaymentFailure", "End", None, false),
    ("PrepareShipment", "UpdateInventory", None, false),
    ("PrepareShipment", "GenerateInvoice", None, false),
    ("UpdateInventory", "<s8_join>", None, false),
    ("GenerateInvoice", "<s8_join>", None, false),
    ("<s8_join>", "ShipOrder", None, false),
    ("ShipOrder", "NotifyCustomer", None, false),
    ("NotifyCustomer", "End", None, false),
    ("NotifyFailure", "End", None, false),
];

/// The states of the order-processing workflow.
const ORDER_STATES: [&str; 14] = [
    "ValidateOrder",
    "CheckInventory",
    "StockCheck",
    "NotifyOutOfStock",
    "WaitForRestock",
    "ProcessPayment",
    "PaymentCheck",
    "NotifyPaymentFailure",
    "PrepareShipment",
    "UpdateInventory",
    "GenerateInvoice",
    "ShipOrder",
    "NotifyCustomer",
    "NotifyFailure",
];

/// The states of `nested.asl.json`, as written in the file.
const NESTED_STATES: [&str; 13] = [
    "Get \"order\" #1",
    "Route <fast> & slow",
    "Pause | wait",
    "Fan out",
    "Left pass",
    "Left done",
    "Right task",
    "Each item",
    "Check item",
    "Keep",
    "Reject",
    "Café ☕ back\\slash",
    "Give up ✗",
];

/// `sfn graph FILE --format FORMAT [extra...]`, which must succeed.
fn graph(file: &str, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["graph", file, "--format", format];
    args.extend_from_slice(extra);
    let run = sfn(&args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run.stdout
}

fn mermaid(file: &str, extra: &[&str]) -> Drawn {
    let text = graph(file, "mermaid", extra);
    read_mermaid(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn dot(file: &str, extra: &[&str]) -> Drawn {
    let text = graph(file, "dot", extra);
    read_dot(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn expected(list: &[Expected]) -> Vec<(String, String, Option<String>, bool)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|(f, t, l, d)| ((*f).to_owned(), (*t).to_owned(), l.map(str::to_owned), *d))
        .collect();
    out.sort();
    out
}

/// Checks the nodes and edges of the order workflow in either format.
fn assert_order_graph(drawn: &Drawn) {
    let mut labels: Vec<&str> = drawn
        .labels
        .values()
        .map(String::as_str)
        .filter(|l| !l.trim().is_empty())
        .collect();
    labels.sort();
    let mut want: Vec<&str> = ORDER_STATES.to_vec();
    want.extend(["Start", "End"]);
    want.sort();
    assert_eq!(labels, want);
    assert_eq!(drawn.labelled_edges(), expected(&ORDER_EDGES));
    // The Parallel state is a cluster holding its node, one cluster per
    // branch, and the branches' states.
    let parallel = drawn.id("PrepareShipment");
    assert_eq!(drawn.parents[&parallel].len(), 1);
    assert!(drawn.parents[&parallel][0].contains("PrepareShipment"));
    assert_eq!(
        drawn.parents[&drawn.id("UpdateInventory")],
        ["PrepareShipment", "Branch 1"]
    );
    assert_eq!(
        drawn.parents[&drawn.id("GenerateInvoice")],
        ["PrepareShipment", "Branch 2"]
    );
    assert!(drawn.parents[&drawn.id("ShipOrder")].is_empty());
}

#[test]
fn order_workflow_in_mermaid_has_every_state_edge_and_cluster() {
    let drawn = mermaid(&fixture("order_processing.asl.json"), &[]);
    assert_order_graph(&drawn);
    assert_eq!(drawn.clusters.len(), 3);
    // Shapes by type.
    for (state, shape) in [
        ("ValidateOrder", "[\"\"]"),
        ("StockCheck", "{\"\"}"),
        ("WaitForRestock", "{{\"\"}}"),
        ("PrepareShipment", "[[\"\"]]"),
        ("Start", "((\"\"))"),
    ] {
        assert_eq!(drawn.shapes[&drawn.id(state)], shape, "{state}");
    }
}

#[test]
fn order_workflow_in_dot_parses_and_has_every_state_edge_and_cluster() {
    let drawn = dot(&fixture("order_processing.asl.json"), &[]);
    assert_order_graph(&drawn);
    assert_eq!(drawn.clusters, ["cluster_c0", "cluster_c1", "cluster_c2"]);
    for (state, shape) in [
        ("ValidateOrder", "box"),
        ("StockCheck", "diamond"),
        ("WaitForRestock", "hexagon"),
        ("End", "doublecircle"),
    ] {
        assert_eq!(drawn.shapes[&drawn.id(state)], shape, "{state}");
    }
}

#[test]
fn dot_output_is_drawn_by_the_layout_rs_dot_reader_too() {
    let text = graph(&fixture("nested.asl.json"), "dot", &[]);
    let mut parser = layout::gv::DotParser::new(&text);
    let tree = parser.process().expect("DOT parses");
    let mut builder = layout::gv::GraphBuilder::new();
    builder.visit_graph(&tree);
    let mut visual = builder.get();
    let mut svg = layout::backends::svg::SVGWriter::new();
    visual.do_it(false, false, false, &mut svg);
    let (texts, _) = read_svg(&svg.finalize()).expect("well-formed");
    assert!(texts.iter().any(|t| t == "Pause | wait"), "{texts:?}");
}

#[test]
fn awkward_names_survive_quoting_in_both_formats() {
    let file = fixture("nested.asl.json");
    for drawn in [mermaid(&file, &[]), dot(&file, &[])] {
        for name in NESTED_STATES {
            drawn.id(name);
        }
    }
}

#[test]
fn choice_rules_catch_errors_and_nested_clusters_in_both_formats() {
    let file = fixture("nested.asl.json");
    for drawn in [mermaid(&file, &[]), dot(&file, &[])] {
        let edges = drawn.labelled_edges();
        let has = |from: &str, to: &str, label: Option<&str>, dashed: bool| {
            let want = (
                from.to_owned(),
                to.to_owned(),
                label.map(str::to_owned),
                dashed,
            );
            assert!(edges.contains(&want), "missing {want:?} in {edges:#?}");
        };
        let route = "Route <fast> & slow";
        has(
            route,
            "Fan out",
            Some("And($.total > 100, IsPresent $.vip)"),
            false,
        );
        has(route, "Each item", Some("Not($.kind == \"bulk\")"), false);
        has(route, "Pause | wait", Some("Default"), false);
        has("Check item", "Keep", Some("$.ok == true"), false);
        has("Check item", "Reject", Some("Default"), false);
        has(
            "Get \"order\" #1",
            "Give up ✗",
            Some("States.Timeout, Custom.Error"),
            true,
        );
        has("Fan out", "Give up ✗", Some("States.ALL"), true);
        has("Each item", "Check item", Some("each item"), false);
        has("Give up ✗", "End", None, false);
        // Only Catch edges are dashed.
        assert_eq!(edges.iter().filter(|e| e.3).count(), 2);
        // A Fail state in a processor ends there: no edge leaves it.
        assert!(!edges.iter().any(|e| e.0 == "Reject"));
        // Clusters: Parallel, its 2 branches, Map, its processor.
        assert_eq!(drawn.clusters.len(), 5);
        assert_eq!(
            drawn.parents[&drawn.id("Left done")],
            ["Fan out", "Branch 1"]
        );
        assert_eq!(
            drawn.parents[&drawn.id("Right task")],
            ["Fan out", "Branch 2"]
        );
        assert_eq!(drawn.parents[&drawn.id("Each item")], ["Each item"]);
        for state in ["Check item", "Keep", "Reject"] {
            assert_eq!(
                drawn.parents[&drawn.id(state)],
                ["Each item", "Item processor"],
                "{state}"
            );
        }
        // Edges into and out of each cluster.
        let join = |state: &str| format!("<{}_join>", drawn.id(state));
        has("Fan out", "Left pass", None, false);
        has("Fan out", "Right task", None, false);
        has("Left done", &join("Fan out"), None, false);
        has("Right task", &join("Fan out"), None, false);
        has(&join("Fan out"), "Each item", None, false);
        has("Keep", &join("Each item"), None, false);
        has(&join("Each item"), "Café ☕ back\\slash", None, false);
    }
}

#[test]
fn jsonata_conditions_are_shown_as_written() {
    let file = fixture("jsonata.asl.json");
    let condition = "$states.input.total > 100 and $states.input.currency = \"EUR\"";
    for drawn in [mermaid(&file, &[]), dot(&file, &[])] {
        let edges = drawn.labelled_edges();
        assert!(
            edges.contains(&("Pick".into(), "Big".into(), Some(condition.into()), false)),
            "{edges:#?}"
        );
    }
}

/// The colour of each state of the order workflow drawn with `history`.
fn colours(format: &str, history: &str) -> Vec<(String, String)> {
    let file = fixture("order_processing.asl.json");
    let drawn = if format == "mermaid" {
        mermaid(&file, &["--history", history])
    } else {
        dot(&file, &["--history", history])
    };
    let mut list: Vec<(String, String)> = drawn
        .colours
        .iter()
        .map(|(id, colour)| (drawn.labels[id].clone(), colour.clone()))
        .collect();
    list.sort();
    list
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<_> = list
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    out.sort();
    out
}

#[test]
fn a_failed_history_colours_the_path_green_and_the_failure_red() {
    let history = fixture("order_failed.history.json");
    let want = [
        ("ValidateOrder", "succeeded"),
        ("CheckInventory", "succeeded"),
        ("StockCheck", "succeeded"),
        ("ProcessPayment", "failed"),
    ];
    assert_eq!(colours("mermaid", &history), pairs(&want));
    let fills: Vec<(&str, &str)> = want
        .iter()
        .map(|(s, c)| (*s, if *c == "failed" { "#ffcdd2" } else { "#c8e6c9" }))
        .collect();
    assert_eq!(colours("dot", &history), pairs(&fills));
}

#[test]
fn a_succeeded_history_colours_every_visited_state_including_branches() {
    let history = fixture("order_succeeded.history.json");
    let visited = [
        "ValidateOrder",
        "CheckInventory",
        "StockCheck",
        "ProcessPayment",
        "PaymentCheck",
        "PrepareShipment",
        "UpdateInventory",
        "GenerateInvoice",
        "ShipOrder",
        "NotifyCustomer",
    ];
    let want: Vec<(&str, &str)> = visited.iter().map(|s| (*s, "succeeded")).collect();
    assert_eq!(colours("mermaid", &history), pairs(&want));
    let want: Vec<(&str, &str)> = visited.iter().map(|s| (*s, "#c8e6c9")).collect();
    assert_eq!(colours("dot", &history), pairs(&want));
}

#[test]
fn a_caught_failure_is_orange() {
    let history = serde_json::json!({"events": [
        {"id": 1, "previousEventId": 0, "type": "ExecutionStarted"},
        {"id": 2, "previousEventId": 1, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "ValidateOrder"}},
        {"id": 3, "previousEventId": 2, "type": "LambdaFunctionScheduled"},
        {"id": 4, "previousEventId": 3, "type": "LambdaFunctionStarted"},
        {"id": 5, "previousEventId": 4, "type": "LambdaFunctionFailed",
         "lambdaFunctionFailedEventDetails": {"error": "ValidationError"}},
        {"id": 6, "previousEventId": 5, "type": "TaskStateExited",
         "stateExitedEventDetails": {"name": "ValidateOrder"}},
        {"id": 7, "previousEventId": 6, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "NotifyFailure"}},
        {"id": 8, "previousEventId": 7, "type": "TaskStateExited",
         "stateExitedEventDetails": {"name": "NotifyFailure"}},
        {"id": 9, "previousEventId": 8, "type": "ExecutionSucceeded"}
    ]});
    let path = temp_file("caught.history.json", &history.to_string());
    assert_eq!(
        colours("mermaid", path.to_str().unwrap()),
        pairs(&[("NotifyFailure", "succeeded"), ("ValidateOrder", "caught")])
    );
}

#[test]
fn svg_is_well_formed_names_every_state_and_shows_the_colours() {
    let file = fixture("order_processing.asl.json");
    let history = fixture("order_failed.history.json");
    let text = graph(&file, "svg", &["--history", &history]);
    let (texts, fills) = read_svg(&text).unwrap_or_else(|e| panic!("{e}"));
    for state in ORDER_STATES {
        assert!(texts.iter().any(|t| t == state), "{state} not in {texts:?}");
    }
    // Nested states are labelled with their enclosing boxes.
    assert!(
        texts.iter().any(|t| t == "PrepareShipment / Branch 1"),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t == "$.inventoryStatus == \"IN_STOCK\""),
        "{texts:?}"
    );
    // layout-rs writes colours with an alpha byte.
    let count = |colour: &str| fills.iter().filter(|f| f.starts_with(colour)).count();
    assert_eq!(count("#ffcdd2"), 1, "one red state: {fills:?}");
    assert_eq!(count("#c8e6c9"), 3, "three green states: {fills:?}");
}

#[test]
fn svg_escapes_awkward_names() {
    let text = graph(&fixture("nested.asl.json"), "svg", &[]);
    let (texts, _) = read_svg(&text).unwrap_or_else(|e| panic!("{e}"));
    for state in NESTED_STATES {
        assert!(
            texts.iter().any(|t| t == state),
            "{state:?} not in {texts:?}"
        );
    }
}

#[test]
fn output_goes_to_the_file_named_with_o() {
    let out = temp_file("order.mmd", "");
    let run = sfn(&[
        "graph",
        &fixture("order_processing.asl.json"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("flowchart TD\n"));
    // Mermaid is the default format.
    assert_eq!(
        written,
        graph(&fixture("order_processing.asl.json"), "mermaid", &[])
    );
}

#[test]
fn bad_inputs_give_messages_and_exit_codes() {
    let order = fixture("order_processing.asl.json");
    // A missing definition: 2.
    let run = sfn(&["graph", "/no/such/flow.asl.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the file"),
        "{}",
        run.stderr
    );
    // Not JSON: 2, with the position.
    let broken = temp_file("broken.asl.json", "{\"StartAt\": \"A\",\n  \"States\": }");
    let run = sfn(&["graph", broken.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(":2:13: error: not JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    // Invalid: 1, diagnostics as `sfn check` prints them, on stderr.
    let invalid = temp_file(
        "invalid.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#,
    );
    let run = sfn(&["graph", invalid.to_str().unwrap(), "--format", "dot"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no state named `B`"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    // A missing, non-JSON or non-history history: 2.
    let run = sfn(&["graph", &order, "--history", "/no/such/history.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read the file"),
        "{}",
        run.stderr
    );
    let bad = temp_file("bad.history.json", "{\"events\": [");
    let run = sfn(&["graph", &order, "--history", bad.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
    let shape = temp_file("shape.history.json", "{\"items\": []}");
    let run = sfn(&["graph", &order, "--history", shape.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not an execution history"),
        "{}",
        run.stderr
    );
    // A history of another workflow: drawn, with a warning per unknown state.
    let run = sfn(&[
        "graph",
        &fixture("jsonata.asl.json"),
        "--history",
        &fixture("order_failed.history.json"),
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains(
            "warning: the history names a state that is not in the definition: \"ProcessPayment\""
        ),
        "{}",
        run.stderr
    );
    // An output file that cannot be written: 2.
    let run = sfn(&["graph", &order, "-o", "/no/such/dir/out.mmd"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot write the file"),
        "{}",
        run.stderr
    );
    // An unknown format is refused by the argument parser.
    let run = sfn(&["graph", &order, "--format", "png"]);
    assert_eq!(run.code, 2);
}

#[test]
fn odd_definitions_never_panic() {
    let cases = [
        "",
        "[]",
        "null",
        "{}",
        r#"{"StartAt": 1}"#,
        r#"{"StartAt": "A", "States": {}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [], "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": []}}}"#,
        &"[".repeat(10_000),
    ];
    for (i, text) in cases.iter().enumerate() {
        let file = temp_file(&format!("odd{i}.asl.json"), text);
        for format in ["mermaid", "dot", "svg"] {
            let run = sfn(&["graph", file.to_str().unwrap(), "--format", format]);
            assert!(
                run.code == 1 || run.code == 2,
                "case {i} {format}: {}",
                run.code
            );
        }
        let run = sfn(&["gen", file.to_str().unwrap()]);
        assert!(run.code == 1 || run.code == 2, "case {i} gen: {}", run.code);
    }
    // A state that loops to itself and a deep Parallel nesting draw fine.
    let looping = temp_file(
        "loop.asl.json",
        r#"{"StartAt": "A", "States": {
            "A": {"Type": "Choice", "Choices": [{"Variable": "$.again", "BooleanEquals": true, "Next": "A"}], "Default": "B"},
            "B": {"Type": "Succeed"}}}"#,
    );
    let mut nested = r#"{"Type": "Pass", "End": true}"#.to_owned();
    for depth in 0..20 {
        nested = format!(
            r#"{{"Type": "Parallel", "End": true, "Branches": [{{"StartAt": "P{depth}", "States": {{"P{depth}": {nested}}}}}]}}"#
        );
    }
    let deep = temp_file(
        "deep.asl.json",
        &format!(r#"{{"StartAt": "Top", "States": {{"Top": {nested}}}}}"#),
    );
    for file in [looping, deep] {
        for format in ["mermaid", "dot", "svg"] {
            let text = graph(file.to_str().unwrap(), format, &[]);
            match format {
                "mermaid" => drop(read_mermaid(&text).unwrap()),
                "dot" => drop(read_dot(&text).unwrap()),
                _ => drop(read_svg(&text).unwrap()),
            }
        }
    }
}

#[test]
fn a_long_chain_of_choices_is_drawn_quickly() {
    // layout-rs walks every path when checking for cycles; sfn hands it an
    // acyclic, ordered graph so that 20 Choice diamonds in a row (a million
    // paths) stay fast.
    let mut states = Vec::new();
    for i in 0..20 {
        states.push(format!(
            r#""C{i}": {{"Type": "Choice", "Choices": [{{"Variable": "$.x", "NumericEquals": {i}, "Next": "L{i}"}}], "Default": "R{i}"}},
               "L{i}": {{"Type": "Pass", "Next": "{next}"}},
               "R{i}": {{"Type": "Pass", "Next": "{next}"}}"#,
            next = if i == 19 { "Done".to_owned() } else { format!("C{}", i + 1) }
        ));
    }
    let text = format!(
        r#"{{"StartAt": "C0", "States": {{{}, "Done": {{"Type": "Succeed"}}}}}}"#,
        states.join(",")
    );
    let file = temp_file("diamonds.asl.json", &text);
    let started = std::time::Instant::now();
    let svg = graph(file.to_str().unwrap(), "svg", &[]);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let (texts, _) = read_svg(&svg).unwrap();
    assert!(texts.iter().any(|t| t == "R19"));
}

#[test]
fn seed_order_workflow_draws_like_the_fixture_copy() {
    let Some(dir) = seed_dir() else { return };
    let fixed = dir.join("order_processing.fixed.asl.json");
    assert_eq!(
        graph(fixed.to_str().unwrap(), "mermaid", &[]),
        graph(&fixture("order_processing.asl.json"), "mermaid", &[])
    );
    // The original seed file is invalid (a `Days` field): exit 1, the fix
    // suggested on stderr.
    let run = sfn(&[
        "graph",
        dir.join("order_processing.asl.json").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("\"Seconds\": 172800"), "{}", run.stderr);
}

#[test]
fn graphviz_draws_the_dot_when_it_is_installed() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("dot").arg("-V").output().is_err() {
        println!("Graphviz `dot` not installed; skipped");
        return;
    }
    for name in ["order_processing.asl.json", "nested.asl.json"] {
        let text = graph(
            &fixture(name),
            "dot",
            &["--history", &fixture("order_succeeded.history.json")],
        );
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run dot");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {stderr}");
        assert!(!stderr.contains("Warning"), "{name}: {stderr}");
        let (texts, _) = read_svg(&String::from_utf8_lossy(&out.stdout)).unwrap();
        assert!(texts.iter().any(|t| t == "Branch 1"), "{texts:?}");
    }
}
