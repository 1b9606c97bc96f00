//! The Mermaid writer: a `flowchart TD`, one `subgraph` per cluster.
//!
//! Node ids are the graph's plain ASCII ids; every label is a quoted string
//! in which the characters Mermaid would read (`"`, `#`, `<`, `>`, `&`,
//! `|`, `` ` ``) are written as Mermaid entity codes (`#quot;`, `#35;`, ...),
//! which Mermaid turns back into the characters when it draws. Shapes by
//! state type: Task `[rectangle]`, Pass `(rounded)`, Choice `{rhombus}`,
//! Wait `{{hexagon}}`, Succeed `([stadium])`, Fail `>flag]`, Parallel and
//! Map `[[subroutine]]`, Start and End `((circles))`. Catch edges are
//! dotted (`-.->`). Statuses from a history become `classDef`s and
//! `class` lines.
//!
//! Written by hand: the output is one line per node, edge and subgraph, so
//! a dependency would save little; the escaping above is the only part
//! with rules to get right.

use super::{Cluster, EdgeKind, Graph, Item, NodeKind, StateType};
use std::fmt::Write;

/// Writes `graph` as Mermaid.
pub fn render(graph: &Graph) -> String {
    let mut out = String::from("flowchart TD\n");
    items(graph, &graph.items, 1, &mut out);
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(edge.from), graph.nodes.get(edge.to)) else {
            continue;
        };
        let arrow = if edge.kind == EdgeKind::Catch {
            "-.->"
        } else {
            "-->"
        };
        match &edge.label {
            Some(label) => {
                let _ = writeln!(
                    out,
                    "    {} {arrow}|\"{}\"| {}",
                    from.id,
                    escape(label),
                    to.id
                );
            }
            None => {
                let _ = writeln!(out, "    {} {arrow} {}", from.id, to.id);
            }
        }
    }
    out.push_str("    classDef sfnTerminal fill:#424242,stroke:#212121,color:#ffffff\n");
    out.push_str("    classDef sfnJoin fill:#9e9e9e,stroke:#616161\n");
    out.push_str("    class Start,End sfnTerminal\n");
    let joins: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Join)
        .map(|n| n.id.as_str())
        .collect();
    if !joins.is_empty() {
        let _ = writeln!(out, "    class {} sfnJoin", joins.join(","));
    }
    for (status, ids) in graph.by_status() {
        let _ = writeln!(
            out,
            "    classDef {} fill:{},stroke:{},stroke-width:2px,color:#000000",
            status.class(),
            status.fill(),
            status.stroke()
        );
        let _ = writeln!(out, "    class {} {}", ids.join(","), status.class());
    }
    out
}

/// Writes the nodes and clusters of a scope, indented by `depth` levels.
fn items(graph: &Graph, list: &[Item], depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    for item in list {
        match item {
            Item::Node(index) => {
                if let Some(node) = graph.nodes.get(*index) {
                    let label = escape(&node.label);
                    let shape = match node.kind {
                        NodeKind::Start | NodeKind::End => format!("((\"{label}\"))"),
                        NodeKind::Join => "((\" \"))".to_owned(),
                        NodeKind::State(t) => match t {
                            StateType::Task => format!("[\"{label}\"]"),
                            StateType::Pass => format!("(\"{label}\")"),
                            StateType::Choice => format!("{{\"{label}\"}}"),
                            StateType::Wait => format!("{{{{\"{label}\"}}}}"),
                            StateType::Succeed => format!("([\"{label}\"])"),
                            StateType::Fail => format!(">\"{label}\"]"),
                            StateType::Parallel | StateType::Map => format!("[[\"{label}\"]]"),
                        },
                    };
                    let _ = writeln!(out, "{pad}{}{shape}", node.id);
                }
            }
            Item::Cluster(cluster) => subgraph(graph, cluster, depth, out),
        }
    }
}

/// Writes one cluster as a `subgraph ... end` block.
fn subgraph(graph: &Graph, cluster: &Cluster, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    let _ = writeln!(
        out,
        "{pad}subgraph {} [\"{}\"]",
        cluster.id,
        escape(&cluster.label)
    );
    items(graph, &cluster.items, depth + 1, out);
    let _ = writeln!(out, "{pad}end");
}

/// `text` made safe inside a Mermaid quoted label.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each character Mermaid would read as syntax becomes an entity code;
    /// the rest is kept (the integration tests decode whole diagrams).
    #[test]
    fn escaping_hides_the_syntax_characters() {
        assert_eq!(
            escape(r#"a "b" #c <d> & e | `f`"#),
            "a #quot;b#quot; #35;c #lt;d#gt; #amp; e #124; #96;f#96;"
        );
        assert_eq!(escape("ünïcödé → 🦀"), "ünïcödé → 🦀");
        assert_eq!(escape("a\nb"), "a b");
    }
}
