//! `--format svg`: the drawing laid out and written by the `layout-rs`
//! crate, so no tool outside the binary is needed.
//!
//! `layout-rs` reads DOT too, but its DOT reader ignores clusters and
//! draws every shape it does not know (diamond, hexagon, octagon, ...) as a
//! circle, so the graph is handed to its layout API directly instead. What
//! it cannot draw, and how that is made up for:
//!
//! * clusters: none are drawn. Nested states are drawn flattened, each
//!   labelled with the titles of its enclosing boxes on a first line
//!   (`PrepareShipment / Branch 1`) and its name on the second; the join
//!   node of a Parallel or Map state is a box saying `NAME done`;
//! * shapes: only boxes (square or rounded) and ellipses, so state types
//!   are told apart by shape and border colour: Task square box, Pass and
//!   Wait rounded boxes (Wait purple), Choice orange ellipse, Succeed green
//!   and Fail red double ellipses, Parallel and Map thick blue boxes.
//!
//! Graphviz draws the nested boxes: `sfn graph F --format dot | dot -Tsvg`.

use super::{EdgeKind, Graph, Node, NodeKind, StateType};
use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

/// The font size of node labels.
const NODE_FONT: usize = 14;
/// The font size of edge labels.
const EDGE_FONT: usize = 12;

/// Lays out and writes `graph` as an SVG document. Fails (instead of
/// panicking) if the layout engine gives up on the graph.
pub fn render(graph: &Graph) -> Result<String, String> {
    let direction = Orientation::TopToBottom;
    // layout-rs sizes and orients shapes across the flow, as its own DOT
    // reader does.
    let across = direction.flip();
    let mut visual = VisualGraph::new(direction);
    let handles: Vec<_> = graph
        .nodes
        .iter()
        .map(|node| {
            let (shape, look) = shape(node);
            let size = get_shape_size(across, &shape, look.font_size, false);
            visual.add_node(Element::create(shape, look, across, size))
        })
        .collect();
    // layout-rs checks every edge it is given for a cycle by walking all
    // paths (exponential on a chain of Choice diamonds), and re-checks the
    // whole graph after each edge unless told not to. So its checks are
    // turned off and the edges are handed over already acyclic, in
    // topological order: then each of its reachability walks stops at once.
    visual.dag.set_validate(false);
    for (edge, reversed) in acyclic_order(graph) {
        let (Some(&from), Some(&to)) = (handles.get(edge.from), handles.get(edge.to)) else {
            continue;
        };
        let (style, colour) = if edge.kind == EdgeKind::Catch {
            (LineStyleKind::Dashed, "#c62828")
        } else {
            (LineStyleKind::Normal, "#424242")
        };
        let look = StyleAttr::new(Color::fast(colour), 2, None, 0, EDGE_FONT);
        let label = edge.label.as_deref().map(xml_safe).unwrap_or_default();
        // A reversed edge is drawn from its target, with the arrowhead at
        // its start, so it still points the right way.
        let (heads, from, to) = if reversed {
            ((LineEndKind::Arrow, LineEndKind::None), to, from)
        } else {
            ((LineEndKind::None, LineEndKind::Arrow), from, to)
        };
        let arrow = Arrow::new(heads.0, heads.1, style, &label, &look, &None, &None);
        visual.add_edge(arrow, from, to);
    }
    let drawn = quietly(move || {
        let mut writer = SVGWriter::new();
        visual.do_it(false, false, false, &mut writer);
        writer.finalize()
    })
    .ok_or_else(|| "the layout engine (layout-rs) failed on this graph".to_owned())?;
    Ok(drawn.replace(
        "font-family: Times, serif;",
        "font-family: Helvetica, Arial, sans-serif;",
    ))
}

/// The edges of `graph` made acyclic and ordered for `layout-rs`: each
/// with whether it must be drawn reversed (it closes a loop: it leads back
/// to a node on the current path of a depth-first walk from Start), sorted
/// by the topological position of the node it leaves once reversed (so no
/// edge leaves a node before every edge into it is placed). Self-loops are
/// kept as they are (layout-rs draws them apart).
fn acyclic_order(graph: &Graph) -> Vec<(&super::Edge, bool)> {
    let count = graph.nodes.len();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, edge) in graph.edges.iter().enumerate() {
        if let Some(list) = out_edges.get_mut(edge.from) {
            list.push(i);
        }
    }
    // Iterative depth-first walk, from each node not yet seen (Start first).
    let mut state = vec![Visit::New; count];
    let mut reversed = vec![false; graph.edges.len()];
    let mut postorder = Vec::with_capacity(count);
    for root in 0..count {
        if state[root] != Visit::New {
            continue;
        }
        state[root] = Visit::OnPath;
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(top) = stack.last_mut() {
            let (node, next) = *top;
            let Some(&edge_index) = out_edges[node].get(next) else {
                state[node] = Visit::Done;
                postorder.push(node);
                stack.pop();
                continue;
            };
            top.1 += 1;
            let to = graph.edges[edge_index].to;
            match state.get(to) {
                Some(Visit::New) => {
                    state[to] = Visit::OnPath;
                    stack.push((to, 0));
                }
                Some(Visit::OnPath) if to != node => reversed[edge_index] = true,
                _ => {}
            }
        }
    }
    let mut position = vec![0; count];
    for (rank, &node) in postorder.iter().rev().enumerate() {
        position[node] = rank;
    }
    let mut ordered: Vec<(&super::Edge, bool)> = graph.edges.iter().zip(reversed).collect();
    ordered.sort_by_key(|(edge, reversed)| {
        let from = if *reversed { edge.to } else { edge.from };
        position.get(from).copied().unwrap_or(usize::MAX)
    });
    ordered
}

/// Where a node is in the depth-first walk of [`acyclic_order`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Visit {
    /// Not reached yet.
    New,
    /// On the current path.
    OnPath,
    /// Finished.
    Done,
}

/// The shape and look of a node.
fn shape(node: &Node) -> (ShapeKind, StyleAttr) {
    let text = xml_safe(&label(node));
    let look = |border: &str, width: usize, rounded: usize| {
        let fill = match node.status {
            Some(status) => status.fill(),
            None => match node.kind {
                NodeKind::Start | NodeKind::End | NodeKind::Join => "#e0e0e0",
                NodeKind::State(_) => "#ffffff",
            },
        };
        StyleAttr::new(
            Color::fast(border),
            width,
            Some(Color::fast(fill)),
            rounded,
            NODE_FONT,
        )
    };
    match node.kind {
        NodeKind::Start => (ShapeKind::Circle(text), look("#424242", 2, 0)),
        NodeKind::End => (ShapeKind::DoubleCircle(text), look("#424242", 2, 0)),
        NodeKind::Join => (ShapeKind::Box(text), look("#757575", 1, 12)),
        NodeKind::State(t) => match t {
            StateType::Task => (ShapeKind::Box(text), look("#000000", 2, 0)),
            StateType::Pass => (ShapeKind::Box(text), look("#555555", 2, 12)),
            StateType::Wait => (ShapeKind::Box(text), look("#6a1b9a", 2, 12)),
            StateType::Choice => (ShapeKind::Circle(text), look("#ef6c00", 2, 0)),
            StateType::Succeed => (ShapeKind::DoubleCircle(text), look("#2e7d32", 2, 0)),
            StateType::Fail => (ShapeKind::DoubleCircle(text), look("#c62828", 2, 0)),
            StateType::Parallel | StateType::Map => (ShapeKind::Box(text), look("#1565c0", 4, 0)),
        },
    }
}

/// The text of a node: the enclosing boxes' titles on a first line for a
/// nested state, then its name; `NAME done` for a join node.
fn label(node: &Node) -> String {
    let own = match node.kind {
        NodeKind::Join => format!("{} done", super::clean_label(&node.name)),
        _ => node.label.clone(),
    };
    match node.kind {
        NodeKind::State(_) if !node.path.is_empty() => {
            format!("{}\n{own}", node.path.join(" / "))
        }
        _ => own,
    }
}

/// `text` without the characters XML 1.0 forbids (control characters
/// other than tab and newline, and the non-characters U+FFFE and U+FFFF),
/// which `layout-rs` would copy into the document as they are; the XML
/// special characters themselves are escaped by `layout-rs`.
fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => ' ',
            c => c,
        })
        .collect()
}

/// Runs `f`, turning a panic into `None` without printing the panic
/// message (the caller reports the failure its own way).
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_safe_drops_forbidden_characters() {
        assert_eq!(xml_safe("a\u{1}b\u{FFFF}c\nd<&>"), "a b c\nd<&>");
    }

    #[test]
    fn a_panic_becomes_none() {
        assert_eq!(quietly(|| 3), Some(3));
        let failed: Option<()> = quietly(|| panic!("inside the layout"));
        assert_eq!(failed, None);
    }
}
