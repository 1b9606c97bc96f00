//! The core of the library: aggregation (`$sum`, `$count`, `$max`, `$min`,
//! `$average`), booleans and types (`$exists`, `$type`, `$boolean`, `$not`),
//! objects (`$keys`, `$lookup`, `$spread`, `$merge`, `$each`, `$sift`),
//! arrays (`$append`, `$reverse`, `$shuffle`, `$distinct`, `$zip`, `$sort`),
//! higher-order functions (`$map`, `$filter`, `$single`, `$reduce`), errors
//! (`$error`, `$assert`), `$eval` and `$clone`.
//!
//! Each behaves as in jsonata-js 2.0.6: undefined in, undefined out for most;
//! callbacks receive as many of (value, index/key, array/object) as they
//! declare parameters.

use std::rc::Rc;

use crate::jsonata::builtins::{Builtin, Call, EvalError};
use crate::jsonata::eval::{operators, path, sort, transform};
use crate::jsonata::value::{Array, Object, Value, object_insert};

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "sum",
        signature: "<a<n>:n>",
        call: sum,
    },
    Builtin {
        name: "count",
        signature: "<a:n>",
        call: count,
    },
    Builtin {
        name: "max",
        signature: "<a<n>:n>",
        call: max,
    },
    Builtin {
        name: "min",
        signature: "<a<n>:n>",
        call: min,
    },
    Builtin {
        name: "average",
        signature: "<a<n>:n>",
        call: average,
    },
    Builtin {
        name: "exists",
        signature: "<x:b>",
        call: exists,
    },
    Builtin {
        name: "type",
        signature: "<x:s>",
        call: type_of,
    },
    Builtin {
        name: "boolean",
        signature: "<x-:b>",
        call: boolean,
    },
    Builtin {
        name: "not",
        signature: "<x-:b>",
        call: not,
    },
    Builtin {
        name: "keys",
        signature: "<x-:a<s>>",
        call: keys,
    },
    Builtin {
        name: "lookup",
        signature: "<x-s:x>",
        call: lookup,
    },
    Builtin {
        name: "spread",
        signature: "<x-:a<o>>",
        call: spread,
    },
    Builtin {
        name: "merge",
        signature: "<a<o>:o>",
        call: merge,
    },
    Builtin {
        name: "each",
        signature: "<o-f:a>",
        call: each,
    },
    Builtin {
        name: "sift",
        signature: "<o-f?:o>",
        call: sift,
    },
    Builtin {
        name: "error",
        signature: "<s?:x>",
        call: error,
    },
    Builtin {
        name: "assert",
        signature: "<bs?:x>",
        call: assert,
    },
    Builtin {
        name: "append",
        signature: "<xx:a>",
        call: append,
    },
    Builtin {
        name: "reverse",
        signature: "<a:a>",
        call: reverse,
    },
    Builtin {
        name: "shuffle",
        signature: "<a:a>",
        call: shuffle,
    },
    Builtin {
        name: "distinct",
        signature: "<x:x>",
        call: distinct,
    },
    Builtin {
        name: "zip",
        signature: "<a+>",
        call: zip,
    },
    Builtin {
        name: "sort",
        signature: "<af?:a>",
        call: sort_fn,
    },
    Builtin {
        name: "map",
        signature: "<af>",
        call: map,
    },
    Builtin {
        name: "filter",
        signature: "<af>",
        call: filter,
    },
    Builtin {
        name: "single",
        signature: "<af?>",
        call: single,
    },
    Builtin {
        name: "reduce",
        signature: "<afj?:j>",
        call: reduce,
    },
    Builtin {
        name: "eval",
        signature: "<sx?:x>",
        call: eval,
    },
    Builtin {
        name: "clone",
        signature: "<(oa)-:o>",
        call: clone,
    },
];

/// Argument `i`, undefined when absent.
fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// The items of an array argument (the signature has wrapped non-arrays).
fn items(v: &Value) -> Option<&[Value]> {
    match v {
        Value::Array(a) => Some(&a.items),
        _ => None,
    }
}

fn numbers(v: &Value) -> Option<Vec<f64>> {
    items(v).map(|items| {
        items
            .iter()
            .filter_map(|i| match i {
                Value::Number(n) => Some(*n),
                _ => None,
            })
            .collect()
    })
}

fn sum(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(match numbers(&arg(&args, 0)) {
        Some(ns) => Value::Number(ns.iter().sum()),
        None => Value::Undefined,
    })
}

fn count(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(Value::Number(
        items(&arg(&args, 0)).map_or(0, <[Value]>::len) as f64,
    ))
}

fn max(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(match numbers(&arg(&args, 0)) {
        Some(ns) if !ns.is_empty() => {
            Value::Number(ns.iter().copied().fold(f64::NEG_INFINITY, f64::max))
        }
        _ => Value::Undefined,
    })
}

fn min(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(match numbers(&arg(&args, 0)) {
        Some(ns) if !ns.is_empty() => {
            Value::Number(ns.iter().copied().fold(f64::INFINITY, f64::min))
        }
        _ => Value::Undefined,
    })
}

fn average(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(match numbers(&arg(&args, 0)) {
        Some(ns) if !ns.is_empty() => Value::Number(ns.iter().sum::<f64>() / ns.len() as f64),
        _ => Value::Undefined,
    })
}

fn exists(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(Value::Bool(!arg(&args, 0).is_undefined()))
}

fn type_of(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(match arg(&args, 0) {
        Value::Undefined => Value::Undefined,
        Value::Null => Value::string("null"),
        Value::Bool(_) => Value::string("boolean"),
        Value::Number(_) => Value::string("number"),
        Value::String(_) => Value::string("string"),
        Value::Array(_) => Value::string("array"),
        Value::Object(_) => Value::string("object"),
        Value::Function(_) => Value::string("function"),
    })
}

/// `$boolean`'s cast: the operators' one, except that every function is
/// false (jsonata-js: `$boolean($uppercase)` is false while
/// `$uppercase and true` is true).
fn cast(v: &Value) -> Option<bool> {
    match v {
        Value::Function(_) => Some(false),
        other => operators::boolean(other),
    }
}

fn boolean(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(cast(&arg(&args, 0)).map_or(Value::Undefined, Value::Bool))
}

fn not(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(cast(&arg(&args, 0)).map_or(Value::Undefined, |b| Value::Bool(!b)))
}

/// The keys of an object, or of all objects in an array (each once).
fn keys(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let mut merged = Object::new();
    match arg(&args, 0) {
        Value::Object(o) => {
            return Ok(Value::sequence(
                o.keys().map(|k| Value::string(k.as_str())).collect(),
            ));
        }
        Value::Array(a) => {
            for item in &a.items {
                if let Value::Object(o) = item {
                    for k in o.keys() {
                        object_insert(&mut merged, k.clone(), Value::Bool(true));
                    }
                }
            }
        }
        _ => {}
    }
    Ok(Value::sequence(
        merged.keys().map(|k| Value::string(k.as_str())).collect(),
    ))
}

fn lookup(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Value::String(key) = arg(&args, 1) else {
        return Ok(Value::Undefined);
    };
    Ok(path::lookup_name(&arg(&args, 0), &key))
}

/// Splits objects into one object per field.
///
/// Arrays are mapped at any depth (nested arrays flattened into one plain
/// array), without recursion. The result is a plain array, except for an
/// array whose items are all undefined (or none), which gives an empty
/// sequence, as jsonata-js's `append` does.
fn spread(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    fn one_per_field(o: &Object) -> impl Iterator<Item = Value> + '_ {
        o.iter().map(|(k, v)| {
            let mut one = Object::new();
            one.insert(k.clone(), v.clone());
            Value::object(one)
        })
    }
    let input = arg(&args, 0);
    let Value::Array(top) = &input else {
        return Ok(match &input {
            Value::Object(o) => Value::sequence(one_per_field(o).collect()),
            v => v.clone(),
        });
    };
    let mut out = Vec::new();
    crate::jsonata::value::for_each_in_arrays(&input, |item| match item {
        Value::Undefined => {}
        Value::Object(o) => out.extend(one_per_field(o)),
        v => out.push(v.clone()),
    });
    if top.items.iter().all(Value::is_undefined) {
        return Ok(Value::sequence(out));
    }
    Ok(Value::array(out))
}

fn merge(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(list) = items(&arg(&args, 0)).map(<[Value]>::to_vec) else {
        return Ok(Value::Undefined);
    };
    let mut out = Object::new();
    for item in list {
        if let Value::Object(o) = item {
            for (k, v) in o.iter() {
                object_insert(&mut out, k.clone(), v.clone());
            }
        }
    }
    Ok(Value::object(out))
}

/// The arguments a callback takes: as many of `candidates` as it declares
/// (at least one).
fn callback_args(c: &Call<'_>, f: &Value, candidates: Vec<Value>) -> Vec<Value> {
    let n = c.arity(f).max(1);
    candidates.into_iter().take(n).collect()
}

fn each(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (obj, f) = (arg(&args, 0), arg(&args, 1));
    let Value::Object(o) = &obj else {
        return Ok(Value::Undefined);
    };
    let mut out = Vec::new();
    for (k, v) in o.iter() {
        let a = callback_args(
            c,
            &f,
            vec![v.clone(), Value::string(k.as_str()), obj.clone()],
        );
        let r = c.apply(&f, a)?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(Value::sequence(out))
}

fn sift(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (obj, f) = (arg(&args, 0), arg(&args, 1));
    let Value::Object(o) = &obj else {
        return Ok(Value::Undefined);
    };
    if !f.is_function() {
        return Ok(Value::Undefined);
    }
    let mut out = Object::new();
    for (k, v) in o.iter() {
        let a = callback_args(
            c,
            &f,
            vec![v.clone(), Value::string(k.as_str()), obj.clone()],
        );
        if operators::truthy(&c.apply(&f, a)?) {
            object_insert(&mut out, k.clone(), v.clone());
        }
    }
    Ok(if out.is_empty() {
        Value::Undefined
    } else {
        Value::object(out)
    })
}

fn error(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let message = match arg(&args, 0) {
        Value::String(s) if !s.is_empty() => s.to_string(),
        _ => "$error() function evaluated".to_owned(),
    };
    Err(c.error("D3137", message))
}

fn assert(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    if matches!(arg(&args, 0), Value::Bool(true)) {
        return Ok(Value::Undefined);
    }
    let message = match arg(&args, 1) {
        Value::String(s) if !s.is_empty() => s.to_string(),
        _ => "$assert() statement failed".to_owned(),
    };
    Err(c.error("D3141", message))
}

fn append(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(path::append(arg(&args, 0), arg(&args, 1)))
}

fn reverse(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let v = arg(&args, 0);
    Ok(match &v {
        Value::Array(a) if a.items.len() > 1 => {
            Value::array(a.items.iter().rev().cloned().collect())
        }
        _ => v,
    })
}

fn shuffle(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let v = arg(&args, 0);
    Ok(match &v {
        Value::Array(a) if a.items.len() > 1 => {
            let mut items = a.items.clone();
            // Fisher-Yates, drawing from the evaluation's entropy.
            for i in (1..items.len()).rev() {
                let j = (c.random_u64() % (i as u64 + 1)) as usize;
                items.swap(i, j);
            }
            Value::array(items)
        }
        _ => v,
    })
}

fn distinct(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let v = arg(&args, 0);
    let Value::Array(a) = &v else {
        return Ok(v);
    };
    if a.items.len() <= 1 {
        return Ok(v);
    }
    let mut out: Vec<Value> = Vec::new();
    for item in &a.items {
        if !out.iter().any(|o| operators::deep_equal(o, item)) {
            out.push(item.clone());
        }
    }
    Ok(Value::Array(Rc::new(Array {
        items: out,
        sequence: a.sequence,
        ..Array::default()
    })))
}

fn zip(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let len = args
        .iter()
        .map(|a| items(a).map_or(0, <[Value]>::len))
        .min()
        .unwrap_or(0);
    let rows = (0..len)
        .map(|i| {
            Value::array(
                args.iter()
                    .map(|a| items(a).and_then(|x| x.get(i)).cloned().unwrap_or_default())
                    .collect(),
            )
        })
        .collect();
    Ok(Value::array(rows))
}

/// JavaScript truthiness (what `$sort` makes of its comparator's result).
fn js_truthy(v: &Value) -> bool {
    match v {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn sort_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (v, f) = (arg(&args, 0), arg(&args, 1));
    let Value::Array(a) = &v else {
        return Ok(v);
    };
    if a.items.len() <= 1 {
        return Ok(v);
    }
    let sorted = if f.is_undefined() {
        let all_numbers = a.items.iter().all(|i| matches!(i, Value::Number(_)));
        let all_strings = a.items.iter().all(|i| matches!(i, Value::String(_)));
        if !all_numbers && !all_strings {
            return Err(c.error(
                "D3070",
                "The single argument form of the sort function can only be applied to an array \
                 of strings or an array of numbers.  Use the second argument to specify a \
                 comparison function",
            ));
        }
        sort::merge_sort(a.items.clone(), &mut |x: &Value, y: &Value| {
            Ok(match (x, y) {
                (Value::Number(p), Value::Number(q)) => p > q,
                (Value::String(p), Value::String(q)) => {
                    operators::compare_strings(p, q) == std::cmp::Ordering::Greater
                }
                _ => false,
            })
        })?
    } else {
        sort::merge_sort(a.items.clone(), &mut |x: &Value, y: &Value| {
            Ok(js_truthy(&c.apply(&f, vec![x.clone(), y.clone()])?))
        })?
    };
    Ok(Value::array(sorted))
}

fn map(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (arr, f) = (arg(&args, 0), arg(&args, 1));
    let Some(list) = items(&arr).map(<[Value]>::to_vec) else {
        return Ok(Value::Undefined);
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        let a = callback_args(c, &f, vec![item, Value::Number(i as f64), arr.clone()]);
        let r = c.apply(&f, a)?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(Value::sequence(out))
}

fn filter(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (arr, f) = (arg(&args, 0), arg(&args, 1));
    let Some(list) = items(&arr).map(<[Value]>::to_vec) else {
        return Ok(Value::Undefined);
    };
    let mut out = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        let a = callback_args(
            c,
            &f,
            vec![item.clone(), Value::Number(i as f64), arr.clone()],
        );
        if operators::truthy(&c.apply(&f, a)?) {
            out.push(item);
        }
    }
    Ok(Value::sequence(out))
}

fn single(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (arr, f) = (arg(&args, 0), arg(&args, 1));
    let Some(list) = items(&arr).map(<[Value]>::to_vec) else {
        return Ok(Value::Undefined);
    };
    let mut found: Option<Value> = None;
    for (i, item) in list.into_iter().enumerate() {
        let keep = if f.is_undefined() {
            true
        } else {
            let a = callback_args(
                c,
                &f,
                vec![item.clone(), Value::Number(i as f64), arr.clone()],
            );
            operators::truthy(&c.apply(&f, a)?)
        };
        if keep {
            if found.is_some() {
                return Err(c.error(
                    "D3138",
                    "The $single() function expected exactly 1 matching result.  Instead it \
                     matched more.",
                ));
            }
            found = Some(item);
        }
    }
    found.ok_or_else(|| {
        c.error(
            "D3139",
            "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
        )
    })
}

fn reduce(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let (arr, f, init) = (arg(&args, 0), arg(&args, 1), arg(&args, 2));
    let Some(list) = items(&arr).map(<[Value]>::to_vec) else {
        return Ok(Value::Undefined);
    };
    let arity = c.arity(&f);
    if arity < 2 {
        return Err(c.error(
            "D3050",
            "The second argument of reduce function must be a function with at least two \
             arguments",
        ));
    }
    let mut iter = list.into_iter().enumerate();
    let mut acc = if init.is_undefined() {
        match iter.next() {
            Some((_, first)) => first,
            None => Value::Undefined,
        }
    } else {
        init
    };
    for (i, item) in iter {
        let mut a = vec![acc, item];
        if arity >= 3 {
            a.push(Value::Number(i as f64));
        }
        if arity >= 4 {
            a.push(arr.clone());
        }
        acc = c.apply(&f, a)?;
    }
    Ok(acc)
}

/// `$eval(expr, context?)`: parses and evaluates `expr` in the caller's
/// scope.
fn eval(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Value::String(text) = arg(&args, 0) else {
        return Ok(Value::Undefined);
    };
    let input = match arg(&args, 1) {
        Value::Undefined => c.input.clone(),
        Value::Array(a) if !a.sequence => Value::Array(Rc::new(Array {
            items: vec![Value::Array(a)],
            sequence: true,
            outer_wrapper: true,
            ..Array::default()
        })),
        v => v,
    };
    let quoted = |m: &str| serde_json::to_string(m).unwrap_or_default();
    let expr = sfn_lang::jsonata::parse(&text).map_err(|e| {
        c.error(
            "D3120",
            format!(
                "Syntax error in expression passed to function eval: {}",
                quoted(&e.to_string())
            ),
        )
    })?;
    c.ev.eval(&expr, &input, &c.env).map_err(|e| {
        if e.code == "U1001" {
            // Runaway recursion through `$eval` stays what it is (wrapping
            // it at every level would grow the message exponentially).
            return e;
        }
        c.error(
            "D3121",
            format!(
                "Dynamic error evaluating the expression passed to function eval: {}",
                quoted(&e.message)
            ),
        )
    })
}

fn clone(_: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let v = arg(&args, 0);
    if v.is_undefined() {
        return Ok(v);
    }
    transform::deep_clone(&v)
}
