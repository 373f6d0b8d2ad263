//! `POST /v1/cases/{id}/cpas`: the CRI records that the person is a beneficiary of a CPAS (or no longer:
//! `cpas_nis: null`). That CPAS is told that the person follows the pathway (rule 4.7) and, later, receives
//! the attestation notices (rule 5.2); a CPAS that is not recorded hears nothing.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::NisCode;
use parcours_domain::case::CaseCommand;
use parcours_domain::reference::CommuneLookup;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, date_field, mutate};
use crate::auth::CriAgent;
use crate::problem::{ApiError, FieldError};
use crate::request::RequestId;
use crate::state::AppState;

/// The CPAS.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cpas_nis": "62063", "date": "2026-12-15"}))]
pub struct CpasRequest {
    /// NIS code of the commune whose CPAS helps the person; `null` when no longer a beneficiary.
    pub cpas_nis: Option<String>,
    /// Date the CRI learnt it.
    #[schema(format = Date)]
    pub date: String,
}

/// Records the person's CPAS.
///
/// The CRI records that the person is a beneficiary of a CPAS (or no longer:
/// `cpas_nis: null`). That CPAS is told that the person follows the pathway (rule 4.7) and, later, receives
/// the attestation notices (rule 5.2); a CPAS that is not recorded hears nothing.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read")
    ),
    request_body = CpasRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/cpas")]
pub async fn create_case_cpas(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<CpasRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let invalid = || {
        ApiError::Validation(vec![FieldError::new(
            "cpas_nis",
            "invalid_nis_code",
            "Code INS d'une commune belge en vigueur, cinq chiffres.",
            "NIS code of a Belgian commune in force, five digits.",
        )])
    };
    let cpas = body.cpas_nis.as_deref().map(|nis| NisCode::parse(nis).map_err(|_| invalid())).transpose()?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_cpas",
        Box::new(move |_, _, _, reference, today| {
            // Every commune has its CPAS: the code must name a commune in force (in Wallonia or elsewhere).
            let in_force = |nis| {
                matches!(reference.lookup(nis, today), CommuneLookup::Walloon(_) | CommuneLookup::OutsideWallonia(_))
            };
            if let Some(nis) = cpas
                && !in_force(nis)
            {
                return Err(invalid());
            }
            Ok(CaseCommand::RecordCpas { cpas, date })
        }),
    )
    .await
}
