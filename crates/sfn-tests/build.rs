//! Compiles workflows the build.rs way, so that the tests check that
//! `sfn_codegen::Builder` output compiles and runs like the macro's:
//!
//! - `workflows/order.asl.json`, into `$OUT_DIR/order.rs`;
//! - when the seed folder exists (`../shared/seed` beside the workspace, or
//!   `SFN_SEED_DIR` relative to the workspace root), its complete machines
//!   (`simple_sequential`, `order_processing.fixed`) and every single-state
//!   snippet, placed in a small machine whose other states are the Succeed
//!   states it names (as `sfn-codegen/tests/seed.rs` does). Each gets a
//!   module; `$OUT_DIR/seed.rs` declares them and lists them for
//!   `tests/seed.rs`, with the Resource strings they call. Then the cfg
//!   `sfn_seed` is set.

use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(sfn_seed)");
    sfn_codegen::Builder::new().compile("workflows/order.asl.json", "order")?;
    seed()
}

/// One machine generated from the seed.
struct Seeded {
    /// The module name.
    module: String,
    /// The seed file it comes from.
    file: PathBuf,
    /// The definition as compiled.
    definition: Value,
}

/// Generates the seed modules and `$OUT_DIR/seed.rs` (an empty list when
/// the folder is absent).
fn seed() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-env-changed=SFN_SEED_DIR");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = match std::env::var_os("SFN_SEED_DIR") {
        Some(d) => root.join(d),
        None => root.join("../shared/seed"),
    };
    if !dir.is_dir() {
        // Watch the folder that would hold it (a path that does not exist
        // would rerun this script on every build).
        if let Some(parent) = dir.parent().filter(|p| p.is_dir()) {
            println!("cargo::rerun-if-changed={}", parent.display());
        }
        std::fs::write(out.join("seed.rs"), registry(&dir, false, &[]))?;
        return Ok(());
    }
    let dir = dir.canonicalize()?;
    println!("cargo::rerun-if-changed={}", dir.display());
    println!("cargo::rustc-cfg=sfn_seed");

    let mut machines = Vec::new();
    for (file, module) in [
        ("simple_sequential.asl.json", "simple_sequential"),
        ("order_processing.fixed.asl.json", "order_processing"),
    ] {
        let file = dir.join(file);
        println!("cargo::rerun-if-changed={}", file.display());
        let definition = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
        machines.push(Seeded {
            module: module.to_owned(),
            file,
            definition,
        });
    }
    let mut snippets: Vec<PathBuf> = std::fs::read_dir(dir.join("snippets"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    snippets.retain(|p| p.extension().is_some_and(|e| e == "json"));
    snippets.sort();
    for file in snippets {
        println!("cargo::rerun-if-changed={}", file.display());
        let snippet: Map<String, Value> = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("a snippet file name is UTF-8")?;
        machines.push(Seeded {
            module: format!("snippet_{}", snake_case(stem)),
            file,
            definition: wrap(snippet)?,
        });
    }

    let defs = out.join("seed");
    std::fs::create_dir_all(&defs)?;
    for m in &machines {
        let path = defs.join(format!("{}.asl.json", m.module));
        write_like(
            &path,
            &serde_json::to_string_pretty(&m.definition)?,
            &m.file,
        )?;
        sfn_codegen::Builder::new().compile(&path, &m.module)?;
    }
    std::fs::write(out.join("seed.rs"), registry(&dir, true, &machines))?;
    Ok(())
}

/// A snippet `{"Name": {state}}` as a machine starting at it, whose other
/// states are the Succeed states it transitions to.
fn wrap(snippet: Map<String, Value>) -> Result<Value, String> {
    let mut entries = snippet.into_iter();
    let (Some((name, state)), None) = (entries.next(), entries.next()) else {
        return Err("a snippet is an object with one state".into());
    };
    let mut states = Map::new();
    states.insert(name.clone(), state.clone());
    for target in targets(&state) {
        if target != name {
            states.insert(target, json!({"Type": "Succeed"}));
        }
    }
    Ok(json!({"StartAt": name, "States": states}))
}

/// The state names a state transitions to (Next, Default, Choices, Catch).
fn targets(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |v: Option<&Value>| {
        if let Some(Value::String(s)) = v {
            out.push(s.clone());
        }
    };
    push(state.get("Next"));
    push(state.get("Default"));
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = state.get(list) {
            for item in items {
                push(item.get("Next"));
            }
        }
    }
    out
}

/// Writes `text` to `path` unless it holds it already, and gives it the
/// modification time of `source`: the Builder registers `path` with
/// `rerun-if-changed`, and a file newer than this script's run would make
/// Cargo rerun it on every build.
fn write_like(path: &Path, text: &str, source: &Path) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)?;
    }
    let modified = std::fs::metadata(source)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(path)?
        .set_modified(modified)
}

/// `01_ProcessPayment` -> `01_process_payment`.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out
}

/// What the tests need to know about a machine, read from its definition.
#[derive(Default)]
struct Facts {
    /// The names of the top-level states, in file order.
    top_level: Vec<String>,
    /// The top-level states an execution can end in (Succeed, Fail, `End`).
    terminal: Vec<String>,
    /// The `Error` of every Fail state (nested ones included).
    fail_errors: Vec<String>,
    /// The Resource of every Task state (nested ones included).
    resources: Vec<String>,
}

fn facts(definition: &Value) -> Facts {
    let mut facts = Facts::default();
    if let Some(Value::Object(states)) = definition.get("States") {
        for (name, state) in states {
            facts.top_level.push(name.clone());
            let ty = state.get("Type").and_then(Value::as_str);
            if matches!(ty, Some("Succeed" | "Fail")) || state.get("End") == Some(&json!(true)) {
                facts.terminal.push(name.clone());
            }
        }
    }
    walk(definition, &mut facts);
    facts.fail_errors.sort();
    facts.fail_errors.dedup();
    facts.resources.sort();
    facts.resources.dedup();
    facts
}

/// Collects Fail errors and Task resources from every object.
fn walk(value: &Value, facts: &mut Facts) {
    match value {
        Value::Object(map) => {
            let field = |k: &str| map.get(k).and_then(Value::as_str);
            match field("Type") {
                Some("Fail") => facts.fail_errors.extend(field("Error").map(str::to_owned)),
                Some("Task") => facts.resources.extend(field("Resource").map(str::to_owned)),
                _ => {}
            }
            map.values().for_each(|v| walk(v, facts));
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, facts)),
        _ => {}
    }
}

/// The text of `$OUT_DIR/seed.rs`.
fn registry(dir: &Path, found: bool, machines: &[Seeded]) -> String {
    let mut s = String::new();
    writeln!(
        s,
        "// @generated by crates/sfn-tests/build.rs.\n\
         /// The seed folder, where it was looked for.\n\
         pub const SEED_DIR: &str = {:?};\n\
         /// Whether it was found (then the machines below were generated from it).\n\
         pub const FOUND: bool = {};",
        dir.display().to_string(),
        found,
    )
    .unwrap();
    let mut all_resources = Vec::new();
    let mut items = String::new();
    for m in machines {
        writeln!(
            s,
            "/// Generated from `{}`.\n\
             #[allow(missing_docs, dead_code, unreachable_pub, clippy::all)]\n\
             pub mod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{name}.rs\")); }}",
            m.file.display(),
            name = m.module,
        )
        .unwrap();
        let f = facts(&m.definition);
        all_resources.extend(f.resources.iter().cloned());
        let start = m.definition["StartAt"].as_str().unwrap_or_default();
        writeln!(
            items,
            "        Seeded {{\n\
             \x20           module: {module:?},\n\
             \x20           file: {file:?},\n\
             \x20           start_at: {start:?},\n\
             \x20           top_level: &{top:?},\n\
             \x20           terminal: &{terminal:?},\n\
             \x20           fail_errors: &{errors:?},\n\
             \x20           resources: &{resources:?},\n\
             \x20           run: |resources, settings, input| Box::pin(async move {{\n\
             \x20               {module}::StateMachine::from_resources(resources).with_settings(settings).run(input).await\n\
             \x20           }}),\n\
             \x20       }},",
            module = m.module,
            file = m.file.display().to_string(),
            top = f.top_level,
            terminal = f.terminal,
            errors = f.fail_errors,
            resources = f.resources,
        )
        .unwrap();
    }
    all_resources.sort();
    all_resources.dedup();
    writeln!(
        s,
        "/// The Resource string of every Task state of the machines.\n\
         pub const RESOURCES: &[&str] = &{all_resources:?};\n\
         \n\
         /// An execution of a seed machine.\n\
         pub type Run = fn(\n\
         \x20   ::sfn_runtime::Resources,\n\
         \x20   ::sfn_runtime::Settings,\n\
         \x20   ::serde_json::Value,\n\
         ) -> ::std::pin::Pin<Box<dyn ::std::future::Future<Output = Result<::serde_json::Value, ::sfn_runtime::ExecutionError>> + Send>>;\n\
         \n\
         /// A machine generated from the seed, with what its definition says.\n\
         #[derive(Debug)]\n\
         pub struct Seeded {{\n\
         \x20   /// Its module.\n\
         \x20   pub module: &'static str,\n\
         \x20   /// The seed file it was generated from.\n\
         \x20   pub file: &'static str,\n\
         \x20   /// Its `StartAt`.\n\
         \x20   pub start_at: &'static str,\n\
         \x20   /// Its top-level states, in file order.\n\
         \x20   pub top_level: &'static [&'static str],\n\
         \x20   /// The top-level states an execution can end in.\n\
         \x20   pub terminal: &'static [&'static str],\n\
         \x20   /// The `Error` of each of its Fail states.\n\
         \x20   pub fail_errors: &'static [&'static str],\n\
         \x20   /// The Resource of each of its Task states.\n\
         \x20   pub resources: &'static [&'static str],\n\
         \x20   /// Runs it with these handlers and settings on an input.\n\
         \x20   pub run: Run,\n\
         }}\n\
         \n\
         /// Every machine generated from the seed (none when it is absent).\n\
         pub fn machines() -> Vec<Seeded> {{\n\
         \x20   vec![\n{items}    ]\n\
         }}"
    )
    .unwrap();
    s
}
