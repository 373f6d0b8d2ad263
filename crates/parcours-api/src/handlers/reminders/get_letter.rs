//! `GET /v1/reminders/{id}/letter`: the reminder as a one-page PDF in French, addressed to the person at
//! the address the commune reported, with the CRI's office, the deadline and how it is computed. Rendered
//! on demand (never stored); each fetch is a read of the person's file in the audit trail. Without a
//! reported postal address: 409 `address_unknown` (record the reminder as bounced, or hand it over).

use actix_web::{HttpResponse, get, web};
use parcours_documents::reminder_letter::{ReminderLetter, ReminderSubject, render_reminder_letter};
use parcours_domain::reminders::ReminderKind;

use crate::auth::CriAgent;
use crate::dto::{DeadlineKindDto, DeterminationDto};
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The reminder letter.
///
/// The reminder as a one-page PDF in French, addressed to the person at
/// the address the commune reported, with the CRI's office, the deadline and how it is computed. Rendered
/// on demand (never stored); each fetch is a read of the person's file in the audit trail. Without a
/// reported postal address: 409 `address_unknown` (record the reminder as bounced, or hand it over).
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path, description = "Reminder id")),
    responses(
        (status = 200, description = "The letter (one A4 page, French)", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown reminder, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The commune reported no postal address (`address_unknown`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/reminders/{id}/letter")]
pub async fn get_reminder_letter(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let letter = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = agent.cri.code().to_owned();
        let data = parcours_store::reminders::reminder_letter_data(&mut conn, &id, &cri, &actor, state.clock.now())?
            .ok_or(ApiError::NotFound)?;
        let contact = data
            .latest_report_json
            .as_deref()
            .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
            .map(|payload| payload["contact"].clone())
            .unwrap_or_default();
        let field = |name: &str| contact[name].as_str().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let (Some(street), Some(postal_code), Some(locality)) =
            (field("address"), field("postal_code"), field("locality"))
        else {
            return Err(ApiError::Conflict(
                "address_unknown",
                Text::new(
                    "La commune n'a pas communiqué d'adresse postale complète : remettez le rappel en main propre ou enregistrez-le comme revenu (bounced).",
                    "The commune reported no complete postal address: hand the reminder over, or record it as bounced.",
                ),
            ));
        };
        let determination: DeterminationDto = serde_json::from_str(&data.determination_json)
            .map_err(|e| ApiError::Internal(format!("stored determination unreadable: {e}")))?;
        let reminder = &data.reminder;
        let (subject, kind) = match reminder.kind {
            ReminderKind::Presentation => (ReminderSubject::Presentation, DeadlineKindDto::PresentBy),
            ReminderKind::Completion => (ReminderSubject::Completion, DeadlineKindDto::CompleteBy),
        };
        // The determination's own computation, when the deadline is still the one it set; otherwise the
        // CRI moved it (an extension or a suspension recorded on the case), and the letter says so.
        let computed = determination.deadlines.iter().find(|d| d.kind == kind);
        let computation = match computed {
            Some(d) if d.date == reminder.deadline => d.explanation.fr.clone(),
            Some(d) => format!(
                "Échéance initiale : {}. Elle a été déplacée au {} par une prolongation ou une suspension enregistrée à votre dossier.",
                d.explanation.fr,
                reminder.deadline.format("%d/%m/%Y")
            ),
            None => format!("Échéance enregistrée à votre dossier : {}.", reminder.deadline.format("%d/%m/%Y")),
        };
        let reference = state.reference_data(&mut conn)?;
        let known = reference.cris().iter().find(|c| c.code.code() == cri);
        let settings = parcours_store::cri_settings::get(&mut conn, &cri)?;
        let cri_address: Vec<String> = match &settings {
            Some(s) => s.office_address.lines().map(str::to_owned).collect(),
            None => known.map(|c| vec![c.seat_city.clone()]).unwrap_or_default(),
        };
        let city = known.map(|c| c.seat_city.clone()).unwrap_or_default();
        Ok(ReminderLetter {
            cri_name: known.map(|c| c.name_fr.clone()).unwrap_or_else(|| cri.clone()),
            cri_address,
            city,
            holder: format!("{} {}", data.person.surname.to_uppercase(), data.person.given_names),
            address: vec![street, format!("{postal_code} {locality}")],
            subject,
            deadline: reminder.deadline,
            computation,
            case_reference: data.case.reference.clone(),
            issued_on: state.clock.today(),
        })
    })
    .await??;
    let pdf = super::super::attestations::render_off_thread("render-reminder-letter", move || {
        render_reminder_letter(&letter)
    })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"rappel.pdf\""))
        .body(pdf))
}
