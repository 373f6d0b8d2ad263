//! `GET /v1/communes`: Walloon communes with their NIS code, language region and CRI over time (public
//! reference data), filtered by CRI, NIS code, name or date.

use actix_web::{HttpResponse, get, web};
use parcours_domain::{CriCode, NisCode};
use parcours_store::reference::CommuneFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::CommuneDto;
use crate::dto::parse_date;
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommuneQuery {
    /// Only communes of this CRI (on `on` when given, at any time otherwise).
    pub cri: Option<String>,
    /// Only this NIS code.
    pub nis: Option<String>,
    /// Name contains (any language, case-insensitive).
    pub name: Option<String>,
    /// Only codes in force on this date (`YYYY-MM-DD`).
    pub on: Option<String>,
}

/// The communes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"nis_code": "62063", "name_fr": "Liège", "name_nl": "Luik", "name_de": "Lüttich", "arrondissement_nis": "62000", "province_nis": "60000",
    "language_region": "fr", "valid_from": "1970-01-01", "valid_to": "9999-12-31",
    "cri_assignments": [{"cri": "CRIPEL", "valid_from": "1970-01-01", "valid_to": "9999-12-31", "status": "confirmed"}]}]}))]
pub struct CommuneList {
    /// By NIS code.
    pub items: Vec<CommuneDto>,
}

/// Lists Walloon communes.
///
/// Walloon communes with their NIS code, language region and CRI over time (public
/// reference data), filtered by CRI, NIS code, name or date.
#[utoipa::path(
    tag = "reference",
    security(()),
    params(CommuneQuery),
    responses(
        (status = 200, description = "Matching communes", body = CommuneList),
        (status = 400, description = "Invalid filter", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/communes")]
pub async fn list_communes(
    state: web::Data<AppState>,
    query: web::Query<CommuneQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let cri = query.cri.as_deref().and_then(|c| {
        CriCode::parse(c)
            .map_err(|_| errors.push(FieldError::new("cri", "invalid_cri", "CRI inconnu.", "Unknown CRI.")))
            .ok()
    });
    let nis = query.nis.as_deref().and_then(|n| {
        NisCode::parse(n)
            .map_err(|_| {
                errors.push(FieldError::new(
                    "nis",
                    "invalid_nis_code",
                    "Code INS : cinq chiffres.",
                    "NIS code: five digits.",
                ))
            })
            .ok()
    });
    let on = query.on.as_deref().and_then(|d| parse_date("on", d, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::BadParameter(errors));
    }
    let filter = CommuneFilter { cri, nis, name: query.name.filter(|n| !n.trim().is_empty()), on };
    let communes = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::reference::list_communes(&mut conn, &filter)?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(CommuneList { items: communes.iter().map(CommuneDto::from).collect() }))
}
