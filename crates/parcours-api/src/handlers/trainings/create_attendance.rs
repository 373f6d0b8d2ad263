//! `POST /v1/trainings/{id}/attendance`: who attended one session day. A corrected list replaces the first.

use actix_web::{HttpResponse, post, web};
use parcours_domain::practitioner_training::{RegistrationStatus, check_attendance};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::TrainingDto;
use crate::auth::CriAgent;
use crate::handlers::cases::date_field;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The attendance of one session day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2027-01-12", "present": ["01a20c90-0000-7000-8000-0000000001f2"]}))]
pub struct TrainingAttendanceRequest {
    /// The session day (`YYYY-MM-DD`, past or today).
    #[schema(format = Date)]
    pub date: String,
    /// Registration ids of those present (registered ones only); the others are absent that day.
    pub present: Vec<String>,
}

/// Records a session day's attendance.
///
/// Who attended one session day. A corrected list replaces the first.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Records who attended one session day of the CRI's training: those listed are present, every \
                   other registration absent that day. Sending the day again replaces its list. Audited.",
    params(("id" = String, Path, description = "Training id")),
    request_body = TrainingAttendanceRequest,
    responses(
        (status = 200, description = "The training with its registrations", body = TrainingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown training, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a past session day, an unknown registration, or someone without a place", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/trainings/{id}/attendance")]
pub async fn create_training_attendance(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<TrainingAttendanceRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let day = date_field("date", &body.date)?;
    let actor = actor(&agent.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let training = parcours_store::trainings::lock(conn, &id, agent.cri.code())?;
            let registrations = parcours_store::training_registrations::of_training(conn, &id)?;
            let mut statuses: Vec<RegistrationStatus> = Vec::new();
            for present in &body.present {
                let registration = registrations.iter().find(|r| &r.id == present).ok_or_else(|| {
                    ApiError::Validation(vec![FieldError::new(
                        "present",
                        "unknown_registration",
                        format!("Inscription inconnue pour cette formation : {present}."),
                        format!("Unknown registration for this training: {present}."),
                    )])
                })?;
                statuses.push(registration.status()?);
            }
            check_attendance(&training.training()?, day, &statuses, state.clock.today())?;
            parcours_store::training_registrations::record_attendance(
                conn,
                &id,
                day,
                &body.present,
                &registrations,
                &actor,
                now,
            )?;
            let registrations = parcours_store::training_registrations::of_training(conn, &id)?;
            TrainingDto::new(&training, &registrations, true)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
