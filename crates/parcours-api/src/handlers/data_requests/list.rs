//! `GET /v1/data-requests`: the CRI's requests about persons' data, open ones first by deadline (with
//! `late` when the month passed), then the decided ones.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::DataRequestDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DataRequestQuery {
    /// `open` for the requests awaiting a decision only.
    pub status: Option<String>,
}

/// The CRI's requests.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DataRequestList {
    /// Open ones first by deadline, then decided ones (at most 200).
    pub items: Vec<DataRequestDto>,
}

/// Lists the CRI's requests.
///
/// The CRI's requests about persons' data, open ones first by deadline (with
/// `late` when the month passed), then the decided ones.
#[utoipa::path(
    tag = "privacy",
    params(DataRequestQuery),
    responses(
        (status = 200, description = "The requests", body = DataRequestList),
        (status = 400, description = "Unknown status filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/data-requests")]
pub async fn list_data_requests(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    query: web::Query<DataRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let open_only = match query.status.as_deref() {
        None => false,
        Some("open") => true,
        Some(_) => {
            return Err(ApiError::BadParameter(vec![FieldError::new(
                "status",
                "invalid_choice",
                "Valeur admise : open.",
                "Allowed value: open.",
            )]));
        }
    };
    let actor = actor(&agent.caller, &request_id);
    let today = state.clock.today();
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        Ok(parcours_store::data_requests::list_requests(&mut conn, agent.cri.code(), open_only, 200, &actor, now)?)
    })
    .await??;
    let items = rows.iter().map(|r| DataRequestDto::new(r, today)).collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(DataRequestList { items }))
}
