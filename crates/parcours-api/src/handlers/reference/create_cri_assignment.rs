//! `POST /v1/communes/{nis}/cri-assignments`: the Region corrects a commune's competent CRI from a date
//! on, without a release. Determinations use the assignment valid on each person's reference date.

use actix_web::{HttpResponse, post, web};
use parcours_domain::{CriCode, NisCode};
use parcours_store::reference::CorrectionError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::CommuneDto;
use crate::auth::RegionAdmin;
use crate::dto::{parse_date, validation_errors};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A correction.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cri": "CeRAIC", "valid_from": "2027-01-01", "reason": "Arrêté ministériel du 2026-12-01 fixant le ressort territorial"}))]
pub struct CriAssignmentRequest {
    /// The competent CRI from `valid_from` on.
    pub cri: String,
    /// First day (`YYYY-MM-DD`).
    #[schema(format = Date)]
    pub valid_from: String,
    /// Why (legal act, letter): kept in the assignment and the audit trail.
    #[validate(length(min = 3, max = 500))]
    pub reason: String,
}

/// Assigns a commune to a CRI from a date on.
///
/// The Region corrects a commune's competent CRI from a date
/// on, without a release. Determinations use the assignment valid on each person's reference date.
#[utoipa::path(
    tag = "reference",
    params(("nis" = String, Path, description = "NIS code of the commune")),
    request_body = CriAssignmentRequest,
    responses(
        (status = 201, description = "The commune with its assignments", body = CommuneDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a Region administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown commune", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid CRI, date or reason", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/communes/{nis}/cri-assignments")]
pub async fn create_cri_assignment(
    state: web::Data<AppState>,
    admin: RegionAdmin,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<CriAssignmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = admin.caller;
    let nis = NisCode::parse(&path.into_inner()).map_err(|_| ApiError::NotFound)?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = body.validate() {
        validation_errors(&e, &mut errors);
    }
    let cri = CriCode::parse(&body.cri)
        .map_err(|_| errors.push(FieldError::new("cri", "invalid_cri", "CRI inconnu.", "Unknown CRI.")))
        .ok();
    let from = parse_date("valid_from", &body.valid_from, &mut errors);
    let (Some(cri), Some(from), true) = (cri, from, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let actor = actor(&caller, &request_id);
    let result = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let corrected = parcours_store::reference::correct_cri_assignment(
            &mut conn,
            nis,
            cri,
            from,
            body.reason.trim(),
            &actor,
            state.clock.now(),
        )?;
        // This replica's in-memory copy follows at once (the others within their refresh interval).
        state.reference_data(&mut conn)?;
        Ok(corrected)
    })
    .await??;
    match result {
        Ok(commune) => {
            let dto = CommuneDto::from(&commune);
            let location = format!("/v1/communes?nis={}", dto.nis_code);
            Ok(HttpResponse::Created().insert_header(("Location", location)).json(dto))
        }
        Err(CorrectionError::UnknownCommune) => Err(ApiError::NotFound),
        Err(CorrectionError::GermanLanguageCommune) => Err(ApiError::Validation(vec![FieldError::new(
            "nis",
            "german_language_commune",
            "Les communes de la région de langue allemande ne relèvent d'aucun CRI.",
            "Communes of the German-language region fall under no CRI.",
        )])),
        Err(CorrectionError::OutsideValidity { valid_from, valid_to }) => {
            Err(ApiError::Validation(vec![FieldError::new(
                "valid_from",
                "outside_commune_validity",
                format!("Le code de cette commune n'est valable que du {valid_from} au {valid_to}."),
                format!("This commune code is valid only from {valid_from} to {valid_to}."),
            )]))
        }
    }
}
