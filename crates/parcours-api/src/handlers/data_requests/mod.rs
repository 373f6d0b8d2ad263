//! Requests from the person about their data (GDPR art. 15-18), handled by the CRI competent for them:
//! recorded with the date received, answered within one month (extendable once by two months with reasons),
//! decided with reasons, the decision letter rendered in French. See `parcours_domain::data_requests`.

pub mod create;
pub mod create_decision;
pub mod create_extension;
pub mod get;
pub mod get_decision_letter;
pub mod list;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_store::data_requests::DataRequestRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::{ApiError, FieldError};

/// The kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKindDto {
    /// A copy of the data, its recipients and purposes (art. 15): answer with `GET /v1/persons/{id}/access-package`.
    Access,
    /// A correction (art. 16): the identity through `POST /v1/persons/{id}/identities` (versioned, history kept).
    Rectification,
    /// A restriction of processing (art. 18).
    Restriction,
    /// Erasure (art. 17): most are refused, the processing being a legal obligation.
    Erasure,
}

/// The CRI's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcomeDto {
    /// Done as asked (a granted erasure erases the person at once).
    Granted,
    /// Done in part.
    PartiallyGranted,
    /// Refused, with reasons.
    Refused,
}

/// A request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000c1", "person_id": "01a20c90-0000-7000-8000-00000000000a",
    "kind": "erasure", "received_on": "2026-12-14", "due_on": "2027-01-14", "status": "open", "late": false,
    "details": "Demande écrite remise à l'accueil de Liège.", "extension": null, "decision": null,
    "recorded_at": "2026-12-15T10:00:00Z"}))]
pub struct DataRequestDto {
    /// Id.
    pub id: String,
    /// The person.
    pub person_id: String,
    /// What is asked.
    pub kind: RequestKindDto,
    /// Received (the month runs from here).
    pub received_on: NaiveDate,
    /// The deadline now (one month; three after an extension).
    pub due_on: NaiveDate,
    /// `open` or `decided`.
    #[schema(example = "open")]
    pub status: String,
    /// The deadline passed without a decision, or the decision came after it.
    pub late: bool,
    /// What the person asked, as the CRI recorded it.
    pub details: String,
    /// The extension, when decided.
    pub extension: Option<ExtensionDto>,
    /// The decision, once made.
    pub decision: Option<DataRequestDecisionDto>,
    /// Recorded.
    pub recorded_at: DateTime<Utc>,
}

/// An extension.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExtensionDto {
    /// Decided on.
    pub decided_on: NaiveDate,
    /// Why.
    pub reason: String,
}

/// A decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DataRequestDecisionDto {
    /// Outcome.
    pub outcome: RequestOutcomeDto,
    /// Reasons.
    pub reasons: String,
    /// Decided on.
    pub decided_on: NaiveDate,
}

fn kind_dto(kind: parcours_domain::data_requests::RequestKind) -> RequestKindDto {
    use parcours_domain::data_requests::RequestKind as K;
    match kind {
        K::Access => RequestKindDto::Access,
        K::Rectification => RequestKindDto::Rectification,
        K::Restriction => RequestKindDto::Restriction,
        K::Erasure => RequestKindDto::Erasure,
    }
}

/// The domain's kind.
pub fn kind_of(kind: RequestKindDto) -> parcours_domain::data_requests::RequestKind {
    use parcours_domain::data_requests::RequestKind as K;
    match kind {
        RequestKindDto::Access => K::Access,
        RequestKindDto::Rectification => K::Rectification,
        RequestKindDto::Restriction => K::Restriction,
        RequestKindDto::Erasure => K::Erasure,
    }
}

/// The domain's outcome.
pub fn outcome_of(outcome: RequestOutcomeDto) -> parcours_domain::data_requests::RequestOutcome {
    use parcours_domain::data_requests::RequestOutcome as O;
    match outcome {
        RequestOutcomeDto::Granted => O::Granted,
        RequestOutcomeDto::PartiallyGranted => O::PartiallyGranted,
        RequestOutcomeDto::Refused => O::Refused,
    }
}

impl DataRequestDto {
    /// The communicated form.
    pub fn new(record: &DataRequestRecord, today: NaiveDate) -> Result<DataRequestDto, ApiError> {
        use parcours_domain::data_requests::RequestOutcome as O;
        let request = record.request()?;
        Ok(DataRequestDto {
            id: record.id.clone(),
            person_id: record.person_id.clone(),
            kind: kind_dto(request.kind),
            received_on: request.received_on,
            due_on: request.due_on(),
            status: record.status.clone(),
            late: request.late(today),
            details: record.details.clone(),
            extension: request
                .extension
                .as_ref()
                .map(|e| ExtensionDto { decided_on: e.decided_on, reason: e.reason.clone() }),
            decision: request.decision.as_ref().map(|d| DataRequestDecisionDto {
                outcome: match d.outcome {
                    O::Granted => RequestOutcomeDto::Granted,
                    O::PartiallyGranted => RequestOutcomeDto::PartiallyGranted,
                    O::Refused => RequestOutcomeDto::Refused,
                },
                reasons: d.reasons.clone(),
                decided_on: d.decided_on,
            }),
            recorded_at: record.recorded_at.and_utc(),
        })
    }
}

/// A refusal of the domain as a 422.
pub fn refused(refusal: parcours_domain::data_requests::RequestRefusal, field: &str) -> ApiError {
    let message = refusal.message();
    ApiError::Validation(vec![FieldError::new(field, refusal.code(), message.fr, message.en)])
}
