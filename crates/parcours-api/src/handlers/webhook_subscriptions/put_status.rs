//! `PUT /v1/webhook-subscriptions/{id}/status`: the subscriber pauses (`disabled`) or resumes (`active`) a
//! subscription, for instance after its receiver answered 410 Gone. Resuming delivers the events after the
//! subscription's position, so nothing of the feed is skipped.

use actix_web::{HttpResponse, put, web};
use parcours_domain::webhooks::SubscriptionStatus;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::WebhookSubscriptionDto;
use crate::auth::FeedSubscriber;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The status wanted.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "disabled"}))]
pub struct WebhookStatusRequest {
    /// `active` or `disabled`.
    #[schema(example = "active")]
    pub status: String,
}

/// Activates or disables a subscription.
///
/// The subscriber pauses (`disabled`) or resumes (`active`) a
/// subscription, for instance after its receiver answered 410 Gone. Resuming delivers the events after the
/// subscription's position, so nothing of the feed is skipped.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    request_body = WebhookStatusRequest,
    responses(
        (status = 200, description = "The subscription as it now is", body = WebhookSubscriptionDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another organisation's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[put("/webhook-subscriptions/{id}/status")]
pub async fn put_webhook_subscription_status(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<WebhookStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    let Some(status) = SubscriptionStatus::parse(&body.status) else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "status",
            "invalid_status",
            "Statut : active ou disabled.",
            "Status: active or disabled.",
        )]));
    };
    let (id, organisation) = (path.into_inner(), subscriber.reader.code());
    let actor = actor(&subscriber.caller, &request_id);
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        Ok(parcours_store::webhook_subscriptions::set_status(&mut conn, &id, &organisation, status, &actor, now)?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(WebhookSubscriptionDto::from_record(&record)?))
}
