//! Policy simulations for the Region (`parcours_domain::simulation`): re-run the rules engine over the
//! stored facts of every determination of a period under an alternative set of dated parameters, and
//! answer how many persons would change status and why, and how their completion deadline would move, by
//! CRI — through the same suppression as the published statistics. Run by the job runner; nothing stored
//! is changed.

pub mod create;
pub mod get;

use chrono::{DateTime, Utc};
use parcours_store::simulations::SimulationRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::dto::{PolicyChangeDto, SimulationResult};
use crate::problem::ApiError;

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
