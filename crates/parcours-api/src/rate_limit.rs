//! Token buckets: a burst, then a steady rate; past it the answer is 429 with `Retry-After`. In memory,
//! per replica: a client hitting several replicas gets each one's allowance, which bounds abuse without a
//! shared store.
//!
//! Two limits apply to every request but the probes and `/metrics` (`request::limit`): one per bearer token and
//! one per client address (so a public endpoint, or a caller changing tokens, is bounded too). The public
//! attestation verification has a stricter one of its own, per address.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::http::header;

/// Buckets by key (a client address, a token's hash).
#[derive(Debug)]
pub struct RateLimiter<K = Option<IpAddr>> {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

/// Keys tracked before full buckets are forgotten (a full bucket carries no information).
const MAX_TRACKED: usize = 10_000;

impl<K: Hash + Eq> RateLimiter<K> {
    /// `burst` requests at once, then `per_minute`. A `per_minute` of 0 turns the limit off.
    pub fn new(burst: u32, per_minute: u32) -> RateLimiter<K> {
        RateLimiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this limit is on.
    pub fn is_on(&self) -> bool {
        self.per_second > 0.0
    }

    /// Takes one request from `client`'s bucket, or says in how many seconds one will be available.
    pub fn take(&self, client: K) -> Result<(), u32> {
        if !self.is_on() {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() > MAX_TRACKED {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, since)| *tokens + since.elapsed().as_secs_f64() * rate < burst);
        }
        let (tokens, since) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*since).as_secs_f64() * self.per_second).min(self.burst);
        *since = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u32)
        }
    }
}

/// The limits every request passes.
#[derive(Debug)]
pub struct RequestLimits {
    /// Per bearer token (keyed by a hash of the header: no token is kept in memory).
    pub per_token: RateLimiter<u64>,
    /// Per client address.
    pub per_address: RateLimiter<Option<IpAddr>>,
    /// Proxies whose `X-Forwarded-For` is believed (`PARCOURS_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<IpAddr>,
}

impl RequestLimits {
    /// The client's address: the peer, or, when the peer is a trusted proxy, the last address of
    /// `X-Forwarded-For` that is not one of them.
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|a| a.ip());
        if !peer.is_some_and(|p| self.trusted_proxies.contains(&p)) {
            return peer;
        }
        let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or("");
        forwarded
            .split(',')
            .rev()
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .find(|hop| !self.trusted_proxies.contains(hop))
            .or(peer)
    }
}

/// Paths outside the limits: the probes a load balancer sends every few seconds and the scraper's.
pub fn exempt(path: &str) -> bool {
    path.starts_with("/health/") || path == "/metrics"
}

impl RequestLimits {
    /// Takes one request from the buckets of `req`'s address and token; the longer wait when either is
    /// empty.
    pub fn take(&self, req: &actix_web::HttpRequest) -> Result<(), u32> {
        let by_address = self.per_address.take(self.client_address(req));
        let by_token = match req.headers().get(header::AUTHORIZATION) {
            Some(value) => {
                let mut hasher = DefaultHasher::new();
                value.as_bytes().hash(&mut hasher);
                self.per_token.take(hasher.finish())
            }
            None => Ok(()),
        };
        match (by_address, by_token) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), Ok(())) | (Ok(()), Err(wait)) => Err(wait),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_next_request_waits_and_other_clients_are_not_affected() {
        let limiter = RateLimiter::new(3, 60);
        let a = Some(IpAddr::from([192, 0, 2, 1]));
        for _ in 0..3 {
            assert_eq!(limiter.take(a), Ok(()));
        }
        assert_eq!(limiter.take(a), Err(1));
        assert_eq!(limiter.take(Some(IpAddr::from([192, 0, 2, 2]))), Ok(()));
    }

    #[test]
    fn a_rate_of_zero_turns_the_limit_off() {
        let limiter: RateLimiter<u64> = RateLimiter::new(1, 0);
        assert!((0..1000).all(|_| limiter.take(7).is_ok()));
    }
}
