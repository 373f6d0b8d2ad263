//! Calls for projects (*appels à projets*) to local integration initiatives: the Region opens them, every
//! organisation of the sector reads them, ILIs apply to them.

pub mod create;
pub mod create_application;
pub mod get;
pub mod list;

use parcours_domain::CriCode;
use parcours_domain::local_integration::{Criterion, IliAxis, ProjectCall};
use parcours_store::project_calls::ProjectCallRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::cases::{date_field, short_text};
use crate::problem::{ApiError, FieldError};

/// One criterion of a call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "relevance", "label": "Pertinence au regard des besoins du territoire"}))]
pub struct CriterionDto {
    /// Short stable code (lowercase, `_`), which opinions cite.
    pub code: String,
    /// What it means.
    pub label: String,
}

/// A call for projects, as the Region opens it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Appel ILI 2027 — Liège et Verviers", "axes": ["citizenship", "french_foreign_language"],
    "territory": ["CRIPEL", "CRVI"], "opens_on": "2026-12-01", "closes_on": "2027-01-31", "opinion_deadline": "2027-02-28",
    "budget_cents": 50000000, "criteria": [{"code": "relevance", "label": "Pertinence"}, {"code": "partnership", "label": "Partenariat local"}]}))]
pub struct ProjectCallRequest {
    /// Title (1 to 200 characters).
    pub title: String,
    /// Axes funded: `citizenship`, `socio_professional_integration`, `social_legal_aid`, `interculturality`,
    /// `french_foreign_language`.
    pub axes: Vec<String>,
    /// CRIs whose territory the call covers.
    pub territory: Vec<String>,
    /// First day applications are received (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub opens_on: String,
    /// Last day applications are received and may be revised.
    #[schema(format = Date)]
    pub closes_on: String,
    /// Last day for the CRIs' opinions (after `closes_on`).
    pub opinion_deadline: String,
    /// Budget, in euro cents.
    pub budget_cents: i64,
    /// The criteria the opinions address.
    pub criteria: Vec<CriterionDto>,
}

/// Parses ILI axes.
pub fn ili_axes(field: &str, values: &[String]) -> Result<Vec<IliAxis>, ApiError> {
    let mut axes = Vec::new();
    for value in values {
        let axis = IliAxis::parse(value).ok_or_else(|| {
            let names: Vec<&str> = IliAxis::ALL.iter().map(|a| a.code()).collect();
            ApiError::Validation(vec![FieldError::new(
                field,
                "invalid_axis",
                format!("Axes admis : {}.", names.join(", ")),
                format!("Allowed axes: {}.", names.join(", ")),
            )])
        })?;
        if !axes.contains(&axis) {
            axes.push(axis);
        }
    }
    Ok(axes)
}

impl ProjectCallRequest {
    /// The domain call (fields parsed; the domain checks the whole).
    pub fn call(&self) -> Result<ProjectCall, ApiError> {
        let territory = self
            .territory
            .iter()
            .map(|code| {
                CriCode::parse(code).map_err(|_| {
                    ApiError::Validation(vec![FieldError::new(
                        "territory",
                        "invalid_cri",
                        "CRI inconnu.",
                        "Unknown CRI.",
                    )])
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let criteria = self
            .criteria
            .iter()
            .map(|c| {
                Ok(Criterion {
                    code: short_text("criteria.code", &c.code, 40)?,
                    label: short_text("criteria.label", &c.label, 300)?,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(ProjectCall {
            title: short_text("title", &self.title, 200)?,
            axes: ili_axes("axes", &self.axes)?,
            territory,
            opens_on: date_field("opens_on", &self.opens_on)?,
            closes_on: date_field("closes_on", &self.closes_on)?,
            opinion_deadline: date_field("opinion_deadline", &self.opinion_deadline)?,
            budget_cents: self.budget_cents,
            criteria,
        })
    }
}

/// A call.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001a1", "title": "Appel ILI 2027 — Liège et Verviers",
    "axes": ["citizenship", "french_foreign_language"], "territory": ["CRIPEL", "CRVI"], "opens_on": "2026-12-01",
    "closes_on": "2027-01-31", "opinion_deadline": "2027-02-28", "budget_cents": 50000000,
    "criteria": [{"code": "relevance", "label": "Pertinence"}], "open": true}))]
pub struct ProjectCallDto {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Axes funded.
    pub axes: Vec<String>,
    /// CRIs covered.
    pub territory: Vec<String>,
    /// First day applications are received.
    #[schema(format = Date)]
    pub opens_on: String,
    /// Last day applications are received.
    #[schema(format = Date)]
    pub closes_on: String,
    /// Last day for the CRIs' opinions.
    pub opinion_deadline: String,
    /// Budget, euro cents.
    pub budget_cents: i64,
    /// Criteria.
    pub criteria: Vec<CriterionDto>,
    /// Whether it receives applications today.
    pub open: bool,
}

impl ProjectCallDto {
    /// The communicated form, `today` saying whether it is open.
    pub fn new(record: &ProjectCallRecord, today: chrono::NaiveDate) -> Result<ProjectCallDto, ApiError> {
        let call = record.call()?;
        Ok(ProjectCallDto {
            id: record.id.clone(),
            title: call.title,
            axes: call.axes.iter().map(|a| a.code().to_owned()).collect(),
            territory: call.territory.iter().map(|c| c.code().to_owned()).collect(),
            opens_on: call.opens_on.to_string(),
            closes_on: call.closes_on.to_string(),
            opinion_deadline: call.opinion_deadline.to_string(),
            budget_cents: call.budget_cents,
            criteria: call.criteria.into_iter().map(|c| CriterionDto { code: c.code, label: c.label }).collect(),
            open: call.opens_on <= today && today <= call.closes_on,
        })
    }
}
