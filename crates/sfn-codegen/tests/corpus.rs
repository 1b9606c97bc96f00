//! The conformance corpus beside the project: every definition in `valid/`
//! and `cases/` is accepted, every one in `invalid/` is rejected with a
//! diagnostic about its actual fault.
//!
//! The folder is found through `SFN_CONFORMANCE_DIR` (default
//! `../shared/conformance` from the workspace root); where it is absent the
//! tests print one line and pass.

use sfn_codegen::json::{self, Json};
use sfn_codegen::{Failure, Options, WorkflowType};
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = match std::env::var_os("SFN_CONFORMANCE_DIR") {
        Some(d) => root.join(d),
        None => root.join("../shared/conformance"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("conformance corpus not found at {}; skipped", dir.display());
        None
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    out.sort();
    out
}

/// Checks the `definition` member of a corpus file (or its raw text).
fn check_entry(text: &str) -> Result<(), Failure> {
    let doc = json::parse(text).expect("corpus file is JSON");
    let mut options = Options::default();
    if doc
        .get("validate_kwargs")
        .and_then(|k| k.get("type"))
        .and_then(Json::as_str)
        == Some("EXPRESS")
    {
        options.workflow_type = WorkflowType::Express;
    }
    match doc.get("definition") {
        Some(def) if !def.is_null() => sfn_codegen::check_json(def, &options).map(|_| ()),
        _ => {
            let raw = doc
                .get("definition_raw")
                .and_then(Json::as_str)
                .unwrap_or("");
            sfn_codegen::check(raw, &options).map(|_| ())
        }
    }
}

fn render(text: &str, failure: &Failure) -> String {
    let index = json::LineIndex::new(text);
    match failure {
        Failure::NotJson(e) => format!("not JSON: {e}"),
        Failure::Invalid(diags) => diags
            .iter()
            .map(|d| format!("  {}", d.display("def", text, &index)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn valid_definitions_are_accepted() {
    let Some(dir) = corpus_dir() else { return };
    let all = files(&dir.join("valid"));
    let mut failures = Vec::new();
    for f in &all {
        let text = std::fs::read_to_string(f).unwrap();
        if let Err(e) = check_entry(&text) {
            failures.push(format!(
                "{}:\n{}",
                f.file_name().unwrap().to_string_lossy(),
                render(&text, &e)
            ));
        }
    }
    println!(
        "valid: {}/{} accepted",
        all.len() - failures.len(),
        all.len()
    );
    assert!(
        failures.is_empty(),
        "rejected valid definitions:\n{}",
        failures.join("\n")
    );
}

#[test]
fn case_definitions_are_accepted() {
    let Some(dir) = corpus_dir() else { return };
    let mut all = Vec::new();
    for group in std::fs::read_dir(dir.join("cases")).unwrap() {
        all.extend(files(&group.unwrap().path()));
    }
    all.sort();
    let mut failures = Vec::new();
    for f in &all {
        let text = std::fs::read_to_string(f).unwrap();
        if let Err(e) = check_entry(&text) {
            failures.push(format!("{}:\n{}", f.display(), render(&text, &e)));
        }
    }
    println!(
        "cases: {}/{} definitions accepted",
        all.len() - failures.len(),
        all.len()
    );
    assert!(
        failures.is_empty(),
        "rejected case definitions:\n{}",
        failures.join("\n")
    );
}

/// For each invalid file, where its fault is: a piece of the definition path
/// or of the message that a diagnostic must contain. Written from reading
/// each file's `reason` and definition.
const FAULTS: &[(&str, &str)] = &[
    ("asl-validator__invalid-assign.asl", "JSONata syntax error"),
    (
        "asl-validator__invalid-cfn-definition-substitutions",
        "unclosed `${`",
    ),
    (
        "asl-validator__invalid-choice-state-variable",
        "Choices[0].Variable",
    ),
    ("asl-validator__invalid-choice-state", "Choices[0]"),
    (
        "asl-validator__invalid-dupe-fields.asl",
        "both produce the field `conflict`",
    ),
    (
        "asl-validator__invalid-duplicate-fields-nested",
        "both produce the field `type`",
    ),
    (
        "asl-validator__invalid-duplicate-fields",
        "both produce the field",
    ),
    ("asl-validator__invalid-error-equals-type", "ErrorEquals[0]"),
    (
        "asl-validator__invalid-error-equals",
        "unknown field `Error Equals`",
    ),
    (
        "asl-validator__invalid-exercise-ajv-additional-properties.asl",
        "unknown field `bugInputPath`",
    ),
    (
        "asl-validator__invalid-exercise-ajv.asl",
        "PassState.InputPath",
    ),
    (
        "asl-validator__invalid-fail-dupe-cause",
        "only one of `Cause` and `CausePath`",
    ),
    (
        "asl-validator__invalid-fail-dupe-error",
        "only one of `Error` and `ErrorPath`",
    ),
    ("asl-validator__invalid-inexistant-state", "no state named"),
    ("asl-validator__invalid-json-path", "ResultPath"),
    (
        "asl-validator__invalid-json-surround-syntax-extra-spaces",
        "malformed JSONata",
    ),
    ("asl-validator__invalid-jsonata-fields", "JSONPath field"),
    (
        "asl-validator__invalid-jsonata-path-fields.asl",
        "`OutputPath` is a JSONPath field",
    ),
    (
        "asl-validator__invalid-jsonata-surround-syntax-no-close",
        "malformed JSONata",
    ),
    (
        "asl-validator__invalid-jsonata-surround-syntax-no-open",
        "malformed JSONata",
    ),
    (
        "asl-validator__invalid-jsonata-surround-syntax-no-spaces",
        "malformed JSONata",
    ),
    (
        "asl-validator__invalid-jsonata-syntax-arithmetic",
        "JSONata syntax error",
    ),
    (
        "asl-validator__invalid-jsonata-syntax-jsonpath-in-jsonata-surround",
        "JSONata syntax error",
    ),
    (
        "asl-validator__invalid-jsonata-syntax-mismatched-parens",
        "JSONata syntax error",
    ),
    (
        "asl-validator__invalid-map-distributed.asl",
        "only one of `MaxItems` and `MaxItemsPath`",
    ),
    ("asl-validator__invalid-map-dupe-state", "already used"),
    (
        "asl-validator__invalid-map-item-batcher-dupe-subfields",
        "ItemBatcher.MaxItemsPerBatchPath",
    ),
    ("asl-validator__invalid-map-items.asl", "ItemsPath"),
    (
        "asl-validator__invalid-map-missing-iterator",
        "needs an `ItemProcessor`",
    ),
    ("asl-validator__invalid-map-ob-link", "another scope"),
    (
        "asl-validator__invalid-map-tolerated-value",
        "between 0 and 100",
    ),
    (
        "asl-validator__invalid-map-tolerated",
        "only one of `ToleratedFailureCount` and `ToleratedFailureCountPath`",
    ),
    ("asl-validator__invalid-math-add", "States.MathAdd"),
    (
        "asl-validator__invalid-missing-terminal-map",
        "must have either `Next`",
    ),
    (
        "asl-validator__invalid-missing-terminal-parallel",
        "must have either `Next`",
    ),
    (
        "asl-validator__invalid-missing-terminal",
        "no state ends this scope",
    ),
    ("asl-validator__invalid-next-with-end", "both `Next` and"),
    ("asl-validator__invalid-parallel-branch-type", "Branches[0]"),
    (
        "asl-validator__invalid-parallel-missing-branches",
        "`Branches`",
    ),
    ("asl-validator__invalid-parallel-ob-link", "another scope"),
    ("asl-validator__invalid-payload-template.asl", "lorem.$"),
    ("asl-validator__invalid-state-name-too-long", "at most 80"),
    (
        "asl-validator__invalid-task-alias-function",
        "not a valid Lambda version or alias",
    ),
    (
        "asl-validator__invalid-task-credentials-null",
        "Credentials",
    ),
    (
        "asl-validator__invalid-task-credentials-object",
        "expectPath.$",
    ),
    (
        "asl-validator__invalid-task-heartbeat",
        "only one of `HeartbeatSeconds` and `HeartbeatSecondsPath`",
    ),
    (
        "asl-validator__invalid-task-timout",
        "only one of `TimeoutSeconds` and `TimeoutSecondsPath`",
    ),
    ("asl-validator__invalid-unreachable-state", "unreachable"),
    (
        "asl-validator__invalid-variable-result-path",
        "cannot contain a variable",
    ),
    (
        "asl-validator__invalid-wait-duration",
        "only one of `Seconds`",
    ),
    (
        "localstack__test_validate_state_machine_definition_not_a_definition_EMPTY_DICT_",
        "missing the required field",
    ),
    (
        "localstack__test_validate_state_machine_definition_not_a_definition_EMPTY_STRING_",
        "not JSON",
    ),
    (
        "localstack__test_validate_state_machine_definition_not_a_definition_NOT_A_DEF_",
        "not JSON",
    ),
    (
        "localstack__test_validate_state_machine_definition_type_express_ILLEGAL_WFTT_",
        "waitForTaskToken",
    ),
    (
        "localstack__test_validate_state_machine_definition_type_express_INVALID_BASE_NO_STARTAT_",
        "`StartAt`",
    ),
    (
        "localstack__test_validate_state_machine_definition_type_express_INVALID_DOWNGRADE_QUERY_LANGUAGE_",
        "cannot use JSONPath",
    ),
    (
        "localstack__test_validate_state_machine_definition_type_standard_INVALID_BASE_NO_STARTAT_",
        "`StartAt`",
    ),
    (
        "localstack__test_validate_state_machine_definition_type_standard_INVALID_DOWNGRADE_QUERY_LANGUAGE_",
        "cannot use JSONPath",
    ),
    (
        "statelint__backoff-with-backoffrate-between-0-and-1",
        "`BackoffRate` must be at least 1.0",
    ),
    (
        "statelint__backoff-with-backoffrate-negative",
        "`BackoffRate` must be at least 1.0",
    ),
    (
        "statelint__backoff-with-invalid-jitter-on-retry",
        "JitterStrategy",
    ),
    ("statelint__choice-with-parameters", "`Parameters`"),
    ("statelint__choice-with-resultpath", "`ResultPath`"),
    ("statelint__choice-with-resultselector", "`ResultSelector`"),
    (
        "statelint__empty-error-equals-on-catch",
        "must name at least one error",
    ),
    (
        "statelint__empty-error-equals-on-retry",
        "must name at least one error",
    ),
    ("statelint__fail-with-parameters", "`Parameters`"),
    ("statelint__fail-with-resultpath", "`ResultPath`"),
    ("statelint__fail-with-resultselector", "`ResultSelector`"),
    (
        "statelint__fail-with-static-and-dynamic-cause",
        "only one of `Cause` and `CausePath`",
    ),
    (
        "statelint__fail-with-static-and-dynamic-error",
        "only one of `Error` and `ErrorPath`",
    ),
    (
        "statelint__invalid-backoff-with-jitter-on-retry",
        "MaxDelaySeconds",
    ),
    ("statelint__invalid-function-invocation", "States.Xyz"),
    (
        "statelint__map-with-itemprocessor-and-iterator",
        "only one of `ItemProcessor` and `Iterator`",
    ),
    (
        "statelint__map-with-null-itemspath",
        "`ItemsPath` cannot be null",
    ),
    (
        "statelint__map-with-parameters-and-itemselector",
        "only one of `ItemSelector` and `Parameters`",
    ),
    ("statelint__parameter-path-problems", "bad1.$"),
    (
        "statelint__pass-with-intrinsic-function-inputpath",
        "InputPath",
    ),
    ("statelint__pass-with-resultselector", "`ResultSelector`"),
    ("statelint__states-array-invocation-leftpad", "abc.$"),
    ("statelint__succeed-with-parameters", "`Parameters`"),
    ("statelint__succeed-with-resultpath", "`ResultPath`"),
    ("statelint__succeed-with-resultselector", "`ResultSelector`"),
    ("statelint__task-with-invalid-credentials", "Credentials"),
    (
        "statelint__task-with-static-and-dynamic-heartbeat",
        "only one of `HeartbeatSeconds` and `HeartbeatSecondsPath`",
    ),
    (
        "statelint__task-with-static-and-dynamic-timeout",
        "only one of `TimeoutSeconds` and `TimeoutSecondsPath`",
    ),
    ("statelint__wait-with-parameters", "`Parameters`"),
    ("statelint__wait-with-resultpath", "`ResultPath`"),
    ("statelint__wait-with-resultselector", "`ResultSelector`"),
];

#[test]
fn invalid_definitions_are_rejected_for_their_fault() {
    let Some(dir) = corpus_dir() else { return };
    let all = files(&dir.join("invalid"));
    let mut failures = Vec::new();
    let mut rejected = 0;
    for f in &all {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let name = name
            .strip_suffix(".asl")
            .map(|n| format!("{n}.asl"))
            .unwrap_or(name);
        let text = std::fs::read_to_string(f).unwrap();
        let Err(failure) = check_entry(&text) else {
            failures.push(format!("{name}: accepted"));
            continue;
        };
        rejected += 1;
        let rendered = render(&text, &failure);
        match FAULTS.iter().find(|(n, _)| *n == name) {
            Some((_, fault)) if rendered.contains(fault) => {}
            Some((_, fault)) => failures.push(format!(
                "{name}: rejected, but no diagnostic mentions `{fault}`:\n{rendered}"
            )),
            None => failures.push(format!(
                "{name}: rejected, but the test has no expected fault for it:\n{rendered}"
            )),
        }
    }
    println!("invalid: {rejected}/{} rejected", all.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
