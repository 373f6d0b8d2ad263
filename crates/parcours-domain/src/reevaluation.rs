//! Re-evaluation: the same facts under a named regime, and what would change (appeals, decree changes).

use chrono::NaiveDate;
use serde::Serialize;

use crate::determination::{DeadlineKind, Determination, Facts, FactsError, Status, determine, determine_under};
use crate::law::RegimeId;
use crate::reasons::ReasonCode;
use crate::reference::ReferenceData;

/// One difference between the determination in force and the one under another regime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The status differs.
    Status {
        /// In force.
        from: Status,
        /// Under the other regime.
        to: Status,
    },
    /// The regime differs.
    Regime {
        /// In force.
        from: Option<RegimeId>,
        /// Under the other regime.
        to: Option<RegimeId>,
    },
    /// A deadline moves, appears or disappears.
    Deadline {
        /// Which deadline.
        kind: DeadlineKind,
        /// In force.
        from: Option<NaiveDate>,
        /// Under the other regime.
        to: Option<NaiveDate>,
    },
    /// Minimum hours on an axis differ.
    Hours {
        /// Axis code.
        axis: String,
        /// In force.
        from: Option<u32>,
        /// Under the other regime.
        to: Option<u32>,
    },
    /// A reason fires only under the other regime.
    ReasonAdded {
        /// The reason.
        code: ReasonCode,
    },
    /// A reason fires only under the regime in force.
    ReasonRemoved {
        /// The reason.
        code: ReasonCode,
    },
}

/// The determination in force, the one under the named regime, and their differences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reevaluation {
    /// Rule T1 applied.
    pub in_force: Determination,
    /// The named regime applied.
    pub under_regime: Determination,
    /// What would change, in a stable order.
    pub changes: Vec<Change>,
}

/// Evaluates `facts` both under the regime in force and under `regime`, and lists the differences.
pub fn reevaluate(
    facts: &Facts,
    reference: &ReferenceData,
    as_of: NaiveDate,
    regime: RegimeId,
) -> Result<Reevaluation, FactsError> {
    let in_force = determine(facts, reference, as_of)?;
    let under_regime = determine_under(facts, reference, as_of, regime)?;
    let changes = differences(&in_force, &under_regime);
    Ok(Reevaluation { in_force, under_regime, changes })
}

/// What a new parameter value would change for a person (rules.md §14: the Region sets the open
/// quantities): the same facts decided with the values before and after, and the differences that matter
/// to a case (status, regime, deadlines, hours; not the wording of reasons). Empty when nothing changes.
pub fn parameter_change_effect(
    facts: &Facts,
    before: &ReferenceData,
    after: &ReferenceData,
    as_of: NaiveDate,
) -> Result<(Determination, Determination, Vec<Change>), FactsError> {
    let old = determine(facts, before, as_of)?;
    let new = determine(facts, after, as_of)?;
    let changes = differences(&old, &new)
        .into_iter()
        .filter(|c| !matches!(c, Change::ReasonAdded { .. } | Change::ReasonRemoved { .. }))
        .collect();
    Ok((old, new, changes))
}

impl Change {
    /// One line for a CRI's review list (`status: obliged -> exempt`).
    pub fn line(&self) -> String {
        let date = |d: &Option<NaiveDate>| d.map_or_else(|| "-".to_owned(), |d| d.to_string());
        match self {
            Change::Status { from, to } => format!("status: {} -> {}", from.code(), to.code()),
            Change::Regime { from, to } => {
                format!("regime: {} -> {}", from.map_or("-", |r| r.code()), to.map_or("-", |r| r.code()))
            }
            Change::Deadline { kind, from, to } => {
                let kind = match kind {
                    DeadlineKind::PresentBy => "present_by",
                    DeadlineKind::CompleteBy => "complete_by",
                    DeadlineKind::LatestExtension => "latest_extension",
                };
                format!("{kind}: {} -> {}", date(from), date(to))
            }
            Change::Hours { axis, from, to } => format!(
                "hours {axis}: {} -> {}",
                from.map_or_else(|| "-".to_owned(), |h| h.to_string()),
                to.map_or_else(|| "-".to_owned(), |h| h.to_string())
            ),
            Change::ReasonAdded { code } => format!("reason added: {}", code.code()),
            Change::ReasonRemoved { code } => format!("reason removed: {}", code.code()),
        }
    }
}

/// The differences between two determinations of the same person.
pub fn differences(from: &Determination, to: &Determination) -> Vec<Change> {
    let mut changes = Vec::new();
    if from.status != to.status {
        changes.push(Change::Status { from: from.status, to: to.status });
    }
    if from.regime != to.regime {
        changes.push(Change::Regime { from: from.regime, to: to.regime });
    }
    for kind in [DeadlineKind::PresentBy, DeadlineKind::CompleteBy, DeadlineKind::LatestExtension] {
        let a = from.deadline(kind).map(|d| d.date);
        let b = to.deadline(kind).map(|d| d.date);
        if a != b {
            changes.push(Change::Deadline { kind, from: a, to: b });
        }
    }
    for axis in crate::regime::Axis::ALL {
        let hours = |d: &Determination| d.axis_requirements.iter().find(|r| r.axis == axis).map(|r| r.hours);
        if hours(from) != hours(to) {
            changes.push(Change::Hours { axis: axis.code().to_owned(), from: hours(from), to: hours(to) });
        }
    }
    let codes = |d: &Determination| d.reasons.iter().map(|r| r.code).collect::<std::collections::BTreeSet<_>>();
    let (a, b) = (codes(from), codes(to));
    changes.extend(b.difference(&a).map(|code| Change::ReasonAdded { code: *code }));
    changes.extend(a.difference(&b).map(|code| Change::ReasonRemoved { code: *code }));
    changes
}
