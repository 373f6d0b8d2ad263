//! "Today" in Belgium. Legal dates are Belgian calendar dates; the domain never reads the clock, the API
//! does, through the [`Clock`] held in the application state, so that tests (and a development sandbox)
//! set the date they need and nothing depends on the wall clock.

use std::sync::RwLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

/// The service's clock: the wall clock moved by a fixed offset (zero in production). Time keeps moving,
/// so instants stay ordered; only the starting point is chosen.
#[derive(Debug, Default)]
pub struct Clock {
    offset: RwLock<Duration>,
}

impl Clock {
    /// The wall clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `instant` now and moves on from there.
    pub fn starting_at(instant: DateTime<Utc>) -> Clock {
        let clock = Clock::default();
        clock.set(instant);
        clock
    }

    /// Moves the clock so that it reads `instant` now.
    pub fn set(&self, instant: DateTime<Utc>) {
        let offset = instant - Utc::now();
        match self.offset.write() {
            Ok(mut guard) => *guard = offset,
            Err(poisoned) => *poisoned.into_inner() = offset,
        }
    }

    /// Now, UTC.
    pub fn instant(&self) -> DateTime<Utc> {
        let offset = match self.offset.read() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        };
        Utc::now() + offset
    }

    /// Now, UTC, without time zone (as stored).
    pub fn now(&self) -> NaiveDateTime {
        self.instant().naive_utc()
    }

    /// Today in Brussels.
    pub fn today(&self) -> NaiveDate {
        brussels_date(self.instant())
    }
}

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
