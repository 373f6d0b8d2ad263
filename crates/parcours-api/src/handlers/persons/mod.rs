//! Persons, as seen by the CRI competent for them: determinations, identity history, versioned identity
//! updates, duplicate candidates and merges.

pub mod create_identity;
pub mod create_merge;
pub mod get;
pub mod get_access_package;
pub mod get_access_report;
pub mod list_determinations;
pub mod list_duplicates;
pub mod list_identities;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_domain::identity::{IdentityField, IdentitySource};
use parcours_store::person_identities::IdentityRecord;
use parcours_store::persons::PersonRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One field of an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentityFieldDto {
    /// Surname.
    Surname,
    /// Given names.
    GivenNames,
    /// Birth date.
    BirthDate,
    /// Sex.
    Sex,
    /// Nationality.
    Nationality,
}

impl From<IdentityField> for IdentityFieldDto {
    fn from(field: IdentityField) -> Self {
        match field {
            IdentityField::Surname => IdentityFieldDto::Surname,
            IdentityField::GivenNames => IdentityFieldDto::GivenNames,
            IdentityField::BirthDate => IdentityFieldDto::BirthDate,
            IdentityField::Sex => IdentityFieldDto::Sex,
            IdentityField::Nationality => IdentityFieldDto::Nationality,
        }
    }
}

/// Where an identity row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdentitySourceDto {
    /// A commune's report (version 1 when it was the first; otherwise kept as made, not current).
    Report,
    /// An update by the commune of the current domicile.
    CommuneOfDomicile,
    /// An update by the competent CRI.
    Cri,
    /// A conflict the CRI resolved in favour of the reported identity.
    ConflictResolution,
    /// A merge of two records of the person.
    Merge,
}

impl IdentitySourceDto {
    fn of(record: &IdentityRecord) -> IdentitySourceDto {
        match record.source() {
            None | Some(IdentitySource::Report) => IdentitySourceDto::Report,
            Some(IdentitySource::CommuneOfDomicile) => IdentitySourceDto::CommuneOfDomicile,
            Some(IdentitySource::Cri) => IdentitySourceDto::Cri,
            Some(IdentitySource::ConflictResolution) => IdentitySourceDto::ConflictResolution,
            Some(IdentitySource::Merge) => IdentitySourceDto::Merge,
        }
    }
}

/// An identity as one organisation gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c77-7b58-7285-ac6a-47f8b353f6bc", "person_id": "01a20c77-7b56-746b-9146-5b7ab1935fa8",
    "version": 1, "niss": "90051012446", "surname": "El Amrani", "given_names": "Samira", "birth_date": "1990-05-10",
    "sex": "female", "nationality": "MAR", "source": "report", "source_org": "commune:62063", "reason": null,
    "recorded_at": "2026-11-24T07:31:26Z"}))]
pub struct IdentityDto {
    /// Row id.
    pub id: String,
    /// The person record it belongs to (a merged record's id for its own history).
    pub person_id: String,
    /// Version of the current identity (1, 2, ...); null for a report kept as made that did not become current.
    pub version: Option<i32>,
    /// The national or BIS number it was given under.
    pub niss: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// `male`, `female`, or null when unknown.
    pub sex: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub nationality: String,
    /// Where it comes from.
    pub source: IdentitySourceDto,
    /// The organisation that gave it (`commune:62063`, `cri:CRIPEL`).
    pub source_org: String,
    /// Why, for an update, a resolution or a merge.
    pub reason: Option<String>,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl IdentityDto {
    /// The communicated form.
    pub fn new(record: &IdentityRecord) -> IdentityDto {
        IdentityDto {
            id: record.id.clone(),
            person_id: record.person_id.clone(),
            version: record.version,
            niss: record.niss.clone(),
            surname: record.surname.clone(),
            given_names: record.given_names.clone(),
            birth_date: record.birth_date,
            sex: record.sex.clone(),
            nationality: record.nationality.clone(),
            source: IdentitySourceDto::of(record),
            source_org: record.source_org.clone(),
            reason: record.reason.clone(),
            recorded_at: record.recorded_at.and_utc(),
        }
    }
}

/// A person's current identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c77-7b56-746b-9146-5b7ab1935fa8", "identity_version": 2, "niss": "90051012446",
    "surname": "El Amrani", "given_names": "Samira", "birth_date": "1990-05-10", "sex": "female", "nationality": "MAR"}))]
pub struct CurrentIdentity {
    /// Person id.
    pub id: String,
    /// Version of the current identity: send it as `If-Match` to update it.
    pub identity_version: i32,
    /// National or BIS number.
    pub niss: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// `male`, `female`, or null when unknown.
    pub sex: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub nationality: String,
}

impl CurrentIdentity {
    /// The communicated form.
    pub fn new(person: &PersonRecord) -> CurrentIdentity {
        CurrentIdentity {
            id: person.id.clone(),
            identity_version: person.identity_version,
            niss: person.niss.clone(),
            surname: person.surname.clone(),
            given_names: person.given_names.clone(),
            birth_date: person.birth_date,
            sex: person.sex.clone(),
            nationality: person.nationality.clone(),
        }
    }
}
