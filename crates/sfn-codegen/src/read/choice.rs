//! Choice states: rules, operators and their operands, `Default`.
//!
//! JSONPath rules are `Variable` plus exactly one comparison operator, or one
//! of `And`/`Or`/`Not`; JSONata rules have a `Condition`. Only top-level rules
//! carry `Next` (and `Assign`, `Output`); nested ones must not.

use super::{MISSING, Reader, ScopeKey, describe, index, join};
use crate::diag::suggest;
use crate::ir::{
    ChoiceRule, Comparison, Condition, QueryLanguage, StateKind, Test, TypeFamily, TypeTest,
};
use crate::json::Json;
use sfn_lang::path;
use sfn_lang::pattern::parse_pattern;
use sfn_lang::timestamp::parse_timestamp;
use std::collections::HashMap;

/// What a comparison operator tests, and the operand it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    /// `String*`, `Numeric*`, `BooleanEquals`, `Timestamp*`, with a literal operand.
    Literal(TypeFamily, Comparison),
    /// The `...Path` forms.
    Path(TypeFamily, Comparison),
    /// `StringMatches`.
    Matches,
    /// `Is*`.
    Is(TypeTest),
}

/// Every comparison operator of JSONPath Choice rules.
const OPERATORS: &[(&str, Operator)] = {
    use Comparison::*;
    use Operator::*;
    use TypeFamily as F;
    &[
        ("StringEquals", Literal(F::String, Equals)),
        ("StringLessThan", Literal(F::String, LessThan)),
        ("StringGreaterThan", Literal(F::String, GreaterThan)),
        ("StringLessThanEquals", Literal(F::String, LessThanEquals)),
        (
            "StringGreaterThanEquals",
            Literal(F::String, GreaterThanEquals),
        ),
        ("StringEqualsPath", Path(F::String, Equals)),
        ("StringLessThanPath", Path(F::String, LessThan)),
        ("StringGreaterThanPath", Path(F::String, GreaterThan)),
        ("StringLessThanEqualsPath", Path(F::String, LessThanEquals)),
        (
            "StringGreaterThanEqualsPath",
            Path(F::String, GreaterThanEquals),
        ),
        ("StringMatches", Matches),
        ("NumericEquals", Literal(F::Numeric, Equals)),
        ("NumericLessThan", Literal(F::Numeric, LessThan)),
        ("NumericGreaterThan", Literal(F::Numeric, GreaterThan)),
        ("NumericLessThanEquals", Literal(F::Numeric, LessThanEquals)),
        (
            "NumericGreaterThanEquals",
            Literal(F::Numeric, GreaterThanEquals),
        ),
        ("NumericEqualsPath", Path(F::Numeric, Equals)),
        ("NumericLessThanPath", Path(F::Numeric, LessThan)),
        ("NumericGreaterThanPath", Path(F::Numeric, GreaterThan)),
        (
            "NumericLessThanEqualsPath",
            Path(F::Numeric, LessThanEquals),
        ),
        (
            "NumericGreaterThanEqualsPath",
            Path(F::Numeric, GreaterThanEquals),
        ),
        ("BooleanEquals", Literal(F::Boolean, Equals)),
        ("BooleanEqualsPath", Path(F::Boolean, Equals)),
        ("TimestampEquals", Literal(F::Timestamp, Equals)),
        ("TimestampLessThan", Literal(F::Timestamp, LessThan)),
        ("TimestampGreaterThan", Literal(F::Timestamp, GreaterThan)),
        (
            "TimestampLessThanEquals",
            Literal(F::Timestamp, LessThanEquals),
        ),
        (
            "TimestampGreaterThanEquals",
            Literal(F::Timestamp, GreaterThanEquals),
        ),
        ("TimestampEqualsPath", Path(F::Timestamp, Equals)),
        ("TimestampLessThanPath", Path(F::Timestamp, LessThan)),
        ("TimestampGreaterThanPath", Path(F::Timestamp, GreaterThan)),
        (
            "TimestampLessThanEqualsPath",
            Path(F::Timestamp, LessThanEquals),
        ),
        (
            "TimestampGreaterThanEqualsPath",
            Path(F::Timestamp, GreaterThanEquals),
        ),
        ("IsNull", Is(TypeTest::Null)),
        ("IsPresent", Is(TypeTest::Present)),
        ("IsNumeric", Is(TypeTest::Numeric)),
        ("IsString", Is(TypeTest::String)),
        ("IsBoolean", Is(TypeTest::Boolean)),
        ("IsTimestamp", Is(TypeTest::Timestamp)),
    ]
};

const COMBINATORS: &[&str] = &["And", "Or", "Not"];

impl Reader<'_> {
    pub(crate) fn choice(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        index_of: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> Option<StateKind> {
        let default = v.get("Default").map(|d| match d.as_str() {
            Some(name) => self.target(name, d.span, &join(path, "Default"), index_of, key),
            None => {
                self.type_error(d, &join(path, "Default"), "a string naming a state");
                MISSING
            }
        });
        let choices_json = self.required(v, "Choices", path)?;
        let cpath = join(path, "Choices");
        let Some(items) = choices_json.as_array() else {
            self.type_error(choices_json, &cpath, "a non-empty array of rules");
            return None;
        };
        if items.is_empty() {
            self.diags.error(
                choices_json.span,
                &cpath,
                "`Choices` must contain at least one rule",
            );
        }
        let mut choices = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = index(&cpath, i);
            if let Some(rule) = self.top_rule(item, &p, language, index_of, key) {
                choices.push(rule);
            }
        }
        (choices.len() == items.len()).then_some(StateKind::Choice { choices, default })
    }

    fn top_rule(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        index_of: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> Option<ChoiceRule> {
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "a Choice rule object");
            return None;
        };
        self.no_duplicate_keys(members, path);
        if let Some(end) = v.member("End") {
            self.diags.error(end.key_span, &join(path, "End"), "a Choice rule cannot end the execution; give it a `Next` state (a Succeed state to finish)");
        }
        let next = match v.get("Next") {
            Some(n) => match n.as_str() {
                Some(name) => self.target(name, n.span, &join(path, "Next"), index_of, key),
                None => {
                    self.type_error(n, &join(path, "Next"), "a string naming a state");
                    MISSING
                }
            },
            None => {
                self.diags.error(
                    Self::head(v),
                    path,
                    "a top-level Choice rule must have `Next`, the state to go to when it matches",
                );
                MISSING
            }
        };
        let assign = v
            .get("Assign")
            .map(|a| self.assign(a, &join(path, "Assign"), language));
        let output = match (v.get("Output"), language) {
            (Some(o), QueryLanguage::Jsonata) => {
                Some(self.jsonata_template(o, &join(path, "Output")))
            }
            _ => None,
        };
        let condition = self.condition(v, path, language, true)?;
        Some(ChoiceRule {
            condition,
            next,
            assign,
            output,
            span: v.span,
        })
    }

    /// A condition: the rule's test without `Next`/`Assign`/`Output`.
    fn condition(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        top: bool,
    ) -> Option<Condition> {
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "a Choice rule object");
            return None;
        };
        if !top {
            self.no_duplicate_keys(members, path);
        }
        let extra: &[&str] = if top {
            &["Next", "Assign", "Comment", "End"]
        } else {
            &["Comment"]
        };
        let jsonata_extra: &[&str] = if top { &["Output"] } else { &[] };

        if language == QueryLanguage::Jsonata {
            for m in members {
                let k = m.key.as_str();
                if k == "Condition" || extra.contains(&k) || jsonata_extra.contains(&k) {
                    continue;
                }
                let msg = if OPERATORS.iter().any(|(n, _)| *n == k)
                    || k == "Variable"
                    || COMBINATORS.contains(&k)
                {
                    format!(
                        "`{k}` is a JSONPath Choice field; JSONata rules use `Condition` with a `{{% ... %}}` expression"
                    )
                } else if !top && k == "Next" {
                    "a nested Choice rule cannot have `Next`".to_string()
                } else {
                    format!("unknown field `{k}` in a JSONata Choice rule")
                };
                self.diags.error(m.key_span, &join(path, k), msg);
            }
            let c = self.required(v, "Condition", path)?;
            let cpath = join(path, "Condition");
            if let Some(b) = c.as_bool() {
                return Some(Condition::Literal(b));
            }
            return match self.jsonata(c, &cpath) {
                Some(Ok(j)) => Some(Condition::Jsonata(j)),
                Some(Err(())) => None,
                None => {
                    self.type_error(c, &cpath, "a `{% ... %}` JSONata expression or a boolean");
                    None
                }
            };
        }

        // JSONPath: Variable + one operator, or one combinator.
        let mut ops = Vec::new();
        let mut combinators = Vec::new();
        let mut variable = None;
        for m in members {
            let k = m.key.as_str();
            if extra.contains(&k) {
                continue;
            }
            if k == "Variable" {
                variable = Some(m);
            } else if let Some((_, op)) = OPERATORS.iter().find(|(n, _)| *n == k) {
                ops.push((m, *op));
            } else if COMBINATORS.contains(&k) {
                combinators.push(m);
            } else if !top && k == "Next" {
                self.diags.error(m.key_span, &join(path, k), "a nested Choice rule cannot have `Next`; only the rules directly in `Choices` choose the next state");
            } else if !top && (k == "Assign" || k == "Output") {
                self.diags.error(
                    m.key_span,
                    &join(path, k),
                    format!("a nested Choice rule cannot have `{k}`"),
                );
            } else if k == "Condition" {
                self.diags.error(m.key_span, &join(path, k), "`Condition` is a JSONata field; set `\"QueryLanguage\": \"JSONata\"` or use `Variable` and an operator");
            } else {
                let names = OPERATORS
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(COMBINATORS.iter().copied())
                    .chain(["Variable", "Next", "Comment"]);
                let msg = format!("unknown field `{k}` in a Choice rule");
                match suggest(k, names) {
                    Some(s) => self.diags.error_help(
                        m.key_span,
                        &join(path, k),
                        msg,
                        format!("did you mean `{s}`?"),
                    ),
                    None => self.diags.error(m.key_span, &join(path, k), msg),
                }
            }
        }

        if let Some(c) = combinators.first() {
            if !ops.is_empty() || variable.is_some() || combinators.len() > 1 {
                self.diags.error(
                    c.key_span,
                    &join(path, &c.key),
                    "a Choice rule is either a comparison (`Variable` and one operator) or one of `And`, `Or`, `Not`, not both",
                );
                return None;
            }
            let cpath = join(path, &c.key);
            return match c.key.as_str() {
                "Not" => {
                    if c.value.as_object().is_none() {
                        self.type_error(&c.value, &cpath, "a single rule object");
                        return None;
                    }
                    self.condition(&c.value, &cpath, language, false)
                        .map(|r| Condition::Not(Box::new(r)))
                }
                k => {
                    let Some(items) = c.value.as_array() else {
                        self.type_error(&c.value, &cpath, "a non-empty array of rules");
                        return None;
                    };
                    if items.is_empty() {
                        self.diags.error(
                            c.value.span,
                            &cpath,
                            format!("`{k}` must contain at least one rule"),
                        );
                        return None;
                    }
                    let rules: Vec<_> = items
                        .iter()
                        .enumerate()
                        .map(|(i, r)| self.condition(r, &index(&cpath, i), language, false))
                        .collect();
                    let rules: Option<Vec<_>> = rules.into_iter().collect();
                    let rules = rules?;
                    Some(if k == "And" {
                        Condition::And(rules)
                    } else {
                        Condition::Or(rules)
                    })
                }
            };
        }

        let Some(var) = variable else {
            if ops.is_empty() {
                self.diags.error(Self::head(v), path, "a Choice rule needs `Variable` and a comparison operator such as `StringEquals`, or `And`, `Or` or `Not`");
            } else {
                self.diags.error(
                    Self::head(v),
                    path,
                    format!(
                        "the comparison `{}` needs a `Variable`, the path of the value to test",
                        ops[0].0.key
                    ),
                );
            }
            return None;
        };
        let vpath = join(path, "Variable");
        let variable = match var.value.as_str() {
            Some(text) if sfn_lang::intrinsic::looks_like_call(text) => {
                self.diags.error(
                    var.value.span,
                    &vpath,
                    "`Variable` must be a path such as `$.status`, not an intrinsic function call",
                );
                None
            }
            Some(text) => match path::parse_path(text) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.syntax_error(&var.value, &vpath, "`Variable` is not a valid JSONPath", &e);
                    None
                }
            },
            None => {
                self.type_error(&var.value, &vpath, "a path string");
                None
            }
        };
        let (m, op) = match ops.as_slice() {
            [one] => *one,
            [] => {
                self.diags.error(var.key_span, &vpath, "a Choice rule with `Variable` needs one comparison operator such as `StringEquals` or `IsPresent`");
                return None;
            }
            [_, second, ..] => {
                self.diags.error(second.0.key_span, &join(path, &second.0.key), "a Choice rule may have only one comparison operator; combine several with `And` or `Or`");
                return None;
            }
        };
        let test = self.test(&m.value, &join(path, &m.key), &m.key, op)?;
        Some(Condition::Test {
            variable: variable?,
            test,
        })
    }

    fn test(&mut self, v: &Json, path: &str, name: &str, op: Operator) -> Option<Test> {
        match op {
            Operator::Literal(family, cmp) => match family {
                TypeFamily::String => match v.as_str() {
                    Some(s) => Some(Test::String(cmp, s.to_string())),
                    None => {
                        self.operand_error(v, path, name, "a string");
                        None
                    }
                },
                TypeFamily::Numeric => match v.as_number() {
                    Some(n) => Some(Test::Numeric(cmp, n.clone())),
                    None => {
                        self.operand_error(v, path, name, "a number");
                        None
                    }
                },
                TypeFamily::Boolean => match v.as_bool() {
                    Some(b) => Some(Test::Boolean(b)),
                    None => {
                        self.operand_error(v, path, name, "`true` or `false`");
                        None
                    }
                },
                TypeFamily::Timestamp => match v.as_str() {
                    Some(s) => match parse_timestamp(s) {
                        Ok(t) => Some(Test::Timestamp(cmp, t)),
                        Err(e) => {
                            self.syntax_error(
                                v,
                                path,
                                &format!("`{name}` needs an RFC 3339 timestamp"),
                                &e,
                            );
                            None
                        }
                    },
                    None => {
                        self.operand_error(v, path, name, "an RFC 3339 timestamp string");
                        None
                    }
                },
            },
            Operator::Path(family, cmp) => self
                .reference_path(v, path)
                .map(|p| Test::ComparePath(family, cmp, p)),
            Operator::Matches => match v.as_str() {
                Some(s) => match parse_pattern(s) {
                    Ok(p) => Some(Test::Matches(p)),
                    Err(e) => {
                        self.syntax_error(v, path, "invalid `StringMatches` pattern", &e);
                        None
                    }
                },
                None => {
                    self.operand_error(v, path, name, "a string pattern");
                    None
                }
            },
            Operator::Is(t) => match v.as_bool() {
                Some(b) => Some(Test::Is(t, b)),
                None => {
                    self.operand_error(v, path, name, "`true` or `false`");
                    None
                }
            },
        }
    }

    fn operand_error(&mut self, v: &Json, path: &str, name: &str, expected: &str) {
        self.diags.error(
            v.span,
            path,
            format!("`{name}` compares with {expected}, found {}", describe(v)),
        );
    }
}
