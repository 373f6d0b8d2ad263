//! `POST /v1/coordination-bodies/{id}/meetings`: the CRI records a meeting once held.

use actix_web::{HttpResponse, post, web};
use parcours_domain::local_coordination::{CoordinationMeeting, check_meeting};
use parcours_store::coordination_bodies::CoordinationScope;
use parcours_store::coordination_meetings::CoordinationMeetingRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CoordinationMeetingDto;
use crate::auth::CriAgent;
use crate::handlers::cases::{date_field, short_text};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A meeting held.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"held_on": "2026-12-10", "partners_present": ["Ville de Liège", "CPAS de Liège"],
    "decisions": ["Cartographier l'offre FLE du quartier Nord"]}))]
pub struct CoordinationMeetingRequest {
    /// The day (`YYYY-MM-DD`, not in the future).
    #[schema(format = Date)]
    pub held_on: String,
    /// Partners present (at least one).
    pub partners_present: Vec<String>,
    /// Decisions taken.
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// Records a meeting.
///
/// The CRI records a meeting once held.
#[utoipa::path(
    tag = "local-integration",
    description = "Records a meeting of one of the CRI's plans or platforms: its day (held, so not in the future), \
                   the partners present and the decisions. Audited.",
    params(("id" = String, Path, description = "Body id")),
    request_body = CoordinationMeetingRequest,
    responses(
        (status = 201, description = "The meeting, with the body's `Location`", body = CoordinationMeetingDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown body, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, date in the future, nobody present", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/coordination-bodies/{id}/meetings")]
pub async fn create_coordination_meeting(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<CoordinationMeetingRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let location = format!("/v1/coordination-bodies/{id}");
    let body = body.into_inner();
    let meeting = CoordinationMeeting {
        held_on: date_field("held_on", &body.held_on)?,
        partners_present: body
            .partners_present
            .iter()
            .map(|p| short_text("partners_present", p, 200))
            .collect::<Result<_, _>>()?,
        decisions: body.decisions.iter().map(|d| short_text("decisions", d, 2000)).collect::<Result<_, _>>()?,
    };
    let actor = actor(&agent.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        check_meeting(&meeting, state.clock.today())?;
        let mut conn = state.store.conn()?;
        let scope = CoordinationScope::Cri(agent.cri.code().to_owned());
        parcours_store::coordination_bodies::find(&mut conn, &id, &scope)?.ok_or(ApiError::NotFound)?;
        let record = CoordinationMeetingRecord::new(parcours_store::new_id(), &id, &meeting, state.clock.now())?;
        parcours_store::coordination_meetings::insert(&mut conn, &record, &actor)?;
        CoordinationMeetingDto::new(&record)
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", location)).json(dto))
}
