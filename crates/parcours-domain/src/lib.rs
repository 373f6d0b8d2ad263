//! # parcours-domain
//!
//! The rules of the Walloon integration pathway for newcomers (*parcours d'intégration des
//! primo-arrivants*), as pure code: no IO, no database, no web framework, no clock. Time is a parameter
//! (`as_of`), reference data is passed in, and every decision comes with the clauses that fired, each with
//! its article, regime and a plain explanation in French and English.
//!
//! Find a rule by its legal name:
//! - who is a *primo-arrivant*, exempt, dispensed or obliged: [`determination`] (CWASS art. 150, 152/7);
//! - the regimes R2014, R2016, R2018, R2024 and their hours and periods: [`regime`];
//! - the dispensation catalogue D1-D10 and the historical ones: [`dispensation`];
//! - the open quantities of the law (UNCONFIRMED), dated: [`parameters`];
//! - UE+ membership by date: [`ue_plus`]; residence cards: [`residence`]; national number: [`niss`];
//! - communes, language regions and CRIs: [`reference`]; month arithmetic: [`dates`];
//! - the *attestation de fréquentation*, its eligibility and serial: [`attestation`];
//! - the CRI case as a state machine: [`case`]; what an arrival or a walk-in does to it: [`intake`];
//! - the training operators and their attendance lines: [`operator`];
//! - how closed value lists are written as stable codes: [`codes`];
//! - the social notes and dispensation evidence kept sealed (GDPR art. 9): [`confidential`];
//! - every kind of case step with its basis, texts, audiences and feed payloads: [`events`];
//! - a person's identity through time, conflicts, duplicates and merges: [`identity`];
//! - reminders before the presentation and completion deadlines: [`reminders`];
//! - statistical disclosure control (primary and secondary cell suppression): [`disclosure`];
//! - the catalogue of published statistics and how a release is built: [`statistics`];
//! - the Region's policy simulation over stored facts: [`simulation`];
//! - storage limitation: when a file is due for erasure and what blocks it: [`retention`];
//! - the person's requests about their data (access, rectification, restriction, erasure): [`data_requests`];
//! - signed webhooks (Standard Webhooks, CloudEvents): receivers' addresses, retries, envelope: [`webhooks`].

pub mod attestation;
pub mod case;
pub mod codes;
pub mod confidential;
pub mod data_requests;
pub mod dates;
pub mod determination;
pub mod disclosure;
pub mod dispensation;
pub mod events;
pub mod identity;
pub mod intake;
pub mod law;
pub mod local_coordination;
pub mod local_integration;
pub mod nationality;
pub mod niss;
pub mod non_compliance;
pub mod operator;
pub mod parameters;
pub mod practitioner_training;
pub mod reasons;
pub mod reevaluation;
pub mod reference;
pub mod regime;
pub mod reminders;
pub mod residence;
pub mod retention;
pub mod rules_doc;
pub mod sanction;
pub mod simulation;
pub mod statistics;
pub mod ue_plus;
pub mod webhooks;
pub mod welcome_office;

pub use determination::{
    Deadline, DeadlineKind, Determination, Facts, FactsError, FamilyLink, RULES_VERSION, Reason, Status, determine,
    determine_under,
};
pub use dispensation::DispensationCode;
pub use law::{Confidence, RegimeId};
pub use nationality::Nationality;
pub use niss::Niss;
pub use parameters::Parameters;
pub use reasons::ReasonCode;
pub use reevaluation::{Change, Reevaluation, reevaluate};
pub use reference::{CriCode, NisCode, ReferenceData};
pub use residence::ResidenceDocument;
