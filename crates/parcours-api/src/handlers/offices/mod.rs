//! Welcome offices (*bureaux d'accueil*): the CRI's offices and their reference data, the appointment slots
//! its staff open, the day's list and its iCalendar export, and the collective sessions held there.

pub mod create;
pub mod create_session;
pub mod create_slots;
pub mod get;
pub mod get_calendar;
pub mod list;
pub mod list_day;
pub mod put;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use parcours_domain::dates::brussels_time;
use parcours_domain::welcome_office::{Office, OpeningHours};
use parcours_store::appointment_slots::SlotRecord;
use parcours_store::collective_sessions::SessionRecord;
use parcours_store::welcome_offices::OfficeRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::cases::{choice, nis_codes, short_text};
use crate::problem::{ApiError, FieldError};

/// Opening hours on one day of the week (Brussels time).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"weekday": "monday", "opens": "09:00", "closes": "16:00"}))]
pub struct OpeningHoursDto {
    /// `monday` ... `sunday`.
    pub weekday: String,
    /// Opens, `HH:MM`.
    pub opens: String,
    /// Closes, `HH:MM`.
    pub closes: String,
}

/// An office as its CRI describes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Bureau d'accueil de Liège", "street": "Place Xavier Neujean 19b", "postal_code": "4000",
    "locality": "Liège", "opening_hours": [{"weekday": "monday", "opens": "09:00", "closes": "16:00"}],
    "communes": ["62063"], "languages": ["ar", "en"]}))]
pub struct OfficeRequest {
    /// Name (1 to 120 characters).
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// Locality.
    pub locality: String,
    /// Opening hours.
    pub opening_hours: Vec<OpeningHoursDto>,
    /// NIS codes of the communes it serves by default (the nearest office): communes of the CRI's territory.
    pub communes: Vec<String>,
    /// Languages its staff speak besides French (ISO 639-1).
    pub languages: Vec<String>,
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

fn time_field(field: &str, value: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| {
        ApiError::Validation(vec![FieldError::new(
            field,
            "invalid_time",
            "Heure attendue : HH:MM.",
            "Time expected: HH:MM.",
        )])
    })
}

impl OfficeRequest {
    /// The domain office (fields parsed; the territory is checked by the domain).
    pub fn office(&self) -> Result<Office, ApiError> {
        let opening_hours = self
            .opening_hours
            .iter()
            .map(|h| {
                Ok(OpeningHours {
                    weekday: choice("opening_hours.weekday", &h.weekday, &WEEKDAYS)?,
                    opens: time_field("opening_hours.opens", &h.opens)?,
                    closes: time_field("opening_hours.closes", &h.closes)?,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let communes = nis_codes("communes", &self.communes)?;
        Ok(Office {
            name: short_text("name", &self.name, 120)?,
            street: short_text("street", &self.street, 200)?,
            postal_code: short_text("postal_code", &self.postal_code, 10)?,
            locality: short_text("locality", &self.locality, 100)?,
            opening_hours,
            communes,
            languages: self.languages.iter().map(|l| l.trim().to_lowercase()).collect(),
        })
    }
}

/// An office.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000f1", "cri": "CRIPEL", "name": "Bureau d'accueil de Liège",
    "street": "Place Xavier Neujean 19b", "postal_code": "4000", "locality": "Liège",
    "opening_hours": [{"weekday": "monday", "opens": "09:00", "closes": "16:00"}], "communes": ["62063"],
    "languages": ["ar", "en"], "version": 1}))]
pub struct OfficeDto {
    /// Id.
    pub id: String,
    /// Its CRI.
    pub cri: String,
    /// Name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// Locality.
    pub locality: String,
    /// Opening hours.
    pub opening_hours: Vec<OpeningHoursDto>,
    /// Communes served by default.
    pub communes: Vec<String>,
    /// Staff languages.
    pub languages: Vec<String>,
    /// Version: send it back in `If-Match` (also the `ETag`).
    pub version: i32,
}

impl OfficeDto {
    /// The communicated form.
    pub fn new(record: &OfficeRecord) -> Result<OfficeDto, ApiError> {
        let office = record.office()?;
        let weekday = |w: Weekday| WEEKDAYS.iter().find(|(_, d)| *d == w).map_or("monday", |(n, _)| n).to_owned();
        Ok(OfficeDto {
            id: record.id.clone(),
            cri: record.cri_code.clone(),
            name: office.name,
            street: office.street,
            postal_code: office.postal_code,
            locality: office.locality,
            opening_hours: office
                .opening_hours
                .iter()
                .map(|h| OpeningHoursDto {
                    weekday: weekday(h.weekday),
                    opens: h.opens.format("%H:%M").to_string(),
                    closes: h.closes.format("%H:%M").to_string(),
                })
                .collect(),
            communes: office.communes.iter().map(|c| c.to_string()).collect(),
            languages: office.languages,
            version: record.version,
        })
    }

    /// The answer with its `ETag`.
    pub fn respond(&self, status: StatusCode) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        response.insert_header((header::ETAG, format!("\"{}\"", self.version)));
        if status == StatusCode::CREATED {
            response.insert_header((header::LOCATION, format!("/v1/offices/{}", self.id)));
        }
        response.json(self)
    }
}

/// An instant as Brussels wall-clock time, RFC 3339 with its offset.
pub fn local(instant: DateTime<Utc>) -> String {
    brussels_time(instant).to_rfc3339()
}

/// An appointment slot.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000f2", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
    "kind": "social_assessment", "starts_at": "2026-12-16T08:30:00Z", "starts_at_local": "2026-12-16T09:30:00+01:00",
    "ends_at": "2026-12-16T10:00:00Z", "minutes": 90, "staff_ref": "agent-07"}))]
pub struct SlotDto {
    /// Id (to book it).
    pub id: String,
    /// Office.
    pub office_id: String,
    /// `social_assessment`, `french_test`, `individual_information` or `follow_up_review`.
    pub kind: String,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// Start in Brussels time.
    pub starts_at_local: String,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Length in minutes.
    pub minutes: u32,
    /// The CRI's reference of the staff member.
    pub staff_ref: String,
}

impl SlotDto {
    /// The communicated form.
    pub fn new(record: &SlotRecord) -> Result<SlotDto, ApiError> {
        let slot = record.slot()?;
        Ok(SlotDto {
            id: record.id.clone(),
            office_id: record.office_id.clone(),
            kind: slot.kind.code().to_owned(),
            starts_at: slot.starts_at,
            starts_at_local: local(slot.starts_at),
            ends_at: slot.ends_at(),
            minutes: slot.minutes,
            staff_ref: slot.staff,
        })
    }
}

/// A collective information session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000f4", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
    "starts_at": "2026-12-17T13:00:00Z", "starts_at_local": "2026-12-17T14:00:00+01:00", "minutes": 120, "language": "fr",
    "capacity": 12, "enrolled": 1}))]
pub struct CollectiveSessionDto {
    /// Id.
    pub id: String,
    /// Office.
    pub office_id: String,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// Start in Brussels time.
    pub starts_at_local: String,
    /// Length in minutes.
    pub minutes: u32,
    /// Language it is given in.
    pub language: String,
    /// Places.
    pub capacity: u32,
    /// Cases enrolled (attended and absent included).
    pub enrolled: u32,
}

impl CollectiveSessionDto {
    /// The communicated form.
    pub fn new(record: &SessionRecord, enrolled: usize) -> CollectiveSessionDto {
        let session = record.session();
        CollectiveSessionDto {
            id: record.id.clone(),
            office_id: record.office_id.clone(),
            starts_at: session.starts_at,
            starts_at_local: local(session.starts_at),
            minutes: session.minutes,
            language: session.language,
            capacity: session.capacity,
            enrolled: u32::try_from(enrolled).unwrap_or(u32::MAX),
        }
    }
}

/// Parses a required RFC 3339 instant.
pub fn instant_field(field: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        ApiError::Validation(vec![FieldError::new(
            field,
            "invalid_date_time",
            "Date et heure RFC 3339 attendues, avec leur décalage (2026-12-16T09:30:00+01:00).",
            "An RFC 3339 date-time expected, with its offset (2026-12-16T09:30:00+01:00).",
        )])
    })
}

/// The UTC range that covers a Brussels day (a little wider; callers keep the starts of that date).
pub fn day_range(date: NaiveDate) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
    let midnight = date.and_time(NaiveTime::MIN);
    (midnight - chrono::Duration::hours(2), midnight + chrono::Duration::days(1))
}
