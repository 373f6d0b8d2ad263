//! `GET /v1/webhook-subscriptions/{id}`: one subscription of the caller's organisation (another
//! organisation's is not found).

use actix_web::{HttpResponse, get, web};

use super::WebhookSubscriptionDto;
use crate::auth::FeedSubscriber;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a subscription.
///
/// One subscription of the caller's organisation (another
/// organisation's is not found).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookSubscriptionDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another organisation's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}")]
pub async fn get_webhook_subscription(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (id, organisation) = (path.into_inner(), subscriber.reader.code());
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::webhook_subscriptions::find_for(&mut conn, &id, &organisation)?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(WebhookSubscriptionDto::from_record(&record)?))
}
