//! Signed webhooks: an organisation that reads the event feed (a CRI, a commune, a CPAS, the sanctioning
//! officials) subscribes a receiver to it, instead of polling `GET /v1/events`. The scope is exactly the
//! feed's; deliveries follow the Standard Webhooks specification with CloudEvents 1.0 bodies (see
//! [`crate::webhooks`] and `docs/webhooks.md`). A subscription is seen and changed only by its organisation.

pub mod create;
pub mod create_replay;
pub mod create_secret_rotation;
pub mod get;
pub mod get_secret;
pub mod list;
pub mod list_deliveries;
pub mod put_status;

use chrono::{DateTime, Utc};
use parcours_store::webhook_subscriptions::SubscriptionRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::ApiError;

/// A subscription (its secret is read on its own: `GET /v1/webhook-subscriptions/{id}/secret`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20e00-0000-7000-8000-000000000001", "url": "https://crm.cripel.example/hooks/parcours",
    "description": "CRM du CRIPEL", "event_types": ["convention_signed", "pathway_completed"], "signature_scheme": "v1",
    "status": "active", "disabled_reason": null, "position": 42, "public_key": null, "previous_secret_expires_at": null,
    "created_at": "2026-12-07T10:00:00Z", "version": 1}))]
pub struct WebhookSubscriptionDto {
    /// Id.
    pub id: String,
    /// The receiver (`https://`; `http://` only in development).
    pub url: String,
    /// The subscriber's own label.
    pub description: Option<String>,
    /// The event types delivered (empty: every type the organisation receives in its feed).
    pub event_types: Vec<String>,
    /// `v1` (HMAC-SHA256, shared `whsec_` secret) or `v1a` (Ed25519, `whpk_` public key).
    #[schema(example = "v1")]
    pub signature_scheme: String,
    /// `active` or `disabled`.
    #[schema(example = "active")]
    pub status: String,
    /// Why it is disabled: `by_subscriber`, `gone` (the receiver answered 410), `target_refused` (its
    /// address is no longer allowed).
    pub disabled_reason: Option<String>,
    /// The last feed position queued for it: events after it are delivered next.
    pub position: i64,
    /// The Ed25519 public key (`whpk_…`) that verifies `v1a` signatures.
    pub public_key: Option<String>,
    /// After a rotation: until when the previous secret still signs beside the current one.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changes so far.
    pub version: i32,
}

impl WebhookSubscriptionDto {
    /// From the stored row.
    pub fn from_record(record: &SubscriptionRecord) -> Result<WebhookSubscriptionDto, ApiError> {
        Ok(WebhookSubscriptionDto {
            id: record.id.clone(),
            url: record.url.clone(),
            description: record.description.clone(),
            event_types: record.event_types()?,
            signature_scheme: record.scheme.code().to_owned(),
            status: record.status.code().to_owned(),
            disabled_reason: record.disabled_reason.clone(),
            position: record.position,
            public_key: record.public_key.clone(),
            previous_secret_expires_at: record.previous_secret_until.map(|at| at.and_utc()),
            created_at: record.created_at.and_utc(),
            version: record.version,
        })
    }
}

/// A subscription's signing material, shown only to its organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"signature_scheme": "v1", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwT1Xj2d0Kc1A=", "public_key": null,
    "previous_secret_expires_at": null}))]
pub struct WebhookSecretDto {
    /// `v1` or `v1a`.
    pub signature_scheme: String,
    /// `v1`: the `whsec_` secret that verifies signatures (keep it as a password). Absent for `v1a`: the
    /// service alone holds the private key.
    pub secret: Option<String>,
    /// `v1a`: the `whpk_` public key that verifies signatures.
    pub public_key: Option<String>,
    /// After a rotation: until when the previous secret still signs beside this one.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
}
