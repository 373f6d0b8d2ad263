//! Local integration initiatives (*initiatives locales d'intégration*, ILI): the CRI's mission to accompany
//! them (CWASS art. 153, the CRI missions). The Region opens a call for projects (*appel à projets*) on the
//! ILI axes; an ILI applies; the competent CRI gives its reasoned opinion (*avis d'opportunité*) before the
//! call's opinion deadline; the Region decides; a funded project is followed up (support visits, interim and
//! final reports) and evaluated by the CRI. Every refusal of that sequence is decided here, on a
//! [`ProjectFile`] the store rebuilds from the project's recorded steps.
//!
//! The call procedure itself is the Region's practice (its calls publish the axes, dates and criteria): it is
//! not codified in rules.md, so its dates and criteria are data of each call, never constants.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::law::{Bilingual, Refusal};
use crate::reference::{CriCode, NisCode, ReferenceData};

/// The axes a call for projects may fund (the ILI axes of the Region's calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IliAxis {
    /// Citizenship (*citoyenneté*).
    Citizenship,
    /// Socio-professional integration (*insertion socioprofessionnelle*).
    SocioProfessionalIntegration,
    /// Social and legal aid (*aide sociale et juridique*).
    SocialLegalAid,
    /// Interculturality (*interculturalité*).
    Interculturality,
    /// French as a foreign language (*français langue étrangère*, FLE).
    FrenchForeignLanguage,
}

impl IliAxis {
    /// Every axis.
    pub const ALL: [IliAxis; 5] = [
        IliAxis::Citizenship,
        IliAxis::SocioProfessionalIntegration,
        IliAxis::SocialLegalAid,
        IliAxis::Interculturality,
        IliAxis::FrenchForeignLanguage,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            IliAxis::Citizenship => "citizenship",
            IliAxis::SocioProfessionalIntegration => "socio_professional_integration",
            IliAxis::SocialLegalAid => "social_legal_aid",
            IliAxis::Interculturality => "interculturality",
            IliAxis::FrenchForeignLanguage => "french_foreign_language",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<IliAxis> {
        IliAxis::ALL.into_iter().find(|axis| axis.code() == code)
    }
}

/// One criterion a call publishes, which opinions address by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// Short stable code (`relevance`, `partnership`...).
    pub code: String,
    /// What it means, as the call states it.
    pub label: String,
}

/// A call for projects, as the Region opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectCall {
    /// Title.
    pub title: String,
    /// Axes it funds.
    pub axes: Vec<IliAxis>,
    /// The CRIs whose territory it covers.
    pub territory: Vec<CriCode>,
    /// First day applications are received.
    pub opens_on: NaiveDate,
    /// Last day applications are received (and may be revised).
    pub closes_on: NaiveDate,
    /// Last day the CRIs may give their opinion.
    pub opinion_deadline: NaiveDate,
    /// Budget, in euro cents.
    pub budget_cents: i64,
    /// The criteria the opinions address.
    pub criteria: Vec<Criterion>,
}

/// A line of an application's budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// What it pays for.
    pub label: String,
    /// Amount, in euro cents.
    pub amount_cents: i64,
}

/// A partner of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    /// Name of the partner organisation.
    pub name: String,
    /// What it brings.
    pub role: String,
}

/// What an ILI submits, in one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The project's title.
    pub project_title: String,
    /// What the project does.
    pub summary: String,
    /// Axes (a subset of the call's).
    pub axes: Vec<IliAxis>,
    /// Who it is for.
    pub target_public: String,
    /// The communes where it takes place (they choose the competent CRI).
    pub communes: Vec<NisCode>,
    /// Budget lines.
    pub budget_lines: Vec<BudgetLine>,
    /// Partners.
    pub partners: Vec<Partner>,
}

impl Application {
    /// The amount asked, in euro cents.
    pub fn requested_cents(&self) -> i64 {
        self.budget_lines.iter().map(|line| line.amount_cents).sum()
    }
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Submitted (or revised), awaiting the CRI's opinion.
    Submitted,
    /// The CRI gave its opinion; awaiting the Region's decision.
    OpinionGiven,
    /// Granted: followed up by the CRI.
    Granted,
    /// Refused by the Region.
    Refused,
    /// Granted, final report received and evaluated by the CRI.
    Evaluated,
}

impl ProjectStatus {
    /// Every status.
    pub const ALL: [ProjectStatus; 5] = [
        ProjectStatus::Submitted,
        ProjectStatus::OpinionGiven,
        ProjectStatus::Granted,
        ProjectStatus::Refused,
        ProjectStatus::Evaluated,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProjectStatus::Submitted => "submitted",
            ProjectStatus::OpinionGiven => "opinion_given",
            ProjectStatus::Granted => "granted",
            ProjectStatus::Refused => "refused",
            ProjectStatus::Evaluated => "evaluated",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ProjectStatus> {
        ProjectStatus::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// The CRI's opinion on an application (*avis d'opportunité*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Favourable.
    Favourable,
    /// Favourable with reservations.
    Reserved,
    /// Unfavourable.
    Unfavourable,
}

/// The Region's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// Subsidy granted.
    Granted,
    /// Refused.
    Refused,
}

/// What a support visit was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// Pedagogical support.
    Pedagogical,
    /// Accounting support.
    Accounting,
}

/// A report the ILI submits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// An interim report (any number, before the final one).
    Interim,
    /// The final report (once).
    Final,
}

/// How far the project met its objectives, in the CRI's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectivesMet {
    /// Met.
    Met,
    /// Partly met.
    PartlyMet,
    /// Not met.
    NotMet,
}

/// One dated step of a project, as recorded (the store keeps them in order; they are also its events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProjectStep {
    /// The application, first version.
    Submitted {
        /// Version number (1).
        version: i32,
    },
    /// A new version replaces the previous one (before the call closes and before any opinion).
    Revised {
        /// The new version number.
        version: i32,
    },
    /// The competent CRI's opinion, on the version it read.
    Opinion {
        /// Favourable, reserved, unfavourable.
        verdict: Verdict,
        /// The codes of the call's criteria it addressed.
        criteria: Vec<String>,
        /// Its reasons.
        reasoning: String,
        /// The version it read.
        version: i32,
    },
    /// The Region's decision.
    Decision {
        /// Granted or refused.
        outcome: DecisionOutcome,
        /// Granted amount in euro cents (0 when refused).
        granted_cents: i64,
        /// Conditions attached to the grant.
        conditions: String,
        /// Reasons.
        reasoning: String,
    },
    /// A support visit by the CRI.
    SupportVisit {
        /// Pedagogical or accounting.
        visit: VisitKind,
        /// The day of the visit.
        visited_on: NaiveDate,
        /// The CRI's notes.
        notes: String,
    },
    /// A report by the ILI.
    Report {
        /// Interim or final.
        report: ReportKind,
        /// What was done.
        summary: String,
        /// What was spent so far, in euro cents.
        spent_cents: i64,
    },
    /// The CRI's evaluation, after the final report.
    Evaluation {
        /// How far the objectives were met.
        objectives: ObjectivesMet,
        /// The evaluation.
        summary: String,
    },
}

impl ProjectStep {
    /// The event this step is on the project feed.
    pub fn event(&self) -> ProjectEventKind {
        match self {
            ProjectStep::Submitted { .. } => ProjectEventKind::ApplicationSubmitted,
            ProjectStep::Revised { .. } => ProjectEventKind::ApplicationRevised,
            ProjectStep::Opinion { .. } => ProjectEventKind::OpinionGiven,
            ProjectStep::Decision { .. } => ProjectEventKind::ProjectDecided,
            ProjectStep::SupportVisit { .. } => ProjectEventKind::SupportVisitRecorded,
            ProjectStep::Report { .. } => ProjectEventKind::ReportSubmitted,
            ProjectStep::Evaluation { .. } => ProjectEventKind::ProjectEvaluated,
        }
    }

    /// Who may record this step.
    pub fn recorded_by(&self) -> ProjectParty {
        match self {
            ProjectStep::Submitted { .. } | ProjectStep::Revised { .. } | ProjectStep::Report { .. } => {
                ProjectParty::Applicant
            }
            ProjectStep::Opinion { .. } | ProjectStep::SupportVisit { .. } | ProjectStep::Evaluation { .. } => {
                ProjectParty::Cri
            }
            ProjectStep::Decision { .. } => ProjectParty::Region,
        }
    }
}

/// The parties of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectParty {
    /// The applicant ILI.
    Applicant,
    /// The competent CRI.
    Cri,
    /// The Region.
    Region,
}

/// The typed catalogue of project events: what the applicant, the CRI and the Region read on
/// `GET /v1/project-events` (all three parties read every kind of their projects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectEventKind {
    /// An ILI submitted an application.
    ApplicationSubmitted,
    /// An ILI submitted a new version of its application.
    ApplicationRevised,
    /// The competent CRI gave its opinion.
    OpinionGiven,
    /// The Region decided (granted or refused).
    ProjectDecided,
    /// The CRI recorded a support visit.
    SupportVisitRecorded,
    /// The ILI submitted a report.
    ReportSubmitted,
    /// The CRI evaluated the project.
    ProjectEvaluated,
}

impl ProjectEventKind {
    /// Every kind.
    pub const ALL: [ProjectEventKind; 7] = [
        ProjectEventKind::ApplicationSubmitted,
        ProjectEventKind::ApplicationRevised,
        ProjectEventKind::OpinionGiven,
        ProjectEventKind::ProjectDecided,
        ProjectEventKind::SupportVisitRecorded,
        ProjectEventKind::ReportSubmitted,
        ProjectEventKind::ProjectEvaluated,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProjectEventKind::ApplicationSubmitted => "project_application_submitted",
            ProjectEventKind::ApplicationRevised => "project_application_revised",
            ProjectEventKind::OpinionGiven => "project_opinion_given",
            ProjectEventKind::ProjectDecided => "project_decided",
            ProjectEventKind::SupportVisitRecorded => "project_support_visit_recorded",
            ProjectEventKind::ReportSubmitted => "project_report_submitted",
            ProjectEventKind::ProjectEvaluated => "project_evaluated",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<ProjectEventKind> {
        ProjectEventKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// What it means, French first.
    pub fn description(self) -> Bilingual {
        let (fr, en) = match self {
            ProjectEventKind::ApplicationSubmitted => {
                ("Une ILI a introduit sa candidature.", "An ILI submitted its application.")
            }
            ProjectEventKind::ApplicationRevised => {
                ("Une ILI a introduit une nouvelle version.", "An ILI submitted a new version.")
            }
            ProjectEventKind::OpinionGiven => ("Le CRI a rendu son avis d'opportunité.", "The CRI gave its opinion."),
            ProjectEventKind::ProjectDecided => ("La Région a décidé.", "The Region decided."),
            ProjectEventKind::SupportVisitRecorded => {
                ("Le CRI a noté une visite d'accompagnement.", "The CRI recorded a support visit.")
            }
            ProjectEventKind::ReportSubmitted => ("L'ILI a remis un rapport.", "The ILI submitted a report."),
            ProjectEventKind::ProjectEvaluated => ("Le CRI a évalué le projet.", "The CRI evaluated the project."),
        };
        Bilingual { fr, en }
    }

    /// Who records the step it reports.
    pub fn recorded_by(self) -> &'static str {
        match self {
            ProjectEventKind::ApplicationSubmitted
            | ProjectEventKind::ApplicationRevised
            | ProjectEventKind::ReportSubmitted => "ILI",
            ProjectEventKind::ProjectDecided => "Region",
            ProjectEventKind::OpinionGiven
            | ProjectEventKind::SupportVisitRecorded
            | ProjectEventKind::ProjectEvaluated => "CRI",
        }
    }

    /// The basis: the CRI mission, or the call procedure.
    pub fn basis(self) -> &'static str {
        match self {
            ProjectEventKind::OpinionGiven
            | ProjectEventKind::SupportVisitRecorded
            | ProjectEventKind::ProjectEvaluated => "CWASS art. 153 (missions des CRI : accompagnement des ILI)",
            _ => "Appel à projets ILI de la Région (procédure de l'appel)",
        }
    }
}

/// Why a call, an application or a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectError {
    /// A call's dates out of order (opens ≤ closes < opinion deadline).
    CallDatesOutOfOrder,
    /// A call without an axis, a territory or a criterion, or with a criterion code twice.
    CallIncomplete,
    /// A budget that is not positive.
    InvalidAmount,
    /// The call does not receive applications today.
    CallNotOpen,
    /// An axis the call does not fund.
    AxisNotInCall,
    /// The project's communes are not all in one CRI's territory.
    CommunesOfSeveralCris,
    /// The competent CRI's territory is not covered by the call.
    OutsideCallTerritory,
    /// An application without a budget line or a commune.
    ApplicationIncomplete,
    /// A new version after the call closed or after the opinion.
    RevisionClosed,
    /// The opinion came after the call's opinion deadline.
    OpinionAfterDeadline,
    /// An opinion on a project that already has one (or is decided).
    OpinionAlreadyGiven,
    /// An opinion addressing no criterion, or one the call does not publish.
    UnknownCriterion,
    /// A decision on a project without the CRI's opinion.
    DecisionWithoutOpinion,
    /// A second decision.
    AlreadyDecided,
    /// A granted amount above the request, or above what remains of the call's budget, or a refusal with an
    /// amount.
    GrantExceeded,
    /// Follow-up (visit, report) on a project that is not granted.
    NotGranted,
    /// A report after the final report.
    FinalReportAlreadyIn,
    /// An evaluation before the final report, or a second one.
    EvaluationNotDue,
    /// A date in the future.
    FutureDate,
    /// A new version whose communes belong to another CRI than the first version's.
    CompetentCriChanged,
}

impl Refusal for ProjectError {
    fn details(self) -> (&'static str, &'static str, bool, &'static str, &'static str) {
        use ProjectError::*;
        match self {
            CallDatesOutOfOrder => (
                "call_dates_out_of_order",
                "closes_on",
                false,
                "Les dates de l'appel doivent se suivre : ouverture ≤ clôture < date limite des avis.",
                "The call's dates must follow each other: opens ≤ closes < opinion deadline.",
            ),
            CallIncomplete => (
                "call_incomplete",
                "criteria",
                false,
                "Un appel a au moins un axe, un territoire de CRI et un critère, chaque code de critère une fois.",
                "A call has at least one axis, one CRI territory and one criterion, each criterion code once.",
            ),
            InvalidAmount => (
                "invalid_amount",
                "budget_cents",
                false,
                "Un montant est un nombre entier de cents strictement positif.",
                "An amount is a whole positive number of cents.",
            ),
            CallNotOpen => (
                "call_not_open",
                "call_id",
                true,
                "Cet appel ne reçoit pas de candidatures aujourd'hui.",
                "This call does not receive applications today.",
            ),
            AxisNotInCall => (
                "axis_not_in_call",
                "axes",
                false,
                "Un projet ne vise que des axes de l'appel, au moins un.",
                "A project targets only axes of the call, at least one.",
            ),
            CommunesOfSeveralCris => (
                "communes_of_several_cris",
                "communes",
                false,
                "Les communes d'un projet sont toutes du territoire d'un même CRI : introduisez un projet par CRI.",
                "A project's communes are all in one CRI's territory: submit one project per CRI.",
            ),
            OutsideCallTerritory => (
                "outside_call_territory",
                "communes",
                false,
                "L'appel ne couvre pas le territoire du CRI compétent pour ces communes.",
                "The call does not cover the territory of the CRI competent for these communes.",
            ),
            ApplicationIncomplete => (
                "application_incomplete",
                "budget_lines",
                false,
                "Une candidature a au moins une commune et une ligne budgétaire de montant positif.",
                "An application has at least one commune and one budget line with a positive amount.",
            ),
            RevisionClosed => (
                "revision_closed",
                "version",
                true,
                "Une nouvelle version n'est possible qu'avant la clôture de l'appel et avant l'avis du CRI.",
                "A new version is possible only before the call closes and before the CRI's opinion.",
            ),
            OpinionAfterDeadline => (
                "opinion_after_deadline",
                "kind",
                true,
                "La date limite des avis de cet appel est passée.",
                "This call's opinion deadline has passed.",
            ),
            OpinionAlreadyGiven => (
                "opinion_already_given",
                "kind",
                true,
                "Ce projet a déjà reçu l'avis du CRI.",
                "This project already has the CRI's opinion.",
            ),
            UnknownCriterion => (
                "unknown_criterion",
                "criteria",
                false,
                "Un avis porte sur au moins un critère, et seulement sur des critères publiés par l'appel.",
                "An opinion addresses at least one criterion, and only criteria the call publishes.",
            ),
            DecisionWithoutOpinion => (
                "decision_without_opinion",
                "kind",
                true,
                "La Région ne décide qu'après l'avis d'opportunité du CRI compétent.",
                "The Region decides only after the competent CRI's opinion.",
            ),
            AlreadyDecided => {
                ("already_decided", "kind", true, "Ce projet est déjà décidé.", "This project is already decided.")
            }
            GrantExceeded => (
                "grant_exceeded",
                "granted_cents",
                false,
                "Le montant accordé est positif, ne dépasse ni la demande ni le solde du budget de l'appel ; un refus n'a pas de montant.",
                "The granted amount is positive and exceeds neither the request nor what remains of the call's budget; a refusal has no amount.",
            ),
            NotGranted => (
                "project_not_granted",
                "kind",
                true,
                "Le suivi (visites, rapports) ne concerne que les projets subventionnés.",
                "Follow-up (visits, reports) is for granted projects only.",
            ),
            FinalReportAlreadyIn => (
                "final_report_already_in",
                "report",
                true,
                "Le rapport final est déjà remis : aucun autre rapport n'est reçu.",
                "The final report is in: no other report is received.",
            ),
            EvaluationNotDue => (
                "evaluation_not_due",
                "kind",
                true,
                "L'évaluation suit le rapport final, une seule fois.",
                "The evaluation follows the final report, once.",
            ),
            FutureDate => ("future_date", "visited_on", false, "Date dans le futur.", "Date in the future."),
            CompetentCriChanged => (
                "competent_cri_changed",
                "communes",
                false,
                "Une nouvelle version reste dans le territoire du même CRI : introduisez une autre candidature.",
                "A new version stays in the same CRI's territory: submit another application.",
            ),
        }
    }
}

/// Checks a call before the Region opens it.
pub fn check_call(call: &ProjectCall) -> Result<(), ProjectError> {
    if call.opens_on > call.closes_on || call.closes_on >= call.opinion_deadline {
        return Err(ProjectError::CallDatesOutOfOrder);
    }
    let mut codes: Vec<&str> = call.criteria.iter().map(|c| c.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    if call.axes.is_empty()
        || call.territory.is_empty()
        || call.criteria.is_empty()
        || codes.len() != call.criteria.len()
    {
        return Err(ProjectError::CallIncomplete);
    }
    if call.budget_cents <= 0 {
        return Err(ProjectError::InvalidAmount);
    }
    Ok(())
}

/// The CRI competent for a project: the CRI of all its communes on `today`, which the call must cover.
pub fn competent_cri(
    call: &ProjectCall,
    application: &Application,
    reference: &ReferenceData,
    today: NaiveDate,
) -> Result<CriCode, ProjectError> {
    let mut competent: Option<CriCode> = None;
    for nis in &application.communes {
        let cri = reference.commune(*nis).and_then(|c| c.cri_on(today)).map(|a| a.cri);
        match (cri, competent) {
            (None, _) => return Err(ProjectError::CommunesOfSeveralCris),
            (Some(cri), None) => competent = Some(cri),
            (Some(cri), Some(first)) if cri != first => return Err(ProjectError::CommunesOfSeveralCris),
            _ => {}
        }
    }
    let cri = competent.ok_or(ProjectError::ApplicationIncomplete)?;
    if !call.territory.contains(&cri) {
        return Err(ProjectError::OutsideCallTerritory);
    }
    Ok(cri)
}

/// Checks an application (first version or revision) against its call on `today`, and names the competent CRI.
pub fn check_application(
    call: &ProjectCall,
    application: &Application,
    reference: &ReferenceData,
    today: NaiveDate,
) -> Result<CriCode, ProjectError> {
    if today < call.opens_on || today > call.closes_on {
        return Err(ProjectError::CallNotOpen);
    }
    if application.axes.is_empty() || application.axes.iter().any(|axis| !call.axes.contains(axis)) {
        return Err(ProjectError::AxisNotInCall);
    }
    if application.budget_lines.is_empty() || application.budget_lines.iter().any(|line| line.amount_cents <= 0) {
        return Err(ProjectError::ApplicationIncomplete);
    }
    competent_cri(call, application, reference, today)
}

/// Checks a new version: the same rules as a first version, and the same competent CRI (the CRI that
/// gives the opinion does not change under it).
pub fn check_revision(
    call: &ProjectCall,
    application: &Application,
    competent: CriCode,
    reference: &ReferenceData,
    today: NaiveDate,
) -> Result<(), ProjectError> {
    if check_application(call, application, reference, today)? != competent {
        return Err(ProjectError::CompetentCriChanged);
    }
    Ok(())
}

/// A project as its recorded steps leave it: what the next step is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    /// Where it stands.
    pub status: ProjectStatus,
    /// The current version.
    pub version: i32,
    /// The amount asked by the current version, in euro cents.
    pub requested_cents: i64,
    /// Whether the final report is in.
    pub final_report_in: bool,
}

impl ProjectFile {
    /// A project just submitted.
    pub fn submitted(requested_cents: i64) -> ProjectFile {
        ProjectFile { status: ProjectStatus::Submitted, version: 1, requested_cents, final_report_in: false }
    }

    /// Replays recorded steps over a first submission (the store rebuilds the file this way).
    pub fn replay(requested_cents: i64, steps: &[ProjectStep]) -> ProjectFile {
        let mut file = ProjectFile::submitted(requested_cents);
        for step in steps {
            file.apply(step);
        }
        file
    }

    fn apply(&mut self, step: &ProjectStep) {
        match step {
            ProjectStep::Submitted { version } | ProjectStep::Revised { version } => self.version = *version,
            ProjectStep::Opinion { .. } => self.status = ProjectStatus::OpinionGiven,
            ProjectStep::Decision { outcome: DecisionOutcome::Granted, .. } => self.status = ProjectStatus::Granted,
            ProjectStep::Decision { outcome: DecisionOutcome::Refused, .. } => self.status = ProjectStatus::Refused,
            ProjectStep::Report { report: ReportKind::Final, .. } => self.final_report_in = true,
            ProjectStep::Evaluation { .. } => self.status = ProjectStatus::Evaluated,
            ProjectStep::Report { .. } | ProjectStep::SupportVisit { .. } => {}
        }
    }

    /// Decides a follow-up step (anything but the first submission) on `today`. `revision_requested` is the
    /// amount of a new version; `granted_so_far` what the Region already granted in the same call. Returns
    /// the file after the step.
    pub fn decide(
        &self,
        step: &ProjectStep,
        call: &ProjectCall,
        granted_so_far: i64,
        revision_requested: i64,
        today: NaiveDate,
    ) -> Result<ProjectFile, ProjectError> {
        use ProjectStatus::*;
        match step {
            ProjectStep::Submitted { .. } => return Err(ProjectError::RevisionClosed),
            ProjectStep::Revised { .. } => {
                if self.status != Submitted || today > call.closes_on {
                    return Err(ProjectError::RevisionClosed);
                }
            }
            ProjectStep::Opinion { criteria, .. } => {
                if self.status != Submitted {
                    return Err(ProjectError::OpinionAlreadyGiven);
                }
                if today > call.opinion_deadline {
                    return Err(ProjectError::OpinionAfterDeadline);
                }
                if criteria.is_empty() || criteria.iter().any(|c| !call.criteria.iter().any(|k| &k.code == c)) {
                    return Err(ProjectError::UnknownCriterion);
                }
            }
            ProjectStep::Decision { outcome, granted_cents, .. } => {
                match self.status {
                    Submitted => return Err(ProjectError::DecisionWithoutOpinion),
                    OpinionGiven => {}
                    _ => return Err(ProjectError::AlreadyDecided),
                }
                let within = match outcome {
                    DecisionOutcome::Refused => *granted_cents == 0,
                    DecisionOutcome::Granted => {
                        *granted_cents > 0
                            && *granted_cents <= self.requested_cents
                            && granted_so_far + granted_cents <= call.budget_cents
                    }
                };
                if !within {
                    return Err(ProjectError::GrantExceeded);
                }
            }
            ProjectStep::SupportVisit { visited_on, .. } => {
                if !matches!(self.status, Granted | Evaluated) {
                    return Err(ProjectError::NotGranted);
                }
                if *visited_on > today {
                    return Err(ProjectError::FutureDate);
                }
            }
            ProjectStep::Report { spent_cents, .. } => {
                if self.status != Granted {
                    return Err(if self.status == Evaluated {
                        ProjectError::FinalReportAlreadyIn
                    } else {
                        ProjectError::NotGranted
                    });
                }
                if self.final_report_in {
                    return Err(ProjectError::FinalReportAlreadyIn);
                }
                if *spent_cents < 0 {
                    return Err(ProjectError::InvalidAmount);
                }
            }
            ProjectStep::Evaluation { .. } => {
                if self.status != Granted || !self.final_report_in {
                    return Err(ProjectError::EvaluationNotDue);
                }
            }
        }
        let mut next = self.clone();
        if let ProjectStep::Revised { .. } = step {
            next.version = self.version + 1;
            next.requested_cents = revision_requested;
        }
        next.apply(step);
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn call() -> ProjectCall {
        ProjectCall {
            title: "Appel ILI 2027".into(),
            axes: vec![IliAxis::Citizenship, IliAxis::FrenchForeignLanguage],
            territory: vec![CriCode::parse("CRIPEL").expect("cri")],
            opens_on: d("2026-10-01"),
            closes_on: d("2026-11-30"),
            opinion_deadline: d("2026-12-31"),
            budget_cents: 10_000_000,
            criteria: vec![
                Criterion { code: "relevance".into(), label: "Pertinence".into() },
                Criterion { code: "partnership".into(), label: "Partenariat".into() },
            ],
        }
    }

    fn application() -> Application {
        Application {
            project_title: "Tables de conversation".into(),
            summary: "Conversation en français".into(),
            axes: vec![IliAxis::FrenchForeignLanguage],
            target_public: "Primo-arrivants".into(),
            communes: vec![NisCode::parse("62063").expect("nis")],
            budget_lines: vec![BudgetLine { label: "Animation".into(), amount_cents: 2_500_000 }],
            partners: vec![],
        }
    }

    fn opinion() -> ProjectStep {
        ProjectStep::Opinion {
            verdict: Verdict::Favourable,
            criteria: vec!["relevance".into()],
            reasoning: "Répond à un besoin".into(),
            version: 1,
        }
    }

    fn grant(cents: i64) -> ProjectStep {
        ProjectStep::Decision {
            outcome: DecisionOutcome::Granted,
            granted_cents: cents,
            conditions: String::new(),
            reasoning: "Avis favorable".into(),
        }
    }

    #[test]
    fn an_application_in_liege_goes_to_cripel_only_while_the_call_is_open() {
        let reference = crate::reference::bundled();
        let cri = check_application(&call(), &application(), &reference, d("2026-11-02")).expect("accepted");
        assert_eq!(cri.code(), "CRIPEL");
        assert_eq!(
            check_application(&call(), &application(), &reference, d("2026-12-01")),
            Err(ProjectError::CallNotOpen)
        );
        let mut other_axis = application();
        other_axis.axes = vec![IliAxis::Interculturality];
        assert_eq!(
            check_application(&call(), &other_axis, &reference, d("2026-11-02")),
            Err(ProjectError::AxisNotInCall)
        );
        let mut namur = application();
        namur.communes.push(NisCode::parse("92094").expect("nis"));
        assert_eq!(
            check_application(&call(), &namur, &reference, d("2026-11-02")),
            Err(ProjectError::CommunesOfSeveralCris)
        );
    }

    #[test]
    fn an_opinion_after_the_calls_deadline_is_refused() {
        let file = ProjectFile::submitted(2_500_000);
        assert_eq!(file.decide(&opinion(), &call(), 0, 0, d("2027-01-01")), Err(ProjectError::OpinionAfterDeadline));
        let given = file.decide(&opinion(), &call(), 0, 0, d("2026-12-31")).expect("on the last day");
        assert_eq!(given.status, ProjectStatus::OpinionGiven);
        assert_eq!(given.decide(&opinion(), &call(), 0, 0, d("2026-12-20")), Err(ProjectError::OpinionAlreadyGiven));
    }

    #[test]
    fn a_decision_without_an_opinion_is_refused() {
        let file = ProjectFile::submitted(2_500_000);
        assert_eq!(
            file.decide(&grant(2_000_000), &call(), 0, 0, d("2027-01-15")),
            Err(ProjectError::DecisionWithoutOpinion)
        );
    }

    #[test]
    fn a_grant_stays_within_the_request_and_the_calls_budget() {
        let file = ProjectFile::replay(2_500_000, &[opinion()]);
        let today = d("2027-01-15");
        assert_eq!(file.decide(&grant(2_600_000), &call(), 0, 0, today), Err(ProjectError::GrantExceeded));
        assert_eq!(file.decide(&grant(2_000_000), &call(), 9_000_000, 0, today), Err(ProjectError::GrantExceeded));
        let granted = file.decide(&grant(2_000_000), &call(), 8_000_000, 0, today).expect("granted");
        assert_eq!(granted.status, ProjectStatus::Granted);
        assert_eq!(granted.decide(&grant(1), &call(), 0, 0, today), Err(ProjectError::AlreadyDecided));
    }

    #[test]
    fn follow_up_runs_from_the_grant_to_the_evaluation_after_the_final_report() {
        let file = ProjectFile::replay(2_500_000, &[opinion(), grant(2_000_000)]);
        let today = d("2027-06-30");
        let report = |kind| ProjectStep::Report { report: kind, summary: "Fait".into(), spent_cents: 1_000 };
        let evaluation =
            ProjectStep::Evaluation { objectives: ObjectivesMet::PartlyMet, summary: "Bon travail".into() };
        assert_eq!(file.decide(&evaluation, &call(), 0, 0, today), Err(ProjectError::EvaluationNotDue));
        let interim = file.decide(&report(ReportKind::Interim), &call(), 0, 0, today).expect("interim");
        let finished = interim.decide(&report(ReportKind::Final), &call(), 0, 0, today).expect("final");
        assert_eq!(
            finished.decide(&report(ReportKind::Interim), &call(), 0, 0, today),
            Err(ProjectError::FinalReportAlreadyIn)
        );
        let evaluated = finished.decide(&evaluation, &call(), 0, 0, today).expect("evaluated");
        assert_eq!(evaluated.status, ProjectStatus::Evaluated);
        let refused = ProjectFile::replay(
            2_500_000,
            &[
                opinion(),
                ProjectStep::Decision {
                    outcome: DecisionOutcome::Refused,
                    granted_cents: 0,
                    conditions: String::new(),
                    reasoning: "Budget".into(),
                },
            ],
        );
        assert_eq!(refused.decide(&report(ReportKind::Interim), &call(), 0, 0, today), Err(ProjectError::NotGranted));
    }

    #[test]
    fn a_new_version_is_taken_before_the_call_closes_and_before_the_opinion_only() {
        let file = ProjectFile::submitted(2_500_000);
        let revised = file.decide(&ProjectStep::Revised { version: 2 }, &call(), 0, 3_000_000, d("2026-11-20"));
        let revised = revised.expect("revised");
        assert_eq!((revised.version, revised.requested_cents), (2, 3_000_000));
        assert_eq!(
            file.decide(&ProjectStep::Revised { version: 2 }, &call(), 0, 1, d("2026-12-01")),
            Err(ProjectError::RevisionClosed)
        );
        let opinion_given = ProjectFile::replay(2_500_000, &[opinion()]);
        assert_eq!(
            opinion_given.decide(&ProjectStep::Revised { version: 2 }, &call(), 0, 1, d("2026-11-20")),
            Err(ProjectError::RevisionClosed)
        );
    }

    #[test]
    fn a_call_checks_its_dates_and_criteria() {
        assert_eq!(check_call(&call()), Ok(()));
        let mut late = call();
        late.opinion_deadline = late.closes_on;
        assert_eq!(check_call(&late), Err(ProjectError::CallDatesOutOfOrder));
        let mut twice = call();
        twice.criteria.push(Criterion { code: "relevance".into(), label: "Encore".into() });
        assert_eq!(check_call(&twice), Err(ProjectError::CallIncomplete));
    }
}
