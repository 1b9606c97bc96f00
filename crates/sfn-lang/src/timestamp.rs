//! RFC 3339 timestamps, as the Amazon States Language uses them.
//!
//! Timestamps appear in a Wait state's `Timestamp` field, as the operands of the
//! `TimestampEquals`, `TimestampLessThan`, … Choice operators, and as what the
//! `IsTimestamp` test recognises. The ASL specification says they MUST conform to
//! RFC 3339 profile ISO 8601, "with the further restrictions that an uppercase `T`
//! must separate the date and time portions, and an uppercase `Z` must denote
//! that a numeric time zone offset is not present".
//!
//! # Grammar
//!
//! ```text
//! timestamp = date "T" time offset
//! date      = YYYY "-" MM "-" DD                 ; four-digit year 0000-9999
//! time      = hh ":" mm ":" ss [ "." 1*9DIGIT ]  ; fraction: 1 to 9 digits
//! offset    = "Z" | ( "+" | "-" ) hh ":" mm
//! ```
//!
//! Every field has exactly the number of digits shown. The checks are:
//!
//! * the separator must be an uppercase `T`: a lowercase `t` or a space (both of
//!   which RFC 3339 itself tolerates) is rejected, as AWS does;
//! * the offset is required, and a UTC offset must be an uppercase `Z`;
//! * month 1-12, day valid for the month (29 February only in leap years),
//!   hour 0-23, minute 0-59, second 0-59, offset hours 0-23 and minutes 0-59;
//! * **leap seconds are rejected**: second `60` is an error. RFC 3339 allows it,
//!   but a leap second cannot be represented as a distinct instant on the
//!   POSIX-style timeline used here, and accepting it would make two different
//!   strings denote the same instant;
//! * **more than nine fractional digits are rejected**, not truncated: nine digits
//!   is nanosecond precision, the finest that AWS records, and silently dropping
//!   digits would make two different timestamps compare equal;
//! * `-00:00` is accepted and means UTC.
//!
//! # Semantics
//!
//! A [`Timestamp`] is an instant (nanoseconds since the Unix epoch, UTC) plus the
//! UTC offset it was written with. Comparison and equality look at the instant
//! only, as AWS does: `2016-03-14T01:59:00Z` equals `2016-03-14T02:59:00+01:00`.
//! The offset is kept so that [`Display`](std::fmt::Display) can print the
//! timestamp in the same local time it was written in.
//!
//! The parser is hand-written: the grammar is small, and a date library would
//! have to be configured away from its own leniencies (lowercase separators,
//! missing offsets, leap seconds, long fractions) to give these exact rules and
//! messages.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::SyntaxError;

const NANOS_PER_SECOND: i128 = 1_000_000_000;
const SECONDS_PER_DAY: i128 = 86_400;
const NANOS_PER_DAY: i128 = SECONDS_PER_DAY * NANOS_PER_SECOND;

/// An RFC 3339 timestamp: an instant in UTC with nanosecond precision, and the
/// UTC offset (in minutes) it was written with.
///
/// Equality, hashing and ordering consider the instant only, so
/// `2016-03-14T01:59:00Z` and `2016-03-14T02:59:00+01:00` are equal; use
/// [`offset_minutes`](Timestamp::offset_minutes) to tell them apart.
#[derive(Clone, Copy, Debug)]
pub struct Timestamp {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    nanos: i128,
    /// The UTC offset the timestamp was written with, in minutes east of UTC.
    offset_minutes: i32,
}

impl Timestamp {
    /// The instant, as nanoseconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_nanos(&self) -> i128 {
        self.nanos
    }

    /// The UTC offset the timestamp was written with, in minutes east of UTC
    /// (`+01:00` is 60, `-05:30` is -330, `Z` is 0).
    pub fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    /// The instant `n` nanoseconds after 1970-01-01T00:00:00Z, written in UTC.
    pub fn from_unix_nanos(n: i128) -> Timestamp {
        Timestamp {
            nanos: n,
            offset_minutes: 0,
        }
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Timestamp {}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in the original offset, e.g. `2016-03-14T02:59:00+01:00`.
    ///
    /// A zero offset prints as `Z`. The fraction is printed only when it is not
    /// zero, without trailing zeros. Years outside 0000-9999 (only reachable
    /// through [`Timestamp::from_unix_nanos`]) print with a sign and as many
    /// digits as needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset_nanos = i128::from(self.offset_minutes) * 60 * NANOS_PER_SECOND;
        let local = self.nanos.saturating_add(offset_nanos);
        let days = local.div_euclid(NANOS_PER_DAY);
        let in_day = local.rem_euclid(NANOS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let seconds = in_day / NANOS_PER_SECOND;
        let fraction = in_day % NANOS_PER_SECOND;
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}")?;
        } else if year < 0 {
            write!(f, "-{:04}", year.unsigned_abs())?;
        } else {
            write!(f, "+{year}")?;
        }
        write!(
            f,
            "-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        )?;
        if fraction != 0 {
            let digits = format!("{fraction:09}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        if self.offset_minutes == 0 {
            f.write_str("Z")
        } else {
            let sign = if self.offset_minutes < 0 { '-' } else { '+' };
            let abs = self.offset_minutes.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
        }
    }
}

/// Parses an RFC 3339 timestamp with the ASL restrictions described in the
/// [module documentation](self).
///
/// The error offset is the byte offset in `text` of the first character that
/// breaks the rules.
pub fn parse_timestamp(text: &str) -> Result<Timestamp, SyntaxError> {
    Scanner { text, pos: 0 }.timestamp()
}

/// A cursor over the bytes of the timestamp being parsed.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl Scanner<'_> {
    fn timestamp(&mut self) -> Result<Timestamp, SyntaxError> {
        const DATE: &str = "must start with a date written YYYY-MM-DD (RFC 3339)";
        let year = self.digits(4, DATE)?;
        self.byte(b'-', DATE)?;
        let month_at = self.pos;
        let month = self.digits(2, DATE)?;
        self.byte(b'-', DATE)?;
        let day_at = self.pos;
        let day = self.digits(2, DATE)?;
        if !(1..=12).contains(&month) {
            return Err(self.error(month_at, format!("has month {month:02}: use 01 to 12")));
        }
        let last_day = days_in_month(year, month);
        if !(1..=last_day).contains(&day) {
            return Err(self.error(
                day_at,
                format!("has day {day:02}, but {year:04}-{month:02} has {last_day} days"),
            ));
        }

        match self.peek() {
            Some(b'T') => self.pos += 1,
            Some(b't' | b' ') => {
                return Err(self.error(
                    self.pos,
                    "must use an uppercase `T` between date and time (RFC 3339)",
                ));
            }
            None => {
                return Err(self.error(
                    self.pos,
                    "has no time: add `T` and a time of day, e.g. `T00:00:00Z` (RFC 3339)",
                ));
            }
            Some(_) => {
                return Err(self.error(
                    self.pos,
                    "must have an uppercase `T` right after the date (RFC 3339)",
                ));
            }
        }

        const TIME: &str = "must have a time of day written hh:mm:ss after the `T` (RFC 3339)";
        let hour_at = self.pos;
        let hour = self.digits(2, TIME)?;
        self.byte(b':', TIME)?;
        let minute_at = self.pos;
        let minute = self.digits(2, TIME)?;
        self.byte(b':', TIME)?;
        let second_at = self.pos;
        let second = self.digits(2, TIME)?;
        if hour > 23 {
            return Err(self.error(hour_at, format!("has hour {hour:02}: use 00 to 23")));
        }
        if minute > 59 {
            return Err(self.error(minute_at, format!("has minute {minute:02}: use 00 to 59")));
        }
        if second == 60 {
            return Err(self.error(
                second_at,
                "has second 60: leap seconds are not accepted, use 00 to 59",
            ));
        }
        if second > 59 {
            return Err(self.error(second_at, format!("has second {second:02}: use 00 to 59")));
        }

        let mut fraction: i128 = 0;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let start = self.pos;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            let count = self.pos - start;
            if count == 0 {
                return Err(self.error(start, "must have at least one digit after the `.`"));
            }
            if count > 9 {
                return Err(self.error(
                    start + 9,
                    "has more than 9 fractional digits: nanoseconds are the finest precision",
                ));
            }
            for &b in &self.text.as_bytes()[start..self.pos] {
                fraction = fraction * 10 + i128::from(b - b'0');
            }
            for _ in count..9 {
                fraction *= 10;
            }
        }

        let offset_minutes: i32 = match self.peek() {
            Some(b'Z') => {
                self.pos += 1;
                0
            }
            Some(b'z') => {
                return Err(self.error(self.pos, "must use an uppercase `Z` for UTC (RFC 3339)"));
            }
            Some(sign @ (b'+' | b'-')) => {
                const OFFSET: &str = "must write its UTC offset as ±hh:mm, e.g. `+01:00`";
                self.pos += 1;
                let offset_hour_at = self.pos;
                let hours = self.digits(2, OFFSET)?;
                self.byte(b':', OFFSET)?;
                let offset_minute_at = self.pos;
                let minutes = self.digits(2, OFFSET)?;
                if hours > 23 {
                    return Err(self.error(
                        offset_hour_at,
                        format!("has offset hour {hours:02}: use 00 to 23"),
                    ));
                }
                if minutes > 59 {
                    return Err(self.error(
                        offset_minute_at,
                        format!("has offset minute {minutes:02}: use 00 to 59"),
                    ));
                }
                // Both are at most two digits, so this cannot overflow.
                let total = (hours * 60 + minutes) as i32;
                if sign == b'-' { -total } else { total }
            }
            None => {
                return Err(self.error(
                    self.pos,
                    "has no UTC offset: add `Z` for UTC or an offset such as `+01:00` (RFC 3339)",
                ));
            }
            Some(_) => {
                return Err(self.error(
                    self.pos,
                    "must end with a UTC offset: `Z` or ±hh:mm (RFC 3339)",
                ));
            }
        };
        if self.pos != self.text.len() {
            return Err(self.error(self.pos, "has unexpected text after its UTC offset"));
        }

        let days = days_from_civil(i128::from(year), month, day);
        let seconds = days * SECONDS_PER_DAY
            + i128::from(hour) * 3600
            + i128::from(minute) * 60
            + i128::from(second)
            - i128::from(offset_minutes) * 60;
        Ok(Timestamp {
            nanos: seconds * NANOS_PER_SECOND + fraction,
            offset_minutes,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Reads exactly `count` ASCII digits.
    fn digits(&mut self, count: usize, what: &str) -> Result<u32, SyntaxError> {
        let mut value = 0;
        for _ in 0..count {
            match self.peek() {
                Some(b @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                }
                _ => return Err(self.error(self.pos, what)),
            }
        }
        Ok(value)
    }

    fn byte(&mut self, expected: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(expected) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(self.pos, what))
        }
    }

    /// An error quoting the timestamp (shortened if it is long).
    fn error(&self, offset: usize, problem: impl fmt::Display) -> SyntaxError {
        const MAX_CHARS: usize = 48;
        let quoted: String = if self.text.chars().count() > MAX_CHARS {
            let mut short: String = self.text.chars().take(MAX_CHARS).collect();
            short.push('…');
            short
        } else {
            self.text.to_owned()
        };
        SyntaxError::new(offset, format!("timestamp `{quoted}` {problem}"))
    }
}

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
///
/// Counts in 400-year eras starting on 1 March, so that the leap day is the last
/// day of its year and the era arithmetic is uniform.
fn days_from_civil(year: i128, month: u32, day: u32) -> i128 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    // Month index counted from March: March = 0, …, February = 11.
    let march_month = i128::from((month + 9) % 12);
    let day_of_year = (153 * march_month + 2) / 5 + i128::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719_468 is the number of days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date (year, month 1-12, day 1-31) of a day number
/// counted from 1970-01-01; the inverse of [`days_from_civil`].
fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    // Both values are small (day 1-31, month 1-12), so the conversions are exact.
    let day = (day_of_year - (153 * march_month + 2) / 5 + 1) as u32;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ts(text: &str) -> Timestamp {
        match parse_timestamp(text) {
            Ok(t) => t,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    fn err(text: &str) -> SyntaxError {
        match parse_timestamp(text) {
            Ok(t) => panic!("{text} parsed as {t}"),
            Err(e) => e,
        }
    }

    #[test]
    fn parses_the_aws_examples() {
        let t = ts("2016-03-14T01:59:00Z");
        assert_eq!(t.unix_nanos(), 1_457_920_740 * NANOS_PER_SECOND);
        assert_eq!(t.offset_minutes(), 0);
        assert_eq!(t.to_string(), "2016-03-14T01:59:00Z");

        let t = ts("2016-03-05T21:29:29.243167252Z");
        assert_eq!(
            t.unix_nanos(),
            1_457_213_369 * NANOS_PER_SECOND + 243_167_252
        );
        assert_eq!(t.to_string(), "2016-03-05T21:29:29.243167252Z");
    }

    #[test]
    fn the_epoch_and_before() {
        assert_eq!(ts("1970-01-01T00:00:00Z").unix_nanos(), 0);
        assert_eq!(
            ts("1969-12-31T23:59:59.5Z").unix_nanos(),
            -NANOS_PER_SECOND / 2
        );
        assert_eq!(
            ts("0000-01-01T00:00:00Z").unix_nanos(),
            -62_167_219_200 * NANOS_PER_SECOND
        );
        assert_eq!(
            ts("9999-12-31T23:59:59.999999999Z").unix_nanos(),
            253_402_300_800 * NANOS_PER_SECOND - 1
        );
    }

    #[test]
    fn offsets_are_kept_and_instants_compared() {
        let utc = ts("2016-03-14T01:59:00Z");
        let plus_one = ts("2016-03-14T02:59:00+01:00");
        let minus = ts("2016-03-13T20:29:00-05:30");
        assert_eq!(plus_one.offset_minutes(), 60);
        assert_eq!(minus.offset_minutes(), -330);
        assert_eq!(utc, plus_one);
        assert_eq!(utc, minus);
        assert_eq!(utc.cmp(&plus_one), Ordering::Equal);
        assert_eq!(plus_one.to_string(), "2016-03-14T02:59:00+01:00");
        assert_eq!(minus.to_string(), "2016-03-13T20:29:00-05:30");
        assert!(ts("2012-10-09T19:00:55Z") < ts("2012-10-09T19:00:56Z"));
        assert!(ts("2012-10-09T19:00:55+01:00") < ts("2012-10-09T19:00:55Z"));
        assert_eq!(
            ts("2023-02-09T09:20:14+00:00"),
            ts("2023-02-09T09:20:14-00:00")
        );

        use std::collections::HashSet;
        let set: HashSet<Timestamp> = [utc, plus_one, minus].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn fractions() {
        assert_eq!(
            ts("2020-01-01T00:00:00.1Z").unix_nanos() % NANOS_PER_SECOND,
            100_000_000
        );
        assert_eq!(
            ts("2020-01-01T00:00:00.000000001Z").unix_nanos() % NANOS_PER_SECOND,
            1
        );
        assert_eq!(
            ts("2020-01-01T00:00:00.120Z").to_string(),
            "2020-01-01T00:00:00.12Z"
        );
        assert_eq!(
            ts("2020-01-01T00:00:00.000Z").to_string(),
            "2020-01-01T00:00:00Z"
        );
        let e = err("2020-01-01T00:00:00.1234567891Z");
        assert!(e.message.contains("more than 9 fractional digits"), "{e}");
        assert_eq!(e.offset, 29);
        assert!(
            err("2020-01-01T00:00:00.Z")
                .message
                .contains("at least one digit")
        );
    }

    #[test]
    fn leap_days() {
        assert!(parse_timestamp("2024-02-29T00:00:00Z").is_ok());
        assert!(parse_timestamp("2000-02-29T00:00:00Z").is_ok());
        let e = err("2023-02-29T00:00:00Z");
        assert_eq!(e.offset, 8);
        assert!(e.message.contains("2023-02 has 28 days"), "{e}");
        assert!(parse_timestamp("1900-02-29T00:00:00Z").is_err());
        assert!(parse_timestamp("2023-04-31T00:00:00Z").is_err());
        assert!(parse_timestamp("2023-01-31T00:00:00Z").is_ok());
    }

    #[test]
    fn separator_and_zone_must_be_uppercase() {
        let e = err("2016-03-14 01:59:00Z");
        assert_eq!(
            e.message,
            "timestamp `2016-03-14 01:59:00Z` must use an uppercase `T` between date and time (RFC 3339)"
        );
        assert_eq!(e.offset, 10);
        assert!(
            err("2016-03-14t01:59:00Z")
                .message
                .contains("uppercase `T`")
        );
        let e = err("2016-03-14T01:59:00z");
        assert!(e.message.contains("uppercase `Z`"), "{e}");
        assert_eq!(e.offset, 19);
    }

    #[test]
    fn offset_is_required() {
        let e = err("2012-10-09T19:00:55");
        assert!(e.message.contains("has no UTC offset"), "{e}");
        assert_eq!(e.offset, 19);
        assert!(err("2016-12-05T21:29:29").message.contains("UTC offset"));
        assert!(err("2016-12-05T21:29:29+0100").message.contains("±hh:mm"));
        assert!(err("2016-12-05T21:29:29+1").message.contains("±hh:mm"));
        assert!(
            err("2016-12-05T21:29:29+24:00")
                .message
                .contains("offset hour 24")
        );
        assert!(
            err("2016-12-05T21:29:29+01:60")
                .message
                .contains("offset minute 60")
        );
        assert!(
            err("2016-12-05T21:29:29ZZ")
                .message
                .contains("after its UTC offset")
        );
        assert!(
            err("2016-12-05T21:29:29 Z")
                .message
                .contains("must end with a UTC offset")
        );
    }

    #[test]
    fn field_ranges() {
        let e = err("2016-12-05T25:29:29Z");
        assert!(e.message.contains("hour 25"), "{e}");
        assert_eq!(e.offset, 11);
        let e = err("2016-13-05T21:29:29Z");
        assert!(e.message.contains("month 13"), "{e}");
        assert_eq!(e.offset, 5);
        assert!(err("2016-00-05T21:29:29Z").message.contains("month 00"));
        assert!(err("2016-01-00T21:29:29Z").message.contains("day 00"));
        assert!(err("2016-01-05T21:60:29Z").message.contains("minute 60"));
        let e = err("2016-12-31T23:59:60Z");
        assert!(e.message.contains("leap seconds are not accepted"), "{e}");
        assert_eq!(e.offset, 17);
        assert!(err("2016-01-05T21:29:61Z").message.contains("second 61"));
    }

    #[test]
    fn shape_errors() {
        for text in [
            "",
            "2016",
            "16-03-14T01:59:00Z",
            "2016-3-14T01:59:00Z",
            "2016/03/14T01:59:00Z",
            "+2016-03-14T01:59:00Z",
            "２０１６-03-14T01:59:00Z",
        ] {
            assert!(err(text).message.contains("YYYY-MM-DD"), "{text}");
        }
        assert!(err("2016-03-14").message.contains("has no time"));
        assert!(err("2016-03-14T1:59:00Z").message.contains("hh:mm:ss"));
        assert!(err("2016-03-14T01:59Z").message.contains("hh:mm:ss"));
        assert!(
            err("2016-03-14X01:59:00Z")
                .message
                .contains("uppercase `T`")
        );
        assert!(
            err("2023-02-24 12:15:56.832957")
                .message
                .contains("uppercase `T`")
        );
    }

    #[test]
    fn long_inputs_are_quoted_shortly() {
        let text = format!("2016-03-14T01:59:00Z{}", "é".repeat(100));
        let e = err(&text);
        assert!(e.message.contains('…'));
        assert!(e.message.len() < 200);
        assert_eq!(e.offset, 20);
    }

    #[test]
    fn from_unix_nanos_displays_in_utc() {
        assert_eq!(
            Timestamp::from_unix_nanos(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix_nanos(-1).to_string(),
            "1969-12-31T23:59:59.999999999Z"
        );
        // Far outside 0000-9999 must still print, not panic.
        assert!(
            Timestamp::from_unix_nanos(i128::MAX)
                .to_string()
                .starts_with('+')
        );
        assert!(
            Timestamp::from_unix_nanos(i128::MIN)
                .to_string()
                .starts_with('-')
        );
        let far_past = -62_167_219_200 * NANOS_PER_SECOND - NANOS_PER_DAY;
        assert_eq!(
            Timestamp::from_unix_nanos(far_past).to_string(),
            "-0001-12-31T00:00:00Z"
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse_timestamp(&text);
        }

        #[test]
        fn near_misses_never_panic(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})?") {
            if let Ok(t) = parse_timestamp(&text) {
                prop_assert_eq!(parse_timestamp(&t.to_string()), Ok(t));
            }
        }

        #[test]
        fn display_round_trips(
            nanos in -62_167_219_200_000_000_000i128..253_402_300_799_000_000_000i128,
            offset in -1439i32..=1439,
        ) {
            let t = Timestamp { nanos, offset_minutes: offset };
            let shown = t.to_string();
            let back = parse_timestamp(&shown);
            // The local time may leave 0000-9999 near the ends of the range.
            if let Ok(back) = back {
                prop_assert_eq!(back.unix_nanos(), nanos);
                prop_assert_eq!(back.offset_minutes(), offset);
                prop_assert_eq!(back.to_string(), shown);
            }
        }

        #[test]
        fn civil_round_trips(days in -10_000_000i128..10_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
