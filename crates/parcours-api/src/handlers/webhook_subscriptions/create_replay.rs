//! `POST /v1/webhook-subscriptions/{id}/replays`: delivers again every event of the subscription's feed
//! after a position (a receiver that lost data, a new receiver behind the same subscription). The events
//! keep their ids, so a receiver that already has one recognises it by `webhook-id`.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::WebhookSubscriptionDto;
use crate::auth::FeedSubscriber;
use crate::dto::validation_errors;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Where to replay from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"after_position": 0}))]
pub struct WebhookReplayRequest {
    /// Deliver the events after this feed position (0: the whole feed).
    #[validate(range(min = 0))]
    pub after_position: i64,
}

/// Replays a subscription's events from a position.
///
/// Delivers again every event of the subscription's feed
/// after a position (a receiver that lost data, a new receiver behind the same subscription). The events
/// keep their ids, so a receiver that already has one recognises it by `webhook-id`.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    request_body = WebhookReplayRequest,
    responses(
        (status = 200, description = "Queued again: the next runs deliver them (the subscription's `position` shows where it now stands)", body = WebhookSubscriptionDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another organisation's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid position", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions/{id}/replays")]
pub async fn create_webhook_replay(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<WebhookReplayRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Err(e) = body.validate() {
        let mut errors = Vec::new();
        validation_errors(&e, &mut errors);
        return Err(ApiError::Validation(errors));
    }
    let (id, organisation, after) = (path.into_inner(), subscriber.reader.code(), body.after_position);
    let actor = actor(&subscriber.caller, &request_id);
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        Ok(parcours_store::webhook_subscriptions::rewind(&mut conn, &id, &organisation, after, &actor, now)?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(WebhookSubscriptionDto::from_record(&record)?))
}
