//! The `appointment_slots` table: the times an office's staff offer, each for one kind of appointment and
//! one person.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::welcome_office::{AppointmentKind, Slot};

use crate::schema::appointment_slots;
use crate::{DbConnection, StoreError};

/// A slot as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = appointment_slots)]
pub struct SlotRecord {
    /// Id.
    pub id: String,
    /// Office.
    pub office_id: String,
    /// The office's CRI.
    pub cri_code: String,
    /// Appointment kind code.
    pub kind: String,
    /// Start (UTC).
    pub starts_at: NaiveDateTime,
    /// Length in minutes.
    pub minutes: i32,
    /// The CRI's reference of the staff member.
    pub staff_ref: String,
    /// Created.
    pub created_at: NaiveDateTime,
}

impl SlotRecord {
    /// The row of a new slot.
    pub fn new(id: String, office_id: &str, cri_code: &str, slot: &Slot, now: NaiveDateTime) -> SlotRecord {
        SlotRecord {
            id,
            office_id: office_id.to_owned(),
            cri_code: cri_code.to_owned(),
            kind: slot.kind.code().to_owned(),
            starts_at: slot.starts_at.naive_utc(),
            minutes: i32::try_from(slot.minutes).unwrap_or(i32::MAX),
            staff_ref: slot.staff.clone(),
            created_at: now,
        }
    }

    /// The domain slot.
    pub fn slot(&self) -> Result<Slot, StoreError> {
        Ok(Slot {
            kind: AppointmentKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown appointment kind {}", self.kind)))?,
            starts_at: self.starts_at.and_utc(),
            minutes: u32::try_from(self.minutes).unwrap_or(0),
            staff: self.staff_ref.clone(),
        })
    }
}

/// Stores a slot.
pub fn insert(conn: &mut DbConnection, record: &SlotRecord) -> Result<(), StoreError> {
    diesel::insert_into(appointment_slots::table).values(record).execute(conn)?;
    Ok(())
}

/// The slots a staff member of the CRI holds that could overlap `[from, to)` (the longest slot is 8 hours).
pub fn of_staff_around(
    conn: &mut DbConnection,
    cri_code: &str,
    staff_ref: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<SlotRecord>, StoreError> {
    Ok(appointment_slots::table
        .filter(appointment_slots::cri_code.eq(cri_code))
        .filter(appointment_slots::staff_ref.eq(staff_ref))
        .filter(appointment_slots::starts_at.gt(from - Duration::hours(8)))
        .filter(appointment_slots::starts_at.lt(to))
        .select(SlotRecord::as_select())
        .load(conn)?)
}

/// One slot of the CRI.
pub fn find(conn: &mut DbConnection, id: &str, cri_code: &str) -> Result<Option<SlotRecord>, StoreError> {
    Ok(appointment_slots::table
        .filter(appointment_slots::id.eq(id))
        .filter(appointment_slots::cri_code.eq(cri_code))
        .select(SlotRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Takes the slot's row lock until commit, so that two bookings of one slot queue instead of racing (the
/// unique index `appointments_one_per_slot` stays the last word).
pub fn lock(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    diesel::update(appointment_slots::table.find(id))
        .set(appointment_slots::id.eq(appointment_slots::id))
        .execute(conn)?;
    Ok(())
}

/// An office's slots starting in `[from, to)`, in time order.
pub fn of_office_between(
    conn: &mut DbConnection,
    office_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<SlotRecord>, StoreError> {
    Ok(appointment_slots::table
        .filter(appointment_slots::office_id.eq(office_id))
        .filter(appointment_slots::starts_at.ge(from))
        .filter(appointment_slots::starts_at.lt(to))
        .order((appointment_slots::starts_at, appointment_slots::staff_ref))
        .select(SlotRecord::as_select())
        .load(conn)?)
}
