//! `POST /v1/data-requests/{id}/decision`: the CRI decides a request, with its reasons (required for a
//! refusal, a partial grant, and any decision on erasure or restriction). Most erasure and restriction
//! requests are refused: the processing is a legal obligation (`reasons` may quote the standard text, see
//! `legal_obligation_reason` in the domain). A granted erasure erases the person at once, in the same
//! transaction, unless a case is open, a sanction procedure is not closed or a legal hold applies (409).
//! A granted rectification is made through `POST /v1/persons/{id}/identities` (versioned, history kept).

use actix_web::{HttpResponse, post, web};
use parcours_store::data_requests::RequestChange;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DataRequestDto, RequestOutcomeDto, outcome_of, refused};
use crate::auth::CriAgent;
use crate::handlers::cases::date_field;
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "refused", "decided_on": "2026-12-15",
    "reasons": "Le traitement est nécessaire au respect d'une obligation légale (RGPD art. 17, §3, b) : le parcours d'intégration est imposé par le CWASS (art. 152/7 à 153/1). Vos données seront effacées au terme de leur durée de conservation."}))]
pub struct DecisionRequest {
    /// Outcome.
    pub outcome: RequestOutcomeDto,
    /// Reasons (20 to 4,000 characters; may be empty for a granted access or rectification).
    #[serde(default)]
    pub reasons: String,
    /// Decided on (`YYYY-MM-DD`; today when absent).
    #[schema(format = Date)]
    pub decided_on: Option<String>,
}

/// Why a granted erasure cannot run now.
#[derive(Debug)]
enum DecisionRefusal {
    Domain(parcours_domain::data_requests::RequestRefusal),
    ErasureBlocked(parcours_domain::law::Bilingual),
}

/// Decides a request.
///
/// The CRI decides a request, with its reasons (required for a
/// refusal, a partial grant, and any decision on erasure or restriction). Most erasure and restriction
/// requests are refused: the processing is a legal obligation (`reasons` may quote the standard text, see
/// `legal_obligation_reason` in the domain). A granted erasure erases the person at once, in the same
/// transaction, unless a case is open, a sanction procedure is not closed or a legal hold applies (409).
/// A granted rectification is made through `POST /v1/persons/{id}/identities` (versioned, history kept).
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Request id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The request, decided; the letter is at `/decision-letter`", body = DataRequestDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A granted erasure that the file's state forbids now (`erasure_blocked`: open case, sanction procedure, legal hold)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Decided already, date out of range, reasons missing (`request_decided`, `date_out_of_range`, `reasons_required`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/data-requests/{id}/decision")]
pub async fn create_data_request_decision(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<DecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let today = state.clock.today();
    let decided_on = match &body.decided_on {
        Some(text) => date_field("decided_on", text)?,
        None => today,
    };
    if body.reasons.chars().count() > 4000 {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reasons",
            "length",
            "Texte de 4 000 caractères au plus.",
            "Text of at most 4,000 characters.",
        )]));
    }
    let outcome = outcome_of(body.outcome);
    let reasons = body.reasons;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let change = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let eraser = actor.clone();
        Ok(parcours_store::data_requests::change_request(
            &mut conn,
            &id,
            agent.cri.code(),
            "decide_data_request",
            &actor,
            now,
            |conn, record, request| {
                if let Err(refusal) = request.decide(outcome, &reasons, decided_on, today) {
                    return Ok(Err(DecisionRefusal::Domain(refusal)));
                }
                if request.grants_erasure() {
                    let facts = parcours_store::erasure_batches::retention_facts(conn, &record.person_id)?;
                    let block = parcours_domain::retention::erasure_on_request_blocked(&facts);
                    if let Some(block) = block {
                        return Ok(Err(DecisionRefusal::ErasureBlocked(block)));
                    }
                    let under = format!("data request {}", record.id);
                    parcours_store::erasure_batches::erase_person(conn, &record.person_id, &under, &eraser, now)?;
                }
                Ok(Ok(()))
            },
        )?)
    })
    .await??;
    match change {
        RequestChange::Changed(record) => Ok(HttpResponse::Ok().json(DataRequestDto::new(&record, today)?)),
        RequestChange::Refused(DecisionRefusal::Domain(refusal)) => Err(refused(refusal, "reasons")),
        RequestChange::Refused(DecisionRefusal::ErasureBlocked(why)) => Err(ApiError::Conflict(
            "erasure_blocked",
            Text::new(
                format!(
                    "L'effacement ne peut pas être accordé maintenant : {}. Refusez-le ou limitez-le, avec vos motifs.",
                    why.fr
                ),
                format!("The erasure cannot be granted now: {}. Refuse or restrict it, with your reasons.", why.en),
            ),
        )),
        RequestChange::NotFound => Err(ApiError::NotFound),
    }
}
