//! `GET /v1/courses/{id}`: one course; an operator sees its own only.

use actix_web::{HttpResponse, get, web};
use parcours_store::courses::CourseReader;

use super::CourseDto;
use crate::auth::{CatalogueReader, Organisation};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Reads a course.
///
/// One course; an operator sees its own only.
#[utoipa::path(
    tag = "courses",
    params(("id" = String, Path, description = "Course id")),
    responses(
        (status = 200, description = "The course", body = CourseDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another operator's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/courses/{id}")]
pub async fn get_course(
    state: web::Data<AppState>,
    reader: CatalogueReader,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let caller = reader.caller;
    let reader = match &caller.organisation {
        Organisation::Operator(id) => CourseReader::Operator(id.clone()),
        Organisation::Cri(_) | Organisation::Region(_) => CourseReader::Catalogue,
        Organisation::Commune(_) | Organisation::Cpas(_) | Organisation::Ili(_) => return Err(ApiError::NotFound),
    };
    let id = path.into_inner();
    let view = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::courses::get_course(&mut conn, &id, &reader)?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(CourseDto::from(&view)))
}
