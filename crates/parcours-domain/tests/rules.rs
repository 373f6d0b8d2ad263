//! Table tests written from the law (one per rule of rules.md tagged CONFIRMED or LIKELY), boundary cases,
//! and property tests for the engine's invariants.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::NaiveDate;
use parcours_domain::determination::{DeadlineKind, FamilyLink, Status};
use parcours_domain::reference::{CriCode, bundled};
use parcours_domain::regime::{Axis, AxisObligation, StartBasis, regime, regime_for};
use parcours_domain::{
    Change, DispensationCode, Facts, FactsError, Nationality, NisCode, ReasonCode, ReferenceData, RegimeId,
    ResidenceDocument, determine, determine_under, reevaluate,
};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

fn reference() -> &'static ReferenceData {
    static DATA: OnceLock<ReferenceData> = OnceLock::new();
    DATA.get_or_init(bundled)
}

const AS_OF: fn() -> NaiveDate = || d(2026, 11, 24);

fn nis(code: &str) -> NisCode {
    NisCode::parse(code).expect("valid NIS")
}

fn nat(code: &str) -> Nationality {
    Nationality::parse(code).expect("valid nationality")
}

/// A Moroccan woman with a B card in Liège, title ordered on 2022-03-15: obliged under R2018.
fn newcomer() -> Facts {
    Facts {
        birth_date: d(1990, 5, 10),
        nationality: nat("MAR"),
        residence_document: Some(ResidenceDocument::B),
        title_order_date: Some(d(2022, 3, 15)),
        first_registration_date: Some(d(2022, 2, 1)),
        legal_stay_start: Some(d(2021, 9, 1)),
        domicile: nis("62063"),
        family_link: None,
        claimed_dispensations: Vec::new(),
        granted_dispensations: Vec::new(),
        prior_attestation: None,
    }
}

/// The same person with every date anchored on a given title order date.
fn ordered_on(order: NaiveDate) -> Facts {
    Facts {
        title_order_date: Some(order),
        first_registration_date: Some(order),
        legal_stay_start: Some(order),
        ..newcomer()
    }
}

fn status(facts: &Facts) -> Status {
    determine(facts, reference(), AS_OF()).expect("facts are consistent").status
}

fn reasons(facts: &Facts) -> Vec<ReasonCode> {
    determine(facts, reference(), AS_OF()).expect("facts are consistent").reasons.iter().map(|r| r.code).collect()
}

// ---- Rule T1: regime by title order date -------------------------------------------------------------

#[test]
fn rule_t1_regime_follows_the_title_order_date() {
    let cases = [
        (d(2015, 6, 1), Some(RegimeId::R2014)),
        (d(2016, 5, 18), Some(RegimeId::R2014)),
        (d(2016, 5, 19), Some(RegimeId::R2016)),
        (d(2018, 12, 16), Some(RegimeId::R2016)),
        (d(2018, 12, 17), Some(RegimeId::R2018)),
        (d(2024, 12, 31), Some(RegimeId::R2018)),
        (d(2025, 1, 1), Some(RegimeId::R2024)),
    ];
    for (order, expected) in cases {
        let result = determine(&ordered_on(order), reference(), AS_OF()).expect("consistent");
        assert_eq!(result.regime, expected, "order {order}");
        assert_eq!(result.status, Status::Obliged, "order {order}");
    }
}

#[test]
fn rule_t1_order_before_the_first_regime_is_not_concerned() {
    let facts = ordered_on(d(2014, 6, 1));
    assert_eq!(status(&facts), Status::NotConcerned);
    assert!(reasons(&facts).contains(&ReasonCode::BeforeAnyObligation));
}

#[test]
fn rule_t1_r2024_entry_into_force_is_a_dated_parameter() {
    let mut data = reference().clone();
    data.parameters.r2024_entry_into_force.set_from(NaiveDate::MIN, d(2025, 3, 1));
    assert_eq!(regime_for(d(2025, 2, 28), &data.parameters), Some(RegimeId::R2018));
    assert_eq!(regime_for(d(2025, 3, 1), &data.parameters), Some(RegimeId::R2024));
}

// ---- Rule 1.1: definition of primo-arrivant ---------------------------------------------------------

#[test]
fn rule_1_1_third_country_newcomer_in_french_language_region_is_obliged() {
    let result = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Obliged);
    assert_eq!(result.regime, Some(RegimeId::R2018));
    assert_eq!(result.competent_cri, Some(CriCode::Cripel));
    assert!(!result.voluntary_participation_open);
    let codes: Vec<_> = result.reasons.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        [
            ReasonCode::PrimoArrivant,
            ReasonCode::RegimeApplied,
            ReasonCode::Obliged,
            ReasonCode::PresentationDeadline,
            ReasonCode::CompletionDeadline,
            ReasonCode::ExtensionCeiling,
            ReasonCode::CriAssignmentConfirmed
        ]
    );
    assert!(result.reasons.iter().all(|r| r.regime == Some(RegimeId::R2018)));
}

#[test]
fn rule_1_1_belgian_national_is_not_concerned_but_may_volunteer() {
    let facts = Facts { nationality: Nationality::BELGIUM, ..newcomer() };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::NotConcerned);
    assert!(result.voluntary_participation_open);
    assert!(result.has_reason(ReasonCode::BelgianNational));
}

#[test]
fn rule_1_1_ue_plus_nationals_are_exempt() {
    for code in ["FRA", "DEU", "ITA", "POL", "ROU", "BGR", "HRV", "ISL", "LIE", "NOR", "CHE"] {
        let facts = Facts { nationality: nat(code), ..newcomer() };
        assert_eq!(status(&facts), Status::Exempt, "{code}");
        assert!(reasons(&facts).contains(&ReasonCode::UePlusNational), "{code}");
    }
}

#[test]
fn rule_1_1_eu_and_eu_plus_cards_are_held_by_ue_plus_citizens_only() {
    for doc in [ResidenceDocument::Eu, ResidenceDocument::EuPlus] {
        let facts = Facts { nationality: Nationality::Stateless, residence_document: Some(doc), ..newcomer() };
        assert_eq!(status(&facts), Status::Exempt);
        assert!(reasons(&facts).contains(&ReasonCode::UePlusCitizenCard));
    }
}

#[test]
fn rule_1_1_domicile_outside_wallonia_is_not_concerned() {
    for code in ["21004", "44021", "11002"] {
        let facts = Facts { domicile: nis(code), ..newcomer() };
        let result = determine(&facts, reference(), AS_OF()).expect("consistent");
        assert_eq!(result.status, Status::NotConcerned, "{code}");
        assert!(result.has_reason(ReasonCode::OutsideWallonia));
        assert!(!result.voluntary_participation_open);
        assert_eq!(result.competent_cri, None);
    }
}

#[test]
fn uk_national_is_exempt_until_the_end_of_the_transition_period() {
    let mut facts = ordered_on(d(2020, 12, 31));
    facts.nationality = nat("GBR");
    assert_eq!(status(&facts), Status::Exempt);
    let after = Facts { nationality: nat("GBR"), ..ordered_on(d(2021, 1, 1)) };
    assert_eq!(status(&after), Status::Obliged);
}

#[test]
fn croatian_is_a_third_country_national_before_accession_and_exempt_after() {
    let before = Facts { nationality: nat("HRV"), ..ordered_on(d(2013, 6, 30)) };
    let after = Facts { nationality: nat("HRV"), ..ordered_on(d(2013, 7, 1)) };
    let under = |f: &Facts| determine_under(f, reference(), AS_OF(), RegimeId::R2014).expect("consistent").status;
    assert_eq!(under(&before), Status::Obliged);
    assert_eq!(under(&after), Status::Exempt);
}

// ---- Rule 1.2: family members of UE+ citizens ---------------------------------------------------------

#[test]
fn rule_1_2_family_member_of_a_ue_plus_citizen_is_exempt() {
    for link in [FamilyLink::UePlusCitizen, FamilyLink::MobileBelgian] {
        let facts = Facts { family_link: Some(link), ..newcomer() };
        assert_eq!(status(&facts), Status::Exempt, "{link:?}");
        assert!(reasons(&facts).contains(&ReasonCode::FamilyOfUePlusCitizen));
    }
}

#[test]
fn rule_1_2_f_card_spouse_of_an_eu_citizen_is_exempt() {
    for doc in [ResidenceDocument::F, ResidenceDocument::FPlus] {
        let facts = Facts { residence_document: Some(doc), ..newcomer() };
        assert_eq!(status(&facts), Status::Exempt);
        assert_eq!(
            reasons(&facts),
            [
                ReasonCode::FamilyOfUePlusCitizen,
                ReasonCode::VoluntaryParticipationOpen,
                ReasonCode::CriAssignmentConfirmed
            ]
        );
    }
}

#[test]
fn rule_1_2_an_f_card_does_not_override_a_declared_link_to_a_non_mobile_belgian() {
    for card in [ResidenceDocument::F, ResidenceDocument::FPlus, ResidenceDocument::A] {
        let facts =
            Facts { residence_document: Some(card), family_link: Some(FamilyLink::NonMobileBelgian), ..newcomer() };
        let result = determine(&facts, reference(), AS_OF()).expect("consistent");
        assert_eq!(result.status, Status::Obliged, "{card:?}");
        assert!(result.has_reason(ReasonCode::FamilyOfNonMobileBelgianNotExempt), "{card:?}");
        assert!(!result.has_reason(ReasonCode::FamilyOfUePlusCitizen), "{card:?}");
    }
    let mut data = reference().clone();
    data.parameters.family_of_non_mobile_belgian_exempt.set_from(d(2020, 1, 1), true);
    let f_card = Facts {
        residence_document: Some(ResidenceDocument::F),
        family_link: Some(FamilyLink::NonMobileBelgian),
        ..newcomer()
    };
    let result = determine(&f_card, &data, AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Exempt);
    assert!(result.has_reason(ReasonCode::FamilyOfNonMobileBelgianExempt));
}

#[test]
fn rule_1_2_family_of_a_non_mobile_belgian_follows_its_parameter() {
    let facts = Facts { family_link: Some(FamilyLink::NonMobileBelgian), ..newcomer() };
    assert_eq!(status(&facts), Status::Obliged);
    assert!(reasons(&facts).contains(&ReasonCode::FamilyOfNonMobileBelgianNotExempt));
    let mut data = reference().clone();
    data.parameters.family_of_non_mobile_belgian_exempt.set_from(d(2020, 1, 1), true);
    let result = determine(&facts, &data, AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Exempt);
    assert!(result.has_reason(ReasonCode::FamilyOfNonMobileBelgianExempt));
}

// ---- Rule 1.3: outside the definition ------------------------------------------------------------------

#[test]
fn rule_1_3_no_residence_title_is_not_concerned() {
    let facts = Facts { residence_document: None, ..newcomer() };
    assert_eq!(
        reasons(&facts),
        [ReasonCode::NoResidenceTitle, ReasonCode::VoluntaryParticipationOpen, ReasonCode::CriAssignmentConfirmed]
    );
}

#[test]
fn rule_1_3_title_of_three_months_or_less_is_not_concerned() {
    let facts = Facts { residence_document: Some(ResidenceDocument::N), ..newcomer() };
    assert_eq!(status(&facts), Status::NotConcerned);
    assert!(reasons(&facts).contains(&ReasonCode::TitleThreeMonthsOrLess));
}

#[test]
fn rule_1_3_every_third_country_title_over_three_months_makes_a_primo_arrivant() {
    for doc in [
        ResidenceDocument::A,
        ResidenceDocument::B,
        ResidenceDocument::K,
        ResidenceDocument::L,
        ResidenceDocument::H,
        ResidenceDocument::I,
        ResidenceDocument::J,
    ] {
        let facts = Facts { residence_document: Some(doc), ..newcomer() };
        assert_eq!(status(&facts), Status::Obliged, "{doc}");
    }
}

// ---- Rule 1.4: asylum applicants ------------------------------------------------------------------------

#[test]
fn rule_1_4_asylum_applicant_with_orange_card_is_not_concerned_but_may_volunteer() {
    let facts = Facts { residence_document: Some(ResidenceDocument::AttestationImmatriculation), ..newcomer() };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::NotConcerned);
    assert!(result.voluntary_participation_open);
    assert!(result.has_reason(ReasonCode::AsylumApplicant));
}

#[test]
fn annexe_15_is_pending_until_the_card_is_issued() {
    let facts = Facts { residence_document: Some(ResidenceDocument::Annexe15), ..newcomer() };
    assert!(reasons(&facts).contains(&ReasonCode::TitlePending));
}

// ---- Rule 1.5: less than three years of legal stay --------------------------------------------------------

#[test]
fn rule_1_5_legal_stay_of_exactly_three_years_is_not_concerned() {
    let facts = Facts { legal_stay_start: Some(d(2019, 3, 15)), ..newcomer() };
    assert_eq!(status(&facts), Status::NotConcerned);
    assert!(reasons(&facts).contains(&ReasonCode::LegalStayThreeYearsOrMore));
}

#[test]
fn rule_1_5_legal_stay_one_day_short_of_three_years_is_obliged() {
    let facts = Facts { legal_stay_start: Some(d(2019, 3, 16)), ..newcomer() };
    assert_eq!(status(&facts), Status::Obliged);
}

#[test]
fn rule_1_5_reference_date_basis_is_a_parameter() {
    // Legal stay from 2019-02-10: under three years on the first registration (2022-02-01), three years on
    // the order (2022-03-15).
    let facts = Facts { legal_stay_start: Some(d(2019, 2, 10)), ..newcomer() };
    assert_eq!(status(&facts), Status::NotConcerned);
    let mut data = reference().clone();
    data.parameters
        .reference_date_basis
        .set_from(NaiveDate::MIN, parcours_domain::parameters::ReferenceDateBasis::FirstRegistrationDate);
    let result = determine(&facts, &data, AS_OF()).expect("consistent");
    assert_eq!(result.reference_date, d(2022, 2, 1));
    assert_eq!(result.status, Status::Obliged);
}

// ---- Rule 1.6: standstill clause ----------------------------------------------------------------------

#[test]
fn rule_1_6_turkish_national_is_dispensed_not_excluded() {
    let facts = Facts { nationality: Nationality::TURKEY, ..newcomer() };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Dispensed);
    assert!(result.has_reason(ReasonCode::PrimoArrivant));
    assert!(result.has_reason(ReasonCode::DispensedStandstillNationality));
    assert!(result.voluntary_participation_open);
    assert!(result.deadlines.is_empty());
}

#[test]
fn rule_1_6_standstill_nationalities_are_configurable() {
    let mut data = reference().clone();
    data.parameters.standstill_nationalities.set_from(d(2020, 1, 1), BTreeSet::from([Nationality::TURKEY, nat("MAR")]));
    assert_eq!(determine(&newcomer(), &data, AS_OF()).expect("consistent").status, Status::Dispensed);
    let before = ordered_on(d(2019, 6, 1));
    assert_eq!(determine(&before, &data, AS_OF()).expect("consistent").status, Status::Obliged);
}

// ---- Rule 2.1 and 2.2: obligation and dispensations -------------------------------------------------------

#[test]
fn rule_2_1_obliged_person_is_not_offered_voluntary_participation() {
    let result = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    assert!(!result.has_reason(ReasonCode::VoluntaryParticipationOpen));
}

#[test]
fn rule_2_2_d4_eighteenth_birthday_on_the_reference_date_is_obliged() {
    let facts = Facts { birth_date: d(2004, 3, 15), ..newcomer() };
    assert_eq!(status(&facts), Status::Obliged);
}

#[test]
fn rule_2_2_d4_day_before_eighteenth_birthday_is_dispensed() {
    let facts = Facts { birth_date: d(2004, 3, 16), ..newcomer() };
    assert_eq!(status(&facts), Status::Dispensed);
    assert!(reasons(&facts).contains(&ReasonCode::DispensedUnder18));
}

#[test]
fn rule_2_2_d4_sixty_fifth_birthday_on_the_reference_date_is_dispensed() {
    let facts = Facts { birth_date: d(1957, 3, 15), ..newcomer() };
    assert_eq!(status(&facts), Status::Dispensed);
    assert!(reasons(&facts).contains(&ReasonCode::Dispensed65OrOver));
}

#[test]
fn rule_2_2_d4_day_before_sixty_fifth_birthday_is_obliged() {
    let facts = Facts { birth_date: d(1957, 3, 16), ..newcomer() };
    assert_eq!(status(&facts), Status::Obliged);
}

#[test]
fn rule_2_2_claimed_dispensations_stay_pending_until_the_cri_decides() {
    use DispensationCode::*;
    for code in [D1, D2, D3, D5, D6, D7, D8, D9] {
        let facts = Facts { claimed_dispensations: vec![code], ..newcomer() };
        let result = determine(&facts, reference(), AS_OF()).expect("consistent");
        assert_eq!(result.status, Status::Obliged, "{code}");
        assert_eq!(result.pending_claims, [code]);
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.code == ReasonCode::DispensationClaimPending && r.dispensation == Some(code))
        );
    }
}

#[test]
fn rule_2_2_dispensation_granted_by_the_cri_dispenses() {
    let facts = Facts { granted_dispensations: vec![DispensationCode::D5], ..newcomer() };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Dispensed);
    assert!(result.deadlines.is_empty());
    assert!(
        result
            .reasons
            .iter()
            .any(|r| r.code == ReasonCode::DispensationGranted && r.dispensation == Some(DispensationCode::D5))
    );
}

#[test]
fn rule_2_2_automatic_dispensations_cannot_be_claimed_into_existence() {
    let facts = Facts { claimed_dispensations: vec![DispensationCode::D4, DispensationCode::D10], ..newcomer() };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Obliged);
    assert!(result.pending_claims.is_empty());
}

// ---- Rule 2.3: historical dispensations -----------------------------------------------------------------

#[test]
fn rule_2_3_work_dispensation_did_not_exist_before_2018() {
    let facts = Facts { granted_dispensations: vec![DispensationCode::D5], ..ordered_on(d(2017, 6, 1)) };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Obliged);
    assert!(result.has_reason(ReasonCode::DispensationNotInRegime));
}

#[test]
fn rule_2_3_schengen_dispensation_applies_before_2018_and_not_after() {
    let granted = vec![DispensationCode::SchengenOneYear];
    let before = Facts { granted_dispensations: granted.clone(), ..ordered_on(d(2017, 6, 1)) };
    let after = Facts { granted_dispensations: granted, ..ordered_on(d(2019, 6, 1)) };
    assert_eq!(status(&before), Status::Dispensed);
    assert_eq!(status(&after), Status::Obliged);
    assert!(reasons(&after).contains(&ReasonCode::DispensationNotInRegime));
}

#[test]
fn rule_2_3_business_owner_dispensation_exists_only_under_r2014() {
    let granted = vec![DispensationCode::BusinessOwner];
    assert_eq!(
        status(&Facts { granted_dispensations: granted.clone(), ..ordered_on(d(2015, 6, 1)) }),
        Status::Dispensed
    );
    assert_eq!(status(&Facts { granted_dispensations: granted, ..ordered_on(d(2016, 6, 1)) }), Status::Obliged);
}

// ---- Rule 2.5 and 2.6 -----------------------------------------------------------------------------------

#[test]
fn rule_2_5_special_identity_card_holder_is_not_concerned() {
    let facts = Facts { residence_document: Some(ResidenceDocument::SpecialIdentityCard), ..newcomer() };
    assert!(reasons(&facts).contains(&ReasonCode::DiplomaticStatus));
}

#[test]
fn rule_2_5_the_region_may_count_a_special_card_as_a_title_from_a_date_and_earlier_orders_keep_their_answer() {
    let facts = Facts { residence_document: Some(ResidenceDocument::SpecialIdentityCard), ..ordered_on(d(2025, 6, 2)) };
    let mut data = reference().clone();
    data.parameters.special_identity_card_not_concerned.set_from(d(2025, 6, 1), false);
    assert_eq!(determine(&facts, &data, AS_OF()).expect("consistent").status, Status::Obliged);
    let earlier =
        Facts { residence_document: Some(ResidenceDocument::SpecialIdentityCard), ..ordered_on(d(2025, 5, 30)) };
    let answer = determine(&earlier, &data, AS_OF()).expect("consistent");
    assert_eq!(answer.status, Status::NotConcerned);
    assert!(answer.reasons.iter().any(|r| r.code == ReasonCode::DiplomaticStatus));
}

#[test]
fn annexe_15_waits_for_the_card_by_default_and_counts_as_a_title_when_the_parameter_says_so() {
    let facts = Facts { residence_document: Some(ResidenceDocument::Annexe15), ..ordered_on(d(2025, 6, 2)) };
    assert!(reasons(&facts).contains(&ReasonCode::TitlePending));
    let mut data = reference().clone();
    data.parameters.annexe_15_awaits_the_card.set_from(NaiveDate::MIN, false);
    assert_eq!(determine(&facts, &data, AS_OF()).expect("consistent").status, Status::Obliged);
}

#[test]
fn rule_2_4_the_r2024_dispensation_list_is_the_regions_and_older_regimes_keep_theirs() {
    // A student dispensation (D6) granted under R2024 dispenses, until the Region's list drops it.
    let r2024 = Facts { granted_dispensations: vec![DispensationCode::D6], ..ordered_on(d(2025, 6, 2)) };
    assert_eq!(status(&r2024), Status::Dispensed);
    let mut data = reference().clone();
    let without_d6: std::collections::BTreeSet<DispensationCode> = data
        .parameters
        .r2024_dispensations
        .on(AS_OF())
        .iter()
        .copied()
        .filter(|c| *c != DispensationCode::D6)
        .collect();
    data.parameters.r2024_dispensations.set_from(d(2025, 1, 1), without_d6);
    let answer = determine(&r2024, &data, AS_OF()).expect("consistent");
    assert_eq!(answer.status, Status::Obliged);
    assert!(answer.reasons.iter().any(|r| r.code == ReasonCode::DispensationNotInRegime));
    // A claim is not left pending for a dispensation that does not exist.
    let claim = Facts { claimed_dispensations: vec![DispensationCode::D6], ..ordered_on(d(2025, 6, 2)) };
    assert!(determine(&claim, &data, AS_OF()).expect("consistent").pending_claims.is_empty());
    // R2018 keeps its catalogue.
    let r2018 = Facts { granted_dispensations: vec![DispensationCode::D6], ..ordered_on(d(2024, 6, 2)) };
    assert_eq!(determine(&r2018, &data, AS_OF()).expect("consistent").status, Status::Dispensed);
}

#[test]
fn rule_2_6_recognised_refugee_with_a_title_is_obliged_like_any_newcomer() {
    let facts =
        Facts { nationality: Nationality::Stateless, residence_document: Some(ResidenceDocument::A), ..newcomer() };
    assert_eq!(status(&facts), Status::Obliged);
}

#[test]
fn m_card_holders_are_exempt_by_default_and_obliged_when_the_parameter_says_so() {
    let facts = Facts { nationality: nat("GBR"), residence_document: Some(ResidenceDocument::M), ..newcomer() };
    assert!(reasons(&facts).contains(&ReasonCode::WithdrawalAgreementBeneficiary));
    let mut data = reference().clone();
    data.parameters.m_card_holders_exempt.set_from(NaiveDate::MIN, false);
    assert_eq!(determine(&facts, &data, AS_OF()).expect("consistent").status, Status::Obliged);
}

// ---- Rules 3.x: axes and hours -----------------------------------------------------------------------------

fn hours(regime_id: RegimeId) -> Vec<(Axis, u32, AxisObligation)> {
    regime(regime_id, &reference().parameters, AS_OF()).axes.iter().map(|a| (a.axis, a.hours, a.obligation)).collect()
}

#[test]
fn rule_3_hours_per_axis_follow_the_regime() {
    use AxisObligation::*;
    assert_eq!(
        hours(RegimeId::R2014),
        [(Axis::French, 120, Voluntary), (Axis::Citizenship, 20, Voluntary), (Axis::Orientation, 4, Voluntary)]
    );
    assert_eq!(
        hours(RegimeId::R2016),
        [(Axis::French, 120, IfNeeded), (Axis::Citizenship, 20, Always), (Axis::Orientation, 4, IfNeeded)]
    );
    for id in [RegimeId::R2018, RegimeId::R2024] {
        assert_eq!(
            hours(id),
            [(Axis::French, 400, IfNeeded), (Axis::Citizenship, 60, Always), (Axis::Orientation, 4, IfNeeded)]
        );
    }
}

#[test]
fn rule_3_1_french_over_sixteen_months_and_citizenship_over_four_under_r2018() {
    let r = regime(RegimeId::R2018, &reference().parameters, AS_OF());
    assert_eq!(r.axes[0].within_months, Some(16));
    assert_eq!(r.axes[1].within_months, Some(4));
}

#[test]
fn rule_3_3_activities_are_free_from_r2018() {
    let free = |id| regime(id, &reference().parameters, AS_OF()).activities_free;
    assert!(!free(RegimeId::R2016));
    assert!(free(RegimeId::R2018));
    assert!(free(RegimeId::R2024));
}

#[test]
fn r2024_citizenship_may_be_taught_in_a_language_the_person_understands() {
    assert!(regime(RegimeId::R2024, &reference().parameters, AS_OF()).citizenship_in_understood_language);
    assert!(!regime(RegimeId::R2018, &reference().parameters, AS_OF()).citizenship_in_understood_language);
}

#[test]
fn obliged_person_gets_the_hours_of_the_regime() {
    let result = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    let got: Vec<_> = result.axis_requirements.iter().map(|a| a.hours).collect();
    assert_eq!(got, [400, 60, 4]);
}

// ---- Rules 4.x: deadlines ---------------------------------------------------------------------------------

#[test]
fn rule_4_2_present_within_three_months_of_first_registration() {
    let result = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    let present = result.deadline(DeadlineKind::PresentBy).expect("computed");
    assert_eq!(present.date, d(2022, 5, 1));
    assert_eq!(present.start, d(2022, 2, 1));
    assert_eq!(present.start_basis, StartBasis::FirstRegistration);
    assert_eq!(present.months_added, 3);
    assert!(present.explanation_fr.contains("2022-02-01") && present.explanation_en.contains("+ 3 months"));
}

#[test]
fn rule_4_3_r2018_completion_is_eighteen_months_from_the_title_order() {
    let result = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    let complete = result.deadline(DeadlineKind::CompleteBy).expect("computed");
    assert_eq!((complete.date, complete.start, complete.months_added), (d(2023, 9, 15), d(2022, 3, 15), 18));
    assert_eq!(complete.start_basis, StartBasis::TitleOrder);
}

#[test]
fn rule_4_3_r2024_completion_is_three_years_from_the_title_order() {
    let result = determine(&ordered_on(d(2025, 2, 10)), reference(), AS_OF()).expect("consistent");
    assert_eq!(result.regime, Some(RegimeId::R2024));
    assert_eq!(result.deadline(DeadlineKind::CompleteBy).map(|x| x.date), Some(d(2028, 2, 10)));
}

#[test]
fn rule_4_3_r2014_welcome_module_attestation_within_six_months_of_registration() {
    let facts = Facts { first_registration_date: Some(d(2015, 5, 20)), ..ordered_on(d(2015, 6, 1)) };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.regime, Some(RegimeId::R2014));
    assert_eq!(result.deadline(DeadlineKind::CompleteBy).map(|x| x.date), Some(d(2015, 11, 20)));
    assert_eq!(result.deadline(DeadlineKind::LatestExtension), None);
}

#[test]
fn rule_4_4_extension_ceiling_is_thirty_six_months_from_the_order_under_r2018() {
    let result = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    assert_eq!(result.deadline(DeadlineKind::LatestExtension).map(|x| x.date), Some(d(2025, 3, 15)));
}

#[test]
fn deadline_from_thirty_first_august_clamps_to_end_of_february_in_a_common_year() {
    let result = determine(&ordered_on(d(2023, 8, 31)), reference(), AS_OF()).expect("consistent");
    assert_eq!(result.deadline(DeadlineKind::CompleteBy).map(|x| x.date), Some(d(2025, 2, 28)));
}

#[test]
fn deadline_from_thirty_first_august_clamps_to_twenty_ninth_february_in_a_leap_year() {
    let result = determine(&ordered_on(d(2022, 8, 31)), reference(), AS_OF()).expect("consistent");
    assert_eq!(result.deadline(DeadlineKind::CompleteBy).map(|x| x.date), Some(d(2024, 2, 29)));
}

#[test]
fn presentation_deadline_from_thirtieth_november_is_twenty_ninth_february_in_a_leap_year() {
    let facts = Facts { first_registration_date: Some(d(2023, 11, 30)), ..ordered_on(d(2023, 12, 5)) };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.deadline(DeadlineKind::PresentBy).map(|x| x.date), Some(d(2024, 2, 29)));
}

#[test]
fn rule_4_5_convention_lasts_at_most_eighteen_months_from_r2016() {
    assert_eq!(regime(RegimeId::R2016, &reference().parameters, AS_OF()).convention_max_months, 18);
    assert!(regime(RegimeId::R2016, &reference().parameters, AS_OF()).convention_required);
    assert!(!regime(RegimeId::R2014, &reference().parameters, AS_OF()).convention_required);
}

#[test]
fn rule_4_6_evaluation_interview_every_six_months_from_r2016() {
    assert_eq!(regime(RegimeId::R2014, &reference().parameters, AS_OF()).review_interval_months, None);
    assert_eq!(regime(RegimeId::R2018, &reference().parameters, AS_OF()).review_interval_months, Some(6));
}

// ---- Rule 6.x: sanctions ----------------------------------------------------------------------------------

#[test]
fn rule_6_1_r2014_fine_range_is_fifty_to_two_thousand_five_hundred_euros() {
    let range = reference().parameters.fine_range.on(d(2015, 6, 1));
    assert_eq!((range.min_eur, range.max_eur), (50, 2500));
}

#[test]
fn rule_6_2_fines_apply_only_from_first_january_2019() {
    let fines_from = &reference().parameters.fines_applicable_from;
    assert_eq!(*fines_from.on(d(2026, 12, 15)), d(2019, 1, 1));
}

// ---- Rule 8: communes and CRIs ----------------------------------------------------------------------------

#[test]
fn rule_8_1_each_german_language_commune_is_not_concerned() {
    for code in ["63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"] {
        let facts = Facts { domicile: nis(code), ..newcomer() };
        let result = determine(&facts, reference(), AS_OF()).expect("consistent");
        assert_eq!(result.status, Status::NotConcerned, "{code}");
        assert_eq!(result.reasons.first().map(|r| r.code), Some(ReasonCode::GermanLanguageRegion), "{code}");
        assert_eq!(result.competent_cri, None, "{code}");
        assert!(!result.voluntary_participation_open, "{code}");
    }
}

#[test]
fn rule_8_2_each_cri_seat_routes_to_its_cri() {
    let seats = [
        ("25072", CriCode::Cribw),
        ("92094", CriCode::Cai),
        ("84077", CriCode::Crilux),
        ("62063", CriCode::Cripel),
        ("63079", CriCode::Crvi),
        ("52011", CriCode::Cric),
        ("58001", CriCode::Ceraic),
        ("53070", CriCode::Cimb),
    ];
    for (code, cri) in seats {
        let facts = Facts { domicile: nis(code), ..newcomer() };
        assert_eq!(determine(&facts, reference(), AS_OF()).expect("consistent").competent_cri, Some(cri), "{code}");
    }
}

#[test]
fn rule_8_2_routing_uses_the_assignment_valid_on_the_reference_date() {
    let mut data = reference().clone();
    data.commune_mut(nis("57081")).expect("Tournai").reassign(CriCode::Ceraic, d(2023, 1, 1));
    let tournai = |order| Facts { domicile: nis("57081"), ..ordered_on(order) };
    let before = determine(&tournai(d(2022, 12, 31)), &data, AS_OF()).expect("consistent");
    let after = determine(&tournai(d(2023, 1, 1)), &data, AS_OF()).expect("consistent");
    assert_eq!(before.competent_cri, Some(CriCode::Cimb));
    assert_eq!(after.competent_cri, Some(CriCode::Ceraic));
}

#[test]
fn rule_8_2_a_code_retired_before_the_reference_date_names_its_replacement() {
    let facts = Facts { domicile: nis("82005"), ..ordered_on(d(2025, 3, 1)) };
    match determine(&facts, reference(), AS_OF()) {
        Err(FactsError::CommuneNotInForce { valid_to, replaced_by: Some(replacement), .. }) => {
            assert_eq!(valid_to, d(2024, 12, 31));
            assert_eq!(replacement.code, nis("82039"));
            assert_eq!(replacement.name_fr, "Bastogne");
            assert_eq!(replacement.since, d(2025, 1, 1));
        }
        other => panic!("expected a code no longer in force, got {other:?}"),
    }
    let renumbered = Facts { domicile: nis("55022"), ..ordered_on(d(2020, 3, 1)) };
    assert!(matches!(
        determine(&renumbered, reference(), AS_OF()),
        Err(FactsError::CommuneNotInForce { replaced_by: Some(r), .. }) if r.code == nis("58001")
    ));
}

/// Rule 8.2 through time: (code reported, order date) → (code on the reference date, code today, CRI).
#[test]
fn rule_8_2_communes_through_the_2019_renumbering_and_the_2025_merger() {
    let table = [
        // Bastogne since 2025 reports a card ordered in 2024, still within R2018's 18 months.
        ("82039", d(2024, 6, 1), "82003", "82039", CriCode::Crilux),
        // The old code, for the same period, still works and names today's code.
        ("82003", d(2024, 6, 1), "82003", "82039", CriCode::Crilux),
        ("82005", d(2024, 6, 1), "82005", "82039", CriCode::Crilux),
        ("82039", d(2025, 6, 1), "82039", "82039", CriCode::Crilux),
        // Codes of before the 2019 Hainaut reform are communes, not unknown codes.
        ("55022", d(2018, 6, 1), "55022", "58001", CriCode::Ceraic),
        ("58001", d(2018, 6, 1), "55022", "58001", CriCode::Ceraic),
        ("54007", d(2018, 6, 1), "54007", "57096", CriCode::Ceraic),
        ("62063", d(2024, 6, 1), "62063", "62063", CriCode::Cripel),
    ];
    for (reported, order, then, today, cri) in table {
        let facts = Facts { domicile: nis(reported), ..ordered_on(order) };
        let determination = determine(&facts, reference(), AS_OF()).unwrap_or_else(|e| panic!("{reported}: {e}"));
        assert_eq!(determination.status, Status::Obliged, "{reported} on {order}");
        assert_eq!(determination.competent_cri, Some(cri), "{reported} on {order}");
        let codes = determination.domicile.expect("domicile");
        assert_eq!((codes.on_reference_date, codes.in_force_today), (nis(then), nis(today)), "{reported}");
        assert_eq!(
            determination.has_reason(ReasonCode::CommuneCodeChanged),
            reported != then || then != today,
            "{reported} on {order}"
        );
    }
}

#[test]
fn rule_8_1_the_cri_choice_carries_its_reason_and_how_sure_it_is() {
    let liege = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    assert!(liege.has_reason(ReasonCode::CriAssignmentConfirmed));
    let mouscron = Facts { domicile: nis("57096"), ..newcomer() };
    let derived = determine(&mouscron, reference(), AS_OF()).expect("consistent");
    assert!(derived.has_reason(ReasonCode::CriAssignmentDerived));
    let mut corrected_data = reference().clone();
    corrected_data.commune_mut(nis("57096")).expect("Mouscron").reassign(CriCode::Cimb, d(2020, 1, 1));
    let corrected = determine(&mouscron, &corrected_data, AS_OF()).expect("consistent");
    assert_eq!(corrected.competent_cri, Some(CriCode::Cimb));
    assert!(corrected.has_reason(ReasonCode::CriAssignmentCorrected));
}

// ---- Contradictory or impossible facts ---------------------------------------------------------------------

#[test]
fn order_date_before_birth_is_an_error() {
    let facts = Facts { birth_date: d(2022, 4, 1), ..newcomer() };
    assert_eq!(determine(&facts, reference(), AS_OF()), Err(FactsError::BeforeBirth { field: "title_order_date" }));
}

#[test]
fn future_dates_relative_to_as_of_are_errors() {
    let facts = Facts { title_order_date: Some(d(2027, 1, 1)), ..newcomer() };
    assert_eq!(determine(&facts, reference(), AS_OF()), Err(FactsError::FutureDate { field: "title_order_date" }));
    let born_later = Facts { birth_date: d(2030, 1, 1), ..newcomer() };
    assert_eq!(determine(&born_later, reference(), AS_OF()), Err(FactsError::FutureDate { field: "birth_date" }));
}

#[test]
fn rule_1_5_a_legal_stay_that_starts_after_the_title_order_is_refused() {
    let facts = Facts { legal_stay_start: Some(d(2026, 7, 1)), title_order_date: Some(d(2026, 6, 15)), ..newcomer() };
    assert_eq!(determine(&facts, reference(), AS_OF()), Err(FactsError::LegalStayAfterTitleOrder));
    let same_day =
        Facts { legal_stay_start: Some(d(2026, 6, 15)), title_order_date: Some(d(2026, 6, 15)), ..newcomer() };
    assert!(determine(&same_day, reference(), AS_OF()).is_ok());
}

#[test]
fn rule_4_2_a_presentation_deadline_that_ends_before_the_title_order_is_flagged() {
    // A recognised refugee registered in 2025, whose card was ordered a year later.
    let refugee = Facts {
        first_registration_date: Some(d(2025, 5, 1)),
        legal_stay_start: Some(d(2025, 5, 1)),
        title_order_date: Some(d(2026, 6, 15)),
        ..newcomer()
    };
    let result = determine(&refugee, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Obliged);
    assert!(result.deadline(DeadlineKind::PresentBy).expect("deadline").date < d(2026, 6, 15));
    assert!(result.has_reason(ReasonCode::PresentationDeadlineBeforeTitleOrder));
    let usual = determine(&newcomer(), reference(), AS_OF()).expect("consistent");
    assert!(!usual.has_reason(ReasonCode::PresentationDeadlineBeforeTitleOrder));
}

#[test]
fn rule_2_2_an_automatic_dispensation_claimed_by_a_commune_is_answered_not_dropped() {
    let facts = Facts { claimed_dispensations: vec![DispensationCode::D4, DispensationCode::D10], ..newcomer() };
    let result = determine(&facts, reference(), AS_OF()).expect("consistent");
    assert_eq!(result.status, Status::Obliged, "neither applies to a Moroccan adult");
    let ignored: Vec<_> = result
        .reasons
        .iter()
        .filter(|r| r.code == ReasonCode::AutomaticDispensationClaimIgnored)
        .map(|r| r.dispensation)
        .collect();
    assert_eq!(ignored, [Some(DispensationCode::D4), Some(DispensationCode::D10)]);
    assert!(result.pending_claims.is_empty());
}

#[test]
fn unknown_commune_is_an_error() {
    let facts = Facts { domicile: nis("99999"), ..newcomer() };
    assert_eq!(determine(&facts, reference(), AS_OF()), Err(FactsError::UnknownCommune { nis: nis("99999") }));
}

#[test]
fn missing_order_date_or_legal_stay_for_a_title_holder_is_an_error() {
    let no_order = Facts { title_order_date: None, ..newcomer() };
    assert_eq!(determine(&no_order, reference(), AS_OF()), Err(FactsError::Missing { field: "title_order_date" }));
    let no_stay = Facts { legal_stay_start: None, ..newcomer() };
    assert_eq!(determine(&no_stay, reference(), AS_OF()), Err(FactsError::Missing { field: "legal_stay_start" }));
}

#[test]
fn the_same_dispensation_twice_is_an_error() {
    let facts = Facts {
        claimed_dispensations: vec![DispensationCode::D2],
        granted_dispensations: vec![DispensationCode::D2],
        prior_attestation: None,
        ..newcomer()
    };
    assert_eq!(
        determine(&facts, reference(), AS_OF()),
        Err(FactsError::DuplicateDispensation { code: DispensationCode::D2 })
    );
}

// ---- Re-evaluation ---------------------------------------------------------------------------------------

#[test]
fn reevaluation_under_r2024_extends_the_completion_deadline_only() {
    let result = reevaluate(&newcomer(), reference(), AS_OF(), RegimeId::R2024).expect("consistent");
    assert_eq!(result.in_force.regime, Some(RegimeId::R2018));
    assert_eq!(result.under_regime.regime, Some(RegimeId::R2024));
    assert_eq!(
        result.changes,
        [
            Change::Regime { from: Some(RegimeId::R2018), to: Some(RegimeId::R2024) },
            Change::Deadline { kind: DeadlineKind::CompleteBy, from: Some(d(2023, 9, 15)), to: Some(d(2025, 3, 15)) },
            Change::Deadline {
                kind: DeadlineKind::LatestExtension,
                from: Some(d(2025, 3, 15)),
                to: Some(d(2026, 9, 15))
            },
        ]
    );
}

#[test]
fn reevaluation_of_an_r2016_person_under_r2018_shows_new_hours_and_lost_schengen_claim() {
    let facts = Facts { claimed_dispensations: vec![DispensationCode::SchengenOneYear], ..ordered_on(d(2017, 6, 1)) };
    let result = reevaluate(&facts, reference(), AS_OF(), RegimeId::R2018).expect("consistent");
    assert!(result.changes.contains(&Change::Hours { axis: "french".into(), from: Some(120), to: Some(400) }));
    assert!(result.changes.contains(&Change::Hours { axis: "citizenship".into(), from: Some(20), to: Some(60) }));
    assert!(result.changes.contains(&Change::ReasonAdded { code: ReasonCode::DispensationNotInRegime }));
    assert!(result.changes.contains(&Change::ReasonRemoved { code: ReasonCode::DispensationClaimPending }));
}

#[test]
fn reevaluation_under_the_regime_in_force_changes_nothing() {
    let result = reevaluate(&newcomer(), reference(), AS_OF(), RegimeId::R2018).expect("consistent");
    assert!(result.changes.is_empty());
    assert_eq!(result.in_force, result.under_regime);
}

// ---- Generated documentation -----------------------------------------------------------------------------

#[test]
fn docs_rules_md_is_generated_from_the_code_and_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let expected = parcours_domain::rules_doc::render_rules_markdown();
    if std::env::var_os("PARCOURS_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(committed == expected, "docs/rules.md is stale: run `make docs` and commit the result");
    for code in ReasonCode::ALL {
        assert!(committed.contains(&format!("`{}`", code.code())), "{code} missing from docs/rules.md");
    }
}

#[test]
fn docs_events_md_is_generated_from_the_catalogue_and_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/events.md");
    let expected = parcours_domain::events::events_markdown();
    if std::env::var_os("PARCOURS_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).expect("write docs/events.md");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(committed == expected, "docs/events.md is stale: run `make docs` and commit the result");
    for kind in parcours_domain::events::EventKind::ALL {
        assert!(committed.contains(&format!("`{}`", kind.code())), "{kind:?} missing from docs/events.md");
    }
}

// ---- Properties -------------------------------------------------------------------------------------------

fn any_date(from: NaiveDate, days: i64) -> impl Strategy<Value = NaiveDate> {
    (0..days).prop_map(move |offset| from + chrono::Duration::days(offset))
}

fn any_facts() -> impl Strategy<Value = Facts> {
    let nationalities =
        prop::sample::select(vec!["MAR", "TUR", "FRA", "GBR", "HRV", "SYR", "BEL", "COD", "XXA", "UKR"]);
    let documents = prop::option::of(prop::sample::select(ResidenceDocument::ALL.to_vec()));
    let communes = prop::sample::select(vec!["62063", "52011", "63023", "21004", "57081", "82039", "92094", "58001"]);
    let links = prop::option::of(prop::sample::select(vec![
        FamilyLink::UePlusCitizen,
        FamilyLink::MobileBelgian,
        FamilyLink::NonMobileBelgian,
    ]));
    let dispensations = prop::sample::subsequence(
        vec![DispensationCode::D1, DispensationCode::D2, DispensationCode::D5, DispensationCode::SchengenOneYear],
        0..3,
    );
    (
        any_date(d(1940, 1, 1), 30_000),
        nationalities,
        documents,
        (any_date(d(2015, 1, 1), 4_000), 0i64..400, 0i64..2_000),
        communes,
        links,
        dispensations,
        any::<bool>(),
    )
        .prop_map(
            |(birth, nationality, document, (order, registration_gap, stay_gap), commune, link, codes, granted)| {
                let birth = birth.min(order);
                Facts {
                    birth_date: birth,
                    nationality: nat(nationality),
                    residence_document: document,
                    title_order_date: Some(order),
                    first_registration_date: Some((order - chrono::Duration::days(registration_gap)).max(birth)),
                    legal_stay_start: Some((order - chrono::Duration::days(stay_gap)).max(birth)),
                    domicile: nis(commune),
                    family_link: link,
                    claimed_dispensations: if granted { Vec::new() } else { codes.clone() },
                    granted_dispensations: if granted { codes } else { Vec::new() },
                    prior_attestation: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_deadline_never_precedes_its_start(facts in any_facts()) {
        if let Ok(result) = determine(&facts, reference(), AS_OF()) {
            for deadline in &result.deadlines {
                prop_assert!(deadline.date >= deadline.start, "{:?}", deadline.kind);
            }
            if let (Some(complete), Some(latest)) =
                (result.deadline(DeadlineKind::CompleteBy), result.deadline(DeadlineKind::LatestExtension))
            {
                prop_assert!(latest.date >= complete.date);
            }
        }
    }

    #[test]
    fn an_exempt_or_not_concerned_person_is_never_obliged(facts in any_facts()) {
        if let Ok(result) = determine(&facts, reference(), AS_OF()) {
            if matches!(result.status, Status::Exempt | Status::NotConcerned | Status::Dispensed) {
                prop_assert!(!result.has_reason(ReasonCode::Obliged));
                prop_assert!(result.deadlines.is_empty());
                prop_assert!(result.axis_requirements.is_empty());
            }
            if result.status == Status::Obliged {
                prop_assert!(result.has_reason(ReasonCode::Obliged));
                prop_assert!(!result.voluntary_participation_open);
                prop_assert!(result.competent_cri.is_some());
            }
        }
    }

    #[test]
    fn the_result_is_the_same_for_the_same_inputs(facts in any_facts()) {
        let first = determine(&facts, reference(), AS_OF());
        let second = determine(&facts.clone(), &reference().clone(), AS_OF());
        prop_assert_eq!(first, second);
    }

    #[test]
    fn a_dispensed_status_always_names_its_dispensation(facts in any_facts()) {
        let dispensed = determine(&facts, reference(), AS_OF()).ok().filter(|r| r.status == Status::Dispensed);
        if let Some(result) = dispensed {
            prop_assert!(result.reasons.iter().any(|r| r.dispensation.is_some()
                && r.code != ReasonCode::DispensationClaimPending
                && r.code != ReasonCode::DispensationNotInRegime));
        }
    }

    #[test]
    fn adding_months_never_goes_backwards(start in any_date(d(1990, 1, 1), 20_000), months in 0u32..120) {
        let end = parcours_domain::dates::add_months(start, months).expect("in range");
        prop_assert!(end >= start);
    }

    #[test]
    fn niss_with_computed_check_digits_always_parses(
        yy in 0u32..100, mm in 1u32..13, dd in 1u32..29, seq in 1u32..999, after_2000 in any::<bool>()
    ) {
        let base = format!("{yy:02}{mm:02}{dd:02}{seq:03}");
        let value: u64 = base.parse().expect("digits");
        let check = if after_2000 { 97 - ((2_000_000_000 + value) % 97) } else { 97 - (value % 97) };
        let niss = parcours_domain::Niss::parse(&format!("{base}{check:02}")).expect("valid");
        prop_assert_eq!(niss.birth_date().month, Some(mm));
    }
}

// ---- Intake: what an arrival or a walk-in does to the person's case (CWASS art. 152/7, 153/1) ----

mod intake_decisions {
    use super::*;
    use parcours_domain::intake::{IntakeDecision, WalkInRefusal, intake_decision, opens_case, walk_in_decision};

    fn decided(facts: &Facts) -> parcours_domain::Determination {
        determine(facts, reference(), AS_OF()).expect("determination")
    }

    fn eu_citizen() -> Facts {
        Facts { nationality: nat("FRA"), residence_document: Some(ResidenceDocument::Eu), ..newcomer() }
    }

    #[test]
    fn an_obliged_arrival_without_a_case_opens_one_at_the_competent_cri() {
        let determination = decided(&newcomer());
        let decision = intake_decision(None, &determination, false, reference(), AS_OF(), nis("62063")).expect("ok");
        let IntakeDecision::Open { case, step } = decision else { panic!("expected Open, got {decision:?}") };
        assert_eq!(case.cri, CriCode::parse("CRIPEL").expect("cri"));
        assert_eq!(case.regime, RegimeId::R2018);
        assert_eq!(step.kind, "case_opened");
    }

    #[test]
    fn an_exempt_person_without_a_volunteer_request_gets_no_case() {
        let determination = decided(&eu_citizen());
        assert!(!opens_case(&determination, false));
        let decision = intake_decision(None, &determination, false, reference(), AS_OF(), nis("62063")).expect("ok");
        assert_eq!(decision, IntakeDecision::None);
    }

    #[test]
    fn a_second_report_from_a_commune_of_the_same_cri_joins_the_open_case() {
        let determination = decided(&newcomer());
        let IntakeDecision::Open { case, .. } =
            intake_decision(None, &determination, false, reference(), AS_OF(), nis("62063")).expect("ok")
        else {
            panic!("expected Open")
        };
        let again = intake_decision(Some(&case), &determination, false, reference(), AS_OF(), nis("62063"));
        assert_eq!(again, Ok(IntakeDecision::Join));
    }

    #[test]
    fn a_report_from_a_commune_of_another_cri_transfers_the_open_case_with_its_history() {
        let liege = decided(&newcomer());
        let IntakeDecision::Open { case, .. } =
            intake_decision(None, &liege, false, reference(), AS_OF(), nis("62063")).expect("ok")
        else {
            panic!("expected Open")
        };
        let charleroi = decided(&Facts { domicile: nis("52011"), ..newcomer() });
        let decision = intake_decision(Some(&case), &charleroi, false, reference(), AS_OF(), nis("52011")).expect("ok");
        let IntakeDecision::Transfer { case: moved, steps } = decision else { panic!("expected Transfer") };
        assert_eq!(moved.cri, CriCode::parse("CRIC").expect("cri"));
        assert_eq!(steps.iter().map(|s| s.kind).collect::<Vec<_>>(), ["case_transferred"]);
        assert_eq!(moved.opened_on, case.opened_on, "the history moves with the case");
    }

    #[test]
    fn staff_cannot_open_a_walk_in_case_outside_their_territory_or_for_an_ineligible_person() {
        let determination = decided(&newcomer());
        let cric = CriCode::parse("CRIC").expect("cri");
        let cripel = CriCode::parse("CRIPEL").expect("cri");
        let params = &reference().parameters;
        assert_eq!(
            walk_in_decision(&determination, cric, AS_OF(), AS_OF(), params).err(),
            Some(WalkInRefusal::OutsideCriTerritory)
        );
        assert!(walk_in_decision(&determination, cripel, AS_OF(), AS_OF(), params).is_ok());
        let exempt = decided(&eu_citizen());
        if !exempt.voluntary_participation_open {
            assert_eq!(
                walk_in_decision(&exempt, cripel, AS_OF(), AS_OF(), params).err(),
                Some(WalkInRefusal::NotEligible)
            );
        }
    }
}

#[test]
fn a_course_is_accepted_only_on_a_recognised_axis_and_inside_the_operators_territory() {
    use parcours_domain::operator::{CourseRefusal, course_acceptance};
    let cripel = [CriCode::parse("CRIPEL").expect("cri")];
    let accepted = course_acceptance(&[Axis::French], &cripel, Axis::French, nis("62063"), d(2027, 1, 11), reference());
    assert_eq!(accepted, []);
    let refused =
        course_acceptance(&[Axis::French], &cripel, Axis::Citizenship, nis("52011"), d(2027, 1, 11), reference());
    assert_eq!(refused, [CourseRefusal::AxisNotRecognised, CourseRefusal::OutsideOperatorTerritory]);
    let german_language =
        course_acceptance(&[Axis::French], &cripel, Axis::French, nis("63001"), d(2027, 1, 11), reference());
    assert_eq!(german_language, [CourseRefusal::OutsideOperatorTerritory]);
}

#[test]
fn a_dispensation_decision_replaces_the_claim_and_keeps_earlier_grants() {
    use parcours_domain::case::{Case, DispensationDecision};
    let facts = Facts { claimed_dispensations: vec![DispensationCode::D1], ..newcomer() };
    let determination = determine(&facts, reference(), AS_OF()).expect("determination");
    let (mut case, _) = Case::open(&determination, CriCode::parse("CRIPEL").expect("cri"), RegimeId::R2018, AS_OF());
    let decision = |code, granted| DispensationDecision {
        code,
        granted,
        date: AS_OF(),
        reason: "examined".into(),
        evidence: None,
        prior_attestation: None,
    };
    case.dispensation_decisions.push(decision(DispensationCode::D2, true));
    let refused = case.facts_after_dispensation_decision(&facts, &decision(DispensationCode::D1, false));
    assert_eq!(refused.claimed_dispensations, []);
    assert_eq!(refused.granted_dispensations, [DispensationCode::D2]);
    let granted = case.facts_after_dispensation_decision(&facts, &decision(DispensationCode::D1, true));
    assert_eq!(granted.granted_dispensations, [DispensationCode::D2, DispensationCode::D1]);
}

// ---- Rule 2.2, D1: an attestation obtained before, here or in another community or region ------------

mod prior_attestation {
    use super::{AS_OF, d, newcomer, reference};
    use parcours_domain::case::{Case, DispensationDecision};
    use parcours_domain::dispensation::{PriorAttestation, PriorAttestationError, PriorAttestationIssuer};
    use parcours_domain::reference::CriCode;
    use parcours_domain::{DispensationCode, Facts, FactsError, ReasonCode, RegimeId, Status, determine};

    fn flemish() -> PriorAttestation {
        PriorAttestation::new(
            PriorAttestationIssuer::Flanders,
            " AGII-2025-004711 ",
            d(2025, 3, 14),
            d(1990, 5, 1),
            AS_OF(),
        )
        .expect("valid")
    }

    #[test]
    fn a_granted_d1_on_a_flemish_inburgeringsattest_dispenses_and_names_the_attestation() {
        let facts = Facts {
            granted_dispensations: vec![DispensationCode::D1],
            prior_attestation: Some(flemish()),
            ..newcomer()
        };
        let determination = determine(&facts, reference(), AS_OF()).expect("determination");
        assert_eq!(determination.status, Status::Dispensed);
        assert!(determination.has_reason(ReasonCode::DispensationGranted));
        assert!(determination.has_reason(ReasonCode::PriorAttestationRecognised));
        let prior = determination.prior_attestation.expect("named");
        assert_eq!((prior.issuer, prior.serial.as_str()), (PriorAttestationIssuer::Flanders, "AGII-2025-004711"));
        assert!(prior.issuer.label().fr.contains("inburgeringsattest"));
    }

    #[test]
    fn an_attestation_without_the_d1_grant_decides_nothing() {
        let facts = Facts { prior_attestation: Some(flemish()), ..newcomer() };
        let determination = determine(&facts, reference(), AS_OF()).expect("determination");
        assert_eq!(determination.status, Status::Obliged);
        assert!(!determination.has_reason(ReasonCode::PriorAttestationRecognised));
        assert_eq!(determination.prior_attestation, None);
    }

    #[test]
    fn an_attestation_dated_after_the_evaluation_is_a_future_fact() {
        let mut prior = flemish();
        prior.issued_on = d(2031, 1, 1);
        let facts =
            Facts { granted_dispensations: vec![DispensationCode::D1], prior_attestation: Some(prior), ..newcomer() };
        assert_eq!(
            determine(&facts, reference(), AS_OF()).err(),
            Some(FactsError::FutureDate { field: "prior_attestation.issued_on" })
        );
    }

    #[test]
    fn what_the_cri_reads_off_the_document_is_checked() {
        let new = |serial: &str, issued_on| {
            PriorAttestation::new(PriorAttestationIssuer::BrusselsBapa, serial, issued_on, d(1990, 5, 1), AS_OF())
        };
        assert_eq!(new("", d(2024, 1, 1)), Err(PriorAttestationError::SerialInvalid));
        assert_eq!(new(&"9".repeat(61), d(2024, 1, 1)), Err(PriorAttestationError::SerialInvalid));
        assert_eq!(new("BAPA<script>", d(2024, 1, 1)), Err(PriorAttestationError::SerialInvalid));
        assert_eq!(new("BAPA/2024/17", AS_OF().succ_opt().expect("day")), Err(PriorAttestationError::IssuedInFuture));
        assert_eq!(new("BAPA/2024/17", d(1980, 1, 1)), Err(PriorAttestationError::IssuedBeforeBirth));
        assert!(new("BAPA/2024/17", AS_OF()).is_ok());
    }

    #[test]
    fn granting_d1_sets_the_attestation_and_refusing_it_clears_it() {
        let facts = Facts { claimed_dispensations: vec![DispensationCode::D1], ..newcomer() };
        let determination = determine(&facts, reference(), AS_OF()).expect("determination");
        let (case, _) = Case::open(&determination, CriCode::parse("CRIPEL").expect("cri"), RegimeId::R2018, AS_OF());
        let decision = |granted| DispensationDecision {
            code: DispensationCode::D1,
            granted,
            date: AS_OF(),
            reason: "attestation examinée".into(),
            evidence: None,
            prior_attestation: Some(flemish()),
        };
        let granted = case.facts_after_dispensation_decision(&facts, &decision(true));
        assert_eq!(granted.prior_attestation, Some(flemish()));
        let refused = case.facts_after_dispensation_decision(&granted, &decision(false));
        assert_eq!(refused.prior_attestation, None);
    }
}

// ---- Rules 5.1-5.3: the attestation de fréquentation -------------------------------------------------

mod attestation {
    use super::{d, newcomer, reference};
    use chrono::NaiveDate;
    use parcours_domain::attestation::{
        AttestationKind, AttestationSerial, AxisOutcome, NotEligible, attestation_eligibility, comparable_surname,
        initials,
    };
    use parcours_domain::case::{
        Case, CaseCommand, CaseContext, CaseState, FrenchDecision, FrenchTest, HoursEntry, HoursSource,
        RightsInformation, SessionFormat, SocialAssessment,
    };
    use parcours_domain::parameters::CefrLevel;
    use parcours_domain::reference::CriCode;
    use parcours_domain::regime::{Axis, AxisMinutes, hours_as_minutes, regime};
    use parcours_domain::{Parameters, RegimeId, determine};

    const TODAY: fn() -> NaiveDate = || d(2026, 11, 24);
    const THRESHOLD: u8 = 80;

    fn run(case: &mut Case, command: CaseCommand) {
        let parameters = Parameters::default();
        let r = regime(case.regime, &parameters, case.opened_on);
        let context = CaseContext {
            today: TODAY(),
            regime: &r,
            attendance_threshold_percent: THRESHOLD,
            operator_minutes: AxisMinutes::default(),
            french_waiver_level: *parameters.french_level_waiving_language_axis.on(TODAY()),
        };
        case.apply(command, &context).expect("the step is legal");
    }

    /// A case of `regime` through the welcome module (and the convention unless R2014), with the CRI's hours.
    fn case(regime: RegimeId, french: FrenchDecision, recorded: &[(Axis, f64)]) -> Case {
        let determination = determine(&newcomer(), reference(), TODAY()).expect("consistent");
        let mut case = Case::open(&determination, CriCode::Cripel, regime, d(2025, 3, 1)).0;
        run(&mut case, CaseCommand::RecordPresentation { date: d(2025, 3, 10), force_majeure: None });
        run(
            &mut case,
            CaseCommand::RecordRightsInformation(RightsInformation {
                date: d(2025, 3, 10),
                format: SessionFormat::Individual,
                interpreter_language: None,
            }),
        );
        run(
            &mut case,
            CaseCommand::RecordSocialAssessment(SocialAssessment {
                date: d(2025, 3, 17),
                needs: Vec::new(),
                sensitive_notes: None,
            }),
        );
        run(
            &mut case,
            CaseCommand::RecordFrenchTest(FrenchTest {
                date: d(2025, 3, 17),
                tool: "ELAO".into(),
                // Waiving French needs at least the parameter's level (A2 by default).
                level: if french == FrenchDecision::Waived { CefrLevel::B1 } else { CefrLevel::A1 },
            }),
        );
        if regime == RegimeId::R2014 {
            return case;
        }
        run(&mut case, CaseCommand::SignConvention { date: d(2025, 3, 24), french, orientation_needed: true });
        for (axis, hours) in recorded {
            run(
                &mut case,
                CaseCommand::RecordHours(HoursEntry {
                    axis: *axis,
                    hours: *hours,
                    date: d(2026, 6, 30),
                    source: HoursSource::ExternalCertificate,
                }),
            );
        }
        case
    }

    fn complete(case: &mut Case) {
        run(case, CaseCommand::Complete { date: d(2026, 7, 1) });
    }

    fn at_threshold(regime_id: RegimeId) -> Vec<(Axis, f64)> {
        let parameters = Parameters::default();
        let r = regime(regime_id, &parameters, d(2025, 3, 1));
        r.axes.iter().map(|a| (a.axis, f64::from(a.hours) * f64::from(THRESHOLD) / 100.0)).collect()
    }

    fn attended(case: &Case) -> AxisMinutes {
        case.attended_minutes(&AxisMinutes::default())
    }

    #[test]
    fn rule_5_1_the_convention_respected_earns_the_attestation_under_r2016_r2018_r2024() {
        for regime_id in [RegimeId::R2016, RegimeId::R2018, RegimeId::R2024] {
            let mut case = case(regime_id, FrenchDecision::Required, &at_threshold(regime_id));
            complete(&mut case);
            let grounds = attestation_eligibility(&case, &attended(&case), THRESHOLD).expect("eligible");
            assert_eq!(grounds.kind, AttestationKind::Pathway, "{regime_id}");
            assert_eq!(grounds.completed_on, d(2026, 7, 1));
            assert!(grounds.axes.iter().all(|a| a.outcome == AxisOutcome::Met), "{regime_id}: {:?}", grounds.axes);
            assert!(grounds.obliged);
        }
    }

    #[test]
    fn rule_5_3_hours_exactly_at_the_threshold_count_and_one_minute_less_does_not() {
        let mut hours = at_threshold(RegimeId::R2018);
        let case_at = case(RegimeId::R2018, FrenchDecision::Required, &hours);
        let mut done = case_at.clone();
        complete(&mut done);
        assert!(attestation_eligibility(&done, &attended(&done), THRESHOLD).is_ok());
        // 320 h of French is the threshold of 400 h at 80 %; one minute less is missing.
        hours[0].1 -= 1.0 / 60.0;
        let short = case(RegimeId::R2018, FrenchDecision::Required, &hours);
        match attestation_eligibility(&short, &attended(&short), THRESHOLD) {
            Err(NotEligible::HoursMissing(missing)) => {
                assert_eq!(missing.len(), 1);
                assert_eq!(missing[0].axis, Axis::French);
                assert_eq!(missing[0].required_hours, 400);
                assert_eq!((missing[0].needed_minutes, missing[0].attended_minutes), (320 * 60, 320 * 60 - 1));
            }
            other => panic!("expected missing hours, got {other:?}"),
        }
    }

    #[test]
    fn not_eligible_lists_every_axis_short_of_its_hours() {
        let case = case(RegimeId::R2018, FrenchDecision::Required, &[(Axis::Citizenship, 10.0)]);
        let Err(NotEligible::HoursMissing(missing)) = attestation_eligibility(&case, &attended(&case), THRESHOLD)
        else {
            panic!("expected missing hours")
        };
        let axes: Vec<Axis> = missing.iter().map(|m| m.axis).collect();
        assert_eq!(axes, [Axis::French, Axis::Citizenship, Axis::Orientation]);
        assert_eq!(missing[1].attended_minutes, hours_as_minutes(10.0));
    }

    #[test]
    fn hours_reached_without_the_completion_recorded_are_not_yet_an_attestation() {
        let case = case(RegimeId::R2018, FrenchDecision::Required, &at_threshold(RegimeId::R2018));
        assert_eq!(
            attestation_eligibility(&case, &attended(&case), THRESHOLD),
            Err(NotEligible::CompletionNotRecorded)
        );
    }

    #[test]
    fn french_waived_by_the_placement_test_counts_as_met() {
        let hours: Vec<(Axis, f64)> =
            at_threshold(RegimeId::R2018).into_iter().filter(|(axis, _)| *axis != Axis::French).collect();
        let mut case = case(RegimeId::R2018, FrenchDecision::Waived, &hours);
        complete(&mut case);
        let grounds = attestation_eligibility(&case, &attended(&case), THRESHOLD).expect("eligible");
        let french = grounds.axes.iter().find(|a| a.axis == Axis::French).expect("french");
        assert_eq!((french.outcome, french.required_hours), (AxisOutcome::Waived, 0));
    }

    #[test]
    fn under_r2014_the_welcome_module_alone_earns_the_attestation_of_the_module() {
        let case = case(RegimeId::R2014, FrenchDecision::Required, &[]);
        let grounds = attestation_eligibility(&case, &attended(&case), THRESHOLD).expect("eligible");
        assert_eq!(grounds.kind, AttestationKind::WelcomeModule);
        assert_eq!(grounds.completed_on, d(2025, 3, 17));
        let determination = determine(&newcomer(), reference(), TODAY()).expect("consistent");
        let opened = Case::open(&determination, CriCode::Cripel, RegimeId::R2014, d(2025, 3, 1)).0;
        assert_eq!(
            attestation_eligibility(&opened, &AxisMinutes::default(), THRESHOLD),
            Err(NotEligible::WelcomeIncomplete(vec!["rights_information", "social_assessment"]))
        );
    }

    #[test]
    fn rule_2_1_a_voluntary_participant_who_respected_the_convention_gets_the_same_attestation() {
        let mut case = case(RegimeId::R2024, FrenchDecision::Required, &at_threshold(RegimeId::R2024));
        case.obliged = false;
        complete(&mut case);
        let grounds = attestation_eligibility(&case, &attended(&case), THRESHOLD).expect("eligible");
        assert_eq!((grounds.kind, grounds.obliged), (AttestationKind::Pathway, false));
        assert_eq!(case.state, CaseState::RequirementsMet);
    }

    #[test]
    fn serials_are_per_cri_and_year_and_parse_back() {
        let serial = AttestationSerial { cri: CriCode::Cripel, year: 2027, number: 123 };
        assert_eq!(serial.to_string(), "CRIPEL-ATT-2027-000123");
        assert_eq!(AttestationSerial::parse("CRIPEL-ATT-2027-000123"), Some(serial));
        for wrong in
            ["CRIPEL-ATT-2027-123", "cripel-ATT-2027-000123", "CRIPEL-XXX-2027-000123", "CRIPEL-ATT-2027-000000"]
        {
            assert_eq!(AttestationSerial::parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_verifier_sees_initials_and_compares_surnames_without_case_accents_or_spaces() {
        assert_eq!(initials("Samira Nour", "El Amrani"), "S. E.");
        assert_eq!(comparable_surname("EL-AMRANI"), comparable_surname("el amrani"));
        assert_eq!(comparable_surname("Hélène D'Ébène"), "helenedebene");
    }
}

// ---- §14: the open quantities are dated parameters ---------------------------------------------------------

#[test]
fn the_r2024_hours_convention_length_and_r2016_period_follow_their_parameters() {
    let mut data = reference().clone();
    data.parameters
        .apply("r2024_axis_hours", d(2026, 1, 1), "french 300 h, citizenship 60 h, orientation 8 h")
        .expect("valid");
    data.parameters.apply("r2016_completion_months", d(2017, 1, 1), "24").expect("valid");
    let r2024 = determine(&ordered_on(d(2026, 6, 15)), &data, AS_OF()).expect("consistent");
    let hours: Vec<_> = r2024.axis_requirements.iter().map(|a| a.hours).collect();
    assert_eq!(hours, [300, 60, 8]);
    let before = determine(&ordered_on(d(2025, 6, 1)), &data, AS_OF()).expect("consistent");
    assert_eq!(before.axis_requirements.first().map(|a| a.hours), Some(400), "earlier reference dates keep 400 h");
    let r2016 = determine(&ordered_on(d(2017, 6, 1)), &data, AS_OF()).expect("consistent");
    assert_eq!(r2016.deadline(DeadlineKind::CompleteBy).map(|d| d.months_added), Some(24));
    data.parameters.apply("r2024_convention_max_months", d(2026, 1, 1), "24").expect("valid");
    assert_eq!(regime(RegimeId::R2024, &data.parameters, d(2026, 6, 15)).convention_max_months, 24);
}

#[test]
fn the_rules_document_of_a_running_service_shows_the_regions_values_and_their_history() {
    let mut parameters = parcours_domain::Parameters::default();
    parameters.record("attendance_threshold_percent", d(2027, 1, 1), "75", d(2026, 12, 2)).expect("recorded");
    let text = parcours_domain::rules_doc::render_rules_markdown_with(&parameters);
    let line = text.lines().find(|l| l.starts_with("| `attendance_threshold_percent`")).expect("parameter row");
    assert!(line.contains("2027-01-01: 75 %"), "{line}");
    assert!(!parcours_domain::rules_doc::render_rules_markdown().contains("2027-01-01: 75 %"));
}

#[test]
fn rule_2_4_the_region_adds_a_dispensation_with_its_wording_and_lists_it_for_r2024() {
    let today = d(2026, 12, 2);
    let mut parameters = parcours_domain::Parameters::default();
    // Listed before it has a wording: refused, nothing changes.
    let list = "D1, D2, D3, D4, D5, D6, D7, D8, D9, D10, D11";
    assert!(parameters.record("r2024_dispensations", d(2027, 1, 1), list, today).is_err());
    assert!(parameters.record("added_dispensations", d(2027, 1, 1), "D5: pas une dispense ajoutée", today).is_err());
    parameters
        .record(
            "added_dispensations",
            d(2027, 1, 1),
            "D11: a obtenu la protection temporaire (directive 2001/55)",
            today,
        )
        .expect("wording");
    parameters.record("r2024_dispensations", d(2027, 1, 1), list, today).expect("listed");
    // Its wording cannot be withdrawn while it is listed.
    assert!(parameters.record("added_dispensations", d(2027, 6, 1), "none", today).is_err());

    let mut data = reference().clone();
    data.parameters = parameters;
    let d11 = DispensationCode::parse("d11").expect("an added code");
    let granted = Facts { granted_dispensations: vec![d11], ..ordered_on(d(2027, 1, 4)) };
    assert_eq!(determine(&granted, &data, d(2027, 1, 10)).expect("consistent").status, Status::Dispensed);
    let before = Facts { granted_dispensations: vec![d11], ..ordered_on(d(2026, 12, 20)) };
    assert_eq!(determine(&before, &data, d(2027, 1, 10)).expect("consistent").status, Status::Obliged);
    // Written as its code, like the others.
    assert_eq!(serde_json::to_string(&d11).expect("json"), "\"D11\"");
    assert_eq!(
        serde_json::from_str::<DispensationCode>("\"SCHENGEN_ONE_YEAR\"").ok(),
        Some(DispensationCode::SchengenOneYear)
    );
    assert!(DispensationCode::parse("D31").is_err());
}
