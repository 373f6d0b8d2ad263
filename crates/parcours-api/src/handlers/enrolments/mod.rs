//! The end of an enrolment: withdrawal (the place goes to the waiting list) or completion.

pub mod completion;
pub mod get;
pub mod withdrawal;

use actix_web::{HttpResponse, web};
use parcours_domain::operator::EnrolmentStatus;

use crate::auth::CriAgent;
use crate::handlers::courses::EnrolmentDto;
use crate::problem::ApiError;
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Ends an enrolment of a case the CRI holds with `status`.
pub async fn end(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    id: String,
    status: EnrolmentStatus,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let actor = actor(&caller, &request_id);
    let enrolment = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::enrolments::end_enrolment(&mut conn, &id, cri.code(), status, &actor, state.clock.now())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(EnrolmentDto::from(&enrolment)))
}
