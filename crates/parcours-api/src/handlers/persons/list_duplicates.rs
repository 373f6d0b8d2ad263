//! `GET /v1/duplicate-candidates`: records the CRI follows that look like one person under two numbers
//! (the same name and birth date, as registers compare them, with different national or BIS numbers: a
//! BIS number later replaced by a national number, rule §10). Candidates only: the CRI checks and merges
//! (`POST /v1/persons/{id}/merges`); nothing is merged by itself.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CurrentIdentity;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Groups of candidates.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"groups": [{"persons": [
    {"id": "01a20c77-7b56-746b-9146-5b7ab1935fa8", "identity_version": 1, "niss": "90251012431", "surname": "Haddad", "given_names": "Rana", "birth_date": "1990-05-10", "sex": "female", "nationality": "SYR"},
    {"id": "01a20c77-7b56-746b-9146-5b7ab1935fb0", "identity_version": 1, "niss": "90051012446", "surname": "HADDAD", "given_names": "Rana", "birth_date": "1990-05-10", "sex": "female", "nationality": "SYR"}]}]}))]
pub struct DuplicateCandidates {
    /// At most 200 groups, each of two or more records.
    pub groups: Vec<DuplicateGroup>,
}

/// Records that may be one person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DuplicateGroup {
    /// Their current identities.
    pub persons: Vec<CurrentIdentity>,
}

/// Lists duplicate candidates.
///
/// Records the CRI follows that look like one person under two numbers
/// (the same name and birth date, as registers compare them, with different national or BIS numbers: a
/// BIS number later replaced by a national number, rule §10). Candidates only: the CRI checks and merges
/// (`POST /v1/persons/{id}/merges`); nothing is merged by itself.
#[utoipa::path(
    tag = "persons",
    responses(
        (status = 200, description = "Candidates among the persons the CRI is competent for", body = DuplicateCandidates),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/duplicate-candidates")]
pub async fn list_duplicate_candidates(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let groups = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::person_merges::duplicate_candidates(
            &mut conn,
            agent.cri.code(),
            200,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    let groups = groups
        .iter()
        .map(|group| DuplicateGroup { persons: group.iter().map(CurrentIdentity::new).collect() })
        .collect();
    Ok(HttpResponse::Ok().json(DuplicateCandidates { groups }))
}
