//! Date/time pictures (XPath F&O 3.1 `format-dateTime`), as jsonata-js
//! 2.0.6 reads them: literal text with `[[` and `]]` escapes, and variable
//! markers `[component presentation, width]` such as `[Y0001]`, `[MNn,3-3]`,
//! `[D1o]`, `[Z01:01t]`. White space inside a marker is ignored.

use crate::jsonata::builtins::EvalError;
use crate::jsonata::stdlib::format::integer::{self, IntegerPicture, Primary, json_string};

/// How a name is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameCase {
    /// `N`: `MARCH`.
    Upper,
    /// `n`: `march`.
    Lower,
    /// `Nn`: `March`.
    Title,
}

/// How a component is presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Presentation {
    /// As an integer picture (with its ordinal flag).
    Integer(IntegerPicture),
    /// As a name.
    Name(NameCase),
    /// A time zone picture: the text after the component letter, without a
    /// trailing `t`.
    Zone {
        /// The digits and separator (`01:01`, `0`, `0101`).
        picture: String,
        /// The `t` modifier: `Z` for a zero offset.
        zulu: bool,
    },
}

/// A variable marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The component letter (`Y`, `M`, `D`, ...).
    pub component: char,
    /// The presentation.
    pub presentation: Presentation,
    /// Minimum width, when given.
    pub min_width: Option<usize>,
    /// Maximum width, when given.
    pub max_width: Option<usize>,
}

/// A piece of a picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// Literal text.
    Literal(String),
    /// A variable marker.
    Marker(Marker),
}

/// The component letters jsonata-js knows.
const COMPONENTS: &str = "YMDdFWwXxHhPmsfZzCE";

fn d3132(spec: &str) -> EvalError {
    EvalError::new(
        "D3132",
        format!(
            "Unknown component specifier {} in date/time picture string",
            json_string(spec)
        ),
    )
}

pub(crate) fn d3133(component: char) -> EvalError {
    EvalError::new(
        "D3133",
        format!(
            "The 'name' modifier can only be applied to months and days in the date/time picture string, not {}",
            json_string(&component.to_string())
        ),
    )
}

pub(crate) fn d3134() -> EvalError {
    EvalError::new(
        "D3134",
        "The timezone integer format specifier cannot have more than four digits",
    )
}

/// The default presentation of a component without one.
fn default_presentation(component: char) -> &'static str {
    match component {
        'F' | 'P' | 'C' | 'E' => "n",
        'm' | 's' => "01",
        'Z' | 'z' => "01:01",
        _ => "1",
    }
}

/// Parses a picture into literals and markers.
pub(crate) fn parse_picture(picture: &str) -> Result<Vec<Part>, EvalError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = picture.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
                literal.push('[');
            }
            ']' if chars.peek() == Some(&']') => {
                chars.next();
                literal.push(']');
            }
            '[' => {
                let mut body = String::new();
                let mut closed = false;
                for m in chars.by_ref() {
                    if m == ']' {
                        closed = true;
                        break;
                    }
                    body.push(m);
                }
                if !closed {
                    return Err(EvalError::new(
                        "D3135",
                        "No matching closing bracket ']' in date/time picture string",
                    ));
                }
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                parts.push(Part::Marker(parse_marker(&body)?));
            }
            _ => literal.push(c),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    Ok(parts)
}

/// Parses the inside of a marker.
fn parse_marker(body: &str) -> Result<Marker, EvalError> {
    let spec: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let mut chars = spec.chars();
    let Some(component) = chars.next().filter(|c| COMPONENTS.contains(*c)) else {
        return Err(d3132(
            spec.get(..spec.chars().next().map_or(0, char::len_utf8))
                .unwrap_or(""),
        ));
    };
    let rest = chars.as_str();
    let (modifiers, width) = match rest.rfind(',') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..)),
        None => (rest, None),
    };
    let (min_width, max_width) = parse_width(width);
    let modifiers = if modifiers.is_empty() {
        default_presentation(component)
    } else {
        modifiers
    };
    let presentation = if component == 'Z' || component == 'z' {
        let (picture, zulu) = match modifiers.strip_suffix('t') {
            Some(p) if !p.is_empty() => (p, true),
            _ => (split_presentation(modifiers).0, false),
        };
        check_zone_picture(picture)?;
        Presentation::Zone {
            picture: picture.to_owned(),
            zulu,
        }
    } else {
        let (token, ordinal) = split_presentation(modifiers);
        match token {
            "N" => Presentation::Name(NameCase::Upper),
            "n" => Presentation::Name(NameCase::Lower),
            "Nn" => Presentation::Name(NameCase::Title),
            _ => Presentation::Integer(IntegerPicture {
                primary: integer::analyse_primary(token)?,
                ordinal,
            }),
        }
    };
    if let Presentation::Name(_) = presentation
        && !matches!(component, 'M' | 'x' | 'F' | 'P' | 'C' | 'E')
    {
        return Err(d3133(component));
    }
    Ok(Marker {
        component,
        presentation,
        min_width,
        max_width,
    })
}

/// D3134 unless a time zone picture is a decimal digit pattern with at most
/// four digits or a separator (`01:01`, `0`, `0101`).
fn check_zone_picture(picture: &str) -> Result<(), EvalError> {
    match integer::analyse_primary(picture) {
        Ok(Primary::Decimal(d)) if !d.separators.is_empty() || d.mandatory <= 4 => Ok(()),
        _ => Err(d3134()),
    }
}

/// Splits a presentation into its format token and the ordinal flag (a
/// trailing `o`, `c` or `t` after a longer token is a modifier).
fn split_presentation(p: &str) -> (&str, bool) {
    let count = p.chars().count();
    match p.chars().last() {
        Some(last @ ('o' | 'c' | 't')) if count > 1 => {
            (p.get(..p.len() - 1).unwrap_or(p), last == 'o')
        }
        _ => (p, false),
    }
}

/// Parses a width modifier `min-max` (`*` for unbounded).
fn parse_width(width: Option<&str>) -> (Option<usize>, Option<usize>) {
    let Some(width) = width else {
        return (None, None);
    };
    let (min, max) = match width.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (width, None),
    };
    let number = |s: &str| -> Option<usize> {
        if s == "*" {
            None
        } else {
            s.parse::<usize>().ok().map(|n| n.min(1000))
        }
    };
    (number(min), max.and_then(number))
}

/// The integer picture of a marker after its width modifier: a minimum
/// width raises the number of mandatory digits; for years, months and days
/// a maximum width sets it (jsonata-js: `[D001,1-1]` is `6`, `[D1,*-2]` is
/// `06`); grouping separators stay.
pub(crate) fn widened(marker: &Marker, picture: &IntegerPicture) -> IntegerPicture {
    let mut p = picture.clone();
    if let Primary::Decimal(d) = &mut p.primary {
        let mut digits = d.mandatory;
        if let Some(min) = marker.min_width {
            digits = digits.max(min);
        }
        if matches!(marker.component, 'D' | 'M' | 'Y')
            && let Some(max) = marker.max_width
        {
            digits = max.max(1);
        }
        d.mandatory = digits;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_escapes() {
        let parts = parse_picture("[[x]] [Y]]").expect("picture");
        assert_eq!(parts.first(), Some(&Part::Literal("[x] ".to_owned())));
        assert_eq!(parts.get(2), Some(&Part::Literal("]".to_owned())));
    }

    #[test]
    fn errors() {
        assert_eq!(parse_picture("[Y").map_err(|e| e.code), Err("D3135"));
        let e = parse_picture("[Q]").expect_err("D3132");
        assert_eq!(
            e.message,
            "Unknown component specifier \"Q\" in date/time picture string"
        );
        let e = parse_picture("[]").expect_err("D3132");
        assert_eq!(
            e.message,
            "Unknown component specifier \"\" in date/time picture string"
        );
        let e = parse_picture("[YN]").expect_err("D3133");
        assert_eq!(
            e.message,
            "The 'name' modifier can only be applied to months and days in the date/time picture string, not \"Y\""
        );
        assert_eq!(parse_picture("[Mo]").map_err(|e| e.code), Err("D3130"));
        assert_eq!(parse_picture("[Dt]").map_err(|e| e.code), Err("D3130"));
        assert_eq!(parse_picture("[M#]").map_err(|e| e.code), Err("D3130"));
    }

    #[test]
    fn markers() {
        let parts = parse_picture("[ M01 ,2-3]").expect("picture");
        let Some(Part::Marker(m)) = parts.first() else {
            panic!("marker expected");
        };
        assert_eq!(m.component, 'M');
        assert_eq!((m.min_width, m.max_width), (Some(2), Some(3)));
        let parts = parse_picture("[Z01:01t][D1o][MNn,*-3]").expect("picture");
        assert!(matches!(
            parts.first(),
            Some(Part::Marker(Marker {
                presentation: Presentation::Zone { zulu: true, .. },
                ..
            }))
        ));
        assert!(matches!(
            parts.get(1),
            Some(Part::Marker(Marker {
                presentation: Presentation::Integer(IntegerPicture { ordinal: true, .. }),
                ..
            }))
        ));
        assert!(matches!(
            parts.get(2),
            Some(Part::Marker(Marker {
                presentation: Presentation::Name(NameCase::Title),
                min_width: None,
                max_width: Some(3),
                ..
            }))
        ));
    }
}
