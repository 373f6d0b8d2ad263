//! The reference-data migration, generated from the files bundled with the domain crate. A test checks
//! that `migrations/*/2026-11-24-000002_reference_data/up.sql` matches this output, so the data loaded by
//! migration and the repository files cannot drift apart.

use std::fmt::Write;

use parcours_domain::reference::{
    AssignmentStatus, COMMUNES_CSV, CRIS_CSV, LanguageRegion, parse_communes_csv, parse_cris_csv,
};

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The SQL that loads the CRIs, the communes and their initial CRI assignments (same for both backends).
pub fn reference_data_sql() -> String {
    let cris = parse_cris_csv(CRIS_CSV).expect("bundled CRI file is valid");
    let communes = parse_communes_csv(COMMUNES_CSV).expect("bundled communes file is valid");
    let mut sql = String::new();
    let _ = writeln!(
        sql,
        "-- Generated from crates/parcours-domain/data (cri.csv, communes-wallonie.csv): do not edit by hand.\n\
         -- Regenerate with `make migrations-data`; the store test reference_data_migration_matches_the_csv_files\n\
         -- fails when this file and the CSV files disagree.\n"
    );
    let _ = writeln!(sql, "INSERT INTO cris (code, name_fr, seat_city, website, territory) VALUES");
    let rows: Vec<String> = cris
        .iter()
        .map(|c| {
            format!(
                "    ({}, {}, {}, {}, {})",
                quote(c.code.code()),
                quote(&c.name_fr),
                quote(&c.seat_city),
                quote(&c.website),
                quote(&c.territory)
            )
        })
        .collect();
    let _ = writeln!(sql, "{};\n", rows.join(",\n"));
    let _ = writeln!(
        sql,
        "INSERT INTO communes (nis_code, name_fr, name_nl, name_de, arrondissement_nis, province_nis, \
         language_region, valid_from, valid_to) VALUES"
    );
    let rows: Vec<String> = communes
        .iter()
        .map(|c| {
            format!(
                "    ({}, {}, {}, {}, {}, {}, {}, {}, {})",
                quote(&c.nis.to_string()),
                quote(&c.name_fr),
                quote(&c.name_nl),
                quote(&c.name_de),
                quote(&c.arrondissement_nis),
                quote(&c.province_nis),
                quote(match c.language_region {
                    LanguageRegion::French => "fr",
                    LanguageRegion::German => "de",
                }),
                quote(&c.valid_from.to_string()),
                quote(&c.valid_to.to_string())
            )
        })
        .collect();
    let _ = writeln!(sql, "{};\n", rows.join(",\n"));
    let _ = writeln!(
        sql,
        "INSERT INTO commune_cri_assignments (id, nis_code, cri_code, valid_from, valid_to, status, reason, \
         recorded_at, recorded_by, superseded_at) VALUES"
    );
    let rows: Vec<String> = communes
        .iter()
        .flat_map(|c| c.cri_assignments.iter().map(move |a| (c, a)))
        .map(|(c, a)| {
            let status = match a.status {
                AssignmentStatus::Confirmed => "confirmed",
                AssignmentStatus::Derived => "derived",
                AssignmentStatus::Corrected => "corrected",
            };
            format!(
                "    ({}, {}, {}, {}, {}, {}, NULL, '2026-11-24 00:00:00', 'seed:communes-wallonie.csv', NULL)",
                quote(&format!("seed-{}-{}", c.nis, a.valid_from)),
                quote(&c.nis.to_string()),
                quote(a.cri.code()),
                quote(&a.valid_from.to_string()),
                quote(&a.valid_to.to_string()),
                quote(status)
            )
        })
        .collect();
    let _ = writeln!(sql, "{};", rows.join(",\n"));
    sql
}
