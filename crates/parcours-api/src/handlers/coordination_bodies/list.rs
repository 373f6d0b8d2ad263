//! `GET /v1/coordination-bodies`: the plans and platforms of the caller's scope, `?commune=` for those
//! covering one commune.

use actix_web::{HttpResponse, get, web};
use parcours_domain::NisCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{CoordinationBodyDto, coordination_scope};
use crate::auth::ProjectParticipant;
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CoordinationQuery {
    /// Only those covering this commune (NIS code).
    pub commune: Option<String>,
}

/// Plans and platforms.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinationBodyList {
    /// By name (at most 500).
    pub items: Vec<CoordinationBodyDto>,
}

/// Lists plans and platforms.
///
/// The plans and platforms of the caller's scope, `?commune=` for those
/// covering one commune.
#[utoipa::path(
    tag = "local-integration",
    description = "Plans and platforms by name: a CRI's own, all for the Region, those covering the caller's commune \
                   for a commune. `commune` narrows to one commune.",
    params(CoordinationQuery),
    responses(
        (status = 200, description = "The bodies", body = CoordinationBodyList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region, a CRI or a commune", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid commune code", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/coordination-bodies")]
pub async fn list_coordination_bodies(
    state: web::Data<AppState>,
    participant: ProjectParticipant,
    query: web::Query<CoordinationQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = coordination_scope(&participant.participant)?;
    let commune = match query.into_inner().commune {
        Some(code) => Some(
            NisCode::parse(&code)
                .map_err(|_| {
                    ApiError::Validation(vec![FieldError::new(
                        "commune",
                        "invalid_nis_code",
                        "Code INS de commune à 5 chiffres attendu.",
                        "A 5-digit NIS commune code expected.",
                    )])
                })?
                .to_string(),
        ),
        None => None,
    };
    let items = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::coordination_bodies::list(&mut conn, &scope, commune.as_deref())?
            .iter()
            .map(|record| CoordinationBodyDto::new(record, None))
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await??;
    Ok(HttpResponse::Ok().json(CoordinationBodyList { items }))
}
