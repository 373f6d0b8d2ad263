//! Non-compliance records: a breach of the obligation found by the detection job or reported by the CRI,
//! its review (excused, or handed to the Region), and the preconditions of a fine as they stand.

pub mod create;
pub mod create_review;
pub mod get;
pub mod list;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_domain::ReferenceData;
use parcours_domain::case::Case;
use parcours_domain::non_compliance::{
    BreachKind, Excuse, NonComplianceStatus, PreconditionCheck, SanctionFacts, check_preconditions,
};
use parcours_domain::regime::Axis;
use parcours_store::DbConnection;
use parcours_store::non_compliances::{NonComplianceRecord, NonComplianceView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::Bilingual;
use crate::problem::ApiError;

/// What was breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachKindDto {
    /// No presentation within the deadline (rule 6.3 (a)).
    PresentationMissed,
    /// Pathway not completed within the deadline (rule 6.3 (b)).
    CompletionMissed,
    /// The convention is not respected, as the CRI reports (rule 6.3 (b)).
    ConventionNotRespected,
}

impl From<BreachKind> for BreachKindDto {
    fn from(kind: BreachKind) -> Self {
        match kind {
            BreachKind::PresentationMissed => BreachKindDto::PresentationMissed,
            BreachKind::CompletionMissed => BreachKindDto::CompletionMissed,
            BreachKind::ConventionNotRespected => BreachKindDto::ConventionNotRespected,
        }
    }
}

/// Where a record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NonComplianceStatusDto {
    /// Awaiting the CRI's review.
    Open,
    /// Excused: no sanction.
    Excused,
    /// Handed to the Region: a procedure is open.
    HandedOver,
}

impl From<NonComplianceStatus> for NonComplianceStatusDto {
    fn from(status: NonComplianceStatus) -> Self {
        match status {
            NonComplianceStatus::Open => NonComplianceStatusDto::Open,
            NonComplianceStatus::Excused => NonComplianceStatusDto::Excused,
            NonComplianceStatus::HandedOver => NonComplianceStatusDto::HandedOver,
        }
    }
}

impl From<NonComplianceStatusDto> for NonComplianceStatus {
    fn from(status: NonComplianceStatusDto) -> Self {
        match status {
            NonComplianceStatusDto::Open => NonComplianceStatus::Open,
            NonComplianceStatusDto::Excused => NonComplianceStatus::Excused,
            NonComplianceStatusDto::HandedOver => NonComplianceStatus::HandedOver,
        }
    }
}

/// An axis of the pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AxisDto {
    /// French as a foreign language.
    French,
    /// Citizenship.
    Citizenship,
    /// Socio-professional orientation.
    Orientation,
}

impl From<Axis> for AxisDto {
    fn from(axis: Axis) -> Self {
        match axis {
            Axis::French => AxisDto::French,
            Axis::Citizenship => AxisDto::Citizenship,
            Axis::Orientation => AxisDto::Orientation,
        }
    }
}

impl From<AxisDto> for Axis {
    fn from(axis: AxisDto) -> Self {
        match axis {
            AxisDto::French => Axis::French,
            AxisDto::Citizenship => Axis::Citizenship,
            AxisDto::Orientation => Axis::Orientation,
        }
    }
}

/// One precondition of a fine, checked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PreconditionDto {
    /// `obliged_under_a_regime_with_fines`, `facts_after_fines_applicable`, `no_dispensation`,
    /// `no_pending_dispensation_claim`, `not_regularised`, `no_course_place_suspension`,
    /// `welcome_module_offered` or `region_supply` (one per required axis).
    pub code: String,
    /// The axis, for `region_supply`.
    pub axis: Option<AxisDto>,
    /// Whether it holds: the file can be handed over only when all do.
    pub met: bool,
    /// What was found.
    pub statement: Bilingual,
    /// Legal basis.
    pub basis: String,
}

impl From<&PreconditionCheck> for PreconditionDto {
    fn from(check: &PreconditionCheck) -> Self {
        PreconditionDto {
            code: check.code.clone(),
            axis: check.axis.map(AxisDto::from),
            met: check.met,
            statement: Bilingual { fr: check.statement_fr.clone(), en: check.statement_en.clone() },
            basis: check.basis.clone(),
        }
    }
}

/// The procedure opened from a record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProcedureLink {
    /// Id (`GET /v1/sanctions/{id}`).
    pub id: String,
    /// Reference.
    pub reference: String,
    /// State code.
    pub state: String,
}

/// A non-compliance record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a2363a-9c3a-77e9-b769-6a5edf119343", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "case_reference": "CRIPEL-2026-000001", "kind": "presentation_missed", "deadline": "2027-03-01",
    "breach_date": "2027-03-02", "basis": "CWASS art. 152/7 §1 et art. 152/8; rule 6.3 (a)", "finding": null,
    "status": "open", "excuse": null, "review_reason": null, "reviewed_on": null, "recorded_by": "system:non-compliance",
    "recorded_at": "2027-03-02T00:15:00Z", "procedure": null, "preconditions": null}))]
pub struct NonComplianceDto {
    /// Id.
    pub id: String,
    /// Case.
    pub case_id: String,
    /// Case reference.
    pub case_reference: String,
    /// What was breached.
    pub kind: BreachKindDto,
    /// The deadline passed, or the date of the CRI's finding.
    pub deadline: NaiveDate,
    /// The date of the facts (the day after the deadline, or the finding's date).
    pub breach_date: NaiveDate,
    /// Legal basis.
    pub basis: String,
    /// The CRI's finding, for a convention not respected.
    pub finding: Option<String>,
    /// Where it stands.
    pub status: NonComplianceStatusDto,
    /// The excuse, once excused: `force_majeure`, `pending_dispensation_claim` or `unrecorded_suspension`.
    pub excuse: Option<String>,
    /// The CRI's reason for its review.
    pub review_reason: Option<String>,
    /// Reviewed on.
    pub reviewed_on: Option<NaiveDate>,
    /// `system:non-compliance` (the detection job) or the reporting CRI.
    pub recorded_by: String,
    /// Recorded at.
    pub recorded_at: DateTime<Utc>,
    /// The procedure, once handed over.
    pub procedure: Option<ProcedureLink>,
    /// The preconditions of a fine as they stand today (on `GET /v1/non-compliances/{id}` only).
    pub preconditions: Option<Vec<PreconditionDto>>,
}

impl NonComplianceDto {
    /// From the stored view.
    pub fn new(view: &NonComplianceView) -> Result<Self, ApiError> {
        let record = &view.record;
        Ok(NonComplianceDto {
            id: record.id.clone(),
            case_id: record.case_id.clone(),
            case_reference: view.case_reference.clone(),
            kind: record.kind.into(),
            deadline: record.deadline,
            breach_date: record.breach_date,
            basis: record.basis.clone(),
            finding: record.finding.clone(),
            status: record.status.into(),
            excuse: record.excuse()?.map(|e: Excuse| e.code().to_owned()),
            review_reason: record.review_reason.clone(),
            reviewed_on: record.reviewed_on,
            recorded_by: record.created_by.clone(),
            recorded_at: record.created_at.and_utc(),
            procedure: view.procedure.as_ref().map(|(id, reference, state)| ProcedureLink {
                id: id.clone(),
                reference: reference.clone(),
                state: state.clone(),
            }),
            preconditions: None,
        })
    }
}

/// The preconditions of a fine for `record` on `case`, from the offers and waiting lists stored.
pub fn preconditions(
    conn: &mut DbConnection,
    record: &NonComplianceRecord,
    case: &Case,
    reference: &ReferenceData,
) -> Result<Vec<PreconditionCheck>, ApiError> {
    let offers = parcours_store::course_offers::offers_for_case(conn, &record.case_id)?
        .iter()
        .map(|o| o.offer())
        .collect::<Result<Vec<_>, _>>()?;
    let waiting = parcours_store::enrolments::waiting_periods(conn, &record.case_id)?;
    Ok(check_preconditions(&SanctionFacts {
        case,
        breach: record.kind,
        breach_date: record.breach_date,
        fines_applicable_from: *reference.parameters.fines_applicable_from.on(record.breach_date),
        offers: &offers,
        waiting: &waiting,
    }))
}
