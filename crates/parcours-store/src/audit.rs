//! The audit trail: who did or read what, when, under which request, and which persons a read showed.
//!
//! Append-only: the database refuses deletes, and every update except the sealing of a row. Rows are
//! written unsealed, so that concurrent requests never queue on one lock; [`seal`] (the `audit_seal` job)
//! then gives each row, in order, its position in the chain, the hash of the row before it and its own
//! hash, a SHA-256 over the row's columns and its subjects. [`verify`] recomputes the chain and names the
//! first broken link: a row edited or deleted with the triggers disabled, or a subject removed. The head
//! (position and hash) is written to the log daily, so that an offline copy of the log proves that the
//! past was not rewritten afterwards (`docs/decisions.md`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::schema::{audit_log, audit_subjects, persons};
use crate::{DbConnection, StoreError, new_id};

/// Who is acting, and in which request: passed down with every write and every read of personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Token subject (a user or a service account; `system:<job>` for jobs, `anonymous` for public reads).
    pub subject: String,
    /// Organisation (`commune:62063`, `cri:CRIPEL`, `region:SPW`, `system`, `public:verifier`).
    pub organisation: String,
    /// The roles the caller acted under (comma-separated), `system` for jobs, `public` for public reads.
    pub role: String,
    /// The server's own request id (as logged and returned in `X-Request-Id`).
    pub request_id: String,
    /// The caller's `X-Request-Id`, when it sent one: kept beside the server's, never instead of it.
    pub client_request_id: Option<String>,
    /// The route the request came through (`GET /v1/cases/{id}`): the purpose of a read.
    pub route: Option<String>,
}

impl Actor {
    /// A background job acting on its own.
    pub fn system(job: &str) -> Actor {
        Actor {
            subject: format!("system:{job}"),
            organisation: "system".into(),
            role: "system".into(),
            request_id: new_id(),
            client_request_id: None,
            route: None,
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = audit_log)]
pub struct AuditRecord {
    /// Id.
    pub id: String,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// The server's request id.
    pub request_id: String,
    /// Token subject.
    pub subject: String,
    /// Organisation.
    pub organisation: String,
    /// What was done (`create_arrival`, `read_arrival`, ...).
    pub action: String,
    /// Kind of resource (`arrival`, `person`, `commune`).
    pub resource_type: String,
    /// Which resource, when there is one.
    pub resource_id: Option<String>,
    /// Non-personal detail (counts, filters, old values of reference data).
    pub detail: Option<String>,
    /// The caller's own request id, when it sent one.
    pub client_request_id: Option<String>,
    /// The roles acted under.
    pub role: Option<String>,
    /// The route (`GET /v1/cases/{id}`).
    pub route: Option<String>,
    /// Position in the chain, once sealed.
    pub chain_seq: Option<i64>,
    /// Hash of the row before it in the chain, once sealed.
    pub previous_hash: Option<String>,
    /// This row's hash, once sealed.
    pub row_hash: Option<String>,
}

/// Appends an audit row.
pub fn append(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: Option<&str>,
    detail: Option<String>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    append_showing(conn, actor, action, resource_type, resource_id, detail, &[], now)
}

/// Appends an audit row for a read that showed these persons (a list, a feed page): one subject row per
/// person, so that each person's access report finds it.
#[allow(clippy::too_many_arguments)]
pub fn append_showing(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: Option<&str>,
    detail: Option<String>,
    persons: &[String],
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let row = AuditRecord {
        id: new_id(),
        occurred_at: now,
        request_id: actor.request_id.clone(),
        subject: actor.subject.clone(),
        organisation: actor.organisation.clone(),
        action: action.to_owned(),
        resource_type: resource_type.to_owned(),
        resource_id: resource_id.map(str::to_owned),
        detail,
        client_request_id: actor.client_request_id.clone(),
        role: Some(actor.role.clone()),
        route: actor.route.clone(),
        chain_seq: None,
        previous_hash: None,
        row_hash: None,
    };
    diesel::insert_into(audit_log::table).values(&row).execute(conn)?;
    let mut shown: Vec<&String> = persons.iter().collect();
    shown.sort();
    shown.dedup();
    if shown.is_empty() {
        return Ok(());
    }
    // One statement for the whole page, so a list costs the same number of queries whatever its length,
    // with bound values (a multi-row VALUES is not available through the two-backend connection). On
    // PostgreSQL `IN` is `= ANY($2)`, so the statement is prepared once per connection.
    let shown_persons = persons::table
        .filter(persons::id.eq_any(&shown))
        .select((row.id.as_str().into_sql::<diesel::sql_types::Text>(), persons::id));
    let filed = diesel::insert_into(audit_subjects::table)
        .values(shown_persons)
        .into_columns((audit_subjects::audit_id, audit_subjects::person_id))
        .execute(conn)?;
    // Persons are never deleted (erasure blanks them), so every id shown is filed; anything else is a bug
    // that must not lose a line of the audit trail silently.
    if filed != shown.len() {
        return Err(StoreError::Corrupt("an audit subject is not a person".into()));
    }
    Ok(())
}

/// Audit rows about one resource, oldest first (operations and tests).
pub fn for_resource(conn: &mut DbConnection, resource_id: &str) -> Result<Vec<AuditRecord>, StoreError> {
    Ok(audit_log::table
        .filter(audit_log::resource_id.eq(resource_id))
        .order(audit_log::id.asc())
        .select(AuditRecord::as_select())
        .load(conn)?)
}

/// The hash the chain starts from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many rows one sealing transaction takes: a short transaction, whatever the backlog.
const SEAL_BATCH: i64 = 500;

/// The hash of one row at its position: SHA-256 over a JSON array of every column (a fixed order, JSON's
/// escaping makes it unambiguous) and the sorted ids of the persons it showed.
fn row_hash(record: &AuditRecord, chain_seq: i64, previous_hash: &str, subjects: &[String]) -> String {
    let canonical = serde_json::json!([
        chain_seq,
        previous_hash,
        record.id,
        record.occurred_at.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        record.request_id,
        record.client_request_id,
        record.subject,
        record.organisation,
        record.role,
        record.action,
        record.resource_type,
        record.resource_id,
        record.detail,
        record.route,
        subjects,
    ]);
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The end of the chain: the last sealed position and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// Position of the last sealed row (1 for the first).
    pub chain_seq: i64,
    /// Its hash.
    pub row_hash: String,
}

/// The head of the chain, `None` before the first seal.
pub fn head(conn: &mut DbConnection) -> Result<Option<ChainHead>, StoreError> {
    let last: Option<(Option<i64>, Option<String>)> = audit_log::table
        .filter(audit_log::chain_seq.is_not_null())
        .order(audit_log::chain_seq.desc())
        .select((audit_log::chain_seq, audit_log::row_hash))
        .first(conn)
        .optional()?;
    Ok(last.and_then(|(seq, hash)| Some(ChainHead { chain_seq: seq?, row_hash: hash? })))
}

fn subjects_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<(String, String)>, StoreError> {
    Ok(audit_subjects::table
        .filter(audit_subjects::audit_id.eq_any(ids))
        .order((audit_subjects::audit_id.asc(), audit_subjects::person_id.asc()))
        .select((audit_subjects::audit_id, audit_subjects::person_id))
        .load(conn)?)
}

fn subjects_for(all: &[(String, String)], audit_id: &str) -> Vec<String> {
    all.iter().filter(|(id, _)| id == audit_id).map(|(_, person)| person.clone()).collect()
}

/// Seals the rows written since the last run, oldest first, in short transactions. Returns how many rows
/// were sealed. Run by one runner at a time (the job's lease); the unique position makes a second sealer
/// that raced in fail instead of forking the chain.
pub fn seal(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let mut sealed = 0;
    loop {
        let batch = crate::write_transaction(conn, |conn| -> Result<usize, StoreError> {
            let head = head(conn)?;
            let rows: Vec<AuditRecord> = audit_log::table
                .filter(audit_log::row_hash.is_null())
                .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
                .limit(SEAL_BATCH)
                .select(AuditRecord::as_select())
                .load(conn)?;
            let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
            let subjects = subjects_of(conn, &ids)?;
            let (mut seq, mut previous) = match head {
                Some(head) => (head.chain_seq, head.row_hash),
                None => (0, GENESIS_HASH.to_owned()),
            };
            for row in &rows {
                seq += 1;
                let hash = row_hash(row, seq, &previous, &subjects_for(&subjects, &row.id));
                let changed = diesel::update(audit_log::table.find(&row.id).filter(audit_log::row_hash.is_null()))
                    .set((
                        audit_log::chain_seq.eq(seq),
                        audit_log::previous_hash.eq(&previous),
                        audit_log::row_hash.eq(&hash),
                    ))
                    .execute(conn)?;
                if changed != 1 {
                    return Err(StoreError::Busy("audit row sealed concurrently".into()));
                }
                previous = hash;
            }
            Ok(rows.len())
        })?;
        sealed += batch;
        if batch < SEAL_BATCH as usize {
            return Ok(sealed);
        }
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Sealed rows checked.
    pub sealed: i64,
    /// Rows written since the last seal (not yet covered by the chain).
    pub unsealed: i64,
    /// The head, when the chain has one.
    pub head: Option<ChainHead>,
    /// The first broken link, when there is one.
    pub broken: Option<BrokenLink>,
}

/// The first row whose link does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Its position (the expected one when rows are missing).
    pub chain_seq: i64,
    /// Its id (of the row found at or after the expected position).
    pub id: String,
    /// What does not hold (English, for operators).
    pub reason: String,
}

/// How many sealed rows one verification page reads.
const VERIFY_PAGE: i64 = 2_000;

/// Recomputes the whole chain, page by page, and names the first broken link: a row whose content no
/// longer gives its hash, whose previous hash is not the row before it, or a missing position.
pub fn verify(conn: &mut DbConnection) -> Result<ChainReport, StoreError> {
    let unsealed: i64 = audit_log::table.filter(audit_log::row_hash.is_null()).count().get_result(conn)?;
    let mut expected_seq = 1_i64;
    let mut previous = GENESIS_HASH.to_owned();
    let mut checked = 0_i64;
    loop {
        let rows: Vec<AuditRecord> = audit_log::table
            .filter(audit_log::chain_seq.ge(expected_seq))
            .order(audit_log::chain_seq.asc())
            .limit(VERIFY_PAGE)
            .select(AuditRecord::as_select())
            .load(conn)?;
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let subjects = subjects_of(conn, &ids)?;
        for row in &rows {
            let seq = row.chain_seq.unwrap_or_default();
            let broken =
                |reason: &str| BrokenLink { chain_seq: expected_seq, id: row.id.clone(), reason: reason.into() };
            let problem = if seq != expected_seq {
                Some(broken(&format!("position {expected_seq} is missing (next found: {seq})")))
            } else if row.previous_hash.as_deref() != Some(previous.as_str()) {
                Some(broken("its previous hash is not the hash of the row before it"))
            } else if row.row_hash.as_deref()
                != Some(row_hash(row, seq, &previous, &subjects_for(&subjects, &row.id)).as_str())
            {
                Some(broken("its content does not give its hash (edited after sealing)"))
            } else {
                None
            };
            if let Some(link) = problem {
                return Ok(ChainReport { sealed: checked, unsealed, head: head(conn)?, broken: Some(link) });
            }
            checked += 1;
            expected_seq += 1;
            previous = row.row_hash.clone().unwrap_or_default();
        }
        if (rows.len() as i64) < VERIFY_PAGE {
            return Ok(ChainReport { sealed: checked, unsealed, head: head(conn)?, broken: None });
        }
    }
}
