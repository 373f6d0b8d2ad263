//! The `statistics_releases` table: each table of the catalogue for each closed period, counted from the
//! source tables, suppressed by [`parcours_domain::statistics::release`] once, then kept. Everyone reads
//! the same release (their territory's cells of it), so two readers can never combine two different
//! suppressions of the same figures, and a year keeps the decisions of its quarters.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use parcours_domain::reference::Commune;
use parcours_domain::statistics::{
    self, Counted, METHOD, Period, Record, ReleaseError, StatisticsTable, Territory, TerritoryLevel, age_band,
};
use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor};
use crate::schema::statistics_releases;
use crate::{DbConnection, StoreError, new_id};

/// A stored release.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = statistics_releases)]
pub struct ReleaseRecord {
    /// Id.
    pub id: String,
    /// The table's code.
    pub table_code: String,
    /// `2026-Q3` or `2026`.
    pub period: String,
    /// The disclosure threshold applied (counts from 1 to threshold-1 suppressed).
    pub threshold: i32,
    /// The suppression method.
    pub method: String,
    /// The rules version of the code that made it.
    pub rules_version: String,
    /// The cells, as [`StoredCell`]s.
    pub cells_json: String,
    /// The counts it was made from, `quarter|commune|category…` → persons (nonzero only); never served.
    pub counts_json: String,
    /// When it was made.
    pub released_at: NaiveDateTime,
    /// The organisation whose request made it.
    pub released_by: String,
}

/// A published cell as stored: a suppressed count is `null`, whatever its true value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCell {
    /// Stable key across releases (`2026-Q1|62063|obliged`).
    pub key: String,
    /// The quarter, in a year's release; `None` for the whole period.
    pub quarter: Option<String>,
    /// `commune`, `arrondissement`, `province`, `cri`, `region`.
    pub territory_level: String,
    /// NIS code, CRI code or `wallonie`.
    pub territory_code: String,
    /// French name.
    pub territory_name: String,
    /// For each attribute of the table, the category code, or `None` for all.
    pub categories: Vec<Option<String>>,
    /// The count, `None` when suppressed.
    pub count: Option<u64>,
    /// The CRIs whose territory holds the cell (what a CRI may read).
    pub cris: Vec<String>,
}

impl ReleaseRecord {
    /// The stored cells.
    pub fn cells(&self) -> Result<Vec<StoredCell>, StoreError> {
        serde_json::from_str(&self.cells_json).map_err(|e| StoreError::Corrupt(format!("release cells: {e}")))
    }

    /// The persons it counted, as they were counted then.
    fn counted(&self) -> Result<Vec<Counted>, StoreError> {
        let counts: BTreeMap<String, u64> =
            serde_json::from_str(&self.counts_json).map_err(|e| StoreError::Corrupt(format!("release counts: {e}")))?;
        let mut counted = Vec::new();
        for (key, n) in counts {
            let mut parts = key.split('|').map(str::to_owned);
            let quarter = parts.next().as_deref().and_then(Period::parse);
            let (Some(quarter), Some(commune)) = (quarter, parts.next()) else {
                return Err(StoreError::Corrupt(format!("release counts: key {key}")));
            };
            let entry = Counted { quarter, commune, categories: parts.collect() };
            counted.extend(std::iter::repeat_n(entry, usize::try_from(n).unwrap_or(0)));
        }
        Ok(counted)
    }
}

/// The part of a release a reader sees: Wallonia (the Region), a CRI's territory, or one commune (asked by the
/// commune itself, or by a CRI, which may read its own communes only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderTerritory {
    /// Every cell.
    Wallonia,
    /// The cells a CRI's territory holds.
    Cri(String),
    /// One commune's cells, `within_cri` when a CRI asks.
    Commune {
        /// NIS code.
        nis: String,
        /// The CRI asking, whose territory must hold the commune.
        within_cri: Option<String>,
    },
}

/// What a reader may see of a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// The cells of the territory.
    Cells(Vec<StoredCell>),
    /// The commune lies outside the CRI that asks.
    OutsideReader,
    /// No territory with this code in the release.
    Unknown,
}

impl ReleaseRecord {
    /// The cells within a reader's territory.
    pub fn cells_within(&self, territory: &ReaderTerritory) -> Result<Visible, StoreError> {
        let cells = self.cells()?;
        let shown: Vec<StoredCell> = match territory {
            ReaderTerritory::Wallonia => cells,
            ReaderTerritory::Cri(cri) => cells.into_iter().filter(|c| c.cris.contains(cri)).collect(),
            ReaderTerritory::Commune { nis, within_cri } => {
                let mine: Vec<StoredCell> =
                    cells.into_iter().filter(|c| c.territory_level == "commune" && c.territory_code == *nis).collect();
                if within_cri.as_ref().is_some_and(|cri| mine.iter().any(|c| !c.cris.contains(cri))) {
                    return Ok(Visible::OutsideReader);
                }
                mine
            }
        };
        Ok(if shown.is_empty() { Visible::Unknown } else { Visible::Cells(shown) })
    }
}

/// The counts of a release: `quarter|commune|category…` → persons.
fn counts_of(counted: &[Counted]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for c in counted {
        let key = std::iter::once(c.quarter.code())
            .chain(std::iter::once(c.commune.clone()))
            .chain(c.categories.iter().cloned())
            .collect::<Vec<_>>()
            .join("|");
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// Why a release could not be read or made.
#[derive(Debug)]
pub enum ReleaseOutcome {
    /// The release.
    Released(ReleaseRecord),
    /// Suppression could not protect a cell (named by its key): nothing is published.
    Unprotectable(String),
}

/// The release of `table` for the closed `period`, made now if it was not made before (a year after its
/// four quarters), and audited as read by `actor`.
pub fn read_release(
    conn: &mut DbConnection,
    table: StatisticsTable,
    period: Period,
    communes: &[Commune],
    threshold: u64,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<ReleaseOutcome, StoreError> {
    let outcome = find_or_make(conn, table, period, communes, threshold, &actor.organisation, now, None)?;
    if let ReleaseOutcome::Released(release) = &outcome {
        let detail = format!("table={} period={}", release.table_code, release.period);
        audit::append(conn, actor, "read_statistics", "statistics_release", Some(&release.id), Some(detail), now)?;
    }
    Ok(outcome)
}

/// Makes the release of `table` for the closed `period` if it was not made before (the job that releases
/// each period once it closes, so that readers find it ready); not audited as a read.
pub fn ensure_release(
    conn: &mut DbConnection,
    table: StatisticsTable,
    period: Period,
    communes: &[Commune],
    threshold: u64,
    now: NaiveDateTime,
) -> Result<ReleaseOutcome, StoreError> {
    find_or_make(conn, table, period, communes, threshold, "system:statistics_releases", now, None)
}

fn find(conn: &mut DbConnection, table: StatisticsTable, period: Period) -> Result<Option<ReleaseRecord>, StoreError> {
    Ok(statistics_releases::table
        .filter(statistics_releases::table_code.eq(table.code()))
        .filter(statistics_releases::period.eq(period.code()))
        .select(ReleaseRecord::as_select())
        .first(conn)
        .optional()?)
}

#[allow(clippy::too_many_arguments)]
fn find_or_make(
    conn: &mut DbConnection,
    table: StatisticsTable,
    period: Period,
    communes: &[Commune],
    threshold: u64,
    released_by: &str,
    now: NaiveDateTime,
    counted_in_year: Option<&[Counted]>,
) -> Result<ReleaseOutcome, StoreError> {
    if let Some(release) = find(conn, table, period)? {
        return Ok(ReleaseOutcome::Released(release));
    }
    let counted = match (period, counted_in_year) {
        // A quarter of a year being released counts the year's persons of that quarter: the same rule.
        (_, Some(year)) => year.iter().filter(|c| period.quarters().contains(&c.quarter)).cloned().collect(),
        (Period::Quarter { .. }, None) => counted(conn, table, period, communes)?,
        // A year is made from its quarters' counts as they were released (the quarters not released yet
        // from the year's rows, read once), so its quarter cells are exactly theirs.
        (Period::Year(_), None) => {
            let mut year = Vec::new();
            let mut rows: Option<Vec<Counted>> = None;
            for quarter in period.quarters() {
                match find(conn, table, quarter)? {
                    Some(release) => year.extend(release.counted()?),
                    None => {
                        if rows.is_none() {
                            rows = Some(counted(conn, table, period, communes)?);
                        }
                        let rows = rows.as_deref().unwrap_or_default();
                        year.extend(rows.iter().filter(|c| c.quarter == quarter).cloned());
                    }
                }
            }
            year
        }
    };
    // A year keeps what its quarters decided, so they are released first.
    let mut earlier = HashMap::new();
    if matches!(period, Period::Year(_)) {
        for quarter in period.quarters() {
            match find_or_make(conn, table, quarter, communes, threshold, released_by, now, Some(&counted))? {
                ReleaseOutcome::Released(release) => {
                    for cell in release.cells()? {
                        earlier.insert(cell.key, cell.count.is_some());
                    }
                }
                unprotectable => return Ok(unprotectable),
            }
        }
    }
    let seen: Vec<String> =
        counted.iter().map(|c| c.commune.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let territory = &Territory::of_wallonia(communes, period, &seen)
        .ok_or_else(|| StoreError::Corrupt("statistics: no commune in the reference data".to_owned()))?;
    let cells = match statistics::release(table, period, territory, &counted, &earlier, threshold) {
        Ok(cells) => cells,
        Err(ReleaseError::Unprotectable(key)) => return Ok(ReleaseOutcome::Unprotectable(key)),
        Err(ReleaseError::UnknownValue(value)) => {
            return Err(StoreError::Corrupt(format!("statistics: a counted value is unknown ({value})")));
        }
    };
    let nodes = territory.nodes();
    let cri_nodes: Vec<(usize, String)> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.level == TerritoryLevel::Cri)
        .map(|(i, n)| (i, n.code.clone()))
        .collect();
    let stored: Vec<StoredCell> = cells
        .iter()
        .map(|cell| {
            let node = &nodes[cell.territory];
            StoredCell {
                key: cell.key(period, table, territory),
                quarter: cell.quarter.map(|q| q.code()),
                territory_level: node.level.code().to_owned(),
                territory_code: node.code.clone(),
                territory_name: node.name.clone(),
                categories: table
                    .attributes()
                    .iter()
                    .zip(&cell.categories)
                    .map(|(a, c)| c.map(|c| a.categories()[c].code.to_owned()))
                    .collect(),
                count: cell.count,
                cris: cri_nodes
                    .iter()
                    .filter(|(i, _)| territory.within(cell.territory, *i))
                    .map(|(_, code)| code.clone())
                    .collect(),
            }
        })
        .collect();
    let record = ReleaseRecord {
        id: new_id(),
        table_code: table.code().to_owned(),
        period: period.code(),
        threshold: i32::try_from(threshold).unwrap_or(i32::MAX),
        method: METHOD.to_owned(),
        rules_version: parcours_domain::determination::RULES_VERSION.to_owned(),
        cells_json: serde_json::to_string(&stored).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        counts_json: serde_json::to_string(&counts_of(&counted)).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        released_at: now,
        released_by: released_by.to_owned(),
    };
    match diesel::insert_into(statistics_releases::table).values(&record).execute(conn) {
        Ok(_) => Ok(ReleaseOutcome::Released(record)),
        // Another request made the same release meanwhile: theirs stands.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            find(conn, table, period)?.map(ReleaseOutcome::Released).ok_or(StoreError::NotFound)
        }
        Err(e) => Err(e.into()),
    }
}

/// The persons a table counts in a period ([`statistics::counted_in`]: once per calendar year, at their
/// first record of the year).
fn counted(
    conn: &mut DbConnection,
    table: StatisticsTable,
    period: Period,
    communes: &[Commune],
) -> Result<Vec<Counted>, StoreError> {
    let (first_day, end) = statistics::counting_window(period);
    let from = first_day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let before = end.and_hms_opt(0, 0, 0).unwrap_or_default();
    let record = |person: String, at: NaiveDateTime, commune: String, categories: Vec<String>| Record {
        person,
        at,
        commune,
        categories,
    };
    let records: Vec<Record> = match table {
        StatisticsTable::ArrivalsReported => crate::arrivals::reported_between(conn, from, before)?
            .into_iter()
            .map(|r| record(r.person_id, r.reported_at, r.commune_nis, vec![r.status, r.residence_card.to_owned()]))
            .collect(),
        // A determination may be asked for any domicile (a Belgian in Brussels): only those in the
        // territory's communes are counted.
        StatisticsTable::Determinations => {
            let known: std::collections::HashSet<String> = communes.iter().map(|c| c.nis.to_string()).collect();
            crate::determinations::decided_between(conn, from, before)?
                .into_iter()
                .filter(|d| known.contains(&d.commune_nis))
                .map(|d| {
                    let categories = vec![d.reason.to_owned(), d.nationality_group.to_owned()];
                    record(d.person_id, d.decided_at, d.commune_nis, categories)
                })
                .collect()
        }
        StatisticsTable::CasesOpened => crate::cases::opened_between(conn, from, before)?
            .into_iter()
            .map(|o| {
                let regime = if o.obliged { "obliged" } else { "voluntary" };
                let sex = match o.sex.as_deref() {
                    Some("female") => "female",
                    Some("male") => "male",
                    _ => "unknown",
                };
                let band = age_band(o.birth_date, o.opened_at.date());
                record(
                    o.person_id,
                    o.opened_at,
                    o.commune_nis,
                    vec![regime.to_owned(), sex.to_owned(), band.to_owned()],
                )
            })
            .collect(),
        StatisticsTable::AttestationsIssued => crate::attestations::issued_between(conn, from, before)?
            .into_iter()
            .map(|i| {
                let mut categories = vec![i.kind];
                categories.extend(i.hours_bands.iter().map(|band| (*band).to_owned()));
                record(i.person_id, i.issued_at, i.commune_nis, categories)
            })
            .collect(),
        StatisticsTable::Dispensations => crate::determinations::dispensed_between(conn, from, before)?
            .into_iter()
            .map(|d| {
                let category = StatisticsTable::dispensation_category(&d.dispensation).to_owned();
                record(d.person_id, d.decided_at, d.commune_nis, vec![category])
            })
            .collect(),
        StatisticsTable::SanctionOutcomes => crate::sanction_steps::closures_between(conn, from, before)?
            .into_iter()
            .map(|(person, commune, outcome, at)| record(person, at, commune, vec![outcome]))
            .collect(),
        StatisticsTable::NonCompliances => crate::non_compliances::recorded_between(conn, from, before)?
            .into_iter()
            .map(|(person, commune, kind, at)| record(person, at, commune, vec![kind]))
            .collect(),
        StatisticsTable::Presentations
        | StatisticsTable::ConventionsSigned
        | StatisticsTable::ExtensionsAndSuspensions
        | StatisticsTable::Completions
        | StatisticsTable::Transfers
        | StatisticsTable::Closures => {
            let mut records = Vec::new();
            for step in crate::case_events::steps_between(conn, table.counted_steps(), from, before)? {
                let case = crate::cases::decode_case(&step.state_json)?;
                // A step whose case no longer holds what it recorded (it cannot happen for these steps) is
                // not counted rather than counted in a wrong category.
                if let Some(categories) = table.step_categories(&step.kind, step.occurred_at.date(), &case) {
                    records.push(record(step.person_id, step.occurred_at, step.commune_nis, categories));
                }
            }
            records
        }
    };
    Ok(statistics::counted_in(period, records))
}
