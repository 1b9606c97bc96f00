//! Helpers shared by the `sfn gen` and `sfn graph` tests: running the
//! built binary, fixture paths, and small readers of the Mermaid and DOT
//! the binary writes, so that tests assert on the drawn graph (nodes,
//! clusters, edges, classes) rather than on text snippets.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of `sfn` gave.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs the built `sfn` with `args`.
pub fn sfn(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(args)
        .output()
        .expect("run sfn");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "sfn panicked on {args:?}:\n{}",
        run.stderr
    );
    run
}

/// The path of a file in `tests/fixtures/`, as a string.
pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A fresh file in a per-process temporary folder holding `text`.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sfn-cli-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// The seed folder beside the workspace (`../shared/seed`), or `None`
/// (after printing one line) when it is absent.
pub fn seed_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("seed folder not found at {}; skipped", dir.display());
        None
    }
}

/// A drawn graph read back from Mermaid or DOT: enough to compare with
/// what the definition says.
#[derive(Debug, Default)]
pub struct Drawn {
    /// Node id to its label (unescaped).
    pub labels: BTreeMap<String, String>,
    /// Node id to its shape (Mermaid bracket form, or DOT `shape=`).
    pub shapes: BTreeMap<String, String>,
    /// Node id to the titles of the clusters around it, outermost first.
    pub parents: BTreeMap<String, Vec<String>>,
    /// Edges: from id, to id, label (unescaped), dashed.
    pub edges: Vec<(String, String, Option<String>, bool)>,
    /// Node id to the status class (Mermaid) or fill colour (DOT).
    pub colours: BTreeMap<String, String>,
    /// Cluster ids (DOT: with the `cluster_` prefix), in order.
    pub clusters: Vec<String>,
}

impl Drawn {
    /// The id of the node labelled `label` (panics if none or several).
    pub fn id(&self, label: &str) -> String {
        let ids: Vec<&String> = self
            .labels
            .iter()
            .filter(|(_, l)| l.as_str() == label)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids.len(), 1, "nodes labelled {label:?}: {ids:?}");
        ids[0].clone()
    }

    /// The edges with node labels instead of ids (join nodes shown as
    /// `<id>`), sorted.
    pub fn labelled_edges(&self) -> Vec<(String, String, Option<String>, bool)> {
        let name = |id: &String| match self.labels.get(id) {
            Some(l) if !l.trim().is_empty() => l.clone(),
            _ => format!("<{id}>"),
        };
        let mut list: Vec<_> = self
            .edges
            .iter()
            .map(|(f, t, l, d)| (name(f), name(t), l.clone(), *d))
            .collect();
        list.sort();
        list
    }
}

/// Reads Mermaid as `sfn graph` writes it, line by line. Every line must
/// be one of the forms it writes; any other line, an unbalanced
/// `subgraph`/`end`, a node declared twice or an edge to an undeclared
/// node is an error.
pub fn read_mermaid(text: &str) -> Result<Drawn, String> {
    let mut lines = text.lines();
    if lines.next() != Some("flowchart TD") {
        return Err("the first line is not `flowchart TD`".into());
    }
    let mut drawn = Drawn::default();
    let mut stack: Vec<String> = Vec::new();
    let mut class_defs: Vec<String> = Vec::new();
    for (number, raw) in lines.enumerate() {
        let line = raw.trim();
        let fail = |why: &str| format!("line {}: {why}: {raw}", number + 2);
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("subgraph ") {
            let (id, title) = rest
                .split_once(' ')
                .ok_or_else(|| fail("subgraph without title"))?;
            let title = title
                .strip_prefix("[\"")
                .and_then(|t| t.strip_suffix("\"]"))
                .ok_or_else(|| fail("subgraph title not [\"...\"]"))?;
            check_id(id).map_err(|e| fail(&e))?;
            check_quoted(title).map_err(|e| fail(&e))?;
            drawn.clusters.push(id.to_owned());
            stack.push(unescape_mermaid(title));
        } else if line == "end" {
            stack
                .pop()
                .ok_or_else(|| fail("`end` without `subgraph`"))?;
        } else if let Some(rest) = line.strip_prefix("classDef ") {
            let (name, _style) = rest.split_once(' ').ok_or_else(|| fail("bad classDef"))?;
            class_defs.push(name.to_owned());
        } else if let Some(rest) = line.strip_prefix("class ") {
            let (ids, class) = rest.split_once(' ').ok_or_else(|| fail("bad class"))?;
            if !class_defs.iter().any(|c| c == class) {
                return Err(fail("class before its classDef"));
            }
            for id in ids.split(',') {
                if !drawn.labels.contains_key(id) {
                    return Err(fail("class of an undeclared node"));
                }
                if !class.starts_with("sfn") {
                    drawn.colours.insert(id.to_owned(), class.to_owned());
                }
            }
        } else if line.contains(" --> ") || line.contains(" -.-> ") || line.contains("|\"") {
            let (from, rest) = line.split_once(' ').ok_or_else(|| fail("bad edge"))?;
            let (arrow, rest) = rest.split_once(' ').ok_or_else(|| fail("bad edge"))?;
            let (arrow, label) = match arrow.split_once("|\"") {
                Some((arrow, label_start)) => {
                    // The label may hold spaces: take up to the closing `"|`.
                    let whole = format!("{label_start} {rest}");
                    let (label, _) = whole
                        .split_once("\"| ")
                        .ok_or_else(|| fail("unterminated edge label"))?;
                    check_quoted(label).map_err(|e| fail(&e))?;
                    (arrow, Some(unescape_mermaid(label)))
                }
                None => (arrow, None),
            };
            let to = match &label {
                Some(_) => line
                    .rsplit_once("\"| ")
                    .map(|(_, to)| to)
                    .unwrap_or_default(),
                None => rest,
            };
            let dashed = match arrow {
                "-->" => false,
                "-.->" => true,
                _ => return Err(fail("unknown arrow")),
            };
            for id in [from, to] {
                if !drawn.labels.contains_key(id) {
                    return Err(fail(&format!("edge to undeclared node `{id}`")));
                }
            }
            drawn
                .edges
                .push((from.to_owned(), to.to_owned(), label, dashed));
        } else {
            let split = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .ok_or_else(|| fail("not a statement"))?;
            let (id, shape) = line.split_at(split);
            check_id(id).map_err(|e| fail(&e))?;
            let (open, label, close) = split_shape(shape).ok_or_else(|| fail("unknown shape"))?;
            check_quoted(label).map_err(|e| fail(&e))?;
            if drawn.labels.contains_key(id) {
                return Err(fail("node declared twice"));
            }
            drawn.labels.insert(id.to_owned(), unescape_mermaid(label));
            drawn.shapes.insert(id.to_owned(), format!("{open}{close}"));
            drawn.parents.insert(id.to_owned(), stack.clone());
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed subgraphs: {stack:?}"));
    }
    Ok(drawn)
}

/// Splits `["label"]` and the other node shapes into their brackets and
/// label.
fn split_shape(shape: &str) -> Option<(&'static str, &str, &'static str)> {
    // Longest brackets first.
    const SHAPES: [(&str, &str); 8] = [
        ("((\"", "\"))"),
        ("([\"", "\"])"),
        ("[[\"", "\"]]"),
        ("{{\"", "\"}}"),
        ("[\"", "\"]"),
        ("(\"", "\")"),
        ("{\"", "\"}"),
        (">\"", "\"]"),
    ];
    SHAPES.iter().find_map(|(open, close)| {
        let label = shape.strip_prefix(open)?.strip_suffix(close)?;
        Some((*open, label, *close))
    })
}

/// A Mermaid id: ASCII letters, digits and `_`, not a keyword.
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("bad id `{id}`"));
    }
    if [
        "end",
        "subgraph",
        "graph",
        "flowchart",
        "class",
        "classDef",
        "style",
    ]
    .contains(&id)
    {
        return Err(format!("keyword used as id `{id}`"));
    }
    Ok(())
}

/// The inside of a quoted Mermaid label holds none of the characters
/// that would end or confuse it.
fn check_quoted(text: &str) -> Result<(), String> {
    match text
        .chars()
        .find(|c| matches!(c, '"' | '<' | '>' | '|' | '`') || c.is_control())
    {
        Some(c) => Err(format!("unescaped {c:?} in label")),
        None => Ok(()),
    }
}

/// Decodes Mermaid entity codes (`#quot;`, `#35;`, ...).
pub fn unescape_mermaid(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let decoded = after.find(';').and_then(|end| {
            let code = &after[..end];
            let c = match code {
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                _ => code.parse::<u32>().ok().and_then(char::from_u32),
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('#');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads DOT with the DOT parser of `layout-rs` (an error if it does not
/// parse), then collects nodes, clusters and edges from its syntax tree.
pub fn read_dot(text: &str) -> Result<Drawn, String> {
    use layout::gv::parser::ast;
    let mut parser = layout::gv::DotParser::new(text);
    let graph = parser.process()?;
    let mut drawn = Drawn::default();

    fn walk(
        list: &ast::StmtList,
        stack: &mut Vec<String>,
        drawn: &mut Drawn,
    ) -> Result<(), String> {
        for stmt in &list.list {
            match stmt {
                ast::Stmt::Node(node) => {
                    let id = node.id.name.clone();
                    let attrs: BTreeMap<&str, &str> = node
                        .list
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    if drawn.labels.contains_key(&id) {
                        return Err(format!("node `{id}` declared twice"));
                    }
                    drawn.labels.insert(
                        id.clone(),
                        attrs.get("label").copied().unwrap_or_default().to_owned(),
                    );
                    drawn.shapes.insert(
                        id.clone(),
                        attrs.get("shape").copied().unwrap_or_default().to_owned(),
                    );
                    drawn.parents.insert(id.clone(), stack.clone());
                    if let Some(fill) = attrs.get("fillcolor")
                        && id != "Start"
                        && id != "End"
                    {
                        drawn.colours.insert(id, (*fill).to_owned());
                    }
                }
                ast::Stmt::Edge(edge) => {
                    let attrs: BTreeMap<&str, &str> = edge
                        .list
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    let [(to, ast::ArrowKind::Arrow)] = &edge.to[..] else {
                        return Err("an edge is not a single `->`".into());
                    };
                    drawn.edges.push((
                        edge.from.name.clone(),
                        to.name.clone(),
                        attrs.get("label").map(|l| (*l).to_owned()),
                        attrs.get("style") == Some(&"dashed"),
                    ));
                }
                ast::Stmt::SubGraph(sub) => {
                    let title = sub
                        .list
                        .list
                        .iter()
                        .find_map(|s| match s {
                            ast::Stmt::Attribute(a) => a
                                .list
                                .iter()
                                .find(|(k, _)| k == "label")
                                .map(|(_, v)| v.clone()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    drawn.clusters.push(sub.name.clone());
                    stack.push(title);
                    walk(&sub.list, stack, drawn)?;
                    stack.pop();
                }
                ast::Stmt::Attribute(_) => {}
            }
        }
        Ok(())
    }

    walk(&graph.list, &mut Vec::new(), &mut drawn)?;
    for (from, to, _, _) in &drawn.edges {
        for id in [from, to] {
            if !drawn.labels.contains_key(id) {
                return Err(format!("edge to undeclared node `{id}`"));
            }
        }
    }
    Ok(drawn)
}

/// Checks that `text` is well-formed XML with `quick-xml`, and returns the
/// text of each element that holds text (each `<tspan>` line of a label,
/// each edge label), with entity references resolved, and every `fill`
/// attribute value.
pub fn read_svg(text: &str) -> Result<(Vec<String>, Vec<String>), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut texts = Vec::new();
    let mut fills = Vec::new();
    // The text of the current element so far (quick-xml splits it at
    // entity references).
    let mut current = String::new();
    let flush = |current: &mut String, texts: &mut Vec<String>| {
        if !current.trim().is_empty() {
            texts.push(std::mem::take(current));
        }
        current.clear();
    };
    let mut depth = 0usize;
    let mut root_seen = false;
    loop {
        let event = reader.read_event().map_err(|e| format!("not XML: {e}"))?;
        match &event {
            Event::Start(_) | Event::End(_) | Event::Empty(_) | Event::Eof => {
                flush(&mut current, &mut texts)
            }
            _ => {}
        }
        match event {
            Event::Start(start) => {
                if depth == 0 {
                    if root_seen || start.name().as_ref() != b"svg" {
                        return Err("the root element is not one <svg>".into());
                    }
                    root_seen = true;
                }
                depth += 1;
                fills.extend(fill_of(&start)?);
            }
            Event::Empty(empty) => fills.extend(fill_of(&empty)?),
            Event::End(_) => depth = depth.checked_sub(1).ok_or("unbalanced end tag")?,
            Event::Text(t) => {
                let text = t.decode().map_err(|e| format!("bad text: {e}"))?;
                current.push_str(&text);
            }
            Event::GeneralRef(r) => {
                if let Some(c) = r
                    .resolve_char_ref()
                    .map_err(|e| format!("bad reference: {e}"))?
                {
                    current.push(c);
                } else {
                    let name = r.decode().map_err(|e| format!("bad reference: {e}"))?;
                    let c = match name.as_ref() {
                        "quot" => '"',
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "apos" => '\'',
                        other => return Err(format!("undeclared entity &{other};")),
                    };
                    current.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || !root_seen {
        return Err("the document is not closed".into());
    }
    Ok((texts, fills))
}

/// The `fill` attribute of an element, if it has one.
fn fill_of(element: &quick_xml::events::BytesStart<'_>) -> Result<Option<String>, String> {
    for attr in element.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute: {e}"))?;
        if attr.key.as_ref() == b"fill" {
            return Ok(Some(String::from_utf8_lossy(&attr.value).into_owned()));
        }
    }
    Ok(None)
}
