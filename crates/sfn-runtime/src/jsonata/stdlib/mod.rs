//! The function library: JSONata 2.0.6's built-in functions and AWS Step
//! Functions' additions.
//!
//! Each module lists its functions in a `FUNCTIONS` table; [`lookup`]
//! searches the tables in a fixed order, so a name defined twice resolves to
//! the first table's function (AWS's `$random(seed?)` in `aws` comes before
//! JSONata's `$random()` in `numbers`).

use super::builtins::Builtin;

pub(crate) mod aws;
pub(crate) mod core;
pub(crate) mod datetime;
pub(crate) mod encoding;
pub(crate) mod format;
pub(crate) mod numbers;
pub(crate) mod regex;
pub(crate) mod strings;

/// The library tables, in lookup order.
fn tables() -> [&'static [Builtin]; 7] {
    [
        core::FUNCTIONS,
        strings::FUNCTIONS,
        aws::FUNCTIONS,
        numbers::FUNCTIONS,
        encoding::FUNCTIONS,
        format::FUNCTIONS,
        datetime::FUNCTIONS,
    ]
}

/// The built-in function called `name` (without `$`).
pub(crate) fn lookup(name: &str) -> Option<&'static Builtin> {
    tables()
        .into_iter()
        .flat_map(|t| t.iter())
        .find(|b| b.name == name)
}

/// Evaluates a JSONata expression over `{}` for the library's tests:
/// `Ok(None)` for undefined, the error code on failure.
#[cfg(test)]
pub(crate) fn run_on_empty_object(expr: &str) -> Result<Option<serde_json::Value>, String> {
    let parsed = sfn_lang::jsonata::parse(expr).map_err(|e| format!("parse: {e}"))?;
    let program = crate::jsonata::Program::new(parsed);
    let input = crate::jsonata::Value::from_json(&serde_json::json!({}));
    let out = program
        .evaluate(&input, &std::collections::HashMap::new())
        .map_err(|e| e.code.to_owned())?;
    out.to_json().map_err(|_| "unsupported".to_owned())
}
