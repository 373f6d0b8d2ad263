//! `GET /v1/training-statistics?year=`: practitioners trained per theme in a year — counts, no names.

use actix_web::{HttpResponse, get, web};
use chrono::Datelike;
use parcours_domain::practitioner_training::trained_per_theme;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::list::year_bounds;
use crate::auth::{Organisation, RegionOrCri};
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrainingStatisticsQuery {
    /// Year of the trainings' first sessions (this year by default).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// Practitioners trained on one theme.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"theme": "interculturality", "practitioners": 42}))]
pub struct ThemeCount {
    /// Theme code.
    pub theme: String,
    /// Practitioners who attended at least one session of a training of that theme (each counted once).
    pub practitioners: usize,
}

/// The yearly count.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingStatistics {
    /// Year.
    pub year: i32,
    /// The CRI, or `null` for every CRI (the Region).
    pub cri: Option<String>,
    /// Per theme, by code.
    pub themes: Vec<ThemeCount>,
}

/// Counts practitioners trained per theme.
///
/// Practitioners trained per theme in a year — counts, no names.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Practitioners trained per theme in `year` (trainings whose first session falls in it): each \
                   practitioner, known by their e-mail, counted once per theme if they attended at least one \
                   session. The caller's CRI, or every CRI for the Region. Counts only: no name leaves.",
    params(TrainingStatisticsQuery),
    responses(
        (status = 200, description = "The counts", body = TrainingStatistics),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region or a CRI", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Year out of range", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/training-statistics")]
pub async fn list_training_statistics(
    state: web::Data<AppState>,
    reader: RegionOrCri,
    query: web::Query<TrainingStatisticsQuery>,
) -> Result<HttpResponse, ApiError> {
    let year = query.year.unwrap_or_else(|| state.clock.today().year());
    let (from, until) = year_bounds(year)?;
    let cri = match &reader.caller.organisation {
        Organisation::Cri(cri) => Some(cri.code().to_owned()),
        _ => None,
    };
    let scope = cri.clone();
    let counted = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::training_registrations::counted(&mut conn, scope.as_deref(), from, until)?)
    })
    .await??;
    let themes = trained_per_theme(&counted)
        .into_iter()
        .map(|(theme, practitioners)| ThemeCount { theme, practitioners })
        .collect();
    Ok(HttpResponse::Ok().json(TrainingStatistics { year, cri, themes }))
}
