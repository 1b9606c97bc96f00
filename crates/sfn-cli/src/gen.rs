//! `sfn gen FILE [--module NAME]`: print the Rust code that `sfn-codegen`
//! generates for a definition, formatted (the text [`Builder`] writes to
//! `OUT_DIR`), so a user can read what `include_asl!` expands to.
//!
//! [`Builder`]: sfn_codegen::Builder

use crate::check;
use crate::output;
use sfn_codegen::{ModuleSpec, Options};
use std::path::Path;

/// Runs `sfn gen`: checks `file` (diagnostics go to standard error, in the
/// format of `sfn check`), then writes the generated module's items to
/// `out_file` or standard output. Returns the exit code.
pub fn run(file: &Path, module: Option<&str>, options: &Options, out_file: Option<&Path>) -> u8 {
    let mut stderr = std::io::stderr().lock();
    let (source, _checked) = match check::load(file, options, false, &mut stderr) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let name = match module {
        Some(name) => name.to_owned(),
        None => module_name(file),
    };
    let text = match sfn_codegen::generate_string(&source, &ModuleSpec::new(name), options) {
        Ok(text) => text,
        Err(failure) => {
            // Not reached: `load` has accepted the same source already.
            let shown = file.display().to_string();
            return check::report_failure(&mut stderr, &shown, &source, &failure, false);
        }
    };
    output::write(out_file, text.as_bytes(), &mut stderr)
}

/// The default module name: the file name up to its first `.`
/// (`order_processing` for `order_processing.asl.json`), or `workflow`
/// when that is empty. `sfn-codegen` turns it into a snake_case identifier.
pub fn module_name(file: &Path) -> String {
    let stem = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.split('.').next().unwrap_or_default();
    if stem.is_empty() {
        "workflow".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_name_is_the_file_stem() {
        assert_eq!(
            module_name(Path::new("dir/order_processing.asl.json")),
            "order_processing"
        );
        assert_eq!(module_name(Path::new(".asl.json")), "workflow");
        assert_eq!(module_name(Path::new("flow")), "flow");
    }
}
