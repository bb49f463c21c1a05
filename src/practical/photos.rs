//! Photo evidence of a practical assessment. A photo goes through media
//! storage's intake (content sniffed, size and pixel limits, metadata such
//! as EXIF GPS positions stripped) and is then recorded and audited; photos
//! are added, never replaced. Reading one is allowed to whoever may read
//! the assessment: the branch's assessors and administrators, the trainee,
//! and an employer that reaches the trainee (employee or consent).

use super::assessment_entity::{self as assessment, Entity as Assessments};
use super::photo_entity::{self as photo, Entity as Photos};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::error::{ApiError, ProblemCode};
use crate::media::{Intake, Kind};
use crate::state::AppState;
use crate::tenancy::{self, Actor, Caller, Role};
use actix_web::http::StatusCode;
use bytes::Bytes;
use futures_util::Stream;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// At most this many photos on one assessment.
pub(crate) const MAX_PHOTOS: u64 = 20;

/// The assessment, if `caller` may read it (see the module comment).
pub(crate) async fn readable(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Option<assessment::Model>, ApiError> {
    let query = match caller.role {
        Role::HqAdmin | Role::BranchAdmin | Role::Assessor => tenancy::branch_rows::<Assessments>(caller),
        Role::Trainee => tenancy::visible::<Assessments>(caller),
        Role::Employer => match crate::orgs::service::represented(db, caller).await? {
            Some(org) => {
                tenancy::branch_rows::<Assessments>(caller).filter(crate::orgs::reach::condition(&org, assessment::Column::UserId))
            }
            None => return Ok(None),
        },
    };
    Ok(query.filter(assessment::Column::Id.eq(id)).one(db).await?)
}

/// Adds a photo to an assessment of the caller's branch.
pub(crate) async fn add<S, E>(
    state: &AppState,
    actor: &Actor,
    assessment_id: Uuid,
    claimed: Option<&str>,
    body: S,
) -> Result<photo::Model, ApiError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let row = tenancy::branch_rows::<Assessments>(actor)
        .filter(assessment::Column::Id.eq(assessment_id))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if Photos::find()
        .filter(photo::Column::AssessmentId.eq(row.id))
        .count(&state.db)
        .await?
        >= MAX_PHOTOS
    {
        return Err(ApiError::conflict(ProblemCode::Conflict));
    }
    let id = Uuid::now_v7();
    let intake = Intake {
        settings: &state.media.settings,
        claimed,
        room: u64::MAX,
        key: Some(format!("practical/{}/{id}", row.id)),
        variants: false,
    };
    let stored = intake.take(&state.media.store, body).await?;
    if stored.kind != Kind::Image {
        stored.discard(&state.media.store).await;
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, ProblemCode::UnsupportedMediaType));
    }
    let recorded = async {
        let mut cmd = Command::begin(state, actor).await?;
        let saved = photo::ActiveModel {
            id: Set(id),
            assessment_id: Set(row.id),
            branch_id: Set(row.branch_id),
            storage_key: Set(stored.key.clone()),
            content_type: Set(stored.content_type.to_string()),
            size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
            sha256: Set(stored.sha256.clone()),
            width: Set(stored.width.and_then(|w| i32::try_from(w).ok())),
            height: Set(stored.height.and_then(|h| i32::try_from(h).ok())),
            uploaded_by: Set(actor.user_id),
            uploaded_at: Set(cmd.now()),
        }
        .insert(cmd.txn())
        .await?;
        cmd.audit(
            AuditEntry::new("practical.photo", "practical_assessment", row.id)
                .branch(row.branch_id)
                .details(json!({"photo_id": id, "sha256": saved.sha256, "size": saved.size_bytes})),
        );
        cmd.commit().await?;
        Ok::<_, DbErr>(saved)
    }
    .await;
    match recorded {
        Ok(saved) => {
            stored.place(&state.media.store).await.map_err(|err| {
                tracing::error!(error = %err, key = %stored.key, "recorded a practical photo but could not place its bytes");
                ApiError::internal_from(&err)
            })?;
            Ok(saved)
        }
        Err(err) => {
            stored.discard(&state.media.store).await;
            Err(err.into())
        }
    }
}

/// One photo of an assessment the caller may read, with its bytes.
pub(crate) async fn read(
    state: &AppState,
    caller: &Caller,
    assessment_id: Uuid,
    photo_id: Uuid,
) -> Result<(photo::Model, Bytes), ApiError> {
    let row = readable(&state.db, caller, assessment_id).await?.ok_or_else(ApiError::not_found)?;
    let found = Photos::find_by_id(photo_id)
        .filter(photo::Column::AssessmentId.eq(row.id))
        .one(&state.db)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let bytes = state.media.store.read_all(&found.storage_key).await.map_err(|err| {
        tracing::error!(error = %err, key = %found.storage_key, "practical photo missing from storage");
        ApiError::internal()
    })?;
    Ok((found, bytes))
}

/// The photos of each of `ids`, oldest first.
pub(crate) async fn of_assessments(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<photo::Model>>, DbErr> {
    let mut map: HashMap<Uuid, Vec<photo::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    for row in Photos::find()
        .filter(photo::Column::AssessmentId.is_in(ids.to_vec()))
        .order_by_asc(photo::Column::Id)
        .all(db)
        .await?
    {
        map.entry(row.assessment_id).or_default().push(row);
    }
    Ok(map)
}
