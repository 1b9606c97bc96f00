//! `$toMillis(timestamp, picture)`: reading a timestamp with a date/time
//! picture, the inverse of `$fromMillis`.
//!
//! The picture becomes an anchored regular expression with one group per
//! marker: digits for decimal pictures (exactly the picture's width for a
//! date component with two or more mandatory digits, any number otherwise),
//! letters, roman numerals or words for the other integer pictures, the
//! English names for `[MNn]`, `[FNn]` and `[P]`, and `±hh:mm`-style offsets
//! for `[Z]` / `[z]`. Text that does not match gives undefined.
//!
//! The components read must form an unbroken run of year, month, day, hour,
//! minute, second, millisecond (day-of-year standing for month and day, a
//! 12-hour clock with or without `[P]` for the hour), else D3136. Components
//! above the run come from the current instant (UTC), components below it
//! are their minimum; the fields are then combined as JavaScript's
//! `Date.UTC` does (overflowing into the next field, years 0-99 meaning
//! 1900-1999). A week-date picture (`[X]`, `[W]`, `[F]`) is not supported:
//! its week fields are ignored.

use regex::Regex;

use super::picture::{self, Marker, Part, Presentation};
use super::{Fields, MAX_MILLIS, MONTHS, date_utc};
use crate::jsonata::builtins::EvalError;
use crate::jsonata::stdlib::format::integer::{self, IntegerPicture, Primary};

/// How the text of one group becomes a value.
#[derive(Debug)]
enum Decode {
    Integer(IntegerPicture),
    Month {
        max_width: Option<usize>,
    },
    Weekday,
    AmPm,
    Zone {
        hours_digits: usize,
        separated: bool,
    },
}

/// A marker's group.
#[derive(Debug)]
struct Group {
    component: char,
    decode: Decode,
}

fn d3136() -> EvalError {
    EvalError::new(
        "D3136",
        "The date/time picture string is missing specifiers required to parse the timestamp",
    )
}

/// The regular expression class of a decimal digit family.
fn digit_class(zero: u32) -> String {
    if zero == u32::from('0') {
        "[0-9]".to_owned()
    } else {
        let first = char::from_u32(zero).unwrap_or('0');
        let last = char::from_u32(zero + 9).unwrap_or('9');
        format!("[{first}-{last}]")
    }
}

/// The pattern and decoder of a marker.
fn marker_pattern(m: &Marker) -> Result<(String, Decode), EvalError> {
    match &m.presentation {
        Presentation::Zone { picture: p, .. } => {
            let Ok(Primary::Decimal(d)) = integer::analyse_primary(p) else {
                return Err(picture::d3134());
            };
            let sep_at = p.chars().position(|c| d.separators.contains(&c));
            let prefix = if m.component == 'z' { "GMT" } else { "" };
            match sep_at {
                Some(i) => {
                    let hours: String = p.chars().take(i).collect();
                    let sep: String = p.chars().skip(i).take(1).collect();
                    let hours_fixed = hours.chars().count() >= 2;
                    let h = if hours_fixed {
                        "[0-9]{2}"
                    } else {
                        "[0-9]{1,2}"
                    };
                    Ok((
                        format!("{prefix}([+-]{h}{}[0-9]{{2}})", regex::escape(&sep)),
                        Decode::Zone {
                            hours_digits: 0,
                            separated: true,
                        },
                    ))
                }
                None if d.mandatory <= 2 => Ok((
                    format!("{prefix}([+-][0-9]{{1,2}})"),
                    Decode::Zone {
                        hours_digits: 2,
                        separated: false,
                    },
                )),
                None if d.mandatory <= 4 => Ok((
                    format!("{prefix}([+-][0-9]{{3,4}})"),
                    Decode::Zone {
                        hours_digits: 4,
                        separated: false,
                    },
                )),
                None => Err(picture::d3134()),
            }
        }
        Presentation::Name(_) => match m.component {
            // Any letters; a month is then looked up by its exact name.
            'M' => Ok((
                "([A-Za-z]+)".to_owned(),
                Decode::Month {
                    max_width: m.max_width,
                },
            )),
            'F' => Ok(("([A-Za-z]+)".to_owned(), Decode::Weekday)),
            'P' => Ok(("((?i:am|pm))".to_owned(), Decode::AmPm)),
            other => Err(picture::d3133(other)),
        },
        Presentation::Integer(p) => {
            let p = picture::widened(m, p);
            let pattern = match &p.primary {
                Primary::Decimal(d) => {
                    let class = digit_class(d.zero);
                    let time = matches!(m.component, 'H' | 'h' | 'm' | 's' | 'f');
                    let digits = if !time && d.mandatory >= 2 {
                        format!("({class}{{{}}})", d.mandatory)
                    } else {
                        format!("({class}+)")
                    };
                    if p.ordinal {
                        format!("{digits}(?:st|nd|rd|th)")
                    } else {
                        digits
                    }
                }
                Primary::Letters(true) => "([A-Z]+)".to_owned(),
                Primary::Letters(false) => "([a-z]+)".to_owned(),
                Primary::Roman(true) => "([MDCLXVI]+)".to_owned(),
                Primary::Roman(false) => "([mdclxvi]+)".to_owned(),
                Primary::Words(_) => {
                    let word = integer::words_pattern();
                    format!("((?i:{word}(?:(?:,\\s|\\s|-){word})*))")
                }
            };
            Ok((pattern, Decode::Integer(p)))
        }
    }
}

/// Decodes an integer group.
fn integer_value(text: &str, p: &IntegerPicture) -> f64 {
    match &p.primary {
        // The ordinal suffix is outside the group.
        Primary::Decimal(d) => integer::parse_decimal(text, d, false),
        _ => integer::parse(text, p),
    }
}

/// Decodes an offset group into minutes east of UTC.
fn zone_minutes(text: &str, hours_digits: usize, separated: bool) -> f64 {
    let negative = text.starts_with('-');
    let digits = text.get(1..).unwrap_or("");
    // As in jsonata-js, the sign applies to the hours only: `-05:30` is five
    // hours back and thirty minutes forward.
    let (hours, minutes) = if separated {
        let (h, m) = digits
            .split_once(|c: char| !c.is_ascii_digit())
            .unwrap_or((digits, "0"));
        (integer::js_parse_int(h), integer::js_parse_int(m))
    } else if hours_digits <= 2 {
        (integer::js_parse_int(digits), 0.0)
    } else {
        let n = integer::js_parse_int(digits);
        ((n / 100.0).floor(), n % 100.0)
    };
    let hours = if negative { -hours } else { hours };
    hours * 60.0 + minutes
}

/// The components `$toMillis` combines, in order.
const YEAR: usize = 0;
const MONTH: usize = 1;
const DAY: usize = 2;
const HOUR: usize = 3;
const HOUR12: usize = 4;
const MINUTE: usize = 5;
const SECOND: usize = 6;
const MILLI: usize = 7;
const SLOTS: usize = 8;

/// Reads `text` with `picture`; `Ok(None)` when it does not match.
pub(crate) fn parse_with_picture(
    text: &str,
    picture: &str,
    now_millis: i64,
) -> Result<Option<f64>, EvalError> {
    let parts = picture::parse_picture(picture)?;
    let mut pattern = String::from("^");
    let mut groups = Vec::new();
    for part in &parts {
        match part {
            Part::Literal(s) => pattern.push_str(&regex::escape(s)),
            Part::Marker(m) => {
                if matches!(m.component, 'C' | 'E') {
                    return Err(picture::d3133(m.component));
                }
                let (p, decode) = marker_pattern(m)?;
                pattern.push_str(&p);
                groups.push(Group {
                    component: m.component,
                    decode,
                });
            }
        }
    }
    pattern.push('$');
    if groups.is_empty() {
        return Ok(None);
    }
    let re = Regex::new(&pattern).map_err(|e| EvalError::new("D3136", e.to_string()))?;
    let Some(caps) = re.captures(text) else {
        return Ok(None);
    };

    // Values read, by slot: year, month, day, hour (24-hour), hour (12-hour
    // clock without `[P]`), minute, second, millisecond. A later marker for
    // the same component replaces an earlier one, even with nothing (a
    // month name in the wrong case reads as nothing, as in jsonata-js).
    let mut fields: [Option<f64>; SLOTS] = [None; SLOTS];
    let mut day_of_year: Option<f64> = None;
    let mut pm: Option<bool> = None;
    let mut offset = 0.0;
    for (i, g) in groups.iter().enumerate() {
        let Some(found) = caps.get(i + 1) else {
            continue;
        };
        let s = found.as_str();
        let value = match &g.decode {
            Decode::Integer(p) => Some(integer_value(s, p)),
            Decode::Month { max_width } => MONTHS
                .iter()
                .position(|n| {
                    let n: String = match max_width {
                        Some(m) => n.chars().take(*m).collect(),
                        None => (*n).to_owned(),
                    };
                    n == s
                })
                .map(|i| (i + 1) as f64),
            Decode::Weekday => continue,
            Decode::AmPm => {
                pm = Some(s.eq_ignore_ascii_case("pm"));
                continue;
            }
            Decode::Zone {
                hours_digits,
                separated,
            } => {
                offset = zone_minutes(s, *hours_digits, *separated);
                continue;
            }
        };
        match g.component {
            'Y' => fields[YEAR] = value,
            'M' => fields[MONTH] = value,
            'D' => fields[DAY] = value,
            'd' => day_of_year = value,
            'H' => fields[HOUR] = value,
            'h' => fields[HOUR12] = value,
            'm' => fields[MINUTE] = value,
            's' => fields[SECOND] = value,
            'f' => fields[MILLI] = value,
            // Week-date fields are not used.
            _ => {}
        }
    }
    // With `[P]` the 12-hour clock gives the hour (`[P]` without it: noon
    // for pm, nothing for am).
    if let Some(pm) = pm
        && fields[HOUR].is_none()
    {
        fields[HOUR] = match (fields[HOUR12].take(), pm) {
            (Some(h), true) => Some(if h == 12.0 { h } else { h + 12.0 }),
            (Some(h), false) => Some(if h == 12.0 { 0.0 } else { h }),
            (None, true) => Some(12.0),
            (None, false) => None,
        };
    }
    // A month or day of 0 reads as 1 (jsonata-js treats 0 as absent).
    for i in [MONTH, DAY] {
        if fields[i] == Some(0.0) {
            fields[i] = Some(1.0);
        }
    }
    let present: Vec<bool> = fields.iter().map(Option::is_some).collect();
    let week = groups
        .iter()
        .any(|g| matches!(g.component, 'X' | 'W' | 'x' | 'w'));
    // Week dates are not supported: a week with a time of day but no date
    // is D3136.
    if week
        && present.iter().skip(HOUR).any(|&p| p)
        && !present.iter().take(HOUR).any(|&p| p)
        && day_of_year.is_none()
    {
        return Err(d3136());
    }
    let first = present.iter().position(|&p| p);
    let last = present.iter().rposition(|&p| p);
    let (first, last) = match (first, last) {
        (Some(f), Some(l)) => (f, l),
        _ => {
            // Week dates are not supported; otherwise nothing places the
            // instant and the current time is used (with a day of the
            // year, if read).
            if week {
                return Err(d3136());
            }
            if day_of_year.is_none() {
                return Ok(Some(now_millis as f64 - offset * 60_000.0));
            }
            (SLOTS, SLOTS)
        }
    };
    // A gap in the run is D3136; the 12-hour slot is never a gap.
    if (first..=last).any(|i| i != HOUR12 && !present.get(i).copied().unwrap_or(true)) {
        return Err(d3136());
    }
    let now = Fields::of(now_millis);
    let now_values = [
        now.year, now.month, now.day, now.hour, now.hour, now.minute, now.second, now.millis,
    ];
    let minimum = [0, 1, 1, 0, 0, 0, 0, 0];
    let mut v = [0i64; SLOTS];
    for i in 0..SLOTS {
        let value = if i < first || first == SLOTS {
            now_values[i] as f64
        } else if i > last {
            minimum[i] as f64
        } else {
            match fields[i] {
                Some(x) => x,
                None => minimum[i] as f64,
            }
        };
        if !value.is_finite() || value.abs() > 1e12 {
            return Ok(Some(f64::NAN));
        }
        v[i] = value as i64;
    }
    // A 12-hour clock without `[P]` reads as the hour (a 24-hour one wins).
    if present[HOUR12] && !present[HOUR] {
        v[HOUR] = v[HOUR12];
    }
    // The day of the year counts when neither month nor day was read.
    let use_day_of_year = day_of_year.is_some() && !present[MONTH] && !present[DAY];
    let (month0, day) = match (use_day_of_year, day_of_year) {
        (true, Some(d)) if d.is_finite() && d.abs() <= 1e12 => (0, d as i64),
        (true, _) => return Ok(Some(f64::NAN)),
        _ => (v[MONTH] - 1, v[DAY]),
    };
    let utc = date_utc(
        v[YEAR], month0, day, v[HOUR], v[MINUTE], v[SECOND], v[MILLI],
    );
    let result = utc - offset * 60_000.0;
    Ok(Some(if result.abs() > MAX_MILLIS {
        f64::NAN
    } else {
        result
    }))
}
