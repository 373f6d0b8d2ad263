//! The `appointments` table: a case booked in a slot, and what became of it (attended, no-show, cancelled).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::welcome_office::AppointmentStatus;

use crate::appointment_slots::SlotRecord;
use crate::schema::{appointment_slots, appointments};
use crate::{DbConnection, StoreError};

/// An appointment as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = appointments)]
pub struct AppointmentRecord {
    /// Id.
    pub id: String,
    /// Slot.
    pub slot_id: String,
    /// Case.
    pub case_id: String,
    /// CRI holding the case.
    pub cri_code: String,
    /// Status code.
    pub status: String,
    /// Booked.
    pub booked_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// When the day-before reminder was recorded.
    pub reminder_recorded_at: Option<NaiveDateTime>,
}

impl AppointmentRecord {
    /// The status.
    pub fn status(&self) -> Result<AppointmentStatus, StoreError> {
        AppointmentStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown appointment status {}", self.status)))
    }
}

/// Stores a booking.
pub fn insert(conn: &mut DbConnection, record: &AppointmentRecord) -> Result<(), StoreError> {
    diesel::insert_into(appointments::table).values(record).execute(conn)?;
    Ok(())
}

/// The appointment holding the slot, if any (any status but cancelled).
pub fn holding_slot(conn: &mut DbConnection, slot_id: &str) -> Result<Option<AppointmentRecord>, StoreError> {
    Ok(appointments::table
        .filter(appointments::slot_id.eq(slot_id))
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.code()))
        .select(AppointmentRecord::as_select())
        .first(conn)
        .optional()?)
}

/// One appointment of the CRI's cases, with its slot.
pub fn find(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
) -> Result<Option<(AppointmentRecord, SlotRecord)>, StoreError> {
    Ok(appointments::table
        .inner_join(appointment_slots::table)
        .filter(appointments::id.eq(id))
        .filter(appointments::cri_code.eq(cri_code))
        .select((AppointmentRecord::as_select(), SlotRecord::as_select()))
        .first(conn)
        .optional()?)
}

/// Sets the status (and, for a move, the slot) of a booked appointment; the number of rows changed (0 when
/// it was no longer booked).
pub fn update_booked(
    conn: &mut DbConnection,
    id: &str,
    status: AppointmentStatus,
    slot_id: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        appointments::table
            .filter(appointments::id.eq(id))
            .filter(appointments::status.eq(AppointmentStatus::Booked.code())),
    )
    .set((appointments::status.eq(status.code()), appointments::slot_id.eq(slot_id), appointments::updated_at.eq(now)))
    .execute(conn)?)
}

/// A case's appointments with their slots, most recent first.
pub fn of_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<(AppointmentRecord, SlotRecord)>, StoreError> {
    Ok(appointments::table
        .inner_join(appointment_slots::table)
        .filter(appointments::case_id.eq(case_id))
        .order((appointment_slots::starts_at.desc(), appointments::id))
        .select((AppointmentRecord::as_select(), SlotRecord::as_select()))
        .load(conn)?)
}

/// The appointments holding any of `slot_ids` (not cancelled).
pub fn holding_slots(conn: &mut DbConnection, slot_ids: &[String]) -> Result<Vec<AppointmentRecord>, StoreError> {
    Ok(appointments::table
        .filter(appointments::slot_id.eq_any(slot_ids))
        .filter(appointments::status.ne(AppointmentStatus::Cancelled.code()))
        .select(AppointmentRecord::as_select())
        .load(conn)?)
}

/// Booked appointments not yet reminded whose slot starts in `[from, to)`.
pub fn to_remind(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<(AppointmentRecord, SlotRecord)>, StoreError> {
    Ok(appointments::table
        .inner_join(appointment_slots::table)
        .filter(appointments::status.eq(AppointmentStatus::Booked.code()))
        .filter(appointments::reminder_recorded_at.is_null())
        .filter(appointment_slots::starts_at.ge(from))
        .filter(appointment_slots::starts_at.lt(to))
        .select((AppointmentRecord::as_select(), SlotRecord::as_select()))
        .load(conn)?)
}

/// Marks the reminder recorded, once: 1 when this call did it, 0 when another run had.
pub fn mark_reminded(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::update(
        appointments::table.filter(appointments::id.eq(id)).filter(appointments::reminder_recorded_at.is_null()),
    )
    .set(appointments::reminder_recorded_at.eq(now))
    .execute(conn)?)
}

/// Records a step about an appointment on its case's timeline and feed (the case itself does not change).
pub fn record_step(
    conn: &mut DbConnection,
    appointment: &AppointmentRecord,
    step: parcours_domain::case::CaseEvent,
    actor: &crate::audit::Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let view =
        crate::cases::load_view(conn, &appointment.case_id, &appointment.cri_code)?.ok_or(StoreError::NotFound)?;
    crate::feed::record_steps(conn, view.case.step_subject(), &view.case.cri_code, &[step], actor, now)
}
