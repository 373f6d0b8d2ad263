//! `POST /v1/cases/{id}/dispensation-decisions`: the CRI grants or refuses a dispensation on the evidence
//! (document type, issuer, date: no file is stored). The determination is re-run with the decision and
//! stored in the person's history; when it says "dispensed", the obliged case closes as dispensed.
//!
//! A D1 grant names the attestation obtained before (`prior_attestation`: issuer, number, date), in
//! Wallonia or in another community or region (rules.md rule 2.2, §12-13); the determination then names it
//! too. A Walloon one must be a valid attestation of this register held by the same person.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::attestation::AttestationSerial;
use parcours_domain::case::{CaseCommand, DispensationDecision, Evidence};
use parcours_domain::dispensation::{PriorAttestation, PriorAttestationIssuer};
use parcours_domain::{DispensationCode, Facts, Status, determine};
use parcours_store::{attestations, determinations};
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
    #[schema(format = Date)]
    pub date: String,
}

/// The attestation obtained before, for D1.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"issuer": "flanders", "serial": "AGII-2025-004711", "issued_on": "2025-03-14"}))]
pub struct PriorAttestationRequest {
    /// Who issued it.
    pub issuer: crate::dto::PriorAttestationIssuerDto,
    /// Its number as printed (1 to 60 letters, digits, spaces, `-`, `/`, `.`); for `wallonia`, the serial
    /// of this register (`CRIPEL-ATT-2027-000123`).
    pub serial: String,
    /// Its issue date.
    #[schema(format = Date)]
    pub issued_on: String,
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
    #[schema(format = Date)]
    pub date: String,
    /// Why (at most 300 characters).
    pub reason: String,
    /// The proof examined.
    pub evidence: Option<EvidenceRequest>,
    /// For D1 only, and required to grant it: the attestation obtained before.
    #[serde(default)]
    pub prior_attestation: Option<PriorAttestationRequest>,
}

/// Decides a dispensation.
///
/// The CRI grants or refuses a dispensation on the evidence
/// (document type, issuer, date: no file is stored). The determination is re-run with the decision and
/// stored in the person's history; when it says "dispensed", the obliged case closes as dispensed.
///
/// A D1 grant names the attestation obtained before (`prior_attestation`: issuer, number, date), in
/// Wallonia or in another community or region (rules.md rule 2.2, §12-13); the determination then names it
/// too. A Walloon one must be a valid attestation of this register held by the same person.
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
    let prior_request = match (code, body.prior_attestation) {
        (DispensationCode::D1, Some(prior)) => Some(prior),
        (DispensationCode::D1, None) if granted => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "prior_attestation",
                "prior_attestation_required",
                "Accorder D1 demande l'attestation déjà obtenue : émetteur, numéro et date (seul un parcours achevé \
                 dispense).",
                "Granting D1 needs the attestation obtained before: issuer, number and date (only a completed \
                 pathway dispenses).",
            )]));
        }
        (DispensationCode::D1, None) => None,
        (_, Some(_)) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "prior_attestation",
                "prior_attestation_only_for_d1",
                "Une attestation déjà obtenue ne se joint qu'à une décision D1.",
                "An attestation obtained before goes only with a D1 decision.",
            )]));
        }
        (_, None) => None,
    };
    let prior_issued_on = match &prior_request {
        Some(prior) => Some(date_field("prior_attestation.issued_on", &prior.issued_on)?),
        None => None,
    };
    let organisation = agent.caller.organisation.to_string();
    let now = state.clock.now();
    // The evidence (a medical certificate, for some codes) is sealed under the data key, bound to the case.
    let keys = state.config.data_keys.clone();
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_dispensation_decision",
        Box::new(move |conn, view, case, reference, today| {
            let latest = determinations::latest_determination(conn, &view.case.person_id)?
                .ok_or_else(|| ApiError::Internal("case without determination".into()))?;
            let stored: Facts = serde_json::from_str(&latest.facts_json)
                .map_err(|e| ApiError::Internal(format!("stored facts unreadable: {e}")))?;
            let prior_attestation = match (prior_request, prior_issued_on) {
                (Some(prior), Some(issued_on)) => {
                    let issuer = PriorAttestationIssuer::from(prior.issuer);
                    let checked = PriorAttestation::new(issuer, &prior.serial, issued_on, stored.birth_date, date)
                        .map_err(|e| {
                            let message = e.message();
                            ApiError::Validation(vec![FieldError::new(
                                "prior_attestation",
                                e.code(),
                                message.fr,
                                message.en,
                            )])
                        })?;
                    if issuer == PriorAttestationIssuer::Wallonia {
                        walloon_attestation_of_the_same_person(conn, &checked, &view.case.person_id)?;
                    }
                    Some(checked)
                }
                _ => None,
            };
            let evidence = evidence.map(|evidence| keys.seal(&evidence, &view.case.id));
            let decision = DispensationDecision { code, granted, date, reason, evidence, prior_attestation };
            let facts = case.facts_after_dispensation_decision(&stored, &decision);
            let determination = determine(&facts, reference, today).map_err(ApiError::Facts)?;
            let new = stored_determination(&determination, &facts, today, reference)?;
            determinations::insert_determination(conn, &view.case.person_id, &new, &organisation, now)?;
            Ok(CaseCommand::DecideDispensation { decision, dispensed_now: determination.status == Status::Dispensed })
        }),
    )
    .await
}

/// A Walloon attestation invoked for D1 must be one this register issued, still valid, to the same person:
/// anything else answers like an unknown number, so that the check reveals nothing about other people.
fn walloon_attestation_of_the_same_person(
    conn: &mut parcours_store::DbConnection,
    prior: &PriorAttestation,
    person_id: &str,
) -> Result<(), ApiError> {
    let unknown = || {
        ApiError::Validation(vec![FieldError::new(
            "prior_attestation.serial",
            "prior_attestation_unknown",
            "Aucune attestation valide de ce numéro n'a été délivrée à cette personne en Wallonie.",
            "No valid attestation with this number was issued to this person in Wallonia.",
        )])
    };
    let serial = AttestationSerial::parse(&prior.serial).ok_or_else(unknown)?;
    let record = attestations::find_valid_held_by(conn, &serial.to_string(), person_id)?.ok_or_else(unknown)?;
    if record.issued_on != prior.issued_on {
        return Err(unknown());
    }
    Ok(())
}
