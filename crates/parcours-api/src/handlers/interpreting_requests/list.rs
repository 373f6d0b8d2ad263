//! `GET /v1/interpreting-requests`: the CRI's interpreting requests, open ones by default (requested or
//! confirmed), oldest first.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::InterpretingDto;
use crate::auth::CriAgent;
use crate::handlers::cases::choice;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InterpretingQuery {
    /// `open` (default: requested or confirmed), `requested`, `confirmed`, `done`, `cancelled` or `all`.
    pub status: Option<String>,
}

/// The CRI's requests.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct InterpretingList {
    /// Oldest first, at most 500.
    pub items: Vec<InterpretingDto>,
}

/// Lists interpreting requests.
///
/// The CRI's interpreting requests, open ones by default (requested or
/// confirmed), oldest first.
#[utoipa::path(
    tag = "welcome-office",
    params(InterpretingQuery),
    responses(
        (status = 200, description = "The CRI's requests", body = InterpretingList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/interpreting-requests")]
pub async fn list_interpreting_requests(
    state: web::Data<AppState>,
    agent: CriAgent,
    query: web::Query<InterpretingQuery>,
) -> Result<HttpResponse, ApiError> {
    let options: [(&str, &[&str]); 6] = [
        ("open", &["requested", "confirmed"]),
        ("requested", &["requested"]),
        ("confirmed", &["confirmed"]),
        ("done", &["done"]),
        ("cancelled", &["cancelled"]),
        ("all", &["requested", "confirmed", "done", "cancelled"]),
    ];
    let statuses = choice("status", query.status.as_deref().unwrap_or("open"), &options)?;
    let records = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::interpreting_requests::of_cri(&mut conn, agent.cri.code(), statuses)?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(InterpretingList { items: records.iter().map(InterpretingDto::new).collect() }))
}
