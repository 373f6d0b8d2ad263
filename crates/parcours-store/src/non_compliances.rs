//! The `non_compliances` table: a breach of the obligation found by the detection job (a presentation or
//! completion deadline passed) or reported by the CRI (a convention not respected), then reviewed by the
//! CRI: excused, or handed to the Region. Every read takes the caller's CRI and filters by it in SQL.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::non_compliance::{
    BreachKind, Excuse, NonComplianceStatus, breach_date, breach_detected, non_compliance_recorded_step,
};

use crate::audit::{self, Actor};
use crate::cases::{CaseRecord, decode_case, open_state_codes};
use crate::feed::record_steps;
use crate::schema::{cases, non_compliances, sanction_procedures};
use crate::{DbConnection, StoreError, new_id};

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = non_compliances)]
pub struct NonComplianceRecord {
    /// Id.
    pub id: String,
    /// Case.
    pub case_id: String,
    /// The CRI holding the case when it was recorded.
    pub cri_code: String,
    /// What was breached.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: BreachKind,
    /// The deadline passed, or the date of the CRI's finding.
    pub deadline: NaiveDate,
    /// First day of the breach (the date of the facts).
    pub breach_date: NaiveDate,
    /// Legal basis.
    pub basis: String,
    /// The CRI's finding, for a convention not respected.
    pub finding: Option<String>,
    /// Open, excused or handed over.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: NonComplianceStatus,
    /// The excuse (JSON of [`Excuse`]).
    pub excuse_json: Option<String>,
    /// The CRI's reason for its review.
    pub review_reason: Option<String>,
    /// Reviewed on.
    pub reviewed_on: Option<NaiveDate>,
    /// Reviewed by (organisation and subject).
    pub reviewed_by: Option<String>,
    /// Recorded by (`system:non-compliance` or the CRI's organisation).
    pub created_by: String,
    /// Recorded at.
    pub created_at: NaiveDateTime,
}

impl NonComplianceRecord {
    /// The excuse, if excused.
    pub fn excuse(&self) -> Result<Option<Excuse>, StoreError> {
        self.excuse_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("non-compliance {} excuse unreadable: {e}", self.id)))
    }
}

/// The procedure opened from a record: id, reference, state code.
pub type ProcedureLink = (String, String, String);

/// A record with its case reference and its procedure, if one was opened.
#[derive(Debug, Clone)]
pub struct NonComplianceView {
    /// The record.
    pub record: NonComplianceRecord,
    /// Case reference.
    pub case_reference: String,
    /// The procedure opened from it.
    pub procedure: Option<ProcedureLink>,
}

fn insert(
    conn: &mut DbConnection,
    case: &CaseRecord,
    kind: BreachKind,
    deadline: NaiveDate,
    finding: Option<String>,
    created_by: &str,
    now: NaiveDateTime,
) -> Result<Option<NonComplianceRecord>, StoreError> {
    let known: i64 = non_compliances::table
        .filter(non_compliances::case_id.eq(&case.id))
        .filter(non_compliances::kind.eq(kind.code()))
        .filter(non_compliances::deadline.eq(deadline))
        .count()
        .get_result(conn)?;
    if known > 0 {
        return Ok(None);
    }
    let breach = if kind == BreachKind::ConventionNotRespected { deadline } else { breach_date(deadline) };
    let record = NonComplianceRecord {
        id: new_id(),
        case_id: case.id.clone(),
        cri_code: case.cri_code.clone(),
        kind,
        deadline,
        breach_date: breach,
        basis: kind.basis().to_owned(),
        finding,
        status: NonComplianceStatus::Open,
        excuse_json: None,
        review_reason: None,
        reviewed_on: None,
        reviewed_by: None,
        created_by: created_by.to_owned(),
        created_at: now,
    };
    diesel::insert_into(non_compliances::table).values(record.clone()).execute(conn)?;
    Ok(Some(record))
}

/// Records every breach found today that is not recorded yet, each with a step on its case. Safe to run
/// twice: a record is unique per case, kind and deadline (a deadline moved by a suspension is a new one).
pub fn sweep_non_compliances(
    conn: &mut DbConnection,
    today: NaiveDate,
    now: NaiveDateTime,
    only_cri: Option<&str>,
) -> Result<usize, StoreError> {
    let system = Actor::system("non-compliance");
    // Only obliged open cases with a passed deadline are read.
    let candidates: Vec<CaseRecord> = cases::table
        .filter(cases::obliged.eq(true))
        .filter(cases::state.eq_any(open_state_codes()))
        .filter(cases::present_by.lt(today).or(cases::complete_by.lt(today)))
        .order(cases::id.asc())
        .select(CaseRecord::as_select())
        .load(conn)?;
    let mut recorded = 0;
    for case in candidates.into_iter().filter(|case| only_cri.is_none_or(|cri| case.cri_code == cri)) {
        let aggregate = decode_case(&case.state_json)?;
        for kind in [BreachKind::PresentationMissed, BreachKind::CompletionMissed] {
            let Some(deadline) = breach_detected(kind, &aggregate, today) else { continue };
            recorded += crate::write_transaction(conn, |conn| -> Result<usize, StoreError> {
                let Some(_) = insert(conn, &case, kind, deadline, None, &system.subject, now)? else { return Ok(0) };
                let step = non_compliance_recorded_step(kind, deadline);
                record_steps(conn, case.step_subject(), &case.cri_code, &[step], &system, now)?;
                Ok(1)
            })?;
        }
    }
    Ok(recorded)
}

/// The result of [`report_convention_breach`].
#[derive(Debug)]
pub enum Report {
    /// Recorded.
    Recorded(Box<NonComplianceView>),
    /// The same finding on the same day is already recorded.
    AlreadyRecorded(Box<NonComplianceView>),
}

/// Records the CRI's finding that the person does not respect the convention (checked by the domain
/// first), with a step on the case.
pub fn report_convention_breach(
    conn: &mut DbConnection,
    case: &CaseRecord,
    found_on: NaiveDate,
    finding: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Report, StoreError> {
    crate::write_transaction(conn, |conn| {
        let kind = BreachKind::ConventionNotRespected;
        match insert(conn, case, kind, found_on, Some(finding.to_owned()), &actor.organisation, now)? {
            Some(record) => {
                let step = non_compliance_recorded_step(kind, found_on);
                record_steps(conn, case.step_subject(), &case.cri_code, &[step], actor, now)?;
                audit::append(conn, actor, "create_non_compliance", "non_compliance", Some(&record.id), None, now)?;
                let view = NonComplianceView { record, case_reference: case.reference.clone(), procedure: None };
                Ok(Report::Recorded(Box::new(view)))
            }
            None => {
                let record: NonComplianceRecord = non_compliances::table
                    .filter(non_compliances::case_id.eq(&case.id))
                    .filter(non_compliances::kind.eq(kind.code()))
                    .filter(non_compliances::deadline.eq(found_on))
                    .select(NonComplianceRecord::as_select())
                    .first(conn)?;
                let view = with_procedure(conn, record, case.reference.clone())?;
                Ok(Report::AlreadyRecorded(Box::new(view)))
            }
        }
    })
}

fn with_procedure(
    conn: &mut DbConnection,
    record: NonComplianceRecord,
    case_reference: String,
) -> Result<NonComplianceView, StoreError> {
    let procedure = sanction_procedures::table
        .filter(sanction_procedures::non_compliance_id.eq(&record.id))
        .select((sanction_procedures::id, sanction_procedures::reference, sanction_procedures::state))
        .first(conn)
        .optional()?;
    Ok(NonComplianceView { record, case_reference, procedure })
}

/// The CRI's records, of one status or all, oldest breach first; at most 500. Audited as one list read.
pub fn list_non_compliances(
    conn: &mut DbConnection,
    cri_code: &str,
    status: Option<NonComplianceStatus>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<NonComplianceView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let mut query = non_compliances::table
            .inner_join(cases::table)
            .left_join(sanction_procedures::table)
            .filter(cases::cri_code.eq(cri_code))
            .order((non_compliances::breach_date.asc(), non_compliances::id.asc()))
            .select((
                NonComplianceRecord::as_select(),
                cases::reference,
                (sanction_procedures::id, sanction_procedures::reference, sanction_procedures::state).nullable(),
                cases::person_id,
            ))
            .limit(500)
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(non_compliances::status.eq(status.code()));
        }
        let rows: Vec<(NonComplianceRecord, String, Option<ProcedureLink>, String)> = query.load(conn)?;
        let shown: Vec<String> = rows.iter().map(|row| row.3.clone()).collect();
        audit::append_showing(
            conn,
            actor,
            "list_non_compliances",
            "non_compliance",
            None,
            Some(format!("count={}", rows.len())),
            &shown,
            now,
        )?;
        Ok(rows
            .into_iter()
            .map(|(record, case_reference, procedure, _)| NonComplianceView { record, case_reference, procedure })
            .collect())
    })
}

/// One record of a case the CRI holds, with its case; `None` when out of scope. Not audited (the
/// caller's write or read is).
pub fn find_non_compliance(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
) -> Result<Option<(NonComplianceView, CaseRecord)>, StoreError> {
    let found: Option<(NonComplianceRecord, CaseRecord)> = non_compliances::table
        .inner_join(cases::table)
        .filter(non_compliances::id.eq(id))
        .filter(cases::cri_code.eq(cri_code))
        .select((NonComplianceRecord::as_select(), CaseRecord::as_select()))
        .first(conn)
        .optional()?;
    let Some((record, case)) = found else { return Ok(None) };
    let view = with_procedure(conn, record, case.reference.clone())?;
    Ok(Some((view, case)))
}

/// The record a procedure was opened from (for the file; the officer's scope is checked by the caller).
pub fn get_by_id(conn: &mut DbConnection, id: &str) -> Result<NonComplianceRecord, StoreError> {
    Ok(non_compliances::table.find(id).select(NonComplianceRecord::as_select()).first(conn)?)
}

/// Records the CRI's review (inside the case update that carries its consequences): `excuse` for an
/// excuse, none for a hand-over. Guarded: only an open record changes; returns whether it did.
pub fn record_review(
    conn: &mut DbConnection,
    id: &str,
    excuse: Option<&Excuse>,
    reason: &str,
    today: NaiveDate,
    actor: &Actor,
) -> Result<bool, StoreError> {
    let status = if excuse.is_some() { NonComplianceStatus::Excused } else { NonComplianceStatus::HandedOver };
    let excuse_json = excuse
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("excuse cannot be encoded: {e}")))?;
    let changed = diesel::update(
        non_compliances::table.find(id).filter(non_compliances::status.eq(NonComplianceStatus::Open.code())),
    )
    .set((
        non_compliances::status.eq(status.code()),
        non_compliances::excuse_json.eq(excuse_json),
        non_compliances::review_reason.eq(reason),
        non_compliances::reviewed_on.eq(today),
        non_compliances::reviewed_by.eq(format!("{} ({})", actor.organisation, actor.subject)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Every non-compliance recorded in `[from, before)`, for the statistics: the person (after merges), the
/// case's commune, the breach and when it was recorded.
pub fn recorded_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<(String, String, String, NaiveDateTime)>, StoreError> {
    use crate::schema::persons;
    let rows: Vec<(String, Option<String>, String, String, NaiveDateTime)> = non_compliances::table
        .inner_join(cases::table.inner_join(persons::table))
        .filter(non_compliances::created_at.ge(from))
        .filter(non_compliances::created_at.lt(before))
        .select((
            cases::person_id,
            persons::merged_into,
            cases::commune_nis,
            non_compliances::kind,
            non_compliances::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(person, merged_into, commune, kind, at)| (merged_into.unwrap_or(person), commune, kind, at))
        .collect())
}
