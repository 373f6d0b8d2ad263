//! The `sanction_procedures` table: a procedure opened from a CRI's hand-over, stored as the domain's
//! aggregate (`state_json`) with its state in a column and a version for `If-Match`. The Region's
//! sanctioning officials read every procedure and nothing else of the case; the CRI holding the case reads
//! its own.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::case::CaseEvent;
use parcours_domain::sanction::{ProcedureState, SanctionProcedure};

use crate::audit::{self, Actor};
use crate::cases::CaseRecord;
use crate::feed::record_steps;
use crate::non_compliances::NonComplianceRecord;
use crate::sanction_steps::{self, SanctionStepRecord};
use crate::schema::{cases, sanction_procedures};
use crate::{DbConnection, StoreError, new_id};

/// A procedure row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = sanction_procedures)]
pub struct ProcedureRecord {
    /// Id.
    pub id: String,
    /// Reference (`CRIPEL-2026-000042-S1`).
    pub reference: String,
    /// The non-compliance it was opened from.
    pub non_compliance_id: String,
    /// Case.
    pub case_id: String,
    /// CRI that handed it over.
    pub cri_code: String,
    /// State.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: ProcedureState,
    /// The aggregate.
    pub state_json: String,
    /// Version (the ETag).
    pub version: i32,
    /// Opened.
    pub opened_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// A procedure with what a reader of it is shown.
#[derive(Debug, Clone)]
pub struct ProcedureView {
    /// The row.
    pub record: ProcedureRecord,
    /// The aggregate.
    pub procedure: SanctionProcedure,
    /// Its steps, in order.
    pub steps: Vec<SanctionStepRecord>,
    /// The case reference.
    pub case_reference: String,
}

fn encode(procedure: &SanctionProcedure) -> Result<String, StoreError> {
    serde_json::to_string(procedure).map_err(|e| StoreError::Corrupt(format!("procedure cannot be encoded: {e}")))
}

fn decode(record: &ProcedureRecord) -> Result<SanctionProcedure, StoreError> {
    serde_json::from_str(&record.state_json)
        .map_err(|e| StoreError::Corrupt(format!("procedure {} unreadable: {e}", record.id)))
}

fn view(conn: &mut DbConnection, record: ProcedureRecord, case_reference: String) -> Result<ProcedureView, StoreError> {
    let procedure = decode(&record)?;
    let steps = sanction_steps::steps_of(conn, &record.id)?;
    Ok(ProcedureView { record, procedure, steps, case_reference })
}

/// Opens a procedure (inside the case update of the CRI's hand-over): the row and its first step. The
/// case step is recorded by that update.
pub fn open_procedure(
    conn: &mut DbConnection,
    non_compliance: &NonComplianceRecord,
    case: &CaseRecord,
    procedure: &SanctionProcedure,
    opening: &CaseEvent,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<ProcedureRecord, StoreError> {
    let earlier: i64 =
        sanction_procedures::table.filter(sanction_procedures::case_id.eq(&case.id)).count().get_result(conn)?;
    let record = ProcedureRecord {
        id: new_id(),
        reference: format!("{}-S{}", case.reference, earlier + 1),
        non_compliance_id: non_compliance.id.clone(),
        case_id: case.id.clone(),
        cri_code: case.cri_code.clone(),
        state: procedure.state,
        state_json: encode(procedure)?,
        version: 1,
        opened_at: now,
        updated_at: now,
    };
    diesel::insert_into(sanction_procedures::table).values(record.clone()).execute(conn)?;
    sanction_steps::append(conn, &record.id, std::slice::from_ref(opening), actor, now)?;
    audit::append(conn, actor, "open_sanction_procedure", "sanction_procedure", Some(&record.id), None, now)?;
    Ok(record)
}

/// Who reads a procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcedureReader {
    /// A sanctioning official of the Region: every procedure.
    SanctionsOfficer,
    /// The CRI holding the case: its own.
    Cri(String),
}

fn scoped(
    conn: &mut DbConnection,
    id: &str,
    reader: &ProcedureReader,
) -> Result<Option<(ProcedureRecord, CaseRecord)>, StoreError> {
    let mut query = sanction_procedures::table
        .inner_join(cases::table)
        .filter(sanction_procedures::id.eq(id))
        .select((ProcedureRecord::as_select(), CaseRecord::as_select()))
        .into_boxed();
    if let ProcedureReader::Cri(cri) = reader {
        query = query.filter(cases::cri_code.eq(cri.clone()));
    }
    Ok(query.first(conn).optional()?)
}

/// One procedure as `reader` may see it, with its case (for the file); audited as a read.
pub fn get_procedure(
    conn: &mut DbConnection,
    id: &str,
    reader: &ProcedureReader,
    actor: &Actor,
    action: &str,
    now: NaiveDateTime,
) -> Result<Option<(ProcedureView, CaseRecord)>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some((record, case)) = scoped(conn, id, reader)? else { return Ok(None) };
        audit::append(conn, actor, action, "sanction_procedure", Some(id), None, now)?;
        let view = view(conn, record, case.reference.clone())?;
        Ok(Some((view, case)))
    })
}

/// Every procedure (sanctioning officials), of one state or all, oldest first; at most 500. Audited.
pub fn list_procedures(
    conn: &mut DbConnection,
    state: Option<ProcedureState>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ProcedureView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let mut query = sanction_procedures::table
            .inner_join(cases::table)
            .order((sanction_procedures::opened_at.asc(), sanction_procedures::id.asc()))
            .select((ProcedureRecord::as_select(), cases::reference, cases::person_id))
            .limit(500)
            .into_boxed();
        if let Some(state) = state {
            query = query.filter(sanction_procedures::state.eq(state.code()));
        }
        let rows: Vec<(ProcedureRecord, String, String)> = query.load(conn)?;
        let detail = format!("count={}", rows.len());
        let shown: Vec<String> = rows.iter().map(|row| row.2.clone()).collect();
        let action = "list_sanction_procedures";
        audit::append_showing(conn, actor, action, "sanction_procedure", None, Some(detail), &shown, now)?;
        // The steps of the whole page in one query: a page costs the same whatever its length.
        let ids: Vec<String> = rows.iter().map(|(record, _, _)| record.id.clone()).collect();
        let mut steps = sanction_steps::steps_of_many(conn, &ids)?;
        rows.into_iter()
            .map(|(record, case_reference, _)| {
                let procedure = decode(&record)?;
                let steps = steps.remove(&record.id).unwrap_or_default();
                Ok(ProcedureView { record, procedure, steps, case_reference })
            })
            .collect()
    })
}

/// The result of [`save_procedure`].
#[derive(Debug)]
pub enum SaveOutcome {
    /// No such procedure.
    NotFound,
    /// `If-Match` names an older version.
    Stale {
        /// The version now.
        current_version: i32,
    },
    /// Saved.
    Saved(Box<ProcedureView>),
}

/// Saves the procedure the domain changed (guarded by its version), appends its steps to the procedure's
/// log and to the case's timeline and feed, with the audit row, in one transaction.
pub fn save_procedure(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i32,
    procedure: &SanctionProcedure,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<SaveOutcome, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some((record, case)) = scoped(conn, id, &ProcedureReader::SanctionsOfficer)? else {
            return Ok(SaveOutcome::NotFound);
        };
        let changed = diesel::update(
            sanction_procedures::table.find(id).filter(sanction_procedures::version.eq(expected_version)),
        )
        .set((
            sanction_procedures::state.eq(procedure.state.code()),
            sanction_procedures::state_json.eq(encode(procedure)?),
            sanction_procedures::version.eq(expected_version + 1),
            sanction_procedures::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Ok(SaveOutcome::Stale { current_version: record.version });
        }
        sanction_steps::append(conn, id, steps, actor, now)?;
        record_steps(conn, case.step_subject(), &case.cri_code, steps, actor, now)?;
        let kinds: Vec<&str> = steps.iter().map(|s| s.kind.code()).collect();
        let detail = format!("steps={}", kinds.join(","));
        audit::append(conn, actor, "change_sanction_procedure", "sanction_procedure", Some(id), Some(detail), now)?;
        let record = sanction_procedures::table.find(id).select(ProcedureRecord::as_select()).first(conn)?;
        Ok(SaveOutcome::Saved(Box::new(view(conn, record, case.reference)?)))
    })
}
