//! Published statistics (rules.md §11): a fixed catalogue of tables, each released once per closed
//! quarter or year with small counts suppressed (`parcours_domain::disclosure`), read by the Region for
//! Wallonia, by a CRI for its territory and by a commune for itself — the same release for all.

pub mod get_release;
pub mod get_report;
pub mod list_tables;

use actix_web::web;
use parcours_domain::statistics::{Period, StatisticsTable};
use parcours_store::audit::Actor;
use parcours_store::statistics_releases::{ReleaseOutcome, ReleaseRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::{ApiError, Text};
use crate::state::AppState;

/// The release of a table for a closed period, made on its first request (the threshold in force on the
/// period's last day), audited as read by `actor`.
pub(crate) async fn released(
    state: web::Data<AppState>,
    table: StatisticsTable,
    period: Period,
    actor: Actor,
) -> Result<ReleaseRecord, ApiError> {
    if !period.is_closed(state.clock.today()) {
        return Err(ApiError::Conflict(
            "period_not_closed",
            Text::new(
                format!("La période {} n'est pas terminée : seules les périodes closes sont publiées.", period.code()),
                format!("Period {} is not over: only closed periods are released.", period.code()),
            ),
        ));
    }
    let outcome = crate::clock::block(move || -> Result<ReleaseOutcome, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let last_day = period.end().pred_opt().unwrap_or(period.end());
        let threshold = u64::from(*reference.parameters.disclosure_threshold.on(last_day));
        let communes: Vec<_> = reference.communes().cloned().collect();
        let now = state.clock.now();
        Ok(parcours_store::statistics_releases::read_release(
            &mut conn, table, period, &communes, threshold, &actor, now,
        )?)
    })
    .await??;
    match outcome {
        ReleaseOutcome::Released(release) => Ok(release),
        ReleaseOutcome::Unprotectable(cell) => {
            log::warn!("statistics release {} {} could not be protected at {cell}", table.code(), period.code());
            Err(ApiError::Conflict(
                "release_unprotectable",
                Text::new(
                    "Cette publication ne peut pas protéger toutes ses petites valeurs : rien n'est publié.",
                    "This release cannot protect all its small counts: nothing is published.",
                ),
            ))
        }
    }
}

/// Reads a period from its path segment.
pub(crate) fn period_of(text: &str) -> Result<Period, ApiError> {
    Period::parse(text).ok_or_else(|| {
        ApiError::BadParameter(vec![crate::problem::FieldError::new(
            "period",
            "invalid_period",
            "Période : un trimestre (2026-Q3) ou une année (2026).",
            "Period: a quarter (2026-Q3) or a year (2026).",
        )])
    })
}

/// A category of an attribute.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CategoryDto {
    /// Stable code.
    #[schema(example = "obliged")]
    pub code: String,
    /// French label.
    #[schema(example = "obligé")]
    pub label_fr: String,
    /// English label.
    #[schema(example = "obliged")]
    pub label_en: String,
    /// For a group (the status groups of `reason`), the codes of the categories it sums; absent for the
    /// others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(["OBLIGED"]))]
    pub members: Option<Vec<String>>,
}

/// An attribute a table is counted by, beside period and territory.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttributeDto {
    /// Stable code (`status`, `residence_card`, `reason`, `nationality_group`, `regime`, `sex`, `age_band`,
    /// `attestation_kind`, `french_hours`…).
    #[schema(example = "regime")]
    pub code: String,
    /// French label.
    #[schema(example = "régime")]
    pub label_fr: String,
    /// Its categories, in the order published (a grouped attribute's groups come after its categories).
    pub categories: Vec<CategoryDto>,
}

impl AttributeDto {
    fn new(attribute: parcours_domain::statistics::Attribute) -> AttributeDto {
        AttributeDto {
            code: attribute.code().to_owned(),
            label_fr: attribute.label_fr().to_owned(),
            categories: attribute
                .categories()
                .iter()
                .enumerate()
                .map(|(i, c)| CategoryDto {
                    code: c.code.to_owned(),
                    label_fr: c.label_fr.to_owned(),
                    label_en: c.label_en.to_owned(),
                    members: i.checked_sub(attribute.leaves()).map(|g| {
                        attribute.groups()[g].iter().map(|m| attribute.categories()[*m].code.to_owned()).collect()
                    }),
                })
                .collect(),
        }
    }
}
