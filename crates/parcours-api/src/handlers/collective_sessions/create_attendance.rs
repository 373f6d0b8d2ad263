//! `POST /v1/collective-sessions/{id}/attendance`: who came to a session that has started. Each case that
//! came receives, in the same transaction, its presentation (if it awaited one), the information on rights
//! and duties (collective) and the interpreter who assisted; those who did not come are marked absent.

use actix_web::{HttpResponse, post, web};
use parcours_domain::welcome_office::{WelcomeOfficeError, check_session_held, session_attendance_commands};
use parcours_store::session_enrolments::{ABSENT, ATTENDED};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::SessionDetail;
use crate::auth::CriAgent;
use crate::handlers::cases::apply_commands;
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Who came.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"attended": ["01a20c77-7b57-74d7-9abc-4cc1251bd929"], "absent": []}))]
pub struct SessionAttendanceRequest {
    /// Case ids of those who came.
    pub attended: Vec<String>,
    /// Case ids of those who did not.
    pub absent: Vec<String>,
}

/// Records a session's attendance.
///
/// Who came to a session that has started. Each case that
/// came receives, in the same transaction, its presentation (if it awaited one), the information on rights
/// and duties (collective) and the interpreter who assisted; those who did not come are marked absent.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Session id")),
    request_body = SessionAttendanceRequest,
    responses(
        (status = 200, description = "The session with its enrolments; each case that came gets `rights_information_given`", body = SessionDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown session, or another CRI's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not yet held (`not_yet_held`), a case not enrolled or already recorded, or a case whose state refuses the step: nothing recorded", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A case in both lists", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/collective-sessions/{id}/attendance")]
pub async fn create_collective_session_attendance(
    state: web::Data<AppState>,
    agent: CriAgent,
    request_id: RequestId,
    path: web::Path<String>,
    body: crate::body::Body<SessionAttendanceRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.attended.iter().any(|c| body.absent.contains(c)) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "absent",
            "both_lists",
            "Un dossier est soit présent, soit absent.",
            "A case is either attended or absent.",
        )]));
    }
    let actor = actor(&agent.caller, &request_id);
    let id = path.into_inner();
    let detail = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let (cri, now, today) = (agent.cri.code(), state.clock.now(), state.clock.today());
        parcours_store::write_transaction(&mut conn, |conn| -> Result<_, ApiError> {
            let session = parcours_store::collective_sessions::find(conn, &id, cri)?.ok_or(ApiError::NotFound)?;
            check_session_held(&session.session(), now.and_utc())?;
            let enrolments = parcours_store::session_enrolments::of_session(conn, &id)?;
            let interpreter = parcours_store::interpreting_requests::booked_for(conn, None, Some(&id))?;
            let lists = [(ATTENDED, &body.attended), (ABSENT, &body.absent)];
            for (status, cases) in lists {
                for case_id in cases {
                    let enrolment =
                        enrolments.iter().find(|e| &e.case_id == case_id).ok_or(WelcomeOfficeError::NotEnrolled)?;
                    if parcours_store::session_enrolments::record_attendance(conn, &enrolment.id, status, now)? != 1 {
                        return Err(WelcomeOfficeError::AttendanceAlreadyRecorded.into());
                    }
                    if status == ATTENDED {
                        let session_facts = session.session();
                        apply_commands(
                            conn,
                            &reference,
                            case_id,
                            cri,
                            &actor,
                            "create_collective_session_attendance",
                            today,
                            now,
                            |case| {
                                let commands = session_attendance_commands(
                                    &session_facts,
                                    case,
                                    interpreter.as_ref(),
                                    now.and_utc(),
                                )?;
                                Ok((commands, Vec::new()))
                            },
                        )?;
                    }
                }
            }
            parcours_store::audit::append(
                conn,
                &actor,
                "record_collective_session_attendance",
                "collective_session",
                Some(&id),
                Some(format!("attended={} absent={}", body.attended.len(), body.absent.len())),
                now,
            )?;
            SessionDetail::load(conn, &session)
        })
    })
    .await??;
    Ok(HttpResponse::Ok().json(detail))
}
