//! The `parameter_values` and `parameter_review_items` tables: the Region's values for the law's open
//! quantities, from their effective dates, and the open cases each value would change, for the CRIs to
//! review. Values are never edited; a new value for the same parameter and date supersedes the earlier one,
//! which stays in the history.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::Parameters;

use crate::audit::{self, Actor};
use crate::schema::{cases, parameter_review_items, parameter_values, reference_versions};
use crate::{DbConnection, StoreError};

/// A value the Region recorded.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = parameter_values)]
pub struct ParameterValueRecord {
    /// Id.
    pub id: String,
    /// Parameter name.
    pub name: String,
    /// First day the value applies (to reference dates from that day on).
    pub valid_from: NaiveDate,
    /// The value, in the text form of `docs/rules.md`.
    pub value_text: String,
    /// The legal act or document it comes from.
    pub legal_source: String,
    /// Why.
    pub reason: String,
    /// When recorded.
    pub recorded_at: NaiveDateTime,
    /// Who recorded it (organisation).
    pub recorded_by: String,
    /// When a later value for the same parameter and date replaced it.
    pub superseded_at: Option<NaiveDateTime>,
    /// When the review job listed the open cases it would change.
    pub reviewed_at: Option<NaiveDateTime>,
}

/// An open case a value would change.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = parameter_review_items)]
pub struct ReviewItemRecord {
    /// Id.
    pub id: String,
    /// The value.
    pub parameter_value_id: String,
    /// The case.
    pub case_id: String,
    /// Its CRI.
    pub cri_code: String,
    /// Status under the values before.
    pub status_before: String,
    /// Status with the new value.
    pub status_after: String,
    /// What else changes (regime, CRI, deadlines), as `field: before -> after` lines.
    pub changes: String,
    /// When the job found it.
    pub found_at: NaiveDateTime,
}

/// Records a new value (superseding one for the same parameter and date), bumps the reference version so
/// every replica reloads, and audits it.
pub fn record(
    conn: &mut DbConnection,
    value: &ParameterValueRecord,
    actor: &Actor,
) -> Result<ParameterValueRecord, StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::update(
            parameter_values::table
                .filter(parameter_values::name.eq(&value.name))
                .filter(parameter_values::valid_from.eq(value.valid_from))
                .filter(parameter_values::superseded_at.is_null()),
        )
        .set(parameter_values::superseded_at.eq(Some(value.recorded_at)))
        .execute(conn)?;
        diesel::insert_into(parameter_values::table).values(value).execute(conn)?;
        diesel::update(reference_versions::table.filter(reference_versions::name.eq("parameters")))
            .set(reference_versions::version.eq(reference_versions::version + 1))
            .execute(conn)?;
        let detail = format!("{} from {}", value.name, value.valid_from);
        audit::append(
            conn,
            actor,
            "create_parameter_value",
            "parameter",
            Some(&value.id),
            Some(detail),
            value.recorded_at,
        )?;
        Ok(value.clone())
    })
}

/// Every value recorded, superseded ones included, oldest first.
pub fn history(conn: &mut DbConnection) -> Result<Vec<ParameterValueRecord>, StoreError> {
    Ok(parameter_values::table
        .order((parameter_values::recorded_at.asc(), parameter_values::id.asc()))
        .select(ParameterValueRecord::as_select())
        .load(conn)?)
}

/// The built-in parameters with every value in force applied, in the order they were recorded; `except`
/// leaves one value out (the review job's "before").
pub fn parameters_with(records: &[ParameterValueRecord], except: Option<&str>) -> Result<Parameters, StoreError> {
    let mut parameters = Parameters::default();
    for record in records.iter().filter(|r| r.superseded_at.is_none() && Some(r.id.as_str()) != except) {
        parameters
            .apply(&record.name, record.valid_from, &record.value_text)
            .map_err(|e| StoreError::Corrupt(format!("parameter value {}: {e:?}", record.id)))?;
    }
    Ok(parameters)
}

/// The parameters in force: built-in values and the Region's.
pub fn parameters_in_force(conn: &mut DbConnection) -> Result<Parameters, StoreError> {
    parameters_with(&history(conn)?, None)
}

/// The open cases (not closed) with their person, CRI and the id of the determination they rest on.
pub fn open_cases(conn: &mut DbConnection) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(cases::table
        .filter(cases::state.ne("closed"))
        .order(cases::id.asc())
        .select((cases::id, cases::person_id, cases::cri_code))
        .load(conn)?)
}

/// Stores what the review of `value_id` found and marks it reviewed, at once (a rerun after a crash finds
/// the same items and adds nothing twice).
pub fn finish_review(
    conn: &mut DbConnection,
    value_id: &str,
    items: &[ReviewItemRecord],
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::delete(parameter_review_items::table.filter(parameter_review_items::parameter_value_id.eq(value_id)))
            .execute(conn)?;
        // One statement per item: batch inserts are not portable across the two backends here.
        for item in items {
            diesel::insert_into(parameter_review_items::table).values(item).execute(conn)?;
        }
        diesel::update(parameter_values::table.find(value_id))
            .set(parameter_values::reviewed_at.eq(Some(now)))
            .execute(conn)?;
        Ok(())
    })
}

/// Values not yet reviewed, oldest first.
pub fn unreviewed(conn: &mut DbConnection) -> Result<Vec<ParameterValueRecord>, StoreError> {
    Ok(parameter_values::table
        .filter(parameter_values::reviewed_at.is_null())
        .filter(parameter_values::superseded_at.is_null())
        .order(parameter_values::recorded_at.asc())
        .select(ParameterValueRecord::as_select())
        .load(conn)?)
}

/// The review items a reader may see: one CRI's cases, or every case for the Region (`None`), newest
/// first, with the value they come from.
pub fn review_items(
    conn: &mut DbConnection,
    cri: Option<&str>,
    limit: i64,
) -> Result<Vec<(ReviewItemRecord, ParameterValueRecord)>, StoreError> {
    let mut query = parameter_review_items::table
        .inner_join(parameter_values::table)
        .order((parameter_review_items::found_at.desc(), parameter_review_items::id.asc()))
        .limit(limit)
        .select((ReviewItemRecord::as_select(), ParameterValueRecord::as_select()))
        .into_boxed();
    if let Some(cri) = cri {
        query = query.filter(parameter_review_items::cri_code.eq(cri.to_owned()));
    }
    Ok(query.load(conn)?)
}
