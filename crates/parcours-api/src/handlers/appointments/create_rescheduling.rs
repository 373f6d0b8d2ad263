//! `POST /v1/appointments/{id}/rescheduling`: a booked appointment moves to another free slot of the same
//! kind; the old slot is free again.

use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::{AppointmentChange, AppointmentStatus, WelcomeOfficeError, check_rescheduling};

use super::{AppointmentDto, SlotChoice, record_change, slot_in_body};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Moves an appointment.
///
/// A booked appointment moves to another free slot of the same
/// kind; the old slot is free again.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Appointment id")),
    request_body = SlotChoice,
    responses(
        (status = 200, description = "The appointment in its new slot; `appointment_moved` on the case's feed", body = AppointmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown appointment, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`appointment_not_booked` (not booked any more), or the new slot is taken (`slot_taken`) or has started (`slot_started`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown slot, or a slot of another kind (`kind_mismatch`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/appointments/{id}/rescheduling")]
pub async fn create_appointment_rescheduling(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<SlotChoice>,
) -> Result<HttpResponse, ApiError> {
    let slot_id = body.into_inner().slot_id;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let (appointment, current) =
                parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            let target = slot_in_body(conn, &slot_id, cri)?;
            parcours_store::appointment_slots::lock(conn, &target.id)?;
            let taken = parcours_store::appointments::holding_slot(conn, &target.id)?.is_some();
            check_rescheduling(appointment.status()?, &current.slot()?, &target.slot()?, taken, now.and_utc())?;
            if parcours_store::appointments::update_booked(conn, &id, AppointmentStatus::Booked, &target.id, now)? != 1
            {
                return Err(WelcomeOfficeError::NotBooked.into());
            }
            record_change(conn, &appointment, AppointmentChange::Moved, &target, &actor, now)?;
            parcours_store::audit::append(
                conn,
                &actor,
                "move_appointment",
                "appointment",
                Some(&id),
                Some(format!("from={} to={}", current.id, target.id)),
                now,
            )?;
            let (moved, slot) = parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            AppointmentDto::load(conn, &moved, &slot)
        })
    })
    .await??;
    Ok(dto.respond(false))
}
