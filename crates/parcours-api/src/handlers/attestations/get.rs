//! `GET /v1/attestations/{serial}`: the issuing CRI reads an attestation, as JSON or as the original PDF
//! (`Accept: application/pdf`: the very bytes whose SHA-256 was recorded). The commune of reference of an
//! obliged holder may read it too, and the CPAS the CRI recorded for the holder (rule 5.2: they receive a
//! copy). The read is audited.

use actix_web::{HttpRequest, HttpResponse, get, web};
use parcours_store::DbConnection;
use parcours_store::attestations::{AttestationReader, AttestationRecord};

use super::{AttestationDto, document_of, pdf_response, render, sha256_hex, wants_pdf};
use crate::auth::{Agent, Caller, Organisation};
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The attestation, if `caller` may read it: its issuing CRI, the commune of the case's domicile for an
/// obliged holder, or the CPAS recorded on the case. Anything else reads as unknown.
pub fn readable(conn: &mut DbConnection, serial: &str, caller: &Caller) -> Result<AttestationRecord, ApiError> {
    let reader = match &caller.organisation {
        Organisation::Cri(cri) => AttestationReader::IssuingCri(cri.code().to_owned()),
        Organisation::Commune(nis) => AttestationReader::Commune(nis.to_string()),
        Organisation::Cpas(nis) => AttestationReader::Cpas(nis.to_string()),
        Organisation::Operator(_) | Organisation::Region(_) | Organisation::Ili(_) => return Err(ApiError::NotFound),
    };
    parcours_store::attestations::find_for(conn, serial, &reader)?.ok_or(ApiError::NotFound)
}

/// Reads an attestation.
///
/// The issuing CRI reads an attestation, as JSON or as the original PDF
/// (`Accept: application/pdf`: the very bytes whose SHA-256 was recorded). The commune of reference of an
/// obliged holder may read it too, and the CPAS the CRI recorded for the holder (rule 5.2: they receive a
/// copy). The read is audited.
#[utoipa::path(
    tag = "attestations",
    params(("serial" = String, Path, description = "Serial, e.g. CRIPEL-ATT-2026-000001")),
    responses(
        (status = 200, description = "The record (JSON), or the original PDF with `Accept: application/pdf`",
            content((AttestationDto = "application/json"), (inline(crate::dto::BinaryFile) = "application/pdf"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No role for this organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such attestation for this organisation", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/attestations/{serial}")]
pub async fn get_attestation(
    state: web::Data<AppState>,
    agent: Agent,
    request_id: RequestId,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let caller = agent.caller;
    let pdf = wants_pdf(&req);
    let serial = path.into_inner();
    let actor = actor(&caller, &request_id);
    let (record, body) = crate::clock::block(move || -> Result<_, ApiError> {
        let mut conn = state.store.conn()?;
        let record = readable(&mut conn, &serial, &caller)?;
        parcours_store::attestations::audit_read(
            &mut conn,
            &record,
            "read_attestation",
            "read",
            &actor,
            state.clock.now(),
        )?;
        if pdf {
            let bytes = render(document_of(&record, &state.config, None)?)?;
            if sha256_hex(&bytes) != record.pdf_sha256 {
                // The template or fonts changed since issue: never hand out a document that differs from
                // the one recorded.
                return Err(ApiError::Internal(format!("attestation {} no longer renders identically", record.serial)));
            }
            Ok((record, Err(bytes)))
        } else {
            Ok((record.clone(), Ok(AttestationDto::of(&record, &state.config)?)))
        }
    })
    .await??;
    Ok(match body {
        Ok(dto) => HttpResponse::Ok().json(dto),
        Err(bytes) => pdf_response(&record.serial, bytes, None),
    })
}
