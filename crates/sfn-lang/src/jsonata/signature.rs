//! Function signatures `<…>` on lambdas, read as jsonata-js reads them.
//!
//! ```text
//! signature = "<" { param } [ ":" return-type ] ">"
//! param     = type [ "<" subtype ">" ] { "?" | "+" | "-" }
//! type      = "b" | "n" | "s" | "l" | "a" | "o" | "f" | "j" | "x" | "(" types ")"
//! ```
//!
//! As in jsonata-js, other characters are ignored, the return type is not
//! interpreted, and the modifiers must form a valid quantifier (jsonata-js turns
//! the signature into a regular expression, so `n++` is an error there).

use super::ast::{ParamType, Signature, SignatureParam};

/// Parses `text` (which starts with `<`). Errors carry a byte offset in `text`.
pub(super) fn parse_signature(text: &str) -> Result<Signature, (usize, String)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Modifier characters appended to each parameter, checked at the end.
    let mut params: Vec<(SignatureParam, String, usize)> = Vec::new();
    let mut i = 1;
    while let Some(&(offset, c)) = chars.get(i) {
        let ty = match c {
            ':' => break,
            's' => Some(ParamType::String),
            'n' => Some(ParamType::Number),
            'b' => Some(ParamType::Boolean),
            'l' => Some(ParamType::Null),
            'o' => Some(ParamType::Object),
            'a' => Some(ParamType::Array),
            'f' => Some(ParamType::Function),
            'j' => Some(ParamType::Json),
            'x' => Some(ParamType::Any),
            '(' => {
                let end = closing(&chars, i, '(', ')');
                let choice: String = chars[i + 1..end.min(chars.len())]
                    .iter()
                    .map(|&(_, c)| c)
                    .collect();
                if choice.contains('<') {
                    return Err((
                        offset,
                        format!(
                            "choice groups containing parameterized types are not supported: \
                             `({choice})` (JSONata S0402)"
                        ),
                    ));
                }
                i = end;
                Some(ParamType::Choice(choice))
            }
            _ => None,
        };
        if let Some(ty) = ty {
            params.push((
                SignatureParam {
                    ty,
                    subtype: None,
                    optional: false,
                    one_or_more: false,
                    use_context: false,
                },
                String::new(),
                offset,
            ));
            i += 1;
            continue;
        }
        match (c, params.last_mut()) {
            ('-', Some((param, modifiers, _))) => {
                param.use_context = true;
                modifiers.push('?');
            }
            ('?', Some((param, modifiers, _))) => {
                param.optional = true;
                modifiers.push('?');
            }
            ('+', Some((param, modifiers, _))) => {
                param.one_or_more = true;
                modifiers.push('+');
            }
            ('<', last) => match last {
                Some((param, _, _))
                    if matches!(param.ty, ParamType::Array | ParamType::Function) =>
                {
                    let end = closing(&chars, i, '<', '>');
                    let subtype: String = chars[i + 1..end.min(chars.len())]
                        .iter()
                        .map(|&(_, c)| c)
                        .collect();
                    param.subtype = Some(subtype);
                    i = end;
                }
                _ => {
                    return Err((
                        offset,
                        "type parameters can only be applied to functions and arrays \
                         (JSONata S0401)"
                            .to_owned(),
                    ));
                }
            },
            _ => {}
        }
        i += 1;
    }
    let mut out = Vec::with_capacity(params.len());
    for (param, modifiers, offset) in params {
        if !matches!(modifiers.as_str(), "" | "?" | "+" | "??" | "+?") {
            return Err((
                offset,
                format!("invalid signature: the modifiers `{modifiers}` cannot be combined"),
            ));
        }
        out.push(param);
    }
    Ok(Signature {
        text: text.to_owned(),
        params: out,
    })
}

/// The index of the `close` balancing the `open` at `start`, or the length if
/// there is none.
fn closing(chars: &[(usize, char)], start: usize, open: char, close: char) -> usize {
    let mut depth = 1usize;
    let mut i = start + 1;
    while let Some(&(_, c)) = chars.get(i) {
        if c == close {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        } else if c == open {
            depth += 1;
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(ty: ParamType) -> SignatureParam {
        SignatureParam {
            ty,
            subtype: None,
            optional: false,
            one_or_more: false,
            use_context: false,
        }
    }

    #[test]
    fn types_and_modifiers() {
        let sig = parse_signature("<n-s?a<n>x+:n>").map(|s| s.params);
        assert_eq!(
            sig,
            Ok(vec![
                SignatureParam {
                    use_context: true,
                    ..param(ParamType::Number)
                },
                SignatureParam {
                    optional: true,
                    ..param(ParamType::String)
                },
                SignatureParam {
                    subtype: Some("n".into()),
                    ..param(ParamType::Array)
                },
                SignatureParam {
                    one_or_more: true,
                    ..param(ParamType::Any)
                },
            ])
        );
        assert_eq!(
            parse_signature("<(sn)f<n:n>>").map(|s| s.params),
            Ok(vec![
                param(ParamType::Choice("sn".into())),
                SignatureParam {
                    subtype: Some("n:n".into()),
                    ..param(ParamType::Function)
                },
            ])
        );
    }

    #[test]
    fn errors() {
        assert!(parse_signature("<n<s>>").unwrap_err().1.contains("S0401"));
        assert!(parse_signature("<(a<n>)>").unwrap_err().1.contains("S0402"));
        assert!(parse_signature("<n++>").is_err());
        assert!(parse_signature("<n?+>").is_err());
        assert!(parse_signature("<n-?>").is_ok());
        assert!(parse_signature("<?n>").is_ok());
    }
}
