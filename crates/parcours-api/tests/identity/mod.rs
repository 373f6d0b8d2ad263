//! A person's identity through time, through the API (issue: any commune could rewrite a name another
//! organisation reported): reports kept as made, conflicts for the CRI, versioned updates by the commune
//! of the domicile or the competent CRI, duplicate candidates and merges. On both backends.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use super::support::{self, TestApp};
use super::{newcomer, niss, today, with};
use crate::on_both_backends;

on_both_backends!(
    a_report_never_rewrites_an_identity_another_commune_reported_and_the_cri_resolves_the_conflict,
    only_the_commune_of_domicile_or_the_competent_cri_update_an_identity_with_its_version,
    a_bis_number_and_a_national_number_of_one_person_are_candidates_and_merge_keeping_both_histories,
);

fn identity_update(app: &TestApp, token: &str, person: &str, version: Option<&str>, body: Value) -> TestRequest {
    let mut req = TestRequest::post()
        .uri(&format!("/v1/persons/{person}/identities"))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .set_json(body);
    if let Some(version) = version {
        req = req.insert_header(("If-Match", format!("\"{version}\"")));
    }
    let _ = app;
    req
}

async fn timeline_kinds(app: &TestApp, cri: &str, case: &str) -> Vec<String> {
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&app.as_cri(cri))).await;
    assert_eq!(timeline.status, 200, "{}", timeline.text);
    timeline.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["kind"].as_str().expect("kind").to_owned())
        .collect()
}

async fn a_report_never_rewrites_an_identity_another_commune_reported_and_the_cri_resolves_the_conflict(app: TestApp) {
    // Liège reports Samira El Amrani; Charleroi reports the same national number and birth date with
    // another surname (she moved and the register there writes her married name).
    let liege = app.report("62063", &newcomer(420)).await;
    assert_eq!(liege.status, 201, "{}", liege.text);
    assert_eq!(liege.body["identity_conflict"], Value::Null);
    let person = liege.body["person"]["id"].as_str().expect("person").to_owned();
    let charleroi_body = with(newcomer(420), json!({"surname": "Benali", "domicile_nis": "52011"}));
    let charleroi = app.report("52011", &charleroi_body).await;
    assert_eq!(charleroi.status, 201, "accepted, not refused: {}", charleroi.text);
    assert_eq!(charleroi.body["person"]["id"], person.as_str());
    assert_eq!(charleroi.body["person"]["surname"], "Benali", "the arrival shows what Charleroi reported");
    assert_eq!(charleroi.body["identity_conflict"]["fields"], json!(["surname"]));
    assert_eq!(charleroi.body["identity_conflict"]["resolved"], false);
    assert!(!charleroi.text.contains("El Amrani"), "the known name is not disclosed to the reporter");
    let case = charleroi.body["case"]["id"].as_str().expect("case moved").to_owned();
    assert_eq!(charleroi.body["case"]["cri"], "CRIC");

    // Liège's own arrival still shows what Liège reported.
    let liege_id = liege.body["id"].as_str().expect("arrival");
    let own = app.get(&format!("/v1/arrivals/{liege_id}"), Some(&app.as_commune("62063"))).await;
    assert_eq!(own.body["person"]["surname"], "El Amrani");
    assert_eq!(own.body["identity_conflict"], Value::Null);

    // The CRI now holding the case sees the conflict, in its list and its feed; the CRI that lost the
    // case by the transfer does not.
    let cric = app.as_cri("CRIC");
    let conflicts = app.get("/v1/identity-conflicts", Some(&cric)).await;
    assert_eq!(conflicts.status, 200, "{}", conflicts.text);
    let items = conflicts.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["reported"]["surname"], "Benali");
    assert_eq!(items[0]["current"]["surname"], "El Amrani");
    assert_eq!(items[0]["fields"], json!(["surname"]));
    let conflict = items[0]["id"].as_str().expect("id").to_owned();
    let cripel = app.get("/v1/identity-conflicts", Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(cripel.body["items"], json!([]));
    assert!(timeline_kinds(&app, "CRIC", &case).await.contains(&"identity_conflict_flagged".to_owned()));
    let case_view = app.get(&format!("/v1/cases/{case}"), Some(&cric)).await;
    assert_eq!(case_view.body["person"]["surname"], "El Amrani", "the current identity is unchanged");
    assert_eq!(case_view.body["commune_nis"], "52011", "Charleroi is her commune of domicile now");

    // Another CRI cannot resolve it; CRIC adopts the reported name after seeing the residence card.
    let path = format!("/v1/identity-conflicts/{conflict}/resolution");
    let body = json!({"resolution": "adopt_reported", "reason": "Carte de séjour vue au bureau d'accueil"});
    assert_eq!(app.post(&path, Some(&app.as_cri("CRIPEL")), None, &body).await.status, 404);
    let short = app.post(&path, Some(&cric), None, &json!({"resolution": "adopt_reported", "reason": "ok"})).await;
    assert_eq!(short.status, 422);
    let unknown = app.post(&path, Some(&cric), None, &json!({"resolution": "merge", "reason": "pas une option"})).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    let resolved = app.post(&path, Some(&cric), None, &body).await;
    assert_eq!(resolved.status, 201, "{}", resolved.text);
    assert_eq!(resolved.body["person"]["surname"], "Benali");
    assert_eq!(resolved.body["person"]["identity_version"], 2);
    assert_eq!(resolved.body["conflict"]["resolution"], "adopt_reported");
    let again = app.post(&path, Some(&cric), None, &body).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["code"], "identity_conflict_already_resolved");
    assert_eq!(app.get("/v1/identity-conflicts", Some(&cric)).await.body["items"], json!([]));
    assert_eq!(
        app.get("/v1/identity-conflicts?status=all", Some(&cric)).await.body["items"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(timeline_kinds(&app, "CRIC", &case).await.contains(&"identity_updated".to_owned()));

    // The history keeps all three: Liège's report (version 1), Charleroi's as made, the adopted version.
    let history = app.get(&format!("/v1/persons/{person}/identities"), Some(&cric)).await;
    assert_eq!(history.status, 200, "{}", history.text);
    assert_eq!(history.etag_version(), Some(2));
    let rows: Vec<(Value, Value, Value)> = history.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|row| (row["version"].clone(), row["source"].clone(), row["surname"].clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (json!(1), json!("report"), json!("El Amrani")),
            (Value::Null, json!("report"), json!("Benali")),
            (json!(2), json!("conflict_resolution"), json!("Benali")),
        ]
    );
    // Now the commune of her domicile is Charleroi: it corrects her identity, Liège no longer does.
    let correction = json!({"surname": "Benali-El Amrani", "given_names": "Samira", "sex": "female",
                            "reason": "Nom inscrit au registre de la population de Charleroi"});
    let liege_update =
        app.send(identity_update(&app, &app.as_commune("62063"), &person, Some("2"), correction.clone())).await;
    assert_eq!(liege_update.status, 409, "{}", liege_update.text);
    assert_eq!(liege_update.body["code"], "not_commune_of_domicile");
    let charleroi_update =
        app.send(identity_update(&app, &app.as_commune("52011"), &person, Some("2"), correction)).await;
    assert_eq!(charleroi_update.status, 201, "{}", charleroi_update.text);
    assert_eq!(charleroi_update.body["version"]["source"], "commune_of_domicile");
    // And Liège's arrival still shows what Liège reported.
    let own = app.get(&format!("/v1/arrivals/{liege_id}"), Some(&app.as_commune("62063"))).await;
    assert_eq!(own.body["person"]["surname"], "El Amrani");
    // The audit names the conflict and its resolution without a name.
    let audit = app.audit_for(&conflict);
    let actions: Vec<&str> = audit.iter().map(|row| row.action.as_str()).collect();
    assert_eq!(actions, ["flag_identity_conflict", "resolve_identity_conflict"]);
    assert!(audit.iter().all(|row| !row.detail.as_deref().unwrap_or("").contains("Benali")));
}

async fn only_the_commune_of_domicile_or_the_competent_cri_update_an_identity_with_its_version(app: TestApp) {
    let arrival = app.report("62063", &newcomer(421)).await;
    assert_eq!(arrival.status, 201, "{}", arrival.text);
    let person = arrival.body["person"]["id"].as_str().expect("person").to_owned();
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    let body = json!({"surname": "El Amrani-Benali", "given_names": "Samira", "sex": "female",
                      "reason": "Nom d'épouse inscrit au registre de la population"});

    // A commune that never reported her does not see her; a wrong kind of organisation is refused.
    let other = app.send(identity_update(&app, &app.as_commune("52011"), &person, Some("1"), body.clone())).await;
    assert_eq!(other.status, 404);
    let operator = app.token("operator:0123456789", &["operator_agent"]);
    assert_eq!(app.send(identity_update(&app, &operator, &person, Some("1"), body.clone())).await.status, 403);
    let another_cri = app.send(identity_update(&app, &app.as_cri("CRIC"), &person, Some("1"), body.clone())).await;
    assert_eq!(another_cri.status, 404);
    // The version is required, and must be the current one.
    let liege = app.as_commune("62063");
    let missing = app.send(identity_update(&app, &liege, &person, None, body.clone())).await;
    assert_eq!(missing.status, 428);
    let updated = app.send(identity_update(&app, &liege, &person, Some("1"), body.clone())).await;
    assert_eq!(updated.status, 201, "{}", updated.text);
    assert_eq!(updated.body["version"]["source"], "commune_of_domicile");
    assert_eq!(updated.body["version"]["version"], 2);
    assert_eq!(updated.body["person"]["surname"], "El Amrani-Benali");
    assert_eq!(updated.etag_version(), Some(2));
    let stale = app.send(identity_update(&app, &liege, &person, Some("1"), body.clone())).await;
    assert_eq!(stale.status, 412);

    // The competent CRI corrects too; sending the same identity, or a sex the number contradicts, is refused.
    let cripel = app.as_cri("CRIPEL");
    let same = app.send(identity_update(&app, &cripel, &person, Some("2"), body.clone())).await;
    assert_eq!(same.status, 422);
    assert_eq!(same.error_fields(), ["body"]);
    assert_eq!(same.body["errors"][0]["code"], "identity_unchanged");
    let male = with(body.clone(), json!({"sex": "male"}));
    let wrong_sex = app.send(identity_update(&app, &cripel, &person, Some("2"), male)).await;
    assert_eq!(wrong_sex.status, 422, "{}", wrong_sex.text);
    let accents = with(body.clone(), json!({"given_names": "Samîra", "reason": "Orthographe du passeport"}));
    let by_cri = app.send(identity_update(&app, &cripel, &person, Some("2"), accents)).await;
    assert_eq!(by_cri.status, 201, "{}", by_cri.text);
    assert_eq!(by_cri.body["version"]["source"], "cri");
    assert_eq!(by_cri.body["version"]["source_org"], "cri:CRIPEL");
    let kinds = timeline_kinds(&app, "CRIPEL", &case).await;
    assert_eq!(kinds.iter().filter(|kind| *kind == "identity_updated").count(), 2);
    let read = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await;
    assert_eq!(read.body["person"]["given_names"], "Samîra");
    // The arrival keeps what was reported.
    let id = arrival.body["id"].as_str().expect("arrival");
    let own = app.get(&format!("/v1/arrivals/{id}"), Some(&liege)).await;
    assert_eq!(own.body["person"]["surname"], "El Amrani");
    assert_eq!(own.body["person"]["given_names"], "Samira");
}

async fn a_bis_number_and_a_national_number_of_one_person_are_candidates_and_merge_keeping_both_histories(
    app: TestApp,
) {
    // First reported under a BIS number (month + 40: sex known), then under her national number.
    let bis = with(newcomer(422), json!({"niss": niss("904510", 844), "surname": "HADDAD", "given_names": "Rana"}));
    let first = app.report("62063", &bis).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let national = with(newcomer(423), json!({"surname": "Haddad", "given_names": "Rana"}));
    let second = app.report("62063", &national).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_eq!(second.body["identity_conflict"], Value::Null, "another number is another record, not a conflict");
    let (old, kept) = (
        first.body["person"]["id"].as_str().expect("person").to_owned(),
        second.body["person"]["id"].as_str().expect("person").to_owned(),
    );
    assert_ne!(old, kept);

    let cripel = app.as_cri("CRIPEL");
    let candidates = app.get("/v1/duplicate-candidates", Some(&cripel)).await;
    assert_eq!(candidates.status, 200, "{}", candidates.text);
    let group = candidates.body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|group| group["persons"].as_array().expect("persons").iter().any(|p| p["id"] == kept.as_str()))
        .cloned()
        .expect("the two records are candidates");
    assert_eq!(group["persons"].as_array().map(Vec::len), Some(2));
    // Another CRI is not shown people it does not follow.
    let cric = app.get("/v1/duplicate-candidates", Some(&app.as_cri("CRIC"))).await;
    assert!(!cric.text.contains(&kept));

    // Both have an open case: refused until one is closed.
    let merge = format!("/v1/persons/{kept}/merges");
    let body = json!({"merged_person_id": old, "reason": "Numéro BIS remplacé par le numéro national"});
    let refused = app.post(&merge, Some(&cripel), None, &body).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "both_have_open_cases");
    let old_case = first.body["case"]["id"].as_str().expect("case");
    let read = app.get(&format!("/v1/cases/{old_case}"), Some(&cripel)).await;
    let version = read.body["version"].as_i64().expect("version");
    let closure = json!({"reason": "duplicate_record", "date": today()});
    let closed = super::change(&app, "CRIPEL", old_case, "closure", version, closure).await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(app.post(&merge, Some(&app.as_cri("CRIC")), None, &body).await.status, 404, "another CRI");
    let merged = app.post(&merge, Some(&cripel), None, &body).await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_eq!(merged.body["person"]["id"], kept.as_str());
    assert_eq!(merged.body["person"]["identity_version"], 2);
    assert_eq!(app.post(&merge, Some(&cripel), None, &body).await.body["code"], "already_merged");

    // The kept record carries both histories and both determinations; the old number leads to it.
    let history = app.get(&format!("/v1/persons/{kept}/identities"), Some(&cripel)).await;
    let sources: Vec<(Value, Value)> = history.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|row| (row["person_id"].clone(), row["source"].clone()))
        .collect();
    assert_eq!(
        sources,
        vec![(json!(old), json!("report")), (json!(kept), json!("report")), (json!(kept), json!("merge")),]
    );
    let determinations = app.get(&format!("/v1/persons/{kept}/determinations"), Some(&cripel)).await;
    assert_eq!(determinations.body["items"].as_array().map(Vec::len), Some(2));
    let inquiry = app.post("/v1/participants/inquiry", Some(&cripel), None, &json!({"niss": bis["niss"]})).await;
    assert_eq!(inquiry.status, 200, "the old number leads to the kept record's case: {}", inquiry.text);
    assert_eq!(inquiry.body["case_reference"], second.body["case"]["reference"]);
    let again = app.report("62063", &bis).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.body["person"]["id"], kept.as_str(), "the BIS number leads to the kept record");
    assert!(
        timeline_kinds(&app, "CRIPEL", second.body["case"]["id"].as_str().expect("case"))
            .await
            .contains(&"person_records_merged".to_owned())
    );
    assert!(
        app.get("/v1/duplicate-candidates", Some(&cripel)).await.body["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .all(|group| !group.to_string().contains(&kept))
    );
}
