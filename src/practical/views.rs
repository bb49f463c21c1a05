//! Practical checklists and assessments as served, localized with the
//! catalogue's per-field fallback.

use super::assessment_entity as assessment;
use super::assessments::results_of;
use super::checklist_entity as checklist;
use super::checklists::{localized, stored};
use super::item_entity::{self as item, Entity as Items};
use crate::i18n::Locale;
use crate::users::entity::{self as user, Entity as Users};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ChecklistItem {
    pub id: Uuid,
    /// The step in the response language (per-field fallback).
    pub text: String,
    pub locale: Option<String>,
    /// Every translation, by locale.
    pub translations: BTreeMap<String, String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Checklist {
    pub id: Uuid,
    pub course_id: Uuid,
    /// Whether certification waits for a passed assessment.
    pub required: bool,
    pub title: String,
    pub locale: Option<String>,
    pub translations: BTreeMap<String, String>,
    /// The steps in order (retired ones left out).
    pub items: Vec<ChecklistItem>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn checklist_view(row: checklist::Model, items: Vec<item::Model>, requested: Locale, default: Locale) -> Checklist {
    let titles = stored(&row.titles);
    let (title, locale) = localized(&titles, requested, default);
    Checklist {
        id: row.id,
        course_id: row.course_id,
        required: row.required,
        title,
        locale: locale.map(|l| l.as_str().to_string()),
        translations: titles,
        items: items
            .into_iter()
            .map(|i| {
                let texts = stored(&i.texts);
                let (text, locale) = localized(&texts, requested, default);
                ChecklistItem {
                    id: i.id,
                    text,
                    locale: locale.map(|l| l.as_str().to_string()),
                    translations: texts,
                }
            })
            .collect(),
        updated_at: row.updated_at,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct StepResult {
    pub item_id: Uuid,
    /// The step in the response language.
    pub text: String,
    pub passed: bool,
    pub comment: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Assessor {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Assessment {
    pub id: Uuid,
    pub user_id: Uuid,
    pub course_id: Uuid,
    /// Every step passed.
    pub passed: bool,
    pub notes: Option<String>,
    pub assessor: Assessor,
    pub recorded_at: DateTime<Utc>,
    /// The earlier assessment this one corrects.
    pub corrects: Option<Uuid>,
    pub results: Vec<StepResult>,
    /// Photo evidence (read each at
    /// `/api/v1/practical-assessments/{id}/photos/{photo_id}`).
    pub photos: Vec<Photo>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Photo {
    pub id: Uuid,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 (hex) of the stored bytes, metadata stripped.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub uploaded_at: DateTime<Utc>,
}

pub(crate) fn photo_view(p: super::photo_entity::Model) -> Photo {
    Photo {
        id: p.id,
        content_type: p.content_type,
        size: p.size_bytes,
        sha256: p.sha256,
        width: p.width,
        height: p.height,
        uploaded_at: p.uploaded_at,
    }
}

/// Views of assessments with their steps and assessors, in a fixed number of queries.
pub(crate) async fn assessment_views(
    db: &impl ConnectionTrait,
    rows: Vec<assessment::Model>,
    requested: Locale,
    default: Locale,
) -> Result<Vec<Assessment>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut results = results_of(db, &ids).await?;
    let mut photos = super::photos::of_assessments(db, &ids).await?;
    let item_ids: Vec<Uuid> = results.values().flatten().map(|r| r.item_id).collect();
    let items: HashMap<Uuid, item::Model> = if item_ids.is_empty() {
        HashMap::new()
    } else {
        Items::find()
            .filter(item::Column::Id.is_in(item_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect()
    };
    let assessor_ids: Vec<Uuid> = rows.iter().map(|r| r.assessor_id).collect();
    let assessors: HashMap<Uuid, String> = Users::find()
        .filter(user::Column::Id.is_in(assessor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut steps: Vec<StepResult> = results
                .remove(&r.id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let item = items.get(&s.item_id);
                    let text = item.map(|i| localized(&stored(&i.texts), requested, default).0).unwrap_or_default();
                    StepResult {
                        item_id: s.item_id,
                        text,
                        passed: s.passed,
                        comment: s.comment,
                    }
                })
                .collect();
            steps.sort_by_key(|s| items.get(&s.item_id).map(|i| i.position));
            Assessment {
                id: r.id,
                user_id: r.user_id,
                course_id: r.course_id,
                passed: r.passed,
                notes: r.notes,
                assessor: Assessor {
                    id: r.assessor_id,
                    display_name: assessors.get(&r.assessor_id).cloned().unwrap_or_default(),
                },
                recorded_at: r.recorded_at,
                corrects: r.corrects_id,
                results: steps,
                photos: photos.remove(&r.id).unwrap_or_default().into_iter().map(photo_view).collect(),
            }
        })
        .collect())
}
