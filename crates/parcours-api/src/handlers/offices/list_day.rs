//! `GET /v1/offices/{id}/day?date=`: an office's day: every slot with the appointment it holds, and the
//! collective sessions, in time order (Brussels day).

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use parcours_domain::dates::brussels_date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{CollectiveSessionDto, SlotDto, day_range};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Which day.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The date (Brussels), `YYYY-MM-DD`.
    #[param(value_type = String, format = Date)]
    pub date: NaiveDate,
}

/// The appointment a slot holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"appointment_id": "01a20c90-0000-7000-8000-0000000000f3", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "case_reference": "CRIPEL-2026-000001", "status": "booked"}))]
pub struct HeldBy {
    /// Appointment id.
    pub appointment_id: String,
    /// Case id.
    pub case_id: String,
    /// Case reference.
    pub case_reference: String,
    /// `booked`, `attended` or `no_show`.
    pub status: String,
}

/// A slot of the day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"slot": {"id": "01a20c90-0000-7000-8000-0000000000f2", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
    "kind": "social_assessment", "starts_at": "2026-12-16T08:30:00Z", "starts_at_local": "2026-12-16T09:30:00+01:00",
    "ends_at": "2026-12-16T10:00:00Z", "minutes": 90, "staff_ref": "agent-07"}, "appointment": null}))]
pub struct DaySlot {
    /// The slot.
    pub slot: SlotDto,
    /// The appointment it holds; null when free.
    pub appointment: Option<HeldBy>,
}

/// An office's day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"office_id": "01a20c90-0000-7000-8000-0000000000f1", "date": "2026-12-16", "slots": [], "sessions": []}))]
pub struct OfficeDay {
    /// Office.
    pub office_id: String,
    /// Date.
    pub date: NaiveDate,
    /// Slots in time order.
    pub slots: Vec<DaySlot>,
    /// Collective sessions in time order.
    pub sessions: Vec<CollectiveSessionDto>,
}

/// Reads everything an office's day holds (also used by the iCalendar export).
pub fn office_day(
    conn: &mut parcours_store::DbConnection,
    office_id: &str,
    cri: &str,
    date: NaiveDate,
) -> Result<(parcours_store::welcome_offices::OfficeRecord, OfficeDay), ApiError> {
    let office = parcours_store::welcome_offices::find(conn, office_id, cri)?.ok_or(ApiError::NotFound)?;
    let (from, to) = day_range(date);
    let slots: Vec<_> = parcours_store::appointment_slots::of_office_between(conn, office_id, from, to)?
        .into_iter()
        .filter(|s| brussels_date(s.starts_at.and_utc()) == date)
        .collect();
    let slot_ids: Vec<String> = slots.iter().map(|s| s.id.clone()).collect();
    let appointments = parcours_store::appointments::holding_slots(conn, &slot_ids)?;
    let case_ids: Vec<String> = appointments.iter().map(|a| a.case_id.clone()).collect();
    let references = parcours_store::cases::references_of(conn, &case_ids, cri)?;
    let mut day_slots = Vec::new();
    for slot in &slots {
        let appointment = appointments.iter().find(|a| a.slot_id == slot.id).map(|a| HeldBy {
            appointment_id: a.id.clone(),
            case_id: a.case_id.clone(),
            case_reference: references.get(&a.case_id).cloned().unwrap_or_default(),
            status: a.status.clone(),
        });
        day_slots.push(DaySlot { slot: SlotDto::new(slot)?, appointment });
    }
    let mut sessions = Vec::new();
    for session in parcours_store::collective_sessions::of_office_between(conn, office_id, from, to)? {
        if brussels_date(session.starts_at.and_utc()) == date {
            let enrolled = parcours_store::session_enrolments::of_session(conn, &session.id)?.len();
            sessions.push(CollectiveSessionDto::new(&session, enrolled));
        }
    }
    Ok((office, OfficeDay { office_id: office_id.to_owned(), date, slots: day_slots, sessions }))
}

/// An office's day.
///
/// An office's day: every slot with the appointment it holds, and the
/// collective sessions, in time order (Brussels day).
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Office id"), DayQuery),
    responses(
        (status = 200, description = "Slots with their appointments, and sessions", body = OfficeDay),
        (status = 400, description = "Invalid date", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/offices/{id}/day")]
pub async fn list_office_day(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, date) = (path.into_inner(), query.date);
    let day = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(office_day(&mut conn, &id, agent.cri.code(), date)?.1)
    })
    .await??;
    Ok(HttpResponse::Ok().json(day))
}
