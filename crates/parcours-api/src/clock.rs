//! "Today" in Belgium. Legal dates are Belgian calendar dates; the domain never reads the clock, the API
//! does, through the [`Clock`] held in the application state, so that tests (and a development sandbox)
//! set the date they need and nothing depends on the wall clock.
//!
//! In the sandbox each organisation may move its own clock ahead (`POST /v1/sandbox/clock`). A request runs
//! "in" its caller's organisation: [`Scoped`] carries the organisation's days ahead through the request's
//! future and [`block`] into the blocking closure that does its database work, so that every reading of
//! the clock on the request's path (150 of them) sees the caller's date without being told. Outside the
//! sandbox nothing is ever scoped and the offset is zero.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;
use std::task::{Context, Poll};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

/// The service's clock: the wall clock moved by a fixed offset (zero in production). Time keeps moving,
/// so instants stay ordered; only the starting point is chosen.
#[derive(Debug, Default)]
pub struct Clock {
    offset: RwLock<Duration>,
    /// Sandbox only: days ahead of this clock, by organisation (`cri:CRIPEL`).
    organisations: RwLock<HashMap<String, i64>>,
}

thread_local! {
    /// The days ahead of the organisation the code running on this thread works for (sandbox only).
    static SCOPED_DAYS: Cell<i64> = const { Cell::new(0) };
}

/// Restores the thread's previous scope when dropped, a panic included (blocking threads are reused).
struct ScopeGuard(i64);

impl ScopeGuard {
    fn enter(days: i64) -> ScopeGuard {
        ScopeGuard(SCOPED_DAYS.replace(days))
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        SCOPED_DAYS.set(self.0);
    }
}

/// Runs `work` with the clock `days` ahead on this thread (the job runner's per-organisation sweeps).
pub fn with_days_ahead<T>(days: i64, work: impl FnOnce() -> T) -> T {
    let _guard = ScopeGuard::enter(days);
    work()
}

/// The days ahead in force on this thread.
pub fn days_ahead() -> i64 {
    SCOPED_DAYS.get()
}

/// A future that runs with the clock `days` ahead every time it is polled.
pub struct Scoped<F> {
    days: i64,
    inner: Pin<Box<F>>,
}

impl<F> std::fmt::Debug for Scoped<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scoped").field("days", &self.days).finish_non_exhaustive()
    }
}

impl<F: Future> Scoped<F> {
    /// Wraps `inner`.
    pub fn new(days: i64, inner: F) -> Scoped<F> {
        Scoped { days, inner: Box::pin(inner) }
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _guard = ScopeGuard::enter(self.days);
        self.inner.as_mut().poll(cx)
    }
}

/// `actix_web::web::block` that carries the caller's clock into the blocking thread: every handler's
/// database work goes through it.
pub async fn block<F, R>(work: F) -> Result<R, actix_web::error::BlockingError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let days = days_ahead();
    actix_web::web::block(move || with_days_ahead(days, work)).await
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

    /// Now, UTC: for the organisation the current request or sweep works for.
    pub fn instant(&self) -> DateTime<Utc> {
        self.shared_instant() + Duration::days(days_ahead())
    }

    /// Now, UTC, on the clock every organisation starts from (the sandbox's own; the only one elsewhere).
    pub fn shared_instant(&self) -> DateTime<Utc> {
        let offset = match self.offset.read() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        };
        Utc::now() + offset
    }

    /// Sandbox: the days `organisation` is ahead (0 for one that never moved).
    pub fn days_ahead_for(&self, organisation: &str) -> i64 {
        match self.organisations.read() {
            Ok(guard) => guard.get(organisation).copied().unwrap_or(0),
            Err(poisoned) => poisoned.into_inner().get(organisation).copied().unwrap_or(0),
        }
    }

    /// Sandbox: records that `organisation` is `days` ahead.
    pub fn set_days_ahead_for(&self, organisation: &str, days: i64) {
        match self.organisations.write() {
            Ok(mut guard) => guard.insert(organisation.to_owned(), days),
            Err(poisoned) => poisoned.into_inner().insert(organisation.to_owned(), days),
        };
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
    fn a_scope_moves_the_clock_on_its_thread_only_and_ends_with_it() {
        let clock = Clock::starting_at(at("2026-12-07T10:00:00Z"));
        let base = clock.today();
        let ahead = with_days_ahead(1_095, || clock.today());
        assert_eq!(ahead, base + Duration::days(1_095));
        assert_eq!(clock.today(), base, "the scope ended");
        let elsewhere = std::thread::spawn(days_ahead).join().expect("thread");
        assert_eq!(elsewhere, 0);
        let caught = std::panic::catch_unwind(|| with_days_ahead(5, || panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(days_ahead(), 0, "a panic inside a scope does not leave it in force");
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
