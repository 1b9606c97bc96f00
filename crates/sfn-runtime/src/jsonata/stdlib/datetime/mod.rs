//! Date/time functions: `$now`, `$millis`, `$fromMillis` and `$toMillis`, as
//! jsonata-js 2.0.6 runs them.
//!
//! * `$millis()` and `$now(picture?, timezone?)` read the evaluation's clock
//!   ([`Call::now_millis`]), so every call in one evaluation sees the same
//!   instant.
//! * `$fromMillis(number, picture?, timezone?)` writes a timestamp with an
//!   XPath `format-dateTime` picture (default
//!   `[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]`, giving
//!   `2017-11-07T15:07:51.000Z`). The timezone is `±HHMM`, read the way
//!   jsonata-js reads it (as the integer `±HHMM`: hours are its floor
//!   division by 100 and minutes its remainder, so `-0530` is six hours
//!   back and thirty minutes forward, as in jsonata-js).
//! * `$toMillis(timestamp, picture?)` reads an ISO 8601 timestamp (the forms
//!   JavaScript's `Date.parse` accepts after jsonata-js's format check:
//!   D3110 otherwise, NaN for an impossible date), or, with a picture, the
//!   inverse of `$fromMillis` ([`parse`]): undefined when the text does not
//!   match, D3136 when the picture cannot determine a date.
//!
//! Calendar arithmetic is done here on day numbers (proleptic Gregorian,
//! the whole range of JavaScript dates: ±8.64e15 ms, beyond what `chrono`'s
//! types hold); instants outside that range print as jsonata-js prints an
//! invalid date (`NaN` components).

pub(crate) mod parse;
pub(crate) mod picture;

use std::sync::LazyLock;

use regex::Regex;

use crate::jsonata::builtins::{Builtin, Call, EvalError};
use crate::jsonata::stdlib::format::integer::{self, IntegerPicture, Primary, json_string};
use crate::jsonata::value::Value;

use picture::{Marker, NameCase, Part, Presentation};

/// The functions of this module.
pub(crate) static FUNCTIONS: &[Builtin] = &[
    Builtin {
        name: "now",
        signature: "<s?s?:s>",
        call: now_fn,
    },
    Builtin {
        name: "millis",
        signature: "<:n>",
        call: millis_fn,
    },
    Builtin {
        name: "fromMillis",
        signature: "<n-s?s?:s>",
        call: from_millis_fn,
    },
    Builtin {
        name: "toMillis",
        signature: "<s-s?:n>",
        call: to_millis_fn,
    },
];

/// The picture `$fromMillis` uses without one.
const ISO_PICTURE: &str = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

/// The largest distance from the epoch of a JavaScript date, in ms.
const MAX_MILLIS: f64 = 8.64e15;

const MS_PER_DAY: i64 = 86_400_000;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn at_call(c: &Call<'_>, e: EvalError) -> EvalError {
    c.error(e.code, e.message)
}

fn string_arg(args: &[Value], i: usize) -> Option<&str> {
    match args.get(i) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

fn now_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let now = c.now_millis() as f64;
    from_millis(now, string_arg(&args, 0), string_arg(&args, 1))
        .map(Value::string)
        .map_err(|e| at_call(c, e))
}

fn millis_fn(c: &mut Call<'_>, _args: Vec<Value>) -> Result<Value, EvalError> {
    Ok(Value::Number(c.now_millis() as f64))
}

fn from_millis_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(Value::Number(millis)) = args.first() else {
        return Ok(Value::Undefined);
    };
    from_millis(*millis, string_arg(&args, 1), string_arg(&args, 2))
        .map(Value::string)
        .map_err(|e| at_call(c, e))
}

fn to_millis_fn(c: &mut Call<'_>, args: Vec<Value>) -> Result<Value, EvalError> {
    let Some(text) = string_arg(&args, 0) else {
        return Ok(Value::Undefined);
    };
    let now = c.now_millis();
    match to_millis(text, string_arg(&args, 1), now) {
        Ok(Some(n)) => Ok(Value::Number(n)),
        Ok(None) => Ok(Value::Undefined),
        Err(e) => Err(at_call(c, e)),
    }
}

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

/// The day number (days since 1970-01-01) of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1-12, day 1-31) of a day number.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// JavaScript's `Date.UTC(year, month0, day, h, m, s, ms)` with every field
/// allowed to overflow into the next, and years 0-99 meaning 1900-1999.
/// Computed in 128 bits: fields can be up to 1e12 each.
pub(crate) fn date_utc(year: i64, month0: i64, day: i64, h: i64, m: i64, s: i64, ms: i64) -> f64 {
    let year = if (0..=99).contains(&year) {
        year + 1900
    } else {
        year
    };
    let year = year.saturating_add(month0.div_euclid(12));
    let month = month0.rem_euclid(12) + 1;
    let days = i128::from(days_from_civil(year, month, 1)) + i128::from(day) - 1;
    let total = days * i128::from(MS_PER_DAY)
        + i128::from(h) * 3_600_000
        + i128::from(m) * 60_000
        + i128::from(s) * 1000
        + i128::from(ms);
    total as f64
}

/// The components of an instant in some time zone.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    day_of_year: i64,
    /// ISO day of week, Monday 1 to Sunday 7.
    weekday: i64,
    iso_week: i64,
    iso_year: i64,
    week_of_month: i64,
    week_month: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
}

impl Fields {
    fn of(local_millis: i64) -> Fields {
        let days = local_millis.div_euclid(MS_PER_DAY);
        let in_day = local_millis.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let weekday = (days + 3).rem_euclid(7) + 1;
        // The Thursday of the (Monday to Sunday) week decides which year
        // and month the week belongs to.
        let thursday = days - (weekday - 1) + 3;
        let (t_year, t_month, t_day) = civil_from_days(thursday);
        let iso_week = (thursday - days_from_civil(t_year, 1, 1)) / 7 + 1;
        Fields {
            year,
            month,
            day,
            day_of_year: days - days_from_civil(year, 1, 1) + 1,
            weekday,
            iso_week,
            iso_year: t_year,
            week_of_month: (t_day - 1) / 7 + 1,
            week_month: t_month,
            hour: in_day / 3_600_000,
            minute: in_day / 60_000 % 60,
            second: in_day / 1000 % 60,
            millis: in_day % 1000,
        }
    }
}

/// A time zone offset as jsonata-js reads `±HHMM`: the integer's floor
/// division by 100 gives hours, its (signed) remainder minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Offset {
    hours: i64,
    minutes: i64,
}

impl Offset {
    const UTC: Offset = Offset {
        hours: 0,
        minutes: 0,
    };

    /// Reads a timezone argument; `None` when it is not a number (jsonata-js
    /// then prints `NaN` everywhere).
    fn parse(text: &str) -> Option<Offset> {
        let n = integer::js_parse_int(text);
        if !n.is_finite() || n.abs() > 1e9 {
            return None;
        }
        let n = n as i64;
        Some(Offset {
            hours: n.div_euclid(100),
            minutes: n % 100,
        })
    }

    fn total_minutes(self) -> i64 {
        self.hours * 60 + self.minutes
    }
}

// ---------------------------------------------------------------------------
// $fromMillis
// ---------------------------------------------------------------------------

/// `$fromMillis(millis, picture?, timezone?)`.
pub(crate) fn from_millis(
    millis: f64,
    picture: Option<&str>,
    timezone: Option<&str>,
) -> Result<String, EvalError> {
    let parts = picture::parse_picture(picture.unwrap_or(ISO_PICTURE))?;
    let offset = match timezone {
        Some(tz) => Offset::parse(tz),
        None => Some(Offset::UTC),
    };
    // JavaScript truncates the time value towards zero.
    let millis = millis.trunc();
    let fields = match offset {
        Some(o) if millis.abs() <= MAX_MILLIS => {
            Some(Fields::of(millis as i64 + o.total_minutes() * 60_000))
        }
        _ => None,
    };
    let mut out = String::new();
    for part in &parts {
        match part {
            Part::Literal(s) => out.push_str(s),
            Part::Marker(m) => out.push_str(&format_marker(m, fields.as_ref(), offset)?),
        }
    }
    Ok(out)
}

/// Formats one marker; `fields` is `None` for an invalid date.
fn format_marker(
    marker: &Marker,
    fields: Option<&Fields>,
    offset: Option<Offset>,
) -> Result<String, EvalError> {
    match marker.component {
        'Z' | 'z' => {
            let Presentation::Zone { picture, zulu } = &marker.presentation else {
                return Err(picture::d3134());
            };
            return format_zone(marker.component == 'z', picture, *zulu, offset);
        }
        'C' | 'E' => return Ok("ISO".to_owned()),
        _ => {}
    }
    let Some(f) = fields else {
        return Ok(format_nan(marker));
    };
    let value = match marker.component {
        'Y' => f.year,
        'M' => f.month,
        'D' => f.day,
        'd' => f.day_of_year,
        'F' => f.weekday,
        'W' => f.iso_week,
        'X' => f.iso_year,
        'w' => f.week_of_month,
        'x' => f.week_month,
        'H' => f.hour,
        'h' => match f.hour % 12 {
            0 => 12,
            h => h,
        },
        'P' => {
            // Always a name, whatever the presentation: upper case for `N`.
            let upper = matches!(marker.presentation, Presentation::Name(NameCase::Upper));
            return Ok(match (f.hour >= 12, upper) {
                (true, true) => "PM",
                (true, false) => "pm",
                (false, true) => "AM",
                (false, false) => "am",
            }
            .to_owned());
        }
        'm' => f.minute,
        's' => f.second,
        _ => f.millis,
    };
    match &marker.presentation {
        Presentation::Name(case) => {
            let name = match marker.component {
                'M' | 'x' => MONTHS
                    .get(usize::try_from(value - 1).unwrap_or(0))
                    .copied()
                    .unwrap_or(""),
                _ => DAYS
                    .get(usize::try_from(value - 1).unwrap_or(0))
                    .copied()
                    .unwrap_or(""),
            };
            let mut text = match case {
                NameCase::Upper => name.to_uppercase(),
                NameCase::Lower => name.to_lowercase(),
                NameCase::Title => name.to_owned(),
            };
            if let Some(max) = marker.max_width
                && text.chars().count() > max
            {
                text = text.chars().take(max).collect();
            }
            Ok(text)
        }
        Presentation::Integer(p) => {
            let p = picture::widened(marker, p);
            if marker.component == 'Y' {
                return format_year(value, marker, &p);
            }
            integer::format(value as f64, &p)
        }
        Presentation::Zone { .. } => Err(picture::d3134()),
    }
}

/// A year, reduced to its last digits for a maximum width or a decimal
/// picture of two or more digit positions (`[Y01]` is `18`, `[YA,3-3]` is the
/// letters of 883 for 1883), as jsonata-js does.
fn format_year(year: i64, marker: &Marker, p: &IntegerPicture) -> Result<String, EvalError> {
    let keep = marker.max_width.or(match &p.primary {
        Primary::Decimal(d) if d.mandatory + d.optional >= 2 => Some(d.mandatory + d.optional),
        _ => None,
    });
    let mut abs = year.unsigned_abs();
    if let Some(keep) = keep
        && let Some(modulus) = u32::try_from(keep).ok().and_then(|k| 10u64.checked_pow(k))
    {
        abs %= modulus;
    }
    let body = integer::format(abs as f64, p)?;
    Ok(if year < 0 { format!("-{body}") } else { body })
}

/// What jsonata-js prints for a component of an invalid date.
fn format_nan(marker: &Marker) -> String {
    match &marker.presentation {
        Presentation::Integer(p) => {
            let p = picture::widened(marker, p);
            let mut s = String::new();
            if let Primary::Decimal(d) = &p.primary {
                for _ in 3..d.mandatory {
                    s.push('0');
                }
            }
            s.push_str("NaN");
            s
        }
        _ => "NaN".to_owned(),
    }
}

/// Formats a time zone offset.
fn format_zone(
    gmt: bool,
    picture: &str,
    zulu: bool,
    offset: Option<Offset>,
) -> Result<String, EvalError> {
    let Ok(Primary::Decimal(d)) = integer::analyse_primary(picture) else {
        return Err(picture::d3134());
    };
    let sep_at = picture.chars().position(|c| d.separators.contains(&c));
    if sep_at.is_none() && d.mandatory > 4 {
        return Err(picture::d3134());
    }
    let Some(o) = offset else {
        return Ok("NaN".to_owned());
    };
    let total = o.total_minutes();
    if zulu && total == 0 {
        return Ok("Z".to_owned());
    }
    let fmt = |n: i64, pic: &str| -> Result<String, EvalError> {
        integer::analyse(pic).and_then(|p| integer::format(n as f64, &p))
    };
    let mut out = String::new();
    if gmt {
        out.push_str("GMT");
    }
    out.push(if total < 0 { '-' } else { '+' });
    match sep_at {
        Some(i) => {
            let hours_pic: String = picture.chars().take(i).collect();
            let sep: String = picture.chars().skip(i).take(1).collect();
            let minutes_pic: String = picture.chars().skip(i + 1).collect();
            let hours_pic = if hours_pic.is_empty() {
                "0"
            } else {
                &hours_pic
            };
            let minutes_pic = if minutes_pic.is_empty() {
                "00"
            } else {
                &minutes_pic
            };
            out.push_str(&fmt(o.hours.abs(), hours_pic)?);
            out.push_str(&sep);
            out.push_str(&fmt(o.minutes.abs(), minutes_pic)?);
        }
        None if d.mandatory <= 2 => {
            out.push_str(&fmt(o.hours.abs(), picture)?);
            if o.minutes != 0 {
                out.push(':');
                out.push_str(&fmt(o.minutes, "00")?);
            }
        }
        None => out.push_str(&fmt(o.hours.abs() * 100 + o.minutes.abs(), picture)?),
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// $toMillis
// ---------------------------------------------------------------------------

/// `$toMillis(timestamp, picture?)`: `Ok(None)` for undefined.
pub(crate) fn to_millis(
    text: &str,
    picture: Option<&str>,
    now_millis: i64,
) -> Result<Option<f64>, EvalError> {
    match picture {
        Some(p) => parse::parse_with_picture(text, p, now_millis),
        None => parse_iso(text).map(Some),
    }
}

/// D3110 for a timestamp that is not ISO 8601.
fn d3110(text: &str) -> EvalError {
    EvalError::new(
        "D3110",
        format!(
            "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {}",
            json_string(text)
        ),
    )
}

fn num(s: &str) -> i64 {
    s.parse().unwrap_or(0)
}

/// Reads an ISO 8601 timestamp without a picture. The text must have
/// jsonata-js's accepted shape (`YYYY(-MM)*(-DD)*(Thh:mm:ss)*(.f+)?(±hh:?mm|Z)?`,
/// else D3110); the instant is then what JavaScript's `Date.parse` makes of
/// it (NaN when it cannot), with a timestamp without a zone read as UTC.
pub(crate) fn parse_iso(text: &str) -> Result<f64, EvalError> {
    let shape_ok = ISO_SHAPE.as_ref().is_some_and(|re| re.is_match(text));
    if !shape_ok {
        return Err(d3110(text));
    }
    // The zone, if any, ends the text.
    let mut s = text;
    let mut zone: Option<i64> = None;
    let mut numeric_zone = false;
    if let Some(rest) = s.strip_suffix('Z') {
        zone = Some(0);
        s = rest;
    } else if let Some(found) = ISO_ZONE.as_ref().and_then(|re| re.find(s)) {
        let z = found.as_str();
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let digits: String = z.chars().filter(char::is_ascii_digit).collect();
        let h = num(digits.get(..2).unwrap_or("0"));
        let m = num(digits.get(2..).unwrap_or("0"));
        if h > 23 {
            return Ok(f64::NAN);
        }
        zone = Some(sign * (h * 60 + m));
        numeric_zone = true;
        s = s.get(..found.start()).unwrap_or("");
    }
    let year = num(s.get(..4).unwrap_or("0"));
    s = s.get(4..).unwrap_or("");
    let mut dates: Vec<i64> = Vec::new();
    while let Some(rest) = s.strip_prefix('-') {
        dates.push(num(rest.get(..2).unwrap_or("0")));
        s = rest.get(2..).unwrap_or("");
    }
    let mut times: Vec<(i64, i64, i64)> = Vec::new();
    while let Some(rest) = s.strip_prefix('T') {
        let h = num(rest.get(..2).unwrap_or("0"));
        let m = num(rest.get(3..5).unwrap_or("0"));
        let sec = num(rest.get(6..8).unwrap_or("0"));
        times.push((h, m, sec));
        s = rest.get(8..).unwrap_or("");
    }
    let fraction = s.strip_prefix('.');

    // What Date.parse makes of the accepted shapes.
    if dates.len() > 2 || times.len() > 1 {
        return Ok(f64::NAN);
    }
    let month = dates.first().copied().unwrap_or(1);
    let day = dates.get(1).copied().unwrap_or(1);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Ok(f64::NAN);
    }
    let Some(&(h, mi, sec)) = times.first() else {
        // A date alone: UTC; JavaScript's fallback parser reads `YYYY.M`
        // as a month and rejects other fractions and numeric zones.
        if numeric_zone {
            return Ok(f64::NAN);
        }
        if let Some(f) = fraction {
            // `YYYY.M` and `YYYY-MM.D` (the fraction is the next field).
            let n = num(f);
            return Ok(match dates.len() {
                0 if f.len() <= 2 && (1..=12).contains(&n) => {
                    (days_from_civil(year, n, 1) * MS_PER_DAY) as f64
                }
                1 if f.len() <= 2 && (1..=31).contains(&n) => {
                    ((days_from_civil(year, month, 1) + n - 1) * MS_PER_DAY) as f64
                }
                _ => f64::NAN,
            });
        }
        return Ok(((days_from_civil(year, month, 1) + day - 1) * MS_PER_DAY) as f64);
    };
    let ms = fraction.map_or(0, |f| {
        let mut digits: String = f.chars().take(3).collect();
        while digits.len() < 3 {
            digits.push('0');
        }
        num(&digits)
    });
    if h > 24 || (h == 24 && (mi != 0 || sec != 0 || ms != 0)) {
        return Ok(f64::NAN);
    }
    let days = days_from_civil(year, month, 1) + day - 1;
    let local = days * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
    Ok((local - zone.unwrap_or(0) * 60_000) as f64)
}

/// The timestamps jsonata-js accepts without a picture.
static ISO_SHAPE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[0-9]{4}(-[01][0-9])*(-[0-3][0-9])*(T[0-2][0-9]:[0-5][0-9]:[0-5][0-9])*(\.[0-9]+)?([+-][0-2][0-9]:?[0-5][0-9]|Z)?$",
    )
    .ok()
});

/// A numeric zone at the end of an accepted timestamp.
static ISO_ZONE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[+-][0-2][0-9]:?[0-5][0-9]$").ok());

#[cfg(test)]
mod tests;
