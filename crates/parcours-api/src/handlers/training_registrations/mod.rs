//! A practitioner's registration: the withdrawal (which gives the place to the first on the waiting list)
//! and the participation certificate.

pub mod create_withdrawal;
pub mod get_certificate;
