//! JSONata's encoding functions: `$base64encode`, `$base64decode`,
//! `$encodeUrlComponent`, `$encodeUrl`, `$decodeUrlComponent` and
//! `$decodeUrl`.
//!
//! Behaviour follows jsonata-js 2.0.6 running in Node (checked there):
//!
//! * Base64 goes through Node's `Buffer` with the `"binary"` (Latin-1)
//!   encoding, not UTF-8: `$base64encode` encodes the low byte of each UTF-16
//!   code unit (`"é"` is the single byte `E9`, so `"héllo"` gives
//!   `"aOlsbG8="`), and `$base64decode` turns each decoded byte into the
//!   character with that code (U+0000 to U+00FF). For ASCII text this is the
//!   same as UTF-8. Decoding is as lenient as `Buffer`: characters outside
//!   the alphabet (white space, punctuation) are skipped, the URL-safe `-`
//!   and `_` are accepted, decoding stops at the first `=`, and a final lone
//!   character is dropped.
//! * The URL functions are JavaScript's `encodeURIComponent`, `encodeURI`,
//!   `decodeURIComponent` and `decodeURI` (UTF-8 percent-encoding with
//!   uppercase hex); malformed input to the decoders is error D3140.

use crate::jsonata::builtins::{Builtin, EvalError};
use crate::jsonata::stdlib::strings::{arg, at_call, write_json_string};
use crate::jsonata::value::Value;

/// The encoding functions.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "base64encode",
        signature: "<s-:s>",
        call: |c, a| with_string(&a, |s| Ok(base64_encode(s))).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "base64decode",
        signature: "<s-:s>",
        call: |c, a| with_string(&a, |s| Ok(base64_decode(s))).map_err(|e| at_call(c, e)),
    },
    Builtin {
        name: "encodeUrlComponent",
        signature: "<s-:s>",
        call: |c, a| {
            with_string(&a, |s| Ok(percent_encode(s, COMPONENT_UNESCAPED)))
                .map_err(|e| at_call(c, e))
        },
    },
    Builtin {
        name: "encodeUrl",
        signature: "<s-:s>",
        call: |c, a| {
            with_string(&a, |s| Ok(percent_encode(s, URI_UNESCAPED))).map_err(|e| at_call(c, e))
        },
    },
    Builtin {
        name: "decodeUrlComponent",
        signature: "<s-:s>",
        call: |c, a| {
            with_string(&a, |s| percent_decode(s, "", "decodeUrlComponent"))
                .map_err(|e| at_call(c, e))
        },
    },
    Builtin {
        name: "decodeUrl",
        signature: "<s-:s>",
        call: |c, a| {
            with_string(&a, |s| percent_decode(s, URI_RESERVED, "decodeUrl"))
                .map_err(|e| at_call(c, e))
        },
    },
];

/// Applies `f` to the string argument; undefined in, undefined out.
fn with_string(
    args: &[Value],
    f: impl FnOnce(&str) -> Result<String, EvalError>,
) -> Result<Value, EvalError> {
    match arg(args, 0) {
        Value::Undefined => Ok(Value::Undefined),
        Value::String(s) => f(s).map(Value::string),
        _ => Err(EvalError::new(
            "T0410",
            "Argument 1 of function does not match function signature",
        )),
    }
}

/// The Base64 alphabet.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `Buffer.from(s, "binary").toString("base64")`.
fn base64_encode(s: &str) -> String {
    let bytes: Vec<u8> = s.encode_utf16().map(|unit| (unit & 0xFF) as u8).collect();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                let index = ((n >> (18 - 6 * k)) & 0x3F) as usize;
                out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The 6-bit value of a Base64 character as Node reads it (both alphabets).
fn sextet(c: char) -> Option<u32> {
    Some(match c {
        'A'..='Z' => u32::from(c) - u32::from('A'),
        'a'..='z' => u32::from(c) - u32::from('a') + 26,
        '0'..='9' => u32::from(c) - u32::from('0') + 52,
        '+' | '-' => 62,
        '/' | '_' => 63,
        _ => return None,
    })
}

/// `Buffer.from(s, "base64").toString("binary")`.
fn base64_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut count = 0;
    for c in s.chars() {
        if c == '=' {
            break;
        }
        let Some(v) = sextet(c) else {
            continue;
        };
        acc = (acc << 6) | v;
        count += 1;
        if count == 4 {
            for shift in [16, 8, 0] {
                out.push(char::from(((acc >> shift) & 0xFF) as u8));
            }
            acc = 0;
            count = 0;
        }
    }
    match count {
        2 => out.push(char::from(((acc >> 4) & 0xFF) as u8)),
        3 => {
            out.push(char::from(((acc >> 10) & 0xFF) as u8));
            out.push(char::from(((acc >> 2) & 0xFF) as u8));
        }
        _ => {}
    }
    out
}

/// ASCII characters `encodeURIComponent` leaves alone (besides letters and
/// digits).
const COMPONENT_UNESCAPED: &str = "-_.!~*'()";
/// ASCII characters `encodeURI` leaves alone (besides letters and digits).
const URI_UNESCAPED: &str = "-_.!~*'();/?:@&=+$,#";
/// Characters whose escapes `decodeURI` keeps as they are.
const URI_RESERVED: &str = ";/?:@&=+$,#";

/// `encodeURIComponent` / `encodeURI`.
fn percent_encode(s: &str, unescaped: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || (c.is_ascii() && unescaped.contains(c)) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The D3140 error.
fn malformed(name: &str, s: &str) -> EvalError {
    let mut quoted = String::new();
    write_json_string(&mut quoted, s);
    EvalError::new(
        "D3140",
        format!("Malformed URL passed to ${name}(): {quoted}"),
    )
}

/// The byte written as `%XX` at byte offset `i` of `s`.
fn escaped_byte(s: &[u8], i: usize) -> Option<u8> {
    if s.get(i) != Some(&b'%') {
        return None;
    }
    let hi = char::from(*s.get(i + 1)?).to_digit(16)?;
    let lo = char::from(*s.get(i + 2)?).to_digit(16)?;
    Some((hi * 16 + lo) as u8)
}

/// `decodeURIComponent` (empty `keep`) / `decodeURI` (`keep` the reserved
/// characters, whose escapes stay as written).
fn percent_decode(s: &str, keep: &str, name: &str) -> Result<String, EvalError> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut plain_from = 0;
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'%') {
            i += 1;
            continue;
        }
        out.push_str(s.get(plain_from..i).unwrap_or(""));
        let first = escaped_byte(bytes, i).ok_or_else(|| malformed(name, s))?;
        let len = match first {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return Err(malformed(name, s)),
        };
        if len == 1 {
            let c = char::from(first);
            if keep.contains(c) {
                out.push_str(s.get(i..i + 3).unwrap_or(""));
            } else {
                out.push(c);
            }
            i += 3;
        } else {
            let mut seq = vec![first];
            for k in 1..len {
                let b = escaped_byte(bytes, i + 3 * k).ok_or_else(|| malformed(name, s))?;
                seq.push(b);
            }
            // `from_utf8` rejects overlong forms, surrogates and bad
            // continuation bytes, as `decodeURI` does.
            let text = std::str::from_utf8(&seq).map_err(|_| malformed(name, s))?;
            out.push_str(text);
            i += 3 * len;
        }
        plain_from = i;
    }
    out.push_str(s.get(plain_from..).unwrap_or(""));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values from jsonata-js 2.0.6 in Node.

    #[test]
    fn base64() {
        assert_eq!(base64_encode("myuser:mypass"), "bXl1c2VyOm15cGFzcw==");
        assert_eq!(base64_encode("héllo😀"), "aOlsbG89AA==");
        assert_eq!(base64_encode(""), "");
        assert_eq!(base64_encode("ab"), "YWI=");
        assert_eq!(base64_decode("bXl1c2VyOm15cGFzcw=="), "myuser:mypass");
        assert_eq!(
            base64_decode("aMOpbGxv8J+YgA=="),
            "h\u{c3}\u{a9}llo\u{f0}\u{9f}\u{98}\u{80}"
        );
        assert_eq!(base64_decode("bXl1c2VyOm15cGFzcw"), "myuser:mypass");
        assert_eq!(base64_decode("bXl1c2Vy Om15cGFzcw=="), "myuser:mypass");
        assert_eq!(base64_decode("!!!"), "");
        assert_eq!(base64_decode(""), "");
        assert_eq!(base64_decode("/w=="), "\u{ff}");
        assert_eq!(base64_decode("_-8"), "\u{ff}\u{ef}");
        assert_eq!(base64_decode("YQ=Yg=="), "a");
        assert_eq!(base64_decode("YWJj=ZGVm"), "abc");
        assert_eq!(base64_decode("Y"), "");
        assert_eq!(base64_decode("YW"), "a");
        assert_eq!(base64_decode("wyg="), "\u{c3}(");
        assert_eq!(base64_decode("7aCA"), "\u{ed}\u{a0}\u{80}");
        assert!(
            with_string(&[Value::Undefined], |s| Ok(base64_encode(s)))
                .is_ok_and(|v| v.is_undefined())
        );
    }

    #[test]
    fn url_encoding() {
        assert_eq!(
            percent_encode("?x=test&y=ü😀 ", COMPONENT_UNESCAPED),
            "%3Fx%3Dtest%26y%3D%C3%BC%F0%9F%98%80%20"
        );
        assert_eq!(
            percent_encode("-_.!~*'()", COMPONENT_UNESCAPED),
            "-_.!~*'()"
        );
        assert_eq!(
            percent_encode("https://mozilla.org/?x=шеллы#a b;,/?:@&=+$", URI_UNESCAPED),
            "https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B#a%20b;,/?:@&=+$"
        );
    }

    #[test]
    fn url_decoding() {
        let dc = |s: &str| percent_decode(s, "", "decodeUrlComponent");
        let du = |s: &str| percent_decode(s, URI_RESERVED, "decodeUrl");
        assert_eq!(dc("%3Fx%3Dtest"), Ok("?x=test".to_owned()));
        assert_eq!(dc("%E2%82%AC%20%2B+"), Ok("€ ++".to_owned()));
        assert_eq!(dc("%41%61"), Ok("Aa".to_owned()));
        assert_eq!(dc("%f0%9f%98%80"), Ok("😀".to_owned()));
        for bad in ["%", "%E2%82", "%zz", "%C0%80", "%ED%A0%80"] {
            let e = dc(bad).err();
            assert_eq!(
                e.map(|e| (e.code, e.message)),
                Some((
                    "D3140",
                    format!("Malformed URL passed to $decodeUrlComponent(): \"{bad}\"")
                ))
            );
        }
        assert_eq!(
            du("https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B"),
            Ok("https://mozilla.org/?x=шеллы".to_owned())
        );
        assert_eq!(
            du("%3F%23%24%26%2B%2C%2F%3A%3B%3D%40%25"),
            Ok("%3F%23%24%26%2B%2C%2F%3A%3B%3D%40%".to_owned())
        );
        assert_eq!(
            du("%").err().map(|e| e.message),
            Some("Malformed URL passed to $decodeUrl(): \"%\"".to_owned())
        );
    }
}
