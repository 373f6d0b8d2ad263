//! The determination: from what a commune knows about a person to a status, a regime, a competent CRI,
//! deadlines and the reasons that fired (rules.md §1, §2, §4, §8).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::{add_months, whole_years_between};
use crate::dispensation::{DispensationCode, PriorAttestation};
use crate::law::RegimeId;
use crate::nationality::Nationality;
use crate::parameters::ReferenceDateBasis;
use crate::reasons::ReasonCode;
use crate::reference::{AssignmentStatus, CriCode, DomicileLookup, LanguageRegion, NisCode, ReferenceData};
use crate::regime::{AxisRequirement, PeriodRule, StartBasis, regime, regime_for};
use crate::residence::ResidenceDocument;
use crate::ue_plus::is_ue_plus;

/// Version of the rules, stored with every determination so that a stored decision can be traced to the
/// code that took it. Bump it whenever a rule, a reason code or a default parameter changes.
pub const RULES_VERSION: &str = "2026.12.0";

/// A family link that may exclude a person from the definition (rule 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyLink {
    /// Family member (Directive 2004/38 art. 2) of a citizen of another UE+ state.
    UePlusCitizen,
    /// Family member of a Belgian who exercised free movement (covered by the directive).
    MobileBelgian,
    /// Family member of a Belgian who never exercised free movement (rule 1.2, UNCONFIRMED).
    NonMobileBelgian,
}

/// What a commune (or CRI staff simulating) knows about a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Nationality.
    pub nationality: Nationality,
    /// Residence document, if any.
    pub residence_document: Option<ResidenceDocument>,
    /// *Commande* of the residence title of more than three months (the reference date, rule T1).
    pub title_order_date: Option<NaiveDate>,
    /// First registration in a commune of the French-language region (starts the presentation deadline).
    pub first_registration_date: Option<NaiveDate>,
    /// Start of legal stay in Belgium (first legal residence registration, rule 1.5).
    pub legal_stay_start: Option<NaiveDate>,
    /// Commune of domicile.
    pub domicile: NisCode,
    /// Family link to a UE+ citizen or a Belgian, if any.
    pub family_link: Option<FamilyLink>,
    /// Dispensations the person invokes, pending a CRI decision.
    pub claimed_dispensations: Vec<DispensationCode>,
    /// Dispensations a CRI has granted.
    pub granted_dispensations: Vec<DispensationCode>,
    /// The attestation obtained before that a CRI recognised as the proof of D1 (recorded by a CRI only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_attestation: Option<PriorAttestation>,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Outside the definition of *primo-arrivant*.
    NotConcerned,
    /// UE+ citizen or family member.
    Exempt,
    /// *Primo-arrivant* with a dispensation.
    Dispensed,
    /// Must follow the pathway.
    Obliged,
}

impl Status {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Status::NotConcerned => "not_concerned",
            Status::Exempt => "exempt",
            Status::Dispensed => "dispensed",
            Status::Obliged => "obliged",
        }
    }

    /// Parses a stable code.
    pub fn parse(input: &str) -> Option<Status> {
        [Status::NotConcerned, Status::Exempt, Status::Dispensed, Status::Obliged]
            .into_iter()
            .find(|s| s.code() == input)
    }
}

/// One clause that fired, in the regime it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reason {
    /// Stable code; [`ReasonCode::info`] gives article and explanation.
    pub code: ReasonCode,
    /// The regime the clause belongs to, when the determination reached one.
    pub regime: Option<RegimeId>,
    /// The dispensation concerned, for dispensation reasons.
    pub dispensation: Option<DispensationCode>,
}

/// The codes of the domicile: as reported, in force on the reference date, in force on the evaluation
/// date. They differ when a commune was renumbered (2019) or merged (2025) in between (rule 8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomicileCodes {
    /// The code reported.
    pub reported: NisCode,
    /// The code in force on the reference date.
    pub on_reference_date: NisCode,
    /// The code in force on the evaluation date.
    pub in_force_today: NisCode,
}

/// The code that replaced one no longer in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    /// The new code.
    pub code: NisCode,
    /// Its French name.
    pub name_fr: String,
    /// Its first day.
    pub since: NaiveDate,
}

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Report to the CRI (rule 4.2).
    PresentBy,
    /// Obtain the attendance certificate (rule 4.3).
    CompleteBy,
    /// Latest date any extension may reach (rule 4.4).
    LatestExtension,
}

/// A deadline that explains itself: start date, months added, rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Which deadline.
    pub kind: DeadlineKind,
    /// The date (inclusive).
    pub date: NaiveDate,
    /// The date the count starts from.
    pub start: NaiveDate,
    /// What that start date is.
    pub start_basis: StartBasis,
    /// Months added to the start (month-end clamped).
    pub months_added: u32,
    /// The regime whose rule applies.
    pub regime: RegimeId,
    /// Article and source.
    pub basis: &'static str,
    /// The computation in French.
    pub explanation_fr: String,
    /// The computation in English.
    pub explanation_en: String,
}

/// Result of [`determine`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Determination {
    /// The outcome.
    pub status: Status,
    /// Whether the person may follow the pathway voluntarily.
    pub voluntary_participation_open: bool,
    /// The date age, legal stay and regime are assessed on.
    pub reference_date: NaiveDate,
    /// The regime applied, once the person is a *primo-arrivant*.
    pub regime: Option<RegimeId>,
    /// The competent CRI for the domicile on the reference date (French-language region only).
    pub competent_cri: Option<CriCode>,
    /// Whether that commune-to-CRI assignment is confirmed, derived or corrected.
    pub cri_assignment_status: Option<AssignmentStatus>,
    /// The domicile's codes through the 2019 renumbering and the 2025 mergers (Walloon communes).
    pub domicile: Option<DomicileCodes>,
    /// Deadlines (obliged persons only).
    pub deadlines: Vec<Deadline>,
    /// Hours per axis under the regime (obliged persons only).
    pub axis_requirements: Vec<AxisRequirement>,
    /// Dispensations claimed and awaiting a CRI decision.
    pub pending_claims: Vec<DispensationCode>,
    /// The attestation obtained before on which D1 was granted, when it was.
    pub prior_attestation: Option<PriorAttestation>,
    /// Every clause that fired, in order.
    pub reasons: Vec<Reason>,
    /// [`RULES_VERSION`] at the time of the decision.
    pub rules_version: String,
}

impl Determination {
    /// The deadline of a kind, if computed.
    pub fn deadline(&self, kind: DeadlineKind) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| d.kind == kind)
    }

    /// Whether a reason fired.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}

/// A fact that is missing, in the future, or contradicts another. Never guessed around.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum FactsError {
    /// A date lies after the evaluation date.
    FutureDate {
        /// The field.
        field: &'static str,
    },
    /// A date lies before the birth date.
    BeforeBirth {
        /// The field.
        field: &'static str,
    },
    /// A fact the rules need is missing.
    Missing {
        /// The field.
        field: &'static str,
    },
    /// No Belgian commune has this code.
    UnknownCommune {
        /// The code.
        nis: NisCode,
    },
    /// The commune code was not in force on the reference date (merged or renumbered).
    CommuneNotInForce {
        /// The code.
        nis: NisCode,
        /// The reference date.
        on: NaiveDate,
        /// First day of validity.
        valid_from: NaiveDate,
        /// Last day of validity.
        valid_to: NaiveDate,
        /// The code that replaced it, when one did.
        replaced_by: Option<Replacement>,
    },
    /// The legal stay starts after the residence title was ordered.
    LegalStayAfterTitleOrder,
    /// A dispensation is both granted and claimed, or granted twice.
    DuplicateDispensation {
        /// The code.
        code: DispensationCode,
    },
    /// A deadline falls outside the calendar.
    DateOutOfRange,
}

impl fmt::Display for FactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactsError::FutureDate { field } => write!(f, "{field} is after the evaluation date"),
            FactsError::BeforeBirth { field } => write!(f, "{field} is before the birth date"),
            FactsError::Missing { field } => write!(f, "{field} is required to decide"),
            FactsError::UnknownCommune { nis } => write!(f, "no Belgian commune has NIS code {nis}"),
            FactsError::CommuneNotInForce { nis, on, valid_from, valid_to, replaced_by } => {
                write!(f, "NIS code {nis} was not in force on {on} (valid {valid_from} to {valid_to})")?;
                match replaced_by {
                    Some(r) => write!(f, "; replaced by {} {} since {}", r.code, r.name_fr, r.since),
                    None => Ok(()),
                }
            }
            FactsError::LegalStayAfterTitleOrder => f.write_str("legal_stay_start is after title_order_date"),
            FactsError::DuplicateDispensation { code } => write!(f, "dispensation {code} is listed twice"),
            FactsError::DateOutOfRange => f.write_str("a deadline falls outside the calendar"),
        }
    }
}

impl std::error::Error for FactsError {}

/// How the regime is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RegimeChoice {
    /// Rule T1: the regime in force on the reference date.
    InForce,
    /// A named regime, for appeals and decree changes.
    Forced(RegimeId),
}

/// Decides, on `as_of`, whether the integration pathway applies to the person described by `facts`.
///
/// Pure: the same inputs always give the same result; `as_of` is the only notion of "today".
pub fn determine(facts: &Facts, reference: &ReferenceData, as_of: NaiveDate) -> Result<Determination, FactsError> {
    evaluate(facts, reference, as_of, RegimeChoice::InForce)
}

/// Evaluates the same facts as if `regime` applied, whatever the reference date (for appeals and to
/// measure the effect of a decree change).
pub fn determine_under(
    facts: &Facts,
    reference: &ReferenceData,
    as_of: NaiveDate,
    regime: RegimeId,
) -> Result<Determination, FactsError> {
    evaluate(facts, reference, as_of, RegimeChoice::Forced(regime))
}

fn check_facts(facts: &Facts, as_of: NaiveDate) -> Result<(), FactsError> {
    let dated = [
        ("birth_date", Some(facts.birth_date)),
        ("title_order_date", facts.title_order_date),
        ("first_registration_date", facts.first_registration_date),
        ("legal_stay_start", facts.legal_stay_start),
        ("prior_attestation.issued_on", facts.prior_attestation.as_ref().map(|a| a.issued_on)),
    ];
    for (field, date) in dated {
        if date.is_some_and(|d| d > as_of) {
            return Err(FactsError::FutureDate { field });
        }
    }
    for (field, date) in &dated[1..] {
        if date.is_some_and(|d| d < facts.birth_date) {
            return Err(FactsError::BeforeBirth { field });
        }
    }
    // Legal stay begins at the latest with the title of more than three months (rule 1.5): one that starts
    // after the order contradicts it.
    if let (Some(stay), Some(order)) = (facts.legal_stay_start, facts.title_order_date)
        && stay > order
    {
        return Err(FactsError::LegalStayAfterTitleOrder);
    }
    let mut seen = Vec::new();
    for code in facts.granted_dispensations.iter().chain(&facts.claimed_dispensations) {
        if seen.contains(code) {
            return Err(FactsError::DuplicateDispensation { code: *code });
        }
        seen.push(*code);
    }
    Ok(())
}

struct Outcome {
    reasons: Vec<Reason>,
    regime: Option<RegimeId>,
}

impl Outcome {
    fn push(&mut self, code: ReasonCode) {
        self.reasons.push(Reason { code, regime: self.regime, dispensation: None });
    }

    fn push_dispensation(&mut self, code: ReasonCode, dispensation: DispensationCode) {
        self.reasons.push(Reason { code, regime: self.regime, dispensation: Some(dispensation) });
    }
}

fn evaluate(
    facts: &Facts,
    reference: &ReferenceData,
    as_of: NaiveDate,
    choice: RegimeChoice,
) -> Result<Determination, FactsError> {
    check_facts(facts, as_of)?;
    let parameters = &reference.parameters;
    let reference_date = match parameters.reference_date_basis.on(as_of) {
        ReferenceDateBasis::TitleOrderDate => facts.title_order_date.or(facts.first_registration_date),
        ReferenceDateBasis::FirstRegistrationDate => facts.first_registration_date.or(facts.title_order_date),
    }
    .unwrap_or(as_of);

    let mut out = Outcome { reasons: Vec::new(), regime: None };
    let mut result = Determination {
        status: Status::NotConcerned,
        voluntary_participation_open: false,
        reference_date,
        regime: None,
        competent_cri: None,
        cri_assignment_status: None,
        domicile: None,
        deadlines: Vec::new(),
        axis_requirements: Vec::new(),
        pending_claims: Vec::new(),
        prior_attestation: None,
        reasons: Vec::new(),
        rules_version: RULES_VERSION.to_owned(),
    };
    let finish = |mut result: Determination, mut out: Outcome, status: Status| {
        result.status = status;
        if result.voluntary_participation_open {
            out.push(ReasonCode::VoluntaryParticipationOpen);
        }
        // Why this CRI (art. 153/1 and the territory data), and how sure the assignment is.
        match result.cri_assignment_status {
            Some(AssignmentStatus::Confirmed) => out.push(ReasonCode::CriAssignmentConfirmed),
            Some(AssignmentStatus::Derived) => out.push(ReasonCode::CriAssignmentDerived),
            Some(AssignmentStatus::Corrected) => out.push(ReasonCode::CriAssignmentCorrected),
            None => {}
        }
        result.reasons = out.reasons;
        result.regime = out.regime;
        Ok(result)
    };

    // Where the person lives decides which pathway, if any, applies (art. 150, 1°; rule 8.1).
    // The code reported may be today's while the reference date precedes a merger or the 2019
    // renumbering, or the reverse (rule 8.2): the commune is read as it was on the reference date.
    let domicile = match reference.resolve_domicile(facts.domicile, reference_date, as_of) {
        DomicileLookup::Walloon(resolved) => resolved,
        DomicileLookup::OutsideWallonia(_) => {
            out.push(ReasonCode::OutsideWallonia);
            return finish(result, out, Status::NotConcerned);
        }
        DomicileLookup::NotInForce { valid_from, valid_to, replaced_by } => {
            return Err(FactsError::CommuneNotInForce {
                nis: facts.domicile,
                on: reference_date,
                valid_from,
                valid_to,
                replaced_by: replaced_by.map(|c| Replacement {
                    code: reference.code_in_force(c.new, as_of),
                    name_fr: c.new_name_fr.clone(),
                    since: c.on,
                }),
            });
        }
        DomicileLookup::Unknown => return Err(FactsError::UnknownCommune { nis: facts.domicile }),
    };
    let commune = domicile.commune;
    let codes = DomicileCodes {
        reported: domicile.reported,
        on_reference_date: domicile.on_reference_date,
        in_force_today: domicile.in_force_today,
    };
    if codes.reported != codes.on_reference_date || codes.on_reference_date != codes.in_force_today {
        out.push(ReasonCode::CommuneCodeChanged);
    }
    result.domicile = Some(codes);
    if commune.language_region == LanguageRegion::German {
        out.push(ReasonCode::GermanLanguageRegion);
        return finish(result, out, Status::NotConcerned);
    }
    if let Some(assignment) = domicile.cri {
        result.competent_cri = Some(assignment.cri);
        result.cri_assignment_status = Some(assignment.status);
    }
    // Anyone living in the French-language region may follow the pathway voluntarily (rule 2.1).
    result.voluntary_participation_open = true;

    if facts.nationality == Nationality::BELGIUM {
        out.push(ReasonCode::BelgianNational);
        return finish(result, out, Status::NotConcerned);
    }

    // UE+ citizens and their families are outside the definition (art. 150, 3° and 4°).
    if is_ue_plus(facts.nationality, reference_date) {
        out.push(ReasonCode::UePlusNational);
        return finish(result, out, Status::Exempt);
    }
    let implications = facts.residence_document.map(|d| d.implications());
    if implications.is_some_and(|i| i.ue_plus_citizen) {
        out.push(ReasonCode::UePlusCitizenCard);
        return finish(result, out, Status::Exempt);
    }
    let family_by_card = implications.is_some_and(|i| i.family_of_ue_plus_citizen);
    match facts.family_link {
        Some(FamilyLink::UePlusCitizen | FamilyLink::MobileBelgian) => {
            out.push(ReasonCode::FamilyOfUePlusCitizen);
            return finish(result, out, Status::Exempt);
        }
        // A family member of a Belgian also holds an F card (law of 15 December 1980, art. 40ter): once the
        // commune declares the link to a Belgian who never moved, the card says nothing more and the
        // parameter decides (rule 1.2).
        Some(FamilyLink::NonMobileBelgian) => {
            if *parameters.family_of_non_mobile_belgian_exempt.on(reference_date) {
                out.push(ReasonCode::FamilyOfNonMobileBelgianExempt);
                return finish(result, out, Status::Exempt);
            }
            out.push(ReasonCode::FamilyOfNonMobileBelgianNotExempt);
        }
        None => {}
    }
    if family_by_card && facts.family_link.is_none() {
        out.push(ReasonCode::FamilyOfUePlusCitizen);
        return finish(result, out, Status::Exempt);
    }
    if facts.residence_document == Some(ResidenceDocument::M) && *parameters.m_card_holders_exempt.on(reference_date) {
        out.push(ReasonCode::WithdrawalAgreementBeneficiary);
        return finish(result, out, Status::Exempt);
    }

    // A residence title of more than three months (art. 150, 4°; rules 1.3, 1.4, 2.5; §9).
    let Some(implications) = implications else {
        out.push(ReasonCode::NoResidenceTitle);
        return finish(result, out, Status::NotConcerned);
    };
    // Two treatments the law leaves open are the Region's dated parameters (rule 2.5, §9): a special card
    // and an annexe 15 may count as a title of more than three months.
    let counts_as_title = implications.title_over_three_months
        || (implications.diplomatic_status && !*parameters.special_identity_card_not_concerned.on(reference_date))
        || (implications.pending_issuance && !*parameters.annexe_15_awaits_the_card.on(reference_date));
    if !counts_as_title {
        out.push(if implications.asylum_or_pending_procedure {
            ReasonCode::AsylumApplicant
        } else if implications.pending_issuance {
            ReasonCode::TitlePending
        } else if implications.diplomatic_status {
            ReasonCode::DiplomaticStatus
        } else {
            ReasonCode::TitleThreeMonthsOrLess
        });
        return finish(result, out, Status::NotConcerned);
    }
    if facts.title_order_date.is_none() {
        return Err(FactsError::Missing { field: "title_order_date" });
    }

    // Less than three years of legal stay on the reference date (art. 150, 4°; rule 1.5).
    let legal_stay_start = facts.legal_stay_start.ok_or(FactsError::Missing { field: "legal_stay_start" })?;
    if whole_years_between(legal_stay_start, reference_date) >= 3 {
        out.push(ReasonCode::LegalStayThreeYearsOrMore);
        return finish(result, out, Status::NotConcerned);
    }

    // Rule T1: the regime in force on the reference date.
    let regime_id = match choice {
        RegimeChoice::Forced(id) => id,
        RegimeChoice::InForce => match regime_for(reference_date, parameters) {
            Some(id) => id,
            None => {
                out.push(ReasonCode::BeforeAnyObligation);
                return finish(result, out, Status::NotConcerned);
            }
        },
    };
    out.regime = Some(regime_id);
    out.push(ReasonCode::PrimoArrivant);
    out.push(ReasonCode::RegimeApplied);
    let rules = regime(regime_id, parameters, reference_date);

    // Which dispensations exist: the catalogue's regimes, and for R2024 the Region's list (rule 2.4).
    let r2024_list = parameters.r2024_dispensations.on(reference_date);
    let exists = |code: &DispensationCode| match regime_id {
        RegimeId::R2024 => r2024_list.contains(code),
        other => code.exists_under(other),
    };

    // Automatic dispensations (D4 age, D10 standstill).
    let age = whole_years_between(facts.birth_date, reference_date);
    let mut dispensed = false;
    if !exists(&DispensationCode::D4) {
        // The Region removed the age dispensation from the R2024 list: nothing to apply.
    } else if age < 18 {
        out.push_dispensation(ReasonCode::DispensedUnder18, DispensationCode::D4);
        dispensed = true;
    } else if age >= *parameters.law.upper_age.on(reference_date) {
        out.push_dispensation(ReasonCode::Dispensed65OrOver, DispensationCode::D4);
        dispensed = true;
    }
    if exists(&DispensationCode::D10)
        && parameters.standstill_nationalities.on(reference_date).contains(&facts.nationality)
    {
        out.push_dispensation(ReasonCode::DispensedStandstillNationality, DispensationCode::D10);
        dispensed = true;
    }
    // Dispensations that need proof count only once the CRI granted them; claims stay pending.
    let needs_proof = |code: &&DispensationCode| !code.rule().automatic;
    for code in facts.granted_dispensations.iter().filter(needs_proof) {
        if exists(code) {
            out.push_dispensation(ReasonCode::DispensationGranted, *code);
            dispensed = true;
            if *code == DispensationCode::D1
                && let Some(prior) = &facts.prior_attestation
            {
                out.push_dispensation(ReasonCode::PriorAttestationRecognised, DispensationCode::D1);
                result.prior_attestation = Some(prior.clone());
            }
        } else {
            out.push_dispensation(ReasonCode::DispensationNotInRegime, *code);
        }
    }
    // D4 and D10 follow from the birth date and nationality: a claim for them decides nothing, and the
    // answer says so instead of dropping it.
    for code in facts.claimed_dispensations.iter().filter(|c| c.rule().automatic) {
        out.push_dispensation(ReasonCode::AutomaticDispensationClaimIgnored, *code);
    }
    for code in facts.claimed_dispensations.iter().filter(needs_proof) {
        if exists(code) {
            out.push_dispensation(ReasonCode::DispensationClaimPending, *code);
            result.pending_claims.push(*code);
        } else {
            out.push_dispensation(ReasonCode::DispensationNotInRegime, *code);
        }
    }
    if dispensed {
        return finish(result, out, Status::Dispensed);
    }

    // Obliged: deadlines and hours of the regime.
    result.voluntary_participation_open = false;
    out.push(ReasonCode::Obliged);
    let first_registration =
        facts.first_registration_date.ok_or(FactsError::Missing { field: "first_registration_date" })?;
    let order = facts.title_order_date.unwrap_or(reference_date);
    let start_of = |basis: StartBasis| match basis {
        StartBasis::FirstRegistration => first_registration,
        StartBasis::TitleOrder => order,
    };
    let mut deadline = |kind: DeadlineKind, rule: PeriodRule| -> Result<(), FactsError> {
        let start = start_of(rule.start);
        let date = add_months(start, rule.months).ok_or(FactsError::DateOutOfRange)?;
        let (start_fr, start_en) = match rule.start {
            StartBasis::FirstRegistration => (
                "la première inscription dans une commune de la région de langue française",
                "first registration in a commune of the French-language region",
            ),
            StartBasis::TitleOrder => (
                "la commande du titre de séjour de plus de trois mois",
                "the order of the residence title of more than three months",
            ),
        };
        result.deadlines.push(Deadline {
            kind,
            date,
            start,
            start_basis: rule.start,
            months_added: rule.months,
            regime: regime_id,
            basis: rule.basis,
            explanation_fr: format!(
                "{start} ({start_fr}) + {} mois = {date} (fin de mois si le jour n'existe pas), régime {regime_id}",
                rule.months
            ),
            explanation_en: format!(
                "{start} ({start_en}) + {} months = {date} (end of month when the day does not exist), regime {regime_id}",
                rule.months
            ),
        });
        Ok(())
    };
    deadline(DeadlineKind::PresentBy, rules.presentation)?;
    deadline(DeadlineKind::CompleteBy, rules.completion)?;
    if let Some(ceiling) = rules.extension_ceiling {
        deadline(DeadlineKind::LatestExtension, ceiling)?;
    }
    out.push(ReasonCode::PresentationDeadline);
    // A person registered long before the title was ordered (a recognised refugee, say) has a presentation
    // deadline that passed before they could know of it: flagged for the CRI, never counted as missed
    // silently.
    if result.deadline(DeadlineKind::PresentBy).is_some_and(|d| d.date < order) {
        out.push(ReasonCode::PresentationDeadlineBeforeTitleOrder);
    }
    out.push(ReasonCode::CompletionDeadline);
    if rules.extension_ceiling.is_some() {
        out.push(ReasonCode::ExtensionCeiling);
    }
    result.axis_requirements = rules.axes.to_vec();
    finish(result, out, Status::Obliged)
}
