//! Entity tags and conditional reads, in one place for every resource that has a version (cases, persons,
//! offices, sanction procedures).
//!
//! A handler sets `ETag: "<version>"`, the stored version that `If-Match` guards. Here, after the handler,
//! the tag becomes `"<version>-<digest>"`, the digest being the first 16 hex digits of the SHA-256 of the
//! body actually sent. So the tag changes whenever the representation does, including what is not
//! stored on the resource itself: the hours operators report, or `review_overdue` turning true on the
//! day the review date passes. `If-None-Match` on a read is then answered with `304 Not Modified` when one
//! of its tags names that representation.
//!
//! `If-Match` guards against lost updates of the stored resource, so it compares the version part only
//! (a bare `"7"`, as sent before 2026-12-06, is still accepted). Otherwise an operator's attendance post or
//! midnight would make a CRI agent's next change fail with 412 although nobody changed the case.
//!
//! The same middleware sets the headers that every response with personal data needs:
//! `X-Content-Type-Options: nosniff` everywhere, and `Cache-Control: no-store` on everything under
//! `/v1/` unless the handler chose its own caching.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use sha2::{Digest, Sha256};

/// The tag of a representation: the handler's version and a digest of the bytes sent.
pub fn entity_tag(version: &str, body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("\"{version}-{hex}\"")
}

/// Whether `If-None-Match` (a list of tags, or `*`) names `current`. Weak comparison, as RFC 9110
/// §13.1.2 requires for this header.
pub fn none_match_hits(if_none_match: &str, current: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").trim_matches('"').to_owned();
    let current = opaque(current);
    if_none_match.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == current)
}

/// `nosniff` on every response, `no-store` on every response under `/v1/` whose handler chose no caching
/// of its own (called last, on the response as sent, errors included).
pub fn protect(path: &str, headers: &mut actix_web::http::header::HeaderMap) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if path.starts_with("/v1/") && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// After the handler: the full entity tag, and 304 for a matching `If-None-Match`.
pub async fn around(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_read = req.method() == Method::GET || req.method() == Method::HEAD;
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let response = next.call(req).await?.map_into_boxed_body();
    let version = match response.headers().get(header::ETAG).and_then(|v| v.to_str().ok()) {
        Some(tag) if response.status().is_success() => tag.trim_matches('"').to_owned(),
        _ => return Ok(response),
    };
    let (request, http) = response.into_parts();
    let (mut head, body) = http.into_parts();
    let bytes =
        actix_web::body::to_bytes(body).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let tag = entity_tag(&version, &bytes);
    let tag_value = HeaderValue::from_str(&tag).map_err(actix_web::error::ErrorInternalServerError)?;
    head.headers_mut().insert(header::ETAG, tag_value);
    let not_modified =
        is_read && head.status() == StatusCode::OK && if_none_match.is_some_and(|list| none_match_hits(&list, &tag));
    if not_modified {
        // RFC 9110 §15.4.5: no content, and the headers a 200 would have sent besides its content's.
        let mut not_modified = head.set_body(BoxBody::new(()));
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        not_modified.headers_mut().remove(header::CONTENT_TYPE);
        not_modified.headers_mut().remove(header::CONTENT_LENGTH);
        return Ok(ServiceResponse::new(request, not_modified));
    }
    Ok(ServiceResponse::new(request, head.set_body(BoxBody::new(bytes))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_changes_with_the_bytes_and_if_none_match_compares_weakly_over_a_list() {
        let first = entity_tag("7", br#"{"attended_hours":120.5}"#);
        let second = entity_tag("7", br#"{"attended_hours":122.5}"#);
        assert_ne!(first, second);
        assert!(first.starts_with("\"7-") && first.len() == "\"7-\"".len() + 16, "{first}");
        assert!(none_match_hits(&first, &first));
        assert!(none_match_hits(&format!("\"x\", W/{first}"), &first));
        assert!(none_match_hits("*", &first));
        assert!(!none_match_hits(&second, &first));
        assert!(!none_match_hits("\"7\"", &first));
    }
}
