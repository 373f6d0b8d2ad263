//! `GET /.well-known/parcours-keys.json`: the Ed25519 public keys that sign attestations' offline payload,
//! the current one first and every retired one after it, so that attestations signed before a rotation
//! still verify. Format in `docs/attestation-verification.md`.

use actix_web::{HttpResponse, get, web};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::state::AppState;

/// One published key.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishedKey {
    /// Key id, as in the payload's second field.
    pub kid: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The 32-byte public key, base64url without padding.
    pub public_key: String,
    /// `current` (signs new attestations) or `retired` (kept for attestations signed earlier).
    pub status: String,
}

/// The published keys.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishedKeys {
    /// The payload format these keys sign (`PA1`).
    pub payload_format: String,
    /// Current key first.
    pub keys: Vec<PublishedKey>,
}

/// The public keys of attestation signatures.
///
/// The Ed25519 public keys that sign attestations' offline payload,
/// the current one first and every retired one after it, so that attestations signed before a rotation
/// still verify. Format in `docs/attestation-verification.md`.
#[utoipa::path(
    tag = "attestations",
    responses((status = 200, description = "The published keys", body = PublishedKeys)),
    security(())
)]
#[get("/.well-known/parcours-keys.json")]
pub async fn get_published_keys(state: web::Data<AppState>) -> HttpResponse {
    let keys = state.config.attestation_keys.published();
    let body = PublishedKeys {
        payload_format: parcours_documents::verification::FORMAT.to_owned(),
        keys: keys
            .iter()
            .enumerate()
            .map(|(index, (kid, key))| PublishedKey {
                kid: kid.clone(),
                alg: "Ed25519".into(),
                public_key: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes()),
                status: if index == 0 { "current" } else { "retired" }.into(),
            })
            .collect(),
    };
    HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=3600")).json(body)
}
