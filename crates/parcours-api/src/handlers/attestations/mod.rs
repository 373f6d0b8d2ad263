//! The *attestation de fréquentation* (CWASS art. 152/7 §2; rules.md §5): issued by the CRI, printed as a
//! PDF, verifiable by anyone online (a token in its QR code) or offline (an Ed25519-signed payload in the
//! same QR code). Corrections supersede with a new serial; revocation needs a reason; reprints are counted.

pub mod copy;
pub mod get;
pub mod issue;
pub mod keys;
pub mod list;
pub mod page;
pub mod revocation;
pub mod verification;

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use parcours_documents::attestation::{AttestationDocument, AxisLine, render_attestation};
use parcours_store::attestations::AttestationRecord;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::config::Config;
use crate::problem::ApiError;

/// One axis as the attestation states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttestedAxisDto {
    /// `french`, `citizenship`, `orientation`.
    #[schema(example = "french")]
    pub axis: String,
    /// `met` (at or above the threshold), `waived` (French, by the placement test) or `not_required`.
    #[schema(example = "met")]
    pub outcome: String,
    /// Hours the convention required (0 when not required).
    pub required_hours: u32,
    /// Time attended, in minutes (CRI records and operator lines).
    pub attended_minutes: i64,
}

/// What an attestation states, fixed when it is issued (a correction is a new attestation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttestationContent {
    /// `pathway` (convention respected, R2016+) or `welcome_module` (R2014).
    #[schema(example = "pathway")]
    pub kind: String,
    /// Holder's surname.
    pub surname: String,
    /// Holder's given names.
    pub given_names: String,
    /// Holder's birth date.
    #[schema(value_type = String, format = Date)]
    pub birth_date: NaiveDate,
    /// Whether the holder was obliged (the commune of reference received a copy, rule 5.2).
    pub obliged: bool,
    /// Issuing CRI code.
    #[schema(example = "CRIPEL")]
    pub cri: String,
    /// Its official name.
    pub cri_name: String,
    /// Its office address, one line each.
    pub cri_address: Vec<String>,
    /// Regime of the case.
    #[schema(example = "R2018")]
    pub regime: String,
    /// Axes with their hours.
    pub axes: Vec<AttestedAxisDto>,
    /// Completion date.
    #[schema(value_type = String, format = Date)]
    pub completed_on: NaiveDate,
    /// Issue date.
    #[schema(value_type = String, format = Date)]
    pub issued_on: NaiveDate,
    /// Signatory's name (from the CRI's settings on the day of issue).
    pub signatory_name: String,
    /// Signatory's function.
    pub signatory_function: String,
    /// Legal basis.
    pub basis: String,
    /// The attestation this one corrects.
    pub supersedes: Option<String>,
    /// Why it was corrected.
    pub correction_reason: Option<String>,
}

/// An attestation as the issuing CRI reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"serial": "CRIPEL-ATT-2026-000001", "status": "valid", "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929",
    "content": {"kind": "pathway", "surname": "El Amrani", "given_names": "Samira", "birth_date": "1990-05-10", "obliged": true,
    "cri": "CRIPEL", "cri_name": "Centre Régional pour l'Intégration des personnes étrangères ou d'origine étrangère de Liège",
    "cri_address": ["Place Xavier Neujean 19b", "4000 Liège"], "regime": "R2018",
    "axes": [{"axis": "french", "outcome": "met", "required_hours": 400, "attended_minutes": 19200}],
    "completed_on": "2026-12-15", "issued_on": "2026-12-15", "signatory_name": "Marie Dupont", "signatory_function": "Directrice",
    "basis": "CWASS art. 152/7 §2 (décret du 28 avril 2016, tel que modifié)", "supersedes": null, "correction_reason": null},
    "pdf_sha256": "9f2c…", "template_version": 1,
    "verification_url": "https://parcours.example.be/verify/CRIPEL-ATT-2026-000001?t=…",
    "qr_text": "https://parcours.example.be/verify/CRIPEL-ATT-2026-000001?t=…#PA1.…",
    "issued_at": "2026-12-15T10:00:00Z", "superseded_by": null, "revoked_at": null, "revocation_reason": null, "copies": 0}))]
pub struct AttestationDto {
    /// Serial (one sequence per CRI and year).
    pub serial: String,
    /// `valid`, `revoked` or `superseded`.
    #[schema(example = "valid")]
    pub status: String,
    /// Case.
    pub case_id: String,
    /// What it states.
    pub content: AttestationContent,
    /// SHA-256 of the original PDF (hex): `GET /v1/attestations/{serial}` with `Accept: application/pdf`
    /// returns exactly these bytes.
    pub pdf_sha256: String,
    /// Template version it was printed with.
    pub template_version: i32,
    /// The address printed under its QR code (holds the verification token).
    pub verification_url: String,
    /// The whole text of its QR code: the address, then `#` and the Ed25519-signed offline payload
    /// (format in `docs/attestation-verification.md`).
    pub qr_text: String,
    /// When issued.
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: DateTime<Utc>,
    /// The attestation that corrects it.
    pub superseded_by: Option<String>,
    /// When revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why revoked.
    pub revocation_reason: Option<String>,
    /// Copies printed after the original.
    pub copies: i32,
}

/// The address printed on an attestation.
pub fn verification_url(config: &Config, serial: &str, token: &str) -> String {
    format!("{}/verify/{serial}?t={token}", config.public_base_url)
}

/// The stored content of a record.
pub fn content_of(record: &AttestationRecord) -> Result<AttestationContent, ApiError> {
    serde_json::from_str(&record.content_json).map_err(|e| ApiError::Internal(format!("attestation content: {e}")))
}

impl AttestationDto {
    /// The record as its CRI reads it.
    pub fn of(record: &AttestationRecord, config: &Config) -> Result<AttestationDto, ApiError> {
        Ok(AttestationDto {
            serial: record.serial.clone(),
            status: record.status.code().to_owned(),
            case_id: record.case_id.clone(),
            content: content_of(record)?,
            pdf_sha256: record.pdf_sha256.clone(),
            template_version: record.template_version,
            verification_url: verification_url(config, &record.serial, &record.verification_token),
            qr_text: parcours_documents::verification::qr_text(
                &verification_url(config, &record.serial, &record.verification_token),
                &record.signed_payload,
            ),
            issued_at: record.issued_at.and_utc(),
            superseded_by: record.superseded_by.clone(),
            revoked_at: record.revoked_at.map(|t| t.and_utc()),
            revocation_reason: record.revocation_reason.clone(),
            copies: record.copies,
        })
    }
}

/// The document printed for `record` (`copy` for a reprint).
pub fn document_of(
    record: &AttestationRecord,
    config: &Config,
    copy: Option<u32>,
) -> Result<AttestationDocument, ApiError> {
    let content = content_of(record)?;
    let url = verification_url(config, &record.serial, &record.verification_token);
    Ok(AttestationDocument {
        serial: record.serial.clone(),
        kind: content.kind,
        surname: content.surname,
        given_names: content.given_names,
        birth_date: content.birth_date,
        cri_name: content.cri_name,
        cri_address: content.cri_address,
        regime: content.regime,
        axes: content
            .axes
            .into_iter()
            .map(|a| AxisLine {
                axis: a.axis,
                outcome: a.outcome,
                required_hours: a.required_hours,
                attended_minutes: a.attended_minutes,
            })
            .collect(),
        completed_on: content.completed_on,
        issued_on: content.issued_on,
        basis: content.basis,
        signatory_name: content.signatory_name,
        signatory_function: content.signatory_function,
        qr_text: parcours_documents::verification::qr_text(&url, &record.signed_payload),
        verification_url: url,
        supersedes: content.supersedes,
        copy,
    })
}

/// How long a rendering may take before the request gives up (a rendering takes milliseconds).
const RENDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Renders on its own thread with a timeout, so that a pathological document cannot hold a worker.
pub fn render(document: AttestationDocument) -> Result<Vec<u8>, ApiError> {
    render_off_thread("render-attestation", move || render_attestation(&document))
}

/// Renders a document on its own thread with [`RENDER_TIMEOUT`], so that a request thread never waits on
/// a rendering that went wrong (used for attestations and information letters).
pub fn render_off_thread(
    name: &str,
    render: impl FnOnce() -> Result<Vec<u8>, parcours_documents::DocumentError> + Send + 'static,
) -> Result<Vec<u8>, ApiError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let _ = sender.send(render());
        })
        .map_err(|e| ApiError::Internal(format!("cannot start rendering: {e}")))?;
    match receiver.recv_timeout(RENDER_TIMEOUT) {
        Ok(Ok(pdf)) => Ok(pdf),
        Ok(Err(error)) => Err(ApiError::Internal(format!("{name} failed: {error}"))),
        Err(_) => Err(ApiError::Unavailable(format!("{name} timed out"))),
    }
}

/// SHA-256 in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Whether the request asks for the PDF (`Accept: application/pdf`).
pub fn wants_pdf(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/pdf"))
}

/// A PDF response.
pub fn pdf_response(serial: &str, pdf: Vec<u8>, copy: Option<u32>) -> actix_web::HttpResponse {
    let name = match copy {
        Some(copy) => format!("{serial}-copie-{copy}.pdf"),
        None => format!("{serial}.pdf"),
    };
    actix_web::HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", format!("inline; filename=\"{name}\"")))
        .body(pdf)
}
