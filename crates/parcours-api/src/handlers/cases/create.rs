//! `POST /v1/cases`: CRI staff open a case for a person who walks in. Two thirds of the people the CRIs
//! follow come voluntarily, without any commune report. The determination decides: obliged (an obliged
//! case) or not (a voluntary case when the person may follow the pathway voluntarily). The person is
//! deduplicated by NISS; a person with an open case gets 409 with that case's reference.

use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use parcours_domain::determine;
use parcours_domain::intake::{WalkInRefusal, walk_in_decision};
use parcours_store::cases;
use parcours_store::cases::WalkIn;
use parcours_store::persons::PersonData;
use parcours_store::{StoreError, identity_conflicts};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseResponse, case_columns};
use crate::auth::CriAgent;
use crate::dto::{FactFields, parse_identity, sex_code, stored_determination};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A person who walks in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "niss": "85.07.30-033.28", "surname": "Haddad", "given_names": "Omar", "birth_date": "1985-07-30", "sex": "male",
    "nationality": "SYR", "residence_document": "B", "title_order_date": "2019-02-01", "first_registration_date": "2019-01-10",
    "legal_stay_start": "2018-11-20", "domicile_nis": "62063", "claimed_dispensations": []
}))]
pub struct WalkInRequest {
    /// National or BIS number.
    pub niss: String,
    /// Surname (1 to 200 characters).
    pub surname: String,
    /// Given names (1 to 200 characters).
    pub given_names: String,
    /// Birth date; must match the national number when it carries a full date.
    #[schema(format = Date)]
    pub birth_date: String,
    /// `male`, `female` or `unknown`.
    pub sex: Option<String>,
    /// Nationality, ISO 3166-1 alpha-3 (`BEL` for a Belgian of foreign origin).
    pub nationality: String,
    /// Residence document, if any.
    pub residence_document: Option<String>,
    /// Order of the residence title of more than three months.
    #[schema(format = Date)]
    pub title_order_date: Option<String>,
    /// First registration in a commune of the French-language region.
    #[schema(format = Date)]
    pub first_registration_date: Option<String>,
    /// Start of legal stay in Belgium.
    pub legal_stay_start: Option<String>,
    /// Commune of domicile: in the CRI's territory.
    pub domicile_nis: String,
    /// `ue_plus_citizen`, `mobile_belgian` or `non_mobile_belgian`.
    pub family_link: Option<String>,
    /// Dispensations the person invokes.
    #[serde(default)]
    pub claimed_dispensations: Vec<String>,
    /// First visit, when recorded later (`YYYY-MM-DD`, default today): steps can be dated from then on.
    #[schema(format = Date)]
    pub opened_on: Option<String>,
}

/// Opens a case for a person who walks in.
///
/// CRI staff open a case for a person who walks in. Two thirds of the people the CRIs
/// follow come voluntarily, without any commune report. The determination decides: obliged (an obliged
/// case) or not (a voluntary case when the person may follow the pathway voluntarily). The person is
/// deduplicated by NISS; a person with an open case gets 409 with that case's reference.
#[utoipa::path(
    tag = "cases",
    request_body = WalkInRequest,
    responses(
        (status = 201, description = "Case opened (obliged or voluntary), with its ETag", body = CaseResponse),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The person already has an open case (`case_already_open`, with its reference)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, inconsistent facts, domicile outside the CRI's territory, or not eligible", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/cases")]
pub async fn create_case(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    body: crate::body::Body<WalkInRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let body = body.into_inner();
    let mut errors = Vec::new();
    for (field, value) in [("surname", &body.surname), ("given_names", &body.given_names)] {
        let length = value.trim().chars().count();
        if !(1..=200).contains(&length) {
            errors.push(FieldError::new(
                field,
                "length",
                "Longueur invalide (1 à 200 caractères).",
                "Invalid length (1 to 200 characters).",
            ));
        }
    }
    let identity = parse_identity(&body.niss, body.sex.as_deref(), &body.birth_date, &mut errors);
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
        granted_dispensations: &[],
    }
    .parse(&mut errors);
    let opened_on = match body.opened_on.as_deref() {
        Some(value) => crate::dto::parse_date("opened_on", value, &mut errors),
        None => Some(state.clock.today()),
    };
    if opened_on.is_some_and(|d| d > state.clock.today()) {
        errors.push(FieldError::new(
            "opened_on",
            "date_in_future",
            "La date est dans le futur.",
            "The date is in the future.",
        ));
    }
    let (Some((niss, sex)), Some(facts), Some(opened_on), true) = (identity, facts, opened_on, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let actor = actor(&caller, &request_id);
    let person = PersonData {
        niss: niss.digits(),
        surname: body.surname.trim().to_owned(),
        given_names: body.given_names.trim().to_owned(),
        birth_date: facts.birth_date,
        sex: sex.map(sex_code),
        nationality: facts.nationality.code().to_owned(),
    };
    let response = crate::clock::block(move || -> Result<CaseResponse, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let today = state.clock.today();
        let determination = determine(&facts, &reference, today).map_err(ApiError::Facts)?;
        let (case, opened) =
            walk_in_decision(&determination, cri, opened_on, today, &reference.parameters).map_err(|refusal| {
                match refusal {
                    WalkInRefusal::OutsideCriTerritory => ApiError::Validation(vec![FieldError::new(
                        "domicile_nis",
                        "outside_cri_territory",
                        "La commune de domicile ne relève pas de ce CRI à la date de référence.",
                        "The commune of domicile does not fall under this CRI on the reference date.",
                    )]),
                    WalkInRefusal::NotEligible => ApiError::Validation(vec![FieldError::new(
                        "body",
                        "not_eligible",
                        "Cette personne ne peut pas suivre le parcours wallon.",
                        "This person cannot follow the Walloon pathway.",
                    )]),
                    WalkInRefusal::NoRegimeInForce { on } => {
                        parcours_domain::intake::IntakeError::NoRegimeInForce { on }.into()
                    }
                }
            })?;
        let columns = case_columns(&case, &reference)?;
        let mut new = stored_determination(&determination, &facts, today, &reference)?;
        new.competent_cri = Some(cri.code().to_owned());
        let commune = facts.domicile.to_string();
        let now = state.clock.now();
        // The case and, when the CRI's entry contradicts the identity known for this number, the conflict
        // it flags: one transaction.
        let walk_in = parcours_store::write_transaction(&mut conn, |conn| -> Result<WalkIn, StoreError> {
            let walk_in = cases::record_walk_in(conn, &person, &commune, &new, &columns, &[opened], &actor, now)?;
            if let WalkIn::Opened(view, reported) = &walk_in {
                let subject = Some(view.case.step_subject());
                identity_conflicts::flag_conflict(conn, reported, None, Some(cri.code()), subject, &actor, now)?;
            }
            Ok(walk_in)
        })?;
        match walk_in {
            WalkIn::Opened(view, _) => CaseResponse::new(&view, &reference, &state.config.data_keys, today),
            WalkIn::AlreadyOpen(existing) => Err(ApiError::Conflict(
                "case_already_open",
                Text::new(
                    format!(
                        "Cette personne a déjà un dossier ouvert : {} ({}).",
                        existing.reference, existing.cri_code
                    ),
                    format!("This person already has an open case: {} ({}).", existing.reference, existing.cri_code),
                ),
            )),
        }
    })
    .await??;
    let mut http = response.respond(actix_web::http::StatusCode::CREATED);
    if let Ok(value) = header::HeaderValue::from_str(&format!("/v1/cases/{}", response.id)) {
        http.headers_mut().insert(header::LOCATION, value);
    }
    Ok(http)
}
