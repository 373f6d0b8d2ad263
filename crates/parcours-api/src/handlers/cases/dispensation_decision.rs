//! `POST /v1/cases/{id}/dispensation-decisions`: the CRI grants or refuses a dispensation on the evidence
//! (document type, issuer, date: no file is stored). The determination is re-run with the decision and
//! stored in the person's history; when it says "dispensed", the obliged case closes as dispensed.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, DispensationDecision, Evidence};
use parcours_domain::{DispensationCode, Facts, Status, determine};
use parcours_store::determinations;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::dto::stored_determination;
use crate::problem::{ApiError, FieldError};
use crate::request::RequestId;
use crate::state::AppState;

/// The proof examined.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    /// Kind of document (medical certificate, diploma, employment contract...).
    pub document_type: String,
    /// Who issued it.
    pub issuer: String,
    /// Date of the document.
    pub date: String,
}

/// A decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "D5", "granted": true, "date": "2026-12-20", "reason": "Contrat à mi-temps depuis plus de trois mois",
    "evidence": {"document_type": "employment_contract", "issuer": "Employeur SA", "date": "2026-06-01"}
}))]
pub struct DispensationDecisionRequest {
    /// Dispensation (`D1`...`D9`, or a historical one under its regime).
    pub code: String,
    /// Granted or refused.
    pub granted: bool,
    /// Decision date.
    pub date: String,
    /// Why (at most 300 characters).
    pub reason: String,
    /// The proof examined.
    pub evidence: Option<EvidenceRequest>,
}

/// Decides a dispensation.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read")
    ),
    request_body = DispensationDecisionRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/dispensation-decisions")]
pub async fn create_case_dispensation_decision(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<DispensationDecisionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let code = DispensationCode::parse(&body.code).map_err(|_| {
        ApiError::Validation(vec![FieldError::new(
            "code",
            "unknown_dispensation",
            "Dispense inconnue.",
            "Unknown dispensation.",
        )])
    })?;
    if code.rule().automatic {
        return Err(ApiError::Validation(vec![FieldError::new(
            "code",
            "automatic_dispensation",
            "D4 (âge) et D10 (nationalité) s'appliquent d'office et ne se décident pas.",
            "D4 (age) and D10 (nationality) apply automatically and are not decided.",
        )]));
    }
    let date = date_field("date", &body.date)?;
    let reason = short_text("reason", &body.reason, 300)?;
    let evidence = match body.evidence {
        Some(e) => Some(Evidence {
            document_type: short_text("evidence.document_type", &e.document_type, 100)?,
            issuer: short_text("evidence.issuer", &e.issuer, 200)?,
            date: date_field("evidence.date", &e.date)?,
        }),
        None => None,
    };
    let granted = body.granted;
    let organisation = agent.caller.organisation.to_string();
    let now = state.clock.now();
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_dispensation_decision",
        Box::new(move |conn, view, case, reference, today| {
            let decision = DispensationDecision { code, granted, date, reason, evidence };
            let latest = determinations::latest_determination(conn, &view.case.person_id)?
                .ok_or_else(|| ApiError::Internal("case without determination".into()))?;
            let stored: Facts = serde_json::from_str(&latest.facts_json)
                .map_err(|e| ApiError::Internal(format!("stored facts unreadable: {e}")))?;
            let facts = case.facts_after_dispensation_decision(&stored, code, granted);
            let determination = determine(&facts, reference, today).map_err(ApiError::Facts)?;
            let new = stored_determination(&determination, &facts, today, reference)?;
            determinations::insert_determination(conn, &view.case.person_id, &new, &organisation, now)?;
            Ok(CaseCommand::DecideDispensation { decision, dispensed_now: determination.status == Status::Dispensed })
        }),
    )
    .await
}
