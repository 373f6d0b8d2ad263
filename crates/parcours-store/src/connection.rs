//! One connection type for both backends, a pool that picks the backend from the URL, and the embedded
//! migrations.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, IntoSql, PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::StoreError;

/// A connection to PostgreSQL or SQLite; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL: production.
    Postgresql(PgConnection),
    /// SQLite: the embedded default for pilots and laptops.
    Sqlite(SqliteConnection),
}

impl fmt::Debug for DbConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DbConnection::Postgresql(_) => "DbConnection::Postgresql",
            DbConnection::Sqlite(_) => "DbConnection::Sqlite",
        })
    }
}

/// PostgreSQL migrations, embedded at build time.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
/// SQLite migrations, embedded at build time.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Which database a URL designates.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// `postgres://...` or `postgresql://...`.
    Postgres(String),
    /// `sqlite://path`, or a bare path to an existing file.
    Sqlite(PathBuf),
}

impl fmt::Debug for DatabaseTarget {
    // A PostgreSQL URL may hold a password: show only the backend and the database name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseTarget::Postgres(url) => {
                write!(
                    f,
                    "Postgres(database {})",
                    url.rsplit('/').next().unwrap_or("?").split('?').next().unwrap_or("?")
                )
            }
            DatabaseTarget::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
        }
    }
}

impl DatabaseTarget {
    /// Parses a database URL. A bare path is accepted as SQLite only if the file exists or it is the
    /// configured default, so that a typo in a PostgreSQL URL never silently creates a SQLite file.
    pub fn parse(url: &str, default_sqlite: Option<&Path>) -> Result<DatabaseTarget, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseTarget::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::Configuration("sqlite:// needs a file path".into()));
            }
            return Ok(DatabaseTarget::Sqlite(PathBuf::from(path)));
        }
        let path = Path::new(url);
        if path.exists() || default_sqlite == Some(path) {
            return Ok(DatabaseTarget::Sqlite(path.to_path_buf()));
        }
        Err(StoreError::Configuration(
            "database URL must start with postgres://, postgresql:// or sqlite:// (or name an existing SQLite file)"
                .into(),
        ))
    }

    /// `postgres` or `sqlite`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseTarget::Postgres(_) => "postgres",
            DatabaseTarget::Sqlite(_) => "sqlite",
        }
    }
}

/// Error while opening a pooled connection.
#[derive(Debug)]
pub struct ConnectError(String);

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConnectError {}

/// r2d2 manager that opens the backend the URL names, with SQLite's pragmas on every connection.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    target: DatabaseTarget,
}

/// SQLite settings applied to every pooled connection: referential integrity, waiting on locks instead
/// of failing, WAL for concurrent readers.
const SQLITE_PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

impl ConnectionManager {
    /// A manager for `target`.
    pub fn new(target: DatabaseTarget) -> ConnectionManager {
        ConnectionManager { target }
    }

    /// Opens one connection outside any pool (migrations, tests).
    pub fn establish(target: &DatabaseTarget) -> Result<DbConnection, ConnectError> {
        match target {
            DatabaseTarget::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgresql)
                .map_err(|e| ConnectError(format!("PostgreSQL connection failed: {e}"))),
            DatabaseTarget::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| ConnectError(format!("cannot create {}: {e}", parent.display())))?;
                }
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(|e| ConnectError(format!("SQLite open failed: {e}")))?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(|e| ConnectError(format!("SQLite pragmas failed: {e}")))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        ConnectionManager::establish(&self.target)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        check_connection(conn).map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// One trivial statement, through the query builder (`SELECT $1`), so that it is prepared once per
/// connection: the pool runs it on every checkout.
pub(crate) fn check_connection(conn: &mut DbConnection) -> Result<(), diesel::result::Error> {
    diesel::select(1.into_sql::<diesel::sql_types::Integer>()).get_result::<i32>(conn).map(|_| ())
}

/// The pool.
pub type Pool = r2d2::Pool<ConnectionManager>;
/// A connection borrowed from the pool.
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

/// Runs the pending migrations of the connection's backend; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// The migrations `parcours migrate` (or the first start) would apply, by name, without applying them:
/// `parcours check-config` reports them.
pub fn pending_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    use diesel::migration::Migration as _;
    let names = match conn {
        DbConnection::Postgresql(c) => c
            .pending_migrations(POSTGRES_MIGRATIONS)
            .map(|pending| pending.iter().map(|m| m.name().to_string()).collect()),
        DbConnection::Sqlite(c) => c
            .pending_migrations(SQLITE_MIGRATIONS)
            .map(|pending| pending.iter().map(|m| m.name().to_string()).collect()),
    };
    names.map_err(|e| StoreError::Migration(e.to_string()))
}

/// Runs `change` in a write transaction and commits it, or rolls everything back when it fails.
///
/// On SQLite the outermost transaction starts with `BEGIN IMMEDIATE`: it takes the write lock before the
/// first read, so a read-then-write can never fail half-way with `SQLITE_BUSY` (a deferred transaction
/// that read a snapshot cannot be upgraded once another writer committed). Waiting for the lock is bounded
/// by the connection's `busy_timeout`; past it the error is [`StoreError::Busy`]. Nested calls become
/// savepoints. Every store function that writes (including the audit row of a read) goes through here.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, change: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    let failed = |error: diesel::result::Error| E::from(StoreError::from(error));
    let outermost = match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
        DbConnection::Postgresql(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
    }
    .map_err(failed)?
    .is_none();
    match conn {
        DbConnection::Sqlite(c) if outermost => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE").map_err(failed)?
        }
        _ => Manager::begin_transaction(conn).map_err(failed)?,
    }
    let changed = change(conn).and_then(|value| {
        if outermost {
            position_feed_events(conn).map_err(E::from)?;
        }
        Ok(value)
    });
    match changed {
        Ok(value) => {
            Manager::commit_transaction(conn).map_err(failed)?;
            Ok(value)
        }
        Err(error) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(failed(rollback)),
        },
    }
}

/// The last step of every write transaction on PostgreSQL, just before it commits: the feed events it wrote
/// (without a position) take the next positions, in the order they were written (ids are UUID v7, monotonic
/// within the process), under a transaction-scoped advisory lock that the commit releases.
///
/// Why a reader paging with `after=<seq>` never skips an event: positions are only ever given under the
/// lock, each time above every position already committed (the statement that gives them starts after the
/// lock is held, so it sees every transaction that released it), and the lock is released only once the
/// transaction is committed and visible. So at any moment at most one transaction holds positions not yet
/// visible, and they are higher than every visible one: a position a reader has seen is never followed by a
/// lower one becoming visible. Writers wait on each other only for this statement and the commit, not for
/// their whole transaction. A transaction that wrote no event pays one index probe (the partial index
/// `outbox_events_unpositioned` is empty outside these instants) and takes no lock. On SQLite the single
/// write lock already orders writers; events are positioned as they are written.
pub(crate) fn position_feed_events(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::define_sql_function! {
        /// Migration `000020_feed_positions_function`: the lock and the numbering above, in one call.
        fn position_feed_events() -> diesel::sql_types::Bool;
    }
    let DbConnection::Postgresql(pg) = conn else { return Ok(()) };
    // Through the query builder, so that the call is prepared once per connection.
    diesel::select(position_feed_events()).get_result::<bool>(pg)?;
    Ok(())
}

/// Opens a pool of `size` connections.
pub fn open_pool(target: &DatabaseTarget, size: u32) -> Result<Pool, StoreError> {
    // SQLite serialises writers: a handful of connections is plenty and avoids lock contention.
    let size = match target {
        DatabaseTarget::Sqlite(_) => size.clamp(1, 8),
        DatabaseTarget::Postgres(_) => size.max(1),
    };
    r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(ConnectionManager::new(target.clone()))
        .map_err(|e| StoreError::Unavailable(e.to_string()))
}
