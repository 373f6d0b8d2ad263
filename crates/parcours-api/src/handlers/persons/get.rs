//! `GET /v1/persons/{id}`: a person's current identity, for the organisations that receive notices about
//! them. Feed payloads carry only the person's id (never a national number or a name), so that a recipient
//! who needs the identity reads it here, and the read is recorded in the person's access report.

use actix_web::{HttpResponse, get, http::header, web};

use super::CurrentIdentity;
use crate::auth::PersonReaderAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Reads a person's current identity.
///
/// A person's current identity, for the organisations that receive notices about
/// them. Feed payloads carry only the person's id (never a national number or a name), so that a recipient
/// who needs the identity reads it here, and the read is recorded in the person's access report.
#[utoipa::path(
    tag = "persons",
    description = "A commune sees the persons it reported or who live in it, a CPAS those whose case records it, \
                   a CRI those it is competent for. Every read is audited with the person as subject.",
    params(("id" = String, Path, description = "Person id (the `person_id` of a notice, or `person.id` of an arrival)"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag read before: 304 with no body while the representation is unchanged")),
    responses(
        (status = 200, description = "The current identity; ETag is its version", body = CurrentIdentity,
         headers(("ETag" = String, description = "Current identity version"))),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag", headers(("ETag" = String, description = "The current ETag"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a commune, CPAS or CRI agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or outside the caller's scope", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/persons/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    agent: PersonReaderAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let person = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::persons::read_person(&mut conn, &id, &agent.reader, &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", person.identity_version)))
        .json(CurrentIdentity::new(&person)))
}
