//! A person's identity through time: what each organisation reported, what is current, and who may change
//! it. A commune reports the identity as it knows it; it never rewrites what another organisation
//! reported (GDPR art. 5(1)(d), accuracy, and art. 16: a correction is a traced act, not a side effect).
//!
//! - A report whose identity differs from the current one for the same national number is an **identity
//!   conflict** ([`compare`]): the report is kept as reported, the current identity is unchanged, and the
//!   CRI resolves the conflict (keep the current identity, or adopt the reported one as a new version).
//! - The current identity changes only through a **versioned update** with its source
//!   ([`IdentitySource`]): the commune of the person's current domicile or the CRI competent for the
//!   person ([`may_update_identity`]).
//! - Two persons with the same name and birth date but different national numbers (a BIS number later
//!   replaced by a national number, rule §10) are **duplicate candidates** ([`duplicate_key`]); the CRI
//!   merges them, keeping both histories.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::CaseEvent;
use crate::events::EventKind;

/// The identity fields a report carries (the national number is the person's key, not a field).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// `male`, `female`, or unknown.
    pub sex: Option<String>,
    /// ISO alpha-3 nationality.
    pub nationality: String,
}

impl std::fmt::Debug for Identity {
    // Personal data: never in debug output or logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(**redacted**)")
    }
}

/// One field of an identity, named in a conflict (codes only: no personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityField {
    /// Surname.
    Surname,
    /// Given names.
    GivenNames,
    /// Birth date.
    BirthDate,
    /// Sex.
    Sex,
    /// Nationality.
    Nationality,
}

impl IdentityField {
    /// Every field, in display order.
    pub const ALL: [IdentityField; 5] = [
        IdentityField::Surname,
        IdentityField::GivenNames,
        IdentityField::BirthDate,
        IdentityField::Sex,
        IdentityField::Nationality,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            IdentityField::Surname => "surname",
            IdentityField::GivenNames => "given_names",
            IdentityField::BirthDate => "birth_date",
            IdentityField::Sex => "sex",
            IdentityField::Nationality => "nationality",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<IdentityField> {
        IdentityField::ALL.into_iter().find(|field| field.code() == code)
    }
}

/// How a reported identity compares with the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// The same person as known (names compared as [`normalised_name`] writes them).
    Same,
    /// The report differs on these fields: an identity conflict for the CRI.
    Conflict(Vec<IdentityField>),
}

/// Compares a reported identity with the current one.
pub fn compare(current: &Identity, reported: &Identity) -> Comparison {
    let differing: Vec<IdentityField> = IdentityField::ALL
        .into_iter()
        .filter(|field| match field {
            IdentityField::Surname => normalised_name(&current.surname) != normalised_name(&reported.surname),
            IdentityField::GivenNames => {
                normalised_name(&current.given_names) != normalised_name(&reported.given_names)
            }
            IdentityField::BirthDate => current.birth_date != reported.birth_date,
            // A report that does not know the sex does not contradict one that does.
            IdentityField::Sex => reported.sex.is_some() && current.sex != reported.sex,
            IdentityField::Nationality => !current.nationality.eq_ignore_ascii_case(&reported.nationality),
        })
        .collect();
    if differing.is_empty() { Comparison::Same } else { Comparison::Conflict(differing) }
}

/// A name as registers compare it: lower case, accents removed, hyphens and apostrophes as spaces, single
/// spaces: "N'DIAYE" and "N Diaye", "Aïcha" and "Aicha" are one spelling in two registers. Anything beyond
/// that ("Ndiaye", another transliteration) is for the CRI to judge.
pub fn normalised_name(name: &str) -> String {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
            'ý' | 'ÿ' => 'y',
            'š' | 'ś' => 's',
            'ž' | 'ź' | 'ż' => 'z',
            'ł' => 'l',
            'ř' => 'r',
            '-' | '\'' | '’' | '.' | ',' => ' ',
            other => other,
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key under which two persons are duplicate candidates: the same normalised surname, given names and
/// birth date. Different national numbers under one key are listed for the CRI, never merged blindly.
pub fn duplicate_key(identity: &Identity) -> String {
    format!(
        "{}|{}|{}",
        normalised_name(&identity.surname),
        normalised_name(&identity.given_names),
        identity.birth_date.format("%Y-%m-%d")
    )
}

/// Where a version of the current identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentitySource {
    /// A commune's (or a CRI walk-in's) report: version 1 when no identity was known, otherwise kept as made
    /// without becoming current.
    Report,
    /// An update by the commune of the person's current domicile (its population register).
    CommuneOfDomicile,
    /// An update by the CRI competent for the person.
    Cri,
    /// A conflict resolved by the CRI in favour of the reported identity.
    ConflictResolution,
    /// A merge of two records of the same person: the kept record takes the national number in force.
    Merge,
}

impl IdentitySource {
    /// Every source.
    pub const ALL: [IdentitySource; 5] = [
        IdentitySource::Report,
        IdentitySource::CommuneOfDomicile,
        IdentitySource::Cri,
        IdentitySource::ConflictResolution,
        IdentitySource::Merge,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            IdentitySource::Report => "report",
            IdentitySource::CommuneOfDomicile => "commune_of_domicile",
            IdentitySource::Cri => "cri",
            IdentitySource::ConflictResolution => "conflict_resolution",
            IdentitySource::Merge => "merge",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<IdentitySource> {
        IdentitySource::ALL.into_iter().find(|source| source.code() == code)
    }
}

/// Who asks to change a person's current identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requester<'a> {
    /// A commune, by NIS code.
    Commune(&'a str),
    /// A CRI, by code.
    Cri(&'a str),
}

/// What is known of the person when an update is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonStanding<'a> {
    /// The commune of the current domicile: of the open case, otherwise of the latest report.
    pub current_domicile: Option<&'a str>,
    /// The CRI competent for the person: holding the open case, otherwise of the latest determination.
    pub competent_cri: Option<&'a str>,
}

/// Why an update of the current identity is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateRefusal {
    /// A commune that is not the person's current domicile: it reports, it does not correct.
    NotTheCommuneOfDomicile,
    /// A CRI that is not competent for the person.
    NotTheCompetentCri,
    /// The update changes nothing.
    NothingChanges,
}

/// Whether `requester` may change the current identity, and under which source (GDPR art. 16: the
/// register that holds the person's domicile, or the CRI that follows them).
pub fn may_update_identity(
    requester: Requester<'_>,
    standing: PersonStanding<'_>,
    current: &Identity,
    proposed: &Identity,
) -> Result<IdentitySource, UpdateRefusal> {
    let source = match requester {
        Requester::Commune(nis) if standing.current_domicile == Some(nis) => IdentitySource::CommuneOfDomicile,
        Requester::Commune(_) => return Err(UpdateRefusal::NotTheCommuneOfDomicile),
        Requester::Cri(code) if standing.competent_cri == Some(code) => IdentitySource::Cri,
        Requester::Cri(_) => return Err(UpdateRefusal::NotTheCompetentCri),
    };
    // Exact comparison here: a spelling correction ("Dupond" → "Dupont", or accents) is a real update.
    if current == proposed {
        return Err(UpdateRefusal::NothingChanges);
    }
    Ok(source)
}

/// How the CRI resolves an identity conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictResolution {
    /// The current identity is right; the report stays recorded as it was made.
    KeepCurrent,
    /// The reported identity is right: it becomes the current one (a new version).
    AdoptReported,
}

impl ConflictResolution {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ConflictResolution::KeepCurrent => "keep_current",
            ConflictResolution::AdoptReported => "adopt_reported",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ConflictResolution> {
        [ConflictResolution::KeepCurrent, ConflictResolution::AdoptReported].into_iter().find(|r| r.code() == code)
    }
}

/// Why two person records cannot be merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeRefusal {
    /// A record cannot be merged into itself.
    SameRecord,
    /// The records are not duplicate candidates (name or birth date differ): a merge would join two people.
    NotCandidates,
    /// Both records have an open case: the CRI closes one first, so that no case is lost in the merge.
    BothHaveOpenCases,
    /// One of the records was already merged into another.
    AlreadyMerged,
}

/// Whether `duplicate` may be merged into `kept` (both identities current).
pub fn may_merge(
    kept: &Identity,
    duplicate: &Identity,
    same_record: bool,
    already_merged: bool,
    open_cases: (bool, bool),
) -> Result<(), MergeRefusal> {
    if same_record {
        return Err(MergeRefusal::SameRecord);
    }
    if already_merged {
        return Err(MergeRefusal::AlreadyMerged);
    }
    if duplicate_key(kept) != duplicate_key(duplicate) {
        return Err(MergeRefusal::NotCandidates);
    }
    if open_cases.0 && open_cases.1 {
        return Err(MergeRefusal::BothHaveOpenCases);
    }
    Ok(())
}

/// The case step recording a conflict on the person's open case (field codes only: no names in the feed).
pub fn conflict_flagged_step(fields: &[IdentityField]) -> CaseEvent {
    let codes: Vec<&str> = fields.iter().map(|field| field.code()).collect();
    step(EventKind::IdentityConflictFlagged, format!("fields={}", codes.join(",")))
}

/// The case step recording a new version of the identity.
pub fn identity_updated_step(source: IdentitySource, version: i32) -> CaseEvent {
    step(EventKind::IdentityUpdated, format!("version={version} source={}", source.code()))
}

/// The case step recording a merge of two records into the case's person.
pub fn records_merged_step(version: i32) -> CaseEvent {
    step(EventKind::PersonRecordsMerged, format!("version={version}"))
}

fn step(kind: EventKind, summary: String) -> CaseEvent {
    CaseEvent { kind, reason: kind.description(), basis: kind.basis(), summary, document: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(surname: &str, given: &str) -> Identity {
        Identity {
            surname: surname.to_owned(),
            given_names: given.to_owned(),
            birth_date: NaiveDate::from_ymd_opt(1990, 5, 17).expect("date"),
            sex: Some("female".to_owned()),
            nationality: "SYR".to_owned(),
        }
    }

    #[test]
    fn a_register_spelling_is_the_same_name_and_a_new_surname_is_a_conflict() {
        let known = identity("N'DIAYE", "Aïcha  Marie");
        assert_eq!(
            compare(&known, &identity("Ndiaye", "Aicha Marie")),
            Comparison::Conflict(vec![IdentityField::Surname])
        );
        assert_eq!(compare(&known, &identity("n diaye", "AICHA marie")), Comparison::Same);
        assert_eq!(
            compare(&known, &identity("Martin", "Aïcha Marie")),
            Comparison::Conflict(vec![IdentityField::Surname])
        );
    }

    #[test]
    fn an_unknown_sex_does_not_contradict_a_known_one() {
        let known = identity("Haddad", "Rana");
        let mut reported = known.clone();
        reported.sex = None;
        assert_eq!(compare(&known, &reported), Comparison::Same);
        reported.sex = Some("male".to_owned());
        reported.nationality = "LBN".to_owned();
        assert_eq!(
            compare(&known, &reported),
            Comparison::Conflict(vec![IdentityField::Sex, IdentityField::Nationality])
        );
    }

    #[test]
    fn only_the_commune_of_domicile_or_the_competent_cri_update_the_identity() {
        let current = identity("Haddad", "Rana");
        let proposed = identity("Haddad-Khoury", "Rana");
        let standing = PersonStanding { current_domicile: Some("62063"), competent_cri: Some("CRIPEL") };
        assert_eq!(
            may_update_identity(Requester::Commune("62063"), standing, &current, &proposed),
            Ok(IdentitySource::CommuneOfDomicile)
        );
        assert_eq!(
            may_update_identity(Requester::Commune("52011"), standing, &current, &proposed),
            Err(UpdateRefusal::NotTheCommuneOfDomicile)
        );
        assert_eq!(
            may_update_identity(Requester::Cri("CRIPEL"), standing, &current, &proposed),
            Ok(IdentitySource::Cri)
        );
        assert_eq!(
            may_update_identity(Requester::Cri("CRIC"), standing, &current, &proposed),
            Err(UpdateRefusal::NotTheCompetentCri)
        );
        assert_eq!(
            may_update_identity(Requester::Cri("CRIPEL"), standing, &current, &current),
            Err(UpdateRefusal::NothingChanges)
        );
    }

    #[test]
    fn only_duplicate_candidates_merge_and_never_two_open_cases() {
        let a = identity("Haddad", "Rana");
        let b = identity("HADDAD", "Rana");
        assert_eq!(may_merge(&a, &b, false, false, (true, false)), Ok(()));
        assert_eq!(may_merge(&a, &b, false, false, (true, true)), Err(MergeRefusal::BothHaveOpenCases));
        assert_eq!(
            may_merge(&a, &identity("Khoury", "Rana"), false, false, (false, false)),
            Err(MergeRefusal::NotCandidates)
        );
        assert_eq!(may_merge(&a, &a, true, false, (false, false)), Err(MergeRefusal::SameRecord));
        assert_eq!(may_merge(&a, &b, false, true, (false, false)), Err(MergeRefusal::AlreadyMerged));
        assert_eq!(duplicate_key(&a), "haddad|rana|1990-05-17");
    }
}
