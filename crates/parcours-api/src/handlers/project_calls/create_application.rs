//! `POST /v1/project-calls/{id}/applications`: an ILI applies to a call. The competent CRI is the CRI of
//! the project's communes; the application is version 1, kept as submitted.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::local_integration::check_application;

use crate::auth::{IliAgent, Participant};
use crate::handlers::project_applications::{ApplicationRequest, ProjectDto, idempotency_of};
use crate::idempotency::{self, Answer};
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Applies to a call.
///
/// An ILI applies to a call. The competent CRI is the CRI of
/// the project's communes; the application is version 1, kept as submitted.
#[utoipa::path(
    tag = "local-integration",
    description = "An ILI (token `ili:<enterprise number>`, role `ili_agent`, registered with \
                   `POST /v1/local-initiatives`) submits an application while the call is open. Its axes must be \
                   the call's; its communes must all be in one CRI's territory, covered by the call: that CRI \
                   gives the opinion. Accepts `Idempotency-Key`. Audited; `project_application_submitted` on the \
                   project feed.",
    params(("id" = String, Path, description = "Call id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body replay the first answer")),
    request_body = ApplicationRequest,
    responses(
        (status = 201, description = "The project, with its `Location`", body = ProjectDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an ILI, or an ILI not registered", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The call is not open today (`call_not_open`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, an axis outside the call, communes of several CRIs", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/project-calls/{id}/applications")]
pub async fn create_project_application(
    state: web::Data<AppState>,
    agent: IliAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    let call_id = path.into_inner();
    let key = idempotency_of(&req, &agent.caller, &*body, &call_id)?;
    let application = body.into_inner().application()?;
    let actor = actor(&agent.caller, &request_id);
    let number = agent.enterprise_number;
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let today = state.clock.today();
        let reference = state.reference_data(&mut conn)?;
        let initiative =
            parcours_store::local_initiatives::by_enterprise_number(&mut conn, &number)?.ok_or_else(|| {
                ApiError::Forbidden(Text::new(
                    "Cette initiative locale n'est pas enregistrée : demandez-le à la Région ou à votre CRI.",
                    "This local initiative is not registered: ask the Region or your CRI.",
                ))
            })?;
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            let call = parcours_store::project_calls::find(conn, &call_id)?.ok_or(ApiError::NotFound)?;
            let cri = check_application(&call.call()?, &application, &reference, today)?;
            let id = parcours_store::new_id();
            let record = parcours_store::project_applications::submit(
                conn,
                &id,
                &call.id,
                &initiative.id,
                &number,
                cri.code(),
                &application,
                &actor,
                now,
            )?;
            let version =
                parcours_store::project_application_versions::find(conn, &id, 1)?.ok_or(ApiError::NotFound)?;
            let steps = parcours_store::project_steps::of_application(conn, &id)?;
            let dto = ProjectDto::new(&record, &version, Some(&steps), &Participant::Initiative(number.clone()))?;
            Answer::created(&dto, format!("/v1/project-applications/{id}"))
        })
    })
    .await??;
    Ok(answer.respond())
}
