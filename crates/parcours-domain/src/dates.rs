//! Calendar arithmetic for legal dates (Belgian calendar, no time zone: a legal date is a `NaiveDate`).

use chrono::{Datelike, Months, NaiveDate};

/// Adds whole months to a legal date, clamping to the last day of the target month
/// (31 August + 18 months = 28 February, or 29 in a leap year), as Belgian practice counts
/// "n mois à dater de".
///
/// Returns `None` only when the result would leave chrono's supported range (year ±262,143),
/// which no legal fact can reach.
pub fn add_months(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))
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
