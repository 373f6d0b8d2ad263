//! Identity conflicts: reports whose identity contradicts the one known for the same national number.
//! The report is kept as made and the current identity stays; the CRI competent for the person resolves.

pub mod create_resolution;
pub mod list;

use chrono::{DateTime, Utc};
use parcours_domain::identity::ConflictResolution;
use parcours_store::identity_conflicts::ConflictView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::persons::{IdentityDto, IdentityFieldDto};

/// How a conflict was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictResolutionDto {
    /// The current identity is right; the report stays recorded as it was made.
    KeepCurrent,
    /// The reported identity is right: it became the current one (a new version).
    AdoptReported,
}

impl From<ConflictResolution> for ConflictResolutionDto {
    fn from(resolution: ConflictResolution) -> Self {
        match resolution {
            ConflictResolution::KeepCurrent => ConflictResolutionDto::KeepCurrent,
            ConflictResolution::AdoptReported => ConflictResolutionDto::AdoptReported,
        }
    }
}

impl From<ConflictResolutionDto> for parcours_domain::identity::ConflictResolution {
    fn from(resolution: ConflictResolutionDto) -> Self {
        match resolution {
            ConflictResolutionDto::KeepCurrent => parcours_domain::identity::ConflictResolution::KeepCurrent,
            ConflictResolutionDto::AdoptReported => parcours_domain::identity::ConflictResolution::AdoptReported,
        }
    }
}

/// A conflict, with both identities.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IdentityConflictDto {
    /// Conflict id.
    pub id: String,
    /// The person.
    pub person_id: String,
    /// The arrival whose report conflicts (null for a CRI's walk-in).
    pub arrival_id: Option<String>,
    /// The fields that differ.
    pub fields: Vec<IdentityFieldDto>,
    /// The identity as reported.
    pub reported: IdentityDto,
    /// The identity that was current when the report came.
    pub current: IdentityDto,
    /// When the report came.
    pub flagged_at: DateTime<Utc>,
    /// How it was resolved; null while open.
    pub resolution: Option<ConflictResolutionDto>,
    /// The CRI's reason.
    pub resolution_reason: Option<String>,
    /// When.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl IdentityConflictDto {
    /// The communicated form.
    pub fn new(view: &ConflictView) -> IdentityConflictDto {
        let conflict = &view.conflict;
        IdentityConflictDto {
            id: conflict.id.clone(),
            person_id: conflict.person_id.clone(),
            arrival_id: conflict.arrival_id.clone(),
            fields: conflict.field_list().into_iter().map(Into::into).collect(),
            reported: IdentityDto::new(&view.reported),
            current: IdentityDto::new(&view.current),
            flagged_at: conflict.flagged_at.and_utc(),
            resolution: conflict.resolution.as_deref().and_then(ConflictResolution::parse).map(Into::into),
            resolution_reason: conflict.resolution_reason.clone(),
            resolved_at: conflict.resolved_at.map(|at| at.and_utc()),
        }
    }
}
