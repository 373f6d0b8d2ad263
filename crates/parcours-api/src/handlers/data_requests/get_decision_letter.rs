//! `GET /v1/data-requests/{id}/decision-letter`: the decision on a request as the letter the CRI sends
//! the person (PDF, French): the request and its dates, the extension, the outcome and its reasons, the
//! remedies (Data Protection Authority, courts). Rendered from the record; the same decision gives the same
//! letter.

use actix_web::{HttpResponse, get, web};
use parcours_documents::data_protection::{RequestDecisionLetter, render_request_decision};

use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Renders the decision letter.
///
/// The decision on a request as the letter the CRI sends
/// the person (PDF, French): the request and its dates, the extension, the outcome and its reasons, the
/// remedies (Data Protection Authority, courts). Rendered from the record; the same decision gives the same
/// letter.
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The letter (A4, French)", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not decided yet (`request_not_decided`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/data-requests/{id}/decision-letter")]
pub async fn get_data_request_decision_letter(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let cri = agent.cri.code().to_owned();
    let letter = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let Some(record) = parcours_store::data_requests::get_request(&mut conn, &id, &cri, &actor, state.clock.now())?
        else {
            return Ok(None);
        };
        let request = record.request()?;
        let Some(decision) = request.decision.clone() else {
            return Err(ApiError::Conflict(
                "request_not_decided",
                Text::new("Cette demande n'a pas encore reçu de décision.", "This request has not been decided yet."),
            ));
        };
        let person = parcours_store::persons::find_person(&mut conn, &record.person_id)?.ok_or(ApiError::NotFound)?;
        let reference = state.reference_data(&mut conn)?;
        let known = reference.cris().iter().find(|c| c.code.code() == cri);
        Ok(Some(RequestDecisionLetter {
            cri_name: known.map(|c| c.name_fr.clone()).unwrap_or_else(|| cri.clone()),
            city: known.map(|c| c.seat_city.clone()).unwrap_or_default(),
            holder: format!("{} {}", person.surname.to_uppercase(), person.given_names),
            kind: request.kind.label().fr.to_owned(),
            article: request.kind.article().to_owned(),
            received_on: request.received_on,
            due_on: request.due_on(),
            extension: request.extension.as_ref().map(|e| (e.decided_on, e.reason.clone())),
            outcome: decision.outcome.code().to_owned(),
            reasons: decision.reasons.clone(),
            decided_on: decision.decided_on,
        }))
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let pdf = super::super::attestations::render_off_thread("render-data-request-decision", move || {
        render_request_decision(&letter)
    })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"decision-demande-donnees.pdf\""))
        .insert_header(("Cache-Control", "no-store"))
        .body(pdf))
}
