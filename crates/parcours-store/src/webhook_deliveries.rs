//! The `webhook_deliveries` table: each feed event to deliver to each subscription, and where it stands.
//!
//! The delivery job queues a subscription's new events in one transaction with the guarded move of the
//! subscription's position ([`queue`]), so an event is queued once per pass over the feed even with several
//! replicas. It then sends what is due ([`due`]): only the oldest undelivered event of each case of a
//! subscription, so a receiver always gets a case's events in feed order, while one case's failures do not
//! hold back the others'. Each attempt is recorded with a guarded update on the attempt count
//! ([`record_attempt`]), so two runners never both count one attempt.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::webhooks::DeliveryStatus;

use crate::audit::{self, Actor};
use crate::feed::{FeedReader, OutboxRecord};
use crate::schema::{webhook_attempts, webhook_deliveries};
use crate::webhook_subscriptions::{self, SubscriptionRecord};
use crate::{DbConnection, StoreError, new_id};

/// A delivery.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRecord {
    /// Id.
    pub id: String,
    /// Subscription.
    pub subscription_id: String,
    /// The feed event (its id is the `webhook-id` and the CloudEvent `id`).
    pub event_id: String,
    /// The event's feed position.
    pub position: i64,
    /// The event's case (deliveries of one case go in order).
    pub case_id: String,
    /// The event type as the subscriber receives it.
    pub event_type: String,
    /// Pending, delivered or abandoned.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: i32,
    /// When it is next due (pending).
    pub next_attempt_at: NaiveDateTime,
    /// The last attempt.
    pub last_attempt_at: Option<NaiveDateTime>,
    /// The receiver's status code at the last attempt.
    pub last_status_code: Option<i32>,
    /// Why the last attempt had no answer (`timeout`, `connection_refused`, `target_refused`...).
    pub last_error: Option<String>,
    /// Queued.
    pub created_at: NaiveDateTime,
}

/// Queues `events` (the subscription's feed after its position, already filtered by its event types, each
/// with the type the subscriber receives) and moves its position from `from` to `to`, in one transaction.
/// The disclosure is audited as one row showing the persons of the events' cases, as a feed page is.
/// `false` (and nothing queued) when the position moved meanwhile.
pub fn queue(
    conn: &mut DbConnection,
    subscription: &SubscriptionRecord,
    events: &[(&OutboxRecord, String)],
    from: i64,
    to: i64,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let case_ids: Vec<&str> = events.iter().map(|(event, _)| event.case_id.as_str()).collect();
    let shown: Vec<String> = if case_ids.is_empty() {
        Vec::new()
    } else {
        crate::schema::cases::table
            .filter(crate::schema::cases::id.eq_any(&case_ids))
            .select(crate::schema::cases::person_id)
            .load(conn)?
    };
    crate::write_transaction(conn, |conn| {
        if !webhook_subscriptions::advance(conn, &subscription.id, from, to)? {
            return Ok(false);
        }
        if events.is_empty() {
            return Ok(true);
        }
        let rows: Vec<DeliveryRecord> = events
            .iter()
            .map(|(event, event_type)| DeliveryRecord {
                id: new_id(),
                subscription_id: subscription.id.clone(),
                event_id: event.id.clone(),
                position: event.seq,
                case_id: event.case_id.clone(),
                event_type: event_type.clone(),
                status: DeliveryStatus::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_attempt_at: None,
                last_status_code: None,
                last_error: None,
                created_at: now,
            })
            .collect();
        for chunk in rows.chunks(200) {
            let chunk = chunk.to_vec();
            // Multi-row inserts on each backend's own connection: one statement per 200 events.
            match conn {
                DbConnection::Postgresql(pg) => {
                    diesel::insert_into(webhook_deliveries::table).values(chunk).execute(pg)?
                }
                DbConnection::Sqlite(sqlite) => {
                    diesel::insert_into(webhook_deliveries::table).values(chunk).execute(sqlite)?
                }
            };
        }
        let detail = format!("subscription={} count={} from={} to={}", subscription.id, rows.len(), from + 1, to);
        let actor = Actor::system("webhook_delivery");
        audit::append_showing(conn, &actor, "queue_webhook_events", "event", None, Some(detail), &shown, now)?;
        Ok(true)
    })
}

/// The deliveries due at `now`, oldest position first, at most `limit`: of each case of each subscription,
/// only the oldest pending one, and only when it is due.
pub fn due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> Result<Vec<DeliveryRecord>, StoreError> {
    let candidates: Vec<DeliveryRecord> = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.code()))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .order((webhook_deliveries::position.asc(), webhook_deliveries::id.asc()))
        .limit(limit)
        .select(DeliveryRecord::as_select())
        .load(conn)?;
    if candidates.is_empty() {
        return Ok(candidates);
    }
    let subscriptions: Vec<&str> = candidates.iter().map(|d| d.subscription_id.as_str()).collect();
    let cases: Vec<&str> = candidates.iter().map(|d| d.case_id.as_str()).collect();
    // The oldest pending position of each (subscription, case) among the candidates' ones.
    let heads: Vec<(String, String, Option<i64>)> = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.code()))
        .filter(webhook_deliveries::subscription_id.eq_any(&subscriptions))
        .filter(webhook_deliveries::case_id.eq_any(&cases))
        .group_by((webhook_deliveries::subscription_id, webhook_deliveries::case_id))
        .select((
            webhook_deliveries::subscription_id,
            webhook_deliveries::case_id,
            diesel::dsl::min(webhook_deliveries::position),
        ))
        .load(conn)?;
    let heads: HashMap<(String, String), i64> =
        heads.into_iter().filter_map(|(s, c, p)| p.map(|p| ((s, c), p))).collect();
    let mut seen = std::collections::HashSet::new();
    Ok(candidates
        .into_iter()
        .filter(|d| {
            heads.get(&(d.subscription_id.clone(), d.case_id.clone())) == Some(&d.position)
                // Two deliveries of one event to one subscription (a replay) go one after the other.
                && seen.insert((d.subscription_id.clone(), d.case_id.clone()))
        })
        .collect())
}

/// What one attempt came to, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When it started.
    pub at: NaiveDateTime,
    /// The receiver's status code, if it answered.
    pub status_code: Option<i32>,
    /// Why there was no answer (a code, never a message from the network).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
    /// The delivery's status after it.
    pub status: DeliveryStatus,
    /// When to try again (pending).
    pub next_attempt_at: NaiveDateTime,
}

/// Records the attempt that followed `delivery.attempts` earlier ones: `false` (nothing written) when another
/// runner recorded it first.
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery: &DeliveryRecord,
    attempt: &Attempt,
) -> Result<bool, StoreError> {
    crate::write_transaction(conn, |conn| {
        let changed = diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(&delivery.id))
                .filter(webhook_deliveries::attempts.eq(delivery.attempts))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.code())),
        )
        .set((
            webhook_deliveries::attempts.eq(delivery.attempts + 1),
            webhook_deliveries::status.eq(attempt.status.code()),
            webhook_deliveries::next_attempt_at.eq(attempt.next_attempt_at),
            webhook_deliveries::last_attempt_at.eq(Some(attempt.at)),
            webhook_deliveries::last_status_code.eq(attempt.status_code),
            webhook_deliveries::last_error.eq(attempt.error.as_deref()),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Ok(false);
        }
        diesel::insert_into(webhook_attempts::table)
            .values(crate::webhook_attempts::AttemptRecord {
                id: new_id(),
                delivery_id: delivery.id.clone(),
                attempt: delivery.attempts + 1,
                attempted_at: attempt.at,
                status_code: attempt.status_code,
                error: attempt.error.clone(),
                duration_ms: attempt.duration_ms,
            })
            .execute(conn)?;
        Ok(true)
    })
}

/// Abandons every pending delivery of a subscription (it was disabled by the service): they stay in the log.
pub fn abandon_pending(conn: &mut DbConnection, subscription_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(subscription_id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.code())),
    )
    .set(webhook_deliveries::status.eq(DeliveryStatus::Abandoned.code()))
    .execute(conn)?)
}

/// A subscription's deliveries after position `after` (or, with `before`, the newest before it), oldest
/// first, at most `limit`, optionally of one status.
pub fn list_for(
    conn: &mut DbConnection,
    subscription_id: &str,
    status: Option<DeliveryStatus>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .order((webhook_deliveries::position.asc(), webhook_deliveries::created_at.asc(), webhook_deliveries::id.asc()))
        .limit(limit)
        .select(DeliveryRecord::as_select())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(webhook_deliveries::status.eq(status.code()));
    }
    if let Some(after) = after {
        query = query.filter(webhook_deliveries::position.gt(after));
    }
    Ok(query.load(conn)?)
}

/// Pending deliveries in all (`/metrics`: the webhook backlog).
pub fn backlog(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.code()))
        .count()
        .get_result(conn)?)
}

/// The feed of a subscription's reader after `after`, to queue: read without an audit row, since
/// [`queue`] audits what it discloses.
pub fn feed_after(
    conn: &mut DbConnection,
    reader: &FeedReader,
    after: i64,
    limit: i64,
) -> Result<Vec<OutboxRecord>, StoreError> {
    crate::feed::page(conn, reader, Some(after), limit)
}
