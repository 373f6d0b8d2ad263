//! `POST /v1/offices/{id}/sessions`: the CRI plans a collective session on rights and duties at an office.

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::{CollectiveSession, check_new_session};
use parcours_store::collective_sessions::SessionRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CollectiveSessionDto, instant_field};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A session to plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"starts_at": "2026-12-17T14:00:00+01:00", "minutes": 120, "language": "fr", "capacity": 12}))]
pub struct CollectiveSessionRequest {
    /// Start, RFC 3339 with its offset.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// Length in minutes (5 to 480).
    pub minutes: u32,
    /// The language it is given in (ISO 639-1; CWASS art. 152/5 allows a language the persons understand).
    pub language: String,
    /// Places (1 to 200).
    pub capacity: u32,
}

/// Plans a session.
///
/// The CRI plans a collective session on rights and duties at an office.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Office id")),
    request_body = CollectiveSessionRequest,
    responses(
        (status = 201, description = "The session (`Location`: `/v1/collective-sessions/{id}`)", body = CollectiveSessionDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, a start in the past, a capacity outside 1-200", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/offices/{id}/sessions")]
pub async fn create_office_session(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<CollectiveSessionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let session = CollectiveSession {
        starts_at: instant_field("starts_at", &body.starts_at)?,
        minutes: body.minutes,
        language: body.language.trim().to_lowercase(),
        capacity: body.capacity,
    };
    let actor = actor(&agent.caller, &request_id);
    let office_id = path.into_inner();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        check_new_session(&session, now.and_utc())?;
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            parcours_store::welcome_offices::find(conn, &office_id, cri)?.ok_or(ApiError::NotFound)?;
            let record = SessionRecord::new(parcours_store::new_id(), &office_id, cri, &session, now);
            parcours_store::collective_sessions::insert(conn, &record)?;
            parcours_store::audit::append(
                conn,
                &actor,
                "create_collective_session",
                "collective_session",
                Some(&record.id),
                None,
                now,
            )?;
            Ok(record)
        })
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/collective-sessions/{}", record.id)))
        .json(CollectiveSessionDto::new(&record, 0)))
}
