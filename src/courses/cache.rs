//! A short-lived cache of catalogue reads. Trainees on slow links reload the
//! catalogue constantly; the same branch, language and page give the same
//! bytes, so they are kept for a few seconds. Any catalogue change empties
//! the cache at once, on every node (`cluster::Event::Catalogue`); `TTL`
//! only bounds what a lost announcement can leave behind.

use actix_web::web::Bytes;
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(5);
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct CatalogueCache {
    generation: AtomicU64,
    entries: RwLock<HashMap<String, (u64, Instant, Bytes, String)>>,
}

impl CatalogueCache {
    /// Forgets everything (after a catalogue change commits).
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The cached body and its ETag.
    pub fn get(&self, key: &str) -> Option<(Bytes, String)> {
        let generation = self.generation.load(Ordering::SeqCst);
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let (g, at, body, etag) = entries.get(key)?;
        (*g == generation && at.elapsed() < TTL).then(|| (body.clone(), etag.clone()))
    }

    /// Stores a body computed when the generation was `generation` (read
    /// before computing, so a change committed meanwhile is never cached).
    pub fn put(&self, key: String, generation: u64, body: Bytes, etag: String) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, at, _, _)| at.elapsed() < TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (generation, Instant::now(), body, etag));
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}
