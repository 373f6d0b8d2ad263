//! # parcours-api
//!
//! The HTTP API of Parcours (actix-web + utoipa) and the `parcours` binary. One file per endpoint under
//! [`handlers`], grouped by resource; errors are RFC 9457 problem+json ([`problem`]); authentication is a
//! bearer JWT pinned to one algorithm ([`auth`]); configuration comes from the environment ([`config`]); background work is in [`jobs`]; the clock is
//! in [`clock`]; attestation signing keys in [`attestation_keys`]; the public endpoints' rate limit in
//! [`rate_limit`].

pub mod app;
pub mod attestation_keys;
pub mod auth;
pub mod body;
pub mod clock;
pub mod conditional;
pub mod config;
pub mod data_keys;
pub mod dto;
pub mod handlers;
pub mod idempotency;
pub mod jobs;
pub mod logging;
pub mod metrics;
pub mod openapi;
pub mod problem;
pub mod rate_limit;
pub mod request;
pub mod sandbox;
pub mod state;
pub mod webhooks;

pub use app::{build_app, openapi};
pub use state::AppState;
