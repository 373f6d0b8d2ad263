//! The sanction procedure (*procédure d'amende administrative*, CWASS art. 152/8; rules 6.1-6.4), the
//! second state machine of the pathway, run by the Region's sanctioning officials. It follows due process
//! as Belgian administrative law requires: the person is told the facts, the law and the evidence and may
//! answer (notice, observations, hearing); the decision states its reasons in fact and in law and answers
//! every observation (loi du 29 juillet 1991); it is drafted and signed by two different officials, states
//! the appeal route and deadline (loi du 11 avril 1994, art. 2, 4°), and is notified. Nothing is edited:
//! an observation or a draft is superseded by a new one, and every step is kept.
//!
//! ```text
//! opened → notice_sent → decision_drafted → decision_signed → decision_notified → (appealed →) closed
//!          (observations received at any time before signature; a late one is flagged, never dropped)
//! any state but closed → closed (regularised: the person presented or completed)
//! ```

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::CaseEvent;
use crate::events::EventKind;
use crate::non_compliance::{BreachKind, PreconditionCheck};
use crate::parameters::FineRange;

/// Where a procedure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureState {
    /// Opened from the CRI's hand-over; the notice is to send.
    Opened,
    /// The notice is sent: the observation period runs from its proven notification.
    NoticeSent,
    /// A decision is drafted, awaiting a second official's signature.
    DecisionDrafted,
    /// Signed, to notify.
    DecisionSigned,
    /// Notified: the appeal period runs; a fine awaits payment.
    DecisionNotified,
    /// An appeal is lodged.
    Appealed,
    /// Closed for the reason recorded.
    Closed,
}

impl ProcedureState {
    /// Every state.
    pub const ALL: [ProcedureState; 7] = [
        ProcedureState::Opened,
        ProcedureState::NoticeSent,
        ProcedureState::DecisionDrafted,
        ProcedureState::DecisionSigned,
        ProcedureState::DecisionNotified,
        ProcedureState::Appealed,
        ProcedureState::Closed,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProcedureState::Opened => "opened",
            ProcedureState::NoticeSent => "notice_sent",
            ProcedureState::DecisionDrafted => "decision_drafted",
            ProcedureState::DecisionSigned => "decision_signed",
            ProcedureState::DecisionNotified => "decision_notified",
            ProcedureState::Appealed => "appealed",
            ProcedureState::Closed => "closed",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ProcedureState> {
        ProcedureState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How a notice or a decision reached the person (the proof of the notification date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationChannel {
    /// Registered letter (*recommandé*): the date of presentation by the post.
    RegisteredPost,
    /// Handed over against a signed receipt.
    HandDeliveredWithReceipt,
    /// The person's electronic box (eBox citoyen), with its acknowledgement.
    Ebox,
}

impl NotificationChannel {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            NotificationChannel::RegisteredPost => "registered_post",
            NotificationChannel::HandDeliveredWithReceipt => "hand_delivered_with_receipt",
            NotificationChannel::Ebox => "ebox",
        }
    }

    /// In French, for the documents.
    pub fn label_fr(self) -> &'static str {
        match self {
            NotificationChannel::RegisteredPost => "par lettre recommandée",
            NotificationChannel::HandDeliveredWithReceipt => "remise en main propre contre accusé de réception",
            NotificationChannel::Ebox => "par l'eBox citoyen, avec accusé de réception",
        }
    }
}

/// The notice inviting observations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Sent on.
    pub sent_on: NaiveDate,
    /// How.
    pub channel: NotificationChannel,
    /// Proven notification date: the observation period counts from it.
    pub notified_on: NaiveDate,
    /// Last day for observations.
    pub observations_due: NaiveDate,
}

/// Written observations or a hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationForm {
    /// A letter or e-mail from the person or their counsel.
    Written,
    /// Heard by the official; the minutes are recorded.
    Hearing,
}

/// What the person answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// Number, from 1.
    pub number: u32,
    /// Received (or heard) on.
    pub received_on: NaiveDate,
    /// Written or at a hearing.
    pub form: ObservationForm,
    /// What the person says (the official's summary of it).
    pub summary: String,
    /// Minutes of the hearing.
    pub hearing_minutes: Option<String>,
    /// Received after the observation period: flagged, still answered.
    pub late: bool,
    /// The observation this one replaces (a correction of the record), if any.
    pub supersedes: Option<u32>,
    /// Replaced by a later observation.
    pub superseded_by: Option<u32>,
}

/// What the decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// An administrative fine.
    Fine {
        /// Amount, in euros, within the range in force on the date of the facts.
        amount_eur: u32,
    },
    /// The breach is established but no fine is imposed (circumstances, proportionality).
    NoFine,
    /// The procedure is dismissed (the facts are not established, or the file is unfounded).
    Dismissal,
}

impl DecisionOutcome {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DecisionOutcome::Fine { .. } => "fine",
            DecisionOutcome::NoFine => "no_fine",
            DecisionOutcome::Dismissal => "dismissal",
        }
    }
}

/// The answer a decision gives to one observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservationAnswer {
    /// The observation's number.
    pub observation: u32,
    /// Why it is accepted or not.
    pub answer: String,
}

/// A decision as drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDraft {
    /// Number, from 1.
    pub number: u32,
    /// Drafted on.
    pub drafted_on: NaiveDate,
    /// The official who drafted it (token subject).
    pub drafted_by: String,
    /// What it decides.
    pub outcome: DecisionOutcome,
    /// The reasons in fact and in law.
    pub reasoning: String,
    /// The answer to every recorded observation.
    pub answers: Vec<ObservationAnswer>,
    /// Replaced by a later draft.
    pub superseded: bool,
}

/// The signed decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The draft signed.
    pub draft: u32,
    /// Signed on.
    pub signed_on: NaiveDate,
    /// The second official (token subject), never the drafter.
    pub signed_by: String,
    /// What the person may do against it.
    pub appeal_route: String,
    /// Days to appeal from the notification.
    pub appeal_days: u32,
    /// Notified on (proven date), once notified.
    pub notified_on: Option<NaiveDate>,
    /// How.
    pub notified_by: Option<NotificationChannel>,
}

/// What the court decided on appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AppealOutcome {
    /// The decision stands.
    Upheld,
    /// The fine is reduced to this amount.
    Reduced {
        /// New amount, in euros.
        amount_eur: u32,
    },
    /// The decision is annulled.
    Annulled,
}

/// An appeal against the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// Lodged on.
    pub lodged_on: NaiveDate,
    /// Before which court or body.
    pub court: String,
    /// Its reference, when known.
    pub reference: Option<String>,
    /// Lodged after the appeal period (the court decides whether it is admissible).
    pub late: bool,
    /// Decided on, and how.
    pub decided: Option<(NaiveDate, AppealOutcome)>,
}

/// Why a procedure closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureClosure {
    /// The fine was paid.
    Paid,
    /// The decision imposed no fine, or dismissed the procedure.
    NoFineDecided,
    /// Annulled on appeal.
    AnnulledOnAppeal,
    /// The person presented or completed during the procedure (art. 152/8 reads as a last resort).
    Regularised,
    /// The fine is unpaid after the appeal period: the file goes to the Region's recovery service.
    SentForRecovery,
}

impl ProcedureClosure {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProcedureClosure::Paid => "paid",
            ProcedureClosure::NoFineDecided => "no_fine_decided",
            ProcedureClosure::AnnulledOnAppeal => "annulled_on_appeal",
            ProcedureClosure::Regularised => "regularised",
            ProcedureClosure::SentForRecovery => "sent_for_recovery",
        }
    }

    /// In French, for the documents.
    pub fn label_fr(self) -> &'static str {
        match self {
            ProcedureClosure::Paid => "amende payée",
            ProcedureClosure::NoFineDecided => "décision sans amende",
            ProcedureClosure::AnnulledOnAppeal => "décision annulée sur recours",
            ProcedureClosure::Regularised => "situation régularisée par la personne",
            ProcedureClosure::SentForRecovery => "amende impayée transmise au recouvrement",
        }
    }
}

/// The procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanctionProcedure {
    /// State.
    pub state: ProcedureState,
    /// What was breached.
    pub breach: BreachKind,
    /// The deadline (or the CRI's finding) breached.
    pub deadline: NaiveDate,
    /// First day of the breach: the date of the facts.
    pub breach_date: NaiveDate,
    /// The fine range in force on the date of the facts (rule 6.1).
    pub fine_range: FineRange,
    /// The preconditions as checked when the file was handed over.
    pub preconditions: Vec<PreconditionCheck>,
    /// Opened on.
    pub opened_on: NaiveDate,
    /// The notice.
    pub notice: Option<Notice>,
    /// Observations, in the order received.
    pub observations: Vec<Observation>,
    /// Drafts, oldest first.
    pub drafts: Vec<DecisionDraft>,
    /// The signed decision.
    pub decision: Option<Decision>,
    /// The appeal.
    pub appeal: Option<Appeal>,
    /// Payment, once paid: date and amount.
    pub paid: Option<(NaiveDate, u32)>,
    /// Closure.
    pub closure: Option<(NaiveDate, ProcedureClosure)>,
}

/// A step of the procedure, by an official.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcedureCommand {
    /// The notice inviting observations was sent and reached the person.
    SendNotice {
        /// Sent on.
        sent_on: NaiveDate,
        /// How.
        channel: NotificationChannel,
        /// Proven notification date.
        notified_on: NaiveDate,
    },
    /// Observations received, in writing or at a hearing.
    RecordObservation {
        /// Received on.
        received_on: NaiveDate,
        /// Form.
        form: ObservationForm,
        /// What the person says.
        summary: String,
        /// Minutes of the hearing (required for a hearing).
        hearing_minutes: Option<String>,
        /// The observation this one corrects.
        supersedes: Option<u32>,
    },
    /// A decision drafted (a new draft supersedes an unsigned one).
    DraftDecision {
        /// Drafted on.
        drafted_on: NaiveDate,
        /// Official.
        drafted_by: String,
        /// Outcome.
        outcome: DecisionOutcome,
        /// Reasons.
        reasoning: String,
        /// Answers to the observations.
        answers: Vec<ObservationAnswer>,
    },
    /// The latest draft signed by a second official.
    SignDecision {
        /// Signed on.
        signed_on: NaiveDate,
        /// Official.
        signed_by: String,
    },
    /// The decision notified.
    NotifyDecision {
        /// Proven notification date.
        notified_on: NaiveDate,
        /// How.
        channel: NotificationChannel,
    },
    /// An appeal lodged.
    RecordAppeal {
        /// Lodged on.
        lodged_on: NaiveDate,
        /// Court.
        court: String,
        /// Reference.
        reference: Option<String>,
    },
    /// The appeal decided.
    DecideAppeal {
        /// Decided on.
        decided_on: NaiveDate,
        /// Outcome.
        outcome: AppealOutcome,
    },
    /// The fine paid.
    RecordPayment {
        /// Paid on.
        paid_on: NaiveDate,
        /// Amount, in euros.
        amount_eur: u32,
    },
    /// Closed.
    Close {
        /// Date.
        date: NaiveDate,
        /// Why.
        reason: ProcedureClosure,
    },
}

impl ProcedureCommand {
    /// Stable name.
    pub fn name(&self) -> &'static str {
        match self {
            ProcedureCommand::SendNotice { .. } => "send_notice",
            ProcedureCommand::RecordObservation { .. } => "record_observation",
            ProcedureCommand::DraftDecision { .. } => "draft_decision",
            ProcedureCommand::SignDecision { .. } => "sign_decision",
            ProcedureCommand::NotifyDecision { .. } => "notify_decision",
            ProcedureCommand::RecordAppeal { .. } => "record_appeal",
            ProcedureCommand::DecideAppeal { .. } => "decide_appeal",
            ProcedureCommand::RecordPayment { .. } => "record_payment",
            ProcedureCommand::Close { .. } => "close",
        }
    }
}

/// What the rules need from outside the procedure.
#[derive(Debug, Clone)]
pub struct ProcedureContext {
    /// Today.
    pub today: NaiveDate,
    /// Parameter `sanction_observation_days`, on the day of the notice.
    pub observation_days: u32,
    /// Parameter `sanction_appeal_days`, on the day of the signature.
    pub appeal_days: u32,
    /// Parameter `sanction_appeal_route`, on the day of the signature.
    pub appeal_route: String,
    /// The day the person regularised (presented for a missed presentation, met the requirements
    /// otherwise), from the case.
    pub regularised_on: Option<NaiveDate>,
    /// Parameter `sanction_reported_to_commune_and_cpas`, on the day of the notification.
    pub report_to_commune_and_cpas: bool,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ProcedureError {
    /// Not allowed in the current state.
    IllegalTransition {
        /// Current state.
        state: ProcedureState,
        /// The step refused.
        command: &'static str,
    },
    /// A date lies in the future, or before the step it follows.
    DateOutOfRange {
        /// Field.
        field: &'static str,
    },
    /// A required text is missing or too short (at least 10 characters for reasons, 2 otherwise).
    TextMissing {
        /// Field.
        field: &'static str,
    },
    /// A hearing needs its minutes.
    HearingMinutesMissing,
    /// The observation to supersede is unknown or already superseded.
    UnknownObservation {
        /// Its number.
        number: u32,
    },
    /// The observation period runs until this date: no decision before the person could answer.
    ObservationPeriodRunning {
        /// Last day for observations.
        until: NaiveDate,
    },
    /// The amount lies outside the range in force on the date of the facts.
    FineOutOfRange {
        /// Range.
        min_eur: u32,
        /// Range.
        max_eur: u32,
    },
    /// The decision does not answer these recorded observations.
    ObservationsNotAnswered {
        /// Their numbers.
        numbers: Vec<u32>,
    },
    /// The signer drafted the decision: two different officials are needed.
    SameOfficial,
    /// The payment does not match the amount due.
    AmountNotDue {
        /// Amount due.
        due_eur: u32,
    },
    /// The closure reason does not fit the procedure (for example `regularised` when the person has not).
    ClosureNotAllowed {
        /// Why, as a code: `not_regularised`, `fine_imposed`, `appeal_pending`, `appeal_period_running`,
        /// `not_annulled`, `use_record_payment`.
        because: &'static str,
    },
}

impl SanctionProcedure {
    /// Opens the procedure from a hand-over whose preconditions all hold.
    pub fn open(
        breach: BreachKind,
        deadline: NaiveDate,
        breach_date: NaiveDate,
        fine_range: FineRange,
        preconditions: Vec<PreconditionCheck>,
        opened_on: NaiveDate,
    ) -> (SanctionProcedure, CaseEvent) {
        let procedure = SanctionProcedure {
            state: ProcedureState::Opened,
            breach,
            deadline,
            breach_date,
            fine_range,
            preconditions,
            opened_on,
            notice: None,
            observations: vec![],
            drafts: vec![],
            decision: None,
            appeal: None,
            paid: None,
            closure: None,
        };
        let event = step(EventKind::SanctionProcedureOpened, format!("{}; facts {breach_date}", breach.code()));
        (procedure, event)
    }

    /// The amount now due: the decision's fine, or the amount the appeal reduced it to.
    pub fn amount_due(&self) -> Option<u32> {
        let decision = self.decision.as_ref()?;
        let draft = self.drafts.iter().find(|d| d.number == decision.draft)?;
        let DecisionOutcome::Fine { amount_eur } = draft.outcome else { return None };
        match self.appeal.as_ref().and_then(|a| a.decided) {
            Some((_, AppealOutcome::Annulled)) => None,
            Some((_, AppealOutcome::Reduced { amount_eur })) => Some(amount_eur),
            _ => Some(amount_eur),
        }
    }

    /// The signed decision's draft.
    pub fn signed_draft(&self) -> Option<&DecisionDraft> {
        let decision = self.decision.as_ref()?;
        self.drafts.iter().find(|d| d.number == decision.draft)
    }

    /// Last day to appeal, once the decision is notified.
    pub fn appeal_due(&self) -> Option<NaiveDate> {
        let decision = self.decision.as_ref()?;
        decision.notified_on.map(|on| on + Duration::days(i64::from(decision.appeal_days)))
    }

    /// Observations still in force (not superseded).
    pub fn observations_in_force(&self) -> impl Iterator<Item = &Observation> {
        self.observations.iter().filter(|o| o.superseded_by.is_none())
    }

    fn unanswered(&self, answers: &[ObservationAnswer]) -> Vec<u32> {
        self.observations_in_force()
            .map(|o| o.number)
            .filter(|n| !answers.iter().any(|a| a.observation == *n && a.answer.trim().chars().count() >= 10))
            .collect()
    }

    /// Applies a step: checks it against the state and the rules, changes the procedure and returns the
    /// steps for the case's timeline and the feed. Nothing changes when an error is returned.
    pub fn apply(
        &mut self,
        command: ProcedureCommand,
        ctx: &ProcedureContext,
    ) -> Result<Vec<CaseEvent>, ProcedureError> {
        let mut next = self.clone();
        let events = next.apply_to_copy(command, ctx)?;
        *self = next;
        Ok(events)
    }

    fn apply_to_copy(
        &mut self,
        command: ProcedureCommand,
        ctx: &ProcedureContext,
    ) -> Result<Vec<CaseEvent>, ProcedureError> {
        use ProcedureState::*;
        let name = command.name();
        let illegal = |state| ProcedureError::IllegalTransition { state, command: name };
        let not_after_today = |field, date: NaiveDate, earliest: NaiveDate| {
            if date > ctx.today || date < earliest { Err(ProcedureError::DateOutOfRange { field }) } else { Ok(()) }
        };
        match command {
            ProcedureCommand::SendNotice { sent_on, channel, notified_on } => {
                if self.state != Opened {
                    return Err(illegal(self.state));
                }
                not_after_today("sent_on", sent_on, self.opened_on)?;
                not_after_today("notified_on", notified_on, sent_on)?;
                let observations_due = notified_on + Duration::days(i64::from(ctx.observation_days));
                self.notice = Some(Notice { sent_on, channel, notified_on, observations_due });
                self.state = NoticeSent;
                Ok(vec![step(
                    EventKind::SanctionNoticeSent,
                    format!("notified {notified_on} ({}); observations until {observations_due}", channel.code()),
                )])
            }
            ProcedureCommand::RecordObservation { received_on, form, summary, hearing_minutes, supersedes } => {
                if !matches!(self.state, NoticeSent | DecisionDrafted) {
                    return Err(illegal(self.state));
                }
                let notice = self.notice.as_ref().ok_or(illegal(self.state))?;
                not_after_today("received_on", received_on, notice.sent_on)?;
                text("summary", &summary, 10)?;
                if form == ObservationForm::Hearing && hearing_minutes.as_deref().is_none_or(|m| m.trim().len() < 10) {
                    return Err(ProcedureError::HearingMinutesMissing);
                }
                let number = self.observations.len() as u32 + 1;
                if let Some(old) = supersedes {
                    let target = self
                        .observations
                        .iter_mut()
                        .find(|o| o.number == old && o.superseded_by.is_none())
                        .ok_or(ProcedureError::UnknownObservation { number: old })?;
                    target.superseded_by = Some(number);
                }
                let late = received_on > notice.observations_due;
                self.observations.push(Observation {
                    number,
                    received_on,
                    form,
                    summary,
                    hearing_minutes,
                    late,
                    supersedes,
                    superseded_by: None,
                });
                let form_code = match form {
                    ObservationForm::Written => "written",
                    ObservationForm::Hearing => "hearing",
                };
                Ok(vec![step(
                    EventKind::SanctionObservationsReceived,
                    format!("observation {number} ({form_code}) received {received_on}; late {late}"),
                )])
            }
            ProcedureCommand::DraftDecision { drafted_on, drafted_by, outcome, reasoning, answers } => {
                if !matches!(self.state, NoticeSent | DecisionDrafted) {
                    return Err(illegal(self.state));
                }
                let notice = self.notice.as_ref().ok_or(illegal(self.state))?;
                not_after_today("drafted_on", drafted_on, notice.sent_on)?;
                if drafted_on <= notice.observations_due {
                    return Err(ProcedureError::ObservationPeriodRunning { until: notice.observations_due });
                }
                text("reasoning", &reasoning, 40)?;
                if let DecisionOutcome::Fine { amount_eur } = outcome {
                    self.within_range(amount_eur)?;
                }
                let numbers = self.unanswered(&answers);
                if !numbers.is_empty() {
                    return Err(ProcedureError::ObservationsNotAnswered { numbers });
                }
                if let Some(unknown) =
                    answers.iter().find(|a| !self.observations_in_force().any(|o| o.number == a.observation))
                {
                    return Err(ProcedureError::UnknownObservation { number: unknown.observation });
                }
                for draft in &mut self.drafts {
                    draft.superseded = true;
                }
                let number = self.drafts.len() as u32 + 1;
                self.drafts.push(DecisionDraft {
                    number,
                    drafted_on,
                    drafted_by,
                    outcome,
                    reasoning,
                    answers,
                    superseded: false,
                });
                self.state = DecisionDrafted;
                Ok(vec![step(EventKind::SanctionDecisionDrafted, format!("draft {number}: {}", describe(outcome)))])
            }
            ProcedureCommand::SignDecision { signed_on, signed_by } => {
                if self.state != DecisionDrafted {
                    return Err(illegal(self.state));
                }
                let draft = self.drafts.last().ok_or(illegal(self.state))?;
                not_after_today("signed_on", signed_on, draft.drafted_on)?;
                if draft.drafted_by == signed_by {
                    return Err(ProcedureError::SameOfficial);
                }
                // An observation recorded after the draft (a late one included) must be answered too.
                let numbers = self.unanswered(&draft.answers);
                if !numbers.is_empty() {
                    return Err(ProcedureError::ObservationsNotAnswered { numbers });
                }
                let (number, outcome) = (draft.number, draft.outcome);
                self.decision = Some(Decision {
                    draft: number,
                    signed_on,
                    signed_by,
                    appeal_route: ctx.appeal_route.clone(),
                    appeal_days: ctx.appeal_days,
                    notified_on: None,
                    notified_by: None,
                });
                self.state = DecisionSigned;
                Ok(vec![step(
                    EventKind::SanctionDecisionSigned,
                    format!("draft {number} signed: {}", describe(outcome)),
                )])
            }
            ProcedureCommand::NotifyDecision { notified_on, channel } => {
                if self.state != DecisionSigned {
                    return Err(illegal(self.state));
                }
                let decision = self.decision.as_mut().ok_or(illegal(self.state))?;
                not_after_today("notified_on", notified_on, decision.signed_on)?;
                decision.notified_on = Some(notified_on);
                decision.notified_by = Some(channel);
                self.state = DecisionNotified;
                let outcome = self.signed_draft().map(|d| d.outcome).unwrap_or(DecisionOutcome::Dismissal);
                let mut events = vec![step(
                    EventKind::SanctionDecisionNotified,
                    format!("{} notified {notified_on} ({})", describe(outcome), channel.code()),
                )];
                // Rule 6.4 (LIKELY, a parameter): a fine is reported to the commune and the CPAS.
                if ctx.report_to_commune_and_cpas && matches!(outcome, DecisionOutcome::Fine { .. }) {
                    events.push(step(EventKind::SanctionReported, format!("fine notified {notified_on}")));
                }
                Ok(events)
            }
            ProcedureCommand::RecordAppeal { lodged_on, court, reference } => {
                if self.state != DecisionNotified || self.appeal.is_some() {
                    return Err(illegal(self.state));
                }
                let notified = self.decision.as_ref().and_then(|d| d.notified_on).ok_or(illegal(self.state))?;
                not_after_today("lodged_on", lodged_on, notified)?;
                text("court", &court, 3)?;
                let late = self.appeal_due().is_some_and(|due| lodged_on > due);
                self.appeal = Some(Appeal { lodged_on, court, reference, late, decided: None });
                self.state = Appealed;
                Ok(vec![step(EventKind::SanctionAppealLodged, format!("appeal lodged {lodged_on}; late {late}"))])
            }
            ProcedureCommand::DecideAppeal { decided_on, outcome } => {
                if self.state != Appealed {
                    return Err(illegal(self.state));
                }
                let lodged = self.appeal.as_ref().map(|a| a.lodged_on).ok_or(illegal(self.state))?;
                not_after_today("decided_on", decided_on, lodged)?;
                if let AppealOutcome::Reduced { amount_eur } = outcome {
                    let imposed = self.amount_due().unwrap_or(0);
                    if amount_eur == 0 || amount_eur >= imposed {
                        return Err(ProcedureError::FineOutOfRange { min_eur: 1, max_eur: imposed.saturating_sub(1) });
                    }
                }
                if let Some(appeal) = self.appeal.as_mut() {
                    appeal.decided = Some((decided_on, outcome));
                }
                let summary = match outcome {
                    AppealOutcome::Upheld => "upheld".to_owned(),
                    AppealOutcome::Reduced { amount_eur } => format!("reduced to {amount_eur} EUR"),
                    AppealOutcome::Annulled => "annulled".to_owned(),
                };
                let mut events = vec![step(EventKind::SanctionAppealDecided, format!("appeal {summary} {decided_on}"))];
                if outcome == AppealOutcome::Annulled {
                    events.push(self.close(decided_on, ProcedureClosure::AnnulledOnAppeal));
                } else {
                    self.state = DecisionNotified;
                }
                Ok(events)
            }
            ProcedureCommand::RecordPayment { paid_on, amount_eur } => {
                if self.state != DecisionNotified {
                    return Err(illegal(self.state));
                }
                let due = self.amount_due().ok_or(illegal(self.state))?;
                let notified = self.decision.as_ref().and_then(|d| d.notified_on).ok_or(illegal(self.state))?;
                not_after_today("paid_on", paid_on, notified)?;
                if amount_eur != due {
                    return Err(ProcedureError::AmountNotDue { due_eur: due });
                }
                self.paid = Some((paid_on, amount_eur));
                Ok(vec![
                    step(EventKind::SanctionFinePaid, format!("{amount_eur} EUR paid {paid_on}")),
                    self.close(paid_on, ProcedureClosure::Paid),
                ])
            }
            ProcedureCommand::Close { date, reason } => {
                if self.state == Closed {
                    return Err(illegal(self.state));
                }
                not_after_today("date", date, self.opened_on)?;
                let refuse = |because| Err(ProcedureError::ClosureNotAllowed { because });
                match reason {
                    ProcedureClosure::Regularised if ctx.regularised_on.is_none() => return refuse("not_regularised"),
                    ProcedureClosure::Regularised => {}
                    ProcedureClosure::Paid => return refuse("use_record_payment"),
                    ProcedureClosure::AnnulledOnAppeal => return refuse("not_annulled"),
                    ProcedureClosure::NoFineDecided => {
                        if self.state != DecisionNotified {
                            return Err(illegal(self.state));
                        }
                        if self.amount_due().is_some() {
                            return refuse("fine_imposed");
                        }
                    }
                    ProcedureClosure::SentForRecovery => {
                        if self.state == Appealed {
                            return refuse("appeal_pending");
                        }
                        if self.state != DecisionNotified || self.amount_due().is_none() {
                            return Err(illegal(self.state));
                        }
                        if self.appeal.is_none() && self.appeal_due().is_some_and(|due| date <= due) {
                            return refuse("appeal_period_running");
                        }
                    }
                }
                Ok(vec![self.close(date, reason)])
            }
        }
    }

    fn within_range(&self, amount_eur: u32) -> Result<(), ProcedureError> {
        let FineRange { min_eur, max_eur } = self.fine_range;
        if (min_eur..=max_eur).contains(&amount_eur) {
            Ok(())
        } else {
            Err(ProcedureError::FineOutOfRange { min_eur, max_eur })
        }
    }

    fn close(&mut self, date: NaiveDate, reason: ProcedureClosure) -> CaseEvent {
        self.closure = Some((date, reason));
        self.state = ProcedureState::Closed;
        step(EventKind::SanctionProcedureClosed, format!("closed {date}: {}", reason.code()))
    }
}

fn describe(outcome: DecisionOutcome) -> String {
    match outcome {
        DecisionOutcome::Fine { amount_eur } => format!("fine {amount_eur} EUR"),
        other => other.code().to_owned(),
    }
}

fn text(field: &'static str, value: &str, minimum: usize) -> Result<(), ProcedureError> {
    if value.trim().chars().count() < minimum { Err(ProcedureError::TextMissing { field }) } else { Ok(()) }
}

fn step(kind: EventKind, summary: String) -> CaseEvent {
    CaseEvent { kind, reason: kind.description(), basis: kind.basis(), summary, document: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn ctx(today: NaiveDate) -> ProcedureContext {
        ProcedureContext {
            today,
            observation_days: 15,
            appeal_days: 30,
            appeal_route: "un recours auprès du tribunal de première instance".into(),
            regularised_on: None,
            report_to_commune_and_cpas: true,
        }
    }

    fn opened() -> SanctionProcedure {
        SanctionProcedure::open(
            BreachKind::PresentationMissed,
            d(2027, 3, 1),
            d(2027, 3, 2),
            FineRange { min_eur: 100, max_eur: 2500 },
            vec![],
            d(2027, 4, 1),
        )
        .0
    }

    fn noticed() -> SanctionProcedure {
        let mut p = opened();
        let notice = ProcedureCommand::SendNotice {
            sent_on: d(2027, 4, 2),
            channel: NotificationChannel::RegisteredPost,
            notified_on: d(2027, 4, 5),
        };
        p.apply(notice, &ctx(d(2027, 4, 5))).expect("notice");
        p
    }

    fn observe(p: &mut SanctionProcedure, on: NaiveDate) {
        let observation = ProcedureCommand::RecordObservation {
            received_on: on,
            form: ObservationForm::Written,
            summary: "Je travaillais de nuit et n'ai pas pu venir.".into(),
            hearing_minutes: None,
            supersedes: None,
        };
        p.apply(observation, &ctx(on)).expect("observation");
    }

    fn draft(by: &str, outcome: DecisionOutcome, answers: Vec<ObservationAnswer>) -> ProcedureCommand {
        ProcedureCommand::DraftDecision {
            drafted_on: d(2027, 4, 25),
            drafted_by: by.into(),
            outcome,
            reasoning: "La personne ne s'est pas présentée dans le délai ; l'offre du CRI était disponible.".into(),
            answers,
        }
    }

    fn answer(observation: u32) -> ObservationAnswer {
        ObservationAnswer { observation, answer: "Le travail de nuit n'empêchait pas un rendez-vous de jour.".into() }
    }

    #[test]
    fn the_observation_period_counts_from_the_proven_notification() {
        let p = noticed();
        assert_eq!(p.notice.as_ref().map(|n| n.observations_due), Some(d(2027, 4, 20)));
        let mut on_time = p;
        let command = ProcedureCommand::DraftDecision {
            drafted_on: d(2027, 4, 20),
            drafted_by: "officer-a".into(),
            outcome: DecisionOutcome::NoFine,
            reasoning: "x".repeat(50),
            answers: vec![],
        };
        assert_eq!(
            on_time.apply(command, &ctx(d(2027, 4, 20))),
            Err(ProcedureError::ObservationPeriodRunning { until: d(2027, 4, 20) })
        );
    }

    #[test]
    fn a_fine_outside_the_range_is_refused() {
        let mut p = noticed();
        for amount_eur in [99, 2501] {
            assert_eq!(
                p.apply(draft("officer-a", DecisionOutcome::Fine { amount_eur }, vec![]), &ctx(d(2027, 4, 25))),
                Err(ProcedureError::FineOutOfRange { min_eur: 100, max_eur: 2500 })
            );
        }
        assert!(
            p.apply(draft("officer-a", DecisionOutcome::Fine { amount_eur: 100 }, vec![]), &ctx(d(2027, 4, 25)))
                .is_ok()
        );
    }

    #[test]
    fn a_decision_that_does_not_answer_a_recorded_observation_is_refused() {
        let mut p = noticed();
        observe(&mut p, d(2027, 4, 10));
        let fine = DecisionOutcome::Fine { amount_eur: 150 };
        assert_eq!(
            p.apply(draft("officer-a", fine, vec![]), &ctx(d(2027, 4, 25))),
            Err(ProcedureError::ObservationsNotAnswered { numbers: vec![1] })
        );
        p.apply(draft("officer-a", fine, vec![answer(1)]), &ctx(d(2027, 4, 25))).expect("answered");
        // A late observation arrives after the draft: flagged, kept, and the signature must wait for an answer.
        observe(&mut p, d(2027, 4, 26));
        assert!(p.observations[1].late);
        let sign = ProcedureCommand::SignDecision { signed_on: d(2027, 4, 27), signed_by: "officer-b".into() };
        assert_eq!(
            p.apply(sign.clone(), &ctx(d(2027, 4, 27))),
            Err(ProcedureError::ObservationsNotAnswered { numbers: vec![2] })
        );
    }

    #[test]
    fn the_drafter_cannot_sign_the_decision() {
        let mut p = noticed();
        p.apply(draft("officer-a", DecisionOutcome::Fine { amount_eur: 150 }, vec![]), &ctx(d(2027, 4, 25)))
            .expect("draft");
        let same = ProcedureCommand::SignDecision { signed_on: d(2027, 4, 26), signed_by: "officer-a".into() };
        assert_eq!(p.apply(same, &ctx(d(2027, 4, 26))), Err(ProcedureError::SameOfficial));
        let other = ProcedureCommand::SignDecision { signed_on: d(2027, 4, 26), signed_by: "officer-b".into() };
        p.apply(other, &ctx(d(2027, 4, 26))).expect("signed");
        assert_eq!(p.state, ProcedureState::DecisionSigned);
        assert_eq!(p.decision.as_ref().map(|d| d.appeal_days), Some(30));
    }

    #[test]
    fn regularisation_closes_the_procedure_and_only_when_it_happened() {
        let mut p = noticed();
        let close = ProcedureCommand::Close { date: d(2027, 4, 12), reason: ProcedureClosure::Regularised };
        assert_eq!(
            p.apply(close.clone(), &ctx(d(2027, 4, 12))),
            Err(ProcedureError::ClosureNotAllowed { because: "not_regularised" })
        );
        let regularised = ProcedureContext { regularised_on: Some(d(2027, 4, 11)), ..ctx(d(2027, 4, 12)) };
        let events = p.apply(close, &regularised).expect("closed");
        assert_eq!(p.state, ProcedureState::Closed);
        assert_eq!(p.closure, Some((d(2027, 4, 12), ProcedureClosure::Regularised)));
        assert_eq!(events[0].kind, EventKind::SanctionProcedureClosed);
    }

    #[test]
    fn a_notified_fine_is_reported_appealed_reduced_and_paid() {
        let mut p = noticed();
        p.apply(draft("officer-a", DecisionOutcome::Fine { amount_eur: 300 }, vec![]), &ctx(d(2027, 4, 25)))
            .expect("draft");
        let sign = ProcedureCommand::SignDecision { signed_on: d(2027, 4, 26), signed_by: "officer-b".into() };
        p.apply(sign, &ctx(d(2027, 4, 26))).expect("signed");
        let notify = ProcedureCommand::NotifyDecision {
            notified_on: d(2027, 4, 28),
            channel: NotificationChannel::RegisteredPost,
        };
        let events = p.apply(notify, &ctx(d(2027, 4, 28))).expect("notified");
        let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::SanctionDecisionNotified, EventKind::SanctionReported]);
        assert_eq!(p.appeal_due(), Some(d(2027, 5, 28)));
        let recovery = ProcedureCommand::Close { date: d(2027, 5, 20), reason: ProcedureClosure::SentForRecovery };
        assert_eq!(
            p.clone().apply(recovery, &ctx(d(2027, 5, 20))),
            Err(ProcedureError::ClosureNotAllowed { because: "appeal_period_running" })
        );
        let appeal = ProcedureCommand::RecordAppeal {
            lodged_on: d(2027, 5, 10),
            court: "Tribunal de première instance de Liège".into(),
            reference: None,
        };
        p.apply(appeal, &ctx(d(2027, 5, 10))).expect("appeal");
        let reduced = ProcedureCommand::DecideAppeal {
            decided_on: d(2027, 9, 1),
            outcome: AppealOutcome::Reduced { amount_eur: 100 },
        };
        p.apply(reduced, &ctx(d(2027, 9, 1))).expect("decided");
        assert_eq!(p.amount_due(), Some(100));
        let wrong = ProcedureCommand::RecordPayment { paid_on: d(2027, 9, 10), amount_eur: 300 };
        assert_eq!(p.apply(wrong, &ctx(d(2027, 9, 10))), Err(ProcedureError::AmountNotDue { due_eur: 100 }));
        let paid = ProcedureCommand::RecordPayment { paid_on: d(2027, 9, 10), amount_eur: 100 };
        p.apply(paid, &ctx(d(2027, 9, 10))).expect("paid");
        assert_eq!(p.closure, Some((d(2027, 9, 10), ProcedureClosure::Paid)));
    }

    #[test]
    fn without_the_parameter_a_fine_is_not_reported_and_no_fine_closes_once_notified() {
        let mut p = noticed();
        p.apply(draft("officer-a", DecisionOutcome::NoFine, vec![]), &ctx(d(2027, 4, 25))).expect("draft");
        p.apply(
            ProcedureCommand::SignDecision { signed_on: d(2027, 4, 26), signed_by: "officer-b".into() },
            &ctx(d(2027, 4, 26)),
        )
        .expect("signed");
        let quiet = ProcedureContext { report_to_commune_and_cpas: false, ..ctx(d(2027, 4, 28)) };
        let notify =
            ProcedureCommand::NotifyDecision { notified_on: d(2027, 4, 28), channel: NotificationChannel::Ebox };
        assert_eq!(p.apply(notify, &quiet).expect("notified").len(), 1);
        p.apply(
            ProcedureCommand::Close { date: d(2027, 4, 28), reason: ProcedureClosure::NoFineDecided },
            &ctx(d(2027, 4, 28)),
        )
        .expect("closed");
        assert_eq!(p.state, ProcedureState::Closed);
    }

    #[test]
    fn an_observation_is_superseded_never_edited() {
        let mut p = noticed();
        observe(&mut p, d(2027, 4, 10));
        let correction = ProcedureCommand::RecordObservation {
            received_on: d(2027, 4, 10),
            form: ObservationForm::Hearing,
            summary: "Entendue : travail de nuit, enfant malade.".into(),
            hearing_minutes: Some("Procès-verbal d'audition du 10/04/2027, signé.".into()),
            supersedes: Some(1),
        };
        p.apply(correction, &ctx(d(2027, 4, 12))).expect("recorded");
        assert_eq!(p.observations.len(), 2);
        assert_eq!(p.observations[0].superseded_by, Some(2));
        assert_eq!(p.observations_in_force().map(|o| o.number).collect::<Vec<_>>(), vec![2]);
        let minutes_missing = ProcedureCommand::RecordObservation {
            received_on: d(2027, 4, 11),
            form: ObservationForm::Hearing,
            summary: "Entendue sans procès-verbal.".into(),
            hearing_minutes: None,
            supersedes: None,
        };
        assert_eq!(p.apply(minutes_missing, &ctx(d(2027, 4, 12))), Err(ProcedureError::HearingMinutesMissing));
    }
}

/// One rule of non-compliance and the sanction procedure, for `docs/rules.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureRule {
    /// Short name.
    pub name: &'static str,
    /// What the rule says, as coded.
    pub rule: &'static str,
    /// Legal basis.
    pub basis: &'static str,
    /// How sure the law is.
    pub confidence: crate::law::Confidence,
    /// Where it is coded (or the parameter that sets it).
    pub code: &'static str,
}

/// Every rule of non-compliance and of the procedure, in the order of the procedure.
pub const PROCEDURE_RULES: &[ProcedureRule] = {
    use crate::law::Confidence::{Confirmed, Likely, Unconfirmed};
    &[
        ProcedureRule {
            name: "Triggers",
            rule: "A presentation deadline passed without presentation, a completion deadline passed with the case still open, or a convention not respected as the CRI reports; each becomes one non-compliance record (once per case, kind and deadline).",
            basis: "CWASS art. 152/7-152/8; rule 6.3",
            confidence: Likely,
            code: "non_compliance::breach_detected, may_report_convention_breach",
        },
        ProcedureRule {
            name: "CRI review",
            rule: "The CRI excuses (force majeure; a dispensation claim pending; a suspension that should have been recorded, which is recorded and moves the deadlines) or hands the file over, with a reason.",
            basis: "CWASS art. 152/7 (force majeure, suspension), 152/7 §3 (dispensation); rule 6.3",
            confidence: Likely,
            code: "non_compliance::may_review",
        },
        ProcedureRule {
            name: "Obligation with a fine",
            rule: "Only an obliged person, under a regime that provides a fine (every regime since 2014), can be fined; a volunteer never.",
            basis: "CWASS art. 152/7-152/8; rule 6.1",
            confidence: Confirmed,
            code: "non_compliance::check_preconditions (obliged_under_a_regime_with_fines)",
        },
        ProcedureRule {
            name: "Fines applicable",
            rule: "The date of the facts is on or after the parameter fines_applicable_from (1 January 2019).",
            basis: "CWASS art. 152/8; rule 6.2",
            confidence: Likely,
            code: "parameter fines_applicable_from",
        },
        ProcedureRule {
            name: "No dispensation",
            rule: "No dispensation granted on the date of the facts, and no dispensation claim awaiting the CRI's decision.",
            basis: "CWASS art. 152/7 §3; rule 2.4",
            confidence: Confirmed,
            code: "non_compliance::check_preconditions (no_dispensation, no_pending_dispensation_claim)",
        },
        ProcedureRule {
            name: "Region's supply",
            rule: "For every axis the convention requires (not waived), a place was offered to the person on or before the date of the facts (a place held through an enrolment, or an offer the CRI recorded); a waiting list is not an offer; a suspension for want of a course place covering the date blocks. Any failure blocks the procedure: it cannot be opened.",
            basis: "CWASS art. 152/8; rule 6.2",
            confidence: Confirmed,
            code: "non_compliance::check_preconditions (region_supply, no_course_place_suspension)",
        },
        ProcedureRule {
            name: "Not regularised",
            rule: "The person has not presented (missed presentation) or completed (missed completion, convention); regularising during the procedure lets the official close it.",
            basis: "CWASS art. 152/8 (a last resort)",
            confidence: Likely,
            code: "non_compliance::check_preconditions (not_regularised); SanctionProcedure::apply (Close regularised)",
        },
        ProcedureRule {
            name: "Notice and observations",
            rule: "The notice states the facts, the law, the evidence and how to consult the file; the observation period counts from its proven notification; observations are written or heard (minutes required); a late observation is flagged and kept.",
            basis: "Principle audi alteram partem; rule 6.3 (procedure UNCONFIRMED); parameter sanction_observation_days",
            confidence: Unconfirmed,
            code: "SanctionProcedure::apply (SendNotice, RecordObservation)",
        },
        ProcedureRule {
            name: "Reasoned decision",
            rule: "No decision before the observation period ends; the reasons are stated in fact and in law and answer every observation in force (a late one included); a fine lies within fine_range on the date of the facts.",
            basis: "Loi du 29 juillet 1991; CWASS art. 152/8; rule 6.1 (parameter fine_range)",
            confidence: Confirmed,
            code: "SanctionProcedure::apply (DraftDecision, SignDecision)",
        },
        ProcedureRule {
            name: "Two officials",
            rule: "The official who signs the decision is not the one who drafted it.",
            basis: "Internal control (four-eyes); not in the texts found",
            confidence: Unconfirmed,
            code: "SanctionProcedure::apply (SignDecision)",
        },
        ProcedureRule {
            name: "Appeal",
            rule: "The decision states the appeal route and period (parameters sanction_appeal_route, sanction_appeal_days); the period counts from the decision's proven notification; a late appeal is recorded and flagged; recovery only after the period, with no appeal pending.",
            basis: "Loi du 11 avril 1994, art. 2, 4°; rule 6.3 (route UNCONFIRMED)",
            confidence: Unconfirmed,
            code: "SanctionProcedure::apply (NotifyDecision, RecordAppeal, DecideAppeal, Close)",
        },
        ProcedureRule {
            name: "Commune and CPAS",
            rule: "A notified fine is reported to the commune of domicile and the person's CPAS when the parameter sanction_reported_to_commune_and_cpas says so; nothing else of the procedure reaches them.",
            basis: "Rule 6.4",
            confidence: Likely,
            code: "SanctionProcedure::apply (NotifyDecision); event sanction_reported",
        },
    ]
};
