//! `POST /v1/trainings/{id}/registrations`: the CRI registers a practitioner; a place while there is one,
//! the waiting list after.

use actix_web::{HttpResponse, post, web};
use parcours_domain::practitioner_training::{RegistrationStatus, Roster};
use parcours_store::training_registrations::TrainingRegistrationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{TrainingRegistrationDto, email_field};
use crate::auth::CriAgent;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A practitioner to register (professional data only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"full_name": "Claire Dubois", "organisation": "CPAS de Seraing", "email": "claire.dubois@cpas-seraing.example.be"}))]
pub struct TrainingRegistrationRequest {
    /// The practitioner's name.
    pub full_name: String,
    /// Their organisation.
    pub organisation: String,
    /// Their professional e-mail (one registration per address and training).
    pub email: String,
}

/// Registers a practitioner.
///
/// The CRI registers a practitioner; a place while there is one,
/// the waiting list after.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Registers a practitioner to one of the CRI's trainings before its first session: `registered` while \
                   a place is free, `waiting_list` after (with the position). A withdrawal gives the place to the \
                   first on the list. One registration per e-mail address and training. Audited.",
    params(("id" = String, Path, description = "Training id")),
    request_body = TrainingRegistrationRequest,
    responses(
        (status = 201, description = "The registration, with the training's `Location`", body = TrainingRegistrationDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown training, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The training started (`training_started`), or this address is registered (`already_registered`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/trainings/{id}/registrations")]
pub async fn create_training_registration(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<TrainingRegistrationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let location = format!("/v1/trainings/{id}");
    let body = body.into_inner();
    let email = email_field(&body.email)?;
    let full_name = short_text("full_name", &body.full_name, 200)?;
    let organisation = short_text("organisation", &body.organisation, 200)?;
    let actor = actor(&agent.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let training = parcours_store::trainings::lock(conn, &id, agent.cri.code())?;
            let existing = parcours_store::training_registrations::of_training(conn, &id)?;
            let entries = existing
                .iter()
                .map(|r| Ok((r.id.clone(), r.status()?)))
                .collect::<Result<Vec<(String, RegistrationStatus)>, ApiError>>()?;
            let mut roster = Roster::new(training.training()?.capacity, entries);
            let registration_id = parcours_store::new_id();
            let status = roster.register(registration_id.clone(), training.first_day, state.clock.today())?;
            let record = TrainingRegistrationRecord {
                id: registration_id,
                training_id: id.clone(),
                full_name,
                organisation,
                email_key: email.to_lowercase(),
                email,
                status: status.code().to_owned(),
                attended_json: "[]".to_owned(),
                registered_at: now,
                updated_at: now,
            };
            parcours_store::training_registrations::insert(conn, &record, &actor)?;
            let mut all = existing;
            all.push(record.clone());
            TrainingRegistrationDto::new(&record, &all)
        })
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", location)).json(dto))
}
