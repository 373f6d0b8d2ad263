//! `POST /v1/simulations`: the Region asks what an alternative set of dated parameters would change for
//! the determinations of a period. Queued for the job runner (it answers within its next run, with
//! progress); follow it with `GET /v1/simulations/{id}`.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{PolicyChangeDto, SimulationDto};
use crate::auth::RegionAdmin;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// What to simulate.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"period": "2026", "changes": [{"name": "r2024_completion_months", "valid_from": "2024-01-01", "value": "24"}]}))]
pub struct SimulationRequest {
    /// A quarter (`2026-Q3`) or a year (`2026`): the determinations decided in it, the last per person.
    pub period: String,
    /// The alternative: one to twenty changes.
    pub changes: Vec<PolicyChangeDto>,
}

/// Queues a simulation.
///
/// The Region asks what an alternative set of dated parameters would change for
/// the determinations of a period. Queued for the job runner (it answers within its next run, with
/// progress); follow it with `GET /v1/simulations/{id}`.
#[utoipa::path(
    tag = "statistics",
    request_body = SimulationRequest,
    responses(
        (status = 202, description = "Queued; `Location` names it", body = SimulationDto,
         headers(("Location" = String, description = "/v1/simulations/{id}"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A malformed period, an unknown parameter or a value it does not accept (`changes[i].value`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/simulations")]
pub async fn create_simulation(
    state: web::Data<AppState>,
    admin: RegionAdmin,
    request_id: RequestId,
    body: crate::body::Body<SimulationRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let mut errors = Vec::new();
    let period = parcours_domain::statistics::Period::parse(&request.period);
    match period {
        None => errors.push(FieldError::new(
            "period",
            "invalid_period",
            "Période : un trimestre (2026-Q3) ou une année (2026).",
            "Period: a quarter (2026-Q3) or a year (2026).",
        )),
        Some(p) if p.first_day() > state.clock.today() => errors.push(FieldError::new(
            "period",
            "period_in_the_future",
            "La période n'a pas commencé : aucune décision à refaire.",
            "The period has not started: no decision to re-run.",
        )),
        Some(_) => {}
    }
    if request.changes.is_empty() || request.changes.len() > 20 {
        errors.push(FieldError::new("changes", "invalid_length", "De 1 à 20 changements.", "From 1 to 20 changes."));
    }
    let changes: Vec<_> = request.changes.iter().map(PolicyChangeDto::change).collect();
    let actor = actor(&admin.caller, &request_id);
    let changes_json = serde_json::to_string(&request.changes).map_err(|e| ApiError::Internal(e.to_string()))?;
    let period_code = period.map(|p| p.code()).unwrap_or_default();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        if let Err(refused) = parcours_domain::simulation::alternative(&reference, &changes) {
            let (code, fr, en) = match refused.error {
                parcours_domain::parameters::ParameterValueError::UnknownParameter => (
                    "unknown_parameter",
                    "Paramètre inconnu (voir GET /v1/parameters, ou upper_age, r2024_completion_months).".to_owned(),
                    "Unknown parameter (see GET /v1/parameters, or upper_age, r2024_completion_months).".to_owned(),
                ),
                parcours_domain::parameters::ParameterValueError::InvalidValue { expected_fr, expected_en } => {
                    ("invalid_value", format!("Attendu : {expected_fr}."), format!("Expected: {expected_en}."))
                }
                parcours_domain::parameters::ParameterValueError::EffectiveInThePast => {
                    ("invalid_value", "Date refusée.".to_owned(), "Date refused.".to_owned())
                }
            };
            let field = if code == "unknown_parameter" { "name" } else { "value" };
            errors.push(FieldError::new(format!("changes[{}].{field}", refused.index), code, fr, en));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        Ok(parcours_store::simulations::queue(&mut conn, &period_code, &changes_json, &actor, state.clock.now())?)
    })
    .await??;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/v1/simulations/{}", record.id)))
        .json(SimulationDto::new(&record)?))
}
