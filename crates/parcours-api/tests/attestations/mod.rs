//! The attestation de fréquentation through the API: issuing, replay, eligibility, correction, revocation,
//! copies, and verification by anyone (online, offline, rate-limited, audited), on both backends.

use actix_web::test::TestRequest;
use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest as _;

use super::support::{self, TestApp};
use super::{newcomer, obliged_case, step, through_convention, with};
use crate::on_both_backends;

pub(crate) async fn settings(app: &TestApp) {
    let req = TestRequest::put()
        .uri("/v1/cri-settings")
        .insert_header(("Authorization", format!("Bearer {}", app.as_cri("CRIPEL"))))
        .set_json(json!({
            "office_address": "Place Xavier Neujean 19b\n4000 Liège",
            "signatory_name": "Marie Dupont",
            "signatory_function": "Directrice"
        }));
    let reply = app.send(req).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

/// A case through its convention with `hours` recorded per axis; completed when `complete`. Returns
/// (case id, person id, version).
pub(crate) async fn pathway(
    app: &TestApp,
    sequence: u32,
    hours: &[(&str, f64)],
    complete: bool,
) -> (String, String, i64) {
    let (case, person, v) = obliged_case(app, sequence).await;
    let mut v = through_convention(app, &case, v).await;
    let t = super::today();
    for (axis, h) in hours {
        v = step(app, "CRIPEL", &case, "hours", v, json!({"axis": axis, "hours": h, "date": t})).await;
    }
    if complete {
        v = step(app, "CRIPEL", &case, "completion", v, json!({"date": t})).await;
    }
    (case, person, v)
}

pub(crate) const FULL: [(&str, f64); 3] = [("french", 400.0), ("citizenship", 60.0), ("orientation", 4.0)];

pub(crate) async fn issue(app: &TestApp, case: &str, version: i64, key: &str, body: Value) -> support::Reply {
    let req = TestRequest::post()
        .uri(&format!("/v1/cases/{case}/attestations"))
        .insert_header(("Authorization", format!("Bearer {}", app.as_cri("CRIPEL"))))
        .insert_header(("If-Match", format!("\"{version}\"")))
        .insert_header(("Idempotency-Key", key))
        .set_json(body);
    app.send(req).await
}

/// The JSON verification path of an attestation, from its printed address.
pub(crate) fn verification_path(dto: &Value) -> String {
    let url = dto["verification_url"].as_str().expect("url");
    let path = &url[url.find("/verify/").expect("verify path")..];
    let (page, token) = path.split_once("?t=").expect("token");
    format!("/v1/attestations/{}/verification?t={token}", page.trim_start_matches("/verify/"))
}

async fn an_eligible_case_gets_an_attestation_replayed_by_key_and_verifiable_by_anyone(app: TestApp) {
    let (case, person, v) = pathway(&app, 300, &FULL, true).await;
    settings(&app).await;
    let first = issue(&app, &case, v, "att-300", json!({})).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let serial = first.body["serial"].as_str().expect("serial").to_owned();
    assert_eq!(serial, "CRIPEL-ATT-2026-000001");
    assert_eq!(first.header("location"), Some(format!("/v1/attestations/{serial}").as_str()));
    assert_eq!(first.body["status"], "valid");
    assert_eq!(first.body["content"]["kind"], "pathway");
    assert_eq!(first.body["content"]["signatory_name"], "Marie Dupont");
    assert_eq!(
        first.body["content"]["axes"][0],
        json!({"axis": "french", "outcome": "met", "required_hours": 400, "attended_minutes": 24000})
    );
    let replay = issue(&app, &case, v, "att-300", json!({})).await;
    assert_eq!((replay.status.as_u16(), replay.body["serial"].as_str()), (201, Some(serial.as_str())));
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let again = issue(&app, &case, v, "att-300-bis", json!({})).await;
    assert_eq!((again.status.as_u16(), again.body["code"].as_str()), (409, Some("attestation_already_issued")));

    // The PDF is the one whose hash was recorded.
    let req = TestRequest::get()
        .uri(&format!("/v1/attestations/{serial}"))
        .insert_header(("Authorization", format!("Bearer {}", app.as_cri("CRIPEL"))))
        .insert_header(("Accept", "application/pdf"));
    let pdf = app.send_raw(req).await;
    assert_eq!(pdf.0, 200);
    assert!(pdf.1.starts_with(b"%PDF-"));
    assert_eq!(format!("{:x}", sha2::Sha256::digest(&pdf.1)), first.body["pdf_sha256"].as_str().expect("hash"));

    // Anyone verifies with the printed token; a wrong token reads exactly like an unknown serial.
    let path = verification_path(&first.body);
    let valid = app.get(&path, None).await;
    assert_eq!(valid.status, 200, "{}", valid.text);
    assert_eq!(valid.body["status"], "valid");
    assert_eq!(valid.body["holder_initials"], "S. E.");
    assert_eq!(valid.body["holder_birth_year"], 1990);
    assert_eq!(valid.body.as_object().map(|o| o.len()), Some(8), "nothing more than the minimal answer");
    let wrong = app.get(&format!("/v1/attestations/{serial}/verification?t=wrong"), None).await;
    let missing = app.get(&format!("/v1/attestations/{serial}/verification"), None).await;
    let unknown = app.get("/v1/attestations/CRIPEL-ATT-2026-999999/verification?t=wrong", None).await;
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(
        wrong.body,
        json!({"status": "unknown", "serial": serial, "issued_on": null, "cri": null, "cri_name": null,
            "completed_on": null, "holder_initials": null, "holder_birth_year": null})
    );
    assert_eq!(missing.body, wrong.body);
    let mut renamed = unknown.body.clone();
    renamed["serial"] = json!(serial);
    assert_eq!(renamed, wrong.body);

    // The holder's surname and birth date: only yes or no.
    let yes = app.post(&path, None, None, &json!({"surname": "el-amrani", "birth_date": "1990-05-10"})).await;
    assert_eq!(yes.body, json!({"matches": true}), "{}", yes.text);
    let no = app.post(&path, None, None, &json!({"surname": "El Amrani", "birth_date": "1990-05-11"})).await;
    assert_eq!(no.body, json!({"matches": false}));

    // Each verification is a read of the person's file by an anonymous verifier.
    let reads: Vec<String> =
        app.audit_for(&person).into_iter().filter(|row| row.subject == "anonymous").map(|row| row.action).collect();
    assert_eq!(reads, ["verify_attestation", "verify_attestation_holder", "verify_attestation_holder"]);

    // The commune of reference is told, with the serial, and may read the attestation.
    let commune = app.as_commune("62063");
    let feed = app.get("/v1/events?limit=200", Some(&commune)).await;
    let items = feed.body["items"].as_array().expect("items");
    let notice = items
        .iter()
        .find(|e| e["data"]["event_type"] == "attestation_issued")
        .unwrap_or_else(|| panic!("no attestation notice: {}", feed.text));
    assert_eq!(notice["data"]["attestation_serial"], json!(serial));
    assert_eq!(app.get(&format!("/v1/attestations/{serial}"), Some(&commune)).await.status, 200);
    assert_eq!(app.get(&format!("/v1/attestations/{serial}"), Some(&app.as_commune("92094"))).await.status, 404);
    assert_eq!(app.get(&format!("/v1/attestations/{serial}"), Some(&app.as_cri("CRIBW"))).await.status, 404);
}

async fn the_offline_payload_verifies_with_the_published_key(app: TestApp) {
    use parcours_documents::ed25519_dalek::VerifyingKey;
    let (case, _, v) = pathway(&app, 301, &FULL, true).await;
    settings(&app).await;
    let issued = issue(&app, &case, v, "att-301", json!({})).await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    let keys = app.get("/.well-known/parcours-keys.json", None).await;
    assert_eq!(keys.status, 200);
    assert_eq!(keys.body["payload_format"], "PA1");
    let published: Vec<(String, VerifyingKey)> = keys.body["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k["public_key"].as_str().expect("key"))
                .expect("base64url");
            let bytes: [u8; 32] = bytes.try_into().expect("32 bytes");
            (k["kid"].as_str().expect("kid").to_owned(), VerifyingKey::from_bytes(&bytes).expect("public key"))
        })
        .collect();
    let qr = issued.body["qr_text"].as_str().expect("qr text");
    assert!(qr.starts_with(issued.body["verification_url"].as_str().expect("url")));
    let payload = parcours_documents::verification::OfflinePayload::verify(qr, &published).expect("signature verifies");
    assert_eq!(payload.serial, issued.body["serial"].as_str().expect("serial"));
    assert_eq!(payload.cri, "CRIPEL");
    let birth = chrono::NaiveDate::from_ymd_opt(1990, 5, 10).expect("date");
    assert_eq!(payload.holder, parcours_documents::verification::holder_hash(&payload.serial, "elamrani", birth));
}

async fn an_ineligible_case_is_refused_with_the_missing_hours(app: TestApp) {
    let (case, _, v) = pathway(&app, 302, &[("french", 100.0), ("citizenship", 60.0)], false).await;
    settings(&app).await;
    let refused = issue(&app, &case, v, "att-302", json!({})).await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "not_eligible_for_attestation");
    assert_eq!(refused.body["reason"], "hours_missing");
    assert_eq!(
        refused.body["missing"],
        json!([
            {"axis": "french", "required_hours": 400, "needed_hours": 320.0, "attended_hours": 100.0},
            {"axis": "orientation", "required_hours": 4, "needed_hours": 3.2, "attended_hours": 0.0}
        ])
    );
    assert_eq!(app.count_rows("attestations"), 0);
}

async fn a_correction_supersedes_and_a_revocation_changes_what_verification_says(app: TestApp) {
    let (case, _, v) = pathway(&app, 303, &FULL, true).await;
    let no_settings = issue(&app, &case, v, "att-303-0", json!({})).await;
    assert_eq!((no_settings.status.as_u16(), no_settings.body["code"].as_str()), (409, Some("cri_settings_missing")));
    settings(&app).await;
    let first = issue(&app, &case, v, "att-303-1", json!({})).await;
    let old = first.body["serial"].as_str().expect("serial").to_owned();
    let unreasoned = issue(&app, &case, v, "att-303-2", json!({"supersedes": old})).await;
    assert_eq!(unreasoned.status, 422);
    assert_eq!(unreasoned.error_fields(), ["correction_reason"]);
    let correction = json!({"supersedes": old, "correction_reason": "Prénom mal orthographié."});
    let corrected = issue(&app, &case, v, "att-303-3", correction).await;
    assert_eq!(corrected.status, 201, "{}", corrected.text);
    let new = corrected.body["serial"].as_str().expect("serial").to_owned();
    assert_ne!(new, old);
    assert_eq!(corrected.body["content"]["supersedes"], json!(old));
    assert_eq!(app.get(&verification_path(&first.body), None).await.body["status"], "superseded");
    assert_eq!(app.get(&verification_path(&corrected.body), None).await.body["status"], "valid");

    let cripel = app.as_cri("CRIPEL");
    let revocation = format!("/v1/attestations/{new}/revocation");
    let short = app.post(&revocation, Some(&cripel), None, &json!({"reason": "non"})).await;
    assert_eq!(short.status, 422);
    let reason = json!({"reason": "Délivrée par erreur : heures encodées deux fois."});
    let revoked = app.post(&revocation, Some(&cripel), None, &reason).await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.body["status"], "revoked");
    assert_eq!(revoked.body["revocation_reason"], reason["reason"]);
    assert_eq!(app.get(&verification_path(&corrected.body), None).await.body["status"], "revoked");
    let twice = app.post(&revocation, Some(&cripel), None, &reason).await;
    assert_eq!((twice.status.as_u16(), twice.body["code"].as_str()), (409, Some("attestation_not_in_force")));

    // Copies are counted and marked.
    let copy = app
        .send_raw(
            TestRequest::post()
                .uri(&format!("/v1/attestations/{old}/copies"))
                .insert_header(("Authorization", format!("Bearer {cripel}"))),
        )
        .await;
    assert_eq!(copy.0, 200);
    assert!(copy.1.starts_with(b"%PDF-"));
    let record = app.get(&format!("/v1/attestations/{old}"), Some(&cripel)).await;
    assert_eq!(record.body["copies"], 1);
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&cripel)).await;
    let kinds: Vec<&str> =
        timeline.body["items"].as_array().expect("items").iter().filter_map(|i| i["kind"].as_str()).collect();
    for kind in ["attestation_issued", "attestation_superseded", "attestation_revoked", "attestation_reprinted"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let list = app.get(&format!("/v1/cases/{case}/attestations"), Some(&cripel)).await;
    let statuses: Vec<&str> =
        list.body["items"].as_array().expect("items").iter().filter_map(|i| i["status"].as_str()).collect();
    assert_eq!(statuses, ["superseded", "revoked"]);
}

async fn the_verification_page_shows_the_answer_and_the_serving_domain(app: TestApp) {
    let (case, _, v) = pathway(&app, 304, &FULL, true).await;
    settings(&app).await;
    let issued = issue(&app, &case, v, "att-304", json!({})).await;
    let url = issued.body["verification_url"].as_str().expect("url");
    let page_path = url[url.find("/verify/").expect("path")..].to_owned();
    let page = app.send(TestRequest::get().uri(&page_path).insert_header(("Host", "parcours.example.be"))).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert!(page.text.contains("Attestation valide"), "{}", page.text);
    assert!(page.text.contains("parcours.example.be"));
    assert!(page.text.contains("S. E."));
    let english = app.send(TestRequest::get().uri(&format!("{page_path}&lang=en"))).await;
    assert!(english.text.contains("Valid attestation"));
    let unknown = app.send(TestRequest::get().uri("/verify/CRIPEL-ATT-2026-000777?t=x")).await;
    assert!(unknown.text.contains("Attestation inconnue"));
}

async fn the_cpas_the_cri_recorded_is_told_and_receives_the_attestation_and_no_other_cpas_is(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 305).await;
    let t = super::today();
    let wrong = super::change(&app, "CRIPEL", &case, "cpas", v, json!({"cpas_nis": "99999", "date": t})).await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert_eq!(wrong.error_fields(), ["cpas_nis"]);
    let v = step(&app, "CRIPEL", &case, "cpas", v, json!({"cpas_nis": "62063", "date": t})).await;
    let mut v = through_convention(&app, &case, v).await;
    for (axis, h) in FULL {
        v = step(&app, "CRIPEL", &case, "hours", v, json!({"axis": axis, "hours": h, "date": t})).await;
    }
    v = step(&app, "CRIPEL", &case, "completion", v, json!({"date": t})).await;
    settings(&app).await;
    let issued = issue(&app, &case, v, "att-305", json!({})).await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    let serial = issued.body["serial"].as_str().expect("serial").to_owned();

    let notices = |feed: &support::Reply| -> Vec<String> {
        feed.body["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|e| e["data"]["event_type"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let cpas = app.token("cpas:62063", &["cpas_agent"]);
    let feed = app.get("/v1/events", Some(&cpas)).await;
    assert_eq!(feed.status, 200, "{}", feed.text);
    assert_eq!(notices(&feed), ["pathway_followed", "pathway_followed", "attestation_issued"]);
    assert_eq!(feed.body["items"][2]["data"]["attestation_serial"], json!(serial));
    assert_eq!(app.get(&format!("/v1/attestations/{serial}"), Some(&cpas)).await.status, 200);

    let other = app.token("cpas:52011", &["cpas_agent"]);
    assert_eq!(notices(&app.get("/v1/events", Some(&other)).await), Vec::<String>::new());
    assert_eq!(app.get(&format!("/v1/attestations/{serial}"), Some(&other)).await.status, 404);
    // Recording the CPAS is no news for the commune.
    let commune = notices(&app.get("/v1/events", Some(&app.as_commune("62063"))).await);
    assert_eq!(commune, ["pathway_followed", "requirements_met", "attestation_issued"]);
    // A CPAS reads neither cases nor the catalogue.
    assert_eq!(app.get(&format!("/v1/cases/{case}"), Some(&cpas)).await.status, 403);
    assert_eq!(app.get("/v1/courses", Some(&cpas)).await.status, 403);
}

on_both_backends!(
    the_cpas_the_cri_recorded_is_told_and_receives_the_attestation_and_no_other_cpas_is,
    an_eligible_case_gets_an_attestation_replayed_by_key_and_verifiable_by_anyone,
    the_offline_payload_verifies_with_the_published_key,
    an_ineligible_case_is_refused_with_the_missing_hours,
    a_correction_supersedes_and_a_revocation_changes_what_verification_says,
    the_verification_page_shows_the_answer_and_the_serving_domain,
    a_walloon_attestation_held_by_the_person_grants_d1_on_a_later_case,
);

/// Rule 2.2, D1: the person completed the pathway (attestation issued), left, and is reported again with a
/// new title; the CRI grants D1 on the Walloon attestation, which Parcours finds in its own register.
async fn a_walloon_attestation_held_by_the_person_grants_d1_on_a_later_case(app: TestApp) {
    let (case, person, v) = pathway(&app, 320, &FULL, true).await;
    settings(&app).await;
    let issued = issue(&app, &case, v, "att-320", json!({})).await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    let serial = issued.body["serial"].as_str().expect("serial").to_owned();
    // The pathway is over: the case rests at requirements_met, no longer open.
    let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(read.body["state"], "requirements_met");

    // Reported again (a new title ordered after a stay abroad): obliged again, a new case.
    let again = with(
        newcomer(320),
        json!({"title_order_date": "2026-11-20", "first_registration_date": "2026-11-25", "legal_stay_start": "2026-11-10"}),
    );
    let reported = app.report("62063", &again).await;
    assert_eq!(reported.status, 201, "{}", reported.text);
    assert_eq!(reported.body["person"]["id"], person.as_str());
    let new_case = reported.body["case"]["id"].as_str().expect("a new case").to_owned();
    assert_ne!(new_case, case);
    let read = app.get(&format!("/v1/cases/{new_case}"), Some(&app.as_cri("CRIPEL"))).await;
    let version = read.body["version"].as_i64().expect("version");
    let decision = json!({"code": "D1", "granted": true, "date": super::today(), "reason": "Attestation CRIPEL présentée",
        "prior_attestation": {"issuer": "wallonia", "serial": serial, "issued_on": super::today()}});
    let granted = super::change(&app, "CRIPEL", &new_case, "dispensation-decisions", version, decision).await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    assert_eq!(granted.body["details"]["closure"]["reason"], "dispensed");
    let history = app.get(&format!("/v1/persons/{person}/determinations"), Some(&app.as_cri("CRIPEL"))).await;
    let items = history.body["items"].as_array().expect("items");
    let latest = &items[items.len() - 1]["determination"];
    assert_eq!(latest["status"], "dispensed");
    assert_eq!(latest["prior_attestation"]["issuer"], "wallonia");
    assert_eq!(latest["prior_attestation"]["serial"], serial.as_str());
}

#[actix_web::test]
async fn public_verification_is_rate_limited_per_client_address() {
    let app = TestApp::sqlite_with(support::base_config(&[
        ("PARCOURS_VERIFY_BURST", "3".into()),
        ("PARCOURS_VERIFY_PER_MINUTE", "1".into()),
    ]));
    let ask = |ip: [u8; 4]| {
        TestRequest::get()
            .uri("/v1/attestations/CRIPEL-ATT-2026-000001/verification?t=x")
            .peer_addr(std::net::SocketAddr::from((ip, 40000)))
    };
    for _ in 0..3 {
        assert_eq!(app.send(ask([192, 0, 2, 1])).await.status, 200);
    }
    let limited = app.send(ask([192, 0, 2, 1])).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["code"], "too_many_requests");
    assert!(limited.header("retry-after").is_some_and(|s| s.parse::<u32>().is_ok_and(|n| n >= 1)));
    assert_eq!(app.send(ask([192, 0, 2, 2])).await.status, 200, "another address has its own allowance");
}
