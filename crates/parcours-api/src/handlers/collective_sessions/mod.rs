//! Collective information sessions on rights and duties: the cases enrolled (within the session's
//! capacity), and who came: those who came receive the information step (collective) on their case.

pub mod create_attendance;
pub mod create_enrolment;
pub mod get;

use parcours_store::DbConnection;
use parcours_store::collective_sessions::SessionRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::interpreting_requests::InterpretingDto;
use crate::handlers::offices::CollectiveSessionDto;
use crate::problem::ApiError;

/// A case enrolled in a session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a20c90-0000-7000-8000-0000000000f5", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "case_reference": "CRIPEL-2026-000001", "status": "attended"}))]
pub struct SessionEnrolmentDto {
    /// Enrolment id.
    pub id: String,
    /// Case.
    pub case_id: String,
    /// Case reference.
    pub case_reference: String,
    /// `enrolled`, `attended` or `absent`.
    pub status: String,
}

/// A session with its enrolments.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"session": {"id": "01a20c90-0000-7000-8000-0000000000f4", "office_id": "01a20c90-0000-7000-8000-0000000000f1",
    "starts_at": "2026-12-17T13:00:00Z", "starts_at_local": "2026-12-17T14:00:00+01:00", "minutes": 120, "language": "fr",
    "capacity": 12, "enrolled": 1},
    "enrolments": [{"id": "01a20c90-0000-7000-8000-0000000000f5", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
        "case_reference": "CRIPEL-2026-000001", "status": "enrolled"}], "interpreting": []}))]
pub struct SessionDetail {
    /// The session.
    pub session: CollectiveSessionDto,
    /// Enrolled cases, in enrolment order.
    pub enrolments: Vec<SessionEnrolmentDto>,
    /// Interpreting requested for it.
    pub interpreting: Vec<InterpretingDto>,
}

impl SessionDetail {
    /// Reads a session's enrolments and interpreting.
    pub fn load(conn: &mut DbConnection, session: &SessionRecord) -> Result<SessionDetail, ApiError> {
        let enrolments = parcours_store::session_enrolments::of_session(conn, &session.id)?;
        let case_ids: Vec<String> = enrolments.iter().map(|e| e.case_id.clone()).collect();
        let references = parcours_store::cases::references_of(conn, &case_ids, &session.cri_code)?;
        let interpreting = parcours_store::interpreting_requests::for_occasion(conn, None, Some(&session.id))?;
        Ok(SessionDetail {
            session: CollectiveSessionDto::new(session, enrolments.len()),
            enrolments: enrolments
                .iter()
                .map(|e| SessionEnrolmentDto {
                    id: e.id.clone(),
                    case_id: e.case_id.clone(),
                    case_reference: references.get(&e.case_id).cloned().unwrap_or_default(),
                    status: e.status.clone(),
                })
                .collect(),
            interpreting: interpreting.iter().map(InterpretingDto::new).collect(),
        })
    }
}
