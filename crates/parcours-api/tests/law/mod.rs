//! The law as it changes, through the API: communes across the 2019 renumbering and the 2025 merger
//! (rule 8.2), on both backends.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use super::support::{self, TestApp};
use super::{newcomer, with};
use crate::on_both_backends;

on_both_backends!(
    bastogne_reports_under_its_2025_code_a_card_ordered_in_2024_and_the_answer_names_both_codes,
    a_token_for_a_commune_code_no_longer_in_force_is_refused_with_the_code_to_use,
    a_national_number_whose_date_is_partial_or_impossible_must_still_agree_with_the_birth_date,
    french_is_waived_only_from_the_level_the_parameter_sets_and_a_legal_stay_after_the_order_is_refused,
    only_the_region_sets_a_parameter_from_today_on_with_its_source_and_the_history_is_kept,
    a_new_value_takes_effect_on_its_date_and_old_determinations_stay_as_communicated,
    the_review_job_names_the_open_cases_a_new_value_would_change_to_their_cri_only,
    the_commune_fetches_the_information_letter_with_the_cri_address_and_the_deadline,
    the_region_sets_the_r2024_dispensation_list_and_a_special_card_from_a_date,
    the_letter_adds_a_page_in_the_persons_language_when_the_service_offers_it,
);

async fn the_letter_adds_a_page_in_the_persons_language_when_the_service_offers_it(app: TestApp) {
    let commune = ("Authorization", format!("Bearer {}", app.as_commune("62063")));
    let mut pages = Vec::new();
    for (sequence, language) in [(412, "en"), (413, "ar")] {
        let body = with(newcomer(sequence), json!({"contact": {"language": language}}));
        let reply = app.report("62063", &body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        let url = reply.body["letter_url"].as_str().expect("letter").to_owned();
        let (status, pdf) = app.send_raw(TestRequest::get().uri(&url).insert_header(commune.clone())).await;
        assert_eq!(status, 200);
        pages.push(support::pdf_text(&pdf).map(|text| {
            text.split('\u{c}')
                .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|page| !page.is_empty())
                .collect::<Vec<_>>()
        }));
    }
    if let [Some(english), Some(arabic)] = &pages[..] {
        assert_eq!(english.len(), 2, "French, then English");
        assert!(english[0].contains("Au plus tard le"), "{}", english[0]);
        assert!(english[1].contains("at the latest") && english[1].contains("EL AMRANI Samira"), "{}", english[1]);
        assert_eq!(arabic.len(), 1, "no Arabic translation ships: French only");
    }
    // A service configured for French only prints one page whatever the language.
    let french_only = TestApp::sqlite_with(support::base_config(&[("PARCOURS_LETTER_LANGUAGES", String::new())]));
    let reply = french_only.report("62063", &with(newcomer(414), json!({"contact": {"language": "en"}}))).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let url = reply.body["letter_url"].as_str().expect("letter").to_owned();
    let token = ("Authorization", format!("Bearer {}", french_only.as_commune("62063")));
    let (_, pdf) = french_only.send_raw(TestRequest::get().uri(&url).insert_header(token)).await;
    if let Some(text) = support::pdf_text(&pdf) {
        assert!(!text.contains("at the latest"), "{text}");
    }
    let refused = parcours_api::config::Config::from_lookup(|name| {
        (name == "PARCOURS_LETTER_LANGUAGES").then(|| "en, ar".to_owned())
    });
    assert!(refused.is_err_and(|e| e.0.contains("`ar`")));
}

async fn the_region_sets_the_r2024_dispensation_list_and_a_special_card_from_a_date(app: TestApp) {
    let simulate = |facts: Value| {
        let app = &app;
        async move {
            let reply = app.post("/v1/determinations/simulate", Some(&app.as_cri("CRIPEL")), None, &facts).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            reply.body["determination"].clone()
        }
    };
    let student = |order: &str| {
        json!({"birth_date": "1990-05-10", "nationality": "MAR", "residence_document": "B", "title_order_date": order,
               "first_registration_date": order, "legal_stay_start": order, "domicile_nis": "62063",
               "claimed_dispensations": ["D6"]})
    };
    assert_eq!(simulate(student("2026-12-15")).await["pending_claims"], json!(["D6"]));

    // The list without D6, and special cards counted as titles, from 2026-12-20.
    let list = json!({"valid_from": "2026-12-20", "value": "D1, D2, D3, D4, D5, D7, D8, D9, D10",
                      "legal_source": "CWASS art. 152/7 §3 (décret du 14 mars 2024)", "reason": "Liste de 2024 lue sur wallex"});
    let created = app.send(region(set_value("r2024_dispensations", list), &app)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let bad =
        json!({"valid_from": "2026-12-20", "value": "D1, D42", "legal_source": "x", "reason": "Une dispense inconnue"});
    let refused = app.send(region(set_value("r2024_dispensations", bad), &app)).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let cards = json!({"valid_from": "2026-12-20", "value": "false", "legal_source": "Circulaire du 1er décembre 2026",
                       "reason": "Le personnel diplomatique inscrit suit le parcours"});
    assert_eq!(app.send(region(set_value("special_identity_card_not_concerned", cards), &app)).await.status, 201);

    app.state.clock.set("2026-12-21T10:00:00Z".parse().expect("instant"));
    let after = simulate(student("2026-12-20")).await;
    assert_eq!(after["pending_claims"], json!([]));
    assert!(after.to_string().contains("DISPENSATION_NOT_IN_REGIME"), "{after}");
    assert_eq!(simulate(student("2026-12-19")).await["pending_claims"], json!(["D6"]), "earlier orders keep the list");
    let diplomat = |order: &str| {
        json!({"birth_date": "1990-05-10", "nationality": "MAR", "residence_document": "special_identity_card",
               "title_order_date": order, "first_registration_date": order, "legal_stay_start": order,
               "domicile_nis": "62063"})
    };
    assert_eq!(simulate(diplomat("2026-12-20")).await["status"], "obliged");
    assert_eq!(simulate(diplomat("2026-12-19")).await["status"], "not_concerned");
}

async fn the_commune_fetches_the_information_letter_with_the_cri_address_and_the_deadline(app: TestApp) {
    let settings = TestRequest::put()
        .uri("/v1/cri-settings")
        .insert_header(("Authorization", format!("Bearer {}", app.as_cri("CRIPEL"))))
        .set_json(json!({"office_address": "Place Xavier Neujean 19b\n4000 Liège", "signatory_name": "Marie Dupont",
                         "signatory_function": "Directrice"}));
    assert_eq!(app.send(settings).await.status, 200);
    let reply = app.report("62063", &newcomer(410)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let url = reply.body["letter_url"].as_str().expect("letter linked").to_owned();
    let present_by = reply.body["determination"]["deadlines"][0]["date"].as_str().expect("deadline").to_owned();

    let commune = ("Authorization", format!("Bearer {}", app.as_commune("62063")));
    let (status, pdf) = app.send_raw(TestRequest::get().uri(&url).insert_header(commune.clone())).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = support::pdf_text(&pdf) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (y, m, d) = (&present_by[0..4], &present_by[5..7], &present_by[8..10]);
        assert!(flat.contains(&format!("Au plus tard le {d}/{m}/{y}")), "{flat}");
        assert!(flat.contains("Place Xavier Neujean 19b") && flat.contains("4000 Liège"), "{flat}");
        assert!(flat.contains("EL AMRANI Samira"), "{flat}");
    }
    // Another commune cannot fetch it; a person outside the pathway has no letter.
    let other = app.get(&url, Some(&app.as_commune("52011"))).await;
    assert_eq!(other.status, 404);
    let eu = app.report("62063", &with(newcomer(411), json!({"nationality": "FRA"}))).await;
    assert_eq!(eu.status, 201, "{}", eu.text);
    if let Some(url) = eu.body["letter_url"].as_str() {
        // An exempt person may still follow the pathway voluntarily: the letter says so.
        let (status, _) = app.send_raw(TestRequest::get().uri(url).insert_header(commune)).await;
        assert_eq!(status, 200);
    }
}

fn set_value(name: &str, body: Value) -> TestRequest {
    TestRequest::post().uri(&format!("/v1/parameters/{name}/values")).set_json(body)
}

fn region(request: TestRequest, app: &TestApp) -> TestRequest {
    request.insert_header(("Authorization", format!("Bearer {}", app.as_region())))
}

fn simulation(order: &str) -> Value {
    json!({
        "birth_date": "1990-05-10", "nationality": "MAR", "residence_document": "F",
        "title_order_date": order, "first_registration_date": order, "legal_stay_start": order,
        "domicile_nis": "62063", "family_link": "non_mobile_belgian"
    })
}

async fn simulated_status(app: &TestApp, order: &str) -> String {
    let reply = app.post("/v1/determinations/simulate", Some(&app.as_cri("CRIPEL")), None, &simulation(order)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body["determination"]["status"].as_str().expect("status").to_owned()
}

async fn only_the_region_sets_a_parameter_from_today_on_with_its_source_and_the_history_is_kept(app: TestApp) {
    let body = json!({"valid_from": "2027-01-01", "value": "75", "legal_source": "AGW du 10 décembre 2026, art. 3",
                      "reason": "Seuil fixé par le Gouvernement"});
    for token in [app.as_commune("62063"), app.as_cri("CRIPEL")] {
        let reply = app
            .send(
                set_value("attendance_threshold_percent", body.clone())
                    .insert_header(("Authorization", format!("Bearer {token}"))),
            )
            .await;
        assert_eq!(reply.status, 403, "{}", reply.text);
    }
    let past = app
        .send(region(
            set_value("attendance_threshold_percent", with(body.clone(), json!({"valid_from": "2026-12-14"}))),
            &app,
        ))
        .await;
    assert_eq!(past.status, 422, "{}", past.text);
    assert_eq!(past.body["errors"][0]["code"], "effective_date_in_the_past");
    let wrong = app
        .send(region(set_value("attendance_threshold_percent", with(body.clone(), json!({"value": "180"}))), &app))
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert_eq!(wrong.body["errors"][0]["code"], "invalid_parameter_value");
    let unknown = app.send(region(set_value("speed_limit", body.clone()), &app)).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    let no_source = app
        .send(region(set_value("attendance_threshold_percent", with(body.clone(), json!({"legal_source": ""}))), &app))
        .await;
    assert_eq!(no_source.status, 422, "{}", no_source.text);

    let created = app.send(region(set_value("attendance_threshold_percent", body.clone()), &app)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["value_today"], "80 %", "the value applies from 2027 only");
    let corrected =
        app.send(region(set_value("attendance_threshold_percent", with(body, json!({"value": "70"}))), &app)).await;
    assert_eq!(corrected.status, 201, "{}", corrected.text);

    let list = app.get("/v1/parameters", None).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let threshold = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["name"] == "attendance_threshold_percent")
        .expect("parameter")
        .clone();
    let versions = threshold["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 3, "{threshold}");
    assert_eq!(versions[0]["origin"], "built_in");
    assert_eq!((versions[1]["value"].as_str(), versions[1]["superseded_at"].is_null()), (Some("75"), false));
    assert_eq!((versions[2]["value"].as_str(), versions[2]["recorded_by"].as_str()), (Some("70"), Some("region:SPW")));
    assert_eq!(versions[2]["legal_source"], "AGW du 10 décembre 2026, art. 3");
    for version in &versions[1..] {
        let audit = app.audit_for(version["id"].as_str().expect("id"));
        assert_eq!(audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["create_parameter_value"]);
    }
}

async fn a_new_value_takes_effect_on_its_date_and_old_determinations_stay_as_communicated(app: TestApp) {
    let reported = app
        .report("62063", &with(newcomer(407), json!({"residence_document": "F", "family_link": "non_mobile_belgian"})))
        .await;
    assert_eq!(reported.status, 201, "{}", reported.text);
    assert_eq!(reported.body["determination"]["status"], "obliged");
    let person = reported.body["person"]["id"].as_str().expect("person").to_owned();

    let body = json!({"valid_from": "2026-12-25", "value": "true", "legal_source": "Décret du 10 décembre 2026, art. 2",
                      "reason": "Famille de Belges sédentaires assimilée"});
    let created = app.send(region(set_value("family_of_non_mobile_belgian_exempt", body), &app)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(simulated_status(&app, "2026-12-15").await, "obliged", "before its date");

    app.state.clock.set("2026-12-26T10:00:00Z".parse().expect("instant"));
    assert_eq!(simulated_status(&app, "2026-12-25").await, "exempt", "a reference date from the value's date on");
    assert_eq!(simulated_status(&app, "2026-12-24").await, "obliged", "an earlier reference date keeps the old value");

    let history = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    let items = history.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", history.text);
    assert_eq!(items[0]["determination"]["status"], "obliged", "never rewritten");
}

async fn the_review_job_names_the_open_cases_a_new_value_would_change_to_their_cri_only(app: TestApp) {
    let ordered_today = json!({"residence_document": "F", "family_link": "non_mobile_belgian",
        "title_order_date": "2026-12-15", "first_registration_date": "2026-12-01", "legal_stay_start": "2026-11-20"});
    let affected = app.report("62063", &with(newcomer(408), ordered_today)).await;
    assert_eq!(affected.status, 201, "{}", affected.text);
    let affected_case = affected.body["case"]["id"].as_str().expect("case").to_owned();
    // Ordered in June: the new value, from today, does not reach this person's reference date.
    let untouched = app
        .report("62063", &with(newcomer(409), json!({"residence_document": "F", "family_link": "non_mobile_belgian"})))
        .await;
    assert_eq!(untouched.status, 201, "{}", untouched.text);

    let body = json!({"valid_from": "2026-12-15", "value": "true", "legal_source": "Décret du 10 décembre 2026, art. 2",
                      "reason": "Famille de Belges sédentaires assimilée"});
    let created = app.send(region(set_value("family_of_non_mobile_belgian_exempt", body), &app)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let runs = app.run_jobs();
    assert!(runs.iter().any(|r| r.outcome.contains("1 open case(s) to review")), "{runs:?}");

    let cripel = app.get("/v1/parameter-reviews", Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(cripel.status, 200, "{}", cripel.text);
    let items = cripel.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{}", cripel.text);
    assert_eq!(items[0]["case_id"], affected_case.as_str());
    assert_eq!(
        (items[0]["status_before"].as_str(), items[0]["status_after"].as_str()),
        (Some("obliged"), Some("exempt"))
    );
    assert!(items[0]["changes"].as_array().expect("changes").iter().any(|c| c == "status: obliged -> exempt"));
    assert!(!cripel.text.contains("El Amrani"), "no personal data in the review list");
    let other_cri = app.get("/v1/parameter-reviews", Some(&app.as_cri("CRIC"))).await;
    assert_eq!(other_cri.body["items"], json!([]));
    let region_view = app.get("/v1/parameter-reviews", Some(&app.as_region())).await;
    assert_eq!(region_view.body["items"].as_array().map(Vec::len), Some(1));
    let commune = app.get("/v1/parameter-reviews", Some(&app.as_commune("62063"))).await;
    assert_eq!(commune.status, 403);
    // A second run finds nothing new.
    let again = app.run_jobs();
    assert!(again.iter().any(|r| r.outcome == "ok: no new parameter value"), "{again:?}");
}

async fn french_is_waived_only_from_the_level_the_parameter_sets_and_a_legal_stay_after_the_order_is_refused(
    app: TestApp,
) {
    let late_stay = with(newcomer(405), json!({"legal_stay_start": "2026-07-01"}));
    let reply = app.report("62063", &late_stay).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["errors"][0]["field"], "legal_stay_start");
    assert_eq!(reply.body["errors"][0]["code"], "legal_stay_after_title_order");

    let (case, _, v) = super::obliged_case(&app, 406).await;
    let t = super::today();
    let mut v = v;
    for (path, body) in [
        ("presentation", json!({"date": t})),
        ("rights-information", json!({"date": t, "format": "individual"})),
        ("social-assessment", json!({"date": t, "needs": []})),
        ("french-test", json!({"date": t, "tool": "ELAO", "level": "A1"})),
    ] {
        v = super::step(&app, "CRIPEL", &case, path, v, body).await;
    }
    let waive = json!({"signed_on": t, "french": "waived", "orientation_needed": false});
    let refused = super::change(&app, "CRIPEL", &case, "convention", v, waive.clone()).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["errors"][0]["code"], "french_level_below_waiver");
    assert!(refused.text.contains("A2"), "{}", refused.text);
    v = super::step(&app, "CRIPEL", &case, "french-test", v, json!({"date": t, "tool": "ELAO", "level": "A2"})).await;
    let signed = super::change(&app, "CRIPEL", &case, "convention", v, waive).await;
    assert_eq!(signed.status, 200, "{}", signed.text);
}

async fn a_national_number_whose_date_is_partial_or_impossible_must_still_agree_with_the_birth_date(app: TestApp) {
    for (niss, birth_date) in [("40.00.00-955.79", "1990-03-01"), ("00.02.29-127.84", "2000-02-29")] {
        let body = with(newcomer(404), json!({"niss": niss, "birth_date": birth_date, "sex": "male"}));
        let reply = app.report("62063", &body).await;
        assert_eq!(reply.status, 422, "{niss}: {}", reply.text);
        assert_eq!(reply.body["errors"][0]["field"], "birth_date", "{niss}");
        assert_eq!(reply.body["errors"][0]["code"], "niss_birth_date_mismatch", "{niss}");
    }
    // The same partial number with a birth date of its year is accepted (the register allows 00).
    let body = with(newcomer(404), json!({"niss": "40.00.00-955.79", "birth_date": "1940-03-01", "sex": "male"}));
    let reply = app.report("62063", &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["determination"]["status"], "dispensed", "65 or over: D4");
}

async fn bastogne_reports_under_its_2025_code_a_card_ordered_in_2024_and_the_answer_names_both_codes(app: TestApp) {
    let order_2024 = json!({
        "domicile_nis": "82039", "title_order_date": "2024-09-02", "first_registration_date": "2024-08-20",
        "legal_stay_start": "2024-08-01"
    });
    let reply = app.report("82039", &with(newcomer(401), order_2024.clone())).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let determination = &reply.body["determination"];
    assert_eq!(determination["status"], "obliged");
    assert_eq!(determination["competent_cri"]["code"], "CRILUX");
    assert_eq!(
        determination["domicile"],
        json!({"reported": "82039", "on_reference_date": "82003", "on_reference_date_name": "Bastogne",
               "in_force_today": "82039", "in_force_today_name": "Bastogne"})
    );
    assert!(super::reason_codes(determination).contains(&"COMMUNE_CODE_CHANGED".to_owned()));

    // Bastogne may also report a resident under the code of Bertogne, merged into it.
    let bertogne = with(newcomer(402), with(order_2024, json!({"domicile_nis": "82005"})));
    let reply = app.report("82039", &bertogne).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["determination"]["domicile"]["on_reference_date"], "82005");
    assert_eq!(reply.body["determination"]["domicile"]["in_force_today"], "82039");

    // For a card ordered after the merger, the old code names its replacement.
    let after = with(newcomer(403), json!({"domicile_nis": "82005"}));
    let reply = app.report("82039", &after).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["errors"][0]["code"], "commune_not_in_force");
    assert!(reply.text.contains("remplacé par 82039 (Bastogne)"), "{}", reply.text);

    // A pre-2019 Hainaut code is a commune, read through its renumbering.
    let simulate = TestRequest::post()
        .uri("/v1/determinations/simulate")
        .insert_header(("Authorization", format!("Bearer {}", app.as_cri("CeRAIC"))))
        .set_json(json!({
            "birth_date": "1990-05-10", "nationality": "MAR", "residence_document": "B",
            "title_order_date": "2018-03-01", "first_registration_date": "2018-02-15",
            "legal_stay_start": "2018-02-01", "domicile_nis": "55022"
        }));
    let reply = app.send(simulate).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let determination: &Value = &reply.body["determination"];
    assert_eq!(determination["competent_cri"]["code"], "CeRAIC", "{}", reply.text);
    assert_eq!(determination["domicile"]["on_reference_date_name"], "La Louvière");
    assert_eq!(determination["domicile"]["in_force_today"], "58001");
}

async fn a_token_for_a_commune_code_no_longer_in_force_is_refused_with_the_code_to_use(app: TestApp) {
    let minted = parcours_api::auth::mint(&app.config, "test", "commune:82003", &["commune_agent".into()], 600);
    assert!(minted.as_ref().is_err_and(|e| e.contains("82039")), "{minted:?}");

    // A token minted elsewhere (or before the merger) stops working once the code is no longer in force.
    let parcours_api::config::KeyConfig::Hmac { secret } = &app.config.keys else { return };
    let now = chrono::Utc::now().timestamp() as u64;
    let claims = parcours_api::auth::Claims {
        sub: "test".into(),
        iss: app.config.jwt_issuer.clone(),
        aud: app.config.jwt_audience.clone(),
        exp: now + 600,
        nbf: Some(now),
        iat: Some(now),
        org: "commune:82003".into(),
        roles: vec!["commune_agent".into()],
    };
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("token");
    let reply = app.get("/v1/arrivals", Some(&token)).await;
    assert_eq!(reply.status, 403, "{}", reply.text);
    assert!(reply.text.contains("82039"), "{}", reply.text);
}
