//! `GET /v1/arrivals/{id}/letter`: the information letter the commune hands to the person at the order of
//! the residence title (rules.md rule 4.1), as a PDF in French: why the person is concerned, the competent
//! CRI's address, the presentation deadline and how it is computed, the rights and the consequences; then
//! the same page in the person's language (`contact.language` of the report) when the service offers it
//! (`PARCOURS_LETTER_LANGUAGES`: English, Dutch and Spanish ship).
//! Rendered on demand from the stored determination (never stored), for the commune that reported the
//! arrival; each fetch is a read in the audit trail.

use actix_web::{HttpResponse, get, web};
use parcours_documents::information_letter::{
    DeadlineStart, InformationLetter, LetterLanguage, render_information_letter,
};

use crate::auth::CommuneAgent;
use crate::dto::{DeadlineKindDto, DeterminationDto, StatusDto};
use crate::problem::{ApiError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Whether the pathway concerns the person, so that the commune has a letter to hand over: obliged, or
/// free to follow it voluntarily, with a competent CRI to go to.
pub fn letter_applies(determination: &DeterminationDto) -> bool {
    determination.competent_cri.is_some()
        && (determination.status == StatusDto::Obliged || determination.voluntary_participation_open)
}

/// The information letter of an arrival.
///
/// The information letter the commune hands to the person at the order of
/// the residence title (rules.md rule 4.1), as a PDF in French: why the person is concerned, the competent
/// CRI's address, the presentation deadline and how it is computed, the rights and the consequences; then
/// the same page in the person's language (`contact.language` of the report) when the service offers it
/// (`PARCOURS_LETTER_LANGUAGES`: English, Dutch and Spanish ship).
/// Rendered on demand from the stored determination (never stored), for the commune that reported the
/// arrival; each fetch is a read in the audit trail.
#[utoipa::path(
    tag = "arrivals",
    params(("id" = String, Path, description = "Arrival id")),
    responses(
        (status = 200, description = "The letter: one A4 page in French, then one in the person's language when it is English, Dutch or Spanish and the service offers it", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a commune agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or reported by another commune", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`no_information_letter`: the person is not concerned by the pathway, so there is no letter", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/arrivals/{id}/letter")]
pub async fn get_arrival_letter(
    state: web::Data<AppState>,
    agent: CommuneAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let actor = actor(&agent.caller, &request_id);
    let letter = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let view = parcours_store::arrivals::get_arrival(&mut conn, &id, &actor, state.clock.now())?
            .ok_or(ApiError::NotFound)?;
        let determination: DeterminationDto = serde_json::from_str(&view.determination.result_json)
            .map_err(|e| ApiError::Internal(format!("stored determination unreadable: {e}")))?;
        let obliged = determination.status == StatusDto::Obliged;
        let cri = determination.competent_cri.as_ref().filter(|_| letter_applies(&determination));
        let Some(cri) = cri else {
            return Err(ApiError::Conflict(
                "no_information_letter",
                Text::new(
                    "La personne n'est pas concernée par le parcours d'intégration : il n'y a pas de lettre à remettre.",
                    "The person is not concerned by the integration pathway: there is no letter to hand over.",
                ),
            ));
        };
        let reference = state.reference_data(&mut conn)?;
        let commune_name = parcours_domain::NisCode::parse(&view.arrival.commune_nis)
            .ok()
            .and_then(|nis| reference.commune_name_fr(nis))
            .unwrap_or_else(|| view.arrival.commune_nis.clone());
        let known_cri = reference.cris().iter().find(|c| c.code.code() == cri.code);
        let settings = parcours_store::cri_settings::get(&mut conn, &cri.code)?;
        // The office the CRI set for its documents, else its seat (every CRI publishes its address there).
        let cri_address = match settings {
            Some(s) => s.office_address.lines().map(str::to_owned).collect(),
            None => known_cri.map(|c| vec![c.seat_city.clone()]).unwrap_or_default(),
        };
        let deadline = |kind: DeadlineKindDto| determination.deadlines.iter().find(|d| d.kind == kind);
        let fines = reference.parameters.fine_range.on(determination.reference_date);
        // The person as this commune reported them, in the language it reported (a translated page when the
        // service offers one; French only otherwise).
        let (surname, given_names) = match &view.reported {
            Some(reported) => (reported.surname.clone(), reported.given_names.clone()),
            None => (view.person.surname.clone(), view.person.given_names.clone()),
        };
        let reported_language = serde_json::from_str::<serde_json::Value>(&view.arrival.payload_json)
            .ok()
            .and_then(|payload| payload["contact"]["language"].as_str().map(str::to_owned));
        let translation = reported_language
            .as_deref()
            .and_then(LetterLanguage::parse)
            .filter(|language| state.config.letter_languages.contains(language));
        let present_by_start = deadline(DeadlineKindDto::PresentBy).filter(|_| obliged).map(|d| {
            let basis =
                if d.start_basis == "title_order" { DeadlineStart::TitleOrder } else { DeadlineStart::FirstRegistration };
            (basis, d.start, d.months_added)
        });
        Ok(InformationLetter {
            commune_name,
            holder: format!("{} {}", surname.to_uppercase(), given_names),
            present_by_start,
            translation,
            obliged,
            cri_name: cri.name.clone(),
            cri_address,
            cri_website: known_cri.map(|c| c.website.clone()).unwrap_or_default(),
            present_by: deadline(DeadlineKindDto::PresentBy).filter(|_| obliged).map(|d| d.date),
            present_by_explanation: deadline(DeadlineKindDto::PresentBy)
                .filter(|_| obliged)
                .map(|d| d.explanation.fr.clone()),
            complete_by: deadline(DeadlineKindDto::CompleteBy).filter(|_| obliged).map(|d| d.date),
            fine_min_eur: fines.min_eur,
            fine_max_eur: fines.max_eur,
            issued_on: determination.as_of,
        })
    })
    .await??;
    let pdf = super::super::attestations::render_off_thread("render-information-letter", move || {
        render_information_letter(&letter)
    })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"lettre-information.pdf\""))
        .body(pdf))
}
