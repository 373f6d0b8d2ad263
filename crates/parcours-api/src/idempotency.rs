//! `Idempotency-Key` for writes from communes, operators and the other organisations, in one component
//! that every such endpoint uses:
//!
//! - the same key with the same body replays the first response (status, body, `Location`) with
//!   `Idempotent-Replayed: true`;
//! - the same key with another body is refused (422 `idempotency_key_reused`);
//! - the write, the rendering of its response and the stored response are one transaction: a response
//!   that cannot be rendered rolls the write back, and nothing half-done is ever replayed;
//! - two requests racing with one key: the first commits, the second replays it once it can, or answers
//!   409 `idempotency_key_in_progress` with `Retry-After`.
//!
//! Keys are scoped per organisation and purged by the `idempotency_expiry` job after the retention
//! parameter (`idempotency_key_retention_days`).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use parcours_store::audit::Actor;
use parcours_store::idempotency::IdempotentResponse;
use parcours_store::{DbConnection, StoreError, UniqueRule};
use sha2::{Digest, Sha256};

use crate::problem::ApiError;

/// The header.
pub const HEADER: &str = "Idempotency-Key";

/// Reads and checks a required key: 1 to 255 visible ASCII characters.
pub fn key(req: &HttpRequest) -> Result<String, ApiError> {
    optional_key(req)?.ok_or(ApiError::IdempotencyKeyRequired)
}

/// Reads and checks the key when one is sent (endpoints where it is optional).
pub fn optional_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else { return Ok(None) };
    let value = value.to_str().map(str::trim).unwrap_or("");
    if value.is_empty() || value.len() > 255 || !value.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::IdempotencyKeyRequired);
    }
    Ok(Some(value.to_owned()))
}

/// SHA-256 of a canonical request, as stored with the key.
pub fn request_hash(canonical: &[u8]) -> String {
    format!("{:x}", Sha256::digest(canonical))
}

/// The answer of a write, as sent and as stored for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
    /// `Location` of what was created, if anything.
    pub location: Option<String>,
    /// Whether a replay of this answer should be offered (a refused attendance batch is not kept, so
    /// that a corrected batch can reuse the key).
    pub keep: bool,
    /// Whether this is a replay.
    pub replayed: bool,
}

impl Answer {
    /// A created resource.
    pub fn created(body: &impl serde::Serialize, location: String) -> Result<Answer, ApiError> {
        Ok(Answer { status: 201, body: render(body)?, location: Some(location), keep: true, replayed: false })
    }

    /// A plain 200.
    pub fn ok(body: &impl serde::Serialize) -> Result<Answer, ApiError> {
        Ok(Answer { status: 200, body: render(body)?, location: None, keep: true, replayed: false })
    }

    /// The HTTP response, with `Location` and `Idempotent-Replayed` as they apply.
    pub fn respond(self) -> HttpResponse {
        let mut response = HttpResponse::build(StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK));
        response.content_type("application/json");
        if let Some(location) = &self.location {
            response.insert_header((header::LOCATION, location.clone()));
        }
        if self.replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        response.body(self.body)
    }
}

fn render(body: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Internal(format!("response cannot be rendered: {e}")))
}

/// The key of one request, with the hash of its body and the organisation it belongs to.
#[derive(Debug, Clone)]
pub struct Idempotency {
    /// Organisation (`commune:62063`, `operator:<id>`).
    pub organisation: String,
    /// The key.
    pub key: String,
    /// SHA-256 of the canonical body.
    pub request_hash: String,
}

fn replay(stored: &IdempotentResponse, request_hash: &str) -> Result<Answer, ApiError> {
    if stored.request_hash != request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let status =
        u16::try_from(stored.response_status).map_err(|_| ApiError::Internal("stored status out of range".into()))?;
    Ok(Answer {
        status,
        body: stored.response_body.clone(),
        location: stored.response_location.clone(),
        keep: true,
        replayed: true,
    })
}

/// A replay sends the first response again, with whatever personal data it holds: it is audited as a
/// read of the resource it created (the last segment of its `Location`), under this request.
fn audit_replay(
    conn: &mut DbConnection,
    stored: &IdempotentResponse,
    actor: &Actor,
    now: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let resource = stored.response_location.as_deref().and_then(|location| location.rsplit('/').next());
    let detail =
        format!("status={} location={}", stored.response_status, stored.response_location.as_deref().unwrap_or("-"));
    parcours_store::audit::append(
        conn,
        actor,
        "replay_idempotent_response",
        "idempotent_response",
        resource,
        Some(detail),
        now,
    )?;
    Ok(())
}

/// Runs `write` under `idempotency` (or plainly when there is none), as the module explains. `write`
/// does the store writes on the connection it is given and renders the answer; all of it is one
/// transaction. A replay is audited under `actor`.
pub fn run(
    conn: &mut DbConnection,
    idempotency: Option<&Idempotency>,
    actor: &Actor,
    now: chrono::NaiveDateTime,
    write: impl FnOnce(&mut DbConnection) -> Result<Answer, ApiError>,
) -> Result<Answer, ApiError> {
    let Some(request) = idempotency else {
        return parcours_store::write_transaction(conn, write);
    };
    let outcome = parcours_store::write_transaction(conn, |conn| -> Result<Answer, ApiError> {
        if let Some(stored) = parcours_store::idempotency::find(conn, &request.organisation, &request.key)? {
            let answer = replay(&stored, &request.request_hash)?;
            audit_replay(conn, &stored, actor, now)?;
            return Ok(answer);
        }
        let answer = write(conn)?;
        if answer.keep {
            parcours_store::idempotency::store(
                conn,
                &IdempotentResponse {
                    organisation: request.organisation.clone(),
                    idempotency_key: request.key.clone(),
                    request_hash: request.request_hash.clone(),
                    response_status: i32::from(answer.status),
                    response_body: answer.body.clone(),
                    response_location: answer.location.clone(),
                    created_at: now,
                },
            )
            .map_err(|error| match error {
                StoreError::Duplicate(UniqueRule::IdempotencyKey) => ApiError::IdempotencyKeyInProgress,
                other => other.into(),
            })?;
        }
        Ok(answer)
    });
    match outcome {
        // A concurrent request with the same key committed first (its rows, or its key, made this one's
        // write collide): answer as its replay.
        Err(error @ (ApiError::IdempotencyKeyInProgress | ApiError::Duplicate(_))) => {
            match parcours_store::idempotency::find(conn, &request.organisation, &request.key)? {
                Some(stored) => {
                    let answer = replay(&stored, &request.request_hash)?;
                    parcours_store::write_transaction(conn, |conn| audit_replay(conn, &stored, actor, now))?;
                    Ok(answer)
                }
                None => Err(error),
            }
        }
        other => other,
    }
}
