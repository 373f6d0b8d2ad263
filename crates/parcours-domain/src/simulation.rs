//! Policy simulation for the Region: the rules engine re-run over the stored facts of every determination
//! of a period under an alternative set of dated parameters (or of quantities the law fixes, to measure a
//! reform), compared with the same facts under the parameters in force, and answered as aggregate counts
//! through the same disclosure control as the published statistics. Nothing here writes anything.

use chrono::{Datelike, NaiveDate};

use crate::determination::{DeadlineKind, Determination, Facts, FactsError, Status, determine};
use crate::disclosure::{self, CellRule, CountTable, Dimension};
use crate::parameters::{LawQuantities, ParameterValueError};
use crate::reasons::ReasonCode;
use crate::reference::{CriCode, ReferenceData};

/// One change of the alternative: a parameter (as the Region would record it) or a law quantity, from a
/// date on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChange {
    /// A parameter's name (`GET /v1/parameters`) or a law quantity (`upper_age`, `r2024_completion_months`).
    pub name: String,
    /// From when the alternative value applies (to reference dates on or after it).
    pub valid_from: NaiveDate,
    /// The value, in the parameter's text form.
    pub value: String,
}

/// Why an alternative is refused, naming the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChangeError {
    /// Index of the change.
    pub index: usize,
    /// Why.
    pub error: ParameterValueError,
}

/// The reference data with the alternative applied.
pub fn alternative(base: &ReferenceData, changes: &[PolicyChange]) -> Result<ReferenceData, PolicyChangeError> {
    let mut alternative = base.clone();
    for (index, change) in changes.iter().enumerate() {
        let result = if LawQuantities::NAMES.contains(&change.name.as_str()) {
            alternative.parameters.law.apply(&change.name, change.valid_from, &change.value)
        } else {
            alternative.parameters.apply(&change.name, change.valid_from, &change.value)
        };
        result.map_err(|error| PolicyChangeError { index, error })?;
    }
    Ok(alternative)
}

/// How the completion deadline moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineShift {
    /// No completion deadline either way.
    None,
    /// The same date.
    Same,
    /// Earlier by 1 to 6 months (rounded to whole months, at least one).
    Earlier1To6,
    /// Earlier by 7 to 12 months.
    Earlier7To12,
    /// Earlier by more than 12 months.
    EarlierOver12,
    /// Later by 1 to 6 months.
    Later1To6,
    /// Later by 7 to 12 months.
    Later7To12,
    /// Later by more than 12 months.
    LaterOver12,
    /// A deadline where there was none (the person becomes obliged).
    Gained,
    /// No deadline any more.
    Lost,
}

impl DeadlineShift {
    /// Every shift, in the order published.
    pub const ALL: [DeadlineShift; 10] = [
        DeadlineShift::None,
        DeadlineShift::Same,
        DeadlineShift::Earlier1To6,
        DeadlineShift::Earlier7To12,
        DeadlineShift::EarlierOver12,
        DeadlineShift::Later1To6,
        DeadlineShift::Later7To12,
        DeadlineShift::LaterOver12,
        DeadlineShift::Gained,
        DeadlineShift::Lost,
    ];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            DeadlineShift::None => "no_deadline",
            DeadlineShift::Same => "same",
            DeadlineShift::Earlier1To6 => "earlier_1_6_months",
            DeadlineShift::Earlier7To12 => "earlier_7_12_months",
            DeadlineShift::EarlierOver12 => "earlier_over_12_months",
            DeadlineShift::Later1To6 => "later_1_6_months",
            DeadlineShift::Later7To12 => "later_7_12_months",
            DeadlineShift::LaterOver12 => "later_over_12_months",
            DeadlineShift::Gained => "gained",
            DeadlineShift::Lost => "lost",
        }
    }

    fn between(before: Option<NaiveDate>, after: Option<NaiveDate>) -> DeadlineShift {
        let (before, after) = match (before, after) {
            (None, None) => return DeadlineShift::None,
            (None, Some(_)) => return DeadlineShift::Gained,
            (Some(_), None) => return DeadlineShift::Lost,
            (Some(b), Some(a)) => (b, a),
        };
        if before == after {
            return DeadlineShift::Same;
        }
        let months = |from: NaiveDate, to: NaiveDate| {
            let whole = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
            whole.unsigned_abs().max(1)
        };
        let (earlier, months) =
            if after < before { (true, months(after, before)) } else { (false, months(before, after)) };
        match (earlier, months) {
            (true, 1..=6) => DeadlineShift::Earlier1To6,
            (true, 7..=12) => DeadlineShift::Earlier7To12,
            (true, _) => DeadlineShift::EarlierOver12,
            (false, 1..=6) => DeadlineShift::Later1To6,
            (false, 7..=12) => DeadlineShift::Later7To12,
            (false, _) => DeadlineShift::LaterOver12,
        }
    }
}

/// The statuses, in the order published.
pub const STATUSES: [Status; 4] = [Status::Obliged, Status::Dispensed, Status::Exempt, Status::NotConcerned];

/// What the alternative changes for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The competent CRI under the rules in force (`None` outside the French-language region).
    pub cri: Option<CriCode>,
    /// Status in force, then under the alternative.
    pub status: (Status, Status),
    /// How the completion deadline moves.
    pub shift: DeadlineShift,
    /// Reasons that fire under the alternative and not under the rules in force.
    pub gained_reasons: Vec<ReasonCode>,
}

fn completion(determination: &Determination) -> Option<NaiveDate> {
    determination.deadlines.iter().find(|d| d.kind == DeadlineKind::CompleteBy).map(|d| d.date)
}

/// The same facts decided on the same day under the rules in force and under the alternative.
pub fn compare(
    facts: &Facts,
    as_of: NaiveDate,
    in_force: &ReferenceData,
    alternative: &ReferenceData,
) -> Result<Outcome, FactsError> {
    let before = determine(facts, in_force, as_of)?;
    let after = determine(facts, alternative, as_of)?;
    let gained_reasons =
        after.reasons.iter().map(|r| r.code).filter(|code| !before.reasons.iter().any(|r| r.code == *code)).collect();
    Ok(Outcome {
        cri: before.competent_cri,
        status: (before.status, after.status),
        shift: DeadlineShift::between(completion(&before), completion(&after)),
        gained_reasons,
    })
}

/// A published count of the simulation: by CRI (or Wallonia), by status change or by deadline shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationCell {
    /// A CRI code, `none` (outside the CRIs' territory) or `wallonie`.
    pub territory: String,
    /// `obliged->dispensed`, or `None` for all.
    pub transition: Option<String>,
    /// A [`DeadlineShift`] code, or `None` for all.
    pub shift: Option<&'static str>,
    /// Persons, `None` when suppressed.
    pub count: Option<u64>,
}

/// The simulation's answer: counts by CRI, status change and deadline shift (the two tables share their
/// CRI totals and are suppressed together), and, for each status change published for Wallonia, the
/// reasons that drive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Determinations re-run (one per person).
    pub persons: usize,
    /// The cells by CRI and status change or deadline shift.
    pub cells: Vec<SimulationCell>,
    /// For each status change whose Wallonia count is published: the reasons gained, by code.
    pub reasons: Vec<(String, Vec<&'static str>)>,
}

fn transition_code(from: Status, to: Status) -> String {
    format!("{}->{}", from.code(), to.code())
}

/// Tallies the outcomes and suppresses small counts (`threshold`), as the published statistics.
pub fn summarise(outcomes: &[Outcome], threshold: u64) -> Summary {
    let cris: Vec<CriCode> = CriCode::ALL.to_vec();
    let territories = cris.len() + 1;
    let transitions: Vec<(Status, Status)> =
        STATUSES.iter().flat_map(|from| STATUSES.iter().map(move |to| (*from, *to))).collect();
    let shifts = DeadlineShift::ALL;
    let mut interior = vec![0u64; territories * transitions.len() * shifts.len()];
    for outcome in outcomes {
        let t = outcome.cri.and_then(|c| cris.iter().position(|x| *x == c)).unwrap_or(cris.len());
        let Some(s) = transitions.iter().position(|x| *x == outcome.status) else { continue };
        let Some(d) = shifts.iter().position(|x| *x == outcome.shift) else { continue };
        interior[(t * transitions.len() + s) * shifts.len() + d] += 1;
    }
    let dimensions: Vec<Dimension> =
        [territories, transitions.len(), shifts.len()].iter().filter_map(|n| Dimension::flat(*n)).collect();
    let Some(cube) = CountTable::new(dimensions, &interior).map(|cube| cube.with_linked(&[1, 2])) else {
        return Summary { persons: outcomes.len(), cells: Vec::new(), reasons: Vec::new() };
    };
    let cells = cube.cells();
    // Released: by territory and status change, or by territory and shift (never both at once).
    let rules: Vec<CellRule> = cells
        .iter()
        .map(|c| if c[1] == transitions.len() || c[2] == shifts.len() { CellRule::Free } else { CellRule::NotReleased })
        .collect();
    let suppressed = match disclosure::suppress_release(&cube, &rules, threshold) {
        Ok(suppressed) => suppressed,
        // Nothing was released before, so every cell can be protected; hiding all is the safe answer.
        Err(_) => disclosure::Suppressed { published: vec![None; cells.len()], primary: vec![false; cells.len()] },
    };
    let territory_code = |t: usize| match t {
        t if t < cris.len() => cris[t].code().to_owned(),
        t if t == cris.len() => "none".to_owned(),
        _ => "wallonie".to_owned(),
    };
    let mut published = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if rules[i] == CellRule::NotReleased {
            continue;
        }
        published.push(SimulationCell {
            territory: territory_code(cell[0]),
            transition: transitions.get(cell[1]).map(|(from, to)| transition_code(*from, *to)),
            shift: shifts.get(cell[2]).map(|s| s.code()),
            count: suppressed.published[i],
        });
    }
    let mut reasons = Vec::new();
    for (from, to) in transitions.iter().filter(|(from, to)| from != to) {
        let code = transition_code(*from, *to);
        let shown = published.iter().any(|c| {
            c.territory == "wallonie"
                && c.transition.as_deref() == Some(code.as_str())
                && c.shift.is_none()
                && c.count.is_some_and(|n| n > 0)
        });
        if !shown {
            continue;
        }
        let mut codes: Vec<&'static str> = outcomes
            .iter()
            .filter(|o| o.status == (*from, *to))
            .flat_map(|o| o.gained_reasons.iter().map(|r| r.code()))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        reasons.push((code, codes));
    }
    Summary { persons: outcomes.len(), cells: published, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn deadline_shifts_are_bucketed_by_whole_months() {
        let shift = |b, a| DeadlineShift::between(b, a);
        assert_eq!(shift(Some(d(2029, 6, 15)), Some(d(2028, 6, 15))), DeadlineShift::Earlier7To12);
        assert_eq!(shift(Some(d(2029, 6, 15)), Some(d(2029, 6, 15))), DeadlineShift::Same);
        assert_eq!(shift(Some(d(2029, 6, 15)), Some(d(2029, 6, 20))), DeadlineShift::Later1To6);
        assert_eq!(shift(Some(d(2029, 6, 15)), Some(d(2031, 6, 15))), DeadlineShift::LaterOver12);
        assert_eq!(shift(None, Some(d(2029, 6, 15))), DeadlineShift::Gained);
        assert_eq!(shift(Some(d(2029, 6, 15)), None), DeadlineShift::Lost);
        assert_eq!(shift(None, None), DeadlineShift::None);
    }

    #[test]
    fn an_unknown_or_malformed_change_is_refused_with_its_index() {
        let base = crate::reference::bundled();
        let change = |name: &str, value: &str| PolicyChange {
            name: name.to_owned(),
            valid_from: d(2024, 1, 1),
            value: value.to_owned(),
        };
        assert!(alternative(&base, &[change("upper_age", "60"), change("r2024_completion_months", "24")]).is_ok());
        let refused = alternative(&base, &[change("upper_age", "60"), change("upper_age", "sixty")]);
        assert_eq!(refused.map(|_| ()).map_err(|e| e.index), Err(1));
        let unknown = alternative(&base, &[change("nothing", "1")]);
        assert_eq!(unknown.map(|_| ()).map_err(|e| e.error), Err(ParameterValueError::UnknownParameter));
    }

    #[test]
    fn small_counts_of_the_simulation_are_hidden_and_the_reasons_follow_published_changes() {
        let outcome = |cri: CriCode, status: (Status, Status), shift| Outcome {
            cri: Some(cri),
            status,
            shift,
            gained_reasons: if status.0 == status.1 { vec![] } else { vec![ReasonCode::Dispensed65OrOver] },
        };
        let mut outcomes = vec![outcome(CriCode::Cripel, (Status::Obliged, Status::Dispensed), DeadlineShift::Lost); 6];
        outcomes.extend(vec![
            outcome(CriCode::Cripel, (Status::Obliged, Status::Obliged), DeadlineShift::Earlier7To12);
            20
        ]);
        outcomes.extend(vec![outcome(CriCode::Cai, (Status::Obliged, Status::Dispensed), DeadlineShift::Lost); 2]);
        outcomes.extend(vec![outcome(CriCode::Cai, (Status::Obliged, Status::Obliged), DeadlineShift::Same); 9]);
        let summary = summarise(&outcomes, 5);
        assert_eq!(summary.persons, 37);
        let at = |territory: &str, transition: Option<&str>, shift: Option<&str>| {
            summary
                .cells
                .iter()
                .find(|c| c.territory == territory && c.transition.as_deref() == transition && c.shift == shift)
                .expect("cell")
                .count
        };
        assert_eq!(at("CAI", Some("obliged->dispensed"), None), None, "2 is hidden");
        assert_eq!(at("wallonie", None, None), Some(37));
        assert!(summary.cells.iter().all(|c| c.count.is_none_or(|n| n == 0 || n >= 5)));
        // The reasons of a change are given only where its Wallonia count is published.
        let expected = match at("wallonie", Some("obliged->dispensed"), None) {
            Some(8) => vec![("obliged->dispensed".to_owned(), vec!["DISPENSED_65_OR_OVER"])],
            Some(other) => panic!("8 persons change, not {other}"),
            None => vec![],
        };
        assert_eq!(summary.reasons, expected);
        // With no small count, nothing is hidden and the reasons are given.
        let mut large = outcomes.clone();
        large.extend(vec![outcome(CriCode::Cai, (Status::Obliged, Status::Dispensed), DeadlineShift::Lost); 3]);
        let summary = summarise(&large, 5);
        assert!(summary.cells.iter().all(|c| c.count.is_some()), "nothing small: nothing hidden");
        assert_eq!(summary.reasons, vec![("obliged->dispensed".to_owned(), vec!["DISPENSED_65_OR_OVER"])]);
    }
}
