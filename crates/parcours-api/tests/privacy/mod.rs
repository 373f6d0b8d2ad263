//! Personal data, through the API, on both backends: the audit trail files every read under the server's
//! request id with the persons it showed, and its hash chain names a row edited behind the triggers' back.

use actix_web::test::TestRequest;
use serde_json::json;

use super::support::{self, TestApp};
use super::{attestations, newcomer, obliged_case, step, today};
use crate::on_both_backends;

on_both_backends!(
    reads_are_filed_under_the_servers_request_id_with_the_callers_beside_it,
    feed_pages_lists_and_idempotent_replays_record_the_persons_they_showed,
    the_audit_chain_verifies_and_names_the_row_edited_behind_the_triggers_back,
    the_access_report_lists_a_commune_a_cri_and_an_anonymous_verifier_and_its_own_reading,
    social_notes_and_medical_evidence_are_sealed_and_read_back_after_a_key_rotation,
);

fn audit_cli(app: &TestApp, command: &str) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_parcours"))
        .args(["audit", command])
        .env("PARCOURS_DATABASE_URL", app.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run parcours audit");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

async fn reads_are_filed_under_the_servers_request_id_with_the_callers_beside_it(app: TestApp) {
    let (case, _, _) = obliged_case(&app, 450).await;
    let cripel = app.as_cri("CRIPEL");
    let read = app
        .send(
            TestRequest::get()
                .uri(&format!("/v1/cases/{case}"))
                .insert_header(("Authorization", format!("Bearer {cripel}")))
                .insert_header(("X-Request-Id", "my-own-id-1")),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    let server_id = read.header("x-request-id").expect("X-Request-Id").to_owned();
    assert_ne!(server_id, "my-own-id-1", "the caller must not choose the id its reads are filed under");
    assert_eq!(read.header("x-client-request-id"), Some("my-own-id-1"));
    let row = app
        .audit_for(&case)
        .into_iter()
        .find(|row| row.action == "read_case" && row.request_id == server_id)
        .expect("the read is audited under the server's id");
    assert_eq!(row.client_request_id.as_deref(), Some("my-own-id-1"));
    assert_eq!(row.route.as_deref(), Some("GET /v1/cases/{id}"));
    assert_eq!(row.role.as_deref(), Some("cri_agent"));
    assert_eq!(row.organisation, "cri:CRIPEL");

    // A second request reusing the caller's id gets a new server id: the two reads stay apart.
    let again = app
        .send(
            TestRequest::get()
                .uri(&format!("/v1/cases/{case}"))
                .insert_header(("Authorization", format!("Bearer {cripel}")))
                .insert_header(("X-Request-Id", "my-own-id-1")),
        )
        .await;
    assert_ne!(again.header("x-request-id"), Some(server_id.as_str()));
}

fn subjects_of(app: &TestApp, action: &str) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Subject {
        #[diesel(sql_type = diesel::sql_types::Text)]
        person_id: String,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.state.store.conn().expect("connection");
    diesel::sql_query(format!(
        "SELECT s.person_id FROM audit_subjects s JOIN audit_log a ON a.id = s.audit_id WHERE a.action = '{action}'"
    ))
    .load::<Subject>(&mut conn)
    .expect("subjects")
    .into_iter()
    .map(|s| s.person_id)
    .collect()
}

async fn feed_pages_lists_and_idempotent_replays_record_the_persons_they_showed(app: TestApp) {
    let commune = app.as_commune("62063");
    let body = newcomer(451);
    let first = app.post("/v1/arrivals", Some(&commune), Some("key-451"), &body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let person = first.body["person"]["id"].as_str().expect("person").to_owned();
    let arrival = first.body["id"].as_str().expect("arrival").to_owned();

    // The replay sends the person's data again: it is a read of the arrival, audited.
    let replay = app.post("/v1/arrivals", Some(&commune), Some("key-451"), &body).await;
    assert_eq!(replay.status, 201, "{}", replay.text);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let replays: Vec<_> =
        app.audit_for(&arrival).into_iter().filter(|row| row.action == "replay_idempotent_response").collect();
    assert_eq!(replays.len(), 1, "{replays:?}");
    assert_eq!(replays[0].organisation, "commune:62063");

    // The CRI's feed page names the person: one read with the person as subject.
    let cripel = app.as_cri("CRIPEL");
    let feed = app.get("/v1/events", Some(&cripel)).await;
    assert_eq!(feed.status, 200, "{}", feed.text);
    assert!(!feed.body["items"].as_array().expect("items").is_empty(), "{}", feed.text);
    assert_eq!(subjects_of(&app, "read_events"), vec![person.clone()]);
    // An empty poll read nobody's data and writes nothing.
    let before = app.count_rows("audit_log");
    let cursor = feed.body["next_cursor"].as_str().expect("cursor").to_owned();
    let empty = app.get(&format!("/v1/events?after={cursor}"), Some(&cripel)).await;
    assert_eq!(empty.body["items"], json!([]));
    assert_eq!(app.count_rows("audit_log"), before);

    // The CRI's case list records which persons it showed, not only how many.
    let list = app.get("/v1/cases", Some(&cripel)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(subjects_of(&app, "list_cases"), vec![person]);
}

async fn the_audit_chain_verifies_and_names_the_row_edited_behind_the_triggers_back(app: TestApp) {
    let (case, _, _) = obliged_case(&app, 452).await;
    let list = app.get("/v1/cases", Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(list.status, 200);
    // Nothing is sealed before the job; the job seals everything, in order.
    let unsealed = parcours_store::audit::verify(&mut app.state.store.conn().expect("conn")).expect("verify");
    assert_eq!((unsealed.sealed, unsealed.broken.clone()), (0, None));
    assert!(unsealed.unsealed >= 3, "{unsealed:?}");
    let runs = app.run_jobs();
    assert!(runs.iter().any(|run| run.outcome.contains("audit row(s) sealed")), "{runs:?}");
    assert!(runs.iter().any(|run| run.outcome.contains("audit chain head seq=")), "{runs:?}");
    let report = parcours_store::audit::verify(&mut app.state.store.conn().expect("conn")).expect("verify");
    assert_eq!(report.unsealed, 0);
    assert!(report.sealed >= 3 && report.broken.is_none(), "{report:?}");
    let (ok, text) = audit_cli(&app, "verify");
    assert!(ok, "{text}");
    assert!(text.contains(&format!("chain intact: {} sealed row(s) verified", report.sealed)), "{text}");

    // The application's own connection cannot edit or delete a row, sealed or not, nor re-seal one.
    let read = app.audit_for(&case).into_iter().find(|row| row.action == "read_case").expect("read_case");
    for refused in [
        format!("UPDATE audit_log SET organisation = 'cri:CAI' WHERE id = '{}'", read.id),
        format!("UPDATE audit_log SET row_hash = 'x' WHERE id = '{}'", read.id),
        format!("DELETE FROM audit_log WHERE id = '{}'", read.id),
        "DELETE FROM audit_subjects".to_owned(),
    ] {
        let error = app.execute_sql(&refused).expect_err(&refused);
        assert!(error.contains("append-only"), "{refused}: {error}");
    }

    // An attacker with the owner's rights disables the guard and rewrites who read the case.
    let (disable, enable) = if app.on_postgres() {
        (
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update",
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update",
        )
    } else {
        ("DROP TRIGGER audit_log_no_update", "SELECT 1")
    };
    app.execute_sql(disable).expect("disable the trigger");
    app.execute_sql(&format!("UPDATE audit_log SET organisation = 'cri:CAI' WHERE id = '{}'", read.id)).expect("edit");
    app.execute_sql(enable).expect("enable the trigger");
    let report = parcours_store::audit::verify(&mut app.state.store.conn().expect("conn")).expect("verify");
    let broken = report.broken.expect("the edit is found");
    assert_eq!(broken.id, read.id);
    assert_eq!(Some(broken.chain_seq), read.chain_seq);
    let (ok, text) = audit_cli(&app, "verify");
    assert!(!ok, "{text}");
    assert!(text.contains(&format!("audit row {}", read.id)) && text.contains("edited after sealing"), "{text}");
}

async fn the_access_report_lists_a_commune_a_cri_and_an_anonymous_verifier_and_its_own_reading(app: TestApp) {
    let (case, person, v) = attestations::pathway(&app, 453, &attestations::FULL, true).await;
    attestations::settings(&app).await;
    let issued = attestations::issue(&app, &case, v, "att-453", json!({})).await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    // The commune learns of the steps through its feed; anyone holding the paper verifies it.
    let feed = app.get("/v1/events", Some(&app.as_commune("62063"))).await;
    assert_eq!(feed.status, 200, "{}", feed.text);
    let verification = app.get(&attestations::verification_path(&issued.body), None).await;
    assert_eq!(verification.status, 200, "{}", verification.text);

    let officer = app.token("region:SPW", &["privacy_officer"]);
    let path = format!("/v1/persons/{person}/access-report");
    let report = app.get(&path, Some(&officer)).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let entries = report.body["entries"].as_array().expect("entries").clone();
    let by = |organisation: &str| -> Vec<serde_json::Value> {
        entries.iter().filter(|e| e["organisation"] == organisation).cloned().collect()
    };
    let commune = by("commune:62063");
    assert!(commune.iter().any(|e| e["kind"] == "consultation" && e["route"] == "GET /v1/events"), "{}", report.text);
    assert!(commune.iter().all(|e| e["organisation_name"] == "Commune de Liège"), "{commune:?}");
    let cri = by("cri:CRIPEL");
    assert!(cri.iter().any(|e| e["route"] == "GET /v1/cases/{id}" && e["kind"] == "consultation"), "{cri:?}");
    assert!(cri.iter().any(|e| e["kind"] == "modification"), "{cri:?}");
    let verifier = by("public:verifier");
    assert_eq!(verifier.len(), 1, "{}", report.text);
    assert!(verifier[0]["purpose_fr"].as_str().expect("purpose").starts_with("Vérification"), "{verifier:?}");
    // The officer sees who acted; the recipients list the organisations.
    assert!(cri.iter().all(|e| e["staff"]["role"].is_string()), "{cri:?}");
    let recipients: Vec<&str> = report.body["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .map(|r| r["organisation"].as_str().expect("organisation"))
        .collect();
    for expected in ["commune:62063", "cri:CRIPEL", "public:verifier"] {
        assert!(recipients.contains(&expected), "{recipients:?}");
    }

    // The CRI sees the same operations plus the officer's reading, and no staff identity.
    let for_cri = app.get(&path, Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(for_cri.status, 200, "{}", for_cri.text);
    let cri_entries = for_cri.body["entries"].as_array().expect("entries");
    assert_eq!(cri_entries.len(), entries.len() + 1, "{}", for_cri.text);
    let last = cri_entries.last().expect("the officer's reading");
    assert_eq!(last["organisation"], "region:SPW");
    assert_eq!(last["route"], "GET /v1/persons/{id}/access-report");
    assert!(cri_entries.iter().all(|e| e.get("staff").is_none()), "{}", for_cri.text);
    assert_eq!(app.audit_for(&person).iter().filter(|r| r.action == "read_access_report").count(), 2);

    // Another CRI does not know the person; a commune may not ask.
    assert_eq!(app.get(&path, Some(&app.as_cri("CAI"))).await.status, 404);
    assert_eq!(app.get(&path, Some(&app.as_commune("62063"))).await.status, 403);
}

/// The first lines of a key file: a new key first (it seals), then the development key the test app used.
fn rotated_key_file() -> (std::path::PathBuf, String) {
    use base64::Engine as _;
    let development = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b"parcours-development-data-key-00");
    let text = format!("# rotated\n{}key {development}\n", parcours_api::data_keys::DataKeys::generate_line());
    let path = std::env::temp_dir().join(format!("parcours-data-keys-{}", uuid::Uuid::now_v7()));
    std::fs::write(&path, &text).expect("key file");
    (path, text)
}

async fn social_notes_and_medical_evidence_are_sealed_and_read_back_after_a_key_rotation(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 460).await;
    let v = step(&app, "CRIPEL", &case, "presentation", v, json!({"date": today()})).await;
    let notes = "Cherche un logement plus grand pour ses trois enfants.";
    let v = step(
        &app,
        "CRIPEL",
        &case,
        "social-assessment",
        v,
        json!({"date": today(), "needs": ["housing"], "sensitive_notes": notes}),
    )
    .await;
    let evidence =
        json!({"document_type": "medical_certificate", "issuer": "Dr Janssens-Verbruggen", "date": "2026-12-01"});
    step(
        &app,
        "CRIPEL",
        &case,
        "dispensation-decisions",
        v,
        json!({"code": "D2", "granted": false, "date": today(),
        "reason": "Le certificat ne couvre pas la durée du parcours.", "evidence": evidence}),
    )
    .await;
    // In the database: no plaintext, under the development key.
    let plaintext = format!(
        "cases WHERE id = '{case}' AND (state_json LIKE '%logement%' OR state_json LIKE '%Janssens%' OR state_json LIKE '%medical_certificate%')"
    );
    assert_eq!(app.count_rows(&plaintext), 0, "the notes and the evidence are stored sealed");
    let development_id = app.config.data_keys.current_id().to_owned();
    assert_eq!(app.count_rows(&format!("cases WHERE id = '{case}' AND state_json LIKE '%{development_id}%'")), 1);
    // The CRI holding the case reads them in clear; the case's other readers never see them.
    let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["details"]["social_assessment"]["sensitive_notes"], notes);
    assert_eq!(read.body["details"]["dispensation_decisions"][0]["evidence"], evidence);
    assert_eq!(app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRILUX"))).await.status, 404);

    // Rotation: a new key first in the file, then `parcours rotate-data-key`.
    let (key_file, key_text) = rotated_key_file();
    let rotated = parcours_api::data_keys::DataKeys::parse(&key_text).expect("rotated keys");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_parcours"))
        .arg("rotate-data-key")
        .env("PARCOURS_DATABASE_URL", app.database_url())
        .env("PARCOURS_DATA_KEYS", &key_file)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run parcours rotate-data-key");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{printed}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(printed.trim(), format!("2 value(s) in 1 case(s) sealed again under key {}", rotated.current_id()));
    assert_eq!(app.count_rows(&format!("cases WHERE id = '{case}' AND state_json LIKE '%{development_id}%'")), 0);
    assert_eq!(app.count_rows(&plaintext), 0);
    // The case did not change for its readers: same version, and a second run has nothing to do.
    let restarted = app.restarted_with(support::base_config(&[("PARCOURS_DATA_KEYS", key_file.display().to_string())]));
    let after = restarted.get(&format!("/v1/cases/{case}"), Some(&restarted.as_cri("CRIPEL"))).await;
    assert_eq!(after.status, 200, "{}", after.text);
    assert_eq!(after.body["version"], read.body["version"]);
    assert_eq!(after.body["details"]["social_assessment"]["sensitive_notes"], notes);
    assert_eq!(after.body["details"]["dispensation_decisions"][0]["evidence"], evidence);
    let mut conn = app.state.store.conn().expect("connection");
    let (again, values) = parcours_api::data_keys::rotate(&mut conn, &rotated, app.state.clock.now()).expect("rotate");
    assert_eq!((again.rewritten, values), (0, 0));
    // A server that was given only the old key cannot open them: they stay sealed, never shown as clear.
    let stale = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(stale.body["details"]["social_assessment"]["sensitive_notes"]["key_id"], rotated.current_id());
    std::fs::remove_file(key_file).expect("remove key file");
}
