//! `POST /v1/training-themes`: a CRI adds a theme to its list.

use actix_web::{HttpResponse, post, web};
use parcours_domain::practitioner_training::check_theme_code;
use parcours_store::training_themes::TrainingThemeRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::TrainingThemeDto;
use crate::auth::CriAgent;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A theme to add.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "asylum_procedure", "label_fr": "Procédure d'asile", "label_en": "Asylum procedure"}))]
pub struct TrainingThemeRequest {
    /// Code: 2 to 40 lowercase letters, digits or `_`, not a base theme's.
    pub code: String,
    /// Label, French.
    pub label_fr: String,
    /// Label, English.
    pub label_en: String,
}

/// Adds a theme.
///
/// A CRI adds a theme to its list.
#[utoipa::path(
    tag = "practitioner-training",
    description = "Adds a theme to the caller's CRI's list, beside the base themes. Audited.",
    request_body = TrainingThemeRequest,
    responses(
        (status = 201, description = "The theme, with the list's `Location`", body = TrainingThemeDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The CRI has this code already (`theme_exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid code or label", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/training-themes")]
pub async fn create_training_theme(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<TrainingThemeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let code = body.code.trim().to_owned();
    check_theme_code(&code)?;
    let record = TrainingThemeRecord {
        cri_code: agent.cri.code().to_owned(),
        code,
        label_fr: short_text("label_fr", &body.label_fr, 120)?,
        label_en: short_text("label_en", &body.label_en, 120)?,
        created_at: state.clock.now(),
    };
    let actor = actor(&agent.caller, &request_id);
    let record = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        parcours_store::training_themes::insert(&mut conn, &record, &actor)?;
        Ok(record)
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", "/v1/training-themes")).json(TrainingThemeDto {
        code: record.code,
        label_fr: record.label_fr,
        label_en: record.label_en,
        base: false,
    }))
}
