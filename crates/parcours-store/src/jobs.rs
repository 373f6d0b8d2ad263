//! The `jobs` table: one row per kind of background work, with the next time it is due and a lease.
//!
//! A runner claims a due job with one guarded update (`next_run_at <= now` and no live lease); the claim
//! is taken only when exactly one row changed, so two replicas polling at once never both run it (on
//! PostgreSQL the second update waits for the first's row lock, then re-reads the row and no longer
//! matches). A runner that dies leaves a lease that expires, and the job is claimed again. The work itself
//! must be idempotent (guarded updates of its own), since a lease can expire while a slow run goes on.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::jobs;
use crate::{DbConnection, StoreError};

/// A job row, as operations read it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRecord {
    /// Kind (`deadline_sweep`, `idempotency_expiry`).
    pub kind: String,
    /// When it is next due.
    pub next_run_at: NaiveDateTime,
    /// Runner holding the lease, if any.
    pub lease_owner: Option<String>,
    /// Until when the lease holds.
    pub lease_until: Option<NaiveDateTime>,
    /// Last start.
    pub last_started_at: Option<NaiveDateTime>,
    /// Last end.
    pub last_finished_at: Option<NaiveDateTime>,
    /// Outcome of the last run (`ok: ...` or `failed: ...`, never personal data).
    pub last_outcome: Option<String>,
    /// Completed runs.
    pub runs: i64,
}

/// Registers a kind of job, due at `first_run_at`; an existing row keeps its schedule.
pub fn ensure(conn: &mut DbConnection, kind: &str, first_run_at: NaiveDateTime) -> Result<(), StoreError> {
    let registered = crate::write_transaction(conn, |conn| {
        let exists: i64 = jobs::table.filter(jobs::kind.eq(kind)).count().get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(jobs::table)
                .values((jobs::kind.eq(kind), jobs::next_run_at.eq(first_run_at), jobs::runs.eq(0_i64)))
                .execute(conn)?;
        }
        Ok(())
    });
    match registered {
        // Another replica registered it at the same moment: it exists, which is all this asks.
        Err(StoreError::Duplicate(crate::UniqueRule::JobKind)) => Ok(()),
        other => other,
    }
}

/// Claims `kind` for `owner` until `now + lease` if it is due and nobody holds a live lease. `true` when
/// this runner now holds it.
pub fn claim(
    conn: &mut DbConnection,
    kind: &str,
    owner: &str,
    now: NaiveDateTime,
    lease: Duration,
) -> Result<bool, StoreError> {
    crate::write_transaction(conn, |conn| {
        let claimed = diesel::update(
            jobs::table
                .filter(jobs::kind.eq(kind))
                .filter(jobs::next_run_at.le(now))
                .filter(jobs::lease_until.is_null().or(jobs::lease_until.lt(now))),
        )
        .set((jobs::lease_owner.eq(owner), jobs::lease_until.eq(now + lease), jobs::last_started_at.eq(now)))
        .execute(conn)?;
        Ok(claimed == 1)
    })
}

/// Ends a run that `owner` claimed: releases the lease, records the outcome, schedules the next run.
pub fn finish(
    conn: &mut DbConnection,
    kind: &str,
    owner: &str,
    now: NaiveDateTime,
    next_run_at: NaiveDateTime,
    outcome: &str,
) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::update(jobs::table.filter(jobs::kind.eq(kind)).filter(jobs::lease_owner.eq(owner)))
            .set((
                jobs::lease_owner.eq(None::<String>),
                jobs::lease_until.eq(None::<NaiveDateTime>),
                jobs::last_finished_at.eq(now),
                jobs::last_outcome.eq(outcome),
                jobs::next_run_at.eq(next_run_at),
                jobs::runs.eq(jobs::runs + 1),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Makes `kind` due now (operations, tests).
pub fn make_due(conn: &mut DbConnection, kind: &str, now: NaiveDateTime) -> Result<(), StoreError> {
    diesel::update(jobs::table.filter(jobs::kind.eq(kind))).set(jobs::next_run_at.eq(now)).execute(conn)?;
    Ok(())
}

/// Every job, by kind.
pub fn list(conn: &mut DbConnection) -> Result<Vec<JobRecord>, StoreError> {
    Ok(jobs::table.order(jobs::kind.asc()).select(JobRecord::as_select()).load(conn)?)
}
