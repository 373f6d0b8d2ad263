//! A token bucket per client address for the public endpoints (attestation verification): a burst, then a
//! steady rate; past it the answer is 429 with `Retry-After`. In memory, per replica: a verifier hitting
//! several replicas gets each one's allowance, which bounds abuse without a shared store.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets by client address.
#[derive(Debug)]
pub struct RateLimiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<Option<IpAddr>, (f64, Instant)>>,
}

/// Addresses tracked before full buckets are forgotten (a full bucket carries no information).
const MAX_TRACKED: usize = 10_000;

impl RateLimiter {
    /// `burst` requests at once, then `per_minute`.
    pub fn new(burst: u32, per_minute: u32) -> RateLimiter {
        RateLimiter {
            burst: f64::from(burst),
            per_second: f64::from(per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `client`'s bucket, or says in how many seconds one will be available.
    pub fn take(&self, client: Option<IpAddr>) -> Result<(), u32> {
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
}
