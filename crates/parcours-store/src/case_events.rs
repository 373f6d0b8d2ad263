//! The `case_events` table: the append-only timeline of each case, read by the CRI in charge (all of it)
//! and by a CRI that held the case before a transfer (what happened while it held it).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::events::EventKind;

use crate::audit::{self, Actor};
use crate::schema::{case_events, cases};
use crate::{DbConnection, StoreError};

/// One step of a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = case_events)]
pub struct CaseEventRecord {
    /// Id (time-ordered).
    pub id: String,
    /// Case.
    pub case_id: String,
    /// When recorded.
    pub occurred_at: NaiveDateTime,
    /// Stable kind.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: EventKind,
    /// CRI in charge when recorded.
    pub cri_code: String,
    /// Who.
    pub actor_subject: String,
    /// Their organisation.
    pub actor_organisation: String,
    /// Request id.
    pub request_id: String,
    /// Legal basis.
    pub basis: String,
    /// Reason, French.
    pub reason_fr: String,
    /// Reason, English.
    pub reason_en: String,
    /// Non-personal summary.
    pub summary: String,
}

/// The timeline of a case, oldest first. The CRI in charge sees every step; a CRI that held the case
/// before a transfer sees the steps recorded while it held it, and nothing after. `None` otherwise.
pub fn timeline(
    conn: &mut DbConnection,
    id: &str,
    cri: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<Vec<CaseEventRecord>>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let holds: i64 =
            cases::table.filter(cases::id.eq(id)).filter(cases::cri_code.eq(cri)).count().get_result(conn)?;
        let mut query =
            case_events::table.filter(case_events::case_id.eq(id)).order(case_events::id.asc()).into_boxed();
        if holds == 0 {
            query = query.filter(case_events::cri_code.eq(cri));
        }
        let rows: Vec<CaseEventRecord> = query.select(CaseEventRecord::as_select()).load(conn)?;
        if rows.is_empty() {
            return Ok(None);
        }
        audit::append(conn, actor, "read_case_timeline", "case", Some(id), None, now)?;
        Ok(Some(rows))
    })
}

/// A step counted by the statistics: the person (after merges), the case's commune, the step, when it was
/// recorded, and the case as it stands (what the step recorded).
#[derive(Debug, Clone)]
pub struct StepCounted {
    /// The person, or the one they were merged into.
    pub person_id: String,
    /// The case's commune.
    pub commune_nis: String,
    /// The step (`case_events.kind`).
    pub kind: String,
    /// When it was recorded.
    pub occurred_at: NaiveDateTime,
    /// The stored case (`cases.state_json`).
    pub state_json: String,
}

/// Every step of these kinds recorded in `[from, before)`, for the statistics.
pub fn steps_between(
    conn: &mut DbConnection,
    kinds: &[&str],
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<StepCounted>, StoreError> {
    use crate::schema::persons;
    let rows: Vec<(String, Option<String>, String, String, NaiveDateTime, String)> = case_events::table
        .inner_join(cases::table.inner_join(persons::table))
        .filter(case_events::kind.eq_any(kinds))
        .filter(case_events::occurred_at.ge(from))
        .filter(case_events::occurred_at.lt(before))
        .select((
            cases::person_id,
            persons::merged_into,
            cases::commune_nis,
            case_events::kind,
            case_events::occurred_at,
            cases::state_json,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(person_id, merged_into, commune_nis, kind, occurred_at, state_json)| StepCounted {
            person_id: merged_into.unwrap_or(person_id),
            commune_nis,
            kind,
            occurred_at,
            state_json,
        })
        .collect())
}
