//! `POST /v1/persons/{id}/merges`: the CRI merges another record of the same person into this one (the
//! record kept is the one whose national number is in force). Determinations, cases, arrivals,
//! attestations and identity conflicts move to the kept record; the merged record keeps its row, its
//! number (a later report under it leads to the kept record) and its identity history; the kept record
//! takes a new identity version with source `merge`. Refused when both have an open case.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use parcours_domain::identity::MergeRefusal;
use parcours_store::person_merges::MergeOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CurrentIdentity;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The record to merge into this one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"merged_person_id": "01a20c77-7b56-746b-9146-5b7ab1935fa8",
    "reason": "Numéro BIS 90251012431 remplacé par le numéro national 90051012446 (registre national, 2026-12-10)"}))]
pub struct MergeRequest {
    /// The duplicate record (it stays, marked as merged into this one).
    pub merged_person_id: String,
    /// Why the CRI is sure it is one person, 5 to 500 characters.
    pub reason: String,
}

/// The merge done.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MergeResponse {
    /// Merge id.
    pub id: String,
    /// The kept record, now.
    pub person: CurrentIdentity,
    /// The merged record.
    pub merged_person_id: String,
    /// When.
    pub merged_at: DateTime<Utc>,
}

/// Merges two records of one person.
///
/// The CRI merges another record of the same person into this one (the
/// record kept is the one whose national number is in force). Determinations, cases, arrivals,
/// attestations and identity conflicts move to the kept record; the merged record keeps its row, its
/// number (a later report under it leads to the kept record) and its identity history; the kept record
/// takes a new identity version with source `merge`. Refused when both have an open case.
#[utoipa::path(
    tag = "persons",
    params(("id" = String, Path, description = "The record kept")),
    request_body = MergeRequest,
    responses(
        (status = 201, description = "Merged", body = MergeResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A record is unknown or not one the CRI is competent for", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not candidates (`not_duplicate_candidates`), both have an open case (`both_have_open_cases`), already merged (`already_merged`), or the same record (`same_record`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid reason", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/persons/{id}/merges")]
pub async fn create_person_merge(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<MergeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if let Some(error) = crate::body::length_error("reason", &body.reason, 5, 500) {
        return Err(ApiError::Validation(vec![error]));
    }
    let actor = actor(&agent.caller, &request_id);
    let kept = path.into_inner();
    let outcome = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::person_merges::merge_persons(
            &mut conn,
            &kept,
            &body.merged_person_id,
            agent.cri.code(),
            &body.reason,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    let refused = |code, fr: &str, en: &str| Err(ApiError::Conflict(code, Text::new(fr, en)));
    match outcome {
        MergeOutcome::NotFound => Err(ApiError::NotFound),
        MergeOutcome::Refused(MergeRefusal::SameRecord) => refused(
            "same_record",
            "Une fiche ne se fusionne pas avec elle-même.",
            "A record is not merged with itself.",
        ),
        MergeOutcome::Refused(MergeRefusal::NotCandidates) => refused(
            "not_duplicate_candidates",
            "Les deux fiches n'ont pas le même nom et la même date de naissance : corrigez d'abord l'identité, puis fusionnez.",
            "The two records do not have the same name and birth date: correct the identity first, then merge.",
        ),
        MergeOutcome::Refused(MergeRefusal::BothHaveOpenCases) => refused(
            "both_have_open_cases",
            "Les deux fiches ont un dossier ouvert : clôturez-en un avant la fusion, pour qu'aucun dossier ne se perde.",
            "Both records have an open case: close one before the merge, so that no case is lost.",
        ),
        MergeOutcome::Refused(MergeRefusal::AlreadyMerged) => refused(
            "already_merged",
            "Une des fiches a déjà été fusionnée dans une autre.",
            "One of the records was already merged into another.",
        ),
        MergeOutcome::Merged(person, merge) => Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/v1/persons/{}", person.id)))
            .json(MergeResponse {
                id: merge.id.clone(),
                person: CurrentIdentity::new(&person),
                merged_person_id: merge.merged_person_id.clone(),
                merged_at: merge.merged_at.and_utc(),
            })),
    }
}
