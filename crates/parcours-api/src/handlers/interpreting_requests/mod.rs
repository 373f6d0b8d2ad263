//! Interpreting requests: the CRI asks the interpreting service (SETIS wallon, free for the person: rule
//! 3.3) for an interpreter at an appointment or a collective session, and records the answer: requested →
//! confirmed → done, or cancelled. A confirmed interpreter is printed on the invitation; when the person
//! attends, the interpreter's help is recorded on the case.

pub mod create;
pub mod create_status_change;
pub mod get;
pub mod list;

use chrono::{DateTime, Utc};
use parcours_store::interpreting_requests::InterpretingRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An interpreting request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000f6", "appointment_id": "01a20c90-0000-7000-8000-0000000000f3",
    "session_id": null, "language": "ar", "mode": "on_site", "status": "confirmed", "provider_reference": "SETIS-2026-1187",
    "requested_at": "2026-12-15T09:00:00Z", "updated_at": "2026-12-15T11:00:00Z"}))]
pub struct InterpretingDto {
    /// Id.
    pub id: String,
    /// The appointment, or
    pub appointment_id: Option<String>,
    /// the collective session.
    pub session_id: Option<String>,
    /// Language (ISO 639).
    pub language: String,
    /// `on_site`, `phone` or `video`.
    pub mode: String,
    /// `requested`, `confirmed`, `done` or `cancelled`.
    pub status: String,
    /// The interpreting service's reference.
    pub provider_reference: Option<String>,
    /// Asked.
    pub requested_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl InterpretingDto {
    /// The communicated form.
    pub fn new(record: &InterpretingRecord) -> InterpretingDto {
        InterpretingDto {
            id: record.id.clone(),
            appointment_id: record.appointment_id.clone(),
            session_id: record.session_id.clone(),
            language: record.language.clone(),
            mode: record.mode.clone(),
            status: record.status.clone(),
            provider_reference: record.provider_reference.clone(),
            requested_at: record.requested_at.and_utc(),
            updated_at: record.updated_at.and_utc(),
        }
    }
}
