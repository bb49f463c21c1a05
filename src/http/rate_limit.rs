//! A per-client fixed-window rate limit for public endpoints that must
//! survive scraping (the certificate verify page). Counted in the database so
//! N nodes allow what one would; a client over its limit is then refused from
//! memory until the window ends, without touching the database.

use crate::error::ApiError;
use crate::http::client_address::throttle_key;
use crate::state::AppState;
use crate::state::counters::{self, Hit};
use std::net::IpAddr;
use std::time::Duration;

const WINDOW: Duration = Duration::from_secs(60);

/// Counts a request from `client` to `scope`; 429 with the wait when over `per_minute`.
pub(crate) async fn check(state: &AppState, scope: &str, client: IpAddr, per_minute: u32) -> Result<(), ApiError> {
    let now = state.clock.now().timestamp_millis();
    let key = counters::key(&["rate", scope, &throttle_key(client)]);
    if let Some(until) = state.counters.refused_until(&key, now) {
        return Err(ApiError::too_many_requests(counters::seconds_until(until, now)));
    }
    let hit = Hit {
        key: &key,
        add: 1,
        window: WINDOW,
    };
    let count = state.counters.hit(&state.db, &[hit], now).await?.pop().unwrap_or_default();
    if count.hits > i64::from(per_minute.max(1)) {
        state.counters.remember_refusal(&key, count.window_ends_at, now);
        return Err(ApiError::too_many_requests(count.seconds_left(now)));
    }
    Ok(())
}
