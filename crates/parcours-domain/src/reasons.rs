//! Reason codes: each clause that can fire in a determination, with its article, the rules.md rule it
//! implements, and a plain explanation in French and English. The codes are stable: integrators store
//! them. `docs/rules.md` is generated from this table.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::law::{Bilingual, Confidence};

/// The effect of a reason on the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The person is outside the definition of *primo-arrivant*.
    NotConcerned,
    /// The person is outside the definition as a UE+ citizen or family member.
    Exempt,
    /// The person is a *primo-arrivant* but dispensed.
    Dispensed,
    /// The person must follow the pathway.
    Obliged,
    /// Explains without deciding (regime, deadlines, claims).
    Information,
}

macro_rules! reason_codes {
    ($( $variant:ident => $code:literal, $effect:ident, $rule:literal, $article:literal, $confidence:ident,
        fr: $fr:literal, en: $en:literal; )*) => {
        /// A clause that fired.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ReasonCode {
            $(
                #[doc = $en]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl ReasonCode {
            /// Every reason code, in documentation order.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant),*];

            /// The stable code.
            pub fn code(&self) -> &'static str {
                match self { $(ReasonCode::$variant => $code),* }
            }

            /// Article, rule, confidence and explanation.
            pub fn info(&self) -> ReasonInfo {
                match self {
                    $(ReasonCode::$variant => ReasonInfo {
                        code: $code,
                        effect: Effect::$effect,
                        rule: $rule,
                        article: $article,
                        confidence: Confidence::$confidence,
                        explanation: Bilingual { fr: $fr, en: $en },
                    }),*
                }
            }
        }
    };
}

/// What a reason code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonInfo {
    /// Stable code.
    pub code: &'static str,
    /// Effect on the status.
    pub effect: Effect,
    /// The rule of rules.md it implements.
    pub rule: &'static str,
    /// Legal basis.
    pub article: &'static str,
    /// How well sourced.
    pub confidence: Confidence,
    /// Plain explanation.
    pub explanation: Bilingual,
}

reason_codes! {
    BelgianNational => "BELGIAN_NATIONAL", NotConcerned, "1.1", "CWASS art. 150, al. 1, 1° and 4°", Confirmed,
        fr: "La personne a la nationalité belge : elle n'est pas une personne étrangère au sens du Code. Elle peut suivre le parcours volontairement si elle est d'origine étrangère.",
        en: "The person is a Belgian national, not a foreigner within the meaning of the Code. A Belgian of foreign origin may follow the pathway voluntarily.";
    GermanLanguageRegion => "GERMAN_LANGUAGE_REGION", NotConcerned, "8.1", "CWASS art. 150, al. 1, 1°; decree of the German-speaking Community of 11 December 2017", Confirmed,
        fr: "La commune de domicile fait partie de la région de langue allemande : le parcours d'intégration de la Communauté germanophone s'applique, pas celui de la Wallonie.",
        en: "The domicile commune is in the German-language region: the German-speaking Community's own integration pathway applies, not the Walloon one.";
    CommuneCodeChanged => "COMMUNE_CODE_CHANGED", Information, "8.2", "REFNIS (Statbel); Hainaut arrondissement reform of 1 January 2019; commune mergers of 1 January 2025", Confirmed,
        fr: "Le code INS de la commune a changé entre la date de référence et aujourd'hui (renumérotation de 2019 ou fusion de 2025) : la commune est lue telle qu'elle était à la date de référence, et la réponse nomme les deux codes (domicile).",
        en: "The commune's NIS code changed between the reference date and today (2019 renumbering or 2025 merger): the commune is read as it was on the reference date, and the answer names both codes (domicile).";
    OutsideWallonia => "OUTSIDE_WALLONIA", NotConcerned, "1.1", "CWASS art. 150, al. 1, 1°", Confirmed,
        fr: "La commune de domicile n'est pas en région de langue française : le parcours wallon ne s'applique pas (Bruxelles et la Flandre ont leur propre parcours).",
        en: "The domicile commune is not in the French-language region: the Walloon pathway does not apply (Brussels and Flanders have their own).";
    UePlusNational => "UE_PLUS_NATIONAL", Exempt, "1.1", "CWASS art. 150, al. 1, 3° and 4°", Confirmed,
        fr: "La personne est ressortissante d'un État de l'UE+ (Union européenne, EEE ou Suisse) à la date de référence : elle est exclue de la définition de primo-arrivant.",
        en: "The person is a national of a UE+ state (European Union, EEA or Switzerland) on the reference date: excluded from the definition of newcomer.";
    UePlusCitizenCard => "UE_PLUS_CITIZEN_CARD", Exempt, "9", "CWASS art. 150, al. 1, 4°; Directive 2004/38 art. 8 and 19", Confirmed,
        fr: "La carte EU ou EU+ (anciennement E ou E+) n'est délivrée qu'aux citoyens de l'UE+ : la personne est exclue de la définition de primo-arrivant.",
        en: "EU and EU+ cards (formerly E and E+) are issued only to UE+ citizens: the person is excluded from the definition of newcomer.";
    FamilyOfUePlusCitizen => "FAMILY_OF_UE_PLUS_CITIZEN", Exempt, "1.2", "CWASS art. 150, al. 1, 4°; Directive 2004/38 art. 2", Confirmed,
        fr: "La personne est membre de la famille d'un citoyen de l'UE+ (conjoint, partenaire, descendant ou ascendant au sens de la directive 2004/38, carte F ou F+) : elle est exclue de la définition de primo-arrivant.",
        en: "The person is a family member of a UE+ citizen (spouse, partner, descendant or ascendant within Directive 2004/38, F or F+ card): excluded from the definition of newcomer.";
    FamilyOfNonMobileBelgianExempt => "FAMILY_OF_NON_MOBILE_BELGIAN_EXEMPT", Exempt, "1.2", "CWASS art. 150, al. 1, 4° (parameter family_of_non_mobile_belgian_exempt)", Unconfirmed,
        fr: "La personne est membre de la famille d'un Belge qui n'a pas exercé sa liberté de circulation ; le paramètre en vigueur l'assimile à la famille d'un citoyen de l'UE+.",
        en: "The person is a family member of a Belgian who never used free movement; the parameter in force treats them as family of a UE+ citizen.";
    FamilyOfNonMobileBelgianNotExempt => "FAMILY_OF_NON_MOBILE_BELGIAN_NOT_EXEMPT", Information, "1.2", "CWASS art. 150, al. 1, 4° (parameter family_of_non_mobile_belgian_exempt)", Unconfirmed,
        fr: "Le lien familial avec un Belge qui n'a pas exercé sa liberté de circulation ne relève pas de la directive 2004/38 : il n'exclut pas de la définition (paramètre en vigueur).",
        en: "A family link to a Belgian who never used free movement is outside Directive 2004/38: it does not exclude from the definition (parameter in force).";
    WithdrawalAgreementBeneficiary => "WITHDRAWAL_AGREEMENT_BENEFICIARY", Exempt, "9", "Withdrawal Agreement art. 50 TEU (parameter m_card_holders_exempt)", Unconfirmed,
        fr: "La carte M est délivrée aux bénéficiaires de l'accord de retrait du Royaume-Uni ; le paramètre en vigueur les dispense comme à Bruxelles.",
        en: "The M card is issued to beneficiaries of the UK Withdrawal Agreement; the parameter in force treats them as exempt, as Brussels does.";
    NoResidenceTitle => "NO_RESIDENCE_TITLE", NotConcerned, "1.3", "CWASS art. 150, al. 1, 4°", Confirmed,
        fr: "Aucun titre de séjour n'est enregistré : la personne n'entre pas dans la définition de primo-arrivant.",
        en: "No residence title is recorded: the person is outside the definition of newcomer.";
    TitleThreeMonthsOrLess => "TITLE_THREE_MONTHS_OR_LESS", NotConcerned, "1.3", "CWASS art. 150, al. 1, 4°", Confirmed,
        fr: "Le document de séjour ne vaut pas titre de séjour de plus de trois mois (par exemple carte N de travailleur frontalier) : la personne n'est pas primo-arrivante.",
        en: "The residence document is not a title of more than three months (for example an N frontier-worker card): the person is not a newcomer.";
    AsylumApplicant => "ASYLUM_APPLICANT", NotConcerned, "1.4", "CWASS art. 150, al. 1, 4° (decree of 14 March 2024)", Likely,
        fr: "L'attestation d'immatriculation (carte orange) est une autorisation provisoire, notamment des demandeurs de protection internationale : ils ne sont pas primo-arrivants mais peuvent suivre le parcours volontairement.",
        en: "The attestation d'immatriculation (orange card) is a temporary authorisation, notably of asylum applicants: they are not newcomers but may follow the pathway voluntarily.";
    TitlePending => "TITLE_PENDING", NotConcerned, "9", "AR 8 October 1981 (annexe 15)", Unconfirmed,
        fr: "L'annexe 15 est un certificat provisoire en attente de la carte : la situation sera réévaluée lorsque le titre sera délivré.",
        en: "Annexe 15 is a provisional certificate pending the card: the situation will be re-evaluated when the title is issued.";
    DiplomaticStatus => "DIPLOMATIC_STATUS", NotConcerned, "2.5", "Law of 15 December 1980 (persons not registered as foreigners)", Likely,
        fr: "Les titulaires d'une carte d'identité spéciale du SPF Affaires étrangères (diplomates, consuls, personnel d'organisations internationales) ne sont pas inscrits comme étrangers : ils ne sont pas primo-arrivants.",
        en: "Holders of a special identity card of FPS Foreign Affairs (diplomats, consuls, international-organisation staff) are not registered as foreigners: not newcomers.";
    LegalStayThreeYearsOrMore => "LEGAL_STAY_THREE_YEARS_OR_MORE", NotConcerned, "1.1", "CWASS art. 150, al. 1, 4°", Confirmed,
        fr: "La personne séjourne légalement en Belgique depuis trois ans ou plus à la date de référence : elle n'est plus primo-arrivante.",
        en: "The person has stayed legally in Belgium for three years or more on the reference date: no longer a newcomer.";
    BeforeAnyObligation => "BEFORE_ANY_OBLIGATION", NotConcerned, "T1", "Decree of 27 March 2014 (parameter r2014_entry_into_force)", Unconfirmed,
        fr: "La date de référence précède l'entrée en application du premier parcours obligatoire : aucune obligation ne s'applique.",
        en: "The reference date precedes the first obligatory pathway: no obligation applies.";
    PrimoArrivant => "PRIMO_ARRIVANT", Information, "1.1", "CWASS art. 150, al. 1, 4°", Confirmed,
        fr: "Personne étrangère domiciliée en région de langue française, séjournant légalement en Belgique depuis moins de trois ans, titulaire d'un titre de séjour de plus de trois mois et non ressortissante de l'UE+ : elle est primo-arrivante.",
        en: "A foreigner domiciled in the French-language region, legally staying in Belgium for less than three years, holding a title of more than three months and not a UE+ citizen: a newcomer.";
    RegimeApplied => "REGIME_APPLIED", Information, "T1", "CWASS Book II as in force on the reference date", Confirmed,
        fr: "Les obligations suivent le régime en vigueur à la date de commande du titre de séjour.",
        en: "Obligations follow the regime in force on the date the residence title was ordered.";
    DispensedUnder18 => "DISPENSED_UNDER_18", Dispensed, "2.2 D4", "CWASS art. 152/7 §3, al. 1", Confirmed,
        fr: "La personne a moins de 18 ans à la date de référence : elle est dispensée (D4) et peut s'inscrire volontairement.",
        en: "The person is under 18 on the reference date: dispensed (D4), and may enrol voluntarily.";
    Dispensed65OrOver => "DISPENSED_65_OR_OVER", Dispensed, "2.2 D4", "CWASS art. 152/7 §3, al. 1", Confirmed,
        fr: "La personne a 65 ans ou plus à la date de référence : elle est dispensée (D4) et peut s'inscrire volontairement.",
        en: "The person is 65 or over on the reference date: dispensed (D4), and may enrol voluntarily.";
    DispensedStandstillNationality => "DISPENSED_STANDSTILL_NATIONALITY", Dispensed, "1.6, 2.2 D10", "CWASS art. 152/7 §3, al. 2; CRWASS; EEC-Turkey Additional Protocol art. 41(1); Decision 1/80 art. 13", Confirmed,
        fr: "La personne est ressortissante de la Turquie ou d'un État lié par une clause de standstill identique : elle est dispensée (D10) et peut s'inscrire volontairement.",
        en: "The person is a national of Turkey or of a state bound by an identical standstill clause: dispensed (D10), and may enrol voluntarily.";
    DispensationGranted => "DISPENSATION_GRANTED", Dispensed, "2.2", "CWASS art. 152/7 §3", Confirmed,
        fr: "Le CRI a accordé une dispense sur la base des preuves fournies : la personne est dispensée et peut s'inscrire volontairement.",
        en: "The CRI granted a dispensation on the evidence supplied: the person is dispensed, and may enrol voluntarily.";
    CriAssignmentConfirmed => "CRI_ASSIGNMENT_CONFIRMED", Information, "8.1", "CWASS art. 153/1 (ressort territorial of each CRI); territory data (communes-wallonie.csv)", Confirmed,
        fr: "Le CRI compétent est celui du ressort territorial de la commune de domicile à la date de référence ; une source publique place cette commune dans ce ressort.",
        en: "The competent CRI is the one whose territory holds the commune of domicile on the reference date; a public source places the commune in that territory.";
    CriAssignmentDerived => "CRI_ASSIGNMENT_DERIVED", Information, "8.1", "CWASS art. 153/1 (ressort territorial of each CRI); territory data (communes-wallonie.csv)", Unconfirmed,
        fr: "Le CRI compétent est celui du ressort territorial de la commune de domicile à la date de référence ; cette attribution est déduite de la géographie et de sources partielles, et la Région peut la corriger.",
        en: "The competent CRI is the one whose territory holds the commune of domicile on the reference date; this assignment is derived from geography and partial sources, and the Region may correct it.";
    CriAssignmentCorrected => "CRI_ASSIGNMENT_CORRECTED", Information, "8.1", "CWASS art. 153/1 (ressort territorial of each CRI); correction recorded by the Region", Confirmed,
        fr: "Le CRI compétent est celui du ressort territorial de la commune de domicile à la date de référence, tel que la Région l'a corrigé.",
        en: "The competent CRI is the one whose territory holds the commune of domicile on the reference date, as corrected by the Region.";
    PriorAttestationRecognised => "PRIOR_ATTESTATION_RECOGNISED", Information, "2.2", "CWASS art. 152/7 §3, al. 1 (D1)", Confirmed,
        fr: "La dispense D1 repose sur une attestation déjà obtenue, en Wallonie ou dans une autre communauté ou région (émetteur, numéro et date dans prior_attestation) : seul un parcours achevé ailleurs dispense.",
        en: "Dispensation D1 rests on an attestation obtained before, in Wallonia or in another community or region (issuer, number and date in prior_attestation): only a pathway completed elsewhere dispenses.";
    AutomaticDispensationClaimIgnored => "AUTOMATIC_DISPENSATION_CLAIM_IGNORED", Information, "2.2", "CWASS art. 152/7 §3 (D4 age, D10 standstill nationality)", Confirmed,
        fr: "D4 (âge) et D10 (nationalité) découlent de la date de naissance et de la nationalité : les invoquer ne change rien, la détermination les applique d'office quand elles s'appliquent.",
        en: "D4 (age) and D10 (nationality) follow from the birth date and nationality: claiming them changes nothing; the determination applies them by itself when they apply.";
    DispensationClaimPending => "DISPENSATION_CLAIM_PENDING", Information, "2.2", "CWASS art. 152/7 §3", Confirmed,
        fr: "Une dispense est invoquée ; elle demande une preuve et ne change rien tant que le CRI ne l'a pas accordée.",
        en: "A dispensation is claimed; it needs proof and changes nothing until the CRI grants it.";
    DispensationNotInRegime => "DISPENSATION_NOT_IN_REGIME", Information, "2.3", "CWASS art. 152/7 §3 as in force on the reference date", Confirmed,
        fr: "La dispense invoquée n'existe pas dans le régime applicable (par exemple le travail avant 2018, ou le séjour de plus d'un an dans l'espace Schengen après 2018).",
        en: "The dispensation claimed does not exist under the applicable regime (for example work before 2018, or more than a year in the Schengen area after 2018).";
    Obliged => "OBLIGED", Obliged, "2.1", "CWASS art. 152/7 §1", Confirmed,
        fr: "La personne primo-arrivante, âgée de 18 à 64 ans et non dispensée, doit suivre le parcours d'intégration.",
        en: "The newcomer, aged 18 to 64 and not dispensed, must follow the integration pathway.";
    VoluntaryParticipationOpen => "VOLUNTARY_PARTICIPATION_OPEN", Information, "2.1", "CWASS art. 152, 152/7; rule 2.1", Confirmed,
        fr: "Sans y être obligée, la personne peut suivre le parcours volontairement, gratuitement, avec les mêmes services et la même attestation.",
        en: "Without being obliged, the person may follow the pathway voluntarily, free of charge, with the same services and the same attestation.";
    PresentationDeadline => "PRESENTATION_DEADLINE", Information, "4.2", "CWASS art. 152/7 §1", Confirmed,
        fr: "Sauf force majeure dûment attestée, la personne se présente au CRI compétent dans les trois mois de sa première inscription dans une commune de la région de langue française.",
        en: "Barring duly proven force majeure, the person reports to the competent CRI within three months of first registering in a commune of the French-language region.";
    PresentationDeadlineBeforeTitleOrder => "PRESENTATION_DEADLINE_BEFORE_TITLE_ORDER", Information, "4.2", "CWASS art. 152/7 §1; rule 4.1 (information at the title order)", Unconfirmed,
        fr: "Le délai de présentation, compté depuis la première inscription, expire avant la commande du titre de séjour : la personne n'a pas pu le connaître. Le CRI apprécie (force majeure, information tardive) avant de le tenir pour dépassé.",
        en: "The presentation deadline, counted from first registration, ends before the residence title was ordered: the person could not have known it. The CRI assesses (force majeure, late information) before treating it as missed.";
    CompletionDeadline => "COMPLETION_DEADLINE", Information, "4.3", "CWASS art. 152/7 §2", Confirmed,
        fr: "La personne met tout en œuvre pour obtenir l'attestation de fréquentation dans le délai du régime applicable.",
        en: "The person does everything needed to obtain the attendance certificate within the period of the applicable regime.";
    ExtensionCeiling => "EXTENSION_CEILING", Information, "4.4", "CWASS art. 152/7 (\"peut être prolongé\"); AGW 8 December 2016", Likely,
        fr: "Le délai peut être prolongé par le CRI, dans la limite du plafond du régime.",
        en: "The CRI may extend the period, up to the ceiling of the regime.";
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_are_unique_upper_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ReasonCode::ALL {
            let s = code.code();
            assert!(seen.insert(s), "duplicate {s}");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'), "{s}");
        }
    }

    #[test]
    fn every_reason_has_both_languages_and_an_article() {
        for code in ReasonCode::ALL {
            let info = code.info();
            assert!(info.explanation.fr.len() > 40 && info.explanation.en.len() > 40, "{}", info.code);
            assert!(!info.article.is_empty(), "{}", info.code);
        }
    }
}
