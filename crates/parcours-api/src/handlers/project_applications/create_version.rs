//! `POST /v1/project-applications/{id}/versions`: the applicant submits a new version of its application,
//! while the call is open and before the CRI's opinion. The previous version stays as it was.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::local_integration::{ProjectFile, ProjectStep, check_revision};
use parcours_store::project_applications::ProjectScope;

use super::{ApplicationRequest, ProjectDto, idempotency_of};
use crate::auth::{IliAgent, Participant};
use crate::idempotency::{self, Answer};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Submits a new version.
///
/// The applicant submits a new version of its application,
/// while the call is open and before the CRI's opinion. The previous version stays as it was.
#[utoipa::path(
    tag = "local-integration",
    description = "The applicant ILI replaces its application by a new version (the whole content), while the call \
                   is open and before the CRI's opinion (`revision_closed` otherwise). The communes must stay in \
                   the same CRI's territory. Every version is kept; accepts `Idempotency-Key`; \
                   `project_application_revised` on the project feed.",
    params(("id" = String, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    request_body = ApplicationRequest,
    responses(
        (status = 201, description = "The project at its new version, with its `Location`", body = ProjectDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an ILI", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown application, or another ILI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The call closed, or the CRI gave its opinion (`revision_closed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or communes of another CRI", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/project-applications/{id}/versions")]
pub async fn create_project_application_version(
    state: web::Data<AppState>,
    agent: IliAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let key = idempotency_of(&req, &agent.caller, &*body, &format!("{id}/versions"))?;
    let application = body.into_inner().application()?;
    let actor = actor(&agent.caller, &request_id);
    let number = agent.enterprise_number;
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let today = state.clock.today();
        let reference = state.reference_data(&mut conn)?;
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            let scope = ProjectScope::Initiative(number.clone());
            let current = parcours_store::project_applications::lock(conn, &id, &scope)?;
            let call =
                parcours_store::project_calls::find(conn, &current.call_id)?.ok_or(ApiError::NotFound)?.call()?;
            let steps: Vec<ProjectStep> = parcours_store::project_steps::of_application(conn, &id)?
                .iter()
                .map(|s| s.step())
                .collect::<Result<_, _>>()?;
            let file = ProjectFile::replay(current.requested_cents, &steps);
            let step = ProjectStep::Revised { version: file.version + 1 };
            let after = file.decide(&step, &call, 0, application.requested_cents(), today)?;
            let competent = parcours_domain::CriCode::parse(&current.cri_code)
                .map_err(|_| ApiError::Internal(format!("project {id} has an unknown CRI")))?;
            check_revision(&call, &application, competent, &reference, today)?;
            let (record, _) = parcours_store::project_applications::record_step(
                conn,
                &current,
                &step,
                &after,
                Some(&application),
                &actor,
                now,
            )?;
            let version = parcours_store::project_application_versions::find(conn, &id, record.version)?
                .ok_or(ApiError::NotFound)?;
            let steps = parcours_store::project_steps::of_application(conn, &id)?;
            let dto = ProjectDto::new(&record, &version, Some(&steps), &Participant::Initiative(number.clone()))?;
            Answer::created(&dto, format!("/v1/project-applications/{id}"))
        })
    })
    .await??;
    Ok(answer.respond())
}
