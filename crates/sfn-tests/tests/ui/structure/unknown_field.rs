// A misspelt field (`Nxt`): unknown fields are errors, with a suggestion.
sfn_runtime::asl!(pub mod m, {
    "StartAt": "A",
    "States": {
        "A": { "Type": "Pass", "Nxt": "B" },
        "B": { "Type": "Succeed" }
    }
});

fn main() {}
