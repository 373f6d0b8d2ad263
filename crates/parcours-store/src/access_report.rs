//! The person's access report ("who consulted my file", GDPR art. 15; CJEU C-579/21 *Pankki S*): every
//! audited operation on the person's data, found by the resources that belong to the person (the person
//! and any record merged into it, cases, arrivals, determinations, attestations, enrolments, reminders,
//! non-compliances and sanction procedures) and by the reads that showed the person in a list or a feed
//! page ([`crate::audit::append_showing`]). Reading the report is itself audited, and shows in the next one.
//!
//! Read-only over `audit_log` and `audit_subjects`; not a table of its own.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, Actor, AuditRecord};
use crate::schema::{
    arrivals, attestations, audit_log, audit_subjects, cases, determinations, enrolments, non_compliances, persons,
    reminders, sanction_procedures,
};
use crate::{DbConnection, StoreError};

/// The ids of everything that belongs to the person (and to records merged into it).
fn resource_ids_of(conn: &mut DbConnection, person_id: &str) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let mut people: Vec<String> =
        persons::table.filter(persons::merged_into.eq(person_id)).select(persons::id).load(conn)?;
    people.push(person_id.to_owned());
    let case_ids: Vec<String> = cases::table.filter(cases::person_id.eq_any(&people)).select(cases::id).load(conn)?;
    let mut ids = people.clone();
    ids.extend(case_ids.iter().cloned());
    ids.extend(arrivals::table.filter(arrivals::person_id.eq_any(&people)).select(arrivals::id).load::<String>(conn)?);
    ids.extend(
        determinations::table
            .filter(determinations::person_id.eq_any(&people))
            .select(determinations::id)
            .load::<String>(conn)?,
    );
    ids.extend(
        attestations::table
            .filter(attestations::person_id.eq_any(&people))
            .select(attestations::serial)
            .load::<String>(conn)?,
    );
    ids.extend(
        enrolments::table.filter(enrolments::case_id.eq_any(&case_ids)).select(enrolments::id).load::<String>(conn)?,
    );
    ids.extend(
        reminders::table.filter(reminders::case_id.eq_any(&case_ids)).select(reminders::id).load::<String>(conn)?,
    );
    ids.extend(
        non_compliances::table
            .filter(non_compliances::case_id.eq_any(&case_ids))
            .select(non_compliances::id)
            .load::<String>(conn)?,
    );
    ids.extend(
        sanction_procedures::table
            .filter(sanction_procedures::case_id.eq_any(&case_ids))
            .select(sanction_procedures::id)
            .load::<String>(conn)?,
    );
    Ok((people, ids))
}

/// Every audited operation on the person's data, oldest first, then the read of the report recorded
/// under `actor` (so that it shows in the next report, not in this one).
pub fn access_report(
    conn: &mut DbConnection,
    person_id: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Vec<AuditRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let (people, ids) = resource_ids_of(conn, person_id)?;
        let shown: Vec<String> = audit_subjects::table
            .filter(audit_subjects::person_id.eq_any(&people))
            .select(audit_subjects::audit_id)
            .load(conn)?;
        let rows: Vec<AuditRecord> = audit_log::table
            .filter(audit_log::resource_id.eq_any(&ids).or(audit_log::id.eq_any(&shown)))
            .order((audit_log::occurred_at.asc(), audit_log::id.asc()))
            .select(AuditRecord::as_select())
            .load(conn)?;
        let detail = Some(format!("entries={}", rows.len()));
        let subject = [person_id.to_owned()];
        audit::append_showing(conn, actor, "read_access_report", "person", Some(person_id), detail, &subject, now)?;
        Ok(rows)
    })
}
