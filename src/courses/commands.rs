//! Writes to courses: create, change, translate, publish, delete. Each is
//! one `Command` (transaction, audit entry, `Event::Catalogue` so that every
//! node drops its cached catalogue) and answers the course as stored.

use super::CourseError;
use super::course_entity::{self as course, Entity as Courses};
use super::dto::{CreateCourse, Publish, UpdateCourse};
use super::offering_entity as offering;
use super::service;
use super::texts::{CourseText, LessonText, check_course_texts, check_lesson_texts};
use super::writes;
use crate::audit::AuditEntry;
use crate::branches::service as branches;
use crate::cluster::Event;
use crate::command::Command;
use crate::error::{FieldCode, FieldError, is_foreign_key_violation, is_unique_violation};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::tenancy::Actor;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, DbErr, EntityTrait, Set};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A new course's fields once checked.
struct CheckedCourse {
    code: String,
    source: Option<Locale>,
    texts: BTreeMap<Locale, CourseText>,
    lessons: Vec<(Option<i32>, BTreeMap<Locale, LessonText>)>,
    certificate_valid_days: Option<i32>,
}

/// The longest certificate validity a course may set: ten years. Safety
/// cards lapse after one to five; anything longer is a typing mistake.
pub(crate) const MAX_VALID_DAYS: i32 = 3660;

/// Checks a certificate validity in days (1 to `MAX_VALID_DAYS`).
fn check_valid_days(days: i64, errors: &mut Vec<FieldError>) -> Option<i32> {
    match i32::try_from(days) {
        Ok(d) if (1..=MAX_VALID_DAYS).contains(&d) => Some(d),
        _ => {
            errors.push(
                FieldError::new("certificate_valid_days", FieldCode::OutOfRange)
                    .arg("min", 1)
                    .arg("max", MAX_VALID_DAYS),
            );
            None
        }
    }
}

fn check_new_course(body: &CreateCourse) -> Result<CheckedCourse, CourseError> {
    let mut errors = Vec::new();
    let code = body.code.trim().to_string();
    if !service::valid_code(&code) {
        errors.push(FieldError::new("code", FieldCode::InvalidCourseCode));
    }
    let texts = check_course_texts("translations", &body.translations, &mut errors);
    if body.translations.is_empty() {
        errors.push(FieldError::new("translations", FieldCode::Required));
    }
    let source = match &body.source_locale {
        Some(s) => match Locale::from_canonical(s) {
            Some(l) if texts.contains_key(&l) || !errors.is_empty() => Some(l),
            Some(_) => {
                errors.push(FieldError::new("source_locale", FieldCode::SourceNotTranslated));
                None
            }
            None => {
                errors.push(FieldError::new("source_locale", FieldCode::UnknownLocale));
                None
            }
        },
        None => Locale::ALL.into_iter().find(|l| texts.contains_key(l)),
    };
    let mut lessons = Vec::new();
    for (i, l) in body.lessons.iter().enumerate() {
        let prefix = format!("lessons[{i}].translations");
        let clean = check_lesson_texts(&prefix, &l.translations, &mut errors);
        if l.translations.is_empty() {
            errors.push(FieldError::new(prefix, FieldCode::Required));
        }
        lessons.push((l.position, clean));
    }
    let certificate_valid_days = body.certificate_valid_days.and_then(|d| check_valid_days(d, &mut errors));
    if !errors.is_empty() {
        return Err(CourseError::Invalid(errors));
    }
    Ok(CheckedCourse {
        code,
        source,
        texts,
        lessons,
        certificate_valid_days,
    })
}

/// Maps a unique violation on the course code to `CourseExists`.
fn code_taken(e: DbErr) -> CourseError {
    if is_unique_violation(&e) {
        CourseError::CourseExists
    } else {
        e.into()
    }
}

/// Creates a draft course with its texts and lessons.
pub(crate) async fn create(state: &AppState, actor: &Actor, body: &CreateCourse) -> Result<course::Model, CourseError> {
    let new = check_new_course(body)?;
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let row = course::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(new.code),
        source_locale: Set(new.source.unwrap_or(Locale::En).as_str().to_string()),
        status: Set(course::Status::Draft),
        certificate_valid_days: Set(new.certificate_valid_days),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(cmd.txn())
    .await
    .map_err(code_taken)?;
    for (locale, text) in &new.texts {
        writes::upsert_course_text(cmd.txn(), row.id, *locale, text, now).await?;
    }
    for (position, texts) in &new.lessons {
        writes::insert_lesson(cmd.txn(), row.id, *position, texts, now).await?;
    }
    cmd.audit(AuditEntry::new("course.create", "course", row.id).details(json!({"code": row.code, "lessons": new.lessons.len()})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(row)
}

/// Changes a course's code or source locale.
pub(crate) async fn update(state: &AppState, actor: &Actor, id: Uuid, body: &UpdateCourse) -> Result<course::Model, CourseError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::find_visible(cmd.txn(), actor, id).await?;
    let mut active: course::ActiveModel = row.into();
    let mut errors = Vec::new();
    if let Some(code) = &body.code {
        if service::valid_code(code.trim()) {
            active.code = Set(code.trim().to_string());
        } else {
            errors.push(FieldError::new("code", FieldCode::InvalidCourseCode));
        }
    }
    if let Some(source) = &body.source_locale {
        match Locale::from_canonical(source) {
            Some(l) => active.source_locale = Set(l.as_str().to_string()),
            None => errors.push(FieldError::new("source_locale", FieldCode::UnknownLocale)),
        }
    }
    match body.certificate_valid_days {
        Some(None) => active.certificate_valid_days = Set(None),
        Some(Some(days)) => {
            if let Some(d) = check_valid_days(days, &mut errors) {
                active.certificate_valid_days = Set(Some(d));
            }
        }
        None => {}
    }
    if !errors.is_empty() {
        return Err(CourseError::Invalid(errors));
    }
    active.updated_at = Set(cmd.now());
    let row = active.update(cmd.txn()).await.map_err(code_taken)?;
    cmd.audit(AuditEntry::new("course.update", "course", row.id).details({
        let mut details = json!({"code": body.code, "source_locale": body.source_locale});
        if body.certificate_valid_days.is_some() {
            details["certificate_valid_days"] = json!(row.certificate_valid_days);
        }
        details
    }));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(row)
}

/// Deletes a course while nothing depends on it (no cohorts, no exams).
pub(crate) async fn delete(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), CourseError> {
    let mut cmd = Command::begin(state, actor).await?;
    let row = service::find_visible(cmd.txn(), actor, id).await?;
    // Its assets go with it (cascade); their bytes are noted for collection.
    let media_keys = media_keys(cmd.txn(), row.id).await?;
    let now = cmd.now();
    crate::media::gc::mark(cmd.txn(), &media_keys, now).await?;
    Courses::delete_by_id(row.id).exec(cmd.txn()).await.map_err(|e| {
        if is_foreign_key_violation(&e) {
            CourseError::CourseInUse
        } else {
            e.into()
        }
    })?;
    cmd.audit(AuditEntry::new("course.delete", "course", row.id).details(json!({"code": row.code})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    crate::media::gc::collect(&state.db, &state.media.store, &media_keys).await;
    Ok(())
}

/// Storage keys of every file and variant of a course's assets.
async fn media_keys(db: &impl sea_orm::ConnectionTrait, course_id: Uuid) -> Result<Vec<String>, sea_orm::DbErr> {
    use crate::media::asset_entity::{self as asset, Entity as Assets};
    use crate::media::file_entity::{self as file, Entity as Files};
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let asset_ids: Vec<Uuid> = Assets::find()
        .filter(asset::Column::CourseId.eq(course_id))
        .select_only()
        .column(asset::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if asset_ids.is_empty() {
        return Ok(Vec::new());
    }
    let file_ids: Vec<Uuid> = Files::find()
        .filter(file::Column::AssetId.is_in(asset_ids))
        .select_only()
        .column(file::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    crate::media::gc::keys_of_files(db, &file_ids).await
}

/// Sets one locale's title and summary (`locale` as given in the path).
pub(crate) async fn translate(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    locale: &str,
    text: &CourseText,
) -> Result<course::Model, CourseError> {
    let mut errors = Vec::new();
    let texts = check_course_texts("", &BTreeMap::from([(locale.to_string(), text.clone())]), &mut errors);
    // Field paths relative to the body (`title`), or `locale` for the path's locale.
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|mut e| {
            e.field = e
                .field
                .trim_start_matches('.')
                .split_once('.')
                .map(|(_, f)| f.to_string())
                .unwrap_or_else(|| "locale".into());
            e
        })
        .collect();
    if !errors.is_empty() {
        return Err(CourseError::Invalid(errors));
    }
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let row = service::find_visible(cmd.txn(), actor, id).await?;
    for (l, text) in &texts {
        writes::upsert_course_text(cmd.txn(), row.id, *l, text, now).await?;
    }
    writes::touch(cmd.txn(), row.id, now).await?;
    let row = service::find(cmd.txn(), row.id).await?;
    cmd.audit(AuditEntry::new("course.translate", "course", row.id).details(json!({"locale": locale})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(row)
}

/// Publishes a course with lessons and offers it to branches (added to
/// earlier offers).
pub(crate) async fn publish(state: &AppState, actor: &Actor, id: Uuid, body: &Publish) -> Result<course::Model, CourseError> {
    let mut cmd = Command::begin(state, actor).await?;
    let now = cmd.now();
    let course = service::find_visible(cmd.txn(), actor, id).await?;
    let mut branch_ids = Vec::new();
    let mut errors = Vec::new();
    for (i, code) in body.branches.iter().enumerate() {
        match branches::find_by_code(cmd.txn(), code).await? {
            Some(b) => branch_ids.push(b.id),
            None => errors.push(FieldError::new(format!("branches[{i}]"), FieldCode::UnknownBranch)),
        }
    }
    if !errors.is_empty() {
        return Err(CourseError::Invalid(errors));
    }
    let lesson_count = service::lesson_counts(cmd.txn(), &[course.id])
        .await?
        .get(&course.id)
        .copied()
        .unwrap_or(0);
    if lesson_count == 0 {
        return Err(CourseError::HasNoLessons);
    }
    for branch_id in branch_ids {
        let row = offering::ActiveModel {
            id: Set(Uuid::now_v7()),
            course_id: Set(course.id),
            branch_id: Set(branch_id),
            created_at: Set(now),
        };
        offering::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([offering::Column::CourseId, offering::Column::BranchId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(cmd.txn())
            .await?;
    }
    let mut active: course::ActiveModel = course.into();
    active.status = Set(course::Status::Published);
    active.updated_at = Set(now);
    let course = active.update(cmd.txn()).await?;
    cmd.audit(AuditEntry::new("course.publish", "course", course.id).details(json!({"branches": body.branches})));
    cmd.announce(Event::Catalogue);
    cmd.commit().await?;
    Ok(course)
}
