//! Which fields each object of ASL may have, per state type and query
//! language, and the message for a field that does not belong.
//!
//! Sources: the ASL specification's field lists, statelint's j2119 rules and
//! the AWS documentation on JSONata (`Arguments`/`Output` replace the five
//! JSONPath I/O fields; `*Path` fields do not exist in JSONata states; Assign
//! is accepted on Pass, Task, Map, Parallel, Choice and Wait; Output on
//! every type but Fail).

use crate::diag::suggest;
use crate::ir::QueryLanguage;

/// Fields of the top-level object.
pub(crate) const TOP_LEVEL: &[&str] = &[
    "Comment",
    "StartAt",
    "States",
    "TimeoutSeconds",
    "Version",
    "QueryLanguage",
];

/// Fields of a Parallel branch.
pub(crate) const BRANCH: &[&str] = &["Comment", "StartAt", "States"];

/// Fields of a Map `ItemProcessor` / `Iterator`.
pub(crate) const PROCESSOR: &[&str] = &["Comment", "StartAt", "States", "ProcessorConfig"];

/// Fields of `ProcessorConfig`.
pub(crate) const PROCESSOR_CONFIG: &[&str] = &["Mode", "ExecutionType"];

/// Fields of a retrier.
pub(crate) const RETRIER: &[&str] = &[
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
];

/// Fields of a catcher, per language.
pub(crate) fn catcher(language: QueryLanguage) -> &'static [&'static str] {
    match language {
        QueryLanguage::JsonPath => &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"],
        QueryLanguage::Jsonata => &["ErrorEquals", "Next", "Output", "Assign", "Comment"],
    }
}

/// Fields of `ItemReader`.
pub(crate) const ITEM_READER: &[&str] = &["Resource", "ReaderConfig", "Parameters", "Arguments"];
/// Fields of `ItemReader.ReaderConfig`.
pub(crate) const READER_CONFIG: &[&str] = &[
    "InputType",
    "CSVHeaderLocation",
    "CSVHeaders",
    "CSVDelimiter",
    "MaxItems",
    "MaxItemsPath",
    "ManifestType",
    "Transformation",
];
/// Fields of `ItemBatcher`.
pub(crate) const ITEM_BATCHER: &[&str] = &[
    "MaxItemsPerBatch",
    "MaxItemsPerBatchPath",
    "MaxInputBytesPerBatch",
    "MaxInputBytesPerBatchPath",
    "BatchInput",
];
/// Fields of `ResultWriter`.
pub(crate) const RESULT_WRITER: &[&str] = &["Resource", "Parameters", "Arguments", "WriterConfig"];

/// The eight state types.
pub(crate) const STATE_TYPES: &[&str] = &[
    "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

/// Every field that appears on some state, for "unknown field" versus
/// "not allowed here" messages.
const ALL_STATE_FIELDS: &[&str] = &[
    "Type",
    "Comment",
    "QueryLanguage",
    "Assign",
    "Next",
    "End",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Arguments",
    "Output",
    "Result",
    "Resource",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
    "Retry",
    "Catch",
    "Choices",
    "Default",
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "TimestampPath",
    "Error",
    "ErrorPath",
    "Cause",
    "CausePath",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "ItemsPath",
    "Items",
    "ItemSelector",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Label",
];

/// Fields that exist only in JSONPath states.
const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Result",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "ItemsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
];

/// Fields that exist only in JSONata states.
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

/// The fields a state of type `ty` may have in `language`.
pub(crate) fn state_fields(ty: &str, language: QueryLanguage) -> Vec<&'static str> {
    let mut f: Vec<&'static str> = vec!["Type", "Comment", "QueryLanguage"];
    let jp = language == QueryLanguage::JsonPath;
    let specific: &[&'static str] = match ty {
        "Pass" => &[
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultPath",
            "Result",
            "Output",
        ],
        "Task" => &[
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Arguments",
            "Output",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Retry",
            "Catch",
        ],
        "Choice" => &[
            "Assign",
            "InputPath",
            "OutputPath",
            "Output",
            "Choices",
            "Default",
        ],
        "Wait" => &[
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Output",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
        ],
        "Succeed" => &["InputPath", "OutputPath", "Output"],
        "Fail" => &["Error", "ErrorPath", "Cause", "CausePath"],
        "Parallel" => &[
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Arguments",
            "Output",
            "Branches",
            "Retry",
            "Catch",
        ],
        "Map" => &[
            "Assign",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Output",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "Label",
            "Retry",
            "Catch",
        ],
        _ => &[],
    };
    f.extend(specific.iter().copied().filter(|name| {
        if jp {
            !JSONATA_ONLY.contains(name)
        } else {
            !JSONPATH_ONLY.contains(name)
        }
    }));
    f
}

/// The types that accept `field` (in any language), for messages.
fn types_with(field: &str) -> Vec<&'static str> {
    STATE_TYPES
        .iter()
        .copied()
        .filter(|ty| {
            state_fields(ty, QueryLanguage::JsonPath).contains(&field)
                || state_fields(ty, QueryLanguage::Jsonata).contains(&field)
        })
        .collect()
}

/// A message for a field that is not allowed.
pub(crate) struct Explained {
    pub(crate) text: String,
    pub(crate) help: Option<String>,
}

/// Explains why `field` is not allowed on `what`, and suggests a fix.
pub(crate) fn explain_unknown(
    field: &str,
    value: Option<u64>,
    what: &str,
    allowed: &[&str],
    language: Option<QueryLanguage>,
) -> Explained {
    // Wait durations in other units: ASL only has seconds.
    if what == "a Wait state" {
        let factor = match field {
            "Days" => 86_400,
            "Hours" => 3_600,
            "Minutes" => 60,
            _ => 0,
        };
        if factor > 0 {
            let help = match value.and_then(|n| n.checked_mul(factor)) {
                Some(seconds) => format!("write `\"Seconds\": {seconds}` instead"),
                None => format!(
                    "write the duration as `\"Seconds\": N`, where one {field} is {factor} seconds"
                ),
            };
            return Explained {
                text: format!("a Wait state has no `{field}` field; ASL measures waits in seconds"),
                help: Some(help),
            };
        }
    }
    if let Some(language) = language
        && ALL_STATE_FIELDS.contains(&field)
    {
        match language {
            QueryLanguage::Jsonata if JSONPATH_ONLY.contains(&field) => {
                let instead = match field {
                    "InputPath" | "Parameters" => "`Arguments`",
                    "OutputPath" | "ResultSelector" | "ResultPath" | "Result" => "`Output`",
                    "ItemsPath" => "`Items`",
                    f if f.ends_with("Path") => {
                        "the field without `Path`, holding a {% %} expression"
                    }
                    _ => "`Arguments` or `Output`",
                };
                return Explained {
                    text: format!(
                        "`{field}` is a JSONPath field, but {what} uses the JSONata query language"
                    ),
                    help: Some(format!("in JSONata use {instead}")),
                };
            }
            QueryLanguage::JsonPath if JSONATA_ONLY.contains(&field) => {
                return Explained {
                        text: format!("`{field}` is a JSONata field, but {what} uses the JSONPath query language"),
                        help: Some("set `\"QueryLanguage\": \"JSONata\"` on the state or the state machine, or use the JSONPath fields".into()),
                    };
            }
            _ => {
                let types = types_with(field);
                let list = match types.as_slice() {
                    [] => String::new(),
                    [one] => format!("; it belongs to {one} states"),
                    [init @ .., last] => {
                        format!("; it belongs to {} and {last} states", init.join(", "))
                    }
                };
                return Explained {
                    text: format!("{what} cannot have the field `{field}`{list}"),
                    help: None,
                };
            }
        }
    }
    let help = suggest(field, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
    Explained {
        text: format!("unknown field `{field}` in {what}"),
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonata_states_lose_the_path_fields() {
        let f = state_fields("Task", QueryLanguage::Jsonata);
        assert!(f.contains(&"Arguments") && f.contains(&"Output") && f.contains(&"TimeoutSeconds"));
        assert!(
            !f.contains(&"Parameters")
                && !f.contains(&"TimeoutSecondsPath")
                && !f.contains(&"ResultPath")
        );
        let f = state_fields("Task", QueryLanguage::JsonPath);
        assert!(f.contains(&"Parameters") && !f.contains(&"Arguments"));
    }

    #[test]
    fn fail_and_succeed_have_no_assign() {
        assert!(!state_fields("Fail", QueryLanguage::JsonPath).contains(&"Assign"));
        assert!(!state_fields("Succeed", QueryLanguage::Jsonata).contains(&"Assign"));
        assert!(state_fields("Succeed", QueryLanguage::Jsonata).contains(&"Output"));
        assert!(!state_fields("Fail", QueryLanguage::Jsonata).contains(&"Output"));
    }

    #[test]
    fn explains_misplaced_and_misspelt_fields() {
        let e = explain_unknown(
            "ResultSelector",
            None,
            "a Pass state",
            &state_fields("Pass", QueryLanguage::JsonPath),
            Some(QueryLanguage::JsonPath),
        );
        assert!(
            e.text.contains("cannot have the field `ResultSelector`"),
            "{}",
            e.text
        );
        assert!(e.text.contains("Task, Parallel and Map"), "{}", e.text);
        let e = explain_unknown(
            "bugInputPath",
            None,
            "a Pass state",
            &state_fields("Pass", QueryLanguage::JsonPath),
            Some(QueryLanguage::JsonPath),
        );
        assert_eq!(e.help.as_deref(), Some("did you mean `InputPath`?"));
        let e = explain_unknown(
            "Days",
            Some(2),
            "a Wait state",
            &state_fields("Wait", QueryLanguage::JsonPath),
            Some(QueryLanguage::JsonPath),
        );
        assert!(e.help.unwrap().contains("\"Seconds\": 172800"));
        let e = explain_unknown(
            "OutputPath",
            None,
            "a Pass state",
            &state_fields("Pass", QueryLanguage::Jsonata),
            Some(QueryLanguage::Jsonata),
        );
        assert!(e.text.contains("JSONPath field"));
    }
}
