//! Reading exams and attempts for a caller: which exams they may see, and
//! the views of exams and attempts (the answer key only for headquarters).

use super::ExamError;
use super::attempt_entity::{self as attempt, Entity as Attempts};
use super::authoring;
use super::exam_entity::{self as exam, Entity as Exams};
use super::views::{self, Attempt, Exam};
use crate::courses::course_entity::{self as course, Entity as Courses};
use crate::courses::service as courses;
use crate::http::CursorPage;
use crate::http::page::Page;
use crate::i18n::Locale;
use crate::tenancy::{self, Caller};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How many exams of a course one list answers (the list has no paging).
const EXAMS_LISTED: u64 = 200;

/// The course if the caller may see it (by the courses area's rule).
pub(crate) async fn visible_course(db: &impl ConnectionTrait, caller: &Caller, course_id: Uuid) -> Result<course::Model, ExamError> {
    Courses::find_by_id(course_id)
        .filter(courses::visibility(caller))
        .one(db)
        .await?
        .ok_or(ExamError::NotFound)
}

/// The exam if the caller may see it: headquarters any; others published
/// exams of courses offered to their branch. One query either way (the
/// course's visibility is a subquery): starting an exam runs this on every
/// press of "start".
pub(crate) async fn find_exam(db: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<exam::Model, ExamError> {
    let mut query = Exams::find_by_id(id);
    if !caller.is_hq() {
        let visible_courses = courses::visible(caller).select_only().column(course::Column::Id).into_query();
        query = query
            .filter(exam::Column::Status.eq(exam::Status::Published))
            .filter(exam::Column::CourseId.in_subquery(visible_courses));
    }
    query.one(db).await?.ok_or(ExamError::NotFound)
}

/// An exam in the `chain` of languages; headquarters also gets the bank
/// with its answer key.
pub(crate) async fn exam_view(db: &impl ConnectionTrait, caller: &Caller, row: exam::Model, chain: &[Locale]) -> Result<Exam, ExamError> {
    let titles = authoring::titles(db, &[row.id]).await?.remove(&row.id).unwrap_or_default();
    let bank = if caller.is_hq() {
        Some(authoring::load_bank(db, row.id).await?)
    } else {
        None
    };
    Ok(views::exam(row, &titles, chain, bank))
}

/// The exams of a course the caller may see (others than headquarters:
/// published ones), in creation order.
pub(crate) async fn list_exams(
    db: &impl ConnectionTrait,
    caller: &Caller,
    course_id: Uuid,
    chain: &[Locale],
) -> Result<Vec<Exam>, ExamError> {
    let course = visible_course(db, caller, course_id).await?;
    let mut query = Exams::find().filter(exam::Column::CourseId.eq(course.id));
    if !caller.is_hq() {
        query = query.filter(exam::Column::Status.eq(exam::Status::Published));
    }
    let first = Page {
        limit: EXAMS_LISTED,
        after: None,
    };
    let mut rows = query.cursor_page(exam::Column::Id, first).all(db).await?;
    rows.truncate(usize::try_from(EXAMS_LISTED).unwrap_or(usize::MAX));
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let titles = authoring::titles(db, &ids).await?;
    let empty = BTreeMap::new();
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = titles.get(&r.id).unwrap_or(&empty);
            views::exam(r, t, chain, None)
        })
        .collect())
}

/// An attempt as its trainee sees it: the drawn questions without the key,
/// the saved answers and, once submitted, the result.
pub(crate) async fn attempt_view(db: &impl ConnectionTrait, row: &attempt::Model, chain: &[Locale]) -> Result<Attempt, ExamError> {
    let snapshot = authoring::published(db, row.version_id).await?;
    let answers = super::attempts::answers(db, row.id).await?;
    let late = super::attempts::late_synced(db, row.id).await?;
    Ok(views::attempt(row, &snapshot, &super::attempts::drawn(row), &answers, late, chain))
}

/// The view of an attempt that was just created: it has no answers yet, so
/// nothing but the (cached) published version is read.
pub(crate) async fn new_attempt_view(db: &impl ConnectionTrait, row: &attempt::Model, chain: &[Locale]) -> Result<Attempt, ExamError> {
    let snapshot = authoring::published(db, row.version_id).await?;
    Ok(views::attempt(
        row,
        &snapshot,
        &super::attempts::drawn(row),
        &BTreeMap::new(),
        Vec::new(),
        chain,
    ))
}

/// A page of the attempts at an exam in the caller's scope (up to
/// `page.limit + 1` rows: see `List::from_rows`), optionally one trainee's.
pub(crate) async fn list_attempts(
    db: &impl ConnectionTrait,
    caller: &Caller,
    exam_id: Uuid,
    user_id: Option<Uuid>,
    page: Page,
) -> Result<Vec<attempt::Model>, ExamError> {
    let exam = find_exam(db, caller, exam_id).await?;
    let mut query = tenancy::visible::<Attempts>(caller).filter(attempt::Column::ExamId.eq(exam.id));
    if let Some(user) = user_id {
        query = query.filter(attempt::Column::UserId.eq(user));
    }
    Ok(query.cursor_page(attempt::Column::Id, page).all(db).await?)
}
