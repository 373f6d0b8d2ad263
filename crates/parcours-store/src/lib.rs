//! # parcours-store
//!
//! Persistence for Parcours on PostgreSQL (production) and SQLite (embedded default), with the same
//! queries on both through diesel's `MultiConnection`. Every query that returns personal data takes the
//! caller's scope and filters by it in SQL; every write appends its audit row in the same transaction.
//!
//! Find a table in [`schema`]; the queries by resource: [`reference`] (CRIs, communes, CRI assignments),
//! [`intake`] (persons, determinations, cases, arrivals), [`idempotency`], [`audit`].

use std::fmt;

pub mod audit;
pub mod cases;
pub mod connection;
pub mod idempotency;
pub mod intake;
pub mod reference;
pub mod schema;
pub mod seed;
pub mod training;

pub use connection::{DatabaseTarget, DbConnection, Pool, PooledConnection, open_pool, run_migrations};

/// What can go wrong in the store. Messages are for logs, never for API clients.
#[derive(Debug)]
pub enum StoreError {
    /// The database URL or settings are wrong.
    Configuration(String),
    /// The database cannot be reached or the pool is exhausted.
    Unavailable(String),
    /// A migration failed.
    Migration(String),
    /// The row does not exist (or is outside the caller's scope).
    NotFound,
    /// A uniqueness rule was hit (for example two requests with the same idempotency key at once).
    Conflict(String),
    /// Data read back does not have the expected shape.
    Corrupt(String),
    /// Any other database error.
    Database(diesel::result::Error),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Configuration(m) => write!(f, "configuration: {m}"),
            StoreError::Unavailable(m) => write!(f, "database unavailable: {m}"),
            StoreError::Migration(m) => write!(f, "migration failed: {m}"),
            StoreError::NotFound => f.write_str("not found"),
            StoreError::Conflict(m) => write!(f, "conflict: {m}"),
            StoreError::Corrupt(m) => write!(f, "corrupt data: {m}"),
            StoreError::Database(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.constraint_name().unwrap_or(info.message()).to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(error: r2d2::Error) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

/// A new identifier: UUID v7, time-ordered so that ids sort by creation (cursor pagination relies on it).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The store: a pool and the backend it talks to.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    target: DatabaseTarget,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("target", &self.target).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database, runs pending migrations (which load the reference data), and returns the store.
    pub fn open(target: DatabaseTarget, pool_size: u32) -> Result<Store, StoreError> {
        let mut conn =
            connection::ConnectionManager::establish(&target).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        run_migrations(&mut conn)?;
        drop(conn);
        let pool = open_pool(&target, pool_size)?;
        Ok(Store { pool, target })
    }

    /// A connection from the pool.
    pub fn conn(&self) -> Result<PooledConnection, StoreError> {
        Ok(self.pool.get()?)
    }

    /// `postgres` or `sqlite`.
    pub fn backend_name(&self) -> &'static str {
        self.target.backend_name()
    }

    /// Checks that the database answers (readiness probe).
    pub fn ping(&self) -> Result<(), StoreError> {
        use diesel::RunQueryDsl;
        let mut conn = self.conn()?;
        diesel::sql_query("SELECT 1").execute(&mut conn)?;
        Ok(())
    }
}
