//! `/metrics` in the Prometheus text exposition format (version 0.0.4): requests by method, route template
//! and status with a latency histogram, the database pool, how late each background job is, and the event
//! feed's head and backlog. Labels carry route templates (`/v1/cases/{id}`), never a path with an id in it,
//! so no metric names a person or a case.
//!
//! The counters live in memory, per process: each replica is scraped on its own, as Prometheus expects.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Requests at or under each bound (not cumulative here; summed when rendered).
    per_bucket: [u64; BUCKETS.len()],
    /// Requests over the last bound.
    over: u64,
    sum_seconds: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        match BUCKETS.iter().position(|bound| seconds <= *bound) {
            Some(index) => self.per_bucket[index] += 1,
            None => self.over += 1,
        }
        self.sum_seconds += seconds;
    }

    fn count(&self) -> u64 {
        self.per_bucket.iter().sum::<u64>() + self.over
    }
}

/// The request counters of this process.
#[derive(Debug, Default)]
pub struct RequestMetrics {
    by_route: Mutex<HashMap<(String, String, u16), Histogram>>,
}

impl RequestMetrics {
    /// Counts one request (`route` is the template, `(unmatched)` for a path no route has).
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut by_route = match self.by_route.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        match by_route.get_mut(&(method.to_owned(), route.to_owned(), status)) {
            Some(histogram) => histogram.observe(seconds),
            None => {
                let mut histogram = Histogram::default();
                histogram.observe(seconds);
                by_route.insert((method.to_owned(), route.to_owned(), status), histogram);
            }
        }
    }

    fn snapshot(&self) -> Vec<((String, String, u16), Histogram)> {
        let by_route = match self.by_route.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut rows: Vec<_> = by_route.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows
    }
}

/// What the store says at scrape time.
#[derive(Debug, Clone, Default)]
pub struct StoreGauges {
    /// Connections open in the pool.
    pub pool_connections: u32,
    /// Of which idle.
    pub pool_idle: u32,
    /// Pool size configured.
    pub pool_max: u32,
    /// Per job kind: seconds past its due time (0 when not yet due), and whether a runner holds it.
    pub jobs: Vec<(String, f64, bool)>,
    /// The feed's last position.
    pub feed_head: i64,
    /// Events committed but not yet given a position (PostgreSQL positions them when the feed is read).
    pub feed_unpositioned: i64,
    /// Webhook deliveries not yet delivered nor abandoned.
    pub webhook_pending: i64,
}

/// A label value, escaped as the format requires (backslash, double quote, line feed).
fn label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The exposition text.
pub fn render(requests: &RequestMetrics, store: &StoreGauges) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("# HELP parcours_http_requests_total HTTP requests answered, by method, route template and status.\n");
    out.push_str("# TYPE parcours_http_requests_total counter\n");
    let rows = requests.snapshot();
    for ((method, route, status), histogram) in &rows {
        let _ = writeln!(
            out,
            "parcours_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {}",
            label(method),
            label(route),
            histogram.count()
        );
    }
    out.push_str("# HELP parcours_http_request_duration_seconds Time from receiving a request to its answer.\n");
    out.push_str("# TYPE parcours_http_request_duration_seconds histogram\n");
    for ((method, route, status), histogram) in &rows {
        let labels = format!("method=\"{}\",route=\"{}\",status=\"{status}\"", label(method), label(route));
        let mut cumulative = 0;
        for (bound, count) in BUCKETS.iter().zip(histogram.per_bucket) {
            cumulative += count;
            let _ =
                writeln!(out, "parcours_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let _ = writeln!(
            out,
            "parcours_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            histogram.count()
        );
        let _ = writeln!(out, "parcours_http_request_duration_seconds_sum{{{labels}}} {}", histogram.sum_seconds);
        let _ = writeln!(out, "parcours_http_request_duration_seconds_count{{{labels}}} {}", histogram.count());
    }
    out.push_str("# HELP parcours_db_pool_connections Database connections in the pool, by state.\n");
    out.push_str("# TYPE parcours_db_pool_connections gauge\n");
    let _ = writeln!(out, "parcours_db_pool_connections{{state=\"idle\"}} {}", store.pool_idle);
    let _ = writeln!(
        out,
        "parcours_db_pool_connections{{state=\"in_use\"}} {}",
        store.pool_connections.saturating_sub(store.pool_idle)
    );
    out.push_str("# HELP parcours_db_pool_max_connections The pool's configured size.\n");
    out.push_str("# TYPE parcours_db_pool_max_connections gauge\n");
    let _ = writeln!(out, "parcours_db_pool_max_connections {}", store.pool_max);
    out.push_str(
        "# HELP parcours_job_lag_seconds How long past its due time each background job is (0 when not due).\n",
    );
    out.push_str("# TYPE parcours_job_lag_seconds gauge\n");
    for (kind, lag, _) in &store.jobs {
        let _ = writeln!(out, "parcours_job_lag_seconds{{kind=\"{}\"}} {lag}", label(kind));
    }
    out.push_str("# HELP parcours_job_running Whether a runner holds the job's lease now.\n");
    out.push_str("# TYPE parcours_job_running gauge\n");
    for (kind, _, running) in &store.jobs {
        let _ = writeln!(out, "parcours_job_running{{kind=\"{}\"}} {}", label(kind), u8::from(*running));
    }
    out.push_str("# HELP parcours_feed_head_position The event feed's last position.\n");
    out.push_str("# TYPE parcours_feed_head_position gauge\n");
    let _ = writeln!(out, "parcours_feed_head_position {}", store.feed_head);
    out.push_str("# HELP parcours_feed_unpositioned_events Events committed and not yet positioned in the feed.\n");
    out.push_str("# TYPE parcours_feed_unpositioned_events gauge\n");
    let _ = writeln!(out, "parcours_feed_unpositioned_events {}", store.feed_unpositioned);
    out.push_str("# HELP parcours_webhook_pending_deliveries Webhook deliveries queued and not yet delivered.\n");
    out.push_str("# TYPE parcours_webhook_pending_deliveries gauge\n");
    let _ = writeln!(out, "parcours_webhook_pending_deliveries {}", store.webhook_pending);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_labels_escaped() {
        let requests = RequestMetrics::default();
        requests.observe("GET", "/v1/cases/{id}", 200, 0.004);
        requests.observe("GET", "/v1/cases/{id}", 200, 0.2);
        requests.observe("GET", "/v1/cases/{id}", 200, 30.0);
        requests.observe("GET", "a\"b", 404, 0.0001);
        let text = render(&requests, &StoreGauges::default());
        let labels = "method=\"GET\",route=\"/v1/cases/{id}\",status=\"200\"";
        assert!(text.contains(&format!("parcours_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 1\n")));
        assert!(text.contains(&format!("parcours_http_request_duration_seconds_bucket{{{labels},le=\"0.25\"}} 2\n")));
        assert!(text.contains(&format!("parcours_http_request_duration_seconds_bucket{{{labels},le=\"10\"}} 2\n")));
        assert!(text.contains(&format!("parcours_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 3\n")));
        assert!(text.contains(&format!("parcours_http_requests_total{{{labels}}} 3\n")));
        assert!(text.contains("route=\"a\\\"b\""));
    }
}
