//! Catalogue rules: who sees which course, loading a course with its texts
//! and lessons in a fixed number of queries, lesson ordering, publishing.

use super::course_entity::{self as course, Entity as Courses};
use super::course_translation_entity::{self as course_text, Entity as CourseTexts};
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::lesson_translation_entity::{self as lesson_text, Entity as LessonTexts};
use super::offering_entity::{self as offering, Entity as Offerings};
use super::texts::{CourseText, LessonText};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Locale;
use crate::tenancy::Caller;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait as _, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub struct LessonBundle {
    pub lesson: lesson::Model,
    pub texts: BTreeMap<Locale, lesson_text::Model>,
}

pub struct CourseBundle {
    pub course: course::Model,
    pub texts: BTreeMap<Locale, course_text::Model>,
    pub lessons: Vec<LessonBundle>,
}

/// Course codes: `EV-HV-101` style, 2-32 upper-case letters, digits and dashes.
pub fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-')
}

/// Which courses a caller may see: headquarters all; everyone else only
/// published courses offered to their branch.
pub fn visibility(caller: &Caller) -> Condition {
    if caller.is_hq() {
        return Condition::all();
    }
    let offered = Query::select()
        .column(offering::Column::CourseId)
        .from(Offerings)
        .and_where(offering::Column::BranchId.eq(caller.branch_id))
        .to_owned();
    Condition::all()
        .add(course::Column::Status.eq(course::Status::Published))
        .add(course::Column::Id.in_subquery(offered))
}

/// The course if the caller may see it; 404 otherwise, as if it did not exist.
pub async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> ApiResult<course::Model> {
    Courses::find_by_id(id)
        .filter(visibility(caller))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Texts of many courses in one query.
pub async fn course_texts(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, BTreeMap<Locale, course_text::Model>>, DbErr> {
    let mut out: HashMap<Uuid, BTreeMap<Locale, course_text::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for row in CourseTexts::find()
        .filter(course_text::Column::CourseId.is_in(ids.to_vec()))
        .all(db)
        .await?
    {
        if let Some(locale) = Locale::from_canonical(&row.locale) {
            out.entry(row.course_id).or_default().insert(locale, row);
        }
    }
    Ok(out)
}

/// Codes of many courses in one query.
pub async fn course_codes(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(Courses::find()
        .filter(course::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect())
}

/// Lesson counts of many courses in one query.
pub async fn lesson_counts(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = Lessons::find()
        .select_only()
        .column(lesson::Column::CourseId)
        .column_as(lesson::Column::Id.count(), "n")
        .filter(lesson::Column::CourseId.is_in(ids.to_vec()))
        .group_by(lesson::Column::CourseId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A course with its texts and its lessons (in order) with theirs: three queries.
pub async fn load_bundle(db: &impl ConnectionTrait, course: course::Model) -> Result<CourseBundle, DbErr> {
    let mut texts = course_texts(db, &[course.id]).await?;
    let lessons = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course.id))
        .order_by_asc(lesson::Column::Position)
        .order_by_asc(lesson::Column::Id)
        .all(db)
        .await?;
    let lesson_ids: Vec<Uuid> = lessons.iter().map(|l| l.id).collect();
    let mut by_lesson: HashMap<Uuid, BTreeMap<Locale, lesson_text::Model>> = HashMap::new();
    if !lesson_ids.is_empty() {
        for row in LessonTexts::find()
            .filter(lesson_text::Column::LessonId.is_in(lesson_ids))
            .all(db)
            .await?
        {
            if let Some(locale) = Locale::from_canonical(&row.locale) {
                by_lesson.entry(row.lesson_id).or_default().insert(locale, row);
            }
        }
    }
    Ok(CourseBundle {
        texts: texts.remove(&course.id).unwrap_or_default(),
        lessons: lessons
            .into_iter()
            .map(|l| {
                let texts = by_lesson.remove(&l.id).unwrap_or_default();
                LessonBundle { lesson: l, texts }
            })
            .collect(),
        course,
    })
}

/// Codes of the branches a course is offered to.
pub async fn offered_branches(db: &impl ConnectionTrait, course_id: Uuid) -> Result<Vec<String>, DbErr> {
    let ids: Vec<Uuid> = Offerings::find()
        .filter(offering::Column::CourseId.eq(course_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.branch_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    use crate::branches::entity::{self as branch, Entity as Branches};
    let mut codes: Vec<String> = Branches::find()
        .filter(branch::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.code)
        .collect();
    codes.sort();
    Ok(codes)
}

pub async fn upsert_course_text(
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

pub async fn upsert_lesson_text(
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
pub async fn renumber(db: &impl ConnectionTrait, course_id: Uuid) -> Result<(), DbErr> {
    let lessons = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course_id))
        .order_by_asc(lesson::Column::Position)
        .order_by_asc(lesson::Column::Id)
        .all(db)
        .await?;
    for (index, row) in lessons.into_iter().enumerate() {
        let wanted = index as i32 + 1;
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
pub async fn insert_lesson(
    db: &impl ConnectionTrait,
    course_id: Uuid,
    position: Option<i32>,
    texts: &BTreeMap<Locale, LessonText>,
    now: DateTime<Utc>,
) -> Result<lesson::Model, DbErr> {
    let count = Lessons::find().filter(lesson::Column::CourseId.eq(course_id)).count(db).await?;
    let position = position.map(|p| p.clamp(1, count as i32 + 1)).unwrap_or(count as i32 + 1);
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
pub async fn move_lesson(db: &impl ConnectionTrait, course_id: Uuid, lesson_id: Uuid, position: i32) -> Result<(), DbErr> {
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
    let index = (Ord::max(position, 1) as usize - 1).min(order.len());
    order.insert(index, lesson_id);
    set_order(db, &order).await
}

pub async fn set_order(db: &impl ConnectionTrait, order: &[Uuid]) -> Result<(), DbErr> {
    for (index, id) in order.iter().enumerate() {
        Lessons::update_many()
            .col_expr(lesson::Column::Position, Expr::value(index as i32 + 1))
            .filter(lesson::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Marks the course changed (for lists ordered or cached by it).
pub async fn touch(db: &impl ConnectionTrait, course_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    Courses::update_many()
        .col_expr(course::Column::UpdatedAt, Expr::value(now))
        .filter(course::Column::Id.eq(course_id))
        .exec(db)
        .await
        .map(|_| ())
}
