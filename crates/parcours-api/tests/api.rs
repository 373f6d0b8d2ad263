//! API suite: the real application in process, every test on SQLite and on PostgreSQL.

mod attestations;
mod foundations;
mod identity;
mod law;
mod local_integration;
mod performance;
mod privacy;
mod reminders;
mod sanctions;
mod sandbox;
mod statistics;
mod support;
mod webhooks;
mod welcome_office;

use actix_web::test::TestRequest;
use base64::Engine;
use serde_json::{Value, json};
use support::TestApp;

/// A valid national number for a birth date `yymmdd` and a sequence (odd = male, even = female).
fn niss(yymmdd: &str, sequence: u32) -> String {
    let base = format!("{yymmdd}{sequence:03}");
    let value: u64 = base.parse().expect("digits");
    let check = if yymmdd.starts_with('0') || yymmdd.starts_with('1') || yymmdd.starts_with('2') {
        97 - ((2_000_000_000 + value) % 97)
    } else {
        97 - (value % 97)
    };
    format!("{base}{check:02}")
}

/// A Moroccan woman with a B card in Liège: obliged under R2024, routed to CRIPEL.
fn newcomer(sequence: u32) -> Value {
    json!({
        "niss": niss("900510", sequence * 2),
        "surname": "El Amrani",
        "given_names": "Samira",
        "birth_date": "1990-05-10",
        "sex": "female",
        "nationality": "MAR",
        "residence_document": "B",
        "title_order_date": "2026-06-15",
        "first_registration_date": "2026-05-01",
        "legal_stay_start": "2026-04-01",
        "domicile_nis": "62063",
        "contact": {"email": "samira@example.org", "language": "ar"}
    })
}

fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().expect("object") {
        body[k] = v.clone();
    }
    body
}

fn reason_codes(determination: &Value) -> Vec<String> {
    determination["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["code"].as_str().expect("code").to_owned())
        .collect()
}

on_both_backends!(
    intake_of_an_obliged_person_opens_a_case_at_the_competent_cri,
    intake_of_an_eu_citizen_is_exempt_and_opens_no_case,
    intake_of_a_turkish_national_is_dispensed_and_a_volunteer_request_opens_a_voluntary_case,
    intake_of_an_asylum_applicant_is_not_concerned,
    replay_with_the_same_key_returns_the_first_response,
    the_same_key_with_another_body_is_refused,
    the_same_niss_pushed_twice_is_one_person_with_two_determinations_and_one_case,
    a_commune_cannot_read_another_communes_arrival,
    a_commune_may_only_report_its_own_residents,
    a_cri_reads_the_history_of_its_people_and_nothing_outside_its_territory,
    requests_without_a_valid_token_are_refused_with_401,
    a_wrong_role_is_refused_with_403,
    invalid_niss_and_unknown_commune_give_field_errors,
    malformed_json_wrong_content_type_and_oversized_body_are_problems,
    missing_idempotency_key_is_a_problem,
    reads_and_writes_of_personal_data_are_audited,
    arrivals_are_listed_newest_first_with_a_cursor_and_filters,
    the_region_corrects_a_communes_cri_from_a_date_and_determinations_follow,
    simulation_explains_and_reevaluates_under_another_regime,
    reference_data_lists_the_cris_and_filters_communes,
    probes_unknown_routes_and_english_errors,
    rs256_tokens_are_accepted_and_hs256_signed_with_the_public_key_is_refused,
    a_full_obliged_pathway_goes_from_arrival_to_requirements_met,
    staff_open_a_voluntary_case_for_a_walk_in_and_duplicates_are_refused,
    a_granted_dispensation_closes_the_case_and_the_history_shows_both_determinations,
    d1_rests_on_an_attestation_from_another_region_and_the_determination_names_it,
    an_extension_beyond_the_ceiling_is_refused_with_a_clear_problem,
    changes_need_a_current_if_match,
    an_illegal_transition_is_a_409_with_the_current_state,
    a_transfer_moves_the_case_and_access_follows_on_both_sides,
    a_commune_of_another_cri_reporting_the_person_transfers_the_case,
    a_cri_lists_only_its_own_cases_with_filters,
    a_commune_reads_only_its_residents_events_and_a_cri_its_own,
    operators_are_registered_checked_and_scoped_to_their_own_courses,
    capacity_is_enforced_with_an_ordered_waiting_list,
    a_json_batch_and_the_same_batch_as_csv_give_identical_results,
    a_replayed_batch_changes_nothing_and_a_correction_keeps_both_versions,
    bad_lines_are_refused_whole_or_reported_line_by_line,
    csv_with_a_bom_semicolons_quotes_and_decimal_commas_is_read,
    the_participant_inquiry_answers_only_its_fields,
);

async fn intake_of_an_obliged_person_opens_a_case_at_the_competent_cri(app: TestApp) {
    let reply = app.report("62063", &newcomer(1)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["id"].as_str().expect("id");
    assert_eq!(reply.header("location"), Some(format!("/v1/arrivals/{id}").as_str()));
    let d = &reply.body["determination"];
    assert_eq!(d["status"], "obliged");
    assert_eq!(d["regime"], "R2024");
    assert_eq!(d["competent_cri"]["code"], "CRIPEL");
    assert_eq!(d["deadlines"][0]["kind"], "present_by");
    assert_eq!(d["deadlines"][0]["date"], "2026-08-01");
    assert_eq!(d["deadlines"][1]["date"], "2029-06-15");
    assert!(reason_codes(d).contains(&"OBLIGED".to_owned()));
    assert_eq!(reply.body["case"]["cri"], "CRIPEL");
    assert_eq!(reply.body["case"]["obliged"], true);
    assert!(reply.body["case"]["reference"].as_str().expect("reference").starts_with("CRIPEL-"));
    assert_eq!(reply.body["person"]["niss"], niss("900510", 2));
}

async fn intake_of_an_eu_citizen_is_exempt_and_opens_no_case(app: TestApp) {
    let reply =
        app.report("62063", &with(newcomer(2), json!({"nationality": "FRA", "residence_document": "EU"}))).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["determination"]["status"], "exempt");
    assert_eq!(reason_codes(&reply.body["determination"])[0], "UE_PLUS_NATIONAL");
    assert_eq!(reply.body["case"], Value::Null);
}

async fn intake_of_a_turkish_national_is_dispensed_and_a_volunteer_request_opens_a_voluntary_case(app: TestApp) {
    let turkish = with(newcomer(3), json!({"nationality": "TUR"}));
    let reply = app.report("62063", &turkish).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["determination"]["status"], "dispensed");
    assert!(reason_codes(&reply.body["determination"]).contains(&"DISPENSED_STANDSTILL_NATIONALITY".to_owned()));
    assert_eq!(reply.body["case"], Value::Null);
    let volunteer = app.report("62063", &with(turkish, json!({"volunteer_request": true}))).await;
    assert_eq!(volunteer.body["case"]["obliged"], false);
    assert_eq!(volunteer.body["case"]["cri"], "CRIPEL");
}

async fn intake_of_an_asylum_applicant_is_not_concerned(app: TestApp) {
    let body = with(newcomer(4), json!({"residence_document": "attestation_immatriculation"}));
    let reply = app.report("62063", &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["determination"]["status"], "not_concerned");
    assert_eq!(
        reason_codes(&reply.body["determination"]),
        ["ASYLUM_APPLICANT", "VOLUNTARY_PARTICIPATION_OPEN", "CRI_ASSIGNMENT_CONFIRMED"]
    );
    assert_eq!(reply.body["determination"]["voluntary_participation_open"], true);
}

async fn replay_with_the_same_key_returns_the_first_response(app: TestApp) {
    let token = app.as_commune("62063");
    let first = app.post("/v1/arrivals", Some(&token), Some("key-replay-1"), &newcomer(5)).await;
    let second = app.post("/v1/arrivals", Some(&token), Some("key-replay-1"), &newcomer(5)).await;
    assert_eq!(first.status, 201);
    assert_eq!(second.status, 201);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.body, second.body);
    let list = app.get("/v1/arrivals", Some(&token)).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
}

async fn the_same_key_with_another_body_is_refused(app: TestApp) {
    let token = app.as_commune("62063");
    let first = app.post("/v1/arrivals", Some(&token), Some("key-reuse"), &newcomer(6)).await;
    assert_eq!(first.status, 201);
    let other = with(newcomer(6), json!({"given_names": "Sara"}));
    let second = app.post("/v1/arrivals", Some(&token), Some("key-reuse"), &other).await;
    assert_eq!(second.status, 422);
    assert_eq!(second.body["code"], "idempotency_key_reused");
    assert_eq!(second.header("content-type"), Some("application/problem+json"));
}

async fn the_same_niss_pushed_twice_is_one_person_with_two_determinations_and_one_case(app: TestApp) {
    let first = app.report("62063", &newcomer(7)).await;
    let second = app.report("62063", &with(newcomer(7), json!({"surname": "El Amrani-Benali"}))).await;
    assert_eq!(first.body["person"]["id"], second.body["person"]["id"]);
    assert_ne!(first.body["id"], second.body["id"]);
    assert_eq!(first.body["case"]["reference"], second.body["case"]["reference"]);
    assert_eq!(second.body["person"]["surname"], "El Amrani-Benali");
    let person = first.body["person"]["id"].as_str().expect("person");
    let history = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(history.status, 200, "{}", history.text);
    assert_eq!(history.body["items"].as_array().map(Vec::len), Some(2));
}

async fn a_commune_cannot_read_another_communes_arrival(app: TestApp) {
    let created = app.report("62063", &newcomer(8)).await;
    let id = created.body["id"].as_str().expect("id");
    let own = app.get(&format!("/v1/arrivals/{id}"), Some(&app.as_commune("62063"))).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.body["id"], id);
    let other = app.get(&format!("/v1/arrivals/{id}"), Some(&app.as_commune("52011"))).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.body["code"], "not_found");
    let list = app.get("/v1/arrivals", Some(&app.as_commune("52011"))).await;
    assert_eq!(list.body["items"], json!([]));
}

async fn a_commune_may_only_report_its_own_residents(app: TestApp) {
    let reply = app.report("52011", &newcomer(9)).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error_fields(), ["domicile_nis"]);
    assert_eq!(reply.body["errors"][0]["code"], "outside_commune_territory");
}

async fn a_cri_reads_the_history_of_its_people_and_nothing_outside_its_territory(app: TestApp) {
    let created = app.report("62063", &newcomer(10)).await;
    let person = created.body["person"]["id"].as_str().expect("person");
    let path = format!("/v1/persons/{person}/determinations");
    let cripel = app.get(&path, Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(cripel.status, 200);
    assert_eq!(cripel.body["items"][0]["determination"]["competent_cri"]["code"], "CRIPEL");
    let cric = app.get(&path, Some(&app.as_cri("CRIC"))).await;
    assert_eq!(cric.status, 404);
    let unknown = app.get("/v1/persons/does-not-exist/determinations", Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(unknown.status, 404);
}

fn sign_hs256(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

fn claims(app: &TestApp, overrides: Value) -> Value {
    let now = parcours_api::auth::epoch_seconds();
    with(
        json!({"sub": "test", "iss": app.config.jwt_issuer, "aud": app.config.jwt_audience, "exp": now + 600,
               "org": "commune:62063", "roles": ["commune_agent"]}),
        overrides,
    )
}

async fn requests_without_a_valid_token_are_refused_with_401(app: TestApp) {
    let secret = parcours_api::config::DEVELOPMENT_SECRET;
    let now = parcours_api::auth::epoch_seconds();
    let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let none_claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims(&app, json!({})).to_string());
    let cases = [
        ("no token", None),
        ("garbage", Some("not-a-jwt".to_owned())),
        ("expired", Some(sign_hs256(&claims(&app, json!({"exp": now - 3600})), secret))),
        ("wrong audience", Some(sign_hs256(&claims(&app, json!({"aud": "someone-else"})), secret))),
        ("wrong issuer", Some(sign_hs256(&claims(&app, json!({"iss": "evil"})), secret))),
        ("alg none", Some(format!("{none_header}.{none_claims}."))),
        ("string exp", Some(sign_hs256(&claims(&app, json!({"exp": (now + 600).to_string()})), secret))),
        ("no sub", Some(sign_hs256(&claims(&app, json!({"sub": null})), secret))),
        ("wrong secret", Some(sign_hs256(&claims(&app, json!({})), "another-secret-another-secret-another"))),
        ("unknown organisation", Some(sign_hs256(&claims(&app, json!({"org": "bank:1"})), secret))),
    ];
    for (case, token) in cases {
        let reply = app.get("/v1/arrivals", token.as_deref()).await;
        assert_eq!(reply.status, 401, "{case}: {}", reply.text);
        assert_eq!(reply.body["code"], "unauthorized", "{case}");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer realm=\"parcours\""), "{case}");
    }
    // Positive control: the same claims, correctly signed, are accepted.
    let good = sign_hs256(&claims(&app, json!({})), secret);
    assert_eq!(app.get("/v1/arrivals", Some(&good)).await.status, 200);
}

async fn a_wrong_role_is_refused_with_403(app: TestApp) {
    let cri = app.as_cri("CRIPEL");
    // The role is checked before the body is read: a wrong role with an unreadable body is still a 403.
    let unreadable = app
        .send(
            TestRequest::post()
                .uri("/v1/arrivals")
                .insert_header(("Authorization", format!("Bearer {cri}")))
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{not json"),
        )
        .await;
    assert_eq!(unreadable.status, 403);
    assert_eq!(app.post("/v1/operators", Some(&app.as_commune("62063")), None, &json!({})).await.status, 403);
    assert_eq!(app.post("/v1/courses", Some(&cri), None, &json!({})).await.status, 403);
    let reply = app.post("/v1/arrivals", Some(&cri), Some("k"), &newcomer(11)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body["code"], "forbidden");
    let commune = app.as_commune("62063");
    let history = app.get("/v1/persons/x/determinations", Some(&commune)).await;
    assert_eq!(history.status, 403);
    let correction = app
        .post(
            "/v1/communes/57081/cri-assignments",
            Some(&commune),
            None,
            &json!({"cri": "CIMB", "valid_from": "2027-01-01", "reason": "test"}),
        )
        .await;
    assert_eq!(correction.status, 403);
}

async fn invalid_niss_and_unknown_commune_give_field_errors(app: TestApp) {
    let bad = with(newcomer(12), json!({"niss": "90.05.10-124.45", "nationality": "ZZZ", "birth_date": "1990-13-01"}));
    let reply = app.report("62063", &bad).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    let mut fields = reply.error_fields();
    fields.sort();
    assert_eq!(fields, ["birth_date", "nationality", "niss"]);
    assert_eq!(
        reply.body["errors"]
            .as_array()
            .and_then(|e| e.iter().find(|x| x["field"] == "niss"))
            .map(|x| x["code"].clone()),
        Some(json!("invalid_niss"))
    );
    // No token names a commune that does not exist; a simulation shows the answer for the code.
    assert!(parcours_api::auth::mint(&app.config, "t", "commune:99999", &["commune_agent".into()], 60).is_err());
    let mut facts = with(newcomer(12), json!({"domicile_nis": "99999"}));
    for field in ["niss", "surname", "given_names", "sex", "contact"] {
        facts.as_object_mut().expect("object").remove(field);
    }
    let unknown = app.post("/v1/determinations/simulate", Some(&app.as_cri("CRIPEL")), None, &facts).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.body["code"], "inconsistent_facts");
    assert_eq!(unknown.body["errors"][0]["field"], "domicile_nis");
    assert_eq!(unknown.body["errors"][0]["code"], "unknown_commune");
    let mismatch = app.report("62063", &with(newcomer(12), json!({"birth_date": "1990-05-11"}))).await;
    assert_eq!(mismatch.body["errors"][0]["code"], "niss_birth_date_mismatch");
    let future = app.report("62063", &with(newcomer(12), json!({"title_order_date": "2099-01-01"}))).await;
    assert_eq!(future.body["errors"][0]["code"], "date_in_future");
}

async fn malformed_json_wrong_content_type_and_oversized_body_are_problems(app: TestApp) {
    let token = app.as_commune("62063");
    let auth = ("Authorization", format!("Bearer {token}"));
    let malformed = app
        .send(
            TestRequest::post()
                .uri("/v1/arrivals")
                .insert_header(auth.clone())
                .insert_header(("Idempotency-Key", "m1"))
                .insert_header(("Content-Type", "application/json"))
                .set_payload("{\"niss\": "),
        )
        .await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.body["code"], "malformed_json");
    let wrong_type = app
        .send(
            TestRequest::post()
                .uri("/v1/arrivals")
                .insert_header(auth.clone())
                .insert_header(("Idempotency-Key", "m2"))
                .insert_header(("Content-Type", "text/plain"))
                .set_payload(newcomer(13).to_string()),
        )
        .await;
    assert_eq!(wrong_type.status, 415);
    assert_eq!(wrong_type.body["code"], "unsupported_media_type");
    let missing_field = app.report("62063", &json!({"surname": "X"})).await;
    assert_eq!(missing_field.status, 422);
    assert_eq!(missing_field.body["errors"][0]["code"], "required");
    let huge = with(newcomer(13), json!({"surname": "x".repeat(support::MAX_BODY_BYTES + 10)}));
    let oversized = app.report("62063", &huge).await;
    assert_eq!(oversized.status, 413);
    assert_eq!(oversized.body["code"], "payload_too_large");
    assert_eq!(oversized.header("content-type"), Some("application/problem+json"));
}

async fn missing_idempotency_key_is_a_problem(app: TestApp) {
    let reply = app.post("/v1/arrivals", Some(&app.as_commune("62063")), None, &newcomer(14)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["code"], "idempotency_key_required");
    assert_eq!(reply.error_fields(), ["Idempotency-Key"]);
}

async fn reads_and_writes_of_personal_data_are_audited(app: TestApp) {
    let created = app.report("62063", &newcomer(15)).await;
    let id = created.body["id"].as_str().expect("id").to_owned();
    let token = app.as_commune("62063");
    app.get(&format!("/v1/arrivals/{id}"), Some(&token)).await;
    let rows = app.audit_for(&id);
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["create_arrival", "read_arrival"]);
    assert!(rows.iter().all(|r| r.organisation == "commune:62063" && r.subject == "test:commune:62063"));
    assert!(rows.iter().all(|r| !r.request_id.is_empty()));
    let person = created.body["person"]["id"].as_str().expect("person");
    app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(
        app.audit_for(person).iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        ["read_person_determinations"]
    );
    // Nothing personal in the audit detail.
    assert!(rows.iter().all(|r| !r.detail.clone().unwrap_or_default().contains("Samira")));
}

async fn arrivals_are_listed_newest_first_with_a_cursor_and_filters(app: TestApp) {
    let token = app.as_commune("62063");
    let mut ids = Vec::new();
    for n in 16..19 {
        ids.push(app.report("62063", &newcomer(n)).await.body["id"].as_str().expect("id").to_owned());
    }
    app.report("62063", &with(newcomer(19), json!({"nationality": "FRA"}))).await;
    let page = app.get("/v1/arrivals?status=obliged&limit=2", Some(&token)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let first: Vec<&str> =
        page.body["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id")).collect();
    assert_eq!(first, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = page.body["next_cursor"].as_str().expect("cursor");
    let next = app.get(&format!("/v1/arrivals?status=obliged&limit=2&cursor={cursor}"), Some(&token)).await;
    assert_eq!(next.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(next.body["items"][0]["id"], ids[0].as_str());
    assert_eq!(next.body["next_cursor"], Value::Null);
    let exempt = app.get("/v1/arrivals?status=exempt", Some(&token)).await;
    assert_eq!(exempt.body["items"].as_array().map(Vec::len), Some(1));
    let future = app.get("/v1/arrivals?reported_from=2099-01-01", Some(&token)).await;
    assert_eq!(future.body["items"], json!([]));
    let bad = app.get("/v1/arrivals?status=maybe&limit=0&cursor=x", Some(&token)).await;
    assert_eq!(bad.status, 400);
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, ["cursor", "limit", "status"]);
}

async fn the_region_corrects_a_communes_cri_from_a_date_and_determinations_follow(app: TestApp) {
    let region = app.as_region();
    let correction =
        json!({"cri": "CeRAIC", "valid_from": "2026-07-01", "reason": "Correction du ressort territorial (test)"});
    let reply = app.post("/v1/communes/57081/cri-assignments", Some(&region), None, &correction).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let assignments = reply.body["cri_assignments"].as_array().expect("assignments");
    assert_eq!(assignments.len(), 2);
    assert_eq!(assignments[0]["cri"], "CIMB");
    assert_eq!(assignments[0]["valid_to"], "2026-06-30");
    assert_eq!(assignments[1]["cri"], "CeRAIC");
    assert_eq!(assignments[1]["status"], "corrected");
    let tournai = |order: &str| with(newcomer(20), json!({"domicile_nis": "57081", "title_order_date": order}));
    let after = app.report("57081", &tournai("2026-07-01")).await;
    assert_eq!(after.body["determination"]["competent_cri"]["code"], "CeRAIC", "{}", after.text);
    assert_eq!(after.body["determination"]["cri_assignment_status"], "corrected");
    let before = app.report("57081", &with(tournai("2026-06-30"), json!({"niss": niss("900510", 42)}))).await;
    assert_eq!(before.body["determination"]["competent_cri"]["code"], "CIMB");
    let listed = app.get("/v1/communes?cri=CeRAIC&on=2026-08-01&nis=57081", None).await;
    assert_eq!(listed.body["items"].as_array().map(Vec::len), Some(1));
    let audit = app.audit_for("57081");
    assert_eq!(audit.len(), 1);
    assert!(audit[0].detail.as_deref().unwrap_or_default().contains("previous: CIMB"));
    let german = app.post("/v1/communes/63023/cri-assignments", Some(&region), None, &correction).await;
    assert_eq!(german.status, 422);
    let unknown = app.post("/v1/communes/99999/cri-assignments", Some(&region), None, &correction).await;
    assert_eq!(unknown.status, 404);
}

async fn simulation_explains_and_reevaluates_under_another_regime(app: TestApp) {
    let token = app.as_cri("CRIC");
    let facts = json!({
        "birth_date": "1990-05-10", "nationality": "SYR", "residence_document": "A",
        "title_order_date": "2022-03-15", "first_registration_date": "2022-02-01", "legal_stay_start": "2021-09-01",
        "domicile_nis": "52011", "claimed_dispensations": ["D5"], "as_of": "2026-11-24", "regime": "R2024"
    });
    let reply = app.post("/v1/determinations/simulate", Some(&token), None, &facts).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let d = &reply.body["determination"];
    assert_eq!(d["status"], "obliged");
    assert_eq!(d["regime"], "R2018");
    assert_eq!(d["competent_cri"]["code"], "CRIC");
    assert_eq!(d["pending_claims"], json!(["D5"]));
    assert_eq!(d["deadlines"][1]["date"], "2023-09-15");
    assert!(d["reasons"][0]["explanation"]["fr"].as_str().expect("fr").contains("primo-arrivante"));
    let r = &reply.body["reevaluation"];
    assert_eq!(r["regime"], "R2024");
    assert_eq!(r["determination"]["deadlines"][1]["date"], "2025-03-15");
    assert!(
        r["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["change"] == "deadline" && c["subject"] == "complete_by")
    );
    let no_token = app.post("/v1/determinations/simulate", None, None, &facts).await;
    assert_eq!(no_token.status, 401);
    let bad =
        app.post("/v1/determinations/simulate", Some(&token), None, &with(facts, json!({"regime": "R1999"}))).await;
    assert_eq!(bad.error_fields(), ["regime"]);
}

async fn reference_data_lists_the_cris_and_filters_communes(app: TestApp) {
    let cris = app.get("/v1/cris", None).await;
    assert_eq!(cris.body["items"].as_array().map(Vec::len), Some(8));
    let cribw = app.get("/v1/communes?cri=CRIBW&on=2025-06-01", None).await;
    assert_eq!(cribw.body["items"].as_array().map(Vec::len), Some(27));
    let by_name = app.get("/v1/communes?name=bastogne", None).await;
    let codes: Vec<&str> =
        by_name.body["items"].as_array().expect("items").iter().map(|c| c["nis_code"].as_str().expect("nis")).collect();
    assert_eq!(codes, ["82003", "82039"]);
    let eupen = app.get("/v1/communes?nis=63023", None).await;
    assert_eq!(eupen.body["items"][0]["language_region"], "de");
    assert_eq!(eupen.body["items"][0]["cri_assignments"], json!([]));
    let bad = app.get("/v1/communes?cri=XYZ&on=yesterday", None).await;
    assert_eq!(bad.status, 400);
}

async fn probes_unknown_routes_and_english_errors(app: TestApp) {
    let ready = app.get("/health/ready", None).await;
    assert_eq!(ready.status, 200);
    assert!(matches!(ready.body["database"].as_str(), Some("sqlite" | "postgres")));
    assert_eq!(app.get("/health/live", None).await.status, 200);
    let unknown = app.get("/v1/nothing-here", None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["code"], "route_not_found");
    assert!(unknown.header("x-request-id").is_some());
    let english = app
        .send(TestRequest::get().uri("/v1/arrivals").insert_header(("Accept-Language", "en-GB,en;q=0.9,fr;q=0.5")))
        .await;
    assert_eq!(english.body["title"], "Authentication required");
    let french = app.get("/v1/arrivals", None).await;
    assert_eq!(french.body["title"], "Authentification requise");
    let method = app.send(TestRequest::delete().uri("/v1/cris")).await;
    assert_eq!(method.status, 405);
    assert_eq!(method.body["code"], "method_not_allowed");
    assert_eq!(method.header("allow"), Some("GET"), "RFC 9110 §15.5.6: a 405 lists the methods the path has");
    let both = app.send(TestRequest::delete().uri("/v1/interpreting-requests")).await;
    assert_eq!((both.status.as_u16(), both.header("allow")), (405, Some("GET, POST")));
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, 307);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger"), "Swagger UI served from vendored assets");
    let spec = app.get("/openapi.json", None).await;
    assert_eq!(spec.body["info"]["title"], "Parcours API");
}

async fn rs256_tokens_are_accepted_and_hs256_signed_with_the_public_key_is_refused(app: TestApp) {
    // This test needs an RS256 application; it uses the backend of `app` for its database.
    let rs = if app.state.store.backend_name() == "sqlite" {
        TestApp::sqlite_with(TestApp::rs256_config())
    } else {
        TestApp::postgres_with(TestApp::rs256_config()).expect("PostgreSQL available")
    };
    let good = rs.as_commune("62063");
    assert_eq!(rs.get("/v1/arrivals", Some(&good)).await.status, 200);
    let public_pem =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rsa-public.pem")).expect("key");
    let forged = sign_hs256(&claims(&rs, json!({})), &public_pem);
    let reply = rs.get("/v1/arrivals", Some(&forged)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body["detail"], "Algorithme de signature refusé.");
}

/// A change of a case with `If-Match`.
async fn change(app: &TestApp, cri: &str, case: &str, step: &str, version: i64, body: Value) -> support::Reply {
    let req = TestRequest::post()
        .uri(&format!("/v1/cases/{case}/{step}"))
        .insert_header(("Authorization", format!("Bearer {}", app.as_cri(cri))))
        .insert_header(("If-Match", format!("\"{version}\"")))
        .set_json(body);
    app.send(req).await
}

/// Applies a step and returns the new version, failing the test on an error.
async fn step(app: &TestApp, cri: &str, case: &str, path: &str, version: i64, body: Value) -> i64 {
    let reply = change(app, cri, case, path, version, body).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text);
    assert_eq!(reply.etag_version(), Some(version + 1));
    reply.body["version"].as_i64().expect("version")
}

fn today() -> String {
    support::TODAY.to_owned()
}

/// An obliged arrival in Liège with a case at CRIPEL; returns (case id, person id, version).
async fn obliged_case(app: &TestApp, sequence: u32) -> (String, String, i64) {
    let arrival = app.report("62063", &newcomer(sequence)).await;
    assert_eq!(arrival.status, 201, "{}", arrival.text);
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    let person = arrival.body["person"]["id"].as_str().expect("person").to_owned();
    let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(read.status, 200, "{}", read.text);
    (case, person, read.body["version"].as_i64().expect("version"))
}

/// Presentation, welcome module and convention, dated today.
async fn through_convention(app: &TestApp, case: &str, mut v: i64) -> i64 {
    let t = today();
    v = step(app, "CRIPEL", case, "presentation", v, json!({"date": t})).await;
    v = step(
        app,
        "CRIPEL",
        case,
        "rights-information",
        v,
        json!({"date": t, "format": "collective", "interpreter_language": "ar"}),
    )
    .await;
    v = step(
        app,
        "CRIPEL",
        case,
        "social-assessment",
        v,
        json!({"date": t, "needs": ["housing", "employment"], "sensitive_notes": "note"}),
    )
    .await;
    v = step(app, "CRIPEL", case, "french-test", v, json!({"date": t, "tool": "ELAO", "level": "A1"})).await;
    step(
        app,
        "CRIPEL",
        case,
        "convention",
        v,
        json!({"signed_on": t, "french": "required", "orientation_needed": true}),
    )
    .await
}

async fn a_full_obliged_pathway_goes_from_arrival_to_requirements_met(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 30).await;
    let cripel = app.as_cri("CRIPEL");
    let read = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await;
    assert_eq!(read.body["state"], "opened");
    assert_eq!(read.body["deadlines"][1]["kind"], "complete_by");
    assert_eq!(read.body["deadlines"][1]["date"], "2029-06-15");
    assert!(read.body["deadlines"][1]["explanation"]["fr"].as_str().expect("fr").contains("R2024"));
    let mut v = through_convention(&app, &case, v).await;
    let t = today();
    v = step(&app, "CRIPEL", &case, "administrative-help", v, json!({"date": t, "topic": "Inscription Forem"})).await;
    for (axis, hours) in [("french", 400.0), ("citizenship", 60.0), ("orientation", 4.0)] {
        v = step(&app, "CRIPEL", &case, "hours", v, json!({"axis": axis, "hours": hours, "date": t})).await;
    }
    let progress = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await;
    assert_eq!(progress.body["state"], "in_progress");
    assert_eq!(
        progress.body["hours"][0],
        json!({"axis": "french", "required_hours": 400, "attended_hours": 400.0, "remaining_hours": 0.0})
    );
    assert!(progress.body["next_review_due"].is_string());
    step(&app, "CRIPEL", &case, "completion", v, json!({"date": t})).await;
    let done = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await;
    assert_eq!(done.body["state"], "requirements_met");
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&cripel)).await;
    let kinds: Vec<&str> =
        timeline.body["items"].as_array().expect("items").iter().map(|i| i["kind"].as_str().expect("kind")).collect();
    assert_eq!(kinds.first(), Some(&"case_opened"));
    assert!(kinds.contains(&"convention_signed") && kinds.contains(&"training_started"));
    assert_eq!(kinds.last(), Some(&"requirements_met"));
    assert!(
        timeline.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["reason"]["fr"].is_string() && i["basis"].is_string())
    );
}

async fn staff_open_a_voluntary_case_for_a_walk_in_and_duplicates_are_refused(app: TestApp) {
    let cripel = app.as_cri("CRIPEL");
    let walk_in = json!({
        "niss": niss("850730", 33), "surname": "Haddad", "given_names": "Omar", "birth_date": "1985-07-30",
        "nationality": "SYR", "residence_document": "B", "title_order_date": "2019-02-01",
        "first_registration_date": "2019-01-10", "legal_stay_start": "2015-01-01", "domicile_nis": "62063"
    });
    let opened = app.post("/v1/cases", Some(&cripel), None, &walk_in).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    assert_eq!(opened.body["obliged"], false, "more than three years of legal stay: voluntary");
    assert_eq!(opened.body["state"], "opened");
    assert_eq!(opened.body["deadlines"], json!([]));
    assert!(opened.header("location").is_some_and(|l| l.starts_with("/v1/cases/")));
    let again = app.post("/v1/cases", Some(&cripel), None, &walk_in).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["code"], "case_already_open");
    let elsewhere = app
        .post("/v1/cases", Some(&app.as_cri("CRIC")), None, &with(walk_in, json!({"niss": niss("850730", 35)})))
        .await;
    assert_eq!(elsewhere.status, 422);
    assert_eq!(elsewhere.body["errors"][0]["code"], "outside_cri_territory");
}

async fn a_granted_dispensation_closes_the_case_and_the_history_shows_both_determinations(app: TestApp) {
    let arrival = app.report("62063", &with(newcomer(31), json!({"claimed_dispensations": ["D5"]}))).await;
    assert_eq!(arrival.body["determination"]["status"], "obliged");
    let case = arrival.body["case"]["id"].as_str().expect("case");
    let person = arrival.body["person"]["id"].as_str().expect("person");
    let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(read.body["pending_claims"], json!(["D5"]));
    let decision = json!({"code": "D5", "granted": true, "date": today(), "reason": "Contrat à mi-temps depuis 2025",
        "evidence": {"document_type": "employment_contract", "issuer": "Employeur SA", "date": "2025-09-01"}});
    let reply =
        change(&app, "CRIPEL", case, "dispensation-decisions", read.body["version"].as_i64().expect("v"), decision)
            .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["state"], "closed");
    assert_eq!(reply.body["details"]["closure"]["reason"], "dispensed");
    assert_eq!(reply.body["pending_claims"], json!([]));
    let history = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    let statuses: Vec<&str> = history.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["determination"]["status"].as_str().expect("s"))
        .collect();
    assert_eq!(statuses, ["obliged", "dispensed"]);
    assert_eq!(history.body["items"][1]["decided_by"], "cri:CRIPEL");
}

async fn d1_rests_on_an_attestation_from_another_region_and_the_determination_names_it(app: TestApp) {
    let (case, person, v) = obliged_case(&app, 310).await;
    let decide = |body: Value| change(&app, "CRIPEL", &case, "dispensation-decisions", v, body);
    let base = json!({"code": "D1", "granted": true, "date": today(), "reason": "Inburgeringsattest présenté"});
    let without = decide(base.clone()).await;
    assert_eq!(without.status, 422, "{}", without.text);
    assert_eq!(without.body["errors"][0]["code"], "prior_attestation_required");
    let flemish = json!({"issuer": "flanders", "serial": "AGII-2025-004711", "issued_on": "2025-03-14"});
    let on_d5 = decide(with(base.clone(), json!({"code": "D5", "prior_attestation": flemish}))).await;
    assert_eq!(on_d5.status, 422, "{}", on_d5.text);
    assert_eq!(on_d5.body["errors"][0]["code"], "prior_attestation_only_for_d1");
    let future = decide(with(
        base.clone(),
        json!({"prior_attestation": {"issuer": "brussels_bapa", "serial": "BAPA/17", "issued_on": "2099-01-01"}}),
    ))
    .await;
    assert_eq!(future.status, 422, "{}", future.text);
    assert_eq!(future.body["errors"][0]["code"], "prior_attestation_in_future");
    let walloon_unknown = decide(with(
        base.clone(),
        json!({"prior_attestation": {"issuer": "wallonia", "serial": "CRIPEL-ATT-2026-000999", "issued_on": "2026-01-05"}}),
    ))
    .await;
    assert_eq!(walloon_unknown.status, 422, "{}", walloon_unknown.text);
    assert_eq!(walloon_unknown.body["errors"][0]["code"], "prior_attestation_unknown");

    let granted = decide(with(base, json!({"prior_attestation": flemish}))).await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    assert_eq!(granted.body["state"], "closed");
    assert_eq!(granted.body["details"]["closure"]["reason"], "dispensed");
    let history = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    let latest = &history.body["items"][1]["determination"];
    assert_eq!(latest["status"], "dispensed");
    assert_eq!(latest["prior_attestation"]["issuer"], "flanders");
    assert_eq!(latest["prior_attestation"]["serial"], "AGII-2025-004711");
    assert_eq!(latest["prior_attestation"]["issued_on"], "2025-03-14");
    let codes: Vec<&str> =
        latest["reasons"].as_array().expect("reasons").iter().map(|r| r["code"].as_str().expect("code")).collect();
    assert!(codes.contains(&"PRIOR_ATTESTATION_RECOGNISED"), "{codes:?}");
    assert_eq!(history.body["items"][0]["determination"]["prior_attestation"], Value::Null);
}

async fn an_extension_beyond_the_ceiling_is_refused_with_a_clear_problem(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 32).await;
    let beyond = change(
        &app,
        "CRIPEL",
        &case,
        "extensions",
        v,
        json!({"date": today(), "until": "2031-12-16", "reason": "illness"}),
    )
    .await;
    assert_eq!(beyond.status, 422, "{}", beyond.text);
    assert_eq!(beyond.body["code"], "extension_beyond_ceiling");
    assert_eq!(beyond.body["ceiling"], "2030-12-15");
    assert!(beyond.body["detail"].as_str().expect("detail").contains("2030-12-15"));
    let within = change(
        &app,
        "CRIPEL",
        &case,
        "extensions",
        v,
        json!({"date": today(), "until": "2030-01-15", "reason": "illness"}),
    )
    .await;
    assert_eq!(within.status, 200, "{}", within.text);
    assert_eq!(within.body["deadlines"][1]["date"], "2030-01-15");
    assert!(
        within.body["deadlines"][1]["explanation"]["en"]
            .as_str()
            .expect("en")
            .contains("Moved from 2029-06-15 to 2030-01-15")
    );
    let suspended = change(
        &app,
        "CRIPEL",
        &case,
        "suspensions",
        v + 1,
        json!({"from": today(), "to": today(), "reason": "no_course_place"}),
    )
    .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text);
    assert_eq!(suspended.body["deadlines"][1]["date"], "2030-01-16");
}

async fn changes_need_a_current_if_match(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 33).await;
    step(&app, "CRIPEL", &case, "presentation", v, json!({"date": today()})).await;
    let stale =
        change(&app, "CRIPEL", &case, "rights-information", v, json!({"date": today(), "format": "individual"})).await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.body["code"], "precondition_failed");
    assert_eq!(stale.body["current_version"], v + 1);
    let missing = app
        .send(
            TestRequest::post()
                .uri(&format!("/v1/cases/{case}/reviews"))
                .insert_header(("Authorization", format!("Bearer {}", app.as_cri("CRIPEL"))))
                .set_json(json!({"date": today()})),
        )
        .await;
    assert_eq!(missing.status, 428);
    assert_eq!(missing.body["code"], "precondition_required");
}

async fn an_illegal_transition_is_a_409_with_the_current_state(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 34).await;
    let reply = change(
        &app,
        "CRIPEL",
        &case,
        "convention",
        v,
        json!({"signed_on": today(), "french": "required", "orientation_needed": false}),
    )
    .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.body["code"], "illegal_transition");
    assert_eq!(reply.body["current_state"], "opened");
    assert_eq!(reply.body["command"], "sign_convention");
    let v = step(&app, "CRIPEL", &case, "presentation", v, json!({"date": today()})).await;
    let incomplete = change(
        &app,
        "CRIPEL",
        &case,
        "convention",
        v,
        json!({"signed_on": today(), "french": "required", "orientation_needed": false}),
    )
    .await;
    assert_eq!(incomplete.status, 409);
    assert_eq!(incomplete.body["code"], "welcome_incomplete");
    assert_eq!(incomplete.body["missing"], json!(["rights_information", "social_assessment", "french_test"]));
}

async fn a_transfer_moves_the_case_and_access_follows_on_both_sides(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 35).await;
    let v = step(&app, "CRIPEL", &case, "presentation", v, json!({"date": today()})).await;
    let moved =
        change(&app, "CRIPEL", &case, "transfer", v, json!({"to": "CRIC", "date": today(), "reason": "Déménagement"}))
            .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["cri"], "CRIC");
    let cric = app.as_cri("CRIC");
    let at_cric = app.get(&format!("/v1/cases/{case}"), Some(&cric)).await;
    assert_eq!(at_cric.status, 200);
    assert_eq!(at_cric.body["details"]["presentation"]["date"], today());
    assert_eq!(app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await.status, 404);
    step(&app, "CRIC", &case, "rights-information", v + 1, json!({"date": today(), "format": "individual"})).await;
    let old_view = app.get(&format!("/v1/cases/{case}/timeline"), Some(&app.as_cri("CRIPEL"))).await;
    let old_kinds: Vec<&str> =
        old_view.body["items"].as_array().expect("items").iter().map(|i| i["kind"].as_str().expect("k")).collect();
    assert_eq!(old_kinds, ["case_opened", "presentation_recorded", "case_transferred"]);
    let history = app
        .get(
            &format!("/v1/persons/{}/determinations", moved.body["person"]["id"].as_str().expect("p")),
            Some(&app.as_cri("CRIPEL")),
        )
        .await;
    assert_eq!(history.status, 200, "the former CRI still reads the determination routed to it");
    let new_view = app.get(&format!("/v1/cases/{case}/timeline"), Some(&cric)).await;
    assert_eq!(new_view.body["items"].as_array().map(Vec::len), Some(4));
    assert_eq!(app.get(&format!("/v1/cases/{case}/timeline"), Some(&app.as_cri("CAI"))).await.status, 404);
}

async fn a_commune_of_another_cri_reporting_the_person_transfers_the_case(app: TestApp) {
    let (case, person, _) = obliged_case(&app, 36).await;
    let moved = app.report("52011", &with(newcomer(36), json!({"domicile_nis": "52011"}))).await;
    assert_eq!(moved.status, 201, "{}", moved.text);
    assert_eq!(moved.body["person"]["id"], person.as_str());
    assert_eq!(moved.body["case"]["id"], case.as_str());
    assert_eq!(moved.body["case"]["cri"], "CRIC");
    let cric = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIC"))).await;
    assert_eq!(cric.status, 200);
    // The former CRI reads the determination it received, not the one made after the move.
    let old = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(old.body["items"].as_array().map(Vec::len), Some(1));
    let new = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIC"))).await;
    assert_eq!(new.body["items"].as_array().map(Vec::len), Some(2));
    let events = app.get("/v1/events", Some(&app.as_commune("62063"))).await;
    assert!(
        events.body["items"].as_array().expect("items").iter().any(|e| e["data"]["event_type"] == "case_transferred")
    );
}

/// A newcomer who registered today: the presentation deadline is still ahead.
fn recent_newcomer(sequence: u32) -> Value {
    with(newcomer(sequence), json!({"first_registration_date": today(), "title_order_date": today()}))
}

async fn a_cri_lists_only_its_own_cases_with_filters(app: TestApp) {
    let recent = app.report("62063", &recent_newcomer(37)).await;
    let liege = recent.body["case"]["id"].as_str().expect("case").to_owned();
    let overdue = app.report("62063", &with(newcomer(38), json!({"first_registration_date": "2025-01-10", "title_order_date": "2025-02-01", "legal_stay_start": "2025-01-01"}))).await;
    let overdue_case = overdue.body["case"]["id"].as_str().expect("case").to_owned();
    let charleroi = app.report("52011", &with(newcomer(39), json!({"domicile_nis": "52011"}))).await;
    let charleroi_case = charleroi.body["case"]["id"].as_str().expect("case").to_owned();
    let ids = |reply: &support::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let cripel = app.as_cri("CRIPEL");
    let all = app.get("/v1/cases", Some(&cripel)).await;
    assert_eq!(ids(&all), [overdue_case.as_str(), liege.as_str()]);
    assert_eq!(ids(&app.get("/v1/cases", Some(&app.as_cri("CRIC"))).await), [charleroi_case]);
    let late = app.get("/v1/cases?presentation_overdue=true", Some(&cripel)).await;
    assert_eq!(ids(&late), [overdue_case.as_str()]);
    assert_eq!(late.body["items"][0]["presentation_overdue"], true);
    assert_eq!(ids(&app.get("/v1/cases?complete_before=2028-06-01", Some(&cripel)).await), [overdue_case.as_str()]);
    assert_eq!(ids(&app.get("/v1/cases?obliged=false", Some(&cripel)).await), Vec::<String>::new());
    assert_eq!(ids(&app.get("/v1/cases?state=opened&commune=62063&limit=1", Some(&cripel)).await).len(), 1);
    // A walk-in recorded after the fact, convention signed more than six months ago: review overdue.
    let walk_in = json!({
        "niss": niss("850730", 41), "surname": "Haddad", "given_names": "Lina", "birth_date": "1985-07-30", "nationality": "BEL",
        "domicile_nis": "62063", "opened_on": "2025-01-10"
    });
    let opened = app.post("/v1/cases", Some(&cripel), None, &walk_in).await;
    assert_eq!(opened.status, 201, "{}", opened.text);
    let case = opened.body["id"].as_str().expect("id").to_owned();
    let mut v = opened.body["version"].as_i64().expect("v");
    v = step(&app, "CRIPEL", &case, "presentation", v, json!({"date": "2025-01-10"})).await;
    v = step(&app, "CRIPEL", &case, "rights-information", v, json!({"date": "2025-01-10", "format": "individual"}))
        .await;
    v = step(&app, "CRIPEL", &case, "social-assessment", v, json!({"date": "2025-01-17", "needs": []})).await;
    v = step(&app, "CRIPEL", &case, "french-test", v, json!({"date": "2025-01-17", "tool": "ELAO", "level": "B1"}))
        .await;
    step(
        &app,
        "CRIPEL",
        &case,
        "convention",
        v,
        json!({"signed_on": "2025-02-01", "french": "waived", "orientation_needed": false}),
    )
    .await;
    let reviews = app.get("/v1/cases?review_overdue=true", Some(&cripel)).await;
    assert_eq!(ids(&reviews), [case.as_str()]);
    assert_eq!(reviews.body["items"][0]["next_review_due"], "2025-08-01");
    assert_eq!(reviews.body["items"][0]["review_overdue"], true);
    assert_eq!(ids(&app.get("/v1/cases?obliged=false", Some(&cripel)).await), [case]);
    assert_eq!(app.get("/v1/cases?state=lost&limit=0", Some(&cripel)).await.status, 400);
}

async fn a_commune_reads_only_its_residents_events_and_a_cri_its_own(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 40).await;
    through_convention(&app, &case, v).await;
    let late = app.report("62063", &with(newcomer(42), json!({"first_registration_date": "2025-01-10", "title_order_date": "2025-02-01", "legal_stay_start": "2025-01-01"}))).await;
    assert_eq!(late.status, 201);
    app.report("52011", &with(recent_newcomer(43), json!({"domicile_nis": "52011"}))).await;
    app.run_jobs();
    let liege = app.get("/v1/events", Some(&app.as_commune("62063"))).await;
    assert_eq!(liege.status, 200, "{}", liege.text);
    let types: Vec<&str> = liege.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["data"]["event_type"].as_str().expect("t"))
        .collect();
    assert_eq!(types, ["pathway_followed", "deadline_missed"]);
    let first = &liege.body["items"][0]["data"];
    assert_eq!(
        first.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["case_reference".into(), "event_type".into(), "occurred_at".into(), "person_id".into()]),
        "a notice carries identifiers, never a national number or a name"
    );
    // The commune reads its resident's identity by id: that read is scoped and recorded.
    let person_path = format!("/v1/persons/{}", first["person_id"].as_str().expect("person id"));
    let person = app.get(&person_path, Some(&app.as_commune("62063"))).await;
    assert_eq!(person.status, 200, "{}", person.text);
    assert_eq!(person.body["niss"], newcomer(40)["niss"]);
    assert_eq!(app.get(&person_path, Some(&app.as_commune("52011"))).await.status, 404, "not its resident");
    assert_eq!(app.get(&person_path, Some(&app.token("cpas:62063", &["cpas_agent"]))).await.status, 404);
    assert_eq!(app.get(&person_path, Some(&app.token("operator:0123456789", &["operator_agent"]))).await.status, 403);
    assert_eq!(app.get(&person_path, Some(&app.as_cri("CRIPEL"))).await.status, 200, "the competent CRI");
    assert_eq!(app.get(&person_path, Some(&app.as_cri("CRILUX"))).await.status, 404);
    let cursor = liege.body["next_cursor"].as_str().expect("cursor");
    app.run_jobs();
    let again = app.get(&format!("/v1/events?after={cursor}"), Some(&app.as_commune("62063"))).await;
    assert_eq!(again.body["items"], json!([]), "the sweep records a missed deadline once");
    assert_eq!(again.body["next_cursor"], cursor);
    let charleroi = app.get("/v1/events", Some(&app.as_commune("52011"))).await;
    assert_eq!(charleroi.body["items"], json!([]), "a case opening is not a commune event");
    let cripel = app.get("/v1/events?limit=200", Some(&app.as_cri("CRIPEL"))).await;
    let cripel_cases: std::collections::BTreeSet<&str> = cripel.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["data"]["case_reference"].as_str().expect("r"))
        .collect();
    assert_eq!(cripel_cases.len(), 2);
    assert!(cripel_cases.iter().all(|r| r.starts_with("CRIPEL-")));
    assert_eq!(app.get("/v1/events", Some(&app.as_region())).await.status, 403);
    let bad_cursor = app.get("/v1/events?after=not-a-position", Some(&app.as_commune("62063"))).await;
    assert_eq!(bad_cursor.status, 400);
    assert_eq!(bad_cursor.error_fields(), ["after"]);
}

/// An operator serving CRIPEL, recognised for French; returns its token.
async fn operator(app: &TestApp, name: &str, enterprise_number: &str) -> (String, String) {
    let reply = app
        .post(
            "/v1/operators",
            Some(&app.as_region()),
            None,
            &json!({"name": name, "enterprise_number": enterprise_number, "axes": ["french", "citizenship"], "cri_territories": ["CRIPEL"]}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["id"].as_str().expect("id").to_owned();
    let token = app.token(&format!("operator:{id}"), &["operator_agent"]);
    (id, token)
}

/// A French course in Liège with two three-hour sessions; returns (course id, session ids).
async fn course(app: &TestApp, token: &str, capacity: i32) -> (String, Vec<String>) {
    let body = json!({"title": "Français A1", "axis": "french", "level": "A1", "instruction_language": "fr", "commune_nis": "62063",
        "address": "Rue des Écoles 1, 4000 Liège", "capacity": capacity,
        "sessions": [{"date": "2027-01-11", "start": "18:00", "end": "21:00"}, {"date": "2027-01-13", "start": "18:00", "end": "21:00"}]});
    let reply = app.post("/v1/courses", Some(token), None, &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let sessions = reply.body["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    (reply.body["id"].as_str().expect("id").to_owned(), sessions)
}

/// An obliged case at CRIPEL enrolled in `course`; returns (case id, case reference).
async fn participant(app: &TestApp, course: &str, sequence: u32) -> (String, String) {
    let arrival = app.report("62063", &newcomer(sequence)).await;
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    let reference = arrival.body["case"]["reference"].as_str().expect("reference").to_owned();
    let enrolled = app
        .post(&format!("/v1/courses/{course}/enrolments"), Some(&app.as_cri("CRIPEL")), None, &json!({"case_id": case}))
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.text);
    (case, reference)
}

async fn post_attendance(
    app: &TestApp,
    token: &str,
    course: &str,
    key: &str,
    mode: &str,
    content_type: &str,
    body: String,
) -> support::Reply {
    app.send(
        TestRequest::post()
            .uri(&format!("/v1/courses/{course}/attendance?mode={mode}"))
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Idempotency-Key", key))
            .insert_header(("Content-Type", content_type))
            .set_payload(body),
    )
    .await
}

async fn attended(app: &TestApp, token: &str, reference: &str, axis: usize) -> f64 {
    let reply = app.post("/v1/participants/inquiry", Some(token), None, &json!({"case_reference": reference})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["axes"][axis]["attended_hours"].as_f64().expect("hours")
}

async fn operators_are_registered_checked_and_scoped_to_their_own_courses(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (_, other) = operator(&app, "École B", "0403.170.701").await;
    let duplicate = app.post("/v1/operators", Some(&app.as_region()), None, &json!({"name": "X", "enterprise_number": "BE0123456749", "axes": ["french"], "cri_territories": ["CRIPEL"]})).await;
    assert_eq!(duplicate.status, 409);
    let bad = app
        .post(
            "/v1/operators",
            Some(&app.as_region()),
            None,
            &json!({"name": "X", "enterprise_number": "0123.456.748", "axes": ["cooking"], "cri_territories": []}),
        )
        .await;
    assert_eq!(bad.status, 422);
    let mut fields = bad.error_fields();
    fields.sort();
    assert_eq!(fields, ["axes", "cri_territories", "enterprise_number"]);
    let by_commune =
        json!({"name": "X", "enterprise_number": "0403.170.701", "axes": ["french"], "cri_territories": ["CRIPEL"]});
    assert_eq!(app.post("/v1/operators", Some(&app.as_commune("62063")), None, &by_commune).await.status, 403);
    let (course_id, sessions) = course(&app, &school, 10).await;
    let (_, reference) = participant(&app, &course_id, 50).await;
    assert_eq!(app.get(&format!("/v1/courses/{course_id}"), Some(&other)).await.status, 404);
    assert_eq!(app.get("/v1/courses", Some(&other)).await.body["items"], json!([]));
    assert_eq!(app.get("/v1/courses", Some(&school)).await.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.get(&format!("/v1/courses/{course_id}/participants"), Some(&other)).await.status, 404);
    let line =
        json!({"rows": [{"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 3}]})
            .to_string();
    assert_eq!(
        post_attendance(&app, &other, &course_id, "k1", "all_or_nothing", "application/json", line).await.status,
        404
    );
    let inquiry = app.post("/v1/participants/inquiry", Some(&other), None, &json!({"case_reference": reference})).await;
    assert_eq!(inquiry.status, 404, "no enrolment at this operator: 404");
    let participants = app.get(&format!("/v1/courses/{course_id}/participants"), Some(&school)).await;
    assert_eq!(participants.status, 200);
    let keys: Vec<String> = participants.body["items"][0].as_object().expect("object").keys().cloned().collect();
    assert_eq!(
        keys,
        ["case_reference", "course_id", "enrolment_id", "given_names", "status", "surname", "waiting_position"]
    );
    let orientation = app
        .post(
            "/v1/courses",
            Some(&school),
            None,
            &json!({"title": "ISP", "axis": "orientation", "instruction_language": "fr", "commune_nis": "52011",
        "address": "x", "capacity": 5, "sessions": [{"date": "2027-01-11", "start": "09:00", "end": "13:00"}]}),
        )
        .await;
    assert_eq!(orientation.status, 422);
    let mut fields = orientation.error_fields();
    fields.sort();
    assert_eq!(fields, ["axis", "commune_nis"]);
    assert_eq!(
        app.get(&format!("/v1/courses/{course_id}"), Some(&app.as_cri("CRIC"))).await.status,
        200,
        "the catalogue is open to every CRI"
    );
}

async fn capacity_is_enforced_with_an_ordered_waiting_list(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (course_id, _) = course(&app, &school, 1).await;
    let cri = app.as_cri("CRIPEL");
    let mut statuses = Vec::new();
    let mut enrolments = Vec::new();
    for n in 51..54 {
        let case = app.report("62063", &newcomer(n)).await.body["case"]["id"].as_str().expect("case").to_owned();
        let reply =
            app.post(&format!("/v1/courses/{course_id}/enrolments"), Some(&cri), None, &json!({"case_id": case})).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        statuses.push((reply.body["status"].as_str().expect("s").to_owned(), reply.body["waiting_position"].as_i64()));
        enrolments.push(reply.body["id"].as_str().expect("id").to_owned());
        if n == 51 {
            let again = app
                .post(&format!("/v1/courses/{course_id}/enrolments"), Some(&cri), None, &json!({"case_id": case}))
                .await;
            assert_eq!(again.status, 409);
        }
    }
    assert_eq!(
        statuses,
        [("enrolled".to_owned(), None), ("waiting".to_owned(), Some(1)), ("waiting".to_owned(), Some(2))]
    );
    assert_eq!(app.get("/v1/courses?places_left=true", Some(&cri)).await.body["items"], json!([]));
    let withdrawn =
        app.post(&format!("/v1/enrolments/{}/withdrawal", enrolments[0]), Some(&cri), None, &json!({})).await;
    assert_eq!(withdrawn.body["status"], "withdrawn");
    let participants = app.get(&format!("/v1/courses/{course_id}/participants"), Some(&school)).await;
    let states: Vec<(String, Option<i64>)> = participants.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| (p["status"].as_str().expect("s").to_owned(), p["waiting_position"].as_i64()))
        .collect();
    assert!(
        states.contains(&("enrolled".to_owned(), None))
            && states.contains(&("waiting".to_owned(), Some(1)))
            && states.contains(&("withdrawn".to_owned(), None))
    );
    let course = app.get(&format!("/v1/courses/{course_id}"), Some(&cri)).await;
    assert_eq!(
        (course.body["enrolled"].as_i64(), course.body["waiting"].as_i64(), course.body["places_left"].as_i64()),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(
        app.post(&format!("/v1/enrolments/{}/withdrawal", enrolments[0]), Some(&cri), None, &json!({})).await.status,
        404
    );
    assert_eq!(
        app.post(&format!("/v1/enrolments/{}/completion", enrolments[1]), Some(&app.as_cri("CRIC")), None, &json!({}))
            .await
            .status,
        404
    );
}

async fn a_json_batch_and_the_same_batch_as_csv_give_identical_results(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (json_course, json_sessions) = course(&app, &school, 10).await;
    let (csv_course, csv_sessions) = course(&app, &school, 10).await;
    let (_, first) = participant(&app, &json_course, 55).await;
    let (_, second) = participant(&app, &json_course, 56).await;
    let cri = app.as_cri("CRIPEL");
    for reference in [&first, &second] {
        let case = app.get("/v1/cases?limit=200", Some(&cri)).await.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["reference"] == reference.as_str())
            .map(|c| c["id"].as_str().expect("id").to_owned())
            .expect("case");
        app.post(&format!("/v1/courses/{csv_course}/enrolments"), Some(&cri), None, &json!({"case_id": case})).await;
    }
    let rows = |sessions: &[String]| {
        vec![
            (first.clone(), sessions[0].clone(), "present", 3.0),
            (first.clone(), sessions[1].clone(), "present", 2.5),
            (second.clone(), sessions[0].clone(), "excused", 0.0),
            (second.clone(), sessions[1].clone(), "present", 9.0),
        ]
    };
    let json_rows: Vec<Value> = rows(&json_sessions)
        .into_iter()
        .map(|(r, s, st, h)| json!({"case_reference": r, "session_id": s, "status": st, "hours": h}))
        .collect();
    let json_reply = post_attendance(
        &app,
        &school,
        &json_course,
        "json-1",
        "accept_valid",
        "application/json",
        json!({"rows": json_rows}).to_string(),
    )
    .await;
    let mut csv = String::from("case_reference,session_id,status,hours\n");
    for (r, s, st, h) in rows(&csv_sessions) {
        csv.push_str(&format!("{r},{s},{st},{h}\n"));
    }
    let csv_reply = post_attendance(&app, &school, &csv_course, "csv-1", "accept_valid", "text/csv", csv).await;
    assert_eq!(json_reply.status, 200, "{}", json_reply.text);
    assert_eq!(csv_reply.status, 200, "{}", csv_reply.text);
    for field in ["committed", "accepted", "corrections", "rejected", "mode"] {
        assert_eq!(json_reply.body[field], csv_reply.body[field], "{field}");
    }
    assert_eq!(json_reply.body["accepted"], 3);
    assert_eq!(json_reply.body["rejected"][0]["code"], "hours_beyond_session");
    assert_eq!(json_reply.body["rejected"][0]["line"], 4);
    assert_eq!(attended(&app, &cri, &first, 0).await, 11.0, "5.5 h through each course");
    let feed = app.get("/v1/events?limit=200", Some(&cri)).await;
    assert!(
        feed.body["items"].as_array().expect("items").iter().any(|e| e["data"]["event_type"] == "attendance_recorded")
    );
}

async fn a_replayed_batch_changes_nothing_and_a_correction_keeps_both_versions(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 10).await;
    let (_, reference) = participant(&app, &course_id, 57).await;
    let batch =
        json!({"rows": [{"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 2}]})
            .to_string();
    let first =
        post_attendance(&app, &school, &course_id, "batch-1", "all_or_nothing", "application/json", batch.clone())
            .await;
    let replay =
        post_attendance(&app, &school, &course_id, "batch-1", "all_or_nothing", "application/json", batch).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let cri = app.as_cri("CRIPEL");
    assert_eq!(attended(&app, &cri, &reference, 0).await, 2.0);
    let correction = json!({"rows": [{"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 3, "reason": "feuille corrigée"}]}).to_string();
    let corrected =
        post_attendance(&app, &school, &course_id, "batch-2", "all_or_nothing", "application/json", correction).await;
    assert_eq!(corrected.body["corrections"], 1);
    assert_eq!(attended(&app, &cri, &reference, 0).await, 3.0);
    let history =
        app.get(&format!("/v1/courses/{course_id}/attendance?case_reference={reference}"), Some(&school)).await;
    let versions: Vec<(i64, f64, bool)> = history.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (v["version"].as_i64().expect("v"), v["hours"].as_f64().expect("h"), v["current"].as_bool().expect("c"))
        })
        .collect();
    assert_eq!(versions, [(1, 2.0, false), (2, 3.0, true)]);
    assert_eq!(history.body["items"][1]["reason"], "feuille corrigée");
    let reused = post_attendance(
        &app,
        &school,
        &course_id,
        "batch-1",
        "all_or_nothing",
        "application/json",
        json!({"rows": []}).to_string(),
    )
    .await;
    assert_eq!(reused.body["code"], "idempotency_key_reused");
}

async fn bad_lines_are_refused_whole_or_reported_line_by_line(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 10).await;
    let (_, reference) = participant(&app, &course_id, 58).await;
    let rows = json!({"rows": [
        {"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 3},
        {"case_reference": "CRIPEL-2026-999999", "session_id": sessions[0], "status": "present", "hours": 3},
        {"case_reference": reference, "session_id": "no-such-session", "status": "present", "hours": 1},
        {"case_reference": reference, "session_id": sessions[0], "status": "absent", "hours": 0},
        {"case_reference": reference, "session_id": sessions[1], "status": "late", "hours": 1},
        {"case_reference": reference, "session_id": sessions[1], "status": "absent", "hours": 2}
    ]})
    .to_string();
    let strict =
        post_attendance(&app, &school, &course_id, "bad-1", "all_or_nothing", "application/json", rows.clone()).await;
    assert_eq!(strict.status, 422, "{}", strict.text);
    assert_eq!(strict.body["code"], "attendance_rejected");
    let fields: Vec<String> = strict.error_fields();
    assert_eq!(
        fields,
        [
            "lines[2].case_reference",
            "lines[3].session_id",
            "lines[4].case_reference",
            "lines[5].status",
            "lines[6].hours"
        ]
    );
    let history = app.get(&format!("/v1/courses/{course_id}/attendance"), Some(&school)).await;
    assert_eq!(history.body["items"], json!([]), "nothing written");
    let lenient = post_attendance(&app, &school, &course_id, "bad-1", "accept_valid", "application/json", rows).await;
    assert_eq!(lenient.status, 200, "a refused all-or-nothing batch is not stored: the key can be used again");
    assert_eq!(lenient.body["accepted"], 1);
    assert_eq!(lenient.body["rejected"].as_array().map(Vec::len), Some(5));
    assert_eq!(lenient.body["rejected"][2]["code"], "duplicate_line");
    assert_eq!(attended(&app, &app.as_cri("CRIPEL"), &reference, 0).await, 3.0);
}

async fn csv_with_a_bom_semicolons_quotes_and_decimal_commas_is_read(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 10).await;
    let (_, reference) = participant(&app, &course_id, 59).await;
    let csv = format!(
        "\u{feff}case_reference;session_id;status;hours;reason\r\n\"{reference}\";{};present;2,5;\"arrivée tardive; bus\"\r\n{reference};{};PRESENT;3;\r\n",
        sessions[0], sessions[1]
    );
    let reply =
        post_attendance(&app, &school, &course_id, "csv-bom", "all_or_nothing", "text/csv; charset=utf-8", csv).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["accepted"], 2);
    assert_eq!(attended(&app, &app.as_cri("CRIPEL"), &reference, 0).await, 5.5);
    let history =
        app.get(&format!("/v1/courses/{course_id}/attendance?session_id={}", sessions[0]), Some(&school)).await;
    assert_eq!(history.body["items"][0]["reason"], "arrivée tardive; bus");
    let no_header =
        post_attendance(&app, &school, &course_id, "csv-bad", "all_or_nothing", "text/csv", "a;b\n".into()).await;
    assert_eq!(no_header.status, 422);
    assert_eq!(no_header.body["errors"][0]["code"], "invalid_csv");
    let xml =
        post_attendance(&app, &school, &course_id, "xml", "all_or_nothing", "application/xml", "<x/>".into()).await;
    assert_eq!(xml.status, 415);
}

async fn the_participant_inquiry_answers_only_its_fields(app: TestApp) {
    let (_, school) = operator(&app, "École A", "0123.456.749").await;
    let (course_id, _) = course(&app, &school, 10).await;
    let (_, reference) = participant(&app, &course_id, 60).await;
    let by_reference =
        app.post("/v1/participants/inquiry", Some(&school), None, &json!({"case_reference": reference})).await;
    assert_eq!(by_reference.status, 200, "{}", by_reference.text);
    let keys: Vec<String> = by_reference.body.as_object().expect("object").keys().cloned().collect();
    assert_eq!(keys, ["axes", "case_reference", "cri", "obliged"]);
    assert_eq!(by_reference.body["obliged"], true);
    assert_eq!(by_reference.body["cri"], "CRIPEL");
    assert_eq!(
        by_reference.body["axes"][0],
        json!({"axis": "french", "required_hours": null, "attended_hours": 0.0, "remaining_hours": null})
    );
    let by_niss =
        app.post("/v1/participants/inquiry", Some(&school), None, &json!({"niss": niss("900510", 120)})).await;
    assert_eq!(by_niss.body, by_reference.body);
    let both = app
        .post(
            "/v1/participants/inquiry",
            Some(&school),
            None,
            &json!({"niss": niss("900510", 120), "case_reference": reference}),
        )
        .await;
    assert_eq!(both.status, 422);
    assert_eq!(
        app.post(
            "/v1/participants/inquiry",
            Some(&app.as_commune("62063")),
            None,
            &json!({"case_reference": reference})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.post("/v1/participants/inquiry", Some(&app.as_cri("CRIC")), None, &json!({"case_reference": reference}))
            .await
            .status,
        404
    );
}

#[test]
fn openapi_contract_matches_the_committed_file() {
    let generated = format!("{}\n", parcours_api::openapi().to_pretty_json().expect("serialise"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    if std::env::var_os("PARCOURS_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(committed == generated, "openapi/openapi.json is stale: run `make openapi` and commit it");
}

#[test]
fn every_operation_has_a_verb_resource_id_a_tag_and_documented_errors() {
    let spec: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            operations += 1;
            let id = op["operationId"].as_str().unwrap_or_default();
            let verb = id.split('_').next().unwrap_or_default();
            assert!(
                ["create", "get", "list", "put", "simulate", "live", "ready"].contains(&verb),
                "{method} {path}: {id}"
            );
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{id} has no responses");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{id} has no tag");
            // `security: []` marks a public endpoint (attestation verification, probes): no token, no 401.
            assert!(op["security"].is_array(), "{id} says neither which token it needs nor that it needs none");
            let needs_token = op["security"]
                .as_array()
                .is_some_and(|requirements| requirements.iter().any(|r| r.as_object().is_some_and(|o| !o.is_empty())));
            if path.starts_with("/v1/") && needs_token {
                assert!(op["responses"].get("401").is_some(), "{id} does not document 401");
            }
        }
    }
    assert_eq!(operations, 157);
}

/// No two types of the API crate give the contract the same schema name: utoipa keeps one of them under the
/// name, and every `$ref` to the other would then describe the wrong shape (it happened to `SessionDto` and
/// `DecisionDto`).
#[test]
fn every_schema_name_belongs_to_one_type() {
    fn rust_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut owners: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source");
        let mut deriving = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") {
                deriving = line.contains("ToSchema");
            } else if deriving && let Some(rest) = line.strip_prefix("pub struct ").or(line.strip_prefix("pub enum ")) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                owners.entry(name).or_default().push(file.display().to_string());
                deriving = false;
            } else if !(line.starts_with("#[") || line.starts_with("///") || line.starts_with("//")) {
                deriving = false;
            }
        }
    }
    assert!(owners.len() > 100, "the API crate's schemas were found");
    let shared: Vec<_> = owners.into_iter().filter(|(_, files)| files.len() > 1).collect();
    assert_eq!(shared, Vec::new(), "schema names given by more than one type");
}

/// Every `$ref` of the contract names a schema it defines: a generator stops at the first that does not.
#[test]
fn every_reference_of_the_contract_resolves() {
    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let spec: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    let mut found = Vec::new();
    refs(&spec, &mut found);
    assert!(found.len() > 100, "the contract refers to its schemas");
    let unresolved: Vec<&str> = found
        .into_iter()
        .filter(|target| {
            let pointer = target.strip_prefix('#').unwrap_or(target);
            spec.pointer(pointer).is_none()
        })
        .collect();
    assert_eq!(unresolved, Vec::<&str>::new());
}

/// `/metrics` is Prometheus text that a Prometheus parser reads: requests by route template (never a path
/// with an id), the pool, the jobs and the feed; with a metrics token, only the scraper that sends it reads.
#[actix_web::test]
async fn metrics_parse_as_prometheus_text_and_name_route_templates_only() {
    use openmetrics_parser::PrometheusValue;
    let app = TestApp::sqlite();
    let created = app.report("62063", &newcomer(450)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let liege = app.as_commune("62063");
    assert_eq!(app.get(&format!("/v1/arrivals/{id}"), Some(&liege)).await.status, 200);
    assert_eq!(app.get(&format!("/v1/arrivals/{id}"), Some(&liege)).await.status, 200);
    assert_eq!(app.get("/v1/nothing-here", None).await.status, 404);
    let invented = actix_web::http::Method::from_bytes(b"BREW").expect("method");
    app.send(TestRequest::default().method(invented).uri("/v1/cris")).await;
    app.run_jobs();
    let metrics = app.get("/metrics", None).await;
    assert_eq!(metrics.status, 200);
    assert_eq!(metrics.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    assert!(!metrics.text.contains(&id), "no id in a label");
    assert!(!metrics.text.contains("9005"), "no national number in a label");
    let exposition = openmetrics_parser::prometheus::parse_prometheus(&metrics.text).expect("Prometheus text format");
    let family = |name: &str| exposition.families.get(name).unwrap_or_else(|| panic!("{name} missing"));
    let of_route = |name: &str, route: &str, status: &str| {
        family(name)
            .iter_samples()
            .find(|s| {
                let s = s.get_labelset().expect("labels");
                s.get_label_value("route") == Some(route)
                    && s.get_label_value("status") == Some(status)
                    && s.get_label_value("method") == Some("GET")
            })
            .map(|s| s.value.clone())
    };
    match of_route("parcours_http_requests_total", "/v1/arrivals/{id}", "200") {
        Some(PrometheusValue::Counter(count)) => assert_eq!(count.value.as_f64(), 2.0),
        other => panic!("requests counter: {other:?}"),
    }
    match of_route("parcours_http_request_duration_seconds", "/v1/arrivals/{id}", "200") {
        Some(PrometheusValue::Histogram(histogram)) => {
            assert_eq!(histogram.buckets.len(), 13, "{histogram:?}");
            assert!(histogram.buckets.windows(2).all(|w| w[0].count.as_f64() <= w[1].count.as_f64()), "cumulative");
            assert_eq!(histogram.count, Some(2));
            assert!(histogram.sum.is_some_and(|sum| sum.as_f64() > 0.0));
        }
        other => panic!("latency histogram: {other:?}"),
    }
    assert!(of_route("parcours_http_requests_total", "(unmatched)", "404").is_some());
    assert!(!metrics.text.contains("BREW"), "an invented method is counted as other");
    assert!(metrics.text.contains("method=\"other\""));
    assert_eq!(family("parcours_db_pool_connections").iter_samples().count(), 2);
    assert!(family("parcours_job_lag_seconds").iter_samples().count() >= 5, "every job kind has its lag");
    assert_eq!(family("parcours_feed_head_position").iter_samples().count(), 1);
    let guarded = TestApp::sqlite_with(support::base_config(&[("PARCOURS_METRICS_TOKEN", "m".repeat(40))]));
    assert_eq!(guarded.get("/metrics", None).await.status, 401);
    assert_eq!(guarded.get("/metrics", Some("wrong-token")).await.status, 401);
    assert_eq!(guarded.get("/metrics", Some(&"m".repeat(40))).await.status, 200);
}

/// Every request but the probes passes two buckets, one per token and one per client address; past either,
/// 429 `too_many_requests` with `Retry-After`, public endpoints included.
#[actix_web::test]
async fn every_request_is_limited_per_token_and_per_client_address_with_retry_after() {
    let app = TestApp::sqlite_with(support::base_config(&[
        ("PARCOURS_RATE_TOKEN_BURST", "3".into()),
        ("PARCOURS_RATE_TOKEN_PER_MINUTE", "1".into()),
        ("PARCOURS_RATE_ADDRESS_BURST", "5".into()),
        ("PARCOURS_RATE_ADDRESS_PER_MINUTE", "1".into()),
    ]));
    let from = |ip: [u8; 4], path: &str, token: Option<&str>| {
        let request = TestRequest::get().uri(path).peer_addr(std::net::SocketAddr::from((ip, 40000)));
        match token {
            Some(token) => request.insert_header(("Authorization", format!("Bearer {token}"))),
            None => request,
        }
    };
    let (liege, namur) = (app.as_commune("62063"), app.as_commune("92094"));
    for _ in 0..3 {
        assert_eq!(app.send(from([192, 0, 2, 1], "/v1/arrivals", Some(&liege))).await.status, 200);
    }
    let limited = app.send(from([192, 0, 2, 1], "/v1/arrivals", Some(&liege))).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["code"], "too_many_requests");
    assert!(limited.header("retry-after").and_then(|s| s.parse::<u32>().ok()).is_some_and(|s| s >= 1));
    assert!(limited.header("x-request-id").is_some(), "rendered like every problem");
    // Another token from the same address: the address's fifth request passes, the sixth does not.
    assert_eq!(app.send(from([192, 0, 2, 1], "/v1/arrivals", Some(&namur))).await.status, 200);
    assert_eq!(app.send(from([192, 0, 2, 1], "/v1/arrivals", Some(&namur))).await.status, 429);
    // The same token from elsewhere is still limited by its own bucket.
    assert_eq!(app.send(from([192, 0, 2, 7], "/v1/arrivals", Some(&liege))).await.status, 429);
    // A public endpoint, without a token, is bounded by the address.
    for _ in 0..5 {
        assert_eq!(app.send(from([192, 0, 2, 9], "/v1/cris", None)).await.status, 200);
    }
    assert_eq!(app.send(from([192, 0, 2, 9], "/v1/cris", None)).await.status, 429);
    // The probes are not limited.
    assert_eq!(app.send(from([192, 0, 2, 9], "/health/live", None)).await.status, 200);
}

/// Each value list the contract declares lands on a property that exists (a renamed field would otherwise
/// lose its enumeration silently), with exactly the domain's codes.
#[test]
fn every_value_list_of_the_domain_is_an_enumeration_of_the_contract() {
    let contract = serde_json::to_value(parcours_api::openapi()).expect("contract as JSON");
    for (schema, property, values) in parcours_api::openapi::value_lists() {
        let field = &contract["components"]["schemas"][schema]["properties"][property];
        let listed: Vec<&str> = field["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.{property} has no enum: {field}"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(listed, values, "{schema}.{property}");
    }
}

/// What a client built against `published` could no longer do against `current`: an operation removed, a
/// field removed from a success answer, a field removed from or newly required in a request body, a
/// parameter newly required, a request value list that lost a value. Each finding names the operation id.
fn breaking_changes(published: &Value, current: &Value) -> Vec<(String, String)> {
    fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
            Some(name) => &spec["components"]["schemas"][name],
            None => schema,
        }
    }
    /// The properties of a schema, its `allOf` parts and its nullable `oneOf` wrapper included.
    fn properties(spec: &Value, schema: &Value) -> serde_json::Map<String, Value> {
        let schema = resolve(spec, schema);
        let mut found = schema["properties"].as_object().cloned().unwrap_or_default();
        for part in ["allOf", "oneOf", "anyOf"] {
            for inner in schema[part].as_array().into_iter().flatten() {
                found.extend(properties(spec, inner));
            }
        }
        found
    }
    fn required(spec: &Value, schema: &Value) -> Vec<String> {
        let schema = resolve(spec, schema);
        let mut found: Vec<String> =
            schema["required"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        for inner in schema["allOf"].as_array().into_iter().flatten() {
            found.extend(required(spec, inner));
        }
        found
    }
    fn enum_values(spec: &Value, schema: &Value) -> Vec<Value> {
        let schema = resolve(spec, schema);
        let direct = schema["enum"].as_array().cloned().unwrap_or_default();
        let nested =
            ["oneOf", "anyOf", "allOf"].iter().flat_map(|part| schema[*part].as_array().cloned().unwrap_or_default());
        direct.into_iter().chain(nested.flat_map(|inner| enum_values(spec, &inner))).collect()
    }
    /// Fields of `old` (at `at`) that `new` lost, followed into nested objects, once per schema name.
    fn lost_fields(
        (old_spec, old): (&Value, &Value),
        (new_spec, new): (&Value, &Value),
        at: &str,
        seen: &mut std::collections::BTreeSet<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(name) = old["$ref"].as_str()
            && !seen.insert(format!("{at}{name}"))
        {
            return;
        }
        let (old_fields, new_fields) = (properties(old_spec, old), properties(new_spec, new));
        for (field, old_schema) in &old_fields {
            match new_fields.get(field) {
                None => found.push(format!("{at}{field} removed")),
                Some(new_schema) => {
                    let (old_item, new_item) = match (old_schema.get("items"), new_schema.get("items")) {
                        (Some(o), Some(n)) => (o, n),
                        _ => (old_schema, new_schema),
                    };
                    lost_fields((old_spec, old_item), (new_spec, new_item), &format!("{at}{field}."), seen, found);
                }
            }
        }
    }
    let mut findings = Vec::new();
    for (path, item) in published["paths"].as_object().into_iter().flatten() {
        for (method, old_op) in item.as_object().into_iter().flatten() {
            let id = old_op["operationId"].as_str().unwrap_or(method).to_owned();
            let Some(new_op) = current["paths"][path].get(method) else {
                findings.push((id, format!("{} {path} removed", method.to_uppercase())));
                continue;
            };
            for (status, old_response) in old_op["responses"].as_object().into_iter().flatten() {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(old_schema) = old_response["content"]["application/json"].get("schema") else { continue };
                let new_schema = &new_op["responses"][status]["content"]["application/json"]["schema"];
                let mut lost = Vec::new();
                lost_fields((published, old_schema), (current, new_schema), "", &mut Default::default(), &mut lost);
                findings.extend(lost.into_iter().map(|f| (id.clone(), format!("answer {status}: {f}"))));
            }
            if let Some(old_body) = old_op["requestBody"]["content"]["application/json"].get("schema") {
                let new_body = &new_op["requestBody"]["content"]["application/json"]["schema"];
                let (old_fields, new_fields) = (properties(published, old_body), properties(current, new_body));
                let old_required = required(published, old_body);
                for field in required(current, new_body) {
                    if !old_required.contains(&field) {
                        findings.push((id.clone(), format!("request: {field} newly required")));
                    }
                }
                for (field, old_field) in &old_fields {
                    match new_fields.get(field) {
                        None => findings.push((id.clone(), format!("request: {field} removed"))),
                        Some(new_field) => {
                            let kept = enum_values(current, new_field);
                            for value in enum_values(published, old_field) {
                                if !kept.is_empty() && !kept.contains(&value) {
                                    findings.push((id.clone(), format!("request: {field} no longer accepts {value}")));
                                }
                            }
                        }
                    }
                }
            }
            let old_params: Vec<&str> = old_op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["required"] == true)
                .filter_map(|p| p["name"].as_str())
                .collect();
            for parameter in new_op["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                if parameter["required"] == true && !old_params.contains(&name) {
                    findings.push((id.clone(), format!("parameter {name} newly required")));
                }
            }
        }
    }
    findings
}

/// `openapi/published.json` is the contract as last released (`make openapi-publish`). A change that breaks a
/// client of a published operation fails here until `docs/changelog.md` has a **breaking** line naming the
/// operation id, so that integrators read about it before they meet it.
#[test]
fn no_breaking_change_to_a_published_operation_unless_the_changelog_says_so() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let published: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}openapi/published.json")).expect("published.json"),
    )
    .expect("published.json parses");
    let current: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    let changelog = std::fs::read_to_string(format!("{root}docs/changelog.md")).expect("changelog");
    let announced = |id: &str| {
        changelog.lines().any(|line| line.to_lowercase().contains("**breaking**") && line.contains(&format!("`{id}`")))
    };
    let unannounced: Vec<String> = breaking_changes(&published, &current)
        .into_iter()
        .filter(|(id, _)| !announced(id))
        .map(|(id, change)| format!("{id}: {change}"))
        .collect();
    assert!(
        unannounced.is_empty(),
        "breaking changes to published operations that docs/changelog.md does not announce (a line with **breaking** \
         and the operation id in backquotes), or undo them:\n{}",
        unannounced.join("\n")
    );
}

#[test]
fn the_breaking_change_check_sees_a_removed_operation_a_removed_field_and_a_new_required_field() {
    let published: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    assert_eq!(breaking_changes(&published, &published), Vec::new(), "a contract does not break itself");
    let mut current = published.clone();
    let schemas = &mut current["components"]["schemas"];
    schemas["CaseResponse"]["properties"].as_object_mut().expect("properties").remove("state");
    schemas["OperatorRequest"]["required"].as_array_mut().expect("required").push(json!("contact_phone"));
    current["paths"]["/v1/operators/{id}"].as_object_mut().expect("item").remove("get");
    let findings = breaking_changes(&published, &current);
    let has = |id: &str, change: &str| findings.iter().any(|(i, c)| i == id && c == change);
    assert!(has("get_case", "answer 200: state removed"), "{findings:?}");
    assert!(has("create_operator", "request: contact_phone newly required"), "{findings:?}");
    assert!(findings.iter().any(|(_, c)| c == "GET /v1/operators/{id} removed"), "{findings:?}");
    // Additions break nobody.
    let mut extended = published.clone();
    extended["components"]["schemas"]["CaseResponse"]["properties"]["new_field"] = json!({"type": "string"});
    assert_eq!(breaking_changes(&published, &extended), Vec::new());
}

/// What generators need from the contract: every date a `format` (`date` or `date-time`), so that clients
/// get date types; every file (PDF, ZIP, CSV) `type: string, format: binary`, so that they get bytes.
#[test]
fn every_date_has_a_format_and_every_file_is_binary() {
    fn dated(name: &str) -> bool {
        name == "date"
            || ["_date", "_on", "_at", "_until", "_from", "_before", "_since"].iter().any(|end| name.ends_with(end))
    }
    // Named like dates, but not dates: the commune codes in force on a reference date.
    const NOT_DATES: [&str; 2] = ["DomicileCodesDto.on_reference_date", "ParameterReviewItemDto.status_before"];
    let spec: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    let is_string = |schema: &Value| schema["type"] == "string" || schema["type"] == json!(["string", "null"]);
    let mut missing = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().expect("schemas") {
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            let qualified = format!("{name}.{field}");
            if dated(field)
                && is_string(property)
                && property.get("format").is_none()
                && !NOT_DATES.contains(&qualified.as_str())
            {
                missing.push(qualified);
            }
        }
    }
    let mut files = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                if dated(name) && is_string(&parameter["schema"]) && parameter["schema"].get("format").is_none() {
                    missing.push(format!("{method} {path} ?{name}"));
                }
            }
            let bodies = operation["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .flat_map(|(_, response)| response["content"].as_object().cloned().unwrap_or_default())
                .chain(operation["requestBody"]["content"].as_object().cloned().unwrap_or_default());
            for (content_type, content) in bodies {
                if ["application/pdf", "application/zip", "text/csv"].contains(&content_type.as_str()) {
                    files += 1;
                    assert_eq!(
                        (content["schema"]["type"].as_str(), content["schema"]["format"].as_str()),
                        (Some("string"), Some("binary")),
                        "{method} {path}: {content_type}"
                    );
                }
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new(), "dates without a format");
    assert!(files >= 13, "the letters, the access package and the CSV attendance are files: {files}");
}

/// Every value list of the contract names a property or parameter that exists and has it as its `enum`, and
/// every value is one the code writes or reads (a literal the sources hold outside the list itself): a list
/// that drifts from the code fails here rather than in an integrator's generated client.
#[test]
fn every_listed_value_is_one_the_code_knows() {
    fn sources(dir: &std::path::Path, text: &mut String) {
        for entry in std::fs::read_dir(dir).expect("directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, text);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("openapi.rs") {
                text.push_str(&std::fs::read_to_string(&path).expect("source"));
            }
        }
    }
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut code = String::new();
    for krate in ["parcours-domain", "parcours-store", "parcours-api", "parcours-documents"] {
        sources(&crates.join(krate).join("src"), &mut code);
    }
    let spec: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    let mut unknown = Vec::new();
    for (schema, property, values) in parcours_api::openapi::value_lists() {
        let declared = &spec["components"]["schemas"][schema]["properties"][property]["enum"];
        assert!(declared.is_array(), "{schema}.{property} is not in the contract with its list");
        unknown.extend(
            values.iter().filter(|v| !code.contains(&format!("\"{v}\""))).map(|v| format!("{schema}.{property}: {v}")),
        );
    }
    for (operation, parameter, values) in parcours_api::openapi::parameter_value_lists() {
        let found = spec["paths"]
            .as_object()
            .expect("paths")
            .values()
            .flat_map(|item| item.as_object().cloned().unwrap_or_default())
            .any(|(_, op)| {
                op["operationId"] == operation
                    && op["parameters"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["name"] == parameter && p["schema"]["enum"].is_array()))
            });
        assert!(found, "{operation} ?{parameter} is not in the contract with its list");
        unknown.extend(
            values
                .iter()
                .filter(|v| !code.contains(&format!("\"{v}\"")))
                .map(|v| format!("{operation} ?{parameter}: {v}")),
        );
    }
    assert_eq!(unknown, Vec::<String>::new(), "listed values the code never reads or writes");
}

/// Every schema and every property says what it is (a nullable reference says it on the reference), and every
/// problem answer has an example of its own status, with a code the operation answers with: not the one
/// example of the `Problem` schema everywhere.
#[test]
fn every_schema_is_described_and_every_problem_answer_has_an_example_of_its_status() {
    let spec: Value = serde_json::from_str(&parcours_api::openapi().to_json().expect("json")).expect("parse");
    let described = |schema: &Value| {
        schema.get("description").is_some_and(|d| d.as_str().is_some_and(|d| !d.trim().is_empty()))
            || ["oneOf", "allOf", "anyOf"].iter().any(|part| {
                schema[*part].as_array().is_some_and(|parts| parts.iter().any(|p| p.get("description").is_some()))
            })
            || schema.get("$ref").is_some()
    };
    let mut undescribed = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().expect("schemas") {
        if !described(schema) {
            undescribed.push(name.clone());
        }
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            if !described(property) {
                undescribed.push(format!("{name}.{field}"));
            }
        }
    }
    assert_eq!(undescribed, Vec::<String>::new(), "schemas and properties without a description");
    let mut codes = std::collections::BTreeSet::new();
    let mut problems = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("item") {
            for (status, response) in operation["responses"].as_object().expect("responses") {
                let Some(content) = response["content"].get("application/problem+json") else { continue };
                problems += 1;
                let example = &content["example"];
                assert_eq!(example["status"].to_string(), *status, "{method} {path} {status}: {example}");
                let code = example["code"].as_str().unwrap_or_default();
                assert!(
                    !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{method} {path} {status}: code {code:?}"
                );
                assert_eq!(example["type"], format!("urn:parcours:problem:{code}"), "{method} {path} {status}");
                // A 409 has no usual code: its description names the one it answers with.
                if status == "409" {
                    let description = response["description"].as_str().unwrap_or_default();
                    assert!(
                        description.contains(&format!("`{code}`")),
                        "{method} {path} 409 names no code: {description}"
                    );
                }
                codes.insert(code.to_owned());
            }
        }
    }
    assert!(problems > 900, "problem answers: {problems}");
    assert!(codes.len() > 40, "examples name the codes the operations answer with, not one for all: {}", codes.len());
}
