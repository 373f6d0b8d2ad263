//! `POST /v1/cases/{id}/social-assessment`: the social assessment (*bilan social*): needs by domain, and a short sensitive note kept for the CRI only.

use actix_web::{HttpRequest, HttpResponse, post, web};
use parcours_domain::case::{CaseCommand, NeedDomain, SocialAssessment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CaseChangeResponses, choice, date_field, mutate, short_text};
use crate::auth::CriAgent;
use crate::problem::ApiError;
use crate::request::RequestId;
use crate::state::AppState;

/// A social assessment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2026-12-09", "needs": ["housing", "employment"], "sensitive_notes": "Cherche un logement plus grand."}))]
pub struct SocialAssessmentRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// Needs: `housing`, `health`, `employment`, `training`, `family`, `administration`, `other`.
    pub needs: Vec<String>,
    /// Short free text (at most 500 characters), sensitive: shown to the CRI in charge only.
    pub sensitive_notes: Option<String>,
}

/// The needs as the API spells them.
pub const NEEDS: [(&str, NeedDomain); 7] = [
    ("housing", NeedDomain::Housing),
    ("health", NeedDomain::Health),
    ("employment", NeedDomain::Employment),
    ("training", NeedDomain::Training),
    ("family", NeedDomain::Family),
    ("administration", NeedDomain::Administration),
    ("other", NeedDomain::Other),
];

/// Parses the needs, sorted and without repeats.
pub fn parse_needs(names: &[String]) -> Result<Vec<NeedDomain>, ApiError> {
    let mut needs = names.iter().map(|n| choice("needs", n, &NEEDS)).collect::<Result<Vec<_>, _>>()?;
    needs.sort();
    needs.dedup();
    Ok(needs)
}

/// Records the social assessment.
///
/// The social assessment (*bilan social*): needs by domain, and a short sensitive note kept for the CRI only.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("If-Match" = String, Header, description = "ETag of the case as last read, e.g. \"3-5f0c2a9e41d7b863\"")
    ),
    request_body = SocialAssessmentRequest,
    responses(CaseChangeResponses),
    security(("bearer" = []))
)]
#[post("/cases/{id}/social-assessment")]
pub async fn create_case_social_assessment(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    body: crate::body::Body<SocialAssessmentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let date = date_field("date", &body.date)?;
    let needs = parse_needs(&body.needs)?;
    let sensitive_notes = body.sensitive_notes.as_deref().map(|t| short_text("sensitive_notes", t, 500)).transpose()?;
    // Sealed under the data key, bound to the case: the notes are stored encrypted and opened only for the
    // CRI holding the case.
    let keys = state.config.data_keys.clone();
    mutate(
        state,
        agent,
        request_id,
        req,
        path.into_inner(),
        "create_case_social_assessment",
        Box::new(move |_, view, _, _, _| {
            let sensitive_notes = sensitive_notes.map(|notes| keys.seal(&notes, &view.case.id));
            Ok(CaseCommand::RecordSocialAssessment(SocialAssessment { date, needs, sensitive_notes }))
        }),
    )
    .await
}
