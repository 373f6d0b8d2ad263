//! The quantities the law leaves open (rules tagged UNCONFIRMED in rules.md), as named, dated parameters
//! with their source note. Nothing here is a hidden constant: every value can be replaced from a date on,
//! and `docs/rules.md` lists them all (generated from [`Parameters::describe`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dispensation::DispensationCode;
use crate::law::Confidence;
use crate::nationality::Nationality;

/// A value that applies from a date on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedValue<T> {
    /// First day the value applies.
    pub valid_from: NaiveDate,
    /// The value.
    pub value: T,
}

/// A named parameter with its history of values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter<T> {
    /// Stable name, used in configuration and documentation.
    pub name: &'static str,
    /// How well the value is sourced.
    pub confidence: Confidence,
    /// Where the default comes from and what is unknown.
    pub source: &'static str,
    /// Values over time, sorted by `valid_from`; the first one starts at the beginning of time.
    versions: Vec<DatedValue<T>>,
}

impl<T: Clone> Parameter<T> {
    fn new(name: &'static str, confidence: Confidence, source: &'static str, initial: T) -> Parameter<T> {
        Parameter {
            name,
            confidence,
            source,
            versions: vec![DatedValue { valid_from: NaiveDate::MIN, value: initial }],
        }
    }

    /// The value that applies on `date`.
    pub fn on(&self, date: NaiveDate) -> &T {
        self.versions.iter().rev().find(|v| v.valid_from <= date).map(|v| &v.value).unwrap_or(&self.versions[0].value)
    }

    /// Sets a new value from `valid_from` on (replacing any version from that same date).
    pub fn set_from(&mut self, valid_from: NaiveDate, value: T) {
        self.versions.retain(|v| v.valid_from != valid_from);
        self.versions.push(DatedValue { valid_from, value });
        self.versions.sort_by_key(|v| v.valid_from);
    }

    /// All versions, oldest first.
    pub fn versions(&self) -> &[DatedValue<T>] {
        &self.versions
    }
}

/// CEFR levels, for the French placement test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CefrLevel {
    /// Pre-A1 (alphabetisation).
    #[serde(rename = "pre_A1")]
    PreA1,
    /// A1.
    A1,
    /// A2.
    A2,
    /// B1.
    B1,
    /// B2.
    B2,
    /// C1.
    C1,
    /// C2.
    C2,
}

impl fmt::Display for CefrLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CefrLevel::PreA1 => "pre-A1",
            CefrLevel::A1 => "A1",
            CefrLevel::A2 => "A2",
            CefrLevel::B1 => "B1",
            CefrLevel::B2 => "B2",
            CefrLevel::C1 => "C1",
            CefrLevel::C2 => "C2",
        })
    }
}

/// Range of the administrative fine, in euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FineRange {
    /// Minimum.
    pub min_eur: u32,
    /// Maximum.
    pub max_eur: u32,
}

/// Minimum hours of the three axes (French, citizenship, socio-professional orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AxisHours {
    /// French as a foreign language.
    pub french: u32,
    /// Citizenship training.
    pub citizenship: u32,
    /// Socio-professional orientation.
    pub orientation: u32,
}

/// Which date the age (18/65) and the "less than three years" of legal stay are measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceDateBasis {
    /// The *commande* of the residence title of more than three months (rules.md rule 1.5 recommendation).
    TitleOrderDate,
    /// The first registration in a commune of the French-language region (the Brussels choice).
    FirstRegistrationDate,
}

/// Every open quantity of the law, with defaults and source notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameters {
    /// When R2014 became operational (rules.md §0).
    pub r2014_entry_into_force: Parameter<NaiveDate>,
    /// When the 2024 decree's pathway provisions apply (rules.md §0, §14.1).
    pub r2024_entry_into_force: Parameter<NaiveDate>,
    /// The date age and legal stay are measured on (rules 1.5 and D4).
    pub reference_date_basis: Parameter<ReferenceDateBasis>,
    /// French placement level from which the CRI may waive the French axis (rule 3.1).
    pub french_level_waiving_language_axis: Parameter<CefrLevel>,
    /// Share of required hours to attend for the attestation, in percent (rule 5.3).
    pub attendance_threshold_percent: Parameter<u8>,
    /// Fine range, by date of the facts (rule 6.1).
    pub fine_range: Parameter<FineRange>,
    /// Ceiling of all extensions under R2024, in months from the reference date (rule 4.4).
    pub r2024_extension_ceiling_months: Parameter<u32>,
    /// Completion period under R2016, in months from the title order (rule 4.3).
    pub r2016_completion_months: Parameter<u32>,
    /// Longest convention under R2024, in months (rule 4.5).
    pub r2024_convention_max_months: Parameter<u32>,
    /// Minimum hours per axis under R2024 (rules.md §3).
    pub r2024_axis_hours: Parameter<AxisHours>,
    /// Whether M-card holders (Brexit Withdrawal Agreement) are treated as exempt (rules.md §9).
    pub m_card_holders_exempt: Parameter<bool>,
    /// Whether third-country family of a Belgian who never used free movement is exempt (rule 1.2).
    pub family_of_non_mobile_belgian_exempt: Parameter<bool>,
    /// Nationalities dispensed under a standstill clause identical to the EEC-Turkey one (rule 1.6, D10).
    pub standstill_nationalities: Parameter<BTreeSet<Nationality>>,
    /// The dispensations that exist under R2024 (rule 2.4: the 2024 list was not read; the Region sets it).
    pub r2024_dispensations: Parameter<BTreeSet<DispensationCode>>,
    /// The wording of the dispensations the Region added (`D11` to `D30`), each applying where
    /// `r2024_dispensations` lists it (rule 2.4: the catalogue is data the Region extends).
    pub added_dispensations: Parameter<BTreeMap<DispensationCode, String>>,
    /// Whether holders of a special identity card (diplomatic, consular, international-organisation staff)
    /// are outside the definition of *primo-arrivant* (rule 2.5).
    pub special_identity_card_not_concerned: Parameter<bool>,
    /// Whether an annexe 15 waits for the card it announces (not concerned yet) or counts as a title of
    /// more than three months (rules.md §9).
    pub annexe_15_awaits_the_card: Parameter<bool>,
    /// Days before the presentation deadline a reminder is due (not in the law: the CRIs' practice).
    pub reminder_days_before_presentation: Parameter<u32>,
    /// Days before the completion deadline a reminder is due (not in the law: the CRIs' practice).
    pub reminder_days_before_completion: Parameter<u32>,
    /// How long the first response to an idempotent write is kept for replay, in days (GDPR art. 5(1)(e):
    /// the stored responses hold names and national numbers).
    pub idempotency_key_retention_days: Parameter<u32>,
    /// First date of facts for which a fine may be imposed: the Region organised the whole pathway and
    /// designated its sanctioning official (CWASS art. 152/8; rule 6.2).
    pub fines_applicable_from: Parameter<NaiveDate>,
    /// Days the person has, from the proven notification of the notice, to send observations or ask to be
    /// heard before a decision (rule 6.3; the procedure is not in the texts found).
    pub sanction_observation_days: Parameter<u32>,
    /// Days, from the notification of a decision, to appeal against it.
    pub sanction_appeal_days: Parameter<u32>,
    /// Where an appeal against a fine lies, as the decision states it (French).
    pub sanction_appeal_route: Parameter<String>,
    /// Whether a fine notified is reported to the commune of domicile and to the person's CPAS (rule 6.4).
    pub sanction_reported_to_commune_and_cpas: Parameter<bool>,
    /// Years a person's file is kept after their last case closed (GDPR art. 5(1)(e); no text found).
    pub retention_years_after_closure: Parameter<u32>,
    /// Years a person's file is kept after their last report when no case was ever opened (exempt,
    /// dispensed or not concerned).
    pub retention_years_without_case: Parameter<u32>,
    /// Years a person's file is kept after an attestation was issued to them (they may need to show it).
    pub retention_years_after_attestation: Parameter<u32>,
    /// The smallest count a published statistics cell may show: counts from 1 to one less are suppressed
    /// (issue 12; statistical practice, no legal text).
    pub disclosure_threshold: Parameter<u32>,
    /// Quantities the law itself fixes (CONFIRMED): the Region cannot change them, a policy simulation may
    /// vary them to measure a reform. Not in [`Parameters::describe`].
    pub law: LawQuantities,
}

/// Quantities fixed by the law, read by the rules engine like parameters so that a policy simulation can
/// vary them ([`crate::simulation`]); never changed by [`Parameters::record`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LawQuantities {
    /// The age from which a *primo-arrivant* is dispensed (D4): 65 (CWASS art. 152/1).
    pub upper_age: Parameter<u32>,
    /// The R2024 completion period from the order of the residence title: 36 months (CWASS art. 152/7 as
    /// amended by the decree of 14 March 2024).
    pub r2024_completion_months: Parameter<u32>,
}

impl Default for LawQuantities {
    fn default() -> Self {
        LawQuantities {
            upper_age: Parameter::new(
                "upper_age",
                Confidence::Confirmed,
                "CWASS art. 152/1: persons aged 65 or over are dispensed (D4).",
                65,
            ),
            r2024_completion_months: Parameter::new(
                "r2024_completion_months",
                Confidence::Confirmed,
                "CWASS art. 152/7 as amended by the decree of 14 March 2024: three years from the order of the \
                 residence title.",
                36,
            ),
        }
    }
}

impl LawQuantities {
    /// The names a simulation may vary.
    pub const NAMES: [&'static str; 2] = ["upper_age", "r2024_completion_months"];

    /// Sets a law quantity from `valid_from` on, for a simulation.
    pub fn apply(&mut self, name: &str, valid_from: NaiveDate, text: &str) -> Result<(), ParameterValueError> {
        match name {
            "upper_age" => {
                let age = number_in(text, 19, 100).ok_or(invalid("un âge de 19 à 100 ans", "an age from 19 to 100"))?;
                self.upper_age.set_from(valid_from, age);
            }
            "r2024_completion_months" => {
                let months = number_in(text, 3, 120)
                    .ok_or(invalid("un nombre de mois de 3 à 120", "a number of months from 3 to 120"))?;
                self.r2024_completion_months.set_from(valid_from, months);
            }
            _ => return Err(ParameterValueError::UnknownParameter),
        }
        Ok(())
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

impl Default for Parameters {
    fn default() -> Self {
        use Confidence::{Likely, Unconfirmed};
        let mut fine_range = Parameter::new(
            "fine_range",
            Unconfirmed,
            "R2014: 50-2,500 EUR (levif.be 2014, alterechos.be 2014) [CONFIRMED]; from R2016 the press reports \
             100-2,500 EUR (rtbf.be id=9222653, truncated) [UNCONFIRMED]. Rules.md rule 6.1.",
            FineRange { min_eur: 50, max_eur: 2500 },
        );
        fine_range.set_from(d(2016, 5, 19), FineRange { min_eur: 100, max_eur: 2500 });
        Parameters {
            r2014_entry_into_force: Parameter::new(
                "r2014_entry_into_force",
                Unconfirmed,
                "Decree of 27 March 2014, operational after the circular of 23 February 2015 (vlex.be); exact \
                 start not found. Default: the circular's date. Rules.md §0.",
                d(2015, 2, 23),
            ),
            r2024_entry_into_force: Parameter::new(
                "r2024_entry_into_force",
                Unconfirmed,
                "AGW of 6 June 2024 applies from 1 January 2025; the decree was \"mis en application en 2025\" \
                 (cainamur.be). Exact date of the pathway provisions not found. Rules.md §0 and §14.1.",
                d(2025, 1, 1),
            ),
            reference_date_basis: Parameter::new(
                "reference_date_basis",
                Unconfirmed,
                "Rules.md rule 1.5 and D4 recommend the order date of the residence title of more than three \
                 months; the official answer was not retrieved (parlement-wallonie.be iddoc=77702).",
                ReferenceDateBasis::TitleOrderDate,
            ),
            french_level_waiving_language_axis: Parameter::new(
                "french_level_waiving_language_axis",
                Unconfirmed,
                "The French axis is obligatory only \"si nécessaire\" according to the placement test; the \
                 level that waives it was not found. Default A2. Rules.md rule 3.1.",
                CefrLevel::A2,
            ),
            attendance_threshold_percent: Parameter::new(
                "attendance_threshold_percent",
                Unconfirmed,
                "80 % under R2014 for voluntary modules (alterechos.be 2014, truncated); current threshold not \
                 found. Rules.md rule 5.3.",
                80,
            ),
            fine_range,
            r2024_extension_ceiling_months: Parameter::new(
                "r2024_extension_ceiling_months",
                Unconfirmed,
                "Extension grounds and maximum not found for R2024. Default: the same 18-month headroom as \
                 R2016/R2018 above the 36-month period. Rules.md rule 4.4.",
                54,
            ),
            r2016_completion_months: Parameter::new(
                "r2016_completion_months",
                Likely,
                "R2016: a convention of at most 18 months (legalworld 2016) and CRI practice since 2016 of 18 months \
                 from the order of the residence title (actionsociale.wallonie.be); the decree's own wording was \
                 not retrieved. Rules.md rule 4.3.",
                18,
            ),
            r2024_convention_max_months: Parameter::new(
                "r2024_convention_max_months",
                Unconfirmed,
                "The 2024 decree gives three years to complete the pathway (Wolters Kluwer 2024); the longest \
                 convention under it was not found. Default: the whole 36-month period. Rules.md rule 4.5.",
                36,
            ),
            r2024_axis_hours: Parameter::new(
                "r2024_axis_hours",
                Unconfirmed,
                "The 2024 decree is not known to change the R2018 hours (French 400 h, citizenship 60 h, \
                 orientation 4 h: actionsociale.wallonie.be 2018, cainamur.be 2018); its implementing order \
                 was not retrieved. Rules.md §3.",
                AxisHours { french: 400, citizenship: 60, orientation: 4 },
            ),
            r2024_dispensations: Parameter::new(
                "r2024_dispensations",
                Unconfirmed,
                "The 2024 decree \"adapte la liste des dispenses\" (CESE avis 1549; Wolters Kluwer 2024) but the \
                 complete list could not be read; its first item is still D1. Default: the R2018 list (D1-D10). \
                 The Region sets the list from wallex art. 152/7 §3. Rule 2.4.",
                crate::dispensation::CATALOGUE
                    .iter()
                    .filter(|rule| rule.regimes.contains(&crate::law::RegimeId::R2024))
                    .map(|rule| rule.code)
                    .collect(),
            ),
            added_dispensations: Parameter::new(
                "added_dispensations",
                Unconfirmed,
                "The 2024 decree adapted the list of dispensations and its complete text could not be read (rule \
                 2.4): the Region adds the missing ones here (D11 to D30, on proof, decided by the CRI) and lists \
                 them in r2024_dispensations. Default: none.",
                BTreeMap::new(),
            ),
            reminder_days_before_presentation: Parameter::new(
                "reminder_days_before_presentation",
                Unconfirmed,
                "The law sets the three-month presentation deadline but no reminder; Parcours reminds so that no \
                 sanction is needed (art. 152/8 reads as a last resort). Default: 30 days before.",
                30,
            ),
            reminder_days_before_completion: Parameter::new(
                "reminder_days_before_completion",
                Unconfirmed,
                "The law sets the completion deadline but no reminder. Default: 90 days before, time enough for \
                 an extension request (rule 4.4).",
                90,
            ),
            special_identity_card_not_concerned: Parameter::new(
                "special_identity_card_not_concerned",
                Unconfirmed,
                "Diplomatic, consular and international-organisation staff hold special cards of FPS Foreign \
                 Affairs and are not registered as foreigners under the 1980 law (agii.be; vreemdelingenrecht.be); \
                 Walloon treatment not found. Default: not a primo-arrivant. Rule 2.5.",
                true,
            ),
            annexe_15_awaits_the_card: Parameter::new(
                "annexe_15_awaits_the_card",
                Unconfirmed,
                "The annexe 15 is a provisional certificate while a card is issued; its treatment is not \
                 described. Default: not concerned yet, decide again when the card is ordered. Rules.md §9.",
                true,
            ),
            m_card_holders_exempt: Parameter::new(
                "m_card_holders_exempt",
                Unconfirmed,
                "UK nationals covered by the Withdrawal Agreement: Brussels exempts them explicitly; Walloon \
                 status not found. Default: exempt, as in Brussels. Rules.md §9.",
                true,
            ),
            family_of_non_mobile_belgian_exempt: Parameter::new(
                "family_of_non_mobile_belgian_exempt",
                Unconfirmed,
                "Directive 2004/38 covers family of a Belgian only if the Belgian used free movement; Brussels \
                 does not exempt the others; the Walloon equivalent was not found. Default: not exempt. \
                 Rules.md rule 1.2.",
                false,
            ),
            standstill_nationalities: Parameter::new(
                "standstill_nationalities",
                Likely,
                "CRWASS provision quoted by wordscope.be dispenses nationals of states with a standstill clause \
                 identical to the EEC-Turkey one; Turkey is confirmed, other states are not. Rules.md rule 1.6.",
                BTreeSet::from([Nationality::TURKEY]),
            ),
            idempotency_key_retention_days: Parameter::new(
                "idempotency_key_retention_days",
                Unconfirmed,
                "No legal text: an operational choice. A commune's software retries within minutes or hours; \
                 the stored responses hold personal data, so storage limitation (GDPR art. 5(1)(e)) argues for \
                 a short keep. Default: 30 days, after which a reused key is treated as new.",
                30,
            ),
            fines_applicable_from: Parameter::new(
                "fines_applicable_from",
                Likely,
                "CWASS art. 152/8: no fine while the Region does not organise the whole pathway [CONFIRMED]; fines \
                 were applied from 1 January 2019, once an official was designated and a tool existed \
                 (alterechos.be 2019; parlement-wallonie.be iddoc=80119/80336). Rule 6.2.",
                d(2019, 1, 1),
            ),
            sanction_observation_days: Parameter::new(
                "sanction_observation_days",
                Unconfirmed,
                "The Walloon procedure (warning, hearing) was not found (rule 6.3). The right to be heard before \
                 a sanction is a general principle of Belgian administrative law; by analogy with the communal \
                 administrative sanctions (loi du 24 juin 2013, art. 25: 15 days to answer) the default is 15 \
                 days from the proven notification.",
                15,
            ),
            sanction_appeal_days: Parameter::new(
                "sanction_appeal_days",
                Unconfirmed,
                "The appeal route against a Walloon integration fine was not found (rule 6.3). By analogy with \
                 the communal administrative sanctions (loi du 24 juin 2013, art. 31: one month), the default is \
                 30 days from the notification of the decision.",
                30,
            ),
            sanction_appeal_route: Parameter::new(
                "sanction_appeal_route",
                Unconfirmed,
                "The court competent for an appeal against the fine was not found (rule 6.3); the decision must \
                 state the route (loi du 29 juillet 1991; loi du 11 avril 1994, art. 2, 4°). Default: the \
                 tribunal of first instance, the ordinary court for administrative fines without a special \
                 route. The Region sets the exact wording.",
                "un recours auprès du tribunal de première instance de votre domicile, par requête".to_owned(),
            ),
            sanction_reported_to_commune_and_cpas: Parameter::new(
                "sanction_reported_to_commune_and_cpas",
                Likely,
                "The 2016 design reported non-compliers \"aux services de leur commune et du CPAS pour d'éventuelles \
                 sanctions\" (rtbf 2016); whether a CPAS may act on it is outside this Code [UNCONFIRMED]. \
                 Default: a fine once notified is reported to both. Rule 6.4.",
                true,
            ),
            retention_years_after_closure: Parameter::new(
                "retention_years_after_closure",
                Unconfirmed,
                "No retention period in the texts found (CWASS art. 150-153/1, the decree of 28 April 2016, the                  2024 decree). GDPR art. 5(1)(e) requires one. Proposed: 10 years after the last case closed                  (the civil limitation period, Civil Code art. 2262bis), then the identity is pseudonymised.",
                10,
            ),
            retention_years_without_case: Parameter::new(
                "retention_years_without_case",
                Unconfirmed,
                "No text found. A person reported but never followed (exempt, dispensed, not concerned) has only a                  determination; proposed: 5 years after the last report, long enough for a re-evaluation or an                  appeal, then the identity is pseudonymised.",
                5,
            ),
            retention_years_after_attestation: Parameter::new(
                "retention_years_after_attestation",
                Unconfirmed,
                "No text found. The attestation is shown for naturalisation and residence (Code of Belgian                  nationality art. 12bis; law of 15 December 1980) and must stay verifiable while it may be shown;                  proposed: 10 years after its issue.",
                10,
            ),
            disclosure_threshold: Parameter::new(
                "disclosure_threshold",
                Unconfirmed,
                "No text sets it. The Eurostat/ESS handbook on statistical disclosure control and the Belgian \
                 statistical office (Statbel) suppress small counts; proposed: counts from 1 to 4 are never \
                 published (threshold 5). A change applies to releases of periods that end on or after its date; \
                 releases already made stay as they were.",
                5,
            ),
            law: LawQuantities::default(),
        }
    }
}

/// A parameter as shown in documentation and on the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterDescription {
    /// Stable name.
    pub name: &'static str,
    /// Confidence of the default.
    pub confidence: Confidence,
    /// Source note.
    pub source: &'static str,
    /// Versions as `(valid_from, value)`, values rendered as text.
    pub versions: Vec<(NaiveDate, String)>,
}

fn describe<T: Clone>(p: &Parameter<T>, render: impl Fn(&T) -> String) -> ParameterDescription {
    ParameterDescription {
        name: p.name,
        confidence: p.confidence,
        source: p.source,
        versions: p.versions().iter().map(|v| (v.valid_from, render(&v.value))).collect(),
    }
}

impl Parameters {
    /// Every parameter with its versions, for documentation and the API.
    pub fn describe(&self) -> Vec<ParameterDescription> {
        vec![
            describe(&self.r2014_entry_into_force, |v| v.to_string()),
            describe(&self.r2024_entry_into_force, |v| v.to_string()),
            describe(&self.reference_date_basis, |v| {
                match v {
                    ReferenceDateBasis::TitleOrderDate => "title_order_date",
                    ReferenceDateBasis::FirstRegistrationDate => "first_registration_date",
                }
                .to_owned()
            }),
            describe(&self.french_level_waiving_language_axis, |v| v.to_string()),
            describe(&self.attendance_threshold_percent, |v| format!("{v} %")),
            describe(&self.fine_range, |v| format!("{}-{} EUR", v.min_eur, v.max_eur)),
            describe(&self.r2024_extension_ceiling_months, |v| format!("{v} months")),
            describe(&self.r2016_completion_months, |v| format!("{v} months")),
            describe(&self.r2024_convention_max_months, |v| format!("{v} months")),
            describe(&self.r2024_axis_hours, |v| {
                format!("french {} h, citizenship {} h, orientation {} h", v.french, v.citizenship, v.orientation)
            }),
            describe(&self.m_card_holders_exempt, |v| v.to_string()),
            describe(&self.family_of_non_mobile_belgian_exempt, |v| v.to_string()),
            describe(&self.standstill_nationalities, |v| {
                v.iter().map(|n| n.code().to_owned()).collect::<Vec<_>>().join(", ")
            }),
            describe(&self.r2024_dispensations, |v| {
                v.iter().map(|code| code.code().to_owned()).collect::<Vec<_>>().join(", ")
            }),
            describe(&self.added_dispensations, |v| {
                if v.is_empty() {
                    "none".to_owned()
                } else {
                    v.iter().map(|(code, label)| format!("{}: {label}", code.code())).collect::<Vec<_>>().join("; ")
                }
            }),
            describe(&self.special_identity_card_not_concerned, |v| v.to_string()),
            describe(&self.annexe_15_awaits_the_card, |v| v.to_string()),
            describe(&self.reminder_days_before_presentation, |v| format!("{v} days")),
            describe(&self.reminder_days_before_completion, |v| format!("{v} days")),
            describe(&self.idempotency_key_retention_days, |v| format!("{v} days")),
            describe(&self.fines_applicable_from, |v| v.to_string()),
            describe(&self.sanction_observation_days, |v| format!("{v} days")),
            describe(&self.sanction_appeal_days, |v| format!("{v} days")),
            describe(&self.sanction_appeal_route, |v| v.clone()),
            describe(&self.sanction_reported_to_commune_and_cpas, |v| v.to_string()),
            describe(&self.retention_years_after_closure, |v| format!("{v} years")),
            describe(&self.retention_years_without_case, |v| format!("{v} years")),
            describe(&self.retention_years_after_attestation, |v| format!("{v} years")),
            describe(&self.disclosure_threshold, |v| v.to_string()),
        ]
    }
}

/// Why the Region's new value for a parameter is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterValueError {
    /// No parameter has this name.
    UnknownParameter,
    /// The effective date lies before today: decisions already taken stay as they were.
    EffectiveInThePast,
    /// The value does not fit the parameter.
    InvalidValue {
        /// What the parameter expects, in French.
        expected_fr: &'static str,
        /// What the parameter expects, in English.
        expected_en: &'static str,
    },
}

fn invalid(expected_fr: &'static str, expected_en: &'static str) -> ParameterValueError {
    ParameterValueError::InvalidValue { expected_fr, expected_en }
}

/// Reads a number, tolerating the unit the documentation prints after it (`80 %`, `54 months`).
fn number_in(text: &str, min: u32, max: u32) -> Option<u32> {
    let digits = text.trim().trim_end_matches(|c: char| !c.is_ascii_digit()).trim();
    digits.parse::<u32>().ok().filter(|n| (min..=max).contains(n))
}

fn boolean(text: &str) -> Option<bool> {
    match text.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn iso_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl CefrLevel {
    /// Parses `pre-A1` (or `pre_A1`), `A1` ... `C2`.
    pub fn parse(text: &str) -> Option<CefrLevel> {
        let all = [
            CefrLevel::PreA1,
            CefrLevel::A1,
            CefrLevel::A2,
            CefrLevel::B1,
            CefrLevel::B2,
            CefrLevel::C1,
            CefrLevel::C2,
        ];
        let wanted = text.trim().replace('_', "-");
        all.into_iter().find(|level| level.to_string().eq_ignore_ascii_case(&wanted))
    }
}

impl Parameters {
    /// The names of every parameter, in documentation order.
    pub fn names(&self) -> Vec<&'static str> {
        self.describe().into_iter().map(|p| p.name).collect()
    }

    /// Records the Region's new value for `name` from `valid_from` on, read from its text form (the form
    /// [`Parameters::describe`] prints; a unit after a number is accepted). `today` refuses an effective
    /// date in the past: what was decided under the old value stays decided (rule T1 reads each value on
    /// each person's reference date).
    pub fn record(
        &mut self,
        name: &str,
        valid_from: NaiveDate,
        text: &str,
        today: NaiveDate,
    ) -> Result<(), ParameterValueError> {
        if !self.names().contains(&name) {
            return Err(ParameterValueError::UnknownParameter);
        }
        if valid_from < today {
            return Err(ParameterValueError::EffectiveInThePast);
        }
        let mut candidate = self.clone();
        candidate.apply(name, valid_from, text)?;
        // An added dispensation is listed only once it has its wording, and its wording stays while listed.
        let undefined = |p: &Parameters, on: NaiveDate| {
            p.r2024_dispensations
                .on(on)
                .iter()
                .any(|code| code.is_added() && !p.added_dispensations.on(on).contains_key(code))
        };
        let later_starts = candidate
            .r2024_dispensations
            .versions()
            .iter()
            .map(|v| v.valid_from)
            .chain(candidate.added_dispensations.versions().iter().map(|v| v.valid_from))
            .filter(|from| *from > valid_from);
        if std::iter::once(valid_from).chain(later_starts).any(|on| undefined(&candidate, on)) {
            return Err(invalid(
                "une dispense ajoutée (D11 à D30) doit d'abord recevoir son libellé dans added_dispensations",
                "an added dispensation (D11 to D30) first needs its wording in added_dispensations",
            ));
        }
        *self = candidate;
        Ok(())
    }

    /// Applies a value recorded earlier (loading the stored history): the same checks as
    /// [`Parameters::record`] except the date, which was checked when it was recorded.
    pub fn apply(&mut self, name: &str, valid_from: NaiveDate, text: &str) -> Result<(), ParameterValueError> {
        match name {
            "r2014_entry_into_force" => {
                let date = iso_date(text).ok_or(invalid("une date AAAA-MM-JJ", "a date YYYY-MM-DD"))?;
                self.r2014_entry_into_force.set_from(valid_from, date);
            }
            "r2024_entry_into_force" => {
                let date = iso_date(text).ok_or(invalid("une date AAAA-MM-JJ", "a date YYYY-MM-DD"))?;
                self.r2024_entry_into_force.set_from(valid_from, date);
            }
            "reference_date_basis" => {
                let basis = match text.trim() {
                    "title_order_date" => ReferenceDateBasis::TitleOrderDate,
                    "first_registration_date" => ReferenceDateBasis::FirstRegistrationDate,
                    _ => {
                        return Err(invalid(
                            "title_order_date ou first_registration_date",
                            "title_order_date or first_registration_date",
                        ));
                    }
                };
                self.reference_date_basis.set_from(valid_from, basis);
            }
            "french_level_waiving_language_axis" => {
                let level = CefrLevel::parse(text)
                    .ok_or(invalid("un niveau pre-A1, A1 ... C2", "a level pre-A1, A1 ... C2"))?;
                self.french_level_waiving_language_axis.set_from(valid_from, level);
            }
            "attendance_threshold_percent" => {
                let percent = number_in(text, 1, 100)
                    .ok_or(invalid("un pourcentage de 1 à 100", "a percentage from 1 to 100"))?;
                self.attendance_threshold_percent.set_from(valid_from, percent as u8);
            }
            "fine_range" => {
                let expected = invalid(
                    "« min-max » en euros, 0 < min ≤ max ≤ 100000",
                    "'min-max' in euros, 0 < min <= max <= 100000",
                );
                let amounts = text.trim().trim_end_matches("EUR").trim();
                let (min, max) = amounts.split_once('-').ok_or(expected.clone())?;
                let (min, max) = (number_in(min, 1, 100_000), number_in(max, 1, 100_000));
                let (Some(min_eur), Some(max_eur)) = (min, max) else { return Err(expected) };
                if min_eur > max_eur {
                    return Err(expected);
                }
                self.fine_range.set_from(valid_from, FineRange { min_eur, max_eur });
            }
            "r2024_extension_ceiling_months" => {
                // Never below the 36-month period itself, which it extends.
                let months = number_in(text, 36, 120)
                    .ok_or(invalid("un nombre de mois de 36 à 120", "a number of months from 36 to 120"))?;
                self.r2024_extension_ceiling_months.set_from(valid_from, months);
            }
            "r2016_completion_months" => {
                let months = number_in(text, 3, 36)
                    .ok_or(invalid("un nombre de mois de 3 à 36", "a number of months from 3 to 36"))?;
                self.r2016_completion_months.set_from(valid_from, months);
            }
            "r2024_convention_max_months" => {
                let months = number_in(text, 6, 60)
                    .ok_or(invalid("un nombre de mois de 6 à 60", "a number of months from 6 to 60"))?;
                self.r2024_convention_max_months.set_from(valid_from, months);
            }
            "r2024_axis_hours" => {
                let expected = invalid(
                    "« french 400 h, citizenship 60 h, orientation 4 h » (de 0 à 2000 h chacun)",
                    "'french 400 h, citizenship 60 h, orientation 4 h' (0 to 2000 h each)",
                );
                let mut hours = [None; 3];
                for part in text.split(',') {
                    let (axis, value) = part.trim().split_once(' ').ok_or(expected.clone())?;
                    let slot = match axis {
                        "french" => 0,
                        "citizenship" => 1,
                        "orientation" => 2,
                        _ => return Err(expected),
                    };
                    hours[slot] = Some(number_in(value.trim_end_matches('h'), 0, 2000).ok_or(expected.clone())?);
                }
                let [Some(french), Some(citizenship), Some(orientation)] = hours else { return Err(expected) };
                self.r2024_axis_hours.set_from(valid_from, AxisHours { french, citizenship, orientation });
            }
            "m_card_holders_exempt" => {
                let value = boolean(text).ok_or(invalid("true ou false", "true or false"))?;
                self.m_card_holders_exempt.set_from(valid_from, value);
            }
            "family_of_non_mobile_belgian_exempt" => {
                let value = boolean(text).ok_or(invalid("true ou false", "true or false"))?;
                self.family_of_non_mobile_belgian_exempt.set_from(valid_from, value);
            }
            "standstill_nationalities" => {
                let expected = invalid(
                    "des codes ISO 3166 alpha-3 séparés par des virgules (TUR, ...)",
                    "ISO 3166 alpha-3 codes separated by commas (TUR, ...)",
                );
                let mut set = BTreeSet::new();
                for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    set.insert(Nationality::parse(code).map_err(|_| expected.clone())?);
                }
                self.standstill_nationalities.set_from(valid_from, set);
            }
            "r2024_dispensations" => {
                let expected = invalid(
                    "des codes de dispense séparés par des virgules (D1, D2, ...)",
                    "dispensation codes separated by commas (D1, D2, ...)",
                );
                let mut set = BTreeSet::new();
                for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                    set.insert(DispensationCode::parse(code).map_err(|_| expected.clone())?);
                }
                self.r2024_dispensations.set_from(valid_from, set);
            }
            "added_dispensations" => {
                let expected = invalid(
                    "« none », ou « D11: libellé; D12: libellé » (codes D11 à D30, libellés de 5 à 300 caractères)",
                    "`none`, or `D11: wording; D12: wording` (codes D11 to D30, wordings of 5 to 300 characters)",
                );
                let mut added = BTreeMap::new();
                if text.trim() != "none" {
                    for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
                        let (code, label) = entry.split_once(':').ok_or(expected.clone())?;
                        let code = DispensationCode::parse(code).map_err(|_| expected.clone())?;
                        let label = label.trim();
                        if !code.is_added() || !(5..=300).contains(&label.chars().count()) {
                            return Err(expected);
                        }
                        added.insert(code, label.to_owned());
                    }
                }
                self.added_dispensations.set_from(valid_from, added);
            }
            "special_identity_card_not_concerned" => {
                let value = boolean(text).ok_or(invalid("true ou false", "true or false"))?;
                self.special_identity_card_not_concerned.set_from(valid_from, value);
            }
            "annexe_15_awaits_the_card" => {
                let value = boolean(text).ok_or(invalid("true ou false", "true or false"))?;
                self.annexe_15_awaits_the_card.set_from(valid_from, value);
            }
            "reminder_days_before_presentation" | "reminder_days_before_completion" => {
                let days = number_in(text, 1, 365)
                    .ok_or(invalid("un nombre de jours de 1 à 365", "a number of days from 1 to 365"))?;
                if name == "reminder_days_before_presentation" {
                    self.reminder_days_before_presentation.set_from(valid_from, days);
                } else {
                    self.reminder_days_before_completion.set_from(valid_from, days);
                }
            }
            "idempotency_key_retention_days" => {
                let days = number_in(text, 1, 3650)
                    .ok_or(invalid("un nombre de jours de 1 à 3650", "a number of days from 1 to 3650"))?;
                self.idempotency_key_retention_days.set_from(valid_from, days);
            }
            "fines_applicable_from" => {
                let date = iso_date(text).ok_or(invalid("une date AAAA-MM-JJ", "a date YYYY-MM-DD"))?;
                self.fines_applicable_from.set_from(valid_from, date);
            }
            "sanction_observation_days" | "sanction_appeal_days" => {
                let days = number_in(text, 8, 365)
                    .ok_or(invalid("un nombre de jours de 8 à 365", "a number of days from 8 to 365"))?;
                if name == "sanction_observation_days" {
                    self.sanction_observation_days.set_from(valid_from, days);
                } else {
                    self.sanction_appeal_days.set_from(valid_from, days);
                }
            }
            "sanction_appeal_route" => {
                let route = text.trim();
                if !(10..=300).contains(&route.chars().count()) {
                    return Err(invalid("un texte de 10 à 300 caractères", "a text of 10 to 300 characters"));
                }
                self.sanction_appeal_route.set_from(valid_from, route.to_owned());
            }
            "sanction_reported_to_commune_and_cpas" => {
                let value = boolean(text).ok_or(invalid("true ou false", "true or false"))?;
                self.sanction_reported_to_commune_and_cpas.set_from(valid_from, value);
            }
            "retention_years_after_closure" | "retention_years_without_case" | "retention_years_after_attestation" => {
                let years = number_in(text, 1, 100)
                    .ok_or(invalid("un nombre d'années de 1 à 100", "a number of years from 1 to 100"))?;
                match name {
                    "retention_years_after_closure" => self.retention_years_after_closure.set_from(valid_from, years),
                    "retention_years_without_case" => self.retention_years_without_case.set_from(valid_from, years),
                    _ => self.retention_years_after_attestation.set_from(valid_from, years),
                }
            }
            "disclosure_threshold" => {
                let threshold =
                    number_in(text, 2, 100).ok_or(invalid("un seuil de 2 à 100", "a threshold from 2 to 100"))?;
                self.disclosure_threshold.set_from(valid_from, threshold);
            }
            _ => return Err(ParameterValueError::UnknownParameter),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_accepts_its_own_printed_value_back() {
        let defaults = Parameters::default();
        for description in defaults.describe() {
            let mut p = Parameters::default();
            for (from, text) in &description.versions {
                p.apply(description.name, (*from).max(d(2000, 1, 1)), text)
                    .unwrap_or_else(|e| panic!("{} {text}: {e:?}", description.name));
            }
        }
    }

    #[test]
    fn the_region_records_a_value_from_today_on_never_in_the_past() {
        let mut p = Parameters::default();
        let today = d(2026, 12, 15);
        assert_eq!(
            p.record("attendance_threshold_percent", d(2026, 12, 14), "75", today),
            Err(ParameterValueError::EffectiveInThePast)
        );
        assert_eq!(p.record("no_such_thing", today, "1", today), Err(ParameterValueError::UnknownParameter));
        assert!(matches!(
            p.record("attendance_threshold_percent", today, "0", today),
            Err(ParameterValueError::InvalidValue { .. })
        ));
        assert!(matches!(
            p.record("fine_range", today, "300-200", today),
            Err(ParameterValueError::InvalidValue { .. })
        ));
        p.record("attendance_threshold_percent", d(2027, 1, 1), "75 %", today).expect("recorded");
        assert_eq!(*p.attendance_threshold_percent.on(d(2026, 12, 31)), 80);
        assert_eq!(*p.attendance_threshold_percent.on(d(2027, 1, 1)), 75);
        p.record("standstill_nationalities", today, "TUR, ZZZ", today).expect_err("ZZZ is no nationality");
        p.record("standstill_nationalities", today, "TUR, MKD", today).expect("recorded");
        assert_eq!(p.standstill_nationalities.on(today).len(), 2);
    }

    #[test]
    fn dated_parameter_returns_the_version_in_force() {
        let p = Parameters::default();
        assert_eq!(p.fine_range.on(d(2015, 6, 1)).min_eur, 50);
        assert_eq!(p.fine_range.on(d(2016, 5, 19)).min_eur, 100);
    }

    #[test]
    fn setting_a_parameter_from_a_date_keeps_the_past() {
        let mut p = Parameters::default();
        p.attendance_threshold_percent.set_from(d(2027, 1, 1), 75);
        assert_eq!(*p.attendance_threshold_percent.on(d(2026, 12, 31)), 80);
        assert_eq!(*p.attendance_threshold_percent.on(d(2027, 1, 1)), 75);
    }

    #[test]
    fn every_unconfirmed_parameter_carries_a_source_note() {
        for p in Parameters::default().describe() {
            assert!(p.source.len() > 40, "{}", p.name);
            assert!(!p.versions.is_empty(), "{}", p.name);
        }
    }
}
