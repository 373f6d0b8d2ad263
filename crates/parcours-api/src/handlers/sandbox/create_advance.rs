//! `POST /v1/sandbox/clock`: moves the caller's organisation's clock forward in the sandbox, to a date or by
//! a number of days. Only forward, as time does: what was recorded stays in order. For a CRI, the sweeps
//! the job runner makes on dates (missed deadlines, reminders, non-compliance) run at once on its cases at
//! the new date, and again at each of their runs; other organisations' clocks and cases do not move.

use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{SandboxClockDto, SandboxSweepDto, require_sandbox};
use crate::auth::{Caller, Organisation};
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// The longest a sandbox clock may run ahead: twenty years, beyond any deadline of the pathway.
pub const MAX_DAYS_AHEAD: i64 = 7_305;

/// Where to move the clock: exactly one of `today` (retried safely) or `advance_days`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"today": "2029-12-08"}))]
pub struct SandboxClockAdvanceRequest {
    /// The date your clock should read (after the one it reads now). Sending it twice moves it once.
    #[schema(value_type = Option<String>, format = Date)]
    pub today: Option<NaiveDate>,
    /// Days to move forward from the date your clock reads now (1 or more). Each call moves again.
    #[schema(minimum = 1, maximum = 7305)]
    pub advance_days: Option<i64>,
}

/// Moves your organisation's clock forward in the sandbox.
///
/// To a date (`today`) or by days (`advance_days`), only forward, up to twenty years ahead of the
/// sandbox's own clock. Every later request of your organisation's tokens runs on the new date; nobody
/// else's does. For a CRI, the missed deadlines, reminders and non-compliances the new date brings are
/// recorded on its cases at once (counted in `swept`). Sandbox only: 409 `sandbox_only` elsewhere.
#[utoipa::path(
    tag = "sandbox",
    request_body = SandboxClockAdvanceRequest,
    responses(
        (status = 200, description = "Moved: your organisation's clock now", body = SandboxClockDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token of a commune code no longer in force", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`sandbox_only`: not a sandbox", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of `today` and `advance_days`, a date not after yours, or beyond twenty years", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/sandbox/clock")]
pub async fn create_sandbox_clock_advance(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::body::Body<SandboxClockAdvanceRequest>,
) -> Result<HttpResponse, ApiError> {
    require_sandbox(&state)?;
    let organisation = caller.organisation.to_string();
    let cri = match &caller.organisation {
        Organisation::Cri(cri) => Some(cri.code().to_owned()),
        _ => None,
    };
    let request = body.into_inner();
    let current = state.clock.days_ahead_for(&organisation);
    let sandbox_today = crate::clock::with_days_ahead(0, || state.clock.today());
    let target = match (request.today, request.advance_days) {
        (Some(today), None) => {
            let days = (today - sandbox_today).num_days();
            if days <= current {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "today",
                    "not_after_current_date",
                    format!(
                        "L'horloge n'avance que vers l'avant : donnez une date après le {}.",
                        sandbox_today + chrono::Duration::days(current)
                    ),
                    format!(
                        "The clock only moves forward: give a date after {}.",
                        sandbox_today + chrono::Duration::days(current)
                    ),
                )]));
            }
            days
        }
        (None, Some(days)) if days >= 1 => current + days,
        (None, Some(_)) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "advance_days",
                "out_of_range",
                "Au moins un jour.",
                "At least one day.",
            )]));
        }
        _ => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "body",
                "one_of_today_or_advance_days",
                "Donnez soit today (une date), soit advance_days (un nombre de jours), pas les deux.",
                "Give either today (a date) or advance_days (a number of days), not both.",
            )]));
        }
    };
    if target > MAX_DAYS_AHEAD {
        return Err(ApiError::Validation(vec![FieldError::new(
            if request.today.is_some() { "today" } else { "advance_days" },
            "beyond_twenty_years",
            "Au plus vingt ans après la date du bac à sable.",
            "At most twenty years after the sandbox's date.",
        )]));
    }
    let dto = crate::clock::block(move || -> Result<SandboxClockDto, ApiError> {
        let mut conn = state.store.conn()?;
        let moved_at = crate::clock::with_days_ahead(0, || state.clock.now());
        let days = i64::from(parcours_store::sandbox_clocks::move_forward(
            &mut conn,
            &organisation,
            i32::try_from(target).unwrap_or(i32::MAX),
            moved_at,
        )?);
        drop(conn);
        state.clock.set_days_ahead_for(&organisation, days);
        let swept = match cri {
            Some(cri) => {
                let sweep = crate::clock::with_days_ahead(days, || crate::jobs::sweep_cri(&state, &cri))?;
                Some(SandboxSweepDto {
                    missed_deadlines: sweep.missed_deadlines,
                    reminders: sweep.reminders,
                    non_compliances: sweep.non_compliances,
                })
            }
            None => None,
        };
        Ok(SandboxClockDto::new(&state, &organisation, days, swept))
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
