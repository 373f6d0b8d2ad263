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
use crate::{handlers, request};

/// The contract, from the same registration as the app.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let api =
        App::new().into_utoipa_app().openapi(ApiDoc::openapi()).configure(handlers::configure).split_for_parts().1;
    crate::openapi::declare_public_operations(api)
}

async fn unknown_route(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    // A known path with another method is a 405; anything else a 404.
    static TEMPLATES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let templates = TEMPLATES.get_or_init(|| openapi().paths.paths.keys().cloned().collect());
    let known = templates.iter().any(|template| path_matches(template, req.path()));
    Err(if known { ApiError::MethodNotAllowed } else { ApiError::RouteNotFound })
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
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", crate::openapi::declare_public_operations(api)))
        .default_service(web::to(unknown_route))
        .wrap(from_fn(request::around))
}
