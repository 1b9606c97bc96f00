//! One state: its type, allowed fields, transition, I/O fields, Assign, and
//! the fields of each type (Map and Choice have files of their own).

use super::expr::PathKind;
use super::fields;
use super::{MAX_SECONDS, MISSING, Reader, ScopeKey, describe, join};
use crate::diag::suggest;
use crate::ir::{
    Dynamic, DynamicString, ErrorHandling, IntegrationPattern, Io, QueryLanguage, State, StateKind,
    Task, Template, Transition, Wait,
};
use crate::json::{Json, Member};
use sfn_lang::timestamp::parse_timestamp;
use std::collections::HashMap;

impl Reader<'_> {
    /// Reads one state. A state too broken to read becomes a placeholder
    /// that keeps its transitions, so the graph checks of its scope still run
    /// (its errors are recorded, so no IR is handed out).
    pub(crate) fn state(
        &mut self,
        member: &Member,
        path: &str,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
        next_key: &mut ScopeKey,
    ) -> State {
        if let Some(state) = self.read_state(member, path, index, key, next_key) {
            return state;
        }
        let v = &member.value;
        let target = |j: Option<&Json>| {
            j.and_then(Json::as_str)
                .and_then(|n| index.get(n).copied())
                .unwrap_or(MISSING)
        };
        let mut targets = vec![target(v.get("Default"))];
        for list in ["Choices", "Catch"] {
            for item in v.get(list).and_then(Json::as_array).unwrap_or_default() {
                targets.push(target(item.get("Next")));
            }
        }
        let choices = targets
            .into_iter()
            .filter(|&t| t != MISSING)
            .map(|next| crate::ir::ChoiceRule {
                condition: crate::ir::Condition::Literal(true),
                next,
                assign: None,
                output: None,
                span: v.span,
            })
            .collect();
        let transition = match v.get("Next") {
            Some(n) => Transition::Next(target(Some(n))),
            None if v.get("End").is_some()
                || matches!(
                    v.get("Type").and_then(Json::as_str),
                    Some("Succeed" | "Fail")
                ) =>
            {
                Transition::End
            }
            None => Transition::Choice,
        };
        State {
            name: member.key.clone(),
            span: member.key_span,
            comment: None,
            query_language: self.top_language,
            kind: StateKind::Choice {
                choices,
                default: None,
            },
            transition,
            io: Io::default(),
            assign: None,
        }
    }

    fn read_state(
        &mut self,
        member: &Member,
        path: &str,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
        next_key: &mut ScopeKey,
    ) -> Option<State> {
        let v = &member.value;
        let Some(members) = v.as_object() else {
            self.diags.error(
                v.span,
                path,
                format!(
                    "state `{}` must be an object, found {}",
                    member.key,
                    describe(v)
                ),
            );
            return None;
        };
        self.no_duplicate_keys(members, path);

        let ty_json = self.required(v, "Type", path)?;
        let Some(ty) = ty_json.as_str() else {
            self.type_error(
                ty_json,
                &join(path, "Type"),
                "one of the state types (Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map)",
            );
            return None;
        };
        if !fields::STATE_TYPES.contains(&ty) {
            let msg = format!(
                "unknown state type \"{ty}\"; the types are Pass, Task, Choice, Wait, Succeed, Fail, Parallel and Map"
            );
            match suggest(ty, fields::STATE_TYPES.iter().copied()) {
                Some(s) => self.diags.error_help(
                    ty_json.span,
                    &join(path, "Type"),
                    msg,
                    format!("did you mean \"{s}\"?"),
                ),
                None => self.diags.error(ty_json.span, &join(path, "Type"), msg),
            }
            return None;
        }

        let language = self.state_language(v, path, key == 0);
        let allowed = fields::state_fields(ty, language);
        let what = format!(
            "{} {ty} state",
            if ty.starts_with(['A', 'E', 'I', 'O', 'U']) {
                "an"
            } else {
                "a"
            }
        );
        self.only_fields(members, path, &what, &allowed, Some(language));
        let has = |f: &str| allowed.contains(&f) && v.get(f).is_some();

        let comment = self.opt_string(v, "Comment", path);
        let transition = self.transition(v, ty, path, index, key);
        let mut io = self.io(v, path, language, &has);
        if ty == "Map" {
            // On a Map, `Parameters` is the legacy name of `ItemSelector`.
            io.parameters = None;
        }
        let assign = if has("Assign") {
            Some(self.assign(v.get("Assign")?, &join(path, "Assign"), language))
        } else {
            None
        };

        let kind = match ty {
            "Pass" => StateKind::Pass {
                result: if has("Result") {
                    v.get("Result").map(Json::to_value)
                } else {
                    None
                },
            },
            "Task" => StateKind::Task(Box::new(self.task(v, path, language, &has, index, key)?)),
            "Choice" => self.choice(v, path, language, index, key)?,
            "Wait" => StateKind::Wait(self.wait(v, path, language)?),
            "Succeed" => StateKind::Succeed,
            "Fail" => self.fail(v, path, language),
            "Parallel" => self.parallel(v, path, language, index, key, next_key)?,
            "Map" => StateKind::Map(Box::new(
                self.map(v, path, language, &has, index, key, next_key)?,
            )),
            _ => return None,
        };
        let state = State {
            name: member.key.clone(),
            span: member.key_span,
            comment,
            query_language: language,
            kind,
            transition,
            io,
            assign,
        };
        if language == QueryLanguage::Jsonata {
            self.check_states_access(&state, path);
        }
        Some(state)
    }

    /// The state's query language: its own, else the machine's. A JSONata
    /// machine cannot have JSONPath states (AWS: "'QueryLanguage' can not be
    /// 'JSONPath' if set to 'JSONata' for whole state machine").
    fn state_language(&mut self, v: &Json, path: &str, top_level: bool) -> QueryLanguage {
        let Some(ql) = v.get("QueryLanguage") else {
            return self.top_language;
        };
        let ql_path = join(path, "QueryLanguage");
        match self.query_language(ql, &ql_path) {
            // AWS checks this for the states of the top level ("for whole state
            // machine"); a processor's states may go back to JSONPath, as
            // asl-validator accepts.
            Some(QueryLanguage::JsonPath)
                if self.top_language == QueryLanguage::Jsonata && top_level =>
            {
                self.diags.error(
                    ql.span,
                    &ql_path,
                    "a state cannot use JSONPath when the state machine's `QueryLanguage` is JSONata; set JSONPath at the top level and JSONata on the states that need it",
                );
                QueryLanguage::JsonPath
            }
            Some(l) => l,
            None => self.top_language,
        }
    }

    fn transition(
        &mut self,
        v: &Json,
        ty: &str,
        path: &str,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> Transition {
        match ty {
            "Choice" => return Transition::Choice,
            "Succeed" | "Fail" => return Transition::End,
            _ => {}
        }
        let next = v.get("Next");
        let end = v.get("End");
        match (next, end) {
            (Some(n), Some(e)) => {
                let end_true = e.as_bool() == Some(true);
                if end_true {
                    self.diags.error(
                        n.span,
                        &join(path, "Next"),
                        "a state cannot have both `Next` and `\"End\": true`; keep `Next` to continue or `End` to finish",
                    );
                    return Transition::End;
                }
                if e.as_bool().is_none() {
                    self.type_error(e, &join(path, "End"), "`true`");
                }
                self.next(n, &join(path, "Next"), index, key)
            }
            (Some(n), None) => self.next(n, &join(path, "Next"), index, key),
            (None, Some(e)) => {
                match e.as_bool() {
                    Some(true) => {}
                    Some(false) => self.diags.error(
                        e.span,
                        &join(path, "End"),
                        "`\"End\": false` does not say where to go; give a `Next` state or set `\"End\": true`",
                    ),
                    None => self.type_error(e, &join(path, "End"), "`true`"),
                }
                Transition::End
            }
            (None, None) => {
                // A misspelt `Next` or `End` is reported as an unknown field
                // with its correction; read it as meant, so that the graph
                // checks do not add "no transition" and "unreachable" to it.
                let known = fields::state_fields(ty, QueryLanguage::JsonPath);
                let known_ata = fields::state_fields(ty, QueryLanguage::Jsonata);
                let misspelt = v.as_object().into_iter().flatten().find_map(|m| {
                    let unknown =
                        !known.contains(&m.key.as_str()) && !known_ata.contains(&m.key.as_str());
                    unknown
                        .then(|| suggest(&m.key, ["Next", "End"]))
                        .flatten()
                        .map(|meant| (meant, m))
                });
                match misspelt {
                    Some(("Next", m)) if m.value.as_str().is_some() => {
                        return self.next(&m.value, &join(path, &m.key), index, key);
                    }
                    Some(("End", _)) => return Transition::End,
                    _ => {}
                }
                self.diags.error(
                    Self::head(v),
                    path,
                    format!("a {ty} state must have either `Next` (the state to go to) or `\"End\": true`"),
                );
                Transition::End
            }
        }
    }

    fn next(
        &mut self,
        n: &Json,
        path: &str,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> Transition {
        match n.as_str() {
            Some(name) => Transition::Next(self.target(name, n.span, path, index, key)),
            None => {
                self.type_error(n, path, "a string naming a state");
                Transition::Next(MISSING)
            }
        }
    }

    pub(crate) fn head(v: &Json) -> crate::json::Span {
        crate::json::Span::new(v.span.start, (v.span.start + 1).min(v.span.end))
    }

    fn io(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        has: &dyn Fn(&str) -> bool,
    ) -> Io {
        let mut io = Io::default();
        if has("InputPath") {
            io.input_path = self.path_field(
                &v["InputPath"],
                &join(path, "InputPath"),
                PathKind::Selection,
            );
        }
        if has("OutputPath") {
            io.output_path = self.path_field(
                &v["OutputPath"],
                &join(path, "OutputPath"),
                PathKind::Selection,
            );
        }
        if has("ResultPath") {
            io.result_path = self.path_field(
                &v["ResultPath"],
                &join(path, "ResultPath"),
                PathKind::Result,
            );
        }
        if has("Parameters") {
            io.parameters = Some(self.template(&v["Parameters"], &join(path, "Parameters")));
        }
        if has("ResultSelector") {
            io.result_selector =
                Some(self.template(&v["ResultSelector"], &join(path, "ResultSelector")));
        }
        if has("Arguments") {
            io.parameters = Some(self.jsonata_template(&v["Arguments"], &join(path, "Arguments")));
        }
        if has("Output") {
            io.output = Some(self.jsonata_template(&v["Output"], &join(path, "Output")));
        }
        let _ = language;
        io
    }

    /// `Assign`: an object of variable names. JSONPath: values are templates
    /// (`name.$` evaluated); JSONata: values may hold `{% %}` expressions.
    pub(crate) fn assign(&mut self, v: &Json, path: &str, language: QueryLanguage) -> Template {
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "an object of variable names and values");
            return Template::Literal(serde_json::Value::Null);
        };
        for m in members {
            let name = match language {
                QueryLanguage::JsonPath => m.key.strip_suffix(".$").unwrap_or(&m.key),
                QueryLanguage::Jsonata => &m.key,
            };
            check_variable_name(self, name, m, &join(path, &m.key));
        }
        match language {
            QueryLanguage::JsonPath => self.template(v, path),
            QueryLanguage::Jsonata => self.jsonata_template(v, path),
        }
    }

    fn task(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        has: &dyn Fn(&str) -> bool,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> Option<Task> {
        let resource_json = self.required(v, "Resource", path);
        let resource = match resource_json {
            Some(r) => match r.as_str() {
                Some(s) => {
                    super::resource::check(self, r, s, &join(path, "Resource"));
                    s.to_string()
                }
                // A CloudFormation intrinsic (`{"Ref": ...}`, `{"Fn::GetAtt": ...}`) that a
                // deployment replaces with an ARN, as asl-validator accepts.
                None if super::resource::is_cloudformation(r) => r.to_value().to_string(),
                None => {
                    self.type_error(r, &join(path, "Resource"), "a string (an ARN)");
                    String::new()
                }
            },
            None => String::new(),
        };
        let pattern = if resource.ends_with(".waitForTaskToken") {
            IntegrationPattern::WaitForTaskToken
        } else if resource.ends_with(".sync:2") {
            IntegrationPattern::Sync2
        } else if resource.ends_with(".sync") {
            IntegrationPattern::Sync
        } else {
            IntegrationPattern::RequestResponse
        };
        if pattern == IntegrationPattern::WaitForTaskToken
            && self.options.workflow_type == crate::WorkflowType::Express
            && let Some(r) = resource_json
        {
            self.diags.error(
                r.span,
                &join(path, "Resource"),
                "Express state machines do not support the `.waitForTaskToken` integration pattern",
            );
        }
        if matches!(
            pattern,
            IntegrationPattern::Sync | IntegrationPattern::Sync2
        ) && self.options.workflow_type == crate::WorkflowType::Express
            && let Some(r) = resource_json
        {
            self.diags.error(
                r.span,
                &join(path, "Resource"),
                "Express state machines do not support the `.sync` integration pattern",
            );
        }

        let timeout =
            self.seconds_pair(v, path, language, "TimeoutSeconds", "TimeoutSecondsPath", 1);
        let heartbeat = self.seconds_pair(
            v,
            path,
            language,
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            1,
        );
        if let (Some(Dynamic::Static(t)), Some(Dynamic::Static(h))) = (&timeout, &heartbeat)
            && h >= t
        {
            let span = v.get("HeartbeatSeconds").map_or(v.span, |h| h.span);
            self.diags.error(
                span,
                &join(path, "HeartbeatSeconds"),
                format!("`HeartbeatSeconds` ({h}) must be smaller than `TimeoutSeconds` ({t})"),
            );
        }
        let credentials = if has("Credentials") {
            let c = &v["Credentials"];
            let cpath = join(path, "Credentials");
            if c.as_object().is_none() {
                self.type_error(
                    c,
                    &cpath,
                    "an object such as `{\"RoleArn\": \"arn:aws:iam::...\"}`",
                );
                None
            } else {
                Some(match language {
                    QueryLanguage::JsonPath => self.template(c, &cpath),
                    QueryLanguage::Jsonata => self.jsonata_template(c, &cpath),
                })
            }
        } else {
            None
        };
        let errors = self.error_handling(v, path, language, index, key);
        Some(Task {
            resource,
            pattern,
            timeout,
            heartbeat,
            credentials,
            errors,
        })
    }

    /// A seconds field and its `...Path` twin: at most one of them.
    pub(crate) fn seconds_pair(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        field: &str,
        path_field: &str,
        min: i64,
    ) -> Option<Dynamic<u64>> {
        let value = v.get(field);
        let by_path = if language == QueryLanguage::JsonPath {
            v.get(path_field)
        } else {
            None
        };
        if let (Some(_), Some(p)) = (value, by_path) {
            self.diags.error(
                v.member(path_field).map_or(p.span, |m| m.key_span),
                &join(path, path_field),
                format!("a state may have only one of `{field}` and `{path_field}`"),
            );
            return None;
        }
        if let Some(p) = by_path {
            return self
                .reference_path(p, &join(path, path_field))
                .map(Dynamic::Path);
        }
        let value = value?;
        self.number_or_jsonata(value, &join(path, field), language, min, MAX_SECONDS)
    }

    /// An integer field that may be a JSONata expression in JSONata states.
    pub(crate) fn number_or_jsonata(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        min: i64,
        max: i64,
    ) -> Option<Dynamic<u64>> {
        if language == QueryLanguage::Jsonata && Self::is_jsonata_string(v) {
            return match self.jsonata(v, path) {
                Some(Ok(j)) => Some(Dynamic::Jsonata(j)),
                _ => None,
            };
        }
        self.integer(v, path, min, max).map(Dynamic::Static)
    }

    fn wait(&mut self, v: &Json, path: &str, language: QueryLanguage) -> Option<Wait> {
        let candidates = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"];
        let present: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|f| v.get(f).is_some())
            .collect();
        match present.as_slice() {
            // A duration in other units is reported by the field check, with the fix.
            [] if ["Days", "Hours", "Minutes"]
                .iter()
                .any(|f| v.get(f).is_some()) =>
            {
                return None;
            }
            [] => {
                self.diags.error(Self::head(v), path, "a Wait state needs one of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`");
                return None;
            }
            [_] => {}
            [first, rest @ ..] => {
                for other in rest {
                    let span = v.member(other).map_or(v.span, |m| m.key_span);
                    self.diags.error(span, &join(path, other), format!("a Wait state may have only one of `Seconds`, `SecondsPath`, `Timestamp` and `TimestampPath`; it already has `{first}`"));
                }
                return None;
            }
        }
        let field = present[0];
        let fpath = join(path, field);
        let value = &v[field];
        match field {
            "Seconds" => self
                .number_or_jsonata(value, &fpath, language, 0, MAX_SECONDS)
                .map(Wait::Seconds),
            "SecondsPath" => self
                .reference_path(value, &fpath)
                .map(|p| Wait::Seconds(Dynamic::Path(p))),
            "TimestampPath" => self
                .reference_path(value, &fpath)
                .map(|p| Wait::Timestamp(Dynamic::Path(p))),
            _ => {
                if language == QueryLanguage::Jsonata && Self::is_jsonata_string(value) {
                    return match self.jsonata(value, &fpath) {
                        Some(Ok(j)) => Some(Wait::Timestamp(Dynamic::Jsonata(j))),
                        _ => None,
                    };
                }
                let Some(text) = value.as_str() else {
                    self.type_error(
                        value,
                        &fpath,
                        "an RFC 3339 timestamp string such as \"2016-03-14T01:59:00Z\"",
                    );
                    return None;
                };
                match parse_timestamp(text) {
                    Ok(t) => Some(Wait::Timestamp(Dynamic::Static(t))),
                    Err(e) => {
                        self.syntax_error(value, &fpath, "invalid `Timestamp`", &e);
                        None
                    }
                }
            }
        }
    }

    fn fail(&mut self, v: &Json, path: &str, language: QueryLanguage) -> StateKind {
        let error = self.fail_field(v, path, language, "Error", "ErrorPath");
        let cause = self.fail_field(v, path, language, "Cause", "CausePath");
        StateKind::Fail { error, cause }
    }

    fn fail_field(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        field: &str,
        path_field: &str,
    ) -> Option<DynamicString> {
        let value = v.get(field);
        let by_path = if language == QueryLanguage::JsonPath {
            v.get(path_field)
        } else {
            None
        };
        if let (Some(_), Some(p)) = (value, by_path) {
            self.diags.error(
                v.member(path_field).map_or(p.span, |m| m.key_span),
                &join(path, path_field),
                format!("a Fail state may have only one of `{field}` and `{path_field}`"),
            );
            return None;
        }
        if let Some(p) = by_path {
            return match self.path_or_call(p, &join(path, path_field))? {
                Template::Path(p) => Some(DynamicString::Path(p)),
                Template::Intrinsic(c) => Some(DynamicString::Intrinsic(c)),
                _ => None,
            };
        }
        let value = value?;
        let fpath = join(path, field);
        if language == QueryLanguage::Jsonata && Self::is_jsonata_string(value) {
            return match self.jsonata(value, &fpath) {
                Some(Ok(j)) => Some(DynamicString::Jsonata(j)),
                _ => None,
            };
        }
        match value.as_str() {
            Some(s) => Some(DynamicString::Static(s.to_string())),
            None => {
                self.type_error(value, &fpath, "a string");
                None
            }
        }
    }

    fn parallel(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
        next_key: &mut ScopeKey,
    ) -> Option<StateKind> {
        let errors = self.error_handling(v, path, language, index, key);
        let branches_json = self.required(v, "Branches", path)?;
        let bpath = join(path, "Branches");
        let Some(items) = branches_json.as_array() else {
            self.type_error(
                branches_json,
                &bpath,
                "an array of branches, each with `StartAt` and `States`",
            );
            return None;
        };
        if items.is_empty() {
            self.diags.error(
                branches_json.span,
                &bpath,
                "`Branches` must contain at least one branch",
            );
        }
        let mut branches = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, b) in items.iter().enumerate() {
            let p = super::index(&bpath, i);
            *next_key += 1;
            let k = *next_key;
            let Some(members) = b.as_object() else {
                self.type_error(b, &p, "an object with `StartAt` and `States`");
                ok = false;
                continue;
            };
            self.no_duplicate_keys(members, &p);
            self.only_fields(members, &p, "a Parallel branch", fields::BRANCH, None);
            match self.scope(b, &p, k, next_key) {
                Some(s) => branches.push(s),
                None => ok = false,
            }
        }
        ok.then_some(StateKind::Parallel { branches, errors })
    }

    /// Retry and Catch (on Task, Parallel, Map).
    pub(crate) fn error_handling(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        index: &HashMap<&str, usize>,
        key: ScopeKey,
    ) -> ErrorHandling {
        let retry = v
            .get("Retry")
            .map(|r| self.retriers(r, &join(path, "Retry")))
            .unwrap_or_default();
        let catch = v
            .get("Catch")
            .map(|c| self.catchers(c, &join(path, "Catch"), language, index, key))
            .unwrap_or_default();
        ErrorHandling { retry, catch }
    }
}

/// Variable names: not empty, not starting with a digit, made of letters,
/// digits, `_` and `-` (AWS accepts `top-level`); `states` is reserved for
/// JSONata's `$states`.
fn check_variable_name(reader: &mut Reader<'_>, name: &str, m: &Member, path: &str) {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !valid {
        reader.diags.error(
            m.key_span,
            path,
            format!("`{name}` is not a valid variable name; a name starts with a letter or `_` and continues with letters, digits, `_` or `-`"),
        );
    } else if name == "states" {
        reader.diags.error(
            m.key_span,
            path,
            "`states` is reserved (it is JSONata's `$states`); choose another variable name",
        );
    }
}
