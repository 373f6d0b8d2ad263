//! `GET /v1/project-applications`: the applications and projects of the caller's scope, newest first — a
//! CRI's projects with their state, an ILI's own, all for the Region, the funded projects covering a commune.

use actix_web::{HttpResponse, get, web};
use parcours_domain::local_integration::ProjectStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ProjectDto, commune_sees, scope_of};
use crate::auth::{Participant, ProjectParticipant};
use crate::dto::page_size;
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    /// Only this call's.
    pub call_id: Option<String>,
    /// Only this status: `submitted`, `opinion_given`, `granted`, `refused`, `evaluated`.
    pub status: Option<String>,
    /// Page size, 1 to 200 (50 by default).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    /// Projects, newest first (without their steps: read one for them).
    pub items: Vec<ProjectDto>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Lists projects.
///
/// The applications and projects of the caller's scope, newest first — a
/// CRI's projects with their state, an ILI's own, all for the Region, the funded projects covering a commune.
#[utoipa::path(
    tag = "local-integration",
    description = "Applications and projects of the caller's scope, newest first: the competent CRI's, the \
                   applicant ILI's own, the Region's all; a commune sees the granted and evaluated projects that \
                   cover it, without amounts. A page costs four statements whatever its size.",
    params(ProjectQuery),
    responses(
        (status = 200, description = "A page of projects", body = ProjectList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a participant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid filter or cursor", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/project-applications")]
pub async fn list_project_applications(
    state: web::Data<AppState>,
    participant: ProjectParticipant,
    query: web::Query<ProjectQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let limit = page_size(query.limit, "cursor", query.cursor.as_deref(), &mut errors);
    if let Some(status) = &query.status
        && ProjectStatus::parse(status).is_none()
    {
        errors.push(FieldError::new(
            "status",
            "invalid_value",
            "Statuts : submitted, opinion_given, granted, refused, evaluated.",
            "Statuses: submitted, opinion_given, granted, refused, evaluated.",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let who = participant.participant;
    let page = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let scope = scope_of(&who);
        let mut rows = parcours_store::project_applications::list(
            &mut conn,
            &scope,
            query.call_id.as_deref(),
            query.status.as_deref(),
            query.cursor.as_deref(),
            limit + 1,
        )?;
        let next_cursor = (rows.len() as i64 > limit).then(|| {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.clone()).unwrap_or_default()
        });
        if matches!(who, Participant::Commune(_)) {
            rows.retain(commune_sees);
        }
        let keys: Vec<(String, i32)> = rows.iter().map(|r| (r.id.clone(), r.version)).collect();
        let versions = parcours_store::project_application_versions::current_of(&mut conn, &keys)?;
        let items = rows
            .iter()
            .map(|record| {
                let version = versions
                    .iter()
                    .find(|v| v.application_id == record.id && v.version == record.version)
                    .ok_or_else(|| ApiError::Internal(format!("project {} has no current version", record.id)))?;
                ProjectDto::new(record, version, None, &who)
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(ProjectList { items, next_cursor })
    })
    .await??;
    Ok(HttpResponse::Ok().json(page))
}
