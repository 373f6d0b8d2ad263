//! `POST /v1/trainings`: a CRI plans a training cycle or module for practitioners.

use actix_web::{HttpResponse, post, web};
use parcours_domain::practitioner_training::check_training;
use parcours_store::trainings::TrainingRecord;

use super::{TrainingDto, TrainingRequest};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Plans a training.
///
/// A CRI plans a training cycle or module for practitioners.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Plans a cycle (several sessions) or a module (one) on a base theme or one of the CRI's, with its \
                   place, capacity and trainer. Audited.",
    request_body = TrainingRequest,
    responses(
        (status = 201, description = "The training, with its `Location`", body = TrainingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, unknown theme, sessions out of order, capacity out of range", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/trainings")]
pub async fn create_training(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<TrainingRequest>,
) -> Result<HttpResponse, ApiError> {
    let training = body.into_inner().training()?;
    let actor = actor(&agent.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let themes: Vec<String> =
            parcours_store::training_themes::of_cri(&mut conn, agent.cri.code())?.into_iter().map(|t| t.code).collect();
        check_training(&training, &themes)?;
        let record = TrainingRecord::new(parcours_store::new_id(), agent.cri.code(), &training, state.clock.now())?;
        parcours_store::trainings::insert(&mut conn, &record, &actor)?;
        TrainingDto::new(&record, &[], true)
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/v1/trainings/{}", dto.id))).json(dto))
}
