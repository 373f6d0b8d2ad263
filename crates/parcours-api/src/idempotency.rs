//! `Idempotency-Key` handling for writes from communes and operators: a replay returns the first
//! response; the same key with another body is refused (422).

use actix_web::HttpRequest;
use parcours_store::idempotency::IdempotentResponse;

use crate::problem::ApiError;

/// The header.
pub const HEADER: &str = "Idempotency-Key";

/// Reads and checks the key: 1 to 255 visible ASCII characters.
pub fn key(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
    if value.is_empty() || value.len() > 255 || !value.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::IdempotencyKeyRequired);
    }
    Ok(value.to_owned())
}

/// The stored response when the body is the same; a 422 when it differs.
pub fn replay(stored: &IdempotentResponse, request_hash: &str) -> Result<(u16, String, bool), ApiError> {
    if stored.request_hash != request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let status =
        u16::try_from(stored.response_status).map_err(|_| ApiError::Internal("stored status out of range".into()))?;
    Ok((status, stored.response_body.clone(), true))
}
