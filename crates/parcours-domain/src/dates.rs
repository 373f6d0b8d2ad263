//! Calendar arithmetic for legal dates (Belgian calendar, no time zone: a legal date is a `NaiveDate`).

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, TimeZone, Utc, Weekday};

/// Adds whole months to a legal date, clamping to the last day of the target month
/// (31 August + 18 months = 28 February, or 29 in a leap year), as Belgian practice counts
/// "n mois à dater de".
///
/// Returns `None` only when the result would leave chrono's supported range (year ±262,143),
/// which no legal fact can reach.
pub fn add_months(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))
}

/// The instant as Brussels wall-clock time. Belgium keeps Central European Time (UTC+1) and, under the
/// EU summer-time directive 2000/84/EC, UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on
/// the last Sunday of October. Written out rather than pulled from a time-zone database: the rule has not
/// changed since 1996, and appointments are the only wall-clock times Parcours prints.
pub fn brussels_time(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    let year = instant.year();
    let last_sunday = |month: u32| -> Option<DateTime<Utc>> {
        let day = NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, 5)
            .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, 4))?;
        Some(Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0)?))
    };
    let summer = match (last_sunday(3), last_sunday(10)) {
        (Some(start), Some(end)) => instant >= start && instant < end,
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    let offset = FixedOffset::east_opt(hours * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
    instant.with_timezone(&offset)
}

/// The instant's date in Brussels.
pub fn brussels_date(instant: DateTime<Utc>) -> NaiveDate {
    brussels_time(instant).date_naive()
}

/// Whole years elapsed from `from` to `to` (anniversary counting: 29 February anniversaries fall on
/// 28 February in common years). Negative spans count as zero.
pub fn whole_years_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let years = (to.year() - from.year()) as u32;
    // The anniversary this year, clamped like every other month count (29 February -> 28 February).
    match add_months(from, years * 12) {
        Some(anniversary) if anniversary <= to => years,
        _ => years - 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn brussels_is_one_hour_ahead_in_winter_and_two_in_summer() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().expect("instant");
        assert_eq!(brussels_time(at("2026-12-15T08:30:00Z")).to_rfc3339(), "2026-12-15T09:30:00+01:00");
        assert_eq!(brussels_time(at("2026-07-01T08:30:00Z")).to_rfc3339(), "2026-07-01T10:30:00+02:00");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(brussels_time(at("2026-03-29T00:59:00Z")).to_rfc3339(), "2026-03-29T01:59:00+01:00");
        assert_eq!(brussels_time(at("2026-03-29T01:00:00Z")).to_rfc3339(), "2026-03-29T03:00:00+02:00");
        assert_eq!(brussels_time(at("2026-10-25T00:59:00Z")).to_rfc3339(), "2026-10-25T02:59:00+02:00");
        assert_eq!(brussels_time(at("2026-10-25T01:00:00Z")).to_rfc3339(), "2026-10-25T02:00:00+01:00");
        assert_eq!(brussels_date(at("2026-12-14T23:30:00Z")), NaiveDate::from_ymd_opt(2026, 12, 15).expect("d"));
    }

    #[test]
    fn thirty_first_august_plus_eighteen_months_is_end_of_february_common_year() {
        assert_eq!(add_months(d(2019, 8, 31), 18), Some(d(2021, 2, 28)));
    }

    #[test]
    fn thirty_first_august_plus_eighteen_months_is_twenty_ninth_february_in_leap_year() {
        assert_eq!(add_months(d(2022, 8, 31), 18), Some(d(2024, 2, 29)));
    }

    #[test]
    fn twenty_ninth_february_plus_twelve_months_clamps_to_twenty_eighth() {
        assert_eq!(add_months(d(2024, 2, 29), 12), Some(d(2025, 2, 28)));
    }

    #[test]
    fn whole_years_counts_anniversaries() {
        assert_eq!(whole_years_between(d(2000, 5, 10), d(2018, 5, 9)), 17);
        assert_eq!(whole_years_between(d(2000, 5, 10), d(2018, 5, 10)), 18);
        assert_eq!(whole_years_between(d(2000, 5, 10), d(1999, 5, 10)), 0);
    }

    #[test]
    fn leap_day_birthday_reaches_next_year_on_twenty_eighth_february() {
        assert_eq!(whole_years_between(d(2004, 2, 29), d(2022, 2, 27)), 17);
        assert_eq!(whole_years_between(d(2004, 2, 29), d(2022, 2, 28)), 18);
    }
}
