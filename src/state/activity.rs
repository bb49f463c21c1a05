//! Enrolment activity times waiting to be written: the data only. Recording,
//! scheduling and writing them is the enrolments area's
//! (`enrolments::activity_buffer`), which explains why they wait.

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::sync::atomic::{AtomicBool, Ordering};
use uuid::Uuid;

/// A pending time: the latest recorded, and how much older the stored one
/// must be to be rewritten.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    pub(crate) at: DateTime<Utc>,
    pub(crate) resolution_seconds: i64,
}

#[derive(Default)]
pub struct ActivityTimes {
    pending: Mutex<HashMap<Uuid, Pending>>,
    /// A write is scheduled (at most one at a time per process).
    scheduled: AtomicBool,
}

impl ActivityTimes {
    /// Keeps the latest time per enrolment and the finest resolution.
    pub(crate) fn note(&self, enrolment_id: Uuid, step: Pending) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        merge(&mut pending, enrolment_id, step);
    }

    /// Everything pending, leaving nothing behind.
    pub(crate) fn take(&self) -> Vec<(Uuid, Pending)> {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.drain().collect()
    }

    /// Times a failed write could not store, merged with newer ones.
    pub(crate) fn put_back(&self, items: &[(Uuid, Pending)]) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        for (id, step) in items {
            merge(&mut pending, *id, *step);
        }
    }

    /// True when the caller should schedule the write (none is scheduled).
    pub(crate) fn claim_schedule(&self) -> bool {
        !self.scheduled.swap(true, Ordering::AcqRel)
    }

    /// The scheduled write is about to run: later notes schedule another.
    pub(crate) fn release_schedule(&self) {
        self.scheduled.store(false, Ordering::Release);
    }
}

fn merge(pending: &mut HashMap<Uuid, Pending>, id: Uuid, step: Pending) {
    let entry = pending.entry(id).or_insert(step);
    entry.at = entry.at.max(step.at);
    entry.resolution_seconds = entry.resolution_seconds.min(step.resolution_seconds);
}
