//! Idempotency keys: the first response to a write is kept and replayed for the same key and body.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::idempotency_keys;
use crate::{DbConnection, StoreError};

/// A stored response.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotentResponse {
    /// Organisation that sent the key (keys are scoped per organisation).
    pub organisation: String,
    /// The key.
    pub idempotency_key: String,
    /// SHA-256 of the canonical request body.
    pub request_hash: String,
    /// HTTP status of the first response.
    pub response_status: i32,
    /// Body of the first response.
    pub response_body: String,
    /// When it was first answered.
    pub created_at: NaiveDateTime,
    /// `Location` of the first response, if it created something.
    pub response_location: Option<String>,
}

/// The stored response for `(organisation, key)`, if any.
pub fn find(conn: &mut DbConnection, organisation: &str, key: &str) -> Result<Option<IdempotentResponse>, StoreError> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::organisation.eq(organisation))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select(IdempotentResponse::as_select())
        .first(conn)
        .optional()?)
}

/// Stores a response; a concurrent request with the same key makes this fail with a conflict.
pub fn store(conn: &mut DbConnection, response: &IdempotentResponse) -> Result<(), StoreError> {
    diesel::insert_into(idempotency_keys::table).values(response).execute(conn)?;
    Ok(())
}

/// Deletes the responses first given before `cutoff` (the retention set by the Region's parameter);
/// returns how many went. A key reused after its purge is treated as new.
pub fn purge_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, StoreError> {
    crate::write_transaction(conn, |conn| {
        Ok(diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff))).execute(conn)?)
    })
}
