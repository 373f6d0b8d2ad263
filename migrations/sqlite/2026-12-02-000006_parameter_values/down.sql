DELETE FROM reference_versions WHERE name = 'parameters';
DROP TABLE parameter_review_items;
DROP TABLE parameter_values;
