//! Removing stored bytes nothing uses any more, safely with several nodes
//! and with a crash at any point. Objects are content-addressed, so one
//! object may back files and variants of several assets; it may go only
//! when no row names it.
//!
//! - Whoever removes rows naming an object writes a `media_deletions` note
//!   for its key in the same transaction ([`mark`]); after the commit it
//!   tries to collect the key at once ([`collect`]). A crash in between
//!   leaves the note, which the housekeeping chore collects later
//!   ([`collect_marked`]).
//! - Collecting a key happens in one write transaction: lock the note
//!   (an update: a row lock on PostgreSQL, the write lock on SQLite), check
//!   that no file or variant row names the key, delete the object, drop
//!   the note.
//! - An upload writes its rows and, in the same transaction, takes and
//!   drops the notes of the keys it is about to use ([`unmark`]): it waits
//!   for a collection in progress, and one that comes later sees its rows.
//!   The bytes are moved under their key only after that commit, so an
//!   object that a collection removed is put back by the upload.
//! - Objects that no row names and no note lists (a crash between a write
//!   and its rows) are found by [`sweep_orphans`] (`admin media-sweep`),
//!   which never touches an object younger than its grace period (an upload
//!   may be about to record it) and hands the rest to the same collection.

use super::deletion_entity::{self as deletion, Entity as Deletions};
use super::file_entity::{self as file, Entity as Files};
use super::store::{FILES, STAGING, Store};
use super::variant_entity::{self as variant, Entity as Variants};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;
use uuid::Uuid;

/// Notes looked at per run of the housekeeping chore.
const BATCH: u64 = 100;

/// Storage keys of these files and of their variants.
pub async fn keys_of_files(db: &impl ConnectionTrait, file_ids: &[Uuid]) -> Result<Vec<String>, DbErr> {
    if file_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut keys: Vec<String> = Files::find()
        .filter(file::Column::Id.is_in(file_ids.to_vec()))
        .select_only()
        .column(file::Column::StorageKey)
        .into_tuple()
        .all(db)
        .await?;
    let copies: Vec<String> = Variants::find()
        .filter(variant::Column::FileId.is_in(file_ids.to_vec()))
        .select_only()
        .column(variant::Column::StorageKey)
        .into_tuple()
        .all(db)
        .await?;
    keys.extend(copies);
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Notes that `keys` may be unused (in the transaction removing their rows).
pub async fn mark(db: &impl ConnectionTrait, keys: &[String], now: DateTime<Utc>) -> Result<(), DbErr> {
    if keys.is_empty() {
        return Ok(());
    }
    let notes = keys.iter().map(|key| deletion::ActiveModel {
        storage_key: Set(key.clone()),
        attempts: Set(0),
        created_at: Set(now),
    });
    Deletions::insert_many(notes).on_conflict_do_nothing().exec(db).await?;
    Ok(())
}

/// Takes and drops the notes of `keys` (in the transaction of rows that
/// use them; see the module comment).
pub async fn unmark(db: &impl ConnectionTrait, keys: &[String], now: DateTime<Utc>) -> Result<(), DbErr> {
    mark(db, keys, now).await?;
    Deletions::delete_many()
        .filter(deletion::Column::StorageKey.is_in(keys.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether some file or variant row names `key`.
async fn in_use(db: &impl ConnectionTrait, key: &str) -> Result<bool, DbErr> {
    let files = Files::find().filter(file::Column::StorageKey.eq(key)).count(db).await?;
    if files > 0 {
        return Ok(true);
    }
    Ok(Variants::find().filter(variant::Column::StorageKey.eq(key)).count(db).await? > 0)
}

/// Collects one noted key: answers whether the object was removed.
async fn collect_one(db: &DatabaseConnection, store: &Store, key: &str) -> Result<bool, DbErr> {
    let txn = crate::db::begin(db).await?;
    let locked = Deletions::update_many()
        .col_expr(deletion::Column::Attempts, Expr::col(deletion::Column::Attempts).add(1))
        .filter(deletion::Column::StorageKey.eq(key))
        .exec(&txn)
        .await?
        .rows_affected;
    if locked == 0 {
        // Collected elsewhere, or taken back by an upload.
        txn.rollback().await?;
        return Ok(false);
    }
    let used = in_use(&txn, key).await?;
    if !used && let Err(err) = store.delete(key).await {
        tracing::warn!(error = %err, %key, "could not remove an unused media object; will try again");
        txn.commit().await?;
        return Ok(false);
    }
    Deletions::delete_by_id(key.to_string()).exec(&txn).await?;
    txn.commit().await?;
    Ok(!used)
}

/// Collects noted keys (after the commit that noted them): answers how many
/// objects were removed. A key that fails stays noted for the chore.
pub async fn collect(db: &DatabaseConnection, store: &Store, keys: &[String]) -> usize {
    let mut removed = 0;
    for key in keys {
        match collect_one(db, store, key).await {
            Ok(true) => removed += 1,
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, %key, "could not collect a media object; the sweep will"),
        }
    }
    removed
}

/// The housekeeping chore: collects up to a batch of noted keys.
pub async fn collect_marked(db: &DatabaseConnection, store: &Store) -> Result<usize, DbErr> {
    let keys: Vec<String> = Deletions::find()
        .select_only()
        .column(deletion::Column::StorageKey)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    Ok(collect(db, store, &keys).await)
}

/// What an orphan sweep found (and removed, unless a dry run).
#[derive(Debug, Default, Serialize)]
pub struct SweepReport {
    pub dry_run: bool,
    /// Objects looked at.
    pub scanned: usize,
    /// Objects no row names, older than the grace period.
    pub orphans: usize,
    pub orphan_bytes: u64,
    /// Orphans removed (0 in a dry run).
    pub removed: usize,
    /// Objects no row names yet but younger than the grace period: left alone.
    pub young: usize,
}

/// Finds stored objects that no row names and that are older than
/// `now - grace`, and removes them unless `dry_run` (see the module comment).
pub async fn sweep_orphans(
    db: &DatabaseConnection,
    store: &Store,
    grace: chrono::Duration,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<SweepReport, String> {
    let mut report = SweepReport {
        dry_run,
        ..SweepReport::default()
    };
    let cutoff = now - grace;
    for prefix in [FILES, STAGING] {
        for object in store.objects(prefix).await.map_err(|e| e.to_string())? {
            report.scanned += 1;
            // Staged objects are never named by a row.
            let named = prefix == FILES && in_use(db, &object.key).await.map_err(|e| e.to_string())?;
            if named {
                continue;
            }
            if object.modified > cutoff {
                report.young += 1;
                continue;
            }
            report.orphans += 1;
            report.orphan_bytes += object.size;
            if dry_run {
                continue;
            }
            let key = vec![object.key.clone()];
            mark(db, &key, now).await.map_err(|e| e.to_string())?;
            report.removed += collect(db, store, &key).await;
        }
    }
    Ok(report)
}
