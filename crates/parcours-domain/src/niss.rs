//! The Belgian social-security identification number (NISS/INSZ): a National Register number or a
//! BIS number (rules.md §10, IBZ instruction IT000, AR 8 February 1991).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Sex as carried by the national number (sequence parity), when the register knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd sequence number (001-997).
    Male,
    /// Even sequence number (002-998).
    Female,
}

/// Which register issued the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NissKind {
    /// National Register number.
    NationalRegister,
    /// BIS number (KSZ/BCSS), month + 20 (sex unknown at issuance) or + 40 (sex known).
    Bis {
        /// Whether the sex was known when the number was issued (month + 40).
        sex_known: bool,
    },
}

/// The century the check digit revealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Century {
    /// Born before 2000.
    Nineteen,
    /// Born in 2000 or later (checksum with the `2` prefix).
    Twenty,
}

/// A birth date as the register holds it: month and day may be unknown (`00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartialBirthDate {
    /// Full year (century from the check digit).
    pub year: i32,
    /// 1-12, or `None` when the register does not know it.
    pub month: Option<u32>,
    /// 1-31, or `None` when the register does not know it.
    pub day: Option<u32>,
}

impl PartialBirthDate {
    /// The calendar date, when month and day are both known and form a real date.
    pub fn to_date(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }
}

/// Why a string is not a national number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NissError {
    /// Not eleven digits once the usual separators (`.`, `-`, space) are removed, or other characters.
    Format,
    /// The check digits match neither the pre-2000 nor the post-2000 formula.
    CheckDigit,
    /// Sequence 000 and 999 are never issued.
    Sequence,
    /// The month field is not 0-12, 20-32 or 40-52.
    Month,
}

impl fmt::Display for NissError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NissError::Format => "a national number has 11 digits (YY.MM.DD-SSS.CC)",
            NissError::CheckDigit => "the check digits do not match",
            NissError::Sequence => "sequence numbers 000 and 999 are never issued",
            NissError::Month => "the month field is not valid for a national or BIS number",
        })
    }
}

impl std::error::Error for NissError {}

/// A parsed, checked NISS. Holds only the 11 digits; everything else derives from them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Niss([u8; 11]);

impl fmt::Debug for Niss {
    // A national number is personal data: never print it in debug output or logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Niss(**redacted**)")
    }
}

impl Niss {
    /// Parses a printed (`90.02.01-997.04`) or bare (`90020199704`) national or BIS number.
    pub fn parse(input: &str) -> Result<Niss, NissError> {
        let mut digits = [0u8; 11];
        let mut count = 0usize;
        for c in input.trim().chars() {
            match c {
                '0'..='9' => {
                    if count == 11 {
                        return Err(NissError::Format);
                    }
                    digits[count] = c as u8 - b'0';
                    count += 1;
                }
                '.' | '-' | ' ' => {}
                _ => return Err(NissError::Format),
            }
        }
        if count != 11 {
            return Err(NissError::Format);
        }
        let niss = Niss(digits);
        niss.century().ok_or(NissError::CheckDigit)?;
        if matches!(niss.sequence(), 0 | 999) {
            return Err(NissError::Sequence);
        }
        let month = niss.raw_month();
        if !matches!(month, 0..=12 | 20..=32 | 40..=52) {
            return Err(NissError::Month);
        }
        Ok(niss)
    }

    fn number(&self, range: std::ops::Range<usize>) -> u64 {
        self.0[range].iter().fold(0u64, |acc, d| acc * 10 + u64::from(*d))
    }

    fn raw_month(&self) -> u32 {
        self.number(2..4) as u32
    }

    /// The daily sequence number (001-998).
    pub fn sequence(&self) -> u32 {
        self.number(6..9) as u32
    }

    /// Which century the check digits point to (`None` if neither formula matches).
    pub fn century(&self) -> Option<Century> {
        let base = self.number(0..9);
        let check = self.number(9..11);
        if 97 - (base % 97) == check {
            Some(Century::Nineteen)
        } else if 97 - ((2_000_000_000 + base) % 97) == check {
            Some(Century::Twenty)
        } else {
            None
        }
    }

    /// National Register or BIS number.
    pub fn kind(&self) -> NissKind {
        match self.raw_month() {
            20..=32 => NissKind::Bis { sex_known: false },
            40..=52 => NissKind::Bis { sex_known: true },
            _ => NissKind::NationalRegister,
        }
    }

    /// Sex from sequence parity, when the number carries it (not for BIS numbers issued with sex unknown).
    pub fn sex(&self) -> Option<Sex> {
        if self.kind() == (NissKind::Bis { sex_known: false }) {
            return None;
        }
        Some(if self.sequence() % 2 == 1 { Sex::Male } else { Sex::Female })
    }

    /// The birth date encoded in the number, possibly incomplete (`00` month or day), as the register allows.
    pub fn birth_date(&self) -> PartialBirthDate {
        let yy = self.number(0..2) as i32;
        let year = match self.century() {
            Some(Century::Twenty) => 2000 + yy,
            _ => 1900 + yy,
        };
        let month = match self.raw_month() {
            m @ 40..=52 => m - 40,
            m @ 20..=32 => m - 20,
            m => m,
        };
        let day = self.number(4..6) as u32;
        PartialBirthDate { year, month: (month != 0).then_some(month), day: (day != 0).then_some(day) }
    }

    /// Whether a birth date agrees with the number (rule 10): the year the check digits give, and the
    /// month and day wherever the register knows them (`00` = unknown). A number whose date is not a real
    /// calendar date is not rejected for that, but its year still has to be the person's: the check digit
    /// of `00.02.29-127.84` says 1900, and 29 February 1900 never existed, so it cannot belong to someone
    /// born on 2000-02-29. A number with a fully unknown date (`00.00.01`, or month and day `00`) checks the
    /// year only when the year is not `00` too.
    pub fn agrees_with_birth_date(&self, birth_date: NaiveDate) -> bool {
        let encoded = self.birth_date();
        let yy = self.number(0..2);
        let fully_unknown = yy == 0 && encoded.month.is_none();
        if !fully_unknown && encoded.year != birth_date.year() {
            return false;
        }
        encoded.month.is_none_or(|m| m == birth_date.month()) && encoded.day.is_none_or(|d| d == birth_date.day())
    }

    /// The 11 digits, as stored.
    pub fn digits(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The printed form `YY.MM.DD-SSS.CC`.
    pub fn formatted(&self) -> String {
        let s = self.digits();
        format!("{}.{}.{}-{}.{}", &s[0..2], &s[2..4], &s[4..6], &s[6..9], &s[9..11])
    }
}

impl std::str::FromStr for Niss {
    type Err = NissError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Niss::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_10_worked_example_born_before_2000_is_valid() {
        let n = Niss::parse("90.02.01-997.04").expect("valid");
        assert_eq!(n.century(), Some(Century::Nineteen));
        assert_eq!(n.sex(), Some(Sex::Male));
        assert_eq!(n.kind(), NissKind::NationalRegister);
        assert_eq!(n.birth_date().to_date(), NaiveDate::from_ymd_opt(1990, 2, 1));
        assert_eq!(n.digits(), "90020199704");
        assert_eq!(n.formatted(), "90.02.01-997.04");
    }

    #[test]
    fn rule_10_worked_example_born_after_2000_uses_the_prefix_two() {
        let n = Niss::parse("03012522495").expect("valid");
        assert_eq!(n.century(), Some(Century::Twenty));
        assert_eq!(n.sex(), Some(Sex::Female));
        assert_eq!(n.birth_date().to_date(), NaiveDate::from_ymd_opt(2003, 1, 25));
    }

    #[test]
    fn wrong_check_digit_is_rejected() {
        assert_eq!(Niss::parse("90.02.01-997.05"), Err(NissError::CheckDigit));
    }

    #[test]
    fn wrong_length_or_letters_are_rejected() {
        assert_eq!(Niss::parse("9002019970"), Err(NissError::Format));
        assert_eq!(Niss::parse("900201997041"), Err(NissError::Format));
        assert_eq!(Niss::parse("90O20199704"), Err(NissError::Format));
        assert_eq!(Niss::parse(""), Err(NissError::Format));
    }

    fn with_check(base9: &str, after_2000: bool) -> String {
        let base: u64 = base9.parse().expect("digits");
        let check = if after_2000 { 97 - ((2_000_000_000 + base) % 97) } else { 97 - (base % 97) };
        format!("{base9}{check:02}")
    }

    #[test]
    fn bis_number_with_sex_known_has_month_plus_forty() {
        let n = Niss::parse(&with_check("854215002", false)).expect("valid BIS");
        assert_eq!(n.kind(), NissKind::Bis { sex_known: true });
        assert_eq!(n.sex(), Some(Sex::Female));
        assert_eq!(n.birth_date().to_date(), NaiveDate::from_ymd_opt(1985, 2, 15));
    }

    #[test]
    fn bis_number_with_sex_unknown_has_month_plus_twenty_and_no_sex() {
        let n = Niss::parse(&with_check("852215001", false)).expect("valid BIS");
        assert_eq!(n.kind(), NissKind::Bis { sex_known: false });
        assert_eq!(n.sex(), None);
        assert_eq!(n.birth_date().month, Some(2));
    }

    #[test]
    fn incomplete_birth_date_is_accepted_as_the_register_allows() {
        let n = Niss::parse(&with_check("400000955", false)).expect("valid");
        let b = n.birth_date();
        assert_eq!((b.year, b.month, b.day), (1940, None, None));
        assert_eq!(b.to_date(), None);
    }

    #[test]
    fn sequence_zero_and_nine_hundred_ninety_nine_are_never_issued() {
        assert_eq!(Niss::parse(&with_check("900201000", false)), Err(NissError::Sequence));
        assert_eq!(Niss::parse(&with_check("900201999", false)), Err(NissError::Sequence));
    }

    #[test]
    fn month_outside_register_ranges_is_rejected() {
        assert_eq!(Niss::parse(&with_check("901501001", false)), Err(NissError::Month));
    }

    #[test]
    fn rule_10_the_birth_date_must_agree_with_a_partial_or_impossible_date_in_the_number() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        // 40.00.00-955.79: born in 1940, month and day unknown.
        let partial = Niss::parse("40.00.00-955.79").expect("valid");
        assert!(partial.agrees_with_birth_date(d(1940, 7, 14)));
        assert!(!partial.agrees_with_birth_date(d(1990, 7, 14)));
        // 00.02.29-127.84: the check digit is the 1900s', and 29 February 1900 does not exist.
        let impossible = Niss::parse("00.02.29-127.84").expect("valid");
        assert_eq!(impossible.century(), Some(Century::Nineteen));
        assert!(!impossible.agrees_with_birth_date(d(2000, 2, 29)));
        // A complete date must match exactly.
        let complete = Niss::parse("90.02.01-997.04").expect("valid");
        assert!(complete.agrees_with_birth_date(d(1990, 2, 1)));
        assert!(!complete.agrees_with_birth_date(d(1990, 2, 2)));
        assert!(!complete.agrees_with_birth_date(d(1991, 2, 1)));
    }

    #[test]
    fn debug_output_never_shows_the_number() {
        let n = Niss::parse("90020199704").expect("valid");
        assert!(!format!("{n:?}").contains("900201"));
    }
}
