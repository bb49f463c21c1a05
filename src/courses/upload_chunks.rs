//! The chunks of a resumable upload, and the file they make.
//!
//! Each chunk is streamed into an object of its own under
//! `uploads/{session}/` in the media store, where any node can read it,
//! and is counted only once it is wholly stored and recorded: a chunk cut
//! off by a dropped connection, refused, or beaten by another chunk for
//! the same position is removed and the session stays where it was. When
//! the last byte is in, the chunks are read back in order as one stream
//! through the very intake a multipart upload goes through
//! (`asset_commands::upload`: sniffing, limits, image checks, digest,
//! quota, rows, audit), and then removed whatever the outcome.

use super::asset_commands::{self, Target, Upload};
use super::upload_commands::{as_i64, as_u64, expiry, find, forget, remove_chunks};
use super::upload_entity::{self as upload, Entity as Uploads};
use super::upload_part_entity::{self as part, Entity as Parts};
use crate::command::Command;
use crate::error::{ApiError, ProblemCode};
use crate::i18n::Locale;
use crate::media::IngestError;
use crate::media::store::{Staged, Store};
use crate::state::AppState;
use crate::tenancy::Actor;
use actix_web::http::StatusCode;
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// One chunk as it arrives.
pub(crate) struct Chunk<S> {
    /// The position in the file the chunk starts at (`Upload-Offset`).
    pub start: u64,
    /// The declared length (`Content-Length`), when the client sent one.
    pub length: Option<u64>,
    pub body: S,
}

/// What became of a chunk.
pub(crate) enum Appended {
    /// Stored (or already held); the session now has `offset` of `size` bytes.
    Stored { offset: u64, size: u64 },
    /// It was the last: the file is now part of this asset.
    Completed { asset_id: Uuid, size: u64 },
}

/// 409 with the position the next chunk must start at.
fn conflict(offset: u64) -> ApiError {
    ApiError::conflict(ProblemCode::UploadOffsetConflict)
        .arg("offset", as_i64(offset))
        .member("offset", serde_json::json!(offset))
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge).arg("limit", as_i64(limit))
}

/// Takes one chunk of the caller's session `id`.
pub(crate) async fn append<S, E>(state: &AppState, actor: &Actor, id: Uuid, chunk: Chunk<S>) -> Result<Appended, ApiError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let session = find(state, actor, id).await?;
    let (offset, size) = (as_u64(session.offset_bytes), as_u64(session.size_bytes));
    if chunk.start != offset {
        // A chunk sent again after its answer was lost: nothing to do.
        let held = chunk.start < offset && chunk.length.is_some_and(|n| chunk.start.saturating_add(n) <= offset);
        return if held {
            Ok(Appended::Stored { offset, size })
        } else {
            Err(conflict(offset))
        };
    }
    let room = state.media.settings.chunk_max_bytes.min(size.saturating_sub(offset));
    if room == 0 {
        // Complete (or being completed): only an empty chunk is harmless.
        return match chunk.length {
            Some(0) => Ok(Appended::Stored { offset, size }),
            _ => Err(too_large(0)),
        };
    }
    if chunk.length.is_some_and(|n| n > room) {
        return Err(too_large(room));
    }
    let part_id = Uuid::now_v7();
    let key = format!("{}/{part_id}", super::upload_commands::chunk_prefix(id));
    let received = receive(&state.media.store, &key, chunk.body, room).await?;
    if received == 0 {
        return Ok(Appended::Stored { offset, size });
    }
    let recorded = record(state, actor, &session, part_id, &key, received).await;
    if !matches!(recorded, Ok(true)) {
        if let Err(err) = state.media.store.delete(&key).await {
            tracing::warn!(error = %err, %key, "could not remove an upload chunk that was not recorded");
        }
        recorded?;
        let now = find(state, actor, id).await?;
        return Err(conflict(as_u64(now.offset_bytes)));
    }
    let offset = offset + received;
    if offset < size {
        return Ok(Appended::Stored { offset, size });
    }
    // The last byte: the file is made on a task of its own, so a client
    // that hangs up now does not cut it off halfway.
    let (state, actor) = (state.clone(), actor.clone());
    let asset_id = actix_web::rt::spawn(async move { complete(&state, &actor, session).await })
        .await
        .map_err(|err| ApiError::internal_from(&err))??;
    Ok(Appended::Completed { asset_id, size })
}

/// Streams a chunk into a new object at `key`; at most `room` bytes. On any
/// failure the object is not left behind.
async fn receive<S, E>(store: &Store, key: &str, mut body: S, room: u64) -> Result<u64, ApiError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut staged: Option<Staged> = None;
    let mut received = 0u64;
    while let Some(next) = body.next().await {
        let failure = match next {
            Err(err) => {
                tracing::info!(error = %err, "upload chunk cut short");
                ApiError::from(IngestError::Truncated)
            }
            Ok(bytes) if bytes.is_empty() => continue,
            Ok(bytes) => {
                received += bytes.len() as u64;
                if received > room {
                    too_large(room)
                } else {
                    let writer = match &mut staged {
                        Some(writer) => writer,
                        None => staged.insert(store.write_at(key).await.map_err(|e| ApiError::internal_from(&e))?),
                    };
                    match writer.write(bytes).await {
                        Ok(()) => continue,
                        Err(err) => ApiError::internal_from(&err),
                    }
                }
            }
        };
        if let Some(writer) = staged {
            writer.abort().await;
        }
        return Err(failure);
    }
    if let Some(writer) = staged {
        writer.finish().await.map_err(|e| ApiError::internal_from(&e))?;
    }
    Ok(received)
}

/// Counts a stored chunk, unless another chunk took its place first
/// (answers `false` then).
async fn record(state: &AppState, actor: &Actor, session: &upload::Model, part_id: Uuid, key: &str, length: u64) -> Result<bool, ApiError> {
    let cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let moved = Uploads::update_many()
        .col_expr(upload::Column::OffsetBytes, Expr::value(session.offset_bytes + as_i64(length)))
        .col_expr(upload::Column::UpdatedAt, Expr::value(now))
        .col_expr(upload::Column::ExpiresAt, Expr::value(expiry(state, now)))
        .filter(upload::Column::Id.eq(session.id))
        .filter(upload::Column::OffsetBytes.eq(session.offset_bytes))
        .filter(upload::Column::CompletedAt.is_null())
        .exec(cmd.txn())
        .await?;
    if moved.rows_affected != 1 {
        return Ok(false);
    }
    part::ActiveModel {
        id: Set(part_id),
        upload_id: Set(session.id),
        offset_bytes: Set(session.offset_bytes),
        size_bytes: Set(as_i64(length)),
        storage_key: Set(key.to_string()),
        created_at: Set(now),
    }
    .insert(cmd.txn())
    .await?;
    cmd.commit().await?;
    Ok(true)
}

/// Makes the file from the chunks, exactly as a multipart upload would;
/// then the chunks go. A refused file ends the session.
async fn complete(state: &AppState, actor: &Actor, session: upload::Model) -> Result<Uuid, ApiError> {
    let keys: Vec<String> = Parts::find()
        .filter(part::Column::UploadId.eq(session.id))
        .order_by_asc(part::Column::OffsetBytes)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| p.storage_key)
        .collect();
    let store = state.media.store.clone();
    let body = futures_util::stream::iter(keys)
        .then(move |key| {
            let store = store.clone();
            async move { store.read(&key, None).await }
        })
        .try_flatten();
    let target = match session.asset_id {
        Some(id) => Target::Asset(id),
        None => Target::NewAsset {
            course_id: session.course_id,
            lesson_id: session.lesson_id,
        },
    };
    let file = Upload {
        name: session.name.clone(),
        claimed: session.claimed_type.clone(),
        locale: Locale::from_canonical(&session.locale),
        body: Box::pin(body),
    };
    let asset_id = match asset_commands::upload(state, actor, target, file).await {
        Ok(asset_id) => asset_id,
        Err(err) => {
            if let Err(db) = forget(state, session.id).await {
                tracing::warn!(error = %db, upload = %session.id, "could not remove a refused upload");
            }
            return Err(err);
        }
    };
    let now = state.clock.now();
    let id = session.id;
    let mut done: upload::ActiveModel = session.into();
    done.asset_id = Set(Some(asset_id));
    done.completed_at = Set(Some(now));
    done.updated_at = Set(now);
    done.expires_at = Set(expiry(state, now));
    if let Err(err) = done.update(&state.db).await {
        tracing::warn!(error = %err, upload = %id, "could not mark an upload complete");
    }
    if let Err(err) = Parts::delete_many().filter(part::Column::UploadId.eq(id)).exec(&state.db).await {
        tracing::warn!(error = %err, upload = %id, "could not forget an upload's chunks");
    }
    remove_chunks(&state.media.store, id).await;
    Ok(asset_id)
}
