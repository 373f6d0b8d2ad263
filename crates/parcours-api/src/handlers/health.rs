//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::problem::ApiError;
use crate::state::AppState;

/// Probe result.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "database": "postgres"}))]
pub struct Health {
    /// `ok`.
    #[schema(example = "ok")]
    pub status: String,
    /// Database backend (`sqlite` or `postgres`), readiness only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// The process is up.
///
/// Liveness: 200 as long as the process answers, whatever the database does (an orchestrator restarts a
/// process that stops answering). No token; not rate-limited.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)), security(()))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok".into(), database: None })
}

/// The process can serve: the database answers.
///
/// Readiness: 200 when a pooled connection answers a query, 503 otherwise (a load balancer then sends no
/// traffic to this replica). No token; not rate-limited.
#[utoipa::path(
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unavailable", body = crate::problem::Problem, content_type = "application/problem+json")
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let probe = state.clone();
    crate::clock::block(move || probe.store.ping()).await?.map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(HttpResponse::Ok().json(Health { status: "ok".into(), database: Some(state.store.backend_name().into()) }))
}
