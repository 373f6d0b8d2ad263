//! The `person_identities` table: a person's identity through time. A row is either a version of the
//! current identity (`version` 1, 2, ...; the `persons` row copies the latest for lists and joins) or a
//! report kept as it was made that did not become current (`version` NULL). Rows are never updated.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::identity::{Identity, IdentitySource};

use crate::schema::person_identities;
use crate::{DbConnection, StoreError};

/// One identity as an organisation gave it.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = person_identities)]
pub struct IdentityRecord {
    /// Id.
    pub id: String,
    /// The person.
    pub person_id: String,
    /// Version of the current identity, or none for a report that did not become current.
    pub version: Option<i32>,
    /// The national number it was given under.
    pub niss: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Sex, when known.
    pub sex: Option<String>,
    /// Nationality.
    pub nationality: String,
    /// [`IdentitySource`] code.
    pub source: String,
    /// The organisation that gave it.
    pub source_org: String,
    /// Why (an update, a resolution, a merge), in the author's words.
    pub reason: Option<String>,
    /// When.
    pub recorded_at: NaiveDateTime,
}

impl std::fmt::Debug for IdentityRecord {
    // Personal data: never in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityRecord").field("id", &self.id).field("version", &self.version).finish_non_exhaustive()
    }
}

impl IdentityRecord {
    /// The identity fields.
    pub fn identity(&self) -> Identity {
        Identity {
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
            birth_date: self.birth_date,
            sex: self.sex.clone(),
            nationality: self.nationality.clone(),
        }
    }

    /// Where it comes from.
    pub fn source(&self) -> Option<IdentitySource> {
        IdentitySource::parse(&self.source)
    }
}

/// What a new row says.
pub(crate) struct NewIdentity<'a> {
    pub person_id: &'a str,
    pub version: Option<i32>,
    pub niss: &'a str,
    pub identity: &'a Identity,
    pub source: &'a str,
    pub source_org: &'a str,
    pub reason: Option<&'a str>,
}

pub(crate) fn insert_identity(
    conn: &mut DbConnection,
    new: NewIdentity<'_>,
    now: NaiveDateTime,
) -> Result<IdentityRecord, StoreError> {
    let record = IdentityRecord {
        id: crate::new_id(),
        person_id: new.person_id.to_owned(),
        version: new.version,
        niss: new.niss.to_owned(),
        surname: new.identity.surname.clone(),
        given_names: new.identity.given_names.clone(),
        birth_date: new.identity.birth_date,
        sex: new.identity.sex.clone(),
        nationality: new.identity.nationality.clone(),
        source: new.source.to_owned(),
        source_org: new.source_org.to_owned(),
        reason: new.reason.map(str::to_owned),
        recorded_at: now,
    };
    diesel::insert_into(person_identities::table).values(&record).execute(conn)?;
    Ok(record)
}

/// One row by id.
pub fn find_identity(conn: &mut DbConnection, id: &str) -> Result<Option<IdentityRecord>, StoreError> {
    Ok(person_identities::table.find(id).select(IdentityRecord::as_select()).first(conn).optional()?)
}

/// The row of a person's current version.
pub(crate) fn current_version(
    conn: &mut DbConnection,
    person_id: &str,
    version: i32,
) -> Result<IdentityRecord, StoreError> {
    Ok(person_identities::table
        .filter(person_identities::person_id.eq(person_id))
        .filter(person_identities::version.eq(version))
        .select(IdentityRecord::as_select())
        .first(conn)?)
}

/// Every row of these persons, oldest first (a merged record's history is read with the kept one's).
pub(crate) fn history_of(conn: &mut DbConnection, person_ids: &[String]) -> Result<Vec<IdentityRecord>, StoreError> {
    Ok(person_identities::table
        .filter(person_identities::person_id.eq_any(person_ids))
        .order((person_identities::recorded_at.asc(), person_identities::id.asc()))
        .select(IdentityRecord::as_select())
        .load(conn)?)
}
