//! `POST /v1/parameters/{name}/values`: the Region sets a new value for one of the law's open quantities,
//! from an effective date that is not in the past, with its legal source and a reason. Determinations
//! already communicated are never rewritten: the value applies to reference dates from its date on, and
//! the review job lists the open cases it would change for their CRI (`GET /v1/parameter-reviews`).

use actix_web::{HttpResponse, post, web};
use parcours_domain::parameters::ParameterValueError;
use parcours_store::parameter_values::{self, ParameterValueRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{ParameterDto, parameter_dto};
use crate::auth::RegionAdmin;
use crate::dto::{parse_date, validation_errors};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A new value.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "valid_from": "2027-01-01", "value": "75",
    "legal_source": "AGW du 10 décembre 2026, art. 3", "reason": "Seuil de fréquentation fixé par le Gouvernement wallon"
}))]
pub struct ParameterValueRequest {
    /// First day (`YYYY-MM-DD`, today or later): the value applies to reference dates from then on.
    #[schema(format = Date)]
    pub valid_from: String,
    /// The value in the text form `GET /v1/parameters` shows (`75`, `A2`, `true`, `100-2500`,
    /// `2025-01-01`, `TUR, MKD`, `title_order_date`); a unit after a number is accepted.
    #[validate(length(min = 1, max = 500))]
    pub value: String,
    /// The legal act or document the value comes from.
    #[validate(length(min = 3, max = 500))]
    pub legal_source: String,
    /// Why.
    #[validate(length(min = 3, max = 500))]
    pub reason: String,
}

/// Sets a parameter's value from a date on.
///
/// The Region sets a new value for one of the law's open quantities,
/// from an effective date that is not in the past, with its legal source and a reason. Determinations
/// already communicated are never rewritten: the value applies to reference dates from its date on, and
/// the review job lists the open cases it would change for their CRI (`GET /v1/parameter-reviews`).
#[utoipa::path(
    tag = "parameters",
    params(("name" = String, Path, description = "Parameter name, as listed by GET /v1/parameters")),
    request_body = ParameterValueRequest,
    responses(
        (status = 201, description = "The parameter with its new history", body = ParameterDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a Region administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No parameter has this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Date in the past, value that does not fit, missing source or reason", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/parameters/{name}/values")]
pub async fn create_parameter_value(
    state: web::Data<AppState>,
    admin: RegionAdmin,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<ParameterValueRequest>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let body = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = body.validate() {
        validation_errors(&e, &mut errors);
    }
    let valid_from = parse_date("valid_from", &body.valid_from, &mut errors);
    let Some(valid_from) = valid_from.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let actor = actor(&admin.caller, &request_id);
    let recorded_by = admin.caller.organisation.to_string();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (today, now) = (state.clock.today(), state.clock.now());
        let mut in_force = parameter_values::parameters_in_force(&mut conn)?;
        // The domain decides whether the value fits; the store keeps it as written, trimmed.
        in_force.record(&name, valid_from, &body.value, today).map_err(|e| match e {
            ParameterValueError::UnknownParameter => ApiError::NotFound,
            ParameterValueError::EffectiveInThePast => ApiError::Validation(vec![FieldError::new(
                "valid_from",
                "effective_date_in_the_past",
                format!("Une nouvelle valeur s'applique au plus tôt aujourd'hui ({today}) : le passé reste décidé."),
                format!("A new value applies from today ({today}) at the earliest: the past stays decided."),
            )]),
            ParameterValueError::InvalidValue { expected_fr, expected_en } => {
                ApiError::Validation(vec![FieldError::new(
                    "value",
                    "invalid_parameter_value",
                    format!("Valeur attendue : {expected_fr}."),
                    format!("Expected value: {expected_en}."),
                )])
            }
        })?;
        let record = ParameterValueRecord {
            id: parcours_store::new_id(),
            name: name.clone(),
            valid_from,
            value_text: body.value.trim().to_owned(),
            legal_source: body.legal_source.trim().to_owned(),
            reason: body.reason.trim().to_owned(),
            recorded_at: now,
            recorded_by,
            superseded_at: None,
            reviewed_at: None,
        };
        parameter_values::record(&mut conn, &record, &actor)?;
        // This replica's in-memory copy follows at once (the others within their refresh interval).
        state.reference_data(&mut conn)?;
        let records = parameter_values::history(&mut conn)?;
        parameter_dto(&name, &in_force, &records, today).ok_or(ApiError::NotFound)
    })
    .await??;
    // The new value is read in the parameter's history, in the list of parameters.
    Ok(HttpResponse::Created().insert_header(("Location", "/v1/parameters")).json(dto))
}
