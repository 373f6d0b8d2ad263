//! `GET /v1/trainings/{id}`: one of the CRI's trainings with its registrations.

use actix_web::{HttpResponse, get, web};

use super::TrainingDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a training.
///
/// One of the CRI's trainings with its registrations.
#[utoipa::path(
    tag = "practitioner-training",
    description = "One of the caller's CRI's trainings, with its registrations in order (places, then the waiting \
                   list with each one's position) and the days each practitioner attended.",
    params(("id" = String, Path, description = "Training id")),
    responses(
        (status = 200, description = "The training", body = TrainingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown training, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/trainings/{id}")]
pub async fn get_training(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record =
            parcours_store::trainings::find(&mut conn, &id, Some(agent.cri.code()))?.ok_or(ApiError::NotFound)?;
        let registrations = parcours_store::training_registrations::of_training(&mut conn, &id)?;
        TrainingDto::new(&record, &registrations, true)
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
