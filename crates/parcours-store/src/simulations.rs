//! The `simulations` table: the Region's policy simulations, queued by the API, run by the job runner
//! ([`parcours_domain::simulation`]), with their progress and their suppressed aggregate answer. Running
//! one reads determinations and writes only its own row.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::schema::{determinations, persons, simulations};
use crate::{DbConnection, StoreError, new_id};

/// A simulation.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = simulations)]
pub struct SimulationRecord {
    /// Id.
    pub id: String,
    /// The organisation that asked (the Region).
    pub requested_by_org: String,
    /// When.
    pub requested_at: NaiveDateTime,
    /// `2026` or `2026-Q3`: the determinations decided in it.
    pub period: String,
    /// The alternative: `[{"name", "valid_from", "value"}]`.
    pub changes_json: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// 0 to 100.
    pub progress_percent: i32,
    /// The answer, once done.
    pub result_json: Option<String>,
    /// Why it failed (no personal data).
    pub error: Option<String>,
    /// When it finished.
    pub finished_at: Option<NaiveDateTime>,
}

/// Queues a simulation; audited.
pub fn queue(
    conn: &mut DbConnection,
    period: &str,
    changes_json: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<SimulationRecord, StoreError> {
    crate::write_transaction(conn, |conn| {
        let record = SimulationRecord {
            id: new_id(),
            requested_by_org: actor.organisation.clone(),
            requested_at: now,
            period: period.to_owned(),
            changes_json: changes_json.to_owned(),
            status: "queued".to_owned(),
            progress_percent: 0,
            result_json: None,
            error: None,
            finished_at: None,
        };
        diesel::insert_into(simulations::table).values(&record).execute(conn)?;
        audit::append(
            conn,
            actor,
            "queue_simulation",
            "simulation",
            Some(&record.id),
            Some(format!("period={period}")),
            now,
        )?;
        Ok(record)
    })
}

/// A simulation, read by the Region; audited.
pub fn read(
    conn: &mut DbConnection,
    id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<SimulationRecord>, StoreError> {
    let record = simulations::table.find(id).select(SimulationRecord::as_select()).first(conn).optional()?;
    if let Some(record) = &record {
        audit::append(conn, actor, "read_simulation", "simulation", Some(&record.id), None, now)?;
    }
    Ok(record)
}

/// The oldest queued simulation, marked running (a runner that takes it over after a crash starts it again:
/// a run writes nothing but its own row).
pub fn take_next(conn: &mut DbConnection) -> Result<Option<SimulationRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let next: Option<SimulationRecord> = simulations::table
            .filter(simulations::status.eq_any(["queued", "running"]))
            .order(simulations::requested_at.asc())
            .select(SimulationRecord::as_select())
            .first(conn)
            .optional()?;
        if let Some(record) = &next {
            diesel::update(simulations::table.find(&record.id))
                .set((simulations::status.eq("running"), simulations::progress_percent.eq(0)))
                .execute(conn)?;
        }
        Ok(next)
    })
}

/// Records the progress of a running simulation.
pub fn record_progress(conn: &mut DbConnection, id: &str, percent: i32) -> Result<(), StoreError> {
    diesel::update(simulations::table.find(id))
        .set(simulations::progress_percent.eq(percent.clamp(0, 100)))
        .execute(conn)?;
    Ok(())
}

/// Records the answer, or why there is none.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    outcome: Result<String, String>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let (status, result, error) = match outcome {
        Ok(result) => ("done", Some(result), None),
        Err(error) => ("failed", None, Some(error)),
    };
    diesel::update(simulations::table.find(id))
        .set((
            simulations::status.eq(status),
            simulations::progress_percent.eq(100),
            simulations::result_json.eq(result),
            simulations::error.eq(error),
            simulations::finished_at.eq(Some(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The determination each person got last in `[from, before)` (a merged person counts as the one they were
/// merged into), as ids, in a stable order: what a simulation re-runs.
pub fn determinations_to_rerun(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String, String, Option<String>, NaiveDateTime)> = determinations::table
        .inner_join(persons::table)
        .filter(determinations::decided_at.ge(from))
        .filter(determinations::decided_at.lt(before))
        .select((determinations::id, determinations::person_id, persons::merged_into, determinations::decided_at))
        .load(conn)?;
    let mut last: BTreeMap<String, (NaiveDateTime, String)> = BTreeMap::new();
    for (id, person, merged_into, decided_at) in rows {
        let person = merged_into.unwrap_or(person);
        if last.get(&person).is_none_or(|(seen, seen_id)| (decided_at, &id) > (*seen, seen_id)) {
            last.insert(person, (decided_at, id));
        }
    }
    let mut ids: Vec<String> = last.into_values().map(|(_, id)| id).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// The stored facts and evaluation day of these determinations.
pub fn facts_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, chrono::NaiveDate)>, StoreError> {
    Ok(determinations::table
        .filter(determinations::id.eq_any(ids))
        .order(determinations::id.asc())
        .select((determinations::facts_json, determinations::as_of))
        .load(conn)?)
}
