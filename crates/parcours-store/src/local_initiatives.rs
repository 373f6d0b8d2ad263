//! The `local_initiatives` table: the local integration initiatives (ILI) registered to apply to the
//! Region's calls for projects, by enterprise number (their tokens are `ili:<enterprise number>`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::schema::local_initiatives;
use crate::{DbConnection, StoreError};

/// A registered ILI.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = local_initiatives)]
pub struct LocalInitiativeRecord {
    /// Id.
    pub id: String,
    /// Enterprise number, printed form (`0123.456.749`).
    pub enterprise_number: String,
    /// Name.
    pub name: String,
    /// Contact e-mail (a service address).
    pub contact_email: Option<String>,
    /// Registered.
    pub created_at: NaiveDateTime,
    /// Organisation that registered it.
    pub created_by: String,
}

/// Registers an ILI; audited. A second registration of the same enterprise number is
/// `Duplicate(LocalInitiativeEnterpriseNumber)`.
pub fn insert(conn: &mut DbConnection, record: &LocalInitiativeRecord, actor: &Actor) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        diesel::insert_into(local_initiatives::table).values(record).execute(conn)?;
        audit::append(
            conn,
            actor,
            "create_local_initiative",
            "local_initiative",
            Some(&record.id),
            None,
            record.created_at,
        )
    })
}

/// The ILI of an enterprise number.
pub fn by_enterprise_number(
    conn: &mut DbConnection,
    enterprise_number: &str,
) -> Result<Option<LocalInitiativeRecord>, StoreError> {
    Ok(local_initiatives::table
        .filter(local_initiatives::enterprise_number.eq(enterprise_number))
        .select(LocalInitiativeRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Every registered ILI, by name.
pub fn all(conn: &mut DbConnection) -> Result<Vec<LocalInitiativeRecord>, StoreError> {
    Ok(local_initiatives::table
        .order((local_initiatives::name, local_initiatives::id))
        .select(LocalInitiativeRecord::as_select())
        .load(conn)?)
}
