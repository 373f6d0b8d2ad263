//! `GET /v1/webhook-subscriptions/{id}/deliveries`: the delivery log of a subscription: each event queued
//! for it, where it stands, and every attempt with the receiver's status code or the error.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use parcours_domain::webhooks::DeliveryStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::FeedSubscriber;
use crate::dto::page_size;
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only `pending`, `delivered` or `abandoned` deliveries.
    pub status: Option<String>,
    /// The `next_cursor` of the previous page (a feed position).
    pub after: Option<i64>,
    /// At most this many deliveries, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// One attempt.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookAttemptDto {
    /// 1 for the first.
    pub attempt: i32,
    /// When.
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status code, if it answered.
    pub status_code: Option<i32>,
    /// Why there was no answer: `timeout`, `connection_refused`, `host_not_found`, `tls`,
    /// `target_not_public`, `https_required`, `network`...
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
}

/// One delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryDto {
    /// Id.
    pub id: String,
    /// The event (the `webhook-id` header and the CloudEvent `id`).
    pub event_id: String,
    /// Its feed position (the CloudEvent `sequence`).
    pub position: i64,
    /// Its type, as the feed's `data.event_type`.
    pub event_type: String,
    /// `pending`, `delivered` or `abandoned`.
    #[schema(example = "delivered")]
    pub status: String,
    /// When it is next tried (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Its attempts, oldest first.
    pub attempts: Vec<WebhookAttemptDto>,
}

/// A page of the log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookDeliveryPage {
    /// By feed position.
    pub items: Vec<WebhookDeliveryDto>,
    /// Pass as `after` for the next page (absent: nothing more now).
    pub next_cursor: Option<i64>,
}

/// Reads a subscription's delivery log.
///
/// The delivery log of a subscription: each event queued
/// for it, where it stands, and every attempt with the receiver's status code or the error.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id"), DeliveryQuery),
    responses(
        (status = 200, description = "The deliveries after the cursor", body = WebhookDeliveryPage),
        (status = 400, description = "Invalid status, cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another organisation's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    path: web::Path<String>,
    query: web::Query<DeliveryQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let limit = page_size(query.limit, "after", None, &mut errors);
    let status = match query.status.as_deref() {
        None => None,
        Some(code) => DeliveryStatus::parse(code).or_else(|| {
            errors.push(FieldError::new(
                "status",
                "invalid_status",
                "Statut : pending, delivered ou abandoned.",
                "Status: pending, delivered or abandoned.",
            ));
            None
        }),
    };
    if query.after.is_some_and(|after| after < 0) {
        errors.push(FieldError::new("after", "invalid_cursor", "Curseur invalide.", "Invalid cursor."));
    }
    if !errors.is_empty() {
        return Err(ApiError::BadParameter(errors));
    }
    let (id, organisation) = (path.into_inner(), subscriber.reader.code());
    let (rows, attempts) = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::webhook_subscriptions::find_for(&mut conn, &id, &organisation)?.ok_or(ApiError::NotFound)?;
        let rows = parcours_store::webhook_deliveries::list_for(&mut conn, &id, status, query.after, limit)?;
        let ids: Vec<String> = rows.iter().map(|d| d.id.clone()).collect();
        let attempts = parcours_store::webhook_attempts::of_deliveries(&mut conn, &ids)?;
        Ok((rows, attempts))
    })
    .await??;
    let next_cursor = (rows.len() as i64 == limit).then(|| rows.last().map(|d| d.position)).flatten();
    let items = rows
        .into_iter()
        .map(|d| WebhookDeliveryDto {
            attempts: attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .map(|a| WebhookAttemptDto {
                    attempt: a.attempt,
                    attempted_at: a.attempted_at.and_utc(),
                    status_code: a.status_code,
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                })
                .collect(),
            next_attempt_at: (d.status == DeliveryStatus::Pending).then(|| d.next_attempt_at.and_utc()),
            status: d.status.code().to_owned(),
            id: d.id,
            event_id: d.event_id,
            position: d.position,
            event_type: d.event_type,
        })
        .collect();
    Ok(HttpResponse::Ok().json(WebhookDeliveryPage { items, next_cursor }))
}
