//! Training themes: the base list every CRI offers (welcoming the public, interculturality, foreigners' law,
//! managing diversity) and the themes a CRI adds for its own trainings.

pub mod create;
pub mod list;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A theme.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"code": "asylum_procedure", "label_fr": "Procédure d'asile", "label_en": "Asylum procedure", "base": false}))]
pub struct TrainingThemeDto {
    /// Code, used by trainings.
    pub code: String,
    /// Label, French.
    pub label_fr: String,
    /// Label, English.
    pub label_en: String,
    /// Whether it is a base theme (every CRI) or the CRI's own.
    pub base: bool,
}
