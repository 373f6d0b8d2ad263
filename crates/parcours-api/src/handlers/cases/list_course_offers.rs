//! `GET /v1/cases/{id}/course-offers`: the places offered to the person, by the CRI's record or through an
//! enrolment, oldest first: the Region's supply that a sanction presupposes (CWASS art. 152/8), as the
//! non-compliance check reads it. Only the CRI in charge.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::course_offer::CourseOfferDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The offers of one case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "01a24b00-0000-7000-8000-000000000001", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "axis": "citizenship", "offered_on": "2026-12-10", "description": "Formation à la citoyenneté, session de janvier (place déclinée)",
    "recorded_at": "2026-12-10T14:02:11Z", "enrolment_id": null}]}))]
pub struct CourseOfferList {
    /// By date offered.
    pub items: Vec<CourseOfferDto>,
}

/// Lists the places offered on a case.
///
/// The places offered to the person, by the CRI's record or through an
/// enrolment, oldest first: the Region's supply that a sanction presupposes (CWASS art. 152/8), as the
/// non-compliance check reads it. Only the CRI in charge.
#[utoipa::path(
    tag = "non-compliance",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The offers, oldest first", body = CourseOfferList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown case, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cases/{id}/course-offers")]
pub async fn list_case_course_offers(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let records = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::cases::load_view(&mut conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)?;
        Ok(parcours_store::course_offers::offers_for_case(&mut conn, &id)?)
    })
    .await??;
    let items = records.iter().map(CourseOfferDto::new).collect::<Result<_, _>>()?;
    Ok(HttpResponse::Ok().json(CourseOfferList { items }))
}
