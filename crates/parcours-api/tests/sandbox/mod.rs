//! The sandbox: demo data made at the first start through the API itself, a clock each organisation moves
//! forward for itself, the deadlines the new date brings recorded at once for a CRI's cases, and the
//! refusals that keep sandbox and real data apart.

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use super::support::{self, TestApp};
use crate::on_both_backends;

on_both_backends!(a_cri_moves_its_clock_three_years_and_sees_the_completion_deadline_pass_and_nobody_else_moves);

fn sandbox_config() -> parcours_api::config::Config {
    support::base_config(&[("PARCOURS_ENV", "sandbox".into())])
}

fn today() -> NaiveDate {
    support::TODAY.parse().expect("date")
}

async fn a_cri_moves_its_clock_three_years_and_sees_the_completion_deadline_pass_and_nobody_else_moves(app: TestApp) {
    let app = app.restarted_with(sandbox_config());
    let demo = parcours_api::sandbox::prepare(&app.state).await.expect("prepare").expect("a sandbox");
    assert!(demo.made_now);
    assert_eq!(demo.operators.len(), 2, "two operators");
    assert_eq!(demo.cases.len(), 7, "{:?}", demo.cases);
    assert_eq!(
        parcours_api::sandbox::check_database(&app.state),
        Ok(parcours_api::sandbox::Readiness::Sandbox),
        "the database is marked"
    );
    // Every stage is there: read as CRIPEL.
    let cripel = app.as_cri("CRIPEL");
    let cases = app.get("/v1/cases?limit=50", Some(&cripel)).await;
    assert_eq!(cases.status, 200, "{}", cases.text);
    let states: Vec<&str> =
        cases.body["items"].as_array().expect("items").iter().filter_map(|c| c["state"].as_str()).collect();
    for state in ["opened", "in_progress", "requirements_met"] {
        assert!(states.contains(&state), "no {state} case among {states:?}");
    }
    let operator_token = app.token(&format!("operator:{}", demo.operators[0]), &["operator_agent"]);
    let courses = app.get("/v1/courses", Some(&operator_token)).await;
    assert_eq!(courses.body["items"].as_array().map(Vec::len), Some(1), "{}", courses.text);

    // The newly opened case at CRIPEL, and its completion deadline.
    let (reference, _) = &demo.cases[0];
    let case = cases.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["reference"] == json!(reference))
        .unwrap_or_else(|| panic!("{reference} listed"))
        .clone();
    let case_id = case["id"].as_str().expect("id").to_owned();
    let read = app.get(&format!("/v1/cases/{case_id}"), Some(&cripel)).await;
    let complete_by: NaiveDate = read.body["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["kind"] == "complete_by")
        .and_then(|d| d["date"].as_str())
        .expect("complete_by")
        .parse()
        .expect("date");
    assert!(complete_by > today() + Duration::days(365), "a deadline more than a year ahead: {complete_by}");

    let clock = app.get("/v1/sandbox/clock", Some(&cripel)).await;
    assert_eq!(clock.status, 200, "{}", clock.text);
    assert_eq!((clock.body["days_ahead"].as_i64(), clock.body["today"].as_str()), (Some(0), Some(support::TODAY)));

    // Three years on: the deadline has passed, and the sweep recorded it at once.
    let target = today() + Duration::days(3 * 365 + 1);
    assert!(target > complete_by, "{complete_by} falls within three years");
    let moved = app.post("/v1/sandbox/clock", Some(&cripel), None, &json!({"advance_days": 3 * 365 + 1})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["today"], json!(target));
    assert_eq!(moved.body["sandbox_today"], support::TODAY);
    assert_eq!(moved.body["days_ahead"], 3 * 365 + 1);
    assert!(moved.body["swept"]["missed_deadlines"].as_u64().expect("swept") >= 1, "{}", moved.text);
    let feed = app.get("/v1/events?limit=200", Some(&cripel)).await;
    let missed: Vec<&Value> = feed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["data"]["case_id"] == json!(case_id) && e["data"]["event_type"] == "deadline_missed")
        .collect();
    assert!(
        missed.iter().any(|e| e["data"]["summary"].as_str().is_some_and(|s| s.contains(&complete_by.to_string()))),
        "the completion deadline is recorded as missed: {missed:?}"
    );
    let again = app.get("/v1/sandbox/clock", Some(&cripel)).await;
    assert_eq!(again.body["today"], json!(target), "the clock stays moved");

    // The same move again changes nothing; backwards and malformed moves are refused.
    let same = app.post("/v1/sandbox/clock", Some(&cripel), None, &json!({"today": target})).await;
    assert_eq!((same.status.as_u16(), same.error_fields()), (422, vec!["today".to_owned()]), "{}", same.text);
    let both = app.post("/v1/sandbox/clock", Some(&cripel), None, &json!({"today": target, "advance_days": 3})).await;
    assert_eq!(both.status, 422);
    let far = app.post("/v1/sandbox/clock", Some(&cripel), None, &json!({"advance_days": 20_000})).await;
    assert_eq!(far.status, 422);

    // Nobody else moved: the commune, CRIC, and CRIC's case, whose deadlines are years ahead.
    let commune = app.get("/v1/sandbox/clock", Some(&app.as_commune("62063"))).await;
    assert_eq!((commune.body["days_ahead"].as_i64(), commune.body["today"].as_str()), (Some(0), Some(support::TODAY)));
    let cric = app.as_cri("CRIC");
    let cric_feed = app.get("/v1/events?limit=200", Some(&cric)).await;
    assert_eq!(cric_feed.status, 200, "{}", cric_feed.text);
    assert!(
        cric_feed.body["items"].as_array().expect("items").iter().all(|e| e["data"]["event_type"] != "deadline_missed"),
        "CRIC's cases are on the sandbox's date: {}",
        cric_feed.text
    );
    // The jobs keep sweeping CRIPEL's cases on CRIPEL's date: nothing is recorded twice.
    app.run_jobs();
    let after_jobs = app.get("/v1/events?limit=200", Some(&cripel)).await;
    let missed_after: usize = after_jobs.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["data"]["case_id"] == json!(case_id) && e["data"]["event_type"] == "deadline_missed")
        .count();
    assert_eq!(missed_after, missed.len());

    // A restart reads the clocks back; another mode refuses the sandbox's database.
    let restarted = app.restarted_with(sandbox_config());
    let demo_again = parcours_api::sandbox::prepare(&restarted.state).await.expect("prepare").expect("a sandbox");
    assert!(!demo_again.made_now);
    assert_eq!(demo_again.operators, demo.operators);
    let read_back = restarted.get("/v1/sandbox/clock", Some(&cripel)).await;
    assert_eq!(read_back.body["today"], json!(target));
    let development = app.restarted_with(support::base_config(&[]));
    let refused = parcours_api::sandbox::check_database(&development.state).expect_err("refused");
    assert!(refused.contains("PARCOURS_ENV=sandbox"), "{refused}");
}

#[actix_web::test]
async fn outside_the_sandbox_the_clock_does_not_move_and_a_sandbox_refuses_real_data() {
    let app = TestApp::sqlite();
    let cripel = app.as_cri("CRIPEL");
    let moved = app.post("/v1/sandbox/clock", Some(&cripel), None, &json!({"advance_days": 1095})).await;
    assert_eq!((moved.status.as_u16(), moved.body["code"].as_str()), (409, Some("sandbox_only")), "{}", moved.text);
    assert_eq!(app.get("/v1/sandbox/clock", Some(&cripel)).await.status, 409);
    assert_eq!(app.get("/v1/cases?limit=1", Some(&cripel)).await.body["items"], json!([]), "no demo data here");

    let production = app.restarted_with(super::webhooks::production_config());
    let token = production.token("cri:CRIPEL", &["cri_agent"]);
    let refused = production.post("/v1/sandbox/clock", Some(&token), None, &json!({"advance_days": 1095})).await;
    assert_eq!((refused.status.as_u16(), refused.body["code"].as_str()), (409, Some("sandbox_only")));

    // A sandbox does not start on a database that holds people.
    assert_eq!(app.report("62063", &super::newcomer(90)).await.status, 201);
    let sandbox = app.restarted_with(sandbox_config());
    let error = parcours_api::sandbox::check_database(&sandbox.state).expect_err("refused");
    assert!(error.contains("already holds people"), "{error}");

    // Nor with production keys.
    let keys = std::env::temp_dir().join(format!("parcours-sandbox-{}.keys", parcours_store::new_id()));
    std::fs::write(&keys, parcours_api::data_keys::DataKeys::generate_line()).expect("write");
    let error = parcours_api::config::Config::from_lookup(|name| match name {
        "PARCOURS_ENV" => Some("sandbox".into()),
        "PARCOURS_DATA_KEYS" => Some(keys.display().to_string()),
        _ => None,
    })
    .expect_err("refused");
    assert!(error.0.contains("PARCOURS_DATA_KEYS"), "{}", error.0);
}
