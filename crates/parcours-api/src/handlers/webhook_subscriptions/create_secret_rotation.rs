//! `POST /v1/webhook-subscriptions/{id}/secret-rotations`: a new secret for a subscription. The previous
//! one keeps signing beside it for `overlap_hours` (both signatures travel in `webhook-signature`), so the
//! receiver can switch without losing an event. Read the new secret at `Location`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::WebhookSubscriptionDto;
use crate::auth::FeedSubscriber;
use crate::dto::validation_errors;
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;
use crate::webhooks::{generate_secret, seal_secret};

/// A rotation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"overlap_hours": 24}))]
pub struct WebhookSecretRotationRequest {
    /// Hours during which the previous secret still signs, 0 to 168 (default 24; 0 after a leak).
    #[validate(range(min = 0, max = 168))]
    pub overlap_hours: Option<i64>,
}

/// Rotates a subscription's secret.
///
/// A new secret for a subscription. The previous
/// one keeps signing beside it for `overlap_hours` (both signatures travel in `webhook-signature`), so the
/// receiver can switch without losing an event. Read the new secret at `Location`.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "Subscription id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Optional; a UUID per request makes a retry safe: a replay returns the first response (with `Idempotent-Replayed: true`) and rotates nothing more.")
    ),
    request_body = WebhookSecretRotationRequest,
    responses(
        (status = 201, description = "Rotated; `Location` is where the new secret is read", body = WebhookSubscriptionDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another organisation's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid overlap", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions/{id}/secret-rotations")]
pub async fn create_webhook_secret_rotation(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<WebhookSecretRotationRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, organisation) = (subscriber.caller, subscriber.reader.code());
    let id = path.into_inner();
    let canonical = serde_json::to_string(&(&id, &*body)).map_err(|e| ApiError::Internal(e.to_string()))?;
    let key = idempotency::optional_key(&req)?.map(|key| Idempotency {
        organisation: caller.organisation.to_string(),
        key,
        request_hash: idempotency::request_hash(canonical.as_bytes()),
    });
    let body = body.into_inner();
    if let Err(e) = body.validate() {
        let mut errors = Vec::new();
        validation_errors(&e, &mut errors);
        return Err(ApiError::Validation(errors));
    }
    let overlap = Duration::hours(body.overlap_hours.unwrap_or(24));
    let actor = actor(&caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            let current =
                parcours_store::webhook_subscriptions::find_for(conn, &id, &organisation)?.ok_or(ApiError::NotFound)?;
            let secret = generate_secret(current.scheme);
            let sealed = seal_secret(&state, &id, &secret.secret)?;
            let rotated = parcours_store::webhook_subscriptions::rotate_secret(
                conn,
                &id,
                &organisation,
                &sealed,
                secret.public_key.as_deref(),
                now + overlap,
                &actor,
                now,
            )?
            .ok_or(ApiError::NotFound)?;
            Answer::created(
                &WebhookSubscriptionDto::from_record(&rotated)?,
                format!("/v1/webhook-subscriptions/{id}/secret"),
            )
        })
    })
    .await??;
    Ok(answer.respond())
}
