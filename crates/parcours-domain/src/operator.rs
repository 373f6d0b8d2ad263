//! Training operators and their attendance reports (rules.md rule 3.4): the enterprise number that
//! identifies an operator, and what a valid attendance line is.

use std::fmt;

use serde::{Deserialize, Serialize};

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
