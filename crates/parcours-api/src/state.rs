//! What every handler shares: the store, the token verifier, the cached reference data.

use std::sync::{Arc, RwLock};

use parcours_domain::ReferenceData;
use parcours_store::{DbConnection, Store};

use crate::auth::Verifier;
use crate::clock::Clock;
use crate::config::Config;
use crate::problem::ApiError;

/// Shared application state.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Token verification (also registered on its own for the extractors).
    pub verifier: actix_web::web::Data<Verifier>,
    /// Configuration.
    pub config: Config,
    /// "Now" and "today" for every decision and timestamp: the wall clock, or a chosen start in
    /// development and tests.
    pub clock: Arc<Clock>,
    /// The public verification endpoints' allowance per client address.
    pub verification_limit: crate::rate_limit::RateLimiter,
    /// The limits every request passes (per token, per client address).
    pub limits: crate::rate_limit::RequestLimits,
    /// The requests this process answered, for `/metrics`.
    pub requests: crate::metrics::RequestMetrics,
    reference: RwLock<Option<(i64, Arc<ReferenceData>)>>,
}

impl AppState {
    /// Builds the state.
    pub fn new(store: Store, config: Config) -> Result<AppState, String> {
        let verifier = actix_web::web::Data::new(Verifier::new(&config)?);
        let clock = Arc::new(config.clock_start.map_or_else(Clock::system, Clock::starting_at));
        let verification_limit =
            crate::rate_limit::RateLimiter::new(config.verification_burst, config.verification_per_minute);
        let limits = crate::rate_limit::RequestLimits {
            per_token: crate::rate_limit::RateLimiter::new(config.rate_token_burst, config.rate_token_per_minute),
            per_address: crate::rate_limit::RateLimiter::new(config.rate_address_burst, config.rate_address_per_minute),
            trusted_proxies: config.trusted_proxies.clone(),
        };
        let state = AppState {
            store,
            verifier,
            config,
            clock,
            verification_limit,
            limits,
            requests: crate::metrics::RequestMetrics::default(),
            reference: RwLock::new(None),
        };
        // Loaded once here, so that computations on reference data alone (simulate) never wait for the
        // database, and answer while it is down.
        let mut conn = state.store.conn().map_err(|e| format!("database: {e}"))?;
        state.reference_data(&mut conn).map_err(|e| format!("reference data: {}", e.code()))?;
        drop(conn);
        Ok(state)
    }

    /// The reference data as this replica holds it in memory, for what needs nothing else (simulate): no
    /// database, no blocking pool. Loaded at start, refreshed by [`AppState::reference_data`] (every write
    /// that needs it, and `serve`'s refresher every `reference_refresh_seconds`).
    pub fn reference_in_memory(&self) -> Result<Arc<ReferenceData>, ApiError> {
        match self.reference.read() {
            Ok(guard) => guard.as_ref().map(|(_, data)| Arc::clone(data)),
            Err(_) => None,
        }
        .ok_or_else(|| ApiError::Internal("reference data not loaded".into()))
    }

    /// Reloads the reference data if its version changed; for `serve`'s background refresher.
    pub fn refresh_reference(&self) -> Result<(), ApiError> {
        let mut conn = self.store.conn()?;
        self.reference_data(&mut conn).map(|_| ())
    }

    /// The reference data in force, checked against the database's reference version (one indexed read),
    /// for writes and for what reads the database anyway: reloaded whenever the version changed (a
    /// correction by the Region on any replica), so every replica records decisions on the same data.
    pub fn reference_data(&self, conn: &mut DbConnection) -> Result<Arc<ReferenceData>, ApiError> {
        let version = parcours_store::reference::reference_version(conn)?;
        if let Ok(guard) = self.reference.read()
            && let Some((cached_version, data)) = guard.as_ref()
            && *cached_version == version
        {
            return Ok(Arc::clone(data));
        }
        let parameters = parcours_store::parameter_values::parameters_in_force(conn)?;
        let data = Arc::new(parcours_store::reference::load_reference_data(conn, parameters)?);
        if let Ok(mut guard) = self.reference.write() {
            *guard = Some((version, Arc::clone(&data)));
        }
        Ok(data)
    }
}
