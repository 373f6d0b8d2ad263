//! Statistics at scale on PostgreSQL: 1,000,000 cases opened in one year (generated in SQL), then
//! - the `cases_opened` release of a quarter and of the year made from them (counting, suppression,
//!   storing: what the `statistics_releases` job does once per period),
//! - the same table read through the API by the Region and by a CRI (what every reader does),
//! - a policy simulation over 100,000 determinations (a separate database).
//!
//! Run with `make bench` (PostgreSQL from PARCOURS_TEST_POSTGRES_URL); record the figures in
//! docs/performance.md. Under `cargo test` it does nothing.

use std::time::{Duration, Instant};

use actix_web::{test, web};
use diesel::{Connection, PgConnection, RunQueryDsl};
use parcours_api::config::Config;
use parcours_api::{AppState, build_app};
use parcours_domain::statistics::{Period, StatisticsTable};
use parcours_store::{DatabaseTarget, Store};
use serde_json::json;

fn database(admin: &mut PgConnection, admin_url: &str, suffix: &str) -> String {
    let name = format!("parcours_bench_{}_{suffix}", std::process::id());
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(admin).expect("create database");
    format!("{}/{name}", admin_url.rsplit_once('/').expect("database in URL").0)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Persons with a determination each, in SQL: `count` of them, decided across 2026.
fn generate_persons_and_determinations(conn: &mut PgConnection, count: u32, facts: &str) {
    let statements = [
        format!(
            "INSERT INTO persons (id, niss, surname, given_names, birth_date, sex, nationality, created_at, updated_at) \
             SELECT 'p' || i, 'n' || i, 'X', 'Y', DATE '1958-01-01' + (i % 16000), \
                    CASE i % 3 WHEN 0 THEN 'female' WHEN 1 THEN 'male' END, 'MAR', TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01' \
             FROM generate_series(1, {count}) i"
        ),
        format!(
            "INSERT INTO determinations (id, person_id, status, regime, competent_cri, reference_date, as_of, \
                    rules_version, facts_json, result_json, decided_at, decided_by) \
             SELECT 'd' || i, 'p' || i, 'obliged', 'R2024', 'CRIPEL', DATE '2026-06-15', DATE '2026-06-20', '2026.12.0', \
                    '{facts}', '{{}}', TIMESTAMP '2026-01-01' + (i % 360) * INTERVAL '1 day', 'bench' \
             FROM generate_series(1, {count}) i"
        ),
    ];
    for statement in statements {
        diesel::sql_query(statement).execute(conn).expect("generate");
    }
}

#[actix_web::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let admin_url = std::env::var("PARCOURS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let Ok(mut admin) = PgConnection::establish(&admin_url) else {
        eprintln!("statistics benchmark SKIPPED: PostgreSQL not reachable at PARCOURS_TEST_POSTGRES_URL");
        return;
    };
    let config = Config::from_lookup(|key| match key {
        "PARCOURS_DB_POOL_SIZE" => Some("4".into()),
        _ => None,
    })
    .expect("config");
    let token = |org: &str, role: &str| {
        parcours_api::auth::mint(&config, "bench", org, &[role.to_owned()], 3600).expect("token")
    };

    // 1,000,000 cases over the year 2026, in the 262 French-language communes with their CRI.
    let url = database(&mut admin, &admin_url, "stats");
    let store = Store::open(DatabaseTarget::Postgres(url.clone()), config.pool_size).expect("migrate");
    let mut pg = PgConnection::establish(&url).expect("connect");
    let generation = Instant::now();
    generate_persons_and_determinations(&mut pg, 1_000_000, "{}");
    for statement in [
        "CREATE TEMP TABLE bench_communes AS SELECT row_number() OVER (ORDER BY nis_code) - 1 AS k, nis_code, cri_code \
         FROM commune_cri_assignments WHERE superseded_at IS NULL AND valid_to = DATE '9999-12-31'",
        "INSERT INTO cases (id, reference, person_id, cri_code, commune_nis, state, obliged, determination_id, opened_at, \
                version, state_json, presentation_missed_notified, updated_at) \
         SELECT 'c' || i, 'R' || i, 'p' || i, c.cri_code, c.nis_code, 'opened', i % 4 <> 0, 'd' || i, \
                TIMESTAMP '2026-01-01 08:00' + (i % 360) * INTERVAL '1 day', 1, '{}', false, TIMESTAMP '2026-01-01' \
         FROM generate_series(1, 1000000) i \
         JOIN bench_communes c ON c.k = (i::bigint * 7919) % (SELECT count(*) FROM bench_communes)",
        "ANALYZE",
    ] {
        diesel::sql_query(statement).execute(&mut pg).expect("generate cases");
    }
    println!("generated 1,000,000 persons, determinations and cases in {:.1?}", generation.elapsed());

    let state = web::Data::new(AppState::new(store, config.clone()).expect("state"));
    state.clock.set("2027-01-04T10:00:00Z".parse().expect("date"));
    let communes: Vec<_> = {
        let mut conn = state.store.conn().expect("conn");
        state.reference_data(&mut conn).expect("reference").communes().cloned().collect()
    };
    let now = state.clock.now();
    for period in [Period::Quarter { year: 2026, quarter: 1 }, Period::Year(2026)] {
        let mut times = Vec::new();
        for _ in 0..3 {
            diesel::sql_query("DELETE FROM statistics_releases").execute(&mut pg).expect("reset");
            let mut conn = state.store.conn().expect("conn");
            let start = Instant::now();
            let outcome = parcours_store::statistics_releases::ensure_release(
                &mut conn,
                StatisticsTable::CasesOpened,
                period,
                &communes,
                5,
                now,
            )
            .expect("release");
            times.push(start.elapsed());
            assert!(matches!(outcome, parcours_store::statistics_releases::ReleaseOutcome::Released(_)));
        }
        println!(
            "cases_opened {} made from 1,000,000 cases (count, suppress, store; a year with its 4 quarters): median {:.1?} of 3",
            period.code(),
            median(times)
        );
    }

    let app = test::init_service(build_app(state.clone())).await;
    for (who, bearer, path) in [
        ("Region", token("region:SPW", "region_admin"), "/v1/statistics/tables/cases_opened/releases/2026"),
        ("CRIPEL", token("cri:CRIPEL", "cri_agent"), "/v1/statistics/tables/cases_opened/releases/2026"),
        (
            "Region, CSV",
            token("region:SPW", "region_admin"),
            "/v1/statistics/tables/cases_opened/releases/2026-Q1?format=csv",
        ),
    ] {
        let mut times = Vec::new();
        for _ in 0..21 {
            let request = test::TestRequest::get()
                .uri(path)
                .insert_header(("Authorization", format!("Bearer {bearer}")))
                .to_request();
            let start = Instant::now();
            let response = test::call_service(&app, request).await;
            assert_eq!(response.status(), 200);
            let _ = test::read_body(response).await;
            times.push(start.elapsed());
        }
        println!("GET {path} as {who} over 1,000,000 cases: median {:.1?} of 21", median(times));
    }

    // A simulation over 100,000 determinations: real facts, the R2024 period at 24 months.
    let url = database(&mut admin, &admin_url, "sim");
    let store = Store::open(DatabaseTarget::Postgres(url.clone()), config.pool_size).expect("migrate");
    let mut pg = PgConnection::establish(&url).expect("connect");
    let facts = json!({
        "birth_date": "1990-05-10", "nationality": "MAR", "residence_document": "B",
        "title_order_date": "2026-06-15", "first_registration_date": "2026-05-01",
        "legal_stay_start": "2026-04-01", "domicile": "62063", "family_link": null,
        "claimed_dispensations": [], "granted_dispensations": []
    });
    let facts: parcours_domain::Facts = serde_json::from_value(facts)
        .unwrap_or_else(|e| panic!("the benchmark's facts no longer match parcours_domain::Facts: {e}"));
    let facts_json = serde_json::to_string(&facts).expect("facts").replace('\'', "''");
    generate_persons_and_determinations(&mut pg, 100_000, &facts_json);
    diesel::sql_query("ANALYZE").execute(&mut pg).expect("analyze");
    let state = web::Data::new(AppState::new(store, config.clone()).expect("state"));
    state.clock.set("2027-01-04T10:00:00Z".parse().expect("date"));
    let app = test::init_service(build_app(state.clone())).await;
    let request = test::TestRequest::post()
        .uri("/v1/simulations")
        .insert_header(("Authorization", format!("Bearer {}", token("region:SPW", "region_admin"))))
        .set_json(json!({"period": "2026", "changes": [{"name": "r2024_completion_months", "valid_from": "2024-01-01", "value": "24"}]}))
        .to_request();
    let response = test::call_service(&app, request).await;
    assert_eq!(response.status(), 202);
    // The other jobs find nothing to do here; the first run also releases the (empty) closed periods.
    parcours_api::jobs::run_all_now(&state, "bench-warm-up").expect("jobs");
    let request = test::TestRequest::post()
        .uri("/v1/simulations")
        .insert_header(("Authorization", format!("Bearer {}", token("region:SPW", "region_admin"))))
        .set_json(
            json!({"period": "2026", "changes": [{"name": "upper_age", "valid_from": "2020-01-01", "value": "60"}]}),
        )
        .to_request();
    assert_eq!(test::call_service(&app, request).await.status(), 202);
    let start = Instant::now();
    let run = parcours_api::jobs::run_one_now(&state, parcours_api::jobs::JobKind::Simulations, "bench").expect("job");
    let elapsed = start.elapsed();
    println!("simulation over 100,000 determinations (the simulations job alone): {elapsed:.1?} — {run:?}");
}
