//! What headquarters does with lesson media: take an upload into storage and
//! record it (a new asset, or another locale's file of one), list a course's
//! assets with whether a lesson uses them, and remove an unused asset.
//! Storage is staged before the rows are written and placed under its
//! content key after they are committed (discarded if they are not); bytes
//! no row names any more are noted with the rows' removal and collected
//! after the commit (`media::gc`).

use super::CourseError;
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::lesson_translation_entity::{self as lesson_text, Entity as LessonTexts};
use super::service;
use crate::audit::AuditEntry;
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{ApiError, FieldCode, FieldError, ProblemCode};
use crate::i18n::Locale;
use crate::media::asset_entity::{self as asset, Entity as Assets};
use crate::media::file_entity::{self as file, Entity as Files};
use crate::media::variant_entity as variant;
use crate::media::{Ingested, Intake, gc};
use crate::state::AppState;
use crate::tenancy::Actor;
use bytes::Bytes;
use futures_util::Stream;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

/// Where an upload goes: a new asset of a course, or a file of an asset.
pub(crate) enum Target {
    NewAsset { course_id: Uuid, lesson_id: Option<Uuid> },
    Asset(Uuid),
}

/// An uploaded file as the client described it.
pub(crate) struct Upload<S> {
    pub name: String,
    pub claimed: Option<String>,
    /// `None`: the file for every locale.
    pub locale: Option<Locale>,
    pub body: S,
}

/// Longest file name kept.
const NAME_MAX: usize = 200;

/// A client's file name, as shown to editors: one line, no path, no control
/// or format characters. It never becomes part of a storage key.
pub(crate) fn check_name(raw: &str) -> Result<String, FieldError> {
    let field = "file.filename";
    let name = crate::text::Text::line(NAME_MAX).check(field, raw)?;
    if name.contains(['/', '\\']) || name == "." || name == ".." || name.starts_with("..") {
        return Err(FieldError::new(field, FieldCode::InvalidFileName));
    }
    Ok(name)
}

/// Bytes stored in all media files.
pub(crate) async fn used_bytes(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let used: Option<i64> = Files::find()
        .select_only()
        .column_as(Expr::cust("CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT)"), "used")
        .into_tuple()
        .one(db)
        .await?;
    Ok(u64::try_from(used.unwrap_or(0)).unwrap_or(0))
}

/// An asset by id (headquarters sees every course).
pub(crate) async fn find_asset(db: &impl ConnectionTrait, id: Uuid) -> Result<asset::Model, CourseError> {
    Assets::find_by_id(id).one(db).await?.ok_or(CourseError::NotFound)
}

/// Stores an upload and records it; answers the asset's id.
pub(crate) async fn upload<S, E>(state: &AppState, actor: &Actor, target: Target, upload: Upload<S>) -> Result<Uuid, ApiError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    // Check the target before reading a byte.
    let (course_id, lesson_id, existing) = match target {
        Target::NewAsset { course_id, lesson_id } => {
            service::find(&state.db, course_id).await?;
            if let Some(lesson_id) = lesson_id {
                Lessons::find_by_id(lesson_id)
                    .filter(lesson::Column::CourseId.eq(course_id))
                    .one(&state.db)
                    .await?
                    .ok_or_else(|| ApiError::field("lesson_id", FieldCode::InvalidValue))?;
            }
            (course_id, lesson_id, None)
        }
        Target::Asset(id) => {
            let row = find_asset(&state.db, id).await?;
            (row.course_id, row.lesson_id, Some(row))
        }
    };
    let settings = &state.media.settings;
    let room = match settings.quota_bytes {
        0 => u64::MAX,
        quota => quota.saturating_sub(used_bytes(&state.db).await?),
    };
    let file_id = Uuid::now_v7();
    let intake = Intake {
        settings,
        claimed: upload.claimed.as_deref(),
        room,
        key: None,
        variants: true,
    };
    let stored = intake.take(&state.media.store, upload.body).await?;
    if let Some(row) = &existing
        && row.kind != stored.kind.as_str()
    {
        discard(state, &stored).await;
        return Err(
            ApiError::new(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::MediaKindMismatch)
                .arg("expected", row.kind.clone())
                .arg("found", stored.kind.as_str()),
        );
    }
    let recorded = record(
        state,
        actor,
        course_id,
        lesson_id,
        existing,
        file_id,
        &upload.name,
        upload.locale,
        &stored,
    )
    .await;
    match recorded {
        Ok((asset_id, replaced)) => {
            if let Err(err) = stored.place(&state.media.store).await {
                tracing::error!(error = %err, key = %stored.key, "recorded a media file but could not place its bytes");
                return Err(ApiError::internal_from(&err));
            }
            gc::collect(&state.db, &state.media.store, &replaced).await;
            Ok(asset_id)
        }
        Err(err) => {
            discard(state, &stored).await;
            Err(err.into())
        }
    }
}

async fn discard(state: &AppState, stored: &Ingested) {
    stored.discard(&state.media.store).await;
}

/// Writes the rows; answers the asset id and the storage keys of a file it
/// replaced (noted for collection once committed).
#[allow(clippy::too_many_arguments)]
async fn record(
    state: &AppState,
    actor: &Actor,
    course_id: Uuid,
    lesson_id: Option<Uuid>,
    existing: Option<asset::Model>,
    file_id: Uuid,
    name: &str,
    locale: Option<Locale>,
    stored: &Ingested,
) -> Result<(Uuid, Vec<String>), CourseError> {
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let asset_id = match &existing {
        Some(row) => {
            let mut active: asset::ActiveModel = row.clone().into();
            active.updated_at = Set(now);
            active.update(cmd.txn()).await?;
            row.id
        }
        None => {
            let row = asset::ActiveModel {
                id: Set(Uuid::now_v7()),
                course_id: Set(course_id),
                lesson_id: Set(lesson_id),
                kind: Set(stored.kind.as_str().to_string()),
                name: Set(name.to_string()),
                created_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(cmd.txn())
            .await?;
            row.id
        }
    };
    let locale_code = locale.map(|l| l.as_str().to_string()).unwrap_or_default();
    let replaced = Files::find()
        .filter(file::Column::AssetId.eq(asset_id))
        .filter(file::Column::Locale.eq(locale_code.clone()))
        .one(cmd.txn())
        .await?;
    let mut replaced_keys = Vec::new();
    if let Some(old) = &replaced {
        replaced_keys = gc::keys_of_files(cmd.txn(), &[old.id]).await?;
        gc::mark(cmd.txn(), &replaced_keys, now).await?;
        variant::Entity::delete_many()
            .filter(variant::Column::FileId.eq(old.id))
            .exec(cmd.txn())
            .await?;
        Files::delete_by_id(old.id).exec(cmd.txn()).await?;
    }
    file::ActiveModel {
        id: Set(file_id),
        asset_id: Set(asset_id),
        locale: Set(locale_code.clone()),
        content_type: Set(stored.content_type.to_string()),
        size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
        sha256: Set(stored.sha256.clone()),
        width: Set(stored.width.and_then(|w| i32::try_from(w).ok())),
        height: Set(stored.height.and_then(|h| i32::try_from(h).ok())),
        storage_key: Set(stored.key.clone()),
        created_at: Set(now),
    }
    .insert(cmd.txn())
    .await?;
    for copy in &stored.variants {
        variant::ActiveModel {
            id: Set(Uuid::now_v7()),
            file_id: Set(file_id),
            width: Set(i32::try_from(copy.width).unwrap_or(i32::MAX)),
            height: Set(i32::try_from(copy.height).unwrap_or(i32::MAX)),
            content_type: Set(stored.content_type.to_string()),
            size_bytes: Set(i64::try_from(copy.size).unwrap_or(i64::MAX)),
            sha256: Set(copy.sha256.clone()),
            storage_key: Set(copy.key.clone()),
            created_at: Set(now),
        }
        .insert(cmd.txn())
        .await?;
    }
    let used: Vec<String> = stored.objects().into_iter().map(|(_, key)| key.to_string()).collect();
    gc::unmark(cmd.txn(), &used, now).await?;
    super::writes::touch(cmd.txn(), course_id, now).await?;
    cmd.audit(AuditEntry::new("media.upload", "media_asset", asset_id).details(json!({
        "course_id": course_id,
        "file_id": file_id,
        "locale": locale_code,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    })));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok((asset_id, replaced_keys))
}

/// Ids of the assets of `course_id` that some lesson text names.
pub(crate) async fn referenced(db: &impl ConnectionTrait, course_id: Uuid) -> Result<HashSet<Uuid>, DbErr> {
    let lesson_ids: Vec<Uuid> = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course_id))
        .select_only()
        .column(lesson::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if lesson_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let bodies: Vec<String> = LessonTexts::find()
        .filter(lesson_text::Column::LessonId.is_in(lesson_ids))
        .filter(lesson_text::Column::Body.contains(crate::media::resolve::SCHEME))
        .select_only()
        .column(lesson_text::Column::Body)
        .into_tuple()
        .all(db)
        .await?;
    Ok(bodies.iter().flat_map(|b| crate::media::resolve::references(b)).collect())
}

/// Removes an asset no lesson uses: its rows, then the bytes of its files
/// and their variants that no other row names.
pub(crate) async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), ApiError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = find_asset(cmd.txn(), id).await?;
    if referenced(cmd.txn(), row.course_id).await?.contains(&id) {
        return Err(ApiError::conflict(ProblemCode::AssetInUse));
    }
    let file_ids: Vec<Uuid> = Files::find()
        .filter(file::Column::AssetId.eq(id))
        .select_only()
        .column(file::Column::Id)
        .into_tuple()
        .all(cmd.txn())
        .await?;
    let keys = gc::keys_of_files(cmd.txn(), &file_ids).await?;
    let now = cmd.now();
    gc::mark(cmd.txn(), &keys, now).await?;
    variant::Entity::delete_many()
        .filter(variant::Column::FileId.is_in(file_ids))
        .exec(cmd.txn())
        .await?;
    Files::delete_many().filter(file::Column::AssetId.eq(id)).exec(cmd.txn()).await?;
    Assets::delete_by_id(id).exec(cmd.txn()).await?;
    super::writes::touch(cmd.txn(), row.course_id, now).await?;
    cmd.audit(AuditEntry::new("media.delete", "media_asset", id).details(json!({"course_id": row.course_id, "name": row.name})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    gc::collect(&state.db, &state.media.store, &keys).await;
    Ok(())
}
