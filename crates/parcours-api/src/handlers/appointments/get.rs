//! `GET /v1/appointments/{id}`: one appointment of the CRI's cases.

use actix_web::{HttpResponse, get, web};

use super::AppointmentDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads an appointment.
///
/// One appointment of the CRI's cases.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "The appointment", body = AppointmentDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown appointment, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/appointments/{id}")]
pub async fn get_appointment(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (appointment, slot) =
            parcours_store::appointments::find(&mut conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)?;
        AppointmentDto::load(&mut conn, &appointment, &slot)
    })
    .await??;
    Ok(dto.respond(false))
}
