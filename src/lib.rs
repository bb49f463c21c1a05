//! Zhijiang (智匠): the REST backend of an international network of EV
//! technician academies. `app` builds the HTTP application; the binary in
//! `main.rs` and the integration tests both use it.

pub(crate) mod audit;
pub mod auth;
pub mod bootstrap;
pub mod branches;
pub(crate) mod certificates;
pub(crate) mod clock;
pub mod cluster;
pub(crate) mod cohorts;
pub(crate) mod command;
pub mod config;
pub(crate) mod courses;
pub mod crypto;
pub mod db;
pub(crate) mod delivery;
pub mod demo;
pub(crate) mod employers;
pub(crate) mod enrolments;
pub mod error;
pub mod exams;
pub mod http;
pub mod i18n;
pub(crate) mod jobs;
pub mod media;
pub(crate) mod net;
pub mod notifications;
pub(crate) mod num;
pub(crate) mod offline;
pub(crate) mod ops;
pub(crate) mod orgs;
pub(crate) mod pages;
pub(crate) mod practical;
pub mod progress;
pub(crate) mod reports;
pub mod serve;
pub(crate) mod signing;
pub mod state;
pub(crate) mod talent;
pub(crate) mod tenancy;
pub(crate) mod text;
pub mod users;

use crate::config::Config;
use crate::crypto::MasterKey;
use crate::error::ApiError;
use crate::error::ProblemCode;
use crate::signing::KeyRing;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpResponse, web};
use std::sync::Arc;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database at {url}: {source}")]
    Database { url: String, source: sea_orm::DbErr },
    #[error("cannot migrate the database: {0}")]
    Migration(sea_orm::DbErr),
    #[error("cannot open media storage: {0}")]
    Storage(String),
    #[error("cannot load the master key: {0}")]
    MasterKey(std::io::Error),
    #[error(
        "no master key: the database holds sealed branch signing keys, but ZHIJIANG_MASTER_KEY is not set and {} does not exist; supply the key they were sealed with (a new key would lock every branch out)",
        path.display()
    )]
    MasterKeyMissing { path: std::path::PathBuf },
    #[error(
        "wrong master key: the key from {source_name} does not open the sealed branch signing keys in the database; supply the key they were sealed with"
    )]
    MasterKeyMismatch { source_name: String },
}

/// Connects, migrates and assembles the shared state; on PostgreSQL also
/// starts listening for other nodes' cache invalidations (`cluster`).
pub async fn build_state(config: Config) -> Result<AppState, StartError> {
    let db = db::connect(&config).await.map_err(|source| StartError::Database {
        url: redact(config.database_url.expose()),
        source,
    })?;
    db::migrate(&db).await.map_err(StartError::Migration)?;
    users::manage::backfill_search_keys(&db).await.map_err(StartError::Migration)?;
    let master = master_key(&config, &db).await?;
    let media = media::Media::open(&config.media, &config.data_dir, &master).map_err(StartError::Storage)?;
    let state = AppState {
        db,
        config: Arc::new(config),
        metrics: Arc::default(),
        clock: clock::Clock::default(),
        keys: Arc::new(KeyRing::new(master)),
        media: Arc::new(media),
        counters: Arc::default(),
        catalogue: Arc::default(),
        sessions: Arc::default(),
        activity: Arc::default(),
    };
    cluster::spawn_listener(&state);
    Ok(state)
}

/// The master key, checked against the database before anything uses it: a
/// lost or wrong key would otherwise surface later as a 500 on every login.
/// A new key is generated only for a database without sealed branch keys.
async fn master_key(config: &Config, db: &sea_orm::DatabaseConnection) -> Result<MasterKey, StartError> {
    use sea_orm::{EntityTrait, QueryOrder};
    let sealed = signing::entity::Entity::find()
        .order_by_desc(signing::entity::Column::CreatedAt)
        .one(db)
        .await
        .map_err(|source| StartError::Database {
            url: redact(config.database_url.expose()),
            source,
        })?;
    let loaded = MasterKey::load(config.master_key.as_ref().map(|k| k.expose()), &config.data_dir).map_err(StartError::MasterKey)?;
    match (loaded, sealed) {
        (Some(key), None) => Ok(key),
        (None, None) => MasterKey::create_in(&config.data_dir).map_err(StartError::MasterKey),
        (None, Some(_)) => Err(StartError::MasterKeyMissing {
            path: MasterKey::file_in(&config.data_dir),
        }),
        (Some(key), Some(row)) => match key.open(&row.private_key_sealed, row.kid.as_bytes()) {
            Some(_) => Ok(key),
            None => Err(StartError::MasterKeyMismatch {
                source_name: match config.master_key {
                    Some(_) => "ZHIJIANG_MASTER_KEY".to_string(),
                    None => MasterKey::file_in(&config.data_dir).display().to_string(),
                },
            }),
        },
    }
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
/// Every route of the API, area by area; the server and the OpenAPI
/// document are both built from this one table.
pub fn routes() -> http::routes::Routes {
    let mut r = http::routes::Routes::default();
    ops::routes::routes(&mut r);
    auth::routes::routes(&mut r);
    branches::routes::routes(&mut r);
    users::routes::routes(&mut r);
    courses::routes::routes(&mut r);
    courses::assets::routes(&mut r);
    courses::uploads::routes(&mut r);
    delivery::routes(&mut r);
    offline::routes(&mut r);
    cohorts::routes::routes(&mut r);
    enrolments::routes::routes(&mut r);
    exams::routes::routes(&mut r);
    exams::windows_routes::routes(&mut r);
    progress::routes::routes(&mut r);
    certificates::routes::routes(&mut r);
    reports::audit_log::routes(&mut r);
    reports::routes::routes(&mut r);
    notifications::routes::routes(&mut r);
    orgs::routes::routes(&mut r);
    employers::routes::routes(&mut r);
    practical::routes::routes(&mut r);
    talent::routes::routes(&mut r);
    pages::routes(&mut r);
    r
}

pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error, InitError = ()>,
> {
    let data = web::Data::new(state);
    let mut app = App::new()
        .app_data(data)
        .app_data(web::Data::new(http::idempotency::Settings {
            authenticate: auth::caller::authenticate_boxed,
            upload_routes: &[enrolments::import::ROUTE],
            streamed_routes: courses::assets::UPLOAD_ROUTES,
        }))
        // Handlers read queries with `http::Query`, which names the bad
        // parameter; this is only a safety net that leaks no parser text.
        .app_data(web::QueryConfig::default().error_handler(|_, _| ApiError::bad_request(ProblemCode::InvalidQuery).into()))
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found().into()))
        .default_service(web::to(|| async { Err::<HttpResponse, ApiError>(ApiError::not_found()) }));
    let routes = routes();
    let document = ops::openapi::document(&routes);
    for resource in routes.into_resources() {
        app = app.service(resource);
    }
    app.service(
        web::resource("/docs")
            .route(web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish() })),
    )
    .service(utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", document))
    .wrap(from_fn(http::idempotency::idempotency))
    // Outside every layer that can refuse a request, so all of them answer
    // in the caller's language.
    .wrap(from_fn(http::problem::problem_documents))
    .wrap(Compress::default())
    .wrap(from_fn(http::metrics::record))
    .wrap(from_fn(http::request_id::request_id))
    .wrap(from_fn(http::security_headers::security_headers))
}
