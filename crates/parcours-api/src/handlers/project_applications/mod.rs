//! ILI applications and the projects they become: versions, the CRI's opinion, the Region's decision,
//! support visits, reports and the evaluation, each a dated step decided by
//! `parcours_domain::local_integration` and recorded on the project feed.

pub mod create_step;
pub mod create_version;
pub mod get;
pub mod list;

use actix_web::HttpRequest;
use parcours_domain::local_integration::{Application, BudgetLine, Partner, ProjectStatus};
use parcours_store::project_application_versions::ApplicationVersionRecord;
use parcours_store::project_applications::{ProjectApplicationRecord, ProjectScope};
use parcours_store::project_steps::ProjectStepRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, Participant};
use crate::handlers::cases::{nis_codes, short_text};
use crate::handlers::project_calls::ili_axes;
use crate::idempotency::{self, Idempotency};
use crate::problem::ApiError;

/// A line of a budget.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Animation (2 × 4 h par semaine)", "amount_cents": 1800000}))]
pub struct BudgetLineDto {
    /// What it pays for.
    pub label: String,
    /// Amount, euro cents (positive).
    pub amount_cents: i64,
}

/// A partner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "CPAS de Liège", "role": "Orientation du public"}))]
pub struct PartnerDto {
    /// Partner organisation.
    pub name: String,
    /// What it brings.
    pub role: String,
}

/// What an ILI submits (a first version, or a new one).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"project_title": "Tables de conversation en français", "summary": "Deux tables par semaine, avec garderie.",
    "axes": ["french_foreign_language"], "target_public": "Primo-arrivants des quartiers Nord et Droixhe",
    "communes": ["62063"], "budget_lines": [{"label": "Animation", "amount_cents": 1800000}, {"label": "Garderie", "amount_cents": 700000}],
    "partners": [{"name": "CPAS de Liège", "role": "Orientation du public"}]}))]
pub struct ApplicationRequest {
    /// The project's title (1 to 200 characters).
    pub project_title: String,
    /// What it does (1 to 4,000 characters).
    pub summary: String,
    /// Axes (among the call's).
    pub axes: Vec<String>,
    /// Who it is for.
    pub target_public: String,
    /// NIS codes of the communes where it runs (one CRI's territory).
    pub communes: Vec<String>,
    /// Budget lines.
    pub budget_lines: Vec<BudgetLineDto>,
    /// Partners.
    #[serde(default)]
    pub partners: Vec<PartnerDto>,
}

impl ApplicationRequest {
    /// The domain application (fields parsed; the call's rules are the domain's).
    pub fn application(&self) -> Result<Application, ApiError> {
        let communes = nis_codes("communes", &self.communes)?;
        Ok(Application {
            project_title: short_text("project_title", &self.project_title, 200)?,
            summary: short_text("summary", &self.summary, 4000)?,
            axes: ili_axes("axes", &self.axes)?,
            target_public: short_text("target_public", &self.target_public, 500)?,
            communes,
            budget_lines: self
                .budget_lines
                .iter()
                .map(|l| {
                    Ok(BudgetLine {
                        label: short_text("budget_lines.label", &l.label, 200)?,
                        amount_cents: l.amount_cents,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?,
            partners: self
                .partners
                .iter()
                .map(|p| {
                    Ok(Partner {
                        name: short_text("partners.name", &p.name, 200)?,
                        role: short_text("partners.role", &p.role, 300)?,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?,
        })
    }
}

/// The scope of a participant in the store's terms.
pub fn scope_of(participant: &Participant) -> ProjectScope {
    match participant {
        Participant::Region => ProjectScope::Region,
        Participant::Cri(cri) => ProjectScope::Cri(cri.code().to_owned()),
        Participant::Initiative(number) => ProjectScope::Initiative(number.clone()),
        Participant::Commune(nis) => ProjectScope::Commune(nis.to_string()),
    }
}

/// Whether a commune sees this project: only funded projects are the communes' business, never
/// applications under review or refused.
pub fn commune_sees(record: &ProjectApplicationRecord) -> bool {
    matches!(ProjectStatus::parse(&record.status), Some(ProjectStatus::Granted | ProjectStatus::Evaluated))
}

/// The optional `Idempotency-Key` of an ILI's write, bound to the caller's organisation and the body.
pub fn idempotency_of(
    req: &HttpRequest,
    caller: &Caller,
    body: &impl Serialize,
    path: &str,
) -> Result<Option<Idempotency>, ApiError> {
    let canonical = serde_json::to_string(body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(idempotency::optional_key(req)?.map(|key| Idempotency {
        organisation: caller.organisation.to_string(),
        key,
        request_hash: idempotency::request_hash(format!("{path}\n{canonical}").as_bytes()),
    }))
}

/// The submitted content, as shown (budget lines left out for communes).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApplicationContentDto {
    /// The project's title.
    pub project_title: String,
    /// What it does.
    pub summary: String,
    /// Axes.
    pub axes: Vec<String>,
    /// Who it is for.
    pub target_public: String,
    /// Communes where it runs.
    pub communes: Vec<String>,
    /// Budget lines (not shown to communes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_lines: Option<Vec<BudgetLineDto>>,
    /// Partners.
    pub partners: Vec<PartnerDto>,
}

/// One dated step of a project.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"seq": 12, "type": "project_opinion_given", "recorded_at": "2027-02-10T09:12:00Z",
    "recorded_by": "cri:CRIPEL", "step": {"kind": "opinion", "verdict": "favourable", "criteria": ["relevance"],
    "reasoning": "Répond aux besoins relevés par le bureau d'accueil.", "version": 1}}))]
pub struct ProjectStepDto {
    /// Position on the project feed.
    pub seq: i64,
    /// Event type (`project_application_submitted`, `project_opinion_given`...).
    #[serde(rename = "type")]
    pub event_type: String,
    /// When it was recorded.
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// The organisation that recorded it.
    pub recorded_by: String,
    /// The step, as recorded (`kind` and its fields).
    #[schema(value_type = Object)]
    pub step: serde_json::Value,
}

impl ProjectStepDto {
    /// The communicated form.
    pub fn new(record: &ProjectStepRecord) -> Result<ProjectStepDto, ApiError> {
        Ok(ProjectStepDto {
            seq: record.seq,
            event_type: record.kind.clone(),
            recorded_at: record.recorded_at.and_utc(),
            recorded_by: record.recorded_by.clone(),
            step: serde_json::from_str(&record.step_json)
                .map_err(|e| ApiError::Internal(format!("stored project step unreadable: {e}")))?,
        })
    }
}

/// A project: the application and where it stands. Communes see it without amounts, budget lines or steps.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001b1", "call_id": "01a20c90-0000-7000-8000-0000000001a1",
    "initiative": "0123.456.749", "cri": "CRIPEL", "status": "granted", "version": 1, "requested_cents": 2500000,
    "granted_cents": 2000000, "submitted_at": "2026-12-15T10:00:00Z", "updated_at": "2027-03-01T10:00:00Z",
    "application": {"project_title": "Tables de conversation en français", "summary": "Deux tables par semaine.",
        "axes": ["french_foreign_language"], "target_public": "Primo-arrivants", "communes": ["62063"],
        "budget_lines": [{"label": "Animation", "amount_cents": 2500000}], "partners": []}}))]
pub struct ProjectDto {
    /// Id.
    pub id: String,
    /// The call.
    pub call_id: String,
    /// The applicant's enterprise number.
    pub initiative: String,
    /// The competent CRI.
    pub cri: String,
    /// `submitted`, `opinion_given`, `granted`, `refused`, `evaluated`.
    pub status: String,
    /// Current version.
    pub version: i32,
    /// Asked, euro cents (not shown to communes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_cents: Option<i64>,
    /// Granted, euro cents (not shown to communes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted_cents: Option<i64>,
    /// First submitted.
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    /// Last step.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The current version's content.
    pub application: ApplicationContentDto,
    /// The steps, in order (on a single project, not to communes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<ProjectStepDto>>,
}

impl ProjectDto {
    /// The communicated form for `participant`.
    pub fn new(
        record: &ProjectApplicationRecord,
        version: &ApplicationVersionRecord,
        steps: Option<&[ProjectStepRecord]>,
        participant: &Participant,
    ) -> Result<ProjectDto, ApiError> {
        let content = version.content()?;
        let commune = matches!(participant, Participant::Commune(_));
        Ok(ProjectDto {
            id: record.id.clone(),
            call_id: record.call_id.clone(),
            initiative: record.enterprise_number.clone(),
            cri: record.cri_code.clone(),
            status: record.status.clone(),
            version: record.version,
            requested_cents: (!commune).then_some(record.requested_cents),
            granted_cents: (!commune).then_some(record.granted_cents),
            submitted_at: record.submitted_at.and_utc(),
            updated_at: record.updated_at.and_utc(),
            application: ApplicationContentDto {
                project_title: content.project_title,
                summary: content.summary,
                axes: content.axes.iter().map(|a| a.code().to_owned()).collect(),
                target_public: content.target_public,
                communes: content.communes.iter().map(|c| c.to_string()).collect(),
                budget_lines: (!commune).then(|| {
                    content
                        .budget_lines
                        .into_iter()
                        .map(|l| BudgetLineDto { label: l.label, amount_cents: l.amount_cents })
                        .collect()
                }),
                partners: content.partners.into_iter().map(|p| PartnerDto { name: p.name, role: p.role }).collect(),
            },
            steps: match (steps, commune) {
                (Some(steps), false) => Some(steps.iter().map(ProjectStepDto::new).collect::<Result<_, _>>()?),
                _ => None,
            },
        })
    }
}
