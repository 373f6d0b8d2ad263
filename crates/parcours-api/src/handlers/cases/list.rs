//! `GET /v1/cases`: the cases the caller's CRI holds, newest first, filtered by state, commune, overdue
//! presentation, completion due before a date, review overdue, obliged or voluntary.

use actix_web::{HttpResponse, get, web};
use parcours_domain::NisCode;
use parcours_domain::case::CaseState;
use parcours_store::cases::CaseFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::CaseResponse;
use crate::auth::CriAgent;
use crate::dto::{page_size, parse_date};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// `opened`, `welcome_in_progress`, `convention_signed`, `in_progress`, `requirements_met`, `closed`.
    pub state: Option<String>,
    /// NIS code of the commune of domicile.
    pub commune: Option<String>,
    /// `true`: only cases awaiting presentation whose presentation deadline has passed.
    pub presentation_overdue: Option<bool>,
    /// Only open cases whose completion deadline falls before this date (`YYYY-MM-DD`).
    #[param(format = Date)]
    pub complete_before: Option<String>,
    /// `true`: only open cases whose evaluation interview is past due.
    pub review_overdue: Option<bool>,
    /// `true`: obliged cases; `false`: voluntary cases.
    pub obliged: Option<bool>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// A page of cases.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct CasePage {
    /// Newest first.
    pub items: Vec<CaseResponse>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Lists the CRI's cases.
///
/// The cases the caller's CRI holds, newest first, filtered by state, commune, overdue
/// presentation, completion due before a date, review overdue, obliged or voluntary.
#[utoipa::path(
    tag = "cases",
    params(CaseQuery),
    responses(
        (status = 200, description = "A page of cases", body = CasePage),
        (status = 400, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let query = query.into_inner();
    let mut errors = Vec::new();
    let case_state = query.state.as_deref().and_then(|s| {
        let parsed = CaseState::parse(s);
        if parsed.is_none() {
            errors.push(FieldError::new("state", "invalid_state", "État de dossier inconnu.", "Unknown case state."));
        }
        parsed
    });
    if query.commune.as_deref().is_some_and(|c| NisCode::parse(c).is_err()) {
        errors.push(FieldError::new(
            "commune",
            "invalid_nis_code",
            "Code INS : cinq chiffres.",
            "NIS code: five digits.",
        ));
    }
    let complete_before = query.complete_before.as_deref().and_then(|d| parse_date("complete_before", d, &mut errors));
    let limit = page_size(query.limit, "cursor", query.cursor.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadParameter(errors));
    }
    let today = state.clock.today();
    let filter = CaseFilter {
        state: case_state,
        commune_nis: query.commune,
        presentation_overdue_on: query.presentation_overdue.filter(|v| *v).map(|_| today),
        complete_before,
        review_overdue_on: query.review_overdue.filter(|v| *v).map(|_| today),
        obliged: query.obliged,
        before_id: query.cursor,
    };
    let actor = actor(&caller, &request_id);
    let items = crate::clock::block(move || -> Result<Vec<CaseResponse>, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let views =
            parcours_store::cases::list_cases(&mut conn, cri.code(), &filter, limit, &actor, state.clock.now())?;
        views.iter().map(|v| CaseResponse::new(v, &reference, &state.config.data_keys, today)).collect()
    })
    .await??;
    let next_cursor = (items.len() as i64 == limit).then(|| items.last().map(|i| i.id.clone())).flatten();
    Ok(HttpResponse::Ok().json(CasePage { items, next_cursor }))
}
