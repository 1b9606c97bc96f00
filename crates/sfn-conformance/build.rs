//! Generates one Rust module per distinct definition of the conformance
//! corpus's recorded cases, through `sfn_codegen::Builder` (the build.rs
//! path users take), and a registry that runs a definition by its key.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/canon.rs"]
mod canon;

fn main() {
    println!("cargo::rerun-if-env-changed=SFN_CONFORMANCE_DIR");
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = match std::env::var_os("SFN_CONFORMANCE_DIR") {
        Some(d) => root.join(d),
        None => root.join("../shared/conformance"),
    };
    let cases = dir.join("cases");
    let mut registry = String::new();
    if !cases.is_dir() {
        writeln!(
            registry,
            "/// Where the corpus was looked for (absent).\npub const CORPUS: Option<&str> = None;"
        )
        .unwrap();
        writeln!(registry, "{}", run_fn(&BTreeMap::new())).unwrap();
        std::fs::write(out.join("registry.rs"), registry).unwrap();
        return;
    }
    println!("cargo::rerun-if-changed={}", cases.display());

    let mut defs: BTreeMap<u64, serde_json::Value> = BTreeMap::new();
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&cases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    groups.sort();
    for group in groups {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&group)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let case: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let def = case["definition"].clone();
            defs.entry(canon::key(&def)).or_insert(def);
        }
    }

    let defs_dir = out.join("definitions");
    std::fs::create_dir_all(&defs_dir).unwrap();
    let mut compiled = BTreeMap::new();
    for (key, def) in &defs {
        let name = format!("m{key:016x}");
        let file = defs_dir.join(format!("{name}.asl.json"));
        std::fs::write(&file, serde_json::to_string_pretty(def).unwrap()).unwrap();
        match sfn_codegen::Builder::new().compile(&file, &name) {
            Ok(_) => {
                compiled.insert(*key, name);
            }
            Err(e) => println!("cargo::warning=definition {name} did not compile: {e}"),
        }
    }
    writeln!(registry, "/// The corpus folder the modules were generated from.\npub const CORPUS: Option<&str> = Some({:?});", dir.display().to_string()).unwrap();
    for name in compiled.values() {
        writeln!(
            registry,
            "#[allow(missing_docs, dead_code, clippy::all)]\nmod {name} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{name}.rs\")); }}"
        )
        .unwrap();
    }
    writeln!(registry, "{}", run_fn(&compiled)).unwrap();
    std::fs::write(out.join("registry.rs"), registry).unwrap();
}

fn run_fn(compiled: &BTreeMap<u64, String>) -> String {
    let mut arms = String::new();
    for (key, name) in compiled {
        writeln!(
            arms,
            "        0x{key:016x} => Some(Box::pin(async move {{ {name}::StateMachine::from_resources(resources).with_settings(settings()).run(input).await }})),"
        )
        .unwrap();
    }
    format!(
        "/// The settings of every case: the role the cases were recorded with, as\n\
         /// their recordings write it (`$$.Execution.RoleArn`).\n\
         #[allow(dead_code)]\n\
         fn settings() -> ::sfn_runtime::Settings {{\n\
             ::sfn_runtime::Settings {{ role_arn: Some(\"snf_role_arn\".into()), ..Default::default() }}\n\
         }}\n\n\
         /// Runs the generated machine for the definition with this key, if one was generated.\n\
         pub fn run(key: u64, resources: ::sfn_runtime::Resources, input: ::serde_json::Value) -> Option<Execution> {{\n\
         #[allow(unused_variables)]\n\
         let _ = (&resources, &input);\n\
         match key {{\n{arms}        _ => None,\n    }}\n}}"
    )
}
