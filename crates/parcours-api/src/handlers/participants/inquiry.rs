//! `POST /v1/participants/inquiry`: an operator or a CRI asks, by case reference or by NISS (in the body,
//! never in a URL), whether the person is obliged, at which CRI, and the hours attended and still required
//! per axis — nothing more. An operator may ask only about people enrolled (or waiting) in its courses; a
//! CRI only about its cases. Anything else answers 404.

use actix_web::{HttpResponse, post, web};
use parcours_domain::Niss;
use parcours_domain::case::Case;
use parcours_domain::regime::Axis;
use parcours_store::enrolments::{Inquirer, InquiryKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{OperatorOrCri, Organisation};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Who is asked about: exactly one of the two.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"case_reference": "CRIPEL-2026-000001"}))]
pub struct InquiryRequest {
    /// Case reference.
    pub case_reference: Option<String>,
    /// National or BIS number.
    pub niss: Option<String>,
}

/// Hours on one axis.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InquiryAxis {
    /// `french`, `citizenship`, `orientation`.
    pub axis: String,
    /// Hours the convention requires (none before the convention is signed).
    pub required_hours: Option<u32>,
    /// Hours attended.
    pub attended_hours: f64,
    /// Hours still required.
    pub remaining_hours: Option<f64>,
}

/// The answer: nothing more than this.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"case_reference": "CRIPEL-2026-000001", "obliged": true, "cri": "CRIPEL",
    "axes": [{"axis": "french", "required_hours": 400, "attended_hours": 120.0, "remaining_hours": 280.0}]}))]
pub struct InquiryResponse {
    /// Case reference.
    pub case_reference: String,
    /// Obliged (true) or voluntary (false).
    pub obliged: bool,
    /// CRI in charge.
    pub cri: String,
    /// Hours per axis.
    pub axes: Vec<InquiryAxis>,
}

/// Asks about a participant.
///
/// An operator or a CRI asks, by case reference or by NISS (in the body,
/// never in a URL), whether the person is obliged, at which CRI, and the hours attended and still required
/// per axis — nothing more. An operator may ask only about people enrolled (or waiting) in its courses; a
/// CRI only about its cases. Anything else answers 404.
#[utoipa::path(
    tag = "courses",
    request_body = InquiryRequest,
    responses(
        (status = 200, description = "Obligation, CRI, hours per axis", body = InquiryResponse),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an operator nor CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or outside the caller's participants or cases", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Give exactly one of case_reference and niss", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/participants/inquiry")]
pub async fn create_participant_inquiry(
    state: web::Data<AppState>,
    asker: OperatorOrCri,
    request_id: RequestId,
    body: crate::body::Body<InquiryRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = asker.caller;
    let inquirer = match &caller.organisation {
        Organisation::Operator(id) => Inquirer::Operator(id.clone()),
        Organisation::Cri(cri) => Inquirer::Cri(cri.code().to_owned()),
        // OperatorOrCri admits no other organisation.
        _ => return Err(ApiError::NotFound),
    };
    let body = body.into_inner();
    let key = match (body.case_reference, body.niss) {
        (Some(reference), None) => InquiryKey::CaseReference(reference.trim().to_owned()),
        (None, Some(niss)) => InquiryKey::Niss(
            Niss::parse(&niss)
                .map_err(|_| {
                    ApiError::Validation(vec![FieldError::new(
                        "niss",
                        "invalid_niss",
                        "Numéro national invalide.",
                        "Invalid national number.",
                    )])
                })?
                .digits(),
        ),
        _ => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "body",
                "one_key",
                "Donnez soit case_reference, soit niss.",
                "Give either case_reference or niss.",
            )]));
        }
    };
    let actor = actor(&caller, &request_id);
    let response = crate::clock::block(move || -> Result<InquiryResponse, ApiError> {
        let mut conn = state.store.conn()?;
        let case = parcours_store::enrolments::inquiry_case(&mut conn, &key, &inquirer, &actor, state.clock.now())?
            .ok_or(ApiError::NotFound)?;
        let minutes = parcours_store::cases::case_operator_minutes(&mut conn, &case.id)?;
        let domain: Case = parcours_store::cases::decode_case(&case.state_json)?;
        let attended_minutes = domain.attended_minutes(&minutes);
        let axes = Axis::ALL
            .into_iter()
            .map(|axis| {
                let attended = attended_minutes.hours(axis);
                let required = domain.convention.as_ref().map(|_| domain.required(axis));
                InquiryAxis {
                    axis: axis.code().to_owned(),
                    required_hours: required,
                    attended_hours: attended,
                    remaining_hours: required.map(|r| (f64::from(r) - attended).max(0.0)),
                }
            })
            .collect();
        Ok(InquiryResponse { case_reference: case.reference, obliged: case.obliged, cri: case.cri_code, axes })
    })
    .await??;
    Ok(HttpResponse::Ok().json(response))
}
