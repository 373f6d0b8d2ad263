//! The `persons` table: one row per national number, kept current by each report.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::schema::persons;
use crate::{DbConnection, StoreError, new_id};

/// Identity of a person as reported.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonData {
    /// NISS, 11 digits.
    pub niss: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// `male`, `female`, or unknown.
    pub sex: Option<String>,
    /// ISO alpha-3.
    pub nationality: String,
}

impl std::fmt::Debug for PersonData {
    // Personal data: never in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonData(**redacted**)")
    }
}

/// A person as stored.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = persons)]
pub struct PersonRecord {
    /// Id.
    pub id: String,
    /// NISS.
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
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last updated by a report.
    pub updated_at: NaiveDateTime,
}

impl std::fmt::Debug for PersonRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRecord").field("id", &self.id).finish_non_exhaustive()
    }
}

pub(crate) fn upsert_person(
    conn: &mut DbConnection,
    person: &PersonData,
    now: NaiveDateTime,
) -> Result<PersonRecord, StoreError> {
    // MultiConnection has no ON CONFLICT: update, else insert, inside the caller's transaction. A
    // concurrent insert of the same NISS fails on the unique index and the caller retries.
    let updated = diesel::update(persons::table.filter(persons::niss.eq(&person.niss)))
        .set((
            persons::surname.eq(&person.surname),
            persons::given_names.eq(&person.given_names),
            persons::birth_date.eq(person.birth_date),
            persons::sex.eq(&person.sex),
            persons::nationality.eq(&person.nationality),
            persons::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        let record = PersonRecord {
            id: new_id(),
            niss: person.niss.clone(),
            surname: person.surname.clone(),
            given_names: person.given_names.clone(),
            birth_date: person.birth_date,
            sex: person.sex.clone(),
            nationality: person.nationality.clone(),
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(persons::table).values(&record).execute(conn)?;
        return Ok(record);
    }
    Ok(persons::table.filter(persons::niss.eq(&person.niss)).select(PersonRecord::as_select()).first(conn)?)
}

/// The persons with these ids, by id, in one query (lists load their persons this way).
pub fn persons_by_id(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, PersonRecord>, StoreError> {
    Ok(persons::table
        .filter(persons::id.eq_any(ids))
        .select(PersonRecord::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect())
}
