//! The per-CRI-and-year counters behind human numbers: `case_reference_counters` (`CRIPEL-2026-000042`) and
//! `attestation_counters` (the attestation serials). Both tables have the same shape: `(cri_code, year)` and
//! the last value given.

use diesel::prelude::*;

use crate::{DbConnection, StoreError};

/// Which counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YearlyCounter {
    /// Case references.
    CaseReferences,
    /// Attestation serials.
    Attestations,
}

impl YearlyCounter {
    fn table(self) -> &'static str {
        match self {
            YearlyCounter::CaseReferences => "case_reference_counters",
            YearlyCounter::Attestations => "attestation_counters",
        }
    }
}

#[derive(QueryableByName)]
struct LastValue {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    last_value: i32,
}

/// The next value of `counter` for `cri` in `year`, from 1: one upsert (`INSERT … ON CONFLICT DO UPDATE …
/// RETURNING`, which SQLite has since 3.35), the first value of a year included, so that two concurrent
/// first numbers of a year never collide on creating the row (one of them used to answer 409). The row
/// stays locked until the transaction commits: the numbers have no gaps (a rolled-back transaction gives
/// its number back), and concurrent writers of one CRI take turns from here to their commit.
pub(crate) fn next_value(
    conn: &mut DbConnection,
    counter: YearlyCounter,
    cri: &str,
    year: i32,
) -> Result<i32, StoreError> {
    let table = counter.table();
    let upsert = |first: &str, second: &str| {
        format!(
            "INSERT INTO {table} (cri_code, year, last_value) VALUES ({first}, {second}, 1) \
             ON CONFLICT (cri_code, year) DO UPDATE SET last_value = {table}.last_value + 1 \
             RETURNING last_value"
        )
    };
    let row = match conn {
        DbConnection::Postgresql(pg) => diesel::sql_query(upsert("$1", "$2"))
            .bind::<diesel::sql_types::Text, _>(cri)
            .bind::<diesel::sql_types::Integer, _>(year)
            .get_result::<LastValue>(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(upsert("?", "?"))
            .bind::<diesel::sql_types::Text, _>(cri)
            .bind::<diesel::sql_types::Integer, _>(year)
            .get_result::<LastValue>(lite)?,
    };
    Ok(row.last_value)
}
