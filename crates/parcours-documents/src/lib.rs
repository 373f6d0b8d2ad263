//! # parcours-documents
//!
//! The documents Parcours prints, rendered in-process in pure Rust: no system library, no font scan,
//! nothing downloaded. Kept in its own crate so that an edit elsewhere never rebuilds it.
//!
//! - [`attestation`]: the *attestation de fréquentation* (one A4 page, French with English lines);
//! - [`data_protection`]: the French summary of a person's file for their right of access, and the
//!   letter deciding a request about their data;
//! - [`information_letter`]: the letter the commune hands over at the title order (rule 4.1);
//! - [`statistics`]: the published statistics as CSV and as an SVG bar chart;
//! - [`statistics_report`]: the statistics report of a CRI or of the Region for a period (PDF);
//! - [`verification`]: the signed offline payload of its QR code, and the QR code itself;
//! - [`page`]: the small page layout over `pdf-writer` (embedded, subset DejaVu fonts);
//! - [`template`]: the plain-text templates in `templates/`.

pub mod attestation;
pub mod data_protection;
mod flow;
pub mod information_letter;
pub mod invitation_letter;
pub mod page;
pub mod reminder_letter;
pub mod sanction_documents;
pub mod statistics;
pub mod statistics_report;
pub mod template;
pub mod training_certificate;
pub mod verification;

use std::fmt;

/// The signature crate, for callers that hold keys (the API) and verifiers.
pub use ed25519_dalek;

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// A bundled font could not be read or subset.
    Font(String),
    /// The template lacks a text or is malformed.
    Template(String),
    /// The QR code cannot hold the text.
    Qr(String),
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentError::Font(m) => write!(f, "font: {m}"),
            DocumentError::Template(m) => write!(f, "template: {m}"),
            DocumentError::Qr(m) => write!(f, "QR code: {m}"),
        }
    }
}

impl std::error::Error for DocumentError {}
