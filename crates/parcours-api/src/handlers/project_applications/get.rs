//! `GET /v1/project-applications/{id}`: one project with its steps, for its applicant, its CRI and the
//! Region; a commune covered reads a funded project without amounts or steps.

use actix_web::{HttpResponse, get, web};

use super::{ProjectDto, commune_sees, scope_of};
use crate::auth::{Participant, ProjectParticipant};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a project.
///
/// One project with its steps, for its applicant, its CRI and the
/// Region; a commune covered reads a funded project without amounts or steps.
#[utoipa::path(
    tag = "local-integration",
    description = "One application and the project it became, with its current version and its steps. The \
                   applicant ILI, the competent CRI and the Region read it; another CRI or ILI gets 404. A commune \
                   the project covers reads a granted or evaluated project, without budget lines, amounts or steps.",
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The project", body = ProjectDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a participant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown project, or not the caller's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/project-applications/{id}")]
pub async fn get_project_application(
    state: web::Data<AppState>,
    participant: ProjectParticipant,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let who = participant.participant;
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record = parcours_store::project_applications::find(&mut conn, &id, &scope_of(&who))?
            .filter(|record| !matches!(who, Participant::Commune(_)) || commune_sees(record))
            .ok_or(ApiError::NotFound)?;
        let version = parcours_store::project_application_versions::find(&mut conn, &id, record.version)?
            .ok_or(ApiError::NotFound)?;
        let steps = parcours_store::project_steps::of_application(&mut conn, &id)?;
        ProjectDto::new(&record, &version, Some(&steps), &who)
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
