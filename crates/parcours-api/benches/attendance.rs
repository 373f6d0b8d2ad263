//! Attendance at scale: 100,000 lines (two batches of 50,000, two courses of 500 participants and 100
//! sessions) posted to the real application on PostgreSQL, timed, with the peak memory growth of the
//! process. Run with `make bench` (PostgreSQL from PARCOURS_TEST_POSTGRES_URL); record the figures in
//! docs/performance.md. Under `cargo test` it does nothing.

use std::time::Instant;

use actix_web::{test, web};
use diesel::{Connection, PgConnection, RunQueryDsl};
use parcours_api::config::Config;
use parcours_api::{AppState, build_app};
use parcours_store::{DatabaseTarget, Store};
use serde_json::{Value, json};

const PARTICIPANTS_PER_COURSE: u32 = 500;
const SESSIONS: usize = 100;

fn niss(sequence: u32) -> String {
    // Born 1990-05-10; sequence numbers 001-998 then the next day.
    let day = 10 + sequence / 998;
    let seq = sequence % 998 + 1;
    let base = format!("9005{day:02}{seq:03}");
    let value: u64 = base.parse().expect("digits");
    format!("{base}{:02}", 97 - (value % 97))
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[actix_web::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let admin_url = std::env::var("PARCOURS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let Ok(mut admin) = PgConnection::establish(&admin_url) else {
        eprintln!("attendance benchmark SKIPPED: PostgreSQL not reachable at PARCOURS_TEST_POSTGRES_URL");
        return;
    };
    let name = format!("parcours_bench_{}", std::process::id());
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create database");
    let url = format!("{}/{name}", admin_url.rsplit_once('/').expect("database in URL").0);
    let config = Config::from_lookup(|key| match key {
        "PARCOURS_DB_POOL_SIZE" => Some("4".into()),
        _ => None,
    })
    .expect("config");
    let store = Store::open(DatabaseTarget::Postgres(url), config.pool_size).expect("migrate");
    let state = web::Data::new(AppState::new(store, config.clone()).expect("state"));
    let app = test::init_service(build_app(state.clone())).await;
    let token = |org: &str, role: &str| {
        parcours_api::auth::mint(&config, "bench", org, &[role.to_owned()], 3600).expect("token")
    };
    let (commune, cri, region) = (
        token("commune:62063", "commune_agent"),
        token("cri:CRIPEL", "cri_agent"),
        token("region:SPW", "region_admin"),
    );
    let post = |path: String, bearer: String, body: Value| {
        test::TestRequest::post()
            .uri(&path)
            .insert_header(("Authorization", format!("Bearer {bearer}")))
            .set_json(body)
            .to_request()
    };

    let setup = Instant::now();
    let operator: Value = test::call_and_read_body_json(
        &app,
        post("/v1/operators".into(), region.clone(), json!({"name": "Bench", "enterprise_number": "0123.456.749", "axes": ["french"], "cri_territories": ["CRIPEL"]})),
    )
    .await;
    let operator_token = token(&format!("operator:{}", operator["id"].as_str().expect("id")), "operator_agent");
    let mut courses = Vec::new();
    for _ in 0..2 {
        let sessions: Vec<Value> = (0..SESSIONS)
            .map(|i| json!({"date": (chrono::NaiveDate::from_ymd_opt(2027, 1, 4).expect("date") + chrono::Duration::days(i as i64)).to_string(), "start": "09:00", "end": "12:00"}))
            .collect();
        let course: Value = test::call_and_read_body_json(
            &app,
            post(
                "/v1/courses".into(),
                operator_token.clone(),
                json!({"title": "Bench", "axis": "french", "level": "A1", "instruction_language": "fr",
                "commune_nis": "62063", "address": "x", "capacity": PARTICIPANTS_PER_COURSE, "sessions": sessions}),
            ),
        )
        .await;
        courses.push(course);
    }
    let mut references: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
    for n in 0..(2 * PARTICIPANTS_PER_COURSE) {
        let request = test::TestRequest::post()
            .uri("/v1/arrivals")
            .insert_header(("Authorization", format!("Bearer {commune}")))
            .insert_header(("Idempotency-Key", format!("bench-{n}")))
            .set_json(json!({"niss": niss(n), "surname": "Bench", "given_names": "Person", "birth_date": format!("1990-05-{:02}", 10 + n / 998),
                "nationality": "MAR", "residence_document": "B", "title_order_date": "2026-06-15", "first_registration_date": "2026-05-01",
                "legal_stay_start": "2026-04-01", "domicile_nis": "62063"}))
            .to_request();
        let arrival: Value = test::call_and_read_body_json(&app, request).await;
        let course = &courses[(n % 2) as usize];
        let case = arrival["case"]["id"].as_str().expect("case").to_owned();
        let _: Value = test::call_and_read_body_json(
            &app,
            post(
                format!("/v1/courses/{}/enrolments", course["id"].as_str().expect("id")),
                cri.clone(),
                json!({"case_id": case}),
            ),
        )
        .await;
        references[(n % 2) as usize].push(arrival["case"]["reference"].as_str().expect("reference").to_owned());
    }
    eprintln!(
        "setup: {} arrivals and enrolments in {:.1} s",
        2 * PARTICIPANTS_PER_COURSE,
        setup.elapsed().as_secs_f64()
    );

    let bodies: Vec<(String, String)> = courses
        .iter()
        .zip(&references)
        .map(|(course, people)| {
            let rows: Vec<Value> = course["sessions"]
                .as_array()
                .expect("sessions")
                .iter()
                .flat_map(|s| {
                    people.iter().map(
                        move |r| json!({"case_reference": r, "session_id": s["id"], "status": "present", "hours": 3}),
                    )
                })
                .collect();
            (course["id"].as_str().expect("id").to_owned(), json!({"rows": rows}).to_string())
        })
        .collect();
    let lines: usize = bodies.iter().map(|(_, b)| b.matches("case_reference").count()).sum();
    // Reset the peak-RSS counter so that the peak below is the posting's own.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = rss_kib("VmRSS:");
    let started = Instant::now();
    for (index, (course, body)) in bodies.into_iter().enumerate() {
        let request = test::TestRequest::post()
            .uri(&format!("/v1/courses/{course}/attendance"))
            .insert_header(("Authorization", format!("Bearer {operator_token}")))
            .insert_header(("Idempotency-Key", format!("bench-batch-{index}")))
            .insert_header(("Content-Type", "application/json"))
            .set_payload(body)
            .to_request();
        let report: Value = test::call_and_read_body_json(&app, request).await;
        assert_eq!(report["accepted"].as_u64(), Some(u64::from(PARTICIPANTS_PER_COURSE) * SESSIONS as u64), "{report}");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = rss_kib("VmHWM:");
    println!(
        "attendance: {lines} lines posted to PostgreSQL in {elapsed:.2} s ({:.0} lines/s); peak memory growth {:.1} MiB (RSS {:.1} -> peak {:.1} MiB)",
        lines as f64 / elapsed,
        peak.saturating_sub(before) as f64 / 1024.0,
        before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    drop(app);
    drop(state);
    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
}
