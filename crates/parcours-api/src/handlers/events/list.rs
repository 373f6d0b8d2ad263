//! `GET /v1/events?after=<cursor>`: the events the caller's organisation is entitled to, oldest first,
//! at-least-once and ordered per case. A CRI receives every step of the cases it holds; a commune learns
//! only that its resident follows the pathway, was transferred, met the requirements or missed a deadline
//! (rule 4.7), with the case reference and the person's id (never the national number). A read writes nothing: missed deadlines
//! are recorded by the `deadline_sweep` job (see [`crate::jobs`]).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use parcours_domain::events::{CommuneEventPayload, CommuneNotice, CriEventPayload, EventKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{FeedSubscriber, Organisation};
use crate::dto::{CommuneNoticeSchema, EventTypeSchema, page_size};
use crate::problem::{ApiError, FieldError, Problem};
use crate::state::AppState;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// The `next_cursor` of the previous call (absent: from the beginning). Opaque: pass it back unchanged.
    pub after: Option<String>,
    /// At most this many events, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

/// What a CRI receives: every step of the cases it holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriEventData {
    /// Case id.
    pub case_id: String,
    /// Case reference.
    #[schema(example = "CRIPEL-2026-000001")]
    pub case_reference: String,
    /// The kind of step.
    #[schema(value_type = EventTypeSchema)]
    pub event_type: EventKind,
    /// The case's state after the step.
    #[schema(example = "convention_signed")]
    pub state: String,
    /// Non-personal summary (dates, codes, hours).
    pub summary: String,
    /// When (the same instant and format as the event's own `occurred_at`).
    pub occurred_at: DateTime<Utc>,
}

/// What a commune or CPAS receives about its resident: the case reference, the person's id and the notice;
/// never a national number or a name (read them with `GET /v1/persons/{id}`, which the person's access
/// report lists).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommuneEventData {
    /// Case reference.
    #[schema(example = "CRIPEL-2026-000001")]
    pub case_reference: String,
    /// The person's id (the `person.id` of the arrival): `GET /v1/persons/{id}` gives the identity.
    #[schema(example = "01a20c90-0000-7000-8000-00000000000a")]
    pub person_id: String,
    /// The notice.
    #[schema(value_type = CommuneNoticeSchema)]
    pub event_type: CommuneNotice,
    /// When (the same instant and format as the event's own `occurred_at`).
    pub occurred_at: DateTime<Utc>,
    /// The attestation concerned (attestation notices only): the commune of reference may fetch it
    /// (`GET /v1/attestations/{serial}`) and anyone may verify it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "CRIPEL-ATT-2027-000001")]
    pub attestation_serial: Option<String>,
}

/// An event's payload: [`CriEventData`] for a CRI, [`CommuneEventData`] for a commune.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum FeedEventData {
    /// For a CRI.
    Cri(CriEventData),
    /// For a commune.
    Commune(CommuneEventData),
}

impl From<CriEventPayload> for CriEventData {
    fn from(p: CriEventPayload) -> Self {
        CriEventData {
            case_id: p.case_id,
            case_reference: p.case_reference,
            event_type: p.event_type,
            state: p.state.code().to_owned(),
            summary: p.summary,
            occurred_at: p.occurred_at,
        }
    }
}

impl From<CommuneEventPayload> for CommuneEventData {
    fn from(p: CommuneEventPayload) -> Self {
        CommuneEventData {
            case_reference: p.case_reference,
            person_id: p.person_id,
            event_type: p.event_type,
            occurred_at: p.occurred_at,
            attestation_serial: p.attestation_serial,
        }
    }
}

/// One event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedEvent {
    /// Event id.
    pub id: String,
    /// Position in the feed (commit order); `next_cursor` is the last one.
    pub position: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// What the caller receives, by organisation kind.
    pub data: FeedEventData,
}

/// A page of events.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "01a20c90-0000-7000-8000-000000000001", "position": 42, "occurred_at": "2026-12-16T10:00:00Z",
    "data": {"case_reference": "CRIPEL-2026-000001", "person_id": "01a20c90-0000-7000-8000-00000000000a", "event_type": "pathway_followed", "occurred_at": "2026-12-16T10:00:00Z"}}],
    "next_cursor": "42"}))]
pub struct EventPage {
    /// Oldest first.
    pub items: Vec<FeedEvent>,
    /// Pass as `after` on the next call (the same cursor again when nothing new arrived).
    pub next_cursor: Option<String>,
}

/// Reads the event feed.
///
/// The events the caller's organisation is entitled to, oldest first,
/// at-least-once and ordered per case. A CRI receives every step of the cases it holds; a commune learns
/// only that its resident follows the pathway, was transferred, met the requirements or missed a deadline
/// (rule 4.7), with the case reference and the person's id (never the national number). A read writes nothing: missed deadlines
/// are recorded by the `deadline_sweep` job (see `jobs`).
#[utoipa::path(
    tag = "events",
    params(EventQuery),
    responses(
        (status = 200, description = "Events after the cursor", body = EventPage),
        (status = 400, description = "Invalid cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a CRI, commune or CPAS agent, nor a sanctioning official", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    reader: FeedSubscriber,
    request_id: crate::request::RequestId,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let (caller, reader) = (reader.caller, reader.reader);
    let query = query.into_inner();
    let mut errors = Vec::new();
    let limit = page_size(query.limit, "after", None, &mut errors);
    let after = match query.after.as_deref() {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(position) if position >= 0 => Some(position),
            _ => {
                errors.push(FieldError::new(
                    "after",
                    "invalid_cursor",
                    "Curseur invalide : reprenez next_cursor tel quel.",
                    "Invalid cursor: pass next_cursor back unchanged.",
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(ApiError::BadParameter(errors));
    }
    let actor = crate::request::actor(&caller, &request_id);
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::feed::feed(&mut conn, &reader, after, limit, &actor, state.clock.now())?)
    })
    .await??;
    let notice_reader = match caller.organisation {
        Organisation::Commune(_) => Some(true),
        Organisation::Cpas(_) => Some(false),
        _ => None,
    };
    let unreadable = |e: serde_json::Error| ApiError::Internal(format!("stored event unreadable: {e}"));
    let items = rows
        .into_iter()
        .map(|row| {
            let data = if let Some(commune) = notice_reader {
                let payload = if commune { row.commune_payload } else { row.cpas_payload };
                let payload = payload.ok_or_else(|| ApiError::Internal("notice without payload".into()))?;
                FeedEventData::Commune(
                    serde_json::from_str::<CommuneEventPayload>(&payload).map_err(unreadable)?.into(),
                )
            } else {
                FeedEventData::Cri(
                    serde_json::from_str::<CriEventPayload>(&row.cri_payload).map_err(unreadable)?.into(),
                )
            };
            Ok(FeedEvent { id: row.id, position: row.seq, occurred_at: row.occurred_at.and_utc(), data })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let next_cursor = items.last().map(|e| e.position.to_string()).or(query.after);
    Ok(HttpResponse::Ok().json(EventPage { items, next_cursor }))
}
