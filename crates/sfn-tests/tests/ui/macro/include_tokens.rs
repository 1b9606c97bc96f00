// include_asl! takes a path, not the JSON itself.
sfn_runtime::include_asl!(pub mod m, {
    "StartAt": "A",
    "States": { "A": { "Type": "Pass", "End": true } }
});

fn main() {}
