-- Generated from crates/parcours-domain/data by the store test reference_data_migration_matches_the_csv_files.
DELETE FROM commune_cri_assignments;
DELETE FROM communes;
DELETE FROM cris;
