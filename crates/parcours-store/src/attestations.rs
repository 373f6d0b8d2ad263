//! The `attestations` and `attestation_counters` tables: attestations de fréquentation as issued, never
//! edited (a correction supersedes with a new serial; a revocation sets its reason), with one serial
//! sequence per CRI and year, their reprints counted, and every anonymous verification audited.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::attestation::{AttestationKind, AttestationStatus};
use parcours_domain::case::CaseEvent;

use crate::audit::{self, Actor};
use crate::cases::CaseRecord;
use crate::feed::record_steps;
use crate::schema::{attestations, cases};
use crate::{DbConnection, StoreError};

/// An attestation as issued.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = attestations)]
pub struct AttestationRecord {
    /// Serial (`CRIPEL-ATT-2027-000123`).
    pub serial: String,
    /// Case.
    pub case_id: String,
    /// Holder.
    pub person_id: String,
    /// Issuing CRI.
    pub cri_code: String,
    /// What it proves.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: AttestationKind,
    /// Valid, revoked or superseded.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: AttestationStatus,
    /// Everything printed on it (JSON), fixed at issue.
    pub content_json: String,
    /// SHA-256 of the original PDF (hex).
    pub pdf_sha256: String,
    /// Template version it was printed with.
    pub template_version: i32,
    /// The random token of its verification address.
    pub verification_token: String,
    /// Id of the key that signed its offline payload.
    pub key_id: String,
    /// The signed offline payload printed in its QR code.
    pub signed_payload: String,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Completion date.
    pub completed_on: NaiveDate,
    /// When issued.
    pub issued_at: NaiveDateTime,
    /// Who issued it.
    pub issued_by: String,
    /// The attestation it corrects.
    pub supersedes: Option<String>,
    /// The attestation that corrects it.
    pub superseded_by: Option<String>,
    /// When revoked.
    pub revoked_at: Option<NaiveDateTime>,
    /// Why revoked.
    pub revocation_reason: Option<String>,
    /// Copies printed after the original.
    pub copies: i32,
}

/// The next number of `cri`'s sequence for `year`, from 1 (one upsert of its counter, whose row stays locked
/// until commit; see [`crate::yearly_counters`]).
pub fn next_number(conn: &mut DbConnection, cri: &str, year: i32) -> Result<u32, StoreError> {
    let value =
        crate::yearly_counters::next_value(conn, crate::yearly_counters::YearlyCounter::Attestations, cri, year)?;
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("attestation counter {cri} {year} is {value}")))
}

/// One attestation.
pub fn find(conn: &mut DbConnection, serial: &str) -> Result<Option<AttestationRecord>, StoreError> {
    Ok(attestations::table.find(serial).select(AttestationRecord::as_select()).first(conn).optional()?)
}

/// The attestation `serial` if it is valid and held by `person_id` (D1 evidence of an attestation obtained
/// before in Wallonia): anything else reads as none, whoever holds it.
pub fn find_valid_held_by(
    conn: &mut DbConnection,
    serial: &str,
    person_id: &str,
) -> Result<Option<AttestationRecord>, StoreError> {
    Ok(attestations::table
        .find(serial)
        .filter(attestations::person_id.eq(person_id))
        .filter(attestations::status.eq(AttestationStatus::Valid.code()))
        .select(AttestationRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Who reads an attestation through the authenticated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestationReader {
    /// The CRI that issued it.
    IssuingCri(String),
    /// The commune of the case's domicile, for an obliged holder (rule 5.2).
    Commune(String),
    /// The CPAS the CRI recorded on the case (rule 5.2).
    Cpas(String),
}

/// One attestation, if `reader` may read it (the scope is part of the query: anything else reads as absent).
pub fn find_for(
    conn: &mut DbConnection,
    serial: &str,
    reader: &AttestationReader,
) -> Result<Option<AttestationRecord>, StoreError> {
    let query = attestations::table
        .inner_join(cases::table)
        .filter(attestations::serial.eq(serial))
        .select(AttestationRecord::as_select())
        .into_boxed();
    let query = match reader {
        AttestationReader::IssuingCri(cri) => query.filter(attestations::cri_code.eq(cri.clone())),
        AttestationReader::Commune(nis) => {
            query.filter(cases::commune_nis.eq(nis.clone())).filter(cases::obliged.eq(true))
        }
        AttestationReader::Cpas(nis) => query.filter(cases::cpas_nis.eq(nis.clone())),
    };
    Ok(query.first(conn).optional()?)
}

/// The attestations of a case, oldest first.
pub fn for_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<AttestationRecord>, StoreError> {
    Ok(attestations::table
        .filter(attestations::case_id.eq(case_id))
        .order(attestations::issued_at.asc())
        .then_order_by(attestations::serial.asc())
        .select(AttestationRecord::as_select())
        .load(conn)?)
}

fn case_of(conn: &mut DbConnection, case_id: &str) -> Result<CaseRecord, StoreError> {
    Ok(cases::table.find(case_id).select(CaseRecord::as_select()).first(conn)?)
}

/// Records an issued attestation inside the caller's transaction, with its timeline step (and the feed
/// events the step carries); when it corrects `record.supersedes`, that one becomes superseded first (it
/// must still be valid: a concurrent correction or revocation makes this a [`StoreError::StaleVersion`]).
pub fn record_issued(
    conn: &mut DbConnection,
    record: &AttestationRecord,
    steps: &[CaseEvent],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    if let Some(previous) = &record.supersedes {
        let changed = diesel::update(
            attestations::table
                .filter(attestations::serial.eq(previous))
                .filter(attestations::status.eq(AttestationStatus::Valid.code())),
        )
        .set((
            attestations::status.eq(AttestationStatus::Superseded.code()),
            attestations::superseded_by.eq(&record.serial),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Err(StoreError::StaleVersion { current_version: 0 });
        }
    }
    diesel::insert_into(attestations::table).values(record.clone()).execute(conn)?;
    let case = case_of(conn, &record.case_id)?;
    record_steps(conn, case.step_subject(), &case.cri_code, steps, actor, now)?;
    let detail = format!("kind={} supersedes={}", record.kind.code(), record.supersedes.as_deref().unwrap_or("-"));
    audit::append(conn, actor, "issue_attestation", "attestation", Some(&record.serial), Some(detail), now)?;
    Ok(())
}

/// Revokes a valid attestation of `cri` with its reason; `None` when there is no such valid attestation.
pub fn revoke(
    conn: &mut DbConnection,
    serial: &str,
    cri: &str,
    reason: &str,
    step: &CaseEvent,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<AttestationRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let changed = diesel::update(
            attestations::table
                .filter(attestations::serial.eq(serial))
                .filter(attestations::cri_code.eq(cri))
                .filter(attestations::status.eq(AttestationStatus::Valid.code())),
        )
        .set((
            attestations::status.eq(AttestationStatus::Revoked.code()),
            attestations::revoked_at.eq(Some(now)),
            attestations::revocation_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Ok(None);
        }
        let record = attestations::table.find(serial).select(AttestationRecord::as_select()).first(conn)?;
        let case = case_of(conn, &record.case_id)?;
        record_steps(conn, case.step_subject(), &case.cri_code, std::slice::from_ref(step), actor, now)?;
        audit::append(conn, actor, "revoke_attestation", "attestation", Some(serial), None, now)?;
        Ok(Some(record))
    })
}

/// Counts one more printed copy of an attestation of `cri` and returns it with its copy number (the
/// original is copy 1, so the first reprint is copy 2); `None` when `cri` has no such attestation.
pub fn count_copy(
    conn: &mut DbConnection,
    serial: &str,
    cri: &str,
    step: impl FnOnce(u32) -> CaseEvent,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<(AttestationRecord, u32)>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let changed = diesel::update(
            attestations::table.filter(attestations::serial.eq(serial)).filter(attestations::cri_code.eq(cri)),
        )
        .set(attestations::copies.eq(attestations::copies + 1))
        .execute(conn)?;
        if changed != 1 {
            return Ok(None);
        }
        let record = attestations::table.find(serial).select(AttestationRecord::as_select()).first(conn)?;
        let copy = u32::try_from(record.copies + 1).unwrap_or(u32::MAX);
        let case = case_of(conn, &record.case_id)?;
        record_steps(conn, case.step_subject(), &case.cri_code, &[step(copy)], actor, now)?;
        audit::append(
            conn,
            actor,
            "print_attestation_copy",
            "attestation",
            Some(serial),
            Some(format!("copy={copy}")),
            now,
        )?;
        Ok(Some((record, copy)))
    })
}

/// Writes that an attestation was read (by its CRI, by the commune of reference, or by an anonymous
/// verifier: `outcome` says what the verifier was told). The row names the holder, so that the read
/// appears in the person's access report.
pub fn audit_read(
    conn: &mut DbConnection,
    record: &AttestationRecord,
    action: &str,
    outcome: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        let detail = format!("attestation={} outcome={outcome}", record.serial);
        audit::append(conn, actor, action, "person", Some(&record.person_id), Some(detail), now)
    })
}

/// An attestation counted by the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueCounted {
    /// The person, or the one they were merged into.
    pub person_id: String,
    /// The commune of the case.
    pub commune_nis: String,
    /// `welcome_module` or `pathway`.
    pub kind: String,
    /// The hours attended it states, in bands: French, citizenship, orientation.
    pub hours_bands: [&'static str; 3],
    /// When issued.
    pub issued_at: NaiveDateTime,
}

/// Every attestation first issued in `[from, before)` and not revoked, for the statistics: a replacement
/// (`supersedes` set) is the same attestation again and is not counted. The hours are those the
/// attestation states (its content), not those attended since.
pub fn issued_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    before: NaiveDateTime,
) -> Result<Vec<IssueCounted>, StoreError> {
    use crate::schema::persons;
    use parcours_domain::statistics::{citizenship_hours_band, french_hours_band, orientation_hours_band};
    let rows: Vec<(String, Option<String>, String, String, NaiveDateTime, String)> = attestations::table
        .inner_join(cases::table)
        .inner_join(persons::table)
        .filter(attestations::issued_at.ge(from))
        .filter(attestations::issued_at.lt(before))
        .filter(attestations::supersedes.is_null())
        .filter(attestations::revoked_at.is_null())
        .select((
            attestations::person_id,
            persons::merged_into,
            cases::commune_nis,
            attestations::kind,
            attestations::issued_at,
            attestations::content_json,
        ))
        .load(conn)?;
    let mut counted = Vec::with_capacity(rows.len());
    for (person_id, merged_into, commune_nis, kind, issued_at, content_json) in rows {
        let content: serde_json::Value = serde_json::from_str(&content_json)
            .map_err(|e| StoreError::Corrupt(format!("attestation content unreadable: {e}")))?;
        let minutes = |axis: &str| {
            content["axes"]
                .as_array()
                .and_then(|axes| axes.iter().find(|a| a["axis"] == axis))
                .and_then(|a| a["attended_minutes"].as_i64())
                .unwrap_or(0)
        };
        counted.push(IssueCounted {
            person_id: merged_into.unwrap_or(person_id),
            commune_nis,
            kind,
            hours_bands: [
                french_hours_band(minutes("french")),
                citizenship_hours_band(minutes("citizenship")),
                orientation_hours_band(minutes("orientation")),
            ],
            issued_at,
        });
    }
    Ok(counted)
}
