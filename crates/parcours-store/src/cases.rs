//! The `cases` table: the case row (its domain aggregate in a versioned JSON envelope, plus the columns
//! lists filter on), walk-in cases, the hours operators added, the deadline sweep. Every read takes the
//! caller's CRI and filters by it in SQL.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::DeadlineKind;
use parcours_domain::case::{Case, CaseEvent, CaseState, deadline_missed};
use parcours_domain::regime::{Axis, AxisMinutes};
use serde_json::json;

use crate::audit::{self, Actor};
use crate::determinations::{NewDetermination, insert_determination};
use crate::feed::{StepSubject, record_steps};
use crate::persons::{
    PersonData, PersonRecord, ReportedIdentity, find_person_by_niss, persons_by_id, record_reported_identity,
};
use crate::schema::{case_axis_minutes, cases, persons};
use crate::yearly_counters::YearlyCounter;
use crate::{DbConnection, StoreError, new_id};

/// What a walk-in opening produced.
#[derive(Debug, Clone)]
pub enum WalkIn {
    /// A case was opened; with the identity as the CRI entered it (a known person's identity is not
    /// rewritten: a contradiction is for the caller to flag, see `identity_conflicts::flag_conflict`).
    Opened(Box<CaseView>, Box<ReportedIdentity>),
    /// The person already has an open case (returned as it is).
    AlreadyOpen(Box<CaseRecord>),
}

/// A person walks in at a CRI: person (deduplicated by NISS), determination and case in one transaction.
/// When the person already has an open case, nothing is written and that case is returned.
#[expect(clippy::too_many_arguments, reason = "each argument is a distinct fact of the opening")]
pub fn record_walk_in(
    conn: &mut DbConnection,
    person: &PersonData,
    commune_nis: &str,
    determination: &NewDetermination,
    columns: &CaseColumns,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<WalkIn, StoreError> {
    crate::write_transaction(conn, |conn| {
        if let Some(existing) = find_person_by_niss(conn, &person.niss)?
            .map(|known| find_open_case_for_person(conn, &known.id))
            .transpose()?
            .flatten()
        {
            return Ok(WalkIn::AlreadyOpen(Box::new(existing)));
        }
        let reported = record_reported_identity(conn, person, &actor.organisation, now)?;
        let person = reported.person.clone();
        let determination = insert_determination(conn, &person.id, determination, &actor.organisation, now)?;
        let case = open_case(conn, &person.id, commune_nis, &determination.id, columns, steps, actor, now)?;
        let aggregate = decode_case(&case.state_json)?;
        let view = CaseView { case, aggregate, person, operator_minutes: Default::default() };
        Ok(WalkIn::Opened(Box::new(view), Box::new(reported)))
    })
}

/// Minutes reported by operators per axis for a case.
pub fn case_operator_minutes(conn: &mut DbConnection, case_id: &str) -> Result<AxisMinutes, StoreError> {
    let mut minutes = AxisMinutes::default();
    for (axis, value) in case_axis_minutes::table
        .filter(case_axis_minutes::case_id.eq(case_id))
        .select((case_axis_minutes::axis, case_axis_minutes::minutes))
        .load::<(String, i64)>(conn)?
    {
        minutes.add(Axis::try_from(axis)?, value);
    }
    Ok(minutes)
}

/// A case row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = cases)]
pub struct CaseRecord {
    /// Id.
    pub id: String,
    /// Human reference (`CRIPEL-2026-000042`).
    pub reference: String,
    /// Person.
    pub person_id: String,
    /// CRI in charge.
    pub cri_code: String,
    /// Commune of domicile.
    pub commune_nis: String,
    /// Lifecycle state.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: CaseState,
    /// Obliged (true) or voluntary (false).
    pub obliged: bool,
    /// Determination that opened it.
    pub determination_id: String,
    /// Opened.
    pub opened_at: NaiveDateTime,
    /// Optimistic-concurrency version (the ETag).
    pub version: i32,
    /// The domain aggregate.
    pub state_json: String,
    /// Presentation deadline.
    pub present_by: Option<NaiveDate>,
    /// Completion deadline.
    pub complete_by: Option<NaiveDate>,
    /// Next evaluation interview.
    pub next_review_due: Option<NaiveDate>,
    /// The commune was told the presentation deadline passed.
    pub presentation_missed_notified: bool,
    /// The completion deadline the commune was told had passed.
    pub completion_missed_notified_for: Option<NaiveDate>,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// The CPAS whose beneficiary the person is, when the CRI recorded it (it receives notices).
    pub cpas_nis: Option<String>,
}

/// The version of the JSON envelope in `cases.state_json`. Version 1 is the bare aggregate written before
/// the envelope existed; it still loads.
pub const CASE_ENVELOPE_VERSION: u64 = 2;

/// The stored form of a case aggregate: `{"envelope_version": 2, "case": {...}}`. The one place that
/// writes it.
pub fn encode_case(case: &Case) -> Result<String, StoreError> {
    serde_json::to_string(&json!({"envelope_version": CASE_ENVELOPE_VERSION, "case": case}))
        .map_err(|e| StoreError::Corrupt(format!("case aggregate cannot be encoded: {e}")))
}

/// Reads a stored case aggregate, whatever envelope version wrote it. The one place that reads it.
pub fn decode_case(stored: &str) -> Result<Case, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("stored case unreadable: {e}"));
    let mut value: serde_json::Value = serde_json::from_str(stored).map_err(corrupt)?;
    match value.get("envelope_version").and_then(serde_json::Value::as_u64) {
        None => serde_json::from_value(value).map_err(corrupt),
        Some(CASE_ENVELOPE_VERSION) => serde_json::from_value(value["case"].take()).map_err(corrupt),
        Some(other) => Err(StoreError::Corrupt(format!("case envelope version {other} is newer than this release"))),
    }
}

/// The columns a change writes (the aggregate and what lists filter on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseColumns {
    /// State.
    pub state: CaseState,
    /// Obliged.
    pub obliged: bool,
    /// CRI in charge.
    pub cri_code: String,
    /// Aggregate JSON.
    pub state_json: String,
    /// Presentation deadline.
    pub present_by: Option<NaiveDate>,
    /// Completion deadline.
    pub complete_by: Option<NaiveDate>,
    /// Next review.
    pub next_review_due: Option<NaiveDate>,
    /// CPAS of the person, if recorded.
    pub cpas_nis: Option<String>,
}

impl CaseColumns {
    /// The columns of `case`, with its next review date (which depends on the regime's interval).
    pub fn of(case: &Case, next_review_due: Option<NaiveDate>) -> Result<CaseColumns, StoreError> {
        Ok(CaseColumns {
            state: case.state,
            obliged: case.obliged,
            cri_code: case.cri.code().to_owned(),
            state_json: encode_case(case)?,
            present_by: case.deadlines.present_by,
            complete_by: case.deadlines.complete_by,
            next_review_due,
            cpas_nis: case.cpas.map(|nis| nis.to_string()),
        })
    }
}

/// A case with its person and the hours operators reported.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case.
    pub case: CaseRecord,
    /// The domain aggregate, decoded from the stored envelope.
    pub aggregate: Case,
    /// The person.
    pub person: PersonRecord,
    /// Time reported by operators, per axis.
    pub operator_minutes: AxisMinutes,
}

impl CaseRecord {
    /// What the timeline and the feed record about this case.
    pub fn step_subject(&self) -> StepSubject<'_> {
        StepSubject {
            id: &self.id,
            reference: &self.reference,
            state: self.state,
            cri_code: &self.cri_code,
            commune_nis: &self.commune_nis,
            cpas_nis: self.cpas_nis.as_deref(),
            person_id: &self.person_id,
        }
    }
}

impl CaseView {
    /// Time attended per axis: what the CRI recorded plus what operators reported.
    pub fn attended_minutes(&self) -> AxisMinutes {
        self.aggregate.attended_minutes(&self.operator_minutes)
    }
}

pub(crate) fn view(conn: &mut DbConnection, case: CaseRecord) -> Result<CaseView, StoreError> {
    let person = persons::table.find(&case.person_id).select(PersonRecord::as_select()).first(conn)?;
    let operator_minutes = case_operator_minutes(conn, &case.id)?;
    let aggregate = decode_case(&case.state_json)?;
    Ok(CaseView { case, aggregate, person, operator_minutes })
}

/// Views of many cases at a constant number of queries: their persons and operator minutes are loaded
/// in one query each, whatever the number of cases (a page of 200 costs what a page of 2 does).
pub(crate) fn views(conn: &mut DbConnection, rows: Vec<CaseRecord>) -> Result<Vec<CaseView>, StoreError> {
    use crate::schema::case_axis_minutes;
    use std::collections::HashMap;
    let person_ids: Vec<&str> = rows.iter().map(|c| c.person_id.as_str()).collect();
    let case_ids: Vec<&str> = rows.iter().map(|c| c.id.as_str()).collect();
    let people = persons_by_id(conn, &person_ids)?;
    let mut minutes: HashMap<String, AxisMinutes> = HashMap::new();
    for (case_id, axis, value) in case_axis_minutes::table
        .filter(case_axis_minutes::case_id.eq_any(&case_ids))
        .select((case_axis_minutes::case_id, case_axis_minutes::axis, case_axis_minutes::minutes))
        .load::<(String, String, i64)>(conn)?
    {
        minutes.entry(case_id).or_default().add(Axis::try_from(axis)?, value);
    }
    rows.into_iter()
        .map(|case| {
            // Two cases of one person (a closed one and an open one) share the person row.
            let person = match people.get(&case.person_id) {
                Some(person) => person.clone(),
                None => return Err(StoreError::Corrupt(format!("case {} without its person", case.id))),
            };
            let operator_minutes = minutes.remove(&case.id).unwrap_or_default();
            let aggregate = decode_case(&case.state_json)?;
            Ok(CaseView { case, aggregate, person, operator_minutes })
        })
        .collect()
}

/// The codes of [`CaseState::OPEN`], for filters.
pub(crate) fn open_state_codes() -> [&'static str; 4] {
    CaseState::OPEN.map(|state| state.code())
}

/// The open case of a person, if any (a person has at most one open case).
pub fn find_open_case_for_person(conn: &mut DbConnection, person_id: &str) -> Result<Option<CaseRecord>, StoreError> {
    Ok(cases::table
        .filter(cases::person_id.eq(person_id))
        .filter(cases::state.eq_any(open_state_codes()))
        .select(CaseRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The next reference of `cri` in `year` (one upsert of its counter; see [`crate::yearly_counters`]).
pub(crate) fn next_case_reference(conn: &mut DbConnection, cri_code: &str, year: i32) -> Result<String, StoreError> {
    let value = crate::yearly_counters::next_value(conn, YearlyCounter::CaseReferences, cri_code, year)?;
    Ok(format!("{cri_code}-{year}-{value:06}"))
}

/// Opens a case (reference allocated per CRI and year), with its first steps.
#[expect(clippy::too_many_arguments, reason = "each argument is a distinct fact of the opening")]
pub fn open_case(
    conn: &mut DbConnection,
    person_id: &str,
    commune_nis: &str,
    determination_id: &str,
    columns: &CaseColumns,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<CaseRecord, StoreError> {
    use chrono::Datelike;
    let case = CaseRecord {
        id: new_id(),
        reference: next_case_reference(conn, &columns.cri_code, now.year())?,
        person_id: person_id.to_owned(),
        cri_code: columns.cri_code.clone(),
        commune_nis: commune_nis.to_owned(),
        state: columns.state,
        obliged: columns.obliged,
        determination_id: determination_id.to_owned(),
        opened_at: now,
        version: 1,
        state_json: columns.state_json.clone(),
        present_by: columns.present_by,
        complete_by: columns.complete_by,
        next_review_due: columns.next_review_due,
        presentation_missed_notified: false,
        completion_missed_notified_for: None,
        updated_at: now,
        cpas_nis: columns.cpas_nis.clone(),
    };
    diesel::insert_into(cases::table).values(case.clone()).execute(conn)?;
    record_steps(conn, case.step_subject(), &case.cri_code, steps, actor, now)?;
    audit::append(conn, actor, "open_case", "case", Some(&case.id), Some(format!("cri={}", case.cri_code)), now)?;
    Ok(case)
}

pub(crate) fn write_columns(
    conn: &mut DbConnection,
    case: &CaseRecord,
    columns: &CaseColumns,
    now: NaiveDateTime,
) -> Result<CaseRecord, StoreError> {
    let updated = diesel::update(cases::table.filter(cases::id.eq(&case.id)).filter(cases::version.eq(case.version)))
        .set((
            cases::state.eq(columns.state.code()),
            cases::obliged.eq(columns.obliged),
            cases::cri_code.eq(&columns.cri_code),
            cases::state_json.eq(&columns.state_json),
            cases::present_by.eq(columns.present_by),
            cases::complete_by.eq(columns.complete_by),
            cases::next_review_due.eq(columns.next_review_due),
            cases::cpas_nis.eq(&columns.cpas_nis),
            cases::version.eq(case.version + 1),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        let current_version = cases::table.find(&case.id).select(cases::version).first(conn)?;
        return Err(StoreError::StaleVersion { current_version });
    }
    Ok(cases::table.find(&case.id).select(CaseRecord::as_select()).first(conn)?)
}

/// Writes back an aggregate changed by the rules inside a larger transaction (operator attendance), with
/// a new version; the columns lists filter on follow, the next review date stays.
pub(crate) fn write_aggregate(
    conn: &mut DbConnection,
    case: &CaseRecord,
    aggregate: &Case,
    now: NaiveDateTime,
) -> Result<CaseRecord, StoreError> {
    write_columns(conn, case, &CaseColumns::of(aggregate, case.next_review_due)?, now)
}

/// Changes an existing case inside an arrival's transaction (for example a transfer when a commune of
/// another CRI reports the person).
pub fn change_case(
    conn: &mut DbConnection,
    case: &CaseRecord,
    columns: &CaseColumns,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<CaseRecord, StoreError> {
    let updated = write_columns(conn, case, columns, now)?;
    record_steps(conn, updated.step_subject(), &case.cri_code, steps, actor, now)?;
    audit::append(conn, actor, "change_case", "case", Some(&case.id), Some(format!("state={}", columns.state)), now)?;
    Ok(updated)
}

/// Records that the person now lives in `commune_nis` (a report by that commune): the commune of domicile
/// that receives the case's notices from now on (rule 4.7) and may correct the person's identity. A new
/// version of the case, audited; nothing when the commune is the same.
pub fn move_domicile(
    conn: &mut DbConnection,
    case: CaseRecord,
    commune_nis: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<CaseRecord, StoreError> {
    if case.commune_nis == commune_nis {
        return Ok(case);
    }
    let updated = diesel::update(cases::table.filter(cases::id.eq(&case.id)).filter(cases::version.eq(case.version)))
        .set((cases::commune_nis.eq(commune_nis), cases::version.eq(case.version + 1), cases::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        let current_version = cases::table.find(&case.id).select(cases::version).first(conn)?;
        return Err(StoreError::StaleVersion { current_version });
    }
    let detail = format!("from={} to={commune_nis}", case.commune_nis);
    audit::append(conn, actor, "move_domicile", "case", Some(&case.id), Some(detail), now)?;
    Ok(cases::table.find(&case.id).select(CaseRecord::as_select()).first(conn)?)
}

/// The result of [`update_case`].
#[derive(Debug)]
pub enum UpdateOutcome<E> {
    /// No such case for this CRI.
    NotFound,
    /// `If-Match` names an older version.
    Stale {
        /// The version now.
        current_version: i32,
    },
    /// The change was refused by the rules; nothing was written.
    Rejected(E),
    /// Done.
    Updated(Box<CaseView>),
}

enum TxError<E> {
    Store(StoreError),
    Rejected(E),
}

impl<E> From<diesel::result::Error> for TxError<E> {
    fn from(error: diesel::result::Error) -> Self {
        TxError::Store(error.into())
    }
}

impl<E> From<StoreError> for TxError<E> {
    fn from(error: StoreError) -> Self {
        TxError::Store(error)
    }
}

/// Loads the case held by `cri`, checks the expected version, lets `change` compute the new columns and
/// steps (it may write, e.g. a new determination), and saves everything in one transaction with the audit
/// row. When `change` refuses, everything it wrote is rolled back.
#[expect(clippy::too_many_arguments, reason = "scope, concurrency, audit and the change are all distinct")]
pub fn update_case<E>(
    conn: &mut DbConnection,
    id: &str,
    cri: &str,
    expected_version: i32,
    actor: &Actor,
    action: &str,
    now: NaiveDateTime,
    change: impl FnOnce(&mut DbConnection, &CaseView) -> Result<(CaseColumns, Vec<CaseEvent>), E>,
) -> Result<UpdateOutcome<E>, StoreError> {
    let result = crate::write_transaction::<_, TxError<E>, _>(conn, |conn| {
        let Some(view) = load_view(conn, id, cri)? else { return Ok(UpdateOutcome::NotFound) };
        if view.case.version != expected_version {
            return Ok(UpdateOutcome::Stale { current_version: view.case.version });
        }
        let (columns, steps) = change(conn, &view).map_err(TxError::Rejected)?;
        let updated = write_columns(conn, &view.case, &columns, now)?;
        record_steps(conn, updated.step_subject(), &view.case.cri_code, &steps, actor, now)?;
        let kinds: Vec<&str> = steps.iter().map(|s| s.kind.code()).collect();
        audit::append(conn, actor, action, "case", Some(id), Some(format!("steps={}", kinds.join(","))), now)?;
        let aggregate = decode_case(&updated.state_json)?;
        Ok(UpdateOutcome::Updated(Box::new(CaseView {
            case: updated,
            aggregate,
            person: view.person,
            operator_minutes: view.operator_minutes,
        })))
    });
    match result {
        Ok(outcome) => Ok(outcome),
        Err(TxError::Rejected(e)) => Ok(UpdateOutcome::Rejected(e)),
        Err(TxError::Store(e)) => Err(e),
    }
}

/// One case held by `cri`, with its person and operator minutes (no audit row: for writes that load it).
pub fn load_view(conn: &mut DbConnection, id: &str, cri: &str) -> Result<Option<CaseView>, StoreError> {
    let case = cases::table
        .filter(cases::id.eq(id))
        .filter(cases::cri_code.eq(cri))
        .select(CaseRecord::as_select())
        .first(conn)
        .optional()?;
    let Some(case) = case else { return Ok(None) };
    Ok(Some(view(conn, case)?))
}

/// One case held by `cri`; the read is audited.
pub fn get_case(
    conn: &mut DbConnection,
    id: &str,
    cri: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<CaseView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let view = load_view(conn, id, cri)?;
        if view.is_some() {
            audit::append(conn, actor, "read_case", "case", Some(id), None, now)?;
        }
        Ok(view)
    })
}

/// Filters for [`list_cases`].
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// State.
    pub state: Option<CaseState>,
    /// Commune of domicile.
    pub commune_nis: Option<String>,
    /// Awaiting presentation with the deadline before this date (overdue presentation on that day).
    pub presentation_overdue_on: Option<NaiveDate>,
    /// Open, with the completion deadline before this date.
    pub complete_before: Option<NaiveDate>,
    /// Open, with the next review due before this date (review overdue on that day).
    pub review_overdue_on: Option<NaiveDate>,
    /// Obliged (true) or voluntary (false).
    pub obliged: Option<bool>,
    /// Cursor: only ids smaller than this one (newest first).
    pub before_id: Option<String>,
}

/// The cases `cri` holds, newest first; the list read is audited.
pub fn list_cases(
    conn: &mut DbConnection,
    cri: &str,
    filter: &CaseFilter,
    limit: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<CaseView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let mut query = cases::table
            .filter(cases::cri_code.eq(cri))
            .select(CaseRecord::as_select())
            .order(cases::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(state) = &filter.state {
            query = query.filter(cases::state.eq(state.code()));
        }
        if let Some(commune) = &filter.commune_nis {
            query = query.filter(cases::commune_nis.eq(commune));
        }
        if let Some(day) = filter.presentation_overdue_on {
            query = query.filter(cases::state.eq(CaseState::Opened.code())).filter(cases::present_by.lt(day));
        }
        if let Some(day) = filter.complete_before {
            query = query.filter(cases::state.eq_any(open_state_codes())).filter(cases::complete_by.lt(day));
        }
        if let Some(day) = filter.review_overdue_on {
            query = query.filter(cases::state.eq_any(open_state_codes())).filter(cases::next_review_due.lt(day));
        }
        if let Some(obliged) = filter.obliged {
            query = query.filter(cases::obliged.eq(obliged));
        }
        if let Some(cursor) = &filter.before_id {
            query = query.filter(cases::id.lt(cursor));
        }
        let rows = query.load(conn)?;
        let shown: Vec<String> = rows.iter().map(|r| r.person_id.clone()).collect();
        let detail = Some(format!("count={}", rows.len()));
        audit::append_showing(conn, actor, "list_cases", "case", None, detail, &shown, now)?;
        views(conn, rows)
    })
}

/// Records, once, that a deadline passed: presentation deadlines of cases still awaiting presentation, and
/// completion deadlines of open cases (again after each extension that is missed too). Returns how many
/// steps were recorded. Idempotent and safe from any number of runners at once: each case's flag is set
/// by an update guarded on its old value, and the step is recorded only when exactly that one row changed
/// (a concurrent sweep that got there first leaves zero rows to change here). Each case is its own short
/// transaction, taking the case row and then the feed lock in the same order as every other writer, so a
/// sweep never deadlocks with staff editing cases.
pub fn sweep_missed_deadlines(
    conn: &mut DbConnection,
    today: NaiveDate,
    now: NaiveDateTime,
    only_cri: Option<&str>,
) -> Result<usize, StoreError> {
    let system = Actor::system("deadline-sweep");
    let late_presentations: Vec<CaseRecord> = cases::table
        .filter(cases::state.eq(CaseState::Opened.code()))
        .filter(cases::present_by.lt(today))
        .filter(cases::presentation_missed_notified.eq(false))
        .order(cases::id.asc())
        .select(CaseRecord::as_select())
        .load(conn)?;
    // Only the completions not yet told for their current deadline (partial index
    // `cases_completion_unnotified`): the set stays small however many cases are past their deadline.
    let late_completions: Vec<CaseRecord> = cases::table
        .filter(cases::state.eq_any(open_state_codes()))
        .filter(cases::complete_by.lt(today))
        .filter(
            cases::completion_missed_notified_for
                .is_null()
                .or(cases::completion_missed_notified_for.ne(cases::complete_by)),
        )
        .order(cases::id.asc())
        .select(CaseRecord::as_select())
        .load(conn)?;
    let mut recorded = 0;
    let in_scope = |case: &CaseRecord| only_cri.is_none_or(|cri| case.cri_code == cri);
    for case in late_presentations.into_iter().filter(in_scope) {
        let Some(present_by) = case.present_by else { continue };
        recorded += crate::write_transaction(conn, |conn| -> Result<usize, StoreError> {
            let changed = diesel::update(
                cases::table
                    .find(&case.id)
                    .filter(cases::state.eq(CaseState::Opened.code()))
                    .filter(cases::presentation_missed_notified.eq(false)),
            )
            .set(cases::presentation_missed_notified.eq(true))
            .execute(conn)?;
            if changed != 1 {
                return Ok(0);
            }
            let step = deadline_missed(DeadlineKind::PresentBy, present_by);
            record_steps(conn, case.step_subject(), &case.cri_code, &[step], &system, now)?;
            Ok(1)
        })?;
    }
    for case in late_completions.into_iter().filter(in_scope) {
        let Some(complete_by) = case.complete_by else { continue };
        recorded += crate::write_transaction(conn, |conn| -> Result<usize, StoreError> {
            let not_yet_told = cases::completion_missed_notified_for
                .is_null()
                .or(cases::completion_missed_notified_for.ne(complete_by));
            let changed = diesel::update(
                cases::table
                    .find(&case.id)
                    .filter(cases::state.eq_any(open_state_codes()))
                    .filter(cases::complete_by.eq(complete_by))
                    .filter(not_yet_told),
            )
            .set(cases::completion_missed_notified_for.eq(complete_by))
            .execute(conn)?;
            if changed != 1 {
                return Ok(0);
            }
            let step = deadline_missed(DeadlineKind::CompleteBy, complete_by);
            record_steps(conn, case.step_subject(), &case.cri_code, &[step], &system, now)?;
            Ok(1)
        })?;
    }
    Ok(recorded)
}

/// What [`rewrite_stored_aggregates`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rewritten {
    /// Cases whose stored aggregate was rewritten.
    pub rewritten: usize,
    /// Cases changed by someone else between the read and the write, left as they were (run again).
    pub skipped: usize,
}

/// Rewrites the stored aggregate of every case through `change`, a page of cases per transaction, by id:
/// for a change of the stored form that alters nothing a reader sees (the confidential values sealed again
/// under a new data key), so neither the version nor the timeline moves. `change` answers whether it
/// changed the case. A case updated concurrently is left alone (its version moved) and counted as skipped.
/// One audit row records the run.
pub fn rewrite_stored_aggregates<E: From<StoreError>>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    now: NaiveDateTime,
    mut change: impl FnMut(&str, &mut Case) -> Result<bool, E>,
) -> Result<Rewritten, E> {
    const PAGE: i64 = 200;
    let mut after = String::new();
    let mut total = Rewritten::default();
    loop {
        let page = crate::write_transaction(conn, |conn| -> Result<Option<(String, Rewritten)>, E> {
            let rows: Vec<(String, i32, String)> = cases::table
                .filter(cases::id.gt(&after))
                .order(cases::id.asc())
                .limit(PAGE)
                .select((cases::id, cases::version, cases::state_json))
                .load(conn)
                .map_err(StoreError::from)?;
            let Some((last, _, _)) = rows.last() else { return Ok(None) };
            let mut done = Rewritten::default();
            for (id, version, stored) in &rows {
                let mut aggregate = decode_case(stored)?;
                if !change(id, &mut aggregate)? {
                    continue;
                }
                let written = diesel::update(cases::table.find(id).filter(cases::version.eq(version)))
                    .set(cases::state_json.eq(encode_case(&aggregate)?))
                    .execute(conn)
                    .map_err(StoreError::from)?;
                if written == 1 { done.rewritten += 1 } else { done.skipped += 1 }
            }
            Ok(Some((last.clone(), done)))
        })?;
        let Some((last, done)) = page else { break };
        after = last;
        total.rewritten += done.rewritten;
        total.skipped += done.skipped;
    }
    let detail = format!("rewritten={} skipped={}", total.rewritten, total.skipped);
    crate::write_transaction(conn, |conn| audit::append(conn, actor, action, "case", None, Some(detail), now))?;
    Ok(total)
}

/// A case opening counted by the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningCounted {
    /// The person, or the one they were merged into.
    pub person_id: String,
    /// The case's commune.
    pub commune_nis: String,
    /// Obliged (or voluntary).
    pub obliged: bool,
    /// The person's sex in the National Register, when known.
    pub sex: Option<String>,
    /// Their birth date (its year only once erased).
    pub birth_date: NaiveDate,
    /// When the case opened.
    pub opened_at: NaiveDateTime,
}

/// Every case opened in `[from, before)`, for the statistics.
pub fn opened_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<OpeningCounted>, StoreError> {
    type Row = (String, Option<String>, String, bool, Option<String>, NaiveDate, NaiveDateTime);
    let rows: Vec<Row> = cases::table
        .inner_join(persons::table)
        .filter(cases::opened_at.ge(from))
        .filter(cases::opened_at.lt(before))
        .select((
            cases::person_id,
            persons::merged_into,
            cases::commune_nis,
            cases::obliged,
            persons::sex,
            persons::birth_date,
            cases::opened_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(person_id, merged_into, commune_nis, obliged, sex, birth_date, opened_at)| OpeningCounted {
            person_id: merged_into.unwrap_or(person_id),
            commune_nis,
            obliged,
            sex,
            birth_date,
            opened_at,
        })
        .collect())
}

/// The references of those of `ids` that `cri` holds, by case id (one query, for lists).
pub fn references_of(
    conn: &mut DbConnection,
    ids: &[String],
    cri: &str,
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    Ok(cases::table
        .filter(cases::id.eq_any(ids))
        .filter(cases::cri_code.eq(cri))
        .select((cases::id, cases::reference))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}
