//! The `webhook_attempts` table: every attempt of every webhook delivery (the delivery log's detail):
//! when, what the receiver answered or why it did not, how long it took. Written with the delivery's own
//! guarded update (`record_attempt` of the deliveries module, which writes here).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::webhook_attempts;
use crate::{DbConnection, StoreError};

/// One attempt.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRecord {
    /// Id.
    pub id: String,
    /// Delivery.
    pub delivery_id: String,
    /// 1 for the first attempt.
    pub attempt: i32,
    /// When it started.
    pub attempted_at: NaiveDateTime,
    /// The receiver's status code, if it answered.
    pub status_code: Option<i32>,
    /// Why there was no answer (a code).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
}

/// The attempts of these deliveries, in order (one query for a page of the log).
pub fn of_deliveries(conn: &mut DbConnection, delivery_ids: &[String]) -> Result<Vec<AttemptRecord>, StoreError> {
    if delivery_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .order((webhook_attempts::delivery_id.asc(), webhook_attempts::attempt.asc()))
        .select(AttemptRecord::as_select())
        .load(conn)?)
}
