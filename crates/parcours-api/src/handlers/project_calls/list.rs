//! `GET /v1/project-calls`: the calls for projects, the most recent first; `?open=true` for those receiving
//! applications today.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ProjectCallDto;
use crate::auth::ProjectParticipant;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CallQuery {
    /// Only the calls receiving applications today.
    pub open: Option<bool>,
}

/// The calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectCallList {
    /// Calls, most recently opened first.
    pub items: Vec<ProjectCallDto>,
}

/// Lists the calls.
///
/// The calls for projects, the most recent first; `?open=true` for those receiving
/// applications today.
#[utoipa::path(
    tag = "local-integration",
    description = "The calls for projects, the most recently opened first (at most 500). Every participant reads them.",
    params(CallQuery),
    responses(
        (status = 200, description = "The calls", body = ProjectCallList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a participant", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/project-calls")]
pub async fn list_project_calls(
    state: web::Data<AppState>,
    _participant: ProjectParticipant,
    query: web::Query<CallQuery>,
) -> Result<HttpResponse, ApiError> {
    let open = query.into_inner().open.unwrap_or(false);
    let items = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let today = state.clock.today();
        parcours_store::project_calls::list(&mut conn, open.then_some(today))?
            .iter()
            .map(|record| ProjectCallDto::new(record, today))
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await??;
    Ok(HttpResponse::Ok().json(ProjectCallList { items }))
}
