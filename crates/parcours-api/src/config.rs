//! Configuration from environment variables (documented in one table in the README), with safe defaults
//! for local use and a refusal to start in production with a development key.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use jsonwebtoken::Algorithm;

/// The HS256 secret used when none is configured. Local use only: production refuses it.
pub const DEVELOPMENT_SECRET: &str = "parcours-development-secret-do-not-use-in-production";
/// Default SQLite file for `make run`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://var/parcours.sqlite3";
/// Default SQLite file of the sandbox (`make run`): its own, since a sandbox refuses a database with real
/// data and the other modes refuse a sandbox's.
pub const DEFAULT_SANDBOX_DATABASE_URL: &str = "sqlite://var/sandbox.sqlite3";

/// Development (laptop, pilot), sandbox (integrators' rehearsals) or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// Local defaults allowed.
    Development,
    /// Development's defaults, plus demo data made at the first start and a clock each organisation moves
    /// for itself (`POST /v1/sandbox/clock`). Refuses production keys: nothing a sandbox issues can pass
    /// for real.
    Sandbox,
    /// Public keys only; no development secret.
    Production,
}

/// How tokens are verified (and, for `parcours token`, signed).
#[derive(Clone)]
pub enum KeyConfig {
    /// HS256 with a shared secret: local use and tests.
    Hmac {
        /// The secret.
        secret: String,
    },
    /// RS256, ES256 or EdDSA with public keys by `kid`; optionally a private key to mint tokens.
    Asymmetric {
        /// PEM public keys by key id.
        public_keys: HashMap<String, String>,
        /// PEM private key and its key id, for `parcours token`.
        signing_key: Option<(String, String)>,
    },
}

impl fmt::Debug for KeyConfig {
    // Never print secrets or keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyConfig::Hmac { .. } => f.write_str("Hmac(**secret**)"),
            KeyConfig::Asymmetric { public_keys, signing_key } => f
                .debug_struct("Asymmetric")
                .field("kids", &public_keys.keys().collect::<Vec<_>>())
                .field("can_sign", &signing_key.is_some())
                .finish(),
        }
    }
}

/// Everything the service reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Development or production.
    pub environment: Environment,
    /// Database URL.
    pub database_url: String,
    /// Address to listen on.
    pub bind: String,
    /// Connections in the pool.
    pub pool_size: u32,
    /// HTTP worker threads.
    pub workers: usize,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Pinned JWT algorithm.
    pub jwt_algorithm: Algorithm,
    /// Keys.
    pub keys: KeyConfig,
    /// Required `iss`.
    pub jwt_issuer: String,
    /// Required `aud`.
    pub jwt_audience: String,
    /// Development only: the instant the service's clock reads at start-up (`PARCOURS_CLOCK_START`), for
    /// demonstrations and tests that need a given date. Production always runs on the wall clock.
    pub clock_start: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether `serve` also runs the background jobs in-process (`PARCOURS_JOBS=in-process`, the
    /// default) or leaves them to `parcours worker` processes (`off`).
    pub jobs_in_process: bool,
    /// Seconds between two looks at the job table (`PARCOURS_JOBS_POLL_SECONDS`).
    pub jobs_poll_seconds: u64,
    /// Seconds between two checks of the reference-data version by `serve`
    /// (`PARCOURS_REFERENCE_REFRESH_SECONDS`, default 5): how long a correction made on another replica
    /// may take to reach this one's in-memory copy (writes check it themselves).
    pub reference_refresh_seconds: u64,
    /// The address the public reaches the service at (`PARCOURS_PUBLIC_BASE_URL`): printed on
    /// attestations as their verification address. Required in production.
    pub public_base_url: String,
    /// The keys that sign attestations' offline payload (`PARCOURS_ATTESTATION_KEYS`, a key file).
    pub attestation_keys: crate::attestation_keys::AttestationKeys,
    /// The keys that seal social notes and dispensation evidence (`PARCOURS_DATA_KEYS`, a key file).
    pub data_keys: crate::data_keys::DataKeys,
    /// Public verification: requests a client address may send at once (`PARCOURS_VERIFY_BURST`).
    pub verification_burst: u32,
    /// Public verification: requests per minute a client address gets back (`PARCOURS_VERIFY_PER_MINUTE`).
    pub verification_per_minute: u32,
    /// The languages the information letter is translated into after its French page, for a person whose
    /// reported language is one of them (`PARCOURS_LETTER_LANGUAGES`, ISO 639-1 codes separated by commas;
    /// every shipped translation by default, an empty value for French only).
    pub letter_languages: Vec<parcours_documents::information_letter::LetterLanguage>,
    /// Requests one bearer token may send at once (`PARCOURS_RATE_TOKEN_BURST`, default 300), then per
    /// minute (`PARCOURS_RATE_TOKEN_PER_MINUTE`, default 3,000; 0 turns the limit off).
    pub rate_token_burst: u32,
    /// See [`Config::rate_token_burst`].
    pub rate_token_per_minute: u32,
    /// The same per client address (`PARCOURS_RATE_ADDRESS_BURST`, 600; `PARCOURS_RATE_ADDRESS_PER_MINUTE`,
    /// 6,000): bounds public endpoints and a caller that changes tokens.
    pub rate_address_burst: u32,
    /// See [`Config::rate_address_burst`].
    pub rate_address_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`PARCOURS_TRUSTED_PROXIES`, addresses
    /// separated by commas; none by default, so the peer is the client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Log lines as JSON objects (`PARCOURS_LOG_FORMAT=json`) or as text (`text`, the default).
    pub json_logs: bool,
    /// The bearer token a Prometheus scraper sends to `/metrics` (`PARCOURS_METRICS_TOKEN`, at least 32
    /// characters). Without one, `/metrics` is open in development and not served in production.
    pub metrics_token: Option<String>,
}

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn read_pem_list(value: &str, variable: &str) -> Result<HashMap<String, String>, ConfigError> {
    let mut keys = HashMap::new();
    for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (kid, path) = entry
            .split_once('=')
            .ok_or_else(|| ConfigError(format!("{variable}: expected kid=path.pem entries, got `{entry}`")))?;
        let pem = std::fs::read_to_string(PathBuf::from(path.trim()))
            .map_err(|e| ConfigError(format!("{variable}: cannot read {path}: {e}")))?;
        keys.insert(kid.trim().to_owned(), pem);
    }
    Ok(keys)
}

/// An RFC 3339 instant, or a date (read as 10:00 UTC, mid-morning in Brussels).
fn parse_instant(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let value = value.trim();
    if let Ok(instant) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(instant.with_timezone(&chrono::Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(10, 0, 0)?.and_utc())
}

impl Config {
    /// Reads the configuration from a variable lookup (the process environment in `main`).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let environment = match get("PARCOURS_ENV").as_deref().unwrap_or("development") {
            "development" => Environment::Development,
            "sandbox" => Environment::Sandbox,
            "production" => Environment::Production,
            other => {
                return Err(ConfigError(format!(
                    "PARCOURS_ENV must be development, sandbox or production, not `{other}`"
                )));
            }
        };
        if environment == Environment::Sandbox {
            // A sandbox's attestations, letters and tokens must never be taken for real ones.
            for production_setting in ["PARCOURS_ATTESTATION_KEYS", "PARCOURS_DATA_KEYS", "PARCOURS_JWT_PUBLIC_KEYS"] {
                if get(production_setting).is_some() {
                    return Err(ConfigError(format!(
                        "PARCOURS_ENV=sandbox refuses {production_setting}: a sandbox runs on the development keys, \
                         so that nothing it issues can pass for real (use PARCOURS_ENV=production)"
                    )));
                }
            }
        }
        let number = |name: &str, default: usize| -> Result<usize, ConfigError> {
            match get(name) {
                Some(v) => v.trim().parse().map_err(|_| ConfigError(format!("{name} must be a positive integer"))),
                None => Ok(default),
            }
        };
        let algorithm_name = get("PARCOURS_JWT_ALGORITHM").unwrap_or_else(|| "HS256".to_owned());
        let jwt_algorithm = match algorithm_name.as_str() {
            "HS256" => Algorithm::HS256,
            "RS256" => Algorithm::RS256,
            "ES256" => Algorithm::ES256,
            "EdDSA" => Algorithm::EdDSA,
            other => {
                return Err(ConfigError(format!(
                    "PARCOURS_JWT_ALGORITHM must be HS256, RS256, ES256 or EdDSA, not `{other}`"
                )));
            }
        };
        let keys = if jwt_algorithm == Algorithm::HS256 {
            if environment == Environment::Production {
                return Err(ConfigError(
                    "production refuses HS256: set PARCOURS_JWT_ALGORITHM to RS256, ES256 or EdDSA and \
                     PARCOURS_JWT_PUBLIC_KEYS to kid=public.pem entries"
                        .into(),
                ));
            }
            let secret = get("PARCOURS_JWT_SECRET").unwrap_or_else(|| DEVELOPMENT_SECRET.to_owned());
            if secret.len() < 32 {
                return Err(ConfigError("PARCOURS_JWT_SECRET must be at least 32 bytes".into()));
            }
            KeyConfig::Hmac { secret }
        } else {
            let public_keys =
                read_pem_list(&get("PARCOURS_JWT_PUBLIC_KEYS").unwrap_or_default(), "PARCOURS_JWT_PUBLIC_KEYS")?;
            if public_keys.is_empty() {
                return Err(ConfigError(format!(
                    "{algorithm_name} needs PARCOURS_JWT_PUBLIC_KEYS (kid=public.pem,...)"
                )));
            }
            let signing_key = match get("PARCOURS_JWT_SIGNING_KEY") {
                Some(value) => read_pem_list(&value, "PARCOURS_JWT_SIGNING_KEY")?.into_iter().next(),
                None => None,
            };
            KeyConfig::Asymmetric { public_keys, signing_key }
        };
        if environment == Environment::Production && get("PARCOURS_JWT_SECRET").is_some_and(|s| s == DEVELOPMENT_SECRET)
        {
            return Err(ConfigError("production refuses the development secret".into()));
        }
        let clock_start = match get("PARCOURS_CLOCK_START") {
            None => None,
            Some(_) if environment == Environment::Production => {
                return Err(ConfigError("production refuses PARCOURS_CLOCK_START: it runs on the wall clock".into()));
            }
            Some(value) => Some(parse_instant(&value).ok_or_else(|| {
                ConfigError(format!(
                    "PARCOURS_CLOCK_START must be an RFC 3339 instant or a date (2026-12-15T10:00:00Z, 2026-12-15), not `{value}`"
                ))
            })?),
        };
        let jobs_in_process = match get("PARCOURS_JOBS").as_deref().unwrap_or("in-process") {
            "in-process" => true,
            "off" => false,
            other => return Err(ConfigError(format!("PARCOURS_JOBS must be in-process or off, not `{other}`"))),
        };
        let bind = get("PARCOURS_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let public_base_url = match get("PARCOURS_PUBLIC_BASE_URL") {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(url) => {
                return Err(ConfigError(format!("PARCOURS_PUBLIC_BASE_URL must start with https://, not `{url}`")));
            }
            None if environment == Environment::Production => {
                return Err(ConfigError(
                    "production needs PARCOURS_PUBLIC_BASE_URL: the address printed on attestations".into(),
                ));
            }
            None => format!("http://{bind}"),
        };
        let attestation_keys = match get("PARCOURS_ATTESTATION_KEYS") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| ConfigError(format!("PARCOURS_ATTESTATION_KEYS: cannot read {path}: {e}")))?;
                crate::attestation_keys::AttestationKeys::parse(&text)
                    .map_err(|e| ConfigError(format!("PARCOURS_ATTESTATION_KEYS ({path}): {e}")))?
            }
            None if environment == Environment::Production => {
                return Err(ConfigError(
                    "production needs PARCOURS_ATTESTATION_KEYS (a key file: `parcours attestation-key` makes one)"
                        .into(),
                ));
            }
            None => crate::attestation_keys::AttestationKeys::development(),
        };
        if environment == Environment::Production && attestation_keys.is_development() {
            return Err(ConfigError("production refuses the development attestation key".into()));
        }
        let data_keys = match get("PARCOURS_DATA_KEYS") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| ConfigError(format!("PARCOURS_DATA_KEYS: cannot read {path}: {e}")))?;
                crate::data_keys::DataKeys::parse(&text)
                    .map_err(|e| ConfigError(format!("PARCOURS_DATA_KEYS ({path}): {e}")))?
            }
            None if environment == Environment::Production => {
                return Err(ConfigError(
                    "production needs PARCOURS_DATA_KEYS (a key file: `parcours data-key` makes a line)".into(),
                ));
            }
            None => crate::data_keys::DataKeys::development(),
        };
        if environment == Environment::Production && data_keys.is_development() {
            return Err(ConfigError("production refuses the development data key".into()));
        }
        let letter_languages = match get("PARCOURS_LETTER_LANGUAGES") {
            None => parcours_documents::information_letter::LetterLanguage::ALL.to_vec(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .map(|code| {
                    parcours_documents::information_letter::LetterLanguage::parse(code).ok_or_else(|| {
                        let shipped: Vec<&str> = parcours_documents::information_letter::LetterLanguage::ALL
                            .iter()
                            .map(|l| l.code())
                            .collect();
                        ConfigError(format!(
                            "PARCOURS_LETTER_LANGUAGES: no translation of the letter in `{code}` (shipped: {})",
                            shipped.join(", ")
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let metrics_token = match get("PARCOURS_METRICS_TOKEN") {
            Some(token) if token.trim().len() < 32 => {
                return Err(ConfigError("PARCOURS_METRICS_TOKEN must be at least 32 characters".into()));
            }
            other => other.map(|token| token.trim().to_owned()),
        };
        let trusted_proxies = get("PARCOURS_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse::<std::net::IpAddr>()
                    .map_err(|_| ConfigError(format!("PARCOURS_TRUSTED_PROXIES: `{a}` is not an IP address")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let json_logs = match get("PARCOURS_LOG_FORMAT").as_deref().unwrap_or("text") {
            "text" => false,
            "json" => true,
            other => return Err(ConfigError(format!("PARCOURS_LOG_FORMAT must be text or json, not `{other}`"))),
        };
        Ok(Config {
            rate_token_burst: number("PARCOURS_RATE_TOKEN_BURST", 300)?.max(1) as u32,
            rate_token_per_minute: number("PARCOURS_RATE_TOKEN_PER_MINUTE", 3_000)? as u32,
            rate_address_burst: number("PARCOURS_RATE_ADDRESS_BURST", 600)?.max(1) as u32,
            rate_address_per_minute: number("PARCOURS_RATE_ADDRESS_PER_MINUTE", 6_000)? as u32,
            trusted_proxies,
            json_logs,
            metrics_token,
            letter_languages,
            public_base_url,
            attestation_keys,
            data_keys,
            verification_burst: number("PARCOURS_VERIFY_BURST", 20)?.max(1) as u32,
            verification_per_minute: number("PARCOURS_VERIFY_PER_MINUTE", 30)?.max(1) as u32,
            clock_start,
            jobs_in_process,
            jobs_poll_seconds: number("PARCOURS_JOBS_POLL_SECONDS", 30)?.max(1) as u64,
            reference_refresh_seconds: number("PARCOURS_REFERENCE_REFRESH_SECONDS", 5)?.max(1) as u64,
            environment,
            database_url: get("PARCOURS_DATABASE_URL").unwrap_or_else(|| {
                if environment == Environment::Sandbox { DEFAULT_SANDBOX_DATABASE_URL } else { DEFAULT_DATABASE_URL }
                    .to_owned()
            }),
            bind,
            pool_size: number("PARCOURS_DB_POOL_SIZE", 10)? as u32,
            workers: number("PARCOURS_WORKERS", std::thread::available_parallelism().map_or(2, |n| n.get()))?.max(1),
            max_body_bytes: number("PARCOURS_MAX_BODY_BYTES", 1024 * 1024)?,
            jwt_algorithm,
            keys,
            jwt_issuer: get("PARCOURS_JWT_ISSUER").unwrap_or_else(|| "parcours".to_owned()),
            jwt_audience: get("PARCOURS_JWT_AUDIENCE").unwrap_or_else(|| "parcours-api".to_owned()),
        })
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }
}
