//! The project feed: every step of the ILI projects as a typed event (`parcours_domain::local_integration::ProjectEventKind`),
//! for the applicant, the competent CRI and the Region.

pub mod list;
