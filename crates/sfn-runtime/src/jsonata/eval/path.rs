//! Location paths: steps mapped over sequences, flattening, predicates,
//! tuple streams (`@$v` focus, `#$i` index, `%` parent), group-by.
//!
//! A path starts from the context value (each item of it, if it is an
//! array) and evaluates each step against every item the previous step
//! produced, flattening array results into one sequence (except arrays built
//! by an array constructor). Once a step binds variables (`@`, `#`, or the
//! input recorded for a `%`), the path becomes a *tuple stream*: each item
//! carries its bindings, and later steps, filters, sorts and group-bys see
//! them.

use std::rc::Rc;

use sfn_lang::jsonata::{Expr, ExprKind, Path, Stage};

use super::{Env, Evaluator, Stream, operators};
use crate::jsonata::builtins::EvalError;
use crate::jsonata::value::{
    Array, Object, Value, for_each_in_arrays, insert_new_key, object_insert,
};

/// One item of a tuple stream: the item (`@`) and the variables bound along
/// the path.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tuple {
    pub(crate) at: Value,
    vars: Vec<(String, Value)>,
}

impl Tuple {
    pub(crate) fn new(at: Value) -> Tuple {
        Tuple {
            at,
            vars: Vec::new(),
        }
    }

    fn set(&mut self, name: &str, value: Value) {
        if let Some(slot) = self.vars.iter_mut().find(|(n, _)| n == name) {
            slot.1 = value;
        } else {
            self.vars.push((name.to_owned(), value));
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.vars.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// `Object.assign(self, other)`.
    fn merge(&mut self, other: Tuple) {
        self.at = other.at;
        for (n, v) in other.vars {
            self.set(&n, v);
        }
    }
}

/// The variable under which the input of an ancestor step is recorded.
pub(crate) fn label_key(label: usize) -> String {
    format!("!{label}")
}

/// What a group-by groups: plain items, or the tuples of a tuple stream.
pub(crate) enum GroupInput {
    Value(Value),
    Tuples(Vec<Tuple>),
}

/// The items an array-valued step input iterates over.
fn items_of(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.items.clone(),
        // jsonata-js iterates `length` indexes: a string gives its
        // characters, anything else nothing.
        Value::String(s) => s
            .encode_utf16()
            .map(|u| Value::string(String::from_utf16_lossy(&[u])))
            .collect(),
        _ => Vec::new(),
    }
}

/// `name` applied to a value: the field of an object; mapped over an array
/// (and the arrays nested in it, at any depth), flattening.
pub(crate) fn lookup_name(input: &Value, name: &str) -> Value {
    match input {
        Value::Object(o) => o.get(name).cloned().unwrap_or_default(),
        Value::Array(_) => {
            let mut out = Vec::new();
            for_each_in_arrays(input, |item| {
                if let Value::Object(o) = item {
                    match o.get(name) {
                        None | Some(Value::Undefined) => {}
                        Some(Value::Array(inner)) => out.extend(inner.items.iter().cloned()),
                        Some(v) => out.push(v.clone()),
                    }
                }
            });
            Value::sequence(out)
        }
        _ => Value::Undefined,
    }
}

/// Appends the items of nested arrays to `out`, at any depth.
pub(crate) fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    for_each_in_arrays(v, |item| out.push(item.clone()));
}

/// `*`: the values of the fields of an object (array values flattened).
pub(crate) fn wildcard(input: &Value) -> Value {
    let input = match input {
        Value::Array(a) if a.outer_wrapper && !a.items.is_empty() => &a.items[0],
        v => v,
    };
    let mut out = Vec::new();
    // jsonata-js appends array-valued fields with `concat`, which gives a
    // plain array rather than a sequence.
    let mut sequence = true;
    let mut field = |v: &Value| match v {
        Value::Array(_) => {
            flatten_into(v, &mut out);
            sequence = false;
        }
        v => out.push(v.clone()),
    };
    match input {
        Value::Object(o) => o.values().for_each(&mut field),
        Value::Array(a) => a.items.iter().for_each(&mut field),
        _ => {}
    }
    Value::Array(Rc::new(Array {
        items: out,
        sequence,
        ..Array::default()
    }))
}

/// `**`: the value and all its descendants.
pub(crate) fn descendants(input: &Value) -> Value {
    if input.is_undefined() {
        return Value::Undefined;
    }
    // Depth first, each object before its members, arrays not themselves
    // included; a stack of the values still to visit, in reverse.
    let mut out = Vec::new();
    let mut pending = vec![input];
    while let Some(v) = pending.pop() {
        match v {
            Value::Array(a) => pending.extend(a.items.iter().rev()),
            Value::Object(o) => {
                out.push(v.clone());
                pending.extend(o.values().rev());
            }
            v => out.push(v.clone()),
        }
    }
    if out.len() == 1 {
        out.pop().unwrap_or_default()
    } else {
        Value::sequence(out)
    }
}

/// jsonata-js's `append`: concatenates, treating non-arrays as one item;
/// the result of joining two values is a plain array.
pub(crate) fn append(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Undefined, b) => b,
        (a, Value::Undefined) => a,
        (a, b) => {
            let mut items = match a {
                Value::Array(x) => x.items.clone(),
                v => vec![v],
            };
            match b {
                Value::Array(y) => items.extend(y.items.iter().cloned()),
                v => items.push(v),
            }
            Value::array(items)
        }
    }
}

impl Evaluator<'_> {
    /// A frame binding a tuple's variables.
    pub(crate) fn tuple_env(&self, env: &Rc<Env>, tuple: &Tuple) -> Rc<Env> {
        let frame = Env::child(env);
        for (n, v) in &tuple.vars {
            self.bind(&frame, n, v.clone());
        }
        frame
    }

    pub(super) fn eval_path(
        &self,
        expr: &Expr,
        path: &Path,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Stream, EvalError> {
        let steps = &path.steps;
        let first_is_var = steps
            .first()
            .is_some_and(|s| s.kind.variable_name().is_some());
        let mut input_seq = match input {
            Value::Array(_) if !first_is_var => input.clone(),
            v => Value::sequence(vec![v.clone()]),
        };
        let mut result = Value::Undefined;
        let mut tuples: Option<Vec<Tuple>> = None;
        let mut is_tuple = false;
        for (i, step) in steps.iter().enumerate() {
            if step.ann.tuple {
                is_tuple = true;
            }
            if i == 0 && step.ann.cons_array {
                result = self.eval(step, &input_seq, env)?;
            } else if is_tuple {
                tuples = Some(self.eval_tuple_step(step, &input_seq, tuples.take(), env)?);
            } else {
                result = self.eval_step(step, &input_seq, env, i + 1 == steps.len())?;
            }
            if !is_tuple {
                let empty = match &result {
                    Value::Undefined => true,
                    Value::Array(a) => a.items.is_empty(),
                    Value::String(s) => s.is_empty(),
                    _ => false,
                };
                if empty {
                    break;
                }
            }
            if step.ann.focus.is_none() {
                input_seq = result.clone();
            }
        }
        if is_tuple {
            let tuples = tuples.unwrap_or_default();
            if let Some(group) = &expr.ann.group {
                let v = self.group(
                    &group.pairs,
                    group.span.start,
                    GroupInput::Tuples(tuples),
                    env,
                )?;
                return Ok(Stream::Value(v));
            }
            if expr.ann.tuple {
                return Ok(Stream::Tuples(tuples));
            }
            result = Value::sequence(tuples.into_iter().map(|t| t.at).collect());
        }
        if path.keep_singleton_array {
            if let Value::Array(a) = &result
                && a.cons
                && !a.sequence
            {
                result = Value::sequence(vec![result.clone()]);
            }
            if let Value::Array(a) = &mut result {
                Rc::make_mut(a).keep_singleton = true;
            }
        }
        if let Some(group) = &expr.ann.group {
            result = self.group(
                &group.pairs,
                group.span.start,
                GroupInput::Value(result),
                env,
            )?;
        }
        Ok(Stream::Value(result))
    }

    fn eval_step(
        &self,
        step: &Expr,
        input: &Value,
        env: &Rc<Env>,
        last: bool,
    ) -> Result<Value, EvalError> {
        if let ExprKind::Sort(terms) = &step.kind {
            let items = match input {
                Value::Array(a) => a.items.clone(),
                Value::Undefined => return Ok(Value::Undefined),
                v => vec![v.clone()],
            };
            let mut result = if items.len() <= 1 {
                input.clone()
            } else {
                self.sort_values(terms, items, env, step.span.start)?
            };
            for stage in &step.ann.stages {
                if let Stage::Filter(p) = stage {
                    result = self.filter(p, result, env)?;
                }
            }
            return Ok(result);
        }
        let mut results = Vec::new();
        for item in items_of(input) {
            let mut res = self.eval(step, &item, env)?;
            for stage in &step.ann.stages {
                if let Stage::Filter(p) = stage {
                    res = self.filter(p, res, env)?;
                }
            }
            if !res.is_undefined() {
                results.push(res);
            }
        }
        if last
            && results.len() == 1
            && let Some(Value::Array(a)) = results.first()
            && !a.sequence
        {
            return Ok(results.swap_remove(0));
        }
        let mut out = Vec::with_capacity(results.len());
        for res in results {
            match res {
                Value::Array(a) if !a.cons => out.extend(a.items.iter().cloned()),
                v => out.push(v),
            }
        }
        Ok(Value::sequence(out))
    }

    fn eval_tuple_step(
        &self,
        step: &Expr,
        input: &Value,
        tuples: Option<Vec<Tuple>>,
        env: &Rc<Env>,
    ) -> Result<Vec<Tuple>, EvalError> {
        if let ExprKind::Sort(terms) = &step.kind {
            let result = match tuples {
                Some(t) => self.sort_tuples(terms, t, env, step.span.start)?,
                None => {
                    let items = items_of(input);
                    let sorted = if items.len() <= 1 {
                        items
                    } else {
                        match self.sort_values(terms, items, env, step.span.start)? {
                            Value::Array(a) => a.items.clone(),
                            v => vec![v],
                        }
                    };
                    sorted
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| {
                            let mut t = Tuple::new(v);
                            if let Some(ix) = &step.ann.index {
                                t.set(&ix.name, Value::Number(i as f64));
                            }
                            t
                        })
                        .collect()
                }
            };
            return self.tuple_stages(&step.ann.stages, result, env);
        }
        let tuples = match tuples {
            Some(t) => t,
            None => items_of(input).into_iter().map(Tuple::new).collect(),
        };
        let mut out = Vec::new();
        for t in &tuples {
            let step_env = self.tuple_env(env, t);
            match self.eval_stream(step, &t.at, &step_env)? {
                Stream::Tuples(inner) => {
                    for it in inner {
                        let mut nt = t.clone();
                        nt.merge(it);
                        out.push(nt);
                    }
                }
                Stream::Value(Value::Undefined) => {}
                Stream::Value(v) => {
                    let items = match v {
                        Value::Array(a) => a.items.clone(),
                        v => vec![v],
                    };
                    for (bb, item) in items.into_iter().enumerate() {
                        let mut nt = t.clone();
                        match &step.ann.focus {
                            Some(focus) => nt.set(&focus.name, item),
                            None => nt.at = item,
                        }
                        if let Some(ix) = &step.ann.index {
                            nt.set(&ix.name, Value::Number(bb as f64));
                        }
                        if let Some(label) = step.ann.ancestor {
                            nt.set(&label_key(label), t.at.clone());
                        }
                        out.push(nt);
                    }
                }
            }
        }
        self.tuple_stages(&step.ann.stages, out, env)
    }

    fn tuple_stages(
        &self,
        stages: &[Stage],
        mut tuples: Vec<Tuple>,
        env: &Rc<Env>,
    ) -> Result<Vec<Tuple>, EvalError> {
        for stage in stages {
            match stage {
                Stage::Filter(p) => tuples = self.filter_tuples(p, tuples, env)?,
                Stage::Index(v) => {
                    for (i, t) in tuples.iter_mut().enumerate() {
                        t.set(&v.name, Value::Number(i as f64));
                    }
                }
            }
        }
        Ok(tuples)
    }

    /// `input[predicate]`: a number selects by position (negative from the
    /// end); otherwise the items for which the predicate is truthy (or whose
    /// position it lists).
    pub(crate) fn filter(
        &self,
        predicate: &Expr,
        input: Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        let items: Vec<Value> = match &input {
            Value::Array(a) => a.items.clone(),
            v => vec![v.clone()],
        };
        let mut out = Vec::new();
        if let ExprKind::Number(n) = predicate.kind {
            if let Some(i) = index_of(n, items.len()) {
                match items.get(i) {
                    Some(Value::Array(a)) => return Ok(Value::Array(a.clone())),
                    Some(Value::Undefined) | None => {}
                    Some(v) => out.push(v.clone()),
                }
            }
            return Ok(Value::sequence(out));
        }
        for (index, item) in items.iter().enumerate() {
            let res = self.eval(predicate, item, env)?;
            for _ in 0..selects(&res, index, items.len())? {
                out.push(item.clone());
            }
        }
        Ok(Value::sequence(out))
    }

    /// A filter over a tuple stream.
    pub(crate) fn filter_tuples(
        &self,
        predicate: &Expr,
        tuples: Vec<Tuple>,
        env: &Rc<Env>,
    ) -> Result<Vec<Tuple>, EvalError> {
        if let ExprKind::Number(n) = predicate.kind {
            let len = tuples.len();
            return Ok(index_of(n, len)
                .and_then(|i| tuples.into_iter().nth(i))
                .into_iter()
                .collect());
        }
        let len = tuples.len();
        let mut out = Vec::new();
        for (index, t) in tuples.into_iter().enumerate() {
            let frame = self.tuple_env(env, &t);
            let res = self.eval(predicate, &t.at, &frame)?;
            let n = selects(&res, index, len)?;
            for _ in 1..n {
                out.push(t.clone());
            }
            if n > 0 {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// Group-by (and object construction): `{key: value, …}` over the
    /// items of `input`.
    pub(crate) fn group(
        &self,
        pairs: &[(Expr, Expr)],
        pos: usize,
        input: GroupInput,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        // Per key: the grouped items (or tuples) and the pair that made it.
        enum Data {
            Value(Value),
            Tuples(Vec<Tuple>),
        }
        let mut groups: indexmap::IndexMap<String, (Data, usize)> = indexmap::IndexMap::new();
        match input {
            GroupInput::Value(v) => {
                let mut items = match v {
                    Value::Array(a) => a.items.clone(),
                    v => vec![v],
                };
                if items.is_empty() {
                    items.push(Value::Undefined);
                }
                for item in items {
                    for (pi, (kexpr, _)) in pairs.iter().enumerate() {
                        let Some(key) = group_key(self.eval(kexpr, &item, env)?, pos)? else {
                            continue;
                        };
                        match groups.get_mut(&key) {
                            Some((data, idx)) => {
                                if *idx != pi {
                                    return Err(duplicate_key(&key, pos));
                                }
                                if let Data::Value(d) = data {
                                    *d = append(std::mem::take(d), item.clone());
                                }
                            }
                            None => {
                                insert_new_key(&mut groups, key, (Data::Value(item.clone()), pi));
                            }
                        }
                    }
                }
            }
            GroupInput::Tuples(tuples) => {
                let tuples = if tuples.is_empty() {
                    vec![Tuple::default()]
                } else {
                    tuples
                };
                for t in tuples {
                    let frame = self.tuple_env(env, &t);
                    for (pi, (kexpr, _)) in pairs.iter().enumerate() {
                        let Some(key) = group_key(self.eval(kexpr, &t.at, &frame)?, pos)? else {
                            continue;
                        };
                        match groups.get_mut(&key) {
                            Some((data, idx)) => {
                                if *idx != pi {
                                    return Err(duplicate_key(&key, pos));
                                }
                                if let Data::Tuples(d) = data {
                                    d.push(t.clone());
                                }
                            }
                            None => {
                                insert_new_key(
                                    &mut groups,
                                    key,
                                    (Data::Tuples(vec![t.clone()]), pi),
                                );
                            }
                        }
                    }
                }
            }
        }
        let mut result = Object::new();
        for (key, (data, pi)) in groups {
            let Some((_, vexpr)) = pairs.get(pi) else {
                continue;
            };
            let value = match data {
                Data::Value(context) => self.eval(vexpr, &context, env)?,
                Data::Tuples(tuples) => {
                    let merged = reduce_tuples(tuples);
                    let frame = self.tuple_env(env, &merged);
                    self.eval(vexpr, &merged.at, &frame)?
                }
            };
            if !value.is_undefined() {
                object_insert(&mut result, key, value);
            }
        }
        Ok(Value::object(result))
    }
}

/// Merges the tuples of one group: each variable (and `@`) becomes the
/// values of all of them appended.
fn reduce_tuples(tuples: Vec<Tuple>) -> Tuple {
    let mut iter = tuples.into_iter();
    let Some(mut merged) = iter.next() else {
        return Tuple::default();
    };
    for t in iter {
        merged.at = append(std::mem::take(&mut merged.at), t.at);
        for (n, v) in t.vars {
            let old = merged.get(&n).cloned().unwrap_or_default();
            merged.set(&n, append(old, v));
        }
    }
    merged
}

fn group_key(key: Value, pos: usize) -> Result<Option<String>, EvalError> {
    match key {
        Value::Undefined => Ok(None),
        Value::String(s) => Ok(Some(s.to_string())),
        other => Err(EvalError::new(
            "T1003",
            format!(
                "Key in object structure must evaluate to a string; got: {}",
                super::show(&other)
            ),
        )
        .at(pos)),
    }
}

fn duplicate_key(key: &str, pos: usize) -> EvalError {
    EvalError::new(
        "D1009",
        format!(
            "Multiple key definitions evaluate to same key: {}",
            serde_json::to_string(key).unwrap_or_default()
        ),
    )
    .at(pos)
}

/// The position a numeric index selects among `len` items.
fn index_of(n: f64, len: usize) -> Option<usize> {
    let mut i = n.floor();
    if i < 0.0 {
        i += len as f64;
    }
    (i >= 0.0 && i < len as f64).then_some(i as usize)
}

/// How many times a predicate result selects the item at `index`: once if
/// it is truthy, or once per listed position that is `index`.
fn selects(res: &Value, index: usize, len: usize) -> Result<usize, EvalError> {
    match res {
        Value::Number(n) => {
            operators::check_finite(*n)?;
            Ok(usize::from(index_of(*n, len) == Some(index)))
        }
        Value::Array(a) if a.items.iter().all(|v| matches!(v, Value::Number(_))) => Ok(a
            .items
            .iter()
            .filter(|v| matches!(v, Value::Number(n) if index_of(*n, len) == Some(index)))
            .count()),
        other => Ok(usize::from(operators::truthy(other))),
    }
}
