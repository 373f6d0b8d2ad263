//! `GET /v1/persons/{id}/access-package`: the answer to the person's right of access (GDPR art. 15), as a
//! ZIP the CRI hands over: `donnees.json` (everything stored about the person, by category of the register:
//! identity, contact, pathway, attendance, health, social, sanction; the sealed notes and evidence opened),
//! `resume.pdf` (a French summary: purposes, categories, recipients, retention, rights),
//! `rapport-acces.json` (every operation on the file, as `GET /v1/persons/{id}/access-report`) and
//! `destinataires.json` (the organisations that received or consulted the data). For the data protection
//! officer or the CRI competent for the person; audited.

use std::collections::BTreeMap;
use std::io::Write as _;

use actix_web::{HttpResponse, get, web};
use parcours_documents::data_protection::{AccessSummary, CategorySummary, RecipientLine, render_access_summary};
use parcours_store::access_package::TableRows;
use parcours_store::personal_data::Category;
use serde_json::{Map, Value, json};

use super::get_access_report::{AccessReport, report_of};
use crate::auth::PersonalDataReader;
use crate::problem::{ApiError, Problem};
use crate::request::{RequestId, actor};
use crate::state::AppState;

/// The categories of the package, in the register's order, with their French names.
const CATEGORIES: [(Category, &str); 7] = [
    (Category::Identity, "Identité"),
    (Category::Contact, "Coordonnées"),
    (Category::Pathway, "Parcours"),
    (Category::Attendance, "Formations et présences"),
    (Category::Health, "Santé"),
    (Category::Social, "Situation sociale"),
    (Category::Sanction, "Manquements et sanctions"),
];

/// What a table holds, in the French of the summary.
fn table_label(table: &str) -> &str {
    match table {
        "persons" => "fiche de la personne",
        "person_identities" => "version(s) ou signalement(s) de votre identité",
        "arrivals" => "signalement(s) par la commune",
        "determinations" => "décision(s) sur l'obligation de suivre le parcours",
        "cases" => "dossier(s) au centre régional d'intégration",
        "case_events" => "étape(s) du dossier",
        "outbox_events" => "avis envoyé(s) aux organismes destinataires",
        "enrolments" => "inscription(s) à des cours",
        "attendance_records" => "présence(s) déclarée(s) par les opérateurs de formation",
        "case_axis_minutes" => "total(aux) d'heures par axe",
        "attestations" => "attestation(s) de fréquentation",
        "reminders" => "rappel(s) avant une échéance",
        "course_offers" => "place(s) de cours proposée(s)",
        "non_compliances" => "manquement(s) constaté(s)",
        "sanction_procedures" => "procédure(s) de sanction",
        "sanction_steps" => "étape(s) de procédure de sanction",
        "identity_conflicts" => "contrôle(s) d'identité",
        "person_merges" => "fusion(s) de doublons",
        "legal_holds" => "mesure(s) de conservation pour une raison légale",
        "data_requests" => "demande(s) sur vos données",
        "parameter_review_items" => "réexamen(s) après un changement de paramètre de la loi",
        other => other,
    }
}

/// A field, in the French of the summary (the JSON keeps the column names).
fn field_label(field: &str) -> String {
    // A JSON field is named by its last segment (`state_json.social_assessment.sensitive_notes`).
    let last = field.rsplit('.').next().unwrap_or(field).trim_end_matches("[]");
    let label = match last {
        "niss" => "numéro national",
        "surname" => "nom",
        "given_names" => "prénoms",
        "birth_date" => "date de naissance",
        "sex" => "sexe",
        "nationality" => "nationalité",
        "residence_document" => "titre de séjour",
        "family_link" => "lien familial",
        "payload_json" | "contact" => "coordonnées",
        "email" => "adresse électronique",
        "phone" => "téléphone",
        "address" => "adresse",
        "language" => "langue",
        "details" => "votre demande",
        "reason" | "reason_fr" | "reason_en" | "review_reason" | "lift_reason" => "motif",
        "facts_json" => "faits examinés",
        "result_json" => "décision et ses motifs",
        "state_json" => "contenu du dossier",
        "status" | "state" => "statut",
        "kind" | "event_type" => "type",
        "summary" => "résumé",
        "cri_code" => "centre régional d'intégration",
        "commune_nis" => "commune",
        "cpas" | "cpas_nis" => "CPAS",
        "claimed_dispensations" => "dispenses invoquées",
        "granted_dispensations" => "dispenses accordées",
        "sensitive_notes" => "notes du bilan social",
        "needs" => "besoins",
        "topic" => "aide administrative",
        "evidence" => "justificatif de dispense",
        "force_majeure" => "force majeure",
        "minutes" => "durée",
        "axes" => "axes du parcours",
        "content_json" => "contenu de l'attestation",
        "finding" => "constat",
        "signed_payload" => "données signées du code QR",
        "reported_by_org" => "commune qui a signalé",
        "actor_organisation" | "author_organisation" | "source_org" => "organisme qui a agi",
        "basis" => "base légale",
        "rules_version" => "version des règles",
        "cri_payload" | "commune_payload" | "cpas_payload" => "contenu de l'avis",
        "copies" => "copies imprimées",
        "volunteer_request" => "demande de parcours volontaire",
        "obliged" => "obligation",
        "presentation_missed_notified" | "completion_missed_notified_for" => "échéance dépassée signalée",
        "competent_cri" => "CRI compétent",
        "regime" => "régime",
        "as_of" => "date",
        "deadline" | "due_on" | "present_by" | "complete_by" => "échéance",
        other if other.ends_with("_at") || other.ends_with("_on") || other.ends_with("_date") => "date",
        other => other,
    };
    label.to_owned()
}

/// The value at a path of the inventory (`a.b`, `a[].b`) in a JSON value, if any.
fn at_path(value: &Value, path: &str) -> Option<Value> {
    let Some((head, rest)) = path.split_once('.') else {
        return match path.strip_suffix("[]") {
            Some(list) => value.get(list).cloned(),
            None => value.get(path).cloned(),
        };
    };
    match head.strip_suffix("[]") {
        Some(list) => {
            let items: Vec<Value> =
                value.get(list)?.as_array()?.iter().filter_map(|item| at_path(item, rest)).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        None => at_path(value.get(head)?, rest),
    }
}

/// The file by category: for each category, for each table, one entry per row with the columns (and the
/// JSON fields) of that category, and the row's id to relate the entries.
fn by_category(file: &[TableRows]) -> Map<String, Value> {
    let mut categories: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for (category, _) in CATEGORIES {
        categories.insert(category.code(), Map::new());
    }
    for table in file {
        for row in &table.rows {
            let mut entries: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
            for column in table.table.columns {
                let Some(value) = row.get(column.name) else { continue };
                if value.is_null() {
                    continue;
                }
                if CATEGORIES.iter().any(|(c, _)| *c == column.category) {
                    entries.entry(column.category.code()).or_default().insert(column.name.to_owned(), value.clone());
                }
                for (path, category) in column.json_fields {
                    if *category != column.category
                        && CATEGORIES.iter().any(|(c, _)| c == category)
                        && let Some(found) = at_path(value, path)
                    {
                        entries.entry(category.code()).or_default().insert(format!("{}.{path}", column.name), found);
                    }
                }
            }
            let id = row.get("id").or_else(|| row.get("serial")).cloned();
            for (category, mut entry) in entries {
                if let Some(id) = &id {
                    entry.insert("id".into(), id.clone());
                }
                let tables = categories.entry(category).or_default();
                let rows = tables.entry(table.table.table.to_owned()).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(rows) = rows {
                    rows.push(Value::Object(entry));
                }
            }
        }
    }
    categories.into_iter().map(|(code, tables)| (code.to_owned(), Value::Object(tables))).collect()
}

/// The French lines of the summary for one category.
fn summary_of(categories: &Map<String, Value>) -> Vec<CategorySummary> {
    CATEGORIES
        .iter()
        .filter_map(|(category, name)| {
            let tables = categories.get(category.code())?.as_object()?;
            let lines: Vec<String> = tables
                .iter()
                .map(|(table, rows)| {
                    let count = rows.as_array().map_or(0, Vec::len);
                    let mut fields: Vec<String> = rows
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_object)
                        .flat_map(|row| row.keys().filter(|k| *k != "id").map(|k| field_label(k)))
                        .collect();
                    fields.sort();
                    fields.dedup();
                    format!("{count} {} ({})", table_label(table), fields.join(", "))
                })
                .collect();
            (!lines.is_empty()).then(|| CategorySummary { name: (*name).to_owned(), lines })
        })
        .collect()
}

/// What the package is made of: the data by category, the access report, the summary to render.
type Prepared = (Map<String, Value>, AccessReport, AccessSummary);

/// Reads a person's access package.
///
/// The answer to the person's right of access (GDPR art. 15), as a
/// ZIP the CRI hands over: `donnees.json` (everything stored about the person, by category of the register:
/// identity, contact, pathway, attendance, health, social, sanction; the sealed notes and evidence opened),
/// `resume.pdf` (a French summary: purposes, categories, recipients, retention, rights),
/// `rapport-acces.json` (every operation on the file, as `GET /v1/persons/{id}/access-report`) and
/// `destinataires.json` (the organisations that received or consulted the data). For the data protection
/// officer or the CRI competent for the person; audited.
#[utoipa::path(
    tag = "privacy",
    params(("id" = String, Path, description = "Person id")),
    responses(
        (status = 200, description = "The ZIP: donnees.json, resume.pdf, rapport-acces.json, destinataires.json",
         content_type = "application/zip", body = inline(crate::dto::BinaryFile)),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the data protection officer nor CRI staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown person, or not one the caller's CRI is competent for", body = Problem, content_type = "application/problem+json")
    ),
    security(("bearer" = []))
)]
#[get("/persons/{id}/access-package")]
pub async fn get_person_access_package(
    state: web::Data<AppState>,
    reader: PersonalDataReader,
    request_id: RequestId,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = actor(reader.caller(), &request_id);
    let id = path.into_inner();
    let prepared = crate::clock::block(move || -> Result<Option<Prepared>, ApiError> {
        let mut conn = state.store.conn()?;
        let now = state.clock.now();
        let cri = reader.cri().map(|c| c.code());
        let Some((person, mut file)) = parcours_store::access_package::person_file(&mut conn, &id, cri, &actor, now)?
        else {
            return Ok(None);
        };
        // The sealed notes and evidence are the person's data: opened for them.
        for table in file.iter_mut().filter(|t| t.table.table == "cases") {
            for row in &mut table.rows {
                let (Some(Value::String(case_id)), Some(stored)) = (row.get("id").cloned(), row.get("state_json"))
                else {
                    continue;
                };
                let mut case = parcours_store::cases::decode_case(&stored.to_string())?;
                crate::data_keys::open_case(&state.config.data_keys, &mut case, &case_id);
                let opened = serde_json::to_value(&case).map_err(|e| ApiError::Internal(e.to_string()))?;
                row.insert("state_json".into(), opened);
            }
        }
        let reference = state.reference_data(&mut conn)?;
        let rows = parcours_store::access_report::access_report(&mut conn, &person.id, &actor, now)?;
        let report = report_of(person.id.clone(), &rows, &reference, reader.sees_staff(), now);
        let categories = by_category(&file);
        let cri_code = reader
            .cri()
            .map(|c| c.code().to_owned())
            .or(parcours_store::persons::standing_of(&mut conn, &person.id)?.1);
        let known = cri_code.as_deref().and_then(|code| reference.cris().iter().find(|c| c.code.code() == code));
        let summary = AccessSummary {
            cri_name: known.map_or_else(|| "Service public de Wallonie".to_owned(), |c| c.name_fr.clone()),
            city: known.map_or_else(|| "Namur".to_owned(), |c| c.seat_city.clone()),
            holder: format!("{} {}", person.surname.to_uppercase(), person.given_names),
            categories: summary_of(&categories),
            recipients: report
                .recipients
                .iter()
                .map(|r| RecipientLine {
                    organisation: r.organisation_name.clone(),
                    operations: format!(
                        "{} opération(s), du {} au {}",
                        r.operations,
                        r.first_at.format("%d/%m/%Y"),
                        r.last_at.format("%d/%m/%Y")
                    ),
                })
                .collect(),
            issued_on: now.date(),
        };
        Ok(Some((categories, report, summary)))
    })
    .await??
    .ok_or(ApiError::NotFound)?;
    let (categories, report, summary) = prepared;
    let generated_at = report.generated_at;
    let person_id = report.person_id.clone();
    let pdf = super::super::attestations::render_off_thread("render-access-summary", move || {
        render_access_summary(&summary)
    })?;
    let data = json!({"person_id": person_id, "generated_at": generated_at, "categories": categories});
    let recipients = json!({"person_id": person_id, "recipients": report.recipients});
    let internal = |e: &dyn std::fmt::Display| ApiError::Internal(format!("access package: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stamp = {
        use chrono::{Datelike, Timelike};
        let t = generated_at.naive_utc();
        let part = |v: u32| u8::try_from(v).unwrap_or(0);
        let year = u16::try_from(t.year()).unwrap_or(1980);
        zip::DateTime::from_date_and_time(
            year,
            part(t.month()),
            part(t.day()),
            part(t.hour()),
            part(t.minute()),
            part(t.second()),
        )
        .unwrap_or_default()
    };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(stamp);
    let pretty = |value: &Value| serde_json::to_vec_pretty(value).map_err(|e| internal(&e));
    let report_json = serde_json::to_value(&report).map_err(|e| internal(&e))?;
    for (name, bytes) in [
        ("donnees.json", pretty(&data)?),
        ("resume.pdf", pdf),
        ("rapport-acces.json", pretty(&report_json)?),
        ("destinataires.json", pretty(&recipients)?),
    ] {
        zip.start_file(name, options).map_err(|e| internal(&e))?;
        zip.write_all(&bytes).map_err(|e| internal(&e))?;
    }
    let bytes = zip.finish().map_err(|e| internal(&e))?.into_inner();
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(("Content-Disposition", "attachment; filename=\"acces-donnees.zip\""))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes))
}
