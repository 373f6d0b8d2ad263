DROP TABLE attestations;
DROP TABLE attestation_counters;
DROP TABLE cri_settings;
