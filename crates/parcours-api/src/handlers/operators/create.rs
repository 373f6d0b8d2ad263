//! `POST /v1/operators`: the Region or a CRI registers a training operator (enterprise number checked with
//! its mod-97 digits; axes it is recognised for; CRI territories it serves).

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::CriCode;
use parcours_domain::operator::EnterpriseNumber;
use parcours_store::operators::OperatorRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::OperatorDto;
use crate::auth::RegionOrCri;
use crate::dto::validation_errors;
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A new operator.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Institut de promotion sociale de Liège", "enterprise_number": "0123.456.749",
    "axes": ["french", "citizenship"], "cri_territories": ["CRIPEL"], "contact_email": "secretariat@ips-liege.example"}))]
pub struct OperatorRequest {
    /// Name (1 to 200 characters).
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    /// Enterprise number (BCE/KBO): `0123.456.749`.
    pub enterprise_number: String,
    /// Axes: `french`, `citizenship`, `orientation`.
    pub axes: Vec<String>,
    /// CRI codes whose territory it serves.
    pub cri_territories: Vec<String>,
    /// Contact e-mail.
    #[validate(email)]
    pub contact_email: Option<String>,
    /// Contact phone.
    #[validate(length(min = 1, max = 40))]
    pub contact_phone: Option<String>,
}

/// Registers an operator.
///
/// The Region or a CRI registers a training operator (enterprise number checked with
/// its mod-97 digits; axes it is recognised for; CRI territories it serves).
#[utoipa::path(
    tag = "operators",
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional; a UUID per request makes a retry safe: a replay returns the first response (with `Idempotent-Replayed: true`), the same key with another body is refused (422).")),
    request_body = OperatorRequest,
    responses(
        (status = 201, description = "Registered", body = OperatorDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the Region nor a CRI", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`operator_exists`: an operator is registered under this enterprise number", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/operators")]
pub async fn create_operator(
    state: web::Data<AppState>,
    registrar: RegionOrCri,
    request_id: RequestId,
    req: HttpRequest,
    body: crate::body::Body<OperatorRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = registrar.caller;
    let canonical = serde_json::to_string(&*body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let key = idempotency::optional_key(&req)?.map(|key| Idempotency {
        organisation: caller.organisation.to_string(),
        key,
        request_hash: idempotency::request_hash(canonical.as_bytes()),
    });
    let body = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = body.validate() {
        validation_errors(&e, &mut errors);
    }
    let number = EnterpriseNumber::parse(&body.enterprise_number)
        .map_err(|_| {
            errors.push(FieldError::new(
                "enterprise_number",
                "invalid_enterprise_number",
                "Numéro d'entreprise invalide (10 chiffres, contrôle modulo 97).",
                "Invalid enterprise number (10 digits, mod-97 check).",
            ))
        })
        .ok();
    let mut axes: Vec<&str> = Vec::new();
    for axis in &body.axes {
        match axis.as_str() {
            a @ ("french" | "citizenship" | "orientation") if !axes.contains(&a) => axes.push(a),
            "french" | "citizenship" | "orientation" => {}
            _ => errors.push(FieldError::new(
                "axes",
                "invalid_axis",
                "Axes : french, citizenship, orientation.",
                "Axes: french, citizenship, orientation.",
            )),
        }
    }
    if body.axes.is_empty() {
        errors.push(FieldError::new("axes", "required", "Au moins un axe.", "At least one axis."));
    }
    let mut cris: Vec<&str> = Vec::new();
    for code in &body.cri_territories {
        match CriCode::parse(code) {
            Ok(cri) if !cris.contains(&cri.code()) => cris.push(cri.code()),
            Ok(_) => {}
            Err(_) => errors.push(FieldError::new("cri_territories", "invalid_cri", "CRI inconnu.", "Unknown CRI.")),
        }
    }
    if body.cri_territories.is_empty() {
        errors.push(FieldError::new(
            "cri_territories",
            "required",
            "Au moins un territoire de CRI.",
            "At least one CRI territory.",
        ));
    }
    let (Some(number), true) = (number, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let record = OperatorRecord {
        id: parcours_store::new_id(),
        name: body.name.trim().to_owned(),
        enterprise_number: number.to_string(),
        axes: axes.join(","),
        cri_codes: cris.join(","),
        contact_email: body.contact_email,
        contact_phone: body.contact_phone,
        created_at: state.clock.now(),
        created_by: caller.organisation.to_string(),
    };
    let actor = actor(&caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        idempotency::run(&mut conn, key.as_ref(), &actor, now, |conn| {
            let created =
                parcours_store::operators::create_operator(conn, &record, &actor)?.ok_or(ApiError::Conflict(
                    "operator_exists",
                    Text::new(
                        "Un opérateur porte déjà ce numéro d'entreprise.",
                        "An operator with this enterprise number exists.",
                    ),
                ))?;
            Answer::created(&OperatorDto::from(&created), format!("/v1/operators/{}", created.id))
        })
    })
    .await??;
    Ok(answer.respond())
}
