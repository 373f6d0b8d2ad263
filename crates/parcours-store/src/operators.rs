//! The `operators` table: training operators, by enterprise number.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor};
use crate::schema::operators;
use crate::{DbConnection, StoreError};

/// An operator.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = operators)]
pub struct OperatorRecord {
    /// Id (the `operator:<id>` of its tokens).
    pub id: String,
    /// Name.
    pub name: String,
    /// Enterprise number, printed form.
    pub enterprise_number: String,
    /// Recognised axes, comma-separated codes.
    pub axes: String,
    /// CRI territories served, comma-separated codes.
    pub cri_codes: String,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Organisation that created it.
    pub created_by: String,
}

/// Creates an operator; `None` when the enterprise number is already registered.
pub fn create_operator(
    conn: &mut DbConnection,
    operator: &OperatorRecord,
    actor: &Actor,
) -> Result<Option<OperatorRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let exists: i64 = operators::table
            .filter(operators::enterprise_number.eq(&operator.enterprise_number))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(None);
        }
        diesel::insert_into(operators::table).values(operator).execute(conn)?;
        audit::append(conn, actor, "create_operator", "operator", Some(&operator.id), None, operator.created_at)?;
        Ok(Some(operator.clone()))
    })
}

/// An operator by id.
pub fn get_operator(conn: &mut DbConnection, id: &str) -> Result<Option<OperatorRecord>, StoreError> {
    Ok(operators::table.find(id).select(OperatorRecord::as_select()).first(conn).optional()?)
}

/// The operator registered under an enterprise number (printed form), if any: an ILI that is also a course
/// operator is one legal entity with both capacities.
pub fn by_enterprise_number(
    conn: &mut DbConnection,
    enterprise_number: &str,
) -> Result<Option<OperatorRecord>, StoreError> {
    Ok(operators::table
        .filter(operators::enterprise_number.eq(enterprise_number))
        .select(OperatorRecord::as_select())
        .first(conn)
        .optional()?)
}

/// The operators registered under any of these enterprise numbers: `(enterprise number, operator id)`, for a
/// list of ILIs in one statement.
pub fn ids_by_enterprise_numbers(
    conn: &mut DbConnection,
    enterprise_numbers: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(operators::table
        .filter(operators::enterprise_number.eq_any(enterprise_numbers))
        .select((operators::enterprise_number, operators::id))
        .load(conn)?)
}
