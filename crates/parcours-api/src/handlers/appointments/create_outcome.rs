//! `POST /v1/appointments/{id}/outcome`: what happened at a booked appointment. Attended: the presentation
//! (when the case awaited it), the step of the appointment's kind and the interpreter who assisted are
//! recorded on the case, with the appointment's date. No-show: counted on the case; it is not a
//! presentation, so the presentation deadline keeps running.

use actix_web::{HttpResponse, post, web};
use parcours_domain::case::{FrenchTest, SocialAssessment};
use parcours_domain::welcome_office::{
    AppointmentChange, AppointmentStatus, Outcome, StepDetails, WelcomeOfficeError, appointment_event, outcome_commands,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppointmentDto;
use crate::auth::CriAgent;
use crate::handlers::cases::french_test::LEVELS;
use crate::handlers::cases::social_assessment::parse_needs;
use crate::handlers::cases::{CaseResponse, apply_commands, choice, short_text};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// What happened.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "attended", "needs": ["housing", "employment"], "sensitive_notes": "Cherche un logement plus grand."}))]
pub struct OutcomeRequest {
    /// `attended` or `no_show`.
    pub outcome: String,
    /// Social assessment attended: the needs found (`housing`, `health`, `employment`, `training`,
    /// `family`, `administration`, `other`).
    pub needs: Option<Vec<String>>,
    /// Social assessment attended: a short sensitive note (at most 500 characters), sealed, CRI only.
    pub sensitive_notes: Option<String>,
    /// French test attended: the tool (for example `ELAO`).
    pub tool: Option<String>,
    /// French test attended: the CEFR level (`pre_A1`, `A1` ... `C2`).
    pub level: Option<String>,
}

/// The appointment and the case after its outcome.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "appointment": {"id": "01a20c90-0000-7000-8000-0000000000f3", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
        "status": "attended", "booked_at": "2026-12-15T09:00:00Z",
        "slot": {"id": "01a20c90-0000-7000-8000-0000000000f2", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
            "kind": "social_assessment", "starts_at": "2026-12-16T08:30:00Z", "starts_at_local": "2026-12-16T09:30:00+01:00",
            "ends_at": "2026-12-16T10:00:00Z", "minutes": 90, "staff_ref": "agent-07"},
        "interpreting": [], "invitation_letter_url": "/v1/appointments/01a20c90-0000-7000-8000-0000000000f3/invitation-letter"},
    "case": {"id": "01a20c77-7b57-74d7-9abc-4cc1251bd929", "reference": "CRIPEL-2026-000001", "state": "welcome_in_progress",
        "obliged": true, "regime": "R2024", "cri": "CRIPEL", "commune_nis": "62063", "opened_at": "2026-12-15T10:00:00Z", "version": 3,
        "person": {"id": "01a20c77-7b56-746b-9146-5b7ab1935fa8", "niss": "90051012446", "surname": "El Amrani", "given_names": "Samira"},
        "deadlines": [{"kind": "complete_by", "date": "2029-12-15", "explanation": {"fr": "Échéance fixée par la détermination (régime R2024).", "en": "Deadline set by the determination (regime R2024)."}}],
        "hours": [], "next_review_due": null, "review_overdue": false, "presentation_overdue": false, "pending_claims": [],
        "details": {"presentation": {"date": "2026-12-16", "late": false, "force_majeure": null}, "no_shows": 0}}
}))]
pub struct OutcomeResponse {
    /// The appointment, `attended` or `no_show`.
    pub appointment: AppointmentDto,
    /// The case with its new version (its `ETag`).
    pub case: CaseResponse,
}

/// Records an appointment's outcome.
///
/// What happened at a booked appointment. Attended: the presentation
/// (when the case awaited it), the step of the appointment's kind and the interpreter who assisted are
/// recorded on the case, with the appointment's date. No-show: counted on the case; it is not a
/// presentation, so the presentation deadline keeps running.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Appointment id")),
    request_body = OutcomeRequest,
    responses(
        (status = 200, description = "The appointment and the case; `appointment_attended` (with the steps) or `appointment_no_show` on the feed", body = OutcomeResponse),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown appointment, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not booked any more, not yet started (`not_yet_held`), or the case's state refuses the step (`illegal_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field, or details that do not match the kind (`details_mismatch`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/appointments/{id}/outcome")]
pub async fn create_appointment_outcome(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<OutcomeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let attended = choice("outcome", &body.outcome, &[("attended", true), ("no_show", false)])?;
    let needs = body.needs.as_deref().map(parse_needs).transpose()?;
    let notes = body.sensitive_notes.as_deref().map(|t| short_text("sensitive_notes", t, 500)).transpose()?;
    let tool = body.tool.as_deref().map(|t| short_text("tool", t, 60)).transpose()?;
    let level = body.level.as_deref().map(|l| choice("level", l, &LEVELS)).transpose()?;
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let keys = state.config.data_keys.clone();
    let (dto, case) = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let (cri, now, today) = (agent.cri.code(), state.clock.now(), state.clock.today());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let (appointment, slot_record) =
                parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            let slot = slot_record.slot()?;
            let interpreter = parcours_store::interpreting_requests::booked_for(conn, Some(&id), None)?;
            let case_id = appointment.case_id.clone();
            let outcome = if attended {
                let placeholder = slot.date();
                Outcome::Attended(match (needs, tool, level) {
                    (Some(needs), None, None) => StepDetails::SocialAssessment(SocialAssessment {
                        date: placeholder,
                        needs,
                        sensitive_notes: notes.map(|n| keys.seal(&n, &case_id)),
                    }),
                    (None, Some(tool), Some(level)) => {
                        StepDetails::FrenchTest(FrenchTest { date: placeholder, tool, level })
                    }
                    (None, None, None) if notes.is_none() => StepDetails::None,
                    _ => return Err(WelcomeOfficeError::DetailsMismatch.into()),
                })
            } else {
                Outcome::NoShow
            };
            let mut status = AppointmentStatus::Booked;
            let view = apply_commands(
                conn,
                &reference,
                &case_id,
                cri,
                &actor,
                "create_appointment_outcome",
                today,
                now,
                |case| {
                    let (next, commands) = outcome_commands(
                        appointment.status()?,
                        &slot,
                        case,
                        outcome,
                        interpreter.as_ref(),
                        now.and_utc(),
                    )?;
                    status = next;
                    let extra = if next == AppointmentStatus::Attended {
                        vec![appointment_event(AppointmentChange::Attended, &slot, &id)]
                    } else {
                        Vec::new()
                    };
                    Ok((commands, extra))
                },
            )?;
            if parcours_store::appointments::update_booked(conn, &id, status, &slot_record.id, now)? != 1 {
                return Err(WelcomeOfficeError::NotBooked.into());
            }
            let (closed, slot_record) =
                parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            let dto = AppointmentDto::load(conn, &closed, &slot_record)?;
            let case = CaseResponse::new(&view, &reference, &state.config.data_keys, today)?;
            Ok((dto, case))
        })
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::ETAG, format!("\"{}\"", case.version)))
        .json(OutcomeResponse { appointment: dto, case }))
}
