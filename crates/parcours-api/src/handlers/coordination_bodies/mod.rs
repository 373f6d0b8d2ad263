//! Local coordination: the plans and platforms a CRI runs or joins in its territory (local integration
//! plan, social-cohesion plan, platform), the communes they cover, their partners and their meetings.

pub mod create;
pub mod create_meeting;
pub mod get;
pub mod list;

use parcours_domain::local_coordination::{CoordinationBody, CoordinationKind};
use parcours_store::coordination_bodies::{CoordinationBodyRecord, CoordinationScope};
use parcours_store::coordination_meetings::CoordinationMeetingRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Participant;
use crate::handlers::cases::{nis_codes, short_text};
use crate::problem::{ApiError, FieldError, Text};

/// A plan or platform, as the CRI records it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "social_cohesion_plan", "name": "Plan de cohésion sociale de Liège 2026-2031",
    "communes": ["62063"], "partners": ["Ville de Liège", "CPAS de Liège", "Forem"]}))]
pub struct CoordinationBodyRequest {
    /// `local_integration_plan`, `social_cohesion_plan`, `platform`.
    pub kind: String,
    /// Name (1 to 200 characters).
    pub name: String,
    /// NIS codes of the communes covered (the CRI's territory).
    pub communes: Vec<String>,
    /// Partner organisations.
    #[serde(default)]
    pub partners: Vec<String>,
}

impl CoordinationBodyRequest {
    /// The domain body.
    pub fn body(&self) -> Result<CoordinationBody, ApiError> {
        let kind = CoordinationKind::parse(&self.kind).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "kind",
                "invalid_value",
                "Valeurs admises : local_integration_plan, social_cohesion_plan, platform.",
                "Allowed values: local_integration_plan, social_cohesion_plan, platform.",
            )])
        })?;
        let communes = nis_codes("communes", &self.communes)?;
        Ok(CoordinationBody {
            kind,
            name: short_text("name", &self.name, 200)?,
            communes,
            partners: self.partners.iter().map(|p| short_text("partners", p, 200)).collect::<Result<_, _>>()?,
        })
    }
}

/// A meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001e2", "held_on": "2026-12-10",
    "partners_present": ["Ville de Liège", "CPAS de Liège"], "decisions": ["Cartographier l'offre FLE du quartier Nord"]}))]
pub struct CoordinationMeetingDto {
    /// Id.
    pub id: String,
    /// The day.
    #[schema(format = Date)]
    pub held_on: String,
    /// Partners present.
    pub partners_present: Vec<String>,
    /// Decisions taken.
    pub decisions: Vec<String>,
}

impl CoordinationMeetingDto {
    /// The communicated form.
    pub fn new(record: &CoordinationMeetingRecord) -> Result<CoordinationMeetingDto, ApiError> {
        let meeting = record.meeting()?;
        Ok(CoordinationMeetingDto {
            id: record.id.clone(),
            held_on: meeting.held_on.to_string(),
            partners_present: meeting.partners_present,
            decisions: meeting.decisions,
        })
    }
}

/// A plan or platform.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001e1", "cri": "CRIPEL", "kind": "social_cohesion_plan",
    "name": "Plan de cohésion sociale de Liège 2026-2031", "communes": ["62063"], "partners": ["Ville de Liège", "CPAS de Liège"]}))]
pub struct CoordinationBodyDto {
    /// Id.
    pub id: String,
    /// The CRI that records it.
    pub cri: String,
    /// Kind.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Communes covered.
    pub communes: Vec<String>,
    /// Partners.
    pub partners: Vec<String>,
    /// Its meetings, most recent first (on a single body).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meetings: Option<Vec<CoordinationMeetingDto>>,
}

impl CoordinationBodyDto {
    /// The communicated form.
    pub fn new(
        record: &CoordinationBodyRecord,
        meetings: Option<&[CoordinationMeetingRecord]>,
    ) -> Result<CoordinationBodyDto, ApiError> {
        Ok(CoordinationBodyDto {
            id: record.id.clone(),
            cri: record.cri_code.clone(),
            kind: record.kind()?.code().to_owned(),
            name: record.name.clone(),
            communes: record.communes(),
            partners: record.partners()?,
            meetings: meetings.map(|m| m.iter().map(CoordinationMeetingDto::new).collect()).transpose()?,
        })
    }
}

/// The coordination scope of a participant: ILIs have none.
pub fn coordination_scope(participant: &Participant) -> Result<CoordinationScope, ApiError> {
    match participant {
        Participant::Region => Ok(CoordinationScope::Region),
        Participant::Cri(cri) => Ok(CoordinationScope::Cri(cri.code().to_owned())),
        Participant::Commune(nis) => Ok(CoordinationScope::Commune(nis.to_string())),
        Participant::Initiative(_) => Err(ApiError::Forbidden(Text::new(
            "Réservé à la Région, aux CRI et aux communes.",
            "Reserved to the Region, the CRIs and the communes.",
        ))),
    }
}
