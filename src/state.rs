//! What every handler and background task shares.

use crate::auth::keys::KeyRing;
use crate::auth::throttle::Throttle;
use crate::clock::Clock;
use crate::config::Config;
use crate::http::metrics::Metrics;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub clock: Clock,
    pub keys: Arc<KeyRing>,
    pub throttle: Arc<Throttle>,
    /// Limits scraping of the public verify page.
    pub verify_limiter: Arc<crate::http::rate_limit::RateLimiter>,
    /// Recent catalogue reads.
    pub catalogue: Arc<crate::courses::cache::CatalogueCache>,
    /// Users' session standing, for checking access tokens.
    pub sessions: Arc<crate::auth::sessions::Sessions>,
}
