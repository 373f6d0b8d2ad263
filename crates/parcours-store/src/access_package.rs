//! Everything stored about a person, for their right of access (GDPR art. 15): every row of every table that
//! belongs to them, found through the inventory of [`crate::personal_data`] (so that a new table or column
//! is in the answer as soon as it is tagged, which a test enforces for `schema.rs`). The audit trail is not
//! copied here: the access report presents it (who consulted the file, when, why).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::audit::{self, Actor};
use crate::personal_data::{INVENTORY, TableEntry};
use crate::schema::{appointments, cases, persons, sanction_procedures};
use crate::{DbConnection, StoreError};

/// Tables whose rows are not the person's file: the audit trail (the access report presents it), stored
/// idempotent responses (copies of answers already listed), the erasure batches (lists of ids).
const NOT_IN_THE_FILE: &[&str] = &["audit_log", "audit_subjects", "idempotency_keys", "erasure_batches"];

/// The rows of one table that belong to the person, each as column → value (JSON columns parsed).
#[derive(Debug, Clone)]
pub struct TableRows {
    /// The table, with its inventory (categories per column).
    pub table: &'static TableEntry,
    /// Its rows.
    pub rows: Vec<Map<String, Value>>,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    row: String,
}

fn quoted(ids: &[String]) -> Result<String, StoreError> {
    // Ids are this store's own (UUIDs); anything else is refused rather than quoted.
    if let Some(bad) = ids.iter().find(|id| !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')) {
        return Err(StoreError::Corrupt(format!("unexpected id {bad:?}")));
    }
    Ok(ids.iter().map(|id| format!("'{id}'")).collect::<Vec<_>>().join(", "))
}

/// Every row about the person (and the records merged into them), table by table in the inventory's order,
/// for a reader within scope (the Region's officer: `cri` absent; otherwise the CRI competent for the
/// person); audited as a read with the person as subject. `None` outside the scope.
pub fn person_file(
    conn: &mut DbConnection,
    person_id: &str,
    cri: Option<&str>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<(crate::persons::PersonRecord, Vec<TableRows>)>, StoreError> {
    let Some(person) = crate::persons::find_person_in_scope(conn, person_id, cri)? else { return Ok(None) };
    let person_id = person.id.as_str();
    let mut people: Vec<String> =
        persons::table.filter(persons::merged_into.eq(person_id)).select(persons::id).load(conn)?;
    people.push(person_id.to_owned());
    let case_ids: Vec<String> = cases::table.filter(cases::person_id.eq_any(&people)).select(cases::id).load(conn)?;
    let procedure_ids: Vec<String> = sanction_procedures::table
        .filter(sanction_procedures::case_id.eq_any(&case_ids))
        .select(sanction_procedures::id)
        .load(conn)?;
    // Interpreting requests hang on the person's appointments.
    let appointment_ids: Vec<String> =
        appointments::table.filter(appointments::case_id.eq_any(&case_ids)).select(appointments::id).load(conn)?;
    let (people_in, cases_in, procedures_in) = (quoted(&people)?, quoted(&case_ids)?, quoted(&procedure_ids)?);
    let appointments_in = quoted(&appointment_ids)?;
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    let mut file = Vec::new();
    for table in INVENTORY.iter().filter(|t| !NOT_IN_THE_FILE.contains(&t.table)) {
        let has = |name: &str| table.columns.iter().any(|c| c.name == name);
        let link = if table.table == "persons" {
            format!("id IN ({people_in})")
        } else if table.table == "person_merges" {
            format!("kept_person_id IN ({people_in}) OR merged_person_id IN ({people_in})")
        } else if has("person_id") {
            format!("person_id IN ({people_in})")
        } else if has("case_id") && !case_ids.is_empty() {
            format!("case_id IN ({cases_in})")
        } else if has("procedure_id") && !procedure_ids.is_empty() {
            format!("procedure_id IN ({procedures_in})")
        } else if has("appointment_id") && !appointment_ids.is_empty() {
            format!("appointment_id IN ({appointments_in})")
        } else {
            continue;
        };
        let pairs: Vec<String> = table.columns.iter().map(|c| format!("'{0}', {0}", c.name)).collect();
        let object = if postgres {
            format!("json_build_object({})::text", pairs.join(", "))
        } else {
            format!("json_object({})", pairs.join(", "))
        };
        let rows: Vec<JsonRow> =
            diesel::sql_query(format!("SELECT {object} AS row FROM {} WHERE {link}", table.table)).load(conn)?;
        if rows.is_empty() {
            continue;
        }
        let rows = rows
            .into_iter()
            .map(|row| {
                let mut map: Map<String, Value> = serde_json::from_str(&row.row)
                    .map_err(|e| StoreError::Corrupt(format!("{}: row unreadable: {e}", table.table)))?;
                // JSON held in text columns is given as JSON, not as a string to parse again.
                for value in map.values_mut() {
                    if let Value::String(text) = value
                        && (text.starts_with('{') || text.starts_with('['))
                        && let Ok(parsed) = serde_json::from_str::<Value>(text)
                    {
                        *value = parsed;
                    }
                }
                Ok(map)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        file.push(TableRows { table, rows });
    }
    crate::write_transaction(conn, |conn| {
        let shown = [person_id.to_owned()];
        let tables = file.iter().map(|t| t.table.table).collect::<Vec<_>>().join(",");
        audit::append_showing(conn, actor, "read_access_package", "person", Some(person_id), Some(tables), &shown, now)
    })?;
    Ok(Some((person, file)))
}
