//! `POST /v1/interpreting-requests/{id}/status`: the CRI records the interpreting service's answer:
//! confirmed (with its reference), done, or cancelled.

use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::{InterpretingStatus, WelcomeOfficeError, check_interpreting_change};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::InterpretingDto;
use crate::auth::CriAgent;
use crate::handlers::cases::{choice, short_text};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The new status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "confirmed", "provider_reference": "SETIS-2026-1187"}))]
pub struct InterpretingStatusChange {
    /// `confirmed`, `done` or `cancelled`.
    pub status: String,
    /// The interpreting service's reference (at most 60 characters).
    pub provider_reference: Option<String>,
}

/// Records the service's answer.
///
/// The CRI records the interpreting service's answer:
/// confirmed (with its reference), done, or cancelled.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Interpreting request id")),
    request_body = InterpretingStatusChange,
    responses(
        (status = 200, description = "The request after the change", body = InterpretingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown request, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a possible change (`illegal_interpreting_change`), or done before the appointment (`not_yet_held`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status or reference", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/interpreting-requests/{id}/status")]
pub async fn create_interpreting_status_change(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<InterpretingStatusChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let options: Vec<(&str, InterpretingStatus)> = InterpretingStatus::ALL.iter().map(|s| (s.code(), *s)).collect();
    let to = choice("status", &body.status, &options)?;
    let reference = body.provider_reference.as_deref().map(|r| short_text("provider_reference", r, 60)).transpose()?;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let request = parcours_store::interpreting_requests::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            let from = request.status()?;
            let starts_at = match (&request.appointment_id, &request.session_id) {
                (Some(appointment), _) => {
                    parcours_store::appointments::find(conn, appointment, cri)?.ok_or(ApiError::NotFound)?.1.starts_at
                }
                (None, Some(session)) => {
                    parcours_store::collective_sessions::find(conn, session, cri)?.ok_or(ApiError::NotFound)?.starts_at
                }
                (None, None) => return Err(ApiError::Internal("interpreting request without occasion".into())),
            };
            check_interpreting_change(from, to, starts_at.and_utc(), now.and_utc())?;
            let changed =
                parcours_store::interpreting_requests::change_status(conn, &id, from, to, reference.as_deref(), now)?;
            if changed != 1 {
                return Err(WelcomeOfficeError::IllegalInterpretingChange.into());
            }
            parcours_store::audit::append(
                conn,
                &actor,
                "change_interpreting_status",
                "interpreting_request",
                Some(&id),
                Some(format!("{}->{}", from.code(), to.code())),
                now,
            )?;
            parcours_store::interpreting_requests::find(conn, &id, cri)?.ok_or(ApiError::NotFound)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(InterpretingDto::new(&record)))
}
