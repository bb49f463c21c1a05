//! Row writes of the catalogue: texts set per locale (unchanged texts keep
//! their timestamps, which translation status compares), lessons kept at
//! positions 1..n, and the course's `updated_at`. Commands call them inside
//! their transaction.

use super::course_entity::{self as course, Entity as Courses};
use super::course_translation_entity::{self as course_text, Entity as CourseTexts};
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::lesson_translation_entity::{self as lesson_text, Entity as LessonTexts};
use super::texts::{CourseText, LessonText};
use crate::i18n::Locale;
use crate::num::{to_i32, to_usize};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Sets a course's title and summary in one locale.
pub(crate) async fn upsert_course_text(
    db: &impl ConnectionTrait,
    course_id: Uuid,
    locale: Locale,
    text: &CourseText,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = CourseTexts::find()
        .filter(course_text::Column::CourseId.eq(course_id))
        .filter(course_text::Column::Locale.eq(locale.as_str()))
        .one(db)
        .await?;
    match existing {
        Some(row) => {
            if row.title == text.title && row.summary == text.summary {
                return Ok(());
            }
            let mut active: course_text::ActiveModel = row.into();
            active.title = Set(text.title.clone());
            active.summary = Set(text.summary.clone());
            active.updated_at = Set(now);
            active.update(db).await?;
        }
        None => {
            course_text::ActiveModel {
                id: Set(Uuid::now_v7()),
                course_id: Set(course_id),
                locale: Set(locale.as_str().to_string()),
                title: Set(text.title.clone()),
                summary: Set(text.summary.clone()),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Sets a lesson's title and body in one locale.
pub(crate) async fn upsert_lesson_text(
    db: &impl ConnectionTrait,
    lesson_id: Uuid,
    locale: Locale,
    text: &LessonText,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let existing = LessonTexts::find()
        .filter(lesson_text::Column::LessonId.eq(lesson_id))
        .filter(lesson_text::Column::Locale.eq(locale.as_str()))
        .one(db)
        .await?;
    match existing {
        Some(row) => {
            if row.title == text.title && row.body == text.body {
                return Ok(());
            }
            let mut active: lesson_text::ActiveModel = row.into();
            active.title = Set(text.title.clone());
            active.body = Set(text.body.clone());
            active.updated_at = Set(now);
            active.update(db).await?;
        }
        None => {
            lesson_text::ActiveModel {
                id: Set(Uuid::now_v7()),
                lesson_id: Set(lesson_id),
                locale: Set(locale.as_str().to_string()),
                title: Set(text.title.clone()),
                body: Set(text.body.clone()),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Rewrites positions as 1..n in their current order.
pub(crate) async fn renumber(db: &impl ConnectionTrait, course_id: Uuid) -> Result<(), DbErr> {
    let lessons = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course_id))
        .order_by_asc(lesson::Column::Position)
        .order_by_asc(lesson::Column::Id)
        .all(db)
        .await?;
    for (index, row) in lessons.into_iter().enumerate() {
        let wanted = to_i32(index) + 1;
        if row.position != wanted {
            let mut active: lesson::ActiveModel = row.into();
            active.position = Set(wanted);
            active.update(db).await?;
        }
    }
    Ok(())
}

/// Inserts a lesson at `position` (1-based; past the end or None appends),
/// moving later lessons down.
pub(crate) async fn insert_lesson(
    db: &impl ConnectionTrait,
    course_id: Uuid,
    position: Option<i32>,
    texts: &BTreeMap<Locale, LessonText>,
    now: DateTime<Utc>,
) -> Result<lesson::Model, DbErr> {
    let count = Lessons::find().filter(lesson::Column::CourseId.eq(course_id)).count(db).await?;
    let position = position.map(|p| p.clamp(1, to_i32(count) + 1)).unwrap_or(to_i32(count) + 1);
    Lessons::update_many()
        .col_expr(lesson::Column::Position, Expr::col(lesson::Column::Position).add(1))
        .filter(lesson::Column::CourseId.eq(course_id))
        .filter(lesson::Column::Position.gte(position))
        .exec(db)
        .await?;
    let row = lesson::ActiveModel {
        id: Set(Uuid::now_v7()),
        course_id: Set(course_id),
        position: Set(position),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    for (locale, text) in texts {
        upsert_lesson_text(db, row.id, *locale, text, now).await?;
    }
    Ok(row)
}

/// Moves a lesson to `position`, keeping the others in order.
pub(crate) async fn move_lesson(db: &impl ConnectionTrait, course_id: Uuid, lesson_id: Uuid, position: i32) -> Result<(), DbErr> {
    let mut order: Vec<Uuid> = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course_id))
        .order_by_asc(lesson::Column::Position)
        .order_by_asc(lesson::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    order.retain(|id| *id != lesson_id);
    let index = (to_usize(Ord::max(position, 1)) - 1).min(order.len());
    order.insert(index, lesson_id);
    set_order(db, &order).await
}

/// Sets positions 1..n in the order of `order` (lesson ids).
pub(crate) async fn set_order(db: &impl ConnectionTrait, order: &[Uuid]) -> Result<(), DbErr> {
    for (index, id) in order.iter().enumerate() {
        Lessons::update_many()
            .col_expr(lesson::Column::Position, Expr::value(to_i32(index) + 1))
            .filter(lesson::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Marks the course changed (for lists ordered or cached by it).
pub(crate) async fn touch(db: &impl ConnectionTrait, course_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    Courses::update_many()
        .col_expr(course::Column::UpdatedAt, Expr::value(now))
        .filter(course::Column::Id.eq(course_id))
        .exec(db)
        .await
        .map(|_| ())
}
