//! Non-compliance (*non-respect de l'obligation*, rule 6.3): an obliged person who did not present within
//! the deadline, did not complete the pathway in time, or does not respect the convention. The job finds
//! the first two; the CRI reports the third. The CRI then reviews each record: it excuses it (force
//! majeure, a dispensation claim still pending, a suspension that should have been recorded) or hands the
//! file to the Region. Handing over is allowed only when the preconditions of a fine hold, checked here and
//! stated in the file: an obligation under a regime with fines, facts on or after `fines_applicable_from`,
//! no dispensation, and — CWASS art. 152/8 — the Region's supply of every axis the convention requires.
//! A precondition that fails **blocks** the procedure: it is not a warning.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::{Case, CaseEvent, CaseState, Suspension, SuspensionReason};
use crate::dispensation::DispensationCode;
use crate::events::EventKind;
use crate::law::RegimeId;
use crate::regime::Axis;

/// What the person did not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    /// Did not present at the welcome office within the deadline (rule 6.3 (a)).
    PresentationMissed,
    /// Did not complete the pathway within the deadline (rule 6.3 (b)).
    CompletionMissed,
    /// Does not respect the convention, as the CRI reports (rule 6.3 (b)).
    ConventionNotRespected,
}

impl BreachKind {
    /// Every kind.
    pub const ALL: [BreachKind; 3] =
        [BreachKind::PresentationMissed, BreachKind::CompletionMissed, BreachKind::ConventionNotRespected];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            BreachKind::PresentationMissed => "presentation_missed",
            BreachKind::CompletionMissed => "completion_missed",
            BreachKind::ConventionNotRespected => "convention_not_respected",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<BreachKind> {
        BreachKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The obligation breached and the article that makes it finable.
    pub fn basis(self) -> &'static str {
        match self {
            BreachKind::PresentationMissed => "CWASS art. 152/7 §1 et art. 152/8; rule 6.3 (a)",
            BreachKind::CompletionMissed => "CWASS art. 152/7 §2 et art. 152/8; rule 6.3 (b)",
            BreachKind::ConventionNotRespected => "CWASS art. 152/7 (convention) et art. 152/8; rule 6.3 (b)",
        }
    }

    /// The rules a notice and a decision cite for this breach, in French: the obligation, the fine and its
    /// precondition, the duty to give reasons.
    pub fn law_fr(self) -> [&'static str; 3] {
        let obligation = match self {
            BreachKind::PresentationMissed => {
                "Code wallon de l'action sociale et de la santé (CWASS), art. 152/7, §1er : la personne obligée se \
                 présente au centre régional d'intégration dans les trois mois de son inscription."
            }
            BreachKind::CompletionMissed => {
                "CWASS, art. 152/7, §2 : la personne obligée achève le parcours dans le délai fixé, attestation de \
                 fréquentation à l'appui."
            }
            BreachKind::ConventionNotRespected => {
                "CWASS, art. 152/7 : la personne obligée respecte la convention d'accueil signée avec le CRI."
            }
        };
        [
            obligation,
            "CWASS, art. 152/8 : amende administrative à charge de la personne obligée qui ne suit pas le parcours ; \
             aucune amende si la Région ne rencontre pas ses obligations d'organisation du parcours.",
            "Loi du 29 juillet 1991 relative à la motivation formelle des actes administratifs.",
        ]
    }

    /// The facts, in French, as the notice and the decision state them.
    pub fn facts_fr(self, deadline: NaiveDate) -> String {
        let date = deadline.format("%d/%m/%Y");
        match self {
            BreachKind::PresentationMissed => format!(
                "La personne, tenue de se présenter au centre régional d'intégration au plus tard le {date}, ne s'y \
                 est pas présentée et aucun cas de force majeure n'a été enregistré."
            ),
            BreachKind::CompletionMissed => format!(
                "La personne, tenue d'achever le parcours d'intégration au plus tard le {date}, n'a pas satisfait \
                 aux exigences de sa convention dans ce délai."
            ),
            BreachKind::ConventionNotRespected => format!(
                "Le centre régional d'intégration constate que la personne ne respecte pas la convention signée \
                 (constat du {date})."
            ),
        }
    }
}

/// Where a non-compliance record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonComplianceStatus {
    /// Awaiting the CRI's review.
    Open,
    /// Excused by the CRI, with its reason: no sanction.
    Excused,
    /// Handed to the Region: a sanction procedure is open.
    HandedOver,
}

impl NonComplianceStatus {
    /// Every status.
    pub const ALL: [NonComplianceStatus; 3] =
        [NonComplianceStatus::Open, NonComplianceStatus::Excused, NonComplianceStatus::HandedOver];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            NonComplianceStatus::Open => "open",
            NonComplianceStatus::Excused => "excused",
            NonComplianceStatus::HandedOver => "handed_over",
        }
    }

    /// In French, for the documents.
    pub fn label_fr(self) -> &'static str {
        match self {
            NonComplianceStatus::Open => "à examiner",
            NonComplianceStatus::Excused => "excusé",
            NonComplianceStatus::HandedOver => "transmis à la Région",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<NonComplianceStatus> {
        NonComplianceStatus::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// The day the person did what the breached obligation asked, if they did: presented (a missed
/// presentation), or met the convention's requirements (a missed completion, a convention not respected).
/// A procedure may then be closed as regularised.
pub fn regularised_on(kind: BreachKind, case: &Case) -> Option<NaiveDate> {
    match kind {
        BreachKind::PresentationMissed => case.presentation.as_ref().map(|p| p.date),
        BreachKind::CompletionMissed | BreachKind::ConventionNotRespected => case.completed_on,
    }
}

/// The day after `deadline`: the first day the obligation is breached.
pub fn breach_date(deadline: NaiveDate) -> NaiveDate {
    deadline + Duration::days(1)
}

/// The deadline a breach of `kind` was found against on `today`, if one was: an obliged person whose
/// presentation deadline passed while the case still awaits them (no presentation, so no force majeure
/// recorded with one), or whose completion deadline passed while the case is still open. The CRI reports
/// [`BreachKind::ConventionNotRespected`] itself: it is never detected.
pub fn breach_detected(kind: BreachKind, case: &Case, today: NaiveDate) -> Option<NaiveDate> {
    if !case.obliged {
        return None;
    }
    let deadline = match kind {
        BreachKind::PresentationMissed if case.state == CaseState::Opened => case.deadlines.present_by,
        BreachKind::CompletionMissed if case.state.is_open() => case.deadlines.complete_by,
        _ => None,
    }?;
    (deadline < today).then_some(deadline)
}

/// Why the CRI may report a convention not respected, or refuses to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRefusal {
    /// Only an obliged person's convention can be breached: a volunteer is free to stop.
    NotObliged,
    /// There is no signed convention to breach, or the case is no longer followed.
    NoConventionInForce,
    /// The date of the finding lies in the future, or before the convention was signed.
    DateOutOfRange,
}

/// Whether the CRI may report, on `found_on`, that the person does not respect the convention.
pub fn may_report_convention_breach(case: &Case, found_on: NaiveDate, today: NaiveDate) -> Result<(), ReportRefusal> {
    if !case.obliged {
        return Err(ReportRefusal::NotObliged);
    }
    let convention =
        case.convention.as_ref().filter(|_| case.state.is_open()).ok_or(ReportRefusal::NoConventionInForce)?;
    if found_on > today || found_on < convention.signed_on {
        return Err(ReportRefusal::DateOutOfRange);
    }
    Ok(())
}

/// Why the person is excused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "excuse", rename_all = "snake_case")]
pub enum Excuse {
    /// A documented case of force majeure (rule 4.2).
    ForceMajeure,
    /// The person claimed a dispensation that the CRI has not decided yet (CWASS art. 152/7 §3).
    PendingDispensationClaim {
        /// The dispensation claimed.
        code: DispensationCode,
    },
    /// A suspension of the deadlines that should have been recorded: recorded now, it moves the deadlines.
    UnrecordedSuspension {
        /// The suspension.
        suspension: Suspension,
    },
}

impl Excuse {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Excuse::ForceMajeure => "force_majeure",
            Excuse::PendingDispensationClaim { .. } => "pending_dispensation_claim",
            Excuse::UnrecordedSuspension { .. } => "unrecorded_suspension",
        }
    }
}

/// What the CRI decides on a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Excused, with a reason.
    Excuse(Excuse),
    /// Handed to the Region's sanctioning official.
    HandOver,
}

/// Why a review is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewRefusal {
    /// The record was already excused or handed over.
    AlreadyReviewed(NonComplianceStatus),
    /// The claim named is not pending on the case.
    ClaimNotPending(DispensationCode),
    /// The preconditions of a fine do not hold: the file cannot be handed over.
    Blocked(Vec<PreconditionCheck>),
}

/// An offer of a place on an axis: a place held in a course (from the enrolment), or an offer the CRI
/// recorded (a course outside Parcours, a place the person declined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseOffer {
    /// Axis.
    pub axis: Axis,
    /// Date the place was offered.
    pub offered_on: NaiveDate,
    /// What was offered (course title and operator, or the CRI's description).
    pub description: String,
}

/// A place on a waiting list the person is on now (an enrolment still waiting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingPeriod {
    /// Axis.
    pub axis: Axis,
    /// On the list since.
    pub since: NaiveDate,
    /// Course.
    pub description: String,
}

/// Everything the preconditions of a fine are checked against.
#[derive(Debug, Clone)]
pub struct SanctionFacts<'a> {
    /// The case as it stands.
    pub case: &'a Case,
    /// What was breached.
    pub breach: BreachKind,
    /// First day of the breach.
    pub breach_date: NaiveDate,
    /// Parameter `fines_applicable_from`, read on the breach date.
    pub fines_applicable_from: NaiveDate,
    /// Places offered on each axis.
    pub offers: &'a [CourseOffer],
    /// Waiting lists.
    pub waiting: &'a [WaitingPeriod],
}

/// One precondition, checked and stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreconditionCheck {
    /// Stable code (`obliged_under_a_regime_with_fines`, `facts_after_fines_applicable`,
    /// `no_dispensation`, `no_pending_dispensation_claim`, `not_regularised`, `no_course_place_suspension`,
    /// `welcome_module_offered`, `region_supply`).
    pub code: String,
    /// The axis, for `region_supply`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axis: Option<Axis>,
    /// Whether it holds.
    pub met: bool,
    /// What was found, in French (the file prints it).
    pub statement_fr: String,
    /// The same, in English.
    pub statement_en: String,
    /// Legal basis.
    pub basis: String,
}

fn check(code: &str, axis: Option<Axis>, met: bool, fr: String, en: String, basis: &str) -> PreconditionCheck {
    PreconditionCheck { code: code.to_owned(), axis, met, statement_fr: fr, statement_en: en, basis: basis.to_owned() }
}

/// Regimes under which the obligation carries a fine: every regime of the obligation since 2014 provides
/// one (rule 6.1); whether it may be imposed is `fines_applicable_from` and the Region's supply.
pub fn regime_has_fines(regime: RegimeId) -> bool {
    matches!(regime, RegimeId::R2014 | RegimeId::R2016 | RegimeId::R2018 | RegimeId::R2024)
}

/// Every precondition of a fine, in the order the file states them. The procedure may open only when all
/// are met ([`blocked`]).
pub fn check_preconditions(facts: &SanctionFacts<'_>) -> Vec<PreconditionCheck> {
    let case = facts.case;
    let on = facts.breach_date;
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut checks = Vec::new();
    let finable = case.obliged && regime_has_fines(case.regime);
    checks.push(check(
        "obliged_under_a_regime_with_fines",
        None,
        finable,
        if finable {
            format!("La personne est obligée de suivre le parcours, régime {} (amende prévue).", case.regime)
        } else {
            "La personne suit le parcours volontairement : aucune amende n'est possible.".to_owned()
        },
        if finable {
            format!("The person is obliged to follow the pathway, regime {} (a fine is provided).", case.regime)
        } else {
            "The person follows the pathway voluntarily: no fine is possible.".to_owned()
        },
        "CWASS art. 152/7 et 152/8; rule 6.1",
    ));
    let in_time = on >= facts.fines_applicable_from;
    checks.push(check(
        "facts_after_fines_applicable",
        None,
        in_time,
        format!(
            "Faits du {} ; amendes applicables aux faits à partir du {}.",
            date(on),
            date(facts.fines_applicable_from)
        ),
        format!("Facts of {on}; fines apply to facts from {}.", facts.fines_applicable_from),
        "CWASS art. 152/8; rule 6.2 (parameter fines_applicable_from)",
    ));
    let granted: Vec<_> =
        case.dispensation_decisions.iter().filter(|d| d.granted && d.date <= on).map(|d| d.code.code()).collect();
    checks.push(check(
        "no_dispensation",
        None,
        granted.is_empty(),
        if granted.is_empty() {
            "Aucune dispense n'était accordée à la date des faits.".to_owned()
        } else {
            format!("Dispense accordée à la date des faits : {}.", granted.join(", "))
        },
        if granted.is_empty() {
            "No dispensation was granted on the date of the facts.".to_owned()
        } else {
            format!("Dispensation granted on the date of the facts: {}.", granted.join(", "))
        },
        "CWASS art. 152/7 §3; rule 2.4",
    ));
    let pending: Vec<_> = case.pending_claims.iter().map(|c| c.code()).collect();
    checks.push(check(
        "no_pending_dispensation_claim",
        None,
        pending.is_empty(),
        if pending.is_empty() {
            "Aucune demande de dispense n'est en attente de décision.".to_owned()
        } else {
            format!("Demande de dispense en attente de décision : {}.", pending.join(", "))
        },
        if pending.is_empty() {
            "No dispensation claim awaits a decision.".to_owned()
        } else {
            format!("Dispensation claim awaiting a decision: {}.", pending.join(", "))
        },
        "CWASS art. 152/7 §3",
    ));
    let regularised = regularised_on(facts.breach, case);
    checks.push(check(
        "not_regularised",
        None,
        regularised.is_none(),
        match regularised {
            None => "La personne n'a pas régularisé sa situation.".to_owned(),
            Some(d) => format!("La personne a régularisé sa situation le {}.", date(d)),
        },
        match regularised {
            None => "The person has not regularised.".to_owned(),
            Some(d) => format!("The person regularised on {d}."),
        },
        "CWASS art. 152/8",
    ));
    let no_place: Vec<&Suspension> = case
        .suspensions
        .iter()
        .filter(|s| s.reason == SuspensionReason::NoCoursePlace && s.from <= on && on <= s.to)
        .collect();
    checks.push(check(
        "no_course_place_suspension",
        None,
        no_place.is_empty(),
        match no_place.first() {
            None => "Aucune suspension pour absence de place ne couvre la date des faits.".to_owned(),
            Some(s) => format!(
                "Les délais étaient suspendus du {} au {} faute de place disponible dans un cours.",
                date(s.from),
                date(s.to)
            ),
        },
        match no_place.first() {
            None => "No suspension for want of a course place covers the date of the facts.".to_owned(),
            Some(s) => format!("Deadlines were suspended from {} to {} for want of a course place.", s.from, s.to),
        },
        "CWASS art. 152/8; rule 6.2",
    ));
    match (facts.breach, case.convention.as_ref()) {
        (BreachKind::PresentationMissed, _) | (_, None) => {
            // The welcome office can only have been offered if the CRI knew of the person before the
            // deadline passed: a late report by the commune is not the person's breach.
            let in_time = case.opened_on < on;
            checks.push(check(
                "welcome_module_offered",
                None,
                in_time,
                if in_time {
                    format!(
                        "Le module d'accueil est organisé par le CRI {} à son bureau d'accueil, ouvert à la personne \
                         dès l'ouverture du dossier le {}.",
                        case.cri,
                        date(case.opened_on)
                    )
                } else {
                    format!(
                        "Le dossier n'a été ouvert au CRI {} que le {}, après l'échéance : le module d'accueil n'a \
                         pas pu être proposé à temps.",
                        case.cri,
                        date(case.opened_on)
                    )
                },
                if in_time {
                    format!(
                        "The welcome module is organised by CRI {} at its welcome office, open to the person since \
                         the case was opened on {}.",
                        case.cri, case.opened_on
                    )
                } else {
                    format!(
                        "The case reached CRI {} only on {}, after the deadline: the welcome module could not be \
                         offered in time.",
                        case.cri, case.opened_on
                    )
                },
                "CWASS art. 152/2 et 152/8",
            ))
        }
        (_, Some(convention)) => {
            for axis in convention.axes.iter().filter(|a| a.required && !a.waived).map(|a| a.axis) {
                checks.push(axis_supply(axis, on, facts.offers, facts.waiting));
            }
        }
    }
    checks
}

fn axis_supply(axis: Axis, on: NaiveDate, offers: &[CourseOffer], waiting: &[WaitingPeriod]) -> PreconditionCheck {
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let offered: Vec<&CourseOffer> = offers.iter().filter(|o| o.axis == axis && o.offered_on <= on).collect();
    let waited: Vec<&WaitingPeriod> = waiting.iter().filter(|w| w.axis == axis && w.since <= on).collect();
    let basis = "CWASS art. 152/8; rule 6.2 (offre de la Région)";
    if let Some(first) = offered.first() {
        let list: Vec<String> = offered.iter().map(|o| format!("{} ({})", o.description, date(o.offered_on))).collect();
        return check(
            "region_supply",
            Some(axis),
            true,
            format!("Axe {} : une place a été offerte avant la date des faits — {}.", axis.code(), list.join(" ; ")),
            format!(
                "Axis {}: a place was offered before the date of the facts, first on {}.",
                axis.code(),
                first.offered_on
            ),
            basis,
        );
    }
    let (fr, en) = match waited.first() {
        Some(w) => (
            format!(
                "Axe {} : aucune place offerte avant la date des faits ; la personne attendait sur une liste \
                 d'attente depuis le {} ({}).",
                axis.code(),
                date(w.since),
                w.description
            ),
            format!(
                "Axis {}: no place offered before the date of the facts; the person was on a waiting list since {}.",
                axis.code(),
                w.since
            ),
        ),
        None => (
            format!("Axe {} : aucune place n'a été offerte à la personne avant la date des faits.", axis.code()),
            format!("Axis {}: no place was offered to the person before the date of the facts.", axis.code()),
        ),
    };
    check("region_supply", Some(axis), false, fr, en, basis)
}

/// The preconditions that fail: when any does, the procedure cannot be opened.
pub fn blocked(checks: &[PreconditionCheck]) -> Vec<PreconditionCheck> {
    checks.iter().filter(|c| !c.met).cloned().collect()
}

/// Whether the CRI may review a record in `status` as `review`; for a hand-over, `checks` are the
/// preconditions ([`check_preconditions`]).
pub fn may_review(
    status: NonComplianceStatus,
    review: &Review,
    case: &Case,
    checks: &[PreconditionCheck],
) -> Result<(), ReviewRefusal> {
    if status != NonComplianceStatus::Open {
        return Err(ReviewRefusal::AlreadyReviewed(status));
    }
    match review {
        Review::Excuse(Excuse::PendingDispensationClaim { code }) if !case.pending_claims.contains(code) => {
            Err(ReviewRefusal::ClaimNotPending(*code))
        }
        Review::Excuse(_) => Ok(()),
        Review::HandOver => {
            let failing = blocked(checks);
            if failing.is_empty() { Ok(()) } else { Err(ReviewRefusal::Blocked(failing)) }
        }
    }
}

fn step(kind: EventKind, basis: &'static str, summary: String) -> CaseEvent {
    CaseEvent { kind, reason: kind.description(), basis, summary, document: None }
}

/// The case step recording a non-compliance (codes and dates only).
pub fn non_compliance_recorded_step(kind: BreachKind, deadline: NaiveDate) -> CaseEvent {
    step(EventKind::NonComplianceRecorded, kind.basis(), format!("{}; deadline or finding {deadline}", kind.code()))
}

/// The case step recording the CRI's excuse.
pub fn non_compliance_excused_step(kind: BreachKind, excuse: &Excuse) -> CaseEvent {
    step(EventKind::NonComplianceExcused, kind.basis(), format!("{} excused: {}", kind.code(), excuse.code()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseDeadlines, Convention, ConventionAxis, DispensationDecision};
    use crate::reference::CriCode;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn case_with_convention() -> Case {
        let axis = |axis, required| ConventionAxis { axis, required, hours: 10, reason: String::new(), waived: false };
        Case {
            state: CaseState::InProgress,
            obliged: true,
            regime: RegimeId::R2024,
            cri: CriCode::parse("CRIPEL").expect("cri"),
            opened_on: d(2025, 3, 1),
            deadlines: CaseDeadlines {
                present_by: Some(d(2025, 6, 1)),
                complete_by: Some(d(2028, 3, 1)),
                latest_extension: None,
            },
            deadline_history: vec![],
            presentation: None,
            rights_information: None,
            social_assessment: None,
            french_test: None,
            administrative_help: vec![],
            convention: Some(Convention {
                signed_on: d(2025, 5, 1),
                ends_on: Some(d(2028, 3, 1)),
                axes: vec![axis(Axis::French, true), axis(Axis::Citizenship, true), axis(Axis::Orientation, false)],
                amendments: vec![],
            }),
            reviews: vec![],
            pending_claims: vec![],
            dispensation_decisions: vec![],
            suspensions: vec![],
            hours: vec![],
            transfers: vec![],
            closure: None,
            completed_on: None,
            cpas: None,
            no_shows: 0,
            interpreter_uses: vec![],
        }
    }

    fn offer(axis: Axis, on: NaiveDate) -> CourseOffer {
        CourseOffer { axis, offered_on: on, description: "Cours".into() }
    }

    fn facts<'a>(case: &'a Case, offers: &'a [CourseOffer], breach_date: NaiveDate) -> SanctionFacts<'a> {
        SanctionFacts {
            case,
            breach: BreachKind::CompletionMissed,
            breach_date,
            fines_applicable_from: d(2019, 1, 1),
            offers,
            waiting: &[],
        }
    }

    fn failing(checks: &[PreconditionCheck]) -> Vec<(String, Option<Axis>)> {
        blocked(checks).into_iter().map(|c| (c.code, c.axis)).collect()
    }

    #[test]
    fn blocked_when_a_required_axis_had_no_offer_of_a_place() {
        let case = case_with_convention();
        let offers = [offer(Axis::French, d(2025, 9, 1))];
        let checks = check_preconditions(&facts(&case, &offers, d(2028, 3, 2)));
        assert_eq!(failing(&checks), vec![("region_supply".to_owned(), Some(Axis::Citizenship))]);
        let refusal = may_review(NonComplianceStatus::Open, &Review::HandOver, &case, &checks);
        assert!(matches!(refusal, Err(ReviewRefusal::Blocked(ref b)) if b.len() == 1));
        // An axis that was not required (orientation here) needs no offer; an offer after the facts is late.
        let late = [offer(Axis::French, d(2025, 9, 1)), offer(Axis::Citizenship, d(2028, 3, 3))];
        assert_eq!(failing(&check_preconditions(&facts(&case, &late, d(2028, 3, 2)))).len(), 1);
        let both = [offer(Axis::French, d(2025, 9, 1)), offer(Axis::Citizenship, d(2026, 1, 10))];
        let checks = check_preconditions(&facts(&case, &both, d(2028, 3, 2)));
        assert!(failing(&checks).is_empty());
        assert_eq!(may_review(NonComplianceStatus::Open, &Review::HandOver, &case, &checks), Ok(()));
    }

    #[test]
    fn a_waiting_list_is_not_an_offer_and_the_file_says_since_when() {
        let case = case_with_convention();
        let offers = [offer(Axis::French, d(2025, 9, 1))];
        let waiting =
            [WaitingPeriod {
                axis: Axis::Citizenship, since: d(2025, 6, 1), description: "Citoyenneté, Liège".into()
            }];
        let checks = check_preconditions(&SanctionFacts { waiting: &waiting, ..facts(&case, &offers, d(2028, 3, 2)) });
        let citizenship = checks.iter().find(|c| c.axis == Some(Axis::Citizenship)).expect("checked");
        assert!(!citizenship.met);
        assert!(
            citizenship.statement_fr.contains("liste d'attente depuis le 01/06/2025"),
            "{}",
            citizenship.statement_fr
        );
    }

    #[test]
    fn blocked_for_facts_before_first_january_2019() {
        let mut case = case_with_convention();
        case.regime = RegimeId::R2016;
        let offers = [offer(Axis::French, d(2017, 1, 1)), offer(Axis::Citizenship, d(2017, 1, 1))];
        let before = check_preconditions(&facts(&case, &offers, d(2018, 12, 31)));
        assert_eq!(failing(&before), vec![("facts_after_fines_applicable".to_owned(), None)]);
        assert!(failing(&check_preconditions(&facts(&case, &offers, d(2019, 1, 1)))).is_empty());
    }

    #[test]
    fn blocked_while_a_dispensation_claim_is_pending_or_once_one_was_granted() {
        let mut case = case_with_convention();
        let offers = [offer(Axis::French, d(2025, 9, 1)), offer(Axis::Citizenship, d(2025, 9, 1))];
        case.pending_claims = vec![DispensationCode::D4];
        let checks = check_preconditions(&facts(&case, &offers, d(2028, 3, 2)));
        assert_eq!(failing(&checks), vec![("no_pending_dispensation_claim".to_owned(), None)]);
        // The claim can also excuse the record instead.
        let excuse = Review::Excuse(Excuse::PendingDispensationClaim { code: DispensationCode::D4 });
        assert_eq!(may_review(NonComplianceStatus::Open, &excuse, &case, &checks), Ok(()));
        let other = Review::Excuse(Excuse::PendingDispensationClaim { code: DispensationCode::D2 });
        assert_eq!(
            may_review(NonComplianceStatus::Open, &other, &case, &checks),
            Err(ReviewRefusal::ClaimNotPending(DispensationCode::D2))
        );
        case.pending_claims.clear();
        case.dispensation_decisions.push(DispensationDecision {
            code: DispensationCode::D4,
            granted: true,
            date: d(2028, 1, 5),
            reason: "certificat".into(),
            evidence: None,
            prior_attestation: None,
        });
        let checks = check_preconditions(&facts(&case, &offers, d(2028, 3, 2)));
        assert_eq!(failing(&checks), vec![("no_dispensation".to_owned(), None)]);
    }

    #[test]
    fn a_volunteer_and_a_no_course_place_suspension_block_the_procedure() {
        let mut case = case_with_convention();
        let offers = [offer(Axis::French, d(2025, 9, 1)), offer(Axis::Citizenship, d(2025, 9, 1))];
        case.obliged = false;
        case.suspensions.push(Suspension {
            from: d(2028, 2, 1),
            to: d(2028, 4, 1),
            reason: SuspensionReason::NoCoursePlace,
        });
        let codes: Vec<String> =
            failing(&check_preconditions(&facts(&case, &offers, d(2028, 3, 2)))).into_iter().map(|c| c.0).collect();
        assert_eq!(codes, vec!["obliged_under_a_regime_with_fines", "no_course_place_suspension"]);
    }

    #[test]
    fn a_case_opened_after_the_presentation_deadline_blocks_the_procedure() {
        let mut case = case_with_convention();
        case.state = CaseState::Opened;
        case.convention = None;
        let checks = |case: &Case| {
            check_preconditions(&SanctionFacts {
                breach: BreachKind::PresentationMissed,
                ..facts(case, &[], d(2025, 6, 2))
            })
        };
        assert!(failing(&checks(&case)).is_empty());
        case.opened_on = d(2025, 6, 2);
        assert_eq!(failing(&checks(&case)), vec![("welcome_module_offered".to_owned(), None)]);
    }

    #[test]
    fn detection_finds_a_passed_deadline_only_while_the_obligation_is_unmet() {
        let mut case = case_with_convention();
        case.state = CaseState::Opened;
        assert_eq!(breach_detected(BreachKind::PresentationMissed, &case, d(2025, 6, 1)), None, "on the day");
        assert_eq!(breach_detected(BreachKind::PresentationMissed, &case, d(2025, 6, 2)), Some(d(2025, 6, 1)));
        case.state = CaseState::InProgress;
        assert_eq!(breach_detected(BreachKind::PresentationMissed, &case, d(2025, 6, 2)), None, "presented");
        assert_eq!(breach_detected(BreachKind::CompletionMissed, &case, d(2028, 3, 2)), Some(d(2028, 3, 1)));
        case.state = CaseState::RequirementsMet;
        assert_eq!(breach_detected(BreachKind::CompletionMissed, &case, d(2028, 3, 2)), None);
        assert_eq!(breach_detected(BreachKind::ConventionNotRespected, &case, d(2028, 3, 2)), None);
        assert_eq!(breach_date(d(2028, 3, 1)), d(2028, 3, 2));
    }

    #[test]
    fn a_convention_breach_is_reported_only_on_an_obliged_persons_convention() {
        let mut case = case_with_convention();
        assert_eq!(may_report_convention_breach(&case, d(2026, 1, 1), d(2026, 1, 2)), Ok(()));
        assert_eq!(
            may_report_convention_breach(&case, d(2025, 4, 1), d(2026, 1, 2)),
            Err(ReportRefusal::DateOutOfRange)
        );
        case.convention = None;
        assert_eq!(
            may_report_convention_breach(&case, d(2026, 1, 1), d(2026, 1, 2)),
            Err(ReportRefusal::NoConventionInForce)
        );
        case.obliged = false;
        assert_eq!(may_report_convention_breach(&case, d(2026, 1, 1), d(2026, 1, 2)), Err(ReportRefusal::NotObliged));
    }

    #[test]
    fn a_reviewed_record_is_not_reviewed_again() {
        let case = case_with_convention();
        assert_eq!(
            may_review(NonComplianceStatus::Excused, &Review::Excuse(Excuse::ForceMajeure), &case, &[]),
            Err(ReviewRefusal::AlreadyReviewed(NonComplianceStatus::Excused))
        );
    }
}
