//! `POST /v1/data-requests/{id}/extension`: the CRI extends the deadline by two months, once, within the
//! first month, with reasons it communicates to the person (GDPR art. 12(3)).

use actix_web::{HttpResponse, post, web};
use parcours_store::data_requests::RequestChange;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{DataRequestDto, refused};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Why the deadline is extended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Dossier réparti entre deux CRI après un transfert : les données sont à rassembler."}))]
pub struct DataRequestExtensionRequest {
    /// Why (20 to 1,000 characters): the complexity and number of requests.
    pub reason: String,
}

/// Extends a request's deadline.
///
/// The CRI extends the deadline by two months, once, within the
/// first month, with reasons it communicates to the person (GDPR art. 12(3)).
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Request id")),
    request_body = DataRequestExtensionRequest,
    responses(
        (status = 200, description = "The request, due two months later", body = DataRequestDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Extended or decided already, after the first month, or reasons missing (`request_extended`, `request_decided`, `extension_too_late`, `reasons_required`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/data-requests/{id}/extension")]
pub async fn create_data_request_extension(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<DataRequestExtensionRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = crate::handlers::cases::short_text("reason", &body.into_inner().reason, 1000)?;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let today = state.clock.today();
    let change = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        Ok(parcours_store::data_requests::change_request(
            &mut conn,
            &id,
            agent.cri.code(),
            "extend_data_request",
            &actor,
            now,
            |_, _, request| Ok(request.extend(&reason, today)),
        )?)
    })
    .await??;
    match change {
        RequestChange::Changed(record) => Ok(HttpResponse::Ok().json(DataRequestDto::new(&record, today)?)),
        RequestChange::Refused(refusal) => Err(refused(refusal, "reason")),
        RequestChange::NotFound => Err(ApiError::NotFound),
    }
}
