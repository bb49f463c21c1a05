//! Catalogue reads: who sees which course, and loading courses with their
//! texts and lessons in a fixed number of queries. The row writes the
//! commands are made of are in `writes` (re-exported here for the demo
//! content, which builds its catalogue with them).

use super::CourseError;
use super::course_entity::{self as course, Entity as Courses};
use super::course_translation_entity::{self as course_text, Entity as CourseTexts};
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::lesson_translation_entity::{self as lesson_text, Entity as LessonTexts};
use super::offering_entity::{self as offering, Entity as Offerings};
use crate::i18n::Locale;
use crate::tenancy::{self, Caller};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub(crate) use super::writes::{insert_lesson, upsert_course_text};

pub(crate) struct LessonBundle {
    pub lesson: lesson::Model,
    pub texts: BTreeMap<Locale, lesson_text::Model>,
}

pub(crate) struct CourseBundle {
    pub course: course::Model,
    pub texts: BTreeMap<Locale, course_text::Model>,
    pub lessons: Vec<LessonBundle>,
}

/// Course codes: `EV-HV-101` style, 2-32 upper-case letters, digits and dashes.
pub(crate) fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !code.starts_with('-')
}

/// Which courses a caller may see: headquarters all; everyone else only
/// published courses offered to their branch (courses belong to
/// headquarters; the offers they are seen through belong to branches).
pub(crate) fn visibility(caller: &Caller) -> Condition {
    if caller.is_hq() {
        return Condition::all();
    }
    let offered = tenancy::visible::<Offerings>(caller)
        .select_only()
        .column(offering::Column::CourseId)
        .into_query();
    Condition::all()
        .add(course::Column::Status.eq(course::Status::Published))
        .add(course::Column::Id.in_subquery(offered))
}

/// Every course the caller may see.
pub(crate) fn visible(caller: &Caller) -> Select<Courses> {
    Courses::find().filter(visibility(caller))
}

/// The course if the caller may see it; `NotFound` otherwise, as if it did not exist.
pub(crate) async fn find_visible(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<course::Model, CourseError> {
    Courses::find_by_id(id)
        .filter(visibility(caller))
        .one(db)
        .await?
        .ok_or(CourseError::NotFound)
}

/// A course by id, whoever asks (after a command has checked visibility).
pub(crate) async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<course::Model, CourseError> {
    Courses::find_by_id(id).one(db).await?.ok_or(CourseError::NotFound)
}

/// Texts of many courses in one query.
pub(crate) async fn course_texts(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, BTreeMap<Locale, course_text::Model>>, DbErr> {
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
pub(crate) async fn course_codes(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, DbErr> {
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
pub(crate) async fn lesson_counts(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>, DbErr> {
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
pub(crate) async fn load_bundle(db: &impl ConnectionTrait, course: course::Model) -> Result<CourseBundle, DbErr> {
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
pub(crate) async fn offered_branches(db: &impl ConnectionTrait, course_id: Uuid) -> Result<Vec<String>, DbErr> {
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
