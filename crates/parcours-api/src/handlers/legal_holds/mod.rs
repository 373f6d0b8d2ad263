//! Legal holds: a data protection officer keeps a person's file past its retention period (litigation, an
//! authority's request), and lifts the hold when it no longer applies. A hold blocks the person's erasure.

pub mod create;
pub mod create_lifting;
pub mod list;

use chrono::{DateTime, Utc};
use parcours_store::legal_holds::LegalHoldRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why, 5 to 500 characters.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Recours pendant devant le tribunal du travail de Liège (RG 26/1234/A)"}))]
pub struct LegalHoldReason {
    /// Why.
    pub reason: String,
}

/// A legal hold.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000b1", "person_id": "01a20c90-0000-7000-8000-00000000000a",
    "reason": "Recours pendant devant le tribunal du travail de Liège (RG 26/1234/A)", "placed_by": "region:SPW",
    "placed_at": "2026-12-15T10:00:00Z", "lifted_at": null, "lift_reason": null}))]
pub struct LegalHoldDto {
    /// Id (to lift it).
    pub id: String,
    /// The person whose file is kept.
    pub person_id: String,
    /// Why.
    pub reason: String,
    /// The organisation of the officer who placed it.
    pub placed_by: String,
    /// When.
    pub placed_at: DateTime<Utc>,
    /// When it was lifted; null while it holds.
    pub lifted_at: Option<DateTime<Utc>>,
    /// Why it was lifted.
    pub lift_reason: Option<String>,
}

impl LegalHoldDto {
    /// The communicated form (the officers' names stay in the audit trail).
    pub fn new(hold: &LegalHoldRecord) -> LegalHoldDto {
        LegalHoldDto {
            id: hold.id.clone(),
            person_id: hold.person_id.clone(),
            reason: hold.reason.clone(),
            placed_by: hold.placed_by_org.clone(),
            placed_at: hold.placed_at.and_utc(),
            lifted_at: hold.lifted_at.map(|t| t.and_utc()),
            lift_reason: hold.lift_reason.clone(),
        }
    }
}
