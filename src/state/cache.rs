//! A short-lived cache of catalogue reads. Trainees on slow links reload the
//! catalogue constantly; the same branch, language and page give the same
//! bytes, so they are kept for a few seconds. Any catalogue change empties
//! the cache at once, on every node (`cluster::Event::Catalogue`); `TTL`
//! only bounds what a lost announcement can leave behind.
//!
//! Keys are built from what changes the answer (see `courses::routes`), never
//! from the raw URL, and the cache is bounded in entries and in bytes: when
//! full, expired entries go first, then everything.

use actix_web::web::Bytes;
use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub(crate) const TTL: Duration = Duration::from_secs(5);
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Bodies and keys together.
pub(crate) const MAX_BYTES: usize = 64 * 1024 * 1024;

type Entry = (u64, Instant, Bytes, String);

#[derive(Default)]
struct Entries {
    map: HashMap<String, Entry>,
    bytes: usize,
}

fn size_of(key: &str, entry: &Entry) -> usize {
    key.len() + entry.2.len() + entry.3.len()
}

#[derive(Default)]
pub struct CatalogueCache {
    generation: AtomicU64,
    entries: RwLock<Entries>,
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
        let (g, at, body, etag) = entries.map.get(key)?;
        (*g == generation && at.elapsed() < TTL).then(|| (body.clone(), etag.clone()))
    }

    /// Stores a body computed when the generation was `generation` (read
    /// before computing, so a change committed meanwhile is never cached).
    pub fn put(&self, key: String, generation: u64, body: Bytes, etag: String) {
        let entry = (generation, Instant::now(), body, etag);
        let size = size_of(&key, &entry);
        if size > MAX_BYTES {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = entries.map.remove(&key) {
            entries.bytes -= size_of(&key, &old);
        }
        let full = |e: &Entries| e.map.len() >= MAX_ENTRIES || e.bytes + size > MAX_BYTES;
        if full(&entries) {
            entries.map.retain(|_, (_, at, _, _)| at.elapsed() < TTL);
            entries.bytes = entries.map.iter().map(|(k, e)| size_of(k, e)).sum();
            if full(&entries) {
                *entries = Entries::default();
            }
        }
        entries.bytes += size;
        entries.map.insert(key, entry);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// How many answers are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|p| p.into_inner()).map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_bytes_stay_bounded() {
        let cache = CatalogueCache::default();
        for i in 0..MAX_ENTRIES + 10 {
            cache.put(format!("k{i}"), 0, Bytes::from_static(b"{}"), "e".into());
            assert!(cache.len() <= MAX_ENTRIES);
        }
        let big = Bytes::from(vec![b' '; MAX_BYTES / 3]);
        for i in 0..10 {
            cache.put(format!("big{i}"), 0, big.clone(), "e".into());
            assert!(cache.entries.read().unwrap().bytes <= MAX_BYTES);
        }
        assert!(cache.get("big9").is_some());
        // Replacing a key does not count it twice.
        cache.put("big9".into(), 0, big.clone(), "e".into());
        let entries = cache.entries.read().unwrap();
        assert_eq!(entries.bytes, entries.map.iter().map(|(k, e)| size_of(k, e)).sum::<usize>());
    }
}
