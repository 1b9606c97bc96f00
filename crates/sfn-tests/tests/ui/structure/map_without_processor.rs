// A Map state without `ItemProcessor` (or the legacy `Iterator`).
sfn_runtime::asl!(pub mod m, {
    "StartAt": "M",
    "States": { "M": { "Type": "Map", "ItemsPath": "$.items", "End": true } }
});

fn main() {}
