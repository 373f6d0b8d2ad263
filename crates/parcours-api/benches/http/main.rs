//! `make bench-http`: Parcours over real HTTP against its ceilings, in the same run, with one load
//! generator (this file: plain keep-alive HTTP/1.1 over `std::net`, one thread per connection, so nothing
//! of the client is shared with the servers).
//!
//! - **Ratios**: `POST /v1/determinations/simulate` against a bare actix-web JSON echo (`parcours-echo`),
//!   closed loop with 32 connections and at a fixed 5,000 requests per second; `POST /v1/arrivals` on
//!   PostgreSQL with 1 and 8 clients against the same arrival written as plain SQL transactions; the
//!   same on SQLite. Servers run on one core (`taskset -c 0` where available), the generator on the other.
//! - **Growth**: 10,000, 100,000 and 1,000,000 cases generated through the store (the arrival's own
//!   store calls, twenty per transaction), then the feed poll, the first and a deep page of
//!   `GET /v1/cases`, and every filter, each the median of 30 sequential requests.
//!
//! It needs the release binaries (`make bench-http` builds them) and PostgreSQL at
//! PARCOURS_TEST_POSTGRES_URL. `PARCOURS_BENCH_SIZES=10000,100000` limits the growth sizes. Under
//! `cargo test` it does nothing. Record the printed tables in docs/performance.md with their date.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use parcours_api::config::Config;

// ---------------------------------------------------------------------------------------------------
// The load generator.

/// One keep-alive connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(address: &str) -> Client {
        let stream = TcpStream::connect(address).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client { reader: BufReader::new(stream.try_clone().expect("clone")), writer: stream }
    }

    /// Sends one request and reads the whole answer: (status, body).
    fn send(&mut self, request: &[u8]) -> (u16, Vec<u8>) {
        self.writer.write_all(request).expect("write");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("header");
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("body");
        (status, body)
    }
}

fn request(method: &str, path: &str, headers: &[(&str, String)], body: Option<&str>) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: bench\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        out.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    } else {
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// What a run measured.
struct Run {
    requests: u64,
    failures: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
    server_cpu: Duration,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
    }
    fn cpu_per_request(&self) -> Duration {
        self.server_cpu.checked_div(self.requests.max(1) as u32).unwrap_or_default()
    }
}

/// CPU time (user + system) the process `pid` used so far, from `/proc/<pid>/stat`.
fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return Duration::ZERO };
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Duration::from_millis(ticks * 10)
}

/// `connections` clients, each sending its next request as soon as the previous answered, for `length`.
/// `next(client, n)` builds the n-th request of a client.
fn closed_loop(
    address: &str,
    server_pid: u32,
    connections: usize,
    length: Duration,
    next: Arc<dyn Fn(usize, u64) -> Vec<u8> + Send + Sync>,
) -> Run {
    let barrier = Arc::new(Barrier::new(connections + 1));
    let failures = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..connections)
        .map(|c| {
            let (address, barrier, failures, next) =
                (address.to_owned(), Arc::clone(&barrier), Arc::clone(&failures), Arc::clone(&next));
            std::thread::spawn(move || {
                let mut client = Client::connect(&address);
                let mut latencies = Vec::new();
                barrier.wait();
                let start = Instant::now();
                let mut n = 0;
                while start.elapsed() < length {
                    let request = next(c, n);
                    let sent = Instant::now();
                    let (status, body) = client.send(&request);
                    latencies.push(sent.elapsed());
                    if !(200..300).contains(&status) && failures.fetch_add(1, Ordering::Relaxed) == 0 {
                        eprintln!("first failure: {status} {}", String::from_utf8_lossy(&body));
                    }
                    n += 1;
                }
                latencies
            })
        })
        .collect();
    let cpu_before = cpu_time(server_pid);
    barrier.wait();
    let start = Instant::now();
    let latencies: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().expect("client")).collect();
    let elapsed = start.elapsed();
    Run {
        requests: latencies.len() as u64,
        failures: failures.load(Ordering::Relaxed),
        elapsed,
        latencies,
        server_cpu: cpu_time(server_pid).saturating_sub(cpu_before),
    }
}

/// `rate` requests per second in all, spread over `connections` clients, for `length`. Latency is
/// counted from when each request was due, not when it could be sent, so a server that falls behind
/// shows it (no coordinated omission).
fn fixed_rate(address: &str, server_pid: u32, connections: usize, rate: u64, length: Duration, body: &[u8]) -> Run {
    let barrier = Arc::new(Barrier::new(connections + 1));
    let interval = Duration::from_secs_f64(connections as f64 / rate as f64);
    let count = (length.as_secs_f64() / interval.as_secs_f64()) as u32;
    let threads: Vec<_> = (0..connections)
        .map(|c| {
            let (address, barrier, body) = (address.to_owned(), Arc::clone(&barrier), body.to_vec());
            std::thread::spawn(move || {
                let mut client = Client::connect(&address);
                let mut latencies = Vec::with_capacity(count as usize);
                let mut failures = 0u64;
                barrier.wait();
                // Each client starts at its own offset within the interval.
                let start = Instant::now() + interval.mul_f64(c as f64 / connections as f64);
                for k in 0..count {
                    let due = start + interval * k;
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let (status, _) = client.send(&body);
                    latencies.push(due.elapsed());
                    failures += u64::from(status != 200);
                }
                (latencies, failures)
            })
        })
        .collect();
    let cpu_before = cpu_time(server_pid);
    barrier.wait();
    let start = Instant::now();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for thread in threads {
        let (l, f) = thread.join().expect("client");
        latencies.extend(l);
        failures += f;
    }
    Run {
        requests: latencies.len() as u64,
        failures,
        elapsed: start.elapsed(),
        latencies,
        server_cpu: cpu_time(server_pid).saturating_sub(cpu_before),
    }
}

// ---------------------------------------------------------------------------------------------------
// The servers.

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn release_binary(name: &str) -> PathBuf {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/release")).join(name);
    assert!(path.exists(), "{} is missing: run `make bench-http`, which builds it", path.display());
    path
}

/// A command on the servers' core (`taskset -c 0`) where `taskset` exists.
fn on_server_core(binary: PathBuf) -> Command {
    if Command::new("taskset").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success()) {
        let mut command = Command::new("taskset");
        command.arg("-c").arg("0").arg(binary);
        command
    } else {
        Command::new(binary)
    }
}

fn wait_until_listening(address: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(address).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {address}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn echo_server(address: &str) -> Server {
    let child =
        on_server_core(release_binary("parcours-echo")).arg(address).stderr(Stdio::null()).spawn().expect("echo");
    wait_until_listening(address);
    Server { child, address: address.to_owned() }
}

/// `parcours serve` on one worker, jobs off (nothing runs beside the requests), with the database at `url`.
fn parcours_server(address: &str, url: &str, pool: u32) -> Server {
    let child = on_server_core(release_binary("parcours"))
        .arg("serve")
        .env("PARCOURS_DATABASE_URL", url)
        .env("PARCOURS_BIND", address)
        .env("PARCOURS_WORKERS", "1")
        .env("PARCOURS_DB_POOL_SIZE", pool.to_string())
        .env("PARCOURS_JOBS", "off")
        // The limits stay on, so that their cost is measured, with rates no load generator reaches.
        .env("PARCOURS_RATE_TOKEN_BURST", "1000000000")
        .env("PARCOURS_RATE_TOKEN_PER_MINUTE", "1000000000")
        .env("PARCOURS_RATE_ADDRESS_BURST", "1000000000")
        .env("PARCOURS_RATE_ADDRESS_PER_MINUTE", "1000000000")
        .env("RUST_LOG", "error")
        .stderr(Stdio::null())
        .spawn()
        .expect("parcours");
    wait_until_listening(address);
    let mut client = Client::connect(address);
    let deadline = Instant::now() + Duration::from_secs(120);
    while client.send(&request("GET", "/health/ready", &[], None)).0 != 200 {
        assert!(Instant::now() < deadline, "parcours never became ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, address: address.to_owned() }
}

fn token(organisation: &str, role: &str) -> String {
    let config = Config::from_lookup(|_| None).expect("development configuration");
    let roles = [role.to_owned()];
    parcours_api::auth::mint(&config, "bench:load", organisation, &roles, 3600).expect("token")
}

// ---------------------------------------------------------------------------------------------------
// The workloads.

const SIMULATION: &str = r#"{"birth_date":"1990-05-10","nationality":"MAR","residence_document":"B","title_order_date":"2025-03-15","first_registration_date":"2025-02-01","legal_stay_start":"2024-09-01","domicile_nis":"62063","claimed_dispensations":["D5"]}"#;

/// A valid national number for a birth date `yymmdd` and a serial.
fn niss(yymmdd: &str, serial: u32) -> String {
    let base = format!("{yymmdd}{serial:03}");
    let value: u64 = base.parse().expect("digits");
    let check = 97 - (value % 97);
    format!("{base}{check:02}")
}

/// The n-th distinct newcomer of a run: an obliged Moroccan national in Liège (a case opens at CRIPEL).
fn arrival_body(run: u32, n: u64) -> String {
    let day = 1 + (n % 28) as u32;
    let month = 1 + ((n / 28) % 12) as u32;
    let year = 60 + ((n / 336) % 40) as u32;
    let serial = (run * 100 + ((n / 13_440) % 100) as u32) % 998 + 1;
    let national_number = niss(&format!("{year:02}{month:02}{day:02}"), serial);
    format!(
        r#"{{"niss":"{national_number}","surname":"Bench","given_names":"Load","birth_date":"19{year:02}-{month:02}-{day:02}","nationality":"MAR","residence_document":"B","title_order_date":"2026-06-15","first_registration_date":"2026-05-01","legal_stay_start":"2026-04-01","domicile_nis":"62063"}}"#
    )
}

fn arrival_request(commune_token: &str, run: u32, n: u64) -> Vec<u8> {
    let headers =
        [("Authorization", format!("Bearer {commune_token}")), ("Idempotency-Key", format!("bench-{run}-{n}"))];
    request("POST", "/v1/arrivals", &headers, Some(&arrival_body(run, n)))
}

fn postgres_admin_url() -> String {
    std::env::var("PARCOURS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A new, empty PostgreSQL database (the server migrates it when it starts).
fn fresh_postgres(suffix: &str) -> String {
    let admin_url = postgres_admin_url();
    let mut admin = PgConnection::establish(&admin_url).expect("PostgreSQL is needed for make bench-http");
    let name = format!("parcours_bench_http_{suffix}");
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).expect("drop");
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create");
    format!("{}/{name}", admin_url.rsplit_once('/').expect("database in URL").0)
}

fn drop_postgres(url: &str) {
    let name = url.rsplit_once('/').expect("database").1;
    if let Ok(mut admin) = PgConnection::establish(&postgres_admin_url()) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
    }
}

fn fresh_sqlite(suffix: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("parcours-bench-http-{suffix}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("directory");
    let url = format!("sqlite://{}", dir.join("bench.sqlite3").display());
    (dir, url)
}

mod raw_arrival;

fn print_ratio_row(what: &str, run: &Run, ceiling_what: &str, ceiling: &Run, goal: &str) {
    println!(
        "| {what} | {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms; {:.0} µs CPU/req{} | {ceiling_what}: {:.0} req/s{} | {:.2} | {goal} |",
        run.per_second(),
        run.percentile(0.5).as_secs_f64() * 1e3,
        run.percentile(0.99).as_secs_f64() * 1e3,
        run.cpu_per_request().as_secs_f64() * 1e6,
        if run.failures > 0 { format!(", **{} failed**", run.failures) } else { String::new() },
        ceiling.per_second(),
        if ceiling.server_cpu > Duration::ZERO {
            format!(", {:.0} µs CPU/req", ceiling.cpu_per_request().as_secs_f64() * 1e6)
        } else {
            String::new()
        },
        run.per_second() / ceiling.per_second(),
    );
}

fn ratios() {
    let length = Duration::from_secs(8);
    println!("\n## Ratios ({})\n", chrono::Utc::now().format("%Y-%m-%d"));
    println!("| Workload | Parcours | Ceiling in the same run | Ratio | Goal |");
    println!("|---|---|---|---|---|");

    // simulate against the echo, closed loop c32 and fixed rate.
    let (sqlite_dir, sqlite_url) = fresh_sqlite("simulate");
    let parcours = parcours_server("127.0.0.1:8091", &sqlite_url, 4);
    let echo = echo_server("127.0.0.1:8092");
    let cri = token("cri:CRIPEL", "cri_agent");
    let simulate =
        request("POST", "/v1/determinations/simulate", &[("Authorization", format!("Bearer {cri}"))], Some(SIMULATION));
    let echo_request = request("POST", "/echo", &[("Authorization", format!("Bearer {cri}"))], Some(SIMULATION));
    // The second ceiling: the echo taking and giving back simulate's own answer (parsed and serialised
    // again), so that the cost of answering a 6 kB document is on both sides of the ratio.
    let (status, answer) = Client::connect(&parcours.address).send(&simulate);
    assert_eq!(status, 200, "simulate answers");
    let answer = String::from_utf8(answer).expect("a JSON answer");
    let echo_answer = request("POST", "/echo", &[("Authorization", format!("Bearer {cri}"))], Some(&answer));
    let pid_of = |server: &Server| server.child.id();
    // Warm both up, then interleave the measured runs and keep the medians of three.
    let warm = Duration::from_secs(2);
    let s = simulate.clone();
    closed_loop(&parcours.address, pid_of(&parcours), 32, warm, Arc::new(move |_, _| s.clone()));
    let e = echo_request.clone();
    closed_loop(&echo.address, pid_of(&echo), 32, warm, Arc::new(move |_, _| e.clone()));
    let mut simulate_runs = Vec::new();
    let mut echo_runs = Vec::new();
    let mut echo_answer_runs = Vec::new();
    for _ in 0..3 {
        let s = simulate.clone();
        simulate_runs.push(closed_loop(
            &parcours.address,
            pid_of(&parcours),
            32,
            length,
            Arc::new(move |_, _| s.clone()),
        ));
        let e = echo_request.clone();
        echo_runs.push(closed_loop(&echo.address, pid_of(&echo), 32, length, Arc::new(move |_, _| e.clone())));
        let a = echo_answer.clone();
        echo_answer_runs.push(closed_loop(&echo.address, pid_of(&echo), 32, length, Arc::new(move |_, _| a.clone())));
    }
    let median_run = |mut runs: Vec<Run>| {
        runs.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
        runs.swap_remove(runs.len() / 2)
    };
    let (simulate_run, echo_run) = (median_run(simulate_runs), median_run(echo_runs));
    print_ratio_row(
        "`POST /v1/determinations/simulate`, 32 connections",
        &simulate_run,
        "actix JSON echo",
        &echo_run,
        "≥ 0.5",
    );
    print_ratio_row(
        &format!("same, against an echo of its {} kB answer", answer.len() / 1_000),
        &simulate_run,
        "actix JSON echo of that answer",
        &median_run(echo_answer_runs),
        "",
    );
    let fixed = fixed_rate(&parcours.address, pid_of(&parcours), 64, 5_000, length, &simulate);
    let fixed_echo = fixed_rate(&echo.address, pid_of(&echo), 64, 5_000, length, &echo_request);
    println!(
        "| same, fixed 5,000 req/s (64 connections) | {:.0} req/s; p50 {:.2} ms, **p99 {:.2} ms**{} | echo p99 {:.2} ms | | p99 ≤ 5 ms |",
        fixed.per_second(),
        fixed.percentile(0.5).as_secs_f64() * 1e3,
        fixed.percentile(0.99).as_secs_f64() * 1e3,
        if fixed.failures > 0 { format!(", **{} failed**", fixed.failures) } else { String::new() },
        fixed_echo.percentile(0.99).as_secs_f64() * 1e3,
    );
    drop(parcours);
    drop(echo);
    let _ = std::fs::remove_dir_all(sqlite_dir);

    // arrivals on PostgreSQL, 1 and 8 clients, against the same transaction in plain SQL.
    let commune = token("commune:62063", "commune_agent");
    let mut arrivals_by_clients = Vec::new();
    for (run, clients) in [(1u32, 1usize), (2, 8)] {
        let url = fresh_postgres(&format!("arrivals_{clients}"));
        let parcours = parcours_server("127.0.0.1:8093", &url, 10);
        let commune = commune.clone();
        let measured = closed_loop(
            &parcours.address,
            parcours.child.id(),
            clients,
            length,
            Arc::new(move |c, n| arrival_request(&commune, run, n * 8 + c as u64)),
        );
        drop(parcours);
        let raw = raw_arrival::run_postgres(&url, clients, length);
        print_ratio_row(
            &format!("`POST /v1/arrivals` on PostgreSQL, {clients} client(s)"),
            &measured,
            "the same writes as plain SQL transactions",
            &raw,
            "≥ 0.6 at 8 clients",
        );
        arrivals_by_clients.push(measured.per_second());
        drop_postgres(&url);
    }
    println!(
        "| arrivals on PostgreSQL, 8 clients against 1 | {:.0} against {:.0} req/s | | {:.2} | ≥ 1 |",
        arrivals_by_clients[1],
        arrivals_by_clients[0],
        arrivals_by_clients[1] / arrivals_by_clients[0]
    );

    // arrivals on SQLite, 8 clients, against plain SQL on one connection.
    let (dir, url) = fresh_sqlite("arrivals");
    let parcours = parcours_server("127.0.0.1:8094", &url, 8);
    let commune_token = commune.clone();
    let measured = closed_loop(
        &parcours.address,
        parcours.child.id(),
        8,
        length,
        Arc::new(move |c, n| arrival_request(&commune_token, 3, n * 8 + c as u64)),
    );
    drop(parcours);
    let raw = raw_arrival::run_sqlite(&url, length);
    print_ratio_row(
        "`POST /v1/arrivals` on SQLite, 8 clients",
        &measured,
        "the same writes as plain SQL, one connection",
        &raw,
        "",
    );
    let _ = std::fs::remove_dir_all(dir);
}

mod growth;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only = std::env::var("PARCOURS_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "ratios" {
        ratios();
    }
    if only.is_empty() || only == "growth" {
        let sizes: Vec<u32> = std::env::var("PARCOURS_BENCH_SIZES")
            .unwrap_or_else(|_| "10000,100000,1000000".into())
            .split(',')
            .map(|s| s.trim().parse().expect("a size"))
            .collect();
        growth::run(&sizes);
    }
}
