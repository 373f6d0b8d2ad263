//! `GET /v1/statistics/tables`: the catalogue of published tables, with what each counts and by what.

use actix_web::{HttpResponse, get};
use parcours_domain::statistics::StatisticsTable;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AttributeDto;
use crate::auth::StatisticsReader;
use crate::problem::{ApiError, Problem};

/// A table of the catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatisticsTableDto {
    /// Stable code, as in the URL.
    #[schema(example = "cases_opened")]
    pub code: String,
    /// French title.
    #[schema(example = "Dossiers ouverts")]
    pub title_fr: String,
    /// English title.
    #[schema(example = "Cases opened")]
    pub title_en: String,
    /// What is counted: always distinct persons, each counted once per period.
    #[schema(example = "distinct_persons")]
    pub unit: String,
    /// Where and when each person is counted.
    pub definition: String,
    /// The attributes; each is published by territory (and by quarter in a year). Several attributes are
    /// released together: they share their territory totals.
    pub attributes: Vec<AttributeDto>,
    /// The territory levels of each release, from the finest.
    #[schema(example = json!(["commune", "arrondissement", "province", "cri", "region"]))]
    pub territory_levels: Vec<String>,
    /// The periods that can be asked for: a closed quarter (`2026-Q3`) or a closed year (`2026`).
    #[schema(example = "YYYY-Qn or YYYY, once closed")]
    pub periods: String,
}

/// The catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatisticsTableList {
    /// Every table.
    pub items: Vec<StatisticsTableDto>,
}

/// Lists the published tables.
///
/// The catalogue of published tables, with what each counts and by what.
#[utoipa::path(
    tag = "statistics",
    responses(
        (status = 200, description = "The catalogue", body = StatisticsTableList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the Region, a CRI nor a commune", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/statistics/tables")]
pub async fn list_statistics_tables(_reader: StatisticsReader) -> Result<HttpResponse, ApiError> {
    let items = StatisticsTable::ALL
        .iter()
        .map(|table| StatisticsTableDto {
            code: table.code().to_owned(),
            title_fr: table.title_fr().to_owned(),
            title_en: table.title_en().to_owned(),
            unit: "distinct_persons".to_owned(),
            definition: table.definition().to_owned(),
            attributes: table.attributes().iter().map(|a| AttributeDto::new(*a)).collect(),
            territory_levels: ["commune", "arrondissement", "province", "cri", "region"].map(str::to_owned).to_vec(),
            periods: "YYYY-Qn or YYYY, once closed".to_owned(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(StatisticsTableList { items }))
}
