//! The ceiling of `POST /v1/arrivals`: the rows an arrival writes (person, reported identity,
//! determination, reference counter, case, timeline step, feed event with its position, arrival, two audit
//! rows with their subject, stored idempotent response), of realistic sizes, as plain SQL transactions
//! with one statement per round trip, and the feed position given at commit time under the same lock as
//! Parcours (the ordering guarantee is part of the work). No rules, no HTTP, no JSON handling.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::sql_types::{Bool, Date, Integer, Text, Timestamp};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};

use super::Run;

/// The values of one arrival.
struct Rows {
    person: String,
    identity: String,
    determination: String,
    case: String,
    step: String,
    event: String,
    arrival: String,
    audit: [String; 2],
    key: String,
    niss: String,
    today: chrono::NaiveDate,
    now: chrono::NaiveDateTime,
}

impl Rows {
    fn new(client: usize, n: u64) -> Rows {
        let id = || uuid::Uuid::now_v7().to_string();
        let now = chrono::Utc::now().naive_utc();
        Rows {
            person: id(),
            identity: id(),
            determination: id(),
            case: id(),
            step: id(),
            event: id(),
            arrival: id(),
            audit: [id(), id()],
            key: format!("raw-{client}-{n}-{}", id()),
            niss: format!("{:011}", (client as u64) * 1_000_000_000 + n),
            today: now.date(),
            now,
        }
    }
}

/// What Parcours stores for an arrival, in size: facts, result with reasons and deadlines, the case
/// aggregate, the response kept for replays.
struct Payloads {
    facts: String,
    result: String,
    state: String,
    response: String,
    event: String,
}

impl Payloads {
    fn new() -> Payloads {
        let text = |size: usize| format!("{{\"x\":\"{}\"}}", "a".repeat(size));
        Payloads { facts: text(400), result: text(3_000), state: text(1_500), response: text(5_700), event: text(300) }
    }
}

/// One arrival's statements on `$conn`, with `$p(n)` the n-th placeholder of the backend and `$seq` the
/// feed position's SQL (`NULL` on PostgreSQL, given at commit); evaluates to the last statement's result.
macro_rules! arrival_writes {
    ($conn:expr, $p:expr, $rows:expr, $payloads:expr, $seq:expr) => {{
        let (conn, p, r, x, seq) = ($conn, $p, $rows, $payloads, $seq);
        diesel::sql_query(format!(
            "INSERT INTO persons (id, niss, surname, given_names, birth_date, sex, nationality, created_at, updated_at, identity_version) \
             VALUES ({}, {}, 'Bench', 'Raw', {}, 'female', 'MAR', {}, {}, 1)",
            p(1), p(2), p(3), p(4), p(5)
        ))
        .bind::<Text, _>(&r.person).bind::<Text, _>(&r.niss).bind::<Date, _>(r.today).bind::<Timestamp, _>(r.now).bind::<Timestamp, _>(r.now)
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO person_identities (id, person_id, version, niss, surname, given_names, birth_date, sex, nationality, source, source_org, recorded_at) \
             VALUES ({}, {}, 1, {}, 'Bench', 'Raw', {}, 'female', 'MAR', 'arrival', 'commune:62063', {})",
            p(1), p(2), p(3), p(4), p(5)
        ))
        .bind::<Text, _>(&r.identity).bind::<Text, _>(&r.person).bind::<Text, _>(&r.niss).bind::<Date, _>(r.today).bind::<Timestamp, _>(r.now)
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO determinations (id, person_id, status, regime, competent_cri, reference_date, as_of, rules_version, facts_json, result_json, decided_at, decided_by) \
             VALUES ({}, {}, 'obliged', 'R2024', 'CRIPEL', {}, {}, 'bench', {}, {}, {}, 'commune:62063')",
            p(1), p(2), p(3), p(4), p(5), p(6), p(7)
        ))
        .bind::<Text, _>(&r.determination).bind::<Text, _>(&r.person).bind::<Date, _>(r.today).bind::<Date, _>(r.today)
        .bind::<Text, _>(&x.facts).bind::<Text, _>(&x.result).bind::<Timestamp, _>(r.now)
        .execute(conn)?;
        diesel::sql_query(
            "INSERT INTO case_reference_counters (cri_code, year, last_value) VALUES ('CRIPEL', 2099, 1) \
             ON CONFLICT (cri_code, year) DO UPDATE SET last_value = case_reference_counters.last_value + 1",
        )
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO cases (id, reference, person_id, cri_code, commune_nis, state, obliged, determination_id, opened_at, version, state_json, present_by, complete_by, presentation_missed_notified, updated_at) \
             VALUES ({}, {}, {}, 'CRIPEL', '62063', 'opened', {}, {}, {}, 1, {}, {}, {}, {}, {})",
            p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11)
        ))
        .bind::<Text, _>(&r.case).bind::<Text, _>(&r.key).bind::<Text, _>(&r.person).bind::<Bool, _>(true)
        .bind::<Text, _>(&r.determination).bind::<Timestamp, _>(r.now).bind::<Text, _>(&x.state)
        .bind::<Date, _>(r.today).bind::<Date, _>(r.today).bind::<Bool, _>(false).bind::<Timestamp, _>(r.now)
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO case_events (id, case_id, occurred_at, kind, cri_code, actor_subject, actor_organisation, request_id, basis, reason_fr, reason_en, summary) \
             VALUES ({}, {}, {}, 'case_opened', 'CRIPEL', 'bench', 'commune:62063', {}, 'art. 152/3', 'Ouverture', 'Opening', '')",
            p(1), p(2), p(3), p(4)
        ))
        .bind::<Text, _>(&r.step).bind::<Text, _>(&r.case).bind::<Timestamp, _>(r.now).bind::<Text, _>(&r.key)
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO outbox_events (id, seq, case_id, occurred_at, event_type, cri_code, cri_payload) \
             VALUES ({}, {seq}, {}, {}, 'case_opened', 'CRIPEL', {})",
            p(1), p(2), p(3), p(4)
        ))
        .bind::<Text, _>(&r.event).bind::<Text, _>(&r.case).bind::<Timestamp, _>(r.now).bind::<Text, _>(&x.event)
        .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO arrivals (id, person_id, determination_id, case_id, commune_nis, reported_by_org, reported_by_sub, status, volunteer_request, payload_json, reported_at, identity_id) \
             VALUES ({}, {}, {}, {}, '62063', 'commune:62063', 'bench', 'obliged', {}, '{{}}', {}, {})",
            p(1), p(2), p(3), p(4), p(5), p(6), p(7)
        ))
        .bind::<Text, _>(&r.arrival).bind::<Text, _>(&r.person).bind::<Text, _>(&r.determination).bind::<Text, _>(&r.case)
        .bind::<Bool, _>(false).bind::<Timestamp, _>(r.now).bind::<Text, _>(&r.identity)
        .execute(conn)?;
        for audit in &r.audit {
            diesel::sql_query(format!(
                "INSERT INTO audit_log (id, occurred_at, request_id, subject, organisation, action, resource_type, resource_id, role) \
                 VALUES ({}, {}, {}, 'bench', 'commune:62063', 'create_arrival', 'arrival', {}, 'commune_agent')",
                p(1), p(2), p(3), p(4)
            ))
            .bind::<Text, _>(audit).bind::<Timestamp, _>(r.now).bind::<Text, _>(&r.key).bind::<Text, _>(&r.arrival)
            .execute(conn)?;
        }
        diesel::sql_query(format!("INSERT INTO audit_subjects (audit_id, person_id) VALUES ({}, {})", p(1), p(2)))
            .bind::<Text, _>(&r.audit[0]).bind::<Text, _>(&r.person)
            .execute(conn)?;
        diesel::sql_query(format!(
            "INSERT INTO idempotency_keys (organisation, idempotency_key, request_hash, response_status, response_body, created_at, response_location) \
             VALUES ('commune:62063', {}, 'hash', {}, {}, {}, '/v1/arrivals/x')",
            p(1), p(2), p(3), p(4)
        ))
        .bind::<Text, _>(&r.key).bind::<Integer, _>(201).bind::<Text, _>(&x.response).bind::<Timestamp, _>(r.now)
        .execute(conn)
    }};
}

fn numbered(n: usize) -> String {
    format!("${n}")
}

fn question_mark(_: usize) -> String {
    "?".to_owned()
}

const POSITION_AT_COMMIT: &str = "UPDATE outbox_events AS event SET seq = base.last_seq + pending.rank \
     FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM outbox_events WHERE seq IS NULL) AS pending, \
          (SELECT COALESCE(MAX(seq), 0) AS last_seq FROM outbox_events) AS base \
     WHERE event.id = pending.id";

/// `clients` connections to `url`, each committing arrivals one after the other for `length`.
pub fn run_postgres(url: &str, clients: usize, length: Duration) -> Run {
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|client| {
            let (url, done) = (url.to_owned(), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).expect("connect");
                let payloads = Payloads::new();
                let mut latencies = Vec::new();
                let mut n = 0;
                while start.elapsed() < length {
                    let rows = Rows::new(client, n);
                    let sent = Instant::now();
                    conn.transaction(|conn| -> diesel::QueryResult<()> {
                        arrival_writes!(&mut *conn, numbered, &rows, &payloads, "NULL")?;
                        diesel::sql_query(
                            "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7243001) FROM outbox_events WHERE seq IS NULL LIMIT 1) AS pending",
                        )
                        .execute(conn)?;
                        diesel::sql_query(POSITION_AT_COMMIT).execute(conn)?;
                        Ok(())
                    })
                    .expect("raw arrival");
                    latencies.push(sent.elapsed());
                    n += 1;
                }
                done.fetch_add(n, Ordering::Relaxed);
                latencies
            })
        })
        .collect();
    let latencies: Vec<Duration> = threads.into_iter().flat_map(|t| t.join().expect("client")).collect();
    Run {
        requests: latencies.len() as u64,
        failures: 0,
        elapsed: start.elapsed(),
        latencies,
        server_cpu: Duration::ZERO,
    }
}

/// One connection to the SQLite file at `url` (the server migrated it), committing arrivals for `length`.
pub fn run_sqlite(url: &str, length: Duration) -> Run {
    let path = url.trim_start_matches("sqlite://");
    let mut conn = SqliteConnection::establish(path).expect("open");
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn,
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
    )
    .expect("pragmas");
    let payloads = Payloads::new();
    let mut latencies = Vec::new();
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < length {
        let rows = Rows::new(0, n);
        let sent = Instant::now();
        conn.immediate_transaction(|conn| -> diesel::QueryResult<()> {
            // One writer: the position is the next one, read as Parcours reads it.
            #[derive(diesel::QueryableByName)]
            struct Last {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                last: i64,
            }
            let last = diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS last FROM outbox_events")
                .get_result::<Last>(conn)?;
            arrival_writes!(&mut *conn, question_mark, &rows, &payloads, (last.last + 1).to_string())?;
            Ok(())
        })
        .expect("raw arrival");
        latencies.push(sent.elapsed());
        n += 1;
    }
    Run { requests: n, failures: 0, elapsed: start.elapsed(), latencies, server_cpu: Duration::ZERO }
}
