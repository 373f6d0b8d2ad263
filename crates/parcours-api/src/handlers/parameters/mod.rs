//! The law's open quantities (rules tagged UNCONFIRMED in rules.md): what is in force and its history,
//! the Region's new values, and the open cases a new value would change.

pub mod create_value;
pub mod list;
pub mod list_reviews;

use chrono::NaiveDate;
use parcours_domain::Parameters;
use parcours_store::parameter_values::ParameterValueRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One value of a parameter, from a date on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ParameterVersionDto {
    /// Id of a Region value (its audit trail is under this id).
    pub id: Option<String>,
    /// First day the value applies, to reference dates from that day on (`null`: since the beginning).
    pub valid_from: Option<NaiveDate>,
    /// The value, in the text form of `docs/rules.md`.
    pub value: String,
    /// `built_in` (the release's default and its history) or `region` (set through this API).
    pub origin: String,
    /// The legal act or document (Region values).
    pub legal_source: Option<String>,
    /// Why (Region values).
    pub reason: Option<String>,
    /// When recorded (Region values).
    pub recorded_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who recorded it (Region values).
    pub recorded_by: Option<String>,
    /// When a later value for the same date replaced it (kept in the history).
    pub superseded_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A parameter with its value in force and its whole history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "name": "attendance_threshold_percent", "confidence": "UNCONFIRMED",
    "source": "80 % under R2014 for voluntary modules (alterechos.be 2014, truncated); current threshold not found. Rules.md rule 5.3.",
    "value_today": "80 %",
    "versions": [
        {"id": null, "valid_from": null, "value": "80 %", "origin": "built_in", "legal_source": null, "reason": null, "recorded_at": null, "recorded_by": null, "superseded_at": null},
        {"id": "01a20c77-7b58-7285-ac6a-47f8b353f6bc", "valid_from": "2027-01-01", "value": "75", "origin": "region", "legal_source": "AGW du 2026-12-10, art. 3", "reason": "Seuil fixé par le Gouvernement", "recorded_at": "2026-12-15T10:00:00Z", "recorded_by": "region:SPW", "superseded_at": null}
    ]
}))]
pub struct ParameterDto {
    /// Stable name.
    pub name: String,
    /// `CONFIRMED`, `LIKELY` or `UNCONFIRMED` (of the built-in value).
    pub confidence: String,
    /// Where the built-in value comes from and what is unknown.
    pub source: String,
    /// The value that applies to a reference date of today.
    pub value_today: String,
    /// Built-in versions then the Region's, oldest first.
    pub versions: Vec<ParameterVersionDto>,
}

/// The parameter `name` as the API shows it: built-in history, the Region's values, the value for today.
pub fn parameter_dto(
    name: &str,
    in_force: &Parameters,
    records: &[ParameterValueRecord],
    today: NaiveDate,
) -> Option<ParameterDto> {
    let built_in = Parameters::default().describe().into_iter().find(|p| p.name == name)?;
    let current = in_force.describe().into_iter().find(|p| p.name == name)?;
    let value_today = current
        .versions
        .iter()
        .rev()
        .find(|(from, _)| *from <= today)
        .or(current.versions.first())
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut versions: Vec<ParameterVersionDto> = built_in
        .versions
        .iter()
        .map(|(from, value)| ParameterVersionDto {
            id: None,
            valid_from: (*from != NaiveDate::MIN).then_some(*from),
            value: value.clone(),
            origin: "built_in".to_owned(),
            legal_source: None,
            reason: None,
            recorded_at: None,
            recorded_by: None,
            superseded_at: None,
        })
        .collect();
    versions.extend(records.iter().filter(|r| r.name == name).map(|r| ParameterVersionDto {
        id: Some(r.id.clone()),
        valid_from: Some(r.valid_from),
        value: r.value_text.clone(),
        origin: "region".to_owned(),
        legal_source: Some(r.legal_source.clone()),
        reason: Some(r.reason.clone()),
        recorded_at: Some(r.recorded_at.and_utc()),
        recorded_by: Some(r.recorded_by.clone()),
        superseded_at: r.superseded_at.map(|t| t.and_utc()),
    }));
    Some(ParameterDto {
        name: built_in.name.to_owned(),
        confidence: built_in.confidence.tag().to_owned(),
        source: built_in.source.to_owned(),
        value_today,
        versions,
    })
}
