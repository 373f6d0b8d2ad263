//! `GET /v1/non-compliances/{id}`: one record of the CRI's, with the preconditions of a fine checked as
//! they stand today — what a hand-over would state in the file, or why it would be blocked.

use actix_web::{HttpResponse, get, web};

use super::{NonComplianceDto, PreconditionDto, preconditions};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// One non-compliance record.
///
/// One record of the CRI's, with the preconditions of a fine checked as
/// they stand today — what a hand-over would state in the file, or why it would be blocked.
#[utoipa::path(
    tag = "non-compliance",
    params(("id" = String, Path, description = "Non-compliance id")),
    responses(
        (status = 200, description = "The record, with `preconditions`", body = NonComplianceDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown record, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/non-compliances/{id}")]
pub async fn get_non_compliance(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = agent.cri.code();
        let (view, case) =
            parcours_store::non_compliances::find_non_compliance(&mut conn, &id, cri)?.ok_or(ApiError::NotFound)?;
        let aggregate = parcours_store::cases::decode_case(&case.state_json)?;
        let reference = state.reference_data(&mut conn)?;
        let checks = preconditions(&mut conn, &view.record, &aggregate, &reference)?;
        parcours_store::audit::append(
            &mut conn,
            &actor,
            "read_non_compliance",
            "non_compliance",
            Some(&id),
            Some(format!("case={}", case.id)),
            state.clock.now(),
        )?;
        let mut dto = NonComplianceDto::new(&view)?;
        dto.preconditions = Some(checks.iter().map(PreconditionDto::from).collect());
        Ok(dto)
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
