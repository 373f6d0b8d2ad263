//! `GET /v1/trainings?year=`: the trainings starting in a year, the CRI's own or, for the Region, all —
//! with their counts, never the practitioners' names.

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::TrainingDto;
use crate::auth::{Organisation, RegionOrCri};
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrainingQuery {
    /// Year of the first session (this year by default).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// Trainings.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingList {
    /// By first day.
    pub items: Vec<TrainingDto>,
}

/// The first days of `year` and of the next.
pub fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let in_range = (2000..=2100).contains(&year);
    let bounds = if in_range {
        (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year + 1, 1, 1))
    } else {
        (None, None)
    };
    match bounds {
        (Some(from), Some(until)) => Ok((from, until)),
        _ => Err(ApiError::Validation(vec![FieldError::new(
            "year",
            "out_of_range",
            "Année de 2000 à 2100.",
            "Year from 2000 to 2100.",
        )])),
    }
}

/// Lists trainings.
///
/// The trainings starting in a year, the CRI's own or, for the Region, all —
/// with their counts, never the practitioners' names.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Trainings whose first session falls in `year`: the caller's CRI's, or every CRI's for the Region. \
                   Counts only: read one training for its registrations.",
    params(TrainingQuery),
    responses(
        (status = 200, description = "The trainings", body = TrainingList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region or a CRI", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Year out of range", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/trainings")]
pub async fn list_trainings(
    state: web::Data<AppState>,
    reader: RegionOrCri,
    query: web::Query<TrainingQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, until) = year_bounds(query.year.unwrap_or_else(|| state.clock.today().year()))?;
    let cri = match &reader.caller.organisation {
        Organisation::Cri(cri) => Some(cri.code().to_owned()),
        _ => None,
    };
    let items = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let trainings = parcours_store::trainings::list(&mut conn, cri.as_deref(), from, until)?;
        let ids: Vec<String> = trainings.iter().map(|t| t.id.clone()).collect();
        let registrations = parcours_store::training_registrations::of_trainings(&mut conn, &ids)?;
        trainings
            .iter()
            .map(|t| {
                let own: Vec<_> = registrations.iter().filter(|r| r.training_id == t.id).cloned().collect();
                TrainingDto::new(t, &own, false)
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await??;
    Ok(HttpResponse::Ok().json(TrainingList { items }))
}
