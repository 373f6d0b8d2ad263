//! `GET /v1/statistics/tables/{code}/releases/{period}`: one table for one closed quarter or year, as JSON,
//! CSV or an SVG chart, for the caller's territory. The release is made once (on its first request) and
//! then served unchanged to everyone: the Region sees Wallonia, a CRI its territory, a commune itself, with
//! the same cells suppressed. Every read is audited.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use parcours_documents::statistics::{BarChart, BarGroup, CsvValue, Separator, bar_chart, csv};
use parcours_domain::statistics::{Period, StatisticsTable};
use parcours_domain::{CriCode, NisCode};
use parcours_store::statistics_releases::{ReaderTerritory, ReleaseRecord, StoredCell, Visible};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{StatisticsReader, StatisticsScope};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// What a `c` flag means, French then English. It never says why a cell is hidden: telling a small count
/// from a protecting one would give the small count away.
pub(crate) const GAP_LEGEND_FR: &str = "confidentiel — masqué pour qu'aucune personne ne puisse être reconnue";
pub(crate) const GAP_LEGEND_EN: &str = "confidential — hidden so that no one can be identified";

/// Output and territory.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleaseQuery {
    /// `wallonie` (the Region), a CRI code (`CAI`) or a commune's NIS code (`92094`); by default the
    /// caller's own territory. A CRI may ask for itself or one of its communes, a commune for itself.
    pub territory: Option<String>,
    /// `json` (default), `csv` or `svg`.
    pub format: Option<String>,
    /// CSV only: `semicolon` (default, with a decimal comma, for Belgian spreadsheets) or `comma`.
    pub separator: Option<String>,
}

/// How the release was made.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReleaseInfo {
    /// Release id (named in the audit trail).
    pub id: String,
    /// When it was made.
    pub released_at: DateTime<Utc>,
    /// Counts from 1 to `threshold - 1` are suppressed (dated parameter `disclosure_threshold`).
    #[schema(example = 5)]
    pub threshold: i32,
    /// The suppression method.
    pub method: String,
    /// The rules version of the code that made it.
    #[schema(example = "2026.12.0")]
    pub rules_version: String,
}

/// A published cell.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatisticsCellDto {
    /// The quarter, in a year's release; absent for the whole period.
    #[schema(example = "2026-Q3")]
    pub quarter: Option<String>,
    /// `commune`, `arrondissement`, `province`, `cri` or `region`.
    #[schema(example = "commune")]
    pub territory_level: String,
    /// NIS code, CRI code or `wallonie`.
    #[schema(example = "92094")]
    pub territory_code: String,
    /// French name.
    #[schema(example = "Hastière")]
    pub territory_name: String,
    /// Each attribute's category, `null` for all categories.
    #[schema(example = json!({"regime": "obliged", "sex": null, "age_band": null}))]
    pub categories: BTreeMap<String, Option<String>>,
    /// The number of distinct persons; `null` when suppressed (never 0 for a hidden cell).
    #[schema(example = 12)]
    pub count: Option<u64>,
    /// `c` when suppressed.
    #[schema(example = json!(null))]
    pub flag: Option<String>,
}

/// A table released for a period, as the caller may see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatisticsReleaseDto {
    /// The table's code.
    #[schema(example = "cases_opened")]
    pub table: String,
    /// French title.
    pub title_fr: String,
    /// English title.
    pub title_en: String,
    /// The period.
    #[schema(example = "2026-Q3")]
    pub period: String,
    /// The territory shown.
    #[schema(example = "CAI")]
    pub territory: String,
    /// How the release was made.
    pub release: ReleaseInfo,
    /// The attributes, in the order of the CSV columns.
    pub attributes: Vec<String>,
    /// The cells of the territory, in the release's order.
    pub cells: Vec<StatisticsCellDto>,
    /// What the flag `c` means.
    pub legend: String,
}

fn bad(field: &str, code: &str, fr: &str, en: &str) -> ApiError {
    ApiError::BadParameter(vec![FieldError::new(field, code, fr, en)])
}

fn forbidden_territory() -> ApiError {
    ApiError::Forbidden(Text::new(
        "Ce territoire n'est pas le vôtre : la Région voit la Wallonie, un CRI son territoire, une commune elle-même.",
        "This territory is not yours: the Region sees Wallonia, a CRI its territory, a commune itself.",
    ))
}

/// The territory asked for, checked against the caller's.
type Shown = ReaderTerritory;

fn shown(scope: StatisticsScope, asked: Option<&str>) -> Result<Shown, ApiError> {
    let asked = match (asked, scope) {
        (Some(asked), _) => asked.trim().to_owned(),
        (None, StatisticsScope::Region) => "wallonie".to_owned(),
        (None, StatisticsScope::Cri(cri)) => cri.code().to_owned(),
        (None, StatisticsScope::Commune(nis)) => nis.to_string(),
    };
    let parsed = if asked == "wallonie" {
        Shown::Wallonia
    } else if let Ok(cri) = CriCode::parse(&asked) {
        Shown::Cri(cri.code().to_owned())
    } else if let Ok(nis) = NisCode::parse(&asked) {
        Shown::Commune { nis: nis.to_string(), within_cri: None }
    } else {
        return Err(bad(
            "territory",
            "invalid_territory",
            "Territoire : wallonie, un code de CRI (CAI) ou le code INS d'une commune (92094).",
            "Territory: wallonie, a CRI code (CAI) or a commune's NIS code (92094).",
        ));
    };
    match (scope, parsed) {
        (StatisticsScope::Region, shown) => Ok(shown),
        (StatisticsScope::Cri(own), Shown::Cri(cri)) if cri == own.code() => Ok(Shown::Cri(cri)),
        (StatisticsScope::Cri(own), Shown::Commune { nis, .. }) => {
            Ok(Shown::Commune { nis, within_cri: Some(own.code().to_owned()) })
        }
        (StatisticsScope::Commune(own), Shown::Commune { nis, .. }) if nis == own.to_string() => {
            Ok(Shown::Commune { nis, within_cri: None })
        }
        _ => Err(forbidden_territory()),
    }
}

fn code_of(shown: &Shown) -> String {
    match shown {
        Shown::Wallonia => "wallonie".to_owned(),
        Shown::Cri(code) => code.clone(),
        Shown::Commune { nis, .. } => nis.clone(),
    }
}

/// The cells of the release within the territory shown (filtered by the store).
fn cells_shown(release: &ReleaseRecord, shown: &Shown) -> Result<Vec<StoredCell>, ApiError> {
    match release.cells_within(shown)? {
        Visible::Cells(cells) => Ok(cells),
        Visible::OutsideReader => Err(forbidden_territory()),
        Visible::Unknown => Err(bad(
            "territory",
            "unknown_territory",
            "Aucun territoire de ce code dans cette publication.",
            "No territory with this code in this release.",
        )),
    }
}

/// Reads a table for a period.
///
/// One table for one closed quarter or year, as JSON,
/// CSV or an SVG chart, for the caller's territory. The release is made once (on its first request) and
/// then served unchanged to everyone: the Region sees Wallonia, a CRI its territory, a commune itself, with
/// the same cells suppressed. Every read is audited.
#[utoipa::path(
    tag = "statistics",
    params(
        ("code" = String, Path, description = "Table code (`GET /v1/statistics/tables`)", example = "cases_opened"),
        ("period" = String, Path, description = "A closed quarter (`2026-Q3`) or a closed year (`2026`)", example = "2026-Q3"),
        ReleaseQuery
    ),
    responses(
        (status = 200, description = "The table for the territory: JSON (default), CSV (`format=csv`: UTF-8 with BOM, `;` and decimal comma unless `separator=comma`, formulas defused) or an SVG bar chart (`format=svg`: suppressed counts drawn as gaps)",
         content(
             (StatisticsReleaseDto = "application/json"),
             (inline(crate::dto::BinaryFile) = "text/csv", example = "\u{feff}period;quarter;territory_level;territory_code;territory_name;status;count;flag\r\n2026-Q3;total;commune;92094;Hastière;obliged;;c\r\n"),
             (inline(crate::dto::BinaryFile) = "image/svg+xml")
         )),
        (status = 400, description = "A malformed period, format, separator or territory", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the Region, a CRI nor a commune, or a territory outside the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such table", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period is not over yet (`period_not_closed`), or no suppression could protect it (`release_unprotectable`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/statistics/tables/{code}/releases/{period}")]
pub async fn get_statistics_release(
    state: web::Data<AppState>,
    reader: StatisticsReader,
    request_id: RequestId,
    path: web::Path<(String, String)>,
    query: web::Query<ReleaseQuery>,
) -> Result<HttpResponse, ApiError> {
    let (code, period_text) = path.into_inner();
    let table = StatisticsTable::from_code(&code).ok_or(ApiError::NotFound)?;
    let period = super::period_of(&period_text)?;
    let format = query.format.as_deref().unwrap_or("json");
    if !["json", "csv", "svg"].contains(&format) {
        return Err(bad(
            "format",
            "invalid_choice",
            "Valeurs admises : json, csv, svg.",
            "Allowed values: json, csv, svg.",
        ));
    }
    let separator = match query.separator.as_deref() {
        None | Some("semicolon") => Separator::Semicolon,
        Some("comma") => Separator::Comma,
        Some(_) => {
            return Err(bad(
                "separator",
                "invalid_choice",
                "Valeurs admises : semicolon, comma.",
                "Allowed values: semicolon, comma.",
            ));
        }
    };
    let shown = shown(reader.scope, query.territory.as_deref())?;
    let actor = actor(&reader.caller, &request_id);
    let release = super::released(state, table, period, actor).await?;
    let cells = cells_shown(&release, &shown)?;
    let territory = code_of(&shown);
    match format {
        "csv" => Ok(csv_response(table, &release, &territory, &cells, separator)),
        "svg" => Ok(svg_response(table, period, &release, &shown, &cells)),
        _ => Ok(HttpResponse::Ok().json(dto(table, &release, territory, cells))),
    }
}

fn dto(
    table: StatisticsTable,
    release: &ReleaseRecord,
    territory: String,
    cells: Vec<StoredCell>,
) -> StatisticsReleaseDto {
    let attributes: Vec<String> = table.attributes().iter().map(|a| a.code().to_owned()).collect();
    StatisticsReleaseDto {
        table: table.code().to_owned(),
        title_fr: table.title_fr().to_owned(),
        title_en: table.title_en().to_owned(),
        period: release.period.clone(),
        territory,
        release: ReleaseInfo {
            id: release.id.clone(),
            released_at: release.released_at.and_utc(),
            threshold: release.threshold,
            method: release.method.clone(),
            rules_version: release.rules_version.clone(),
        },
        cells: cells
            .into_iter()
            .map(|c| StatisticsCellDto {
                quarter: c.quarter,
                territory_level: c.territory_level,
                territory_code: c.territory_code,
                territory_name: c.territory_name,
                categories: attributes.iter().cloned().zip(c.categories).collect(),
                flag: c.count.is_none().then(|| "c".to_owned()),
                count: c.count,
            })
            .collect(),
        attributes,
        legend: format!("c : {GAP_LEGEND_FR} ({GAP_LEGEND_EN})"),
    }
}

fn csv_response(
    table: StatisticsTable,
    release: &ReleaseRecord,
    territory: &str,
    cells: &[StoredCell],
    separator: Separator,
) -> HttpResponse {
    let mut header = vec!["period", "quarter", "territory_level", "territory_code", "territory_name"];
    header.extend(table.attributes().iter().map(|a| a.code()));
    header.extend(["count", "flag"]);
    let text = |s: &str| CsvValue::Text(s.to_owned());
    let rows: Vec<Vec<CsvValue>> = cells
        .iter()
        .map(|c| {
            let mut row = vec![
                text(&release.period),
                text(c.quarter.as_deref().unwrap_or("total")),
                text(&c.territory_level),
                text(&c.territory_code),
                text(&c.territory_name),
            ];
            row.extend(c.categories.iter().map(|category| text(category.as_deref().unwrap_or("total"))));
            row.push(c.count.map_or(CsvValue::Empty, |n| CsvValue::Number(n as f64)));
            row.push(if c.count.is_none() { text("c") } else { CsvValue::Empty });
            row
        })
        .collect();
    let filename = format!("{}-{}-{territory}.csv", table.code(), release.period);
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{filename}\"")))
        .body(csv(&header, &rows, separator))
}

fn svg_response(
    table: StatisticsTable,
    period: Period,
    release: &ReleaseRecord,
    shown: &Shown,
    cells: &[StoredCell],
) -> HttpResponse {
    // One group per territory one level down (Wallonia: its CRIs; a CRI: its communes), one bar per
    // quarter in a year; each bar counts every category.
    let level = match shown {
        Shown::Wallonia => "cri",
        Shown::Cri(_) | Shown::Commune { .. } => "commune",
    };
    let series: Vec<Option<String>> = match period {
        Period::Year(_) => period.quarters().iter().map(|q| Some(q.code())).collect(),
        Period::Quarter { .. } => vec![None],
    };
    let mut groups: Vec<BarGroup> = Vec::new();
    for cell in cells.iter().filter(|c| c.territory_level == level && c.categories.iter().all(Option::is_none)) {
        let Some(position) = series.iter().position(|s| *s == cell.quarter) else { continue };
        let group = match groups.iter().position(|g| g.label == cell.territory_name) {
            Some(g) => &mut groups[g],
            None => {
                groups.push(BarGroup { label: cell.territory_name.clone(), values: vec![None; series.len()] });
                groups.last_mut().expect("just pushed")
            }
        };
        group.values[position] = cell.count;
    }
    let chart = BarChart {
        title: table.title_fr().to_owned(),
        subtitle: format!(
            "{} · {} · seuil {} · publication {}",
            release.period,
            code_of(shown),
            release.threshold,
            release.id
        ),
        series: series.iter().map(|s| s.clone().unwrap_or_else(|| period.code())).collect(),
        groups,
        gap_legend: vec![GAP_LEGEND_FR.to_owned(), GAP_LEGEND_EN.to_owned()],
    };
    HttpResponse::Ok().content_type("image/svg+xml; charset=utf-8").body(bar_chart(&chart))
}
