//! `POST /v1/courses/{id}/attendance`: an operator reports attendance for one of its courses, as JSON or as
//! CSV (`text/csv`, UTF-8 with or without BOM, `;` or `,` separated, quoted fields), up to 50,000 lines,
//! read as a stream. Requires `Idempotency-Key`. Each line is checked; `mode=all_or_nothing` (default)
//! writes nothing when a line is bad (422 with every bad line), `mode=accept_valid` writes the good lines
//! and reports the others. A line for a person and session already reported is a correction: a new
//! version, with its author and reason; the previous one is kept.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use parcours_domain::law::Bilingual;
use parcours_domain::operator::AttendanceStatus;
use parcours_domain::reference::split_csv_line;
use parcours_store::attendance::{AttendanceLine, BatchReport, RejectedLine};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::minutes;
use crate::auth::OperatorAgent;
use crate::idempotency::{self, Answer, Idempotency};
use crate::problem::{ApiError, FieldError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Most lines in one batch.
pub const MAX_LINES: usize = 50_000;
/// Largest batch body.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// One line as JSON.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRow {
    /// Case reference of the participant (from the participants list).
    pub case_reference: String,
    /// Session id (from the course).
    pub session_id: String,
    /// `present`, `absent` or `excused`.
    pub status: String,
    /// Hours attended (0 when absent or excused; at most the session's length).
    pub hours: f64,
    /// Why, for a correction of an earlier line.
    pub reason: Option<String>,
}

/// A batch as JSON. The same lines can be sent as CSV with the header
/// `case_reference;session_id;status;hours;reason` (or `,`-separated; `reason` optional).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rows": [
    {"case_reference": "CRIPEL-2026-000001", "session_id": "01a20d10-0000-7000-8000-0000000000a1", "status": "present", "hours": 3.0},
    {"case_reference": "CRIPEL-2026-000002", "session_id": "01a20d10-0000-7000-8000-0000000000a1", "status": "excused", "hours": 0}
]}))]
pub struct AttendanceBatch {
    /// One line per person and session.
    pub rows: Vec<AttendanceRow>,
}

/// What to do with bad lines.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttendanceQuery {
    /// `all_or_nothing` (default): one bad line and nothing is written; `accept_valid`: write the good lines.
    /// Read as text, so that another value answers a field error naming both.
    #[param(inline, value_type = Option<AttendanceMode>)]
    pub mode: Option<String>,
}

/// How a batch with bad lines is written.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMode {
    /// One bad line and nothing is written (the default).
    AllOrNothing,
    /// The good lines are written, the others listed in `rejected`.
    AcceptValid,
}

/// A refused line.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RejectedLineDto {
    /// 1-based position of the line in the batch (JSON: in `rows`; CSV: data rows, the header not counted),
    /// so that the same batch gets the same report in both formats.
    pub line: usize,
    /// Field.
    pub field: String,
    /// Stable code.
    pub code: String,
    /// Why, in French and English.
    pub message: crate::dto::Bilingual,
}

/// The outcome of a batch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"batch_id": "01a20d30-0000-7000-8000-000000000001", "mode": "accept_valid", "committed": true,
    "accepted": 1, "corrections": 0, "rejected": [{"line": 2, "field": "hours", "code": "hours_beyond_session",
    "message": {"fr": "Plus d'heures que la séance n'en compte.", "en": "More hours than the session lasts."}}]}))]
pub struct BatchReportDto {
    /// Batch id (also in every stored line and in the CRI's feed).
    pub batch_id: String,
    /// Mode used.
    pub mode: String,
    /// Whether anything was written.
    pub committed: bool,
    /// Lines written.
    pub accepted: usize,
    /// Of which corrections.
    pub corrections: usize,
    /// Lines refused.
    pub rejected: Vec<RejectedLineDto>,
}

fn rejected(line: usize, field: &'static str, code: &'static str, fr: &'static str, en: &'static str) -> RejectedLine {
    RejectedLine { line, field, code, message: Bilingual { fr, en } }
}

/// One line as received, before checking (owned, so that a parsed line reuses its strings).
struct RawLine<'a> {
    line: usize,
    case_reference: String,
    session_id: String,
    status: &'a str,
    hours: Option<f64>,
    reason: Option<String>,
}

fn trimmed(mut text: String) -> String {
    if text.trim().len() != text.len() {
        text = text.trim().to_owned();
    }
    text
}

impl RawLine<'_> {
    fn parse(self) -> Result<AttendanceLine, RejectedLine> {
        let status = AttendanceStatus::parse(self.status).ok_or_else(|| {
            rejected(
                self.line,
                "status",
                "invalid_status",
                "Statut : present, absent ou excused.",
                "Status: present, absent or excused.",
            )
        })?;
        let minutes = self.hours.and_then(minutes).ok_or_else(|| {
            rejected(
                self.line,
                "hours",
                "invalid_hours",
                "Heures : un nombre de 0 à 24.",
                "Hours: a number from 0 to 24.",
            )
        })?;
        Ok(AttendanceLine {
            line: self.line,
            case_reference: trimmed(self.case_reference),
            session_id: trimmed(self.session_id),
            status,
            minutes,
            reason: self.reason.map(trimmed).filter(|r| !r.is_empty()).map(|r| r.chars().take(300).collect()),
        })
    }
}

fn sort_line(raw: RawLine<'_>, lines: &mut Vec<AttendanceLine>, bad: &mut Vec<RejectedLine>) {
    match raw.parse() {
        Ok(line) => lines.push(line),
        Err(rejected) => bad.push(rejected),
    }
}

/// Parses CSV incrementally: header first (separator detected from it), then one line at a time.
struct CsvReader {
    buffer: Vec<u8>,
    line_number: usize,
    row_number: usize,
    separator: Option<char>,
    columns: Vec<String>,
    lines: Vec<AttendanceLine>,
    bad: Vec<RejectedLine>,
}

impl CsvReader {
    fn new() -> CsvReader {
        CsvReader {
            buffer: Vec::new(),
            line_number: 0,
            row_number: 0,
            separator: None,
            columns: Vec::new(),
            lines: Vec::new(),
            bad: Vec::new(),
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), ApiError> {
        self.buffer.extend_from_slice(chunk);
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let raw: Vec<u8> = self.buffer.drain(..=end).collect();
            self.line(&raw)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(Vec<AttendanceLine>, Vec<RejectedLine>), ApiError> {
        if !self.buffer.is_empty() {
            let rest = std::mem::take(&mut self.buffer);
            self.line(&rest)?;
        }
        if self.separator.is_none() {
            return Err(csv_error(
                "Fichier CSV vide : l'en-tête est obligatoire.",
                "Empty CSV file: the header is required.",
            ));
        }
        Ok((self.lines, self.bad))
    }

    fn line(&mut self, raw: &[u8]) -> Result<(), ApiError> {
        self.line_number += 1;
        let mut text = std::str::from_utf8(raw)
            .map_err(|_| csv_error("Le fichier CSV doit être en UTF-8.", "The CSV file must be UTF-8."))?
            .trim_end_matches(['\r', '\n']);
        if self.line_number == 1 {
            text = text.trim_start_matches('\u{feff}');
        }
        if let Some(mut error) = crate::body::text_error("body", text) {
            error.field = format!("line {}", self.line_number);
            return Err(ApiError::Validation(vec![error]));
        }
        if text.trim().is_empty() {
            return Ok(());
        }
        let Some(separator) = self.separator else {
            let separator = if text.contains(';') { ';' } else { ',' };
            self.columns = split_csv_line(text, separator).into_iter().map(|c| c.trim().to_lowercase()).collect();
            for required in ["case_reference", "session_id", "status", "hours"] {
                if !self.columns.iter().any(|c| c == required) {
                    return Err(csv_error(
                        "En-tête CSV attendu : case_reference;session_id;status;hours;reason (reason facultatif).",
                        "Expected CSV header: case_reference;session_id;status;hours;reason (reason optional).",
                    ));
                }
            }
            self.separator = Some(separator);
            return Ok(());
        };
        if self.lines.len() + self.bad.len() >= MAX_LINES {
            return Err(too_many_lines());
        }
        self.row_number += 1;
        let fields = split_csv_line(text, separator);
        let get =
            |name: &str| self.columns.iter().position(|c| c == name).and_then(|i| fields.get(i)).map(String::as_str);
        let hours_text = get("hours").unwrap_or("").trim();
        // With `;` separators, Belgian spreadsheets write decimals with a comma (1,5).
        let hours = if separator == ';' { hours_text.replace(',', ".") } else { hours_text.to_owned() };
        let raw = RawLine {
            line: self.row_number,
            case_reference: get("case_reference").unwrap_or("").to_owned(),
            session_id: get("session_id").unwrap_or("").to_owned(),
            status: get("status").unwrap_or(""),
            hours: hours.parse::<f64>().ok(),
            reason: get("reason").map(str::to_owned),
        };
        sort_line(raw, &mut self.lines, &mut self.bad);
        Ok(())
    }
}

fn csv_error(fr: &str, en: &str) -> ApiError {
    ApiError::Validation(vec![FieldError::new("body", "invalid_csv", fr, en)])
}

fn too_many_lines() -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        "rows",
        "too_many_lines",
        format!("Au plus {MAX_LINES} lignes par lot."),
        format!("At most {MAX_LINES} lines per batch."),
    )])
}

/// Reports attendance for one of the operator's courses.
///
/// An operator reports attendance for one of its courses, as JSON or as
/// CSV (`text/csv`, UTF-8 with or without BOM, `;` or `,` separated, quoted fields), up to 50,000 lines,
/// read as a stream. Requires `Idempotency-Key`. Each line is checked; `mode=all_or_nothing` (default)
/// writes nothing when a line is bad (422 with every bad line), `mode=accept_valid` writes the good lines
/// and reports the others. A line for a person and session already reported is a correction: a new
/// version, with its author and reason; the previous one is kept.
#[utoipa::path(
    tag = "courses",
    params(
        ("id" = String, Path, description = "Course id"),
        ("Idempotency-Key" = String, Header, description = "Unique per batch: a replay returns the first report"),
        AttendanceQuery
    ),
    request_body(content(
        (AttendanceBatch = "application/json"),
        (inline(crate::dto::BinaryFile) = "text/csv", example = "case_reference;session_id;status;hours;reason\nCRIPEL-2026-000001;01a20d10-0000-7000-8000-0000000000a1;present;3;\nCRIPEL-2026-000002;01a20d10-0000-7000-8000-0000000000a1;present;2,5;\"arrivée tardive\"\n")
    )),
    responses(
        (status = 200, description = "Batch recorded (with mode=accept_valid, bad lines are listed in `rejected`). A replay returns the first report with Idempotent-Replayed: true.", body = BatchReportDto),
        (status = 400, description = "Missing Idempotency-Key, unreadable body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or another operator's course", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 16 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither application/json nor text/csv", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "all_or_nothing with bad lines (`attendance_rejected`, every bad line in `errors` as `lines[N].field`), bad CSV header, too many lines, key reused", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[post("/courses/{id}/attendance")]
pub async fn create_course_attendance(
    state: web::Data<AppState>,
    agent: OperatorAgent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<AttendanceQuery>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (caller, operator) = (agent.caller, agent.operator);
    let key = idempotency::key(&req)?;
    let all_or_nothing = match query.mode.as_deref() {
        None | Some("all_or_nothing") => true,
        Some("accept_valid") => false,
        Some(_) => {
            return Err(ApiError::BadParameter(vec![FieldError::new(
                "mode",
                "invalid_mode",
                "Mode : all_or_nothing ou accept_valid.",
                "Mode: all_or_nothing or accept_valid.",
            )]));
        }
    };
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let is_csv = content_type.starts_with("text/csv");
    if !is_csv && !content_type.starts_with("application/json") {
        return Err(ApiError::UnsupportedMediaType(if content_type.is_empty() { "none".into() } else { content_type }));
    }
    let mut received = 0usize;
    let mut csv = CsvReader::new();
    let mut json = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
        received += chunk.len();
        if received > MAX_BYTES {
            return Err(ApiError::PayloadTooLarge(MAX_BYTES));
        }
        if is_csv {
            csv.feed(&chunk)?;
        } else {
            json.extend_from_slice(&chunk);
        }
    }
    let (lines, unreadable) = if is_csv {
        csv.finish()?
    } else {
        // Escaped control characters (`\u0000`) and bidirectional overrides are rare: only then is the
        // batch read a second time as a tree, to name the fields that hold them.
        let suspicious = json.windows(4).any(|w| w == b"\\u00" || w == b"\\u20")
            || json.windows(3).any(|w| w[0] == 0xE2 && (w[1] == 0x80 || w[1] == 0x81));
        if suspicious && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&json) {
            crate::body::parse::<serde_json::Value>(value)?;
        }
        let batch: AttendanceBatch = serde_json::from_slice(&json).map_err(|e| {
            if e.is_data() {
                ApiError::Validation(vec![FieldError::new(
                    "rows",
                    "invalid_rows",
                    format!("Lignes illisibles : {e}"),
                    format!("Unreadable rows: {e}"),
                )])
            } else {
                ApiError::MalformedJson(format!("line {}, column {}", e.line(), e.column()))
            }
        })?;
        drop(json);
        if batch.rows.len() > MAX_LINES {
            return Err(too_many_lines());
        }
        let mut lines = Vec::with_capacity(batch.rows.len());
        // Rows are moved into lines one by one: their strings are not copied.
        let mut bad = Vec::new();
        for (index, row) in batch.rows.into_iter().enumerate() {
            let raw = RawLine {
                line: index + 1,
                case_reference: row.case_reference,
                session_id: row.session_id,
                status: &row.status,
                hours: Some(row.hours),
                reason: row.reason,
            };
            sort_line(raw, &mut lines, &mut bad);
        }
        (lines, bad)
    };
    // The same lines hash the same whether they came as JSON or CSV.
    let mut hasher = Sha256::new();
    hasher.update(if all_or_nothing { b"all_or_nothing\n" as &[u8] } else { b"accept_valid\n" });
    for line in &lines {
        hasher.update(format!(
            "{}|{}|{}|{}|{}|{}\n",
            line.line,
            line.case_reference,
            line.session_id,
            line.status.code(),
            line.minutes,
            line.reason.as_deref().unwrap_or("")
        ));
    }
    for bad in &unreadable {
        hasher.update(format!("{}|{}|{}\n", bad.line, bad.field, bad.code));
    }
    let request_hash = format!("{:x}", hasher.finalize());
    let course_id = path.into_inner();
    let actor = actor(&caller, &request_id);
    let mode = if all_or_nothing { "all_or_nothing" } else { "accept_valid" };
    let answer = crate::clock::block(move || -> Result<Answer, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let key = Idempotency { organisation: actor.organisation.clone(), key, request_hash };
        idempotency::run(&mut conn, Some(&key), &actor, now, |conn| {
            let report = parcours_store::attendance::record_attendance(
                conn,
                &course_id,
                &operator,
                &lines,
                unreadable,
                all_or_nothing,
                &actor,
                now,
            )?
            .ok_or(ApiError::NotFound)?;
            if all_or_nothing && !report.rejected.is_empty() {
                return Err(ApiError::AttendanceRejected(
                    report
                        .rejected
                        .iter()
                        .map(|r| {
                            FieldError::new(
                                format!("lines[{}].{}", r.line, r.field),
                                r.code,
                                r.message.fr,
                                r.message.en,
                            )
                        })
                        .collect(),
                ));
            }
            let mut answer = Answer::ok(&report_dto(&report, mode))?;
            // Only a batch that wrote something is replayed; a refused one can be corrected and sent again.
            answer.keep = report.committed;
            Ok(answer)
        })
    })
    .await??;
    Ok(answer.respond())
}

fn report_dto(report: &BatchReport, mode: &str) -> BatchReportDto {
    BatchReportDto {
        batch_id: report.batch_id.clone(),
        mode: mode.to_owned(),
        committed: report.committed,
        accepted: report.accepted,
        corrections: report.corrections,
        rejected: report
            .rejected
            .iter()
            .map(|r| RejectedLineDto {
                line: r.line,
                field: r.field.to_owned(),
                code: r.code.to_owned(),
                message: crate::dto::Bilingual { fr: r.message.fr.to_owned(), en: r.message.en.to_owned() },
            })
            .collect(),
    }
}
