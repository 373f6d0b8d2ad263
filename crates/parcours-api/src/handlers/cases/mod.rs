//! CRI cases: the pathway from first visit to "requirements met". Every change needs `If-Match` with the
//! case's ETag (412 when stale, 428 when missing) and is written with its timeline step, its feed event and
//! its audit row in one transaction.

pub mod administrative_help;
pub mod closure;
pub mod completion;
pub mod convention;
pub mod convention_amendment;
pub mod course_offer;
pub mod cpas;
pub mod create;
pub mod dispensation_decision;
pub mod extension;
pub mod french_test;
pub mod get;
pub mod hours;
pub mod list;
pub mod list_course_offers;
pub mod presentation;
pub mod review;
pub mod rights_information;
pub mod social_assessment;
pub mod suspension;
pub mod timeline;
pub mod transfer;

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use parcours_domain::ReferenceData;
use parcours_domain::case::{Case, CaseCommand, CaseContext};
use parcours_domain::regime::{Axis, regime};
use parcours_store::DbConnection;
use parcours_store::cases::{CaseColumns, CaseView, UpdateOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CriAgent;
use crate::dto::Bilingual;
use crate::handlers::arrivals::PersonSummary;
use crate::problem::{ApiError, FieldError};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The version named by `If-Match`: the number before the `-` of the ETag read (`"3-5f0c…"`, or a bare
/// `"3"`), 428 when missing. Only the stored version is compared (see [`crate::conditional`]).
pub fn if_match(req: &HttpRequest) -> Result<i32, ApiError> {
    let value = req.headers().get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    let text = value.to_str().unwrap_or("").trim();
    let tag = text.trim_start_matches("W/").trim_matches('"');
    let version = tag.split_once('-').map_or(tag, |(version, _)| version);
    version.parse::<i32>().map_err(|_| {
        ApiError::BadParameter(vec![FieldError::new(
            "If-Match",
            "invalid_etag",
            "If-Match doit reprendre l'ETag lu, par exemple \"3-5f0c2a9e41d7b863\".",
            "If-Match must repeat the ETag you read, for example \"3-5f0c2a9e41d7b863\".",
        )])
    })
}

/// The columns a case change writes.
pub fn columns_of(case: &Case, review_interval_months: Option<u32>) -> Result<CaseColumns, ApiError> {
    Ok(CaseColumns::of(case, case.next_review_due(review_interval_months))?)
}

/// The stored columns of `case` under its regime's rules (the review interval).
pub fn case_columns(case: &Case, reference: &ReferenceData) -> Result<CaseColumns, ApiError> {
    let rules = regime(case.regime, &reference.parameters, case.opened_on);
    columns_of(case, rules.review_interval_months)
}

/// The domain aggregate of a case (decoded by the store from its versioned envelope).
pub fn aggregate(view: &CaseView) -> Result<Case, ApiError> {
    Ok(view.aggregate.clone())
}

/// A deadline now, with why it is where it is.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeadlineNow {
    /// `present_by`, `complete_by` or `latest_extension`.
    pub kind: String,
    /// The date.
    pub date: NaiveDate,
    /// Why this date.
    pub explanation: Bilingual,
}

/// Required and attended hours on one axis.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AxisProgress {
    /// `french`, `citizenship` or `orientation`.
    pub axis: String,
    /// Hours the convention requires (0 when not required).
    pub required_hours: u32,
    /// Hours attended: reported by operators, plus external certificates recorded by the CRI.
    pub attended_hours: f64,
    /// Hours still required.
    pub remaining_hours: f64,
}

/// A case at a glance.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01a20c77-7b57-74d7-9abc-4cc1251bd929", "reference": "CRIPEL-2026-000001", "state": "in_progress", "obliged": true,
    "regime": "R2024", "cri": "CRIPEL", "commune_nis": "62063", "opened_at": "2026-11-24T07:31:26Z", "version": 7,
    "person": {"id": "01a20c77-7b56-746b-9146-5b7ab1935fa8", "niss": "90051012446", "surname": "El Amrani", "given_names": "Samira"},
    "deadlines": [{"kind": "complete_by", "date": "2029-10-15", "explanation": {"fr": "Échéance fixée par la détermination (régime R2024).", "en": "Deadline set by the determination (regime R2024)."}}],
    "hours": [{"axis": "french", "required_hours": 400, "attended_hours": 120.5, "remaining_hours": 279.5}],
    "next_review_due": "2027-06-01", "review_overdue": false, "presentation_overdue": false, "pending_claims": ["D5"],
    "details": {"presentation": {"date": "2026-11-30", "late": false, "force_majeure": null}}
}))]
pub struct CaseResponse {
    /// Case id.
    pub id: String,
    /// Reference.
    pub reference: String,
    /// `opened`, `welcome_in_progress`, `convention_signed`, `in_progress`, `requirements_met`, `closed`.
    pub state: String,
    /// Obliged (true) or voluntary (false).
    pub obliged: bool,
    /// Regime whose hours and periods apply.
    pub regime: String,
    /// CRI in charge.
    pub cri: String,
    /// Commune of domicile.
    pub commune_nis: String,
    /// Opened.
    pub opened_at: DateTime<Utc>,
    /// Version: send it back in `If-Match` (also the `ETag` header).
    pub version: i32,
    /// The person.
    pub person: PersonSummary,
    /// Deadlines now, with their explanation (obliged cases).
    pub deadlines: Vec<DeadlineNow>,
    /// Required vs attended hours per axis.
    pub hours: Vec<AxisProgress>,
    /// Next evaluation interview.
    pub next_review_due: Option<NaiveDate>,
    /// The next evaluation interview is past due.
    pub review_overdue: bool,
    /// The presentation deadline passed while awaiting presentation.
    pub presentation_overdue: bool,
    /// Dispensations claimed, awaiting a decision.
    pub pending_claims: Vec<String>,
    /// Everything recorded: presentation, welcome module (with the sensitive notes of the social
    /// assessment: this CRI only), convention and amendments, reviews, dispensation decisions, suspensions,
    /// deadline history, hours, transfers, closure.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl CaseResponse {
    /// Builds the view of a case for its CRI.
    pub fn new(
        view: &CaseView,
        reference: &ReferenceData,
        keys: &crate::data_keys::DataKeys,
        today: NaiveDate,
    ) -> Result<CaseResponse, ApiError> {
        let mut case = aggregate(view)?;
        // Only the CRI holding the case reaches this view: the sealed notes and evidence open here.
        crate::data_keys::open_case(keys, &mut case, &view.case.id);
        let rules = regime(case.regime, &reference.parameters, case.opened_on);
        let next_review_due = case.next_review_due(rules.review_interval_months);
        let explain = |kind: parcours_domain::DeadlineKind, date: NaiveDate| match case
            .deadline_history
            .iter()
            .rev()
            .find(|s| s.kind == kind)
        {
            Some(shift) => Bilingual {
                fr: format!(
                    "Reportée du {} au {} le {} : {} ({}).",
                    shift.from, shift.to, shift.decided_on, shift.reason, shift.basis
                ),
                en: format!(
                    "Moved from {} to {} on {}: {} ({}).",
                    shift.from, shift.to, shift.decided_on, shift.reason, shift.basis
                ),
            },
            None => Bilingual {
                fr: format!("Échéance du {date} fixée par la détermination (régime {}).", case.regime),
                en: format!("Deadline {date} set by the determination (regime {}).", case.regime),
            },
        };
        use parcours_domain::DeadlineKind as K;
        let deadlines = [
            (K::PresentBy, "present_by", case.deadlines.present_by),
            (K::CompleteBy, "complete_by", case.deadlines.complete_by),
            (K::LatestExtension, "latest_extension", case.deadlines.latest_extension),
        ]
        .into_iter()
        .filter_map(|(kind, name, date)| {
            date.map(|d| DeadlineNow { kind: name.into(), date: d, explanation: explain(kind, d) })
        })
        .collect();
        let attended_minutes = view.attended_minutes();
        let hours = Axis::ALL
            .into_iter()
            .map(|axis| {
                let required = case.required(axis);
                let attended = attended_minutes.hours(axis);
                AxisProgress {
                    axis: axis.code().into(),
                    required_hours: required,
                    attended_hours: attended,
                    remaining_hours: (f64::from(required) - attended).max(0.0),
                }
            })
            .collect();
        let mut details = serde_json::to_value(&case).map_err(|e| ApiError::Internal(e.to_string()))?;
        if let Some(map) = details.as_object_mut() {
            for redundant in ["state", "obliged", "regime", "cri", "pending_claims"] {
                map.remove(redundant);
            }
        }
        Ok(CaseResponse {
            id: view.case.id.clone(),
            reference: view.case.reference.clone(),
            state: case.state.code().into(),
            obliged: case.obliged,
            regime: case.regime.code().into(),
            cri: case.cri.code().into(),
            commune_nis: view.case.commune_nis.clone(),
            opened_at: view.case.opened_at.and_utc(),
            version: view.case.version,
            person: PersonSummary {
                id: view.person.id.clone(),
                niss: view.person.niss.clone(),
                surname: view.person.surname.clone(),
                given_names: view.person.given_names.clone(),
            },
            deadlines,
            hours,
            next_review_due,
            review_overdue: next_review_due.is_some_and(|d| d < today),
            presentation_overdue: case.presentation_overdue(today),
            pending_claims: case.pending_claims.iter().map(|c| c.code().to_owned()).collect(),
            details,
        })
    }

    /// The response with its `ETag`.
    pub fn respond(&self, status: actix_web::http::StatusCode) -> HttpResponse {
        HttpResponse::build(status).insert_header((header::ETAG, format!("\"{}\"", self.version))).json(self)
    }
}

/// What a command handler computes from the case before the rules apply.
pub type Build = Box<
    dyn FnOnce(&mut DbConnection, &CaseView, &Case, &ReferenceData, NaiveDate) -> Result<CaseCommand, ApiError> + Send,
>;

/// Applies one command to a case the caller's CRI holds: If-Match, rules, timeline, feed, audit, all in
/// one transaction. Answers the case with its new ETag.
pub async fn mutate(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    id: String,
    action: &'static str,
    build: Build,
) -> Result<HttpResponse, ApiError> {
    let (caller, cri) = (agent.caller, agent.cri);
    let expected = if_match(&req)?;
    let actor = actor(&caller, &request_id);
    let response = crate::clock::block(move || -> Result<CaseResponse, ApiError> {
        let mut conn = state.store.conn()?;
        let reference: Arc<ReferenceData> = state.reference_data(&mut conn)?;
        let today = state.clock.today();
        let rules = Arc::clone(&reference);
        let outcome = parcours_store::cases::update_case(
            &mut conn,
            &id,
            cri.code(),
            expected,
            &actor,
            action,
            state.clock.now(),
            move |conn, view| -> Result<_, ApiError> {
                let mut case = aggregate(view)?;
                let command = build(conn, view, &case, &rules, today)?;
                let regime = regime(case.regime, &rules.parameters, case.opened_on);
                let context = case_context(&rules, &regime, view, today);
                let steps = case.apply(command, &context).map_err(ApiError::Case)?;
                Ok((columns_of(&case, regime.review_interval_months)?, steps))
            },
        )?;
        match outcome {
            UpdateOutcome::NotFound => Err(ApiError::NotFound),
            UpdateOutcome::Stale { current_version } => Err(ApiError::PreconditionFailed(current_version)),
            UpdateOutcome::Rejected(error) => Err(error),
            UpdateOutcome::Updated(view) => CaseResponse::new(&view, &reference, &state.config.data_keys, today),
        }
    })
    .await??;
    Ok(response.respond(actix_web::http::StatusCode::OK))
}

/// What the case rules need from outside the case: its regime, the Region's parameters on `today`, and the
/// minutes operators reported.
fn case_context<'a>(
    reference: &ReferenceData,
    rules: &'a parcours_domain::regime::Regime,
    view: &CaseView,
    today: NaiveDate,
) -> CaseContext<'a> {
    CaseContext {
        today,
        regime: rules,
        attendance_threshold_percent: *reference.parameters.attendance_threshold_percent.on(today),
        operator_minutes: view.operator_minutes,
        french_waiver_level: *reference.parameters.french_level_waiving_language_axis.on(today),
    }
}

/// Applies commands that another resource decided (an appointment's outcome, a session's attendance) to a
/// case the caller's CRI holds, at its current version, with `extra` steps after theirs: inside the caller's
/// transaction, so that the case and that resource change together or not at all.
#[expect(clippy::too_many_arguments, reason = "the case, its scope, the rules, the clock and the change")]
pub fn apply_commands(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    case_id: &str,
    cri: &str,
    actor: &parcours_store::audit::Actor,
    action: &str,
    today: NaiveDate,
    now: chrono::NaiveDateTime,
    decide: impl FnOnce(&Case) -> Result<(Vec<CaseCommand>, Vec<parcours_domain::case::CaseEvent>), ApiError>,
) -> Result<CaseView, ApiError> {
    let current = parcours_store::cases::load_view(conn, case_id, cri)?.ok_or(ApiError::NotFound)?;
    let outcome = parcours_store::cases::update_case(
        conn,
        case_id,
        cri,
        current.case.version,
        actor,
        action,
        now,
        |_, view| -> Result<_, ApiError> {
            let mut case = aggregate(view)?;
            let (commands, extra) = decide(&case)?;
            let rules = regime(case.regime, &reference.parameters, case.opened_on);
            let context = case_context(reference, &rules, view, today);
            let mut steps = Vec::new();
            for command in commands {
                steps.extend(case.apply(command, &context).map_err(ApiError::Case)?);
            }
            steps.extend(extra);
            Ok((columns_of(&case, rules.review_interval_months)?, steps))
        },
    )?;
    match outcome {
        UpdateOutcome::NotFound => Err(ApiError::NotFound),
        UpdateOutcome::Stale { current_version } => Err(ApiError::PreconditionFailed(current_version)),
        UpdateOutcome::Rejected(error) => Err(error),
        UpdateOutcome::Updated(view) => Ok(*view),
    }
}

/// Parses a required date field.
pub fn date_field(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    let mut errors = Vec::new();
    crate::dto::parse_date(field, value, &mut errors).ok_or(ApiError::Validation(errors))
}

/// Parses one of several snake_case values.
pub fn choice<T: Copy>(field: &str, value: &str, options: &[(&str, T)]) -> Result<T, ApiError> {
    options.iter().find(|(name, _)| *name == value).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        ApiError::Validation(vec![FieldError::new(
            field,
            "invalid_value",
            format!("Valeurs admises : {}.", names.join(", ")),
            format!("Allowed values: {}.", names.join(", ")),
        )])
    })
}

/// Parses a list of NIS commune codes.
pub fn nis_codes(field: &str, values: &[String]) -> Result<Vec<parcours_domain::NisCode>, ApiError> {
    values
        .iter()
        .map(|c| {
            parcours_domain::NisCode::parse(c).map_err(|_| {
                ApiError::Validation(vec![FieldError::new(
                    field,
                    "invalid_nis_code",
                    "Code INS de commune à 5 chiffres attendu.",
                    "A 5-digit NIS commune code expected.",
                )])
            })
        })
        .collect()
}

/// Checks a short free text.
pub fn short_text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.chars().count() > max {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "length",
            format!("Texte de 1 à {max} caractères."),
            format!("Text of 1 to {max} characters."),
        )]));
    }
    Ok(trimmed.to_owned())
}

/// Answers of every case change (for the OpenAPI contract).
#[derive(Debug, utoipa::IntoResponses)]
pub enum CaseChangeResponses {
    /// The case after the change, with its new `ETag`.
    #[response(status = 200)]
    Changed(CaseResponse),
    /// Invalid `If-Match` or body.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(crate::problem::Problem),
    /// No valid token.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(crate::problem::Problem),
    /// Not CRI staff.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(crate::problem::Problem),
    /// Unknown case, or held by another CRI.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(crate::problem::Problem),
    /// Not possible in the current state (`illegal_transition` with `current_state`), welcome module incomplete, hours not met.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(crate::problem::Problem),
    /// `If-Match` names an older version (`current_version` in the problem).
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(crate::problem::Problem),
    /// Invalid fields, or a rule refuses the change (for example `extension_beyond_ceiling`).
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(crate::problem::Problem),
    /// `If-Match` missing.
    #[response(status = 428, content_type = "application/problem+json")]
    PreconditionRequired(crate::problem::Problem),
}
