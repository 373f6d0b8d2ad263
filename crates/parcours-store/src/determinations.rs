//! The `determinations` table: every decision of the rules engine about a person, with its facts and
//! result, and who may read a person's history (a CRI the person was routed to, or that holds a case).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::Status;

use crate::audit::{self, Actor};
use crate::schema::{cases as case_table, determinations};
use crate::{DbConnection, StoreError, new_id};

/// A determination to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDetermination {
    /// The outcome.
    pub status: Status,
    /// Regime code.
    pub regime: Option<String>,
    /// Competent CRI code.
    pub competent_cri: Option<String>,
    /// Reference date.
    pub reference_date: NaiveDate,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// Rules version.
    pub rules_version: String,
    /// The facts, as JSON.
    pub facts_json: String,
    /// The determination as communicated, as JSON.
    pub result_json: String,
}

/// A stored determination.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = determinations)]
pub struct DeterminationRecord {
    /// Id.
    pub id: String,
    /// Person.
    pub person_id: String,
    /// The outcome.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: Status,
    /// Regime code.
    pub regime: Option<String>,
    /// Competent CRI.
    pub competent_cri: Option<String>,
    /// Reference date.
    pub reference_date: NaiveDate,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// Rules version.
    pub rules_version: String,
    /// Facts JSON.
    pub facts_json: String,
    /// Result JSON.
    pub result_json: String,
    /// When.
    pub decided_at: NaiveDateTime,
    /// Organisation that triggered it.
    pub decided_by: String,
}

/// The determination history of a person, oldest first, only for a CRI competent for them (a
/// determination routed to it, or a case it holds). `None` when the person is unknown or out of scope.
pub fn person_determinations(
    conn: &mut DbConnection,
    person_id: &str,
    cri_code: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<Vec<DeterminationRecord>>, StoreError> {
    crate::write_transaction(conn, |conn| {
        // Scope first, in SQL: a determination routed to this CRI, or a case it holds.
        let routed: i64 = determinations::table
            .filter(determinations::person_id.eq(person_id))
            .filter(determinations::competent_cri.eq(cri_code))
            .count()
            .get_result(conn)?;
        let held: i64 = case_table::table
            .filter(case_table::person_id.eq(person_id))
            .filter(case_table::cri_code.eq(cri_code))
            .count()
            .get_result(conn)?;
        if routed + held == 0 {
            return Ok(None);
        }
        // A CRI that holds (or held) no case of the person, or lost it by a transfer, reads only the
        // determinations routed to it: what it did, not what followed.
        let holds_now: i64 = case_table::table
            .filter(case_table::person_id.eq(person_id))
            .filter(case_table::cri_code.eq(cri_code))
            .count()
            .get_result(conn)?;
        let mut query = determinations::table
            .filter(determinations::person_id.eq(person_id))
            .order(determinations::id.asc())
            .select(DeterminationRecord::as_select())
            .into_boxed();
        if holds_now == 0 {
            query = query.filter(determinations::competent_cri.eq(cri_code));
        }
        let rows: Vec<DeterminationRecord> = query.load(conn)?;
        if rows.is_empty() {
            return Ok(None);
        }
        audit::append(conn, actor, "read_person_determinations", "person", Some(person_id), None, now)?;
        Ok(Some(rows))
    })
}

/// Stores a new determination for a known person (for example after a CRI decided a dispensation).
pub fn insert_determination(
    conn: &mut DbConnection,
    person_id: &str,
    new: &NewDetermination,
    decided_by: &str,
    now: NaiveDateTime,
) -> Result<DeterminationRecord, StoreError> {
    let record = DeterminationRecord {
        id: new_id(),
        person_id: person_id.to_owned(),
        status: new.status,
        regime: new.regime.clone(),
        competent_cri: new.competent_cri.clone(),
        reference_date: new.reference_date,
        as_of: new.as_of,
        rules_version: new.rules_version.clone(),
        facts_json: new.facts_json.clone(),
        result_json: new.result_json.clone(),
        decided_at: now,
        decided_by: decided_by.to_owned(),
    };
    diesel::insert_into(determinations::table).values(record.clone()).execute(conn)?;
    Ok(record)
}

/// The most recent determination of a person.
pub fn latest_determination(
    conn: &mut DbConnection,
    person_id: &str,
) -> Result<Option<DeterminationRecord>, StoreError> {
    Ok(determinations::table
        .filter(determinations::person_id.eq(person_id))
        .order(determinations::id.desc())
        .select(DeterminationRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The communicated form (`result_json`) of one determination.
pub fn result_json_of(conn: &mut DbConnection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(determinations::table.find(id).select(determinations::result_json).first(conn).optional()?)
}

/// A dispensed determination counted by the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispensationCounted {
    /// The person, or the one they were merged into.
    pub person_id: String,
    /// The domicile's code in force on the reference date.
    pub commune_nis: String,
    /// The first dispensation the decision names (`D4`).
    pub dispensation: String,
    /// When decided.
    pub decided_at: NaiveDateTime,
}

/// A determination as the `determinations` statistics count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionCounted {
    /// The person, or the one they were merged into.
    pub person_id: String,
    /// The commune of domicile on the reference date.
    pub commune_nis: String,
    /// The first clause that decides the status ([`parcours_domain::statistics::deciding_reason`]).
    pub reason: &'static str,
    /// The nationality group on the reference date.
    pub nationality_group: &'static str,
    /// When decided.
    pub decided_at: NaiveDateTime,
}

/// Every determination decided in `[from, before)`, for the statistics: read from the communicated form
/// (`result_json`: its domicile and its reasons) and the person's nationality, which erasure keeps.
pub fn decided_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<DecisionCounted>, StoreError> {
    use crate::schema::persons;
    let rows: Vec<(String, Option<String>, String, String, NaiveDate, NaiveDateTime)> = determinations::table
        .inner_join(persons::table)
        .filter(determinations::decided_at.ge(from))
        .filter(determinations::decided_at.lt(before))
        .select((
            determinations::person_id,
            persons::merged_into,
            persons::nationality,
            determinations::result_json,
            determinations::reference_date,
            determinations::decided_at,
        ))
        .load(conn)?;
    let mut counted = Vec::with_capacity(rows.len());
    for (person_id, merged_into, nationality, result_json, reference_date, decided_at) in rows {
        let result: serde_json::Value = serde_json::from_str(&result_json)
            .map_err(|e| StoreError::Corrupt(format!("determination unreadable: {e}")))?;
        let commune = result["domicile"]["on_reference_date"].as_str();
        let status = &result["status"];
        let reason = result["reasons"].as_array().and_then(|reasons| {
            reasons
                .iter()
                .filter(|r| r["effect"] == *status)
                .find_map(|r| r["code"].as_str().and_then(parcours_domain::statistics::deciding_reason))
        });
        let nationality = parcours_domain::nationality::Nationality::parse(&nationality)
            .unwrap_or(parcours_domain::nationality::Nationality::Unknown);
        // A decision outside the published territory (no domicile in the French-language region, or
        // `OUTSIDE_WALLONIA`) has no deciding clause among the published ones and is not counted.
        if let (Some(commune), Some(reason)) = (commune, reason) {
            counted.push(DecisionCounted {
                person_id: merged_into.unwrap_or(person_id),
                commune_nis: commune.to_owned(),
                reason,
                nationality_group: parcours_domain::statistics::nationality_group(nationality, reference_date),
                decided_at,
            });
        }
    }
    Ok(counted)
}

/// Every determination decided in `[from, before)` whose status is dispensed, for the statistics; read from
/// the communicated form (`result_json`: its domicile and its reasons).
pub fn dispensed_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<DispensationCounted>, StoreError> {
    use crate::schema::persons;
    let rows: Vec<(String, Option<String>, String, NaiveDateTime)> = determinations::table
        .inner_join(persons::table)
        .filter(determinations::status.eq("dispensed"))
        .filter(determinations::decided_at.ge(from))
        .filter(determinations::decided_at.lt(before))
        .select((
            determinations::person_id,
            persons::merged_into,
            determinations::result_json,
            determinations::decided_at,
        ))
        .load(conn)?;
    let mut counted = Vec::with_capacity(rows.len());
    for (person_id, merged_into, result_json, decided_at) in rows {
        let result: serde_json::Value = serde_json::from_str(&result_json)
            .map_err(|e| StoreError::Corrupt(format!("determination unreadable: {e}")))?;
        let commune = result["domicile"]["on_reference_date"].as_str();
        let dispensation = result["reasons"].as_array().and_then(|reasons| {
            reasons.iter().find_map(|r| r["dispensation"].as_str().filter(|_| r["effect"] == "dispensed"))
        });
        // A dispensed decision always names its commune and its dispensation; one that does not (stored by
        // an older version) is left out rather than counted in a wrong cell.
        if let (Some(commune), Some(dispensation)) = (commune, dispensation) {
            counted.push(DispensationCounted {
                person_id: merged_into.unwrap_or(person_id),
                commune_nis: commune.to_owned(),
                dispensation: dispensation.to_owned(),
                decided_at,
            });
        }
    }
    Ok(counted)
}
