//! Which published exam a branch may sit, remembered for a few seconds.
//!
//! Every press of "start" looks up the exam and whether the caller's branch
//! may see it (published, its course offered to the branch). On an exam day
//! ten thousand presses ask the same few questions, so the answer is kept
//! per exam and branch, like the catalogue's cached pages: any catalogue or
//! exam change (`cluster::Event::Catalogue`, announced by course, offering
//! and exam commands on every node) empties it at once, and `TTL` bounds
//! what a lost announcement can leave behind. Headquarters always reads the
//! database.

use super::ExamError;
use super::exam_entity as exam;
use super::service::find_exam;
use crate::state::AppState;
use crate::tenancy::Caller;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

const TTL: Duration = Duration::from_secs(5);
/// Unknown exam ids are remembered too (briefly); past this many entries
/// everything is forgotten rather than grow.
const MAX_ENTRIES: usize = 10_000;

/// (catalogue generation, when, the exam or `None` when the branch may not
/// see it).
type Entry = (u64, Instant, Option<exam::Model>);

fn entries() -> &'static Mutex<HashMap<(Uuid, Uuid), Entry>> {
    static ENTRIES: OnceLock<Mutex<HashMap<(Uuid, Uuid), Entry>>> = OnceLock::new();
    ENTRIES.get_or_init(Mutex::default)
}

/// The exam if the caller may see it (`service::find_exam`'s rule), from
/// the cache when it is fresh.
pub(crate) async fn find_for_start(state: &AppState, caller: &Caller, id: Uuid) -> Result<exam::Model, ExamError> {
    if caller.is_hq() {
        return find_exam(&state.db, caller, id).await;
    }
    let key = (id, caller.branch_id);
    // Read before the database, so that a change committed meanwhile is
    // never stored as fresh.
    let generation = state.catalogue.generation();
    {
        let map = entries().lock().unwrap_or_else(|p| p.into_inner());
        if let Some((g, at, row)) = map.get(&key)
            && *g == generation
            && at.elapsed() < TTL
        {
            return row.clone().ok_or(ExamError::NotFound);
        }
    }
    let found = match find_exam(&state.db, caller, id).await {
        Ok(row) => Some(row),
        Err(ExamError::NotFound) => None,
        Err(err) => return Err(err),
    };
    let mut map = entries().lock().unwrap_or_else(|p| p.into_inner());
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, (generation, Instant::now(), found.clone()));
    found.ok_or(ExamError::NotFound)
}
