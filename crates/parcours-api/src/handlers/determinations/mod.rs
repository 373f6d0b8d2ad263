//! Determinations without side effects.

pub mod simulate;
