//! Map states: the processor (ItemProcessor or the legacy Iterator), the
//! item source and selector, concurrency and failure tolerance, and the
//! Distributed Map objects (ItemReader, ItemBatcher, ResultWriter), which are
//! checked here and kept as written for the runtime.

use super::expr::PathKind;
use super::fields;
use super::{Reader, ScopeKey, describe, join};
use crate::ir::{Dynamic, Items, Map, MapMode, PathField, QueryLanguage};
use crate::json::Json;
use std::collections::HashMap;

/// The largest `MaxInputBytesPerBatch` AWS accepts (256 KiB).
const MAX_BATCH_BYTES: i64 = 262_144;

impl Reader<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn map(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        has: &dyn Fn(&str) -> bool,
        index_of: &HashMap<&str, usize>,
        key: ScopeKey,
        next_key: &mut ScopeKey,
    ) -> Option<Map> {
        let errors = self.error_handling(v, path, language, index_of, key);

        // Items.
        let items = if has("Items") {
            let it = &v["Items"];
            let ipath = join(path, "Items");
            match &it.value {
                crate::json::JsonValue::Array(_) | crate::json::JsonValue::Object(_) => {
                    Items::Template(self.jsonata_template(it, &ipath))
                }
                crate::json::JsonValue::String(_) => match self.jsonata(it, &ipath) {
                    Some(Ok(j)) => Items::Template(crate::ir::Template::Jsonata(j)),
                    Some(Err(())) => Items::Path(PathField::Default),
                    None => {
                        self.type_error(it, &ipath, "an array or a `{% ... %}` expression");
                        Items::Path(PathField::Default)
                    }
                },
                _ => {
                    self.type_error(it, &ipath, "an array or a `{% ... %}` expression");
                    Items::Path(PathField::Default)
                }
            }
        } else if has("ItemsPath") {
            Items::Path(self.path_field(&v["ItemsPath"], &join(path, "ItemsPath"), PathKind::Items))
        } else {
            Items::Path(PathField::Default)
        };

        // ItemSelector or the legacy Parameters.
        if let (Some(_), Some(p)) = (v.get("ItemSelector"), v.member("Parameters")) {
            self.diags.error(
                p.key_span,
                &join(path, "Parameters"),
                "a Map state may have only one of `ItemSelector` and `Parameters` (the older name of `ItemSelector`)",
            );
        }
        let item_selector = v.get("ItemSelector").map(|s| match language {
            QueryLanguage::JsonPath => self.template(s, &join(path, "ItemSelector")),
            QueryLanguage::Jsonata => self.jsonata_template(s, &join(path, "ItemSelector")),
        });
        // `Parameters` on a Map is read by the generic I/O code; move it here.
        let item_selector = item_selector.or_else(|| {
            if has("Parameters") {
                Some(self.template(&v["Parameters"], &join(path, "Parameters")))
            } else {
                None
            }
        });

        // The processor.
        let (field, processor_json) = match (v.member("ItemProcessor"), v.member("Iterator")) {
            (Some(p), Some(i)) => {
                self.diags.error(
                    i.key_span,
                    &join(path, "Iterator"),
                    "a Map state may have only one of `ItemProcessor` and `Iterator` (the older name of `ItemProcessor`)",
                );
                ("ItemProcessor", &p.value)
            }
            (Some(p), None) => ("ItemProcessor", &p.value),
            (None, Some(i)) => ("Iterator", &i.value),
            (None, None) => {
                self.diags.error(Self::head(v), path, "a Map state needs an `ItemProcessor` with `StartAt` and `States`, the workflow run for each item");
                return None;
            }
        };
        let ppath = join(path, field);
        *next_key += 1;
        let k = *next_key;
        let Some(members) = processor_json.as_object() else {
            self.type_error(
                processor_json,
                &ppath,
                "an object with `StartAt` and `States`",
            );
            return None;
        };
        self.no_duplicate_keys(members, &ppath);
        self.only_fields(
            members,
            &ppath,
            &format!("a Map `{field}`"),
            fields::PROCESSOR,
            None,
        );
        let (mode, execution_type) = self.processor_config(
            processor_json.get("ProcessorConfig"),
            &join(&ppath, "ProcessorConfig"),
        );
        let processor = self.scope(processor_json, &ppath, k, next_key);

        let max_concurrency =
            self.count_pair(v, path, language, "MaxConcurrency", "MaxConcurrencyPath");
        let tolerated_failure_count = self.count_pair(
            v,
            path,
            language,
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
        );
        let tolerated_failure_percentage = self.percentage(v, path, language);
        let label = self.opt_string(v, "Label", path);

        let item_reader = v.get("ItemReader").map(|r| {
            self.item_reader(r, &join(path, "ItemReader"), language);
            r.to_value()
        });
        let item_batcher = v.get("ItemBatcher").map(|b| {
            self.item_batcher(b, &join(path, "ItemBatcher"), language);
            b.to_value()
        });
        let result_writer = v.get("ResultWriter").map(|w| {
            self.result_writer(w, &join(path, "ResultWriter"));
            w.to_value()
        });

        Some(Map {
            items,
            item_selector,
            processor: processor?,
            mode,
            execution_type,
            item_reader,
            item_batcher,
            result_writer,
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            label,
            errors,
        })
    }

    fn processor_config(&mut self, v: Option<&Json>, path: &str) -> (MapMode, Option<String>) {
        let Some(v) = v else {
            return (MapMode::Inline, None);
        };
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "an object with `Mode`");
            return (MapMode::Inline, None);
        };
        self.no_duplicate_keys(members, path);
        self.only_fields(
            members,
            path,
            "`ProcessorConfig`",
            fields::PROCESSOR_CONFIG,
            None,
        );
        let mode = match v.get("Mode") {
            None => MapMode::Inline,
            Some(m) => match m.as_str() {
                Some("INLINE") => MapMode::Inline,
                Some("DISTRIBUTED") => MapMode::Distributed,
                _ => {
                    self.diags.error(
                        m.span,
                        &join(path, "Mode"),
                        format!(
                            "`Mode` must be \"INLINE\" or \"DISTRIBUTED\", found {}",
                            describe(m)
                        ),
                    );
                    MapMode::Inline
                }
            },
        };
        let execution_type = match v.get("ExecutionType") {
            None => {
                if mode == MapMode::Distributed {
                    self.diags.error(
                        Self::head(v),
                        path,
                        "a DISTRIBUTED Map needs `ExecutionType`: \"STANDARD\" or \"EXPRESS\"",
                    );
                }
                None
            }
            Some(e) => match e.as_str() {
                Some(t @ ("STANDARD" | "EXPRESS")) => Some(t.to_string()),
                _ => {
                    self.diags.error(
                        e.span,
                        &join(path, "ExecutionType"),
                        format!(
                            "`ExecutionType` must be \"STANDARD\" or \"EXPRESS\", found {}",
                            describe(e)
                        ),
                    );
                    None
                }
            },
        };
        (mode, execution_type)
    }

    /// A non-negative count and its `...Path` twin.
    fn count_pair(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        field: &str,
        path_field: &str,
    ) -> Option<Dynamic<u64>> {
        self.pair(v, path, language, field, path_field, |r, x, p, l| {
            r.number_or_jsonata(x, p, l, 0, i64::from(u32::MAX))
        })
    }

    fn percentage(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
    ) -> Option<Dynamic<f64>> {
        self.pair(
            v,
            path,
            language,
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            |r, x, p, l| {
                if l == QueryLanguage::Jsonata && Self::is_jsonata_string(x) {
                    return match r.jsonata(x, p) {
                        Some(Ok(j)) => Some(Dynamic::Jsonata(j)),
                        _ => None,
                    };
                }
                match x.as_number().and_then(serde_json::Number::as_f64) {
                    Some(f) if (0.0..=100.0).contains(&f) => Some(Dynamic::Static(f)),
                    Some(f) => {
                        r.diags.error(
                            x.span,
                            p,
                            format!(
                                "`ToleratedFailurePercentage` must be between 0 and 100, found {f}"
                            ),
                        );
                        None
                    }
                    None => {
                        r.type_error(x, p, "a number from 0 to 100");
                        None
                    }
                }
            },
        )
    }

    /// A field and its `...Path` twin: at most one; the `Path` form is a reference path.
    fn pair<T>(
        &mut self,
        v: &Json,
        path: &str,
        language: QueryLanguage,
        field: &str,
        path_field: &str,
        read: impl FnOnce(&mut Self, &Json, &str, QueryLanguage) -> Option<Dynamic<T>>,
    ) -> Option<Dynamic<T>> {
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
                format!("only one of `{field}` and `{path_field}` may be given"),
            );
            return None;
        }
        if let Some(p) = by_path {
            return self
                .reference_path(p, &join(path, path_field))
                .map(Dynamic::Path);
        }
        read(self, value?, &join(path, field), language)
    }

    fn item_reader(&mut self, v: &Json, path: &str, language: QueryLanguage) {
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "an object with `Resource`");
            return;
        };
        self.no_duplicate_keys(members, path);
        self.only_fields(members, path, "`ItemReader`", fields::ITEM_READER, None);
        if let Some(r) = self.required(v, "Resource", path)
            && r.as_str().is_none()
        {
            self.type_error(
                r,
                &join(path, "Resource"),
                "a string such as \"arn:aws:states:::s3:getObject\"",
            );
        }
        if let Some(p) = v.get("Parameters") {
            self.template(p, &join(path, "Parameters"));
        }
        if let Some(a) = v.get("Arguments") {
            self.jsonata_template(a, &join(path, "Arguments"));
        }
        if let Some(cfg) = v.get("ReaderConfig") {
            let cpath = join(path, "ReaderConfig");
            match cfg.as_object() {
                Some(m) => {
                    self.no_duplicate_keys(m, &cpath);
                    self.only_fields(m, &cpath, "`ReaderConfig`", fields::READER_CONFIG, None);
                    self.pair(
                        cfg,
                        &cpath,
                        language,
                        "MaxItems",
                        "MaxItemsPath",
                        |r, x, p, l| r.number_or_jsonata(x, p, l, 1, i64::from(u32::MAX)),
                    );
                }
                None => self.type_error(cfg, &cpath, "an object"),
            }
        }
    }

    fn item_batcher(&mut self, v: &Json, path: &str, language: QueryLanguage) {
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "an object");
            return;
        };
        self.no_duplicate_keys(members, path);
        self.only_fields(members, path, "`ItemBatcher`", fields::ITEM_BATCHER, None);
        self.pair(
            v,
            path,
            language,
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            |r, x, p, l| r.number_or_jsonata(x, p, l, 1, i64::from(u32::MAX)),
        );
        self.pair(
            v,
            path,
            language,
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            |r, x, p, l| r.number_or_jsonata(x, p, l, 1, MAX_BATCH_BYTES),
        );
        if let Some(b) = v.get("BatchInput") {
            match language {
                QueryLanguage::JsonPath => self.template(b, &join(path, "BatchInput")),
                QueryLanguage::Jsonata => self.jsonata_template(b, &join(path, "BatchInput")),
            };
        }
    }

    fn result_writer(&mut self, v: &Json, path: &str) {
        let Some(members) = v.as_object() else {
            self.type_error(v, path, "an object");
            return;
        };
        self.no_duplicate_keys(members, path);
        self.only_fields(members, path, "`ResultWriter`", fields::RESULT_WRITER, None);
        if let Some(p) = v.get("Parameters") {
            self.template(p, &join(path, "Parameters"));
        }
        if let Some(a) = v.get("Arguments") {
            self.jsonata_template(a, &join(path, "Arguments"));
        }
    }
}
