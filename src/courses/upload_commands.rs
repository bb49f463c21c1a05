//! Resumable uploads of lesson media: opening a session (its target, name,
//! claimed type and declared size are checked before any byte is sent, so
//! a file that cannot fit is refused at once), finding one (only its
//! owner, signed in at the same branch, sees it, and only until it
//! expires), cancelling one, and sweeping expired ones with their chunks.
//! Taking chunks and finishing the file is `upload_chunks`.

use super::asset_commands::{check_name, find_asset, used_bytes};
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::service;
use super::upload_entity::{self as upload, Entity as Uploads};
use super::upload_part_entity::{self as part, Entity as Parts};
use crate::error::{ApiError, FieldCode, FieldError, ProblemCode};
use crate::i18n::Locale;
use crate::media::Kind;
use crate::media::ingest::max_bytes;
use crate::media::sniff::kind_of_claim;
use crate::media::store::Store;
use crate::state::AppState;
use crate::tenancy::Actor;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Deserialize;
use std::collections::BTreeSet;
use uuid::Uuid;

/// Where an upload's chunks live in the media store (every node sees them).
pub(crate) const CHUNKS: &str = "uploads";

/// Expired sessions removed per sweep (the rest wait for the next run).
const SWEEP_BATCH: u64 = 200;

/// A resumable upload to open: the same target and description as a
/// multipart upload, and the size of the whole file.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUpload {
    /// A new asset of this course ...
    pub course_id: Option<Uuid>,
    /// ... optionally of this lesson of it.
    pub lesson_id: Option<Uuid>,
    /// Or: a file of this existing asset (replacing that locale's file).
    pub asset_id: Option<Uuid>,
    /// The locale the file is for (`zh-CN`, `en`, `th`, `vi`); absent: every locale.
    #[schema(value_type = Option<crate::i18n::Locale>)]
    pub locale: Option<String>,
    /// The file name, shown to editors.
    pub name: String,
    /// The media type the client claims; the content must agree once complete.
    pub content_type: Option<String>,
    /// The whole file's size in bytes.
    #[schema(minimum = 1)]
    pub size: u64,
}

/// The prefix of one upload's chunks.
pub(crate) fn chunk_prefix(id: Uuid) -> String {
    format!("{CHUNKS}/{id}")
}

pub(crate) fn as_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(crate) fn as_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// When a session touched at `now` expires.
pub(crate) fn expiry(state: &AppState, now: DateTime<Utc>) -> DateTime<Utc> {
    let lifetime = chrono::Duration::from_std(state.media.settings.upload_lifetime).unwrap_or(chrono::Duration::days(1));
    now + lifetime
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge).arg("limit", as_i64(limit))
}

/// The target's course, lesson and (for a file of an asset) asset id, and
/// the kind the file must be, if the target decides it.
async fn target(state: &AppState, input: &NewUpload) -> Result<(Uuid, Option<Uuid>, Option<Uuid>, Option<Kind>), ApiError> {
    match (input.course_id, input.asset_id) {
        (Some(course_id), None) => {
            service::find(&state.db, course_id).await?;
            if let Some(lesson_id) = input.lesson_id {
                Lessons::find_by_id(lesson_id)
                    .filter(lesson::Column::CourseId.eq(course_id))
                    .one(&state.db)
                    .await?
                    .ok_or_else(|| ApiError::field("lesson_id", FieldCode::InvalidValue))?;
            }
            Ok((course_id, input.lesson_id, None, None))
        }
        (None, Some(asset_id)) => {
            if input.lesson_id.is_some() {
                return Err(ApiError::field("lesson_id", FieldCode::InvalidValue));
            }
            let row = find_asset(&state.db, asset_id).await?;
            Ok((row.course_id, row.lesson_id, Some(row.id), Kind::parse(&row.kind)))
        }
        (None, None) => Err(ApiError::field("course_id", FieldCode::Required)),
        (Some(_), Some(_)) => Err(ApiError::field("asset_id", FieldCode::InvalidValue)),
    }
}

/// Opens a session after checking everything that can be checked before
/// the bytes: the target, name, locale, claimed type, the size against the
/// limit of the kind and against the storage quota.
pub(crate) async fn create(state: &AppState, actor: &Actor, input: &NewUpload) -> Result<upload::Model, ApiError> {
    let mut errors = Vec::new();
    let name = check_name(&input.name)
        .map_err(|mut e| {
            e.field = "name".into();
            errors.push(e);
        })
        .ok();
    let locale = match input.locale.as_deref().map(Locale::from_canonical) {
        Some(None) => {
            errors.push(FieldError::new("locale", FieldCode::UnknownLocale));
            None
        }
        other => other.flatten(),
    };
    if input.size == 0 {
        errors.push(FieldError::new("size", FieldCode::OutOfRange));
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };
    let (course_id, lesson_id, asset_id, target_kind) = target(state, input).await?;
    let claimed = input.content_type.as_deref();
    let claimed_kind =
        kind_of_claim(claimed).map_err(|()| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::MediaTypeNotAllowed))?;
    if let (Some(expected), Some(found)) = (target_kind, claimed_kind)
        && expected != found
    {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::MediaKindMismatch)
            .arg("expected", expected.as_str())
            .arg("found", found.as_str()));
    }
    let settings = &state.media.settings;
    let limit = match target_kind.or(claimed_kind) {
        Some(kind) => max_bytes(settings, kind),
        None => Kind::ALL.into_iter().map(|k| max_bytes(settings, k)).max().unwrap_or(0),
    };
    if input.size > limit {
        return Err(too_large(limit));
    }
    if settings.quota_bytes > 0 && input.size > settings.quota_bytes.saturating_sub(used_bytes(&state.db).await?) {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::StorageQuotaExceeded));
    }
    let now = state.clock.now();
    let row = upload::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_by: Set(actor.user_id),
        branch_id: Set(actor.branch_id),
        course_id: Set(course_id),
        lesson_id: Set(lesson_id),
        asset_id: Set(asset_id),
        locale: Set(locale.map(|l| l.as_str().to_string()).unwrap_or_default()),
        name: Set(name),
        // Checked above: an accepted type (or none), kept without parameters.
        claimed_type: Set(claimed
            .map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .filter(|c| !c.is_empty())),
        size_bytes: Set(as_i64(input.size)),
        offset_bytes: Set(0),
        completed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        expires_at: Set(expiry(state, now)),
    }
    .insert(&state.db)
    .await?;
    Ok(row)
}

/// The caller's own session, while it lasts; anyone else's is not found.
pub(crate) async fn find(state: &AppState, actor: &Actor, id: Uuid) -> Result<upload::Model, ApiError> {
    Uploads::find_by_id(id)
        .filter(upload::Column::CreatedBy.eq(actor.user_id))
        .filter(upload::Column::BranchId.eq(actor.branch_id))
        .filter(upload::Column::ExpiresAt.gt(state.clock.now()))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Cancels a session: its rows, then its chunks. A finished session's
/// asset stays; only the record of the upload goes.
pub(crate) async fn cancel(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    find(state, actor, id).await?;
    forget(state, id).await?;
    Ok(())
}

/// Removes a session's rows and chunks.
pub(crate) async fn forget(state: &AppState, id: Uuid) -> Result<(), DbErr> {
    Parts::delete_many().filter(part::Column::UploadId.eq(id)).exec(&state.db).await?;
    Uploads::delete_by_id(id).exec(&state.db).await?;
    remove_chunks(&state.media.store, id).await;
    Ok(())
}

/// Removes every object under the session's prefix (also chunks that were
/// stored but never recorded, e.g. a node stopped in between).
pub(crate) async fn remove_chunks(store: &Store, id: Uuid) {
    let keys = match store.keys(&chunk_prefix(id)).await {
        Ok(keys) => keys,
        Err(err) => {
            tracing::warn!(error = %err, upload = %id, "could not list an upload's chunks");
            return;
        }
    };
    for key in keys {
        if let Err(err) = store.delete(&key).await {
            tracing::warn!(error = %err, %key, "could not remove an upload chunk");
        }
    }
}

/// Background chore: removes sessions past their expiry with their chunks,
/// and chunks whose session is gone (its course was deleted, or a node
/// stopped between storing a chunk and recording it). Answers how many
/// sessions were removed.
pub(crate) async fn sweep_expired(state: &AppState) -> Result<usize, DbErr> {
    let expired: Vec<Uuid> = Uploads::find()
        .filter(upload::Column::ExpiresAt.lte(state.clock.now()))
        .select_only()
        .column(upload::Column::Id)
        .limit(SWEEP_BATCH)
        .into_tuple()
        .all(&state.db)
        .await?;
    for id in &expired {
        forget(state, *id).await?;
    }
    let store = &state.media.store;
    let keys = match store.keys(CHUNKS).await {
        Ok(keys) => keys,
        Err(err) => {
            tracing::warn!(error = %err, "could not list upload chunks");
            return Ok(expired.len());
        }
    };
    let sessions: BTreeSet<Uuid> = keys
        .iter()
        .filter_map(|k| k.split('/').nth(1).and_then(|id| Uuid::parse_str(id).ok()))
        .collect();
    for id in sessions {
        if Uploads::find_by_id(id).one(&state.db).await?.is_none() {
            remove_chunks(store, id).await;
        }
    }
    Ok(expired.len())
}
