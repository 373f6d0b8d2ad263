//! `POST /v1/cases/{id}/appointments`: CRI staff book a free slot for a case.

use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::{AppointmentChange, AppointmentStatus, check_booking};
use parcours_store::appointments::AppointmentRecord;

use super::{AppointmentDto, SlotChoice, record_change, slot_in_body};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Books an appointment.
///
/// CRI staff book a free slot for a case.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Case id")),
    request_body = SlotChoice,
    responses(
        (status = 201, description = "The appointment (`Location`: `/v1/appointments/{id}`); `appointment_booked` on the case's feed", body = AppointmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown case, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slot is taken (`slot_taken`) or has started (`slot_started`), or the case is no longer open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown slot (`unknown_slot`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/cases/{id}/appointments")]
pub async fn create_case_appointment(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<SlotChoice>,
) -> Result<HttpResponse, ApiError> {
    let slot_id = body.into_inner().slot_id;
    let actor = actor(&agent.caller, &request_id);
    let case_id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let view = parcours_store::cases::load_view(conn, &case_id, cri)?.ok_or(ApiError::NotFound)?;
            let slot = slot_in_body(conn, &slot_id, cri)?;
            parcours_store::appointment_slots::lock(conn, &slot.id)?;
            let taken = parcours_store::appointments::holding_slot(conn, &slot.id)?.is_some();
            check_booking(&slot.slot()?, taken, view.aggregate.state, now.and_utc())?;
            let appointment = AppointmentRecord {
                id: parcours_store::new_id(),
                slot_id: slot.id.clone(),
                case_id: case_id.clone(),
                cri_code: cri.to_owned(),
                status: AppointmentStatus::Booked.code().to_owned(),
                booked_at: now,
                updated_at: now,
                reminder_recorded_at: None,
            };
            parcours_store::appointments::insert(conn, &appointment)?;
            record_change(conn, &appointment, AppointmentChange::Booked, &slot, &actor, now)?;
            parcours_store::audit::append(
                conn,
                &actor,
                "book_appointment",
                "appointment",
                Some(&appointment.id),
                Some(format!("case={case_id}")),
                now,
            )?;
            AppointmentDto::load(conn, &appointment, &slot)
        })
    })
    .await??;
    Ok(dto.respond(true))
}
