//! `POST /v1/persons/{id}/identities`: a versioned update of a person's current identity by the commune
//! of the current domicile (its population register) or the CRI competent for the person, with its
//! reason (GDPR art. 16). A report never does this: a report that contradicts the known identity is
//! flagged as a conflict instead. The names and the sex can be corrected here; a birth date or a
//! nationality changes the determination, so it comes with a new report, which the rules decide again.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::identity::{Requester, UpdateRefusal};
use parcours_store::persons::IdentityUpdate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CurrentIdentity, IdentityDto};
use crate::auth::{CommuneOrCri, Organisation};
use crate::body::length_error;
use crate::dto::{parse_identity, sex_code};
use crate::handlers::cases::if_match;
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The corrected identity.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"surname": "El Amrani-Benali", "given_names": "Samira", "sex": "female",
    "reason": "Nom d'épouse inscrit au registre de la population le 2026-12-10"}))]
pub struct IdentityUpdateRequest {
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// `male`, `female` or `unknown`; must match the national number's parity when it carries the sex.
    pub sex: Option<String>,
    /// Why (the register entry, the document seen), 5 to 500 characters.
    pub reason: String,
}

/// The new version.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IdentityUpdateResponse {
    /// The current identity now.
    pub person: CurrentIdentity,
    /// The version recorded.
    pub version: IdentityDto,
}

/// Updates a person's identity.
///
/// A versioned update of a person's current identity by the commune
/// of the current domicile (its population register) or the CRI competent for the person, with its
/// reason (GDPR art. 16). A report never does this: a report that contradicts the known identity is
/// flagged as a conflict instead. The names and the sex can be corrected here; a birth date or a
/// nationality changes the determination, so it comes with a new report, which the rules decide again.
#[utoipa::path(
    tag = "persons",
    params(
        ("id" = String, Path, description = "Person id"),
        ("If-Match" = String, Header, description = "ETag of the identity history as last read (the current identity version)")
    ),
    request_body = IdentityUpdateRequest,
    responses(
        (status = 201, description = "New version recorded", body = IdentityUpdateResponse),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a commune nor a CRI agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or one the caller neither reported nor follows", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the commune of the current domicile (`not_commune_of_domicile`) or not the competent CRI (`not_competent_cri`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The identity changed since it was read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, sex contradicting the national number, or nothing changes (`identity_unchanged`)", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/persons/{id}/identities")]
pub async fn create_person_identity(
    state: web::Data<AppState>,
    agent: CommuneOrCri,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<IdentityUpdateRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let errors: Vec<FieldError> = [
        length_error("surname", &body.surname, 1, 200),
        length_error("given_names", &body.given_names, 1, 200),
        length_error("reason", &body.reason, 5, 500),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let caller = agent.caller;
    let actor = actor(&caller, &request_id);
    let id = path.into_inner();
    let outcome = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (commune, cri);
        let requester = match &caller.organisation {
            Organisation::Commune(nis) => {
                commune = nis.to_string();
                Requester::Commune(&commune)
            }
            Organisation::Cri(code) => {
                cri = code.code().to_owned();
                Requester::Cri(&cri)
            }
            _ => return Err(ApiError::Internal("requester checked by the extractor".to_owned())),
        };
        let Some(person) = parcours_store::persons::find_person(&mut conn, &id)? else {
            return Err(ApiError::NotFound);
        };
        // The sex must agree with the national number, as on a report.
        let mut errors = Vec::new();
        let birth = person.birth_date.format("%Y-%m-%d").to_string();
        let sex = parse_identity(&person.niss, body.sex.as_deref(), &birth, &mut errors).and_then(|(_, sex)| sex);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let mut proposed = person.identity();
        proposed.surname = body.surname.clone();
        proposed.given_names = body.given_names.clone();
        proposed.sex = sex.map(sex_code);
        Ok(parcours_store::persons::update_identity(
            &mut conn,
            &person.id,
            requester,
            expected,
            &proposed,
            &body.reason,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    match outcome {
        IdentityUpdate::NotFound => Err(ApiError::NotFound),
        IdentityUpdate::Stale { current_version } => Err(ApiError::PreconditionFailed(current_version)),
        IdentityUpdate::Refused(UpdateRefusal::NotTheCommuneOfDomicile) => Err(ApiError::Conflict(
            "not_commune_of_domicile",
            Text::new(
                "Seule la commune du domicile actuel de la personne met son identité à jour ; une autre commune la signale par une arrivée.",
                "Only the commune of the person's current domicile updates their identity; another commune reports it through an arrival.",
            ),
        )),
        IdentityUpdate::Refused(UpdateRefusal::NotTheCompetentCri) => Err(ApiError::Conflict(
            "not_competent_cri",
            Text::new(
                "Seul le CRI compétent pour la personne (qui tient son dossier ouvert) met son identité à jour.",
                "Only the CRI competent for the person (holding their open case) updates their identity.",
            ),
        )),
        IdentityUpdate::Refused(UpdateRefusal::NothingChanges) => Err(ApiError::Validation(vec![FieldError::new(
            "body",
            "identity_unchanged",
            "L'identité envoyée est celle déjà connue : aucune version n'est créée.",
            "The identity sent is the one already known: no version is created.",
        )])),
        IdentityUpdate::Updated(person, version) => Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/v1/persons/{}/identities", person.id)))
            .insert_header((actix_web::http::header::ETAG, format!("\"{}\"", person.identity_version)))
            .json(IdentityUpdateResponse {
                person: CurrentIdentity::new(&person),
                version: IdentityDto::new(&version),
            })),
    }
}
