//! Personal data, through the API, on both backends: the audit trail files every read under the server's
//! request id with the persons it showed, and its hash chain names a row edited behind the triggers' back.

use actix_web::test::TestRequest;
use serde_json::json;

use super::support::{self, TestApp};
use super::{attestations, newcomer, niss, obliged_case, step, through_convention, today, with};
use crate::on_both_backends;

on_both_backends!(
    reads_are_filed_under_the_servers_request_id_with_the_callers_beside_it,
    feed_pages_lists_and_idempotent_replays_record_the_persons_they_showed,
    the_audit_chain_verifies_and_names_the_row_edited_behind_the_triggers_back,
    the_access_report_lists_a_commune_a_cri_and_an_anonymous_verifier_and_its_own_reading,
    social_notes_and_medical_evidence_are_sealed_and_read_back_after_a_key_rotation,
    an_erasure_leaves_no_identity_anywhere_keeps_what_statistics_count_and_a_legal_hold_blocks_it,
    the_access_package_holds_every_category_and_requests_are_decided_with_reasons_within_their_deadline,
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

/// Every text form of every column of every table (the inventory lists them all, tested against
/// `schema.rs`) that contains one of `needles`, as `table.column`.
fn columns_containing(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for table in parcours_store::personal_data::INVENTORY {
        for column in table.columns {
            let clauses: Vec<String> = needles
                .iter()
                .map(|needle| format!("CAST({} AS TEXT) LIKE '%{}%'", column.name, needle.replace('\'', "''")))
                .collect();
            if app.count_rows(&format!("{} WHERE {}", table.table, clauses.join(" OR "))) > 0 {
                found.push(format!("{}.{}", table.table, column.name));
            }
        }
    }
    found
}

/// Counts the statistics will rest on: determinations by status, cases by state, persons by sex,
/// nationality and birth year, hours per axis.
fn statistics_basis(app: &TestApp) -> Vec<i64> {
    [
        "determinations WHERE status = 'obliged'",
        "cases WHERE state = 'closed' AND obliged",
        "persons WHERE sex = 'female' AND nationality = 'MAR'",
        "persons WHERE birth_date >= '1977-01-01' AND birth_date < '1978-01-01'",
        "persons WHERE birth_date >= '1990-01-01' AND birth_date < '1991-01-01'",
        "arrivals WHERE commune_nis = '62063'",
        "case_events",
    ]
    .iter()
    .map(|query| app.count_rows(query))
    .collect()
}

async fn an_erasure_leaves_no_identity_anywhere_keeps_what_statistics_count_and_a_legal_hold_blocks_it(app: TestApp) {
    let dpo = app.token("region:SPW", &["privacy_officer"]);
    // A: a woman born on 3 November 1977, reported twice (the second report is an idempotent retry).
    let a_niss = niss("771103", 942);
    let a_body = with(
        newcomer(471),
        json!({"niss": a_niss, "birth_date": "1977-11-03", "surname": "Vandersmissen", "given_names": "Zelda"}),
    );
    let key = "erasure-test-key-a";
    let first = app.post("/v1/arrivals", Some(&app.as_commune("62063")), Some(key), &a_body).await;
    assert_eq!(first.status, 201, "{}", first.text);
    let replay = app.post("/v1/arrivals", Some(&app.as_commune("62063")), Some(key), &a_body).await;
    assert_eq!(replay.status, 201, "{}", replay.text);
    let a_case = first.body["case"]["id"].as_str().expect("case").to_owned();
    let a_person = first.body["person"]["id"].as_str().expect("person").to_owned();
    // B: another person, whose file a legal hold keeps.
    let b = app.report("62063", &with(newcomer(472), json!({"surname": "Holdenbrook"}))).await;
    assert_eq!(b.status, 201, "{}", b.text);
    let b_case = b.body["case"]["id"].as_str().expect("case").to_owned();
    let b_person = b.body["person"]["id"].as_str().expect("person").to_owned();
    for case in [&a_case, &b_case] {
        let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
        let v = read.body["version"].as_i64().expect("version");
        let v = step(&app, "CRIPEL", case, "presentation", v, json!({"date": today()})).await;
        let v = step(
            &app,
            "CRIPEL",
            case,
            "social-assessment",
            v,
            json!({"date": today(), "needs": ["housing"], "sensitive_notes": "Vandersmissen cherche un logement."}),
        )
        .await;
        step(&app, "CRIPEL", case, "closure", v, json!({"reason": "left_belgium", "date": today()})).await;
    }
    let hold = app
        .post(
            &format!("/v1/persons/{b_person}/legal-holds"),
            Some(&dpo),
            None,
            &json!({"reason": "Recours pendant (RG 26/1234/A)"}),
        )
        .await;
    assert_eq!(hold.status, 201, "{}", hold.text);
    assert_eq!(
        app.post(
            &format!("/v1/persons/{b_person}/legal-holds"),
            Some(&app.as_cri("CRIPEL")),
            None,
            &json!({"reason": "x"})
        )
        .await
        .status,
        403
    );
    assert!(
        !columns_containing(&app, &[&a_niss, "Vandersmissen", "Zelda", "1977-11-03"]).is_empty(),
        "the scan finds data before the erasure"
    );

    let crilux_officer = app.token("cri:CRILUX", &["privacy_officer"]);
    let elsewhere = json!({"reason": "Demande d'une autorité hors de notre ressort."});
    let other_cri =
        app.post(&format!("/v1/persons/{b_person}/legal-holds"), Some(&crilux_officer), None, &elsewhere).await;
    assert_eq!(other_cri.status, 404, "a CRI's officer holds only the files of persons it is competent for");
    // Nothing is due before the period (10 years after closure, UNCONFIRMED) has run.
    app.run_jobs();
    let none = app.get("/v1/erasure-batches", Some(&dpo)).await;
    assert_eq!(none.status, 200, "{}", none.text);
    assert_eq!(none.body["items"], json!([]));
    // Eleven years later the review proposes A, and lists B as blocked.
    app.state.clock.set("2037-12-16T10:00:00Z".parse().expect("instant"));
    app.run_jobs();
    let proposed = app.get("/v1/erasure-batches", Some(&dpo)).await;
    let batch = &proposed.body["items"][0];
    assert_eq!(batch["status"], "proposed", "{}", proposed.text);
    assert_eq!(batch["due"].as_array().map(Vec::len), Some(1));
    assert_eq!(batch["due"][0]["person_id"], a_person.as_str());
    assert_eq!(batch["due"][0]["rule"], "retention_years_after_closure");
    assert_eq!(batch["due"][0]["due_since"], "2036-12-15");
    assert_eq!(batch["blocked"], json!([{"person_id": b_person, "due_since": "2036-12-15", "block": "legal_hold"}]));
    assert_eq!(batch["periods"]["retention_years_after_closure"], 10);
    let batch_id = batch["id"].as_str().expect("id").to_owned();
    assert_eq!(app.get("/v1/erasure-batches", Some(&app.token("cri:CRIPEL", &["privacy_officer"]))).await.status, 403);
    // Nothing is erased before the officer approves.
    app.run_jobs();
    assert_eq!(app.count_rows(&format!("persons WHERE id = '{a_person}' AND erased_at IS NULL")), 1);
    let before = statistics_basis(&app);
    let decision_path = format!("/v1/erasure-batches/{batch_id}/decision");
    let approve = json!({"approve": true, "reason": "Liste vérifiée : dossier clos depuis plus de dix ans."});
    let approved = app.post(&decision_path, Some(&dpo), None, &approve).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(approved.body["status"], "approved");
    assert_eq!(app.post(&decision_path, Some(&dpo), None, &approve).await.status, 409);
    app.run_jobs();
    let executed = app.get("/v1/erasure-batches", Some(&dpo)).await;
    assert_eq!(executed.body["items"][0]["status"], "executed", "{}", executed.text);
    assert_eq!(executed.body["items"][0]["outcome"]["erased"], json!([a_person]));

    // No table, JSON column, feed payload or stored response holds A's number, names or birth date.
    assert_eq!(columns_containing(&app, &[&a_niss, "Vandersmissen", "Zelda", "1977-11-03"]), Vec::<String>::new());
    assert_eq!(
        app.count_rows(&format!(
            "persons WHERE id = '{a_person}' AND erased_at IS NOT NULL AND erased_under = 'erasure batch {batch_id}'"
        )),
        1,
        "a tombstone says under what"
    );
    // B, held, is intact; the statistics' basis did not move.
    assert_eq!(
        app.count_rows(&format!("persons WHERE id = '{b_person}' AND surname = 'Holdenbrook' AND erased_at IS NULL")),
        1
    );
    assert_eq!(statistics_basis(&app), before);
    // The erasure is in A's access report, and the audit chain still verifies.
    let report = app.get(&format!("/v1/persons/{a_person}/access-report"), Some(&dpo)).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let purposes: Vec<&str> =
        report.body["entries"].as_array().expect("entries").iter().filter_map(|e| e["purpose_en"].as_str()).collect();
    for purpose in ["Erasure — the person's identity", "Decision — erasure at the end of retention"] {
        assert!(purposes.contains(&purpose), "{purpose} in {purposes:?}");
    }
    app.run_jobs();
    let (ok, printed) = audit_cli(&app, "verify");
    assert!(ok, "{printed}");
    // Lifting B's hold makes B due at the next review.
    let hold_id = hold.body["id"].as_str().expect("hold id");
    let lift = json!({"reason": "Recours jugé (2037-11-30)."});
    let lifted = app.post(&format!("/v1/legal-holds/{hold_id}/lifting"), Some(&dpo), None, &lift).await;
    assert_eq!(lifted.status, 200, "{}", lifted.text);
    assert_eq!(app.post(&format!("/v1/legal-holds/{hold_id}/lifting"), Some(&dpo), None, &lift).await.status, 409);
    app.state.clock.set("2037-12-18T10:00:00Z".parse().expect("instant"));
    app.run_jobs();
    let next = app.get("/v1/erasure-batches", Some(&dpo)).await;
    assert_eq!(next.body["items"][0]["due"][0]["person_id"], b_person.as_str(), "{}", next.text);
}

async fn get_bytes(app: &TestApp, path: &str, token: &str) -> (u16, Vec<u8>) {
    let (status, bytes) =
        app.send_raw(TestRequest::get().uri(path).insert_header(("Authorization", format!("Bearer {token}")))).await;
    (status.as_u16(), bytes)
}

async fn the_access_package_holds_every_category_and_requests_are_decided_with_reasons_within_their_deadline(
    app: TestApp,
) {
    attestations::settings(&app).await;
    let cripel = app.as_cri("CRIPEL");
    let (case, person, v) = obliged_case(&app, 480).await;
    let v = through_convention(&app, &case, v).await;
    let evidence = json!({"document_type": "medical_certificate", "issuer": "Dr Peeters", "date": "2026-12-01"});
    let mut v = step(
        &app,
        "CRIPEL",
        &case,
        "dispensation-decisions",
        v,
        json!({"code": "D2", "granted": false,
        "date": today(), "reason": "Le certificat ne couvre pas la durée du parcours.", "evidence": evidence}),
    )
    .await;
    let breach = app
        .post(
            &format!("/v1/cases/{case}/non-compliances"),
            Some(&cripel),
            None,
            &json!({"found_on": today(), "finding": "Absente sans justification à six séances du cours de français."}),
        )
        .await;
    assert_eq!(breach.status, 201, "{}", breach.text);
    v = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await.body["version"].as_i64().unwrap_or(v);
    for (axis, hours) in attestations::FULL {
        v = step(&app, "CRIPEL", &case, "hours", v, json!({"axis": axis, "hours": hours, "date": today()})).await;
    }
    v = step(&app, "CRIPEL", &case, "completion", v, json!({"date": today()})).await;
    let issued = attestations::issue(&app, &case, v, "access-package-attestation", json!({})).await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    assert_eq!(app.get(&format!("/v1/persons/{person}"), Some(&app.as_commune("62063"))).await.status, 200);

    // The package: the data by category, a French summary, the access report, the recipients.
    let path = format!("/v1/persons/{person}/access-package");
    let (status, bytes) = get_bytes(&app, &path, &cripel).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    names.sort();
    assert_eq!(names, ["destinataires.json", "donnees.json", "rapport-acces.json", "resume.pdf"]);
    let mut read = |name: &str| {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).expect(name), &mut bytes).expect("read");
        bytes
    };
    let data: serde_json::Value = serde_json::from_slice(&read("donnees.json")).expect("JSON");
    for category in ["identity", "contact", "pathway", "attendance", "health", "social", "sanction"] {
        let tables = data["categories"][category].as_object().expect(category);
        assert!(!tables.is_empty(), "{category} is empty: {}", data["categories"]);
    }
    assert_eq!(data["categories"]["identity"]["persons"][0]["niss"], newcomer(480)["niss"]);
    assert_eq!(data["categories"]["contact"]["arrivals"][0]["payload_json"]["contact"]["email"], "samira@example.org");
    assert_eq!(
        data["categories"]["social"]["cases"][0]["state_json.social_assessment.sensitive_notes"], "note",
        "opened for the person"
    );
    assert_eq!(
        data["categories"]["health"]["cases"][0]["state_json.dispensation_decisions[].evidence"],
        json!([evidence])
    );
    assert!(data["categories"]["sanction"]["non_compliances"].is_array());
    let report: serde_json::Value = serde_json::from_slice(&read("rapport-acces.json")).expect("JSON");
    let organisations: Vec<&str> =
        report["entries"].as_array().expect("entries").iter().filter_map(|e| e["organisation"].as_str()).collect();
    assert!(organisations.contains(&"commune:62063") && organisations.contains(&"cri:CRIPEL"), "{organisations:?}");
    assert!(report["entries"][0].get("staff").is_none(), "CRI staff see no staff identities");
    let recipients: serde_json::Value = serde_json::from_slice(&read("destinataires.json")).expect("JSON");
    assert!(
        recipients["recipients"].as_array().expect("recipients").iter().any(|r| r["organisation"] == "commune:62063")
    );
    let summary = read("resume.pdf");
    if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() && !app.on_postgres() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/access-summary-sample.pdf");
        std::fs::write(path, &summary).expect("sample written");
    }
    if let Some(text) = support::pdf_text(&summary) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Vos données dans le parcours d'intégration",
            "EL AMRANI Samira",
            "Commune de Liège",
            "Santé",
            "Manquements et sanctions",
        ] {
            assert!(flat.contains(expected), "{expected} in {flat}");
        }
    }
    assert_eq!(get_bytes(&app, &path, &app.as_cri("CRILUX")).await.0, 404);
    assert_eq!(get_bytes(&app, &path, &app.as_commune("62063")).await.0, 403);
    let audited =
        app.count_rows(&format!("audit_log WHERE action = 'read_access_package' AND resource_id = '{person}'"));
    assert_eq!(audited, 1);

    // Requests: recorded with the day received; a month to answer, three after a reasoned extension.
    let (other_case, other, _) = obliged_case(&app, 481).await;
    let created = app
        .post(
            &format!("/v1/persons/{other}/data-requests"),
            Some(&cripel),
            None,
            &json!({"kind": "erasure", "received_on": "2026-12-14", "details": "Lettre reçue à l'accueil de Liège."}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["due_on"], "2027-01-14");
    let request_path = created.header("location").expect("Location").to_owned();
    let short =
        app.post(&format!("{request_path}/extension"), Some(&cripel), None, &json!({"reason": "trop court"})).await;
    assert_eq!(short.status, 422, "{}", short.text);
    assert_eq!(short.body["errors"][0]["code"], "reasons_required");
    let extended = app
        .post(
            &format!("{request_path}/extension"),
            Some(&cripel),
            None,
            &json!({"reason": "Dossier réparti entre deux CRI : les données sont à rassembler."}),
        )
        .await;
    assert_eq!(extended.body["due_on"], "2027-03-14", "{}", extended.text);
    // Granting the erasure of a person whose case is open is refused; the refusal is reasoned.
    let grant = json!({"outcome": "granted", "reasons": "La personne a quitté la Belgique, dossier sans objet."});
    let blocked = app.post(&format!("{request_path}/decision"), Some(&cripel), None, &grant).await;
    assert_eq!(blocked.status, 409, "{}", blocked.text);
    assert_eq!(blocked.body["code"], "erasure_blocked");
    assert_eq!(app.count_rows(&format!("cases WHERE id = '{other_case}'")), 1);
    let bare = app.post(&format!("{request_path}/decision"), Some(&cripel), None, &json!({"outcome": "refused"})).await;
    assert_eq!(bare.body["errors"][0]["code"], "reasons_required", "{}", bare.text);
    let refusal = json!({"outcome": "refused", "reasons": "Le traitement est nécessaire au respect d'une obligation légale (RGPD art. 17, §3, b)."});
    let decided = app.post(&format!("{request_path}/decision"), Some(&cripel), None, &refusal).await;
    assert_eq!(decided.status, 200, "{}", decided.text);
    assert_eq!(decided.body["decision"]["outcome"], "refused");
    assert_eq!(decided.body["late"], false);
    assert_eq!(app.post(&format!("{request_path}/decision"), Some(&cripel), None, &refusal).await.status, 422);
    let (status, letter) = get_bytes(&app, &format!("{request_path}/decision-letter"), &cripel).await;
    assert_eq!(status, 200);
    if let Some(text) = support::pdf_text(&letter) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Votre demande d'effacement : notre décision",
            "Votre demande est refusée.",
            "14/03/2027",
            "obligation légale",
            "Autorité de protection des données",
        ] {
            assert!(flat.contains(expected), "{expected} in {flat}");
        }
    }
    assert_eq!(app.get(&request_path, Some(&app.as_cri("CRILUX"))).await.status, 404);
    // An access request left unanswered past its month is flagged late in the CRI's list.
    let access = app
        .post(
            &format!("/v1/persons/{person}/data-requests"),
            Some(&cripel),
            None,
            &json!({"kind": "access", "received_on": today(), "details": "Courriel du 15 décembre."}),
        )
        .await;
    assert_eq!(access.status, 201, "{}", access.text);
    app.state.clock.set("2027-01-20T10:00:00Z".parse().expect("instant"));
    let open = app.get("/v1/data-requests?status=open", Some(&cripel)).await;
    assert_eq!(open.body["items"].as_array().map(Vec::len), Some(1), "{}", open.text);
    assert_eq!(open.body["items"][0]["kind"], "access");
    assert_eq!(open.body["items"][0]["late"], true);
    assert_eq!(app.get("/v1/data-requests", Some(&cripel)).await.body["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(app.get("/v1/data-requests?status=closed", Some(&cripel)).await.status, 400);
}
