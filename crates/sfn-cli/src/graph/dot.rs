//! The DOT (Graphviz) writer: a `digraph`, one `subgraph cluster_*` per
//! cluster, for `dot -Tsvg` and friends.
//!
//! Every name and label is a double-quoted DOT string with `\` and `"`
//! escaped, so any state name (spaces, quotes, `#`, unicode) is safe and
//! backslash sequences such as `\n` are not taken as Graphviz escapes.
//! Shapes by state type: Task `box`, Pass rounded `box`, Choice `diamond`,
//! Wait `hexagon`, Succeed `oval`, Fail `octagon`, Parallel `box` with a
//! double border, Map `box3d`, Start `circle`, End `doublecircle`, join
//! nodes `point`. Catch edges are dashed. Statuses from a history fill the
//! nodes (`style=filled`, `fillcolor`).
//!
//! Written by hand: only a dozen statement forms are needed, so a general
//! DOT-writing crate would save little; the tests read the output back with
//! the DOT parser of `layout-rs` and, where it is installed, with Graphviz.

use super::{Cluster, ClusterKind, EdgeKind, Graph, Item, Node, NodeKind, StateType};
use std::fmt::Write;

/// Writes `graph` as DOT, naming the graph `name`.
pub fn render(graph: &Graph, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(name));
    out.push_str("    graph [rankdir=TB, compound=true, fontname=\"Helvetica\", fontsize=12];\n");
    out.push_str("    node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("    edge [fontname=\"Helvetica\", fontsize=9];\n");
    items(graph, &graph.items, 1, &mut out);
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(edge.from), graph.nodes.get(edge.to)) else {
            continue;
        };
        let mut attrs = Vec::new();
        if let Some(label) = &edge.label {
            attrs.push(format!("label={}", quote(label)));
        }
        if edge.kind == EdgeKind::Catch {
            attrs.push("style=dashed".to_owned());
            attrs.push("color=\"#c62828\"".to_owned());
            attrs.push("fontcolor=\"#c62828\"".to_owned());
        }
        if attrs.is_empty() {
            let _ = writeln!(out, "    {} -> {};", from.id, to.id);
        } else {
            let _ = writeln!(out, "    {} -> {} [{}];", from.id, to.id, attrs.join(", "));
        }
    }
    out.push_str("}\n");
    out
}

/// Writes the nodes and clusters of a scope, indented by `depth` levels.
fn items(graph: &Graph, list: &[Item], depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    for item in list {
        match item {
            Item::Node(index) => {
                if let Some(node) = graph.nodes.get(*index) {
                    let _ = writeln!(out, "{pad}{} [{}];", node.id, node_attrs(node).join(", "));
                }
            }
            Item::Cluster(cluster) => subgraph(graph, cluster, depth, out),
        }
    }
}

/// The attributes of a node: label, shape, style and colours.
fn node_attrs(node: &Node) -> Vec<String> {
    let mut styles: Vec<&str> = Vec::new();
    let mut attrs = vec![format!("label={}", quote(&node.label))];
    let shape = match node.kind {
        NodeKind::Start => "circle",
        NodeKind::End => "doublecircle",
        NodeKind::Join => {
            attrs.push("width=0.12".to_owned());
            "point"
        }
        NodeKind::State(t) => match t {
            StateType::Task => "box",
            StateType::Pass => {
                styles.push("rounded");
                "box"
            }
            StateType::Choice => "diamond",
            StateType::Wait => "hexagon",
            StateType::Succeed => "oval",
            StateType::Fail => "octagon",
            StateType::Parallel => {
                attrs.push("peripheries=2".to_owned());
                "box"
            }
            StateType::Map => "box3d",
        },
    };
    attrs.insert(1, format!("shape={shape}"));
    if matches!(node.kind, NodeKind::Start | NodeKind::End) {
        styles.push("filled");
        attrs.push("fillcolor=\"#424242\"".to_owned());
        attrs.push("fontcolor=white".to_owned());
    }
    if let Some(status) = node.status {
        styles.push("filled");
        attrs.push(format!("fillcolor={}", quote(status.fill())));
        attrs.push(format!("color={}", quote(status.stroke())));
        attrs.push("penwidth=2".to_owned());
    }
    if !styles.is_empty() {
        attrs.push(format!("style={}", quote(&styles.join(","))));
    }
    attrs
}

/// Writes one cluster as `subgraph cluster_ID { ... }`.
fn subgraph(graph: &Graph, cluster: &Cluster, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    let _ = writeln!(out, "{pad}subgraph cluster_{} {{", cluster.id);
    let _ = writeln!(out, "{pad}    label={};", quote(&cluster.label));
    let style = match cluster.kind {
        ClusterKind::Parallel | ClusterKind::Map => "rounded",
        ClusterKind::Branch | ClusterKind::Processor => "dashed",
    };
    let _ = writeln!(out, "{pad}    style={};", quote(style));
    let _ = writeln!(out, "{pad}    color=\"#757575\";");
    items(graph, &cluster.items, depth + 1, out);
    let _ = writeln!(out, "{pad}}}");
}

/// `text` as a DOT double-quoted string.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("a \"b\" \\n #c ü"), r#""a \"b\" \\n #c ü""#);
        assert_eq!(quote("x\ny"), "\"x y\"");
    }
}
