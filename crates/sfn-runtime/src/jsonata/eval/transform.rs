//! Object transforms `| pattern | update, delete |`.
//!
//! jsonata-js clones its argument, finds the objects the pattern selects
//! inside the clone, and mutates them in place. Values here are shared and
//! immutable, so the transform works in two passes: it clones the argument
//! (every object a fresh allocation, so each has its own identity), computes
//! the update and deletions of each selected object (identified by its
//! address), then rebuilds the clone with those changes applied.

use std::collections::HashMap;
use std::rc::Rc;

use sfn_lang::jsonata::ExprKind;

use super::{Evaluator, show};
use crate::jsonata::builtins::EvalError;
use crate::jsonata::value::{
    Array, Function, Object, Rebuild, Transform, Value, object_insert, rebuild,
};

/// A deep copy in which every array and object is a new allocation;
/// sequence flags are dropped, as jsonata-js's JSON round trip drops them.
/// Any depth is copied (without recursion); the `Result` is for the
/// `$clone` built-in that calls this.
pub(crate) fn deep_clone(v: &Value) -> Result<Value, EvalError> {
    struct Clone;
    impl Rebuild for Clone {
        fn leaf(&mut self, v: &Value) -> Value {
            match v {
                // JSON.stringify writes functions inside values as ""
                // (jsonata's replacer) and keeps other scalars.
                Value::Function(_) => Value::string(""),
                v => v.clone(),
            }
        }

        fn array(&mut self, _: &Rc<Array>, items: Vec<Value>) -> Value {
            Value::array(items)
        }

        fn object(&mut self, _: &Rc<Object>, members: Vec<(String, Value)>) -> Value {
            let mut out = Object::with_capacity(members.len());
            for (k, v) in members {
                if !v.is_undefined() {
                    out.insert(k, v);
                }
            }
            Value::object(out)
        }
    }
    Ok(rebuild(v, &mut Clone))
}

/// The changes to one selected object.
#[derive(Default)]
struct Change {
    updates: Vec<(String, Value)>,
    deletions: Vec<String>,
}

/// The copy with the changes of each selected object (found by its
/// address) applied; any depth, without recursion.
fn apply_changes(copy: &Value, changes: &HashMap<usize, Change>) -> Value {
    struct Apply<'a>(&'a HashMap<usize, Change>);
    impl Rebuild for Apply<'_> {
        fn leaf(&mut self, v: &Value) -> Value {
            v.clone()
        }

        fn array(&mut self, source: &Rc<Array>, items: Vec<Value>) -> Value {
            Value::Array(Rc::new(Array {
                items,
                sequence: source.sequence,
                keep_singleton: source.keep_singleton,
                cons: source.cons,
                outer_wrapper: source.outer_wrapper,
            }))
        }

        fn object(&mut self, source: &Rc<Object>, members: Vec<(String, Value)>) -> Value {
            let mut out: Object = members.into_iter().collect();
            if let Some(change) = self.0.get(&(Rc::as_ptr(source) as usize)) {
                for (k, val) in &change.updates {
                    object_insert(&mut out, k.clone(), val.clone());
                }
                for k in &change.deletions {
                    out.shift_remove(k);
                }
            }
            Value::object(out)
        }
    }
    rebuild(copy, &mut Apply(changes))
}

impl Evaluator<'_> {
    /// Applies a transform to `obj`.
    pub(crate) fn transform(&self, t: &Transform, obj: Value) -> Result<Value, EvalError> {
        let ExprKind::Transform {
            pattern,
            update,
            delete,
        } = &t.def.kind
        else {
            return Ok(Value::Undefined);
        };
        if obj.is_undefined() {
            return Ok(Value::Undefined);
        }
        let env = &t.env;
        let clone_fn = self.lookup(env, "clone");
        let copy = match &clone_fn {
            Value::Function(f) if matches!(&**f, Function::Native(b) if b.name == "clone") => {
                deep_clone(&obj)?
            }
            Value::Function(_) => self.apply(&clone_fn, vec![obj], &Value::Undefined, env, None)?,
            _ => {
                return Err(EvalError::new(
                    "T2013",
                    "The transform expression clones the input object using the $clone() \
                     function.  This has been overridden in the current scope by a non-function.",
                ));
            }
        };
        let matches = match self.eval(pattern, &copy, env)? {
            Value::Undefined => Vec::new(),
            Value::Array(a) => a.items.clone(),
            v => vec![v],
        };
        let mut changes: HashMap<usize, Change> = HashMap::new();
        for m in &matches {
            let mut change = Change::default();
            match self.eval(update, m, env)? {
                Value::Undefined => {}
                Value::Object(u) => {
                    change.updates = u.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                }
                other => {
                    return Err(EvalError::new(
                        "T2011",
                        format!(
                            "The insert/update clause of the transform expression must evaluate \
                             to an object: {}",
                            show(&other)
                        ),
                    )
                    .at(update.span.start));
                }
            }
            if let Some(delete) = delete {
                let d = self.eval(delete, m, env)?;
                let list = match &d {
                    Value::Undefined => Vec::new(),
                    Value::Array(a) => a.items.clone(),
                    v => vec![v.clone()],
                };
                for item in list {
                    match item {
                        Value::String(s) => change.deletions.push(s.to_string()),
                        _ => {
                            return Err(EvalError::new(
                                "T2012",
                                format!(
                                    "The delete clause of the transform expression must evaluate \
                                     to a string or array of strings: {}",
                                    show(&d)
                                ),
                            )
                            .at(delete.span.start));
                        }
                    }
                }
            }
            if let Value::Object(o) = m {
                let entry = changes.entry(Rc::as_ptr(o) as usize).or_default();
                entry.updates.extend(change.updates);
                entry.deletions.extend(change.deletions);
            }
        }
        if changes.is_empty() {
            return Ok(copy);
        }
        Ok(apply_changes(&copy, &changes))
    }
}
