//! Signed webhooks through the API, on both backends, against a receiver in this file: it verifies each
//! signature with the algorithm of the Standard Webhooks specification (written here from the
//! specification, not taken from the sender), answers what each test scripts, and keeps what it received.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::test::TestRequest;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

use super::support::{self, TestApp};
use super::{obliged_case, through_convention};
use crate::on_both_backends;

on_both_backends!(
    a_receiver_failing_twice_gets_the_event_three_times_with_one_id_and_valid_signatures,
    a_receiver_answering_410_disables_the_subscription_until_its_owner_resumes_it,
    a_commune_never_receives_another_communes_event,
    a_rotated_secret_signs_beside_the_old_one_and_a_replay_sends_the_events_again,
);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// A receiver on a free loopback port: answers the scripted statuses in order, then 200.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(statuses: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hooks/parcours", listener.local_addr().expect("address"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(statuses.iter().copied().collect::<VecDeque<u16>>()));
        let (kept, script_kept) = (received.clone(), script.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut headers = Vec::new();
                let mut line = String::new();
                reader.read_line(&mut line).expect("request line");
                loop {
                    line.clear();
                    reader.read_line(&mut line).expect("header");
                    let trimmed = line.trim_end();
                    if trimmed.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = trimmed.split_once(':') {
                        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                    }
                }
                let length: usize =
                    headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                let mut body = vec![0u8; length];
                reader.read_exact(&mut body).expect("body");
                kept.lock().expect("lock").push(Received { headers, body });
                let status = script_kept.lock().expect("lock").pop_front().unwrap_or(200);
                let reply = format!("HTTP/1.1 {status} Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        Receiver { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

/// The Standard Webhooks verification, from the specification: the signed content is
/// `webhook-id.webhook-timestamp.body`, the key is the base64 after `whsec_`, the signature HMAC-SHA256 in
/// base64 after `v1,`; the header may carry several, space-separated, and one that verifies is enough.
fn verifies(secret: &str, id: &str, timestamp: &str, body: &[u8], signature_header: &str) -> bool {
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine.decode(secret.strip_prefix("whsec_").expect("whsec_ prefix")).expect("base64 secret");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = format!("v1,{}", engine.encode(mac.finalize().into_bytes()));
    signature_header.split(' ').any(|candidate| candidate == expected)
}

#[test]
fn the_reference_test_vector_of_the_specification_verifies_and_the_sender_signs_it() {
    // From the Standard Webhooks repository (libraries/*/tests): secret, id, timestamp, payload, signature.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let (id, timestamp, payload) = ("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330_i64, br#"{"test": 2432232314}"#);
    let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert!(verifies(secret, id, &timestamp.to_string(), payload, expected));
    assert!(!verifies(secret, id, &(timestamp + 1).to_string(), payload, expected));
    assert_eq!(parcours_api::webhooks::sign(secret, id, timestamp, payload).expect("sign"), expected);
}

fn run_delivery(app: &TestApp) -> String {
    let run = parcours_api::jobs::run_one_now(&app.state, parcours_api::jobs::JobKind::WebhookDelivery, "test")
        .expect("run")
        .expect("the delivery job ran");
    assert!(run.outcome.starts_with("ok"), "{}", run.outcome);
    run.outcome
}

/// Moves the service's clock by `minutes`.
fn later(app: &TestApp, minutes: i64) {
    app.state.clock.set(app.state.clock.instant() + chrono::Duration::minutes(minutes));
}

async fn subscribe(app: &TestApp, token: &str, body: Value) -> (String, String) {
    let reply = app.post("/v1/webhook-subscriptions", Some(token), Some(&parcours_store::new_id()), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.body["id"].as_str().expect("id").to_owned();
    assert_eq!(reply.header("location"), Some(format!("/v1/webhook-subscriptions/{id}").as_str()));
    let secret = app.get(&format!("/v1/webhook-subscriptions/{id}/secret"), Some(token)).await;
    assert_eq!(secret.status, 200, "{}", secret.text);
    (id, secret.body["secret"].as_str().expect("whsec_ secret").to_owned())
}

async fn a_receiver_failing_twice_gets_the_event_three_times_with_one_id_and_valid_signatures(app: TestApp) {
    let receiver = Receiver::start(&[500, 500]);
    let cripel = app.as_cri("CRIPEL");
    let (subscription, secret) = subscribe(&app, &cripel, json!({"url": receiver.url, "description": "CRM"})).await;
    assert_eq!(app.count_rows("webhook_deliveries"), 0);
    let (case, _, _) = obliged_case(&app, 41).await;

    // First attempt: 500. The delivery waits (about 5 s, ±20 %) and nothing else of the case goes before it.
    run_delivery(&app);
    assert_eq!(receiver.received().len(), 1);
    let log = app.get(&format!("/v1/webhook-subscriptions/{subscription}/deliveries"), Some(&cripel)).await;
    assert_eq!(log.status, 200, "{}", log.text);
    let first = &log.body["items"][0];
    assert_eq!(first["status"], "pending");
    assert_eq!(first["attempts"][0]["status_code"], 500);
    assert!(first["next_attempt_at"].is_string());
    // Not due yet: nothing is sent.
    run_delivery(&app);
    assert_eq!(receiver.received().len(), 1);
    later(&app, 1);
    run_delivery(&app);
    assert_eq!(receiver.received().len(), 2, "second attempt after the first delay");
    later(&app, 10);
    run_delivery(&app);
    for _ in 0..5 {
        later(&app, 1);
        run_delivery(&app);
    }

    let received = receiver.received();
    let first_id = received[0].header("webhook-id").to_owned();
    let same: Vec<&Received> = received.iter().filter(|r| r.header("webhook-id") == first_id).collect();
    assert_eq!(same.len(), 3, "500, 500 then 200: three attempts of one event");
    assert!(same.iter().all(|r| r.body == same[0].body), "the same bytes at every attempt");
    for request in &received {
        assert!(
            verifies(
                &secret,
                request.header("webhook-id"),
                request.header("webhook-timestamp"),
                &request.body,
                request.header("webhook-signature")
            ),
            "signature of {request:?}"
        );
        assert!(request.header("content-type").starts_with("application/cloudevents+json"));
        let event = request.json();
        let keys: Vec<&str> = event.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(
            keys.iter().copied().collect::<std::collections::BTreeSet<_>>(),
            ["data", "datacontenttype", "id", "sequence", "source", "specversion", "subject", "time", "type"]
                .into_iter()
                .collect(),
        );
        assert_eq!(event["specversion"], "1.0");
        assert_eq!(event["id"], request.header("webhook-id"));
        assert!(event.get("sequencetype").is_none());
        assert_eq!(event["sequence"].as_str().expect("sequence").len(), 20);
        assert!(event["type"].as_str().expect("type").starts_with("be.wallonie.parcours.case."));
        assert_eq!(event["data"]["case_id"], case);
        let text = String::from_utf8(request.body.clone()).expect("UTF-8");
        assert!(!text.contains("Samira") && !text.contains("El Amrani") && !text.contains("900510"), "{text}");
    }
    // Feed order per case: positions never go back.
    let sequences: Vec<String> =
        received.iter().map(|r| r.json()["sequence"].as_str().expect("sequence").to_owned()).collect();
    assert!(sequences.windows(2).all(|pair| pair[0] <= pair[1]), "{sequences:?}");
    let log = app.get(&format!("/v1/webhook-subscriptions/{subscription}/deliveries"), Some(&cripel)).await;
    let first = &log.body["items"][0];
    assert_eq!(first["status"], "delivered");
    let codes: Vec<&Value> =
        first["attempts"].as_array().expect("attempts").iter().map(|a| &a["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(200)]);
    assert!(log.body["items"].as_array().expect("items").iter().all(|d| d["status"] == "delivered"));
    // Another CRI does not see the subscription.
    let other = app.get(&format!("/v1/webhook-subscriptions/{subscription}"), Some(&app.as_cri("CRVI"))).await;
    assert_eq!(other.status, 404);
    let metrics_pending = app.count_rows("webhook_deliveries");
    assert!(metrics_pending >= 1);
}

async fn a_receiver_answering_410_disables_the_subscription_until_its_owner_resumes_it(app: TestApp) {
    let receiver = Receiver::start(&[410]);
    let cripel = app.as_cri("CRIPEL");
    let (subscription, _) =
        subscribe(&app, &cripel, json!({"url": receiver.url, "event_types": ["case_opened"]})).await;
    obliged_case(&app, 42).await;
    run_delivery(&app);
    assert_eq!(receiver.received().len(), 1);
    let read = app.get(&format!("/v1/webhook-subscriptions/{subscription}"), Some(&cripel)).await;
    assert_eq!(read.body["status"], "disabled");
    assert_eq!(read.body["disabled_reason"], "gone");
    // Disabled: a new event is neither queued nor sent.
    obliged_case(&app, 43).await;
    later(&app, 60);
    run_delivery(&app);
    assert_eq!(receiver.received().len(), 1);
    // Resumed: delivery goes on from where it stopped (the second case's event).
    let req = TestRequest::put()
        .uri(&format!("/v1/webhook-subscriptions/{subscription}/status"))
        .insert_header(("Authorization", format!("Bearer {cripel}")))
        .set_json(json!({"status": "active"}));
    let resumed = app.send(req).await;
    assert_eq!(resumed.status, 200, "{}", resumed.text);
    assert_eq!(resumed.body["status"], "active");
    run_delivery(&app);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].json()["type"], "be.wallonie.parcours.case.case_opened");
    // Only the type subscribed to.
    assert!(received.iter().all(|r| r.json()["data"]["event_type"] == "case_opened"));
}

async fn a_commune_never_receives_another_communes_event(app: TestApp) {
    let liege_receiver = Receiver::start(&[]);
    let charleroi_receiver = Receiver::start(&[]);
    let (liege, charleroi) = (app.as_commune("62063"), app.as_commune("52011"));
    subscribe(&app, &liege, json!({"url": liege_receiver.url})).await;
    subscribe(&app, &charleroi, json!({"url": charleroi_receiver.url})).await;
    // A commune cannot ask for what only a CRI receives.
    let refused = app
        .post(
            "/v1/webhook-subscriptions",
            Some(&liege),
            None,
            &json!({"url": liege_receiver.url, "event_types": ["social_assessment_done"]}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.error_fields(), ["event_types"]);
    // An operator reads no feed, so it cannot subscribe.
    let operator = app.token("operator:01a20d00-0000-7000-8000-000000000001", &["operator_agent"]);
    let forbidden =
        app.post("/v1/webhook-subscriptions", Some(&operator), None, &json!({"url": liege_receiver.url})).await;
    assert_eq!(forbidden.status, 403);

    let (case, person, v) = obliged_case(&app, 44).await;
    through_convention(&app, &case, v).await;
    for _ in 0..4 {
        run_delivery(&app);
    }
    let received = liege_receiver.received();
    assert!(!received.is_empty(), "Liège hears that its resident follows the pathway");
    for request in &received {
        let event = request.json();
        assert!(event["type"].as_str().expect("type").starts_with("be.wallonie.parcours.notice."));
        assert_eq!(event["data"]["person_id"], person);
        assert!(event["data"].get("case_id").is_none());
    }
    assert!(received.iter().any(|r| r.json()["data"]["event_type"] == "pathway_followed"));
    assert!(charleroi_receiver.received().is_empty(), "Charleroi hears nothing of Liège's resident");
}

async fn a_rotated_secret_signs_beside_the_old_one_and_a_replay_sends_the_events_again(app: TestApp) {
    let receiver = Receiver::start(&[]);
    let cripel = app.as_cri("CRIPEL");
    let (subscription, old_secret) =
        subscribe(&app, &cripel, json!({"url": receiver.url, "event_types": ["case_opened"]})).await;
    let rotation = app
        .post(
            &format!("/v1/webhook-subscriptions/{subscription}/secret-rotations"),
            Some(&cripel),
            Some(&parcours_store::new_id()),
            &json!({"overlap_hours": 24}),
        )
        .await;
    assert_eq!(rotation.status, 201, "{}", rotation.text);
    assert!(rotation.body["previous_secret_expires_at"].is_string());
    let location = rotation.header("location").expect("location").to_owned();
    let new_secret = app.get(&location, Some(&cripel)).await.body["secret"].as_str().expect("new secret").to_owned();
    assert_ne!(new_secret, old_secret);

    obliged_case(&app, 45).await;
    run_delivery(&app);
    let during = receiver.received();
    assert_eq!(during.len(), 1);
    let request = &during[0];
    let signatures = request.header("webhook-signature");
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");
    for secret in [&old_secret, &new_secret] {
        assert!(verifies(
            secret,
            request.header("webhook-id"),
            request.header("webhook-timestamp"),
            &request.body,
            signatures
        ));
    }

    // After the overlap only the new secret signs.
    later(&app, 25 * 60);
    let replay = app
        .post(
            &format!("/v1/webhook-subscriptions/{subscription}/replays"),
            Some(&cripel),
            None,
            &json!({"after_position": 0}),
        )
        .await;
    assert_eq!(replay.status, 200, "{}", replay.text);
    assert_eq!(replay.body["position"], 0);
    run_delivery(&app);
    let after = receiver.received();
    assert_eq!(after.len(), 2, "the replay sends the case_opened event again");
    assert_eq!(after[1].header("webhook-id"), after[0].header("webhook-id"));
    let signatures = after[1].header("webhook-signature");
    assert_eq!(signatures.split(' ').count(), 1);
    assert!(verifies(
        &new_secret,
        after[1].header("webhook-id"),
        after[1].header("webhook-timestamp"),
        &after[1].body,
        signatures
    ));
    assert!(!verifies(
        &old_secret,
        after[1].header("webhook-id"),
        after[1].header("webhook-timestamp"),
        &after[1].body,
        signatures
    ));
}

/// Production settings: RS256 tokens, real key files, a public base URL.
pub(crate) fn production_config() -> parcours_api::config::Config {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let dir = std::env::temp_dir().join(format!("parcours-production-{}", parcours_store::new_id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let attestation = dir.join("attestation.keys");
    std::fs::write(&attestation, parcours_api::attestation_keys::AttestationKeys::generate_lines()).expect("write");
    let data = dir.join("data.keys");
    std::fs::write(&data, parcours_api::data_keys::DataKeys::generate_line()).expect("write");
    support::base_config(&[
        ("PARCOURS_ENV", "production".into()),
        ("PARCOURS_JWT_ALGORITHM", "RS256".into()),
        ("PARCOURS_JWT_PUBLIC_KEYS", format!("test-key={fixtures}/rsa-public.pem")),
        ("PARCOURS_JWT_SIGNING_KEY", format!("test-key={fixtures}/rsa-private.pem")),
        ("PARCOURS_PUBLIC_BASE_URL", "https://parcours.wallonie.example".into()),
        ("PARCOURS_ATTESTATION_KEYS", attestation.display().to_string()),
        ("PARCOURS_DATA_KEYS", data.display().to_string()),
    ])
}

#[actix_web::test]
async fn in_production_a_loopback_or_plain_http_receiver_is_refused() {
    let app = TestApp::sqlite_with(production_config());
    let cripel = app.as_cri("CRIPEL");
    for (url, code) in [
        ("https://127.0.0.1/hooks", "target_not_public"),
        ("https://[::1]:8443/hooks", "target_not_public"),
        ("https://localhost/hooks", "target_not_public"),
        ("https://169.254.169.254/latest/meta-data", "target_not_public"),
        ("http://crm.cripel.example/hooks", "https_required"),
        ("https://user:password@crm.cripel.example/hooks", "invalid_url"),
    ] {
        let reply = app.post("/v1/webhook-subscriptions", Some(&cripel), None, &json!({"url": url})).await;
        assert_eq!(reply.status, 422, "{url}: {}", reply.text);
        assert_eq!(reply.body["errors"][0]["code"], code, "{url}: {}", reply.text);
    }
    assert_eq!(app.count_rows("webhook_subscriptions"), 0);
}
