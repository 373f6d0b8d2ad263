//! `POST /v1/offices/{id}/slots`: staff open appointment slots at an office, all or none: a staff member
//! never holds two slots at once.

use actix_web::{HttpResponse, post, web};
use chrono::Duration;
use parcours_domain::welcome_office::{AppointmentKind, Slot, check_new_slot};
use parcours_store::appointment_slots::SlotRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{SlotDto, instant_field};
use crate::auth::CriAgent;
use crate::handlers::cases::{choice, short_text};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// One slot to open.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "social_assessment", "starts_at": "2026-12-16T09:30:00+01:00", "staff_ref": "agent-07"}))]
pub struct SlotRequest {
    /// `social_assessment`, `french_test`, `individual_information` or `follow_up_review`.
    pub kind: String,
    /// Start, RFC 3339 with its offset.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// Length in minutes (5 to 480); the kind's usual length when absent (90 for a social assessment).
    pub minutes: Option<u32>,
    /// The CRI's reference of the staff member (not a name).
    pub staff_ref: String,
}

/// Slots to open.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slots": [{"kind": "social_assessment", "starts_at": "2026-12-16T09:30:00+01:00", "staff_ref": "agent-07"},
    {"kind": "french_test", "starts_at": "2026-12-16T11:00:00+01:00", "minutes": 60, "staff_ref": "agent-07"}]}))]
pub struct SlotsRequest {
    /// 1 to 200 slots.
    pub slots: Vec<SlotRequest>,
}

/// The slots opened.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "01a20c90-0000-7000-8000-0000000000f2", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
    "kind": "social_assessment", "starts_at": "2026-12-16T08:30:00Z", "starts_at_local": "2026-12-16T09:30:00+01:00",
    "ends_at": "2026-12-16T10:00:00Z", "minutes": 90, "staff_ref": "agent-07"}]}))]
pub struct SlotList {
    /// In the order given.
    pub items: Vec<SlotDto>,
}

/// Opens slots.
///
/// Staff open appointment slots at an office, all or none: a staff member
/// never holds two slots at once.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Office id")),
    request_body = SlotsRequest,
    responses(
        (status = 201, description = "The slots opened", body = SlotList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A staff member would hold two slots at once (`staff_already_booked`): none opened", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, a start in the past, a length outside 5-480 minutes", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/offices/{id}/slots")]
pub async fn create_office_slots(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<SlotsRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.slots.is_empty() || body.slots.len() > 200 {
        return Err(ApiError::Validation(vec![crate::problem::FieldError::new(
            "slots",
            "length",
            "De 1 à 200 plages.",
            "1 to 200 slots.",
        )]));
    }
    let kinds: Vec<(&str, AppointmentKind)> = AppointmentKind::ALL.iter().map(|k| (k.code(), *k)).collect();
    let slots = body
        .slots
        .iter()
        .map(|s| {
            let kind = choice("kind", &s.kind, &kinds)?;
            Ok(Slot {
                kind,
                starts_at: instant_field("starts_at", &s.starts_at)?,
                minutes: s.minutes.unwrap_or(kind.usual_minutes()),
                staff: short_text("staff_ref", &s.staff_ref, 60)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let actor = actor(&agent.caller, &request_id);
    let office_id = path.into_inner();
    let path_office_id = office_id.clone();
    let records = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            parcours_store::welcome_offices::find(conn, &office_id, cri)?.ok_or(ApiError::NotFound)?;
            let mut records: Vec<SlotRecord> = Vec::new();
            for slot in &slots {
                let from = slot.starts_at.naive_utc();
                let to = from + Duration::minutes(i64::from(slot.minutes));
                let mut held = Vec::new();
                for record in parcours_store::appointment_slots::of_staff_around(conn, cri, &slot.staff, from, to)? {
                    held.push(record.slot()?);
                }
                // The slots of this same request count too.
                held.extend(slots.iter().take(records.len()).cloned());
                check_new_slot(slot, &held, state.clock.now().and_utc())?;
                let record = SlotRecord::new(parcours_store::new_id(), &office_id, cri, slot, now);
                parcours_store::appointment_slots::insert(conn, &record)?;
                records.push(record);
            }
            parcours_store::audit::append(
                conn,
                &actor,
                "create_office_slots",
                "welcome_office",
                Some(&office_id),
                Some(format!("slots={}", records.len())),
                now,
            )?;
            Ok(records)
        })
    })
    .await??;
    let items: Vec<SlotDto> = records.iter().map(SlotDto::new).collect::<Result<_, _>>()?;
    // The slots are read in the office's day, from the day of the first one (local time).
    let location = match items.first() {
        Some(first) => format!("/v1/offices/{}/day?date={}", first.office_id, &first.starts_at_local[..10]),
        None => format!("/v1/offices/{}", path_office_id),
    };
    Ok(HttpResponse::Created().insert_header(("Location", location)).json(SlotList { items }))
}
