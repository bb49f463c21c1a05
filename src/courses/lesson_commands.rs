//! Writes to a course's lessons: add, change, remove, reorder. Positions
//! stay 1..n in every committed state; each write marks its course changed
//! and announces `Event::Catalogue`.

use super::CourseError;
use super::course_entity as course;
use super::dto::{NewLesson, Reorder, UpdateLesson};
use super::lesson_entity::{self as lesson, Entity as Lessons};
use super::service;
use super::texts::check_lesson_texts;
use super::writes;
use crate::audit::AuditEntry;
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{FieldCode, FieldError, is_foreign_key_violation};
use crate::state::AppState;
use crate::tenancy::Actor;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

/// A lesson of `course_id`; `LessonNotFound` for another course's lesson.
async fn find_lesson(db: &impl ConnectionTrait, course_id: Uuid, lesson_id: Uuid) -> Result<lesson::Model, CourseError> {
    Lessons::find_by_id(lesson_id)
        .filter(lesson::Column::CourseId.eq(course_id))
        .one(db)
        .await?
        .ok_or(CourseError::LessonNotFound)
}

/// Adds a lesson at a position (omitted or past the end appends).
pub(crate) async fn add(state: &AppState, actor: &Actor, course_id: Uuid, body: &NewLesson) -> Result<lesson::Model, CourseError> {
    let mut errors = Vec::new();
    let texts = check_lesson_texts("translations", &body.translations, &mut errors);
    if body.translations.is_empty() {
        errors.push(FieldError::new("translations", FieldCode::Required));
    }
    if !errors.is_empty() {
        return Err(CourseError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let course = service::find_visible(cmd.txn(), actor, course_id).await?;
    let created = writes::insert_lesson(cmd.txn(), course.id, body.position, &texts, now).await?;
    writes::touch(cmd.txn(), course.id, now).await?;
    cmd.audit(AuditEntry::new("lesson.create", "lesson", created.id).details(json!({"course_id": course.id})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(created)
}

/// Changes a lesson's texts (the locales given) or moves it.
pub(crate) async fn update(
    state: &AppState,
    actor: &Actor,
    course_id: Uuid,
    lesson_id: Uuid,
    body: &UpdateLesson,
) -> Result<lesson::Model, CourseError> {
    let mut errors = Vec::new();
    let texts = body
        .translations
        .as_ref()
        .map(|t| check_lesson_texts("translations", t, &mut errors))
        .unwrap_or_default();
    if let Some(p) = body.position
        && p < 1
    {
        errors.push(FieldError::new("position", FieldCode::OutOfRange).arg("min", 1).arg("max", 10_000));
    }
    if !errors.is_empty() {
        return Err(CourseError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let course = service::find_visible(cmd.txn(), actor, course_id).await?;
    let row = find_lesson(cmd.txn(), course.id, lesson_id).await?;
    for (locale, text) in &texts {
        writes::upsert_lesson_text(cmd.txn(), row.id, *locale, text, now).await?;
    }
    if let Some(position) = body.position {
        writes::move_lesson(cmd.txn(), course.id, row.id, position).await?;
    }
    writes::touch(cmd.txn(), course.id, now).await?;
    cmd.audit(
        AuditEntry::new("lesson.update", "lesson", row.id)
            .details(json!({"position": body.position, "locales": texts.keys().map(|l| l.as_str()).collect::<Vec<_>>()})),
    );
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(row)
}

/// Removes a lesson while no trainee progress refers to it, closing the gap
/// in the positions.
pub(crate) async fn delete(state: &AppState, actor: &Actor, course_id: Uuid, lesson_id: Uuid) -> Result<(), CourseError> {
    let mut cmd = Command::begin(state, actor).await?;
    let course = service::find_visible(cmd.txn(), actor, course_id).await?;
    let row = find_lesson(cmd.txn(), course.id, lesson_id).await?;
    Lessons::delete_by_id(row.id).exec(cmd.txn()).await.map_err(|e| {
        if is_foreign_key_violation(&e) {
            CourseError::LessonInUse
        } else {
            e.into()
        }
    })?;
    writes::renumber(cmd.txn(), course.id).await?;
    writes::touch(cmd.txn(), course.id, cmd.now()).await?;
    cmd.audit(AuditEntry::new("lesson.delete", "lesson", row.id).details(json!({"course_id": course.id})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(())
}

/// Puts the lessons in the order given (every lesson of the course, once).
pub(crate) async fn reorder(state: &AppState, actor: &Actor, course_id: Uuid, body: &Reorder) -> Result<course::Model, CourseError> {
    let mut cmd = Command::begin(state, actor).await?;
    let course = service::find_visible(cmd.txn(), actor, course_id).await?;
    let mut current: Vec<Uuid> = Lessons::find()
        .filter(lesson::Column::CourseId.eq(course.id))
        .all(cmd.txn())
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let mut wanted = body.lesson_ids.clone();
    current.sort();
    wanted.sort();
    if current != wanted {
        return Err(CourseError::field("lesson_ids", FieldCode::NotAPermutation));
    }
    writes::set_order(cmd.txn(), &body.lesson_ids).await?;
    writes::touch(cmd.txn(), course.id, cmd.now()).await?;
    let course = service::find(cmd.txn(), course.id).await?;
    cmd.audit(AuditEntry::new("course.reorder", "course", course.id).details(json!({"lesson_ids": body.lesson_ids})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(course)
}
