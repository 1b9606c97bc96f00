//! Function signatures (`<s-nn?:s>`): checking the arguments of a call.
//!
//! Each argument has a type symbol: `s` string, `n` number, `b` boolean,
//! `l` null, `a` array, `o` object, `f` function, `m` missing (undefined).
//! A signature parameter accepts a set of symbols (a simple type also
//! accepts `m`; `a`, `x` accept anything, `j` anything but a function) once,
//! optionally (`?`, `-`) or one or more times (`+`). The argument symbols
//! are matched against the parameters greedily with backtracking, as the
//! regular expression jsonata-js builds from a signature does. Then:
//!
//! * a `-` parameter that matched nothing takes the context value (T0411 if
//!   its type does not fit);
//! * an `a` parameter wraps a non-array argument in an array, and `a<t>`
//!   checks every item's type (T0412);
//! * a mismatch is T0410, naming the first argument that does not fit.

use crate::jsonata::builtins::EvalError;
use crate::jsonata::value::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Quant {
    One,
    Optional,
    OneOrMore,
}

/// One parameter.
#[derive(Clone, Debug)]
struct Param {
    /// Accepted argument symbols.
    accepts: String,
    quant: Quant,
    /// `-`: take the context value when the argument is missing.
    context: bool,
    /// The parameter type is `a` (wrap non-arrays).
    array: bool,
    /// `<…>` after `a` or `f`.
    subtype: Option<String>,
}

/// A parsed signature.
#[derive(Clone, Debug)]
pub(crate) struct Sig {
    params: Vec<Param>,
}

/// The type symbol of a value.
pub(crate) fn symbol(v: &Value) -> char {
    match v {
        Value::Undefined => 'm',
        Value::Null => 'l',
        Value::Bool(_) => 'b',
        Value::Number(_) => 'n',
        Value::String(_) => 's',
        Value::Array(_) => 'a',
        Value::Object(_) => 'o',
        Value::Function(_) => 'f',
    }
}

fn bad_signature(text: &str) -> EvalError {
    EvalError::new("S0401", format!("Invalid function signature: {text}"))
}

impl Sig {
    /// Parses a signature such as `<s-nn?:s>` (the return type is ignored).
    pub(crate) fn parse(text: &str) -> Result<Sig, EvalError> {
        let chars: Vec<char> = text.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut i = 1;
        while let Some(&c) = chars.get(i) {
            if c == ':' || (c == '>' && i + 1 == chars.len()) {
                break;
            }
            let simple = |accepts: &str, array: bool| Param {
                accepts: accepts.to_owned(),
                quant: Quant::One,
                context: false,
                array,
                subtype: None,
            };
            match c {
                's' | 'n' | 'b' | 'l' | 'o' => params.push(simple(&format!("{c}m"), false)),
                'a' => params.push(simple("asnblfom", true)),
                'f' => params.push(simple("f", false)),
                'j' => params.push(simple("asnblom", false)),
                'x' => params.push(simple("asnblfom", false)),
                '(' => {
                    let mut choice = String::new();
                    i += 1;
                    while let Some(&c) = chars.get(i) {
                        if c == ')' {
                            break;
                        }
                        choice.push(c);
                        i += 1;
                    }
                    choice.push('m');
                    params.push(simple(&choice, false));
                }
                '-' | '?' | '+' => {
                    let Some(p) = params.last_mut() else {
                        return Err(bad_signature(text));
                    };
                    match c {
                        '-' => {
                            p.context = true;
                            p.quant = Quant::Optional;
                        }
                        '?' => p.quant = Quant::Optional,
                        _ => p.quant = Quant::OneOrMore,
                    }
                }
                '<' => {
                    let mut depth = 1;
                    let mut sub = String::new();
                    i += 1;
                    while let Some(&c) = chars.get(i) {
                        if c == '<' {
                            depth += 1;
                        } else if c == '>' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        sub.push(c);
                        i += 1;
                    }
                    if let Some(p) = params.last_mut() {
                        p.subtype = Some(sub);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Ok(Sig { params })
    }

    /// The number of parameters.
    pub(crate) fn param_count(&self) -> usize {
        self.params.len()
    }

    /// Matches `symbols` from `at` against `params`; returns the number of
    /// symbols each parameter takes. `anchored`: all symbols must be used.
    fn matches(&self, symbols: &[char], upto: usize, anchored: bool) -> Option<Vec<usize>> {
        fn go(
            params: &[Param],
            symbols: &[char],
            at: usize,
            anchored: bool,
            out: &mut Vec<usize>,
        ) -> bool {
            let Some((p, rest)) = params.split_first() else {
                return !anchored || at == symbols.len();
            };
            let mut run = 0;
            while symbols
                .get(at + run)
                .is_some_and(|s| p.accepts.contains(*s))
            {
                run += 1;
                if p.quant != Quant::OneOrMore {
                    break;
                }
            }
            let min = if p.quant == Quant::One || p.quant == Quant::OneOrMore {
                1
            } else {
                0
            };
            let mut take = run;
            loop {
                if take < min {
                    return false;
                }
                out.push(take);
                if go(rest, symbols, at + take, anchored, out) {
                    return true;
                }
                out.pop();
                if take == 0 {
                    return false;
                }
                take -= 1;
            }
        }
        let params = self.params.get(..upto)?;
        let mut out = Vec::new();
        go(params, symbols, 0, anchored, &mut out).then_some(out)
    }

    /// Checks `args` (with `context` for `-` parameters); returns the
    /// arguments to pass.
    pub(crate) fn validate(
        &self,
        args: Vec<Value>,
        context: &Value,
        token: &str,
    ) -> Result<Vec<Value>, EvalError> {
        let symbols: Vec<char> = args.iter().map(symbol).collect();
        let token_json = serde_json::to_string(token).unwrap_or_default();
        let Some(counts) = self.matches(&symbols, self.params.len(), true) else {
            // Find the first argument that no prefix of the signature
            // accepts.
            let mut good = 0;
            for n in 1..=self.params.len() {
                match self.matches(&symbols, n, false) {
                    Some(c) => good = c.iter().sum(),
                    None => break,
                }
            }
            return Err(EvalError::new(
                "T0410",
                format!(
                    "Argument {} of function {token_json} does not match function signature",
                    good + 1
                ),
            ));
        };
        let mut index = 0;
        let mut out = Vec::with_capacity(counts.len());
        for (p, &count) in self.params.iter().zip(&counts) {
            if count == 0 {
                if p.context {
                    if p.accepts.contains(symbol(context)) && !context.is_undefined()
                        || p.accepts.contains('m') && context.is_undefined()
                    {
                        out.push(context.clone());
                    } else {
                        return Err(EvalError::new(
                            "T0411",
                            format!(
                                "Context value is not a compatible type with argument {} of \
                                 function {token_json}",
                                index + 1
                            ),
                        ));
                    }
                } else {
                    // As jsonata-js: the parameter takes the argument at
                    // this position anyway (undefined when there is none).
                    out.push(args.get(index).cloned().unwrap_or_default());
                    index += 1;
                }
                continue;
            }
            for _ in 0..count {
                let arg = args.get(index).cloned().unwrap_or_default();
                index += 1;
                if !p.array {
                    out.push(arg);
                    continue;
                }
                match arg {
                    Value::Undefined => out.push(Value::Undefined),
                    arg => {
                        if let Some(sub) = &p.subtype {
                            let ok = match &arg {
                                Value::Array(a) => match a.items.first() {
                                    None => true,
                                    Some(first) => {
                                        let t = symbol(first);
                                        sub.starts_with(t) && a.items.iter().all(|v| symbol(v) == t)
                                    }
                                },
                                other => symbol(other).to_string() == *sub,
                            };
                            if !ok {
                                return Err(EvalError::new(
                                    "T0412",
                                    format!(
                                        "Argument {index} of function {token_json} must be an \
                                         array of {}",
                                        plural(sub)
                                    ),
                                ));
                            }
                        }
                        out.push(match arg {
                            Value::Array(_) => arg,
                            other => Value::array(vec![other]),
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

fn plural(sub: &str) -> &'static str {
    match sub {
        "a" => "arrays",
        "b" => "booleans",
        "f" => "functions",
        "n" => "numbers",
        "o" => "objects",
        "s" => "strings",
        _ => "undefined",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn context_and_optional() {
        let sig = Sig::parse("<s-nn?:s>").unwrap();
        // $substring(1) with context "abc": the number is the start.
        let out = sig
            .validate(vec![n(1.0)], &Value::string("abc"), "substring")
            .unwrap();
        assert_eq!(out.len(), 3);
        assert!(matches!(&out[0], Value::String(s) if &**s == "abc"));
        assert!(matches!(out[2], Value::Undefined));
        // Context of the wrong type: T0411.
        let err = sig
            .validate(vec![n(1.0)], &n(5.0), "substring")
            .unwrap_err();
        assert_eq!(err.code, "T0411");
        assert_eq!(sig.param_count(), 3);
    }

    #[test]
    fn mismatch_index() {
        // jsonata-js: $map(["a"],$substring) => T0410 "Argument 3 of function \"map\" ..."
        // (the callback is called with value, index, array: "snа").
        let sig = Sig::parse("<s-nn?:s>").unwrap();
        let a = Value::array(vec![Value::string("a")]);
        let err = sig
            .validate(
                vec![Value::string("a"), n(0.0), a],
                &Value::Undefined,
                "substring",
            )
            .unwrap_err();
        assert_eq!(err.code, "T0410");
        assert!(
            err.message
                .starts_with("Argument 3 of function \"substring\"")
        );
    }

    #[test]
    fn arrays_wrap_and_check_items() {
        let sig = Sig::parse("<a<n>:n>").unwrap();
        let out = sig
            .validate(vec![n(2.0)], &Value::Undefined, "sum")
            .unwrap();
        assert!(matches!(&out[0], Value::Array(a) if a.items.len() == 1));
        let bad = Value::array(vec![n(1.0), Value::string("x")]);
        let err = sig
            .validate(vec![bad], &Value::Undefined, "sum")
            .unwrap_err();
        assert_eq!(err.code, "T0412");
        assert_eq!(
            err.message,
            "Argument 1 of function \"sum\" must be an array of numbers"
        );
        let plus = Sig::parse("<x+:a>").unwrap();
        assert!(plus.validate(vec![], &Value::Undefined, "f").is_err());
        assert_eq!(
            plus.validate(vec![n(1.0), n(2.0)], &Value::Undefined, "f")
                .unwrap()
                .len(),
            2
        );
    }
}
