//! Black-box suite: starts the release `parcours` binary on a free port with its own SQLite file and
//! drives it over HTTP with a real client, as a commune's software would. Tokens come from
//! `parcours token`, as the README tells integrators.
//!
//! The binary is `PARCOURS_BIN` when set (`make ci` points it at the release build), otherwise the
//! `parcours` binary that `cargo test` builds beside this test (built on first use if missing). The
//! server's clock starts on a fixed date, so the suite passes in any year.

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("PARCOURS_BIN") {
            return PathBuf::from(path);
        }
        // target/<profile>/deps/blackbox-<hash> → target/<profile>/parcours
        let beside = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().and_then(|deps| deps.parent()).map(|dir| dir.join("parcours")));
        if let Some(path) = beside.filter(|p| p.exists()) {
            return path;
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(workspace_root())
            .args(["build", "-p", "parcours-api", "--bin", "parcours"])
            .status()
            .expect("run cargo build");
        assert!(status.success(), "build of the parcours binary failed");
        workspace_root().join("target/debug/parcours")
    })
}

struct Server {
    child: Child,
    base: String,
    dir: PathBuf,
    /// Whether dropping this server removes its directory (a restarted server on the same file keeps it
    /// for the next one).
    owns_dir: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.owns_dir {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn start() -> Server {
    let dir = std::env::temp_dir().join(format!("parcours-blackbox-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    start_in(dir)
}

/// A server on the SQLite file of `dir` (created on first start, kept across restarts).
fn start_in(dir: PathBuf) -> Server {
    let database = dir.join("db.sqlite3");
    launch(dir, &database, &[])
}

/// `parcours serve` on `database`, its clock starting on 2026-12-15, with `environment` added; ready.
fn launch(dir: PathBuf, database: &std::path::Path, environment: &[(&str, &str)]) -> Server {
    let port = free_port();
    let child = Command::new(binary())
        .arg("serve")
        .env("PARCOURS_BIND", format!("127.0.0.1:{port}"))
        .env("PARCOURS_DATABASE_URL", format!("sqlite://{}", database.display()))
        .env("PARCOURS_WORKERS", "2")
        .env("PARCOURS_CLOCK_START", "2026-12-15T10:00:00Z")
        .env("RUST_LOG", "warn")
        .envs(environment.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start parcours serve");
    let server = Server { child, base: format!("http://127.0.0.1:{port}"), dir, owns_dir: true };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = agent().get(format!("{}/health/ready", server.base)).call().is_ok_and(|r| r.status() == 200);
        if ready {
            return server;
        }
        assert!(Instant::now() < deadline, "server did not become ready within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn token(org: &str, role: &str) -> String {
    let output = Command::new(binary())
        .args(["token", "--org", org, "--role", role, "--ttl", "10m"])
        .output()
        .expect("parcours token");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8").trim().to_owned()
}

struct Reply {
    status: u16,
    content_type: String,
    replayed: bool,
    body: Value,
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let content_type = header("content-type");
    let replayed = header("idempotent-replayed") == "true";
    let mut text = String::new();
    response.body_mut().as_reader().read_to_string(&mut text).expect("body");
    Reply { status, content_type, replayed, body: serde_json::from_str(&text).unwrap_or(Value::Null) }
}

fn post(server: &Server, path: &str, token: &str, key: &str, body: &Value) -> Reply {
    read(
        agent()
            .post(format!("{}{path}", server.base))
            .header("Authorization", &format!("Bearer {token}"))
            .header("Idempotency-Key", key)
            .send_json(body)
            .expect("request"),
    )
}

fn get(server: &Server, path: &str, token: &str) -> Reply {
    read(
        agent()
            .get(format!("{}{path}", server.base))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("request"),
    )
}

fn arrival() -> Value {
    json!({
        "niss": "90.05.10-124.46", "surname": "El Amrani", "given_names": "Samira", "birth_date": "1990-05-10",
        "sex": "female", "nationality": "MAR", "residence_document": "B", "title_order_date": "2026-06-15",
        "first_registration_date": "2026-05-01", "legal_stay_start": "2026-04-01", "domicile_nis": "62063"
    })
}

#[test]
fn a_commune_reports_an_arrival_and_reads_it_back_over_http() {
    let server = start();
    let liege = token("commune:62063", "commune_agent");
    let created = post(&server, "/v1/arrivals", &liege, "bb-intake-1", &arrival());
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["determination"]["status"], "obliged");
    assert_eq!(created.body["determination"]["competent_cri"]["code"], "CRIPEL");
    assert_eq!(created.body["case"]["reference"], "CRIPEL-2026-000001");
    let id = created.body["id"].as_str().expect("id");
    let read_back = get(&server, &format!("/v1/arrivals/{id}"), &liege);
    assert_eq!(read_back.status, 200);
    assert_eq!(read_back.body, created.body);
    let list = get(&server, "/v1/arrivals", &liege);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    let charleroi = token("commune:52011", "commune_agent");
    assert_eq!(get(&server, &format!("/v1/arrivals/{id}"), &charleroi).status, 404);
}

#[test]
fn idempotency_and_errors_behave_as_documented_over_http() {
    let server = start();
    let liege = token("commune:62063", "commune_agent");
    let first = post(&server, "/v1/arrivals", &liege, "bb-key", &arrival());
    let replay = post(&server, "/v1/arrivals", &liege, "bb-key", &arrival());
    assert_eq!((first.status, replay.status), (201, 201));
    assert!(replay.replayed && !first.replayed);
    assert_eq!(first.body, replay.body);
    let mut changed = arrival();
    changed["given_names"] = json!("Sara");
    let reused = post(&server, "/v1/arrivals", &liege, "bb-key", &changed);
    assert_eq!(reused.status, 422);
    assert_eq!(reused.body["code"], "idempotency_key_reused");
    assert_eq!(reused.content_type, "application/problem+json");

    let anonymous = read(
        agent().get(format!("{}/v1/arrivals", server.base)).header("Accept-Language", "en").call().expect("request"),
    );
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body["title"], "Authentication required");
    let malformed = read(
        agent()
            .post(format!("{}/v1/arrivals", server.base))
            .header("Authorization", &format!("Bearer {liege}"))
            .header("Idempotency-Key", "bb-bad")
            .header("Content-Type", "application/json")
            .send("{not json")
            .expect("request"),
    );
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.body["code"], "malformed_json");
    let mut bad_niss = arrival();
    bad_niss["niss"] = json!("90051012445");
    let invalid = post(&server, "/v1/arrivals", &liege, "bb-niss", &bad_niss);
    assert_eq!(invalid.status, 422);
    assert_eq!(invalid.body["errors"][0]["field"], "niss");
}

#[test]
fn the_served_contract_is_the_committed_one() {
    let server = start();
    let served = read(agent().get(format!("{}/openapi.json", server.base)).call().expect("request"));
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join("openapi/openapi.json")).expect("file"))
            .expect("json");
    assert_eq!(served.body, committed);
}

#[test]
fn the_binary_refuses_bad_tokens_requests_and_production_with_a_development_key() {
    let bad_org =
        Command::new(binary()).args(["token", "--org", "bank:1", "--role", "commune_agent"]).output().expect("run");
    assert!(!bad_org.status.success());
    assert!(String::from_utf8_lossy(&bad_org.stderr).contains("unknown organisation"));
    let production = Command::new(binary())
        .arg("serve")
        .env("PARCOURS_ENV", "production")
        .env("PARCOURS_DATABASE_URL", "sqlite:///nonexistent/never-created.sqlite3")
        .output()
        .expect("run");
    assert!(!production.status.success());
    assert!(String::from_utf8_lossy(&production.stderr).contains("production refuses HS256"));
}

/// A case step with `If-Match`; returns the new version.
fn case_step(server: &Server, token: &str, case: &str, step: &str, version: i64, body: &Value) -> i64 {
    let reply = read(
        agent()
            .post(format!("{}/v1/cases/{case}/{step}", server.base))
            .header("Authorization", &format!("Bearer {token}"))
            .header("If-Match", &format!("\"{version}\""))
            .send_json(body)
            .expect("request"),
    );
    assert_eq!(reply.status, 200, "{step}: {}", reply.body);
    reply.body["version"].as_i64().expect("version")
}

/// Chromium renders the page headless: its DOM after rendering, and a screenshot under target/.
fn browse(url: &str, screenshot: &std::path::Path) -> Option<String> {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok());
    let Some(chromium) = chromium else {
        assert!(std::env::var_os("CI").is_none(), "CI needs Debian's chromium: .ci/run installs it");
        eprintln!("SKIPPED: chromium is not installed (.ci/run installs it)");
        return None;
    };
    let profile = std::env::temp_dir().join(format!("parcours-chromium-{}-{}", std::process::id(), free_port()));
    let common = |command: &mut Command| {
        command.args(["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"]);
        command.arg(format!("--user-data-dir={}", profile.display()));
    };
    let mut shot = Command::new(chromium);
    common(&mut shot);
    let status = shot
        .args(["--window-size=900,1100", &format!("--screenshot={}", screenshot.display()), url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("chromium screenshot");
    assert!(status.success() && screenshot.exists(), "chromium took no screenshot of {url}");
    let mut dom = Command::new(chromium);
    common(&mut dom);
    let output = dom.args(["--dump-dom", url]).stderr(Stdio::null()).output().expect("chromium dump-dom");
    let _ = std::fs::remove_dir_all(&profile);
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The text a reader sees: the DOM's body without its tags.
fn visible_text(dom: &str) -> String {
    let body = dom.split("<body>").nth(1).unwrap_or(dom);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_verification_page_reads_valid_then_revoked_in_a_real_browser() {
    let server = start();
    let liege = token("commune:62063", "commune_agent");
    let cri = token("cri:CRIPEL", "cri_agent");
    let created = post(&server, "/v1/arrivals", &liege, "bb-att-1", &arrival());
    assert_eq!(created.status, 201, "{}", created.body);
    let case = created.body["case"]["id"].as_str().expect("case").to_owned();
    let today = "2026-12-15";
    let mut v = get(&server, &format!("/v1/cases/{case}"), &cri).body["version"].as_i64().expect("version");
    for (step, body) in [
        ("presentation", json!({"date": today})),
        ("rights-information", json!({"date": today, "format": "individual"})),
        ("social-assessment", json!({"date": today, "needs": []})),
        ("french-test", json!({"date": today, "tool": "ELAO", "level": "A1"})),
        ("convention", json!({"signed_on": today, "french": "required", "orientation_needed": true})),
        ("hours", json!({"axis": "french", "hours": 400, "date": today})),
        ("hours", json!({"axis": "citizenship", "hours": 60, "date": today})),
        ("hours", json!({"axis": "orientation", "hours": 4, "date": today})),
        ("completion", json!({"date": today})),
    ] {
        v = case_step(&server, &cri, &case, step, v, &body);
    }
    let settings = read(
        agent()
            .put(format!("{}/v1/cri-settings", server.base))
            .header("Authorization", &format!("Bearer {cri}"))
            .send_json(json!({"office_address": "Place Xavier Neujean 19b\n4000 Liège", "signatory_name": "Marie Dupont", "signatory_function": "Directrice"}))
            .expect("settings"),
    );
    assert_eq!(settings.status, 200, "{}", settings.body);
    let issued = read(
        agent()
            .post(format!("{}/v1/cases/{case}/attestations", server.base))
            .header("Authorization", &format!("Bearer {cri}"))
            .header("If-Match", &format!("\"{v}\""))
            .header("Idempotency-Key", "bb-att-issue")
            .send_json(json!({}))
            .expect("issue"),
    );
    assert_eq!(issued.status, 201, "{}", issued.body);
    let serial = issued.body["serial"].as_str().expect("serial").to_owned();
    let url = issued.body["verification_url"].as_str().expect("url").to_owned();
    assert!(url.starts_with(&server.base), "the printed address is the configured public one: {url}");

    let shots = workspace_root().join("target").join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot directory");
    let Some(valid) = browse(&url, &shots.join("verification-valid.png")) else { return };
    let valid = visible_text(&valid);
    assert!(valid.contains("Attestation valide"), "{valid}");
    assert!(valid.contains(&serial) && valid.contains("S. E.") && valid.contains("1990"), "{valid}");
    assert!(valid.contains("Page servie par 127.0.0.1"), "the serving domain is shown: {valid}");
    assert!(!valid.contains("El Amrani") && !valid.contains("10/05/1990"), "no more than the minimal answer: {valid}");

    let revoked = read(
        agent()
            .post(format!("{}/v1/attestations/{serial}/revocation", server.base))
            .header("Authorization", &format!("Bearer {cri}"))
            .send_json(json!({"reason": "Délivrée par erreur : heures encodées deux fois."}))
            .expect("revoke"),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let Some(page) = browse(&format!("{url}&lang=en"), &shots.join("verification-revoked.png")) else { return };
    let page = visible_text(&page);
    assert!(page.contains("Revoked attestation"), "{page}");
    assert!(page.contains("Version française"), "{page}");
}

fn niss(sequence: u32) -> String {
    let base = format!("900510{:03}", sequence * 2);
    let value: u64 = base.parse().expect("digits");
    format!("{base}{:02}", 97 - (value % 97))
}

/// One HTTP/1.1 request written by hand, so that the test decides when its last bytes leave: `between`
/// runs after all but the last 64 bytes of the body are sent. Answers (status, body).
fn post_in_two_parts(
    server: &Server,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    between: impl FnOnce(),
) -> (u16, Value) {
    use std::io::Write;
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    let mut head =
        format!("POST {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let (first, last) = body.as_bytes().split_at(body.len() - 64);
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(first))
        .expect("send the head and most of the body");
    stream.flush().expect("flush");
    between();
    stream.write_all(last).expect("send the rest: the server still reads a request it had begun");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// SIGTERM arrives while a bulk attendance post is still being received: the server lets it finish, the
/// client gets its report, the process exits cleanly, and on restart every line is there (the same key
/// replays the committed report). Nothing is lost and nothing is half-written.
#[test]
fn sigterm_during_a_bulk_attendance_post_finishes_it_and_loses_nothing() {
    let server = start();
    let (region, cri, liege) = (
        token("region:SPW", "region_admin"),
        token("cri:CRIPEL", "cri_agent"),
        token("commune:62063", "commune_agent"),
    );
    let operator = post(
        &server,
        "/v1/operators",
        &region,
        "bb-op",
        &json!({"name": "École du soir",
        "enterprise_number": "0123.456.749", "axes": ["french"], "cri_territories": ["CRIPEL"]}),
    );
    assert_eq!(operator.status, 201, "{}", operator.body);
    let school = token(&format!("operator:{}", operator.body["id"].as_str().expect("id")), "operator_agent");
    let sessions: Vec<Value> =
        (1..=20).map(|day| json!({"date": format!("2027-01-{day:02}"), "start": "18:00", "end": "21:00"})).collect();
    let course = post(
        &server,
        "/v1/courses",
        &school,
        "bb-course",
        &json!({"title": "Français A1", "axis": "french",
        "level": "A1", "instruction_language": "fr", "commune_nis": "62063", "address": "Rue des Écoles 1, 4000 Liège",
        "capacity": 40, "sessions": sessions}),
    );
    assert_eq!(course.status, 201, "{}", course.body);
    let course_id = course.body["id"].as_str().expect("course").to_owned();
    let session_ids: Vec<&str> =
        course.body["sessions"].as_array().expect("sessions").iter().map(|s| s["id"].as_str().expect("id")).collect();
    let mut rows = Vec::new();
    let mut first_case = String::new();
    for person in 1..=40 {
        let reported = post(
            &server,
            "/v1/arrivals",
            &liege,
            &format!("bb-arrival-{person}"),
            &json!({"niss": niss(person), "surname": "Test", "given_names": "Personne", "birth_date": "1990-05-10",
                "sex": "female", "nationality": "MAR", "residence_document": "B", "title_order_date": "2026-06-15",
                "first_registration_date": "2026-05-01", "legal_stay_start": "2026-04-01", "domicile_nis": "62063"}),
        );
        assert_eq!(reported.status, 201, "{}", reported.body);
        let case = reported.body["case"]["id"].as_str().expect("case").to_owned();
        let reference = reported.body["case"]["reference"].as_str().expect("reference").to_owned();
        let enrolled = post(
            &server,
            &format!("/v1/courses/{course_id}/enrolments"),
            &cri,
            &format!("bb-enrol-{person}"),
            &json!({"case_id": case}),
        );
        assert_eq!(enrolled.status, 201, "{}", enrolled.body);
        for session in &session_ids {
            rows.push(json!({"case_reference": reference, "session_id": session, "status": "present", "hours": 3}));
        }
        if person == 1 {
            first_case = case;
        }
    }
    let batch = json!({"rows": rows}).to_string();
    let path = format!("/v1/courses/{course_id}/attendance");
    let bearer = format!("Bearer {school}");
    let headers =
        [("Authorization", bearer.as_str()), ("Idempotency-Key", "bb-week-1"), ("Content-Type", "application/json")];
    let pid = server.child.id().to_string();
    let (status, report) = post_in_two_parts(&server, &path, &headers, &batch, || {
        std::thread::sleep(Duration::from_millis(300));
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        assert!(sent.success());
        std::thread::sleep(Duration::from_millis(300));
    });
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["accepted"], 800, "{report}");
    // The server exits by itself, cleanly.
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(40);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "graceful exit: {exit:?}");
    server.owns_dir = false;
    let restarted = start_in(server.dir.clone());
    drop(server);
    let replay = agent()
        .post(format!("{}{path}", restarted.base))
        .header("Authorization", &bearer)
        .header("Idempotency-Key", "bb-week-1")
        .header("Content-Type", "application/json")
        .send(batch.as_str())
        .expect("replay");
    let replay = read(replay);
    assert!(replay.replayed, "the report was committed before the exit");
    assert_eq!(replay.body, report);
    let case = get(&restarted, &format!("/v1/cases/{first_case}"), &cri);
    assert_eq!(case.body["hours"][0]["attended_hours"], 60.0, "{}", case.body);
}

/// `parcours check-config` says what is wrong without starting: a misspelt variable, a refused production
/// setting, a database directory that does not exist; and "configuration ok" for a usable one.
#[test]
fn check_config_names_what_is_wrong_and_accepts_a_usable_configuration() {
    let dir = std::env::temp_dir().join(format!("parcours-check-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let check = |vars: &[(&str, String)]| {
        let mut command = Command::new(binary());
        command.arg("check-config").env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
        for (name, value) in vars {
            command.env(name, value);
        }
        let output = command.output().expect("run check-config");
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.success(), text)
    };
    let database = format!("sqlite://{}", dir.join("parcours.sqlite3").display());
    let (ok, text) = check(&[("PARCOURS_DATABASE_URL", database.clone())]);
    assert!(ok && text.contains("configuration ok") && text.contains("does not exist yet"), "{text}");
    assert!(!dir.join("parcours.sqlite3").exists(), "checking creates nothing");
    let (ok, text) = check(&[("PARCOURS_DATABASE_URL", database.clone()), ("PARCOURS_JOB_POLL_SECONDS", "5".into())]);
    assert!(!ok && text.contains("PARCOURS_JOB_POLL_SECONDS is set but not read"), "{text}");
    let (ok, text) = check(&[("PARCOURS_DATABASE_URL", "sqlite:///no/such/directory/p.sqlite3".into())]);
    assert!(!ok && text.contains("does not exist"), "{text}");
    let (ok, text) = check(&[("PARCOURS_ENV", "production".into())]);
    assert!(!ok && text.contains("production refuses HS256"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A sandbox on the guide's date (2026-12-15), as the guide tells readers to start it, on the file where
/// `PARCOURS_ENV=sandbox parcours audit ...` finds it from the reader's checkout (`dir`).
fn start_guide_sandbox(dir: PathBuf) -> Server {
    let database = dir.join("var/sandbox.sqlite3");
    launch(dir, &database, &[("PARCOURS_ENV", "sandbox")])
}

/// Every `sh` and `bash` example of `docs/api-guide.md`, in order, in one shell, against a sandbox started on
/// the guide's date: as a reader pastes them. `curl` fails on any answer of 400 or more (a `.curlrc` with
/// `fail-with-body`), so an example that stopped working fails here, with its line in the guide.
#[test]
fn every_example_of_the_api_guide_runs_against_the_sandbox() {
    // As with Chromium: skipped, loudly, on a machine without them; required in CI (.ci/run installs them).
    for tool in ["bash", "curl", "jq", "unzip"] {
        let found =
            Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success());
        if !found {
            assert!(std::env::var_os("CI").is_none(), "CI needs {tool} for the guide test: .ci/run installs it");
            eprintln!("SKIPPED: the guide test needs {tool} (Debian package {tool}; .ci/run installs it)");
            return;
        }
    }
    let guide = std::fs::read_to_string(workspace_root().join("docs/api-guide.md")).expect("guide");
    let dir = std::env::temp_dir().join(format!("parcours-guide-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(dir.join("target/release")).expect("temp dir");
    std::fs::create_dir_all(dir.join("var")).expect("temp dir");
    let server = start_guide_sandbox(dir.clone());
    // The reader's checkout: `./target/release/parcours` is the binary under test.
    std::os::unix::fs::symlink(binary(), dir.join("target/release/parcours")).expect("link the binary");
    std::fs::write(dir.join(".curlrc"), "fail-with-body\nshow-error\nmax-time = 30\n").expect("curlrc");

    let mut script = String::from("set -euo pipefail\n");
    let (mut heading, mut block, mut language, mut start) = (String::new(), None::<String>, String::new(), 0);
    let mut run_blocks = 0;
    for (index, line) in guide.lines().enumerate() {
        if let Some(text) = block.as_mut() {
            if line.starts_with("```") {
                if matches!(language.as_str(), "sh" | "bash") {
                    script.push_str(&format!(
                        "echo; echo '>>> docs/api-guide.md:{start} ({})'\n",
                        heading.replace('\'', "")
                    ));
                    script.push_str(&text.replace("http://127.0.0.1:8080", &server.base));
                    run_blocks += 1;
                }
                block = None;
            } else {
                text.push_str(line);
                text.push('\n');
            }
        } else if let Some(fence) = line.strip_prefix("```") {
            (block, language, start) = (Some(String::new()), fence.trim().to_owned(), index + 1);
        } else if let Some(title) = line.strip_prefix('#').map(|rest| rest.trim_start_matches('#').trim()) {
            heading = title.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.').trim().to_owned();
        }
    }
    std::fs::write(dir.join("guide.sh"), &script).expect("script");
    let output = Command::new("bash")
        .arg("guide.sh")
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("CURL_HOME", &dir)
        .output()
        .expect("run the guide");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Kept for a reader who wants to see what each example printed.
    let _ = std::fs::write(workspace_root().join("target/guide-output.txt"), format!("{stdout}\n--- stderr\n{stderr}"));
    let last = stdout.lines().rev().find(|l| l.starts_with(">>> ")).unwrap_or("(before the first example)");
    assert!(
        output.status.success(),
        "an example of the guide failed, in the block {last}:\n--- stderr\n{stderr}\n--- stdout (end)\n{}",
        stdout
            .lines()
            .rev()
            .take(12)
            .map(|line| line.chars().take(300).collect::<String>())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(run_blocks >= 45, "the guide's examples were found: {run_blocks}");
    drop(server);
}
