//! What the performance issue guarantees that a benchmark cannot: concurrent arrivals on a fresh database
//! all succeed, writers that commit out of order never make a feed reader skip an event (and do not wait
//! for each other's whole transaction), a list page costs the same number of statements whatever its
//! length, and `simulate` answers with the database down. Speeds are in `make bench-http`, never here.

use std::sync::mpsc;
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::{Connection, RunQueryDsl};
use parcours_domain::DeadlineKind;
use parcours_domain::case::deadline_missed;
use parcours_store::audit::Actor;
use parcours_store::feed::{FeedReader, record_steps};
use serde_json::json;

use super::support::{self, TestApp};
use super::{newcomer, obliged_case, on_both_backends, today};
use actix_web::web::Data;
use parcours_api::AppState;

on_both_backends!(
    eight_concurrent_arrivals_on_a_fresh_database_all_answer_201,
    the_first_two_attestations_of_a_year_issued_at_once_both_succeed,
    a_case_list_page_costs_the_same_statements_at_any_length
);

/// Eight communes' agents report at the same instant, on a database where no CRI has a case yet this
/// year: every report is recorded (none answers 409 for a counter created twice) and the references are
/// 1 to 8, each once.
async fn eight_concurrent_arrivals_on_a_fresh_database_all_answer_201(app: TestApp) {
    let replies = app.in_threads(8, |i, client| async move {
        let reply = client.report("62063", &newcomer(400 + i as u32)).await;
        (reply.status.as_u16(), reply.body["case"]["reference"].as_str().unwrap_or_default().to_owned(), reply.text)
    });
    for (status, _, text) in &replies {
        assert_eq!(*status, 201, "{text}");
    }
    let mut numbers: Vec<u32> = replies
        .iter()
        .map(|(_, reference, _)| {
            let (prefix, number) = reference.rsplit_once('-').expect("CRI-YEAR-NUMBER");
            assert_eq!(prefix, "CRIPEL-2026", "{reference}");
            number.parse().expect("number")
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=8).collect::<Vec<u32>>(), "each reference once: {replies:?}");
}

/// Two staff members issue the first two attestations of the year at the same instant: the serial counter
/// row is created once, and both get a serial (the same race as case references).
async fn the_first_two_attestations_of_a_year_issued_at_once_both_succeed(app: TestApp) {
    use super::attestations::{FULL, issue, pathway, settings};
    let first = pathway(&app, 440, &FULL, true).await;
    let second = pathway(&app, 441, &FULL, true).await;
    settings(&app).await;
    let cases = std::sync::Arc::new([(first.0, first.2), (second.0, second.2)]);
    let replies = app.in_threads(2, move |i, client| {
        let cases = std::sync::Arc::clone(&cases);
        async move {
            let (case, version) = &cases[i];
            let reply = issue(&client, case, *version, &format!("first-of-year-{i}"), json!({})).await;
            (reply.status.as_u16(), reply.body["serial"].as_str().unwrap_or_default().to_owned(), reply.text)
        }
    });
    let mut serials: Vec<String> = replies
        .iter()
        .map(|(status, serial, text)| {
            assert_eq!(*status, 201, "{text}");
            serial.clone()
        })
        .collect();
    serials.sort();
    assert_eq!(serials, ["CRIPEL-ATT-2026-000001", "CRIPEL-ATT-2026-000002"]);
}

/// Counts the statements a connection sends.
#[derive(Default)]
struct StatementCounter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

fn statements_of_a_case_list(app: &TestApp) -> (usize, usize) {
    let mut conn = app.state.store.conn().expect("connection");
    let counter = StatementCounter::default();
    let count = std::sync::Arc::clone(&counter.0);
    conn.set_instrumentation(counter);
    let actor = Actor::system("statement-count");
    let filter = parcours_store::cases::CaseFilter::default();
    let rows = parcours_store::cases::list_cases(&mut conn, "CRIPEL", &filter, 50, &actor, app.state.clock.now())
        .expect("list");
    conn.set_instrumentation(None::<StatementCounter>);
    (rows.len(), count.load(std::sync::atomic::Ordering::Relaxed))
}

/// `GET /v1/cases` loads a page's persons, hours and aggregates in batches: 2 cases or 9, the same
/// statements.
async fn a_case_list_page_costs_the_same_statements_at_any_length(app: TestApp) {
    for seq in 0..2 {
        obliged_case(&app, 410 + seq).await;
    }
    let (two, statements_for_two) = statements_of_a_case_list(&app);
    for seq in 2..9 {
        obliged_case(&app, 410 + seq).await;
    }
    let (nine, statements_for_nine) = statements_of_a_case_list(&app);
    assert_eq!((two, nine), (2, 9));
    assert_eq!(statements_for_two, statements_for_nine, "a list page costs a fixed number of statements");
}

/// The feed as a CRI reads it after `after`: (position, event id) in the order given.
fn read_feed(state: &AppState, after: i64) -> Vec<(i64, String)> {
    let mut conn = state.store.conn().expect("connection");
    let reader = FeedReader::Cri("CRIPEL".into());
    let actor = Actor::system("feed-reader");
    parcours_store::feed::feed(&mut conn, &reader, Some(after), 500, &actor, state.clock.now())
        .expect("feed")
        .into_iter()
        .map(|event| (event.seq, event.id))
        .collect()
}

fn latest_position(state: &AppState) -> i64 {
    read_feed(state, 0).last().map_or(0, |(seq, _)| *seq)
}

/// Writes one `deadline_missed` step for `case_id` in a transaction of its own connection, and before
/// committing waits for `commit` (a replica whose transaction is slow to end).
fn write_step_then_commit_when_told(
    state: &AppState,
    case_id: &str,
    written: mpsc::Sender<()>,
    commit: mpsc::Receiver<()>,
) -> Result<(), String> {
    let mut conn = state.store.conn().map_err(|e| e.to_string())?;
    let view = parcours_store::cases::load_view(&mut conn, case_id, "CRIPEL").map_err(|e| e.to_string())?;
    let case = view.ok_or("case not found")?.case;
    let now = state.clock.now();
    parcours_store::write_transaction(&mut conn, |conn| -> Result<(), parcours_store::StoreError> {
        let step = deadline_missed(DeadlineKind::PresentBy, today().parse().expect("date"));
        record_steps(conn, case.step_subject(), &case.cri_code, &[step], &Actor::system("replica"), now)?;
        let _ = written.send(());
        commit
            .recv_timeout(Duration::from_secs(20))
            .map_err(|_| parcours_store::StoreError::Corrupt("the test never told this writer to commit".into()))
    })
    .map_err(|e| e.to_string())
}

/// Two replicas write an event each; the one that wrote first commits last. The second commits while the
/// first is still open (writers do not wait for each other's transaction), the reader sees its event, and
/// then, after the first commits, the reader paging from what it saw gets the first one too: it comes
/// after, never below the reader's cursor.
#[actix_web::test]
async fn a_feed_reader_never_skips_an_event_when_writers_commit_out_of_order() {
    let Some(app) = TestApp::postgres() else { return };
    let (first_case, _, _) = obliged_case(&app, 420).await;
    let (second_case, _, _) = obliged_case(&app, 421).await;
    let start = latest_position(&app.state);
    let (first_written_tx, first_written) = mpsc::channel();
    let (commit_first, commit_first_rx) = mpsc::channel();
    let first = {
        let sibling: Data<AppState> = app.state.clone();
        std::thread::spawn(move || {
            write_step_then_commit_when_told(&sibling, &first_case, first_written_tx, commit_first_rx)
        })
    };
    first_written.recv_timeout(Duration::from_secs(20)).expect("the first writer wrote its event");
    let (second_written_tx, _second_written) = mpsc::channel();
    let (commit_second, commit_second_rx) = mpsc::channel();
    commit_second.send(()).expect("tell");
    let second = {
        let sibling: Data<AppState> = app.state.clone();
        std::thread::spawn(move || {
            write_step_then_commit_when_told(&sibling, &second_case, second_written_tx, commit_second_rx)
        })
    };
    let second_result = second.join().expect("second writer");
    assert_eq!(second_result, Ok(()), "the second writer committed while the first was still open");
    let seen = read_feed(&app.state, start);
    assert_eq!(seen.len(), 1, "only the committed event is visible: {seen:?}");
    let cursor = seen[0].0;
    commit_first.send(()).expect("tell");
    assert_eq!(first.join().expect("first writer"), Ok(()));
    let next = read_feed(&app.state, cursor);
    assert_eq!(next.len(), 1, "the event committed last comes after the reader's cursor: {next:?}");
    assert!(next[0].0 > cursor);
}

/// Four writers on their own connections commit 60 transactions of one to three events each, in an order
/// nobody controls, while a reader polls from its last position: at the end it has seen every event once,
/// in increasing positions.
#[actix_web::test]
async fn a_polling_reader_sees_every_event_of_concurrent_writers_exactly_once() {
    let Some(app) = TestApp::postgres() else { return };
    let mut cases = Vec::new();
    for seq in 0..4 {
        cases.push(obliged_case(&app, 430 + seq).await.0);
    }
    let start = latest_position(&app.state);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (sibling, done) = (app.state.clone(), std::sync::Arc::clone(&done));
        std::thread::spawn(move || {
            let mut cursor = start;
            let mut seen: Vec<(i64, String)> = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = read_feed(&sibling, cursor);
                if let Some((last, _)) = page.last() {
                    cursor = *last;
                }
                seen.extend(page);
                if finished {
                    return seen;
                }
            }
        })
    };
    let writers: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(w, case_id)| {
            let (sibling, case_id) = (app.state.clone(), case_id.clone());
            std::thread::spawn(move || {
                let mut conn = sibling.store.conn().expect("connection");
                let view = parcours_store::cases::load_view(&mut conn, &case_id, "CRIPEL").expect("case");
                let case = view.expect("case").case;
                for n in 0..15 {
                    let steps: Vec<_> = (0..1 + (w + n) % 3)
                        .map(|_| deadline_missed(DeadlineKind::CompleteBy, today().parse().expect("date")))
                        .collect();
                    parcours_store::write_transaction(&mut conn, |conn| -> Result<(), parcours_store::StoreError> {
                        let now = sibling.clock.now();
                        record_steps(conn, case.step_subject(), &case.cri_code, &steps, &Actor::system("w"), now)?;
                        // Some transactions stay open a little after writing, so commits interleave.
                        std::thread::sleep(Duration::from_millis(((w * 7 + n * 3) % 5) as u64));
                        Ok(())
                    })
                    .expect("write");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("writer");
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.join().expect("reader");
    let everything = read_feed(&app.state, start);
    assert_eq!(everything.len(), 4 * 15 * 2, "60 transactions wrote 120 events");
    assert_eq!(seen, everything, "the polling reader saw every event once, in position order");
    assert!(seen.windows(2).all(|pair| pair[0].0 < pair[1].0));
}

/// `simulate` decides on the reference data held in memory: with the database refusing every connection,
/// it still answers, and opens none.
#[actix_web::test]
async fn simulate_answers_with_the_database_down() {
    let Some(app) = TestApp::postgres() else { return };
    let body = json!({
        "birth_date": "1990-05-10", "nationality": "MAR", "residence_document": "B",
        "title_order_date": "2026-06-15", "first_registration_date": "2026-05-01",
        "legal_stay_start": "2026-04-01", "domicile_nis": "62063"
    });
    let token = app.as_cri("CRIPEL");
    let before = app.post("/v1/determinations/simulate", Some(&token), None, &body).await;
    assert_eq!(before.status, 200, "{}", before.text);
    let url = app.database_url();
    let name = url.rsplit_once('/').expect("database").1.to_owned();
    let admin_url = std::env::var("PARCOURS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut admin = diesel::PgConnection::establish(&admin_url).expect("admin");
    let sessions_of_the_database = |admin: &mut diesel::PgConnection| -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(format!("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = '{name}'"))
            .get_result::<Count>(admin)
            .expect("count")
            .n
    };
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).execute(&mut admin).expect("close");
    diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .execute(&mut admin)
    .expect("terminate");
    assert!(
        diesel::PgConnection::establish(&url).is_err(),
        "the database refuses connections for the rest of the test"
    );
    // pg_terminate_backend only signals: a terminated session stays listed until its process exits, which
    // takes a moment on a loaded machine. Wait for them to go, so that the count after the call is the call's.
    for _ in 0..100 {
        if sessions_of_the_database(&mut admin) == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(sessions_of_the_database(&mut admin), 0, "the pool's sessions were terminated");
    let during = app.post("/v1/determinations/simulate", Some(&token), None, &body).await;
    assert_eq!(during.status, 200, "{}", during.text);
    assert_eq!(during.body, before.body, "the same answer without the database");
    assert_eq!(sessions_of_the_database(&mut admin), 0, "simulate opened no connection");
    diesel::sql_query(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).execute(&mut admin).expect("reopen");
}

/// What one connection sent: the statements diesel put in its cache (prepared once, then reused) and, in
/// order, every statement sent since the last `take`.
#[derive(Default, Clone)]
struct StatementLog(std::sync::Arc<std::sync::Mutex<StatementLogEntries>>);

#[derive(Default)]
struct StatementLogEntries {
    cached: std::collections::HashSet<String>,
    newly_cached: Vec<String>,
    sent: Vec<String>,
}

impl Instrumentation for StatementLog {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        let mut entries = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            InstrumentationEvent::CacheQuery { sql, .. } => {
                entries.cached.insert(sql.to_owned());
                entries.newly_cached.push(sql.to_owned());
            }
            InstrumentationEvent::StartQuery { query, .. } => entries.sent.push(query.to_string()),
            _ => {}
        }
    }
}

impl StatementLog {
    /// The prepared statements sent since the last call that diesel did not take from its cache, and the
    /// statements it cached meanwhile. Statements without binds (`BEGIN`, `COMMIT`, `SAVEPOINT`) are sent as
    /// simple queries, never prepared, and are left out.
    fn take(&self) -> (Vec<String>, Vec<String>) {
        let mut entries = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let sent = std::mem::take(&mut entries.sent);
        let newly_cached = std::mem::take(&mut entries.newly_cached);
        let uncached = sent
            .into_iter()
            .filter_map(|statement| statement.split_once(" -- binds: ").map(|(sql, _)| sql.to_owned()))
            .filter(|sql| !entries.cached.contains(sql))
            .collect();
        (uncached, newly_cached)
    }
}

/// The hot paths of the pathway on a pool of one connection: an arrival, the CRI's case list, the case, a
/// step, the feed poll.
async fn hot_paths(app: &TestApp, sequence: u32) {
    let (case, _, version) = obliged_case(app, sequence).await;
    let cri = app.as_cri("CRIPEL");
    assert_eq!(app.get("/v1/cases?limit=50", Some(&cri)).await.status, 200);
    assert_eq!(app.get("/v1/cases?presentation_overdue=true", Some(&cri)).await.status, 200);
    let presented = super::change(app, "CRIPEL", &case, "presentation", version, json!({"date": today()})).await;
    assert_eq!(presented.status, 200, "{}", presented.text);
    assert_eq!(app.get("/v1/events?limit=100", Some(&cri)).await.status, 200);
}

/// Every statement of the hot paths is prepared once per connection and then reused from diesel's
/// statement cache: the second time round nothing is prepared again (no literal SQL, no text that changes
/// from call to call), so the database parses and plans each statement once per connection.
async fn the_hot_paths_prepare_each_statement_once_per_connection(pool_of_one: TestApp) {
    let app = &pool_of_one;
    let log = StatementLog::default();
    {
        // Emptied, so that statements the start-up cached are seen being cached again.
        let mut conn = app.state.store.conn().expect("the pool's connection");
        conn.set_instrumentation(log.clone());
        conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
        conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Unbounded);
    }
    hot_paths(app, 470).await;
    let (_, first_time) = log.take();
    assert!(!first_time.is_empty(), "the first round prepares and caches its statements");
    hot_paths(app, 471).await;
    let (uncached, newly_cached) = log.take();
    // What diesel never caches, by design (its statement-cache documentation): an UPDATE (its SET list
    // follows the changeset's optional values), an upsert, and on SQLite an `IN` list (one bind per value;
    // PostgreSQL's is `= ANY($1)`). They go in one round trip as unnamed statements. Anything else here is
    // literal SQL that should go through the query builder.
    let by_design = |sql: &String| {
        sql.starts_with("UPDATE ") || sql.contains(" ON CONFLICT ") || (!app.on_postgres() && sql.contains(" IN (?"))
    };
    let uncached: Vec<String> = uncached.into_iter().filter(|sql| !by_design(sql)).collect();
    assert_eq!(uncached, Vec::<String>::new(), "statements prepared again on every call");
    assert_eq!(newly_cached, Vec::<String>::new(), "statements whose text changes from call to call");
}

mod the_hot_paths_prepare_each_statement_once_per_connection {
    fn pool_of_one() -> parcours_api::config::Config {
        super::support::base_config(&[("PARCOURS_DB_POOL_SIZE", "1".into())])
    }

    #[actix_web::test]
    async fn sqlite() {
        super::the_hot_paths_prepare_each_statement_once_per_connection(super::TestApp::sqlite_with(pool_of_one()))
            .await;
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(app) = super::TestApp::postgres_with(pool_of_one()) {
            super::the_hot_paths_prepare_each_statement_once_per_connection(app).await;
        }
    }
}
