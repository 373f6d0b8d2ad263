//! `GET /v1/sandbox/clock`: the caller's organisation's date in the sandbox.

use actix_web::{HttpResponse, get, web};

use super::{SandboxClockDto, require_sandbox};
use crate::auth::Caller;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads your organisation's clock in the sandbox.
///
/// The date every request of your organisation's tokens runs on, and how far ahead of the sandbox's own
/// clock it is. Sandbox only: 409 `sandbox_only` elsewhere.
#[utoipa::path(
    tag = "sandbox",
    responses(
        (status = 200, description = "Your organisation's clock", body = SandboxClockDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A token of a commune code no longer in force", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`sandbox_only`: not a sandbox", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/sandbox/clock")]
pub async fn get_sandbox_clock(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    require_sandbox(&state)?;
    let organisation = caller.organisation.to_string();
    let days = state.clock.days_ahead_for(&organisation);
    Ok(HttpResponse::Ok().json(SandboxClockDto::new(&state, &organisation, days, None)))
}
