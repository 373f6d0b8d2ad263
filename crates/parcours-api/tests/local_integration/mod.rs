//! The CRIs' other missions through the API, on both backends: a call for projects from application to
//! evaluation with every party's scope checked, the local coordination plans found per commune, and a
//! practitioner training from registration to the participation certificate.

use serde_json::{Value, json};

use super::support::{self, TestApp};
use crate::on_both_backends;

on_both_backends!(
    a_call_runs_from_application_to_evaluation_and_nobody_else_sees_the_project,
    coordination_plans_are_found_per_commune_by_their_cri_the_region_and_the_communes_covered,
    a_training_cycle_runs_from_registration_through_the_waiting_list_to_the_certificate,
);

const ILI_A: &str = "0123.456.749";
const ILI_B: &str = "0456.789.034";

fn ili(app: &TestApp, number: &str) -> String {
    app.token(&format!("ili:{number}"), &["ili_agent"])
}

fn at(instant: &str) -> chrono::DateTime<chrono::Utc> {
    instant.parse().expect("instant")
}

fn application(communes: Value, amount: i64) -> Value {
    json!({"project_title": "Tables de conversation en français", "summary": "Deux tables par semaine, avec garderie.",
           "axes": ["french_foreign_language"], "target_public": "Primo-arrivants du quartier Nord",
           "communes": communes, "budget_lines": [{"label": "Animation", "amount_cents": amount}],
           "partners": [{"name": "CPAS de Liège", "role": "Orientation du public"}]})
}

async fn step(app: &TestApp, token: &str, project: &str, body: Value) -> support::Reply {
    app.post(&format!("/v1/project-applications/{project}/steps"), Some(token), None, &body).await
}

async fn a_call_runs_from_application_to_evaluation_and_nobody_else_sees_the_project(app: TestApp) {
    let (region, cripel, cai) = (app.as_region(), app.as_cri("CRIPEL"), app.as_cri("CAI"));
    let (ili_a, ili_b, liege) = (ili(&app, ILI_A), ili(&app, ILI_B), app.as_commune("62063"));

    // The Region registers the ILIs and opens a call on the CRIPEL territory.
    for (number, name) in [(ILI_A, "Maison de quartier Saint-Léonard"), (ILI_B, "Asbl Voisins")] {
        let created = app
            .post("/v1/local-initiatives", Some(&region), None, &json!({"enterprise_number": number, "name": name}))
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        assert_eq!(created.body["organisation"], format!("ili:{number}"));
    }
    let twice = app
        .post(
            "/v1/local-initiatives",
            Some(&cripel),
            None,
            &json!({"enterprise_number": "BE0123456749", "name": "Encore"}),
        )
        .await;
    assert_eq!(
        (twice.status.as_u16(), twice.body["code"].as_str()),
        (409, Some("local_initiative_already_registered"))
    );
    let wrong_digits = app
        .post("/v1/local-initiatives", Some(&region), None, &json!({"enterprise_number": "0123.456.748", "name": "X"}))
        .await;
    assert_eq!(wrong_digits.status, 422, "{}", wrong_digits.text);
    let call_body = json!({"title": "Appel ILI 2027 — Liège", "axes": ["citizenship", "french_foreign_language"],
        "territory": ["CRIPEL"], "opens_on": "2026-12-01", "closes_on": "2026-12-31", "opinion_deadline": "2027-01-31",
        "budget_cents": 5_000_000, "criteria": [{"code": "relevance", "label": "Pertinence"}, {"code": "partnership", "label": "Partenariat"}]});
    let by_cri = app.post("/v1/project-calls", Some(&cripel), None, &call_body).await;
    assert_eq!(by_cri.status, 403, "only the Region opens calls");
    let call = app.post("/v1/project-calls", Some(&region), None, &call_body).await;
    assert_eq!(call.status, 201, "{}", call.text);
    assert_eq!(call.body["open"], true);
    let call_id = call.body["id"].as_str().expect("id").to_owned();
    assert_eq!(call.header("location"), Some(format!("/v1/project-calls/{call_id}").as_str()));
    let open = app.get("/v1/project-calls?open=true", Some(&ili_a)).await;
    assert_eq!(open.body["items"].as_array().map(Vec::len), Some(1), "{}", open.text);

    // An unregistered ILI cannot apply; a project in Namur is outside the call; one in Liège goes to CRIPEL.
    let applications = format!("/v1/project-calls/{call_id}/applications");
    let stranger = app
        .post(&applications, Some(&ili(&app, "0765.432.146")), None, &application(json!(["62063"]), 2_500_000))
        .await;
    assert_eq!(stranger.status, 403, "{}", stranger.text);
    let namur = app.post(&applications, Some(&ili_a), None, &application(json!(["92094"]), 2_500_000)).await;
    assert_eq!(
        (namur.status.as_u16(), namur.body["errors"][0]["code"].as_str()),
        (422, Some("outside_call_territory"))
    );
    let submitted =
        app.post(&applications, Some(&ili_a), Some("ili-a-1"), &application(json!(["62063"]), 2_500_000)).await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let project = submitted.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        (submitted.body["cri"].as_str(), submitted.body["status"].as_str()),
        (Some("CRIPEL"), Some("submitted"))
    );
    let replay =
        app.post(&applications, Some(&ili_a), Some("ili-a-1"), &application(json!(["62063"]), 2_500_000)).await;
    assert_eq!((replay.status.as_u16(), replay.body["id"].as_str()), (201, Some(project.as_str())));
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));

    // Nobody else sees it: another CRI, another ILI, and the commune before it is funded.
    let path = format!("/v1/project-applications/{project}");
    for token in [&cai, &ili_b, &liege] {
        assert_eq!(app.get(&path, Some(token)).await.status, 404);
    }
    assert_eq!(
        step(
            &app,
            &cai,
            &project,
            json!({"kind": "opinion", "verdict": "favourable", "criteria": ["relevance"],
        "reasoning": "x"})
        )
        .await
        .status,
        404
    );
    assert_eq!(app.get("/v1/project-applications", Some(&cai)).await.body["items"], json!([]));

    // The Region cannot decide before the opinion; the ILI revises its application before it.
    let grant = json!({"kind": "decision", "outcome": "granted", "granted_cents": 2_000_000, "conditions": "Rapport trimestriel",
        "reasoning": "Avis favorable du CRI"});
    let early = step(&app, &region, &project, grant.clone()).await;
    assert_eq!((early.status.as_u16(), early.body["code"].as_str()), (409, Some("decision_without_opinion")));
    let revised =
        app.post(&format!("{path}/versions"), Some(&ili_a), None, &application(json!(["62063"]), 3_000_000)).await;
    assert_eq!(revised.status, 201, "{}", revised.text);
    assert_eq!(
        (revised.body["version"].as_i64(), revised.body["requested_cents"].as_i64()),
        (Some(2), Some(3_000_000))
    );

    // The ILI cannot give the opinion; the CRI gives it on criteria of the call, on version 2.
    let opinion = json!({"kind": "opinion", "verdict": "favourable", "criteria": ["relevance", "partnership"],
        "reasoning": "Répond aux besoins relevés par le bureau d'accueil."});
    assert_eq!(step(&app, &ili_a, &project, opinion.clone()).await.status, 403);
    let unknown = step(
        &app,
        &cripel,
        &project,
        json!({"kind": "opinion", "verdict": "reserved", "criteria": ["budget"],
        "reasoning": "x"}),
    )
    .await;
    assert_eq!(unknown.body["errors"][0]["code"], "unknown_criterion", "{}", unknown.text);
    let given = step(&app, &cripel, &project, opinion).await;
    assert_eq!(given.status, 200, "{}", given.text);
    assert_eq!(given.body["status"], "opinion_given");
    let steps = given.body["steps"].as_array().expect("steps");
    assert_eq!(steps.last().map(|s| s["step"]["version"].clone()), Some(json!(2)));
    let late_revision =
        app.post(&format!("{path}/versions"), Some(&ili_a), None, &application(json!(["62063"]), 1_000)).await;
    assert_eq!(late_revision.body["code"], "revision_closed", "{}", late_revision.text);

    // The Region grants within the request and the budget.
    let too_much = step(&app, &region, &project, with(grant.clone(), json!({"granted_cents": 3_000_001}))).await;
    assert_eq!(too_much.body["errors"][0]["code"], "grant_exceeded", "{}", too_much.text);
    let granted = step(&app, &region, &project, grant).await;
    assert_eq!((granted.status.as_u16(), granted.body["status"].as_str()), (200, Some("granted")), "{}", granted.text);
    assert_eq!(granted.body["granted_cents"], 2_000_000);

    // The commune covered now sees the funded project, without money and without steps.
    let seen = app.get(&path, Some(&liege)).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    for hidden in ["requested_cents", "granted_cents", "steps"] {
        assert!(seen.body.get(hidden).is_none(), "{hidden} shown to a commune: {}", seen.text);
    }
    assert!(seen.body["application"].get("budget_lines").is_none());
    assert_eq!(app.get("/v1/project-applications", Some(&liege)).await.body["items"].as_array().map(Vec::len), Some(1));
    let namur_commune = app.get("/v1/project-applications", Some(&app.as_commune("92094"))).await;
    assert_eq!(namur_commune.body["items"], json!([]));

    // Follow-up: a visit, reports, and the evaluation after the final report only.
    let visit = step(
        &app,
        &cripel,
        &project,
        json!({"kind": "support_visit", "visit": "accounting", "visited_on": "2026-12-14",
        "notes": "Pièces justificatives en ordre."}),
    )
    .await;
    assert_eq!(visit.status, 200, "{}", visit.text);
    let interim =
        json!({"kind": "report", "report": "interim", "summary": "12 séances tenues", "spent_cents": 800_000});
    assert_eq!(step(&app, &ili_a, &project, interim).await.status, 200);
    let evaluation =
        json!({"kind": "evaluation", "objectives": "partly_met", "summary": "Public atteint, garderie à renforcer."});
    let too_soon = step(&app, &cripel, &project, evaluation.clone()).await;
    assert_eq!(too_soon.body["code"], "evaluation_not_due", "{}", too_soon.text);
    let final_report =
        json!({"kind": "report", "report": "final", "summary": "Projet mené à terme", "spent_cents": 1_950_000});
    let first = app.post(&format!("{path}/steps"), Some(&ili_a), Some("final-1"), &final_report).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let again = app.post(&format!("{path}/steps"), Some(&ili_a), Some("final-1"), &final_report).await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"), "a retried report is not a second report");
    let evaluated = step(&app, &cripel, &project, evaluation).await;
    assert_eq!(evaluated.body["status"], "evaluated", "{}", evaluated.text);

    // The project feed: the ILI and the CRI read every step, the other ILI and CRI nothing, communes have none.
    let kinds = |reply: &support::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["type"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let feed = app.get("/v1/project-events", Some(&ili_a)).await;
    assert_eq!(
        kinds(&feed),
        [
            "project_application_submitted",
            "project_application_revised",
            "project_opinion_given",
            "project_decided",
            "project_support_visit_recorded",
            "project_report_submitted",
            "project_report_submitted",
            "project_evaluated"
        ]
    );
    assert_eq!(kinds(&app.get("/v1/project-events", Some(&cripel)).await).len(), 8);
    let after = feed.body["next_after"].as_i64().expect("next_after");
    assert_eq!(app.get(&format!("/v1/project-events?after={after}"), Some(&ili_a)).await.body["items"], json!([]));
    for token in [&ili_b, &cai] {
        assert_eq!(app.get("/v1/project-events", Some(token)).await.body["items"], json!([]));
    }
    assert_eq!(app.get("/v1/project-events", Some(&liege)).await.status, 403);

    // Another application, and the CRI's opinion comes after the call's opinion deadline: refused.
    let other = app.post(&applications, Some(&ili_b), None, &application(json!(["62063"]), 1_000_000)).await;
    assert_eq!(other.status, 201, "{}", other.text);
    let other = other.body["id"].as_str().expect("id").to_owned();
    app.state.clock.set(at("2027-02-01T10:00:00Z"));
    let late = step(
        &app,
        &cripel,
        &other,
        json!({"kind": "opinion", "verdict": "favourable", "criteria": ["relevance"],
        "reasoning": "Trop tard"}),
    )
    .await;
    assert_eq!(
        (late.status.as_u16(), late.body["code"].as_str()),
        (409, Some("opinion_after_deadline")),
        "{}",
        late.text
    );
    let region_list = app.get(&format!("/v1/project-applications?call_id={call_id}"), Some(&region)).await;
    assert_eq!(region_list.body["items"].as_array().map(Vec::len), Some(2));
    let mine = app.get("/v1/project-applications", Some(&ili_b)).await;
    assert_eq!(mine.body["items"].as_array().map(Vec::len), Some(1));
}

fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().expect("object") {
        body[k] = v.clone();
    }
    body
}

async fn coordination_plans_are_found_per_commune_by_their_cri_the_region_and_the_communes_covered(app: TestApp) {
    let cripel = app.as_cri("CRIPEL");
    let plan = json!({"kind": "social_cohesion_plan", "name": "Plan de cohésion sociale de Liège", "communes": ["62063"],
        "partners": ["Ville de Liège", "CPAS de Liège"]});
    let outside = app
        .post("/v1/coordination-bodies", Some(&cripel), None, &with(plan.clone(), json!({"communes": ["92094"]})))
        .await;
    assert_eq!(outside.body["errors"][0]["code"], "commune_outside_territory", "{}", outside.text);
    let created = app.post("/v1/coordination-bodies", Some(&cripel), None, &plan).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let meetings = format!("/v1/coordination-bodies/{id}/meetings");
    let future = app
        .post(&meetings, Some(&cripel), None, &json!({"held_on": "2026-12-20", "partners_present": ["CPAS de Liège"]}))
        .await;
    assert_eq!(future.body["errors"][0]["code"], "future_date", "{}", future.text);
    let held = app
        .post(
            &meetings,
            Some(&cripel),
            None,
            &json!({"held_on": "2026-12-10", "partners_present": ["Ville de Liège", "CPAS de Liège"],
            "decisions": ["Cartographier l'offre FLE du quartier Nord"]}),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.text);
    assert_eq!(held.header("location"), Some(format!("/v1/coordination-bodies/{id}").as_str()));
    assert_eq!(
        app.post(
            &meetings,
            Some(&app.as_cri("CAI")),
            None,
            &json!({"held_on": "2026-12-10",
        "partners_present": ["x"]})
        )
        .await
        .status,
        404
    );

    let one = app.get(&format!("/v1/coordination-bodies/{id}"), Some(&app.as_commune("62063"))).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.body["meetings"][0]["decisions"][0], "Cartographier l'offre FLE du quartier Nord");
    let per_commune = app.get("/v1/coordination-bodies?commune=62063", Some(&app.as_region())).await;
    assert_eq!(per_commune.body["items"].as_array().map(Vec::len), Some(1), "{}", per_commune.text);
    assert_eq!(app.get("/v1/coordination-bodies?commune=62096", Some(&cripel)).await.body["items"], json!([]));
    assert_eq!(app.get("/v1/coordination-bodies", Some(&app.as_commune("92094"))).await.body["items"], json!([]));
    assert_eq!(app.get(&format!("/v1/coordination-bodies/{id}"), Some(&app.as_cri("CAI"))).await.status, 404);
    assert_eq!(app.get("/v1/coordination-bodies", Some(&ili(&app, ILI_A))).await.status, 403);
}

async fn a_training_cycle_runs_from_registration_through_the_waiting_list_to_the_certificate(app: TestApp) {
    let cripel = app.as_cri("CRIPEL");
    let theme = app
        .post(
            "/v1/training-themes",
            Some(&cripel),
            None,
            &json!({"code": "asylum_procedure", "label_fr": "Procédure d'asile",
            "label_en": "Asylum procedure"}),
        )
        .await;
    assert_eq!(theme.status, 201, "{}", theme.text);
    let themes = app.get("/v1/training-themes", Some(&cripel)).await;
    assert_eq!(themes.body["items"].as_array().map(Vec::len), Some(5));
    let body = json!({"kind": "cycle", "title": "La procédure d'asile pour les intervenants", "theme": "asylum_procedure",
        "sessions": [{"date": "2026-12-17", "minutes": 360}, {"date": "2026-12-18", "minutes": 210}],
        "place": "CRIPEL, Liège", "capacity": 2, "trainer": "Amina Benali"});
    let unknown = app.post("/v1/trainings", Some(&app.as_cri("CAI")), None, &body).await;
    assert_eq!(unknown.body["errors"][0]["code"], "unknown_theme", "another CRI's theme: {}", unknown.text);
    let created = app.post("/v1/trainings", Some(&cripel), None, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let training = created.body["id"].as_str().expect("id").to_owned();
    let registrations = format!("/v1/trainings/{training}/registrations");
    let mut ids = Vec::new();
    for (name, email) in [
        ("Claire Dubois", "claire@cpas.example.be"),
        ("Marc Lenoir", "marc@asbl.example.be"),
        ("Nadia Haddad", "nadia@ville.example.be"),
    ] {
        let registered = app
            .post(
                &registrations,
                Some(&cripel),
                None,
                &json!({"full_name": name, "organisation": "CPAS de Seraing", "email": email}),
            )
            .await;
        assert_eq!(registered.status, 201, "{}", registered.text);
        ids.push((
            registered.body["id"].as_str().expect("id").to_owned(),
            registered.body["status"].clone(),
            registered.body["waiting_position"].clone(),
        ));
    }
    assert_eq!(
        ids.iter().map(|(_, s, _)| s.clone()).collect::<Vec<_>>(),
        [json!("registered"), json!("registered"), json!("waiting_list")]
    );
    assert_eq!(ids[2].2, 1);
    let twice = app
        .post(
            &registrations,
            Some(&cripel),
            None,
            &json!({"full_name": "Claire", "organisation": "x", "email": "CLAIRE@cpas.example.be"}),
        )
        .await;
    assert_eq!(twice.body["code"], "already_registered", "{}", twice.text);

    // The first withdraws: the waiting practitioner takes the place.
    let withdrawn =
        app.post(&format!("/v1/training-registrations/{}/withdrawal", ids[0].0), Some(&cripel), None, &json!({})).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!((withdrawn.body["registered"].as_u64(), withdrawn.body["waiting"].as_u64()), (Some(2), Some(0)));
    let promoted = withdrawn.body["registrations"]
        .as_array()
        .expect("registrations")
        .iter()
        .find(|r| r["id"] == ids[2].0.as_str())
        .cloned();
    assert_eq!(promoted.map(|r| r["status"].clone()), Some(json!("registered")));
    assert_eq!(
        app.post(&format!("/v1/training-registrations/{}/withdrawal", ids[0].0), Some(&cripel), None, &json!({}))
            .await
            .body["code"],
        "already_withdrawn"
    );

    // Attendance: not before the day; then both present on the 17th, one on the 18th.
    let attendance = format!("/v1/trainings/{training}/attendance");
    let early = app.post(&attendance, Some(&cripel), None, &json!({"date": "2026-12-17", "present": [ids[1].0]})).await;
    assert_eq!(early.body["errors"][0]["code"], "not_a_session_day", "{}", early.text);
    app.state.clock.set(at("2026-12-18T16:00:00Z"));
    let late = app
        .post(
            &registrations,
            Some(&cripel),
            None,
            &json!({"full_name": "Tard", "organisation": "x", "email": "t@x.example.be"}),
        )
        .await;
    assert_eq!(late.body["code"], "training_started", "{}", late.text);
    let withdrawn_present =
        app.post(&attendance, Some(&cripel), None, &json!({"date": "2026-12-17", "present": [ids[0].0]})).await;
    assert_eq!(withdrawn_present.body["errors"][0]["code"], "not_registered", "{}", withdrawn_present.text);
    for (day, present) in [("2026-12-17", json!([ids[1].0, ids[2].0])), ("2026-12-18", json!([ids[1].0]))] {
        let recorded = app.post(&attendance, Some(&cripel), None, &json!({"date": day, "present": present})).await;
        assert_eq!(recorded.status, 200, "{}", recorded.text);
    }
    let read = app.get(&format!("/v1/trainings/{training}"), Some(&cripel)).await;
    let marc = read.body["registrations"]
        .as_array()
        .expect("registrations")
        .iter()
        .find(|r| r["id"] == ids[1].0.as_str())
        .cloned();
    assert_eq!(marc.map(|r| r["attended"].clone()), Some(json!(["2026-12-17", "2026-12-18"])));
    assert_eq!(app.get(&format!("/v1/trainings/{training}"), Some(&app.as_cri("CAI"))).await.status, 404);

    // The certificate for who attended, none for who withdrew.
    let certificate = |id: &str| {
        actix_web::test::TestRequest::get()
            .uri(&format!("/v1/training-registrations/{id}/certificate"))
            .insert_header(("Authorization", format!("Bearer {cripel}")))
    };
    let (status, pdf) = app.send_raw(certificate(&ids[1].0)).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = support::pdf_text(&pdf) {
        for expected in [
            "Attestation de participation",
            "Marc Lenoir",
            "La procédure d'asile pour les intervenants",
            "2 séance(s) sur 2, soit 9,5 heures",
            "Procédure d'asile",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    } else {
        assert!(std::env::var_os("CI").is_none(), "pdftotext (poppler-utils) is needed in CI");
    }
    let (status, _) = app.send_raw(certificate(&ids[0].0)).await;
    assert_eq!(status, 409);

    // The yearly count: two practitioners attended on this theme; no names.
    let counts = app.get("/v1/training-statistics?year=2026", Some(&cripel)).await;
    assert_eq!(counts.body["themes"], json!([{"theme": "asylum_procedure", "practitioners": 2}]), "{}", counts.text);
    let region = app.get("/v1/training-statistics?year=2026", Some(&app.as_region())).await;
    assert_eq!(region.body["cri"], Value::Null);
    assert_eq!(region.body["themes"][0]["practitioners"], 2);
    let listed = app.get("/v1/trainings?year=2026", Some(&app.as_region())).await;
    assert_eq!(listed.body["items"][0]["registered"], 2, "{}", listed.text);
    assert!(listed.body["items"][0].get("registrations").is_none(), "no names in lists");
}
