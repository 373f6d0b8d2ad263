//! The `reminders` table: a reminder before a legal deadline, due for a case (found by the reminder job),
//! then recorded as sent or bounced by the CRI. Every read takes the caller's CRI and filters by it in SQL.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::case::CaseState;
use parcours_domain::reminders::{self, CaseStanding, DispatchRefusal, ReminderChannel, ReminderKind, ReminderStatus};

use crate::audit::{self, Actor};
use crate::cases::{CaseRecord, open_state_codes};
use crate::feed::record_steps;
use crate::schema::{arrivals, cases, reminders as reminder_table};
use crate::{DbConnection, StoreError, new_id};

/// A reminder as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = reminder_table)]
pub struct ReminderRecord {
    /// Id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The CRI holding the case when the reminder became due.
    pub cri_code: String,
    /// Which deadline.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: ReminderKind,
    /// The deadline.
    pub deadline: NaiveDate,
    /// The day it became due.
    pub due_on: NaiveDate,
    /// Due, sent or bounced.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ReminderStatus,
    /// How it went out, once sent.
    pub channel: Option<String>,
    /// When it was sent or came back.
    pub dispatched_on: Option<NaiveDate>,
    /// Who recorded that (organisation).
    pub dispatched_by: Option<String>,
    /// Found by the job at.
    pub created_at: NaiveDateTime,
}

/// Records every reminder due today that is not recorded yet, each with a step on its case. Safe to run
/// twice: a reminder is unique per case, kind and deadline. Returns how many were recorded.
pub fn sweep_reminders(
    conn: &mut DbConnection,
    today: NaiveDate,
    presentation_days: u32,
    completion_days: u32,
    now: NaiveDateTime,
    only_cri: Option<&str>,
) -> Result<usize, StoreError> {
    let system = Actor::system("reminders");
    let horizon = |days: u32| today + Duration::days(i64::from(days));
    // Only cases whose deadline falls in a window: the rest of the table is never read.
    let candidates: Vec<CaseRecord> = cases::table
        .filter(cases::obliged.eq(true))
        .filter(cases::state.eq_any(open_state_codes()))
        .filter(
            cases::present_by
                .between(today, horizon(presentation_days))
                .and(cases::state.eq(CaseState::Opened.code()))
                .or(cases::complete_by.between(today, horizon(completion_days))),
        )
        .order(cases::id.asc())
        .select(CaseRecord::as_select())
        .load(conn)?;
    let mut recorded = 0;
    for case in candidates.into_iter().filter(|case| only_cri.is_none_or(|cri| case.cri_code == cri)) {
        let standing = CaseStanding {
            obliged: case.obliged,
            state: case.state,
            present_by: case.present_by,
            complete_by: case.complete_by,
        };
        for (kind, days) in
            [(ReminderKind::Presentation, presentation_days), (ReminderKind::Completion, completion_days)]
        {
            let Some(deadline) = reminders::reminder_due(kind, standing, today, days) else { continue };
            recorded += crate::write_transaction(conn, |conn| -> Result<usize, StoreError> {
                let known: i64 = reminder_table::table
                    .filter(reminder_table::case_id.eq(&case.id))
                    .filter(reminder_table::kind.eq(kind.code()))
                    .filter(reminder_table::deadline.eq(deadline))
                    .count()
                    .get_result(conn)?;
                if known > 0 {
                    return Ok(0);
                }
                let record = ReminderRecord {
                    id: new_id(),
                    case_id: case.id.clone(),
                    cri_code: case.cri_code.clone(),
                    kind,
                    deadline,
                    due_on: today,
                    status: ReminderStatus::Due,
                    channel: None,
                    dispatched_on: None,
                    dispatched_by: None,
                    created_at: now,
                };
                diesel::insert_into(reminder_table::table).values(record).execute(conn)?;
                let step = reminders::reminder_due_step(kind, deadline);
                record_steps(conn, case.step_subject(), &case.cri_code, &[step], &system, now)?;
                Ok(1)
            })?;
        }
    }
    Ok(recorded)
}

/// A reminder with its case's reference.
#[derive(Debug, Clone)]
pub struct ReminderView {
    /// The reminder.
    pub reminder: ReminderRecord,
    /// The case reference.
    pub case_reference: String,
}

/// The CRI's reminders, by due date then id, of one status or all; at most 500. Audited as one list read.
pub fn list_reminders(
    conn: &mut DbConnection,
    cri_code: &str,
    status: Option<ReminderStatus>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ReminderView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let mut query = reminder_table::table
            .inner_join(cases::table)
            .filter(reminder_table::cri_code.eq(cri_code))
            .filter(cases::cri_code.eq(cri_code))
            .order((reminder_table::due_on.asc(), reminder_table::id.asc()))
            .select((ReminderRecord::as_select(), cases::reference, cases::person_id))
            .limit(500)
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(reminder_table::status.eq(status.code()));
        }
        let rows: Vec<(ReminderRecord, String, String)> = query.load(conn)?;
        let detail = format!("count={}", rows.len());
        let shown: Vec<String> = rows.iter().map(|row| row.2.clone()).collect();
        audit::append_showing(conn, actor, "list_reminders", "reminder", None, Some(detail), &shown, now)?;
        Ok(rows.into_iter().map(|(reminder, case_reference, _)| ReminderView { reminder, case_reference }).collect())
    })
}

/// What the reminder letter is made from.
#[derive(Debug, Clone)]
pub struct ReminderLetterData {
    /// The reminder.
    pub reminder: ReminderRecord,
    /// Its case, held by the CRI.
    pub case: CaseRecord,
    /// The person's current identity.
    pub person: crate::persons::PersonRecord,
    /// The latest report's body (for the address the commune gave), if the case came from a report.
    pub latest_report_json: Option<String>,
    /// The determination the case rests on (its communicated form).
    pub determination_json: String,
}

/// One reminder of the CRI's, with what its letter needs; audited as a read of the person's file.
pub fn reminder_letter_data(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<ReminderLetterData>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<(ReminderRecord, CaseRecord)> = reminder_table::table
            .inner_join(cases::table)
            .filter(reminder_table::id.eq(id))
            .filter(cases::cri_code.eq(cri_code))
            .select((ReminderRecord::as_select(), CaseRecord::as_select()))
            .first(conn)
            .optional()?;
        let Some((reminder, case)) = found else { return Ok(None) };
        let person = crate::persons::find_person(conn, &case.person_id)?.ok_or(StoreError::NotFound)?;
        let latest_report_json: Option<String> = arrivals::table
            .filter(arrivals::person_id.eq(&person.id))
            .order(arrivals::reported_at.desc())
            .select(arrivals::payload_json)
            .first(conn)
            .optional()?;
        let determination_json: String = crate::schema::determinations::table
            .find(&case.determination_id)
            .select(crate::schema::determinations::result_json)
            .first(conn)?;
        audit::append(
            conn,
            actor,
            "read_reminder_letter",
            "reminder",
            Some(id),
            Some(format!("case={}", case.id)),
            now,
        )?;
        Ok(Some(ReminderLetterData { reminder, case, person, latest_report_json, determination_json }))
    })
}

/// The result of [`record_dispatch`].
#[derive(Debug)]
pub enum Dispatch {
    /// No such reminder for this CRI.
    NotFound,
    /// The rules refuse it.
    Refused(DispatchRefusal),
    /// Recorded.
    Recorded(Box<ReminderView>),
}

/// Records that the CRI sent a reminder, or that it came back (address unknown), with a step on the case.
#[expect(clippy::too_many_arguments, reason = "which reminder, for whom, what happened, when and by whom")]
pub fn record_dispatch(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
    outcome: ReminderStatus,
    channel: Option<ReminderChannel>,
    date: NaiveDate,
    today: NaiveDate,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Dispatch, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<(ReminderRecord, CaseRecord)> = reminder_table::table
            .inner_join(cases::table)
            .filter(reminder_table::id.eq(id))
            .filter(cases::cri_code.eq(cri_code))
            .select((ReminderRecord::as_select(), CaseRecord::as_select()))
            .first(conn)
            .optional()?;
        let Some((reminder, case)) = found else { return Ok(Dispatch::NotFound) };
        if let Err(refusal) = reminders::may_dispatch(reminder.status, outcome, date, reminder.due_on, today) {
            return Ok(Dispatch::Refused(refusal));
        }
        diesel::update(
            reminder_table::table.find(&reminder.id).filter(reminder_table::status.eq(ReminderStatus::Due.code())),
        )
        .set((
            reminder_table::status.eq(outcome.code()),
            reminder_table::channel.eq(channel.map(ReminderChannel::code)),
            reminder_table::dispatched_on.eq(date),
            reminder_table::dispatched_by.eq(&actor.organisation),
        ))
        .execute(conn)?;
        let step = reminders::reminder_dispatched_step(reminder.kind, outcome, date);
        record_steps(conn, case.step_subject(), &case.cri_code, &[step], actor, now)?;
        audit::append(
            conn,
            actor,
            "dispatch_reminder",
            "reminder",
            Some(id),
            Some(format!("status={}", outcome.code())),
            now,
        )?;
        let reminder = reminder_table::table.find(&reminder.id).select(ReminderRecord::as_select()).first(conn)?;
        Ok(Dispatch::Recorded(Box::new(ReminderView { reminder, case_reference: case.reference })))
    })
}

/// Every reminder of a case, oldest due first (for the sanction file: what the person was sent).
pub fn reminders_for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<ReminderRecord>, StoreError> {
    Ok(reminder_table::table
        .filter(reminder_table::case_id.eq(case_id))
        .order((reminder_table::due_on.asc(), reminder_table::id.asc()))
        .select(ReminderRecord::as_select())
        .load(conn)?)
}
