//! `POST /v1/determinations/simulate`: a stateless determination for any authenticated caller, optionally
//! re-evaluated under a named regime (appeals, decree changes). Nothing is stored, nothing is audited
//! beyond the access log: the body need not identify anyone.

use actix_web::{HttpResponse, post, web};
use parcours_domain::{Change, RegimeId, determine, reevaluate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Agent;
use crate::dto::{DeterminationDto, FactFields, parse_date};
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Facts to evaluate.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "birth_date": "1990-05-10",
    "nationality": "MAR",
    "residence_document": "B",
    "title_order_date": "2025-03-15",
    "first_registration_date": "2025-02-01",
    "legal_stay_start": "2024-09-01",
    "domicile_nis": "62063",
    "claimed_dispensations": ["D5"]
}))]
pub struct SimulationRequest {
    /// Birth date (`YYYY-MM-DD`).
    pub birth_date: String,
    /// Nationality, ISO 3166-1 alpha-3 (`XXA` stateless, `XXX` unknown).
    pub nationality: String,
    /// Residence document: `A`, `B`, `K` (or `C`), `L` (or `D`), `EU` (`E`), `EU+` (`E+`), `F`, `F+`, `H`,
    /// `I`, `J`, `M`, `N`, `attestation_immatriculation`, `annexe_15`, `special_identity_card`.
    pub residence_document: Option<String>,
    /// Order (*commande*) of the residence title of more than three months.
    pub title_order_date: Option<String>,
    /// First registration in a commune of the French-language region.
    pub first_registration_date: Option<String>,
    /// Start of legal stay in Belgium.
    pub legal_stay_start: Option<String>,
    /// NIS code of the commune of domicile.
    pub domicile_nis: String,
    /// `ue_plus_citizen`, `mobile_belgian` or `non_mobile_belgian`.
    pub family_link: Option<String>,
    /// Dispensations claimed (`D1`...`D9`, `SCHENGEN_ONE_YEAR`...).
    #[serde(default)]
    pub claimed_dispensations: Vec<String>,
    /// Dispensations already granted by a CRI.
    #[serde(default)]
    pub granted_dispensations: Vec<String>,
    /// Evaluation date (default: today in Brussels).
    pub as_of: Option<String>,
    /// Also evaluate under this regime and list the differences (`R2014`...`R2024`).
    pub regime: Option<String>,
}

/// One difference under the named regime.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChangeDto {
    /// `status`, `regime`, `deadline`, `hours`, `reason_added` or `reason_removed`.
    pub change: String,
    /// What changes: deadline kind, axis or reason code.
    pub subject: Option<String>,
    /// Value in force.
    pub from: Option<String>,
    /// Value under the named regime.
    pub to: Option<String>,
}

impl From<&Change> for ChangeDto {
    fn from(change: &Change) -> Self {
        let text = |v: Option<String>| v;
        match change {
            Change::Status { from, to } => ChangeDto {
                change: "status".into(),
                subject: None,
                from: Some(from.code().into()),
                to: Some(to.code().into()),
            },
            Change::Regime { from, to } => ChangeDto {
                change: "regime".into(),
                subject: None,
                from: from.map(|r| r.code().into()),
                to: to.map(|r| r.code().into()),
            },
            Change::Deadline { kind, from, to } => ChangeDto {
                change: "deadline".into(),
                subject: Some(
                    match kind {
                        parcours_domain::DeadlineKind::PresentBy => "present_by",
                        parcours_domain::DeadlineKind::CompleteBy => "complete_by",
                        parcours_domain::DeadlineKind::LatestExtension => "latest_extension",
                    }
                    .into(),
                ),
                from: text(from.map(|d| d.to_string())),
                to: text(to.map(|d| d.to_string())),
            },
            Change::Hours { axis, from, to } => ChangeDto {
                change: "hours".into(),
                subject: Some(axis.clone()),
                from: from.map(|h| h.to_string()),
                to: to.map(|h| h.to_string()),
            },
            Change::ReasonAdded { code } => {
                ChangeDto { change: "reason_added".into(), subject: Some(code.code().into()), from: None, to: None }
            }
            Change::ReasonRemoved { code } => {
                ChangeDto { change: "reason_removed".into(), subject: Some(code.code().into()), from: None, to: None }
            }
        }
    }
}

/// The same facts under a named regime.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReevaluationDto {
    /// The named regime.
    pub regime: String,
    /// The determination under it.
    pub determination: DeterminationDto,
    /// What would change compared with the regime in force.
    pub changes: Vec<ChangeDto>,
}

/// Result of a simulation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"determination": {"status": "dispensed", "voluntary_participation_open": true, "reference_date": "2025-03-15", "as_of": "2026-11-24", "regime": "R2024",
    "competent_cri": {"code": "CRIPEL", "name": "Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège"}, "cri_assignment_status": "confirmed",
    "deadlines": [], "axis_requirements": [], "pending_claims": [], "prior_attestation": null,
    "reasons": [{"code": "DISPENSED_STANDSTILL_NATIONALITY", "effect": "dispensed", "rule": "1.6, 2.2 D10", "article": "CWASS art. 152/7 §3, al. 2", "confidence": "CONFIRMED", "regime": "R2024", "dispensation": "D10",
        "explanation": {"fr": "La personne est ressortissante de la Turquie ou d'un État lié par une clause de standstill identique : elle est dispensée (D10) et peut s'inscrire volontairement.", "en": "The person is a national of Turkey or of a state bound by an identical standstill clause: dispensed (D10), and may enrol voluntarily."}}],
    "rules_version": "2026.12.0"}, "reevaluation": null}))]
pub struct SimulationResponse {
    /// The determination under the regime in force.
    pub determination: DeterminationDto,
    /// Present when `regime` was given.
    pub reevaluation: Option<ReevaluationDto>,
}

/// Simulates a determination (nothing is stored).
///
/// A stateless determination for any authenticated caller, optionally
/// re-evaluated under a named regime (appeals, decree changes). Nothing is stored, nothing is audited
/// beyond the access log: the body need not identify anyone.
#[utoipa::path(
    tag = "determinations",
    request_body = SimulationRequest,
    responses(
        (status = 200, description = "Determination with reasons, regime, CRI and deadlines", body = SimulationResponse),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or inconsistent facts", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/determinations/simulate")]
pub async fn simulate_determination(
    state: web::Data<AppState>,
    _agent: Agent,
    body: crate::body::Body<SimulationRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors: Vec<FieldError> = Vec::new();
    let facts = FactFields {
        birth_date: &body.birth_date,
        nationality: &body.nationality,
        residence_document: body.residence_document.as_deref(),
        title_order_date: body.title_order_date.as_deref(),
        first_registration_date: body.first_registration_date.as_deref(),
        legal_stay_start: body.legal_stay_start.as_deref(),
        domicile_nis: &body.domicile_nis,
        family_link: body.family_link.as_deref(),
        claimed_dispensations: &body.claimed_dispensations,
        granted_dispensations: &body.granted_dispensations,
    }
    .parse(&mut errors);
    let as_of = match body.as_of.as_deref() {
        Some(value) => parse_date("as_of", value, &mut errors),
        None => Some(state.clock.today()),
    };
    let regime = match body.regime.as_deref() {
        None => None,
        Some(code) => match RegimeId::parse(code) {
            Some(r) => Some(r),
            None => {
                errors.push(FieldError::new(
                    "regime",
                    "invalid_regime",
                    "Régime attendu : R2014, R2016, R2018 ou R2024.",
                    "Expected regime: R2014, R2016, R2018 or R2024.",
                ));
                None
            }
        },
    };
    let (Some(facts), Some(as_of), true) = (facts, as_of, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    // Pure: the rules on the reference data held in memory, on this thread (microseconds), no database.
    let reference = state.reference_in_memory()?;
    let response = match regime {
        None => {
            let determination = determine(&facts, &reference, as_of).map_err(ApiError::Facts)?;
            SimulationResponse {
                determination: DeterminationDto::new(&determination, as_of, &reference),
                reevaluation: None,
            }
        }
        Some(regime) => {
            let result = reevaluate(&facts, &reference, as_of, regime).map_err(ApiError::Facts)?;
            SimulationResponse {
                determination: DeterminationDto::new(&result.in_force, as_of, &reference),
                reevaluation: Some(ReevaluationDto {
                    regime: regime.code().into(),
                    determination: DeterminationDto::new(&result.under_regime, as_of, &reference),
                    changes: result.changes.iter().map(ChangeDto::from).collect(),
                }),
            }
        }
    };
    // Into a buffer sized for the answer (about 6 kB, 12.5 with a regime), so that it is not grown and
    // copied six times on the way; serialising is a quarter of this endpoint's cost.
    let mut body = Vec::with_capacity(if response.reevaluation.is_some() { 16 * 1024 } else { 8 * 1024 });
    serde_json::to_writer(&mut body, &response).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type(actix_web::http::header::ContentType::json()).body(body))
}
