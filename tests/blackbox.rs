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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn start() -> Server {
    let dir = std::env::temp_dir().join(format!("parcours-blackbox-{}-{}", std::process::id(), free_port()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = free_port();
    let child = Command::new(binary())
        .arg("serve")
        .env("PARCOURS_BIND", format!("127.0.0.1:{port}"))
        .env("PARCOURS_DATABASE_URL", format!("sqlite://{}", dir.join("db.sqlite3").display()))
        .env("PARCOURS_WORKERS", "2")
        .env("PARCOURS_CLOCK_START", "2026-12-15T10:00:00Z")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start parcours serve");
    let server = Server { child, base: format!("http://127.0.0.1:{port}"), dir };
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
