//! The `erasure_batches` table and the erasure itself (GDPR art. 5(1)(e), art. 17). The `retention_review`
//! job proposes a batch: a dry-run report of the persons whose file is due (the domain decides:
//! `parcours_domain::retention::erasure_status`) and of those it is due for but blocked. A privacy officer of
//! the Region approves or rejects it; the next run erases each approved person in one transaction, after
//! checking again that the file is still due and not blocked.
//!
//! Erasure pseudonymises (`docs/decisions.md`, 25): the person's row stays as a tombstone ("erased under
//! batch B at T") with a pseudonym for the national number, no names, the birth year only; their reported
//! identities likewise; every JSON column that belongs to them loses the strings that carried their
//! identity; the sealed notes and evidence are dropped; stored idempotent responses that named them are
//! deleted. What the statistics count (statuses, regimes, dates of the pathway, hours, sex, nationality,
//! birth year) is kept. The append-only tables (audit trail, timeline, sanction steps) hold only ids, which
//! now lead to the tombstone.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::parameters::Parameters;
use parcours_domain::retention::{
    ERASED_NAME, ErasureStatus, RetentionFacts, erased_niss, erasure_status, pseudonymised_birth_date,
};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor};
use crate::cases::{decode_case, encode_case};
use crate::schema::{
    arrivals, attestations, cases, data_requests, determinations, erasure_batches, idempotency_keys, person_identities,
    persons, sanction_procedures,
};
use crate::{DbConnection, StoreError, new_id};

/// A person due for erasure, in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueEntry {
    /// The person.
    pub person_id: String,
    /// Due since.
    pub due_since: NaiveDate,
    /// The retention parameter whose period ran out.
    pub rule: String,
    /// Rows the erasure will change, per table.
    pub rows: BTreeMap<String, i64>,
}

/// A person whose erasure is due but blocked, in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedEntry {
    /// The person.
    pub person_id: String,
    /// Due since.
    pub due_since: NaiveDate,
    /// `sanction_procedure_open` or `legal_hold`.
    pub block: String,
}

/// The dry-run report of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureReport {
    /// The day the review ran.
    pub reviewed_on: NaiveDate,
    /// The retention periods applied, in years (UNCONFIRMED parameters).
    pub periods: BTreeMap<String, u32>,
    /// Due.
    pub due: Vec<DueEntry>,
    /// Due but blocked (listed so that the officer sees them; not erased).
    pub blocked: Vec<BlockedEntry>,
}

/// A person left out at execution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedEntry {
    /// The person.
    pub person_id: String,
    /// Why (`kept`, `sanction_procedure_open`, `legal_hold`, `already_erased`).
    pub reason: String,
}

/// What the execution did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErasureOutcome {
    /// Erased.
    pub erased: Vec<String>,
    /// Left out, with the reason.
    pub skipped: Vec<SkippedEntry>,
}

/// A batch as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = erasure_batches)]
pub struct ErasureBatchRecord {
    /// Id.
    pub id: String,
    /// `proposed`, `approved`, `rejected`, `executed`.
    pub status: String,
    /// When the review proposed it.
    pub proposed_at: NaiveDateTime,
    /// The report (JSON [`ErasureReport`]).
    pub report_json: String,
    /// The officer who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<NaiveDateTime>,
    /// Why.
    pub decision_reason: Option<String>,
    /// When it was executed.
    pub executed_at: Option<NaiveDateTime>,
    /// What the execution did (JSON [`ErasureOutcome`]).
    pub outcome_json: Option<String>,
}

impl ErasureBatchRecord {
    /// The report.
    pub fn report(&self) -> Result<ErasureReport, StoreError> {
        serde_json::from_str(&self.report_json)
            .map_err(|e| StoreError::Corrupt(format!("erasure report unreadable: {e}")))
    }

    /// The outcome, once executed.
    pub fn outcome(&self) -> Result<Option<ErasureOutcome>, StoreError> {
        self.outcome_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("erasure outcome unreadable: {e}")))
    }
}

/// What the store knows about a person's file, for the domain's retention rule.
pub fn retention_facts(conn: &mut DbConnection, person_id: &str) -> Result<RetentionFacts, StoreError> {
    retention_facts_of_many(conn, &[person_id.to_owned()])?
        .remove(person_id)
        .ok_or_else(|| StoreError::Corrupt(format!("person {person_id} not found for the retention review")))
}

/// [`retention_facts`] of many persons in seven queries whatever their number (the review reads every
/// person: one query per person and table took about 50 s at 100,000 persons).
pub fn retention_facts_of_many(
    conn: &mut DbConnection,
    person_ids: &[String],
) -> Result<std::collections::HashMap<String, RetentionFacts>, StoreError> {
    use std::collections::HashMap;
    let stored: Vec<(String, String, String)> = cases::table
        .filter(cases::person_id.eq_any(person_ids))
        .select((cases::person_id, cases::id, cases::state_json))
        .load(conn)?;
    let case_ids: Vec<&str> = stored.iter().map(|(_, id, _)| id.as_str()).collect();
    let reported: HashMap<String, Option<NaiveDateTime>> = arrivals::table
        .filter(arrivals::person_id.eq_any(person_ids))
        .group_by(arrivals::person_id)
        .select((arrivals::person_id, diesel::dsl::max(arrivals::reported_at)))
        .load(conn)?
        .into_iter()
        .collect();
    let decided: HashMap<String, Option<NaiveDateTime>> = determinations::table
        .filter(determinations::person_id.eq_any(person_ids))
        .group_by(determinations::person_id)
        .select((determinations::person_id, diesel::dsl::max(determinations::decided_at)))
        .load(conn)?
        .into_iter()
        .collect();
    let created: Vec<(String, NaiveDateTime)> =
        persons::table.filter(persons::id.eq_any(person_ids)).select((persons::id, persons::created_at)).load(conn)?;
    let attested: HashMap<String, Option<NaiveDate>> = attestations::table
        .filter(attestations::person_id.eq_any(person_ids))
        .group_by(attestations::person_id)
        .select((attestations::person_id, diesel::dsl::max(attestations::issued_on)))
        .load(conn)?
        .into_iter()
        .collect();
    let cases_in_procedure: std::collections::HashSet<String> = sanction_procedures::table
        .filter(sanction_procedures::case_id.eq_any(&case_ids))
        .filter(sanction_procedures::state.ne("closed"))
        .select(sanction_procedures::case_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let held = crate::legal_holds::held_among(conn, person_ids)?;
    let mut facts = HashMap::with_capacity(created.len());
    for (person_id, created_at) in created {
        let mut open_case = false;
        let mut had_case = false;
        let mut last_case_closed_on: Option<NaiveDate> = None;
        let mut open_sanction_procedure = false;
        for (_, case_id, json) in stored.iter().filter(|(owner, _, _)| *owner == person_id) {
            had_case = true;
            match &decode_case(json)?.closure {
                Some(closure) => last_case_closed_on = last_case_closed_on.max(Some(closure.date)),
                None => open_case = true,
            }
            open_sanction_procedure |= cases_in_procedure.contains(case_id);
        }
        let reported = reported.get(&person_id).copied().flatten();
        let decided = decided.get(&person_id).copied().flatten();
        let last_reported_on = reported.max(decided).unwrap_or(created_at).date();
        let record = RetentionFacts {
            open_case,
            last_case_closed_on: if open_case { None } else { last_case_closed_on },
            had_case,
            last_reported_on,
            attestation_issued_on: attested.get(&person_id).copied().flatten(),
            open_sanction_procedure,
            legal_hold: held.contains(&person_id),
        };
        facts.insert(person_id, record);
    }
    Ok(facts)
}

/// The records that are one person: the kept record and those merged into it.
fn records_of(conn: &mut DbConnection, person_id: &str) -> Result<Vec<String>, StoreError> {
    let mut ids: Vec<String> =
        persons::table.filter(persons::merged_into.eq(person_id)).select(persons::id).load(conn)?;
    ids.push(person_id.to_owned());
    Ok(ids)
}

/// Rows the erasure of the person will change, per table.
fn rows_affected(conn: &mut DbConnection, person_id: &str) -> Result<BTreeMap<String, i64>, StoreError> {
    let ids = records_of(conn, person_id)?;
    let mut rows = BTreeMap::new();
    rows.insert("persons".to_owned(), ids.len() as i64);
    rows.insert(
        "person_identities".to_owned(),
        person_identities::table.filter(person_identities::person_id.eq_any(&ids)).count().get_result(conn)?,
    );
    rows.insert(
        "determinations".to_owned(),
        determinations::table.filter(determinations::person_id.eq_any(&ids)).count().get_result(conn)?,
    );
    rows.insert(
        "arrivals".to_owned(),
        arrivals::table.filter(arrivals::person_id.eq_any(&ids)).count().get_result(conn)?,
    );
    rows.insert("cases".to_owned(), cases::table.filter(cases::person_id.eq_any(&ids)).count().get_result(conn)?);
    rows.insert(
        "attestations".to_owned(),
        attestations::table.filter(attestations::person_id.eq_any(&ids)).count().get_result(conn)?,
    );
    rows.retain(|_, n| *n > 0);
    Ok(rows)
}

/// The retention review: every person not erased yet whose file is due, and those due but blocked. Persons
/// already in a batch that is proposed or approved are left to it. Proposes a batch when someone is due;
/// `None` otherwise.
pub fn propose_batch(
    conn: &mut DbConnection,
    parameters: &Parameters,
    today: NaiveDate,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<ErasureBatchRecord>, StoreError> {
    let pending: Vec<String> = erasure_batches::table
        .filter(erasure_batches::status.eq_any(["proposed", "approved"]))
        .select(erasure_batches::report_json)
        .load(conn)?;
    let mut in_a_batch = std::collections::BTreeSet::new();
    for json in pending {
        let report: ErasureReport =
            serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("erasure report unreadable: {e}")))?;
        in_a_batch.extend(report.due.into_iter().map(|entry| entry.person_id));
    }
    let candidates: Vec<String> = persons::table
        .filter(persons::erased_at.is_null())
        .filter(persons::merged_into.is_null())
        .order(persons::id.asc())
        .select(persons::id)
        .load(conn)?;
    let mut due = Vec::new();
    let mut blocked = Vec::new();
    let candidates: Vec<String> = candidates.into_iter().filter(|id| !in_a_batch.contains(id)).collect();
    for page in candidates.chunks(500) {
        let mut facts = retention_facts_of_many(conn, page)?;
        for person_id in page {
            let person_facts = facts
                .remove(person_id)
                .ok_or_else(|| StoreError::Corrupt(format!("person {person_id} vanished during the review")))?;
            let person_id = person_id.clone();
            match erasure_status(&person_facts, parameters, today) {
                ErasureStatus::Kept { .. } => {}
                ErasureStatus::Blocked { due_since, block } => {
                    blocked.push(BlockedEntry { person_id, due_since, block: block.code().to_owned() })
                }
                ErasureStatus::Due { due_since, rule } => {
                    let rows = rows_affected(conn, &person_id)?;
                    due.push(DueEntry { person_id, due_since, rule: rule.to_owned(), rows });
                }
            }
        }
    }
    if due.is_empty() {
        return Ok(None);
    }
    let periods = BTreeMap::from([
        ("retention_years_after_closure".to_owned(), *parameters.retention_years_after_closure.on(today)),
        ("retention_years_without_case".to_owned(), *parameters.retention_years_without_case.on(today)),
        ("retention_years_after_attestation".to_owned(), *parameters.retention_years_after_attestation.on(today)),
    ]);
    let report = ErasureReport { reviewed_on: today, periods, due, blocked };
    let batch = ErasureBatchRecord {
        id: new_id(),
        status: "proposed".into(),
        proposed_at: now,
        report_json: serde_json::to_string(&report)
            .map_err(|e| StoreError::Corrupt(format!("erasure report cannot be encoded: {e}")))?,
        decided_by: None,
        decided_at: None,
        decision_reason: None,
        executed_at: None,
        outcome_json: None,
    };
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(erasure_batches::table).values(&batch).execute(conn)?;
        let detail = format!("due={} blocked={}", report.due.len(), report.blocked.len());
        audit::append(conn, actor, "propose_erasure_batch", "erasure_batch", Some(&batch.id), Some(detail), now)
    })?;
    Ok(Some(batch))
}

/// Batches, newest first (the privacy officer's list); audited.
pub fn list_batches(
    conn: &mut DbConnection,
    limit: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ErasureBatchRecord>, StoreError> {
    let batches: Vec<ErasureBatchRecord> = erasure_batches::table
        .order(erasure_batches::proposed_at.desc())
        .then_order_by(erasure_batches::id.desc())
        .limit(limit)
        .select(ErasureBatchRecord::as_select())
        .load(conn)?;
    let detail = Some(format!("count={}", batches.len()));
    crate::write_transaction(conn, |conn| {
        audit::append(conn, actor, "list_erasure_batches", "erasure_batch", None, detail, now)
    })?;
    Ok(batches)
}

/// What a decision on a batch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchDecision {
    /// Decided now.
    Decided(ErasureBatchRecord),
    /// Not `proposed` any more (decided before, or executed): the batch as it is.
    AlreadyDecided(ErasureBatchRecord),
    /// No such batch.
    NotFound,
}

/// The privacy officer approves or rejects a proposed batch; audited with the persons it lists.
pub fn decide_batch(
    conn: &mut DbConnection,
    id: &str,
    approve: bool,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<BatchDecision, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<ErasureBatchRecord> =
            erasure_batches::table.find(id).select(ErasureBatchRecord::as_select()).first(conn).optional()?;
        let Some(batch) = found else { return Ok(BatchDecision::NotFound) };
        if batch.status != "proposed" {
            return Ok(BatchDecision::AlreadyDecided(batch));
        }
        let status = if approve { "approved" } else { "rejected" };
        diesel::update(erasure_batches::table.find(id))
            .set((
                erasure_batches::status.eq(status),
                erasure_batches::decided_by.eq(&actor.subject),
                erasure_batches::decided_at.eq(now),
                erasure_batches::decision_reason.eq(reason),
            ))
            .execute(conn)?;
        let shown: Vec<String> = batch.report()?.due.into_iter().map(|entry| entry.person_id).collect();
        let action = if approve { "approve_erasure_batch" } else { "reject_erasure_batch" };
        audit::append_showing(conn, actor, action, "erasure_batch", Some(id), None, &shown, now)?;
        let decided = erasure_batches::table.find(id).select(ErasureBatchRecord::as_select()).first(conn)?;
        Ok(BatchDecision::Decided(decided))
    })
}

/// Executes every approved batch: each person still due is erased in a transaction of their own; the others
/// are skipped with the reason. Returns the batches executed.
pub fn execute_approved(
    conn: &mut DbConnection,
    parameters: &Parameters,
    today: NaiveDate,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ErasureBatchRecord>, StoreError> {
    let approved: Vec<ErasureBatchRecord> = erasure_batches::table
        .filter(erasure_batches::status.eq("approved"))
        .order(erasure_batches::proposed_at.asc())
        .select(ErasureBatchRecord::as_select())
        .load(conn)?;
    let mut executed = Vec::new();
    for batch in approved {
        let mut outcome = ErasureOutcome::default();
        for entry in batch.report()?.due {
            let person_id = entry.person_id;
            let erased = crate::write_transaction(conn, |conn| -> Result<Option<String>, StoreError> {
                let erased_at: Option<Option<NaiveDateTime>> =
                    persons::table.find(&person_id).select(persons::erased_at).first(conn).optional()?;
                match erased_at {
                    None => return Ok(Some("unknown_person".into())),
                    Some(Some(_)) => return Ok(Some("already_erased".into())),
                    Some(None) => {}
                }
                match erasure_status(&retention_facts(conn, &person_id)?, parameters, today) {
                    ErasureStatus::Kept { .. } => Ok(Some("kept".into())),
                    ErasureStatus::Blocked { block, .. } => Ok(Some(block.code().into())),
                    ErasureStatus::Due { .. } => {
                        erase_person(conn, &person_id, &format!("erasure batch {}", batch.id), actor, now)?;
                        Ok(None)
                    }
                }
            })?;
            match erased {
                None => outcome.erased.push(person_id),
                Some(reason) => outcome.skipped.push(SkippedEntry { person_id, reason }),
            }
        }
        let outcome_json = serde_json::to_string(&outcome)
            .map_err(|e| StoreError::Corrupt(format!("erasure outcome cannot be encoded: {e}")))?;
        crate::write_transaction(conn, |conn| {
            diesel::update(erasure_batches::table.find(&batch.id))
                .set((
                    erasure_batches::status.eq("executed"),
                    erasure_batches::executed_at.eq(now),
                    erasure_batches::outcome_json.eq(&outcome_json),
                ))
                .execute(conn)?;
            let detail = format!("erased={} skipped={}", outcome.erased.len(), outcome.skipped.len());
            audit::append(conn, actor, "execute_erasure_batch", "erasure_batch", Some(&batch.id), Some(detail), now)
        })?;
        executed.push(erasure_batches::table.find(&batch.id).select(ErasureBatchRecord::as_select()).first(conn)?);
    }
    Ok(executed)
}

/// What identifies the person in free-form JSON: their national number, names and exact birth date, with
/// what replaces each.
struct Identifying {
    replacements: Vec<(String, String)>,
}

impl Identifying {
    /// Replaces, in a free text, what identifies the person.
    fn scrub_text(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (from, to) in &self.replacements {
            if text.contains(from.as_str()) {
                text = text.replace(from.as_str(), to);
            }
        }
        text
    }

    /// Replaces, in every string of the JSON text, what identifies the person; the text unchanged when it
    /// is not JSON.
    fn scrub(&self, text: &str) -> String {
        fn walk(value: &mut serde_json::Value, replacements: &[(String, String)]) {
            match value {
                serde_json::Value::String(s) => {
                    for (from, to) in replacements {
                        if s.contains(from.as_str()) {
                            *s = s.replace(from.as_str(), to);
                        }
                    }
                }
                serde_json::Value::Array(items) => items.iter_mut().for_each(|v| walk(v, replacements)),
                serde_json::Value::Object(map) => map.values_mut().for_each(|v| walk(v, replacements)),
                _ => {}
            }
        }
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(mut value) => {
                walk(&mut value, &self.replacements);
                value.to_string()
            }
            Err(_) => text.to_owned(),
        }
    }
}

/// Erases one person inside the caller's transaction (see the module's documentation), and audits it.
pub fn erase_person(
    conn: &mut DbConnection,
    person_id: &str,
    under: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let ids = records_of(conn, person_id)?;
    // Every identity the person was known under: current and reported, of every merged record.
    let identities: Vec<(String, String, String, NaiveDate)> = person_identities::table
        .filter(person_identities::person_id.eq_any(&ids))
        .select((
            person_identities::niss,
            person_identities::surname,
            person_identities::given_names,
            person_identities::birth_date,
        ))
        .load(conn)?;
    let current: Vec<(String, String, String, NaiveDate)> = persons::table
        .filter(persons::id.eq_any(&ids))
        .select((persons::niss, persons::surname, persons::given_names, persons::birth_date))
        .load(conn)?;
    let mut replacements: Vec<(String, String)> = Vec::new();
    for (niss, surname, given_names, birth_date) in identities.iter().chain(&current) {
        replacements.push((niss.clone(), erased_niss(person_id)));
        for name in [surname, given_names] {
            if name.chars().count() >= 2 {
                replacements.push((name.clone(), ERASED_NAME.to_owned()));
                replacements.push((name.to_uppercase(), ERASED_NAME.to_owned()));
            }
        }
        let exact = birth_date.format("%Y-%m-%d").to_string();
        replacements.push((exact, pseudonymised_birth_date(*birth_date).format("%Y-%m-%d").to_string()));
    }
    // Longest first, so that "El Amrani" goes before "Amrani" would.
    replacements.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    replacements.dedup();
    let identifying = Identifying { replacements };

    // Stored responses that named the person are deleted (they only served retries).
    for (niss, ..) in identities.iter().chain(&current) {
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::response_body.like(format!("%{niss}%"))))
            .execute(conn)?;
    }
    for id in &ids {
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::response_body.like(format!("%{id}%"))))
            .execute(conn)?;
    }
    // The records: tombstones.
    for id in &ids {
        let birth_date: NaiveDate = persons::table.find(id).select(persons::birth_date).first(conn)?;
        diesel::update(persons::table.find(id))
            .set((
                persons::niss.eq(erased_niss(id)),
                persons::surname.eq(ERASED_NAME),
                persons::given_names.eq(ERASED_NAME),
                persons::birth_date.eq(pseudonymised_birth_date(birth_date)),
                persons::erased_at.eq(now),
                persons::erased_under.eq(under),
            ))
            .execute(conn)?;
    }
    let identity_rows: Vec<(String, String, NaiveDate)> = person_identities::table
        .filter(person_identities::person_id.eq_any(&ids))
        .select((person_identities::id, person_identities::person_id, person_identities::birth_date))
        .load(conn)?;
    for (row, owner, birth_date) in identity_rows {
        diesel::update(person_identities::table.find(&row))
            .set((
                person_identities::niss.eq(erased_niss(&owner)),
                person_identities::surname.eq(ERASED_NAME),
                person_identities::given_names.eq(ERASED_NAME),
                person_identities::birth_date.eq(pseudonymised_birth_date(birth_date)),
                person_identities::reason.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    // The report's contact details go; the facts and results lose the identity they quote.
    diesel::update(arrivals::table.filter(arrivals::person_id.eq_any(&ids)))
        .set(arrivals::payload_json.eq(r#"{"contact":null}"#))
        .execute(conn)?;
    let stored: Vec<(String, String, String)> = determinations::table
        .filter(determinations::person_id.eq_any(&ids))
        .select((determinations::id, determinations::facts_json, determinations::result_json))
        .load(conn)?;
    for (id, facts, result) in stored {
        diesel::update(determinations::table.find(&id))
            .set((
                determinations::facts_json.eq(identifying.scrub(&facts)),
                determinations::result_json.eq(identifying.scrub(&result)),
            ))
            .execute(conn)?;
    }
    // Cases: the sealed notes and evidence are dropped (statistics never counted them).
    let stored: Vec<(String, String)> =
        cases::table.filter(cases::person_id.eq_any(&ids)).select((cases::id, cases::state_json)).load(conn)?;
    for (id, json) in stored {
        let mut case = decode_case(&json)?;
        if let Some(assessment) = case.social_assessment.as_mut() {
            assessment.sensitive_notes = None;
        }
        for decision in &mut case.dispensation_decisions {
            decision.evidence = None;
        }
        diesel::update(cases::table.find(&id))
            .set(cases::state_json.eq(identifying.scrub(&encode_case(&case)?)))
            .execute(conn)?;
    }
    // Attestations past their retention: the holder goes, the record of the attestation stays.
    let stored: Vec<(String, String, String)> = attestations::table
        .filter(attestations::person_id.eq_any(&ids))
        .select((attestations::serial, attestations::content_json, attestations::signed_payload))
        .load(conn)?;
    for (serial, content, payload) in stored {
        // The signed payload's salted hash of the surname goes too: the printed copy no longer verifies
        // against a holder, which is what erasure means.
        let payload = match serde_json::from_str::<serde_json::Value>(&identifying.scrub(&payload)) {
            Ok(mut value) => {
                if let Some(map) = value.as_object_mut() {
                    map.remove("surname_hash");
                }
                value.to_string()
            }
            Err(_) => String::new(),
        };
        diesel::update(attestations::table.find(&serial))
            .set((attestations::content_json.eq(identifying.scrub(&content)), attestations::signed_payload.eq(payload)))
            .execute(conn)?;
    }
    // The person's own requests about their data keep their dates and decisions, not what identified them.
    let stored: Vec<(String, String, String)> = data_requests::table
        .filter(data_requests::person_id.eq_any(&ids))
        .select((data_requests::id, data_requests::details, data_requests::state_json))
        .load(conn)?;
    for (id, details, state) in stored {
        diesel::update(data_requests::table.find(&id))
            .set((
                data_requests::details.eq(identifying.scrub_text(&details)),
                data_requests::state_json.eq(identifying.scrub(&state)),
            ))
            .execute(conn)?;
    }
    let shown = [person_id.to_owned()];
    audit::append_showing(conn, actor, "erase_person", "person", Some(person_id), Some(under.to_owned()), &shown, now)
}
