//! The seams the second half builds on: concurrency (two clients, two replicas, many threads on one
//! SQLite file), read-only feeds, input hygiene, one error model.

use super::*;
use parcours_api::jobs::{JobKind, run_due};
use support::Reply;

on_both_backends!(
    concurrent_sweeps_and_worker_replicas_record_one_deadline_missed,
    a_concurrent_edit_of_one_case_gives_one_200_and_one_412,
    a_walk_in_and_an_arrival_racing_for_the_same_person_leave_one_open_case,
    reading_the_event_feed_writes_only_its_audit_row,
    an_empty_arrival_lists_every_missing_field_and_a_wrong_type_names_its_field,
    a_nul_in_any_path_query_or_text_field_is_a_problem,
    a_re_enrolment_after_withdrawal_is_a_409_problem,
    operator_attendance_starts_the_training_and_moves_the_etag,
    a_case_stored_in_the_previous_shape_still_loads,
    a_replay_carries_location_and_the_replayed_header_on_every_idempotent_write,
    two_batches_racing_with_one_key_write_once_and_never_answer_500,
    catalogue_reads_need_the_role_of_the_organisation_and_the_inquiry_ends_with_the_enrolment,
    a_page_of_200_cases_costs_the_queries_of_a_page_of_2,
    a_closed_case_cannot_be_enrolled,
);

fn late_newcomer(sequence: u32) -> Value {
    with(
        newcomer(sequence),
        json!({"first_registration_date": "2025-01-10", "title_order_date": "2025-02-01", "legal_stay_start": "2025-01-01"}),
    )
}

fn kinds(timeline: &Reply) -> Vec<String> {
    timeline.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["kind"].as_str().expect("kind").to_owned())
        .collect()
}

async fn concurrent_sweeps_and_worker_replicas_record_one_deadline_missed(app: TestApp) {
    let late = app.report("62063", &late_newcomer(201)).await;
    assert_eq!(late.status, 201, "{}", late.text);
    let case = late.body["case"]["id"].as_str().expect("case").to_owned();
    {
        let mut conn = app.state.store.conn().expect("connection");
        for kind in JobKind::ALL {
            parcours_store::jobs::ensure(&mut conn, kind.code(), app.state.clock.now()).expect("register");
        }
    }
    // Two worker replicas and two bare sweeps, all at once.
    let recorded = app.in_threads(4, |i, sibling| async move {
        if i < 2 {
            run_due(&sibling.state, &format!("replica-{i}")).expect("runner").len()
        } else {
            let mut conn = sibling.state.store.conn().expect("connection");
            parcours_store::cases::sweep_missed_deadlines(
                &mut conn,
                sibling.state.clock.today(),
                sibling.state.clock.now(),
                None,
            )
            .expect("sweep")
        }
    });
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&app.as_cri("CRIPEL"))).await;
    let missed = kinds(&timeline).iter().filter(|k| *k == "deadline_missed").count();
    assert_eq!(missed, 1, "one deadline_missed whatever the race ({recorded:?})");
    let runs: i64 = parcours_store::jobs::list(&mut app.state.store.conn().expect("connection"))
        .expect("jobs")
        .iter()
        .filter(|j| j.kind == "deadline_sweep")
        .map(|j| j.runs)
        .sum();
    assert_eq!(runs, 1, "the two replicas ran the due sweep once");
    let commune = app.get("/v1/events", Some(&app.as_commune("62063"))).await;
    let notices = commune.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["data"]["event_type"] == "deadline_missed")
        .count();
    assert_eq!(notices, 1);
}

async fn a_concurrent_edit_of_one_case_gives_one_200_and_one_412(app: TestApp) {
    let (case, _, version) = obliged_case(&app, 202).await;
    let mut statuses = app.in_threads(2, move |_, sibling| {
        let case = case.clone();
        async move {
            let reply = change(&sibling, "CRIPEL", &case, "presentation", version, json!({"date": today()})).await;
            (reply.status.as_u16(), reply.body["code"].clone(), reply.body["current_version"].clone())
        }
    });
    statuses.sort_by_key(|(status, _, _)| *status);
    assert_eq!(statuses[0].0, 200, "{statuses:?}");
    assert_eq!(statuses[1].0, 412, "{statuses:?}");
    assert_eq!(statuses[1].1, "precondition_failed");
    assert_eq!(statuses[1].2, version + 1);
}

async fn a_walk_in_and_an_arrival_racing_for_the_same_person_leave_one_open_case(app: TestApp) {
    let person = newcomer(203);
    let niss_digits = person["niss"].as_str().expect("niss").to_owned();
    let replies = app.in_threads(2, move |i, sibling| {
        let person = person.clone();
        async move {
            let reply = if i == 0 {
                sibling.report("62063", &person).await
            } else {
                sibling.post("/v1/cases", Some(&sibling.as_cri("CRIPEL")), None, &person).await
            };
            (reply.status.as_u16(), reply.body["code"].clone())
        }
    });
    assert!(replies.iter().all(|(status, _)| *status < 500), "{replies:?}");
    let open = app.count_rows(&format!(
        "cases JOIN persons ON persons.id = cases.person_id WHERE persons.niss = '{niss_digits}' \
         AND cases.state IN ('opened', 'welcome_in_progress', 'convention_signed', 'in_progress')"
    ));
    assert_eq!(open, 1, "{replies:?}");
}

fn fingerprint(app: &TestApp) -> Vec<i64> {
    [
        "audit_log",
        "outbox_events",
        "case_events",
        "cases",
        "jobs",
        "idempotency_keys",
        "persons",
        "determinations",
        "arrivals",
        "cases WHERE presentation_missed_notified",
        "cases WHERE completion_missed_notified_for IS NOT NULL",
        "cases WHERE version > 1",
    ]
    .iter()
    .map(|table| app.count_rows(table))
    .collect()
}

async fn reading_the_event_feed_writes_only_its_audit_row(app: TestApp) {
    app.report("62063", &late_newcomer(204)).await;
    app.report("62063", &newcomer(205)).await;
    let before = fingerprint(&app);
    let mut pages_with_events = 0;
    for token in [app.as_commune("62063"), app.as_cri("CRIPEL")] {
        let page = app.get("/v1/events?limit=200", Some(&token)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        pages_with_events += i64::from(!page.body["items"].as_array().expect("items").is_empty());
    }
    let after = fingerprint(&app);
    assert_eq!(after[1..], before[1..], "a poll changes no row but the audit trail");
    assert_eq!(after[0], before[0] + pages_with_events, "one audit row per page that showed events");
    let before = after;
    assert_eq!(app.run_jobs().len(), JobKind::ALL.len());
    assert_ne!(fingerprint(&app), before, "the sweep job, not the poll, records the missed deadline");
}

async fn an_empty_arrival_lists_every_missing_field_and_a_wrong_type_names_its_field(app: TestApp) {
    let empty = app.report("62063", &json!({})).await;
    assert_eq!(empty.status, 422, "{}", empty.text);
    let fields = empty.error_fields();
    for required in ["birth_date", "domicile_nis", "given_names", "nationality", "niss", "surname"] {
        assert!(fields.iter().any(|f| f == required), "{required} missing from {fields:?}");
    }
    assert!(empty.body["errors"].as_array().expect("errors").iter().all(|e| e["code"] == "required"));
    let typed = app.report("62063", &with(newcomer(206), json!({"birth_date": 5}))).await;
    assert_eq!(typed.status, 422, "{}", typed.text);
    assert_eq!(typed.error_fields(), ["birth_date"]);
    assert_eq!(typed.body["errors"][0]["code"], "invalid_type");
    let blank = app.report("62063", &with(newcomer(207), json!({"surname": "    "}))).await;
    assert_eq!(blank.status, 422, "a surname of spaces is empty: {}", blank.text);
    assert_eq!(blank.error_fields(), ["surname"]);
    let long = app.report("62063", &with(newcomer(208), json!({"surname": "x".repeat(201)}))).await;
    assert_eq!(long.status, 422);
    assert!(long.body["errors"][0]["message"].as_str().expect("message").contains("200"), "{}", long.text);
}

/// Replaces every `{param}` of a contract path with a value holding NUL.
fn with_nul_parameters(template: &str) -> String {
    template.split('/').map(|part| if part.starts_with('{') { "abc%00def" } else { part }).collect::<Vec<_>>().join("/")
}

async fn a_nul_in_any_path_query_or_text_field_is_a_problem(app: TestApp) {
    // Every operation of the contract, with NUL in each path parameter (or, without one, in a query
    // parameter): a 400 problem before anything reaches the database.
    let contract = parcours_api::openapi();
    let token = app.as_cri("CRIPEL");
    let mut walked = 0;
    for (template, item) in &contract.paths.paths {
        let methods = [
            ("get", item.get.is_some()),
            ("post", item.post.is_some()),
            ("put", item.put.is_some()),
            ("delete", item.delete.is_some()),
        ];
        for (method, present) in methods {
            if !present {
                continue;
            }
            let uri = if template.contains('{') {
                with_nul_parameters(template)
            } else {
                format!("{template}?after=x%00y&limit=5")
            };
            let req = match method {
                "get" => TestRequest::get(),
                "post" => TestRequest::post(),
                "put" => TestRequest::put(),
                _ => TestRequest::delete(),
            }
            .uri(&uri)
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("If-Match", "\"1\""))
            .insert_header(("Idempotency-Key", "nul-walk"))
            .set_json(json!({}));
            let reply = app.send(req).await;
            assert_eq!(reply.status, 400, "{method} {uri}: {}", reply.text);
            assert_eq!(reply.body["code"], "invalid_parameter", "{method} {uri}");
            walked += 1;
        }
    }
    assert!(walked >= 30, "walked {walked} operations");
    // Text fields: NUL, a line break in a name, a bidirectional override.
    for (field, value, code) in [
        ("surname", "El\u{0}Amrani", "nul_character"),
        ("given_names", "Sam\nira", "control_character"),
        ("surname", "\u{202E}inarmA lE", "bidi_override"),
    ] {
        let reply = app.report("62063", &with(newcomer(209), json!({ field: value }))).await;
        assert_eq!(reply.status, 422, "{field}: {}", reply.text);
        assert_eq!(reply.error_fields(), [field]);
        assert_eq!(reply.body["errors"][0]["code"], code);
    }
    let nested = app.report("62063", &with(newcomer(210), json!({"contact": {"email": "a\u{0}@example.org"}}))).await;
    assert_eq!(nested.error_fields(), ["contact.email"]);
    // Line breaks are part of the text in notes; NUL is not.
    let (case, _, v) = obliged_case(&app, 211).await;
    let v = step(&app, "CRIPEL", &case, "presentation", v, json!({"date": today()})).await;
    let noted = change(
        &app,
        "CRIPEL",
        &case,
        "social-assessment",
        v,
        json!({"date": today(), "needs": [], "sensitive_notes": "ligne 1\nligne 2\u{0}"}),
    )
    .await;
    assert_eq!(noted.status, 422);
    assert_eq!(noted.body["errors"][0]["code"], "nul_character");
    let noted = change(
        &app,
        "CRIPEL",
        &case,
        "social-assessment",
        v,
        json!({"date": today(), "needs": [], "sensitive_notes": "ligne 1\nligne 2"}),
    )
    .await;
    assert_eq!(noted.status, 200, "{}", noted.text);
    // Attendance, JSON and CSV.
    let (_, school) = operator(&app, "École NUL", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 5).await;
    let rows = json!({"rows": [{"case_reference": "CRIPEL-2026-0\u{0}", "session_id": sessions[0], "status": "present", "hours": 1.0}]});
    let reply =
        post_attendance(&app, &school, &course_id, "nul-1", "all_or_nothing", "application/json", rows.to_string())
            .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.error_fields(), ["rows[0].case_reference"]);
    let csv = format!("case_reference,session_id,status,hours\nCRIPEL\u{0}-1,{},present,1\n", sessions[0]);
    let reply = post_attendance(&app, &school, &course_id, "nul-2", "all_or_nothing", "text/csv", csv).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["errors"][0]["code"], "nul_character");
}

async fn a_re_enrolment_after_withdrawal_is_a_409_problem(app: TestApp) {
    let (_, school) = operator(&app, "École B", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 5).await;
    let cri = app.as_cri("CRIPEL");
    let arrival = app.report("62063", &newcomer(212)).await;
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    let reference = arrival.body["case"]["reference"].as_str().expect("reference").to_owned();
    let enrolled =
        app.post(&format!("/v1/courses/{course_id}/enrolments"), Some(&cri), None, &json!({"case_id": case})).await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.text);
    let enrolment = enrolled.body["id"].as_str().expect("enrolment id").to_owned();
    // Attended once, then withdrawn: the enrolment stays (its attendance proves hours), so a new one
    // for the same course is a duplicate, told as such.
    let rows =
        json!({"rows": [{"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 2.0}]});
    let posted =
        post_attendance(&app, &school, &course_id, "re-1", "all_or_nothing", "application/json", rows.to_string())
            .await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    let withdrawn = app.post(&format!("/v1/enrolments/{enrolment}/withdrawal"), Some(&cri), None, &json!({})).await;
    assert!(withdrawn.status.is_success(), "{}", withdrawn.text);
    let again =
        app.post(&format!("/v1/courses/{course_id}/enrolments"), Some(&cri), None, &json!({"case_id": case})).await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["code"], "already_enrolled", "{}", again.text);
}

/// 16 writers (arrivals, case changes, attendance) and 8 readers (cases, timelines) on one SQLite file:
/// every request answered, none with `SQLITE_BUSY`, none with a 5xx.
#[actix_web::test]
async fn sixteen_writers_and_eight_readers_on_one_sqlite_file_get_no_busy_and_no_500() {
    let app = TestApp::sqlite();
    let (_, school) = operator(&app, "École C", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 20).await;
    let mut attendees = Vec::new();
    for i in 0..5 {
        attendees.push(participant(&app, &course_id, 220 + i).await.1);
    }
    let mut edited = Vec::new();
    for i in 0..5 {
        let (case, _, v) = obliged_case(&app, 230 + i).await;
        edited.push((case, v));
    }
    let shared = std::sync::Arc::new((school, course_id, sessions, attendees, edited));
    let statuses = app.in_threads(24, move |i, client| {
        let shared = std::sync::Arc::clone(&shared);
        async move {
            let (school, course_id, sessions, attendees, edited) = &*shared;
            let mut seen = Vec::new();
            match i {
                0..=5 => {
                    for n in 0..6 {
                        let sequence = 300 + (i as u32) * 10 + n;
                        seen.push(client.report("62063", &newcomer(sequence)).await.status.as_u16());
                    }
                }
                6..=10 => {
                    let (case, mut v) = edited[i - 6].clone();
                    let t = today();
                    let steps = [
                        ("presentation", json!({"date": t})),
                        ("rights-information", json!({"date": t, "format": "individual"})),
                        ("social-assessment", json!({"date": t, "needs": []})),
                        ("french-test", json!({"date": t, "tool": "ELAO", "level": "A1"})),
                        ("administrative-help", json!({"date": t, "topic": "Forem"})),
                        ("administrative-help", json!({"date": t, "topic": "CPAS"})),
                    ];
                    for (path, body) in steps {
                        let reply = change(&client, "CRIPEL", &case, path, v, body).await;
                        if let Some(next) = reply.body["version"].as_i64() {
                            v = next;
                        }
                        seen.push(reply.status.as_u16());
                    }
                }
                11..=15 => {
                    let reference = &attendees[i - 11];
                    for n in 0..6 {
                        let rows = json!({"rows": [{"case_reference": reference, "session_id": sessions[n % 2], "status": "present", "hours": 1.0 + (n as f64) / 4.0}]});
                        let key = format!("load-{i}-{n}");
                        let reply = post_attendance(
                            &client,
                            school,
                            course_id,
                            &key,
                            "all_or_nothing",
                            "application/json",
                            rows.to_string(),
                        )
                        .await;
                        seen.push(reply.status.as_u16());
                    }
                }
                _ => {
                    let cri = client.as_cri("CRIPEL");
                    for n in 0..8 {
                        let case = &edited[(i + n) % edited.len()].0;
                        let path =
                            if n % 2 == 0 { format!("/v1/cases/{case}") } else { format!("/v1/cases/{case}/timeline") };
                        seen.push(client.get(&path, Some(&cri)).await.status.as_u16());
                    }
                }
            }
            seen
        }
    });
    let all: Vec<u16> = statuses.iter().flatten().copied().collect();
    assert!(all.len() >= 160, "{} requests", all.len());
    assert!(all.iter().all(|s| (200..300).contains(s)), "every request succeeds: {statuses:?}");
}

async fn operator_attendance_starts_the_training_and_moves_the_etag(app: TestApp) {
    let (_, school) = operator(&app, "École D", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 5).await;
    let (case, reference) = participant(&app, &course_id, 240).await;
    let cri = app.as_cri("CRIPEL");
    let read = app.get(&format!("/v1/cases/{case}"), Some(&cri)).await;
    let signed = through_convention(&app, &case, read.body["version"].as_i64().expect("version")).await;
    let before = app.get(&format!("/v1/cases/{case}"), Some(&cri)).await;
    assert_eq!(before.body["state"], "convention_signed");
    assert_eq!(before.etag_version(), Some(signed));
    let rows =
        json!({"rows": [{"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 3.0}]});
    let posted =
        post_attendance(&app, &school, &course_id, "start-1", "all_or_nothing", "application/json", rows.to_string())
            .await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    let after = app.get(&format!("/v1/cases/{case}"), Some(&cri)).await;
    assert_eq!(after.body["state"], "in_progress");
    assert_eq!(after.body["version"], signed + 1);
    assert_eq!(after.etag_version(), Some(signed + 1));
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&cri)).await;
    let steps = kinds(&timeline);
    assert_eq!(&steps[steps.len() - 2..], ["attendance_recorded", "training_started"]);
    // An edit with the ETag read before the attendance is now stale.
    let stale =
        change(&app, "CRIPEL", &case, "administrative-help", signed, json!({"date": today(), "topic": "Forem"})).await;
    assert_eq!(stale.status, 412);
    // A read names its representation: that ETag again is 304 without a body, the one read before the
    // attendance is a 200.
    let etag = after.header("etag").expect("ETag").to_owned();
    assert_ne!(before.header("etag"), Some(etag.as_str()), "the hours changed, so did the ETag");
    let conditional = |tag: &str| {
        TestRequest::get()
            .uri(&format!("/v1/cases/{case}"))
            .insert_header(("Authorization", format!("Bearer {cri}")))
            .insert_header(("If-None-Match", tag.to_owned()))
    };
    let unchanged = app.send(conditional(&format!("\"other\", {etag}"))).await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.text.is_empty());
    assert_eq!(unchanged.header("etag"), Some(etag.as_str()));
    assert_eq!(unchanged.header("cache-control"), Some("no-store"));
    let older = app.send(conditional(before.header("etag").expect("ETag"))).await;
    assert_eq!(older.status, 200);
    // The same ETag works in If-Match.
    let helped = app
        .send(
            TestRequest::post()
                .uri(&format!("/v1/cases/{case}/administrative-help"))
                .insert_header(("Authorization", format!("Bearer {cri}")))
                .insert_header(("If-Match", etag.clone()))
                .set_json(json!({"date": today(), "topic": "Forem"})),
        )
        .await;
    assert_eq!(helped.status, 200, "{}", helped.text);
    // Time alone changes the representation (the review falls due): a new ETag on the same version.
    let fresh = app.get(&format!("/v1/cases/{case}"), Some(&cri)).await;
    assert_eq!(fresh.body["review_overdue"], false);
    app.state.clock.set("2028-06-01T10:00:00Z".parse().expect("instant"));
    let overdue = app.get(&format!("/v1/cases/{case}"), Some(&cri)).await;
    assert_eq!(overdue.body["review_overdue"], true);
    assert_eq!(overdue.body["version"], fresh.body["version"]);
    assert_ne!(overdue.header("etag"), fresh.header("etag"));
    assert_eq!(app.send(conditional(fresh.header("etag").expect("ETag"))).await.status, 200);
}

async fn a_case_stored_in_the_previous_shape_still_loads(app: TestApp) {
    use diesel::RunQueryDsl;
    let (case, _, version) = obliged_case(&app, 241).await;
    // Rewrite the row as releases before the envelope wrote it: the bare aggregate.
    let mut conn = app.state.store.conn().expect("connection");
    let stored: Vec<StoredCase> =
        diesel::sql_query(format!("SELECT state_json FROM cases WHERE id = '{case}'")).load(&mut conn).expect("read");
    let envelope: Value = serde_json::from_str(&stored[0].state_json).expect("json");
    assert_eq!(envelope["envelope_version"], 2);
    let bare = envelope["case"].to_string().replace('\'', "''");
    diesel::sql_query(format!("UPDATE cases SET state_json = '{bare}' WHERE id = '{case}'"))
        .execute(&mut conn)
        .expect("write");
    drop(conn);
    let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.body["state"], "opened");
    step(&app, "CRIPEL", &case, "presentation", version, json!({"date": today()})).await;
}

#[derive(diesel::QueryableByName)]
struct StoredCase {
    #[diesel(sql_type = diesel::sql_types::Text)]
    state_json: String,
}

async fn a_replay_carries_location_and_the_replayed_header_on_every_idempotent_write(app: TestApp) {
    let token = app.as_commune("62063");
    let body = newcomer(250);
    let first = app.post("/v1/arrivals", Some(&token), Some("same-key"), &body).await;
    let again = app.post("/v1/arrivals", Some(&token), Some("same-key"), &body).await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert!(first.header("location").is_some());
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.body, first.body);
    // Operator registration and course publication accept a key too.
    let region = app.as_region();
    let operator_body = json!({"name": "École E", "enterprise_number": "0123.456.749", "axes": ["french"], "cri_territories": ["CRIPEL"]});
    let registered = app.post("/v1/operators", Some(&region), Some("op-1"), &operator_body).await;
    let replayed = app.post("/v1/operators", Some(&region), Some("op-1"), &operator_body).await;
    assert_eq!(registered.status, 201, "{}", registered.text);
    assert_eq!(replayed.status, 201, "a replay, not a 409 operator_exists: {}", replayed.text);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(replayed.header("location"), registered.header("location"));
    let other =
        app.post("/v1/operators", Some(&region), Some("op-1"), &with(operator_body, json!({"name": "École F"}))).await;
    assert_eq!(other.status, 422);
    assert_eq!(other.body["code"], "idempotency_key_reused");
}

async fn two_batches_racing_with_one_key_write_once_and_never_answer_500(app: TestApp) {
    let (_, school) = operator(&app, "École G", "0123.456.749").await;
    let (course_id, sessions) = course(&app, &school, 5).await;
    let (_, reference) = participant(&app, &course_id, 251).await;
    let rows =
        json!({"rows": [{"case_reference": reference, "session_id": sessions[0], "status": "present", "hours": 2.0}]})
            .to_string();
    let shared = std::sync::Arc::new((school, course_id.clone(), rows));
    let replies = app.in_threads(2, move |_, client| {
        let shared = std::sync::Arc::clone(&shared);
        async move {
            let (school, course_id, rows) = &*shared;
            let reply = post_attendance(
                &client,
                school,
                course_id,
                "race-1",
                "all_or_nothing",
                "application/json",
                rows.clone(),
            )
            .await;
            (reply.status.as_u16(), reply.header("idempotent-replayed").map(str::to_owned), reply.body["code"].clone())
        }
    });
    assert!(replies.iter().all(|(status, _, _)| *status == 200 || *status == 409), "{replies:?}");
    assert!(replies.iter().any(|(status, replayed, _)| *status == 200 && replayed.is_none()), "{replies:?}");
    for (status, replayed, code) in &replies {
        if *status == 409 {
            assert_eq!(code, "idempotency_key_in_progress");
        } else if replayed.is_some() {
            assert_eq!(replayed.as_deref(), Some("true"));
        }
    }
    assert_eq!(app.count_rows(&format!("attendance_records WHERE course_id = '{course_id}'")), 1);
}

async fn catalogue_reads_need_the_role_of_the_organisation_and_the_inquiry_ends_with_the_enrolment(app: TestApp) {
    let (operator_id, school) = operator(&app, "École H", "0123.456.749").await;
    let (course_id, _) = course(&app, &school, 5).await;
    // The right organisation with the wrong role is refused before anything is read.
    let cri_without_role = app.token("cri:CRIPEL", &["operator_agent"]);
    let operator_without_role = app.token(&format!("operator:{operator_id}"), &["cri_agent"]);
    for path in ["/v1/courses".to_owned(), format!("/v1/courses/{course_id}"), format!("/v1/operators/{operator_id}")] {
        for token in [&cri_without_role, &operator_without_role] {
            assert_eq!(app.get(&path, Some(token)).await.status, 403, "{path}");
        }
        assert_eq!(app.get(&path, Some(&app.as_cri("CRIPEL"))).await.status, 200, "{path}");
    }
    assert_eq!(app.get("/v1/events", Some(&app.token("commune:62063", &["cri_agent"]))).await.status, 403);
    // The inquiry answers while the person is enrolled, and no longer once they withdrew.
    let arrival = app.report("62063", &newcomer(252)).await;
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    let reference = arrival.body["case"]["reference"].as_str().expect("reference").to_owned();
    let cri = app.as_cri("CRIPEL");
    let enrolled =
        app.post(&format!("/v1/courses/{course_id}/enrolments"), Some(&cri), None, &json!({"case_id": case})).await;
    let enrolment = enrolled.body["id"].as_str().expect("enrolment").to_owned();
    let asked = app.post("/v1/participants/inquiry", Some(&school), None, &json!({"case_reference": reference})).await;
    assert_eq!(asked.status, 200, "{}", asked.text);
    let withdrawn = app.post(&format!("/v1/enrolments/{enrolment}/withdrawal"), Some(&cri), None, &json!({})).await;
    assert!(withdrawn.status.is_success(), "{}", withdrawn.text);
    let after = app.post("/v1/participants/inquiry", Some(&school), None, &json!({"case_reference": reference})).await;
    assert_eq!(after.status, 404, "{}", after.text);
}

/// With one RS256 key configured, a token whose `kid` names another key is refused (it was accepted
/// before: the single key was used whatever the `kid`).
#[actix_web::test]
async fn an_unknown_kid_is_refused_even_with_a_single_key() {
    use base64::Engine;
    let rs = TestApp::sqlite_with(TestApp::rs256_config());
    let good = rs.as_commune("62063");
    assert_eq!(rs.get("/v1/arrivals", Some(&good)).await.status, 200);
    let payload = good.split('.').nth(1).expect("payload");
    let claims: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64"))
            .expect("claims");
    let private =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rsa-private.pem")).expect("key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("retired-key".into());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(private.as_bytes()).expect("pem");
    let forged = jsonwebtoken::encode(&header, &claims, &key).expect("sign");
    let reply = rs.get("/v1/arrivals", Some(&forged)).await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    assert_eq!(reply.body["detail"], "Clé de signature inconnue (kid).");
}

#[derive(Clone, Default)]
struct QueryCounter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl diesel::connection::Instrumentation for QueryCounter {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Queries that one call of the store's case list makes, for a page of `limit`.
fn queries_for_a_page(app: &TestApp, limit: i64) -> (usize, usize) {
    use diesel::Connection;
    let counter = QueryCounter::default();
    let mut conn = app.state.store.conn().expect("connection");
    conn.set_instrumentation(counter.clone());
    let actor = parcours_store::audit::Actor {
        subject: "test".into(),
        organisation: "cri:CRIPEL".into(),
        role: "cri_staff".into(),
        request_id: "count".into(),
        client_request_id: None,
        route: None,
    };
    let filter = parcours_store::cases::CaseFilter::default();
    let page = parcours_store::cases::list_cases(&mut conn, "CRIPEL", &filter, limit, &actor, app.state.clock.now())
        .expect("list");
    (page.len(), counter.0.load(std::sync::atomic::Ordering::Relaxed))
}

async fn a_page_of_200_cases_costs_the_queries_of_a_page_of_2(app: TestApp) {
    let report = |i: u32| with(newcomer(1), json!({"niss": niss("910611", (i + 1) * 2), "birth_date": "1991-06-11"}));
    for i in 0..2 {
        assert_eq!(app.report("62063", &report(i)).await.status, 201);
    }
    let (two, small) = queries_for_a_page(&app, 200);
    assert_eq!(two, 2);
    for i in 2..200 {
        assert_eq!(app.report("62063", &report(i)).await.status, 201);
    }
    let (all, large) = queries_for_a_page(&app, 200);
    assert_eq!(all, 200);
    assert_eq!(large, small, "a page of 200 costs the {small} queries of a page of 2");
    // And over HTTP the page answers with every case and its person.
    let page = app.get("/v1/cases?limit=200", Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(200));
}

async fn a_closed_case_cannot_be_enrolled(app: TestApp) {
    let (_, school) = operator(&app, "École I", "0123.456.749").await;
    let (course_id, _) = course(&app, &school, 5).await;
    // A Turkish national is dispensed (D10); a voluntary case opens on request and can be withdrawn.
    let arrival =
        app.report("62063", &with(newcomer(253), json!({"nationality": "TUR", "volunteer_request": true}))).await;
    assert_eq!(arrival.status, 201, "{}", arrival.text);
    let case = arrival.body["case"]["id"].as_str().expect("voluntary case").to_owned();
    let read = app.get(&format!("/v1/cases/{case}"), Some(&app.as_cri("CRIPEL"))).await;
    let version = read.body["version"].as_i64().expect("version");
    let closed =
        change(&app, "CRIPEL", &case, "closure", version, json!({"date": today(), "reason": "withdrew_voluntary"}))
            .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let refused = app
        .post(
            &format!("/v1/courses/{course_id}/enrolments"),
            Some(&app.as_cri("CRIPEL")),
            None,
            &json!({"case_id": case}),
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.text);
    assert_eq!(refused.body["code"], "illegal_transition");
    assert_eq!(refused.body["current_state"], "closed");
}
