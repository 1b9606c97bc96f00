//! Operators: arithmetic, comparison, equality, `&`, `and`/`or`, `in`,
//! ranges, unary minus; and JSONata's truthiness.

use std::cmp::Ordering;
use std::rc::Rc;

use sfn_lang::jsonata::{BinaryOp, Expr, ExprKind};

use super::{Env, Evaluator, show};
use crate::jsonata::builtins::EvalError;
use crate::jsonata::stdlib;
use crate::jsonata::value::{Function, Value};

/// The largest sequence a range may allocate.
const MAX_RANGE: f64 = 10_000_000.0;

/// JSONata's effective boolean value (`$boolean`): undefined for
/// undefined; false for `false`, `null`, `0`, `""`, empty arrays and
/// objects, functions, and arrays whose items are all false.
pub(crate) fn boolean(v: &Value) -> Option<bool> {
    Some(match v {
        Value::Undefined => return None,
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Object(o) => !o.is_empty(),
        // jsonata-js represents library functions and transforms as
        // non-empty objects (true) and lambdas, partial applications and
        // regular expressions otherwise (false).
        Value::Function(f) => matches!(&**f, Function::Native(_) | Function::Transform(_)),
        // jsonata-js: an array is true when one of its items is (a lone
        // item decides); nested arrays at any depth are looked into, here
        // without recursion.
        Value::Array(a) => {
            let mut pending = vec![a.items.iter()];
            while let Some(items) = pending.last_mut() {
                match items.next() {
                    Some(Value::Array(inner)) => pending.push(inner.items.iter()),
                    Some(item) => {
                        if boolean(item) == Some(true) {
                            return Some(true);
                        }
                    }
                    None => {
                        pending.pop();
                    }
                }
            }
            false
        }
    })
}

/// Truthiness for conditions, filters, `and`, `or`: undefined is false.
pub(crate) fn truthy(v: &Value) -> bool {
    boolean(v).unwrap_or(false)
}

/// jsonata-js rejects infinite numbers where it checks for numbers (D1001).
pub(crate) fn check_finite(n: f64) -> Result<(), EvalError> {
    if n.is_finite() || n.is_nan() {
        Ok(())
    } else {
        Err(EvalError::new("D1001", "Number out of range: null"))
    }
}

/// Unary minus.
pub(crate) fn negate(v: Value) -> Result<Value, EvalError> {
    match v {
        Value::Undefined => Ok(Value::Undefined),
        Value::Number(n) if !n.is_nan() => {
            check_finite(n)?;
            Ok(Value::Number(-n))
        }
        other => Err(EvalError::new(
            "D1002",
            format!("Cannot negate a non-numeric value: {}", show(&other)),
        )),
    }
}

/// Deep equality (`=`): same type and same contents, at any depth (the
/// pairs still to compare are kept in a list, not on the stack).
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    let mut pending = vec![(a, b)];
    while let Some((a, b)) = pending.pop() {
        let equal = match (a, b) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Number(x), Value::Number(y)) => x == y,
            (Value::String(x), Value::String(y)) => x == y,
            (Value::Array(x), Value::Array(y)) => {
                if !Rc::ptr_eq(x, y) {
                    if x.items.len() != y.items.len() {
                        return false;
                    }
                    pending.extend(x.items.iter().zip(&y.items));
                }
                true
            }
            (Value::Object(x), Value::Object(y)) => {
                if !Rc::ptr_eq(x, y) {
                    if x.len() != y.len() {
                        return false;
                    }
                    for (k, v) in x.iter() {
                        let Some(w) = y.get(k) else {
                            return false;
                        };
                        pending.push((v, w));
                    }
                }
                true
            }
            (Value::Function(x), Value::Function(y)) => same_function(x, y),
            _ => false,
        };
        if !equal {
            return false;
        }
    }
    true
}

/// JavaScript's `===`: primitives by value, the rest by identity.
fn strict_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => Rc::ptr_eq(x, y),
        (Value::Object(x), Value::Object(y)) => Rc::ptr_eq(x, y),
        (Value::Function(x), Value::Function(y)) => same_function(x, y),
        _ => false,
    }
}

/// The same function: the same library function, or the same value.
fn same_function(x: &Rc<Function>, y: &Rc<Function>) -> bool {
    match (&**x, &**y) {
        (Function::Native(a), Function::Native(b)) => std::ptr::eq(*a, *b),
        _ => Rc::ptr_eq(x, y),
    }
}

/// Compares strings as JavaScript does: by UTF-16 code units.
pub(crate) fn compare_strings(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn quoted(op: BinaryOp) -> String {
    format!("\"{}\"", op.as_str())
}

fn is_number(v: &Value) -> Result<bool, EvalError> {
    match v {
        Value::Number(n) if !n.is_nan() => {
            check_finite(*n)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn arithmetic(op: BinaryOp, l: Value, r: Value) -> Result<Value, EvalError> {
    if !l.is_undefined() && !is_number(&l)? {
        return Err(EvalError::new(
            "T2001",
            format!(
                "The left side of the {} operator must evaluate to a number",
                quoted(op)
            ),
        ));
    }
    if !r.is_undefined() && !is_number(&r)? {
        return Err(EvalError::new(
            "T2002",
            format!(
                "The right side of the {} operator must evaluate to a number",
                quoted(op)
            ),
        ));
    }
    let (Value::Number(a), Value::Number(b)) = (l, r) else {
        return Ok(Value::Undefined);
    };
    Ok(Value::Number(match op {
        BinaryOp::Add => a + b,
        BinaryOp::Subtract => a - b,
        BinaryOp::Multiply => a * b,
        BinaryOp::Divide => a / b,
        _ => a % b,
    }))
}

fn comparison(op: BinaryOp, l: Value, r: Value) -> Result<Value, EvalError> {
    let comparable =
        |v: &Value| matches!(v, Value::Undefined | Value::String(_) | Value::Number(_));
    if !comparable(&l) || !comparable(&r) {
        return Err(EvalError::new(
            "T2010",
            format!(
                "The expressions either side of operator {} must evaluate to numeric or string \
                 values",
                quoted(op)
            ),
        ));
    }
    let ord = match (&l, &r) {
        (Value::Undefined, _) | (_, Value::Undefined) => return Ok(Value::Undefined),
        (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
        (Value::String(a), Value::String(b)) => Some(compare_strings(a, b)),
        _ => {
            return Err(EvalError::new(
                "T2009",
                format!(
                    "The values {} and {} either side of operator {} must be of the same data \
                     type",
                    show(&l),
                    show(&r),
                    quoted(op)
                ),
            ));
        }
    };
    let Some(ord) = ord else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(match op {
        BinaryOp::Less => ord == Ordering::Less,
        BinaryOp::LessEqual => ord != Ordering::Greater,
        BinaryOp::Greater => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }))
}

fn range(l: Value, r: Value) -> Result<Value, EvalError> {
    let integer = |v: &Value| matches!(v, Value::Number(n) if n.fract() == 0.0 && n.is_finite());
    if !l.is_undefined() && !integer(&l) {
        return Err(EvalError::new(
            "T2003",
            "The left side of the range operator (..) must evaluate to an integer",
        ));
    }
    if !r.is_undefined() && !integer(&r) {
        return Err(EvalError::new(
            "T2004",
            "The right side of the range operator (..) must evaluate to an integer",
        ));
    }
    let (Value::Number(a), Value::Number(b)) = (l, r) else {
        return Ok(Value::Undefined);
    };
    if a > b {
        return Ok(Value::Undefined);
    }
    let size = b - a + 1.0;
    if size > MAX_RANGE {
        return Err(EvalError::new(
            "D2014",
            format!(
                "The size of the sequence allocated by the range operator (..) must not exceed \
                 1e6.  Attempted to allocate {}.",
                super::js_number(size)
            ),
        ));
    }
    let items = (0..size as u64)
        .map(|i| Value::Number(a + i as f64))
        .collect();
    Ok(Value::sequence(items))
}

/// A binary operator (other than `and`, `or`) applied to its operands.
fn binary_values(op: BinaryOp, l: Value, r: Value) -> Result<Value, EvalError> {
    match op {
        BinaryOp::Add
        | BinaryOp::Subtract
        | BinaryOp::Multiply
        | BinaryOp::Divide
        | BinaryOp::Modulo => arithmetic(op, l, r),
        BinaryOp::Equal | BinaryOp::NotEqual => {
            if l.is_undefined() || r.is_undefined() {
                Ok(Value::Bool(false))
            } else {
                Ok(Value::Bool(deep_equal(&l, &r) == (op == BinaryOp::Equal)))
            }
        }
        BinaryOp::Less | BinaryOp::LessEqual | BinaryOp::Greater | BinaryOp::GreaterEqual => {
            comparison(op, l, r)
        }
        BinaryOp::Concat => {
            let mut s = String::new();
            for v in [&l, &r] {
                if !v.is_undefined() {
                    s.push_str(&stdlib::strings::stringify(v, false)?);
                }
            }
            Ok(Value::string(s))
        }
        BinaryOp::In => Ok(Value::Bool(match (&l, &r) {
            (Value::Undefined, _) | (_, Value::Undefined) => false,
            (l, Value::Array(a)) => a.items.iter().any(|i| strict_equal(i, l)),
            (l, r) => strict_equal(l, r),
        })),
        BinaryOp::Range => range(l, r),
        BinaryOp::And | BinaryOp::Or => Ok(Value::Undefined),
    }
}

/// Whether `e` is a link of a left-associative chain (`a + b`, `a ~> f`)
/// that evaluates as its kind alone (no predicates or other annotations).
fn plain_link(e: &Expr) -> bool {
    e.ann.is_empty() && e.chain_left().is_some()
}

impl Evaluator<'_> {
    /// A binary operator. Only the operands' evaluation recurses; the rest
    /// is in functions called afterwards, to keep this frame small.
    pub(super) fn binary(
        &self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        let l = self.eval_operand(lhs, input, env)?;
        self.binary_with(op, l, rhs, input, env, pos)
    }

    /// The value of the left operand of a binary operator or `~>`.
    ///
    /// When it is itself a link of a left-associative chain
    /// (`1 + 2 + … + n`, `$x ~> $f ~> $g`), the chain is evaluated in a
    /// loop from its far left, each link as [`Evaluator::eval`] would (left
    /// operand first, then the right; a sequence of one collapses), rather
    /// than one nested evaluation per link: a chain of any length evaluates
    /// in constant stack.
    pub(super) fn eval_operand(
        &self,
        lhs: &Expr,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        if !plain_link(lhs) {
            return self.eval(lhs, input, env);
        }
        self.eval_chain(lhs, input, env)
    }

    fn eval_chain(&self, lhs: &Expr, input: &Value, env: &Rc<Env>) -> Result<Value, EvalError> {
        let mut links = Vec::new();
        let mut first = lhs;
        while plain_link(first) {
            links.push(first);
            match first.chain_left() {
                Some(left) => first = left,
                None => break,
            }
        }
        let mut value = self.eval(first, input, env)?;
        for link in links.into_iter().rev() {
            let pos = link.span.start;
            value = match &link.kind {
                ExprKind::Binary { op, rhs, .. } => {
                    self.binary_with(*op, value, rhs, input, env, pos)?
                }
                ExprKind::Apply { rhs, .. } => self.apply_with(value, rhs, input, env, pos)?,
                _ => self.eval(link, input, env)?,
            };
            if let Value::Array(a) = &value
                && a.sequence
                && a.items.len() <= 1
                && !a.keep_singleton
            {
                value = a.items.first().cloned().unwrap_or_default();
            }
        }
        Ok(value)
    }

    /// `l op rhs`, with the value of the left operand.
    fn binary_with(
        &self,
        op: BinaryOp,
        l: Value,
        rhs: &Expr,
        input: &Value,
        env: &Rc<Env>,
        pos: usize,
    ) -> Result<Value, EvalError> {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return self.logical(op == BinaryOp::And, &l, rhs, input, env);
        }
        let r = self.eval(rhs, input, env)?;
        binary_values(op, l, r).map_err(|e| e.at(pos))
    }

    /// `and` / `or`, evaluating the right side only when needed.
    fn logical(
        &self,
        and: bool,
        l: &Value,
        rhs: &Expr,
        input: &Value,
        env: &Rc<Env>,
    ) -> Result<Value, EvalError> {
        let l = truthy(l);
        if l != and {
            return Ok(Value::Bool(l));
        }
        Ok(Value::Bool(truthy(&self.eval(rhs, input, env)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness() {
        // jsonata-js: $boolean([0,false]) => false, $boolean([[]]) => false,
        // $boolean({}) => false, $boolean(function(){1}) => false
        let f = Value::Bool(false);
        assert_eq!(
            boolean(&Value::array(vec![Value::Number(0.0), f.clone()])),
            Some(false)
        );
        assert_eq!(
            boolean(&Value::array(vec![Value::array(vec![])])),
            Some(false)
        );
        assert_eq!(boolean(&Value::object(Default::default())), Some(false));
        assert_eq!(
            boolean(&Value::array(vec![f, Value::string("x")])),
            Some(true)
        );
        assert_eq!(boolean(&Value::Undefined), None);
    }

    #[test]
    fn utf16_order() {
        // U+FF5E sorts after U+1F600 in UTF-16 (surrogates are 0xD83D…).
        assert_eq!(compare_strings("\u{ff5e}", "\u{1f600}"), Ordering::Greater);
    }
}
