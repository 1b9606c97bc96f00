// A workflow file that does not exist: the error is on the path.
sfn_runtime::include_asl!(pub mod m, "tests/ui/include/no-such-workflow.asl.json");

fn main() {}
