//! RFC 9457 `application/problem+json` for every error: a stable machine `code`, a French `title` and
//! `detail` (English with `Accept-Language: en`), per-field `errors` for validation, and never internal
//! text in 5xx bodies (the full chain goes to the log, with the request id).

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use parcours_domain::FactsError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The language of human texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// French (default).
    Fr,
    /// English.
    En,
}

impl Lang {
    /// French unless the client prefers English (`Accept-Language: en`, `en-GB`, `en;q=0.9, fr;q=0.5`...).
    pub fn from_request(req: &HttpRequest) -> Lang {
        Lang::from_header(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
    }

    /// Parses an `Accept-Language` value: the first of `fr`/`en` by quality wins.
    pub fn from_header(value: Option<&str>) -> Lang {
        let Some(value) = value else { return Lang::Fr };
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality =
                pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else if tag == "fr" || tag.starts_with("fr-") {
                Lang::Fr
            } else {
                continue;
            };
            if best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::Fr, |(_, lang)| lang)
    }
}

/// A text in French and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Both languages.
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Text {
        Text { fr: fr.into(), en: en.into() }
    }

    fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON field name (or `body`, a query or path parameter name, or a header name).
    pub field: String,
    /// Stable code (`invalid_niss`, `required`, `unknown_commune`...).
    pub code: String,
    /// Message.
    pub message: Text,
}

impl FieldError {
    /// A field error.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        fr: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        FieldError { field: field.into(), code: code.into(), message: Text::new(fr, en) }
    }
}

/// A field error as sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemFieldError {
    /// The field (JSON name, parameter or header).
    #[schema(example = "niss")]
    pub field: String,
    /// Stable code.
    #[schema(example = "invalid_niss")]
    pub code: String,
    /// What is wrong.
    #[schema(example = "Les chiffres de contrôle ne correspondent pas.")]
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:parcours:problem:validation_failed",
    "title": "Données invalides",
    "status": 422,
    "detail": "Un ou plusieurs champs sont invalides.",
    "code": "validation_failed",
    "instance": "/v1/arrivals",
    "request_id": "0193a8f2-6d1c-7c3e-9a55-3f0e2b7d9c11",
    "errors": [{"field": "niss", "code": "invalid_niss", "message": "Les chiffres de contrôle ne correspondent pas."}]
}))]
pub struct Problem {
    /// `urn:parcours:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary (French by default).
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Explanation for this occurrence.
    pub detail: String,
    /// Stable machine code.
    pub code: String,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id, as logged: quote it to the Parcours operators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemFieldError>,
    /// Extra members (for example the current version on a precondition failure).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Every error the API returns.
#[derive(Debug)]
pub enum ApiError {
    /// No, malformed, expired or otherwise invalid bearer token.
    Unauthorized(Text),
    /// Authenticated, but the role or organisation kind does not allow the action.
    Forbidden(Text),
    /// Unknown resource, or one outside the caller's scope (never 403, to leak nothing).
    NotFound,
    /// No such route.
    RouteNotFound,
    /// The route exists with other methods.
    MethodNotAllowed(String),
    /// The body is not JSON.
    MalformedJson(String),
    /// Wrong `Content-Type`.
    UnsupportedMediaType(String),
    /// Body over the limit.
    PayloadTooLarge(usize),
    /// Invalid fields, parameters or headers.
    Validation(Vec<FieldError>),
    /// A path or query parameter cannot be parsed.
    BadParameter(Vec<FieldError>),
    /// Writes require `Idempotency-Key`.
    IdempotencyKeyRequired,
    /// The key was used with another body.
    IdempotencyKeyReused,
    /// The same key is being processed by a concurrent request.
    IdempotencyKeyInProgress,
    /// The facts contradict each other or the reference data.
    Facts(FactsError),
    /// A rule or state forbids the change.
    Conflict(&'static str, Text),
    /// The case rules refused a command.
    Case(parcours_domain::case::CaseError),
    /// `If-Match` names an older version.
    PreconditionFailed(i32),
    /// A change without `If-Match`.
    PreconditionRequired,
    /// An all-or-nothing attendance batch with bad lines: nothing was written.
    AttendanceRejected(Vec<FieldError>),
    /// A uniqueness rule of the data was broken by a concurrent or repeated write.
    Duplicate(parcours_store::UniqueRule),
    /// The database is busy with other writes: nothing was written, retry shortly.
    Busy(String),
    /// The case does not (yet) earn an attestation.
    NotEligible(parcours_domain::attestation::NotEligible),
    /// Too many requests from this client address (public endpoints); retry after the seconds given.
    TooManyRequests(u32),
    /// The database is unavailable.
    Unavailable(String),
    /// A defect: logged with its chain, never shown.
    Internal(String),
}

impl fmt::Display for ApiError {
    // Log text: codes and internal details, never request data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Internal(detail) => write!(f, "internal error: {detail}"),
            ApiError::Unavailable(detail) => write!(f, "unavailable: {detail}"),
            other => f.write_str(other.code()),
        }
    }
}

impl From<parcours_store::StoreError> for ApiError {
    fn from(error: parcours_store::StoreError) -> Self {
        use parcours_store::StoreError;
        match error {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Unavailable(m) => ApiError::Unavailable(m),
            StoreError::Busy(m) => ApiError::Busy(m),
            StoreError::StaleVersion { current_version } => ApiError::PreconditionFailed(current_version),
            StoreError::Duplicate(parcours_store::UniqueRule::IdempotencyKey) => ApiError::IdempotencyKeyInProgress,
            StoreError::Duplicate(rule) => ApiError::Duplicate(rule),
            error @ (StoreError::Configuration(_)
            | StoreError::Migration(_)
            | StoreError::Corrupt(_)
            | StoreError::Database(_)) => ApiError::Internal(error.to_string()),
        }
    }
}

/// The welcome office's refusals: a conflict with what is booked (409), or bad input (422 on its field).
impl From<parcours_domain::welcome_office::WelcomeOfficeError> for ApiError {
    fn from(error: parcours_domain::welcome_office::WelcomeOfficeError) -> Self {
        let message = error.message();
        if error.is_conflict() {
            ApiError::Conflict(error.code(), Text::new(message.fr, message.en))
        } else {
            ApiError::Validation(vec![FieldError::new(error.field(), error.code(), message.fr, message.en)])
        }
    }
}

/// A domain refusal as an answer: 409 when it conflicts with the current state, 422 on its field otherwise.
pub fn refused(error: impl parcours_domain::law::Refusal) -> ApiError {
    let message = error.message();
    if error.is_conflict() {
        ApiError::Conflict(error.code(), Text::new(message.fr, message.en))
    } else {
        ApiError::Validation(vec![FieldError::new(error.field(), error.code(), message.fr, message.en)])
    }
}

/// The refusals of the ILI projects.
impl From<parcours_domain::local_integration::ProjectError> for ApiError {
    fn from(error: parcours_domain::local_integration::ProjectError) -> Self {
        refused(error)
    }
}

/// The refusals of practitioner training.
impl From<parcours_domain::practitioner_training::TrainingError> for ApiError {
    fn from(error: parcours_domain::practitioner_training::TrainingError) -> Self {
        refused(error)
    }
}

/// The refusals of local coordination.
impl From<parcours_domain::local_coordination::CoordinationError> for ApiError {
    fn from(error: parcours_domain::local_coordination::CoordinationError) -> Self {
        refused(error)
    }
}

impl From<parcours_domain::intake::IntakeError> for ApiError {
    fn from(error: parcours_domain::intake::IntakeError) -> Self {
        use parcours_domain::intake::IntakeError;
        match error {
            IntakeError::Transfer(error) => ApiError::Case(error),
            IntakeError::NoRegimeInForce { on } => ApiError::Conflict(
                "no_regime_in_force",
                Text::new(
                    format!("Aucun régime du parcours n'était en vigueur le {on} : aucun dossier ne peut s'ouvrir."),
                    format!("No pathway regime was in force on {on}: no case can open."),
                ),
            ),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(format!("blocking task failed: {error}"))
    }
}

fn facts_field_error(error: &FactsError) -> FieldError {
    let field_fr = |f: &str| match f {
        "birth_date" => "la date de naissance",
        "title_order_date" => "la date de commande du titre de séjour",
        "first_registration_date" => "la date de première inscription",
        "legal_stay_start" => "le début du séjour légal",
        _ => "la date",
    };
    match error {
        FactsError::FutureDate { field } => FieldError::new(
            *field,
            "date_in_future",
            format!("{} est postérieure à la date d'évaluation.", capitalise(field_fr(field))),
            format!("{field} is after the evaluation date."),
        ),
        FactsError::BeforeBirth { field } => FieldError::new(
            *field,
            "before_birth",
            format!("{} précède la date de naissance.", capitalise(field_fr(field))),
            format!("{field} is before the birth date."),
        ),
        FactsError::Missing { field } => FieldError::new(
            *field,
            "required",
            format!("{} est nécessaire pour décider.", capitalise(field_fr(field))),
            format!("{field} is required to decide."),
        ),
        FactsError::UnknownCommune { nis } => FieldError::new(
            "domicile_nis",
            "unknown_commune",
            format!("Aucune commune belge n'a le code INS {nis}."),
            format!("No Belgian commune has NIS code {nis}."),
        ),
        FactsError::CommuneNotInForce { nis, on, valid_from, valid_to, replaced_by: Some(r) } => FieldError::new(
            "domicile_nis",
            "commune_not_in_force",
            format!(
                "Le code INS {nis} n'est plus en vigueur depuis le {}, remplacé par {} ({}) ; il ne désigne pas \
                 le domicile au {on} (valable du {valid_from} au {valid_to}).",
                r.since, r.code, r.name_fr
            ),
            format!(
                "NIS code {nis} is no longer in force since {}, replaced by {} ({}); it does not designate the \
                 domicile on {on} (valid {valid_from} to {valid_to}).",
                r.since, r.code, r.name_fr
            ),
        ),
        FactsError::CommuneNotInForce { nis, on, valid_from, valid_to, replaced_by: None } => FieldError::new(
            "domicile_nis",
            "commune_not_in_force",
            format!("Le code INS {nis} n'était pas en vigueur le {on} (valable du {valid_from} au {valid_to})."),
            format!("NIS code {nis} was not in force on {on} (valid {valid_from} to {valid_to})."),
        ),
        FactsError::LegalStayAfterTitleOrder => FieldError::new(
            "legal_stay_start",
            "legal_stay_after_title_order",
            "Le séjour légal ne peut pas commencer après la commande du titre de séjour de plus de trois mois.",
            "Legal stay cannot start after the order of the residence title of more than three months.",
        ),
        FactsError::DuplicateDispensation { code } => FieldError::new(
            "claimed_dispensations",
            "duplicate_dispensation",
            format!("La dispense {code} est mentionnée deux fois."),
            format!("Dispensation {code} is listed twice."),
        ),
        FactsError::DateOutOfRange => FieldError::new(
            "body",
            "date_out_of_range",
            "Une échéance sort du calendrier.",
            "A deadline falls outside the calendar.",
        ),
    }
}

fn duplicate_code(rule: &parcours_store::UniqueRule) -> &'static str {
    use parcours_store::UniqueRule as R;
    match rule {
        R::PersonNiss => "duplicate_person",
        R::OneOpenCasePerPerson => "case_already_open",
        R::OperatorEnterpriseNumber => "operator_already_registered",
        R::EnrolmentPerCourseAndCase => "already_enrolled",
        R::CurrentAttendanceLine => "attendance_line_in_progress",
        R::IdempotencyKey => "idempotency_key_in_progress",
        R::OneValidAttestationPerCase => "attestation_already_issued",
        R::AppointmentPerSlot => "slot_taken",
        R::SlotPerStaffAndStart => "staff_already_booked",
        R::SessionEnrolmentPerCase => "already_enrolled",
        R::LocalInitiativeEnterpriseNumber => "local_initiative_already_registered",
        R::TrainingRegistrationPerEmail => "already_registered",
        R::TrainingThemePerCri => "theme_exists",
        R::CaseReference | R::JobKind | R::FeedPosition | R::ProjectFeedPosition | R::Other(_) => "duplicate",
    }
}

fn duplicate_text(rule: &parcours_store::UniqueRule) -> Text {
    use parcours_store::UniqueRule as R;
    match rule {
        R::PersonNiss => Text::new(
            "Une autre requête a enregistré cette personne au même moment : relisez-la, puis réessayez.",
            "Another request recorded this person at the same time: read it again, then retry.",
        ),
        R::OneOpenCasePerPerson => Text::new(
            "Cette personne a déjà un dossier ouvert (au plus un dossier ouvert par personne).",
            "This person already has an open case (at most one open case per person).",
        ),
        R::OperatorEnterpriseNumber => Text::new(
            "Un opérateur est déjà enregistré sous ce numéro d'entreprise.",
            "An operator is already registered under this enterprise number.",
        ),
        R::EnrolmentPerCourseAndCase => Text::new(
            "Ce dossier a déjà une inscription à ce cours (une seule inscription par dossier et par cours).",
            "This case already has an enrolment in this course (one enrolment per case and course).",
        ),
        R::CurrentAttendanceLine => Text::new(
            "Une autre requête enregistre la même ligne de présence au même moment : réessayez.",
            "Another request is recording the same attendance line at the same time: retry.",
        ),
        R::IdempotencyKey => Text::new(
            "Une requête avec cette clé d'idempotence est en cours : réessayez après Retry-After.",
            "A request with this idempotency key is in progress: retry after Retry-After.",
        ),
        R::OneValidAttestationPerCase => Text::new(
            "Ce dossier a déjà une attestation en vigueur : corrigez-la (supersedes) ou révoquez-la.",
            "This case already has an attestation in force: correct it (supersedes) or revoke it.",
        ),
        R::AppointmentPerSlot => Text::new(
            "Cette plage est déjà réservée (une personne par plage).",
            "This slot is already booked (one person per slot).",
        ),
        R::SlotPerStaffAndStart => Text::new(
            "Ce membre du personnel a déjà une plage à ce moment.",
            "This staff member already holds a slot at that time.",
        ),
        R::SessionEnrolmentPerCase => {
            Text::new("Ce dossier est déjà inscrit à cette séance.", "This case is already enrolled in this session.")
        }
        R::LocalInitiativeEnterpriseNumber => Text::new(
            "Une initiative locale est déjà enregistrée sous ce numéro d'entreprise.",
            "A local initiative is already registered under this enterprise number.",
        ),
        R::TrainingRegistrationPerEmail => Text::new(
            "Cette adresse e-mail est déjà inscrite à cette formation.",
            "This e-mail address is already registered for this training.",
        ),
        R::TrainingThemePerCri => {
            Text::new("Ce CRI a déjà un thème sous ce code.", "This CRI already has a theme under this code.")
        }
        R::CaseReference | R::JobKind | R::FeedPosition | R::ProjectFeedPosition | R::Other(_) => Text::new(
            "Une écriture concurrente a pris la même place : réessayez.",
            "A concurrent write took the same place: retry.",
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

impl ApiError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::RouteNotFound => "route_not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Validation(_) => "validation_failed",
            ApiError::BadParameter(_) => "invalid_parameter",
            ApiError::IdempotencyKeyRequired => "idempotency_key_required",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyKeyInProgress => "idempotency_key_in_progress",
            ApiError::Facts(_) => "inconsistent_facts",
            ApiError::Conflict(code, _) => code,
            ApiError::Case(error) => case_error_code(error),
            ApiError::PreconditionFailed(_) => "precondition_failed",
            ApiError::PreconditionRequired => "precondition_required",
            ApiError::AttendanceRejected(_) => "attendance_rejected",
            ApiError::Duplicate(rule) => duplicate_code(rule),
            ApiError::Busy(_) => "database_busy",
            ApiError::NotEligible(_) => "not_eligible_for_attestation",
            ApiError::TooManyRequests(_) => "too_many_requests",
            ApiError::Unavailable(_) => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn texts(&self) -> (Text, Text) {
        match self {
            ApiError::Unauthorized(detail) => {
                (Text::new("Authentification requise", "Authentication required"), detail.clone())
            }
            ApiError::Forbidden(detail) => (Text::new("Action non autorisée", "Action not allowed"), detail.clone()),
            ApiError::NotFound => (
                Text::new("Ressource introuvable", "Resource not found"),
                Text::new(
                    "Cette ressource n'existe pas ou n'est pas accessible à votre organisation.",
                    "This resource does not exist or is not accessible to your organisation.",
                ),
            ),
            ApiError::RouteNotFound => (
                Text::new("Route inconnue", "Unknown route"),
                Text::new(
                    "Aucune opération de l'API ne correspond à ce chemin. Voir /openapi.json.",
                    "No API operation matches this path. See /openapi.json.",
                ),
            ),
            ApiError::MethodNotAllowed(_) => (
                Text::new("Méthode non permise", "Method not allowed"),
                Text::new(
                    "Cette méthode HTTP n'est pas prévue pour ce chemin.",
                    "This HTTP method is not supported on this path.",
                ),
            ),
            ApiError::MalformedJson(detail) => (
                Text::new("JSON mal formé", "Malformed JSON"),
                Text::new(
                    format!("Le corps de la requête n'est pas un JSON valide : {detail}"),
                    format!("The request body is not valid JSON: {detail}"),
                ),
            ),
            ApiError::UnsupportedMediaType(got) => (
                Text::new("Type de contenu non pris en charge", "Unsupported content type"),
                Text::new(
                    format!("Le corps doit être envoyé en application/json (reçu : {got})."),
                    format!("The body must be sent as application/json (got: {got})."),
                ),
            ),
            ApiError::PayloadTooLarge(limit) => (
                Text::new("Requête trop volumineuse", "Payload too large"),
                Text::new(
                    format!("Le corps dépasse la limite de {limit} octets."),
                    format!("The body exceeds the limit of {limit} bytes."),
                ),
            ),
            ApiError::Validation(_) => (
                Text::new("Données invalides", "Invalid data"),
                Text::new("Un ou plusieurs champs sont invalides.", "One or more fields are invalid."),
            ),
            ApiError::BadParameter(_) => (
                Text::new("Paramètre invalide", "Invalid parameter"),
                Text::new(
                    "Un paramètre du chemin ou de la requête est invalide.",
                    "A path or query parameter is invalid.",
                ),
            ),
            ApiError::IdempotencyKeyRequired => (
                Text::new("En-tête Idempotency-Key requis", "Idempotency-Key header required"),
                Text::new(
                    "Cette écriture exige un en-tête Idempotency-Key unique (1 à 255 caractères visibles), par exemple un UUID.",
                    "This write requires a unique Idempotency-Key header (1 to 255 visible characters), for example a UUID.",
                ),
            ),
            ApiError::IdempotencyKeyReused => (
                Text::new("Clé d'idempotence déjà utilisée", "Idempotency key already used"),
                Text::new(
                    "Cette clé a déjà servi pour une requête au contenu différent. Utilisez une nouvelle clé.",
                    "This key was already used for a request with a different body. Use a new key.",
                ),
            ),
            ApiError::IdempotencyKeyInProgress => (
                Text::new("Requête en cours", "Request in progress"),
                Text::new(
                    "Une requête avec cette clé est en cours de traitement. Réessayez dans un instant.",
                    "A request with this key is being processed. Retry in a moment.",
                ),
            ),
            ApiError::Facts(_) => (
                Text::new("Faits incohérents", "Inconsistent facts"),
                Text::new(
                    "Les faits transmis sont contradictoires ou inconnus des données de référence ; rien n'a été enregistré.",
                    "The facts sent contradict each other or the reference data; nothing was recorded.",
                ),
            ),
            ApiError::Conflict(_, detail) => (Text::new("Conflit", "Conflict"), detail.clone()),
            ApiError::Case(error) => case_error_texts(error),
            ApiError::PreconditionFailed(version) => (
                Text::new("Version périmée", "Stale version"),
                Text::new(
                    format!(
                        "Le dossier a changé depuis votre lecture (version actuelle : {version}). Relisez-le puis réessayez avec If-Match: \"{version}\"."
                    ),
                    format!(
                        "The case changed since you read it (current version: {version}). Read it again, then retry with If-Match: \"{version}\"."
                    ),
                ),
            ),
            ApiError::AttendanceRejected(errors) => (
                Text::new("Lot de présences refusé", "Attendance batch refused"),
                Text::new(
                    format!(
                        "{} ligne(s) invalide(s) : rien n'a été enregistré (mode all_or_nothing). Corrigez-les, ou envoyez avec mode=accept_valid.",
                        errors.len()
                    ),
                    format!(
                        "{} invalid line(s): nothing was recorded (all_or_nothing mode). Fix them, or send with mode=accept_valid.",
                        errors.len()
                    ),
                ),
            ),
            ApiError::PreconditionRequired => (
                Text::new("En-tête If-Match requis", "If-Match header required"),
                Text::new(
                    "Toute modification d'un dossier exige l'en-tête If-Match avec l'ETag lu (par exemple \"3\").",
                    "Every change of a case requires the If-Match header with the ETag you read (for example \"3\").",
                ),
            ),
            ApiError::Duplicate(rule) => (Text::new("Doublon", "Duplicate"), duplicate_text(rule)),
            ApiError::NotEligible(reason) => {
                let message = reason.message();
                (
                    Text::new("Pas d'attestation pour ce dossier", "No attestation for this case"),
                    Text::new(message.fr.to_owned(), message.en.to_owned()),
                )
            }
            ApiError::TooManyRequests(seconds) => (
                Text::new("Trop de requêtes", "Too many requests"),
                Text::new(
                    format!("Trop de vérifications depuis cette adresse : réessayez dans {seconds} s."),
                    format!("Too many verifications from this address: retry in {seconds} s."),
                ),
            ),
            ApiError::Busy(_) => (
                Text::new("Base de données occupée", "Database busy"),
                Text::new(
                    "D'autres écritures sont en cours ; rien n'a été enregistré. Réessayez après le délai indiqué par Retry-After.",
                    "Other writes are in progress; nothing was recorded. Retry after the delay given by Retry-After.",
                ),
            ),
            ApiError::Unavailable(_) => (
                Text::new("Service indisponible", "Service unavailable"),
                Text::new(
                    "La base de données ne répond pas. Réessayez plus tard.",
                    "The database does not answer. Retry later.",
                ),
            ),
            ApiError::Internal(_) => (
                Text::new("Erreur interne", "Internal error"),
                Text::new(
                    "Une erreur inattendue s'est produite ; elle est journalisée avec l'identifiant de requête.",
                    "An unexpected error occurred; it is logged with the request id.",
                ),
            ),
        }
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            ApiError::Validation(errors) | ApiError::BadParameter(errors) | ApiError::AttendanceRejected(errors) => {
                errors.clone()
            }
            ApiError::Facts(error) => vec![facts_field_error(error)],
            ApiError::Case(error) => case_field_errors(error),
            ApiError::IdempotencyKeyRequired => vec![FieldError::new(
                "Idempotency-Key",
                "required",
                "En-tête manquant ou invalide.",
                "Header missing or invalid.",
            )],
            _ => Vec::new(),
        }
    }

    /// The problem document in `lang`.
    pub fn problem(&self, lang: Lang, instance: Option<String>, request_id: Option<String>) -> Problem {
        let (title, detail) = self.texts();
        Problem {
            problem_type: format!("urn:parcours:problem:{}", self.code()),
            title: title.get(lang).to_owned(),
            status: self.status_code().as_u16(),
            detail: detail.get(lang).to_owned(),
            code: self.code().to_owned(),
            instance,
            request_id,
            errors: self
                .field_errors()
                .into_iter()
                .map(|e| ProblemFieldError { field: e.field, code: e.code, message: e.message.get(lang).to_owned() })
                .collect(),
            extra: self.extra(),
        }
    }

    fn extra(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        use parcours_domain::case::CaseError;
        let mut map = serde_json::Map::new();
        match self {
            ApiError::Case(CaseError::IllegalTransition { state, command }) => {
                map.insert("current_state".into(), state.code().into());
                map.insert("command".into(), (*command).into());
            }
            ApiError::Case(CaseError::WelcomeIncomplete { missing }) => {
                map.insert("missing".into(), missing.iter().map(|m| serde_json::Value::from(*m)).collect());
            }
            ApiError::Case(CaseError::ExtensionBeyondCeiling { ceiling }) => {
                map.insert("ceiling".into(), ceiling.to_string().into());
            }
            ApiError::Case(CaseError::HoursNotMet { axis, needed, attended }) => {
                map.insert("axis".into(), axis.code().into());
                map.insert("needed_hours".into(), (*needed).into());
                map.insert("attended_hours".into(), (*attended).into());
            }
            ApiError::PreconditionFailed(version) => {
                map.insert("current_version".into(), (*version).into());
            }
            ApiError::NotEligible(reason) => {
                use parcours_domain::attestation::NotEligible;
                map.insert("reason".into(), reason.code().into());
                match reason {
                    NotEligible::HoursMissing(missing) => {
                        let items = missing.iter().map(|m| {
                            serde_json::json!({
                                "axis": m.axis.code(),
                                "required_hours": m.required_hours,
                                "needed_hours": parcours_domain::regime::minutes_as_hours(m.needed_minutes),
                                "attended_hours": parcours_domain::regime::minutes_as_hours(m.attended_minutes),
                            })
                        });
                        map.insert("missing".into(), items.collect());
                    }
                    NotEligible::WelcomeIncomplete(steps) => {
                        map.insert("missing".into(), steps.iter().map(|s| serde_json::Value::from(*s)).collect());
                    }
                    NotEligible::CaseClosed | NotEligible::NoConvention | NotEligible::CompletionNotRecorded => {}
                }
            }
            _ => return None,
        }
        Some(map)
    }

    /// How long a client should wait before sending the same request again, when waiting helps.
    pub fn retry_after_seconds(&self) -> Option<u32> {
        match self {
            ApiError::IdempotencyKeyInProgress | ApiError::Busy(_) => Some(1),
            ApiError::TooManyRequests(seconds) => Some(*seconds),
            ApiError::Unavailable(_) => Some(5),
            _ => None,
        }
    }

    /// The full response in `lang`.
    pub fn render(&self, lang: Lang, instance: Option<String>, request_id: Option<String>) -> HttpResponse {
        let problem = self.problem(lang, instance, request_id);
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")));
        response.insert_header((header::CONTENT_LANGUAGE, if lang == Lang::En { "en" } else { "fr" }));
        if matches!(self, ApiError::Unauthorized(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"parcours\""));
        }
        if let Some(seconds) = self.retry_after_seconds() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let ApiError::MethodNotAllowed(allowed) = self {
            response.insert_header((header::ALLOW, allowed.as_str()));
        }
        response.json(problem)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::RouteNotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::MalformedJson(_) | ApiError::BadParameter(_) | ApiError::IdempotencyKeyRequired => {
                StatusCode::BAD_REQUEST
            }
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Validation(_)
            | ApiError::IdempotencyKeyReused
            | ApiError::Facts(_)
            | ApiError::AttendanceRejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::IdempotencyKeyInProgress
            | ApiError::Conflict(..)
            | ApiError::Duplicate(_)
            | ApiError::NotEligible(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Case(error) => case_error_status(error),
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Unavailable(_) | ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    // French by default; the request middleware re-renders in English, and adds the instance and request
    // id, once it knows the request.
    fn error_response(&self) -> HttpResponse {
        self.render(Lang::Fr, None, None)
    }
}

/// Maps a JSON extractor failure to a problem (bad JSON, wrong type, missing field, size, content type).
pub fn json_error(error: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    let api = match error {
        JsonPayloadError::OverflowKnownLength { limit, .. } | JsonPayloadError::Overflow { limit } => {
            ApiError::PayloadTooLarge(limit)
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
            _req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned(),
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::Validation(vec![serde_field_error(&e)]),
        JsonPayloadError::Deserialize(e) => {
            ApiError::MalformedJson(format!("line {}, column {}", e.line(), e.column()))
        }
        other => ApiError::MalformedJson(other.to_string()),
    };
    api.into()
}

/// A serde data error (missing field, wrong type) as a field error, without echoing values.
fn serde_field_error(error: &serde_json::Error) -> FieldError {
    let message = error.to_string();
    let quoted = message.split('`').nth(1).unwrap_or("body").to_owned();
    if message.starts_with("missing field") {
        FieldError::new(
            quoted.clone(),
            "required",
            format!("Le champ {quoted} est obligatoire."),
            format!("Field {quoted} is required."),
        )
    } else if message.starts_with("unknown field") {
        FieldError::new(
            quoted.clone(),
            "unknown_field",
            format!("Le champ {quoted} n'est pas prévu."),
            format!("Field {quoted} is not expected."),
        )
    } else {
        // serde_json does not name the field for type errors: give the position instead.
        let position = format!("line {}, column {}", error.line(), error.column());
        FieldError::new(
            "body",
            "invalid_type",
            format!("Type de valeur inattendu ({position})."),
            format!("Unexpected value type ({position})."),
        )
    }
}

/// Maps a query-string extractor failure.
pub fn query_error(error: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadParameter(vec![FieldError::new(
        "query",
        "invalid_query",
        format!("Paramètres de requête invalides : {error}"),
        format!("Invalid query parameters: {error}"),
    )])
    .into()
}

/// Maps a path extractor failure.
pub fn path_error(error: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadParameter(vec![FieldError::new(
        "path",
        "invalid_path",
        format!("Paramètre de chemin invalide : {error}"),
        format!("Invalid path parameter: {error}"),
    )])
    .into()
}

fn case_error_code(error: &parcours_domain::case::CaseError) -> &'static str {
    use parcours_domain::case::CaseError as E;
    match error {
        E::IllegalTransition { .. } => "illegal_transition",
        E::WelcomeIncomplete { .. } => "welcome_incomplete",
        E::HoursNotMet { .. } => "hours_not_met",
        E::ExtensionBeyondCeiling { .. } => "extension_beyond_ceiling",
        E::ExtensionNotLater { .. } => "extension_not_later",
        E::NoDeadline => "no_deadline",
        E::DateInFuture { .. }
        | E::DateBeforeOpening { .. }
        | E::FrenchTestRequired
        | E::FrenchLevelBelowWaiver { .. }
        | E::InvalidPeriod
        | E::InvalidHours
        | E::NotVoluntary
        | E::UseDispensationDecision
        | E::SameCri => "validation_failed",
    }
}

fn case_error_status(error: &parcours_domain::case::CaseError) -> StatusCode {
    use parcours_domain::case::CaseError as E;
    match error {
        E::IllegalTransition { .. } | E::WelcomeIncomplete { .. } | E::HoursNotMet { .. } => StatusCode::CONFLICT,
        E::ExtensionBeyondCeiling { .. }
        | E::ExtensionNotLater { .. }
        | E::NoDeadline
        | E::DateInFuture { .. }
        | E::DateBeforeOpening { .. }
        | E::FrenchTestRequired
        | E::FrenchLevelBelowWaiver { .. }
        | E::InvalidPeriod
        | E::InvalidHours
        | E::NotVoluntary
        | E::UseDispensationDecision
        | E::SameCri => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn case_error_texts(error: &parcours_domain::case::CaseError) -> (Text, Text) {
    use parcours_domain::case::CaseError as E;
    match error {
        E::IllegalTransition { state, command } => (
            Text::new("Étape impossible dans l'état actuel", "Step not possible in the current state"),
            Text::new(
                format!("L'action {command} n'est pas permise quand le dossier est à l'état {state}."),
                format!("Action {command} is not allowed while the case is {state}."),
            ),
        ),
        E::WelcomeIncomplete { missing } => (
            Text::new("Module d'accueil incomplet", "Welcome module incomplete"),
            Text::new(
                format!("La convention se signe au terme du module d'accueil ; il manque : {}.", missing.join(", ")),
                format!("The convention is signed at the end of the welcome module; missing: {}.", missing.join(", ")),
            ),
        ),
        E::HoursNotMet { axis, needed, attended } => (
            Text::new("Heures insuffisantes", "Hours not met"),
            Text::new(
                format!("Axe {}: {attended} h suivies sur {needed} h nécessaires.", axis.code()),
                format!("Axis {}: {attended} h attended out of {needed} h needed.", axis.code()),
            ),
        ),
        E::ExtensionBeyondCeiling { ceiling } => (
            Text::new("Prolongation au-delà du plafond", "Extension beyond the ceiling"),
            Text::new(
                format!("Le régime du dossier ne permet pas de prolonger au-delà du {ceiling}."),
                format!("The case's regime does not allow an extension beyond {ceiling}."),
            ),
        ),
        E::ExtensionNotLater { current } => (
            Text::new("Prolongation sans effet", "Extension without effect"),
            Text::new(
                format!("La nouvelle échéance doit suivre l'échéance actuelle ({current})."),
                format!("The new deadline must come after the current one ({current})."),
            ),
        ),
        E::NoDeadline => (
            Text::new("Aucune échéance à prolonger", "No deadline to extend"),
            Text::new(
                "Un parcours volontaire n'a pas d'échéance légale.",
                "A voluntary pathway has no legal deadline.",
            ),
        ),
        E::DateInFuture { .. }
        | E::DateBeforeOpening { .. }
        | E::FrenchTestRequired
        | E::FrenchLevelBelowWaiver { .. }
        | E::InvalidPeriod
        | E::InvalidHours
        | E::NotVoluntary
        | E::UseDispensationDecision
        | E::SameCri => (
            Text::new("Données invalides", "Invalid data"),
            Text::new("Un ou plusieurs champs sont invalides.", "One or more fields are invalid."),
        ),
    }
}

fn case_field_errors(error: &parcours_domain::case::CaseError) -> Vec<FieldError> {
    use parcours_domain::case::CaseError as E;
    match error {
        E::DateInFuture { field } => {
            vec![FieldError::new(*field, "date_in_future", "La date est dans le futur.", "The date is in the future.")]
        }
        E::DateBeforeOpening { field } => vec![FieldError::new(
            *field,
            "before_case_opening",
            "La date précède l'ouverture du dossier.",
            "The date precedes the opening of the case.",
        )],
        E::InvalidPeriod => {
            vec![FieldError::new("to", "invalid_period", "La fin précède le début.", "The end precedes the start.")]
        }
        E::InvalidHours => vec![FieldError::new(
            "hours",
            "invalid_hours",
            "Heures attendues : plus de 0 et au plus 1000.",
            "Expected hours: more than 0 and at most 1000.",
        )],
        E::FrenchTestRequired => vec![FieldError::new(
            "french",
            "french_test_required",
            "Dispenser de l'axe français exige un résultat de test de positionnement.",
            "Waiving the French axis requires a placement test result.",
        )],
        E::FrenchLevelBelowWaiver { level, required } => vec![FieldError::new(
            "french",
            "french_level_below_waiver",
            format!(
                "Le test de positionnement situe la personne au niveau {level} ; l'axe français ne se dispense qu'à \
                 partir du niveau {required} (paramètre french_level_waiving_language_axis)."
            ),
            format!(
                "The placement test found level {level}; the French axis is waived only from level {required} \
                 (parameter french_level_waiving_language_axis)."
            ),
        )],
        E::NotVoluntary => vec![FieldError::new(
            "reason",
            "not_voluntary",
            "Seul un parcours volontaire peut être abandonné.",
            "Only a voluntary pathway can be withdrawn.",
        )],
        E::UseDispensationDecision => vec![FieldError::new(
            "reason",
            "use_dispensation_decision",
            "Une clôture pour dispense passe par une décision de dispense.",
            "A closure for dispensation goes through a dispensation decision.",
        )],
        E::SameCri => {
            vec![FieldError::new("to", "same_cri", "Le dossier est déjà à ce CRI.", "The case is already at this CRI.")]
        }
        // Told by the problem's detail and extra members instead.
        E::IllegalTransition { .. }
        | E::WelcomeIncomplete { .. }
        | E::ExtensionBeyondCeiling { .. }
        | E::ExtensionNotLater { .. }
        | E::NoDeadline
        | E::HoursNotMet { .. } => Vec::new(),
    }
}
