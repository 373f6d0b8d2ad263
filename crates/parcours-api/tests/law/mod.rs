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
);

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
