//! How the reads and an arrival cost as cases accumulate: one PostgreSQL database grown to each size in
//! turn through the store (the calls `POST /v1/arrivals` makes, decided by the rules, twenty arrivals
//! per transaction), then the release server started on it and each request timed, one client, median of
//! 30 after 5 to warm up.
//!
//! Every generated case is freshly opened (no later step), spread over the eight CRIs by a realistic
//! share, with title dates over 2024-2026: a worst case for the filters on open cases, which then match
//! most rows.

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use parcours_api::dto::{FactFields, parse_identity, sex_code, stored_determination};
use parcours_api::handlers::cases::case_columns;
use parcours_domain::intake::{IntakeDecision, intake_decision};
use parcours_domain::{NisCode, determine};
use parcours_store::arrivals::{CaseDecision, NewArrival, record_arrival};
use parcours_store::audit::Actor;
use parcours_store::persons::PersonData;
use parcours_store::{DatabaseTarget, Store};

use super::{Client, fresh_postgres, niss, parcours_server, request, token};

/// One commune per CRI, with the share of arrivals it gets.
const COMMUNES: [(&str, u32); 8] = [
    ("62063", 30), // Liège, CRIPEL
    ("52011", 20), // Charleroi, CRIC
    ("92094", 12), // Namur, CAI
    ("53053", 10), // Mons, CIMB
    ("63079", 8),  // Verviers, CRVI
    ("58001", 8),  // La Louvière, CeRAIC
    ("25112", 7),  // Wavre, CRIBW
    ("81001", 5),  // Arlon, CRILUX
];

fn commune_of(n: u64) -> &'static str {
    let mut slot = (n * 37 % 100) as u32;
    for (nis, share) in COMMUNES {
        if slot < share {
            return nis;
        }
        slot -= share;
    }
    COMMUNES[0].0
}

/// Adds arrivals `from..to` to the database at `url`.
fn grow(url: &str, from: u64, to: u64) {
    let store = Store::open(DatabaseTarget::Postgres(url.to_owned()), 2).expect("store");
    let mut conn = store.conn().expect("connection");
    let parameters = parcours_store::parameter_values::parameters_in_force(&mut conn).expect("parameters");
    let reference = parcours_store::reference::load_reference_data(&mut conn, parameters).expect("reference");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let mut n = from;
    while n < to {
        // Twenty arrivals per transaction: each is a savepoint, and past 64 subtransactions PostgreSQL's
        // snapshots overflow and every visibility check slows down.
        let end = (n + 20).min(to);
        parcours_store::write_transaction(&mut conn, |conn| -> Result<(), parcours_store::StoreError> {
            for i in n..end {
                let title = start + chrono::Duration::days((i % 1_000) as i64);
                let recorded = (title + chrono::Duration::days(20)).and_hms_opt(10, 0, 0).expect("time");
                let day = (i % 12_775) as i64;
                let birth = chrono::NaiveDate::from_ymd_opt(1965, 1, 1).expect("date") + chrono::Duration::days(day);
                let national_number = niss(&birth.format("%y%m%d").to_string(), (i / 12_775) as u32 + 1);
                let commune = commune_of(i);
                let (birth_text, title_text) = (birth.to_string(), title.to_string());
                let registration = (title - chrono::Duration::days(30)).to_string();
                let stay = (title - chrono::Duration::days(60)).to_string();
                let mut errors = Vec::new();
                let identity = parse_identity(&national_number, None, &birth_text, &mut errors);
                let facts = FactFields {
                    birth_date: &birth_text,
                    nationality: "MAR",
                    residence_document: Some("B"),
                    title_order_date: Some(&title_text),
                    first_registration_date: Some(&registration),
                    legal_stay_start: Some(&stay),
                    domicile_nis: commune,
                    family_link: None,
                    claimed_dispensations: &[],
                    granted_dispensations: &[],
                }
                .parse(&mut errors);
                let (Some((national_number, sex)), Some(facts)) = (identity, facts) else {
                    panic!("generated facts refused: {errors:?}")
                };
                let as_of = recorded.date();
                let determination = determine(&facts, &reference, as_of).expect("determination");
                let nis = NisCode::parse(commune).expect("commune");
                let decision = intake_decision(None, &determination, false, &reference, as_of, nis).expect("intake");
                let IntakeDecision::Open { case, step } = decision else { panic!("an obliged newcomer opens a case") };
                let new = NewArrival {
                    person: PersonData {
                        niss: national_number.digits(),
                        surname: "Bench".into(),
                        given_names: "Growth".into(),
                        birth_date: facts.birth_date,
                        sex: sex.map(sex_code),
                        nationality: "MAR".into(),
                    },
                    commune_nis: commune.to_owned(),
                    volunteer_request: false,
                    payload_json: "{\"contact\":null}".into(),
                    determination: stored_determination(&determination, &facts, as_of, &reference).expect("stored"),
                };
                let columns = case_columns(&case, &reference).expect("columns");
                let actor = Actor::system("bench-growth");
                record_arrival(conn, &new, &actor, recorded, None, CaseDecision::Open(columns, vec![step]))?;
            }
            Ok(())
        })
        .expect("grow");
        n = end;
    }
}

/// Median time of `request` on `client` over 30 runs after 5 to warm up; panics on a non-2xx answer.
fn median_of(client: &mut Client, request: &dyn Fn(u64) -> Vec<u8>) -> Duration {
    let mut times = Vec::new();
    for k in 0..35 {
        let bytes = request(k);
        let sent = Instant::now();
        let (status, body) = client.send(&bytes);
        let took = sent.elapsed();
        assert!((200..300).contains(&status), "{status}: {}", String::from_utf8_lossy(&body));
        if k >= 5 {
            times.push(took);
        }
    }
    times.sort_unstable();
    times[times.len() / 2]
}

fn scalar(url: &str, sql: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let mut conn = PgConnection::establish(url).expect("connect");
    diesel::sql_query(sql).get_result::<Value>(&mut conn).expect(sql).value
}

/// The measured requests at one size: (label, median).
fn measure(url: &str, size: u64) -> Vec<(String, Duration)> {
    let server = parcours_server("127.0.0.1:8095", url, 4);
    let cri = format!("Bearer {}", token("cri:CRIPEL", "cri_agent"));
    let commune = token("commune:62063", "commune_agent");
    let latest = scalar(url, "SELECT COALESCE(MAX(seq), 0)::text AS value FROM outbox_events");
    let cripel_cases: i64 =
        scalar(url, "SELECT count(*)::text AS value FROM cases WHERE cri_code = 'CRIPEL'").parse().expect("count");
    let deep = scalar(
        url,
        &format!(
            "SELECT id AS value FROM cases WHERE cri_code = 'CRIPEL' ORDER BY id DESC OFFSET {} LIMIT 1",
            cripel_cases * 9 / 10
        ),
    );
    let mut client = Client::connect(&server.address);
    let get = |path: String| {
        let cri = cri.clone();
        move |_: u64| request("GET", &path, &[("Authorization", cri.clone())], None)
    };
    let mut rows = Vec::new();
    let reads = [
        ("feed poll `GET /v1/events?after=<latest>`", format!("/v1/events?after={latest}")),
        ("`GET /v1/cases`, first page of 50", "/v1/cases?limit=50".to_owned()),
        ("`GET /v1/cases`, a page 90% deep", format!("/v1/cases?limit=50&cursor={deep}")),
        ("`?state=opened`", "/v1/cases?limit=50&state=opened".to_owned()),
        ("`?state=closed` (matches none)", "/v1/cases?limit=50&state=closed".to_owned()),
        ("`?commune=62063`", "/v1/cases?limit=50&commune=62063".to_owned()),
        ("`?presentation_overdue=true`", "/v1/cases?limit=50&presentation_overdue=true".to_owned()),
        ("`?complete_before=2027-06-01`", "/v1/cases?limit=50&complete_before=2027-06-01".to_owned()),
        ("`?review_overdue=true`", "/v1/cases?limit=50&review_overdue=true".to_owned()),
        ("`?obliged=false` (matches none)", "/v1/cases?limit=50&obliged=false".to_owned()),
    ];
    for (label, path) in reads {
        rows.push((label.to_owned(), median_of(&mut client, &get(path))));
    }
    let run = 50 + (size / 10_000) as u32;
    let arrival = move |k: u64| super::arrival_request(&commune, run, k);
    rows.push(("`POST /v1/arrivals` (one client)".to_owned(), median_of(&mut client, &arrival)));
    drop(server);
    rows
}

pub fn run(sizes: &[u32]) {
    let url = fresh_postgres("growth");
    // The server migrates the new database.
    drop(parcours_server("127.0.0.1:8095", &url, 2));
    let mut columns: Vec<(u32, Vec<(String, Duration)>)> = Vec::new();
    let mut loaded = 0u64;
    for &size in sizes {
        let started = Instant::now();
        grow(&url, loaded, u64::from(size));
        loaded = u64::from(size);
        eprintln!("grown to {size} cases in {:.0} s", started.elapsed().as_secs_f64());
        // Statistics for the planner, and the load's dirty pages written out first: a checkpoint flushing
        // them would slow every commit measured next.
        let mut admin = PgConnection::establish(&url).expect("connect");
        diesel::sql_query("VACUUM ANALYZE").execute(&mut admin).expect("analyze");
        diesel::sql_query("CHECKPOINT").execute(&mut admin).expect("checkpoint");
        columns.push((size, measure(&url, u64::from(size))));
    }
    println!("\n## Growth ({}, PostgreSQL, medians)\n", chrono::Utc::now().format("%Y-%m-%d"));
    let header: Vec<String> = columns.iter().map(|(size, _)| format!("{size} cases")).collect();
    println!("| Request | {} | largest ÷ smallest |", header.join(" | "));
    println!("|---|{}---|", "---|".repeat(columns.len()));
    for (row, (label, _)) in columns[0].1.iter().enumerate() {
        let cells: Vec<String> =
            columns.iter().map(|(_, rows)| format!("{:.2} ms", rows[row].1.as_secs_f64() * 1e3)).collect();
        let growth = columns.last().expect("a size").1[row].1.as_secs_f64() / columns[0].1[row].1.as_secs_f64();
        println!("| {label} | {} | {growth:.2} |", cells.join(" | "));
    }
    if std::env::var("PARCOURS_BENCH_KEEP").is_ok_and(|v| v == "1") {
        eprintln!("kept for inspection: {url}");
    } else {
        super::drop_postgres(&url);
    }
}
