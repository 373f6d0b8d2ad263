//! The dispensation catalogue (CWASS art. 152/7 §3; rules.md rules 2.2-2.4), as data with the regimes in
//! which each entry exists.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::law::{Bilingual, Confidence, RegimeId};

/// A dispensation, current or historical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    #[serde(rename = "SCHENGEN_ONE_YEAR")]
    SchengenOneYear,
    /// Business owner (R2014).
    #[serde(rename = "BUSINESS_OWNER")]
    BusinessOwner,
    /// High-level athlete (R2014).
    #[serde(rename = "TOP_ATHLETE")]
    TopAthlete,
}

/// Why a string is not a dispensation code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispensationCodeError;

impl fmt::Display for DispensationCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown dispensation: expected D1 to D10, SCHENGEN_ONE_YEAR, BUSINESS_OWNER or TOP_ATHLETE")
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
        }
    }

    /// Parses a code, case-insensitively.
    pub fn parse(input: &str) -> Result<DispensationCode, DispensationCodeError> {
        CATALOGUE
            .iter()
            .map(|r| r.code)
            .find(|c| c.code().eq_ignore_ascii_case(input.trim()))
            .ok_or(DispensationCodeError)
    }

    /// The catalogue entry.
    pub fn rule(&self) -> &'static DispensationRule {
        // Every code has exactly one entry (tested).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_exactly_one_catalogue_entry_and_parses_back() {
        for rule in CATALOGUE {
            assert_eq!(CATALOGUE.iter().filter(|r| r.code == rule.code).count(), 1);
            assert_eq!(DispensationCode::parse(rule.code.code()), Ok(rule.code));
        }
        assert_eq!(DispensationCode::parse("D11"), Err(DispensationCodeError));
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
    fn only_age_and_standstill_are_automatic() {
        let automatic: Vec<_> = CATALOGUE.iter().filter(|r| r.automatic).map(|r| r.code).collect();
        assert_eq!(automatic, [DispensationCode::D4, DispensationCode::D10]);
    }
}
