//! The `sandbox_clocks` table (sandbox mode only): how many days each organisation moved its clock ahead of
//! the sandbox's own, and the row of the organisation [`SANDBOX_MARK`] that says the database is a sandbox's.
//! Nothing personal; never written outside `PARCOURS_ENV=sandbox`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{persons, sandbox_clocks};
use crate::{DbConnection, StoreError};

/// The organisation whose row marks a sandbox database (written once, when the demo data is made).
pub const SANDBOX_MARK: &str = "sandbox";

/// One organisation's clock.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sandbox_clocks)]
pub struct SandboxClockRecord {
    /// `cri:CRIPEL`, `commune:62063`, … or [`SANDBOX_MARK`].
    pub organisation: String,
    /// Days ahead of the sandbox's clock.
    pub offset_days: i32,
    /// When it was last moved (by the sandbox's own clock).
    pub moved_at: NaiveDateTime,
}

/// Every organisation's clock (the mark excluded).
pub fn all(conn: &mut DbConnection) -> Result<Vec<SandboxClockRecord>, StoreError> {
    Ok(sandbox_clocks::table
        .filter(sandbox_clocks::organisation.ne(SANDBOX_MARK))
        .order(sandbox_clocks::organisation.asc())
        .select(SandboxClockRecord::as_select())
        .load(conn)?)
}

/// Whether the database is a sandbox's.
pub fn is_sandbox(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let marks: i64 =
        sandbox_clocks::table.filter(sandbox_clocks::organisation.eq(SANDBOX_MARK)).count().get_result(conn)?;
    Ok(marks > 0)
}

/// Whether the database holds any person: a database with people and without the mark is not a sandbox's,
/// and a sandbox refuses to start on it.
pub fn holds_people(conn: &mut DbConnection) -> Result<bool, StoreError> {
    let people: i64 = persons::table.count().get_result(conn)?;
    Ok(people > 0)
}

/// Marks the database as a sandbox's.
pub fn mark(conn: &mut DbConnection, now: NaiveDateTime) -> Result<(), StoreError> {
    diesel::insert_into(sandbox_clocks::table)
        .values(SandboxClockRecord { organisation: SANDBOX_MARK.to_owned(), offset_days: 0, moved_at: now })
        .execute(conn)?;
    Ok(())
}

/// Moves `organisation`'s clock to `offset_days` ahead, only forward: answers the offset now in force (the
/// one asked for, or the larger one already there when another request moved it further meanwhile).
pub fn move_forward(
    conn: &mut DbConnection,
    organisation: &str,
    offset_days: i32,
    now: NaiveDateTime,
) -> Result<i32, StoreError> {
    crate::write_transaction(conn, |conn| {
        let current: Option<i32> =
            sandbox_clocks::table.find(organisation).select(sandbox_clocks::offset_days).first(conn).optional()?;
        match current {
            Some(days) if days >= offset_days => Ok(days),
            Some(_) => {
                diesel::update(sandbox_clocks::table.find(organisation))
                    .set((sandbox_clocks::offset_days.eq(offset_days), sandbox_clocks::moved_at.eq(now)))
                    .execute(conn)?;
                Ok(offset_days)
            }
            None => {
                diesel::insert_into(sandbox_clocks::table)
                    .values(SandboxClockRecord { organisation: organisation.to_owned(), offset_days, moved_at: now })
                    .execute(conn)?;
                Ok(offset_days)
            }
        }
    })
}
