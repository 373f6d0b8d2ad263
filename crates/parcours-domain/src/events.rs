//! The event catalogue: every kind of step a case records, with its legal basis, a French and English
//! description, who may receive it (audiences), and the payloads the feed carries. The timeline, the feed
//! (`GET /v1/events`), the generated `docs/events.md` and, later, webhooks and statistics all read it: a
//! kind that is not here cannot be emitted.

use serde::{Deserialize, Serialize};

use crate::law::Bilingual;

/// Who may receive an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The CRI holding the case: every step.
    Cri,
    /// The commune of domicile: only what rule 4.7 lets it know, as a [`CommuneNotice`].
    Commune,
    /// A training operator: nothing of the case itself (it reads its own courses).
    Operator,
    /// The Region: only counts, through statistics.
    Region,
    /// The CPAS (public social welfare centre) the CRI recorded for the person: that the person follows
    /// the pathway and the attestation notices ([`EventKind::cpas_notice`]).
    Cpas,
    /// The Region's sanctioning officials (role `sanctions_officer`): the steps of the files a CRI handed
    /// to them, and nothing else of the case (CWASS art. 152/8).
    Sanctions,
}

impl Audience {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Audience::Cri => "cri",
            Audience::Commune => "commune",
            Audience::Operator => "operator",
            Audience::Region => "region",
            Audience::Cpas => "cpas",
            Audience::Sanctions => "sanctions",
        }
    }
}

macro_rules! event_kinds {
    ($($variant:ident => $code:literal, $basis:literal, $fr:literal, $en:literal, [$($audience:ident),*], $notice:expr;)*) => {
        /// A kind of case step.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EventKind {
            $(
                #[doc = $en]
                $variant,
            )*
        }

        impl EventKind {
            /// Every kind, in catalogue order.
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant),*];

            /// Stable code (timeline `kind`, feed `event_type`).
            pub fn code(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $code,)*
                }
            }

            /// Legal basis.
            pub fn basis(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $basis,)*
                }
            }

            /// What the kind means, French first.
            pub fn description(self) -> Bilingual {
                match self {
                    $(EventKind::$variant => Bilingual { fr: $fr, en: $en },)*
                }
            }

            /// Who receives it.
            pub fn audiences(self) -> &'static [Audience] {
                match self {
                    $(EventKind::$variant => &[$(Audience::$audience),*],)*
                }
            }

            /// What the commune of domicile is told, if anything (rule 4.7).
            pub fn commune_notice(self) -> Option<CommuneNotice> {
                match self {
                    $(EventKind::$variant => $notice,)*
                }
            }
        }
    };
}

event_kinds! {
    CaseOpened => "case_opened", "CWASS art. 152/7 §1; art. 152 and rule 2.1 (voluntary)", "Dossier ouvert au CRI compétent.", "Case opened at the competent CRI.", [Cri, Region], None;
    PresentationRecorded => "presentation_recorded", "CWASS art. 152/7 §1", "La personne s'est présentée au bureau d'accueil.", "The person came to the welcome office.", [Cri, Region], None;
    RightsInformationGiven => "rights_information_given", "CWASS art. 152/2 (module d'accueil)", "Information sur les droits et devoirs donnée.", "Information on rights and duties given.", [Cri], None;
    SocialAssessmentDone => "social_assessment_done", "CWASS art. 152/2 (bilan social)", "Bilan social réalisé.", "Social assessment done.", [Cri], None;
    FrenchTestTaken => "french_test_taken", "CWASS art. 152/2 (test de positionnement)", "Test de positionnement en français passé.", "French placement test taken.", [Cri], None;
    AdministrativeHelpGiven => "administrative_help_given", "CWASS art. 152/2 (aide aux démarches administratives)", "Aide aux démarches administratives.", "Help with administrative steps.", [Cri], None;
    ConventionSigned => "convention_signed", "CWASS art. 152/7; rule 4.5", "Convention d'accueil signée.", "Welcome convention signed.", [Cri, Commune, Cpas, Region], Some(CommuneNotice::PathwayFollowed);
    ConventionAmended => "convention_amended", "CWASS art. 152/7; rule 4.5", "Convention modifiée.", "Convention amended.", [Cri], None;
    ReviewHeld => "review_held", "CWASS art. 152/7; rule 4.6", "Entretien d'évaluation tenu.", "Evaluation interview held.", [Cri], None;
    DispensationDecided => "dispensation_decided", "CWASS art. 152/7 §3", "Décision sur une dispense.", "Decision on a dispensation.", [Cri, Region], None;
    DeadlineExtended => "deadline_extended", "CWASS art. 152/7; rule 4.4", "Échéance prolongée.", "Deadline extended.", [Cri, Region], None;
    DeadlinesSuspended => "deadlines_suspended", "CWASS art. 152/7 (force majeure), rule 4.4; art. 152/8 (no course place), rule 6.2", "Délais suspendus.", "Deadlines suspended.", [Cri, Region], None;
    HoursRecorded => "hours_recorded", "CWASS art. 152/4-152/6", "Heures de formation enregistrées par le CRI.", "Training hours recorded by the CRI.", [Cri], None;
    AttendanceRecorded => "attendance_recorded", "CWASS art. 152/4-152/6; rule 3.4", "Présences transmises par un opérateur.", "Attendance reported by an operator.", [Cri], None;
    AttendanceCorrected => "attendance_corrected", "CWASS art. 152/4-152/6; rule 3.4", "Présences corrigées par un opérateur.", "Attendance corrected by an operator.", [Cri], None;
    TrainingStarted => "training_started", "CWASS art. 152/7", "La formation a commencé.", "Training has started.", [Cri, Region], None;
    CaseTransferred => "case_transferred", "CWASS art. 153/1 (ressort territorial)", "Dossier transféré à un autre CRI.", "Case transferred to another CRI.", [Cri, Commune, Region], Some(CommuneNotice::CaseTransferred);
    RequirementsMet => "requirements_met", "CWASS art. 152/7 §2; rule 5.1", "Convention respectée : l'attestation peut être délivrée.", "Convention respected: the attestation can be issued.", [Cri, Commune, Region], Some(CommuneNotice::RequirementsMet);
    AttestationIssued => "attestation_issued", "CWASS art. 152/7 §2; rules 5.1, 5.2", "Attestation de fréquentation délivrée (copie à la commune de référence et au CPAS).", "Attendance certificate issued (copy to the commune of reference and the CPAS).", [Cri, Commune, Cpas, Region], Some(CommuneNotice::AttestationIssued);
    AttestationReprinted => "attestation_reprinted", "CWASS art. 152/7 §2", "Copie d'une attestation imprimée.", "Copy of an attestation printed.", [Cri], None;
    AttestationSuperseded => "attestation_superseded", "CWASS art. 152/7 §2; loi du 29 juillet 1991", "Attestation remplacée par une attestation corrigée.", "Attestation replaced by a corrected one.", [Cri, Commune, Cpas, Region], Some(CommuneNotice::AttestationSuperseded);
    CpasRecorded => "cpas_recorded", "CWASS art. 152/7; rule 4.7", "CPAS de la personne enregistré : il est informé qu'elle suit le parcours.", "The person's CPAS recorded: it is told that the person follows the pathway.", [Cri, Cpas], None;
    CpasRemoved => "cpas_removed", "CWASS art. 152/7; rule 4.7", "La personne n'est plus bénéficiaire du CPAS enregistré.", "The person is no longer a beneficiary of the recorded CPAS.", [Cri], None;
    AttestationRevoked => "attestation_revoked", "CWASS art. 152/7 §2; loi du 29 juillet 1991", "Attestation révoquée, avec son motif.", "Attestation revoked, with its reason.", [Cri, Commune, Cpas, Region], Some(CommuneNotice::AttestationRevoked);
    CaseClosed => "case_closed", "CWASS art. 152/7 §3; art. 150", "Dossier clôturé.", "Case closed.", [Cri, Region], None;
    ReminderDue => "reminder_due", "CWASS art. 152/7 §1-§2; rules 4.2, 4.3", "Un rappel est à envoyer avant une échéance légale.", "A reminder is due before a legal deadline.", [Cri], None;
    ReminderDispatched => "reminder_dispatched", "CWASS art. 152/7 §1-§2; rules 4.2, 4.3", "Rappel envoyé, ou revenu (adresse inconnue).", "Reminder sent, or returned (address unknown).", [Cri], None;
    IdentityConflictFlagged => "identity_conflict_flagged", "RGPD art. 5(1)(d) et 16; rule §10", "Un signalement donne une autre identité que celle connue : à résoudre par le CRI.", "A report gives another identity than the known one: for the CRI to resolve.", [Cri], None;
    IdentityUpdated => "identity_updated", "RGPD art. 16", "Identité de la personne mise à jour (nouvelle version, avec sa source).", "The person's identity updated (a new version, with its source).", [Cri], None;
    PersonRecordsMerged => "person_records_merged", "RGPD art. 5(1)(d); rule §10 (numéro BIS remplacé)", "Deux fiches de la même personne fusionnées, historiques conservés.", "Two records of the same person merged, histories kept.", [Cri], None;
    NonComplianceRecorded => "non_compliance_recorded", "CWASS art. 152/7-152/8; rule 6.3", "Non-respect de l'obligation constaté : à examiner par le CRI.", "Non-compliance recorded: for the CRI to review.", [Cri], None;
    NonComplianceExcused => "non_compliance_excused", "CWASS art. 152/7-152/8; rules 4.2, 4.4, 6.3", "Non-respect excusé par le CRI, avec son motif.", "Non-compliance excused by the CRI, with its reason.", [Cri], None;
    SanctionProcedureOpened => "sanction_procedure_opened", "CWASS art. 152/8; rules 6.2, 6.3", "Dossier transmis au fonctionnaire sanctionnateur : procédure ouverte, conditions vérifiées.", "File handed to the sanctioning official: procedure opened, preconditions checked.", [Cri, Sanctions], None;
    SanctionNoticeSent => "sanction_notice_sent", "CWASS art. 152/8; rule 6.3; principe audi alteram partem", "Avis invitant la personne à présenter ses observations, notifié.", "Notice inviting the person's observations notified.", [Cri, Sanctions], None;
    SanctionObservationsReceived => "sanction_observations_received", "CWASS art. 152/8; rule 6.3; principe audi alteram partem", "Observations reçues (écrites ou en audition).", "Observations received (written or at a hearing).", [Cri, Sanctions], None;
    SanctionDecisionDrafted => "sanction_decision_drafted", "CWASS art. 152/8; loi du 29 juillet 1991", "Projet de décision motivée rédigé.", "Reasoned decision drafted.", [Cri, Sanctions], None;
    SanctionDecisionSigned => "sanction_decision_signed", "CWASS art. 152/8; loi du 29 juillet 1991; rule 6.1", "Décision signée par un second fonctionnaire.", "Decision signed by a second official.", [Cri, Sanctions], None;
    SanctionDecisionNotified => "sanction_decision_notified", "CWASS art. 152/8; loi du 29 juillet 1991; loi du 11 avril 1994, art. 2", "Décision notifiée, avec la voie et le délai de recours.", "Decision notified, with the appeal route and deadline.", [Cri, Sanctions], None;
    SanctionReported => "sanction_reported", "CWASS art. 152/8; rule 6.4 (parameter sanction_reported_to_commune_and_cpas)", "Amende notifiée signalée à la commune et au CPAS.", "Notified fine reported to the commune and the CPAS.", [Cri, Commune, Cpas], Some(CommuneNotice::SanctionImposed);
    SanctionAppealLodged => "sanction_appeal_lodged", "CWASS art. 152/8; rule 6.3", "Recours introduit contre la décision.", "Appeal lodged against the decision.", [Cri, Sanctions], None;
    SanctionAppealDecided => "sanction_appeal_decided", "CWASS art. 152/8; rule 6.3", "Recours tranché.", "Appeal decided.", [Cri, Sanctions], None;
    SanctionFinePaid => "sanction_fine_paid", "CWASS art. 152/8; rule 6.1", "Amende payée.", "Fine paid.", [Cri, Sanctions], None;
    SanctionProcedureClosed => "sanction_procedure_closed", "CWASS art. 152/8", "Procédure de sanction clôturée, avec son motif.", "Sanction procedure closed, with its reason.", [Cri, Sanctions], None;
    AppointmentBooked => "appointment_booked", "CWASS art. 152/2 (module d'accueil); rules.md §3", "Rendez-vous fixé au bureau d'accueil.", "Appointment booked at the welcome office.", [Cri], None;
    AppointmentMoved => "appointment_moved", "CWASS art. 152/2 (module d'accueil); rules.md §3", "Rendez-vous déplacé.", "Appointment moved.", [Cri], None;
    AppointmentCancelled => "appointment_cancelled", "CWASS art. 152/2 (module d'accueil); rules.md §3", "Rendez-vous annulé : la plage est libérée.", "Appointment cancelled: the slot is free again.", [Cri], None;
    AppointmentNoShow => "appointment_no_show", "CWASS art. 152/7 §1; rule 4.2", "La personne ne s'est pas présentée au rendez-vous (ce n'est pas une présentation).", "The person did not come to the appointment (not a presentation).", [Cri], None;
    AppointmentAttended => "appointment_attended", "CWASS art. 152/2 (module d'accueil); art. 152/7 §1", "La personne est venue au rendez-vous : l'étape correspondante est enregistrée.", "The person came to the appointment: the matching step is recorded.", [Cri], None;
    AppointmentReminderDue => "appointment_reminder_due", "CWASS art. 152/2 (module d'accueil); rules.md §3", "Rendez-vous demain : rappel à envoyer à la personne.", "Appointment tomorrow: a reminder is to be sent to the person.", [Cri], None;
    InterpreterUsed => "interpreter_used", "CWASS art. 152/2; rule 3.3 (interprétariat gratuit)", "Un interprète (SETIS wallon) a assisté la personne, gratuitement.", "An interpreter (SETIS wallon) assisted the person, free of charge.", [Cri], None;
    DeadlineMissed => "deadline_missed", "CWASS art. 152/7 §1-§2; rules 4.2, 4.3, 4.7", "Une échéance légale est passée.", "A legal deadline passed.", [Cri, Commune, Region], Some(CommuneNotice::DeadlineMissed);
}

impl EventKind {
    /// What the CPAS recorded on the case hears of this step (rules 4.7 and 5.2): that the person follows
    /// the pathway (when the CPAS is recorded, and at the convention), and the attestation notices.
    pub fn cpas_notice(self) -> Option<CommuneNotice> {
        match self {
            EventKind::CpasRecorded => Some(CommuneNotice::PathwayFollowed),
            kind if kind.audiences().contains(&Audience::Cpas) => kind.commune_notice(),
            _ => None,
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<EventKind> {
        EventKind::ALL.iter().copied().find(|kind| kind.code() == code)
    }
}

impl PartialEq<&str> for EventKind {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// What a commune learns about its resident (rule 4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommuneNotice {
    /// The resident signed the convention: they follow the pathway.
    PathwayFollowed,
    /// The case moved to another CRI.
    CaseTransferred,
    /// The resident met the requirements of the convention.
    RequirementsMet,
    /// A presentation or completion deadline passed.
    DeadlineMissed,
    /// An attestation was issued to the resident (rule 5.2): its serial is in the notice.
    AttestationIssued,
    /// The resident's attestation was replaced by a corrected one (the new serial is in the notice).
    AttestationSuperseded,
    /// The resident's attestation was revoked.
    AttestationRevoked,
    /// A fine for not following the pathway was notified to the resident (rule 6.4, when the Region's
    /// parameter says so).
    SanctionImposed,
}

impl CommuneNotice {
    /// Every notice.
    pub const ALL: [CommuneNotice; 8] = [
        CommuneNotice::PathwayFollowed,
        CommuneNotice::CaseTransferred,
        CommuneNotice::RequirementsMet,
        CommuneNotice::AttestationIssued,
        CommuneNotice::AttestationSuperseded,
        CommuneNotice::AttestationRevoked,
        CommuneNotice::SanctionImposed,
        CommuneNotice::DeadlineMissed,
    ];

    /// Stable code (the commune's `event_type`).
    pub fn code(self) -> &'static str {
        match self {
            CommuneNotice::PathwayFollowed => "pathway_followed",
            CommuneNotice::CaseTransferred => "case_transferred",
            CommuneNotice::RequirementsMet => "requirements_met",
            CommuneNotice::DeadlineMissed => "deadline_missed",
            CommuneNotice::AttestationIssued => "attestation_issued",
            CommuneNotice::AttestationSuperseded => "attestation_superseded",
            CommuneNotice::AttestationRevoked => "attestation_revoked",
            CommuneNotice::SanctionImposed => "sanction_imposed",
        }
    }
}

/// The payload a CRI receives for every step of a case it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriEventPayload {
    /// Case id.
    pub case_id: String,
    /// Case reference (`CRIPEL-2026-000042`).
    pub case_reference: String,
    /// The kind of step.
    pub event_type: EventKind,
    /// The case's state code after the step.
    pub state: crate::case::CaseState,
    /// Non-personal summary (dates, codes, hours).
    pub summary: String,
    /// When: RFC 3339 in UTC with `Z`, as every timestamp of the feed (older rows written with `+00:00`
    /// read the same).
    pub occurred_at: chrono::DateTime<chrono::Utc>,
}

/// The payload a commune (or CPAS) receives about its resident: identifiers and the notice, never a national
/// number or a name (the recipient reads those through `GET /v1/persons/{id}`, which records the read in the
/// person's access report), and nothing of the case's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneEventPayload {
    /// Case reference.
    pub case_reference: String,
    /// The person's id in Parcours (the `person.id` of the arrival the commune reported).
    pub person_id: String,
    /// The notice.
    pub event_type: CommuneNotice,
    /// When: RFC 3339 in UTC with `Z`, as every timestamp of the feed (older rows written with `+00:00`
    /// read the same).
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// The attestation concerned (attestation notices only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation_serial: Option<String>,
}

/// `docs/events.md`: the catalogue as integrators read it.
pub fn events_markdown() -> String {
    let mut out = String::from(
        "# Event catalogue\n\nGenerated from `crates/parcours-domain/src/events.rs` by `make docs`; do not edit by hand.\n\n\
         Every step of a case is recorded in its timeline and published on the feed (`GET /v1/events`). A CRI \
         receives every step of the cases it holds (payload `CriEventPayload`); a commune receives only the \
         notices that rule 4.7 allows about its residents, and the CPAS the CRI recorded for the person only \
         those of rules 4.7 and 5.2 (payload `CommuneEventPayload` for both). The Region's sanctioning officials \
         (role `sanctions_officer`) receive the steps of the files handed to them (audience `sanctions`, payload \
         `CriEventPayload`); otherwise the Region receives counts only, through statistics.\n\n\
         | Kind | Legal basis | Meaning | Audiences | Commune notice | CPAS notice |\n|---|---|---|---|---|---|\n",
    );
    let notice = |n: Option<CommuneNotice>| n.map_or("—".to_owned(), |n| format!("`{}`", n.code()));
    for kind in EventKind::ALL {
        let audiences: Vec<&str> = kind.audiences().iter().map(|a| a.code()).collect();
        let description = kind.description();
        out.push_str(&format!(
            "| `{}` | {} | {} / {} | {} | {} | {} |\n",
            kind.code(),
            kind.basis(),
            description.fr,
            description.en,
            audiences.join(", "),
            notice(kind.commune_notice()),
            notice(kind.cpas_notice()),
        ));
    }
    let notices: Vec<String> = CommuneNotice::ALL.iter().map(|n| format!("`{}`", n.code())).collect();
    out.push_str(&format!(
        "\n## Payloads\n\n\
         `CriEventPayload`: `case_id`, `case_reference`, `event_type` (a kind above), `state` (the case's state \
         after the step), `summary` (non-personal: dates, codes, hours), `occurred_at` (RFC 3339).\n\n\
         `CommuneEventPayload`: `case_reference`, `person_id`, `event_type` ({}), `occurred_at`, and \
         `attestation_serial` on attestation notices. No payload carries a national number or a name: a \
         commune or CPAS reads the person's identity through `GET /v1/persons/{{id}}`, and that read appears \
         in the person's access report.\n",
        notices.join(", ")
    ));
    out.push_str(
        "\n## Project events\n\n\
         The steps of the local integration projects (calls for projects, `crates/parcours-domain/src/local_integration.rs`) \
         have their own feed, `GET /v1/project-events?after=<seq>`: the applicant ILI reads its projects', the \
         competent CRI those it gives opinions on, the Region all. Communes have no project feed. Each event \
         carries `seq`, `id`, `type`, `application_id`, `cri`, `initiative` (the enterprise number) and \
         `occurred_at`; the content is read with `GET /v1/project-applications/{id}`.\n\n\
         | Kind | Basis | Meaning | Recorded by |\n|---|---|---|---|\n",
    );
    for kind in crate::local_integration::ProjectEventKind::ALL {
        let description = kind.description();
        out.push_str(&format!(
            "| `{}` | {} | {} / {} | {} |\n",
            kind.code(),
            kind.basis(),
            description.fr,
            description.en,
            kind.recorded_by()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut codes: Vec<&str> = EventKind::ALL.iter().map(|k| k.code()).collect();
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.code()), Some(*kind));
            assert_eq!(serde_json::to_string(kind).ok(), Some(format!("\"{}\"", kind.code())));
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EventKind::ALL.len());
    }

    #[test]
    fn only_kinds_with_a_notice_reach_the_commune_and_every_kind_reaches_the_cri() {
        for kind in EventKind::ALL {
            assert!(kind.audiences().contains(&Audience::Cri), "{kind:?}");
            assert_eq!(kind.audiences().contains(&Audience::Commune), kind.commune_notice().is_some(), "{kind:?}");
        }
        let notices: Vec<CommuneNotice> = EventKind::ALL.iter().filter_map(|k| k.commune_notice()).collect();
        assert_eq!(notices, CommuneNotice::ALL);
    }
}
