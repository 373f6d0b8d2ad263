//! `POST /v1/interpreting-requests`: the CRI asks for an interpreter at one of its appointments (still
//! booked) or collective sessions (not yet held).

use actix_web::{HttpResponse, post, web};
use parcours_domain::case::InterpretingMode;
use parcours_domain::welcome_office::{InterpretingStatus, check_interpreting_request, is_language_code};
use parcours_store::interpreting_requests::InterpretingRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::InterpretingDto;
use crate::auth::CriAgent;
use crate::handlers::cases::choice;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// What to ask for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"appointment_id": "01a20c90-0000-7000-8000-0000000000f3", "language": "ar", "mode": "on_site"}))]
pub struct InterpretingRequest {
    /// The appointment (give this or `session_id`).
    pub appointment_id: Option<String>,
    /// The collective session.
    pub session_id: Option<String>,
    /// Language (ISO 639-1, or 639-3 without a two-letter code).
    pub language: String,
    /// `on_site`, `phone` or `video`.
    pub mode: String,
}

/// Asks for an interpreter.
///
/// The CRI asks for an interpreter at one of its appointments (still
/// booked) or collective sessions (not yet held).
#[utoipa::path(
    tag = "welcome-office",
    request_body = InterpretingRequest,
    responses(
        (status = 201, description = "The request, `requested`", body = InterpretingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown appointment or session, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`appointment_not_booked` (no longer booked), or the session has started (`session_started`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of appointment and session, invalid language or mode", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/interpreting-requests")]
pub async fn create_interpreting_request(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<InterpretingRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.appointment_id.is_some() == body.session_id.is_some() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "appointment_id",
            "one_occasion",
            "Donnez soit appointment_id, soit session_id.",
            "Give either appointment_id or session_id.",
        )]));
    }
    let language = body.language.trim().to_lowercase();
    if !is_language_code(&language) {
        let error = parcours_domain::welcome_office::WelcomeOfficeError::InvalidLanguage;
        return Err(error.into());
    }
    let modes: Vec<(&str, InterpretingMode)> = InterpretingMode::ALL.iter().map(|m| (m.code(), *m)).collect();
    let mode = choice("mode", &body.mode, &modes)?;
    let actor = actor(&agent.caller, &request_id);
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let (appointment_status, starts_at) = match (&body.appointment_id, &body.session_id) {
                (Some(id), _) => {
                    let (appointment, slot) =
                        parcours_store::appointments::find(conn, id, cri)?.ok_or(ApiError::NotFound)?;
                    (Some(appointment.status()?), slot.starts_at)
                }
                (None, Some(id)) => (
                    None,
                    parcours_store::collective_sessions::find(conn, id, cri)?.ok_or(ApiError::NotFound)?.starts_at,
                ),
                (None, None) => return Err(ApiError::Internal("no occasion after validation".into())),
            };
            check_interpreting_request(appointment_status, starts_at.and_utc(), now.and_utc())?;
            let record = InterpretingRecord {
                id: parcours_store::new_id(),
                cri_code: cri.to_owned(),
                appointment_id: body.appointment_id.clone(),
                session_id: body.session_id.clone(),
                language: language.clone(),
                mode: mode.code().to_owned(),
                status: InterpretingStatus::Requested.code().to_owned(),
                provider_reference: None,
                requested_at: now,
                updated_at: now,
            };
            parcours_store::interpreting_requests::insert(conn, &record)?;
            parcours_store::audit::append(
                conn,
                &actor,
                "create_interpreting_request",
                "interpreting_request",
                Some(&record.id),
                None,
                now,
            )?;
            Ok(record)
        })
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/interpreting-requests/{}", record.id)))
        .json(InterpretingDto::new(&record)))
}
