//! The `arrivals` table: each report by a commune, written with its person, determination and case in
//! one transaction. A commune reads only what it reported.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::Status;
use parcours_domain::case::CaseEvent;

use crate::audit::{self, Actor};
use crate::cases::{CaseColumns, CaseRecord, CaseView, change_case, decode_case, find_open_case_for_person};
use crate::determinations::{DeterminationRecord, NewDetermination};
use crate::identity_conflicts::{ConflictRecord, flag_conflict};
use crate::person_identities::{IdentityRecord, find_identity};
use crate::persons::{PersonData, PersonRecord, find_person_by_niss, persons_by_id, record_reported_identity};
use crate::schema::{arrivals, cases as case_table, determinations, identity_conflicts, persons};
use crate::{DbConnection, StoreError, new_id};

/// An arrival as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = arrivals)]
pub struct ArrivalRecord {
    /// Id.
    pub id: String,
    /// Person.
    pub person_id: String,
    /// Determination made on intake.
    pub determination_id: String,
    /// Case opened or joined.
    pub case_id: Option<String>,
    /// Commune of domicile.
    pub commune_nis: String,
    /// Reporting organisation.
    pub reported_by_org: String,
    /// Reporting subject.
    pub reported_by_sub: String,
    /// Determination status (for filters).
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: Status,
    /// The person asked to follow the pathway voluntarily.
    pub volunteer_request: bool,
    /// What the report said that is recorded nowhere else (JSON `{"contact": …}`): the identity is kept as
    /// reported in `person_identities`, the facts in the determination.
    pub payload_json: String,
    /// When.
    pub reported_at: NaiveDateTime,
    /// The identity as this arrival reported it.
    pub identity_id: Option<String>,
}

/// An arrival with what it produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalView {
    /// The arrival.
    pub arrival: ArrivalRecord,
    /// The person (current identity).
    pub person: PersonRecord,
    /// The identity as the commune reported it (what the arrival shows).
    pub reported: Option<IdentityRecord>,
    /// The identity conflict the report raised, if any.
    pub conflict: Option<ConflictRecord>,
    /// The determination.
    pub determination: DeterminationRecord,
    /// The case, if one was opened or joined.
    pub case: Option<CaseRecord>,
}

/// Everything an arrival writes.
#[derive(Debug, Clone)]
pub struct NewArrival {
    /// Identity.
    pub person: PersonData,
    /// Commune of domicile.
    pub commune_nis: String,
    /// Volunteer request.
    pub volunteer_request: bool,
    /// The contact details of the report (JSON `{"contact": …}`).
    pub payload_json: String,
    /// Determination.
    pub determination: NewDetermination,
}

/// What an arrival does to the person's case, decided by the caller from the open case (if any).
#[derive(Debug, Clone)]
pub enum CaseDecision {
    /// No case (not obliged, no volunteer request).
    None,
    /// Open a new case.
    Open(CaseColumns, Vec<CaseEvent>),
    /// Keep the open case as it is.
    Join,
    /// Change the open case (for example a transfer to the CRI of the new domicile).
    Change(CaseColumns, Vec<CaseEvent>),
}

/// The open case the caller based its decision on: its id and version, or none. The store checks it
/// inside the transaction; a different open case means a concurrent intake won, and the caller decides
/// again ([`StoreError::StaleVersion`]).
pub type ExpectedOpenCase = Option<(String, i32)>;

/// The open case of the person with this national number, if any, with its aggregate.
pub fn find_open_case_by_niss(conn: &mut DbConnection, niss: &str) -> Result<Option<CaseView>, StoreError> {
    let Some(person) = find_person_by_niss(conn, niss)? else { return Ok(None) };
    let Some(case) = find_open_case_for_person(conn, &person.id)? else { return Ok(None) };
    let person = persons::table.find(&case.person_id).select(PersonRecord::as_select()).first(conn)?;
    let aggregate = decode_case(&case.state_json)?;
    Ok(Some(CaseView { case, aggregate, person, operator_minutes: Default::default() }))
}

/// Records an arrival in one transaction: person (deduplicated by NISS; a known person's identity is never
/// rewritten by a report, a contradicting one is flagged as an identity conflict), determination, case,
/// arrival and audit row (the API's idempotency component wraps it with the stored response). `decision` was
/// taken by the rules from `expected_open_case`; if the person's open case is another one now, nothing is
/// written and the answer is [`StoreError::StaleVersion`]. Returns what was written.
pub fn record_arrival(
    conn: &mut DbConnection,
    new: &NewArrival,
    actor: &Actor,
    now: NaiveDateTime,
    expected_open_case: ExpectedOpenCase,
    decision: CaseDecision,
) -> Result<ArrivalView, StoreError> {
    crate::write_transaction(conn, |conn| {
        let reported = record_reported_identity(conn, &new.person, &actor.organisation, now)?;
        let person = reported.person.clone();
        let determination = crate::determinations::insert_determination(
            conn,
            &person.id,
            &new.determination,
            &actor.organisation,
            now,
        )?;
        let open_case = find_open_case_for_person(conn, &person.id)?;
        if open_case.as_ref().map(|c| (c.id.clone(), c.version)) != expected_open_case {
            return Err(StoreError::StaleVersion { current_version: open_case.map_or(0, |c| c.version) });
        }
        let case = match (decision, open_case) {
            (CaseDecision::None, _) => None,
            (CaseDecision::Open(columns, steps), _) => Some(crate::cases::open_case(
                conn,
                &person.id,
                &new.commune_nis,
                &determination.id,
                &columns,
                &steps,
                actor,
                now,
            )?),
            (CaseDecision::Join, existing) => existing,
            (CaseDecision::Change(columns, steps), Some(existing)) => {
                Some(change_case(conn, &existing, &columns, &steps, actor, now)?)
            }
            (CaseDecision::Change(..), None) => None,
        };
        // The reporting commune is the person's domicile now, for the case's notices too.
        let case =
            case.map(|case| crate::cases::move_domicile(conn, case, &new.commune_nis, actor, now)).transpose()?;
        let arrival = ArrivalRecord {
            id: new_id(),
            person_id: person.id.clone(),
            determination_id: determination.id.clone(),
            case_id: case.as_ref().map(|c| c.id.clone()),
            commune_nis: new.commune_nis.clone(),
            reported_by_org: actor.organisation.clone(),
            reported_by_sub: actor.subject.clone(),
            status: new.determination.status,
            volunteer_request: new.volunteer_request,
            payload_json: new.payload_json.clone(),
            reported_at: now,
            identity_id: Some(reported.identity.id.clone()),
        };
        diesel::insert_into(arrivals::table).values(arrival.clone()).execute(conn)?;
        let detail = format!("status={} person={}", arrival.status.code(), person.id);
        audit::append(conn, actor, "create_arrival", "arrival", Some(&arrival.id), Some(detail), now)?;
        let conflict = flag_conflict(
            conn,
            &reported,
            Some(&arrival.id),
            determination.competent_cri.as_deref(),
            case.as_ref().map(CaseRecord::step_subject),
            actor,
            now,
        )?;
        Ok(ArrivalView { arrival, person, reported: Some(reported.identity), conflict, determination, case })
    })
}

pub(crate) fn view_of(conn: &mut DbConnection, arrival: ArrivalRecord) -> Result<ArrivalView, StoreError> {
    let person = persons::table.find(&arrival.person_id).select(PersonRecord::as_select()).first(conn)?;
    let determination =
        determinations::table.find(&arrival.determination_id).select(DeterminationRecord::as_select()).first(conn)?;
    let case = match &arrival.case_id {
        Some(id) => Some(case_table::table.find(id).select(CaseRecord::as_select()).first(conn)?),
        None => None,
    };
    let reported = match &arrival.identity_id {
        Some(id) => find_identity(conn, id)?,
        None => None,
    };
    let conflict = identity_conflicts::table
        .filter(identity_conflicts::arrival_id.eq(&arrival.id))
        .select(ConflictRecord::as_select())
        .first(conn)
        .optional()?;
    Ok(ArrivalView { arrival, person, reported, conflict, determination, case })
}

/// One arrival, only if `reporter` reported it; the read is audited in the same transaction.
pub fn get_arrival(
    conn: &mut DbConnection,
    id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<ArrivalView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let arrival = arrivals::table
            .filter(arrivals::id.eq(id))
            .filter(arrivals::reported_by_org.eq(&actor.organisation))
            .select(ArrivalRecord::as_select())
            .first(conn)
            .optional()?;
        let Some(arrival) = arrival else { return Ok(None) };
        audit::append(conn, actor, "read_arrival", "arrival", Some(id), None, now)?;
        Ok(Some(view_of(conn, arrival)?))
    })
}

/// Filters for [`list_arrivals`].
#[derive(Debug, Clone, Default)]
pub struct ArrivalFilter {
    /// Determination status.
    pub status: Option<Status>,
    /// Reported on or after this instant.
    pub reported_from: Option<NaiveDateTime>,
    /// Reported before this instant.
    pub reported_before: Option<NaiveDateTime>,
    /// Newest-first cursor: only arrivals with an id smaller than this one.
    pub before_id: Option<String>,
}

/// The arrivals `actor`'s organisation reported, newest first, at most `limit`; audited as one list read.
pub fn list_arrivals(
    conn: &mut DbConnection,
    filter: &ArrivalFilter,
    limit: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ArrivalView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let mut query = arrivals::table
            .filter(arrivals::reported_by_org.eq(&actor.organisation))
            .select(ArrivalRecord::as_select())
            .order(arrivals::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(status) = &filter.status {
            query = query.filter(arrivals::status.eq(status.code()));
        }
        if let Some(from) = filter.reported_from {
            query = query.filter(arrivals::reported_at.ge(from));
        }
        if let Some(before) = filter.reported_before {
            query = query.filter(arrivals::reported_at.lt(before));
        }
        if let Some(cursor) = &filter.before_id {
            query = query.filter(arrivals::id.lt(cursor));
        }
        let rows = query.load(conn)?;
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let detail = format!("count={}", rows.len());
        let shown: Vec<String> = rows.iter().map(|r| r.person_id.clone()).collect();
        audit::append_showing(
            conn,
            actor,
            "list_arrivals",
            "arrival",
            None,
            Some(format!("{detail} ids={}", ids.join(","))),
            &shown,
            now,
        )?;
        views_of(conn, rows)
    })
}

/// Views of many arrivals in five queries whatever their number (persons, reported identities, conflicts,
/// determinations, cases).
pub(crate) fn views_of(conn: &mut DbConnection, rows: Vec<ArrivalRecord>) -> Result<Vec<ArrivalView>, StoreError> {
    use std::collections::HashMap;
    let person_ids: Vec<&str> = rows.iter().map(|r| r.person_id.as_str()).collect();
    let determination_ids: Vec<&str> = rows.iter().map(|r| r.determination_id.as_str()).collect();
    let case_ids: Vec<&str> = rows.iter().filter_map(|r| r.case_id.as_deref()).collect();
    let people = persons_by_id(conn, &person_ids)?;
    let identity_ids: Vec<&str> = rows.iter().filter_map(|r| r.identity_id.as_deref()).collect();
    let arrival_ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let identities: HashMap<String, IdentityRecord> = crate::schema::person_identities::table
        .filter(crate::schema::person_identities::id.eq_any(&identity_ids))
        .select(IdentityRecord::as_select())
        .load(conn)?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    let mut conflicts: HashMap<String, ConflictRecord> = identity_conflicts::table
        .filter(identity_conflicts::arrival_id.eq_any(&arrival_ids))
        .select(ConflictRecord::as_select())
        .load(conn)?
        .into_iter()
        .filter_map(|c| c.arrival_id.clone().map(|id| (id, c)))
        .collect();
    let determinations: HashMap<String, DeterminationRecord> = determinations::table
        .filter(determinations::id.eq_any(&determination_ids))
        .select(DeterminationRecord::as_select())
        .load(conn)?
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
    let cases: HashMap<String, CaseRecord> = case_table::table
        .filter(case_table::id.eq_any(&case_ids))
        .select(CaseRecord::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    rows.into_iter()
        .map(|arrival| {
            let missing = |what: &str| StoreError::Corrupt(format!("arrival {} without its {what}", arrival.id));
            let person = people.get(&arrival.person_id).cloned().ok_or_else(|| missing("person"))?;
            let determination =
                determinations.get(&arrival.determination_id).cloned().ok_or_else(|| missing("determination"))?;
            let case = match &arrival.case_id {
                Some(id) => Some(cases.get(id).cloned().ok_or_else(|| missing("case"))?),
                None => None,
            };
            let reported = arrival.identity_id.as_ref().and_then(|id| identities.get(id).cloned());
            let conflict = conflicts.remove(&arrival.id);
            Ok(ArrivalView { arrival, person, reported, conflict, determination, case })
        })
        .collect()
}

/// The body of the latest report about a person (for the address the commune gave), if any.
pub fn latest_report_payload(conn: &mut DbConnection, person_id: &str) -> Result<Option<String>, StoreError> {
    Ok(arrivals::table
        .filter(arrivals::person_id.eq(person_id))
        .order(arrivals::reported_at.desc())
        .select(arrivals::payload_json)
        .first(conn)
        .optional()?)
}

/// A report counted by the statistics: the person (after merges), the commune, the status determined,
/// and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCounted {
    /// The person, or the one they were merged into.
    pub person_id: String,
    /// The reporting commune.
    pub commune_nis: String,
    /// The status determined at the report.
    pub status: String,
    /// The residence document the report states, as published (`none` without one).
    pub residence_card: &'static str,
    /// When reported.
    pub reported_at: NaiveDateTime,
}

/// Every report received in `[from, before)`, for the statistics (indexed by `reported_at`), with the
/// residence document of the facts it was determined on.
pub fn reported_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<ReportCounted>, StoreError> {
    let rows: Vec<(String, Option<String>, String, String, NaiveDateTime, String)> = arrivals::table
        .inner_join(persons::table)
        .inner_join(determinations::table)
        .filter(arrivals::reported_at.ge(from))
        .filter(arrivals::reported_at.lt(before))
        .select((
            arrivals::person_id,
            persons::merged_into,
            arrivals::commune_nis,
            arrivals::status,
            arrivals::reported_at,
            determinations::facts_json,
        ))
        .load(conn)?;
    /// The one field read from the facts (an erased person's facts keep none: `none`).
    #[derive(serde::Deserialize)]
    struct StatedDocument {
        #[serde(default)]
        residence_document: Option<parcours_domain::residence::ResidenceDocument>,
    }
    let mut counted = Vec::with_capacity(rows.len());
    for (person_id, merged_into, commune_nis, status, reported_at, facts_json) in rows {
        let stated: StatedDocument = serde_json::from_str(&facts_json)
            .map_err(|e| StoreError::Corrupt(format!("determination facts unreadable: {e}")))?;
        counted.push(ReportCounted {
            person_id: merged_into.unwrap_or(person_id),
            commune_nis,
            status,
            residence_card: parcours_domain::statistics::residence_card(stated.residence_document),
            reported_at,
        });
    }
    Ok(counted)
}
