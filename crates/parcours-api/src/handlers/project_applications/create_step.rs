//! `POST /v1/project-applications/{id}/steps`: the next step of a project — the CRI's opinion, the Region's
//! decision, a support visit, a report, the evaluation. Who records which step, and when it is refused, is
//! `parcours_domain::local_integration`'s.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::local_integration::{
    DecisionOutcome, ObjectivesMet, ProjectFile, ProjectParty, ProjectStep, ReportKind, Verdict, VisitKind,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ProjectDto, idempotency_of, scope_of};
use crate::auth::{Participant, ProjectParticipant};
use crate::handlers::cases::{choice, date_field, short_text};
use crate::idempotency::{self, Answer};
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A step, by `kind`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[schema(example = json!({"kind": "opinion", "verdict": "favourable", "criteria": ["relevance", "partnership"],
    "reasoning": "Répond aux besoins relevés par le bureau d'accueil ; partenariat solide avec le CPAS."}))]
pub enum ProjectStepRequest {
    /// The competent CRI's opinion (*avis d'opportunité*), before the call's opinion deadline.
    Opinion {
        /// `favourable`, `reserved`, `unfavourable`.
        verdict: String,
        /// Codes of the call's criteria it addresses (at least one).
        criteria: Vec<String>,
        /// Its reasons (1 to 4,000 characters).
        reasoning: String,
    },
    /// The Region's decision, after the opinion.
    Decision {
        /// `granted` or `refused`.
        outcome: String,
        /// Granted amount, euro cents (0 when refused; at most the request and what remains of the call's budget).
        granted_cents: i64,
        /// Conditions of the grant.
        #[serde(default)]
        conditions: String,
        /// Reasons.
        reasoning: String,
    },
    /// A support visit by the CRI to a granted project.
    SupportVisit {
        /// `pedagogical` or `accounting`.
        visit: String,
        /// The day (`YYYY-MM-DD`, not in the future).
        visited_on: String,
        /// The CRI's notes.
        notes: String,
    },
    /// A report by the ILI on its granted project.
    Report {
        /// `interim` (any number) or `final` (once).
        report: String,
        /// What was done.
        summary: String,
        /// What was spent so far, euro cents.
        spent_cents: i64,
    },
    /// The CRI's evaluation, after the final report.
    Evaluation {
        /// `met`, `partly_met`, `not_met`.
        objectives: String,
        /// The evaluation.
        summary: String,
    },
}

impl ProjectStepRequest {
    /// The domain step (`version` is the version the opinion reads).
    fn step(&self, version: i32) -> Result<ProjectStep, ApiError> {
        Ok(match self {
            ProjectStepRequest::Opinion { verdict, criteria, reasoning } => ProjectStep::Opinion {
                verdict: choice(
                    "verdict",
                    verdict,
                    &[
                        ("favourable", Verdict::Favourable),
                        ("reserved", Verdict::Reserved),
                        ("unfavourable", Verdict::Unfavourable),
                    ],
                )?,
                criteria: criteria.iter().map(|c| c.trim().to_owned()).collect(),
                reasoning: short_text("reasoning", reasoning, 4000)?,
                version,
            },
            ProjectStepRequest::Decision { outcome, granted_cents, conditions, reasoning } => ProjectStep::Decision {
                outcome: choice(
                    "outcome",
                    outcome,
                    &[("granted", DecisionOutcome::Granted), ("refused", DecisionOutcome::Refused)],
                )?,
                granted_cents: *granted_cents,
                conditions: conditions.trim().chars().take(4000).collect(),
                reasoning: short_text("reasoning", reasoning, 4000)?,
            },
            ProjectStepRequest::SupportVisit { visit, visited_on, notes } => ProjectStep::SupportVisit {
                visit: choice(
                    "visit",
                    visit,
                    &[("pedagogical", VisitKind::Pedagogical), ("accounting", VisitKind::Accounting)],
                )?,
                visited_on: date_field("visited_on", visited_on)?,
                notes: short_text("notes", notes, 8000)?,
            },
            ProjectStepRequest::Report { report, summary, spent_cents } => ProjectStep::Report {
                report: choice("report", report, &[("interim", ReportKind::Interim), ("final", ReportKind::Final)])?,
                summary: short_text("summary", summary, 8000)?,
                spent_cents: *spent_cents,
            },
            ProjectStepRequest::Evaluation { objectives, summary } => ProjectStep::Evaluation {
                objectives: choice(
                    "objectives",
                    objectives,
                    &[
                        ("met", ObjectivesMet::Met),
                        ("partly_met", ObjectivesMet::PartlyMet),
                        ("not_met", ObjectivesMet::NotMet),
                    ],
                )?,
                summary: short_text("summary", summary, 8000)?,
            },
        })
    }
}

fn party_of(participant: &Participant) -> Option<ProjectParty> {
    match participant {
        Participant::Region => Some(ProjectParty::Region),
        Participant::Cri(_) => Some(ProjectParty::Cri),
        Participant::Initiative(_) => Some(ProjectParty::Applicant),
        Participant::Commune(_) => None,
    }
}

/// Records the next step of a project.
///
/// The next step of a project — the CRI's opinion, the Region's
/// decision, a support visit, a report, the evaluation. Who records which step, and when it is refused, is
/// `parcours_domain::local_integration`'s.
#[utoipa::path(
    tag = "local-integration",
    description = "Records a step: `opinion` (the competent CRI, before the call's `opinion_deadline`, \
                   `opinion_after_deadline` otherwise), `decision` (the Region, only after the opinion: \
                   `decision_without_opinion`), `support_visit` and `evaluation` (the CRI), `report` (the ILI). \
                   Follow-up is for granted projects; the evaluation follows the final report. Accepts \
                   `Idempotency-Key`. Audited; each step is an event of the project feed.",
    params(("id" = String, Path, description = "Application id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe")),
    request_body = ProjectStepRequest,
    responses(
        (status = 200, description = "The project after the step", body = ProjectDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "This party does not record this kind of step", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown project, or not the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Refused by the project's state (`opinion_after_deadline`, `decision_without_opinion`, `project_not_granted`...)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, unknown criterion, amount above the request or the call's budget", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/project-applications/{id}/steps")]
pub async fn create_project_step(
    state: web::Data<AppState>,
    participant: ProjectParticipant,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<ProjectStepRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let key = idempotency_of(&req, &participant.caller, &*body, &format!("{id}/steps"))?;
    let request = body.into_inner();
    let who = participant.participant;
    let expected = request.step(0)?.recorded_by();
    if party_of(&who) != Some(expected) {
        let (fr, en) = match expected {
            ProjectParty::Applicant => {
                ("Cette étape est celle de l'ILI candidate.", "This step is the applicant ILI's.")
            }
            ProjectParty::Cri => ("Cette étape est celle du CRI compétent.", "This step is the competent CRI's."),
            ProjectParty::Region => ("Cette étape est celle de la Région.", "This step is the Region's."),
        };
        return Err(ApiError::Forbidden(Text::new(fr, en)));
    }
    let actor = actor(&participant.caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let today = state.clock.today();
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            let current = parcours_store::project_applications::lock(conn, &id, &scope_of(&who))?;
            let call =
                parcours_store::project_calls::find(conn, &current.call_id)?.ok_or(ApiError::NotFound)?.call()?;
            let steps: Vec<ProjectStep> = parcours_store::project_steps::of_application(conn, &id)?
                .iter()
                .map(|s| s.step())
                .collect::<Result<_, _>>()?;
            let file = ProjectFile::replay(current.requested_cents, &steps);
            let step = request.step(file.version)?;
            let granted_so_far = parcours_store::project_applications::granted_in_call(conn, &current.call_id)?;
            let after = file.decide(&step, &call, granted_so_far, 0, today)?;
            let (record, _) =
                parcours_store::project_applications::record_step(conn, &current, &step, &after, None, &actor, now)?;
            let version = parcours_store::project_application_versions::find(conn, &id, record.version)?
                .ok_or(ApiError::NotFound)?;
            let steps = parcours_store::project_steps::of_application(conn, &id)?;
            Answer::ok(&ProjectDto::new(&record, &version, Some(&steps), &who)?)
        })
    })
    .await??;
    Ok(answer.respond())
}
