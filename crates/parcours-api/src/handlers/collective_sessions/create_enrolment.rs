//! `POST /v1/collective-sessions/{id}/enrolments`: a case of the CRI's is enrolled, within the capacity.

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::check_enrolment;
use parcours_store::session_enrolments::{ENROLLED, SessionEnrolmentRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::SessionDetail;
use crate::auth::CriAgent;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The case to enrol.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929"}))]
pub struct SessionEnrolmentRequest {
    /// A case the CRI holds.
    pub case_id: String,
}

/// Enrols a case.
///
/// A case of the CRI's is enrolled, within the capacity.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Session id")),
    request_body = SessionEnrolmentRequest,
    responses(
        (status = 201, description = "The session with its enrolments (`Location`: the session)", body = SessionDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown session, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Full (`session_full`), already enrolled, started, or the case is no longer open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown case (`unknown_case`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/collective-sessions/{id}/enrolments")]
pub async fn create_collective_session_enrolment(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<SessionEnrolmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let case_id = body.into_inner().case_id;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let detail = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let session = parcours_store::collective_sessions::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            let view = parcours_store::cases::load_view(conn, &case_id, cri)?.ok_or_else(|| {
                ApiError::Validation(vec![FieldError::new(
                    "case_id",
                    "unknown_case",
                    "Aucun dossier de ce CRI n'a cet identifiant.",
                    "No case of this CRI has this id.",
                )])
            })?;
            parcours_store::collective_sessions::lock(conn, &id)?;
            let enrolled = parcours_store::session_enrolments::of_session(conn, &id)?;
            let already = enrolled.iter().any(|e| e.case_id == case_id);
            let count = u32::try_from(enrolled.len()).unwrap_or(u32::MAX);
            check_enrolment(&session.session(), count, already, view.aggregate.state, now.and_utc())?;
            let record = SessionEnrolmentRecord {
                id: parcours_store::new_id(),
                session_id: id.clone(),
                case_id: case_id.clone(),
                status: ENROLLED.to_owned(),
                enrolled_at: now,
                updated_at: now,
            };
            parcours_store::session_enrolments::insert(conn, &record)?;
            parcours_store::audit::append(
                conn,
                &actor,
                "enrol_in_collective_session",
                "collective_session",
                Some(&id),
                Some(format!("case={case_id}")),
                now,
            )?;
            SessionDetail::load(conn, &session)
        })
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/collective-sessions/{}", detail.session.id)))
        .json(detail))
}
