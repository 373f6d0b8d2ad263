//! `GET /metrics`: the Prometheus text exposition of this process (see [`crate::metrics`]). With
//! `PARCOURS_METRICS_TOKEN` set, the scraper sends it as a bearer token; without it the endpoint is open in
//! development and not served in production.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use crate::config::Environment;
use crate::metrics::{StoreGauges, render};
use crate::problem::{ApiError, Problem, Text};
use crate::state::AppState;

/// Reads the metrics.
///
/// The Prometheus text exposition of this process (see `metrics`). With
/// `PARCOURS_METRICS_TOKEN` set, the scraper sends it as a bearer token; without it the endpoint is open in
/// development and not served in production.
#[utoipa::path(
    tag = "health",
    description = "Prometheus text format 0.0.4: `parcours_http_requests_total` and \
                   `parcours_http_request_duration_seconds` by method, route template and status, \
                   `parcours_db_pool_connections`, `parcours_job_lag_seconds`, `parcours_job_running`, \
                   `parcours_feed_head_position` and `parcours_feed_unpositioned_events`. Labels name route \
                   templates, never an id. Send `Authorization: Bearer <PARCOURS_METRICS_TOKEN>` when the \
                   service has one.",
    responses(
        (status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4", body = String),
        (status = 401, description = "The metrics token is missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Production without a metrics token: not served", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json")
    ),
    security(())
)]
#[get("/metrics")]
pub async fn get_metrics(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    match &state.config.metrics_token {
        Some(expected) => {
            let sent = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if !constant_time_equal(sent.as_bytes(), expected.as_bytes()) {
                return Err(ApiError::Unauthorized(Text::new(
                    "Jeton de métriques absent ou incorrect.",
                    "Metrics token missing or wrong.",
                )));
            }
        }
        None if state.config.environment == Environment::Production => return Err(ApiError::RouteNotFound),
        None => {}
    }
    let scrape = state.clone();
    let gauges = crate::clock::block(move || -> Result<StoreGauges, ApiError> {
        let (pool_connections, pool_idle, pool_max) = scrape.store.pool_state();
        let mut conn = scrape.store.conn().map_err(|e| ApiError::Unavailable(e.to_string()))?;
        let now = scrape.clock.now();
        let jobs = parcours_store::jobs::list(&mut conn)?
            .into_iter()
            .map(|job| {
                let lag = (now - job.next_run_at).num_milliseconds().max(0) as f64 / 1000.0;
                let running = job.lease_until.is_some_and(|until| until > now);
                (job.kind, lag, running)
            })
            .collect();
        let (feed_head, feed_unpositioned) = parcours_store::feed::backlog(&mut conn)?;
        let webhook_pending = parcours_store::webhook_deliveries::backlog(&mut conn)?;
        Ok(StoreGauges { pool_connections, pool_idle, pool_max, jobs, feed_head, feed_unpositioned, webhook_pending })
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(render(&state.requests, &gauges)))
}

/// Compares without telling by its timing how much of the token was right.
fn constant_time_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
