//! `POST /v1/courses`: an operator publishes a course with its sessions, on an axis it is recognised for,
//! in a commune of a CRI territory it serves.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::NaiveTime;
use parcours_domain::CriCode;
use parcours_domain::NisCode;
use parcours_domain::operator::course_acceptance;
use parcours_domain::regime::Axis;
use parcours_store::courses::{CourseRecord, SessionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::CourseDto;
use crate::auth::OperatorAgent;
use crate::dto::parse_date;
use crate::handlers::cases::{choice, short_text};
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// A session to create.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// Date.
    #[schema(format = Date)]
    pub date: String,
    /// Start (`HH:MM`).
    pub start: String,
    /// End (`HH:MM`).
    pub end: String,
}

/// A course to publish.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Français A1 - soir", "axis": "french", "level": "A1", "instruction_language": "fr",
    "commune_nis": "62063", "address": "Rue des Écoles 1, 4000 Liège", "capacity": 15,
    "sessions": [{"date": "2027-01-11", "start": "18:00", "end": "21:00"}, {"date": "2027-01-13", "start": "18:00", "end": "21:00"}]}))]
pub struct CourseRequest {
    /// Title (1 to 200 characters).
    pub title: String,
    /// `french`, `citizenship` or `orientation`.
    pub axis: String,
    /// CEFR level for French courses (`pre_A1`, `A1`... `C2`).
    pub level: Option<String>,
    /// Language of instruction (ISO 639-1).
    pub instruction_language: String,
    /// NIS code of the commune of the place.
    pub commune_nis: String,
    /// Address.
    pub address: String,
    /// Places (1 to 500).
    pub capacity: i32,
    /// Sessions (1 to 500); start and end dates come from them.
    pub sessions: Vec<SessionRequest>,
}

/// Publishes a course.
///
/// An operator publishes a course with its sessions, on an axis it is recognised for,
/// in a commune of a CRI territory it serves.
#[utoipa::path(
    tag = "courses",
    params(("Idempotency-Key" = Option<String>, Header, description = "Optional; a UUID per request makes a retry safe: a replay returns the first response (with `Idempotent-Replayed: true`), the same key with another body is refused (422).")),
    request_body = CourseRequest,
    responses(
        (status = 201, description = "Published", body = CourseDto),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, axis not recognised, commune outside the territories served", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/courses")]
pub async fn create_course(
    state: web::Data<AppState>,
    agent: OperatorAgent,
    request_id: RequestId,
    req: HttpRequest,
    body: crate::body::Body<CourseRequest>,
) -> Result<HttpResponse, ApiError> {
    let (caller, operator_id) = (agent.caller, agent.operator);
    let body = body.into_inner();
    let canonical = serde_json::to_string(&body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let key = idempotency::optional_key(&req)?.map(|key| Idempotency {
        organisation: caller.organisation.to_string(),
        key,
        request_hash: idempotency::request_hash(canonical.as_bytes()),
    });
    let title = short_text("title", &body.title, 200)?;
    let address = short_text("address", &body.address, 300)?;
    let language = short_text("instruction_language", &body.instruction_language, 3)?;
    let axis = choice(
        "axis",
        &body.axis,
        &[("french", "french"), ("citizenship", "citizenship"), ("orientation", "orientation")],
    )?;
    let level = match body.level.as_deref() {
        Some(level) => Some(choice(
            "level",
            level,
            &[("pre_A1", "pre_A1"), ("A1", "A1"), ("A2", "A2"), ("B1", "B1"), ("B2", "B2"), ("C1", "C1"), ("C2", "C2")],
        )?),
        None => None,
    };
    let mut errors = Vec::new();
    if !(1..=500).contains(&body.capacity) {
        errors.push(FieldError::new("capacity", "out_of_range", "De 1 à 500 places.", "From 1 to 500 places."));
    }
    if body.sessions.is_empty() || body.sessions.len() > 500 {
        errors.push(FieldError::new("sessions", "out_of_range", "De 1 à 500 séances.", "From 1 to 500 sessions."));
    }
    let commune = NisCode::parse(&body.commune_nis)
        .map_err(|_| {
            errors.push(FieldError::new(
                "commune_nis",
                "invalid_nis_code",
                "Code INS : cinq chiffres.",
                "NIS code: five digits.",
            ))
        })
        .ok();
    let course_id = parcours_store::new_id();
    let mut sessions = Vec::new();
    for (index, session) in body.sessions.iter().enumerate() {
        let date = parse_date(&format!("sessions[{index}].date"), &session.date, &mut errors);
        let start = NaiveTime::parse_from_str(session.start.trim(), "%H:%M").ok();
        let end = NaiveTime::parse_from_str(session.end.trim(), "%H:%M").ok();
        match (date, start, end) {
            (Some(date), Some(start), Some(end)) if end > start => sessions.push(SessionRecord {
                id: parcours_store::new_id(),
                course_id: course_id.clone(),
                session_date: date,
                start_time: start.format("%H:%M").to_string(),
                end_time: end.format("%H:%M").to_string(),
                minutes: i32::try_from((end - start).num_minutes()).unwrap_or(0),
            }),
            (Some(_), _, _) => errors.push(FieldError::new(
                format!("sessions[{index}]"),
                "invalid_time",
                "Heures attendues HH:MM, la fin après le début.",
                "Expected HH:MM times, the end after the start.",
            )),
            _ => {}
        }
    }
    let (Some(commune), true) = (commune, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let start_date = sessions.iter().map(|s| s.session_date).min().unwrap_or_default();
    let end_date = sessions.iter().map(|s| s.session_date).max().unwrap_or_default();
    let actor = actor(&caller, &request_id);
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let operator = parcours_store::operators::get_operator(&mut conn, &operator_id)?.ok_or(ApiError::NotFound)?;
        let reference = state.reference_data(&mut conn)?;
        let operator_axes: Vec<Axis> = operator.axes.split(',').filter_map(Axis::parse).collect();
        let operator_cris: Vec<CriCode> =
            operator.cri_codes.split(',').filter_map(|c| CriCode::parse(c).ok()).collect();
        let course_axis =
            Axis::parse(axis).ok_or_else(|| ApiError::Internal("axis choice out of the catalogue".into()))?;
        let errors: Vec<FieldError> =
            course_acceptance(&operator_axes, &operator_cris, course_axis, commune, start_date, &reference)
                .into_iter()
                .map(|refusal| {
                    let message = refusal.message();
                    FieldError::new(refusal.field(), refusal.code(), message.fr, message.en)
                })
                .collect();
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let course = CourseRecord {
            id: course_id,
            operator_id: operator.id,
            title,
            axis: course_axis,
            level: level.map(str::to_owned),
            instruction_language: language,
            commune_nis: commune.to_string(),
            address,
            capacity: body.capacity,
            start_date,
            end_date,
            created_at: state.clock.now(),
        };
        idempotency::run(&mut conn, key.as_ref(), &actor, course.created_at, |conn| {
            let view = parcours_store::courses::create_course(conn, &course, &sessions, &actor)?;
            Answer::created(&CourseDto::from(&view), format!("/v1/courses/{}", view.course.id))
        })
    })
    .await??;
    Ok(answer.respond())
}
