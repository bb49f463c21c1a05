//! Fixed-window counters in the database, so every node sees the same counts
//! (N nodes allow what one would). A counter is a row per key: the hex
//! SHA-256 of what is counted, so a row has the same size whatever a client
//! sends. Rows expire with their window and are purged about once a minute.
//!
//! Each node also remembers, in memory, which keys are refused and until when:
//! a refused client costs no database work until its window ends. That memo
//! only ever holds refusals the database has confirmed, and is bounded.

use sea_orm::sea_query::{Alias, Expr, InsertStatement, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr, DeriveIden};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Refusals remembered per node; past this the memo is emptied (it is only a shortcut).
const MEMO_CAPACITY: usize = 50_000;
/// Expired rows are deleted at most this often per node.
const PURGE_EVERY_MS: i64 = 60_000;

/// The `throttle_counters` table (statements are built for the connection's backend).
#[derive(DeriveIden, Clone, Copy)]
enum ThrottleCounters {
    Table,
    CounterKey,
    Hits,
    WindowEndsAt,
    LastAt,
}

/// The row an upsert would have inserted (`excluded.x` in `ON CONFLICT ... DO UPDATE`).
fn excluded(column: ThrottleCounters) -> Expr {
    Expr::col((Alias::new("excluded"), column))
}

/// The stored row's column, in `ON CONFLICT ... DO UPDATE`.
fn stored(column: ThrottleCounters) -> Expr {
    Expr::col((ThrottleCounters::Table, column))
}

/// The fixed-size key of a counter: SHA-256 over the length-prefixed parts.
/// A duration in milliseconds, as the counters store time.
pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

pub(crate) fn key(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

/// Adds `add` (0 only reads) to the counter `key`, whose window is `window` long.
pub struct Hit<'a> {
    pub key: &'a str,
    pub add: i64,
    pub window: Duration,
}

/// A counter after a hit. Times are milliseconds since the epoch.
#[derive(Clone, Copy, Debug, Default)]
pub struct Count {
    pub hits: i64,
    pub window_ends_at: i64,
    pub last_at: i64,
}

impl Count {
    /// Whole seconds (at least 1) until the window ends.
    pub fn seconds_left(&self, now_ms: i64) -> u64 {
        seconds_until(self.window_ends_at, now_ms)
    }
}

/// Whole seconds, rounded up and at least 1, from `now_ms` to `until_ms`.
pub(crate) fn seconds_until(until_ms: i64, now_ms: i64) -> u64 {
    (until_ms - now_ms).max(0).cast_unsigned().div_ceil(1000).max(1)
}

/// Counts `hits` in one upsert that returns the counters after it.
fn upsert(hits: &[Hit<'_>], now_ms: i64) -> InsertStatement {
    use ThrottleCounters as T;
    use sea_orm::sea_query::ExprTrait as _;
    let mut insert = Query::insert();
    insert
        .into_table(T::Table)
        .columns([T::CounterKey, T::Hits, T::WindowEndsAt, T::LastAt]);
    for hit in hits {
        insert.values_panic([hit.key.into(), hit.add.into(), (now_ms + millis(hit.window)).into(), now_ms.into()]);
    }
    // A window that has ended starts again with this hit; a read (no
    // hit) leaves the time of the last event alone.
    let window_over = || stored(T::WindowEndsAt).lte(now_ms);
    insert
        .on_conflict(
            OnConflict::column(T::CounterKey)
                .value(
                    T::Hits,
                    Expr::case(window_over(), excluded(T::Hits)).finally(stored(T::Hits).add(excluded(T::Hits))),
                )
                .value(
                    T::LastAt,
                    Expr::case(excluded(T::Hits).gt(0), excluded(T::LastAt)).finally(stored(T::LastAt)),
                )
                .value(
                    T::WindowEndsAt,
                    Expr::case(window_over(), excluded(T::WindowEndsAt)).finally(stored(T::WindowEndsAt)),
                )
                .to_owned(),
        )
        .returning(Query::returning().columns([T::CounterKey, T::Hits, T::WindowEndsAt, T::LastAt]));
    insert
}

#[derive(Default)]
pub struct Counters {
    /// Key → end of the window in which the database refused it.
    refused: Mutex<HashMap<String, i64>>,
    last_purge_ms: AtomicI64,
}

impl Counters {
    /// Until when `key` is known to be refused, without asking the database.
    pub fn refused_until(&self, key: &str, now_ms: i64) -> Option<i64> {
        let refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        refused.get(key).copied().filter(|until| *until > now_ms)
    }

    /// Remembers that the database refused `key` until `until_ms`.
    pub fn remember_refusal(&self, key: &str, until_ms: i64, now_ms: i64) {
        let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        if refused.len() >= MEMO_CAPACITY {
            refused.retain(|_, until| *until > now_ms);
            if refused.len() >= MEMO_CAPACITY {
                refused.clear();
            }
        }
        refused.insert(key.to_string(), until_ms);
    }

    /// Counts every hit in one statement and returns the counters, in order.
    /// A window that has ended starts again with this hit.
    pub async fn hit(&self, db: &impl ConnectionTrait, hits: &[Hit<'_>], now_ms: i64) -> Result<Vec<Count>, DbErr> {
        self.purge_now_and_then(db, now_ms).await?;
        let rows = db.query_all(&upsert(hits, now_ms)).await?;
        let mut by_key = HashMap::with_capacity(rows.len());
        for row in rows {
            let key: String = row.try_get("", "counter_key")?;
            let count = Count {
                hits: row.try_get("", "hits")?,
                window_ends_at: row.try_get("", "window_ends_at")?,
                last_at: row.try_get("", "last_at")?,
            };
            by_key.insert(key, count);
        }
        Ok(hits.iter().map(|h| by_key.get(h.key).copied().unwrap_or_default()).collect())
    }

    /// Takes back one hit of `key` (an attempt refused for another reason).
    pub async fn undo(&self, db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
        use ThrottleCounters as T;
        use sea_orm::sea_query::ExprTrait as _;
        let update = Query::update()
            .table(T::Table)
            .value(T::Hits, Expr::col(T::Hits).sub(1))
            .and_where(Expr::col(T::CounterKey).eq(key))
            .and_where(Expr::col(T::Hits).gt(0))
            .to_owned();
        db.execute(&update).await.map(|_| ())
    }

    /// Claims the next slot of `key` if its last event is at least `gap` old;
    /// atomic, so of several nodes asking at once only one gets the slot.
    pub async fn claim_slot(&self, db: &impl ConnectionTrait, key: &str, gap: Duration, now_ms: i64) -> Result<bool, DbErr> {
        use ThrottleCounters as T;
        use sea_orm::sea_query::ExprTrait as _;
        let oldest = now_ms - millis(gap);
        let update = Query::update()
            .table(T::Table)
            .value(T::LastAt, now_ms)
            .and_where(Expr::col(T::CounterKey).eq(key))
            .and_where(Expr::col(T::LastAt).lte(oldest))
            .to_owned();
        let done = db.execute(&update).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets `key` (a successful login ends its lock window; a password
    /// reset forgives the owner's failed logins), here and in the database.
    pub async fn clear(&self, db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
        self.refused.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
        use ThrottleCounters as T;
        use sea_orm::sea_query::ExprTrait as _;
        let delete = Query::delete()
            .from_table(T::Table)
            .and_where(Expr::col(T::CounterKey).eq(key))
            .to_owned();
        db.execute(&delete).await.map(|_| ())
    }

    /// Deletes rows whose window has ended, at most once a minute per node.
    async fn purge_now_and_then(&self, db: &impl ConnectionTrait, now_ms: i64) -> Result<(), DbErr> {
        let last = self.last_purge_ms.load(Ordering::Relaxed);
        if now_ms - last < PURGE_EVERY_MS
            || self
                .last_purge_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return Ok(());
        }
        use sea_orm::sea_query::ExprTrait as _;
        let delete = Query::delete()
            .from_table(ThrottleCounters::Table)
            .and_where(Expr::col(ThrottleCounters::WindowEndsAt).lte(now_ms))
            .to_owned();
        db.execute(&delete).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_one_size_and_do_not_collide_across_parts() {
        let long = "x".repeat(1 << 20);
        assert_eq!(key(&["login", &long]).len(), 64);
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
    }

    #[test]
    fn the_refusal_memo_is_bounded_and_expires() {
        let counters = Counters::default();
        counters.remember_refusal("a", 2_000, 1_000);
        assert_eq!(counters.refused_until("a", 1_500), Some(2_000));
        assert_eq!(counters.refused_until("a", 2_000), None);
        for i in 0..MEMO_CAPACITY + 10 {
            counters.remember_refusal(&i.to_string(), 10_000, 1_000);
        }
        assert!(counters.refused.lock().unwrap().len() <= MEMO_CAPACITY);
    }

    #[test]
    fn the_upsert_is_built_for_each_backend() {
        use sea_orm::sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
        let hit = Hit {
            key: "k",
            add: 1,
            window: Duration::from_secs(60),
        };
        let statement = upsert(&[hit], 1_000);
        let (pg, values) = statement.build(PostgresQueryBuilder);
        assert_eq!(
            pg,
            r#"INSERT INTO "throttle_counters" ("counter_key", "hits", "window_ends_at", "last_at") VALUES ($1, $2, $3, $4) ON CONFLICT ("counter_key") DO UPDATE SET "hits" = (CASE WHEN ("throttle_counters"."window_ends_at" <= $5) THEN "excluded"."hits" ELSE "throttle_counters"."hits" + "excluded"."hits" END), "last_at" = (CASE WHEN ("excluded"."hits" > $6) THEN "excluded"."last_at" ELSE "throttle_counters"."last_at" END), "window_ends_at" = (CASE WHEN ("throttle_counters"."window_ends_at" <= $7) THEN "excluded"."window_ends_at" ELSE "throttle_counters"."window_ends_at" END) RETURNING "counter_key", "hits", "window_ends_at", "last_at""#
        );
        assert_eq!(values.0.len(), 7);
        let (sqlite, _) = statement.build(SqliteQueryBuilder);
        assert!(
            sqlite.starts_with(r#"INSERT INTO "throttle_counters""#) && sqlite.contains("VALUES (?, ?, ?, ?)"),
            "{sqlite}"
        );
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(seconds_until(1_001, 0), 2);
        assert_eq!(seconds_until(0, 5_000), 1);
    }
}
