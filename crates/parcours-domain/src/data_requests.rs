//! Requests from the person about their data (GDPR art. 12 and 15-18), which the CRI competent for them
//! handles: access, rectification, restriction, erasure. Each is answered within one month of receipt,
//! extendable once by two further months with reasons (art. 12(3)); a refusal states its reasons and the
//! person's remedies (art. 12(4)). Most erasure and restriction requests are refused or restricted because
//! the processing is a legal obligation (art. 17(3)(b), 18(2)): the decision says so.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::add_months;
use crate::law::Bilingual;

/// What the person asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// A copy of their data, who received it, why and for how long (art. 15).
    Access,
    /// A correction of inaccurate data (art. 16).
    Rectification,
    /// A restriction of processing (art. 18).
    Restriction,
    /// Erasure (art. 17).
    Erasure,
}

impl RequestKind {
    /// Every kind.
    pub const ALL: [RequestKind; 4] =
        [RequestKind::Access, RequestKind::Rectification, RequestKind::Restriction, RequestKind::Erasure];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Rectification => "rectification",
            RequestKind::Restriction => "restriction",
            RequestKind::Erasure => "erasure",
        }
    }

    /// From its code.
    pub fn parse(code: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The article of the GDPR.
    pub fn article(self) -> &'static str {
        match self {
            RequestKind::Access => "RGPD art. 15",
            RequestKind::Rectification => "RGPD art. 16",
            RequestKind::Restriction => "RGPD art. 18",
            RequestKind::Erasure => "RGPD art. 17",
        }
    }

    /// Its name in a letter.
    pub fn label(self) -> Bilingual {
        match self {
            RequestKind::Access => {
                Bilingual { fr: "demande d'accès à vos données", en: "request for access to your data" }
            }
            RequestKind::Rectification => Bilingual { fr: "demande de rectification", en: "request for rectification" },
            RequestKind::Restriction => {
                Bilingual { fr: "demande de limitation du traitement", en: "request for restriction of processing" }
            }
            RequestKind::Erasure => Bilingual { fr: "demande d'effacement", en: "request for erasure" },
        }
    }

    /// Why the processing goes on, for a refusal of erasure or restriction: the legal obligation it serves.
    pub fn legal_obligation_reason(self) -> Option<Bilingual> {
        match self {
            RequestKind::Erasure => Some(Bilingual {
                fr: "Le traitement est nécessaire au respect d'une obligation légale (RGPD art. 17, §3, b) : le \
                     parcours d'intégration et son suivi sont imposés par le Code wallon de l'action sociale et de \
                     la santé (art. 152/7 à 153/1). Vos données seront effacées au terme de leur durée de \
                     conservation.",
                en: "The processing is necessary for compliance with a legal obligation (GDPR art. 17(3)(b)): the \
                     integration pathway and its follow-up are required by the Walloon Code of social action and \
                     health (art. 152/7 to 153/1). Your data will be erased at the end of its retention period.",
            }),
            RequestKind::Restriction => Some(Bilingual {
                fr: "Le traitement reste nécessaire au respect d'une obligation légale et à un motif important \
                     d'intérêt public (RGPD art. 18, §2 ; CWASS art. 152/7 à 153/1) : il se poursuit, limité à ce \
                     que la loi exige.",
                en: "The processing remains necessary for a legal obligation and an important reason of public \
                     interest (GDPR art. 18(2); CWASS art. 152/7 to 153/1): it goes on, limited to what the law \
                     requires.",
            }),
            RequestKind::Access | RequestKind::Rectification => None,
        }
    }
}

/// The CRI's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcome {
    /// Done as asked.
    Granted,
    /// Done in part.
    PartiallyGranted,
    /// Refused, with reasons.
    Refused,
}

impl RequestOutcome {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RequestOutcome::Granted => "granted",
            RequestOutcome::PartiallyGranted => "partially_granted",
            RequestOutcome::Refused => "refused",
        }
    }

    /// From its code.
    pub fn parse(code: &str) -> Option<RequestOutcome> {
        [RequestOutcome::Granted, RequestOutcome::PartiallyGranted, RequestOutcome::Refused]
            .into_iter()
            .find(|outcome| outcome.code() == code)
    }
}

/// A request's dates and decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequest {
    /// What is asked.
    pub kind: RequestKind,
    /// When the CRI received it (the month runs from here).
    pub received_on: NaiveDate,
    /// The extension, when one was decided: the new deadline and its reasons.
    pub extension: Option<Extension>,
    /// The decision, once made.
    pub decision: Option<Decision>,
}

/// An extension of the deadline (art. 12(3)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Decided on.
    pub decided_on: NaiveDate,
    /// Why (the complexity and number of requests).
    pub reason: String,
}

/// A decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Outcome.
    pub outcome: RequestOutcome,
    /// Reasons, in French (the letter prints them).
    pub reasons: String,
    /// Decided on.
    pub decided_on: NaiveDate,
}

/// Why a step on a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestRefusal {
    /// Received in the future, or a decision dated before receipt or in the future.
    DateOutOfRange,
    /// Decided already.
    AlreadyDecided,
    /// Extended already (once only).
    AlreadyExtended,
    /// The deadline has passed: an extension must be decided within the first month.
    ExtensionTooLate,
    /// The reasons are missing or too short for what the decision needs.
    ReasonsRequired,
}

impl RequestRefusal {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RequestRefusal::DateOutOfRange => "date_out_of_range",
            RequestRefusal::AlreadyDecided => "request_decided",
            RequestRefusal::AlreadyExtended => "request_extended",
            RequestRefusal::ExtensionTooLate => "extension_too_late",
            RequestRefusal::ReasonsRequired => "reasons_required",
        }
    }

    /// The message.
    pub fn message(self) -> Bilingual {
        match self {
            RequestRefusal::DateOutOfRange => Bilingual {
                fr: "Date impossible : ni dans le futur, ni avant la réception de la demande.",
                en: "Impossible date: neither in the future nor before the request was received.",
            },
            RequestRefusal::AlreadyDecided => {
                Bilingual { fr: "Cette demande a déjà reçu une décision.", en: "This request was decided already." }
            }
            RequestRefusal::AlreadyExtended => Bilingual {
                fr: "Le délai ne se prolonge qu'une fois (RGPD art. 12, §3).",
                en: "The deadline is extended once only (GDPR art. 12(3)).",
            },
            RequestRefusal::ExtensionTooLate => Bilingual {
                fr: "La prolongation doit être décidée et communiquée dans le mois qui suit la réception (RGPD art. \
                     12, §3).",
                en: "The extension must be decided and communicated within one month of receipt (GDPR art. 12(3)).",
            },
            RequestRefusal::ReasonsRequired => Bilingual {
                fr: "Motifs requis (20 caractères au moins) : un refus, une acceptation partielle ou une prolongation \
                     se motive.",
                en: "Reasons required (at least 20 characters): a refusal, a partial grant or an extension states \
                     its reasons.",
            },
        }
    }
}

const MIN_REASONS: usize = 20;

impl DataRequest {
    /// A request received on `received_on` (not after `today`).
    pub fn receive(kind: RequestKind, received_on: NaiveDate, today: NaiveDate) -> Result<DataRequest, RequestRefusal> {
        if received_on > today {
            return Err(RequestRefusal::DateOutOfRange);
        }
        Ok(DataRequest { kind, received_on, extension: None, decision: None })
    }

    /// One month after receipt (art. 12(3)).
    pub fn initial_deadline(&self) -> NaiveDate {
        add_months(self.received_on, 1).unwrap_or(NaiveDate::MAX)
    }

    /// The deadline now: one month, or three after an extension.
    pub fn due_on(&self) -> NaiveDate {
        let months = if self.extension.is_some() { 3 } else { 1 };
        add_months(self.received_on, months).unwrap_or(NaiveDate::MAX)
    }

    /// Whether the deadline passed without a decision, or the decision came after it.
    pub fn late(&self, today: NaiveDate) -> bool {
        match &self.decision {
            Some(decision) => decision.decided_on > self.due_on(),
            None => today > self.due_on(),
        }
    }

    /// Whether the decision grants an erasure (the person is then erased at once: art. 17(1)).
    pub fn grants_erasure(&self) -> bool {
        self.kind == RequestKind::Erasure
            && self.decision.as_ref().is_some_and(|d| d.outcome == RequestOutcome::Granted)
    }

    /// Extends the deadline by two months, with reasons, within the first month.
    pub fn extend(&mut self, reason: &str, today: NaiveDate) -> Result<(), RequestRefusal> {
        if self.decision.is_some() {
            return Err(RequestRefusal::AlreadyDecided);
        }
        if self.extension.is_some() {
            return Err(RequestRefusal::AlreadyExtended);
        }
        if today > self.initial_deadline() {
            return Err(RequestRefusal::ExtensionTooLate);
        }
        if reason.trim().chars().count() < MIN_REASONS {
            return Err(RequestRefusal::ReasonsRequired);
        }
        self.extension = Some(Extension { decided_on: today, reason: reason.trim().to_owned() });
        Ok(())
    }

    /// Decides. A refusal or a partial grant needs reasons; so does any decision on erasure or restriction
    /// (it says whether the legal obligation keeps the processing going).
    pub fn decide(
        &mut self,
        outcome: RequestOutcome,
        reasons: &str,
        decided_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<(), RequestRefusal> {
        if self.decision.is_some() {
            return Err(RequestRefusal::AlreadyDecided);
        }
        if decided_on > today || decided_on < self.received_on {
            return Err(RequestRefusal::DateOutOfRange);
        }
        let needs_reasons =
            outcome != RequestOutcome::Granted || matches!(self.kind, RequestKind::Erasure | RequestKind::Restriction);
        if needs_reasons && reasons.trim().chars().count() < MIN_REASONS {
            return Err(RequestRefusal::ReasonsRequired);
        }
        self.decision = Some(Decision { outcome, reasons: reasons.trim().to_owned(), decided_on });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_month_runs_from_receipt_and_an_extension_adds_two_once_with_reasons() {
        let mut request = DataRequest::receive(RequestKind::Access, d(2026, 1, 31), d(2026, 2, 1)).expect("received");
        assert_eq!(request.due_on(), d(2026, 2, 28), "end of the shorter month");
        assert!(!request.late(d(2026, 2, 28)));
        assert!(request.late(d(2026, 3, 1)));
        assert_eq!(request.extend("trop court", d(2026, 2, 10)), Err(RequestRefusal::ReasonsRequired));
        let reason = "Dossier volumineux : trois CRI et deux communes à interroger.";
        request.extend(reason, d(2026, 2, 10)).expect("extended");
        assert_eq!(request.due_on(), d(2026, 4, 30));
        assert_eq!(request.extend(reason, d(2026, 2, 11)), Err(RequestRefusal::AlreadyExtended));
        let mut late = DataRequest::receive(RequestKind::Access, d(2026, 1, 5), d(2026, 1, 5)).expect("received");
        assert_eq!(late.extend(reason, d(2026, 2, 6)), Err(RequestRefusal::ExtensionTooLate));
    }

    #[test]
    fn a_refusal_and_any_erasure_decision_state_their_reasons() {
        let mut erasure = DataRequest::receive(RequestKind::Erasure, d(2026, 3, 1), d(2026, 3, 1)).expect("received");
        assert_eq!(
            erasure.decide(RequestOutcome::Granted, "", d(2026, 3, 2), d(2026, 3, 2)),
            Err(RequestRefusal::ReasonsRequired)
        );
        assert_eq!(
            erasure.decide(RequestOutcome::Refused, "x", d(2026, 2, 1), d(2026, 3, 2)),
            Err(RequestRefusal::DateOutOfRange)
        );
        let reasons = RequestKind::Erasure.legal_obligation_reason().expect("reason").fr;
        erasure.decide(RequestOutcome::Refused, reasons, d(2026, 3, 2), d(2026, 3, 2)).expect("decided");
        assert!(!erasure.late(d(2026, 6, 1)));
        assert_eq!(erasure.extend(reasons, d(2026, 3, 3)), Err(RequestRefusal::AlreadyDecided));
        let mut access = DataRequest::receive(RequestKind::Access, d(2026, 3, 1), d(2026, 3, 1)).expect("received");
        access.decide(RequestOutcome::Granted, "", d(2026, 3, 2), d(2026, 3, 2)).expect("a grant of access needs none");
        assert_eq!(
            DataRequest::receive(RequestKind::Access, d(2026, 3, 2), d(2026, 3, 1)),
            Err(RequestRefusal::DateOutOfRange)
        );
    }
}
