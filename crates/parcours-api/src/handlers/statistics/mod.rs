//! Published statistics (rules.md §11): a fixed catalogue of tables, each released once per closed
//! quarter or year with small counts suppressed (`parcours_domain::disclosure`), read by the Region for
//! Wallonia, by a CRI for its territory and by a commune for itself — the same release for all.

pub mod get_release;
pub mod list_tables;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
}

/// An attribute a table is counted by, beside period and territory.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttributeDto {
    /// Stable code (`status`, `regime`, `sex`, `age_band`, `attestation_kind`).
    #[schema(example = "regime")]
    pub code: String,
    /// French label.
    #[schema(example = "régime")]
    pub label_fr: String,
    /// Its categories, in the order published.
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
                .map(|c| CategoryDto {
                    code: c.code.to_owned(),
                    label_fr: c.label_fr.to_owned(),
                    label_en: c.label_en.to_owned(),
                })
                .collect(),
        }
    }
}
