//! Vocabulary shared by every rule: regimes, confidence in a source, legal citations.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How well a rule or parameter is sourced (rules.md legend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Stated by a primary text or by two independent sources that agree.
    Confirmed,
    /// One credible secondary source, not contradicted.
    Likely,
    /// Not verified: always a dated, configurable parameter.
    Unconfirmed,
}

impl Confidence {
    /// The tag used in rules.md.
    pub fn tag(&self) -> &'static str {
        match self {
            Confidence::Confirmed => "CONFIRMED",
            Confidence::Likely => "LIKELY",
            Confidence::Unconfirmed => "UNCONFIRMED",
        }
    }
}

/// The successive versions of Book II of the CWASS on integration (rules.md §0). A person's obligations
/// follow the regime in force on their reference date (rule T1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RegimeId {
    /// *Décret du 27 mars 2014*: the *parcours d'accueil*; only the welcome module is obligatory.
    R2014,
    /// *Décret du 28 avril 2016*: the *parcours d'intégration*, four obligatory axes, 120/20/4 hours.
    R2016,
    /// *Décret du 8 novembre 2018*: 400/60/4 hours, fines from 2019, work dispensation.
    R2018,
    /// *Décret du 14 mars 2024*: completion period of three years.
    R2024,
}

impl RegimeId {
    /// Every regime, oldest first.
    pub const ALL: [RegimeId; 4] = [RegimeId::R2014, RegimeId::R2016, RegimeId::R2018, RegimeId::R2024];

    /// The stable identifier (`R2018`).
    pub fn code(&self) -> &'static str {
        match self {
            RegimeId::R2014 => "R2014",
            RegimeId::R2016 => "R2016",
            RegimeId::R2018 => "R2018",
            RegimeId::R2024 => "R2024",
        }
    }

    /// Parses `R2018` (case-insensitive).
    pub fn parse(input: &str) -> Option<RegimeId> {
        RegimeId::ALL.into_iter().find(|r| r.code().eq_ignore_ascii_case(input.trim()))
    }
}

impl fmt::Display for RegimeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in French (first) and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    /// French.
    pub fr: &'static str,
    /// English.
    pub en: &'static str,
}

/// A refusal of a rule, as the API answers it: a stable code, the request field it is about, whether it
/// conflicts with the current state (409) rather than being bad input (422), and the message.
pub trait Refusal: Copy {
    /// `(code, field, conflict, French, English)`: one table per error type.
    fn details(self) -> (&'static str, &'static str, bool, &'static str, &'static str);

    /// Stable code.
    fn code(self) -> &'static str {
        self.details().0
    }

    /// The request field it is about.
    fn field(self) -> &'static str {
        self.details().1
    }

    /// Whether it conflicts with the current state (409) rather than being bad input (422).
    fn is_conflict(self) -> bool {
        self.details().2
    }

    /// The message, French first.
    fn message(self) -> Bilingual {
        let (_, _, _, fr, en) = self.details();
        Bilingual { fr, en }
    }
}
