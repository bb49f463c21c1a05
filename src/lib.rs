//! Zhijiang (智匠): the REST backend of an international network of EV
//! technician academies. `app` builds the HTTP application; the binary in
//! `main.rs` and the integration tests both use it.

pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod branches;
pub mod certificates;
pub mod clock;
pub mod cluster;
pub mod cohorts;
pub mod config;
pub mod courses;
pub mod db;
pub mod demo;
pub mod enrolments;
pub mod error;
pub mod exams;
pub mod http;
pub mod i18n;
pub mod notifications;
pub mod ops;
pub mod reports;
pub mod serve;
pub mod state;
pub mod users;

use crate::auth::crypto::MasterKey;
use crate::auth::keys::KeyRing;
use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpResponse, web};
use std::sync::Arc;
use utoipa::OpenApi;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database at {url}: {source}")]
    Database { url: String, source: sea_orm::DbErr },
    #[error("cannot migrate the database: {0}")]
    Migration(sea_orm::DbErr),
    #[error("cannot load the master key: {0}")]
    MasterKey(std::io::Error),
}

/// Connects, migrates and assembles the shared state; on PostgreSQL also
/// starts listening for other nodes' cache invalidations (`cluster`).
pub async fn build_state(config: Config) -> Result<AppState, StartError> {
    let db = db::connect(&config).await.map_err(|source| StartError::Database {
        url: redact(&config.database_url),
        source,
    })?;
    db::migrate(&db).await.map_err(StartError::Migration)?;
    let master = MasterKey::load_or_create(config.master_key.as_deref(), &config.data_dir).map_err(StartError::MasterKey)?;
    let throttle = auth::throttle::Throttle::new(config.login_failures_per_account, config.login_attempts_per_minute);
    let verify_limiter = http::rate_limit::RateLimiter::new(config.verify_requests_per_minute);
    let state = AppState {
        db,
        config: Arc::new(config),
        metrics: Arc::default(),
        clock: clock::Clock::default(),
        keys: Arc::new(KeyRing::new(master)),
        throttle: Arc::new(throttle),
        verify_limiter: Arc::new(verify_limiter),
        catalogue: Arc::default(),
        sessions: Arc::default(),
    };
    cluster::spawn_listener(&state);
    Ok(state)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The whole HTTP application.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error, InitError = ()>,
> {
    let data = web::Data::new(state);
    App::new()
        .app_data(data)
        .app_data(web::QueryConfig::default().error_handler(|err, _| {
            let mut e = ApiError::bad_request("invalid_query");
            e.errors
                .push(crate::error::FieldError::new("query", "invalid_value").arg("reason", err.to_string()));
            e.into()
        }))
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found().into()))
        .wrap(from_fn(http::problem::problem_documents))
        .wrap(from_fn(http::idempotency::idempotency))
        .wrap(Compress::default())
        .wrap(from_fn(http::metrics::record))
        .wrap(from_fn(http::request_id::request_id))
        .configure(ops::routes::configure)
        .configure(auth::routes::configure)
        .configure(branches::routes::configure)
        .configure(users::routes::configure)
        .configure(courses::routes::configure)
        .configure(cohorts::routes::configure)
        .configure(enrolments::routes::configure)
        .configure(exams::routes::configure)
        .configure(certificates::routes::configure)
        .configure(audit::routes::configure)
        .configure(reports::routes::configure)
        .configure(notifications::routes::configure)
        .service(
            web::resource("/docs")
                .route(web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish() })),
        )
        .service(utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", ops::openapi::ApiDoc::openapi()))
        .default_service(web::to(|| async { Err::<HttpResponse, ApiError>(ApiError::not_found()) }))
}
