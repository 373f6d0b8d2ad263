//! `POST /v1/cases/{id}/french-test`: the French placement test (tool, CEFR level, date), part of the welcome module since R2018.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, FrenchTest};
use parcours_domain::parameters::CefrLevel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A placement test result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-09", "tool": "ELAO", "level": "A1"}))]
pub struct FrenchTestRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// Tool (for example ELAO).
    pub tool: String,
    /// CEFR level: `pre_A1`, `A1`, `A2`, `B1`, `B2`, `C1`, `C2`.
    pub level: String,
}

/// The CEFR levels as the API spells them.
pub const LEVELS: [(&str, CefrLevel); 7] = [
    ("pre_A1", CefrLevel::PreA1),
    ("A1", CefrLevel::A1),
    ("A2", CefrLevel::A2),
    ("B1", CefrLevel::B1),
    ("B2", CefrLevel::B2),
    ("C1", CefrLevel::C1),
    ("C2", CefrLevel::C2),
];

/// Records the French placement test.
///
/// The French placement test (tool, CEFR level, date), part of the welcome module since R2018.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = FrenchTestRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/french-test")]
pub async fn create_case_french_test(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<FrenchTestRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let tool = short_text("tool", &body.tool, 60)?;
    let level = choice("level", &body.level, &LEVELS)?;
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_french_test",
        Box::new(move |_, _, _, _, _| Ok(CaseCommand::RecordFrenchTest(FrenchTest { date, tool, level }))),
    )
    .await
}
