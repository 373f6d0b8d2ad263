//! The welcome office through the API, on both backends: an office, its slots, appointments booked, moved,
//! cancelled and attended, a collective session, interpreters, the invitation letter, the reminder the day
//! before, the office's day as iCalendar; and nobody but the office's CRI sees any of it.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use super::obliged_case;
use super::support::{self, TestApp};
use crate::on_both_backends;

on_both_backends!(
    a_full_welcome_module_through_appointments_and_a_collective_session_with_an_interpreter,
    slots_and_sessions_refuse_conflicts_and_another_cri_sees_nothing,
);

fn office_body() -> Value {
    json!({"name": "Bureau d'accueil de Liège", "street": "Place Xavier Neujean 19b", "postal_code": "4000",
           "locality": "Liège", "opening_hours": [{"weekday": "monday", "opens": "09:00", "closes": "16:00"}],
           "communes": ["62063"], "languages": ["ar", "en"]})
}

async fn office(app: &TestApp) -> String {
    let created = app.post("/v1/offices", Some(&app.as_cri("CRIPEL")), None, &office_body()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.etag_version(), Some(1));
    let id = created.body["id"].as_str().expect("id").to_owned();
    assert_eq!(created.header("location"), Some(format!("/v1/offices/{id}").as_str()));
    id
}

/// Opens slots; their ids in order.
async fn slots(app: &TestApp, office: &str, slots: Value) -> Vec<String> {
    let path = format!("/v1/offices/{office}/slots");
    let created = app.post(&path, Some(&app.as_cri("CRIPEL")), None, &json!({"slots": slots})).await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["items"].as_array().expect("items").iter().map(|s| s["id"].as_str().expect("id").to_owned()).collect()
}

async fn book(app: &TestApp, case: &str, slot: &str) -> support::Reply {
    app.post(&format!("/v1/cases/{case}/appointments"), Some(&app.as_cri("CRIPEL")), None, &json!({"slot_id": slot}))
        .await
}

async fn timeline_kinds(app: &TestApp, case: &str) -> Vec<String> {
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&app.as_cri("CRIPEL"))).await;
    assert_eq!(timeline.status, 200, "{}", timeline.text);
    timeline.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["kind"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn at(instant: &str) -> chrono::DateTime<chrono::Utc> {
    instant.parse().expect("instant")
}

async fn a_full_welcome_module_through_appointments_and_a_collective_session_with_an_interpreter(app: TestApp) {
    let cripel = app.as_cri("CRIPEL");
    let office = office(&app).await;
    let (case, person, _) = obliged_case(&app, 460).await;
    let (other, _, _) = obliged_case(&app, 461).await;
    let present_by = app.get(&format!("/v1/cases/{other}"), Some(&cripel)).await.body["deadlines"][0].clone();
    assert_eq!(present_by["kind"], "present_by");
    let ids = slots(
        &app,
        &office,
        json!([
            {"kind": "social_assessment", "starts_at": "2026-12-16T09:30:00+01:00", "staff_ref": "agent-07"},
            {"kind": "social_assessment", "starts_at": "2026-12-17T09:30:00+01:00", "staff_ref": "agent-07"},
            {"kind": "french_test", "starts_at": "2026-12-18T09:30:00+01:00", "minutes": 60, "staff_ref": "agent-08"},
            {"kind": "french_test", "starts_at": "2026-12-18T11:00:00+01:00", "minutes": 60, "staff_ref": "agent-08"}
        ]),
    )
    .await;
    let (first, second, test_a, test_b) = (&ids[0], &ids[1], &ids[2], &ids[3]);

    // Booked on the 16th, moved to the 17th: the 16th is free again and another case takes it, then cancels.
    let booked = book(&app, &case, first).await;
    assert_eq!(booked.status, 201, "{}", booked.text);
    let appointment = booked.body["id"].as_str().expect("id").to_owned();
    assert_eq!(booked.header("location"), Some(format!("/v1/appointments/{appointment}").as_str()));
    assert_eq!(booked.body["slot"]["starts_at_local"], "2026-12-16T09:30:00+01:00");
    let taken = book(&app, &other, first).await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    assert_eq!(taken.body["code"], "slot_taken");
    let moved = app
        .post(&format!("/v1/appointments/{appointment}/rescheduling"), Some(&cripel), None, &json!({"slot_id": second}))
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["slot"]["id"], second.as_str());
    let other_booking = book(&app, &other, first).await;
    assert_eq!(other_booking.status, 201, "the old slot is free again: {}", other_booking.text);
    let other_appointment = other_booking.body["id"].as_str().expect("id").to_owned();
    let cancelled =
        app.post(&format!("/v1/appointments/{other_appointment}/cancellation"), Some(&cripel), None, &json!({})).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_eq!(cancelled.body["status"], "cancelled");
    let day = app.get(&format!("/v1/offices/{office}/day?date=2026-12-16"), Some(&cripel)).await;
    assert_eq!(day.status, 200, "{}", day.text);
    assert_eq!(day.body["slots"][0]["appointment"], Value::Null, "a cancelled appointment frees its slot");

    // An interpreter for the social assessment: requested, confirmed, on the invitation.
    let asked = app
        .post(
            "/v1/interpreting-requests",
            Some(&cripel),
            None,
            &json!({"appointment_id": appointment, "language": "ar", "mode": "on_site"}),
        )
        .await;
    assert_eq!(asked.status, 201, "{}", asked.text);
    let request = asked.body["id"].as_str().expect("id").to_owned();
    let open = app.get("/v1/interpreting-requests", Some(&cripel)).await;
    assert!(open.text.contains(&request), "{}", open.text);
    let status = format!("/v1/interpreting-requests/{request}/status");
    let early_done = app.post(&status, Some(&cripel), None, &json!({"status": "done"})).await;
    assert_eq!(early_done.status, 409, "{}", early_done.text);
    let confirmed = app
        .post(&status, Some(&cripel), None, &json!({"status": "confirmed", "provider_reference": "SETIS-1187"}))
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    let letter = format!("/v1/appointments/{appointment}/invitation-letter");
    let auth = ("Authorization", format!("Bearer {cripel}"));
    let (code, pdf) = app.send_raw(TestRequest::get().uri(&letter).insert_header(auth.clone())).await;
    assert_eq!(code, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = support::pdf_text(&pdf) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in
            ["Place Xavier Neujean 19b", "4000 Liège", "17/12/2026 à 09:30", "Un interprète (ar)", "Bilan social"]
        {
            assert!(flat.contains(expected), "{expected} missing: {flat}");
        }
        assert!(flat.contains("au plus tard le"), "the presentation deadline: {flat}");
    }

    // The reminder the day before, once.
    app.state.clock.set(at("2026-12-16T10:00:00Z"));
    app.run_jobs();
    app.run_jobs();
    let kinds = timeline_kinds(&app, &case).await;
    assert_eq!(kinds.iter().filter(|k| *k == "appointment_reminder_due").count(), 1, "{kinds:?}");

    // Attended: the presentation and the social assessment, dated the 17th, with the interpreter.
    app.state.clock.set(at("2026-12-17T10:30:00Z"));
    let outcome = format!("/v1/appointments/{appointment}/outcome");
    let attended = app
        .post(
            &outcome,
            Some(&cripel),
            None,
            &json!({"outcome": "attended", "needs": ["housing"], "sensitive_notes": "Logement."}),
        )
        .await;
    assert_eq!(attended.status, 200, "{}", attended.text);
    assert_eq!(attended.body["appointment"]["status"], "attended");
    let after = &attended.body["case"];
    assert_eq!(after["state"], "welcome_in_progress");
    assert_eq!(after["details"]["presentation"]["date"], "2026-12-17");
    assert_eq!(after["details"]["social_assessment"]["date"], "2026-12-17");
    assert_eq!(after["details"]["interpreter_uses"][0]["language"], "ar");
    assert_eq!(attended.etag_version(), after["version"].as_i64());
    let twice = app.post(&outcome, Some(&cripel), None, &json!({"outcome": "no_show"})).await;
    assert_eq!(twice.status, 409, "{}", twice.text);
    let done = app.post(&status, Some(&cripel), None, &json!({"status": "done"})).await;
    assert_eq!(done.status, 200, "{}", done.text);

    // French tests on the 18th: one attended with its level, the other case a no-show.
    for (who, slot) in [(&case, test_a), (&other, test_b)] {
        assert_eq!(book(&app, who, slot).await.status, 201);
    }
    app.state.clock.set(at("2026-12-18T11:30:00Z"));
    let appointments = app.get(&format!("/v1/cases/{case}/appointments"), Some(&cripel)).await;
    assert_eq!(appointments.body["items"].as_array().map(Vec::len), Some(2), "{}", appointments.text);
    let test_appointment = appointments.body["items"][0]["id"].as_str().expect("id").to_owned();
    let mismatch = app
        .post(
            &format!("/v1/appointments/{test_appointment}/outcome"),
            Some(&cripel),
            None,
            &json!({"outcome": "attended"}),
        )
        .await;
    assert_eq!(mismatch.status, 422, "{}", mismatch.text);
    let tested = app
        .post(
            &format!("/v1/appointments/{test_appointment}/outcome"),
            Some(&cripel),
            None,
            &json!({"outcome": "attended", "tool": "ELAO", "level": "A1"}),
        )
        .await;
    assert_eq!(tested.status, 200, "{}", tested.text);
    assert_eq!(tested.body["case"]["details"]["french_test"]["level"], "A1");
    let others = app.get(&format!("/v1/cases/{other}/appointments"), Some(&cripel)).await;
    let missed = others.body["items"][0]["id"].as_str().expect("id").to_owned();
    let no_show = app
        .post(&format!("/v1/appointments/{missed}/outcome"), Some(&cripel), None, &json!({"outcome": "no_show"}))
        .await;
    assert_eq!(no_show.status, 200, "{}", no_show.text);
    assert_eq!(no_show.body["case"]["state"], "opened", "a no-show is not a presentation");
    assert_eq!(no_show.body["case"]["details"]["no_shows"], 1);
    assert_eq!(no_show.body["case"]["deadlines"][0], present_by, "the presentation deadline keeps running");

    // A collective session on the 19th with a video interpreter: rights and duties, collective.
    let session = app
        .post(
            &format!("/v1/offices/{office}/sessions"),
            Some(&cripel),
            None,
            &json!({"starts_at": "2026-12-19T14:00:00+01:00", "minutes": 120, "language": "fr", "capacity": 12}),
        )
        .await;
    assert_eq!(session.status, 201, "{}", session.text);
    let session_id = session.body["id"].as_str().expect("id").to_owned();
    let enrolled = app
        .post(
            &format!("/v1/collective-sessions/{session_id}/enrolments"),
            Some(&cripel),
            None,
            &json!({"case_id": case}),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.text);
    let interpreter = app
        .post(
            "/v1/interpreting-requests",
            Some(&cripel),
            None,
            &json!({"session_id": session_id, "language": "uk", "mode": "video"}),
        )
        .await;
    assert_eq!(interpreter.status, 201, "{}", interpreter.text);
    let session_request = interpreter.body["id"].as_str().expect("id").to_owned();
    let confirm = format!("/v1/interpreting-requests/{session_request}/status");
    assert_eq!(app.post(&confirm, Some(&cripel), None, &json!({"status": "confirmed"})).await.status, 200);
    app.state.clock.set(at("2026-12-19T15:30:00Z"));
    let attendance = app
        .post(
            &format!("/v1/collective-sessions/{session_id}/attendance"),
            Some(&cripel),
            None,
            &json!({"attended": [case], "absent": []}),
        )
        .await;
    assert_eq!(attendance.status, 200, "{}", attendance.text);
    assert_eq!(attendance.body["enrolments"][0]["status"], "attended");
    let read = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await;
    let details = &read.body["details"];
    assert_eq!(details["rights_information"]["format"], "collective");
    assert_eq!(details["rights_information"]["interpreter_language"], "uk");
    assert_eq!(details["interpreter_uses"].as_array().map(Vec::len), Some(2));
    // The welcome module is complete: the convention can be signed.
    let version = read.body["version"].as_i64().expect("version");
    let signed = super::change(
        &app,
        "CRIPEL",
        &case,
        "convention",
        version,
        json!({"signed_on": "2026-12-19", "french": "required", "orientation_needed": false}),
    )
    .await;
    assert_eq!(signed.status, 200, "{}", signed.text);

    // Her right of access: the appointments and the interpreting asked for her are in her file.
    let package = format!("/v1/persons/{person}/access-package");
    let auth = ("Authorization", format!("Bearer {cripel}"));
    let (code, bytes) = app.send_raw(TestRequest::get().uri(&package).insert_header(auth)).await;
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&bytes));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("donnees.json").expect("data"), &mut data).expect("read");
    let data: Value = serde_json::from_slice(&data).expect("JSON");
    assert_eq!(
        data["categories"]["pathway"]["appointments"].as_array().map(Vec::len),
        Some(2),
        "{}",
        data["categories"]
    );
    assert_eq!(data["categories"]["social"]["interpreting_requests"][0]["language"], "ar", "{}", data["categories"]);

    let kinds = timeline_kinds(&app, &case).await;
    for kind in [
        "appointment_booked",
        "appointment_moved",
        "appointment_reminder_due",
        "presentation_recorded",
        "social_assessment_done",
        "appointment_attended",
        "interpreter_used",
        "french_test_taken",
        "rights_information_given",
        "convention_signed",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} missing: {kinds:?}");
    }
    let other_kinds = timeline_kinds(&app, &other).await;
    for kind in ["appointment_cancelled", "appointment_no_show"] {
        assert!(other_kinds.iter().any(|k| k == kind), "{kind} missing: {other_kinds:?}");
    }
}

async fn slots_and_sessions_refuse_conflicts_and_another_cri_sees_nothing(app: TestApp) {
    let cripel = app.as_cri("CRIPEL");
    let cric = app.as_cri("CRIC");
    // An office serves only its CRI's communes.
    let outside = app.post("/v1/offices", Some(&cric), None, &office_body()).await;
    assert_eq!(outside.status, 422, "{}", outside.text);
    assert_eq!(outside.body["errors"][0]["code"], "commune_outside_territory", "{}", outside.text);
    let office = office(&app).await;
    let ids = slots(
        &app,
        &office,
        json!([{"kind": "social_assessment", "starts_at": "2026-12-16T09:30:00+01:00", "staff_ref": "agent-07"},
               {"kind": "individual_information", "starts_at": "2026-12-16T14:00:00+01:00", "staff_ref": "agent-07"}]),
    )
    .await;
    // The same staff member cannot hold two slots at once, and nothing of the refused request is kept.
    let overlapping = app
        .post(
            &format!("/v1/offices/{office}/slots"),
            Some(&cripel),
            None,
            &json!({"slots": [{"kind": "french_test", "starts_at": "2026-12-16T13:00:00+01:00", "staff_ref": "agent-09"},
                              {"kind": "french_test", "starts_at": "2026-12-16T10:00:00+01:00", "staff_ref": "agent-07"}]}),
        )
        .await;
    assert_eq!(overlapping.status, 409, "{}", overlapping.text);
    assert_eq!(overlapping.body["code"], "staff_already_booked");
    let day = app.get(&format!("/v1/offices/{office}/day?date=2026-12-16"), Some(&cripel)).await;
    assert_eq!(day.body["slots"].as_array().map(Vec::len), Some(2), "{}", day.text);

    // A session over capacity.
    let (first, _, _) = obliged_case(&app, 462).await;
    let (second, _, _) = obliged_case(&app, 463).await;
    let session = app
        .post(
            &format!("/v1/offices/{office}/sessions"),
            Some(&cripel),
            None,
            &json!({"starts_at": "2026-12-17T14:00:00+01:00", "minutes": 90, "language": "fr", "capacity": 1}),
        )
        .await;
    let session_id = session.body["id"].as_str().expect("id").to_owned();
    let enrol = |case: String| {
        let path = format!("/v1/collective-sessions/{session_id}/enrolments");
        let token = cripel.clone();
        let app = &app;
        async move { app.post(&path, Some(&token), None, &json!({"case_id": case})).await }
    };
    assert_eq!(enrol(first.clone()).await.status, 201);
    let full = enrol(second.clone()).await;
    assert_eq!(full.status, 409, "{}", full.text);
    assert_eq!(full.body["code"], "session_full");

    // The office's calendar parses as iCalendar and names cases by reference only.
    let booked = book(&app, &first, &ids[0]).await;
    assert_eq!(booked.status, 201, "{}", booked.text);
    let auth = ("Authorization", format!("Bearer {cripel}"));
    let calendar = format!("/v1/offices/{office}/calendar?date=2026-12-16");
    let (code, bytes) = app.send_raw(TestRequest::get().uri(&calendar).insert_header(auth)).await;
    assert_eq!(code, 200);
    let text = String::from_utf8(bytes).expect("UTF-8");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let parsed = parser.next().expect("one calendar").expect("valid iCalendar");
    assert!(parser.next().is_none());
    assert_eq!(parsed.events.len(), 2, "{text}");
    let property = |event: &ical::parser::ical::component::IcalEvent, name: &str| {
        event.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap_or_default()
    };
    assert_eq!(property(&parsed.events[0], "DTSTART"), "20261216T083000Z");
    let reference = app.get(&format!("/v1/cases/{first}"), Some(&cripel)).await.body["reference"].clone();
    assert!(property(&parsed.events[0], "SUMMARY").contains(reference.as_str().expect("reference")), "{text}");
    assert!(property(&parsed.events[1], "SUMMARY").contains("libre"), "{text}");
    assert!(!text.contains("El Amrani") && !text.contains("Samira"), "no name in a calendar file: {text}");

    // Another CRI: 404 on the office, its day, its calendar, the appointment and the session; a commune: 403.
    let appointment = booked.body["id"].as_str().expect("id").to_owned();
    for path in [
        format!("/v1/offices/{office}"),
        format!("/v1/offices/{office}/day?date=2026-12-16"),
        calendar.clone(),
        format!("/v1/appointments/{appointment}"),
        format!("/v1/appointments/{appointment}/invitation-letter"),
        format!("/v1/collective-sessions/{session_id}"),
    ] {
        assert_eq!(app.get(&path, Some(&cric)).await.status, 404, "{path}");
    }
    assert_eq!(app.get("/v1/offices", Some(&cric)).await.body["items"], json!([]));
    assert_eq!(book(&app, &first, &ids[1]).await.status, 201, "the CRI books its second slot");
    let foreign =
        app.post(&format!("/v1/cases/{second}/appointments"), Some(&cric), None, &json!({"slot_id": ids[1]})).await;
    assert_eq!(foreign.status, 404, "{}", foreign.text);
    assert_eq!(app.get("/v1/offices", Some(&app.as_commune("62063"))).await.status, 403);

    // The office changes with If-Match.
    let put = |etag: &str| {
        TestRequest::put()
            .uri(&format!("/v1/offices/{office}"))
            .insert_header(("Authorization", format!("Bearer {cripel}")))
            .insert_header(("If-Match", etag.to_owned()))
            .set_json(json!({"name": "Bureau d'accueil de Liège-centre", "street": "Place Xavier Neujean 19b",
                             "postal_code": "4000", "locality": "Liège", "opening_hours": [], "communes": ["62063"], "languages": []}))
    };
    assert_eq!(app.send(put("\"1\"")).await.status, 200);
    assert_eq!(app.send(put("\"1\"")).await.status, 412);
    let read = app.get(&format!("/v1/offices/{office}"), Some(&cripel)).await;
    assert_eq!(read.body["name"], "Bureau d'accueil de Liège-centre");
    assert_eq!(read.etag_version(), Some(2));
}
