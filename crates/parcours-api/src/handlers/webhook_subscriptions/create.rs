//! `POST /v1/webhook-subscriptions`: an organisation that reads the feed subscribes a receiver to it. The
//! address is checked (https outside development; a public address in production, resolved now and again
//! at every send), the event types against what the organisation receives, and a secret is drawn (read it
//! once with `GET /v1/webhook-subscriptions/{id}/secret`). Delivery starts with the events after the feed's
//! current head, or after `from_position` when given.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::webhooks::{SignatureScheme, SubscriptionStatus, event_types_for};
use parcours_store::webhook_subscriptions::SubscriptionRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::WebhookSubscriptionDto;
use crate::auth::FeedSubscriber;
use crate::dto::validation_errors;
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;
use crate::webhooks::{TargetPolicy, check_target, generate_secret, seal_secret};

/// A new subscription.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://crm.cripel.example/hooks/parcours", "description": "CRM du CRIPEL",
    "event_types": ["convention_signed", "pathway_completed"], "signature_scheme": "v1"}))]
pub struct WebhookSubscriptionRequest {
    /// The receiver: `https://` (`http://` only in development), without user name or password.
    #[validate(length(min = 1, max = 2000))]
    pub url: String,
    /// Your own label (at most 200 characters).
    #[validate(length(min = 1, max = 200))]
    pub description: Option<String>,
    /// The event types to deliver, as the feed's `data.event_type` writes them (absent or empty: all the
    /// types your organisation receives). The contract's `webhooks` section lists them.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// `v1` (HMAC-SHA256 with a shared `whsec_` secret, the default) or `v1a` (Ed25519: you hold only the
    /// public key).
    #[schema(value_type = Option<String>, example = "v1")]
    pub signature_scheme: Option<String>,
    /// Deliver the events after this feed position (a `next_cursor` of `GET /v1/events`); absent: only
    /// the events to come.
    #[validate(range(min = 0))]
    pub from_position: Option<i64>,
}

/// Subscribes a receiver to the caller's feed.
///
/// An organisation that reads the feed subscribes a receiver to it. The
/// address is checked (https outside development; a public address in production, resolved now and again
/// at every send), the event types against what the organisation receives, and a secret is drawn (read it
/// once with `GET /v1/webhook-subscriptions/{id}/secret`). Delivery starts with the events after the feed's
/// current head, or after `from_position` when given.
#[utoipa::path(
    tag = "webhooks",
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional; a UUID per request makes a retry safe: a replay returns the first response (with `Idempotent-Replayed: true`), the same key with another body is refused (422).")),
    request_body = WebhookSubscriptionRequest,
    responses(
        (status = 201, description = "Subscribed; read the secret at `/v1/webhook-subscriptions/{id}/secret`", body = WebhookSubscriptionDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: address refused (`https_required`, `target_not_public`, `unresolvable_host`, `invalid_url`), unknown event type, unknown scheme", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions")]
pub async fn create_webhook_subscription(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    request_id: RequestId,
    req: HttpRequest,
    body: crate::body::Body<WebhookSubscriptionRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, reader) = (subscriber.caller, subscriber.reader);
    let canonical = serde_json::to_string(&*body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let key = idempotency::optional_key(&req)?.map(|key| Idempotency {
        organisation: caller.organisation.to_string(),
        key,
        request_hash: idempotency::request_hash(canonical.as_bytes()),
    });
    let body = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = body.validate() {
        validation_errors(&e, &mut errors);
    }
    let scheme = match body.signature_scheme.as_deref() {
        None => Some(SignatureScheme::V1),
        Some(code) => SignatureScheme::parse(code).or_else(|| {
            errors.push(FieldError::new(
                "signature_scheme",
                "invalid_signature_scheme",
                "Schéma de signature : v1 ou v1a.",
                "Signature scheme: v1 or v1a.",
            ));
            None
        }),
    };
    let known = event_types_for(reader.audience());
    let mut event_types: Vec<String> = Vec::new();
    for event_type in &body.event_types {
        if !known.contains(&event_type.as_str()) {
            errors.push(FieldError::new(
                "event_types",
                "unknown_event_type",
                format!("Type d'événement inconnu pour votre organisation : {event_type}."),
                format!("Event type unknown to your organisation: {event_type}."),
            ));
        } else if !event_types.contains(event_type) {
            event_types.push(event_type.clone());
        }
    }
    let policy = TargetPolicy::of(state.config.environment);
    let url = body.url.trim().to_owned();
    let checked = {
        let url = url.clone();
        crate::clock::block(move || check_target(&url, policy)).await?
    };
    if let Err(refusal) = checked {
        let (fr, en) = refusal.text();
        errors.push(FieldError::new("url", refusal.code(), fr, en));
    }
    let (Some(scheme), true) = (scheme, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let id = parcours_store::new_id();
    let secret = generate_secret(scheme);
    let secret_sealed = seal_secret(&state, &id, &secret.secret)?;
    let event_types_json = serde_json::to_string(&event_types).map_err(|e| ApiError::Internal(e.to_string()))?;
    let actor = actor(&caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let head = match body.from_position {
            Some(position) => position,
            None => parcours_store::feed::backlog(&mut conn)?.0,
        };
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            let record = SubscriptionRecord {
                id: id.clone(),
                organisation: reader.code(),
                url,
                description: body.description.map(|d| d.trim().to_owned()),
                event_types_json,
                scheme,
                secret_sealed,
                public_key: secret.public_key,
                previous_secret_sealed: None,
                previous_public_key: None,
                previous_secret_until: None,
                status: SubscriptionStatus::Active,
                disabled_reason: None,
                position: head,
                version: 1,
                created_at: now,
                created_by: actor.subject.clone(),
                updated_at: now,
            };
            parcours_store::webhook_subscriptions::create(conn, &record, &actor)?;
            Answer::created(&WebhookSubscriptionDto::from_record(&record)?, format!("/v1/webhook-subscriptions/{id}"))
        })
    })
    .await??;
    Ok(answer.respond())
}
