//! Nationality as ISO 3166-1 alpha-3, plus stateless and unknown (rules.md §1).

use std::fmt;

use serde::{Deserialize, Serialize};

/// ISO 3166-1 alpha-3 codes (249 assigned codes) plus `XKX`, the user-assigned code for Kosovo that the
/// Belgian registers and the EU use. Sorted, for binary search.
pub(crate) const ALPHA3: &[&str] = &[
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF", "ATG", "AUS", "AUT",
    "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL",
    "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF", "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG",
    "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM",
    "DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR",
    "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY",
    "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA",
    "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY",
    "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL",
    "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS", "MWI", "MYS", "MYT", "NAM",
    "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER",
    "PHL", "PLW", "PNG", "POL", "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU",
    "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON",
    "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT", "VEN", "VGB",
    "VIR", "VNM", "VUT", "WLF", "WSM", "XKX", "YEM", "ZAF", "ZMB", "ZWE",
];

/// A person's nationality as the register states it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nationality {
    /// A country by its ISO 3166-1 alpha-3 code.
    Country([u8; 3]),
    /// Stateless (ICAO `XXA`).
    Stateless,
    /// Nationality not determined (ICAO `XXX`).
    Unknown,
}

/// Why a string is not a nationality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalityError;

impl fmt::Display for NationalityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an ISO 3166-1 alpha-3 code, `stateless` (XXA) or `unknown` (XXX)")
    }
}

impl std::error::Error for NationalityError {}

impl Nationality {
    /// Belgium.
    pub const BELGIUM: Nationality = Nationality::Country(*b"BEL");
    /// Turkey, whose nationals are dispensed under the EEC-Turkey standstill clause (rule 1.6).
    pub const TURKEY: Nationality = Nationality::Country(*b"TUR");

    /// Parses an alpha-3 code (case-insensitive), `XXA`/`stateless` or `XXX`/`unknown`.
    pub fn parse(input: &str) -> Result<Nationality, NationalityError> {
        let upper = input.trim().to_ascii_uppercase();
        match upper.as_str() {
            "XXA" | "STATELESS" => return Ok(Nationality::Stateless),
            "XXX" | "UNKNOWN" => return Ok(Nationality::Unknown),
            _ => {}
        }
        if ALPHA3.binary_search(&upper.as_str()).is_err() {
            return Err(NationalityError);
        }
        let bytes = upper.as_bytes();
        Ok(Nationality::Country([bytes[0], bytes[1], bytes[2]]))
    }

    /// The code as exchanged on the API (`BEL`, `XXA`, `XXX`).
    pub fn code(&self) -> &str {
        match self {
            Nationality::Country(code) => std::str::from_utf8(code).unwrap_or("XXX"),
            Nationality::Stateless => "XXA",
            Nationality::Unknown => "XXX",
        }
    }
}

impl fmt::Debug for Nationality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nationality({})", self.code())
    }
}

impl fmt::Display for Nationality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Nationality {
    type Err = NationalityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Nationality::parse(s)
    }
}

impl Serialize for Nationality {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Nationality {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Nationality::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha3_table_is_sorted_for_binary_search() {
        assert!(ALPHA3.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ALPHA3.len(), 250);
    }

    #[test]
    fn nationality_parses_codes_case_insensitively() {
        assert_eq!(Nationality::parse("tur"), Ok(Nationality::TURKEY));
        assert_eq!(Nationality::parse("XKX").map(|n| n.to_string()), Ok("XKX".to_owned()));
        assert_eq!(Nationality::parse("stateless"), Ok(Nationality::Stateless));
        assert_eq!(Nationality::parse("XXX"), Ok(Nationality::Unknown));
    }

    #[test]
    fn nationality_rejects_unassigned_codes_and_alpha2() {
        assert_eq!(Nationality::parse("ZZZ"), Err(NationalityError));
        assert_eq!(Nationality::parse("BE"), Err(NationalityError));
    }
}
