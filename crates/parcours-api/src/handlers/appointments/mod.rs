//! Appointments at the welcome office: booked for a case in a free slot, moved, cancelled, and closed with
//! their outcome (attended: the presentation and the step of its kind go on the case; no-show: counted,
//! the presentation deadline keeps running). Each change is a step on the case's timeline and feed for the
//! CRI's calendar and messaging software; the invitation letter is printed on demand.

pub mod create;
pub mod create_cancellation;
pub mod create_outcome;
pub mod create_rescheduling;
pub mod get;
pub mod get_invitation_letter;
pub mod list_of_case;

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, NaiveDateTime, Utc};
use parcours_domain::welcome_office::{AppointmentChange, appointment_event};
use parcours_store::DbConnection;
use parcours_store::appointment_slots::SlotRecord;
use parcours_store::appointments::AppointmentRecord;
use parcours_store::audit::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::interpreting_requests::InterpretingDto;
use crate::handlers::offices::SlotDto;
use crate::problem::{ApiError, FieldError};

/// An appointment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000f3", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "status": "booked", "booked_at": "2026-12-15T09:00:00Z",
    "slot": {"id": "01a20c90-0000-7000-8000-0000000000f2", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
        "kind": "social_assessment", "starts_at": "2026-12-16T08:30:00Z", "starts_at_local": "2026-12-16T09:30:00+01:00",
        "ends_at": "2026-12-16T10:00:00Z", "minutes": 90, "staff_ref": "agent-07"},
    "interpreting": [], "invitation_letter_url": "/v1/appointments/01a20c90-0000-7000-8000-0000000000f3/invitation-letter"}))]
pub struct AppointmentDto {
    /// Id.
    pub id: String,
    /// Case.
    pub case_id: String,
    /// `booked`, `attended`, `no_show` or `cancelled`.
    pub status: String,
    /// Booked.
    pub booked_at: DateTime<Utc>,
    /// The slot it holds (or held).
    pub slot: SlotDto,
    /// Interpreting requested for it.
    pub interpreting: Vec<InterpretingDto>,
    /// The invitation letter (PDF).
    pub invitation_letter_url: String,
}

impl AppointmentDto {
    /// The communicated form, with the interpreting requests read for it.
    pub fn load(
        conn: &mut DbConnection,
        appointment: &AppointmentRecord,
        slot: &SlotRecord,
    ) -> Result<AppointmentDto, ApiError> {
        let interpreting = parcours_store::interpreting_requests::for_occasion(conn, Some(&appointment.id), None)?;
        Ok(AppointmentDto {
            id: appointment.id.clone(),
            case_id: appointment.case_id.clone(),
            status: appointment.status.clone(),
            booked_at: appointment.booked_at.and_utc(),
            slot: SlotDto::new(slot)?,
            interpreting: interpreting.iter().map(InterpretingDto::new).collect(),
            invitation_letter_url: format!("/v1/appointments/{}/invitation-letter", appointment.id),
        })
    }

    /// The answer, with `Location` on a booking.
    pub fn respond(&self, created: bool) -> HttpResponse {
        if created {
            HttpResponse::Created()
                .insert_header((header::LOCATION, format!("/v1/appointments/{}", self.id)))
                .json(self)
        } else {
            HttpResponse::Ok().json(self)
        }
    }
}

/// The slot named in a body, 422 when the CRI has no such slot.
pub fn slot_in_body(conn: &mut DbConnection, slot_id: &str, cri: &str) -> Result<SlotRecord, ApiError> {
    parcours_store::appointment_slots::find(conn, slot_id, cri)?.ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            "slot_id",
            "unknown_slot",
            "Aucune plage de ce CRI n'a cet identifiant.",
            "No slot of this CRI has this id.",
        )])
    })
}

/// Records an appointment change on its case's timeline and feed (the case itself does not change).
pub fn record_change(
    conn: &mut DbConnection,
    appointment: &AppointmentRecord,
    change: AppointmentChange,
    slot: &SlotRecord,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let step = appointment_event(change, &slot.slot()?, &appointment.id);
    Ok(parcours_store::appointments::record_step(conn, appointment, step, actor, now)?)
}

/// The slot id a move or booking names.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slot_id": "01a20c90-0000-7000-8000-0000000000f2"}))]
pub struct SlotChoice {
    /// A free slot of the CRI's.
    pub slot_id: String,
}
