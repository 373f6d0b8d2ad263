//! The `welcome_offices` table: each CRI's *bureaux d'accueil*, the reference data its staff maintain
//! (address, opening hours, the communes served by default, the languages spoken). Audited; versioned for
//! `If-Match`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::welcome_office::Office;

use crate::audit::{self, Actor};
use crate::schema::welcome_offices;
use crate::{DbConnection, StoreError};

/// An office as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = welcome_offices)]
pub struct OfficeRecord {
    /// Id.
    pub id: String,
    /// Its CRI.
    pub cri_code: String,
    /// Name.
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// Locality.
    pub locality: String,
    /// Opening hours (JSON list of the domain's `OpeningHours`).
    pub opening_hours_json: String,
    /// Communes served by default (JSON list of NIS codes).
    pub communes_json: String,
    /// Staff languages (JSON list of ISO 639 codes).
    pub languages_json: String,
    /// Version, for `If-Match`.
    pub version: i32,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("office not serialisable: {e}")))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("stored office unreadable: {e}")))
}

impl OfficeRecord {
    /// The row of a new office.
    pub fn new(id: String, cri_code: &str, office: &Office, now: NaiveDateTime) -> Result<OfficeRecord, StoreError> {
        Ok(OfficeRecord {
            id,
            cri_code: cri_code.to_owned(),
            name: office.name.clone(),
            street: office.street.clone(),
            postal_code: office.postal_code.clone(),
            locality: office.locality.clone(),
            opening_hours_json: json(&office.opening_hours)?,
            communes_json: json(&office.communes)?,
            languages_json: json(&office.languages)?,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    /// The domain office.
    pub fn office(&self) -> Result<Office, StoreError> {
        Ok(Office {
            name: self.name.clone(),
            street: self.street.clone(),
            postal_code: self.postal_code.clone(),
            locality: self.locality.clone(),
            opening_hours: parse(&self.opening_hours_json)?,
            communes: parse(&self.communes_json)?,
            languages: parse(&self.languages_json)?,
        })
    }
}

/// Stores a new office; audited.
pub fn insert(
    conn: &mut DbConnection,
    record: &OfficeRecord,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(welcome_offices::table).values(record).execute(conn)?;
        audit::append(conn, actor, "create_office", "welcome_office", Some(&record.id), None, now)?;
        Ok(())
    })
}

/// Replaces an office's description if it is still at `expected_version`; audited.
pub fn replace(
    conn: &mut DbConnection,
    id: &str,
    cri_code: &str,
    expected_version: i32,
    office: &Office,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<OfficeRecord, StoreError> {
    crate::write_transaction(conn, |conn| {
        let current = find(conn, id, cri_code)?.ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::StaleVersion { current_version: current.version });
        }
        let next = OfficeRecord {
            version: current.version + 1,
            created_at: current.created_at,
            ..OfficeRecord::new(current.id.clone(), cri_code, office, now)?
        };
        let changed = diesel::update(
            welcome_offices::table
                .filter(welcome_offices::id.eq(id))
                .filter(welcome_offices::version.eq(expected_version)),
        )
        .set((
            welcome_offices::name.eq(&next.name),
            welcome_offices::street.eq(&next.street),
            welcome_offices::postal_code.eq(&next.postal_code),
            welcome_offices::locality.eq(&next.locality),
            welcome_offices::opening_hours_json.eq(&next.opening_hours_json),
            welcome_offices::communes_json.eq(&next.communes_json),
            welcome_offices::languages_json.eq(&next.languages_json),
            welcome_offices::version.eq(next.version),
            welcome_offices::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Err(StoreError::StaleVersion { current_version: current.version });
        }
        audit::append(
            conn,
            actor,
            "update_office",
            "welcome_office",
            Some(id),
            Some(format!("version={}", next.version)),
            now,
        )?;
        Ok(next)
    })
}

/// One office of the CRI.
pub fn find(conn: &mut DbConnection, id: &str, cri_code: &str) -> Result<Option<OfficeRecord>, StoreError> {
    Ok(welcome_offices::table
        .filter(welcome_offices::id.eq(id))
        .filter(welcome_offices::cri_code.eq(cri_code))
        .select(OfficeRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Every office of the CRI, by name.
pub fn of_cri(conn: &mut DbConnection, cri_code: &str) -> Result<Vec<OfficeRecord>, StoreError> {
    Ok(welcome_offices::table
        .filter(welcome_offices::cri_code.eq(cri_code))
        .order((welcome_offices::name, welcome_offices::id))
        .select(OfficeRecord::as_select())
        .load(conn)?)
}
