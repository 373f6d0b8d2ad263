//! Training operators and their attendance reports (rules.md rule 3.4): the enterprise number that
//! identifies an operator, and what a valid attendance line is.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::law::Bilingual;

/// A Belgian enterprise number (BCE/KBO): ten digits, the last two a mod-97 check of the first eight.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnterpriseNumber(u64);

/// Why a string is not an enterprise number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnterpriseNumberError {
    /// Not ten digits (after removing `BE`, dots, spaces), or not starting with 0 or 1.
    Format,
    /// The check digits do not match.
    CheckDigit,
}

impl fmt::Display for EnterpriseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EnterpriseNumberError::Format => "an enterprise number has ten digits starting with 0 or 1 (0123.456.749)",
            EnterpriseNumberError::CheckDigit => "the enterprise number's check digits do not match",
        })
    }
}

impl std::error::Error for EnterpriseNumberError {}

impl EnterpriseNumber {
    /// Parses `0123.456.749`, `0123456749` or `BE0123456749`.
    pub fn parse(input: &str) -> Result<EnterpriseNumber, EnterpriseNumberError> {
        let trimmed = input.trim();
        let without_country = trimmed.strip_prefix("BE").or_else(|| trimmed.strip_prefix("be")).unwrap_or(trimmed);
        let mut digits = String::with_capacity(10);
        for c in without_country.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '.' | ' ' | '-' => {}
                _ => return Err(EnterpriseNumberError::Format),
            }
        }
        if digits.len() != 10 || !(digits.starts_with('0') || digits.starts_with('1')) {
            return Err(EnterpriseNumberError::Format);
        }
        let value: u64 = digits.parse().map_err(|_| EnterpriseNumberError::Format)?;
        let (base, check) = (value / 100, value % 100);
        if 97 - (base % 97) != check {
            return Err(EnterpriseNumberError::CheckDigit);
        }
        Ok(EnterpriseNumber(value))
    }

    /// The printed form `0123.456.749`.
    pub fn formatted(&self) -> String {
        let s = format!("{:010}", self.0);
        format!("{}.{}.{}", &s[0..4], &s[4..7], &s[7..10])
    }
}

impl fmt::Debug for EnterpriseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EnterpriseNumber({})", self.formatted())
    }
}

impl fmt::Display for EnterpriseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

/// Attendance of one person at one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    /// Attended (for the hours given).
    Present,
    /// Did not attend.
    Absent,
    /// Did not attend, with a valid excuse.
    Excused,
}

impl AttendanceStatus {
    /// Every status.
    pub const ALL: [AttendanceStatus; 3] =
        [AttendanceStatus::Present, AttendanceStatus::Absent, AttendanceStatus::Excused];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Excused => "excused",
        }
    }

    /// Parses a stable code (case-insensitive).
    pub fn parse(input: &str) -> Option<AttendanceStatus> {
        [AttendanceStatus::Present, AttendanceStatus::Absent, AttendanceStatus::Excused]
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(input.trim()))
    }
}

/// Why an attendance line is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceError {
    /// The session is not one of the course's.
    UnknownSession,
    /// The person is not enrolled in the course (or no longer).
    NotEnrolled,
    /// The same person and session appear twice in one batch.
    DuplicateLine,
    /// Present with no hours, or hours that are not a whole number of minutes.
    PresentWithoutHours,
    /// More hours than the session lasts.
    HoursBeyondSession {
        /// Minutes of the session.
        session_minutes: u32,
    },
    /// Absent or excused with hours.
    HoursWhenAbsent,
}

impl AttendanceError {
    /// Stable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            AttendanceError::UnknownSession => "unknown_session",
            AttendanceError::NotEnrolled => "not_enrolled",
            AttendanceError::DuplicateLine => "duplicate_line",
            AttendanceError::PresentWithoutHours => "present_without_hours",
            AttendanceError::HoursBeyondSession { .. } => "hours_beyond_session",
            AttendanceError::HoursWhenAbsent => "hours_when_absent",
        }
    }

    /// The field of the line at fault.
    pub fn field(&self) -> &'static str {
        match self {
            AttendanceError::UnknownSession => "session_id",
            AttendanceError::NotEnrolled | AttendanceError::DuplicateLine => "case_reference",
            AttendanceError::PresentWithoutHours
            | AttendanceError::HoursBeyondSession { .. }
            | AttendanceError::HoursWhenAbsent => "hours",
        }
    }

    /// Why the line is refused, French first.
    pub fn message(&self) -> Bilingual {
        let (fr, en) = match self {
            AttendanceError::UnknownSession => ("Séance inconnue pour ce cours.", "Unknown session for this course."),
            AttendanceError::NotEnrolled => {
                ("Cette personne n'est pas inscrite à ce cours.", "This person is not enrolled in this course.")
            }
            AttendanceError::DuplicateLine => {
                ("Même personne et même séance deux fois dans le lot.", "Same person and session twice in the batch.")
            }
            AttendanceError::PresentWithoutHours => ("Présent sans heures.", "Present without hours."),
            AttendanceError::HoursBeyondSession { .. } => {
                ("Plus d'heures que la séance n'en compte.", "More hours than the session lasts.")
            }
            AttendanceError::HoursWhenAbsent => ("Absent ou excusé avec des heures.", "Absent or excused with hours."),
        };
        Bilingual { fr, en }
    }
}

/// What the course and the batch say about one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineContext {
    /// Length of the line's session in minutes, when the session is one of the course's.
    pub session_minutes: Option<u32>,
    /// Whether the person is enrolled (or waiting) in the course.
    pub enrolled: bool,
    /// Whether this person and session appear for the first time in the batch.
    pub first_in_batch: bool,
}

/// Checks one attendance line (CWASS art. 152/4-152/6; rule 3.4): a session of the course, a person
/// enrolled in it, once per batch, then the hours against the status and the session's length.
pub fn check_attendance_line(
    context: &LineContext,
    status: AttendanceStatus,
    minutes: u32,
) -> Result<(), AttendanceError> {
    let Some(session_minutes) = context.session_minutes else { return Err(AttendanceError::UnknownSession) };
    if !context.enrolled {
        return Err(AttendanceError::NotEnrolled);
    }
    if !context.first_in_batch {
        return Err(AttendanceError::DuplicateLine);
    }
    check_attendance(status, minutes, session_minutes)
}

/// Checks one line: present for at most the session's length; absent or excused for zero hours.
pub fn check_attendance(status: AttendanceStatus, minutes: u32, session_minutes: u32) -> Result<(), AttendanceError> {
    match status {
        AttendanceStatus::Present if minutes == 0 => Err(AttendanceError::PresentWithoutHours),
        AttendanceStatus::Present if minutes > session_minutes => {
            Err(AttendanceError::HoursBeyondSession { session_minutes })
        }
        AttendanceStatus::Absent | AttendanceStatus::Excused if minutes > 0 => Err(AttendanceError::HoursWhenAbsent),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enterprise_number_with_a_valid_check_parses_in_every_printed_form() {
        for input in ["0123.456.749", "0123456749", "BE0123456749", "BE 0123 456 749"] {
            assert_eq!(EnterpriseNumber::parse(input).map(|n| n.to_string()), Ok("0123.456.749".to_owned()), "{input}");
        }
    }

    #[test]
    fn enterprise_number_with_a_wrong_check_or_shape_is_refused() {
        assert_eq!(EnterpriseNumber::parse("0123.456.748"), Err(EnterpriseNumberError::CheckDigit));
        assert_eq!(EnterpriseNumber::parse("2123.456.749"), Err(EnterpriseNumberError::Format));
        assert_eq!(EnterpriseNumber::parse("123.456.749"), Err(EnterpriseNumberError::Format));
        assert_eq!(EnterpriseNumber::parse("0123.456.74x"), Err(EnterpriseNumberError::Format));
    }

    #[test]
    fn attendance_lines_follow_the_session() {
        assert_eq!(check_attendance(AttendanceStatus::Present, 150, 180), Ok(()));
        assert_eq!(
            check_attendance(AttendanceStatus::Present, 181, 180),
            Err(AttendanceError::HoursBeyondSession { session_minutes: 180 })
        );
        assert_eq!(check_attendance(AttendanceStatus::Present, 0, 180), Err(AttendanceError::PresentWithoutHours));
        assert_eq!(check_attendance(AttendanceStatus::Excused, 0, 180), Ok(()));
        assert_eq!(check_attendance(AttendanceStatus::Absent, 30, 180), Err(AttendanceError::HoursWhenAbsent));
        assert_eq!(AttendanceStatus::parse("PRESENT"), Some(AttendanceStatus::Present));
    }
}

/// Where an enrolment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    /// Holds a place in the course.
    Enrolled,
    /// On the waiting list.
    Waiting,
    /// Left the course (or was taken off the waiting list).
    Withdrawn,
    /// Followed the course to its end.
    Completed,
}

impl EnrolmentStatus {
    /// Every status.
    pub const ALL: [EnrolmentStatus; 4] =
        [EnrolmentStatus::Enrolled, EnrolmentStatus::Waiting, EnrolmentStatus::Withdrawn, EnrolmentStatus::Completed];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            EnrolmentStatus::Enrolled => "enrolled",
            EnrolmentStatus::Waiting => "waiting",
            EnrolmentStatus::Withdrawn => "withdrawn",
            EnrolmentStatus::Completed => "completed",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<EnrolmentStatus> {
        EnrolmentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the enrolment is still running (a place or a place in the queue): a second enrolment in the
    /// same course is refused, and withdrawal or completion may end it.
    pub fn is_active(&self) -> bool {
        matches!(self, EnrolmentStatus::Enrolled | EnrolmentStatus::Waiting)
    }

    /// The statuses for which attendance may be reported: the person held a place (rule 3.4).
    pub fn attending() -> [EnrolmentStatus; 2] {
        [EnrolmentStatus::Enrolled, EnrolmentStatus::Completed]
    }

    /// The statuses that are still running.
    pub fn active() -> [EnrolmentStatus; 2] {
        [EnrolmentStatus::Enrolled, EnrolmentStatus::Waiting]
    }
}

/// Where a new enrolment goes: a place while the course has one, otherwise the end of the waiting list
/// (first come, first served; a freed place goes to position 1 and the list closes up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A place in the course.
    Enrolled,
    /// On the waiting list, at this position (1 is next).
    Waiting {
        /// Position.
        position: u32,
    },
}

/// The waiting-list policy for a new enrolment, given the course's capacity and who holds a place or waits.
pub fn placement(capacity: u32, enrolled: u32, waiting: u32) -> Placement {
    if enrolled < capacity { Placement::Enrolled } else { Placement::Waiting { position: waiting + 1 } }
}

#[cfg(test)]
mod placement_tests {
    use super::*;

    #[test]
    fn a_full_course_puts_newcomers_at_the_end_of_the_waiting_list() {
        assert_eq!(placement(2, 1, 0), Placement::Enrolled);
        assert_eq!(placement(2, 2, 0), Placement::Waiting { position: 1 });
        assert_eq!(placement(2, 2, 3), Placement::Waiting { position: 4 });
    }

    #[test]
    fn each_refusal_has_a_code_a_field_and_a_bilingual_reason() {
        let context = LineContext { session_minutes: Some(180), enrolled: true, first_in_batch: true };
        assert_eq!(check_attendance_line(&context, AttendanceStatus::Present, 120), Ok(()));
        let unknown = LineContext { session_minutes: None, ..context };
        let error = check_attendance_line(&unknown, AttendanceStatus::Present, 120).expect_err("unknown session");
        assert_eq!((error.code(), error.field()), ("unknown_session", "session_id"));
        let twice = LineContext { first_in_batch: false, ..context };
        assert_eq!(check_attendance_line(&twice, AttendanceStatus::Present, 60), Err(AttendanceError::DuplicateLine));
        let beyond = check_attendance_line(&context, AttendanceStatus::Present, 240).expect_err("too long");
        assert_eq!(beyond.code(), "hours_beyond_session");
        assert!(beyond.message().fr.contains("séance"));
    }
}

/// Why a course cannot be published for an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseRefusal {
    /// The operator is not recognised for the course's axis.
    AxisNotRecognised,
    /// On the first session's date, the commune is in no CRI territory the operator serves (or is not a
    /// Walloon French-language commune).
    OutsideOperatorTerritory,
}

impl CourseRefusal {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            CourseRefusal::AxisNotRecognised => "axis_not_recognised",
            CourseRefusal::OutsideOperatorTerritory => "outside_operator_territory",
        }
    }

    /// The field at fault.
    pub fn field(self) -> &'static str {
        match self {
            CourseRefusal::AxisNotRecognised => "axis",
            CourseRefusal::OutsideOperatorTerritory => "commune_nis",
        }
    }

    /// Why, French first.
    pub fn message(self) -> Bilingual {
        match self {
            CourseRefusal::AxisNotRecognised => Bilingual {
                fr: "L'opérateur n'est pas reconnu pour cet axe.",
                en: "The operator is not recognised for this axis.",
            },
            CourseRefusal::OutsideOperatorTerritory => Bilingual {
                fr: "La commune n'est pas dans un territoire de CRI desservi par l'opérateur.",
                en: "The commune is not in a CRI territory the operator serves.",
            },
        }
    }
}

/// Whether an operator may publish a course on `axis` in `commune` starting on `first_session`: it must be
/// recognised for the axis, and the commune must fall, on that date, under a CRI whose territory the
/// operator serves. Every refusal is listed.
pub fn course_acceptance(
    operator_axes: &[crate::regime::Axis],
    operator_cris: &[crate::reference::CriCode],
    axis: crate::regime::Axis,
    commune: crate::reference::NisCode,
    first_session: chrono::NaiveDate,
    reference: &crate::reference::ReferenceData,
) -> Vec<CourseRefusal> {
    let mut refusals = Vec::new();
    if !operator_axes.contains(&axis) {
        refusals.push(CourseRefusal::AxisNotRecognised);
    }
    let served = match reference.lookup(commune, first_session) {
        crate::reference::CommuneLookup::Walloon(c) => {
            c.cri_on(first_session).is_some_and(|assignment| operator_cris.contains(&assignment.cri))
        }
        _ => false,
    };
    if !served {
        refusals.push(CourseRefusal::OutsideOperatorTerritory);
    }
    refusals
}
