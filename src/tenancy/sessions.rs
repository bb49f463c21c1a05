//! Users' session standing, cached per user for a few seconds so checking
//! an access token costs no database round trip on the hot path (see
//! `auth::sessions`, which loads it and decides). Every change to it is
//! announced (`cluster::Event::User`) and clears the entry on every node.
//!
//! Misses are read in batches. When a whole intake presses "start" in the
//! same minute every token is new to the cache; instead of one query per
//! request, one read is in flight at a time and the users who miss while it
//! runs wait for the next one, which reads them all (`WHERE id IN (...)`).
//! Alone, a miss is read at once; under load a batch holds as many users as
//! arrived during one round trip.

use sea_orm::DbErr;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use uuid::Uuid;

/// How long a user's cached standing is trusted without an announcement.
const CACHE_TTL: Duration = Duration::from_secs(10);
const MAX_ENTRIES: usize = 100_000;
/// The most users one batched read asks for.
const MAX_BATCH: usize = 500;

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

/// What a waiting miss is told: its standing (or the read's error), or
/// that it leads the next read.
enum Turn {
    Ready(Result<Option<Standing>, String>),
    Lead,
}

/// Misses waiting for the next read; `busy` while a read is in flight.
#[derive(Default)]
struct Queue {
    busy: bool,
    waiting: Vec<(Uuid, oneshot::Sender<Turn>)>,
}

#[derive(Default)]
pub struct Sessions {
    /// Bumped by every `forget`/`clear`, so a lookup that raced with one
    /// does not store what it read before the change.
    generation: AtomicU64,
    entries: RwLock<HashMap<Uuid, (Standing, Instant)>>,
    queue: Mutex<Queue>,
}

impl Sessions {
    /// The user's standing (cached), or `None` if there is no such user.
    /// `load` reads the standings of the users it is given (at most
    /// `MAX_BATCH`) from the database; users it does not return do not exist.
    pub async fn standing<F, Fut>(&self, user_id: Uuid, load: F) -> Result<Option<Standing>, DbErr>
    where
        F: Fn(Vec<Uuid>) -> Fut,
        Fut: Future<Output = Result<HashMap<Uuid, Standing>, DbErr>>,
    {
        loop {
            if let Some(standing) = self.cached(user_id) {
                return Ok(Some(standing));
            }
            let receiver = {
                let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
                if queue.busy {
                    let (sender, receiver) = oneshot::channel();
                    queue.waiting.push((user_id, sender));
                    Some(receiver)
                } else {
                    queue.busy = true;
                    None
                }
            };
            if let Some(receiver) = receiver {
                match receiver.await {
                    Ok(Turn::Ready(result)) => return result.map_err(DbErr::Custom),
                    Ok(Turn::Lead) => {}
                    // The leader was cancelled with this miss in its batch: ask again.
                    Err(_) => continue,
                }
            }
            return self.lead(user_id, &load).await;
        }
    }

    /// Reads this user and every user waiting, answers the waiting ones and
    /// hands the next read to whoever missed meanwhile.
    async fn lead<F, Fut>(&self, user_id: Uuid, load: &F) -> Result<Option<Standing>, DbErr>
    where
        F: Fn(Vec<Uuid>) -> Fut,
        Fut: Future<Output = Result<HashMap<Uuid, Standing>, DbErr>>,
    {
        let mut handoff = Handoff { queue: &self.queue };
        let batch: Vec<(Uuid, oneshot::Sender<Turn>)> = {
            let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            let take = queue.waiting.len().min(MAX_BATCH - 1);
            queue.waiting.drain(..take).collect()
        };
        let mut ids: Vec<Uuid> = batch.iter().map(|(id, _)| *id).chain([user_id]).collect();
        ids.sort_unstable();
        ids.dedup();
        let generation = self.generation.load(Ordering::SeqCst);
        let loaded = load(ids).await;
        if let Ok(found) = &loaded {
            self.store(found, generation);
        }
        for (id, sender) in batch {
            let answer = match &loaded {
                Ok(found) => Ok(found.get(&id).cloned()),
                Err(err) => Err(err.to_string()),
            };
            let _ = sender.send(Turn::Ready(answer));
        }
        handoff.pass();
        std::mem::forget(handoff);
        loaded.map(|mut found| found.remove(&user_id))
    }

    fn cached(&self, user_id: Uuid) -> Option<Standing> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&user_id)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(standing, _)| standing.clone())
    }

    fn store(&self, found: &HashMap<Uuid, Standing>, generation: u64) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if entries.len() + found.len() > MAX_ENTRIES {
            entries.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
            if entries.len() + found.len() > MAX_ENTRIES {
                entries.clear();
            }
        }
        let now = Instant::now();
        for (id, standing) in found {
            entries.insert(*id, (standing.clone(), now));
        }
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

/// Passes the lead on when a read ends, also when the leading request is
/// cancelled mid-read (its dropped batch asks again): a waiting miss never
/// waits for a read nobody will make.
struct Handoff<'a> {
    queue: &'a Mutex<Queue>,
}

impl Handoff<'_> {
    fn pass(&mut self) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        while !queue.waiting.is_empty() {
            let (_, next) = queue.waiting.remove(0);
            if next.send(Turn::Lead).is_ok() {
                return;
            }
        }
        queue.busy = false;
    }
}

impl Drop for Handoff<'_> {
    fn drop(&mut self) {
        self.pass();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    fn standing(branch: Uuid) -> Standing {
        Standing {
            branch_id: branch,
            role: "trainee".into(),
            active: true,
            tokens_valid_after: None,
            locale: "en".into(),
        }
    }

    /// A slow database: each read takes 20 ms and knows `known` users.
    async fn read(known: Arc<HashMap<Uuid, Standing>>, reads: Arc<AtomicUsize>, ids: Vec<Uuid>) -> Result<HashMap<Uuid, Standing>, DbErr> {
        reads.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok(ids.into_iter().filter_map(|id| known.get(&id).map(|s| (id, s.clone()))).collect())
    }

    #[tokio::test]
    async fn misses_that_arrive_together_are_read_in_few_batches_and_each_gets_its_own() {
        let sessions = Arc::new(Sessions::default());
        let known: Arc<HashMap<Uuid, Standing>> = Arc::new((0..200).map(|_| (Uuid::new_v4(), standing(Uuid::new_v4()))).collect());
        let reads = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for (&id, expected) in known.iter() {
            let (sessions, known, reads, expected) = (sessions.clone(), known.clone(), reads.clone(), expected.branch_id);
            tasks.push(tokio::spawn(async move {
                let got = sessions.standing(id, |ids| read(known.clone(), reads.clone(), ids)).await.unwrap();
                assert_eq!(got.map(|s| s.branch_id), Some(expected));
            }));
        }
        let stranger = Uuid::new_v4();
        let none = sessions
            .standing(stranger, |ids| read(known.clone(), reads.clone(), ids))
            .await
            .unwrap();
        assert!(none.is_none(), "a user the database does not know has no standing");
        for t in tasks {
            t.await.unwrap();
        }
        let n = reads.load(Ordering::SeqCst);
        assert!(n < 20, "201 misses took {n} reads");
        // Everyone is cached now: no further read.
        let (&id, _) = known.iter().next().unwrap();
        sessions.standing(id, |ids| read(known.clone(), reads.clone(), ids)).await.unwrap();
        assert_eq!(reads.load(Ordering::SeqCst), n);
    }

    #[tokio::test]
    async fn a_cancelled_read_leaves_nobody_waiting() {
        let sessions = Arc::new(Sessions::default());
        let known: Arc<HashMap<Uuid, Standing>> = Arc::new((0..20).map(|_| (Uuid::new_v4(), standing(Uuid::new_v4()))).collect());
        let reads = Arc::new(AtomicUsize::new(0));
        let ids: Vec<Uuid> = known.keys().copied().collect();
        // The first miss leads a read and is cancelled in the middle of it.
        let leader = {
            let (sessions, known, reads, id) = (sessions.clone(), known.clone(), reads.clone(), ids[0]);
            tokio::spawn(async move { sessions.standing(id, |ids| read(known.clone(), reads.clone(), ids)).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        let mut tasks = Vec::new();
        for &id in &ids[1..] {
            let (sessions, known, reads) = (sessions.clone(), known.clone(), reads.clone());
            tasks.push(tokio::spawn(async move {
                sessions.standing(id, |ids| read(known.clone(), reads.clone(), ids)).await
            }));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        leader.abort();
        for t in tasks {
            let got = tokio::time::timeout(Duration::from_secs(5), t)
                .await
                .expect("no waiter hangs")
                .unwrap()
                .unwrap();
            assert!(got.is_some());
        }
    }

    #[tokio::test]
    async fn a_failed_read_fails_every_miss_in_it_and_the_next_read_is_tried_again() {
        let sessions = Sessions::default();
        let id = Uuid::new_v4();
        let failed = sessions
            .standing(id, |_| async { Err::<HashMap<Uuid, Standing>, _>(DbErr::Custom("down".into())) })
            .await;
        assert!(failed.is_err());
        let ok = sessions
            .standing(id, |_| async move { Ok(HashMap::from([(id, standing(Uuid::nil()))])) })
            .await
            .unwrap();
        assert!(ok.is_some());
    }
}
