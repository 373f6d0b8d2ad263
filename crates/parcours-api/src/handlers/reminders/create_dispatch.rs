//! `POST /v1/reminders/{id}/dispatch`: the CRI records that it sent a reminder (by post, e-mail or by
//! hand), or that it came back because the address the commune reported is unknown. Once per reminder.

use actix_web::{HttpResponse, post, web};
use parcours_domain::reminders::{DispatchRefusal, ReminderChannel, ReminderStatus};
use parcours_store::reminders::Dispatch;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ReminderDto, ReminderStatusDto};
use crate::auth::CriAgent;
use crate::handlers::cases::date_field;
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// How a reminder went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReminderChannelDto {
    /// By post.
    Post,
    /// By e-mail.
    Email,
    /// Handed over.
    HandDelivered,
}

/// What happened to the reminder.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "sent", "channel": "post", "date": "2027-02-01"}))]
pub struct DispatchRequest {
    /// `sent` or `bounced`.
    pub outcome: ReminderStatusDto,
    /// How it was sent (required for `sent`).
    pub channel: Option<ReminderChannelDto>,
    /// When it was sent or came back (`YYYY-MM-DD`, not before it was due, not in the future).
    #[schema(format = Date)]
    pub date: String,
}

/// Records a reminder's dispatch.
///
/// The CRI records that it sent a reminder (by post, e-mail or by
/// hand), or that it came back because the address the commune reported is unknown. Once per reminder.
#[utoipa::path(
    tag = "reminders",
    params(("id" = String, Path, description = "Reminder id")),
    request_body = DispatchRequest,
    responses(
        (status = 201, description = "Recorded", body = ReminderDto),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown reminder, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already recorded (`reminder_already_dispatched`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`due` as an outcome, a sent reminder without its channel, or a date out of range", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/reminders/{id}/dispatch")]
pub async fn create_reminder_dispatch(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<DispatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let outcome: ReminderStatus = body.outcome.into();
    let channel = body.channel.map(|channel| match channel {
        ReminderChannelDto::Post => ReminderChannel::Post,
        ReminderChannelDto::Email => ReminderChannel::Email,
        ReminderChannelDto::HandDelivered => ReminderChannel::HandDelivered,
    });
    if outcome == ReminderStatus::Sent && channel.is_none() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "channel",
            "required",
            "Indiquez comment le rappel a été envoyé : post, email ou hand_delivered.",
            "Say how the reminder was sent: post, email or hand_delivered.",
        )]));
    }
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let outcome = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let today = state.clock.today();
        Ok(parcours_store::reminders::record_dispatch(
            &mut conn,
            &id,
            agent.cri.code(),
            outcome,
            channel,
            date,
            today,
            &actor,
            state.clock.now(),
        )?)
    })
    .await??;
    match outcome {
        Dispatch::NotFound => Err(ApiError::NotFound),
        Dispatch::Refused(DispatchRefusal::AlreadyDispatched(status)) => Err(ApiError::Conflict(
            "reminder_already_dispatched",
            Text::new(
                format!("Ce rappel est déjà enregistré comme « {} ».", status.code()),
                format!("This reminder is already recorded as `{}`.", status.code()),
            ),
        )),
        Dispatch::Refused(DispatchRefusal::NotAnOutcome) => Err(ApiError::Validation(vec![FieldError::new(
            "outcome",
            "invalid_outcome",
            "Un rappel est envoyé (sent) ou revient (bounced).",
            "A reminder is sent or bounced.",
        )])),
        Dispatch::Refused(DispatchRefusal::DateOutOfRange) => Err(ApiError::Validation(vec![FieldError::new(
            "date",
            "date_out_of_range",
            "La date se situe entre le jour où le rappel est devenu dû et aujourd'hui.",
            "The date lies between the day the reminder became due and today.",
        )])),
        Dispatch::Recorded(view) => {
            let dto = ReminderDto::new(&view);
            // What the dispatch created is the letter sent.
            Ok(HttpResponse::Created()
                .insert_header(("Location", format!("/v1/reminders/{}/letter", dto.id)))
                .json(dto))
        }
    }
}
