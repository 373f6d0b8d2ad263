//! What the three documents of a procedure are made from, gathered in one read, and how each is laid
//! out from it (the notice, the decision, the evidence file). Shared by the three document endpoints.

use chrono::NaiveDate;
use parcours_documents::sanction_documents::{
    Addressee, AnsweredObservation, DecisionOutcome as PrintedOutcome, FileSection, SanctionDecision, SanctionFile,
    SanctionNotice,
};
use parcours_domain::ReferenceData;
use parcours_domain::case::Case;
use parcours_domain::non_compliance::WaitingPeriod;
use parcours_domain::regime::{Axis, AxisMinutes};
use parcours_domain::sanction::{AppealOutcome, DecisionOutcome, ObservationForm};
use parcours_store::DbConnection;
use parcours_store::cases::CaseRecord;
use parcours_store::course_offers::CourseOfferRecord;
use parcours_store::non_compliances::NonComplianceRecord;
use parcours_store::persons::PersonRecord;
use parcours_store::reminders::ReminderRecord;
use parcours_store::sanction_procedures::{ProcedureReader, ProcedureView};

use crate::dto::DeterminationDto;
use crate::problem::ApiError;
use parcours_store::audit::Actor;

/// Everything the documents of one procedure print.
#[derive(Debug)]
pub struct FileData {
    /// The procedure.
    pub view: ProcedureView,
    /// Its case.
    pub case: CaseRecord,
    /// The case aggregate.
    pub aggregate: Case,
    /// Time attended per axis (CRI records and operators).
    pub attended: AxisMinutes,
    /// The person.
    pub person: PersonRecord,
    /// The address the commune reported (empty when none).
    pub address: Vec<String>,
    /// The determination the case rests on.
    pub determination: DeterminationDto,
    /// Reminders.
    pub reminders: Vec<ReminderRecord>,
    /// Places offered.
    pub offers: Vec<CourseOfferRecord>,
    /// Waiting lists.
    pub waiting: Vec<WaitingPeriod>,
    /// The non-compliance record.
    pub record: NonComplianceRecord,
    /// The CRI's name.
    pub cri_name: String,
}

fn reported_address(payload: Option<&str>) -> Vec<String> {
    let contact = payload
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .map(|payload| payload["contact"].clone())
        .unwrap_or_default();
    let field = |name: &str| contact[name].as_str().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    match (field("address"), field("postal_code"), field("locality")) {
        (Some(street), Some(postal_code), Some(locality)) => vec![street, format!("{postal_code} {locality}")],
        _ => Vec::new(),
    }
}

/// Reads what the documents need, as `reader` may; the read is audited as `action`.
pub fn gather(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    id: &str,
    reader: &ProcedureReader,
    actor: &Actor,
    action: &str,
    now: chrono::NaiveDateTime,
) -> Result<FileData, ApiError> {
    let (view, case) = parcours_store::sanction_procedures::get_procedure(conn, id, reader, actor, action, now)?
        .ok_or(ApiError::NotFound)?;
    let case_view = parcours_store::cases::load_view(conn, &case.id, &case.cri_code)?.ok_or(ApiError::NotFound)?;
    let attended = case_view.aggregate.attended_minutes(&case_view.operator_minutes);
    let payload = parcours_store::arrivals::latest_report_payload(conn, &case.person_id)?;
    let determination_json =
        parcours_store::determinations::result_json_of(conn, &case.determination_id)?.ok_or(ApiError::NotFound)?;
    let determination: DeterminationDto = serde_json::from_str(&determination_json)
        .map_err(|e| ApiError::Internal(format!("stored determination unreadable: {e}")))?;
    let cri_name = reference
        .cris()
        .iter()
        .find(|c| c.code.code() == case.cri_code)
        .map(|c| format!("{} ({})", c.code.code(), c.seat_city))
        .unwrap_or_else(|| case.cri_code.clone());
    Ok(FileData {
        reminders: parcours_store::reminders::reminders_for_case(conn, &case.id)?,
        offers: parcours_store::course_offers::offers_for_case(conn, &case.id)?,
        waiting: parcours_store::enrolments::waiting_periods(conn, &case.id)?,
        record: parcours_store::non_compliances::get_by_id(conn, &view.record.non_compliance_id)?,
        address: reported_address(payload.as_deref()),
        person: case_view.person,
        aggregate: case_view.aggregate,
        attended,
        determination,
        view,
        case,
        cri_name,
    })
}

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl FileData {
    /// The determination's status code (`obliged`...), as the contract spells it.
    fn status_code(&self) -> String {
        serde_json::to_value(self.determination.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    fn addressee(&self) -> Addressee {
        Addressee {
            holder: format!("{} {}", self.person.surname.to_uppercase(), self.person.given_names),
            address: self.address.clone(),
        }
    }

    fn facts(&self) -> String {
        let p = &self.view.procedure;
        let mut facts = p.breach.facts_fr(p.deadline);
        if let Some(finding) = &self.record.finding {
            facts.push_str(&format!(" Constat du CRI : {finding}"));
        }
        facts
    }

    fn law(&self) -> Vec<String> {
        self.view.procedure.breach.law_fr().iter().map(|line| (*line).to_owned()).collect()
    }

    fn preconditions(&self) -> Vec<String> {
        self.view.procedure.preconditions.iter().map(|c| c.statement_fr.clone()).collect()
    }

    fn reminder_lines(&self) -> Vec<String> {
        self.reminders
            .iter()
            .map(|r| {
                let what = match r.kind {
                    parcours_domain::reminders::ReminderKind::Presentation => "présentation",
                    parcours_domain::reminders::ReminderKind::Completion => "achèvement",
                };
                let outcome = match (r.status, r.dispatched_on, r.channel.as_deref()) {
                    (parcours_domain::reminders::ReminderStatus::Sent, Some(on), channel) => {
                        format!("envoyé le {} ({})", date(on), channel.unwrap_or("-"))
                    }
                    (parcours_domain::reminders::ReminderStatus::Bounced, Some(on), _) => {
                        format!("revenu le {} (adresse inconnue)", date(on))
                    }
                    _ => "non envoyé".to_owned(),
                };
                format!(
                    "Rappel avant l'échéance de {what} du {} : dû le {}, {outcome}.",
                    date(r.deadline),
                    date(r.due_on)
                )
            })
            .collect()
    }

    fn offer_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .offers
            .iter()
            .map(|o| format!("Axe {} : place offerte le {} — {}.", o.axis, date(o.offered_on), o.description))
            .collect();
        lines.extend(self.waiting.iter().map(|w| {
            format!("Axe {} : en liste d'attente depuis le {} — {}.", w.axis.code(), date(w.since), w.description)
        }));
        lines.extend(self.aggregate.suspensions.iter().map(|s| {
            format!("Délais suspendus du {} au {} ({:?}).", date(s.from), date(s.to), s.reason).to_lowercase()
        }));
        lines
    }

    fn evidence(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "Détermination : {} (régime {}), décidée au {} ; motifs et échéances calculées.",
            self.status_code(),
            self.determination.regime.clone().unwrap_or_else(|| "-".into()),
            date(self.determination.as_of)
        )];
        lines.extend(self.reminder_lines());
        lines.push(format!(
            "Heures suivies par axe et places offertes ({} offre(s), {} liste(s) d'attente).",
            self.offers.len(),
            self.waiting.len()
        ));
        lines.push(format!(
            "Constat de non-respect du {} et examen par le CRI{}.",
            date(self.record.created_at.date()),
            self.record.reviewed_on.map(|d| format!(" du {}", date(d))).unwrap_or_default()
        ));
        lines
    }

    /// The notice.
    pub fn notice(&self, observation_days: u32, today: NaiveDate) -> SanctionNotice {
        let p = &self.view.procedure;
        SanctionNotice {
            to: self.addressee(),
            procedure_reference: self.view.record.reference.clone(),
            case_reference: self.case.reference.clone(),
            cri_name: self.cri_name.clone(),
            facts: self.facts(),
            law: self.law(),
            preconditions: self.preconditions(),
            evidence: self.evidence(),
            fine_min: p.fine_range.min_eur,
            fine_max: p.fine_range.max_eur,
            observation_days,
            notified: p.notice.as_ref().map(|n| (n.notified_on, n.observations_due)),
            issued_on: p.notice.as_ref().map_or(today, |n| n.sent_on),
        }
    }

    /// The decision: the signed one, otherwise the latest draft; `None` before a draft.
    pub fn decision(&self) -> Option<SanctionDecision> {
        let p = &self.view.procedure;
        let draft = p.signed_draft().or_else(|| p.drafts.last())?;
        let notice = p.notice.as_ref()?;
        let signed = p.decision.as_ref().filter(|d| d.draft == draft.number);
        let observations = p
            .observations_in_force()
            .map(|o| AnsweredObservation {
                number: o.number,
                received_on: o.received_on,
                form: match o.form {
                    ObservationForm::Written => "écrite".into(),
                    ObservationForm::Hearing => "audition".into(),
                },
                summary: o.summary.clone(),
                late: o.late,
                answer: draft
                    .answers
                    .iter()
                    .find(|a| a.observation == o.number)
                    .map(|a| a.answer.clone())
                    .unwrap_or_else(|| "(pas encore de réponse dans ce projet)".into()),
            })
            .collect();
        Some(SanctionDecision {
            to: self.addressee(),
            procedure_reference: self.view.record.reference.clone(),
            case_reference: self.case.reference.clone(),
            cri_name: self.cri_name.clone(),
            draft: draft.number,
            notified_on: notice.notified_on,
            notice_channel: notice.channel.label_fr().to_owned(),
            facts: self.facts(),
            law: self.law(),
            preconditions: self.preconditions(),
            observations,
            reasoning: draft.reasoning.clone(),
            outcome: match draft.outcome {
                DecisionOutcome::Fine { amount_eur } => PrintedOutcome::Fine(amount_eur),
                DecisionOutcome::NoFine => PrintedOutcome::NoFine,
                DecisionOutcome::Dismissal => PrintedOutcome::Dismissal,
            },
            appeal_route: signed.map(|d| d.appeal_route.clone()).unwrap_or_default(),
            appeal_days: signed.map_or(0, |d| d.appeal_days),
            drafted: (draft.drafted_by.clone(), draft.drafted_on),
            signed: signed.map(|d| (d.signed_by.clone(), d.signed_on)),
            issued_on: signed.map_or(draft.drafted_on, |d| d.signed_on),
        })
    }

    /// The evidence file.
    pub fn file(&self, today: NaiveDate) -> SanctionFile {
        let p = &self.view.procedure;
        let d = &self.determination;
        let section = |heading: &str, items: Vec<String>| FileSection { heading: heading.to_owned(), items };
        let mut determination = vec![format!(
            "Statut : {} ; régime {} ; date de référence {} ; décidée au {}.",
            self.status_code(),
            d.regime.clone().unwrap_or_else(|| "-".into()),
            date(d.reference_date),
            date(d.as_of)
        )];
        determination.extend(
            d.reasons.iter().map(|r| format!("{} ({}, {}) : {}", r.code, r.article, r.confidence, r.explanation.fr)),
        );
        let mut deadlines: Vec<String> =
            d.deadlines.iter().map(|dl| format!("{} — {}", date(dl.date), dl.explanation.fr)).collect();
        deadlines.extend(self.aggregate.deadline_history.iter().map(|s| {
            format!(
                "Échéance déplacée du {} au {} le {} : {} ({}).",
                date(s.from),
                date(s.to),
                date(s.decided_on),
                s.reason,
                s.basis
            )
        }));
        let hours: Vec<String> = if self.aggregate.convention.is_none() {
            vec!["Aucune convention signée : aucune heure de formation n'était requise.".to_owned()]
        } else {
            Axis::ALL
                .iter()
                .map(|axis| {
                    let attended = self.attended.get(*axis) as f64 / 60.0;
                    format!(
                        "Axe {} : {:.1} h suivies sur {} h requises par la convention.",
                        axis.code(),
                        attended,
                        self.aggregate.required(*axis)
                    )
                })
                .collect()
        };
        let r = &self.record;
        let mut record = vec![format!(
            "{} : échéance ou constat du {}, faits du {} ; base : {}.",
            r.kind.code(),
            date(r.deadline),
            date(r.breach_date),
            r.basis
        )];
        if let Some(finding) = &r.finding {
            record.push(format!("Constat du CRI : {finding}"));
        }
        record.push(format!(
            "Examen : {} le {} par {} — {}",
            r.status.label_fr(),
            r.reviewed_on.map(date).unwrap_or_else(|| "-".into()),
            r.reviewed_by.clone().unwrap_or_else(|| "-".into()),
            r.review_reason.clone().unwrap_or_default()
        ));
        let conditions = p
            .preconditions
            .iter()
            .map(|c| format!("[{}] {} ({})", if c.met { "remplie" } else { "NON remplie" }, c.statement_fr, c.basis))
            .collect();
        let notice = p
            .notice
            .iter()
            .map(|n| {
                format!(
                    "Avis envoyé le {}, notifié le {} ({}) ; observations jusqu'au {}.",
                    date(n.sent_on),
                    date(n.notified_on),
                    n.channel.label_fr(),
                    date(n.observations_due)
                )
            })
            .collect();
        let observations = p
            .observations
            .iter()
            .map(|o| {
                let mut line = format!(
                    "N° {} ({}, {}){}{} : {}",
                    o.number,
                    if o.form == ObservationForm::Hearing { "audition" } else { "écrite" },
                    date(o.received_on),
                    if o.late { ", tardive" } else { "" },
                    o.superseded_by.map(|n| format!(", remplacée par le n° {n}")).unwrap_or_default(),
                    o.summary
                );
                if let Some(minutes) = &o.hearing_minutes {
                    line.push_str(&format!(" — procès-verbal : {minutes}"));
                }
                line
            })
            .collect();
        let mut decision: Vec<String> = p
            .drafts
            .iter()
            .map(|dr| {
                let outcome = match dr.outcome {
                    DecisionOutcome::Fine { amount_eur } => format!("amende de {amount_eur} euros"),
                    DecisionOutcome::NoFine => "pas d'amende".into(),
                    DecisionOutcome::Dismissal => "classement sans suite".into(),
                };
                format!(
                    "Projet n° {} du {} par {}{} : {outcome}. Motifs : {}",
                    dr.number,
                    date(dr.drafted_on),
                    dr.drafted_by,
                    if dr.superseded { " (remplacé)" } else { "" },
                    dr.reasoning
                )
            })
            .collect();
        if let Some(signed) = &p.decision {
            decision.push(format!(
                "Projet n° {} signé le {} par {} ; recours : {}, {} jours.",
                signed.draft,
                date(signed.signed_on),
                signed.signed_by,
                signed.appeal_route,
                signed.appeal_days
            ));
            if let Some(on) = signed.notified_on {
                decision.push(format!(
                    "Décision notifiée le {} ({}) ; recours possible jusqu'au {}.",
                    date(on),
                    signed.notified_by.map(|c| c.label_fr()).unwrap_or("-"),
                    p.appeal_due().map(date).unwrap_or_default()
                ));
            }
        }
        if let Some(appeal) = &p.appeal {
            let outcome = match appeal.decided {
                None => "pendant".to_owned(),
                Some((on, AppealOutcome::Upheld)) => format!("décision confirmée le {}", date(on)),
                Some((on, AppealOutcome::Reduced { amount_eur })) => {
                    format!("amende réduite à {amount_eur} euros le {}", date(on))
                }
                Some((on, AppealOutcome::Annulled)) => format!("décision annulée le {}", date(on)),
            };
            decision.push(format!(
                "Recours du {} devant {}{} : {outcome}.",
                date(appeal.lodged_on),
                appeal.court,
                if appeal.late { " (tardif)" } else { "" }
            ));
        }
        if let Some((on, amount)) = p.paid {
            decision.push(format!("Amende de {amount} euros payée le {}.", date(on)));
        }
        if let Some((on, reason)) = p.closure {
            decision.push(format!("Procédure clôturée le {} : {}.", date(on), reason.label_fr()));
        }
        let steps = self
            .view
            .steps
            .iter()
            .map(|s| {
                format!(
                    "{}. {} — {} — {} ({})",
                    s.seq,
                    s.recorded_at.format("%d/%m/%Y %H:%M"),
                    s.kind.code(),
                    s.summary,
                    s.organisation
                )
            })
            .collect();
        SanctionFile {
            procedure_reference: self.view.record.reference.clone(),
            case_reference: self.case.reference.clone(),
            cri_name: self.cri_name.clone(),
            holder: format!(
                "{} {} — NISS {}",
                self.person.surname.to_uppercase(),
                self.person.given_names,
                self.person.niss
            ),
            sections: vec![
                section("Détermination et ses motifs", determination),
                section("Échéances et leur calcul", deadlines),
                section("Rappels envoyés", self.reminder_lines()),
                section("Heures suivies par axe", hours),
                section("Places offertes, listes d'attente et suspensions", self.offer_lines()),
                section("Constat de non-respect et examen par le CRI", record),
                section("Conditions d'une amende (vérifiées à la transmission)", conditions),
                section("Avis et notification", notice),
                section("Observations", observations),
                section("Décision, recours et suite", decision),
                section("Étapes de la procédure", steps),
            ],
            issued_on: today,
        }
    }
}

/// Which document of a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The notice inviting observations.
    Notice,
    /// The decision (signed, or the latest draft).
    Decision,
    /// The evidence file.
    File,
}

impl Document {
    fn code(self) -> &'static str {
        match self {
            Document::Notice => "notice",
            Document::Decision => "decision",
            Document::File => "file",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Document::Notice => "avis-observations.pdf",
            Document::Decision => "decision.pdf",
            Document::File => "dossier-sanction.pdf",
        }
    }
}

enum Laid {
    Notice(SanctionNotice),
    Decision(SanctionDecision),
    File(SanctionFile),
}

/// The answer of the three document endpoints: gathers the records as the caller may read them (an
/// audited read), lays the document out, renders it off the request threads.
pub async fn respond(
    state: actix_web::web::Data<crate::state::AppState>,
    reader: crate::auth::ProcedureReader,
    request_id: crate::request::RequestId,
    id: String,
    document: Document,
) -> Result<actix_web::HttpResponse, ApiError> {
    let actor = crate::request::actor(reader.caller(), &request_id);
    let scope = super::store_reader(&reader);
    let laid = crate::clock::block(move || -> Result<Laid, ApiError> {
        let mut conn = state.store.conn()?;
        let reference = state.reference_data(&mut conn)?;
        let action = format!("read_sanction_{}", document.code());
        let data = gather(&mut conn, &reference, &id, &scope, &actor, &action, state.clock.now())?;
        let today = state.clock.today();
        Ok(match document {
            Document::Notice => {
                Laid::Notice(data.notice(*reference.parameters.sanction_observation_days.on(today), today))
            }
            Document::Decision => Laid::Decision(data.decision().ok_or(ApiError::Conflict(
                "no_decision_yet",
                crate::problem::Text::new("Aucune décision n'est encore rédigée.", "No decision is drafted yet."),
            ))?),
            Document::File => Laid::File(data.file(today)),
        })
    })
    .await??;
    use parcours_documents::sanction_documents::{render_decision, render_file, render_notice};
    let pdf = crate::handlers::attestations::render_off_thread("render-sanction-document", move || match laid {
        Laid::Notice(notice) => render_notice(&notice),
        Laid::Decision(decision) => render_decision(&decision),
        Laid::File(file) => render_file(&file),
    })?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", format!("inline; filename=\"{}\"", document.file_name())))
        .body(pdf))
}
