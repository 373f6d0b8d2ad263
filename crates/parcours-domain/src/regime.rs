//! The regimes as effective-dated data (rules.md §0, §3, §4): what each requires, and by when.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::law::{Confidence, RegimeId};
use crate::parameters::Parameters;

/// The three training axes besides the welcome module (rules.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// French as a foreign language (FLE).
    French,
    /// *Formation à la citoyenneté*.
    Citizenship,
    /// *Orientation socioprofessionnelle* (ISP).
    Orientation,
}

impl Axis {
    /// The three axes.
    pub const ALL: [Axis; 3] = [Axis::French, Axis::Citizenship, Axis::Orientation];

    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Axis::French => "french",
            Axis::Citizenship => "citizenship",
            Axis::Orientation => "orientation",
        }
    }

    /// Parses a stable code.
    pub fn parse(code: &str) -> Option<Axis> {
        Axis::ALL.into_iter().find(|axis| axis.code() == code)
    }
}

/// Time attended, per axis, in whole minutes. Minutes are the one unit in which attendance is counted
/// (operators report minutes; hours entered by the CRI are converted once, to the nearest minute), so that
/// "at the threshold" is an exact comparison; hours are only how the time is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AxisMinutes {
    french: i64,
    citizenship: i64,
    orientation: i64,
}

impl AxisMinutes {
    /// Minutes on `axis`.
    pub fn get(&self, axis: Axis) -> i64 {
        match axis {
            Axis::French => self.french,
            Axis::Citizenship => self.citizenship,
            Axis::Orientation => self.orientation,
        }
    }

    /// Adds `minutes` (negative for a correction that lowers them) on `axis`.
    pub fn add(&mut self, axis: Axis, minutes: i64) {
        match axis {
            Axis::French => self.french += minutes,
            Axis::Citizenship => self.citizenship += minutes,
            Axis::Orientation => self.orientation += minutes,
        }
    }

    /// The sum of two counts.
    pub fn plus(mut self, other: &AxisMinutes) -> AxisMinutes {
        for axis in Axis::ALL {
            self.add(axis, other.get(axis));
        }
        self
    }

    /// Time on `axis`, in hours (for display).
    pub fn hours(&self, axis: Axis) -> f64 {
        minutes_as_hours(self.get(axis))
    }
}

/// Hours as whole minutes, to the nearest minute.
pub fn hours_as_minutes(hours: f64) -> i64 {
    (hours * 60.0).round() as i64
}

/// Minutes as hours (for display).
pub fn minutes_as_hours(minutes: i64) -> f64 {
    minutes as f64 / 60.0
}

#[cfg(test)]
mod minutes_tests {
    use super::*;

    #[test]
    fn minutes_add_up_per_axis_and_show_as_hours() {
        let mut minutes = AxisMinutes::default();
        minutes.add(Axis::French, 90);
        minutes.add(Axis::French, -30);
        minutes.add(Axis::Orientation, hours_as_minutes(3.2));
        assert_eq!((minutes.get(Axis::French), minutes.get(Axis::Citizenship)), (60, 0));
        assert_eq!(minutes.get(Axis::Orientation), 192);
        assert_eq!(minutes.plus(&minutes).hours(Axis::French), 2.0);
    }
}

/// When an axis is part of the obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AxisObligation {
    /// Offered, voluntary (R2014).
    Voluntary,
    /// Obligatory when the welcome module shows the need (French test, social assessment).
    IfNeeded,
    /// Always obligatory.
    Always,
}

/// What one axis requires under a regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AxisRequirement {
    /// The axis.
    pub axis: Axis,
    /// Minimum hours.
    pub hours: u32,
    /// When it is obligatory.
    pub obligation: AxisObligation,
    /// Longest period to complete it, in months, when the law sets one (R2018: French 16, citizenship 4).
    pub within_months: Option<u32>,
    /// Article and source.
    pub basis: &'static str,
}

/// From which date a deadline is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartBasis {
    /// First registration in a commune of the French-language region.
    FirstRegistration,
    /// *Commande* of the residence title of more than three months.
    TitleOrder,
}

/// "n months from a start date", with its legal basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodRule {
    /// Months to add.
    pub months: u32,
    /// Which date starts the count.
    pub start: StartBasis,
    /// Article and source.
    pub basis: &'static str,
    /// How well sourced.
    pub confidence: Confidence,
}

/// One regime with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regime {
    /// Identifier.
    pub id: RegimeId,
    /// The decree and its implementing order.
    pub text: &'static str,
    /// Presentation at the CRI (rule 4.2).
    pub presentation: PeriodRule,
    /// Completion of the pathway (rule 4.3).
    pub completion: PeriodRule,
    /// Ceiling of all extensions, in months from the reference date (rule 4.4); `None` when the regime
    /// provides no extension.
    pub extension_ceiling: Option<PeriodRule>,
    /// Hours per axis (rules.md §3).
    pub axes: [AxisRequirement; 3],
    /// A *convention* is compulsory (rule 4.5, R2016+).
    pub convention_required: bool,
    /// Longest *convention*, in months (rule 4.5).
    pub convention_max_months: u32,
    /// Months between evaluation interviews (rule 4.6, R2016+).
    pub review_interval_months: Option<u32>,
    /// Every activity, interpreting included, is free (rule 3.3, R2018+).
    pub activities_free: bool,
    /// Citizenship may be taught in a language the person understands (R2024, art. 152/5).
    pub citizenship_in_understood_language: bool,
}

const PRESENTATION: PeriodRule = PeriodRule {
    months: 3,
    start: StartBasis::FirstRegistration,
    basis: "CWASS art. 152/7 §1 (R2016 text quoted in Q. 724, 2016-17); R2014 art. 152/3",
    confidence: Confidence::Confirmed,
};

const fn axis(
    axis: Axis,
    hours: u32,
    obligation: AxisObligation,
    within_months: Option<u32>,
    basis: &'static str,
) -> AxisRequirement {
    AxisRequirement { axis, hours, obligation, within_months, basis }
}

/// The four regimes, oldest first.
pub fn regime(id: RegimeId, parameters: &Parameters, reference_date: NaiveDate) -> Regime {
    use AxisObligation::{Always, IfNeeded, Voluntary};
    let r2024_hours = *parameters.r2024_axis_hours.on(reference_date);
    match id {
        RegimeId::R2014 => Regime {
            id,
            text: "Décret du 27 mars 2014 (parcours d'accueil); AGW 15 mai 2014; circulaire 23 février 2015",
            presentation: PRESENTATION,
            completion: PeriodRule {
                months: 6,
                start: StartBasis::FirstRegistration,
                basis: "R2014: attestation of the welcome module handed to the commune within 6 months of \
                        registration (guidesocial.be 2014)",
                confidence: Confidence::Likely,
            },
            extension_ceiling: None,
            axes: [
                axis(Axis::French, 120, Voluntary, None, "R2014: offered, voluntary (alterechos.be 2015)"),
                axis(Axis::Citizenship, 20, Voluntary, None, "R2014: offered, voluntary (alterechos.be 2015)"),
                axis(Axis::Orientation, 4, Voluntary, None, "R2014: offered"),
            ],
            convention_required: false,
            convention_max_months: 24,
            review_interval_months: None,
            activities_free: false,
            citizenship_in_understood_language: false,
        },
        RegimeId::R2016 => Regime {
            id,
            text: "Décret du 28 avril 2016; AGW 8 décembre 2016; circulaire 11 mai 2017",
            presentation: PRESENTATION,
            completion: PeriodRule {
                months: *parameters.r2016_completion_months.on(reference_date),
                start: StartBasis::TitleOrder,
                basis: "parameter r2016_completion_months: CWASS art. 152/7; convention of at most 18 months \
                        (legalworld 2016); CRI practice since 2016: 18 months from the order of the residence title \
                        (actionsociale.wallonie.be)",
                confidence: Confidence::Likely,
            },
            extension_ceiling: Some(PeriodRule {
                months: 36,
                start: StartBasis::TitleOrder,
                basis: "AGW 8 December 2016: from 18 to 36 months in exceptional cases (bx1.be)",
                confidence: Confidence::Likely,
            }),
            axes: [
                axis(Axis::French, 120, IfNeeded, None, "CWASS art. 152/4, R2016: 120 h minimum (cainamur.be 2015)"),
                axis(Axis::Citizenship, 20, Always, None, "CWASS art. 152/5, R2016: 20 h minimum (cainamur.be 2015)"),
                axis(Axis::Orientation, 4, IfNeeded, None, "CWASS art. 152/6, R2016: 4 h minimum (cainamur.be 2015)"),
            ],
            convention_required: true,
            convention_max_months: 18,
            review_interval_months: Some(6),
            activities_free: false,
            citizenship_in_understood_language: false,
        },
        RegimeId::R2018 => Regime {
            id,
            text: "Décret du 8 novembre 2018; AGW 20 décembre 2018; circulaire 28 janvier 2019",
            presentation: PRESENTATION,
            completion: PeriodRule {
                months: 18,
                start: StartBasis::TitleOrder,
                basis: "CWASS art. 152/7: 18 months (which may be extended) from the order of the residence title \
                        (actionsociale.wallonie.be/node/146; cimb.be; ceraic.be)",
                confidence: Confidence::Confirmed,
            },
            extension_ceiling: Some(PeriodRule {
                months: 36,
                start: StartBasis::TitleOrder,
                basis: "AGW: from 18 to 36 months in exceptional cases (bx1.be)",
                confidence: Confidence::Likely,
            }),
            axes: [
                axis(
                    Axis::French,
                    400,
                    IfNeeded,
                    Some(16),
                    "CWASS art. 152/4, R2018: 400 h minimum within 16 months (actionsociale.wallonie.be 2018)",
                ),
                axis(
                    Axis::Citizenship,
                    60,
                    Always,
                    Some(4),
                    "CWASS art. 152/5, R2018: 60 h within 4 months, always (cainamur.be 2018)",
                ),
                axis(
                    Axis::Orientation,
                    4,
                    IfNeeded,
                    None,
                    "CWASS art. 152/6, R2018: 4 h minimum, by Forem with the CRI (cainamur.be 2018)",
                ),
            ],
            convention_required: true,
            convention_max_months: 18,
            review_interval_months: Some(6),
            activities_free: true,
            citizenship_in_understood_language: false,
        },
        RegimeId::R2024 => Regime {
            id,
            text: "Décret du 14 mars 2024; AGW 6 juin 2024 (MB 6 septembre 2024)",
            presentation: PRESENTATION,
            completion: PeriodRule {
                months: *parameters.law.r2024_completion_months.on(reference_date),
                start: StartBasis::TitleOrder,
                basis: "CWASS art. 152/7 as amended by the decree of 14 March 2024: three years for persons who \
                        order their residence title after its entry into force (Wolters Kluwer 2024)",
                confidence: Confidence::Confirmed,
            },
            extension_ceiling: Some(PeriodRule {
                months: *parameters.r2024_extension_ceiling_months.on(reference_date),
                start: StartBasis::TitleOrder,
                basis: "parameter r2024_extension_ceiling_months (rule 4.4, UNCONFIRMED)",
                confidence: Confidence::Unconfirmed,
            }),
            axes: [
                axis(
                    Axis::French,
                    r2024_hours.french,
                    IfNeeded,
                    Some(16),
                    "CWASS art. 152/4; parameter r2024_axis_hours (unchanged by the 2024 decree as far as known) \
                     [UNCONFIRMED]",
                ),
                axis(
                    Axis::Citizenship,
                    r2024_hours.citizenship,
                    Always,
                    Some(4),
                    "CWASS art. 152/5 (2024): may be given in a language the person understands; parameter \
                     r2024_axis_hours",
                ),
                axis(
                    Axis::Orientation,
                    r2024_hours.orientation,
                    IfNeeded,
                    None,
                    "CWASS art. 152/6; ISP accompaniment becomes a CRI mission; parameter r2024_axis_hours",
                ),
            ],
            convention_required: true,
            convention_max_months: *parameters.r2024_convention_max_months.on(reference_date),
            review_interval_months: Some(6),
            activities_free: true,
            citizenship_in_understood_language: true,
        },
    }
}

/// First day of each regime, from the law and from the dated parameters.
pub fn regime_start(id: RegimeId, parameters: &Parameters, on: NaiveDate) -> NaiveDate {
    let fixed = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    match id {
        RegimeId::R2014 => *parameters.r2014_entry_into_force.on(on),
        RegimeId::R2016 => fixed(2016, 5, 19),
        RegimeId::R2018 => fixed(2018, 12, 17),
        RegimeId::R2024 => *parameters.r2024_entry_into_force.on(on),
    }
}

/// Rule T1: the regime in force on the reference date (the order of the residence title), or `None`
/// before the first obligation.
pub fn regime_for(reference_date: NaiveDate, parameters: &Parameters) -> Option<RegimeId> {
    RegimeId::ALL.into_iter().rev().find(|id| regime_start(*id, parameters, reference_date) <= reference_date)
}
