//! What every handler and background task shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::http::metrics::Metrics;
use crate::signing::KeyRing;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub clock: Clock,
    pub keys: Arc<KeyRing>,
    /// Login throttles and rate limits, counted in the database.
    pub counters: Arc<crate::http::counters::Counters>,
    /// Recent catalogue reads.
    pub catalogue: Arc<crate::http::cache::CatalogueCache>,
    /// Users' session standing, for checking access tokens.
    pub sessions: Arc<crate::tenancy::sessions::Sessions>,
}
