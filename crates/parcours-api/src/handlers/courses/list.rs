//! `GET /v1/courses`: the catalogue, for CRI staff looking for a place (filters: axis, level, commune, CRI
//! territory, places left, start date). An operator sees its own courses only.

use actix_web::{HttpResponse, get, web};
use parcours_domain::regime::Axis;
use parcours_domain::{CriCode, NisCode};
use parcours_store::courses::{CourseFilter, CourseReader};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::CourseDto;
use crate::auth::{CatalogueReader, Organisation};
use crate::dto::parse_date;
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    /// `french`, `citizenship` or `orientation`.
    pub axis: Option<String>,
    /// CEFR level.
    pub level: Option<String>,
    /// NIS code of the commune of the place.
    pub commune: Option<String>,
    /// Only courses held in this CRI's territory.
    pub cri: Option<String>,
    /// `true`: only courses with places left.
    pub places_left: Option<bool>,
    /// Only courses starting on or after this date.
    #[param(format = Date)]
    pub starts_from: Option<String>,
}

/// The catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct CourseList {
    /// By start date.
    pub items: Vec<CourseDto>,
}

/// Lists courses.
///
/// The catalogue, for CRI staff looking for a place (filters: axis, level, commune, CRI
/// territory, places left, start date). An operator sees its own courses only.
#[utoipa::path(
    tag = "courses",
    params(CourseQuery),
    responses(
        (status = 200, description = "Matching courses", body = CourseList),
        (status = 400, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Communes have no access to the catalogue", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    reader: CatalogueReader,
    query: web::Query<CourseQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = reader.caller;
    let reader = match &caller.organisation {
        Organisation::Operator(id) => CourseReader::Operator(id.clone()),
        Organisation::Cri(_) | Organisation::Region(_) => CourseReader::Catalogue,
        Organisation::Commune(_) | Organisation::Cpas(_) | Organisation::Ili(_) => {
            return Err(ApiError::Forbidden(crate::problem::Text::new(
                "Réservé aux CRI, à la Région et aux opérateurs.",
                "Reserved to CRIs, the Region and operators.",
            )));
        }
    };
    let query = query.into_inner();
    let mut errors = Vec::new();
    let commune = query.commune.as_deref().and_then(|c| {
        NisCode::parse(c)
            .map_err(|_| {
                errors.push(FieldError::new(
                    "commune",
                    "invalid_nis_code",
                    "Code INS : cinq chiffres.",
                    "NIS code: five digits.",
                ))
            })
            .ok()
    });
    let cri = query.cri.as_deref().and_then(|c| {
        CriCode::parse(c)
            .map_err(|_| errors.push(FieldError::new("cri", "invalid_cri", "CRI inconnu.", "Unknown CRI.")))
            .ok()
    });
    let axis = query.axis.as_deref().and_then(|a| {
        let axis = Axis::parse(a);
        if axis.is_none() {
            errors.push(FieldError::new(
                "axis",
                "invalid_axis",
                "Valeurs admises : french, citizenship, orientation.",
                "Allowed values: french, citizenship, orientation.",
            ));
        }
        axis
    });
    let starts_from = query.starts_from.as_deref().and_then(|d| parse_date("starts_from", d, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::BadParameter(errors));
    }
    let views = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let communes = match (commune, cri) {
            (Some(nis), _) => Some(vec![nis.to_string()]),
            (None, Some(cri)) => {
                let reference = state.reference_data(&mut conn)?;
                let today = state.clock.today();
                Some(
                    reference
                        .communes()
                        .filter(|c| c.cri_assignments.iter().any(|a| a.cri == cri && a.valid_to >= today))
                        .map(|c| c.nis.to_string())
                        .collect(),
                )
            }
            (None, None) => None,
        };
        let filter = CourseFilter {
            axis,
            level: query.level,
            communes,
            starts_from,
            places_left: query.places_left.unwrap_or(false),
        };
        Ok(parcours_store::courses::list_courses(&mut conn, &reader, &filter)?)
    })
    .await??;
    Ok(HttpResponse::Ok().json(CourseList { items: views.iter().map(CourseDto::from).collect() }))
}
