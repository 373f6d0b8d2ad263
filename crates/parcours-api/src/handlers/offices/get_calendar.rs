//! `GET /v1/offices/{id}/calendar?date=`: an office's day as iCalendar (RFC 5545, `text/calendar`), for the
//! CRI's calendar software: one event per slot (free or booked) and per collective session. Events carry
//! the case reference, never a name: calendar files travel to other systems.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Duration, Utc};

use super::list_day::{DayQuery, office_day};
use crate::auth::CriAgent;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Escapes a text value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

fn stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// An office's day as iCalendar.
///
/// An office's day as iCalendar (RFC 5545, `text/calendar`), for the
/// CRI's calendar software: one event per slot (free or booked) and per collective session. Events carry
/// the case reference, never a name: calendar files travel to other systems.
#[utoipa::path(
    tag = "welcome-office",
    params(("id" = String, Path, description = "Office id"), DayQuery),
    responses(
        (status = 200, description = "The day as an iCalendar file (RFC 5545)", content_type = "text/calendar", body = String),
        (status = 400, description = "Invalid date", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown office, or another CRI's", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/offices/{id}/calendar")]
pub async fn get_office_calendar(
    state: web::Data<AppState>,
    agent: CriAgent,
    path: web::Path<String>,
    query: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, date) = (path.into_inner(), query.date);
    let now = state.clock.now().and_utc();
    let (office, day) = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        office_day(&mut conn, &id, agent.cri.code(), date)
    })
    .await??;
    let location = escape(&format!("{}, {} {}", office.street, office.postal_code, office.locality));
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Parcours//Bureau d'accueil//FR".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("X-WR-CALNAME:{}", escape(&format!("{} — {date}", office.name))),
    ];
    for entry in &day.slots {
        let slot = &entry.slot;
        let kind = parcours_domain::welcome_office::AppointmentKind::parse(&slot.kind).map(|k| k.label().fr);
        let (summary, status) = match &entry.appointment {
            Some(held) => (format!("{} — {}", kind.unwrap_or_default(), held.case_reference), "CONFIRMED"),
            None => (format!("{} — libre / free", kind.unwrap_or_default()), "TENTATIVE"),
        };
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@parcours", slot.id),
            format!("DTSTAMP:{}", stamp(now)),
            format!("DTSTART:{}", stamp(slot.starts_at)),
            format!("DTEND:{}", stamp(slot.ends_at)),
            format!("SUMMARY:{}", escape(&summary)),
            format!("LOCATION:{location}"),
            format!("STATUS:{status}"),
            format!("CATEGORIES:{}", slot.kind),
            format!("X-PARCOURS-STAFF:{}", escape(&slot.staff_ref)),
            "END:VEVENT".to_owned(),
        ]);
    }
    for session in &day.sessions {
        lines.extend([
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@parcours", session.id),
            format!("DTSTAMP:{}", stamp(now)),
            format!("DTSTART:{}", stamp(session.starts_at)),
            format!("DTEND:{}", stamp(session.starts_at + Duration::minutes(i64::from(session.minutes)))),
            format!(
                "SUMMARY:{}",
                escape(&format!(
                    "Séance collective droits et devoirs ({}) — {}/{}",
                    session.language, session.enrolled, session.capacity
                ))
            ),
            format!("LOCATION:{location}"),
            "STATUS:CONFIRMED".to_owned(),
            "CATEGORIES:collective_session".to_owned(),
            "END:VEVENT".to_owned(),
        ]);
    }
    lines.push("END:VCALENDAR".to_owned());
    let body: String = lines.iter().map(|l| fold(l)).collect();
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"bureau-{date}.ics\"")))
        .body(body))
}
