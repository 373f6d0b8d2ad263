//! Persons, as seen by the CRI competent for them.

pub mod list_determinations;
