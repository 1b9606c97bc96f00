//! The JSONata functions AWS Step Functions adds to JSONata 2.0.6:
//! `$partition`, `$range`, `$hash`, `$random`, `$uuid` and `$parse`.
//!
//! jsonata-js does not have them; their behaviour comes from AWS's
//! documentation ("Transforming data with JSONata in Step Functions") and the
//! executions recorded against AWS in the conformance corpus
//! (`intrinsic_functions/test_array_partition*`, `test_array_range*`,
//! `test_parse*`):
//!
//! * `$partition(array, size)`: the array in chunks of `size` items, the last
//!   one shorter; `$partition([], n)` is `[]`; the result is always an array
//!   of arrays (`$partition([0], 1)` is `[[0]]`, recorded).
//! * `$range(start, end, step)`: `start`, `start + step`, ... while not past
//!   `end` (`$range(0, 10, 3)` is `[0, 3, 6, 9]`, recorded); the step may be
//!   negative; the result is a sequence, so one number comes back as that
//!   number (`$range(1, 9, 9)` is `1`, recorded) and an empty range is
//!   undefined.
//! * `$hash(value, algorithm)`: lowercase hex digest of the UTF-8 bytes, with
//!   `MD5`, `SHA-1`, `SHA-256`, `SHA-384` or `SHA-512`.
//! * `$random(seed?)`: without a seed a uniform number in `[0, 1)`; with an
//!   integer seed `new java.util.Random(seed).nextDouble()` (AWS documents
//!   `$random(42)` as 0.7275636800328681).
//! * `$uuid()`: a random version 4 UUID, lowercase with hyphens.
//! * `$parse(text)`: the JSON value `text` holds (`"-0"` gives 0, recorded).
//!
//! Not pinned down by any record: the error texts and codes. Arguments that
//! are out of range fail with code [`INVALID_ARGUMENT`] (a non-positive or
//! fractional `$partition` size, a zero or non-finite `$range` step, a
//! `$range` of more than [`MAX_RANGE`] items, an unknown `$hash` algorithm, a
//! fractional or non-finite `$random` seed), and `$parse` of text that is not
//! JSON fails with code [`INVALID_JSON`]. An undefined first argument gives
//! undefined, as JSONata's own functions do.

use std::rc::Rc;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::jsonata::builtins::{Builtin, EvalError};
use crate::jsonata::stdlib::strings::{arg, array, at_call, js_number_string, sequence};
use crate::jsonata::value::Value;

/// Error code for an argument AWS's functions reject.
pub(crate) const INVALID_ARGUMENT: &str = "InvalidArgument";
/// Error code for `$parse` of text that is not JSON.
pub(crate) const INVALID_JSON: &str = "InvalidJson";
/// The most numbers `$range` produces (jsonata's own range operator stops at
/// ten million items too, with D2014).
pub(crate) const MAX_RANGE: f64 = 10_000_000.0;

/// AWS's functions.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "partition",
        signature: "<an:a>",
        call: |c, a| partition(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "range",
        signature: "<nnn:a<n>>",
        call: |c, a| range(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "hash",
        signature: "<s-s:s>",
        call: |c, a| hash(&a).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "random",
        signature: "<n?:n>",
        call: |c, a| {
            let unseeded = c.random_fraction();
            random(&a, unseeded).map_err(|e| at_call(c, e))
        },
    },
    Builtin {
        name: "uuid",
        signature: "<:s>",
        call: |c, _| Ok(Value::string(c.uuid_v4().to_string())),
    },
    Builtin {
        name: "parse",
        signature: "<s-:x>",
        call: |c, a| parse(&a).map_err(|e| at_call(c, e)),
    },
];

/// An [`INVALID_ARGUMENT`] error for function `name`.
fn invalid(name: &str, message: impl std::fmt::Display) -> EvalError {
    EvalError::new(INVALID_ARGUMENT, format!("${name}: {message}"))
}

/// A number argument, or an error naming it.
fn number_arg(args: &[Value], i: usize, name: &str, what: &str) -> Result<f64, EvalError> {
    match arg(args, i) {
        Value::Number(n) => Ok(*n),
        _ => Err(invalid(name, format!("the {what} must be a number"))),
    }
}

/// A system-random `$uuid()` value.
#[cfg(test)]
fn uuid_v4() -> Value {
    Value::string(uuid::Uuid::new_v4().to_string())
}

/// `$partition(array, size)`.
fn partition(args: &[Value]) -> Result<Value, EvalError> {
    let items: Vec<Value> = match arg(args, 0) {
        Value::Undefined => return Ok(Value::Undefined),
        Value::Array(a) => a.items.clone(),
        other => vec![other.clone()],
    };
    let size = number_arg(args, 1, "partition", "chunk size")?;
    if size.is_nan() || size < 1.0 || size.fract() != 0.0 {
        return Err(invalid(
            "partition",
            format!(
                "the chunk size must be a positive integer, but it is {}",
                js_number_string(size)
            ),
        ));
    }
    let size = if size > items.len() as f64 {
        items.len().max(1)
    } else {
        size as usize
    };
    Ok(array(
        items
            .chunks(size)
            .map(|chunk| array(chunk.to_vec()))
            .collect(),
    ))
}

/// `$range(start, end, step)`.
fn range(args: &[Value]) -> Result<Value, EvalError> {
    let start = number_arg(args, 0, "range", "start")?;
    let end = number_arg(args, 1, "range", "end")?;
    let step = number_arg(args, 2, "range", "step")?;
    if !start.is_finite() || !end.is_finite() {
        return Err(invalid("range", "the start and end must be finite numbers"));
    }
    if step == 0.0 || !step.is_finite() {
        return Err(invalid("range", "the step must be a non-zero number"));
    }
    let span = (end - start) / step;
    if span < 0.0 {
        return Ok(Value::Undefined);
    }
    // A tiny tolerance so that fractional steps land on the end
    // (`$range(0, 1, 0.1)` includes 1).
    let count = (span + 1e-9).floor() + 1.0;
    if count > MAX_RANGE {
        return Err(invalid(
            "range",
            format!(
                "the range has {} items; at most {} are allowed",
                js_number_string(count),
                js_number_string(MAX_RANGE)
            ),
        ));
    }
    let items = (0..count as u64)
        .map(|i| {
            let v = start + i as f64 * step;
            Value::Number(if v == 0.0 { 0.0 } else { v })
        })
        .collect();
    Ok(sequence(items))
}

/// `$hash(value, algorithm)`.
fn hash(args: &[Value]) -> Result<Value, EvalError> {
    let data = match arg(args, 0) {
        Value::Undefined => return Ok(Value::Undefined),
        Value::String(s) => s.clone(),
        _ => return Err(invalid("hash", "the value must be a string")),
    };
    let algorithm = match arg(args, 1) {
        Value::String(s) => s.clone(),
        _ => return Err(invalid("hash", "the algorithm must be a string")),
    };
    let bytes = data.as_bytes();
    let digest = match &*algorithm {
        "MD5" => hex::encode(Md5::digest(bytes)),
        "SHA-1" => hex::encode(Sha1::digest(bytes)),
        "SHA-256" => hex::encode(Sha256::digest(bytes)),
        "SHA-384" => hex::encode(Sha384::digest(bytes)),
        "SHA-512" => hex::encode(Sha512::digest(bytes)),
        other => {
            return Err(invalid(
                "hash",
                format!(
                    "the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, but it is \"{other}\""
                ),
            ));
        }
    };
    Ok(Value::string(digest))
}

/// `java.util.Random`: the 48-bit linear congruential generator.
#[derive(Debug)]
pub(crate) struct JavaRandom {
    seed: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    /// `new Random(seed)`.
    pub(crate) fn new(seed: i64) -> JavaRandom {
        JavaRandom {
            seed: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    /// `next(bits)`.
    fn next(&mut self, bits: u32) -> u64 {
        self.seed = (self.seed.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        self.seed >> (48 - bits)
    }

    /// `nextDouble()`.
    pub(crate) fn next_double(&mut self) -> f64 {
        let high = self.next(26);
        let low = self.next(27);
        ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// `$random(seed?)`; `unseeded` is the number without a seed.
fn random(args: &[Value], unseeded: f64) -> Result<Value, EvalError> {
    match arg(args, 0) {
        Value::Undefined => Ok(Value::Number(unseeded)),
        Value::Number(seed) => {
            if !seed.is_finite() || seed.fract() != 0.0 {
                return Err(invalid(
                    "random",
                    format!(
                        "the seed must be an integer, but it is {}",
                        js_number_string(*seed)
                    ),
                ));
            }
            // Java's `(long)` conversion saturates, as `as` does.
            Ok(Value::Number(JavaRandom::new(*seed as i64).next_double()))
        }
        _ => Err(invalid("random", "the seed must be a number")),
    }
}

/// Replaces negative zeros in parsed JSON by zero.
fn positive_zeros(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.as_f64() == Some(0.0) && n.is_f64() => {
            *v = serde_json::Value::from(0);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(positive_zeros),
        serde_json::Value::Object(members) => members.values_mut().for_each(positive_zeros),
        _ => {}
    }
}

/// `$parse(text)`.
fn parse(args: &[Value]) -> Result<Value, EvalError> {
    let text = match arg(args, 0) {
        Value::Undefined => return Ok(Value::Undefined),
        Value::String(s) => Rc::clone(s),
        _ => return Err(invalid("parse", "the argument must be a string")),
    };
    // serde_json limits nesting to 128 levels, so the walks stay shallow.
    let mut json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        EvalError::new(
            INVALID_JSON,
            format!("$parse: the string is not valid JSON: {e}"),
        )
    })?;
    positive_zeros(&mut json);
    Ok(Value::from_json(&json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonata::stdlib::strings::stringify;

    fn show(v: Result<Value, EvalError>) -> String {
        match v {
            Ok(Value::Undefined) => "undefined".to_owned(),
            Ok(v) => stringify(&v, false).unwrap_or_default(),
            Err(e) => format!("ERR {}", e.code),
        }
    }
    fn nums(v: &[f64]) -> Value {
        array(v.iter().map(|&x| Value::Number(x)).collect())
    }

    #[test]
    fn partitions() {
        // Recorded on AWS (conformance corpus) and AWS's documented example.
        let cases: &[(&[f64], f64, &str)] = &[
            (&[], 1.0, "[]"),
            (&[], 5.0, "[]"),
            (&[0.0], 1.0, "[[0]]"),
            (&[0.0], 5.0, "[[0]]"),
            (&[0.0, 1.0], 1.0, "[[0],[1]]"),
            (&[0.0, 1.0, 2.0], 2.0, "[[0,1],[2]]"),
            (&[0.0, 1.0, 2.0], 3.0, "[[0,1,2]]"),
            (&[0.0, 1.0, 2.0, 3.0], 2.0, "[[0,1],[2,3]]"),
            (&[0.0, 1.0, 2.0, 3.0], 3.0, "[[0,1,2],[3]]"),
            (&[0.0, 1.0, 2.0, 3.0], 5.0, "[[0,1,2,3]]"),
            (
                &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
                3.0,
                "[[1,2,3],[4,5,6],[7,8,9]]",
            ),
        ];
        for &(items, size, want) in cases {
            assert_eq!(
                show(partition(&[nums(items), Value::Number(size)])),
                want,
                "{items:?} {size}"
            );
        }
        assert_eq!(
            show(partition(&[nums(&[1.0]), Value::Number(0.0)])),
            "ERR InvalidArgument"
        );
        assert_eq!(
            show(partition(&[nums(&[1.0]), Value::Number(1.5)])),
            "ERR InvalidArgument"
        );
        assert_eq!(
            show(partition(&[Value::Undefined, Value::Number(2.0)])),
            "undefined"
        );
    }

    #[test]
    fn ranges() {
        let r = |a: f64, b: f64, c: f64| {
            show(range(&[
                Value::Number(a),
                Value::Number(b),
                Value::Number(c),
            ]))
        };
        // Recorded on AWS.
        assert_eq!(r(0.0, 9.0, 3.0), "[0,3,6,9]");
        assert_eq!(r(0.0, 10.0, 3.0), "[0,3,6,9]");
        assert_eq!(r(1.0, 9.0, 9.0), "1");
        assert_eq!(r(1.0, 9.0, 2.0), "[1,3,5,7,9]");
        // AWS's documented example, and a negative step.
        assert_eq!(r(0.0, 10.0, 2.0), "[0,2,4,6,8,10]");
        assert_eq!(r(10.0, 0.0, -5.0), "[10,5,0]");
        assert_eq!(r(0.0, 10.0, -1.0), "undefined");
        assert_eq!(r(0.0, 10.0, 0.0), "ERR InvalidArgument");
        assert_eq!(r(0.0, 1e12, 1.0), "ERR InvalidArgument");
    }

    #[test]
    fn hashes() {
        let h = |s: &str, a: &str| show(hash(&[Value::string(s), Value::string(a)]));
        assert_eq!(h("", "MD5"), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            h("abc", "SHA-1"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            h("abc", "SHA-256"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            h("abc", "SHA-384"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            h("abc", "SHA-512"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        assert_eq!(h("é", "MD5"), hex::encode(Md5::digest("é".as_bytes())));
        assert_eq!(h("abc", "sha-256"), "ERR InvalidArgument");
        assert_eq!(
            show(hash(&[Value::Undefined, Value::string("MD5")])),
            "undefined"
        );
    }

    #[test]
    fn seeded_random_is_java_random() {
        // AWS's documentation: $random(42) = 0.7275636800328681.
        let seeded = |seed: f64| match random(&[Value::Number(seed)], rand::random()) {
            Ok(Value::Number(x)) => js_number_string(x),
            other => format!("{other:?}"),
        };
        assert_eq!(seeded(42.0), "0.7275636800328681");
        // java.util.Random(0).nextDouble() is 0.730967787376657.
        assert_eq!(seeded(0.0), "0.730967787376657");
        assert_eq!(
            show(random(&[Value::Number(1.5)], rand::random())),
            "ERR InvalidArgument"
        );
        for _ in 0..100 {
            let Ok(Value::Number(x)) = random(&[], rand::random()) else {
                panic!("not a number");
            };
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn uuids() {
        let Value::String(u) = uuid_v4() else {
            panic!("no uuid");
        };
        assert_eq!(u.len(), 36);
        assert_eq!(u.chars().nth(14), Some('4'));
        assert!(
            u.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(!matches!(uuid_v4(), Value::String(v) if v == u));
    }

    #[test]
    fn parses() {
        // Recorded on AWS.
        let p = |s: &str| show(parse(&[Value::string(s)]));
        assert_eq!(p("-0"), "0");
        assert_eq!(p("1"), "1");
        assert_eq!(p("1.1"), "1.1");
        assert_eq!(p("true"), "true");
        assert_eq!(p("\"HelloWorld\""), "HelloWorld");
        assert_eq!(p("[1, 2, \"HelloWorld\"]"), "[1,2,\"HelloWorld\"]");
        assert_eq!(p("{\"Arg1\": 1, \"Arg2\": []}"), "{\"Arg1\":1,\"Arg2\":[]}");
        assert_eq!(p("{bad"), "ERR InvalidJson");
        assert_eq!(show(parse(&[Value::Undefined])), "undefined");
    }
}
