// The seed document's order workflow as written there: its Wait state has
// `"Days": 2`, a field ASL does not have. The error names FILE:LINE:COL,
// shows the line and suggests `"Seconds": 172800`. `tests/ui.rs` copies the
// file to where trybuild builds.
sfn_runtime::include_asl!(pub mod order, "tests/ui/include/order_processing_days.asl.json");

fn main() {}
