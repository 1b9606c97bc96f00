// An invalid workflow file: the error names FILE:LINE:COL and the state, shows
// the line, and is reported on the path. The path is relative to
// CARGO_MANIFEST_DIR; `tests/ui.rs` copies the file to where trybuild builds.
sfn_runtime::include_asl!(pub mod m, "tests/ui/include/invalid.asl.json");

fn main() {}
