//! `GET /v1/reminders`: the CRI's reminders (due by default: the work list), oldest due first.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ReminderDto, ReminderStatusDto};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderQuery {
    /// `due` (default), `sent` or `bounced`.
    pub status: Option<ReminderStatusDto>,
}

/// The CRI's reminders.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct ReminderList {
    /// Oldest due first, at most 500.
    pub items: Vec<ReminderDto>,
}

/// Lists reminders.
///
/// The CRI's reminders (due by default: the work list), oldest due first.
#[utoipa::path(
    tag = "reminders",
    params(ReminderQuery),
    responses(
        (status = 200, description = "The CRI's reminders of that status", body = ReminderList),
        (status = 400, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/reminders")]
pub async fn list_reminders(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    query: web::Query<ReminderQuery>,
) -> Result<HttpResponse, ApiError> {
    let status = query.status.unwrap_or(ReminderStatusDto::Due).into();
    let actor = actor(&agent.caller, &request_id);
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::reminders::list_reminders(
            &mut conn,
            agent.cri.code(),
            Some(status),
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(ReminderList { items: rows.iter().map(ReminderDto::new).collect() }))
}
