//! The `cri_settings` table: what each CRI prints on its documents (office address, signatory). The CRI
//! maintains its own row; every change is audited.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::schema::cri_settings;
use crate::{DbConnection, StoreError};

/// A CRI's settings.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = cri_settings)]
pub struct CriSettingsRecord {
    /// CRI code.
    pub cri_code: String,
    /// Office address, one line per line.
    pub office_address: String,
    /// Who signs the attestations.
    pub signatory_name: String,
    /// Their function.
    pub signatory_function: String,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// Who changed it.
    pub updated_by: String,
}

/// The settings of `cri`, if it has set them.
pub fn get(conn: &mut DbConnection, cri: &str) -> Result<Option<CriSettingsRecord>, StoreError> {
    Ok(cri_settings::table.find(cri).select(CriSettingsRecord::as_select()).first(conn).optional()?)
}

/// Sets the settings of a CRI (creates or replaces them), audited.
pub fn put(
    conn: &mut DbConnection,
    settings: &CriSettingsRecord,
    actor: &Actor,
) -> Result<CriSettingsRecord, StoreError> {
    crate::write_transaction(conn, |conn| {
        let updated = diesel::update(cri_settings::table.find(&settings.cri_code)).set(settings).execute(conn)?;
        if updated == 0 {
            diesel::insert_into(cri_settings::table).values(settings).execute(conn)?;
        }
        audit::append(conn, actor, "put_cri_settings", "cri", Some(&settings.cri_code), None, settings.updated_at)?;
        Ok(settings.clone())
    })
}
