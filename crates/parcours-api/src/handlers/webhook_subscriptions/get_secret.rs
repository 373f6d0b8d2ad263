//! `GET /v1/webhook-subscriptions/{id}/secret`: what verifies the subscription's signatures: the `whsec_`
//! secret (`v1`) or the `whpk_` public key (`v1a`). Each read is audited; the answer is never cached.

use actix_web::{HttpResponse, get, web};

use super::WebhookSecretDto;
use crate::auth::FeedSubscriber;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Reads a subscription's verification secret.
///
/// What verifies the subscription's signatures: the `whsec_`
/// secret (`v1`) or the `whpk_` public key (`v1a`). Each read is audited; the answer is never cached.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The secret (v1) or the public key (v1a)", body = WebhookSecretDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reader of the feed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another organisation's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}/secret")]
pub async fn get_webhook_secret(
    state: web::Data<AppState>,
    subscriber: FeedSubscriber,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (id, organisation) = (path.into_inner(), subscriber.reader.code());
    let actor = actor(&subscriber.caller, &request_id);
    let store_state = state.clone();
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = store_state.store.conn()?;
        let found = parcours_store::webhook_subscriptions::find_for(&mut conn, &id, &organisation)?;
        if found.is_some() {
            let now = store_state.clock.now();
            parcours_store::write_transaction(&mut conn, |conn| {
                parcours_store::audit::append(
                    conn,
                    &actor,
                    "read_webhook_secret",
                    "webhook_subscription",
                    Some(&id),
                    None,
                    now,
                )
            })?;
        }
        Ok(found)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let secret = match record.scheme {
        parcours_domain::webhooks::SignatureScheme::V1 => {
            Some(crate::webhooks::open_secret(&state, &record.id, &record.secret_sealed)?)
        }
        parcours_domain::webhooks::SignatureScheme::V1a => None,
    };
    Ok(HttpResponse::Ok().json(WebhookSecretDto {
        signature_scheme: record.scheme.code().to_owned(),
        secret,
        public_key: record.public_key.clone(),
        previous_secret_expires_at: record.previous_secret_until.map(|at| at.and_utc()),
    }))
}
