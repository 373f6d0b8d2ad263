//! `POST /v1/non-compliances/{id}/review`: the CRI reviews a record. It excuses it — force majeure, a
//! dispensation claim still pending, or a suspension that should have been recorded (recorded now, it
//! moves the deadlines) — or hands the file to the Region's sanctioning official. A hand-over opens the
//! procedure only when every precondition of a fine holds (CWASS art. 152/8: among them, a place offered
//! on every axis the convention requires); otherwise it is refused with 409 `sanction_blocked` and the
//! reasons. Once per record.

use actix_web::{HttpResponse, post, web};
use parcours_domain::DispensationCode;
use parcours_domain::case::{CaseCommand, CaseContext, Suspension, SuspensionReason};
use parcours_domain::non_compliance::{Excuse, Review, ReviewRefusal, may_review, non_compliance_excused_step};
use parcours_domain::regime::regime;
use parcours_domain::sanction::SanctionProcedure;
use parcours_store::cases::UpdateOutcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{NonComplianceDto, preconditions};
use crate::auth::CriAgent;
use crate::handlers::cases::{columns_of, date_field};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// What the CRI decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecisionDto {
    /// Excused: no sanction.
    Excuse,
    /// Handed to the Region's sanctioning official.
    HandOver,
}

/// Why the person is excused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExcuseDto {
    /// Documented force majeure.
    ForceMajeure,
    /// A dispensation claim the CRI has not decided (give `dispensation_code`).
    PendingDispensationClaim,
    /// A suspension that should have been recorded (give `suspension`): recorded now, it moves the deadlines.
    UnrecordedSuspension,
}

/// Why deadlines are suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReasonDto {
    /// No course place available (art. 152/8).
    NoCoursePlace,
    /// Illness.
    Illness,
    /// Pregnancy or birth.
    Pregnancy,
    /// Other documented force majeure.
    ForceMajeure,
}

/// A suspension period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionPeriod {
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day (`YYYY-MM-DD`).
    pub to: String,
    /// Why.
    pub reason: SuspensionReasonDto,
}

/// The CRI's review.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"decision": "hand_over", "reason": "Trois rappels et un entretien proposé sont restés sans réponse ; aucun motif connu."}))]
pub struct NonComplianceReviewRequest {
    /// `excuse` or `hand_over`.
    pub decision: ReviewDecisionDto,
    /// For `excuse`: which one.
    pub excuse: Option<ExcuseDto>,
    /// For `pending_dispensation_claim`: the dispensation claimed (`D4`).
    pub dispensation_code: Option<String>,
    /// For `unrecorded_suspension`: the period.
    pub suspension: Option<SuspensionPeriod>,
    /// Why (10 to 2,000 characters; stated in the file).
    pub reason: String,
}

fn required(field: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        field,
        "required",
        format!("Champ requis pour cette décision : {field}."),
        format!("Field required for this decision: {field}."),
    )])
}

fn review_of(body: &NonComplianceReviewRequest) -> Result<Review, ApiError> {
    Ok(match body.decision {
        ReviewDecisionDto::HandOver => Review::HandOver,
        ReviewDecisionDto::Excuse => Review::Excuse(match body.excuse.ok_or_else(|| required("excuse"))? {
            ExcuseDto::ForceMajeure => Excuse::ForceMajeure,
            ExcuseDto::PendingDispensationClaim => {
                let code = body.dispensation_code.as_deref().ok_or_else(|| required("dispensation_code"))?;
                let code = DispensationCode::parse(code).map_err(|_| {
                    ApiError::Validation(vec![FieldError::new(
                        "dispensation_code",
                        "invalid_value",
                        "Code de dispense inconnu (D1 à D30).",
                        "Unknown dispensation code (D1 to D30).",
                    )])
                })?;
                Excuse::PendingDispensationClaim { code }
            }
            ExcuseDto::UnrecordedSuspension => {
                let period = body.suspension.as_ref().ok_or_else(|| required("suspension"))?;
                let reason = match period.reason {
                    SuspensionReasonDto::NoCoursePlace => SuspensionReason::NoCoursePlace,
                    SuspensionReasonDto::Illness => SuspensionReason::Illness,
                    SuspensionReasonDto::Pregnancy => SuspensionReason::Pregnancy,
                    SuspensionReasonDto::ForceMajeure => SuspensionReason::ForceMajeure,
                };
                Excuse::UnrecordedSuspension {
                    suspension: Suspension {
                        from: date_field("suspension.from", &period.from)?,
                        to: date_field("suspension.to", &period.to)?,
                        reason,
                    },
                }
            }
        }),
    })
}

fn refusal(refusal: ReviewRefusal) -> ApiError {
    match refusal {
        ReviewRefusal::AlreadyReviewed(status) => ApiError::Conflict(
            "non_compliance_already_reviewed",
            Text::new(
                format!("Ce constat est déjà examiné (« {} »).", status.code()),
                format!("This record was already reviewed (`{}`).", status.code()),
            ),
        ),
        ReviewRefusal::ClaimNotPending(code) => ApiError::Conflict(
            "claim_not_pending",
            Text::new(
                format!("Aucune demande de dispense {} n'est en attente sur ce dossier.", code.code()),
                format!("No {} dispensation claim is pending on this case.", code.code()),
            ),
        ),
        ReviewRefusal::Blocked(failing) => {
            let fr: Vec<&str> = failing.iter().map(|c| c.statement_fr.as_str()).collect();
            let en: Vec<&str> = failing.iter().map(|c| c.statement_en.as_str()).collect();
            ApiError::Conflict(
                "sanction_blocked",
                Text::new(
                    format!("La procédure de sanction ne peut pas être ouverte (CWASS art. 152/8) : {}", fr.join(" ")),
                    format!("The sanction procedure cannot be opened (CWASS art. 152/8): {}", en.join(" ")),
                ),
            )
        }
    }
}

/// Reviews a non-compliance record.
///
/// The CRI reviews a record. It excuses it — force majeure, a
/// dispensation claim still pending, or a suspension that should have been recorded (recorded now, it
/// moves the deadlines) — or hands the file to the Region's sanctioning official. A hand-over opens the
/// procedure only when every precondition of a fine holds (CWASS art. 152/8: among them, a place offered
/// on every axis the convention requires); otherwise it is refused with 409 `sanction_blocked` and the
/// reasons. Once per record.
#[utoipa::path(
    tag = "non-compliance",
    params(("id" = String, Path, description = "Non-compliance id")),
    request_body = NonComplianceReviewRequest,
    responses(
        (status = 200, description = "Reviewed: excused, or handed over with its `procedure`", body = NonComplianceDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown record, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already reviewed (`non_compliance_already_reviewed`), no such pending claim (`claim_not_pending`), the preconditions of a fine fail (`sanction_blocked`, with the reasons), or the case changed meanwhile (`case_changed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing field for the decision, a reason too short or long, an invalid suspension", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/non-compliances/{id}/review")]
pub async fn create_non_compliance_review(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<NonComplianceReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let review = review_of(&body)?;
    let reason = body.reason.trim().to_owned();
    if let Some(error) = crate::body::length_error("reason", &reason, 10, 2000) {
        return Err(ApiError::Validation(vec![error]));
    }
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = agent.cri.code().to_owned();
        let (found, case) =
            parcours_store::non_compliances::find_non_compliance(&mut conn, &id, &cri)?.ok_or(ApiError::NotFound)?;
        let record = found.record;
        let reference = state.reference_data(&mut conn)?;
        let (today, now) = (state.clock.today(), state.clock.now());
        let writer = actor.clone();
        let outcome = parcours_store::cases::update_case(
            &mut conn,
            &case.id,
            &cri,
            case.version,
            &actor,
            "review_non_compliance",
            now,
            move |conn, view| -> Result<_, ApiError> {
                let mut aggregate = view.aggregate.clone();
                let checks = preconditions(conn, &record, &aggregate, &reference)?;
                may_review(record.status, &review, &aggregate, &checks).map_err(refusal)?;
                let rules = regime(aggregate.regime, &reference.parameters, aggregate.opened_on);
                let mut steps = Vec::new();
                let excuse = match &review {
                    Review::Excuse(excuse) => Some(excuse),
                    Review::HandOver => None,
                };
                if let Some(Excuse::UnrecordedSuspension { suspension }) = excuse {
                    let context = CaseContext {
                        today,
                        regime: &rules,
                        attendance_threshold_percent: *reference.parameters.attendance_threshold_percent.on(today),
                        operator_minutes: view.operator_minutes,
                        french_waiver_level: *reference.parameters.french_level_waiving_language_axis.on(today),
                    };
                    let command = CaseCommand::Suspend(suspension.clone());
                    steps.extend(aggregate.apply(command, &context).map_err(ApiError::Case)?);
                }
                let changed =
                    parcours_store::non_compliances::record_review(conn, &record.id, excuse, &reason, today, &writer)?;
                if !changed {
                    return Err(refusal(ReviewRefusal::AlreadyReviewed(record.status)));
                }
                match excuse {
                    Some(excuse) => steps.push(non_compliance_excused_step(record.kind, excuse)),
                    None => {
                        let fine_range = *reference.parameters.fine_range.on(record.breach_date);
                        let (procedure, opening) = SanctionProcedure::open(
                            record.kind,
                            record.deadline,
                            record.breach_date,
                            fine_range,
                            checks,
                            today,
                        );
                        parcours_store::sanction_procedures::open_procedure(
                            conn, &record, &view.case, &procedure, &opening, &writer, now,
                        )?;
                        steps.push(opening);
                    }
                }
                Ok((columns_of(&aggregate, rules.review_interval_months)?, steps))
            },
        )?;
        match outcome {
            UpdateOutcome::NotFound => return Err(ApiError::NotFound),
            UpdateOutcome::Stale { .. } => {
                return Err(ApiError::Conflict(
                    "case_changed",
                    Text::new(
                        "Le dossier vient d'être modifié : relisez le constat et recommencez.",
                        "The case changed meanwhile: read the record again and retry.",
                    ),
                ));
            }
            UpdateOutcome::Rejected(error) => return Err(error),
            UpdateOutcome::Updated(_) => {}
        }
        let (view, _) =
            parcours_store::non_compliances::find_non_compliance(&mut conn, &id, &cri)?.ok_or(ApiError::NotFound)?;
        NonComplianceDto::new(&view)
    })
    .await??;
    Ok(HttpResponse::Ok().json(dto))
}
