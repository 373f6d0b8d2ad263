//! `GET /v1/sanctions/{id}`: one procedure, with its steps and `ETag`. Sanctioning officials read every
//! procedure; the CRI holding the case reads its own; for another CRI, a commune, a CPAS or an operator
//! it does not exist (404).

use actix_web::{HttpResponse, get, web};

use super::{ProcedureDto, store_reader};
use crate::auth::ProcedureReader;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// One sanction procedure.
///
/// One procedure, with its steps and `ETag`. Sanctioning officials read every
/// procedure; the CRI holding the case reads its own; for another CRI, a commune, a CPAS or an operator
/// it does not exist (404).
#[utoipa::path(
    tag = "sanctions",
    params(("id" = String, Path, description = "Procedure id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag read before: 304 with no body while the representation is unchanged")),
    responses(
        (status = 200, description = "The procedure", body = ProcedureDto, headers(("ETag" = String, description = "Version, for If-Match"))),
        (status = 304, description = "Not modified: `If-None-Match` names the current ETag", headers(("ETag" = String, description = "The current ETag"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The Region without the role `sanctions_officer`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown procedure, or not the caller's to see", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/sanctions/{id}")]
pub async fn get_sanction(
    state: web::Data<AppState>,
    reader: ProcedureReader,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(reader.caller(), &request_id);
    let id = path.into_inner();
    let scope = store_reader(&reader);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (view, _) = parcours_store::sanction_procedures::get_procedure(
            &mut conn,
            &id,
            &scope,
            &actor,
            "read_sanction_procedure",
            state.clock.now(),
        )?
        .ok_or(ApiError::NotFound)?;
        Ok(ProcedureDto::new(&view))
    })
    .await??;
    Ok(dto.respond(actix_web::http::StatusCode::OK))
}
