//! Compiles every `workflows/*.asl.json` into `$OUT_DIR/<name>.rs`, one
//! module per file, named after the file (`invoice.asl.json` gives
//! `invoice.rs`). An invalid workflow fails the build with every problem
//! listed as `FILE:LINE:COL: error: MESSAGE` and the source line.

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    // A workflow added to the folder reruns this script too; each compiled
    // file is registered by `Builder::compile` itself.
    println!("cargo::rerun-if-changed=workflows");
    let builder = sfn_codegen::Builder::new();
    let mut paths: Vec<_> = std::fs::read_dir("workflows")?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    // Sorted, so that the first error reported does not depend on the
    // order the file system lists the folder in.
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".asl.json") else {
            continue;
        };
        builder.compile(&path, &stem.replace('-', "_"))?;
    }
    Ok(())
}
