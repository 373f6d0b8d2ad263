//! The black-box suite lives in `blackbox.rs` (an integration test of this crate).
