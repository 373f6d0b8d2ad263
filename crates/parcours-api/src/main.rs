//! The `parcours` binary: `serve`, `worker`, `migrate`, `openapi`, `token`, `verify-attestation`,
//! `attestation-key`, `data-key`, `rotate-data-key`, `audit`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::{HttpServer, web};
use parcours_api::config::{Config, DEFAULT_DATABASE_URL, Environment};
use parcours_api::{AppState, auth, build_app};
use parcours_store::{DatabaseTarget, Store};

const USAGE: &str = "\
parcours — the integration pathway API

USAGE:
  parcours serve                       start the API (configuration: PARCOURS_* environment variables)
  parcours worker                      run the background jobs only (deadline sweep, purges); any number
                                       of workers and serve replicas may run: each due job runs once
  parcours run-jobs                    run every background job once, now, print what each did, and exit
  parcours migrate                     apply pending database migrations and exit
  parcours audit verify                recompute the audit trail's hash chain; name the first broken link
                                       (exit status 1) or print the head to compare with the daily log line
  parcours audit seal                  seal the audit rows written since the last run (the audit_seal job)
  parcours check-config                check the PARCOURS_* configuration without starting: every setting,
                                       variables set but not read (misspelt), the database and its
                                       pending migrations; exit status 1 when something is wrong
  parcours openapi [--output FILE]     write the OpenAPI contract (stdout by default)
  parcours rules-doc [--output FILE]   write docs/rules.md with the parameter values the database holds
                                       (the Region's values in force and their history)
  parcours token --org ORG --role ROLE [--role ROLE...] [--sub SUBJECT] [--ttl 1h]
                                       mint a token with the configured signing key
                                       ORG: commune:<NIS>, cri:<CODE>, operator:<id>, region:SPW, cpas:<NIS>
                                       ROLE: commune_agent, cri_agent, operator_agent, region_admin, cpas_agent,
                                             sanctions_officer, privacy_officer
  parcours verify-attestation <qr-text> [--keys keys.json] [--surname S --birth-date YYYY-MM-DD]
                                       check a printed attestation offline: the QR code's signed payload
                                       against the published keys (a saved /.well-known/parcours-keys.json,
                                       or the configured keys), and optionally the holder
  parcours attestation-key             print a new attestation signing key (a line for the key file)
  parcours data-key                    print a new data key (a line for the PARCOURS_DATA_KEYS file)
  parcours rotate-data-key             seal the social notes and dispensation evidence again under the
                                       first key of PARCOURS_DATA_KEYS (after adding a key; also seals
                                       what a release before encryption stored in clear)
  parcours help                        this text
";

fn database_target(config: &Config) -> Result<DatabaseTarget, String> {
    let default = DEFAULT_DATABASE_URL.strip_prefix("sqlite://").map(std::path::Path::new);
    DatabaseTarget::parse(&config.database_url, default).map_err(|e| e.to_string())
}

/// Variables of the developer tooling (tests, benchmarks, doc generation), not of the service.
fn is_tooling_variable(name: &str) -> bool {
    ["PARCOURS_TEST_", "PARCOURS_BENCH_", "PARCOURS_UPDATE_"].iter().any(|prefix| name.starts_with(prefix))
        || ["PARCOURS_BIN", "PARCOURS_REQUIRE_POSTGRES"].contains(&name)
}

/// `parcours check-config`: reads the configuration as `serve` would, and says what is wrong (all of it
/// when the settings parse: variables set but never read, an address that does not resolve, a database that
/// does not answer) without starting anything, migrating or creating a file.
fn check_config() -> Result<(), String> {
    let read = std::cell::RefCell::new(std::collections::BTreeSet::new());
    let parsed = Config::from_lookup(|name| {
        read.borrow_mut().insert(name.to_owned());
        std::env::var(name).ok()
    });
    let config = match parsed {
        Ok(config) => config,
        Err(e) => return Err(format!("configuration refused: {e}")),
    };
    let mut problems = Vec::new();
    let read = read.into_inner();
    for (name, _) in std::env::vars() {
        if name.starts_with("PARCOURS_") && !read.contains(&name) && !is_tooling_variable(&name) {
            problems.push(format!("{name} is set but not read with these settings (misspelt, or of another mode)"));
        }
    }
    println!("environment: {:?}", config.environment);
    println!("tokens: {:?}, issuer {}, audience {}", config.jwt_algorithm, config.jwt_issuer, config.jwt_audience);
    match std::net::ToSocketAddrs::to_socket_addrs(config.bind.as_str()) {
        Ok(addresses) => println!("listen on: {}", addresses.map(|a| a.to_string()).collect::<Vec<_>>().join(", ")),
        Err(e) => problems.push(format!("PARCOURS_BIND `{}` is not an address to listen on: {e}", config.bind)),
    }
    println!(
        "jobs: {}, every {} s",
        if config.jobs_in_process { "in this process" } else { "left to `parcours worker`" },
        config.jobs_poll_seconds
    );
    println!("public address (printed on attestations): {}", config.public_base_url);
    if config.metrics_token.is_none() && config.environment == Environment::Production {
        println!("note: no PARCOURS_METRICS_TOKEN, so /metrics is not served");
    }
    match database_target(&config) {
        Err(e) => problems.push(format!("PARCOURS_DATABASE_URL: {e}")),
        Ok(DatabaseTarget::Sqlite(path)) if !path.exists() => {
            let directory = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            if directory.is_dir() {
                println!("database: SQLite {} does not exist yet; `serve` creates and migrates it", path.display());
            } else {
                problems.push(format!("database: the directory of {} does not exist", path.display()));
            }
        }
        Ok(target) => match parcours_store::connection::ConnectionManager::establish(&target) {
            Err(e) => problems.push(format!("database {target:?} does not answer: {e}")),
            Ok(mut conn) => match parcours_store::connection::pending_migrations(&mut conn) {
                Ok(pending) if pending.is_empty() => println!("database: {target:?}, up to date"),
                Ok(pending) => println!(
                    "database: {target:?}, {} migration(s) to apply at start (or with `parcours migrate`): {}",
                    pending.len(),
                    pending.join(", ")
                ),
                Err(e) => problems.push(format!("database {target:?}: cannot read its migrations: {e}")),
            },
        },
    }
    if problems.is_empty() {
        println!("configuration ok");
        return Ok(());
    }
    for problem in &problems {
        println!("problem: {problem}");
    }
    Err(format!("{} problem(s) in the configuration", problems.len()))
}

/// `docs/rules.md` as the service applies it: the bundled rules with the parameter history stored in the
/// database (the Region's values through `POST /v1/parameters/{name}/values`).
fn rules_doc(config: &Config, args: &[String]) -> Result<(), String> {
    let store = Store::open(database_target(config)?, 1).map_err(|e| e.to_string())?;
    let mut conn = store.conn().map_err(|e| e.to_string())?;
    let parameters = parcours_store::parameter_values::parameters_in_force(&mut conn).map_err(|e| e.to_string())?;
    let text = parcours_domain::rules_doc::render_rules_markdown_with(&parameters);
    match args {
        [] => {
            print!("{text}");
            Ok(())
        }
        [flag, path] if flag == "--output" => std::fs::write(path, text).map_err(|e| format!("{path}: {e}")),
        _ => Err(format!("usage: parcours rules-doc [--output FILE]\n\n{USAGE}")),
    }
}

fn parse_ttl(value: &str) -> Result<u64, String> {
    let value = value.trim();
    let (number, unit) = value.split_at(value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len()));
    let n: u64 = number.parse().map_err(|_| format!("invalid --ttl `{value}` (examples: 3600, 90s, 30m, 1h, 7d)"))?;
    let factor = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("invalid --ttl unit `{unit}` (s, m, h, d)")),
    };
    Ok(n * factor)
}

fn token(config: &Config, args: &[String]) -> Result<String, String> {
    let mut org = None;
    let mut roles = Vec::new();
    let mut sub = None;
    let mut ttl = 3600;
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let mut value = || iter.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--org" => org = Some(value()?),
            "--role" => roles.push(value()?),
            "--sub" => sub = Some(value()?),
            "--ttl" => ttl = parse_ttl(&value()?)?,
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    let org = org.ok_or("--org is required")?;
    if roles.is_empty() {
        return Err("at least one --role is required".into());
    }
    let sub = sub.unwrap_or_else(|| format!("local:{}", org.replace(':', "-")));
    auth::mint(config, &sub, &org, &roles, ttl)
}

fn worker(config: Config) -> Result<(), String> {
    let target = database_target(&config)?;
    let store = Store::open(target.clone(), 2).map_err(|e| format!("database: {e}"))?;
    let poll = std::time::Duration::from_secs(config.jobs_poll_seconds);
    let state = AppState::new(store, config).map_err(|e| format!("keys: {e}"))?;
    if parcours_api::sandbox::check_database(&state)? == parcours_api::sandbox::Readiness::EmptySandbox {
        return Err("an empty sandbox: start `parcours serve` first, it makes the demo data".into());
    }
    eprintln!("Parcours worker on {target:?}: looking for due jobs every {} s", poll.as_secs());
    let stop = Arc::new(AtomicBool::new(false));
    let runner = {
        let stop = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("parcours-jobs".into())
            .spawn(move || parcours_api::jobs::run_until(&state, poll, &stop))
            .map_err(|e| format!("cannot start the job runner: {e}"))?
    };
    wait_for_termination();
    eprintln!("Parcours worker stopping: the running job, if any, finishes and releases its lease");
    stop.store(true, Ordering::SeqCst);
    runner.join().map_err(|_| "the job runner panicked".to_owned())
}

/// Returns on SIGTERM (a service manager, Kubernetes) or SIGINT (Ctrl-C), whichever comes first.
fn wait_for_termination() {
    use actix_web::rt::System;
    use actix_web::rt::signal::unix::{SignalKind, signal};
    let system = System::new();
    system.block_on(async {
        actix_web::rt::spawn(async {
            if let Ok(mut terminate) = signal(SignalKind::terminate()) {
                terminate.recv().await;
                System::current().stop();
            }
        });
        actix_web::rt::spawn(async {
            if actix_web::rt::signal::ctrl_c().await.is_ok() {
                System::current().stop();
            }
        });
    });
    let _ = system.run();
}

/// `parcours audit verify` and `parcours audit seal`.
fn audit(config: &Config, args: &[String]) -> Result<(), String> {
    let store = Store::open(database_target(config)?, 1).map_err(|e| format!("database: {e}"))?;
    let mut conn = store.conn().map_err(|e| e.to_string())?;
    match args.first().map(String::as_str) {
        Some("seal") => {
            let sealed = parcours_store::audit::seal(&mut conn).map_err(|e| e.to_string())?;
            println!("{sealed} audit row(s) sealed");
            Ok(())
        }
        Some("verify") => {
            let report = parcours_store::audit::verify(&mut conn).map_err(|e| e.to_string())?;
            match &report.head {
                Some(head) => println!("head: seq={} hash={}", head.chain_seq, head.row_hash),
                None => println!("head: none (nothing sealed yet)"),
            }
            if report.unsealed > 0 {
                println!(
                    "{} row(s) written since the last seal are not covered yet (parcours audit seal)",
                    report.unsealed
                );
            }
            match report.broken {
                None => {
                    println!("chain intact: {} sealed row(s) verified", report.sealed);
                    Ok(())
                }
                Some(link) => Err(format!(
                    "chain broken at seq={} (audit row {}): {}; {} row(s) before it verified",
                    link.chain_seq, link.id, link.reason, report.sealed
                )),
            }
        }
        _ => Err(format!("usage: parcours audit verify | parcours audit seal\n\n{USAGE}")),
    }
}

fn rotate_data_key(config: &Config) -> Result<(), String> {
    let store = Store::open(database_target(config)?, 1).map_err(|e| format!("database: {e}"))?;
    let mut conn = store.conn().map_err(|e| e.to_string())?;
    let keys = &config.data_keys;
    let now = chrono::Utc::now().naive_utc();
    let (cases, values) = parcours_api::data_keys::rotate(&mut conn, keys, now)?;
    println!("{values} value(s) in {} case(s) sealed again under key {}", cases.rewritten, keys.current_id());
    if cases.skipped > 0 {
        println!("{} case(s) changed during the run were left as they were: run the command again", cases.skipped);
    }
    Ok(())
}

fn run_jobs(config: Config) -> Result<(), String> {
    let store = Store::open(database_target(&config)?, 2).map_err(|e| format!("database: {e}"))?;
    let state = AppState::new(store, config).map_err(|e| format!("keys: {e}"))?;
    let owner = format!("run-jobs:{}", std::process::id());
    for run in parcours_api::jobs::run_all_now(&state, &owner).map_err(|e| e.to_string())? {
        println!("{}: {}", run.kind.code(), run.outcome);
    }
    Ok(())
}

/// Seconds the requests in flight get to finish after SIGTERM (a bulk attendance post of 10,000 lines takes
/// well under one); past it they are cut, and their transaction rolls back.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

async fn serve(config: Config) -> Result<(), String> {
    let target = database_target(&config)?;
    let store = Store::open(target.clone(), config.pool_size).map_err(|e| format!("database: {e}"))?;
    log::info!("database ready: {target:?}, migrations applied, reference data loaded");
    let bind = config.bind.clone();
    let workers = config.workers;
    let development = config.environment == Environment::Development;
    let public_base_url = config.public_base_url.clone();
    let state = web::Data::new(AppState::new(store, config).map_err(|e| format!("keys: {e}"))?);
    let demo = parcours_api::sandbox::prepare(&state).await?;
    let stop_jobs = Arc::new(AtomicBool::new(false));
    let job_runner = if state.config.jobs_in_process {
        let runner = state.clone();
        let stop = Arc::clone(&stop_jobs);
        let poll = std::time::Duration::from_secs(state.config.jobs_poll_seconds);
        let thread = std::thread::Builder::new()
            .name("parcours-jobs".into())
            .spawn(move || parcours_api::jobs::run_until(&runner, poll, &stop))
            .map_err(|e| format!("cannot start the job runner: {e}"))?;
        Some(thread)
    } else {
        None
    };
    {
        let refresher = state.clone();
        let every = std::time::Duration::from_secs(state.config.reference_refresh_seconds);
        std::thread::Builder::new()
            .name("parcours-reference".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    if let Err(error) = refresher.refresh_reference() {
                        log::warn!("reference data not refreshed: {}", error.code());
                    }
                }
            })
            .map_err(|e| format!("cannot start the reference refresher: {e}"))?;
    }
    let server = HttpServer::new(move || build_app(state.clone()))
        .workers(workers)
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        .bind(&bind)
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    for address in server.addrs() {
        eprintln!("Parcours API listening on http://{address} (Swagger UI: http://{address}/docs/)");
    }
    if let Some(demo) = demo {
        eprintln!(
            "SANDBOX mode (PARCOURS_ENV=sandbox): fictitious demo data {}, development keys, and a clock each \
             organisation moves forward for itself with POST /v1/sandbox/clock (docs/sandbox.md).",
            if demo.made_now { "made now" } else { "as left by earlier runs" }
        );
        for (reference, stage) in &demo.cases {
            match reference.as_str() {
                "" => eprintln!("  no case: {stage}"),
                reference => eprintln!("  case {reference}: {stage}"),
            }
        }
        eprintln!("Tokens (valid 8 hours):");
        for (organisation, role) in
            [("commune:62063", "commune_agent"), ("cri:CRIPEL", "cri_agent"), ("region:SPW", "region_admin")]
        {
            eprintln!("  ./target/release/parcours token --org {organisation} --role {role} --ttl 8h");
        }
        for operator in &demo.operators {
            eprintln!("  ./target/release/parcours token --org operator:{operator} --role operator_agent --ttl 8h");
        }
    } else if development {
        eprintln!(
            "Development mode (HS256 development key). Get a token with:\n  ./target/release/parcours token --org commune:62063 --role commune_agent --ttl 1h"
        );
        eprintln!(
            "Attestations are signed with the development key and printed with {}/verify/...: \
             production needs PARCOURS_ATTESTATION_KEYS and PARCOURS_PUBLIC_BASE_URL.",
            public_base_url
        );
    }
    // On SIGTERM or SIGINT actix stops accepting, lets the requests in flight finish (up to
    // `shutdown_timeout`) and then returns here; the job runner then finishes its job and stops.
    let served = server.run().await.map_err(|e| e.to_string());
    log::info!("HTTP server stopped; stopping the job runner");
    stop_jobs.store(true, Ordering::SeqCst);
    if let Some(thread) = job_runner {
        let _ = thread.join();
    }
    served
}

fn verify_attestation(args: &[String]) -> Result<String, String> {
    let usage = "usage: parcours verify-attestation <qr-text> [--keys keys.json] [--surname S --birth-date YYYY-MM-DD]";
    let mut qr = None;
    let (mut keys_file, mut surname, mut birth_date) = (None, None, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--keys" => keys_file = Some(rest.next().ok_or(usage)?.clone()),
            "--surname" => surname = Some(rest.next().ok_or(usage)?.clone()),
            "--birth-date" => {
                let value = rest.next().ok_or(usage)?;
                birth_date = Some(
                    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .map_err(|_| format!("invalid --birth-date {value}"))?,
                );
            }
            text if qr.is_none() && !text.starts_with("--") => qr = Some(text.to_owned()),
            _ => return Err(usage.to_owned()),
        }
    }
    let qr = qr.ok_or(usage)?;
    let keys = match keys_file {
        Some(path) => parcours_api::attestation_keys::published_from_json(
            &std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?,
        )?,
        None => Config::from_env().map_err(|e| format!("configuration: {e}"))?.attestation_keys.published().to_vec(),
    };
    let holder = match (&surname, birth_date) {
        (Some(surname), Some(date)) => Some((surname.as_str(), date)),
        (None, None) => None,
        _ => return Err("give both --surname and --birth-date".into()),
    };
    parcours_api::attestation_keys::verify_offline(&qr, &keys, holder)
}

fn main() -> ExitCode {
    parcours_api::logging::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("help");
    let result = match command {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        "openapi" => {
            let json = parcours_api::openapi().to_pretty_json().map_err(|e| e.to_string());
            match (json, args.get(1).map(String::as_str), args.get(2)) {
                (Ok(json), Some("--output"), Some(path)) => {
                    std::fs::write(path, format!("{json}\n")).map_err(|e| format!("cannot write {path}: {e}"))
                }
                (Ok(json), None, _) => {
                    println!("{json}");
                    Ok(())
                }
                (Ok(_), _, _) => Err(format!("usage: parcours openapi [--output FILE]\n\n{USAGE}")),
                (Err(e), _, _) => Err(e),
            }
        }
        "attestation-key" => {
            print!("{}", parcours_api::attestation_keys::AttestationKeys::generate_lines());
            Ok(())
        }
        "data-key" => {
            print!("{}", parcours_api::data_keys::DataKeys::generate_line());
            Ok(())
        }
        "check-config" => check_config(),
        "verify-attestation" => verify_attestation(&args[1..]).map(|report| print!("{report}")),
        "serve" | "worker" | "run-jobs" | "migrate" | "token" | "rules-doc" | "audit" | "rotate-data-key" => {
            match Config::from_env() {
                Err(e) => Err(format!("configuration: {e}")),
                Ok(config) => match command {
                    "serve" => actix_web::rt::System::new().block_on(serve(config)),
                    "worker" => worker(config),
                    "run-jobs" => run_jobs(config),
                    "migrate" => database_target(&config).and_then(|target| {
                        Store::open(target, 1).map(|_| eprintln!("migrations applied")).map_err(|e| e.to_string())
                    }),
                    "rules-doc" => rules_doc(&config, &args[1..]),
                    "audit" => audit(&config, &args[1..]),
                    "rotate-data-key" => rotate_data_key(&config),
                    _ => token(&config, &args[1..]).map(|t| println!("{t}")),
                },
            }
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parcours: {message}");
            ExitCode::FAILURE
        }
    }
}
