//! Bearer JWT authentication. The algorithm is pinned by configuration (HS256 locally; RS256, ES256 or
//! EdDSA with public keys by `kid` in production); `exp`, `iss`, `aud` and `sub` are required. Claims name
//! the organisation (`commune:<NIS>`, `cri:<CODE>`, `operator:<id>`, `region:SPW`, `cpas:<NIS>`) and the roles.
//! Verified tokens are cached until they expire, so verification does not dominate request cost.

use std::collections::HashMap;
use std::fmt;
use std::future::{Ready, ready};
use std::sync::Mutex;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode};
use parcours_domain::operator::EnterpriseNumber;
use parcours_domain::{CriCode, NisCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Config, KeyConfig};
use crate::problem::{ApiError, Text};

/// The organisation a token acts for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Organisation {
    /// A commune's population service, by NIS code.
    Commune(NisCode),
    /// A regional integration centre.
    Cri(CriCode),
    /// A training operator.
    Operator(String),
    /// The Region (SPW Intérieur et Action sociale).
    Region(String),
    /// A CPAS (public social welfare centre), by the NIS code of its commune: it reads the notices about
    /// the beneficiaries a CRI recorded as its own (rules 4.7, 5.2).
    Cpas(NisCode),
    /// A local integration initiative (ILI), by its enterprise number in printed form (`0123.456.749`): it
    /// applies to the Region's calls for projects and reports on its projects.
    Ili(String),
}

/// The forms of the `org` claim, as [`Organisation::parse`] reads them.
pub const ORGANISATION_FORMS: [&str; 6] =
    ["commune:<NIS>", "cri:<CODE>", "operator:<id>", "region:SPW", "cpas:<NIS>", "ili:<enterprise number>"];

impl Organisation {
    /// Parses `commune:62063`, `cri:CRIPEL`, `operator:<id>`, `region:SPW`, `cpas:62063`, `ili:0123.456.749`
    /// (the enterprise number checked, mod 97, and kept in its printed form).
    pub fn parse(input: &str) -> Option<Organisation> {
        let (kind, id) = input.split_once(':')?;
        match kind {
            "commune" => NisCode::parse(id).ok().map(Organisation::Commune),
            "cpas" => NisCode::parse(id).ok().map(Organisation::Cpas),
            "cri" => CriCode::parse(id).ok().map(Organisation::Cri),
            "operator" if !id.is_empty() && id.len() <= 64 => Some(Organisation::Operator(id.to_owned())),
            "region" if id == "SPW" => Some(Organisation::Region(id.to_owned())),
            "ili" => EnterpriseNumber::parse(id).ok().map(|number| Organisation::Ili(number.to_string())),
            _ => None,
        }
    }
}

impl fmt::Display for Organisation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Organisation::Commune(nis) => write!(f, "commune:{nis}"),
            Organisation::Cri(cri) => write!(f, "cri:{}", cri.code()),
            Organisation::Operator(id) => write!(f, "operator:{id}"),
            Organisation::Region(id) => write!(f, "region:{id}"),
            Organisation::Cpas(nis) => write!(f, "cpas:{nis}"),
            Organisation::Ili(number) => write!(f, "ili:{number}"),
        }
    }
}

/// Roles a token may carry.
pub mod roles {
    /// Commune population service: reports arrivals, reads its own.
    pub const COMMUNE_AGENT: &str = "commune_agent";
    /// CRI staff: reads the people of the CRI's territory.
    pub const CRI_AGENT: &str = "cri_agent";
    /// Region administrator: corrects reference data.
    pub const REGION_ADMIN: &str = "region_admin";
    /// Operator software.
    pub const OPERATOR_AGENT: &str = "operator_agent";
    /// CPAS staff: reads the notices about its beneficiaries.
    pub const CPAS_AGENT: &str = "cpas_agent";
    /// The Region's sanctioning official (*fonctionnaire sanctionnateur*, `region:SPW`): runs the sanction
    /// procedures of the files the CRIs hand over, and sees nothing else of the cases.
    pub const SANCTIONS_OFFICER: &str = "sanctions_officer";
    /// The data protection officer (*délégué à la protection des données*) of the Region (`region:SPW`,
    /// every person) or of a CRI (`cri:<CODE>`, the persons it is competent for): reads access reports with
    /// the staff identities, and handles the persons' requests.
    pub const PRIVACY_OFFICER: &str = "privacy_officer";
    /// A local integration initiative's staff (`ili:<enterprise number>`): applies to calls for projects and
    /// reports on its projects.
    pub const ILI_AGENT: &str = "ili_agent";
    /// Every role, for `parcours token` checks.
    pub const ALL: [&str; 8] = [
        COMMUNE_AGENT,
        CRI_AGENT,
        REGION_ADMIN,
        OPERATOR_AGENT,
        CPAS_AGENT,
        SANCTIONS_OFFICER,
        PRIVACY_OFFICER,
        ILI_AGENT,
    ];
}

/// The claims Parcours reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: user or service account.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry (seconds since the epoch; a number, never a string).
    pub exp: u64,
    /// Not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// Organisation.
    pub org: String,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Token subject.
    pub subject: String,
    /// Organisation.
    pub organisation: Organisation,
    /// Roles.
    pub roles: Vec<String>,
}

impl Caller {
    /// Fails with 403 unless the caller has `role`.
    pub fn require_role(&self, role: &str) -> Result<(), ApiError> {
        if self.roles.iter().any(|r| r == role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(Text::new(
                format!("Cette opération exige le rôle {role}."),
                format!("This operation requires the {role} role."),
            )))
        }
    }
}

fn unauthorized(fr: &str, en: &str) -> ApiError {
    ApiError::Unauthorized(Text::new(fr, en))
}

/// Verifies tokens with the configured keys and caches the result until expiry.
pub struct Verifier {
    algorithm: Algorithm,
    keys: HashMap<Option<String>, DecodingKey>,
    validation: Validation,
    cache: Mutex<HashMap<[u8; 32], (Caller, u64)>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

const CACHE_LIMIT: usize = 10_000;

impl Verifier {
    /// Builds a verifier from the configuration.
    pub fn new(config: &Config) -> Result<Verifier, String> {
        let mut keys = HashMap::new();
        match &config.keys {
            KeyConfig::Hmac { secret } => {
                keys.insert(None, DecodingKey::from_secret(secret.as_bytes()));
            }
            KeyConfig::Asymmetric { public_keys, .. } => {
                for (kid, pem) in public_keys {
                    let key = match config.jwt_algorithm {
                        Algorithm::RS256 => DecodingKey::from_rsa_pem(pem.as_bytes()),
                        Algorithm::ES256 => DecodingKey::from_ec_pem(pem.as_bytes()),
                        Algorithm::EdDSA => DecodingKey::from_ed_pem(pem.as_bytes()),
                        other => return Err(format!("unsupported algorithm {other:?}")),
                    }
                    .map_err(|e| format!("public key {kid}: {e}"))?;
                    keys.insert(Some(kid.clone()), key);
                }
            }
        }
        let mut validation = Validation::new(config.jwt_algorithm);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Ok(Verifier { algorithm: config.jwt_algorithm, keys, validation, cache: Mutex::new(HashMap::new()) })
    }

    /// Verifies a compact JWT at `now` (seconds since the epoch).
    pub fn verify(&self, token: &str, now: u64) -> Result<Caller, ApiError> {
        let fingerprint: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Ok(cache) = self.cache.lock()
            && let Some((caller, exp)) = cache.get(&fingerprint)
            && *exp > now
        {
            return Ok(caller.clone());
        }
        let header = decode_header(token).map_err(|_| unauthorized("Jeton illisible.", "Unreadable token."))?;
        if header.alg != self.algorithm {
            return Err(unauthorized("Algorithme de signature refusé.", "Signature algorithm refused."));
        }
        let key = match (&header.kid, self.keys.len()) {
            (Some(kid), _) if self.keys.contains_key(&Some(kid.clone())) => &self.keys[&Some(kid.clone())],
            // Without a `kid`, the only key; a `kid` that names no configured key is refused even then.
            (None, 1) => self.keys.values().next().ok_or_else(|| unauthorized("Clé inconnue.", "Unknown key."))?,
            _ => return Err(unauthorized("Clé de signature inconnue (kid).", "Unknown signing key (kid).")),
        };
        let data = decode::<Claims>(token, key, &self.validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => unauthorized("Le jeton a expiré.", "The token has expired."),
                ErrorKind::InvalidAudience => unauthorized("Audience du jeton refusée.", "Token audience refused."),
                ErrorKind::InvalidIssuer => unauthorized("Émetteur du jeton refusé.", "Token issuer refused."),
                ErrorKind::ImmatureSignature => {
                    unauthorized("Le jeton n'est pas encore valable.", "The token is not valid yet.")
                }
                ErrorKind::InvalidSignature => unauthorized("Signature invalide.", "Invalid signature."),
                ErrorKind::MissingRequiredClaim(_) | ErrorKind::Json(_) | ErrorKind::InvalidClaimFormat(_) => {
                    unauthorized("Revendications du jeton invalides ou manquantes.", "Token claims invalid or missing.")
                }
                _ => unauthorized("Jeton invalide.", "Invalid token."),
            }
        })?;
        let claims = data.claims;
        let organisation = Organisation::parse(&claims.org)
            .ok_or_else(|| unauthorized("Organisation du jeton inconnue.", "Unknown token organisation."))?;
        if claims.sub.trim().is_empty() {
            return Err(unauthorized("Sujet du jeton vide.", "Empty token subject."));
        }
        let caller = Caller { subject: claims.sub, organisation, roles: claims.roles };
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_LIMIT {
                cache.retain(|_, (_, exp)| *exp > now);
                if cache.len() >= CACHE_LIMIT {
                    cache.clear();
                }
            }
            cache.insert(fingerprint, (caller.clone(), claims.exp));
        }
        Ok(caller)
    }
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &actix_web::http::header::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

/// Seconds since the epoch.
pub fn epoch_seconds() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The verifier is registered on its own (see `app::build_app`), so that this module does not
        // depend on the application state that holds it.
        let Some(verifier) = req.app_data::<web::Data<Verifier>>() else {
            return ready(Err(ApiError::Internal("token verifier missing".into())));
        };
        let token = bearer_token(req.headers());
        // The service's clock (moved in tests and the sandbox) says which commune codes are in force.
        // Registered on its own like the verifier (see `app::build_app`).
        let today = req
            .app_data::<web::Data<crate::clock::Clock>>()
            .map(|clock| clock.today())
            .unwrap_or_else(|| crate::clock::Clock::system().today());
        ready(match token {
            Some(token) if !token.is_empty() => verifier.verify(token, epoch_seconds()).and_then(|caller| {
                organisation_in_force(&caller.organisation, today).map_err(ApiError::Forbidden)?;
                Ok(caller)
            }),
            _ => Err(unauthorized(
                "En-tête Authorization: Bearer <jeton> manquant.",
                "Missing Authorization: Bearer <token> header.",
            )),
        })
    }
}

/// A commune or CPAS organisation must name a commune in force on `today` (rule 8.2): after a merger the
/// old code's tokens stop working, and the message names the code to ask a token for.
pub fn organisation_in_force(organisation: &Organisation, today: chrono::NaiveDate) -> Result<(), Text> {
    use parcours_domain::reference::{CodeStatus, bundled_shared};
    let (Organisation::Commune(nis) | Organisation::Cpas(nis)) = organisation else { return Ok(()) };
    match bundled_shared().code_status(*nis, today) {
        CodeStatus::InForce => Ok(()),
        CodeStatus::Replaced(change) => {
            let new = bundled_shared().code_in_force(change.new, today);
            Err(Text::new(
                format!(
                    "Le code INS {nis} n'est plus en vigueur depuis le {}, remplacé par {new} ({}) : utilisez un \
                     jeton pour {new}.",
                    change.on, change.new_name_fr
                ),
                format!(
                    "NIS code {nis} is no longer in force since {}, replaced by {new} ({}): use a token for {new}.",
                    change.on, change.new_name_fr
                ),
            ))
        }
        CodeStatus::NotInForce | CodeStatus::Unknown => Err(Text::new(
            format!("Le code INS {nis} ne désigne aucune commune en vigueur aujourd'hui."),
            format!("NIS code {nis} names no commune in force today."),
        )),
    }
}

/// Mints a token with the configured signing key (`parcours token`): local use and service accounts.
pub fn mint(
    config: &Config,
    subject: &str,
    organisation: &str,
    roles: &[String],
    ttl_seconds: u64,
) -> Result<String, String> {
    let Some(parsed) = Organisation::parse(organisation) else {
        return Err(format!(
            "unknown organisation `{organisation}`: use commune:<NIS>, cri:<CODE>, operator:<id>, region:SPW, cpas:<NIS> or ili:<enterprise number>"
        ));
    };
    let today = crate::clock::Clock::system().today();
    organisation_in_force(&parsed, today).map_err(|text| text.en.to_string())?;
    if let Some(role) = roles.iter().find(|r| !roles::ALL.contains(&r.as_str())) {
        return Err(format!("unknown role `{role}`: use one of {}", roles::ALL.join(", ")));
    }
    let now = epoch_seconds();
    let claims = Claims {
        sub: subject.to_owned(),
        iss: config.jwt_issuer.clone(),
        aud: config.jwt_audience.clone(),
        exp: now + ttl_seconds,
        nbf: Some(now),
        iat: Some(now),
        org: organisation.to_owned(),
        roles: roles.to_vec(),
    };
    let mut header = Header::new(config.jwt_algorithm);
    let key = match &config.keys {
        KeyConfig::Hmac { secret } => EncodingKey::from_secret(secret.as_bytes()),
        KeyConfig::Asymmetric { signing_key: Some((kid, pem)), .. } => {
            header.kid = Some(kid.clone());
            match config.jwt_algorithm {
                Algorithm::RS256 => EncodingKey::from_rsa_pem(pem.as_bytes()),
                Algorithm::ES256 => EncodingKey::from_ec_pem(pem.as_bytes()),
                _ => EncodingKey::from_ed_pem(pem.as_bytes()),
            }
            .map_err(|e| format!("signing key: {e}"))?
        }
        KeyConfig::Asymmetric { signing_key: None, .. } => {
            return Err("set PARCOURS_JWT_SIGNING_KEY=kid=private.pem to mint tokens".into());
        }
    };
    encode(&header, &claims, &key).map_err(|e| e.to_string())
}

/// Who may call an endpoint, checked from the token alone. Extractors implementing it are resolved before
/// the body is read: a wrong role answers 403 even when the body would not parse, so that nothing about the
/// body is revealed to callers who may not send it.
pub trait Authorize: Sized {
    /// Accepts or refuses the authenticated caller.
    fn authorize(caller: Caller) -> Result<Self, ApiError>;
}

/// Implements `FromRequest` for role extractors: authenticate, then [`Authorize::authorize`].
macro_rules! authorized_extractors {
    ($($extractor:ty),* $(,)?) => {
        $(
            impl FromRequest for $extractor {
                type Error = ApiError;
                type Future = Ready<Result<$extractor, ApiError>>;

                fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                    let mut none = Payload::None;
                    ready(Caller::from_request(req, &mut none).into_inner().and_then(<$extractor>::authorize))
                }
            }
        )*
    };
}

authorized_extractors!(
    CommuneAgent,
    CriAgent,
    OperatorAgent,
    RegionAdmin,
    RegionOrCri,
    OperatorOrCri,
    CommuneOrCri,
    Agent,
    CatalogueReader,
    FeedSubscriber,
    SanctionsOfficer,
    ProcedureReader,
    PersonalDataReader,
    PersonReaderAgent,
    PrivacyOfficer,
    StatisticsReader,
    IliAgent,
    ProjectParticipant,
);

fn forbidden(fr: &str, en: &str) -> ApiError {
    ApiError::Forbidden(Text::new(fr, en))
}

/// A commune agent and its commune.
#[derive(Debug, Clone)]
pub struct CommuneAgent {
    /// The caller.
    pub caller: Caller,
    /// The commune.
    pub commune: NisCode,
}

impl Authorize for CommuneAgent {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::COMMUNE_AGENT)?;
        match caller.organisation {
            Organisation::Commune(commune) => Ok(CommuneAgent { commune, caller }),
            _ => Err(forbidden("Réservé aux communes.", "Reserved to communes.")),
        }
    }
}

/// A CRI agent and its CRI.
#[derive(Debug, Clone)]
pub struct CriAgent {
    /// The caller.
    pub caller: Caller,
    /// The CRI.
    pub cri: CriCode,
}

impl Authorize for CriAgent {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::CRI_AGENT)?;
        match caller.organisation {
            Organisation::Cri(cri) => Ok(CriAgent { cri, caller }),
            _ => Err(forbidden("Réservé aux CRI.", "Reserved to CRIs.")),
        }
    }
}

/// An operator agent and its operator id.
#[derive(Debug, Clone)]
pub struct OperatorAgent {
    /// The caller.
    pub caller: Caller,
    /// The operator.
    pub operator: String,
}

impl Authorize for OperatorAgent {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::OPERATOR_AGENT)?;
        match &caller.organisation {
            Organisation::Operator(id) => Ok(OperatorAgent { operator: id.clone(), caller }),
            _ => Err(forbidden("Réservé aux opérateurs de formation.", "Reserved to training operators.")),
        }
    }
}

/// A Region administrator.
#[derive(Debug, Clone)]
pub struct RegionAdmin {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for RegionAdmin {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::REGION_ADMIN)?;
        match caller.organisation {
            Organisation::Region(_) => Ok(RegionAdmin { caller }),
            _ => Err(forbidden("Réservé à la Région.", "Reserved to the Region.")),
        }
    }
}

/// The Region's administrator or CRI staff (who may register operators).
#[derive(Debug, Clone)]
pub struct RegionOrCri {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for RegionOrCri {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        match caller.organisation {
            Organisation::Region(_) => caller.require_role(roles::REGION_ADMIN)?,
            Organisation::Cri(_) => caller.require_role(roles::CRI_AGENT)?,
            _ => return Err(forbidden("Réservé à la Région et aux CRI.", "Reserved to the Region and the CRIs.")),
        }
        Ok(RegionOrCri { caller })
    }
}

/// A commune or CRI agent (who may update a person's identity: the commune of the current domicile or the
/// competent CRI).
#[derive(Debug, Clone)]
pub struct CommuneOrCri {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for CommuneOrCri {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        match caller.organisation {
            Organisation::Commune(_) => caller.require_role(roles::COMMUNE_AGENT)?,
            Organisation::Cri(_) => caller.require_role(roles::CRI_AGENT)?,
            _ => return Err(forbidden("Réservé aux communes et aux CRI.", "Reserved to communes and CRIs.")),
        }
        Ok(CommuneOrCri { caller })
    }
}

/// An operator or CRI agent (who may ask about participants).
#[derive(Debug, Clone)]
pub struct OperatorOrCri {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for OperatorOrCri {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        match caller.organisation {
            Organisation::Operator(_) => caller.require_role(roles::OPERATOR_AGENT)?,
            Organisation::Cri(_) => caller.require_role(roles::CRI_AGENT)?,
            _ => return Err(forbidden("Réservé aux opérateurs et aux CRI.", "Reserved to operators and CRIs.")),
        }
        Ok(OperatorOrCri { caller })
    }
}

/// The role each kind of organisation acts with.
fn require_own_role(caller: &Caller) -> Result<(), ApiError> {
    caller.require_role(match caller.organisation {
        Organisation::Commune(_) => roles::COMMUNE_AGENT,
        Organisation::Cri(_) => roles::CRI_AGENT,
        Organisation::Operator(_) => roles::OPERATOR_AGENT,
        Organisation::Region(_) => roles::REGION_ADMIN,
        Organisation::Cpas(_) => roles::CPAS_AGENT,
        Organisation::Ili(_) => roles::ILI_AGENT,
    })
}

/// Any organisation's agent, with the role of its kind (stateless tools such as the simulation).
#[derive(Debug, Clone)]
pub struct Agent {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for Agent {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        require_own_role(&caller)?;
        Ok(Agent { caller })
    }
}

/// Who reads the course catalogue and operator records: CRI staff and the Region (everything), an
/// operator's agent (its own); communes have no access.
#[derive(Debug, Clone)]
pub struct CatalogueReader {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for CatalogueReader {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        if let Organisation::Commune(_) | Organisation::Cpas(_) = caller.organisation {
            return Err(forbidden(
                "Réservé aux CRI, à la Région et aux opérateurs.",
                "Reserved to CRIs, the Region and operators.",
            ));
        }
        require_own_role(&caller)?;
        Ok(CatalogueReader { caller })
    }
}

/// Who reads the event feed (and subscribes to it by webhooks): CRI staff (the steps of their cases), commune
/// and CPAS agents (the notices about their residents), the Region's sanctioning officials (the steps of the
/// sanction files).
#[derive(Debug, Clone)]
pub struct FeedSubscriber {
    /// The caller.
    pub caller: Caller,
    /// What of the feed it reads.
    pub reader: parcours_store::feed::FeedReader,
}

impl Authorize for FeedSubscriber {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        use parcours_store::feed::FeedReader;
        let reader = match &caller.organisation {
            Organisation::Cri(cri) if require_own_role(&caller).is_ok() => FeedReader::Cri(cri.code().to_owned()),
            Organisation::Commune(nis) if require_own_role(&caller).is_ok() => FeedReader::Commune(nis.to_string()),
            Organisation::Cpas(nis) if require_own_role(&caller).is_ok() => FeedReader::Cpas(nis.to_string()),
            Organisation::Region(_) if caller.require_role(roles::SANCTIONS_OFFICER).is_ok() => FeedReader::Sanctions,
            _ => {
                return Err(forbidden(
                    "Le flux d'événements est réservé aux CRI, aux communes, aux CPAS et aux fonctionnaires sanctionnateurs.",
                    "The event feed is reserved to CRIs, communes, CPAS and sanctioning officials.",
                ));
            }
        };
        Ok(FeedSubscriber { caller, reader })
    }
}

/// Who reads a person's current identity by id: an agent of a commune, a CPAS or a CRI with the role of its
/// kind (the store bounds which persons each may see).
#[derive(Debug, Clone)]
pub struct PersonReaderAgent {
    /// The caller.
    pub caller: Caller,
    /// The scope, from the caller's organisation.
    pub reader: parcours_store::persons::PersonReader,
}

impl Authorize for PersonReaderAgent {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        use parcours_store::persons::PersonReader;
        let reader = match &caller.organisation {
            Organisation::Commune(nis) => PersonReader::Commune(nis.to_string()),
            Organisation::Cpas(nis) => PersonReader::Cpas(nis.to_string()),
            Organisation::Cri(cri) => PersonReader::Cri(cri.code().to_owned()),
            _ => {
                return Err(forbidden(
                    "Réservé aux communes, aux CPAS et aux CRI.",
                    "Reserved to communes, CPAS and CRIs.",
                ));
            }
        };
        require_own_role(&caller)?;
        Ok(PersonReaderAgent { caller, reader })
    }
}

/// A sanctioning official of the Region (`region:SPW`, role `sanctions_officer`).
#[derive(Debug, Clone)]
pub struct SanctionsOfficer {
    /// The caller.
    pub caller: Caller,
}

impl Authorize for SanctionsOfficer {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::SANCTIONS_OFFICER)?;
        match caller.organisation {
            Organisation::Region(_) => Ok(SanctionsOfficer { caller }),
            _ => Err(forbidden(
                "Réservé aux fonctionnaires sanctionnateurs de la Région.",
                "Reserved to the Region's sanctioning officials.",
            )),
        }
    }
}

/// A data protection officer (role `privacy_officer`): of the Region (every person, erasure batches) or of
/// a CRI (the persons it is competent for).
#[derive(Debug, Clone)]
pub struct PrivacyOfficer {
    /// The caller.
    pub caller: Caller,
    /// The CRI, for a CRI's officer; `None` for the Region's.
    pub cri: Option<CriCode>,
}

impl Authorize for PrivacyOfficer {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::PRIVACY_OFFICER)?;
        match caller.organisation.clone() {
            Organisation::Region(_) => Ok(PrivacyOfficer { caller, cri: None }),
            Organisation::Cri(cri) => Ok(PrivacyOfficer { caller, cri: Some(cri) }),
            _ => Err(forbidden(
                "Réservé aux délégués à la protection des données de la Région et des CRI.",
                "Reserved to the data protection officers of the Region and the CRIs.",
            )),
        }
    }
}

/// Who may read a person's access report: the data protection officer (of the Region: every person; of a
/// CRI: the persons it is competent for), or CRI staff of a CRI competent for the person. Only the officer
/// sees which staff member acted.
#[derive(Debug, Clone)]
pub enum PersonalDataReader {
    /// A data protection officer; the CRI when it is a CRI's.
    PrivacyOfficer(Caller, Option<CriCode>),
    /// CRI staff.
    Cri(Caller, CriCode),
}

impl PersonalDataReader {
    /// The caller.
    pub fn caller(&self) -> &Caller {
        match self {
            PersonalDataReader::PrivacyOfficer(caller, _) | PersonalDataReader::Cri(caller, _) => caller,
        }
    }

    /// The CRI the reader is limited to, `None` for the Region's officer.
    pub fn cri(&self) -> Option<&CriCode> {
        match self {
            PersonalDataReader::PrivacyOfficer(_, cri) => cri.as_ref(),
            PersonalDataReader::Cri(_, cri) => Some(cri),
        }
    }

    /// Whether the reader may see who, among staff, acted.
    pub fn sees_staff(&self) -> bool {
        matches!(self, PersonalDataReader::PrivacyOfficer(..))
    }
}

impl Authorize for PersonalDataReader {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        let officer = caller.require_role(roles::PRIVACY_OFFICER).is_ok();
        match caller.organisation.clone() {
            Organisation::Region(_) if officer => Ok(PersonalDataReader::PrivacyOfficer(caller, None)),
            Organisation::Cri(cri) if officer => Ok(PersonalDataReader::PrivacyOfficer(caller, Some(cri))),
            Organisation::Cri(cri) if caller.require_role(roles::CRI_AGENT).is_ok() => {
                Ok(PersonalDataReader::Cri(caller, cri))
            }
            _ => Err(forbidden(
                "Réservé au délégué à la protection des données et au CRI compétent pour la personne.",
                "Reserved to the data protection officer and the CRI competent for the person.",
            )),
        }
    }
}

/// Who may read a sanction procedure: a sanctioning official (every one), or CRI staff (those of the
/// cases their CRI holds; another CRI's is not found).
#[derive(Debug, Clone)]
pub enum ProcedureReader {
    /// A sanctioning official.
    Officer(Caller),
    /// CRI staff.
    Cri(Caller, CriCode),
}

impl ProcedureReader {
    /// The caller.
    pub fn caller(&self) -> &Caller {
        match self {
            ProcedureReader::Officer(caller) | ProcedureReader::Cri(caller, _) => caller,
        }
    }
}

impl Authorize for ProcedureReader {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        match caller.organisation.clone() {
            Organisation::Region(_) if caller.require_role(roles::SANCTIONS_OFFICER).is_ok() => {
                Ok(ProcedureReader::Officer(caller))
            }
            Organisation::Cri(cri) if caller.require_role(roles::CRI_AGENT).is_ok() => {
                Ok(ProcedureReader::Cri(caller, cri))
            }
            // A commune or an operator learns of a procedure only through the events meant for it: for
            // them the procedure does not exist.
            Organisation::Commune(_) | Organisation::Operator(_) | Organisation::Cpas(_) => Err(ApiError::NotFound),
            _ => Err(forbidden(
                "Réservé aux fonctionnaires sanctionnateurs et au CRI du dossier.",
                "Reserved to the sanctioning officials and the case's CRI.",
            )),
        }
    }
}

/// Whose territory a statistics reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsScope {
    /// The Region: Wallonia.
    Region,
    /// A CRI: its territory.
    Cri(CriCode),
    /// A commune: itself.
    Commune(NisCode),
}

/// Who reads the published statistics: the Region's administrator (Wallonia), CRI staff (their
/// territory), commune agents (their commune). Everyone reads the same suppressed release.
#[derive(Debug, Clone)]
pub struct StatisticsReader {
    /// The caller.
    pub caller: Caller,
    /// Their territory.
    pub scope: StatisticsScope,
}

impl Authorize for StatisticsReader {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        let scope = match caller.organisation {
            Organisation::Region(_) => StatisticsScope::Region,
            Organisation::Cri(cri) => StatisticsScope::Cri(cri),
            Organisation::Commune(nis) => StatisticsScope::Commune(nis),
            _ => {
                return Err(forbidden(
                    "Réservé à la Région, aux CRI et aux communes.",
                    "Reserved to the Region, the CRIs and the communes.",
                ));
            }
        };
        require_own_role(&caller)?;
        Ok(StatisticsReader { caller, scope })
    }
}

/// A local integration initiative's agent and its enterprise number (printed form).
#[derive(Debug, Clone)]
pub struct IliAgent {
    /// The caller.
    pub caller: Caller,
    /// The ILI's enterprise number.
    pub enterprise_number: String,
}

impl Authorize for IliAgent {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        caller.require_role(roles::ILI_AGENT)?;
        match &caller.organisation {
            Organisation::Ili(number) => Ok(IliAgent { enterprise_number: number.clone(), caller }),
            _ => Err(forbidden(
                "Réservé aux initiatives locales d'intégration.",
                "Reserved to local integration initiatives.",
            )),
        }
    }
}

/// Who takes part in the local integration work, and in what capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Participant {
    /// The Region: every call, project, plan and training count.
    Region,
    /// A CRI: what is in its territory.
    Cri(CriCode),
    /// An ILI: its own applications and projects.
    Initiative(String),
    /// A commune: the projects and plans that cover it, without budgets.
    Commune(NisCode),
}

/// A reader of calls, projects and plans: a Region admin, CRI staff, an ILI agent or a commune agent.
#[derive(Debug, Clone)]
pub struct ProjectParticipant {
    /// The caller.
    pub caller: Caller,
    /// In what capacity.
    pub participant: Participant,
}

impl Authorize for ProjectParticipant {
    fn authorize(caller: Caller) -> Result<Self, ApiError> {
        let participant = match &caller.organisation {
            Organisation::Region(_) => {
                caller.require_role(roles::REGION_ADMIN)?;
                Participant::Region
            }
            Organisation::Cri(cri) => {
                caller.require_role(roles::CRI_AGENT)?;
                Participant::Cri(*cri)
            }
            Organisation::Ili(number) => {
                caller.require_role(roles::ILI_AGENT)?;
                Participant::Initiative(number.clone())
            }
            Organisation::Commune(nis) => {
                caller.require_role(roles::COMMUNE_AGENT)?;
                Participant::Commune(*nis)
            }
            _ => {
                return Err(forbidden(
                    "Réservé à la Région, aux CRI, aux ILI et aux communes.",
                    "Reserved to the Region, the CRIs, the ILIs and the communes.",
                ));
            }
        };
        Ok(ProjectParticipant { caller, participant })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_organisation_form_of_the_contract_parses_and_prints_the_same_kind() {
        let examples = ["commune:62063", "cri:CRIPEL", "operator:op-1", "region:SPW", "cpas:62063", "ili:0123.456.749"];
        for (form, example) in ORGANISATION_FORMS.iter().zip(examples) {
            let parsed = Organisation::parse(example).expect(example);
            assert_eq!(form.split(':').next(), example.split(':').next());
            assert_eq!(parsed.to_string(), example);
        }
    }
}
