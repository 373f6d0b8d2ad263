//! The `legal_holds` table: a privacy officer keeps a person's file past its retention period (litigation,
//! an authority's request, an open appeal outside Parcours). A hold is lifted, never deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::schema::legal_holds;
use crate::{DbConnection, StoreError, new_id};

/// A legal hold.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = legal_holds)]
pub struct LegalHoldRecord {
    /// Id.
    pub id: String,
    /// The person whose file is kept.
    pub person_id: String,
    /// Why (the case or the authority's request it serves).
    pub reason: String,
    /// The organisation of the officer who placed it.
    pub placed_by_org: String,
    /// The officer.
    pub placed_by_sub: String,
    /// When.
    pub placed_at: NaiveDateTime,
    /// When lifted, if it was.
    pub lifted_at: Option<NaiveDateTime>,
    /// Who lifted it.
    pub lifted_by_sub: Option<String>,
    /// Why it was lifted.
    pub lift_reason: Option<String>,
}

/// Places a hold on the person's file, for an officer within scope (the Region's: `cri` absent; a CRI's:
/// the persons it is competent for); audited. `None` outside the scope.
pub fn place_hold(
    conn: &mut DbConnection,
    person_id: &str,
    cri: Option<&str>,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<LegalHoldRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(person) = crate::persons::find_person_in_scope(conn, person_id, cri)? else { return Ok(None) };
        let person_id = person.id.as_str();
        let hold = LegalHoldRecord {
            id: new_id(),
            person_id: person_id.to_owned(),
            reason: reason.to_owned(),
            placed_by_org: actor.organisation.clone(),
            placed_by_sub: actor.subject.clone(),
            placed_at: now,
            lifted_at: None,
            lifted_by_sub: None,
            lift_reason: None,
        };
        diesel::insert_into(legal_holds::table).values(&hold).execute(conn)?;
        let shown = [person_id.to_owned()];
        audit::append_showing(conn, actor, "place_legal_hold", "legal_hold", Some(&hold.id), None, &shown, now)?;
        Ok(Some(hold))
    })
}

/// The holds on a person's file, lifted ones included, oldest first, for an officer within scope (as
/// [`place_hold`]); the read is audited. `None` outside the scope.
pub fn holds_of(
    conn: &mut DbConnection,
    person_id: &str,
    cri: Option<&str>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<Vec<LegalHoldRecord>>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(person) = crate::persons::find_person_in_scope(conn, person_id, cri)? else { return Ok(None) };
        let holds = legal_holds::table
            .filter(legal_holds::person_id.eq(&person.id))
            .order((legal_holds::placed_at.asc(), legal_holds::id.asc()))
            .select(LegalHoldRecord::as_select())
            .load(conn)?;
        let shown = [person.id.clone()];
        audit::append_showing(conn, actor, "read_legal_holds", "person", Some(&person.id), None, &shown, now)?;
        Ok(Some(holds))
    })
}

/// What lifting a hold found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifting {
    /// Lifted now.
    Lifted(LegalHoldRecord),
    /// Lifted before.
    AlreadyLifted(LegalHoldRecord),
    /// No such hold (or not the caller's to lift).
    NotFound,
}

/// Lifts a hold placed by the caller's organisation (the Region's officer lifts any); audited.
pub fn lift_hold(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    organisation_may_lift_any: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Lifting, StoreError> {
    crate::write_transaction(conn, |conn| {
        let found: Option<LegalHoldRecord> =
            legal_holds::table.find(id).select(LegalHoldRecord::as_select()).first(conn).optional()?;
        let Some(hold) = found.filter(|h| organisation_may_lift_any || h.placed_by_org == actor.organisation) else {
            return Ok(Lifting::NotFound);
        };
        if hold.lifted_at.is_some() {
            return Ok(Lifting::AlreadyLifted(hold));
        }
        diesel::update(legal_holds::table.find(id))
            .set((
                legal_holds::lifted_at.eq(now),
                legal_holds::lifted_by_sub.eq(&actor.subject),
                legal_holds::lift_reason.eq(reason),
            ))
            .execute(conn)?;
        let shown = [hold.person_id.clone()];
        audit::append_showing(conn, actor, "lift_legal_hold", "legal_hold", Some(id), None, &shown, now)?;
        let lifted = legal_holds::table.find(id).select(LegalHoldRecord::as_select()).first(conn)?;
        Ok(Lifting::Lifted(lifted))
    })
}

/// The persons among `person_ids` under a legal hold not lifted.
pub fn held_among(
    conn: &mut DbConnection,
    person_ids: &[String],
) -> Result<std::collections::HashSet<String>, StoreError> {
    Ok(legal_holds::table
        .filter(legal_holds::person_id.eq_any(person_ids))
        .filter(legal_holds::lifted_at.is_null())
        .select(legal_holds::person_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Whether a hold that is not lifted keeps the person's file.
pub fn is_held(conn: &mut DbConnection, person_id: &str) -> Result<bool, StoreError> {
    let held: i64 = legal_holds::table
        .filter(legal_holds::person_id.eq(person_id))
        .filter(legal_holds::lifted_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(held > 0)
}
