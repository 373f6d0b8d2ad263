//! Sanction procedures, for the Region's sanctioning officials (role `sanctions_officer` at `region:SPW`):
//! the files the CRIs handed over, their steps (notice, observations, decision drafted and signed by two
//! officials, notification, appeal, payment or closure), and their documents (the notice, the decision,
//! the evidence file). The CRI holding the case reads its own; for anyone else a procedure does not exist.

pub mod create_step;
pub mod documents;
pub mod get;
pub mod get_decision;
pub mod get_file;
pub mod get_notice;
pub mod list;

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, NaiveDate, Utc};
use parcours_domain::sanction::{
    AppealOutcome, DecisionOutcome, NotificationChannel, ObservationForm, ProcedureClosure, ProcedureState,
};
use parcours_store::sanction_procedures::ProcedureView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::handlers::non_compliances::{BreachKindDto, PreconditionDto};

/// Where a procedure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureStateDto {
    /// Opened: the notice is to send.
    Opened,
    /// Notice sent: the observation period runs.
    NoticeSent,
    /// A decision is drafted, awaiting a second official's signature.
    DecisionDrafted,
    /// Signed, to notify.
    DecisionSigned,
    /// Notified: the appeal period runs; a fine awaits payment.
    DecisionNotified,
    /// An appeal is lodged.
    Appealed,
    /// Closed.
    Closed,
}

impl From<ProcedureState> for ProcedureStateDto {
    fn from(state: ProcedureState) -> Self {
        match state {
            ProcedureState::Opened => ProcedureStateDto::Opened,
            ProcedureState::NoticeSent => ProcedureStateDto::NoticeSent,
            ProcedureState::DecisionDrafted => ProcedureStateDto::DecisionDrafted,
            ProcedureState::DecisionSigned => ProcedureStateDto::DecisionSigned,
            ProcedureState::DecisionNotified => ProcedureStateDto::DecisionNotified,
            ProcedureState::Appealed => ProcedureStateDto::Appealed,
            ProcedureState::Closed => ProcedureStateDto::Closed,
        }
    }
}

impl From<ProcedureStateDto> for ProcedureState {
    fn from(state: ProcedureStateDto) -> Self {
        match state {
            ProcedureStateDto::Opened => ProcedureState::Opened,
            ProcedureStateDto::NoticeSent => ProcedureState::NoticeSent,
            ProcedureStateDto::DecisionDrafted => ProcedureState::DecisionDrafted,
            ProcedureStateDto::DecisionSigned => ProcedureState::DecisionSigned,
            ProcedureStateDto::DecisionNotified => ProcedureState::DecisionNotified,
            ProcedureStateDto::Appealed => ProcedureState::Appealed,
            ProcedureStateDto::Closed => ProcedureState::Closed,
        }
    }
}

/// How a notice or a decision reached the person (the proof of its date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationChannelDto {
    /// Registered letter: the date the post presented it.
    RegisteredPost,
    /// Handed over against a signed receipt.
    HandDeliveredWithReceipt,
    /// eBox citoyen, with its acknowledgement.
    Ebox,
}

impl From<NotificationChannel> for NotificationChannelDto {
    fn from(channel: NotificationChannel) -> Self {
        match channel {
            NotificationChannel::RegisteredPost => NotificationChannelDto::RegisteredPost,
            NotificationChannel::HandDeliveredWithReceipt => NotificationChannelDto::HandDeliveredWithReceipt,
            NotificationChannel::Ebox => NotificationChannelDto::Ebox,
        }
    }
}

impl From<NotificationChannelDto> for NotificationChannel {
    fn from(channel: NotificationChannelDto) -> Self {
        match channel {
            NotificationChannelDto::RegisteredPost => NotificationChannel::RegisteredPost,
            NotificationChannelDto::HandDeliveredWithReceipt => NotificationChannel::HandDeliveredWithReceipt,
            NotificationChannelDto::Ebox => NotificationChannel::Ebox,
        }
    }
}

/// Written observations or a hearing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObservationFormDto {
    /// A letter or e-mail.
    Written,
    /// A hearing, with its minutes.
    Hearing,
}

/// What a decision decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcomeDto {
    /// A fine (`amount_eur`).
    Fine,
    /// Breach established, no fine.
    NoFine,
    /// Dismissed.
    Dismissal,
}

/// What the court decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcomeDto {
    /// The decision stands.
    Upheld,
    /// The fine is reduced (`amount_eur`).
    Reduced,
    /// The decision is annulled.
    Annulled,
}

/// Why a procedure closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureClosureDto {
    /// The fine was paid (recorded by `record_payment`).
    Paid,
    /// The decision imposed no fine or dismissed the procedure.
    NoFineDecided,
    /// Annulled on appeal (recorded by `decide_appeal`).
    AnnulledOnAppeal,
    /// The person presented or completed during the procedure.
    Regularised,
    /// Unpaid after the appeal period: to the Region's recovery service.
    SentForRecovery,
}

impl From<ProcedureClosure> for ProcedureClosureDto {
    fn from(closure: ProcedureClosure) -> Self {
        match closure {
            ProcedureClosure::Paid => ProcedureClosureDto::Paid,
            ProcedureClosure::NoFineDecided => ProcedureClosureDto::NoFineDecided,
            ProcedureClosure::AnnulledOnAppeal => ProcedureClosureDto::AnnulledOnAppeal,
            ProcedureClosure::Regularised => ProcedureClosureDto::Regularised,
            ProcedureClosure::SentForRecovery => ProcedureClosureDto::SentForRecovery,
        }
    }
}

impl From<ProcedureClosureDto> for ProcedureClosure {
    fn from(closure: ProcedureClosureDto) -> Self {
        match closure {
            ProcedureClosureDto::Paid => ProcedureClosure::Paid,
            ProcedureClosureDto::NoFineDecided => ProcedureClosure::NoFineDecided,
            ProcedureClosureDto::AnnulledOnAppeal => ProcedureClosure::AnnulledOnAppeal,
            ProcedureClosureDto::Regularised => ProcedureClosure::Regularised,
            ProcedureClosureDto::SentForRecovery => ProcedureClosure::SentForRecovery,
        }
    }
}

/// The breach the procedure is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreachDto {
    /// What was breached.
    pub kind: BreachKindDto,
    /// The deadline passed, or the date of the CRI's finding.
    pub deadline: NaiveDate,
    /// The date of the facts.
    pub breach_date: NaiveDate,
    /// The non-compliance record it comes from.
    pub non_compliance_id: String,
}

/// The fine range in force on the date of the facts (rule 6.1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FineRangeDto {
    /// Minimum, in euros.
    pub min_eur: u32,
    /// Maximum, in euros.
    pub max_eur: u32,
}

/// The notice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoticeDto {
    /// Sent on.
    pub sent_on: NaiveDate,
    /// How.
    pub channel: NotificationChannelDto,
    /// Proven notification date.
    pub notified_on: NaiveDate,
    /// Last day for observations.
    pub observations_due: NaiveDate,
}

/// An observation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ObservationDto {
    /// Number, from 1.
    pub number: u32,
    /// Received on.
    pub received_on: NaiveDate,
    /// Written or at a hearing.
    pub form: ObservationFormDto,
    /// What the person says.
    pub summary: String,
    /// Minutes of the hearing.
    pub hearing_minutes: Option<String>,
    /// Received after the observation period (kept and answered all the same).
    pub late: bool,
    /// The observation it corrects.
    pub supersedes: Option<u32>,
    /// Corrected by.
    pub superseded_by: Option<u32>,
}

/// The answer to one observation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerDto {
    /// The observation's number.
    pub observation: u32,
    /// Why it is accepted or not (at least 10 characters).
    pub answer: String,
}

/// A decision as drafted.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DraftDto {
    /// Number, from 1.
    pub number: u32,
    /// Drafted on.
    pub drafted_on: NaiveDate,
    /// The drafting official.
    pub drafted_by: String,
    /// What it decides.
    pub outcome: DecisionOutcomeDto,
    /// The fine, for `fine`.
    pub amount_eur: Option<u32>,
    /// Reasons in fact and in law.
    pub reasoning: String,
    /// Answers to the observations.
    pub answers: Vec<AnswerDto>,
    /// Replaced by a later draft.
    pub superseded: bool,
}

/// The signed decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionDto {
    /// The draft signed.
    pub draft: u32,
    /// Signed on.
    pub signed_on: NaiveDate,
    /// The signing official (never the drafter).
    pub signed_by: String,
    /// The appeal route the decision states.
    pub appeal_route: String,
    /// Days to appeal from the notification.
    pub appeal_days: u32,
    /// Notified on.
    pub notified_on: Option<NaiveDate>,
    /// How.
    pub notified_by: Option<NotificationChannelDto>,
    /// Last day to appeal.
    pub appeal_due: Option<NaiveDate>,
}

/// An appeal.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AppealDto {
    /// Lodged on.
    pub lodged_on: NaiveDate,
    /// Court.
    pub court: String,
    /// Its reference.
    pub reference: Option<String>,
    /// Lodged after the appeal period.
    pub late: bool,
    /// Decided on.
    pub decided_on: Option<NaiveDate>,
    /// Outcome.
    pub outcome: Option<AppealOutcomeDto>,
    /// The reduced amount, for `reduced`.
    pub reduced_to_eur: Option<u32>,
}

/// A payment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaymentDto {
    /// Paid on.
    pub paid_on: NaiveDate,
    /// Amount, in euros.
    pub amount_eur: u32,
}

/// The closure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClosureDto {
    /// Date.
    pub date: NaiveDate,
    /// Why.
    pub reason: ProcedureClosureDto,
}

/// A step as recorded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StepDto {
    /// Order, from 1.
    pub seq: i32,
    /// Kind (event catalogue).
    pub kind: String,
    /// Summary (dates, codes, amounts).
    pub summary: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Who (token subject).
    pub recorded_by: String,
    /// Their organisation.
    pub organisation: String,
}

/// Links to the procedure's documents.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProcedureDocuments {
    /// The notice (once the procedure is open).
    pub notice: String,
    /// The decision (once one is drafted).
    pub decision: Option<String>,
    /// The evidence file.
    pub file: String,
}

/// A sanction procedure.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "01a24a10-0000-7000-8000-000000000001", "reference": "CRIPEL-2026-000001-S1",
    "case_id": "01a20c77-7b57-74d7-9abc-4cc1251bd929", "case_reference": "CRIPEL-2026-000001", "cri_code": "CRIPEL",
    "state": "opened", "version": 1,
    "breach": {"kind": "presentation_missed", "deadline": "2027-03-01", "breach_date": "2027-03-02", "non_compliance_id": "01a2363a-9c3a-77e9-b769-6a5edf119343"},
    "fine_range": {"min_eur": 100, "max_eur": 2500}, "preconditions": [], "opened_on": "2027-03-10",
    "notice": null, "observations": [], "drafts": [], "decision": null, "appeal": null, "amount_due_eur": null,
    "payment": null, "closure": null, "steps": [],
    "documents": {"notice": "/v1/sanctions/01a24a10-0000-7000-8000-000000000001/notice", "decision": null, "file": "/v1/sanctions/01a24a10-0000-7000-8000-000000000001/file"}}))]
pub struct ProcedureDto {
    /// Id.
    pub id: String,
    /// Reference.
    pub reference: String,
    /// Case.
    pub case_id: String,
    /// Case reference.
    pub case_reference: String,
    /// The CRI that handed the file over.
    pub cri_code: String,
    /// State.
    pub state: ProcedureStateDto,
    /// Version (the `ETag`; send it as `If-Match` with a step).
    pub version: i32,
    /// The breach.
    pub breach: BreachDto,
    /// The fine range on the date of the facts.
    pub fine_range: FineRangeDto,
    /// The preconditions as checked at the hand-over.
    pub preconditions: Vec<PreconditionDto>,
    /// Opened on.
    pub opened_on: NaiveDate,
    /// The notice.
    pub notice: Option<NoticeDto>,
    /// Observations, in the order received.
    pub observations: Vec<ObservationDto>,
    /// Drafts, oldest first.
    pub drafts: Vec<DraftDto>,
    /// The signed decision.
    pub decision: Option<DecisionDto>,
    /// The appeal.
    pub appeal: Option<AppealDto>,
    /// The amount due now (after an appeal that reduced it).
    pub amount_due_eur: Option<u32>,
    /// The payment.
    pub payment: Option<PaymentDto>,
    /// The closure.
    pub closure: Option<ClosureDto>,
    /// Every step as recorded.
    pub steps: Vec<StepDto>,
    /// Documents.
    pub documents: ProcedureDocuments,
}

fn outcome_parts(outcome: DecisionOutcome) -> (DecisionOutcomeDto, Option<u32>) {
    match outcome {
        DecisionOutcome::Fine { amount_eur } => (DecisionOutcomeDto::Fine, Some(amount_eur)),
        DecisionOutcome::NoFine => (DecisionOutcomeDto::NoFine, None),
        DecisionOutcome::Dismissal => (DecisionOutcomeDto::Dismissal, None),
    }
}

impl ProcedureDto {
    /// From the stored view.
    pub fn new(view: &ProcedureView) -> ProcedureDto {
        let (record, p) = (&view.record, &view.procedure);
        let base = format!("/v1/sanctions/{}", record.id);
        ProcedureDto {
            id: record.id.clone(),
            reference: record.reference.clone(),
            case_id: record.case_id.clone(),
            case_reference: view.case_reference.clone(),
            cri_code: record.cri_code.clone(),
            state: p.state.into(),
            version: record.version,
            breach: BreachDto {
                kind: p.breach.into(),
                deadline: p.deadline,
                breach_date: p.breach_date,
                non_compliance_id: record.non_compliance_id.clone(),
            },
            fine_range: FineRangeDto { min_eur: p.fine_range.min_eur, max_eur: p.fine_range.max_eur },
            preconditions: p.preconditions.iter().map(PreconditionDto::from).collect(),
            opened_on: p.opened_on,
            notice: p.notice.as_ref().map(|n| NoticeDto {
                sent_on: n.sent_on,
                channel: n.channel.into(),
                notified_on: n.notified_on,
                observations_due: n.observations_due,
            }),
            observations: p
                .observations
                .iter()
                .map(|o| ObservationDto {
                    number: o.number,
                    received_on: o.received_on,
                    form: match o.form {
                        ObservationForm::Written => ObservationFormDto::Written,
                        ObservationForm::Hearing => ObservationFormDto::Hearing,
                    },
                    summary: o.summary.clone(),
                    hearing_minutes: o.hearing_minutes.clone(),
                    late: o.late,
                    supersedes: o.supersedes,
                    superseded_by: o.superseded_by,
                })
                .collect(),
            drafts: p
                .drafts
                .iter()
                .map(|d| {
                    let (outcome, amount_eur) = outcome_parts(d.outcome);
                    DraftDto {
                        number: d.number,
                        drafted_on: d.drafted_on,
                        drafted_by: d.drafted_by.clone(),
                        outcome,
                        amount_eur,
                        reasoning: d.reasoning.clone(),
                        answers: d
                            .answers
                            .iter()
                            .map(|a| AnswerDto { observation: a.observation, answer: a.answer.clone() })
                            .collect(),
                        superseded: d.superseded,
                    }
                })
                .collect(),
            decision: p.decision.as_ref().map(|d| DecisionDto {
                draft: d.draft,
                signed_on: d.signed_on,
                signed_by: d.signed_by.clone(),
                appeal_route: d.appeal_route.clone(),
                appeal_days: d.appeal_days,
                notified_on: d.notified_on,
                notified_by: d.notified_by.map(NotificationChannelDto::from),
                appeal_due: p.appeal_due(),
            }),
            appeal: p.appeal.as_ref().map(|a| AppealDto {
                lodged_on: a.lodged_on,
                court: a.court.clone(),
                reference: a.reference.clone(),
                late: a.late,
                decided_on: a.decided.map(|(on, _)| on),
                outcome: a.decided.map(|(_, outcome)| match outcome {
                    AppealOutcome::Upheld => AppealOutcomeDto::Upheld,
                    AppealOutcome::Reduced { .. } => AppealOutcomeDto::Reduced,
                    AppealOutcome::Annulled => AppealOutcomeDto::Annulled,
                }),
                reduced_to_eur: match a.decided {
                    Some((_, AppealOutcome::Reduced { amount_eur })) => Some(amount_eur),
                    _ => None,
                },
            }),
            amount_due_eur: p.amount_due(),
            payment: p.paid.map(|(paid_on, amount_eur)| PaymentDto { paid_on, amount_eur }),
            closure: p.closure.map(|(date, reason)| ClosureDto { date, reason: reason.into() }),
            steps: view
                .steps
                .iter()
                .map(|s| StepDto {
                    seq: s.seq,
                    kind: s.kind.code().to_owned(),
                    summary: s.summary.clone(),
                    recorded_at: s.recorded_at.and_utc(),
                    recorded_by: s.recorded_by.clone(),
                    organisation: s.organisation.clone(),
                })
                .collect(),
            documents: ProcedureDocuments {
                notice: format!("{base}/notice"),
                decision: (!p.drafts.is_empty()).then(|| format!("{base}/decision")),
                file: format!("{base}/file"),
            },
        }
    }

    /// The response, with the `ETag`.
    pub fn respond(&self, status: actix_web::http::StatusCode) -> HttpResponse {
        HttpResponse::build(status).insert_header((header::ETAG, format!("\"{}\"", self.version))).json(self)
    }
}

/// The store's reader for an authorised caller.
pub fn store_reader(reader: &crate::auth::ProcedureReader) -> parcours_store::sanction_procedures::ProcedureReader {
    match reader {
        crate::auth::ProcedureReader::Officer(_) => {
            parcours_store::sanction_procedures::ProcedureReader::SanctionsOfficer
        }
        crate::auth::ProcedureReader::Cri(_, cri) => {
            parcours_store::sanction_procedures::ProcedureReader::Cri(cri.code().to_owned())
        }
    }
}
