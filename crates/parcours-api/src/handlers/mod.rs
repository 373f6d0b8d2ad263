//! One file per endpoint, grouped by resource. Registration here is the single source of both the routes
//! and the OpenAPI contract.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod appointments;
pub mod arrivals;
pub mod attestations;
pub mod cases;
pub mod collective_sessions;
pub mod coordination_bodies;
pub mod courses;
pub mod cri_settings;
pub mod data_requests;
pub mod determinations;
pub mod enrolments;
pub mod erasure_batches;
pub mod events;
pub mod health;
pub mod identity_conflicts;
pub mod interpreting_requests;
pub mod legal_holds;
pub mod local_initiatives;
pub mod metrics;
pub mod non_compliances;
pub mod offices;
pub mod operators;
pub mod parameters;
pub mod participants;
pub mod persons;
pub mod project_applications;
pub mod project_calls;
pub mod project_events;
pub mod reference;
pub mod reminders;
pub mod sanctions;
pub mod sandbox;
pub mod simulations;
pub mod statistics;
pub mod training_registrations;
pub mod training_themes;
pub mod trainings;
pub mod webhook_subscriptions;

/// Registers every endpoint (used by `serve`, by the tests and by `parcours openapi`).
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(health::live)
        .service(health::ready)
        .service(metrics::get_metrics)
        .service(attestations::keys::get_published_keys)
        .service(attestations::page::get_verification_page)
        .service(
            utoipa_actix_web::scope("/v1")
                .service(determinations::simulate::simulate_determination)
                .service(sandbox::get::get_sandbox_clock)
                .service(sandbox::create_advance::create_sandbox_clock_advance)
                .service(webhook_subscriptions::create::create_webhook_subscription)
                .service(webhook_subscriptions::list::list_webhook_subscriptions)
                .service(webhook_subscriptions::get::get_webhook_subscription)
                .service(webhook_subscriptions::put_status::put_webhook_subscription_status)
                .service(webhook_subscriptions::get_secret::get_webhook_secret)
                .service(webhook_subscriptions::create_secret_rotation::create_webhook_secret_rotation)
                .service(webhook_subscriptions::create_replay::create_webhook_replay)
                .service(webhook_subscriptions::list_deliveries::list_webhook_deliveries)
                .service(arrivals::create::create_arrival)
                .service(arrivals::list::list_arrivals)
                .service(arrivals::get::get_arrival)
                .service(arrivals::letter::get_arrival_letter)
                .service(persons::get::get_person)
                .service(persons::list_determinations::list_person_determinations)
                .service(persons::list_identities::list_person_identities)
                .service(persons::get_access_report::get_person_access_report)
                .service(persons::get_access_package::get_person_access_package)
                .service(data_requests::create::create_data_request)
                .service(data_requests::list::list_data_requests)
                .service(data_requests::get::get_data_request)
                .service(data_requests::create_extension::create_data_request_extension)
                .service(data_requests::create_decision::create_data_request_decision)
                .service(data_requests::get_decision_letter::get_data_request_decision_letter)
                .service(legal_holds::create::create_legal_hold)
                .service(legal_holds::list::list_legal_holds)
                .service(legal_holds::create_lifting::create_legal_hold_lifting)
                .service(statistics::list_tables::list_statistics_tables)
                .service(statistics::get_release::get_statistics_release)
                .service(statistics::get_report::get_statistics_report)
                .service(simulations::create::create_simulation)
                .service(simulations::get::get_simulation)
                .service(erasure_batches::list::list_erasure_batches)
                .service(erasure_batches::create_decision::create_erasure_batch_decision)
                .service(persons::create_identity::create_person_identity)
                .service(persons::list_duplicates::list_duplicate_candidates)
                .service(persons::create_merge::create_person_merge)
                .service(identity_conflicts::list::list_identity_conflicts)
                .service(identity_conflicts::create_resolution::create_identity_conflict_resolution)
                .service(reminders::list::list_reminders)
                .service(reminders::get_letter::get_reminder_letter)
                .service(reminders::create_dispatch::create_reminder_dispatch)
                .service(non_compliances::list::list_non_compliances)
                .service(non_compliances::get::get_non_compliance)
                .service(non_compliances::create::create_case_non_compliance)
                .service(non_compliances::create_review::create_non_compliance_review)
                .service(cases::course_offer::create_case_course_offer)
                .service(cases::list_course_offers::list_case_course_offers)
                .service(sanctions::list::list_sanctions)
                .service(sanctions::get::get_sanction)
                .service(sanctions::create_step::create_sanction_step)
                .service(sanctions::get_notice::get_sanction_notice)
                .service(sanctions::get_decision::get_sanction_decision)
                .service(sanctions::get_file::get_sanction_file)
                .service(cases::create::create_case)
                .service(cases::list::list_cases)
                .service(cases::get::get_case)
                .service(cases::timeline::list_case_timeline)
                .service(cases::presentation::create_case_presentation)
                .service(cases::rights_information::create_case_rights_information)
                .service(cases::social_assessment::create_case_social_assessment)
                .service(cases::french_test::create_case_french_test)
                .service(cases::administrative_help::create_case_administrative_help)
                .service(cases::convention::create_case_convention)
                .service(cases::convention_amendment::create_case_convention_amendment)
                .service(cases::review::create_case_review)
                .service(cases::dispensation_decision::create_case_dispensation_decision)
                .service(cases::extension::create_case_extension)
                .service(cases::suspension::create_case_suspension)
                .service(cases::hours::create_case_hours)
                .service(cases::transfer::create_case_transfer)
                .service(cases::cpas::create_case_cpas)
                .service(cases::completion::create_case_completion)
                .service(cases::closure::create_case_closure)
                .service(local_initiatives::create::create_local_initiative)
                .service(local_initiatives::list::list_local_initiatives)
                .service(project_calls::create::create_project_call)
                .service(project_calls::list::list_project_calls)
                .service(project_calls::get::get_project_call)
                .service(project_calls::create_application::create_project_application)
                .service(project_applications::list::list_project_applications)
                .service(project_applications::get::get_project_application)
                .service(project_applications::create_version::create_project_application_version)
                .service(project_applications::create_step::create_project_step)
                .service(project_events::list::list_project_events)
                .service(coordination_bodies::create::create_coordination_body)
                .service(coordination_bodies::list::list_coordination_bodies)
                .service(coordination_bodies::get::get_coordination_body)
                .service(coordination_bodies::create_meeting::create_coordination_meeting)
                .service(training_themes::create::create_training_theme)
                .service(training_themes::list::list_training_themes)
                .service(trainings::create::create_training)
                .service(trainings::list::list_trainings)
                .service(trainings::get::get_training)
                .service(trainings::create_registration::create_training_registration)
                .service(trainings::create_attendance::create_training_attendance)
                .service(trainings::list_statistics::list_training_statistics)
                .service(training_registrations::create_withdrawal::create_training_withdrawal)
                .service(training_registrations::get_certificate::get_training_certificate)
                .service(offices::create::create_office)
                .service(offices::list::list_offices)
                .service(offices::get::get_office)
                .service(offices::put::put_office)
                .service(offices::create_slots::create_office_slots)
                .service(offices::list_day::list_office_day)
                .service(offices::get_calendar::get_office_calendar)
                .service(offices::create_session::create_office_session)
                .service(appointments::create::create_case_appointment)
                .service(appointments::list_of_case::list_case_appointments)
                .service(appointments::get::get_appointment)
                .service(appointments::create_rescheduling::create_appointment_rescheduling)
                .service(appointments::create_cancellation::create_appointment_cancellation)
                .service(appointments::create_outcome::create_appointment_outcome)
                .service(appointments::get_invitation_letter::get_appointment_invitation_letter)
                .service(collective_sessions::get::get_collective_session)
                .service(collective_sessions::create_enrolment::create_collective_session_enrolment)
                .service(collective_sessions::create_attendance::create_collective_session_attendance)
                .service(interpreting_requests::create::create_interpreting_request)
                .service(interpreting_requests::list::list_interpreting_requests)
                .service(interpreting_requests::get::get_interpreting_request)
                .service(interpreting_requests::create_status_change::create_interpreting_status_change)
                .service(attestations::issue::create_case_attestation)
                .service(attestations::list::list_case_attestations)
                .service(attestations::get::get_attestation)
                .service(attestations::copy::create_attestation_copy)
                .service(attestations::revocation::create_attestation_revocation)
                .service(attestations::verification::get_attestation_verification)
                .service(attestations::verification::create_attestation_verification)
                .service(cri_settings::get_cri_settings)
                .service(cri_settings::put_cri_settings)
                .service(events::list::list_events)
                .service(operators::create::create_operator)
                .service(operators::get::get_operator)
                .service(courses::create::create_course)
                .service(courses::list::list_courses)
                .service(courses::get::get_course)
                .service(courses::participants::list_course_participants)
                .service(courses::enrolment::create_course_enrolment)
                .service(courses::attendance::create_course_attendance)
                .service(courses::attendance_history::list_course_attendance)
                .service(enrolments::get::get_enrolment)
                .service(enrolments::withdrawal::create_enrolment_withdrawal)
                .service(enrolments::completion::create_enrolment_completion)
                .service(participants::inquiry::create_participant_inquiry)
                .service(reference::list_cris::list_cris)
                .service(reference::list_communes::list_communes)
                .service(reference::create_cri_assignment::create_cri_assignment)
                .service(parameters::list::list_parameters)
                .service(parameters::create_value::create_parameter_value)
                .service(parameters::list_reviews::list_parameter_reviews),
        );
}
