//! Users' session standing, cached per user for a few seconds so checking
//! an access token costs no database round trip on the hot path (see
//! `auth::sessions`, which loads it and decides). Every change to it is
//! announced (`cluster::Event::User`) and clears the entry on every node.

use sea_orm::DbErr;
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a user's cached standing is trusted without an announcement.
const CACHE_TTL: Duration = Duration::from_secs(10);
const MAX_ENTRIES: usize = 100_000;

/// What the check needs to know of a user.
#[derive(Clone, Debug)]
pub struct Standing {
    pub branch_id: Uuid,
    pub role: String,
    pub active: bool,
    /// Tokens with `iat` before this (Unix seconds) are refused.
    pub tokens_valid_after: Option<i64>,
    /// The user's saved locale: answers speak it from the request after a
    /// change, whatever the token says (a change is announced like the rest).
    pub locale: String,
}

#[derive(Default)]
pub struct Sessions {
    /// Bumped by every `forget`/`clear`, so a lookup that raced with one
    /// does not store what it read before the change.
    generation: AtomicU64,
    entries: RwLock<HashMap<Uuid, (Standing, Instant)>>,
}

impl Sessions {
    /// The user's standing (cached), or `None` if there is no such user;
    /// `load` reads it from the database when it is not cached.
    pub async fn standing<F, Fut>(&self, user_id: Uuid, load: F) -> Result<Option<Standing>, DbErr>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<Standing>, DbErr>>,
    {
        if let Some((standing, at)) = self.entries.read().unwrap_or_else(|p| p.into_inner()).get(&user_id)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(Some(standing.clone()));
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let Some(standing) = load().await? else {
            return Ok(None);
        };
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::SeqCst) == generation {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(user_id, (standing.clone(), Instant::now()));
        }
        Ok(Some(standing))
    }

    /// Drops one user's entry (their sessions ended or they changed).
    pub fn forget(&self, user_id: Uuid) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.remove(&user_id);
    }

    pub fn clear(&self) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.clear();
    }
}
