//! `sfn graph`: a state machine drawn as the AWS console draws it.
//!
//! The checked IR ([`sfn_codegen::ir`]) is turned once into a small,
//! format-neutral [`Graph`]: a node per state (plus a Start node, an End
//! node and, for each Parallel or Map state, a join node where its branches
//! meet), a [`Cluster`] per Parallel or Map state holding a nested one per
//! branch or item processor, and labelled [`Edge`]s. Each output format then only writes that graph
//! out: [`mermaid`], [`dot`] and [`svg`]. [`history`] reads an execution
//! history and gives each visited state a [`Status`] that the formats show
//! as a fill colour.
//!
//! The Mermaid and DOT writers are written by hand: each is a line of text
//! per node, edge and cluster, so a dependency would save little, while
//! the quoting rules (the part that matters, since state names may hold any
//! character) would have to be right either way.

pub mod dot;
pub mod history;
pub mod mermaid;
pub mod rule;
pub mod svg;

use crate::check;
use crate::output;
use history::Status;
use sfn_codegen::Options;
use sfn_codegen::ir::{Scope, StateKind, StateMachine, Transition};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A Mermaid `flowchart TD`.
    Mermaid,
    /// A Graphviz `digraph`.
    Dot,
    /// An SVG picture, laid out by sfn itself.
    Svg,
}

/// What `sfn graph` was asked to do.
#[derive(Debug)]
pub struct Request<'a> {
    /// The definition.
    pub file: &'a Path,
    /// The output format.
    pub format: Format,
    /// An execution history to colour the states with.
    pub history: Option<&'a Path>,
    /// Checking options.
    pub options: Options,
    /// Where to write (standard output when absent).
    pub output: Option<&'a Path>,
}

/// Runs `sfn graph` and returns the exit code (see the command's help).
pub fn run(request: &Request<'_>) -> u8 {
    let mut stderr = std::io::stderr().lock();
    let (_source, checked) = match check::load(request.file, &request.options, false, &mut stderr) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let mut graph = Graph::from_machine(&checked.machine);
    if let Some(path) = request.history {
        let shown = path.display();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                let _ = writeln!(stderr, "{shown}: error: cannot read the file: {e}");
                return check::UNREADABLE;
            }
        };
        let visits = match history::Visits::parse(&text) {
            Ok(visits) => visits,
            Err(e) => {
                let _ = writeln!(stderr, "{shown}: error: {e}");
                return check::UNREADABLE;
            }
        };
        for name in graph.apply(&visits) {
            let _ = writeln!(
                stderr,
                "{shown}: warning: the history names a state that is not in the definition: {name:?}"
            );
        }
    }
    let text = match request.format {
        Format::Mermaid => mermaid::render(&graph),
        Format::Dot => dot::render(&graph, &graph_name(request.file)),
        Format::Svg => match svg::render(&graph) {
            Ok(text) => text,
            Err(e) => {
                let _ = writeln!(
                    stderr,
                    "error: cannot draw the SVG: {e}\n\
                     Graphviz can draw it instead:  sfn graph {} --format dot | dot -Tsvg > out.svg",
                    request.file.display()
                );
                return check::UNREADABLE;
            }
        },
    };
    output::write(request.output, text.as_bytes(), &mut stderr)
}

/// The name of the DOT graph: the file name up to its first dot.
fn graph_name(file: &Path) -> String {
    crate::r#gen::module_name(file)
}

/// The drawing of a state machine, independent of the output format.
#[derive(Debug, Default)]
pub struct Graph {
    /// Every node; [`Edge`]s and [`Item`]s refer to them by index.
    pub nodes: Vec<Node>,
    /// Every edge, in a stable order: the Start edge, then each state's
    /// edges in file order, nested scopes where their state is.
    pub edges: Vec<Edge>,
    /// The top level: its nodes and the clusters of nested scopes, in file
    /// order (Start first, End last).
    pub items: Vec<Item>,
}

/// What a scope or cluster holds.
#[derive(Debug)]
pub enum Item {
    /// A node (index into [`Graph::nodes`]).
    Node(usize),
    /// A nested cluster.
    Cluster(Cluster),
}

/// A box drawn around states: a Parallel or Map state with everything it
/// runs, or one branch or item processor inside it.
#[derive(Debug)]
pub struct Cluster {
    /// An identifier made of ASCII letters, digits and `_`, unique in the
    /// graph (`c0`, `c1`, ...).
    pub id: String,
    /// The title: the state's name, `Branch N` or `Item processor`.
    pub label: String,
    /// What the box is.
    pub kind: ClusterKind,
    /// Its content, in file order.
    pub items: Vec<Item>,
}

/// The kinds of [`Cluster`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterKind {
    /// A Parallel state: its node, its branches and its join node.
    Parallel,
    /// One branch of a Parallel state.
    Branch,
    /// A Map state: its node, its item processor and its join node.
    Map,
    /// The item processor of a Map state.
    Processor,
}

/// One node of the drawing.
#[derive(Debug)]
pub struct Node {
    /// An identifier made of ASCII letters, digits and `_`, unique in the
    /// graph: `Start`, `End`, `s0`, `s1`, ... for states, `s3_join` for the
    /// join node of the state `s3`.
    pub id: String,
    /// The text shown: the state's name (control characters replaced by
    /// spaces); `Start`, `End`; empty for a join node.
    pub label: String,
    /// The state's name as written in the definition; for a join node,
    /// the name of its Parallel or Map state; empty for Start and End.
    pub name: String,
    /// What the node stands for.
    pub kind: NodeKind,
    /// The titles of the clusters around the node, outermost first.
    pub path: Vec<String>,
    /// How an execution went through the state, when a history was given.
    pub status: Option<Status>,
}

/// What a [`Node`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// Where the execution starts.
    Start,
    /// Where it ends.
    End,
    /// Where the branches (or iterations) of a Parallel (or Map) state meet.
    Join,
    /// A state of this type.
    State(StateType),
}

/// The eight state types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateType {
    /// `Task`.
    Task,
    /// `Pass`.
    Pass,
    /// `Choice`.
    Choice,
    /// `Wait`.
    Wait,
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail,
    /// `Parallel`.
    Parallel,
    /// `Map`.
    Map,
}

impl StateType {
    /// The type of a lowered state.
    fn of(kind: &StateKind) -> StateType {
        match kind {
            StateKind::Pass { .. } => StateType::Pass,
            StateKind::Task(_) => StateType::Task,
            StateKind::Choice { .. } => StateType::Choice,
            StateKind::Wait(_) => StateType::Wait,
            StateKind::Succeed => StateType::Succeed,
            StateKind::Fail { .. } => StateType::Fail,
            StateKind::Parallel { .. } => StateType::Parallel,
            StateKind::Map(_) => StateType::Map,
        }
    }
}

/// One arrow.
#[derive(Debug)]
pub struct Edge {
    /// The node it leaves (index into [`Graph::nodes`]).
    pub from: usize,
    /// The node it reaches.
    pub to: usize,
    /// The text on it: a Choice rule, `Default`, a Catch's `ErrorEquals`.
    pub label: Option<String>,
    /// What it stands for, which decides its style.
    pub kind: EdgeKind,
}

/// The kinds of [`Edge`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// `StartAt`, `Next`, `End`, or a terminal state to the End node.
    Next,
    /// A Choice rule's `Next`.
    Rule,
    /// A Choice state's `Default`.
    Default,
    /// A Catch's `Next` (drawn dashed).
    Catch,
    /// From a Parallel or Map state into a branch or its item processor.
    Enter,
    /// From the end of a branch or item processor to its join node.
    Leave,
}

/// The longest label drawn; longer ones end in `…`.
const MAX_LABEL_CHARS: usize = 120;

/// Cuts `text` to [`MAX_LABEL_CHARS`] characters, ending in `…` when cut,
/// and replaces control characters (a newline in a state name) by spaces.
pub fn clean_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_LABEL_CHARS * 4));
    for (i, c) in text.chars().enumerate() {
        if i + 1 == MAX_LABEL_CHARS && text.chars().nth(MAX_LABEL_CHARS).is_some() {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

impl Graph {
    /// Draws `machine`.
    pub fn from_machine(machine: &StateMachine) -> Graph {
        let mut graph = Graph::default();
        let start = graph.add_node(NodeKind::Start, "Start", "", &[]);
        let end = graph.add_node(NodeKind::End, "End", "", &[]);
        let mut builder = Builder {
            graph: &mut graph,
            next_state: 0,
            next_cluster: 0,
            end,
        };
        let (scope_items, first) = builder.scope(&machine.scope, &[], end, true);
        builder.graph.edges.insert(
            0,
            Edge {
                from: start,
                to: first,
                label: None,
                kind: EdgeKind::Next,
            },
        );
        let mut items = vec![Item::Node(start)];
        items.extend(scope_items);
        items.push(Item::Node(end));
        graph.items = items;
        graph
    }

    /// Adds a node and returns its index.
    fn add_node(&mut self, kind: NodeKind, label: &str, name: &str, path: &[String]) -> usize {
        let index = self.nodes.len();
        let id = match kind {
            NodeKind::Start => "Start".to_owned(),
            NodeKind::End => "End".to_owned(),
            NodeKind::Join | NodeKind::State(_) => String::new(),
        };
        self.nodes.push(Node {
            id,
            label: clean_label(label),
            name: name.to_owned(),
            kind,
            path: path.to_vec(),
            status: None,
        });
        index
    }

    /// Gives each state named in `visits` its status. Returns the names in
    /// the history that no state has (sorted).
    pub fn apply(&mut self, visits: &history::Visits) -> Vec<String> {
        let mut found: BTreeMap<&str, bool> = visits.names().map(|n| (n, false)).collect();
        for node in &mut self.nodes {
            if let NodeKind::State(_) = node.kind
                && let Some(status) = visits.status(&node.name)
            {
                node.status = Some(status);
                if let Some(seen) = found.get_mut(node.name.as_str()) {
                    *seen = true;
                }
            }
        }
        found
            .into_iter()
            .filter(|(_, seen)| !seen)
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    /// The nodes of each status (ids, in node order), for the formats'
    /// colour classes.
    pub fn by_status(&self) -> Vec<(Status, Vec<&str>)> {
        Status::ALL
            .iter()
            .map(|&status| {
                let ids = self
                    .nodes
                    .iter()
                    .filter(|n| n.status == Some(status))
                    .map(|n| n.id.as_str())
                    .collect::<Vec<_>>();
                (status, ids)
            })
            .filter(|(_, ids)| !ids.is_empty())
            .collect()
    }
}

/// Walks the IR, numbering states and clusters.
struct Builder<'g> {
    /// The graph being filled.
    graph: &'g mut Graph,
    /// The number of the next state node (`s0`, `s1`, ...).
    next_state: usize,
    /// The number of the next cluster.
    next_cluster: usize,
    /// The End node's index.
    end: usize,
}

impl Builder<'_> {
    /// A fresh cluster id.
    fn cluster_id(&mut self) -> String {
        let id = format!("c{}", self.next_cluster);
        self.next_cluster += 1;
        id
    }

    /// Draws the states of `scope` inside the clusters `path`. A state
    /// that ends the scope leads to `exit`; a Fail state does too when
    /// `fail_exits` (at the top level, where the console draws it so).
    /// Returns the scope's items and the node of its `StartAt` state.
    fn scope(
        &mut self,
        scope: &Scope,
        path: &[String],
        exit: usize,
        fail_exits: bool,
    ) -> (Vec<Item>, usize) {
        // Number the scope's states first: edges may point forwards.
        let nodes: Vec<usize> = scope
            .states
            .iter()
            .map(|state| {
                let index = self.graph.add_node(
                    NodeKind::State(StateType::of(&state.kind)),
                    &state.name,
                    &state.name,
                    path,
                );
                self.graph.nodes[index].id = format!("s{}", self.next_state);
                self.next_state += 1;
                index
            })
            .collect();
        let target = |id: usize| nodes.get(id).copied().unwrap_or(exit);
        let mut items = Vec::with_capacity(nodes.len());
        for (state, &node) in scope.states.iter().zip(&nodes) {
            // Where the state goes when it completes normally; for a
            // Parallel or Map state, that edge leaves its join node.
            let mut from = node;
            let mut item = Item::Node(node);
            match &state.kind {
                StateKind::Parallel { branches, .. } => {
                    let (cluster, join) = self.parallel(&state.name, node, branches, path);
                    item = Item::Cluster(cluster);
                    from = join;
                }
                StateKind::Map(map) => {
                    let (cluster, join) = self.map(&state.name, node, &map.processor, path);
                    item = Item::Cluster(cluster);
                    from = join;
                }
                StateKind::Choice { choices, default } => {
                    for choice in choices {
                        self.edge(
                            node,
                            target(choice.next),
                            Some(rule::condition(&choice.condition)),
                            EdgeKind::Rule,
                        );
                    }
                    if let Some(default) = default {
                        self.edge(
                            node,
                            target(*default),
                            Some("Default".to_owned()),
                            EdgeKind::Default,
                        );
                    }
                }
                StateKind::Fail { .. } if fail_exits => {
                    self.edge(node, exit, None, EdgeKind::Next);
                }
                _ => {}
            }
            match state.transition {
                Transition::Next(next) => self.edge(from, target(next), None, EdgeKind::Next),
                Transition::End if !matches!(state.kind, StateKind::Fail { .. }) => {
                    let kind = if exit == self.end {
                        EdgeKind::Next
                    } else {
                        EdgeKind::Leave
                    };
                    self.edge(from, exit, None, kind);
                }
                Transition::End | Transition::Choice => {}
            }
            let catchers = match &state.kind {
                StateKind::Task(task) => &task.errors.catch[..],
                StateKind::Parallel { errors, .. } => &errors.catch[..],
                StateKind::Map(map) => &map.errors.catch[..],
                _ => &[],
            };
            for catcher in catchers {
                self.edge(
                    node,
                    target(catcher.next),
                    Some(clean_label(&catcher.error_equals.join(", "))),
                    EdgeKind::Catch,
                );
            }
            items.push(item);
        }
        (items, target(scope.start_at))
    }

    /// The cluster of a Parallel state (node `node`): the state, a cluster
    /// per branch, and the join node, which it returns too.
    fn parallel(
        &mut self,
        name: &str,
        node: usize,
        branches: &[Scope],
        path: &[String],
    ) -> (Cluster, usize) {
        let id = self.cluster_id();
        let inner = extend(path, name);
        let join = self.join(node, &inner);
        let mut items = vec![Item::Node(node)];
        for (i, branch) in branches.iter().enumerate() {
            let label = format!("Branch {}", i + 1);
            let branch_path = extend(&inner, &label);
            let branch_id = self.cluster_id();
            let at = self.graph.edges.len();
            let (branch_items, first) = self.scope(branch, &branch_path, join, false);
            self.edge_at(at, node, first, None, EdgeKind::Enter);
            items.push(Item::Cluster(Cluster {
                id: branch_id,
                label,
                kind: ClusterKind::Branch,
                items: branch_items,
            }));
        }
        items.push(Item::Node(join));
        let cluster = Cluster {
            id,
            label: clean_label(name),
            kind: ClusterKind::Parallel,
            items,
        };
        (cluster, join)
    }

    /// The cluster of a Map state (node `node`): the state, its item
    /// processor's cluster and the join node, which it returns too.
    fn map(
        &mut self,
        name: &str,
        node: usize,
        processor: &Scope,
        path: &[String],
    ) -> (Cluster, usize) {
        let id = self.cluster_id();
        let inner = extend(path, name);
        let join = self.join(node, &inner);
        let label = "Item processor".to_owned();
        let processor_path = extend(&inner, &label);
        let processor_id = self.cluster_id();
        let at = self.graph.edges.len();
        let (processor_items, first) = self.scope(processor, &processor_path, join, false);
        self.edge_at(
            at,
            node,
            first,
            Some("each item".to_owned()),
            EdgeKind::Enter,
        );
        let items = vec![
            Item::Node(node),
            Item::Cluster(Cluster {
                id: processor_id,
                label,
                kind: ClusterKind::Processor,
                items: processor_items,
            }),
            Item::Node(join),
        ];
        let cluster = Cluster {
            id,
            label: clean_label(name),
            kind: ClusterKind::Map,
            items,
        };
        (cluster, join)
    }

    /// The join node of the Parallel or Map state `node`.
    fn join(&mut self, node: usize, path: &[String]) -> usize {
        let owner = self.graph.nodes[node].name.clone();
        let join = self.graph.add_node(NodeKind::Join, "", &owner, path);
        self.graph.nodes[join].id = format!("{}_join", self.graph.nodes[node].id);
        join
    }

    /// Adds an edge.
    fn edge(&mut self, from: usize, to: usize, label: Option<String>, kind: EdgeKind) {
        let at = self.graph.edges.len();
        self.edge_at(at, from, to, label, kind);
    }

    /// Adds an edge at position `at` of the list (so that the edge into a
    /// branch comes before the branch's own edges).
    fn edge_at(
        &mut self,
        at: usize,
        from: usize,
        to: usize,
        label: Option<String>,
        kind: EdgeKind,
    ) {
        let edge = Edge {
            from,
            to,
            label,
            kind,
        };
        let at = at.min(self.graph.edges.len());
        self.graph.edges.insert(at, edge);
    }
}

/// `path` with `title` added at the end.
fn extend(path: &[String], title: &str) -> Vec<String> {
    let mut out = path.to_vec();
    out.push(clean_label(title));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cleaned_and_cut() {
        assert_eq!(clean_label("a\nb\tc"), "a b c");
        let long = "x".repeat(200);
        let cut = clean_label(&long);
        assert_eq!(cut.chars().count(), MAX_LABEL_CHARS);
        assert!(cut.ends_with('…'));
        let exact = "y".repeat(MAX_LABEL_CHARS);
        assert_eq!(clean_label(&exact), exact);
    }
}
