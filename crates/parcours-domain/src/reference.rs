//! Dated reference data the rules read: communes with their NIS code, language region and competent CRI,
//! the eight CRIs, and the other Belgian communes (to tell "outside Wallonia" from "unknown code").
//!
//! Nothing here is global: callers build a [`ReferenceData`] (from the store, or from the files bundled
//! with the crate through [`bundled`]) and pass it to [`crate::determine`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::parameters::Parameters;

/// The communes file shipped with the crate (see `data/README.md`).
pub const COMMUNES_CSV: &str = include_str!("../data/communes-wallonie.csv");
/// The CRI file shipped with the crate.
pub const CRIS_CSV: &str = include_str!("../data/cri.csv");
/// Statbel's REFNIS extract, for communes outside Wallonia.
pub const REFNIS_CSV: &str = include_str!("../data/refnis.csv");
/// The 2025 mergers, which REFNIS predates.
pub const MERGERS_2025_CSV: &str = include_str!("../data/fusies-2025.csv");

/// A five-digit NIS (REFNIS) commune code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NisCode(u32);

/// Why a string is not a NIS commune code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NisCodeError;

impl fmt::Display for NisCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a NIS commune code has exactly five digits, the first one from 1 to 9")
    }
}

impl std::error::Error for NisCodeError {}

impl NisCode {
    /// Parses five digits (`62063`).
    pub fn parse(input: &str) -> Result<NisCode, NisCodeError> {
        let s = input.trim();
        if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') {
            return Err(NisCodeError);
        }
        s.parse().map(NisCode).map_err(|_| NisCodeError)
    }

    /// The numeric value.
    pub fn value(&self) -> u32 {
        self.0
    }

    /// The Belgian region the code belongs to, from its province prefix (REFNIS structure).
    pub fn region(&self) -> BelgianRegion {
        match self.0 / 1000 {
            21 => BelgianRegion::Brussels,
            25 | 50..=59 | 60..=69 | 80..=89 | 90..=99 => BelgianRegion::Wallonia,
            _ => BelgianRegion::Flanders,
        }
    }
}

impl TryFrom<String> for NisCode {
    type Error = NisCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        NisCode::parse(&value)
    }
}

impl From<NisCode> for String {
    fn from(value: NisCode) -> Self {
        value.to_string()
    }
}

impl fmt::Display for NisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:05}", self.0)
    }
}

impl fmt::Debug for NisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NisCode({:05})", self.0)
    }
}

/// The three regions of Belgium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BelgianRegion {
    /// Walloon Region (French- and German-language regions).
    Wallonia,
    /// Flemish Region.
    Flanders,
    /// Brussels-Capital Region.
    Brussels,
}

/// The language region of a Walloon commune (Constitution art. 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageRegion {
    /// *Région de langue française*: the Walloon pathway applies (CWASS art. 150, 1°).
    French,
    /// German-language region: the German-speaking Community's own pathway applies (rule 8.1).
    German,
}

/// The eight regional integration centres (CWASS art. 153/1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CriCode {
    /// Centre Régional d'Intégration du Brabant wallon.
    #[serde(rename = "CRIBW")]
    Cribw,
    /// Centre d'Action Interculturelle de la province de Namur.
    #[serde(rename = "CAI")]
    Cai,
    /// Centre Régional d'Intégration de la province de Luxembourg.
    #[serde(rename = "CRILUX")]
    Crilux,
    /// Centre Régional pour l'Intégration des Personnes Étrangères ou d'origine étrangère de Liège.
    #[serde(rename = "CRIPEL")]
    Cripel,
    /// Centre Régional de Verviers pour l'Intégration.
    #[serde(rename = "CRVI")]
    Crvi,
    /// Centre Régional d'Intégration de Charleroi.
    #[serde(rename = "CRIC")]
    Cric,
    /// Centre Régional d'Action Interculturelle du Centre.
    #[serde(rename = "CeRAIC")]
    Ceraic,
    /// Centre Interculturel de Mons et du Borinage.
    #[serde(rename = "CIMB")]
    Cimb,
}

/// Why a string is not a CRI code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriCodeError;

impl fmt::Display for CriCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown CRI: expected CRIBW, CAI, CRILUX, CRIPEL, CRVI, CRIC, CeRAIC or CIMB")
    }
}

impl std::error::Error for CriCodeError {}

impl CriCode {
    /// The eight CRIs.
    pub const ALL: [CriCode; 8] = [
        CriCode::Cribw,
        CriCode::Cai,
        CriCode::Crilux,
        CriCode::Cripel,
        CriCode::Crvi,
        CriCode::Cric,
        CriCode::Ceraic,
        CriCode::Cimb,
    ];

    /// The official acronym (`CeRAIC` keeps its capitalisation).
    pub fn code(&self) -> &'static str {
        match self {
            CriCode::Cribw => "CRIBW",
            CriCode::Cai => "CAI",
            CriCode::Crilux => "CRILUX",
            CriCode::Cripel => "CRIPEL",
            CriCode::Crvi => "CRVI",
            CriCode::Cric => "CRIC",
            CriCode::Ceraic => "CeRAIC",
            CriCode::Cimb => "CIMB",
        }
    }

    /// Parses an acronym, case-insensitively.
    pub fn parse(input: &str) -> Result<CriCode, CriCodeError> {
        let wanted = input.trim();
        CriCode::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(wanted)).ok_or(CriCodeError)
    }
}

impl fmt::Display for CriCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How sure the project is that a commune belongs to a CRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// A source places the commune in the CRI's territory.
    Confirmed,
    /// Follows from geography and partial evidence (part of Hainaut).
    Derived,
    /// Set by the Region through the API.
    Corrected,
}

/// A commune's CRI during a period (the *ressort territorial* "peut être dynamique").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriAssignment {
    /// The competent CRI.
    pub cri: CriCode,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day (`9999-12-31` when open-ended).
    pub valid_to: NaiveDate,
    /// Confirmed, derived or corrected.
    pub status: AssignmentStatus,
}

/// A Walloon commune, valid between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    /// NIS code.
    pub nis: NisCode,
    /// French name (as in REFNIS).
    pub name_fr: String,
    /// Dutch name.
    pub name_nl: String,
    /// German name.
    pub name_de: String,
    /// Arrondissement NIS code.
    pub arrondissement_nis: String,
    /// Province NIS code.
    pub province_nis: String,
    /// French- or German-language region.
    pub language_region: LanguageRegion,
    /// First day the code is valid.
    pub valid_from: NaiveDate,
    /// Last day the code is valid (`9999-12-31` when still valid).
    pub valid_to: NaiveDate,
    /// Competent CRI over time (empty for German-language communes).
    pub cri_assignments: Vec<CriAssignment>,
}

impl Commune {
    /// Whether the NIS code is in use on `date`.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }

    /// The CRI assignment in force on `date`.
    pub fn cri_on(&self, date: NaiveDate) -> Option<&CriAssignment> {
        self.cri_assignments.iter().find(|a| a.valid_from <= date && date <= a.valid_to)
    }

    /// Assigns the commune to `cri` from `from` onwards: the assignment that covers `from` ends the day
    /// before, later ones are replaced. Used when the Region corrects a derived assignment.
    pub fn reassign(&mut self, cri: CriCode, from: NaiveDate) {
        let end_of_time = far_future();
        self.cri_assignments.retain(|a| a.valid_from < from);
        if let Some(previous) = self.cri_assignments.iter_mut().find(|a| a.valid_to >= from) {
            previous.valid_to = from.pred_opt().unwrap_or(from);
        }
        self.cri_assignments.push(CriAssignment {
            cri,
            valid_from: from,
            valid_to: end_of_time,
            status: AssignmentStatus::Corrected,
        });
        self.cri_assignments.sort_by_key(|a| a.valid_from);
    }
}

/// A commune of Flanders or Brussels (only its code and validity matter here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherBelgianCommune {
    /// NIS code.
    pub nis: NisCode,
    /// French name.
    pub name_fr: String,
    /// First day.
    pub valid_from: NaiveDate,
    /// Last day.
    pub valid_to: NaiveDate,
}

/// A CRI as described in `cri.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cri {
    /// Acronym.
    pub code: CriCode,
    /// Official name.
    pub name_fr: String,
    /// Seat.
    pub seat_city: String,
    /// Web domain.
    pub website: String,
    /// Plain description of the territory.
    pub territory: String,
}

/// Why a NIS code gave way to another (rule 8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeChangeKind {
    /// The 2019 reform of the Hainaut arrondissements renumbered communes without changing them
    /// (55022 La Louvière became 58001).
    Renumbering2019,
    /// A merger of communes on 1 January 2025 (82003 Bastogne and 82005 Bertogne became 82039 Bastogne).
    Merger2025,
}

/// One code that gave way to another on a date: the old code's last day is the day before `on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeChange {
    /// The code no longer in force.
    pub old: NisCode,
    /// Its French name.
    pub old_name_fr: String,
    /// The code that replaced it.
    pub new: NisCode,
    /// Its French name.
    pub new_name_fr: String,
    /// First day of the new code.
    pub on: NaiveDate,
    /// Renumbering or merger.
    pub kind: CodeChangeKind,
}

/// Where a person lived on the reference date, read through the code changes: a commune may report its
/// residents under its code of today or the code in force then, and the answer names both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedDomicile<'a> {
    /// The commune whose language region and CRI apply.
    pub commune: &'a Commune,
    /// The code reported.
    pub reported: NisCode,
    /// The code in force on the reference date.
    pub on_reference_date: NisCode,
    /// The code in force on the evaluation date.
    pub in_force_today: NisCode,
    /// The CRI assignment on the reference date; for a code renumbered in 2019, the successor's first one
    /// (the renumbering moved no commune).
    pub cri: Option<&'a CriAssignment>,
}

/// Whether a code names a commune in force on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStatus<'a> {
    /// In force.
    InForce,
    /// No longer in force: replaced (merger or renumbering).
    Replaced(&'a CodeChange),
    /// Not in force on that date, with no replacement.
    NotInForce,
    /// No Belgian commune ever had this code.
    Unknown,
}

/// What a reported domicile designates on a date, through the code changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomicileLookup<'a> {
    /// A Walloon commune.
    Walloon(ResolvedDomicile<'a>),
    /// A commune of Flanders or Brussels.
    OutsideWallonia(BelgianRegion),
    /// The code was not in force on that date, and no code change explains it.
    NotInForce {
        /// First day of validity.
        valid_from: NaiveDate,
        /// Last day of validity.
        valid_to: NaiveDate,
        /// The code that replaced it, when one did.
        replaced_by: Option<&'a CodeChange>,
    },
    /// No Belgian commune ever had this code.
    Unknown,
}

/// Everything dated that a determination reads besides the facts.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    communes: BTreeMap<NisCode, Commune>,
    other_communes: BTreeMap<NisCode, Vec<OtherBelgianCommune>>,
    /// Walloon codes that ended before 2019 (REFNIS), which `communes` does not hold.
    retired_walloon: &'static BTreeMap<NisCode, OtherBelgianCommune>,
    /// The 2019 renumberings and 2025 mergers.
    code_changes: &'static [CodeChange],
    cris: Vec<Cri>,
    /// The law's open quantities, dated (rules tagged UNCONFIRMED).
    pub parameters: Parameters,
}

/// What a NIS code means on a given date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommuneLookup<'a> {
    /// A Walloon commune in force on that date.
    Walloon(&'a Commune),
    /// A commune of Flanders or Brussels in force on that date.
    OutsideWallonia(BelgianRegion),
    /// The code exists but was not in force on that date (e.g. Bertogne 82005 after 2024-12-31).
    NotInForce {
        /// First day of validity.
        valid_from: NaiveDate,
        /// Last day of validity.
        valid_to: NaiveDate,
    },
    /// No Belgian commune has this code.
    Unknown,
}

/// A reference file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceDataError {
    /// Which file.
    pub file: &'static str,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReferenceDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ReferenceDataError {}

fn far_future() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

impl ReferenceData {
    /// Builds reference data from its parts.
    pub fn new(
        communes: Vec<Commune>,
        other_communes: Vec<OtherBelgianCommune>,
        cris: Vec<Cri>,
        parameters: Parameters,
    ) -> ReferenceData {
        let mut others: BTreeMap<NisCode, Vec<OtherBelgianCommune>> = BTreeMap::new();
        for c in other_communes {
            others.entry(c.nis).or_default().push(c);
        }
        let (retired_walloon, code_changes) = bundled_code_history();
        ReferenceData {
            communes: communes.into_iter().map(|c| (c.nis, c)).collect(),
            other_communes: others,
            retired_walloon,
            code_changes,
            cris,
            parameters,
        }
    }

    /// The French name of a Walloon code, current or retired.
    pub fn commune_name_fr(&self, nis: NisCode) -> Option<String> {
        self.communes
            .get(&nis)
            .map(|c| c.name_fr.clone())
            .or_else(|| self.retired_walloon.get(&nis).map(|r| r.name_fr.clone()))
    }

    /// Whether `nis` names a Belgian commune in force on `date`, and if not, what replaced it. Tokens and
    /// organisation settings must name a commune in force today.
    pub fn code_status(&self, nis: NisCode, date: NaiveDate) -> CodeStatus<'_> {
        let valid = match self.communes.get(&nis) {
            Some(commune) => Some(commune.is_valid_on(date)),
            None if self.retired_walloon.contains_key(&nis) => Some(false),
            None => self
                .other_communes
                .get(&nis)
                .map(|rows| rows.iter().any(|r| r.valid_from <= date && date <= r.valid_to)),
        };
        match valid {
            Some(true) => CodeStatus::InForce,
            Some(false) => match self.replacement_of(nis) {
                Some(change) => CodeStatus::Replaced(change),
                None => CodeStatus::NotInForce,
            },
            None => CodeStatus::Unknown,
        }
    }

    /// The 2019 renumberings and 2025 mergers (rule 8.2).
    pub fn code_changes(&self) -> &[CodeChange] {
        self.code_changes
    }

    /// The change that ended `nis`, if one did.
    pub fn replacement_of(&self, nis: NisCode) -> Option<&CodeChange> {
        self.code_changes.iter().find(|c| c.old == nis)
    }

    /// The code that designates the commune of `nis` on `date`, following the changes forward.
    pub fn code_in_force(&self, nis: NisCode, date: NaiveDate) -> NisCode {
        let mut code = nis;
        // Each step moves to a strictly later code; the bound only guards against a cyclic data file.
        for _ in 0..self.code_changes.len() {
            match self.replacement_of(code) {
                Some(change) if change.on <= date => code = change.new,
                _ => break,
            }
        }
        code
    }

    /// Whether `a` and `b` designate the same commune at some point of the code history (a merged commune's
    /// old code and its new one, a renumbered code and its successor).
    pub fn same_commune_over_time(&self, a: NisCode, b: NisCode) -> bool {
        let far = far_future();
        a == b || self.code_in_force(a, far) == b || self.code_in_force(b, far) == a
    }

    /// What a reported domicile designates on `date` (the reference date), evaluated on `as_of`: the code
    /// in force then may be the reported one, a predecessor of it (a 2025 code reported for a 2024 order)
    /// or, for a code retired in 2019, the renumbered commune.
    pub fn resolve_domicile(&self, nis: NisCode, date: NaiveDate, as_of: NaiveDate) -> DomicileLookup<'_> {
        let in_force_today = self.code_in_force(nis, as_of);
        if let Some(commune) = self.communes.get(&nis) {
            if commune.is_valid_on(date) {
                return DomicileLookup::Walloon(ResolvedDomicile {
                    commune,
                    reported: nis,
                    on_reference_date: nis,
                    in_force_today,
                    cri: commune.cri_on(date),
                });
            }
            if date < commune.valid_from {
                // A code newer than the date: the commune then had a predecessor's code.
                let mut predecessors: Vec<&CodeChange> =
                    self.code_changes.iter().filter(|c| c.new == nis && date < c.on).collect();
                predecessors.sort_by_key(|c| c.old_name_fr != commune.name_fr);
                for change in predecessors {
                    if let Some(old) = self.communes.get(&change.old).filter(|c| c.is_valid_on(date)) {
                        return DomicileLookup::Walloon(ResolvedDomicile {
                            commune: old,
                            reported: nis,
                            on_reference_date: old.nis,
                            in_force_today,
                            cri: old.cri_on(date),
                        });
                    }
                    if self.retired_walloon.get(&change.old).is_some_and(|r| r.valid_from <= date && date <= r.valid_to)
                    {
                        return DomicileLookup::Walloon(ResolvedDomicile {
                            commune,
                            reported: nis,
                            on_reference_date: change.old,
                            in_force_today,
                            cri: commune.cri_on(date).or(commune.cri_assignments.first()),
                        });
                    }
                }
            }
            return DomicileLookup::NotInForce {
                valid_from: commune.valid_from,
                valid_to: commune.valid_to,
                replaced_by: self.replacement_of(nis),
            };
        }
        if let Some(retired) = self.retired_walloon.get(&nis) {
            let successor = self.replacement_of(nis).and_then(|c| self.communes.get(&c.new));
            return match successor {
                Some(commune) if retired.valid_from <= date && date <= retired.valid_to => {
                    DomicileLookup::Walloon(ResolvedDomicile {
                        commune,
                        reported: nis,
                        on_reference_date: nis,
                        in_force_today,
                        cri: commune.cri_on(date).or(commune.cri_assignments.first()),
                    })
                }
                _ => DomicileLookup::NotInForce {
                    valid_from: retired.valid_from,
                    valid_to: retired.valid_to,
                    replaced_by: self.replacement_of(nis),
                },
            };
        }
        match self.lookup(nis, date) {
            CommuneLookup::Walloon(_) | CommuneLookup::Unknown => DomicileLookup::Unknown,
            CommuneLookup::OutsideWallonia(region) => DomicileLookup::OutsideWallonia(region),
            CommuneLookup::NotInForce { valid_from, valid_to } => {
                // A Flemish or Brussels code reported for a date before its merger still says "outside
                // Wallonia": the person lived in one of the merged communes.
                if date < valid_from && self.code_changes.iter().any(|c| c.new == nis && date < c.on) {
                    DomicileLookup::OutsideWallonia(nis.region())
                } else {
                    DomicileLookup::NotInForce { valid_from, valid_to, replaced_by: self.replacement_of(nis) }
                }
            }
        }
    }

    /// What `nis` designates on `date`.
    pub fn lookup(&self, nis: NisCode, date: NaiveDate) -> CommuneLookup<'_> {
        if let Some(commune) = self.communes.get(&nis) {
            return if commune.is_valid_on(date) {
                CommuneLookup::Walloon(commune)
            } else {
                CommuneLookup::NotInForce { valid_from: commune.valid_from, valid_to: commune.valid_to }
            };
        }
        match self.other_communes.get(&nis) {
            Some(rows) => match rows.iter().find(|r| r.valid_from <= date && date <= r.valid_to) {
                Some(_) => CommuneLookup::OutsideWallonia(nis.region()),
                None => CommuneLookup::NotInForce {
                    valid_from: rows.iter().map(|r| r.valid_from).min().unwrap_or(date),
                    valid_to: rows.iter().map(|r| r.valid_to).max().unwrap_or(date),
                },
            },
            None => CommuneLookup::Unknown,
        }
    }

    /// The Walloon commune with this code, whatever the date.
    pub fn commune(&self, nis: NisCode) -> Option<&Commune> {
        self.communes.get(&nis)
    }

    /// Mutable access, to apply a correction of the Region.
    pub fn commune_mut(&mut self, nis: NisCode) -> Option<&mut Commune> {
        self.communes.get_mut(&nis)
    }

    /// All Walloon communes, by NIS code.
    pub fn communes(&self) -> impl Iterator<Item = &Commune> {
        self.communes.values()
    }

    /// The eight CRIs.
    pub fn cris(&self) -> &[Cri] {
        &self.cris
    }

    /// Communes of Flanders and Brussels.
    pub fn other_communes(&self) -> impl Iterator<Item = &OtherBelgianCommune> {
        self.other_communes.values().flatten()
    }
}

/// The bundled reference data, parsed once: for what never changes at run time (which codes exist and
/// when, the code history), where a caller has no [`ReferenceData`] at hand (token checks).
pub fn bundled_shared() -> &'static ReferenceData {
    static SHARED: OnceLock<ReferenceData> = OnceLock::new();
    SHARED.get_or_init(bundled)
}

/// The reference data bundled with the crate, with default parameters.
pub fn bundled() -> ReferenceData {
    // The files are part of the crate and covered by tests: failing here is a build defect.
    let communes = parse_communes_csv(COMMUNES_CSV).expect("bundled communes file is valid");
    let cris = parse_cris_csv(CRIS_CSV).expect("bundled CRI file is valid");
    let others = parse_other_communes(REFNIS_CSV, MERGERS_2025_CSV).expect("bundled REFNIS files are valid");
    ReferenceData::new(communes, others, cris, Parameters::default())
}

/// The Walloon codes retired in 2019 and every code change, parsed once from the bundled REFNIS files.
fn bundled_code_history() -> (&'static BTreeMap<NisCode, OtherBelgianCommune>, &'static [CodeChange]) {
    static HISTORY: OnceLock<(BTreeMap<NisCode, OtherBelgianCommune>, Vec<CodeChange>)> = OnceLock::new();
    let (retired, changes) = HISTORY.get_or_init(|| {
        // The files are part of the crate and covered by tests: failing here is a build defect.
        parse_code_history(REFNIS_CSV, MERGERS_2025_CSV).expect("bundled REFNIS files are valid")
    });
    (retired, changes)
}

/// Reads the code history from REFNIS and the 2025 merger list: the Walloon codes that ended on
/// 2018-12-31, each renumbered to the Walloon code of the same name that started on 2019-01-01, and the
/// 2025 mergers (old code to new code, for every region).
pub fn parse_code_history(
    refnis: &str,
    mergers: &str,
) -> Result<(BTreeMap<NisCode, OtherBelgianCommune>, Vec<CodeChange>), ReferenceDataError> {
    const FILE: &str = "refnis.csv";
    let reform_day = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or(NaiveDate::MIN);
    let merger_day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut ended = Vec::new();
    let mut started = Vec::new();
    for (index, line) in refnis.lines().enumerate().skip(1) {
        let n = index + 1;
        let f = split_csv_line(line, ',');
        if f.len() != 8 || f[0] != "4" {
            continue;
        }
        let code = nis(FILE, n, &f[1])?;
        if code.region() != BelgianRegion::Wallonia {
            continue;
        }
        let row = OtherBelgianCommune {
            nis: code,
            name_fr: f[4].clone(),
            valid_from: iso_date(FILE, n, &f[6])?,
            valid_to: iso_date(FILE, n, &f[7])?,
        };
        if row.valid_to.succ_opt() == Some(reform_day) {
            ended.push(row);
        } else if row.valid_from == reform_day {
            started.push(row);
        }
    }
    let mut changes = Vec::new();
    let mut retired = BTreeMap::new();
    for old in ended {
        let mut same_name = started.iter().filter(|s| s.name_fr == old.name_fr);
        match (same_name.next(), same_name.next()) {
            (Some(new), None) => changes.push(CodeChange {
                old: old.nis,
                old_name_fr: old.name_fr.clone(),
                new: new.nis,
                new_name_fr: new.name_fr.clone(),
                on: reform_day,
                kind: CodeChangeKind::Renumbering2019,
            }),
            _ => {
                return Err(ReferenceDataError {
                    file: FILE,
                    line: 0,
                    message: format!("no unique 2019 successor for {} {}", old.nis, old.name_fr),
                });
            }
        }
        retired.insert(old.nis, old);
    }
    for (index, line) in mergers.lines().enumerate().skip(1) {
        let Some((merging, new)) = line.split_once(",\t") else { continue };
        let Some((new_name, new_code)) = merger_codes(new).into_iter().next() else { continue };
        let new_nis = nis("fusies-2025.csv", index + 1, &new_code)?;
        for (old_name, old_code) in merger_codes(merging) {
            let old = nis("fusies-2025.csv", index + 1, &old_code)?;
            if old != new_nis {
                changes.push(CodeChange {
                    old,
                    old_name_fr: old_name,
                    new: new_nis,
                    new_name_fr: new_name.clone(),
                    on: merger_day,
                    kind: CodeChangeKind::Merger2025,
                });
            }
        }
    }
    Ok((retired, changes))
}

/// The `Name (code)` parts of one side of a line of `fusies-2025.csv` (`A (11002) + B (11007)`).
fn merger_codes(side: &str) -> Vec<(String, String)> {
    side.split(" + ")
        .filter_map(|part| {
            let (name, rest) = part.trim().rsplit_once(" (")?;
            Some((name.to_owned(), rest.trim_end_matches(')').to_owned()))
        })
        .collect()
}

/// Splits one CSV line (RFC 4180 quoting, comma separator).
pub fn split_csv_line(line: &str, separator: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => in_quotes = !in_quotes,
            c if c == separator && !in_quotes => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn iso_date(file: &'static str, line: usize, s: &str) -> Result<NaiveDate, ReferenceDataError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s.trim(), "%d/%m/%Y"))
        .map_err(|_| ReferenceDataError { file, line, message: format!("bad date `{s}`") })
}

fn nis(file: &'static str, line: usize, s: &str) -> Result<NisCode, ReferenceDataError> {
    NisCode::parse(s).map_err(|_| ReferenceDataError { file, line, message: format!("bad NIS code `{s}`") })
}

/// Parses `communes-wallonie.csv`.
pub fn parse_communes_csv(text: &str) -> Result<Vec<Commune>, ReferenceDataError> {
    const FILE: &str = "communes-wallonie.csv";
    let mut communes = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        let n = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = split_csv_line(line, ',');
        if f.len() != 13 {
            return Err(ReferenceDataError {
                file: FILE,
                line: n,
                message: format!("{} fields, expected 13", f.len()),
            });
        }
        let language_region = match f[8].as_str() {
            "fr" => LanguageRegion::French,
            "de" => LanguageRegion::German,
            other => {
                return Err(ReferenceDataError { file: FILE, line: n, message: format!("language region `{other}`") });
            }
        };
        let valid_from = iso_date(FILE, n, &f[11])?;
        let valid_to = iso_date(FILE, n, &f[12])?;
        let cri_assignments = if f[9].is_empty() {
            Vec::new()
        } else {
            let cri = CriCode::parse(&f[9]).map_err(|_| ReferenceDataError {
                file: FILE,
                line: n,
                message: format!("CRI `{}`", f[9]),
            })?;
            let status = match f[10].as_str() {
                "confirmed" => AssignmentStatus::Confirmed,
                "derived" => AssignmentStatus::Derived,
                other => {
                    return Err(ReferenceDataError { file: FILE, line: n, message: format!("CRI status `{other}`") });
                }
            };
            vec![CriAssignment { cri, valid_from, valid_to, status }]
        };
        communes.push(Commune {
            nis: nis(FILE, n, &f[0])?,
            name_fr: f[1].clone(),
            name_nl: f[2].clone(),
            name_de: f[3].clone(),
            arrondissement_nis: f[4].clone(),
            province_nis: f[6].clone(),
            language_region,
            valid_from,
            valid_to,
            cri_assignments,
        });
    }
    Ok(communes)
}

/// Parses `cri.csv`.
pub fn parse_cris_csv(text: &str) -> Result<Vec<Cri>, ReferenceDataError> {
    const FILE: &str = "cri.csv";
    let mut cris = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f = split_csv_line(line, ',');
        if f.len() != 5 {
            return Err(ReferenceDataError { file: FILE, line: index + 1, message: "expected 5 fields".into() });
        }
        let code = CriCode::parse(&f[0]).map_err(|_| ReferenceDataError {
            file: FILE,
            line: index + 1,
            message: format!("CRI `{}`", f[0]),
        })?;
        cris.push(Cri {
            code,
            name_fr: f[1].clone(),
            seat_city: f[2].clone(),
            website: f[3].clone(),
            territory: f[4].clone(),
        });
    }
    Ok(cris)
}

/// Parses the REFNIS extract (commune rows outside Wallonia) and applies the 2025 mergers, which it
/// predates: merged codes end on 2024-12-31 and new codes start on 2025-01-01.
pub fn parse_other_communes(refnis: &str, mergers: &str) -> Result<Vec<OtherBelgianCommune>, ReferenceDataError> {
    const FILE: &str = "refnis.csv";
    let merger_day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut rows = Vec::new();
    for (index, line) in refnis.lines().enumerate().skip(1) {
        let n = index + 1;
        let f = split_csv_line(line, ',');
        if f.len() != 8 || f[0] != "4" {
            continue;
        }
        let code = nis(FILE, n, &f[1])?;
        if code.region() == BelgianRegion::Wallonia {
            continue;
        }
        rows.push(OtherBelgianCommune {
            nis: code,
            name_fr: f[4].clone(),
            valid_from: iso_date(FILE, n, &f[6])?,
            valid_to: iso_date(FILE, n, &f[7])?,
        });
    }
    for (index, line) in mergers.lines().enumerate().skip(1) {
        let Some((merging, new)) = line.split_once(",\t") else { continue };
        let Some((new_name, new_code)) = merger_codes(new).into_iter().next() else { continue };
        let new_nis = nis("fusies-2025.csv", index + 1, &new_code)?;
        if new_nis.region() == BelgianRegion::Wallonia {
            continue; // Bastogne-Bertogne is in communes-wallonie.csv already.
        }
        for (_, old_code) in merger_codes(merging) {
            let old = nis("fusies-2025.csv", index + 1, &old_code)?;
            if old == new_nis {
                continue;
            }
            for row in rows.iter_mut().filter(|r| r.nis == old && r.valid_to >= merger_day) {
                row.valid_to = merger_day.pred_opt().unwrap_or(merger_day);
            }
        }
        if !rows.iter().any(|r| r.nis == new_nis && r.valid_to >= merger_day) {
            rows.push(OtherBelgianCommune {
                nis: new_nis,
                name_fr: new_name,
                valid_from: merger_day,
                valid_to: far_future(),
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn code(s: &str) -> NisCode {
        NisCode::parse(s).expect("valid NIS")
    }

    #[test]
    fn bundled_files_hold_263_walloon_codes_and_eight_cris() {
        let data = bundled();
        assert_eq!(data.communes().count(), 263);
        assert_eq!(data.cris().len(), 8);
    }

    #[test]
    fn rule_8_2_communes_per_cri_on_first_january_2025_match_the_data_readme() {
        let data = bundled();
        let on = d(2025, 1, 1);
        let count = |cri: CriCode| {
            data.communes().filter(|c| c.is_valid_on(on) && c.cri_on(on).map(|a| a.cri) == Some(cri)).count()
        };
        let expected = [
            (CriCode::Cribw, 27),
            (CriCode::Cai, 38),
            (CriCode::Crilux, 43),
            (CriCode::Cripel, 55),
            (CriCode::Crvi, 20),
            (CriCode::Cric, 19),
            (CriCode::Ceraic, 26),
            (CriCode::Cimb, 24),
        ];
        for (cri, n) in expected {
            assert_eq!(count(cri), n, "{cri}");
        }
        let french = data.communes().filter(|c| c.is_valid_on(on) && c.language_region == LanguageRegion::French);
        assert_eq!(french.count(), 252);
    }

    #[test]
    fn bertogne_ends_with_the_2025_merger_into_bastogne() {
        let data = bundled();
        assert!(matches!(data.lookup(code("82005"), d(2024, 12, 31)), CommuneLookup::Walloon(_)));
        assert!(matches!(data.lookup(code("82005"), d(2025, 1, 1)), CommuneLookup::NotInForce { .. }));
        assert!(matches!(data.lookup(code("82039"), d(2025, 1, 1)), CommuneLookup::Walloon(_)));
    }

    #[test]
    fn flemish_and_brussels_codes_are_outside_wallonia_and_unknown_codes_are_unknown() {
        let data = bundled();
        assert_eq!(data.lookup(code("21004"), d(2024, 1, 1)), CommuneLookup::OutsideWallonia(BelgianRegion::Brussels));
        assert_eq!(data.lookup(code("44021"), d(2024, 1, 1)), CommuneLookup::OutsideWallonia(BelgianRegion::Flanders));
        assert_eq!(data.lookup(code("23106"), d(2025, 6, 1)), CommuneLookup::OutsideWallonia(BelgianRegion::Flanders));
        assert!(matches!(data.lookup(code("23023"), d(2025, 6, 1)), CommuneLookup::NotInForce { .. }));
        assert_eq!(data.lookup(code("99999"), d(2024, 1, 1)), CommuneLookup::Unknown);
    }

    #[test]
    fn region_correction_ends_the_previous_assignment_the_day_before() {
        let mut data = bundled();
        let tournai = code("57081");
        let commune = data.commune_mut(tournai).expect("Tournai");
        assert_eq!(commune.cri_on(d(2025, 1, 1)).map(|a| a.cri), Some(CriCode::Cimb));
        commune.reassign(CriCode::Ceraic, d(2026, 3, 1));
        assert_eq!(commune.cri_on(d(2026, 2, 28)).map(|a| a.cri), Some(CriCode::Cimb));
        let after = commune.cri_on(d(2026, 3, 1)).expect("assigned");
        assert_eq!((after.cri, after.status), (CriCode::Ceraic, AssignmentStatus::Corrected));
    }

    #[test]
    fn csv_splitter_handles_quotes_and_doubled_quotes() {
        assert_eq!(split_csv_line(r#"a,"b, c","d ""e""""#, ','), ["a", "b, c", "d \"e\""]);
    }

    #[test]
    fn nis_code_requires_five_digits() {
        assert!(NisCode::parse("6206").is_err());
        assert!(NisCode::parse("062063").is_err());
        assert!(NisCode::parse("6206a").is_err());
        assert_eq!(code("62063").to_string(), "62063");
    }
}
