//! Signed webhooks, the sending side: secrets, Standard Webhooks signatures, the receivers' addresses, and
//! the `webhook_delivery` job that queues each subscription's new feed events and sends what is due.
//!
//! The decisions (which addresses, when to try again, what an answer means, the CloudEvents envelope) are
//! the domain's ([`parcours_domain::webhooks`]); this module signs, resolves names and speaks HTTP.
//!
//! - Signature (Standard Webhooks): over `webhook-id.webhook-timestamp.body`, of the exact bytes sent;
//!   `v1,<base64 HMAC-SHA256>` with the `whsec_` secret's decoded bytes, or `v1a,<base64 Ed25519>` with the
//!   `whsk_` key; during a rotation's overlap both the current and the previous signature are sent,
//!   space-separated.
//! - Transport: POST, `Content-Type: application/cloudevents+json`, 15 s timeout, no redirect followed, no
//!   proxy. Outside development only `https://` receivers; in production the name is resolved at
//!   registration and again at each send, and any address that is not public is refused (server-side
//!   request forgery): the resolver used to connect is the one that checks, so a name that changes between
//!   the check and the connection cannot slip through.

use std::collections::{HashMap, HashSet};
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration as StdDuration, Instant};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use parcours_domain::events::{CommuneEventPayload, CriEventPayload};
use parcours_domain::webhooks::{self as rules, AttemptResult, CloudEvent, DeliveryStatus, SignatureScheme};
use parcours_store::feed::{FeedReader, OutboxRecord};
use parcours_store::webhook_deliveries::{self as deliveries, Attempt, DeliveryRecord};
use parcours_store::webhook_subscriptions::{self as subscriptions, SubscriptionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::Environment;
use crate::problem::ApiError;
use crate::state::AppState;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// A new secret for a subscription: the text the subscriber keeps (`whsec_…` for v1; for v1a the service
/// keeps `whsk_…` and the subscriber the public key `whpk_…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSecret {
    /// What the service signs with.
    pub secret: String,
    /// The public key (v1a).
    pub public_key: Option<String>,
}

/// Draws a new secret: 32 random bytes (the specification asks for 24 to 64) or an Ed25519 key.
pub fn generate_secret(scheme: SignatureScheme) -> NewSecret {
    let mut bytes = [0u8; rules::SECRET_BYTES];
    getrandom::fill(&mut bytes).expect("the operating system's random generator is available");
    match scheme {
        SignatureScheme::V1 => NewSecret { secret: format!("whsec_{}", b64().encode(bytes)), public_key: None },
        SignatureScheme::V1a => {
            let key = ed25519_dalek::SigningKey::from_bytes(&bytes);
            NewSecret {
                secret: format!("whsk_{}", b64().encode(bytes)),
                public_key: Some(format!("whpk_{}", b64().encode(key.verifying_key().as_bytes()))),
            }
        }
    }
}

/// A stored secret that cannot be used (corrupt, or of an unknown form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSecret;

/// One signature, `v1,<base64>` or `v1a,<base64>`, of `id.timestamp.body` under `secret` (`whsec_…` or
/// `whsk_…`).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let mut content = Vec::with_capacity(id.len() + body.len() + 24);
    content.extend_from_slice(id.as_bytes());
    content.push(b'.');
    content.extend_from_slice(timestamp.to_string().as_bytes());
    content.push(b'.');
    content.extend_from_slice(body);
    if let Some(encoded) = secret.strip_prefix("whsec_") {
        let key = b64().decode(encoded).map_err(|_| BadSecret)?;
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
        mac.update(&content);
        Ok(format!("v1,{}", b64().encode(mac.finalize().into_bytes())))
    } else if let Some(encoded) = secret.strip_prefix("whsk_") {
        let seed: [u8; 32] = b64().decode(encoded).ok().and_then(|b| b.try_into().ok()).ok_or(BadSecret)?;
        use ed25519_dalek::Signer as _;
        let signature = ed25519_dalek::SigningKey::from_bytes(&seed).sign(&content);
        Ok(format!("v1a,{}", b64().encode(signature.to_bytes())))
    } else {
        Err(BadSecret)
    }
}

/// Why a receiver's address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRefusal {
    /// Not an absolute `http(s)://host/…` URL, or it carries a user name or password.
    NotAUrl,
    /// `http://` outside development.
    NotHttps,
    /// The name does not resolve.
    Unresolvable,
    /// It resolves to a loopback, private, link-local or otherwise non-public address (production).
    NotPublic,
}

impl TargetRefusal {
    /// Stable code (a field error's code, a delivery's `last_error`).
    pub fn code(self) -> &'static str {
        match self {
            TargetRefusal::NotAUrl => "invalid_url",
            TargetRefusal::NotHttps => "https_required",
            TargetRefusal::Unresolvable => "unresolvable_host",
            TargetRefusal::NotPublic => "target_not_public",
        }
    }

    /// What the subscriber reads.
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            TargetRefusal::NotAUrl => (
                "Adresse invalide : une URL absolue http(s)://hôte/chemin, sans identifiant ni mot de passe.",
                "Invalid address: an absolute http(s)://host/path URL, without user name or password.",
            ),
            TargetRefusal::NotHttps => (
                "Hors développement, le récepteur doit être en https://.",
                "Outside development, the receiver must use https://.",
            ),
            TargetRefusal::Unresolvable => {
                ("Le nom d'hôte du récepteur ne se résout pas.", "The receiver's host name does not resolve.")
            }
            TargetRefusal::NotPublic => (
                "En production, le récepteur doit avoir une adresse publique (ni boucle locale, ni réseau privé, \
                 ni lien local).",
                "In production, the receiver must have a public address (no loopback, private or link-local \
                 network).",
            ),
        }
    }
}

/// What the environment lets receivers be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetPolicy {
    /// `http://` accepted (development and sandbox, for a receiver on the integrator's own machine).
    pub plain_http: bool,
    /// Loopback and private addresses accepted (everywhere but production).
    pub private_networks: bool,
}

impl TargetPolicy {
    /// The policy of an environment.
    pub fn of(environment: Environment) -> TargetPolicy {
        TargetPolicy {
            plain_http: environment != Environment::Production,
            private_networks: environment != Environment::Production,
        }
    }
}

/// Checks a receiver's URL as written (scheme, host, no credentials), without resolving it.
pub fn check_url(url: &str, policy: TargetPolicy) -> Result<ureq::http::Uri, TargetRefusal> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| TargetRefusal::NotAUrl)?;
    let authority = uri.authority().ok_or(TargetRefusal::NotAUrl)?;
    if authority.as_str().contains('@') || authority.host().is_empty() || url.len() > 2000 {
        return Err(TargetRefusal::NotAUrl);
    }
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") if policy.plain_http => Ok(uri),
        Some("http") => Err(TargetRefusal::NotHttps),
        _ => Err(TargetRefusal::NotAUrl),
    }
}

/// Checks a receiver's URL and, where private networks are closed, that every address its name resolves
/// to is public (at registration; the send checks again, see [`PublicOnly`]).
pub fn check_target(url: &str, policy: TargetPolicy) -> Result<(), TargetRefusal> {
    let uri = check_url(url, policy)?;
    if policy.private_networks {
        return Ok(());
    }
    let addresses = resolve(&uri).map_err(|_| TargetRefusal::Unresolvable)?;
    if addresses.is_empty() {
        return Err(TargetRefusal::Unresolvable);
    }
    if addresses.iter().all(|a| rules::is_public_address(a.ip())) { Ok(()) } else { Err(TargetRefusal::NotPublic) }
}

fn resolve(uri: &ureq::http::Uri) -> std::io::Result<Vec<SocketAddr>> {
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(if uri.scheme_str() == Some("https") { 443 } else { 80 });
    Ok((host, port).to_socket_addrs()?.collect())
}

/// The resolver of production sends: the default one, keeping only public addresses (none left: the send
/// fails as `target_not_public`).
#[derive(Debug, Default)]
struct PublicOnly {
    inner: ureq::unversioned::resolver::DefaultResolver,
}

const NOT_PUBLIC: &str = "target_not_public";

impl ureq::unversioned::resolver::Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let all = self.inner.resolve(uri, config, timeout)?;
        let mut public = self.empty();
        for address in all.iter().filter(|a| rules::is_public_address(a.ip())) {
            public.push(*address);
        }
        if public.is_empty() {
            return Err(ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::PermissionDenied, NOT_PUBLIC)));
        }
        Ok(public)
    }
}

/// How long a receiver has to answer (the specification recommends 15 to 30 s).
const SEND_TIMEOUT: StdDuration = StdDuration::from_secs(15);
/// Events queued per subscription and page of the feed.
const QUEUE_PAGE: i64 = 500;
/// Deliveries looked at per run.
const SEND_BATCH: i64 = 500;
/// A run stops sending after this long (the job's lease is 10 minutes): the rest waits for the next run.
const SEND_BUDGET: StdDuration = StdDuration::from_secs(240);

fn agent(policy: TargetPolicy) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(SEND_TIMEOUT))
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(None)
        .https_only(!policy.plain_http)
        .user_agent("Parcours-Webhooks/1")
        .build();
    if policy.private_networks {
        ureq::Agent::new_with_config(config)
    } else {
        ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            PublicOnly::default(),
        )
    }
}

/// What a CRI (or the sanctioning officials) receives: the case and its state, never a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookCaseData {
    /// Case id (`GET /v1/cases/{id}`).
    #[schema(example = "01a20c90-0000-7000-8000-000000000002")]
    pub case_id: String,
    /// Case reference.
    #[schema(example = "CRIPEL-2026-000001")]
    pub case_reference: String,
    /// The kind of step (the feed's `data.event_type`).
    #[schema(value_type = crate::dto::EventTypeSchema)]
    pub event_type: String,
    /// The case's state after the step.
    #[schema(example = "convention_signed")]
    pub state: String,
}

/// What a commune or a CPAS receives about its resident: identifiers and the notice, never a name or a
/// national number (`GET /v1/persons/{id}` gives the identity, and the person's access report lists it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WebhookNoticeData {
    /// Case reference.
    #[schema(example = "CRIPEL-2026-000001")]
    pub case_reference: String,
    /// The person's id.
    #[schema(example = "01a20c90-0000-7000-8000-00000000000a")]
    pub person_id: String,
    /// The notice (rule 4.7).
    #[schema(value_type = crate::dto::CommuneNoticeSchema)]
    pub event_type: String,
    /// The attestation concerned (attestation notices only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "CRIPEL-ATT-2027-000001")]
    pub attestation_serial: Option<String>,
}

/// The body of a delivery about a case (CRIs, sanctioning officials), as the contract's `webhooks` section
/// documents it: a CloudEvents 1.0 event in structured JSON mode.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"specversion": "1.0", "id": "01a20c90-0000-7000-8000-000000000001",
    "source": "https://parcours.wallonie.be/v1/events", "type": "be.wallonie.parcours.case.convention_signed",
    "subject": "CRIPEL-2026-000001", "time": "2026-12-16T10:00:00Z", "datacontenttype": "application/json",
    "sequence": "00000000000000000042", "data": {"case_id": "01a20c90-0000-7000-8000-000000000002",
    "case_reference": "CRIPEL-2026-000001", "event_type": "convention_signed", "state": "convention_signed"}}))]
pub struct WebhookCaseEvent {
    /// `1.0`.
    pub specversion: String,
    /// The feed event's id, the same at every attempt and in `webhook-id`: drop what you already have.
    pub id: String,
    /// `<base URL>/v1/events`.
    pub source: String,
    /// `be.wallonie.parcours.case.<event type>`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The case reference.
    pub subject: String,
    /// When the step happened.
    pub time: DateTime<Utc>,
    /// `application/json`.
    pub datacontenttype: String,
    /// The feed position, zero-padded to 20 digits (orders as text; positions have gaps).
    pub sequence: String,
    /// Identifiers and state.
    pub data: WebhookCaseData,
}

/// The body of a delivery to a commune or a CPAS: a CloudEvents 1.0 event in structured JSON mode.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"specversion": "1.0", "id": "01a20c90-0000-7000-8000-000000000003",
    "source": "https://parcours.wallonie.be/v1/events", "type": "be.wallonie.parcours.notice.pathway_followed",
    "subject": "CRIPEL-2026-000001", "time": "2026-12-16T10:00:00Z", "datacontenttype": "application/json",
    "sequence": "00000000000000000043", "data": {"case_reference": "CRIPEL-2026-000001",
    "person_id": "01a20c90-0000-7000-8000-00000000000a", "event_type": "pathway_followed"}}))]
pub struct WebhookNoticeEvent {
    /// `1.0`.
    pub specversion: String,
    /// The feed event's id, the same at every attempt and in `webhook-id`: drop what you already have.
    pub id: String,
    /// `<base URL>/v1/events`.
    pub source: String,
    /// `be.wallonie.parcours.notice.<notice>`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The case reference.
    pub subject: String,
    /// When the step happened.
    pub time: DateTime<Utc>,
    /// `application/json`.
    pub datacontenttype: String,
    /// The feed position, zero-padded to 20 digits (orders as text; positions have gaps).
    pub sequence: String,
    /// Identifiers and the notice.
    pub data: WebhookNoticeData,
}

/// The thin payload of one event for one reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
enum WebhookData {
    Case(WebhookCaseData),
    Notice(WebhookNoticeData),
}

/// A feed event as a subscriber of `reader` receives it: its type (the feed's `data.event_type`), its
/// subject (the case reference) and its thin data.
fn event_for(reader: &FeedReader, event: &OutboxRecord) -> Result<(String, String, WebhookData), ApiError> {
    let unreadable = |e: serde_json::Error| ApiError::Internal(format!("stored event unreadable: {e}"));
    let notice = match reader {
        FeedReader::Commune(_) => Some(event.commune_payload.as_deref()),
        FeedReader::Cpas(_) => Some(event.cpas_payload.as_deref()),
        FeedReader::Cri(_) | FeedReader::Sanctions => None,
    };
    match notice {
        Some(payload) => {
            let payload = payload.ok_or_else(|| ApiError::Internal("notice without payload".into()))?;
            let p: CommuneEventPayload = serde_json::from_str(payload).map_err(unreadable)?;
            let code = p.event_type.code().to_owned();
            let data = WebhookNoticeData {
                case_reference: p.case_reference.clone(),
                person_id: p.person_id,
                event_type: code.clone(),
                attestation_serial: p.attestation_serial,
            };
            Ok((code, p.case_reference, WebhookData::Notice(data)))
        }
        None => {
            let p: CriEventPayload = serde_json::from_str(&event.cri_payload).map_err(unreadable)?;
            let code = p.event_type.code().to_owned();
            let data = WebhookCaseData {
                case_id: p.case_id,
                case_reference: p.case_reference.clone(),
                event_type: code.clone(),
                state: p.state.code().to_owned(),
            };
            Ok((code, p.case_reference, WebhookData::Case(data)))
        }
    }
}

/// The bytes sent for one event: a CloudEvents 1.0 structured JSON body.
fn body_for(state: &AppState, reader: &FeedReader, event: &OutboxRecord) -> Result<Vec<u8>, ApiError> {
    let (event_type, subject, data) = event_for(reader, event)?;
    let envelope = CloudEvent {
        specversion: "1.0",
        id: event.id.clone(),
        source: format!("{}/v1/events", state.config.public_base_url.trim_end_matches('/')),
        event_type: rules::cloud_event_type(reader.audience(), &event_type),
        subject,
        time: event.occurred_at.and_utc(),
        datacontenttype: "application/json",
        sequence: rules::sequence(event.seq),
        data,
    };
    serde_json::to_vec(&envelope).map_err(|e| ApiError::Internal(format!("webhook body: {e}")))
}

/// Opens a subscription's sealed secret.
pub fn open_secret(state: &AppState, subscription_id: &str, sealed: &str) -> Result<String, ApiError> {
    let sealed: parcours_domain::confidential::Confidential<String> =
        serde_json::from_str(sealed).map_err(|e| ApiError::Internal(format!("webhook secret unreadable: {e}")))?;
    state
        .config
        .data_keys
        .open(&sealed, &secret_context(subscription_id))
        .map_err(|e| ApiError::Internal(format!("webhook secret cannot be opened: {e:?}")))
}

/// Seals a subscription's secret under the current data key, bound to the subscription.
pub fn seal_secret(state: &AppState, subscription_id: &str, secret: &str) -> Result<String, ApiError> {
    let sealed = state.config.data_keys.seal(&secret.to_owned(), &secret_context(subscription_id));
    serde_json::to_string(&sealed).map_err(|e| ApiError::Internal(format!("webhook secret: {e}")))
}

fn secret_context(subscription_id: &str) -> String {
    format!("webhook_subscription:{subscription_id}")
}

/// The `webhook-signature` header of one attempt: the current secret's signature, and the previous one's
/// while the rotation's overlap lasts.
fn signature_header(
    state: &AppState,
    subscription: &SubscriptionRecord,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, ApiError> {
    let bad = |_| ApiError::Internal("webhook secret unusable".into());
    let current = open_secret(state, &subscription.id, &subscription.secret_sealed)?;
    let mut header = sign(&current, id, timestamp, body).map_err(bad)?;
    if let (Some(previous), Some(until)) = (&subscription.previous_secret_sealed, subscription.previous_secret_until)
        && until > state.clock.now()
    {
        let previous = open_secret(state, &subscription.id, previous)?;
        header.push(' ');
        header.push_str(&sign(&previous, id, timestamp, body).map_err(bad)?);
    }
    Ok(header)
}

/// What one send came to.
struct Sent {
    status: Option<u16>,
    retry_after_seconds: Option<i64>,
    error: Option<String>,
}

fn retry_after(value: &str, now: DateTime<Utc>) -> Option<i64> {
    let value = value.trim();
    value.parse::<i64>().ok().or_else(|| {
        DateTime::parse_from_rfc2822(value).ok().map(|at| (at.with_timezone(&Utc) - now).num_seconds().max(0))
    })
}

fn send(agent: &ureq::Agent, url: &str, id: &str, timestamp: i64, signature: &str, body: &[u8]) -> Sent {
    let response = agent
        .post(url)
        .header("content-type", "application/cloudevents+json; charset=utf-8")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .send(body);
    match response {
        Ok(response) => {
            let retry_after_seconds = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after(v, Utc::now()));
            Sent { status: Some(response.status().as_u16()), retry_after_seconds, error: None }
        }
        Err(error) => Sent { status: None, retry_after_seconds: None, error: Some(error_code(&error).to_owned()) },
    }
}

/// A code for a failed send, never the network's own message (it may name hosts).
fn error_code(error: &ureq::Error) -> &'static str {
    match error {
        ureq::Error::Timeout(_) => "timeout",
        ureq::Error::HostNotFound => "host_not_found",
        ureq::Error::Io(io) if io.to_string().contains(NOT_PUBLIC) => NOT_PUBLIC,
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection_refused",
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionReset => "connection_reset",
        ureq::Error::Rustls(_) | ureq::Error::Tls(_) => "tls",
        ureq::Error::RequireHttpsOnly(_) => "https_required",
        ureq::Error::BadUri(_) => "invalid_url",
        _ => "network",
    }
}

fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system's random generator is available");
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

/// Queues the new feed events of every active subscription (filtered by its event types), then sends the
/// deliveries that are due, in feed order per case. Counts only in the outcome.
pub fn deliver(state: &AppState) -> Result<String, ApiError> {
    let mut conn = state.store.conn()?;
    let now = state.clock.now();
    let mut queued = 0usize;
    for subscription in subscriptions::active(&mut conn)? {
        let Some(reader) = FeedReader::parse(&subscription.organisation) else {
            log::warn!("webhook subscription {} has an unknown reader", subscription.id);
            continue;
        };
        let mut from = subscription.position;
        loop {
            let page = deliveries::feed_after(&mut conn, &reader, from, QUEUE_PAGE)?;
            let Some(last) = page.last() else { break };
            let to = last.seq;
            let mut events = Vec::new();
            for event in &page {
                let (event_type, _, _) = event_for(&reader, event)?;
                if subscription.receives(&event_type)? {
                    events.push((event, event_type));
                }
            }
            if !deliveries::queue(&mut conn, &subscription, &events, from, to, now)? {
                break;
            }
            queued += events.len();
            from = to;
            if (page.len() as i64) < QUEUE_PAGE {
                break;
            }
        }
    }

    let due = deliveries::due(&mut conn, now, SEND_BATCH)?;
    if due.is_empty() {
        return Ok(format!("ok: {queued} event(s) queued, nothing due"));
    }
    let subscription_ids: Vec<String> = due.iter().map(|d| d.subscription_id.clone()).collect();
    let by_id: HashMap<String, SubscriptionRecord> =
        subscriptions::by_ids(&mut conn, &subscription_ids)?.into_iter().map(|s| (s.id.clone(), s)).collect();
    let event_ids: Vec<String> = due.iter().map(|d| d.event_id.clone()).collect();
    let events: HashMap<String, OutboxRecord> =
        parcours_store::feed::by_ids(&mut conn, &event_ids)?.into_iter().map(|e| (e.id.clone(), e)).collect();
    drop(conn);

    let policy = TargetPolicy::of(state.config.environment);
    let agent = agent(policy);
    let started = Instant::now();
    let (mut delivered, mut failed, mut disabled) = (0usize, 0usize, 0usize);
    // A receiver that failed once in this run is not called again in it: its other deliveries wait for
    // their own next attempt rather than for a run of timeouts.
    let mut failing: HashSet<String> = HashSet::new();
    for delivery in due {
        if started.elapsed() > SEND_BUDGET {
            break;
        }
        let Some(subscription) = by_id.get(&delivery.subscription_id) else { continue };
        if failing.contains(&subscription.id) || subscription.status != rules::SubscriptionStatus::Active {
            continue;
        }
        let Some(event) = events.get(&delivery.event_id) else { continue };
        let Some(reader) = FeedReader::parse(&subscription.organisation) else { continue };
        match attempt(state, &agent, policy, subscription, &reader, event, &delivery)? {
            AttemptResult::Delivered => delivered += 1,
            AttemptResult::Gone => {
                disabled += 1;
                failing.insert(subscription.id.clone());
            }
            AttemptResult::Failed => {
                failed += 1;
                failing.insert(subscription.id.clone());
            }
        }
    }
    Ok(format!(
        "ok: {queued} event(s) queued, {delivered} delivered, {failed} failed attempt(s), {disabled} subscription(s) disabled"
    ))
}

/// One attempt of one delivery, recorded.
fn attempt(
    state: &AppState,
    agent: &ureq::Agent,
    policy: TargetPolicy,
    subscription: &SubscriptionRecord,
    reader: &FeedReader,
    event: &OutboxRecord,
    delivery: &DeliveryRecord,
) -> Result<AttemptResult, ApiError> {
    let at = state.clock.now();
    let clock_started = Instant::now();
    let sent = match check_url(&subscription.url, policy) {
        Err(refusal) => Sent { status: None, retry_after_seconds: None, error: Some(refusal.code().to_owned()) },
        Ok(_) => {
            let body = body_for(state, reader, event)?;
            // The receiver checks the timestamp against its own clock (replay protection): the wall clock,
            // even where the service's clock was moved (development, tests).
            let timestamp = Utc::now().timestamp();
            let signature = signature_header(state, subscription, &event.id, timestamp, &body)?;
            send(agent, &subscription.url, &event.id, timestamp, &signature, &body)
        }
    };
    let duration_ms = i64::try_from(clock_started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let refused = matches!(sent.error.as_deref(), Some("target_not_public" | "https_required" | "invalid_url"));
    let result = if refused { AttemptResult::Gone } else { rules::classify(sent.status) };
    let attempts = delivery.attempts + 1;
    let (status, next_attempt_at) = match result {
        AttemptResult::Delivered => (DeliveryStatus::Delivered, at),
        AttemptResult::Gone => (DeliveryStatus::Abandoned, at),
        AttemptResult::Failed => {
            match rules::next_attempt_after(attempts, sent.status, sent.retry_after_seconds, jitter()) {
                Some(delay) => (DeliveryStatus::Pending, at + delay),
                None => (DeliveryStatus::Abandoned, at),
            }
        }
    };
    let record = Attempt {
        at,
        status_code: sent.status.map(i32::from),
        error: sent.error,
        duration_ms,
        status,
        next_attempt_at,
    };
    let mut conn = state.store.conn()?;
    if !deliveries::record_attempt(&mut conn, delivery, &record)? {
        return Ok(result);
    }
    if result == AttemptResult::Gone {
        // 410: the receiver wants no more; a refused target will never be reached. Either way the
        // subscription stops, its queue is kept in the log as abandoned, and its owner can re-activate it.
        let reason = if refused { "target_refused" } else { "gone" };
        if subscriptions::disable(&mut conn, &subscription.id, reason, state.clock.now())? {
            deliveries::abandon_pending(&mut conn, &subscription.id)?;
        }
    }
    log::info!(
        "webhook delivery={} attempt={} status={} outcome={}",
        delivery.id,
        attempts,
        record.status_code.map_or_else(|| record.error.clone().unwrap_or_default(), |s| s.to_string()),
        status.code()
    );
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1a_signature_verifies_with_the_public_key_only() {
        use ed25519_dalek::Verifier as _;
        let secret = generate_secret(SignatureScheme::V1a);
        let header = sign(&secret.secret, "msg_1", 1_700_000_000, b"{}").unwrap();
        let signature = b64().decode(header.strip_prefix("v1a,").unwrap()).unwrap();
        let public: [u8; 32] =
            b64().decode(secret.public_key.unwrap().strip_prefix("whpk_").unwrap()).unwrap().try_into().unwrap();
        let key = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
        let signature = ed25519_dalek::Signature::from_slice(&signature).unwrap();
        key.verify(b"msg_1.1700000000.{}", &signature).unwrap();
        assert!(key.verify(b"msg_1.1700000001.{}", &signature).is_err());
    }

    #[test]
    fn v1_secrets_have_32_random_bytes() {
        let a = generate_secret(SignatureScheme::V1);
        let b = generate_secret(SignatureScheme::V1);
        assert_ne!(a, b);
        assert_eq!(b64().decode(a.secret.strip_prefix("whsec_").unwrap()).unwrap().len(), 32);
        assert_eq!(a.public_key, None);
    }

    #[test]
    fn urls_are_checked_before_any_resolution() {
        let production = TargetPolicy { plain_http: false, private_networks: false };
        let development = TargetPolicy { plain_http: true, private_networks: true };
        assert_eq!(check_url("http://hooks.example/x", production).unwrap_err(), TargetRefusal::NotHttps);
        assert!(check_url("http://127.0.0.1:9/x", development).is_ok());
        assert_eq!(check_url("https://user:pw@hooks.example/x", production).unwrap_err(), TargetRefusal::NotAUrl);
        assert_eq!(check_url("ftp://hooks.example/x", development).unwrap_err(), TargetRefusal::NotAUrl);
        assert_eq!(check_url("/relative", development).unwrap_err(), TargetRefusal::NotAUrl);
        assert_eq!(check_target("https://127.0.0.1/hook", production), Err(TargetRefusal::NotPublic));
        assert_eq!(check_target("https://[::1]:8443/hook", production), Err(TargetRefusal::NotPublic));
        assert_eq!(check_target("https://localhost/hook", production), Err(TargetRefusal::NotPublic));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(retry_after("120", now), Some(120));
        assert_eq!(retry_after("Mon, 07 Dec 2026 10:02:00 GMT", now), Some(120));
        assert_eq!(retry_after("soon", now), None);
    }
}
