//! `GET /v1/arrivals`: the arrivals the caller's commune reported, newest first, with cursor pagination
//! and filters by status and report date.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use parcours_domain::Status;
use parcours_store::arrivals::ArrivalFilter;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ArrivalPage, ArrivalResponse};
use crate::auth::CommuneAgent;
use crate::dto::{page_size, parse_date};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArrivalQuery {
    /// Determination status: `obliged`, `dispensed`, `exempt`, `not_concerned`.
    pub status: Option<String>,
    /// Reported on or after this date (`YYYY-MM-DD`, UTC).
    #[param(format = Date)]
    pub reported_from: Option<String>,
    /// Reported on or before this date (`YYYY-MM-DD`, UTC).
    pub reported_to: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// Lists the caller's commune's arrivals.
///
/// The arrivals the caller's commune reported, newest first, with cursor pagination
/// and filters by status and report date.
#[utoipa::path(
    tag = "arrivals",
    params(ArrivalQuery),
    responses(
        (status = 200, description = "A page of arrivals, newest first", body = ArrivalPage),
        (status = 400, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a commune agent", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/arrivals")]
pub async fn list_arrivals(
    state: web::Data<AppState>,
    agent: CommuneAgent,
    request_id: RequestId,
    query: web::Query<ArrivalQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = agent.caller;
    let query = query.into_inner();
    let mut errors = Vec::new();
    let status = query.status.as_deref().and_then(|s| {
        let parsed = Status::parse(s);
        if parsed.is_none() {
            errors.push(FieldError::new(
                "status",
                "invalid_status",
                "Valeurs admises : obliged, dispensed, exempt, not_concerned.",
                "Allowed values: obliged, dispensed, exempt, not_concerned.",
            ));
        }
        parsed
    });
    let day = |field: &str, value: &Option<String>, errors: &mut Vec<FieldError>| -> Option<NaiveDate> {
        value.as_deref().and_then(|v| parse_date(field, v, errors))
    };
    let from = day("reported_from", &query.reported_from, &mut errors);
    let to = day("reported_to", &query.reported_to, &mut errors);
    let limit = page_size(query.limit, "cursor", query.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadParameter(errors));
    }
    let filter = ArrivalFilter {
        status,
        reported_from: from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        reported_before: to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)),
        before_id: query.cursor,
    };
    let actor = actor(&caller, &request_id);
    let views = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::arrivals::list_arrivals(&mut conn, &filter, limit, &actor, state.clock.now())?)
    })
    .await??;
    let items = views.iter().map(ArrivalResponse::from_view).collect::<Result<Vec<_>, _>>()?;
    let next_cursor = (items.len() as i64 == limit).then(|| items.last().map(|i| i.id.clone())).flatten();
    Ok(HttpResponse::Ok().json(ArrivalPage { items, next_cursor }))
}
