//! The `sanction_steps` table: every step of a sanction procedure as recorded, who recorded it and when.
//! Append-only (database triggers refuse updates and deletes): a step is superseded by a later one, never
//! edited.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::case::CaseEvent;
use parcours_domain::events::EventKind;

use crate::audit::Actor;
use crate::schema::sanction_steps;
use crate::{DbConnection, StoreError, new_id};

/// A step as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = sanction_steps)]
pub struct SanctionStepRecord {
    /// Id.
    pub id: String,
    /// Procedure.
    pub procedure_id: String,
    /// Order within the procedure, from 1.
    pub seq: i32,
    /// Kind, from the event catalogue.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: EventKind,
    /// Non-personal summary (dates, codes, amounts).
    pub summary: String,
    /// When.
    pub recorded_at: NaiveDateTime,
    /// Token subject of the official (or CRI staff for the opening).
    pub recorded_by: String,
    /// Their organisation.
    pub organisation: String,
    /// Request id, as logged.
    pub request_id: String,
}

/// Appends `steps` to a procedure's log, after the steps it has.
pub fn append(
    conn: &mut DbConnection,
    procedure_id: &str,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let last: Option<i32> = sanction_steps::table
        .filter(sanction_steps::procedure_id.eq(procedure_id))
        .select(diesel::dsl::max(sanction_steps::seq))
        .first(conn)?;
    for (seq, step) in (last.unwrap_or(0) + 1..).zip(steps) {
        let record = SanctionStepRecord {
            id: new_id(),
            procedure_id: procedure_id.to_owned(),
            seq,
            kind: step.kind,
            summary: step.summary.clone(),
            recorded_at: now,
            recorded_by: actor.subject.clone(),
            organisation: actor.organisation.clone(),
            request_id: actor.request_id.clone(),
        };
        diesel::insert_into(sanction_steps::table).values(record).execute(conn)?;
    }
    Ok(())
}

/// A procedure's steps, in order.
pub fn steps_of(conn: &mut DbConnection, procedure_id: &str) -> Result<Vec<SanctionStepRecord>, StoreError> {
    Ok(sanction_steps::table
        .filter(sanction_steps::procedure_id.eq(procedure_id))
        .order(sanction_steps::seq.asc())
        .select(SanctionStepRecord::as_select())
        .load(conn)?)
}

/// The steps of several procedures in one query, in order, grouped by procedure (for lists).
pub fn steps_of_many(
    conn: &mut DbConnection,
    procedure_ids: &[String],
) -> Result<std::collections::HashMap<String, Vec<SanctionStepRecord>>, StoreError> {
    let rows: Vec<SanctionStepRecord> = sanction_steps::table
        .filter(sanction_steps::procedure_id.eq_any(procedure_ids))
        .order((sanction_steps::procedure_id.asc(), sanction_steps::seq.asc()))
        .select(SanctionStepRecord::as_select())
        .load(conn)?;
    let mut grouped: std::collections::HashMap<String, Vec<SanctionStepRecord>> = std::collections::HashMap::new();
    for row in rows {
        grouped.entry(row.procedure_id.clone()).or_default().push(row);
    }
    Ok(grouped)
}

/// Every sanction procedure closed in `[from, before)` (its `sanction_procedure_closed` step), for the
/// statistics: the person (after merges), the case's commune, the outcome code and when it was recorded.
pub fn closures_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<(String, String, String, NaiveDateTime)>, StoreError> {
    use crate::schema::{cases, persons, sanction_procedures};
    let rows: Vec<(String, Option<String>, String, String, NaiveDateTime)> = sanction_steps::table
        .inner_join(sanction_procedures::table.inner_join(cases::table.inner_join(persons::table)))
        .filter(sanction_steps::kind.eq(EventKind::SanctionProcedureClosed.code()))
        .filter(sanction_steps::recorded_at.ge(from))
        .filter(sanction_steps::recorded_at.lt(before))
        .select((
            cases::person_id,
            persons::merged_into,
            cases::commune_nis,
            sanction_procedures::state_json,
            sanction_steps::recorded_at,
        ))
        .load(conn)?;
    let mut closures = Vec::with_capacity(rows.len());
    for (person, merged_into, commune, state_json, at) in rows {
        let procedure: parcours_domain::sanction::SanctionProcedure = serde_json::from_str(&state_json)
            .map_err(|e| StoreError::Corrupt(format!("sanction procedure unreadable: {e}")))?;
        if let Some((_, closure)) = procedure.closure {
            closures.push((merged_into.unwrap_or(person), commune, closure.code().to_owned(), at));
        }
    }
    Ok(closures)
}
