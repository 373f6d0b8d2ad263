//! The welcome office (*bureau d'accueil*, rules.md §3 and rule 4.2): where the welcome module happens. A
//! CRI runs one or more offices; staff open appointment slots (capacity one) and collective information
//! sessions, book them for cases, and record who came. What an attended appointment means for the case (the
//! presentation, then the step of its kind) and what a no-show means (nothing but a count: the presentation
//! deadline keeps running) is decided here, as case commands; so is every refusal (a taken slot, a full
//! session, a staff member booked twice).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::case::{
    Case, CaseCommand, CaseEvent, CaseState, FrenchTest, InterpreterUse, InterpretingMode, Review, RightsInformation,
    SessionFormat, SocialAssessment,
};
use crate::dates::brussels_date;
use crate::events::EventKind;
use crate::law::Bilingual;
use crate::reference::{CriCode, NisCode, ReferenceData};

/// What an appointment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentKind {
    /// The individual social assessment (*bilan social*), about an hour and a half.
    SocialAssessment,
    /// The French placement test (*test de positionnement*).
    FrenchTest,
    /// Information on rights and duties, one to one.
    IndividualInformation,
    /// An evaluation interview after the convention (rule 4.6).
    FollowUpReview,
}

impl AppointmentKind {
    /// Every kind.
    pub const ALL: [AppointmentKind; 4] = [
        AppointmentKind::SocialAssessment,
        AppointmentKind::FrenchTest,
        AppointmentKind::IndividualInformation,
        AppointmentKind::FollowUpReview,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AppointmentKind::SocialAssessment => "social_assessment",
            AppointmentKind::FrenchTest => "french_test",
            AppointmentKind::IndividualInformation => "individual_information",
            AppointmentKind::FollowUpReview => "follow_up_review",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<AppointmentKind> {
        AppointmentKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// What the person reads on the invitation, French first.
    pub fn label(self) -> Bilingual {
        match self {
            AppointmentKind::SocialAssessment => Bilingual { fr: "Bilan social", en: "Social assessment" },
            AppointmentKind::FrenchTest => {
                Bilingual { fr: "Test de positionnement en français", en: "French placement test" }
            }
            AppointmentKind::IndividualInformation => {
                Bilingual { fr: "Information sur les droits et devoirs", en: "Information on rights and duties" }
            }
            AppointmentKind::FollowUpReview => Bilingual { fr: "Entretien d'évaluation", en: "Evaluation interview" },
        }
    }

    /// The usual length, in minutes, when the CRI does not give one (rules.md §3: about 1.5 h for the
    /// social assessment).
    pub fn usual_minutes(self) -> u32 {
        match self {
            AppointmentKind::SocialAssessment => 90,
            AppointmentKind::FrenchTest => 60,
            AppointmentKind::IndividualInformation => 45,
            AppointmentKind::FollowUpReview => 60,
        }
    }
}

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked, not yet held.
    Booked,
    /// The person came; the matching step is on the case.
    Attended,
    /// The person did not come.
    NoShow,
    /// Cancelled: the slot is free again.
    Cancelled,
}

impl AppointmentStatus {
    /// Every status.
    pub const ALL: [AppointmentStatus; 4] = [
        AppointmentStatus::Booked,
        AppointmentStatus::Attended,
        AppointmentStatus::NoShow,
        AppointmentStatus::Cancelled,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Attended => "attended",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Whether the appointment still holds its slot (only a cancellation frees it).
    pub fn holds_slot(self) -> bool {
        self != AppointmentStatus::Cancelled
    }
}

/// When an office is open on one day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Day of the week.
    pub weekday: Weekday,
    /// Opens (Brussels time).
    pub opens: NaiveTime,
    /// Closes (Brussels time).
    pub closes: NaiveTime,
}

/// A welcome office, as its CRI describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    /// Name (`Bureau d'accueil de Dinant`).
    pub name: String,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// Locality.
    pub locality: String,
    /// Opening hours.
    pub opening_hours: Vec<OpeningHours>,
    /// The communes whose residents it serves by default (the nearest office).
    pub communes: Vec<NisCode>,
    /// Languages its staff speak (ISO 639-1), besides French.
    pub languages: Vec<String>,
}

/// An appointment slot: one staff member, one kind, one person at most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Kind.
    pub kind: AppointmentKind,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Length in minutes.
    pub minutes: u32,
    /// The CRI's reference for the staff member who holds it (not a name).
    pub staff: String,
}

impl Slot {
    /// End.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(i64::from(self.minutes))
    }

    /// Whether two slots share a moment.
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.starts_at < other.ends_at() && other.starts_at < self.ends_at()
    }

    /// Its date in Brussels (the legal date of the step it records).
    pub fn date(&self) -> NaiveDate {
        brussels_date(self.starts_at)
    }
}

/// A collective information session on rights and duties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectiveSession {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Length in minutes.
    pub minutes: u32,
    /// The language it is given in (ISO 639-1; art. 152/5 allows a language the person understands).
    pub language: String,
    /// Places.
    pub capacity: u32,
}

impl CollectiveSession {
    /// Its date in Brussels.
    pub fn date(&self) -> NaiveDate {
        brussels_date(self.starts_at)
    }
}

/// Where an interpreting request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterpretingStatus {
    /// Asked of the interpreting service.
    Requested,
    /// The service confirmed an interpreter.
    Confirmed,
    /// The interpreter came (or called).
    Done,
    /// Cancelled.
    Cancelled,
}

impl InterpretingStatus {
    /// Every status.
    pub const ALL: [InterpretingStatus; 4] = [
        InterpretingStatus::Requested,
        InterpretingStatus::Confirmed,
        InterpretingStatus::Done,
        InterpretingStatus::Cancelled,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            InterpretingStatus::Requested => "requested",
            InterpretingStatus::Confirmed => "confirmed",
            InterpretingStatus::Done => "done",
            InterpretingStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<InterpretingStatus> {
        InterpretingStatus::ALL.into_iter().find(|status| status.code() == code)
    }

    /// Still to be settled (the CRI's list of open requests).
    pub fn is_open(self) -> bool {
        matches!(self, InterpretingStatus::Requested | InterpretingStatus::Confirmed)
    }

    /// An interpreter is (or was) there: the invitation says so and attendance records the use.
    pub fn interpreter_booked(self) -> bool {
        matches!(self, InterpretingStatus::Confirmed | InterpretingStatus::Done)
    }
}

/// An interpreter booked for an appointment or a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedInterpreter {
    /// Language.
    pub language: String,
    /// Mode.
    pub mode: InterpretingMode,
}

/// Why the welcome office refuses something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WelcomeOfficeError {
    /// A commune the office would serve is not in its CRI's territory.
    CommuneOutsideTerritory,
    /// Opening hours that close before they open.
    InvalidOpeningHours,
    /// A language that is not an ISO 639 code.
    InvalidLanguage,
    /// A length outside 5 minutes to 8 hours.
    InvalidDuration,
    /// A slot or session that starts in the past.
    StartsInPast,
    /// The staff member already holds a slot at that time.
    StaffAlreadyBooked,
    /// The slot holds another appointment.
    SlotTaken,
    /// The slot has already started.
    SlotStarted,
    /// The case is closed or its pathway is over.
    CaseNotOpen,
    /// Only a booked appointment can be moved, cancelled or given an outcome.
    NotBooked,
    /// A slot of another kind.
    KindMismatch,
    /// An outcome before the appointment started.
    NotYetHeld,
    /// The step details do not match the appointment's kind.
    DetailsMismatch,
    /// A capacity outside 1 to 200.
    InvalidCapacity,
    /// Every place is taken.
    SessionFull,
    /// The case is already enrolled.
    AlreadyEnrolled,
    /// The case is not enrolled in the session.
    NotEnrolled,
    /// The session has already started.
    SessionStarted,
    /// Not a possible change of an interpreting request (requested → confirmed → done, or cancelled).
    IllegalInterpretingChange,
    /// The case's attendance at the session is already recorded.
    AttendanceAlreadyRecorded,
}

impl WelcomeOfficeError {
    /// Stable code (the problem's `code`).
    pub fn code(self) -> &'static str {
        use WelcomeOfficeError::*;
        match self {
            CommuneOutsideTerritory => "commune_outside_territory",
            InvalidOpeningHours => "invalid_opening_hours",
            InvalidLanguage => "invalid_language",
            InvalidDuration => "invalid_duration",
            StartsInPast => "starts_in_past",
            StaffAlreadyBooked => "staff_already_booked",
            SlotTaken => "slot_taken",
            SlotStarted => "slot_started",
            CaseNotOpen => "case_not_open",
            NotBooked => "appointment_not_booked",
            KindMismatch => "kind_mismatch",
            NotYetHeld => "not_yet_held",
            DetailsMismatch => "details_mismatch",
            InvalidCapacity => "invalid_capacity",
            SessionFull => "session_full",
            AlreadyEnrolled => "already_enrolled",
            NotEnrolled => "not_enrolled",
            SessionStarted => "session_started",
            IllegalInterpretingChange => "illegal_interpreting_change",
            AttendanceAlreadyRecorded => "attendance_already_recorded",
        }
    }

    /// A conflict with the state of things (409) rather than bad input (422).
    pub fn is_conflict(self) -> bool {
        use WelcomeOfficeError::*;
        matches!(
            self,
            StaffAlreadyBooked
                | SlotTaken
                | SlotStarted
                | CaseNotOpen
                | NotBooked
                | NotYetHeld
                | SessionFull
                | AlreadyEnrolled
                | NotEnrolled
                | SessionStarted
                | IllegalInterpretingChange
                | AttendanceAlreadyRecorded
        )
    }

    /// The field a 422 is about.
    pub fn field(self) -> &'static str {
        use WelcomeOfficeError::*;
        match self {
            CommuneOutsideTerritory => "communes",
            InvalidOpeningHours => "opening_hours",
            InvalidLanguage => "language",
            InvalidDuration => "minutes",
            StartsInPast => "starts_at",
            KindMismatch => "slot_id",
            DetailsMismatch => "outcome",
            InvalidCapacity => "capacity",
            _ => "",
        }
    }

    /// What the caller reads, French first.
    pub fn message(self) -> Bilingual {
        use WelcomeOfficeError::*;
        let (fr, en) = match self {
            CommuneOutsideTerritory => (
                "Un bureau ne dessert que des communes du territoire de son CRI.",
                "An office serves only communes of its CRI's territory.",
            ),
            InvalidOpeningHours => (
                "Chaque plage d'ouverture doit fermer après avoir ouvert.",
                "Each opening period must close after it opens.",
            ),
            InvalidLanguage => (
                "Langue attendue en code ISO 639 (ar, fa, uk...).",
                "Language expected as an ISO 639 code (ar, fa, uk...).",
            ),
            InvalidDuration => ("Durée de 5 à 480 minutes.", "Length of 5 to 480 minutes."),
            StartsInPast => ("Le début doit être dans le futur.", "The start must be in the future."),
            StaffAlreadyBooked => (
                "Ce membre du personnel a déjà une plage à ce moment.",
                "This staff member already holds a slot at that time.",
            ),
            SlotTaken => ("Cette plage est déjà réservée.", "This slot is already booked."),
            SlotStarted => ("Cette plage a déjà commencé.", "This slot has already started."),
            CaseNotOpen => ("Le dossier n'est plus ouvert.", "The case is no longer open."),
            NotBooked => (
                "Seul un rendez-vous réservé peut être déplacé, annulé ou clôturé.",
                "Only a booked appointment can be moved, cancelled or given an outcome.",
            ),
            KindMismatch => (
                "Un rendez-vous se déplace vers une plage du même type.",
                "An appointment moves to a slot of the same kind.",
            ),
            NotYetHeld => ("Le rendez-vous n'a pas encore commencé.", "The appointment has not started yet."),
            DetailsMismatch => (
                "Les détails de l'étape ne correspondent pas au type de rendez-vous (bilan social : needs ; test : tool et level).",
                "The step details do not match the appointment's kind (social assessment: needs; test: tool and level).",
            ),
            InvalidCapacity => ("Capacité de 1 à 200 places.", "Capacity of 1 to 200 places."),
            SessionFull => ("La séance est complète.", "The session is full."),
            AlreadyEnrolled => {
                ("Ce dossier est déjà inscrit à la séance.", "This case is already enrolled in the session.")
            }
            NotEnrolled => ("Ce dossier n'est pas inscrit à la séance.", "This case is not enrolled in the session."),
            SessionStarted => ("La séance a déjà commencé.", "The session has already started."),
            IllegalInterpretingChange => (
                "Une demande d'interprétariat passe de demandée à confirmée puis réalisée, ou est annulée.",
                "An interpreting request goes from requested to confirmed to done, or is cancelled.",
            ),
            AttendanceAlreadyRecorded => (
                "La présence de ce dossier à la séance est déjà enregistrée.",
                "This case's attendance at the session is already recorded.",
            ),
        };
        Bilingual { fr, en }
    }
}

fn check_minutes(minutes: u32) -> Result<(), WelcomeOfficeError> {
    if (5..=480).contains(&minutes) { Ok(()) } else { Err(WelcomeOfficeError::InvalidDuration) }
}

/// Whether a language code has the form of ISO 639-1 or 639-3 (two or three lowercase letters).
pub fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Checks an office before it is stored: it serves only communes its CRI is competent for on `today`,
/// its hours close after they open, its languages are codes.
pub fn check_office(
    office: &Office,
    cri: CriCode,
    reference: &ReferenceData,
    today: NaiveDate,
) -> Result<(), WelcomeOfficeError> {
    for nis in &office.communes {
        let competent = reference.commune(*nis).and_then(|c| c.cri_on(today)).map(|a| a.cri);
        if competent != Some(cri) {
            return Err(WelcomeOfficeError::CommuneOutsideTerritory);
        }
    }
    if office.opening_hours.iter().any(|h| h.closes <= h.opens) {
        return Err(WelcomeOfficeError::InvalidOpeningHours);
    }
    if !office.languages.iter().all(|l| is_language_code(l)) {
        return Err(WelcomeOfficeError::InvalidLanguage);
    }
    Ok(())
}

/// Checks a new slot against the slots its staff member already holds: no two at the same moment.
pub fn check_new_slot(slot: &Slot, staff_slots: &[Slot], now: DateTime<Utc>) -> Result<(), WelcomeOfficeError> {
    check_minutes(slot.minutes)?;
    if slot.starts_at <= now {
        return Err(WelcomeOfficeError::StartsInPast);
    }
    if staff_slots.iter().any(|other| other.staff == slot.staff && other.overlaps(slot)) {
        return Err(WelcomeOfficeError::StaffAlreadyBooked);
    }
    Ok(())
}

/// Checks a booking of `slot` for a case in `case_state`: the slot is free and still ahead, the case open.
pub fn check_booking(
    slot: &Slot,
    slot_taken: bool,
    case_state: CaseState,
    now: DateTime<Utc>,
) -> Result<(), WelcomeOfficeError> {
    if !case_state.is_open() || case_state == CaseState::RequirementsMet {
        return Err(WelcomeOfficeError::CaseNotOpen);
    }
    if slot.starts_at <= now {
        return Err(WelcomeOfficeError::SlotStarted);
    }
    if slot_taken {
        return Err(WelcomeOfficeError::SlotTaken);
    }
    Ok(())
}

/// Checks moving a booked appointment from `current` to `target`: same kind, target free and ahead.
pub fn check_rescheduling(
    status: AppointmentStatus,
    current: &Slot,
    target: &Slot,
    target_taken: bool,
    now: DateTime<Utc>,
) -> Result<(), WelcomeOfficeError> {
    if status != AppointmentStatus::Booked {
        return Err(WelcomeOfficeError::NotBooked);
    }
    if target.kind != current.kind {
        return Err(WelcomeOfficeError::KindMismatch);
    }
    if target.starts_at <= now {
        return Err(WelcomeOfficeError::SlotStarted);
    }
    if target_taken {
        return Err(WelcomeOfficeError::SlotTaken);
    }
    Ok(())
}

/// Checks a cancellation: only a booked appointment; it frees its slot.
pub fn check_cancellation(status: AppointmentStatus) -> Result<(), WelcomeOfficeError> {
    if status == AppointmentStatus::Booked { Ok(()) } else { Err(WelcomeOfficeError::NotBooked) }
}

/// What the CRI records of an attended appointment, beyond the fact itself.
#[derive(Debug, Clone, PartialEq)]
pub enum StepDetails {
    /// Nothing more (individual information, evaluation interview).
    None,
    /// The social assessment's findings.
    SocialAssessment(SocialAssessment),
    /// The placement test's result.
    FrenchTest(FrenchTest),
}

/// What happened at an appointment.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The person came.
    Attended(StepDetails),
    /// The person did not come.
    NoShow,
}

/// The case commands an appointment's outcome records, in order. An attended appointment is a
/// presentation when the case awaits one (rule 4.2: the person came to the office), then the step of its
/// kind, then the interpreter who assisted. A no-show is only counted: it is not a presentation, so the
/// presentation deadline keeps running.
pub fn outcome_commands(
    status: AppointmentStatus,
    slot: &Slot,
    case: &Case,
    outcome: Outcome,
    interpreter: Option<&BookedInterpreter>,
    now: DateTime<Utc>,
) -> Result<(AppointmentStatus, Vec<CaseCommand>), WelcomeOfficeError> {
    if status != AppointmentStatus::Booked {
        return Err(WelcomeOfficeError::NotBooked);
    }
    if now < slot.starts_at {
        return Err(WelcomeOfficeError::NotYetHeld);
    }
    let date = slot.date();
    let details = match outcome {
        Outcome::NoShow => {
            let command = CaseCommand::RecordNoShow { date, occasion: slot.kind.code().to_owned() };
            return Ok((AppointmentStatus::NoShow, vec![command]));
        }
        Outcome::Attended(details) => details,
    };
    let mut commands = Vec::new();
    if case.state == CaseState::Opened {
        commands.push(CaseCommand::RecordPresentation { date, force_majeure: None });
    }
    let step = match (slot.kind, details) {
        (AppointmentKind::SocialAssessment, StepDetails::SocialAssessment(found)) => {
            CaseCommand::RecordSocialAssessment(SocialAssessment { date, ..found })
        }
        (AppointmentKind::FrenchTest, StepDetails::FrenchTest(result)) => {
            CaseCommand::RecordFrenchTest(FrenchTest { date, ..result })
        }
        (AppointmentKind::IndividualInformation, StepDetails::None) => {
            CaseCommand::RecordRightsInformation(RightsInformation {
                date,
                format: SessionFormat::Individual,
                interpreter_language: interpreter.map(|i| i.language.clone()),
            })
        }
        (AppointmentKind::FollowUpReview, StepDetails::None) => CaseCommand::RecordReview(Review { date }),
        _ => return Err(WelcomeOfficeError::DetailsMismatch),
    };
    commands.push(step);
    if let Some(interpreter) = interpreter {
        commands.push(CaseCommand::RecordInterpreterUse(InterpreterUse {
            date,
            language: interpreter.language.clone(),
            mode: interpreter.mode,
            occasion: slot.kind.code().to_owned(),
        }));
    }
    Ok((AppointmentStatus::Attended, commands))
}

/// Checks a new collective session.
pub fn check_new_session(session: &CollectiveSession, now: DateTime<Utc>) -> Result<(), WelcomeOfficeError> {
    check_minutes(session.minutes)?;
    if !(1..=200).contains(&session.capacity) {
        return Err(WelcomeOfficeError::InvalidCapacity);
    }
    if !is_language_code(&session.language) {
        return Err(WelcomeOfficeError::InvalidLanguage);
    }
    if session.starts_at <= now {
        return Err(WelcomeOfficeError::StartsInPast);
    }
    Ok(())
}

/// Checks enrolling a case in a session that has `enrolled` cases already.
pub fn check_enrolment(
    session: &CollectiveSession,
    enrolled: u32,
    already_enrolled: bool,
    case_state: CaseState,
    now: DateTime<Utc>,
) -> Result<(), WelcomeOfficeError> {
    if !case_state.is_open() || case_state == CaseState::RequirementsMet {
        return Err(WelcomeOfficeError::CaseNotOpen);
    }
    if session.starts_at <= now {
        return Err(WelcomeOfficeError::SessionStarted);
    }
    if already_enrolled {
        return Err(WelcomeOfficeError::AlreadyEnrolled);
    }
    if enrolled >= session.capacity {
        return Err(WelcomeOfficeError::SessionFull);
    }
    Ok(())
}

/// The case commands of one enrolled person's attendance at a session: the presentation when the case
/// awaits one, the information on rights and duties (collective), and the interpreter if one assisted.
/// Someone who did not come gets nothing on the case (their enrolment says absent).
pub fn session_attendance_commands(
    session: &CollectiveSession,
    case: &Case,
    interpreter: Option<&BookedInterpreter>,
    now: DateTime<Utc>,
) -> Result<Vec<CaseCommand>, WelcomeOfficeError> {
    check_session_held(session, now)?;
    let date = session.date();
    let mut commands = Vec::new();
    if case.state == CaseState::Opened {
        commands.push(CaseCommand::RecordPresentation { date, force_majeure: None });
    }
    commands.push(CaseCommand::RecordRightsInformation(RightsInformation {
        date,
        format: SessionFormat::Collective,
        interpreter_language: interpreter.map(|i| i.language.clone()),
    }));
    if let Some(interpreter) = interpreter {
        commands.push(CaseCommand::RecordInterpreterUse(InterpreterUse {
            date,
            language: interpreter.language.clone(),
            mode: interpreter.mode,
            occasion: "collective_session".to_owned(),
        }));
    }
    Ok(commands)
}

/// Checks a new interpreting request: for an appointment still booked (`appointment_status`), or a session
/// (`None`) that has not started.
pub fn check_interpreting_request(
    appointment_status: Option<AppointmentStatus>,
    occasion_starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), WelcomeOfficeError> {
    match appointment_status {
        Some(AppointmentStatus::Booked) => Ok(()),
        Some(_) => Err(WelcomeOfficeError::NotBooked),
        None if occasion_starts_at <= now => Err(WelcomeOfficeError::SessionStarted),
        None => Ok(()),
    }
}

/// Checks that a session's attendance can be recorded: it has started.
pub fn check_session_held(session: &CollectiveSession, now: DateTime<Utc>) -> Result<(), WelcomeOfficeError> {
    if now < session.starts_at { Err(WelcomeOfficeError::NotYetHeld) } else { Ok(()) }
}

/// Checks a change of an interpreting request: requested → confirmed → done, and cancelled from either
/// open status. Done only once the appointment or session has started.
pub fn check_interpreting_change(
    from: InterpretingStatus,
    to: InterpretingStatus,
    occasion_starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), WelcomeOfficeError> {
    use InterpretingStatus::*;
    let allowed = matches!((from, to), (Requested, Confirmed) | (Confirmed, Done) | (Requested | Confirmed, Cancelled));
    if !allowed {
        return Err(WelcomeOfficeError::IllegalInterpretingChange);
    }
    if to == Done && now < occasion_starts_at {
        return Err(WelcomeOfficeError::NotYetHeld);
    }
    Ok(())
}

/// What happened to an appointment, as its step on the case's timeline and feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentChange {
    /// Booked.
    Booked,
    /// Moved to another slot.
    Moved,
    /// Cancelled.
    Cancelled,
    /// The person came.
    Attended,
    /// Tomorrow: the reminder is to be sent.
    ReminderDue,
}

/// The step an appointment change records (a no-show's step comes from the case: it counts it).
pub fn appointment_event(change: AppointmentChange, slot: &Slot, appointment_id: &str) -> CaseEvent {
    let kind = match change {
        AppointmentChange::Booked => EventKind::AppointmentBooked,
        AppointmentChange::Moved => EventKind::AppointmentMoved,
        AppointmentChange::Cancelled => EventKind::AppointmentCancelled,
        AppointmentChange::Attended => EventKind::AppointmentAttended,
        AppointmentChange::ReminderDue => EventKind::AppointmentReminderDue,
    };
    let description = kind.description();
    CaseEvent {
        kind,
        reason: description,
        basis: kind.basis(),
        summary: format!(
            "appointment {appointment_id}; {}; starts {}",
            slot.kind.code(),
            slot.starts_at.format("%Y-%m-%dT%H:%M:%SZ")
        ),
        document: None,
    }
}

/// The day an appointment's reminder is due: the day before, in Brussels.
pub fn reminder_day(starts_at: DateTime<Utc>) -> NaiveDate {
    brussels_date(starts_at).pred_opt().unwrap_or_else(|| brussels_date(starts_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegimeId;
    use crate::determination::{Facts, determine};
    use crate::nationality::Nationality;
    use crate::parameters::CefrLevel;
    use crate::regime::regime;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().expect("instant")
    }

    fn slot(kind: AppointmentKind, start: &str, staff: &str) -> Slot {
        Slot { kind, starts_at: at(start), minutes: kind.usual_minutes(), staff: staff.into() }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// An obliged person's case, opened on 2026-12-10 (title ordered that day), present by 2027-03-10.
    fn opened_case() -> Case {
        let facts = Facts {
            birth_date: d(1990, 5, 10),
            nationality: Nationality::parse("MAR").expect("code"),
            residence_document: Some(crate::residence::ResidenceDocument::B),
            title_order_date: Some(d(2026, 12, 10)),
            first_registration_date: Some(d(2026, 12, 1)),
            legal_stay_start: Some(d(2026, 11, 20)),
            domicile: NisCode::parse("62063").expect("code"),
            family_link: None,
            claimed_dispensations: Vec::new(),
            granted_dispensations: Vec::new(),
            prior_attestation: None,
        };
        let determination = determine(&facts, crate::reference::bundled_shared(), d(2026, 12, 10)).expect("determined");
        assert_eq!(determination.status, crate::determination::Status::Obliged);
        Case::open(&determination, CriCode::Cripel, RegimeId::R2024, d(2026, 12, 10)).0
    }

    fn apply_all(case: &mut Case, commands: Vec<CaseCommand>, today: NaiveDate) -> Vec<crate::events::EventKind> {
        let reference = crate::reference::bundled_shared();
        let rules = regime(case.regime, &reference.parameters, case.opened_on);
        let context = crate::case::CaseContext {
            today,
            regime: &rules,
            attendance_threshold_percent: 80,
            operator_minutes: Default::default(),
            french_waiver_level: CefrLevel::A2,
        };
        let mut kinds = Vec::new();
        for command in commands {
            kinds.extend(case.apply(command, &context).expect("legal").into_iter().map(|e| e.kind));
        }
        kinds
    }

    #[test]
    fn an_attended_social_assessment_records_the_presentation_and_the_step_and_the_state_moves() {
        let mut case = opened_case();
        assert_eq!(case.state, CaseState::Opened);
        let assessment = slot(AppointmentKind::SocialAssessment, "2026-12-14T08:30:00Z", "agent-7");
        let found = SocialAssessment {
            date: d(2000, 1, 1),
            needs: vec![crate::case::NeedDomain::Housing],
            sensitive_notes: None,
        };
        let interpreter = BookedInterpreter { language: "ar".into(), mode: InterpretingMode::OnSite };
        let (status, commands) = outcome_commands(
            AppointmentStatus::Booked,
            &assessment,
            &case,
            Outcome::Attended(StepDetails::SocialAssessment(found)),
            Some(&interpreter),
            at("2026-12-14T10:05:00Z"),
        )
        .expect("recorded");
        assert_eq!(status, AppointmentStatus::Attended);
        let kinds = apply_all(&mut case, commands, d(2026, 12, 14));
        use crate::events::EventKind as K;
        assert_eq!(kinds, [K::PresentationRecorded, K::SocialAssessmentDone, K::InterpreterUsed]);
        assert_eq!(case.state, CaseState::WelcomeInProgress);
        assert_eq!(case.presentation.as_ref().map(|p| p.date), Some(d(2026, 12, 14)));
        // The step bears the appointment's date, whatever the details said.
        assert_eq!(case.social_assessment.as_ref().map(|s| s.date), Some(d(2026, 12, 14)));
        assert_eq!(case.interpreter_uses.len(), 1);
    }

    #[test]
    fn a_no_show_leaves_the_presentation_deadline_running_and_is_counted() {
        let mut case = opened_case();
        let present_by = case.deadlines.present_by;
        assert!(present_by.is_some());
        let information = slot(AppointmentKind::IndividualInformation, "2026-12-14T08:30:00Z", "agent-7");
        let (status, commands) = outcome_commands(
            AppointmentStatus::Booked,
            &information,
            &case,
            Outcome::NoShow,
            None,
            at("2026-12-14T09:30:00Z"),
        )
        .expect("recorded");
        assert_eq!(status, AppointmentStatus::NoShow);
        let kinds = apply_all(&mut case, commands, d(2026, 12, 14));
        assert_eq!(kinds, [crate::events::EventKind::AppointmentNoShow]);
        assert_eq!(case.state, CaseState::Opened, "a no-show is not a presentation");
        assert_eq!(case.presentation, None);
        assert_eq!(case.deadlines.present_by, present_by);
        assert_eq!(case.no_shows, 1);
        // Past the deadline the case is overdue all the same.
        assert!(case.presentation_overdue(d(2027, 3, 2)));
    }

    #[test]
    fn a_cancelled_appointment_frees_its_slot_and_two_bookings_on_one_slot_are_refused() {
        let free = slot(AppointmentKind::FrenchTest, "2026-12-14T08:30:00Z", "agent-7");
        let now = at("2026-12-10T09:00:00Z");
        assert_eq!(check_booking(&free, false, CaseState::Opened, now), Ok(()));
        // The first booking holds the slot: a second one is refused.
        let taken = AppointmentStatus::Booked.holds_slot();
        assert_eq!(check_booking(&free, taken, CaseState::Opened, now), Err(WelcomeOfficeError::SlotTaken));
        assert!(WelcomeOfficeError::SlotTaken.is_conflict());
        // Cancelled, it no longer holds it: the slot can be booked again.
        assert_eq!(check_cancellation(AppointmentStatus::Booked), Ok(()));
        let taken = AppointmentStatus::Cancelled.holds_slot();
        assert_eq!(check_booking(&free, taken, CaseState::Opened, now), Ok(()));
        // Attended or missed appointments keep theirs, and cannot be cancelled.
        assert!(AppointmentStatus::NoShow.holds_slot());
        assert_eq!(check_cancellation(AppointmentStatus::Attended), Err(WelcomeOfficeError::NotBooked));
    }

    #[test]
    fn a_staff_member_cannot_hold_two_slots_at_once() {
        let now = at("2026-12-10T09:00:00Z");
        let first = slot(AppointmentKind::SocialAssessment, "2026-12-14T08:30:00Z", "agent-7");
        let overlapping = slot(AppointmentKind::FrenchTest, "2026-12-14T09:30:00Z", "agent-7");
        let after = slot(AppointmentKind::FrenchTest, "2026-12-14T10:00:00Z", "agent-7");
        let colleague = slot(AppointmentKind::FrenchTest, "2026-12-14T09:30:00Z", "agent-8");
        let held = [first];
        assert_eq!(check_new_slot(&overlapping, &held, now), Err(WelcomeOfficeError::StaffAlreadyBooked));
        assert_eq!(check_new_slot(&after, &held, now), Ok(()));
        assert_eq!(check_new_slot(&colleague, &held, now), Ok(()));
        let past = slot(AppointmentKind::FrenchTest, "2026-12-09T09:30:00Z", "agent-9");
        assert_eq!(check_new_slot(&past, &[], now), Err(WelcomeOfficeError::StartsInPast));
    }

    #[test]
    fn a_session_over_capacity_is_refused() {
        let session = CollectiveSession {
            starts_at: at("2026-12-16T13:00:00Z"),
            minutes: 120,
            language: "fr".into(),
            capacity: 2,
        };
        let now = at("2026-12-10T09:00:00Z");
        assert_eq!(check_new_session(&session, now), Ok(()));
        assert_eq!(check_enrolment(&session, 1, false, CaseState::Opened, now), Ok(()));
        assert_eq!(check_enrolment(&session, 2, false, CaseState::Opened, now), Err(WelcomeOfficeError::SessionFull));
        assert_eq!(
            check_enrolment(&session, 1, true, CaseState::Opened, now),
            Err(WelcomeOfficeError::AlreadyEnrolled)
        );
        assert_eq!(check_enrolment(&session, 0, false, CaseState::Closed, now), Err(WelcomeOfficeError::CaseNotOpen));
    }

    #[test]
    fn session_attendance_gives_collective_information_with_its_interpreter() {
        let mut case = opened_case();
        let session = CollectiveSession {
            starts_at: at("2026-12-16T13:00:00Z"),
            minutes: 120,
            language: "fr".into(),
            capacity: 12,
        };
        let interpreter = BookedInterpreter { language: "uk".into(), mode: InterpretingMode::Video };
        assert_eq!(
            session_attendance_commands(&session, &case, None, at("2026-12-16T12:00:00Z")),
            Err(WelcomeOfficeError::NotYetHeld)
        );
        let commands =
            session_attendance_commands(&session, &case, Some(&interpreter), at("2026-12-16T15:00:00Z")).expect("held");
        apply_all(&mut case, commands, d(2026, 12, 16));
        let info = case.rights_information.clone().expect("information");
        assert_eq!(info.format, SessionFormat::Collective);
        assert_eq!(info.interpreter_language.as_deref(), Some("uk"));
        assert_eq!(case.interpreter_uses[0].occasion, "collective_session");
    }

    #[test]
    fn the_details_must_match_the_kind_and_an_outcome_waits_for_the_appointment() {
        let case = opened_case();
        let test = slot(AppointmentKind::FrenchTest, "2026-12-14T08:30:00Z", "agent-7");
        let early = outcome_commands(
            AppointmentStatus::Booked,
            &test,
            &case,
            Outcome::NoShow,
            None,
            at("2026-12-14T08:00:00Z"),
        );
        assert_eq!(early, Err(WelcomeOfficeError::NotYetHeld));
        let mismatch = outcome_commands(
            AppointmentStatus::Booked,
            &test,
            &case,
            Outcome::Attended(StepDetails::None),
            None,
            at("2026-12-14T10:00:00Z"),
        );
        assert_eq!(mismatch, Err(WelcomeOfficeError::DetailsMismatch));
        let twice = outcome_commands(
            AppointmentStatus::NoShow,
            &test,
            &case,
            Outcome::NoShow,
            None,
            at("2026-12-14T10:00:00Z"),
        );
        assert_eq!(twice, Err(WelcomeOfficeError::NotBooked));
    }

    #[test]
    fn an_interpreter_is_asked_for_a_booked_appointment_or_a_session_not_yet_started() {
        let (start, before, after) =
            (at("2026-12-14T08:30:00Z"), at("2026-12-13T08:30:00Z"), at("2026-12-14T10:00:00Z"));
        assert_eq!(check_interpreting_request(Some(AppointmentStatus::Booked), start, before), Ok(()));
        assert_eq!(
            check_interpreting_request(Some(AppointmentStatus::Cancelled), start, before),
            Err(WelcomeOfficeError::NotBooked)
        );
        assert_eq!(check_interpreting_request(None, start, before), Ok(()));
        assert_eq!(check_interpreting_request(None, start, after), Err(WelcomeOfficeError::SessionStarted));
    }

    #[test]
    fn interpreting_goes_requested_confirmed_done_or_cancelled() {
        use InterpretingStatus::*;
        let (start, before, after) =
            (at("2026-12-14T08:30:00Z"), at("2026-12-13T08:30:00Z"), at("2026-12-14T10:00:00Z"));
        assert_eq!(check_interpreting_change(Requested, Confirmed, start, before), Ok(()));
        assert_eq!(check_interpreting_change(Confirmed, Done, start, after), Ok(()));
        assert_eq!(check_interpreting_change(Confirmed, Done, start, before), Err(WelcomeOfficeError::NotYetHeld));
        assert_eq!(check_interpreting_change(Requested, Cancelled, start, before), Ok(()));
        assert_eq!(
            check_interpreting_change(Requested, Done, start, after),
            Err(WelcomeOfficeError::IllegalInterpretingChange)
        );
        assert_eq!(
            check_interpreting_change(Done, Cancelled, start, after),
            Err(WelcomeOfficeError::IllegalInterpretingChange)
        );
    }

    #[test]
    fn an_office_serves_only_its_cris_communes() {
        let reference = crate::reference::bundled_shared();
        let office = |nis: &str| Office {
            name: "Bureau d'accueil de Liège".into(),
            street: "Place Xavier Neujean 19b".into(),
            postal_code: "4000".into(),
            locality: "Liège".into(),
            opening_hours: vec![OpeningHours {
                weekday: Weekday::Mon,
                opens: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
                closes: NaiveTime::from_hms_opt(16, 0, 0).expect("time"),
            }],
            communes: vec![NisCode::parse(nis).expect("nis")],
            languages: vec!["ar".into()],
        };
        let cripel = CriCode::parse("CRIPEL").expect("cri");
        assert_eq!(check_office(&office("62063"), cripel, reference, d(2026, 12, 1)), Ok(()));
        assert_eq!(
            check_office(&office("92094"), cripel, reference, d(2026, 12, 1)),
            Err(WelcomeOfficeError::CommuneOutsideTerritory)
        );
    }

    #[test]
    fn the_reminder_is_due_the_day_before_in_brussels() {
        // 00:30 in Brussels on 15 December is still the 14th in UTC.
        assert_eq!(reminder_day(at("2026-12-14T23:30:00Z")), d(2026, 12, 14));
        assert_eq!(reminder_day(at("2026-12-14T22:30:00Z")), d(2026, 12, 13));
    }
}
