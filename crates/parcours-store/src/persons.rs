//! The `persons` table: one row per national number, holding the person's current identity (the latest
//! version in `person_identities`). A report never rewrites it: only a versioned update does.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::identity::{
    self, Comparison, Identity, IdentityField, IdentitySource, PersonStanding, Requester, UpdateRefusal,
};

use crate::audit::{self, Actor};
use crate::feed::record_steps;
use crate::person_identities::{IdentityRecord, NewIdentity, current_version, history_of, insert_identity};
use crate::schema::{arrivals, cases, determinations, persons};
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

impl PersonData {
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
}

impl std::fmt::Debug for PersonData {
    // Personal data: never in debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonData(**redacted**)")
    }
}

/// A person as stored.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
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
    /// Last changed (a new version of the identity).
    pub updated_at: NaiveDateTime,
    /// The current version of the identity.
    pub identity_version: i32,
    /// The record this one was merged into, if any.
    pub merged_into: Option<String>,
    /// When the identity was erased (the row is then a tombstone).
    pub erased_at: Option<NaiveDateTime>,
    /// The erasure batch or request it was erased under.
    pub erased_under: Option<String>,
}

impl PersonRecord {
    /// The current identity.
    pub fn identity(&self) -> Identity {
        Identity {
            surname: self.surname.clone(),
            given_names: self.given_names.clone(),
            birth_date: self.birth_date,
            sex: self.sex.clone(),
            nationality: self.nationality.clone(),
        }
    }
}

impl std::fmt::Debug for PersonRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRecord").field("id", &self.id).finish_non_exhaustive()
    }
}

/// What a report did to the person's identity.
#[derive(Debug, Clone)]
pub struct ReportedIdentity {
    /// The person (its current identity unchanged unless this was the first report).
    pub person: PersonRecord,
    /// The identity as reported: a new person's version 1, the current version when the report repeats
    /// it exactly, otherwise a report kept as made.
    pub identity: IdentityRecord,
    /// Set when the report contradicts the current identity: the fields, and the current version's row.
    pub conflict: Option<(Vec<IdentityField>, String)>,
}

/// The person with this national number, following a merge to the record that was kept.
pub fn find_person_by_niss(conn: &mut DbConnection, niss: &str) -> Result<Option<PersonRecord>, StoreError> {
    let found: Option<PersonRecord> =
        persons::table.filter(persons::niss.eq(niss)).select(PersonRecord::as_select()).first(conn).optional()?;
    match found {
        Some(PersonRecord { merged_into: Some(kept), .. }) => {
            Ok(Some(persons::table.find(kept).select(PersonRecord::as_select()).first(conn)?))
        }
        other => Ok(other),
    }
}

/// Records the identity a report gives, inside the caller's transaction. A new national number creates
/// the person with this identity as version 1; a known one keeps its current identity, whatever the
/// report says: the report is kept as made and, when it contradicts the current identity
/// ([`identity::compare`]), the caller flags an identity conflict. A concurrent insert of the same
/// national number fails on the unique index and the caller retries.
pub(crate) fn record_reported_identity(
    conn: &mut DbConnection,
    person: &PersonData,
    reporter: &str,
    now: NaiveDateTime,
) -> Result<ReportedIdentity, StoreError> {
    let reported = person.identity();
    let Some(known) = find_person_by_niss(conn, &person.niss)? else {
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
            identity_version: 1,
            merged_into: None,
            erased_at: None,
            erased_under: None,
        };
        diesel::insert_into(persons::table).values(&record).execute(conn)?;
        let identity = insert_identity(
            conn,
            NewIdentity {
                person_id: &record.id,
                version: Some(1),
                niss: &record.niss,
                identity: &reported,
                source: IdentitySource::Report.code(),
                source_org: reporter,
                reason: None,
            },
            now,
        )?;
        return Ok(ReportedIdentity { person: record, identity, conflict: None });
    };
    let current = current_version(conn, &known.id, known.identity_version)?;
    if current.identity() == reported && current.niss == person.niss {
        return Ok(ReportedIdentity { person: known, identity: current, conflict: None });
    }
    let identity = insert_identity(
        conn,
        NewIdentity {
            person_id: &known.id,
            version: None,
            niss: &person.niss,
            identity: &reported,
            source: IdentitySource::Report.code(),
            source_org: reporter,
            reason: None,
        },
        now,
    )?;
    let conflict = match identity::compare(&known.identity(), &reported) {
        Comparison::Same => None,
        Comparison::Conflict(fields) => Some((fields, current.id)),
    };
    Ok(ReportedIdentity { person: known, identity, conflict })
}

/// Makes `identity` the person's current identity (the next version), if the person is still at
/// `expected_version`; otherwise [`StoreError::StaleVersion`]. Inside the caller's transaction.
pub(crate) fn record_identity_version(
    conn: &mut DbConnection,
    person: &PersonRecord,
    identity: &Identity,
    source: IdentitySource,
    author: &str,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(PersonRecord, IdentityRecord), StoreError> {
    let next = person.identity_version + 1;
    let updated = diesel::update(
        persons::table.filter(persons::id.eq(&person.id)).filter(persons::identity_version.eq(person.identity_version)),
    )
    .set((
        persons::surname.eq(&identity.surname),
        persons::given_names.eq(&identity.given_names),
        persons::birth_date.eq(identity.birth_date),
        persons::sex.eq(&identity.sex),
        persons::nationality.eq(&identity.nationality),
        persons::identity_version.eq(next),
        persons::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current: i32 = persons::table.find(&person.id).select(persons::identity_version).first(conn)?;
        return Err(StoreError::StaleVersion { current_version: current });
    }
    let record = insert_identity(
        conn,
        NewIdentity {
            person_id: &person.id,
            version: Some(next),
            niss: &person.niss,
            identity,
            source: source.code(),
            source_org: author,
            reason: Some(reason),
        },
        now,
    )?;
    let person = persons::table.find(&person.id).select(PersonRecord::as_select()).first(conn)?;
    Ok((person, record))
}

/// One person by id (a merged record leads to the kept one).
pub fn find_person(conn: &mut DbConnection, id: &str) -> Result<Option<PersonRecord>, StoreError> {
    let found: Option<PersonRecord> =
        persons::table.find(id).select(PersonRecord::as_select()).first(conn).optional()?;
    match found {
        Some(PersonRecord { merged_into: Some(kept), .. }) => {
            Ok(Some(persons::table.find(kept).select(PersonRecord::as_select()).first(conn)?))
        }
        other => Ok(other),
    }
}

/// One person by id within a reader's scope: any person for the Region (`cri` absent), otherwise one the CRI
/// is competent for; `None` outside it, as for an unknown id.
pub fn find_person_in_scope(
    conn: &mut DbConnection,
    id: &str,
    cri: Option<&str>,
) -> Result<Option<PersonRecord>, StoreError> {
    let Some(person) = find_person(conn, id)? else { return Ok(None) };
    match cri {
        Some(cri) if !cri_is_competent_for(conn, &person.id, cri)? => Ok(None),
        _ => Ok(Some(person)),
    }
}

/// Whether the CRI is competent for the person: a determination routed to it, or a case it holds or held.
pub fn cri_is_competent_for(conn: &mut DbConnection, person_id: &str, cri_code: &str) -> Result<bool, StoreError> {
    let routed: i64 = determinations::table
        .filter(determinations::person_id.eq(person_id))
        .filter(determinations::competent_cri.eq(cri_code))
        .count()
        .get_result(conn)?;
    let held: i64 = cases::table
        .filter(cases::person_id.eq(person_id))
        .filter(cases::cri_code.eq(cri_code))
        .count()
        .get_result(conn)?;
    Ok(routed + held > 0)
}

/// The person's open case, as the feed needs it to record a step (read here rather than through the
/// `cases` module, which depends on this one).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct OpenCaseRow {
    id: String,
    reference: String,
    #[diesel(deserialize_as = String)]
    state: parcours_domain::case::CaseState,
    cri_code: String,
    commune_nis: String,
    cpas_nis: Option<String>,
    person_id: String,
}

impl OpenCaseRow {
    /// What the feed needs.
    pub fn subject(&self) -> crate::feed::StepSubject<'_> {
        crate::feed::StepSubject {
            id: &self.id,
            reference: &self.reference,
            state: self.state,
            cri_code: &self.cri_code,
            commune_nis: &self.commune_nis,
            cpas_nis: self.cpas_nis.as_deref(),
            person_id: &self.person_id,
        }
    }

    /// The CRI holding the case.
    pub fn cri_code(&self) -> &str {
        &self.cri_code
    }
}

/// The person's open case, if any.
pub fn open_case_row(conn: &mut DbConnection, person_id: &str) -> Result<Option<OpenCaseRow>, StoreError> {
    Ok(cases::table
        .filter(cases::person_id.eq(person_id))
        .filter(cases::state.eq_any(parcours_domain::case::CaseState::OPEN.map(|state| state.code())))
        .select(OpenCaseRow::as_select())
        .first(conn)
        .optional()?)
}

/// The result of [`update_identity`].
#[derive(Debug)]
pub enum IdentityUpdate {
    /// No such person for this requester.
    NotFound,
    /// The requester may not change it, or nothing changes.
    Refused(UpdateRefusal),
    /// The person's identity moved on since the caller read it.
    Stale {
        /// The version now.
        current_version: i32,
    },
    /// Done: the person now, and the new version.
    Updated(Box<PersonRecord>, Box<IdentityRecord>),
}

/// A versioned update of the current identity by the commune of the current domicile or the competent
/// CRI ([`identity::may_update_identity`]), if the person is still at `expected_version`; with a step on
/// the open case. One transaction, audited.
#[expect(clippy::too_many_arguments, reason = "who, which version, what and why are all distinct")]
pub fn update_identity(
    conn: &mut DbConnection,
    person_id: &str,
    requester: Requester<'_>,
    expected_version: i32,
    proposed: &Identity,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<IdentityUpdate, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(person) = find_person(conn, person_id)? else { return Ok(IdentityUpdate::NotFound) };
        let (domicile, cri) = standing_of(conn, &person.id)?;
        // Scope: a commune sees only persons it reported; a CRI only persons it is competent for.
        let in_scope = match requester {
            Requester::Commune(nis) => {
                let reported: i64 = arrivals::table
                    .filter(arrivals::person_id.eq(&person.id))
                    .filter(arrivals::reported_by_org.eq(format!("commune:{nis}")))
                    .count()
                    .get_result(conn)?;
                reported > 0
            }
            Requester::Cri(code) => cri_is_competent_for(conn, &person.id, code)?,
        };
        if !in_scope {
            return Ok(IdentityUpdate::NotFound);
        }
        if person.identity_version != expected_version {
            return Ok(IdentityUpdate::Stale { current_version: person.identity_version });
        }
        let standing = PersonStanding { current_domicile: domicile.as_deref(), competent_cri: cri.as_deref() };
        let source = match identity::may_update_identity(requester, standing, &person.identity(), proposed) {
            Ok(source) => source,
            Err(refusal) => return Ok(IdentityUpdate::Refused(refusal)),
        };
        let (person, version) =
            record_identity_version(conn, &person, proposed, source, &actor.organisation, reason, now)?;
        if let Some(case) = open_case_row(conn, &person.id)? {
            let step = identity::identity_updated_step(source, person.identity_version);
            record_steps(conn, case.subject(), case.cri_code(), &[step], actor, now)?;
        }
        let detail = format!("version={} source={}", person.identity_version, source.code());
        audit::append(conn, actor, "update_identity", "person", Some(&person.id), Some(detail), now)?;
        Ok(IdentityUpdate::Updated(Box::new(person), Box::new(version)))
    })
}

/// Who asks for a person's current identity, with the organisation that bounds what it may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonReader {
    /// A commune: a person it reported, or whose case it is the commune of domicile of.
    Commune(String),
    /// A CPAS: a person whose case records it as the CPAS.
    Cpas(String),
    /// A CRI: a person it is competent for (see [`cri_is_competent_for`]).
    Cri(String),
}

/// The current identity of a person, for an organisation that received a notice about them (the feed
/// carries only the person's id); the read is audited with the person as subject, so that the person's
/// access report lists it. `None` outside the reader's scope.
pub fn read_person(
    conn: &mut DbConnection,
    person_id: &str,
    reader: &PersonReader,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<PersonRecord>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(person) = find_person(conn, person_id)? else { return Ok(None) };
        let in_scope = match reader {
            PersonReader::Commune(nis) => {
                let reported: i64 = arrivals::table
                    .filter(arrivals::person_id.eq(&person.id))
                    .filter(arrivals::commune_nis.eq(nis))
                    .count()
                    .get_result(conn)?;
                let domiciled: i64 = cases::table
                    .filter(cases::person_id.eq(&person.id))
                    .filter(cases::commune_nis.eq(nis))
                    .count()
                    .get_result(conn)?;
                reported + domiciled > 0
            }
            PersonReader::Cpas(nis) => {
                let recorded: i64 = cases::table
                    .filter(cases::person_id.eq(&person.id))
                    .filter(cases::cpas_nis.eq(nis))
                    .count()
                    .get_result(conn)?;
                recorded > 0
            }
            PersonReader::Cri(cri) => cri_is_competent_for(conn, &person.id, cri)?,
        };
        if !in_scope {
            return Ok(None);
        }
        let shown = [person.id.clone()];
        audit::append_showing(conn, actor, "read_person", "person", Some(&person.id), None, &shown, now)?;
        Ok(Some(person))
    })
}

/// A person's identity history (every version and every report kept as made, including those of records
/// merged into it), for the CRI competent for the person; audited. `None` outside the CRI's scope.
pub fn identity_history(
    conn: &mut DbConnection,
    person_id: &str,
    cri_code: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Option<(PersonRecord, Vec<IdentityRecord>)>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let Some(person) = find_person(conn, person_id)? else { return Ok(None) };
        if !cri_is_competent_for(conn, &person.id, cri_code)? {
            return Ok(None);
        }
        let mut ids: Vec<String> =
            persons::table.filter(persons::merged_into.eq(&person.id)).select(persons::id).load(conn)?;
        ids.push(person.id.clone());
        let rows = history_of(conn, &ids)?;
        audit::append(conn, actor, "read_identity_history", "person", Some(&person.id), None, now)?;
        Ok(Some((person, rows)))
    })
}

/// Where the person stands now, for [`identity::may_update_identity`]: the commune and CRI of the open
/// case, otherwise of the latest report and determination.
pub fn standing_of(conn: &mut DbConnection, person_id: &str) -> Result<(Option<String>, Option<String>), StoreError> {
    let open: Option<(String, String)> = cases::table
        .filter(cases::person_id.eq(person_id))
        .filter(cases::state.eq_any(parcours_domain::case::CaseState::OPEN.map(|state| state.code())))
        .select((cases::commune_nis, cases::cri_code))
        .first(conn)
        .optional()?;
    if let Some((commune, cri)) = open {
        return Ok((Some(commune), Some(cri)));
    }
    let commune: Option<String> = arrivals::table
        .filter(arrivals::person_id.eq(person_id))
        .order(arrivals::reported_at.desc())
        .select(arrivals::commune_nis)
        .first(conn)
        .optional()?;
    let cri: Option<String> = determinations::table
        .filter(determinations::person_id.eq(person_id))
        .filter(determinations::competent_cri.is_not_null())
        .order(determinations::id.desc())
        .select(determinations::competent_cri)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    Ok((commune, cri))
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
