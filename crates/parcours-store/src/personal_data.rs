//! The inventory of personal data (GDPR art. 30): every table and column of `schema.rs`, and every JSON
//! field that holds personal data, tagged with its category, the lawful basis of the table, its retention
//! rule and what erasure does to it. `docs/personal-data.md`, the register of processing, is generated from
//! it; a test fails when a column of `schema.rs` is not listed here, or when a listed one no longer exists.
//!
//! The retention periods are not in the texts we hold (UNCONFIRMED): each rule says so. The erasure actions
//! are what the erasure job will do; that job is not built yet (issue 13, item 3).

use std::fmt::Write as _;

/// What kind of data a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Not personal data (reference data, counters, technical fields).
    NotPersonal,
    /// An identifier or reference that links to a person without naming them (pseudonymous data is
    /// still personal data, GDPR recital 26).
    Pseudonymous,
    /// Identity: national number, names, birth date, sex, nationality, residence document.
    Identity,
    /// Contact: postal address, e-mail, phone, language.
    Contact,
    /// The pathway: determinations, deadlines, steps, conventions, attestations.
    Pathway,
    /// Attendance: enrolments, hours, presences.
    Attendance,
    /// Health (GDPR art. 9): medical dispensation evidence, illness as force majeure.
    Health,
    /// Social situation: social-assessment needs and notes, CPAS.
    Social,
    /// Non-compliance and sanction procedures: findings, observations, hearings, decisions.
    Sanction,
    /// Staff and officials acting (token subjects, signatories).
    Staff,
}

impl Category {
    /// Every category, in the register's order.
    pub const ALL: [Category; 10] = [
        Category::Identity,
        Category::Contact,
        Category::Pathway,
        Category::Attendance,
        Category::Health,
        Category::Social,
        Category::Sanction,
        Category::Staff,
        Category::Pseudonymous,
        Category::NotPersonal,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Category::NotPersonal => "not_personal",
            Category::Pseudonymous => "pseudonymous",
            Category::Identity => "identity",
            Category::Contact => "contact",
            Category::Pathway => "pathway",
            Category::Attendance => "attendance",
            Category::Health => "health",
            Category::Social => "social",
            Category::Sanction => "sanction",
            Category::Staff => "staff",
        }
    }
}

/// What erasure does to a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// Kept as it is: not personal once the identifying columns are pseudonymised (statistics count it).
    Keep,
    /// Replaced by a pseudonym (a tombstone that names the erasure request).
    Pseudonymise,
    /// Deleted.
    Delete,
    /// Replaced by a coarser value that statistics still count and that names no one (nationality → its
    /// group, birth date → birth year).
    Generalise,
    /// Kept while a legal obligation runs (an open sanction procedure, an appeal, an attestation that can be
    /// verified), then pseudonymised.
    LegalHold,
}

impl Erasure {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Erasure::Keep => "keep",
            Erasure::Pseudonymise => "pseudonymise",
            Erasure::Delete => "delete",
            Erasure::LegalHold => "legal_hold",
            Erasure::Generalise => "generalise",
        }
    }
}

/// Why a table's data may be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// No personal data.
    NotPersonal,
    /// A legal obligation of the controller (GDPR art. 6(1)(c); CWASS art. 152-153/1), and for health data a
    /// substantial public interest set by law (art. 9(2)(g)).
    LegalObligation,
    /// A task in the public interest (GDPR art. 6(1)(e)): the Region's and the CRIs' own administration.
    PublicTask,
}

impl Basis {
    /// As the register states it.
    pub fn text(self) -> &'static str {
        match self {
            Basis::NotPersonal => "—",
            Basis::LegalObligation => "RGPD art. 6(1)(c), art. 9(2)(g) pour la santé ; CWASS art. 152-153/1",
            Basis::PublicTask => "RGPD art. 6(1)(e)",
        }
    }
}

/// How long a table's data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Reference data: kept while in force, with its history.
    Reference,
    /// The pathway file of a person.
    PathwayFile,
    /// Attestations: verifiable by anyone while they may be shown.
    Attestation,
    /// Non-compliance and sanction procedures.
    Sanction,
    /// The event feed.
    Feed,
    /// Stored idempotent responses.
    Idempotency,
    /// The audit trail.
    Audit,
    /// Technical state.
    Technical,
    /// Practitioners' registrations to trainings (professional data).
    PractitionerTraining,
}

impl Retention {
    /// The rule, with its confidence.
    pub fn text(self) -> &'static str {
        match self {
            Retention::Reference => "Tant qu'elle est en vigueur, puis comme historique (pas de donnée personnelle).",
            Retention::PathwayFile => {
                "UNCONFIRMED — aucune durée dans les textes trouvés ; paramètres datés retention_years_after_closure \
                 (10 ans après la clôture du dernier dossier), retention_years_without_case (5 ans après le dernier \
                 signalement sans dossier), retention_years_after_attestation (10 ans après l'attestation) ; puis \
                 pseudonymisation par le job retention_review, après approbation du délégué à la protection des \
                 données, sauf procédure de sanction ouverte ou conservation pour raison légale."
            }
            Retention::Attestation => {
                "UNCONFIRMED — tant que l'attestation peut être produite (naturalisation, séjour) : paramètre daté \
                 retention_years_after_attestation (10 ans après sa délivrance), puis le titulaire est effacé ; \
                 l'existence de l'attestation reste enregistrée."
            }
            Retention::Sanction => {
                "UNCONFIRMED — jusqu'à la fin de la procédure et des recours, puis 5 ans (prescription des amendes \
                 administratives, proposé), sous réserve légale tant qu'une procédure ou un recours est ouvert."
            }
            Retention::Feed => {
                "UNCONFIRMED — proposé : 90 jours après la position lue par chaque destinataire (le flux n'est pas \
                 une archive)."
            }
            Retention::Idempotency => "Paramètre daté idempotency_key_retention_days (30 jours par défaut).",
            Retention::Audit => {
                "UNCONFIRMED — proposé : 10 ans, la durée du dossier qu'il protège ; les lectures sont dues à la \
                 personne (RGPD art. 15, CJUE C-579/21)."
            }
            Retention::Technical => "Tant que le service fonctionne (pas de donnée personnelle).",
            Retention::PractitionerTraining => {
                "UNCONFIRMED — proposé : 3 ans après la fin de la formation (preuve de participation), puis \
                 suppression ; aucun job ne l'applique encore (les comptes annuels par thème ne nomment personne)."
            }
        }
    }
}

/// One column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name in `schema.rs`.
    pub name: &'static str,
    /// What it holds.
    pub category: Category,
    /// What erasure does.
    pub erasure: Erasure,
    /// For a JSON column: the fields that hold personal data, with their category.
    pub json_fields: &'static [(&'static str, Category)],
}

const fn col(name: &'static str, category: Category, erasure: Erasure) -> Column {
    Column { name, category, erasure, json_fields: &[] }
}

/// One table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableEntry {
    /// Its name in `schema.rs`.
    pub table: &'static str,
    /// Why it exists.
    pub purpose: &'static str,
    /// Lawful basis.
    pub basis: Basis,
    /// Retention.
    pub retention: Retention,
    /// Every column.
    pub columns: &'static [Column],
}

/// Every table and column of `schema.rs`, in its order.
pub const INVENTORY: &[TableEntry] = &[
    TableEntry {
        table: "cris",
        purpose: "Reference data: the eight CRIs",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("code", Category::NotPersonal, Erasure::Keep),
            col("name_fr", Category::NotPersonal, Erasure::Keep),
            col("seat_city", Category::NotPersonal, Erasure::Keep),
            col("website", Category::NotPersonal, Erasure::Keep),
            col("territory", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "communes",
        purpose: "Reference data: communes and their codes over time",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("nis_code", Category::NotPersonal, Erasure::Keep),
            col("name_fr", Category::NotPersonal, Erasure::Keep),
            col("name_nl", Category::NotPersonal, Erasure::Keep),
            col("name_de", Category::NotPersonal, Erasure::Keep),
            col("arrondissement_nis", Category::NotPersonal, Erasure::Keep),
            col("province_nis", Category::NotPersonal, Erasure::Keep),
            col("language_region", Category::NotPersonal, Erasure::Keep),
            col("valid_from", Category::NotPersonal, Erasure::Keep),
            col("valid_to", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "commune_cri_assignments",
        purpose: "Reference data: which CRI serves which commune, with its history",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("nis_code", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("valid_from", Category::NotPersonal, Erasure::Keep),
            col("valid_to", Category::NotPersonal, Erasure::Keep),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("reason", Category::NotPersonal, Erasure::Keep),
            col("recorded_at", Category::NotPersonal, Erasure::Keep),
            col("recorded_by", Category::Staff, Erasure::Pseudonymise),
            col("superseded_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "reference_versions",
        purpose: "Reference data versions",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("name", Category::NotPersonal, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "persons",
        purpose: "The person concerned by the pathway: identity as the register reports it",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("niss", Category::Identity, Erasure::Pseudonymise),
            col("surname", Category::Identity, Erasure::Pseudonymise),
            col("given_names", Category::Identity, Erasure::Pseudonymise),
            col("birth_date", Category::Identity, Erasure::Generalise),
            // Sex and nationality are kept: the statistics count them (published only under cell
            // suppression); the name, number and exact birth date that single the person out are not.
            col("sex", Category::Identity, Erasure::Keep),
            col("nationality", Category::Identity, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
            col("identity_version", Category::NotPersonal, Erasure::Keep),
            col("merged_into", Category::Pseudonymous, Erasure::Keep),
            col("erased_at", Category::NotPersonal, Erasure::Keep),
            col("erased_under", Category::Pseudonymous, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "simulations",
        purpose: "The Region's policy simulations: the alternative parameters and the suppressed aggregate answer",
        basis: Basis::PublicTask,
        retention: Retention::Technical,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("requested_by_org", Category::NotPersonal, Erasure::Keep),
            col("requested_at", Category::NotPersonal, Erasure::Keep),
            col("period", Category::NotPersonal, Erasure::Keep),
            col("changes_json", Category::NotPersonal, Erasure::Keep),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("progress_percent", Category::NotPersonal, Erasure::Keep),
            col("result_json", Category::NotPersonal, Erasure::Keep),
            col("error", Category::NotPersonal, Erasure::Keep),
            col("finished_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "statistics_releases",
        purpose: "Published statistics (suppressed cells as null) and the aggregate counts they were made from",
        basis: Basis::PublicTask,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("table_code", Category::NotPersonal, Erasure::Keep),
            col("period", Category::NotPersonal, Erasure::Keep),
            col("threshold", Category::NotPersonal, Erasure::Keep),
            col("method", Category::NotPersonal, Erasure::Keep),
            col("rules_version", Category::NotPersonal, Erasure::Keep),
            col("cells_json", Category::NotPersonal, Erasure::Keep),
            // Small counts by commune and category, kept to make the year from its quarters; never served.
            col("counts_json", Category::Pathway, Erasure::Keep),
            col("released_at", Category::NotPersonal, Erasure::Keep),
            col("released_by", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "legal_holds",
        purpose: "Legal holds that keep a person's file past its retention period",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("reason", Category::Pathway, Erasure::Keep),
            col("placed_by_org", Category::Pathway, Erasure::Keep),
            col("placed_by_sub", Category::Staff, Erasure::Keep),
            col("placed_at", Category::Pathway, Erasure::Keep),
            col("lifted_at", Category::Pathway, Erasure::Keep),
            col("lifted_by_sub", Category::Staff, Erasure::Keep),
            col("lift_reason", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "data_requests",
        purpose: "The person's requests about their data (GDPR art. 15-18) and the CRI's decisions",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("kind", Category::Pathway, Erasure::Keep),
            col("received_on", Category::Pathway, Erasure::Keep),
            col("due_on", Category::Pathway, Erasure::Keep),
            col("details", Category::Identity, Erasure::Pseudonymise),
            col("status", Category::Pathway, Erasure::Keep),
            Column {
                name: "state_json",
                category: Category::Pathway,
                erasure: Erasure::Pseudonymise,
                json_fields: &[("decision.reasons", Category::Pathway), ("extension.reason", Category::Pathway)],
            },
            col("recorded_by", Category::Staff, Erasure::Keep),
            col("recorded_at", Category::NotPersonal, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "erasure_batches",
        purpose: "The retention review's dry-run reports, the privacy officer's decisions and their outcome",
        basis: Basis::LegalObligation,
        retention: Retention::Audit,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("proposed_at", Category::NotPersonal, Erasure::Keep),
            Column {
                name: "report_json",
                category: Category::Pseudonymous,
                erasure: Erasure::Keep,
                json_fields: &[
                    ("due[].person_id", Category::Pseudonymous),
                    ("blocked[].person_id", Category::Pseudonymous),
                ],
            },
            col("decided_by", Category::Staff, Erasure::Keep),
            col("decided_at", Category::NotPersonal, Erasure::Keep),
            col("decision_reason", Category::NotPersonal, Erasure::Keep),
            col("executed_at", Category::NotPersonal, Erasure::Keep),
            Column {
                name: "outcome_json",
                category: Category::Pseudonymous,
                erasure: Erasure::Keep,
                json_fields: &[
                    ("erased[].person_id", Category::Pseudonymous),
                    ("skipped[].person_id", Category::Pseudonymous),
                ],
            },
        ],
    },
    TableEntry {
        table: "determinations",
        purpose: "Whether a person is obliged, exempt or dispensed, with reasons",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("status", Category::Pathway, Erasure::Keep),
            col("regime", Category::Pathway, Erasure::Keep),
            col("competent_cri", Category::Pathway, Erasure::Keep),
            col("reference_date", Category::Pathway, Erasure::Keep),
            col("as_of", Category::Pathway, Erasure::Keep),
            col("rules_version", Category::Pathway, Erasure::Keep),
            Column {
                name: "facts_json",
                category: Category::Identity,
                erasure: Erasure::Pseudonymise,
                json_fields: &[
                    ("birth_date", Category::Identity),
                    ("nationality", Category::Identity),
                    ("residence_document", Category::Identity),
                    ("family_link", Category::Identity),
                    ("claimed_dispensations", Category::Health),
                    ("granted_dispensations", Category::Health),
                    ("prior_attestation", Category::Pathway),
                ],
            },
            col("result_json", Category::Pathway, Erasure::Keep),
            col("decided_at", Category::Pathway, Erasure::Keep),
            col("decided_by", Category::Staff, Erasure::Pseudonymise),
        ],
    },
    TableEntry {
        table: "cases",
        purpose: "The CRI case: the pathway of one person",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("reference", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("commune_nis", Category::Pathway, Erasure::Keep),
            col("state", Category::Pathway, Erasure::Keep),
            col("obliged", Category::Pathway, Erasure::Keep),
            col("determination_id", Category::Pseudonymous, Erasure::Keep),
            col("opened_at", Category::Pathway, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
            Column {
                name: "state_json",
                category: Category::Pathway,
                erasure: Erasure::Keep,
                json_fields: &[
                    ("social_assessment.sensitive_notes", Category::Social),
                    ("social_assessment.needs", Category::Social),
                    ("dispensation_decisions[].evidence", Category::Health),
                    ("dispensation_decisions[].reason", Category::Health),
                    ("presentation.force_majeure", Category::Health),
                    ("administrative_help[].topic", Category::Social),
                    ("cpas", Category::Social),
                ],
            },
            col("present_by", Category::Pathway, Erasure::Keep),
            col("complete_by", Category::Pathway, Erasure::Keep),
            col("next_review_due", Category::Pathway, Erasure::Keep),
            col("presentation_missed_notified", Category::Pathway, Erasure::Keep),
            col("completion_missed_notified_for", Category::Pathway, Erasure::Keep),
            col("updated_at", Category::Pathway, Erasure::Keep),
            col("cpas_nis", Category::Social, Erasure::Delete),
        ],
    },
    TableEntry {
        table: "case_events",
        purpose: "The case timeline (append-only)",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("occurred_at", Category::Pathway, Erasure::Keep),
            col("kind", Category::Pathway, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("actor_subject", Category::Staff, Erasure::Pseudonymise),
            col("actor_organisation", Category::Pathway, Erasure::Keep),
            col("request_id", Category::NotPersonal, Erasure::Keep),
            col("basis", Category::Pathway, Erasure::Keep),
            col("reason_fr", Category::Pathway, Erasure::Keep),
            col("reason_en", Category::Pathway, Erasure::Keep),
            col("summary", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "outbox_events",
        purpose: "The event feed delivered to CRIs, communes and CPAS",
        basis: Basis::LegalObligation,
        retention: Retention::Feed,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("seq", Category::NotPersonal, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("occurred_at", Category::Pathway, Erasure::Keep),
            col("event_type", Category::Pathway, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("commune_nis", Category::Pathway, Erasure::Keep),
            Column {
                name: "cri_payload",
                category: Category::Pathway,
                erasure: Erasure::Keep,
                json_fields: &[("case_reference", Category::Pseudonymous), ("summary", Category::Pathway)],
            },
            Column {
                name: "commune_payload",
                category: Category::Pseudonymous,
                erasure: Erasure::Keep,
                json_fields: &[("person_id", Category::Pseudonymous), ("case_reference", Category::Pseudonymous)],
            },
            col("cpas_nis", Category::Pathway, Erasure::Keep),
            Column {
                name: "cpas_payload",
                category: Category::Pseudonymous,
                erasure: Erasure::Keep,
                json_fields: &[("person_id", Category::Pseudonymous), ("case_reference", Category::Pseudonymous)],
            },
        ],
    },
    TableEntry {
        table: "case_reference_counters",
        purpose: "Counters for case references",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("year", Category::NotPersonal, Erasure::Keep),
            col("last_value", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "arrivals",
        purpose: "Each report of a commune, as made",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("determination_id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("commune_nis", Category::Pathway, Erasure::Keep),
            col("reported_by_org", Category::Pathway, Erasure::Keep),
            col("reported_by_sub", Category::Staff, Erasure::Pseudonymise),
            col("status", Category::Pathway, Erasure::Keep),
            col("volunteer_request", Category::Pathway, Erasure::Keep),
            Column {
                name: "payload_json",
                category: Category::Contact,
                erasure: Erasure::Pseudonymise,
                json_fields: &[
                    ("contact.email", Category::Contact),
                    ("contact.phone", Category::Contact),
                    ("contact.address", Category::Contact),
                    ("contact.postal_code", Category::Contact),
                    ("contact.locality", Category::Contact),
                    ("contact.language", Category::Contact),
                ],
            },
            col("reported_at", Category::Pathway, Erasure::Keep),
            col("identity_id", Category::Pseudonymous, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "operators",
        purpose: "Training operators (organisations)",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("name", Category::NotPersonal, Erasure::Keep),
            col("enterprise_number", Category::NotPersonal, Erasure::Keep),
            col("axes", Category::NotPersonal, Erasure::Keep),
            col("cri_codes", Category::NotPersonal, Erasure::Keep),
            col("contact_email", Category::Staff, Erasure::Delete),
            col("contact_phone", Category::Staff, Erasure::Delete),
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("created_by", Category::Staff, Erasure::Pseudonymise),
        ],
    },
    TableEntry {
        table: "courses",
        purpose: "Courses published by operators",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("operator_id", Category::NotPersonal, Erasure::Keep),
            col("title", Category::NotPersonal, Erasure::Keep),
            col("axis", Category::NotPersonal, Erasure::Keep),
            col("level", Category::NotPersonal, Erasure::Keep),
            col("instruction_language", Category::NotPersonal, Erasure::Keep),
            col("commune_nis", Category::NotPersonal, Erasure::Keep),
            col("address", Category::NotPersonal, Erasure::Keep),
            col("capacity", Category::NotPersonal, Erasure::Keep),
            col("start_date", Category::NotPersonal, Erasure::Keep),
            col("end_date", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "course_sessions",
        purpose: "Course sessions",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("course_id", Category::NotPersonal, Erasure::Keep),
            col("session_date", Category::NotPersonal, Erasure::Keep),
            col("start_time", Category::NotPersonal, Erasure::Keep),
            col("end_time", Category::NotPersonal, Erasure::Keep),
            col("minutes", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "enrolments",
        purpose: "Enrolments of cases in courses, waiting lists",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("course_id", Category::NotPersonal, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("status", Category::Attendance, Erasure::Keep),
            col("waiting_position", Category::Attendance, Erasure::Keep),
            col("created_at", Category::Pathway, Erasure::Keep),
            col("updated_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "local_initiatives",
        purpose: "Local integration initiatives (ILI) registered for the calls for projects",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("enterprise_number", Category::NotPersonal, Erasure::Keep),
            col("name", Category::NotPersonal, Erasure::Keep),
            col("contact_email", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("created_by", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "project_calls",
        purpose: "The Region's calls for projects to local integration initiatives",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("title", Category::NotPersonal, Erasure::Keep),
            col("axes_json", Category::NotPersonal, Erasure::Keep),
            col("territory_json", Category::NotPersonal, Erasure::Keep),
            col("opens_on", Category::NotPersonal, Erasure::Keep),
            col("closes_on", Category::NotPersonal, Erasure::Keep),
            col("opinion_deadline", Category::NotPersonal, Erasure::Keep),
            col("budget_cents", Category::NotPersonal, Erasure::Keep),
            col("criteria_json", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("created_by", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "project_applications",
        purpose: "ILI applications and the projects they become (organisations, not persons)",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("call_id", Category::NotPersonal, Erasure::Keep),
            col("initiative_id", Category::NotPersonal, Erasure::Keep),
            col("enterprise_number", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("communes_key", Category::NotPersonal, Erasure::Keep),
            col("project_title", Category::NotPersonal, Erasure::Keep),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
            col("requested_cents", Category::NotPersonal, Erasure::Keep),
            col("granted_cents", Category::NotPersonal, Erasure::Keep),
            col("submitted_at", Category::NotPersonal, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "project_application_versions",
        purpose: "Every submitted version of an ILI application",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("application_id", Category::NotPersonal, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
            col("content_json", Category::NotPersonal, Erasure::Keep),
            col("submitted_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "project_steps",
        purpose: "Dated steps of the ILI projects (opinion, decision, visits, reports, evaluation), and their feed",
        basis: Basis::PublicTask,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("seq", Category::NotPersonal, Erasure::Keep),
            col("application_id", Category::NotPersonal, Erasure::Keep),
            col("kind", Category::NotPersonal, Erasure::Keep),
            col("step_json", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("enterprise_number", Category::NotPersonal, Erasure::Keep),
            col("recorded_at", Category::NotPersonal, Erasure::Keep),
            col("recorded_by", Category::Staff, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "coordination_bodies",
        purpose: "Local integration plans, social-cohesion plans and platforms of the CRIs",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("kind", Category::NotPersonal, Erasure::Keep),
            col("name", Category::NotPersonal, Erasure::Keep),
            col("communes_key", Category::NotPersonal, Erasure::Keep),
            col("partners_json", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "coordination_meetings",
        purpose: "Meetings of the coordination bodies (partner organisations present, decisions)",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("body_id", Category::NotPersonal, Erasure::Keep),
            col("held_on", Category::NotPersonal, Erasure::Keep),
            col("partners_present_json", Category::NotPersonal, Erasure::Keep),
            col("decisions_json", Category::NotPersonal, Erasure::Keep),
            col("recorded_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "training_themes",
        purpose: "Training themes a CRI adds to the base list",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("code", Category::NotPersonal, Erasure::Keep),
            col("label_fr", Category::NotPersonal, Erasure::Keep),
            col("label_en", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "trainings",
        purpose: "Training cycles and modules for the sector's practitioners",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("kind", Category::NotPersonal, Erasure::Keep),
            col("title", Category::NotPersonal, Erasure::Keep),
            col("theme", Category::NotPersonal, Erasure::Keep),
            col("sessions_json", Category::NotPersonal, Erasure::Keep),
            col("first_day", Category::NotPersonal, Erasure::Keep),
            col("place", Category::NotPersonal, Erasure::Keep),
            col("capacity", Category::NotPersonal, Erasure::Keep),
            col("trainer", Category::Staff, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "training_registrations",
        purpose: "Practitioners registered to trainings, their place and attendance (professional data, apart from persons)",
        basis: Basis::PublicTask,
        retention: Retention::PractitionerTraining,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("training_id", Category::NotPersonal, Erasure::Keep),
            col("full_name", Category::Identity, Erasure::Delete),
            col("organisation", Category::Contact, Erasure::Delete),
            col("email", Category::Contact, Erasure::Delete),
            col("email_key", Category::Contact, Erasure::Delete),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("attended_json", Category::NotPersonal, Erasure::Keep),
            col("registered_at", Category::NotPersonal, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "welcome_offices",
        purpose: "The CRIs' welcome offices: address, hours, communes served, languages",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("name", Category::NotPersonal, Erasure::Keep),
            col("street", Category::NotPersonal, Erasure::Keep),
            col("postal_code", Category::NotPersonal, Erasure::Keep),
            col("locality", Category::NotPersonal, Erasure::Keep),
            col("opening_hours_json", Category::NotPersonal, Erasure::Keep),
            col("communes_json", Category::NotPersonal, Erasure::Keep),
            col("languages_json", Category::NotPersonal, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "appointment_slots",
        purpose: "Appointment slots of the welcome offices, with the CRI's reference of the staff member",
        basis: Basis::PublicTask,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("office_id", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("kind", Category::NotPersonal, Erasure::Keep),
            col("starts_at", Category::NotPersonal, Erasure::Keep),
            col("minutes", Category::NotPersonal, Erasure::Keep),
            col("staff_ref", Category::Staff, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "appointments",
        purpose: "Appointments of cases at the welcome office and their outcome (attended, no-show, cancelled)",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("slot_id", Category::NotPersonal, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("status", Category::Pathway, Erasure::Keep),
            col("booked_at", Category::Pathway, Erasure::Keep),
            col("updated_at", Category::Pathway, Erasure::Keep),
            col("reminder_recorded_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "collective_sessions",
        purpose: "Collective information sessions on rights and duties",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("office_id", Category::NotPersonal, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("starts_at", Category::NotPersonal, Erasure::Keep),
            col("minutes", Category::NotPersonal, Erasure::Keep),
            col("language", Category::NotPersonal, Erasure::Keep),
            col("capacity", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "session_enrolments",
        purpose: "Cases enrolled in collective sessions, and whether they came",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("session_id", Category::NotPersonal, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("status", Category::Attendance, Erasure::Keep),
            col("enrolled_at", Category::Pathway, Erasure::Keep),
            col("updated_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "interpreting_requests",
        purpose: "Interpreting requested of the SETIS wallon for an appointment or a session (free, rule 3.3)",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("appointment_id", Category::Pseudonymous, Erasure::Keep),
            col("session_id", Category::NotPersonal, Erasure::Keep),
            col("language", Category::Social, Erasure::Keep),
            col("mode", Category::Pathway, Erasure::Keep),
            col("status", Category::Pathway, Erasure::Keep),
            col("provider_reference", Category::Pseudonymous, Erasure::Keep),
            col("requested_at", Category::Pathway, Erasure::Keep),
            col("updated_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "attendance_records",
        purpose: "Attendance reported by operators, every version",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("course_id", Category::NotPersonal, Erasure::Keep),
            col("session_id", Category::NotPersonal, Erasure::Keep),
            col("enrolment_id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("status", Category::Attendance, Erasure::Keep),
            col("minutes", Category::Attendance, Erasure::Keep),
            col("version", Category::Attendance, Erasure::Keep),
            col("is_current", Category::Attendance, Erasure::Keep),
            col("reason", Category::Attendance, Erasure::Keep),
            col("batch_id", Category::NotPersonal, Erasure::Keep),
            col("author_organisation", Category::Attendance, Erasure::Keep),
            col("author_subject", Category::Staff, Erasure::Pseudonymise),
            col("recorded_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "case_axis_minutes",
        purpose: "Attended minutes per case and axis (projection)",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("axis", Category::Attendance, Erasure::Keep),
            col("minutes", Category::Attendance, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "idempotency_keys",
        purpose: "Stored first responses of idempotent writes, for replay",
        basis: Basis::LegalObligation,
        retention: Retention::Idempotency,
        columns: &[
            col("organisation", Category::NotPersonal, Erasure::Keep),
            col("idempotency_key", Category::NotPersonal, Erasure::Keep),
            col("request_hash", Category::NotPersonal, Erasure::Keep),
            col("response_status", Category::NotPersonal, Erasure::Keep),
            Column {
                name: "response_body",
                category: Category::Identity,
                erasure: Erasure::Delete,
                json_fields: &[
                    ("person.niss", Category::Identity),
                    ("person.surname", Category::Identity),
                    ("person.given_names", Category::Identity),
                    ("determination", Category::Pathway),
                ],
            },
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("response_location", Category::Pseudonymous, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "audit_log",
        purpose: "Who did or read what, when (append-only)",
        basis: Basis::LegalObligation,
        retention: Retention::Audit,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("occurred_at", Category::NotPersonal, Erasure::Keep),
            col("request_id", Category::NotPersonal, Erasure::Keep),
            col("subject", Category::Staff, Erasure::Keep),
            col("organisation", Category::Staff, Erasure::Keep),
            col("action", Category::NotPersonal, Erasure::Keep),
            col("resource_type", Category::NotPersonal, Erasure::Keep),
            col("resource_id", Category::Pseudonymous, Erasure::Keep),
            col("detail", Category::Pseudonymous, Erasure::Keep),
            col("client_request_id", Category::NotPersonal, Erasure::Keep),
            col("role", Category::Staff, Erasure::Keep),
            col("route", Category::NotPersonal, Erasure::Keep),
            col("chain_seq", Category::NotPersonal, Erasure::Keep),
            col("previous_hash", Category::NotPersonal, Erasure::Keep),
            col("row_hash", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "audit_subjects",
        purpose: "The persons each audited read showed, for the person's access report (append-only)",
        basis: Basis::LegalObligation,
        retention: Retention::Audit,
        columns: &[
            col("audit_id", Category::NotPersonal, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "jobs",
        purpose: "Background jobs: leases and outcomes (counts only)",
        basis: Basis::NotPersonal,
        retention: Retention::Technical,
        columns: &[
            col("kind", Category::NotPersonal, Erasure::Keep),
            col("next_run_at", Category::NotPersonal, Erasure::Keep),
            col("lease_owner", Category::NotPersonal, Erasure::Keep),
            col("lease_until", Category::NotPersonal, Erasure::Keep),
            col("last_started_at", Category::NotPersonal, Erasure::Keep),
            col("last_finished_at", Category::NotPersonal, Erasure::Keep),
            col("last_outcome", Category::NotPersonal, Erasure::Keep),
            col("runs", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "cri_settings",
        purpose: "A CRI's office address and signatory",
        basis: Basis::PublicTask,
        retention: Retention::Reference,
        columns: &[
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("office_address", Category::NotPersonal, Erasure::Keep),
            col("signatory_name", Category::Staff, Erasure::Pseudonymise),
            col("signatory_function", Category::Staff, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
            col("updated_by", Category::Staff, Erasure::Pseudonymise),
        ],
    },
    TableEntry {
        table: "attestation_counters",
        purpose: "Counters for attestation serials",
        basis: Basis::NotPersonal,
        retention: Retention::Reference,
        columns: &[
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("year", Category::NotPersonal, Erasure::Keep),
            col("last_value", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "attestations",
        purpose: "Attestations de fréquentation issued, with their verification data",
        basis: Basis::LegalObligation,
        retention: Retention::Attestation,
        columns: &[
            col("serial", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("kind", Category::Pathway, Erasure::Keep),
            col("status", Category::Pathway, Erasure::Keep),
            Column {
                name: "content_json",
                category: Category::Identity,
                erasure: Erasure::LegalHold,
                json_fields: &[
                    ("holder.surname", Category::Identity),
                    ("holder.given_names", Category::Identity),
                    ("holder.birth_date", Category::Identity),
                    ("axes", Category::Attendance),
                ],
            },
            col("pdf_sha256", Category::NotPersonal, Erasure::Keep),
            col("template_version", Category::NotPersonal, Erasure::Keep),
            col("verification_token", Category::Pseudonymous, Erasure::Keep),
            col("key_id", Category::NotPersonal, Erasure::Keep),
            Column {
                name: "signed_payload",
                category: Category::Identity,
                erasure: Erasure::LegalHold,
                json_fields: &[("surname_hash", Category::Identity), ("birth_date", Category::Identity)],
            },
            col("issued_on", Category::Pathway, Erasure::Keep),
            col("completed_on", Category::Pathway, Erasure::Keep),
            col("issued_at", Category::Pathway, Erasure::Keep),
            col("issued_by", Category::Staff, Erasure::Pseudonymise),
            col("supersedes", Category::Pathway, Erasure::Keep),
            col("superseded_by", Category::Pathway, Erasure::Keep),
            col("revoked_at", Category::Pathway, Erasure::Keep),
            col("revocation_reason", Category::Pathway, Erasure::Keep),
            col("copies", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "parameter_values",
        purpose: "The Region's parameter values and their sources",
        basis: Basis::PublicTask,
        retention: Retention::Reference,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("name", Category::NotPersonal, Erasure::Keep),
            col("valid_from", Category::NotPersonal, Erasure::Keep),
            col("value_text", Category::NotPersonal, Erasure::Keep),
            col("legal_source", Category::NotPersonal, Erasure::Keep),
            col("reason", Category::NotPersonal, Erasure::Keep),
            col("recorded_at", Category::NotPersonal, Erasure::Keep),
            col("recorded_by", Category::Staff, Erasure::Pseudonymise),
            col("superseded_at", Category::NotPersonal, Erasure::Keep),
            col("reviewed_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "parameter_review_items",
        purpose: "Open cases a new parameter value would change, for their CRI",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("parameter_value_id", Category::NotPersonal, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("status_before", Category::Pathway, Erasure::Keep),
            col("status_after", Category::Pathway, Erasure::Keep),
            col("changes", Category::Pathway, Erasure::Keep),
            col("found_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "person_identities",
        purpose: "Every version of a person's identity, with its source",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
            col("niss", Category::Identity, Erasure::Pseudonymise),
            col("surname", Category::Identity, Erasure::Pseudonymise),
            col("given_names", Category::Identity, Erasure::Pseudonymise),
            col("birth_date", Category::Identity, Erasure::Pseudonymise),
            col("sex", Category::Identity, Erasure::Keep),
            col("nationality", Category::Identity, Erasure::Keep),
            col("source", Category::NotPersonal, Erasure::Keep),
            col("source_org", Category::NotPersonal, Erasure::Keep),
            col("reason", Category::Pathway, Erasure::Keep),
            col("recorded_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "identity_conflicts",
        purpose: "Reports that gave another identity than the known one",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("person_id", Category::Pseudonymous, Erasure::Keep),
            col("arrival_id", Category::Pseudonymous, Erasure::Keep),
            col("reported_identity_id", Category::Pseudonymous, Erasure::Keep),
            col("current_identity_id", Category::Pseudonymous, Erasure::Keep),
            col("fields", Category::Pathway, Erasure::Keep),
            col("cri_code", Category::NotPersonal, Erasure::Keep),
            col("flagged_at", Category::NotPersonal, Erasure::Keep),
            col("resolution", Category::Pathway, Erasure::Keep),
            col("resolution_reason", Category::Pathway, Erasure::Keep),
            col("resolved_by", Category::Staff, Erasure::Pseudonymise),
            col("resolved_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "person_merges",
        purpose: "Two records of one person merged",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("kept_person_id", Category::Pseudonymous, Erasure::Keep),
            col("merged_person_id", Category::Pseudonymous, Erasure::Keep),
            col("reason", Category::Pathway, Erasure::Keep),
            col("merged_by_org", Category::NotPersonal, Erasure::Keep),
            col("merged_by_sub", Category::Staff, Erasure::Pseudonymise),
            col("merged_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "reminders",
        purpose: "Reminders before a deadline and their dispatch",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Pathway, Erasure::Keep),
            col("kind", Category::Pathway, Erasure::Keep),
            col("deadline", Category::Pathway, Erasure::Keep),
            col("due_on", Category::Pathway, Erasure::Keep),
            col("status", Category::Pathway, Erasure::Keep),
            col("channel", Category::Pathway, Erasure::Keep),
            col("dispatched_on", Category::Pathway, Erasure::Keep),
            col("dispatched_by", Category::Staff, Erasure::Pseudonymise),
            col("created_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "course_offers",
        purpose: "Places offered to a person on an axis (the Region's supply)",
        basis: Basis::LegalObligation,
        retention: Retention::PathwayFile,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("axis", Category::Pathway, Erasure::Keep),
            col("offered_on", Category::Pathway, Erasure::Keep),
            col("description", Category::Pathway, Erasure::Keep),
            col("enrolment_id", Category::Pseudonymous, Erasure::Keep),
            col("recorded_by", Category::Staff, Erasure::Keep),
            col("created_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "non_compliances",
        purpose: "Breaches of the obligation and the CRI's review",
        basis: Basis::LegalObligation,
        retention: Retention::Sanction,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Sanction, Erasure::LegalHold),
            col("kind", Category::Sanction, Erasure::LegalHold),
            col("deadline", Category::Sanction, Erasure::LegalHold),
            col("breach_date", Category::Sanction, Erasure::LegalHold),
            col("basis", Category::Sanction, Erasure::LegalHold),
            col("finding", Category::Sanction, Erasure::LegalHold),
            col("status", Category::Sanction, Erasure::LegalHold),
            Column {
                name: "excuse_json",
                category: Category::Sanction,
                erasure: Erasure::LegalHold,
                json_fields: &[("suspension", Category::Health)],
            },
            col("review_reason", Category::Sanction, Erasure::LegalHold),
            col("reviewed_on", Category::Sanction, Erasure::LegalHold),
            col("reviewed_by", Category::Staff, Erasure::Pseudonymise),
            col("created_by", Category::Staff, Erasure::Pseudonymise),
            col("created_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "sanction_procedures",
        purpose: "Sanction procedures (aggregate)",
        basis: Basis::LegalObligation,
        retention: Retention::Sanction,
        columns: &[
            col("id", Category::Pseudonymous, Erasure::Keep),
            col("reference", Category::Pseudonymous, Erasure::Keep),
            col("non_compliance_id", Category::Pseudonymous, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("cri_code", Category::Sanction, Erasure::LegalHold),
            col("state", Category::Sanction, Erasure::LegalHold),
            Column {
                name: "state_json",
                category: Category::Sanction,
                erasure: Erasure::LegalHold,
                json_fields: &[
                    ("observations[].summary", Category::Sanction),
                    ("observations[].hearing_minutes", Category::Sanction),
                    ("drafts[].reasoning", Category::Sanction),
                    ("drafts[].drafted_by", Category::Staff),
                    ("decision.signed_by", Category::Staff),
                    ("appeal", Category::Sanction),
                ],
            },
            col("version", Category::NotPersonal, Erasure::Keep),
            col("opened_at", Category::Pathway, Erasure::Keep),
            col("updated_at", Category::Pathway, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "sanction_steps",
        purpose: "Every step of a sanction procedure (append-only)",
        basis: Basis::LegalObligation,
        retention: Retention::Sanction,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("procedure_id", Category::Pseudonymous, Erasure::Keep),
            col("seq", Category::Sanction, Erasure::LegalHold),
            col("kind", Category::Sanction, Erasure::LegalHold),
            col("summary", Category::Sanction, Erasure::LegalHold),
            col("recorded_at", Category::Pathway, Erasure::Keep),
            col("recorded_by", Category::Staff, Erasure::Pseudonymise),
            col("organisation", Category::Sanction, Erasure::LegalHold),
            col("request_id", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "webhook_subscriptions",
        purpose: "An organisation's subscriptions to its feed by signed webhooks (receiver, event types, sealed secrets)",
        basis: Basis::PublicTask,
        retention: Retention::Technical,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("organisation", Category::NotPersonal, Erasure::Keep),
            col("url", Category::NotPersonal, Erasure::Keep),
            col("description", Category::NotPersonal, Erasure::Keep),
            col("event_types_json", Category::NotPersonal, Erasure::Keep),
            col("scheme", Category::NotPersonal, Erasure::Keep),
            col("secret_sealed", Category::NotPersonal, Erasure::Keep),
            col("public_key", Category::NotPersonal, Erasure::Keep),
            col("previous_secret_sealed", Category::NotPersonal, Erasure::Keep),
            col("previous_public_key", Category::NotPersonal, Erasure::Keep),
            col("previous_secret_until", Category::NotPersonal, Erasure::Keep),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("disabled_reason", Category::NotPersonal, Erasure::Keep),
            col("position", Category::NotPersonal, Erasure::Keep),
            col("version", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
            col("created_by", Category::Staff, Erasure::Keep),
            col("updated_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "webhook_deliveries",
        purpose: "Each feed event to deliver to each subscription, with its state (the delivery log)",
        basis: Basis::LegalObligation,
        retention: Retention::Feed,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("subscription_id", Category::NotPersonal, Erasure::Keep),
            col("event_id", Category::NotPersonal, Erasure::Keep),
            col("position", Category::NotPersonal, Erasure::Keep),
            col("case_id", Category::Pseudonymous, Erasure::Keep),
            col("event_type", Category::Pathway, Erasure::Keep),
            col("status", Category::NotPersonal, Erasure::Keep),
            col("attempts", Category::NotPersonal, Erasure::Keep),
            col("next_attempt_at", Category::NotPersonal, Erasure::Keep),
            col("last_attempt_at", Category::NotPersonal, Erasure::Keep),
            col("last_status_code", Category::NotPersonal, Erasure::Keep),
            col("last_error", Category::NotPersonal, Erasure::Keep),
            col("created_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "sandbox_clocks",
        purpose: "The sandbox only: each organisation's clock, as days ahead of the sandbox's, and the row that marks a sandbox database",
        basis: Basis::NotPersonal,
        retention: Retention::Technical,
        columns: &[
            col("organisation", Category::NotPersonal, Erasure::Keep),
            col("offset_days", Category::NotPersonal, Erasure::Keep),
            col("moved_at", Category::NotPersonal, Erasure::Keep),
        ],
    },
    TableEntry {
        table: "webhook_attempts",
        purpose: "Every attempt of a webhook delivery: when, the receiver's status code or the error code",
        basis: Basis::NotPersonal,
        retention: Retention::Feed,
        columns: &[
            col("id", Category::NotPersonal, Erasure::Keep),
            col("delivery_id", Category::NotPersonal, Erasure::Keep),
            col("attempt", Category::NotPersonal, Erasure::Keep),
            col("attempted_at", Category::NotPersonal, Erasure::Keep),
            col("status_code", Category::NotPersonal, Erasure::Keep),
            col("error", Category::NotPersonal, Erasure::Keep),
            col("duration_ms", Category::NotPersonal, Erasure::Keep),
        ],
    },
];

/// The tables and columns that a `schema.rs` source declares, in its order.
pub fn schema_columns(schema_source: &str) -> Vec<(String, Vec<String>)> {
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    let mut inside = false;
    for line in schema_source.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("diesel::table!") {
            inside = true;
            continue;
        }
        if !inside || trimmed.starts_with("///") || trimmed.is_empty() {
            continue;
        }
        if line.starts_with('}') {
            inside = false;
        } else if let Some((name, _)) = trimmed.split_once(" (").filter(|_| trimmed.ends_with('{')) {
            tables.push((name.to_owned(), Vec::new()));
        } else if let (Some((column, _)), Some(table)) = (trimmed.split_once(" ->"), tables.last_mut()) {
            table.1.push(column.to_owned());
        }
    }
    tables
}

/// What the inventory lacks against a `schema.rs` source (`table.column` untagged), and what it lists that
/// the schema no longer has.
pub fn inventory_gaps(schema_source: &str, inventory: &[TableEntry]) -> (Vec<String>, Vec<String>) {
    let schema = schema_columns(schema_source);
    let listed = |table: &str, column: &str| {
        inventory.iter().any(|t| t.table == table && t.columns.iter().any(|c| c.name == column))
    };
    let untagged = schema
        .iter()
        .flat_map(|(table, columns)| columns.iter().map(move |c| (table, c)))
        .filter(|(table, column)| !listed(table, column))
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    let declared =
        |table: &str, column: &str| schema.iter().any(|(t, cs)| t == table && cs.iter().any(|c| c == column));
    let stale = inventory
        .iter()
        .flat_map(|t| t.columns.iter().map(move |c| (t.table, c.name)))
        .filter(|(table, column)| !declared(table, column))
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    (untagged, stale)
}

/// Identity columns an erasure keeps, because the statistics count them and, without the national number,
/// the names and the exact birth date, they single no one out (the statistics publish them only under cell
/// suppression): `docs/decisions.md`, 25.
pub const KEPT_FOR_STATISTICS: &[&str] =
    &["persons.sex", "persons.nationality", "person_identities.sex", "person_identities.nationality"];

/// `docs/personal-data.md`: the register of processing (GDPR art. 30) generated from [`INVENTORY`].
pub fn personal_data_markdown() -> String {
    let mut s = String::from(
        "# Personal data: the register of processing (GDPR art. 30)\n\n\
         Generated from `crates/parcours-store/src/personal_data.rs` by `make docs`; do not edit by hand. A test \
         fails when a column of `schema.rs` is not listed there.\n\n\
         ## Controller and purposes\n\n\
         The Walloon Region (SPW Intérieur et Action sociale) and the eight regional integration centres (CRIs), \
         each for its territory, process these data to run the integration pathway of newly arrived foreigners \
         (CWASS art. 150-153/1): deciding who is obliged, exempt or dispensed; following each case at the CRI \
         (welcome module, convention, training, reviews, dispensations, extensions, transfers, attestation); \
         recording the attendance reported by training operators; reminding, recording non-compliance and \
         running the sanction procedure (art. 152/8); and producing statistics that never expose a person.\n\n\
         ## Recipients\n\n\
         - The CRI holding the case: the whole case (queries are filtered by CRI in SQL).\n\
         - The commune of domicile: the determination it asked for, and the notices of rule 4.7 (the feed), \
           which name the person by id; the identity through `GET /v1/persons/{id}`, each read recorded.\n\
         - The CPAS the CRI recorded: the notices of rules 4.7 and 5.2, likewise.\n\
         - Training operators: name and case reference of the persons enrolled in their courses, and the \
           attendance they report.\n\
         - The Region's sanctioning officials: the files the CRIs hand over, nothing else of the case.\n\
         - The Region: counts only (statistics); parameters and reference data.\n\
         - Anyone shown an attestation: whether it is valid, with the holder's name only when they supply it.\n\n\
         ## Safeguards\n\n\
         Every query returning personal data takes the caller's scope; every read and write of a person's file \
         is in the append-only audit trail, sealed in a hash chain (`parcours audit verify`), with the persons \
         each list or feed page showed; logs never contain personal data; feed payloads carry identifiers, \
         never a national number or a name; the social assessment's notes and the dispensation evidence \
         (`cases.state_json` → `social_assessment.sensitive_notes`, `dispensation_decisions[].evidence`) are \
         encrypted with a data key from configuration and opened only for the CRI holding the case; tokens \
         are short-lived, signed, with pinned algorithms; attestations are signed; TLS in production \
         (operations.md).\n\n\
         ## Categories\n\nEvery column holding personal data, by category (the columns of no category are listed \
         per table below as `not_personal`).\n\n| Category | Columns |\n|---|---|\n",
    );
    for category in Category::ALL.into_iter().filter(|c| *c != Category::NotPersonal) {
        let mut places: Vec<String> = Vec::new();
        for table in INVENTORY {
            for column in table.columns {
                if column.category == category {
                    places.push(format!("`{}.{}`", table.table, column.name));
                }
                for (field, field_category) in column.json_fields {
                    if *field_category == category {
                        places.push(format!("`{}.{}` → `{field}`", table.table, column.name));
                    }
                }
            }
        }
        let _ =
            writeln!(s, "| {} | {} |", category.code(), if places.is_empty() { "—".into() } else { places.join(", ") });
    }
    let _ = writeln!(s, "\n## Tables\n");
    for table in INVENTORY {
        let _ = writeln!(
            s,
            "### `{}`\n\n{}. Lawful basis: {}. Retention: {}\n\n| Column | Category | Erasure | Personal JSON fields |\n|---|---|---|---|",
            table.table,
            table.purpose,
            table.basis.text(),
            table.retention.text()
        );
        for column in table.columns {
            let fields: Vec<String> = column.json_fields.iter().map(|(f, c)| format!("`{f}` ({})", c.code())).collect();
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                column.name,
                column.category.code(),
                column.erasure.code(),
                if fields.is_empty() { "—".into() } else { fields.join(", ") }
            );
        }
        let _ = writeln!(s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = include_str!("schema.rs");

    #[test]
    fn every_column_of_the_schema_is_in_the_inventory_and_nothing_else() {
        let (untagged, stale) = inventory_gaps(SCHEMA, INVENTORY);
        assert!(untagged.is_empty(), "columns of schema.rs missing from personal_data.rs: {untagged:?}");
        assert!(stale.is_empty(), "columns listed in personal_data.rs that schema.rs no longer has: {stale:?}");
        assert_eq!(schema_columns(SCHEMA).len(), INVENTORY.len());
    }

    #[test]
    fn an_untagged_column_added_to_the_schema_is_reported() {
        let extended = format!(
            "{SCHEMA}\ndiesel::table! {{\n    /// A new table.\n    pets (id) {{\n        id -> Text,\n        owner_niss -> Text,\n    }}\n}}\n"
        );
        let (untagged, _) = inventory_gaps(&extended, INVENTORY);
        assert_eq!(untagged, vec!["pets.id".to_owned(), "pets.owner_niss".to_owned()]);
        let with_column =
            SCHEMA.replacen("        niss -> Text,\n", "        niss -> Text,\n        passport -> Text,\n", 1);
        assert_eq!(inventory_gaps(&with_column, INVENTORY).0, vec!["persons.passport".to_owned()]);
    }

    #[test]
    fn identity_and_health_are_never_kept_as_they_are() {
        for table in INVENTORY {
            for column in table.columns {
                let place = format!("{}.{}", table.table, column.name);
                if KEPT_FOR_STATISTICS.contains(&place.as_str()) {
                    continue;
                }
                if matches!(column.category, Category::Identity | Category::Health | Category::Contact) {
                    assert_ne!(column.erasure, Erasure::Keep, "{}.{}", table.table, column.name);
                }
            }
        }
    }

    #[test]
    fn docs_personal_data_md_is_generated_from_the_inventory_and_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/personal-data.md");
        let generated = personal_data_markdown();
        if std::env::var_os("PARCOURS_UPDATE_DOCS").is_some() {
            std::fs::write(path, &generated).expect("write docs/personal-data.md");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == generated, "docs/personal-data.md is stale: run `make docs`");
    }
}
