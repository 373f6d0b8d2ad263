//! `POST /v1/project-calls`: the Region opens a call for projects to local integration initiatives.

use actix_web::{HttpResponse, post, web};
use parcours_domain::local_integration::check_call;
use parcours_store::project_calls::ProjectCallRecord;

use super::{ProjectCallDto, ProjectCallRequest};
use crate::auth::RegionAdmin;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Opens a call for projects.
///
/// The Region opens a call for projects to local integration initiatives.
#[utoipa::path(
    tag = "local-integration",
    description = "Opens a call for projects (title, ILI axes, CRI territories, dates, budget, criteria). Its \
                   dates must follow each other: `opens_on` ≤ `closes_on` < `opinion_deadline`. Region admin \
                   only; audited.",
    request_body = ProjectCallRequest,
    responses(
        (status = 201, description = "The call, with its `Location`", body = ProjectCallDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a Region admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, dates out of order, no criterion", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/project-calls")]
pub async fn create_project_call(
    state: web::Data<AppState>,
    admin: RegionAdmin,
    request_id: RequestId,
    body: crate::body::Body<ProjectCallRequest>,
) -> Result<HttpResponse, ApiError> {
    let call = body.into_inner().call()?;
    check_call(&call)?;
    let actor = actor(&admin.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let record = ProjectCallRecord::new(parcours_store::new_id(), &call, now, &actor.organisation)?;
        parcours_store::project_calls::insert(&mut conn, &record, &actor)?;
        ProjectCallDto::new(&record, state.clock.today())
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/v1/project-calls/{}", dto.id))).json(dto))
}
