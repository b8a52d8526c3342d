//! Calendar dates, checked and formatted without a date-time crate: a briefing only needs
//! days, weekdays and two display formats.

use std::fmt;

/// A valid proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

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

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

impl Date {
    /// 1 January 1970: the date of a claim whose own date could not be read (see
    /// `Claim::complete`), never shown.
    pub const EPOCH: Date = Date { year: 1970, month: 1, day: 1 };

    /// A date, if it exists on the calendar (no 30 February).
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is out of range"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("there is no month {month}"));
        }
        let last = days_in_month(year, month);
        if day == 0 || day > last {
            return Err(format!("{} {year} has {last} days, not {day}", MONTHS[month as usize - 1]));
        }
        Ok(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let ok = parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(format!("`{s}` is not in the form YYYY-MM-DD"));
        }
        let n = |p: &str| p.parse::<u32>().unwrap_or(0);
        Date::new(n(parts[0]) as i32, n(parts[1]), n(parts[2]))
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// The day of the month.
    pub fn day(&self) -> u32 {
        self.day
    }

    /// The date as the number `YYYYMMDD`, which orders as the dates do.
    pub fn number(&self) -> u32 {
        self.year.max(0) as u32 * 10_000 + self.month * 100 + self.day
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's civil algorithm.
    pub fn days_since_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `n` days after this one (before, for negative `n`): the inverse of
    /// [`Date::days_since_epoch`], by the same civil algorithm.
    pub fn plus_days(&self, n: i64) -> Date {
        let z = self.days_since_epoch() + n + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The weekday's English name.
    pub fn weekday(&self) -> &'static str {
        WEEKDAYS[self.weekday_index()]
    }

    /// The day of the week, 0 for Monday to 6 for Sunday.
    pub fn weekday_index(&self) -> usize {
        // 1970-01-01 was a Thursday (index 3 from Monday).
        (self.days_since_epoch() + 3).rem_euclid(7) as usize
    }

    /// The month's English name.
    pub fn month_name(&self) -> &'static str {
        MONTHS[self.month as usize - 1]
    }

    /// Today, in UTC; or the day of `SOURCE_DATE_EPOCH` when it is set (the reproducible
    /// builds convention), so that a message that offers today's date can be tested.
    pub fn today() -> Date {
        let secs =
            std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
                let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
                now.map_or(0, |d| d.as_secs() as i64)
            });
        Date::EPOCH.plus_days(secs.div_euclid(86_400))
    }

    /// "27 February 2026": unambiguous for readers everywhere.
    pub fn long(&self) -> String {
        let mut out = String::with_capacity(20);
        out.push_str(&self.day.to_string());
        out.push(' ');
        out.push_str(self.month_name());
        out.push(' ');
        out.push_str(&self.year.to_string());
        out
    }

    /// `YYYY-MM-DD`, as [`fmt::Display`] writes it.
    pub fn iso(&self) -> String {
        match self.iso_bytes() {
            Some(bytes) => bytes.iter().map(|&b| b as char).collect(),
            None => self.to_string(),
        }
    }

    /// `YYYY-MM-DD` for the years 0 to 9999, written without the formatting machinery:
    /// pages, contexts and `claims.json` write dates tens of thousands of times a build,
    /// and `format!` made that 1.5% of a fresh build's instructions at 2,000 claims.
    fn iso_bytes(&self) -> Option<[u8; 10]> {
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let y = u32::try_from(self.year).ok().filter(|y| *y <= 9999)?;
        let (m, d) = (self.month, self.day);
        (m <= 99 && d <= 99).then(|| {
            [
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(d / 10),
                digit(d),
            ]
        })
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// ISO 8601, `2026-02-27`: for `datetime` attributes and data.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `YYYY-MM-DD` where people read it (JSON, the fingerprints of pages); a count of days
/// in the store's binary tables, where writing and parsing the text was 4% of a `serve`
/// rebuild's CPU at 20,000 claims.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (s.is_human_readable(), self.iso_bytes()) {
            // ASCII digits and dashes: always UTF-8.
            (true, Some(bytes)) => s.serialize_str(std::str::from_utf8(&bytes).unwrap_or_default()),
            (true, None) => s.collect_str(self),
            (false, _) => s.serialize_i64(self.days_since_epoch()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return Ok(Date::EPOCH.plus_days(i64::deserialize(d)?));
        }
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text for people, a count of days for the store; each reads back what it wrote.
    #[test]
    fn dates_serialize_as_text_or_as_days() {
        let d = Date::new(2026, 2, 27).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-02-27\"");
        assert_eq!(serde_json::from_str::<Date>("\"2026-02-27\"").unwrap(), d);
        let bytes = postcard::to_allocvec(&d).unwrap();
        assert!(bytes.len() <= 3, "{bytes:?}");
        assert_eq!(postcard::from_bytes::<Date>(&bytes).unwrap(), d);
    }

    proptest::proptest! {
        /// Dates written without `format!` read as `format!` wrote them, in any year.
        #[test]
        fn dates_are_written_as_format_wrote_them(y in -20_000i32..20_000, m in 1u32..=12, d in 1u32..=28) {
            if let Ok(date) = Date::new(y, m, d) {
                proptest::prop_assert_eq!(date.iso(), format!("{y:04}-{m:02}-{d:02}"));
                proptest::prop_assert_eq!(date.long(), format!("{d} {} {y}", date.month_name()));
                proptest::prop_assert_eq!(serde_json::to_string(&date).unwrap(), format!("\"{y:04}-{m:02}-{d:02}\""));
            }
        }
    }

    #[test]
    fn days_added_and_taken_away() {
        let d = Date::new(2024, 2, 28).unwrap();
        assert_eq!(d.plus_days(1), Date::new(2024, 2, 29).unwrap());
        assert_eq!(d.plus_days(2), Date::new(2024, 3, 1).unwrap());
        assert_eq!(Date::new(2026, 1, 1).unwrap().plus_days(-1), Date::new(2025, 12, 31).unwrap());
        for n in [-800_000, -1, 0, 1, 59, 365, 1_000_000] {
            assert_eq!(Date::EPOCH.plus_days(n).days_since_epoch(), n);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(Date::new(2026, 2, 30).is_err());
        assert!(Date::new(2026, 13, 1).is_err());
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(2100, 2, 29).is_err());
        assert!(Date::parse("2026-2-27").is_err());
        assert!(Date::parse("27/02/2026").is_err());
    }

    #[test]
    fn weekdays() {
        assert_eq!(Date::parse("2026-02-27").unwrap().weekday(), "Friday");
        assert_eq!(Date::parse("2025-10-28").unwrap().weekday(), "Tuesday");
        assert_eq!(Date::parse("1970-01-01").unwrap().weekday(), "Thursday");
        assert_eq!(Date::parse("2000-02-29").unwrap().weekday(), "Tuesday");
    }

    #[test]
    fn formats() {
        let d = Date::parse("2026-02-07").unwrap();
        assert_eq!(d.to_string(), "2026-02-07");
        assert_eq!(d.long(), "7 February 2026");
    }
}
