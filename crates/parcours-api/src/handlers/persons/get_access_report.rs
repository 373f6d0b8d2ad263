//! `GET /v1/persons/{id}/access-report`: who consulted or changed the person's data, when and for what
//! (GDPR art. 15; CJEU C-579/21 *Pankki S*: the dates and purposes of the consultations are owed to the
//! person, and the organisations that made them). Every audited operation is listed: single reads, lists
//! and feed pages that showed the person, public verifications of the person's attestation, replays of a
//! response that held the person's data, and the writes. The staff member who acted is shown only to the
//! data protection officer; the person and the CRI see the organisation. Reading the report is recorded,
//! and shows in the next one.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use parcours_domain::reference::{NisCode, ReferenceData};
use parcours_store::audit::AuditRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::PersonalDataReader;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// Whether an operation read the data or changed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// A read: the data was shown to the organisation.
    Consultation,
    /// A write: the data was recorded or changed.
    Modification,
}

/// The staff member who acted (the data protection officer only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StaffDetail {
    /// Token subject.
    #[schema(example = "agent-42")]
    pub subject: String,
    /// The roles acted under.
    #[schema(example = "cri_agent")]
    pub role: Option<String>,
}

/// One operation on the person's data.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessEntry {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Which organisation (`commune:62063`, `cri:CRIPEL`, `public:verifier`, `system`).
    #[schema(example = "commune:62063")]
    pub organisation: String,
    /// Its name, in French.
    #[schema(example = "Commune de Liège")]
    pub organisation_name: String,
    /// Read or write.
    pub kind: AccessKind,
    /// What for, in French.
    #[schema(example = "Consultation — suivi du parcours d'intégration (dossier)")]
    pub purpose_fr: String,
    /// What for, in English.
    #[schema(example = "Consultation — follow-up of the integration pathway (case)")]
    pub purpose_en: String,
    /// The route the request came through.
    #[schema(example = "GET /v1/cases/{id}")]
    pub route: Option<String>,
    /// The server's request id (to trace one request across the audit trail).
    pub request_id: String,
    /// Who acted, for the data protection officer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<StaffDetail>,
}

/// An organisation that received or recorded the person's data.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Recipient {
    /// The organisation.
    #[schema(example = "commune:62063")]
    pub organisation: String,
    /// Its name, in French.
    #[schema(example = "Commune de Liège")]
    pub organisation_name: String,
    /// How many operations.
    pub operations: usize,
    /// First one.
    pub first_at: DateTime<Utc>,
    /// Last one.
    pub last_at: DateTime<Utc>,
}

/// The person's access report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessReport {
    /// The person.
    pub person_id: String,
    /// When the report was made.
    pub generated_at: DateTime<Utc>,
    /// Every operation, oldest first.
    pub entries: Vec<AccessEntry>,
    /// The organisations, in order of their first operation.
    pub recipients: Vec<Recipient>,
}

/// The French and English name of an organisation as the audit trail names it.
pub fn organisation_name(reference: &ReferenceData, organisation: &str) -> String {
    let (kind, id) = organisation.split_once(':').unwrap_or((organisation, ""));
    let commune = || NisCode::parse(id).ok().and_then(|nis| reference.commune_name_fr(nis)).unwrap_or(id.to_owned());
    match kind {
        "commune" => format!("Commune de {}", commune()),
        "cpas" => format!("CPAS de {}", commune()),
        "cri" => reference
            .cris()
            .iter()
            .find(|cri| cri.code.code() == id)
            .map(|cri| cri.name_fr.clone())
            .unwrap_or_else(|| format!("CRI {id}")),
        "operator" => format!("Opérateur de formation {id}"),
        "region" => "Service public de Wallonie (Région)".to_owned(),
        "public" => "Vérification publique d'une attestation (anonyme)".to_owned(),
        "system" => "Parcours (traitement automatique)".to_owned(),
        _ => organisation.to_owned(),
    }
}

/// Whether an audited action read or wrote, and its purpose in French and English.
pub fn purpose_of(record: &AuditRecord) -> (AccessKind, String, String) {
    let action = record.action.as_str();
    let (kind, verb_fr, verb_en) = if action.starts_with("list_") {
        (AccessKind::Consultation, "Consultation dans une liste", "Consultation in a list")
    } else if action.starts_with("verify_") {
        (AccessKind::Consultation, "Vérification", "Verification")
    } else if action == "read_events" {
        (AccessKind::Consultation, "Notification", "Notification")
    } else if action.starts_with("replay_") {
        (AccessKind::Consultation, "Réponse renvoyée (requête répétée)", "Response sent again (repeated request)")
    } else if action.starts_with("read_") {
        (AccessKind::Consultation, "Consultation", "Consultation")
    } else if action.starts_with("erase_") {
        (AccessKind::Modification, "Effacement", "Erasure")
    } else if action.starts_with("approve_") || action.starts_with("reject_") {
        (AccessKind::Modification, "Décision", "Decision")
    } else if action.starts_with("lift_") {
        (AccessKind::Modification, "Levée", "Lifting")
    } else {
        (AccessKind::Modification, "Enregistrement", "Recording")
    };
    let (what_fr, what_en) = match record.resource_type.as_str() {
        "case" => ("suivi du parcours d'intégration (dossier)", "follow-up of the integration pathway (case)"),
        "arrival" => ("signalement par la commune", "report by the commune"),
        "person" if action == "read_access_report" => ("rapport d'accès aux données", "data access report"),
        "person" if action == "read_access_package" => {
            ("copie de vos données (droit d'accès)", "copy of the data (right of access)")
        }
        "person" if action.contains("attestation") => ("attestation de fréquentation", "attendance certificate"),
        "person" => ("identité de la personne", "the person's identity"),
        "determination" => ("décision sur l'obligation", "decision on the obligation"),
        "attestation" => ("attestation de fréquentation", "attendance certificate"),
        "event" => ("étape du parcours (flux d'événements)", "pathway step (event feed)"),
        "course" | "enrolment" => ("formation : inscription et présences", "training: enrolment and attendance"),
        "reminder" => ("rappel d'une échéance", "reminder of a deadline"),
        "non_compliance" | "sanction_procedure" => {
            ("manquement et procédure de sanction", "non-compliance and sanction")
        }
        "identity_conflict" => ("contrôle d'identité (doublons)", "identity check (duplicates)"),
        "idempotent_response" => ("création d'un enregistrement", "creation of a record"),
        "erasure_batch" => ("effacement au terme de la conservation", "erasure at the end of retention"),
        "legal_hold" => ("conservation pour une raison légale", "legal hold"),
        "data_request" => ("demande de la personne sur ses données", "the person's request about their data"),
        other => (other, other),
    };
    (kind, format!("{verb_fr} — {what_fr}"), format!("{verb_en} — {what_en}"))
}

/// The report from the audit rows.
pub fn report_of(
    person_id: String,
    rows: &[AuditRecord],
    reference: &ReferenceData,
    sees_staff: bool,
    now: chrono::NaiveDateTime,
) -> AccessReport {
    let mut recipients: BTreeMap<String, (usize, Recipient)> = BTreeMap::new();
    let entries: Vec<AccessEntry> = rows
        .iter()
        .map(|row| {
            let (kind, purpose_fr, purpose_en) = purpose_of(row);
            let organisation_name = organisation_name(reference, &row.organisation);
            let at = row.occurred_at.and_utc();
            let order = recipients.len();
            let entry = recipients.entry(row.organisation.clone()).or_insert_with(|| {
                (
                    order,
                    Recipient {
                        organisation: row.organisation.clone(),
                        organisation_name: organisation_name.clone(),
                        operations: 0,
                        first_at: at,
                        last_at: at,
                    },
                )
            });
            entry.1.operations += 1;
            entry.1.last_at = at;
            AccessEntry {
                occurred_at: at,
                organisation: row.organisation.clone(),
                organisation_name,
                kind,
                purpose_fr,
                purpose_en,
                route: row.route.clone(),
                request_id: row.request_id.clone(),
                staff: sees_staff.then(|| StaffDetail { subject: row.subject.clone(), role: row.role.clone() }),
            }
        })
        .collect();
    let mut recipients: Vec<(usize, Recipient)> = recipients.into_values().collect();
    recipients.sort_by_key(|(order, _)| *order);
    AccessReport {
        person_id,
        generated_at: now.and_utc(),
        entries,
        recipients: recipients.into_iter().map(|(_, recipient)| recipient).collect(),
    }
}

/// Reads a person's access report.
///
/// Who consulted or changed the person's data, when and for what
/// (GDPR art. 15; CJEU C-579/21 *Pankki S*: the dates and purposes of the consultations are owed to the
/// person, and the organisations that made them). Every audited operation is listed: single reads, lists
/// and feed pages that showed the person, public verifications of the person's attestation, replays of a
/// response that held the person's data, and the writes. The staff member who acted is shown only to the
/// data protection officer; the person and the CRI see the organisation. Reading the report is recorded,
/// and shows in the next one.
#[utoipa::path(
    tag = "persons",
    params(("id" = String, Path, description = "Person id (from an arrival or a case)")),
    responses(
        (status = 200, description = "Every operation on the person's data, oldest first", body = AccessReport),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the data protection officer nor CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or not one the caller's CRI is competent for", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/persons/{id}/access-report")]
pub async fn get_person_access_report(
    state: web::Data<AppState>,
    reader: PersonalDataReader,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(reader.caller(), &request_id);
    let id = path.into_inner();
    let report = crate::clock::block(move || -> Result<Option<AccessReport>, ApiError> {
        let mut conn = state.store.conn()?;
        let cri = reader.cri().map(|c| c.code());
        let Some(person) = parcours_store::persons::find_person_in_scope(&mut conn, &id, cri)? else { return Ok(None) };
        let reference = state.reference_data(&mut conn)?;
        let now = state.clock.now();
        let rows = parcours_store::access_report::access_report(&mut conn, &person.id, &actor, now)?;
        Ok(Some(report_of(person.id, &rows, &reference, reader.sees_staff(), now)))
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(report))
}
