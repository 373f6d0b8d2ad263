//! `GET /v1/cases/{id}/appointments`: a case's appointments, latest first.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppointmentDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// A case's appointments.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct AppointmentList {
    /// Latest first.
    pub items: Vec<AppointmentDto>,
}

/// Lists a case's appointments.
///
/// A case's appointments, latest first.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case's appointments, latest first", body = AppointmentList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown case, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cases/{id}/appointments")]
pub async fn list_case_appointments(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let case_id = path.into_inner();
    let items = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = agent.cri.code();
        parcours_store::cases::load_view(&mut conn, &case_id, cri)?.ok_or(ApiError::NotFound)?;
        let mut items = Vec::new();
        for (appointment, slot) in parcours_store::appointments::of_case(&mut conn, &case_id)? {
            items.push(AppointmentDto::load(&mut conn, &appointment, &slot)?);
        }
        Ok(items)
    })
    .await??;
    Ok(HttpResponse::Ok().json(AppointmentList { items }))
}
