//! The CRI case: the pathway of one person from the first visit to "requirements met", as an explicit
//! state machine. Every transition names its legal basis (rules.md §2-§5); an illegal transition is a typed
//! error carrying the current state. Deadlines only move forward, and only with a recorded reason.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::confidential::Confidential;
use crate::dates::add_months;
use crate::determination::{DeadlineKind, Determination, Status};
use crate::dispensation::DispensationCode;
use crate::events::EventKind;
use crate::law::{Bilingual, RegimeId};
use crate::parameters::CefrLevel;
use crate::reference::{CriCode, NisCode};
use crate::regime::{Axis, AxisMinutes, AxisObligation, Regime, hours_as_minutes};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Opened, awaiting the person's presentation at the *bureau d'accueil*.
    Opened,
    /// The welcome module is under way (information, social assessment, French test).
    WelcomeInProgress,
    /// The *convention* is signed; training has not started.
    ConventionSigned,
    /// Training under way.
    InProgress,
    /// The convention is respected: the attestation can be issued (rule 5.1).
    RequirementsMet,
    /// Closed for the reason in [`Case::closure`].
    Closed,
}

impl CaseState {
    /// Every state, in the order a case goes through them.
    pub const ALL: [CaseState; 6] = [
        CaseState::Opened,
        CaseState::WelcomeInProgress,
        CaseState::ConventionSigned,
        CaseState::InProgress,
        CaseState::RequirementsMet,
        CaseState::Closed,
    ];

    /// The states of a case still being followed (see [`CaseState::is_open`]).
    pub const OPEN: [CaseState; 4] =
        [CaseState::Opened, CaseState::WelcomeInProgress, CaseState::ConventionSigned, CaseState::InProgress];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            CaseState::Opened => "opened",
            CaseState::WelcomeInProgress => "welcome_in_progress",
            CaseState::ConventionSigned => "convention_signed",
            CaseState::InProgress => "in_progress",
            CaseState::RequirementsMet => "requirements_met",
            CaseState::Closed => "closed",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<CaseState> {
        [
            CaseState::Opened,
            CaseState::WelcomeInProgress,
            CaseState::ConventionSigned,
            CaseState::InProgress,
            CaseState::RequirementsMet,
            CaseState::Closed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether the case is still being followed.
    pub fn is_open(&self) -> bool {
        !matches!(self, CaseState::RequirementsMet | CaseState::Closed)
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a case was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    /// A dispensation was granted (CWASS art. 152/7 §3).
    Dispensed,
    /// Moved out of the French-language region (art. 150, 1°).
    MovedOutOfRegion,
    /// Left Belgium.
    LeftBelgium,
    /// Deceased.
    Deceased,
    /// Became Belgian: no longer a foreigner (art. 150, 1°).
    BecameBelgian,
    /// Withdrew from a voluntary pathway.
    WithdrewVoluntary,
    /// Opened a second time for one person under another number (a BIS number, then the national number):
    /// closed so that the two records can be merged into the other case (GDPR art. 5(1)(d)).
    DuplicateRecord,
}

/// Individual or collective information session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionFormat {
    /// One to one.
    Individual,
    /// Group session.
    Collective,
}

/// Needs identified by the social assessment (rules.md §3, *bilan social*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedDomain {
    /// Housing.
    Housing,
    /// Health.
    Health,
    /// Employment.
    Employment,
    /// Training, diplomas, equivalences.
    Training,
    /// Family.
    Family,
    /// Administrative steps.
    Administration,
    /// Anything else.
    Other,
}

/// Why deadlines were suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionReason {
    /// No course place available: the Region's offer is missing (art. 152/8).
    NoCoursePlace,
    /// Illness.
    Illness,
    /// Pregnancy or birth.
    Pregnancy,
    /// Other documented force majeure.
    ForceMajeure,
}

/// Where attended hours come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursSource {
    /// An external certificate checked by the CRI.
    ExternalCertificate,
    /// Attendance reported by a recognised operator.
    OperatorAttendance,
}

/// Whether the convention requires the French axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum FrenchDecision {
    /// Required: the test shows the need.
    Required,
    /// Waived on the placement test result (rule 3.1).
    Waived,
}

/// Presentation at the *bureau d'accueil*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentation {
    /// Date.
    pub date: NaiveDate,
    /// After the presentation deadline without force majeure.
    pub late: bool,
    /// Documented force majeure, if any (rule 4.2).
    pub force_majeure: Option<String>,
}

/// Information on rights and duties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightsInformation {
    /// Date.
    pub date: NaiveDate,
    /// Individual or collective.
    pub format: SessionFormat,
    /// Interpreter language (ISO 639-1), when one was used.
    pub interpreter_language: Option<String>,
}

/// The social assessment (*bilan social*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialAssessment {
    /// Date.
    pub date: NaiveDate,
    /// Needs by domain.
    pub needs: Vec<NeedDomain>,
    /// Short free text, sensitive: sealed with the data key, shown only to the CRI in charge, never in
    /// events or logs.
    pub sensitive_notes: Option<Confidential<String>>,
}

/// The French placement test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrenchTest {
    /// Date.
    pub date: NaiveDate,
    /// Tool (for example ELAO).
    pub tool: String,
    /// CEFR level.
    pub level: CefrLevel,
}

/// Help with an administrative step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrativeHelp {
    /// Date.
    pub date: NaiveDate,
    /// What was done (short, non-sensitive).
    pub topic: String,
}

/// One axis of the convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConventionAxis {
    /// Axis.
    pub axis: Axis,
    /// Whether the convention requires it.
    pub required: bool,
    /// Minimum hours (from the regime).
    pub hours: u32,
    /// Why required or not.
    pub reason: String,
    /// French waived by the placement test (it counts as met on the attestation). Conventions stored
    /// before this field existed read as not waived; their reason text still says so.
    #[serde(default)]
    pub waived: bool,
}

/// A change of the convention (history kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// Date.
    pub date: NaiveDate,
    /// Why.
    pub reason: String,
    /// The axes before the change.
    pub previous_axes: Vec<ConventionAxis>,
}

/// The *convention* (rule 4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Convention {
    /// Signature date.
    pub signed_on: NaiveDate,
    /// End of the convention: the completion deadline (follows its extensions and suspensions).
    pub ends_on: Option<NaiveDate>,
    /// Axes with their hours.
    pub axes: Vec<ConventionAxis>,
    /// Amendments, oldest first.
    pub amendments: Vec<Amendment>,
}

/// An evaluation interview (rule 4.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// Date.
    pub date: NaiveDate,
}

/// Metadata of a proof (no file is stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Kind of document (medical certificate, diploma, employment contract...).
    pub document_type: String,
    /// Who issued it.
    pub issuer: String,
    /// Date of the document.
    pub date: NaiveDate,
}

/// A CRI decision on a dispensation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispensationDecision {
    /// Dispensation.
    pub code: DispensationCode,
    /// Granted or refused.
    pub granted: bool,
    /// Decision date.
    pub date: NaiveDate,
    /// Why.
    pub reason: String,
    /// The proof examined (sealed with the data key: a medical certificate is health data).
    pub evidence: Option<Confidential<Evidence>>,
    /// For D1: the attestation obtained before, in Wallonia or another community or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_attestation: Option<crate::dispensation::PriorAttestation>,
}

/// Hours attended on an axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursEntry {
    /// Axis.
    pub axis: Axis,
    /// Hours (positive).
    pub hours: f64,
    /// Date (or last date) of attendance.
    pub date: NaiveDate,
    /// Origin.
    pub source: HoursSource,
}

/// A change of a deadline, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineShift {
    /// Which deadline.
    pub kind: DeadlineKind,
    /// Before.
    pub from: NaiveDate,
    /// After.
    pub to: NaiveDate,
    /// When the change was decided.
    pub decided_on: NaiveDate,
    /// Why (extension, suspension...).
    pub reason: String,
    /// Legal basis.
    pub basis: String,
}

/// A suspension of the deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Why.
    pub reason: SuspensionReason,
}

/// A move to another CRI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// Previous CRI.
    pub from: CriCode,
    /// New CRI.
    pub to: CriCode,
    /// Date.
    pub date: NaiveDate,
    /// Why.
    pub reason: String,
}

/// How a case was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// Reason.
    pub reason: ClosureReason,
    /// Date.
    pub date: NaiveDate,
}

/// The deadlines of a case, as they stand.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseDeadlines {
    /// Report to the CRI.
    pub present_by: Option<NaiveDate>,
    /// Obtain the attestation.
    pub complete_by: Option<NaiveDate>,
    /// Latest date any extension may reach.
    pub latest_extension: Option<NaiveDate>,
}

/// A CRI case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// State.
    pub state: CaseState,
    /// Obliged (from a determination) or voluntary.
    pub obliged: bool,
    /// Regime whose hours and intervals apply.
    pub regime: RegimeId,
    /// CRI in charge.
    pub cri: CriCode,
    /// Opening date.
    pub opened_on: NaiveDate,
    /// Deadlines now.
    pub deadlines: CaseDeadlines,
    /// Every deadline change.
    pub deadline_history: Vec<DeadlineShift>,
    /// Presentation.
    pub presentation: Option<Presentation>,
    /// Rights and duties.
    pub rights_information: Option<RightsInformation>,
    /// Social assessment.
    pub social_assessment: Option<SocialAssessment>,
    /// French placement test (latest).
    pub french_test: Option<FrenchTest>,
    /// Administrative help.
    pub administrative_help: Vec<AdministrativeHelp>,
    /// Convention.
    pub convention: Option<Convention>,
    /// Evaluation interviews.
    pub reviews: Vec<Review>,
    /// Dispensations claimed and not yet decided.
    #[serde(default)]
    pub pending_claims: Vec<DispensationCode>,
    /// Dispensation decisions.
    pub dispensation_decisions: Vec<DispensationDecision>,
    /// Suspensions.
    pub suspensions: Vec<Suspension>,
    /// Hours attended.
    pub hours: Vec<HoursEntry>,
    /// Transfers.
    pub transfers: Vec<Transfer>,
    /// Closure.
    pub closure: Option<Closure>,
    /// When the CRI recorded that the convention was respected (cases stored before this field have none).
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    /// The CPAS whose beneficiary the person is, as the CRI recorded it: it is told that the person follows
    /// the pathway and receives the attestation notices (rules 4.7, 5.2).
    #[serde(default)]
    pub cpas: Option<NisCode>,
    /// Appointments at the welcome office the person missed without warning (a no-show is not a
    /// presentation: the presentation deadline keeps running).
    #[serde(default)]
    pub no_shows: u32,
    /// Interpreters who assisted the person (SETIS wallon, free: rule 3.3), one per appointment or session.
    #[serde(default)]
    pub interpreter_uses: Vec<InterpreterUse>,
}

/// How an interpreter assists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterpretingMode {
    /// In the room.
    OnSite,
    /// By telephone.
    Phone,
    /// By video call.
    Video,
}

impl InterpretingMode {
    /// Every mode.
    pub const ALL: [InterpretingMode; 3] = [InterpretingMode::OnSite, InterpretingMode::Phone, InterpretingMode::Video];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            InterpretingMode::OnSite => "on_site",
            InterpretingMode::Phone => "phone",
            InterpretingMode::Video => "video",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<InterpretingMode> {
        InterpretingMode::ALL.into_iter().find(|mode| mode.code() == code)
    }
}

/// An interpreter who assisted the person at a step of the welcome module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterUse {
    /// Date.
    pub date: NaiveDate,
    /// Language (ISO 639-1, or 639-3 for languages without a two-letter code).
    pub language: String,
    /// On site, phone or video.
    pub mode: InterpretingMode,
    /// What it was for: an appointment kind (`social_assessment`...) or `collective_session`.
    pub occasion: String,
}

/// Something a CRI does on a case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseCommand {
    /// The person presents at the *bureau d'accueil*.
    RecordPresentation {
        /// Date.
        date: NaiveDate,
        /// Documented force majeure excusing a late presentation.
        force_majeure: Option<String>,
    },
    /// Information on rights and duties given.
    RecordRightsInformation(RightsInformation),
    /// Social assessment done.
    RecordSocialAssessment(SocialAssessment),
    /// French placement test taken.
    RecordFrenchTest(FrenchTest),
    /// Help with an administrative step.
    RecordAdministrativeHelp(AdministrativeHelp),
    /// The convention is signed.
    SignConvention {
        /// Date.
        date: NaiveDate,
        /// French axis.
        french: FrenchDecision,
        /// Socio-professional orientation needed.
        orientation_needed: bool,
    },
    /// The convention is changed.
    AmendConvention {
        /// Date.
        date: NaiveDate,
        /// French axis.
        french: FrenchDecision,
        /// Socio-professional orientation needed.
        orientation_needed: bool,
        /// Why.
        reason: String,
    },
    /// Evaluation interview held.
    RecordReview(Review),
    /// The CRI decides a dispensation; `dispensed_now` is the re-run determination's verdict.
    DecideDispensation {
        /// The decision.
        decision: DispensationDecision,
        /// The determination re-run with the decision says the person is dispensed.
        dispensed_now: bool,
    },
    /// The completion deadline is extended.
    Extend {
        /// Decision date.
        date: NaiveDate,
        /// New completion deadline.
        until: NaiveDate,
        /// Why.
        reason: String,
    },
    /// Deadlines suspended over a period.
    Suspend(Suspension),
    /// Hours attended.
    RecordHours(HoursEntry),
    /// The person is a beneficiary of this CPAS (`None`: no longer, or recorded by mistake).
    RecordCpas {
        /// The CPAS, by the NIS code of its commune.
        cpas: Option<NisCode>,
        /// Date the CRI learnt it.
        date: NaiveDate,
    },
    /// The person did not come to an appointment at the welcome office.
    RecordNoShow {
        /// The appointment's date.
        date: NaiveDate,
        /// Its kind (`social_assessment`...).
        occasion: String,
    },
    /// An interpreter assisted the person.
    RecordInterpreterUse(InterpreterUse),
    /// Moves to another CRI.
    Transfer {
        /// New CRI.
        to: CriCode,
        /// Date.
        date: NaiveDate,
        /// Why.
        reason: String,
    },
    /// The convention is respected.
    Complete {
        /// Date.
        date: NaiveDate,
    },
    /// Closed.
    Close(Closure),
}

impl CaseCommand {
    /// Stable name, for errors and the timeline.
    pub fn name(&self) -> &'static str {
        match self {
            CaseCommand::RecordPresentation { .. } => "record_presentation",
            CaseCommand::RecordRightsInformation(_) => "record_rights_information",
            CaseCommand::RecordSocialAssessment(_) => "record_social_assessment",
            CaseCommand::RecordFrenchTest(_) => "record_french_test",
            CaseCommand::RecordAdministrativeHelp(_) => "record_administrative_help",
            CaseCommand::SignConvention { .. } => "sign_convention",
            CaseCommand::AmendConvention { .. } => "amend_convention",
            CaseCommand::RecordReview(_) => "record_review",
            CaseCommand::DecideDispensation { .. } => "decide_dispensation",
            CaseCommand::Extend { .. } => "extend",
            CaseCommand::Suspend(_) => "suspend",
            CaseCommand::RecordHours(_) => "record_hours",
            CaseCommand::RecordCpas { .. } => "record_cpas",
            CaseCommand::RecordNoShow { .. } => "record_no_show",
            CaseCommand::RecordInterpreterUse(_) => "record_interpreter_use",
            CaseCommand::Transfer { .. } => "transfer",
            CaseCommand::Complete { .. } => "complete",
            CaseCommand::Close(_) => "close",
        }
    }
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum CaseError {
    /// The command is not allowed in the current state.
    IllegalTransition {
        /// Current state.
        state: CaseState,
        /// Command refused.
        command: &'static str,
    },
    /// A date lies after today.
    DateInFuture {
        /// Field.
        field: &'static str,
    },
    /// A date lies before the case was opened.
    DateBeforeOpening {
        /// Field.
        field: &'static str,
    },
    /// The welcome module lacks steps the convention needs.
    WelcomeIncomplete {
        /// Missing steps.
        missing: Vec<&'static str>,
    },
    /// Waiving French needs a placement test result.
    FrenchTestRequired,
    /// The placement test level is below the one that waives the French axis.
    FrenchLevelBelowWaiver {
        /// Level the test found.
        level: CefrLevel,
        /// Level the parameter requires.
        required: CefrLevel,
    },
    /// The extension goes beyond the regime's ceiling.
    ExtensionBeyondCeiling {
        /// The ceiling.
        ceiling: NaiveDate,
    },
    /// The extension does not move the deadline later.
    ExtensionNotLater {
        /// Current deadline.
        current: NaiveDate,
    },
    /// The case has no completion deadline to extend (voluntary case).
    NoDeadline,
    /// `to` precedes `from`.
    InvalidPeriod,
    /// Hours must be positive and at most 1,000 per entry.
    InvalidHours,
    /// Required hours not reached.
    HoursNotMet {
        /// Axis.
        axis: Axis,
        /// Hours needed (threshold applied).
        needed: f64,
        /// Hours attended.
        attended: f64,
    },
    /// Only a voluntary case can be withdrawn.
    NotVoluntary,
    /// A dispensed closure comes from a dispensation decision.
    UseDispensationDecision,
    /// Transfer to the CRI already in charge.
    SameCri,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for CaseError {}

/// What happened, for the timeline and the event feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    /// The kind, from the catalogue ([`crate::events`]).
    pub kind: EventKind,
    /// The legal reason of the step.
    pub reason: Bilingual,
    /// Legal basis.
    pub basis: &'static str,
    /// Non-personal summary (dates, codes, hours).
    pub summary: String,
    /// The document the step concerns (an attestation serial), given to the commune with its notice.
    pub document: Option<String>,
}

/// What the rules need from outside the case.
#[derive(Debug, Clone)]
pub struct CaseContext<'a> {
    /// Today (Belgian calendar).
    pub today: NaiveDate,
    /// The case's regime, with its parameters.
    pub regime: &'a Regime,
    /// Share of required hours to attend, in percent (parameter attendance_threshold_percent).
    pub attendance_threshold_percent: u8,
    /// Time reported by operators per axis, kept outside the case (in their attendance lines).
    pub operator_minutes: AxisMinutes,
    /// The placement-test level from which the French axis may be waived (parameter
    /// french_level_waiving_language_axis, rule 3.1).
    pub french_waiver_level: CefrLevel,
}

fn event(kind: EventKind, basis: &'static str, fr: &'static str, en: &'static str, summary: String) -> CaseEvent {
    CaseEvent { kind, reason: Bilingual { fr, en }, basis, summary, document: None }
}

/// One operator batch's effect on one case: how many lines were new or corrections, and the change in
/// attended minutes on the course's axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorAttendance {
    /// Axis of the course.
    pub axis: Axis,
    /// Course id (for the summary).
    pub course_id: String,
    /// Batch id (for the summary).
    pub batch_id: String,
    /// Lines reported for the first time.
    pub new_lines: usize,
    /// Lines that replaced an earlier version.
    pub corrected_lines: usize,
    /// Change in attended minutes (negative when a correction lowers them).
    pub minutes_delta: i64,
}

impl Case {
    /// The facts as they stand once the CRI decides on `code` (CWASS art. 152/7 §3): the decision replaces
    /// any earlier claim or decision on the same dispensation, the dispensations granted earlier on this
    /// case stay granted, and a refused one is no longer pending. A D1 decision also sets (or, refused,
    /// clears) the attestation it rests on. Determining again from these facts says whether the person is
    /// now dispensed.
    pub fn facts_after_dispensation_decision(
        &self,
        facts: &crate::Facts,
        decision: &DispensationDecision,
    ) -> crate::Facts {
        let (code, granted) = (decision.code, decision.granted);
        let mut facts = facts.clone();
        if code == DispensationCode::D1 {
            facts.prior_attestation = if granted { decision.prior_attestation.clone() } else { None };
        }
        facts.claimed_dispensations.retain(|c| *c != code);
        facts.granted_dispensations.retain(|c| *c != code);
        for earlier in self.dispensation_decisions.iter().filter(|d| d.granted && d.code != code) {
            if !facts.granted_dispensations.contains(&earlier.code) {
                facts.granted_dispensations.push(earlier.code);
            }
        }
        if granted {
            facts.granted_dispensations.push(code);
        }
        facts
    }

    /// Whether the case may be enrolled in a course: only while the pathway is open (a case whose
    /// requirements are met, or that is closed, has no training left to follow).
    pub fn may_enrol(&self) -> Result<(), CaseError> {
        if self.state.is_open() {
            Ok(())
        } else {
            Err(CaseError::IllegalTransition { state: self.state, command: "enrol" })
        }
    }

    /// Attendance reported by a training operator (CWASS art. 152/4-152/6; rule 3.4). The hours count
    /// towards the convention through the operator's lines; the first attended hours after the
    /// convention start the training, exactly as hours recorded by the CRI do.
    pub fn record_operator_attendance(&mut self, report: &OperatorAttendance) -> Vec<CaseEvent> {
        let mut events = vec![event(
            if report.corrected_lines > 0 { EventKind::AttendanceCorrected } else { EventKind::AttendanceRecorded },
            "CWASS art. 152/4-152/6; rule 3.4",
            "Présences transmises par l'opérateur de formation.",
            "Attendance reported by the training operator.",
            format!(
                "{} course {}: {} new, {} corrected lines, {:+.2} h (batch {})",
                report.axis.code(),
                report.course_id,
                report.new_lines,
                report.corrected_lines,
                report.minutes_delta as f64 / 60.0,
                report.batch_id
            ),
        )];
        if report.minutes_delta > 0 {
            events.extend(self.start_training());
        }
        events
    }

    /// The first attended hours after the convention start the training (CWASS art. 152/7), whoever
    /// reports them.
    fn start_training(&mut self) -> Option<CaseEvent> {
        (self.state == CaseState::ConventionSigned).then(|| {
            self.state = CaseState::InProgress;
            event(
                EventKind::TrainingStarted,
                "CWASS art. 152/7",
                "La formation a commencé : le parcours est en cours.",
                "Training has started: the pathway is in progress.",
                String::new(),
            )
        })
    }
}

/// The step recorded when a deadline passes (found by the deadline sweep).
pub fn deadline_missed(kind: DeadlineKind, date: NaiveDate) -> CaseEvent {
    match kind {
        DeadlineKind::PresentBy => event(
            EventKind::DeadlineMissed,
            "CWASS art. 152/7 §1; rule 4.2",
            "Délai de présentation au CRI dépassé sans présentation enregistrée.",
            "Presentation deadline passed with no presentation recorded.",
            format!("present_by {date}"),
        ),
        _ => event(
            EventKind::DeadlineMissed,
            "CWASS art. 152/7 §2; rule 4.3",
            "Délai d'achèvement du parcours dépassé.",
            "Pathway completion deadline passed.",
            format!("complete_by {date}"),
        ),
    }
}

impl Case {
    /// Opens a case from a determination (obliged) or for a volunteer.
    pub fn open(
        determination: &Determination,
        cri: CriCode,
        regime: RegimeId,
        opened_on: NaiveDate,
    ) -> (Case, CaseEvent) {
        let obliged = determination.status == Status::Obliged;
        let date = |kind| if obliged { determination.deadline(kind).map(|d| d.date) } else { None };
        let case = Case {
            state: CaseState::Opened,
            obliged,
            regime,
            cri,
            opened_on,
            deadlines: CaseDeadlines {
                present_by: date(DeadlineKind::PresentBy),
                complete_by: date(DeadlineKind::CompleteBy),
                latest_extension: date(DeadlineKind::LatestExtension),
            },
            deadline_history: Vec::new(),
            presentation: None,
            rights_information: None,
            social_assessment: None,
            french_test: None,
            administrative_help: Vec::new(),
            convention: None,
            reviews: Vec::new(),
            pending_claims: determination.pending_claims.clone(),
            dispensation_decisions: Vec::new(),
            suspensions: Vec::new(),
            hours: Vec::new(),
            transfers: Vec::new(),
            closure: None,
            completed_on: None,
            cpas: None,
            no_shows: 0,
            interpreter_uses: Vec::new(),
        };
        let opened = if obliged {
            event(
                EventKind::CaseOpened,
                "CWASS art. 152/7 §1",
                "Dossier ouvert au CRI compétent : la personne est obligée de suivre le parcours.",
                "Case opened at the competent CRI: the person must follow the pathway.",
                format!("obliged; regime {regime}; CRI {cri}"),
            )
        } else {
            event(
                EventKind::CaseOpened,
                "CWASS art. 152; rule 2.1",
                "Dossier ouvert pour un parcours volontaire.",
                "Case opened for a voluntary pathway.",
                format!("voluntary; regime {regime}; CRI {cri}"),
            )
        };
        (case, opened)
    }

    /// Time the CRI recorded per axis (its own sessions, attendance elsewhere), in minutes.
    pub fn recorded_minutes(&self) -> AxisMinutes {
        let mut minutes = AxisMinutes::default();
        for entry in &self.hours {
            minutes.add(entry.axis, hours_as_minutes(entry.hours));
        }
        minutes
    }

    /// Time attended per axis: what the CRI recorded plus what operators reported.
    pub fn attended_minutes(&self, operator_minutes: &AxisMinutes) -> AxisMinutes {
        self.recorded_minutes().plus(operator_minutes)
    }

    /// Whether the time attended on `axis` reaches `threshold_percent` of the convention's hours, compared
    /// exactly in minutes (CWASS art. 152/7 §2; parameter attendance_threshold_percent).
    pub fn reaches_threshold(&self, axis: Axis, attended: &AxisMinutes, threshold_percent: u8) -> bool {
        attended.get(axis) * 100 >= i64::from(self.required(axis)) * 60 * i64::from(threshold_percent)
    }

    /// Hours the convention requires per axis (0 when not required or no convention yet).
    pub fn required(&self, axis: Axis) -> u32 {
        self.convention
            .as_ref()
            .and_then(|c| c.axes.iter().find(|a| a.axis == axis && a.required))
            .map_or(0, |a| a.hours)
    }

    /// Next evaluation interview: six months (regime interval) after the last one, or after the
    /// convention's signature; none before a convention or once the case is finished.
    pub fn next_review_due(&self, review_interval_months: Option<u32>) -> Option<NaiveDate> {
        if !self.state.is_open() {
            return None;
        }
        let interval = review_interval_months?;
        let convention = self.convention.as_ref()?;
        let last = self.reviews.iter().map(|r| r.date).max().unwrap_or(convention.signed_on).max(convention.signed_on);
        add_months(last, interval)
    }

    /// Whether the presentation deadline passed without presentation on `today`.
    pub fn presentation_overdue(&self, today: NaiveDate) -> bool {
        self.state == CaseState::Opened && self.deadlines.present_by.is_some_and(|d| d < today)
    }

    fn check_date(&self, field: &'static str, date: NaiveDate, today: NaiveDate) -> Result<(), CaseError> {
        if date > today {
            return Err(CaseError::DateInFuture { field });
        }
        if date < self.opened_on {
            return Err(CaseError::DateBeforeOpening { field });
        }
        Ok(())
    }

    fn illegal(&self, command: &CaseCommand) -> CaseError {
        CaseError::IllegalTransition { state: self.state, command: command.name() }
    }

    fn shift(&mut self, kind: DeadlineKind, to: NaiveDate, decided_on: NaiveDate, reason: String, basis: &str) {
        let slot = match kind {
            DeadlineKind::PresentBy => &mut self.deadlines.present_by,
            DeadlineKind::CompleteBy => &mut self.deadlines.complete_by,
            DeadlineKind::LatestExtension => &mut self.deadlines.latest_extension,
        };
        if let Some(from) = *slot
            && to > from
        {
            *slot = Some(to);
            self.deadline_history.push(DeadlineShift { kind, from, to, decided_on, reason, basis: basis.to_owned() });
            // The convention ends with the completion deadline (rule 4.5).
            if kind == DeadlineKind::CompleteBy
                && let Some(convention) = self.convention.as_mut()
            {
                convention.ends_on = Some(to);
            }
        }
    }

    fn convention_axes(
        &self,
        regime: &Regime,
        french: &FrenchDecision,
        orientation_needed: bool,
        french_waiver_level: CefrLevel,
    ) -> Result<Vec<ConventionAxis>, CaseError> {
        let mut axes = Vec::new();
        for requirement in regime.axes {
            let waived = requirement.axis == Axis::French && *french == FrenchDecision::Waived;
            let (required, reason) = match requirement.axis {
                Axis::French => match french {
                    FrenchDecision::Required => (true, "French placement test shows the need".to_owned()),
                    FrenchDecision::Waived => {
                        let test = self.french_test.as_ref().ok_or(CaseError::FrenchTestRequired)?;
                        if test.level < french_waiver_level {
                            return Err(CaseError::FrenchLevelBelowWaiver {
                                level: test.level,
                                required: french_waiver_level,
                            });
                        }
                        (false, format!("waived: placement test {} level {} on {}", test.tool, test.level, test.date))
                    }
                },
                Axis::Citizenship => (
                    requirement.obligation != AxisObligation::Voluntary,
                    "citizenship training is part of every convention".to_owned(),
                ),
                Axis::Orientation => (
                    orientation_needed,
                    if orientation_needed { "social assessment shows the need" } else { "not needed" }.to_owned(),
                ),
            };
            axes.push(ConventionAxis { axis: requirement.axis, required, hours: requirement.hours, reason, waived });
        }
        Ok(axes)
    }

    /// Applies a command: checks it against the state and the rules, changes the case, and returns what
    /// happened for the timeline. Nothing changes when an error is returned.
    pub fn apply(&mut self, command: CaseCommand, ctx: &CaseContext<'_>) -> Result<Vec<CaseEvent>, CaseError> {
        let mut next = self.clone();
        let events = next.apply_to_copy(command, ctx)?;
        *self = next;
        Ok(events)
    }

    fn apply_to_copy(&mut self, command: CaseCommand, ctx: &CaseContext<'_>) -> Result<Vec<CaseEvent>, CaseError> {
        use CaseState::*;
        let today = ctx.today;
        let open_states = matches!(self.state, Opened | WelcomeInProgress | ConventionSigned | InProgress);
        let following = matches!(self.state, WelcomeInProgress | ConventionSigned | InProgress);
        let after_convention = matches!(self.state, ConventionSigned | InProgress);
        match command {
            CaseCommand::RecordPresentation { date, force_majeure } => {
                if self.state != Opened {
                    return Err(self.illegal(&CaseCommand::RecordPresentation { date, force_majeure }));
                }
                self.check_date("date", date, today)?;
                let late = force_majeure.is_none() && self.deadlines.present_by.is_some_and(|d| date > d);
                let excused = force_majeure.is_some();
                self.presentation = Some(Presentation { date, late, force_majeure });
                self.state = WelcomeInProgress;
                Ok(vec![event(
                    EventKind::PresentationRecorded,
                    "CWASS art. 152/7 §1",
                    "Présentation au bureau d'accueil : le module d'accueil commence.",
                    "Presentation at the welcome office: the welcome module starts.",
                    format!("date {date}; late {late}; force majeure {excused}"),
                )])
            }
            CaseCommand::RecordRightsInformation(info) => {
                if !following {
                    return Err(self.illegal(&CaseCommand::RecordRightsInformation(info)));
                }
                self.check_date("date", info.date, today)?;
                let summary = format!(
                    "date {}; {:?}; interpreter {}",
                    info.date,
                    info.format,
                    info.interpreter_language.is_some()
                );
                self.rights_information = Some(info);
                Ok(vec![event(
                    EventKind::RightsInformationGiven,
                    "CWASS art. 152/2 (module d'accueil)",
                    "Information sur les droits et devoirs donnée.",
                    "Information on rights and duties given.",
                    summary,
                )])
            }
            CaseCommand::RecordSocialAssessment(assessment) => {
                if !following {
                    return Err(self.illegal(&CaseCommand::RecordSocialAssessment(assessment)));
                }
                self.check_date("date", assessment.date, today)?;
                let needs: Vec<String> = assessment.needs.iter().map(|n| format!("{n:?}").to_lowercase()).collect();
                let summary = format!("date {}; needs {}", assessment.date, needs.join(","));
                self.social_assessment = Some(assessment);
                Ok(vec![event(
                    EventKind::SocialAssessmentDone,
                    "CWASS art. 152/2 (bilan social)",
                    "Bilan social réalisé.",
                    "Social assessment done.",
                    summary,
                )])
            }
            CaseCommand::RecordFrenchTest(test) => {
                if !following {
                    return Err(self.illegal(&CaseCommand::RecordFrenchTest(test)));
                }
                self.check_date("date", test.date, today)?;
                let summary = format!("date {}; tool {}; level {}", test.date, test.tool, test.level);
                self.french_test = Some(test);
                Ok(vec![event(
                    EventKind::FrenchTestTaken,
                    "CWASS art. 152/2 (test de positionnement, R2018)",
                    "Test de positionnement en français réalisé.",
                    "French placement test taken.",
                    summary,
                )])
            }
            CaseCommand::RecordAdministrativeHelp(help) => {
                if !following {
                    return Err(self.illegal(&CaseCommand::RecordAdministrativeHelp(help)));
                }
                self.check_date("date", help.date, today)?;
                let summary = format!("date {}", help.date);
                self.administrative_help.push(help);
                Ok(vec![event(
                    EventKind::AdministrativeHelpGiven,
                    "CWASS art. 152/2 (aide aux démarches administratives)",
                    "Aide aux démarches administratives apportée.",
                    "Help with administrative steps given.",
                    summary,
                )])
            }
            CaseCommand::SignConvention { date, french, orientation_needed } => {
                if self.state != WelcomeInProgress {
                    return Err(self.illegal(&CaseCommand::SignConvention { date, french, orientation_needed }));
                }
                self.check_date("date", date, today)?;
                let mut missing = Vec::new();
                if self.rights_information.is_none() {
                    missing.push("rights_information");
                }
                if self.social_assessment.is_none() {
                    missing.push("social_assessment");
                }
                if ctx.regime.id >= RegimeId::R2018 && self.french_test.is_none() {
                    missing.push("french_test");
                }
                if !missing.is_empty() {
                    return Err(CaseError::WelcomeIncomplete { missing });
                }
                let axes = self.convention_axes(ctx.regime, &french, orientation_needed, ctx.french_waiver_level)?;
                let summary: Vec<String> = axes
                    .iter()
                    .map(|a| {
                        format!(
                            "{} {}h {}",
                            a.axis.code(),
                            a.hours,
                            if a.required { "required" } else { "not required" }
                        )
                    })
                    .collect();
                let ends_on = self.deadlines.complete_by;
                self.convention = Some(Convention { signed_on: date, ends_on, axes, amendments: Vec::new() });
                self.state = ConventionSigned;
                Ok(vec![event(
                    EventKind::ConventionSigned,
                    "CWASS art. 152/7; rule 4.5",
                    "Convention signée au terme du bilan social ; elle fixe les axes et leurs heures.",
                    "Convention signed at the end of the social assessment; it sets the axes and their hours.",
                    format!("date {date}; {}", summary.join("; ")),
                )])
            }
            CaseCommand::AmendConvention { date, french, orientation_needed, reason } => {
                if !after_convention {
                    return Err(self.illegal(&CaseCommand::AmendConvention {
                        date,
                        french,
                        orientation_needed,
                        reason,
                    }));
                }
                self.check_date("date", date, today)?;
                let axes = self.convention_axes(ctx.regime, &french, orientation_needed, ctx.french_waiver_level)?;
                let convention = self
                    .convention
                    .as_mut()
                    .ok_or(CaseError::IllegalTransition { state: self.state, command: "amend_convention" })?;
                let previous_axes = std::mem::replace(&mut convention.axes, axes);
                convention.amendments.push(Amendment { date, reason, previous_axes });
                Ok(vec![event(
                    EventKind::ConventionAmended,
                    "CWASS art. 152/7; rule 4.5",
                    "Convention modifiée ; la version précédente est conservée.",
                    "Convention amended; the previous version is kept.",
                    format!("date {date}"),
                )])
            }
            CaseCommand::RecordReview(review) => {
                if !after_convention {
                    return Err(self.illegal(&CaseCommand::RecordReview(review)));
                }
                self.check_date("date", review.date, today)?;
                let summary = format!("date {}", review.date);
                self.reviews.push(review);
                Ok(vec![event(
                    EventKind::ReviewHeld,
                    "CWASS art. 152/7; rule 4.6",
                    "Entretien d'évaluation semestriel tenu.",
                    "Six-monthly evaluation interview held.",
                    summary,
                )])
            }
            CaseCommand::DecideDispensation { decision, dispensed_now } => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::DecideDispensation { decision, dispensed_now }));
                }
                self.check_date("date", decision.date, today)?;
                let summary = format!(
                    "{} {} on {}",
                    decision.code,
                    if decision.granted { "granted" } else { "refused" },
                    decision.date
                );
                let date = decision.date;
                self.pending_claims.retain(|c| *c != decision.code);
                self.dispensation_decisions.push(decision);
                let mut events = vec![event(
                    EventKind::DispensationDecided,
                    "CWASS art. 152/7 §3",
                    "Le CRI a statué sur une dispense au vu des preuves.",
                    "The CRI decided a dispensation on the evidence.",
                    summary,
                )];
                if dispensed_now && self.obliged {
                    self.state = Closed;
                    self.closure = Some(Closure { reason: ClosureReason::Dispensed, date });
                    events.push(event(
                        EventKind::CaseClosed,
                        "CWASS art. 152/7 §3",
                        "Dossier clôturé : la personne est dispensée ; elle peut poursuivre volontairement.",
                        "Case closed: the person is dispensed; they may continue voluntarily.",
                        "dispensed".to_owned(),
                    ));
                }
                Ok(events)
            }
            CaseCommand::Extend { date, until, reason } => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::Extend { date, until, reason }));
                }
                self.check_date("date", date, today)?;
                let current = self.deadlines.complete_by.ok_or(CaseError::NoDeadline)?;
                if until <= current {
                    return Err(CaseError::ExtensionNotLater { current });
                }
                if let Some(ceiling) = self.deadlines.latest_extension
                    && until > ceiling
                {
                    return Err(CaseError::ExtensionBeyondCeiling { ceiling });
                }
                self.shift(
                    DeadlineKind::CompleteBy,
                    until,
                    date,
                    format!("extension: {reason}"),
                    "CWASS art. 152/7 (peut être prolongé); rule 4.4",
                );
                Ok(vec![event(
                    EventKind::DeadlineExtended,
                    "CWASS art. 152/7; rule 4.4",
                    "Délai d'achèvement prolongé par le CRI, dans la limite du plafond du régime.",
                    "Completion deadline extended by the CRI, within the regime's ceiling.",
                    format!("complete_by {current} -> {until}"),
                )])
            }
            CaseCommand::Suspend(suspension) => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::Suspend(suspension)));
                }
                if suspension.to < suspension.from {
                    return Err(CaseError::InvalidPeriod);
                }
                if suspension.from < self.opened_on {
                    return Err(CaseError::DateBeforeOpening { field: "from" });
                }
                let days = (suspension.to - suspension.from).num_days() + 1;
                let reason =
                    format!("suspension {}..{} ({:?}), {days} days", suspension.from, suspension.to, suspension.reason);
                let basis = match suspension.reason {
                    SuspensionReason::NoCoursePlace => "CWASS art. 152/8 (offer not available); rule 6.2",
                    _ => "CWASS art. 152/7 (force majeure); rule 4.4",
                };
                for kind in [DeadlineKind::CompleteBy, DeadlineKind::LatestExtension] {
                    let current = match kind {
                        DeadlineKind::CompleteBy => self.deadlines.complete_by,
                        _ => self.deadlines.latest_extension,
                    };
                    if let Some(current) = current {
                        let shifted = current + chrono::Duration::days(days);
                        self.shift(kind, shifted, today, reason.clone(), basis);
                    }
                }
                self.suspensions.push(suspension);
                Ok(vec![event(
                    EventKind::DeadlinesSuspended,
                    basis,
                    "Délais suspendus : l'échéance d'achèvement est reportée de la durée de la suspension.",
                    "Deadlines suspended: the completion deadline moves by the length of the suspension.",
                    reason,
                )])
            }
            CaseCommand::RecordHours(entry) => {
                if !after_convention {
                    return Err(self.illegal(&CaseCommand::RecordHours(entry)));
                }
                if !(entry.hours > 0.0 && entry.hours <= 1000.0) {
                    return Err(CaseError::InvalidHours);
                }
                self.check_date("date", entry.date, today)?;
                let summary = format!("{} +{}h ({:?}) on {}", entry.axis.code(), entry.hours, entry.source, entry.date);
                self.hours.push(entry);
                let mut events = vec![event(
                    EventKind::HoursRecorded,
                    "CWASS art. 152/4-152/6",
                    "Heures de formation enregistrées.",
                    "Training hours recorded.",
                    summary,
                )];
                events.extend(self.start_training());
                Ok(events)
            }
            CaseCommand::RecordCpas { cpas, date } => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::RecordCpas { cpas, date }));
                }
                self.check_date("date", date, today)?;
                self.cpas = cpas;
                let summary = match cpas {
                    Some(nis) => format!("CPAS {nis} on {date}"),
                    None => format!("no CPAS on {date}"),
                };
                Ok(vec![event(
                    if cpas.is_some() { EventKind::CpasRecorded } else { EventKind::CpasRemoved },
                    "CWASS art. 152/7; rule 4.7",
                    "Le CRI a enregistré le CPAS dont la personne est bénéficiaire.",
                    "The CRI recorded the CPAS whose beneficiary the person is.",
                    summary,
                )])
            }
            CaseCommand::Transfer { to, date, reason } => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::Transfer { to, date, reason }));
                }
                if to == self.cri {
                    return Err(CaseError::SameCri);
                }
                self.check_date("date", date, today)?;
                let from = self.cri;
                self.transfers.push(Transfer { from, to, date, reason });
                self.cri = to;
                Ok(vec![event(
                    EventKind::CaseTransferred,
                    "CWASS art. 153/1 (ressort territorial)",
                    "Dossier transféré au CRI compétent pour le nouveau domicile, avec son historique.",
                    "Case transferred, with its history, to the CRI competent for the new domicile.",
                    format!("{from} -> {to} on {date}"),
                )])
            }
            CaseCommand::Complete { date } => {
                if !after_convention {
                    return Err(self.illegal(&CaseCommand::Complete { date }));
                }
                self.check_date("date", date, today)?;
                let attended = self.attended_minutes(&ctx.operator_minutes);
                for axis in Axis::ALL {
                    if !self.reaches_threshold(axis, &attended, ctx.attendance_threshold_percent) {
                        let needed =
                            f64::from(self.required(axis)) * f64::from(ctx.attendance_threshold_percent) / 100.0;
                        return Err(CaseError::HoursNotMet { axis, needed, attended: attended.hours(axis) });
                    }
                }
                self.state = RequirementsMet;
                self.completed_on = Some(date);
                Ok(vec![event(
                    EventKind::RequirementsMet,
                    "CWASS art. 152/7 §2; rule 5.1",
                    "La convention est respectée : l'attestation de fréquentation peut être délivrée.",
                    "The convention is respected: the attendance certificate can be issued.",
                    format!("date {date}"),
                )])
            }
            CaseCommand::RecordNoShow { date, occasion } => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::RecordNoShow { date, occasion }));
                }
                self.check_date("date", date, today)?;
                self.no_shows += 1;
                Ok(vec![event(
                    EventKind::AppointmentNoShow,
                    "CWASS art. 152/7 §1; rule 4.2",
                    "Absence sans excuse à un rendez-vous : ce n'est pas une présentation, le délai continue de courir.",
                    "Missed appointment without notice: not a presentation, the deadline keeps running.",
                    format!("date {date}; {occasion}; no-shows {}", self.no_shows),
                )])
            }
            CaseCommand::RecordInterpreterUse(used) => {
                if !following {
                    return Err(self.illegal(&CaseCommand::RecordInterpreterUse(used)));
                }
                self.check_date("date", used.date, today)?;
                let summary = format!(
                    "date {}; language {}; mode {}; {}",
                    used.date,
                    used.language,
                    used.mode.code(),
                    used.occasion
                );
                self.interpreter_uses.push(used);
                Ok(vec![event(
                    EventKind::InterpreterUsed,
                    "CWASS art. 152/2; rule 3.3 (interprétariat gratuit)",
                    "Un interprète (SETIS wallon) a assisté la personne, gratuitement.",
                    "An interpreter (SETIS wallon) assisted the person, free of charge.",
                    summary,
                )])
            }
            CaseCommand::Close(closure) => {
                if !open_states {
                    return Err(self.illegal(&CaseCommand::Close(closure)));
                }
                if closure.reason == ClosureReason::Dispensed {
                    return Err(CaseError::UseDispensationDecision);
                }
                if closure.reason == ClosureReason::WithdrewVoluntary && self.obliged {
                    return Err(CaseError::NotVoluntary);
                }
                self.check_date("date", closure.date, today)?;
                let summary = format!("{:?} on {}", closure.reason, closure.date);
                self.closure = Some(closure);
                self.state = Closed;
                Ok(vec![event(
                    EventKind::CaseClosed,
                    "CWASS art. 150 (personne étrangère domiciliée en région de langue française)",
                    "Dossier clôturé : la personne ne relève plus du parcours dans ce CRI.",
                    "Case closed: the person no longer falls under the pathway at this CRI.",
                    summary,
                )])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::determination::{Facts, determine};
    use crate::nationality::Nationality;
    use crate::reference::{NisCode, bundled};
    use crate::regime::regime;
    use crate::residence::ResidenceDocument;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    const TODAY: fn() -> NaiveDate = || d(2026, 11, 24);

    /// Obliged under R2018: order 2022-03-15, present by 2022-05-01, complete by 2023-09-15, ceiling 2025-03-15.
    fn obliged_case() -> Case {
        let facts = Facts {
            birth_date: d(1990, 5, 10),
            nationality: Nationality::parse("MAR").expect("code"),
            residence_document: Some(ResidenceDocument::B),
            title_order_date: Some(d(2022, 3, 15)),
            first_registration_date: Some(d(2022, 2, 1)),
            legal_stay_start: Some(d(2021, 9, 1)),
            domicile: NisCode::parse("62063").expect("code"),
            family_link: None,
            claimed_dispensations: Vec::new(),
            granted_dispensations: Vec::new(),
            prior_attestation: None,
        };
        let determination = determine(&facts, &bundled(), TODAY()).expect("consistent");
        Case::open(&determination, CriCode::Cripel, RegimeId::R2018, d(2022, 3, 20)).0
    }

    fn voluntary_case() -> Case {
        let mut case = obliged_case();
        case.obliged = false;
        case.deadlines = CaseDeadlines::default();
        case
    }

    fn run(case: &mut Case, command: CaseCommand) -> Result<Vec<CaseEvent>, CaseError> {
        let parameters = crate::parameters::Parameters::default();
        let r = regime(case.regime, &parameters, case.opened_on);
        case.apply(
            command,
            &CaseContext {
                today: TODAY(),
                regime: &r,
                attendance_threshold_percent: 80,
                operator_minutes: AxisMinutes::default(),
                french_waiver_level: parameters.french_level_waiving_language_axis.on(TODAY()).to_owned(),
            },
        )
    }

    fn present(date: NaiveDate) -> CaseCommand {
        CaseCommand::RecordPresentation { date, force_majeure: None }
    }

    fn welcome(case: &mut Case) {
        run(case, present(d(2022, 4, 1))).expect("presentation");
        run(
            case,
            CaseCommand::RecordRightsInformation(RightsInformation {
                date: d(2022, 4, 1),
                format: SessionFormat::Collective,
                interpreter_language: Some("ar".into()),
            }),
        )
        .expect("rights");
        run(
            case,
            CaseCommand::RecordSocialAssessment(SocialAssessment {
                date: d(2022, 4, 8),
                needs: vec![NeedDomain::Housing, NeedDomain::Employment],
                sensitive_notes: Some(Confidential::Clear("short note".into())),
            }),
        )
        .expect("assessment");
        run(
            case,
            CaseCommand::RecordFrenchTest(FrenchTest {
                date: d(2022, 4, 8),
                tool: "ELAO".into(),
                level: CefrLevel::B1,
            }),
        )
        .expect("test");
    }

    fn sign(case: &mut Case) {
        welcome(case);
        run(
            case,
            CaseCommand::SignConvention {
                date: d(2022, 4, 15),
                french: FrenchDecision::Required,
                orientation_needed: true,
            },
        )
        .expect("convention");
    }

    fn hours(axis: Axis, hours: f64) -> CaseCommand {
        CaseCommand::RecordHours(HoursEntry {
            axis,
            hours,
            date: d(2023, 1, 10),
            source: HoursSource::ExternalCertificate,
        })
    }

    #[test]
    fn a_full_obliged_pathway_reaches_requirements_met() {
        let mut case = obliged_case();
        assert_eq!(case.state, CaseState::Opened);
        sign(&mut case);
        assert_eq!(case.state, CaseState::ConventionSigned);
        assert_eq!(case.required(Axis::French), 400);
        assert_eq!(case.required(Axis::Citizenship), 60);
        assert_eq!(case.required(Axis::Orientation), 4);
        let events = run(&mut case, hours(Axis::French, 400.0)).expect("hours");
        assert_eq!(events.iter().map(|e| e.kind).collect::<Vec<_>>(), ["hours_recorded", "training_started"]);
        assert_eq!(case.state, CaseState::InProgress);
        run(&mut case, hours(Axis::Citizenship, 60.0)).expect("hours");
        run(&mut case, hours(Axis::Orientation, 4.0)).expect("hours");
        let events = run(&mut case, CaseCommand::Complete { date: d(2023, 6, 1) }).expect("complete");
        assert_eq!(events[0].kind, "requirements_met");
        assert_eq!(case.state, CaseState::RequirementsMet);
        assert!(!case.state.is_open());
    }

    #[test]
    fn every_illegal_transition_is_a_typed_error_with_the_current_state() {
        let mut case = obliged_case();
        let illegal_when_opened = [
            CaseCommand::SignConvention {
                date: d(2022, 4, 15),
                french: FrenchDecision::Required,
                orientation_needed: false,
            },
            CaseCommand::RecordReview(Review { date: d(2022, 5, 1) }),
            hours(Axis::French, 2.0),
            CaseCommand::Complete { date: d(2022, 5, 1) },
            CaseCommand::RecordFrenchTest(FrenchTest {
                date: d(2022, 4, 8),
                tool: "ELAO".into(),
                level: CefrLevel::A1,
            }),
        ];
        for command in illegal_when_opened {
            let name = command.name();
            assert_eq!(
                run(&mut case, command),
                Err(CaseError::IllegalTransition { state: CaseState::Opened, command: name })
            );
        }
        run(&mut case, present(d(2022, 4, 1))).expect("presentation");
        assert_eq!(
            run(&mut case, present(d(2022, 4, 2))),
            Err(CaseError::IllegalTransition { state: CaseState::WelcomeInProgress, command: "record_presentation" })
        );
        let mut closed = obliged_case();
        run(&mut closed, CaseCommand::Close(Closure { reason: ClosureReason::LeftBelgium, date: d(2022, 6, 1) }))
            .expect("close");
        for command in [
            present(d(2022, 7, 1)),
            CaseCommand::Extend { date: d(2022, 7, 1), until: d(2024, 1, 1), reason: "x".into() },
        ] {
            assert!(matches!(
                run(&mut closed, command),
                Err(CaseError::IllegalTransition { state: CaseState::Closed, .. })
            ));
        }
    }

    #[test]
    fn a_refused_command_changes_nothing() {
        let mut case = obliged_case();
        let before = case.clone();
        assert!(run(&mut case, CaseCommand::Complete { date: d(2022, 5, 1) }).is_err());
        assert_eq!(case, before);
    }

    #[test]
    fn late_presentation_is_flagged_unless_force_majeure_is_recorded() {
        let mut late = obliged_case();
        run(&mut late, present(d(2022, 5, 2))).expect("presentation");
        assert!(late.presentation.as_ref().is_some_and(|p| p.late));
        let mut excused = obliged_case();
        run(
            &mut excused,
            CaseCommand::RecordPresentation { date: d(2022, 5, 2), force_majeure: Some("hospital stay".into()) },
        )
        .expect("presentation");
        assert!(excused.presentation.as_ref().is_some_and(|p| !p.late));
        let mut on_time = obliged_case();
        run(&mut on_time, present(d(2022, 5, 1))).expect("presentation");
        assert!(on_time.presentation.as_ref().is_some_and(|p| !p.late));
    }

    #[test]
    fn presentation_overdue_only_while_awaiting_presentation() {
        let mut case = obliged_case();
        assert!(case.presentation_overdue(d(2022, 5, 2)));
        assert!(!case.presentation_overdue(d(2022, 5, 1)));
        run(&mut case, present(d(2022, 5, 10))).expect("presentation");
        assert!(!case.presentation_overdue(d(2022, 6, 1)));
    }

    #[test]
    fn the_convention_needs_the_welcome_steps() {
        let mut case = obliged_case();
        run(&mut case, present(d(2022, 4, 1))).expect("presentation");
        assert_eq!(
            run(
                &mut case,
                CaseCommand::SignConvention {
                    date: d(2022, 4, 15),
                    french: FrenchDecision::Required,
                    orientation_needed: false
                }
            ),
            Err(CaseError::WelcomeIncomplete {
                missing: vec!["rights_information", "social_assessment", "french_test"]
            })
        );
    }

    #[test]
    fn french_waived_with_the_test_result_as_reason() {
        let mut case = obliged_case();
        welcome(&mut case);
        run(
            &mut case,
            CaseCommand::SignConvention {
                date: d(2022, 4, 15),
                french: FrenchDecision::Waived,
                orientation_needed: false,
            },
        )
        .expect("convention");
        let french =
            case.convention.as_ref().and_then(|c| c.axes.iter().find(|a| a.axis == Axis::French)).expect("axis");
        assert!(!french.required);
        assert!(french.reason.contains("ELAO") && french.reason.contains("B1"));
        assert_eq!(case.required(Axis::French), 0);
        assert_eq!(case.required(Axis::Orientation), 0);
    }

    #[test]
    fn rule_3_1_french_is_waived_only_from_the_parameter_level() {
        let mut case = obliged_case();
        welcome(&mut case);
        let a1 = FrenchTest { date: d(2022, 4, 9), tool: "ELAO".into(), level: CefrLevel::A1 };
        run(&mut case, CaseCommand::RecordFrenchTest(a1)).expect("retest");
        let waive = CaseCommand::SignConvention {
            date: d(2022, 4, 15),
            french: FrenchDecision::Waived,
            orientation_needed: false,
        };
        // The default parameter is A2.
        assert_eq!(
            run(&mut case, waive.clone()),
            Err(CaseError::FrenchLevelBelowWaiver { level: CefrLevel::A1, required: CefrLevel::A2 })
        );
        let parameters = crate::parameters::Parameters::default();
        let r = regime(case.regime, &parameters, case.opened_on);
        let at_a1 = CaseContext {
            today: TODAY(),
            regime: &r,
            attendance_threshold_percent: 80,
            operator_minutes: AxisMinutes::default(),
            french_waiver_level: CefrLevel::A1,
        };
        case.apply(waive, &at_a1).expect("waived when the parameter says A1");
        assert_eq!(case.required(Axis::French), 0);
    }

    #[test]
    fn an_amendment_keeps_the_previous_axes() {
        let mut case = obliged_case();
        sign(&mut case);
        run(
            &mut case,
            CaseCommand::AmendConvention {
                date: d(2022, 9, 1),
                french: FrenchDecision::Waived,
                orientation_needed: true,
                reason: "retest B1".into(),
            },
        )
        .expect("amend");
        let convention = case.convention.as_ref().expect("convention");
        assert_eq!(convention.amendments.len(), 1);
        assert!(convention.amendments[0].previous_axes.iter().any(|a| a.axis == Axis::French && a.required));
        assert_eq!(case.required(Axis::French), 0);
    }

    #[test]
    fn extension_within_the_ceiling_moves_the_deadline_with_its_reason() {
        let mut case = obliged_case();
        run(&mut case, CaseCommand::Extend { date: d(2023, 9, 1), until: d(2024, 3, 15), reason: "illness".into() })
            .expect("extend");
        assert_eq!(case.deadlines.complete_by, Some(d(2024, 3, 15)));
        let shift = case.deadline_history.last().expect("history");
        assert_eq!((shift.from, shift.to), (d(2023, 9, 15), d(2024, 3, 15)));
        assert!(shift.reason.contains("illness"));
    }

    #[test]
    fn the_convention_ends_on_the_completion_deadline_and_follows_its_extensions() {
        let mut case = obliged_case();
        sign(&mut case);
        assert_eq!(case.convention.as_ref().and_then(|c| c.ends_on), Some(d(2023, 9, 15)));
        run(&mut case, CaseCommand::Extend { date: d(2023, 9, 1), until: d(2024, 1, 15), reason: "illness".into() })
            .expect("extend");
        assert_eq!(case.convention.as_ref().and_then(|c| c.ends_on), Some(d(2024, 1, 15)));
    }

    #[test]
    fn extension_beyond_the_ceiling_is_refused() {
        let mut case = obliged_case();
        assert_eq!(
            run(&mut case, CaseCommand::Extend { date: d(2023, 9, 1), until: d(2025, 3, 16), reason: "x".into() }),
            Err(CaseError::ExtensionBeyondCeiling { ceiling: d(2025, 3, 15) })
        );
        assert_eq!(
            run(&mut case, CaseCommand::Extend { date: d(2023, 9, 1), until: d(2023, 9, 15), reason: "x".into() }),
            Err(CaseError::ExtensionNotLater { current: d(2023, 9, 15) })
        );
        let mut voluntary = voluntary_case();
        assert_eq!(
            run(&mut voluntary, CaseCommand::Extend { date: d(2023, 9, 1), until: d(2024, 1, 1), reason: "x".into() }),
            Err(CaseError::NoDeadline)
        );
    }

    #[test]
    fn suspension_for_lack_of_course_places_shifts_completion_and_ceiling() {
        let mut case = obliged_case();
        let suspension =
            Suspension { from: d(2023, 1, 1), to: d(2023, 1, 31), reason: SuspensionReason::NoCoursePlace };
        let events = run(&mut case, CaseCommand::Suspend(suspension)).expect("suspend");
        assert_eq!(case.deadlines.complete_by, Some(d(2023, 10, 16)));
        assert_eq!(case.deadlines.latest_extension, Some(d(2025, 4, 15)));
        assert_eq!(case.deadline_history.len(), 2);
        assert!(events[0].basis.contains("152/8"));
        let backwards = Suspension { from: d(2023, 2, 1), to: d(2023, 1, 1), reason: SuspensionReason::Illness };
        assert_eq!(run(&mut case, CaseCommand::Suspend(backwards)), Err(CaseError::InvalidPeriod));
    }

    #[test]
    fn reviews_are_due_six_months_after_the_convention_then_after_each_review() {
        let mut case = obliged_case();
        assert_eq!(case.next_review_due(Some(6)), None);
        sign(&mut case);
        assert_eq!(case.next_review_due(Some(6)), Some(d(2022, 10, 15)));
        run(&mut case, CaseCommand::RecordReview(Review { date: d(2022, 10, 3) })).expect("review");
        assert_eq!(case.next_review_due(Some(6)), Some(d(2023, 4, 3)));
    }

    #[test]
    fn completion_needs_the_hours_of_the_convention_with_the_attendance_threshold() {
        let mut case = obliged_case();
        sign(&mut case);
        run(&mut case, hours(Axis::French, 319.0)).expect("hours");
        assert!(matches!(
            run(&mut case, CaseCommand::Complete { date: d(2023, 6, 1) }),
            Err(CaseError::HoursNotMet { axis: Axis::French, .. })
        ));
        run(&mut case, hours(Axis::French, 1.0)).expect("hours");
        run(&mut case, hours(Axis::Citizenship, 48.0)).expect("hours");
        run(&mut case, hours(Axis::Orientation, 3.2)).expect("hours");
        run(&mut case, CaseCommand::Complete { date: d(2023, 6, 1) }).expect("80 % of every required axis");
        assert!(run(&mut case, hours(Axis::French, -1.0)).is_err());
    }

    #[test]
    fn a_granted_dispensation_closes_an_obliged_case_as_dispensed() {
        let mut case = obliged_case();
        let decision = DispensationDecision {
            code: DispensationCode::D5,
            granted: true,
            date: d(2022, 6, 1),
            reason: "contrat CDI mi-temps depuis 2021".into(),
            evidence: Some(Confidential::Clear(Evidence {
                document_type: "employment_contract".into(),
                issuer: "Employer SA".into(),
                date: d(2021, 9, 1),
            })),
            prior_attestation: None,
        };
        let events = run(&mut case, CaseCommand::DecideDispensation { decision, dispensed_now: true }).expect("decide");
        assert_eq!(events.iter().map(|e| e.kind).collect::<Vec<_>>(), ["dispensation_decided", "case_closed"]);
        assert_eq!(case.state, CaseState::Closed);
        assert_eq!(case.closure.as_ref().map(|c| c.reason), Some(ClosureReason::Dispensed));
    }

    #[test]
    fn a_refused_dispensation_keeps_the_case_open() {
        let mut case = obliged_case();
        let decision = DispensationDecision {
            code: DispensationCode::D3,
            granted: false,
            date: d(2022, 6, 1),
            reason: "no Belgian diploma".into(),
            evidence: None,
            prior_attestation: None,
        };
        run(&mut case, CaseCommand::DecideDispensation { decision, dispensed_now: false }).expect("decide");
        assert_eq!(case.state, CaseState::Opened);
    }

    #[test]
    fn closures_check_their_reason() {
        let mut obliged = obliged_case();
        assert_eq!(
            run(
                &mut obliged,
                CaseCommand::Close(Closure { reason: ClosureReason::WithdrewVoluntary, date: d(2022, 6, 1) })
            ),
            Err(CaseError::NotVoluntary)
        );
        assert_eq!(
            run(&mut obliged, CaseCommand::Close(Closure { reason: ClosureReason::Dispensed, date: d(2022, 6, 1) })),
            Err(CaseError::UseDispensationDecision)
        );
        let mut voluntary = voluntary_case();
        run(
            &mut voluntary,
            CaseCommand::Close(Closure { reason: ClosureReason::WithdrewVoluntary, date: d(2022, 6, 1) }),
        )
        .expect("withdraw");
        for reason in [
            ClosureReason::MovedOutOfRegion,
            ClosureReason::LeftBelgium,
            ClosureReason::Deceased,
            ClosureReason::BecameBelgian,
        ] {
            let mut case = obliged_case();
            run(&mut case, CaseCommand::Close(Closure { reason, date: d(2022, 6, 1) })).expect("close");
            assert_eq!(case.state, CaseState::Closed);
        }
    }

    #[test]
    fn a_transfer_moves_the_case_with_its_history() {
        let mut case = obliged_case();
        run(&mut case, present(d(2022, 4, 1))).expect("presentation");
        run(
            &mut case,
            CaseCommand::Transfer { to: CriCode::Cric, date: d(2022, 5, 1), reason: "moved to Charleroi".into() },
        )
        .expect("transfer");
        assert_eq!(case.cri, CriCode::Cric);
        assert_eq!(case.transfers[0].from, CriCode::Cripel);
        assert!(case.presentation.is_some());
        assert_eq!(
            run(&mut case, CaseCommand::Transfer { to: CriCode::Cric, date: d(2022, 5, 2), reason: "again".into() }),
            Err(CaseError::SameCri)
        );
    }

    #[test]
    fn dates_in_the_future_or_before_opening_are_refused() {
        let mut case = obliged_case();
        assert_eq!(run(&mut case, present(d(2027, 1, 1))), Err(CaseError::DateInFuture { field: "date" }));
        assert_eq!(run(&mut case, present(d(2022, 3, 1))), Err(CaseError::DateBeforeOpening { field: "date" }));
    }

    fn any_command() -> impl Strategy<Value = CaseCommand> {
        let day = (0i64..2_000).prop_map(|n| d(2022, 3, 20) + chrono::Duration::days(n));
        prop_oneof![
            (day.clone(), day.clone()).prop_map(|(date, until)| CaseCommand::Extend {
                date: date.min(TODAY()),
                until,
                reason: "r".into()
            }),
            (day.clone(), 0i64..200).prop_map(|(from, len)| CaseCommand::Suspend(Suspension {
                from,
                to: from + chrono::Duration::days(len),
                reason: SuspensionReason::Illness
            })),
            day.clone()
                .prop_map(|date| CaseCommand::RecordPresentation { date: date.min(TODAY()), force_majeure: None }),
            day.prop_map(|date| CaseCommand::Transfer {
                to: CriCode::Cric,
                date: date.min(TODAY()),
                reason: "r".into()
            }),
        ]
    }

    proptest! {
        #[test]
        fn deadlines_never_move_backwards_and_every_move_has_a_reason(commands in prop::collection::vec(any_command(), 1..20)) {
            let mut case = obliged_case();
            for command in commands {
                let before = case.deadlines.clone();
                let history = case.deadline_history.len();
                let _ = run(&mut case, command);
                for (old, new) in [
                    (before.complete_by, case.deadlines.complete_by),
                    (before.latest_extension, case.deadlines.latest_extension),
                    (before.present_by, case.deadlines.present_by),
                ] {
                    prop_assert!(new >= old);
                    if new != old {
                        prop_assert!(case.deadline_history.len() > history);
                    }
                }
                if let (Some(complete), Some(ceiling)) = (case.deadlines.complete_by, case.deadlines.latest_extension) {
                    prop_assert!(complete <= ceiling);
                }
            }
        }
    }
}
