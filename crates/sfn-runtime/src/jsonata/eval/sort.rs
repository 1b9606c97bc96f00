//! Sorting: the stable top-down merge sort jsonata-js uses for order-by
//! `^(…)` and `$sort`, with the same sequence of comparisons (so that a
//! comparison error is raised for the same pair of values).

use std::cell::RefCell;
use std::rc::Rc;

use sfn_lang::jsonata::SortTerm;

use super::path::Tuple;
use super::{Env, Evaluator, operators, show};
use crate::jsonata::builtins::EvalError;
use crate::jsonata::value::Value;

/// Sorts `items`; `greater(a, b)` says whether `a` must come after `b`.
pub(crate) fn merge_sort<T: Clone>(
    items: Vec<T>,
    greater: &mut dyn FnMut(&T, &T) -> Result<bool, EvalError>,
) -> Result<Vec<T>, EvalError> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(left, greater)?;
    let right = merge_sort(right, greater)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(l), Some(r)) = (left.get(i), right.get(j)) {
        if greater(l, r)? {
            out.push(r.clone());
            j += 1;
        } else {
            out.push(l.clone());
            i += 1;
        }
    }
    out.extend(left.get(i..).unwrap_or_default().iter().cloned());
    out.extend(right.get(j..).unwrap_or_default().iter().cloned());
    Ok(out)
}

/// Compares two sort keys of one term; `None` when both are undefined.
fn compare_keys(a: &Value, b: &Value, pos: usize) -> Result<std::cmp::Ordering, EvalError> {
    use std::cmp::Ordering;
    let sortable = |v: &Value| matches!(v, Value::String(_) | Value::Number(_));
    match (a, b) {
        (Value::Undefined, Value::Undefined) => return Ok(Ordering::Equal),
        (Value::Undefined, _) => return Ok(Ordering::Greater),
        (_, Value::Undefined) => return Ok(Ordering::Less),
        _ => {}
    }
    if !sortable(a) || !sortable(b) {
        return Err(EvalError::new(
            "T2008",
            "The expressions within an order-by clause must evaluate to numeric or string values",
        )
        .at(pos));
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Ok(x.partial_cmp(y).unwrap_or(Ordering::Equal)),
        (Value::String(x), Value::String(y)) => Ok(operators::compare_strings(x, y)),
        _ => Err(EvalError::new(
            "T2007",
            format!(
                "Type mismatch when comparing values {} and {} in order-by clause",
                show(a),
                show(b)
            ),
        )
        .at(pos)),
    }
}

impl Evaluator<'_> {
    /// Order-by over plain items: a plain array in sorted order.
    pub(crate) fn sort_values(
        &self,
        terms: &[SortTerm],
        items: Vec<Value>,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        let indexed: Vec<(usize, Tuple)> = items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i, Tuple::new(v)))
            .collect();
        let sorted = self.sort_keyed(terms, indexed, env, pos, false)?;
        Ok(Value::array(sorted.into_iter().map(|t| t.at).collect()))
    }

    /// Order-by over a tuple stream.
    pub(crate) fn sort_tuples(
        &self,
        terms: &[SortTerm],
        tuples: Vec<Tuple>,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Vec<Tuple>, EvalError> {
        if tuples.len() <= 1 {
            return Ok(tuples);
        }
        let indexed = tuples.into_iter().enumerate().collect();
        self.sort_keyed(terms, indexed, env, pos, true)
    }

    fn sort_keyed(
        &self,
        terms: &[SortTerm],
        items: Vec<(usize, Tuple)>,
        env: &Rc<Env>,
        pos: usize,
        with_vars: bool,
    ) -> Result<Vec<Tuple>, EvalError> {
        // Sort keys, computed when a comparison first needs them.
        let keys: RefCell<Vec<Vec<Option<Value>>>> =
            RefCell::new(vec![vec![None; terms.len()]; items.len()]);
        let key = |idx: usize, t: &Tuple, term: usize| -> Result<Value, EvalError> {
            if let Some(Some(k)) = keys.borrow().get(idx).and_then(|k| k.get(term)) {
                return Ok(k.clone());
            }
            let Some(SortTerm { expr, .. }) = terms.get(term) else {
                return Ok(Value::Undefined);
            };
            let k = if with_vars {
                let frame = self.tuple_env(env, t);
                self.eval(expr, &t.at, &frame)?
            } else {
                self.eval(expr, &t.at, env)?
            };
            if let Some(slot) = keys.borrow_mut().get_mut(idx).and_then(|k| k.get_mut(term)) {
                *slot = Some(k.clone());
            }
            Ok(k)
        };
        let mut greater = |a: &(usize, Tuple), b: &(usize, Tuple)| -> Result<bool, EvalError> {
            for (ti, term) in terms.iter().enumerate() {
                let ka = key(a.0, &a.1, ti)?;
                let kb = key(b.0, &b.1, ti)?;
                let mut ord = compare_keys(&ka, &kb, pos)?;
                // An undefined key sorts last in either direction.
                if term.descending && !ka.is_undefined() && !kb.is_undefined() {
                    ord = ord.reverse();
                }
                if ord != std::cmp::Ordering::Equal {
                    return Ok(ord == std::cmp::Ordering::Greater);
                }
            }
            Ok(false)
        };
        let sorted = merge_sort(items, &mut greater)?;
        Ok(sorted.into_iter().map(|(_, t)| t).collect())
    }
}
