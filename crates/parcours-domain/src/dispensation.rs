//! The dispensation catalogue (CWASS art. 152/7 §3; rules.md rules 2.2-2.4), as data with the regimes in
//! which each entry exists.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::law::{Bilingual, Confidence, RegimeId};

/// A dispensation, current or historical, or one the Region added to the R2024 list (rule 2.4). Written as
/// its code (`D5`, `SCHENGEN_ONE_YEAR`, `D11`) in JSON and in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DispensationCode {
    /// Already holds the *attestation de fréquentation* or an equivalent from another community or region.
    D1,
    /// Medical certificate: serious illness or disability.
    D2,
    /// Belgian diploma or certificate.
    D3,
    /// Under 18, or 65 and over (automatic).
    D4,
    /// Works at least half-time for more than three continuous months (from R2018).
    D5,
    /// Regular student.
    D6,
    /// Exchange student.
    D7,
    /// Doctoral scholarship.
    D8,
    /// Teacher in a recognised higher-education institution of the Fédération Wallonie-Bruxelles.
    D9,
    /// National of Turkey or of a state with an identical standstill clause (automatic).
    D10,
    /// Stayed more than one year in the Schengen area (before R2018).
    SchengenOneYear,
    /// Business owner (R2014).
    BusinessOwner,
    /// High-level athlete (R2014).
    TopAthlete,
    /// A dispensation the Region added (`D11` to `D30`): its wording is the parameter
    /// `added_dispensations`, and it applies where the parameter `r2024_dispensations` lists it. Always on
    /// proof, decided by the CRI: an automatic dispensation needs a rule in code.
    Added(u8),
}

/// The codes the Region may add, in order (`Added(11)` is `D11`).
const ADDED_CODES: [&str; 20] = [
    "D11", "D12", "D13", "D14", "D15", "D16", "D17", "D18", "D19", "D20", "D21", "D22", "D23", "D24", "D25", "D26",
    "D27", "D28", "D29", "D30",
];

/// The entry of every added dispensation: on proof, in no regime by itself (the R2024 list says where).
static ADDED_RULE: DispensationRule = DispensationRule {
    code: DispensationCode::Added(0),
    label: Bilingual {
        fr: "dispense ajoutée par la Région (libellé : paramètre added_dispensations)",
        en: "dispensation added by the Region (wording: parameter added_dispensations)",
    },
    article: ART,
    regimes: &[],
    automatic: false,
    proof: "as the Region's definition says",
    confidence: Confidence::Unconfirmed,
};

impl Serialize for DispensationCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for DispensationCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DispensationCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why a string is not a dispensation code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispensationCodeError;

impl fmt::Display for DispensationCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "unknown dispensation: expected D1 to D10, SCHENGEN_ONE_YEAR, BUSINESS_OWNER, TOP_ATHLETE, or D11 to D30 \
             (added by the Region)",
        )
    }
}

impl std::error::Error for DispensationCodeError {}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DispensationRule {
    /// Code.
    pub code: DispensationCode,
    /// The wording of the law, and its English translation.
    pub label: Bilingual,
    /// Legal basis.
    pub article: &'static str,
    /// Regimes in which the dispensation exists.
    pub regimes: &'static [RegimeId],
    /// Derivable from register data (no proof to supply).
    pub automatic: bool,
    /// What the person supplies to the CRI.
    pub proof: &'static str,
    /// How well sourced.
    pub confidence: Confidence,
}

use RegimeId::{R2014, R2016, R2018, R2024};

const ALL_REGIMES: &[RegimeId] = &[R2014, R2016, R2018, R2024];
const FROM_2018: &[RegimeId] = &[R2018, R2024];
const ART: &str = "CWASS art. 152/7 §3, al. 1";

/// The catalogue, in the order of rules.md.
pub const CATALOGUE: &[DispensationRule] = &[
    DispensationRule {
        code: DispensationCode::D1,
        label: Bilingual {
            fr: "a déjà obtenu l'attestation de fréquentation, ou une attestation de ce type délivrée par une autre \
                 communauté ou région",
            en: "already holds the attendance certificate, or an equivalent from another community or region",
        },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "copy of the attestation, issuing entity, date (only a completed pathway counts)",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D2,
        label: Bilingual {
            fr: "présente un certificat médical attestant de l'impossibilité de suivre le parcours (maladie ou \
                 handicap sévère)",
            en: "medical certificate showing that a serious illness or disability prevents following the pathway",
        },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "medical certificate (date, doctor); health data, GDPR art. 9",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D3,
        label: Bilingual {
            fr: "a obtenu un certificat ou un diplôme dans l'enseignement belge",
            en: "holds a certificate or diploma of Belgian education",
        },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "Belgian diploma or certificate",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D4,
        label: Bilingual {
            fr: "est âgé(e) de moins de 18 ans ou de 65 ans et plus", en: "is under 18, or 65 or over"
        },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: true,
        proof: "none: birth date in the National Register",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D5,
        label: Bilingual {
            fr: "exerce une activité professionnelle au minimum à mi-temps pendant une période continue de plus de \
                 trois mois",
            en: "works at least half-time for a continuous period of more than three months",
        },
        article: "CWASS art. 152/7 §3, al. 1 (decree of 8 November 2018)",
        regimes: FROM_2018,
        automatic: false,
        proof: "contract, payslips or employer attestation covering more than three continuous months at 50 % or more",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D6,
        label: Bilingual { fr: "est un étudiant régulier", en: "is a regular student" },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "enrolment attestation",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D7,
        label: Bilingual { fr: "est un étudiant d'échange", en: "is an exchange student" },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "exchange programme attestation",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D8,
        label: Bilingual {
            fr: "bénéficie d'une bourse pour l'obtention d'un doctorat",
            en: "holds a doctoral scholarship",
        },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "scholarship attestation",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D9,
        label: Bilingual {
            fr: "est enseignant(e) collaborant au sein d'une institution d'enseignement supérieur reconnue en \
                 Fédération Wallonie-Bruxelles",
            en: "teaches at a recognised higher-education institution of the Fédération Wallonie-Bruxelles",
        },
        article: ART,
        regimes: ALL_REGIMES,
        automatic: false,
        proof: "employer attestation",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::D10,
        label: Bilingual {
            fr: "ressortissant(e) turc/turque ou d'un État lié à l'UE par une clause de standstill identique",
            en: "national of Turkey or of a state bound to the EU by an identical standstill clause",
        },
        article: "CWASS art. 152/7 §3, al. 2; CRWASS (EEC-Turkey Additional Protocol art. 41(1), Decision 1/80 art. 13)",
        regimes: ALL_REGIMES,
        automatic: true,
        proof: "none: nationality in the National Register",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::SchengenOneYear,
        label: Bilingual {
            fr: "a séjourné plus d'un an dans l'espace Schengen (supprimée en 2018)",
            en: "stayed more than one year in the Schengen area (removed in 2018)",
        },
        article: "CWASS art. 152/7 §3 before the decree of 8 November 2018",
        regimes: &[R2014, R2016],
        automatic: false,
        proof: "evidence of more than one year of stay in the Schengen area",
        confidence: Confidence::Confirmed,
    },
    DispensationRule {
        code: DispensationCode::BusinessOwner,
        label: Bilingual { fr: "chef d'entreprise (régime 2014)", en: "business owner (2014 regime)" },
        article: "Decree of 27 March 2014 (alterechos.be 2014)",
        regimes: &[R2014],
        automatic: false,
        proof: "enterprise registration (BCE/KBO)",
        confidence: Confidence::Likely,
    },
    DispensationRule {
        code: DispensationCode::TopAthlete,
        label: Bilingual { fr: "sportif de haut niveau (régime 2014)", en: "high-level athlete (2014 regime)" },
        article: "Decree of 27 March 2014 (alterechos.be 2014)",
        regimes: &[R2014],
        automatic: false,
        proof: "federation attestation",
        confidence: Confidence::Likely,
    },
];

impl DispensationCode {
    /// Stable code (`D5`, `SCHENGEN_ONE_YEAR`).
    pub fn code(&self) -> &'static str {
        match self {
            DispensationCode::D1 => "D1",
            DispensationCode::D2 => "D2",
            DispensationCode::D3 => "D3",
            DispensationCode::D4 => "D4",
            DispensationCode::D5 => "D5",
            DispensationCode::D6 => "D6",
            DispensationCode::D7 => "D7",
            DispensationCode::D8 => "D8",
            DispensationCode::D9 => "D9",
            DispensationCode::D10 => "D10",
            DispensationCode::SchengenOneYear => "SCHENGEN_ONE_YEAR",
            DispensationCode::BusinessOwner => "BUSINESS_OWNER",
            DispensationCode::TopAthlete => "TOP_ATHLETE",
            DispensationCode::Added(number) => {
                ADDED_CODES.get(usize::from(number.saturating_sub(11))).copied().unwrap_or("D11")
            }
        }
    }

    /// Parses a code, case-insensitively.
    pub fn parse(input: &str) -> Result<DispensationCode, DispensationCodeError> {
        let input = input.trim();
        if let Some(rule) = CATALOGUE.iter().find(|r| r.code.code().eq_ignore_ascii_case(input)) {
            return Ok(rule.code);
        }
        ADDED_CODES
            .iter()
            .position(|code| code.eq_ignore_ascii_case(input))
            .and_then(|index| u8::try_from(index + 11).ok())
            .map(DispensationCode::Added)
            .ok_or(DispensationCodeError)
    }

    /// Whether the Region added this dispensation (`D11` to `D30`).
    pub fn is_added(&self) -> bool {
        matches!(self, DispensationCode::Added(_))
    }

    /// The catalogue entry (for an added dispensation, the common entry of added ones).
    pub fn rule(&self) -> &'static DispensationRule {
        if self.is_added() {
            return &ADDED_RULE;
        }
        // Every other code has exactly one entry (tested).
        CATALOGUE.iter().find(|r| r.code == *self).unwrap_or(&CATALOGUE[0])
    }

    /// Whether the dispensation exists under `regime`.
    pub fn exists_under(&self, regime: RegimeId) -> bool {
        self.rule().regimes.contains(&regime)
    }
}

impl fmt::Display for DispensationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Who issued an integration attestation that dispensation D1 recognises (rules.md rule 2.2, §12, §13):
/// a Walloon *attestation de fréquentation* or "une attestation de ce type délivrée par une autre
/// communauté ou région du pays".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorAttestationIssuer {
    /// A Walloon CRI (an attestation this register issued; checked against it).
    Wallonia,
    /// Flanders: Agentschap Integratie en Inburgering, Atlas (Antwerp) or IN-Gent (*inburgeringsattest*).
    Flanders,
    /// Brussels, French-speaking: a BAPA (*attestation de suivi du parcours d'accueil*).
    BrusselsBapa,
    /// Brussels, Dutch-speaking: BON, Agentschap Integratie en Inburgering Brussel (*inburgeringsattest*).
    BrusselsBon,
    /// The German-speaking Community (*Integrationsparcours*).
    GermanSpeakingCommunity,
}

impl PriorAttestationIssuer {
    /// Every issuer, in documentation order.
    pub const ALL: [PriorAttestationIssuer; 5] = [
        PriorAttestationIssuer::Wallonia,
        PriorAttestationIssuer::Flanders,
        PriorAttestationIssuer::BrusselsBapa,
        PriorAttestationIssuer::BrusselsBon,
        PriorAttestationIssuer::GermanSpeakingCommunity,
    ];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PriorAttestationIssuer::Wallonia => "wallonia",
            PriorAttestationIssuer::Flanders => "flanders",
            PriorAttestationIssuer::BrusselsBapa => "brussels_bapa",
            PriorAttestationIssuer::BrusselsBon => "brussels_bon",
            PriorAttestationIssuer::GermanSpeakingCommunity => "german_speaking_community",
        }
    }

    /// Parses a stable code.
    pub fn parse(input: &str) -> Option<PriorAttestationIssuer> {
        PriorAttestationIssuer::ALL.into_iter().find(|i| i.code() == input.trim())
    }

    /// The issuer and its document, as a determination names them.
    pub fn label(&self) -> Bilingual {
        match self {
            PriorAttestationIssuer::Wallonia => Bilingual {
                fr: "attestation de fréquentation d'un CRI wallon",
                en: "attestation de fréquentation of a Walloon CRI",
            },
            PriorAttestationIssuer::Flanders => Bilingual {
                fr: "inburgeringsattest flamand (Agentschap Integratie en Inburgering, Atlas ou IN-Gent)",
                en: "Flemish inburgeringsattest (Agentschap Integratie en Inburgering, Atlas or IN-Gent)",
            },
            PriorAttestationIssuer::BrusselsBapa => Bilingual {
                fr: "attestation de suivi du parcours d'accueil d'un BAPA bruxellois",
                en: "attestation of the reception pathway of a Brussels BAPA",
            },
            PriorAttestationIssuer::BrusselsBon => Bilingual {
                fr: "inburgeringsattest du BON bruxellois (Agentschap Integratie en Inburgering Brussel)",
                en: "inburgeringsattest of the Brussels BON (Agentschap Integratie en Inburgering Brussel)",
            },
            PriorAttestationIssuer::GermanSpeakingCommunity => Bilingual {
                fr: "attestation du parcours d'intégration de la Communauté germanophone",
                en: "attestation of the German-speaking Community's integration pathway",
            },
        }
    }
}

/// An attestation obtained before, that the CRI examined as the proof of dispensation D1. Only a completed
/// pathway counts (2015 circular: having only started elsewhere does not dispense), which is why the
/// attestation itself, not an enrolment, is what the CRI records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PriorAttestation {
    /// Who issued it.
    pub issuer: PriorAttestationIssuer,
    /// Its number as printed (for a Walloon one, the serial of this register).
    pub serial: String,
    /// Its issue date.
    pub issued_on: NaiveDate,
}

/// Why a prior attestation cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorAttestationError {
    /// The serial is empty, longer than 60 characters, or holds characters no printed number has.
    SerialInvalid,
    /// The issue date lies after the decision.
    IssuedInFuture,
    /// The issue date lies before the holder's birth.
    IssuedBeforeBirth,
}

impl PriorAttestationError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            PriorAttestationError::SerialInvalid => "prior_attestation_serial_invalid",
            PriorAttestationError::IssuedInFuture => "prior_attestation_in_future",
            PriorAttestationError::IssuedBeforeBirth => "prior_attestation_before_birth",
        }
    }

    /// The message, in French and English.
    pub fn message(&self) -> Bilingual {
        match self {
            PriorAttestationError::SerialInvalid => Bilingual {
                fr: "Le numéro de l'attestation doit compter de 1 à 60 caractères : lettres, chiffres, espaces, \
                     « - », « / » ou « . ».",
                en: "The attestation number must have 1 to 60 characters: letters, digits, spaces, '-', '/' or '.'.",
            },
            PriorAttestationError::IssuedInFuture => Bilingual {
                fr: "L'attestation ne peut pas avoir été délivrée après la décision.",
                en: "The attestation cannot have been issued after the decision.",
            },
            PriorAttestationError::IssuedBeforeBirth => Bilingual {
                fr: "L'attestation ne peut pas avoir été délivrée avant la naissance de la personne.",
                en: "The attestation cannot have been issued before the person was born.",
            },
        }
    }
}

impl PriorAttestation {
    /// Checks what the CRI read off the document, on the day it decides.
    pub fn new(
        issuer: PriorAttestationIssuer,
        serial: &str,
        issued_on: NaiveDate,
        birth_date: NaiveDate,
        decided_on: NaiveDate,
    ) -> Result<PriorAttestation, PriorAttestationError> {
        let serial = serial.trim();
        let printable = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | '.');
        if serial.is_empty() || serial.chars().count() > 60 || !serial.chars().all(printable) {
            return Err(PriorAttestationError::SerialInvalid);
        }
        if issued_on > decided_on {
            return Err(PriorAttestationError::IssuedInFuture);
        }
        if issued_on < birth_date {
            return Err(PriorAttestationError::IssuedBeforeBirth);
        }
        Ok(PriorAttestation { issuer, serial: serial.to_owned(), issued_on })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_exactly_one_catalogue_entry_and_parses_back() {
        for rule in CATALOGUE {
            assert_eq!(CATALOGUE.iter().filter(|r| r.code == rule.code).count(), 1);
            assert_eq!(DispensationCode::parse(rule.code.code()), Ok(rule.code));
        }
        // D11 to D30 are the Region's additions: they parse back, exist in no regime by themselves.
        for n in 11..=30 {
            let code = DispensationCode::Added(n);
            assert_eq!(DispensationCode::parse(code.code()), Ok(code));
            assert!(RegimeId::ALL.iter().all(|regime| !code.exists_under(*regime)));
            assert!(!code.rule().automatic);
        }
        assert_eq!(DispensationCode::parse("D31"), Err(DispensationCodeError));
        assert_eq!(DispensationCode::parse("D0"), Err(DispensationCodeError));
    }

    #[test]
    fn rule_2_3_work_dispensation_exists_only_from_r2018() {
        assert!(!DispensationCode::D5.exists_under(RegimeId::R2016));
        assert!(DispensationCode::D5.exists_under(RegimeId::R2018));
    }

    #[test]
    fn rule_2_3_schengen_dispensation_was_removed_in_2018() {
        assert!(DispensationCode::SchengenOneYear.exists_under(RegimeId::R2016));
        assert!(!DispensationCode::SchengenOneYear.exists_under(RegimeId::R2018));
    }

    #[test]
    fn issuer_codes_parse_back() {
        for issuer in PriorAttestationIssuer::ALL {
            assert_eq!(PriorAttestationIssuer::parse(issuer.code()), Some(issuer));
        }
        assert_eq!(PriorAttestationIssuer::parse("luxembourg"), None);
    }

    #[test]
    fn only_age_and_standstill_are_automatic() {
        let automatic: Vec<_> = CATALOGUE.iter().filter(|r| r.automatic).map(|r| r.code).collect();
        assert_eq!(automatic, [DispensationCode::D4, DispensationCode::D10]);
    }
}
