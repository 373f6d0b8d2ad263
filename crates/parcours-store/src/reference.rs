//! Reference data in the database: the eight CRIs, the Walloon communes and their CRI over time, and the
//! Region's corrections of derived assignments.

use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use parcours_domain::Parameters;
use parcours_domain::reference::{
    AssignmentStatus, Commune, Cri, CriAssignment, CriCode, LanguageRegion, NisCode, OtherBelgianCommune,
    ReferenceData, parse_other_communes,
};

use crate::audit::{self, Actor};
use crate::schema::{commune_cri_assignments, communes, cris, reference_versions};
use crate::{DbConnection, StoreError, new_id};

#[derive(Queryable, Selectable)]
#[diesel(table_name = cris)]
struct CriRow {
    code: String,
    name_fr: String,
    seat_city: String,
    website: String,
    territory: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = communes)]
struct CommuneRow {
    nis_code: String,
    name_fr: String,
    name_nl: String,
    name_de: String,
    arrondissement_nis: String,
    province_nis: String,
    language_region: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(treat_none_as_default_value = false)]
#[diesel(table_name = commune_cri_assignments)]
struct AssignmentRow {
    id: String,
    nis_code: String,
    cri_code: String,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    status: String,
    reason: Option<String>,
    recorded_at: NaiveDateTime,
    recorded_by: String,
    superseded_at: Option<NaiveDateTime>,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} `{value}`"))
}

fn assignment_status_code(status: AssignmentStatus) -> &'static str {
    match status {
        AssignmentStatus::Confirmed => "confirmed",
        AssignmentStatus::Derived => "derived",
        AssignmentStatus::Corrected => "corrected",
    }
}

impl TryFrom<AssignmentRow> for CriAssignment {
    type Error = StoreError;
    fn try_from(row: AssignmentRow) -> Result<Self, StoreError> {
        Ok(CriAssignment {
            cri: CriCode::parse(&row.cri_code).map_err(|_| corrupt("CRI code", &row.cri_code))?,
            valid_from: row.valid_from,
            valid_to: row.valid_to,
            status: match row.status.as_str() {
                "confirmed" => AssignmentStatus::Confirmed,
                "derived" => AssignmentStatus::Derived,
                "corrected" => AssignmentStatus::Corrected,
                other => return Err(corrupt("assignment status", other)),
            },
        })
    }
}

fn commune_from_row(row: CommuneRow, assignments: Vec<CriAssignment>) -> Result<Commune, StoreError> {
    Ok(Commune {
        nis: NisCode::parse(&row.nis_code).map_err(|_| corrupt("NIS code", &row.nis_code))?,
        name_fr: row.name_fr,
        name_nl: row.name_nl,
        name_de: row.name_de,
        arrondissement_nis: row.arrondissement_nis,
        province_nis: row.province_nis,
        language_region: match row.language_region.as_str() {
            "fr" => LanguageRegion::French,
            "de" => LanguageRegion::German,
            other => return Err(corrupt("language region", other)),
        },
        valid_from: row.valid_from,
        valid_to: row.valid_to,
        cri_assignments: assignments,
    })
}

/// The eight CRIs.
pub fn list_cris(conn: &mut DbConnection) -> Result<Vec<Cri>, StoreError> {
    let rows: Vec<CriRow> = cris::table.order(cris::code.asc()).select(CriRow::as_select()).load(conn)?;
    rows.into_iter()
        .map(|r| {
            Ok(Cri {
                code: CriCode::parse(&r.code).map_err(|_| corrupt("CRI code", &r.code))?,
                name_fr: r.name_fr,
                seat_city: r.seat_city,
                website: r.website,
                territory: r.territory,
            })
        })
        .collect()
}

/// Filters for [`list_communes`].
#[derive(Debug, Clone, Default)]
pub struct CommuneFilter {
    /// Only communes whose CRI on `on` is this one.
    pub cri: Option<CriCode>,
    /// Only this NIS code.
    pub nis: Option<NisCode>,
    /// Name contains (case-insensitive, any of the three languages).
    pub name: Option<String>,
    /// Only codes in force on that date.
    pub on: Option<NaiveDate>,
}

/// Walloon communes with their current (non-superseded) CRI assignments, by NIS code.
pub fn list_communes(conn: &mut DbConnection, filter: &CommuneFilter) -> Result<Vec<Commune>, StoreError> {
    let mut query = communes::table.select(CommuneRow::as_select()).order(communes::nis_code.asc()).into_boxed();
    if let Some(nis) = filter.nis {
        query = query.filter(communes::nis_code.eq(nis.to_string()));
    }
    if let Some(on) = filter.on {
        query = query.filter(communes::valid_from.le(on)).filter(communes::valid_to.ge(on));
    }
    let rows = query.load(conn)?;
    let codes: Vec<String> = rows.iter().map(|r| r.nis_code.clone()).collect();
    let assignment_rows: Vec<AssignmentRow> = commune_cri_assignments::table
        .filter(commune_cri_assignments::superseded_at.is_null())
        .filter(commune_cri_assignments::nis_code.eq_any(&codes))
        .order((commune_cri_assignments::nis_code.asc(), commune_cri_assignments::valid_from.asc()))
        .select(AssignmentRow::as_select())
        .load(conn)?;
    let mut by_commune: std::collections::HashMap<String, Vec<CriAssignment>> = std::collections::HashMap::new();
    for row in assignment_rows {
        let nis = row.nis_code.clone();
        by_commune.entry(nis).or_default().push(row.try_into()?);
    }
    let needle = filter.name.as_ref().map(|n| n.to_lowercase());
    let mut result = Vec::with_capacity(rows.len());
    for row in rows {
        let assignments = by_commune.remove(&row.nis_code).unwrap_or_default();
        let commune = commune_from_row(row, assignments)?;
        if let Some(needle) = &needle {
            let names = [&commune.name_fr, &commune.name_nl, &commune.name_de];
            if !names.iter().any(|n| n.to_lowercase().contains(needle.as_str())) {
                continue;
            }
        }
        if let Some(cri) = filter.cri {
            let matches = match filter.on {
                Some(on) => commune.cri_on(on).is_some_and(|a| a.cri == cri),
                None => commune.cri_assignments.iter().any(|a| a.cri == cri),
            };
            if !matches {
                continue;
            }
        }
        result.push(commune);
    }
    Ok(result)
}

/// Communes of Flanders and Brussels: static Statbel data bundled with the domain crate.
fn other_communes() -> &'static [OtherBelgianCommune] {
    static OTHERS: OnceLock<Vec<OtherBelgianCommune>> = OnceLock::new();
    OTHERS.get_or_init(|| {
        use parcours_domain::reference::{MERGERS_2025_CSV, REFNIS_CSV};
        // The bundled files are covered by the domain tests; failing to parse them is a build defect.
        parse_other_communes(REFNIS_CSV, MERGERS_2025_CSV).expect("bundled REFNIS files are valid")
    })
}

/// Everything a determination needs, as the database holds it now.
pub fn load_reference_data(conn: &mut DbConnection, parameters: Parameters) -> Result<ReferenceData, StoreError> {
    let communes = list_communes(conn, &CommuneFilter::default())?;
    let cris = list_cris(conn)?;
    Ok(ReferenceData::new(communes, other_communes().to_vec(), cris, parameters))
}

/// The version of the reference data (communes and parameters), bumped by every correction and every
/// new parameter value (cache invalidation across replicas).
pub fn reference_version(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let versions: Vec<i64> = reference_versions::table.select(reference_versions::version).load(conn)?;
    Ok(versions.into_iter().sum())
}

/// Why a correction was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorrectionError {
    /// No Walloon commune with that code.
    UnknownCommune,
    /// The commune is in the German-language region: no CRI is competent.
    GermanLanguageCommune,
    /// The start date lies outside the validity of the commune code.
    OutsideValidity {
        /// First day of the code.
        valid_from: NaiveDate,
        /// Last day of the code.
        valid_to: NaiveDate,
    },
}

/// Assigns `nis` to `cri` from `from` on: the assignment covering `from` ends the day before, later ones
/// are superseded (kept, marked), and the change is audited with the previous assignments.
pub fn correct_cri_assignment(
    conn: &mut DbConnection,
    nis: NisCode,
    cri: CriCode,
    from: NaiveDate,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Result<Commune, CorrectionError>, StoreError> {
    crate::write_transaction(conn, |conn| {
        let filter = CommuneFilter { nis: Some(nis), ..CommuneFilter::default() };
        let Some(commune) = list_communes(conn, &filter)?.into_iter().next() else {
            return Ok(Err(CorrectionError::UnknownCommune));
        };
        if commune.language_region == LanguageRegion::German {
            return Ok(Err(CorrectionError::GermanLanguageCommune));
        }
        if !commune.is_valid_on(from) {
            return Ok(Err(CorrectionError::OutsideValidity {
                valid_from: commune.valid_from,
                valid_to: commune.valid_to,
            }));
        }
        let nis_text = nis.to_string();
        let active = commune_cri_assignments::table
            .filter(commune_cri_assignments::nis_code.eq(&nis_text))
            .filter(commune_cri_assignments::superseded_at.is_null());
        diesel::update(active.filter(commune_cri_assignments::valid_from.ge(from)))
            .set(commune_cri_assignments::superseded_at.eq(Some(now)))
            .execute(conn)?;
        let day_before = from.pred_opt().unwrap_or(from);
        diesel::update(
            active
                .filter(commune_cri_assignments::valid_from.lt(from))
                .filter(commune_cri_assignments::valid_to.ge(from)),
        )
        .set(commune_cri_assignments::valid_to.eq(day_before))
        .execute(conn)?;
        let row = AssignmentRow {
            id: new_id(),
            nis_code: nis_text.clone(),
            cri_code: cri.code().to_owned(),
            valid_from: from,
            valid_to: commune.valid_to,
            status: assignment_status_code(AssignmentStatus::Corrected).to_owned(),
            reason: Some(reason.to_owned()),
            recorded_at: now,
            recorded_by: actor.organisation.clone(),
            superseded_at: None,
        };
        diesel::insert_into(commune_cri_assignments::table).values(&row).execute(conn)?;
        diesel::update(reference_versions::table.filter(reference_versions::name.eq("communes")))
            .set(reference_versions::version.eq(reference_versions::version + 1))
            .execute(conn)?;
        let previous: Vec<String> = commune
            .cri_assignments
            .iter()
            .map(|a| format!("{} {}..{} {}", a.cri, a.valid_from, a.valid_to, assignment_status_code(a.status)))
            .collect();
        let detail = format!("cri={cri} from={from}; previous: {}", previous.join(", "));
        audit::append(conn, actor, "correct_cri_assignment", "commune", Some(&nis_text), Some(detail), now)?;
        let updated = list_communes(conn, &filter)?.into_iter().next().ok_or(StoreError::NotFound)?;
        Ok(Ok(updated))
    })
}
