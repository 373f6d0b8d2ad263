//! `POST /v1/appointments/{id}/cancellation`: a booked appointment is cancelled; its slot is free again
//! and the interpreting still open for it is cancelled with it.

use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::{
    AppointmentChange, AppointmentStatus, InterpretingStatus, WelcomeOfficeError, check_cancellation,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AppointmentDto, record_change};
use crate::auth::CriAgent;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Why (optional, for the audit trail only: no personal details).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "La personne a demandé un autre jour."}))]
pub struct CancellationRequest {
    /// At most 200 characters.
    pub reason: Option<String>,
}

/// Cancels an appointment.
///
/// A booked appointment is cancelled; its slot is free again
/// and the interpreting still open for it is cancelled with it.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Appointment id")),
    request_body = CancellationRequest,
    responses(
        (status = 200, description = "The appointment, `cancelled`; `appointment_cancelled` on the case's feed", body = AppointmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown appointment, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not booked any more (`appointment_not_booked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason too long", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/appointments/{id}/cancellation")]
pub async fn create_appointment_cancellation(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<CancellationRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason.as_deref().map(|r| short_text("reason", r, 200)).transpose()?;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let (appointment, slot) = parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            check_cancellation(appointment.status()?)?;
            if parcours_store::appointments::update_booked(conn, &id, AppointmentStatus::Cancelled, &slot.id, now)? != 1
            {
                return Err(WelcomeOfficeError::NotBooked.into());
            }
            for request in parcours_store::interpreting_requests::for_occasion(conn, Some(&id), None)? {
                let status = request.status()?;
                if status.is_open() {
                    parcours_store::interpreting_requests::change_status(
                        conn,
                        &request.id,
                        status,
                        InterpretingStatus::Cancelled,
                        None,
                        now,
                    )?;
                }
            }
            record_change(conn, &appointment, AppointmentChange::Cancelled, &slot, &actor, now)?;
            parcours_store::audit::append(
                conn,
                &actor,
                "cancel_appointment",
                "appointment",
                Some(&id),
                reason.clone(),
                now,
            )?;
            let (cancelled, slot) = parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            AppointmentDto::load(conn, &cancelled, &slot)
        })
    })
    .await??;
    Ok(dto.respond(false))
}
