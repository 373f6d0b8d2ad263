//! The `identity_conflicts` table: reports whose identity contradicts the known one. The report is kept as
//! made, the current identity is unchanged, and the CRI competent for the person resolves the conflict:
//! keep the current identity, or adopt the reported one as a new version. Every read takes the caller's
//! CRI and filters by it in SQL.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::identity::{self, ConflictResolution, IdentityField, IdentitySource};

use crate::audit::{self, Actor};
use crate::feed::{StepSubject, record_steps};
use crate::person_identities::{IdentityRecord, find_identity};
use crate::persons::{PersonRecord, ReportedIdentity, find_person, open_case_row, record_identity_version};
use crate::schema::identity_conflicts;
use crate::{DbConnection, StoreError, new_id};

/// A conflict as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = identity_conflicts)]
pub struct ConflictRecord {
    /// Id.
    pub id: String,
    /// The person.
    pub person_id: String,
    /// The arrival whose report conflicts (none for a CRI's walk-in).
    pub arrival_id: Option<String>,
    /// The identity as reported.
    pub reported_identity_id: String,
    /// The current identity when the report came.
    pub current_identity_id: String,
    /// The differing fields, comma-separated codes.
    pub fields: String,
    /// The CRI that resolves it.
    pub cri_code: Option<String>,
    /// When the report came.
    pub flagged_at: NaiveDateTime,
    /// `keep_current` or `adopt_reported`, once resolved.
    pub resolution: Option<String>,
    /// The CRI's reason.
    pub resolution_reason: Option<String>,
    /// Who resolved it (organisation).
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<NaiveDateTime>,
}

impl ConflictRecord {
    /// The differing fields.
    pub fn field_list(&self) -> Vec<IdentityField> {
        self.fields.split(',').filter_map(IdentityField::parse).collect()
    }
}

/// A conflict with both identities.
#[derive(Debug, Clone)]
pub struct ConflictView {
    /// The conflict.
    pub conflict: ConflictRecord,
    /// The identity as reported.
    pub reported: IdentityRecord,
    /// The identity that was current when the report came.
    pub current: IdentityRecord,
}

/// Flags the conflict a report made, if any, inside the caller's transaction: the row for the CRI, and a
/// step on the person's open case (field codes only) so that the CRI's feed carries it.
pub fn flag_conflict(
    conn: &mut DbConnection,
    reported: &ReportedIdentity,
    arrival_id: Option<&str>,
    cri_code: Option<&str>,
    open_case: Option<StepSubject<'_>>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<ConflictRecord>, StoreError> {
    let Some((fields, current_identity_id)) = &reported.conflict else { return Ok(None) };
    let codes: Vec<&str> = fields.iter().map(|field| field.code()).collect();
    let record = ConflictRecord {
        id: new_id(),
        person_id: reported.person.id.clone(),
        arrival_id: arrival_id.map(str::to_owned),
        reported_identity_id: reported.identity.id.clone(),
        current_identity_id: current_identity_id.clone(),
        fields: codes.join(","),
        cri_code: open_case.as_ref().map(|case| case.cri_code.to_owned()).or(cri_code.map(str::to_owned)),
        flagged_at: now,
        resolution: None,
        resolution_reason: None,
        resolved_by: None,
        resolved_at: None,
    };
    diesel::insert_into(identity_conflicts::table).values(&record).execute(conn)?;
    if let Some(case) = open_case {
        let holder = case.cri_code.to_owned();
        record_steps(conn, case, &holder, &[identity::conflict_flagged_step(fields)], actor, now)?;
    }
    let detail = format!("person={} fields={}", record.person_id, record.fields);
    audit::append(conn, actor, "flag_identity_conflict", "identity_conflict", Some(&record.id), Some(detail), now)?;
    Ok(Some(record))
}

fn view(conn: &mut DbConnection, conflict: ConflictRecord) -> Result<ConflictView, StoreError> {
    let reported = find_identity(conn, &conflict.reported_identity_id)?.ok_or(StoreError::NotFound)?;
    let current = find_identity(conn, &conflict.current_identity_id)?.ok_or(StoreError::NotFound)?;
    Ok(ConflictView { conflict, reported, current })
}

/// The CRI's conflicts, oldest first: open ones only, or all. Audited as one list read.
pub fn list_conflicts(
    conn: &mut DbConnection,
    cri_code: &str,
    open_only: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<ConflictView>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let mut query = identity_conflicts::table
            .filter(identity_conflicts::cri_code.eq(cri_code))
            .order((identity_conflicts::flagged_at.asc(), identity_conflicts::id.asc()))
            .select(ConflictRecord::as_select())
            .limit(500)
            .into_boxed();
        if open_only {
            query = query.filter(identity_conflicts::resolved_at.is_null());
        }
        let rows = query.load(conn)?;
        let shown: Vec<String> = rows.iter().map(|r: &ConflictRecord| r.person_id.clone()).collect();
        audit::append_showing(
            conn,
            actor,
            "list_identity_conflicts",
            "identity_conflict",
            None,
            Some(format!("count={}", rows.len())),
            &shown,
            now,
        )?;
        rows.into_iter().map(|row| view(conn, row)).collect()
    })
}

/// The result of [`resolve_conflict`].
#[derive(Debug)]
pub enum Resolution {
    /// No such conflict for this CRI.
    NotFound,
    /// Already resolved (by whom and how is in the view).
    AlreadyResolved(Box<ConflictView>),
    /// Done; with the person as it is now.
    Resolved(Box<ConflictView>, Box<PersonRecord>),
}

/// Resolves a conflict of the CRI's: keeping the current identity, or adopting the reported one as the
/// next version (with a step on the open case). One transaction, audited.
pub fn resolve_conflict(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
    resolution: ConflictResolution,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Resolution, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<ConflictRecord> = identity_conflicts::table
            .filter(identity_conflicts::id.eq(id))
            .filter(identity_conflicts::cri_code.eq(cri_code))
            .select(ConflictRecord::as_select())
            .first(conn)
            .optional()?;
        let Some(conflict) = found else { return Ok(Resolution::NotFound) };
        if conflict.resolved_at.is_some() {
            return Ok(Resolution::AlreadyResolved(Box::new(view(conn, conflict)?)));
        }
        let mut person = find_person(conn, &conflict.person_id)?.ok_or(StoreError::NotFound)?;
        if resolution == ConflictResolution::AdoptReported {
            let reported = find_identity(conn, &conflict.reported_identity_id)?.ok_or(StoreError::NotFound)?;
            let source = IdentitySource::ConflictResolution;
            let (updated, version) =
                record_identity_version(conn, &person, &reported.identity(), source, &actor.organisation, reason, now)?;
            if let Some(case) = open_case_row(conn, &updated.id)? {
                let step = identity::identity_updated_step(source, version.version.unwrap_or_default());
                record_steps(conn, case.subject(), case.cri_code(), &[step], actor, now)?;
            }
            person = updated;
        }
        diesel::update(identity_conflicts::table.find(&conflict.id))
            .set((
                identity_conflicts::resolution.eq(resolution.code()),
                identity_conflicts::resolution_reason.eq(reason),
                identity_conflicts::resolved_by.eq(&actor.organisation),
                identity_conflicts::resolved_at.eq(now),
            ))
            .execute(conn)?;
        let detail = format!("resolution={} person={}", resolution.code(), person.id);
        audit::append(
            conn,
            actor,
            "resolve_identity_conflict",
            "identity_conflict",
            Some(&conflict.id),
            Some(detail),
            now,
        )?;
        let resolved = identity_conflicts::table.find(&conflict.id).select(ConflictRecord::as_select()).first(conn)?;
        Ok(Resolution::Resolved(Box::new(view(conn, resolved)?), Box::new(person)))
    })
}
