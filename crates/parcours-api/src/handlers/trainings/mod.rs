//! The training of practitioners: cycles and modules, registrations with a waiting list, attendance per
//! session day, and the yearly count of practitioners trained per theme. The rules are
//! `parcours_domain::practitioner_training`'s.

pub mod create;
pub mod create_attendance;
pub mod create_registration;
pub mod get;
pub mod list;
pub mod list_statistics;

use parcours_domain::practitioner_training::{Training, TrainingKind, TrainingSession};
use parcours_store::training_registrations::TrainingRegistrationRecord;
use parcours_store::trainings::TrainingRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::cases::{choice, date_field, short_text};
use crate::problem::{ApiError, FieldError};

/// One day of a training.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2027-01-12", "minutes": 360}))]
pub struct TrainingSessionDto {
    /// The day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub date: String,
    /// Its length, minutes (1 to 600).
    pub minutes: u32,
}

/// A training as the CRI plans it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "cycle", "title": "Accueillir un public migrant au guichet", "theme": "welcoming_the_public",
    "sessions": [{"date": "2027-01-12", "minutes": 360}, {"date": "2027-01-19", "minutes": 360}],
    "place": "CRIPEL, Place Xavier Neujean 19b, Liège", "capacity": 16, "trainer": "Amina Benali"}))]
pub struct TrainingRequest {
    /// `cycle` (several sessions) or `module` (one).
    pub kind: String,
    /// Title (1 to 200 characters).
    pub title: String,
    /// Theme code (`GET /v1/training-themes`).
    pub theme: String,
    /// Its days, in order.
    pub sessions: Vec<TrainingSessionDto>,
    /// Where.
    pub place: String,
    /// Places (1 to 500).
    pub capacity: u32,
    /// The trainer.
    pub trainer: String,
}

impl TrainingRequest {
    /// The domain training (fields parsed; the domain checks the whole).
    pub fn training(&self) -> Result<Training, ApiError> {
        Ok(Training {
            kind: choice("kind", &self.kind, &[("cycle", TrainingKind::Cycle), ("module", TrainingKind::Module)])?,
            title: short_text("title", &self.title, 200)?,
            theme: self.theme.trim().to_owned(),
            sessions: self
                .sessions
                .iter()
                .map(|s| Ok(TrainingSession { date: date_field("sessions.date", &s.date)?, minutes: s.minutes }))
                .collect::<Result<_, ApiError>>()?,
            place: short_text("place", &self.place, 300)?,
            capacity: self.capacity,
            trainer: short_text("trainer", &self.trainer, 200)?,
        })
    }
}

/// A registration.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001f2", "training_id": "01a20c90-0000-7000-8000-0000000001f1",
    "full_name": "Claire Dubois", "organisation": "CPAS de Seraing", "email": "claire.dubois@cpas-seraing.example.be",
    "status": "waiting_list", "waiting_position": 1, "attended": []}))]
pub struct TrainingRegistrationDto {
    /// Id.
    pub id: String,
    /// The training.
    pub training_id: String,
    /// The practitioner's name.
    pub full_name: String,
    /// Their organisation.
    pub organisation: String,
    /// Their professional e-mail.
    pub email: String,
    /// `registered`, `waiting_list`, `withdrawn`.
    pub status: String,
    /// Place on the waiting list, from 1 (only while waiting).
    pub waiting_position: Option<usize>,
    /// Days attended.
    pub attended: Vec<String>,
}

impl TrainingRegistrationDto {
    /// The communicated form; `all` are the training's registrations in order (for the waiting position).
    pub fn new(
        record: &TrainingRegistrationRecord,
        all: &[TrainingRegistrationRecord],
    ) -> Result<TrainingRegistrationDto, ApiError> {
        let waiting_position = (record.status == "waiting_list").then(|| {
            all.iter().filter(|r| r.status == "waiting_list").position(|r| r.id == record.id).map_or(0, |p| p + 1)
        });
        Ok(TrainingRegistrationDto {
            id: record.id.clone(),
            training_id: record.training_id.clone(),
            full_name: record.full_name.clone(),
            organisation: record.organisation.clone(),
            email: record.email.clone(),
            status: record.status()?.code().to_owned(),
            waiting_position,
            attended: record.attended()?.iter().map(|d| d.to_string()).collect(),
        })
    }
}

/// A training.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000001f1", "cri": "CRIPEL", "kind": "cycle",
    "title": "Accueillir un public migrant au guichet", "theme": "welcoming_the_public",
    "sessions": [{"date": "2027-01-12", "minutes": 360}], "place": "CRIPEL, Liège", "capacity": 16, "trainer": "Amina Benali",
    "registered": 16, "waiting": 2}))]
pub struct TrainingDto {
    /// Id.
    pub id: String,
    /// The CRI that runs it.
    pub cri: String,
    /// `cycle` or `module`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Theme code.
    pub theme: String,
    /// Its days.
    pub sessions: Vec<TrainingSessionDto>,
    /// Where.
    pub place: String,
    /// Places.
    pub capacity: u32,
    /// The trainer.
    pub trainer: String,
    /// Places taken.
    pub registered: usize,
    /// On the waiting list.
    pub waiting: usize,
    /// The registrations, in order (on a single training).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registrations: Option<Vec<TrainingRegistrationDto>>,
}

impl TrainingDto {
    /// The communicated form, with the counts from `registrations`; `with_names` adds them one by one.
    pub fn new(
        record: &TrainingRecord,
        registrations: &[TrainingRegistrationRecord],
        with_names: bool,
    ) -> Result<TrainingDto, ApiError> {
        let training = record.training()?;
        let count = |status: &str| registrations.iter().filter(|r| r.status == status).count();
        Ok(TrainingDto {
            id: record.id.clone(),
            cri: record.cri_code.clone(),
            kind: record.kind.clone(),
            title: training.title,
            theme: training.theme,
            sessions: training
                .sessions
                .iter()
                .map(|s| TrainingSessionDto { date: s.date.to_string(), minutes: s.minutes })
                .collect(),
            place: training.place,
            capacity: training.capacity,
            trainer: training.trainer,
            registered: count("registered"),
            waiting: count("waiting_list"),
            registrations: with_names
                .then(|| registrations.iter().map(|r| TrainingRegistrationDto::new(r, registrations)).collect())
                .transpose()?,
        })
    }
}

/// Checks a professional e-mail address (shape only: it is not verified by sending).
pub fn email_field(value: &str) -> Result<String, ApiError> {
    let email = value.trim();
    let valid = email.len() <= 200
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(char::is_whitespace);
    if !valid {
        return Err(ApiError::Validation(vec![FieldError::new(
            "email",
            "invalid_email",
            "Adresse e-mail invalide.",
            "Invalid e-mail address.",
        )]));
    }
    Ok(email.to_owned())
}
