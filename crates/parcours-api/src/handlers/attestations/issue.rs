//! `POST /v1/cases/{id}/attestations`: the CRI issues the attestation of a case that earned it (rule 5.1),
//! or a corrected one that supersedes the attestation in force (`supersedes` with a `correction_reason`).
//! The commune of reference of an obliged person receives a notice with the serial (rule 5.2).

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Datelike;
use parcours_documents::verification::{OfflinePayload, holder_hash};
use parcours_domain::attestation::{
    AttestationSerial, AttestationStatus, attestation_eligibility, comparable_surname, issued_step, superseded_step,
};
use parcours_store::attestations::AttestationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AttestationContent, AttestationDto, AttestedAxisDto, document_of, render, sha256_hex};
use crate::auth::CriAgent;
use crate::handlers::cases::if_match;
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// What to issue: nothing for a first attestation; `supersedes` and `correction_reason` for a correction.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct IssueAttestationRequest {
    /// The serial of the attestation in force that this one corrects.
    #[serde(default)]
    pub supersedes: Option<String>,
    /// Why the correction (required with `supersedes`; kept with the new attestation).
    #[serde(default)]
    pub correction_reason: Option<String>,
}

/// Issues the attestation of a case.
///
/// The CRI issues the attestation of a case that earned it (rule 5.1),
/// or a corrected one that supersedes the attestation in force (`supersedes` with a `correction_reason`).
/// The commune of reference of an obliged person receives a notice with the serial (rule 5.2).
#[utoipa::path(
    tag = "attestations",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"7\""),
        ("Idempotency-Key" = String, Header, description = "Required: a UUID per attestation; a retry with the same key returns the same serial")
    ),
    request_body = IssueAttestationRequest,
    responses(
        (status = 201, description = "Issued: `Location` is /v1/attestations/{serial}", body = AttestationDto),
        (status = 400, description = "Missing Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case held by the CRI", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not eligible (`reason`; `missing` lists each axis with its hours attended against those required), an attestation already in force, or the CRI's settings missing", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The case changed since it was read (`current_version`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A correction without its reason", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/cases/{id}/attestations")]
pub async fn create_case_attestation(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<IssueAttestationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let case_id = path.into_inner();
    let correction_reason = body.correction_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if body.supersedes.is_some() && correction_reason.is_none() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "correction_reason",
            "required",
            "Une correction doit dire pourquoi.",
            "A correction must say why.",
        )]));
    }
    let correction_reason = correction_reason.map(str::to_owned);
    let canonical = format!("{case_id}|{expected}|{:?}|{:?}", body.supersedes, correction_reason);
    let key = Idempotency {
        organisation: caller.organisation.to_string(),
        key: idempotency::key(&req)?,
        request_hash: idempotency::request_hash(canonical.as_bytes()),
    };
    let actor = actor(&caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let (now, today) = (state.clock.now(), state.clock.today());
        idempotency::run(&mut conn, Some(&key), &actor, now, |conn| {
            let view = parcours_store::cases::load_view(conn, &case_id, cri.code())?.ok_or(ApiError::NotFound)?;
            if view.case.version != expected {
                return Err(ApiError::PreconditionFailed(view.case.version));
            }
            let threshold = *reference.parameters.attendance_threshold_percent.on(today);
            let grounds = attestation_eligibility(&view.aggregate, &view.attended_minutes(), threshold)
                .map_err(ApiError::NotEligible)?;
            let in_force = parcours_store::attestations::for_case(conn, &case_id)?
                .into_iter()
                .find(|a| a.status == AttestationStatus::Valid);
            match (&body.supersedes, &in_force) {
                (None, Some(current)) => {
                    return Err(ApiError::Conflict(
                        "attestation_already_issued",
                        Text::new(
                            format!(
                                "L'attestation {} est en vigueur : corrigez-la (supersedes) ou révoquez-la.",
                                current.serial
                            ),
                            format!(
                                "Attestation {} is in force: correct it (supersedes) or revoke it.",
                                current.serial
                            ),
                        ),
                    ));
                }
                (Some(named), current) if current.as_ref().map(|c| &c.serial) != Some(named) => {
                    return Err(ApiError::Conflict(
                        "attestation_not_in_force",
                        Text::new(
                            "Seule l'attestation en vigueur de ce dossier peut être corrigée.",
                            "Only the attestation in force of this case can be corrected.",
                        ),
                    ));
                }
                _ => {}
            }
            let settings = parcours_store::cri_settings::get(conn, cri.code())?.ok_or_else(|| {
                ApiError::Conflict(
                    "cri_settings_missing",
                    Text::new(
                        "Le CRI doit d'abord enregistrer son adresse et son signataire (PUT /v1/cri-settings).",
                        "The CRI must first record its address and signatory (PUT /v1/cri-settings).",
                    ),
                )
            })?;
            let cri_name = reference
                .cris()
                .iter()
                .find(|c| c.code == cri)
                .map_or_else(|| cri.code().to_owned(), |c| c.name_fr.clone());
            let number = parcours_store::attestations::next_number(conn, cri.code(), today.year())?;
            let serial = AttestationSerial { cri, year: today.year(), number };
            let person = &view.person;
            let content = AttestationContent {
                kind: grounds.kind.code().to_owned(),
                surname: person.surname.clone(),
                given_names: person.given_names.clone(),
                birth_date: person.birth_date,
                obliged: grounds.obliged,
                cri: cri.code().to_owned(),
                cri_name,
                cri_address: settings.office_address.lines().map(str::to_owned).collect(),
                regime: grounds.regime.code().to_owned(),
                axes: grounds
                    .axes
                    .iter()
                    .map(|a| AttestedAxisDto {
                        axis: a.axis.code().to_owned(),
                        outcome: a.outcome.code().to_owned(),
                        required_hours: a.required_hours,
                        attended_minutes: a.attended_minutes,
                    })
                    .collect(),
                completed_on: grounds.completed_on,
                issued_on: today,
                signatory_name: settings.signatory_name,
                signatory_function: settings.signatory_function,
                basis: grounds.kind.basis().to_owned(),
                supersedes: body.supersedes.clone(),
                correction_reason: correction_reason.clone(),
            };
            let keys = &state.config.attestation_keys;
            let payload = OfflinePayload {
                kid: keys.signing_kid().to_owned(),
                serial: serial.to_string(),
                issued_on: today,
                cri: cri.code().to_owned(),
                completed_on: grounds.completed_on,
                holder: holder_hash(&serial.to_string(), &comparable_surname(&person.surname), person.birth_date),
            };
            let mut record = AttestationRecord {
                serial: serial.to_string(),
                case_id: case_id.clone(),
                person_id: person.id.clone(),
                cri_code: cri.code().to_owned(),
                kind: grounds.kind,
                status: AttestationStatus::Valid,
                content_json: serde_json::to_string(&content).map_err(|e| ApiError::Internal(e.to_string()))?,
                pdf_sha256: String::new(),
                template_version: i32::try_from(
                    parcours_documents::attestation::template_version()
                        .map_err(|e| ApiError::Internal(e.to_string()))?,
                )
                .unwrap_or(i32::MAX),
                verification_token: crate::attestation_keys::AttestationKeys::verification_token(),
                key_id: keys.signing_kid().to_owned(),
                signed_payload: payload.sign(keys.signing()),
                issued_on: today,
                completed_on: grounds.completed_on,
                issued_at: now,
                issued_by: actor.subject.clone(),
                supersedes: body.supersedes.clone(),
                superseded_by: None,
                revoked_at: None,
                revocation_reason: None,
                copies: 0,
            };
            record.pdf_sha256 = sha256_hex(&render(document_of(&record, &state.config, None)?)?);
            let mut steps = vec![issued_step(&serial, grounds.kind, body.supersedes.as_deref())];
            if let Some(previous) = &body.supersedes {
                steps.push(superseded_step(previous, &serial));
            }
            parcours_store::attestations::record_issued(conn, &record, &steps, &actor, now).map_err(|error| {
                match error {
                    // A concurrent correction or revocation got there first.
                    parcours_store::StoreError::StaleVersion { .. } => ApiError::Conflict(
                        "attestation_not_in_force",
                        Text::new(
                            "L'attestation à corriger n'est plus en vigueur.",
                            "The attestation to correct is no longer in force.",
                        ),
                    ),
                    other => other.into(),
                }
            })?;
            Answer::created(&AttestationDto::of(&record, &state.config)?, format!("/v1/attestations/{}", record.serial))
        })
    })
    .await??;
    Ok(answer.respond())
}
