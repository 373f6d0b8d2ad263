//! Reminders before a legal deadline: the CRI's work list, the letter, and what happened to it.

pub mod create_dispatch;
pub mod get_letter;
pub mod list;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_domain::reminders::{ReminderKind, ReminderStatus};
use parcours_store::reminders::ReminderView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKindDto {
    /// Present at the welcome office (CWASS art. 152/7 §1).
    Presentation,
    /// Complete the pathway (CWASS art. 152/7 §2).
    Completion,
}

/// Where a reminder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReminderStatusDto {
    /// To send.
    Due,
    /// Sent.
    Sent,
    /// Came back: address unknown.
    Bounced,
}

impl From<ReminderStatus> for ReminderStatusDto {
    fn from(status: ReminderStatus) -> Self {
        match status {
            ReminderStatus::Due => ReminderStatusDto::Due,
            ReminderStatus::Sent => ReminderStatusDto::Sent,
            ReminderStatus::Bounced => ReminderStatusDto::Bounced,
        }
    }
}

impl From<ReminderStatusDto> for ReminderStatus {
    fn from(status: ReminderStatusDto) -> Self {
        match status {
            ReminderStatusDto::Due => ReminderStatus::Due,
            ReminderStatusDto::Sent => ReminderStatus::Sent,
            ReminderStatusDto::Bounced => ReminderStatus::Bounced,
        }
    }
}

/// A reminder.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a2363a-9c3a-77e9-b769-6a5edf119343", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "case_reference": "CRIPEL-2026-000001", "kind": "presentation", "deadline": "2027-03-01", "due_on": "2027-01-30",
    "status": "due", "channel": null, "dispatched_on": null, "found_at": "2027-01-30T00:15:00Z",
    "letter_url": "/v1/reminders/01a2363a-9c3a-77e9-b769-6a5edf119343/letter"}))]
pub struct ReminderDto {
    /// Reminder id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// Its reference.
    pub case_reference: String,
    /// Which deadline.
    pub kind: ReminderKindDto,
    /// The deadline.
    pub deadline: NaiveDate,
    /// The day it became due.
    pub due_on: NaiveDate,
    /// Due, sent or bounced.
    pub status: ReminderStatusDto,
    /// How it went out (`post`, `email`, `hand_delivered`), once sent.
    pub channel: Option<String>,
    /// When it was sent or came back.
    pub dispatched_on: Option<NaiveDate>,
    /// When the reminder job found it.
    pub found_at: DateTime<Utc>,
    /// The letter (PDF).
    pub letter_url: String,
}

impl ReminderDto {
    /// The communicated form.
    pub fn new(view: &ReminderView) -> ReminderDto {
        let r = &view.reminder;
        ReminderDto {
            id: r.id.clone(),
            case_id: r.case_id.clone(),
            case_reference: view.case_reference.clone(),
            kind: match r.kind {
                ReminderKind::Presentation => ReminderKindDto::Presentation,
                ReminderKind::Completion => ReminderKindDto::Completion,
            },
            deadline: r.deadline,
            due_on: r.due_on,
            status: r.status.into(),
            channel: r.channel.clone(),
            dispatched_on: r.dispatched_on,
            found_at: r.created_at.and_utc(),
            letter_url: format!("/v1/reminders/{}/letter", r.id),
        }
    }
}
