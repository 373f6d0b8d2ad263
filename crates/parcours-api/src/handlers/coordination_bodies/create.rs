//! `POST /v1/coordination-bodies`: a CRI records a plan or platform of its territory.

use actix_web::{HttpResponse, post, web};
use parcours_domain::local_coordination::check_body;
use parcours_store::coordination_bodies::CoordinationBodyRecord;

use super::{CoordinationBodyDto, CoordinationBodyRequest};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Records a plan or platform.
///
/// A CRI records a plan or platform of its territory.
#[utoipa::path(
    tag = "local-integration",
    description = "Records a local integration plan, social-cohesion plan or platform the CRI runs or joins, with \
                   the communes it covers (all in the CRI's territory today) and its partners. Audited.",
    request_body = CoordinationBodyRequest,
    responses(
        (status = 201, description = "The body, with its `Location`", body = CoordinationBodyDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or a commune outside the CRI's territory", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/coordination-bodies")]
pub async fn create_coordination_body(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<CoordinationBodyRequest>,
) -> Result<HttpResponse, ApiError> {
    let coordination = body.into_inner().body()?;
    let actor = actor(&agent.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        check_body(&coordination, agent.cri, &reference, state.clock.today())?;
        let record =
            CoordinationBodyRecord::new(parcours_store::new_id(), agent.cri.code(), &coordination, state.clock.now())?;
        parcours_store::coordination_bodies::insert(&mut conn, &record, &actor)?;
        CoordinationBodyDto::new(&record, Some(&[]))
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/v1/coordination-bodies/{}", dto.id))).json(dto))
}
