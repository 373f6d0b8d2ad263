//! What an arrival reported by a commune does to the person's case (CWASS art. 152/7, 153/1; rule 4.7):
//! open a case at the competent CRI, keep the open one, transfer it (with its history) to the CRI of the
//! new domicile, or nothing. Also the regime a case follows when it opens, and who may ask to follow the
//! pathway voluntarily. The API asks here, then hands the store a finished change.

use std::fmt;

use chrono::NaiveDate;

use crate::case::{Case, CaseCommand, CaseContext, CaseError, CaseEvent};
use crate::determination::{Determination, Status};
use crate::law::RegimeId;
use crate::parameters::Parameters;
use crate::reference::{NisCode, ReferenceData};
use crate::regime::{regime, regime_for};

/// The decision for the person's case.
#[derive(Debug, Clone, PartialEq)]
pub enum IntakeDecision {
    /// No case: not obliged and no voluntary request, or no competent CRI.
    None,
    /// Open a new case at the competent CRI.
    Open {
        /// The new aggregate.
        case: Case,
        /// Its first step (`case_opened`).
        step: CaseEvent,
    },
    /// The person already has an open case at the competent CRI: keep it as it is.
    Join,
    /// The open case moves to the CRI of the new domicile.
    Transfer {
        /// The aggregate after the transfer.
        case: Case,
        /// Its steps.
        steps: Vec<CaseEvent>,
    },
}

/// Why no decision can be taken.
#[derive(Debug, Clone, PartialEq)]
pub enum IntakeError {
    /// No regime was in force on that date (before R2014): no case can open.
    NoRegimeInForce {
        /// The date.
        on: NaiveDate,
    },
    /// The case rules refused the transfer.
    Transfer(CaseError),
}

impl fmt::Display for IntakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntakeError::NoRegimeInForce { on } => write!(f, "no regime in force on {on}"),
            IntakeError::Transfer(error) => write!(f, "transfer refused: {error:?}"),
        }
    }
}

impl std::error::Error for IntakeError {}

/// Whether the determination opens a case: an obliged person always (CWASS art. 152/7); anyone else with
/// a competent CRI when they asked to follow the pathway and voluntary participation is open to them
/// (rule 2.1).
pub fn opens_case(determination: &Determination, volunteer_request: bool) -> bool {
    match (determination.status, determination.competent_cri) {
        (Status::Obliged, Some(_)) => true,
        (_, Some(_)) => volunteer_request && determination.voluntary_participation_open,
        (_, None) => false,
    }
}

/// The regime a case follows when it opens on `today`: the determination's (from the person's reference
/// date), or, for a voluntary participant without one, the regime in force on the day the case opens
/// (rule 2.1).
pub fn case_regime(
    determination: &Determination,
    today: NaiveDate,
    parameters: &Parameters,
) -> Result<RegimeId, IntakeError> {
    determination.regime.or_else(|| regime_for(today, parameters)).ok_or(IntakeError::NoRegimeInForce { on: today })
}

/// The decision for an arrival: `open_case` is the person's open case, if any.
pub fn intake_decision(
    open_case: Option<&Case>,
    determination: &Determination,
    volunteer_request: bool,
    reference: &ReferenceData,
    today: NaiveDate,
    commune: NisCode,
) -> Result<IntakeDecision, IntakeError> {
    let Some(cri) = determination.competent_cri else {
        return Ok(if open_case.is_some() { IntakeDecision::Join } else { IntakeDecision::None });
    };
    match open_case {
        None if opens_case(determination, volunteer_request) => {
            let regime_id = case_regime(determination, today, &reference.parameters)?;
            let (case, step) = Case::open(determination, cri, regime_id, today);
            Ok(IntakeDecision::Open { case, step })
        }
        None => Ok(IntakeDecision::None),
        Some(existing) if existing.cri != cri => {
            let mut case = existing.clone();
            let rules = regime(case.regime, &reference.parameters, case.opened_on);
            let context = CaseContext {
                today,
                regime: &rules,
                attendance_threshold_percent: *reference.parameters.attendance_threshold_percent.on(today),
                // A transfer does not look at hours.
                operator_minutes: Default::default(),
                french_waiver_level: *reference.parameters.french_level_waiving_language_axis.on(today),
            };
            let command = CaseCommand::Transfer {
                to: cri,
                date: today,
                reason: format!("domicile reported in commune {commune}"),
            };
            let steps = case.apply(command, &context).map_err(IntakeError::Transfer)?;
            Ok(IntakeDecision::Transfer { case, steps })
        }
        Some(_) => Ok(IntakeDecision::Join),
    }
}

/// Why CRI staff cannot open a case for a person who walks in.
#[derive(Debug, Clone, PartialEq)]
pub enum WalkInRefusal {
    /// The commune of domicile does not fall under the staff's CRI on the reference date (CWASS art.
    /// 153/1: each CRI serves its territory).
    OutsideCriTerritory,
    /// The person is neither obliged nor entitled to follow the pathway voluntarily (rule 2.1).
    NotEligible,
    /// No regime was in force on that date.
    NoRegimeInForce {
        /// The date.
        on: NaiveDate,
    },
}

/// A case opened by CRI staff for a person who came to the welcome office (an obliged person not yet
/// reported, or a voluntary participant), dated `opened_on`.
pub fn walk_in_decision(
    determination: &Determination,
    staff_cri: crate::reference::CriCode,
    opened_on: NaiveDate,
    today: NaiveDate,
    parameters: &Parameters,
) -> Result<(Case, CaseEvent), WalkInRefusal> {
    if determination.competent_cri != Some(staff_cri) {
        return Err(WalkInRefusal::OutsideCriTerritory);
    }
    if determination.status != Status::Obliged && !determination.voluntary_participation_open {
        return Err(WalkInRefusal::NotEligible);
    }
    let regime_id =
        case_regime(determination, today, parameters).map_err(|_| WalkInRefusal::NoRegimeInForce { on: today })?;
    Ok(Case::open(determination, staff_cri, regime_id, opened_on))
}
