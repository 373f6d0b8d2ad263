//! `POST /v1/arrivals`: a commune reports a newcomer. Parcours decides, stores the determination with its
//! reasons, regime and rule version, deduplicates the person by NISS, opens a case at the competent CRI
//! when the person is obliged (or volunteers), and answers with all of it. Requires `Idempotency-Key`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::determine;
use parcours_domain::intake::{IntakeDecision, intake_decision};
use parcours_store::arrivals;
use parcours_store::arrivals::{CaseDecision, NewArrival};
use parcours_store::persons::PersonData;
use parcours_store::{StoreError, UniqueRule};
use validator::Validate;

use super::{ArrivalRequest, ArrivalResponse};
use crate::auth::CommuneAgent;
use crate::dto::{FactFields, parse_identity, sex_code, stored_determination, validation_errors};
use crate::handlers::cases::case_columns;
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A commune reports only its own residents, under its code of today or, after a merger or the 2019
/// renumbering, under the code it had then (rule 8.2).
fn check_domicile(body: &ArrivalRequest, commune: parcours_domain::NisCode, errors: &mut Vec<FieldError>) {
    let own = parcours_domain::NisCode::parse(body.domicile_nis.trim())
        .is_ok_and(|reported| parcours_domain::reference::bundled_shared().same_commune_over_time(reported, commune));
    if !own {
        errors.push(FieldError::new(
            "domicile_nis",
            "outside_commune_territory",
            format!("Une commune ne peut déclarer que ses propres résidents (commune du jeton : {commune})."),
            format!("A commune may only report its own residents (token commune: {commune})."),
        ));
    }
}

/// Reports an arrival.
///
/// A commune reports a newcomer. Parcours decides, stores the determination with its
/// reasons, regime and rule version, deduplicates the person by NISS, opens a case at the competent CRI
/// when the person is obliged (or volunteers), and answers with all of it. Requires `Idempotency-Key`.
#[utoipa::path(
    tag = "arrivals",
    request_body = ArrivalRequest,
    params(("Idempotency-Key" = String, Header, description = "Unique per report (a UUID): a replay returns the first response; the same key with another body is refused (422).")),
    responses(
        (status = 201, description = "Recorded: arrival, determination, case, CRI and deadlines. A replay with the same key and body returns the first response again, with the header Idempotent-Replayed: true.", body = ArrivalResponse,
         headers(("Location" = String, description = "URL of the arrival"))),
        (status = 400, description = "Missing Idempotency-Key or malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a commune agent", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, inconsistent facts, or key reused with another body", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/arrivals")]
pub async fn create_arrival(
    state: web::Data<AppState>,
    agent: CommuneAgent,
    request_id: RequestId,
    req: HttpRequest,
    body: crate::body::Body<ArrivalRequest>,
) -> Result<HttpResponse, ApiError> {
    let caller = agent.caller;
    let commune = agent.commune;
    let key = idempotency::key(&req)?;
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let request_hash = idempotency::request_hash(canonical.as_bytes());

    let mut errors = Vec::new();
    if let Err(e) = body.validate() {
        validation_errors(&e, &mut errors);
    }
    check_domicile(&body, commune, &mut errors);
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
    let (Some((niss, sex)), Some(facts), true) = (identity, facts, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };

    let actor = actor(&caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let as_of = state.clock.today();
        let now = state.clock.now();
        let determination = determine(&facts, &reference, as_of).map_err(ApiError::Facts)?;
        let new = NewArrival {
            person: PersonData {
                niss: niss.digits(),
                surname: body.surname.trim().to_owned(),
                given_names: body.given_names.trim().to_owned(),
                birth_date: facts.birth_date,
                sex: sex.map(sex_code),
                nationality: facts.nationality.code().to_owned(),
            },
            commune_nis: commune.to_string(),
            volunteer_request: body.volunteer_request,
            // The report keeps only what is recorded nowhere else: the identity is kept as reported in
            // person_identities, the facts in the determination.
            payload_json: serde_json::json!({ "contact": body.contact }).to_string(),
            determination: stored_determination(&determination, &facts, as_of, &reference)?,
        };
        let key = Idempotency { organisation: actor.organisation.clone(), key, request_hash };
        idempotency::run(&mut conn, Some(&key), &actor, now, |conn| {
            // A concurrent intake of the same person (another commune, another key) may commit first:
            // the person or their open case then changed, and the rules decide again against what it
            // wrote (each attempt is a savepoint of this transaction).
            let mut attempts = 0;
            loop {
                attempts += 1;
                let open = arrivals::find_open_case_by_niss(conn, &new.person.niss)?;
                let decision = intake_decision(
                    open.as_ref().map(|view| &view.aggregate),
                    &determination,
                    body.volunteer_request,
                    &reference,
                    as_of,
                    commune,
                )?;
                let decision = match decision {
                    IntakeDecision::None => CaseDecision::None,
                    IntakeDecision::Join => CaseDecision::Join,
                    IntakeDecision::Open { case, step } => {
                        CaseDecision::Open(case_columns(&case, &reference)?, vec![step])
                    }
                    IntakeDecision::Transfer { case, steps } => {
                        CaseDecision::Change(case_columns(&case, &reference)?, steps)
                    }
                };
                let expected = open.as_ref().map(|view| (view.case.id.clone(), view.case.version));
                match arrivals::record_arrival(conn, &new, &actor, now, expected, decision) {
                    Ok(view) => {
                        let location = format!("/v1/arrivals/{}", view.arrival.id);
                        return Answer::created(&ArrivalResponse::from_view(&view)?, location);
                    }
                    Err(
                        StoreError::Duplicate(UniqueRule::PersonNiss | UniqueRule::OneOpenCasePerPerson)
                        | StoreError::StaleVersion { .. },
                    ) if attempts < 3 => continue,
                    Err(other) => return Err(other.into()),
                }
            }
        })
    })
    .await??;
    Ok(answer.respond())
}
