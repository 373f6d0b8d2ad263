//! Erasure batches (storage limitation, GDPR art. 5(1)(e)): the `retention_review` job proposes the persons
//! whose file is due as a dry-run report; the Region's data protection officer approves or rejects it; the
//! next run erases those still due, one transaction each, and records the outcome.

pub mod create_decision;
pub mod list;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_store::erasure_batches::ErasureBatchRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::ApiError;

/// A person due for erasure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DuePerson {
    /// The person.
    pub person_id: String,
    /// Due since.
    pub due_since: NaiveDate,
    /// The retention parameter whose period ran out.
    #[schema(example = "retention_years_after_closure")]
    pub rule: String,
    /// Rows the erasure will change, per table.
    pub rows: BTreeMap<String, i64>,
}

/// A person due, but blocked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlockedPerson {
    /// The person.
    pub person_id: String,
    /// Due since.
    pub due_since: NaiveDate,
    /// What blocks it.
    #[schema(value_type = String, example = "legal_hold")]
    pub block: String,
}

/// A person left out when the batch was executed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkippedPerson {
    /// The person.
    pub person_id: String,
    /// `kept` (no longer due: a new report), `legal_hold`, `sanction_procedure_open`, `already_erased`.
    pub reason: String,
}

/// What the execution did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErasureOutcomeDto {
    /// Erased (their rows are tombstones now).
    pub erased: Vec<String>,
    /// Left out.
    pub skipped: Vec<SkippedPerson>,
}

/// A batch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErasureBatchDto {
    /// Id.
    pub id: String,
    /// `proposed`, `approved`, `rejected`, `executed`.
    #[schema(example = "proposed")]
    pub status: String,
    /// When the review proposed it.
    pub proposed_at: DateTime<Utc>,
    /// The day the review ran (its retention periods are those in force that day).
    pub reviewed_on: NaiveDate,
    /// The retention periods applied, in years (UNCONFIRMED parameters, `GET /v1/parameters`).
    pub periods: BTreeMap<String, u32>,
    /// Due.
    pub due: Vec<DuePerson>,
    /// Due but blocked: not erased.
    pub blocked: Vec<BlockedPerson>,
    /// The officer's decision, when made: when.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why.
    pub decision_reason: Option<String>,
    /// When it was executed.
    pub executed_at: Option<DateTime<Utc>>,
    /// What the execution did.
    pub outcome: Option<ErasureOutcomeDto>,
}

impl ErasureBatchDto {
    /// The communicated form.
    pub fn new(batch: &ErasureBatchRecord) -> Result<ErasureBatchDto, ApiError> {
        let report = batch.report()?;
        let outcome = batch.outcome()?.map(|outcome| ErasureOutcomeDto {
            erased: outcome.erased,
            skipped: outcome
                .skipped
                .into_iter()
                .map(|s| SkippedPerson { person_id: s.person_id, reason: s.reason })
                .collect(),
        });
        Ok(ErasureBatchDto {
            id: batch.id.clone(),
            status: batch.status.clone(),
            proposed_at: batch.proposed_at.and_utc(),
            reviewed_on: report.reviewed_on,
            periods: report.periods,
            due: report
                .due
                .into_iter()
                .map(|d| DuePerson { person_id: d.person_id, due_since: d.due_since, rule: d.rule, rows: d.rows })
                .collect(),
            blocked: report
                .blocked
                .into_iter()
                .map(|b| BlockedPerson { person_id: b.person_id, due_since: b.due_since, block: b.block })
                .collect(),
            decided_at: batch.decided_at.map(|t| t.and_utc()),
            decision_reason: batch.decision_reason.clone(),
            executed_at: batch.executed_at.map(|t| t.and_utc()),
            outcome,
        })
    }
}

/// The Region's officer only: erasure concerns every CRI's files.
fn region_officer(officer: &crate::auth::PrivacyOfficer) -> Result<(), ApiError> {
    match officer.cri {
        None => Ok(()),
        Some(_) => Err(ApiError::Forbidden(crate::problem::Text::new(
            "Les lots d'effacement relèvent du délégué à la protection des données de la Région.",
            "Erasure batches are for the Region's data protection officer.",
        ))),
    }
}
