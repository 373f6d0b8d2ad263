//! The application: routes (with their OpenAPI description), error handling, middleware. `serve`, the
//! tests and `parcours openapi` all build it here.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::openapi::ApiDoc;
use crate::problem::{self, ApiError};
use crate::state::AppState;
use crate::{conditional, handlers, request};

/// The contract, from the same registration as the app.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let api =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(handlers::configure).split_for_parts().1;
    crate::openapi::finish(api)
}

async fn unknown_route(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    // A known path with another method is a 405 with the methods it has (`Allow`); anything else a 404.
    static TEMPLATES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| {
        openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allowed: Vec<&str> = methods.iter().filter(|(_, has)| *has).map(|(name, _)| *name).collect();
                (template.clone(), allowed.join(", "))
            })
            .collect()
    });
    // Two templates can match one path (`/v1/persons/{id}` and `/v1/persons/merges`): the most literal one
    // is the route, as in the router.
    let route = templates
        .iter()
        .filter(|(template, _)| path_matches(template, req.path()))
        .min_by_key(|(template, _)| template.matches('{').count());
    Err(match route {
        None => ApiError::RouteNotFound,
        Some((_, allowed)) => ApiError::MethodNotAllowed(allowed.clone()),
    })
}

fn path_matches(template: &str, path: &str) -> bool {
    let a: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let b: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    a.len() == b.len() && a.iter().zip(&b).all(|(t, p)| t.starts_with('{') || t == p)
}

/// The whole application with its state.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let max_body = state.config.max_body_bytes;
    let (app, api) =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(handlers::configure).split_for_parts();
    app.app_data(state.verifier.clone())
        .app_data(web::Data::from(std::sync::Arc::clone(&state.clock)))
        .app_data(state)
        .app_data(web::JsonConfig::default().limit(max_body).error_handler(problem::json_error))
        .app_data(web::QueryConfig::default().error_handler(problem::query_error))
        .app_data(web::PathConfig::default().error_handler(problem::path_error))
        .app_data(web::PayloadConfig::new(max_body))
        .service(web::redirect("/docs", "/docs/"))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", crate::openapi::finish(api)))
        .default_service(web::to(unknown_route))
        .wrap(from_fn(conditional::around))
        .wrap(from_fn(request::sandbox_clock))
        .wrap(from_fn(request::limit))
        .wrap(from_fn(request::around))
}
