//! Participant inquiry, as BAMF offers German course providers.

pub mod inquiry;
