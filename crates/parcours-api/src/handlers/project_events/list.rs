//! `GET /v1/project-events`: the steps of the caller's projects after a position, oldest first. Thin:
//! identifiers and types; read the project for the content.

use actix_web::{HttpResponse, get, web};
use parcours_domain::local_integration::ProjectEventKind;
use parcours_store::project_steps::ProjectReader;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Participant, ProjectParticipant};
use crate::problem::{ApiError, FieldError, Problem, Text};
use crate::state::AppState;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProjectEventQuery {
    /// Position of the last event read (0 or absent: from the start).
    pub after: Option<i64>,
    /// Page size, 1 to 500 (100 by default).
    pub limit: Option<i64>,
}

/// One project event.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"seq": 12, "id": "01a20c90-0000-7000-8000-0000000001c1", "type": "project_opinion_given",
    "description": "Le CRI a rendu son avis d'opportunité.", "application_id": "01a20c90-0000-7000-8000-0000000001b1",
    "cri": "CRIPEL", "initiative": "0123.456.749", "occurred_at": "2027-02-10T09:12:00Z"}))]
pub struct ProjectEventDto {
    /// Position: pass the last one back as `after`.
    pub seq: i64,
    /// Event id.
    pub id: String,
    /// Type, from the catalogue.
    #[serde(rename = "type")]
    pub event_type: String,
    /// What it means, in French.
    pub description: String,
    /// The project.
    pub application_id: String,
    /// The competent CRI.
    pub cri: String,
    /// The applicant's enterprise number.
    pub initiative: String,
    /// When.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
}

/// A page of the project feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectEventPage {
    /// Events, oldest first.
    pub items: Vec<ProjectEventDto>,
    /// The position to pass as `after` next time (the same when nothing new came).
    pub next_after: i64,
}

/// Reads the project feed.
///
/// The steps of the caller's projects after a position, oldest first. Thin:
/// identifiers and types; read the project for the content.
#[utoipa::path(
    tag = "local-integration",
    description = "The steps of the caller's projects after position `after`, oldest first: an ILI reads its own, a \
                   CRI those it is competent for, the Region all. Positions only grow, and a reader that passes the \
                   last one back never misses a step. Communes have no project feed.",
    params(ProjectEventQuery),
    responses(
        (status = 200, description = "A page of events", body = ProjectEventPage),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A commune, or not a participant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/project-events")]
pub async fn list_project_events(
    state: web::Data<AppState>,
    participant: ProjectParticipant,
    query: web::Query<ProjectEventQuery>,
) -> Result<HttpResponse, ApiError> {
    let reader = match participant.participant {
        Participant::Region => ProjectReader::Region,
        Participant::Cri(cri) => ProjectReader::Cri(cri.code().to_owned()),
        Participant::Initiative(number) => ProjectReader::Initiative(number),
        Participant::Commune(_) => {
            return Err(ApiError::Forbidden(Text::new(
                "Les communes n'ont pas de flux de projets : lisez les projets qui les couvrent.",
                "Communes have no project feed: read the projects that cover them.",
            )));
        }
    };
    let query = query.into_inner();
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100);
    if after < 0 || !(1..=500).contains(&limit) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "limit",
            "out_of_range",
            "after ≥ 0 et limit de 1 à 500.",
            "after ≥ 0 and limit from 1 to 500.",
        )]));
    }
    let rows = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        Ok(parcours_store::project_steps::feed(&mut conn, &reader, after, limit)?)
    })
    .await??;
    let next_after = rows.last().map_or(after, |row| row.seq);
    let items = rows
        .into_iter()
        .map(|row| ProjectEventDto {
            description: ProjectEventKind::parse(&row.kind).map(|k| k.description().fr.to_owned()).unwrap_or_default(),
            seq: row.seq,
            id: row.id,
            event_type: row.kind,
            application_id: row.application_id,
            cri: row.cri_code,
            initiative: row.enterprise_number,
            occurred_at: row.recorded_at.and_utc(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ProjectEventPage { items, next_after }))
}
