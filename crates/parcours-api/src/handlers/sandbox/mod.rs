//! The sandbox's clock (`PARCOURS_ENV=sandbox` only): each organisation reads and moves its own, so that an
//! integrator rehearses in minutes what takes years (a three-year pathway, a missed deadline, a reminder)
//! without changing the dates anyone else sees. Every request runs on its caller's clock
//! (`crate::request::sandbox_clock`); in development and production both endpoints answer 409
//! `sandbox_only`.

pub mod create_advance;
pub mod get;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::{ApiError, Text};
use crate::state::AppState;

/// What a CRI's cases got from the date-driven sweeps run at once on its new date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SandboxSweepDto {
    /// Deadlines (presentation, completion) recorded as missed.
    pub missed_deadlines: usize,
    /// Reminders that came due (`GET /v1/reminders`).
    pub reminders: usize,
    /// Non-compliances detected (`GET /v1/non-compliances`).
    pub non_compliances: usize,
}

/// An organisation's clock in the sandbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"organisation": "cri:CRIPEL", "today": "2029-12-08", "now": "2029-12-08T10:15:00Z",
    "days_ahead": 1097, "sandbox_today": "2026-12-07", "swept": {"missed_deadlines": 2, "reminders": 1, "non_compliances": 2}}))]
pub struct SandboxClockDto {
    /// The caller's organisation (`cri:CRIPEL`, `commune:62063`, `operator:<id>`…).
    pub organisation: String,
    /// Today in Brussels on this organisation's clock: what every request of its tokens sees.
    #[schema(value_type = String, format = Date)]
    pub today: NaiveDate,
    /// Now on this organisation's clock.
    #[schema(value_type = String, format = DateTime)]
    pub now: String,
    /// Days this organisation is ahead of the sandbox's own clock (0 until it moves; it only moves forward).
    pub days_ahead: i64,
    /// Today on the sandbox's own clock, where every organisation starts.
    #[schema(value_type = String, format = Date)]
    pub sandbox_today: NaiveDate,
    /// After a move by a CRI: what the sweeps recorded on its cases at the new date. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swept: Option<SandboxSweepDto>,
}

impl SandboxClockDto {
    /// The clock of `organisation`, `days` ahead.
    pub fn new(state: &AppState, organisation: &str, days: i64, swept: Option<SandboxSweepDto>) -> SandboxClockDto {
        let (today, now, sandbox_today) = crate::clock::with_days_ahead(days, || {
            (state.clock.today(), state.clock.now(), crate::clock::with_days_ahead(0, || state.clock.today()))
        });
        SandboxClockDto {
            organisation: organisation.to_owned(),
            today,
            now: rfc3339(now),
            days_ahead: days,
            sandbox_today,
            swept,
        }
    }
}

fn rfc3339(now: NaiveDateTime) -> String {
    now.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// 409 outside the sandbox.
pub fn require_sandbox(state: &AppState) -> Result<(), ApiError> {
    if state.config.environment == crate::config::Environment::Sandbox {
        return Ok(());
    }
    Err(ApiError::Conflict(
        "sandbox_only",
        Text::new(
            "Seul le bac à sable (PARCOURS_ENV=sandbox) a une horloge que l'on déplace : ici, la date est celle du jour.",
            "Only the sandbox (PARCOURS_ENV=sandbox) has a clock that moves: here the date is today's.",
        ),
    ))
}
