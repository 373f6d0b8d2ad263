//! Reference data: the eight CRIs, the communes and their CRI over time.

pub mod create_cri_assignment;
pub mod list_communes;
pub mod list_cris;

use chrono::NaiveDate;
use parcours_domain::reference::{AssignmentStatus, Commune, LanguageRegion};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A commune's CRI during a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriAssignmentDto {
    /// CRI code.
    pub cri: String,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day (`9999-12-31` when open-ended).
    pub valid_to: NaiveDate,
    /// `confirmed`, `derived` (geography and partial evidence) or `corrected` (by the Region).
    pub status: String,
}

/// A Walloon commune.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"nis_code": "57081", "name_fr": "Tournai", "name_nl": "Doornik", "name_de": "Tournai", "arrondissement_nis": "57000", "province_nis": "50000",
    "language_region": "fr", "valid_from": "1970-01-01", "valid_to": "9999-12-31",
    "cri_assignments": [{"cri": "CIMB", "valid_from": "1970-01-01", "valid_to": "9999-12-31", "status": "derived"}]}))]
pub struct CommuneDto {
    /// NIS code.
    #[schema(example = "62063")]
    pub nis_code: String,
    /// French name.
    pub name_fr: String,
    /// Dutch name.
    pub name_nl: String,
    /// German name.
    pub name_de: String,
    /// Arrondissement NIS code.
    pub arrondissement_nis: String,
    /// Province NIS code.
    pub province_nis: String,
    /// `fr` or `de`.
    pub language_region: String,
    /// First day of the code.
    pub valid_from: NaiveDate,
    /// Last day of the code.
    pub valid_to: NaiveDate,
    /// Competent CRI over time (none for German-language communes).
    pub cri_assignments: Vec<CriAssignmentDto>,
}

impl From<&Commune> for CommuneDto {
    fn from(c: &Commune) -> Self {
        CommuneDto {
            nis_code: c.nis.to_string(),
            name_fr: c.name_fr.clone(),
            name_nl: c.name_nl.clone(),
            name_de: c.name_de.clone(),
            arrondissement_nis: c.arrondissement_nis.clone(),
            province_nis: c.province_nis.clone(),
            language_region: match c.language_region {
                LanguageRegion::French => "fr",
                LanguageRegion::German => "de",
            }
            .to_owned(),
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            cri_assignments: c
                .cri_assignments
                .iter()
                .map(|a| CriAssignmentDto {
                    cri: a.cri.code().to_owned(),
                    valid_from: a.valid_from,
                    valid_to: a.valid_to,
                    status: match a.status {
                        AssignmentStatus::Confirmed => "confirmed",
                        AssignmentStatus::Derived => "derived",
                        AssignmentStatus::Corrected => "corrected",
                    }
                    .to_owned(),
                })
                .collect(),
        }
    }
}
