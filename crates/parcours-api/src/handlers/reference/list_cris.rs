//! `GET /v1/cris`: the eight regional integration centres (public reference data).

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::ApiError;
use crate::state::AppState;

/// A CRI.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriDto {
    /// Acronym.
    #[schema(example = "CRIPEL")]
    pub code: String,
    /// Official name.
    pub name_fr: String,
    /// Seat.
    pub seat_city: String,
    /// Web domain.
    pub website: String,
    /// Territory, in words.
    pub territory: String,
}

/// The CRIs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"code": "CRIPEL", "name_fr": "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège", "seat_city": "Liège", "website": "cripel.be", "territory": "Arrondissements of Liège, Huy and Waremme: 55 communes"}]}))]
pub struct CriList {
    /// By code.
    pub items: Vec<CriDto>,
}

/// Lists the eight CRIs.
///
/// The eight regional integration centres (public reference data).
#[utoipa::path(tag = "reference", responses((status = 200, description = "The eight CRIs", body = CriList)), security(()))]
#[get("/cris")]
pub async fn list_cris(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let cris = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::reference::list_cris(&mut conn)?)
    })
    .await??;
    let items = cris
        .into_iter()
        .map(|c| CriDto {
            code: c.code.code().to_owned(),
            name_fr: c.name_fr,
            seat_city: c.seat_city,
            website: c.website,
            territory: c.territory,
        })
        .collect();
    Ok(HttpResponse::Ok().json(CriList { items }))
}
