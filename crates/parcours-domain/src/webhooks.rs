//! Signed webhooks: what the service decides when it pushes the feed to a subscriber's receiver, following
//! the Standard Webhooks specification (<https://www.standardwebhooks.com>) and CloudEvents 1.0.
//!
//! The decisions live here, without IO: which addresses a receiver may have, when a failed delivery is tried
//! again, what an answer of the receiver means, how the CloudEvents envelope is written. The API crate signs,
//! resolves names and sends.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::events::{Audience, CommuneNotice, EventKind};

/// The signature scheme of a subscription (Standard Webhooks, "signature identifier").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    /// HMAC-SHA256 with a `whsec_` secret shared with the receiver.
    V1,
    /// Ed25519: the receiver holds only the `whpk_` public key.
    V1a,
}

impl SignatureScheme {
    /// Every scheme.
    pub const ALL: [SignatureScheme; 2] = [SignatureScheme::V1, SignatureScheme::V1a];

    /// The identifier that prefixes a signature in the `webhook-signature` header.
    pub fn code(self) -> &'static str {
        match self {
            SignatureScheme::V1 => "v1",
            SignatureScheme::V1a => "v1a",
        }
    }

    /// From its identifier.
    pub fn parse(code: &str) -> Option<SignatureScheme> {
        SignatureScheme::ALL.into_iter().find(|scheme| scheme.code() == code)
    }
}

/// Whether a subscription receives events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// Events are delivered.
    Active,
    /// Nothing is delivered (its owner disabled it, or the receiver answered 410 Gone); events keep being
    /// queued only once it is active again, from where it stopped.
    Disabled,
}

impl SubscriptionStatus {
    /// Every status.
    pub const ALL: [SubscriptionStatus; 2] = [SubscriptionStatus::Active, SubscriptionStatus::Disabled];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::Disabled => "disabled",
        }
    }

    /// From its code.
    pub fn parse(code: &str) -> Option<SubscriptionStatus> {
        SubscriptionStatus::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not yet delivered: due at its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// The schedule is spent, the receiver answered 410 Gone, or the target is no longer allowed: not sent
    /// again unless the subscriber replays it.
    Abandoned,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: [DeliveryStatus; 3] =
        [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Abandoned];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Abandoned => "abandoned",
        }
    }

    /// From its code.
    pub fn parse(code: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// Bytes of a `whsec_` secret the service generates: the specification asks for 24 to 64.
pub const SECRET_BYTES: usize = 32;

/// Whether a receiver may be reached at `address` when private networks are closed to webhooks (production):
/// only public unicast addresses. Loopback, private (RFC 1918, unique local), link-local (cloud metadata at
/// 169.254.169.254), carrier-grade NAT, documentation, benchmarking, multicast, broadcast and unspecified
/// addresses are refused, and an IPv4 address written as IPv6 is judged as IPv4 (server-side request forgery:
/// a subscriber must not make the service call its own network).
pub fn is_public_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // Carrier-grade NAT (RFC 6598), IETF protocol assignments, benchmarking (RFC 2544), reserved.
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local (fc00::/7), link-local (fe80::/10), documentation (2001:db8::/32), NAT64 (64:ff9b::/96,
        // which reaches IPv4 addresses through a translator: refused rather than judged).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || first == 0x0064)
}

/// The retry schedule of the Standard Webhooks specification: a first attempt at once, then these delays
/// after each failure, about three days in all (75 h 35 min before jitter). Each delay is spread by ±20 %
/// ([`retry_delay`]) so that receivers that failed together are not called again together.
pub const RETRY_DELAYS_SECONDS: [i64; 9] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];

/// The most attempts of one delivery: the first and one per delay.
pub const MAX_ATTEMPTS: i32 = RETRY_DELAYS_SECONDS.len() as i32 + 1;

/// The longest wait a receiver's `Retry-After` can impose on one attempt: beyond it, the schedule decides.
pub const RETRY_AFTER_CEILING_SECONDS: i64 = 86_400;

/// The delay before attempt `attempts + 1`, after `attempts` failed ones, or `None` when the delivery is
/// abandoned. `jitter` in `[0, 1)` (the caller draws it) spreads the delay over ±20 %.
pub fn retry_delay(attempts: i32, jitter: f64) -> Option<Duration> {
    let base = *RETRY_DELAYS_SECONDS.get(usize::try_from(attempts.checked_sub(1)?).ok()?)?;
    let spread = (jitter.clamp(0.0, 1.0) * 0.4) - 0.2;
    let millis = (base as f64 * 1000.0 * (1.0 + spread)).round() as i64;
    Some(Duration::milliseconds(millis.max(1000)))
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptResult {
    /// The receiver answered 2xx: delivered.
    Delivered,
    /// The receiver answered 410 Gone: it wants no more, the subscription is disabled.
    Gone,
    /// Any other answer or none (timeout, refused connection, 3xx: redirects are not followed): tried again
    /// on the schedule, or later when a 429 or 5xx said `Retry-After`.
    Failed,
}

/// Reads the receiver's answer (`None`: no answer).
pub fn classify(status: Option<u16>) -> AttemptResult {
    match status {
        Some(200..=299) => AttemptResult::Delivered,
        Some(410) => AttemptResult::Gone,
        _ => AttemptResult::Failed,
    }
}

/// When to try again after a failed attempt: the schedule's delay, or the receiver's `Retry-After` when it
/// answered 429 or 5xx and asks for longer (never beyond [`RETRY_AFTER_CEILING_SECONDS`]). `None`: the
/// delivery is abandoned (the schedule is spent).
pub fn next_attempt_after(
    attempts: i32,
    status: Option<u16>,
    retry_after_seconds: Option<i64>,
    jitter: f64,
) -> Option<Duration> {
    let scheduled = retry_delay(attempts, jitter)?;
    let asked = match (status, retry_after_seconds) {
        (Some(429 | 500..=599), Some(seconds)) if seconds > 0 => {
            Duration::seconds(seconds.min(RETRY_AFTER_CEILING_SECONDS))
        }
        _ => Duration::zero(),
    };
    Some(scheduled.max(asked))
}

/// The `sequence` of a CloudEvent: the feed position, zero-padded to 20 digits so that it orders as text
/// (the CloudEvents sequence extension compares strings). No `sequencetype` is sent: `Integer` would
/// promise contiguous 32-bit values, and a subscriber's positions have gaps.
pub fn sequence(position: i64) -> String {
    format!("{:020}", position.max(0))
}

/// The event types a subscriber of `audience` receives, as the feed's `data.event_type` writes them: every
/// kind of step for a CRI, the steps of sanction files for the sanctioning officials, the notices of rule 4.7
/// for a commune or a CPAS.
pub fn event_types_for(audience: Audience) -> Vec<&'static str> {
    match audience {
        Audience::Commune | Audience::Cpas => CommuneNotice::ALL.iter().map(|notice| notice.code()).collect(),
        Audience::Sanctions => EventKind::ALL
            .iter()
            .filter(|kind| kind.audiences().contains(&Audience::Sanctions))
            .map(|kind| kind.code())
            .collect(),
        _ => EventKind::ALL.iter().map(|kind| kind.code()).collect(),
    }
}

/// The CloudEvents `type` of an event: `be.wallonie.parcours.case.<kind>` for a step of a case,
/// `be.wallonie.parcours.notice.<notice>` for what a commune or a CPAS learns.
pub fn cloud_event_type(audience: Audience, event_type: &str) -> String {
    match audience {
        Audience::Commune | Audience::Cpas => format!("be.wallonie.parcours.notice.{event_type}"),
        _ => format!("be.wallonie.parcours.case.{event_type}"),
    }
}

/// A CloudEvents 1.0 event in structured JSON mode (`application/cloudevents+json`). `data` is thin: the
/// identifiers and the status the subscriber needs to fetch the rest through the API, never a name or a
/// national number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudEvent<D> {
    /// Always `1.0`.
    pub specversion: &'static str,
    /// The feed event's id: the same for every attempt (and the `webhook-id`), so receivers drop duplicates.
    pub id: String,
    /// Where events come from: the service's feed (`<base URL>/v1/events`).
    pub source: String,
    /// See [`cloud_event_type`].
    #[serde(rename = "type")]
    pub event_type: String,
    /// The case, by its reference.
    pub subject: String,
    /// When the step happened (UTC, RFC 3339).
    pub time: DateTime<Utc>,
    /// Always `application/json`.
    pub datacontenttype: &'static str,
    /// See [`sequence`].
    pub sequence: String,
    /// The thin payload.
    pub data: D,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_unicast_addresses_are_open_to_webhooks() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
            "64:ff9b::7f00:1",
        ] {
            assert!(!is_public_address(refused.parse().unwrap()), "{refused} must be refused");
        }
        for open in ["8.8.8.8", "193.191.244.1", "2a02:2788::1", "::ffff:8.8.8.8"] {
            assert!(is_public_address(open.parse().unwrap()), "{open} must be open");
        }
    }

    #[test]
    fn the_schedule_spans_about_three_days_then_gives_up() {
        let total: i64 = (1..MAX_ATTEMPTS).map(|attempts| retry_delay(attempts, 0.5).unwrap().num_seconds()).sum();
        assert_eq!(total, 272_105, "75 h 35 min 5 s without jitter");
        assert_eq!(retry_delay(MAX_ATTEMPTS, 0.5), None);
        assert_eq!(retry_delay(0, 0.5), None);
        // ±20 %.
        assert_eq!(retry_delay(2, 0.0).unwrap().num_seconds(), 240);
        assert_eq!(retry_delay(2, 0.999_999).unwrap().num_seconds(), 360);
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_5xx_only_and_bounded() {
        let scheduled = retry_delay(1, 0.5).unwrap();
        assert_eq!(next_attempt_after(1, Some(503), Some(120), 0.5), Some(Duration::seconds(120)));
        assert_eq!(next_attempt_after(1, Some(429), Some(60), 0.5), Some(Duration::seconds(60)));
        assert_eq!(next_attempt_after(1, Some(404), Some(120), 0.5), Some(scheduled));
        assert_eq!(next_attempt_after(1, Some(503), Some(10_000_000), 0.5), Some(Duration::seconds(86_400)));
        // A shorter Retry-After than the schedule does not hurry the next attempt.
        assert_eq!(next_attempt_after(3, Some(503), Some(1), 0.5), retry_delay(3, 0.5));
    }

    #[test]
    fn answers_are_read_as_the_specification_says() {
        assert_eq!(classify(Some(200)), AttemptResult::Delivered);
        assert_eq!(classify(Some(204)), AttemptResult::Delivered);
        assert_eq!(classify(Some(410)), AttemptResult::Gone);
        for failed in [Some(301), Some(302), Some(400), Some(404), Some(429), Some(500), Some(503), None] {
            assert_eq!(classify(failed), AttemptResult::Failed);
        }
    }

    #[test]
    fn sequences_order_as_text() {
        assert_eq!(sequence(42), "00000000000000000042");
        assert!(sequence(9) < sequence(10));
        assert_eq!(sequence(i64::MAX).len(), 20);
    }
}
