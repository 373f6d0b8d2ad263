//! `POST /v1/training-registrations/{id}/withdrawal`: a practitioner withdraws; the first on the waiting
//! list takes the place.

use actix_web::{HttpResponse, post, web};
use parcours_domain::practitioner_training::{RegistrationStatus, Roster};

use crate::auth::CriAgent;
use crate::handlers::trainings::TrainingDto;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Withdraws a registration.
///
/// A practitioner withdraws; the first on the waiting
/// list takes the place.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Withdraws a registration of one of the CRI's trainings. When it held a place, the oldest \
                   registration on the waiting list takes it, in the same transaction. Audited.",
    params(("id" = String, Path, description = "Registration id")),
    responses(
        (status = 200, description = "The training with its registrations after the withdrawal", body = TrainingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown registration, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn (`already_withdrawn`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/training-registrations/{id}/withdrawal")]
pub async fn create_training_withdrawal(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let actor = actor(&agent.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let registration =
                parcours_store::training_registrations::find(conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)?;
            let training = parcours_store::trainings::lock(conn, &registration.training_id, agent.cri.code())?;
            let all = parcours_store::training_registrations::of_training(conn, &training.id)?;
            let entries = all
                .iter()
                .map(|r| Ok((r.id.clone(), r.status()?)))
                .collect::<Result<Vec<(String, RegistrationStatus)>, ApiError>>()?;
            let mut roster = Roster::new(training.training()?.capacity, entries);
            let promoted = roster.withdraw(&id)?;
            parcours_store::training_registrations::set_status(
                conn,
                &registration,
                RegistrationStatus::Withdrawn,
                &actor,
                now,
            )?;
            if let Some(promoted) = promoted.and_then(|p| all.iter().find(|r| r.id == p)) {
                parcours_store::training_registrations::set_status(
                    conn,
                    promoted,
                    RegistrationStatus::Registered,
                    &actor,
                    now,
                )?;
            }
            let after = parcours_store::training_registrations::of_training(conn, &training.id)?;
            TrainingDto::new(&training, &after, true)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
