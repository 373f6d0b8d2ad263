//! Public verification throughput: `GET /v1/attestations/{serial}/verification` through the real
//! application (in process, the same `build_app` as `serve`, one client at a time, no network), on a
//! fresh SQLite file, for a serial that is not there (one indexed lookup, no audit row) and for the
//! published keys. Run with `make bench`; under `cargo test` it does nothing.

use std::time::Instant;

use actix_web::{test, web};
use parcours_api::config::Config;
use parcours_api::{AppState, build_app};
use parcours_store::{DatabaseTarget, Store};

const REQUESTS: u32 = 5_000;

#[actix_web::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("parcours-bench-verification-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = Config::from_lookup(|key| match key {
        "PARCOURS_DB_POOL_SIZE" => Some("4".into()),
        // The rate limit is what the benchmark must not measure.
        "PARCOURS_VERIFY_BURST" => Some("1000000".into()),
        _ => None,
    })
    .expect("config");
    let store = Store::open(DatabaseTarget::Sqlite(dir.join("db.sqlite3")), config.pool_size).expect("migrate");
    let state = web::Data::new(AppState::new(store, config).expect("state"));
    let app = test::init_service(build_app(state)).await;
    for (label, path) in [
        ("verification of an unknown serial", "/v1/attestations/CRIPEL-ATT-2026-000001/verification?t=x"),
        ("published keys", "/.well-known/parcours-keys.json"),
    ] {
        let start = Instant::now();
        for _ in 0..REQUESTS {
            let response = test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
            assert!(response.status().is_success());
        }
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "{label}: {REQUESTS} requests in {seconds:.2} s, {:.0} req/s, {:.0} µs each (one client, in process)",
            f64::from(REQUESTS) / seconds,
            seconds * 1e6 / f64::from(REQUESTS)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
