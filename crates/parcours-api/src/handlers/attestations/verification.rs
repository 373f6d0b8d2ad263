//! `GET` and `POST /v1/attestations/{serial}/verification?t=<token>`: anyone holding an attestation (a
//! commune, a nationality office, a bank, another region) checks it without an account. The answer is
//! minimal (status, dates, issuing CRI, the holder's initials and birth year), a wrong or missing token
//! reads exactly like an unknown serial, every verification is audited as a read by an anonymous verifier
//! (it appears in the holder's access report), and each client address has a rate limit (429).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Datelike, NaiveDate};
use parcours_domain::attestation::{comparable_surname, initials};
use parcours_store::attestations::AttestationRecord;
use parcours_store::audit::Actor;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::content_of;
use crate::problem::{ApiError, Problem};
use crate::request::RequestId;
use crate::state::AppState;

/// The token printed in the attestation's QR code and address.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct TokenQuery {
    /// Verification token (`t=` in the printed address).
    pub t: Option<String>,
}

/// What anyone may learn of an attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "valid", "serial": "CRIPEL-ATT-2026-000001", "issued_on": "2026-12-15", "cri": "CRIPEL",
    "cri_name": "Centre Régional pour l'Intégration des personnes étrangères ou d'origine étrangère de Liège",
    "completed_on": "2026-12-15", "holder_initials": "S. E.", "holder_birth_year": 1990}))]
pub struct VerificationAnswer {
    /// `valid`, `revoked`, `superseded`, or `unknown` (no such serial, or a wrong token).
    #[schema(example = "valid")]
    pub status: String,
    /// The serial asked about.
    pub serial: String,
    /// Issue date.
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<NaiveDate>,
    /// Issuing CRI code.
    pub cri: Option<String>,
    /// Its name.
    pub cri_name: Option<String>,
    /// Completion date.
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_on: Option<NaiveDate>,
    /// The holder's initials (`S. E.`).
    pub holder_initials: Option<String>,
    /// The holder's birth year.
    pub holder_birth_year: Option<i32>,
}

/// The holder to compare.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"surname": "El Amrani", "birth_date": "1990-05-10"}))]
pub struct HolderCheck {
    /// Surname as on the paper (case, accents, spaces and hyphens do not count).
    pub surname: String,
    /// Birth date.
    #[schema(format = Date)]
    pub birth_date: String,
}

/// Whether the holder matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HolderMatch {
    /// True when the attestation is known (with its token) and the surname and birth date are the holder's.
    pub matches: bool,
}

/// Constant-time comparison, so that response times do not reveal how much of a token was right.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The attestation behind a serial and token, or `None` (unknown serial and wrong token alike).
pub fn find_verified(
    conn: &mut parcours_store::DbConnection,
    serial: &str,
    token: Option<&str>,
) -> Result<Option<AttestationRecord>, ApiError> {
    let Some(token) = token else { return Ok(None) };
    Ok(parcours_store::attestations::find(conn, serial)?.filter(|r| same_token(&r.verification_token, token)))
}

/// Takes one request from the caller's allowance.
pub fn rate_limit(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    state.verification_limit.take(req.peer_addr().map(|a| a.ip())).map_err(ApiError::TooManyRequests)
}

fn anonymous(request_id: &RequestId) -> Actor {
    Actor {
        subject: "anonymous".into(),
        organisation: "public:verifier".into(),
        role: "public".into(),
        request_id: request_id.id.clone(),
        client_request_id: request_id.client.clone(),
        route: request_id.route.clone(),
    }
}

/// The minimal answer for a record (or for an unknown serial).
pub fn answer_of(serial: &str, record: Option<&AttestationRecord>) -> Result<VerificationAnswer, ApiError> {
    let Some(record) = record else {
        return Ok(VerificationAnswer {
            status: "unknown".into(),
            serial: serial.to_owned(),
            issued_on: None,
            cri: None,
            cri_name: None,
            completed_on: None,
            holder_initials: None,
            holder_birth_year: None,
        });
    };
    let content = content_of(record)?;
    Ok(VerificationAnswer {
        status: record.status.code().to_owned(),
        serial: record.serial.clone(),
        issued_on: Some(record.issued_on),
        cri: Some(record.cri_code.clone()),
        cri_name: Some(content.cri_name),
        completed_on: Some(record.completed_on),
        holder_initials: Some(initials(&content.given_names, &content.surname)),
        holder_birth_year: Some(content.birth_date.year()),
    })
}

/// Looks an attestation up and audits the verification.
pub async fn verify(
    state: web::Data<AppState>,
    request_id: &RequestId,
    serial: String,
    token: Option<String>,
) -> Result<VerificationAnswer, ApiError> {
    let actor = anonymous(request_id);
    crate::clock::block(move || -> Result<VerificationAnswer, ApiError> {
        let mut conn = state.store.conn()?;
        let record = find_verified(&mut conn, &serial, token.as_deref())?;
        let answer = answer_of(&serial, record.as_ref())?;
        if let Some(record) = &record {
            parcours_store::attestations::audit_read(
                &mut conn,
                record,
                "verify_attestation",
                &answer.status,
                &actor,
                state.clock.now(),
            )?;
        }
        Ok(answer)
    })
    .await?
}

/// Verifies an attestation (no account needed).
///
/// Anyone holding an attestation checks it with the serial and the token printed in its QR code: status,
/// dates, issuing CRI, the holder's initials and birth year. A wrong or missing token reads exactly like an
/// unknown serial; every verification is audited as an anonymous read (the holder's access report lists
/// it), and each client address has a rate limit (429).
#[utoipa::path(
    tag = "attestations",
    params(("serial" = String, Path, description = "Serial"), TokenQuery),
    responses(
        (status = 200, description = "What anyone may know; `unknown` for an unknown serial or a wrong token", body = VerificationAnswer),
        (status = 429, description = "Too many verifications from this address (`Retry-After`)", body = Problem, content_type = "application/problem+json")
    ),
    security(())
)]
#[get("/attestations/{serial}/verification")]
pub async fn get_attestation_verification(
    state: web::Data<AppState>,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, ApiError> {
    rate_limit(&state, &req)?;
    let answer = verify(state, &request_id, path.into_inner(), query.into_inner().t).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(answer))
}

/// Checks the holder's surname and birth date against an attestation: the answer is only yes or no.
///
/// For a verifier who has the person in front of them: the surname (case, accents, spaces and hyphens ignored) and the birth
/// date are compared with the attestation's holder, and only the match is answered, never the stored
/// identity. Same token, audit and rate limit as the verification.
#[utoipa::path(
    tag = "attestations",
    params(("serial" = String, Path, description = "Serial"), TokenQuery),
    request_body = HolderCheck,
    responses(
        (status = 200, description = "Whether the holder matches (false for an unknown serial or a wrong token)", body = HolderMatch),
        (status = 422, description = "Invalid birth date", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many verifications from this address (`Retry-After`)", body = Problem, content_type = "application/problem+json")
    ),
    security(())
)]
#[post("/attestations/{serial}/verification")]
pub async fn create_attestation_verification(
    state: web::Data<AppState>,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<TokenQuery>,
    body: crate::body::Body<HolderCheck>,
) -> Result<HttpResponse, ApiError> {
    rate_limit(&state, &req)?;
    let check = body.into_inner();
    let birth_date = crate::handlers::cases::date_field("birth_date", &check.birth_date)?;
    let actor = anonymous(&request_id);
    let serial = path.into_inner();
    let token = query.into_inner().t;
    let matches = crate::clock::block(move || -> Result<bool, ApiError> {
        let mut conn = state.store.conn()?;
        let Some(record) = find_verified(&mut conn, &serial, token.as_deref())? else { return Ok(false) };
        let content = content_of(&record)?;
        let matches = content.birth_date == birth_date
            && comparable_surname(&content.surname) == comparable_surname(&check.surname);
        let outcome = if matches { "holder_matches" } else { "holder_does_not_match" };
        parcours_store::attestations::audit_read(
            &mut conn,
            &record,
            "verify_attestation_holder",
            outcome,
            &actor,
            state.clock.now(),
        )?;
        Ok(matches)
    })
    .await??;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(HolderMatch { matches }))
}
