//! `POST /v1/local-initiatives`: the Region or a CRI registers a local integration initiative (enterprise
//! number checked with its mod-97 digits, one registration per number).

use actix_web::{HttpResponse, post, web};
use parcours_domain::operator::EnterpriseNumber;
use parcours_store::local_initiatives::LocalInitiativeRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::LocalInitiativeDto;
use crate::auth::RegionOrCri;
use crate::handlers::cases::short_text;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// An ILI to register.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enterprise_number": "0123.456.749", "name": "Maison de quartier Saint-Léonard",
    "contact_email": "projets@msl.example.be"}))]
pub struct LocalInitiativeRequest {
    /// Enterprise number (BCE/KBO), `0123.456.749`.
    pub enterprise_number: String,
    /// Name (1 to 200 characters).
    pub name: String,
    /// A service e-mail address for the calls (not a person's).
    pub contact_email: Option<String>,
}

/// Registers an ILI.
///
/// The Region or a CRI registers a local integration initiative (enterprise
/// number checked with its mod-97 digits, one registration per number).
#[utoipa::path(
    tag = "local-integration",
    description = "Registers a local integration initiative, by the Region (region_admin) or a CRI (cri_agent). Its \
                   staff then use tokens for `ili:<enterprise number>` with the role `ili_agent`. An ILI that is also \
                   a course operator keeps one enterprise number for both: `operator_id` links them. Audited.",
    request_body = LocalInitiativeRequest,
    responses(
        (status = 201, description = "The ILI, with its `Location`", body = LocalInitiativeDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the Region or a CRI", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already registered (`local_initiative_already_registered`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid enterprise number or field", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/local-initiatives")]
pub async fn create_local_initiative(
    state: web::Data<AppState>,
    registrar: RegionOrCri,
    request_id: RequestId,
    body: crate::body::Body<LocalInitiativeRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let number = EnterpriseNumber::parse(&body.enterprise_number).map_err(|_| {
        ApiError::Validation(vec![FieldError::new(
            "enterprise_number",
            "invalid_enterprise_number",
            "Numéro d'entreprise invalide (10 chiffres, contrôle modulo 97).",
            "Invalid enterprise number (10 digits, mod-97 check).",
        )])
    })?;
    let name = short_text("name", &body.name, 200)?;
    let contact_email = match body.contact_email.as_deref().map(str::trim) {
        Some(email) if !email.contains('@') || email.len() > 200 => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "contact_email",
                "invalid_email",
                "Adresse e-mail invalide.",
                "Invalid e-mail address.",
            )]));
        }
        Some(email) => Some(email.to_owned()),
        None => None,
    };
    let actor = actor(&registrar.caller, &request_id);
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record = LocalInitiativeRecord {
            id: parcours_store::new_id(),
            enterprise_number: number.to_string(),
            name,
            contact_email,
            created_at: state.clock.now(),
            created_by: actor.organisation.clone(),
        };
        parcours_store::local_initiatives::insert(&mut conn, &record, &actor)?;
        let operator = parcours_store::operators::by_enterprise_number(&mut conn, &record.enterprise_number)?;
        Ok(LocalInitiativeDto::new(&record, operator.map(|o| o.id)))
    })
    .await??;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/v1/local-initiatives/{}", dto.id))).json(dto))
}
