//! Storage limitation (GDPR art. 5(1)(e)): when a person's file is due for erasure, and what blocks it.
//! The periods are dated parameters, all UNCONFIRMED (no retention period is in the texts found):
//! `retention_years_after_closure`, `retention_years_without_case`, `retention_years_after_attestation`.
//! Erasure pseudonymises the identity (see `docs/decisions.md`, 25): what the statistics count survives
//! (status, regime, dates of the pathway, sex, nationality, birth year), the national number, the names, the
//! exact birth date, the contact details and the sealed notes and evidence do not.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dates::add_months;
use crate::parameters::Parameters;

/// What the store knows about a person's file, for [`erasure_status`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RetentionFacts {
    /// A case of the person is open.
    pub open_case: bool,
    /// When their last case closed, if every case is closed.
    pub last_case_closed_on: Option<NaiveDate>,
    /// Whether a case was ever opened.
    pub had_case: bool,
    /// Their last report by a commune (or walk-in).
    pub last_reported_on: NaiveDate,
    /// When their latest attestation was issued, if any.
    pub attestation_issued_on: Option<NaiveDate>,
    /// A non-compliance or sanction procedure of theirs is not closed (or an appeal is open).
    pub open_sanction_procedure: bool,
    /// A privacy officer placed a legal hold that is not lifted.
    pub legal_hold: bool,
}

/// Why an erasure that is due cannot run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureBlock {
    /// A sanction procedure or an appeal is open: the file is evidence.
    SanctionProcedureOpen,
    /// A legal hold (litigation, an authority's request).
    LegalHold,
}

impl ErasureBlock {
    /// Code.
    pub fn code(self) -> &'static str {
        match self {
            ErasureBlock::SanctionProcedureOpen => "sanction_procedure_open",
            ErasureBlock::LegalHold => "legal_hold",
        }
    }
}

/// Where a person's file stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureStatus {
    /// Kept: a case is open (no date yet), or kept until the date.
    Kept {
        /// The first day it will be due, when known.
        until: Option<NaiveDate>,
    },
    /// Due since the date, under the parameter named, but blocked.
    Blocked {
        /// Due since.
        due_since: NaiveDate,
        /// What blocks it.
        block: ErasureBlock,
    },
    /// Due since the date, under the parameter named.
    Due {
        /// Due since.
        due_since: NaiveDate,
        /// The parameter whose period ran out last.
        rule: &'static str,
    },
}

/// When a person's file is due for erasure: the latest of the periods that apply has run out, no case is
/// open, and nothing blocks it.
pub fn erasure_status(facts: &RetentionFacts, parameters: &Parameters, today: NaiveDate) -> ErasureStatus {
    if facts.open_case {
        return ErasureStatus::Kept { until: None };
    }
    let years = |from: NaiveDate, parameter: &crate::parameters::Parameter<u32>| {
        // A period beyond the calendar keeps the file.
        add_months(from, 12 * *parameter.on(today)).unwrap_or(NaiveDate::MAX)
    };
    let mut periods = Vec::new();
    match facts.last_case_closed_on {
        Some(closed) => {
            periods.push((years(closed, &parameters.retention_years_after_closure), "retention_years_after_closure"))
        }
        None if facts.had_case => return ErasureStatus::Kept { until: None },
        None => periods.push((
            years(facts.last_reported_on, &parameters.retention_years_without_case),
            "retention_years_without_case",
        )),
    }
    if let Some(issued) = facts.attestation_issued_on {
        periods
            .push((years(issued, &parameters.retention_years_after_attestation), "retention_years_after_attestation"));
    }
    let (due_since, rule) = periods.into_iter().max_by_key(|(date, _)| *date).unwrap_or((today, ""));
    if due_since > today {
        return ErasureStatus::Kept { until: Some(due_since) };
    }
    if facts.open_sanction_procedure {
        return ErasureStatus::Blocked { due_since, block: ErasureBlock::SanctionProcedureOpen };
    }
    if facts.legal_hold {
        return ErasureStatus::Blocked { due_since, block: ErasureBlock::LegalHold };
    }
    ErasureStatus::Due { due_since, rule }
}

/// Why an erasure the person asked for cannot be granted now, whatever the retention periods say: the file is
/// in use (an open case), evidence (a sanction procedure not closed) or held (a legal hold). `None` when it
/// can be granted.
pub fn erasure_on_request_blocked(facts: &RetentionFacts) -> Option<crate::law::Bilingual> {
    use crate::law::Bilingual;
    if facts.open_case {
        Some(Bilingual { fr: "un dossier est ouvert", en: "a case is open" })
    } else if facts.open_sanction_procedure {
        Some(Bilingual { fr: "une procédure de sanction est en cours", en: "a sanction procedure is open" })
    } else if facts.legal_hold {
        Some(Bilingual { fr: "une mesure de conservation s'applique", en: "a legal hold applies" })
    } else {
        None
    }
}

/// The birth date kept after erasure: the first of January of the birth year, so that age bands stay right
/// and the exact date (which, with the nationality, singles a person out) does not.
pub fn pseudonymised_birth_date(birth_date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(birth_date.year(), 1, 1).unwrap_or(birth_date)
}

/// What replaces a name after erasure.
pub const ERASED_NAME: &str = "[effacé]";

/// What replaces a national number after erasure: unique per person (the column is unique), and not a
/// national number.
pub fn erased_niss(person_id: &str) -> String {
    format!("erased:{person_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn closed_in_2026() -> RetentionFacts {
        RetentionFacts {
            last_case_closed_on: Some(d(2026, 12, 15)),
            had_case: true,
            last_reported_on: d(2026, 1, 10),
            ..RetentionFacts::default()
        }
    }

    #[test]
    fn a_closed_file_is_due_ten_years_after_closure_and_not_a_day_before() {
        let p = Parameters::default();
        let facts = closed_in_2026();
        assert_eq!(erasure_status(&facts, &p, d(2036, 12, 14)), ErasureStatus::Kept { until: Some(d(2036, 12, 15)) });
        assert_eq!(
            erasure_status(&facts, &p, d(2036, 12, 15)),
            ErasureStatus::Due { due_since: d(2036, 12, 15), rule: "retention_years_after_closure" }
        );
    }

    #[test]
    fn an_open_case_keeps_the_file_and_a_hold_or_a_procedure_blocks_it() {
        let p = Parameters::default();
        let open = RetentionFacts { open_case: true, ..closed_in_2026() };
        assert_eq!(erasure_status(&open, &p, d(2050, 1, 1)), ErasureStatus::Kept { until: None });
        let held = RetentionFacts { legal_hold: true, ..closed_in_2026() };
        assert_eq!(
            erasure_status(&held, &p, d(2040, 1, 1)),
            ErasureStatus::Blocked { due_since: d(2036, 12, 15), block: ErasureBlock::LegalHold }
        );
        let sanction = RetentionFacts { open_sanction_procedure: true, legal_hold: true, ..closed_in_2026() };
        assert!(matches!(
            erasure_status(&sanction, &p, d(2040, 1, 1)),
            ErasureStatus::Blocked { block: ErasureBlock::SanctionProcedureOpen, .. }
        ));
    }

    #[test]
    fn the_latest_period_wins_and_a_file_without_case_follows_its_last_report() {
        let p = Parameters::default();
        let attested = RetentionFacts { attestation_issued_on: Some(d(2028, 3, 1)), ..closed_in_2026() };
        assert_eq!(erasure_status(&attested, &p, d(2037, 1, 1)), ErasureStatus::Kept { until: Some(d(2038, 3, 1)) });
        let never_followed = RetentionFacts { last_reported_on: d(2026, 2, 1), ..RetentionFacts::default() };
        assert_eq!(
            erasure_status(&never_followed, &p, d(2031, 2, 1)),
            ErasureStatus::Due { due_since: d(2031, 2, 1), rule: "retention_years_without_case" }
        );
        assert_eq!(pseudonymised_birth_date(d(1990, 5, 10)), d(1990, 1, 1));
        assert_eq!(erasure_on_request_blocked(&never_followed), None, "on request, no period needs to run");
        let open = RetentionFacts { open_case: true, legal_hold: true, ..never_followed };
        assert_eq!(erasure_on_request_blocked(&open).map(|b| b.en), Some("a case is open"));
    }
}
