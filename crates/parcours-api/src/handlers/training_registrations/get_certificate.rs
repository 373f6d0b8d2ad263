//! `GET /v1/training-registrations/{id}/certificate`: the participation certificate (PDF) of a practitioner
//! who attended at least one session.

use actix_web::{HttpResponse, get, web};
use parcours_documents::training_certificate::{TrainingCertificate, render_training_certificate};
use parcours_domain::practitioner_training::{BASE_THEMES, participation};

use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The participation certificate.
///
/// The participation certificate (PDF) of a practitioner
/// who attended at least one session.
#[utoipa::path(
    tag = "practitioner-training",
    description = "The participation certificate of a registration of the CRI's training: the practitioner, the \
                   training, the sessions attended and their hours. Only for someone who attended at least one \
                   session (`nothing_attended` otherwise). Rendered on demand; each fetch is audited.",
    params(("id" = String, Path, description = "Registration id")),
    responses(
        (status = 200, description = "One A4 page, French", content_type = "application/pdf", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown registration, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing attended (`nothing_attended`)", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/training-registrations/{id}/certificate")]
pub async fn get_training_certificate(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let actor = actor(&agent.caller, &request_id);
    let certificate = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = agent.cri.code();
        let registration =
            parcours_store::training_registrations::find(&mut conn, &id, cri)?.ok_or(ApiError::NotFound)?;
        let record = parcours_store::trainings::find(&mut conn, &registration.training_id, Some(cri))?
            .ok_or(ApiError::NotFound)?;
        let training = record.training()?;
        let attended = participation(&training, &registration.attended()?)?;
        let reference = state.reference_data(&mut conn)?;
        let (cri_name, city) = reference
            .cris()
            .iter()
            .find(|c| c.code == agent.cri)
            .map_or_else(|| (cri.to_owned(), String::new()), |c| (c.name_fr.clone(), c.seat_city.clone()));
        let own_themes = parcours_store::training_themes::of_cri(&mut conn, cri)?;
        let theme = BASE_THEMES
            .iter()
            .find(|(code, _)| *code == training.theme)
            .map(|(_, label)| label.fr.to_owned())
            .or_else(|| own_themes.into_iter().find(|t| t.code == training.theme).map(|t| t.label_fr))
            .unwrap_or_else(|| training.theme.clone());
        parcours_store::write_transaction(&mut conn, |conn| {
            parcours_store::audit::append(
                conn,
                &actor,
                "read_training_certificate",
                "training",
                Some(&record.id),
                Some(format!("registration={}", registration.id)),
                state.clock.now(),
            )
        })?;
        Ok(TrainingCertificate {
            cri_name,
            city,
            practitioner: registration.full_name.clone(),
            organisation: registration.organisation.clone(),
            title: training.title.clone(),
            theme,
            cycle: record.kind == "cycle",
            place: training.place.clone(),
            trainer: training.trainer.clone(),
            attended: attended.sessions.iter().map(|s| (s.date, s.minutes)).collect(),
            planned: training.sessions.len(),
            reference: registration.id.clone(),
            issued_on: state.clock.today(),
        })
    })
    .await??;
    let pdf = super::super::attestations::render_off_thread("render-training-certificate", move || {
        render_training_certificate(&certificate)
    })?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"attestation-participation.pdf\""))
        .body(pdf))
}
