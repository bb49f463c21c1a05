//! What every handler and background task shares, and the in-memory parts
//! it holds: metrics and heartbeats, the database-backed throttle counters,
//! and the catalogue cache.

pub(crate) mod activity;
pub(crate) mod cache;
pub(crate) mod counters;
pub(crate) mod heartbeats;
pub(crate) mod metrics;

use crate::clock::Clock;
use crate::config::Config;
use crate::signing::KeyRing;
use metrics::Metrics;
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
    pub counters: Arc<counters::Counters>,
    /// Recent catalogue reads.
    pub catalogue: Arc<cache::CatalogueCache>,
    /// Users' session standing, for checking access tokens.
    pub sessions: Arc<crate::tenancy::sessions::Sessions>,
    /// Enrolment activity times from the exam's hot paths, written in batches.
    pub activity: Arc<activity::ActivityTimes>,
    /// Media storage, links and limits.
    pub media: Arc<crate::media::Media>,
}
