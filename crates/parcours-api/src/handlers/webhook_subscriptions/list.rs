//! `GET /v1/webhook-subscriptions`: the caller's organisation's subscriptions, oldest first.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::WebhookSubscriptionDto;
use crate::auth::FeedSubscriber;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The organisation's subscriptions (a handful: no paging).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookSubscriptionList {
    /// Oldest first.
    pub items: Vec<WebhookSubscriptionDto>,
}

/// Lists the caller's organisation's subscriptions.
///
/// The caller's organisation's subscriptions, oldest first.
#[utoipa::path(
    tag = "webhooks",
    responses(
        (status = 200, description = "The subscriptions", body = WebhookSubscriptionList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions")]
pub async fn list_webhook_subscriptions(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
) -> Result<HttpResponse, ApiError> {
    let organisation = subscriber.reader.code();
    let records = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::webhook_subscriptions::list_for(&mut conn, &organisation)?)
    })
    .await??;
    let items = records.iter().map(WebhookSubscriptionDto::from_record).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(WebhookSubscriptionList { items }))
}
