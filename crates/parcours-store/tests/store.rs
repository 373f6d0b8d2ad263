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
