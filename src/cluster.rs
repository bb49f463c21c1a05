//! Keeping the caches of several nodes on one PostgreSQL database honest.
//!
//! Each process caches signing keys, verified tokens, users' session
//! standing and catalogue pages. A change that makes a cached answer wrong
//! (a key rotated or revoked, a user logged out, changed password or was
//! deactivated, a catalogue edit) is announced with `announce` inside the
//! transaction that makes it: PostgreSQL delivers a `NOTIFY` only when that
//! transaction commits, so no node hears of a change that was rolled back.
//! Every process runs one listener (`spawn_listener`) that clears the
//! matching entries when it hears an event. If the listening connection
//! drops, events may be lost, so every cache is emptied at once and again
//! once the listener is back.
//!
//! The node that made the change applies it itself right after its commit
//! (`Announced::apply`), without waiting for the round trip. SQLite serves a
//! single node: there the announcement is only applied locally.

use crate::state::AppState;
use sea_orm::sea_query::{Func, Query};
use sea_orm::{ConnectionTrait, DbErr};
use std::time::Duration;
use uuid::Uuid;

/// The PostgreSQL channel every node listens on.
pub const CHANNEL: &str = "zhijiang_invalidate";

/// Something that makes cached answers wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The signing keys (or the details) of this branch changed.
    Keys(Uuid),
    /// This user's access tokens ended, or the user changed (role, status,
    /// locale).
    User(Uuid),
    /// The course catalogue changed.
    Catalogue,
}

impl Event {
    fn encode(&self) -> String {
        match self {
            Event::Keys(branch) => format!("keys:{branch}"),
            Event::User(user) => format!("user:{user}"),
            Event::Catalogue => "catalogue".into(),
        }
    }

    fn decode(text: &str) -> Option<Event> {
        match text.split_once(':') {
            Some(("keys", id)) => Uuid::parse_str(id).ok().map(Event::Keys),
            Some(("user", id)) => Uuid::parse_str(id).ok().map(Event::User),
            None if text == "catalogue" => Some(Event::Catalogue),
            _ => None,
        }
    }
}

/// An announced change still to be applied on this node, after the commit.
#[must_use = "call `apply` once the transaction has committed, or this node keeps stale caches"]
pub struct Announced(Event);

impl Announced {
    /// Clears this node's entries for the change (call after the commit:
    /// a request reading the database before it would cache the old state).
    pub fn apply(self, state: &AppState) {
        apply(state, self.0);
    }
}

/// Tells every node about `event` when the transaction `db` belongs to
/// commits (at once if `db` is not in a transaction).
pub async fn announce(db: &impl ConnectionTrait, event: Event) -> Result<Announced, DbErr> {
    if crate::db::is_postgres(db) {
        let notify = Query::select()
            .expr(Func::cust("pg_notify").arg(CHANNEL).arg(event.encode()))
            .to_owned();
        db.execute(&notify).await?;
    }
    Ok(Announced(event))
}

/// Clears what `event` makes wrong in this process's caches.
pub fn apply(state: &AppState, event: Event) {
    match event {
        // Rotations are rare: forgetting every key is simpler than tracking
        // which cached tokens a branch's keys verified.
        Event::Keys(_) => state.keys.invalidate(),
        Event::User(user) => state.sessions.forget(user),
        Event::Catalogue => state.catalogue.bump(),
    }
}

/// Empties every cache this module keeps honest.
pub fn clear_all(state: &AppState) {
    state.keys.invalidate();
    state.sessions.clear();
    state.catalogue.bump();
}

/// Starts this process's listener (PostgreSQL only; a no-op on SQLite).
pub fn spawn_listener(state: &AppState) {
    if crate::db::is_postgres(&state.db) {
        tokio::spawn(listen(state.clone()));
    }
}

async fn listen(state: AppState) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match subscribe(state.config.database_url.expose()).await {
            Ok(mut listener) => {
                // Whatever happened before we were listening is unknown.
                clear_all(&state);
                backoff = Duration::from_millis(100);
                loop {
                    match listener.try_recv().await {
                        Ok(Some(note)) => match Event::decode(note.payload()) {
                            Some(event) => apply(&state, event),
                            None => tracing::warn!(payload = note.payload(), "unknown cache invalidation event"),
                        },
                        Ok(None) => {
                            tracing::warn!("lost the cache invalidation channel; caches cleared, reconnecting");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cache invalidation channel failed; caches cleared, reconnecting");
                            break;
                        }
                    }
                }
                clear_all(&state);
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX), "cannot listen for cache invalidations");
                clear_all(&state);
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// A dedicated connection (not one of the pool's) listening on `CHANNEL`.
async fn subscribe(url: &str) -> Result<sea_orm::sqlx::postgres::PgListener, sea_orm::sqlx::Error> {
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_the_wire() {
        for event in [Event::Keys(Uuid::now_v7()), Event::User(Uuid::now_v7()), Event::Catalogue] {
            assert_eq!(Event::decode(&event.encode()), Some(event));
        }
        assert_eq!(Event::decode("user:not-a-uuid"), None);
        assert_eq!(Event::decode("something"), None);
    }
}
