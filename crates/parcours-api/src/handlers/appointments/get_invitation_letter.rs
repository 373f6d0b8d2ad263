//! `GET /v1/appointments/{id}/invitation-letter`: the invitation to a booked appointment as a PDF: the
//! office's address, the date and time (Brussels), whether an interpreter is booked, and the presentation
//! deadline while the person has not presented. French, then a page in the person's language (the one the
//! commune reported) when the service offers it. Rendered on demand, never stored; each fetch is a read of
//! the person's file in the audit trail.

use actix_web::{HttpResponse, get, web};
use parcours_documents::information_letter::LetterLanguage;
use parcours_documents::invitation_letter::{InvitationLetter, render_invitation_letter};
use parcours_domain::case::CaseState;
use parcours_domain::dates::brussels_time;

use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The kind's name in a translation's language.
fn kind_in(language: LetterLanguage, kind: parcours_domain::welcome_office::AppointmentKind) -> String {
    use parcours_domain::welcome_office::AppointmentKind as K;
    let text = match (language, kind) {
        (LetterLanguage::English, kind) => kind.label().en,
        (LetterLanguage::Dutch, K::SocialAssessment) => "Sociale balans",
        (LetterLanguage::Dutch, K::FrenchTest) => "Niveautest Frans",
        (LetterLanguage::Dutch, K::IndividualInformation) => "Informatie over rechten en plichten",
        (LetterLanguage::Dutch, K::FollowUpReview) => "Evaluatiegesprek",
        (LetterLanguage::Spanish, K::SocialAssessment) => "Balance social",
        (LetterLanguage::Spanish, K::FrenchTest) => "Prueba de nivel de francés",
        (LetterLanguage::Spanish, K::IndividualInformation) => "Información sobre derechos y deberes",
        (LetterLanguage::Spanish, K::FollowUpReview) => "Entrevista de evaluación",
    };
    text.to_owned()
}

/// The invitation letter.
///
/// The invitation to a booked appointment as a PDF: the
/// office's address, the date and time (Brussels), whether an interpreter is booked, and the presentation
/// deadline while the person has not presented. French, then a page in the person's language (the one the
/// commune reported) when the service offers it. Rendered on demand, never stored; each fetch is a read of
/// the person's file in the audit trail.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Appointment id")),
    responses(
        (status = 200, description = "The invitation: one A4 page in French, then one in the person's language when it is English, Dutch or Spanish and the service offers it", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown appointment, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The appointment is no longer booked (`appointment_not_booked`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/appointments/{id}/invitation-letter")]
pub async fn get_appointment_invitation_letter(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let letter = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (cri, now) = (agent.cri.code(), state.clock.now());
        let reference = state.reference_data(&mut conn)?;
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let (appointment, slot_record) =
                parcours_store::appointments::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            if appointment.status()? != parcours_domain::welcome_office::AppointmentStatus::Booked {
                return Err(parcours_domain::welcome_office::WelcomeOfficeError::NotBooked.into());
            }
            let slot = slot_record.slot()?;
            let office =
                parcours_store::welcome_offices::find(conn, &slot_record.office_id, cri)?.ok_or(ApiError::NotFound)?;
            let view = parcours_store::cases::load_view(conn, &appointment.case_id, cri)?.ok_or(ApiError::NotFound)?;
            let report = parcours_store::arrivals::latest_report_payload(conn, &view.person.id)?;
            let contact = report
                .as_deref()
                .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
                .map(|payload| payload["contact"].clone())
                .unwrap_or_default();
            let field = |name: &str| contact[name].as_str().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
            let address = match (field("address"), field("postal_code"), field("locality")) {
                (Some(street), Some(postal_code), Some(locality)) => vec![street, format!("{postal_code} {locality}")],
                _ => Vec::new(),
            };
            let translation = field("language")
                .as_deref()
                .and_then(LetterLanguage::parse)
                .filter(|language| state.config.letter_languages.contains(language));
            let interpreter = parcours_store::interpreting_requests::booked_for(conn, Some(&id), None)?;
            let case = &view.aggregate;
            let present_by = if case.state == CaseState::Opened { case.deadlines.present_by } else { None };
            let cri_name = reference
                .cris()
                .iter()
                .find(|c| c.code.code() == cri)
                .map_or_else(|| cri.to_owned(), |c| c.name_fr.clone());
            parcours_store::audit::append_showing(
                conn,
                &actor,
                "read_invitation_letter",
                "appointment",
                Some(&id),
                Some(format!("case={}", view.case.id)),
                std::slice::from_ref(&view.person.id),
                now,
            )?;
            let local = brussels_time(slot.starts_at);
            Ok(InvitationLetter {
                cri_name,
                office_name: office.name.clone(),
                office_address: vec![office.street.clone(), format!("{} {}", office.postal_code, office.locality)],
                holder: format!("{} {}", view.person.surname.to_uppercase(), view.person.given_names),
                address,
                kind: (slot.kind.label().fr.to_owned(), translation.map(|language| kind_in(language, slot.kind))),
                date: local.date_naive(),
                time: local.format("%H:%M").to_string(),
                minutes: slot.minutes,
                interpreter_language: interpreter.map(|i| i.language),
                present_by,
                case_reference: view.case.reference.clone(),
                issued_on: state.clock.today(),
                translation,
            })
        })
    })
    .await??;
    let pdf = super::super::attestations::render_off_thread("render-invitation-letter", move || {
        render_invitation_letter(&letter)
    })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"invitation.pdf\""))
        .body(pdf))
}
