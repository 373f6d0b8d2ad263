//! `GET` and `PUT /v1/cri-settings`: what a CRI prints on its documents (office address, signatory). Each
//! CRI maintains its own; the change is audited and applies to attestations issued from then on (issued
//! ones keep what they printed).

use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CriAgent;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A CRI's settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"office_address": "Place Xavier Neujean 19b\n4000 Liège", "signatory_name": "Marie Dupont", "signatory_function": "Directrice"}))]
pub struct CriSettings {
    /// Office address printed on documents, one line per line (1 to 4 lines).
    pub office_address: String,
    /// Who signs attestations.
    pub signatory_name: String,
    /// Their function.
    pub signatory_function: String,
}

fn check(settings: &CriSettings) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let lines = settings.office_address.lines().filter(|l| !l.trim().is_empty()).count();
    if !(1..=4).contains(&lines) || settings.office_address.chars().count() > 300 {
        errors.push(FieldError::new(
            "office_address",
            "invalid_address",
            "Adresse : 1 à 4 lignes, 300 caractères au plus.",
            "Address: 1 to 4 lines, 300 characters at most.",
        ));
    }
    for (field, value) in
        [("signatory_name", &settings.signatory_name), ("signatory_function", &settings.signatory_function)]
    {
        if value.is_empty() || value.chars().count() > 100 {
            errors.push(FieldError::new(field, "invalid_length", "1 à 100 caractères.", "1 to 100 characters."));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(errors)) }
}

/// Reads the CRI's settings.
///
/// What the CRI prints on its documents: its office address and signatory. Each CRI reads its own.
#[utoipa::path(
    tag = "attestations",
    responses(
        (status = 200, description = "The settings", body = CriSettings),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not set yet", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/cri-settings")]
pub async fn get_cri_settings(state: web::Data<AppState>, agent: CriAgent) -> Result<HttpResponse, ApiError> {
    let cri = agent.cri;
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::cri_settings::get(&mut conn, cri.code())?)
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(CriSettings {
        office_address: record.office_address,
        signatory_name: record.signatory_name,
        signatory_function: record.signatory_function,
    }))
}

/// Sets the CRI's settings.
///
/// Each CRI maintains its own; the change is audited and applies to the documents issued from then on
/// (attestations already issued keep what they printed).
#[utoipa::path(
    tag = "attestations",
    request_body = CriSettings,
    responses(
        (status = 200, description = "Saved", body = CriSettings),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[put("/cri-settings")]
pub async fn put_cri_settings(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<CriSettings>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let settings = body.into_inner();
    check(&settings)?;
    let actor = actor(&caller, &request_id);
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record = parcours_store::cri_settings::CriSettingsRecord {
            cri_code: cri.code().to_owned(),
            office_address: settings
                .office_address
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            signatory_name: settings.signatory_name,
            signatory_function: settings.signatory_function,
            updated_at: state.clock.now(),
            updated_by: actor.subject.clone(),
        };
        Ok(parcours_store::cri_settings::put(&mut conn, &record, &actor)?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(CriSettings {
        office_address: record.office_address,
        signatory_name: record.signatory_name,
        signatory_function: record.signatory_function,
    }))
}
