//! Local coordination (*coordination des activités d'intégration*, CWASS art. 153, the CRI missions): the
//! plans and platforms a CRI runs or joins in its territory — a local integration plan, a social-cohesion
//! plan (*plan de cohésion sociale*), a platform — with the communes they cover, their partners, and their
//! meetings. Light on purpose: what the CRI needs is to find them per commune.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::law::Refusal;
use crate::reference::{CriCode, NisCode, ReferenceData};

/// What kind of coordination body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordinationKind {
    /// A local integration plan (*plan local d'intégration*).
    LocalIntegrationPlan,
    /// A social-cohesion plan (*plan de cohésion sociale*).
    SocialCohesionPlan,
    /// A platform of partners.
    Platform,
}

impl CoordinationKind {
    /// Every kind.
    pub const ALL: [CoordinationKind; 3] =
        [CoordinationKind::LocalIntegrationPlan, CoordinationKind::SocialCohesionPlan, CoordinationKind::Platform];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            CoordinationKind::LocalIntegrationPlan => "local_integration_plan",
            CoordinationKind::SocialCohesionPlan => "social_cohesion_plan",
            CoordinationKind::Platform => "platform",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<CoordinationKind> {
        CoordinationKind::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// A plan or platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinationBody {
    /// Kind.
    pub kind: CoordinationKind,
    /// Name.
    pub name: String,
    /// Communes covered.
    pub communes: Vec<NisCode>,
    /// Partner organisations.
    pub partners: Vec<String>,
}

/// A meeting of a plan or platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinationMeeting {
    /// The day.
    pub held_on: NaiveDate,
    /// The partners present.
    pub partners_present: Vec<String>,
    /// Decisions taken, one per line.
    pub decisions: Vec<String>,
}

/// Why a body or a meeting is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoordinationError {
    /// No commune, or a commune outside the CRI's territory.
    CommuneOutsideTerritory,
    /// A meeting dated in the future (meetings are recorded once held).
    MeetingInFuture,
    /// A meeting without any partner present.
    NobodyPresent,
}

impl Refusal for CoordinationError {
    fn details(self) -> (&'static str, &'static str, bool, &'static str, &'static str) {
        match self {
            CoordinationError::CommuneOutsideTerritory => (
                "commune_outside_territory",
                "communes",
                false,
                "Au moins une commune, toutes du territoire du CRI.",
                "At least one commune, all in the CRI's territory.",
            ),
            CoordinationError::MeetingInFuture => (
                "future_date",
                "held_on",
                false,
                "Une réunion s'enregistre une fois tenue : date dans le futur.",
                "A meeting is recorded once held: date in the future.",
            ),
            CoordinationError::NobodyPresent => (
                "nobody_present",
                "partners_present",
                false,
                "Au moins un partenaire présent.",
                "At least one partner present.",
            ),
        }
    }
}

/// Checks a body a CRI records: at least one commune, all in its territory on `today`.
pub fn check_body(
    body: &CoordinationBody,
    cri: CriCode,
    reference: &ReferenceData,
    today: NaiveDate,
) -> Result<(), CoordinationError> {
    let in_territory =
        |nis: &NisCode| reference.commune(*nis).and_then(|c| c.cri_on(today)).map(|a| a.cri) == Some(cri);
    if body.communes.is_empty() || !body.communes.iter().all(in_territory) {
        return Err(CoordinationError::CommuneOutsideTerritory);
    }
    Ok(())
}

/// Checks a meeting recorded on `today`.
pub fn check_meeting(meeting: &CoordinationMeeting, today: NaiveDate) -> Result<(), CoordinationError> {
    if meeting.held_on > today {
        return Err(CoordinationError::MeetingInFuture);
    }
    if meeting.partners_present.is_empty() {
        return Err(CoordinationError::NobodyPresent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_covers_communes_of_its_cris_territory_only() {
        let reference = crate::reference::bundled();
        let today: NaiveDate = "2026-12-15".parse().expect("date");
        let cripel = CriCode::parse("CRIPEL").expect("cri");
        let mut body = CoordinationBody {
            kind: CoordinationKind::SocialCohesionPlan,
            name: "PCS Liège".into(),
            communes: vec![NisCode::parse("62063").expect("nis")],
            partners: vec!["CPAS de Liège".into()],
        };
        assert_eq!(check_body(&body, cripel, &reference, today), Ok(()));
        body.communes.push(NisCode::parse("92094").expect("nis"));
        assert_eq!(check_body(&body, cripel, &reference, today), Err(CoordinationError::CommuneOutsideTerritory));
        let meeting = CoordinationMeeting {
            held_on: today.succ_opt().expect("day"),
            partners_present: vec![],
            decisions: vec![],
        };
        assert_eq!(check_meeting(&meeting, today), Err(CoordinationError::MeetingInFuture));
    }
}
