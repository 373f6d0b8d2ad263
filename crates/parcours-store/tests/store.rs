//! Store tests that need no server: migration trees, the generated reference-data migration, and the
//! SQLite schema end to end. The API suite runs the same store on SQLite and PostgreSQL.

use std::path::PathBuf;

use parcours_store::connection::{ConnectionManager, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use parcours_store::{DatabaseTarget, StoreError, run_migrations};

fn migrations_dir(backend: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(backend)
}

fn migration_names(backend: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(migrations_dir(backend))
        .expect("migrations folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_migration_trees_list_the_same_migrations() {
    let postgres = migration_names("postgres");
    let sqlite = migration_names("sqlite");
    assert!(!postgres.is_empty());
    assert_eq!(postgres, sqlite);
    use diesel::migration::MigrationSource;
    let embedded = |source: &dyn MigrationSource<diesel::sqlite::Sqlite>| {
        source.migrations().expect("embedded").iter().map(|m| m.name().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(embedded(&SQLITE_MIGRATIONS).len(), sqlite.len());
    let pg: Vec<String> = MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
        .expect("embedded")
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    assert_eq!(pg.len(), postgres.len());
}

#[test]
fn reference_data_migration_matches_the_csv_files() {
    let expected = parcours_store::seed::reference_data_sql();
    for backend in ["postgres", "sqlite"] {
        let path = migrations_dir(backend).join("2026-11-24-000002_reference_data/up.sql");
        if std::env::var_os("PARCOURS_UPDATE_MIGRATIONS").is_some() {
            std::fs::write(&path, &expected).expect("write migration");
        }
        let committed = std::fs::read_to_string(&path).expect("migration file");
        assert!(committed == expected, "{} is stale: run `make migrations-data`", path.display());
    }
}

#[test]
fn database_url_scheme_chooses_the_backend() {
    let pg = DatabaseTarget::parse("postgres://u@h/db", None).expect("pg");
    assert_eq!(pg.backend_name(), "postgres");
    assert_eq!(format!("{pg:?}"), "Postgres(database db)");
    let sqlite = DatabaseTarget::parse("sqlite://var/x.sqlite3", None).expect("sqlite");
    assert_eq!(sqlite, DatabaseTarget::Sqlite(PathBuf::from("var/x.sqlite3")));
    let default = std::path::Path::new("var/parcours.sqlite3");
    assert!(DatabaseTarget::parse("var/parcours.sqlite3", Some(default)).is_ok());
    assert!(matches!(DatabaseTarget::parse("postgress://typo/db", Some(default)), Err(StoreError::Configuration(_))));
}

#[test]
fn sqlite_migrations_load_the_reference_data_and_audit_rows_cannot_be_changed() {
    use diesel::prelude::*;
    let dir = std::env::temp_dir().join(format!("parcours-store-{}", uuid_like()));
    let target = DatabaseTarget::Sqlite(dir.join("t.sqlite3"));
    let mut conn = ConnectionManager::establish(&target).expect("open");
    let applied = run_migrations(&mut conn).expect("migrate");
    assert_eq!(applied.len(), migration_names("sqlite").len());
    let data = parcours_store::reference::load_reference_data(&mut conn, Default::default()).expect("load");
    assert_eq!(data.communes().count(), 263);
    assert_eq!(data.cris().len(), 8);
    diesel::sql_query(
        "INSERT INTO audit_log (id, occurred_at, request_id, subject, organisation, action, resource_type) \
         VALUES ('a1', '2026-11-24 10:00:00', 'r', 's', 'o', 'x', 'y')",
    )
    .execute(&mut conn)
    .expect("insert audit");
    assert!(diesel::sql_query("UPDATE audit_log SET action = 'z'").execute(&mut conn).is_err());
    assert!(diesel::sql_query("DELETE FROM audit_log").execute(&mut conn).is_err());
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);
}

fn uuid_like() -> String {
    parcours_store::new_id()
}

/// What a migrated database holds, in terms both backends share: tables with their columns, explicitly
/// created indexes by name, and triggers as (table, event) pairs (PostgreSQL has one trigger for
/// `UPDATE OR DELETE` where SQLite needs two).
#[derive(Debug, Default, PartialEq, Eq)]
struct SchemaShape {
    columns: std::collections::BTreeSet<(String, String)>,
    indexes: std::collections::BTreeSet<String>,
    triggers: std::collections::BTreeSet<(String, String)>,
}

#[derive(diesel::QueryableByName)]
struct Pair {
    #[diesel(sql_type = diesel::sql_types::Text)]
    a: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    b: String,
}

fn pairs(conn: &mut parcours_store::DbConnection, sql: &str) -> Vec<(String, String)> {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql).load::<Pair>(conn).expect(sql).into_iter().map(|p| (p.a, p.b)).collect()
}

fn shape(conn: &mut parcours_store::DbConnection) -> SchemaShape {
    use parcours_store::DbConnection;
    let (columns, indexes, triggers) = match conn {
        DbConnection::Sqlite(_) => (
            "SELECT m.name AS a, p.name AS b FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
            "SELECT name AS a, tbl_name AS b FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
            "SELECT tbl_name AS a, upper(sql) AS b FROM sqlite_master WHERE type = 'trigger'",
        ),
        DbConnection::Postgresql(_) => (
            "SELECT table_name::text AS a, column_name::text AS b FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
            "SELECT indexname::text AS a, tablename::text AS b FROM pg_indexes WHERE schemaname = 'public' \
             AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            "SELECT event_object_table::text AS a, event_manipulation::text AS b FROM information_schema.triggers \
             WHERE trigger_schema = 'public'",
        ),
    };
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    SchemaShape {
        columns: pairs(conn, columns).into_iter().collect(),
        indexes: pairs(conn, indexes).into_iter().map(|(name, table)| format!("{table}.{name}")).collect(),
        triggers: pairs(conn, triggers)
            .into_iter()
            .flat_map(|(table, event)| {
                // SQLite keeps the trigger's SQL: read its event from `BEFORE <EVENT> ON`.
                let events: Vec<String> = if sqlite {
                    ["INSERT", "UPDATE", "DELETE"]
                        .iter()
                        .filter(|e| event.contains(&format!(" {e} ON ")))
                        .map(|e| (*e).to_owned())
                        .collect()
                } else {
                    vec![event]
                };
                events.into_iter().map(move |e| (table.clone(), e))
            })
            .collect(),
    }
}

fn differences(postgres: &SchemaShape, sqlite: &SchemaShape) -> Vec<String> {
    fn one_side<T: Ord + std::fmt::Debug>(
        what: &str,
        a: &std::collections::BTreeSet<T>,
        b: &std::collections::BTreeSet<T>,
    ) -> Vec<String> {
        let mut out: Vec<String> = a.difference(b).map(|x| format!("{what} {x:?} only on PostgreSQL")).collect();
        out.extend(b.difference(a).map(|x| format!("{what} {x:?} only on SQLite")));
        out
    }
    let mut out = one_side("column", &postgres.columns, &sqlite.columns);
    out.extend(one_side("index", &postgres.indexes, &sqlite.indexes));
    out.extend(one_side("trigger", &postgres.triggers, &sqlite.triggers));
    out
}

fn migrated_sqlite() -> (parcours_store::DbConnection, PathBuf) {
    let dir = std::env::temp_dir().join(format!("parcours-parity-{}", uuid_like()));
    let mut conn = ConnectionManager::establish(&DatabaseTarget::Sqlite(dir.join("p.sqlite3"))).expect("open");
    run_migrations(&mut conn).expect("migrate SQLite");
    (conn, dir)
}

/// A fresh PostgreSQL database, migrated; `None` (with a notice) when no server answers and none is
/// required.
fn migrated_postgres() -> Option<(parcours_store::DbConnection, String)> {
    use diesel::{Connection, RunQueryDsl};
    let admin_url = std::env::var("PARCOURS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut admin = match diesel::PgConnection::establish(&admin_url) {
        Ok(conn) => conn,
        Err(error) if std::env::var("PARCOURS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("PostgreSQL is required (PARCOURS_REQUIRE_POSTGRES=1) but unreachable: {error}")
        }
        Err(error) => {
            eprintln!("*** PostgreSQL not reachable ({error}): schema parity SKIPPED ***");
            return None;
        }
    };
    let name = format!("parcours_parity_{}", uuid_like().replace('-', ""));
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create database");
    let url = format!("{}/{name}", admin_url.rsplit_once('/').expect("database in URL").0);
    let mut conn = ConnectionManager::establish(&DatabaseTarget::Postgres(url)).expect("connect");
    run_migrations(&mut conn).expect("migrate PostgreSQL");
    Some((conn, name))
}

fn drop_postgres(name: &str) {
    use diesel::{Connection, RunQueryDsl};
    let admin_url = std::env::var("PARCOURS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if let Ok(mut admin) = diesel::PgConnection::establish(&admin_url) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
    }
}

#[test]
fn both_migration_trees_build_the_same_schema_and_the_check_sees_a_one_sided_index_or_trigger() {
    use diesel::RunQueryDsl;
    let (mut sqlite, dir) = migrated_sqlite();
    let sqlite_shape = shape(&mut sqlite);
    assert!(sqlite_shape.indexes.iter().any(|i| i == "cases.cases_one_open_per_person"));
    assert!(sqlite_shape.triggers.contains(&("case_events".into(), "DELETE".into())));
    if let Some((mut postgres, name)) = migrated_postgres() {
        let postgres_shape = shape(&mut postgres);
        drop(postgres);
        drop_postgres(&name);
        assert_eq!(differences(&postgres_shape, &sqlite_shape), Vec::<String>::new());
        // The check itself: one index and one trigger more on one side are reported, by name.
        diesel::sql_query("CREATE INDEX only_here ON jobs (next_run_at)").execute(&mut sqlite).expect("index");
        diesel::sql_query("CREATE TRIGGER jobs_no_delete BEFORE DELETE ON jobs BEGIN SELECT RAISE(ABORT, 'x'); END")
            .execute(&mut sqlite)
            .expect("trigger");
        let found = differences(&postgres_shape, &shape(&mut sqlite));
        assert_eq!(found, ["index \"jobs.only_here\" only on SQLite", "trigger (\"jobs\", \"DELETE\") only on SQLite"],);
    }
    drop(sqlite);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn case_events_are_append_only_on_sqlite_too() {
    use diesel::RunQueryDsl;
    let (mut conn, dir) = migrated_sqlite();
    // A lone step (no case behind it): only the trigger is under test here.
    diesel::sql_query("PRAGMA foreign_keys = OFF").execute(&mut conn).expect("pragma");
    diesel::sql_query(
        "INSERT INTO case_events (id, case_id, occurred_at, kind, cri_code, actor_subject, actor_organisation, \
         request_id, basis, reason_fr, reason_en, summary) \
         VALUES ('e1', 'c1', '2026-12-15 10:00:00', 'case_opened', 'CRIPEL', 's', 'o', 'r', 'b', 'fr', 'en', '')",
    )
    .execute(&mut conn)
    .expect("insert step");
    assert!(diesel::sql_query("DELETE FROM case_events").execute(&mut conn).is_err());
    assert!(diesel::sql_query("UPDATE case_events SET kind = 'x'").execute(&mut conn).is_err());
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn append_only_tables_refuse_truncate_on_postgresql() {
    use diesel::RunQueryDsl;
    let Some((mut postgres, name)) = migrated_postgres() else { return };
    // CASCADE, so that the foreign key of `audit_subjects` is not what refuses it: the trigger must.
    for table in ["audit_log", "audit_subjects", "case_events", "sanction_steps"] {
        let refused = diesel::sql_query(format!("TRUNCATE {table} CASCADE")).execute(&mut postgres);
        let message = refused.expect_err("TRUNCATE must be refused").to_string();
        assert!(message.contains("append-only"), "{table}: {message}");
    }
    // An ordinary table still truncates (the guard is not a blanket one).
    diesel::sql_query("TRUNCATE jobs").execute(&mut postgres).expect("jobs truncate");
    drop(postgres);
    drop_postgres(&name);
}

/// The `use crate::<module>` edges between the top-level modules of a crate's `src/`.
fn module_graph(src: &std::path::Path) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut graph = std::collections::BTreeMap::new();
    fn text_of(path: &std::path::Path) -> String {
        if path.is_dir() {
            let mut all = String::new();
            for entry in std::fs::read_dir(path).expect("dir") {
                all.push_str(&text_of(&entry.expect("entry").path()));
            }
            all
        } else if path.extension().is_some_and(|e| e == "rs") {
            std::fs::read_to_string(path).expect("source")
        } else {
            String::new()
        }
    }
    for entry in std::fs::read_dir(src).expect("src") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else { continue };
        if name == "lib" || name == "main" {
            continue;
        }
        // A module is a file or a folder of files (`handlers/`): all its text counts.
        let text = text_of(&path);
        let uses: std::collections::BTreeSet<String> = text
            .split("crate::")
            .skip(1)
            .filter_map(|rest| {
                let module: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                (module != name && !module.is_empty()).then_some(module)
            })
            .collect();
        graph.insert(name, uses);
    }
    graph
}

/// A module path that comes back to where it started, if any.
fn find_cycle(graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten().filter(|n| graph.contains_key(*n)) {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_import_circle_among_the_store_modules_nor_the_api_modules() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for src in [root.join("parcours-store/src"), root.join("parcours-api/src")] {
        let graph = module_graph(&src);
        assert!(graph.len() > 5, "{}", src.display());
        assert_eq!(find_cycle(&graph), None, "{}", src.display());
    }
    // The check itself finds a circle.
    let mut circular = std::collections::BTreeMap::new();
    circular.insert("cases".to_owned(), std::collections::BTreeSet::from(["feed".to_owned()]));
    circular.insert("feed".to_owned(), std::collections::BTreeSet::from(["cases".to_owned()]));
    assert_eq!(find_cycle(&circular), Some(vec!["cases".into(), "feed".into(), "cases".into()]));
}

/// A throwaway PostgreSQL cluster with TLS on and plain connections refused, stopped when dropped.
struct TlsCluster {
    dir: PathBuf,
    pg_ctl: PathBuf,
    as_postgres: bool,
    port: u16,
}

impl TlsCluster {
    fn command(&self, program: &std::path::Path) -> std::process::Command {
        if self.as_postgres {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            std::process::Command::new(program)
        }
    }

    fn url(&self, parameters: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres?{parameters}", self.port)
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let _ = self
            .command(&self.pg_ctl)
            .arg("stop")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(command: &mut std::process::Command, what: &str) {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The server binaries (`initdb`, `pg_ctl`) and `openssl`, or why the TLS test cannot run here.
fn tls_tools() -> Result<(PathBuf, PathBuf), String> {
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .find(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|path| {
                std::env::split_paths(&path).find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
            })
        })
        .ok_or("no initdb and pg_ctl (Debian package postgresql)")?;
    std::process::Command::new("openssl").arg("version").output().map_err(|_| "no openssl command")?;
    Ok((bin.join("initdb"), bin.join("pg_ctl")))
}

fn start_tls_cluster() -> Option<TlsCluster> {
    let (initdb, pg_ctl) = match tls_tools() {
        Ok(tools) => tools,
        Err(missing) if std::env::var("PARCOURS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("the PostgreSQL TLS test is required (PARCOURS_REQUIRE_POSTGRES=1) but cannot run: {missing}")
        }
        Err(missing) => {
            eprintln!("*** PostgreSQL over TLS SKIPPED: {missing} ***");
            return None;
        }
    };
    let root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("port").port();
    let dir = std::env::temp_dir().join(format!("parcours-tls-{}", uuid_like()));
    std::fs::create_dir_all(&dir).expect("dir");
    let cluster = TlsCluster { dir: dir.clone(), pg_ctl, as_postgres: root, port };
    // The server's certificate, valid for 127.0.0.1 and localhost, is its own root; another one is not.
    for (name, cn) in [("server", "localhost"), ("stranger", "stranger.example")] {
        run(
            std::process::Command::new("openssl")
                .args(["req", "-new", "-x509", "-nodes", "-days", "3650", "-newkey", "rsa:2048"])
                .arg("-keyout")
                .arg(dir.join(format!("{name}.key")))
                .arg("-out")
                .arg(dir.join(format!("{name}.crt")))
                .args(["-subj", &format!("/CN={cn}"), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]),
            "openssl req",
        );
    }
    if root {
        // initdb refuses to run as root: the cluster belongs to the postgres account.
        run(std::process::Command::new("chown").arg("-R").arg("postgres").arg(&dir), "chown");
    }
    let _ = std::fs::set_permissions(dir.join("server.key"), std::os::unix::fs::PermissionsExt::from_mode(0o600));
    run(
        cluster.command(&initdb).arg("-D").arg(dir.join("data")).args(["-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        "initdb",
    );
    let hba = "hostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\nlocal all all trust\n";
    std::fs::write(dir.join("data/pg_hba.conf"), hba).expect("pg_hba.conf");
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
        dir.display(),
        dir.join("server.crt").display(),
        dir.join("server.key").display()
    );
    run(
        cluster
            .command(&cluster.pg_ctl)
            .arg("start")
            .arg("-D")
            .arg(dir.join("data"))
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-o", &options]),
        "pg_ctl start",
    );
    Some(cluster)
}

/// PostgreSQL over TLS with the bundled libpq (built with a vendored OpenSSL: no system library):
/// `sslmode=require` encrypts, `verify-full` checks the server's certificate and name against a root, a
/// plain connection is what the server refuses, and a certificate from another root is refused by the client.
#[test]
fn postgres_over_tls_with_require_and_verify_full() {
    let Some(cluster) = start_tls_cluster() else { return };
    let server_root = cluster.dir.join("server.crt");
    let stranger_root = cluster.dir.join("stranger.crt");
    for parameters in
        ["sslmode=require".to_owned(), format!("sslmode=verify-full&sslrootcert={}", server_root.display())]
    {
        let url = cluster.url(&parameters);
        let store = parcours_store::Store::open(DatabaseTarget::Postgres(url), 2)
            .unwrap_or_else(|e| panic!("{parameters}: {e}"));
        let mut conn = store.conn().expect("pooled connection");
        let encrypted = pairs(
            &mut conn,
            "SELECT CAST(ssl AS TEXT) AS a, version AS b FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        );
        assert_eq!(encrypted.len(), 1, "{parameters}");
        assert_eq!(encrypted[0].0, "true", "{parameters}: the session is encrypted");
        assert!(encrypted[0].1.starts_with("TLSv1."), "{parameters}: {:?}", encrypted[0]);
    }
    let plain = ConnectionManager::establish(&DatabaseTarget::Postgres(cluster.url("sslmode=disable")));
    assert!(plain.is_err(), "the cluster refuses connections without TLS");
    let stranger = ConnectionManager::establish(&DatabaseTarget::Postgres(
        cluster.url(&format!("sslmode=verify-full&sslrootcert={}", stranger_root.display())),
    ));
    let error = match stranger {
        Ok(_) => panic!("a certificate from another root must be refused"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("certificate"), "{error}");
}
