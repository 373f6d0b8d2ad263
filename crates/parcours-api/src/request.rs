//! Per-request plumbing: the request id, the access log (route template, status, duration; never personal
//! data), and the language of error responses.

use std::future::{Ready, ready};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::auth::Caller;
use crate::problem::{ApiError, Lang};

/// The current request as the audit trail names it: the server's own id (always generated here, so no
/// caller can choose or reuse the id its reads are filed under), the caller's well-formed `X-Request-Id`
/// kept beside it, and the route it came through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId {
    /// The server's id (logged, returned in `X-Request-Id` and in problem bodies).
    pub id: String,
    /// The caller's `X-Request-Id`, when well-formed (returned in `X-Client-Request-Id`).
    pub client: Option<String>,
    /// `METHOD /route/{template}`, once routed.
    pub route: Option<String>,
}

impl FromRequest for RequestId {
    type Error = ApiError;
    type Future = Ready<Result<RequestId, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let mut request_id = req.extensions().get::<RequestId>().cloned().unwrap_or_else(|| RequestId {
            id: parcours_store::new_id(),
            client: None,
            route: None,
        });
        request_id.route = req.match_pattern().map(|pattern| format!("{} {pattern}", req.method()));
        ready(Ok(request_id))
    }
}

/// The audit identity of a caller in this request.
pub fn actor(caller: &Caller, request_id: &RequestId) -> parcours_store::audit::Actor {
    parcours_store::audit::Actor {
        subject: caller.subject.clone(),
        organisation: caller.organisation.to_string(),
        role: caller.roles.join(","),
        request_id: request_id.id.clone(),
        client_request_id: request_id.client.clone(),
        route: request_id.route.clone(),
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-client-request-id");

fn accepted_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let ok = !value.is_empty()
        && value.len() <= 64
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| value.to_owned())
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push(high * 16 + low);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A refused character (NUL, control, bidirectional override) in the path or a query parameter, as a 400
/// naming the parameter. Checked before routing, so no identifier with NUL ever reaches a query.
fn refused_in_uri(path: &str, query: &str) -> Option<ApiError> {
    if let Some(error) = crate::body::text_error("path", &percent_decoded(path)) {
        return Some(ApiError::BadParameter(vec![error]));
    }
    let errors: Vec<_> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decoded(name);
            crate::body::text_error(&name, &format!("{name}{}", percent_decoded(value)))
        })
        .collect();
    (!errors.is_empty()).then_some(ApiError::BadParameter(errors))
}

/// The method as a metric label: the standard ones by name, any other as `other`, so that a client
/// inventing methods cannot create series without end.
fn metric_method(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    [Method::GET, Method::HEAD, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS]
        .iter()
        .zip(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .find(|(known, _)| *known == method)
        .map_or("other", |(_, name)| name)
}

/// Before the handler: assign the request id. After: render errors in the client's language with the
/// request id and path, and log one line per request.
pub async fn around(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = parcours_store::new_id();
    let client_request_id = accepted_request_id(&req);
    req.extensions_mut().insert(RequestId { id: request_id.clone(), client: client_request_id.clone(), route: None });
    let lang = Lang::from_request(req.request());
    let method = req.method().clone();
    if let Some(refused) = refused_in_uri(req.path(), req.query_string()) {
        let rendered = refused.render(lang, None, Some(request_id.clone()));
        log::info!("request_id={request_id} method={method} route=(refused) status=400");
        if let Some(state) = req.app_data::<actix_web::web::Data<crate::state::AppState>>() {
            state.requests.observe(metric_method(&method), "(refused)", 400, started.elapsed().as_secs_f64());
        }
        let path = req.path().to_owned();
        let mut response = req.into_response(rendered).map_into_boxed_body();
        crate::conditional::protect(&path, response.headers_mut());
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID, value);
        }
        return Ok(response);
    }
    let response = next.call(req).await?;
    let route = response.request().match_pattern().unwrap_or_else(|| "(unmatched)".to_owned());
    let path = response.request().path().to_owned();
    let mut response = match response.response().error().and_then(|e| e.as_error::<ApiError>()) {
        Some(api_error) => {
            if let ApiError::Internal(detail) | ApiError::Unavailable(detail) = api_error {
                log::error!("request_id={request_id} route={route} {}: {detail}", api_error.code());
            }
            let rendered = api_error.render(lang, Some(path.clone()), Some(request_id.clone()));
            response.into_response(rendered).map_into_boxed_body()
        }
        None => response.map_into_boxed_body(),
    };
    crate::conditional::protect(&path, response.headers_mut());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if let Some(value) = client_request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(CLIENT_REQUEST_ID, value);
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some(state) = response.request().app_data::<actix_web::web::Data<crate::state::AppState>>() {
        state.requests.observe(metric_method(&method), &route, response.status().as_u16(), seconds);
    }
    log::info!(
        "request_id={request_id} method={method} route={route} status={} duration_ms={:.1}",
        response.status().as_u16(),
        seconds * 1000.0
    );
    Ok(response)
}

/// Before the handler: one request from the caller's token bucket and from its address's
/// ([`crate::rate_limit::RequestLimits`]); 429 with `Retry-After` when either is empty.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<actix_web::web::Data<crate::state::AppState>>().cloned();
    if let Some(state) = state.filter(|_| !crate::rate_limit::exempt(req.path()))
        && let Err(wait) = state.limits.take(req.request())
    {
        // As a response carrying the error, so that `around` renders it like any other.
        return Ok(req.error_response(ApiError::TooManyRequests(wait)));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Sandbox only: the request runs on its caller's clock (the days its organisation moved ahead with
/// `POST /v1/sandbox/clock`), read from the bearer token. Elsewhere, and for a request without a valid
/// token, the shared clock; the token itself is judged by the handler's extractor as always.
pub async fn sandbox_clock(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<actix_web::web::Data<crate::state::AppState>>().cloned();
    let Some(state) = state.filter(|s| s.config.environment == crate::config::Environment::Sandbox) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let organisation = crate::auth::bearer_token(req.headers())
        .and_then(|token| state.verifier.verify(token, crate::auth::epoch_seconds()).ok())
        .map(|caller| caller.organisation.to_string());
    let days = organisation.map_or(0, |organisation| state.clock.days_ahead_for(&organisation));
    Ok(crate::clock::Scoped::new(days, next.call(req)).await?.map_into_boxed_body())
}
