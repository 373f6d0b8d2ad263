//! `POST /v1/sanctions/{id}/steps`: a sanctioning official records the next step of a procedure — the
//! notice and its proven notification, observations (written or at a hearing), a decision drafted, signed
//! by a second official, notified, an appeal and its outcome, the payment, or a closure (regularisation,
//! no fine, recovery). The rules of due process are the domain's (`parcours_domain::sanction`); nothing
//! is edited, a correction supersedes. Requires `If-Match`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::non_compliance::regularised_on;
use parcours_domain::sanction::{
    AppealOutcome, DecisionOutcome, ObservationAnswer, ObservationForm, ProcedureCommand, ProcedureContext,
    ProcedureError,
};
use parcours_store::sanction_procedures::{ProcedureReader, SaveOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    AnswerDto, AppealOutcomeDto, DecisionOutcomeDto, NotificationChannelDto, ObservationFormDto, ProcedureClosureDto,
    ProcedureDto,
};
use crate::auth::SanctionsOfficer;
use crate::handlers::cases::{date_field, if_match};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The step, by `step`. Dates are `YYYY-MM-DD`, never in the future.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "step", rename_all = "snake_case", deny_unknown_fields)]
#[schema(example = json!({"step": "send_notice", "sent_on": "2027-03-12", "channel": "registered_post", "notified_on": "2027-03-15"}))]
pub enum StepRequest {
    /// The notice inviting observations was sent; `notified_on` is the proven date it reached the person.
    SendNotice {
        /// Sent on.
        sent_on: String,
        /// How.
        channel: NotificationChannelDto,
        /// Proven notification date: the observation period counts from it.
        notified_on: String,
    },
    /// Observations received; a hearing needs its minutes; `supersedes` corrects an earlier record.
    RecordObservation {
        /// Received (or heard) on.
        received_on: String,
        /// Written or hearing.
        form: ObservationFormDto,
        /// What the person says (at least 10 characters).
        summary: String,
        /// Minutes of the hearing.
        hearing_minutes: Option<String>,
        /// The observation number this one corrects.
        supersedes: Option<u32>,
    },
    /// A reasoned decision drafted by the caller, after the observation period, answering every
    /// observation; a new draft supersedes an unsigned one.
    DraftDecision {
        /// Drafted on.
        drafted_on: String,
        /// `fine`, `no_fine` or `dismissal`.
        outcome: DecisionOutcomeDto,
        /// For `fine`: within the range in force on the date of the facts.
        amount_eur: Option<u32>,
        /// Reasons in fact and in law (at least 40 characters).
        reasoning: String,
        /// One answer per observation in force.
        answers: Vec<AnswerDto>,
    },
    /// The latest draft signed by the caller, who must not be its drafter.
    SignDecision {
        /// Signed on.
        signed_on: String,
    },
    /// The signed decision notified.
    NotifyDecision {
        /// Proven notification date: the appeal period counts from it.
        notified_on: String,
        /// How.
        channel: NotificationChannelDto,
    },
    /// An appeal lodged.
    RecordAppeal {
        /// Lodged on.
        lodged_on: String,
        /// Court.
        court: String,
        /// Its reference.
        reference: Option<String>,
    },
    /// The appeal decided.
    DecideAppeal {
        /// Decided on.
        decided_on: String,
        /// `upheld`, `reduced` or `annulled`.
        outcome: AppealOutcomeDto,
        /// For `reduced`: the new amount.
        amount_eur: Option<u32>,
    },
    /// The fine paid (closes the procedure).
    RecordPayment {
        /// Paid on.
        paid_on: String,
        /// Amount, in euros: the amount due.
        amount_eur: u32,
    },
    /// Closed: `regularised` (the person presented or completed), `no_fine_decided` (a notified decision
    /// without a fine) or `sent_for_recovery` (unpaid after the appeal period).
    Close {
        /// Date.
        date: String,
        /// Why.
        reason: ProcedureClosureDto,
    },
}

fn amount(field: &str, value: Option<u32>) -> Result<u32, ApiError> {
    value.ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            field,
            "required",
            "Montant requis, en euros.",
            "Amount required, in euros.",
        )])
    })
}

fn command_of(step: StepRequest, official: &str) -> Result<ProcedureCommand, ApiError> {
    Ok(match step {
        StepRequest::SendNotice { sent_on, channel, notified_on } => ProcedureCommand::SendNotice {
            sent_on: date_field("sent_on", &sent_on)?,
            channel: channel.into(),
            notified_on: date_field("notified_on", &notified_on)?,
        },
        StepRequest::RecordObservation { received_on, form, summary, hearing_minutes, supersedes } => {
            ProcedureCommand::RecordObservation {
                received_on: date_field("received_on", &received_on)?,
                form: match form {
                    ObservationFormDto::Written => ObservationForm::Written,
                    ObservationFormDto::Hearing => ObservationForm::Hearing,
                },
                summary: summary.trim().to_owned(),
                hearing_minutes: hearing_minutes.map(|m| m.trim().to_owned()),
                supersedes,
            }
        }
        StepRequest::DraftDecision { drafted_on, outcome, amount_eur, reasoning, answers } => {
            ProcedureCommand::DraftDecision {
                drafted_on: date_field("drafted_on", &drafted_on)?,
                drafted_by: official.to_owned(),
                outcome: match outcome {
                    DecisionOutcomeDto::Fine => DecisionOutcome::Fine { amount_eur: amount("amount_eur", amount_eur)? },
                    DecisionOutcomeDto::NoFine => DecisionOutcome::NoFine,
                    DecisionOutcomeDto::Dismissal => DecisionOutcome::Dismissal,
                },
                reasoning: reasoning.trim().to_owned(),
                answers: answers
                    .into_iter()
                    .map(|a| ObservationAnswer { observation: a.observation, answer: a.answer.trim().to_owned() })
                    .collect(),
            }
        }
        StepRequest::SignDecision { signed_on } => ProcedureCommand::SignDecision {
            signed_on: date_field("signed_on", &signed_on)?,
            signed_by: official.to_owned(),
        },
        StepRequest::NotifyDecision { notified_on, channel } => ProcedureCommand::NotifyDecision {
            notified_on: date_field("notified_on", &notified_on)?,
            channel: channel.into(),
        },
        StepRequest::RecordAppeal { lodged_on, court, reference } => ProcedureCommand::RecordAppeal {
            lodged_on: date_field("lodged_on", &lodged_on)?,
            court: court.trim().to_owned(),
            reference: reference.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
        },
        StepRequest::DecideAppeal { decided_on, outcome, amount_eur } => ProcedureCommand::DecideAppeal {
            decided_on: date_field("decided_on", &decided_on)?,
            outcome: match outcome {
                AppealOutcomeDto::Upheld => AppealOutcome::Upheld,
                AppealOutcomeDto::Reduced => AppealOutcome::Reduced { amount_eur: amount("amount_eur", amount_eur)? },
                AppealOutcomeDto::Annulled => AppealOutcome::Annulled,
            },
        },
        StepRequest::RecordPayment { paid_on, amount_eur } => {
            ProcedureCommand::RecordPayment { paid_on: date_field("paid_on", &paid_on)?, amount_eur }
        }
        StepRequest::Close { date, reason } => {
            ProcedureCommand::Close { date: date_field("date", &date)?, reason: reason.into() }
        }
    })
}

/// The answer to a refused step: 409 when the procedure's state or due process forbids it, 422 when a
/// value is wrong.
fn refused(error: ProcedureError) -> ApiError {
    let invalid = |field: &str, code: &str, fr: String, en: String| {
        ApiError::Validation(vec![FieldError::new(field, code, fr, en)])
    };
    match error {
        ProcedureError::IllegalTransition { state, command } => ApiError::Conflict(
            "illegal_transition",
            Text::new(
                format!("L'étape {command} n'est pas permise quand la procédure est à l'état {}.", state.code()),
                format!("Step {command} is not allowed while the procedure is {}.", state.code()),
            ),
        ),
        ProcedureError::DateOutOfRange { field } => invalid(
            field,
            "date_out_of_range",
            "La date ne peut être ni dans le futur, ni avant l'étape qu'elle suit.".into(),
            "The date can be neither in the future nor before the step it follows.".into(),
        ),
        ProcedureError::TextMissing { field } => {
            invalid(field, "length", "Texte manquant ou trop court.".into(), "Text missing or too short.".into())
        }
        ProcedureError::HearingMinutesMissing => invalid(
            "hearing_minutes",
            "required",
            "Une audition est consignée dans un procès-verbal.".into(),
            "A hearing is recorded in minutes.".into(),
        ),
        ProcedureError::UnknownObservation { number } => invalid(
            "supersedes",
            "unknown_observation",
            format!("Aucune observation n° {number} en vigueur."),
            format!("No observation no. {number} in force."),
        ),
        ProcedureError::ObservationPeriodRunning { until } => ApiError::Conflict(
            "observation_period_running",
            Text::new(
                format!(
                    "La personne peut présenter ses observations jusqu'au {} : aucune décision avant le terme de ce délai.",
                    until.format("%d/%m/%Y")
                ),
                format!("The person may send observations until {until}: no decision before that period ends."),
            ),
        ),
        ProcedureError::FineOutOfRange { min_eur, max_eur } => invalid(
            "amount_eur",
            "fine_out_of_range",
            format!(
                "Le montant doit être compris entre {min_eur} et {max_eur} euros (montants en vigueur à la date des faits)."
            ),
            format!("The amount must lie between {min_eur} and {max_eur} euros (the range on the date of the facts)."),
        ),
        ProcedureError::ObservationsNotAnswered { numbers } => {
            let list: Vec<String> = numbers.iter().map(u32::to_string).collect();
            ApiError::Conflict(
                "observations_not_answered",
                Text::new(
                    format!(
                        "La décision doit répondre à chaque observation (loi du 29 juillet 1991) ; sans réponse : n° {}.",
                        list.join(", ")
                    ),
                    format!(
                        "The decision must answer every observation (law of 29 July 1991); unanswered: no. {}.",
                        list.join(", ")
                    ),
                ),
            )
        }
        ProcedureError::SameOfficial => ApiError::Conflict(
            "same_official",
            Text::new(
                "La décision est signée par un autre fonctionnaire que celui qui l'a rédigée.",
                "The decision is signed by another official than the one who drafted it.",
            ),
        ),
        ProcedureError::AmountNotDue { due_eur } => invalid(
            "amount_eur",
            "amount_not_due",
            format!("Le montant dû est de {due_eur} euros."),
            format!("The amount due is {due_eur} euros."),
        ),
        ProcedureError::ClosureNotAllowed { because } => ApiError::Conflict(
            "closure_not_allowed",
            Text::new(
                format!("Cette clôture n'est pas possible ({because})."),
                format!("This closure is not possible ({because})."),
            ),
        ),
    }
}

/// Records a step of a sanction procedure.
///
/// A sanctioning official records the next step of a procedure — the
/// notice and its proven notification, observations (written or at a hearing), a decision drafted, signed
/// by a second official, notified, an appeal and its outcome, the payment, or a closure (regularisation,
/// no fine, recovery). The rules of due process are the domain's (`parcours_domain::sanction`); nothing
/// is edited, a correction supersedes. Requires `If-Match`.
#[utoipa::path(
    tag = "sanctions",
    params(
        ("id" = String, Path, description = "Procedure id"),
        ("If-Match" = String, Header, description = "ETag of the procedure as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = StepRequest,
    responses(
        (status = 200, description = "The procedure after the step, with its new `ETag`", body = ProcedureDto),
        (status = 400, description = "Malformed JSON, an unknown step, or an invalid `If-Match`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a sanctioning official of the Region", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown procedure", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in this state (`illegal_transition`), during the observation period (`observation_period_running`), without answering an observation (`observations_not_answered`), signed by the drafter (`same_official`), or a closure that does not fit (`closure_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date out of range, a text too short, a fine outside the range, an amount not due", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` missing", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/sanctions/{id}/steps")]
pub async fn create_sanction_step(
    state: web::Data<AppState>,
    officer: SanctionsOfficer,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<StepRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let command = command_of(body.into_inner(), &officer.caller.subject)?;
    let actor = actor(&officer.caller, &request_id);
    let id = path.into_inner();
    let dto = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let (today, now) = (state.clock.today(), state.clock.now());
        let (view, case) = parcours_store::sanction_procedures::get_procedure(
            &mut conn,
            &id,
            &ProcedureReader::SanctionsOfficer,
            &actor,
            "read_sanction_procedure",
            now,
        )?
        .ok_or(ApiError::NotFound)?;
        if view.record.version != expected {
            return Err(ApiError::PreconditionFailed(view.record.version));
        }
        let aggregate = parcours_store::cases::decode_case(&case.state_json)?;
        let mut procedure = view.procedure;
        let regularised_on = regularised_on(procedure.breach, &aggregate);
        let reference = state.reference_data(&mut conn)?;
        let parameters = &reference.parameters;
        let context = ProcedureContext {
            today,
            observation_days: *parameters.sanction_observation_days.on(today),
            appeal_days: *parameters.sanction_appeal_days.on(today),
            appeal_route: parameters.sanction_appeal_route.on(today).clone(),
            regularised_on,
            report_to_commune_and_cpas: *parameters.sanction_reported_to_commune_and_cpas.on(today),
        };
        let steps = procedure.apply(command, &context).map_err(refused)?;
        match parcours_store::sanction_procedures::save_procedure(
            &mut conn, &id, expected, &procedure, &steps, &actor, now,
        )? {
            SaveOutcome::NotFound => Err(ApiError::NotFound),
            SaveOutcome::Stale { current_version } => Err(ApiError::PreconditionFailed(current_version)),
            SaveOutcome::Saved(view) => Ok(ProcedureDto::new(&view)),
        }
    })
    .await??;
    Ok(dto.respond(actix_web::http::StatusCode::OK))
}
