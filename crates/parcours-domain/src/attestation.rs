//! The *attestation de fréquentation* (rules.md §5): when a case earns it, and how it is numbered.
//!
//! Under R2014 the CRI issued it at the end of the welcome module (CWASS art. 152/3 §4, R2014 wording: the
//! training axes were voluntary); since R2016 it proves that the convention was respected (art. 152/7 §2;
//! rule 5.1): every axis the convention requires reached the attendance threshold (a dated parameter,
//! rule 5.3), French waived by the placement test counting as met. Voluntary participants who respected
//! their convention get the same attestation (rule 2.1).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::{Case, CaseEvent, CaseState};
use crate::events::EventKind;
use crate::law::{Bilingual, RegimeId};
use crate::reference::CriCode;
use crate::regime::{Axis, AxisMinutes};

/// What the attestation proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttestationKind {
    /// The welcome module was followed (R2014).
    WelcomeModule,
    /// The convention of the integration pathway was respected (R2016 and later).
    Pathway,
}

impl AttestationKind {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AttestationKind::WelcomeModule => "welcome_module",
            AttestationKind::Pathway => "pathway",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<AttestationKind> {
        [AttestationKind::WelcomeModule, AttestationKind::Pathway].into_iter().find(|k| k.code() == code)
    }

    /// The legal basis printed on the attestation.
    pub fn basis(&self) -> &'static str {
        match self {
            AttestationKind::WelcomeModule => "CWASS art. 152/3 §4 (décret du 27 mars 2014)",
            AttestationKind::Pathway => "CWASS art. 152/7 §2 (décret du 28 avril 2016, tel que modifié)",
        }
    }

    /// What the attestation states, French first.
    pub fn statement(&self) -> Bilingual {
        match self {
            AttestationKind::WelcomeModule => Bilingual {
                fr: "La personne ci-dessous a suivi le module d'accueil du parcours d'intégration.",
                en: "The person below followed the welcome module of the integration pathway.",
            },
            AttestationKind::Pathway => Bilingual {
                fr: "La personne ci-dessous a respecté la convention de son parcours d'intégration.",
                en: "The person below respected the convention of their integration pathway.",
            },
        }
    }
}

/// How an axis stands on the attestation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AxisOutcome {
    /// Required, and attended at or above the threshold.
    Met,
    /// French waived by the placement test (counts as met).
    Waived,
    /// Not part of this convention.
    NotRequired,
}

impl AxisOutcome {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AxisOutcome::Met => "met",
            AxisOutcome::Waived => "waived",
            AxisOutcome::NotRequired => "not_required",
        }
    }
}

/// One axis as the attestation states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestedAxis {
    /// Axis.
    pub axis: Axis,
    /// Met, waived or not required.
    pub outcome: AxisOutcome,
    /// Hours the convention sets (0 when not required).
    pub required_hours: u32,
    /// Time attended, in minutes.
    pub attended_minutes: i64,
}

/// Why a case earns an attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestationGrounds {
    /// What it proves.
    pub kind: AttestationKind,
    /// The regime of the case.
    pub regime: RegimeId,
    /// When the pathway (or the welcome module) was completed.
    pub completed_on: NaiveDate,
    /// The axes of the convention (empty for the welcome module).
    pub axes: Vec<AttestedAxis>,
    /// Whether the person was obliged (the commune of reference receives a copy, rule 5.2).
    pub obliged: bool,
}

/// An axis short of its hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingHours {
    /// Axis.
    pub axis: Axis,
    /// Hours the convention requires.
    pub required_hours: u32,
    /// Minutes needed at the threshold.
    pub needed_minutes: i64,
    /// Minutes attended.
    pub attended_minutes: i64,
}

/// Why a case does not (yet) earn an attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEligible {
    /// The case was closed without completing the pathway.
    CaseClosed,
    /// The welcome module lacks these steps.
    WelcomeIncomplete(Vec<&'static str>),
    /// No convention was signed.
    NoConvention,
    /// Required axes below the threshold.
    HoursMissing(Vec<MissingHours>),
    /// The hours are there but the CRI has not recorded the completion (`POST /v1/cases/{id}/completion`).
    CompletionNotRecorded,
}

impl NotEligible {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            NotEligible::CaseClosed => "case_closed",
            NotEligible::WelcomeIncomplete(_) => "welcome_incomplete",
            NotEligible::NoConvention => "no_convention",
            NotEligible::HoursMissing(_) => "hours_missing",
            NotEligible::CompletionNotRecorded => "completion_not_recorded",
        }
    }

    /// Why, French first.
    pub fn message(&self) -> Bilingual {
        match self {
            NotEligible::CaseClosed => Bilingual {
                fr: "Le dossier a été clôturé sans que le parcours soit accompli.",
                en: "The case was closed without the pathway being completed.",
            },
            NotEligible::WelcomeIncomplete(_) => {
                Bilingual { fr: "Le module d'accueil n'est pas complet.", en: "The welcome module is not complete." }
            }
            NotEligible::NoConvention => {
                Bilingual { fr: "Aucune convention n'a été signée.", en: "No convention was signed." }
            }
            NotEligible::HoursMissing(_) => Bilingual {
                fr: "Des axes de la convention n'atteignent pas le seuil de présence.",
                en: "Axes of the convention are below the attendance threshold.",
            },
            NotEligible::CompletionNotRecorded => Bilingual {
                fr: "Les heures sont atteintes : enregistrez d'abord l'accomplissement du parcours.",
                en: "The hours are reached: record the completion of the pathway first.",
            },
        }
    }
}

/// Whether `case` earns an attestation, given the time attended per axis (CRI records plus operator lines)
/// and the attendance threshold in force (parameter `attendance_threshold_percent`).
pub fn attestation_eligibility(
    case: &Case,
    attended: &AxisMinutes,
    threshold_percent: u8,
) -> Result<AttestationGrounds, NotEligible> {
    if case.regime == RegimeId::R2014 {
        return welcome_module_grounds(case, attended);
    }
    if case.state == CaseState::Closed {
        return Err(NotEligible::CaseClosed);
    }
    let convention = case.convention.as_ref().ok_or(NotEligible::NoConvention)?;
    let mut axes = Vec::new();
    let mut missing = Vec::new();
    for axis in Axis::ALL {
        let terms = convention.axes.iter().find(|a| a.axis == axis);
        let outcome = match terms {
            Some(terms) if terms.required => AxisOutcome::Met,
            Some(terms) if terms.waived => AxisOutcome::Waived,
            _ => AxisOutcome::NotRequired,
        };
        let required_hours = if outcome == AxisOutcome::Met { case.required(axis) } else { 0 };
        if outcome == AxisOutcome::Met && !case.reaches_threshold(axis, attended, threshold_percent) {
            missing.push(MissingHours {
                axis,
                required_hours,
                needed_minutes: needed_minutes(required_hours, threshold_percent),
                attended_minutes: attended.get(axis),
            });
        }
        axes.push(AttestedAxis { axis, outcome, required_hours, attended_minutes: attended.get(axis) });
    }
    if !missing.is_empty() {
        return Err(NotEligible::HoursMissing(missing));
    }
    if case.state != CaseState::RequirementsMet {
        return Err(NotEligible::CompletionNotRecorded);
    }
    // Cases completed before the completion date was kept fall back on their last attended hours.
    let completed_on =
        case.completed_on.or_else(|| case.hours.iter().map(|h| h.date).max()).unwrap_or(convention.signed_on);
    Ok(AttestationGrounds {
        kind: AttestationKind::Pathway,
        regime: case.regime,
        completed_on,
        axes,
        obliged: case.obliged,
    })
}

/// R2014: the welcome module (rights and duties, social assessment) leads to the attestation of the module.
fn welcome_module_grounds(case: &Case, attended: &AxisMinutes) -> Result<AttestationGrounds, NotEligible> {
    let mut missing = Vec::new();
    if case.rights_information.is_none() {
        missing.push("rights_information");
    }
    if case.social_assessment.is_none() {
        missing.push("social_assessment");
    }
    let dates = [case.rights_information.as_ref().map(|r| r.date), case.social_assessment.as_ref().map(|s| s.date)];
    match (missing.is_empty(), dates.into_iter().flatten().max()) {
        (true, Some(completed_on)) => Ok(AttestationGrounds {
            kind: AttestationKind::WelcomeModule,
            regime: case.regime,
            completed_on,
            // The training axes were voluntary: hours attended are shown, none was required.
            axes: Axis::ALL
                .into_iter()
                .map(|axis| AttestedAxis {
                    axis,
                    outcome: AxisOutcome::NotRequired,
                    required_hours: 0,
                    attended_minutes: attended.get(axis),
                })
                .collect(),
            obliged: case.obliged,
        }),
        _ if case.state == CaseState::Closed => Err(NotEligible::CaseClosed),
        _ => Err(NotEligible::WelcomeIncomplete(missing)),
    }
}

/// Minutes needed on an axis of `required_hours` at `threshold_percent`, rounded up to the minute.
pub fn needed_minutes(required_hours: u32, threshold_percent: u8) -> i64 {
    (i64::from(required_hours) * 60 * i64::from(threshold_percent) + 99) / 100
}

/// The serial of an attestation: one sequence per CRI and year (`CRIPEL-ATT-2027-000123`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttestationSerial {
    /// Issuing CRI.
    pub cri: CriCode,
    /// Year of issue.
    pub year: i32,
    /// Number within the CRI and year, from 1.
    pub number: u32,
}

impl fmt::Display for AttestationSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-ATT-{}-{:06}", self.cri.code(), self.year, self.number)
    }
}

impl AttestationSerial {
    /// Parses `CRIPEL-ATT-2027-000123` (case-sensitive, as printed).
    pub fn parse(input: &str) -> Option<AttestationSerial> {
        let mut parts = input.split('-');
        let (cri, att, year, number) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || att != "ATT" || year.len() != 4 || number.len() != 6 {
            return None;
        }
        if !year.bytes().chain(number.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let cri = CriCode::parse(cri).ok().filter(|c| c.code() == cri)?;
        Some(AttestationSerial { cri, year: year.parse().ok()?, number: number.parse().ok().filter(|n| *n > 0)? })
    }
}

/// Where an attestation stands, as anyone verifying it is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttestationStatus {
    /// In force.
    Valid,
    /// Withdrawn by the CRI, with a reason.
    Revoked,
    /// Replaced by a corrected attestation (a new serial).
    Superseded,
}

impl AttestationStatus {
    /// Every status.
    pub const ALL: [AttestationStatus; 3] =
        [AttestationStatus::Valid, AttestationStatus::Revoked, AttestationStatus::Superseded];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AttestationStatus::Valid => "valid",
            AttestationStatus::Revoked => "revoked",
            AttestationStatus::Superseded => "superseded",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<AttestationStatus> {
        [AttestationStatus::Valid, AttestationStatus::Revoked, AttestationStatus::Superseded]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The holder's initials as a verifier is shown them (`S. E.` for Samira El Amrani): enough to match the
/// paper in hand, not enough to identify anyone.
pub fn initials(given_names: &str, surname: &str) -> String {
    let first = |text: &str| text.split_whitespace().next().and_then(|w| w.chars().next()).map(|c| c.to_uppercase());
    [first(given_names), first(surname)].into_iter().flatten().map(|c| format!("{c}.")).collect::<Vec<_>>().join(" ")
}

/// A surname as compared by the verification: case, accents, spaces, hyphens and apostrophes do not count
/// (`El Amrani`, `EL-AMRANI` and `el amrani` match).
pub fn comparable_surname(surname: &str) -> String {
    surname
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => Some('a'),
            'ç' => Some('c'),
            'è' | 'é' | 'ê' | 'ë' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' => Some('i'),
            'ñ' => Some('n'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' => Some('u'),
            'ý' | 'ÿ' => Some('y'),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The timeline step of an issued attestation (rule 5.2: the commune of reference of an obliged person is
/// told, with the serial).
pub fn issued_step(serial: &AttestationSerial, kind: AttestationKind, supersedes: Option<&str>) -> CaseEvent {
    let summary = match supersedes {
        Some(previous) => format!("{serial} ({}) supersedes {previous}", kind.code()),
        None => format!("{serial} ({})", kind.code()),
    };
    CaseEvent {
        kind: EventKind::AttestationIssued,
        reason: Bilingual { fr: "Attestation de fréquentation délivrée.", en: "Attendance certificate issued." },
        basis: kind.basis(),
        summary,
        document: Some(serial.to_string()),
    }
}

/// The step of a correction: the earlier attestation is superseded by `replacement`.
pub fn superseded_step(previous: &str, replacement: &AttestationSerial) -> CaseEvent {
    CaseEvent {
        kind: EventKind::AttestationSuperseded,
        reason: Bilingual {
            fr: "Attestation remplacée par une attestation corrigée.",
            en: "Attestation replaced by a corrected one.",
        },
        basis: "CWASS art. 152/7 §2",
        summary: format!("{previous} superseded by {replacement}"),
        document: Some(replacement.to_string()),
    }
}

/// The step of a revocation (the reason stays in the attestation record; the timeline shows the serial).
pub fn revoked_step(serial: &str) -> CaseEvent {
    CaseEvent {
        kind: EventKind::AttestationRevoked,
        reason: Bilingual { fr: "Attestation révoquée.", en: "Attestation revoked." },
        basis: "CWASS art. 152/7 §2; loi du 29 juillet 1991 (motivation formelle)",
        summary: format!("{serial} revoked"),
        document: Some(serial.to_owned()),
    }
}

/// The step of a reprint.
pub fn reprinted_step(serial: &str, copy: u32) -> CaseEvent {
    CaseEvent {
        kind: EventKind::AttestationReprinted,
        reason: Bilingual { fr: "Copie de l'attestation imprimée.", en: "Copy of the attestation printed." },
        basis: "CWASS art. 152/7 §2",
        summary: format!("{serial} copy {copy}"),
        document: None,
    }
}
