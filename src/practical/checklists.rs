//! Practical checklists: headquarters defines, per course, the steps an
//! assessor checks in the workshop (e.g. lock-out/tag-out), translated like
//! the rest of the catalogue and read with the same per-field fallback.
//! Redefining a checklist keeps the steps it names by id, adds new ones and
//! retires the ones left out, so results recorded earlier keep their steps.

use super::PracticalError;
use super::checklist_entity::{self as checklist, Entity as Checklists};
use super::item_entity::{self as item, Entity as Items};
use crate::audit::AuditEntry;
use crate::command::Command;
use crate::courses::texts::{chain, pick};
use crate::error::{FieldCode, FieldError};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::Actor;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// At most this many steps in one checklist.
pub(crate) const MAX_ITEMS: usize = 100;

/// One step as sent: its id when it already exists, and its texts.
pub(crate) struct ItemInput<'a> {
    pub id: Option<Uuid>,
    pub texts: &'a BTreeMap<String, String>,
}

/// A checklist as sent.
pub(crate) struct ChecklistInput<'a> {
    pub required: bool,
    pub titles: &'a BTreeMap<String, String>,
    pub items: Vec<ItemInput<'a>>,
}

/// Checks `{locale: text}` with `policy`; at least one translation.
fn check_texts(
    field: &str,
    texts: &BTreeMap<String, String>,
    policy: crate::text::Text,
    errors: &mut Vec<FieldError>,
) -> BTreeMap<String, String> {
    let mut clean = BTreeMap::new();
    if texts.is_empty() {
        errors.push(FieldError::new(field, FieldCode::Required));
    }
    for (key, value) in texts {
        let Some(locale) = Locale::from_canonical(key) else {
            errors.push(FieldError::new(format!("{field}.{key}"), FieldCode::UnknownLocale));
            continue;
        };
        if let Some(value) = policy.collect(format!("{field}.{key}"), value, errors) {
            clean.insert(locale.as_str().to_string(), value);
        }
    }
    clean
}

/// The checklist of a course, if it has one.
pub(crate) async fn of_course(db: &impl ConnectionTrait, course_id: Uuid) -> Result<Option<checklist::Model>, DbErr> {
    Checklists::find().filter(checklist::Column::CourseId.eq(course_id)).one(db).await
}

/// The checklist's steps in order (`active_only`: without retired ones).
pub(crate) async fn items(db: &impl ConnectionTrait, checklist_id: Uuid, active_only: bool) -> Result<Vec<item::Model>, DbErr> {
    let mut query = Items::find().filter(item::Column::ChecklistId.eq(checklist_id));
    if active_only {
        query = query.filter(item::Column::RetiredAt.is_null());
    }
    query
        .order_by_asc(item::Column::Position)
        .order_by_asc(item::Column::Id)
        .all(db)
        .await
}

/// Defines (or redefines) the practical checklist of course `course_id`.
pub(crate) async fn define(
    state: &AppState,
    actor: &Actor,
    course_id: Uuid,
    input: ChecklistInput<'_>,
) -> Result<checklist::Model, PracticalError> {
    let mut errors = Vec::new();
    let titles = check_texts("translations", input.titles, crate::text::TITLE, &mut errors);
    if input.items.is_empty() {
        errors.push(FieldError::new("items", FieldCode::Required));
    }
    if input.items.len() > MAX_ITEMS {
        errors.push(FieldError::new("items", FieldCode::TooManyItems).arg("max", MAX_ITEMS));
    }
    let texts: Vec<BTreeMap<String, String>> = input
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            check_texts(
                &format!("items[{i}].translations"),
                it.texts,
                crate::text::CHECKLIST_ITEM,
                &mut errors,
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(PracticalError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    crate::courses::service::find(cmd.txn(), course_id)
        .await
        .map_err(|_| PracticalError::NotFound)?;
    let now = cmd.now();
    let row = match of_course(cmd.txn(), course_id).await? {
        Some(existing) => {
            let mut active: checklist::ActiveModel = existing.into();
            active.required = Set(input.required);
            active.titles = Set(json!(titles).to_string());
            active.updated_at = Set(now);
            active.update(cmd.txn()).await?
        }
        None => {
            checklist::ActiveModel {
                id: Set(Uuid::now_v7()),
                course_id: Set(course_id),
                required: Set(input.required),
                titles: Set(json!(titles).to_string()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(cmd.txn())
            .await?
        }
    };
    let existing = items(cmd.txn(), row.id, false).await?;
    let mut kept = Vec::new();
    for (position, (input, texts)) in input.items.iter().zip(texts).enumerate() {
        let position = crate::num::to_i32(position);
        match input.id.and_then(|id| existing.iter().find(|e| e.id == id)) {
            Some(found) => {
                let mut active: item::ActiveModel = found.clone().into();
                active.position = Set(position);
                active.texts = Set(json!(texts).to_string());
                active.retired_at = Set(None);
                active.update(cmd.txn()).await?;
                kept.push(found.id);
            }
            None if input.id.is_some() => {
                return Err(PracticalError::Invalid(vec![FieldError::new(
                    format!("items[{position}].id"),
                    FieldCode::NotInChecklist,
                )]));
            }
            None => {
                let id = Uuid::now_v7();
                item::ActiveModel {
                    id: Set(id),
                    checklist_id: Set(row.id),
                    position: Set(position),
                    texts: Set(json!(texts).to_string()),
                    retired_at: Set(None),
                }
                .insert(cmd.txn())
                .await?;
                kept.push(id);
            }
        }
    }
    let retired: Vec<Uuid> = existing
        .iter()
        .filter(|e| e.retired_at.is_none() && !kept.contains(&e.id))
        .map(|e| e.id)
        .collect();
    if !retired.is_empty() {
        Items::update_many()
            .col_expr(item::Column::RetiredAt, sea_orm::sea_query::Expr::value(now))
            .filter(item::Column::Id.is_in(retired.clone()))
            .exec(cmd.txn())
            .await?;
    }
    cmd.audit(AuditEntry::new("practical.define", "course", course_id).details(json!({
        "checklist_id": row.id, "required": row.required, "items": kept.len(), "retired": retired.len(),
    })));
    cmd.commit().await?;
    Ok(row)
}

/// A text map as stored, read back (an unreadable one reads as empty).
pub(crate) fn stored(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The text of `map` through the reader's fallback chain: (text, locale).
pub(crate) fn localized(map: &BTreeMap<String, String>, requested: Locale, default: Locale) -> (String, Option<Locale>) {
    let picked = pick(&chain(requested, default), |l| map.get(l.as_str()).map(String::as_str));
    (picked.text, picked.locale)
}
