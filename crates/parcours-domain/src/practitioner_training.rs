//! The training of practitioners (*formation des intervenants*, CWASS art. 153, the CRI missions): the
//! cycles and modules a CRI runs for the sector's workers (welcoming the public, interculturality,
//! foreigners' law, managing diversity, and themes the CRI adds), who takes a place and who waits, who
//! attended, who gets a participation certificate, and the yearly count per theme. Practitioners are
//! professionals, not pathway persons: nothing here touches a case.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::law::{Bilingual, Refusal};

/// The themes every CRI offers; a CRI adds its own codes.
pub const BASE_THEMES: [(&str, Bilingual); 4] = [
    ("welcoming_the_public", Bilingual { fr: "Accueil du public", en: "Welcoming the public" }),
    ("interculturality", Bilingual { fr: "Interculturalité", en: "Interculturality" }),
    ("foreigners_law", Bilingual { fr: "Droit des étrangers", en: "Foreigners' law" }),
    ("managing_diversity", Bilingual { fr: "Gestion de la diversité", en: "Managing diversity" }),
];

/// A cycle (several sessions) or a module (one, often on demand).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingKind {
    /// A training cycle.
    Cycle,
    /// A module.
    Module,
}

/// One day of a training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrainingSession {
    /// The day.
    pub date: NaiveDate,
    /// Its length, in minutes.
    pub minutes: u32,
}

/// A training as the CRI plans it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    /// Cycle or module.
    pub kind: TrainingKind,
    /// Title.
    pub title: String,
    /// Theme code (a base theme or one of the CRI's).
    pub theme: String,
    /// Its days, in order.
    pub sessions: Vec<TrainingSession>,
    /// Where.
    pub place: String,
    /// Places.
    pub capacity: u32,
    /// The trainer.
    pub trainer: String,
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// Has a place.
    Registered,
    /// Waits for a place, in order of registration.
    WaitingList,
    /// Withdrew.
    Withdrawn,
}

impl RegistrationStatus {
    /// Every status.
    pub const ALL: [RegistrationStatus; 3] =
        [RegistrationStatus::Registered, RegistrationStatus::WaitingList, RegistrationStatus::Withdrawn];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::WaitingList => "waiting_list",
            RegistrationStatus::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<RegistrationStatus> {
        RegistrationStatus::ALL.into_iter().find(|status| status.code() == code)
    }
}

/// Why a training, a registration or an attendance is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrainingError {
    /// A theme that is neither a base theme nor one of the CRI's.
    UnknownTheme,
    /// No session, sessions out of order or twice on a day, a session of 0 or more than 600 minutes, or a
    /// module with more than one session.
    InvalidSessions,
    /// A capacity of 0 or above 500.
    InvalidCapacity,
    /// A theme code that is not lowercase letters, digits and `_` (2-40), or already a base theme.
    InvalidThemeCode,
    /// Registration after the training started.
    TrainingStarted,
    /// Already withdrawn.
    AlreadyWithdrawn,
    /// Attendance for a day that is not one of the training's, or that is still to come.
    NotASessionDay,
    /// Attendance of someone who has no place.
    NotRegistered,
    /// A certificate for someone who attended no session.
    NothingAttended,
}

impl Refusal for TrainingError {
    fn details(self) -> (&'static str, &'static str, bool, &'static str, &'static str) {
        use TrainingError::*;
        match self {
            UnknownTheme => (
                "unknown_theme",
                "theme",
                false,
                "Thème inconnu : un thème de base ou un thème ajouté par le CRI.",
                "Unknown theme: a base theme or one the CRI added.",
            ),
            InvalidSessions => (
                "invalid_sessions",
                "sessions",
                false,
                "Au moins une séance, dans l'ordre, une par jour, de 1 à 600 minutes ; un module n'a qu'une séance.",
                "At least one session, in order, one per day, of 1 to 600 minutes; a module has one session.",
            ),
            InvalidCapacity => {
                ("invalid_capacity", "capacity", false, "Capacité de 1 à 500 places.", "Capacity of 1 to 500 places.")
            }
            InvalidThemeCode => (
                "invalid_theme_code",
                "code",
                false,
                "Code de thème : 2 à 40 minuscules, chiffres ou _, autre qu'un thème de base.",
                "Theme code: 2 to 40 lowercase letters, digits or _, other than a base theme.",
            ),
            TrainingStarted => (
                "training_started",
                "training_id",
                true,
                "La formation a commencé : les inscriptions sont closes.",
                "The training has started: registration is closed.",
            ),
            AlreadyWithdrawn => (
                "already_withdrawn",
                "registration",
                true,
                "Inscription déjà retirée.",
                "Registration already withdrawn.",
            ),
            NotASessionDay => (
                "not_a_session_day",
                "date",
                false,
                "Ce jour n'est pas une séance passée de cette formation.",
                "This day is not a past session of this training.",
            ),
            NotRegistered => (
                "not_registered",
                "present",
                false,
                "Seule une personne inscrite (pas en liste d'attente) peut être présente.",
                "Only a registered person (not on the waiting list) can attend.",
            ),
            NothingAttended => (
                "nothing_attended",
                "registration",
                true,
                "Aucune présence : pas d'attestation de participation.",
                "No attendance: no participation certificate.",
            ),
        }
    }
}

/// Checks a code a CRI proposes for a theme of its own.
pub fn check_theme_code(code: &str) -> Result<(), TrainingError> {
    let well_formed = (2..=40).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !well_formed || BASE_THEMES.iter().any(|(base, _)| *base == code) {
        return Err(TrainingError::InvalidThemeCode);
    }
    Ok(())
}

/// Checks a training: its theme among `cri_themes` or the base ones, its sessions and capacity.
pub fn check_training(training: &Training, cri_themes: &[String]) -> Result<(), TrainingError> {
    let known = BASE_THEMES.iter().any(|(code, _)| *code == training.theme) || cri_themes.contains(&training.theme);
    if !known {
        return Err(TrainingError::UnknownTheme);
    }
    let ordered = training.sessions.windows(2).all(|pair| pair[0].date < pair[1].date);
    let lengths = training.sessions.iter().all(|s| (1..=600).contains(&s.minutes));
    let count_fits = match training.kind {
        TrainingKind::Cycle => !training.sessions.is_empty(),
        TrainingKind::Module => training.sessions.len() == 1,
    };
    if !(ordered && lengths && count_fits) {
        return Err(TrainingError::InvalidSessions);
    }
    if !(1..=500).contains(&training.capacity) {
        return Err(TrainingError::InvalidCapacity);
    }
    Ok(())
}

/// The registrations of one training, in the order they came: who has a place, who waits, who moves up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    capacity: u32,
    /// Registration ids and statuses, oldest first.
    entries: Vec<(String, RegistrationStatus)>,
}

impl Roster {
    /// The roster of a training with `capacity` places, from its registrations oldest first.
    pub fn new(capacity: u32, entries: Vec<(String, RegistrationStatus)>) -> Roster {
        Roster { capacity, entries }
    }

    fn registered(&self) -> usize {
        self.entries.iter().filter(|(_, s)| *s == RegistrationStatus::Registered).count()
    }

    /// A new registration on `today`: a place while there is one, else the waiting list. Refused once the
    /// training's first session has come.
    pub fn register(
        &mut self,
        id: String,
        first_session: NaiveDate,
        today: NaiveDate,
    ) -> Result<RegistrationStatus, TrainingError> {
        if today >= first_session {
            return Err(TrainingError::TrainingStarted);
        }
        let status = if self.registered() < self.capacity as usize {
            RegistrationStatus::Registered
        } else {
            RegistrationStatus::WaitingList
        };
        self.entries.push((id, status));
        Ok(status)
    }

    /// A withdrawal: when it frees a place, the oldest registration on the waiting list takes it. Returns
    /// the promoted registration's id.
    pub fn withdraw(&mut self, id: &str) -> Result<Option<String>, TrainingError> {
        let Some(index) = self.entries.iter().position(|(entry, _)| entry == id) else {
            return Err(TrainingError::NotRegistered);
        };
        let before = self.entries[index].1;
        if before == RegistrationStatus::Withdrawn {
            return Err(TrainingError::AlreadyWithdrawn);
        }
        self.entries[index].1 = RegistrationStatus::Withdrawn;
        if before != RegistrationStatus::Registered || self.registered() >= self.capacity as usize {
            return Ok(None);
        }
        let waiting = self.entries.iter_mut().find(|(_, status)| *status == RegistrationStatus::WaitingList);
        Ok(waiting.map(|(promoted, status)| {
            *status = RegistrationStatus::Registered;
            promoted.clone()
        }))
    }

    /// The status of one registration.
    pub fn status(&self, id: &str) -> Option<RegistrationStatus> {
        self.entries.iter().find(|(entry, _)| entry == id).map(|(_, status)| *status)
    }
}

/// Checks an attendance list for one session day: the day is one of the training's and has come; every
/// person present has a place.
pub fn check_attendance(
    training: &Training,
    date: NaiveDate,
    present_statuses: &[RegistrationStatus],
    today: NaiveDate,
) -> Result<(), TrainingError> {
    if date > today || !training.sessions.iter().any(|s| s.date == date) {
        return Err(TrainingError::NotASessionDay);
    }
    if present_statuses.iter().any(|s| *s != RegistrationStatus::Registered) {
        return Err(TrainingError::NotRegistered);
    }
    Ok(())
}

/// What a participation certificate states: the sessions attended and their total length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    /// The days attended, in order.
    pub sessions: Vec<TrainingSession>,
    /// Their total, in minutes.
    pub minutes: u32,
}

/// The participation a certificate states, for someone who attended at least one session.
pub fn participation(training: &Training, attended: &[NaiveDate]) -> Result<Participation, TrainingError> {
    let sessions: Vec<TrainingSession> =
        training.sessions.iter().filter(|s| attended.contains(&s.date)).copied().collect();
    if sessions.is_empty() {
        return Err(TrainingError::NothingAttended);
    }
    let minutes = sessions.iter().map(|s| s.minutes).sum();
    Ok(Participation { sessions, minutes })
}

/// One registration as the yearly count sees it: the theme, a key for the practitioner (their e-mail,
/// normalised), and whether they attended at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedRegistration {
    /// Theme code.
    pub theme: String,
    /// The practitioner's key (lowercased e-mail).
    pub practitioner: String,
    /// Attended at least one session.
    pub attended: bool,
}

/// Practitioners trained per theme: each practitioner counted once per theme, however many trainings of
/// that theme they attended. Counts only: no key leaves this function.
pub fn trained_per_theme(registrations: &[CountedRegistration]) -> BTreeMap<String, usize> {
    let mut seen: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for registration in registrations.iter().filter(|r| r.attended) {
        seen.entry(registration.theme.clone()).or_default().insert(registration.practitioner.as_str());
    }
    seen.into_iter().map(|(theme, practitioners)| (theme, practitioners.len())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn training() -> Training {
        Training {
            kind: TrainingKind::Cycle,
            title: "Accueillir un public migrant".into(),
            theme: "welcoming_the_public".into(),
            sessions: vec![
                TrainingSession { date: d("2027-01-12"), minutes: 360 },
                TrainingSession { date: d("2027-01-19"), minutes: 360 },
            ],
            place: "CRIPEL, Liège".into(),
            capacity: 2,
            trainer: "A. Formatrice".into(),
        }
    }

    #[test]
    fn a_training_over_capacity_puts_the_practitioner_on_the_waiting_list_and_promotes_them_on_withdrawal() {
        let today = d("2026-12-15");
        let first = d("2027-01-12");
        let mut roster = Roster::new(2, vec![]);
        assert_eq!(roster.register("a".into(), first, today), Ok(RegistrationStatus::Registered));
        assert_eq!(roster.register("b".into(), first, today), Ok(RegistrationStatus::Registered));
        assert_eq!(roster.register("c".into(), first, today), Ok(RegistrationStatus::WaitingList));
        assert_eq!(roster.register("d".into(), first, today), Ok(RegistrationStatus::WaitingList));
        // A waiting person withdrawing frees no place; a registered one does, for the oldest waiting.
        assert_eq!(roster.withdraw("d"), Ok(None));
        assert_eq!(roster.withdraw("a"), Ok(Some("c".into())));
        assert_eq!(roster.status("c"), Some(RegistrationStatus::Registered));
        assert_eq!(roster.withdraw("a"), Err(TrainingError::AlreadyWithdrawn));
        assert_eq!(roster.register("e".into(), first, first), Err(TrainingError::TrainingStarted));
    }

    #[test]
    fn a_training_checks_its_theme_sessions_and_capacity() {
        assert_eq!(check_training(&training(), &[]), Ok(()));
        let mut own = training();
        own.theme = "asile_et_protection".into();
        assert_eq!(check_training(&own, &[]), Err(TrainingError::UnknownTheme));
        assert_eq!(check_training(&own, &["asile_et_protection".into()]), Ok(()));
        let mut module = training();
        module.kind = TrainingKind::Module;
        assert_eq!(check_training(&module, &[]), Err(TrainingError::InvalidSessions));
        let mut full = training();
        full.capacity = 0;
        assert_eq!(check_training(&full, &[]), Err(TrainingError::InvalidCapacity));
        assert_eq!(check_theme_code("interculturality"), Err(TrainingError::InvalidThemeCode));
        assert_eq!(check_theme_code("Asile"), Err(TrainingError::InvalidThemeCode));
    }

    #[test]
    fn attendance_is_for_past_session_days_and_registered_people_and_the_certificate_sums_what_was_attended() {
        let t = training();
        let registered = [RegistrationStatus::Registered];
        assert_eq!(check_attendance(&t, d("2027-01-12"), &registered, d("2027-01-12")), Ok(()));
        assert_eq!(
            check_attendance(&t, d("2027-01-19"), &registered, d("2027-01-12")),
            Err(TrainingError::NotASessionDay)
        );
        assert_eq!(
            check_attendance(&t, d("2027-01-13"), &registered, d("2027-02-01")),
            Err(TrainingError::NotASessionDay)
        );
        assert_eq!(
            check_attendance(&t, d("2027-01-12"), &[RegistrationStatus::WaitingList], d("2027-01-12")),
            Err(TrainingError::NotRegistered)
        );
        let part = participation(&t, &[d("2027-01-19")]).expect("one day");
        assert_eq!(part.minutes, 360);
        assert_eq!(participation(&t, &[]), Err(TrainingError::NothingAttended));
    }

    #[test]
    fn each_practitioner_counts_once_per_theme() {
        let r = |theme: &str, who: &str, attended| CountedRegistration {
            theme: theme.into(),
            practitioner: who.into(),
            attended,
        };
        let counts = trained_per_theme(&[
            r("interculturality", "a@x.be", true),
            r("interculturality", "a@x.be", true),
            r("interculturality", "b@x.be", false),
            r("foreigners_law", "a@x.be", true),
        ]);
        assert_eq!(counts.get("interculturality"), Some(&1));
        assert_eq!(counts.get("foreigners_law"), Some(&1));
        assert_eq!(counts.len(), 2);
    }
}
