//! The `person_merges` table: two records of one person (a BIS number later replaced by a national
//! number, rule §10) merged by the CRI. The merged record keeps its row, its national number and its
//! identity history; its determinations, cases, arrivals, attestations and conflicts move to the kept
//! record, which takes a new identity version with source `merge`. Also: the duplicate candidates a CRI
//! is shown before it merges.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::identity::{self, IdentitySource, MergeRefusal};

use crate::audit::{self, Actor};
use crate::feed::record_steps;
use crate::persons::{PersonRecord, cri_is_competent_for, open_case_row, record_identity_version};
use crate::schema::{arrivals, attestations, cases, determinations, identity_conflicts, person_merges, persons};
use crate::{DbConnection, StoreError, new_id};

/// A merge as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = person_merges)]
pub struct MergeRecord {
    /// Id.
    pub id: String,
    /// The record kept.
    pub kept_person_id: String,
    /// The record merged into it.
    pub merged_person_id: String,
    /// The CRI's reason.
    pub reason: String,
    /// Organisation.
    pub merged_by_org: String,
    /// Subject.
    pub merged_by_sub: String,
    /// When.
    pub merged_at: NaiveDateTime,
}

/// Persons the CRI is competent for whose normalised name and birth date are the same under different
/// national numbers, grouped; at most `limit` groups. Both records must be in the CRI's scope: a CRI is
/// never shown a person it does not follow. Audited as one list read.
pub fn duplicate_candidates(
    conn: &mut DbConnection,
    cri_code: &str,
    limit: usize,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<Vec<PersonRecord>>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let routed =
            determinations::table.filter(determinations::competent_cri.eq(cri_code)).select(determinations::person_id);
        let held = cases::table.filter(cases::cri_code.eq(cri_code)).select(cases::person_id);
        let people: Vec<PersonRecord> = persons::table
            .filter(persons::merged_into.is_null())
            .filter(persons::id.eq_any(routed).or(persons::id.eq_any(held)))
            .order(persons::id.asc())
            .select(PersonRecord::as_select())
            .load(conn)?;
        let mut groups: BTreeMap<String, Vec<PersonRecord>> = BTreeMap::new();
        for person in people {
            groups.entry(identity::duplicate_key(&person.identity())).or_default().push(person);
        }
        let found: Vec<Vec<PersonRecord>> = groups.into_values().filter(|group| group.len() > 1).take(limit).collect();
        let detail = format!("groups={}", found.len());
        let shown: Vec<String> = found.iter().flatten().map(|person| person.id.clone()).collect();
        audit::append_showing(conn, actor, "list_duplicate_candidates", "person", None, Some(detail), &shown, now)?;
        Ok(found)
    })
}

/// The result of [`merge_persons`].
#[derive(Debug)]
pub enum MergeOutcome {
    /// One of the records is unknown or outside the CRI's scope.
    NotFound,
    /// The rules refuse the merge.
    Refused(MergeRefusal),
    /// Done: the kept record now, and the merge.
    Merged(Box<PersonRecord>, Box<MergeRecord>),
}

/// Merges `merged_id` into `kept_id` for the CRI competent for both. One transaction, audited.
pub fn merge_persons(
    conn: &mut DbConnection,
    kept_id: &str,
    merged_id: &str,
    cri_code: &str,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<MergeOutcome, StoreError> {
    crate::write_transaction(conn, |conn| {
        let load = |conn: &mut DbConnection, id: &str| -> Result<Option<PersonRecord>, StoreError> {
            Ok(persons::table.find(id).select(PersonRecord::as_select()).first(conn).optional()?)
        };
        let (Some(kept), Some(merged)) = (load(conn, kept_id)?, load(conn, merged_id)?) else {
            return Ok(MergeOutcome::NotFound);
        };
        // A record already merged is in scope through the record it was merged into (its rows moved there).
        let scope_of = |record: &PersonRecord| record.merged_into.clone().unwrap_or_else(|| record.id.clone());
        if !cri_is_competent_for(conn, &scope_of(&kept), cri_code)?
            || !cri_is_competent_for(conn, &scope_of(&merged), cri_code)?
        {
            return Ok(MergeOutcome::NotFound);
        }
        let open = (open_case_row(conn, &kept.id)?.is_some(), open_case_row(conn, &merged.id)?.is_some());
        let already = kept.merged_into.is_some() || merged.merged_into.is_some();
        if let Err(refusal) =
            identity::may_merge(&kept.identity(), &merged.identity(), kept.id == merged.id, already, open)
        {
            return Ok(MergeOutcome::Refused(refusal));
        }
        // Everything that names the merged record now names the kept one; its identity rows stay its own.
        diesel::update(determinations::table.filter(determinations::person_id.eq(&merged.id)))
            .set(determinations::person_id.eq(&kept.id))
            .execute(conn)?;
        diesel::update(cases::table.filter(cases::person_id.eq(&merged.id)))
            .set(cases::person_id.eq(&kept.id))
            .execute(conn)?;
        diesel::update(arrivals::table.filter(arrivals::person_id.eq(&merged.id)))
            .set(arrivals::person_id.eq(&kept.id))
            .execute(conn)?;
        diesel::update(attestations::table.filter(attestations::person_id.eq(&merged.id)))
            .set(attestations::person_id.eq(&kept.id))
            .execute(conn)?;
        diesel::update(identity_conflicts::table.filter(identity_conflicts::person_id.eq(&merged.id)))
            .set(identity_conflicts::person_id.eq(&kept.id))
            .execute(conn)?;
        diesel::update(persons::table.find(&merged.id))
            .set((persons::merged_into.eq(&kept.id), persons::updated_at.eq(now)))
            .execute(conn)?;
        let (kept, _) = record_identity_version(
            conn,
            &kept,
            &kept.identity(),
            IdentitySource::Merge,
            &actor.organisation,
            reason,
            now,
        )?;
        let record = MergeRecord {
            id: new_id(),
            kept_person_id: kept.id.clone(),
            merged_person_id: merged.id.clone(),
            reason: reason.to_owned(),
            merged_by_org: actor.organisation.clone(),
            merged_by_sub: actor.subject.clone(),
            merged_at: now,
        };
        diesel::insert_into(person_merges::table).values(&record).execute(conn)?;
        if let Some(case) = open_case_row(conn, &kept.id)? {
            let step = identity::records_merged_step(kept.identity_version);
            record_steps(conn, case.subject(), case.cri_code(), &[step], actor, now)?;
        }
        let detail = format!("kept={} merged={}", kept.id, merged.id);
        audit::append(conn, actor, "merge_persons", "person", Some(&kept.id), Some(detail), now)?;
        Ok(MergeOutcome::Merged(Box::new(kept), Box::new(record)))
    })
}
