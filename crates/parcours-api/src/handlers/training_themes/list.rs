//! `GET /v1/training-themes`: the base themes and the caller's CRI's own.

use actix_web::{HttpResponse, get, web};
use parcours_domain::practitioner_training::BASE_THEMES;
use serde::Serialize;
use utoipa::ToSchema;

use super::TrainingThemeDto;
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// The themes.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrainingThemeList {
    /// Base themes first, then the CRI's by code.
    pub items: Vec<TrainingThemeDto>,
}

/// Lists the themes.
///
/// The base themes and the caller's CRI's own.
#[utoipa::path(
    tag = "practitioner-training",
    description = "The themes a training of the caller's CRI may have: the base list, then the CRI's own.",
    responses(
        (status = 200, description = "The themes", body = TrainingThemeList),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/training-themes")]
pub async fn list_training_themes(state: web::Data<AppState>, agent: CriAgent) -> Result<HttpResponse, ApiError> {
    let own = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::training_themes::of_cri(&mut conn, agent.cri.code())?)
    })
    .await??;
    let mut items: Vec<TrainingThemeDto> = BASE_THEMES
        .iter()
        .map(|(code, label)| TrainingThemeDto {
            code: (*code).to_owned(),
            label_fr: label.fr.to_owned(),
            label_en: label.en.to_owned(),
            base: true,
        })
        .collect();
    items.extend(own.into_iter().map(|t| TrainingThemeDto {
        code: t.code,
        label_fr: t.label_fr,
        label_en: t.label_en,
        base: false,
    }));
    Ok(HttpResponse::Ok().json(TrainingThemeList { items }))
}
