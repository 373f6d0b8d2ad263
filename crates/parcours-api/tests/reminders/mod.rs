//! Reminders before a legal deadline, through the API, on both backends: the job finds them once, the CRI
//! lists them, prints the letter and records what happened; nobody else sees them.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use super::support::{self, TestApp};
use super::{newcomer, with};
use crate::on_both_backends;

on_both_backends!(
    a_presentation_reminder_is_due_once_printed_with_the_address_and_recorded_as_sent,
    a_reminder_without_a_postal_address_is_recorded_as_bounced,
);

/// Reported today with a first registration on 2026-12-01: present by 2027-03-01.
fn reported(sequence: u32, contact: Value) -> Value {
    with(
        newcomer(sequence),
        json!({"title_order_date": "2026-12-10", "first_registration_date": "2026-12-01", "legal_stay_start": "2026-11-20",
               "contact": contact}),
    )
}

async fn a_presentation_reminder_is_due_once_printed_with_the_address_and_recorded_as_sent(app: TestApp) {
    let contact =
        json!({"address": "Rue de la Station 12", "postal_code": "4020", "locality": "Liège", "language": "ar"});
    let arrival = app.report("62063", &reported(430, contact)).await;
    assert_eq!(arrival.status, 201, "{}", arrival.text);
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    assert_eq!(arrival.body["determination"]["deadlines"][0]["date"], "2027-03-01");
    let cripel = app.as_cri("CRIPEL");

    // Not yet: 31 days before the deadline.
    app.state.clock.set("2027-01-29T09:00:00Z".parse().expect("instant"));
    app.run_jobs();
    assert_eq!(app.get("/v1/reminders", Some(&cripel)).await.body["items"], json!([]));
    // 30 days before: due; a second run adds nothing.
    app.state.clock.set("2027-01-30T09:00:00Z".parse().expect("instant"));
    let runs = app.run_jobs();
    assert!(runs.iter().any(|r| r.outcome.contains("reminder(s) due recorded")), "{runs:?}");
    app.run_jobs();
    let list = app.get("/v1/reminders", Some(&cripel)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items: Vec<&Value> =
        list.body["items"].as_array().expect("items").iter().filter(|r| r["case_id"] == case.as_str()).collect();
    assert_eq!(items.len(), 1, "{}", list.text);
    assert_eq!(items[0]["kind"], "presentation");
    assert_eq!(items[0]["deadline"], "2027-03-01");
    assert_eq!(items[0]["due_on"], "2027-01-30");
    let id = items[0]["id"].as_str().expect("id").to_owned();
    let timeline = app.get(&format!("/v1/cases/{case}/timeline"), Some(&cripel)).await;
    assert!(timeline.text.contains("reminder_due"), "{}", timeline.text);

    // The letter: the person's address, the deadline and its computation, the legal basis.
    let letter = items[0]["letter_url"].as_str().expect("letter").to_owned();
    let cri = ("Authorization", format!("Bearer {cripel}"));
    let (status, pdf) = app.send_raw(TestRequest::get().uri(&letter).insert_header(cri.clone())).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = support::pdf_text(&pdf) {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in
            ["Rue de la Station 12", "4020 Liège", "au plus tard le 01/03/2027", "+ 3 mois", "art. 152/7, §1er"]
        {
            assert!(flat.contains(expected), "{expected} missing: {flat}");
        }
    }
    // Nobody else sees it: another CRI 404, a commune 403.
    let other = ("Authorization", format!("Bearer {}", app.as_cri("CRIC")));
    assert_eq!(app.send_raw(TestRequest::get().uri(&letter).insert_header(other)).await.0, 404);
    assert_eq!(app.get("/v1/reminders", Some(&app.as_commune("62063"))).await.status, 403);
    assert_eq!(app.get("/v1/reminders", Some(&app.as_cri("CRIC"))).await.body["items"], json!([]));

    // Sent by post; once only; a sent reminder needs its channel; dates are checked.
    let path = format!("/v1/reminders/{id}/dispatch");
    let no_channel = app.post(&path, Some(&cripel), None, &json!({"outcome": "sent", "date": "2027-01-30"})).await;
    assert_eq!(no_channel.status, 422, "{}", no_channel.text);
    let future = json!({"outcome": "sent", "channel": "post", "date": "2027-02-01"});
    assert_eq!(app.post(&path, Some(&cripel), None, &future).await.status, 422);
    let sent = app
        .post(&path, Some(&cripel), None, &json!({"outcome": "sent", "channel": "post", "date": "2027-01-30"}))
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["status"], "sent");
    assert_eq!(sent.body["channel"], "post");
    let again = app.post(&path, Some(&cripel), None, &json!({"outcome": "bounced", "date": "2027-01-30"})).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["code"], "reminder_already_dispatched");
    let sent_list = app.get("/v1/reminders?status=sent", Some(&cripel)).await;
    assert!(sent_list.text.contains(&id));
    assert!(!app.get("/v1/reminders", Some(&cripel)).await.text.contains(&id), "no longer due");
}

async fn a_reminder_without_a_postal_address_is_recorded_as_bounced(app: TestApp) {
    let arrival = app.report("62063", &reported(431, json!({"email": "samira@example.org"}))).await;
    assert_eq!(arrival.status, 201, "{}", arrival.text);
    let case = arrival.body["case"]["id"].as_str().expect("case").to_owned();
    app.state.clock.set("2027-02-15T09:00:00Z".parse().expect("instant"));
    app.run_jobs();
    let cripel = app.as_cri("CRIPEL");
    let list = app.get("/v1/reminders", Some(&cripel)).await;
    let reminder = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["case_id"] == case.as_str())
        .cloned()
        .expect("due");
    let id = reminder["id"].as_str().expect("id");
    let letter = app.get(&format!("/v1/reminders/{id}/letter"), Some(&cripel)).await;
    assert_eq!(letter.status, 409);
    assert_eq!(letter.body["code"], "address_unknown");
    let bounced = app
        .post(
            &format!("/v1/reminders/{id}/dispatch"),
            Some(&cripel),
            None,
            &json!({"outcome": "bounced", "date": "2027-02-15"}),
        )
        .await;
    assert_eq!(bounced.status, 201, "{}", bounced.text);
    assert!(app.get("/v1/reminders?status=bounced", Some(&cripel)).await.text.contains(id));
}
