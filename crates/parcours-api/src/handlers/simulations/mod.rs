//! Policy simulations for the Region (`parcours_domain::simulation`): re-run the rules engine over the
//! stored facts of every determination of a period under an alternative set of dated parameters, and
//! answer how many persons would change status and why, and how their completion deadline would move, by
//! CRI — through the same suppression as the published statistics. Run by the job runner; nothing stored
//! is changed.

pub mod create;
pub mod get;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_domain::simulation::{PolicyChange, Summary};
use parcours_store::simulations::SimulationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::ApiError;

/// One change of the alternative.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyChangeDto {
    /// A parameter (`GET /v1/parameters`) or a quantity the law fixes: `upper_age` (65),
    /// `r2024_completion_months` (36).
    #[schema(example = "r2024_completion_months")]
    pub name: String,
    /// The alternative applies to reference dates from this day on.
    #[schema(example = "2024-01-01")]
    pub valid_from: NaiveDate,
    /// The value, in the parameter's text form.
    #[schema(example = "24")]
    pub value: String,
}

impl PolicyChangeDto {
    /// As the domain reads it.
    pub fn change(&self) -> PolicyChange {
        PolicyChange { name: self.name.clone(), valid_from: self.valid_from, value: self.value.clone() }
    }
}

/// A published count of the answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SimulationCellDto {
    /// A CRI code, `none` (outside the CRIs' territory) or `wallonie`.
    #[schema(example = "CRIPEL")]
    pub territory: String,
    /// `obliged->dispensed` (status in force, then under the alternative), or `null` for all.
    #[schema(example = "obliged->obliged")]
    pub transition: Option<String>,
    /// How the completion deadline moves (`same`, `earlier_7_12_months`, `gained`, `lost`...), or `null`
    /// for all.
    #[schema(example = json!(null))]
    pub shift: Option<String>,
    /// Persons; `null` when suppressed.
    #[schema(example = 12)]
    pub count: Option<u64>,
    /// `c` when suppressed.
    #[schema(example = json!(null))]
    pub flag: Option<String>,
}

/// Why persons change status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransitionReasons {
    /// The status change (published for Wallonia).
    #[schema(example = "obliged->dispensed")]
    pub transition: String,
    /// The reasons that fire under the alternative and not under the rules in force.
    #[schema(example = json!(["DISPENSED_65_OR_OVER"]))]
    pub reasons: Vec<String>,
}

/// The answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SimulationResult {
    /// Counts from 1 to `threshold - 1` are suppressed, with enough others.
    #[schema(example = 5)]
    pub threshold: u64,
    /// By CRI and status change, and by CRI and deadline shift (the two share their CRI totals).
    pub cells: Vec<SimulationCellDto>,
    /// For each status change published for Wallonia, the reasons that drive it.
    pub reasons: Vec<TransitionReasons>,
}

impl SimulationResult {
    /// From the domain's summary.
    pub fn new(summary: &Summary, threshold: u64) -> SimulationResult {
        SimulationResult {
            threshold,
            cells: summary
                .cells
                .iter()
                .map(|c| SimulationCellDto {
                    territory: c.territory.clone(),
                    transition: c.transition.clone(),
                    shift: c.shift.map(str::to_owned),
                    count: c.count,
                    flag: c.count.is_none().then(|| "c".to_owned()),
                })
                .collect(),
            reasons: summary
                .reasons
                .iter()
                .map(|(transition, reasons)| TransitionReasons {
                    transition: transition.clone(),
                    reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
                })
                .collect(),
        }
    }
}

/// A simulation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SimulationDto {
    /// Id.
    pub id: String,
    /// The period whose determinations are re-run.
    #[schema(example = "2026")]
    pub period: String,
    /// The alternative.
    pub changes: Vec<PolicyChangeDto>,
    /// `queued`, `running`, `done` or `failed`.
    #[schema(example = "done")]
    pub status: String,
    /// 0 to 100.
    #[schema(example = 100)]
    pub progress_percent: i32,
    /// When asked.
    pub requested_at: DateTime<Utc>,
    /// When finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// The answer, once done.
    pub result: Option<SimulationResult>,
    /// Why it failed.
    pub error: Option<String>,
}

impl SimulationDto {
    /// From the stored row.
    pub fn new(record: &SimulationRecord) -> Result<SimulationDto, ApiError> {
        let corrupt = |e: serde_json::Error| ApiError::Internal(format!("stored simulation unreadable: {e}"));
        Ok(SimulationDto {
            id: record.id.clone(),
            period: record.period.clone(),
            changes: serde_json::from_str(&record.changes_json).map_err(corrupt)?,
            status: record.status.clone(),
            progress_percent: record.progress_percent,
            requested_at: record.requested_at.and_utc(),
            finished_at: record.finished_at.map(|t| t.and_utc()),
            result: record.result_json.as_deref().map(serde_json::from_str).transpose().map_err(corrupt)?,
            error: record.error.clone(),
        })
    }
}
