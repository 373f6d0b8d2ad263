//! One file per endpoint, grouped by resource. Registration here is the single source of both the routes
//! and the OpenAPI contract.

use utoipa_actix_web::service_config::ServiceConfig;

pub mod arrivals;
pub mod determinations;
pub mod health;
pub mod persons;
pub mod reference;

/// Registers every endpoint (used by `serve`, by the tests and by `parcours openapi`).
pub fn configure(config: &mut ServiceConfig) {
    config.service(health::live).service(health::ready).service(
        utoipa_actix_web::scope("/v1")
            .service(determinations::simulate::simulate_determination)
            .service(arrivals::create::create_arrival)
            .service(arrivals::list::list_arrivals)
            .service(arrivals::get::get_arrival)
            .service(persons::list_determinations::list_person_determinations)
            .service(reference::list_cris::list_cris)
            .service(reference::list_communes::list_communes)
            .service(reference::create_cri_assignment::create_cri_assignment),
    );
}
