//! `GET /v1/statistics/reports/{period}`: the statistics report (PDF) of a CRI or of the Region for a
//! closed quarter or year — every table of the catalogue as released, by territory: for the Region one row
//! per CRI, for a CRI one row per commune, then the total. Each table's read is audited.

use actix_web::{HttpResponse, get, web};
use parcours_documents::statistics_report::{ReportGrid, ReportSection, StatisticsReport, render_statistics_report};
use parcours_domain::CriCode;
use parcours_domain::statistics::StatisticsTable;
use parcours_store::statistics_releases::{ReaderTerritory, StoredCell, Visible};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{StatisticsReader, StatisticsScope};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Whose report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `wallonie` or a CRI code; by default the caller's (the Region: `wallonie`; a CRI: itself).
    pub territory: Option<String>,
}

/// More categories than this do not fit across a page: they are printed down, for the report's territory.
const CATEGORIES_ACROSS: usize = 8;

/// The grids of one table for the rows shown: one grid per attribute, its categories then the total, by
/// territory. A grouped attribute (the clauses that decide a status) is shown by group across the
/// territories, then clause by clause down for the report's territory; so is an attribute with too many
/// categories to fit across (the residence documents).
fn grids(table: StatisticsTable, cells: &[StoredCell], rows: &[(String, String)], total_code: &str) -> Vec<ReportGrid> {
    let mut grids = Vec::new();
    for (k, attribute) in table.attributes().iter().enumerate() {
        let count = |territory: &str, category: Option<&str>| {
            cells
                .iter()
                .find(|c| {
                    c.quarter.is_none()
                        && c.territory_code == territory
                        && c.categories
                            .iter()
                            .enumerate()
                            .all(|(j, value)| if j == k { value.as_deref() == category } else { value.is_none() })
                })
                .and_then(|c| c.count)
        };
        let categories = attribute.categories();
        let (leaves, groups) = categories.split_at(attribute.leaves());
        let across = if groups.is_empty() { leaves } else { groups };
        if across.len() <= CATEGORIES_ACROSS {
            let mut columns: Vec<String> = across.iter().map(|c| c.label_fr.to_owned()).collect();
            columns.push("Total".to_owned());
            let grid_rows = rows
                .iter()
                .map(|(code, label)| {
                    let mut values: Vec<Option<u64>> = across.iter().map(|c| count(code, Some(c.code))).collect();
                    values.push(count(code, None));
                    let label = if code == total_code { "Total".to_owned() } else { label.clone() };
                    (label, values)
                })
                .collect();
            let caption = if groups.is_empty() { attribute.label_fr() } else { "statut" };
            grids.push(ReportGrid { caption: format!("Par {caption}"), columns, rows: grid_rows });
        }
        if !groups.is_empty() || leaves.len() > CATEGORIES_ACROSS {
            let mut grid_rows: Vec<(String, Vec<Option<u64>>)> = leaves
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let label = match attribute.group_of(i) {
                        Some(g) => format!("{} ({})", c.label_fr, categories[g].label_fr),
                        None => c.label_fr.to_owned(),
                    };
                    (label, vec![count(total_code, Some(c.code))])
                })
                .collect();
            grid_rows.push(("Total".to_owned(), vec![count(total_code, None)]));
            let territory = if total_code == "wallonie" { "Wallonie" } else { total_code };
            grids.push(ReportGrid {
                caption: format!("Par {} — {territory}", attribute.label_fr()),
                columns: vec![territory.to_owned()],
                rows: grid_rows,
            });
        }
    }
    grids
}

/// Renders the statistics report of a territory for a period.
///
/// The statistics report (PDF) of a CRI or of the Region for a
/// closed quarter or year — every table of the catalogue as released, by territory: for the Region one row
/// per CRI, for a CRI one row per commune, then the total. Each table's read is audited.
#[utoipa::path(
    tag = "statistics",
    params(
        ("period" = String, Path, description = "A closed quarter (`2026-Q4`) or a closed year (`2026`)", example = "2026-Q4"),
        ReportQuery
    ),
    responses(
        (status = 200, description = "The report (PDF, French): every table of the catalogue by territory, suppressed counts printed `c`", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 400, description = "A malformed period or territory", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the Region nor a CRI, or another CRI's territory", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period is not over yet (`period_not_closed`), or a release could not be protected (`release_unprotectable`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/statistics/reports/{period}")]
pub async fn get_statistics_report(
    state: web::Data<AppState>,
    reader: StatisticsReader,
    request_id: RequestId,
    path: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let period = super::period_of(&path.into_inner())?;
    let cri = match (reader.scope, query.territory.as_deref()) {
        (StatisticsScope::Region, None | Some("wallonie")) => None,
        (StatisticsScope::Region, Some(code)) => Some(CriCode::parse(code).map_err(|_| {
            ApiError::BadParameter(vec![FieldError::new(
                "territory",
                "invalid_territory",
                "Territoire : wallonie ou un code de CRI (CAI).",
                "Territory: wallonie or a CRI code (CAI).",
            )])
        })?),
        (StatisticsScope::Cri(own), None) => Some(own),
        (StatisticsScope::Cri(own), Some(code)) if code == own.code() => Some(own),
        _ => {
            return Err(ApiError::Forbidden(Text::new(
                "Le rapport est celui de la Région (la Wallonie et chaque CRI) ou d'un CRI (le sien).",
                "The report is the Region's (Wallonia and each CRI) or a CRI's (its own).",
            )));
        }
    };
    let actor = actor(&reader.caller, &request_id);
    let mut sections = Vec::new();
    let mut threshold = 0;
    let mut rules_version = String::new();
    for table in StatisticsTable::ALL {
        let release = super::released(state.clone(), table, period, actor.clone()).await?;
        let territory = match cri {
            None => ReaderTerritory::Wallonia,
            Some(cri) => ReaderTerritory::Cri(cri.code().to_owned()),
        };
        let cells = match release.cells_within(&territory)? {
            Visible::Cells(cells) => cells,
            Visible::OutsideReader | Visible::Unknown => Vec::new(),
        };
        // Rows: the CRIs then Wallonia, or a CRI's communes then the CRI.
        let (level, total_code) = match cri {
            None => ("cri", "wallonie".to_owned()),
            Some(cri) => ("commune", cri.code().to_owned()),
        };
        let mut rows: Vec<(String, String)> = Vec::new();
        for cell in &cells {
            if cell.territory_level == level && !rows.iter().any(|(code, _)| *code == cell.territory_code) {
                rows.push((cell.territory_code.clone(), cell.territory_name.clone()));
            }
        }
        rows.sort_by(|a, b| a.1.cmp(&b.1));
        rows.push((total_code.clone(), total_code.clone()));
        sections.push(ReportSection {
            title: table.title_fr().to_owned(),
            definition: table.definition_fr().to_owned(),
            grids: grids(table, &cells, &rows, &total_code),
            release_id: release.id.clone(),
        });
        threshold = u64::try_from(release.threshold).unwrap_or(0);
        rules_version = release.rules_version.clone();
    }
    let territory = cri.map_or("Wallonie".to_owned(), |c| c.code().to_owned());
    let report = StatisticsReport {
        territory: territory.clone(),
        period: period.code(),
        threshold,
        rules_version,
        issued_on: state.clock.today(),
        sections,
    };
    let pdf = crate::clock::block(move || render_statistics_report(&report))
        .await?
        .map_err(|e| ApiError::Internal(format!("statistics report: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"statistiques-{territory}-{}.pdf\"", period.code()),
        ))
        .body(pdf))
}
