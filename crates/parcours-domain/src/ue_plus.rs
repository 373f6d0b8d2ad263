//! UE+ membership by date: EU member states with their accession dates, the EEA states and Switzerland
//! (CWASS art. 150, al. 1, 3°, rules.md §1). The United Kingdom counts until the end of the withdrawal
//! transition period (2020-12-31).

use chrono::NaiveDate;

use crate::nationality::Nationality;

/// One period during which nationals of a state are UE+ citizens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UePlusMembership {
    /// ISO alpha-3 code.
    pub country: &'static str,
    /// First day of membership (EU accession, EEA Agreement, EU-Swiss free-movement agreement).
    pub from: NaiveDate,
    /// Last day of membership, if it ended.
    pub until: Option<NaiveDate>,
    /// Why the state belongs to UE+ (and, where it applies, why it stopped).
    pub basis: &'static str,
}

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(value) => value,
        None => panic!("invalid constant date"),
    }
}

const FOUNDING: NaiveDate = date(1958, 1, 1);

/// The UE+ table. Dates before 2014 matter only for completeness: no regime starts earlier.
pub const UE_PLUS: &[UePlusMembership] = &[
    m("BEL", FOUNDING, None, "EU founding member"),
    m("DEU", FOUNDING, None, "EU founding member"),
    m("FRA", FOUNDING, None, "EU founding member"),
    m("ITA", FOUNDING, None, "EU founding member"),
    m("LUX", FOUNDING, None, "EU founding member"),
    m("NLD", FOUNDING, None, "EU founding member"),
    m("DNK", date(1973, 1, 1), None, "EU accession 1973"),
    m("IRL", date(1973, 1, 1), None, "EU accession 1973"),
    m(
        "GBR",
        date(1973, 1, 1),
        Some(date(2020, 12, 31)),
        "EU accession 1973; withdrawal 2020-01-31, transition period ended 2020-12-31 (Withdrawal Agreement art. 126)",
    ),
    m("GRC", date(1981, 1, 1), None, "EU accession 1981"),
    m("ESP", date(1986, 1, 1), None, "EU accession 1986"),
    m("PRT", date(1986, 1, 1), None, "EU accession 1986"),
    m("AUT", date(1995, 1, 1), None, "EU accession 1995"),
    m("FIN", date(1995, 1, 1), None, "EU accession 1995"),
    m("SWE", date(1995, 1, 1), None, "EU accession 1995"),
    m("CYP", date(2004, 5, 1), None, "EU accession 2004"),
    m("CZE", date(2004, 5, 1), None, "EU accession 2004"),
    m("EST", date(2004, 5, 1), None, "EU accession 2004"),
    m("HUN", date(2004, 5, 1), None, "EU accession 2004"),
    m("LVA", date(2004, 5, 1), None, "EU accession 2004"),
    m("LTU", date(2004, 5, 1), None, "EU accession 2004"),
    m("MLT", date(2004, 5, 1), None, "EU accession 2004"),
    m("POL", date(2004, 5, 1), None, "EU accession 2004"),
    m("SVK", date(2004, 5, 1), None, "EU accession 2004"),
    m("SVN", date(2004, 5, 1), None, "EU accession 2004"),
    m("BGR", date(2007, 1, 1), None, "EU accession 2007"),
    m("ROU", date(2007, 1, 1), None, "EU accession 2007"),
    m("HRV", date(2013, 7, 1), None, "EU accession 2013-07-01"),
    m("ISL", date(1994, 1, 1), None, "EEA Agreement"),
    m("NOR", date(1994, 1, 1), None, "EEA Agreement"),
    m("LIE", date(1995, 5, 1), None, "EEA Agreement (Liechtenstein joined 1995-05-01)"),
    m("CHE", date(2002, 6, 1), None, "EU-Swiss Agreement on the Free Movement of Persons"),
];

const fn m(country: &'static str, from: NaiveDate, until: Option<NaiveDate>, basis: &'static str) -> UePlusMembership {
    UePlusMembership { country, from, until, basis }
}

/// The membership period that makes `nationality` a UE+ citizen on `on`, if any.
pub fn ue_plus_membership(nationality: Nationality, on: NaiveDate) -> Option<&'static UePlusMembership> {
    let Nationality::Country(code) = nationality else {
        return None;
    };
    UE_PLUS.iter().find(|entry| {
        entry.country.as_bytes() == code && entry.from <= on && entry.until.is_none_or(|until| on <= until)
    })
}

/// Whether `nationality` is a UE+ nationality on `on`.
pub fn is_ue_plus(nationality: Nationality, on: NaiveDate) -> bool {
    ue_plus_membership(nationality, on).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nat(code: &str) -> Nationality {
        Nationality::parse(code).expect("valid code")
    }

    #[test]
    fn uk_national_is_ue_plus_until_end_of_transition() {
        assert!(is_ue_plus(nat("GBR"), date(2020, 12, 31)));
        assert!(!is_ue_plus(nat("GBR"), date(2021, 1, 1)));
    }

    #[test]
    fn croatian_becomes_ue_plus_on_accession_day() {
        assert!(!is_ue_plus(nat("HRV"), date(2013, 6, 30)));
        assert!(is_ue_plus(nat("HRV"), date(2013, 7, 1)));
    }

    #[test]
    fn eea_and_swiss_nationals_are_ue_plus() {
        for code in ["ISL", "LIE", "NOR", "CHE"] {
            assert!(is_ue_plus(nat(code), date(2019, 1, 1)), "{code}");
        }
    }

    #[test]
    fn third_country_stateless_and_unknown_are_not_ue_plus() {
        for n in [nat("MAR"), nat("TUR"), nat("UKR"), Nationality::Stateless, Nationality::Unknown] {
            assert!(!is_ue_plus(n, date(2024, 1, 1)));
        }
    }

    #[test]
    fn eu_has_twenty_seven_members_today() {
        let today = date(2026, 1, 1);
        let eu = UE_PLUS.iter().filter(|e| e.basis.starts_with("EU ") && e.from <= today && e.until.is_none()).count();
        assert_eq!(eu, 27);
    }
}
