//! The `webhook_subscriptions` table: an organisation's subscriptions to its own feed by signed webhooks.
//!
//! A subscription is read and changed only by the organisation that made it (`organisation`, the feed
//! reader's code: `cri:CRIPEL`, `commune:62063`, `cpas:62063`, `sanctions`), so its scope is exactly the
//! feed's. `position` is the last feed position already queued for it (by the webhook deliveries): the
//! job moves it forward with a guarded update, a replay moves it back. Secrets are stored sealed (the API's
//! data keys); this module never sees them in clear.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::webhooks::{SignatureScheme, SubscriptionStatus};

use crate::audit::{self, Actor};
use crate::schema::webhook_subscriptions;
use crate::{DbConnection, StoreError};

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRecord {
    /// Id.
    pub id: String,
    /// The feed reader it delivers to (see the module's text).
    pub organisation: String,
    /// The receiver.
    pub url: String,
    /// The subscriber's own label.
    pub description: Option<String>,
    /// The event types it receives, a JSON array of codes (empty: every type its organisation receives).
    pub event_types_json: String,
    /// How deliveries are signed.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub scheme: SignatureScheme,
    /// The current `whsec_` secret (v1) or `whsk_` secret key (v1a), sealed.
    pub secret_sealed: String,
    /// The current `whpk_` public key (v1a).
    pub public_key: Option<String>,
    /// The secret before the last rotation, still used beside the current one until `previous_secret_until`.
    pub previous_secret_sealed: Option<String>,
    /// The public key before the last rotation (v1a).
    pub previous_public_key: Option<String>,
    /// End of the overlap after a rotation.
    pub previous_secret_until: Option<NaiveDateTime>,
    /// Active or disabled.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: SubscriptionStatus,
    /// Why it is disabled: `by_subscriber`, `gone` (the receiver answered 410), `target_refused`.
    pub disabled_reason: Option<String>,
    /// The last feed position queued for it.
    pub position: i64,
    /// Changes so far (the ETag).
    pub version: i32,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Token subject that created it.
    pub created_by: String,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl SubscriptionRecord {
    /// The event types it receives (empty: all).
    pub fn event_types(&self) -> Result<Vec<String>, StoreError> {
        serde_json::from_str(&self.event_types_json)
            .map_err(|e| StoreError::Corrupt(format!("webhook subscription {}: event types: {e}", self.id)))
    }

    /// Whether it receives events of this type.
    pub fn receives(&self, event_type: &str) -> Result<bool, StoreError> {
        let types = self.event_types()?;
        Ok(types.is_empty() || types.iter().any(|t| t == event_type))
    }
}

/// Records a new subscription.
pub fn create(conn: &mut DbConnection, record: &SubscriptionRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(webhook_subscriptions::table).values(record.clone()).execute(conn)?;
        audit::append(
            conn,
            actor,
            "create_webhook_subscription",
            "webhook_subscription",
            Some(&record.id),
            None,
            record.created_at,
        )
    })
}

/// One subscription of `organisation` (another organisation's is not found).
pub fn find_for(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
) -> Result<Option<SubscriptionRecord>, StoreError> {
    Ok(webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(id))
        .filter(webhook_subscriptions::organisation.eq(organisation))
        .select(SubscriptionRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The subscriptions of `organisation`, oldest first (an organisation has a handful).
pub fn list_for(conn: &mut DbConnection, organisation: &str) -> Result<Vec<SubscriptionRecord>, StoreError> {
    Ok(webhook_subscriptions::table
        .filter(webhook_subscriptions::organisation.eq(organisation))
        .order((webhook_subscriptions::created_at.asc(), webhook_subscriptions::id.asc()))
        .select(SubscriptionRecord::as_select())
        .load(conn)?)
}

/// Every active subscription (the delivery job).
pub fn active(conn: &mut DbConnection) -> Result<Vec<SubscriptionRecord>, StoreError> {
    Ok(webhook_subscriptions::table
        .filter(webhook_subscriptions::status.eq(SubscriptionStatus::Active.code()))
        .order(webhook_subscriptions::id.asc())
        .select(SubscriptionRecord::as_select())
        .load(conn)?)
}

/// Subscriptions by id, whatever their organisation (the delivery job, for the deliveries it sends).
pub fn by_ids(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<SubscriptionRecord>, StoreError> {
    Ok(webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq_any(ids))
        .select(SubscriptionRecord::as_select())
        .load(conn)?)
}

/// Activates or disables a subscription of `organisation`; `None` when it has none by that id. A change
/// is audited; setting the status it already has changes nothing.
pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
    status: SubscriptionStatus,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<SubscriptionRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(current) = find_for(conn, id, organisation)? else {
            return Ok(None);
        };
        if current.status == status {
            return Ok(Some(current));
        }
        let reason = (status == SubscriptionStatus::Disabled).then_some("by_subscriber");
        diesel::update(webhook_subscriptions::table.find(id))
            .set((
                webhook_subscriptions::status.eq(status.code()),
                webhook_subscriptions::disabled_reason.eq(reason),
                webhook_subscriptions::version.eq(current.version + 1),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .execute(conn)?;
        let detail = Some(format!("status={}", status.code()));
        audit::append(conn, actor, "put_webhook_subscription_status", "webhook_subscription", Some(id), detail, now)?;
        find_for(conn, id, organisation)
    })
}

/// Disables a subscription on the service's own decision (`gone`: the receiver answered 410;
/// `target_refused`: its address is no longer allowed). `true` when this call disabled it.
pub fn disable(conn: &mut DbConnection, id: &str, reason: &str, now: NaiveDateTime) -> Result<bool, StoreError> {
    crate::write_transaction(conn, |conn| {
        let changed = diesel::update(
            webhook_subscriptions::table
                .filter(webhook_subscriptions::id.eq(id))
                .filter(webhook_subscriptions::status.eq(SubscriptionStatus::Active.code())),
        )
        .set((
            webhook_subscriptions::status.eq(SubscriptionStatus::Disabled.code()),
            webhook_subscriptions::disabled_reason.eq(reason),
            webhook_subscriptions::version.eq(webhook_subscriptions::version + 1),
            webhook_subscriptions::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 1 {
            let actor = Actor::system("webhook_delivery");
            audit::append(
                conn,
                &actor,
                "disable_webhook_subscription",
                "webhook_subscription",
                Some(id),
                Some(format!("reason={reason}")),
                now,
            )?;
        }
        Ok(changed == 1)
    })
}

/// A new secret, sealed, for a subscription of `organisation`: the current one becomes the previous one,
/// still used until `overlap_until` (both signatures are sent meanwhile). `None` when it has none by that id.
#[allow(clippy::too_many_arguments)]
pub fn rotate_secret(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
    secret_sealed: &str,
    public_key: Option<&str>,
    overlap_until: NaiveDateTime,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<SubscriptionRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(current) = find_for(conn, id, organisation)? else {
            return Ok(None);
        };
        diesel::update(webhook_subscriptions::table.find(id))
            .set((
                webhook_subscriptions::previous_secret_sealed.eq(Some(&current.secret_sealed)),
                webhook_subscriptions::previous_public_key.eq(current.public_key.as_deref()),
                webhook_subscriptions::previous_secret_until.eq(Some(overlap_until)),
                webhook_subscriptions::secret_sealed.eq(secret_sealed),
                webhook_subscriptions::public_key.eq(public_key),
                webhook_subscriptions::version.eq(current.version + 1),
                webhook_subscriptions::updated_at.eq(now),
            ))
            .execute(conn)?;
        let detail = Some(format!("overlap_until={}", overlap_until.and_utc().to_rfc3339()));
        audit::append(conn, actor, "rotate_webhook_secret", "webhook_subscription", Some(id), detail, now)?;
        find_for(conn, id, organisation)
    })
}

/// Moves a subscription of `organisation` back to `after` (a replay): every event of its feed after that
/// position is queued again. A position ahead of the subscription's changes nothing (events not yet queued
/// will be). `None` when it has none by that id.
pub fn rewind(
    conn: &mut DbConnection,
    id: &str,
    organisation: &str,
    after: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<SubscriptionRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(current) = find_for(conn, id, organisation)? else {
            return Ok(None);
        };
        if after < current.position {
            diesel::update(webhook_subscriptions::table.find(id))
                .set((
                    webhook_subscriptions::position.eq(after),
                    webhook_subscriptions::version.eq(current.version + 1),
                    webhook_subscriptions::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        let detail = Some(format!("after={after} was={}", current.position));
        audit::append(conn, actor, "create_webhook_replay", "webhook_subscription", Some(id), detail, now)?;
        find_for(conn, id, organisation)
    })
}

/// Moves a subscription's position from `from` to `to` if nobody moved it meanwhile (a replay, another
/// replica): `true` when this call moved it. Called inside the transaction that queues the events.
pub(crate) fn advance(conn: &mut DbConnection, id: &str, from: i64, to: i64) -> Result<bool, StoreError> {
    let changed = diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(webhook_subscriptions::position.eq(from))
            .filter(webhook_subscriptions::status.eq(SubscriptionStatus::Active.code())),
    )
    .set(webhook_subscriptions::position.eq(to))
    .execute(conn)?;
    Ok(changed == 1)
}
