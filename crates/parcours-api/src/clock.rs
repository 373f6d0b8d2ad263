//! "Today" in Belgium. Legal dates are Belgian calendar dates; the domain never reads the clock, the API
//! does, here only.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) }
            .unwrap_or(NaiveDate::MAX);
    let last = first_of_next.pred_opt().unwrap_or(first_of_next);
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// The date in Brussels at `instant`: UTC+1, or UTC+2 from the last Sunday of March 01:00 UTC to the last
/// Sunday of October 01:00 UTC (EU summer time, Directive 2000/84).
pub fn brussels_date(instant: DateTime<Utc>) -> NaiveDate {
    let year = instant.year();
    let summer_start = last_sunday(year, 3).and_hms_opt(1, 0, 0).map(|t| t.and_utc());
    let summer_end = last_sunday(year, 10).and_hms_opt(1, 0, 0).map(|t| t.and_utc());
    let summer = matches!((summer_start, summer_end), (Some(s), Some(e)) if instant >= s && instant < e);
    let offset = if summer { 2 } else { 1 };
    (instant + Duration::hours(offset)).date_naive()
}

/// Today in Brussels.
pub fn today() -> NaiveDate {
    brussels_date(Utc::now())
}

/// Now, UTC, without time zone (as stored).
pub fn now() -> chrono::NaiveDateTime {
    Utc::now().naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("RFC 3339")
    }

    #[test]
    fn winter_midnight_in_brussels_is_23h_utc() {
        assert_eq!(brussels_date(at("2026-01-14T22:59:59Z")), NaiveDate::from_ymd_opt(2026, 1, 14).expect("date"));
        assert_eq!(brussels_date(at("2026-01-14T23:00:00Z")), NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"));
    }

    #[test]
    fn summer_midnight_in_brussels_is_22h_utc() {
        assert_eq!(brussels_date(at("2026-07-01T22:00:00Z")), NaiveDate::from_ymd_opt(2026, 7, 2).expect("date"));
        assert_eq!(last_sunday(2026, 3).weekday(), Weekday::Sun);
        assert_eq!(last_sunday(2026, 10), NaiveDate::from_ymd_opt(2026, 10, 25).expect("date"));
    }
}
