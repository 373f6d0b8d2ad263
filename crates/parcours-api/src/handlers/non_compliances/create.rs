//! `POST /v1/cases/{id}/non-compliances`: the CRI reports that an obliged person does not respect the
//! convention (rule 6.3 (b)), with its finding. The missed deadlines are found by the detection job.

use actix_web::{HttpResponse, post, web};
use parcours_domain::non_compliance::{ReportRefusal, may_report_convention_breach};
use parcours_store::non_compliances::Report;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::NonComplianceDto;
use crate::auth::CriAgent;
use crate::handlers::cases::date_field;
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The CRI's finding.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"found_on": "2027-06-01", "finding": "Absent sans justification à 14 séances du cours de français depuis mars ; trois rappels restés sans réponse."}))]
pub struct ConventionBreachReport {
    /// Date of the finding (`YYYY-MM-DD`, after the convention's signature, not in the future).
    #[schema(format = Date)]
    pub found_on: String,
    /// What the CRI found, without sensitive detail (10 to 2,000 characters).
    pub finding: String,
}

/// Reports a convention not respected.
///
/// The CRI reports that an obliged person does not respect the
/// convention (rule 6.3 (b)), with its finding. The missed deadlines are found by the detection job.
#[utoipa::path(
    tag = "non-compliance",
    params(("id" = String, Path, description = "Case id")),
    request_body = ConventionBreachReport,
    responses(
        (status = 201, description = "Recorded, open for review", body = NonComplianceDto),
        (status = 200, description = "The same finding on that date was already recorded", body = NonComplianceDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown case, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A volunteer (`not_obliged`), or no convention in force (`no_convention_in_force`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date out of range, or a finding too short or too long", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/cases/{id}/non-compliances")]
pub async fn create_case_non_compliance(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<ConventionBreachReport>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let found_on = date_field("found_on", &body.found_on)?;
    let finding = body.finding.trim().to_owned();
    if let Some(error) = crate::body::length_error("finding", &finding, 10, 2000) {
        return Err(ApiError::Validation(vec![error]));
    }
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let report = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let view = parcours_store::cases::load_view(&mut conn, &id, agent.cri.code())?.ok_or(ApiError::NotFound)?;
        match may_report_convention_breach(&view.aggregate, found_on, state.clock.today()) {
            Ok(()) => {}
            Err(ReportRefusal::NotObliged) => {
                return Err(ApiError::Conflict(
                    "not_obliged",
                    Text::new(
                        "La personne suit le parcours volontairement : elle est libre de l'arrêter.",
                        "The person follows the pathway voluntarily: they are free to stop.",
                    ),
                ));
            }
            Err(ReportRefusal::NoConventionInForce) => {
                return Err(ApiError::Conflict(
                    "no_convention_in_force",
                    Text::new(
                        "Aucune convention signée n'est en cours pour ce dossier.",
                        "No signed convention is in force on this case.",
                    ),
                ));
            }
            Err(ReportRefusal::DateOutOfRange) => {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "found_on",
                    "date_out_of_range",
                    "La date se situe entre la signature de la convention et aujourd'hui.",
                    "The date lies between the convention's signature and today.",
                )]));
            }
        }
        Ok(parcours_store::non_compliances::report_convention_breach(
            &mut conn,
            &view.case,
            found_on,
            &finding,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    match report {
        Report::Recorded(view) => Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/v1/non-compliances/{}", view.record.id)))
            .json(NonComplianceDto::new(&view)?)),
        Report::AlreadyRecorded(view) => Ok(HttpResponse::Ok().json(NonComplianceDto::new(&view)?)),
    }
}
