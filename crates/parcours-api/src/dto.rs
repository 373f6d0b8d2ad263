//! Shapes shared by several endpoints: the facts a determination reads, and the determination as
//! communicated (with every reason's article and explanation in French and English), and the policy
//! simulation's changes and answer (stored by the job runner, served by the handlers).

use chrono::NaiveDate;
use parcours_domain::determination::{DeadlineKind, FamilyLink, Status};
use parcours_domain::dispensation::{PriorAttestation, PriorAttestationIssuer};
use parcours_domain::reasons::Effect;
use parcours_domain::reference::{AssignmentStatus, ReferenceData};
use parcours_domain::regime::{AxisObligation, StartBasis};
use parcours_domain::{Determination, DispensationCode, Facts, Nationality, NisCode, ResidenceDocument};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::FieldError;

/// A text in French and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Bilingual {
    /// French.
    pub fr: String,
    /// English.
    pub en: String,
}

/// The outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusDto {
    /// Outside the definition of *primo-arrivant*.
    NotConcerned,
    /// UE+ citizen or family member.
    Exempt,
    /// *Primo-arrivant* with a dispensation.
    Dispensed,
    /// Must follow the pathway.
    Obliged,
}

impl From<Status> for StatusDto {
    fn from(status: Status) -> Self {
        match status {
            Status::NotConcerned => StatusDto::NotConcerned,
            Status::Exempt => StatusDto::Exempt,
            Status::Dispensed => StatusDto::Dispensed,
            Status::Obliged => StatusDto::Obliged,
        }
    }
}

/// A CRI by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriRef {
    /// Acronym.
    #[schema(example = "CRIPEL")]
    pub code: String,
    /// Official name.
    pub name: String,
}

/// A clause that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReasonDto {
    /// Stable code (see docs/rules.md).
    #[schema(example = "OBLIGED")]
    pub code: String,
    /// `not_concerned`, `exempt`, `dispensed`, `obliged` or `information`.
    pub effect: String,
    /// The rule of the legal reference it implements.
    pub rule: String,
    /// Legal basis.
    pub article: String,
    /// `CONFIRMED`, `LIKELY` or `UNCONFIRMED`.
    pub confidence: String,
    /// Regime the clause belongs to.
    pub regime: Option<String>,
    /// Dispensation concerned.
    pub dispensation: Option<String>,
    /// Plain explanation.
    pub explanation: Bilingual,
}

/// Which deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKindDto {
    /// Report to the CRI.
    PresentBy,
    /// Obtain the attendance certificate.
    CompleteBy,
    /// Latest date any extension may reach.
    LatestExtension,
}

/// A deadline with its computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeadlineDto {
    /// Which deadline.
    pub kind: DeadlineKindDto,
    /// The date (inclusive).
    pub date: NaiveDate,
    /// Start of the count.
    pub start: NaiveDate,
    /// `first_registration` or `title_order`.
    pub start_basis: String,
    /// Months added (month-end clamped).
    pub months_added: u32,
    /// Regime.
    pub regime: String,
    /// Legal basis.
    pub basis: String,
    /// The computation.
    pub explanation: Bilingual,
}

/// Minimum hours of one axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AxisRequirementDto {
    /// `french`, `citizenship` or `orientation`.
    pub axis: String,
    /// Minimum hours.
    pub hours: u32,
    /// `voluntary`, `if_needed` or `always`.
    pub obligation: String,
    /// Longest period to complete it, in months.
    pub within_months: Option<u32>,
    /// Legal basis.
    pub basis: String,
}

/// The domicile's NIS codes through time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "reported": "82039", "on_reference_date": "82003", "on_reference_date_name": "Bastogne",
    "in_force_today": "82039", "in_force_today_name": "Bastogne"
}))]
pub struct DomicileCodesDto {
    /// The code reported.
    pub reported: String,
    /// The code in force on the reference date.
    pub on_reference_date: String,
    /// Its French name.
    pub on_reference_date_name: String,
    /// The code in force on the evaluation date.
    pub in_force_today: String,
    /// Its French name.
    pub in_force_today_name: String,
}

/// An attestation obtained before, recognised as the proof of dispensation D1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "issuer": "flanders",
    "issuer_label": {"fr": "inburgeringsattest flamand (Agentschap Integratie en Inburgering, Atlas ou IN-Gent)",
                     "en": "Flemish inburgeringsattest (Agentschap Integratie en Inburgering, Atlas or IN-Gent)"},
    "serial": "AGII-2025-004711", "issued_on": "2025-03-14"
}))]
pub struct PriorAttestationDto {
    /// Who issued it.
    pub issuer: PriorAttestationIssuerDto,
    /// The issuer and its document, in French and English.
    pub issuer_label: Bilingual,
    /// Its number as printed.
    pub serial: String,
    /// Its issue date.
    pub issued_on: NaiveDate,
}

/// Who issued an attestation recognised for D1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriorAttestationIssuerDto {
    /// A Walloon CRI (checked against this register).
    Wallonia,
    /// Agentschap Integratie en Inburgering, Atlas or IN-Gent.
    Flanders,
    /// A Brussels BAPA.
    BrusselsBapa,
    /// The Brussels BON.
    BrusselsBon,
    /// The German-speaking Community.
    GermanSpeakingCommunity,
}

impl From<PriorAttestationIssuer> for PriorAttestationIssuerDto {
    fn from(issuer: PriorAttestationIssuer) -> Self {
        match issuer {
            PriorAttestationIssuer::Wallonia => PriorAttestationIssuerDto::Wallonia,
            PriorAttestationIssuer::Flanders => PriorAttestationIssuerDto::Flanders,
            PriorAttestationIssuer::BrusselsBapa => PriorAttestationIssuerDto::BrusselsBapa,
            PriorAttestationIssuer::BrusselsBon => PriorAttestationIssuerDto::BrusselsBon,
            PriorAttestationIssuer::GermanSpeakingCommunity => PriorAttestationIssuerDto::GermanSpeakingCommunity,
        }
    }
}

impl From<PriorAttestationIssuerDto> for PriorAttestationIssuer {
    fn from(issuer: PriorAttestationIssuerDto) -> Self {
        match issuer {
            PriorAttestationIssuerDto::Wallonia => PriorAttestationIssuer::Wallonia,
            PriorAttestationIssuerDto::Flanders => PriorAttestationIssuer::Flanders,
            PriorAttestationIssuerDto::BrusselsBapa => PriorAttestationIssuer::BrusselsBapa,
            PriorAttestationIssuerDto::BrusselsBon => PriorAttestationIssuer::BrusselsBon,
            PriorAttestationIssuerDto::GermanSpeakingCommunity => PriorAttestationIssuer::GermanSpeakingCommunity,
        }
    }
}

impl PriorAttestationDto {
    /// The communicated form.
    pub fn new(prior: &PriorAttestation) -> PriorAttestationDto {
        let label = prior.issuer.label();
        PriorAttestationDto {
            issuer: prior.issuer.into(),
            issuer_label: Bilingual { fr: label.fr.to_owned(), en: label.en.to_owned() },
            serial: prior.serial.clone(),
            issued_on: prior.issued_on,
        }
    }
}

/// A determination as communicated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeterminationDto {
    /// The outcome.
    pub status: StatusDto,
    /// Whether the person may follow the pathway voluntarily.
    pub voluntary_participation_open: bool,
    /// Date age, legal stay and regime are assessed on.
    pub reference_date: NaiveDate,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// Regime applied (`R2014`, `R2016`, `R2018`, `R2024`).
    pub regime: Option<String>,
    /// Competent CRI.
    pub competent_cri: Option<CriRef>,
    /// `confirmed`, `derived` or `corrected` commune-to-CRI assignment.
    pub cri_assignment_status: Option<String>,
    /// The domicile's NIS codes: as reported, in force on the reference date, in force on the evaluation
    /// date (they differ across the 2019 renumbering and the 2025 mergers; reason `COMMUNE_CODE_CHANGED`).
    #[serde(default)]
    pub domicile: Option<DomicileCodesDto>,
    /// Deadlines (obliged persons).
    pub deadlines: Vec<DeadlineDto>,
    /// Hours per axis (obliged persons).
    pub axis_requirements: Vec<AxisRequirementDto>,
    /// Dispensations claimed, awaiting a CRI decision.
    pub pending_claims: Vec<String>,
    /// The attestation obtained before (in Wallonia or another community or region) on which D1 was
    /// granted, when it was (reason `PRIOR_ATTESTATION_RECOGNISED`).
    #[serde(default)]
    pub prior_attestation: Option<PriorAttestationDto>,
    /// Every clause that fired.
    pub reasons: Vec<ReasonDto>,
    /// Version of the rules that decided.
    pub rules_version: String,
}

impl DeterminationDto {
    /// Builds the communicated form of a domain determination.
    pub fn new(d: &Determination, as_of: NaiveDate, reference: &ReferenceData) -> DeterminationDto {
        DeterminationDto {
            status: d.status.into(),
            voluntary_participation_open: d.voluntary_participation_open,
            reference_date: d.reference_date,
            as_of,
            regime: d.regime.map(|r| r.code().to_owned()),
            competent_cri: d.competent_cri.map(|code| CriRef {
                code: code.code().to_owned(),
                name: reference.cris().iter().find(|c| c.code == code).map(|c| c.name_fr.clone()).unwrap_or_default(),
            }),
            cri_assignment_status: d.cri_assignment_status.map(|s| {
                match s {
                    AssignmentStatus::Confirmed => "confirmed",
                    AssignmentStatus::Derived => "derived",
                    AssignmentStatus::Corrected => "corrected",
                }
                .to_owned()
            }),
            domicile: d.domicile.map(|codes| {
                let name = |nis: NisCode| reference.commune_name_fr(nis).unwrap_or_default();
                DomicileCodesDto {
                    reported: codes.reported.to_string(),
                    on_reference_date: codes.on_reference_date.to_string(),
                    on_reference_date_name: name(codes.on_reference_date),
                    in_force_today: codes.in_force_today.to_string(),
                    in_force_today_name: name(codes.in_force_today),
                }
            }),
            deadlines: d
                .deadlines
                .iter()
                .map(|x| DeadlineDto {
                    kind: match x.kind {
                        DeadlineKind::PresentBy => DeadlineKindDto::PresentBy,
                        DeadlineKind::CompleteBy => DeadlineKindDto::CompleteBy,
                        DeadlineKind::LatestExtension => DeadlineKindDto::LatestExtension,
                    },
                    date: x.date,
                    start: x.start,
                    start_basis: match x.start_basis {
                        StartBasis::FirstRegistration => "first_registration",
                        StartBasis::TitleOrder => "title_order",
                    }
                    .to_owned(),
                    months_added: x.months_added,
                    regime: x.regime.code().to_owned(),
                    basis: x.basis.to_owned(),
                    explanation: Bilingual { fr: x.explanation_fr.clone(), en: x.explanation_en.clone() },
                })
                .collect(),
            axis_requirements: d
                .axis_requirements
                .iter()
                .map(|a| AxisRequirementDto {
                    axis: a.axis.code().to_owned(),
                    hours: a.hours,
                    obligation: match a.obligation {
                        AxisObligation::Voluntary => "voluntary",
                        AxisObligation::IfNeeded => "if_needed",
                        AxisObligation::Always => "always",
                    }
                    .to_owned(),
                    within_months: a.within_months,
                    basis: a.basis.to_owned(),
                })
                .collect(),
            pending_claims: d.pending_claims.iter().map(|c| c.code().to_owned()).collect(),
            prior_attestation: d.prior_attestation.as_ref().map(PriorAttestationDto::new),
            reasons: d
                .reasons
                .iter()
                .map(|r| {
                    let info = r.code.info();
                    ReasonDto {
                        code: info.code.to_owned(),
                        effect: match info.effect {
                            Effect::NotConcerned => "not_concerned",
                            Effect::Exempt => "exempt",
                            Effect::Dispensed => "dispensed",
                            Effect::Obliged => "obliged",
                            Effect::Information => "information",
                        }
                        .to_owned(),
                        rule: info.rule.to_owned(),
                        article: info.article.to_owned(),
                        confidence: info.confidence.tag().to_owned(),
                        regime: r.regime.map(|x| x.code().to_owned()),
                        dispensation: r.dispensation.map(|x| x.code().to_owned()),
                        explanation: Bilingual {
                            fr: info.explanation.fr.to_owned(),
                            en: info.explanation.en.to_owned(),
                        },
                    }
                })
                .collect(),
            rules_version: d.rules_version.clone(),
        }
    }
}

/// The raw facts of a request, before parsing (shared by simulation and intake).
#[derive(Debug, Clone, Copy)]
pub struct FactFields<'a> {
    /// `YYYY-MM-DD`.
    pub birth_date: &'a str,
    /// ISO alpha-3.
    pub nationality: &'a str,
    /// Card letter or document name.
    pub residence_document: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub title_order_date: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub first_registration_date: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub legal_stay_start: Option<&'a str>,
    /// NIS code.
    pub domicile_nis: &'a str,
    /// `ue_plus_citizen`, `mobile_belgian`, `non_mobile_belgian`.
    pub family_link: Option<&'a str>,
    /// Dispensation codes claimed.
    pub claimed_dispensations: &'a [String],
    /// Dispensation codes granted by a CRI.
    pub granted_dispensations: &'a [String],
}

/// Parses an ISO date, recording a field error otherwise.
pub fn parse_date(field: &str, value: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "invalid_date",
                "Date attendue au format AAAA-MM-JJ.",
                "Expected a date as YYYY-MM-DD.",
            ));
            None
        }
    }
}

fn parse_dispensations(field: &str, codes: &[String], errors: &mut Vec<FieldError>) -> Vec<DispensationCode> {
    codes
        .iter()
        .filter_map(|code| match DispensationCode::parse(code) {
            Ok(c) => Some(c),
            Err(_) => {
                errors.push(FieldError::new(
                    field,
                    "unknown_dispensation",
                    format!(
                        "Dispense inconnue « {} » : D1 à D10, SCHENGEN_ONE_YEAR, BUSINESS_OWNER, TOP_ATHLETE, ou D11 à D30 ajoutées par la Région.",
                        code.chars().take(20).collect::<String>()
                    ),
                    format!(
                        "Unknown dispensation `{}`: D1 to D10, SCHENGEN_ONE_YEAR, BUSINESS_OWNER, TOP_ATHLETE, or D11 to D30 added by the Region.",
                        code.chars().take(20).collect::<String>()
                    ),
                ));
                None
            }
        })
        .collect()
}

impl FactFields<'_> {
    /// Parses every field, collecting all errors at once.
    pub fn parse(&self, errors: &mut Vec<FieldError>) -> Option<Facts> {
        let birth_date = parse_date("birth_date", self.birth_date, errors);
        let nationality = match Nationality::parse(self.nationality) {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(
                    "nationality",
                    "invalid_nationality",
                    "Code pays ISO 3166-1 alpha-3 attendu (MAR, SYR...), ou XXA (apatride), XXX (inconnue).",
                    "Expected an ISO 3166-1 alpha-3 country code (MAR, SYR...), or XXA (stateless), XXX (unknown).",
                ));
                None
            }
        };
        let residence_document = match self.residence_document.map(ResidenceDocument::parse) {
            None => Some(None),
            Some(Ok(doc)) => Some(Some(doc)),
            Some(Err(_)) => {
                errors.push(FieldError::new(
                    "residence_document",
                    "invalid_residence_document",
                    "Document inconnu : A, B, K (C), L (D), EU (E), EU+ (E+), F, F+, H, I, J, M, N, attestation_immatriculation, annexe_15, special_identity_card.",
                    "Unknown document: A, B, K (C), L (D), EU (E), EU+ (E+), F, F+, H, I, J, M, N, attestation_immatriculation, annexe_15, special_identity_card.",
                ));
                None
            }
        };
        let optional_date = |field: &str, value: Option<&str>, errors: &mut Vec<FieldError>| match value {
            None => Some(None),
            Some(v) => parse_date(field, v, errors).map(Some),
        };
        let title_order_date = optional_date("title_order_date", self.title_order_date, errors);
        let first_registration_date = optional_date("first_registration_date", self.first_registration_date, errors);
        let legal_stay_start = optional_date("legal_stay_start", self.legal_stay_start, errors);
        let domicile = match NisCode::parse(self.domicile_nis) {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(FieldError::new(
                    "domicile_nis",
                    "invalid_nis_code",
                    "Code INS de commune attendu : cinq chiffres (62063).",
                    "Expected a NIS commune code: five digits (62063).",
                ));
                None
            }
        };
        let family_link = match self.family_link {
            None => Some(None),
            Some("ue_plus_citizen") => Some(Some(FamilyLink::UePlusCitizen)),
            Some("mobile_belgian") => Some(Some(FamilyLink::MobileBelgian)),
            Some("non_mobile_belgian") => Some(Some(FamilyLink::NonMobileBelgian)),
            Some(_) => {
                errors.push(FieldError::new(
                    "family_link",
                    "invalid_family_link",
                    "Valeurs admises : ue_plus_citizen, mobile_belgian, non_mobile_belgian.",
                    "Allowed values: ue_plus_citizen, mobile_belgian, non_mobile_belgian.",
                ));
                None
            }
        };
        let claimed = parse_dispensations("claimed_dispensations", self.claimed_dispensations, errors);
        let granted = parse_dispensations("granted_dispensations", self.granted_dispensations, errors);
        Some(Facts {
            birth_date: birth_date?,
            nationality: nationality?,
            residence_document: residence_document?,
            title_order_date: title_order_date?,
            first_registration_date: first_registration_date?,
            legal_stay_start: legal_stay_start?,
            domicile: domicile?,
            family_link: family_link?,
            claimed_dispensations: claimed,
            granted_dispensations: granted,
            prior_attestation: None,
        })
        .filter(|_| errors.is_empty())
    }
}

/// Largest page of a cursor-paginated list.
pub const MAX_PAGE_SIZE: i64 = 200;
/// Default page size.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// Checks the paging parameters of a list (`limit` 1 to 200, an opaque cursor that is an id) and returns
/// the page size.
pub fn page_size(limit: Option<i64>, cursor_field: &str, cursor: Option<&str>, errors: &mut Vec<FieldError>) -> i64 {
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            "out_of_range",
            "La taille de page va de 1 à 200.",
            "Page size ranges from 1 to 200.",
        ));
    }
    if cursor.is_some_and(|c| uuid::Uuid::parse_str(c).is_err()) {
        errors.push(FieldError::new(
            cursor_field,
            "invalid_cursor",
            "Curseur invalide : reprenez next_cursor tel quel.",
            "Invalid cursor: pass next_cursor back unchanged.",
        ));
    }
    limit
}

/// The national number and sex of a person, checked against each other and against the birth date.
pub fn parse_identity(
    niss: &str,
    sex: Option<&str>,
    birth_date: &str,
    errors: &mut Vec<FieldError>,
) -> Option<(parcours_domain::Niss, Option<parcours_domain::niss::Sex>)> {
    use parcours_domain::niss::{NissError, Sex};
    let sex = match sex {
        None | Some("unknown") => None,
        Some("male") => Some(Sex::Male),
        Some("female") => Some(Sex::Female),
        Some(_) => {
            errors.push(FieldError::new(
                "sex",
                "invalid_sex",
                "Valeurs admises : male, female, unknown.",
                "Allowed values: male, female, unknown.",
            ));
            None
        }
    };
    let niss = match parcours_domain::Niss::parse(niss) {
        Ok(niss) => niss,
        Err(e) => {
            let (fr, en) = match e {
                NissError::Format => (
                    "Le numéro national a 11 chiffres (AA.MM.JJ-SSS.CC).",
                    "A national number has 11 digits (YY.MM.DD-SSS.CC).",
                ),
                NissError::CheckDigit => {
                    ("Les chiffres de contrôle ne correspondent pas.", "The check digits do not match.")
                }
                NissError::Sequence => (
                    "Les numéros d'ordre 000 et 999 ne sont jamais attribués.",
                    "Sequence numbers 000 and 999 are never issued.",
                ),
                NissError::Month => (
                    "Le mois n'est valable ni pour un numéro national ni pour un numéro BIS.",
                    "The month is valid for neither a national nor a BIS number.",
                ),
            };
            errors.push(FieldError::new("niss", "invalid_niss", fr, en));
            return None;
        }
    };
    if let Ok(given) = NaiveDate::parse_from_str(birth_date.trim(), "%Y-%m-%d")
        && !niss.agrees_with_birth_date(given)
    {
        errors.push(FieldError::new(
            "birth_date",
            "niss_birth_date_mismatch",
            "La date de naissance ne correspond pas au numéro national (année du chiffre de contrôle, mois et \
             jour quand le numéro les connaît).",
            "The birth date does not match the national number (the check digit's year, and month and day where \
             the number knows them).",
        ));
    }
    if let (Some(encoded), Some(given)) = (niss.sex(), sex)
        && encoded != given
    {
        errors.push(FieldError::new(
            "sex",
            "niss_mismatch",
            "Le sexe ne correspond pas au numéro national.",
            "The sex does not match the national number.",
        ));
    }
    Some((niss, sex.or(niss.sex())))
}

/// The sex as stored (`male`, `female`).
pub fn sex_code(sex: parcours_domain::niss::Sex) -> String {
    match sex {
        parcours_domain::niss::Sex::Male => "male".to_owned(),
        parcours_domain::niss::Sex::Female => "female".to_owned(),
    }
}

/// A determination as the store keeps it: the facts, the communicated form, the rules version.
pub fn stored_determination(
    determination: &Determination,
    facts: &Facts,
    as_of: NaiveDate,
    reference: &ReferenceData,
) -> Result<parcours_store::determinations::NewDetermination, crate::problem::ApiError> {
    let internal = |e: serde_json::Error| crate::problem::ApiError::Internal(e.to_string());
    Ok(parcours_store::determinations::NewDetermination {
        status: determination.status,
        regime: determination.regime.map(|r| r.code().to_owned()),
        competent_cri: determination.competent_cri.map(|c| c.code().to_owned()),
        reference_date: determination.reference_date,
        as_of,
        rules_version: determination.rules_version.clone(),
        facts_json: serde_json::to_string(facts).map_err(internal)?,
        result_json: serde_json::to_string(&DeterminationDto::new(determination, as_of, reference))
            .map_err(internal)?,
    })
}

/// Turns `validator` errors into field errors.
pub fn validation_errors(errors: &validator::ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        match kind {
            validator::ValidationErrorsKind::Field(list) => {
                for e in list {
                    let limit = |name: &str| e.params.get(name).and_then(serde_json::Value::as_u64);
                    let (fr, en) = match (e.code.as_ref(), limit("min"), limit("max")) {
                        ("length", Some(min), Some(max)) => (
                            format!("Longueur invalide ({min} à {max} caractères)."),
                            format!("Invalid length ({min} to {max} characters)."),
                        ),
                        ("length", None, Some(max)) => {
                            (format!("Au plus {max} caractères."), format!("At most {max} characters."))
                        }
                        ("length", Some(min), None) => {
                            (format!("Au moins {min} caractère(s)."), format!("At least {min} character(s)."))
                        }
                        ("email", _, _) => ("Adresse électronique invalide.".into(), "Invalid e-mail address.".into()),
                        _ => ("Valeur invalide.".into(), "Invalid value.".into()),
                    };
                    out.push(FieldError::new(field.to_string(), e.code.to_string(), fr, en));
                }
            }
            validator::ValidationErrorsKind::Struct(inner) => {
                let mut nested = Vec::new();
                validation_errors(inner, &mut nested);
                out.extend(nested.into_iter().map(|mut e| {
                    e.field = format!("{field}.{}", e.field);
                    e
                }));
            }
            validator::ValidationErrorsKind::List(_) => {
                out.push(FieldError::new(field.to_string(), "invalid", "Valeur invalide.", "Invalid value."))
            }
        }
    }
}

// Policy simulations (`handlers::simulations`, run by `jobs`): the request's changes and the answer, as stored
// and as served.

/// One change of the alternative.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyChangeDto {
    /// A parameter (`GET /v1/parameters`) or a quantity the law fixes: `upper_age` (65),
    /// `r2024_completion_months` (36).
    #[schema(example = "r2024_completion_months")]
    pub name: String,
    /// The alternative applies to reference dates from this day on.
    #[schema(example = "2024-01-01")]
    pub valid_from: chrono::NaiveDate,
    /// The value, in the parameter's text form.
    #[schema(example = "24")]
    pub value: String,
}

impl PolicyChangeDto {
    /// As the domain reads it.
    pub fn change(&self) -> parcours_domain::simulation::PolicyChange {
        parcours_domain::simulation::PolicyChange {
            name: self.name.clone(),
            valid_from: self.valid_from,
            value: self.value.clone(),
        }
    }
}

/// A published count of the answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SimulationCellDto {
    /// A CRI code, `none` (outside the CRIs' territory) or `wallonie`.
    #[schema(example = "CRIPEL")]
    pub territory: String,
    /// `obliged->dispensed` (status in force, then under the alternative), or `null` for all.
    #[schema(example = "obliged->obliged")]
    pub transition: Option<String>,
    /// How the completion deadline moves (`same`, `earlier_7_12_months`, `gained`, `lost`...), or `null`
    /// for all.
    #[schema(example = json!(null))]
    pub shift: Option<String>,
    /// Persons; `null` when suppressed.
    #[schema(example = 12)]
    pub count: Option<u64>,
    /// `c` when suppressed.
    #[schema(example = json!(null))]
    pub flag: Option<String>,
}

/// Why persons change status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransitionReasons {
    /// The status change (published for Wallonia).
    #[schema(example = "obliged->dispensed")]
    pub transition: String,
    /// The reasons that fire under the alternative and not under the rules in force.
    #[schema(example = json!(["DISPENSED_65_OR_OVER"]))]
    pub reasons: Vec<String>,
}

/// The answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SimulationResult {
    /// Counts from 1 to `threshold - 1` are suppressed, with enough others.
    #[schema(example = 5)]
    pub threshold: u64,
    /// By CRI and status change, and by CRI and deadline shift (the two share their CRI totals).
    pub cells: Vec<SimulationCellDto>,
    /// For each status change published for Wallonia, the reasons that drive it.
    pub reasons: Vec<TransitionReasons>,
}

impl SimulationResult {
    /// From the domain's summary.
    pub fn new(summary: &parcours_domain::simulation::Summary, threshold: u64) -> SimulationResult {
        SimulationResult {
            threshold,
            cells: summary
                .cells
                .iter()
                .map(|c| SimulationCellDto {
                    territory: c.territory.clone(),
                    transition: c.transition.clone(),
                    shift: c.shift.map(str::to_owned),
                    count: c.count,
                    flag: c.count.is_none().then(|| "c".to_owned()),
                })
                .collect(),
            reasons: summary
                .reasons
                .iter()
                .map(|(transition, reasons)| TransitionReasons {
                    transition: transition.clone(),
                    reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
                })
                .collect(),
        }
    }
}

/// The list of event kinds in the contract, from the domain's catalogue (`docs/events.md`).
#[derive(Debug)]
pub struct EventTypeSchema;

impl utoipa::PartialSchema for EventTypeSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A kind of case step, from the event catalogue (docs/events.md)."))
            .enum_values(Some(parcours_domain::events::EventKind::ALL.iter().map(|kind| kind.code())))
            .into()
    }
}

impl utoipa::ToSchema for EventTypeSchema {}

/// The list of commune notices in the contract (rule 4.7).
#[derive(Debug)]
pub struct CommuneNoticeSchema;

impl utoipa::PartialSchema for CommuneNoticeSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("What a commune learns about its resident (rule 4.7)."))
            .enum_values(Some(parcours_domain::events::CommuneNotice::ALL.iter().map(|notice| notice.code())))
            .into()
    }
}

impl utoipa::ToSchema for CommuneNoticeSchema {}

/// A file in a response or a request body (a PDF, a ZIP, a CSV): `type: string, format: binary`, which
/// generators turn into bytes or a file object (an array of integers would make them decode JSON).
#[derive(Debug)]
pub struct BinaryFile;

impl utoipa::PartialSchema for BinaryFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The file's bytes."))
            .into()
    }
}

impl utoipa::ToSchema for BinaryFile {}
