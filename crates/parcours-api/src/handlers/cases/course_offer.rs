//! `POST /v1/cases/{id}/course-offers`: the CRI records a place offered to the person on an axis outside
//! Parcours' enrolments (a course elsewhere, a place the person declined). Places obtained through an
//! enrolment are recorded by the enrolment itself. These offers are the Region's supply that a fine
//! presupposes (CWASS art. 152/8): without one on a required axis, no sanction procedure can open.

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::date_field;
use crate::auth::CriAgent;
use crate::handlers::non_compliances::AxisDto;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The offer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"axis": "citizenship", "offered_on": "2026-12-10", "description": "Formation à la citoyenneté, ASBL Lire et Écrire Namur, session de janvier (place déclinée par la personne)"}))]
pub struct CourseOfferRequest {
    /// Axis.
    pub axis: AxisDto,
    /// Date the place was offered (`YYYY-MM-DD`, not in the future).
    #[schema(format = Date)]
    pub offered_on: String,
    /// What was offered: course, operator, session (5 to 300 characters, no personal detail).
    pub description: String,
}

/// An offer recorded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a24b00-0000-7000-8000-000000000001", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "axis": "citizenship", "offered_on": "2026-12-10", "description": "Formation à la citoyenneté, session de janvier (place déclinée)",
    "recorded_at": "2026-12-10T14:02:11Z", "enrolment_id": null}))]
pub struct CourseOfferDto {
    /// Id.
    pub id: String,
    /// Case.
    pub case_id: String,
    /// Axis.
    pub axis: AxisDto,
    /// Offered on.
    pub offered_on: NaiveDate,
    /// What was offered.
    pub description: String,
    /// Recorded at.
    pub recorded_at: DateTime<Utc>,
    /// The enrolment that obtained the place, when it came through Parcours' enrolments (null for an
    /// offer the CRI recorded).
    pub enrolment_id: Option<String>,
}

impl CourseOfferDto {
    /// The communicated form of a stored offer.
    pub fn new(record: &parcours_store::course_offers::CourseOfferRecord) -> Result<CourseOfferDto, ApiError> {
        Ok(CourseOfferDto {
            id: record.id.clone(),
            case_id: record.case_id.clone(),
            axis: record.offer()?.axis.into(),
            offered_on: record.offered_on,
            description: record.description.clone(),
            recorded_at: record.created_at.and_utc(),
            enrolment_id: record.enrolment_id.clone(),
        })
    }
}

/// Records a place offered.
///
/// The CRI records a place offered to the person on an axis outside
/// Parcours' enrolments (a course elsewhere, a place the person declined). Places obtained through an
/// enrolment are recorded by the enrolment itself. These offers are the Region's supply that a fine
/// presupposes (CWASS art. 152/8): without one on a required axis, no sanction procedure can open.
#[utoipa::path(
    tag = "non-compliance",
    params(("id" = String, Path, description = "Case id")),
    request_body = CourseOfferRequest,
    responses(
        (status = 201, description = "Recorded", body = CourseOfferDto),
        (status = 400, description = "Malformed JSON or unknown axis", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown case, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date in the future, or a description too short or long", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/cases/{id}/course-offers")]
pub async fn create_case_course_offer(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<CourseOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let offered_on = date_field("offered_on", &body.offered_on)?;
    if offered_on > state.clock.today() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "offered_on",
            "date_in_future",
            "La date de l'offre ne peut pas être dans le futur.",
            "The offer date cannot lie in the future.",
        )]));
    }
    let description = body.description.trim().to_owned();
    if let Some(error) = crate::body::length_error("description", &description, 5, 300) {
        return Err(ApiError::Validation(vec![error]));
    }
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let axis = body.axis;
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::course_offers::record_offer(
            &mut conn,
            &id,
            agent.cri.code(),
            axis.into(),
            offered_on,
            &description,
            &actor,
            state.clock.now(),
        )?
        .ok_or(ApiError::NotFound)
    })
    .await??;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/cases/{}/course-offers", record.case_id)))
        .json(CourseOfferDto::new(&record)?))
}
