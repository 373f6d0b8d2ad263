//! Belgian residence documents (rules.md §9; AR 3 October 2021 modifying AR 8 October 1981). Old and new
//! letters are the same document: C = K, D = L, E = EU, E+ = EU+.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A residence document as the commune registers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResidenceDocument {
    /// A card: *séjour limité* (third-country national, limited stay).
    #[serde(rename = "A")]
    A,
    /// B card: *séjour illimité*.
    #[serde(rename = "B")]
    B,
    /// K card (ex C): *établissement*.
    #[serde(rename = "K")]
    K,
    /// L card (ex D): EU long-term resident.
    #[serde(rename = "L")]
    L,
    /// EU card (ex E): registration of an EU/EEA/Swiss citizen (Dir. 2004/38 art. 8).
    #[serde(rename = "EU")]
    Eu,
    /// EU+ card (ex E+): permanent residence of a UE+ citizen (Dir. 2004/38 art. 19).
    #[serde(rename = "EU+")]
    EuPlus,
    /// F card: family member of a UE+ citizen (Dir. 2004/38 art. 10).
    #[serde(rename = "F")]
    F,
    /// F+ card: permanent residence of a family member of a UE+ citizen (Dir. 2004/38 art. 20).
    #[serde(rename = "F+")]
    FPlus,
    /// H card: EU Blue Card.
    #[serde(rename = "H")]
    H,
    /// I card: intra-corporate transferee.
    #[serde(rename = "I")]
    I,
    /// J card: mobile intra-corporate transferee.
    #[serde(rename = "J")]
    J,
    /// M card: beneficiary of the Brexit Withdrawal Agreement.
    #[serde(rename = "M")]
    M,
    /// N card: UK frontier worker (no residence in Belgium).
    #[serde(rename = "N")]
    N,
    /// *Attestation d'immatriculation* (orange card, annexe 4): asylum applicants and pending procedures.
    #[serde(rename = "attestation_immatriculation")]
    AttestationImmatriculation,
    /// *Annexe 15*: provisional certificate while a card is being issued.
    #[serde(rename = "annexe_15")]
    Annexe15,
    /// Special identity card of FPS Foreign Affairs (diplomatic, consular, international-organisation staff).
    #[serde(rename = "special_identity_card")]
    SpecialIdentityCard,
}

/// Why a string is not a residence document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidenceDocumentError;

impl fmt::Display for ResidenceDocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "unknown residence document: expected A, B, K (C), L (D), EU (E), EU+ (E+), F, F+, H, I, J, M, N, \
             attestation_immatriculation, annexe_15 or special_identity_card",
        )
    }
}

impl std::error::Error for ResidenceDocumentError {}

impl ResidenceDocument {
    /// Every document, in the order of rules.md §9.
    pub const ALL: [ResidenceDocument; 16] = [
        Self::A,
        Self::B,
        Self::K,
        Self::L,
        Self::Eu,
        Self::EuPlus,
        Self::F,
        Self::FPlus,
        Self::H,
        Self::I,
        Self::J,
        Self::M,
        Self::N,
        Self::AttestationImmatriculation,
        Self::Annexe15,
        Self::SpecialIdentityCard,
    ];

    /// Parses the current or former letter (case-insensitive), or the name of a non-card document.
    pub fn parse(input: &str) -> Result<ResidenceDocument, ResidenceDocumentError> {
        let normalised = input.trim().to_ascii_uppercase().replace([' ', '-'], "_");
        Ok(match normalised.as_str() {
            "A" => Self::A,
            "B" => Self::B,
            "K" | "C" => Self::K,
            "L" | "D" => Self::L,
            "EU" | "E" => Self::Eu,
            "EU+" | "E+" => Self::EuPlus,
            "F" => Self::F,
            "F+" => Self::FPlus,
            "H" => Self::H,
            "I" => Self::I,
            "J" => Self::J,
            "M" => Self::M,
            "N" => Self::N,
            "ATTESTATION_IMMATRICULATION" | "AI" | "ANNEXE_4" | "ORANGE_CARD" => Self::AttestationImmatriculation,
            "ANNEXE_15" => Self::Annexe15,
            "SPECIAL_IDENTITY_CARD" => Self::SpecialIdentityCard,
            _ => return Err(ResidenceDocumentError),
        })
    }

    /// The code exchanged on the API (current letters).
    pub fn code(&self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::K => "K",
            Self::L => "L",
            Self::Eu => "EU",
            Self::EuPlus => "EU+",
            Self::F => "F",
            Self::FPlus => "F+",
            Self::H => "H",
            Self::I => "I",
            Self::J => "J",
            Self::M => "M",
            Self::N => "N",
            Self::AttestationImmatriculation => "attestation_immatriculation",
            Self::Annexe15 => "annexe_15",
            Self::SpecialIdentityCard => "special_identity_card",
        }
    }

    /// What the document implies for the pathway.
    pub fn implications(&self) -> DocumentImplications {
        use DocumentImplications as D;
        match self {
            Self::A | Self::B | Self::K | Self::L | Self::H | Self::I | Self::J | Self::M => D::TITLE_OVER_THREE_MONTHS,
            Self::Eu | Self::EuPlus => D { ue_plus_citizen: true, ..D::TITLE_OVER_THREE_MONTHS },
            Self::F | Self::FPlus => D { family_of_ue_plus_citizen: true, ..D::TITLE_OVER_THREE_MONTHS },
            Self::N => D::NOT_A_RESIDENCE,
            Self::AttestationImmatriculation => D { asylum_or_pending_procedure: true, ..D::NOT_A_RESIDENCE },
            Self::Annexe15 => D { pending_issuance: true, ..D::NOT_A_RESIDENCE },
            Self::SpecialIdentityCard => D { diplomatic_status: true, ..D::NOT_A_RESIDENCE },
        }
    }
}

/// What a residence document tells about its holder (rules.md §9, "Codable").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentImplications {
    /// A residence title of more than three months.
    pub title_over_three_months: bool,
    /// Held by EU/EEA/Swiss citizens only (EU, EU+).
    pub ue_plus_citizen: bool,
    /// Held by family members of a UE+ citizen (F, F+).
    pub family_of_ue_plus_citizen: bool,
    /// Asylum applicants and other pending procedures (orange card).
    pub asylum_or_pending_procedure: bool,
    /// A card is being issued (annexe 15): decide again when it is.
    pub pending_issuance: bool,
    /// Diplomatic, consular or international-organisation staff, outside the foreigners' registers.
    pub diplomatic_status: bool,
}

impl DocumentImplications {
    const TITLE_OVER_THREE_MONTHS: DocumentImplications = DocumentImplications {
        title_over_three_months: true,
        ue_plus_citizen: false,
        family_of_ue_plus_citizen: false,
        asylum_or_pending_procedure: false,
        pending_issuance: false,
        diplomatic_status: false,
    };
    const NOT_A_RESIDENCE: DocumentImplications =
        DocumentImplications { title_over_three_months: false, ..Self::TITLE_OVER_THREE_MONTHS };
}

impl fmt::Display for ResidenceDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for ResidenceDocument {
    type Err = ResidenceDocumentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResidenceDocument::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_new_letters_are_the_same_document() {
        assert_eq!(ResidenceDocument::parse("C"), Ok(ResidenceDocument::K));
        assert_eq!(ResidenceDocument::parse("D"), Ok(ResidenceDocument::L));
        assert_eq!(ResidenceDocument::parse("e"), Ok(ResidenceDocument::Eu));
        assert_eq!(ResidenceDocument::parse("E+"), Ok(ResidenceDocument::EuPlus));
    }

    #[test]
    fn every_document_code_parses_back_to_itself() {
        for doc in ResidenceDocument::ALL {
            assert_eq!(ResidenceDocument::parse(doc.code()), Ok(doc));
        }
    }

    #[test]
    fn rule_9_titles_over_three_months_are_the_third_country_cards_and_ue_plus_cards() {
        let over: Vec<_> = ResidenceDocument::ALL
            .into_iter()
            .filter(|d| d.implications().title_over_three_months)
            .map(|d| d.code())
            .collect();
        assert_eq!(over, ["A", "B", "K", "L", "EU", "EU+", "F", "F+", "H", "I", "J", "M"]);
    }

    #[test]
    fn unknown_letters_are_rejected() {
        assert_eq!(ResidenceDocument::parse("G"), Err(ResidenceDocumentError));
        assert_eq!(ResidenceDocument::parse(""), Err(ResidenceDocumentError));
    }
}
