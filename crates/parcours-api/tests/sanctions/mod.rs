//! Non-compliance and the sanction procedure, through the API, on both backends: from a missed deadline
//! (the clock moved) through the reminder, the detection, the CRI's hand-over, the notice, observations, a
//! decision by two officials, the appeal and the payment; the procedure blocked when the Region offered no
//! place; and nobody outside the CRI of the case and the sanctioning officials sees a procedure.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use super::support::{self, TestApp};
use super::{newcomer, obliged_case, through_convention, with};
use crate::on_both_backends;

on_both_backends!(
    a_missed_presentation_goes_from_reminder_to_a_paid_fine_with_due_process,
    a_procedure_is_blocked_while_a_required_axis_had_no_offer,
    a_suspension_that_should_have_been_recorded_excuses_and_moves_the_deadline,
);

fn at(app: &TestApp, day: &str) {
    app.state.clock.set(format!("{day}T09:00:00Z").parse().expect("instant"));
}

async fn pdf(app: &TestApp, token: &str, path: &str) -> (u16, Option<String>) {
    let auth = ("Authorization", format!("Bearer {token}"));
    let (status, bytes) = app.send_raw(TestRequest::get().uri(path).insert_header(auth)).await;
    if status != 200 {
        return (status.as_u16(), None);
    }
    assert!(bytes.starts_with(b"%PDF-"), "{path}");
    (200, support::pdf_text(&bytes).map(|text| text.split_whitespace().collect::<Vec<_>>().join(" ")))
}

async fn procedure_step(app: &TestApp, officer: &str, id: &str, version: i64, body: Value) -> support::Reply {
    let req = TestRequest::post()
        .uri(&format!("/v1/sanctions/{id}/steps"))
        .insert_header(("Authorization", format!("Bearer {officer}")))
        .insert_header(("If-Match", format!("\"{version}\"")))
        .set_json(body);
    app.send(req).await
}

/// A step that must succeed: returns the new version.
async fn ok_step(app: &TestApp, officer: &str, id: &str, version: i64, body: Value) -> i64 {
    let reply = procedure_step(app, officer, id, version, body.clone()).await;
    assert_eq!(reply.status, 200, "{body}: {}", reply.text);
    assert_eq!(reply.etag_version(), Some(version + 1));
    reply.body["version"].as_i64().expect("version")
}

async fn a_missed_presentation_goes_from_reminder_to_a_paid_fine_with_due_process(app: TestApp) {
    let contact = json!({"address": "Rue de la Station 12", "postal_code": "4020", "locality": "Liège"});
    let body = with(
        newcomer(440),
        json!({"title_order_date": "2026-12-10", "first_registration_date": "2026-12-01", "legal_stay_start": "2026-11-20",
               "contact": contact}),
    );
    let arrival = app.report("62063", &body).await;
    assert_eq!(arrival.status, 201, "{}", arrival.text);
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    let cripel = app.as_cri("CRIPEL");

    // Reminded first: 30 days before the deadline, sent by post.
    at(&app, "2027-01-30");
    app.run_jobs();
    let reminders = app.get("/v1/reminders", Some(&cripel)).await;
    let reminder = reminders.body["items"][0]["id"].as_str().expect("reminder due").to_owned();
    let sent = json!({"outcome": "sent", "channel": "post", "date": "2027-01-30"});
    assert_eq!(app.post(&format!("/v1/reminders/{reminder}/dispatch"), Some(&cripel), None, &sent).await.status, 201);

    // The deadline passes: one non-compliance, however often the job runs.
    at(&app, "2027-03-01");
    app.run_jobs();
    assert_eq!(app.count_rows("non_compliances"), 0, "not on the deadline day itself");
    at(&app, "2027-03-02");
    let runs = app.run_jobs();
    assert!(runs.iter().any(|r| r.outcome == "ok: 1 non-compliance(s) recorded"), "{runs:?}");
    app.run_jobs();
    assert_eq!(app.count_rows("non_compliances"), 1);
    let open = app.get("/v1/non-compliances", Some(&cripel)).await;
    assert_eq!(open.status, 200, "{}", open.text);
    let record = &open.body["items"][0];
    assert_eq!(record["kind"], "presentation_missed");
    assert_eq!(record["breach_date"], "2027-03-02");
    assert_eq!(record["basis"], "CWASS art. 152/7 §1 et art. 152/8; rule 6.3 (a)");
    let record_id = record["id"].as_str().expect("id").to_owned();
    let detail = app.get(&format!("/v1/non-compliances/{record_id}"), Some(&cripel)).await;
    let checks = detail.body["preconditions"].as_array().expect("preconditions");
    assert!(checks.iter().all(|c| c["met"] == true), "{}", detail.text);
    assert!(checks.iter().any(|c| c["code"] == "welcome_module_offered"));
    // Another CRI does not find it; a commune may not list.
    assert_eq!(app.get(&format!("/v1/non-compliances/{record_id}"), Some(&app.as_cri("CRIC"))).await.status, 404);
    assert_eq!(app.get("/v1/non-compliances", Some(&app.as_commune("62063"))).await.status, 403);

    // The CRI hands the file over: a procedure opens.
    let review = json!({"decision": "hand_over", "reason": "Rappel envoyé le 30/01 sans suite ; aucun motif connu."});
    let handed = app.post(&format!("/v1/non-compliances/{record_id}/review"), Some(&cripel), None, &review).await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    assert_eq!(handed.body["status"], "handed_over");
    let id = handed.body["procedure"]["id"].as_str().expect("procedure").to_owned();
    let again = app.post(&format!("/v1/non-compliances/{record_id}/review"), Some(&cripel), None, &review).await;
    assert_eq!((again.status.as_u16(), again.body["code"].as_str()), (409, Some("non_compliance_already_reviewed")));

    let (alice, bruno) = (app.as_sanctions_officer("alice"), app.as_sanctions_officer("bruno"));
    let listed = app.get("/v1/sanctions?state=opened", Some(&alice)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    let path = format!("/v1/sanctions/{id}");
    let read = app.get(&path, Some(&alice)).await;
    assert_eq!(read.etag_version(), Some(1));
    assert_eq!(read.body["fine_range"], json!({"min_eur": 100, "max_eur": 2500}));
    assert_eq!(read.body["reference"].as_str().map(|r| r.ends_with("-S1")), Some(true));
    // Scoping: the CRI of the case reads it; another CRI, the commune and an operator do not find it; the
    // Region's administrator is not a sanctioning official; the officials do not read the case itself.
    assert_eq!(app.get(&path, Some(&cripel)).await.status, 200);
    assert_eq!(app.get(&path, Some(&app.as_cri("CRIC"))).await.status, 404);
    assert_eq!(app.get(&path, Some(&app.as_commune("62063"))).await.status, 404);
    assert_eq!(app.get(&path, Some(&app.token("operator:op-1", &["operator_agent"]))).await.status, 404);
    assert_eq!(app.get(&path, Some(&app.as_region())).await.status, 403);
    assert_eq!(app.get(&format!("/v1/cases/{case}"), Some(&alice)).await.status, 403);
    assert_eq!(pdf(&app, &app.as_cri("CRIC"), &format!("{path}/file")).await.0, 404);
    assert_eq!(app.get("/v1/sanctions", Some(&cripel)).await.status, 403);

    // The notice: the facts, the law, the range, the period.
    let (status, notice) = pdf(&app, &alice, &format!("{path}/notice")).await;
    assert_eq!(status, 200);
    if let Some(text) = notice {
        for expected in
            ["art. 152/8", "de 100 à 2500 euros", "15 jours", "au plus tard le 01/03/2027", "Rue de la Station 12"]
        {
            assert!(text.contains(expected), "{expected} missing from the notice: {text}");
        }
    }
    at(&app, "2027-03-12");
    let mut v = ok_step(
        &app,
        &alice,
        &id,
        1,
        json!({"step": "send_notice", "sent_on": "2027-03-10", "channel": "registered_post", "notified_on": "2027-03-12"}),
    )
    .await;
    let read = app.get(&path, Some(&alice)).await;
    assert_eq!(read.body["notice"]["observations_due"], "2027-03-27");
    let stale = procedure_step(&app, &alice, &id, 1, json!({"step": "sign_decision", "signed_on": "2027-03-12"})).await;
    assert_eq!(stale.status, 412);

    // Observations: one in time, then a decision too early is refused.
    at(&app, "2027-03-20");
    let written = json!({"step": "record_observation", "received_on": "2027-03-20", "form": "written",
                         "summary": "Je travaillais de nuit et n'ai pas pu venir."});
    v = ok_step(&app, &alice, &id, v, written).await;
    let early = json!({"step": "draft_decision", "drafted_on": "2027-03-20", "outcome": "no_fine",
                       "reasoning": "La personne a expliqué son absence par son travail de nuit.", "answers": []});
    let refused = procedure_step(&app, &alice, &id, v, early).await;
    assert_eq!((refused.status.as_u16(), refused.body["code"].as_str()), (409, Some("observation_period_running")));
    // A late one is kept and flagged.
    at(&app, "2027-03-29");
    let late = json!({"step": "record_observation", "received_on": "2027-03-29", "form": "hearing",
                      "summary": "Entendue : garde d'un enfant malade en mars.",
                      "hearing_minutes": "Procès-verbal d'audition du 29/03/2027, signé par la personne."});
    v = ok_step(&app, &alice, &id, v, late).await;
    assert_eq!(app.get(&path, Some(&alice)).await.body["observations"][1]["late"], true);

    // The decision must answer every observation and lie within the range.
    let reasoning = "La personne ne s'est pas présentée malgré le rappel ; le bureau d'accueil lui était ouvert.";
    let answer = |n: u32| json!({"observation": n, "answer": "Des rendez-vous en soirée étaient proposés et restés sans suite."});
    let unanswered = json!({"step": "draft_decision", "drafted_on": "2027-03-29", "outcome": "fine", "amount_eur": 150,
                            "reasoning": reasoning, "answers": [answer(1)]});
    let refused = procedure_step(&app, &alice, &id, v, unanswered).await;
    assert_eq!(
        (refused.status.as_u16(), refused.body["code"].as_str()),
        (409, Some("observations_not_answered")),
        "{}",
        refused.text
    );
    let too_much = json!({"step": "draft_decision", "drafted_on": "2027-03-29", "outcome": "fine", "amount_eur": 3000,
                          "reasoning": reasoning, "answers": [answer(1), answer(2)]});
    let refused = procedure_step(&app, &alice, &id, v, too_much).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.error_fields(), vec!["amount_eur".to_owned()]);
    let draft = json!({"step": "draft_decision", "drafted_on": "2027-03-29", "outcome": "fine", "amount_eur": 150,
                       "reasoning": reasoning, "answers": [answer(1), answer(2)]});
    v = ok_step(&app, &alice, &id, v, draft).await;
    // Two officials: the drafter cannot sign.
    let sign = json!({"step": "sign_decision", "signed_on": "2027-03-29"});
    let refused = procedure_step(&app, &alice, &id, v, sign.clone()).await;
    assert_eq!((refused.status.as_u16(), refused.body["code"].as_str()), (409, Some("same_official")));
    v = ok_step(&app, &bruno, &id, v, sign).await;
    at(&app, "2027-04-01");
    v = ok_step(
        &app,
        &bruno,
        &id,
        v,
        json!({"step": "notify_decision", "notified_on": "2027-04-01", "channel": "registered_post"}),
    )
    .await;
    let read = app.get(&path, Some(&alice)).await;
    assert_eq!(read.body["decision"]["signed_by"], "spw:bruno");
    assert_eq!(read.body["drafts"][0]["drafted_by"], "spw:alice");
    assert_eq!(read.body["decision"]["appeal_due"], "2027-05-01");
    let (status, decision) = pdf(&app, &alice, &format!("{path}/decision")).await;
    assert_eq!(status, 200);
    if let Some(text) = decision {
        for expected in [
            "Une amende administrative de 150 euros vous est infligée",
            "tribunal de première instance",
            "dans les 30 jours de sa notification",
            "Loi du 29 juillet 1991",
            "reçue après le délai, prise en compte",
            "Signée par : spw:bruno",
        ] {
            assert!(text.contains(expected), "{expected} missing from the decision: {text}");
        }
    }
    // Rule 6.4 (parameter): the commune hears that a fine was notified, and nothing else of the procedure.
    let commune_feed = app.get("/v1/events", Some(&app.as_commune("62063"))).await;
    assert!(commune_feed.text.contains("sanction_imposed"), "{}", commune_feed.text);
    assert!(!commune_feed.text.contains("sanction_notice_sent"));
    // The officials' feed carries the procedure's steps, not the rest of the case.
    let officer_feed = app.get("/v1/events?limit=100", Some(&alice)).await;
    assert_eq!(officer_feed.status, 200, "{}", officer_feed.text);
    assert!(officer_feed.text.contains("sanction_decision_notified"));
    assert!(!officer_feed.text.contains("reminder_due") && !officer_feed.text.contains("case_opened"));

    // Appeal, reduced; then paid: closed.
    at(&app, "2027-04-20");
    v = ok_step(
        &app,
        &alice,
        &id,
        v,
        json!({"step": "record_appeal", "lodged_on": "2027-04-20", "court": "Tribunal de première instance de Liège"}),
    )
    .await;
    at(&app, "2027-09-01");
    v = ok_step(
        &app,
        &alice,
        &id,
        v,
        json!({"step": "decide_appeal", "decided_on": "2027-09-01", "outcome": "reduced", "amount_eur": 100}),
    )
    .await;
    let wrong = procedure_step(
        &app,
        &alice,
        &id,
        v,
        json!({"step": "record_payment", "paid_on": "2027-09-01", "amount_eur": 150}),
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    ok_step(&app, &alice, &id, v, json!({"step": "record_payment", "paid_on": "2027-09-01", "amount_eur": 100})).await;
    let closed = app.get(&path, Some(&alice)).await;
    assert_eq!(closed.body["state"], "closed");
    assert_eq!(closed.body["closure"], json!({"date": "2027-09-01", "reason": "paid"}));
    let kinds: Vec<&str> =
        closed.body["steps"].as_array().expect("steps").iter().filter_map(|s| s["kind"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"sanction_procedure_opened"));
    assert_eq!(kinds.last(), Some(&"sanction_procedure_closed"));
    assert!(app.get(&format!("/v1/cases/{case}/timeline"), Some(&cripel)).await.text.contains("sanction_fine_paid"));

    // The year's statistics count the closure under its outcome: one person, so hidden, never 0; the other
    // outcomes are published zeros.
    at(&app, "2028-01-05");
    let region = app.token("region:SPW", &["region_admin"]);
    let outcomes = app.get("/v1/statistics/tables/sanction_outcomes/releases/2027", Some(&region)).await;
    assert_eq!(outcomes.status, 200, "{}", outcomes.text);
    let wallonia = |outcome: &str| {
        outcomes.body["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .find(|c| {
                c["territory_code"] == "wallonie" && c["quarter"].is_null() && c["categories"]["outcome"] == outcome
            })
            .map(|c| (c["count"].clone(), c["flag"].clone()))
    };
    assert_eq!(wallonia("paid"), Some((Value::Null, json!("c"))), "{}", outcomes.text);
    assert_eq!(wallonia("no_fine_decided"), Some((json!(0), Value::Null)));

    // The file holds the whole story (and is the sample in docs/samples, from these fictitious records).
    if std::env::var_os("PARCOURS_UPDATE_SAMPLES").is_some() {
        let auth = ("Authorization", format!("Bearer {alice}"));
        let (_, bytes) = app.send_raw(TestRequest::get().uri(&format!("{path}/file")).insert_header(auth)).await;
        let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/samples/sanction-file-sample.pdf");
        std::fs::write(sample, bytes).expect("sample written");
    }
    let (status, file) = pdf(&app, &alice, &format!("{path}/file")).await;
    assert_eq!(status, 200);
    if let Some(text) = file {
        for expected in [
            "Dossier de la procédure de sanction",
            "Rappel avant l'échéance de présentation du 01/03/2027",
            "envoyé le 30/01/2027",
            "presentation_missed",
            "Avis envoyé le 10/03/2027, notifié le 12/03/2027",
            "N° 2 (audition, 29/03/2027), tardive",
            "amende de 150 euros",
            "amende réduite à 100 euros",
            "payée le 01/09/2027",
            "CWASS art. 152/8",
        ] {
            assert!(text.contains(expected), "{expected} missing from the file: {text}");
        }
    }
}

async fn a_procedure_is_blocked_while_a_required_axis_had_no_offer(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 441).await;
    through_convention(&app, &case, v).await;
    let cripel = app.as_cri("CRIPEL");
    // A convention not respected, reported by the CRI (once per finding), then excused.
    let finding = json!({"found_on": "2026-12-15", "finding": "Absente sans justification aux premières séances."});
    let reported = app.post(&format!("/v1/cases/{case}/non-compliances"), Some(&cripel), None, &finding).await;
    assert_eq!(reported.status, 201, "{}", reported.text);
    assert_eq!(reported.body["kind"], "convention_not_respected");
    let repeat = app.post(&format!("/v1/cases/{case}/non-compliances"), Some(&cripel), None, &finding).await;
    assert_eq!((repeat.status.as_u16(), &repeat.body["id"]), (200, &reported.body["id"]));
    let record = reported.body["id"].as_str().expect("id").to_owned();
    let incomplete = json!({"decision": "excuse", "reason": "Certificat médical remis le 14/12."});
    let missing = app.post(&format!("/v1/non-compliances/{record}/review"), Some(&cripel), None, &incomplete).await;
    assert_eq!(missing.status, 422, "{}", missing.text);
    let excuse =
        json!({"decision": "excuse", "excuse": "force_majeure", "reason": "Certificat médical remis le 14/12."});
    let excused = app.post(&format!("/v1/non-compliances/{record}/review"), Some(&cripel), None, &excuse).await;
    assert_eq!(excused.status, 200, "{}", excused.text);
    assert_eq!(
        (excused.body["status"].as_str(), excused.body["excuse"].as_str()),
        (Some("excused"), Some("force_majeure"))
    );

    // The completion deadline passes with no place ever offered: the hand-over is blocked, with the reasons.
    at(&app, "2029-06-17");
    app.run_jobs();
    let open = app.get("/v1/non-compliances", Some(&cripel)).await;
    let missed = open.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["kind"] == "completion_missed")
        .expect("found")
        .clone();
    let id = missed["id"].as_str().expect("id").to_owned();
    let hand_over = json!({"decision": "hand_over", "reason": "Aucune présence enregistrée depuis la convention."});
    let blocked = app.post(&format!("/v1/non-compliances/{id}/review"), Some(&cripel), None, &hand_over).await;
    assert_eq!(blocked.status, 409, "{}", blocked.text);
    assert_eq!(blocked.body["code"], "sanction_blocked");
    assert!(blocked.text.contains("aucune place n'a été offerte"), "{}", blocked.text);
    assert_eq!(app.count_rows("sanction_procedures"), 0, "nothing opened");
    let detail = app.get(&format!("/v1/non-compliances/{id}"), Some(&cripel)).await;
    let failing: Vec<&Value> =
        detail.body["preconditions"].as_array().expect("checks").iter().filter(|c| c["met"] == false).collect();
    assert!(!failing.is_empty() && failing.iter().all(|c| c["code"] == "region_supply"), "{}", detail.text);

    // Places offered in time on every required axis: the procedure can open.
    for check in &failing {
        let axis = check["axis"].as_str().expect("axis");
        let offer =
            json!({"axis": axis, "offered_on": "2027-01-10", "description": "Cours du soir, Liège (place déclinée)"});
        let recorded = app.post(&format!("/v1/cases/{case}/course-offers"), Some(&cripel), None, &offer).await;
        assert_eq!(recorded.status, 201, "{}", recorded.text);
    }
    let other = app
        .post(
            &format!("/v1/cases/{case}/course-offers"),
            Some(&app.as_cri("CRIC")),
            None,
            &json!({"axis": "french", "offered_on": "2027-01-10", "description": "Cours du soir"}),
        )
        .await;
    assert_eq!(other.status, 404);
    let handed = app.post(&format!("/v1/non-compliances/{id}/review"), Some(&cripel), None, &hand_over).await;
    assert_eq!(handed.status, 200, "{}", handed.text);
    assert_eq!(handed.body["procedure"]["state"], "opened");
}

async fn a_suspension_that_should_have_been_recorded_excuses_and_moves_the_deadline(app: TestApp) {
    let (case, _, v) = obliged_case(&app, 442).await;
    through_convention(&app, &case, v).await;
    let cripel = app.as_cri("CRIPEL");
    at(&app, "2029-06-17");
    app.run_jobs();
    let open = app.get("/v1/non-compliances", Some(&cripel)).await;
    let id = open.body["items"][0]["id"].as_str().expect("recorded").to_owned();
    assert_eq!(open.body["items"][0]["deadline"], "2029-06-15");
    let path = format!("/v1/non-compliances/{id}/review");
    let no_claim = json!({"decision": "excuse", "excuse": "pending_dispensation_claim", "dispensation_code": "D4",
                          "reason": "La personne dit avoir demandé une dispense."});
    let refused = app.post(&path, Some(&cripel), None, &no_claim).await;
    assert_eq!((refused.status.as_u16(), refused.body["code"].as_str()), (409, Some("claim_not_pending")));
    let suspension = json!({"decision": "excuse", "excuse": "unrecorded_suspension",
                            "suspension": {"from": "2029-03-01", "to": "2029-05-31", "reason": "illness"},
                            "reason": "Hospitalisation de mars à mai, certificat remis en juin."});
    let excused = app.post(&path, Some(&cripel), None, &suspension).await;
    assert_eq!(excused.status, 200, "{}", excused.text);
    assert_eq!(excused.body["excuse"], "unrecorded_suspension");
    // The suspension is on the case and the completion deadline moved by its 92 days.
    let read = app.get(&format!("/v1/cases/{case}"), Some(&cripel)).await;
    assert_eq!(read.body["deadlines"][1]["date"], "2029-09-15", "{}", read.text);
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&cripel)).await;
    assert!(timeline.text.contains("deadlines_suspended") && timeline.text.contains("non_compliance_excused"));
    // The moved deadline is not passed: nothing new is found; once it passes, a new record is.
    app.run_jobs();
    assert_eq!(app.count_rows("non_compliances"), 1);
    at(&app, "2029-09-16");
    app.run_jobs();
    let again = app.get("/v1/non-compliances", Some(&cripel)).await;
    assert_eq!(again.body["items"][0]["deadline"], "2029-09-15", "{}", again.text);
}
